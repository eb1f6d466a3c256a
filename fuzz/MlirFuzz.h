// The MLIR context of the frontend and IR harnesses. Creating a context
// and loading the dialects costs more than most inputs take to run, so
// one context serves many inputs: it only accumulates uniqued types and
// attributes, which no later input can observe, and it is replaced every
// kRunsPerContext inputs to bound its memory.
#ifndef ATTNC_FUZZ_MLIRFUZZ_H
#define ATTNC_FUZZ_MLIRFUZZ_H

#include "compiler/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <memory>

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

} // namespace attnc::fuzz

#endif // ATTNC_FUZZ_MLIRFUZZ_H
