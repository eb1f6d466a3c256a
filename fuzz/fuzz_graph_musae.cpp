// graphdata musae Facebook loader: edges CSV \0 labels \0 features.
#include "fuzz/GraphFuzz.h"

using namespace attnc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> p = fuzz::splitParts(data, size, 3);
  std::string edges = fuzz::ScratchDir::write("edges.csv", p[0]);
  std::string labels = fuzz::ScratchDir::write("target.txt", p[1]);
  std::string features = fuzz::ScratchDir::write("features.txt", p[2]);
  return fuzz::runLoader([&] {
    return graph::loadMusaeFacebookFiles(edges, labels, features,
                                         fuzz::optionsFrom(data, size));
  });
}
