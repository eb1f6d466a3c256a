//===- Losses.cpp - log-softmax, the masked NLL loss and their gradients --===//
#include "compiler/Target/Halide/Lowering.h"

#include "dialects/attn/IR/AttnOps.h"

using namespace Halide;
namespace attn = mlir::attn;

namespace attnc::halide {

namespace {

void lowerLogSoftmax(attn::LogSoftmaxOp op, LoweringContext &cx) {
  const HValue &x = cx[op.getInput()];
  std::vector<Var> vars = makeVars(x.extents.size(), "x");
  std::vector<Expr> rest(vars.begin() + 1, vars.end());
  RDom r(0, x.extents[0], "rc");
  std::vector<Expr> at = {r.x};
  at.insert(at.end(), rest.begin(), rest.end());
  Func mx(cx.unique("lsm_max")), lse(cx.unique("lsm_lse"));
  mx(rest) = maximum(x.func(at));
  lse(rest) = log(sum(exp(x.func(at) - mx(rest))));
  Func out(cx.unique("log_softmax"));
  out(asExprs(vars)) = x.func(asExprs(vars)) - mx(rest) - lse(rest);
  cx.addStage(GenericStage{mx});
  cx.addStage(GenericStage{lse});
  cx.setGeneric(op.getResult(), out, x.type, x.extents);
}

void lowerLogSoftmaxGrad(attn::LogSoftmaxGradOp op, LoweringContext &cx) {
  const HValue &y = cx[op.getOutput()], &dy = cx[op.getGrad()];
  std::vector<Var> vars = makeVars(y.extents.size(), "x");
  std::vector<Expr> rest(vars.begin() + 1, vars.end());
  RDom r(0, y.extents[0], "rc");
  std::vector<Expr> at = {r.x};
  at.insert(at.end(), rest.begin(), rest.end());
  Func total(cx.unique("lsm_grad_sum"));
  total(rest) = sum(dy.func(at));
  Func out(cx.unique("log_softmax_grad"));
  out(asExprs(vars)) =
      dy.func(asExprs(vars)) - exp(y.func(asExprs(vars))) * total(rest);
  cx.addStage(GenericStage{total});
  cx.setGeneric(op.getResult(), out, y.type, y.extents);
}

/// Rows with mask[n] set, as an int32 scalar Func.
Func maskedCount(LoweringContext &cx, const HValue &mask, Expr rows) {
  RDom r(0, rows, "rn");
  Func count(cx.unique("nll_count"));
  count() = 0;
  count() += select(mask.func(r) != 0, 1, 0);
  cx.addStage(ScalarStage{count});
  return count;
}

void lowerNllLoss(attn::NllLossOp op, LoweringContext &cx) {
  const HValue &logp = cx[op.getLogp()], &labels = cx[op.getLabels()],
               &mask = cx[op.getMask()];
  Expr C = logp.extents[0], N = logp.extents[1];
  Func count = maskedCount(cx, mask, N);
  // Accumulated in double: one scalar over every row.
  RDom r(0, N, "rn");
  Func total(cx.unique("nll_sum"));
  total() = cast<double>(0);
  Expr label = clamp(cast<int>(labels.func(r)), 0, C - 1);
  total() += select(mask.func(r) != 0, cast<double>(logp.func(label, r)),
                    cast<double>(0));
  cx.addStage(ScalarStage{total});
  Var i("i");
  Func out(cx.unique("nll_loss"));
  out(i) = cast(logp.type, select(count() > 0,
                                  -total() / cast<double>(max(count(), 1)),
                                  cast<double>(0)));
  cx.setGeneric(op.getResult(), out, logp.type, {Expr(1)});
}

void lowerNllLossGrad(attn::NllLossGradOp op, LoweringContext &cx) {
  const HValue &logp = cx[op.getLogp()], &labels = cx[op.getLabels()],
               &mask = cx[op.getMask()];
  Expr N = logp.extents[1];
  Func count = maskedCount(cx, mask, N);
  Var c("c"), n("n");
  Type t = logp.type;
  Expr g = cast(t, -1) / cast(t, max(count(), 1));
  Func out(cx.unique("nll_loss_grad"));
  out(c, n) = select(mask.func(n) != 0 && c == cast<int>(labels.func(n)), g,
                     cast(t, 0));
  cx.setGeneric(op.getResult(), out, t, logp.extents);
}

} // namespace

void registerLossLowerings(LoweringRegistry &registry) {
  registry.add(lowerLogSoftmax);
  registry.add(lowerLogSoftmaxGrad);
  registry.add(lowerNllLoss);
  registry.add(lowerNllLossGrad);
}

} // namespace attnc::halide
