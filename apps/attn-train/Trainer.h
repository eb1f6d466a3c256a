// Full-batch training of a compiled model on a Task: the module's training
// entry `<name>_train` gives the loss and every parameter's gradient, Adam
// (Adam.h) steps on the host, and the inference entry `<name>` (dropout
// off) gives validation and test metrics each epoch. Early stopping follows
// the GAT reference code (docs/gnn-tasks.md).
#ifndef ATTNC_APPS_ATTN_TRAIN_TRAINER_H
#define ATTNC_APPS_ATTN_TRAIN_TRAINER_H

#include "apps/attn-train/Adam.h"
#include "apps/attn-train/Tasks.h"
#include "runtime/attnc.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace attnc::train {

/// Accuracy and mean negative log-likelihood over one mask.
struct Metrics {
  double accuracy = 0.0;
  double loss = 0.0;
  int64_t count = 0;
};

struct EpochStats {
  int64_t epoch = 0;        ///< 1-based
  double train_loss = 0.0;  ///< the training entry's loss (dropout on)
  Metrics train, val, test; ///< inference entry (dropout off)
  double step_ms = 0.0;     ///< forward + backward + Adam
  int64_t best_epoch = 0;   ///< the checkpoint so far
  double best_val_acc = 0.0;
  double best_test_acc = 0.0;
};

struct TrainOptions {
  int64_t epochs = 1000;
  int64_t patience = 100;
  AdamOptions adam;
  uint64_t seed = 1; ///< initialisation and dropout
  /// Weight decay on biases (the parameters the model initialises to
  /// zeros, ATTNC_INIT_ZEROS) too, as PyTorch's Adam over all parameters
  /// does; the GAT reference code exempts them (the default).
  bool decay_biases = false;
  std::function<void(const EpochStats &)> on_epoch;
};

struct TrainResult {
  int64_t epochs_run = 0;
  int64_t best_epoch = 0;
  Metrics train, val, test; ///< of the restored checkpoint
  double mean_step_ms = 0.0;   ///< forward + backward + Adam, per epoch
  double median_step_ms = 0.0;
  double mean_eval_ms = 0.0;   ///< one inference pass
  /// Another selection rule, for comparison: the epoch of the highest val
  /// accuracy (ties: lowest val loss) and its test accuracy.
  int64_t best_val_acc_epoch = 0;
  double best_val_acc_test_accuracy = 0.0;
  std::vector<EpochStats> history;
};

struct Parameter {
  std::string name;
  int32_t init = ATTNC_INIT_NONE; ///< attnc_init_kind: ZEROS for biases
  std::vector<int64_t> shape;
  std::vector<float> value;
  std::vector<float> grad;
};

/// The dropout seed of epoch `epoch` (1-based) for training seed `seed`.
inline uint64_t dropoutSeed(uint64_t seed, int64_t epoch) {
  return seed * 1000003ULL + static_cast<uint64_t>(epoch);
}

class Trainer {
public:
  /// Binds `task` to the entries `entry` (inference) and `entry`_train of
  /// `module` and initialises the parameters from `seed` (the runtime's
  /// Glorot rule). The module and task must outlive the trainer. Throws
  /// std::runtime_error with a one-line message.
  Trainer(const Module &module, const std::string &entry, const Task &task,
          uint64_t seed);

  TrainResult train(const TrainOptions &options);

  /// Runs the inference entry with the current parameters; returns the
  /// log-probabilities [N, C].
  const std::vector<float> &evaluate();
  Metrics metrics(const std::vector<uint8_t> &mask) const;
  /// argmax of the last evaluate() per node.
  std::vector<int32_t> predictions() const;

  std::vector<Parameter> &parameters() { return params_; }
  /// Writes the parameters as safetensors with `metadata`.
  void saveWeights(const std::string &path,
                   const std::map<std::string, std::string> &metadata) const;

private:
  void bindData(Call &call, bool training);
  double trainStep(Adam &adam, uint64_t dropoutSeed);

  const Task &task_;
  Call infer_, train_;
  std::vector<Parameter> params_;
  static bool takesSparseFeatures(const attnc_entry_desc &entry);
  void buildSparseFeatures();

  /// The features in CSR form, for models that take them sparse.
  std::vector<int64_t> featureOffsets_, featureColumns_;
  std::vector<float> featureValues_;
  std::vector<uint8_t> trainMask_;
  std::vector<int64_t> seed_{0};
  std::vector<float> loss_{0.0f};
  std::vector<float> logProbs_;
  std::string entry_;
};

} // namespace attnc::train

#endif // ATTNC_APPS_ATTN_TRAIN_TRAINER_H
