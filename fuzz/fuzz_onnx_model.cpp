// The ONNX frontend (frontends/onnx): read the protobuf, evaluate and match
// the graph, generate attn IR and verify it, as `attnc model.onnx` does.
// Any input may be refused, but only with one-line errors located in the
// file (FILE or FILE:N:1), with no weights left over, and never with IR
// that fails to verify.
#include "fuzz/FuzzSupport.h"
#include "fuzz/MlirFuzz.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &context = attnc::fuzz::sharedContext();
  int errors = 0;
  std::string problem;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    std::string text = d.str();
    ++errors;
    if (text.find('\n') != std::string::npos)
      problem = "a message of several lines: " + text;
    else if (text.rfind("internal error", 0) == 0)
      problem = text;
    else if (!mlir::isa<mlir::FileLineColLoc>(d.getLocation()))
      problem = "a message without a file position: " + text;
    return mlir::success();
  });
  std::string path = attnc::fuzz::ScratchDir::write(
      "fuzz.onnx", std::string(reinterpret_cast<const char *>(data), size));
  std::vector<attnc::onnx::Weight> weights;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      attnc::onnx::importOnnxModel(path, &context, weights);
  if (!module && errors == 0)
    problem = "refused without an error message";
  if (!module && !weights.empty())
    problem = "refused but left weights to write";
  if (!problem.empty()) {
    std::fprintf(stderr, "ONNX frontend: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
