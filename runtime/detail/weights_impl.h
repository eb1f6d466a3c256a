// Internal: the state behind attnc_weights, and the safetensors codec.
#ifndef ATTNC_RUNTIME_DETAIL_WEIGHTS_IMPL_H
#define ATTNC_RUNTIME_DETAIL_WEIGHTS_IMPL_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/status.h"
#include "runtime/weights.h"

namespace attnc::detail {

struct WeightTensor {
  int32_t dtype = 0;
  std::vector<int64_t> shape; // outermost first
  // 8-byte words, so every supported dtype is aligned; `bytes` are used.
  std::vector<uint64_t> storage;
  size_t bytes = 0;

  void *data() { return storage.data(); }
  const void *data() const { return storage.data(); }
  void resize(size_t n) {
    bytes = n;
    storage.assign((n + 7) / 8, 0);
  }
};

// "[64, 32]".
std::string shapeText(const std::vector<int64_t> &shape);

// The dtypes a weights set holds: f32 f64 i32 i64 bool.
bool weightDtypeSupported(int32_t dtype);

// prod(shape) * itemSize, or false on overflow or a negative extent.
bool byteCount(const std::vector<int64_t> &shape, size_t itemSize,
               uint64_t &out);

// Parses a whole safetensors file held in `bytes` (`path` for messages).
// On failure returns the status and sets a one-line `error` starting with
// the path.
attnc_status parseSafetensors(const std::string &path, const unsigned char *bytes,
                              size_t size,
                              std::map<std::string, WeightTensor> &tensors,
                              std::map<std::string, std::string> &metadata,
                              std::string &error);

// Encodes tensors and metadata as a complete safetensors file.
std::string encodeSafetensors(
    const std::map<std::string, WeightTensor> &tensors,
    const std::map<std::string, std::string> &metadata);

} // namespace attnc::detail

struct attnc_weights {
  using Tensors = std::map<std::string, attnc::detail::WeightTensor>;
  using Metadata = std::map<std::string, std::string>;
  std::string source;
  Tensors tensors;
  Metadata metadata;
  // Index order for the C API's index-based access; rebuilt by reindex().
  std::vector<Tensors::const_iterator> tensorIndex;
  std::vector<Metadata::const_iterator> metadataIndex;

  void reindex() {
    tensorIndex.clear();
    for (auto it = tensors.begin(); it != tensors.end(); ++it)
      tensorIndex.push_back(it);
    metadataIndex.clear();
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
      metadataIndex.push_back(it);
  }
};

#endif // ATTNC_RUNTIME_DETAIL_WEIGHTS_IMPL_H
