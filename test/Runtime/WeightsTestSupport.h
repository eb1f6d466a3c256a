// Helpers of the weights tests: a temporary directory, files, and the
// check that a status failed with a one-line message.
#ifndef ATTNC_TEST_RUNTIME_WEIGHTSTESTSUPPORT_H
#define ATTNC_TEST_RUNTIME_WEIGHTSTESTSUPPORT_H

#include <gtest/gtest.h>

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/attnc.hpp"

namespace attnc::test {

// The module compiled by attnc from Inputs/weights_linear.mlir.
inline const char *kWeightsLinear = ATTNC_TEST_WEIGHTS_LINEAR;

// A fresh directory, removed with its (flat) contents at the end.
class TempDir {
public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "attnc_weights_XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data()))
      ADD_FAILURE() << "mkdtemp failed";
    root = buf.data();
  }
  ~TempDir() {
    for (const std::string &f : list())
      ::unlink(path(f).c_str());
    ::rmdir(root.c_str());
  }
  std::string path(const std::string &name) const { return root + "/" + name; }
  std::string write(const std::string &name, const std::string &bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
    return path(name);
  }
  std::vector<std::string> list() const {
    std::vector<std::string> out;
    if (DIR *d = ::opendir(root.c_str())) {
      while (dirent *e = ::readdir(d))
        if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
          out.push_back(e->d_name);
      ::closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

private:
  std::string root;
};

// The elements of tensor `name` of `w` (a failure if it has none of T).
template <typename T>
std::vector<T> valuesOf(const Weights &w, const std::string &name) {
  auto r = w.values<T>(name);
  if (!r.ok()) {
    ADD_FAILURE() << r.status().message();
    return {};
  }
  return std::move(r).value();
}

inline std::string readFile(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Asserts `status` failed with `code` and one line containing each part.
inline ::testing::AssertionResult
failsWith(const Status &status, attnc_status code,
          const std::vector<std::string> &parts) {
  if (status.code() != code)
    return ::testing::AssertionFailure()
           << "status " << attnc_status_name(status.code()) << " (\""
           << status.message() << "\"), expected "
           << attnc_status_name(code);
  for (const std::string &part : parts)
    if (status.message().find(part) == std::string::npos)
      return ::testing::AssertionFailure()
             << "message \"" << status.message() << "\" lacks \"" << part
             << "\"";
  if (status.message().find('\n') != std::string::npos)
    return ::testing::AssertionFailure() << "message has several lines";
  return ::testing::AssertionSuccess();
}

} // namespace attnc::test

#endif // ATTNC_TEST_RUNTIME_WEIGHTSTESTSUPPORT_H
