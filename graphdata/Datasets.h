// The one table of known datasets: each dataset's name, folder, loader, the
// training task it supports and the sizes of its generated stand-in. The
// by-name loader below and attn-train's task definitions
// (apps/attn-train/Tasks.cpp) both read it, so a dataset is added in one
// place (docs/graph-data.md, docs/gnn-tasks.md).
#ifndef ATTNC_GRAPHDATA_DATASETS_H
#define ATTNC_GRAPHDATA_DATASETS_H

#include "graphdata/Loaders.h"
#include "graphdata/Synthetic.h"

#include <string>
#include <vector>

namespace attnc::graph {

/// The node-classification task a GNN trainer builds from a dataset
/// (docs/gnn-tasks.md states each one).
enum class TaskKind {
  /// Loadable, but no training task.
  None,
  /// Planetoid split, row-normalised bag-of-words features.
  Citation,
  /// Stratified split of the labelled nodes; a dataset without features
  /// gets one-hot node identities.
  Social,
  /// Atom-type prediction over a batch of molecules (graph-classification
  /// sets whose node labels are atom types).
  Molecules,
};

/// One row of the table.
struct DatasetInfo {
  /// The name loadDataset and `attn-train --dataset` take, e.g. "cora".
  std::string name;
  /// Its folder under the data root (e.g. facebook -> facebook-musae).
  std::string subdirectory;
  /// Loads the dataset from its folder.
  Dataset (*load)(const std::string &dir, const LoadOptions &options) = nullptr;
  TaskKind task = TaskKind::None;
  /// What a class is, for descriptions ("department", "page type"); empty
  /// when the task describes it otherwise.
  std::string classes;
  /// What the feature columns are ("binary bag of words"); empty when the
  /// data has no features.
  std::string features;
  /// Sizes of the generated stand-in used when the folder is missing
  /// (loadDatasetOrSynthetic): Cora's unless the dataset has its own.
  SyntheticOptions standIn;
};

/// Every known dataset: cora, citeseer, pubmed, email-eu-core, facebook,
/// karate, mutag, proteins, nci1, ptc_mr, in the order the benchmarks report
/// them.
const std::vector<DatasetInfo> &datasets();

/// The row of `name`. Unknown names throw std::invalid_argument listing the
/// known ones: "unknown dataset 'NAME' (known: cora, citeseer, ...)".
const DatasetInfo &datasetInfo(const std::string &name);

/// The names of the table, in its order.
const std::vector<std::string> &datasetNames();
/// The folder of `name` under the data root (e.g. facebook -> facebook-musae).
std::string datasetSubdirectory(const std::string &name);
/// Loads `name` from `dataRoot/<subdirectory>`. Unknown names throw
/// std::invalid_argument listing the known ones.
Dataset loadDataset(const std::string &name, const std::string &dataRoot,
                    const LoadOptions &options = {});

/// The data root to use: $ATTNC_DATA_DIR when set and non-empty, else
/// `fallback` (typically a path compiled into the tool).
std::string dataRootFromEnvironment(const std::string &fallback);

} // namespace attnc::graph

#endif // ATTNC_GRAPHDATA_DATASETS_H
