#include "graphdata/TextFile.h"

#include "graphdata/LoadError.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace attnc::graph {

TextFile::TextFile(std::string path) : path_(std::move(path)) {
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0)
    throw GraphLoadError(path_, 0,
                         std::string("cannot open file: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    throw GraphLoadError(path_, 0, "cannot open file: is a directory");
  std::ifstream in(path_, std::ios::binary);
  if (!in)
    throw GraphLoadError(path_, 0,
                         std::string("cannot open file: ") + std::strerror(errno));
  text_.resize(static_cast<size_t>(st.st_size));
  in.read(text_.data(), static_cast<std::streamsize>(text_.size()));
  text_.resize(static_cast<size_t>(in.gcount()));
  if (in.bad())
    throw GraphLoadError(path_, 0, "read error");
}

bool TextFile::next(std::string_view &line) {
  if (pos_ >= text_.size()) {
    if (pos_ == text_.size()) { // step once past the last line
      ++pos_;
      ++line_;
    }
    return false;
  }
  size_t end = text_.find('\n', pos_);
  if (end == std::string::npos)
    end = text_.size();
  size_t stop = end;
  if (stop > pos_ && text_[stop - 1] == '\r')
    --stop;
  line = std::string_view(text_.data() + pos_, stop - pos_);
  pos_ = end + 1;
  if (end == text_.size()) // no final newline: the next call is at the end
    pos_ = text_.size();
  ++line_;
  return true;
}

void TextFile::fail(const std::string &message) const {
  throw GraphLoadError(path_, line_, message);
}

void TextFile::failAt(int64_t line, const std::string &message) const {
  throw GraphLoadError(path_, line, message);
}

void TextFile::splitWhitespace(std::string_view line,
                               std::vector<std::string_view> &fields) const {
  fields.clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start)
      fields.push_back(line.substr(start, i - start));
  }
}

void TextFile::splitOn(std::string_view line, char delimiter,
                       std::vector<std::string_view> &fields) const {
  fields.clear();
  size_t start = 0;
  while (true) {
    size_t end = line.find(delimiter, start);
    std::string_view field = line.substr(
        start, end == std::string_view::npos ? std::string_view::npos
                                             : end - start);
    while (!field.empty() && (field.front() == ' ' || field.front() == '\t'))
      field.remove_prefix(1);
    while (!field.empty() && (field.back() == ' ' || field.back() == '\t'))
      field.remove_suffix(1);
    if (field.empty())
      fail("empty field " + std::to_string(fields.size() + 1));
    fields.push_back(field);
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
}

void TextFile::expectColumns(const std::vector<std::string_view> &fields,
                             size_t n, const char *layout) const {
  if (fields.size() != n)
    fail("expected " + std::to_string(n) + " columns (" + layout +
         "), found " + std::to_string(fields.size()));
}

int64_t TextFile::parseInt(std::string_view token, const char *what) const {
  int64_t value = 0;
  const char *first = token.data();
  const char *last = token.data() + token.size();
  if (first != last && *first == '+')
    ++first;
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec == std::errc::result_out_of_range)
    fail(std::string(what) + " " + quoted(token) + " is too large");
  if (ec != std::errc() || ptr != last || first == last)
    fail(std::string("expected an integer ") + what + ", found " +
         quoted(token));
  return value;
}

float TextFile::parseFloat(std::string_view token, const char *what) const {
  float value = 0;
  const char *first = token.data();
  const char *last = token.data() + token.size();
  if (first != last && *first == '+')
    ++first;
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || first == last)
    fail(std::string("expected a number ") + what + ", found " +
         quoted(token));
  return value;
}

int64_t TextFile::parseId(std::string_view token, const char *what,
                          int64_t lo, int64_t hi) const {
  int64_t id = parseInt(token, what);
  if (id < lo || id > hi)
    fail(std::string(what) + " " + std::to_string(id) + " out of range [" +
         std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return id;
}

std::string quoted(std::string_view token) {
  constexpr size_t kMax = 40;
  if (token.size() > kMax)
    return "'" + std::string(token.substr(0, kMax)) + "...'";
  return "'" + std::string(token) + "'";
}

} // namespace attnc::graph
