// Graph and dataset model for GNN node/graph classification.
//
// Edge direction convention: an edge is `src -> dst`. The CSR is grouped by
// destination: row i lists the *sources* of the edges into node i, i.e. the
// nodes whose messages node i aggregates. That is the layout the attention
// op and the runtime take (`row_offsets[N+1]`, `col_indices[E]`).
//
// This library has no dependency on MLIR, LLVM or Halide (see
// docs/graph-data.md) so that tools and tests can use it freely.
#ifndef ATTNC_GRAPHDATA_GRAPH_H
#define ATTNC_GRAPHDATA_GRAPH_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace attnc::graph {

/// A directed edge `src -> dst` with an optional weight (1 when unweighted).
struct Edge {
  int64_t src = 0;
  int64_t dst = 0;
  float weight = 1.0f;
};

/// How `buildGraph` turns an edge list into a CSR.
struct BuildOptions {
  /// Add `dst -> src` for every `src -> dst` (same weight).
  bool symmetrise = false;
  /// Give every node that has no self-loop one (weight 1). Nodes that already
  /// have one are left alone, so this never creates a repeated self-loop.
  bool addSelfLoops = false;
  /// Remove repeated edges (and repeated self-loops); the first occurrence
  /// in input order keeps its weight.
  bool dedup = false;
};

/// A graph in destination-grouped CSR form. Within a row, sources are in
/// ascending order (repeats adjacent when not de-duplicated).
struct Graph {
  int64_t num_nodes = 0;
  /// num_nodes + 1 entries, starting at 0, non-decreasing.
  std::vector<int64_t> row_offsets{0};
  /// Sources of the edges into each node; every entry in [0, num_nodes).
  std::vector<int64_t> col_indices;
  /// Empty, or one weight per entry of col_indices.
  std::vector<float> edge_weights;

  /// Number of directed edges (CSR entries).
  int64_t numEdges() const {
    return static_cast<int64_t>(col_indices.size());
  }
  int64_t inDegree(int64_t node) const {
    return row_offsets[node + 1] - row_offsets[node];
  }
  /// [begin, end) into col_indices: the sources of edges into `node`.
  std::pair<const int64_t *, const int64_t *> neighbours(int64_t node) const {
    return {col_indices.data() + row_offsets[node],
            col_indices.data() + row_offsets[node + 1]};
  }
  bool hasWeights() const { return !edge_weights.empty(); }
};

/// Builds the CSR through Boost.Graph's compressed_sparse_row_graph.
/// Every endpoint must lie in [0, numNodes) (std::out_of_range otherwise;
/// the loaders check ids against their files before calling this).
/// `weighted` keeps the edges' weights in Graph::edge_weights.
Graph buildGraph(int64_t numNodes, std::vector<Edge> edges,
                 const BuildOptions &options, bool weighted = false);

/// The graph's edges as `src -> dst` records, in CSR order.
std::vector<Edge> edgeList(const Graph &graph);

/// Structural checks (offsets monotone, indices in range, weight count);
/// returns an empty string when the graph is well formed, else the problem.
std::string verifyGraph(const Graph &graph);

/// Degree statistics over in-degrees (= row lengths, self-loops included).
struct DegreeStats {
  int64_t min_degree = 0;
  int64_t max_degree = 0;
  double mean_degree = 0.0;
  /// Nodes with no edge to or from another node (self-loops ignored, as in
  /// PyG's `contains_isolated_nodes`).
  int64_t isolated_nodes = 0;
  /// CSR entries with source == destination.
  int64_t self_loops = 0;
};
DegreeStats degreeStats(const Graph &graph);

/// Edge counts as the data README states them.
struct EdgeCounts {
  int64_t directed = 0;          ///< CSR entries, repeats included
  int64_t distinct_directed = 0; ///< distinct (src, dst) pairs
  int64_t self_loops = 0;        ///< CSR entries with src == dst
  int64_t distinct_self_loops = 0;
  /// Distinct unordered pairs {u, v} with u != v.
  int64_t distinct_undirected_non_loop = 0;
};
EdgeCounts countEdges(const Graph &graph);

/// Split of a node-classification dataset; each mask is empty (no standard
/// split) or has one 0/1 entry per node.
struct Split {
  std::vector<uint8_t> train;
  std::vector<uint8_t> val;
  std::vector<uint8_t> test;
};

/// Counts the 1 entries of a mask.
int64_t countMask(const std::vector<uint8_t> &mask);

/// A node-classification dataset, or a batch of small graphs for graph
/// classification (then graph_indicator is non-empty).
struct Dataset {
  std::string name;
  /// Where the data came from: the directory/files read, or a description of
  /// the generator and its seed for synthetic data. Tools print this.
  std::string provenance;
  /// True when the data was generated rather than read (the fallback).
  bool synthetic = false;

  Graph graph;
  /// Number of raw edge records read (lines of the edge file), before
  /// symmetrising or de-duplication.
  int64_t num_input_edges = 0;

  /// Dense float32 [num_nodes, num_features], row-major; empty when the
  /// dataset has no node features (num_features == 0).
  int64_t num_features = 0;
  std::vector<float> features;
  /// Empty when every node has a feature row; else 1 for nodes whose row
  /// came from the data and 0 for nodes whose row is all zeros because the
  /// data has none (citeseer's 15 cite-only papers, pubmed's 18657).
  std::vector<uint8_t> feature_mask;

  /// One class per node, -1 = unlabelled; classes index class_names.
  std::vector<int32_t> labels;
  std::vector<std::string> class_names;
  Split split;

  // ---- Batched small graphs (TU format) ----------------------------------
  /// Empty for single-graph datasets; else graph id (0-based) of each node.
  /// Nodes of one graph are contiguous and edges never cross graphs, so the
  /// CSR is block diagonal.
  std::vector<int64_t> graph_indicator;
  int64_t num_graphs = 0;
  /// One class per graph, indexing graph_class_names.
  std::vector<int32_t> graph_labels;
  std::vector<std::string> graph_class_names;
  /// Raw categorical node label of each node (TU `_node_labels.txt`), and
  /// the distinct values in ascending order; the features start with a
  /// one-hot encoding of this value in that order.
  std::vector<int32_t> node_tags;
  std::vector<int32_t> node_tag_values;
  /// Number of real-valued node attributes appended after the one-hot part.
  int64_t num_node_attributes = 0;

  int64_t numNodes() const { return graph.num_nodes; }
  int64_t numClasses() const {
    return static_cast<int64_t>(class_names.size());
  }
};

/// Scales every feature row to sum to 1 (rows summing to 0 stay zero), as
/// the GAT/GCN preprocessing does.
void rowNormaliseFeatures(Dataset &dataset);

/// Per-class counts of `labels` (-1 ignored), sized numClasses.
std::vector<int64_t> classCounts(const Dataset &dataset);

/// A Planetoid-style random split for datasets without a standard one:
/// `trainPerClass` labelled nodes of each class, then `numVal` and `numTest`
/// nodes from the remaining labelled ones. Deterministic per seed.
Split makeRandomSplit(const Dataset &dataset, int64_t trainPerClass,
                      int64_t numVal, int64_t numTest, uint64_t seed);

} // namespace attnc::graph

#endif // ATTNC_GRAPHDATA_GRAPH_H
