// Every attn op has a Halide lowering: an op added to the dialect without
// one fails here, not at some user's compile.
#include "compiler/InitAll.h"
#include "compiler/Target/Halide/Lowering.h"
#include "dialects/attn/IR/AttnDialect.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

namespace {

TEST(LoweringRegistry, EveryAttnOpHasALowering) {
  mlir::DialectRegistry registry;
  attnc::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  const auto &lowerings = attnc::halide::LoweringRegistry::get();
  int attnOps = 0;
  for (mlir::RegisteredOperationName name :
       context.getRegisteredOperations()) {
    if (name.getDialectNamespace() != "attn")
      continue;
    ++attnOps;
    EXPECT_TRUE(lowerings.has(name.getTypeID()))
        << "'" << name.getStringRef().str() << "' has no Halide lowering";
  }
  // The dialect is there at all (a registry check over no ops proves
  // nothing).
  EXPECT_GE(attnOps, 28);
}

} // namespace
