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

#endif // ATTN_ATTRS_TD
