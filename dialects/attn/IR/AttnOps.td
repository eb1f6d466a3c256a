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
                              ["getEffectiveScale", "isGraphRestricted"]>,
    DeclareOpInterfaceMethods<Attn_DifferentiableOpInterface>]> {
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

    A node with no neighbours yields 0. With `attention_dropout(rate)` and a
    seed (training), each coefficient `p[i,h,j]` of edge `e` is dropped like
    `attn.dropout` drops element `e * H + h`, and the kept ones scaled by
    `1 / (1 - rate)`; without a seed the rate is recorded and ignored.
    In a GAT layer the three operands
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
    Optional<AnyRankedTensor>:$seed,
    Attn_ScoreKindAttr:$score,
    OptionalAttr<F64Attr>:$scale,
    OptionalAttr<F64Attr>:$negative_slope,
    OptionalAttr<F64Attr>:$attention_dropout,
    DefaultValuedAttr<I64Attr, "0">:$salt);
  let results = (outs Attn_FloatTensor:$result);

  let assemblyFormat = [{
    `` $score $query `,` $key `,` $value
    `csr` `(` $row_offsets `,` $col_indices `:` type($row_offsets) `,`
              type($col_indices) `)`
    (`attn_vectors` `(` $attn_src^ `,` $attn_dst `:` type($attn_src) `,`
                        type($attn_dst) `)`)?
    (`scale` `(` $scale^ `)`)?
    (`negative_slope` `(` $negative_slope^ `)`)?
    (`attention_dropout` `(` $attention_dropout^ `)`)?
    (`seed` `(` $seed^ `:` type($seed) `)` `salt` `(` $salt `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value) `->` type($result)
  }];
  let builders = [
    // Inference form: no attention dropout, no seed.
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$query,
                   "::mlir::Value":$key, "::mlir::Value":$value,
                   "::mlir::Value":$rowOffsets, "::mlir::Value":$colIndices,
                   "::mlir::Value":$attnSrc, "::mlir::Value":$attnDst,
                   "ScoreKind":$score, "::mlir::FloatAttr":$scale,
                   "::mlir::FloatAttr":$negativeSlope), [{
      build($_builder, $_state, result, query, key, value, rowOffsets,
            colIndices, attnSrc, attnDst, /*seed=*/::mlir::Value(), score,
            scale, negativeSlope, /*attention_dropout=*/::mlir::FloatAttr(),
            /*salt=*/0);
    }]>
  ];
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

def Attn_LinearOp : Attn_Op<"linear", [Pure,
    DeclareOpInterfaceMethods<Attn_DifferentiableOpInterface>]> {
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

def Attn_SparseLinearOp : Attn_Op<"sparse_linear", [Pure,
    AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<Attn_DifferentiableOpInterface>]> {
  let summary = "x W^T + b for a sparse x in CSR form, with optional input dropout";
  let description = [{
    The input is a sparse matrix `x : [N, In]` in CSR form: the stored
    entries of row `n` are `values[r]` at column `col_indices[r]` for `r` in
    `[row_offsets[n], row_offsets[n+1])`; `row_offsets` has `N + 1` entries.
    ```
    weight : [Out, In]   bias : [Out]   out : [N, Out]
    out[n, o] = sum_r keep(n * In + col_indices[r]) * values[r] * weight[o, col_indices[r]] + bias[o]
    ```
    The work is proportional to the stored entries, not to `N * In`: the
    first layer of a GNN over bag-of-words or one-hot features (Cora's are
    98.7% zeros) costs a gather of a few weight columns per node.

    `input_dropout(rate)` drops entries of `x` as `attn.dropout` drops the
    dense `[N, In]` tensor (counter `n * In + c`, the row-major index), so
    the dense and the sparse formulation of a model draw the same masks.
    Without a seed (inference) the rate is recorded and ignored. Zeros are
    not stored and dropping them changes nothing. Duplicate column indices
    in a row add up.

    ```mlir
    func.func @first_layer(%rows: tensor<?xi64>, %cols: tensor<?xi64>,
                           %vals: tensor<?xf32>, %w: tensor<64x1433xf32>,
                           %seed: tensor<1xi64>) -> tensor<?x64xf32> {
      %y = attn.sparse_linear %rows, %cols, %vals, %w input_dropout(6.000000e-01)
             seed(%seed : tensor<1xi64>) salt(1)
             : tensor<?xi64>, tensor<?xi64>, tensor<?xf32>, tensor<64x1433xf32> -> tensor<?x64xf32>
      return %y : tensor<?x64xf32>
    }
    ```
  }];
  let arguments = (ins AnyRankedTensor:$row_offsets,
                       AnyRankedTensor:$col_indices,
                       Attn_FloatTensor:$values, Attn_FloatTensor:$weight,
                       Optional<Attn_FloatTensor>:$bias,
                       Optional<AnyRankedTensor>:$seed,
                       OptionalAttr<F64Attr>:$input_dropout,
                       DefaultValuedAttr<I64Attr, "0">:$salt);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $row_offsets `,` $col_indices `,` $values `,` $weight
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`input_dropout` `(` $input_dropout^ `)`)?
    (`seed` `(` $seed^ `:` type($seed) `)` `salt` `(` $salt `)`)?
    attr-dict `:` type($row_offsets) `,` type($col_indices) `,` type($values)
    `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_SplitHeadsOp : Attn_Op<"split_heads", [Pure,
    DeclareOpInterfaceMethods<Attn_DifferentiableOpInterface>]> {
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

def Attn_MergeHeadsOp : Attn_Op<"merge_heads", [Pure,
    DeclareOpInterfaceMethods<Attn_DifferentiableOpInterface>]> {
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
    Ids outside `[0, V)` are an error at run time: the op states the
    relation (`DimRelations::indexes`), and the runtime refuses such ids in
    an entry's input before the kernel runs, naming the first one by its
    flat index (the kernel would clamp them).

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

def Attn_AddOp : Attn_Op<"add", [Pure, AllTypesMatch<["lhs", "result"]>,
    DeclareOpInterfaceMethods<Attn_DifferentiableOpInterface>]> {
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

def Attn_ActivationOp : Attn_Op<"activation", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<Attn_DifferentiableOpInterface>]> {
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

def Attn_DropoutOp : Attn_Op<"dropout", [Pure, AllTypesMatch<["input", "result"]>,
    DeclareOpInterfaceMethods<Attn_DifferentiableOpInterface>]> {
  let summary = "dropout: identity at inference, a seeded mask in training";
  let description = [{
    Without a seed (inference) this is the identity. With a seed (training,
    as `attn-build-training-step` makes it), element `n` (row-major flat
    index) is kept when `u(seed, salt, n) >= rate` and scaled by
    `1 / (1 - rate)`, else zeroed, where `u` is attnc's counter-based
    uniform in [0, 1) (docs/training.md): the same seed, salt and index
    always give the same mask, so the backward pass regenerates it instead
    of storing it. `rate` is in `[0, 1)`; `salt` tells dropouts apart.

    ```mlir
    func.func @drop(%x: tensor<?x64xf32>, %seed: tensor<1xi64>) -> (tensor<?x64xf32>, tensor<?x64xf32>) {
      %y = attn.dropout %x rate(6.000000e-01) : tensor<?x64xf32>
      %z = attn.dropout %x rate(6.000000e-01) seed(%seed : tensor<1xi64>) salt(3) : tensor<?x64xf32>
      return %y, %z : tensor<?x64xf32>, tensor<?x64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input, F64Attr:$rate,
                       Optional<AnyRankedTensor>:$seed,
                       DefaultValuedAttr<I64Attr, "0">:$salt);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input `rate` `(` $rate `)` (`seed` `(` $seed^ `:` type($seed) `)` `salt` `(` $salt `)`)?
    attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_LogSoftmaxOp : Attn_Op<"log_softmax", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<Attn_DifferentiableOpInterface>]> {
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

//===----------------------------------------------------------------------===//
// Padding masks, pooling and normalisation (sentence encoders)
//===----------------------------------------------------------------------===//

def Attn_KeyPaddingMaskOp : Attn_Op<"key_padding_mask", [Pure]> {
  let summary = "a tokenizer's attention_mask as attention's key mask";
  let description = [{
    ```
    attention_mask : [B, S] (i1 or integer)   out : [B, 1, 1, S] (i1)
    out[b, 0, 0, j] = attention_mask[b, j] != 0
    ```
    The key-padding form of `attn.attention`'s `mask` operand: key `j` of
    sequence `b` is attended iff its mask is nonzero, whatever side the
    padding is on (`key_lengths` only describe right padding). The result
    broadcasts over heads and queries; it is an index remapping that the
    attention kernel reads in place.

    ```mlir
    func.func @kpm(%m: tensor<?x?xi64>) -> tensor<?x1x1x?xi1> {
      %k = attn.key_padding_mask %m : tensor<?x?xi64> -> tensor<?x1x1x?xi1>
      return %k : tensor<?x1x1x?xi1>
    }
    ```
  }];
  let arguments = (ins AnyRankedTensor:$attention_mask);
  let results = (outs RankedTensorOf<[I1]>:$result);
  let assemblyFormat = [{
    $attention_mask attr-dict `:` type($attention_mask) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_PoolOp : Attn_Op<"pool", [Pure]> {
  let summary = "pool a sequence into one vector: mean, first token or max";
  let description = [{
    ```
    x : [B, S, D]   attention_mask : [B, S] (optional; i1 or integer)
    out : [B, D]
    keep(b, s) = attention_mask ? attention_mask[b, s] != 0 : true
    mean:  out[b, d] = sum_{s : keep} x[b, s, d] / #{s : keep}    (0 if none)
    first: out[b, d] = x[b, 0, d]                                  (CLS pooling)
    max:   out[b, d] = max_{s : keep} x[b, s, d]                   (0 if none)
    ```
    The pooling of sentence encoders over a tokenizer's `attention_mask`
    (any padding side). `first` ignores the mask, as BERT's CLS pooling
    does. A sequence with no kept position pools to 0, never NaN or -inf.
    Inference only: the op has no gradient.

    ```mlir
    func.func @pool(%x: tensor<?x?x64xf32>, %m: tensor<?x?xi64>) -> tensor<?x64xf32> {
      %y = attn.pool mean %x attention_mask(%m : tensor<?x?xi64>)
             : tensor<?x?x64xf32> -> tensor<?x64xf32>
      return %y : tensor<?x64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_PoolKindAttr:$kind, Attn_FloatTensor:$input,
                       Optional<AnyRankedTensor>:$attention_mask);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    `` $kind $input
    (`attention_mask` `(` $attention_mask^ `:` type($attention_mask) `)`)?
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_L2NormalizeOp : Attn_Op<"l2_normalize", [Pure,
    SameOperandsAndResultType]> {
  let summary = "divide each vector by its Euclidean norm";
  let description = [{
    ```
    out[..., d] = x[..., d] / max(sqrt(sum_d' x[..., d']^2), epsilon)
    ```
    PyTorch's `F.normalize(x, p=2, dim=-1, eps=epsilon)` (default epsilon
    1e-12): the last step of sentence-embedding models, so that a dot
    product is a cosine similarity. Inference only: the op has no gradient.

    ```mlir
    func.func @l2(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
      %y = attn.l2_normalize %x epsilon(1.000000e-12) : tensor<?x64xf32>
      return %y : tensor<?x64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input,
                       DefaultValuedAttr<F64Attr, "1e-12">:$epsilon);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input `epsilon` `(` $epsilon `)` attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Training: the loss and the gradient ops attn-build-training-step emits
//===----------------------------------------------------------------------===//

def Attn_NllLossOp : Attn_Op<"nll_loss", [Pure]> {
  let summary = "mean negative log-likelihood over the masked rows";
  let description = [{
    ```
    logp : [N, C]   labels : [N] (i32, i64)   mask : [N] (i1)   out : [1]
    out[0] = -(1 / M) sum_{n : mask[n]} logp[n, labels[n]],  M = #{n : mask[n]}
    ```
    0 when no row is masked in. Labels of rows that are masked out are
    never read, so they may be anything (-1 for unlabelled nodes).

    ```mlir
    func.func @loss(%logp: tensor<?x7xf32>, %y: tensor<?xi32>, %m: tensor<?xi1>) -> tensor<1xf32> {
      %l = attn.nll_loss %logp, %y, %m : tensor<?x7xf32>, tensor<?xi32>, tensor<?xi1> -> tensor<1xf32>
      return %l : tensor<1xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$logp, AnyRankedTensor:$labels,
                       AnyRankedTensor:$mask);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $logp `,` $labels `,` $mask attr-dict `:` type($logp) `,` type($labels)
    `,` type($mask) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_NllLossGradOp : Attn_Op<"nll_loss_grad", [Pure, AllTypesMatch<["logp", "result"]>]> {
  let summary = "the gradient of attn.nll_loss with respect to logp";
  let description = [{
    The gradient of the mean loss itself (the seed of the backward pass):
    `out[n, c] = -1 / M` where `mask[n]` and `c == labels[n]`, else 0.

    ```mlir
    func.func @dloss(%logp: tensor<?x7xf32>, %y: tensor<?xi32>, %m: tensor<?xi1>) -> tensor<?x7xf32> {
      %g = attn.nll_loss_grad %logp, %y, %m : tensor<?x7xf32>, tensor<?xi32>, tensor<?xi1>
      return %g : tensor<?x7xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$logp, AnyRankedTensor:$labels,
                       AnyRankedTensor:$mask);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $logp `,` $labels `,` $mask attr-dict `:` type($logp) `,`
    type($labels) `,` type($mask)
  }];
}

def Attn_LogSoftmaxGradOp : Attn_Op<"log_softmax_grad", [Pure, AllTypesMatch<["output", "grad", "result"]>]> {
  let summary = "the gradient of attn.log_softmax, from its output";
  let description = [{
    `dx[..., c] = dy[..., c] - exp(y[..., c]) * sum_c' dy[..., c']`, with `y`
    the log-softmax output.

    ```mlir
    func.func @dlsm(%y: tensor<?x7xf32>, %dy: tensor<?x7xf32>) -> tensor<?x7xf32> {
      %dx = attn.log_softmax_grad %y, %dy : tensor<?x7xf32>
      return %dx : tensor<?x7xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$output, Attn_FloatTensor:$grad);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = "$output `,` $grad attr-dict `:` type($result)";
}

def Attn_ActivationGradOp : Attn_Op<"activation_grad", [Pure, AllTypesMatch<["input", "grad", "result"]>]> {
  let summary = "the gradient of attn.activation, from its input";
  let description = [{
    `dx = dy * f'(x)`: relu' = (x > 0), elu' = (x > 0 ? 1 : exp(x)), gelu'
    the derivative of the tanh approximation.

    ```mlir
    func.func @dact(%x: tensor<?x64xf32>, %dy: tensor<?x64xf32>) -> tensor<?x64xf32> {
      %dx = attn.activation_grad elu %x, %dy : tensor<?x64xf32>
      return %dx : tensor<?x64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_ActivationKindAttr:$kind, Attn_FloatTensor:$input,
                       Attn_FloatTensor:$grad);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = "`` $kind $input `,` $grad attr-dict `:` type($result)";
}

def Attn_LinearGradInputOp : Attn_Op<"linear_grad_input", [Pure]> {
  let summary = "the gradient of attn.linear with respect to its input: dy W";
  let description = [{
    ```
    dy : [..., Out]   weight : [Out, In]   out : [..., In]
    out[..., c] = sum_o dy[..., o] * weight[o, c]
    ```

    ```mlir
    func.func @dx(%dy: tensor<?x64xf32>, %w: tensor<64x1433xf32>) -> tensor<?x1433xf32> {
      %dx = attn.linear_grad_input %dy, %w : tensor<?x64xf32>, tensor<64x1433xf32> -> tensor<?x1433xf32>
      return %dx : tensor<?x1433xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$grad, Attn_FloatTensor:$weight);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $weight attr-dict `:` type($grad) `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_LinearGradWeightOp : Attn_Op<"linear_grad_weight", [Pure]> {
  let summary = "the gradient of attn.linear with respect to its weight";
  let description = [{
    ```
    dy : [..., Out]   x : [..., In]   out : [Out, In]
    out[o, c] = sum over every leading index of dy[..., o] * x[..., c]
    ```

    ```mlir
    func.func @dw(%dy: tensor<?x64xf32>, %x: tensor<?x1433xf32>) -> tensor<64x1433xf32> {
      %dw = attn.linear_grad_weight %dy, %x : tensor<?x64xf32>, tensor<?x1433xf32> -> tensor<64x1433xf32>
      return %dw : tensor<64x1433xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$grad, Attn_FloatTensor:$input);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $input attr-dict `:` type($grad) `,` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_SparseLinearGradWeightOp : Attn_Op<"sparse_linear_grad_weight", [Pure]> {
  let summary = "the gradient of attn.sparse_linear with respect to its weight";
  let description = [{
    ```
    dy : [N, Out]   x : [N, In] in CSR (row_offsets, col_indices, values)
    out[o, c] = sum over stored entries r of row n with col_indices[r] = c
                of dy[n, o] * keep(n * In + c) * values[r]
    ```
    `In` is the result's second dim, which must be static (no operand
    carries it). The dropout mask is that of the
    forward `attn.sparse_linear` with the same rate, seed and salt.

    ```mlir
    func.func @dw(%dy: tensor<?x64xf32>, %rows: tensor<?xi64>, %cols: tensor<?xi64>,
                  %vals: tensor<?xf32>) -> tensor<64x1433xf32> {
      %dw = attn.sparse_linear_grad_weight %dy, %rows, %cols, %vals
              : tensor<?x64xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xf32> -> tensor<64x1433xf32>
      return %dw : tensor<64x1433xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$grad, AnyRankedTensor:$row_offsets,
                       AnyRankedTensor:$col_indices, Attn_FloatTensor:$values,
                       Optional<AnyRankedTensor>:$seed,
                       OptionalAttr<F64Attr>:$input_dropout,
                       DefaultValuedAttr<I64Attr, "0">:$salt);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $row_offsets `,` $col_indices `,` $values
    (`input_dropout` `(` $input_dropout^ `)`)?
    (`seed` `(` $seed^ `:` type($seed) `)` `salt` `(` $salt `)`)?
    attr-dict `:` type($grad) `,` type($row_offsets) `,` type($col_indices)
    `,` type($values) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_ReduceToOp : Attn_Op<"reduce_to", [Pure]> {
  let summary = "sum over the dims a broadcast expanded (the adjoint of broadcasting)";
  let description = [{
    The result's shape broadcasts to the input's (NumPy rules); every input
    dim that the result lacks or has as 1 is summed over. The gradient of a
    bias vector is `reduce_to` of the output gradient.

    ```mlir
    func.func @db(%dy: tensor<?x64xf32>) -> tensor<64xf32> {
      %db = attn.reduce_to %dy : tensor<?x64xf32> -> tensor<64xf32>
      return %db : tensor<64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Attn_MeanHeadsGradOp : Attn_Op<"mean_heads_grad", [Pure]> {
  let summary = "the gradient of attn.merge_heads mean: copy to every head, / H";
  let description = [{
    ```
    [N, D] -> [N, H, D]:  out[n, h, d] = dy[n, d] / H
    ```

    ```mlir
    func.func @dmean(%dy: tensor<?x7xf32>) -> tensor<?x1x7xf32> {
      %d = attn.mean_heads_grad %dy heads(1) : tensor<?x7xf32> -> tensor<?x1x7xf32>
      return %d : tensor<?x1x7xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$grad,
                       ConfinedAttr<I64Attr, [IntPositive]>:$heads);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `heads` `(` $heads `)` attr-dict `:` type($grad) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// attn.mean_pool
//===----------------------------------------------------------------------===//

def Attn_MeanPoolOp : Attn_Op<"mean_pool", [Pure,
    DeclareOpInterfaceMethods<Attn_DifferentiableOpInterface>]> {
  let summary = "masked mean over a sequence: [B, S, D] -> [B, D]";
  let description = [{
    ```
    x : [B, S, D]   key_lengths : [B] (optional)   out : [B, D]
    L[b]     = key_lengths ? clamp(key_lengths[b], 0, S) : S
    out[b,d] = L[b] > 0 ? (sum_{s < L[b]} x[b,s,d]) / L[b] : 0
    ```
    The pooling of sentence embeddings and sequence classifiers: padded
    positions (`s >= key_lengths[b]`) are left out of both the sum and the
    count, and a sequence of length 0 pools to 0, never NaN. `key_lengths`
    are the padding lengths of `attn.attention`; the runtime checks them
    against `S` when they are an entry's input.

    ```mlir
    func.func @pool(%x: tensor<?x?x64xf32>, %len: tensor<?xi32>)
        -> tensor<?x64xf32> {
      %y = attn.mean_pool %x key_lengths(%len : tensor<?xi32>)
             : tensor<?x?x64xf32> -> tensor<?x64xf32>
      return %y : tensor<?x64xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input,
                       Optional<AnyRankedTensor>:$key_lengths);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`key_lengths` `(` $key_lengths^ `:` type($key_lengths) `)`)?
    attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_MeanPoolGradOp : Attn_Op<"mean_pool_grad", [Pure]> {
  let summary = "the gradient of attn.mean_pool: dy / L over the kept positions";
  let description = [{
    ```
    x : [B, S, D] (its shape only)   dy : [B, D]   out : [B, S, D]
    out[b,s,d] = s < L[b] ? dy[b,d] / L[b] : 0     (L as in attn.mean_pool)
    ```

    ```mlir
    func.func @dpool(%x: tensor<?x?x8xf32>, %dy: tensor<?x8xf32>,
                     %len: tensor<?xi64>) -> tensor<?x?x8xf32> {
      %dx = attn.mean_pool_grad %x, %dy key_lengths(%len : tensor<?xi64>)
              : tensor<?x?x8xf32>, tensor<?x8xf32> -> tensor<?x?x8xf32>
      return %dx : tensor<?x?x8xf32>
    }
    ```
  }];
  let arguments = (ins Attn_FloatTensor:$input, Attn_FloatTensor:$grad,
                       Optional<AnyRankedTensor>:$key_lengths);
  let results = (outs Attn_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $grad (`key_lengths` `(` $key_lengths^ `:` type($key_lengths) `)`)?
    attr-dict `:` type($input) `,` type($grad) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Attn_GraphAttentionGradOp : Attn_Op<"graph_attention_grad", [Pure]> {
  let summary = "the gradients of additive (GAT) graph attention";
  let description = [{
    Given the output gradient `dy [N, H, Dv]` of an additive
    `attn.graph_attention` (same operands and attributes), returns the
    gradients with respect to query, key, value and the two attention
    vectors. With `s = LeakyReLU(z)`, `z[i,h,j] = a_dst[h].q[i,h] +
    a_src[h].k[j,h]`, `p = softmax_j(s)` and `p'` the coefficients after
    attention dropout:

    ```
    dv[j]     = sum_{i : j in N(i)} p'[i,j] dy[i]
    dp'[i,j]  = dy[i] . v[j]           dp = dp' * (kept / (1 - rate))
    ds[i,j]   = p[i,j] (dp[i,j] - sum_j' p[i,j'] dp[i,j'])
    dz[i,j]   = ds[i,j] * (z > 0 ? 1 : negative_slope)
    dq[i]     = (sum_j dz[i,j]) a_dst          da_dst = sum_i (sum_j dz[i,j]) q[i]
    dk[j]     = (sum_{i : j in N(i)} dz[i,j]) a_src   da_src = sum_j (...) k[j]
    ```

    The sums over the nodes that attend `j` walk the transposed graph
    `csc(offsets, destinations, edge_ids)`: for source `j`, its edges are
    positions `offsets[j] .. offsets[j+1]`, each naming the destination node
    and the edge's index in the CSR. A training step receives it as input.

    ```mlir
    func.func @dgat(%wh: tensor<?x8x8xf32>, %r: tensor<?xi32>, %c: tensor<?xi32>,
                    %tr: tensor<?xi32>, %td: tensor<?xi32>, %te: tensor<?xi32>,
                    %as: tensor<8x8xf32>, %ad: tensor<8x8xf32>, %dy: tensor<?x8x8xf32>)
        -> (tensor<?x8x8xf32>, tensor<?x8x8xf32>, tensor<?x8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) {
      %dq, %dk, %dv, %dsrc, %ddst = attn.graph_attention_grad %wh, %wh, %wh
          csr(%r, %c : tensor<?xi32>, tensor<?xi32>)
          csc(%tr, %td, %te : tensor<?xi32>, tensor<?xi32>, tensor<?xi32>)
          attn_vectors(%as, %ad : tensor<8x8xf32>, tensor<8x8xf32>) grad(%dy)
          negative_slope(2.000000e-01)
          : tensor<?x8x8xf32>, tensor<?x8x8xf32>, tensor<?x8x8xf32>, tensor<?x8x8xf32>
          -> tensor<?x8x8xf32>, tensor<?x8x8xf32>, tensor<?x8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>
      return %dq, %dk, %dv, %dsrc, %ddst : tensor<?x8x8xf32>, tensor<?x8x8xf32>, tensor<?x8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>
    }
    ```
  }];
  let arguments = (ins
    Attn_FloatTensor:$query, Attn_FloatTensor:$key, Attn_FloatTensor:$value,
    AnyRankedTensor:$row_offsets, AnyRankedTensor:$col_indices,
    AnyRankedTensor:$t_offsets, AnyRankedTensor:$t_destinations,
    AnyRankedTensor:$t_edges,
    Attn_FloatTensor:$attn_src, Attn_FloatTensor:$attn_dst,
    Attn_FloatTensor:$grad,
    Optional<AnyRankedTensor>:$seed,
    DefaultValuedAttr<F64Attr, "0.2">:$negative_slope,
    OptionalAttr<F64Attr>:$attention_dropout,
    DefaultValuedAttr<I64Attr, "0">:$salt);
  let results = (outs Attn_FloatTensor:$query_grad, Attn_FloatTensor:$key_grad,
                      Attn_FloatTensor:$value_grad, Attn_FloatTensor:$src_grad,
                      Attn_FloatTensor:$dst_grad);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    `csr` `(` $row_offsets `,` $col_indices `:` type($row_offsets) `,` type($col_indices) `)`
    `csc` `(` $t_offsets `,` $t_destinations `,` $t_edges `:` type($t_offsets) `,`
              type($t_destinations) `,` type($t_edges) `)`
    `attn_vectors` `(` $attn_src `,` $attn_dst `:` type($attn_src) `,` type($attn_dst) `)`
    `grad` `(` $grad `)`
    `negative_slope` `(` $negative_slope `)`
    (`attention_dropout` `(` $attention_dropout^ `)`)?
    (`seed` `(` $seed^ `:` type($seed) `)` `salt` `(` $salt `)`)?
    attr-dict `:` type($query) `,` type($key) `,` type($value) `,` type($grad)
    `->` type($query_grad) `,` type($key_grad) `,` type($value_grad) `,`
    type($src_grad) `,` type($dst_grad)
  }];
  let hasVerifier = 1;
}

#endif // ATTN_OPS_TD
