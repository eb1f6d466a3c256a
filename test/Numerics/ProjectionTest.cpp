// Numerics of attention wrapped in projections, head split/merge and the
// head mean (Inputs/projections.mlir) against the float64 reference, which
// composes its own linear, split, attention and merge.
#include "test/Numerics/NumericsSupport.h"

#include <cmath>

namespace attnc::numerics {
namespace {

struct SeqSize {
  int64_t B, Sq, Sk;
};

std::string describe(const std::string &entry, const SeqSize &z) {
  return entry + " B=" + std::to_string(z.B) + " Sq=" + std::to_string(z.Sq) +
         " Sk=" + std::to_string(z.Sk);
}

TEST(NumericsProjection, MultiHeadCausalBlock) {
  const int64_t E = 32, H = 4;
  Runner run(kProjectionsModule, "mha_causal");
  ASSERT_TRUE(run.ok());
  for (SeqSize z : std::vector<SeqSize>{{1, 1, 1}, {2, 7, 7}, {2, 129, 129},
                                        {1, 1000, 1000}}) {
    std::string what = describe("mha_causal", z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 x = rng.uniform({z.B, z.Sq, E});
    std::vector<F32> w, b;
    for (int p = 0; p < 4; ++p) {
      w.push_back(rng.uniform({E, E}, 0.5f));
      b.push_back(rng.uniform({E}, 0.5f));
    }
    const char *names[4] = {"q", "k", "v", "o"};
    run.in("x", x);
    for (int p = 0; p < 4; ++p) {
      run.in(std::string("w") + names[p], w[p]);
      run.in(std::string("b") + names[p], b[p]);
    }
    F32 out = run.run("out", {z.B, z.Sq, E});

    ref::Tensor xr = x.toRef();
    std::vector<ref::Tensor> wr, br;
    for (int p = 0; p < 4; ++p) {
      wr.push_back(w[p].toRef());
      br.push_back(b[p].toRef());
    }
    auto heads = [&](int p) {
      return ref::splitHeads(ref::linear(xr, wr[p], &br[p]), H);
    };
    ref::Masks causal;
    causal.causal = true;
    ref::Tensor a = ref::attention(heads(0), heads(1), heads(2),
                                   1.0 / std::sqrt(double(E / H)), causal)
                        .value;
    ref::Tensor expected = ref::linear(ref::mergeHeads(a), wr[3], &br[3]);
    EXPECT_TRUE(matches(out, expected));
  }
}

// Queries from x, keys and values from a memory of another length, with
// grouped-query heads and key padding; batch 0 has no keys at all.
TEST(NumericsProjection, CrossGroupedQueryWithLengths) {
  const int64_t Ex = 48, Em = 24, Hq = 4, Hkv = 2, D = 16;
  Runner run(kProjectionsModule, "cross_gqa");
  ASSERT_TRUE(run.ok());
  int64_t emptyElements = 0;
  for (SeqSize z : std::vector<SeqSize>{{1, 1, 1}, {2, 7, 129}, {3, 129, 7},
                                        {2, 1000, 1000}}) {
    std::string what = describe("cross_gqa", z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 x = rng.uniform({z.B, z.Sq, Ex}), mem = rng.uniform({z.B, z.Sk, Em});
    F32 wq = rng.uniform({Hq * D, Ex}, 0.5f),
        wk = rng.uniform({Hkv * D, Em}, 0.5f),
        wv = rng.uniform({Hkv * D, Em}, 0.5f);
    std::vector<int64_t> lengths(z.B);
    Host<int32_t> len({z.B});
    for (int64_t b = 0; b < z.B; ++b) {
      lengths[b] = z.B > 1 && b == 0 ? 0 : rng.uniformInt(1, z.Sk);
      len.data[b] = static_cast<int32_t>(lengths[b]);
    }
    run.in("x", x);
    run.in("mem", mem);
    run.in("len", len);
    run.in("wq", wq);
    run.in("wk", wk);
    run.in("wv", wv);
    F32 out = run.run("out", {z.B, z.Sq, Hq * D});

    ref::Tensor q = ref::splitHeads(ref::linear(x.toRef(), wq.toRef(), nullptr), Hq);
    ref::Tensor k = ref::splitHeads(ref::linear(mem.toRef(), wk.toRef(), nullptr), Hkv);
    ref::Tensor v = ref::splitHeads(ref::linear(mem.toRef(), wv.toRef(), nullptr), Hkv);
    ref::Masks masks;
    masks.keyLengths = &lengths;
    ref::Tensor expected =
        ref::mergeHeads(ref::attention(q, k, v, 0.25, masks).value);
    // A batch without keys is exactly 0 in every head, hence after merging.
    std::vector<bool> empty(static_cast<size_t>(expected.numel()));
    for (size_t e = 0; e < empty.size(); ++e)
      empty[e] = lengths[e / static_cast<size_t>(z.Sq * Hq * D)] == 0;
    EXPECT_TRUE(matches(out, expected, empty));
    emptyElements += countTrue(empty);
  }
  EXPECT_GT(emptyElements, 0);
}

TEST(NumericsProjection, MeanOverHeads) {
  const int64_t D = 16;
  Runner run(kProjectionsModule, "mean_heads");
  ASSERT_TRUE(run.ok());
  struct Size { int64_t B, Hq, Hkv, Sq, Sk; };
  for (Size z : std::vector<Size>{{1, 1, 1, 1, 1}, {2, 4, 2, 7, 129},
                                  {1, 3, 3, 1000, 1000}}) {
    std::string what = "mean_heads B=" + std::to_string(z.B) +
                       " Hq=" + std::to_string(z.Hq) +
                       " Hkv=" + std::to_string(z.Hkv) +
                       " Sq=" + std::to_string(z.Sq) +
                       " Sk=" + std::to_string(z.Sk);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 q = rng.uniform({z.B, z.Hq, z.Sq, D}, 2.0f),
        k = rng.uniform({z.B, z.Hkv, z.Sk, D}, 2.0f),
        v = rng.uniform({z.B, z.Hkv, z.Sk, D});
    run.in("q", q);
    run.in("k", k);
    run.in("v", v);
    F32 out = run.run("out", {z.B, z.Sq, D});
    ref::Tensor expected = ref::meanHeads(
        ref::attention(q.toRef(), k.toRef(), v.toRef(), 0.25, {}).value);
    EXPECT_TRUE(matches(out, expected));
  }
}

} // namespace
} // namespace attnc::numerics
