// Numerics of the layers around attention (Inputs/layers.mlir) against the
// float64 reference: embeddings, positions, layer norm, activations,
// residual and bias adds, dropout at inference, log-softmax.
#include "test/Numerics/NumericsSupport.h"

namespace attnc::numerics {
namespace {

TEST(NumericsLayers, EmbedPositionsNormGelu) {
  Runner run(kLayersModule, "embed_norm");
  ASSERT_TRUE(run.ok());
  struct Size {
    int64_t V, E, B, S;
  };
  for (Size z : std::vector<Size>{{1, 1, 1, 1}, {7, 8, 2, 7}, {1000, 64, 2, 129},
                                  {50, 129, 1, 1000}}) {
    std::string what = "embed_norm V=" + std::to_string(z.V) + " E=" +
                       std::to_string(z.E) + " S=" + std::to_string(z.S);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 table = rng.uniform({z.V, z.E}, 2.0f);
    Host<int64_t> ids({z.B, z.S});
    for (int64_t &id : ids.data)
      id = rng.uniformInt(0, z.V - 1);
    F32 gamma = rng.uniform({z.E}), beta = rng.uniform({z.E});
    run.in("table", table);
    run.in("ids", ids);
    run.in("gamma", gamma);
    run.in("beta", beta);
    F32 out = run.run("out", {z.B, z.S, z.E});
    ref::Tensor x = ref::positionalSinusoidal(
        ref::embedding(table.toRef(), ids.data, ids.shape));
    ref::Tensor expected = ref::activation(
        ref::layerNorm(x, gamma.toRef(), beta.toRef(), 1e-5),
        ref::Activation::Gelu);
    EXPECT_TRUE(matches(out, expected));
  }
}

TEST(NumericsLayers, LearnedPositionsResidualRelu) {
  Runner run(kLayersModule, "learned_residual");
  ASSERT_TRUE(run.ok());
  for (int64_t S : {1, 7, 129, 1000}) {
    std::string what = "learned_residual S=" + std::to_string(S);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    // The table may be longer than the sequence.
    F32 x = rng.uniform({3, S, 16}), table = rng.uniform({S + 5, 16});
    run.in("x", x);
    run.in("table", table);
    F32 out = run.run("out", {3, S, 16});
    ref::Tensor xr = x.toRef();
    ref::Tensor expected = ref::add(
        ref::activation(ref::positionalLearned(xr, table.toRef()),
                        ref::Activation::Relu),
        xr);
    EXPECT_TRUE(matches(out, expected));
  }
}

TEST(NumericsLayers, GatTailBiasEluLogSoftmax) {
  Runner run(kLayersModule, "gat_tail");
  ASSERT_TRUE(run.ok());
  for (int64_t N : {1, 7, 129, 2708}) {
    std::string what = "gat_tail N=" + std::to_string(N);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    // Wide logits: the log-softmax must stay finite and stable.
    F32 x = rng.uniform({N, 7}, 40.0f), bias = rng.uniform({7});
    run.in("x", x);
    run.in("bias", bias);
    F32 out = run.run("out", {N, 7});
    ref::Tensor expected = ref::logSoftmax(ref::activation(
        ref::add(x.toRef(), bias.toRef()), ref::Activation::Elu));
    EXPECT_TRUE(matches(out, expected));
  }
}

} // namespace
} // namespace attnc::numerics

namespace attnc::numerics {
namespace {

TEST(NumericsLayers, GeluErf) {
  Runner run(kLayersModule, "gelu_erf");
  ASSERT_TRUE(run.ok());
  for (int64_t n : {1, 7, 129, 1000}) {
    std::string what = "gelu_erf n=" + std::to_string(n);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    // Wide inputs: both tails, where erf saturates.
    F32 x = rng.uniform({n, 33}, 8.0f);
    run.in("x", x);
    F32 out = run.run("out", {n, 33});
    EXPECT_TRUE(
        matches(out, ref::activation(x.toRef(), ref::Activation::GeluErf)));
  }
}

// Lengths of 0 pool to exactly 0 (not NaN); lengths past S are clamped.
TEST(NumericsLayers, MeanPoolMasked) {
  Runner run(kLayersModule, "mean_pool");
  ASSERT_TRUE(run.ok());
  for (int64_t S : {1, 7, 129, 1000}) {
    const int64_t B = 6;
    std::string what = "mean_pool S=" + std::to_string(S);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 x = rng.uniform({B, S, 24}, 3.0f);
    Host<int32_t> lengths({B});
    lengths.data = {0, static_cast<int32_t>(S), 1,
                    static_cast<int32_t>(rng.uniformInt(0, S)),
                    static_cast<int32_t>(rng.uniformInt(0, S)),
                    static_cast<int32_t>(S)};
    run.in("x", x);
    run.in("lengths", lengths);
    F32 out = run.run("out", {B, 24});
    std::vector<int64_t> lens(lengths.data.begin(), lengths.data.end());
    std::vector<bool> empty(static_cast<size_t>(B * 24), false);
    for (int64_t d = 0; d < 24; ++d)
      empty[static_cast<size_t>(d)] = true; // sequence 0 has length 0
    EXPECT_TRUE(matches(out, ref::meanPool(x.toRef(), lens), empty));
  }
}

TEST(NumericsLayers, MeanPoolAll) {
  Runner run(kLayersModule, "mean_pool_all");
  ASSERT_TRUE(run.ok());
  struct Size {
    int64_t B, S, D;
  };
  for (Size z : std::vector<Size>{{1, 1, 1}, {7, 7, 7}, {2, 129, 33},
                                  {3, 1000, 5}}) {
    std::string what = "mean_pool_all S=" + std::to_string(z.S) +
                       " D=" + std::to_string(z.D);
    uint64_t seed = seedFor(what);
    SCOPED_TRACE(what + " seed " + std::to_string(seed));
    Rng rng(seed);
    F32 x = rng.uniform({z.B, z.S, z.D});
    run.in("x", x);
    F32 out = run.run("out", {z.B, z.D});
    EXPECT_TRUE(matches(out, ref::meanPool(x.toRef(), {})));
  }
}

// A key length past the sequence is refused before the kernel runs.
TEST(NumericsLayers, MeanPoolRejectsLengthPastSequence) {
  Result<Call> call = Call::create(moduleAt(kLayersModule), "mean_pool");
  ASSERT_TRUE(call.ok()) << call.status().message();
  F32 x({2, 5, 24}, 1.0f), out({2, 24}, 0.0f);
  Host<int32_t> lengths({2});
  lengths.data = {3, 6};
  ASSERT_TRUE(call->setArg("x", x.shape, x.data.data()).ok());
  ASSERT_TRUE(call->setArg("lengths", lengths.shape, lengths.data.data()).ok());
  ASSERT_TRUE(call->setArg("out", out.shape, out.data.data()).ok());
  Status s = call->execute();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("lengths"), std::string::npos) << s.message();
}

} // namespace
} // namespace attnc::numerics
