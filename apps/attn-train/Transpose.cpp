#include "apps/attn-train/Transpose.h"

#include <stdexcept>
#include <string>

namespace attnc::train {

TransposedGraph transposeCsr(const std::vector<int64_t> &row_offsets,
                             const std::vector<int64_t> &col_indices) {
  if (row_offsets.empty() || row_offsets.front() != 0 ||
      row_offsets.back() != static_cast<int64_t>(col_indices.size()))
    throw std::invalid_argument("transposeCsr: row offsets must start at 0 "
                                "and end at the edge count");
  const int64_t n = static_cast<int64_t>(row_offsets.size()) - 1;
  const int64_t e = static_cast<int64_t>(col_indices.size());
  TransposedGraph t;
  t.t_offsets.assign(n + 1, 0);
  t.t_destinations.resize(e);
  t.t_edges.resize(e);
  // Count the out-edges of each source, then prefix-sum into offsets.
  for (int64_t p = 0; p < e; ++p) {
    int64_t j = col_indices[p];
    if (j < 0 || j >= n)
      throw std::invalid_argument("transposeCsr: col_indices[" +
                                  std::to_string(p) + "] = " +
                                  std::to_string(j) + " is not a node");
    ++t.t_offsets[j + 1];
  }
  for (int64_t j = 0; j < n; ++j)
    t.t_offsets[j + 1] += t.t_offsets[j];
  // Scatter in CSR order, so each source's destinations stay ascending.
  std::vector<int64_t> next(t.t_offsets.begin(), t.t_offsets.end() - 1);
  for (int64_t i = 0; i < n; ++i) {
    if (row_offsets[i + 1] < row_offsets[i])
      throw std::invalid_argument("transposeCsr: row offsets decrease at " +
                                  std::to_string(i));
    for (int64_t p = row_offsets[i]; p < row_offsets[i + 1]; ++p) {
      int64_t slot = next[col_indices[p]]++;
      t.t_destinations[slot] = i;
      t.t_edges[slot] = p;
    }
  }
  return t;
}

} // namespace attnc::train
