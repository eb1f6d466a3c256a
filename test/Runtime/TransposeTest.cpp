// The transposed graph the runtime computes for training entries
// (attnc_csr_transpose, runtime/transpose.h), against a brute-force scan;
// moved here with the counting sort from attn-train.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/api.h"

namespace {

// A random destination-grouped CSR with repeats, loops and empty rows.
void randomCsr(int64_t n, int64_t e, unsigned seed,
               std::vector<int64_t> &offsets, std::vector<int64_t> &cols) {
  std::mt19937 rng(seed);
  std::vector<std::vector<int64_t>> rows(static_cast<size_t>(n));
  for (int64_t k = 0; k < e; ++k)
    rows[rng() % n].push_back(static_cast<int64_t>(rng() % n));
  offsets = {0};
  cols.clear();
  for (auto &row : rows) {
    std::sort(row.begin(), row.end());
    cols.insert(cols.end(), row.begin(), row.end());
    offsets.push_back(static_cast<int64_t>(cols.size()));
  }
}

template <typename T>
void checkAgainstBruteForce(const std::vector<int64_t> &offsets64,
                            const std::vector<int64_t> &cols64, int32_t dtype) {
  std::vector<T> offsets(offsets64.begin(), offsets64.end());
  std::vector<T> cols(cols64.begin(), cols64.end());
  int64_t n = static_cast<int64_t>(offsets.size()) - 1;
  int64_t e = static_cast<int64_t>(cols.size());
  std::vector<T> tOffsets(n + 1, -7), tDest(e, -7), tEdges(e, -7);
  ASSERT_EQ(attnc_csr_transpose(dtype, n, e, offsets.data(), cols.data(),
                                tOffsets.data(), tDest.data(), tEdges.data()),
            ATTNC_OK)
      << attnc_last_error();
  // Brute force: for each source j, scan every edge in CSR order.
  size_t slot = 0;
  for (int64_t j = 0; j < n; ++j) {
    EXPECT_EQ(tOffsets[j], static_cast<T>(slot));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t p = offsets[i]; p < offsets[i + 1]; ++p)
        if (cols[p] == j) {
          ASSERT_LT(slot, cols.size());
          EXPECT_EQ(tDest[slot], i);
          EXPECT_EQ(tEdges[slot], p);
          ++slot;
        }
  }
  EXPECT_EQ(tOffsets[n], static_cast<T>(e));
  EXPECT_EQ(slot, cols.size());
}

attnc_status transpose64(std::vector<int64_t> offsets,
                         std::vector<int64_t> cols) {
  int64_t n = static_cast<int64_t>(offsets.size()) - 1;
  int64_t e = static_cast<int64_t>(cols.size());
  std::vector<int64_t> t(n + 1), d(e + 1), x(e + 1);
  return attnc_csr_transpose(ATTNC_DTYPE_I64, n, e, offsets.data(),
                             cols.data(), t.data(), d.data(), x.data());
}

} // namespace

TEST(Transpose, MatchesBruteForce) {
  for (auto [n, e, seed] : {std::tuple<int64_t, int64_t, unsigned>{1, 0, 1},
                            {1, 3, 2}, {7, 0, 3}, {13, 40, 4}, {101, 997, 5}}) {
    std::vector<int64_t> offsets, cols;
    randomCsr(n, e, seed, offsets, cols);
    checkAgainstBruteForce<int64_t>(offsets, cols, ATTNC_DTYPE_I64);
    checkAgainstBruteForce<int32_t>(offsets, cols, ATTNC_DTYPE_I32);
  }
}

TEST(Transpose, RejectsMalformedCsr) {
  EXPECT_EQ(transpose64({0, 2}, {0}), ATTNC_ERROR_VALIDATION);
  EXPECT_NE(std::string(attnc_last_error()).find("end at the edge count 1"),
            std::string::npos)
      << attnc_last_error();
  EXPECT_EQ(transpose64({0, 1}, {3}), ATTNC_ERROR_VALIDATION);
  EXPECT_NE(std::string(attnc_last_error()).find("is 3, outside [0, 1)"),
            std::string::npos)
      << attnc_last_error();
  EXPECT_EQ(transpose64({0, 2, 1}, {0}), ATTNC_ERROR_VALIDATION);
  EXPECT_EQ(transpose64({1, 1}, {0}), ATTNC_ERROR_VALIDATION);
}
