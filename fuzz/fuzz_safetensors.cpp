// The safetensors reader (runtime/safetensors.cpp): parse, and for what
// parses, encode and parse again to the same tensors and metadata.
#include "runtime/detail/weights_impl.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

using attnc::detail::WeightTensor;

namespace {

bool same(const std::map<std::string, WeightTensor> &a,
          const std::map<std::string, WeightTensor> &b) {
  if (a.size() != b.size())
    return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
    if (ia->first != ib->first || ia->second.dtype != ib->second.dtype ||
        ia->second.shape != ib->second.shape ||
        ia->second.bytes != ib->second.bytes ||
        (ia->second.bytes != 0 &&
         std::memcmp(ia->second.data(), ib->second.data(), ia->second.bytes)))
      return false;
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::map<std::string, WeightTensor> tensors;
  std::map<std::string, std::string> metadata;
  std::string error;
  if (attnc::detail::parseSafetensors("fuzz.safetensors", data, size, tensors,
                                      metadata, error) != ATTNC_OK) {
    if (error.rfind("fuzz.safetensors: ", 0) != 0 ||
        error.find('\n') != std::string::npos) {
      std::fprintf(stderr, "bad error message: '%s'\n", error.c_str());
      std::abort();
    }
    return 0;
  }
  std::string again = attnc::detail::encodeSafetensors(tensors, metadata);
  std::map<std::string, WeightTensor> tensors2;
  std::map<std::string, std::string> metadata2;
  if (attnc::detail::parseSafetensors(
          "again.safetensors",
          reinterpret_cast<const unsigned char *>(again.data()), again.size(),
          tensors2, metadata2, error) != ATTNC_OK ||
      !same(tensors, tensors2) || metadata != metadata2) {
    std::fprintf(stderr, "encode/parse does not round-trip: %s\n",
                 error.c_str());
    std::abort();
  }
  return 0;
}
