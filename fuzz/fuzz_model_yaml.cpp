// The model-description frontend (frontends/model): parse the YAML, check
// it, generate attn IR and verify it, as `attnc model.yaml` does. Any
// input may be refused, but only with one-line errors at a position in the
// file, and never with IR that fails to verify.
#include "fuzz/MlirFuzz.h"
#include "frontends/model/ModelImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
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
    else if (text.rfind("internal error", 0) == 0) // the frontend's own
      problem = text;
    else if (!mlir::isa<mlir::FileLineColLoc>(d.getLocation()))
      problem = "a message without a file position: " + text;
    return mlir::success();
  });
  std::string text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      attnc::model::importModelDescription(text, "fuzz.yaml", &context);
  if (!module && errors == 0)
    problem = "refused without an error message";
  if (!problem.empty()) {
    std::fprintf(stderr, "model frontend: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
