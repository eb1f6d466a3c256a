// Line-by-line reading of a whole text file with `FILE:LINE:` errors, and
// the field and number parsing the loaders share. Internal to the library.
#ifndef ATTNC_GRAPHDATA_TEXTFILE_H
#define ATTNC_GRAPHDATA_TEXTFILE_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnc::graph {

/// Reads the file at once (one read, no per-line iostream work) and hands
/// out its lines without their terminator (LF or CRLF).
class TextFile {
public:
  /// Throws GraphLoadError(path, 0, ...) when the file cannot be read.
  explicit TextFile(std::string path);

  /// The next line, or false at the end of the file.
  bool next(std::string_view &line);
  /// The line last returned by next() (1-based); after next() returned false,
  /// the line after the last one.
  int64_t line() const { return line_; }
  const std::string &path() const { return path_; }

  /// Throws GraphLoadError at the current line.
  [[noreturn]] void fail(const std::string &message) const;
  [[noreturn]] void failAt(int64_t line, const std::string &message) const;

  /// Fields separated by runs of spaces and tabs.
  void splitWhitespace(std::string_view line,
                       std::vector<std::string_view> &fields) const;
  /// Fields separated by exactly one `delimiter` each, with surrounding
  /// spaces trimmed; an empty field is an error.
  void splitOn(std::string_view line, char delimiter,
               std::vector<std::string_view> &fields) const;
  /// Fails with "expected N columns (LAYOUT), found M" unless the count is n.
  void expectColumns(const std::vector<std::string_view> &fields, size_t n,
                     const char *layout) const;

  /// The whole token as an integer, else fails naming `what`.
  int64_t parseInt(std::string_view token, const char *what) const;
  /// The whole token as a float, else fails naming `what`.
  float parseFloat(std::string_view token, const char *what) const;
  /// A node id in [lo, hi], else fails ("out of range").
  int64_t parseId(std::string_view token, const char *what, int64_t lo,
                  int64_t hi) const;

private:
  std::string path_;
  std::string text_;
  size_t pos_ = 0;
  int64_t line_ = 0;
};

/// Quotes a token for an error message, shortening long ones.
std::string quoted(std::string_view token);

/// Largest id a loader accepts when the ids themselves set the node count
/// (label files, TU graph ids); SNAP edge lists take LoadOptions::maxNodeId.
/// Keeps a typo from allocating gigabytes.
constexpr int64_t kMaxNodeId = 99'999'999;

} // namespace attnc::graph

#endif // ATTNC_GRAPHDATA_TEXTFILE_H
