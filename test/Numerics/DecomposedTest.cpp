// Numerics of the decomposed ops attn.score, attn.softmax and
// attn.weighted_sum (Inputs/decomposed.mlir), each alone and chained, against
// the float64 reference. The softmax checks that every masked probability,
// not only every empty row, is exactly 0.
#include "test/Numerics/NumericsSupport.h"

#include <cmath>

namespace attnc::numerics {
namespace {

struct Size {
  int64_t B, Hq, Hkv, Sq, Sk, D;
};

std::string describe(const std::string &entry, const Size &z) {
  return entry + " B=" + std::to_string(z.B) + " Hq=" + std::to_string(z.Hq) +
         " Hkv=" + std::to_string(z.Hkv) + " Sq=" + std::to_string(z.Sq) +
         " Sk=" + std::to_string(z.Sk) + " D=" + std::to_string(z.D);
}

const std::vector<Size> kSizes = {{1, 1, 1, 1, 1, 1},
                                  {2, 4, 2, 7, 129, 13},
                                  {3, 2, 2, 129, 7, 32},
                                  {1, 2, 1, 1000, 1000, 32}};

TEST(NumericsDecomposed, Score) {
  Runner run(kDecomposedModule, "score");
  ASSERT_TRUE(run.ok());
  for (const Size &z : kSizes) {
    std::string what = describe("score", z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 q = rng.uniform({z.B, z.Hq, z.Sq, z.D}),
        k = rng.uniform({z.B, z.Hkv, z.Sk, z.D});
    run.in("q", q);
    run.in("k", k);
    F32 out = run.run("out", {z.B, z.Hq, z.Sq, z.Sk});
    EXPECT_TRUE(matches(out, ref::score(q.toRef(), k.toRef(), 0.3)));
  }
}

TEST(NumericsDecomposed, SoftmaxCausalLengthsMask) {
  Runner run(kDecomposedModule, "softmax_masked");
  ASSERT_TRUE(run.ok());
  for (const Size &z : kSizes) {
    std::string what = describe("softmax_masked", z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 s = rng.uniform({z.B, z.Hq, z.Sq, z.Sk}, 4.0f);
    Bool mask = rng.bernoulli({z.Sq, z.Sk}, 0.7);
    for (int64_t j = 0; j < z.Sk; ++j) // query Sq/2 attends nothing
      mask.data[(z.Sq / 2) * z.Sk + j] = 0;
    std::vector<int64_t> lengths(z.B);
    Host<int64_t> len({z.B});
    for (int64_t b = 0; b < z.B; ++b)
      len.data[b] = lengths[b] =
          z.B > 1 && b == 0 ? 0 : rng.uniformInt(1, z.Sk);
    run.in("s", s);
    run.in("mask", mask);
    run.in("len", len);
    F32 out = run.run("out", {z.B, z.Hq, z.Sq, z.Sk});
    ref::Tensor maskRef = mask.toRef();
    ref::Masks masks;
    masks.causal = true;
    masks.mask = &maskRef;
    masks.keyLengths = &lengths;
    EXPECT_TRUE(matches(out, ref::softmax(s.toRef(), masks)));
  }
}

TEST(NumericsDecomposed, SoftmaxWindowBias) {
  Runner run(kDecomposedModule, "softmax_window_bias");
  ASSERT_TRUE(run.ok());
  for (const Size &z : kSizes) {
    std::string what = describe("softmax_window_bias", z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 s = rng.uniform({z.B, z.Hq, z.Sq, z.Sk}, 4.0f);
    F32 bias = rng.uniform({z.Hq, z.Sq, z.Sk}, 2.0f);
    run.in("s", s);
    run.in("bias", bias);
    F32 out = run.run("out", {z.B, z.Hq, z.Sq, z.Sk});
    ref::Tensor biasRef = bias.toRef();
    ref::Masks masks;
    masks.windowLeft = 2;
    masks.windowRight = 5;
    masks.bias = &biasRef;
    EXPECT_TRUE(matches(out, ref::softmax(s.toRef(), masks)));
  }
}

TEST(NumericsDecomposed, WeightedSum) {
  Runner run(kDecomposedModule, "weighted_sum");
  ASSERT_TRUE(run.ok());
  for (const Size &z : kSizes) {
    std::string what = describe("weighted_sum", z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 p = rng.uniform({z.B, z.Hq, z.Sq, z.Sk}),
        v = rng.uniform({z.B, z.Hkv, z.Sk, z.D});
    run.in("p", p);
    run.in("v", v);
    F32 out = run.run("out", {z.B, z.Hq, z.Sq, z.D});
    EXPECT_TRUE(matches(out, ref::weightedSum(p.toRef(), v.toRef())));
  }
}

// score -> softmax (causal, lengths) -> weighted_sum equals fused attention.
TEST(NumericsDecomposed, ChainEqualsAttention) {
  const int64_t D = 32;
  Runner run(kDecomposedModule, "chain");
  ASSERT_TRUE(run.ok());
  int64_t emptyElements = 0;
  for (const Size &z : kSizes) {
    std::string what = describe("chain", z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 q = rng.uniform({z.B, z.Hq, z.Sq, D}, 2.0f),
        k = rng.uniform({z.B, z.Hkv, z.Sk, D}, 2.0f),
        v = rng.uniform({z.B, z.Hkv, z.Sk, D});
    std::vector<int64_t> lengths(z.B);
    Host<int32_t> len({z.B});
    for (int64_t b = 0; b < z.B; ++b) {
      lengths[b] = z.B > 1 && b == 0 ? 0 : rng.uniformInt(1, z.Sk);
      len.data[b] = static_cast<int32_t>(lengths[b]);
    }
    run.in("q", q);
    run.in("k", k);
    run.in("v", v);
    run.in("len", len);
    F32 out = run.run("out", {z.B, z.Hq, z.Sq, D});
    ref::Masks masks;
    masks.causal = true;
    masks.keyLengths = &lengths;
    ref::Output expected = ref::attention(q.toRef(), k.toRef(), v.toRef(),
                                          0.17677669529663687, masks);
    EXPECT_TRUE(matches(out, expected));
    emptyElements += countTrue(expected.empty);
  }
  EXPECT_GT(emptyElements, 0);
}

} // namespace
} // namespace attnc::numerics
