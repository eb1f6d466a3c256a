// The model-description frontend (frontends/model): parse the YAML, check
// it, generate attn IR and verify it, as `attnc model.yaml` does. Any
// input may be refused, but only with one-line errors at a position in the
// file, and never with IR that fails to verify.
#include "fuzz/MlirFuzz.h"
#include "frontends/model/ModelImporter.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &context = attnc::fuzz::sharedContext();
  attnc::fuzz::FrontendDiagnostics diagnostics(context);
  std::string text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      attnc::model::importModelDescription(text, "fuzz.yaml", &context);
  if (!module && diagnostics.errors == 0)
    diagnostics.problem = "refused without an error message";
  if (!diagnostics.problem.empty()) {
    std::fprintf(stderr, "model frontend: %s\n", diagnostics.problem.c_str());
    std::abort();
  }
  return 0;
}
