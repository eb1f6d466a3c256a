//===- AttnDimRelations.h - what an op says about its extents ---*- C++ -*-===//
#ifndef ATTN_IR_ATTNDIMRELATIONS_H
#define ATTN_IR_ATTNDIMRELATIONS_H

#include "mlir/IR/Value.h"

namespace mlir::attn {

/// The receiver of DimRelationsOpInterface::getDimRelations: each op tells
/// it how its extents relate. Dims are logical (outermost first).
class DimRelations {
public:
  virtual ~DimRelations() = default;
  /// Dim `da` of `a` and dim `db` of `b` are equal at run time.
  virtual void same(Value a, int da, Value b, int db) = 0;
  /// A readable name for the extent of dim `d` of `v` ("B", "Sq", "N").
  virtual void hint(Value v, int d, const char *name) = 0;
  /// `rows` and `cols` are the CSR of a graph over the nodes counted by dim
  /// 0 of `nodesOf`: offsets have nodes + 1 entries, indices are node ids.
  virtual void graph(Value rows, Value cols, Value nodesOf) = 0;
  /// The transposed graph of the graph whose row offsets are `rows`:
  /// offsets (nodes + 1 entries, nodes counted by dim 0 of `nodesOf`),
  /// destinations and CSR edge positions. A runtime derives it from the
  /// forward graph.
  virtual void transposedGraph(Value rows, Value offsets, Value destinations,
                               Value edges, Value nodesOf) = 0;
  /// `rows`, `cols` and `values` are the CSR of a sparse matrix with dim 0
  /// of `rowsOf` rows and dim `columnDim` of `columnsOf` columns.
  virtual void sparseMatrix(Value rows, Value cols, Value values,
                            Value rowsOf, Value columnsOf, int columnDim) = 0;
  /// `lengths` holds per-batch key lengths, each at most dim `keyDim` of
  /// `keys`.
  virtual void keyLengths(Value lengths, Value keys, int keyDim) = 0;
  /// Dim `da` of `a` is at most dim `db` of `b` (a sequence and the rows of
  /// its position table). `what` names dim `da` of `a` in messages.
  virtual void atMost(Value a, int da, Value b, int db, const char *what) = 0;
  /// Dim `da` of `a` divides dim `db` of `b` (key/value heads and query
  /// heads).
  virtual void divides(Value a, int da, Value b, int db, const char *what) = 0;
  /// Dim `da` of `a` is 1 or equals dim `db` of `b` (a broadcast operand).
  virtual void broadcasts(Value a, int da, Value b, int db,
                          const char *what) = 0;
  /// Every element of the integer tensor `ids` is in [0, dim `dim` of
  /// `table`): ids of the table's rows.
  virtual void indexes(Value ids, Value table, int dim, const char *what) = 0;

  /// Every dim of `a` equals the same dim of `b`.
  void sameShape(Value a, Value b);
  /// Dims [0, count) of `a` equal those of `b`.
  void sameLeading(Value a, Value b, int count);
};

} // namespace mlir::attn

#endif // ATTN_IR_ATTNDIMRELATIONS_H
