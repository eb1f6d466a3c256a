// Every form of attention attnc compiles, one function each. Try:
//   build/bin/attn-opt examples/attention-forms.mlir --canonicalize
//   build/bin/attn-opt examples/attention-forms.mlir --attn-decompose-attention

// Dense scaled-dot-product attention, sequence length chosen at run time.
func.func @dense(%q: tensor<1x8x?x64xf32>, %k: tensor<1x8x?x64xf32>,
                 %v: tensor<1x8x?x64xf32>) -> tensor<1x8x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v
    : tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32> -> tensor<1x8x?x64xf32>
  return %o : tensor<1x8x?x64xf32>
}

// Cross-attention (query length != key length) with grouped-query heads.
func.func @cross_gqa(%q: tensor<2x8x?x64xf32>, %k: tensor<2x2x?x64xf32>,
                     %v: tensor<2x2x?x64xf32>) -> tensor<2x8x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v
    : tensor<2x8x?x64xf32>, tensor<2x2x?x64xf32>, tensor<2x2x?x64xf32> -> tensor<2x8x?x64xf32>
  return %o : tensor<2x8x?x64xf32>
}

// Causal attention over padded batches.
func.func @causal_padded(%q: tensor<4x8x?x64xf32>, %k: tensor<4x8x?x64xf32>,
                         %v: tensor<4x8x?x64xf32>, %len: tensor<4xi32>) -> tensor<4x8x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v key_lengths(%len : tensor<4xi32>) causal
    : tensor<4x8x?x64xf32>, tensor<4x8x?x64xf32>, tensor<4x8x?x64xf32> -> tensor<4x8x?x64xf32>
  return %o : tensor<4x8x?x64xf32>
}

// An explicit boolean mask shared by all heads, and an additive bias (ALiBi,
// relative positions) per head.
func.func @mask_and_bias(%q: tensor<1x8x?x64xf32>, %k: tensor<1x8x?x64xf32>,
                         %v: tensor<1x8x?x64xf32>, %m: tensor<?x?xi1>,
                         %b: tensor<8x?x?xf32>) -> tensor<1x8x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<?x?xi1>) bias(%b : tensor<8x?x?xf32>)
    : tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32> -> tensor<1x8x?x64xf32>
  return %o : tensor<1x8x?x64xf32>
}

// Truncated (sliding-window) self-attention: 256 keys back, 4 ahead.
func.func @sliding_window(%q: tensor<1x8x?x64xf32>, %k: tensor<1x8x?x64xf32>,
                          %v: tensor<1x8x?x64xf32>) -> tensor<1x8x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v window<left = 256, right = 4>
    : tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32> -> tensor<1x8x?x64xf32>
  return %o : tensor<1x8x?x64xf32>
}

// A window wider than a fixed-length sequence: canonicalisation makes it dense.
func.func @window_wider_than_sequence(%q: tensor<1x8x128x64xf32>) -> tensor<1x8x128x64xf32> {
  %o = attn.attention scaled_dot %q, %q, %q window<left = 512, right = 512>
    : tensor<1x8x128x64xf32>, tensor<1x8x128x64xf32>, tensor<1x8x128x64xf32> -> tensor<1x8x128x64xf32>
  return %o : tensor<1x8x128x64xf32>
}

// Dot-product attention along the edges of a graph (CSR, i64 indices).
func.func @graph_dot(%q: tensor<?x4x16xf32>, %k: tensor<?x4x16xf32>, %v: tensor<?x4x16xf32>,
                     %rows: tensor<?xi64>, %cols: tensor<?xi64>) -> tensor<?x4x16xf32> {
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%rows, %cols : tensor<?xi64>, tensor<?xi64>)
    : tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32> -> tensor<?x4x16xf32>
  return %o : tensor<?x4x16xf32>
}

// One GAT layer: project, split into 8 heads, additive attention over the
// edges, concatenate heads.
func.func @gat_layer(%x: tensor<?x1433xf32>, %w: tensor<64x1433xf32>,
                     %rows: tensor<?xi32>, %cols: tensor<?xi32>,
                     %as: tensor<8x8xf32>, %ad: tensor<8x8xf32>) -> tensor<?x64xf32> {
  %p = attn.linear %x, %w : tensor<?x1433xf32>, tensor<64x1433xf32> -> tensor<?x64xf32>
  %h = attn.split_heads %p heads(8) : tensor<?x64xf32> -> tensor<?x8x8xf32>
  %a = attn.graph_attention additive %h, %h, %h csr(%rows, %cols : tensor<?xi32>, tensor<?xi32>)
         attn_vectors(%as, %ad : tensor<8x8xf32>, tensor<8x8xf32>) negative_slope(0.2)
    : tensor<?x8x8xf32>, tensor<?x8x8xf32>, tensor<?x8x8xf32> -> tensor<?x8x8xf32>
  %o = attn.merge_heads %a : tensor<?x8x8xf32> -> tensor<?x64xf32>
  return %o : tensor<?x64xf32>
}

// A multi-head self-attention block: projections, head split and merge.
func.func @mha_block(%x: tensor<?x?x512xf32>, %wq: tensor<512x512xf32>, %wk: tensor<512x512xf32>,
                     %wv: tensor<512x512xf32>, %wo: tensor<512x512xf32>) -> tensor<?x?x512xf32> {
  %q = attn.linear %x, %wq : tensor<?x?x512xf32>, tensor<512x512xf32> -> tensor<?x?x512xf32>
  %k = attn.linear %x, %wk : tensor<?x?x512xf32>, tensor<512x512xf32> -> tensor<?x?x512xf32>
  %v = attn.linear %x, %wv : tensor<?x?x512xf32>, tensor<512x512xf32> -> tensor<?x?x512xf32>
  %qh = attn.split_heads %q heads(8) : tensor<?x?x512xf32> -> tensor<?x8x?x64xf32>
  %kh = attn.split_heads %k heads(8) : tensor<?x?x512xf32> -> tensor<?x8x?x64xf32>
  %vh = attn.split_heads %v heads(8) : tensor<?x?x512xf32> -> tensor<?x8x?x64xf32>
  %a = attn.attention scaled_dot %qh, %kh, %vh causal
    : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x8x?x64xf32>
  %m = attn.merge_heads %a : tensor<?x8x?x64xf32> -> tensor<?x?x512xf32>
  %o = attn.linear %m, %wo : tensor<?x?x512xf32>, tensor<512x512xf32> -> tensor<?x?x512xf32>
  return %o : tensor<?x?x512xf32>
}
