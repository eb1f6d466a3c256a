// The checks of a module's descriptor at load (runtime/module.cpp,
// attnc::detail::checkDescriptor): the fuzzer builds an attnc_module_desc
// of entries and arguments with arbitrary kinds, dtypes, roles, ranks,
// extents, names and related arguments (fuzz/FuzzedDataProvider). A
// descriptor the checks accept must then be safe for the rest of the
// runtime: a call is created for each entry, asked for its inferred
// shapes and validated (with no inputs set, which validation refuses).
// The module's code is never run: argv_fn is a stub that aborts.
#include "runtime/call.h"
#include "runtime/detail/module_impl.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

namespace {

int neverCalled(void **) {
  std::fprintf(stderr, "the fuzzed module's entry was run\n");
  std::abort();
}

// Interesting extents: dynamic, zero, small, and the limits of the checks.
constexpr int64_t kExtents[] = {-1, 0, 1, 2, 3, 7, -2, INT32_MAX,
                                int64_t{INT32_MAX} + 1, INT64_MIN};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider in(data, size);
  // Storage the descriptor points into; deques keep addresses stable.
  std::deque<std::string> strings;
  std::deque<std::vector<int64_t>> dims;
  std::deque<std::vector<const char *>> dimNames;
  std::deque<std::vector<attnc_arg_desc>> args;
  auto name = [&]() -> const char * {
    if (in.ConsumeIntegralInRange<int>(0, 15) == 0)
      return nullptr;
    strings.push_back(in.ConsumeRandomLengthString(12));
    return strings.back().c_str();
  };

  std::vector<attnc_entry_desc> entries;
  int32_t numEntries = in.ConsumeIntegralInRange<int32_t>(-1, 3);
  for (int32_t e = 0; e < numEntries; ++e) {
    attnc_entry_desc entry{};
    entry.name = name();
    entry.argv_fn = in.ConsumeIntegralInRange<int>(0, 15) ? &neverCalled
                                                          : nullptr;
    entry.num_args = in.ConsumeIntegralInRange<int32_t>(-1, 8);
    args.emplace_back();
    for (int32_t a = 0; a < entry.num_args; ++a) {
      attnc_arg_desc arg{};
      arg.name = name();
      arg.kind = in.ConsumeIntegralInRange<int32_t>(-1, 2);
      arg.dtype = in.ConsumeIntegralInRange<int32_t>(-1, 8);
      arg.role = in.ConsumeIntegralInRange<int32_t>(-1, ATTNC_ROLE_COUNT);
      arg.rank = in.ConsumeIntegralInRange<int32_t>(-1, 17);
      dims.emplace_back();
      dimNames.emplace_back();
      for (int32_t d = 0; d < std::max(arg.rank, 0); ++d) {
        dims.back().push_back(in.PickValueInArray(kExtents));
        dimNames.back().push_back(name());
      }
      arg.dims = in.ConsumeIntegralInRange<int>(0, 31) ? dims.back().data()
                                                       : nullptr;
      arg.dim_names = in.ConsumeBool() ? dimNames.back().data() : nullptr;
      arg.related_arg = in.ConsumeIntegralInRange<int32_t>(-2, 8);
      arg.related_dim = in.ConsumeIntegralInRange<int32_t>(-2, 4);
      arg.init = in.ConsumeIntegralInRange<int32_t>(-1, 4);
      args.back().push_back(arg);
    }
    entry.args = in.ConsumeIntegralInRange<int>(0, 31) || entry.num_args == 0
                     ? args.back().data()
                     : nullptr;
    entry.source_loc = name();
    entries.push_back(entry);
  }
  attnc_module_desc desc{};
  desc.abi_version = ATTNC_MODULE_ABI_VERSION;
  desc.target = "x86-64-linux";
  desc.cpu_features = "";
  desc.device = "cpu";
  desc.num_entries = numEntries;
  desc.entries = entries.empty() ? nullptr : entries.data();

  if (attnc::detail::checkDescriptor("fuzz.so", desc) != ATTNC_OK)
    return 0;

  attnc_module module;
  module.path = "fuzz.so";
  module.desc = &desc;
  for (const attnc_entry_desc &entry : entries) {
    attnc_call *call = nullptr;
    if (attnc_call_create(&module, entry.name, &call) != ATTNC_OK)
      continue;
    for (int32_t a = 0; a < entry.num_args; ++a) {
      int64_t shape[16]; // checkDescriptor caps the rank at 16
      (void)attnc_call_infer_shape(call, a, shape);
    }
    if (attnc_call_validate(call) == ATTNC_OK && entry.num_args > 0) {
      std::fprintf(stderr, "a call without inputs validated\n");
      std::abort();
    }
    attnc_call_release(call);
  }
  return 0;
}
