// A sequence classifier from a model description
// (Inputs/seq-classifier-train.yaml: linear, exact GELU, masked mean
// pooling, linear, log-softmax) compiled with `attnc --train`: its loss
// against a float64 forward composed from test/Reference, and every
// parameter gradient against central differences of that loss. Sequences
// of length 0 (pooled to 0), full length, and in between; awkward sizes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runtime/attnc.hpp"
#include "test/Reference/reference.h"

namespace attnc::pool_train_tests {
namespace {

constexpr double kLossTolerance = 1e-5;
constexpr double kGradTolerance = 1e-4;
constexpr double kEps = 1e-6;
constexpr int64_t kFeatures = 12, kHidden = 16, kClasses = 5;

using Shape = std::vector<int64_t>;

struct Param {
  std::string name;
  Shape shape;
  std::vector<float> value;
};

ref::Tensor asRef(const Shape &shape, const std::vector<float> &v) {
  ref::Tensor t(shape);
  std::copy(v.begin(), v.end(), t.data.begin());
  return t;
}

struct Batch {
  int64_t B, S;
  std::vector<float> tokens;
  std::vector<int32_t> lengths;
  std::vector<int32_t> labels;
  std::vector<uint8_t> mask;
};

/// The float64 loss of the description at `params` (name -> tensor).
double referenceLoss(const Batch &b, const std::map<std::string, ref::Tensor> &p) {
  ref::Tensor x = asRef({b.B, b.S, kFeatures}, b.tokens);
  ref::Tensor h = ref::linear(x, p.at("proj.weight"), &p.at("proj.bias"));
  h = ref::activation(h, ref::Activation::GeluErf);
  ref::Tensor pooled =
      ref::meanPool(h, std::vector<int64_t>(b.lengths.begin(), b.lengths.end()));
  ref::Tensor z = ref::linear(pooled, p.at("head.weight"), &p.at("head.bias"));
  std::vector<bool> mask(b.mask.begin(), b.mask.end());
  return ref::nllLoss(ref::logSoftmax(z),
                      std::vector<int64_t>(b.labels.begin(), b.labels.end()),
                      mask);
}

class PoolTrain : public ::testing::Test {
protected:
  void SetUp() override {
    Result<Module> m = Module::load(ATTNC_TRAIN_SEQ_CLASSIFIER);
    ASSERT_TRUE(m.ok()) << m.status().message();
    module = std::make_unique<Module>(std::move(*m));
  }
  std::unique_ptr<Module> module;
};

TEST_F(PoolTrain, LossAndGradientsMatchFloat64) {
  for (auto [B, S] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {7, 7}, {5, 129}}) {
    std::string what = "B=" + std::to_string(B) + " S=" + std::to_string(S);
    SCOPED_TRACE(what);
    std::mt19937_64 rng(std::hash<std::string>{}(what));
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    Batch b{B, S, {}, {}, {}, {}};
    b.tokens.resize(static_cast<size_t>(B * S * kFeatures));
    for (float &v : b.tokens)
      v = 2.0f * u(rng);
    for (int64_t i = 0; i < B; ++i) {
      // Length 0 first (when more than one sequence), then full, then random.
      int64_t len = i == 0 && B > 1 ? 0
                    : i == 1        ? S
                                    : std::uniform_int_distribution<int64_t>(0, S)(rng);
      b.lengths.push_back(static_cast<int32_t>(len));
      b.labels.push_back(static_cast<int32_t>(
          std::uniform_int_distribution<int64_t>(0, kClasses - 1)(rng)));
      b.mask.push_back(i % 3 != 2); // some rows out of the loss
    }
    std::vector<Param> params = {
        {"proj.weight", {kHidden, kFeatures}, {}},
        {"proj.bias", {kHidden}, {}},
        {"head.weight", {kClasses, kHidden}, {}},
        {"head.bias", {kClasses}, {}}};
    std::map<std::string, ref::Tensor> refParams;
    for (Param &p : params) {
      int64_t n = 1;
      for (int64_t d : p.shape)
        n *= d;
      p.value.resize(static_cast<size_t>(n));
      for (float &v : p.value)
        v = u(rng);
      refParams.emplace(p.name, asRef(p.shape, p.value));
    }

    Result<Call> call = Call::create(*module, "seq_classifier_train");
    ASSERT_TRUE(call.ok()) << call.status().message();
    std::vector<int64_t> seed = {1};
    auto set = [&](const std::string &name, Status s) {
      ASSERT_TRUE(s.ok()) << name << ": " << s.message();
    };
    set("tokens", call->setArg("tokens", {B, S, kFeatures}, b.tokens.data()));
    set("lengths", call->setArg("lengths", {B}, b.lengths.data()));
    set("labels", call->setArg("labels", {B}, b.labels.data()));
    set("train_mask", call->setArg("train_mask", ATTNC_DTYPE_BOOL, {B},
                                   b.mask.data()));
    set("seed", call->setArg("seed", {1}, seed.data()));
    for (Param &p : params)
      set(p.name, call->setArg(p.name, p.shape, p.value.data()));
    // Outputs poisoned: an unwritten element fails.
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> loss(1, nan);
    std::map<std::string, std::vector<float>> grads;
    set("loss", call->setArg("loss", {1}, loss.data()));
    for (Param &p : params) {
      std::vector<float> &g = grads[p.name];
      g.assign(p.value.size(), nan);
      set("grad." + p.name, call->setArg("grad." + p.name, p.shape, g.data()));
    }
    Status s = call->execute();
    ASSERT_TRUE(s.ok()) << s.message();

    double expected = referenceLoss(b, refParams);
    EXPECT_NEAR(loss[0], expected, kLossTolerance * std::max(1.0, std::abs(expected)));

    for (Param &p : params) {
      SCOPED_TRACE(p.name);
      ref::Tensor &t = refParams.at(p.name);
      double maxFd = 0, maxErr = 0;
      for (size_t k = 0; k < t.data.size(); ++k) {
        double saved = t.data[k];
        t.data[k] = saved + kEps;
        double up = referenceLoss(b, refParams);
        t.data[k] = saved - kEps;
        double down = referenceLoss(b, refParams);
        t.data[k] = saved;
        double fd = (up - down) / (2 * kEps), g = grads[p.name][k];
        ASSERT_TRUE(std::isfinite(g)) << "entry " << k << " is " << g;
        maxFd = std::max(maxFd, std::abs(fd));
        maxErr = std::max(maxErr, std::abs(g - fd));
      }
      EXPECT_LE(maxErr, kGradTolerance * std::max(maxFd, 1e-3))
          << "max |g - fd| " << maxErr << ", max |fd| " << maxFd;
    }
  }
}

} // namespace
} // namespace attnc::pool_train_tests
