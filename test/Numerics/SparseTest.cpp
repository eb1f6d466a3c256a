// Numerics of sparse first layers (Inputs/sparse.mlir): attn.sparse_linear
// against the float64 reference of the densified matrix (ref::dropout, then
// ref::linear), its dropout masks against attn.dropout's on the dense matrix
// bit for bit, attn.sparse_linear_grad_weight against central finite
// differences of <forward(W), dy> and against dy^T dropout(x), and the
// runtime's checks of the CSR operands.
//
// The matrices have empty rows (the first and last among them), duplicate
// columns within a row (they add up and share one mask element), a row
// with 2 * In stored entries, and an all-empty case (nnz = 0).
#include "test/Numerics/NumericsSupport.h"

#include <algorithm>
#include <numeric>

namespace attnc::numerics {
namespace {

constexpr int64_t kSeed = 0x0123456789abcdefLL; // both halves nonzero
const std::vector<int64_t> kRows = {1, 7, 129, 1000};
const std::vector<int64_t> kGradRows = {1, 7, 129};

// The dropout of an entry, as in its op in Inputs/sparse.mlir.
struct Dropout {
  double rate = 0;
  int64_t salt = 0;
  bool on() const { return rate > 0; }
};

// x [N, In] in CSR.
struct Sparse {
  int64_t N = 0, In = 0;
  std::vector<int64_t> rows, cols;
  F32 vals;
};

Sparse randomSparse(Rng &rng, int64_t N, int64_t In, bool empty) {
  Sparse s;
  s.N = N;
  s.In = In;
  s.rows.push_back(0);
  for (int64_t n = 0; n < N; ++n) {
    int64_t degree =
        empty || (N > 2 && (n == 0 || n == N - 1)) || rng.uniformReal() < 0.2
            ? 0
        : n == N / 2 ? 2 * In
                     : rng.uniformInt(1, 8);
    int64_t begin = static_cast<int64_t>(s.cols.size());
    for (int64_t e = 0; e < degree; ++e) {
      bool repeat = e > 0 && rng.uniformReal() < 0.25;
      s.cols.push_back(repeat ? s.cols[rng.uniformInt(begin, begin + e - 1)]
                              : rng.uniformInt(0, In - 1));
    }
    s.rows.push_back(static_cast<int64_t>(s.cols.size()));
  }
  s.vals = rng.uniform({static_cast<int64_t>(s.cols.size())});
  return s;
}

// The dense [N, In] matrix: duplicates add up.
ref::Tensor densify(const Sparse &s) {
  ref::Tensor x({s.N, s.In});
  for (int64_t n = 0; n < s.N; ++n)
    for (int64_t r = s.rows[n]; r < s.rows[n + 1]; ++r)
      x.data[n * s.In + s.cols[r]] += s.vals.data[r];
  return x;
}

// What the op multiplies by W: attn.dropout of the dense matrix.
ref::Tensor droppedDense(const Sparse &s, const Dropout &d) {
  ref::Tensor x = densify(s);
  return d.on() ? ref::dropout(x, d.rate, kSeed, d.salt) : x;
}

ref::Tensor transpose(const ref::Tensor &t) {
  int64_t R = t.shape[0], C = t.shape[1];
  ref::Tensor out({C, R});
  for (int64_t i = 0; i < R; ++i)
    for (int64_t j = 0; j < C; ++j)
      out.data[j * R + i] = t.data[i * C + j];
  return out;
}

template <typename T> Host<T> indexTensor(const std::vector<int64_t> &v) {
  Host<T> h({static_cast<int64_t>(v.size())});
  for (size_t k = 0; k < v.size(); ++k)
    h.data[k] = static_cast<T>(v[k]);
  return h;
}

// The call borrows its inputs: they must live until it runs.
template <typename T> struct BoundCsr {
  Host<T> rows, cols;
  Host<int64_t> seed{{1}, kSeed};

  BoundCsr(Runner &run, const Sparse &s, bool withSeed)
      : rows(indexTensor<T>(s.rows)), cols(indexTensor<T>(s.cols)) {
    run.in("rows", rows);
    run.in("cols", cols);
    run.in("vals", s.vals);
    if (withSeed)
      run.in("seed", seed);
  }
};

std::string sized(const std::string &entry, int64_t n, bool empty = false) {
  return entry + " rows=" + std::to_string(n) + (empty ? " nnz=0" : "");
}

//===--- Forward -------------------------------------------------------===//

struct ForwardEntry {
  std::string name;
  int64_t In, Out;
  bool bias;
  Dropout dropout;
};

template <typename T> void checkForward(const ForwardEntry &e) {
  Runner run(kSparseModule, e.name);
  ASSERT_TRUE(run.ok());
  for (int64_t N : kRows)
    for (bool empty : {false, true}) {
      std::string what = sized(e.name, N, empty);
      SCOPED_TRACE(what);
      Rng rng(seedFor(what));
      Sparse s = randomSparse(rng, N, e.In, empty);
      F32 w = rng.uniform({e.Out, e.In}), b = rng.uniform({e.Out});
      BoundCsr<T> csr(run, s, e.dropout.on());
      run.in("w", w);
      if (e.bias)
        run.in("b", b);
      F32 out = run.run("out", {N, e.Out});
      ref::Tensor br = b.toRef();
      EXPECT_TRUE(matches(out, ref::linear(droppedDense(s, e.dropout),
                                           w.toRef(), e.bias ? &br : nullptr)));
      if (empty) { // nothing stored: exactly the bias (or 0), not rounded
        for (int64_t n = 0; n < N; ++n)
          for (int64_t o = 0; o < e.Out; ++o) {
            ASSERT_EQ(out.data[n * e.Out + o], e.bias ? b.data[o] : 0.0f)
                << "row " << n << ", feature " << o;
          }
      }
    }
}

TEST(NumericsSparse, SparseLinearBias) {
  checkForward<int64_t>({"sparse_linear_bias", 37, 24, true, {}});
}
TEST(NumericsSparse, SparseLinearInputDropout) {
  checkForward<int64_t>({"sparse_linear_dropout", 37, 24, true, {0.6, 5}});
}
TEST(NumericsSparse, SparseLinearOut64NoBias) {
  checkForward<int64_t>({"sparse_linear_out64", 37, 64, false, {}});
}
TEST(NumericsSparse, SparseLinearI32Out13) {
  checkForward<int32_t>({"sparse_linear_i32_out13", 37, 13, false, {0.25, 7}});
}
TEST(NumericsSparse, SparseLinearIn100) {
  checkForward<int64_t>({"sparse_linear_in100", 100, 24, true, {0.6, 5}});
}

//===--- Dropout masks -------------------------------------------------===//

// Every entry stored once (in a shuffled order), values 1 and W = I: the
// output is the dropped dense matrix of ones, so each element is exactly 0
// or 1/(1-rate). It must equal attn.dropout's output on the dense ones bit
// for bit, and the reference's mask at counter n * In + c.
TEST(NumericsSparse, DropoutMaskIsDenseDropouts) {
  const int64_t In = 37;
  Runner sparse(kSparseModule, "sparse_linear_mask"),
      dense(kSparseModule, "dense_dropout");
  ASSERT_TRUE(sparse.ok() && dense.ok());
  F32 eye({In, In}, 0.0f);
  for (int64_t c = 0; c < In; ++c)
    eye.data[c * In + c] = 1.0f;
  const float scale = static_cast<float>(1.0 / (1.0 - 0.6));
  for (int64_t seed : {int64_t(0), int64_t(-1), kSeed})
    for (int64_t N : kRows) {
      std::string what =
          "mask seed " + std::to_string(seed) + " rows=" + std::to_string(N);
      SCOPED_TRACE(what);
      Rng rng(seedFor(what));
      Sparse s;
      s.N = N;
      s.In = In;
      s.rows.push_back(0);
      std::vector<int64_t> order(In);
      std::iota(order.begin(), order.end(), 0);
      for (int64_t n = 0; n < N; ++n) {
        for (int64_t k = In - 1; k > 0; --k)
          std::swap(order[k], order[rng.uniformInt(0, k)]);
        s.cols.insert(s.cols.end(), order.begin(), order.end());
        s.rows.push_back(static_cast<int64_t>(s.cols.size()));
      }
      s.vals = F32({N * In}, 1.0f);
      Host<int64_t> rows = indexTensor<int64_t>(s.rows),
                    cols = indexTensor<int64_t>(s.cols), seedT({1}, seed);
      sparse.in("rows", rows);
      sparse.in("cols", cols);
      sparse.in("vals", s.vals);
      sparse.in("w", eye);
      sparse.in("seed", seedT);
      F32 got = sparse.run("out", {N, In});
      F32 ones({N, In}, 1.0f);
      dense.in("x", ones);
      dense.in("seed", seedT);
      F32 expected = dense.run("out", {N, In});
      uint32_t key = ref::dropoutKey(seed, 5);
      int64_t mismatches = 0, kept = 0;
      for (int64_t k = 0; k < N * In; ++k) {
        bool refKeep = ref::dropoutKeep(key, 0.6, static_cast<uint32_t>(k));
        ASSERT_EQ(got.data[k], refKeep ? scale : 0.0f) << "element " << k;
        mismatches += got.data[k] != expected.data[k];
        kept += refKeep;
      }
      EXPECT_EQ(mismatches, 0) << "sparse and dense dropout masks differ";
      if (N == 1000) { // 37000 draws: 0.4 +- 0.0025 (1 sigma)
        EXPECT_NEAR(double(kept) / double(N * In), 0.4, 0.02);
      }
    }
}

// Random values with duplicates under W = I: the output is dropout of the
// densified matrix, the duplicates of an element kept or dropped together.
TEST(NumericsSparse, DropoutOfDuplicatesIsDropoutOfTheirSum) {
  const int64_t In = 37;
  Runner run(kSparseModule, "sparse_linear_mask");
  ASSERT_TRUE(run.ok());
  F32 eye({In, In}, 0.0f);
  for (int64_t c = 0; c < In; ++c)
    eye.data[c * In + c] = 1.0f;
  for (int64_t N : kRows) {
    std::string what = sized("sparse_linear_mask", N);
    SCOPED_TRACE(what);
    Rng rng(seedFor(what));
    Sparse s = randomSparse(rng, N, In, false);
    BoundCsr<int64_t> csr(run, s, true);
    run.in("w", eye);
    F32 out = run.run("out", {N, In});
    ref::Tensor expected = droppedDense(s, {0.6, 5});
    EXPECT_TRUE(matches(out, expected));
    // A dropped element is exactly 0, whatever its duplicates.
    for (int64_t k = 0; k < N * In; ++k)
      if (expected.data[k] == 0.0) {
        ASSERT_EQ(out.data[k], 0.0f) << "element " << k;
      }
  }
}

//===--- Weight gradient -----------------------------------------------===//

// d/dW <linear(x, W), dy> by central differences.
ref::Tensor finiteDiffW(const ref::Tensor &x, const ref::Tensor &w,
                        const ref::Tensor &dy) {
  return finiteDiff(w, [&](const ref::Tensor &ww) {
    return inner(ref::linear(x, ww, nullptr), dy);
  });
}

struct GradEntry {
  std::string name;
  int64_t In, Out;
  Dropout dropout;
};

template <typename T> void checkGradWeight(const GradEntry &e) {
  Runner run(kSparseModule, e.name);
  ASSERT_TRUE(run.ok());
  for (int64_t N : kRows)
    for (bool empty : {false, true}) {
      std::string what = sized(e.name, N, empty);
      SCOPED_TRACE(what);
      Rng rng(seedFor(what));
      Sparse s = randomSparse(rng, N, e.In, empty);
      F32 w = rng.uniform({e.Out, e.In}), dy = rng.uniform({N, e.Out});
      BoundCsr<T> csr(run, s, e.dropout.on());
      run.in("dy", dy);
      F32 out = run.run("out", {e.Out, e.In});
      ref::Tensor x = droppedDense(s, e.dropout), dyr = dy.toRef();
      if (empty) {
        for (size_t k = 0; k < out.data.size(); ++k) {
          ASSERT_EQ(out.data[k], 0.0f) << "element " << k;
        }
        continue;
      }
      // The forward is linear in W: differences at a random W, and the
      // closed form dy^T x (as linear(dy^T, x^T)) where they would be slow.
      if (std::find(kGradRows.begin(), kGradRows.end(), N) != kGradRows.end()) {
        EXPECT_TRUE(gradMatches(out, finiteDiffW(x, w.toRef(), dyr)))
            << "vs finite differences";
      }
      EXPECT_TRUE(
          matches(out, ref::linear(transpose(dyr), transpose(x), nullptr)))
          << "vs dy^T dropout(x)";
    }
}

TEST(NumericsSparse, SparseLinearGradWeight) {
  checkGradWeight<int64_t>({"sparse_linear_grad_weight", 37, 24, {}});
}
TEST(NumericsSparse, SparseLinearGradWeightInputDropout) {
  checkGradWeight<int64_t>(
      {"sparse_linear_grad_weight_dropout", 37, 24, {0.6, 5}});
}
TEST(NumericsSparse, SparseLinearGradWeightI32Out13) {
  checkGradWeight<int32_t>(
      {"sparse_linear_grad_weight_i32_out13", 37, 13, {0.25, 7}});
}

//===--- Runtime validation of the CSR ---------------------------------===//

// The column count comes from the weight (forward) or from the output's
// static dim (weight gradient).
struct ValidationEntry {
  const char *name;
  int64_t In, Out;
  bool grad, bias, seed, i32;
};
const ValidationEntry kValidationEntries[] = {
    {"sparse_linear_bias", 37, 24, false, true, false, false},
    {"sparse_linear_i32_out13", 37, 13, false, false, true, true},
    {"sparse_linear_in100", 100, 24, false, true, true, false},
    {"sparse_linear_grad_weight", 37, 24, true, false, false, false},
    {"sparse_linear_grad_weight_i32_out13", 37, 13, true, false, true, true},
};

// Runs `e` on a 4-row matrix given by `rows` and `cols` into `out`, filled
// with NaN first.
Status runCsr(const ValidationEntry &e, const std::vector<int64_t> &rows,
              const std::vector<int64_t> &cols, std::vector<float> &out) {
  const int64_t N = 4, nnz = static_cast<int64_t>(cols.size());
  Result<Call> call = Call::create(moduleAt(kSparseModule), e.name);
  if (!call)
    return call.status();
  Host<int32_t> rows32 = indexTensor<int32_t>(rows),
                cols32 = indexTensor<int32_t>(cols);
  std::vector<float> vals(static_cast<size_t>(nnz), 1.0f),
      w(static_cast<size_t>(e.Out * e.In), 0.5f),
      b(static_cast<size_t>(e.Out), 0.25f),
      dy(static_cast<size_t>(N * e.Out), 0.5f);
  int64_t seed = kSeed;
  std::vector<int64_t> outShape = e.grad ? std::vector<int64_t>{e.Out, e.In}
                                         : std::vector<int64_t>{N, e.Out};
  out.assign(static_cast<size_t>(numel(outShape)),
             std::numeric_limits<float>::quiet_NaN());
  std::vector<Status> set = {
      e.i32 ? call->setArg("rows", {N + 1}, rows32.data.data())
            : call->setArg("rows", {N + 1}, rows.data()),
      e.i32 ? call->setArg("cols", {nnz}, cols32.data.data())
            : call->setArg("cols", {nnz}, cols.data()),
      call->setArg("vals", {nnz}, vals.data()),
      call->setArg("out", outShape, out.data())};
  if (e.grad)
    set.push_back(call->setArg("dy", {N, e.Out}, dy.data()));
  else
    set.push_back(call->setArg("w", {e.Out, e.In}, w.data()));
  if (e.bias)
    set.push_back(call->setArg("b", {e.Out}, b.data()));
  if (e.seed)
    set.push_back(call->setArg("seed", {1}, &seed));
  for (const Status &s : set)
    if (!s.ok())
      return s;
  return call->execute();
}

::testing::AssertionResult failsWith(const Status &s,
                                     const std::vector<std::string> &parts) {
  if (s.ok())
    return ::testing::AssertionFailure() << "execute() succeeded";
  if (s.code() != ATTNC_ERROR_VALIDATION)
    return ::testing::AssertionFailure()
           << "code " << s.code()
           << ", not a validation error: " << s.message();
  if (s.message().find('\n') != std::string::npos)
    return ::testing::AssertionFailure() << "not one line: " << s.message();
  for (const std::string &p : parts)
    if (s.message().find(p) == std::string::npos)
      return ::testing::AssertionFailure()
             << "message lacks '" << p << "': " << s.message();
  return ::testing::AssertionSuccess();
}

bool allNaN(const std::vector<float> &v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return std::isnan(x); });
}

const std::vector<int64_t> kValidRows = {0, 2, 2, 5, 6};

// Column In - 1 is the last valid one.
std::vector<int64_t> validCols(int64_t In) { return {3, In - 1, 0, 0, 17, 5}; }

TEST(NumericsSparseValidation, ValidMatrixRuns) {
  for (const ValidationEntry &e : kValidationEntries) {
    SCOPED_TRACE(e.name);
    std::vector<float> out;
    Status s = runCsr(e, kValidRows, validCols(e.In), out);
    EXPECT_TRUE(s.ok()) << s.message();
    EXPECT_TRUE(std::none_of(out.begin(), out.end(),
                             [](float x) { return std::isnan(x); }));
  }
}

TEST(NumericsSparseValidation, ColumnIndexTooLarge) {
  for (const ValidationEntry &e : kValidationEntries) {
    SCOPED_TRACE(e.name);
    std::vector<int64_t> cols = validCols(e.In);
    cols[4] = e.In;
    std::vector<float> out;
    std::string in = std::to_string(e.In);
    EXPECT_TRUE(failsWith(runCsr(e, kValidRows, cols, out),
                          {"entry '" + std::string(e.name) + "', input 'cols'",
                           "sparse column index at position 4 is " + in +
                               ", outside [0, " + in + ")"}));
    EXPECT_TRUE(allNaN(out)) << "the kernel ran";
  }
}

TEST(NumericsSparseValidation, ColumnIndexNegative) {
  for (const ValidationEntry &e : kValidationEntries) {
    SCOPED_TRACE(e.name);
    std::vector<int64_t> cols = validCols(e.In);
    cols[0] = -1;
    std::vector<float> out;
    EXPECT_TRUE(failsWith(runCsr(e, kValidRows, cols, out),
                          {"input 'cols'", "sparse column index at position 0 "
                                           "is -1, outside [0, " +
                                               std::to_string(e.In) + ")"}));
    EXPECT_TRUE(allNaN(out)) << "the kernel ran";
  }
}

TEST(NumericsSparseValidation, RowOffsetsDecrease) {
  for (const ValidationEntry &e : kValidationEntries) {
    SCOPED_TRACE(e.name);
    std::vector<float> out;
    EXPECT_TRUE(failsWith(runCsr(e, {0, 2, 1, 5, 6}, validCols(e.In), out),
                          {"entry '" + std::string(e.name) + "', input 'rows'",
                           "decrease at position 2 (1 after 2)"}));
    EXPECT_TRUE(allNaN(out)) << "the kernel ran";
  }
}

} // namespace
} // namespace attnc::numerics
