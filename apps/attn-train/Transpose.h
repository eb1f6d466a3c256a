// The transposed graph a training entry takes for each graph input: for
// source node j, t_offsets[j] .. t_offsets[j+1] list the destinations i of
// the edges j -> i (t_destinations) and each edge's position in the CSR
// col_indices (t_edges). The backward pass of graph attention walks it to
// send gradients from destinations back to sources.
#ifndef ATTNC_APPS_ATTN_TRAIN_TRANSPOSE_H
#define ATTNC_APPS_ATTN_TRAIN_TRANSPOSE_H

#include <cstdint>
#include <vector>

namespace attnc::train {

struct TransposedGraph {
  std::vector<int64_t> t_offsets;      ///< num_nodes + 1 entries
  std::vector<int64_t> t_destinations; ///< one per edge
  std::vector<int64_t> t_edges;        ///< one per edge: CSR position
};

/// Counting sort of a destination-grouped CSR (`row_offsets` [N+1],
/// `col_indices` [E] = sources) by source. Within a source's range the
/// destinations are ascending (CSR order is kept: the sort is stable).
/// Throws std::invalid_argument for a malformed CSR.
TransposedGraph transposeCsr(const std::vector<int64_t> &row_offsets,
                             const std::vector<int64_t> &col_indices);

} // namespace attnc::train

#endif // ATTNC_APPS_ATTN_TRAIN_TRANSPOSE_H
