//===- TranslateToKernelGraph.h - attn IR -> kernel graphs ------*- C++ -*-===//
#ifndef ATTNC_TARGET_HALIDE_TRANSLATETOKERNELGRAPH_H
#define ATTNC_TARGET_HALIDE_TRANSLATETOKERNELGRAPH_H

#include "compiler/Target/Halide/KernelGraph.h"

#include "mlir/Support/LogicalResult.h"

#include <vector>

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace attnc {

/// Turns every public func.func of `module` into a kernel graph: its
/// arguments and results become the entry's arguments, its attn ops the
/// nodes. Emits an error at the offending op and fails on anything the
/// backend cannot compile.
mlir::LogicalResult translateToKernelGraphs(mlir::ModuleOp module,
                                            std::vector<kg::Function> &out);

} // namespace attnc

#endif // ATTNC_TARGET_HALIDE_TRANSLATETOKERNELGRAPH_H
