//===- CPU.cpp - hand-written CPU schedules -------------------------------===//
//
// Dense attention: each parallel task owns one (batch, head, query tile) and
// scans the key chunks the tile may attend (the causal triangle, the window
// band, the key length) with an online softmax. Per chunk it computes the
// logits transposed, so queries are the vector lanes and the chunk's max and
// sum are vertical vector ops; QK^T and PV are register-blocked
// micro-kernels. Memory per task is O(TQ * chunk) whatever Sk is, so the
// slabs stay in L2 at long sequences.
//
// Graph attention: per-edge stages run edge-parallel (balanced whatever the
// degree distribution), per-node reductions run over each node's own edge
// range only, in small node chunks handed to threads dynamically. Its
// gradient has the same shape, plus gathers over the transposed graph.
//
// Training: linear_grad_input is the forward GEMM; linear_grad_weight a
// register-blocked reduction over rows; elementwise ops vectorised and
// parallel like the other generic stages. Sparse first layers walk the
// stored entries only, forward row by row and backward feature-block by
// feature-block.
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Halide/Schedules/CPU.h"

#include <algorithm>
#include <optional>

using namespace Halide;

namespace attnc::halide {

namespace {

int vectorWidth(const Target &target) {
  return target.natural_vector_size(Float(32));
}

/// Takes over the copy of `value` that is the value's only use, if it has
/// `rank` dims: the caller then places it.
std::optional<Func> claimSoleCopy(PipelineStages &stages, const Func &value,
                                  int rank) {
  auto found = stages.soleCopies.find(value.name());
  if (found == stages.soleCopies.end() ||
      found->second.dimensions() != rank)
    return std::nullopt;
  Func copy = found->second;
  stages.soleCopies.erase(found);
  auto &copies = stages.copies;
  copies.erase(std::remove_if(copies.begin(), copies.end(),
                              [&](const Func &f) {
                                return f.name() == copy.name();
                              }),
               copies.end());
  return copy;
}

void scheduleDense(DenseAttentionStages &s, PipelineStages &stages,
                   const Target &target) {
  const int vw = vectorWidth(target);
  const int tq = s.queryTile;
  const int kb = 8; // keys per QK^T micro-kernel: tq/vw * kb accumulators
  Var io("io"), ii("ii"), task("task"), ib("ib"), ir("ir"), ei("ei"),
      eo("eo"), eb("eb"), jo("jo"), ji("ji"), iv("iv"), iu("iu");
  bool wholeVectors = s.valueDim > 0 && s.valueDim % vw == 0;

  // The tasks (batch, head, query tile) run in the loops of `host`. When
  // the result is only copied into the entry's output, that copy hosts them
  // and the normalised rows go straight from the running state to the
  // output: no S x D intermediate to allocate, fault in and copy again.
  // Otherwise `out` is an intermediate, so its tiles may be rounded up: the
  // extra rows read clamped queries.
  std::optional<Func> copy = claimSoleCopy(stages, s.out, 4);
  const bool hosted = copy.has_value();
  Func host = hosted ? *copy : s.out;
  std::vector<Var> v = host.args(); // (e, i, h, b)
  host.compute_root()
      .split(v[1], io, ii, tq,
             hosted ? TailStrategy::GuardWithIf : TailStrategy::RoundUp)
      .reorder(v[0], ii, io, v[2], v[3])
      .fuse(io, v[2], task)
      .fuse(task, v[3], task)
      .parallel(task);
  if (wholeVectors)
    host.vectorize(v[0], vw);

  // Masks and windows let bounds inference trim query ranges by key ranges;
  // the tile shapes are fixed instead, so that loops unroll into registers.
  for (Func *f : {&s.qScaled, &s.logits, &s.dot, &s.chunkMax, &s.chunkSum,
                  &s.probs})
    f->bound_extent(s.i, tq);
  s.dot.bound_extent(s.j, kb);

  // PV: `rows` query rows x `vectors` value vectors of accumulators in
  // registers per step over the chunk's keys, within about 3/4 of the register
  // file (32 vector registers with AVX-512, else 16); wider value dims are
  // done a block of vectors at a time.
  const int budget = (target.has_feature(Target::AVX512) ? 32 : 16) * 3 / 4;
  int vectors = wholeVectors ? static_cast<int>(s.valueDim / vw) : 1;
  vectors = std::min(vectors, 4);
  // Rows divide the query tile, so the scan's row blocks stay inside it.
  int rows = 4;
  while (rows > 1 && rows * vectors > budget)
    rows /= 2;

  // The running state lives per task (TQ rows x value dim, three values);
  // its update walks the chunks, and per chunk the blocks of rows and value
  // vectors whose PV terms are in registers.
  s.state.compute_at(host, task).bound_extent(s.ii, tq).bound_extent(s.it, 1);
  Stage scan = s.state.update();
  scan.split(s.ii, ib, ir, rows, TailStrategy::RoundUp);
  if (wholeVectors) {
    s.state.vectorize(s.e, vw);
    scan.split(s.e, eb, eo, vectors * vw)
        .split(eo, eo, ei, vw)
        .reorder(ei, eo, ir, eb, ib, s.rc)
        .vectorize(ei)
        .unroll(eo)
        .unroll(ir);
  } else {
    s.state.vectorize(s.e, vw, TailStrategy::GuardWithIf);
    scan.split(s.e, eb, ei, vw, TailStrategy::GuardWithIf)
        .reorder(ei, ir, eb, ib, s.rc)
        .vectorize(ei)
        .unroll(ir);
  }
  LoopLevel perChunk(s.state, s.rc);

  // The tile's queries, transposed and pre-scaled.
  s.qScaled.compute_at(host, task)
      .vectorize(s.i, vw, TailStrategy::RoundUp);

  // Logits: tq x the chunk's keys, kb keys at a time by a register-blocked
  // dot. The slabs' storage is stated, so each is one constant-size
  // allocation of tq x (chunk + kb) whatever the sequence length (a band's
  // trimmed start is not a multiple of kb, hence the extra kb).
  for (Func *f : {&s.logits, &s.probs})
    f->bound_storage(s.j, s.keyChunk + kb);
  s.logits.compute_at(perChunk)
      .split(s.j, jo, ji, kb, TailStrategy::RoundUp)
      .split(s.i, iu, iv, vw, TailStrategy::RoundUp)
      .reorder(iv, iu, ji, jo)
      .vectorize(iv)
      .unroll(iu);
  s.dot.compute_at(s.logits, jo)
      .vectorize(s.i, vw, TailStrategy::RoundUp)
      .unroll(s.i)
      .unroll(s.j);
  s.dot.update()
      .reorder(s.i, s.j, s.rd)
      .vectorize(s.i, vw, TailStrategy::RoundUp)
      .unroll(s.i)
      .unroll(s.j);

  // Chunk statistics: vertical reductions, queries in the lanes.
  for (Func *f : {&s.chunkMax, &s.chunkSum}) {
    f->compute_at(perChunk).vectorize(s.i, vw, TailStrategy::RoundUp);
    f->update().vectorize(s.i, vw, TailStrategy::RoundUp);
  }
  s.probs.compute_at(perChunk).vectorize(s.i, vw, TailStrategy::RoundUp);

  s.chunkAcc.compute_at(s.state, eb)
      .bound_extent(s.i, rows)
      .unroll(s.i);
  s.chunkAcc.update().reorder(s.e, s.i, s.rjAcc).unroll(s.i);
  if (wholeVectors) {
    s.chunkAcc.bound_extent(s.e, vectors * vw);
    s.chunkAcc.split(s.e, eo, ei, vw).vectorize(ei).unroll(eo);
    s.chunkAcc.update().split(s.e, eo, ei, vw).vectorize(ei).unroll(eo);
  } else {
    s.chunkAcc.vectorize(s.e, vw, TailStrategy::GuardWithIf);
    s.chunkAcc.update().vectorize(s.e, vw, TailStrategy::GuardWithIf);
  }
}

/// A per-node weighted sum over the node's edges, `out(e, h, n)` from
/// `acc(e, h, n)` updated over `edges`: node-parallel in chunks of 64, and
/// per node the heads x value dims in vector lanes, kept in registers across
/// the edges.
void scheduleNodeAggregate(Func &out, Func &acc, Var e, Var h, Var n,
                           RVar edges, int64_t heads, int64_t valueDim,
                           int vw) {
  Var no("no"), ni("ni"), eh("eh");
  out.compute_root()
      .split(n, no, ni, 64, TailStrategy::GuardWithIf)
      .parallel(no);
  acc.compute_at(out, ni);
  acc.update().reorder(e, h, edges);
  if (valueDim > 0 && heads > 0 && (valueDim * heads) % vw == 0) {
    acc.fuse(e, h, eh).vectorize(eh, vw).unroll(eh);
    acc.update().fuse(e, h, eh).vectorize(eh, vw).unroll(eh);
    out.fuse(e, h, eh).vectorize(eh, vw);
  } else {
    acc.vectorize(e, vw, TailStrategy::GuardWithIf);
    acc.update().vectorize(e, vw, TailStrategy::GuardWithIf);
  }
}

void scheduleGraph(GraphAttentionStages &s, const Target &target) {
  const int vw = vectorWidth(target);
  const int nodeChunk = 64;
  Var no("no"), ni("ni"), eh("eh");
  RVar so("so"), si("si");
  int headLanes = (s.heads > 0 && s.heads < vw) ? int(s.heads) : vw;

  if (s.additive) {
    // Per-node projections onto the attention vectors: heads in the lanes,
    // the (small) head dim unrolled.
    for (Func *f : {&s.left, &s.right}) {
      f->compute_root()
          .split(s.n, no, ni, 256, TailStrategy::GuardWithIf)
          .parallel(no)
          .vectorize(s.h, headLanes, TailStrategy::GuardWithIf);
      f->update()
          .split(s.n, no, ni, 256, TailStrategy::GuardWithIf)
          .parallel(no)
          .vectorize(s.h, headLanes, TailStrategy::GuardWithIf);
    }
  }
  // Per-edge values are written node by node: each node owns its CSR range,
  // so the scatters are race-free and run node-parallel in small chunks
  // that threads take dynamically (skewed degrees balance out).
  std::vector<Func *> perEdge = {&s.edgeExp};
  if (!s.additive)
    perEdge.push_back(&s.edgeScore);
  for (Func *f : perEdge) {
    f->compute_root();
    for (int u = 0; u < f->num_update_definitions(); ++u) {
      RVar nodeLoop = (f == &s.edgeScore && u == 1) ? s.dotNode : s.scatterNode;
      f->update(u)
          .allow_race_conditions()
          .split(nodeLoop, so, si, nodeChunk, TailStrategy::GuardWithIf)
          .parallel(so)
          .vectorize(s.h, headLanes, TailStrategy::GuardWithIf);
    }
  }
  for (Func *f : {&s.rowMax, &s.rowSum}) {
    f->compute_root()
        .split(s.n, no, ni, nodeChunk, TailStrategy::GuardWithIf)
        .parallel(no)
        .vectorize(s.h, headLanes, TailStrategy::GuardWithIf);
    f->update()
        .split(s.n, no, ni, nodeChunk, TailStrategy::GuardWithIf)
        .parallel(no)
        .vectorize(s.h, headLanes, TailStrategy::GuardWithIf);
  }

  // Aggregation: node-parallel in chunks; per node, heads x value dims are
  // the vector lanes, kept in registers across the node's edges.
  scheduleNodeAggregate(s.out, s.acc, s.e, s.h, s.n, s.edgeAcc, s.heads,
                        s.valueDim, vw);
}

/// A per-node reduction over the node's own edges: chunks of nodes handed
/// to threads dynamically, heads in the vector lanes.
void scheduleNodeReduction(Func &f, Var n, Var h, int headLanes) {
  Var no("no"), ni("ni");
  f.compute_root()
      .split(n, no, ni, 64, TailStrategy::GuardWithIf)
      .parallel(no)
      .vectorize(h, headLanes, TailStrategy::GuardWithIf);
  for (int u = 0; u < f.num_update_definitions(); ++u)
    f.update(u)
        .split(n, no, ni, 64, TailStrategy::GuardWithIf)
        .parallel(no)
        .vectorize(h, headLanes, TailStrategy::GuardWithIf);
}

/// A per-edge value written node by node into each node's CSR range: the
/// node loop `nodeLoops[u]` of update u runs in parallel chunks.
void scheduleScatter(Func &f, Var h, const std::vector<RVar> &nodeLoops,
                     int headLanes) {
  RVar so("so"), si("si");
  f.compute_root();
  for (int u = 0; u < f.num_update_definitions(); ++u)
    f.update(u)
        .allow_race_conditions()
        .split(nodeLoops[u], so, si, 64, TailStrategy::GuardWithIf)
        .parallel(so)
        .vectorize(h, headLanes, TailStrategy::GuardWithIf);
}

void scheduleGraphGrad(GraphAttentionGradStages &s, const Target &target) {
  const int vw = vectorWidth(target);
  int headLanes = (s.heads > 0 && s.heads < vw) ? int(s.heads) : vw;
  Var no("no"), ni("ni"), eh("eh"), u("u");
  for (Func *f : {&s.left, &s.right, &s.nodeMax, &s.nodeSum, &s.nodeDot,
                  &s.rowDz, &s.colDz})
    scheduleNodeReduction(*f, s.n, s.h, headLanes);
  scheduleScatter(s.edgeP, s.h, {s.scatterNode}, headLanes);
  scheduleScatter(s.edgeDp, s.h, {s.scatterNode, s.dotNode}, headLanes);
  scheduleScatter(s.edgeDz, s.h, {s.scatterNode}, headLanes);

  // dv: a gather over each source's in-edges, node-parallel in chunks, the
  // node's heads x value dims in registers.
  scheduleNodeAggregate(s.dv, s.dvAcc, s.e, s.h, s.n, s.dvPos, s.heads,
                        s.valueDim, vw);

  // d a_dst, d a_src: sums over every node, split into node chunks summed
  // in parallel (rfactor), then the chunks' partial sums added. Per node,
  // its heads x dims are contiguous: one vector sweep.
  for (auto [f, nodes] : {std::pair{&s.dDst, s.dDstNodes},
                          std::pair{&s.dSrc, s.dSrcNodes}}) {
    RVar ro("ro"), ri("ri");
    f->compute_root();
    Func partial = f->update().split(nodes, ro, ri, 1024).rfactor(ro, u);
    partial.compute_root().parallel(u);
    Stage update = partial.update();
    update.reorder(s.d, s.h, ri, u).parallel(u);
    if (s.heads > 0 && s.headDim > 0 && (s.heads * s.headDim) % vw == 0) {
      Var dh("dh");
      partial.fuse(s.d, s.h, dh).vectorize(dh, vw);
      update.fuse(s.d, s.h, dh).vectorize(dh, vw).unroll(dh);
    } else {
      update.vectorize(s.d, vw, TailStrategy::GuardWithIf);
    }
  }
  // dq and dk are products of per-node sums and the attention vectors:
  // inlined into the outputs.
}

/// [Out, In] += dy[row, o] x[row, c] over all rows: 2 vectors of input
/// features x 8 output features in registers while walking the rows. A
/// task owns one block of input features for every output feature. With a
/// static Out, rows are walked in blocks of 256 and every output tile
/// consumes a block before the next is read, so the x and dy slices of a
/// block stay in L1/L2 (the accumulators of all tiles, Out x 2 vectors, live
/// in an L1-sized buffer between blocks).
void scheduleLinearGradWeight(LinearGradWeightStages &s,
                              const Target &target) {
  const int vw = vectorWidth(target);
  const int cb = 2 * vw, ob = 8, rowBlock = 256;
  Var co("co"), ci("ci"), oo("oo"), oi("oi");
  bool blocked = s.outFeatures > 0 && s.rows.size() == 1;
  if (blocked) {
    int outRounded = int((s.outFeatures + ob - 1) / ob * ob);
    s.out.compute_root()
        .split(s.c, co, ci, cb, TailStrategy::RoundUp)
        .reorder(ci, s.o, co)
        .parallel(co)
        .vectorize(ci, vw);
    s.dot.compute_at(s.out, co)
        .bound_extent(s.c, cb)
        .bound_extent(s.o, outRounded)
        .vectorize(s.c, vw)
        .unroll(s.c);
    RVar ro("ro"), ri("ri");
    s.dot.update()
        .split(s.rows[0], ro, ri, rowBlock, TailStrategy::GuardWithIf)
        .split(s.o, oo, oi, ob)
        .reorder(s.c, oi, ri, oo, ro)
        .vectorize(s.c, vw)
        .unroll(s.c)
        .unroll(oi);
    return;
  }
  s.out.compute_root()
      .split(s.c, co, ci, cb, TailStrategy::RoundUp)
      .split(s.o, oo, oi, ob, TailStrategy::RoundUp)
      .reorder(ci, oi, oo, co)
      .parallel(co)
      .vectorize(ci, vw);
  s.dot.compute_at(s.out, oo)
      .bound_extent(s.c, cb)
      .bound_extent(s.o, ob)
      .vectorize(s.c, vw)
      .unroll(s.c)
      .unroll(s.o);
  if (s.rows.empty())
    return;
  std::vector<VarOrRVar> order = {s.c, s.o};
  for (RVar &r : s.rows)
    order.push_back(r);
  s.dot.update()
      .reorder(order)
      .vectorize(s.c, vw)
      .unroll(s.c)
      .unroll(s.o);
}

void scheduleLinear(LinearStages &s, const Target &target) {
  // A GEMM micro-kernel: vectors of output features x 4 rows in registers
  // while walking the input features; 4 vectors (16 accumulators) where
  // there are 32 vector registers (AVX-512), else 2.
  const int vw = vectorWidth(target);
  int ob = (vw >= 16 ? 4 : 2) * vw;
  const int rb = 4;
  // Few output features (a classifier's): a block of whole vectors just
  // covering them, not 4 vectors of mostly padding.
  if (s.outFeatures > 0 && s.outFeatures < ob)
    ob = static_cast<int>((s.outFeatures + vw - 1) / vw * vw);
  Var oo("oo"), oi("oi"), no("no"), ni("ni"), nb("nb"), nr("nr");
  Var c = s.weightT.args()[1];
  s.out.compute_root();
  if (s.rest.empty()) {
    s.weightT.compute_root()
        .vectorize(s.o, vw, TailStrategy::RoundUp)
        .parallel(c);
    s.out.vectorize(s.o, vw, TailStrategy::GuardWithIf);
    s.dot.compute_at(s.out, s.o).vectorize(s.o, vw, TailStrategy::RoundUp);
    return;
  }
  // One parallel loop over tasks of (block of output features, block of up
  // to 512 rows): each task forms its own slice of W^T (ob x In, which
  // stays in L2) and walks its rows 4 at a time. Small batches thus still
  // give every core work (a 128-row layer of 384 features: 6 tasks), and no
  // separate, short parallel pass transposes all of W first.
  Var &n = s.rest.front();
  const int rowBlock = 512;
  // Rows are split into micro-blocks first, so that a partial row block
  // guards whole micro-blocks and every micro-kernel keeps its constant
  // shape (a per-row guard would leave a slow generic tail).
  s.out.split(s.o, oo, oi, ob, TailStrategy::RoundUp)
      .split(n, no, ni, rb, TailStrategy::RoundUp)
      .split(no, nb, nr, rowBlock / rb, TailStrategy::GuardWithIf)
      .reorder(oi, ni, nr, oo, nb)
      .vectorize(oi, vw)
      .unroll(ni);
  Var task("task");
  s.out.fuse(oo, nb, task);
  for (size_t k = 1; k < s.rest.size(); ++k)
    s.out.fuse(task, s.rest[k], task);
  s.out.parallel(task);
  if (s.weightTile.defined() && s.inFeatures >= vw) {
    // W^T in vw x vw tiles: each tile is loaded as vw contiguous vectors of
    // W rows and stored transposed through registers (shuffles), instead
    // of vw-lane gathers with a stride of In. A ragged last tile of input
    // features is shifted inwards (In >= vw), so it stays whole.
    Var co("co"), ci("ci"), wc = s.weightTile.args()[0],
                            wo = s.weightTile.args()[1];
    s.weightT.compute_at(s.out, task)
        .split(s.o, oo, oi, vw, TailStrategy::RoundUp)
        .split(c, co, ci, vw)
        .reorder(oi, ci, oo, co)
        .vectorize(oi)
        .unroll(ci);
    s.weightTile.compute_at(s.weightT, oo)
        .reorder_storage(wo, wc)
        .bound_extent(wc, vw)
        .vectorize(wc)
        .unroll(wo);
  } else {
    s.weightT.compute_at(s.out, task)
        .vectorize(s.o, vw, TailStrategy::RoundUp);
  }
  s.dot.compute_at(s.out, nr)
      .bound_extent(s.o, ob)
      .bound_extent(n, rb)
      .vectorize(s.o, vw)
      .unroll(s.o)
      .unroll(n);
  s.dot.update()
      .reorder(s.o, n, s.rc)
      .vectorize(s.o, vw)
      .unroll(s.o)
      .unroll(n);
}

/// Output features in vector lanes: whole vectors unrolled into registers
/// when Out is static and a multiple of the vector width, else guarded.
void vectorizeFeatures(Stage stage, Var o, int64_t outFeatures, int vw) {
  if (outFeatures > 0 && outFeatures % vw == 0 && outFeatures / vw <= 8) {
    Var oo("oo"), oi("oi");
    stage.split(o, oo, oi, vw).vectorize(oi).unroll(oo);
  } else {
    stage.vectorize(o, vw, TailStrategy::GuardWithIf);
  }
}

/// Sparse x W^T: node-parallel chunks (degrees of sparse rows vary like a
/// graph's); per row, the output features live in registers while the
/// row's stored entries add their weight columns (W^T rows, contiguous).
void scheduleSparseLinear(SparseLinearStages &s, const Target &target) {
  const int vw = vectorWidth(target);
  Var no("no"), ni("ni");
  s.weightT.compute_root()
      .vectorize(s.o, vw, TailStrategy::RoundUp)
      .parallel(s.weightT.args()[1], 64, TailStrategy::GuardWithIf);
  s.out.compute_root()
      .split(s.n, no, ni, 64, TailStrategy::GuardWithIf)
      .parallel(no);
  vectorizeFeatures(s.out, s.o, s.outFeatures, vw);
  s.acc.compute_at(s.out, ni);
  vectorizeFeatures(s.acc, s.o, s.outFeatures, vw);
  s.acc.update().reorder(s.o, s.entries);
  vectorizeFeatures(s.acc.update(), s.o, s.outFeatures, vw);
}

/// dW^T scattered into the stored entries' columns: a task per vector of
/// output features walks every row, so no two tasks write the same element
/// and the result does not depend on the thread count.
void scheduleSparseLinearGradWeight(SparseLinearGradWeightStages &s,
                                    const Target &target) {
  const int vw = vectorWidth(target);
  Var oo("oo"), oi("oi");
  s.dwT.compute_root()
      .vectorize(s.o, vw, TailStrategy::GuardWithIf)
      .parallel(s.c, 64, TailStrategy::GuardWithIf);
  s.dwT.update()
      .split(s.o, oo, oi, vw, TailStrategy::GuardWithIf)
      .reorder(oi, s.entries, s.rows, oo)
      .parallel(oo)
      .vectorize(oi);
  s.out.compute_root()
      .parallel(s.o)
      .vectorize(s.out.args()[0], vw, TailStrategy::GuardWithIf);
}

/// Sums over rows (a bias gradient): the outermost summed dim is split
/// into chunks summed in parallel (rfactor), the kept dims in vector lanes,
/// so each task streams whole rows instead of one strided column.
void scheduleReduction(ReductionStages &s, const Target &target) {
  const int vw = vectorWidth(target);
  RVar ro("ro"), ri("ri");
  Var u("u");
  s.out.compute_root();
  if (s.vars.empty())
    return;
  RVar outer = s.r[s.r.dimensions() - 1];
  Func partial = s.out.update().split(outer, ro, ri, 1024,
                                      TailStrategy::GuardWithIf)
                     .rfactor(ro, u);
  partial.compute_root().parallel(u).vectorize(s.vars[0], vw,
                                               TailStrategy::GuardWithIf);
  partial.update().parallel(u).vectorize(s.vars[0], vw,
                                         TailStrategy::GuardWithIf);
  s.out.vectorize(s.vars[0], vw, TailStrategy::GuardWithIf);
  s.out.update().vectorize(s.vars[0], vw, TailStrategy::GuardWithIf);
}

/// Iterations of the outermost dim per parallel task of a generic stage.
/// A [rows, features] stage has one task per row otherwise: on a graph of
/// 200k nodes that is 200k tasks of 64 elements each, and the thread pool's
/// overhead serialises it. Sequence stages ([b, h, s, d]: outermost the
/// batch) and scalars keep one task per index.
int parallelChunk(size_t rank) {
  if (rank == 1)
    return 1024;
  return rank == 2 ? 16 : 1;
}

void scheduleGeneric(Func f, const Target &target) {
  f.compute_root();
  std::vector<Var> args = f.args();
  int chunk = parallelChunk(args.size());
  f.parallel(args.back(), chunk, TailStrategy::GuardWithIf);
  if (args.size() > 1)
    f.vectorize(args.front(), vectorWidth(target), TailStrategy::GuardWithIf);
  for (int u = 0; u < f.num_update_definitions(); ++u)
    f.update(u).parallel(args.back(), chunk, TailStrategy::GuardWithIf);
}

} // namespace

int cpuQueryTile(const Target &target) { return 2 * vectorWidth(target); }

AlgorithmOptions cpuAlgorithmOptions(const Target &target) {
  AlgorithmOptions options;
  options.rowBlock = vectorWidth(target);
  options.queryTile = cpuQueryTile(target);
  return options;
}

void scheduleCpu(PipelineStages &stages, const Target &target) {
  for (AnyStage &stage : stages.stages)
    std::visit(
        Overloaded{
            [&](DenseAttentionStages &s) { scheduleDense(s, stages, target); },
            [&](OnlineAttentionStages &) {
              throw CompileError("the online form of dense attention is "
                                 "built for GPU schedules only");
            },
            [&](GraphAttentionStages &s) { scheduleGraph(s, target); },
            [&](GraphAttentionGradStages &s) { scheduleGraphGrad(s, target); },
            [&](LinearStages &s) { scheduleLinear(s, target); },
            [&](LinearGradWeightStages &s) {
              scheduleLinearGradWeight(s, target);
            },
            [&](SparseLinearStages &s) { scheduleSparseLinear(s, target); },
            [&](SparseLinearGradWeightStages &s) {
              scheduleSparseLinearGradWeight(s, target);
            },
            [&](ReductionStages &s) { scheduleReduction(s, target); },
            [&](ScalarStage &s) { s.func.compute_root(); },
            // Index remappings: inlined into their consumers.
            [&](InlineStage &) {},
            // Computed once, parallel over the outermost dimension.
            [&](GenericStage &s) { scheduleGeneric(s.func, target); },
        },
        stage);
  for (Func &out : stages.copies) {
    std::vector<Var> args = out.args();
    if (!args.empty())
      out.parallel(args.back(), parallelChunk(args.size()),
                   TailStrategy::GuardWithIf);
  }
}

} // namespace attnc::halide
