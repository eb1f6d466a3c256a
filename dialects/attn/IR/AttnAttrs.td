//===- AttnAttrs.td - attn attributes ---------------------*- tablegen -*-===//
#ifndef ATTN_ATTRS_TD
#define ATTN_ATTRS_TD

include "dialects/attn/IR/AttnBase.td"

def Attn_ScoreDot       : I32EnumAttrCase<"dot", 0>;
def Attn_ScoreScaledDot : I32EnumAttrCase<"scaled_dot", 1>;
def Attn_ScoreAdditive  : I32EnumAttrCase<"additive", 2>;

def Attn_ScoreKind : I32EnumAttr<"ScoreKind",
    "how a query/key pair is turned into a logit",
    [Attn_ScoreDot, Attn_ScoreScaledDot, Attn_ScoreAdditive]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::attn";
}

// Prints bare inside ops: `attn.attention scaled_dot ...`.
def Attn_ScoreKindAttr : EnumAttr<Attn_Dialect, Attn_ScoreKind, "score">;

// `gelu` is GELU's tanh approximation, 0.5 x (1 + tanh(sqrt(2/pi) (x +
// 0.044715 x^3))); `gelu_erf` the exact form x Phi(x) = 0.5 x (1 +
// erf(x / sqrt(2))), PyTorch's nn.GELU() default.
def Attn_ActivationRelu : I32EnumAttrCase<"relu", 0>;
def Attn_ActivationGelu : I32EnumAttrCase<"gelu", 1>;
def Attn_ActivationElu  : I32EnumAttrCase<"elu", 2>;
def Attn_ActivationGeluErf : I32EnumAttrCase<"gelu_erf", 3>;
def Attn_ActivationKind : I32EnumAttr<"ActivationKind",
    "an elementwise activation function",
    [Attn_ActivationRelu, Attn_ActivationGelu, Attn_ActivationElu,
     Attn_ActivationGeluErf]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::attn";
}
def Attn_ActivationKindAttr
    : EnumAttr<Attn_Dialect, Attn_ActivationKind, "activation">;

def Attn_PositionalSinusoidal : I32EnumAttrCase<"sinusoidal", 0>;
def Attn_PositionalLearned    : I32EnumAttrCase<"learned", 1>;
def Attn_PositionalKind : I32EnumAttr<"PositionalKind",
    "how positions are encoded",
    [Attn_PositionalSinusoidal, Attn_PositionalLearned]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::attn";
}
def Attn_PositionalKindAttr
    : EnumAttr<Attn_Dialect, Attn_PositionalKind, "positional">;

def Attn_PoolMean  : I32EnumAttrCase<"mean", 0>;
def Attn_PoolFirst : I32EnumAttrCase<"first", 1>;
def Attn_PoolMax   : I32EnumAttrCase<"max", 2>;
def Attn_PoolKind : I32EnumAttr<"PoolKind",
    "how a sequence is pooled into one vector",
    [Attn_PoolMean, Attn_PoolFirst, Attn_PoolMax]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::attn";
}
def Attn_PoolKindAttr : EnumAttr<Attn_Dialect, Attn_PoolKind, "pool">;

def Attn_WindowAttr : Attn_Attr<"Window", "window"> {
  let summary = "a band of keys around each query: i - left <= j <= i + right";
  let description = [{
    Query position `i` attends to key position `j` only when
    `i - left <= j <= i + right`. Both extents are non-negative, so the band
    always contains the diagonal. `#attn.window<left = 256, right = 0>` is the
    look-back window of streaming speech models; `left = 2, right = 2` is
    the symmetric "truncated" window of non-streaming ones.
  }];
  let parameters = (ins "int64_t":$left, "int64_t":$right);
  let assemblyFormat = "`<` `left` `=` $left `,` `right` `=` $right `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Roles of entry arguments and results (the module ABI's, runtime/module_abi.h)
//===----------------------------------------------------------------------===//

def Attn_RoleData           : I32EnumAttrCase<"data", 0>;
def Attn_RoleParameter      : I32EnumAttrCase<"parameter", 1>;
def Attn_RoleLabels         : I32EnumAttrCase<"labels", 2>;
def Attn_RoleLossMask       : I32EnumAttrCase<"loss_mask", 3>;
def Attn_RoleSeed           : I32EnumAttrCase<"seed", 4>;
def Attn_RoleMask           : I32EnumAttrCase<"mask", 5>;
def Attn_RoleBias           : I32EnumAttrCase<"bias", 6>;
def Attn_RoleKeyLengths     : I32EnumAttrCase<"key_lengths", 7>;
def Attn_RoleRowOffsets     : I32EnumAttrCase<"row_offsets", 8>;
def Attn_RoleColIndices     : I32EnumAttrCase<"col_indices", 9>;
def Attn_RoleSparseColIndices : I32EnumAttrCase<"sparse_col_indices", 10>;
def Attn_RoleSparseValues   : I32EnumAttrCase<"sparse_values", 11>;
def Attn_RoleTOffsets       : I32EnumAttrCase<"t_offsets", 12>;
def Attn_RoleTDestinations  : I32EnumAttrCase<"t_destinations", 13>;
def Attn_RoleTEdges         : I32EnumAttrCase<"t_edges", 14>;
def Attn_RoleOutput         : I32EnumAttrCase<"output", 15>;
def Attn_RoleLoss           : I32EnumAttrCase<"loss", 16>;
def Attn_RoleGradient       : I32EnumAttrCase<"gradient", 17>;

def Attn_Role : I32EnumAttr<"Role",
    "what an entry argument or result means to the runtime and its callers",
    [Attn_RoleData, Attn_RoleParameter, Attn_RoleLabels, Attn_RoleLossMask,
     Attn_RoleSeed, Attn_RoleMask, Attn_RoleBias, Attn_RoleKeyLengths,
     Attn_RoleRowOffsets, Attn_RoleColIndices, Attn_RoleSparseColIndices,
     Attn_RoleSparseValues, Attn_RoleTOffsets, Attn_RoleTDestinations,
     Attn_RoleTEdges, Attn_RoleOutput, Attn_RoleLoss, Attn_RoleGradient]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::attn";
}

// `{attn.role = #attn.role<parameter>}` on a func argument or result. Set by
// the model frontend and the training pass; hand-written IR may leave it
// out (docs/runtime.md, "Roles"). Related attributes:
//   attn.init = #attn.init<glorot>   a parameter's initialisation rule;
//   attn.grad_of = K : i64           a gradient result: of argument K;
//   attn.transpose_of = K : i64      a transposed-graph argument: of the
//                                    graph whose row offsets are argument K.
def Attn_RoleAttr : EnumAttr<Attn_Dialect, Attn_Role, "role"> {
  let assemblyFormat = "`<` $value `>`";
}

def Attn_InitZeros  : I32EnumAttrCase<"zeros", 1>;
def Attn_InitOnes   : I32EnumAttrCase<"ones", 2>;
def Attn_InitGlorot : I32EnumAttrCase<"glorot", 3>;
def Attn_InitKind : I32EnumAttr<"InitKind",
    "how a parameter is initialised from a seed",
    [Attn_InitZeros, Attn_InitOnes, Attn_InitGlorot]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::attn";
}
def Attn_InitKindAttr : EnumAttr<Attn_Dialect, Attn_InitKind, "init"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // ATTN_ATTRS_TD
