//===- Passes.td - attn dialect passes --------------------*- tablegen -*-===//
#ifndef ATTN_TRANSFORMS_PASSES_TD
#define ATTN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DecomposeAttentionPass : Pass<"attn-decompose-attention"> {
  let summary = "Spell fused attention out as score, softmax and weighted sum";
  let description = [{
    Rewrites every `attn.attention` into `attn.score` (with the effective
    scale made explicit), `attn.softmax` (carrying all masks) and
    `attn.weighted_sum`. The decomposed form materialises the
    `[B, H, Sq, Sk]` logits, so it is the reference form for inspection and
    for checking a fused kernel, not what the CPU pipeline compiles.

    An attention whose scale is implicit and whose head_dim is dynamic has
    no compile-time scale; it is left fused with a warning.
  }];
  let dependentDialects = ["::mlir::attn::AttnDialect"];
}

def MaterializeScalePass : Pass<"attn-materialize-scale"> {
  let summary = "Make the implicit 1/sqrt(head_dim) scale an explicit attribute";
  let description = [{
    Sets `scale` on every `scaled_dot` attention whose head_dim is static
    and whose scale is implicit, so that later stages read one number
    instead of re-deriving it.
  }];
  let dependentDialects = ["::mlir::attn::AttnDialect"];
}

#endif // ATTN_TRANSFORMS_PASSES_TD
