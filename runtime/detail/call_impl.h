// Internal: the state behind attnc_call and the validation of its arguments.
#ifndef ATTNC_RUNTIME_DETAIL_CALL_IMPL_H
#define ATTNC_RUNTIME_DETAIL_CALL_IMPL_H

#include <HalideRuntime.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/call.h"

struct attnc_call {
  struct Arg {
    bool set = false;
    void *data = nullptr;
    std::vector<int64_t> shape; // outermost first, as given
    std::vector<halide_dimension_t> dims; // innermost first, for Halide
    halide_buffer_t buffer{};
    // GPU modules: the input's device copy outlives the execute that made
    // it, until the argument is set again (attnc_call_keep_on_device).
    bool keepOnDevice = false;
  };

  // A transposed graph the runtime computes (ATTNC_ROLE_T_*): from the
  // forward graph's row offsets `rows` and column indices `cols` into its
  // own memory, bound to the three arguments; again only after `rows` or
  // `cols` were set again (`stale`).
  struct Transposed {
    int32_t rows = -1, cols = -1;
    int32_t offsets = -1, destinations = -1, edges = -1; // argument indices
    bool stale = true;
    std::vector<int64_t> offsetsData, destinationsData, edgesData; // i32 or
    // i64 elements, stored in int64_t words
  };

  attnc_module *module = nullptr;
  const attnc_entry_desc *entry = nullptr;
  std::vector<Arg> args;
  std::vector<void *> argv; // &args[i].buffer, in argument order
  std::vector<Transposed> transposed;
  bool checkFinite = false; // attnc_call_check_finite
};

namespace attnc::detail {

// "input 'A'" or "output 'A'".
std::string argLabel(const attnc_call &call, int32_t index);
// "entry 'E', input 'A'": how every message about an argument starts.
std::string argWhere(const attnc_call &call, int32_t index);

// Frees the device copy of argument `index`, if any. Returns Halide's code.
int releaseDeviceCopy(attnc_call &call, int32_t index);

// Named extents bound by the arguments set so far, inputs first: each name
// maps to its value and the argument that bound it.
struct Binding {
  int64_t value;
  int32_t arg;
};
using Bindings = std::map<std::string, Binding>;

// Checks that every argument (every input, `inputsOnly`) is set with
// matching extents: static ones, named ones agreeing across arguments, the
// entry's extent checks, and limits of halide_buffer_t.
attnc_status validateShapes(const attnc_call &call, bool inputsOnly = false);

// Refuses a shape for argument `index` that a halide_buffer_t cannot
// describe: an extent or element count of 2^31 or more.
attnc_status checkHalideLimits(const attnc_call &call, int32_t index,
                               const std::vector<int64_t> &shape);

// Checks input contents that the entry's roles constrain (CSR, key lengths).
attnc_status validateContents(const attnc_call &call);

// The finite-input check: the first NaN or infinity in a floating-point
// input (attnc_call_check_finite).
attnc_status validateFinite(const attnc_call &call);

// Whether `role` is one of a transposed graph's (computed by the runtime).
inline bool isTransposedRole(int32_t role) {
  return role == ATTNC_ROLE_T_OFFSETS || role == ATTNC_ROLE_T_DESTINATIONS ||
         role == ATTNC_ROLE_T_EDGES;
}

// Row offsets have nodes + 1 entries: their named extent is one more than
// the name's value (module_abi.h).
inline bool isOffsetsRole(int32_t role) {
  return role == ATTNC_ROLE_CSR_ROW_OFFSETS || role == ATTNC_ROLE_T_OFFSETS;
}

// Binds named extents from the set arguments; on a conflict fails with a
// validation message when `report`, else keeps the first binding.
attnc_status bindNames(const attnc_call &call, Bindings &names, bool report,
                       bool inputsOnly = false);

} // namespace attnc::detail

#endif // ATTNC_RUNTIME_DETAIL_CALL_IMPL_H
