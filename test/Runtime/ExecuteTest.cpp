// Executing real kernels: results against plain double-precision loops on
// random inputs of awkward sizes, outputs poisoned with NaN first so an
// unwritten element fails; kernel errors as statuses; the buffer layout;
// concurrent calls.
#include <HalideRuntime.h>

#include <cmath>
#include <limits>
#include <random>
#include <thread>
#include <vector>

#include "test/Runtime/TestSupport.h"

using namespace attnc;
using namespace attnc::test;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::vector<float> randomFloats(size_t n, std::mt19937 &rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

void expectNear(const std::vector<float> &got, const std::vector<double> &want,
                double tolerance) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tolerance) << "element " << i;
}

class RuntimeSizes : public ::testing::TestWithParam<int64_t> {
protected:
  Module module = loadOrDie(kBasic);
  std::mt19937 rng{static_cast<unsigned>(GetParam()) * 7919u + 1u};
};

TEST_P(RuntimeSizes, Add) {
  const int64_t s = GetParam(), e = 5;
  auto call = Call::create(module, "add");
  ASSERT_TRUE(call) << call.status().message();
  auto a = randomFloats(s * e, rng), b = randomFloats(s * e, rng);
  std::vector<float> out(s * e, kNaN);
  ASSERT_TRUE(call->setArg("a", {s, e}, a.data()).ok());
  ASSERT_TRUE(call->setArg("b", {s, e}, b.data()).ok());
  ASSERT_TRUE(call->setArg("out", {s, e}, out.data()).ok());
  ASSERT_TRUE(call->execute().ok()) << attnc_last_error();
  std::vector<double> want(s * e);
  for (int64_t i = 0; i < s * e; ++i)
    want[i] = double(a[i]) + double(b[i]);
  expectNear(out, want, 1e-6);
}

TEST_P(RuntimeSizes, CsrSum) {
  const int64_t n = GetParam(), f = 3;
  std::uniform_int_distribution<int32_t> degree(0, 6), node(0, int32_t(n - 1));
  std::vector<int32_t> rows{0}, cols;
  for (int64_t i = 0; i < n; ++i) {
    int32_t d = degree(rng);
    for (int32_t k = 0; k < d; ++k)
      cols.push_back(node(rng));
    rows.push_back(int32_t(cols.size()));
  }
  auto feat = randomFloats(n * f, rng);
  std::vector<float> out(n * f, kNaN);
  auto call = Call::create(module, "csr_sum");
  ASSERT_TRUE(call) << call.status().message();
  ASSERT_TRUE(call->setArg("row_offsets", {n + 1}, rows.data()).ok());
  ASSERT_TRUE(call->setArg("col_indices", {int64_t(cols.size())}, cols.data())
                  .ok());
  ASSERT_TRUE(call->setArg("feat", {n, f}, feat.data()).ok());
  ASSERT_TRUE(call->setArg("out", {n, f}, out.data()).ok());
  ASSERT_TRUE(call->execute().ok()) << attnc_last_error();
  std::vector<double> want(n * f, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int32_t j = rows[i]; j < rows[i + 1]; ++j)
      for (int64_t c = 0; c < f; ++c)
        want[i * f + c] += feat[cols[j] * f + c];
  expectNear(out, want, 1e-5);
}

TEST_P(RuntimeSizes, MaskedSum) {
  const int64_t b = GetParam(), sk = 9;
  auto keys = randomFloats(b * sk, rng);
  std::uniform_int_distribution<int32_t> len(0, int32_t(sk));
  std::vector<int32_t> lengths(b);
  for (int32_t &l : lengths)
    l = len(rng);
  std::vector<float> out(b, kNaN);
  auto call = Call::create(module, "masked_sum");
  ASSERT_TRUE(call) << call.status().message();
  ASSERT_TRUE(call->setArg("keys", {b, sk}, keys.data()).ok());
  ASSERT_TRUE(call->setArg("lengths", {b}, lengths.data()).ok());
  ASSERT_TRUE(call->setArg("out", {b}, out.data()).ok());
  ASSERT_TRUE(call->execute().ok()) << attnc_last_error();
  std::vector<double> want(b, 0.0);
  for (int64_t i = 0; i < b; ++i)
    for (int32_t k = 0; k < lengths[i]; ++k)
      want[i] += keys[i * sk + k];
  expectNear(out, want, 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Random, RuntimeSizes, ::testing::Values(1, 7, 129, 1000));

TEST(RuntimeExecute, PreparedOnceRunsManyTimesWithNewData) {
  Module module = loadOrDie(kBasic);
  auto call = Call::create(module, "add");
  ASSERT_TRUE(call);
  std::vector<float> a(2 * 5), b(2 * 5, 1.0f), out(2 * 5);
  ASSERT_TRUE(call->setArg("a", {2, 5}, a.data()).ok());
  ASSERT_TRUE(call->setArg("b", {2, 5}, b.data()).ok());
  ASSERT_TRUE(call->setArg("out", {2, 5}, out.data()).ok());
  for (int round = 0; round < 3; ++round) {
    a.assign(a.size(), float(round));
    out.assign(out.size(), kNaN);
    ASSERT_TRUE(call->execute().ok()) << attnc_last_error();
    for (float v : out)
      ASSERT_EQ(v, float(round) + 1.0f);
  }
  // Rebinding to another size reuses the call.
  std::vector<float> a3(3 * 5, 2.0f), b3(3 * 5, 2.0f), out3(3 * 5, kNaN);
  ASSERT_TRUE(call->setArg("a", {3, 5}, a3.data()).ok());
  ASSERT_TRUE(call->setArg("b", {3, 5}, b3.data()).ok());
  ASSERT_TRUE(call->setArg("out", {3, 5}, out3.data()).ok());
  ASSERT_TRUE(call->execute().ok()) << attnc_last_error();
  for (float v : out3)
    ASSERT_EQ(v, 4.0f);
}

TEST(RuntimeExecute, EmptyTensorsWithNullDataRun) {
  // NULL host memory would make Halide treat the call as a bounds query.
  Module module = loadOrDie(kBasic);
  auto call = Call::create(module, "add");
  ASSERT_TRUE(call);
  float *none = nullptr;
  ASSERT_TRUE(call->setArg("a", {0, 5}, none).ok());
  ASSERT_TRUE(call->setArg("b", {0, 5}, none).ok());
  ASSERT_TRUE(call->setArg("out", {0, 5}, none).ok());
  ASSERT_TRUE(call->execute().ok()) << attnc_last_error();
  const halide_buffer_t *out = attnc_call_buffer(call->get(), 2);
  EXPECT_EQ(out->dim[1].extent, 0);
  EXPECT_EQ(out->dim[0].extent, 5);

  // Unvalidated, empty inputs for a non-empty output must reach Halide's
  // bounds check; as a bounds query the call would "succeed" and compute
  // nothing.
  ModuleOptions options;
  options.flags = ATTNC_MODULE_SKIP_VALIDATION;
  Module unchecked = loadOrDie(kBasic, options);
  auto call2 = Call::create(unchecked, "add");
  ASSERT_TRUE(call2);
  std::vector<float> out3(3 * 5, kNaN);
  ASSERT_TRUE(call2->setArg("a", {0, 5}, none).ok());
  ASSERT_TRUE(call2->setArg("b", {0, 5}, none).ok());
  ASSERT_TRUE(call2->setArg("out", {3, 5}, out3.data()).ok());
  EXPECT_TRUE(failsWith(call2->execute(), ATTNC_ERROR_KERNEL,
                        {"Input buffer a"}));
}

TEST(RuntimeExecute, UnsetArgumentRefusedEvenWithoutValidation) {
  ModuleOptions options;
  options.flags = ATTNC_MODULE_SKIP_VALIDATION;
  Module module = loadOrDie(kBasic, options);
  auto call = Call::create(module, "add");
  ASSERT_TRUE(call);
  std::vector<float> a(5), out(5, kNaN);
  ASSERT_TRUE(call->setArg("a", {1, 5}, a.data()).ok());
  ASSERT_TRUE(call->setArg("out", {1, 5}, out.data()).ok());
  EXPECT_TRUE(failsWith(call->execute(), ATTNC_ERROR_VALIDATION,
                        {"input 'b'", "not set"}));
}

TEST(RuntimeExecute, BuffersAreHalideOrderedAndDense) {
  Module module = loadOrDie(kBasic);
  auto call = Call::create(module, "add");
  ASSERT_TRUE(call);
  std::vector<float> a(7 * 5);
  ASSERT_TRUE(call->setArg("a", {7, 5}, a.data()).ok());
  const halide_buffer_t *buf = attnc_call_buffer(call->get(), 0);
  ASSERT_NE(buf, nullptr);
  EXPECT_EQ(buf->host, reinterpret_cast<uint8_t *>(a.data()));
  EXPECT_EQ(buf->type.code, halide_type_float);
  EXPECT_EQ(buf->type.bits, 32);
  ASSERT_EQ(buf->dimensions, 2);
  EXPECT_EQ(buf->dim[0].extent, 5); // innermost first
  EXPECT_EQ(buf->dim[0].stride, 1);
  EXPECT_EQ(buf->dim[1].extent, 7);
  EXPECT_EQ(buf->dim[1].stride, 5);
  EXPECT_EQ(buf->dim[1].min, 0);
  EXPECT_EQ(attnc_call_buffer(call->get(), 1), nullptr); // not set yet
}

TEST(RuntimeKernelError, HalideErrorBecomesAStatus) {
  Module module = loadOrDie(kBasic);
  auto call = Call::create(module, "checked_sqrt");
  ASSERT_TRUE(call);
  std::vector<float> a{4.0f, 9.0f, -1.0f}, out(3, kNaN);
  ASSERT_TRUE(call->setArg("a", {3}, a.data()).ok());
  ASSERT_TRUE(call->setArg("out", {3}, out.data()).ok());
  EXPECT_TRUE(failsWith(call->execute(), ATTNC_ERROR_KERNEL,
                        {"entry 'checked_sqrt'", "kernel failed",
                         "checked_sqrt: negative input"}));
  // The same call works once the input is fixed.
  a[2] = 16.0f;
  ASSERT_TRUE(call->execute().ok()) << attnc_last_error();
  EXPECT_EQ(out, (std::vector<float>{2.0f, 3.0f, 4.0f}));
}

TEST(RuntimeKernelError, BoundsErrorWithValidationBypassed) {
  ModuleOptions options;
  options.flags = ATTNC_MODULE_SKIP_VALIDATION;
  Module module = loadOrDie(kBasic, options);
  auto call = Call::create(module, "add");
  ASSERT_TRUE(call);
  // The output asks for 4 rows from inputs that have 3.
  std::vector<float> a(3 * 5), b(3 * 5), out(4 * 5);
  ASSERT_TRUE(call->setArg("a", {3, 5}, a.data()).ok());
  ASSERT_TRUE(call->setArg("b", {3, 5}, b.data()).ok());
  ASSERT_TRUE(call->setArg("out", {4, 5}, out.data()).ok());
  EXPECT_TRUE(failsWith(call->execute(), ATTNC_ERROR_KERNEL,
                        {"entry 'add'", "Input buffer a"}));
}

TEST(RuntimeThreading, CallsOfOneModuleRunConcurrently) {
  Module module = loadOrDie(kBasic);
  constexpr int kThreads = 4, kRounds = 50;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto call = Call::create(module, t % 2 ? "add" : "checked_sqrt");
      if (!call) {
        ++failures[t];
        return;
      }
      const int64_t s = 64 + t;
      std::vector<float> a(s * 5, float(t)), b(s * 5, 1.0f),
          out(s * 5, kNaN);
      for (int r = 0; r < kRounds; ++r) {
        if (t % 2) {
          call->setArg("a", {s, 5}, a.data());
          call->setArg("b", {s, 5}, b.data());
          call->setArg("out", {s, 5}, out.data());
          failures[t] += !call->execute().ok() || out.back() != t + 1.0f;
        } else {
          // Half of these fail inside the kernel; each thread must see
          // its own outcome.
          a[0] = r % 2 ? -1.0f : 4.0f;
          call->setArg("a", {s * 5}, a.data());
          call->setArg("out", {s * 5}, out.data());
          Status st = call->execute();
          bool expectError = r % 2;
          failures[t] += st.ok() == expectError ||
                         (expectError &&
                          st.message().find("negative input") ==
                              std::string::npos) ||
                         (!expectError && out[0] != 2.0f);
        }
      }
    });
  }
  for (std::thread &t : threads)
    t.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(failures[t], 0) << "thread " << t;
}

} // namespace
