#include "apps/attn-train/Tasks.h"

#include "graphdata/Datasets.h"
#include "graphdata/Synthetic.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace attnc::train {
namespace {

// splitmix64: the splits depend on the seed only, not on the standard
// library's distributions.
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) (n small: the modulo bias is below 2^-40).
  uint64_t below(uint64_t n) { return next() % n; }
};

template <typename T> void shuffle(std::vector<T> &v, Rng &rng) {
  for (size_t i = v.size(); i > 1; --i)
    std::swap(v[i - 1], v[rng.below(i)]);
}

// Seeds of the fixed splits (docs/gnn-tasks.md): the split is part of the
// task, the same for every training seed.
constexpr uint64_t kSocialSplitSeed = 0;
constexpr uint64_t kMoleculeSplitSeed = 0;

graph::LoadOptions gatLoadOptions(bool rowNormalise) {
  graph::LoadOptions o;
  o.graph = graph::BuildOptions{/*symmetrise=*/true, /*addSelfLoops=*/true,
                                /*dedup=*/true};
  o.rowNormalise = rowNormalise;
  return o;
}

Task fromDataset(const std::string &name, const std::string &family,
                 graph::Dataset d) {
  Task t;
  t.name = name;
  t.family = family;
  t.provenance = d.provenance;
  t.synthetic = d.synthetic;
  t.num_nodes = d.numNodes();
  t.num_features = d.num_features;
  t.num_classes = d.numClasses();
  t.features = std::move(d.features);
  t.graph = std::move(d.graph);
  t.labels = std::move(d.labels);
  t.train = std::move(d.split.train);
  t.val = std::move(d.split.val);
  t.test = std::move(d.split.test);
  t.class_names = std::move(d.class_names);
  return t;
}

Task syntheticTask(const std::string &name, graph::Dataset d) {
  Task t = fromDataset(name, "synthetic", std::move(d));
  t.split_text = "Planetoid-style: 20 labelled nodes per class for training, "
                 "500 for validation, 1000 for test (generator's split)";
  t.features_text = "binary bag of words drawn from class vocabularies, "
                    "row-normalised";
  t.metric_text = "accuracy over the 1000 test nodes";
  return t;
}

Task citationTask(const graph::DatasetInfo &info, const std::string &root) {
  const std::string &name = info.name;
  graph::Dataset d =
      graph::loadDatasetOrSynthetic(name, root, gatLoadOptions(true));
  if (d.synthetic)
    return syntheticTask(name, std::move(d));
  Task t = fromDataset(name, "citation", std::move(d));
  t.split_text = "standard Planetoid split (GCN/GAT): " +
                 std::to_string(graph::countMask(t.train)) + " train (20 per "
                 "class), 500 val, 1000 test";
  t.features_text = info.features + " (" + std::to_string(t.num_features) +
                    "), row-normalised";
  t.metric_text = "accuracy over the 1000 test nodes";
  return t;
}

void applyStratifiedSplit(Task &t, uint64_t seed) {
  graph::Split s = stratifiedSplit(t.labels, t.num_classes, 0.2, 0.2, seed);
  t.train = std::move(s.train);
  t.val = std::move(s.val);
  t.test = std::move(s.test);
}

// Node classification on a stratified split (docs/gnn-tasks.md).
Task socialTask(const graph::DatasetInfo &info, const std::string &root) {
  const std::string &name = info.name;
  graph::Dataset d =
      graph::loadDatasetOrSynthetic(name, root, gatLoadOptions(false));
  if (d.synthetic)
    return syntheticTask(name, std::move(d));
  Task t = fromDataset(name, "social", std::move(d));
  if (t.num_features == 0) {
    // No features: the identity, so the first layer's weight is a learned
    // embedding of each node.
    t.num_features = t.num_nodes;
    t.features.assign(static_cast<size_t>(t.num_nodes * t.num_nodes), 0.0f);
    for (int64_t i = 0; i < t.num_nodes; ++i)
      t.features[static_cast<size_t>(i * t.num_nodes + i)] = 1.0f;
    t.features_text = "none in the data: one-hot node identity (" +
                      std::to_string(t.num_nodes) +
                      " columns), so the first layer learns a per-node "
                      "embedding";
  } else {
    t.features_text = info.features + " (" + std::to_string(t.num_features) +
                      "), as given";
  }
  applyStratifiedSplit(t, kSocialSplitSeed);
  // Rounding leaves a class of one or two nodes nothing for val and test.
  std::vector<int64_t> classSize(static_cast<size_t>(t.num_classes), 0);
  for (int32_t label : t.labels)
    if (label >= 0)
      ++classSize[static_cast<size_t>(label)];
  const bool tinyClasses =
      std::any_of(classSize.begin(), classSize.end(),
                  [](int64_t n) { return n > 0 && n <= 2; });
  t.split_text = "stratified by " + info.classes +
                 ", seed 0: per class 60% train, 20% val, 20% test (rounded" +
                 (tinyClasses ? "; classes of 1-2 nodes train only)" : ")");
  t.metric_text = "accuracy over the test nodes";
  return t;
}

// Atom-type prediction on a batch of molecules; see docs/gnn-tasks.md.
Task moleculeTask(const graph::DatasetInfo &info, const std::string &root) {
  const std::string &name = info.name;
  graph::Dataset d =
      graph::loadDatasetOrSynthetic(name, root, gatLoadOptions(false));
  if (d.synthetic)
    return syntheticTask(name, std::move(d));
  const int64_t n = d.numNodes();
  const int64_t tags = static_cast<int64_t>(d.node_tag_values.size());
  const int64_t attrs = d.num_node_attributes;
  const int64_t views = kMoleculeViews;

  // Split by molecule, 80/10/10.
  Rng rng{kMoleculeSplitSeed};
  std::vector<int64_t> molecules(static_cast<size_t>(d.num_graphs));
  for (int64_t g = 0; g < d.num_graphs; ++g)
    molecules[g] = g;
  shuffle(molecules, rng);
  const int64_t nTrain = std::llround(0.8 * static_cast<double>(d.num_graphs));
  const int64_t nVal = std::llround(0.1 * static_cast<double>(d.num_graphs));
  std::vector<uint8_t> part(static_cast<size_t>(d.num_graphs)); // 0/1/2
  for (int64_t k = 0; k < d.num_graphs; ++k)
    part[molecules[k]] = k < nTrain ? 0 : k < nTrain + nVal ? 1 : 2;

  // Fold of each atom: within each molecule, a shuffle of its atoms takes
  // folds 0, 1, ..., views-1, 0, ... so every molecule has atoms hidden in
  // the first min(atoms, views) views.
  std::vector<int64_t> fold(static_cast<size_t>(n));
  for (int64_t begin = 0; begin < n;) {
    int64_t end = begin;
    while (end < n && d.graph_indicator[end] == d.graph_indicator[begin])
      ++end;
    std::vector<int64_t> atoms;
    for (int64_t i = begin; i < end; ++i)
      atoms.push_back(i);
    shuffle(atoms, rng);
    for (size_t k = 0; k < atoms.size(); ++k)
      fold[atoms[k]] = static_cast<int64_t>(k) % views;
    begin = end;
  }

  // Class of each atom: its tag's position among the sorted tag values.
  std::vector<int32_t> cls(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    cls[i] = static_cast<int32_t>(
        std::lower_bound(d.node_tag_values.begin(), d.node_tag_values.end(),
                         d.node_tags[i]) -
        d.node_tag_values.begin());

  // Attributes standardised with the training molecules' mean and std.
  const int64_t oldWidth = d.num_features;
  std::vector<double> mean(static_cast<size_t>(attrs), 0.0),
      sd(static_cast<size_t>(attrs), 0.0);
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i)
    if (part[d.graph_indicator[i]] == 0) {
      ++count;
      for (int64_t a = 0; a < attrs; ++a)
        mean[a] += d.features[i * oldWidth + tags + a];
    }
  for (int64_t a = 0; a < attrs; ++a)
    mean[a] /= std::max<int64_t>(count, 1);
  for (int64_t i = 0; i < n; ++i)
    if (part[d.graph_indicator[i]] == 0)
      for (int64_t a = 0; a < attrs; ++a) {
        double x = d.features[i * oldWidth + tags + a] - mean[a];
        sd[a] += x * x;
      }
  for (int64_t a = 0; a < attrs; ++a)
    sd[a] = std::sqrt(sd[a] / std::max<int64_t>(count, 1));

  Task t;
  t.name = name;
  t.family = "molecules";
  t.provenance = d.provenance;
  t.num_nodes = n * views;
  // Degree one-hot (0, 1, ..., kMaxDegree or more), from the structure
  // only: softmax attention is a weighted mean, blind to how many
  // neighbours an atom has, which is what tells a chlorine from a carbon
  // whose neighbours are all carbons.
  constexpr int64_t kMaxDegree = 5;
  const int64_t degreeBase = tags + 1 + attrs;
  t.num_features = degreeBase + kMaxDegree + 1;
  t.num_classes = tags;
  for (int32_t v : d.node_tag_values)
    t.class_names.push_back(std::to_string(v));
  const size_t total = static_cast<size_t>(t.num_nodes);
  t.features.assign(total * static_cast<size_t>(t.num_features), 0.0f);
  t.labels.assign(total, -1);
  t.train.assign(total, 0);
  t.val.assign(total, 0);
  t.test.assign(total, 0);
  t.original_node.resize(total);
  t.graph.num_nodes = t.num_nodes;
  t.graph.row_offsets.assign(total + 1, 0);
  t.graph.col_indices.reserve(static_cast<size_t>(d.graph.numEdges() * views));
  for (int64_t v = 0; v < views; ++v)
    for (int64_t i = 0; i < n; ++i) {
      const int64_t node = v * n + i;
      float *row = &t.features[node * t.num_features];
      const bool hidden = fold[i] == v;
      if (hidden) {
        row[tags] = 1.0f; // the "label hidden" flag
        t.labels[node] = cls[i];
        uint8_t p = part[d.graph_indicator[i]];
        (p == 0 ? t.train : p == 1 ? t.val : t.test)[node] = 1;
      } else {
        row[cls[i]] = 1.0f;
      }
      for (int64_t a = 0; a < attrs; ++a)
        row[tags + 1 + a] = static_cast<float>(
            (d.features[i * oldWidth + tags + a] - mean[a]) /
            (sd[a] > 0 ? sd[a] : 1.0));
      int64_t degree = 0;
      for (auto [b, e] = d.graph.neighbours(i); b != e; ++b)
        degree += *b != i;
      row[degreeBase + std::min(degree, kMaxDegree)] = 1.0f;
      t.original_node[node] = i;
      auto [b, e] = d.graph.neighbours(i);
      for (const int64_t *p = b; p != e; ++p)
        t.graph.col_indices.push_back(v * n + *p);
      t.graph.row_offsets[node + 1] =
          static_cast<int64_t>(t.graph.col_indices.size());
    }
  t.split_text = "by molecule, seed 0: 80% of the " +
                 std::to_string(d.num_graphs) +
                 " molecules train, 10% val, 10% test; all atoms of a "
                 "molecule share its split";
  t.features_text =
      "one-hot atom label of every visible atom, zeros plus a 'hidden' flag "
      "for the atoms to predict; the batch holds 5 copies of all molecules, "
      "each atom hidden in exactly one; one-hot degree (0..5+)" +
      std::string(attrs ? "; node attributes standardised" : "");
  t.metric_text = "accuracy over the atoms of the test molecules (each once)";
  return t;
}

} // namespace

const std::vector<std::string> &taskNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const graph::DatasetInfo &d : graph::datasets())
      if (d.task != graph::TaskKind::None)
        n.push_back(d.name);
    return n;
  }();
  return names;
}

graph::Split stratifiedSplit(const std::vector<int32_t> &labels,
                             int64_t numClasses, double valFraction,
                             double testFraction, uint64_t seed) {
  Rng rng{seed};
  graph::Split s;
  s.train.assign(labels.size(), 0);
  s.val.assign(labels.size(), 0);
  s.test.assign(labels.size(), 0);
  for (int64_t c = 0; c < numClasses; ++c) {
    std::vector<size_t> members;
    for (size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == c)
        members.push_back(i);
    shuffle(members, rng);
    const double size = static_cast<double>(members.size());
    const size_t nVal = static_cast<size_t>(std::llround(valFraction * size));
    const size_t nTest = static_cast<size_t>(std::llround(testFraction * size));
    for (size_t k = 0; k < members.size(); ++k)
      (k < nVal ? s.val : k < nVal + nTest ? s.test : s.train)[members[k]] = 1;
  }
  return s;
}

Task loadTask(const std::string &name, const std::string &root) {
  for (const graph::DatasetInfo &info : graph::datasets())
    if (info.name == name)
      switch (info.task) {
      case graph::TaskKind::Citation:
        return citationTask(info, root);
      case graph::TaskKind::Social:
        return socialTask(info, root);
      case graph::TaskKind::Molecules:
        return moleculeTask(info, root);
      case graph::TaskKind::None:
        break;
      }
  std::string known;
  for (const std::string &n : taskNames())
    known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown dataset '" + name + "' (known: " +
                              known + ")");
}

Task tinySyntheticTask(int64_t nodes, int64_t features, int64_t classes,
                       uint64_t seed) {
  graph::SyntheticOptions s;
  s.num_nodes = nodes;
  s.num_edges = nodes * 2;
  s.num_features = features;
  s.num_classes = classes;
  s.words_per_node = std::min<int64_t>(8, features);
  s.train_per_class = 10;
  s.num_val = nodes / 5;
  s.num_test = nodes / 5;
  s.seed = seed;
  return syntheticTask("synthetic",
                       graph::generateCitationGraph(s, gatLoadOptions(true)));
}

} // namespace attnc::train
