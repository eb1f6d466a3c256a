// The seeded stochastic-block-model fallback dataset.
#include "graphdata/Synthetic.h"

#include "graphdata/Datasets.h"
#include "graphdata/LoaderSupport.h"
#include "graphdata/Random.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unordered_set>

namespace attnc::graph {

SyntheticOptions syntheticOptionsLike(const std::string &name) {
  for (const DatasetInfo &d : datasets())
    if (d.name == name)
      return d.standIn;
  return SyntheticOptions{}; // Cora's
}

Dataset generateCitationGraph(const SyntheticOptions &s,
                              const LoadOptions &options) {
  const int64_t n = s.num_nodes, k = s.num_classes, f = s.num_features;
  if (n < 2 || k < 1 || k > n || f < 1 || s.num_edges < 0 ||
      s.words_per_node < 0 || s.words_per_node > f)
    throw std::invalid_argument("generateCitationGraph: sizes out of range");
  if (s.num_edges > n * (n - 1) / 2)
    throw std::invalid_argument("generateCitationGraph: more edges than "
                                "node pairs");
  SplitMix64 rng(s.seed);

  Dataset d;
  d.name = "synthetic";
  d.synthetic = true;
  std::ostringstream what;
  what << "SYNTHETIC data, not read from files: citation-like stochastic block "
          "model with "
       << n << " nodes, " << s.num_edges << " undirected edges, " << k
       << " classes (homophily " << s.homophily << "), " << f
       << " binary features (" << s.words_per_node << " per node), seed "
       << s.seed;
  d.provenance = what.str();
  for (int64_t c = 0; c < k; ++c)
    d.class_names.push_back("class_" + std::to_string(c));

  // Balanced classes in shuffled order.
  d.labels.resize(static_cast<size_t>(n));
  for (int64_t v = 0; v < n; ++v)
    d.labels[static_cast<size_t>(v)] = static_cast<int32_t>(v % k);
  for (size_t i = d.labels.size(); i > 1; --i)
    std::swap(d.labels[i - 1], d.labels[rng.below(i)]);
  std::vector<std::vector<int64_t>> members(static_cast<size_t>(k));
  for (int64_t v = 0; v < n; ++v)
    members[static_cast<size_t>(d.labels[static_cast<size_t>(v)])].push_back(v);

  // Edges: distinct unordered pairs, in generation order.
  std::vector<Edge> edges;
  edges.reserve(static_cast<size_t>(s.num_edges));
  std::unordered_set<uint64_t> pairs;
  auto add = [&](int64_t u, int64_t v) {
    if (u == v)
      return;
    int64_t a = std::min(u, v), b = std::max(u, v);
    if (pairs.insert(static_cast<uint64_t>(a) * static_cast<uint64_t>(n) +
                     static_cast<uint64_t>(b))
            .second)
      edges.push_back({a, b, 1.0f});
  };
  const int64_t attempts = 50 * s.num_edges + 1000;
  for (int64_t t = 0; t < attempts &&
                      static_cast<int64_t>(edges.size()) < s.num_edges;
       ++t) {
    auto u = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
    const auto &own = members[static_cast<size_t>(d.labels[static_cast<size_t>(u)])];
    int64_t v;
    if (k == 1 || rng.unit() < s.homophily) {
      v = own[rng.below(own.size())];
    } else {
      do
        v = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
      while (d.labels[static_cast<size_t>(v)] == d.labels[static_cast<size_t>(u)]);
    }
    add(u, v);
  }
  // Only when sampling stalls (nearly complete graphs): fill in order.
  for (int64_t u = 0; u < n && static_cast<int64_t>(edges.size()) < s.num_edges; ++u)
    for (int64_t v = u + 1;
         v < n && static_cast<int64_t>(edges.size()) < s.num_edges; ++v)
      add(u, v);

  // Features: distinct words, class vocabulary first.
  d.num_features = f;
  d.features.assign(static_cast<size_t>(n * f), 0.0f);
  const int64_t vocabulary = (f + k - 1) / k; // columns c, c+K, ... < f
  for (int64_t v = 0; v < n; ++v) {
    float *row = d.features.data() + v * f;
    const int64_t c = d.labels[static_cast<size_t>(v)];
    int64_t placed = 0;
    for (int64_t t = 0; placed < s.words_per_node && t < 100 * f; ++t) {
      int64_t column;
      if (c < f && rng.unit() < s.topic_fraction) {
        do
          column = c + k * static_cast<int64_t>(
                               rng.below(static_cast<uint64_t>(vocabulary)));
        while (column >= f);
      } else {
        column = static_cast<int64_t>(rng.below(static_cast<uint64_t>(f)));
      }
      if (row[column] == 0.0f) {
        row[column] = 1.0f;
        ++placed;
      }
    }
  }

  d.split = makeRandomSplit(d, s.train_per_class, s.num_val, s.num_test,
                            s.seed ^ 0x5157u);
  finishDataset(d, n, std::move(edges), options);
  return d;
}

Dataset loadDatasetOrSynthetic(const std::string &name,
                               const std::string &dataRoot,
                               const LoadOptions &options, uint64_t seed) {
  std::string folder = joinPath(dataRoot, datasetSubdirectory(name));
  struct stat st;
  if (::stat(folder.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return loadDataset(name, dataRoot, options);
  SyntheticOptions synthetic = syntheticOptionsLike(name);
  synthetic.seed = seed;
  Dataset d = generateCitationGraph(synthetic, options);
  d.name = "synthetic-" + name;
  d.provenance += " (stand-in for " + name + ": " + folder + " not found)";
  return d;
}

} // namespace attnc::graph
