// graphdata SNAP loader (email-Eu-core): edges \0 labels.
#include "fuzz/GraphFuzz.h"

using namespace attnc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> p = fuzz::splitParts(data, size, 2);
  std::string edges = fuzz::ScratchDir::write("edges.txt", p[0]);
  std::string labels = fuzz::ScratchDir::write("labels.txt", p[1]);
  return fuzz::runLoader([&] {
    return graph::loadSnapEdgeList(edges, labels,
                                   fuzz::optionsFrom(data, size));
  });
}
