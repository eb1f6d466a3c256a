//===- Linear.cpp - projections, dense and sparse, and their gradients ----===//
#include "compiler/Target/Halide/Lowering.h"

#include "dialects/attn/IR/AttnOps.h"

using namespace Halide;
namespace attn = mlir::attn;

namespace attnc::halide {

namespace {

/// out(o, rest...) = sum_c x(c, rest...) * weightT(o, c) (+ bias[o]): the
/// GEMM of attn.linear (weightT = W^T) and of linear_grad_input
/// (weightT = W). Output features and rows are clamped so a schedule may
/// compute whole register blocks past the edges (rounded up) and store only
/// the inside.
void lowerGemm(LoweringContext &cx, mlir::Value result, const HValue &x,
               int64_t inFeatures, Expr outFeatures, const Func &weight,
               bool transposed,
               mlir::Value bias, const char *weightName, const char *dotName,
               const char *outName) {
  LinearStages s;
  s.outFeatures = LoweringContext::shape(result).back();
  s.inFeatures = inFeatures;
  Var c("c");
  s.rest = makeVars(x.extents.size() - 1, "n");
  std::vector<Expr> restE = asExprs(s.rest);
  s.weightT = Func(cx.unique(weightName));
  Expr oc = clamp(s.o, 0, outFeatures - 1);
  if (transposed) {
    // Staged as stored, so that a schedule can transpose it in tiles.
    Var wc("wc"), wo("wo");
    s.weightTile = Func(cx.unique("weight_tile"));
    s.weightTile(wc, wo) = weight(wc, wo);
    s.weightT(s.o, c) = s.weightTile(c, oc);
  } else {
    s.weightT(s.o, c) = weight(oc, c);
  }
  RDom rc(0, x.extents[0], "rc");
  s.rc = rc.x;
  std::vector<Expr> outArgs = {s.o}, xArgs = {rc.x};
  outArgs.insert(outArgs.end(), restE.begin(), restE.end());
  xArgs.insert(xArgs.end(), restE.begin(), restE.end());
  if (xArgs.size() > 1)
    xArgs[1] = clamp(xArgs[1], 0, x.extents[1] - 1);
  s.dot = Func(cx.unique(dotName));
  s.dot(outArgs) = cast(x.type, 0);
  s.dot(outArgs) += x.func(xArgs) * s.weightT(s.o, rc.x);
  s.out = Func(cx.unique(outName));
  Expr biasAt = bias ? cx[bias].func(clamp(s.o, 0, outFeatures - 1))
                     : cast(x.type, 0);
  s.out(outArgs) = s.dot(outArgs) + biasAt;
  std::vector<Expr> extents = x.extents;
  extents[0] = outFeatures;
  cx.set(result, s.out, x.type, extents);
  cx.addStage(s);
}

void lowerLinear(attn::LinearOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()], &w = cx[op.getWeight()];
  lowerGemm(cx, op.getResult(), x,
            LoweringContext::shape(op.getInput()).back(), w.extents[1],
            w.func, /*transposed=*/true,
            op.getBias(), "weight_t", "linear_dot", "linear");
}

/// dy W: the forward linear's GEMM with W itself in place of W^T.
void lowerLinearGradInput(attn::LinearGradInputOp op, LoweringContext &cx) {
  const HValue &dy = cx[op.getGrad()], &w = cx[op.getWeight()];
  lowerGemm(cx, op.getResult(), dy,
            LoweringContext::shape(op.getGrad()).back(), w.extents[0], w.func,
            /*transposed=*/false, mlir::Value(), "weight_copy",
            "linear_grad_input_dot", "linear_grad_input");
}

void lowerLinearGradWeight(attn::LinearGradWeightOp op, LoweringContext &cx) {
  const HValue &dy = cx[op.getGrad()], &x = cx[op.getInput()];
  LinearGradWeightStages s;
  s.outFeatures = LoweringContext::shape(op.getResult())[0];
  Type t = dy.type;
  Expr Out = dy.extents[0], In = x.extents[0];
  Expr oc = clamp(s.o, 0, Out - 1), cc = clamp(s.c, 0, In - 1);
  s.dot = Func(cx.unique("linear_grad_weight_dot"));
  s.out = Func(cx.unique("linear_grad_weight"));
  if (dy.extents.size() == 1) {
    s.dot(s.c, s.o) = dy.func(oc) * x.func(cc);
  } else {
    Region region;
    for (size_t k = 1; k < dy.extents.size(); ++k)
      region.emplace_back(0, dy.extents[k]);
    RDom r(region, "rrow");
    std::vector<Expr> dyAt = {oc}, xAt = {cc};
    for (int k = 0; k < r.dimensions(); ++k) {
      dyAt.push_back(r[k]);
      xAt.push_back(r[k]);
      s.rows.push_back(r[k]);
    }
    s.dot(s.c, s.o) = cast(t, 0);
    s.dot(s.c, s.o) += dy.func(dyAt) * x.func(xAt);
  }
  s.out(s.c, s.o) = s.dot(s.c, s.o);
  cx.set(op.getResult(), s.out, t, {In, Out});
  cx.addStage(s);
}

void lowerSparseLinear(attn::SparseLinearOp op, LoweringContext &cx) {
  const HValue &offsets = cx[op.getRowOffsets()],
               &cols = cx[op.getColIndices()], &vals = cx[op.getValues()],
               &w = cx[op.getWeight()];
  SparseLinearStages s;
  s.outFeatures = LoweringContext::shape(op.getResult())[1];
  Type t = vals.type;
  Expr In = w.extents[0], Out = w.extents[1];
  SparseRows m = sparseRows(offsets, cols, In);
  Var c("c");
  Func weight = w.func;
  s.weightT = Func(cx.unique("sparse_weight_t"));
  s.weightT(s.o, c) = weight(c, clamp(s.o, 0, Out - 1));
  RDom r(0, m.stored, cx.unique("entries"));
  r.where(r.x < m.length(s.n));
  s.entries = r.x;
  Expr entry = m.entry(s.n, r.x);
  Expr col = m.column(entry);
  // The counter of the dense [N, In] tensor's element: the same masks as
  // attn.dropout on the dense features.
  auto keep = cx.dropoutFactor(op.getSeed(), rateOf(op.getInputDropout()),
                               op.getSalt(), t);
  s.acc = Func(cx.unique("sparse_linear_acc"));
  s.acc(s.o, s.n) = cast(t, 0);
  s.acc(s.o, s.n) +=
      vals.func(entry) * keep(s.n * In + col) * s.weightT(s.o, col);
  Expr bias = op.getBias()
                  ? cx[op.getBias()].func(clamp(s.o, 0, Out - 1))
                  : cast(t, 0);
  s.out = Func(cx.unique("sparse_linear"));
  s.out(s.o, s.n) = s.acc(s.o, s.n) + bias;
  cx.set(op.getResult(), s.out, t, {Out, m.rows});
  cx.addStage(s);
}

void lowerSparseLinearGradWeight(attn::SparseLinearGradWeightOp op,
                                 LoweringContext &cx) {
  const HValue &dy = cx[op.getGrad()], &offsets = cx[op.getRowOffsets()],
               &cols = cx[op.getColIndices()], &vals = cx[op.getValues()];
  SparseLinearGradWeightStages s;
  std::vector<int64_t> result = LoweringContext::shape(op.getResult());
  s.outFeatures = result[0];
  Type t = dy.type;
  Expr Out = dy.extents[0];
  // Static by the op's verifier: no input carries the column count.
  Expr In = static_cast<int>(result[1]);
  SparseRows m = sparseRows(offsets, cols, In);
  RDom r(0, m.stored, 0, m.rows, cx.unique("entries"));
  r.where(r.x < m.length(r.y));
  s.entries = r.x;
  s.rows = r.y;
  Expr entry = m.entry(r.y, r.x);
  Expr col = m.column(entry);
  auto keep = cx.dropoutFactor(op.getSeed(), rateOf(op.getInputDropout()),
                               op.getSalt(), t);
  s.dwT = Func(cx.unique("sparse_linear_grad_weight_t"));
  s.dwT(s.o, s.c) = cast(t, 0);
  s.dwT(s.o, col) += dy.func(clamp(s.o, 0, Out - 1), r.y) * vals.func(entry) *
                     keep(r.y * In + col);
  s.out = Func(cx.unique("sparse_linear_grad_weight"));
  s.out(s.c, s.o) = s.dwT(s.o, s.c);
  cx.set(op.getResult(), s.out, t, {In, Out});
  cx.addStage(s);
}

} // namespace

void registerLinearLowerings(LoweringRegistry &registry) {
  registry.add(lowerLinear);
  registry.add(lowerLinearGradInput);
  registry.add(lowerLinearGradWeight);
  registry.add(lowerSparseLinear);
  registry.add(lowerSparseLinearGradWeight);
}

} // namespace attnc::halide
