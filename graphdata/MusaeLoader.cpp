// musae Facebook page-page network (CSV edges, labels, sparse features).
#include "graphdata/LoaderSupport.h"
#include "graphdata/TextFile.h"

#include <algorithm>

namespace attnc::graph {

namespace {
/// 4 GiB of float32: a bad feature id must not allocate more.
constexpr int64_t kMaxDenseFloats = int64_t{1} << 30;
} // namespace

Dataset loadMusaeFacebookFiles(const std::string &edgesPath,
                               const std::string &labelsPath,
                               const std::string &featuresPath,
                               const LoadOptions &options) {
  Dataset d;
  d.name = "facebook";
  d.provenance = edgesPath + ", " + labelsPath + ", " + featuresPath;
  d.class_names = {"company", "government", "politician", "tvshow"};
  const auto numClasses = static_cast<int64_t>(d.class_names.size());
  std::vector<std::string_view> fields;
  std::string_view line;

  // Labels: ids 0..N-1, each once, in any order; they fix N.
  std::vector<std::pair<int64_t, int32_t>> labelled;
  {
    TextFile file(labelsPath);
    int64_t maxId = -1;
    while (file.next(line)) {
      file.splitWhitespace(line, fields);
      file.expectColumns(fields, 2, "id class");
      int64_t id = file.parseId(fields[0], "node id", 0, kMaxNodeId);
      auto c = static_cast<int32_t>(
          file.parseId(fields[1], "class", 0, numClasses - 1));
      labelled.emplace_back(id, c);
      maxId = std::max(maxId, id);
    }
    if (maxId + 1 != static_cast<int64_t>(labelled.size()))
      file.fail("has " + std::to_string(labelled.size()) +
                " lines but the largest id is " + std::to_string(maxId) +
                " (ids must be 0..N-1, each once)");
    d.labels.assign(labelled.size(), -1);
    int64_t lineNo = 0;
    for (auto [id, c] : labelled) {
      ++lineNo;
      if (d.labels[static_cast<size_t>(id)] != -1)
        file.failAt(lineNo, "node " + std::to_string(id) + " labelled twice");
      d.labels[static_cast<size_t>(id)] = c;
    }
  }
  const auto n = static_cast<int64_t>(d.labels.size());

  std::vector<Edge> edges;
  {
    TextFile file(edgesPath);
    if (!file.next(line))
      file.fail("empty file (expected the header id_1,id_2)");
    if (line != "id_1,id_2")
      file.fail("expected the header id_1,id_2, found " + quoted(line));
    while (file.next(line)) {
      file.splitOn(line, ',', fields);
      file.expectColumns(fields, 2, "id_1,id_2");
      int64_t a = file.parseId(fields[0], "node id", 0, n - 1);
      int64_t b = file.parseId(fields[1], "node id", 0, n - 1);
      edges.push_back({a, b, 1.0f});
    }
  }

  // Sparse `id count f1 ... f_count`, read once into a list, then densified
  // to the width the data shows (max feature id + 1).
  {
    TextFile file(featuresPath);
    std::vector<int64_t> rowOf, colOf;
    std::vector<uint8_t> seen(static_cast<size_t>(n), 0);
    int64_t maxFeature = -1;
    while (file.next(line)) {
      file.splitWhitespace(line, fields);
      if (fields.size() < 2)
        file.fail("expected at least 2 columns (id count f1 ...), found " +
                  std::to_string(fields.size()));
      int64_t id = file.parseId(fields[0], "node id", 0, n - 1);
      int64_t count = file.parseId(fields[1], "feature count", 0, kMaxNodeId);
      if (static_cast<int64_t>(fields.size()) != count + 2)
        file.fail("expected " + std::to_string(count + 2) +
                  " columns (id, count = " + std::to_string(count) +
                  ", then the feature ids), found " +
                  std::to_string(fields.size()));
      if (seen[static_cast<size_t>(id)])
        file.fail("node " + std::to_string(id) + " has a second feature line");
      seen[static_cast<size_t>(id)] = 1;
      for (size_t k = 2; k < fields.size(); ++k) {
        int64_t f = file.parseId(fields[k], "feature id", 0, (1 << 24));
        if (f > maxFeature && (f + 1) * n > kMaxDenseFloats)
          file.fail("feature id " + std::to_string(f) + " would make the dense " +
                    std::to_string(n) + " x " + std::to_string(f + 1) +
                    " feature matrix too large");
        maxFeature = std::max(maxFeature, f);
        rowOf.push_back(id);
        colOf.push_back(f);
      }
    }
    d.num_features = maxFeature + 1;
    d.features.assign(static_cast<size_t>(n * d.num_features), 0.0f);
    for (size_t k = 0; k < rowOf.size(); ++k)
      d.features[static_cast<size_t>(rowOf[k] * d.num_features + colOf[k])] = 1.0f;
    if (std::count(seen.begin(), seen.end(), uint8_t{1}) != n)
      d.feature_mask = seen;
  }
  finishDataset(d, n, std::move(edges), options);
  return d;
}

Dataset loadMusaeFacebook(const std::string &dir, const LoadOptions &options) {
  return loadMusaeFacebookFiles(joinPath(dir, "musae_facebook_edges.csv"),
                                joinPath(dir, "musae_facebook_labels.txt"),
                                joinPath(dir, "musae_facebook_features.txt"),
                                options);
}

} // namespace attnc::graph
