#include "runtime/npy.h"
#include "support/Printable.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

namespace attnc::npy {
namespace {

// A value from the file as messages show it, quoted: one printable ASCII
// line of at most 40 characters (a corrupt header may hold anything).
std::string shown(const std::string &value) {
  return "'" + attnc::printable(value, 40, /*asciiOnly=*/true) + "'";
}

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

// A cursor over the header's Python dict literal, which NumPy writes as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : text(text) {}

  bool parse(Array &out, bool &fortran, std::string &error) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    if (!consume('{'))
      return fail("header does not start with '{'", error);
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!readString(key))
        return fail("expected a quoted key in the header", error);
      if (!consume(':'))
        return fail("expected ':' after " + shown(key), error);
      if (key == "descr") {
        if (haveDescr || !readString(out.descr))
          return fail("bad 'descr' in the header", error);
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (haveOrder || !readBool(fortran))
          return fail("bad 'fortran_order' in the header", error);
        haveOrder = true;
      } else if (key == "shape") {
        if (haveShape || !readShape(out.shape))
          return fail("bad 'shape' in the header", error);
        haveShape = true;
      } else {
        return fail("unexpected key " + shown(key) + " in the header", error);
      }
      skipSpace();
      if (consume(','))
        continue;
      if (consume('}'))
        break;
      return fail("expected ',' or '}' in the header", error);
    }
    skipSpace();
    if (pos != text.size())
      return fail("trailing characters after the header dict", error);
    if (!haveDescr || !haveOrder || !haveShape)
      return fail("header lacks 'descr', 'fortran_order' or 'shape'", error);
    return true;
  }

private:
  const std::string &text;
  size_t pos = 0;

  static bool fail(const std::string &what, std::string &error) {
    error = what;
    return false;
  }
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n'))
      ++pos;
  }
  bool consume(char c) {
    skipSpace();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool readString(std::string &out) {
    skipSpace();
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return false;
    char quote = text[pos++];
    size_t end = text.find(quote, pos);
    if (end == std::string::npos)
      return false;
    out = text.substr(pos, end - pos);
    pos = end + 1;
    return true;
  }
  bool readBool(bool &out) {
    skipSpace();
    for (auto [word, value] : {std::pair{"True", true}, {"False", false}}) {
      size_t n = std::strlen(word);
      if (text.compare(pos, n, word) == 0) {
        pos += n;
        out = value;
        return true;
      }
    }
    return false;
  }
  bool readShape(std::vector<int64_t> &out) {
    if (!consume('('))
      return false;
    while (true) {
      if (consume(')'))
        return true;
      skipSpace();
      size_t start = pos;
      int64_t value = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (value > (std::numeric_limits<int64_t>::max() - 9) / 10)
          return false;
        value = value * 10 + (text[pos++] - '0');
      }
      if (pos == start)
        return false;
      // Python 2 wrote long extents as "3L".
      if (pos < text.size() && text[pos] == 'L')
        ++pos;
      out.push_back(value);
      if (consume(','))
        continue;
      if (!consume(')'))
        return false;
      return true;
    }
  }
};

uint32_t readLittleEndian(const unsigned char *p, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

} // namespace

size_t descrItemSize(const std::string &descr) {
  if (descr == "<f4" || descr == "<i4")
    return 4;
  if (descr == "<f8" || descr == "<i8")
    return 8;
  if (descr == "<f2")
    return 2;
  if (descr == "|b1" || descr == "|u1")
    return 1;
  return 0;
}

size_t Array::itemSize() const { return descrItemSize(descr); }

int64_t Array::elementCount() const {
  // A zero extent makes the product 0 whatever the others are (a decoded
  // (2^60, 74, 0) holds no bytes, but 2^60 * 74 overflows); a product
  // past int64 (only an array built in memory can claim one) saturates.
  for (int64_t extent : shape)
    if (extent == 0)
      return 0;
  int64_t n = 1;
  for (int64_t extent : shape)
    if (__builtin_mul_overflow(n, extent, &n))
      return std::numeric_limits<int64_t>::max();
  return n;
}

bool read(const std::string &path, Array &out, std::string &error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  std::string bytes((std::istreambuf_iterator<char>(file)),
                    std::istreambuf_iterator<char>());
  if (file.bad()) {
    error = path + ": read error";
    return false;
  }
  return decode(bytes, path, out, error);
}

bool decode(const std::string &bytes, const std::string &name, Array &out,
            std::string &error) {
  auto bad = [&](const std::string &what) {
    error = name + ": " + what;
    return false;
  };
  const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
  if (bytes.size() < kMagicSize + 2 ||
      bytes.compare(0, kMagicSize, kMagic) != 0)
    return bad("not a .npy file (bad magic)");
  unsigned major = p[6], minor = p[7];
  size_t lengthBytes = major == 1 ? 2 : major == 2 ? 4 : 0;
  if (lengthBytes == 0 || minor != 0)
    return bad("unsupported .npy version " + std::to_string(major) + "." +
               std::to_string(minor) + " (only 1.0 and 2.0)");
  size_t prefix = kMagicSize + 2 + lengthBytes;
  if (bytes.size() < prefix)
    return bad("truncated header");
  size_t headerLength = readLittleEndian(p + kMagicSize + 2, lengthBytes);
  if (bytes.size() - prefix < headerLength)
    return bad("truncated header");
  std::string header = bytes.substr(prefix, headerLength);
  if (header.empty() || header.back() != '\n')
    return bad("header does not end with a newline");
  header.pop_back();

  Array array;
  bool fortran = false;
  std::string why;
  if (!HeaderParser(header).parse(array, fortran, why))
    return bad(why);
  if (fortran)
    return bad("Fortran-ordered arrays are not supported (save a C-ordered "
               "copy, e.g. np.ascontiguousarray)");
  if (!array.descr.empty() && array.descr[0] == '>')
    return bad("big-endian data (" + shown(array.descr) + ") is not supported");
  if (array.descr == "<b1" || array.descr == "<u1")
    array.descr[0] = '|';
  if (array.itemSize() == 0)
    return bad("unsupported dtype " + shown(array.descr) +
               " (supported: <f2 <f4 <f8 <i4 <i8 |b1 |u1)");
  // Multiply with an overflow check: a corrupt header may claim anything.
  uint64_t expected = array.itemSize();
  for (int64_t extent : array.shape) {
    if (extent != 0 &&
        expected > std::numeric_limits<uint64_t>::max() / extent)
      return bad("shape is too large");
    expected *= static_cast<uint64_t>(extent);
  }
  uint64_t present = bytes.size() - prefix - headerLength;
  if (present < expected)
    return bad("truncated data: expected " + std::to_string(expected) +
               " bytes, found " + std::to_string(present));
  if (present > expected)
    return bad(std::to_string(present - expected) +
               " unexpected bytes after the data");
  array.data.assign(bytes.begin() + prefix + headerLength, bytes.end());
  out = std::move(array);
  return true;
}

bool encode(const Array &array, std::string &bytes, std::string &error) {
  if (array.itemSize() == 0) {
    error = "cannot write dtype '" + array.descr + "'";
    return false;
  }
  uint64_t expected = 0;
  for (int64_t extent : array.shape)
    if (extent < 0) {
      error = "negative extent in the shape";
      return false;
    }
  if (__builtin_mul_overflow(static_cast<uint64_t>(array.elementCount()),
                             array.itemSize(), &expected) ||
      array.data.size() != expected) {
    error = "data size does not match the shape";
    return false;
  }
  std::string header = "{'descr': '" + array.descr +
                       "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < array.shape.size(); ++i)
    header += std::to_string(array.shape[i]) + ", ";
  if (array.shape.size() > 1)
    header.erase(header.size() - 2); // "(2, 3)" but "(4,)" and "()"
  else if (array.shape.size() == 1)
    header.pop_back();
  header += "), }";
  // NumPy aligns the data to 64 bytes; version 2.0 only when it must.
  size_t lengthBytes = header.size() + 64 <= 65535 ? 2 : 4;
  size_t total = kMagicSize + 2 + lengthBytes + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  bytes.assign(kMagic, kMagicSize);
  bytes += static_cast<char>(lengthBytes == 2 ? 1 : 2);
  bytes += '\0';
  for (size_t i = 0; i < lengthBytes; ++i)
    bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  bytes += header;
  bytes.append(reinterpret_cast<const char *>(array.data.data()),
               array.data.size());
  return true;
}

bool writeTemp(const std::string &path, const std::string &bytes,
               std::string &tempPath, std::string &error) {
  // Same directory as the target, so that rename() is atomic.
  std::string name = path + ".tmp.XXXXXX";
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  int fd = mkstemp(buffer.data());
  if (fd < 0) {
    error = path + ": cannot create a temporary file: " + std::strerror(errno);
    return false;
  }
  tempPath = buffer.data();
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = path + ": write failed: " + std::strerror(errno);
      ::close(fd);
      discard(tempPath);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  // mkstemp creates 0600; outputs get the usual permissions.
  fchmod(fd, 0644);
  if (::close(fd) != 0) {
    error = path + ": write failed: " + std::strerror(errno);
    discard(tempPath);
    return false;
  }
  return true;
}

bool commit(const std::string &tempPath, const std::string &path,
            std::string &error) {
  if (std::rename(tempPath.c_str(), path.c_str()) != 0) {
    error = path + ": cannot rename the output into place: " +
            std::strerror(errno);
    discard(tempPath);
    return false;
  }
  return true;
}

void discard(const std::string &tempPath) { ::unlink(tempPath.c_str()); }

} // namespace attnc::npy
