// The .npy reader (runtime/npy.cpp): decode, and for what decodes, encode
// and decode again to the same array.
#include "runtime/npy.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  attnc::npy::Array array;
  std::string error;
  if (!attnc::npy::decode(bytes, "fuzz.npy", array, error)) {
    if (error.empty() || error.find('\n') != std::string::npos ||
        error.rfind("fuzz.npy", 0) != 0) {
      std::fprintf(stderr, "bad error message: '%s'\n", error.c_str());
      std::abort();
    }
    return 0;
  }
  std::string again;
  if (!attnc::npy::encode(array, again, error)) {
    std::fprintf(stderr, "decoded but cannot encode: %s\n", error.c_str());
    std::abort();
  }
  attnc::npy::Array back;
  if (!attnc::npy::decode(again, "again.npy", back, error) ||
      back.descr != array.descr || back.shape != array.shape ||
      back.data != array.data) {
    std::fprintf(stderr, "encode/decode does not round-trip: %s\n",
                 error.c_str());
    std::abort();
  }
  return 0;
}
