// Numerics of attn.graph_attention (Inputs/graph.mlir) against the float64
// reference, on seeded power-law-ish random graphs with isolated nodes,
// self-loops, duplicate edges and one very high-degree node, in i32 and i64
// CSR. One Call per entry is re-bound to every graph.
#include "test/Numerics/NumericsSupport.h"

#include <algorithm>
#include <cmath>

namespace attnc::numerics {
namespace {

// A random CSR graph on N nodes. Degrees follow a Pareto law (a few nodes
// with many neighbours); ~15% of nodes and the last node are isolated; node
// N/2 is a hub with 3N + 50 out-edges to random nodes (so it has many
// duplicates) and is a frequent neighbour of others; a fifth of the other
// edges are self-loops, and the second neighbour of each node repeats its
// first (duplicate edges). `empty` gives E = 0: N isolated nodes.
//
// The hub's neighbours are uniform rather than mostly itself: thousands of
// identical terms p*v make fp32's sequential sum err by ~n*eps (~1e-5 at
// 6000 edges), the limit of fp32 summation rather than a kernel bug.
ref::Csr randomGraph(Rng &rng, int64_t N, bool empty) {
  ref::Csr g;
  g.rows.push_back(0);
  int64_t hub = N / 2;
  for (int64_t i = 0; i < N; ++i) {
    int64_t degree;
    if (empty || (N > 1 && i == N - 1) ||
        (i != hub && rng.uniformReal() < 0.15))
      degree = 0;
    else if (i == hub)
      degree = 3 * N + 50;
    else
      degree = std::min<int64_t>(
          4 * N, static_cast<int64_t>(std::pow(rng.uniformReal() + 1e-9,
                                               -1.0 / 1.5)));
    for (int64_t e = 0; e < degree; ++e) {
      double u = rng.uniformReal();
      int64_t j = e == 1                ? g.cols.back()
                  : i == hub && e > 0 ? rng.uniformInt(0, N - 1)
                  : u < 0.2           ? i
                  : u < 0.45          ? hub
                                      : rng.uniformInt(0, N - 1);
      g.cols.push_back(j);
    }
    g.rows.push_back(static_cast<int64_t>(g.cols.size()));
  }
  return g;
}

template <typename T> Host<T> indexTensor(const std::vector<int64_t> &v) {
  Host<T> h({static_cast<int64_t>(v.size())});
  for (size_t k = 0; k < v.size(); ++k)
    h.data[k] = static_cast<T>(v[k]);
  return h;
}

struct GraphSize {
  int64_t N;
  bool empty = false; // no edges at all
};

const std::vector<GraphSize> kGraphs = {{1}, {7}, {129}, {1000}, {2048}};
// Graphs without a single edge (E = 0); see NumericsGraph.NoEdges.
const std::vector<GraphSize> kEdgeless = {{1, true}, {7, true}};

// Reports the shape of the graph a case ran on, so the trace says what the
// failing input looked like.
std::string describe(const std::string &entry, const GraphSize &z) {
  return entry + " N=" + std::to_string(z.N) + (z.empty ? " (no edges)" : "");
}

int64_t isolatedNodes(const ref::Csr &g) {
  int64_t n = 0;
  for (size_t i = 0; i + 1 < g.rows.size(); ++i)
    n += g.rows[i] == g.rows[i + 1];
  return n;
}

// Dot-product graph attention with index type T; H heads, D, Dv static in
// the entry.
template <typename T>
void checkDot(const std::string &entry, int64_t H, int64_t D, int64_t Dv,
              const std::vector<GraphSize> &graphs = kGraphs) {
  Runner run(kGraphModule, entry);
  ASSERT_TRUE(run.ok());
  int64_t maxDegree = 0;
  for (const GraphSize &z : graphs) {
    std::string what = describe(entry, z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    ref::Csr g = randomGraph(rng, z.N, z.empty);
    F32 q = rng.uniform({z.N, H, D}, 2.0f), k = rng.uniform({z.N, H, D}, 2.0f),
        v = rng.uniform({z.N, H, Dv});
    Host<T> rows = indexTensor<T>(g.rows), cols = indexTensor<T>(g.cols);
    run.in("q", q);
    run.in("k", k);
    run.in("v", v);
    run.in("rows", rows);
    run.in("cols", cols);
    F32 out = run.run("out", {z.N, H, Dv});
    ref::Output expected = ref::graphAttentionDot(
        q.toRef(), k.toRef(), v.toRef(), g, 1.0 / std::sqrt(double(D)));
    EXPECT_TRUE(matches(out, expected));
    if (z.N > 1 && !z.empty) {
      EXPECT_GT(isolatedNodes(g), 0);
    }
    for (size_t i = 0; i + 1 < g.rows.size(); ++i)
      maxDegree = std::max(maxDegree, g.rows[i + 1] - g.rows[i]);
  }
  // The hub spans several of the schedule's 2048-edge chunks.
  if (&graphs == &kGraphs) {
    EXPECT_GT(maxDegree, 4096);
  }
}

TEST(NumericsGraph, DotI32) { checkDot<int32_t>("graph_dot_i32", 4, 16, 16); }
TEST(NumericsGraph, DotI64OddSizes) {
  checkDot<int64_t>("graph_dot_i64", 3, 5, 7);
}

// A graph without edges must give all zeros (the runtime stands in a
// one-element column buffer: kernels clamp indices into [0, E)).
TEST(NumericsGraph, NoEdges) {
  checkDot<int32_t>("graph_dot_i32", 4, 16, 16, kEdgeless);
  checkDot<int64_t>("graph_dot_i64", 3, 5, 7, kEdgeless);
}

// The inputs of the gat_i32 entry: random features and attention vectors
// over graph `g`, with i32 CSR.
struct GatInputs {
  ref::Csr g;
  F32 q, k, v, aSrc, aDst;
  Host<int32_t> rows, cols;
  GatInputs(Rng &rng, ref::Csr graph, int64_t N, int64_t H, int64_t D)
      : g(std::move(graph)), q(rng.uniform({N, H, D})),
        k(rng.uniform({N, H, D})), v(rng.uniform({N, H, D})),
        aSrc(rng.uniform({H, D})), aDst(rng.uniform({H, D})),
        rows(indexTensor<int32_t>(g.rows)), cols(indexTensor<int32_t>(g.cols)) {}
  void bind(Runner &run) const {
    run.in("q", q);
    run.in("k", k);
    run.in("v", v);
    run.in("rows", rows);
    run.in("cols", cols);
    run.in("a_src", aSrc);
    run.in("a_dst", aDst);
  }
};

TEST(NumericsGraph, GatI32) {
  const int64_t H = 4, D = 16;
  Runner run(kGraphModule, "gat_i32");
  ASSERT_TRUE(run.ok());
  for (const GraphSize &z : kGraphs) {
    std::string what = describe("gat_i32", z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    GatInputs in(rng, randomGraph(rng, z.N, z.empty), z.N, H, D);
    in.bind(run);
    F32 out = run.run("out", {z.N, H, D});
    ref::Output expected = ref::graphAttentionAdditive(
        in.q.toRef(), in.k.toRef(), in.v.toRef(), in.g, in.aSrc.toRef(),
        in.aDst.toRef(), 0.2);
    EXPECT_TRUE(matches(out, expected));
  }
}

// The GAT output layer: q = k = v, slope 0.1, heads averaged.
TEST(NumericsGraph, GatMeanHeadsI64) {
  const int64_t H = 3, D = 8;
  Runner run(kGraphModule, "gat_mean_i64");
  ASSERT_TRUE(run.ok());
  for (const GraphSize &z : kGraphs) {
    std::string what = describe("gat_mean_i64", z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    ref::Csr g = randomGraph(rng, z.N, z.empty);
    F32 h = rng.uniform({z.N, H, D}, 2.0f);
    F32 aSrc = rng.uniform({H, D}), aDst = rng.uniform({H, D});
    Host<int64_t> rows = indexTensor<int64_t>(g.rows),
                  cols = indexTensor<int64_t>(g.cols);
    run.in("h", h);
    run.in("rows", rows);
    run.in("cols", cols);
    run.in("a_src", aSrc);
    run.in("a_dst", aDst);
    F32 out = run.run("out", {z.N, D});
    ref::Tensor hr = h.toRef();
    ref::Tensor expected = ref::meanHeads(
        ref::graphAttentionAdditive(hr, hr, hr, g, aSrc.toRef(),
                                    aDst.toRef(), 0.1)
            .value);
    // An isolated node is 0 in every head, so exactly 0 on average.
    std::vector<bool> empty;
    for (int64_t n = 0; n < z.N; ++n)
      for (int64_t d = 0; d < D; ++d)
        empty.push_back(g.rows[n] == g.rows[n + 1]);
    EXPECT_TRUE(matches(out, expected, empty));
  }
}

// Kernel scratch memory comes from the runtime's cache (memory_pool.h): a
// call executed again reuses the freed blocks instead of growing the cache,
// the results do not change, and releasing the cache empties it.
TEST(NumericsGraph, ScratchMemoryIsCachedAndReused) {
  const int64_t H = 4, D = 16, N = 20000;
  Runner run(kGraphModule, "gat_i32");
  ASSERT_TRUE(run.ok());
  Rng rng(seedFor("scratch"));
  GatInputs in(rng, randomGraph(rng, N, false), N, H, D);
  in.bind(run);
  attnc_memory_release_cached();
  F32 first = run.run("out", {N, H, D});
  size_t cached = attnc_memory_cached_bytes();
  // Per-edge exponentials alone are E * H floats.
  EXPECT_GE(cached, in.g.cols.size() * H * sizeof(float));
  F32 second = run.run("out", {N, H, D});
  EXPECT_EQ(attnc_memory_cached_bytes(), cached);
  EXPECT_EQ(first.data, second.data);
  attnc_memory_release_cached();
  EXPECT_EQ(attnc_memory_cached_bytes(), 0u);
  F32 third = run.run("out", {N, H, D});
  EXPECT_EQ(first.data, third.data);
}

} // namespace
} // namespace attnc::numerics
