// GPU modules through the runtime: CUDA, and OpenCL, which runs the same
// GPU schedules on any OpenCL device (pocl executes them on this project's
// CPU-only build machines). Without a CUDA driver: a CUDA module loads and
// lists, and every call refuses with one clear line naming the module;
// nothing aborts. With a device: every entry of the numerics inputs,
// compiled for the GPU, matches the CPU module compiled from the same file
// on random inputs of awkward sizes (the CPU modules are checked against a
// float64 reference in NumericsTests). Device tests skip, never fail, when
// the API has no device.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "runtime/attnc.hpp"
#include "runtime/tools/attn-run/random_inputs.h"

namespace {

const std::string kDir = ATTNC_CUDA_TEST_DIR;
const char *kInputs[] = {"dense",      "graph",  "projections", "decomposed",
                         "sparse",     "layers", "grads"};
const char *kApis[] = {"cuda", "opencl"};
constexpr const char *kNoDriver =
    "this module runs on CUDA, but no CUDA driver (libcuda.so.1) is "
    "available";

std::string gpuModule(const std::string &api, const std::string &name) {
  return kDir + "/" + name + "_" + api + ".so";
}
std::string cudaModule(const std::string &name) {
  return gpuModule("cuda", name);
}
std::string cpuModule(const std::string &name) {
  return kDir + "/" + name + "_cpu.so";
}

attnc::Module load(const std::string &path, uint32_t flags = 0) {
  attnc::ModuleOptions options;
  options.flags = flags;
  auto module = attnc::Module::load(path, options);
  if (!module)
    ADD_FAILURE() << module.status().message();
  return std::move(module).value();
}

/// "" when `api` has a device here, else the runtime's reason.
std::string deviceAbsence(const std::string &api) {
  attnc::Module m = load(gpuModule(api, "dense"));
  attnc::Status status = m.checkDevice();
  attnc_clear_error();
  return status ? "" : status.message();
}

/// Whether libcuda.so.1 opens here (a GPU or not): the no-driver tests
/// skip then.
bool driverPresent() {
  return deviceAbsence("cuda").find(kNoDriver) == std::string::npos;
}

/// Elements of `gpu` farther than 1e-4 (absolute plus relative) from the
/// CPU's; the first five are reported as failures naming `what`.
size_t mismatches(const float *gpu, const float *cpu, size_t n,
                  const std::string &what) {
  size_t bad = 0;
  for (size_t i = 0; i < n; ++i)
    if (!(std::fabs(gpu[i] - cpu[i]) <= 1e-4f + 1e-4f * std::fabs(cpu[i])) &&
        bad++ < 5)
      ADD_FAILURE() << what << "[" << i << "]: gpu " << gpu[i] << ", cpu "
                    << cpu[i];
  return bad;
}

TEST(GpuModule, DescriptorNamesTheDevice) {
  for (const char *api : kApis) {
    for (const char *name : kInputs) {
      attnc::Module m = load(gpuModule(api, name));
      const attnc_module_desc &desc = m.descriptor();
      EXPECT_STREQ(desc.device, api) << name;
      EXPECT_NE(std::strstr(desc.target, api), nullptr) << desc.target;
      if (std::string(api) == "cuda") {
        EXPECT_NE(std::strstr(desc.target, "cuda_capability_80"), nullptr)
            << desc.target;
      }
      attnc::Module cpu = load(cpuModule(name));
      EXPECT_STREQ(cpu.descriptor().device, "cpu");
      // Same entries, same signatures as the CPU module.
      ASSERT_EQ(m.entries().size(), cpu.entries().size()) << name;
      for (size_t e = 0; e < m.entries().size(); ++e) {
        EXPECT_STREQ(m.entries()[e]->name, cpu.entries()[e]->name);
        EXPECT_EQ(m.entries()[e]->num_args, cpu.entries()[e]->num_args);
      }
    }
  }
}

TEST(GpuModule, DriverLibraryOutlivesItsModules) {
  // The runtime opens an API's library once per process: reopening the
  // OpenCL ICD loader for every module leaked its platform list each time
  // (LeakSanitizer, docs/hardening.md).
  for (int round = 0; round < 2; ++round) {
    attnc::Module m = load(gpuModule("opencl", "dense"));
    if (!m.checkDevice()) {
      attnc_clear_error();
      GTEST_SKIP() << "no OpenCL library here";
    }
  }
  void *stillLoaded = dlopen("libOpenCL.so.1", RTLD_LAZY | RTLD_NOLOAD);
  EXPECT_NE(stillLoaded, nullptr)
      << "the OpenCL library was unloaded with its last module";
  if (stillLoaded)
    dlclose(stillLoaded);
}

TEST(GpuModule, CudaWithoutDriverIsAClearErrorAtCallCreation) {
  if (driverPresent())
    GTEST_SKIP() << "a CUDA driver is present";
  attnc::Module m = load(cudaModule("dense"));
  attnc::Status device = m.checkDevice();
  EXPECT_EQ(device.code(), ATTNC_ERROR_UNSUPPORTED);
  EXPECT_NE(device.message().find(kNoDriver), std::string::npos)
      << device.message();
  EXPECT_NE(device.message().find(cudaModule("dense")), std::string::npos);
  EXPECT_EQ(device.message().find('\n'), std::string::npos);

  attnc_call *call = nullptr;
  attnc_status s = attnc_call_create(m.get(), "dense", &call);
  EXPECT_EQ(s, ATTNC_ERROR_UNSUPPORTED);
  EXPECT_EQ(call, nullptr);
  EXPECT_NE(std::string(attnc_last_error()).find(kNoDriver),
            std::string::npos);
  attnc_call_release(call);
}

TEST(GpuModule, CudaWithoutDriverRefusesAtLoadWhenAsked) {
  if (driverPresent())
    GTEST_SKIP() << "a CUDA driver is present";
  attnc_module_options options;
  attnc_module_options_init(&options);
  options.flags = ATTNC_MODULE_CHECK_DEVICE_AT_LOAD;
  attnc_module *module = nullptr;
  std::string path = cudaModule("graph");
  EXPECT_EQ(attnc_module_load(path.c_str(), &options, &module),
            ATTNC_ERROR_UNSUPPORTED);
  EXPECT_EQ(module, nullptr);
  std::string message = attnc_last_error();
  EXPECT_NE(message.find(kNoDriver), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(GpuModule, CpuModulesNeedNoDriver) {
  attnc::Module cpu = load(cpuModule("dense"));
  EXPECT_TRUE(static_cast<bool>(cpu.checkDevice()));
}

// Extents for the dynamic dims, by name, in three sets: awkward sizes
// (tails of every tile), the smallest (one of everything), and long key
// ranges against few queries (many key tiles, a graph of mostly isolated
// nodes). The same for every argument that shares a name.
struct Shapes {
  const char *name;
  int64_t batch, nodes, edges, queries, keys, heads, other;
};
const Shapes kShapes[] = {
    {"awkward", 2, 157, 1203, 77, 93, 4, 11},
    {"tiny", 1, 1, 1, 1, 1, 1, 1},
    {"long", 1, 1000, 7, 129, 1000, 2, 7},
};

// gtest prints parameters it cannot print as bytes; a set is its name.
void PrintTo(const Shapes &shapes, std::ostream *os) { *os << shapes.name; }

int64_t extentFor(const std::string &name, const Shapes &shapes = kShapes[0]) {
  if (name == "B")
    return shapes.batch;
  if (name == "N")
    return shapes.nodes;
  if (name == "E")
    return shapes.edges;
  if (name == "Sq" || name == "S")
    return shapes.queries;
  if (name == "Sk")
    return shapes.keys;
  if (!name.empty() && name[0] == 'H')
    return shapes.heads;
  return shapes.other;
}

attnc_status runEntry(attnc_module *module, const attnc_entry_desc &entry,
                      std::vector<attnc::npy::Array> &arrays,
                      std::vector<std::vector<int64_t>> &shapes) {
  attnc_call *call = nullptr;
  if (attnc_status s = attnc_call_create(module, entry.name, &call))
    return s;
  for (int32_t a = 0; a < entry.num_args; ++a) {
    // The runtime computes transposed graphs from the forward graph.
    int32_t role = entry.args[a].role;
    if (entry.args[a].kind != ATTNC_ARG_INPUT ||
        role == ATTNC_ROLE_T_OFFSETS || role == ATTNC_ROLE_T_DESTINATIONS ||
        role == ATTNC_ROLE_T_EDGES)
      continue;
    attnc_tensor t{entry.args[a].dtype,
                   static_cast<int32_t>(arrays[a].shape.size()),
                   arrays[a].shape.data(), arrays[a].data.data()};
    if (attnc_status s = attnc_call_set_arg(call, a, &t)) {
      attnc_call_release(call);
      return s;
    }
  }
  for (int32_t a = 0; a < entry.num_args; ++a) {
    if (entry.args[a].kind != ATTNC_ARG_OUTPUT)
      continue;
    shapes[a].assign(entry.args[a].rank, 0);
    if (attnc_status s = attnc_call_infer_shape(call, a, shapes[a].data())) {
      attnc_call_release(call);
      return s;
    }
    size_t n = 1;
    for (int64_t d : shapes[a])
      n *= static_cast<size_t>(d);
    arrays[a].shape = shapes[a];
    // Poisoned: an element the kernel does not write fails the comparison.
    arrays[a].data.assign(n * attnc_dtype_size(entry.args[a].dtype), 0xff);
    attnc_tensor t{entry.args[a].dtype, entry.args[a].rank,
                   arrays[a].shape.data(), arrays[a].data.data()};
    if (attnc_status s = attnc_call_set_arg(call, a, &t)) {
      attnc_call_release(call);
      return s;
    }
  }
  // Twice: the second execute must start again from the host tensors.
  attnc_status s = attnc_call_execute(call);
  if (s == ATTNC_OK)
    s = attnc_call_execute(call);
  attnc_call_release(call);
  return s;
}

class GpuNumerics
    : public ::testing::TestWithParam<
          std::tuple<const char *, const char *, Shapes>> {};

TEST_P(GpuNumerics, EveryEntryMatchesTheCpuModule) {
  auto [api, name, shapes] = GetParam();
  if (std::string why = deviceAbsence(api); !why.empty())
    GTEST_SKIP() << "device numerics skipped: " << why;
  attnc::Module gpu = load(gpuModule(api, name));
  attnc::Module cpu = load(cpuModule(name));
  for (const attnc_entry_desc *entry : gpu.entries()) {
    SCOPED_TRACE(entry->name);
    std::map<std::string, int64_t> dims;
    bool fused = false; // attn.attention: logits [B, H, Sq, Sk] of q and k
    for (int32_t a = 0; a < entry->num_args; ++a)
      fused |= std::string(entry->args[a].name) == "q";
    for (int32_t a = 0; a < entry->num_args; ++a) {
      const attnc_arg_desc &arg = entry->args[a];
      // Masks and biases of fused attention broadcast against its logits:
      // their unnamed dims take the logit extent they align with.
      const std::string argName = arg.name;
      const bool logitShaped =
          fused && (argName == "mask" || argName == "bias");
      const char *logitDims[] = {"B", "H", "Sq", "Sk"};
      for (int32_t d = 0; d < arg.rank; ++d) {
        if (!arg.dim_names || !arg.dim_names[d])
          continue;
        std::string dimName = arg.dim_names[d];
        int32_t aligned = 4 - arg.rank + d;
        if (logitShaped && dimName[0] == 'd' && aligned >= 0)
          dims.emplace(dimName, extentFor(logitDims[aligned], shapes));
        else
          dims.emplace(dimName, extentFor(dimName, shapes));
      }
    }
    std::vector<attnc::npy::Array> inputs(entry->num_args);
    std::string error;
    ASSERT_TRUE(attnc::run::fillRandomInputs(*entry, 7, dims, inputs, error))
        << error;
    std::vector<attnc::npy::Array> onGpu = inputs, onCpu = inputs;
    std::vector<std::vector<int64_t>> shapes(entry->num_args);
    ASSERT_EQ(runEntry(gpu.get(), *entry, onGpu, shapes), ATTNC_OK)
        << attnc_last_error();
    ASSERT_EQ(runEntry(cpu.get(), *entry, onCpu, shapes), ATTNC_OK)
        << attnc_last_error();
    for (int32_t a = 0; a < entry->num_args; ++a) {
      if (entry->args[a].kind != ATTNC_ARG_OUTPUT ||
          entry->args[a].dtype != ATTNC_DTYPE_F32)
        continue;
      const float *g = reinterpret_cast<const float *>(onGpu[a].data.data());
      const float *c = reinterpret_cast<const float *>(onCpu[a].data.data());
      size_t n = onGpu[a].data.size() / sizeof(float);
      size_t bad = mismatches(g, c, n, entry->args[a].name);
      EXPECT_EQ(bad, 0u) << entry->args[a].name << ": " << bad << " of " << n
                         << " elements differ";
    }
  }
}

// Inputs kept on the device are copied once per attnc_call_set_arg: a
// change made to the host tensor in place is not seen until the input is
// set again, whereas inputs not kept are copied at every execute.
class GpuResidentInputs : public ::testing::TestWithParam<const char *> {};

TEST_P(GpuResidentInputs, KeptInputsAreCopiedOncePerSet) {
  const std::string api = GetParam();
  if (std::string why = deviceAbsence(api); !why.empty())
    GTEST_SKIP() << "device numerics skipped: " << why;
  attnc::Module gpu = load(gpuModule(api, "dense"));
  const std::vector<int64_t> shape = {1, 2, 37, 64};
  const size_t n = 1 * 2 * 37 * 64;
  std::vector<float> q(n), k(n), v(n), out(n);
  uint32_t state = 12345;
  for (std::vector<float> *t : {&q, &k, &v})
    for (float &x : *t) {
      state = state * 1664525u + 1013904223u;
      x = static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
    }
  auto call = attnc::Call::create(gpu, "dense");
  ASSERT_TRUE(call) << call.status().message();
  for (auto [name, data] : {std::pair{"q", &q}, {"k", &k}, {"v", &v}})
    ASSERT_TRUE(call->setArg(name, shape, data->data()));
  ASSERT_TRUE(call->setArg("out", shape, out.data()));
  for (int32_t a : {0, 1, 2})
    ASSERT_TRUE(call->keepOnDevice(a)) << attnc_last_error();
  attnc::Status onOutput = call->keepOnDevice(3);
  EXPECT_EQ(onOutput.code(), ATTNC_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(onOutput.message().find("only inputs"), std::string::npos)
      << onOutput.message();

  auto run = [&] {
    std::fill(out.begin(), out.end(), std::nanf(""));
    EXPECT_TRUE(call->execute()) << attnc_last_error();
    return out;
  };
  std::vector<float> first = run();
  std::vector<float> v0 = v;
  for (float &x : v)
    x = -x; // in place: the kept device copy still holds the old values
  EXPECT_EQ(run(), first);
  ASSERT_TRUE(call->setArg("v", shape, v.data()));
  std::vector<float> negated = run();
  for (size_t i = 0; i < n; ++i)
    ASSERT_NEAR(negated[i], -first[i], 1e-5f) << i;
  // Back to the default: every execute copies v again.
  ASSERT_TRUE(call->keepOnDevice(2, false));
  v = v0;
  std::vector<float> again = run();
  for (size_t i = 0; i < n; ++i)
    ASSERT_NEAR(again[i], first[i], 1e-5f) << i;
}

// Skewed degrees, the case the GPU's edge-parallel stages are for: a hub
// that every other node points to and that points to all of them, nodes
// with one edge, and isolated nodes (whose output is 0, not NaN), for the
// dot-score and GAT forms against the CPU module.
class GpuSkewedGraph : public ::testing::TestWithParam<const char *> {};

TEST_P(GpuSkewedGraph, HubsAndIsolatedNodesMatchTheCpuModule) {
  const std::string api = GetParam();
  if (std::string why = deviceAbsence(api); !why.empty())
    GTEST_SKIP() << "device numerics skipped: " << why;
  const int32_t n = 1000, isolated = 7; // the last 7 nodes have no edges
  std::vector<int32_t> rows = {0}, cols;
  for (int32_t node = 0; node < n; ++node) {
    if (node == 0)
      for (int32_t j = 1; j < n - isolated; ++j)
        cols.push_back(j);
    else if (node < n - isolated)
      cols.push_back(0);
    rows.push_back(static_cast<int32_t>(cols.size()));
  }
  uint32_t state = 7;
  auto random = [&](size_t count) {
    std::vector<float> out(count);
    for (float &x : out) {
      state = state * 1664525u + 1013904223u;
      x = static_cast<float>(state >> 8) / 8388608.0f - 1.0f;
    }
    return out;
  };
  const std::vector<int64_t> nodes = {n, 4, 16}, heads = {4, 16};
  std::vector<float> q = random(n * 64), k = random(n * 64), v = random(n * 64),
                     aSrc = random(64), aDst = random(64);
  const std::vector<int64_t> rowShape = {n + 1},
                             colShape = {static_cast<int64_t>(cols.size())};
  for (const char *entry : {"graph_dot_i32", "gat_i32"}) {
    SCOPED_TRACE(entry);
    std::vector<std::vector<float>> outs;
    for (const std::string &path :
         {gpuModule(api, "graph"), cpuModule("graph")}) {
      attnc::Module module = load(path);
      auto call = attnc::Call::create(module, entry);
      ASSERT_TRUE(call) << call.status().message();
      std::vector<float> out(n * 64, std::nanf(""));
      ASSERT_TRUE(call->setArg("q", nodes, q.data()));
      ASSERT_TRUE(call->setArg("k", nodes, k.data()));
      ASSERT_TRUE(call->setArg("v", nodes, v.data()));
      ASSERT_TRUE(call->setArg("rows", rowShape, rows.data()));
      ASSERT_TRUE(call->setArg("cols", colShape, cols.data()));
      if (std::string(entry) == "gat_i32") {
        ASSERT_TRUE(call->setArg("a_src", heads, aSrc.data()));
        ASSERT_TRUE(call->setArg("a_dst", heads, aDst.data()));
      }
      ASSERT_TRUE(call->setArg("out", nodes, out.data()));
      ASSERT_TRUE(call->execute()) << attnc_last_error();
      outs.push_back(out);
    }
    const std::vector<float> &gpu = outs[0], &cpu = outs[1];
    EXPECT_EQ(mismatches(gpu.data(), cpu.data(), gpu.size(), "out"), 0u);
    for (size_t i = (n - isolated) * 64; i < gpu.size(); ++i)
      ASSERT_EQ(gpu[i], 0.0f) << "isolated node output " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Apis, GpuSkewedGraph, ::testing::ValuesIn(kApis),
                         [](const auto &info) {
                           return std::string(info.param);
                         });

INSTANTIATE_TEST_SUITE_P(Apis, GpuResidentInputs, ::testing::ValuesIn(kApis),
                         [](const auto &info) {
                           return std::string(info.param);
                         });

INSTANTIATE_TEST_SUITE_P(
    Inputs, GpuNumerics,
    ::testing::Combine(::testing::ValuesIn(kApis), ::testing::ValuesIn(kInputs),
                       ::testing::ValuesIn(kShapes)),
    [](const auto &info) {
      return std::string(std::get<0>(info.param)) + "_" +
             std::get<1>(info.param) + "_" + std::get<2>(info.param).name;
    });

} // namespace
