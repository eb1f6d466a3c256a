// A generated citation-like dataset: the fallback when the real data is
// absent. Anything that uses it must say so (Dataset::synthetic and
// Dataset::provenance carry that).
#ifndef ATTNC_GRAPHDATA_SYNTHETIC_H
#define ATTNC_GRAPHDATA_SYNTHETIC_H

#include "graphdata/Loaders.h"

#include <cstdint>
#include <string>

namespace attnc::graph {

/// Sizes default to Cora's.
struct SyntheticOptions {
  int64_t num_nodes = 2708;
  /// Distinct undirected non-loop edges (the graph holds exactly this many).
  int64_t num_edges = 5278;
  int64_t num_features = 1433;
  int64_t num_classes = 7;
  /// Probability that an edge joins two nodes of the same class (Cora's edge
  /// homophily is about 0.81).
  double homophily = 0.81;
  /// Distinct words (ones) per feature row (Cora averages 18.2).
  int64_t words_per_node = 18;
  /// Probability that a word comes from the node's class vocabulary (the
  /// features columns c, c + K, c + 2K, ... for class c) rather than from all
  /// columns.
  double topic_fraction = 0.6;
  /// Planetoid-style split sizes.
  int64_t train_per_class = 20;
  int64_t num_val = 500;
  int64_t num_test = 1000;
  uint64_t seed = 1;
};

/// The stand-in sizes of `name` in the dataset table (Datasets.h): Cora's,
/// Citeseer's or Pubmed's (nodes, undirected edges, features, classes, words
/// per row, homophily) for those names; Cora's otherwise.
SyntheticOptions syntheticOptionsLike(const std::string &name);

/// A stochastic block model with class-correlated sparse binary features.
/// Classes are balanced (node i's class is a seeded shuffle of i mod K);
/// each edge picks a uniform endpoint, then with probability `homophily` a
/// partner of the same class, else one of another class, rejecting loops and
/// repeats. Deterministic per options (own PRNG, no std distributions).
/// The edge list holds each pair once (u -> v); `options.graph` then applies
/// as for the loaders (default: symmetrised). Throws std::invalid_argument
/// for impossible sizes.
Dataset generateCitationGraph(const SyntheticOptions &synthetic,
                              const LoadOptions &options = {});

/// loadDataset(name, dataRoot) when dataRoot/<subdirectory of name> exists;
/// otherwise generateCitationGraph(syntheticOptionsLike(name) with `seed`),
/// with synthetic = true and a provenance that says so. A dataset whose
/// folder exists but whose files are broken still throws GraphLoadError.
Dataset loadDatasetOrSynthetic(const std::string &name,
                               const std::string &dataRoot,
                               const LoadOptions &options = {},
                               uint64_t seed = 1);

} // namespace attnc::graph

#endif // ATTNC_GRAPHDATA_SYNTHETIC_H
