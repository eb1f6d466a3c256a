// graphdata Pubmed loader:
// edges \0 labels+split \0 features \0 test index (empty: not checked).
#include "fuzz/GraphFuzz.h"

using namespace attnc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> p = fuzz::splitParts(data, size, 4);
  graph::PubmedFiles files;
  files.edges = fuzz::ScratchDir::write("edges.txt", p[0]);
  files.labelsSplit = fuzz::ScratchDir::write("labels_split.txt", p[1]);
  files.features = fuzz::ScratchDir::write("features.txt", p[2]);
  if (!p[3].empty())
    files.testIndex = fuzz::ScratchDir::write("ind.pubmed.test.index", p[3]);
  return fuzz::runLoader([&] {
    return graph::loadPubmedFiles(files, fuzz::optionsFrom(data, size));
  });
}
