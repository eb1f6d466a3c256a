//===- AttnOps.td - attn operations -----------------------*- tablegen -*-===//
#ifndef ATTN_OPS_TD
#define ATTN_OPS_TD

include "dialects/attn/IR/AttnBase.td"
include "dialects/attn/IR/AttnAttrs.td"
include "dialects/attn/IR/AttnInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

defvar Attn_FloatTensor = RankedTensorOf<[AnyFloat]>;

// The masking attributes shared by attn.attention and attn.softmax.
// Operand types are checked by the verifiers, which give messages naming the
// operand role rather than its index.
//===----------------------------------------------------------------------===//
// attn.attention
//===----------------------------------------------------------------------===//

def Attn_AttentionOp : Attn_Op<"attention", [
    Pure, AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<Attn_AttentionOpInterface,
                              ["getEffectiveScale", "isGraphRestricted"]>]> {
  let summary = "scaled-dot-product attention with optional masks and window";
  let description = [{
    Fused attention over `(batch, heads, seq, head_dim)` tensors:

    ```
    q : [B, Hq, Sq, D]    k : [B, Hkv, Sk, D]    v : [B, Hkv, Sk, Dv]
    g(h) = h / (Hq / Hkv)                           (grouped-query attention)
    s[b,h,i,j] = scale * sum_d q[b,h,i,d] * k[b,g(h),j,d] + bias[b,h,i,j]
    a[b,h,i,j] = allowed(b,h,i,j)
    p[b,h,i,j] = a ? exp(s - m) / sum_{j' : a} exp(s[..,j'] - m) : 0
                 with m = max_{j : a} s[b,h,i,j]
    out[b,h,i,e] = sum_j p[b,h,i,j] * v[b,g(h),j,e]
    ```

    `allowed` is the conjunction of every mask present:
    `causal` (`j <= i`), `window` (`i - left <= j <= i + right`),
    `key_lengths` (`j < key_lengths[b]`) and `mask` (`mask[b,h,i,j]`). The
    `mask` and `bias` tensors broadcast to `[B, Hq, Sq, Sk]` by NumPy rules
    (right-aligned, each dim 1 or equal). A query row with no allowed key
    yields 0, never NaN.

    `scale` defaults to `1/sqrt(D)` for `scaled_dot` and to 1 for `dot`.
    `Sq != Sk` is cross-attention; `Hkv < Hq` (dividing it) is grouped-query
    attention.

    Example (causal grouped-query attention with padding lengths):

    ```mlir
    func.func @gqa(%q: tensor<2x8x?x64xf32>, %k: tensor<2x2x?x64xf32>,
                   %v: tensor<2x2x?x64xf32>, %len: tensor<2xi32>)
        -> tensor<2x8x?x64xf32> {
      %o = attn.attention scaled_dot %q, %k, %v key_lengths(%len : tensor<2xi32>)
             causal : tensor<2x8x?x64xf32>, tensor<2x2x?x64xf32>,
                      tensor<2x2x?x64xf32> -> tensor<2x8x?x64xf32>
      return %o : tensor<2x8x?x64xf32>
    }
    ```
  }];

  let arguments = (ins
    Attn_FloatTensor:$query,
    Attn_FloatTensor:$key,
    Attn_FloatTensor:$value,
    Optional<AnyRankedTensor>:$mask,
    Optional<AnyRankedTensor>:$bias,
    Optional<AnyRankedTensor>:$key_lengths,
    Attn_ScoreKindAttr:$score,
    OptionalAttr<F64Attr>:$scale,
    UnitAttr:$causal,
    OptionalAttr<Attn_WindowAttr>:$window);
  let results = (outs Attn_FloatTensor:$result);

  let assemblyFormat = [{
    `` $score $query `,` $key `,` $value
    (`mask` `(` $mask^ `:` type($mask) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`key_lengths` `(` $key_lengths^ `:` type($key_lengths) `)`)?
    (`causal` $causal^)?
    (`window` `` $window^)?
    (`scale` `(` $scale^ `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value) `->` type($result)
  }];

  let builders = [
    OpBuilder<(ins "::mlir::Value":$query, "::mlir::Value":$key,
                   "::mlir::Value":$value, "ScoreKind":$score)>
  ];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// attn.graph_attention
//===----------------------------------------------------------------------===//

def Attn_GraphAttentionOp : Attn_Op<"graph_attention", [
    Pure, AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<Attn_AttentionOpInterface,
                              ["getEffectiveScale", "isGraphRestricted"]>]> {
  let summary = "attention restricted to the edges of a CSR graph";
  let description = [{
    Each node attends only to its neighbours. The graph is given in CSR form:
    the neighbours of node `i` are `col_indices[row_offsets[i] ..
    row_offsets[i+1])`; both are rank-1 tensors of i32 or i64, with
    `row_offsets` of length `N + 1`.

    ```
    q : [N, H, D]   k : [N, H, D]   v : [N, H, Dv]   out : [N, H, Dv]
    dot, scaled_dot:  s[i,h,j] = scale * sum_d q[i,h,d] * k[j,h,d]
    additive (GAT):   s[i,h,j] = LeakyReLU(sum_d attn_dst[h,d] * q[i,h,d]
                                         + sum_d attn_src[h,d] * k[j,h,d])
    p[i,h,j] = exp(s[i,h,j] - m) / sum_{j' in N(i)} exp(s[i,h,j'] - m)
    out[i,h,e] = sum_{j in N(i)} p[i,h,j] * v[j,h,e]
    ```

    A node with no neighbours yields 0. In a GAT layer the three operands
    are the same projected features `W h`; the LeakyReLU slope is
    `negative_slope` (0.2 by default). `attn_src` and `attn_dst` are
    `[H, D]` and present exactly when the score is `additive`. The number of
    edges `E` may differ from `N` and is usually dynamic.

    Example (one GAT layer, 8 heads of 8 features):

    ```mlir
    func.func @gat(%wh: tensor<?x8x8xf32>, %rows: tensor<?xi64>,
                   %cols: tensor<?xi64>, %as: tensor<8x8xf32>,
                   %ad: tensor<8x8xf32>) -> tensor<?x8x8xf32> {
      %o = attn.graph_attention additive %wh, %wh, %wh
             csr(%rows, %cols : tensor<?xi64>, tensor<?xi64>)
             attn_vectors(%as, %ad : tensor<8x8xf32>, tensor<8x8xf32>)
             negative_slope(2.000000e-01)
             : tensor<?x8x8xf32>, tensor<?x8x8xf32>, tensor<?x8x8xf32>
             -> tensor<?x8x8xf32>
      return %o : tensor<?x8x8xf32>
    }
    ```
  }];

  let arguments = (ins
    Attn_FloatTensor:$query,
    Attn_FloatTensor:$key,
    Attn_FloatTensor:$value,
    AnyRankedTensor:$row_offsets,
    AnyRankedTensor:$col_indices,
    Optional<Attn_FloatTensor>:$attn_src,
    Optional<Attn_FloatTensor>:$attn_dst,
    Attn_ScoreKindAttr:$score,
    OptionalAttr<F64Attr>:$scale,
    OptionalAttr<F64Attr>:$negative_slope);
  let results = (outs Attn_FloatTensor:$result);

  let assemblyFormat = [{
    `` $score $query `,` $key `,` $value
    `csr` `(` $row_offsets `,` $col_indices `:` type($row_offsets) `,`
              type($col_indices) `)`
    (`attn_vectors` `(` $attn_src^ `,` $attn_dst `:` type($attn_src) `,`
                        type($attn_dst) `)`)?
    (`scale` `(` $scale^ `)`)?
    (`negative_slope` `(` $negative_slope^ `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Decomposed attention: score, softmax, weighted sum
//===----------------------------------------------------------------------===//

def Attn_ScoreOp : Attn_Op<"score", [Pure]> {
  let summary = "the logits of dense attention: scale * Q K^T";
  let description = [{
    ```
    q : [B, Hq, Sq, D]   k : [B, Hkv, Sk, D]   out : [B, Hq, Sq, Sk]
    out[b,h,i,j] = scale * sum_d q[b,h,i,d] * k[b, h / (Hq/Hkv), j, d]
    ```
    The first step of `attn.attention` once `attn-decompose-attention` has
    spelled it out. `scale` is always explicit here.

    ```mlir
    func.func @score(%q: tensor<1x4x7x16xf32>, %k: tensor<1x4x9x16xf32>)
        -> tensor<1x4x7x9xf32> {
      %s = attn.score %q, %k scale(2.500000e-01)
             : tensor<1x4x7x16xf32>, tensor<1x4x9x16xf32> -> tensor<1x4x7x9xf32>
      return %s : tensor<1x4x7x9xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$query, Attn_FloatTensor:$key,
                       F64Attr:$scale);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `scale` `(` $scale `)` attr-dict `:` type($query) `,`
    type($key) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_SoftmaxOp : Attn_Op<"softmax", [Pure, AttrSizedOperandSegments]> {
  let summary = "numerically stable masked softmax over the key dimension";
  let description = [{
    ```
    s : [B, H, Sq, Sk]   out : [B, H, Sq, Sk]
    t[b,h,i,j]   = s[b,h,i,j] + bias[b,h,i,j]
    out[b,h,i,j] = allowed ? exp(t - m) / sum_{j' allowed} exp(t[..,j'] - m) : 0
    ```
    with `m` the row maximum over allowed keys and `allowed` as for
    `attn.attention` (causal, window, key_lengths, boolean mask). Rows with no
    allowed key are all 0.

    ```mlir
    func.func @softmax(%s: tensor<2x4x7x7xf32>, %m: tensor<7x7xi1>)
        -> tensor<2x4x7x7xf32> {
      %p = attn.softmax %s mask(%m : tensor<7x7xi1>)
             window<left = 3, right = 0>
             : tensor<2x4x7x7xf32> -> tensor<2x4x7x7xf32>
      return %p : tensor<2x4x7x7xf32>
    }
    ```
  }];
  let arguments = (ins
    Attn_FloatTensor:$input,
    Optional<AnyRankedTensor>:$mask,
    Optional<AnyRankedTensor>:$bias,
    Optional<AnyRankedTensor>:$key_lengths,
    UnitAttr:$causal,
    OptionalAttr<Attn_WindowAttr>:$window);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input
    (`mask` `(` $mask^ `:` type($mask) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`key_lengths` `(` $key_lengths^ `:` type($key_lengths) `)`)?
    (`causal` $causal^)?
    (`window` `` $window^)?
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Attn_WeightedSumOp : Attn_Op<"weighted_sum", [Pure]> {
  let summary = "the attention output: P V";
  let description = [{
    ```
    p : [B, Hq, Sq, Sk]   v : [B, Hkv, Sk, Dv]   out : [B, Hq, Sq, Dv]
    out[b,h,i,e] = sum_j p[b,h,i,j] * v[b, h / (Hq/Hkv), j, e]
    ```

    ```mlir
    func.func @pv(%p: tensor<1x4x7x9xf32>, %v: tensor<1x2x9x16xf32>)
        -> tensor<1x4x7x16xf32> {
      %o = attn.weighted_sum %p, %v
             : tensor<1x4x7x9xf32>, tensor<1x2x9x16xf32> -> tensor<1x4x7x16xf32>
      return %o : tensor<1x4x7x16xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$probs, Attn_FloatTensor:$value);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $probs `,` $value attr-dict `:` type($probs) `,` type($value) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Projections and head split/merge
//===----------------------------------------------------------------------===//

def Attn_LinearOp : Attn_Op<"linear", [Pure]> {
  let summary = "affine projection of the last dimension: x W^T + b";
  let description = [{
    ```
    x : [..., In]   weight : [Out, In]   bias : [Out]   out : [..., Out]
    out[..., o] = sum_c x[..., c] * weight[o, c] + bias[o]
    ```
    The weight layout is that of PyTorch's `nn.Linear`, so checkpoints load
    without transposition. `bias` is optional.

    ```mlir
    func.func @proj(%x: tensor<2x?x512xf32>, %w: tensor<1536x512xf32>,
                    %b: tensor<1536xf32>) -> tensor<2x?x1536xf32> {
      %y = attn.linear %x, %w bias(%b : tensor<1536xf32>)
             : tensor<2x?x512xf32>, tensor<1536x512xf32> -> tensor<2x?x1536xf32>
      return %y : tensor<2x?x1536xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input, Attn_FloatTensor:$weight,
                       Optional<Attn_FloatTensor>:$bias);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`bias` `(` $bias^ `:` type($bias) `)`)?
    attr-dict `:` type($input) `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_SplitHeadsOp : Attn_Op<"split_heads", [Pure]> {
  let summary = "split the model dimension into heads";
  let description = [{
    Sequences go head-major, graphs keep nodes first:

    ```
    x : [B, S, H*D]  ->  out : [B, H, S, D]   out[b,h,s,d] = x[b,s,h*D+d]
    x : [N, H*D]     ->  out : [N, H, D]      out[n,h,d]   = x[n,h*D+d]
    ```
    `heads` must divide the model dimension.

    ```mlir
    func.func @split(%x: tensor<2x?x512xf32>) -> tensor<2x8x?x64xf32> {
      %h = attn.split_heads %x heads(8)
             : tensor<2x?x512xf32> -> tensor<2x8x?x64xf32>
      return %h : tensor<2x8x?x64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input,
                       ConfinedAttr<I64Attr, [IntPositive]>:$heads);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input `heads` `(` $heads `)` attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Attn_MergeHeadsOp : Attn_Op<"merge_heads", [Pure]> {
  let summary = "merge heads back into the model dimension, or average them";
  let description = [{
    The inverse of `attn.split_heads`, or with `mean` the mean over heads
    (the output layer of a GAT):

    ```
    concat: [B, H, S, D] -> [B, S, H*D]     [N, H, D] -> [N, H*D]
    mean:   [B, H, S, D] -> [B, S, D]       [N, H, D] -> [N, D]
    ```

    ```mlir
    func.func @merge(%h: tensor<?x8x7xf32>) -> (tensor<?x56xf32>, tensor<?x7xf32>) {
      %c = attn.merge_heads %h : tensor<?x8x7xf32> -> tensor<?x56xf32>
      %m = attn.merge_heads %h mean : tensor<?x8x7xf32> -> tensor<?x7xf32>
      return %c, %m : tensor<?x56xf32>, tensor<?x7xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input, UnitAttr:$mean);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`mean` $mean^)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// The layers around attention: embeddings, normalisation, activations
//===----------------------------------------------------------------------===//

def Attn_EmbeddingOp : Attn_Op<"embedding", [Pure]> {
  let summary = "look rows of a table up by integer ids";
  let description = [{
    ```
    table : [V, E]   ids : [d0, ..., dn] (i32 or i64)   out : [d0, ..., dn, E]
    out[..., e] = table[ids[...], e]
    ```
    Ids outside `[0, V)` are an error at run time (the kernel clamps them,
    the runtime does not check them: callers own their vocabulary).

    ```mlir
    func.func @embed(%t: tensor<1000x256xf32>, %ids: tensor<2x?xi32>) -> tensor<2x?x256xf32> {
      %x = attn.embedding %t, %ids : tensor<1000x256xf32>, tensor<2x?xi32> -> tensor<2x?x256xf32>
      return %x : tensor<2x?x256xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$table, AnyRankedTensor:$ids);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $table `,` $ids attr-dict `:` type($table) `,` type($ids) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_PositionalEncodingOp : Attn_Op<"positional_encoding", [Pure]> {
  let summary = "add a position code to every token";
  let description = [{
    ```
    x : [B, S, E]   out : [B, S, E]   out[b, s, e] = x[b, s, e] + pe[s, e]
    sinusoidal: pe[s, 2k] = sin(s / 10000^(2k/E)), pe[s, 2k+1] = cos(s / 10000^(2k/E))
    learned:    pe = table[0 .. S), table : [S_max, E]
    ```
    With a learned table, a sequence longer than `S_max` is an error at run
    time.

    ```mlir
    func.func @pe(%x: tensor<2x?x64xf32>, %t: tensor<512x64xf32>) -> (tensor<2x?x64xf32>, tensor<2x?x64xf32>) {
      %a = attn.positional_encoding sinusoidal %x : tensor<2x?x64xf32> -> tensor<2x?x64xf32>
      %b = attn.positional_encoding learned %x table(%t : tensor<512x64xf32>) : tensor<2x?x64xf32> -> tensor<2x?x64xf32>
      return %a, %b : tensor<2x?x64xf32>, tensor<2x?x64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_PositionalKindAttr:$kind, Attn_FloatTensor:$input,
                       Optional<Attn_FloatTensor>:$table);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    `` $kind $input (`table` `(` $table^ `:` type($table) `)`)?
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_AddOp : Attn_Op<"add", [Pure, AllTypesMatch<["lhs", "result"]>]> {
  let summary = "elementwise sum: residual connections and bias vectors";
  let description = [{
    `out = lhs + rhs`, where `rhs` broadcasts to `lhs` by NumPy rules
    (right-aligned, each dim 1 or equal): a residual adds two tensors of one
    shape, a bias adds a `[E]` vector to every row. The result has the type
    of `lhs`.

    ```mlir
    func.func @residual(%x: tensor<2x?x64xf32>, %y: tensor<2x?x64xf32>, %b: tensor<64xf32>) -> tensor<2x?x64xf32> {
      %z = attn.add %x, %y : tensor<2x?x64xf32>, tensor<2x?x64xf32>
      %w = attn.add %z, %b : tensor<2x?x64xf32>, tensor<64xf32>
      return %w : tensor<2x?x64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$lhs, Attn_FloatTensor:$rhs);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)
  }];
  let hasVerifier = 1;
}

def Attn_LayerNormOp : Attn_Op<"layer_norm", [Pure]> {
  let summary = "normalise the last dimension, then scale and shift";
  let description = [{
    ```
    x : [..., E]   gamma, beta : [E]
    mu = mean_e x[..., e]     var = mean_e (x[..., e] - mu)^2
    out[..., e] = (x[..., e] - mu) / sqrt(var + epsilon) * gamma[e] + beta[e]
    ```
    The variance is the biased one, as in PyTorch's `nn.LayerNorm`.

    ```mlir
    func.func @ln(%x: tensor<2x?x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<2x?x64xf32> {
      %y = attn.layer_norm %x, %g, %b epsilon(1.000000e-05) : tensor<2x?x64xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<2x?x64xf32>
      return %y : tensor<2x?x64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input, Attn_FloatTensor:$gamma,
                       Attn_FloatTensor:$beta,
                       DefaultValuedAttr<F64Attr, "1e-5">:$epsilon);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta `epsilon` `(` $epsilon `)` attr-dict `:`
    type($input) `,` type($gamma) `,` type($beta) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_ActivationOp : Attn_Op<"activation", [Pure, SameOperandsAndResultType]> {
  let summary = "an elementwise activation: relu, gelu or elu";
  let description = [{
    ```
    relu(x) = max(x, 0)
    gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))   (PyTorch's approximate="tanh")
    elu(x)  = x > 0 ? x : exp(x) - 1                              (alpha = 1)
    ```

    ```mlir
    func.func @act(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
      %y = attn.activation elu %x : tensor<?x64xf32>
      return %y : tensor<?x64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_ActivationKindAttr:$kind, Attn_FloatTensor:$input);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = "`` $kind $input attr-dict `:` type($result)";
}

def Attn_DropoutOp : Attn_Op<"dropout", [Pure, SameOperandsAndResultType]> {
  let summary = "dropout: identity at inference";
  let description = [{
    Zeroes each element with probability `rate` and scales the others by
    `1 / (1 - rate)` when training; the identity when running inference,
    which is what inference modules compile it to. `rate` is in `[0, 1)`.

    ```mlir
    func.func @drop(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
      %y = attn.dropout %x rate(6.000000e-01) : tensor<?x64xf32>
      return %y : tensor<?x64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input, F64Attr:$rate);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = "$input `rate` `(` $rate `)` attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Attn_LogSoftmaxOp : Attn_Op<"log_softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "log of the softmax over the last dimension";
  let description = [{
    `out[..., c] = x[..., c] - m - log(sum_c' exp(x[..., c'] - m))`, with
    `m = max_c x[..., c]` for stability.

    ```mlir
    func.func @logp(%x: tensor<?x7xf32>) -> tensor<?x7xf32> {
      %y = attn.log_softmax %x : tensor<?x7xf32>
      return %y : tensor<?x7xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

#endif // ATTN_OPS_TD
