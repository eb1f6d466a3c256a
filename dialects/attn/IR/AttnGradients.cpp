//===- AttnGradients.cpp - vector-Jacobian products of attn ops -----------===//
//
// Each differentiable op builds the attn ops that compute its operands'
// gradients from its result's. The math of every rule is in the description
// of the gradient op it emits (AttnOps.td); docs/training.md gives the
// overall design.
//
//===----------------------------------------------------------------------===//
#include "dialects/attn/IR/AttnOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::attn;

LogicalResult LinearOp::buildGradient(OpBuilder &b, Value dy,
                                      GradientContext &,
                                      SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  grads.push_back(b.create<LinearGradInputOp>(loc, getInput().getType(), dy,
                                              getWeight()));
  grads.push_back(b.create<LinearGradWeightOp>(loc, getWeight().getType(), dy,
                                               getInput()));
  if (getBias())
    grads.push_back(b.create<ReduceToOp>(loc, getBias().getType(), dy));
  return success();
}

LogicalResult SparseLinearOp::buildGradient(OpBuilder &b, Value dy,
                                            GradientContext &context,
                                            SmallVectorImpl<Value> &grads) {
  // The stored values are data (input features); a gradient for them would
  // need a gather of dy W per stored entry, which no model asks for yet.
  if (context.needsGradient(getValues()))
    return emitOpError() << "cannot differentiate with respect to the sparse "
                            "values; they must not depend on a parameter";
  Location loc = getLoc();
  grads.append({Value(), Value(), Value()});
  grads.push_back(b.create<SparseLinearGradWeightOp>(
      loc, getWeight().getType(), dy, getRowOffsets(), getColIndices(),
      getValues(), getSeed(), getInputDropoutAttr(), getSaltAttr()));
  if (getBias())
    grads.push_back(b.create<ReduceToOp>(loc, getBias().getType(), dy));
  grads.push_back(Value()); // seed
  return success();
}

LogicalResult SplitHeadsOp::buildGradient(OpBuilder &b, Value dy,
                                          GradientContext &,
                                          SmallVectorImpl<Value> &grads) {
  grads.push_back(b.create<MergeHeadsOp>(getLoc(), getInput().getType(), dy,
                                         /*mean=*/false));
  return success();
}

LogicalResult MergeHeadsOp::buildGradient(OpBuilder &b, Value dy,
                                          GradientContext &,
                                          SmallVectorImpl<Value> &grads) {
  auto in = getInput().getType();
  int64_t heads = in.getDimSize(1);
  if (ShapedType::isDynamic(heads))
    return emitOpError() << "cannot be differentiated with a dynamic head "
                            "count";
  if (!getMean()) {
    grads.push_back(b.create<SplitHeadsOp>(getLoc(), in, dy, heads));
    return success();
  }
  if (in.getRank() != 3)
    return emitOpError() << "the gradient of a head mean is implemented for "
                            "[nodes, heads, dim] inputs only";
  grads.push_back(b.create<MeanHeadsGradOp>(getLoc(), in, dy, heads));
  return success();
}

LogicalResult MeanPoolOp::buildGradient(OpBuilder &b, Value dy,
                                        GradientContext &,
                                        SmallVectorImpl<Value> &grads) {
  grads.push_back(b.create<MeanPoolGradOp>(getLoc(), getInput().getType(),
                                           getInput(), dy, getKeyLengths()));
  grads.push_back(Value()); // lengths are integers
  return success();
}

LogicalResult AddOp::buildGradient(OpBuilder &b, Value dy, GradientContext &,
                                   SmallVectorImpl<Value> &grads) {
  grads.push_back(dy);
  if (getRhs().getType() == getLhs().getType())
    grads.push_back(dy);
  else
    grads.push_back(b.create<ReduceToOp>(getLoc(), getRhs().getType(), dy));
  return success();
}

LogicalResult ActivationOp::buildGradient(OpBuilder &b, Value dy,
                                          GradientContext &,
                                          SmallVectorImpl<Value> &grads) {
  grads.push_back(b.create<ActivationGradOp>(getLoc(), getType(), getKind(),
                                             getInput(), dy));
  return success();
}

LogicalResult DropoutOp::buildGradient(OpBuilder &b, Value dy,
                                       GradientContext &,
                                       SmallVectorImpl<Value> &grads) {
  // Dropout is linear in its input: the gradient goes through the same
  // mask, which the seed and salt regenerate.
  if (!getSeed()) {
    grads.push_back(dy);
  } else {
    grads.push_back(b.create<DropoutOp>(getLoc(), getType(), dy, getRateAttr(),
                                        getSeed(), getSaltAttr()));
  }
  grads.push_back(Value()); // seed
  return success();
}

LogicalResult LogSoftmaxOp::buildGradient(OpBuilder &b, Value dy,
                                          GradientContext &,
                                          SmallVectorImpl<Value> &grads) {
  grads.push_back(
      b.create<LogSoftmaxGradOp>(getLoc(), getType(), getResult(), dy));
  return success();
}

LogicalResult GraphAttentionOp::buildGradient(OpBuilder &b, Value dy,
                                              GradientContext &context,
                                              SmallVectorImpl<Value> &grads) {
  if (getScore() != ScoreKind::additive)
    return emitOpError() << "only additive (GAT) graph attention can be "
                            "differentiated so far";
  auto csc = context.transposedGraph(getRowOffsets(), getColIndices());
  double slope =
      getNegativeSlope() ? getNegativeSlope()->convertToDouble() : 0.2;
  auto grad = b.create<GraphAttentionGradOp>(
      getLoc(),
      TypeRange{getQuery().getType(), getKey().getType(), getValue().getType(),
                getAttnSrc().getType(), getAttnDst().getType()},
      getQuery(), getKey(), getValue(), getRowOffsets(), getColIndices(),
      csc[0], csc[1], csc[2], getAttnSrc(), getAttnDst(), dy, getSeed(),
      b.getF64FloatAttr(slope), getAttentionDropoutAttr(), getSaltAttr());
  // Operand order: q, k, v, row_offsets, col_indices, attn_src, attn_dst,
  // seed.
  grads.append({grad.getQueryGrad(), grad.getKeyGrad(), grad.getValueGrad(),
                Value(), Value(), grad.getSrcGrad(), grad.getDstGrad(),
                Value()});
  return success();
}
