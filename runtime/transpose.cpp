// The transposed graph of a CSR graph (transpose.h): a counting sort by
// source, moved here from attn-train so that every caller of the runtime
// can run training entries.
#include "runtime/transpose.h"

#include <string>
#include <vector>

#include "runtime/detail/error.h"
#include "runtime/module_abi.h"

using attnc::detail::fail;
using attnc::detail::guarded;

namespace {

template <typename T>
attnc_status transpose(int64_t n, int64_t e, const T *rows, const T *cols,
                       T *tOffsets, T *tDestinations, T *tEdges) {
  auto bad = [](const std::string &what) {
    return fail(ATTNC_ERROR_VALIDATION, what);
  };
  if (rows[0] != 0 || static_cast<int64_t>(rows[n]) != e)
    return bad("CSR row offsets must start at 0 and end at the edge count " +
               std::to_string(e) + " (they go from " +
               std::to_string(rows[0]) + " to " + std::to_string(rows[n]) +
               ")");
  for (int64_t i = 0; i < n; ++i)
    if (rows[i + 1] < rows[i])
      return bad("CSR row offsets decrease at position " +
                 std::to_string(i + 1));
  // Count the out-edges of each source, then prefix-sum into offsets.
  for (int64_t j = 0; j <= n; ++j)
    tOffsets[j] = 0;
  for (int64_t p = 0; p < e; ++p) {
    int64_t j = cols[p];
    if (j < 0 || j >= n)
      return bad("CSR column index at position " + std::to_string(p) +
                 " is " + std::to_string(j) + ", outside [0, " +
                 std::to_string(n) + ")");
    ++tOffsets[j + 1];
  }
  for (int64_t j = 0; j < n; ++j)
    tOffsets[j + 1] += tOffsets[j];
  // Scatter in CSR order, so each source's destinations stay ascending.
  std::vector<int64_t> next(tOffsets, tOffsets + n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t p = rows[i]; p < rows[i + 1]; ++p) {
      int64_t slot = next[cols[p]]++;
      tDestinations[slot] = static_cast<T>(i);
      tEdges[slot] = static_cast<T>(p);
    }
  return ATTNC_OK;
}

} // namespace

extern "C" attnc_status
attnc_csr_transpose(int32_t dtype, int64_t nodes, int64_t edges,
                    const void *row_offsets, const void *col_indices,
                    void *t_offsets, void *t_destinations, void *t_edges) {
  return guarded([&] {
    if (nodes < 0 || edges < 0 || !row_offsets || !t_offsets ||
        (edges > 0 && (!col_indices || !t_destinations || !t_edges)))
      return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                  "attnc_csr_transpose: negative size or NULL array");
    if (dtype == ATTNC_DTYPE_I32)
      return transpose(nodes, edges, static_cast<const int32_t *>(row_offsets),
                       static_cast<const int32_t *>(col_indices),
                       static_cast<int32_t *>(t_offsets),
                       static_cast<int32_t *>(t_destinations),
                       static_cast<int32_t *>(t_edges));
    if (dtype == ATTNC_DTYPE_I64)
      return transpose(nodes, edges, static_cast<const int64_t *>(row_offsets),
                       static_cast<const int64_t *>(col_indices),
                       static_cast<int64_t *>(t_offsets),
                       static_cast<int64_t *>(t_destinations),
                       static_cast<int64_t *>(t_edges));
    return fail(ATTNC_ERROR_INVALID_ARGUMENT,
                "attnc_csr_transpose: dtype must be i32 or i64");
  });
}
