// A shared library's file checked against its own ELF headers before
// dlopen maps it: the loader trusts the headers, and a truncated file whose
// mapped pages lie past its end faults (SIGBUS) inside dlopen instead of
// failing.
#ifndef ATTNC_RUNTIME_DETAIL_ELF_CHECK_H
#define ATTNC_RUNTIME_DETAIL_ELF_CHECK_H

#include <string>

namespace attnc::detail {

/// "" when the file at `path` is a whole x86-64 ELF shared library (every
/// header, segment and the section table lie inside the file); else what
/// is wrong, in a few words, for "'path' is not a module: ...".
std::string checkElfSharedLibrary(const std::string &path);

} // namespace attnc::detail

#endif // ATTNC_RUNTIME_DETAIL_ELF_CHECK_H
