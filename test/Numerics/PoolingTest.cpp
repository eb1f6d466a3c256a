// Numerics of the sentence-encoder ops (Inputs/pooling.mlir) against the
// float64 reference: pooling over a tokenizer's attention_mask (right, left
// and scattered padding, an empty row), L2 normalisation, and attention
// padded by a key mask on either side.
#include "test/Numerics/NumericsSupport.h"

namespace attnc::numerics {
namespace {

const char *const kPoolingModule = ATTNC_NUMERICS_POOLING;

/// Row b keeps: all, the first half (right padding), the last third (left
/// padding), nothing, a random subset.
template <typename T> Host<T> paddingMask(Rng &rng, int64_t B, int64_t S) {
  Host<T> m({B, S});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s) {
      bool keep = b % 5 == 0   ? true
                  : b % 5 == 1 ? s < (S + 1) / 2
                  : b % 5 == 2 ? s >= S - (S + 2) / 3
                  : b % 5 == 3 ? false
                               : rng.uniformReal() < 0.6;
      // Any nonzero value keeps a position.
      m.data[b * S + s] = keep ? static_cast<T>(1 + (s % 3)) : 0;
    }
  return m;
}

TEST(NumericsPooling, MeanMaxFirstOverAttentionMask) {
  Runner run(kPoolingModule, "pools");
  ASSERT_TRUE(run.ok());
  for (int64_t S : {1, 7, 129}) {
    const int64_t B = 6;
    std::string what = "pools S=" + std::to_string(S);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 x = rng.uniform({B, S, 24}, 3.0f);
    Host<int64_t> mask = paddingMask<int64_t>(rng, B, S);
    run.in("x", x);
    run.in("mask", mask);
    std::vector<F32> out = run.runAll({{"mean", {B, 24}}, {"max", {B, 24}},
                                       {"first", {B, 24}}, {"mean_all", {B, 24}}});
    ref::Tensor rx = x.toRef(), rm = mask.toRef();
    EXPECT_TRUE(matches(out[0], ref::pool(rx, ref::Pool::Mean, &rm)));
    EXPECT_TRUE(matches(out[1], ref::pool(rx, ref::Pool::Max, &rm)));
    EXPECT_TRUE(matches(out[2], ref::pool(rx, ref::Pool::First, nullptr)));
    EXPECT_TRUE(matches(out[3], ref::pool(rx, ref::Pool::Mean, nullptr)));
    // A row with no kept position pools to exactly 0 (row 3).
    for (int64_t d = 0; d < 24; ++d) {
      EXPECT_EQ(out[0].data[3 * 24 + d], 0.0f);
      EXPECT_EQ(out[1].data[3 * 24 + d], 0.0f);
    }
  }
}

TEST(NumericsPooling, L2Normalize) {
  Runner run(kPoolingModule, "l2");
  ASSERT_TRUE(run.ok());
  for (int64_t S : {1, 9}) {
    std::string what = "l2 S=" + std::to_string(S);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 x = rng.uniform({3, S, 13}, 5.0f);
    for (int64_t d = 0; d < 13; ++d)
      x.data[d] = 1e-8f; // a row below epsilon: divided by epsilon
    run.in("x", x);
    F32 out = run.run("out", {3, S, 13});
    EXPECT_TRUE(matches(out, ref::l2Normalize(x.toRef(), 1e-6)));
  }
}

TEST(NumericsPooling, AttentionPaddedByKeyMask) {
  Runner run(kPoolingModule, "key_padded");
  ASSERT_TRUE(run.ok());
  struct Size {
    int64_t B, Sq, Sk;
  };
  for (Size z : std::vector<Size>{{5, 1, 1}, {5, 7, 13}, {10, 33, 65}}) {
    std::string what = "key_padded Sq=" + std::to_string(z.Sq) +
                       " Sk=" + std::to_string(z.Sk);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 q = rng.uniform({z.B, 3, z.Sq, 8}), k = rng.uniform({z.B, 3, z.Sk, 8}),
        v = rng.uniform({z.B, 3, z.Sk, 8});
    Host<int32_t> mask = paddingMask<int32_t>(rng, z.B, z.Sk);
    run.in("q", q), run.in("k", k), run.in("v", v), run.in("mask", mask);
    F32 out = run.run("out", {z.B, 3, z.Sq, 8});
    // The key mask as the reference's [B, 1, 1, Sk] boolean mask.
    ref::Tensor keep({z.B, 1, 1, z.Sk});
    for (int64_t b = 0; b < z.B; ++b)
      for (int64_t j = 0; j < z.Sk; ++j)
        keep.at({b, 0, 0, j}) = mask.data[b * z.Sk + j] != 0;
    ref::Masks masks;
    masks.mask = &keep;
    ref::Output expected = ref::attention(q.toRef(), k.toRef(), v.toRef(),
                                          1.0 / std::sqrt(8.0), masks);
    EXPECT_TRUE(matches(out, expected));
    EXPECT_GT(countTrue(expected.empty), 0); // row 3 keeps no key
  }
}

} // namespace
} // namespace attnc::numerics
