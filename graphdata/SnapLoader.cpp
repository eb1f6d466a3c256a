// SNAP edge lists with an optional `node label` file (email-Eu-core).
#include "graphdata/LoaderSupport.h"
#include "graphdata/TextFile.h"

#include <algorithm>

namespace attnc::graph {

Dataset loadSnapEdgeList(const std::string &edgesPath,
                         const std::string &labelsPath,
                         const LoadOptions &options) {
  Dataset d;
  d.provenance = edgesPath + (labelsPath.empty() ? "" : ", " + labelsPath);
  std::vector<Edge> edges;
  std::vector<std::string_view> fields;
  int64_t maxId = -1;
  {
    TextFile file(edgesPath);
    std::string_view line;
    while (file.next(line)) {
      file.splitWhitespace(line, fields);
      if (fields.empty() || fields[0][0] == '#')
        continue;
      file.expectColumns(fields, 2, "src dst");
      int64_t src = file.parseId(fields[0], "node id", 0, options.maxNodeId);
      int64_t dst = file.parseId(fields[1], "node id", 0, options.maxNodeId);
      maxId = std::max({maxId, src, dst});
      edges.push_back({src, dst, 1.0f});
    }
  }

  std::vector<std::pair<int64_t, int32_t>> labelled;
  std::vector<int64_t> labelLine;
  int32_t maxLabel = -1;
  if (!labelsPath.empty()) {
    TextFile file(labelsPath);
    std::string_view line;
    while (file.next(line)) {
      file.splitWhitespace(line, fields);
      if (fields.empty() || fields[0][0] == '#')
        continue;
      file.expectColumns(fields, 2, "node label");
      int64_t node = file.parseId(fields[0], "node id", 0, options.maxNodeId);
      auto label = static_cast<int32_t>(
          file.parseId(fields[1], "label", 0, (int64_t{1} << 20)));
      maxId = std::max(maxId, node);
      maxLabel = std::max(maxLabel, label);
      labelled.emplace_back(node, label);
      labelLine.push_back(file.line());
    }
    const int64_t n = maxId + 1;
    d.labels.assign(static_cast<size_t>(n), -1);
    for (size_t i = 0; i < labelled.size(); ++i) {
      auto &slot = d.labels[static_cast<size_t>(labelled[i].first)];
      if (slot != -1)
        file.failAt(labelLine[i], "node " + std::to_string(labelled[i].first) +
                                      " labelled twice");
      slot = labelled[i].second;
    }
    for (int32_t c = 0; c <= maxLabel; ++c)
      d.class_names.push_back(std::to_string(c));
  }
  const int64_t n = maxId + 1;
  if (d.labels.empty())
    d.labels.assign(static_cast<size_t>(n), -1);
  finishDataset(d, n, std::move(edges), options);
  return d;
}

Dataset loadEmailEuCore(const std::string &dir, const LoadOptions &options) {
  Dataset d = loadSnapEdgeList(
      joinPath(dir, "email-Eu-core.txt"),
      joinPath(dir, "email-Eu-core-department-labels.txt"), options);
  d.name = "email-eu-core";
  for (std::string &c : d.class_names)
    c = "department_" + c;
  return d;
}

} // namespace attnc::graph

