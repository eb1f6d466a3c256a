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

def BuildTrainingStepPass : Pass<"attn-build-training-step", "::mlir::ModuleOp"> {
  let summary = "Derive a training step (loss and parameter gradients) from each model";
  let description = [{
    For every public function `@f` whose single result is a log-probability
    tensor `[N, C]`, adds `@f_train`: the same computation with dropout in
    training mode, followed by the mean NLL loss over a mask and the
    reverse sweep that computes the gradient of that loss with respect to
    every parameter.

    `@f_train` takes `@f`'s inputs, then `labels` [N] (i32), `train_mask`
    [N] (i1), `seed` [1] (i64) and, for each graph of a graph attention,
    its transposed graph `<g>.t_offsets`, `<g>.t_destinations`,
    `<g>.t_edges`. It returns `loss` [1] and `grad.<p>` for every parameter
    `p` (a floating-point input whose `attn.name` has a dot), in input order.

    The reverse sweep walks the ops backwards and asks each op, through
    DifferentiableOpInterface, for its vector-Jacobian product; gradients
    of values used more than once are summed with `attn.add`. Every
    dropout gets the step's seed and a salt of its own, so the backward
    pass regenerates the masks of the forward pass.
  }];
  let dependentDialects = ["::mlir::attn::AttnDialect",
                           "::mlir::func::FuncDialect"];
}

#endif // ATTN_TRANSFORMS_PASSES_TD
