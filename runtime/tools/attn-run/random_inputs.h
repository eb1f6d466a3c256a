//===- random_inputs.h - seeded inputs for trying a module ------*- C++ -*-===//
#ifndef ATTNC_RUNTIME_TOOLS_ATTN_RUN_RANDOM_INPUTS_H
#define ATTNC_RUNTIME_TOOLS_ATTN_RUN_RANDOM_INPUTS_H

#include "runtime/module_abi.h"
#include "runtime/npy.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attnc::run {

/// Fills every input of `entry` not already in `arrays` (empty descr) with
/// seeded random data that passes the runtime's checks: normal floats, CSR
/// graphs with `dims["N"]` nodes and `dims["E"]` edges (names as the entry's
/// dim names), key lengths in [0, Sk], masks mostly true. Dynamic extents
/// come from `dims`. Returns false with a one-line `error` naming the input.
bool fillRandomInputs(const attnc_entry_desc &entry, uint64_t seed,
                      const std::map<std::string, int64_t> &dims,
                      std::vector<npy::Array> &arrays, std::string &error);

/// "shape [1, 8, 128, 64], min -1.2, max 1.3, mean 0.01, 0 NaN" for a
/// floating-point array.
std::string summarize(const npy::Array &array);

} // namespace attnc::run

#endif // ATTNC_RUNTIME_TOOLS_ATTN_RUN_RANDOM_INPUTS_H
