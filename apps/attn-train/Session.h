// From a task to a compiled training module, as attn-train and the Python
// package (attnc.gnn.train) both do it: pick the model description (a
// built-in template or a user's file), resolve the recipe, fill the
// template and compile it with attnc --train (cached). One route, so the
// two train the same module and reach identical losses.
#ifndef ATTNC_APPS_ATTN_TRAIN_SESSION_H
#define ATTNC_APPS_ATTN_TRAIN_SESSION_H

#include "apps/attn-train/Tasks.h"
#include "apps/attn-train/Trainer.h"

#include <string>

namespace attnc::train {

struct ModelChoice {
  /// gat, mlp or the path of a model description (.yaml/.yml).
  std::string model = "gat";
  /// auto, reference or pyg (docs/gnn-tasks.md, "The recipe").
  std::string recipe = "auto";
  /// Features as a dense tensor instead of CSR (${LAYOUT}).
  bool denseFeatures = false;
  /// A compiled training module to use instead of compiling.
  std::string module;
  /// The compiler (default: next to the running executable), the module
  /// cache (default: defaultCacheDir()) and attnc --target.
  std::string attnc, cacheDir, target = "host";
};

struct PreparedModel {
  std::string label;  ///< what the user asked for (gat, mlp, a path)
  std::string recipe; ///< resolved: reference or pyg
  std::string yaml;   ///< the filled description
  std::string entry;  ///< its inference entry; `entry`_train trains
  std::string modulePath;
};

/// The recipe `auto` stands for on `task`.
std::string resolveRecipe(const std::string &recipe, const Task &task);

/// The description template of `model` (gat, mlp or a .yaml file).
/// Throws std::invalid_argument naming it when it is none of those.
std::string modelText(const std::string &model);

/// Fills and compiles the model for `task`. Throws std::invalid_argument
/// for a bad choice, std::runtime_error when attnc fails.
PreparedModel prepareModel(const Task &task, const ModelChoice &choice);

/// TrainOptions with the recipe's regularisation applied.
TrainOptions recipeOptions(const PreparedModel &model, TrainOptions options);

} // namespace attnc::train

#endif // ATTNC_APPS_ATTN_TRAIN_SESSION_H
