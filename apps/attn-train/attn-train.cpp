// attn-train: trains a GNN node classifier end to end. It generates the
// model description for the dataset (examples/gat-node.yaml.in or
// mlp-node.yaml.in, or the user's file), compiles it with `attnc --train`,
// and runs full-batch Adam with early stopping on the module's training
// entry, evaluating with its inference entry. Tasks: docs/gnn-tasks.md.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "apps/attn-train/Compile.h"
#include "apps/attn-train/GraphInput.h"
#include "apps/attn-train/ModelText.h"
#include "apps/attn-train/Session.h"
#include "apps/attn-train/Tasks.h"
#include "apps/attn-train/Trainer.h"
#include "graphdata/Datasets.h"
#include "runtime/npy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <cerrno>
#include <cstdlib>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace attnc::train;

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

struct Options {
  std::string dataset;
  std::string graph; ///< --graph FILE.npz or DIR
  GraphInputOptions graphOptions;
  std::string dataDir;
  std::string model = "gat";
  uint64_t seed = 1;
  int64_t epochs = 1000;
  int64_t patience = 100;
  double lr = 0.005;
  double weightDecay = 5e-4;
  std::string saveWeights, predictions, exportDir, module, cacheDir, attnc;
  std::string history, plot; ///< --history FILE.json, --plot FILE.png
  std::string target = "host";
  bool quiet = false, json = false;
  bool denseFeatures = false;
  std::string recipe = "auto";
  std::string splits; ///< --splits 0-9: one run per split
};

// "0-9", "0,2,5" or "0-2,7": the splits in the order given.
std::vector<int64_t> parseSplits(const std::string &text) {
  std::vector<int64_t> out;
  auto bad = [&] {
    return std::invalid_argument("--splits: '" + text +
                                 "' is not a range (0-9) or list (0,2,5) of "
                                 "split numbers");
  };
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    size_t dash = part.find('-');
    auto number = [&](const std::string &t) {
      if (t.empty() || t.size() > 7 ||
          t.find_first_not_of("0123456789") != std::string::npos)
        throw bad();
      return static_cast<int64_t>(std::stoll(t));
    };
    int64_t first = number(part.substr(0, dash));
    int64_t last =
        dash == std::string::npos ? first : number(part.substr(dash + 1));
    if (last < first)
      throw bad();
    for (int64_t v = first; v <= last; ++v)
      out.push_back(v);
  }
  if (out.empty() || text.back() == ',')
    throw bad();
  return out;
}

std::string bar(int64_t done, int64_t total, int width = 20) {
  int filled = static_cast<int>(width * done / std::max<int64_t>(total, 1));
  return std::string(static_cast<size_t>(filled), '#') +
         std::string(static_cast<size_t>(width - filled), '.');
}

void writePredictions(const Task &t, const Trainer &trainer,
                      const std::vector<float> &logProbs,
                      const std::string &path) {
  const std::string temp = path + ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(temp);
    out << "node\tsplit\tlabel\tpredicted\tconfidence\n";
    std::vector<int32_t> pred = trainer.predictions();
    for (int64_t i = 0; i < t.num_nodes; ++i) {
      if (!t.original_node.empty() && t.labels[i] < 0)
        continue; // molecule copies: each atom where it is predicted
      const char *split = t.train[i] ? "train"
                          : t.val[i] ? "val"
                          : t.test[i] ? "test"
                                      : "-";
      auto name = [&](int32_t c) {
        return c < 0 ? std::string("-") : t.class_names[c];
      };
      double conf = std::exp(
          logProbs[static_cast<size_t>(i * t.num_classes + pred[i])]);
      out << (t.original_node.empty() ? i : t.original_node[i]) << '\t'
          << split << '\t' << name(t.labels[i]) << '\t' << name(pred[i])
          << '\t' << conf << '\n';
    }
    if (!out)
      throw std::runtime_error("cannot write '" + path + "'");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot write '" + path + "'");
}

/// A failure whose one-line message another process already printed.
struct AlreadyReported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Per-epoch metrics as JSON: what --history writes and attnc.plot reads.
void writeHistory(const TrainResult &r, const std::string &title,
                  const std::string &path) {
  nlohmann::json epochs = nlohmann::json::array();
  for (const EpochStats &s : r.history)
    epochs.push_back({{"epoch", s.epoch},
                      {"train_loss", s.train_loss},
                      {"train_accuracy", s.train.accuracy},
                      {"val_loss", s.val.loss},
                      {"val_accuracy", s.val.accuracy},
                      {"test_accuracy", s.test.accuracy},
                      {"step_ms", s.step_ms}});
  nlohmann::json j = {{"title", title},
                      {"best_epoch", r.best_epoch},
                      {"history", epochs}};
  const std::string temp = path + ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(temp);
    out << j.dump() << "\n";
    if (!out) {
      std::remove(temp.c_str());
      throw std::runtime_error("cannot write '" + path + "'");
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot write '" + path + "'");
}

/// Draws the curves with the attnc Python package (attnc.plot), so the
/// command line and result.plot() draw the same picture.
void plotHistory(const std::string &historyPath, const std::string &png) {
  const char *python = std::getenv("ATTNC_PYTHON");
  std::string interpreter = python && *python ? python : ATTN_TRAIN_PYTHON;
  if (std::string dir = ATTN_TRAIN_PYTHONPATH; !dir.empty()) {
    const char *old = std::getenv("PYTHONPATH");
    setenv("PYTHONPATH",
           (dir + (old && *old ? ":" + std::string(old) : "")).c_str(), 1);
  }
  const char *code =
      "import sys\n"
      "try:\n"
      "    import attnc.plot as p\n"
      "except ImportError as e:\n"
      "    sys.exit('attn-train: error: --plot needs the attnc Python "
      "package (' + str(e) + ')')\n"
      "sys.exit(p.main(sys.argv))\n";
  std::vector<std::string> args = {interpreter, "-c", code, historyPath, png};
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, interpreter.c_str(), nullptr, nullptr, argv.data(),
                   environ) != 0)
    throw std::runtime_error("--plot: cannot run '" + interpreter +
                             "' (set ATTNC_PYTHON to a Python with the attnc "
                             "package and matplotlib)");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
    throw AlreadyReported("--plot");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("--plot: " + png + " was not drawn");
}

/// The task and how it is trained, as every --json result states them.
nlohmann::json describeTask(const Task &task, const std::string &modelLabel,
                            const std::string &recipe, uint64_t seed) {
  return {{"dataset", task.name},
          {"family", task.family},
          {"synthetic", task.synthetic},
          {"provenance", task.provenance},
          {"path", task.source_path},
          {"model", modelLabel},
          {"recipe", recipe},
          {"seed", seed},
          {"nodes", task.num_nodes},
          {"edges", task.graph.numEdges()},
          {"features", task.num_features},
          {"classes", task.num_classes}};
}

int run(const Options &o) {
  const bool human = !o.quiet;
  try { // a bad --model is refused before any data is read
    modelText(o.model);
  } catch (const std::invalid_argument &e) {
    throw std::invalid_argument(std::string("--model: ") + e.what());
  }
  std::ostream &info = o.json ? std::cerr : std::cout;
  if (o.dataset.empty() == o.graph.empty())
    throw std::invalid_argument(
        "give one of --dataset NAME and --graph FILE.npz|DIR");
  const std::vector<int64_t> splits =
      o.splits.empty() ? std::vector<int64_t>{} : parseSplits(o.splits);
  if (!splits.empty() && (!o.saveWeights.empty() || !o.predictions.empty() ||
                          !o.history.empty() || !o.plot.empty()))
    throw std::invalid_argument("--splits trains several models; "
                                "--save-weights, --predictions, --history "
                                "and --plot take one");
  // Split number s: column s of [N, K] masks, or seed s of --split-ratio.
  const bool generatedSplits = !o.graphOptions.splitRatio.empty();
  auto graphOptionsFor = [&](int64_t s) {
    GraphInputOptions g = o.graphOptions;
    if (generatedSplits)
      g.splitSeed = static_cast<uint64_t>(s);
    else
      g.splitColumn = s;
    return g;
  };
  Task task = o.graph.empty() ? loadTask(o.dataset, o.dataDir)
              : splits.empty()
                  ? loadGraphTask(o.graph, o.graphOptions)
                  : loadGraphTask(o.graph, graphOptionsFor(splits[0]));
  // Every split is checked before anything trains.
  for (size_t k = 1; k < splits.size(); ++k)
    loadGraphTask(o.graph, graphOptionsFor(splits[k]));
  if (task.synthetic)
    std::cerr << "attn-train: note: " << task.provenance << "\n";
  if (human) {
    info << "attn-train: " << task.name << " (" << task.family
         << "): " << task.num_nodes << " nodes, " << task.graph.numEdges()
         << " edges (" << task.edges_text << "), " << task.num_features
         << " features, " << task.num_classes << " classes; train "
         << attnc::graph::countMask(task.train) << ", val "
         << attnc::graph::countMask(task.val) << ", test "
         << attnc::graph::countMask(task.test) << "\n";
    if (!task.synthetic)
      info << "  data: " << task.provenance << "\n";
    info << "  split: " << task.split_text << "\n  features: "
         << task.features_text << "\n  metric: " << task.metric_text << "\n";
  }
  if (!o.exportDir.empty()) {
    exportTask(task, o.exportDir);
    if (human)
      info << "  exported to " << o.exportDir << "\n";
  }

  ModelChoice choice;
  choice.model = o.model;
  choice.recipe = o.recipe;
  choice.denseFeatures = o.denseFeatures;
  choice.module = o.module;
  choice.attnc = o.attnc;
  choice.cacheDir = o.cacheDir;
  choice.target = o.target;
  const std::string &recipe = resolveRecipe(o.recipe, task);
  if (human)
    info << "  recipe: " << recipe
         << (recipe == "reference"
                 ? " (GAT reference code: dropout on aggregated features, "
                   "no weight decay on biases)\n"
                 : " (PyG GATConv: weight decay on every parameter)\n");
  const PreparedModel prepared = prepareModel(task, choice);
  const std::string &entry = prepared.entry;
  const std::string &modulePath = prepared.modulePath;
  const std::string &modelLabel = prepared.label;
  if (human)
    info << "  model: " << modelLabel << " -> " << modulePath << " (entries "
         << entry << ", " << entry << "_train)\n";
  auto module = attnc::Module::load(modulePath);
  if (!module)
    throw std::runtime_error(module.status().message());

  if (!splits.empty()) {
    TrainOptions t;
    t.epochs = o.epochs;
    t.patience = o.patience;
    t.adam.lr = o.lr;
    t.adam.weight_decay = o.weightDecay;
    t.seed = o.seed;
    t = recipeOptions(prepared, t);
    nlohmann::json runs = nlohmann::json::array();
    std::vector<double> accuracies;
    for (size_t k = 0; k < splits.size(); ++k) {
      Task split =
          k == 0 ? task : loadGraphTask(o.graph, graphOptionsFor(splits[k]));
      Trainer trainer(*module, entry, split, o.seed);
      TrainResult r = trainer.train(t);
      accuracies.push_back(r.test.accuracy);
      const int64_t nTrain = attnc::graph::countMask(split.train),
                    nVal = attnc::graph::countMask(split.val),
                    nTest = attnc::graph::countMask(split.test);
      if (human) {
        char line[256];
        std::snprintf(line, sizeof line,
                      "split %lld (train %lld, val %lld, test %lld): test "
                      "accuracy %.4f (best epoch %lld of %lld, val acc "
                      "%.4f)\n",
                      static_cast<long long>(splits[k]),
                      static_cast<long long>(nTrain),
                      static_cast<long long>(nVal),
                      static_cast<long long>(nTest), r.test.accuracy,
                      static_cast<long long>(r.best_epoch),
                      static_cast<long long>(r.epochs_run), r.val.accuracy);
        info << line << std::flush;
      }
      runs.push_back({{"split", splits[k]},
                      {"train_nodes", nTrain},
                      {"val_nodes", nVal},
                      {"test_nodes", nTest},
                      {"epochs_run", r.epochs_run},
                      {"best_epoch", r.best_epoch},
                      {"val_accuracy", r.val.accuracy},
                      {"val_loss", r.val.loss},
                      {"test_accuracy", r.test.accuracy},
                      {"mean_epoch_ms", r.mean_step_ms}});
    }
    // Mean and sample standard deviation (n - 1), as papers report them.
    double mean = 0, var = 0;
    for (double a : accuracies)
      mean += a;
    mean /= static_cast<double>(accuracies.size());
    for (double a : accuracies)
      var += (a - mean) * (a - mean);
    const double sd =
        accuracies.size() > 1
            ? std::sqrt(var / static_cast<double>(accuracies.size() - 1))
            : 0.0;
    if (human) {
      char line[256];
      std::snprintf(line, sizeof line,
                    "test accuracy over %zu splits: %.4f ± %.4f (mean ± "
                    "sample std)\n",
                    accuracies.size(), mean, sd);
      info << line;
    }
    if (o.json) {
      nlohmann::json j = describeTask(task, modelLabel, recipe, o.seed);
      j.update({{"split_kind",
                 generatedSplits ? "split-ratio seeds" : "mask columns"},
                {"runs", runs},
                {"test_accuracy_mean", mean},
                {"test_accuracy_std", sd},
                {"module", modulePath}});
      std::cout << j.dump() << "\n";
    }
    return 0;
  }

  Trainer trainer(*module, entry, task, o.seed);
  TrainOptions t;
  t.epochs = o.epochs;
  t.patience = o.patience;
  t.adam.lr = o.lr;
  t.adam.weight_decay = o.weightDecay;
  t.seed = o.seed;
  t = recipeOptions(prepared, t);
  const bool tty = isatty(2);
  if (human)
    t.on_epoch = [&](const EpochStats &s) {
      if (!tty && s.epoch % 50 != 0 && s.epoch != 1)
        return;
      char line[256];
      std::snprintf(line, sizeof line,
                    "epoch %4lld/%lld [%s] loss %.4f | train %.3f val %.3f "
                    "(loss %.4f) test %.3f | best val %.3f @%lld | %.2f ms",
                    static_cast<long long>(s.epoch),
                    static_cast<long long>(o.epochs),
                    bar(s.epoch, o.epochs).c_str(), s.train_loss,
                    s.train.accuracy, s.val.accuracy, s.val.loss,
                    s.test.accuracy, s.best_val_acc,
                    static_cast<long long>(s.best_epoch), s.step_ms);
      std::cerr << (tty ? "\r" : "") << line << (tty ? "\x1b[K" : "\n")
                << std::flush;
    };
  TrainResult r = trainer.train(t);
  if (human && tty)
    std::cerr << "\n";
  const std::vector<float> &logProbs = trainer.evaluate();

  if (!o.saveWeights.empty())
    trainer.saveWeights(o.saveWeights,
                        {{"attnc.dataset", task.name},
                         {"attnc.model", modelLabel},
                         {"attnc.seed", std::to_string(o.seed)},
                         {"attnc.best_epoch", std::to_string(r.best_epoch)},
                         {"attnc.test_accuracy",
                          std::to_string(r.test.accuracy)}});
  if (!o.predictions.empty())
    writePredictions(task, trainer, logProbs, o.predictions);
  if (!o.history.empty() || !o.plot.empty()) {
    char title[160];
    std::snprintf(title, sizeof title, "%s on %s: test accuracy %.4f",
                  modelLabel.c_str(), task.name.c_str(), r.test.accuracy);
    const std::string historyPath =
        !o.history.empty() ? o.history
                           : o.plot + ".history" + std::to_string(getpid());
    writeHistory(r, title, historyPath);
    if (!o.plot.empty()) {
      struct Cleanup {
        std::string path;
        ~Cleanup() {
          if (!path.empty())
            std::remove(path.c_str());
        }
      } cleanup{o.history.empty() ? historyPath : ""};
      plotHistory(historyPath, o.plot);
    }
  }

  if (human) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "best epoch: %lld of %lld (val acc %.4f, val loss %.4f)\n",
                  static_cast<long long>(r.best_epoch),
                  static_cast<long long>(r.epochs_run), r.val.accuracy,
                  r.val.loss);
    info << line;
    std::snprintf(line, sizeof line, "test accuracy: %.4f (%lld nodes)%s\n",
                  r.test.accuracy, static_cast<long long>(r.test.count),
                  task.synthetic ? " on SYNTHETIC data" : "");
    info << line;
    std::snprintf(line, sizeof line,
                  "epoch time: %.2f ms mean, %.2f ms median (forward + "
                  "backward + Adam); inference %.2f ms\n",
                  r.mean_step_ms, r.median_step_ms, r.mean_eval_ms);
    info << line;
  }
  if (o.json) {
    nlohmann::json j = describeTask(task, modelLabel, recipe, o.seed);
    j.update({
        {"train_nodes", attnc::graph::countMask(task.train)},
        {"val_nodes", attnc::graph::countMask(task.val)},
        {"test_nodes", attnc::graph::countMask(task.test)},
        {"split", task.split_text},
        {"epochs_run", r.epochs_run},
        {"best_epoch", r.best_epoch},
        {"train_accuracy", r.train.accuracy},
        {"val_accuracy", r.val.accuracy},
        {"val_loss", r.val.loss},
        {"test_accuracy", r.test.accuracy},
        {"mean_epoch_ms", r.mean_step_ms},
        {"best_val_acc_epoch", r.best_val_acc_epoch},
        {"best_val_acc_test_accuracy", r.best_val_acc_test_accuracy},
        {"median_epoch_ms", r.median_step_ms},
        {"mean_inference_ms", r.mean_eval_ms},
        {"module", modulePath}});
    std::cout << j.dump() << "\n";
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  o.dataDir = attnc::graph::dataRootFromEnvironment(ATTNC_DEFAULT_DATA_DIR);
  // CLI11's PositiveNumber prints DBL_MAX as the range; say it plainly.
  auto bounded = [](bool allowZero) {
    return CLI::Validator(
        [allowZero](std::string &text) -> std::string {
          double v = 0;
          try {
            v = std::stod(text);
          } catch (...) {
            return "'" + text + "' is not a number";
          }
          if (v > 0 || (allowZero && v == 0))
            return {};
          return "must be " + std::string(allowZero ? "zero or positive"
                                                    : "positive") +
                 ", not " + text;
        },
        allowZero ? "NUMBER>=0" : "NUMBER>0");
  };
  CLI::App app{"attn-train: train a GNN node classifier (GAT or MLP) with "
               "attnc; tasks: docs/gnn-tasks.md",
               "attn-train"};
  std::string known;
  for (const std::string &n : taskNames())
    known += (known.empty() ? "" : ", ") + n;
  app.add_option("--dataset", o.dataset, "a built-in task, one of: " + known);
  CLI::Option *graphOption = app.add_option(
      "--graph", o.graph,
      "train on your own graph: a .npz (numpy.savez or savez_compressed) or "
      "a folder of .npy files with PyG's keys edge_index, x (or x_indptr, "
      "x_indices, x_data), y, train_mask, val_mask, test_mask "
      "(docs/gnn-tasks.md)");
  app.add_flag("--undirected", o.graphOptions.undirected,
               "--graph: add the reverse of every edge (repeats dropped)")
      ->needs(graphOption);
  app.add_flag("--self-loops", o.graphOptions.selfLoops,
               "--graph: give every node a self-loop")
      ->needs(graphOption);
  app.add_option("--normalize-features", o.graphOptions.normalizeFeatures,
                 "--graph: none (the default) or row (each feature row "
                 "scaled to sum to 1; the built-in citation tasks are)")
      ->check(CLI::IsMember({"none", "row"}))
      ->needs(graphOption);
  app.add_option("--classes", o.graphOptions.numClasses,
                 "--graph: the number of classes C (default: the largest "
                 "label + 1); a label >= C is an error")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20))
      ->needs(graphOption);
  app.add_option("--split", o.graphOptions.splitColumn,
                 "--graph: the column K of [N, K] masks to use")
      ->check(CLI::Range(int64_t{0}, int64_t{1000000}))
      ->needs(graphOption);
  app.add_option("--splits", o.splits,
                 "--graph: one run per split, e.g. 0-9 or 0,2,5 (columns of "
                 "[N, K] masks, or seeds of --split-ratio), then the mean "
                 "and std of the test accuracy")
      ->needs(graphOption)
      ->excludes("--split");
  app.add_option("--split-ratio", o.graphOptions.splitRatio,
                 "--graph: ignore the file's masks and split per class "
                 "TRAIN/VAL/TEST, e.g. 0.6/0.2/0.2 (needed when the file "
                 "has no masks)")
      ->needs(graphOption);
  app.add_option("--split-seed", o.graphOptions.splitSeed,
                 "--graph: seed of --split-ratio's split (default 0)")
      ->needs(graphOption);
  app.add_option("--data-dir", o.dataDir,
                 "folder holding the datasets (default $ATTNC_DATA_DIR or "
                 "the repository's ../shared/data); a missing dataset folder "
                 "means generated data, announced")
      ->capture_default_str();
  app.add_option("--model", o.model, "gat, mlp or a model description .yaml "
                                     "(${NAME}, ${FEATURES}, ${CLASSES}, "
                                     "${LAYOUT}, ${FEATURE_DROPOUT} are "
                                     "filled in)")
      ->capture_default_str();
  app.add_flag("--dense-features", o.denseFeatures,
               "pass the features as a dense [nodes, features] tensor "
               "(${LAYOUT} = dense) instead of sparse CSR (csr, the default; "
               "the same masks and results, less work on sparse features)");
  app.add_option("--target", o.target,
                 "attnc --target for the training module (default: host, "
                 "this machine's CPU)");
  app.add_option("--seed", o.seed, "initialisation and dropout seed")
      ->capture_default_str();
  app.add_option("--epochs", o.epochs, "maximum epochs")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}))
      ->capture_default_str();
  app.add_option("--patience", o.patience,
                 "stop after this many epochs without a better val accuracy "
                 "or val loss")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000}))
      ->capture_default_str();
  app.add_option("--lr", o.lr, "Adam learning rate")
      ->check(bounded(false))
      ->capture_default_str();
  app.add_option("--weight-decay", o.weightDecay,
                 "L2 penalty added to the gradient (PyTorch Adam)")
      ->check(bounded(true))
      ->capture_default_str();
  app.add_option("--recipe", o.recipe,
                 "reference: the GAT reference code's regularisation (dropout "
                 "0.6 on aggregated features, ${FEATURE_DROPOUT}; no weight "
                 "decay on biases); pyg: PyG GATConv's (neither); auto: "
                 "reference on citation tasks, pyg elsewhere (--graph "
                 "included)")
      ->check(CLI::IsMember({"auto", "reference", "pyg"}))
      ->capture_default_str();
  app.add_option("--save-weights", o.saveWeights,
                 "write the trained parameters (.safetensors)");
  app.add_option("--predictions", o.predictions,
                 "write per-node predictions (TSV: node, split, label, "
                 "predicted, confidence)");
  app.add_option("--history", o.history,
                 "write the per-epoch losses and accuracies (JSON)");
  app.add_option("--plot", o.plot,
                 "draw loss and accuracy curves to this image (.png, .svg, "
                 ".pdf; needs the attnc Python package and matplotlib)");
  app.add_option("--export", o.exportDir,
                 "write the task's data as .npy files to this folder "
                 "(created if missing), under the keys --graph reads");
  app.add_option("--module", o.module,
                 "use this compiled training module instead of compiling");
  app.add_option("--cache-dir", o.cacheDir,
                 "where compiled modules are kept (default $ATTNC_CACHE_DIR "
                 "or ~/.cache/attnc)");
  app.add_option("--attnc", o.attnc, "the compiler (default: next to "
                                     "attn-train)");
  app.add_flag("--quiet", o.quiet, "print only errors (and --json)");
  app.add_flag("--json", o.json, "print the results as one JSON object");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    std::cerr << "attn-train: error: " << e.what() << "\n";
    return kExitUsage;
  }
  try {
    return run(o);
  } catch (const AlreadyReported &) {
    return kExitError;
  } catch (const std::invalid_argument &e) {
    std::cerr << "attn-train: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception &e) {
    std::cerr << "attn-train: error: " << e.what() << "\n";
    return kExitError;
  }
}
