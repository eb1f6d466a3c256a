//===- AttnCanonicalize.cpp - folding degenerate masks and windows --------===//
//
// Masks that allow every pair are dropped so that later stages see the
// cheapest form: an all-true boolean mask, an all-zero bias, key lengths that
// cover the whole key sequence, and a window wider than the sequence. A window
// that is unbounded on the left and stops at the diagonal is `causal`, which
// the code generators know how to skip tiles for.
//
//===----------------------------------------------------------------------===//
#include "dialects/attn/IR/AttnOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

DenseElementsAttr constantOf(Value v) {
  DenseElementsAttr attr;
  if (v && matchPattern(v, m_Constant(&attr)))
    return attr;
  return {};
}

bool isAllTrue(Value v) {
  auto c = constantOf(v);
  return c && llvm::all_of(c.getValues<bool>(), [](bool b) { return b; });
}

bool isAllZero(Value v) {
  auto c = dyn_cast_or_null<DenseFPElementsAttr>(constantOf(v));
  return c && llvm::all_of(c.getValues<APFloat>(),
                           [](const APFloat &f) { return f.isZero(); });
}

bool coversAllKeys(Value keyLengths, int64_t keySeq) {
  auto c = dyn_cast_or_null<DenseIntElementsAttr>(constantOf(keyLengths));
  if (!c || ShapedType::isDynamic(keySeq))
    return false;
  return llvm::all_of(c.getValues<APInt>(), [&](const APInt &len) {
    return len.getSExtValue() >= keySeq;
  });
}

std::pair<int64_t, int64_t> seqLengths(AttentionOp op) {
  return {op.getQuery().getType().getDimSize(2),
          op.getKey().getType().getDimSize(2)};
}
std::pair<int64_t, int64_t> seqLengths(SoftmaxOp op) {
  auto t = op.getInput().getType();
  return {t.getDimSize(2), t.getDimSize(3)};
}

template <typename OpTy>
struct SimplifyMasks : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto [sq, sk] = seqLengths(op);
    bool dropMask = op.getMask() && isAllTrue(op.getMask());
    bool dropBias = op.getBias() && isAllZero(op.getBias());
    bool dropLengths =
        op.getKeyLengths() && coversAllKeys(op.getKeyLengths(), sk);

    WindowAttr window = op.getWindowAttr();
    bool causal = op.getCausal();
    WindowAttr newWindow = window;
    bool newCausal = causal;
    if (window) {
      int64_t left = window.getLeft(), right = window.getRight();
      // Causal already forbids every key right of the diagonal.
      if (causal)
        right = 0;
      bool leftCovers = !ShapedType::isDynamic(sq) && left >= sq - 1;
      bool rightCovers =
          causal || (!ShapedType::isDynamic(sk) && right >= sk - 1);
      if (leftCovers && rightCovers) {
        newWindow = nullptr;
      } else if (leftCovers && right == 0) {
        newWindow = nullptr;
        newCausal = true;
      } else if (right != window.getRight()) {
        newWindow = WindowAttr::get(op.getContext(), left, right);
      }
    }

    if (!dropMask && !dropBias && !dropLengths && newWindow == window &&
        newCausal == causal)
      return failure();

    rewriter.modifyOpInPlace(op, [&] {
      if (dropMask)
        op.getMaskMutable().clear();
      if (dropBias)
        op.getBiasMutable().clear();
      if (dropLengths)
        op.getKeyLengthsMutable().clear();
      if (newWindow)
        op.setWindowAttr(newWindow);
      else
        op.removeWindowAttr();
      op.setCausal(newCausal);
    });
    return success();
  }
};

} // namespace

void AttentionOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<SimplifyMasks<AttentionOp>>(context);
}

void SoftmaxOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<SimplifyMasks<SoftmaxOp>>(context);
}
