#include "runtime/detail/cpu_features.h"

#include <cpuid.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace attnc::detail {
namespace {

struct HostFeature {
  const char *name;
  bool present;
};

// Xeon Phi's AVX-512 ER and PF (CPUID leaf 7, EBX bits 27 and 26), read
// directly: clang 19 no longer accepts their names in
// __builtin_cpu_supports. AVX-512F's check covers the OS's support.
bool xeonPhiFeature(unsigned ebxBit) {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__builtin_cpu_supports("avx512f") ||
      !__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
    return false;
  return (ebx >> ebxBit) & 1u;
}

// __builtin_cpu_supports takes only string literals, hence one line per
// feature. The names are GCC's, which is the vocabulary modules are checked
// in after the Halide names are expanded.
const std::vector<HostFeature> &hostFeatures() {
  static const std::vector<HostFeature> features = [] {
    __builtin_cpu_init();
#define ATTNC_FEATURE(n) HostFeature{n, __builtin_cpu_supports(n) != 0}
    return std::vector<HostFeature>{
        ATTNC_FEATURE("sse2"),          ATTNC_FEATURE("sse3"),
        ATTNC_FEATURE("ssse3"),         ATTNC_FEATURE("sse4.1"),
        ATTNC_FEATURE("sse4.2"),        ATTNC_FEATURE("popcnt"),
        ATTNC_FEATURE("avx"),           ATTNC_FEATURE("avx2"),
        ATTNC_FEATURE("fma"),           ATTNC_FEATURE("fma4"),
        ATTNC_FEATURE("f16c"),          ATTNC_FEATURE("bmi"),
        ATTNC_FEATURE("bmi2"),          ATTNC_FEATURE("avx512f"),
        ATTNC_FEATURE("avx512cd"),
        HostFeature{"avx512er", xeonPhiFeature(27)},
        HostFeature{"avx512pf", xeonPhiFeature(26)},
        ATTNC_FEATURE("avx512bw"),
        ATTNC_FEATURE("avx512dq"),      ATTNC_FEATURE("avx512vl"),
        ATTNC_FEATURE("avx512ifma"),    ATTNC_FEATURE("avx512vbmi"),
        ATTNC_FEATURE("avx512vbmi2"),   ATTNC_FEATURE("avx512vnni"),
        ATTNC_FEATURE("avx512bitalg"),  ATTNC_FEATURE("avx512vpopcntdq"),
        ATTNC_FEATURE("avx512bf16"),    ATTNC_FEATURE("avx512fp16"),
        ATTNC_FEATURE("avx512vp2intersect"), ATTNC_FEATURE("avxvnni"),
    };
#undef ATTNC_FEATURE
  }();
  return features;
}

// Halide target feature names and the GCC features each one needs
// (Halide's X86 code generator enables the same sets).
const std::vector<std::pair<const char *, std::vector<const char *>>> &
halideFeatures() {
  static const std::vector<std::pair<const char *, std::vector<const char *>>>
      table = {
          {"sse41", {"sse4.1"}},
          {"avx", {"avx"}},
          {"avx2", {"avx2"}},
          {"fma", {"fma"}},
          {"fma4", {"fma4"}},
          {"f16c", {"f16c"}},
          {"avx512", {"avx512f", "avx512cd"}},
          {"avx512_knl", {"avx512f", "avx512cd", "avx512er", "avx512pf"}},
          {"avx512_skylake",
           {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}},
          {"avx512_cannonlake",
           {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl",
            "avx512ifma", "avx512vbmi"}},
          {"avx512_sapphirerapids",
           {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl",
            "avx512ifma", "avx512vbmi", "avx512bf16", "avx512vnni",
            "avxvnni"}},
      };
  return table;
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos)
    return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

} // namespace

bool expandCpuFeatures(const std::string &list, std::vector<std::string> &out,
                       std::string &error) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string::npos)
      comma = list.size();
    std::string name = trim(list.substr(pos, comma - pos));
    pos = comma + 1;
    if (name.empty())
      continue;
    auto halide = std::find_if(
        halideFeatures().begin(), halideFeatures().end(),
        [&](const auto &entry) { return name == entry.first; });
    if (halide != halideFeatures().end()) {
      out.insert(out.end(), halide->second.begin(), halide->second.end());
      continue;
    }
    auto gcc = std::find_if(
        hostFeatures().begin(), hostFeatures().end(),
        [&](const HostFeature &f) { return name == f.name; });
    if (gcc == hostFeatures().end()) {
      error = "unknown CPU feature '" + name + "'";
      return false;
    }
    out.push_back(name);
  }
  return true;
}

bool missingCpuFeatures(const std::string &required, bool useAvailable,
                        const std::string &available,
                        std::vector<std::string> &missing, std::string &error) {
  std::vector<std::string> needed;
  if (!expandCpuFeatures(required, needed, error))
    return false;
  std::vector<std::string> have;
  if (useAvailable) {
    if (!expandCpuFeatures(available, have, error))
      return false;
  } else {
    for (const HostFeature &f : hostFeatures())
      if (f.present)
        have.push_back(f.name);
  }
  for (const std::string &name : needed)
    if (std::find(have.begin(), have.end(), name) == have.end() &&
        std::find(missing.begin(), missing.end(), name) == missing.end())
      missing.push_back(name);
  return true;
}

} // namespace attnc::detail
