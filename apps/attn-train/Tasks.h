// The node-classification tasks attn-train knows: each turns a dataset of
// graphdata's table (graphdata/Datasets.h) into features, a GAT-ready graph
// (symmetrised, de-duplicated, one self-loop per node), labels and a
// train/val/test split. docs/gnn-tasks.md states every choice made here.
#ifndef ATTNC_APPS_ATTN_TRAIN_TASKS_H
#define ATTNC_APPS_ATTN_TRAIN_TASKS_H

#include "graphdata/Graph.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attnc::train {

struct Task {
  std::string name;   ///< the task (= --dataset) name, e.g. "cora"
  std::string family; ///< citation, social, molecules, synthetic
  /// One line each: how the split, the features and the metric are made.
  std::string split_text, features_text, metric_text;
  /// Where the data came from (the dataset's provenance). Starts with
  /// "SYNTHETIC" for generated data.
  std::string provenance;
  bool synthetic = false;
  /// The file or folder an `attn-train --graph` task was read from (empty
  /// for the built-in datasets).
  std::string source_path;
  /// How the graph's edges were made, for the log line.
  std::string edges_text = "symmetrised, self-loops";

  int64_t num_nodes = 0, num_features = 0, num_classes = 0;
  std::vector<float> features; ///< [num_nodes, num_features], row-major
  graph::Graph graph;          ///< destination-grouped CSR with self-loops
  std::vector<int32_t> labels; ///< class per node, -1 = none
  std::vector<uint8_t> train, val, test;
  std::vector<std::string> class_names;
  /// Molecule tasks stack masked copies of the data: the atom each node
  /// stands for (empty = node i is node i of the dataset).
  std::vector<int64_t> original_node;
};

/// Every task name: the datasets of graphdata's table that have a task
/// (graph::TaskKind), in the table's order (the benchmarks').
const std::vector<std::string> &taskNames();

/// Loads task `name` from `dataRoot` (the folder holding cora/, citeseer/,
/// ...). When the dataset's folder is missing, a generated citation-like
/// graph stands in (Task::synthetic, provenance says so). Throws
/// std::invalid_argument for an unknown name and graph::GraphLoadError for
/// broken files.
Task loadTask(const std::string &name, const std::string &dataRoot);

/// A small generated citation-like task (for tests and smoke runs).
Task tinySyntheticTask(int64_t nodes, int64_t features, int64_t classes,
                       uint64_t seed);

// Building blocks, exposed for tests.

/// Per class: shuffle its nodes (seeded), put round(valFraction * n) in
/// val, round(testFraction * n) in test and the rest in train. Nodes with
/// label -1 are in no split.
graph::Split stratifiedSplit(const std::vector<int32_t> &labels,
                             int64_t numClasses, double valFraction,
                             double testFraction, uint64_t seed);

/// Number of views (masked copies) a molecule task stacks: each atom is
/// hidden, and predicted, in exactly one of them.
constexpr int64_t kMoleculeViews = 5;

} // namespace attnc::train

#endif // ATTNC_APPS_ATTN_TRAIN_TASKS_H
