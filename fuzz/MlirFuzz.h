// The MLIR context of the frontend and IR harnesses. Creating a context
// and loading the dialects costs more than most inputs take to run, so
// one context serves many inputs: it only accumulates uniqued types and
// attributes, which no later input can observe, and it is replaced every
// kRunsPerContext inputs to bound its memory.
#ifndef ATTNC_FUZZ_MLIRFUZZ_H
#define ATTNC_FUZZ_MLIRFUZZ_H

#include "compiler/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <memory>
#include <string>

namespace attnc::fuzz {

inline mlir::MLIRContext &sharedContext() {
  constexpr int kRunsPerContext = 1000;
  static mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry;
    attnc::registerAllDialects(*r);
    return r;
  }();
  static std::unique_ptr<mlir::MLIRContext> context;
  static int runs = 0;
  if (!context || ++runs == kRunsPerContext) {
    runs = 0;
    context = std::make_unique<mlir::MLIRContext>(
        *registry, mlir::MLIRContext::Threading::DISABLED);
    // Like attn-opt: unknown dialects are errors, not opaque ops.
    context->loadAllAvailableDialects();
  }
  return *context;
}

/// What a frontend harness demands of every refusal: one line, located in
/// the file, not an internal error. Counts the errors while in scope and
/// keeps the first broken promise in `problem`.
class FrontendDiagnostics {
public:
  explicit FrontendDiagnostics(mlir::MLIRContext &context)
      : handler(&context, [this](mlir::Diagnostic &d) {
          std::string text = d.str();
          ++errors;
          if (text.find('\n') != std::string::npos)
            problem = "a message of several lines: " + text;
          else if (text.rfind("internal error", 0) == 0)
            problem = text;
          else if (!mlir::isa<mlir::FileLineColLoc>(d.getLocation()))
            problem = "a message without a file position: " + text;
          return mlir::success();
        }) {}

  int errors = 0;
  std::string problem;

private:
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace attnc::fuzz

#endif // ATTNC_FUZZ_MLIRFUZZ_H
