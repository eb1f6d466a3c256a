// The ELF check of a module file before dlopen (detail/elf_check.h).
#include "runtime/detail/elf_check.h"

#include <cstdint>
#include <cstring>
#include <elf.h>
#include <fstream>
#include <vector>

namespace attnc::detail {

namespace {

/// Whether [offset, offset + count * size) lies inside a file of `fileSize`
/// bytes, without overflow.
bool inside(uint64_t offset, uint64_t count, uint64_t size, uint64_t fileSize) {
  if (offset > fileSize || (size != 0 && count > (fileSize - offset) / size))
    return false;
  return offset + count * size <= fileSize;
}

std::string bytes(uint64_t n) { return std::to_string(n) + " bytes"; }

} // namespace

std::string checkElfSharedLibrary(const std::string &path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
    return "cannot read it";
  const uint64_t fileSize = static_cast<uint64_t>(in.tellg());
  Elf64_Ehdr eh;
  if (fileSize < sizeof(eh))
    return "not an ELF shared library (" + bytes(fileSize) +
           ", shorter than an ELF header)";
  in.seekg(0);
  in.read(reinterpret_cast<char *>(&eh), sizeof(eh));
  if (!in || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
    return "not an ELF shared library";
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
      eh.e_machine != EM_X86_64)
    return "an ELF file for another machine (attnc modules are x86-64)";
  if (eh.e_type != ET_DYN)
    return "an ELF file that is not a shared library";
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
      !inside(eh.e_phoff, eh.e_phnum, sizeof(Elf64_Phdr), fileSize))
    return "truncated or corrupt: its program headers lie outside the file (" +
           bytes(fileSize) + ")";
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  in.seekg(static_cast<std::streamoff>(eh.e_phoff));
  in.read(reinterpret_cast<char *>(ph.data()),
          static_cast<std::streamsize>(ph.size() * sizeof(Elf64_Phdr)));
  if (!in)
    return "truncated: cannot read its program headers";
  for (const Elf64_Phdr &p : ph)
    if (p.p_type != PT_NULL && !inside(p.p_offset, 1, p.p_filesz, fileSize))
      return "truncated: a segment needs " + bytes(p.p_offset + p.p_filesz) +
             ", the file has " + bytes(fileSize);
  if (eh.e_shoff != 0 &&
      !inside(eh.e_shoff, eh.e_shnum, eh.e_shentsize, fileSize))
    return "truncated: its section table needs " +
           bytes(eh.e_shoff + uint64_t(eh.e_shnum) * eh.e_shentsize) +
           ", the file has " + bytes(fileSize);
  return "";
}

} // namespace attnc::detail
