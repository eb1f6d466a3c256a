// attn IR as attn-opt reads it: parse (the verifier runs as part of it),
// then canonicalise and verify again. Parse and verifier errors are the
// expected outcome for most inputs; a crash, a hang or a canonicalisation
// that produces invalid IR is a bug.
#include "fuzz/MlirFuzz.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &context = attnc::fuzz::sharedContext();
  mlir::ScopedDiagnosticHandler handler(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  std::string text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, &context, "fuzz.mlir");
  if (!module)
    return 0;
  mlir::PassManager pm(&context);
  pm.addPass(mlir::createCanonicalizerPass());
  // The canonicalizer itself never fails; the pass manager verifies after
  // it, so a failure means a pattern or folder produced invalid IR.
  if (mlir::failed(pm.run(*module)) || mlir::failed(mlir::verify(*module))) {
    std::fprintf(stderr, "canonicalisation produced invalid IR\n");
    std::abort();
  }
  return 0;
}
