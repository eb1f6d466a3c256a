// attn-train --graph's loader (apps/attn-train/GraphInput.h) on graphs built
// here and written as .npz by this test: stored entries as numpy.savez
// writes them, deflate entries (zlib) as numpy.savez_compressed does. Each
// class of malformed input has a test checking the exact one-line message.
#include "apps/attn-train/GraphInput.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

using namespace attnc::train;

namespace {

std::string tempDir() {
  static std::string dir = [] {
    char pattern[] = "/tmp/attnc-graph-input-XXXXXX";
    const char *d = mkdtemp(pattern);
    return std::string(d ? d : "/tmp");
  }();
  return dir;
}

// Removes the test's folder when the program ends.
class RemoveTempDir : public ::testing::Environment {
public:
  void TearDown() override { std::filesystem::remove_all(tempDir()); }
};
const ::testing::Environment *const removeTempDir =
    ::testing::AddGlobalTestEnvironment(new RemoveTempDir);

template <typename T>
attnc::npy::Array array(const std::string &descr, std::vector<int64_t> shape,
                        const std::vector<T> &values) {
  attnc::npy::Array a;
  a.descr = descr;
  a.shape = std::move(shape);
  const auto *p = reinterpret_cast<const unsigned char *>(values.data());
  a.data.assign(p, p + values.size() * sizeof(T));
  return a;
}

std::string npyBytes(const attnc::npy::Array &a) {
  std::string bytes, error;
  EXPECT_TRUE(attnc::npy::encode(a, bytes, error)) << error;
  return bytes;
}

void put16(std::string &s, unsigned v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string &s, uint32_t v) {
  put16(s, v & 0xffff);
  put16(s, v >> 16);
}

std::string deflateRaw(const std::string &in) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef *>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// A zip archive of KEY.npy entries: method 0 (stored) or 8 (deflate).
// A zip archive of the given files (name -> bytes).
std::string zipFiles(const std::map<std::string, std::string> &files,
                     bool compressed) {
  std::string out, directory;
  unsigned count = 0;
  for (const auto &[name, data] : files) {
    const std::string stored = compressed ? deflateRaw(data) : data;
    const uint32_t crc = static_cast<uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef *>(data.data()),
              static_cast<uInt>(data.size())));
    const uint32_t offset = static_cast<uint32_t>(out.size());
    const unsigned method = compressed ? 8 : 0;
    put32(out, 0x04034b50);
    put16(out, 20);
    put16(out, 0);
    put16(out, method);
    put32(out, 0); // time, date
    put32(out, crc);
    put32(out, static_cast<uint32_t>(stored.size()));
    put32(out, static_cast<uint32_t>(data.size()));
    put16(out, static_cast<unsigned>(name.size()));
    put16(out, 0);
    out += name + stored;
    put32(directory, 0x02014b50);
    put16(directory, 20);
    put16(directory, 20);
    put16(directory, 0);
    put16(directory, method);
    put32(directory, 0);
    put32(directory, crc);
    put32(directory, static_cast<uint32_t>(stored.size()));
    put32(directory, static_cast<uint32_t>(data.size()));
    put16(directory, static_cast<unsigned>(name.size()));
    put16(directory, 0); // extra
    put16(directory, 0); // comment
    put16(directory, 0); // disk
    put16(directory, 0); // internal attributes
    put32(directory, 0); // external attributes
    put32(directory, offset);
    directory += name;
    ++count;
  }
  const uint32_t cdOffset = static_cast<uint32_t>(out.size());
  out += directory;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, count);
  put16(out, count);
  put32(out, static_cast<uint32_t>(directory.size()));
  put32(out, cdOffset);
  put16(out, 0);
  return out;
}

std::string zipBytes(const std::map<std::string, attnc::npy::Array> &arrays,
                     bool compressed) {
  std::map<std::string, std::string> files;
  for (const auto &[key, a] : arrays)
    files[key + ".npy"] = npyBytes(a);
  return zipFiles(files, compressed);
}

std::string writeFile(const std::string &name, const std::string &bytes) {
  const std::string path = tempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

using Arrays = std::map<std::string, attnc::npy::Array>;

// Six nodes, two classes (0: nodes 0-2, 1: nodes 3-5), a directed ring, x
// with F = 3, node 0 and 3 train, 1 and 4 val, 2 and 5 test.
Arrays smallGraph() {
  Arrays a;
  a["edge_index"] =
      array<int64_t>("<i8", {2, 6}, {0, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 0});
  std::vector<float> x(18);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(i % 5);
  a["x"] = array("<f4", {6, 3}, x);
  a["y"] = array<int64_t>("<i8", {6}, {0, 0, 0, 1, 1, 1});
  a["train_mask"] = array<uint8_t>("|b1", {6}, {1, 0, 0, 1, 0, 0});
  a["val_mask"] = array<uint8_t>("|b1", {6}, {0, 1, 0, 0, 1, 0});
  a["test_mask"] = array<uint8_t>("|b1", {6}, {0, 0, 1, 0, 0, 1});
  return a;
}

// The message loading `arrays` (written as NAME.npz) throws.
std::string errorOf(const Arrays &arrays, const std::string &name,
                    GraphInputOptions options = {}) {
  const std::string path = writeFile(name + ".npz", zipBytes(arrays, false));
  try {
    loadGraphTask(path, options);
  } catch (const GraphInputError &e) {
    const std::string prefix = path + ": ";
    std::string what = e.what();
    EXPECT_EQ(what.compare(0, prefix.size(), prefix), 0) << what;
    return what.substr(std::min(what.size(), prefix.size()));
  }
  return "(no error)";
}

void expectSameTask(const Task &a, const Task &b) {
  EXPECT_EQ(a.num_nodes, b.num_nodes);
  EXPECT_EQ(a.num_features, b.num_features);
  EXPECT_EQ(a.num_classes, b.num_classes);
  EXPECT_EQ(a.features, b.features);
  EXPECT_EQ(a.graph.row_offsets, b.graph.row_offsets);
  EXPECT_EQ(a.graph.col_indices, b.graph.col_indices);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.val, b.val);
  EXPECT_EQ(a.test, b.test);
}

} // namespace

TEST(GraphInput, StoredAndDeflateArchivesLoadAlike) {
  const Arrays g = smallGraph();
  Task stored = loadGraphTask(writeFile("stored.npz", zipBytes(g, false)), {});
  Task deflated =
      loadGraphTask(writeFile("deflated.npz", zipBytes(g, true)), {});
  expectSameTask(stored, deflated);
  EXPECT_EQ(stored.family, "user");
  EXPECT_EQ(stored.name, "stored");
  EXPECT_EQ(stored.num_nodes, 6);
  EXPECT_EQ(stored.num_features, 3);
  EXPECT_EQ(stored.num_classes, 2);
  EXPECT_EQ(stored.graph.numEdges(), 6);
  // Destination-grouped: node 1's one source is node 0.
  EXPECT_EQ(stored.graph.inDegree(1), 1);
  EXPECT_EQ(stored.graph.col_indices[stored.graph.row_offsets[1]], 0);
  EXPECT_FLOAT_EQ(stored.features[4], 4.0f);
  EXPECT_EQ(attnc::graph::countMask(stored.train), 2);
}

TEST(GraphInput, Int32EdgesSparseFeaturesAndGraphOptions) {
  Arrays g = smallGraph();
  g["edge_index"] =
      array<int32_t>("<i4", {2, 6}, {0, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 0});
  g.erase("x");
  // Row i has a 2 in column i % 4 (F = 4 from x_shape).
  g["x_indptr"] = array<int64_t>("<i8", {7}, {0, 1, 2, 3, 4, 5, 6});
  g["x_indices"] = array<int32_t>("<i4", {6}, {0, 1, 2, 3, 0, 1});
  g["x_data"] = array<double>("<f8", {6}, {2, 2, 2, 2, 2, 2});
  g["x_shape"] = array<int64_t>("<i8", {2}, {6, 5});
  GraphInputOptions o;
  o.undirected = true;
  o.selfLoops = true;
  o.normalizeFeatures = "row";
  Task t = loadGraphTask(writeFile("sparse.npz", zipBytes(g, true)), o);
  EXPECT_EQ(t.num_features, 5);
  EXPECT_FLOAT_EQ(t.features[0 * 5 + 0], 1.0f); // 2, row-normalised
  EXPECT_FLOAT_EQ(t.features[5 * 5 + 1], 1.0f);
  EXPECT_FLOAT_EQ(t.features[5 * 5 + 0], 0.0f);
  // A ring made undirected: 12 edges, plus 6 self-loops.
  EXPECT_EQ(t.graph.numEdges(), 18);
}

TEST(GraphInput, SplitColumnOfMaskMatrix) {
  Arrays g = smallGraph();
  // Column 1 swaps val and test.
  g["train_mask"] =
      array<uint8_t>("|b1", {6, 2}, {1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0});
  g["val_mask"] =
      array<uint8_t>("|b1", {6, 2}, {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1});
  g["test_mask"] =
      array<uint8_t>("|b1", {6, 2}, {0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0});
  GraphInputOptions o;
  o.splitColumn = 1;
  Task t = loadGraphTask(writeFile("columns.npz", zipBytes(g, false)), o);
  EXPECT_EQ(t.val, (std::vector<uint8_t>{0, 0, 1, 0, 0, 1}));
  EXPECT_EQ(t.test, (std::vector<uint8_t>{0, 1, 0, 0, 1, 0}));
  EXPECT_EQ(errorOf(g, "nocolumn"),
            "key 'train_mask': shape [6, 2] holds 2 splits; choose one with "
            "--split 0..1");
  o.splitColumn = 2;
  EXPECT_EQ(errorOf(g, "badcolumn", o),
            "key 'train_mask': --split 2 is out of range: the masks hold 2 "
            "splits (0..1)");
}

TEST(GraphInput, StratifiedSplitCounts) {
  // Class 0: 10 nodes, class 1: 20, class 2: 5; no masks.
  std::vector<int64_t> y;
  for (int c = 0; c < 3; ++c)
    for (int k = 0; k < (c == 0 ? 10 : c == 1 ? 20 : 5); ++k)
      y.push_back(c);
  const int64_t n = static_cast<int64_t>(y.size());
  Arrays g;
  g["y"] = array("<i8", {n}, y);
  g["x"] = array("<f4", {n, 1}, std::vector<float>(y.size(), 1.0f));
  g["edge_index"] = array<int64_t>("<i8", {2, 1}, {0, 1});
  GraphInputOptions o;
  o.splitRatio = "0.6/0.2/0.2";
  o.splitSeed = 9;
  Task t = loadGraphTask(writeFile("nomasks.npz", zipBytes(g, false)), o);
  std::vector<int64_t> train(3), val(3), test(3);
  for (int64_t i = 0; i < n; ++i) {
    train[y[i]] += t.train[i];
    val[y[i]] += t.val[i];
    test[y[i]] += t.test[i];
    EXPECT_EQ(t.train[i] + t.val[i] + t.test[i], 1) << "node " << i;
  }
  EXPECT_EQ(train, (std::vector<int64_t>{6, 12, 3}));
  EXPECT_EQ(val, (std::vector<int64_t>{2, 4, 1}));
  EXPECT_EQ(test, (std::vector<int64_t>{2, 4, 1}));
  // The seed picks which nodes, deterministically.
  Task again = loadGraphTask(tempDir() + "/nomasks.npz", o);
  EXPECT_EQ(again.train, t.train);
  o.splitSeed = 10;
  Task other = loadGraphTask(tempDir() + "/nomasks.npz", o);
  EXPECT_NE(other.train, t.train);
  double tr = 0, va = 0, te = 0;
  EXPECT_THROW(parseSplitRatio("0.6/0.3/0.2", tr, va, te),
               std::invalid_argument);
}

TEST(GraphInput, ExportThenImportRoundTrips) {
  Task t = tinySyntheticTask(60, 16, 3, 5);
  // A folder whose parents are missing is created.
  const std::string dir = tempDir() + "/export/nested/task";
  exportTask(t, dir);
  Task back = loadGraphTask(dir, {});
  expectSameTask(t, back);
  EXPECT_EQ(back.name, "task");
  // The same arrays as one .npz archive.
  Task fromNpz = loadGraphTask(
      writeFile("exported.npz", zipBytes(readArrays(dir), true)), {});
  expectSameTask(t, fromNpz);
}

// ---- one test per class of malformed input --------------------------------

TEST(GraphInputErrors, MissingKey) {
  Arrays g = smallGraph();
  g.erase("y");
  EXPECT_EQ(errorOf(g, "e1"), "key 'y': missing (node labels, int [N])");
  g = smallGraph();
  g.erase("x");
  EXPECT_EQ(errorOf(g, "e1x"),
            "key 'x': missing (node features: x float [N, F], or x_indptr, "
            "x_indices, x_data)");
  g = smallGraph();
  g.erase("edge_index");
  EXPECT_EQ(errorOf(g, "e1e"), "key 'edge_index': missing (edges, int [2, "
                               "E]: row 0 sources, row 1 targets)");
}

TEST(GraphInputErrors, WrongDtype) {
  Arrays g = smallGraph();
  g["y"] = array<float>("<f4", {6}, {0, 0, 0, 1, 1, 1});
  EXPECT_EQ(errorOf(g, "e2"),
            "key 'y': dtype <f4, expected int32 or int64 (<i4, <i8)");
  g = smallGraph();
  g["val_mask"] = array<int32_t>("<i4", {6}, {0, 1, 0, 0, 1, 0});
  EXPECT_EQ(errorOf(g, "e2m"), "key 'val_mask': dtype <i4, expected bool "
                               "(|b1)");
}

TEST(GraphInputErrors, WrongShape) {
  Arrays g = smallGraph();
  g["edge_index"] = array<int64_t>("<i8", {6}, {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(errorOf(g, "e3"), "key 'edge_index': shape [6], expected [2, E]");
  g = smallGraph();
  g["x"] = array<float>("<f4", {18}, std::vector<float>(18));
  EXPECT_EQ(errorOf(g, "e3x"), "key 'x': shape [18], expected [N, F]");
}

TEST(GraphInputErrors, EdgeOutOfRange) {
  Arrays g = smallGraph();
  g["edge_index"] = array<int64_t>("<i8", {2, 3}, {0, 1, 2, 1, 2, 9});
  EXPECT_EQ(errorOf(g, "e4"), "key 'edge_index': edge 2 (2 -> 9): node 9 "
                              "is out of range 0..5 (N = 6 from y)");
  g["edge_index"] = array<int32_t>("<i4", {2, 2}, {0, -1, 1, 2});
  EXPECT_EQ(errorOf(g, "e4n"), "key 'edge_index': edge 1 (-1 -> 2): node "
                               "-1 is out of range 0..5 (N = 6 from y)");
}

TEST(GraphInputErrors, NegativeLabel) {
  Arrays g = smallGraph();
  g["y"] = array<int64_t>("<i8", {6}, {0, 0, 0, -1, 1, 1});
  EXPECT_EQ(errorOf(g, "e5"),
            "key 'y': node 3 has label -1; labels are classes 0..C-1");
}

TEST(GraphInputErrors, LabelNotBelowDeclaredClassCount) {
  Arrays g = smallGraph();
  g["y"] = array<int64_t>("<i8", {6}, {0, 0, 2, 1, 1, 1});
  GraphInputOptions o;
  o.numClasses = 2;
  EXPECT_EQ(errorOf(g, "e5c", o),
            "key 'y': node 2 has label 2 >= C = 2 (--classes)");
  // Without --classes, C = max + 1; with a larger C, unused classes stay.
  o.numClasses = 4;
  Task t = loadGraphTask(writeFile("c4.npz", zipBytes(g, false)), o);
  EXPECT_EQ(t.num_classes, 4);
}

TEST(GraphInputErrors, OverlappingMasks) {
  Arrays g = smallGraph();
  g["test_mask"] = array<uint8_t>("|b1", {6}, {0, 1, 1, 0, 0, 1});
  EXPECT_EQ(errorOf(g, "e6"), "key 'test_mask': node 1 is also in val_mask "
                              "(the masks overlap)");
}

TEST(GraphInputErrors, EmptyTrainingSet) {
  Arrays g = smallGraph();
  g["train_mask"] = array<uint8_t>("|b1", {6}, {0, 0, 0, 0, 0, 0});
  EXPECT_EQ(errorOf(g, "e7"),
            "key 'train_mask': selects no node (empty training set)");
}

TEST(GraphInputErrors, NodeCountMismatch) {
  Arrays g = smallGraph();
  g["x"] = array<float>("<f4", {5, 3}, std::vector<float>(15));
  EXPECT_EQ(errorOf(g, "e8"), "key 'x': 5 rows, but y has 6 nodes");
  g = smallGraph();
  g["test_mask"] = array<uint8_t>("|b1", {7}, {0, 0, 1, 0, 0, 1, 0});
  EXPECT_EQ(errorOf(g, "e8m"), "key 'test_mask': 7 entries, but y has 6 "
                               "nodes");
  g = smallGraph();
  g.erase("x");
  g["x_indptr"] = array<int64_t>("<i8", {3}, {0, 1, 2});
  g["x_indices"] = array<int64_t>("<i8", {2}, {0, 1});
  g["x_data"] = array<float>("<f4", {2}, {1, 1});
  EXPECT_EQ(errorOf(g, "e8s"), "key 'x_indptr': 3 entries, but y has 6 "
                               "nodes (expected N + 1 = 7)");
}

TEST(GraphInputErrors, TruncatedOrCorruptFile) {
  const std::string whole = zipBytes(smallGraph(), false);
  const std::string cut =
      writeFile("cut.npz", whole.substr(0, whole.size() / 2));
  try {
    loadGraphTask(cut, {});
    ADD_FAILURE() << "no error";
  } catch (const GraphInputError &e) {
    EXPECT_EQ(std::string(e.what()),
              cut + ": truncated or corrupt .npz archive (no zip end record: "
                    "not a zip file, or cut short)");
  }
  // A flipped byte inside an entry's data ("edge_index" comes first).
  std::string flipped = whole;
  flipped[200] = static_cast<char>(flipped[200] ^ 0x55);
  const std::string bad = writeFile("flipped.npz", flipped);
  try {
    loadGraphTask(bad, {});
    ADD_FAILURE() << "no error";
  } catch (const GraphInputError &e) {
    EXPECT_EQ(std::string(e.what()),
              bad + ": key 'edge_index': corrupt archive (CRC mismatch)");
  }
  // A file that is not a .npy array, in a folder of arrays.
  const std::string folder = tempDir() + "/badnpy";
  exportTask(tinySyntheticTask(20, 4, 2, 1), folder);
  writeFile("badnpy/y.npy", "not an array");
  try {
    loadGraphTask(folder, {});
    ADD_FAILURE() << "no error";
  } catch (const GraphInputError &e) {
    EXPECT_EQ(std::string(e.what()), folder + "/y.npy: key 'y': not a .npy "
                                              "file (bad magic)");
  }
}

// Found by fuzz/fuzz_graph_npz.cpp: an entry name holding a newline or
// other control bytes went into the message as it was, breaking the
// one-line error. Names are shown escaped (and at most 40 characters).
TEST(GraphInputErrors, EntryNamesAreShownOnOneLine) {
  Arrays g = smallGraph();
  std::map<std::string, std::string> files;
  for (const auto &[key, a] : g)
    files[key + ".npy"] = npyBytes(a);
  files["train\n\x01mask.txt"] = "x";
  const std::string path = writeFile("names.npz", zipFiles(files, false));
  try {
    loadGraphTask(path, {});
    ADD_FAILURE() << "no error";
  } catch (const GraphInputError &e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": entry 'train\\x0a\\x01mask.txt' is not a .npy array");
  }
  files.erase("train\n\x01mask.txt");
  files["y\n" + std::string(50, 'z') + ".npy"] = "not an array";
  const std::string path2 = writeFile("names2.npz", zipFiles(files, false));
  try {
    loadGraphTask(path2, {});
    ADD_FAILURE() << "no error";
  } catch (const GraphInputError &e) {
    EXPECT_EQ(std::string(e.what()),
              path2 + ": key 'y\\x0a" + std::string(38, 'z') +
                  "...': not a .npy file (bad magic)");
  }
}

// Never a crash: every cut and every flipped byte of an archive (stored and
// deflate), and every flipped byte of each array, either loads or is a
// GraphInputError.
TEST(GraphInputErrors, EveryCutAndFlippedByteIsAnErrorOrLoads) {
  Arrays g = smallGraph();
  g.erase("x");
  g["x_indptr"] = array<int64_t>("<i8", {7}, {0, 1, 2, 3, 4, 5, 6});
  g["x_indices"] = array<int32_t>("<i4", {6}, {0, 1, 2, 3, 0, 1});
  g["x_data"] = array<float>("<f4", {6}, {1, 1, 1, 1, 1, 1});
  std::map<std::string, std::string> files;
  for (const auto &[key, a] : g)
    files[key + ".npy"] = npyBytes(a);
  for (bool compressed : {false, true}) {
    const std::string whole = zipBytes(g, compressed);
    // Thousands of small writes: in memory (tmpfs) where there is one.
    const std::string path =
        access("/dev/shm", W_OK) == 0
            ? "/dev/shm/attnc-fuzz-" + std::to_string(getpid()) + ".npz"
            : tempDir() + "/fuzz.npz";
    auto check = [&](const std::string &bytes, const std::string &what) {
      std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
      try {
        loadGraphTask(path, {});
      } catch (const GraphInputError &) {
      } catch (const std::exception &e) {
        ADD_FAILURE() << what << ": " << e.what();
      }
    };
    for (size_t cut = 0; cut < whole.size(); ++cut)
      check(whole.substr(0, cut), "cut at " + std::to_string(cut));
    for (size_t at = 0; at < whole.size(); ++at)
      for (unsigned char mask : {0x01, 0x80, 0xff}) {
        std::string flipped = whole;
        flipped[at] = static_cast<char>(flipped[at] ^ mask);
        check(flipped,
              "byte " + std::to_string(at) + " ^ " + std::to_string(mask));
      }
    // Flipped bytes inside one .npy entry, the archive intact (CRC of the
    // flipped bytes): the array checks, not the CRC, must catch them.
    if (!compressed)
      for (const auto &[name, bytes] : files)
        for (size_t at = 0; at < bytes.size(); ++at) {
          std::map<std::string, std::string> changed = files;
          changed[name][at] = static_cast<char>(changed[name][at] ^ 0xff);
          check(zipFiles(changed, false),
                name + " byte " + std::to_string(at) + " ^ 255");
        }
    std::remove(path.c_str());
  }
}
