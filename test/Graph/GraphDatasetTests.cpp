// Every dataset in ../shared/data loads with the counts its README states.
// Each test loads once with LoadOptions::raw() (one CSR entry per edge line,
// direction kept), checks the README's raw counts on that, and rebuilds the
// symmetrised, de-duplicated graph the default options give to check the
// undirected counts. Which README count is compared is named at each check.
#include "GraphTestSupport.h"

#include "graphdata/Synthetic.h"

#include <algorithm>
#include <map>

using namespace attnc::graph;
using attnc::graph::testing::dataRoot;
using attnc::graph::testing::datasetDir;

namespace {

Graph undirected(const Graph &raw) {
  BuildOptions o;
  o.symmetrise = true;
  o.dedup = true;
  return buildGraph(raw.num_nodes, edgeList(raw), o);
}

std::map<std::string, int64_t> countsByName(const Dataset &d) {
  std::map<std::string, int64_t> m;
  std::vector<int64_t> counts = classCounts(d);
  for (size_t c = 0; c < counts.size(); ++c)
    m[d.class_names[c]] = counts[c];
  return m;
}

int64_t nonzeros(const Dataset &d) {
  return std::count_if(d.features.begin(), d.features.end(),
                       [](float x) { return x != 0.0f; });
}

/// The masked nodes are exactly [first, last].
void expectRange(const std::vector<uint8_t> &mask, int64_t first, int64_t last) {
  for (size_t v = 0; v < mask.size(); ++v)
    EXPECT_EQ(mask[v] != 0, static_cast<int64_t>(v) >= first &&
                                static_cast<int64_t>(v) <= last)
        << "node " << v;
}

/// Train holds `perClass` nodes of every class, and no node is in two sets.
void expectPlanetoidSplit(const Dataset &d, int64_t train, int64_t perClass) {
  EXPECT_EQ(countMask(d.split.train), train);
  EXPECT_EQ(countMask(d.split.val), 500);
  EXPECT_EQ(countMask(d.split.test), 1000);
  std::vector<int64_t> perClassCount(d.class_names.size(), 0);
  for (size_t v = 0; v < d.labels.size(); ++v) {
    EXPECT_LE(d.split.train[v] + d.split.val[v] + d.split.test[v], 1);
    if (d.split.train[v])
      ++perClassCount[static_cast<size_t>(d.labels[v])];
  }
  for (int64_t c : perClassCount)
    EXPECT_EQ(c, perClass);
  // GCN/GAT: train = indices 0..len(y)-1, val = the next 500.
  expectRange(d.split.train, 0, train - 1);
  expectRange(d.split.val, train, train + 499);
}

/// TU datasets: counts of graphs, nodes, A lines, undirected edges, and
/// that the CSR is block diagonal.
void expectTU(const Dataset &d, int64_t graphs, int64_t nodes, int64_t aLines,
              int64_t undirectedEdges) {
  EXPECT_EQ(d.num_graphs, graphs);
  EXPECT_EQ(d.numNodes(), nodes);
  EXPECT_EQ(static_cast<int64_t>(d.graph_labels.size()), graphs);
  EXPECT_EQ(d.num_input_edges, aLines);          // README: "`A` lines"
  EdgeCounts raw = countEdges(d.graph);
  EXPECT_EQ(raw.directed, aLines);
  EXPECT_EQ(raw.distinct_undirected_non_loop, undirectedEdges);
  // "listed in both directions": symmetrising adds nothing.
  EXPECT_EQ(undirected(d.graph).numEdges(), aLines);
  for (int64_t v = 0; v < d.numNodes(); ++v)
    for (auto [b, e] = d.graph.neighbours(v); b != e; ++b)
      ASSERT_EQ(d.graph_indicator[static_cast<size_t>(*b)],
                d.graph_indicator[static_cast<size_t>(v)]);
  EXPECT_EQ(d.graph_indicator.back(), graphs - 1);
}

std::map<int32_t, int64_t> tagCounts(const Dataset &d) {
  std::map<int32_t, int64_t> m;
  for (int32_t t : d.node_tags)
    ++m[t];
  return m;
}

std::map<std::string, int64_t> graphClassCounts(const Dataset &d) {
  std::map<std::string, int64_t> m;
  for (int32_t c : d.graph_labels)
    ++m[d.graph_class_names[static_cast<size_t>(c)]];
  return m;
}

} // namespace

TEST(GraphDatasets, Cora) {
  ATTNC_REQUIRE_DATASET("cora");
  Dataset d = loadDataset("cora", dataRoot(), LoadOptions::raw());
  EXPECT_EQ(d.name, "cora");
  EXPECT_FALSE(d.synthetic);
  EXPECT_EQ(d.numNodes(), 2708);
  EXPECT_EQ(d.num_features, 1433);
  EXPECT_TRUE(d.feature_mask.empty()); // every node has its word vector
  EXPECT_EQ(nonzeros(d), 49216);       // "49216 ones"
  EXPECT_EQ(d.class_names,
            (std::vector<std::string>{"Theory", "Reinforcement_Learning",
                                      "Genetic_Algorithms", "Neural_Networks",
                                      "Probabilistic_Methods", "Case_Based",
                                      "Rule_Learning"}));
  EXPECT_EQ(countsByName(d), (std::map<std::string, int64_t>{
                                 {"Case_Based", 298},
                                 {"Genetic_Algorithms", 418},
                                 {"Neural_Networks", 818},
                                 {"Probabilistic_Methods", 426},
                                 {"Reinforcement_Learning", 217},
                                 {"Rule_Learning", 180},
                                 {"Theory", 351}}));
  // "5429 citation lines: all distinct, no self-loops".
  EdgeCounts raw = countEdges(d.graph);
  EXPECT_EQ(d.num_input_edges, 5429);
  EXPECT_EQ(raw.directed, 5429);
  EXPECT_EQ(raw.distinct_directed, 5429);
  EXPECT_EQ(raw.self_loops, 0);
  // "5278 distinct undirected edges".
  EXPECT_EQ(raw.distinct_undirected_non_loop, 5278);
  EXPECT_EQ(undirected(d.graph).numEdges(), 2 * 5278);
  expectPlanetoidSplit(d, 140, 20);
  expectRange(d.split.test, 1708, 2707);
}

TEST(GraphDatasets, CoraDefaultOptionsGiveTheGatInput) {
  ATTNC_REQUIRE_DATASET("cora");
  LoadOptions o;
  o.rowNormalise = true;
  o.graph.addSelfLoops = true;
  Dataset d = loadCora(datasetDir("cora"), o);
  EXPECT_EQ(verifyGraph(d.graph), "");
  EXPECT_EQ(d.graph.numEdges(), 2 * 5278 + 2708); // symmetric + one loop each
  DegreeStats s = degreeStats(d.graph);
  EXPECT_EQ(s.self_loops, 2708);
  EXPECT_EQ(s.min_degree, 2);      // no isolated papers in Cora
  EXPECT_EQ(s.isolated_nodes, 0);
  for (int64_t v = 0; v < d.numNodes(); ++v) {
    double sum = 0;
    for (int64_t j = 0; j < d.num_features; ++j)
      sum += d.features[static_cast<size_t>(v * d.num_features + j)];
    ASSERT_NEAR(sum, 1.0, 1e-5) << "node " << v;
  }
}

TEST(GraphDatasets, Citeseer) {
  ATTNC_REQUIRE_DATASET("citeseer");
  Dataset d = loadDataset("citeseer", dataRoot(), LoadOptions::raw());
  EXPECT_EQ(d.numNodes(), 3327);  // Planetoid: 3312 content + 15 cite-only
  EXPECT_EQ(countMask(d.feature_mask), 3312);
  EXPECT_EQ(d.num_features, 3703);
  EXPECT_EQ(nonzeros(d), 105165);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"AI", "ML", "IR", "DB",
                                                     "Agents", "HCI"}));
  EXPECT_EQ(countsByName(d),
            (std::map<std::string, int64_t>{{"AI", 249}, {"Agents", 596},
                                            {"DB", 701}, {"HCI", 508},
                                            {"IR", 668}, {"ML", 590}}));
  for (size_t v = 0; v < d.labels.size(); ++v) // the 15: no label, no split
    if (!d.feature_mask[v]) {
      EXPECT_EQ(d.labels[v], -1);
      EXPECT_EQ(d.split.train[v] + d.split.val[v] + d.split.test[v], 0);
    }
  // "4732 citation lines, all distinct. Of these, 124 are self-loops".
  EdgeCounts raw = countEdges(d.graph);
  EXPECT_EQ(d.num_input_edges, 4732);
  EXPECT_EQ(raw.distinct_directed, 4732);
  EXPECT_EQ(raw.self_loops, 124);
  // "4552 [distinct undirected non-loop edges] if the 15 external IDs are
  // counted", "4536 ... among content nodes".
  EXPECT_EQ(raw.distinct_undirected_non_loop, 4552);
  Graph sym = undirected(d.graph);
  EXPECT_EQ(sym.numEdges(), 2 * 4552 + 124);
  int64_t amongContent = 0;
  for (const Edge &e : edgeList(sym))
    if (e.src < e.dst && d.feature_mask[static_cast<size_t>(e.src)] &&
        d.feature_mask[static_cast<size_t>(e.dst)])
      ++amongContent;
  EXPECT_EQ(amongContent, 4536);
  expectPlanetoidSplit(d, 120, 20);
  EXPECT_EQ(d.numNodes() - countMask(d.split.train) - countMask(d.split.val) -
                countMask(d.split.test),
            1707); // "unused 1707"
}

TEST(GraphDatasets, Pubmed) {
  ATTNC_REQUIRE_DATASET("pubmed");
  Dataset d = loadDataset("pubmed", dataRoot(), LoadOptions::raw());
  EXPECT_EQ(d.numNodes(), 19717);
  EXPECT_EQ(d.numClasses(), 3);
  EXPECT_EQ(classCounts(d), (std::vector<int64_t>{4103, 7739, 7875}));
  // Edge file: one line per "distinct undirected non-loop edge", u < v.
  EdgeCounts raw = countEdges(d.graph);
  EXPECT_EQ(d.num_input_edges, 44324);
  EXPECT_EQ(raw.distinct_undirected_non_loop, 44324);
  EXPECT_EQ(raw.self_loops, 0);
  EXPECT_EQ(undirected(d.graph).numEdges(), 2 * 44324);
  // "only for 1060 nodes (the 60 train nodes plus the 1000 test nodes;
  // 52959 nonzeros)".
  EXPECT_EQ(d.num_features, 500);
  EXPECT_EQ(countMask(d.feature_mask), 1060);
  EXPECT_EQ(nonzeros(d), 52959);
  for (size_t v = 0; v < d.labels.size(); ++v)
    EXPECT_EQ(d.feature_mask[v] != 0, d.split.train[v] || d.split.test[v]);
  expectPlanetoidSplit(d, 60, 20);
  expectRange(d.split.test, 18717, 19716);
}

TEST(GraphDatasets, EmailEuCore) {
  ATTNC_REQUIRE_DATASET("email-eu-core");
  Dataset d = loadDataset("email-eu-core", dataRoot(), LoadOptions::raw());
  EXPECT_EQ(d.numNodes(), 1005);
  EXPECT_EQ(d.num_features, 0);
  EXPECT_TRUE(d.features.empty());
  // "25571 directed edges, all distinct, 642 of them self-loops".
  EdgeCounts raw = countEdges(d.graph);
  EXPECT_EQ(raw.directed, 25571);
  EXPECT_EQ(raw.distinct_directed, 25571);
  EXPECT_EQ(raw.self_loops, 642);
  // "16064 distinct undirected non-loop edges".
  EXPECT_EQ(raw.distinct_undirected_non_loop, 16064);
  EXPECT_EQ(undirected(d.graph).numEdges(), 2 * 16064 + 642);
  // "IDs 0..1004, all of them in the edge list".
  EXPECT_EQ(degreeStats(undirected(d.graph)).min_degree, 1);
  EXPECT_EQ(d.numClasses(), 42);
  std::vector<int64_t> counts = classCounts(d);
  EXPECT_EQ(*std::max_element(counts.begin(), counts.end()), 109);
  EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), -1), 0);
  EXPECT_TRUE(d.split.train.empty()); // no standard split
}

TEST(GraphDatasets, FacebookMusae) {
  ATTNC_REQUIRE_DATASET("facebook");
  Dataset d = loadDataset("facebook", dataRoot(), LoadOptions::raw());
  EXPECT_EQ(d.numNodes(), 22470);
  // "171002 edge lines (each undirected edge once; 179 self-loops; 170823
  // distinct non-loop edges)".
  EdgeCounts raw = countEdges(d.graph);
  EXPECT_EQ(d.num_input_edges, 171002);
  EXPECT_EQ(raw.self_loops, 179);
  EXPECT_EQ(raw.distinct_undirected_non_loop, 170823);
  EXPECT_EQ(undirected(d.graph).numEdges(), 2 * 170823 + 179);
  // "4714 distinct binary features (IDs 0..4713, 3 to 31 per node, 314583
  // nonzeros)".
  EXPECT_EQ(d.num_features, 4714);
  EXPECT_TRUE(d.feature_mask.empty());
  EXPECT_EQ(nonzeros(d), 314583);
  int64_t fewest = d.num_features, most = 0;
  for (int64_t v = 0; v < d.numNodes(); ++v) {
    const float *row = d.features.data() + v * d.num_features;
    int64_t k = std::count(row, row + d.num_features, 1.0f);
    fewest = std::min(fewest, k);
    most = std::max(most, k);
  }
  EXPECT_EQ(fewest, 3);
  EXPECT_EQ(most, 31);
  EXPECT_EQ(countsByName(d), (std::map<std::string, int64_t>{
                                 {"company", 6495},
                                 {"government", 6880},
                                 {"politician", 5768},
                                 {"tvshow", 3327}}));
}

TEST(GraphDatasets, Karate) {
  ATTNC_REQUIRE_DATASET("karate");
  Dataset raw = loadDataset("karate", dataRoot(), LoadOptions::raw());
  EXPECT_EQ(raw.numNodes(), 34);
  // "78 undirected weighted edges (weights 1..7)", each once with u < v.
  EXPECT_EQ(raw.graph.numEdges(), 78);
  EXPECT_EQ(countEdges(raw.graph).distinct_undirected_non_loop, 78);
  auto [lo, hi] = std::minmax_element(raw.graph.edge_weights.begin(),
                                      raw.graph.edge_weights.end());
  EXPECT_EQ(*lo, 1.0f);
  EXPECT_EQ(*hi, 7.0f);
  // "16 in group 0 and 18 in group 1"; member 1 (Mr. Hi) is in group 0.
  EXPECT_EQ(classCounts(raw), (std::vector<int64_t>{16, 18}));
  EXPECT_EQ(raw.labels[0], 0);

  Dataset d = loadKarate(datasetDir("karate"));
  EXPECT_EQ(d.graph.numEdges(), 156);
  // The weight of u -> v equals the weight of v -> u.
  std::map<std::pair<int64_t, int64_t>, float> w;
  for (const Edge &e : edgeList(d.graph))
    w[{e.src, e.dst}] = e.weight;
  for (const auto &[key, weight] : w)
    EXPECT_EQ((w[{key.second, key.first}]), weight);
  DegreeStats s = degreeStats(d.graph);
  EXPECT_EQ(s.max_degree, 17); // member 34
  EXPECT_EQ(s.min_degree, 1);  // member 12
  EXPECT_EQ(s.isolated_nodes, 0);
}

TEST(GraphDatasets, Mutag) {
  ATTNC_REQUIRE_DATASET("mutag");
  Dataset d = loadDataset("mutag", dataRoot(), LoadOptions::raw());
  expectTU(d, 188, 3371, 7442, 3721);
  // "7 atom labels 0..6 (C 2395, N 345, O 593, F 12, I 1, Cl 23, Br 2)".
  EXPECT_EQ(tagCounts(d), (std::map<int32_t, int64_t>{
                              {0, 2395}, {1, 345}, {2, 593}, {3, 12},
                              {4, 1}, {5, 23}, {6, 2}}));
  EXPECT_EQ(d.num_features, 7);
  EXPECT_EQ(graphClassCounts(d),
            (std::map<std::string, int64_t>{{"1", 125}, {"-1", 63}}));
}

TEST(GraphDatasets, Proteins) {
  ATTNC_REQUIRE_DATASET("proteins");
  Dataset d = loadDataset("proteins", dataRoot(), LoadOptions::raw());
  expectTU(d, 1113, 43471, 162088, 81044);
  EXPECT_EQ(d.node_tag_values, (std::vector<int32_t>{0, 1, 2}));
  // "One node attribute per node, a real value from -538 to 798".
  EXPECT_EQ(d.num_node_attributes, 1);
  EXPECT_EQ(d.num_features, 4);
  float lo = 1e9f, hi = -1e9f;
  for (int64_t v = 0; v < d.numNodes(); ++v) {
    float a = d.features[static_cast<size_t>(v * 4 + 3)];
    lo = std::min(lo, a);
    hi = std::max(hi, a);
  }
  EXPECT_EQ(lo, -538.0f);
  EXPECT_EQ(hi, 798.0f);
  EXPECT_EQ(graphClassCounts(d),
            (std::map<std::string, int64_t>{{"1", 663}, {"2", 450}}));
}

TEST(GraphDatasets, Nci1) {
  ATTNC_REQUIRE_DATASET("nci1");
  Dataset d = loadDataset("nci1", dataRoot(), LoadOptions::raw());
  expectTU(d, 4110, 122747, 265506, 132753);
  // "37 node (atom) labels, values 1..37".
  ASSERT_EQ(d.node_tag_values.size(), 37u);
  EXPECT_EQ(d.node_tag_values.front(), 1);
  EXPECT_EQ(d.node_tag_values.back(), 37);
  EXPECT_EQ(graphClassCounts(d),
            (std::map<std::string, int64_t>{{"0", 2053}, {"1", 2057}}));
}

TEST(GraphDatasets, PtcMr) {
  ATTNC_REQUIRE_DATASET("ptc_mr");
  Dataset d = loadDataset("ptc_mr", dataRoot(), LoadOptions::raw());
  expectTU(d, 344, 4915, 10108, 5054);
  // "18 atom labels (0..17)".
  ASSERT_EQ(d.node_tag_values.size(), 18u);
  EXPECT_EQ(d.node_tag_values.front(), 0);
  EXPECT_EQ(d.node_tag_values.back(), 17);
  EXPECT_EQ(graphClassCounts(d),
            (std::map<std::string, int64_t>{{"-1", 192}, {"1", 152}}));
}

TEST(GraphDatasets, OrSyntheticReadsTheRealDataWhenPresent) {
  ATTNC_REQUIRE_DATASET("karate");
  Dataset d = loadDatasetOrSynthetic("karate", dataRoot());
  EXPECT_FALSE(d.synthetic);
  EXPECT_EQ(d.numNodes(), 34);
}
