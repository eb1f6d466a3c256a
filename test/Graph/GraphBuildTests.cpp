// CSR construction options, statistics and helpers on hand-made graphs.
#include "graphdata/Graph.h"

#include <gtest/gtest.h>

#include <numeric>

using namespace attnc::graph;

namespace {

std::vector<int64_t> row(const Graph &g, int64_t node) {
  auto [b, e] = g.neighbours(node);
  return std::vector<int64_t>(b, e);
}

using Row = std::vector<int64_t>;

} // namespace

TEST(GraphBuild, RowsHoldTheSourcesOfEdgesIntoTheNode) {
  // 0 -> 1, 2 -> 1, 1 -> 0: node 1 aggregates from 0 and 2.
  Graph g = buildGraph(3, {{0, 1}, {2, 1}, {1, 0}}, BuildOptions{});
  EXPECT_EQ(g.num_nodes, 3);
  EXPECT_EQ(g.row_offsets, (Row{0, 1, 3, 3}));
  EXPECT_EQ(row(g, 0), (Row{1}));
  EXPECT_EQ(row(g, 1), (Row{0, 2}));
  EXPECT_EQ(row(g, 2), Row{});
  EXPECT_FALSE(g.hasWeights());
  EXPECT_EQ(verifyGraph(g), "");
}

TEST(GraphBuild, SymmetriseAddsReverseEdgesButNotReverseLoops) {
  BuildOptions o;
  o.symmetrise = true;
  Graph g = buildGraph(3, {{0, 1}, {2, 2}}, o);
  EXPECT_EQ(g.numEdges(), 3);
  EXPECT_EQ(row(g, 0), (Row{1}));
  EXPECT_EQ(row(g, 1), (Row{0}));
  EXPECT_EQ(row(g, 2), (Row{2}));
}

TEST(GraphBuild, SymmetriseWithoutDedupKeepsBothCopiesOfAMutualEdge) {
  BuildOptions o;
  o.symmetrise = true;
  Graph g = buildGraph(2, {{0, 1}, {1, 0}}, o);
  EXPECT_EQ(row(g, 0), (Row{1, 1}));
  EXPECT_EQ(row(g, 1), (Row{0, 0}));
  o.dedup = true;
  Graph d = buildGraph(2, {{0, 1}, {1, 0}}, o);
  EXPECT_EQ(row(d, 0), (Row{1}));
  EXPECT_EQ(row(d, 1), (Row{0}));
}

TEST(GraphBuild, DedupRemovesRepeatedEdgesAndLoopsKeepingTheFirstWeight) {
  std::vector<Edge> edges = {{0, 1, 5.0f}, {0, 1, 7.0f}, {2, 2, 3.0f},
                             {2, 2, 4.0f}, {1, 0, 2.0f}};
  Graph raw = buildGraph(3, edges, BuildOptions{}, /*weighted=*/true);
  EXPECT_EQ(raw.numEdges(), 5);
  EXPECT_EQ(row(raw, 1), (Row{0, 0})); // repeats stay adjacent
  EXPECT_EQ(degreeStats(raw).self_loops, 2);

  BuildOptions o;
  o.dedup = true;
  Graph g = buildGraph(3, edges, o, /*weighted=*/true);
  EXPECT_EQ(g.numEdges(), 3);
  EXPECT_EQ(row(g, 1), (Row{0}));
  EXPECT_EQ(row(g, 2), (Row{2}));
  ASSERT_TRUE(g.hasWeights());
  EXPECT_EQ(g.edge_weights[static_cast<size_t>(g.row_offsets[1])], 5.0f);
  EXPECT_EQ(g.edge_weights[static_cast<size_t>(g.row_offsets[2])], 3.0f);
}

TEST(GraphBuild, AddSelfLoopsOnlyWhereMissing) {
  BuildOptions o;
  o.addSelfLoops = true;
  Graph g = buildGraph(3, {{0, 1}, {1, 1}}, o, /*weighted=*/true);
  EXPECT_EQ(row(g, 0), (Row{0}));
  EXPECT_EQ(row(g, 1), (Row{0, 1})); // its own loop, not a second one
  EXPECT_EQ(row(g, 2), (Row{2}));
  EXPECT_EQ(countEdges(g).self_loops, 3);
  EXPECT_EQ(g.edge_weights, (std::vector<float>{1, 1, 1, 1}));
}

TEST(GraphBuild, SymmetriseCarriesWeights) {
  BuildOptions o;
  o.symmetrise = true;
  Graph g = buildGraph(3, {{0, 2, 4.0f}}, o, /*weighted=*/true);
  EXPECT_EQ(row(g, 0), (Row{2}));
  EXPECT_EQ(row(g, 2), (Row{0}));
  EXPECT_EQ(g.edge_weights, (std::vector<float>{4.0f, 4.0f}));
}

TEST(GraphBuild, RejectsEndpointsOutOfRange) {
  EXPECT_THROW(buildGraph(2, {{0, 2}}, BuildOptions{}), std::out_of_range);
  EXPECT_THROW(buildGraph(2, {{-1, 0}}, BuildOptions{}), std::out_of_range);
}

TEST(GraphBuild, EmptyGraph) {
  Graph g = buildGraph(0, {}, BuildOptions{});
  EXPECT_EQ(g.row_offsets, (Row{0}));
  EXPECT_EQ(verifyGraph(g), "");
  DegreeStats s = degreeStats(g);
  EXPECT_EQ(s.max_degree, 0);
  EXPECT_EQ(s.isolated_nodes, 0);
}

TEST(GraphBuild, EdgeListRoundTrips) {
  std::vector<Edge> edges = {{3, 0}, {1, 2}, {0, 1}, {2, 1}};
  Graph g = buildGraph(4, edges, BuildOptions{});
  Graph again = buildGraph(4, edgeList(g), BuildOptions{});
  EXPECT_EQ(again.row_offsets, g.row_offsets);
  EXPECT_EQ(again.col_indices, g.col_indices);
}

TEST(GraphBuild, VerifyGraphNamesTheProblem) {
  Graph g = buildGraph(2, {{0, 1}}, BuildOptions{});
  g.col_indices[0] = 5;
  EXPECT_EQ(verifyGraph(g), "col_indices[0] = 5 out of range");
  g.col_indices[0] = 0;
  g.row_offsets = {0, 1};
  EXPECT_EQ(verifyGraph(g), "row_offsets has 2 entries, expected num_nodes + 1 = 3");
}

TEST(GraphDegreeStats, HandMadeGraph) {
  // 0 <-> 1, 1 -> 2, loop on 2, loop on 3, node 4 alone.
  // In-degrees: 0:1, 1:1, 2:2, 3:1, 4:0.
  Graph g = buildGraph(5, {{0, 1}, {1, 0}, {1, 2}, {2, 2}, {3, 3}},
                       BuildOptions{});
  DegreeStats s = degreeStats(g);
  EXPECT_EQ(s.min_degree, 0);
  EXPECT_EQ(s.max_degree, 2);
  EXPECT_DOUBLE_EQ(s.mean_degree, 1.0);
  EXPECT_EQ(s.isolated_nodes, 2); // 3 (loop only) and 4
  EXPECT_EQ(s.self_loops, 2);

  EdgeCounts c = countEdges(g);
  EXPECT_EQ(c.directed, 5);
  EXPECT_EQ(c.distinct_directed, 5);
  EXPECT_EQ(c.self_loops, 2);
  EXPECT_EQ(c.distinct_self_loops, 2);
  EXPECT_EQ(c.distinct_undirected_non_loop, 2); // {0,1}, {1,2}
}

TEST(GraphDegreeStats, CountsRepeatsOnce) {
  Graph g = buildGraph(3, {{0, 1}, {0, 1}, {1, 0}, {2, 2}, {2, 2}},
                       BuildOptions{});
  EdgeCounts c = countEdges(g);
  EXPECT_EQ(c.directed, 5);
  EXPECT_EQ(c.distinct_directed, 3);
  EXPECT_EQ(c.self_loops, 2);
  EXPECT_EQ(c.distinct_self_loops, 1);
  EXPECT_EQ(c.distinct_undirected_non_loop, 1);
}

TEST(GraphFeatures, RowNormaliseSumsRowsToOneAndLeavesZeroRows) {
  Dataset d;
  d.graph = buildGraph(3, {}, BuildOptions{});
  d.num_features = 4;
  d.features = {1, 1, 0, 0, 0, 0, 0, 0, 1, 2, 3, 2};
  rowNormaliseFeatures(d);
  EXPECT_EQ(d.features,
            (std::vector<float>{0.5f, 0.5f, 0, 0, 0, 0, 0, 0, 0.125f, 0.25f,
                                0.375f, 0.25f}));
}

TEST(GraphFeatures, RandomSplitIsDeterministicAndSized) {
  Dataset d;
  d.graph = buildGraph(100, {}, BuildOptions{});
  d.class_names = {"a", "b", "c"};
  for (int i = 0; i < 100; ++i)
    d.labels.push_back(i < 90 ? i % 3 : -1);
  Split s = makeRandomSplit(d, 5, 20, 30, 7);
  EXPECT_EQ(countMask(s.train), 15);
  EXPECT_EQ(countMask(s.val), 20);
  EXPECT_EQ(countMask(s.test), 30);
  std::vector<int> perClass(3, 0);
  for (size_t v = 0; v < 100; ++v) {
    EXPECT_LE(s.train[v] + s.val[v] + s.test[v], 1);
    if (d.labels[v] < 0) {
      EXPECT_EQ(s.train[v] + s.val[v] + s.test[v], 0);
    }
    if (s.train[v])
      ++perClass[static_cast<size_t>(d.labels[v])];
  }
  EXPECT_EQ(perClass, (std::vector<int>{5, 5, 5}));
  Split again = makeRandomSplit(d, 5, 20, 30, 7);
  EXPECT_EQ(again.train, s.train);
  EXPECT_EQ(again.test, s.test);
  EXPECT_NE(makeRandomSplit(d, 5, 20, 30, 8).train, s.train);
}
