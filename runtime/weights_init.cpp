// Seeded initialisation of an entry's parameters (the rule is documented
// at attnc_weights_init in weights.h and in docs/runtime.md).
//
// Counter-based: element i of parameter `name` is a hash of (seed, name, i)
// (splitmix64's finaliser over an FNV-1a name hash), so values depend on
// nothing else — not on the order of parameters, nor on which of them a
// file already gave.
#include <cmath>
#include <cstring>
#include <string>

#include "runtime/detail/error.h"
#include "runtime/detail/weights_impl.h"

using attnc::detail::fail;
using attnc::detail::guarded;
using attnc::detail::WeightTensor;

namespace {

enum class Init { Zeros, Ones, Glorot };

uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t fnv1a(const std::string &s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// Uniform in [0, 1) from 53 bits of element `i`'s hash.
double uniform(uint64_t key, uint64_t i) {
  uint64_t x = mix(key + (i + 1) * 0x9e3779b97f4a7c15ull);
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

// The rule the compiler recorded for the parameter (attnc_arg_desc.init).
Init ruleFor(const attnc_arg_desc &arg) {
  if (arg.dtype != ATTNC_DTYPE_F32 && arg.dtype != ATTNC_DTYPE_F64)
    return Init::Zeros;
  switch (arg.init) {
  case ATTNC_INIT_ZEROS:
    return Init::Zeros;
  case ATTNC_INIT_ONES:
    return Init::Ones;
  default:
    return Init::Glorot;
  }
}

// a = sqrt(6 / (fan_in + fan_out)) with PyTorch's fans.
double glorotBound(const std::vector<int64_t> &shape) {
  double fanIn = 1, fanOut = 1;
  if (shape.size() == 1) {
    fanIn = static_cast<double>(shape[0]);
  } else if (shape.size() >= 2) {
    double receptive = 1;
    for (size_t d = 2; d < shape.size(); ++d)
      receptive *= static_cast<double>(shape[d]);
    fanIn = static_cast<double>(shape[1]) * receptive;
    fanOut = static_cast<double>(shape[0]) * receptive;
  }
  return fanIn + fanOut > 0 ? std::sqrt(6.0 / (fanIn + fanOut)) : 0.0;
}

template <typename T>
void fill(WeightTensor &t, Init rule, uint64_t key, double bound) {
  T *out = static_cast<T *>(t.data());
  size_t n = t.bytes / sizeof(T);
  for (size_t i = 0; i < n; ++i)
    out[i] = rule == Init::Ones    ? T(1)
             : rule == Init::Zeros ? T(0)
                                   : T(bound * (2 * uniform(key, i) - 1));
}

} // namespace

extern "C" attnc_status attnc_weights_init(attnc_weights *weights,
                                           const attnc_entry_desc *entry,
                                           uint64_t seed, int32_t *added) {
  return guarded([&] {
    if (!weights || !entry)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_weights_init: weights and entry must not be NULL");
    if (added)
      *added = 0;
    // Check every parameter before adding any.
    std::vector<const attnc_arg_desc *> todo;
    for (int32_t a = 0; a < entry->num_args; ++a) {
      const attnc_arg_desc &arg = entry->args[a];
      if (!attnc_arg_is_parameter(&arg) || weights->tensors.count(arg.name))
        continue;
      std::string where = std::string("entry '") + entry->name +
                          "', parameter '" + arg.name + "'";
      if (!attnc::detail::weightDtypeSupported(arg.dtype))
        return fail(ATTNC_ERROR_UNSUPPORTED,
                    where + ": cannot initialise dtype " +
                        attnc_dtype_name(arg.dtype));
      for (int32_t d = 0; d < arg.rank; ++d)
        if (arg.dims[d] < 0) {
          const char *dim = arg.dim_names ? arg.dim_names[d] : nullptr;
          return fail(ATTNC_ERROR_VALIDATION,
                      where + ": dim " + std::to_string(d) +
                          (dim ? " (" + std::string(dim) + ")" : "") +
                          " is dynamic, so it cannot be initialised; give "
                          "it in the weights");
        }
      todo.push_back(&arg);
    }
    for (const attnc_arg_desc *arg : todo) {
      WeightTensor t;
      t.dtype = arg->dtype;
      t.shape.assign(arg->dims, arg->dims + arg->rank);
      uint64_t bytes = 0;
      if (!attnc::detail::byteCount(t.shape, attnc_dtype_size(t.dtype), bytes))
        return fail(ATTNC_ERROR_VALIDATION,
                    std::string("parameter '") + arg->name + "' is too large");
      t.resize(static_cast<size_t>(bytes));
      Init rule = ruleFor(*arg);
      uint64_t key = mix(seed ^ mix(fnv1a(arg->name)));
      double bound = glorotBound(t.shape);
      switch (t.dtype) {
      case ATTNC_DTYPE_F32:
        fill<float>(t, rule, key, bound);
        break;
      case ATTNC_DTYPE_F64:
        fill<double>(t, rule, key, bound);
        break;
      default: // integers and bools: zeros, as resize() left them
        break;
      }
      weights->tensors.emplace(arg->name, std::move(t));
    }
    weights->reindex();
    if (added)
      *added = static_cast<int32_t>(todo.size());
    return ATTNC_OK;
  });
}
