// graphdata Zachary karate-club loader: edges \0 factions.
#include "fuzz/GraphFuzz.h"

using namespace attnc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> p = fuzz::splitParts(data, size, 2);
  std::string edges = fuzz::ScratchDir::write("edges.txt", p[0]);
  std::string factions = fuzz::ScratchDir::write("factions.txt", p[1]);
  return fuzz::runLoader([&] {
    return graph::loadKarateFiles(edges, factions,
                                  fuzz::optionsFrom(data, size));
  });
}
