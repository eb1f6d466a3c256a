//===- Layers.cpp - elementwise ops, norms, embeddings and head layout ----===//
//
// The layers around attention: activations (and their gradients), dropout,
// residual adds, layer norm, embeddings and positions, the head split and
// merge of multi-head attention, and the sums that undo broadcasts in
// gradients (reduce_to, mean_heads_grad).
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Halide/Lowering.h"

#include "dialects/attn/IR/AttnOps.h"

#include <cmath>

using namespace Halide;
namespace attn = mlir::attn;

namespace attnc::halide {

namespace {

void lowerSplitHeads(attn::SplitHeadsOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()];
  Expr H = static_cast<int>(op.getHeads());
  Expr D = x.extents[0] / H;
  Func out(cx.unique("split_heads"));
  // An index remapping: inlined into its readers.
  if (x.extents.size() == 3) { // (c, s, b) -> (d, s, h, b)
    Var d("d"), s("s"), h("h"), b("b");
    out(d, s, h, b) = x.func(h * D + d, s, b);
    cx.set(op.getResult(), out, x.type, {D, x.extents[1], H, x.extents[2]});
  } else { // (c, n) -> (d, h, n)
    Var d("d"), h("h"), n("n");
    out(d, h, n) = x.func(h * D + d, n);
    cx.set(op.getResult(), out, x.type, {D, H, x.extents[1]});
  }
  cx.addStage(InlineStage{out});
}

void lowerMergeHeads(attn::MergeHeadsOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()];
  bool seq = x.extents.size() == 4; // (d, s, h, b) or (d, h, n)
  Expr D = x.extents[0];
  Expr H = seq ? x.extents[2] : x.extents[1];
  Func out(cx.unique(op.getMean() ? "mean_heads" : "merge_heads"));
  Var c("c"), s("s"), b("b"), n("n");
  if (op.getMean()) {
    RDom rh(0, H, "rh");
    if (seq) {
      out(c, s, b) = sum(x.func(c, s, rh, b)) / cast(x.type, H);
      cx.setGeneric(op.getResult(), out, x.type,
                    {D, x.extents[1], x.extents[3]});
    } else {
      out(c, n) = sum(x.func(c, rh, n)) / cast(x.type, H);
      cx.setGeneric(op.getResult(), out, x.type, {D, x.extents[2]});
    }
    return;
  }
  // An index remapping: inlined into its readers.
  if (seq) {
    out(c, s, b) = x.func(c % D, s, c / D, b);
    cx.set(op.getResult(), out, x.type, {D * H, x.extents[1], x.extents[3]});
  } else {
    out(c, n) = x.func(c % D, c / D, n);
    cx.set(op.getResult(), out, x.type, {D * H, x.extents[2]});
  }
  cx.addStage(InlineStage{out});
}

void lowerEmbedding(attn::EmbeddingOp op, LoweringContext &cx) {
  const HValue &table = cx[op.getTable()], &ids = cx[op.getIds()];
  std::vector<Var> vars = makeVars(ids.extents.size() + 1, "x");
  std::vector<Expr> idArgs(vars.begin() + 1, vars.end());
  Expr row = clamp(cast<int>(ids.func(idArgs)), 0, table.extents[1] - 1);
  Func out(cx.unique("embedding"));
  out(asExprs(vars)) = table.func(vars[0], row);
  std::vector<Expr> extents = {table.extents[0]};
  extents.insert(extents.end(), ids.extents.begin(), ids.extents.end());
  cx.setGeneric(op.getResult(), out, table.type, extents);
}

void lowerPositional(attn::PositionalEncodingOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()];
  Var e("e"), p("p"), b("b");
  Func out(cx.unique("positional"));
  Expr code;
  if (op.getKind() == attn::PositionalKind::learned) {
    code = cx[op.getTable()].func(e, p);
  } else {
    // pe[p, 2k] = sin(p / 10000^(2k/E)), pe[p, 2k+1] = cos(...). In double:
    // at position 1000 an fp32 angle is already off by 6e-5.
    Expr k2 = cast<double>((e / 2) * 2);
    Expr angle = cast<double>(p) * exp(-k2 / cast<double>(x.extents[0]) *
                                       Expr(std::log(10000.0)));
    code = cast(x.type, select(e % 2 == 0, sin(angle), cos(angle)));
  }
  out(e, p, b) = x.func(e, p, b) + code;
  cx.setGeneric(op.getResult(), out, x.type, x.extents);
}

void lowerAdd(attn::AddOp op, LoweringContext &cx) {
  const HValue &a = cx[op.getLhs()], &c = cx[op.getRhs()];
  std::vector<Var> vars = makeVars(a.extents.size(), "x");
  // rhs broadcasts (NumPy rules): its dims are the innermost of lhs's.
  std::vector<int64_t> rhsShape = LoweringContext::shape(op.getRhs());
  std::vector<Expr> rhsAt;
  for (size_t k = 0; k < rhsShape.size(); ++k) {
    int64_t extent = rhsShape[rhsShape.size() - 1 - k];
    rhsAt.push_back(extent == 1  ? Expr(0)
                    : extent > 0 ? Expr(vars[k])
                                 : select(c.extents[k] == 1, 0, vars[k]));
  }
  Func out(cx.unique("add"));
  out(asExprs(vars)) = a.func(asExprs(vars)) + c.func(rhsAt);
  cx.setGeneric(op.getResult(), out, a.type, a.extents);
}

void lowerLayerNorm(attn::LayerNormOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()], &g = cx[op.getGamma()],
               &bt = cx[op.getBeta()];
  std::vector<Var> vars = makeVars(x.extents.size(), "x");
  std::vector<Expr> rest(vars.begin() + 1, vars.end());
  RDom r(0, x.extents[0], "re");
  std::vector<Expr> at = {r.x};
  at.insert(at.end(), rest.begin(), rest.end());
  Expr n = cast(x.type, x.extents[0]);
  Func mean(cx.unique("ln_mean")), var(cx.unique("ln_var"));
  mean(rest) = sum(x.func(at)) / n;
  Expr centred = x.func(at) - mean(rest);
  var(rest) = sum(centred * centred) / n;
  Func out(cx.unique("layer_norm"));
  out(asExprs(vars)) =
      (x.func(asExprs(vars)) - mean(rest)) /
          sqrt(var(rest) + cast(x.type, Expr(op.getEpsilon().convertToDouble()))) *
          g.func(vars[0]) +
      bt.func(vars[0]);
  cx.addStage(GenericStage{mean});
  cx.addStage(GenericStage{var});
  cx.setGeneric(op.getResult(), out, x.type, x.extents);
}

/// GELU's tanh form: u = sqrt(2/pi) (x + 0.044715 x^3).
Expr geluTanhArg(Expr v, Type t) {
  Expr c = cast(t, Expr(std::sqrt(2.0 / M_PI)));
  return c * (v + cast(t, 0.044715f) * v * v * v);
}

/// erf(x / sqrt(2)). Halide's erf takes Float(32): f64 values are
/// evaluated in f32 (relative error ~1e-7).
Expr erfOfScaled(Expr v, Type t) {
  return cast(t, erf(cast<float>(v) * float(M_SQRT1_2)));
}

void lowerActivation(attn::ActivationOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()];
  std::vector<Var> vars = makeVars(x.extents.size(), "x");
  Expr v = x.func(asExprs(vars));
  Type t = x.type;
  Expr zero = cast(t, 0), one = cast(t, 1), half = cast(t, 0.5f);
  Expr y;
  switch (op.getKind()) {
  case attn::ActivationKind::relu:
    y = max(v, zero);
    break;
  case attn::ActivationKind::gelu:
    y = half * v * (one + tanh(geluTanhArg(v, t)));
    break;
  case attn::ActivationKind::gelu_erf:
    y = half * v * (one + erfOfScaled(v, t));
    break;
  case attn::ActivationKind::elu:
    // exp of the clamped value: the positive branch must not overflow.
    y = select(v > zero, v, exp(min(v, zero)) - one);
    break;
  }
  Func out(cx.unique("activation"));
  out(asExprs(vars)) = y;
  cx.setGeneric(op.getResult(), out, t, x.extents);
}

void lowerActivationGrad(attn::ActivationGradOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()], &dy = cx[op.getGrad()];
  std::vector<Var> vars = makeVars(x.extents.size(), "x");
  Expr v = x.func(asExprs(vars)), g = dy.func(asExprs(vars));
  Type t = x.type;
  Expr zero = cast(t, 0), one = cast(t, 1), half = cast(t, 0.5f);
  Expr dx;
  switch (op.getKind()) {
  case attn::ActivationKind::relu:
    dx = select(v > zero, g, zero);
    break;
  case attn::ActivationKind::elu:
    dx = select(v > zero, g, g * exp(min(v, zero)));
    break;
  case attn::ActivationKind::gelu: {
    // d/dx 0.5 x (1 + tanh(u)), u = c (x + a x^3):
    // 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) c (1 + 3 a x^2).
    Expr c = cast(t, Expr(std::sqrt(2.0 / M_PI)));
    Expr a = cast(t, 0.044715f);
    Expr th = tanh(c * (v + a * v * v * v));
    dx = g * (half * (one + th) +
              half * v * (one - th * th) * c * (one + cast(t, 3) * a * v * v));
    break;
  }
  case attn::ActivationKind::gelu_erf: {
    // d/dx x Phi(x) = Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
    Expr phi = cast(t, Expr(1.0 / std::sqrt(2.0 * M_PI))) * exp(-half * v * v);
    dx = g * (half * (one + erfOfScaled(v, t)) + v * phi);
    break;
  }
  }
  Func out(cx.unique("activation_grad"));
  out(asExprs(vars)) = dx;
  cx.setGeneric(op.getResult(), out, t, x.extents);
}

bool dropoutPassesThrough(attn::DropoutOp op) {
  return !op.getSeed() || op.getRate().convertToDouble() <= 0.0;
}

void lowerDropout(attn::DropoutOp op, LoweringContext &cx) {
  if (dropoutPassesThrough(op)) {
    // Inference (or nothing to drop): the identity, passed through.
    cx.alias(op.getResult(), op.getInput());
    return;
  }
  const HValue &x = cx[op.getInput()];
  std::vector<Var> vars = makeVars(x.extents.size(), "x");
  // The counter is the row-major flat index.
  Expr flat = 0;
  for (size_t k = vars.size(); k-- > 0;)
    flat = flat * x.extents[k] + vars[k];
  auto keep = cx.dropoutFactor(op.getSeed(), op.getRate().convertToDouble(),
                               op.getSalt(), x.type);
  Func out(cx.unique("dropout"));
  out(asExprs(vars)) = x.func(asExprs(vars)) * keep(flat);
  cx.setGeneric(op.getResult(), out, x.type, x.extents);
}

void lowerReduceTo(attn::ReduceToOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()];
  std::vector<int64_t> inShape = LoweringContext::shape(op.getInput());
  std::vector<int64_t> outShape = LoweringContext::shape(op.getResult());
  size_t inRank = inShape.size(), outRank = outShape.size();
  std::vector<Var> vars = makeVars(outRank, "x");
  // Halide dim k of the input is logical dim inRank-1-k; the result has it
  // (as its Halide dim k) when k < outRank. A dim is summed when the result
  // lacks it or has it as 1 where the input's is not 1.
  Region region;
  std::vector<int> summed;
  for (size_t k = 0; k < inRank; ++k) {
    bool inResult = k < outRank;
    int64_t outExtent = inResult ? outShape[outRank - 1 - k] : -1;
    if (!inResult || (outExtent == 1 && inShape[inRank - 1 - k] != 1)) {
      summed.push_back(static_cast<int>(k));
      region.emplace_back(0, x.extents[k]);
    }
  }
  std::vector<Expr> outExtents;
  for (size_t k = 0; k < outRank; ++k)
    outExtents.push_back(outShape[outRank - 1 - k] == 1 ? Expr(1)
                                                        : x.extents[k]);
  Func out(cx.unique("reduce_to"));
  if (region.empty()) {
    out(asExprs(vars)) = x.func(asExprs(vars));
    cx.setGeneric(op.getResult(), out, x.type, outExtents);
    return;
  }
  RDom r(region, "rsum");
  std::vector<Expr> at;
  for (size_t k = 0, next = 0; k < inRank; ++k) {
    if (next < summed.size() && summed[next] == static_cast<int>(k))
      at.push_back(r[static_cast<int>(next++)]);
    else
      at.push_back(vars[k]);
  }
  out(asExprs(vars)) = cast(x.type, 0);
  out(asExprs(vars)) += x.func(at);
  cx.set(op.getResult(), out, x.type, std::move(outExtents));
  cx.addStage(ReductionStages{out, vars, r});
}

void lowerMeanHeadsGrad(attn::MeanHeadsGradOp op, LoweringContext &cx) {
  const HValue &dy = cx[op.getGrad()];
  Var d("d"), h("h"), n("n");
  Expr H = static_cast<int>(op.getHeads());
  Func out(cx.unique("mean_heads_grad"));
  out(d, h, n) = dy.func(d, n) / cast(dy.type, H);
  cx.setGeneric(op.getResult(), out, dy.type,
                {dy.extents[0], H, dy.extents[1]});
}

/// The pooled length of sequence b: its key length clamped into [0, S], or
/// S without lengths.
Expr pooledLength(const LoweringContext &cx, mlir::Value lengths, Expr S,
                  Expr b) {
  if (!lengths)
    return S;
  return clamp(cast<int>(cx[lengths].func(b)), 0, S);
}

void lowerMeanPool(attn::MeanPoolOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()];
  Type t = x.type;
  Var d("d"), b("b");
  Expr S = x.extents[1];
  Expr L = pooledLength(cx, op.getKeyLengths(), S, b);
  RDom r(0, S, "rs");
  r.where(r.x < L);
  Func total(cx.unique("pool_sum"));
  total(d, b) = cast(t, 0);
  total(d, b) += x.func(d, r, b);
  // A sequence of length 0 pools to 0.
  Func out(cx.unique("mean_pool"));
  out(d, b) = select(L > 0, total(d, b) / cast(t, max(L, 1)), cast(t, 0));
  cx.addStage(GenericStage{total});
  cx.setGeneric(op.getResult(), out, t, {x.extents[0], x.extents[2]});
}

void lowerMeanPoolGrad(attn::MeanPoolGradOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()], &dy = cx[op.getGrad()];
  Type t = dy.type;
  Var d("d"), s("s"), b("b");
  Expr L = pooledLength(cx, op.getKeyLengths(), x.extents[1], b);
  Func out(cx.unique("mean_pool_grad"));
  out(d, s, b) = select(s < L, dy.func(d, b) / cast(t, max(L, 1)), cast(t, 0));
  cx.setGeneric(op.getResult(), out, t, x.extents);
}

} // namespace

void registerLayerLowerings(LoweringRegistry &registry) {
  registry.add(lowerSplitHeads);
  registry.add(lowerMergeHeads);
  registry.add(lowerEmbedding);
  registry.add(lowerPositional);
  registry.add(lowerAdd, /*elementwise=*/true);
  registry.add(lowerLayerNorm);
  registry.add(lowerActivation, /*elementwise=*/true);
  registry.add(lowerActivationGrad, /*elementwise=*/true);
  registry.add(lowerDropout, /*elementwise=*/true, dropoutPassesThrough);
  registry.add(lowerReduceTo);
  registry.add(lowerMeanHeadsGrad);
  registry.add(lowerMeanPool);
  registry.add(lowerMeanPoolGrad);
}

} // namespace attnc::halide
