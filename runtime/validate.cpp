#include <climits>
#include <cmath>

#include "runtime/detail/call_impl.h"
#include "runtime/detail/error.h"

namespace attnc::detail {
namespace {

attnc_status invalid(const attnc_call &call, int32_t index,
                     const std::string &what) {
  return fail(ATTNC_ERROR_VALIDATION, argWhere(call, index) + ": " + what);
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

const char *dimName(const attnc_arg_desc &arg, int32_t d) {
  return arg.dim_names ? arg.dim_names[d] : nullptr;
}

// Row offsets have nodes + 1 entries, so their named extent binds the name
// to one less than their length (module_abi.h).
int64_t boundValue(const attnc_arg_desc &arg, int64_t extent) {
  return isOffsetsRole(arg.role) ? extent - 1 : extent;
}

int64_t element(const attnc_call::Arg &arg, int32_t dtype, int64_t i) {
  return dtype == ATTNC_DTYPE_I32 ? static_cast<const int32_t *>(arg.data)[i]
                                  : static_cast<const int64_t *>(arg.data)[i];
}

attnc_status checkRowOffsets(const attnc_call &call, int32_t index) {
  const attnc_arg_desc &desc = call.entry->args[index];
  const attnc_call::Arg &arg = call.args[index];
  int64_t n = arg.shape[0];
  int64_t nnz = call.args[desc.related_arg].shape[0];
  std::string colName = call.entry->args[desc.related_arg].name;
  if (n == 0)
    return invalid(call, index,
                   "CSR row offsets are empty; they need nodes + 1 entries");
  if (int64_t first = element(arg, desc.dtype, 0); first != 0)
    return invalid(call, index,
                   "CSR row offsets start at " + std::to_string(first) +
                       ", expected 0");
  for (int64_t i = 1; i < n; ++i) {
    int64_t prev = element(arg, desc.dtype, i - 1);
    int64_t cur = element(arg, desc.dtype, i);
    if (cur < prev)
      return invalid(call, index,
                     "CSR row offsets decrease at position " +
                         std::to_string(i) + " (" + std::to_string(cur) +
                         " after " + std::to_string(prev) + ")");
  }
  if (int64_t last = element(arg, desc.dtype, n - 1); last != nnz)
    return invalid(call, index,
                   "CSR row offsets end at " + std::to_string(last) +
                       ", but argument '" + colName + "' has " +
                       std::to_string(nnz) + " entries");
  return ATTNC_OK;
}

/// The first entry of an index vector outside [0, maxValue], or -1.
int64_t firstOutside(const attnc_call::Arg &arg, int32_t dtype,
                     int64_t maxValue, int64_t &value) {
  for (int64_t i = 0; i < arg.shape[0]; ++i) {
    value = element(arg, dtype, i);
    if (value < 0 || value > maxValue)
      return i;
  }
  return -1;
}

attnc_status checkColIndices(const attnc_call &call, int32_t index) {
  const attnc_arg_desc &desc = call.entry->args[index];
  int64_t nodes = call.args[desc.related_arg].shape[0] - 1, v = 0;
  int64_t i = firstOutside(call.args[index], desc.dtype, nodes - 1, v);
  if (i < 0)
    return ATTNC_OK;
  return invalid(call, index,
                 "CSR column index at position " + std::to_string(i) +
                     " is " + std::to_string(v) + ", outside [0, " +
                     std::to_string(nodes) + ")");
}

// Entries of an index vector bounded by a dim of another argument: in
// [0, bound) or, `inclusive`, [0, bound]. Validation runs after every
// argument is bound (validateShapes), so that argument has its shape.
attnc_status checkAgainstRelatedDim(const attnc_call &call, int32_t index,
                                    const char *what, bool inclusive) {
  const attnc_arg_desc &desc = call.entry->args[index];
  int64_t bound = call.args[desc.related_arg].shape[desc.related_dim], v = 0;
  int64_t i = firstOutside(call.args[index], desc.dtype,
                           inclusive ? bound : bound - 1, v);
  if (i < 0)
    return ATTNC_OK;
  return invalid(call, index,
                 std::string(what) + " at position " + std::to_string(i) +
                     " is " + std::to_string(v) + ", outside [0, " +
                     std::to_string(bound) + (inclusive ? "]" : ")") +
                     " (dim " + std::to_string(desc.related_dim) +
                     " of argument '" +
                     call.entry->args[desc.related_arg].name + "')");
}

int64_t sideValue(const attnc_call &call, const attnc_check_side &side) {
  return side.arg >= 0 ? call.args[side.arg].shape[side.dim] : side.value;
}

std::string boundText(const attnc_call &call, const attnc_check_side &side) {
  return side.arg < 0 ? std::string()
                      : " (dim " + std::to_string(side.dim) + " of " +
                            argLabel(call, side.arg) + ")";
}

bool holds(int32_t kind, int64_t subject, int64_t bound) {
  switch (kind) {
  case ATTNC_CHECK_AT_MOST:
    return subject <= bound;
  case ATTNC_CHECK_DIVIDES:
    return subject == 0 ? bound == 0 : bound % subject == 0;
  default: // ATTNC_CHECK_BROADCASTS
    return subject == 1 || subject == bound;
  }
}

// A relation between two extents (module_abi.h, attnc_check_desc). The
// message blames the subject's input, or the bound's when the subject is a
// constant.
attnc_status checkExtents(const attnc_call &call, const attnc_check_desc &c) {
  int64_t subject = sideValue(call, c.subject);
  int64_t bound = sideValue(call, c.bound);
  if (holds(c.kind, subject, bound))
    return ATTNC_OK;
  std::string what = c.what ? c.what : "extent";
  std::string b = std::to_string(bound), v = std::to_string(subject);
  if (c.subject.arg < 0)
    return invalid(
        call, c.bound.arg,
        "dim " + std::to_string(c.bound.dim) + " is " + b + ", but the " +
            what + " is " + v + ", which must " +
            (c.kind == ATTNC_CHECK_AT_MOST ? "be at most it"
             : c.kind == ATTNC_CHECK_DIVIDES ? "divide it"
                                             : "be 1 or equal it"));
  std::string relation =
      c.kind == ATTNC_CHECK_AT_MOST   ? "more than " + b
      : c.kind == ATTNC_CHECK_DIVIDES ? "which does not divide " + b
                                      : "expected 1 or " + b;
  return invalid(call, c.subject.arg,
                 "dim " + std::to_string(c.subject.dim) + " (" + what +
                     ") is " + v + ", " + relation + boundText(call, c.bound));
}

// Every element of an integer input in [0, bound): the first one outside,
// by its flat (C-order) index.
attnc_status checkIndices(const attnc_call &call, const attnc_check_desc &c) {
  const attnc_call::Arg &arg = call.args[c.subject.arg];
  int32_t dtype = call.entry->args[c.subject.arg].dtype;
  int64_t bound = sideValue(call, c.bound), n = 1;
  for (int64_t extent : arg.shape)
    n *= extent;
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = element(arg, dtype, i);
    if (v >= 0 && v < bound)
      continue;
    return invalid(call, c.subject.arg,
                   std::string(c.what ? c.what : "index") +
                       " at flat index " + std::to_string(i) + " is " +
                       std::to_string(v) + ", outside [0, " +
                       std::to_string(bound) + ")" + boundText(call, c.bound));
  }
  return ATTNC_OK;
}

// The flat index of the first non-finite element of `n` at `data`, or -1.
template <typename T> int64_t firstNonFinite(const void *data, int64_t n) {
  const T *p = static_cast<const T *>(data);
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i]))
      return i;
  return -1;
}

std::string nonFiniteText(double v) {
  return std::isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}

} // namespace

attnc_status validateFinite(const attnc_call &call) {
  for (int32_t a = 0; a < call.entry->num_args; ++a) {
    const attnc_arg_desc &desc = call.entry->args[a];
    const attnc_call::Arg &arg = call.args[a];
    if (desc.kind != ATTNC_ARG_INPUT || !arg.set || !arg.data)
      continue;
    int64_t n = 1;
    for (int64_t extent : arg.shape)
      n *= extent;
    int64_t i = -1;
    double value = 0;
    if (desc.dtype == ATTNC_DTYPE_F32) {
      i = firstNonFinite<float>(arg.data, n);
      value = i < 0 ? 0 : static_cast<const float *>(arg.data)[i];
    } else if (desc.dtype == ATTNC_DTYPE_F64) {
      i = firstNonFinite<double>(arg.data, n);
      value = i < 0 ? 0 : static_cast<const double *>(arg.data)[i];
    } else if (desc.dtype == ATTNC_DTYPE_F16) {
      // Exponent bits all ones: an infinity (mantissa 0) or a NaN.
      const uint16_t *p = static_cast<const uint16_t *>(arg.data);
      for (int64_t k = 0; k < n && i < 0; ++k)
        if ((p[k] & 0x7c00u) == 0x7c00u) {
          i = k;
          value = (p[k] & 0x3ffu) ? NAN : (p[k] & 0x8000u) ? -INFINITY
                                                           : INFINITY;
        }
    }
    if (i >= 0)
      return invalid(call, a,
                     nonFiniteText(value) + " at flat index " +
                         std::to_string(i) +
                         " (the finite-input check refuses NaN and Inf)");
  }
  return ATTNC_OK;
}

std::string argLabel(const attnc_call &call, int32_t index) {
  const attnc_arg_desc &arg = call.entry->args[index];
  return (arg.kind == ATTNC_ARG_OUTPUT ? "output '" : "input '") +
         std::string(arg.name) + "'";
}

std::string argWhere(const attnc_call &call, int32_t index) {
  return "entry '" + std::string(call.entry->name) + "', " +
         argLabel(call, index);
}

attnc_status bindNames(const attnc_call &call, Bindings &names, bool report,
                       bool inputsOnly) {
  // Inputs bind first, so a wrong output is the one blamed.
  for (int kind : {ATTNC_ARG_INPUT, ATTNC_ARG_OUTPUT}) {
    if (inputsOnly && kind == ATTNC_ARG_OUTPUT)
      break;
    for (int32_t a = 0; a < call.entry->num_args; ++a) {
      const attnc_arg_desc &desc = call.entry->args[a];
      if (desc.kind != kind || !call.args[a].set)
        continue;
      for (int32_t d = 0; d < desc.rank; ++d) {
        const char *name = dimName(desc, d);
        if (!name)
          continue;
        int64_t value = boundValue(desc, call.args[a].shape[d]);
        auto [it, fresh] = names.emplace(name, Binding{value, a});
        if (fresh || it->second.value == value || !report)
          continue;
        std::string mine =
            isOffsetsRole(desc.role)
                ? std::to_string(call.args[a].shape[d]) + " entries give " +
                      name + " = " + std::to_string(value)
                : "dim " + std::to_string(d) + " (" + name + ") is " +
                      std::to_string(value);
        return invalid(call, a,
                       mine + ", but " + argLabel(call, it->second.arg) +
                           " has " + name + " = " +
                           std::to_string(it->second.value));
      }
    }
  }
  return ATTNC_OK;
}

attnc_status checkHalideLimits(const attnc_call &call, int32_t index,
                               const std::vector<int64_t> &shape) {
  // halide_buffer_t holds extents and strides as int32 (and Halide indexes
  // with 32-bit arithmetic): every extent and the element count, which
  // bounds every stride, stay below 2^31.
  int64_t elements = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] > INT32_MAX)
      return invalid(call, index,
                     "dim " + std::to_string(d) + " is " +
                         std::to_string(shape[d]) +
                         "; Halide's extents must be below 2^31");
    if (shape[d] == 0)
      return ATTNC_OK;
  }
  for (size_t d = shape.size(); d-- > 0;) {
    elements *= shape[d];
    if (elements > INT32_MAX)
      return invalid(call, index,
                     "shape " + shapeText(shape) + " holds 2^31 or more "
                     "elements from dim " + std::to_string(d) +
                         " inwards; Halide's buffers hold fewer");
  }
  return ATTNC_OK;
}

attnc_status validateShapes(const attnc_call &call, bool inputsOnly) {
  for (int32_t a = 0; a < call.entry->num_args; ++a) {
    const attnc_arg_desc &desc = call.entry->args[a];
    const attnc_call::Arg &arg = call.args[a];
    if (inputsOnly && desc.kind != ATTNC_ARG_INPUT)
      continue;
    if (!arg.set)
      return invalid(call, a, "not set");
    int64_t elements = 1;
    for (int32_t d = 0; d < desc.rank; ++d) {
      int64_t extent = arg.shape[d];
      if (extent < 0)
        return invalid(call, a, "dim " + std::to_string(d) + " is " +
                                    std::to_string(extent) + " (shape " +
                                    shapeText(arg.shape) + ")");
      if (desc.dims[d] >= 0 && extent != desc.dims[d])
        return invalid(call, a, "dim " + std::to_string(d) + " is " +
                                    std::to_string(extent) + ", expected " +
                                    std::to_string(desc.dims[d]) +
                                    " (shape " + shapeText(arg.shape) + ")");
      if (isOffsetsRole(desc.role) && extent == 0)
        return invalid(call, a,
                       "CSR row offsets are empty; they need nodes + 1 "
                       "entries");
    }
    if (attnc_status s = checkHalideLimits(call, a, arg.shape))
      return s;
    for (int64_t extent : arg.shape)
      elements *= extent;
    if (elements > 0 && !arg.data)
      return invalid(call, a, "data is NULL");
  }
  Bindings names;
  if (attnc_status s = bindNames(call, names, /*report=*/true, inputsOnly))
    return s;
  for (int32_t c = 0; c < call.entry->num_checks; ++c)
    if (call.entry->checks[c].kind != ATTNC_CHECK_INDEX_BELOW)
      if (attnc_status s = checkExtents(call, call.entry->checks[c]))
        return s;
  return ATTNC_OK;
}

attnc_status validateContents(const attnc_call &call) {
  // Row offsets first: the column check relies on their length.
  for (int32_t a = 0; a < call.entry->num_args; ++a)
    if (call.entry->args[a].role == ATTNC_ROLE_CSR_ROW_OFFSETS)
      if (attnc_status s = checkRowOffsets(call, a))
        return s;
  for (int32_t a = 0; a < call.entry->num_args; ++a) {
    int32_t role = call.entry->args[a].role;
    if (role == ATTNC_ROLE_CSR_COL_INDICES)
      if (attnc_status s = checkColIndices(call, a))
        return s;
    if (role == ATTNC_ROLE_KEY_LENGTHS)
      if (attnc_status s =
              checkAgainstRelatedDim(call, a, "key length", /*inclusive=*/true))
        return s;
    // Without an argument carrying the column count the kernels clamp.
    if (role == ATTNC_ROLE_SPARSE_COL_INDICES &&
        call.entry->args[a].related_arg >= 0)
      if (attnc_status s = checkAgainstRelatedDim(
              call, a, "sparse column index", /*inclusive=*/false))
        return s;
  }
  for (int32_t c = 0; c < call.entry->num_checks; ++c)
    if (call.entry->checks[c].kind == ATTNC_CHECK_INDEX_BELOW)
      if (attnc_status s = checkIndices(call, call.entry->checks[c]))
        return s;
  return ATTNC_OK;
}

} // namespace attnc::detail
