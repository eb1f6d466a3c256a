// Shared by the libFuzzer harnesses of fuzz/ (docs/hardening.md): inputs
// that stand for several files, and a scratch folder for loaders that only
// take paths.
#ifndef ATTNC_FUZZ_FUZZSUPPORT_H
#define ATTNC_FUZZ_FUZZSUPPORT_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace attnc::fuzz {

/// The input split at NUL bytes into exactly `n` parts (missing parts are
/// empty; the last part keeps any further NULs). The text loaders never
/// accept a NUL inside a file, so this loses nothing they could parse, and
/// the seeds join their files the same way (fuzz/collect-seeds.py).
inline std::vector<std::string> splitParts(const uint8_t *data, size_t size,
                                           size_t n) {
  std::vector<std::string> parts(n);
  size_t part = 0;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0 && part + 1 < n) {
      ++part;
      continue;
    }
    parts[part].push_back(static_cast<char>(data[i]));
  }
  return parts;
}

/// A folder of this process's own under $TMPDIR (default /tmp), removed at
/// exit; every run overwrites the files it names.
class ScratchDir {
public:
  static const std::string &path() {
    static ScratchDir dir;
    return dir.path_;
  }

  /// Writes `bytes` to path()/name and returns the full path; aborts when it
  /// cannot (the harness would otherwise fuzz a missing file).
  static std::string write(const std::string &name, const std::string &bytes) {
    std::string full = path() + "/" + name;
    std::ofstream out(full, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::fprintf(stderr, "fuzz: cannot write %s\n", full.c_str());
      std::abort();
    }
    return full;
  }

  /// Removes path()/name if it exists.
  static void remove(const std::string &name) {
    std::remove((path() + "/" + name).c_str());
  }

private:
  ScratchDir() {
    const char *tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") +
                          "/attnc-fuzz-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!mkdtemp(buffer.data())) {
      std::perror("fuzz: mkdtemp");
      std::abort();
    }
    path_ = buffer.data();
  }
  ~ScratchDir() {
    std::string command = "rm -rf '" + path_ + "'";
    if (std::system(command.c_str()) != 0)
      std::fprintf(stderr, "fuzz: could not remove %s\n", path_.c_str());
  }
  std::string path_;
};

} // namespace attnc::fuzz

#endif // ATTNC_FUZZ_FUZZSUPPORT_H
