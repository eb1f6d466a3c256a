// attn-train --graph: a user's graph as a node-classification task, read
// from a .npz archive (numpy.savez or savez_compressed) or a folder of .npy
// files, under PyTorch Geometric's key names (edge_index, x, y, train_mask,
// val_mask, test_mask; docs/gnn-tasks.md, "Your own graph"). --export writes
// the same keys, so export -> import round-trips.
#ifndef ATTNC_APPS_ATTN_TRAIN_GRAPHINPUT_H
#define ATTNC_APPS_ATTN_TRAIN_GRAPHINPUT_H

#include "apps/attn-train/Tasks.h"
#include "runtime/npy.h"

#include <map>
#include <stdexcept>
#include <string>

namespace attnc::train {

/// Every problem in a user's graph: what() is one line naming the file, the
/// key and the position, e.g. "g.npz: key 'edge_index': edge 7 (3 -> 12):
/// node 12 is out of range (0..9)".
class GraphInputError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct GraphInputOptions {
  /// Add the reverse of every edge (then drop repeated edges).
  bool undirected = false;
  /// Give every node without a self-loop one.
  bool selfLoops = false;
  /// "none" or "row" (scale each feature row to sum to 1).
  std::string normalizeFeatures = "none";
  /// The column of [N, K] masks to use; -1 = the masks are [N].
  int64_t splitColumn = -1;
  /// Generate a stratified split (ignoring any masks in the file) with
  /// these train/val/test fractions; empty = use the file's masks.
  std::string splitRatio;
  uint64_t splitSeed = 0;
  /// The number of classes C; 0 = max(y) + 1. With it, a label >= C is an
  /// error, and classes no node has still get an output.
  int64_t numClasses = 0;
  /// Messages name options as Python keywords (split_ratio=) rather than
  /// attn-train's flags (--split-ratio).
  bool pythonSpelling = false;
  std::string spelling(const std::string &flag,
                       const std::string &value = "") const {
    if (!pythonSpelling)
      return value.empty() ? flag : flag + " " + value;
    std::string k = flag == "--classes" ? "num_classes" : flag.substr(2);
    for (char &c : k)
      c = c == '-' ? '_' : c;
    return k + "=" + value;
  }
};

/// The arrays of a .npz archive (stored or deflate entries) or of the .npy
/// files of a folder, by key (the file name without ".npy").
std::map<std::string, npy::Array> readArrays(const std::string &path);

/// Reads and checks a user's graph and builds the task (family "user").
Task loadGraphTask(const std::string &path, const GraphInputOptions &options);
/// The same from arrays already in memory (the Python package's route);
/// `source` stands for the file in messages and in the task's description.
Task buildGraphTask(const std::string &source,
                    std::map<std::string, npy::Array> arrays,
                    const GraphInputOptions &options);

/// Writes the task as .npy files under the keys loadGraphTask reads (x
/// dense, edge_index int64, y int32, bool masks), creating `dir` and its
/// parents when missing.
void exportTask(const Task &task, const std::string &dir);

/// Parses "0.6/0.2/0.2" (three non-negative fractions summing to 1);
/// throws std::invalid_argument naming the option otherwise.
void parseSplitRatio(const std::string &text, double &train, double &val,
                     double &test);

} // namespace attnc::train

#endif // ATTNC_APPS_ATTN_TRAIN_GRAPHINPUT_H
