// Binding a weights set to a prepared call: every input whose name the set
// holds, checked against the entry's signature first, all or nothing.
#include <algorithm>
#include <cstring>
#include <map>

#include "runtime/detail/call_impl.h"
#include "runtime/detail/error.h"
#include "runtime/detail/weights_impl.h"

using attnc::detail::fail;
using attnc::detail::guarded;
using attnc::detail::shapeText;
using attnc::detail::WeightTensor;

namespace {

constexpr size_t kListed = 5;

std::string inQuotes(const std::string &s) { return "'" + s + "'"; }

// "'a', 'b', 'c', 'd', 'e' and 3 more".
std::string nameList(const std::vector<std::string> &names) {
  std::string text;
  for (size_t i = 0; i < names.size() && i < kListed; ++i)
    text += (i ? ", " : "") + inQuotes(names[i]);
  if (names.size() > kListed)
    text += " and " + std::to_string(names.size() - kListed) + " more";
  return text;
}

std::string counted(size_t n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

const char *dimName(const attnc_arg_desc &arg, int32_t d) {
  const char *name = arg.dim_names ? arg.dim_names[d] : nullptr;
  return name && *name ? name : nullptr;
}

int64_t boundValue(const attnc_arg_desc &arg, int64_t extent) {
  return attnc::detail::isOffsetsRole(arg.role) ? extent - 1 : extent;
}

struct Bound {
  int64_t value;
  std::string by; // "input 'x'" or "'enc.w'"
};

// Checks tensor `t` against argument `arg`, binding its named extents in
// `names`; returns "" or what is wrong.
std::string check(const attnc_arg_desc &arg, const WeightTensor &t,
                  std::map<std::string, Bound> &names) {
  if (t.dtype != arg.dtype)
    return std::string("dtype ") + attnc_dtype_name(t.dtype) + ", expected " +
           attnc_dtype_name(arg.dtype);
  // The expected shape as far as it is known: static extents, named ones
  // already bound, else the name.
  std::string expected = "[";
  std::string why;
  bool ok = static_cast<int32_t>(t.shape.size()) == arg.rank;
  std::map<std::string, Bound> mine = names;
  for (int32_t d = 0; d < arg.rank; ++d) {
    const char *name = dimName(arg, d);
    std::string text = arg.dims[d] >= 0 ? std::to_string(arg.dims[d])
                       : name           ? std::string(name)
                                        : "?";
    bool have = ok && static_cast<size_t>(d) < t.shape.size();
    if (arg.dims[d] >= 0 && have && t.shape[d] != arg.dims[d])
      ok = false;
    if (name) {
      auto it = mine.find(name);
      if (it != mine.end()) {
        int64_t extent = attnc::detail::isOffsetsRole(arg.role)
                             ? it->second.value + 1
                             : it->second.value;
        text = std::to_string(extent);
        if (have && boundValue(arg, t.shape[d]) != it->second.value) {
          ok = false;
          if (arg.dims[d] < 0 && why.empty())
            why = " (" + std::string(name) + " = " +
                  std::to_string(it->second.value) + " from " +
                  it->second.by + ")";
        }
      } else if (have) {
        mine[name] = Bound{boundValue(arg, t.shape[d]),
                           inQuotes(arg.name)};
      }
    }
    expected += (d ? ", " : "") + text;
  }
  expected += "]";
  if (!ok)
    return "shape " + shapeText(t.shape) + ", expected " + expected + why;
  names = std::move(mine);
  return "";
}

attnc_status bind(attnc_call &call, const attnc_weights &weights,
                  const attnc_bind_options &options, int32_t *bound) {
  const attnc_entry_desc &entry = *call.entry;
  std::string source = weights.source.empty() ? "weights" : weights.source;
  auto invalid = [&](const std::string &what) {
    return fail(ATTNC_ERROR_VALIDATION, source + ": " + what);
  };
  auto takes = [&](int32_t a) {
    return entry.args[a].kind == ATTNC_ARG_INPUT &&
           weights.tensors.count(entry.args[a].name);
  };

  // Named extents of the arguments already set and not about to be
  // replaced, inputs first (as validation binds them).
  std::map<std::string, Bound> names;
  for (int kind : {ATTNC_ARG_INPUT, ATTNC_ARG_OUTPUT})
    for (int32_t a = 0; a < entry.num_args; ++a) {
      const attnc_arg_desc &arg = entry.args[a];
      if (arg.kind != kind || !call.args[a].set || takes(a))
        continue;
      for (int32_t d = 0; d < arg.rank; ++d)
        if (const char *name = dimName(arg, d))
          names.emplace(name, Bound{boundValue(arg, call.args[a].shape[d]),
                                    attnc::detail::argLabel(call, a)});
    }

  std::vector<std::string> missing, extra;
  for (int32_t a = 0; a < entry.num_args; ++a) {
    const attnc_arg_desc &arg = entry.args[a];
    if (takes(a)) {
      std::string what = check(arg, weights.tensors.at(arg.name), names);
      if (!what.empty())
        return invalid(inQuotes(arg.name) + ": " + what);
    } else if (attnc_arg_is_parameter(&arg) && !call.args[a].set) {
      missing.push_back(arg.name);
    }
  }
  for (const auto &[name, tensor] : weights.tensors) {
    (void)tensor;
    bool taken = false;
    for (int32_t a = 0; a < entry.num_args && !taken; ++a)
      taken = entry.args[a].kind == ATTNC_ARG_INPUT && name == entry.args[a].name;
    if (!taken)
      extra.push_back(name);
  }
  std::string missingText =
      counted(missing.size(), "parameter", "parameters") + " missing: " +
      nameList(missing);
  std::string extraText = counted(extra.size(), "tensor", "tensors") +
                          " no input takes: " + nameList(extra);
  bool missingBad = !missing.empty() && !(options.flags & ATTNC_BIND_ALLOW_MISSING);
  bool extraBad = !extra.empty() && !(options.flags & ATTNC_BIND_ALLOW_EXTRA);
  std::string where = "entry " + inQuotes(entry.name) + ": ";
  if (missingBad || extraBad) {
    // Both together usually mean a misspelt name: say both at once.
    std::string text = missingBad ? missingText : "";
    if (extraBad)
      text += (text.empty() ? "" : "; ") + extraText;
    return invalid(where + text);
  }

  int32_t count = 0;
  for (int32_t a = 0; a < entry.num_args; ++a) {
    if (!takes(a))
      continue;
    const WeightTensor &t = weights.tensors.at(entry.args[a].name);
    attnc_tensor view{t.dtype, static_cast<int32_t>(t.shape.size()),
                      t.shape.data(), const_cast<void *>(t.data())};
    if (attnc_status s = attnc_call_set_arg(&call, a, &view))
      return s;
    ++count;
  }
  if (options.warning) {
    if (!missing.empty())
      options.warning(options.user_data,
                      (source + ": " + where + missingText + " (left unbound)")
                          .c_str());
    if (!extra.empty())
      options.warning(options.user_data,
                      (source + ": " + where + extraText + " (ignored)").c_str());
  }
  if (bound)
    *bound = count;
  return ATTNC_OK;
}

} // namespace

extern "C" {

int attnc_arg_is_parameter(const attnc_arg_desc *arg) {
  // The compiler says which inputs are parameters (module_abi.h); names
  // carry no meaning.
  return arg && arg->kind == ATTNC_ARG_INPUT &&
         arg->role == ATTNC_ROLE_PARAMETER;
}

void attnc_bind_options_init(attnc_bind_options *options) {
  if (!options)
    return;
  *options = attnc_bind_options{};
  options->struct_size = sizeof(attnc_bind_options);
}

attnc_status attnc_weights_bind(attnc_call *call,
                                const attnc_weights *weights,
                                const attnc_bind_options *options,
                                int32_t *bound) {
  return guarded([&] {
    if (!call || !weights)
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_weights_bind: call and weights must not be NULL");
    attnc_bind_options opts;
    attnc_bind_options_init(&opts);
    if (options) {
      if (options->struct_size < sizeof(size_t) + sizeof(uint32_t))
        return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                    "attnc_weights_bind: options.struct_size is not set "
                    "(use attnc_bind_options_init)");
      std::memcpy(&opts, options,
                  std::min(options->struct_size, sizeof(opts)));
      opts.struct_size = sizeof(opts);
    }
    if (bound)
      *bound = 0;
    return bind(*call, *weights, opts, bound);
  });
}

} // extern "C"
