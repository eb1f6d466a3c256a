//===- Stages.h - the typed stages of a lowered function --------*- C++ -*-===//
//
// What the lowering (Lowering.h) hands to a schedule: one typed value per
// stage, each naming the Funcs, Vars and RVars its schedule needs. A
// schedule visits every alternative of `AnyStage` by type, so a new kind of
// stage does not compile until every target's schedule handles it. Halide
// types only: schedules never see the attn IR.
//
// Halide lists dimensions innermost first, so a logical [B, H, S, D] tensor is
// the Func f(d, s, h, b).
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_TARGET_HALIDE_STAGES_H
#define ATTNC_TARGET_HALIDE_STAGES_H

#include <Halide.h>

#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace attnc::halide {

/// Fused dense attention for CPUs: per (b, h), TQ queries scan the keys they
/// may attend chunk by chunk with FlashAttention's running max, sum and
/// accumulator (state). Within a chunk the logits are a slab of TQ x chunk,
/// transposed so that queries are innermost and the softmax reductions are
/// vertical; only the per-chunk terms are rescaled, so the rescaling costs
/// O(TQ x D) per chunk, not per key.
struct DenseAttentionStages {
  Halide::Var e, i, j, h, b;   // output (e, i, h, b); slabs (i, j, h, b)
  Halide::Var c;               // key chunk of the per-chunk statistics
  Halide::Var ii, it;          // state rows: i = it * queryTile + ii
  Halide::RVar rd, rjMax, rjSum, rjAcc;
  Halide::RVar rc;             // the scan over key chunks, band-trimmed
  Halide::Func qScaled;        // (i, d, h, b): q transposed and pre-scaled
  Halide::Func dot;            // (i, j, h, b) += qScaled * k
  Halide::Func logits;         // (i, j, h, b): dot + bias
  Halide::Func chunkMax;       // (i, c, h, b): max over the chunk's keys
  Halide::Func probs;          // (i, j, h, b): exp(logit - chunk max)
  Halide::Func chunkSum;       // (i, c, h, b)
  Halide::Func chunkAcc;       // (e, i, c, h, b): probs x values
  Halide::Func state;          // (e, ii, it, h, b): Tuple {m, l, acc}
  Halide::Func out;
  int queryTile = 0, keyChunk = 0;
  bool hasMaskTensor = false;
  int64_t headDim = -1, valueDim = -1; // static extents, -1 when dynamic
};

/// Dense attention as an online softmax over key tiles (FlashAttention's
/// recurrence), for GPUs: nothing is indexed by (query, key) beyond one
/// TQ x KT tile, so no S x S buffer exists at any sequence length. Queries
/// are addressed as (ii, it): row ii of query tile it; keys as (jj, t).
/// Per tile t the row's local max, sum and weighted sum are formed with the
/// tile's own max; the running state (m, l, acc) is rescaled by
/// exp(m_old - m_new) and the tile's terms by exp(tile max - m_new), so no
/// exp argument is ever positive.
struct OnlineAttentionStages {
  Halide::Var e, i, h, b;      // output (e, i, h, b), i = it * TQ + ii
  Halide::Var ii, it, jj, t;
  Halide::RVar rd;             // head dim of the tile's dot products
  Halide::RVar rj;             // keys of one tile (0..KT)
  Halide::RVar rt;             // the scan over key tiles, band-trimmed
  Halide::Func qScaled;        // (i, d, h, b): q transposed and pre-scaled
  Halide::Func dot;            // (jj, ii, t, it, h, b) += qScaled * k
  Halide::Func logits;         // (jj, ii, t, it, h, b); lowest when masked
  Halide::Func tileMax;        // (ii, t, it, h, b)
  Halide::Func probs;          // (jj, ii, t, it, h, b): exp(l - tile max)
  Halide::Func tileSum;        // (ii, t, it, h, b)
  Halide::Func tileAcc;        // (e, ii, t, it, h, b)
  Halide::Func state;          // (e, ii, it, h, b): Tuple {m, l, acc}
  Halide::Func out;
  int queryTile = 0, keyTile = 0;
  bool stageValues = false; // the schedule stages V tiles in shared memory
  int64_t headDim = -1, valueDim = -1; // static extents, -1 when dynamic
};

/// Tile sizes of the online form, which a GPU schedule picks by head dims.
struct OnlineTiles {
  int queryTile = 16, keyTile = 32;
  bool stageValues = true;
};

struct GraphAttentionStages {
  Halide::Var e, h, n, x;      // out (e, h, n); per-edge funcs (h, x)
  Halide::RVar edgeMax, edgeSum, edgeAcc;
  Halide::RVar scatterNode;    // node loop of the per-edge scatters
  Halide::RVar dotNode;        // node loop of the dot-score reduction
  Halide::Func left, right;    // (h, n): a_dst . q, a_src . k (additive only)
  Halide::Func edgeScore;      // (h, x): dot scores only (GAT's inline);
                               // edge-parallel form: GAT's leaky scores too
  /// Edge-parallel form (GPUs): every per-edge value is a pure function of
  /// the edge, whose destination node is found by binary search over the
  /// row offsets, so edges spread evenly over threads whatever the degrees.
  /// No scatters; scatterNode and dotNode are unset.
  bool edgeParallel = false;
  Halide::Func edgeDst;        // (x): the edge's destination node
  Halide::RVar searchStep;
  Halide::Func rowMax, rowSum; // (h, n)
  Halide::Func edgeExp;        // (h, x): exp(score - node max)
  Halide::Func acc;            // (e, h, n): unnormalised weighted sum
  Halide::Func out;            // (e, h, n)
  bool additive = false;
  int64_t heads = -1, valueDim = -1; // static extents, -1 when dynamic
};

/// The backward pass of additive (GAT) graph attention. Per-edge values
/// are scattered node by node into each node's own CSR range (race-free);
/// sums over the nodes that attend a source walk the transposed graph (CSC),
/// so they are gathers too.
struct GraphAttentionGradStages {
  Halide::Var d, e, h, n, x;   // (d, h, n) node values; per-edge (h, x)
  Halide::RVar scatterNode;    // node loop of the per-edge scatters
  Halide::RVar dotNode;        // node loop of the dp' scatter (e innermost)
  Halide::RVar dvPos;          // CSC loop of dv
  Halide::Func left, right;    // (h, n): a_dst . q, a_src . k
  Halide::Func nodeMax, nodeSum; // (h, n): the forward's softmax statistics
  Halide::Func edgeP;          // (h, x): p, before dropout
  Halide::Func edgeDp;         // (h, x): dp' = dy_dst . v_src
  Halide::Func nodeDot;        // (h, n): sum_j p' dp'
  Halide::Func edgeDz;         // (h, x)
  Halide::Func rowDz, colDz;   // (h, n): sum of dz over out- / in-edges
  Halide::Func dvAcc, dv;      // (e, h, n)
  Halide::Func dq, dk;         // (d, h, n)
  Halide::Func dDst, dSrc;     // (d, h): reductions over all nodes
  Halide::RVar dDstNodes, dSrcNodes; // their node loops
  /// Edge-parallel form (GPUs), as in GraphAttentionStages: edgeP, edgeDp
  /// and edgeDz are pure functions of the edge; scatterNode and dotNode
  /// are unset.
  bool edgeParallel = false;
  Halide::Func edgeDst;        // (x): the edge's destination node
  Halide::RVar searchStep;
  int64_t heads = -1, headDim = -1, valueDim = -1;
};

/// [Out, In] = sum over rows of dy[row, o] x[row, c].
struct LinearGradWeightStages {
  Halide::Var c, o;            // out (c, o)
  std::vector<Halide::RVar> rows; // the leading dims, innermost first
  Halide::Func dot;            // (c, o), indices clamped
  Halide::Func out;
  int64_t outFeatures = -1;    // static Out, -1 when dynamic
};

struct LinearStages {
  Halide::Var o;               // out (o, rest...)
  std::vector<Halide::Var> rest;
  Halide::RVar rc;
  Halide::Func weightT;        // (o, c)
  /// (c, o): the weights as stored, when weightT is their transpose (the
  /// forward GEMM); undefined when weightT is a copy (dy W).
  Halide::Func weightTile;
  Halide::Func dot;            // (o, rest...): x . w^T, rows clamped
  Halide::Func out;            // dot + bias
  int64_t outFeatures = -1;    // static Out, -1 when dynamic
  int64_t inFeatures = -1;     // static In, -1 when dynamic
};

/// attn.sparse_linear: per row, the stored entries' weight columns summed.
struct SparseLinearStages {
  Halide::Var o, n;            // acc (o, n)
  Halide::RVar entries;        // the row's stored entries
  Halide::Func weightT;        // (o, c): W^T, rows of Out contiguous
  Halide::Func acc;            // (o, n)
  Halide::Func out;            // acc + bias
  int64_t outFeatures = -1;    // static Out, -1 when dynamic
};

/// attn.sparse_linear_grad_weight: dW^T scattered row by row into the
/// columns of the stored entries; output features are the pure dim, so
/// tasks owning disjoint output features never race.
struct SparseLinearGradWeightStages {
  Halide::Var o, c;            // dwT (o, c)
  Halide::RVar entries, rows;
  Halide::Func dwT;            // (o, c)
  Halide::Func out;            // (c, o)
  int64_t outFeatures = -1;
};

/// attn.reduce_to with summed dims: `out(vars) += x(...)` over `r`, whose
/// last dimension is the outermost summed dim (rows, for a bias gradient).
struct ReductionStages {
  Halide::Func out;
  std::vector<Halide::Var> vars; // innermost first
  Halide::RDom r;
};

/// An op result computed once, at root, parallel over its outermost dim
/// (decomposed attention, norms, activations that are not fused).
struct GenericStage {
  Halide::Func func;
};

/// A zero-dimensional value (a dropout key, a loss total): computed once.
struct ScalarStage {
  Halide::Func func;
};

/// An index remapping (head split, head merge): inlined into its readers.
struct InlineStage {
  Halide::Func func;
};

using AnyStage =
    std::variant<DenseAttentionStages, OnlineAttentionStages,
                 GraphAttentionStages, GraphAttentionGradStages, LinearStages,
                 LinearGradWeightStages, SparseLinearStages,
                 SparseLinearGradWeightStages, ReductionStages, GenericStage,
                 ScalarStage, InlineStage>;

/// Every stage of a function, in program order, and its outputs.
struct PipelineStages {
  std::vector<AnyStage> stages;
  std::vector<Halide::Func> outputs;
  /// The outputs that copy a value computed elsewhere (all of them, unless
  /// AlgorithmOptions::directGenericOutputs): what the schedules place.
  std::vector<Halide::Func> copies;
  /// Copies that are the only use of the value they copy, by the copied
  /// Func's name: a schedule may compute that value tile by tile inside the
  /// copy's loops instead of into a whole intermediate buffer. A schedule
  /// that does so places the copy too and removes it from `copies`.
  std::map<std::string, Halide::Func> soleCopies;
};

/// std::visit over a set of lambdas.
template <class... Fs> struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs> Overloaded(Fs...) -> Overloaded<Fs...>;

/// How a schedule wants the algorithm built (each target's schedule owns
/// its options: cpuAlgorithmOptions, cudaAlgorithmOptions).
struct AlgorithmOptions {
  /// How many consecutive queries a schedule processes together (a vector,
  /// a GPU block's query tile): band predicates are also stated per block
  /// so loops over keys can be trimmed; it never changes results.
  int rowBlock = 1;
  /// Keys per chunk of the CPU form's online softmax: the chunk's logits
  /// and probabilities (rows x keyChunk each) are the only slabs, sized to
  /// stay in L2 at any sequence length.
  int keyChunk = 1024;
  /// Queries per CPU task of dense attention (its state's row tile).
  int queryTile = 32;
  /// When set, dense attention is built as an online softmax
  /// (OnlineAttentionStages) with the tiles this returns for the op's
  /// static head and value dims (-1 when dynamic); else as three
  /// reductions over slabs (DenseAttentionStages).
  std::function<OnlineTiles(int64_t headDim, int64_t valueDim)> onlineTiles;
  /// Graph attention's per-edge values as pure functions of the edge
  /// (GraphAttentionStages::edgeParallel) rather than node-by-node scatters.
  bool edgeParallelGraph = false;
  /// A returned GenericStage is the pipeline's output itself rather than
  /// copied into it: kernels of a partitioned entry (KernelPartition.h)
  /// then pass values to each other without a copy. For schedules whose
  /// GenericStage placement suits an output (no RoundUp tails).
  bool directGenericOutputs = false;
};

} // namespace attnc::halide

#endif // ATTNC_TARGET_HALIDE_STAGES_H
