// Numerics of training (Inputs/grads.mlir): the seeded dropout masks against
// the reference's bit for bit, the loss against the float64 reference, and
// every gradient op against central finite differences in float64 of the
// float64 reference forward: for a random dy, the gradient of
// x -> <f(x), dy>. The dropout masks do not depend on x, so differences
// taken with the same seed and salt are valid at any rate.
// Tolerances and the finite differences: NumericsSupport.h.
#include "test/Numerics/NumericsSupport.h"

#include <algorithm>
#include <functional>

namespace attnc::numerics {
namespace {

constexpr int64_t kSeed = 0x0123456789abcdefLL; // both halves nonzero
const std::vector<int64_t> kRows = {1, 7, 129};

F32 fromRef(const ref::Tensor &t) {
  F32 out(t.shape);
  for (size_t k = 0; k < t.data.size(); ++k)
    out.data[k] = static_cast<float>(t.data[k]);
  return out;
}

Host<int64_t> seedTensor(int64_t seed) { return Host<int64_t>({1}, seed); }

std::string sized(const std::string &entry, int64_t n) {
  return entry + " rows=" + std::to_string(n);
}

//===--- Dropout -----------------------------------------------------===//

// With x = 1 every output is exactly 0 or 1/(1-rate): the kernel's mask can
// be read off and compared with the reference's bit for bit.
TEST(NumericsGrad, DropoutMaskMatchesReference) {
  Runner run(kGradsModule, "dropout_train");
  ASSERT_TRUE(run.ok());
  const float scale = static_cast<float>(1.0 / (1.0 - 0.6));
  for (int64_t seed : {int64_t(0), int64_t(42), int64_t(-1), kSeed})
    for (int64_t n : {1, 7, 129, 1000}) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " n " + std::to_string(n));
      F32 x({n, 3, 5}, 1.0f);
      Host<int64_t> seedT = seedTensor(seed);
      run.in("x", x);
      run.in("seed", seedT);
      F32 out = run.run("out", x.shape);
      uint32_t key = ref::dropoutKey(seed, 3);
      int64_t kept = 0, mismatches = 0;
      for (size_t k = 0; k < out.data.size(); ++k) {
        bool refKeep = ref::dropoutKeep(key, 0.6, static_cast<uint32_t>(k));
        bool keep = out.data[k] != 0.0f;
        mismatches += keep != refKeep;
        kept += keep;
        if (keep) {
          ASSERT_EQ(out.data[k], scale) << "element " << k;
        }
      }
      EXPECT_EQ(mismatches, 0);
      if (n == 1000) { // 15000 draws: 0.4 +- 0.004 (1 sigma)
        double fraction = double(kept) / double(out.data.size());
        EXPECT_NEAR(fraction, 0.4, 0.02);
      }
    }
}

TEST(NumericsGrad, DropoutIsDeterministicPerSeedAndSalt) {
  Runner salt3(kGradsModule, "dropout_train"), salt4(kGradsModule,
                                                     "dropout_salt4");
  ASSERT_TRUE(salt3.ok() && salt4.ok());
  Rng rng(seedFor("dropout determinism"));
  F32 x = rng.uniform({200, 7, 5});
  auto runWith = [&](Runner &r, int64_t seed) {
    Host<int64_t> seedT = seedTensor(seed);
    r.in("x", x);
    r.in("seed", seedT);
    return r.run("out", x.shape);
  };
  F32 a = runWith(salt3, kSeed), b = runWith(salt3, kSeed);
  EXPECT_EQ(a.data, b.data) << "same seed and salt, different masks";
  auto differing = [&](const F32 &u, const F32 &v) {
    int64_t n = 0;
    for (size_t k = 0; k < u.data.size(); ++k)
      n += (u.data[k] == 0) != (v.data[k] == 0);
    return double(n) / double(u.data.size());
  };
  // Independent masks at rate 0.6 disagree on 2 * 0.6 * 0.4 = 48%.
  EXPECT_NEAR(differing(a, runWith(salt4, kSeed)), 0.48, 0.03);
  EXPECT_NEAR(differing(a, runWith(salt3, kSeed + 1)), 0.48, 0.03);
  EXPECT_NEAR(differing(a, runWith(salt3, kSeed ^ (int64_t(1) << 40))), 0.48,
              0.03);
}

TEST(NumericsGrad, DropoutRateZeroIsIdentity) {
  Runner run(kGradsModule, "dropout_rate0");
  ASSERT_TRUE(run.ok());
  Rng rng(seedFor("dropout rate 0"));
  F32 x = rng.uniform({7, 3, 5});
  Host<int64_t> seedT = seedTensor(kSeed);
  run.in("x", x);
  run.in("seed", seedT);
  EXPECT_EQ(run.run("out", x.shape).data, x.data);
}

// The backward of dropout is dropout of dy with the same seed and salt.
TEST(NumericsGrad, DropoutBackwardIsDropout) {
  Runner run(kGradsModule, "dropout_train");
  ASSERT_TRUE(run.ok());
  for (int64_t n : kRows) {
    std::string what = sized("dropout_train", n);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    F32 x = rng.uniform({n, 2, 5}), dy = rng.uniform({n, 2, 5});
    ref::Tensor dyr = dy.toRef();
    ref::Tensor fd = finiteDiff(x.toRef(), [&](const ref::Tensor &xx) {
      return inner(ref::dropout(xx, 0.6, kSeed, 3), dyr);
    });
    Host<int64_t> seedT = seedTensor(kSeed);
    run.in("x", dy);
    run.in("seed", seedT);
    EXPECT_TRUE(gradMatches(run.run("out", dy.shape), fd));
  }
}

//===--- Loss --------------------------------------------------------===//

struct Labelled {
  F32 logp;
  std::vector<int64_t> labels;
  std::vector<bool> mask;
  Bool maskTensor;
};

// Log-probabilities with labels on about half the rows; unlabelled rows
// carry label -1 (never read). `none` masks every row out.
Labelled labelled(Rng &rng, int64_t n, bool none = false) {
  Labelled l;
  l.logp = fromRef(ref::logSoftmax(rng.uniform({n, 7}, 3.0f).toRef()));
  l.maskTensor = rng.bernoulli({n}, none ? 0.0 : 0.5);
  if (!none)
    l.maskTensor.data[0] = 1; // at least one row counts
  for (int64_t i = 0; i < n; ++i) {
    l.mask.push_back(l.maskTensor.data[i] != 0);
    l.labels.push_back(l.mask.back() ? rng.uniformInt(0, 6) : -1);
  }
  return l;
}

TEST(NumericsGrad, NllLoss) {
  Runner run(kGradsModule, "nll_loss_i32");
  ASSERT_TRUE(run.ok());
  for (int64_t n : {1, 7, 129, 2708})
    for (bool none : {false, true}) {
      std::string what = sized("nll_loss", n) + (none ? " unmasked" : "");
      SCOPED_TRACE(what);
      Rng rng(seedFor(what));
      Labelled l = labelled(rng, n, none);
      Host<int32_t> labels({n});
      for (int64_t i = 0; i < n; ++i)
        labels.data[i] = static_cast<int32_t>(l.labels[i]);
      run.in("logp", l.logp);
      run.in("labels", labels);
      run.in("mask", l.maskTensor);
      ref::Tensor expected({1});
      expected.data[0] = ref::nllLoss(l.logp.toRef(), l.labels, l.mask);
      F32 out = run.run("out", {1});
      EXPECT_TRUE(matches(out, expected));
      if (none) {
        EXPECT_EQ(out.data[0], 0.0f);
      }
    }
}

TEST(NumericsGrad, NllLossGrad) {
  Runner run(kGradsModule, "nll_loss_grad_i64");
  ASSERT_TRUE(run.ok());
  for (int64_t n : kRows)
    for (bool none : {false, true}) {
      std::string what = sized("nll_loss_grad", n) + (none ? " unmasked" : "");
      SCOPED_TRACE(what);
      Rng rng(seedFor(what));
      Labelled l = labelled(rng, n, none);
      Host<int64_t> labels({n});
      labels.data = l.labels;
      ref::Tensor fd = finiteDiff(l.logp.toRef(), [&](const ref::Tensor &x) {
        return ref::nllLoss(x, l.labels, l.mask);
      });
      run.in("logp", l.logp);
      run.in("labels", labels);
      run.in("mask", l.maskTensor);
      EXPECT_TRUE(gradMatches(run.run("out", {n, 7}), fd));
    }
}

//===--- Elementwise and row-wise gradients ----------------------------===//

TEST(NumericsGrad, LogSoftmaxGrad) {
  Runner run(kGradsModule, "log_softmax_grad");
  ASSERT_TRUE(run.ok());
  for (int64_t n : kRows) {
    std::string what = sized("log_softmax_grad", n);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    F32 x = rng.uniform({n, 7}, 3.0f), dy = rng.uniform({n, 7});
    ref::Tensor dyr = dy.toRef();
    ref::Tensor fd = finiteDiff(x.toRef(), [&](const ref::Tensor &xx) {
      return inner(ref::logSoftmax(xx), dyr);
    });
    F32 y = fromRef(ref::logSoftmax(x.toRef()));
    run.in("y", y);
    run.in("dy", dy);
    EXPECT_TRUE(gradMatches(run.run("out", {n, 7}), fd));
  }
}

void checkActivationGrad(const std::string &entry, ref::Activation kind) {
  Runner run(kGradsModule, entry);
  ASSERT_TRUE(run.ok());
  for (int64_t n : kRows) {
    std::string what = sized(entry, n);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    F32 x = rng.uniform({n, 13}, 4.0f), dy = rng.uniform({n, 13});
    ref::Tensor dyr = dy.toRef();
    ref::Tensor fd = finiteDiff(x.toRef(), [&](const ref::Tensor &xx) {
      return inner(ref::activation(xx, kind), dyr);
    });
    run.in("x", x);
    run.in("dy", dy);
    EXPECT_TRUE(gradMatches(run.run("out", {n, 13}), fd));
  }
}

TEST(NumericsGrad, ActivationGradRelu) {
  checkActivationGrad("activation_grad_relu", ref::Activation::Relu);
}
TEST(NumericsGrad, ActivationGradElu) {
  checkActivationGrad("activation_grad_elu", ref::Activation::Elu);
}
TEST(NumericsGrad, ActivationGradGelu) {
  checkActivationGrad("activation_grad_gelu", ref::Activation::Gelu);
}
TEST(NumericsGrad, ActivationGradGeluErf) {
  checkActivationGrad("activation_grad_gelu_erf", ref::Activation::GeluErf);
}

// Lengths 0 (nothing pooled: no gradient), past S (clamped) and random.
TEST(NumericsGrad, MeanPoolGrad) {
  Runner run(kGradsModule, "mean_pool_grad");
  ASSERT_TRUE(run.ok());
  for (int64_t S : {1, 7, 129}) {
    const int64_t B = 5;
    std::string what = sized("mean_pool_grad", S);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    F32 x = rng.uniform({B, S, 6}), dy = rng.uniform({B, 6});
    Host<int64_t> lengths({B});
    lengths.data = {0, S, rng.uniformInt(0, S), 1, rng.uniformInt(0, S)};
    ref::Tensor dyr = dy.toRef();
    ref::Tensor fd = finiteDiff(x.toRef(), [&](const ref::Tensor &xx) {
      return inner(ref::meanPool(xx, lengths.data), dyr);
    });
    run.in("x", x);
    run.in("dy", dy);
    run.in("lengths", lengths);
    EXPECT_TRUE(gradMatches(run.run("out", {B, S, 6}), fd));
  }
}

//===--- Linear --------------------------------------------------------===//

// x [lead..., In], W [Out, In]: checks dy W (grad_input) and sum dy^T x
// (grad_weight) against differences of <linear(x, W), dy>.
void checkLinearGrads(const std::string &inputEntry,
                      const std::string &weightEntry, Shape lead, int64_t In,
                      int64_t Out, int dynamicDim) {
  Runner gin(kGradsModule, inputEntry), gw(kGradsModule, weightEntry);
  ASSERT_TRUE(gin.ok() && gw.ok());
  for (int64_t n : kRows) {
    std::string what = sized(inputEntry, n);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    Shape xs = lead, ys = lead;
    xs[dynamicDim] = ys[dynamicDim] = n;
    xs.push_back(In);
    ys.push_back(Out);
    F32 x = rng.uniform(xs), w = rng.uniform({Out, In}), dy = rng.uniform(ys);
    ref::Tensor xr = x.toRef(), wr = w.toRef(), dyr = dy.toRef();
    ref::Tensor fdX = finiteDiff(xr, [&](const ref::Tensor &xx) {
      return inner(ref::linear(xx, wr, nullptr), dyr);
    });
    ref::Tensor fdW = finiteDiff(wr, [&](const ref::Tensor &ww) {
      return inner(ref::linear(xr, ww, nullptr), dyr);
    });
    gin.in("dy", dy);
    gin.in("w", w);
    EXPECT_TRUE(gradMatches(gin.run("out", xs), fdX)) << inputEntry;
    gw.in("dy", dy);
    gw.in("x", x);
    EXPECT_TRUE(gradMatches(gw.run("out", {Out, In}), fdW)) << weightEntry;
  }
}

TEST(NumericsGrad, LinearGrads) {
  checkLinearGrads("linear_grad_input", "linear_grad_weight", {0}, 13, 5, 0);
}
// linear_grad_input_seq has W [16, 9]; linear_grad_weight_seq [6, 11]:
// checked separately, each against its own forward.
TEST(NumericsGrad, LinearGradInputSeq) {
  Runner run(kGradsModule, "linear_grad_input_seq");
  ASSERT_TRUE(run.ok());
  for (int64_t n : kRows) {
    std::string what = sized("linear_grad_input_seq", n);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    F32 x = rng.uniform({2, n, 9}), w = rng.uniform({16, 9}),
        dy = rng.uniform({2, n, 16});
    ref::Tensor wr = w.toRef(), dyr = dy.toRef();
    ref::Tensor fd = finiteDiff(x.toRef(), [&](const ref::Tensor &xx) {
      return inner(ref::linear(xx, wr, nullptr), dyr);
    });
    run.in("dy", dy);
    run.in("w", w);
    EXPECT_TRUE(gradMatches(run.run("out", {2, n, 9}), fd));
  }
}
TEST(NumericsGrad, LinearGradWeightSeq) {
  Runner run(kGradsModule, "linear_grad_weight_seq");
  ASSERT_TRUE(run.ok());
  for (int64_t n : kRows) {
    std::string what = sized("linear_grad_weight_seq", n);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    F32 x = rng.uniform({2, n, 11}), w = rng.uniform({6, 11}),
        dy = rng.uniform({2, n, 6});
    ref::Tensor xr = x.toRef(), dyr = dy.toRef();
    ref::Tensor fd = finiteDiff(w.toRef(), [&](const ref::Tensor &ww) {
      return inner(ref::linear(xr, ww, nullptr), dyr);
    });
    run.in("dy", dy);
    run.in("x", x);
    EXPECT_TRUE(gradMatches(run.run("out", {6, 11}), fd));
  }
}

//===--- Broadcast and head adjoints ------------------------------------===//

void checkReduceTo(const std::string &entry, Shape in, Shape out,
                   int dynamicDim) {
  Runner run(kGradsModule, entry);
  ASSERT_TRUE(run.ok());
  for (int64_t n : kRows) {
    std::string what = sized(entry, n);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    in[dynamicDim] = n;
    F32 dy = rng.uniform(in), b = rng.uniform(out);
    ref::Tensor zeros(in), dyr = dy.toRef();
    // reduce_to is the adjoint of broadcasting b against the input.
    ref::Tensor fd = finiteDiff(b.toRef(), [&](const ref::Tensor &bb) {
      return inner(ref::add(zeros, bb), dyr);
    });
    run.in("dy", dy);
    EXPECT_TRUE(gradMatches(run.run("out", out), fd));
  }
}

TEST(NumericsGrad, ReduceToBias) { checkReduceTo("reduce_to_bias", {0, 7}, {7}, 0); }
TEST(NumericsGrad, ReduceToKeepDim) {
  checkReduceTo("reduce_to_keepdim", {2, 0, 5}, {2, 1, 5}, 1);
}

TEST(NumericsGrad, MeanHeadsGrad) {
  Runner run(kGradsModule, "mean_heads_grad");
  ASSERT_TRUE(run.ok());
  for (int64_t n : kRows) {
    std::string what = sized("mean_heads_grad", n);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    F32 x = rng.uniform({n, 3, 7}), dy = rng.uniform({n, 7});
    ref::Tensor dyr = dy.toRef();
    ref::Tensor fd = finiteDiff(x.toRef(), [&](const ref::Tensor &xx) {
      return inner(ref::meanHeads(xx), dyr);
    });
    run.in("dy", dy);
    EXPECT_TRUE(gradMatches(run.run("out", {n, 3, 7}), fd));
  }
}

//===--- Graph attention (GAT) -----------------------------------------===//

// A CSR graph on N nodes with isolated nodes (~15% and the last), self-loops,
// duplicate edges and a hub (node N/2, 3N + 10 out-edges; a frequent
// neighbour of the others, so it also has a high in-degree).
ref::Csr trainingGraph(Rng &rng, int64_t N) {
  ref::Csr g;
  g.rows.push_back(0);
  int64_t hub = N / 2;
  for (int64_t i = 0; i < N; ++i) {
    int64_t degree = (N > 1 && i == N - 1) || (i != hub && rng.uniformReal() < 0.15)
                         ? 0
                     : i == hub ? 3 * N + 10
                                : rng.uniformInt(1, 4);
    for (int64_t e = 0; e < degree; ++e) {
      double u = rng.uniformReal();
      int64_t j = e == 1      ? g.cols.back()
                  : u < 0.2  ? i
                  : u < 0.45 ? hub
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

TEST(NumericsGrad, GatTrainForwardWithAttentionDropout) {
  const int64_t H = 2, D = 4, Dv = 3;
  Runner run(kGradsModule, "gat_train");
  ASSERT_TRUE(run.ok());
  for (int64_t N : {1, 7, 129, 1000}) {
    std::string what = sized("gat_train", N);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    ref::Csr g = trainingGraph(rng, N);
    F32 q = rng.uniform({N, H, D}), k = rng.uniform({N, H, D}),
        v = rng.uniform({N, H, Dv});
    F32 aSrc = rng.uniform({H, D}), aDst = rng.uniform({H, D});
    run.in("q", q);
    run.in("k", k);
    run.in("v", v);
    // The call borrows its inputs: they must live until it runs.
    Host<int32_t> rows = indexTensor<int32_t>(g.rows),
                  cols = indexTensor<int32_t>(g.cols);
    Host<int64_t> seedT = seedTensor(kSeed);
    run.in("rows", rows);
    run.in("cols", cols);
    run.in("a_src", aSrc);
    run.in("a_dst", aDst);
    run.in("seed", seedT);
    F32 out = run.run("out", {N, H, Dv});
    EXPECT_TRUE(matches(out, ref::graphAttentionAdditiveTrain(
                                 q.toRef(), k.toRef(), v.toRef(), g,
                                 aSrc.toRef(), aDst.toRef(), 0.2, 0.6, kSeed,
                                 5)));
  }
}

template <typename T>
void checkGatGrad(const std::string &entry, int64_t H, int64_t D, int64_t Dv,
                  double slope, double rate) {
  Runner run(kGradsModule, entry);
  ASSERT_TRUE(run.ok());
  for (int64_t N : kRows) {
    std::string what = sized(entry, N);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    ref::Csr g = trainingGraph(rng, N);
    F32 q = rng.uniform({N, H, D}), k = rng.uniform({N, H, D}),
        v = rng.uniform({N, H, Dv}), aSrc = rng.uniform({H, D}),
        aDst = rng.uniform({H, D}), dy = rng.uniform({N, H, Dv});
    ref::Tensor qr = q.toRef(), kr = k.toRef(), vr = v.toRef(),
                sr = aSrc.toRef(), dr = aDst.toRef(), dyr = dy.toRef();
    auto loss = [&](const ref::Tensor &qq, const ref::Tensor &kk,
                    const ref::Tensor &vv, const ref::Tensor &ss,
                    const ref::Tensor &dd) {
      return inner(ref::graphAttentionAdditiveTrain(qq, kk, vv, g, ss, dd,
                                                    slope, rate, kSeed, 5)
                       .value,
                   dyr);
    };
    std::vector<ref::Tensor> fd = {
        finiteDiff(qr, [&](const ref::Tensor &x) { return loss(x, kr, vr, sr, dr); }),
        finiteDiff(kr, [&](const ref::Tensor &x) { return loss(qr, x, vr, sr, dr); }),
        finiteDiff(vr, [&](const ref::Tensor &x) { return loss(qr, kr, x, sr, dr); }),
        finiteDiff(sr, [&](const ref::Tensor &x) { return loss(qr, kr, vr, x, dr); }),
        finiteDiff(dr, [&](const ref::Tensor &x) { return loss(qr, kr, vr, sr, x); })};
    run.in("q", q);
    run.in("k", k);
    run.in("v", v);
    // The call borrows its inputs: they must live until it runs.
    // The transposed graph (t_offsets, t_destinations, t_edges) is computed
    // by the runtime from rows and cols.
    Host<T> rows = indexTensor<T>(g.rows), cols = indexTensor<T>(g.cols);
    Host<int64_t> seedT = seedTensor(kSeed);
    run.in("rows", rows);
    run.in("cols", cols);
    run.in("a_src", aSrc);
    run.in("a_dst", aDst);
    run.in("dy", dy);
    run.in("seed", seedT);
    std::vector<F32> out = run.runAll({{"dq", {N, H, D}},
                                       {"dk", {N, H, D}},
                                       {"dv", {N, H, Dv}},
                                       {"da_src", {H, D}},
                                       {"da_dst", {H, D}}});
    const char *names[] = {"dq", "dk", "dv", "da_src", "da_dst"};
    for (size_t r = 0; r < out.size(); ++r)
      EXPECT_TRUE(gradMatches(out[r], fd[r])) << names[r];
  }
}

TEST(NumericsGrad, GatGradAttentionDropout) {
  checkGatGrad<int32_t>("gat_grad_dropout", 2, 4, 3, 0.2, 0.6);
}
TEST(NumericsGrad, GatGradI64OddSizes) {
  checkGatGrad<int64_t>("gat_grad_i64", 3, 5, 2, 0.1, 0.0);
}

} // namespace
} // namespace attnc::numerics
