// A small, strict reader and writer for NumPy's .npy format (versions 1.0
// and 2.0, C order, little-endian <f2 <f4 <f8 <i4 <i8 and one-byte |b1 |u1).
// Anything else is refused with a message naming the file: attn-run would
// rather stop than guess at a layout. Internal C++ (the static library
// attnc_npy): the runtime uses it to load weights from .npy directories and
// hides it behind the C API; attn-run and the tests link it directly.
#ifndef ATTNC_RUNTIME_NPY_H
#define ATTNC_RUNTIME_NPY_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace attnc::npy {

struct Array {
  std::string descr;          // normalised, e.g. "<f4", "|b1"
  std::vector<int64_t> shape; // outermost first; empty for a scalar
  std::vector<unsigned char> data;

  size_t itemSize() const;
  /// The product of the extents: 0 when one is 0, INT64_MAX when it would
  /// overflow.
  int64_t elementCount() const;
};

// The item size of a supported descr, or 0 if it is not supported.
size_t descrItemSize(const std::string &descr);

// Reads `path`. On failure returns false and sets `error` to one line that
// starts with the file name.
bool read(const std::string &path, Array &out, std::string &error);

// Decodes the bytes of a complete .npy file (e.g. an entry of a .npz
// archive). On failure returns false and sets `error` to one line that
// starts with `name`.
bool decode(const std::string &bytes, const std::string &name, Array &out,
            std::string &error);

// Encodes a complete .npy file (header and data) in memory.
bool encode(const Array &array, std::string &bytes, std::string &error);

// Writes `bytes` to a temporary file next to `path` and returns its name;
// commit() renames it into place, discard() removes it. Splitting the two
// lets a tool write every output before committing any.
bool writeTemp(const std::string &path, const std::string &bytes,
               std::string &tempPath, std::string &error);
bool commit(const std::string &tempPath, const std::string &path,
            std::string &error);
void discard(const std::string &tempPath);

} // namespace attnc::npy

#endif // ATTNC_RUNTIME_NPY_H
