// Zachary's karate club: weighted 1-based edges and the two factions.
#include "graphdata/LoaderSupport.h"
#include "graphdata/TextFile.h"

namespace attnc::graph {

Dataset loadKarateFiles(const std::string &edgesPath,
                        const std::string &factionsPath,
                        const LoadOptions &options) {
  Dataset d;
  d.name = "karate";
  d.provenance = edgesPath + ", " + factionsPath;
  d.class_names = {"Mr. Hi", "Officer"};
  std::vector<std::string_view> fields;
  std::string_view line;
  {
    // Members 1..N in order, which fixes N.
    TextFile file(factionsPath);
    while (file.next(line)) {
      file.splitWhitespace(line, fields);
      file.expectColumns(fields, 2, "node group");
      const auto expected = static_cast<int64_t>(d.labels.size()) + 1;
      int64_t node = file.parseInt(fields[0], "node id");
      if (node != expected)
        file.fail("expected node " + std::to_string(expected) + ", found " +
                  std::to_string(node) + " (members must be listed 1..N)");
      d.labels.push_back(static_cast<int32_t>(file.parseId(fields[1], "group", 0, 1)));
    }
    if (d.labels.empty())
      file.fail("the factions file is empty");
  }
  const auto n = static_cast<int64_t>(d.labels.size());

  std::vector<Edge> edges;
  {
    TextFile file(edgesPath);
    while (file.next(line)) {
      file.splitWhitespace(line, fields);
      file.expectColumns(fields, 3, "u v weight");
      int64_t u = file.parseId(fields[0], "node id", 1, n);
      int64_t v = file.parseId(fields[1], "node id", 1, n);
      float w = file.parseFloat(fields[2], "edge weight");
      edges.push_back({u - 1, v - 1, w});
    }
  }
  finishDataset(d, n, std::move(edges), options, /*weighted=*/true);
  return d;
}

Dataset loadKarate(const std::string &dir, const LoadOptions &options) {
  return loadKarateFiles(joinPath(dir, "zachary_weighted_edges.txt"),
                         joinPath(dir, "karate_factions_readme.txt"), options);
}

} // namespace attnc::graph
