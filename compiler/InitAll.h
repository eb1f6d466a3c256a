//===- InitAll.h - register every attnc dialect and pass once ---*- C++ -*-===//
//
// The tools register through these two functions and nothing else, so a new
// dialect or pass becomes visible everywhere by being added here.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_INITALL_H
#define ATTNC_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace attnc {

/// The dialects attn IR is written in: attn, func, arith, tensor.
void registerAllDialects(mlir::DialectRegistry &registry);

/// attn's passes, the generic ones pipelines use (canonicalize, cse), and
/// the named pipelines of compiler/Pipelines (attn-inference-pipeline,
/// attn-training-pipeline).
void registerAllPasses();

} // namespace attnc

#endif // ATTNC_INITALL_H
