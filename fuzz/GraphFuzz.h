// The graph-loader harnesses: the input is the loader's files joined by NUL
// bytes (FuzzSupport.h); each is written to the scratch folder and the
// loader reads them by path, as it reads a dataset folder. A GraphLoadError
// with a one-line `FILE:LINE: message` is the refusal every bad input must
// get; any other exception escapes and libFuzzer reports it.
#ifndef ATTNC_FUZZ_GRAPHFUZZ_H
#define ATTNC_FUZZ_GRAPHFUZZ_H

#include "fuzz/FuzzSupport.h"
#include "graphdata/Loaders.h"

#include <cstdio>
#include <cstdlib>

namespace attnc::fuzz {

/// Runs `load` and checks what it throws.
template <typename Load> int runLoader(Load load) {
  try {
    graph::Dataset d = load();
    (void)d;
  } catch (const graph::GraphLoadError &e) {
    std::string what = e.what();
    if (what.find('\n') != std::string::npos ||
        what.rfind(ScratchDir::path(), 0) != 0) {
      std::fprintf(stderr, "bad error message: '%s'\n", what.c_str());
      std::abort();
    }
  }
  return 0;
}

/// The options come from the input's last byte (when there is one), so
/// the fuzzer covers symmetrising, self-loops, de-duplication and row
/// normalisation as well.
inline graph::LoadOptions optionsFrom(const uint8_t *data, size_t size) {
  graph::LoadOptions o;
  if (size == 0)
    return o;
  uint8_t b = data[size - 1];
  o.graph = graph::BuildOptions{(b & 1) != 0, (b & 2) != 0, (b & 4) != 0};
  o.rowNormalise = (b & 8) != 0;
  // Ids that set the node count (SNAP) would otherwise ask for 10^8 nodes
  // in a dozen bytes: by design, but a fuzzer then measures the allocator.
  o.maxNodeId = 100000;
  return o;
}

} // namespace attnc::fuzz

#endif // ATTNC_FUZZ_GRAPHFUZZ_H
