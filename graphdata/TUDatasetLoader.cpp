// TU-format graph-classification sets (MUTAG, PROTEINS, NCI1, PTC_MR):
// many small graphs batched into one block-diagonal CSR.
#include "graphdata/LoaderSupport.h"
#include "graphdata/TextFile.h"

#include <algorithm>
#include <sys/stat.h>

namespace attnc::graph {

namespace {

bool fileExists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

/// One integer per line, exactly `expected` lines when expected >= 0;
/// `countSource` names the file that fixed that count.
std::vector<int64_t> readColumn(const std::string &path, const char *what,
                                int64_t lo, int64_t hi, int64_t expected,
                                const std::string &countSource) {
  TextFile file(path);
  std::vector<int64_t> values;
  std::string_view line;
  while (file.next(line)) {
    if (expected >= 0 && static_cast<int64_t>(values.size()) == expected)
      file.fail("more lines than the " + std::to_string(expected) + " in " +
                countSource);
    size_t a = line.find_first_not_of(" \t");
    size_t b = line.find_last_not_of(" \t");
    std::string_view token =
        a == std::string_view::npos ? std::string_view() : line.substr(a, b - a + 1);
    values.push_back(file.parseId(token, what, lo, hi));
  }
  if (expected >= 0 && static_cast<int64_t>(values.size()) != expected)
    file.fail("ends after " + std::to_string(values.size()) +
              " lines, expected " + std::to_string(expected) + " (as in " +
              countSource + ")");
  return values;
}

} // namespace

Dataset loadTUDataset(const std::string &dir, const std::string &prefix,
                      const LoadOptions &options) {
  const std::string base = joinPath(dir, prefix);
  const std::string aPath = base + "_A.txt";
  const std::string indicatorPath = base + "_graph_indicator.txt";
  const std::string nodeLabelsPath = base + "_node_labels.txt";
  const std::string graphLabelsPath = base + "_graph_labels.txt";
  const std::string attributesPath = base + "_node_attributes.txt";
  constexpr int64_t kMaxValue = (int64_t{1} << 31) - 1; // int32 values

  Dataset d;
  d.provenance = base + "_*.txt";
  const bool hasNodeLabels = fileExists(nodeLabelsPath);
  std::vector<int64_t> tags;
  if (hasNodeLabels)
    tags = readColumn(nodeLabelsPath, "node label", -kMaxValue, kMaxValue, -1, "");

  // Graph indicator: sets the node count when there are no node labels.
  std::vector<int64_t> indicator = readColumn(
      indicatorPath, "graph id", 1, kMaxNodeId,
      hasNodeLabels ? static_cast<int64_t>(tags.size()) : -1, nodeLabelsPath);
  const auto n = static_cast<int64_t>(indicator.size());
  {
    // Nodes of one graph must be contiguous and ids must not skip, so that
    // graph g is the node range [first_g, first_{g+1}).
    int64_t previous = 0;
    for (size_t i = 0; i < indicator.size(); ++i) {
      int64_t g = indicator[i];
      if (g != previous && g != previous + 1)
        throw GraphLoadError(
            indicatorPath, static_cast<int64_t>(i) + 1,
            "graph id " + std::to_string(g) + " follows " +
                std::to_string(previous) +
                " (graph ids must start at 1, not decrease and not skip)");
      previous = g;
      d.graph_indicator.push_back(g - 1);
    }
    d.num_graphs = previous;
  }

  std::vector<int64_t> graphValues =
      readColumn(graphLabelsPath, "graph label", -kMaxValue, kMaxValue,
                 d.num_graphs, indicatorPath + " (its largest graph id)");
  {
    std::vector<int64_t> distinct = graphValues;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (int64_t v : distinct)
      d.graph_class_names.push_back(std::to_string(v));
    for (int64_t v : graphValues)
      d.graph_labels.push_back(static_cast<int32_t>(
          std::lower_bound(distinct.begin(), distinct.end(), v) -
          distinct.begin()));
  }

  std::vector<Edge> edges;
  {
    TextFile file(aPath);
    std::vector<std::string_view> fields;
    std::string_view line;
    while (file.next(line)) {
      file.splitOn(line, ',', fields);
      file.expectColumns(fields, 2, "row, col");
      int64_t r = file.parseId(fields[0], "node id", 1, n);
      int64_t c = file.parseId(fields[1], "node id", 1, n);
      int64_t gr = indicator[static_cast<size_t>(r - 1)]; // 1-based ids
      int64_t gc = indicator[static_cast<size_t>(c - 1)];
      if (gr != gc)
        file.fail("edge " + std::to_string(r) + ", " + std::to_string(c) +
                  " crosses graphs (node " + std::to_string(r) + " is in graph " +
                  std::to_string(gr) + ", node " + std::to_string(c) +
                  " in graph " + std::to_string(gc) + ")");
      edges.push_back({r - 1, c - 1, 1.0f});
    }
  }

  // Optional real-valued attributes, the same count on every line.
  std::vector<float> attributes;
  if (fileExists(attributesPath)) {
    TextFile file(attributesPath);
    std::vector<std::string_view> fields;
    std::string_view line;
    int64_t rows = 0;
    while (file.next(line)) {
      if (rows == n)
        file.fail("more lines than the " + std::to_string(n) + " nodes of " +
                  indicatorPath);
      file.splitOn(line, ',', fields);
      if (rows == 0)
        d.num_node_attributes = static_cast<int64_t>(fields.size());
      file.expectColumns(fields, static_cast<size_t>(d.num_node_attributes),
                         "the attribute count of line 1");
      for (std::string_view f : fields)
        attributes.push_back(file.parseFloat(f, "node attribute"));
      ++rows;
    }
    if (rows != n)
      file.fail("ends after " + std::to_string(rows) + " lines, expected " +
                std::to_string(n) + " (one per node)");
  }

  // Features: one-hot node label, then the attributes.
  int64_t numTags = 0;
  if (hasNodeLabels) {
    std::vector<int64_t> distinct = tags;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (int64_t v : distinct)
      d.node_tag_values.push_back(static_cast<int32_t>(v));
    numTags = static_cast<int64_t>(distinct.size());
    for (int64_t v : tags)
      d.node_tags.push_back(static_cast<int32_t>(v));
  }
  d.num_features = numTags + d.num_node_attributes;
  if (d.num_features > 0) {
    d.features.assign(static_cast<size_t>(n * d.num_features), 0.0f);
    for (int64_t v = 0; v < n; ++v) {
      float *row = d.features.data() + v * d.num_features;
      if (hasNodeLabels) {
        auto column = std::lower_bound(d.node_tag_values.begin(),
                                       d.node_tag_values.end(),
                                       d.node_tags[static_cast<size_t>(v)]) -
                      d.node_tag_values.begin();
        row[column] = 1.0f;
      }
      for (int64_t a = 0; a < d.num_node_attributes; ++a)
        row[numTags + a] =
            attributes[static_cast<size_t>(v * d.num_node_attributes + a)];
    }
  }
  d.labels.assign(static_cast<size_t>(n), -1);
  finishDataset(d, n, std::move(edges), options);
  return d;
}

} // namespace attnc::graph
