// Internal: checking a module's `cpu_features` list against the running CPU.
#ifndef ATTNC_RUNTIME_DETAIL_CPU_FEATURES_H
#define ATTNC_RUNTIME_DETAIL_CPU_FEATURES_H

#include <string>
#include <vector>

namespace attnc::detail {

// Expands a comma-separated list of Halide target feature names ("sse41",
// "avx512_skylake") or GCC CPU feature names ("avx512vl") into GCC names.
// Returns false and sets `error` on a name it does not know.
bool expandCpuFeatures(const std::string &list, std::vector<std::string> &out,
                       std::string &error);

// The features of `required` missing from the running CPU, or from
// `available` when `useAvailable` (both lists as for expandCpuFeatures).
// Returns false and sets `error` if a list names an unknown feature.
bool missingCpuFeatures(const std::string &required, bool useAvailable,
                        const std::string &available,
                        std::vector<std::string> &missing, std::string &error);

} // namespace attnc::detail

#endif // ATTNC_RUNTIME_DETAIL_CPU_FEATURES_H
