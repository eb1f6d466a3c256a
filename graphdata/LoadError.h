// The one error type of the graph loaders.
#ifndef ATTNC_GRAPHDATA_LOADERROR_H
#define ATTNC_GRAPHDATA_LOADERROR_H

#include <cstdint>
#include <stdexcept>
#include <string>

namespace attnc::graph {

/// Thrown by every loader for the first problem found in its input.
/// what() is one line, `FILE:LINE: message`, where LINE is 1-based. Two
/// conventions: LINE 0 means the file as a whole (it cannot be opened), and
/// a file that ends too early is blamed at the line after its last one
/// (where the missing line should have been).
class GraphLoadError : public std::runtime_error {
public:
  GraphLoadError(std::string file, int64_t line, std::string message)
      : std::runtime_error(file + ":" + std::to_string(line) + ": " + message),
        file_(std::move(file)), line_(line), message_(std::move(message)) {}

  const std::string &file() const { return file_; }
  int64_t line() const { return line_; }
  /// The message without the `FILE:LINE: ` prefix.
  const std::string &message() const { return message_; }

private:
  std::string file_;
  int64_t line_;
  std::string message_;
};

} // namespace attnc::graph

#endif // ATTNC_GRAPHDATA_LOADERROR_H
