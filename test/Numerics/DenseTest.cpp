// Numerics of fused attn.attention (Inputs/dense.mlir) against the float64
// reference: every mask form, alone and combined, at sequence lengths from 1
// to 2048 with Sq != Sk, B and H > 1, grouped-query heads and rows with no
// allowed key. One Call per entry is re-bound at every size.
#include "test/Numerics/NumericsSupport.h"

#include <cmath>
#include <functional>
#include <optional>

namespace attnc::numerics {
namespace {

struct Size {
  int64_t B, Hq, Hkv, Sq, Sk;
  int64_t D = 64, Dv = 64;
};

std::string describe(const Size &z) {
  return "B=" + std::to_string(z.B) + " Hq=" + std::to_string(z.Hq) +
         " Hkv=" + std::to_string(z.Hkv) + " Sq=" + std::to_string(z.Sq) +
         " Sk=" + std::to_string(z.Sk) + " D=" + std::to_string(z.D) +
         " Dv=" + std::to_string(z.Dv);
}

// The optional inputs of one run and what they mean to the reference.
struct Extras {
  std::optional<Bool> mask;
  std::optional<F32> bias;
  std::optional<Host<int32_t>> len32;
  std::optional<Host<int64_t>> len64;
  std::vector<int64_t> lengths;
  ref::Tensor maskRef, biasRef;
};

using Setup = std::function<void(Rng &, const Size &, size_t, Extras &)>;

struct Form {
  std::string entry;
  std::vector<Size> sizes;
  Setup setup;
  bool causal = false;
  std::optional<std::pair<int64_t, int64_t>> window; // (left, right)
  double scale = 0;                 // 0: 1/sqrt(D)
  bool expectEmptyRows = false;     // some size must produce an empty row
};

// Sizes shared by the forms with dynamic heads and D = Dv = 64: S = 1, 7,
// 129, 1000, cross-attention both ways, grouped-query heads.
const std::vector<Size> kSizes = {
    {1, 1, 1, 1, 1},     {2, 3, 3, 7, 7},      {2, 2, 2, 7, 129},
    {1, 4, 2, 129, 7},   {3, 2, 1, 129, 129},  {2, 2, 2, 1000, 1000},
    {2, 1, 1, 129, 1000}};

// Key lengths with an empty batch (0), a full one (Sk) and random ones.
std::vector<int64_t> randomLengths(Rng &rng, const Size &z) {
  std::vector<int64_t> len(z.B);
  for (int64_t b = 0; b < z.B; ++b)
    len[b] = z.B == 1 ? rng.uniformInt(0, z.Sk)
             : b == 0 ? 0
             : b == 1 ? z.Sk
                      : rng.uniformInt(1, z.Sk);
  return len;
}

template <typename T> void setLengths(Rng &rng, const Size &z, Extras &x) {
  x.lengths = randomLengths(rng, z);
  Host<T> h({z.B});
  for (int64_t b = 0; b < z.B; ++b)
    h.data[b] = static_cast<T>(x.lengths[b]);
  if constexpr (sizeof(T) == 4)
    x.len32 = h;
  else
    x.len64 = h;
}

// A random mask of `shape` (which broadcasts to the logits), true with
// probability p, where the row of logical query `Sq / 3` in the first
// batch/head of the mask is all false, so one query has no allowed key.
void setMask(Rng &rng, const Shape &shape, double p, bool emptyRow,
             Extras &x) {
  Bool m = rng.bernoulli(shape, p);
  if (emptyRow && shape.size() >= 2 && shape.back() > 1) {
    int64_t Sq = shape[shape.size() - 2];
    int64_t rowLen = shape.back();
    int64_t row = Sq / 3; // flat row index within the first batch/head
    for (int64_t j = 0; j < rowLen; ++j)
      m.data[row * rowLen + j] = 0;
  }
  x.maskRef = m.toRef();
  x.mask = std::move(m);
}

void setBias(Rng &rng, const Shape &shape, Extras &x) {
  F32 b = rng.uniform(shape, 2.0f);
  x.biasRef = b.toRef();
  x.bias = std::move(b);
}

// gtest prints a parameter that fails; the entry names it.
void PrintTo(const Form &f, std::ostream *os) { *os << f.entry; }

Form &add(std::vector<Form> &forms, std::string entry,
          std::vector<Size> sizes, Setup setup = nullptr) {
  Form &f = forms.emplace_back();
  f.entry = std::move(entry);
  f.sizes = std::move(sizes);
  f.setup = std::move(setup);
  return f;
}

const std::vector<Form> &forms() {
  static const std::vector<Form> all = [] {
    std::vector<Form> f;
    std::vector<Size> denseSizes = kSizes;
    denseSizes.push_back({1, 2, 1, 2048, 2048});
    add(f, "dense", denseSizes);
    add(f, "dense_dyn",
        {{1, 1, 1, 1, 1, 1, 1},
         {2, 3, 3, 7, 9, 13, 5},
         {1, 4, 2, 129, 130, 8, 17},
         {2, 2, 2, 1000, 1000, 40, 3}});
    add(f, "dot_scaled",
        {{1, 1, 1, 1, 1, 16, 24},
         {2, 3, 1, 7, 129, 16, 24},
         {2, 2, 2, 1000, 1000, 16, 24}})
        .scale = 0.35;
    std::vector<Size> causalSizes = kSizes;
    causalSizes.push_back({1, 2, 2, 2048, 2048});
    add(f, "causal", causalSizes).causal = true;
    add(f, "lengths_i32", kSizes,
        [](Rng &r, const Size &z, size_t, Extras &x) {
          setLengths<int32_t>(r, z, x);
        })
        .expectEmptyRows = true;
    add(f, "lengths_i64", kSizes,
        [](Rng &r, const Size &z, size_t, Extras &x) {
          setLengths<int64_t>(r, z, x);
        })
        .expectEmptyRows = true;
    Form &cl = add(f, "causal_lengths", kSizes,
                   [](Rng &r, const Size &z, size_t, Extras &x) {
                     setLengths<int32_t>(r, z, x);
                   });
    cl.causal = cl.expectEmptyRows = true;
    add(f, "mask_2d", kSizes,
        [](Rng &r, const Size &z, size_t, Extras &x) {
          setMask(r, {z.Sq, z.Sk}, 0.7, true, x);
        })
        .expectEmptyRows = true;
    add(f, "mask_b11k", kSizes,
        [](Rng &r, const Size &z, size_t, Extras &x) {
          // Padding masks: batch 0 attends nothing when B > 1.
          setMask(r, {z.B, 1, 1, z.Sk}, 0.8, false, x);
          if (z.B > 1)
            for (int64_t j = 0; j < z.Sk; ++j)
              x.mask->data[j] = 0;
          x.maskRef = x.mask->toRef();
        })
        .expectEmptyRows = true;
    // Full masks, and masks that broadcast only at run time (an extent of
    // 1 in a dynamic dim), in turn.
    add(f, "mask_4d", kSizes,
        [](Rng &r, const Size &z, size_t n, Extras &x) {
          if (n % 3 == 0)
            setMask(r, {z.B, z.Hq, z.Sq, z.Sk}, 0.6, true, x);
          else if (n % 3 == 1)
            setMask(r, {z.B, 1, 1, z.Sk}, 0.6, false, x);
          else
            setMask(r, {1, z.Hq, z.Sq, 1}, 0.8, false, x);
        })
        .expectEmptyRows = true;
    add(f, "bias_3d", kSizes, [](Rng &r, const Size &z, size_t, Extras &x) {
      setBias(r, {z.Hq, z.Sq, z.Sk}, x);
    });
    add(f, "bias_b11k", kSizes, [](Rng &r, const Size &z, size_t, Extras &x) {
      // A padding-style bias: every fifth key gets -1e4, which must
      // underflow to a weight of exactly 0.
      setBias(r, {z.B, 1, 1, z.Sk}, x);
      for (size_t k = 4; k < x.bias->data.size(); k += 5)
        x.bias->data[k] = -1e4f;
      x.biasRef = x.bias->toRef();
    });
    // Windows touch both ends at S = 7 and lie inside the sequence at 1000.
    add(f, "window_left", kSizes).window = std::make_pair(6, 0);
    add(f, "window_truncated", kSizes).window = std::make_pair(3, 11);
    Form &wmb = add(f, "window_mask_bias", kSizes,
                    [](Rng &r, const Size &z, size_t, Extras &x) {
                      setMask(r, {z.B, 1, z.Sq, z.Sk}, 0.5, true, x);
                      setBias(r, {z.Hq, z.Sq, z.Sk}, x);
                    });
    wmb.window = std::make_pair(9, 4);
    wmb.expectEmptyRows = true;
    Form &all = add(f, "causal_all", kSizes,
                    [](Rng &r, const Size &z, size_t, Extras &x) {
                      setMask(r, {z.Sq, z.Sk}, 0.8, true, x);
                      setBias(r, {z.B, z.Hq, z.Sq, z.Sk}, x);
                      setLengths<int64_t>(r, z, x);
                    });
    all.causal = all.expectEmptyRows = true;
    all.scale = 1.0; // an unscaled dot score
    add(f, "gqa_causal",
        {{1, 8, 2, 1, 1, 32, 32},
         {2, 8, 2, 7, 129, 32, 32},
         {1, 8, 2, 1000, 1000, 32, 32},
         {2, 8, 2, 129, 7, 32, 32}})
        .causal = true;
    return f;
  }();
  return all;
}

class NumericsDense : public ::testing::TestWithParam<Form> {};

TEST_P(NumericsDense, MatchesReference) {
  const Form &f = GetParam();
  Runner run(kDenseModule, f.entry);
  ASSERT_TRUE(run.ok());
  int64_t emptyElements = 0;
  for (size_t n = 0; n < f.sizes.size(); ++n) {
    const Size &z = f.sizes[n];
    std::string what = f.entry + " " + describe(z);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 q = rng.uniform({z.B, z.Hq, z.Sq, z.D}, 2.0f);
    F32 k = rng.uniform({z.B, z.Hkv, z.Sk, z.D}, 2.0f);
    F32 v = rng.uniform({z.B, z.Hkv, z.Sk, z.Dv});
    run.in("q", q);
    run.in("k", k);
    run.in("v", v);

    Extras x;
    if (f.setup)
      f.setup(rng, z, n, x);
    ref::Masks masks;
    masks.causal = f.causal;
    if (f.window) {
      masks.windowLeft = f.window->first;
      masks.windowRight = f.window->second;
    }
    if (x.mask) {
      run.in("mask", *x.mask);
      masks.mask = &x.maskRef;
    }
    if (x.bias) {
      run.in("bias", *x.bias);
      masks.bias = &x.biasRef;
    }
    if (x.len32)
      run.in("len", *x.len32);
    if (x.len64)
      run.in("len", *x.len64);
    if (x.len32 || x.len64)
      masks.keyLengths = &x.lengths;

    F32 out = run.run("out", {z.B, z.Hq, z.Sq, z.Dv});
    double scale = f.scale > 0 ? f.scale : 1.0 / std::sqrt(double(z.D));
    ref::Output expected =
        ref::attention(q.toRef(), k.toRef(), v.toRef(), scale, masks);
    EXPECT_TRUE(matches(out, expected));
    emptyElements += countTrue(expected.empty);
  }
  if (f.expectEmptyRows) {
    EXPECT_GT(emptyElements, 0) << "no size produced a fully masked row";
  }
}

INSTANTIATE_TEST_SUITE_P(Forms, NumericsDense, ::testing::ValuesIn(forms()),
                         [](const ::testing::TestParamInfo<Form> &info) {
                           return info.param.entry;
                         });

} // namespace
} // namespace attnc::numerics
