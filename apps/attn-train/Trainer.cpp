#include "apps/attn-train/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace attnc::train {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

[[noreturn]] void fail(const std::string &message) {
  throw std::runtime_error(message);
}

void check(const Status &s, const std::string &what) {
  if (!s)
    fail(what + ": " + s.message());
}

Call makeCall(const Module &module, const std::string &entry) {
  if (!module.findEntry(entry))
    fail("the module has no entry '" + entry + "'" +
         (entry.size() > 6 && entry.compare(entry.size() - 6, 6, "_train") == 0
              ? " (compile the model with attnc --train)"
              : ""));
  auto call = Call::create(module, entry);
  if (!call)
    fail(call.status().message());
  return std::move(call).value();
}

} // namespace

Trainer::Trainer(const Module &module, const std::string &entry,
                 const Task &task, uint64_t seed)
    : task_(task), infer_(makeCall(module, entry)),
      train_(makeCall(module, entry + "_train")), entry_(entry) {
  // Parameters: the inference entry's, initialised by the runtime's rule.
  auto weights = Weights::create();
  if (!weights)
    fail(weights.status().message());
  auto added = weights->init(infer_.entry(), seed);
  if (!added)
    fail("initialising the parameters: " + added.status().message());
  const attnc_entry_desc &e = infer_.entry();
  for (int32_t a = 0; a < e.num_args; ++a) {
    const attnc_arg_desc &arg = e.args[a];
    if (!attnc_arg_is_parameter(&arg))
      continue;
    if (arg.dtype != ATTNC_DTYPE_F32)
      fail(std::string("parameter '") + arg.name + "' is not f32");
    Parameter p;
    p.name = arg.name;
    p.init = arg.init;
    p.shape.assign(arg.dims, arg.dims + arg.rank);
    auto values = weights->values<float>(p.name);
    if (!values)
      fail(values.status().message());
    p.value = std::move(values).value();
    p.grad.assign(p.value.size(), 0.0f);
    params_.push_back(std::move(p));
  }
  trainMask_ = task_.train;
  logProbs_.assign(static_cast<size_t>(task_.num_nodes * task_.num_classes),
                   0.0f);
  if (takesSparseFeatures(infer_.entry()))
    buildSparseFeatures();
  bindData(infer_, false);
  bindData(train_, true);
}

// The features in CSR form, for models that take them sparse.
void Trainer::buildSparseFeatures() {
  featureOffsets_.assign(1, 0);
  for (int64_t n = 0; n < task_.num_nodes; ++n) {
    for (int64_t c = 0; c < task_.num_features; ++c) {
      float v = task_.features[static_cast<size_t>(n * task_.num_features + c)];
      if (v != 0.0f) {
        featureColumns_.push_back(c);
        featureValues_.push_back(v);
      }
    }
    featureOffsets_.push_back(static_cast<int64_t>(featureColumns_.size()));
  }
}

bool Trainer::takesSparseFeatures(const attnc_entry_desc &e) {
  return std::any_of(e.args, e.args + e.num_args, [](const attnc_arg_desc &a) {
    return a.role == ATTNC_ROLE_SPARSE_VALUES;
  });
}

// Binds every argument by its role (module_abi.h), never by its name: the
// features are the data input (dense) or the sparse matrix's three inputs,
// the graph its CSR inputs; the training entry adds labels, the loss mask,
// the seed, the loss and one gradient per parameter. The transposed graph
// is the runtime's to compute.
void Trainer::bindData(Call &call, bool training) {
  const attnc_entry_desc &e = call.entry();
  const std::string where = "entry '" + std::string(e.name) + "'";
  const std::vector<int64_t> nodes{task_.num_nodes};
  const std::vector<int64_t> nodes1{task_.num_nodes + 1};
  const std::vector<int64_t> edges{task_.graph.numEdges()};
  const std::vector<int64_t> stored{
      static_cast<int64_t>(featureColumns_.size())};
  bool haveFeatures = false, haveOutput = false;
  auto *g = const_cast<graph::Graph *>(&task_.graph);
  auto parameter = [&](const std::string &name) {
    auto it = std::find_if(params_.begin(), params_.end(),
                           [&](const Parameter &p) { return p.name == name; });
    if (it == params_.end())
      fail(where + ": '" + name +
           "' is not a parameter of the inference entry");
    return it;
  };
  auto unexpected = [&](const attnc_arg_desc &arg) {
    fail(where + ": " +
         (arg.kind == ATTNC_ARG_OUTPUT ? "output '" : "input '") + arg.name +
         "' has role " + attnc_role_name(arg.role) +
         ", which node classification does not bind" +
         (training ? "" : " in the inference entry"));
  };
  for (int32_t a = 0; a < e.num_args; ++a) {
    const attnc_arg_desc &arg = e.args[a];
    const std::string name = arg.name;
    Status s;
    switch (arg.role) {
    case ATTNC_ROLE_OUTPUT:
      if (training || haveOutput)
        unexpected(arg);
      haveOutput = true;
      s = call.setArg(name, {task_.num_nodes, task_.num_classes},
                      logProbs_.data());
      break;
    case ATTNC_ROLE_LOSS:
      if (!training)
        unexpected(arg);
      s = call.setArg(name, {1}, loss_.data());
      break;
    case ATTNC_ROLE_GRADIENT: {
      auto it = parameter(e.args[arg.related_arg].name);
      s = call.setArg(name, it->shape, it->grad.data());
      break;
    }
    case ATTNC_ROLE_PARAMETER: {
      auto it = parameter(name);
      s = call.setArg(name, it->shape, it->value.data());
      break;
    }
    case ATTNC_ROLE_DATA:
      if (haveFeatures || arg.dtype != ATTNC_DTYPE_F32 || arg.rank != 2)
        fail(where + ": data input '" + name +
             "' is not the one [nodes, features] f32 input");
      haveFeatures = true;
      s = call.setArg(name, {task_.num_nodes, task_.num_features},
                      const_cast<float *>(task_.features.data()));
      break;
    case ATTNC_ROLE_CSR_ROW_OFFSETS:
      // A sparse matrix's offsets pair with sparse column indices.
      if (e.args[arg.related_arg].role == ATTNC_ROLE_SPARSE_COL_INDICES)
        s = call.setArg(name, nodes1, featureOffsets_.data());
      else
        s = call.setArg(name, nodes1, g->row_offsets.data());
      break;
    case ATTNC_ROLE_CSR_COL_INDICES:
      s = call.setArg(name, edges, g->col_indices.data());
      break;
    case ATTNC_ROLE_SPARSE_COL_INDICES:
      s = call.setArg(name, stored, featureColumns_.data());
      break;
    case ATTNC_ROLE_SPARSE_VALUES:
      if (haveFeatures)
        fail(where + ": more than one features input");
      haveFeatures = true;
      s = call.setArg(name, stored, featureValues_.data());
      break;
    case ATTNC_ROLE_T_OFFSETS:
    case ATTNC_ROLE_T_DESTINATIONS:
    case ATTNC_ROLE_T_EDGES:
      continue; // computed by the runtime from the graph
    case ATTNC_ROLE_LABELS:
      if (!training)
        unexpected(arg);
      s = call.setArg(name, nodes, const_cast<int32_t *>(task_.labels.data()));
      break;
    case ATTNC_ROLE_LOSS_MASK:
      if (!training)
        unexpected(arg);
      s = call.setArg(name, ATTNC_DTYPE_BOOL, nodes, trainMask_.data());
      break;
    case ATTNC_ROLE_SEED:
      if (!training)
        unexpected(arg);
      s = call.setArg(name, {1}, seed_.data());
      break;
    default:
      unexpected(arg);
    }
    check(s, "binding '" + name + "'");
  }
  if (!haveFeatures)
    fail(where + " takes no [nodes, features] f32 input, dense or sparse");
  // Check everything once; executes then only re-check cheap things.
  if (training)
    seed_[0] = 1;
  check(call.validate(), task_.name);
}

const std::vector<float> &Trainer::evaluate() {
  check(infer_.execute(), "inference");
  return logProbs_;
}

Metrics Trainer::metrics(const std::vector<uint8_t> &mask) const {
  Metrics m;
  const int64_t c = task_.num_classes;
  double nll = 0.0;
  int64_t correct = 0;
  for (int64_t i = 0; i < task_.num_nodes; ++i) {
    if (mask.empty() || !mask[i] || task_.labels[i] < 0)
      continue;
    const float *row = &logProbs_[static_cast<size_t>(i * c)];
    int64_t best = std::max_element(row, row + c) - row;
    correct += best == task_.labels[i];
    nll -= row[task_.labels[i]];
    ++m.count;
  }
  if (m.count) {
    m.accuracy = static_cast<double>(correct) / static_cast<double>(m.count);
    m.loss = nll / static_cast<double>(m.count);
  }
  return m;
}

std::vector<int32_t> Trainer::predictions() const {
  const int64_t c = task_.num_classes;
  std::vector<int32_t> out(static_cast<size_t>(task_.num_nodes));
  for (int64_t i = 0; i < task_.num_nodes; ++i) {
    const float *row = &logProbs_[static_cast<size_t>(i * c)];
    out[i] = static_cast<int32_t>(std::max_element(row, row + c) - row);
  }
  return out;
}

double Trainer::trainStep(Adam &adam, uint64_t seed) {
  auto start = Clock::now();
  seed_[0] = static_cast<int64_t>(seed);
  check(train_.execute(), "training step");
  std::vector<float *> values;
  std::vector<const float *> grads;
  for (Parameter &p : params_) {
    values.push_back(p.value.data());
    grads.push_back(p.grad.data());
  }
  adam.step(values, grads);
  return msSince(start);
}

TrainResult Trainer::train(const TrainOptions &o) {
  std::vector<size_t> sizes;
  for (const Parameter &p : params_)
    sizes.push_back(p.value.size());
  Adam adam(o.adam, sizes);
  std::vector<bool> decays;
  for (const Parameter &p : params_)
    decays.push_back(o.decay_biases || p.init != ATTNC_INIT_ZEROS);
  adam.setDecays(decays);
  TrainResult r;
  std::vector<std::vector<float>> best;
  double bestAcc = -1.0, bestLoss = INFINITY;
  double bestTest = 0.0;
  int64_t wait = 0;
  double evalMs = 0.0;
  for (int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    EpochStats s;
    s.epoch = epoch;
    s.step_ms = trainStep(adam, dropoutSeed(o.seed, epoch));
    s.train_loss = loss_[0];
    if (!std::isfinite(s.train_loss))
      fail("the training loss is " + std::to_string(s.train_loss) +
           " at epoch " + std::to_string(epoch));
    auto evalStart = Clock::now();
    evaluate();
    evalMs += msSince(evalStart);
    s.train = metrics(task_.train);
    s.val = metrics(task_.val);
    s.test = metrics(task_.test);
    // The GAT reference's rule: a checkpoint when val accuracy and val
    // loss both are at least as good as their bests; patience counts the
    // epochs in which neither is.
    if (s.val.accuracy >= bestAcc || s.val.loss <= bestLoss) {
      if (s.val.accuracy >= bestAcc && s.val.loss <= bestLoss) {
        r.best_epoch = epoch;
        bestTest = s.test.accuracy;
        best.clear();
        for (const Parameter &p : params_)
          best.push_back(p.value);
      }
      bestAcc = std::max(bestAcc, s.val.accuracy);
      bestLoss = std::min(bestLoss, s.val.loss);
      wait = 0;
    } else {
      ++wait;
    }
    s.best_epoch = r.best_epoch;
    s.best_val_acc = bestAcc;
    s.best_test_acc = bestTest;
    r.history.push_back(s);
    r.epochs_run = epoch;
    if (o.on_epoch)
      o.on_epoch(s);
    if (wait >= o.patience)
      break;
  }
  // Restore the checkpoint and measure it.
  for (size_t k = 0; k < params_.size() && !best.empty(); ++k)
    params_[k].value = best[k];
  evaluate();
  r.train = metrics(task_.train);
  r.val = metrics(task_.val);
  r.test = metrics(task_.test);
  for (const EpochStats &s : r.history) {
    const EpochStats *b = r.best_val_acc_epoch
                              ? &r.history[r.best_val_acc_epoch - 1]
                              : nullptr;
    if (!b || s.val.accuracy > b->val.accuracy ||
        (s.val.accuracy == b->val.accuracy && s.val.loss < b->val.loss)) {
      r.best_val_acc_epoch = s.epoch;
      r.best_val_acc_test_accuracy = s.test.accuracy;
    }
  }
  std::vector<double> steps;
  for (const EpochStats &s : r.history)
    steps.push_back(s.step_ms);
  if (!steps.empty()) {
    double sum = 0.0;
    for (double x : steps)
      sum += x;
    r.mean_step_ms = sum / static_cast<double>(steps.size());
    std::nth_element(steps.begin(), steps.begin() + steps.size() / 2,
                     steps.end());
    r.median_step_ms = steps[steps.size() / 2];
    r.mean_eval_ms = evalMs / static_cast<double>(steps.size());
  }
  return r;
}

void Trainer::saveWeights(
    const std::string &path,
    const std::map<std::string, std::string> &metadata) const {
  auto weights = Weights::create();
  if (!weights)
    fail(weights.status().message());
  for (const Parameter &p : params_)
    check(weights->set<float>(p.name, p.shape, p.value.data()),
          "saving '" + p.name + "'");
  for (const auto &[key, value] : metadata)
    check(weights->setMetadata(key, value), "saving metadata");
  check(weights->save(path), "saving weights");
}

} // namespace attnc::train
