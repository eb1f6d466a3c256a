#include "apps/attn-train/GraphInput.h"
#include "support/Printable.h"

#include <dirent.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

namespace attnc::train {
namespace {

bool isDirectory(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool readWholeFile(const std::string &path, std::string &bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  bytes.assign(std::istreambuf_iterator<char>(in),
               std::istreambuf_iterator<char>());
  return !in.bad();
}

// A name from the archive as messages show it (one line, 40 characters).
std::string shownName(const std::string &name) {
  return attnc::printable(name, 40);
}

std::string keyPrefix(const std::string &file, const std::string &key) {
  return file + ": key '" + shownName(key) + "'";
}

// ---- .npz: a zip archive of .npy entries ----------------------------------

class Zip {
public:
  Zip(const std::string &file, const std::string &bytes)
      : file(file), bytes(bytes),
        p(reinterpret_cast<const unsigned char *>(bytes.data())) {}

  std::map<std::string, npy::Array> read() {
    uint64_t count = 0, cdSize = 0, cdOffset = 0;
    findDirectory(count, cdSize, cdOffset);
    std::map<std::string, npy::Array> arrays;
    uint64_t at = cdOffset;
    for (uint64_t i = 0; i < count; ++i) {
      need(at, 46, "the central directory");
      if (u32(at) != 0x02014b50)
        corrupt("bad central directory entry " + std::to_string(i));
      const unsigned flags = u16(at + 8), method = u16(at + 10);
      const uint32_t crc = u32(at + 16);
      uint64_t csize = u32(at + 20), usize = u32(at + 24);
      const unsigned nameLen = u16(at + 28), extraLen = u16(at + 30),
                     commentLen = u16(at + 32);
      uint64_t local = u32(at + 42);
      need(at + 46, uint64_t{nameLen} + extraLen + commentLen,
           "the central directory");
      std::string name = bytes.substr(at + 46, nameLen);
      // Zip64 sizes and offset (numpy.savez writes them when asked to).
      for (uint64_t e = at + 46 + nameLen, end = e + extraLen; e + 4 <= end;) {
        unsigned id = u16(e), size = u16(e + 2);
        uint64_t f = e + 4;
        if (id == 0x0001) {
          auto take = [&](uint64_t &v) {
            if (v == 0xffffffffu && f + 8 <= std::min(e + 4 + size, end)) {
              v = u64(f);
              f += 8;
            }
          };
          take(usize);
          take(csize);
          take(local);
        }
        e += 4 + uint64_t{size};
      }
      at += 46 + uint64_t{nameLen} + extraLen + commentLen;

      const std::string where = keyPrefix(file, keyOf(name));
      if (name.size() < 4 || name.compare(name.size() - 4, 4, ".npy") != 0)
        throw GraphInputError(file + ": entry '" + shownName(name) +
                              "' is not a .npy array");
      if (flags & 1)
        throw GraphInputError(where + ": the entry is encrypted");
      if (local > bytes.size() || bytes.size() - local < 30 ||
          u32(local) != 0x04034b50)
        throw GraphInputError(where +
                              ": truncated or corrupt archive (no "
                              "local header at offset " +
                              std::to_string(local) + ")");
      uint64_t data = local + 30 + u16(local + 26) + u16(local + 28);
      if (data > bytes.size() || bytes.size() - data < csize)
        throw GraphInputError(where + ": truncated archive (the entry needs " +
                              std::to_string(csize) + " bytes at offset " +
                              std::to_string(data) + ", the file has " +
                              std::to_string(bytes.size()) + ")");
      std::string content;
      if (method == 0) {
        if (csize != usize)
          throw GraphInputError(where + ": corrupt archive (stored sizes "
                                        "differ)");
        content = bytes.substr(data, csize);
      } else if (method == 8) {
        // Deflate expands at most about 1032:1; a larger claim is corrupt
        // (and would be a huge allocation).
        if (usize / 1032 > csize + 1)
          throw GraphInputError(
              where + ": corrupt archive (" + std::to_string(csize) +
              " compressed bytes cannot hold " + std::to_string(usize) + ")");
        content = inflateRaw(where, data, csize, usize);
      } else {
        throw GraphInputError(where + ": compression method " +
                              std::to_string(method) +
                              " (only stored and deflate, as numpy.savez and "
                              "savez_compressed write)");
      }
      uLong actual = crc32(0L, Z_NULL, 0);
      actual = crc32_z(actual, reinterpret_cast<const Bytef *>(content.data()),
                       content.size());
      if (actual != crc)
        throw GraphInputError(where + ": corrupt archive (CRC mismatch)");
      npy::Array a;
      std::string error;
      if (!npy::decode(content, where, a, error))
        throw GraphInputError(error);
      arrays[keyOf(name)] = std::move(a);
    }
    return arrays;
  }

private:
  const std::string &file;
  const std::string &bytes;
  const unsigned char *p;

  static std::string keyOf(const std::string &name) {
    return name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0
               ? name.substr(0, name.size() - 4)
               : name;
  }
  [[noreturn]] void corrupt(const std::string &what) const {
    throw GraphInputError(file + ": truncated or corrupt .npz archive (" +
                          what + ")");
  }
  void need(uint64_t at, uint64_t n, const char *what) const {
    if (at > bytes.size() || bytes.size() - at < n)
      corrupt(std::string(what) + " runs past the end of the file");
  }
  unsigned u16(uint64_t at) const {
    return unsigned{p[at]} | unsigned{p[at + 1]} << 8;
  }
  uint32_t u32(uint64_t at) const {
    return uint32_t{u16(at)} | uint32_t{u16(at + 2)} << 16;
  }
  uint64_t u64(uint64_t at) const {
    return uint64_t{u32(at)} | uint64_t{u32(at + 4)} << 32;
  }

  void findDirectory(uint64_t &count, uint64_t &cdSize, uint64_t &cdOffset) {
    if (bytes.size() < 22)
      corrupt("too short for a zip archive");
    uint64_t end = bytes.size() - 22;
    uint64_t stop = end > 0xffff ? end - 0xffff : 0;
    uint64_t eocd = std::numeric_limits<uint64_t>::max();
    for (uint64_t i = end + 1; i-- > stop;)
      if (u32(i) == 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd == std::numeric_limits<uint64_t>::max())
      corrupt("no zip end record: not a zip file, or cut short");
    count = u16(eocd + 10);
    cdSize = u32(eocd + 12);
    cdOffset = u32(eocd + 16);
    if ((count == 0xffff || cdOffset == 0xffffffffu) && eocd >= 20 &&
        u32(eocd - 20) == 0x07064b50) {
      uint64_t z = u64(eocd - 20 + 8);
      need(z, 56, "the zip64 end record");
      if (u32(z) != 0x06064b50)
        corrupt("bad zip64 end record");
      count = u64(z + 32);
      cdSize = u64(z + 40);
      cdOffset = u64(z + 48);
    }
    need(cdOffset, cdSize, "the central directory");
  }

  std::string inflateRaw(const std::string &where, uint64_t data,
                         uint64_t csize, uint64_t usize) const {
    std::string out(usize, '\0');
    z_stream s{};
    if (inflateInit2(&s, -MAX_WBITS) != Z_OK)
      throw GraphInputError(where + ": cannot start zlib");
    s.next_in =
        reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data())) + data;
    s.avail_in = static_cast<uInt>(csize);
    s.next_out = reinterpret_cast<Bytef *>(out.data());
    s.avail_out = static_cast<uInt>(usize);
    int rc = ::inflate(&s, Z_FINISH);
    uint64_t produced = s.total_out;
    inflateEnd(&s);
    if (rc != Z_STREAM_END || produced != usize)
      throw GraphInputError(where +
                            ": corrupt archive (the deflate data does "
                            "not decompress to " +
                            std::to_string(usize) + " bytes)");
    return out;
  }
};

// ---- typed views of the arrays ---------------------------------------------

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

class Arrays {
public:
  Arrays(std::string file, std::map<std::string, npy::Array> arrays)
      : file(std::move(file)), arrays(std::move(arrays)) {}

  const std::string file;

  bool has(const std::string &key) const { return arrays.count(key) != 0; }

  [[noreturn]] void fail(const std::string &key,
                         const std::string &what) const {
    throw GraphInputError(keyPrefix(file, key) + ": " + what);
  }

  const npy::Array &get(const std::string &key, const std::string &what) const {
    auto it = arrays.find(key);
    if (it == arrays.end())
      fail(key, "missing (" + what + ")");
    return it->second;
  }

  void rank(const std::string &key, const npy::Array &a, size_t r,
            const char *expected) const {
    if (a.shape.size() != r)
      fail(key, "shape " + shapeText(a.shape) + ", expected " + expected);
  }

  std::vector<int64_t> ints(const std::string &key, const npy::Array &a) const {
    std::vector<int64_t> v(static_cast<size_t>(a.elementCount()));
    if (a.descr == "<i8") {
      std::memcpy(v.data(), a.data.data(), v.size() * 8);
    } else if (a.descr == "<i4") {
      for (size_t i = 0; i < v.size(); ++i) {
        int32_t x;
        std::memcpy(&x, a.data.data() + i * 4, 4);
        v[i] = x;
      }
    } else {
      fail(key, "dtype " + a.descr + ", expected int32 or int64 (<i4, <i8)");
    }
    return v;
  }

  std::vector<float> floats(const std::string &key, const npy::Array &a) const {
    std::vector<float> v(static_cast<size_t>(a.elementCount()));
    if (a.descr == "<f4") {
      std::memcpy(v.data(), a.data.data(), v.size() * 4);
    } else if (a.descr == "<f8") {
      for (size_t i = 0; i < v.size(); ++i) {
        double x;
        std::memcpy(&x, a.data.data() + i * 8, 8);
        v[i] = static_cast<float>(x);
      }
    } else {
      fail(key,
           "dtype " + a.descr + ", expected float32 or float64 (<f4, <f8)");
    }
    return v;
  }

  // Bool (or uint8 0/1) values.
  std::vector<uint8_t> bools(const std::string &key,
                             const npy::Array &a) const {
    if (a.descr != "|b1" && a.descr != "|u1")
      fail(key, "dtype " + a.descr + ", expected bool (|b1)");
    std::vector<uint8_t> v(a.data.begin(), a.data.end());
    for (size_t i = 0; i < v.size(); ++i)
      if (v[i] > 1)
        fail(key, "value " + std::to_string(v[i]) + " at flat position " +
                      std::to_string(i) + " is not 0 or 1");
    return v;
  }

private:
  std::map<std::string, npy::Array> arrays;
};

std::string baseName(std::string path) {
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  size_t slash = path.find_last_of('/');
  std::string b = slash == std::string::npos ? path : path.substr(slash + 1);
  if (b.size() > 4 && b.compare(b.size() - 4, 4, ".npz") == 0)
    b.resize(b.size() - 4);
  return b.empty() ? "graph" : b;
}

void makeDirectories(const std::string &dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw std::runtime_error(dir + ": cannot create the folder: " +
                             ec.message());
}

void writeNpy(const std::string &dir, const std::string &name,
              const std::string &descr, const std::vector<int64_t> &shape,
              const void *data, size_t bytes) {
  npy::Array a;
  a.descr = descr;
  a.shape = shape;
  a.data.assign(static_cast<const unsigned char *>(data),
                static_cast<const unsigned char *>(data) + bytes);
  std::string encoded, error, temp;
  const std::string path = dir + "/" + name + ".npy";
  if (!npy::encode(a, encoded, error) ||
      !npy::writeTemp(path, encoded, temp, error) ||
      !npy::commit(temp, path, error))
    throw std::runtime_error(error);
}

} // namespace

void parseSplitRatio(const std::string &text, double &train, double &val,
                     double &test) {
  double f[3];
  std::istringstream in(text);
  char slash1 = 0, slash2 = 0;
  std::string rest;
  if (!(in >> f[0] >> slash1 >> f[1] >> slash2 >> f[2]) || slash1 != '/' ||
      slash2 != '/' || (in >> rest) || f[0] < 0 || f[1] < 0 || f[2] < 0 ||
      std::fabs(f[0] + f[1] + f[2] - 1.0) > 1e-6)
    throw std::invalid_argument("--split-ratio: '" + text +
                                "' is not TRAIN/VAL/TEST fractions summing "
                                "to 1, e.g. 0.6/0.2/0.2");
  train = f[0];
  val = f[1];
  test = f[2];
}

std::map<std::string, npy::Array> readArrays(const std::string &path) {
  if (isDirectory(path)) {
    std::map<std::string, npy::Array> arrays;
    DIR *d = opendir(path.c_str());
    if (!d)
      throw GraphInputError(
          path + ": cannot read the folder: " + std::strerror(errno));
    std::vector<std::string> names;
    while (dirent *e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 4 && n.compare(n.size() - 4, 4, ".npy") == 0)
        names.push_back(n);
    }
    closedir(d);
    for (const std::string &n : names) {
      const std::string file = path + "/" + n, key = n.substr(0, n.size() - 4);
      std::string bytes, error;
      if (!readWholeFile(file, bytes))
        throw GraphInputError(file + ": cannot read: " + std::strerror(errno));
      npy::Array a;
      if (!npy::decode(bytes, keyPrefix(file, key), a, error))
        throw GraphInputError(error);
      arrays[key] = std::move(a);
    }
    return arrays;
  }
  std::string bytes;
  if (!readWholeFile(path, bytes))
    throw GraphInputError(path + ": cannot open: " + std::strerror(errno));
  return Zip(path, bytes).read();
}

Task loadGraphTask(const std::string &path, const GraphInputOptions &options) {
  return buildGraphTask(path, readArrays(path), options);
}

Task buildGraphTask(const std::string &path,
                    std::map<std::string, npy::Array> arrays,
                    const GraphInputOptions &options) {
  const Arrays a(path, std::move(arrays));

  // Labels: their length is N.
  const npy::Array &yArray = a.get("y", "node labels, int [N]");
  a.rank("y", yArray, 1, "[N]");
  const std::vector<int64_t> y = a.ints("y", yArray);
  const int64_t n = static_cast<int64_t>(y.size());
  if (n == 0)
    a.fail("y", "no nodes (shape [0])");
  int64_t classes = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (y[i] < 0)
      a.fail("y", "node " + std::to_string(i) + " has label " +
                      std::to_string(y[i]) + "; labels are classes 0..C-1");
    if (options.numClasses > 0 && y[i] >= options.numClasses)
      a.fail("y", "node " + std::to_string(i) + " has label " +
                      std::to_string(y[i]) + " >= C = " +
                      std::to_string(options.numClasses) + " (" +
                      options.spelling("--classes") + ")");
    if (y[i] > (int64_t{1} << 20))
      a.fail("y", "node " + std::to_string(i) + " has label " +
                      std::to_string(y[i]) + ", too large (over 2^20 classes)");
    classes = std::max(classes, y[i] + 1);
  }
  if (options.numClasses > 0)
    classes = options.numClasses;
  const std::string nText = " (N = " + std::to_string(n) + " from y)";

  // Edges.
  const npy::Array &eArray =
      a.get("edge_index", "edges, int [2, E]: row 0 sources, row 1 targets");
  if (eArray.shape.size() != 2 || eArray.shape[0] != 2)
    a.fail("edge_index",
           "shape " + shapeText(eArray.shape) + ", expected [2, E]");
  const std::vector<int64_t> e = a.ints("edge_index", eArray);
  const int64_t numEdges = eArray.shape[1];
  std::vector<graph::Edge> edges(static_cast<size_t>(numEdges));
  for (int64_t k = 0; k < numEdges; ++k) {
    const int64_t src = e[k], dst = e[numEdges + k];
    for (int64_t v : {src, dst})
      if (v < 0 || v >= n)
        a.fail("edge_index", "edge " + std::to_string(k) + " (" +
                                 std::to_string(src) + " -> " +
                                 std::to_string(dst) + "): node " +
                                 std::to_string(v) + " is out of range 0.." +
                                 std::to_string(n - 1) + nText);
    edges[k] = graph::Edge{src, dst, 1.0f};
  }

  // Features: dense x, or CSR x_indptr/x_indices/x_data.
  Task t;
  int64_t width = 0;
  std::string featureForm;
  if (a.has("x")) {
    const npy::Array &x = a.get("x", "");
    a.rank("x", x, 2, "[N, F]");
    if (x.shape[0] != n)
      a.fail("x", std::to_string(x.shape[0]) + " rows, but y has " +
                      std::to_string(n) + " nodes");
    width = x.shape[1];
    t.features = a.floats("x", x);
    featureForm = "dense x";
  } else if (a.has("x_indptr") || a.has("x_indices") || a.has("x_data")) {
    const char *what = "sparse features need x_indptr, x_indices and x_data";
    const npy::Array &ipA = a.get("x_indptr", what);
    const npy::Array &ixA = a.get("x_indices", what);
    const npy::Array &dA = a.get("x_data", what);
    a.rank("x_indptr", ipA, 1, "[N + 1]");
    a.rank("x_indices", ixA, 1, "[nnz]");
    a.rank("x_data", dA, 1, "[nnz]");
    const std::vector<int64_t> ip = a.ints("x_indptr", ipA);
    const std::vector<int64_t> ix = a.ints("x_indices", ixA);
    const std::vector<float> data = a.floats("x_data", dA);
    if (static_cast<int64_t>(ip.size()) != n + 1)
      a.fail("x_indptr", std::to_string(ip.size()) + " entries, but y has " +
                             std::to_string(n) + " nodes (expected N + 1 = " +
                             std::to_string(n + 1) + ")");
    const int64_t nnz = static_cast<int64_t>(ix.size());
    if (static_cast<int64_t>(data.size()) != nnz)
      a.fail("x_data", std::to_string(data.size()) +
                           " values, but x_indices "
                           "has " +
                           std::to_string(nnz));
    if (ip[0] != 0)
      a.fail("x_indptr",
             "x_indptr[0] = " + std::to_string(ip[0]) + ", expected 0");
    for (int64_t i = 0; i < n; ++i)
      if (ip[i + 1] < ip[i])
        a.fail("x_indptr", "x_indptr[" + std::to_string(i + 1) +
                               "] = " + std::to_string(ip[i + 1]) +
                               " < x_indptr[" + std::to_string(i) +
                               "] = " + std::to_string(ip[i]));
    if (ip[n] != nnz)
      a.fail("x_indptr",
             "x_indptr[" + std::to_string(n) + "] = " + std::to_string(ip[n]) +
                 ", but x_indices has " + std::to_string(nnz) + " entries");
    for (int64_t k = 0; k < nnz; ++k) {
      if (ix[k] < 0 || ix[k] > (int64_t{1} << 30)) {
        int64_t row =
            std::upper_bound(ip.begin(), ip.end(), k) - ip.begin() - 1;
        a.fail("x_indices", "x_indices[" + std::to_string(k) +
                                "] = " + std::to_string(ix[k]) + " (node " +
                                std::to_string(row) +
                                ") is not a column index");
      }
      width = std::max(width, ix[k] + 1);
    }
    if (a.has("x_shape")) {
      const npy::Array &sA = a.get("x_shape", "");
      a.rank("x_shape", sA, 1, "[2]");
      std::vector<int64_t> s = a.ints("x_shape", sA);
      if (s.size() != 2 || s[0] != n || s[1] < width)
        a.fail("x_shape", "value " + shapeText(s) + " does not fit N = " +
                              std::to_string(n) + " and the largest column " +
                              std::to_string(width - 1));
      width = s[1];
    }
    if (width > (int64_t{1} << 32) / n)
      a.fail("x_indices", "N x F = " + std::to_string(n) + " x " +
                              std::to_string(width) +
                              " is too large for the dense feature matrix");
    t.features.assign(static_cast<size_t>(n * width), 0.0f);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t k = ip[i]; k < ip[i + 1]; ++k)
        t.features[static_cast<size_t>(i * width + ix[k])] += data[k];
    featureForm = "sparse CSR x_indptr/x_indices/x_data";
  } else {
    a.get("x", "node features: x float [N, F], or x_indptr, x_indices, "
               "x_data");
  }
  if (width == 0)
    a.fail(a.has("x") ? "x" : "x_indices", "no feature columns");
  if (options.normalizeFeatures == "row") {
    for (int64_t i = 0; i < n; ++i) {
      float *row = &t.features[static_cast<size_t>(i * width)];
      double sum = 0;
      for (int64_t j = 0; j < width; ++j)
        sum += row[j];
      if (sum != 0)
        for (int64_t j = 0; j < width; ++j)
          row[j] = static_cast<float>(row[j] / sum);
    }
  }

  // The split.
  t.labels.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    t.labels[i] = static_cast<int32_t>(y[i]);
  if (!options.splitRatio.empty()) {
    double tr = 0, va = 0, te = 0;
    parseSplitRatio(options.splitRatio, tr, va, te);
    graph::Split s =
        stratifiedSplit(t.labels, classes, va, te, options.splitSeed);
    t.train = std::move(s.train);
    t.val = std::move(s.val);
    t.test = std::move(s.test);
    if (graph::countMask(t.train) == 0)
      throw GraphInputError(path + ": " + options.spelling("--split-ratio", options.splitRatio) +
                            " leaves no training node");
    t.split_text = "generated, stratified by class, seed " +
                   std::to_string(options.splitSeed) + ": " +
                   options.splitRatio + " train/val/test (rounded per class)";
  } else {
    const char *names[3] = {"train_mask", "val_mask", "test_mask"};
    std::vector<uint8_t> *masks[3] = {&t.train, &t.val, &t.test};
    for (int m = 0; m < 3; ++m) {
      const std::string key = names[m];
      const npy::Array &mA =
          a.get(key, "bool [N] or [N, K]; or generate a split with " +
                         options.spelling("--split-ratio"));
      std::vector<uint8_t> v = a.bools(key, mA);
      if (mA.shape.empty() || mA.shape.size() > 2)
        a.fail(key,
               "shape " + shapeText(mA.shape) + ", expected [N] or [N, K]");
      if (mA.shape[0] != n)
        a.fail(key, std::to_string(mA.shape[0]) + " entries, but y has " +
                        std::to_string(n) + " nodes");
      if (mA.shape.size() == 2) {
        const int64_t k = mA.shape[1];
        if (options.splitColumn < 0)
          a.fail(key, "shape " + shapeText(mA.shape) + " holds " +
                          std::to_string(k) +
                          " splits; choose one with " +
                          options.spelling("--split", "0.." +
                                                       std::to_string(k - 1)));
        if (options.splitColumn >= k)
          a.fail(key, options.spelling("--split",
                                       std::to_string(options.splitColumn)) +
                          " is out of range: the masks hold " +
                          std::to_string(k) + " splits (0.." +
                          std::to_string(k - 1) + ")");
        std::vector<uint8_t> col(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
          col[i] = v[static_cast<size_t>(i * k + options.splitColumn)];
        v = std::move(col);
      } else if (options.splitColumn > 0) {
        a.fail(key,
               "shape " + shapeText(mA.shape) + " holds one split; " +
                   options.spelling("--split",
                                    std::to_string(options.splitColumn)) +
                   " needs [N, K] masks");
      }
      *masks[m] = std::move(v);
    }
    for (int m = 1; m < 3; ++m)
      for (int64_t i = 0; i < n; ++i)
        for (int prev = 0; prev < m; ++prev)
          if ((*masks[m])[i] && (*masks[prev])[i])
            a.fail(names[m], "node " + std::to_string(i) + " is also in " +
                                 names[prev] + " (the masks overlap)");
    if (graph::countMask(t.train) == 0)
      a.fail("train_mask", "selects no node (empty training set)");
    t.split_text = "from the file" +
                   (options.splitColumn >= 0
                        ? " (column " + std::to_string(options.splitColumn) +
                              " of the [N, K] masks)"
                        : std::string());
  }

  t.name = baseName(path);
  t.family = "user";
  t.provenance = "read from " + path;
  t.source_path = path;
  t.num_nodes = n;
  t.num_features = width;
  t.num_classes = classes;
  for (int64_t c = 0; c < classes; ++c)
    t.class_names.push_back(std::to_string(c));
  graph::BuildOptions build;
  build.symmetrise = options.undirected;
  build.addSelfLoops = options.selfLoops;
  build.dedup = options.undirected;
  t.graph = graph::buildGraph(n, std::move(edges), build);
  t.edges_text = std::string(options.undirected ? "made undirected"
                                                : "as given, directed") +
                 (options.selfLoops ? ", self-loops added" : "");
  t.features_text =
      featureForm + " (" + std::to_string(width) + ")" +
      (options.normalizeFeatures == "row" ? ", row-normalised" : ", as given");
  t.metric_text = "accuracy over the test nodes";
  return t;
}

void exportTask(const Task &t, const std::string &dir) {
  makeDirectories(dir);
  writeNpy(dir, "x", "<f4", {t.num_nodes, t.num_features}, t.features.data(),
           t.features.size() * sizeof(float));
  std::vector<graph::Edge> list = graph::edgeList(t.graph);
  const size_t e = list.size();
  std::vector<int64_t> edgeIndex(2 * e);
  for (size_t k = 0; k < e; ++k) {
    edgeIndex[k] = list[k].src;
    edgeIndex[e + k] = list[k].dst;
  }
  writeNpy(dir, "edge_index", "<i8", {2, static_cast<int64_t>(e)},
           edgeIndex.data(), edgeIndex.size() * 8);
  writeNpy(dir, "y", "<i4", {t.num_nodes}, t.labels.data(),
           t.labels.size() * 4);
  writeNpy(dir, "train_mask", "|b1", {t.num_nodes}, t.train.data(),
           t.train.size());
  writeNpy(dir, "val_mask", "|b1", {t.num_nodes}, t.val.data(), t.val.size());
  writeNpy(dir, "test_mask", "|b1", {t.num_nodes}, t.test.data(),
           t.test.size());
}

} // namespace attnc::train
