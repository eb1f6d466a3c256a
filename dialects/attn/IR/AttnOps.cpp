//===- AttnOps.cpp - attn op verifiers, builders and folders --------------===//
#include "dialects/attn/IR/AttnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;

namespace {

bool compatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Prints a shape as `[2, ?, 64]`, the form the verifier messages use.
std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return s + "]";
}

std::string dimStr(int64_t d) {
  return ShapedType::isDynamic(d) ? "?" : std::to_string(d);
}

RankedTensorType tensorTy(Value v) {
  return cast<RankedTensorType>(v.getType());
}

LogicalResult expectRank(Operation *op, Value v, StringRef role, int64_t rank,
                         StringRef layout) {
  int64_t got = tensorTy(v).getRank();
  if (got != rank)
    return op->emitOpError() << role << " must be rank " << rank << " "
                             << layout << ", got rank " << got;
  return success();
}

LogicalResult expectResultShape(Operation *op, ArrayRef<int64_t> expected) {
  auto got = tensorTy(op->getResult(0)).getShape();
  bool ok = got.size() == expected.size();
  for (size_t i = 0; ok && i < got.size(); ++i)
    ok = compatible(got[i], expected[i]);
  if (!ok)
    return op->emitOpError() << "result shape " << shapeStr(got)
                             << " does not match the expected "
                             << shapeStr(expected);
  return success();
}

LogicalResult expectSameElementType(Operation *op) {
  Type elt = tensorTy(op->getResult(0)).getElementType();
  for (Value v : op->getOperands()) {
    auto t = tensorTy(v);
    if (isa<FloatType>(t.getElementType()) && t.getElementType() != elt)
      return op->emitOpError()
             << "all floating-point operands and the result must share one "
                "element type, got "
             << t.getElementType() << " and " << elt;
  }
  return success();
}

/// Head dims of grouped-query attention: the KV heads must divide Q heads.
LogicalResult verifyHeadGrouping(Operation *op, int64_t qHeads,
                                 int64_t kvHeads) {
  if (ShapedType::isDynamic(qHeads) || ShapedType::isDynamic(kvHeads))
    return success();
  if (kvHeads == 0 || qHeads % kvHeads != 0)
    return op->emitOpError() << "key/value heads (" << kvHeads
                             << ") must divide query heads (" << qHeads << ")";
  return success();
}

/// Checks that a mask or bias broadcasts to the [B, H, Sq, Sk] logits.
LogicalResult verifyBroadcast(Operation *op, Value v, StringRef role,
                              ArrayRef<int64_t> logits,
                              StringRef target = "the logits") {
  auto shape = tensorTy(v).getShape();
  if (shape.size() > logits.size())
    return op->emitOpError()
           << "'" << role << "' of rank " << shape.size()
           << " does not broadcast to " << target << " " << shapeStr(logits);
  size_t offset = logits.size() - shape.size();
  for (auto [i, d] : llvm::enumerate(shape)) {
    int64_t want = logits[offset + i];
    if (d != 1 && !compatible(d, want))
      return op->emitOpError()
             << "'" << role << "' shape " << shapeStr(shape)
             << " does not broadcast to " << target << " " << shapeStr(logits)
             << ": dim " << i << " is " << d << ", expected 1 or "
             << dimStr(want);
  }
  return success();
}

/// Per-batch key lengths: a rank-1 integer tensor with `batch` entries.
LogicalResult verifyKeyLengths(Operation *op, Value keyLengths, int64_t batch) {
  if (!keyLengths)
    return success();
  auto t = tensorTy(keyLengths);
  if (t.getRank() != 1 || !t.getElementType().isSignlessInteger() ||
      t.getElementType().isInteger(1))
    return op->emitOpError()
           << "'key_lengths' must be a rank-1 tensor of integers, got " << t;
  if (!compatible(t.getDimSize(0), batch))
    return op->emitOpError() << "'key_lengths' has " << t.getDimSize(0)
                             << " entries but the batch is " << dimStr(batch);
  return success();
}

/// The masking operands and attributes shared by attn.attention and
/// attn.softmax, checked against the logits shape [B, H, Sq, Sk].
LogicalResult verifyMasking(Operation *op, ArrayRef<int64_t> logits,
                            Value mask, Value bias, Value keyLengths) {
  if (mask) {
    auto t = tensorTy(mask);
    if (!t.getElementType().isInteger(1))
      return op->emitOpError() << "'mask' must be a tensor of i1, got " << t;
    if (failed(verifyBroadcast(op, mask, "mask", logits)))
      return failure();
  }
  if (bias) {
    auto t = tensorTy(bias);
    if (!isa<FloatType>(t.getElementType()))
      return op->emitOpError()
             << "'bias' must be a tensor of floating-point values, got " << t;
    if (failed(verifyBroadcast(op, bias, "bias", logits)))
      return failure();
  }
  return verifyKeyLengths(op, keyLengths, logits[0]);
}

LogicalResult verifyScale(Operation *op, ScoreKind score,
                          std::optional<double> scale) {
  if (!scale)
    return success();
  if (score != ScoreKind::scaled_dot)
    return op->emitOpError() << "'scale' is only allowed with a scaled_dot "
                                "score, not "
                             << stringifyScoreKind(score);
  if (!std::isfinite(*scale) || *scale == 0.0)
    return op->emitOpError() << "'scale' must be finite and non-zero, got "
                             << *scale;
  return success();
}

/// A rank-1 tensor of i32 or i64: what the CSR operands must be.
LogicalResult verifyIndexVector(Operation *op, Value v, StringRef role) {
  auto t = tensorTy(v);
  Type e = t.getElementType();
  if (t.getRank() != 1 || !(e.isSignlessInteger(32) || e.isSignlessInteger(64)))
    return op->emitOpError() << "'" << role
                             << "' must be a rank-1 tensor of i32 or i64, got "
                             << t;
  return success();
}

std::optional<double> toDouble(std::optional<APFloat> f) {
  if (!f)
    return std::nullopt;
  return f->convertToDouble();
}

std::optional<double> defaultScale(ScoreKind score, std::optional<double> s,
                                   int64_t headDim) {
  if (s)
    return s;
  if (score != ScoreKind::scaled_dot)
    return 1.0;
  if (ShapedType::isDynamic(headDim) || headDim <= 0)
    return std::nullopt;
  return 1.0 / std::sqrt(static_cast<double>(headDim));
}

/// A training seed: one 64-bit integer.
LogicalResult verifySeed(Operation *op, Value seed) {
  if (!seed)
    return success();
  auto t = tensorTy(seed);
  if (t.getRank() != 1 || t.getDimSize(0) != 1 ||
      !t.getElementType().isSignlessInteger(64))
    return op->emitOpError() << "'seed' must be tensor<1xi64>, got " << t;
  return success();
}

LogicalResult verifyRate(Operation *op, double rate) {
  if (!(rate >= 0.0 && rate < 1.0))
    return op->emitOpError() << "rate must be in [0, 1), got " << rate;
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

void AttentionOp::build(OpBuilder &b, OperationState &state, Value query,
                        Value key, Value value, ScoreKind score) {
  auto q = tensorTy(query), v = tensorTy(value);
  SmallVector<int64_t> shape(q.getShape());
  if (shape.size() == 4 && v.getRank() == 4)
    shape[3] = v.getDimSize(3);
  build(b, state, RankedTensorType::get(shape, q.getElementType()), query,
        key, value, /*mask=*/Value(), /*bias=*/Value(),
        /*key_lengths=*/Value(), score, /*scale=*/nullptr, /*causal=*/false,
        /*window=*/nullptr);
}

LogicalResult AttentionOp::verify() {
  Operation *op = getOperation();
  StringRef layout = "[batch, heads, seq, head_dim]";
  if (failed(expectRank(op, getQuery(), "query", 4, layout)) ||
      failed(expectRank(op, getKey(), "key", 4, layout)) ||
      failed(expectRank(op, getValue(), "value", 4, layout)))
    return failure();
  auto q = getQuery().getType().getShape();
  auto k = getKey().getType().getShape();
  auto v = getValue().getType().getShape();
  if (!compatible(q[0], k[0]) || !compatible(q[0], v[0]))
    return emitOpError() << "batch sizes differ: query " << dimStr(q[0])
                         << ", key " << dimStr(k[0]) << ", value "
                         << dimStr(v[0]);
  if (!compatible(k[1], v[1]))
    return emitOpError() << "key and value head counts differ (" << dimStr(k[1])
                         << " vs " << dimStr(v[1]) << ")";
  if (failed(verifyHeadGrouping(op, q[1], k[1])))
    return failure();
  if (!compatible(k[2], v[2]))
    return emitOpError() << "key length (" << dimStr(k[2])
                         << ") does not match value length (" << dimStr(v[2])
                         << ")";
  if (!compatible(q[3], k[3]))
    return emitOpError() << "query head_dim (" << dimStr(q[3])
                         << ") does not match key head_dim (" << dimStr(k[3])
                         << ")";
  if (failed(expectResultShape(op, {q[0], q[1], q[2], v[3]})) ||
      failed(expectSameElementType(op)))
    return failure();
  if (getScore() == ScoreKind::additive)
    return emitOpError() << "an additive score needs per-head attention "
                            "vectors; it is only supported by "
                            "attn.graph_attention";
  if (failed(verifyScale(op, getScore(), toDouble(getScale()))))
    return failure();
  return verifyMasking(op, {q[0], q[1], q[2], k[2]}, getMask(), getBias(),
                       getKeyLengths());
}

std::optional<double> AttentionOp::getEffectiveScale() {
  return defaultScale(getScore(), toDouble(getScale()),
                      getQuery().getType().getDimSize(3));
}

bool AttentionOp::isGraphRestricted() { return false; }

//===----------------------------------------------------------------------===//
// GraphAttentionOp
//===----------------------------------------------------------------------===//

LogicalResult GraphAttentionOp::verify() {
  Operation *op = getOperation();
  StringRef layout = "[nodes, heads, head_dim]";
  if (failed(expectRank(op, getQuery(), "query", 3, layout)) ||
      failed(expectRank(op, getKey(), "key", 3, layout)) ||
      failed(expectRank(op, getValue(), "value", 3, layout)))
    return failure();
  if (failed(verifyIndexVector(op, getRowOffsets(), "row_offsets")) ||
      failed(verifyIndexVector(op, getColIndices(), "col_indices")))
    return failure();
  Type rowElt = getRowOffsets().getType().getElementType();
  Type colElt = getColIndices().getType().getElementType();
  if (rowElt != colElt)
    return emitOpError() << "'row_offsets' and 'col_indices' must share an "
                            "index type, got "
                         << rowElt << " and " << colElt;
  auto q = getQuery().getType().getShape();
  auto k = getKey().getType().getShape();
  auto v = getValue().getType().getShape();
  if (!compatible(k[0], v[0]))
    return emitOpError() << "key and value node counts differ ("
                         << dimStr(k[0]) << " vs " << dimStr(v[0]) << ")";
  if (!compatible(q[0], k[0]))
    return emitOpError() << "query node count (" << dimStr(q[0])
                         << ") does not match key node count (" << dimStr(k[0])
                         << ")";
  if (!compatible(q[1], k[1]) || !compatible(q[1], v[1]))
    return emitOpError() << "query, key and value must have the same number "
                            "of heads, got "
                         << dimStr(q[1]) << ", " << dimStr(k[1]) << ", "
                         << dimStr(v[1]);
  if (!compatible(q[2], k[2]))
    return emitOpError() << "query head_dim (" << dimStr(q[2])
                         << ") does not match key head_dim (" << dimStr(k[2])
                         << ")";
  int64_t rows = getRowOffsets().getType().getDimSize(0);
  if (!ShapedType::isDynamic(rows) && !ShapedType::isDynamic(q[0]) &&
      rows != q[0] + 1)
    return emitOpError() << "'row_offsets' has " << rows
                         << " entries; expected nodes + 1 = " << q[0] + 1;
  if (failed(expectResultShape(op, {q[0], q[1], v[2]})) ||
      failed(expectSameElementType(op)))
    return failure();

  bool additive = getScore() == ScoreKind::additive;
  if (additive && !getAttnSrc())
    return emitOpError() << "an additive score needs "
                            "attn_vectors(attn_src, attn_dst)";
  if (!additive && getAttnSrc())
    return emitOpError() << "attn_vectors are only used by an additive score";
  if (!additive && getNegativeSlope())
    return emitOpError() << "'negative_slope' is only used by an additive "
                            "score";
  if (additive) {
    for (auto [vec, role] : {std::pair{getAttnSrc(), "attn_src"},
                             std::pair{getAttnDst(), "attn_dst"}}) {
      auto s = vec.getType().getShape();
      if (s.size() != 2 || !compatible(s[0], q[1]) || !compatible(s[1], q[2]))
        return emitOpError() << "'" << role << "' must be [heads, head_dim] = "
                             << shapeStr({q[1], q[2]}) << ", got "
                             << shapeStr(s);
    }
  }
  if (auto rate = getAttentionDropout())
    if (failed(verifyRate(op, rate->convertToDouble())))
      return failure();
  if (failed(verifySeed(op, getSeed())))
    return failure();
  return verifyScale(op, getScore(), toDouble(getScale()));
}

std::optional<double> GraphAttentionOp::getEffectiveScale() {
  return defaultScale(getScore(), toDouble(getScale()),
                      getQuery().getType().getDimSize(2));
}

bool GraphAttentionOp::isGraphRestricted() { return true; }

//===----------------------------------------------------------------------===//
// Decomposed attention
//===----------------------------------------------------------------------===//

LogicalResult ScoreOp::verify() {
  Operation *op = getOperation();
  StringRef layout = "[batch, heads, seq, head_dim]";
  if (failed(expectRank(op, getQuery(), "query", 4, layout)) ||
      failed(expectRank(op, getKey(), "key", 4, layout)))
    return failure();
  auto q = getQuery().getType().getShape();
  auto k = getKey().getType().getShape();
  if (!compatible(q[0], k[0]))
    return emitOpError() << "batch sizes differ: query " << dimStr(q[0])
                         << ", key " << dimStr(k[0]);
  if (failed(verifyHeadGrouping(op, q[1], k[1])))
    return failure();
  if (!compatible(q[3], k[3]))
    return emitOpError() << "query head_dim (" << dimStr(q[3])
                         << ") does not match key head_dim (" << dimStr(k[3])
                         << ")";
  if (!std::isfinite(getScale().convertToDouble()))
    return emitOpError() << "'scale' must be finite";
  if (failed(expectResultShape(op, {q[0], q[1], q[2], k[2]})))
    return failure();
  return expectSameElementType(op);
}

LogicalResult SoftmaxOp::verify() {
  Operation *op = getOperation();
  if (failed(expectRank(op, getInput(), "input", 4,
                        "[batch, heads, query_seq, key_seq]")))
    return failure();
  auto s = getInput().getType().getShape();
  if (failed(expectResultShape(op, s)) || failed(expectSameElementType(op)))
    return failure();
  return verifyMasking(op, s, getMask(), getBias(), getKeyLengths());
}

LogicalResult WeightedSumOp::verify() {
  Operation *op = getOperation();
  if (failed(expectRank(op, getProbs(), "probs", 4,
                        "[batch, heads, query_seq, key_seq]")) ||
      failed(expectRank(op, getValue(), "value", 4,
                        "[batch, heads, seq, head_dim]")))
    return failure();
  auto p = getProbs().getType().getShape();
  auto v = getValue().getType().getShape();
  if (!compatible(p[0], v[0]))
    return emitOpError() << "batch sizes differ: probs " << dimStr(p[0])
                         << ", value " << dimStr(v[0]);
  if (failed(verifyHeadGrouping(op, p[1], v[1])))
    return failure();
  if (!compatible(p[3], v[2]))
    return emitOpError() << "probs key length (" << dimStr(p[3])
                         << ") does not match value length (" << dimStr(v[2])
                         << ")";
  if (failed(expectResultShape(op, {p[0], p[1], p[2], v[3]})))
    return failure();
  return expectSameElementType(op);
}

//===----------------------------------------------------------------------===//
// Projections and heads
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::verify() {
  auto x = getInput().getType().getShape();
  auto w = getWeight().getType().getShape();
  if (x.empty())
    return emitOpError() << "input must have rank >= 1";
  if (w.size() != 2)
    return emitOpError() << "weight must be rank 2 [out_features, "
                            "in_features], got rank "
                         << w.size();
  if (!compatible(w[1], x.back()))
    return emitOpError() << "weight expects " << dimStr(w[1])
                         << " input features but the input's last dim is "
                         << dimStr(x.back());
  if (getBias()) {
    auto b = getBias().getType().getShape();
    if (b.size() != 1 || !compatible(b[0], w[0]))
      return emitOpError() << "bias must be [out_features] = [" << dimStr(w[0])
                           << "], got " << shapeStr(b);
  }
  SmallVector<int64_t> expected(x);
  expected.back() = w[0];
  if (failed(expectResultShape(getOperation(), expected)))
    return failure();
  return expectSameElementType(getOperation());
}

namespace {
/// The CSR operands and stored values of a sparse matrix with `rows` rows.
LogicalResult verifySparseMatrix(Operation *op, Value rowOffsets,
                                 Value colIndices, Value values,
                                 int64_t rows) {
  if (failed(verifyIndexVector(op, rowOffsets, "row_offsets")) ||
      failed(verifyIndexVector(op, colIndices, "col_indices")))
    return failure();
  auto offsets = tensorTy(rowOffsets), cols = tensorTy(colIndices);
  if (offsets.getElementType() != cols.getElementType())
    return op->emitOpError() << "'row_offsets' and 'col_indices' must share "
                                "an index type, got "
                             << offsets.getElementType() << " and "
                             << cols.getElementType();
  auto vals = tensorTy(values).getShape();
  if (vals.size() != 1 || !compatible(vals[0], cols.getDimSize(0)))
    return op->emitOpError() << "'values' must be rank 1 with one entry per "
                                "column index ("
                             << dimStr(cols.getDimSize(0)) << "), got "
                             << shapeStr(vals);
  int64_t n = offsets.getDimSize(0);
  if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(rows) &&
      n != rows + 1)
    return op->emitOpError() << "'row_offsets' has " << n
                             << " entries; expected rows + 1 = " << rows + 1;
  return success();
}

LogicalResult verifyInputDropout(Operation *op, std::optional<APFloat> rate,
                                 Value seed) {
  if (rate && failed(verifyRate(op, rate->convertToDouble())))
    return failure();
  if (seed && !rate)
    return op->emitOpError() << "a seed needs input_dropout(rate)";
  return verifySeed(op, seed);
}

/// Rows of the sparse input: from the result, else from the offsets.
int64_t sparseRows(Value rowOffsets, int64_t resultRows) {
  if (!ShapedType::isDynamic(resultRows))
    return resultRows;
  int64_t n = tensorTy(rowOffsets).getDimSize(0);
  return ShapedType::isDynamic(n) ? ShapedType::kDynamic : n - 1;
}
} // namespace

LogicalResult SparseLinearOp::verify() {
  Operation *op = getOperation();
  auto w = getWeight().getType().getShape();
  if (w.size() != 2)
    return emitOpError() << "weight must be rank 2 [out_features, "
                            "in_features], got rank "
                         << w.size();
  auto r = getResult().getType().getShape();
  if (r.size() != 2)
    return emitOpError() << "result must be rank 2 [rows, out_features], got "
                            "rank "
                         << r.size();
  int64_t rows = sparseRows(getRowOffsets(), r[0]);
  if (failed(verifySparseMatrix(op, getRowOffsets(), getColIndices(),
                                getValues(), r[0])))
    return failure();
  if (getBias()) {
    auto b = getBias().getType().getShape();
    if (b.size() != 1 || !compatible(b[0], w[0]))
      return emitOpError() << "bias must be [out_features] = [" << dimStr(w[0])
                           << "], got " << shapeStr(b);
  }
  if (failed(verifyInputDropout(op, getInputDropout(), getSeed())) ||
      failed(expectResultShape(op, {rows, w[0]})))
    return failure();
  return expectSameElementType(op);
}

LogicalResult SparseLinearGradWeightOp::verify() {
  Operation *op = getOperation();
  auto dy = getGrad().getType().getShape();
  if (dy.size() != 2)
    return emitOpError() << "dy must be [rows, out_features], got rank "
                         << dy.size();
  auto r = getResult().getType().getShape();
  if (r.size() != 2)
    return emitOpError() << "result must be rank 2 [out_features, "
                            "in_features], got rank "
                         << r.size();
  if (ShapedType::isDynamic(r[1]))
    return emitOpError() << "the result's in_features must be static (no "
                            "operand carries the column count)";
  if (failed(verifySparseMatrix(op, getRowOffsets(), getColIndices(),
                                getValues(), dy[0])) ||
      failed(verifyInputDropout(op, getInputDropout(), getSeed())) ||
      failed(expectResultShape(op, {dy[1], r[1]})))
    return failure();
  return expectSameElementType(op);
}

LogicalResult SplitHeadsOp::verify() {
  auto x = getInput().getType().getShape();
  if (x.size() != 2 && x.size() != 3)
    return emitOpError() << "input must be [batch, seq, model_dim] or "
                            "[nodes, model_dim], got rank "
                         << x.size();
  int64_t heads = getHeads();
  int64_t model = x.back();
  if (!ShapedType::isDynamic(model) && model % heads != 0)
    return emitOpError() << "heads (" << heads
                         << ") must divide the model dimension (" << model
                         << ")";
  int64_t d = ShapedType::isDynamic(model) ? ShapedType::kDynamic
                                           : model / heads;
  SmallVector<int64_t> expected =
      x.size() == 3 ? SmallVector<int64_t>{x[0], heads, x[1], d}
                    : SmallVector<int64_t>{x[0], heads, d};
  if (failed(expectResultShape(getOperation(), expected)))
    return failure();
  return expectSameElementType(getOperation());
}

LogicalResult MergeHeadsOp::verify() {
  auto x = getInput().getType().getShape();
  if (x.size() != 3 && x.size() != 4)
    return emitOpError() << "input must be [batch, heads, seq, head_dim] or "
                            "[nodes, heads, head_dim], got rank "
                         << x.size();
  int64_t heads = x[1];
  int64_t d = x.back();
  int64_t merged = getMean() ? d
                   : (ShapedType::isDynamic(heads) || ShapedType::isDynamic(d))
                       ? ShapedType::kDynamic
                       : heads * d;
  SmallVector<int64_t> expected =
      x.size() == 4 ? SmallVector<int64_t>{x[0], x[2], merged}
                    : SmallVector<int64_t>{x[0], merged};
  if (failed(expectResultShape(getOperation(), expected)))
    return failure();
  return expectSameElementType(getOperation());
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::verify() {
  auto table = getTable().getType().getShape();
  auto ids = getIds().getType();
  if (table.size() != 2)
    return emitOpError() << "table must be rank 2 [vocab, dim], got rank "
                         << table.size();
  Type e = ids.getElementType();
  if (!(e.isSignlessInteger(32) || e.isSignlessInteger(64)))
    return emitOpError() << "ids must be a tensor of i32 or i64, got " << ids;
  SmallVector<int64_t> expected(ids.getShape());
  expected.push_back(table[1]);
  if (failed(expectResultShape(getOperation(), expected)))
    return failure();
  return expectSameElementType(getOperation());
}

LogicalResult PositionalEncodingOp::verify() {
  auto x = getInput().getType().getShape();
  if (x.size() != 3)
    return emitOpError() << "input must be rank 3 [batch, seq, dim], got rank "
                         << x.size();
  bool learned = getKind() == PositionalKind::learned;
  if (learned != static_cast<bool>(getTable()))
    return emitOpError() << (learned ? "a learned encoding needs a table"
                                     : "a sinusoidal encoding takes no table");
  if (learned) {
    auto t = getTable().getType().getShape();
    if (t.size() != 2 || !compatible(t[1], x[2]))
      return emitOpError() << "table must be [max_seq, " << dimStr(x[2])
                           << "], got " << shapeStr(t);
    if (!ShapedType::isDynamic(t[0]) && !ShapedType::isDynamic(x[1]) &&
        x[1] > t[0])
      return emitOpError() << "sequence length " << x[1]
                           << " exceeds the table's " << t[0] << " positions";
  }
  if (failed(expectResultShape(getOperation(), x)))
    return failure();
  return expectSameElementType(getOperation());
}

LogicalResult AddOp::verify() {
  if (failed(verifyBroadcast(getOperation(), getRhs(), "rhs",
                             getLhs().getType().getShape(), "the lhs")))
    return failure();
  return expectSameElementType(getOperation());
}

LogicalResult LayerNormOp::verify() {
  auto x = getInput().getType().getShape();
  if (x.empty())
    return emitOpError() << "input must have rank >= 1";
  for (auto [v, role] : {std::pair{getGamma(), "gamma"},
                         std::pair{getBeta(), "beta"}}) {
    auto s = v.getType().getShape();
    if (s.size() != 1 || !compatible(s[0], x.back()))
      return emitOpError() << "'" << role << "' must be [" << dimStr(x.back())
                           << "], got " << shapeStr(s);
  }
  if (getEpsilon().convertToDouble() <= 0)
    return emitOpError() << "epsilon must be positive";
  if (failed(expectResultShape(getOperation(), x)))
    return failure();
  return expectSameElementType(getOperation());
}

LogicalResult DropoutOp::verify() {
  if (failed(verifyRate(getOperation(), getRate().convertToDouble())))
    return failure();
  return verifySeed(getOperation(), getSeed());
}

LogicalResult NllLossOp::verify() {
  auto logp = getLogp().getType().getShape();
  auto labels = getLabels().getType(), mask = getMask().getType();
  if (logp.size() != 2)
    return emitOpError() << "logp must be rank 2 [rows, classes], got rank "
                         << logp.size();
  if (labels.getRank() != 1 || !labels.getElementType().isSignlessInteger() ||
      labels.getElementType().isInteger(1) ||
      !compatible(labels.getDimSize(0), logp[0]))
    return emitOpError() << "labels must be [" << dimStr(logp[0])
                         << "] of i32 or i64, got " << labels;
  if (mask.getRank() != 1 || !mask.getElementType().isInteger(1) ||
      !compatible(mask.getDimSize(0), logp[0]))
    return emitOpError() << "mask must be [" << dimStr(logp[0])
                         << "] of i1, got " << mask;
  if (failed(expectResultShape(getOperation(), {1})))
    return failure();
  return expectSameElementType(getOperation());
}

LogicalResult LinearGradInputOp::verify() {
  auto dy = getGrad().getType().getShape();
  auto w = getWeight().getType().getShape();
  if (dy.empty() || w.size() != 2 || !compatible(dy.back(), w[0]))
    return emitOpError() << "expects dy [..., out] and weight [out, in], got "
                         << shapeStr(dy) << " and " << shapeStr(w);
  SmallVector<int64_t> expected(dy);
  expected.back() = w[1];
  if (failed(expectResultShape(getOperation(), expected)))
    return failure();
  return expectSameElementType(getOperation());
}

LogicalResult LinearGradWeightOp::verify() {
  auto dy = getGrad().getType().getShape();
  auto x = getInput().getType().getShape();
  bool ok = !dy.empty() && dy.size() == x.size();
  for (size_t d = 0; ok && d + 1 < dy.size(); ++d)
    ok = compatible(dy[d], x[d]);
  if (!ok)
    return emitOpError() << "dy and input must share their leading dims, got "
                         << shapeStr(dy) << " and " << shapeStr(x);
  if (failed(expectResultShape(getOperation(), {dy.back(), x.back()})))
    return failure();
  return expectSameElementType(getOperation());
}

LogicalResult ReduceToOp::verify() {
  if (failed(verifyBroadcast(getOperation(), getResult(), "result",
                             getInput().getType().getShape(), "the input")))
    return failure();
  return expectSameElementType(getOperation());
}

LogicalResult MeanHeadsGradOp::verify() {
  auto dy = getGrad().getType().getShape();
  if (dy.size() != 2)
    return emitOpError() << "dy must be [nodes, head_dim], got rank "
                         << dy.size();
  if (failed(expectResultShape(getOperation(), {dy[0], static_cast<int64_t>(getHeads()), dy[1]})))
    return failure();
  return expectSameElementType(getOperation());
}

LogicalResult MeanPoolOp::verify() {
  Operation *op = getOperation();
  if (failed(expectRank(op, getInput(), "input", 3, "[batch, seq, dim]")))
    return failure();
  auto x = getInput().getType().getShape();
  if (failed(expectResultShape(op, {x[0], x[2]})) ||
      failed(verifyKeyLengths(op, getKeyLengths(), x[0])))
    return failure();
  return expectSameElementType(op);
}

/// A tokenizer's [B, S] attention mask: rank 2, i1 or integer, its dims
/// compatible with `batch` and `seq`.
static LogicalResult verifyAttentionMask(Operation *op, Value mask,
                                         int64_t batch, int64_t seq) {
  if (!mask)
    return success();
  auto t = tensorTy(mask);
  if (t.getRank() != 2 || !t.getElementType().isSignlessInteger())
    return op->emitOpError()
           << "'attention_mask' must be a [batch, seq] tensor of i1 or "
              "integers, got "
           << t;
  if (!compatible(t.getDimSize(0), batch) || !compatible(t.getDimSize(1), seq))
    return op->emitOpError() << "'attention_mask' shape "
                             << shapeStr(t.getShape())
                             << " does not match [batch, seq] "
                             << shapeStr({batch, seq});
  return success();
}

LogicalResult KeyPaddingMaskOp::verify() {
  Operation *op = getOperation();
  auto m = tensorTy(getAttentionMask()).getShape();
  if (m.size() != 2)
    return emitOpError() << "'attention_mask' must be rank 2 [batch, seq], "
                            "got rank "
                         << m.size();
  if (failed(verifyAttentionMask(op, getAttentionMask(), m[0], m[1])))
    return failure();
  return expectResultShape(op, {m[0], 1, 1, m[1]});
}

LogicalResult PoolOp::verify() {
  Operation *op = getOperation();
  if (failed(expectRank(op, getInput(), "input", 3, "[batch, seq, dim]")))
    return failure();
  auto x = getInput().getType().getShape();
  if (failed(expectResultShape(op, {x[0], x[2]})) ||
      failed(verifyAttentionMask(op, getAttentionMask(), x[0], x[1])))
    return failure();
  return expectSameElementType(op);
}

LogicalResult L2NormalizeOp::verify() {
  if (getInput().getType().getRank() < 1)
    return emitOpError() << "input must have rank >= 1";
  if (getEpsilon().convertToDouble() <= 0)
    return emitOpError() << "epsilon must be positive";
  return success();
}

LogicalResult MeanPoolGradOp::verify() {
  Operation *op = getOperation();
  if (failed(expectRank(op, getInput(), "input", 3, "[batch, seq, dim]")))
    return failure();
  auto x = getInput().getType().getShape();
  auto dy = getGrad().getType().getShape();
  if (dy.size() != 2 || !compatible(dy[0], x[0]) || !compatible(dy[1], x[2]))
    return emitOpError() << "dy shape " << shapeStr(dy)
                         << " does not match the pooled "
                         << shapeStr({x[0], x[2]});
  if (failed(expectResultShape(op, x)) ||
      failed(verifyKeyLengths(op, getKeyLengths(), x[0])))
    return failure();
  return expectSameElementType(op);
}

LogicalResult GraphAttentionGradOp::verify() {
  Operation *op = getOperation();
  StringRef layout = "[nodes, heads, head_dim]";
  if (failed(expectRank(op, getQuery(), "query", 3, layout)) ||
      failed(expectRank(op, getKey(), "key", 3, layout)) ||
      failed(expectRank(op, getValue(), "value", 3, layout)))
    return failure();
  for (auto [v, role] :
       {std::pair{getRowOffsets(), "row_offsets"},
        std::pair{getColIndices(), "col_indices"},
        std::pair{getTOffsets(), "t_offsets"},
        std::pair{getTDestinations(), "t_destinations"},
        std::pair{getTEdges(), "t_edges"}})
    if (failed(verifyIndexVector(op, v, role)))
      return failure();
  auto q = getQuery().getType().getShape();
  auto dy = getGrad().getType().getShape();
  if (dy.size() != 3 || !compatible(dy[0], q[0]) || !compatible(dy[1], q[1]) ||
      !compatible(dy[2], getValue().getType().getDimSize(2)))
    return emitOpError() << "grad must have the shape of the attention "
                            "output, got "
                         << shapeStr(dy);
  for (auto [res, arg] :
       {std::pair{getQueryGrad(), getQuery()}, std::pair{getKeyGrad(), getKey()},
        std::pair{getValueGrad(), getValue()},
        std::pair{getSrcGrad(), getAttnSrc()},
        std::pair{getDstGrad(), getAttnDst()}})
    if (res.getType() != arg.getType())
      return emitOpError() << "each gradient has its operand's type, got "
                           << res.getType() << " for " << arg.getType();
  if (auto rate = getAttentionDropout())
    if (failed(verifyRate(op, rate->convertToDouble())))
      return failure();
  return verifySeed(op, getSeed());
}

OpFoldResult SplitHeadsOp::fold(FoldAdaptor) {
  // split_heads(merge_heads(x)) == x when the head count round-trips.
  auto merge = getInput().getDefiningOp<MergeHeadsOp>();
  if (!merge || merge.getMean() || merge.getInput().getType() != getType())
    return {};
  return merge.getInput();
}

OpFoldResult MergeHeadsOp::fold(FoldAdaptor) {
  // merge_heads(split_heads(x)) == x.
  auto split = getInput().getDefiningOp<SplitHeadsOp>();
  if (getMean() || !split || split.getInput().getType() != getType())
    return {};
  return split.getInput();
}

#define GET_OP_CLASSES
#include "dialects/attn/IR/AttnOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Extent relations (DimRelationsOpInterface)
//===----------------------------------------------------------------------===//

void DimRelations::sameShape(Value a, Value b) {
  sameLeading(a, b, static_cast<int>(tensorTy(a).getRank()));
}

void DimRelations::sameLeading(Value a, Value b, int count) {
  for (int d = 0; d < count; ++d)
    same(a, d, b, d);
}

namespace {

/// q, k, v of attention over sequences ([B, H, S, D]) or graphs ([N, H, D]):
/// the batch (or nodes) and the key/value pairing.
void sequenceAttention(DimRelations &r, Value q, Value k, Value v,
                       Value result) {
  r.same(q, 0, k, 0), r.same(q, 0, v, 0), r.same(k, 1, v, 1);
  r.same(k, 2, v, 2), r.same(q, 3, k, 3);
  r.hint(q, 0, "B"), r.hint(q, 1, "Hq"), r.hint(q, 2, "Sq"), r.hint(q, 3, "D");
  r.hint(k, 1, "Hkv"), r.hint(k, 2, "Sk"), r.hint(v, 3, "Dv");
  r.sameLeading(q, result, 3);
  r.same(v, 3, result, 3);
}

void graphAttention(DimRelations &r, Value q, Value k, Value v, Value cols) {
  r.same(q, 0, k, 0), r.same(q, 0, v, 0), r.same(q, 1, k, 1);
  r.same(q, 1, v, 1), r.same(q, 2, k, 2);
  r.hint(q, 0, "N"), r.hint(q, 1, "H"), r.hint(q, 2, "D"), r.hint(v, 2, "Dv");
  r.hint(cols, 0, "E");
}

/// [Out] or [Out, In] attention vectors against [N, H, D] queries.
void headVector(DimRelations &r, Value vec, Value q) {
  r.same(vec, 0, q, 1), r.same(vec, 1, q, 2);
}

/// A projection over the last dim: leading dims of `x` and `result` agree.
void rowsAgree(DimRelations &r, Value x, Value result) {
  r.sameLeading(x, result, static_cast<int>(tensorTy(x).getRank()) - 1);
}

int lastDim(Value v) { return static_cast<int>(tensorTy(v).getRank()) - 1; }

/// A mask or bias broadcasting to the logits [B, Hq, Sq, Sk] of queries `q`
/// ([B, Hq, Sq, D]) and keys `k` ([B, Hkv, Sk, D]), right-aligned; when `k`
/// is null, to the logits `q` themselves (attn.softmax). Not `q == k`: a
/// self-attention may pass one value as queries and keys.
void broadcastsToLogits(DimRelations &r, Value t, Value q, Value k,
                        const char *what) {
  if (!t)
    return;
  int rank = static_cast<int>(tensorTy(t).getRank());
  std::pair<Value, int> logits[] = {{q, 0}, {q, 1}, {q, 2}, {k, 2}};
  if (!k)
    logits[3] = {q, 3};
  for (int d = 0; d < rank && rank <= 4; ++d) {
    auto [v, vd] = logits[4 - rank + d];
    r.broadcasts(t, d, v, vd, what);
  }
}

} // namespace

void AttentionOp::getDimRelations(DimRelations &r) {
  sequenceAttention(r, getQuery(), getKey(), getValue(), getResult());
  r.divides(getKey(), 1, getQuery(), 1, "key/value heads");
  broadcastsToLogits(r, getMask(), getQuery(), getKey(), "mask dim");
  broadcastsToLogits(r, getBias(), getQuery(), getKey(), "bias dim");
  if (getKeyLengths()) {
    r.same(getKeyLengths(), 0, getQuery(), 0);
    r.keyLengths(getKeyLengths(), getKey(), 2);
  }
}

void GraphAttentionOp::getDimRelations(DimRelations &r) {
  Value q = getQuery();
  graphAttention(r, q, getKey(), getValue(), getColIndices());
  if (getAttnSrc()) {
    headVector(r, getAttnSrc(), q);
    headVector(r, getAttnDst(), q);
  }
  r.same(q, 0, getResult(), 0), r.same(q, 1, getResult(), 1);
  r.same(getValue(), 2, getResult(), 2);
  r.graph(getRowOffsets(), getColIndices(), q);
}

void ScoreOp::getDimRelations(DimRelations &r) {
  Value q = getQuery(), k = getKey(), s = getResult();
  r.divides(k, 1, q, 1, "key/value heads");
  r.same(q, 0, k, 0), r.sameLeading(q, s, 3);
  r.same(k, 2, s, 3), r.same(q, 3, k, 3);
}

void SoftmaxOp::getDimRelations(DimRelations &r) {
  r.sameShape(getInput(), getResult());
  broadcastsToLogits(r, getMask(), getInput(), Value(), "mask dim");
  broadcastsToLogits(r, getBias(), getInput(), Value(), "bias dim");
  if (getKeyLengths())
    r.same(getKeyLengths(), 0, getInput(), 0);
}

void WeightedSumOp::getDimRelations(DimRelations &r) {
  Value p = getProbs(), v = getValue(), o = getResult();
  r.same(p, 0, v, 0), r.sameLeading(p, o, 3);
  r.same(p, 3, v, 2), r.same(v, 3, o, 3);
}

void LinearOp::getDimRelations(DimRelations &r) {
  Value x = getInput(), w = getWeight(), y = getResult();
  rowsAgree(r, x, y);
  r.same(x, lastDim(x), w, 1), r.same(w, 0, y, lastDim(y));
  if (getBias())
    r.same(getBias(), 0, w, 0);
}

void SparseLinearOp::getDimRelations(DimRelations &r) {
  Value w = getWeight(), y = getResult();
  r.same(getColIndices(), 0, getValues(), 0);
  r.same(w, 0, y, 1);
  if (getBias())
    r.same(getBias(), 0, w, 0);
  r.hint(getColIndices(), 0, "nnz"), r.hint(y, 0, "N");
  r.sparseMatrix(getRowOffsets(), getColIndices(), getValues(), y, w, 1);
}

void SparseLinearGradWeightOp::getDimRelations(DimRelations &r) {
  Value dy = getGrad(), dw = getResult();
  r.same(getColIndices(), 0, getValues(), 0);
  r.same(dy, 1, dw, 0);
  r.hint(getColIndices(), 0, "nnz"), r.hint(dy, 0, "N");
  r.sparseMatrix(getRowOffsets(), getColIndices(), getValues(), dy, dw,
                 1);
}

void SplitHeadsOp::getDimRelations(DimRelations &r) {
  r.same(getInput(), 0, getResult(), 0);
  if (tensorTy(getInput()).getRank() == 3)
    r.same(getInput(), 1, getResult(), 2);
}

void MergeHeadsOp::getDimRelations(DimRelations &r) {
  r.same(getInput(), 0, getResult(), 0);
  if (tensorTy(getInput()).getRank() == 4)
    r.same(getInput(), 2, getResult(), 1);
}

void EmbeddingOp::getDimRelations(DimRelations &r) {
  int rank = static_cast<int>(tensorTy(getIds()).getRank());
  r.sameLeading(getIds(), getResult(), rank);
  r.same(getTable(), 1, getResult(), rank);
  r.indexes(getIds(), getTable(), 0, "id");
}

void PositionalEncodingOp::getDimRelations(DimRelations &r) {
  r.sameShape(getInput(), getResult());
  if (getTable())
    r.atMost(getInput(), 1, getTable(), 0, "sequence length");
}

void AddOp::getDimRelations(DimRelations &r) {
  r.sameShape(getLhs(), getResult());
  // A broadcast rhs dim may be 1: only full rhs dims that are not
  // statically 1 must equal lhs's.
  auto lhsTy = tensorTy(getLhs()), rhsTy = tensorTy(getRhs());
  int offset = static_cast<int>(lhsTy.getRank() - rhsTy.getRank());
  for (int d = 0; d < rhsTy.getRank(); ++d) {
    if (rhsTy.getDimSize(d) != 1 && !ShapedType::isDynamic(rhsTy.getDimSize(d)))
      r.same(getRhs(), d, getLhs(), d + offset);
    else if (ShapedType::isDynamic(rhsTy.getDimSize(d)))
      r.broadcasts(getRhs(), d, getLhs(), d + offset, "added dim");
  }
}

void LayerNormOp::getDimRelations(DimRelations &r) {
  r.sameShape(getInput(), getResult());
  r.same(getGamma(), 0, getInput(), lastDim(getInput()));
  r.same(getBeta(), 0, getInput(), lastDim(getInput()));
}

void ActivationOp::getDimRelations(DimRelations &r) {
  r.sameShape(getInput(), getResult());
}

void DropoutOp::getDimRelations(DimRelations &r) {
  r.sameShape(getInput(), getResult());
}

void LogSoftmaxOp::getDimRelations(DimRelations &r) {
  r.sameShape(getInput(), getResult());
}

void NllLossOp::getDimRelations(DimRelations &r) {
  r.same(getLogp(), 0, getLabels(), 0), r.same(getLogp(), 0, getMask(), 0);
}

void NllLossGradOp::getDimRelations(DimRelations &r) {
  r.same(getLogp(), 0, getLabels(), 0), r.same(getLogp(), 0, getMask(), 0);
  r.sameShape(getLogp(), getResult());
}

void LogSoftmaxGradOp::getDimRelations(DimRelations &r) {
  r.sameShape(getOutput(), getGrad());
  r.sameShape(getOutput(), getResult());
}

void ActivationGradOp::getDimRelations(DimRelations &r) {
  r.sameShape(getInput(), getGrad());
  r.sameShape(getInput(), getResult());
}

void LinearGradInputOp::getDimRelations(DimRelations &r) {
  Value dy = getGrad(), w = getWeight(), dx = getResult();
  rowsAgree(r, dy, dx);
  r.same(dy, lastDim(dy), w, 0), r.same(w, 1, dx, lastDim(dx));
}

void LinearGradWeightOp::getDimRelations(DimRelations &r) {
  Value dy = getGrad(), x = getInput(), dw = getResult();
  rowsAgree(r, dy, x);
  r.same(dy, lastDim(dy), dw, 0), r.same(x, lastDim(x), dw, 1);
}

void ReduceToOp::getDimRelations(DimRelations &r) {
  auto inTy = tensorTy(getInput()), outTy = tensorTy(getResult());
  int offset = static_cast<int>(inTy.getRank() - outTy.getRank());
  for (int d = 0; d < outTy.getRank(); ++d)
    if (outTy.getDimSize(d) != 1 && inTy.getDimSize(d + offset) != 1)
      r.same(getResult(), d, getInput(), d + offset);
}

void MeanHeadsGradOp::getDimRelations(DimRelations &r) {
  r.same(getGrad(), 0, getResult(), 0), r.same(getGrad(), 1, getResult(), 2);
}

/// [B, S, D] pooled over S with optional per-batch lengths.
static void pooledSequence(DimRelations &r, Value x, Value pooled, Value lengths) {
  r.same(x, 0, pooled, 0), r.same(x, 2, pooled, 1);
  r.hint(x, 0, "B"), r.hint(x, 1, "S"), r.hint(x, 2, "D");
  if (lengths) {
    r.same(lengths, 0, x, 0);
    r.keyLengths(lengths, x, 1);
  }
}

void MeanPoolOp::getDimRelations(DimRelations &r) {
  pooledSequence(r, getInput(), getResult(), getKeyLengths());
}

void KeyPaddingMaskOp::getDimRelations(DimRelations &r) {
  r.same(getAttentionMask(), 0, getResult(), 0);
  r.same(getAttentionMask(), 1, getResult(), 3);
  r.hint(getAttentionMask(), 0, "B"), r.hint(getAttentionMask(), 1, "S");
}

void PoolOp::getDimRelations(DimRelations &r) {
  pooledSequence(r, getInput(), getResult(), Value());
  if (Value m = getAttentionMask())
    r.same(m, 0, getInput(), 0), r.same(m, 1, getInput(), 1);
}

void L2NormalizeOp::getDimRelations(DimRelations &r) {
  r.sameShape(getInput(), getResult());
}

void MeanPoolGradOp::getDimRelations(DimRelations &r) {
  pooledSequence(r, getInput(), getGrad(), getKeyLengths());
  r.sameShape(getInput(), getResult());
}

void GraphAttentionGradOp::getDimRelations(DimRelations &r) {
  Value q = getQuery(), k = getKey(), v = getValue();
  graphAttention(r, q, k, v, getColIndices());
  // The transposed graph has the same edges: E positions each.
  r.same(getColIndices(), 0, getTDestinations(), 0);
  r.same(getColIndices(), 0, getTEdges(), 0);
  headVector(r, getAttnSrc(), q);
  headVector(r, getAttnDst(), q);
  r.sameShape(v, getGrad());
  r.sameShape(q, getQueryGrad()), r.sameShape(k, getKeyGrad());
  r.sameShape(v, getValueGrad());
  r.sameShape(getAttnSrc(), getSrcGrad());
  r.sameShape(getAttnDst(), getDstGrad());
  // The transposed graph has the forward graph's shape: t_offsets has
  // N + 1 entries (named after N), t_destinations are node ids, t_edges CSR
  // positions the kernel clamps into [0, E). The runtime computes all three
  // from the forward graph (roles t_offsets, ...: docs/runtime.md).
  r.graph(getRowOffsets(), getColIndices(), q);
  r.transposedGraph(getRowOffsets(), getTOffsets(), getTDestinations(),
                    getTEdges(), q);
}
