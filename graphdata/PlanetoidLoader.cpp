// Cora and Citeseer: LINQS content/cites files mapped into Planetoid index
// space through the split table (see docs/graph-data.md).
#include "graphdata/LoaderSupport.h"
#include "graphdata/TextFile.h"

#include <unordered_map>

namespace attnc::graph {

namespace {

struct SplitRow {
  std::string paper;
  std::string className; // empty for NA
  int32_t label = -1;    // -1 for NA
  bool hasContent = false;
};

/// Reads `<name>_planetoid_split.tsv`: fills labels, class names and the
/// split of `d`, and returns one row per Planetoid index.
std::vector<SplitRow> readSplitTable(const std::string &path, Dataset &d,
                                     std::unordered_map<std::string, int64_t>
                                         &indexOfPaper) {
  TextFile file(path);
  std::vector<SplitRow> rows;
  std::vector<int64_t> nameLine;
  std::vector<std::string_view> fields;
  std::string_view line;
  while (file.next(line)) {
    file.splitOn(line, '\t', fields);
    file.expectColumns(fields, 6,
                       "index paper_id split label class_name twin_tag");
    const auto index = static_cast<int64_t>(rows.size());
    int64_t got = file.parseInt(fields[0], "planetoid index");
    if (got != index)
      file.fail("expected planetoid index " + std::to_string(index) +
                ", found " + std::to_string(got));
    SplitRow row;
    row.paper = std::string(fields[1]);
    auto [it, fresh] = indexOfPaper.emplace(row.paper, index);
    if (!fresh)
      file.fail("paper " + quoted(fields[1]) + " listed twice (first on line " +
                std::to_string(it->second + 1) + ")");
    bool na = fields[3] == "NA";
    if (na != (fields[4] == "NA"))
      file.fail("label and class name must both be NA or both be set");
    if (!na) {
      row.label = static_cast<int32_t>(
          file.parseId(fields[3], "label", 0, 1000));
      row.className = std::string(fields[4]);
      auto slot = static_cast<size_t>(row.label);
      if (d.class_names.size() <= slot) {
        d.class_names.resize(slot + 1);
        nameLine.resize(slot + 1, 0);
      }
      if (d.class_names[slot].empty()) {
        d.class_names[slot] = row.className;
        nameLine[slot] = file.line();
      } else if (d.class_names[slot] != row.className) {
        file.fail("label " + std::to_string(row.label) + " is " +
                  quoted(row.className) + " here but " +
                  quoted(d.class_names[slot]) + " on line " +
                  std::to_string(nameLine[slot]));
      }
    }
    std::string_view split = fields[2];
    uint8_t train = split == "train", val = split == "val",
            test = split == "test";
    if (!train && !val && !test && split != "unused")
      file.fail("unknown split " + quoted(split) +
                " (expected train, val, test or unused)");
    if (na && split != "unused")
      file.fail("a node without label (NA) cannot be in the " +
                std::string(split) + " split");
    d.labels.push_back(row.label);
    d.split.train.push_back(train);
    d.split.val.push_back(val);
    d.split.test.push_back(test);
    rows.push_back(std::move(row));
  }
  for (size_t c = 0; c < d.class_names.size(); ++c)
    if (d.class_names[c].empty())
      file.fail("no node has label " + std::to_string(c));
  if (rows.empty())
    file.fail("the split table is empty");
  return rows;
}

} // namespace

Dataset loadPlanetoidLinqs(const std::string &name, const PlanetoidFiles &files,
                           const LoadOptions &options) {
  Dataset d;
  d.name = name;
  d.provenance = files.content + ", " + files.cites + ", " + files.split;
  std::unordered_map<std::string, int64_t> indexOfPaper;
  std::vector<SplitRow> rows = readSplitTable(files.split, d, indexOfPaper);
  const auto n = static_cast<int64_t>(rows.size());

  std::vector<std::string_view> fields;
  std::string_view line;
  {
    TextFile file(files.content);
    std::vector<int64_t> contentLine(rows.size(), 0);
    int64_t width = -1; // F; set by the first line
    while (file.next(line)) {
      file.splitOn(line, '\t', fields);
      if (width < 0) {
        if (fields.size() < 3)
          file.fail("expected at least 3 columns (paper_id words... "
                    "class_name), found " + std::to_string(fields.size()));
        width = static_cast<int64_t>(fields.size()) - 2;
        d.num_features = width;
        d.features.assign(static_cast<size_t>(n * width), 0.0f);
        d.feature_mask.assign(static_cast<size_t>(n), 0);
      }
      if (static_cast<int64_t>(fields.size()) != width + 2)
        file.fail("expected " + std::to_string(width + 2) +
                  " columns (paper_id, " + std::to_string(width) +
                  " words, class_name), found " + std::to_string(fields.size()));
      auto found = indexOfPaper.find(std::string(fields[0]));
      if (found == indexOfPaper.end())
        file.fail("paper " + quoted(fields[0]) + " is not in the split table " +
                  files.split);
      const int64_t v = found->second;
      SplitRow &row = rows[static_cast<size_t>(v)];
      if (row.label < 0)
        file.fail("paper " + quoted(fields[0]) +
                  " has content but the split table marks it feature-less (NA)");
      if (row.hasContent)
        file.fail("paper " + quoted(fields[0]) +
                  " appears twice (first on line " +
                  std::to_string(contentLine[static_cast<size_t>(v)]) + ")");
      row.hasContent = true;
      contentLine[static_cast<size_t>(v)] = file.line();
      float *out = d.features.data() + v * width;
      for (int64_t j = 0; j < width; ++j) {
        std::string_view w = fields[static_cast<size_t>(j) + 1];
        if (w.size() != 1 || (w[0] != '0' && w[0] != '1'))
          file.fail("expected 0 or 1 for word " + std::to_string(j) +
                    ", found " + quoted(w));
        out[j] = w[0] == '1' ? 1.0f : 0.0f;
      }
      if (fields.back() != row.className)
        file.fail("paper " + quoted(fields[0]) + " has class " +
                  quoted(fields.back()) + " but the split table says " +
                  quoted(row.className));
      d.feature_mask[static_cast<size_t>(v)] = 1;
    }
    if (width < 0)
      file.fail("the content file is empty");
  }
  for (size_t v = 0; v < rows.size(); ++v)
    if (rows[v].label >= 0 && !rows[v].hasContent)
      throw GraphLoadError(files.split, static_cast<int64_t>(v) + 1,
                           "paper " + quoted(rows[v].paper) +
                               " has a label but no line in " + files.content);

  std::vector<Edge> edges;
  {
    TextFile file(files.cites);
    while (file.next(line)) {
      file.splitWhitespace(line, fields);
      file.expectColumns(fields, 2, "cited_id citing_id");
      int64_t ends[2];
      for (int k = 0; k < 2; ++k) {
        auto found = indexOfPaper.find(std::string(fields[k]));
        if (found == indexOfPaper.end())
          file.fail("cites unknown paper " + quoted(fields[k]) +
                    " (not in the split table)");
        ends[k] = found->second;
      }
      edges.push_back({/*src=citing*/ ends[1], /*dst=cited*/ ends[0], 1.0f});
    }
  }
  if (!files.testIndex.empty())
    checkTestIndex(files.testIndex, d.split.test);

  // An all-ones mask says nothing; keep it empty then.
  if (countMask(d.feature_mask) == n)
    d.feature_mask.clear();
  finishDataset(d, n, std::move(edges), options);
  return d;
}

Dataset loadCora(const std::string &dir, const LoadOptions &options) {
  return loadPlanetoidLinqs(
      "cora",
      {joinPath(dir, "cora.content"), joinPath(dir, "cora.cites"),
       joinPath(dir, "cora_planetoid_split.tsv"),
       joinPath(dir, "ind.cora.test.index")},
      options);
}

Dataset loadCiteseer(const std::string &dir, const LoadOptions &options) {
  return loadPlanetoidLinqs(
      "citeseer",
      {joinPath(dir, "citeseer.content"), joinPath(dir, "citeseer.cites"),
       joinPath(dir, "citeseer_planetoid_split.tsv"),
       joinPath(dir, "ind.citeseer.test.index")},
      options);
}

} // namespace attnc::graph
