//===- Pooling.cpp - padding masks, sequence pooling, L2 normalisation ----===//
//
// The ops sentence encoders end with: a tokenizer's attention_mask turned
// into attention's key mask, pooling over the unmasked positions, and the
// L2 normalisation of the pooled vector.
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Halide/Lowering.h"

#include "dialects/attn/IR/AttnOps.h"

using namespace Halide;
namespace attn = mlir::attn;

namespace attnc::halide {

namespace {

/// Whether position (s, b) of the [B, S] mask `m` (Halide (s, b)) is kept.
Expr kept(const HValue &m, Expr s, Expr b) { return m.func(s, b) != 0; }

void lowerKeyPaddingMask(attn::KeyPaddingMaskOp op, LoweringContext &cx) {
  const HValue &m = cx[op.getAttentionMask()];
  Var j("j"), i("i"), h("h"), b("b");
  Func out(cx.unique("key_padding_mask"));
  // Computed once, at root ([B, S] bytes): every layer's attention reads
  // it, and a value computed at root may cross a kernel boundary, so
  // identical layers still share one compiled kernel (KernelPartition.h).
  out(j, i, h, b) = cast<uint8_t>(kept(m, j, b));
  cx.setGeneric(op.getResult(), out, UInt(8),
                {m.extents[0], 1, 1, m.extents[1]});
}

void lowerPool(attn::PoolOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()];
  Type t = x.type;
  Var d("d"), b("b");
  Expr S = x.extents[1];
  Func out(cx.unique("pool"));
  if (op.getKind() == attn::PoolKind::first) {
    out(d, b) = x.func(d, 0, b);
    cx.setGeneric(op.getResult(), out, t, {x.extents[0], x.extents[2]});
    return;
  }
  mlir::Value maskValue = op.getAttentionMask();
  RDom r(0, S, "rs");
  Expr keep = maskValue ? kept(cx[maskValue], r, b) : Internal::const_true();
  // The kept positions; without a mask all S (an update that does not
  // read r would run once, not S times).
  Func count(cx.unique("pool_count"));
  if (maskValue) {
    count(b) = 0;
    count(b) += select(keep, 1, 0);
  } else {
    count(b) = S;
  }
  cx.addStage(GenericStage{count});
  Func acc(cx.unique("pool_acc"));
  if (op.getKind() == attn::PoolKind::mean) {
    acc(d, b) = cast(t, 0);
    acc(d, b) += select(keep, x.func(d, r, b), cast(t, 0));
    out(d, b) = select(count(b) > 0, acc(d, b) / cast(t, max(count(b), 1)),
                       cast(t, 0));
  } else {
    acc(d, b) = t.min();
    acc(d, b) = select(keep, max(acc(d, b), x.func(d, r, b)), acc(d, b));
    out(d, b) = select(count(b) > 0, acc(d, b), cast(t, 0));
  }
  cx.addStage(GenericStage{acc});
  cx.setGeneric(op.getResult(), out, t, {x.extents[0], x.extents[2]});
}

void lowerL2Normalize(attn::L2NormalizeOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()];
  Type t = x.type;
  std::vector<Var> vars = makeVars(x.extents.size(), "x");
  std::vector<Expr> rest(vars.begin() + 1, vars.end());
  RDom r(0, x.extents[0], "rd");
  std::vector<Expr> at = {r.x};
  at.insert(at.end(), rest.begin(), rest.end());
  Func squares(cx.unique("l2_sum"));
  squares(rest) = cast(t, 0);
  squares(rest) += x.func(at) * x.func(at);
  cx.addStage(GenericStage{squares});
  Expr eps = cast(t, Expr(op.getEpsilon().convertToDouble()));
  Func out(cx.unique("l2_normalize"));
  out(asExprs(vars)) = x.func(asExprs(vars)) / max(sqrt(squares(rest)), eps);
  cx.setGeneric(op.getResult(), out, t, x.extents);
}

} // namespace

void registerPoolingLowerings(LoweringRegistry &registry) {
  registry.add(lowerKeyPaddingMask);
  registry.add(lowerPool);
  registry.add(lowerL2Normalize);
}

} // namespace attnc::halide
