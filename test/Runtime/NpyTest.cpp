// The strict .npy reader and writer used by attn-run.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>

#include "runtime/npy.h"

using namespace attnc;

namespace {

std::string tempPath(const std::string &name) {
  return ::testing::TempDir() + "attnc_npy_" + name + ".npy";
}

void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// A hand-made v1.0 file with `header` (padded to 64 bytes) and `data`.
std::string npyFile(std::string header, const std::string &data,
                    char major = 1) {
  size_t lengthBytes = major == 1 ? 2 : 4;
  size_t unpadded = 6 + 2 + lengthBytes + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += major;
  bytes += '\0';
  for (size_t i = 0; i < lengthBytes; ++i)
    bytes += char((header.size() >> (8 * i)) & 0xff);
  return bytes + header + data;
}

std::string readError(const std::string &name, const std::string &bytes) {
  std::string path = tempPath(name);
  writeFile(path, bytes);
  npy::Array array;
  std::string error;
  bool ok = npy::read(path, array, error);
  std::remove(path.c_str());
  return ok ? "" : error;
}

TEST(RuntimeNpy, RoundTrip) {
  npy::Array array;
  array.descr = "<f4";
  array.shape = {2, 3};
  float values[6] = {1, 2, 3, 4, 5, 6};
  array.data.assign(reinterpret_cast<unsigned char *>(values),
                    reinterpret_cast<unsigned char *>(values) + sizeof values);
  std::string bytes, temp, error;
  ASSERT_TRUE(npy::encode(array, bytes, error)) << error;
  EXPECT_EQ((bytes.size() - array.data.size()) % 64, 0u);
  EXPECT_NE(bytes.find("'shape': (2, 3), }"), std::string::npos);
  std::string path = tempPath("roundtrip");
  ASSERT_TRUE(npy::writeTemp(path, bytes, temp, error)) << error;
  EXPECT_NE(temp, path);
  ASSERT_TRUE(npy::commit(temp, path, error)) << error;
  npy::Array back;
  ASSERT_TRUE(npy::read(path, back, error)) << error;
  EXPECT_EQ(back.descr, "<f4");
  EXPECT_EQ(back.shape, array.shape);
  EXPECT_EQ(back.data, array.data);
  std::remove(path.c_str());
}

TEST(RuntimeNpy, ShapesOfRankZeroAndOne) {
  for (auto shape : {std::vector<int64_t>{}, std::vector<int64_t>{4}}) {
    npy::Array array;
    array.descr = "<i8";
    array.shape = shape;
    array.data.assign(array.elementCount() * 8, 0);
    std::string bytes, error;
    ASSERT_TRUE(npy::encode(array, bytes, error));
    std::string path = tempPath("rank");
    writeFile(path, bytes);
    npy::Array back;
    ASSERT_TRUE(npy::read(path, back, error)) << error;
    EXPECT_EQ(back.shape, shape);
    std::remove(path.c_str());
  }
}

TEST(RuntimeNpy, ReadsVersion2AndBool) {
  std::string path = tempPath("v2");
  writeFile(path, npyFile("{'descr': '|b1', 'fortran_order': False, "
                          "'shape': (3,), }",
                          std::string("\1\0\1", 3), 2));
  npy::Array array;
  std::string error;
  ASSERT_TRUE(npy::read(path, array, error)) << error;
  EXPECT_EQ(array.descr, "|b1");
  EXPECT_EQ(array.shape, (std::vector<int64_t>{3}));
  std::remove(path.c_str());
}

TEST(RuntimeNpy, RefusesFortranOrder) {
  std::string e = readError(
      "fortran", npyFile("{'descr': '<f4', 'fortran_order': True, "
                         "'shape': (1,), }",
                         std::string(4, '\0')));
  EXPECT_NE(e.find(tempPath("fortran") + ": Fortran-ordered"),
            std::string::npos)
      << e;
}

TEST(RuntimeNpy, RefusesBigEndian) {
  std::string e = readError(
      "bigendian", npyFile("{'descr': '>f4', 'fortran_order': False, "
                           "'shape': (1,), }",
                           std::string(4, '\0')));
  EXPECT_NE(e.find("big-endian data ('>f4')"), std::string::npos) << e;
}

TEST(RuntimeNpy, RefusesUnsupportedDtype) {
  std::string e = readError(
      "complex", npyFile("{'descr': '<c8', 'fortran_order': False, "
                         "'shape': (1,), }",
                         std::string(8, '\0')));
  EXPECT_NE(e.find("unsupported dtype '<c8'"), std::string::npos) << e;
}

TEST(RuntimeNpy, RefusesTruncatedAndOverlongData) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, "
                       "'shape': (2, 2), }";
  std::string e = readError("short", npyFile(header, std::string(31, '\0')));
  EXPECT_NE(e.find("truncated data: expected 32 bytes, found 31"),
            std::string::npos)
      << e;
  e = readError("long", npyFile(header, std::string(33, '\0')));
  EXPECT_NE(e.find("1 unexpected bytes after the data"), std::string::npos)
      << e;
}

TEST(RuntimeNpy, RefusesBadHeaders) {
  EXPECT_NE(readError("magic", "PK\3\4 a zip file").find("bad magic"),
            std::string::npos);
  EXPECT_NE(readError("version", npyFile("{}", "", 3)).find("version 3.0"),
            std::string::npos);
  EXPECT_NE(readError("nokey", npyFile("{'descr': '<f4', 'shape': (1,), }",
                                       std::string(4, '\0')))
                .find("lacks"),
            std::string::npos);
  EXPECT_NE(readError("extra", npyFile("{'descr': '<f4', 'fortran_order': "
                                       "False, 'shape': (1,), 'x': 1, }",
                                       std::string(4, '\0')))
                .find("unexpected key 'x'"),
            std::string::npos);
  EXPECT_NE(readError("shape", npyFile("{'descr': '<f4', 'fortran_order': "
                                       "False, 'shape': (1, -2), }",
                                       std::string(4, '\0')))
                .find("bad 'shape'"),
            std::string::npos);
  std::string cut = npyFile("{'descr': '<f4', 'fortran_order': False, "
                            "'shape': (1,), }",
                            "");
  EXPECT_NE(readError("cut", cut.substr(0, 20)).find("truncated header"),
            std::string::npos);
  EXPECT_NE(readError("huge", npyFile("{'descr': '<f8', 'fortran_order': "
                                      "False, 'shape': (4294967296, "
                                      "4294967296, 4294967296), }",
                                      ""))
                .find("too large"),
            std::string::npos);
}

// Found by fuzz/fuzz_npy.cpp: a header key or dtype with a newline or
// other raw bytes went into the message as they were, so the one-line error
// became several lines of garbage. Values are now escaped and shortened.
TEST(RuntimeNpy, MessagesShowHeaderValuesOnOneLine) {
  npy::Array array;
  std::string error;
  std::string key = npyFile("{'descr': '<f4', 'fortran\n\x93\xff'", "");
  EXPECT_FALSE(npy::decode(key, "k.npy", array, error));
  EXPECT_EQ(error, "k.npy: expected ':' after 'fortran\\x0a\\x93\\xff'");
  std::string dtype = npyFile("{'descr': '<c\t" + std::string(60, 'x') +
                                  "', 'fortran_order': False, 'shape': (), }",
                              "");
  EXPECT_FALSE(npy::decode(dtype, "d.npy", array, error));
  EXPECT_EQ(error, "d.npy: unsupported dtype '<c\\x09" + std::string(37, 'x') +
                       "...' (supported: <f2 <f4 <f8 <i4 <i8 |b1 |u1)");
}

// Found by fuzz/fuzz_npy.cpp (UBSan): an empty array whose other extents
// multiply past int64 made elementCount() overflow (signed overflow) and
// encode compare against garbage.
TEST(RuntimeNpy, EmptyArrayWithHugeExtents) {
  npy::Array array;
  std::string error;
  // One-byte items: the byte count 200000000000010470 * 74 fits uint64,
  // so the header is accepted, but the element count overflows int64.
  std::string bytes = npyFile("{'descr': '|u1', 'fortran_order': False, "
                              "'shape': (200000000000010470, 74, 0), }",
                              "");
  ASSERT_TRUE(npy::decode(bytes, "e.npy", array, error)) << error;
  EXPECT_EQ(array.elementCount(), 0);
  std::string again;
  ASSERT_TRUE(npy::encode(array, again, error)) << error;
  npy::Array back;
  ASSERT_TRUE(npy::decode(again, "again.npy", back, error)) << error;
  EXPECT_EQ(back.shape, array.shape);
  array.shape = {int64_t{1} << 62, 4};
  EXPECT_EQ(array.elementCount(), std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(npy::encode(array, again, error));
  EXPECT_EQ(error, "data size does not match the shape");
}

TEST(RuntimeNpy, MissingFileNamesIt) {
  npy::Array array;
  std::string error;
  EXPECT_FALSE(npy::read("/nonexistent/x.npy", array, error));
  EXPECT_EQ(error.rfind("/nonexistent/x.npy: cannot open", 0), 0u) << error;
}

} // namespace
