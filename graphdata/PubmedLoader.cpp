// Pubmed in Planetoid index space, with its partial feature file.
#include "graphdata/LoaderSupport.h"
#include "graphdata/TextFile.h"

#include <algorithm>

namespace attnc::graph {

Dataset loadPubmedFiles(const PubmedFiles &files, const LoadOptions &options) {
  Dataset d;
  d.name = "pubmed";
  d.provenance = files.edges + ", " + files.labelsSplit + ", " +
                 files.features + " (features for 1060 of 19717 nodes only)";
  std::vector<std::string_view> fields;
  std::string_view line;
  int32_t maxLabel = -1;
  {
    TextFile file(files.labelsSplit);
    while (file.next(line)) {
      file.splitWhitespace(line, fields);
      file.expectColumns(fields, 3, "index label split");
      const auto index = static_cast<int64_t>(d.labels.size());
      int64_t got = file.parseInt(fields[0], "planetoid index");
      if (got != index)
        file.fail("expected planetoid index " + std::to_string(index) +
                  ", found " + std::to_string(got));
      auto label = static_cast<int32_t>(file.parseId(fields[1], "label", 0, 1000));
      maxLabel = std::max(maxLabel, label);
      std::string_view split = fields[2];
      uint8_t train = split == "train", val = split == "val",
              test = split == "test";
      if (!train && !val && !test && split != "unused")
        file.fail("unknown split " + quoted(split) +
                  " (expected train, val, test or unused)");
      d.labels.push_back(label);
      d.split.train.push_back(train);
      d.split.val.push_back(val);
      d.split.test.push_back(test);
    }
    if (d.labels.empty())
      file.fail("the label table is empty");
  }
  const auto n = static_cast<int64_t>(d.labels.size());
  if (maxLabel == 2) {
    // The LINQS classes, in the order whose sizes (4103, 7739, 7875) match
    // the Planetoid labels 0, 1, 2.
    d.class_names = {"Diabetes_Mellitus_Experimental", "Diabetes_Mellitus_Type_1",
                     "Diabetes_Mellitus_Type_2"};
  } else {
    for (int32_t c = 0; c <= maxLabel; ++c)
      d.class_names.push_back(std::to_string(c));
  }

  std::vector<Edge> edges;
  {
    TextFile file(files.edges);
    while (file.next(line)) {
      file.splitWhitespace(line, fields);
      file.expectColumns(fields, 2, "u v");
      int64_t u = file.parseId(fields[0], "node id", 0, n - 1);
      int64_t v = file.parseId(fields[1], "node id", 0, n - 1);
      edges.push_back({u, v, 1.0f});
    }
  }

  {
    TextFile file(files.features);
    d.num_features = kPubmedFeatures;
    d.features.assign(static_cast<size_t>(n * kPubmedFeatures), 0.0f);
    d.feature_mask.assign(static_cast<size_t>(n), 0);
    std::vector<uint8_t> seen(static_cast<size_t>(kPubmedFeatures));
    while (file.next(line)) {
      file.splitWhitespace(line, fields);
      if (fields.empty())
        file.fail("empty line (expected `index col:value ...`)");
      int64_t v = file.parseId(fields[0], "node id", 0, n - 1);
      if (d.feature_mask[static_cast<size_t>(v)])
        file.fail("node " + std::to_string(v) + " has a second feature row");
      d.feature_mask[static_cast<size_t>(v)] = 1;
      std::fill(seen.begin(), seen.end(), 0);
      float *row = d.features.data() + v * kPubmedFeatures;
      for (size_t k = 1; k < fields.size(); ++k) {
        size_t colon = fields[k].find(':');
        if (colon == std::string_view::npos)
          file.fail("expected col:value, found " + quoted(fields[k]));
        int64_t col = file.parseId(fields[k].substr(0, colon), "feature column",
                                   0, kPubmedFeatures - 1);
        if (seen[static_cast<size_t>(col)])
          file.fail("feature column " + std::to_string(col) + " repeated");
        seen[static_cast<size_t>(col)] = 1;
        row[col] = file.parseFloat(fields[k].substr(colon + 1), "feature value");
      }
    }
  }
  if (!files.testIndex.empty())
    checkTestIndex(files.testIndex, d.split.test);
  finishDataset(d, n, std::move(edges), options);
  return d;
}

Dataset loadPubmed(const std::string &dir, const LoadOptions &options) {
  return loadPubmedFiles({joinPath(dir, "pubmed_planetoid_edges.tsv"),
                          joinPath(dir, "pubmed_planetoid_labels_split.tsv"),
                          joinPath(dir, "pubmed_planetoid_features_partial.txt"),
                          joinPath(dir, "ind.pubmed.test.index")},
                         options);
}

} // namespace attnc::graph
