/*===- transpose.h - the transposed graph of a CSR graph -----------------===*
 *
 * A training entry's backward graph attention walks each graph backwards:
 * for source node j, t_offsets[j] .. t_offsets[j+1] list the destinations i
 * of the edges j -> i (t_destinations) and each edge's position in the CSR
 * col_indices (t_edges). The runtime computes these arguments (roles
 * ATTNC_ROLE_T_OFFSETS, _T_DESTINATIONS, _T_EDGES) from the forward graph
 * before a call; this function is how, exported for callers that need the
 * same arrays.
 *===----------------------------------------------------------------------===*/
#ifndef ATTNC_RUNTIME_TRANSPOSE_H
#define ATTNC_RUNTIME_TRANSPOSE_H

#include <stdint.h>

#include "runtime/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Counting sort of a destination-grouped CSR (`row_offsets` [nodes + 1],
 * `col_indices` [edges] = sources) by source: writes t_offsets
 * [nodes + 1], t_destinations [edges] and t_edges [edges], all of `dtype`
 * (ATTNC_DTYPE_I32 or ATTNC_DTYPE_I64, the inputs' too). The sort is
 * stable, so each source's destinations stay ascending. O(nodes + edges).
 * A malformed CSR (offsets not starting at 0, decreasing, not ending at
 * `edges`; a column index outside [0, nodes)) is ATTNC_ERROR_VALIDATION
 * with a message saying where; nothing is read out of bounds. */
attnc_status attnc_csr_transpose(int32_t dtype, int64_t nodes, int64_t edges,
                                 const void *row_offsets,
                                 const void *col_indices, void *t_offsets,
                                 void *t_destinations, void *t_edges);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ATTNC_RUNTIME_TRANSPOSE_H */
