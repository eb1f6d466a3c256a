// CSR construction through Boost.Graph, and the statistics over it.
#include "graphdata/Graph.h"

#include "graphdata/Random.h"

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/range/iterator_range.hpp>

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace attnc::graph {

namespace {

// Boost's vertex "out-edges" are our CSR rows: each Boost edge goes from the
// destination (row) to the source (column), so out_edges(i) are the sources
// of the edges into i.
using BoostCsr =
    boost::compressed_sparse_row_graph<boost::directedS, boost::no_property,
                                       boost::no_property, boost::no_property,
                                       std::size_t, std::size_t>;

bool byDestinationThenSource(const Edge &a, const Edge &b) {
  return a.dst != b.dst ? a.dst < b.dst : a.src < b.src;
}

bool sameEndpoints(const Edge &a, const Edge &b) {
  return a.dst == b.dst && a.src == b.src;
}

} // namespace

Graph buildGraph(int64_t numNodes, std::vector<Edge> edges,
                 const BuildOptions &options, bool weighted) {
  if (numNodes < 0)
    throw std::invalid_argument("buildGraph: negative node count");
  for (const Edge &e : edges)
    if (e.src < 0 || e.src >= numNodes || e.dst < 0 || e.dst >= numNodes)
      throw std::out_of_range("buildGraph: edge " + std::to_string(e.src) +
                              " -> " + std::to_string(e.dst) +
                              " outside [0, " + std::to_string(numNodes) +
                              ")");

  if (options.symmetrise) {
    size_t original = edges.size();
    edges.reserve(2 * original);
    for (size_t i = 0; i < original; ++i) {
      Edge e = edges[i];
      if (e.src != e.dst) // the reverse of a loop is the loop itself
        edges.push_back({e.dst, e.src, e.weight});
    }
  }
  if (options.addSelfLoops) {
    std::vector<uint8_t> hasLoop(static_cast<size_t>(numNodes), 0);
    for (const Edge &e : edges)
      if (e.src == e.dst)
        hasLoop[static_cast<size_t>(e.src)] = 1;
    for (int64_t n = 0; n < numNodes; ++n)
      if (!hasLoop[static_cast<size_t>(n)])
        edges.push_back({n, n, 1.0f});
  }

  // Stable, so that among repeats the first in input order comes first and
  // keeps its weight under dedup: positions break ties. (Not std::
  // stable_sort: its buffer trips clang's deprecation warning in
  // libstdc++ 12, and the fuzz build compiles this with clang.)
  {
    std::vector<std::size_t> order(edges.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const Edge &ea = edges[a], &eb = edges[b];
      if (byDestinationThenSource(ea, eb))
        return true;
      return !byDestinationThenSource(eb, ea) && a < b;
    });
    std::vector<Edge> sorted;
    sorted.reserve(edges.size());
    for (std::size_t i : order)
      sorted.push_back(edges[i]);
    edges = std::move(sorted);
  }
  if (options.dedup)
    edges.erase(std::unique(edges.begin(), edges.end(), sameEndpoints),
                edges.end());

  std::vector<std::pair<std::size_t, std::size_t>> rows;
  rows.reserve(edges.size());
  for (const Edge &e : edges)
    rows.emplace_back(static_cast<std::size_t>(e.dst),
                      static_cast<std::size_t>(e.src));
  BoostCsr csr(boost::edges_are_sorted, rows.begin(), rows.end(),
               static_cast<std::size_t>(numNodes));

  Graph g;
  g.num_nodes = numNodes;
  g.row_offsets.assign(static_cast<size_t>(numNodes) + 1, 0);
  g.col_indices.reserve(edges.size());
  if (weighted)
    g.edge_weights.reserve(edges.size());
  for (std::size_t v = 0; v < static_cast<std::size_t>(numNodes); ++v) {
    for (auto e : boost::make_iterator_range(boost::out_edges(v, csr))) {
      g.col_indices.push_back(static_cast<int64_t>(boost::target(e, csr)));
      if (weighted)
        g.edge_weights.push_back(edges[boost::get(boost::edge_index, csr, e)].weight);
    }
    g.row_offsets[v + 1] = static_cast<int64_t>(g.col_indices.size());
  }
  return g;
}

std::vector<Edge> edgeList(const Graph &graph) {
  std::vector<Edge> edges;
  edges.reserve(graph.col_indices.size());
  for (int64_t n = 0; n < graph.num_nodes; ++n)
    for (int64_t x = graph.row_offsets[n]; x < graph.row_offsets[n + 1]; ++x)
      edges.push_back({graph.col_indices[x], n,
                       graph.hasWeights() ? graph.edge_weights[x] : 1.0f});
  return edges;
}

std::string verifyGraph(const Graph &graph) {
  if (graph.num_nodes < 0)
    return "negative node count";
  if (graph.row_offsets.size() != static_cast<size_t>(graph.num_nodes) + 1)
    return "row_offsets has " + std::to_string(graph.row_offsets.size()) +
           " entries, expected num_nodes + 1 = " +
           std::to_string(graph.num_nodes + 1);
  if (graph.row_offsets.front() != 0)
    return "row_offsets does not start at 0";
  for (int64_t n = 0; n < graph.num_nodes; ++n)
    if (graph.row_offsets[n + 1] < graph.row_offsets[n])
      return "row_offsets decreases at node " + std::to_string(n);
  if (graph.row_offsets.back() != graph.numEdges())
    return "row_offsets ends at " + std::to_string(graph.row_offsets.back()) +
           " but there are " + std::to_string(graph.numEdges()) + " edges";
  for (int64_t x = 0; x < graph.numEdges(); ++x)
    if (graph.col_indices[x] < 0 || graph.col_indices[x] >= graph.num_nodes)
      return "col_indices[" + std::to_string(x) + "] = " +
             std::to_string(graph.col_indices[x]) + " out of range";
  if (graph.hasWeights() && graph.edge_weights.size() != graph.col_indices.size())
    return "edge_weights and col_indices differ in length";
  return "";
}

DegreeStats degreeStats(const Graph &graph) {
  DegreeStats s;
  const int64_t n = graph.num_nodes;
  if (n == 0)
    return s;
  std::vector<uint8_t> touched(static_cast<size_t>(n), 0);
  s.min_degree = graph.inDegree(0);
  for (int64_t v = 0; v < n; ++v) {
    int64_t d = graph.inDegree(v);
    s.min_degree = std::min(s.min_degree, d);
    s.max_degree = std::max(s.max_degree, d);
    for (int64_t x = graph.row_offsets[v]; x < graph.row_offsets[v + 1]; ++x) {
      int64_t src = graph.col_indices[x];
      if (src == v) {
        ++s.self_loops;
      } else {
        touched[static_cast<size_t>(v)] = 1;
        touched[static_cast<size_t>(src)] = 1;
      }
    }
  }
  s.mean_degree = static_cast<double>(graph.numEdges()) / static_cast<double>(n);
  s.isolated_nodes = std::count(touched.begin(), touched.end(), uint8_t{0});
  return s;
}

EdgeCounts countEdges(const Graph &graph) {
  EdgeCounts c;
  c.directed = graph.numEdges();
  std::vector<std::pair<int64_t, int64_t>> undirected;
  undirected.reserve(graph.col_indices.size());
  for (int64_t v = 0; v < graph.num_nodes; ++v) {
    // Sorted copy of the row, so a repeat sits next to its first occurrence.
    std::vector<int64_t> row(graph.neighbours(v).first,
                             graph.neighbours(v).second);
    std::sort(row.begin(), row.end());
    bool loopSeen = false;
    for (size_t i = 0; i < row.size(); ++i) {
      bool repeat = i > 0 && row[i] == row[i - 1];
      if (!repeat)
        ++c.distinct_directed;
      if (row[i] == v) {
        ++c.self_loops;
        if (!loopSeen)
          ++c.distinct_self_loops;
        loopSeen = true;
      } else {
        undirected.emplace_back(std::min(row[i], v), std::max(row[i], v));
      }
    }
  }
  std::sort(undirected.begin(), undirected.end());
  c.distinct_undirected_non_loop = static_cast<int64_t>(
      std::unique(undirected.begin(), undirected.end()) - undirected.begin());
  return c;
}

int64_t countMask(const std::vector<uint8_t> &mask) {
  return std::count_if(mask.begin(), mask.end(),
                       [](uint8_t m) { return m != 0; });
}

void rowNormaliseFeatures(Dataset &dataset) {
  const int64_t f = dataset.num_features;
  if (f == 0 || dataset.features.empty())
    return;
  for (int64_t n = 0; n < dataset.numNodes(); ++n) {
    float *row = dataset.features.data() + n * f;
    double sum = 0.0;
    for (int64_t j = 0; j < f; ++j)
      sum += row[j];
    if (sum == 0.0)
      continue;
    float inv = static_cast<float>(1.0 / sum);
    for (int64_t j = 0; j < f; ++j)
      row[j] *= inv;
  }
}

std::vector<int64_t> classCounts(const Dataset &dataset) {
  std::vector<int64_t> counts(dataset.class_names.size(), 0);
  for (int32_t label : dataset.labels)
    if (label >= 0 && static_cast<size_t>(label) < counts.size())
      ++counts[static_cast<size_t>(label)];
  return counts;
}

Split makeRandomSplit(const Dataset &dataset, int64_t trainPerClass,
                      int64_t numVal, int64_t numTest, uint64_t seed) {
  const size_t n = dataset.labels.size(); // the graph may not be built yet
  std::vector<int64_t> order;
  for (size_t v = 0; v < dataset.labels.size(); ++v)
    if (dataset.labels[v] >= 0)
      order.push_back(static_cast<int64_t>(v));
  SplitMix64 rng(seed);
  for (size_t i = order.size(); i > 1; --i) // Fisher-Yates
    std::swap(order[i - 1], order[rng.below(i)]);

  Split split;
  split.train.assign(n, 0);
  split.val.assign(n, 0);
  split.test.assign(n, 0);
  std::vector<int64_t> taken(dataset.class_names.size(), 0);
  std::vector<int64_t> rest;
  for (int64_t v : order) {
    auto c = static_cast<size_t>(dataset.labels[static_cast<size_t>(v)]);
    if (c < taken.size() && taken[c] < trainPerClass) {
      ++taken[c];
      split.train[static_cast<size_t>(v)] = 1;
    } else {
      rest.push_back(v);
    }
  }
  int64_t i = 0;
  for (int64_t v : rest) {
    if (i < numVal)
      split.val[static_cast<size_t>(v)] = 1;
    else if (i < numVal + numTest)
      split.test[static_cast<size_t>(v)] = 1;
    ++i;
  }
  return split;
}

} // namespace attnc::graph
