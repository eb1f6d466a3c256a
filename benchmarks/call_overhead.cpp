// The cost of one entry call through the runtime's C API, the baseline of
// benchmarks/python_overhead.py: the same work the Python package does per
// call (set the inputs, deduce and allocate the outputs, execute, free),
// with nothing else around it.
//
//   call_overhead MODULE.so ENTRY ROWS CALLS
//
// The entry takes one data input of shape [ROWS, ...static] (parameters are
// initialised and bound once) and any number of outputs. Prints one JSON
// line: {"median_us": ..., "min_us": ...} over 9 rounds of CALLS calls.
#include "runtime/api.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

[[noreturn]] void fail(attnc_status s) {
  std::fprintf(stderr, "call_overhead: error (%s): %s\n",
               attnc_status_name(s), attnc_last_error());
  std::exit(1);
}

void check(attnc_status s) {
  if (s != ATTNC_OK)
    fail(s);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: call_overhead MODULE.so ENTRY ROWS CALLS\n");
    return 2;
  }
  const int64_t rows = std::atoll(argv[3]);
  const long calls = std::atol(argv[4]);
  if (rows < 1 || calls < 1) {
    std::fprintf(stderr, "call_overhead: ROWS and CALLS must be positive\n");
    return 2;
  }
  attnc_module *module = nullptr;
  check(attnc_module_load(argv[1], nullptr, &module));
  attnc_call *call = nullptr;
  check(attnc_call_create(module, argv[2], &call));
  const attnc_entry_desc *entry = attnc_call_entry(call);

  attnc_weights *weights = nullptr;
  check(attnc_weights_create(&weights));
  check(attnc_weights_init(weights, entry, 0, nullptr));
  check(attnc_weights_bind(call, weights, nullptr, nullptr));

  // The one data input: [rows, static extents...], filled with ones.
  int32_t input = -1;
  for (int32_t a = 0; a < entry->num_args; ++a)
    if (entry->args[a].kind == ATTNC_ARG_INPUT &&
        !attnc_arg_is_parameter(&entry->args[a]))
      input = a;
  if (input < 0) {
    std::fprintf(stderr, "call_overhead: entry '%s' has no data input\n",
                 argv[2]);
    return 2;
  }
  const attnc_arg_desc &in = entry->args[input];
  std::vector<int64_t> inShape(static_cast<size_t>(in.rank));
  size_t inCount = 1;
  for (int32_t d = 0; d < in.rank; ++d) {
    inShape[d] = d == 0 ? rows : in.dims[d];
    inCount *= static_cast<size_t>(inShape[d]);
  }
  std::vector<float> inData(inCount, 1.0f);
  attnc_tensor inTensor{in.dtype, in.rank, inShape.data(), inData.data()};

  std::vector<std::vector<int64_t>> outShapes(
      static_cast<size_t>(entry->num_args));
  auto oneCall = [&] {
    check(attnc_call_set_arg(call, input, &inTensor));
    std::vector<void *> allocated;
    for (int32_t a = 0; a < entry->num_args; ++a) {
      const attnc_arg_desc &d = entry->args[a];
      if (d.kind != ATTNC_ARG_OUTPUT)
        continue;
      std::vector<int64_t> &shape = outShapes[a];
      shape.resize(static_cast<size_t>(d.rank));
      check(attnc_call_infer_shape(call, a, shape.data()));
      size_t bytes = attnc_dtype_size(d.dtype);
      for (int64_t e : shape)
        bytes *= static_cast<size_t>(e);
      void *p = std::aligned_alloc(64, (bytes + 64) / 64 * 64);
      allocated.push_back(p);
      attnc_tensor t{d.dtype, d.rank, shape.data(), p};
      check(attnc_call_set_arg(call, a, &t));
    }
    check(attnc_call_execute(call));
    for (void *p : allocated)
      std::free(p);
  };

  for (long i = 0; i < std::min(calls, 1000L); ++i)
    oneCall();
  std::vector<double> perCall;
  for (int round = 0; round < 9; ++round) {
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < calls; ++i)
      oneCall();
    std::chrono::duration<double, std::micro> us =
        std::chrono::steady_clock::now() - start;
    perCall.push_back(us.count() / static_cast<double>(calls));
  }
  std::sort(perCall.begin(), perCall.end());
  std::printf("{\"median_us\": %.3f, \"min_us\": %.3f}\n", perCall[4],
              perCall[0]);

  attnc_weights_release(weights);
  attnc_call_release(call);
  attnc_module_release(module);
  return 0;
}
