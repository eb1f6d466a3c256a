// Loading modules: the files that are not modules, broken descriptors, the
// signature listing, and the CPU-feature check.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "test/Runtime/TestSupport.h"

using namespace attnc;
using namespace attnc::test;

namespace {

Status loadStatus(const std::string &path, const ModuleOptions &options = {}) {
  auto module = Module::load(path, options);
  return module ? Status() : module.status();
}

TEST(RuntimeModuleLoad, MissingFileIsNotFound) {
  EXPECT_TRUE(failsWith(loadStatus("/nonexistent/dir/model.so"),
                        ATTNC_ERROR_NOT_FOUND,
                        {"/nonexistent/dir/model.so", "No such file"}));
}

TEST(RuntimeModuleLoad, TextFileIsNotAModule) {
  std::string path = ::testing::TempDir() + "attnc_not_a_module.so";
  std::ofstream(path) << "this is not an ELF file\n";
  EXPECT_TRUE(failsWith(loadStatus(path), ATTNC_ERROR_INVALID_MODULE,
                        {path, "is not a module"}));
  std::remove(path.c_str());
}

// Truncated copies of a real module: the loader would map pages past the
// end of the file and fault (SIGBUS) inside dlopen. Each is refused in one
// line before that; the whole file still loads.
TEST(RuntimeModuleLoad, TruncatedModuleIsRefusedNotCrashed) {
  std::ifstream in(kBasic, std::ios::binary);
  std::string whole((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  ASSERT_GT(whole.size(), 4096u);
  std::string path = ::testing::TempDir() + "attnc_truncated.so";
  std::vector<size_t> lengths = {0, 3, 63, 64, 200};
  for (int k = 1; k < 34; ++k)
    lengths.push_back(whole.size() * k / 34);
  lengths.push_back(whole.size() - 1);
  for (size_t n : lengths) {
    SCOPED_TRACE("first " + std::to_string(n) + " of " +
                 std::to_string(whole.size()) + " bytes");
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(whole.data(), static_cast<std::streamsize>(n));
    EXPECT_TRUE(failsWith(loadStatus(path), ATTNC_ERROR_INVALID_MODULE,
                          {path, "is not a module"}));
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << whole;
  EXPECT_TRUE(loadStatus(path).ok()) << loadStatus(path).message();
  std::remove(path.c_str());
}

TEST(RuntimeModuleLoad, DirectoryIsNotAModule) {
  EXPECT_TRUE(failsWith(loadStatus(::testing::TempDir()),
                        ATTNC_ERROR_INVALID_MODULE, {"not a regular file"}));
}

TEST(RuntimeModuleLoad, LibraryWithoutDescriptorIsNotAModule) {
  EXPECT_TRUE(failsWith(loadStatus(kNoDescriptor), ATTNC_ERROR_INVALID_MODULE,
                        {kNoDescriptor, "attnc_module_descriptor"}));
}

// A module of ABI version 1 (before roles): one line naming both versions.
TEST(RuntimeModuleLoad, AbiVersion1IsRefused) {
  Status s = loadStatus(kBadAbi);
  EXPECT_EQ(s.code(), ATTNC_ERROR_ABI_MISMATCH);
  EXPECT_EQ(s.message(), std::string(kBadAbi) +
                             ": module ABI version 1, this runtime reads "
                             "version 3; recompile it with this attnc");
}

TEST(RuntimeModuleLoad, TransposedGraphMustLinkToAGraph) {
  EXPECT_TRUE(failsWith(loadStatus(kBadTransposed), ATTNC_ERROR_INVALID_MODULE,
                        {kBadTransposed, "'g.t_offsets'",
                         "a transposed graph needs related_arg naming a "
                         "graph's row offsets"}));
}

TEST(RuntimeModuleLoad, GradientMustLinkToAParameter) {
  EXPECT_TRUE(failsWith(loadStatus(kBadGradient), ATTNC_ERROR_INVALID_MODULE,
                        {kBadGradient, "'grad.x'",
                         "a gradient needs related_arg naming a parameter"}));
}

// Every argument is checked before any role reads the argument it links to.
TEST(RuntimeModuleLoad, LinkedArgumentIsCheckedFirst) {
  EXPECT_TRUE(failsWith(loadStatus(kBadLaterArg), ATTNC_ERROR_INVALID_MODULE,
                        {kBadLaterArg, "entry 'e': argument 1 has no name"}));
}

TEST(RuntimeModuleLoad, InconsistentDescriptor) {
  EXPECT_TRUE(failsWith(loadStatus(kBadCsrPair), ATTNC_ERROR_INVALID_MODULE,
                        {kBadCsrPair, "entry 'e'", "'row_offsets'",
                         "related_arg 7"}));
}

TEST(RuntimeModuleLoad, ChecksRelateInputsOnly) {
  Status s = loadStatus(kBadCheck);
  EXPECT_EQ(s.code(), ATTNC_ERROR_INVALID_MODULE);
  EXPECT_EQ(s.message(), "module '" + std::string(kBadCheck) +
                             "' has an invalid descriptor: entry 'e', check "
                             "0: bad argument 1 (checks relate inputs)");
}

TEST(RuntimeModuleLoad, UnknownDevice) {
  EXPECT_TRUE(failsWith(loadStatus(kBadDevice), ATTNC_ERROR_UNSUPPORTED,
                        {kBadDevice, "device 'tpu'"}));
}

TEST(RuntimeModuleLoad, ModuleMustLetTheRuntimeCatchKernelErrors) {
  EXPECT_TRUE(failsWith(loadStatus(kNoErrorHandler),
                        ATTNC_ERROR_INVALID_MODULE,
                        {kNoErrorHandler, "halide_set_error_handler"}));
}

TEST(RuntimeModuleLoad, NullArgumentsAreRefused) {
  attnc_module *module = nullptr;
  EXPECT_EQ(attnc_module_load(nullptr, nullptr, &module),
            ATTNC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(attnc_module_load(kBasic, nullptr, nullptr),
            ATTNC_ERROR_INVALID_ARGUMENT);
  attnc_module_options options{};
  options.struct_size = 1;
  EXPECT_EQ(attnc_module_load(kBasic, &options, &module),
            ATTNC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(module, nullptr);
}

TEST(RuntimeModuleLoad, ListsEntriesAndSignatures) {
  Module module = loadOrDie(kBasic);
  EXPECT_STREQ(module.descriptor().target, "x86-64-linux-sse41");
  auto entries = module.entries();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_STREQ(entries[0]->name, "add");
  EXPECT_STREQ(entries[0]->source_loc, "test.mlir:1:1");
  ASSERT_EQ(entries[0]->num_args, 3);
  const attnc_arg_desc &a = entries[0]->args[0];
  EXPECT_STREQ(a.name, "a");
  EXPECT_EQ(a.kind, ATTNC_ARG_INPUT);
  EXPECT_EQ(a.dtype, ATTNC_DTYPE_F32);
  ASSERT_EQ(a.rank, 2);
  EXPECT_EQ(a.dims[0], -1);
  EXPECT_EQ(a.dims[1], 5);
  EXPECT_STREQ(a.dim_names[0], "S");
  EXPECT_EQ(a.dim_names[1], nullptr);
  EXPECT_EQ(entries[0]->args[2].kind, ATTNC_ARG_OUTPUT);

  auto csr = module.findEntry("csr_sum");
  ASSERT_TRUE(csr) << csr.status().message();
  EXPECT_EQ(csr.value()->args[0].role, ATTNC_ROLE_CSR_ROW_OFFSETS);
  EXPECT_EQ(csr.value()->args[0].dtype, ATTNC_DTYPE_I32);
  EXPECT_EQ(attnc_module_entry(module.get(), 4), nullptr);
  EXPECT_EQ(attnc_module_entry(module.get(), -1), nullptr);
}

TEST(RuntimeModuleLoad, UnknownEntryListsTheKnownOnes) {
  Module module = loadOrDie(kBasic);
  auto missing = module.findEntry("sdpa");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(failsWith(missing.status(), ATTNC_ERROR_NOT_FOUND,
                        {kBasic, "'sdpa'", "add, csr_sum"}));
  auto call = Call::create(module, "sdpa");
  EXPECT_FALSE(call);
}

TEST(RuntimeModuleLoad, SameModuleTwiceIsIndependent) {
  Module first = loadOrDie(kBasic);
  {
    Module second = loadOrDie(kBasic);
    EXPECT_EQ(first.descriptor().entries, second.descriptor().entries);
  }
  // Releasing the second must not unload what the first still uses.
  EXPECT_STREQ(first.entries()[0]->name, "add");
}

TEST(RuntimeCpuFeatures, MissingFeatureRefusesCallsAndListsIt) {
  // Loading works (the signature can be listed); calling does not.
  Module module = loadOrDie(kNeedsVp2intersect);
  if (__builtin_cpu_supports("avx512vp2intersect"))
    GTEST_SKIP() << "this CPU has avx512vp2intersect";
  EXPECT_TRUE(failsWith(module.checkCpu(), ATTNC_ERROR_UNSUPPORTED,
                        {kNeedsVp2intersect, "avx512vp2intersect"}));
  auto call = Call::create(module, "add");
  ASSERT_FALSE(call);
  EXPECT_TRUE(failsWith(call.status(), ATTNC_ERROR_UNSUPPORTED,
                        {"lacks: avx512vp2intersect"}));
  // sse41 is present on every x86-64 CPU this runs on, so it is not listed.
  EXPECT_EQ(call.status().message().find("sse4.1"), std::string::npos);
}

TEST(RuntimeCpuFeatures, CheckAtLoadRefusesTheModule) {
  ModuleOptions options;
  options.flags = ATTNC_MODULE_CHECK_CPU_AT_LOAD;
  options.cpuFeaturesOverride = "sse41";
  EXPECT_TRUE(failsWith(loadStatus(kNeedsVp2intersect, options),
                        ATTNC_ERROR_UNSUPPORTED,
                        {"(overridden) CPU", "avx512vp2intersect"}));
}

TEST(RuntimeCpuFeatures, HalideFeatureNamesExpandToEveryNeededFeature) {
  ModuleOptions options;
  options.cpuFeaturesOverride = "sse41,avx,avx2,fma";
  Module module = loadOrDie(kAvx512, options);
  EXPECT_TRUE(failsWith(module.checkCpu(), ATTNC_ERROR_UNSUPPORTED,
                        {"lacks: f16c, avx512f, avx512cd",
                         "x86-64-linux-sse41-avx-avx2-fma-f16c-avx512"}));

  options.cpuFeaturesOverride = "sse41,avx,avx2,fma,f16c,avx512_skylake";
  EXPECT_TRUE(loadOrDie(kAvx512, options).checkCpu().ok());
}

TEST(RuntimeCpuFeatures, UnknownFeatureNameIsRefused) {
  ModuleOptions options;
  options.cpuFeaturesOverride = "sse41,warp_drive";
  Module module = loadOrDie(kBasic, options);
  EXPECT_TRUE(failsWith(module.checkCpu(), ATTNC_ERROR_UNSUPPORTED,
                        {"unknown CPU feature 'warp_drive'"}));
}

TEST(RuntimeCpuFeatures, Avx512ModuleRunsWhereSupported) {
  if (!__builtin_cpu_supports("avx512f") ||
      !__builtin_cpu_supports("avx512cd") || !__builtin_cpu_supports("f16c"))
    GTEST_SKIP() << "this CPU lacks AVX-512";
  Module module = loadOrDie(kAvx512);
  ASSERT_TRUE(module.checkCpu().ok()) << module.checkCpu().message();
  auto call = Call::create(module, "add");
  ASSERT_TRUE(call) << call.status().message();
  std::vector<float> a(3 * 5), b(3 * 5), out(3 * 5, -1.0f);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<float>(i);
    b[i] = 0.5f;
  }
  ASSERT_TRUE(call->setArg("a", {3, 5}, a.data()).ok());
  ASSERT_TRUE(call->setArg("b", {3, 5}, b.data()).ok());
  ASSERT_TRUE(call->setArg("out", {3, 5}, out.data()).ok());
  ASSERT_TRUE(call->execute().ok()) << attnc_last_error();
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(out[i], static_cast<float>(i) + 0.5f);
}

TEST(RuntimeStatus, NamesAndLastError) {
  EXPECT_STREQ(attnc_status_name(ATTNC_ERROR_VALIDATION), "validation");
  attnc_module *module = nullptr;
  EXPECT_EQ(attnc_module_load("/nonexistent.so", nullptr, &module),
            ATTNC_ERROR_NOT_FOUND);
  EXPECT_NE(std::string(attnc_last_error()).find("/nonexistent.so"),
            std::string::npos);
  attnc_clear_error();
  EXPECT_STREQ(attnc_last_error(), "");
}

} // namespace
