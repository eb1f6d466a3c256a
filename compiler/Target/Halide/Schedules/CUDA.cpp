//===- CUDA.cpp - hand-written GPU schedules ------------------------------===//
//
// Written for CUDA; Halide maps the same blocks, threads and shared memory
// onto OpenCL, which is how they are executed on machines without a GPU.
//
// Dense attention: an online softmax (OnlineAttentionStages), one thread
// block per (query tile, head, batch) walking the key tiles of its band;
// the key-tile loop is trimmed to the causal triangle, the window band and
// the batch's key length, so blocks do no work outside them, and shared
// memory holds a few tiles whatever the sequence lengths.
//
// Graph attention: every stage walks CSR rows, one thread per node (all
// heads), in blocks of NB nodes; per-edge values are scattered into each
// node's own CSR range (race-free). The aggregation puts heads x value dims
// on the threads of a warp (coalesced gathers of v rows) and a few nodes per
// block, so a hub node costs its warp deg x (value dims / lanes) steps and
// other warps proceed independently.
//
// Linear: a tiled GEMM, one block per 32 output features x 8 rows, one
// output per thread; the transposed weight is computed once so that threads
// along the output features read it coalesced.
//
// Everything else that is computed (generic stages, outputs, reductions no
// hand schedule claims) gets a plain gpu_tile over its pure dimensions.
// Zero-dimensional values, and update stages with no pure dimension to
// parallelise (scatters nobody proved race-free), stay on the host: Halide
// copies buffers between host and device around them.
//
//===----------------------------------------------------------------------===//
#include "compiler/Target/Halide/Schedules/CUDA.h"

#include <iterator>
#include <set>
#include <utility>

using namespace Halide;

namespace attnc::halide {

namespace {

constexpr int kLanes = 32;     // threads along value / head dims
constexpr int kNodeChunk = 64; // nodes per block in graph node loops

/// The Funcs the hand schedules placed; the sweep leaves them alone.
using Claimed = std::set<std::string>;

void claim(Claimed &claimed, const Func &f) {
  if (f.defined())
    claimed.insert(f.name());
}

/// The one Func `consumer` calls besides `known` (and itself): the K or V
/// operand of a dense stage, whatever produced it (input, split_heads, ...).
Func otherCallee(const Func &consumer, const std::vector<Func> &known) {
  std::map<std::string, Internal::Function> calls =
      Internal::find_direct_calls(consumer.function());
  for (const auto &[name, function] : calls) {
    bool isKnown = name == consumer.name();
    for (const Func &k : known)
      isKnown |= k.defined() && name == k.name();
    if (!isKnown)
      return Func(function);
  }
  return Func();
}

/// The online form (OnlineAttentionStages): one block per (query tile,
/// head, batch); the running state (m, l, acc) of the tile's rows
/// lives in shared memory, and a serial loop over the key tiles of the band
/// computes, per tile: the K (and V) tile staged in shared memory, the TQ x
/// KT logits (a thread per pair, the dot in a register), the row maxima
/// (a thread per row), the probabilities (a thread per pair), then the state
/// update with a thread per (value dim, row) holding the tile's sum and
/// weighted sum in registers. Shared memory per block is a few tiles, never
/// a function of the sequence lengths.
void scheduleOnline(OnlineAttentionStages &s, Claimed &claimed) {
  const int tq = s.queryTile, kt = s.keyTile;
  const int lanes = s.valueDim > 0 && s.valueDim < kLanes
                        ? static_cast<int>(s.valueDim)
                        : kLanes;
  Var io("io"), ir("ir"), eo("eo"), ei("ei"), dO("dO"), dI("dI");

  s.out.compute_root()
      .split(s.i, io, ir, tq, TailStrategy::RoundUp)
      .split(s.e, eo, ei, lanes, TailStrategy::GuardWithIf)
      .reorder(eo, ei, ir, io, s.h, s.b)
      .gpu_blocks(io, s.h, s.b)
      .gpu_threads(ei, ir);

  // Every shared allocation has storage bounds, so its size is a
  // compile-time constant: Halide cannot prove the tiles' regions constant
  // through the clamps, and it sizes hoisted shared allocations on the host
  // by evaluating their regions at every (block, key tile) with the band
  // predicates ignored, which outside the band multiplies negative extents
  // into large ones. Per block and key tile: KT keys, TQ queries, and one
  // key tile, query tile, head and batch.
  auto oneTile = [&](Func &f) -> Func & {
    for (const Var &v : f.args())
      f.bound_storage(v, v.same_as(s.jj) ? kt : v.same_as(s.ii) ? tq : 1);
    return f;
  };
  s.state.compute_at(s.out, io)
      .store_in(MemoryType::GPUShared)
      .bound_storage(s.ii, tq)
      .split(s.e, eo, ei, lanes, TailStrategy::GuardWithIf)
      .reorder(eo, ei, s.ii, s.it, s.h, s.b)
      .gpu_threads(ei, s.ii);
  s.state.update()
      .split(s.e, eo, ei, lanes, TailStrategy::GuardWithIf)
      .reorder(eo, ei, s.ii, s.rt, s.it, s.h, s.b)
      .gpu_threads(ei, s.ii);
  LoopLevel perTile(s.state, s.rt), perThread(s.state, eo);

  // The query tile is staged again for every key tile: Halide 14 packs
  // shared allocations by their first and last use in program order, not
  // by loop, so a tile staged once before the loop would share memory with
  // allocations made inside it, and be overwritten by the second tile.
  Var qd = s.qScaled.args()[1];
  s.qScaled.compute_at(perTile)
      .store_in(MemoryType::GPUShared)
      .bound_storage(s.i, tq)
      .split(qd, dO, dI, lanes, TailStrategy::GuardWithIf)
      .reorder(dO, dI, s.i)
      .gpu_threads(dI, s.i);
  oneTile(s.logits)
      .compute_at(perTile)
      .store_in(MemoryType::GPUShared)
      .gpu_threads(s.jj, s.ii);
  s.dot.compute_at(s.logits, s.jj);
  // 16 x 16 threads stage a tile of keys or values; fixed-size splits keep
  // the thread extents constant (a tile's clamped key range is not), and
  // storage bounds keep the shared allocations static.
  auto stage = [&](const Func &consumer, const std::vector<Func> &known,
                   int64_t width) {
    Func operand = otherCallee(consumer, known);
    if (!operand.defined())
      return;
    Func tile = operand.in(consumer);
    std::vector<Var> v = tile.args();
    Var xo("xo"), xi("xi"), yo("yo"), yi("yi");
    tile.compute_at(perTile)
        .store_in(MemoryType::GPUShared)
        .bound_storage(v[1], kt)
        .split(v[0], xo, xi, 16, TailStrategy::GuardWithIf)
        .split(v[1], yo, yi, 16, TailStrategy::GuardWithIf)
        .reorder(xo, yo, xi, yi)
        .gpu_threads(xi, yi);
    if (width > 0)
      tile.bound_storage(v[0], static_cast<int>(width));
    claim(claimed, tile);
  };
  stage(s.dot, {s.qScaled}, s.headDim);
  oneTile(s.tileMax)
      .compute_at(perTile)
      .store_in(MemoryType::GPUShared)
      .gpu_threads(s.ii);
  s.tileMax.update().gpu_threads(s.ii);
  oneTile(s.probs)
      .compute_at(perTile)
      .store_in(MemoryType::GPUShared)
      .gpu_threads(s.jj, s.ii);
  // The tile's sum and weighted sum: registers of the thread that updates
  // the state element they scale into.
  s.tileSum.compute_at(perThread).store_in(MemoryType::Register);
  s.tileAcc.compute_at(perThread).store_in(MemoryType::Register);
  for (Func *f : {&s.tileSum, &s.tileAcc})
    for (const Var &v : f->args())
      f->bound_extent(v, 1);
  if (s.stageValues)
    stage(s.tileAcc, {s.probs}, s.valueDim);

  if (s.headDim > 0)
    s.qScaled.bound_storage(s.qScaled.args()[1], static_cast<int>(s.headDim));
  if (s.valueDim > 0)
    s.state.bound_storage(s.e, static_cast<int>(s.valueDim));

  for (Func *f : {&s.out, &s.qScaled, &s.state, &s.logits, &s.dot, &s.tileMax,
                  &s.probs, &s.tileSum, &s.tileAcc})
    claim(claimed, *f);
}

/// The edge-parallel graph stages: a thread per edge finds its destination
/// (binary search over the row offsets); per-edge values get a thread per
/// (head, edge), adjacent threads writing adjacent slots. Hubs cost what
/// any edge costs.
void scheduleEdgeParallel(Func &edgeDst, const RVar &searchStep, const Var &h,
                          const Var &x, const std::vector<Func *> &perEdge,
                          Claimed &claimed) {
  Var xo("xo"), xi("xi"), hx("hx"), o("o"), i("i");
  edgeDst.compute_root()
      .split(x, xo, xi, 256, TailStrategy::GuardWithIf)
      .gpu_blocks(xo)
      .gpu_threads(xi);
  edgeDst.update()
      .reorder(searchStep, x)
      .split(x, xo, xi, 256, TailStrategy::GuardWithIf)
      .gpu_blocks(xo)
      .gpu_threads(xi);
  claim(claimed, edgeDst);
  for (Func *f : perEdge) {
    f->compute_root();
    for (int u = -1; u < f->num_update_definitions(); ++u) {
      Stage stage = u < 0 ? Stage(*f) : f->update(u);
      stage.fuse(h, x, hx)
          .split(hx, o, i, 256, TailStrategy::GuardWithIf)
          .gpu_blocks(o)
          .gpu_threads(i);
    }
    claim(claimed, *f);
  }
}

/// The backward of GAT in its edge-parallel form: per-edge values as in
/// the forward; the attention vectors' gradients, sums over every node,
/// split into chunks of nodes summed by a block each (rfactor), then the
/// chunks; every other stage is left to the generic sweep.
void scheduleGraphGrad(GraphAttentionGradStages &s, Claimed &claimed) {
  scheduleEdgeParallel(s.edgeDst, s.searchStep, s.h, s.x,
                       {&s.edgeP, &s.edgeDp, &s.edgeDz}, claimed);
  for (auto [f, nodes] : {std::pair{&s.dDst, s.dDstNodes},
                          std::pair{&s.dSrc, s.dSrcNodes}}) {
    RVar chunk("chunk"), inChunk("in_chunk");
    Var c("c"), co("co"), ci("ci"), dh("dh");
    Func partial = f->update()
                       .split(nodes, chunk, inChunk, kNodeChunk * 4,
                              TailStrategy::GuardWithIf)
                       .rfactor(chunk, c);
    std::vector<Var> args = partial.args(); // (d, h, c)
    partial.compute_root()
        .fuse(args[0], args[1], dh)
        .gpu_blocks(args[2])
        .gpu_threads(dh);
    partial.update()
        .fuse(args[0], args[1], dh)
        .reorder(inChunk, dh, args[2])
        .gpu_blocks(args[2])
        .gpu_threads(dh);
    f->compute_root();
    std::vector<Var> out = f->args();
    f->fuse(out[0], out[1], dh).gpu_tile(dh, co, ci, 64,
                                         TailStrategy::GuardWithIf);
    f->update().fuse(out[0], out[1], dh).gpu_tile(dh, co, ci, 64,
                                                  TailStrategy::GuardWithIf);
    claim(claimed, partial);
    claim(claimed, *f);
  }
}

/// A node-indexed (h, n) stage: blocks of kNodeChunk nodes, one thread per
/// node, heads serial inside the thread.
void nodeParallel(Stage stage, VarOrRVar n) {
  Var no("no"), ni("ni");
  RVar rno("rno"), rni("rni");
  if (n.is_rvar)
    stage.split(n.rvar, rno, rni, kNodeChunk, TailStrategy::GuardWithIf)
        .gpu_blocks(rno)
        .gpu_threads(rni);
  else
    stage.split(n.var, no, ni, kNodeChunk, TailStrategy::GuardWithIf)
        .gpu_blocks(no)
        .gpu_threads(ni);
}

void scheduleGraph(GraphAttentionStages &s, Claimed &claimed) {
  if (s.additive) {
    for (Func *f : {&s.left, &s.right}) {
      f->compute_root();
      nodeParallel(*f, s.n);
      nodeParallel(f->update(), s.n);
    }
  }
  scheduleEdgeParallel(s.edgeDst, s.searchStep, s.h, s.x,
                       {&s.edgeScore, &s.edgeExp}, claimed);
  for (Func *f : {&s.rowMax, &s.rowSum}) {
    f->compute_root();
    nodeParallel(*f, s.n);
    nodeParallel(f->update(), s.n);
  }

  // Aggregation: heads x value dims across the lanes, a few nodes per
  // block; each thread keeps its (e, h) sum in a register over the node's
  // edges.
  Var eh("eh"), eho("eho"), ehi("ehi"), no("no"), ni("ni"), eo("eo"),
      ei("ei");
  s.out.compute_root();
  if (s.heads > 0 && s.valueDim > 0) {
    int width = static_cast<int>(s.heads * s.valueDim);
    int lanes = width <= 128 ? width : 64;
    int nodes = std::max(1, 128 / lanes);
    s.out.fuse(s.e, s.h, eh)
        .split(eh, eho, ehi, lanes, TailStrategy::GuardWithIf)
        .split(s.n, no, ni, nodes, TailStrategy::GuardWithIf)
        .reorder(eho, ehi, ni, no)
        .gpu_blocks(no)
        .gpu_threads(ehi, ni);
    s.acc.compute_at(s.out, eho);
  } else {
    s.out.reorder(s.h, s.e, s.n)
        .split(s.e, eo, ei, kLanes, TailStrategy::GuardWithIf)
        .split(s.n, no, ni, 4, TailStrategy::GuardWithIf)
        .reorder(s.h, eo, ei, ni, no)
        .gpu_blocks(no)
        .gpu_threads(ei, ni);
    s.acc.compute_at(s.out, s.h);
  }
  for (Func *f : {&s.left, &s.right, &s.edgeScore, &s.rowMax, &s.rowSum,
                  &s.edgeExp, &s.acc, &s.out})
    claim(claimed, *f);
}

void scheduleLinear(LinearStages &s, Claimed &claimed) {
  Var co("co"), ci("ci"), oo("oo"), oi("oi"), no("no"), ni("ni"), t("t");
  Var c = s.weightT.args()[1];
  s.weightT.compute_root().gpu_tile(s.o, c, co, oo, ci, oi, 32, 8,
                                    TailStrategy::GuardWithIf);
  s.out.compute_root();
  if (s.rest.empty()) {
    s.out.gpu_tile(s.o, oo, oi, 64, TailStrategy::GuardWithIf);
    s.dot.compute_at(s.out, oi);
  } else {
    // Tiles may be rounded up: rows and output features are clamped in
    // the algorithm, and `out` is an intermediate.
    Var &n = s.rest.front();
    s.out.split(s.o, oo, oi, 32, TailStrategy::RoundUp)
        .split(n, no, ni, 8, TailStrategy::RoundUp)
        .reorder(oi, ni, oo, no);
    if (s.rest.size() > 1) {
      Var outer = s.rest[1];
      for (size_t k = 2; k < s.rest.size(); ++k) {
        Var fused("t" + std::to_string(k));
        s.out.fuse(outer, s.rest[k], fused);
        outer = fused;
      }
      s.out.gpu_blocks(oo, no, outer);
    } else {
      s.out.gpu_blocks(oo, no);
    }
    s.out.gpu_threads(oi, ni);
    s.dot.compute_at(s.out, oi);
  }
  for (Func *f : {&s.weightT, &s.dot, &s.out})
    claim(claimed, *f);
}

/// The pure variables of update `u` of `f`: the left-hand side arguments
/// that are the pure Var of their position.
std::vector<VarOrRVar> pureVarsOfUpdate(Func &f, int u) {
  std::vector<VarOrRVar> out;
  std::vector<Var> pure = f.args();
  std::vector<Expr> lhs = f.update_args(u);
  for (size_t k = 0; k < lhs.size() && k < pure.size(); ++k)
    if (const auto *v = lhs[k].as<Internal::Variable>();
        v && v->name == pure[k].name())
      out.emplace_back(pure[k]);
  return out;
}

/// gpu_tile over the given dimensions (innermost first): 32 x 8 threads on
/// the first two, blocks over the rest (fused into one block dimension).
void tileStage(Stage stage, const std::vector<VarOrRVar> &dims,
               const std::string &prefix) {
  Var xo(prefix + "xo"), xi(prefix + "xi"), yo(prefix + "yo"),
      yi(prefix + "yi");
  if (dims.size() == 1) {
    stage.split(dims[0].var, xo, xi, 256, TailStrategy::GuardWithIf)
        .gpu_blocks(xo)
        .gpu_threads(xi);
    return;
  }
  stage.gpu_tile(dims[0].var, dims[1].var, xo, yo, xi, yi, 32, 8,
                 TailStrategy::GuardWithIf);
  if (dims.size() > 2) {
    Var outer = dims[2].var;
    for (size_t k = 3; k < dims.size(); ++k) {
      Var fused(prefix + "z" + std::to_string(k));
      stage.fuse(outer, dims[k].var, fused);
      outer = fused;
    }
    stage.gpu_blocks(outer);
  }
}

/// Computes `f` once, at root, on the GPU where it has dimensions to spread.
void scheduleGeneric(Func f) {
  f.compute_root();
  std::vector<Var> args = f.args();
  if (args.empty())
    return; // a scalar: on the host
  tileStage(f, std::vector<VarOrRVar>(args.begin(), args.end()), "g");
  for (int u = 0; u < f.num_update_definitions(); ++u) {
    std::vector<VarOrRVar> dims = pureVarsOfUpdate(f, u);
    if (!dims.empty())
      tileStage(f.update(u), dims, "u" + std::to_string(u));
    // else: serial on the host (e.g. a scatter over an RDom).
  }
}

} // namespace

AlgorithmOptions cudaAlgorithmOptions() {
  AlgorithmOptions options;
  options.onlineTiles = cudaOnlineTiles;
  options.edgeParallelGraph = true;
  return options;
}

OnlineTiles cudaOnlineTiles(int64_t headDim, int64_t valueDim) {
  // Shared memory per block: the scaled queries, the K (and V) tile, the
  // logits and probabilities, row maxima and the state (m, l, acc per
  // value dim). Dynamic dims are budgeted as 128. The first candidate under
  // 46 KiB wins, below the 48 KiB a kernel gets without opting in.
  const int64_t d = headDim > 0 ? headDim : 128,
                e = valueDim > 0 ? valueDim : 128;
  const OnlineTiles candidates[] = {
      {16, 32, true}, {16, 32, false}, {16, 16, false},
      {8, 16, false}, {8, 8, false},   {4, 8, false}};
  for (const OnlineTiles &c : candidates) {
    int64_t floats = c.queryTile * d + c.keyTile * d +
                     (c.stageValues ? c.keyTile * e : 0) +
                     2 * c.queryTile * c.keyTile + c.queryTile +
                     3 * c.queryTile * e;
    if (floats * 4 <= 46 * 1024)
      return c;
  }
  return candidates[std::size(candidates) - 1];
}

void scheduleCuda(PipelineStages &stages, const Target &) {
  Claimed claimed;
  // Hand schedules first, so that the generic ones below leave their Funcs
  // alone.
  std::vector<Func> generic;
  for (AnyStage &stage : stages.stages)
    std::visit(
        Overloaded{
            [&](DenseAttentionStages &) {
              throw CompileError("the slab form of dense attention is built "
                                 "for CPU schedules only");
            },
            [&](OnlineAttentionStages &s) { scheduleOnline(s, claimed); },
            [&](GraphAttentionStages &s) { scheduleGraph(s, claimed); },
            [&](GraphAttentionGradStages &s) { scheduleGraphGrad(s, claimed); },
            [&](LinearStages &s) { scheduleLinear(s, claimed); },
            // Reductions over rows or stored entries: their update stages
            // are placed by the sweep below, their pure results inlined.
            [&](LinearGradWeightStages &) {},
            [&](SparseLinearStages &) {},
            [&](SparseLinearGradWeightStages &) {},
            [&](ReductionStages &) {},
            // Zero-dimensional: inlined, or computed on the host by the
            // sweep when they reduce.
            [&](ScalarStage &) {},
            // Index remappings: inlined into their consumers.
            [&](InlineStage &) {},
            [&](GenericStage &s) { generic.push_back(s.func); },
        },
        stage);
  for (Func &f : generic)
    if (claimed.insert(f.name()).second)
      scheduleGeneric(f);
  for (Func &out : stages.copies)
    if (claimed.insert(out.name()).second)
      scheduleGeneric(out);
  // The sweep: any other reduction (a stage kind this file does not know
  // yet, an inline sum()) would otherwise be computed at the innermost loop
  // of each consumer; it is computed once, at root, on the GPU instead.
  std::map<std::string, Internal::Function> all;
  for (Func &out : stages.outputs) {
    std::map<std::string, Internal::Function> calls =
        Internal::find_transitive_calls(out.function());
    all.insert(calls.begin(), calls.end());
  }
  for (auto &[name, function] : all) {
    if (claimed.count(name) || !function.has_update_definition())
      continue;
    claimed.insert(name);
    scheduleGeneric(Func(function));
  }
}

} // namespace attnc::halide
