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
