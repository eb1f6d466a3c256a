// graphdata TU-dataset loader (MUTAG, PROTEINS, NCI1, PTC_MR):
// A \0 graph_indicator \0 node_labels \0 graph_labels \0 node_attributes
// (empty: the file is absent, as in MUTAG).
#include "fuzz/GraphFuzz.h"

using namespace attnc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> p = fuzz::splitParts(data, size, 5);
  const char *suffixes[] = {"A", "graph_indicator", "node_labels",
                            "graph_labels", "node_attributes"};
  for (int i = 0; i < 5; ++i) {
    std::string name = std::string("T_") + suffixes[i] + ".txt";
    if (i == 4 && p[i].empty())
      fuzz::ScratchDir::remove(name);
    else
      fuzz::ScratchDir::write(name, p[i]);
  }
  return fuzz::runLoader([&] {
    return graph::loadTUDataset(fuzz::ScratchDir::path(), "T",
                                fuzz::optionsFrom(data, size));
  });
}
