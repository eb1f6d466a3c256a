//===- Printable.h - bytes from a file as a one-line message shows them ---===//
//
// Header-only and dependency-free, so that every room (runtime, frontends,
// apps) shows names and values from hostile files the same way.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_SUPPORT_PRINTABLE_H
#define ATTNC_SUPPORT_PRINTABLE_H

#include <cstdio>
#include <string>
#include <string_view>

namespace attnc {

/// `text` with control characters (and, with `asciiOnly`, every byte from
/// 0x7f up) as \xNN, so that a message stays one printable line; at most
/// `maxChars` characters, then "...".
inline std::string printable(std::string_view text,
                             size_t maxChars = std::string_view::npos,
                             bool asciiOnly = false) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < maxChars; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f || (asciiOnly && c > 0x7f)) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return text.size() > maxChars ? out + "..." : out;
}

} // namespace attnc

#endif // ATTNC_SUPPORT_PRINTABLE_H
