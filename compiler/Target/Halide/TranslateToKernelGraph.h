//===- TranslateToKernelGraph.h - attn IR -> kernel graphs ------*- C++ -*-===//
#ifndef ATTNC_TARGET_HALIDE_TRANSLATETOKERNELGRAPH_H
#define ATTNC_TARGET_HALIDE_TRANSLATETOKERNELGRAPH_H

#include "compiler/Target/Halide/KernelGraph.h"

#include "mlir/IR/Location.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LogicalResult.h"

#include <string>
#include <vector>

namespace mlir {
class ModuleOp;
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace attnc {

/// "file:line:col" of `loc` (or of the first file location inside it), ""
/// when it has none: the form attnc's messages use.
std::string locString(mlir::Location loc);

/// Describes the boundary of every public func.func of `module`: its
/// arguments and results become the entry's arguments, with extents named
/// after the ops' DimRelationsOpInterface and the roles the runtime checks.
/// Emits an error at the offending op and fails on anything the
/// backend cannot compile.
mlir::LogicalResult translateToKernelGraphs(mlir::ModuleOp module,
                                            std::vector<kg::Function> &out);

/// Where a value's extents can be read at run time: per logical dim, the
/// input (index into kg::Function::inputs) and its dim of the same extent,
/// {-1, -1} when no input carries it.
struct ValueExtents {
  mlir::Value value;
  std::vector<std::pair<int, int>> from;
};

/// One function's boundary, as translateToKernelGraphs describes it; with
/// `extents`, also where every op result's extents come from.
mlir::LogicalResult translateFunction(mlir::func::FuncOp fn, kg::Function &out,
                                      std::vector<ValueExtents> *extents =
                                          nullptr);

} // namespace attnc

#endif // ATTNC_TARGET_HALIDE_TRANSLATETOKERNELGRAPH_H
