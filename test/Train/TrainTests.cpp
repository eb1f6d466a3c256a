// attn-train's building blocks against independent references, and a short
// training run whose loss must fall.
#include "apps/attn-train/Adam.h"
#include "apps/attn-train/Compile.h"
#include "apps/attn-train/ModelText.h"
#include "apps/attn-train/Tasks.h"
#include "apps/attn-train/Trainer.h"
#include "graphdata/Datasets.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <stdexcept>
#include <tuple>

using namespace attnc::train;

// The transposed graph moved into the runtime (test/Runtime/TransposeTest.cpp).

TEST(Adam, HandComputedSteps) {
  // lr 0.01, wd 0.1, w = 1, grad 0.5 twice.
  AdamOptions o;
  o.lr = 0.01;
  o.weight_decay = 0.1;
  Adam adam(o, {1});
  float w = 1.0f;
  const float g = 0.5f;
  adam.step({&w}, {&g});
  // g' = 0.5 + 0.1 * 1 = 0.6; m = 0.06, v = 0.00036; m^ = 0.6, v^ = 0.36;
  // w = 1 - 0.01 * 0.6 / (0.6 + 1e-8).
  EXPECT_NEAR(w, 1.0 - 0.01 * 0.6 / (0.6 + 1e-8), 1e-7);
  adam.step({&w}, {&g});
  // g' = 0.5 + 0.1 * 0.99 = 0.599; m = 0.9 * 0.06 + 0.1 * 0.599 = 0.1139;
  // v = 0.999 * 0.00036 + 0.001 * 0.358801 = 0.000718441;
  // m^ = 0.1139 / 0.19 = 0.599473684; v^ = 0.000718441 / 0.001999
  //    = 0.359400200; sqrt = 0.599500125; w = 0.99 - 0.01 * 0.99995 (about).
  const double expected = 0.99 - 0.01 * (0.1139 / 0.19) /
                                     (std::sqrt(0.000718441 / 0.001999) + 1e-8);
  EXPECT_NEAR(w, expected, 2e-7);
  EXPECT_NEAR(expected, 0.98000050, 1e-7);
  EXPECT_EQ(adam.steps(), 2);
}

TEST(Adam, ZeroGradientWithoutDecayLeavesWeights) {
  AdamOptions o;
  o.weight_decay = 0.0;
  Adam adam(o, {3});
  std::vector<float> w = {1.0f, -2.0f, 3.0f}, g(3, 0.0f);
  adam.step({w.data()}, {g.data()});
  EXPECT_EQ(w, (std::vector<float>{1.0f, -2.0f, 3.0f}));
}

// The GAT reference code's L2 exempts biases: a parameter without decay
// and a zero gradient stays put while its neighbour decays.
TEST(Adam, DecayExemptParametersOnlyFollowTheirGradient) {
  AdamOptions o;
  o.weight_decay = 0.5;
  Adam adam(o, {1, 1});
  adam.setDecays({true, false});
  float decayed = 1.0f, exempt = 1.0f;
  const float zero = 0.0f;
  adam.step({&decayed, &exempt}, {&zero, &zero});
  EXPECT_EQ(exempt, 1.0f);
  // g' = 0.5 * 1: the first step moves by lr * g'/|g'| = lr.
  EXPECT_NEAR(decayed, 1.0 - o.lr, 1e-6);
}

TEST(Tasks, AreTheDatasetTableRowsWithATask) {
  std::vector<std::string> expected;
  for (const attnc::graph::DatasetInfo &d : attnc::graph::datasets())
    if (d.task != attnc::graph::TaskKind::None)
      expected.push_back(d.name);
  EXPECT_EQ(taskNames(), expected);
  EXPECT_EQ(taskNames(), (std::vector<std::string>{
                             "cora", "citeseer", "email-eu-core", "facebook",
                             "mutag", "proteins", "nci1", "ptc_mr"}));
  EXPECT_THROW(loadTask("pubmed", "/nonexistent"), std::invalid_argument);
}

TEST(Split, StratifiedIsAPartitionWithTheStatedSizes) {
  std::vector<int32_t> labels;
  for (int c = 0; c < 4; ++c)
    for (int k = 0; k < 10 * (c + 1); ++k)
      labels.push_back(c);
  labels.push_back(-1);
  labels.push_back(4); // a class of one: train only
  auto s = stratifiedSplit(labels, 5, 0.2, 0.2, 7);
  for (size_t i = 0; i < labels.size(); ++i) {
    int in = s.train[i] + s.val[i] + s.test[i];
    EXPECT_EQ(in, labels[i] < 0 ? 0 : 1) << i;
  }
  for (int c = 0; c < 4; ++c) {
    int64_t n = 10 * (c + 1), val = 0, test = 0;
    for (size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == c) {
        val += s.val[i];
        test += s.test[i];
      }
    EXPECT_EQ(val, std::llround(0.2 * n));
    EXPECT_EQ(test, std::llround(0.2 * n));
  }
  EXPECT_EQ(s.train.back(), 1);
  auto again = stratifiedSplit(labels, 5, 0.2, 0.2, 7);
  EXPECT_EQ(again.test, s.test);
}

TEST(ModelText, FillsPlaceholders) {
  EXPECT_EQ(fillTemplate("a ${X} b ${Y}", {{"X", "1"}, {"Y", "2"}}), "a 1 b 2");
  EXPECT_THROW(fillTemplate("${Z}", {{"X", "1"}}), std::invalid_argument);
  EXPECT_THROW(fillTemplate("${X", {{"X", "1"}}), std::invalid_argument);
  std::string gat = builtinTemplate("gat");
  ASSERT_NE(gat.find("${CLASSES}"), std::string::npos);
  EXPECT_NE(builtinTemplate("mlp").find("kind: linear"), std::string::npos);
  EXPECT_TRUE(builtinTemplate("gcn").empty());
}

// A few epochs of the GAT recipe on a tiny generated graph: the training
// loss falls and the model beats chance.
// The built-in template `model` for `task`, compiled with its features in
// `layout` (csr or dense) as entry `name`.
attnc::Module compileBuiltin(const std::string &model, const Task &task,
                             const std::string &name,
                             const std::string &layout,
                             const std::string &target = "host") {
  std::string yaml = fillTemplate(
      builtinTemplate(model), {{"NAME", name},
                               {"FEATURES", std::to_string(task.num_features)},
                               {"CLASSES", std::to_string(task.num_classes)},
                               {"LAYOUT", layout},
                               {"FEATURE_DROPOUT", "0.6"}});
  std::string path =
      compileTrainingModule(yaml, name, {ATTNC_BINARY, ATTNC_TRAIN_CACHE, target});
  auto module = attnc::Module::load(path);
  if (!module) {
    ADD_FAILURE() << module.status().message();
    std::abort();
  }
  return std::move(module).value();
}

// Two runs that must train alike: train and validation losses agree to
// 1e-4 (relative) at every epoch.
void expectSameLosses(const TrainResult &ra, const TrainResult &rb) {
  ASSERT_EQ(ra.history.size(), rb.history.size());
  for (size_t k = 0; k < ra.history.size(); ++k) {
    EXPECT_NEAR(ra.history[k].train_loss, rb.history[k].train_loss,
                1e-4 * std::abs(rb.history[k].train_loss))
        << "epoch " << k + 1;
    EXPECT_NEAR(ra.history[k].val.loss, rb.history[k].val.loss,
                1e-4 * std::abs(rb.history[k].val.loss))
        << "epoch " << k + 1;
  }
}

// GAT training on the GPU schedules (OpenCL; pocl runs them on the CPU)
// follows the CPU module epoch by epoch: forward, every gradient, dropout
// masks. Skipped where no OpenCL platform is installed.
TEST(Training, GpuSchedulesTrainLikeTheCpu) {
  Task task = tinySyntheticTask(150, 33, 4, 7);
  attnc::Module gpu = compileBuiltin("gat", task, "gat_gpu", "csr", "opencl");
  if (attnc::Status device = gpu.checkDevice(); !device)
    GTEST_SKIP() << device.message();
  attnc::Module cpu = compileBuiltin("gat", task, "gat_cpu", "csr");
  TrainOptions o;
  o.epochs = 10;
  o.patience = 1000;
  Trainer a(gpu, "gat_gpu", task, 11), b(cpu, "gat_cpu", task, 11);
  TrainResult ra = a.train(o), rb = b.train(o);
  expectSameLosses(ra, rb);
}

TEST(Training, LossDecreasesOnATinyGraph) {
  Task task = tinySyntheticTask(120, 40, 3, 5);
  attnc::Module module = compileBuiltin("gat", task, "gat_tiny", "csr");
  Trainer trainer(module, "gat_tiny", task, 3);
  TrainOptions o;
  o.epochs = 40;
  o.patience = 1000;
  o.adam.lr = 0.01;
  TrainResult r = trainer.train(o);
  ASSERT_EQ(r.history.size(), 40u);
  double first = 0, last = 0;
  for (int k = 0; k < 5; ++k) {
    first += r.history[k].train_loss;
    last += r.history[35 + k].train_loss;
  }
  EXPECT_LT(last, 0.8 * first);
  // Without dropout, the training nodes' loss falls too.
  EXPECT_LT(r.history.back().train.loss, r.history.front().train.loss);
  EXPECT_GT(r.test.accuracy, 0.5); // chance is 1/3
}

// Sparse features are a representation, not a different model: the same
// seeds give the same dropout masks, so training with the features in CSR
// form follows the dense run step by step (up to fp32 summation order).
TEST(Training, SparseAndDenseFeaturesTrainAlike) {
  Task task = tinySyntheticTask(150, 33, 4, 7);
  for (const char *model : {"gat", "mlp"}) {
    SCOPED_TRACE(model);
    std::string base = std::string(model) + "_layout";
    attnc::Module sparse = compileBuiltin(model, task, base + "_csr", "csr");
    attnc::Module dense = compileBuiltin(model, task, base + "_dense", "dense");
    TrainOptions o;
    o.epochs = 15;
    o.patience = 1000;
    Trainer a(sparse, base + "_csr", task, 11), b(dense, base + "_dense", task, 11);
    TrainResult ra = a.train(o), rb = b.train(o);
    expectSameLosses(ra, rb);
  }
}
