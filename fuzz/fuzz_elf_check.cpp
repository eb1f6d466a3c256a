// The ELF check of a module file before dlopen (runtime/elf_check.cpp):
// the loader maps what the headers say, so every header, segment and the
// section table must lie inside the file. The fuzzer writes the bytes to a
// file (the check reads a path, as attnc_module_load does) and checks that
// the answer is "" or a short one-line reason. dlopen itself is not run on
// fuzzed files: it would map and run their code.
#include "fuzz/FuzzSupport.h"
#include "runtime/detail/elf_check.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = attnc::fuzz::ScratchDir::write(
      "module.so", std::string(reinterpret_cast<const char *>(data), size));
  std::string why = attnc::detail::checkElfSharedLibrary(path);
  if (why.find('\n') != std::string::npos || why.size() > 200) {
    std::fprintf(stderr, "bad reason: '%s'\n", why.c_str());
    std::abort();
  }
  return 0;
}
