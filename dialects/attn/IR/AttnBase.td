//===- AttnBase.td - attn dialect definition -------------*- tablegen -*-===//
#ifndef ATTN_BASE_TD
#define ATTN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "dialects/attn/IR/AttnInterfaces.td"

def Attn_Dialect : Dialect {
  let name = "attn";
  let cppNamespace = "::mlir::attn";
  let summary = "Attention computations: dense, masked, truncated and graph-restricted";
  let description = [{
    The `attn` dialect expresses attention at the level a model author thinks
    of it: scaled-dot-product attention over (batch, heads, seq, head_dim)
    tensors with its masks and windows, attention restricted to the edges of
    a graph given in CSR form, and the projections and head split/merge that
    multi-head attention needs. Fused ops carry their semantics as math in
    their descriptions; `attn-decompose-attention` spells the score function,
    the scale and the softmax out as separate ops.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 0;
  // attn.role, attn.init, attn.grad_of, attn.transpose_of on func arguments
  // and results (AttnAttrs.td).
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    static constexpr ::llvm::StringLiteral kRoleAttr = "attn.role";
    static constexpr ::llvm::StringLiteral kInitAttr = "attn.init";
    static constexpr ::llvm::StringLiteral kGradOfAttr = "attn.grad_of";
    static constexpr ::llvm::StringLiteral kTransposeOfAttr =
        "attn.transpose_of";
    /// On an argument: its source's symbolic size of each dim ("" for
    /// none); arguments' dims of one name are equal at run time. A CSR row
    /// offsets argument names its row count (its length is that + 1).
    static constexpr ::llvm::StringLiteral kDimsAttr = "attn.dims";
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

// Every op states how the extents of its operands and results relate
// (DimRelationsOpInterface, implemented beside its verifier): the backend
// and the runtime's shape checks take them from there, never restate them.
class Attn_Op<string mnemonic, list<Trait> traits = []>
    : Op<Attn_Dialect, mnemonic,
         !listconcat(traits,
                     [DeclareOpInterfaceMethods<Attn_DimRelationsOpInterface>])>;

class Attn_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Attn_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // ATTN_BASE_TD
