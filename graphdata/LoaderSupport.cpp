#include "graphdata/LoaderSupport.h"

#include "graphdata/TextFile.h"

namespace attnc::graph {

std::string joinPath(const std::string &dir, const std::string &file) {
  if (dir.empty())
    return file;
  if (dir.back() == '/')
    return dir + file;
  return dir + "/" + file;
}

void finishDataset(Dataset &dataset, int64_t numNodes, std::vector<Edge> edges,
                   const LoadOptions &options, bool weighted) {
  dataset.num_input_edges = static_cast<int64_t>(edges.size());
  dataset.graph = buildGraph(numNodes, std::move(edges), options.graph, weighted);
  if (options.rowNormalise)
    rowNormaliseFeatures(dataset);
}

void checkTestIndex(const std::string &path, const std::vector<uint8_t> &test) {
  TextFile file(path);
  const int64_t n = static_cast<int64_t>(test.size());
  std::vector<uint8_t> seen(test.size(), 0);
  int64_t count = 0;
  std::string_view line;
  while (file.next(line)) {
    int64_t index = file.parseId(line, "test index", 0, n - 1);
    if (!test[static_cast<size_t>(index)])
      file.fail("index " + std::to_string(index) +
                " is not a test node in the split file");
    if (seen[static_cast<size_t>(index)])
      file.fail("index " + std::to_string(index) + " listed twice");
    seen[static_cast<size_t>(index)] = 1;
    ++count;
  }
  int64_t expected = countMask(test);
  if (count != expected)
    file.fail("lists " + std::to_string(count) +
              " test indices, the split file marks " + std::to_string(expected));
}

} // namespace attnc::graph
