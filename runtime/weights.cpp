// Weights sets: creation, loading (safetensors files, .npy directories),
// access and saving. Binding is in weights_bind.cpp, seeded initialisation
// in weights_init.cpp, the safetensors codec in safetensors.cpp.
#include "runtime/weights.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

#include "runtime/detail/error.h"
#include "runtime/detail/weights_impl.h"
#include "runtime/npy.h"

using attnc::detail::fail;
using attnc::detail::guarded;
using attnc::detail::WeightTensor;

namespace {

std::string inQuotes(const std::string &s) { return "'" + s + "'"; }

// The attnc dtype of a .npy descr, -1 if a weights set cannot hold it.
int32_t dtypeOfDescr(const std::string &descr) {
  if (descr == "<f4")
    return ATTNC_DTYPE_F32;
  if (descr == "<f8")
    return ATTNC_DTYPE_F64;
  if (descr == "<i4")
    return ATTNC_DTYPE_I32;
  if (descr == "<i8")
    return ATTNC_DTYPE_I64;
  if (descr == "|b1" || descr == "|u1")
    return ATTNC_DTYPE_BOOL;
  return -1;
}

attnc_status checkBools(const std::string &where, const WeightTensor &t) {
  if (t.dtype != ATTNC_DTYPE_BOOL)
    return ATTNC_OK;
  const auto *b = static_cast<const unsigned char *>(t.data());
  for (size_t i = 0; i < t.bytes; ++i)
    if (b[i] > 1)
      return fail(ATTNC_ERROR_VALIDATION,
                  where + ": bool element " + std::to_string(i) + " is " +
                      std::to_string(b[i]) + ", not 0 or 1");
  return ATTNC_OK;
}

// Maps the file read-only, parses it and unmaps it: tensors are copied
// into the set, so a file changed later cannot fault a running kernel.
attnc_status loadSafetensors(const std::string &path, attnc_weights &w) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(errno == ENOENT ? ATTNC_ERROR_NOT_FOUND
                                : ATTNC_ERROR_INVALID_ARGUMENT,
                path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                path + ": not a regular file");
  }
  size_t size = static_cast<size_t>(st.st_size);
  void *map = nullptr;
  if (size > 0) {
    map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      int err = errno;
      ::close(fd);
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  path + ": cannot map: " + std::strerror(err));
    }
  }
  ::close(fd);
  std::unique_ptr<void, std::function<void(void *)>> unmap(
      map, [size](void *p) {
        if (p)
          ::munmap(p, size);
      });
  std::string error;
  attnc_status s = attnc::detail::parseSafetensors(
      path, static_cast<const unsigned char *>(map), size, w.tensors,
      w.metadata, error);
  if (s != ATTNC_OK)
    return fail(s, error);
  w.source = path;
  w.reindex();
  return ATTNC_OK;
}

attnc_status loadNpyDir(const std::string &path, attnc_weights &w) {
  DIR *dir = ::opendir(path.c_str());
  if (!dir)
    return fail(errno == ENOENT ? ATTNC_ERROR_NOT_FOUND
                                : ATTNC_ERROR_INVALID_ARGUMENT,
                path + ": cannot open the directory: " + std::strerror(errno));
  std::vector<std::string> files;
  while (dirent *e = ::readdir(dir)) {
    std::string file = e->d_name;
    if (file.size() > 4 && file.compare(file.size() - 4, 4, ".npy") == 0 &&
        file[0] != '.')
      files.push_back(file);
  }
  ::closedir(dir);
  std::string prefix = path.empty() || path.back() == '/' ? path : path + "/";
  for (const std::string &file : files) {
    std::string full = prefix + file;
    attnc::npy::Array array;
    std::string error;
    if (!attnc::npy::read(full, array, error))
      return fail(ATTNC_ERROR_VALIDATION, error);
    WeightTensor t;
    t.dtype = dtypeOfDescr(array.descr);
    if (t.dtype < 0)
      return fail(ATTNC_ERROR_UNSUPPORTED,
                  full + ": dtype '" + array.descr +
                      "' is not supported for weights (supported: <f4 <f8 "
                      "<i4 <i8 |b1)");
    t.shape = array.shape;
    t.resize(array.data.size());
    if (!array.data.empty())
      std::memcpy(t.data(), array.data.data(), array.data.size());
    if (attnc_status s = checkBools(full, t))
      return s;
    w.tensors.emplace(file.substr(0, file.size() - 4), std::move(t));
  }
  w.source = path;
  w.reindex();
  return ATTNC_OK;
}

template <typename Load>
attnc_status loadInto(const char *path, attnc_weights **out, Load load) {
  return guarded([&] {
    if (!path || !out)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_weights_load: path and out must not be NULL");
    *out = nullptr;
    auto w = std::make_unique<attnc_weights>();
    if (attnc_status s = load(std::string(path), *w))
      return s;
    *out = w.release();
    return ATTNC_OK;
  });
}

} // namespace

extern "C" {

attnc_status attnc_weights_create(attnc_weights **out) {
  return guarded([&] {
    if (!out)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_weights_create: out is NULL");
    *out = new attnc_weights();
    return ATTNC_OK;
  });
}

attnc_status attnc_weights_load_safetensors(const char *path,
                                            attnc_weights **out) {
  return loadInto(path, out, loadSafetensors);
}

attnc_status attnc_weights_load_npy_dir(const char *path,
                                        attnc_weights **out) {
  return loadInto(path, out, loadNpyDir);
}

attnc_status attnc_weights_load(const char *path, attnc_weights **out) {
  return loadInto(path, out, [](const std::string &p, attnc_weights &w) {
    struct stat st;
    if (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      return loadNpyDir(p, w);
    return loadSafetensors(p, w);
  });
}

void attnc_weights_release(attnc_weights *weights) { delete weights; }

const char *attnc_weights_source(const attnc_weights *weights) {
  return weights ? weights->source.c_str() : "";
}

int32_t attnc_weights_count(const attnc_weights *weights) {
  return weights ? static_cast<int32_t>(weights->tensorIndex.size()) : 0;
}

const char *attnc_weights_name(const attnc_weights *weights, int32_t index) {
  if (!weights || index < 0 ||
      static_cast<size_t>(index) >= weights->tensorIndex.size())
    return nullptr;
  return weights->tensorIndex[index]->first.c_str();
}

attnc_status attnc_weights_find(const attnc_weights *weights,
                                const char *name, int32_t *index) {
  return guarded([&] {
    if (!weights || !name || !index)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_weights_find: NULL argument");
    auto it = weights->tensors.find(name);
    if (it == weights->tensors.end())
      return fail(ATTNC_ERROR_NOT_FOUND,
                  (weights->source.empty() ? std::string("weights")
                                           : weights->source) +
                      ": no tensor " + inQuotes(name));
    *index = static_cast<int32_t>(std::distance(weights->tensors.begin(), it));
    return ATTNC_OK;
  });
}

attnc_status attnc_weights_get(const attnc_weights *weights, int32_t index,
                               attnc_tensor *out) {
  return guarded([&] {
    if (!weights || !out || index < 0 ||
        static_cast<size_t>(index) >= weights->tensorIndex.size())
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_weights_get: NULL argument or index out of range");
    const WeightTensor &t = weights->tensorIndex[index]->second;
    out->dtype = t.dtype;
    out->rank = static_cast<int32_t>(t.shape.size());
    out->shape = t.shape.data();
    out->data = const_cast<void *>(t.data());
    return ATTNC_OK;
  });
}

attnc_status attnc_weights_set(attnc_weights *weights, const char *name,
                               const attnc_tensor *tensor) {
  return guarded([&] {
    if (!weights || !name || !tensor || tensor->rank < 0 ||
        (tensor->rank > 0 && !tensor->shape))
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_weights_set: NULL argument or negative rank");
    std::string where = "tensor " + inQuotes(name);
    if (!*name || std::string(name) == "__metadata__")
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  where + ": not a valid tensor name");
    if (!attnc::detail::weightDtypeSupported(tensor->dtype))
      return fail(ATTNC_ERROR_UNSUPPORTED,
                  where + ": dtype " + attnc_dtype_name(tensor->dtype) +
                      " is not supported (supported: f32, f64, i32, i64, "
                      "bool)");
    WeightTensor t;
    t.dtype = tensor->dtype;
    t.shape.assign(tensor->shape, tensor->shape + tensor->rank);
    uint64_t bytes = 0;
    if (!attnc::detail::byteCount(t.shape, attnc_dtype_size(t.dtype), bytes))
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  where + ": shape " + attnc::detail::shapeText(t.shape) +
                      " is negative or too large");
    if (bytes && !tensor->data)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT, where + ": data is NULL");
    t.resize(static_cast<size_t>(bytes));
    if (bytes)
      std::memcpy(t.data(), tensor->data, static_cast<size_t>(bytes));
    if (attnc_status s = checkBools(where, t))
      return s;
    weights->tensors[name] = std::move(t);
    weights->reindex();
    return ATTNC_OK;
  });
}

int32_t attnc_weights_metadata_count(const attnc_weights *weights) {
  return weights ? static_cast<int32_t>(weights->metadataIndex.size()) : 0;
}

const char *attnc_weights_metadata_key(const attnc_weights *weights,
                                       int32_t index) {
  if (!weights || index < 0 ||
      static_cast<size_t>(index) >= weights->metadataIndex.size())
    return nullptr;
  return weights->metadataIndex[index]->first.c_str();
}

const char *attnc_weights_metadata(const attnc_weights *weights,
                                   const char *key) {
  if (!weights || !key)
    return nullptr;
  auto it = weights->metadata.find(key);
  return it == weights->metadata.end() ? nullptr : it->second.c_str();
}

attnc_status attnc_weights_set_metadata(attnc_weights *weights,
                                        const char *key, const char *value) {
  return guarded([&] {
    if (!weights || !key || !value)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_weights_set_metadata: NULL argument");
    weights->metadata[key] = value;
    weights->reindex();
    return ATTNC_OK;
  });
}

attnc_status attnc_weights_save_safetensors(const attnc_weights *weights,
                                            const char *path) {
  return guarded([&] {
    if (!weights || !path)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_weights_save_safetensors: NULL argument");
    std::string bytes =
        attnc::detail::encodeSafetensors(weights->tensors, weights->metadata);
    std::string temp, error;
    if (!attnc::npy::writeTemp(path, bytes, temp, error) ||
        !attnc::npy::commit(temp, path, error))
      return fail(ATTNC_ERROR_INVALID_ARGUMENT, error);
    return ATTNC_OK;
  });
}

} // extern "C"
