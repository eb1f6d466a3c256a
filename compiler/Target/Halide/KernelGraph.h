//===- KernelGraph.h - attn IR as plain data for the Halide backend -*- C++ -*-===//
//
// The hand-off between the MLIR side (no exceptions, MLIR headers) and the
// Halide side (exceptions, Halide headers): one function of attn ops as
// value-numbered nodes in standard types only, so that neither side's
// headers leak into the other.
//
// Shapes are logical (outermost first, as in MLIR); -1 is a dynamic extent.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_TARGET_HALIDE_KERNELGRAPH_H
#define ATTNC_TARGET_HALIDE_KERNELGRAPH_H

#include <cstdint>
#include <string>
#include <vector>

namespace attnc::kg {

enum class DType { F32, F64, I32, I64, Bool };

enum class OpKind {
  Attention,      // operands: q, k, v, mask?, bias?, key_lengths?
  GraphAttention, // operands: q, k, v, row_offsets, col_indices, src?, dst?,
                  //           seed? (attention dropout when present)
  Score,          // operands: q, k
  Softmax,        // operands: logits, mask?, bias?, key_lengths?
  WeightedSum,    // operands: probs, v
  Linear,         // operands: x, weight, bias?
  SparseLinear,   // operands: row_offsets, col_indices, values, weight,
                  //           bias?, seed? (input dropout when present)
  SplitHeads,     // operands: x
  MergeHeads,     // operands: x
  Embedding,      // operands: table, ids
  PositionalEncoding, // operands: x, table?
  Add,            // operands: lhs, rhs
  LayerNorm,      // operands: x, gamma, beta
  Activation,     // operands: x
  Dropout,        // operands: x, seed? (identity without a seed)
  LogSoftmax,     // operands: x
  // Training (docs/training.md).
  NllLoss,        // operands: logp, labels, mask
  NllLossGrad,    // operands: logp, labels, mask
  LogSoftmaxGrad, // operands: y (the log-softmax output), dy
  ActivationGrad, // operands: x, dy
  LinearGradInput,  // operands: dy, weight
  LinearGradWeight, // operands: dy, x
  SparseLinearGradWeight, // operands: dy, row_offsets, col_indices, values,
                          //           seed?
  ReduceTo,       // operands: x
  MeanHeadsGrad,  // operands: dy
  GraphAttentionGrad, // operands: q, k, v, row_offsets, col_indices,
                      //   t_offsets, t_destinations, t_edges, src, dst, dy,
                      //   seed?; results: dq, dk, dv (result, then
                      //   extraResults), d_src, d_dst
};

enum class ActivationKind { Relu, Gelu, Elu };

enum class ScoreKind { Dot, ScaledDot, Additive };

/// What an argument means (runtime/module_abi.h's attnc_arg_role, where
/// each is documented): the first five are also checked by the runtime.
enum class Role {
  Data, RowOffsets, ColIndices, KeyLengths, SparseColIndices,
  Parameter, Labels, LossMask, Seed, Mask, Bias, SparseValues,
  TOffsets, TDestinations, TEdges, // computed by the runtime
  Output, Loss, Gradient           // outputs
};

/// How a parameter is initialised (attnc_init_kind).
enum class InitKind { None, Zeros, Ones, Glorot };

struct Value {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  /// One name per dim: equal names must have equal extents at run time.
  std::vector<std::string> dimNames;
};

struct Node {
  OpKind kind = OpKind::Attention;
  std::vector<int> operands; // value ids, -1 for an absent optional operand
  int result = -1;
  /// Results after the first, for multi-result ops (graph_attention_grad);
  /// empty for every other op.
  std::vector<int> extraResults;
  std::string loc; // "file:line:col" of the op
  ScoreKind score = ScoreKind::ScaledDot;
  double scale = 1.0;            // the effective scale, when known
  bool scaleFromHeadDim = false; // 1/sqrt(head_dim) with a dynamic head_dim
  bool causal = false;
  bool hasWindow = false;
  int64_t windowLeft = 0, windowRight = 0;
  double negativeSlope = 0.2;
  int64_t heads = 1;
  bool mean = false;
  ActivationKind activation = ActivationKind::Relu;
  bool learnedPositions = false;
  double epsilon = 1e-5;
  double rate = 0.0;              // dropout, attention dropout
  int64_t salt = 0;               // with the seed operand: the mask's stream
};

struct Argument {
  std::string name;
  int value = -1;
  Role role = Role::Data;
  int relatedArg = -1; // index into Function::inputs: CSR partner, key seq,
                       // the forward row offsets of a transposed graph, the
                       // parameter of a gradient
  int relatedDim = -1; // for KeyLengths and SparseColIndices: the logical
                       // dim of relatedArg (key length, column count)
  InitKind init = InitKind::None; // parameters only
};

struct Function {
  std::string name;
  std::string loc;
  std::vector<Value> values;
  std::vector<Argument> inputs;
  std::vector<Argument> outputs; // roles Output, Loss, Gradient
  std::vector<Node> nodes;       // in dependence order
};

inline const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32: return "f32";
  case DType::F64: return "f64";
  case DType::I32: return "i32";
  case DType::I64: return "i64";
  case DType::Bool: return "bool";
  }
  return "?";
}

} // namespace attnc::kg

#endif // ATTNC_TARGET_HALIDE_KERNELGRAPH_H
