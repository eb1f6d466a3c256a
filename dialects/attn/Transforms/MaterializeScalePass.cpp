//===- MaterializeScalePass.cpp - explicit attention scales ---------------===//
#include "dialects/attn/IR/AttnOps.h"
#include "dialects/attn/Transforms/Passes.h"

namespace mlir::attn {
#define GEN_PASS_DEF_MATERIALIZESCALEPASS
#include "dialects/attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

namespace {

struct MaterializeScalePass
    : attn::impl::MaterializeScalePassBase<MaterializeScalePass> {
  void runOnOperation() override {
    getOperation()->walk([](Operation *op) {
      auto attention = dyn_cast<AttentionOpInterface>(op);
      if (!attention || attention.getScoreKind() != ScoreKind::scaled_dot ||
          op->hasAttr("scale"))
        return;
      if (std::optional<double> s = attention.getEffectiveScale())
        op->setAttr("scale", FloatAttr::get(Float64Type::get(op->getContext()),
                                            *s));
    });
  }
};

} // namespace
