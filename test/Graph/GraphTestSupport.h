// Shared helpers of the graph tests: where the data is, temp files, and
// the exact-error assertion.
#ifndef ATTNC_TEST_GRAPH_GRAPHTESTSUPPORT_H
#define ATTNC_TEST_GRAPH_GRAPHTESTSUPPORT_H

#include "graphdata/Datasets.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace attnc::graph::testing {

/// The shared data root: $ATTNC_DATA_DIR, else the path compiled in.
inline std::string dataRoot() {
  return dataRootFromEnvironment(ATTNC_SHARED_DATA);
}

/// The folder of one dataset, or "" when it (or the whole root) is absent.
inline std::string datasetDir(const std::string &name) {
  std::string dir = dataRoot() + "/" + datasetSubdirectory(name);
  return std::filesystem::is_directory(dir) ? dir : std::string();
}

/// Skips the test when the dataset's folder is absent.
#define ATTNC_REQUIRE_DATASET(name)                                            \
  if (::attnc::graph::testing::datasetDir(name).empty())                       \
  GTEST_SKIP() << "shared data folder " << ::attnc::graph::testing::dataRoot() \
               << "/" << ::attnc::graph::datasetSubdirectory(name)             \
               << " is absent (set ATTNC_DATA_DIR to where the datasets are)"

/// A fresh directory under the system temp dir, removed with its files.
class TempDir {
public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "attnc-graph-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return path_; }
  /// Writes `contents` to `name` in this directory; returns its path.
  std::string write(const std::string &name, const std::string &contents) const {
    std::string file = path_ + "/" + name;
    std::ofstream out(file, std::ios::binary);
    out << contents;
    return file;
  }

private:
  std::string path_;
};

/// Runs `load`; passes when it throws GraphLoadError whose what() is exactly
/// `expected`.
inline ::testing::AssertionResult throwsLoadError(const std::function<void()> &load,
                                                  const std::string &expected) {
  try {
    load();
  } catch (const GraphLoadError &e) {
    if (expected == e.what())
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "message\n  " << e.what() << "\nexpected\n  " << expected;
  } catch (const std::exception &e) {
    return ::testing::AssertionFailure()
           << "threw something other than GraphLoadError: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw; expected " << expected;
}

} // namespace attnc::graph::testing

#endif // ATTNC_TEST_GRAPH_GRAPHTESTSUPPORT_H
