// Binding weights to a call of a module compiled by attnc (a linear layer
// with parameters `lin.weight` [4, 8] and `lin.bias` [4], data input `x`
// [d0, 8]), and seeded initialisation: which rule each parameter gets,
// Glorot's bounds, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "runtime/attnc.hpp"
#include "test/Runtime/WeightsTestSupport.h"

namespace attnc::test {
namespace {

class WeightsBind : public ::testing::Test {
protected:
  void SetUp() override {
    auto m = Module::load(kWeightsLinear);
    ASSERT_TRUE(m) << m.status().message();
    module.emplace(std::move(m.value()));
    auto c = Call::create(*module, "f");
    ASSERT_TRUE(c) << c.status().message();
    call.emplace(std::move(c.value()));
    auto w = Weights::create();
    ASSERT_TRUE(w);
    weights.emplace(std::move(w.value()));
  }
  void setLinear() {
    ASSERT_TRUE(weights->set<float>("lin.weight", {4, 8}, w.data()));
    ASSERT_TRUE(weights->set<float>("lin.bias", {4}, b.data()));
  }

  std::optional<Module> module;
  std::optional<Call> call;
  std::optional<Weights> weights;
  std::vector<float> w = std::vector<float>(32), b = {0.5f, -1, 2, 0};
};

TEST_F(WeightsBind, BindsByNameAndRuns) {
  for (int i = 0; i < 32; ++i)
    w[i] = static_cast<float>(i % 5) - 2;
  setLinear();
  auto bound = call->bindWeights(*weights);
  ASSERT_TRUE(bound) << bound.status().message();
  EXPECT_EQ(*bound, 2);
  std::vector<float> x(3 * 8), y(3 * 4, NAN);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = 0.25f * static_cast<float>(i);
  ASSERT_TRUE(call->setArg<float>("x", {3, 8}, x.data()));
  ASSERT_TRUE(call->setArg<float>("y", {3, 4}, y.data()));
  Status s = call->execute();
  ASSERT_TRUE(s) << s.message();
  for (int r = 0; r < 3; ++r)
    for (int o = 0; o < 4; ++o) {
      double want = b[o];
      for (int c = 0; c < 8; ++c)
        want += double(x[r * 8 + c]) * w[o * 8 + c];
      EXPECT_NEAR(y[r * 4 + o], want, 1e-4) << r << "," << o;
    }
}

TEST_F(WeightsBind, DataInputsBindToo) {
  setLinear();
  std::vector<float> x(2 * 8, 1);
  ASSERT_TRUE(weights->set<float>("x", {2, 8}, x.data()));
  auto bound = call->bindWeights(*weights);
  ASSERT_TRUE(bound) << bound.status().message();
  EXPECT_EQ(*bound, 3);
  EXPECT_EQ(call->inferShape(3).value(), (std::vector<int64_t>{2, 4}));
}

TEST_F(WeightsBind, MissingParameters) {
  auto bound = call->bindWeights(*weights);
  EXPECT_TRUE(failsWith(bound.status(), ATTNC_ERROR_VALIDATION,
                        {"weights: entry 'f': 2 parameters missing: "
                         "'lin.weight', 'lin.bias'"}));
  // Nothing was bound by the failed call; a parameter set directly on the
  // call is not missing.
  ASSERT_TRUE(call->setArg<float>("lin.weight", {4, 8}, w.data()));
  ASSERT_TRUE(weights->set<float>("lin.bias", {4}, b.data()));
  EXPECT_TRUE(call->bindWeights(*weights));
}

TEST_F(WeightsBind, AllowMissingWarns) {
  ASSERT_TRUE(weights->set<float>("lin.bias", {4}, b.data()));
  std::vector<std::string> warnings;
  auto bound = call->bindWeights(*weights, ATTNC_BIND_ALLOW_MISSING, &warnings);
  ASSERT_TRUE(bound) << bound.status().message();
  EXPECT_EQ(*bound, 1);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("1 parameter missing: 'lin.weight' (left "
                             "unbound)"),
            std::string::npos)
      << warnings[0];
}

TEST_F(WeightsBind, MisShaped) {
  std::vector<float> big(64);
  ASSERT_TRUE(weights->set<float>("lin.weight", {8, 8}, big.data()));
  ASSERT_TRUE(weights->set<float>("lin.bias", {4}, b.data()));
  EXPECT_TRUE(failsWith(call->bindWeights(*weights).status(),
                        ATTNC_ERROR_VALIDATION,
                        {"weights: 'lin.weight': shape [8, 8], expected "
                         "[4, 8]"}));
  ASSERT_TRUE(weights->set<float>("lin.weight", {32}, big.data()));
  EXPECT_TRUE(failsWith(call->bindWeights(*weights).status(),
                        ATTNC_ERROR_VALIDATION,
                        {"'lin.weight': shape [32], expected [4, 8]"}));
}

TEST_F(WeightsBind, MisShapedAgainstNamedDims) {
  setLinear();
  // The output already says d0 = 5; x from the weights says 3.
  std::vector<float> y(5 * 4), x(3 * 8);
  ASSERT_TRUE(call->setArg<float>("y", {5, 4}, y.data()));
  ASSERT_TRUE(weights->set<float>("x", {3, 8}, x.data()));
  EXPECT_TRUE(failsWith(call->bindWeights(*weights).status(),
                        ATTNC_ERROR_VALIDATION,
                        {"'x': shape [3, 8], expected [5, 8] (d0 = 5 from "
                         "output 'y')"}));
}

TEST_F(WeightsBind, WrongDtype) {
  std::vector<double> wd(32);
  ASSERT_TRUE(weights->set<double>("lin.weight", {4, 8}, wd.data()));
  ASSERT_TRUE(weights->set<float>("lin.bias", {4}, b.data()));
  EXPECT_TRUE(failsWith(call->bindWeights(*weights).status(),
                        ATTNC_ERROR_VALIDATION,
                        {"'lin.weight': dtype f64, expected f32"}));
}

TEST_F(WeightsBind, ExtraTensorsAreErrorsByDefault) {
  setLinear();
  float one = 1;
  ASSERT_TRUE(weights->set<float>("lin.bais", {1}, &one));
  ASSERT_TRUE(weights->set<float>("y", {1}, &one)); // an output takes none
  EXPECT_TRUE(failsWith(call->bindWeights(*weights).status(),
                        ATTNC_ERROR_VALIDATION,
                        {"entry 'f': 2 tensors no input takes: 'lin.bais', "
                         "'y'"}));
  std::vector<std::string> warnings;
  auto bound = call->bindWeights(*weights, ATTNC_BIND_ALLOW_EXTRA, &warnings);
  ASSERT_TRUE(bound) << bound.status().message();
  EXPECT_EQ(*bound, 2);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("2 tensors no input takes: 'lin.bais', 'y' "
                             "(ignored)"),
            std::string::npos)
      << warnings[0];
}

TEST_F(WeightsBind, MisspeltNameReportsBothSides) {
  ASSERT_TRUE(weights->set<float>("lin.wieght", {4, 8}, w.data()));
  ASSERT_TRUE(weights->set<float>("lin.bias", {4}, b.data()));
  EXPECT_TRUE(failsWith(call->bindWeights(*weights).status(),
                        ATTNC_ERROR_VALIDATION,
                        {"1 parameter missing: 'lin.weight'; 1 tensor no "
                         "input takes: 'lin.wieght'"}));
}

TEST_F(WeightsBind, LongListsNameTheFirstFive) {
  float one = 1;
  for (int i = 0; i < 7; ++i)
    ASSERT_TRUE(weights->set<float>("extra" + std::to_string(i) + ".w", {1},
                                    &one));
  setLinear();
  EXPECT_TRUE(failsWith(call->bindWeights(*weights).status(),
                        ATTNC_ERROR_VALIDATION,
                        {"7 tensors no input takes: 'extra0.w', 'extra1.w', "
                         "'extra2.w', 'extra3.w', 'extra4.w' and 2 more"}));
}

TEST_F(WeightsBind, SourceNamesTheFile) {
  setLinear();
  TempDir dir;
  std::string path = dir.path("w.safetensors");
  ASSERT_TRUE(weights->save(path));
  auto loaded = Weights::load(path);
  ASSERT_TRUE(loaded);
  std::vector<float> x(8);
  ASSERT_TRUE(loaded->set<float>("x", {1, 7}, x.data()));
  EXPECT_TRUE(failsWith(call->bindWeights(*loaded).status(),
                        ATTNC_ERROR_VALIDATION,
                        {path + ": 'x': shape [1, 7], expected [d0, 8]"}));
}

// A hand-made entry, for rules the compiled module does not exercise.
struct FakeEntry {
  std::vector<std::string> names;
  std::vector<std::vector<int64_t>> dims;
  std::vector<std::pair<int32_t, int32_t>> roles; // role, init
  std::vector<attnc_arg_desc> args;
  attnc_entry_desc entry{};

  // A parameter initialised by `init`, or with ATTNC_INIT_NONE an input of
  // the data role.
  void add(const std::string &name, std::vector<int64_t> shape,
           int32_t init = ATTNC_INIT_GLOROT) {
    names.push_back(name);
    dims.push_back(std::move(shape));
    roles.push_back({init == ATTNC_INIT_NONE ? ATTNC_ROLE_DATA
                                             : ATTNC_ROLE_PARAMETER,
                     init});
  }
  const attnc_entry_desc &finish() {
    args.clear();
    for (size_t i = 0; i < names.size(); ++i)
      args.push_back(attnc_arg_desc{names[i].c_str(), ATTNC_ARG_INPUT,
                                    ATTNC_DTYPE_F32, roles[i].first,
                                    static_cast<int32_t>(dims[i].size()),
                                    dims[i].data(), nullptr, -1, 0,
                                    roles[i].second});
    entry = attnc_entry_desc{"fake", nullptr, static_cast<int32_t>(args.size()),
                             args.data(), "fake.mlir:1:1", 0, nullptr};
    return entry;
  }
};

// The rule is the descriptor's init kind (ABI v2), whatever the names say:
// the last two parameters are named against their rules.
TEST(WeightsInit, RulesFromTheDescriptor) {
  FakeEntry e;
  e.add("x", {-1, 8}, ATTNC_INIT_NONE);                 // data: left alone
  e.add("enc.q_proj.weight", {64, 32});                 // Glorot, sqrt(6/96)
  e.add("enc.q_proj.bias", {64}, ATTNC_INIT_ZEROS);     // zeros
  e.add("norm1.weight", {32}, ATTNC_INIT_ONES);         // ones (norm scale)
  e.add("ln.gamma", {32}, ATTNC_INIT_ONES);             // ones
  e.add("ln.beta", {32}, ATTNC_INIT_ZEROS);             // zeros
  e.add("gat1.att_src", {4, 16});                       // Glorot, sqrt(6/20)
  e.add("conv.weight", {8, 4, 3});                      // fans 12 and 24
  e.add("pos.table", {200});                            // Glorot, sqrt(6/201)
  e.add("odd.bias", {16, 4});                           // Glorot, not zeros
  e.add("scale", {5}, ATTNC_INIT_ONES);                 // no dot, a parameter
  const attnc_entry_desc &entry = e.finish();
  auto w = Weights::create();
  auto added = w->init(entry, 1234);
  ASSERT_TRUE(added) << added.status().message();
  EXPECT_EQ(*added, 10);
  EXPECT_FALSE(w->contains("x"));

  auto all = [&](const std::string &name, float value) {
    for (float v : valuesOf<float>(*w, name))
      if (v != value)
        return false;
    return true;
  };
  EXPECT_TRUE(all("enc.q_proj.bias", 0));
  EXPECT_TRUE(all("norm1.weight", 1));
  EXPECT_TRUE(all("ln.gamma", 1));
  EXPECT_TRUE(all("ln.beta", 0));
  EXPECT_TRUE(all("scale", 1));

  auto glorot = [&](const std::string &name, double fanIn, double fanOut) {
    double a = std::sqrt(6.0 / (fanIn + fanOut));
    std::vector<float> v = valuesOf<float>(*w, name);
    double lo = 1e9, hi = -1e9, sum = 0, sq = 0;
    for (float x : v) {
      EXPECT_LE(std::abs(x), static_cast<float>(a)) << name;
      lo = std::min(lo, double(x)), hi = std::max(hi, double(x));
      sum += x, sq += double(x) * x;
    }
    double n = static_cast<double>(v.size());
    // Spread over most of the interval, mean near 0, variance near a^2/3.
    EXPECT_LT(lo, -0.8 * a) << name;
    EXPECT_GT(hi, 0.8 * a) << name;
    EXPECT_NEAR(sum / n, 0, 4 * a / std::sqrt(3 * n)) << name;
    EXPECT_NEAR(sq / n, a * a / 3, 0.25 * a * a / 3) << name;
  };
  glorot("enc.q_proj.weight", 32, 64);
  glorot("gat1.att_src", 16, 4);
  glorot("conv.weight", 4 * 3, 8 * 3);
  glorot("pos.table", 200, 1);
  glorot("odd.bias", 4, 16);
}

TEST(WeightsInit, DeterministicPerSeedAndIndependentOfOthers) {
  FakeEntry e;
  e.add("a.weight", {16, 8});
  e.add("b.weight", {8, 8});
  const attnc_entry_desc &entry = e.finish();
  auto w1 = Weights::create(), w2 = Weights::create(), w3 = Weights::create();
  ASSERT_TRUE(w1->init(entry, 7));
  ASSERT_TRUE(w2->init(entry, 7));
  ASSERT_TRUE(w3->init(entry, 8));
  EXPECT_EQ(valuesOf<float>(*w1, "a.weight"),
            valuesOf<float>(*w2, "a.weight"));
  EXPECT_NE(valuesOf<float>(*w1, "a.weight"),
            valuesOf<float>(*w3, "a.weight"));
  // Distinct parameters of equal shape get distinct values.
  std::vector<float> a = valuesOf<float>(*w1, "a.weight");
  EXPECT_NE(std::vector<float>(a.begin(), a.begin() + 64),
            valuesOf<float>(*w1, "b.weight"));
  // A parameter already present is kept, and the others' values do not
  // depend on it.
  std::vector<float> given(64, 3);
  auto w4 = Weights::create();
  ASSERT_TRUE(w4->set<float>("b.weight", {8, 8}, given.data()));
  auto added = w4->init(entry, 7);
  ASSERT_TRUE(added);
  EXPECT_EQ(*added, 1);
  EXPECT_EQ(valuesOf<float>(*w4, "b.weight"), given);
  EXPECT_EQ(valuesOf<float>(*w4, "a.weight"),
            valuesOf<float>(*w1, "a.weight"));
}

TEST(WeightsInit, DynamicExtentsCannotBeInitialised) {
  FakeEntry e;
  e.add("emb.weight", {-1, 8});
  const attnc_entry_desc &entry = e.finish();
  auto w = Weights::create();
  EXPECT_TRUE(failsWith(w->init(entry, 1).status(), ATTNC_ERROR_VALIDATION,
                        {"entry 'fake', parameter 'emb.weight': dim 0 is "
                         "dynamic"}));
  EXPECT_EQ(attnc_weights_count(w->get()), 0);
}

TEST_F(WeightsBind, InitThenBindRuns) {
  auto added = weights->init(call->entry(), 42);
  ASSERT_TRUE(added) << added.status().message();
  EXPECT_EQ(*added, 2);
  ASSERT_TRUE(call->bindWeights(*weights));
  std::vector<float> x(8, 1), y(4, NAN);
  ASSERT_TRUE(call->setArg<float>("x", {1, 8}, x.data()));
  ASSERT_TRUE(call->setArg<float>("y", {1, 4}, y.data()));
  ASSERT_TRUE(call->execute());
  std::vector<float> wv = valuesOf<float>(*weights, "lin.weight");
  for (int o = 0; o < 4; ++o) {
    double want = 0; // zero bias
    for (int c = 0; c < 8; ++c)
      want += wv[o * 8 + c];
    EXPECT_NEAR(y[o], want, 1e-5);
  }
}

} // namespace
} // namespace attnc::test
