// graphdata Planetoid/LINQS loader (Cora, Citeseer):
// content \0 cites \0 split \0 test index (empty: not checked).
#include "fuzz/GraphFuzz.h"

using namespace attnc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> p = fuzz::splitParts(data, size, 4);
  graph::PlanetoidFiles files;
  files.content = fuzz::ScratchDir::write("cora.content", p[0]);
  files.cites = fuzz::ScratchDir::write("cora.cites", p[1]);
  files.split = fuzz::ScratchDir::write("cora_planetoid_split.tsv", p[2]);
  if (!p[3].empty())
    files.testIndex = fuzz::ScratchDir::write("ind.cora.test.index", p[3]);
  return fuzz::runLoader([&] {
    return graph::loadPlanetoidLinqs("cora", files,
                                     fuzz::optionsFrom(data, size));
  });
}
