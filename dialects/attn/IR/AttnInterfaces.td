//===- AttnInterfaces.td - attn op interfaces -------------*- tablegen -*-===//
#ifndef ATTN_INTERFACES_TD
#define ATTN_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Attn_AttentionOpInterface : OpInterface<"AttentionOpInterface"> {
  let cppNamespace = "::mlir::attn";
  let description = [{
    Implemented by every op that computes a full attention (logits, softmax
    and the weighted sum of values). Passes and the code generators ask this
    interface for the pieces of an attention instead of switching on op
    kinds: the query/key/value operands, the score function and the scale.
  }];
  let methods = [
    InterfaceMethod<"The query operand.", "::mlir::Value", "getQuery">,
    InterfaceMethod<"The key operand.", "::mlir::Value", "getKey">,
    InterfaceMethod<"The value operand.", "::mlir::Value", "getValue">,
    InterfaceMethod<"The score function.", "::mlir::attn::ScoreKind",
                    "getScoreKind", (ins), [{ return $_op.getScore(); }]>,
    InterfaceMethod<[{
        The multiplier applied to dot-product logits: the explicit `scale`
        when present, else 1/sqrt(head_dim) for `scaled_dot` (nullopt when
        head_dim is dynamic) and 1 for `dot` and `additive`.
      }], "std::optional<double>", "getEffectiveScale">,
    InterfaceMethod<"Whether attention follows the edges of a graph.",
                    "bool", "isGraphRestricted">,
  ];
}

def Attn_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::mlir::attn";
  let description = [{
    Implemented by every op attn-build-training-step can differentiate. The
    op emits its vector-Jacobian product: given the gradient of the loss
    with respect to its (single) result, it builds ops computing the
    gradient with respect to each operand, in attn ops, at the builder's
    insertion point. The pass asks this interface and never names op kinds.
  }];
  let methods = [
    InterfaceMethod<[{
        Appends one gradient per operand to `operandGrads` (a null Value for
        an operand that has none, e.g. integer indices). `context` gives the
        training seed and the transposed graphs a backward pass may need.
      }], "::llvm::LogicalResult", "buildGradient",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Value":$resultGrad,
           "::mlir::attn::GradientContext &":$context,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>,
  ];
}

def Attn_DimRelationsOpInterface : OpInterface<"DimRelationsOpInterface"> {
  let cppNamespace = "::mlir::attn";
  let description = [{
    Implemented by every attn op (through `Attn_Op`): which dims of its
    operands and results have equal extents, which operands form a graph, a
    sparse matrix or per-batch key lengths, and names for the extents a
    person would recognise (B, Sq, N, E...). The one statement of these
    relations: code generators name and check run-time extents by them and
    derive the argument roles the runtime validates.
  }];
  let methods = [
    InterfaceMethod<"Reports this op's extent relations to `relations`.",
      "void", "getDimRelations",
      (ins "::mlir::attn::DimRelations &":$relations)>,
  ];
}

#endif // ATTN_INTERFACES_TD
