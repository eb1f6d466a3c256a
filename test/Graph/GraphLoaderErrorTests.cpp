// Malformed inputs: each gives one exact `FILE:LINE: message`, and random
// corruption of valid files never crashes or hangs a loader.
#include "GraphTestSupport.h"

#include "graphdata/Random.h"

using namespace attnc::graph;
using attnc::graph::testing::TempDir;
using attnc::graph::testing::throwsLoadError;

namespace {

/// A tiny valid Planetoid set: three papers (p2 cite-only), two classes.
struct TinyPlanetoid {
  TempDir dir;
  PlanetoidFiles files;
  TinyPlanetoid(const std::string &content, const std::string &cites,
                const std::string &testIndex = "2\n") {
    files.split = dir.write("split.tsv", "0\tp0\ttrain\t0\tA\t-\n"
                                         "1\tp1\tval\t1\tB\t-\n"
                                         "2\tp3\ttest\t1\tB\t-\n"
                                         "3\tp2\tunused\tNA\tNA\t-\n");
    files.content = dir.write("x.content", content);
    files.cites = dir.write("x.cites", cites);
    files.testIndex = dir.write("test.index", testIndex);
  }
};

const char *kContent = "p0\t1\t0\tA\np1\t0\t1\tB\np3\t1\t1\tB\n";

/// A tiny valid TU set: graph 1 = nodes 1-2, graph 2 = nodes 3-4.
struct TinyTU {
  TempDir dir;
  explicit TinyTU(const std::string &a, const std::string &indicator = "1\n1\n2\n2\n",
                  const std::string &nodeLabels = "0\n1\n0\n3\n") {
    dir.write("T_A.txt", a);
    dir.write("T_graph_indicator.txt", indicator);
    dir.write("T_node_labels.txt", nodeLabels);
    dir.write("T_graph_labels.txt", "-1\n1\n");
  }
  Dataset load() const { return loadTUDataset(dir.path(), "T"); }
  std::string file(const std::string &suffix) const {
    return dir.path() + "/T_" + suffix;
  }
};

} // namespace

TEST(GraphLoaderErrors, SnapNonNumericId) {
  TempDir dir;
  std::string edges = dir.write("e.txt", "# comment\n0 1\n2 x\n");
  EXPECT_TRUE(throwsLoadError([&] { loadSnapEdgeList(edges, ""); },
                              edges + ":3: expected an integer node id, found 'x'"));
}

TEST(GraphLoaderErrors, SnapTooFewColumns) {
  TempDir dir;
  std::string edges = dir.write("e.txt", "0 1\n\n5\n");
  EXPECT_TRUE(throwsLoadError([&] { loadSnapEdgeList(edges, ""); },
                              edges + ":3: expected 2 columns (src dst), found 1"));
}

TEST(GraphLoaderErrors, SnapNegativeAndHugeIds) {
  TempDir dir;
  std::string neg = dir.write("n.txt", "0 -1\n");
  EXPECT_TRUE(throwsLoadError([&] { loadSnapEdgeList(neg, ""); },
                              neg + ":1: node id -1 out of range [0, 99999999]"));
  std::string huge = dir.write("h.txt", "0 1\n0 123456789012\n");
  EXPECT_TRUE(throwsLoadError([&] { loadSnapEdgeList(huge, ""); },
                              huge + ":2: node id 123456789012 out of range "
                                     "[0, 99999999]"));
  std::string over = dir.write("o.txt", "0 99999999999999999999999\n");
  EXPECT_TRUE(throwsLoadError([&] { loadSnapEdgeList(over, ""); },
                              over + ":1: node id '99999999999999999999999' is "
                                     "too large"));
}

// Found by fuzz/fuzz_graph_snap.cpp: "0 30000000" asks for 3 * 10^7 nodes
// (by design, up to 99,999,999); a caller reading untrusted files can lower
// the cap.
TEST(GraphLoaderErrors, SnapNodeIdCapIsAnOption) {
  TempDir dir;
  std::string edges = dir.write("e.txt", "0 1\n1 30000000\n");
  LoadOptions options;
  options.maxNodeId = 100000;
  EXPECT_TRUE(throwsLoadError([&] { loadSnapEdgeList(edges, "", options); },
                              edges + ":2: node id 30000000 out of range "
                                      "[0, 100000]"));
  std::string labels = dir.write("l.txt", "200000 1\n");
  std::string small = dir.write("s.txt", "0 1\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadSnapEdgeList(small, labels, options); },
      labels + ":1: node id 200000 out of range [0, 100000]"));
}

TEST(GraphLoaderErrors, SnapLabelledTwice) {
  TempDir dir;
  std::string edges = dir.write("e.txt", "0 1\n");
  std::string labels = dir.write("l.txt", "0 1\n1 0\n0 2\n");
  EXPECT_TRUE(throwsLoadError([&] { loadSnapEdgeList(edges, labels); },
                              labels + ":3: node 0 labelled twice"));
}

TEST(GraphLoaderErrors, MissingFile) {
  TempDir dir;
  std::string missing = dir.path() + "/nope.txt";
  EXPECT_TRUE(throwsLoadError(
      [&] { loadSnapEdgeList(missing, ""); },
      missing + ":0: cannot open file: No such file or directory"));
  EXPECT_TRUE(throwsLoadError(
      [&] { loadCora(dir.path()); },
      dir.path() + "/cora_planetoid_split.tsv:0: cannot open file: No such "
                   "file or directory"));
}

TEST(GraphLoaderErrors, DirectoryInsteadOfFile) {
  TempDir dir;
  EXPECT_TRUE(throwsLoadError([&] { loadSnapEdgeList(dir.path(), ""); },
                              dir.path() + ":0: cannot open file: is a directory"));
}

TEST(GraphLoaderErrors, PlanetoidTinySetLoads) {
  TinyPlanetoid t(kContent, "p0\tp1\np1\tp2\np3\tp3\n");
  Dataset d = loadPlanetoidLinqs("tiny", t.files, LoadOptions::raw());
  EXPECT_EQ(d.numNodes(), 4);
  EXPECT_EQ(d.num_features, 2);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{0, 1, 1, -1}));
  EXPECT_EQ(d.feature_mask, (std::vector<uint8_t>{1, 1, 1, 0}));
  EXPECT_EQ(d.features, (std::vector<float>{1, 0, 0, 1, 1, 1, 0, 0}));
  // `p0 p1` is the edge p1 (citing) -> p0 (cited): row 0 holds 1; `p1 p2`
  // puts p2 (index 3) in row 1; `p3 p3` is a loop on index 2.
  EXPECT_EQ(d.graph.row_offsets, (std::vector<int64_t>{0, 1, 2, 3, 3}));
  EXPECT_EQ(d.graph.col_indices, (std::vector<int64_t>{1, 3, 2}));
}

TEST(GraphLoaderErrors, PlanetoidCiteToUnknownPaper) {
  TinyPlanetoid t(kContent, "p0\tp1\nzzz\tp1\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadPlanetoidLinqs("tiny", t.files); },
      t.files.cites + ":2: cites unknown paper 'zzz' (not in the split table)"));
}

TEST(GraphLoaderErrors, PlanetoidContentColumnCount) {
  TinyPlanetoid t("p0\t1\t0\tA\np1\t0\tB\n", "");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadPlanetoidLinqs("tiny", t.files); },
      t.files.content +
          ":2: expected 4 columns (paper_id, 2 words, class_name), found 3"));
}

TEST(GraphLoaderErrors, PlanetoidContentProblems) {
  TinyPlanetoid badWord("p0\t1\t2\tA\n", "");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadPlanetoidLinqs("tiny", badWord.files); },
      badWord.files.content + ":1: expected 0 or 1 for word 1, found '2'"));
  TinyPlanetoid badClass("p0\t1\t0\tB\n", "");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadPlanetoidLinqs("tiny", badClass.files); },
      badClass.files.content +
          ":1: paper 'p0' has class 'B' but the split table says 'A'"));
  TinyPlanetoid unknown("p0\t1\t0\tA\nq9\t1\t0\tA\n", "");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadPlanetoidLinqs("tiny", unknown.files); },
      unknown.files.content + ":2: paper 'q9' is not in the split table " +
          unknown.files.split));
  TinyPlanetoid missing("p0\t1\t0\tA\np1\t0\t1\tB\n", "");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadPlanetoidLinqs("tiny", missing.files); },
      missing.files.split + ":3: paper 'p3' has a label but no line in " +
          missing.files.content));
}

TEST(GraphLoaderErrors, PlanetoidTestIndexDisagrees) {
  TinyPlanetoid t(kContent, "", "1\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadPlanetoidLinqs("tiny", t.files); },
      t.files.testIndex + ":1: index 1 is not a test node in the split file"));
  TinyPlanetoid empty(kContent, "", "");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadPlanetoidLinqs("tiny", empty.files); },
      empty.files.testIndex +
          ":1: lists 0 test indices, the split file marks 1"));
}

TEST(GraphLoaderErrors, PlanetoidSplitTableOutOfOrder) {
  TempDir dir;
  PlanetoidFiles f;
  f.split = dir.write("s.tsv", "0\tp0\ttrain\t0\tA\t-\n2\tp1\tval\t0\tA\t-\n");
  f.content = dir.write("c", "");
  f.cites = dir.write("x", "");
  EXPECT_TRUE(throwsLoadError([&] { loadPlanetoidLinqs("tiny", f); },
                              f.split + ":2: expected planetoid index 1, found 2"));
}

TEST(GraphLoaderErrors, TUTinySetLoads) {
  TinyTU t("1, 2\n2, 1\n3,4\n4,3\n");
  Dataset d = t.load();
  EXPECT_EQ(d.numNodes(), 4);
  EXPECT_EQ(d.num_graphs, 2);
  EXPECT_EQ(d.graph_indicator, (std::vector<int64_t>{0, 0, 1, 1}));
  EXPECT_EQ(d.graph_labels, (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(d.graph_class_names, (std::vector<std::string>{"-1", "1"}));
  EXPECT_EQ(d.node_tag_values, (std::vector<int32_t>{0, 1, 3}));
  EXPECT_EQ(d.num_features, 3);
  EXPECT_EQ(d.features,
            (std::vector<float>{1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(d.graph.numEdges(), 4);
}

TEST(GraphLoaderErrors, TUEdgeCrossingGraphs) {
  TinyTU t("1, 2\n2, 3\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { t.load(); },
      t.file("A.txt") + ":2: edge 2, 3 crosses graphs (node 2 is in graph 1, "
                        "node 3 in graph 2)"));
}

TEST(GraphLoaderErrors, TUIndicatorShorterThanNodeLabels) {
  TinyTU t("1, 2\n", "1\n1\n2\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { t.load(); },
      t.file("graph_indicator.txt") + ":4: ends after 3 lines, expected 4 (as in " +
          t.file("node_labels.txt") + ")"));
}

TEST(GraphLoaderErrors, TUIndicatorLongerThanNodeLabels) {
  TinyTU t("1, 2\n", "1\n1\n2\n2\n2\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { t.load(); },
      t.file("graph_indicator.txt") + ":5: more lines than the 4 in " +
          t.file("node_labels.txt")));
}

TEST(GraphLoaderErrors, TUEdgeOutOfRangeAndBadIndicator) {
  TinyTU range("1, 2\n4, 5\n");
  EXPECT_TRUE(throwsLoadError([&] { range.load(); },
                              range.file("A.txt") +
                                  ":2: node id 5 out of range [1, 4]"));
  TinyTU skip("1, 2\n", "1\n1\n3\n3\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { skip.load(); },
      skip.file("graph_indicator.txt") +
          ":3: graph id 3 follows 1 (graph ids must start at 1, not decrease "
          "and not skip)"));
  TinyTU columns("1, 2, 3\n");
  EXPECT_TRUE(throwsLoadError([&] { columns.load(); },
                              columns.file("A.txt") +
                                  ":1: expected 2 columns (row, col), found 3"));
}

TEST(GraphLoaderErrors, KarateOutOfRangeNode) {
  TempDir dir;
  std::string factions = dir.write("f.txt", "1 0\n2 0\n3 1\n");
  std::string edges = dir.write("e.txt", "1 2 1\r\n2 4 1\r\n");
  EXPECT_TRUE(throwsLoadError([&] { loadKarateFiles(edges, factions); },
                              edges + ":2: node id 4 out of range [1, 3]"));
}

TEST(GraphLoaderErrors, KarateReadsCrlfAndWeights) {
  TempDir dir;
  std::string factions = dir.write("f.txt", "1 0\n2 0\n3 1");
  std::string edges = dir.write("e.txt", "1 2 4\r\n2 3 2.5\r\n");
  Dataset d = loadKarateFiles(edges, factions);
  EXPECT_EQ(d.numNodes(), 3);
  EXPECT_EQ(d.graph.numEdges(), 4);
  EXPECT_EQ(d.graph.edge_weights, (std::vector<float>{4, 4, 2.5f, 2.5f}));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{0, 0, 1}));
}

TEST(GraphLoaderErrors, FacebookHeaderAndFeatureCount) {
  TempDir dir;
  std::string labels = dir.write("l.txt", "0 3\n1 0\n");
  std::string features = dir.write("f.txt", "0 2 5 7\n1 1 3 4\n");
  std::string noHeader = dir.write("e1.csv", "0,1\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadMusaeFacebookFiles(noHeader, labels, features); },
      noHeader + ":1: expected the header id_1,id_2, found '0,1'"));
  std::string edges = dir.write("e2.csv", "id_1,id_2\n0,1\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadMusaeFacebookFiles(edges, labels, features); },
      features + ":2: expected 3 columns (id, count = 1, then the feature ids), "
                 "found 4"));
  std::string badEdge = dir.write("e3.csv", "id_1,id_2\n0,1\n1,2\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadMusaeFacebookFiles(badEdge, labels, features); },
      badEdge + ":3: node id 2 out of range [0, 1]"));
  std::string badClass = dir.write("l2.txt", "0 3\n1 4\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadMusaeFacebookFiles(edges, badClass, features); },
      badClass + ":2: class 4 out of range [0, 3]"));
}

TEST(GraphLoaderErrors, PubmedFeatureProblems) {
  TempDir dir;
  PubmedFiles f;
  f.labelsSplit = dir.write("ls.tsv", "0\t1\ttrain\n1\t0\ttest\n");
  f.edges = dir.write("e.tsv", "0\t1\n");
  f.features = dir.write("x.txt", "0 3:0.5 7:1.25\n1 2:0.5 500:1\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadPubmedFiles(f); },
      f.features + ":2: feature column 500 out of range [0, 499]"));
  f.features = dir.write("x2.txt", "0 3:0.5 7:abc\n");
  EXPECT_TRUE(throwsLoadError(
      [&] { loadPubmedFiles(f); },
      f.features + ":1: expected a number feature value, found 'abc'"));
  f.features = dir.write("x3.txt", "1 3:0.5\n");
  Dataset d = loadPubmedFiles(f);
  EXPECT_EQ(d.feature_mask, (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(d.features[kPubmedFeatures + 3], 0.5f);
}

TEST(GraphLoaderErrors, UnknownDatasetName) {
  EXPECT_THROW(loadDataset("ppi", "/nonexistent"), std::invalid_argument);
}

// Random single-byte damage to valid files: every load either succeeds or
// throws GraphLoadError; nothing else, no crash, no hang.
TEST(GraphLoaderErrors, CorruptedFilesNeverCrash) {
  const std::string snap = "# x\n0 1\n1 2\n2 0\n3 3\n";
  const std::string labels = "0 1\n1 0\n2 1\n3 0\n";
  const std::string tuA = "1, 2\n2, 1\n3, 4\n4, 3\n";
  const std::string tuIndicator = "1\n1\n2\n2\n";
  const std::string alphabet = "0123456789 ,\t\n\r#-x:.";
  SplitMix64 rng(2024);
  auto damage = [&](std::string s) {
    int edits = 1 + static_cast<int>(rng.below(3));
    for (int i = 0; i < edits && !s.empty(); ++i) {
      size_t at = rng.below(s.size());
      switch (rng.below(3)) {
      case 0: s[at] = alphabet[rng.below(alphabet.size())]; break;
      case 1: s.erase(at, 1); break;
      default: s.insert(at, 1, alphabet[rng.below(alphabet.size())]);
      }
    }
    return s;
  };
  TempDir dir;
  int failures = 0, loads = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string e = dir.write("e.txt", damage(snap));
    std::string l = dir.write("l.txt", damage(labels));
    dir.write("T_A.txt", damage(tuA));
    dir.write("T_graph_indicator.txt", damage(tuIndicator));
    dir.write("T_node_labels.txt", "0\n1\n0\n1\n");
    dir.write("T_graph_labels.txt", "1\n2\n");
    std::string ke = dir.write("k.txt", damage("1 2 4\n2 3 1\n1 3 7\n"));
    std::string kf = dir.write("kf.txt", damage("1 0\n2 0\n3 1\n"));
    PlanetoidFiles p;
    p.split = dir.write("s.tsv", damage("0\tp0\ttrain\t0\tA\t-\n"
                                        "1\tp1\ttest\t1\tB\t-\n"
                                        "2\tp2\tunused\tNA\tNA\t-\n"));
    p.content = dir.write("c.txt", damage("p0\t1\t0\tA\np1\t0\t1\tB\n"));
    p.cites = dir.write("x.txt", damage("p0\tp1\np1\tp2\n"));
    p.testIndex = dir.write("t.txt", damage("1\n"));
    for (int which = 0; which < 4; ++which) {
      try {
        Dataset d = which == 0   ? loadSnapEdgeList(e, l)
                    : which == 1 ? loadTUDataset(dir.path(), "T")
                    : which == 2 ? loadKarateFiles(ke, kf)
                                 : loadPlanetoidLinqs("tiny", p);
        EXPECT_EQ(verifyGraph(d.graph), "");
        ++loads;
      } catch (const GraphLoadError &err) {
        std::string what = err.what();
        EXPECT_EQ(what.rfind(dir.path(), 0), 0u) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        ++failures;
      }
    }
  }
  EXPECT_GT(failures, 0);
  EXPECT_GT(loads, 0);
}
