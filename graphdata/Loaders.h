// Loaders for the node- and graph-classification datasets in
// ../shared/data (see its README.md and docs/graph-data.md).
//
// Errors: every loader throws GraphLoadError (LoadError.h) for the first
// malformed line, wrong column count, out-of-range or unknown id, or count
// that disagrees with another file; its what() is `FILE:LINE: message`.
// Loaders never print. Ids are checked against the files before the graph
// is built, so no input can make a loader crash, hang or allocate more than
// the data asks for (ids that set a node count are capped at 99,999,999).
#ifndef ATTNC_GRAPHDATA_LOADERS_H
#define ATTNC_GRAPHDATA_LOADERS_H

#include "graphdata/Graph.h"
#include "graphdata/LoadError.h"

#include <string>
#include <vector>

namespace attnc::graph {

/// Options every loader takes. The default graph is the one GNNs train on:
/// symmetrised and de-duplicated, self-loops only where the data has them.
/// Pass `raw()` to get the edge file exactly as written (one CSR entry per
/// edge line, direction kept).
struct LoadOptions {
  BuildOptions graph{/*symmetrise=*/true, /*addSelfLoops=*/false,
                     /*dedup=*/true};
  /// Scale each feature row to sum 1 (the GAT recipe for cora/citeseer).
  bool rowNormalise = false;
  /// The largest node id of a file whose ids set the node count (SNAP):
  /// a 12-byte edge "0 99999999" asks for 10^8 nodes. Lower it for files
  /// from untrusted sources (the fuzz harness uses 100,000).
  int64_t maxNodeId = 99'999'999;

  static LoadOptions raw() {
    LoadOptions o;
    o.graph = BuildOptions{false, false, false};
    return o;
  }
};

// ---- SNAP (email-Eu-core) ------------------------------------------------

/// A SNAP edge list: `src dst` per line (spaces or tabs), `#` comments and
/// blank lines skipped, 0-based integer ids. `labelsPath` (may be empty):
/// `node label` per line, each node at most once, labels >= 0 naming classes
/// "0".."max". Nodes are 0 .. max id seen in either file; nodes without a
/// label get -1. No features.
Dataset loadSnapEdgeList(const std::string &edgesPath,
                         const std::string &labelsPath,
                         const LoadOptions &options = {});
/// email-Eu-core from `dir` (email-Eu-core.txt and the department labels).
Dataset loadEmailEuCore(const std::string &dir,
                        const LoadOptions &options = {});

// ---- Planetoid citation sets ---------------------------------------------

/// The LINQS files plus the Planetoid split table.
struct PlanetoidFiles {
  std::string content; ///< `paper_id w_0 .. w_{F-1} class_name`, tab-separated
  std::string cites;   ///< `cited_id citing_id`: the edge citing -> cited
  std::string split;   ///< `<name>_planetoid_split.tsv`, 6 columns
  std::string testIndex; ///< `ind.<name>.test.index`; empty to skip the check
};

/// Cora or Citeseer in Planetoid node order: node i is Planetoid index i,
/// labels are Planetoid label ids (class_names in that order), and the
/// split is the GCN/GAT one (train 20 per class, val 500, test 1000).
/// Features are the binary word vectors. Nodes listed in the split file with
/// label NA (citeseer's 15 cite-only papers) have a zero feature row,
/// feature_mask 0, label -1 and no split.
Dataset loadPlanetoidLinqs(const std::string &name, const PlanetoidFiles &files,
                           const LoadOptions &options = {});
Dataset loadCora(const std::string &dir, const LoadOptions &options = {});
Dataset loadCiteseer(const std::string &dir, const LoadOptions &options = {});

/// Pubmed's feature width (TF-IDF over 500 words).
constexpr int64_t kPubmedFeatures = 500;

struct PubmedFiles {
  std::string edges;       ///< `u v`, Planetoid indices
  std::string labelsSplit; ///< `index label split`, one line per node
  std::string features;    ///< `index col:value ...`, partial
  std::string testIndex;   ///< `ind.pubmed.test.index`; empty to skip
};

/// Pubmed in Planetoid index space. INCOMPLETE FEATURES: the features file
/// has rows for only 1060 of the 19717 nodes (the 60 train and 1000 test
/// nodes); all other rows are zero and feature_mask says which rows are
/// real. Validation nodes have no features; a model trained on this is not
/// comparable with published Pubmed numbers.
Dataset loadPubmedFiles(const PubmedFiles &files,
                        const LoadOptions &options = {});
Dataset loadPubmed(const std::string &dir, const LoadOptions &options = {});

// ---- TU graph-classification sets ----------------------------------------

/// `dir/PREFIX_A.txt` (`row, col`, 1-based, the edge row -> col),
/// `_graph_indicator.txt` (graph id of node i on line i, 1-based, non-
/// decreasing, no gaps; its line count is the node count),
/// `_node_labels.txt` (one integer per node), `_graph_labels.txt` (one
/// integer per graph) and, if present, `_node_attributes.txt` (comma-
/// separated reals, the same count on every line). Edge labels are not read.
/// All graphs are batched into one block-diagonal CSR; an edge between two
/// graphs is an error. Features = one-hot node label (node_tag_values
/// order) followed by the node attributes. Graph labels are mapped to
/// classes in ascending numeric order (class_names are the original values).
/// Node labels/split are not set: this is graph classification.
Dataset loadTUDataset(const std::string &dir, const std::string &prefix,
                      const LoadOptions &options = {});

// ---- musae Facebook page-page --------------------------------------------

/// `edges`: CSV with header `id_1,id_2`, one undirected edge per line;
/// `labels`: `id class` (0 company, 1 government, 2 politician, 3 tvshow),
/// ids 0..N-1 each exactly once, which sets N; `features`: `id count f1 ..`
/// with exactly `count` feature ids; features become a dense binary
/// [N, max feature id + 1] matrix (4714 wide: about 424 MB of float32).
Dataset loadMusaeFacebookFiles(const std::string &edges,
                               const std::string &labels,
                               const std::string &features,
                               const LoadOptions &options = {});
Dataset loadMusaeFacebook(const std::string &dir,
                          const LoadOptions &options = {});

// ---- Zachary karate club ------------------------------------------------

/// `edges`: `u v weight`, 1-based; `factions`: `node group` with every node
/// 1..N exactly once (sets N; group 0 = Mr. Hi's). Node i of the dataset is
/// member i+1. The graph keeps the weights (Graph::edge_weights).
Dataset loadKarateFiles(const std::string &edges, const std::string &factions,
                        const LoadOptions &options = {});
Dataset loadKarate(const std::string &dir, const LoadOptions &options = {});

// Loading by name, and the table of every known dataset: Datasets.h.

} // namespace attnc::graph

#endif // ATTNC_GRAPHDATA_LOADERS_H
