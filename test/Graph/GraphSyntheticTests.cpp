// The generated citation-like fallback: sizes, determinism, structure.
#include "GraphTestSupport.h"

#include "graphdata/Synthetic.h"

using namespace attnc::graph;
using attnc::graph::testing::TempDir;

TEST(GraphSynthetic, HasTheRequestedSizes) {
  SyntheticOptions s; // Cora's sizes
  Dataset d = generateCitationGraph(s);
  EXPECT_TRUE(d.synthetic);
  EXPECT_NE(d.provenance.find("SYNTHETIC"), std::string::npos);
  EXPECT_EQ(d.numNodes(), 2708);
  EXPECT_EQ(d.num_features, 1433);
  EXPECT_EQ(d.numClasses(), 7);
  EXPECT_EQ(d.num_input_edges, 5278);
  EdgeCounts c = countEdges(d.graph);
  EXPECT_EQ(c.distinct_undirected_non_loop, 5278);
  EXPECT_EQ(c.self_loops, 0);
  EXPECT_EQ(d.graph.numEdges(), 2 * 5278); // default: symmetrised
  EXPECT_EQ(verifyGraph(d.graph), "");
  for (int64_t v = 0; v < d.numNodes(); ++v) {
    const float *row = d.features.data() + v * d.num_features;
    ASSERT_EQ(std::count(row, row + d.num_features, 1.0f), 18) << v;
  }
  EXPECT_EQ(countMask(d.split.train), 140);
  EXPECT_EQ(countMask(d.split.val), 500);
  EXPECT_EQ(countMask(d.split.test), 1000);
  std::vector<int64_t> counts = classCounts(d);
  for (int64_t n : counts) // balanced: 2708 = 7 * 386 + 6
    EXPECT_TRUE(n == 386 || n == 387) << n;
}

TEST(GraphSynthetic, IsDeterministicPerSeed) {
  SyntheticOptions s;
  s.num_nodes = 500;
  s.num_edges = 1200;
  s.num_features = 300;
  s.num_classes = 5;
  s.num_val = 100;
  s.num_test = 200;
  s.seed = 11;
  Dataset a = generateCitationGraph(s), b = generateCitationGraph(s);
  EXPECT_EQ(a.graph.row_offsets, b.graph.row_offsets);
  EXPECT_EQ(a.graph.col_indices, b.graph.col_indices);
  EXPECT_EQ(a.features, b.features);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.split.train, b.split.train);
  EXPECT_EQ(a.split.test, b.split.test);
  s.seed = 12;
  Dataset c = generateCitationGraph(s);
  EXPECT_NE(a.graph.col_indices, c.graph.col_indices);
  EXPECT_NE(a.labels, c.labels);
  EXPECT_EQ(countEdges(c.graph).distinct_undirected_non_loop, 1200);
}

TEST(GraphSynthetic, EdgesAndFeaturesFollowTheClasses) {
  SyntheticOptions s;
  Dataset d = generateCitationGraph(s);
  int64_t same = 0, total = 0, topical = 0, words = 0;
  for (const Edge &e : edgeList(d.graph)) {
    ++total;
    same += d.labels[static_cast<size_t>(e.src)] ==
            d.labels[static_cast<size_t>(e.dst)];
  }
  double homophily = static_cast<double>(same) / static_cast<double>(total);
  EXPECT_NEAR(homophily, s.homophily, 0.03);
  for (int64_t v = 0; v < d.numNodes(); ++v)
    for (int64_t j = 0; j < d.num_features; ++j)
      if (d.features[static_cast<size_t>(v * d.num_features + j)] != 0.0f) {
        ++words;
        topical += j % s.num_classes == d.labels[static_cast<size_t>(v)];
      }
  // 0.6 from the class vocabulary plus 1/7 of the uniform rest.
  EXPECT_GT(static_cast<double>(topical) / static_cast<double>(words), 0.6);
}

TEST(GraphSynthetic, CiteseerAndPubmedSizes) {
  SyntheticOptions s = syntheticOptionsLike("pubmed");
  Dataset d = generateCitationGraph(s, LoadOptions::raw());
  EXPECT_EQ(d.numNodes(), 19717);
  EXPECT_EQ(d.graph.numEdges(), 44324);
  EXPECT_EQ(d.num_features, 500);
  EXPECT_EQ(d.numClasses(), 3);
  EXPECT_EQ(syntheticOptionsLike("citeseer").num_nodes, 3327);
  EXPECT_EQ(syntheticOptionsLike("karate").num_nodes, 2708); // Cora's
}

TEST(GraphSynthetic, DenseRequestsStillTerminate) {
  SyntheticOptions s;
  s.num_nodes = 12;
  s.num_edges = 66; // the complete graph
  s.num_features = 10;
  s.num_classes = 3;
  s.words_per_node = 10;
  s.homophily = 1.0;
  Dataset d = generateCitationGraph(s);
  EXPECT_EQ(countEdges(d.graph).distinct_undirected_non_loop, 66);
  s.num_edges = 67;
  EXPECT_THROW(generateCitationGraph(s), std::invalid_argument);
}

TEST(GraphSynthetic, FallbackWhenTheDataFolderIsAbsent) {
  TempDir empty;
  Dataset d = loadDatasetOrSynthetic("citeseer", empty.path() + "/missing", {}, 5);
  EXPECT_TRUE(d.synthetic);
  EXPECT_EQ(d.name, "synthetic-citeseer");
  EXPECT_NE(d.provenance.find("not found"), std::string::npos);
  EXPECT_EQ(d.numNodes(), 3327);
  EXPECT_EQ(d.num_features, 3703);
}

TEST(GraphSynthetic, BrokenRealDataIsAnErrorNotAFallback) {
  TempDir root;
  std::filesystem::create_directory(root.path() + "/karate");
  EXPECT_THROW(loadDatasetOrSynthetic("karate", root.path()), GraphLoadError);
}
