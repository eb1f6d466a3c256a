// Weights sets on disk: safetensors round trips for every dtype, malformed
// files refused byte by byte with one-line messages naming the file and
// tensor, and directories of .npy files.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/attnc.hpp"
#include "runtime/npy.h"
#include "test/Runtime/WeightsTestSupport.h"

namespace attnc::test {
namespace {

// A complete safetensors file from a header text and a data section.
std::string safetensors(const std::string &header, const std::string &data) {
  std::string bytes;
  for (int i = 0; i < 8; ++i)
    bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return bytes + header + data;
}

class WeightsSafetensors : public ::testing::Test {
protected:
  TempDir dir;

  Result<Weights> loadBytes(const std::string &bytes) {
    std::string path = dir.write("w.safetensors", bytes);
    return Weights::load(path);
  }
  ::testing::AssertionResult refused(const std::string &bytes,
                                     std::initializer_list<std::string> parts,
                                     attnc_status code = ATTNC_ERROR_VALIDATION) {
    auto w = loadBytes(bytes);
    if (w)
      return ::testing::AssertionFailure() << "loaded";
    std::vector<std::string> all(parts);
    all.push_back(dir.path("w.safetensors") + ": ");
    return failsWith(w.status(), code, all);
  }
};

TEST_F(WeightsSafetensors, RoundTripEveryDtype) {
  auto created = Weights::create();
  ASSERT_TRUE(created) << created.status().message();
  Weights &w = created.value();
  std::vector<float> f32 = {1.5f, -2.25f, 3.0f, 0.0f, -0.0f, 1e-30f};
  std::vector<double> f64 = {3.141592653589793, -1e300};
  std::vector<int32_t> i32 = {-7, 0, 2147483647};
  std::vector<int64_t> i64 = {-9007199254740993LL, 42};
  unsigned char bools[] = {1, 0, 0, 1, 1};
  double scalar = 2.5;
  ASSERT_TRUE(w.set<float>("enc.q_proj.weight", {2, 3}, f32.data()));
  ASSERT_TRUE(w.set<double>("b.f64", {2}, f64.data()));
  ASSERT_TRUE(w.set<int32_t>("c.i32", {3, 1}, i32.data()));
  ASSERT_TRUE(w.set<int64_t>("d.i64", {2}, i64.data()));
  ASSERT_TRUE(w.set("e.mask", ATTNC_DTYPE_BOOL, {5}, bools));
  ASSERT_TRUE(w.set<double>("f.scalar", {}, &scalar));
  ASSERT_TRUE(w.set<float>("g.empty", {0, 4}, nullptr));
  ASSERT_TRUE(w.setMetadata("format", "pt"));
  std::string path = dir.path("out.safetensors");
  ASSERT_TRUE(w.save(path));

  auto loaded = Weights::load(path);
  ASSERT_TRUE(loaded) << loaded.status().message();
  Weights &r = loaded.value();
  EXPECT_EQ(r.source(), path);
  EXPECT_EQ(r.names(), w.names());
  EXPECT_EQ(r.metadata("format"), std::optional<std::string>("pt"));
  EXPECT_EQ(valuesOf<float>(r, "enc.q_proj.weight"), f32);
  EXPECT_EQ(valuesOf<double>(r, "b.f64"), f64);
  EXPECT_EQ(valuesOf<int32_t>(r, "c.i32"), i32);
  EXPECT_EQ(valuesOf<int64_t>(r, "d.i64"), i64);
  EXPECT_EQ(valuesOf<double>(r, "f.scalar"), std::vector<double>{2.5});
  EXPECT_TRUE(valuesOf<float>(r, "g.empty").empty());
  auto mask = r.tensor("e.mask");
  ASSERT_TRUE(mask);
  EXPECT_EQ(mask->dtype, ATTNC_DTYPE_BOOL);
  EXPECT_EQ(std::memcmp(mask->data, bools, 5), 0);
  auto shape = r.tensor("c.i32");
  ASSERT_TRUE(shape);
  EXPECT_EQ(std::vector<int64_t>(shape->shape, shape->shape + shape->rank),
            (std::vector<int64_t>{3, 1}));
  EXPECT_TRUE(failsWith(r.values<float>("b.f64").status(),
                        ATTNC_ERROR_VALIDATION, {"'b.f64' is f64, not f32"}));

  // The layout: header padded to 8 bytes, keys sorted, every tensor aligned
  // to its item size.
  std::string bytes = readFile(path);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ((8 + n) % 8, 0u);
  std::string header = bytes.substr(8, n);
  EXPECT_LT(header.find("\"__metadata__\""), header.find("\"b.f64\""));
  EXPECT_LT(header.find("\"b.f64\""), header.find("\"c.i32\""));
  EXPECT_LT(header.find("\"c.i32\""), header.find("\"enc.q_proj.weight\""));
  EXPECT_NE(header.find("\"b.f64\":{\"data_offsets\":[0,16]"),
            std::string::npos)
      << header;
  // Saving the loaded set gives the same bytes.
  ASSERT_TRUE(r.save(dir.path("again.safetensors")));
  EXPECT_EQ(readFile(dir.path("again.safetensors")), bytes);
}

TEST_F(WeightsSafetensors, SaveIsAtomic) {
  auto w = Weights::create();
  float x = 1;
  ASSERT_TRUE(w->set<float>("a.b", {1}, &x));
  // Into a directory that does not exist: fails, naming the path.
  std::string bad = dir.path("missing/w.safetensors");
  EXPECT_TRUE(failsWith(w->save(bad), ATTNC_ERROR_INVALID_ARGUMENT, {bad}));
  // Over an existing file: replaced whole, no temporary left behind.
  std::string path = dir.write("w.safetensors", "old");
  ASSERT_TRUE(w->save(path));
  EXPECT_TRUE(Weights::load(path));
  EXPECT_EQ(dir.list(), std::vector<std::string>{"w.safetensors"});
}

TEST_F(WeightsSafetensors, ReadsAHandWrittenFile) {
  // As the reference writer lays it out: header padded with spaces.
  std::string header =
      R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  header.append((8 - (8 + header.size()) % 8) % 8, ' ');
  float data[] = {1, 2};
  auto w = loadBytes(safetensors(header, std::string(reinterpret_cast<char *>(data), 8)));
  ASSERT_TRUE(w) << w.status().message();
  EXPECT_EQ(valuesOf<float>(*w, "w"), (std::vector<float>{1, 2}));
}

TEST_F(WeightsSafetensors, MissingFile) {
  std::string path = dir.path("none.safetensors");
  auto w = Weights::load(path);
  EXPECT_TRUE(failsWith(w.status(), ATTNC_ERROR_NOT_FOUND,
                        {path + ": cannot open"}));
}

TEST_F(WeightsSafetensors, TruncatedHeaderLength) {
  EXPECT_TRUE(refused("", {"truncated: 0 bytes"}));
  EXPECT_TRUE(refused(std::string("\x10\0\0", 3), {"truncated: 3 bytes",
                                                   "8-byte header length"}));
}

TEST_F(WeightsSafetensors, HeaderLongerThanFile) {
  std::string bytes = safetensors("{}", "");
  bytes[0] = 100;
  EXPECT_TRUE(refused(bytes, {"header length 100 exceeds the file (10 bytes)"}));
  // A huge length must not wrap around.
  std::string huge(8, '\xff');
  EXPECT_TRUE(refused(huge + "{}", {"header length 18446744073709551615 "
                                    "exceeds the file"}));
}

TEST_F(WeightsSafetensors, BadJson) {
  EXPECT_TRUE(refused(safetensors("{\"w\": ", ""),
                      {"header is not valid JSON"}));
  EXPECT_TRUE(refused(safetensors("{\"w\": {]}", ""),
                      {"header is not valid JSON", "column"}));
  EXPECT_TRUE(refused(safetensors("[1, 2]", ""),
                      {"header is not a JSON object"}));
  EXPECT_TRUE(refused(safetensors("{} trailing", ""),
                      {"header is not valid JSON"}));
  EXPECT_TRUE(refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],"
                                  "\"data_offsets\":[0,4],\"extra\":1}}",
                                  std::string(4, '\0')),
                      {"tensor 'w': unexpected field 'extra'"}));
  EXPECT_TRUE(refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],"
                                  "\"data_offsets\":[0,4]}}",
                                  std::string(4, '\0')),
                      {"tensor 'w': 'shape' holds -1, not an extent"}));
  EXPECT_TRUE(refused(safetensors("{\"__metadata__\":{\"a\":1}}", ""),
                      {"'__metadata__' entry 'a' is not a string"}));
}

TEST_F(WeightsSafetensors, OffsetsOutOfRange) {
  EXPECT_TRUE(refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
                                  "\"data_offsets\":[0,8]}}",
                                  std::string(4, '\0')),
                      {"tensor 'w': data_offsets [0, 8] lie outside the data "
                       "section (4 bytes)"}));
  EXPECT_TRUE(refused(safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],"
                                  "\"data_offsets\":[4,0]}}",
                                  std::string(4, '\0')),
                      {"tensor 'w': data_offsets [4, 0] end before they "
                       "begin"}));
}

TEST_F(WeightsSafetensors, SizeMismatch) {
  EXPECT_TRUE(refused(safetensors("{\"w\":{\"dtype\":\"F64\",\"shape\":[2,3],"
                                  "\"data_offsets\":[0,40]}}",
                                  std::string(40, '\0')),
                      {"tensor 'w': data_offsets [0, 40] hold 40 bytes, but "
                       "F64 [2, 3] needs 48"}));
}

TEST_F(WeightsSafetensors, OverlapsAndGaps) {
  EXPECT_TRUE(refused(
      safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":"
                  "[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],"
                  "\"data_offsets\":[4,12]}}",
                  std::string(12, '\0')),
      {"tensors 'a' [0, 8) and 'b' [4, 12) overlap"}));
  EXPECT_TRUE(refused(
      safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":"
                  "[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],"
                  "\"data_offsets\":[8,12]}}",
                  std::string(12, '\0')),
      {"bytes [4, 8) of the data section belong to no tensor"}));
  EXPECT_TRUE(refused(
      safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":"
                  "[0,4]}}",
                  std::string(6, '\0')),
      {"bytes [4, 6) of the data section belong to no tensor"}));
}

TEST_F(WeightsSafetensors, NamesAreUnique) {
  EXPECT_TRUE(refused(
      safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":"
                  "[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],"
                  "\"data_offsets\":[4,8]}}",
                  std::string(8, '\0')),
      {"header names 'a' twice"}));
}

// Found by fuzz/fuzz_safetensors.cpp: a JSON name holding "\n" went into
// the message as a line break. Names are shown escaped and shortened.
TEST_F(WeightsSafetensors, NamesInMessagesStayOnOneLine) {
  EXPECT_TRUE(refused(
      safetensors("{\"l\\n\\u0001x\":{\"dtype\":\"F32\",\"shape\":[1],"
                  "\"data_offsets\":[0,8]}}",
                  std::string(8, '\0')),
      {"tensor 'l\\x0a\\x01x': data_offsets [0, 8] hold 8 bytes, but F32 "
       "[1] needs 4"}));
  EXPECT_TRUE(refused(
      safetensors("{\"" + std::string(50, 'n') + "\":{\"dtype\":\"F32\","
                  "\"shape\":[1],\"data_offsets\":[0,8]}}",
                  std::string(8, '\0')),
      {"tensor '" + std::string(40, 'n') + "...': data_offsets"}));
}

TEST_F(WeightsSafetensors, UnsupportedDtypes) {
  for (const char *dtype : {"F16", "BF16", "U8", "F8_E4M3"})
    EXPECT_TRUE(refused(
        safetensors(std::string("{\"enc.w\":{\"dtype\":\"") + dtype +
                        "\",\"shape\":[2],\"data_offsets\":[0,2]}}",
                    std::string(2, '\0')),
        {std::string("tensor 'enc.w': dtype ") + dtype +
         " is not supported (supported: F32, F64, I32, I64, BOOL)"},
        ATTNC_ERROR_UNSUPPORTED))
        << dtype;
  EXPECT_TRUE(refused(safetensors("{\"w\":{\"dtype\":\"Q4\",\"shape\":[],"
                                  "\"data_offsets\":[0,0]}}",
                                  ""),
                      {"tensor 'w': dtype Q4 is unknown"},
                      ATTNC_ERROR_UNSUPPORTED));
}

TEST_F(WeightsSafetensors, BoolsAreZeroOrOne) {
  EXPECT_TRUE(refused(safetensors("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],"
                                  "\"data_offsets\":[0,2]}}",
                                  std::string("\1\2", 2)),
                      {"tensor 'm': BOOL element 1 is 2, not 0 or 1"}));
}

class WeightsNpyDir : public ::testing::Test {
protected:
  TempDir dir;

  void writeNpy(const std::string &file, const std::string &descr,
                std::vector<int64_t> shape, const void *data, size_t bytes) {
    npy::Array a;
    a.descr = descr;
    a.shape = std::move(shape);
    const auto *p = static_cast<const unsigned char *>(data);
    a.data.assign(p, p + bytes);
    std::string encoded, error;
    ASSERT_TRUE(npy::encode(a, encoded, error)) << error;
    dir.write(file, encoded);
  }
};

TEST_F(WeightsNpyDir, LoadsEachFileByName) {
  float w[6] = {1, 2, 3, 4, 5, 6};
  int64_t n[2] = {7, 8};
  writeNpy("enc.q_proj.weight.npy", "<f4", {2, 3}, w, sizeof w);
  writeNpy("steps.npy", "<i8", {2}, n, sizeof n);
  dir.write("README", "not a tensor");
  auto loaded = Weights::load(dir.path(""));
  ASSERT_TRUE(loaded) << loaded.status().message();
  EXPECT_EQ(loaded->names(),
            (std::vector<std::string>{"enc.q_proj.weight", "steps"}));
  EXPECT_EQ(valuesOf<float>(*loaded, "enc.q_proj.weight"),
            std::vector<float>(w, w + 6));
  EXPECT_EQ(valuesOf<int64_t>(*loaded, "steps"),
            (std::vector<int64_t>{7, 8}));
}

TEST_F(WeightsNpyDir, RefusesWhatItCannotHold) {
  uint16_t half[2] = {0, 0};
  writeNpy("h.w.npy", "<f2", {2}, half, sizeof half);
  auto w = Weights::load(dir.path(""));
  EXPECT_TRUE(failsWith(w.status(), ATTNC_ERROR_UNSUPPORTED,
                        {"h.w.npy: dtype '<f2' is not supported"}));
}

TEST_F(WeightsNpyDir, MalformedFileNamesItself) {
  dir.write("a.b.npy", "\x93NUMPY\x01\x00garbage");
  auto w = Weights::load(dir.path(""));
  EXPECT_TRUE(failsWith(w.status(), ATTNC_ERROR_VALIDATION,
                        {dir.path("a.b.npy") + ": "}));
}

TEST_F(WeightsNpyDir, MissingDirectory) {
  std::string path = dir.path("none") + "/";
  EXPECT_TRUE(failsWith(Weights::load(path).status(), ATTNC_ERROR_NOT_FOUND,
                        {path}));
}

} // namespace
} // namespace attnc::test
