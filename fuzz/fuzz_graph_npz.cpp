// attn-train --graph: a user's graph as a .npz archive (apps/attn-train/
// GraphInput.cpp): the zip reader (stored and deflate entries), the .npy
// entries, and the checks and task building on PyTorch Geometric's keys.
// GraphInputError with one line naming the file is the refusal every bad
// input must get.
#include "apps/attn-train/GraphInput.h"
#include "fuzz/FuzzSupport.h"

#include <cstdio>
#include <cstdlib>

using namespace attnc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = fuzz::ScratchDir::write(
      "g.npz", std::string(reinterpret_cast<const char *>(data), size));
  // The options come from the last byte (a zip ends in its directory
  // record, whose comment may hold anything).
  uint8_t b = size ? data[size - 1] : 0;
  train::GraphInputOptions options;
  options.undirected = (b & 1) != 0;
  options.selfLoops = (b & 2) != 0;
  options.normalizeFeatures = (b & 4) ? "row" : "none";
  if (b & 8)
    options.splitRatio = "0.6/0.2/0.2";
  try {
    std::map<std::string, npy::Array> arrays = train::readArrays(path);
    train::Task task = train::buildGraphTask(path, std::move(arrays), options);
    (void)task;
  } catch (const train::GraphInputError &e) {
    std::string what = e.what();
    if (what.find('\n') != std::string::npos || what.rfind(path, 0) != 0) {
      std::fprintf(stderr, "bad error message: '%s'\n", what.c_str());
      std::abort();
    }
  }
  return 0;
}
