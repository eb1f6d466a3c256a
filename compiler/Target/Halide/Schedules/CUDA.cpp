//===- CUDA.cpp - hand-written CUDA schedules -----------------------------===//
//
// Dense attention: one thread block per (query tile of TQ rows, head,
// batch). Inside the block, in order: the tile's queries (scaled,
// transposed) go to shared memory; the tile's logits against the keys it may
// attend are computed KT keys at a time, each K tile staged in shared memory
// and every thread owning one (query, key) dot product; row max, then
// probabilities, then row sum; finally PV with threads over (value dim,
// query row), each walking the keys of its row. The logits and
// probabilities of a tile (TQ x keys of its band) live in a per-block
// global scratch (Halide's MemoryType::Heap inside GPU blocks): that is the
// CPU slab, with the same FLOPs and no online softmax. Bounds inference
// shrinks the slab and every key loop to the causal triangle or the window
// band of the tile, so blocks do no work outside the band.
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

#include <set>

using namespace Halide;

namespace attnc::halide {

namespace {

constexpr int kQueryTile = 16; // query rows per block (TQ)
constexpr int kKeyTile = 32;   // keys per staged K tile (KT)
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

void scheduleDense(DenseAttentionStages &s, Claimed &claimed) {
  const int tq = kQueryTile, kt = kKeyTile, lanes = kLanes;
  Var io("io"), ii("ii"), eo("eo"), ei("ei"), jo("jo"), ji("ji"),
      dO("dO"), dI("dI");

  // One block per (query tile, head, batch); threads over (value dim, row).
  // `out` is an intermediate (the entry's output wraps it), so the last
  // tile may be rounded up: query, mask and bias reads are clamped.
  s.out.compute_root()
      .split(s.i, io, ii, tq, TailStrategy::RoundUp)
      .split(s.e, eo, ei, lanes, TailStrategy::GuardWithIf)
      .reorder(eo, ei, ii, io, s.h, s.b)
      .gpu_blocks(io, s.h, s.b)
      .gpu_threads(ei, ii);

  // The tile's queries, scaled and transposed: shared memory.
  Var qd = s.qScaled.args()[1];
  s.qScaled.compute_at(s.out, io)
      .store_in(MemoryType::GPUShared)
      .split(qd, dO, dI, lanes, TailStrategy::GuardWithIf)
      .reorder(dO, dI, s.i)
      .gpu_threads(dI, s.i);

  // Logits of the tile against its band, KT keys at a time: each K tile is
  // staged in shared memory, then every thread computes one dot product.
  s.logits.compute_at(s.out, io)
      .store_in(MemoryType::Heap)
      .split(s.j, jo, ji, kt, TailStrategy::RoundUp)
      .reorder(ji, s.i, jo)
      .gpu_threads(ji, s.i);
  s.dot.compute_at(s.logits, ji);
  if (Func k = otherCallee(s.dot, {s.qScaled}); k.defined()) {
    Func kTile = k.in(s.dot);
    std::vector<Var> kv = kTile.args();
    Var kdO("kdO"), kdI("kdI"), kjO("kjO"), kjI("kjI");
    // 16 x 16 threads load the tile; fixed-size splits keep the thread
    // extents constant (the tile's clamped key range is not), and the
    // storage bound keeps the shared allocation static.
    kTile.compute_at(s.logits, jo)
        .store_in(MemoryType::GPUShared)
        .bound_storage(kv[1], kt)
        .split(kv[0], kdO, kdI, 16, TailStrategy::GuardWithIf)
        .split(kv[1], kjO, kjI, 16, TailStrategy::GuardWithIf)
        .reorder(kdO, kjO, kdI, kjI)
        .gpu_threads(kdI, kjI);
    if (s.headDim > 0)
      kTile.bound_storage(kv[0], static_cast<int>(s.headDim));
    claim(claimed, kTile);
  }

  // Row statistics: one thread per query row, over the keys of its band.
  for (Func *f : {&s.rowMax, &s.rowSum}) {
    f->compute_at(s.out, io).store_in(MemoryType::GPUShared).gpu_threads(s.i);
    f->update().gpu_threads(s.i);
  }
  s.probs.compute_at(s.out, io)
      .store_in(MemoryType::Heap)
      .split(s.j, jo, ji, kt, TailStrategy::RoundUp)
      .reorder(ji, s.i, jo)
      .gpu_threads(ji, s.i);

  // PV: threads over (value dim, query row), each walking its row's keys
  // (the loop is bounded by that row's band); reads of v along the value
  // dim are coalesced across a warp.
  s.acc.compute_at(s.out, io)
      .store_in(MemoryType::GPUShared)
      .split(s.e, eo, ei, lanes, TailStrategy::GuardWithIf)
      .reorder(eo, ei, s.i)
      .gpu_threads(ei, s.i);
  s.acc.update()
      .split(s.e, eo, ei, lanes, TailStrategy::GuardWithIf)
      .reorder(s.rjAcc, eo, ei, s.i)
      .gpu_threads(ei, s.i);

  for (Func *f : {&s.out, &s.qScaled, &s.logits, &s.dot, &s.rowMax, &s.rowSum,
                  &s.probs, &s.acc})
    claim(claimed, *f);
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
  // Per-edge scatters: race-free (each node writes its own CSR range), so
  // the node loop (an RVar) runs across threads; heads and edges serial.
  std::vector<Func *> perEdge = {&s.edgeExp};
  if (!s.additive)
    perEdge.push_back(&s.edgeScore);
  for (Func *f : perEdge) {
    f->compute_root();
    for (int u = 0; u < f->num_update_definitions(); ++u) {
      RVar nodeLoop =
          (f == &s.edgeScore && u == 1) ? s.dotNode : s.scatterNode;
      RVar rno("rno"), rni("rni");
      f->update(u)
          .allow_race_conditions()
          .split(nodeLoop, rno, rni, kNodeChunk, TailStrategy::GuardWithIf)
          .reorder(s.h, rni, rno)
          .gpu_blocks(rno)
          .gpu_threads(rni);
    }
  }
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

int cudaQueryTile() { return kQueryTile; }

void scheduleCuda(PipelineStages &stages, const Target &) {
  Claimed claimed;
  for (DenseAttentionStages &s : stages.dense)
    scheduleDense(s, claimed);
  for (GraphAttentionStages &s : stages.graph)
    scheduleGraph(s, claimed);
  for (LinearStages &s : stages.linear)
    scheduleLinear(s, claimed);
  // Head split/merge are index remappings: inlined into their consumers.
  for (Func &f : stages.generic) {
    std::string name = f.name();
    if (name.rfind("split_heads", 0) == 0 || name.rfind("merge_heads", 0) == 0)
      continue;
    if (claimed.insert(name).second)
      scheduleGeneric(f);
  }
  for (Func &out : stages.outputs)
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
