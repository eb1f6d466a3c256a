// What the loaders share beyond text parsing. Internal to the library.
#ifndef ATTNC_GRAPHDATA_LOADERSUPPORT_H
#define ATTNC_GRAPHDATA_LOADERSUPPORT_H

#include "graphdata/Loaders.h"

#include <string>
#include <vector>

namespace attnc::graph {

/// `dir/file`, without doubling a trailing slash.
std::string joinPath(const std::string &dir, const std::string &file);

/// Builds the dataset's graph from `edges` (already checked against
/// numNodes) and applies the feature options.
void finishDataset(Dataset &dataset, int64_t numNodes, std::vector<Edge> edges,
                   const LoadOptions &options, bool weighted = false);

/// Checks an `ind.<name>.test.index` file against the test mask: every line
/// one index, each marked test, and as many lines as test nodes.
void checkTestIndex(const std::string &path, const std::vector<uint8_t> &test);

} // namespace attnc::graph

#endif // ATTNC_GRAPHDATA_LOADERSUPPORT_H
