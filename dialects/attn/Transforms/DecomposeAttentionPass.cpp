//===- DecomposeAttentionPass.cpp - fused attention to three ops ----------===//
#include "dialects/attn/IR/AttnOps.h"
#include "dialects/attn/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_DECOMPOSEATTENTIONPASS
#include "dialects/attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

namespace {

struct DecomposeAttention : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<double> scale = op.getEffectiveScale();
    if (!scale)
      return rewriter.notifyMatchFailure(op, "scale unknown at compile time");
    auto q = op.getQuery().getType();
    auto k = op.getKey().getType();
    auto logitsTy = RankedTensorType::get(
        {q.getDimSize(0), q.getDimSize(1), q.getDimSize(2), k.getDimSize(2)},
        q.getElementType());
    Location loc = op.getLoc();
    Value logits = rewriter.create<ScoreOp>(loc, logitsTy, op.getQuery(),
                                            op.getKey(),
                                            rewriter.getF64FloatAttr(*scale));
    Value probs = rewriter.create<SoftmaxOp>(
        loc, logitsTy, logits, op.getMask(), op.getBias(), op.getKeyLengths(),
        op.getCausal(), op.getWindowAttr());
    rewriter.replaceOpWithNewOp<WeightedSumOp>(op, op.getType(), probs,
                                               op.getValue());
    return success();
  }
};

struct DecomposeAttentionPass
    : attn::impl::DecomposeAttentionPassBase<DecomposeAttentionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeAttention>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(),
                                            std::move(patterns))))
      return signalPassFailure();
    getOperation()->walk([](AttentionOp op) {
      op.emitWarning() << "left fused: a scaled_dot score with a dynamic "
                          "head_dim has no compile-time scale";
    });
  }
};

} // namespace
