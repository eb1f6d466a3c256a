//===- AttnGradient.h - what a backward pass gives an op --------*- C++ -*-===//
#ifndef ATTN_IR_ATTNGRADIENT_H
#define ATTN_IR_ATTNGRADIENT_H

#include "mlir/IR/Value.h"

#include <array>

namespace mlir::attn {

/// The training step's facts an op's vector-Jacobian product may need.
/// Implemented by attn-build-training-step.
class GradientContext {
public:
  virtual ~GradientContext() = default;
  /// The transposed graph of a CSR graph, as (offsets, destinations,
  /// edge_ids) values of the training step, created on first request.
  virtual std::array<Value, 3> transposedGraph(Value rowOffsets,
                                               Value colIndices) = 0;
  /// Whether `v` depends on a parameter (so its gradient is needed).
  virtual bool needsGradient(Value v) const = 0;
};

} // namespace mlir::attn

#endif // ATTN_IR_ATTNGRADIENT_H
