// Compiling a model description into a training module by running the
// attnc binary (`attnc MODEL.yaml --train -o M.so`), with a cache keyed on
// the description's text and the attnc binary, so repeated runs (seeds,
// benchmarks) compile once.
#ifndef ATTNC_APPS_ATTN_TRAIN_COMPILE_H
#define ATTNC_APPS_ATTN_TRAIN_COMPILE_H

#include <string>

namespace attnc::train {

struct CompileOptions {
  std::string attnc;     ///< the attnc binary
  std::string cache_dir; ///< where modules are kept (created if missing)
  /// attnc --target: training runs where it is compiled, so by default
  /// for this machine's CPU.
  std::string target = "host";
};

/// The attnc binary next to the running executable.
std::string attncNextToSelf();

/// $ATTNC_CACHE_DIR, else $XDG_CACHE_HOME/attnc, else ~/.cache/attnc.
std::string defaultCacheDir();

/// Returns the path of a module compiled from `yaml` with --train, reusing
/// a cached one. `stem` names the files (the model's entry name). Throws
/// std::runtime_error with attnc's first error line when compiling fails.
std::string compileTrainingModule(const std::string &yaml,
                                  const std::string &stem,
                                  const CompileOptions &options);

} // namespace attnc::train

#endif // ATTNC_APPS_ATTN_TRAIN_COMPILE_H
