// Shared machinery of NumericsTests: seeded random tensors, running a module
// entry through the runtime's C++ API with poisoned outputs, and the
// normwise comparison against the float64 reference (test/Reference).
#ifndef ATTNC_TEST_NUMERICS_NUMERICSSUPPORT_H
#define ATTNC_TEST_NUMERICS_NUMERICSSUPPORT_H

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runtime/attnc.hpp"
#include "test/Reference/reference.h"

namespace attnc::numerics {

// Paths of the modules built from test/Numerics/Inputs, set by CMake.
inline const char *kDenseModule = ATTNC_NUMERICS_DENSE;
inline const char *kGraphModule = ATTNC_NUMERICS_GRAPH;
inline const char *kProjectionsModule = ATTNC_NUMERICS_PROJECTIONS;
inline const char *kDecomposedModule = ATTNC_NUMERICS_DECOMPOSED;
inline const char *kLayersModule = ATTNC_NUMERICS_LAYERS;
inline const char *kGradsModule = ATTNC_NUMERICS_GRADS;
inline const char *kSparseModule = ATTNC_NUMERICS_SPARSE;

// fp32 kernels against the float64 reference. The error is normwise:
// max |out - ref| / max |ref|. Elementwise relative error is meaningless
// here, because outputs are sums of signed terms and many lie near 0, where
// a correctly rounded fp32 result still has a huge relative error. fp32
// softmax + PV over a few thousand keys stays well below 1e-5 normwise;
// a wrong mask, scale or index gives errors of order 1.
constexpr double kTolerance = 1e-5;

using Shape = std::vector<int64_t>;

inline int64_t numel(const Shape &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

inline std::string str(const Shape &s) {
  std::string out = "[";
  for (size_t k = 0; k < s.size(); ++k)
    out += (k ? ", " : "") + std::to_string(s[k]);
  return out + "]";
}

// A host tensor in the element type the kernel takes.
template <typename T> struct Host {
  Shape shape;
  std::vector<T> data;

  Host() = default;
  explicit Host(Shape s, T fill = T())
      : shape(std::move(s)), data(static_cast<size_t>(numel(shape)), fill) {}

  // The same values, exactly, as float64 for the reference.
  ref::Tensor toRef() const {
    ref::Tensor t(shape);
    for (size_t k = 0; k < data.size(); ++k)
      t.data[k] = static_cast<double>(data[k]);
    return t;
  }
};

using F32 = Host<float>;
using Bool = Host<uint8_t>; // one byte per element, as the runtime's bool

// The seeded generator of one test. The seed is printed by SCOPED_TRACE at
// each use so that a failure can be replayed.
class Rng {
public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  // Uniform in [-amplitude, amplitude).
  F32 uniform(Shape shape, float amplitude = 1.0f) {
    F32 t(std::move(shape));
    std::uniform_real_distribution<float> u(-amplitude, amplitude);
    for (float &x : t.data)
      x = u(gen_);
    return t;
  }
  // Each element true with probability p.
  Bool bernoulli(Shape shape, double p) {
    Bool t(std::move(shape));
    std::bernoulli_distribution u(p);
    for (uint8_t &x : t.data)
      x = u(gen_) ? 1 : 0;
    return t;
  }
  int64_t uniformInt(int64_t lo, int64_t hi) { // inclusive
    return std::uniform_int_distribution<int64_t>(lo, hi)(gen_);
  }
  double uniformReal() { return std::uniform_real_distribution<>(0, 1)(gen_); }

private:
  std::mt19937_64 gen_;
};

// Loads each module once per process; ASSERTs that it loads.
inline const Module &moduleAt(const char *path) {
  static std::map<std::string, std::unique_ptr<Module>> cache;
  auto it = cache.find(path);
  if (it == cache.end()) {
    auto m = Module::load(path);
    if (!m) {
      ADD_FAILURE() << "cannot load " << path << ": " << m.status().message();
      std::abort();
    }
    it = cache.emplace(path, std::make_unique<Module>(std::move(m).value()))
             .first;
  }
  return *it->second;
}

// One prepared call of an entry, re-bound and re-run at many sizes: the
// point of dynamic extents is that a new size, mask or graph needs no
// recompilation, so the tests reuse a single Call for all of them.
class Runner {
public:
  Runner(const char *module, const std::string &entry)
      : call_(Call::create(moduleAt(module), entry)) {
    if (!call_)
      ADD_FAILURE() << entry << ": " << call_.status().message();
  }
  bool ok() const { return call_.ok(); }

  template <typename T> void in(const std::string &name, const Host<T> &t) {
    ASSERT_TRUE(setArg(name, t));
  }
  void in(const std::string &name, const Bool &t) {
    Status s = call_->setArg(name, ATTNC_DTYPE_BOOL, t.shape,
                             const_cast<uint8_t *>(t.data.data()));
    ASSERT_TRUE(s.ok()) << name << ": " << s.message();
  }

  // Runs the entry into a fresh output of `shape` filled with NaN, so an
  // element the kernel fails to write shows up as NaN.
  F32 run(const std::string &outName, const Shape &shape) {
    F32 out(shape, std::numeric_limits<float>::quiet_NaN());
    if (!setArg(outName, out))
      return out;
    Status s = call_->execute();
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }

  // Runs an entry with several results, each into a fresh NaN-filled
  // output, returned in the order asked.
  std::vector<F32> runAll(const std::vector<std::pair<std::string, Shape>> &outs) {
    std::vector<F32> results;
    results.reserve(outs.size()); // the kernel writes through their pointers
    for (const auto &[name, shape] : outs) {
      results.emplace_back(shape, std::numeric_limits<float>::quiet_NaN());
      if (!setArg(name, results.back()))
        return results;
    }
    Status s = call_->execute();
    EXPECT_TRUE(s.ok()) << s.message();
    return results;
  }

private:
  template <typename T> bool setArg(const std::string &name, const Host<T> &t) {
    Status s = call_->setArg(name, t.shape, t.data.data());
    EXPECT_TRUE(s.ok()) << name << ": " << s.message();
    return s.ok();
  }
  Result<Call> call_;
};

// Compares a kernel output with the reference: same size, no NaN or Inf,
// exactly 0 wherever the reference row was empty (`empty` may be empty when
// no element must be 0), normwise error within kTolerance.
inline ::testing::AssertionResult matches(const F32 &out,
                                          const ref::Tensor &expected,
                                          const std::vector<bool> &empty = {}) {
  if (out.shape != expected.shape)
    return ::testing::AssertionFailure()
           << "shape " << str(out.shape) << " != " << str(expected.shape);
  double maxRef = 0, maxErr = 0;
  size_t worst = 0;
  for (size_t k = 0; k < out.data.size(); ++k) {
    double o = out.data[k], r = expected.data[k];
    if (!std::isfinite(o))
      return ::testing::AssertionFailure()
             << "element " << k << " is " << o << " (reference " << r << ")";
    if (!empty.empty() && empty[k] && o != 0.0)
      return ::testing::AssertionFailure()
             << "element " << k << " is " << o
             << " but its row has no allowed key: it must be exactly 0";
    maxRef = std::max(maxRef, std::abs(r));
    if (std::abs(o - r) > maxErr) {
      maxErr = std::abs(o - r);
      worst = k;
    }
  }
  double err = maxErr / std::max(maxRef, 1e-30);
  if (err > kTolerance)
    return ::testing::AssertionFailure()
           << "normwise error " << err << " > " << kTolerance
           << " (worst element " << worst << ": " << out.data[worst]
           << " vs " << expected.data[worst] << ", max |ref| " << maxRef
           << ")";
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult matches(const F32 &out,
                                          const ref::Output &expected) {
  return matches(out, expected.value, expected.empty);
}

inline int64_t countTrue(const std::vector<bool> &v) {
  int64_t n = 0;
  for (bool b : v)
    n += b;
  return n;
}

//===--- Gradients ------------------------------------------------------===//

// Finite differences use eps = 1e-6 in double: truncation error ~eps^2 and
// rounding error ~1e-16 |f| / eps, both far below an fp32 kernel's own
// error, so gradients are compared normwise at the tolerance of fp32 sums.
constexpr double kGradTolerance = 1e-4;
constexpr double kEps = 1e-6;

using ScalarFn = std::function<double(const ref::Tensor &)>;

inline double inner(const ref::Tensor &a, const ref::Tensor &b) {
  EXPECT_EQ(a.shape, b.shape);
  double s = 0;
  for (size_t k = 0; k < a.data.size(); ++k)
    s += a.data[k] * b.data[k];
  return s;
}

// The gradient of `f` at `x` by central differences.
inline ref::Tensor finiteDiff(const ref::Tensor &x, const ScalarFn &f) {
  ref::Tensor g(x.shape), xp = x;
  for (size_t k = 0; k < x.data.size(); ++k) {
    double v = xp.data[k];
    xp.data[k] = v + kEps;
    double up = f(xp);
    xp.data[k] = v - kEps;
    double down = f(xp);
    xp.data[k] = v;
    g.data[k] = (up - down) / (2 * kEps);
  }
  return g;
}

// Normwise: max |out - fd| / max |fd|; an exactly-zero gradient must come
// out (almost) zero.
inline ::testing::AssertionResult gradMatches(const F32 &out,
                                              const ref::Tensor &fd) {
  if (out.shape != fd.shape)
    return ::testing::AssertionFailure()
           << "shape " << str(out.shape) << " != " << str(fd.shape);
  double maxRef = 0, maxErr = 0;
  size_t worst = 0;
  for (size_t k = 0; k < out.data.size(); ++k) {
    if (!std::isfinite(out.data[k]))
      return ::testing::AssertionFailure()
             << "element " << k << " is " << out.data[k];
    maxRef = std::max(maxRef, std::abs(fd.data[k]));
    double err = std::abs(out.data[k] - fd.data[k]);
    if (err > maxErr)
      maxErr = err, worst = k;
  }
  bool ok = maxRef < 1e-12 ? maxErr < 1e-6 : maxErr / maxRef <= kGradTolerance;
  if (ok)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "normwise error " << maxErr / std::max(maxRef, 1e-30) << " > "
         << kGradTolerance << " (worst element " << worst << ": "
         << out.data[worst] << " vs finite difference " << fd.data[worst]
         << ", max |fd| " << maxRef << ")";
}

// A deterministic seed per (test, size) so failures replay.
inline uint64_t seedFor(const std::string &what) {
  return std::hash<std::string>{}(what) ^ 0x5eed5eedULL;
}

} // namespace attnc::numerics

#endif // ATTNC_TEST_NUMERICS_NUMERICSSUPPORT_H
