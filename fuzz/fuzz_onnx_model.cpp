// The ONNX frontend (frontends/onnx): read the protobuf, evaluate and match
// the graph, generate attn IR and verify it, as `attnc model.onnx` does.
// Any input may be refused, but only with one-line errors located in the
// file (FILE or FILE:N:1), with no weights left over, and never with IR
// that fails to verify.
#include "fuzz/FuzzSupport.h"
#include "fuzz/MlirFuzz.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/IR/MLIRContext.h"

#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &context = attnc::fuzz::sharedContext();
  attnc::fuzz::FrontendDiagnostics diagnostics(context);
  std::string path = attnc::fuzz::ScratchDir::write(
      "fuzz.onnx", std::string(reinterpret_cast<const char *>(data), size));
  std::vector<attnc::onnx::Weight> weights;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      attnc::onnx::importOnnxModel(path, &context, weights);
  if (!module && diagnostics.errors == 0)
    diagnostics.problem = "refused without an error message";
  if (!module && !weights.empty())
    diagnostics.problem = "refused but left weights to write";
  if (!diagnostics.problem.empty()) {
    std::fprintf(stderr, "ONNX frontend: %s\n", diagnostics.problem.c_str());
    std::abort();
  }
  return 0;
}
