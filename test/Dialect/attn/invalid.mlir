// RUN: attn-opt %s --split-input-file --verify-diagnostics

// One case per verifier message, with the exact text users see.

func.func @query_rank(%q: tensor<8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>) {
  // expected-error @+1 {{query must be rank 4 [batch, heads, seq, head_dim], got rank 3}}
  %o = attn.attention scaled_dot %q, %k, %v : tensor<8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<8x7x64xf32>
  return
}

// -----

func.func @key_rank(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64x1xf32>, %v: tensor<2x8x7x64xf32>) {
  // expected-error @+1 {{key must be rank 4 [batch, heads, seq, head_dim], got rank 5}}
  %o = attn.attention scaled_dot %q, %k, %v : tensor<2x8x7x64xf32>, tensor<2x8x7x64x1xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @value_rank(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<7x64xf32>) {
  // expected-error @+1 {{value must be rank 4 [batch, heads, seq, head_dim], got rank 2}}
  %o = attn.attention scaled_dot %q, %k, %v : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @batch(%q: tensor<2x8x7x64xf32>, %k: tensor<3x8x7x64xf32>, %v: tensor<3x8x7x64xf32>) {
  // expected-error @+1 {{batch sizes differ: query 2, key 3, value 3}}
  %o = attn.attention scaled_dot %q, %k, %v : tensor<2x8x7x64xf32>, tensor<3x8x7x64xf32>, tensor<3x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @kv_heads_differ(%q: tensor<2x8x7x64xf32>, %k: tensor<2x2x7x64xf32>, %v: tensor<2x4x7x64xf32>) {
  // expected-error @+1 {{key and value head counts differ (2 vs 4)}}
  %o = attn.attention scaled_dot %q, %k, %v : tensor<2x8x7x64xf32>, tensor<2x2x7x64xf32>, tensor<2x4x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @gqa_divide(%q: tensor<2x8x7x64xf32>, %k: tensor<2x3x7x64xf32>, %v: tensor<2x3x7x64xf32>) {
  // expected-error @+1 {{key/value heads (3) must divide query heads (8)}}
  %o = attn.attention scaled_dot %q, %k, %v : tensor<2x8x7x64xf32>, tensor<2x3x7x64xf32>, tensor<2x3x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @kv_length(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x9x64xf32>, %v: tensor<2x8x5x64xf32>) {
  // expected-error @+1 {{key length (9) does not match value length (5)}}
  %o = attn.attention scaled_dot %q, %k, %v : tensor<2x8x7x64xf32>, tensor<2x8x9x64xf32>, tensor<2x8x5x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @head_dim(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x32xf32>, %v: tensor<2x8x7x32xf32>) {
  // expected-error @+1 {{query head_dim (64) does not match key head_dim (32)}}
  %o = attn.attention scaled_dot %q, %k, %v : tensor<2x8x7x64xf32>, tensor<2x8x7x32xf32>, tensor<2x8x7x32xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @result_shape(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x16xf32>) {
  // expected-error @+1 {{result shape [2, 8, 7, 64] does not match the expected [2, 8, 7, 16]}}
  %o = attn.attention scaled_dot %q, %k, %v : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x16xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @element_type(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>) {
  // expected-error @+1 {{all floating-point operands and the result must share one element type, got 'f32' and 'f16'}}
  %o = attn.attention scaled_dot %q, %k, %v : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf16>
  return
}

// -----

func.func @additive_dense(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>) {
  // expected-error @+1 {{an additive score needs per-head attention vectors; it is only supported by attn.graph_attention}}
  %o = attn.attention additive %q, %k, %v : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @scale_with_dot(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>) {
  // expected-error @+1 {{'scale' is only allowed with a scaled_dot score, not dot}}
  %o = attn.attention dot %q, %k, %v scale(0.5) : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @scale_zero(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>) {
  // expected-error @+1 {{'scale' must be finite and non-zero, got 0}}
  %o = attn.attention scaled_dot %q, %k, %v scale(0.0) : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @scale_inf(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>) {
  // expected-error @+1 {{'scale' must be finite and non-zero, got INF}}
  %o = attn.attention scaled_dot %q, %k, %v scale(0x7FF0000000000000) : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @mask_type(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>, %m: tensor<7x7xi8>) {
  // expected-error @+1 {{'mask' must be a tensor of i1, got 'tensor<7x7xi8>'}}
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<7x7xi8>) : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @mask_rank(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>, %m: tensor<1x2x8x7x7xi1>) {
  // expected-error @+1 {{'mask' of rank 5 does not broadcast to the logits [2, 8, 7, 7]}}
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<1x2x8x7x7xi1>) : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @mask_broadcast(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x9x64xf32>, %v: tensor<2x8x9x64xf32>, %m: tensor<8x7x7xi1>) {
  // expected-error @+1 {{'mask' shape [8, 7, 7] does not broadcast to the logits [2, 8, 7, 9]: dim 2 is 7, expected 1 or 9}}
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<8x7x7xi1>) : tensor<2x8x7x64xf32>, tensor<2x8x9x64xf32>, tensor<2x8x9x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @bias_type(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>, %b: tensor<7x7xi32>) {
  // expected-error @+1 {{'bias' must be a tensor of floating-point values, got 'tensor<7x7xi32>'}}
  %o = attn.attention scaled_dot %q, %k, %v bias(%b : tensor<7x7xi32>) : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @bias_broadcast(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>, %b: tensor<3x7x7xf32>) {
  // expected-error @+1 {{'bias' shape [3, 7, 7] does not broadcast to the logits [2, 8, 7, 7]: dim 0 is 3, expected 1 or 8}}
  %o = attn.attention scaled_dot %q, %k, %v bias(%b : tensor<3x7x7xf32>) : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @bias_rank(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>, %b: tensor<1x1x1x7x7xf32>) {
  // expected-error @+1 {{'bias' of rank 5 does not broadcast to the logits [2, 8, 7, 7]}}
  %o = attn.attention scaled_dot %q, %k, %v bias(%b : tensor<1x1x1x7x7xf32>) : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @key_lengths_type(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>, %l: tensor<2xf32>) {
  // expected-error @+1 {{'key_lengths' must be a rank-1 tensor of integers, got 'tensor<2xf32>'}}
  %o = attn.attention scaled_dot %q, %k, %v key_lengths(%l : tensor<2xf32>) : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @key_lengths_rank(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>, %l: tensor<2x1xi32>) {
  // expected-error @+1 {{'key_lengths' must be a rank-1 tensor of integers, got 'tensor<2x1xi32>'}}
  %o = attn.attention scaled_dot %q, %k, %v key_lengths(%l : tensor<2x1xi32>) : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @key_lengths_batch(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x7x64xf32>, %v: tensor<2x8x7x64xf32>, %l: tensor<3xi32>) {
  // expected-error @+1 {{'key_lengths' has 3 entries but the batch is 2}}
  %o = attn.attention scaled_dot %q, %k, %v key_lengths(%l : tensor<3xi32>) : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @window_negative_left(%q: tensor<2x8x7x64xf32>) {
  // expected-error @+1 {{window extents must be non-negative, got left = -4, right = 0}}
  %o = attn.attention scaled_dot %q, %q, %q window<left = -4, right = 0> : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @window_negative_right(%q: tensor<2x8x7x64xf32>) {
  // expected-error @+1 {{window extents must be non-negative, got left = 2, right = -1}}
  %o = attn.attention scaled_dot %q, %q, %q window<left = 2, right = -1> : tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32>, tensor<2x8x7x64xf32> -> tensor<2x8x7x64xf32>
  return
}

// -----

func.func @graph_query_rank(%q: tensor<7x8xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{query must be rank 3 [nodes, heads, head_dim], got rank 2}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) : tensor<7x8xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x8xf32>
  return
}

// -----

func.func @graph_key_rank(%q: tensor<7x2x4xf32>, %k: tensor<1x7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{key must be rank 3 [nodes, heads, head_dim], got rank 4}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<1x7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_rows_float(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xf32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{'row_offsets' must be a rank-1 tensor of i32 or i64, got 'tensor<8xf32>'}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xf32>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_rows_i16(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi16>, %c: tensor<20xi32>) {
  // expected-error @+1 {{'row_offsets' must be a rank-1 tensor of i32 or i64, got 'tensor<8xi16>'}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xi16>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_rows_rank(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8x1xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{'row_offsets' must be a rank-1 tensor of i32 or i64, got 'tensor<8x1xi32>'}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8x1xi32>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_cols_float(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xf64>) {
  // expected-error @+1 {{'col_indices' must be a rank-1 tensor of i32 or i64, got 'tensor<20xf64>'}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xf64>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_cols_rank(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi64>, %c: tensor<4x5xi64>) {
  // expected-error @+1 {{'col_indices' must be a rank-1 tensor of i32 or i64, got 'tensor<4x5xi64>'}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xi64>, tensor<4x5xi64>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_index_types(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi64>) {
  // expected-error @+1 {{'row_offsets' and 'col_indices' must share an index type, got 'i32' and 'i64'}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi64>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_kv_nodes(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<6x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{key and value node counts differ (7 vs 6)}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<6x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_q_nodes(%q: tensor<5x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<6xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{query node count (5) does not match key node count (7)}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<6xi32>, tensor<20xi32>) : tensor<5x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<5x2x4xf32>
  return
}

// -----

func.func @graph_heads(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x3x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{query, key and value must have the same number of heads, got 2, 2, 3}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x3x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_head_dim(%q: tensor<7x2x4xf32>, %k: tensor<7x2x8xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{query head_dim (4) does not match key head_dim (8)}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<7x2x8xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_row_count(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<7xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{'row_offsets' has 7 entries; expected nodes + 1 = 8}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<7xi32>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_result(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{result shape [7, 2, 5] does not match the expected [7, 2, 4]}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x5xf32>
  return
}

// -----

func.func @graph_element_type(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf64>, %r: tensor<8xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{all floating-point operands and the result must share one element type, got 'f64' and 'f32'}}
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf64> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_additive_no_vectors(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{an additive score needs attn_vectors(attn_src, attn_dst)}}
  %o = attn.graph_attention additive %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_vectors_not_additive(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>, %as: tensor<2x4xf32>, %ad: tensor<2x4xf32>) {
  // expected-error @+1 {{attn_vectors are only used by an additive score}}
  %o = attn.graph_attention dot %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) attn_vectors(%as, %ad : tensor<2x4xf32>, tensor<2x4xf32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_slope_not_additive(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>) {
  // expected-error @+1 {{'negative_slope' is only used by an additive score}}
  %o = attn.graph_attention dot %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) negative_slope(0.2) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_src_shape(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>, %as: tensor<2x8xf32>, %ad: tensor<2x4xf32>) {
  // expected-error @+1 {{'attn_src' must be [heads, head_dim] = [2, 4], got [2, 8]}}
  %o = attn.graph_attention additive %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) attn_vectors(%as, %ad : tensor<2x8xf32>, tensor<2x4xf32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_dst_shape(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>, %as: tensor<2x4xf32>, %ad: tensor<4xf32>) {
  // expected-error @+1 {{'attn_dst' must be [heads, head_dim] = [2, 4], got [4]}}
  %o = attn.graph_attention additive %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) attn_vectors(%as, %ad : tensor<2x4xf32>, tensor<4xf32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @graph_scale_additive(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>, %r: tensor<8xi32>, %c: tensor<20xi32>, %as: tensor<2x4xf32>, %ad: tensor<2x4xf32>) {
  // expected-error @+1 {{'scale' is only allowed with a scaled_dot score, not additive}}
  %o = attn.graph_attention additive %q, %k, %v csr(%r, %c : tensor<8xi32>, tensor<20xi32>) attn_vectors(%as, %ad : tensor<2x4xf32>, tensor<2x4xf32>) scale(2.0) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return
}

// -----

func.func @score_query_rank(%q: tensor<4x7x16xf32>, %k: tensor<1x4x7x16xf32>) {
  // expected-error @+1 {{query must be rank 4 [batch, heads, seq, head_dim], got rank 3}}
  %s = attn.score %q, %k scale(0.25) : tensor<4x7x16xf32>, tensor<1x4x7x16xf32> -> tensor<1x4x7x7xf32>
  return
}

// -----

func.func @score_key_rank(%q: tensor<1x4x7x16xf32>, %k: tensor<4x7x16xf32>) {
  // expected-error @+1 {{key must be rank 4 [batch, heads, seq, head_dim], got rank 3}}
  %s = attn.score %q, %k scale(0.25) : tensor<1x4x7x16xf32>, tensor<4x7x16xf32> -> tensor<1x4x7x7xf32>
  return
}

// -----

func.func @score_batch(%q: tensor<1x4x7x16xf32>, %k: tensor<2x4x7x16xf32>) {
  // expected-error @+1 {{batch sizes differ: query 1, key 2}}
  %s = attn.score %q, %k scale(0.25) : tensor<1x4x7x16xf32>, tensor<2x4x7x16xf32> -> tensor<1x4x7x7xf32>
  return
}

// -----

func.func @score_heads(%q: tensor<1x4x7x16xf32>, %k: tensor<1x3x7x16xf32>) {
  // expected-error @+1 {{key/value heads (3) must divide query heads (4)}}
  %s = attn.score %q, %k scale(0.25) : tensor<1x4x7x16xf32>, tensor<1x3x7x16xf32> -> tensor<1x4x7x7xf32>
  return
}

// -----

func.func @score_head_dim(%q: tensor<1x4x7x16xf32>, %k: tensor<1x4x7x8xf32>) {
  // expected-error @+1 {{query head_dim (16) does not match key head_dim (8)}}
  %s = attn.score %q, %k scale(0.25) : tensor<1x4x7x16xf32>, tensor<1x4x7x8xf32> -> tensor<1x4x7x7xf32>
  return
}

// -----

func.func @score_scale(%q: tensor<1x4x7x16xf32>, %k: tensor<1x4x7x16xf32>) {
  // expected-error @+1 {{'scale' must be finite}}
  %s = attn.score %q, %k scale(0x7FF8000000000000) : tensor<1x4x7x16xf32>, tensor<1x4x7x16xf32> -> tensor<1x4x7x7xf32>
  return
}

// -----

func.func @score_result(%q: tensor<1x4x7x16xf32>, %k: tensor<1x4x7x16xf32>) {
  // expected-error @+1 {{result shape [1, 4, 7, 9] does not match the expected [1, 4, 7, 7]}}
  %s = attn.score %q, %k scale(0.25) : tensor<1x4x7x16xf32>, tensor<1x4x7x16xf32> -> tensor<1x4x7x9xf32>
  return
}

// -----

func.func @score_element_type(%q: tensor<1x4x7x16xf32>, %k: tensor<1x4x7x16xf32>) {
  // expected-error @+1 {{all floating-point operands and the result must share one element type, got 'f32' and 'f64'}}
  %s = attn.score %q, %k scale(0.25) : tensor<1x4x7x16xf32>, tensor<1x4x7x16xf32> -> tensor<1x4x7x7xf64>
  return
}

// -----

func.func @softmax_rank(%s: tensor<7x9xf32>) {
  // expected-error @+1 {{input must be rank 4 [batch, heads, query_seq, key_seq], got rank 2}}
  %p = attn.softmax %s : tensor<7x9xf32> -> tensor<7x9xf32>
  return
}

// -----

func.func @softmax_result(%s: tensor<2x4x7x9xf32>) {
  // expected-error @+1 {{result shape [2, 4, 9, 7] does not match the expected [2, 4, 7, 9]}}
  %p = attn.softmax %s : tensor<2x4x7x9xf32> -> tensor<2x4x9x7xf32>
  return
}

// -----

func.func @softmax_mask(%s: tensor<2x4x7x9xf32>, %m: tensor<7x7xi1>) {
  // expected-error @+1 {{'mask' shape [7, 7] does not broadcast to the logits [2, 4, 7, 9]: dim 1 is 7, expected 1 or 9}}
  %p = attn.softmax %s mask(%m : tensor<7x7xi1>) : tensor<2x4x7x9xf32> -> tensor<2x4x7x9xf32>
  return
}

// -----

func.func @softmax_lengths(%s: tensor<2x4x7x9xf32>, %l: tensor<4xi64>) {
  // expected-error @+1 {{'key_lengths' has 4 entries but the batch is 2}}
  %p = attn.softmax %s key_lengths(%l : tensor<4xi64>) : tensor<2x4x7x9xf32> -> tensor<2x4x7x9xf32>
  return
}

// -----

func.func @wsum_probs_rank(%p: tensor<4x7x9xf32>, %v: tensor<1x2x9x16xf32>) {
  // expected-error @+1 {{probs must be rank 4 [batch, heads, query_seq, key_seq], got rank 3}}
  %o = attn.weighted_sum %p, %v : tensor<4x7x9xf32>, tensor<1x2x9x16xf32> -> tensor<1x4x7x16xf32>
  return
}

// -----

func.func @wsum_value_rank(%p: tensor<1x4x7x9xf32>, %v: tensor<2x9x16xf32>) {
  // expected-error @+1 {{value must be rank 4 [batch, heads, seq, head_dim], got rank 3}}
  %o = attn.weighted_sum %p, %v : tensor<1x4x7x9xf32>, tensor<2x9x16xf32> -> tensor<1x4x7x16xf32>
  return
}

// -----

func.func @wsum_batch(%p: tensor<1x4x7x9xf32>, %v: tensor<3x2x9x16xf32>) {
  // expected-error @+1 {{batch sizes differ: probs 1, value 3}}
  %o = attn.weighted_sum %p, %v : tensor<1x4x7x9xf32>, tensor<3x2x9x16xf32> -> tensor<1x4x7x16xf32>
  return
}

// -----

func.func @wsum_heads(%p: tensor<1x4x7x9xf32>, %v: tensor<1x3x9x16xf32>) {
  // expected-error @+1 {{key/value heads (3) must divide query heads (4)}}
  %o = attn.weighted_sum %p, %v : tensor<1x4x7x9xf32>, tensor<1x3x9x16xf32> -> tensor<1x4x7x16xf32>
  return
}

// -----

func.func @wsum_length(%p: tensor<1x4x7x9xf32>, %v: tensor<1x2x8x16xf32>) {
  // expected-error @+1 {{probs key length (9) does not match value length (8)}}
  %o = attn.weighted_sum %p, %v : tensor<1x4x7x9xf32>, tensor<1x2x8x16xf32> -> tensor<1x4x7x16xf32>
  return
}

// -----

func.func @wsum_result(%p: tensor<1x4x7x9xf32>, %v: tensor<1x2x9x16xf32>) {
  // expected-error @+1 {{result shape [1, 4, 7, 8] does not match the expected [1, 4, 7, 16]}}
  %o = attn.weighted_sum %p, %v : tensor<1x4x7x9xf32>, tensor<1x2x9x16xf32> -> tensor<1x4x7x8xf32>
  return
}

// -----

func.func @linear_input_rank(%x: tensor<f32>, %w: tensor<32x16xf32>) {
  // expected-error @+1 {{input must have rank >= 1}}
  %y = attn.linear %x, %w : tensor<f32>, tensor<32x16xf32> -> tensor<32xf32>
  return
}

// -----

func.func @linear_weight_rank(%x: tensor<2x5x16xf32>, %w: tensor<1x32x16xf32>) {
  // expected-error @+1 {{weight must be rank 2 [out_features, in_features], got rank 3}}
  %y = attn.linear %x, %w : tensor<2x5x16xf32>, tensor<1x32x16xf32> -> tensor<2x5x32xf32>
  return
}

// -----

func.func @linear_features(%x: tensor<2x5x16xf32>, %w: tensor<32x8xf32>) {
  // expected-error @+1 {{weight expects 8 input features but the input's last dim is 16}}
  %y = attn.linear %x, %w : tensor<2x5x16xf32>, tensor<32x8xf32> -> tensor<2x5x32xf32>
  return
}

// -----

func.func @linear_bias(%x: tensor<2x5x16xf32>, %w: tensor<32x16xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{bias must be [out_features] = [32], got [16]}}
  %y = attn.linear %x, %w bias(%b : tensor<16xf32>) : tensor<2x5x16xf32>, tensor<32x16xf32> -> tensor<2x5x32xf32>
  return
}

// -----

func.func @linear_result(%x: tensor<2x5x16xf32>, %w: tensor<32x16xf32>) {
  // expected-error @+1 {{result shape [2, 5, 16] does not match the expected [2, 5, 32]}}
  %y = attn.linear %x, %w : tensor<2x5x16xf32>, tensor<32x16xf32> -> tensor<2x5x16xf32>
  return
}

// -----

func.func @sparse_weight_rank(%r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>, %w: tensor<1x24x37xf32>) {
  // expected-error @+1 {{weight must be rank 2 [out_features, in_features], got rank 3}}
  %y = attn.sparse_linear %r, %c, %v, %w : tensor<5xi64>, tensor<9xi64>, tensor<9xf32>, tensor<1x24x37xf32> -> tensor<4x24xf32>
  return
}

// -----

func.func @sparse_result_rank(%r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>, %w: tensor<24x37xf32>) {
  // expected-error @+1 {{result must be rank 2 [rows, out_features], got rank 3}}
  %y = attn.sparse_linear %r, %c, %v, %w : tensor<5xi64>, tensor<9xi64>, tensor<9xf32>, tensor<24x37xf32> -> tensor<1x4x24xf32>
  return
}

// -----

func.func @sparse_rows_float(%r: tensor<5xf32>, %c: tensor<9xi64>, %v: tensor<9xf32>, %w: tensor<24x37xf32>) {
  // expected-error @+1 {{'row_offsets' must be a rank-1 tensor of i32 or i64, got 'tensor<5xf32>'}}
  %y = attn.sparse_linear %r, %c, %v, %w : tensor<5xf32>, tensor<9xi64>, tensor<9xf32>, tensor<24x37xf32> -> tensor<4x24xf32>
  return
}

// -----

func.func @sparse_cols_rank(%r: tensor<5xi64>, %c: tensor<9x1xi64>, %v: tensor<9xf32>, %w: tensor<24x37xf32>) {
  // expected-error @+1 {{'col_indices' must be a rank-1 tensor of i32 or i64, got 'tensor<9x1xi64>'}}
  %y = attn.sparse_linear %r, %c, %v, %w : tensor<5xi64>, tensor<9x1xi64>, tensor<9xf32>, tensor<24x37xf32> -> tensor<4x24xf32>
  return
}

// -----

func.func @sparse_index_types(%r: tensor<5xi64>, %c: tensor<9xi32>, %v: tensor<9xf32>, %w: tensor<24x37xf32>) {
  // expected-error @+1 {{'row_offsets' and 'col_indices' must share an index type, got 'i64' and 'i32'}}
  %y = attn.sparse_linear %r, %c, %v, %w : tensor<5xi64>, tensor<9xi32>, tensor<9xf32>, tensor<24x37xf32> -> tensor<4x24xf32>
  return
}

// -----

func.func @sparse_values(%r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<8xf32>, %w: tensor<24x37xf32>) {
  // expected-error @+1 {{'values' must be rank 1 with one entry per column index (9), got [8]}}
  %y = attn.sparse_linear %r, %c, %v, %w : tensor<5xi64>, tensor<9xi64>, tensor<8xf32>, tensor<24x37xf32> -> tensor<4x24xf32>
  return
}

// -----

func.func @sparse_row_count(%r: tensor<5xi64>, %c: tensor<?xi64>, %v: tensor<?xf32>, %w: tensor<24x37xf32>) {
  // expected-error @+1 {{'row_offsets' has 5 entries; expected rows + 1 = 8}}
  %y = attn.sparse_linear %r, %c, %v, %w : tensor<5xi64>, tensor<?xi64>, tensor<?xf32>, tensor<24x37xf32> -> tensor<7x24xf32>
  return
}

// -----

func.func @sparse_bias(%r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>, %w: tensor<24x37xf32>, %b: tensor<37xf32>) {
  // expected-error @+1 {{bias must be [out_features] = [24], got [37]}}
  %y = attn.sparse_linear %r, %c, %v, %w bias(%b : tensor<37xf32>) : tensor<5xi64>, tensor<9xi64>, tensor<9xf32>, tensor<24x37xf32> -> tensor<4x24xf32>
  return
}

// -----

func.func @sparse_dropout_rate(%r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>, %w: tensor<24x37xf32>) {
  // expected-error @+1 {{rate must be in [0, 1), got 1}}
  %y = attn.sparse_linear %r, %c, %v, %w input_dropout(1.0) : tensor<5xi64>, tensor<9xi64>, tensor<9xf32>, tensor<24x37xf32> -> tensor<4x24xf32>
  return
}

// -----

func.func @sparse_seed_without_rate(%r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>, %w: tensor<24x37xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{a seed needs input_dropout(rate)}}
  %y = attn.sparse_linear %r, %c, %v, %w seed(%s : tensor<1xi64>) salt(1) : tensor<5xi64>, tensor<9xi64>, tensor<9xf32>, tensor<24x37xf32> -> tensor<4x24xf32>
  return
}

// -----

func.func @sparse_seed_type(%r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>, %w: tensor<24x37xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{'seed' must be tensor<1xi64>, got 'tensor<2xi64>'}}
  %y = attn.sparse_linear %r, %c, %v, %w input_dropout(0.5) seed(%s : tensor<2xi64>) salt(1) : tensor<5xi64>, tensor<9xi64>, tensor<9xf32>, tensor<24x37xf32> -> tensor<4x24xf32>
  return
}

// -----

func.func @sparse_result(%r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>, %w: tensor<24x37xf32>) {
  // expected-error @+1 {{result shape [4, 37] does not match the expected [4, 24]}}
  %y = attn.sparse_linear %r, %c, %v, %w : tensor<5xi64>, tensor<9xi64>, tensor<9xf32>, tensor<24x37xf32> -> tensor<4x37xf32>
  return
}

// -----

func.func @sparse_element_type(%r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf64>, %w: tensor<24x37xf32>) {
  // expected-error @+1 {{all floating-point operands and the result must share one element type, got 'f64' and 'f32'}}
  %y = attn.sparse_linear %r, %c, %v, %w : tensor<5xi64>, tensor<9xi64>, tensor<9xf64>, tensor<24x37xf32> -> tensor<4x24xf32>
  return
}

// -----

func.func @sparse_grad_dy_rank(%dy: tensor<4x24x1xf32>, %r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>) {
  // expected-error @+1 {{dy must be [rows, out_features], got rank 3}}
  %dw = attn.sparse_linear_grad_weight %dy, %r, %c, %v : tensor<4x24x1xf32>, tensor<5xi64>, tensor<9xi64>, tensor<9xf32> -> tensor<24x37xf32>
  return
}

// -----

func.func @sparse_grad_result_rank(%dy: tensor<4x24xf32>, %r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>) {
  // expected-error @+1 {{result must be rank 2 [out_features, in_features], got rank 1}}
  %dw = attn.sparse_linear_grad_weight %dy, %r, %c, %v : tensor<4x24xf32>, tensor<5xi64>, tensor<9xi64>, tensor<9xf32> -> tensor<24xf32>
  return
}

// -----

func.func @sparse_grad_dynamic_in(%dy: tensor<4x24xf32>, %r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>) {
  // expected-error @+1 {{the result's in_features must be static (no operand carries the column count)}}
  %dw = attn.sparse_linear_grad_weight %dy, %r, %c, %v : tensor<4x24xf32>, tensor<5xi64>, tensor<9xi64>, tensor<9xf32> -> tensor<24x?xf32>
  return
}

// -----

func.func @sparse_grad_row_count(%dy: tensor<7x24xf32>, %r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>) {
  // expected-error @+1 {{'row_offsets' has 5 entries; expected rows + 1 = 8}}
  %dw = attn.sparse_linear_grad_weight %dy, %r, %c, %v : tensor<7x24xf32>, tensor<5xi64>, tensor<9xi64>, tensor<9xf32> -> tensor<24x37xf32>
  return
}

// -----

func.func @sparse_grad_seed_without_rate(%dy: tensor<4x24xf32>, %r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{a seed needs input_dropout(rate)}}
  %dw = attn.sparse_linear_grad_weight %dy, %r, %c, %v seed(%s : tensor<1xi64>) salt(1) : tensor<4x24xf32>, tensor<5xi64>, tensor<9xi64>, tensor<9xf32> -> tensor<24x37xf32>
  return
}

// -----

func.func @sparse_grad_result(%dy: tensor<4x24xf32>, %r: tensor<5xi64>, %c: tensor<9xi64>, %v: tensor<9xf32>) {
  // expected-error @+1 {{result shape [13, 37] does not match the expected [24, 37]}}
  %dw = attn.sparse_linear_grad_weight %dy, %r, %c, %v : tensor<4x24xf32>, tensor<5xi64>, tensor<9xi64>, tensor<9xf32> -> tensor<13x37xf32>
  return
}

// -----

func.func @split_rank(%x: tensor<2x3x4x64xf32>) {
  // expected-error @+1 {{input must be [batch, seq, model_dim] or [nodes, model_dim], got rank 4}}
  %h = attn.split_heads %x heads(8) : tensor<2x3x4x64xf32> -> tensor<2x8x3x4x8xf32>
  return
}

// -----

func.func @split_divide(%x: tensor<2x16x100xf32>) {
  // expected-error @+1 {{heads (8) must divide the model dimension (100)}}
  %h = attn.split_heads %x heads(8) : tensor<2x16x100xf32> -> tensor<2x8x16x12xf32>
  return
}

// -----

func.func @split_result(%x: tensor<2x16x64xf32>) {
  // expected-error @+1 {{result shape [2, 16, 8, 8] does not match the expected [2, 8, 16, 8]}}
  %h = attn.split_heads %x heads(8) : tensor<2x16x64xf32> -> tensor<2x16x8x8xf32>
  return
}

// -----

func.func @split_heads_positive(%x: tensor<2x16x64xf32>) {
  // expected-error @+1 {{attribute 'heads' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %h = attn.split_heads %x heads(0) : tensor<2x16x64xf32> -> tensor<2x8x16x8xf32>
  return
}

// -----

func.func @merge_rank(%x: tensor<2x64xf32>) {
  // expected-error @+1 {{input must be [batch, heads, seq, head_dim] or [nodes, heads, head_dim], got rank 2}}
  %h = attn.merge_heads %x : tensor<2x64xf32> -> tensor<128xf32>
  return
}

// -----

func.func @merge_result(%x: tensor<5x8x8xf32>) {
  // expected-error @+1 {{result shape [5, 64] does not match the expected [5, 8]}}
  %h = attn.merge_heads %x mean : tensor<5x8x8xf32> -> tensor<5x64xf32>
  return
}

// -----

func.func @embedding_table_rank(%t: tensor<10xf32>, %i: tensor<3xi32>) {
  // expected-error @+1 {{table must be rank 2 [vocab, dim], got rank 1}}
  %x = attn.embedding %t, %i : tensor<10xf32>, tensor<3xi32> -> tensor<3x10xf32>
  return
}

// -----

func.func @embedding_ids_type(%t: tensor<10x4xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{ids must be a tensor of i32 or i64, got 'tensor<3xf32>'}}
  %x = attn.embedding %t, %i : tensor<10x4xf32>, tensor<3xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @embedding_result(%t: tensor<10x4xf32>, %i: tensor<3xi32>) {
  // expected-error @+1 {{result shape [3, 5] does not match the expected [3, 4]}}
  %x = attn.embedding %t, %i : tensor<10x4xf32>, tensor<3xi32> -> tensor<3x5xf32>
  return
}

// -----

func.func @positional_rank(%x: tensor<7x4xf32>) {
  // expected-error @+1 {{input must be rank 3 [batch, seq, dim], got rank 2}}
  %y = attn.positional_encoding sinusoidal %x : tensor<7x4xf32> -> tensor<7x4xf32>
  return
}

// -----

func.func @positional_learned_no_table(%x: tensor<1x7x4xf32>) {
  // expected-error @+1 {{a learned encoding needs a table}}
  %y = attn.positional_encoding learned %x : tensor<1x7x4xf32> -> tensor<1x7x4xf32>
  return
}

// -----

func.func @positional_sinusoidal_table(%x: tensor<1x7x4xf32>, %t: tensor<9x4xf32>) {
  // expected-error @+1 {{a sinusoidal encoding takes no table}}
  %y = attn.positional_encoding sinusoidal %x table(%t : tensor<9x4xf32>) : tensor<1x7x4xf32> -> tensor<1x7x4xf32>
  return
}

// -----

func.func @positional_table_dim(%x: tensor<1x7x4xf32>, %t: tensor<9x8xf32>) {
  // expected-error @+1 {{table must be [max_seq, 4], got [9, 8]}}
  %y = attn.positional_encoding learned %x table(%t : tensor<9x8xf32>) : tensor<1x7x4xf32> -> tensor<1x7x4xf32>
  return
}

// -----

func.func @positional_table_short(%x: tensor<1x17x4xf32>, %t: tensor<9x4xf32>) {
  // expected-error @+1 {{sequence length 17 exceeds the table's 9 positions}}
  %y = attn.positional_encoding learned %x table(%t : tensor<9x4xf32>) : tensor<1x17x4xf32> -> tensor<1x17x4xf32>
  return
}

// -----

func.func @layer_norm_rank(%x: tensor<f32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{input must have rank >= 1}}
  %y = attn.layer_norm %x, %g, %g epsilon(1.0e-5) : tensor<f32>, tensor<4xf32>, tensor<4xf32> -> tensor<f32>
  return
}

// -----

func.func @layer_norm_gamma(%x: tensor<3x4xf32>, %g: tensor<5xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'gamma' must be [4], got [5]}}
  %y = attn.layer_norm %x, %g, %b epsilon(1.0e-5) : tensor<3x4xf32>, tensor<5xf32>, tensor<4xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @layer_norm_beta(%x: tensor<3x4xf32>, %g: tensor<4xf32>, %b: tensor<4x1xf32>) {
  // expected-error @+1 {{'beta' must be [4], got [4, 1]}}
  %y = attn.layer_norm %x, %g, %b epsilon(1.0e-5) : tensor<3x4xf32>, tensor<4xf32>, tensor<4x1xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @layer_norm_epsilon(%x: tensor<3x4xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{epsilon must be positive}}
  %y = attn.layer_norm %x, %g, %g epsilon(0.0) : tensor<3x4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @dropout_rate(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{rate must be in [0, 1), got 1}}
  %y = attn.dropout %x rate(1.0) : tensor<3x4xf32>
  return
}

// -----

func.func @dropout_negative(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{rate must be in [0, 1), got -5.000000e-01}}
  %y = attn.dropout %x rate(-0.5) : tensor<3x4xf32>
  return
}

// -----

func.func @add_broadcast(%x: tensor<3x4xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{'rhs' shape [5] does not broadcast to the lhs [3, 4]: dim 0 is 5, expected 1 or 4}}
  %y = attn.add %x, %b : tensor<3x4xf32>, tensor<5xf32>
  return
}

// -----

func.func @add_rank(%x: tensor<4xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'rhs' of rank 2 does not broadcast to the lhs [4]}}
  %y = attn.add %x, %b : tensor<4xf32>, tensor<3x4xf32>
  return
}

// -----

func.func @mean_pool_rank(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{input must be rank 3 [batch, seq, dim], got rank 2}}
  %y = attn.mean_pool %x : tensor<3x4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @mean_pool_result(%x: tensor<2x5x8xf32>) {
  // expected-error @+1 {{result shape [2, 5] does not match the expected [2, 8]}}
  %y = attn.mean_pool %x : tensor<2x5x8xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @mean_pool_lengths(%x: tensor<2x5x8xf32>, %len: tensor<3xi32>) {
  // expected-error @+1 {{'key_lengths' has 3 entries but the batch is 2}}
  %y = attn.mean_pool %x key_lengths(%len : tensor<3xi32>) : tensor<2x5x8xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @mean_pool_lengths_type(%x: tensor<2x5x8xf32>, %len: tensor<2xf32>) {
  // expected-error @+1 {{'key_lengths' must be a rank-1 tensor of integers, got 'tensor<2xf32>'}}
  %y = attn.mean_pool %x key_lengths(%len : tensor<2xf32>) : tensor<2x5x8xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @mean_pool_grad_dy(%x: tensor<2x5x8xf32>, %dy: tensor<2x5xf32>) {
  // expected-error @+1 {{dy shape [2, 5] does not match the pooled [2, 8]}}
  %y = attn.mean_pool_grad %x, %dy : tensor<2x5x8xf32>, tensor<2x5xf32> -> tensor<2x5x8xf32>
  return
}

// -----

func.func @key_padding_mask_rank(%m: tensor<2x5x1xi64>) {
  // expected-error @+1 {{'attention_mask' must be rank 2 [batch, seq], got rank 3}}
  %k = attn.key_padding_mask %m : tensor<2x5x1xi64> -> tensor<2x1x1x5xi1>
  return
}

// -----

func.func @key_padding_mask_result(%m: tensor<2x5xi64>) {
  // expected-error @+1 {{result shape [2, 1, 5, 1] does not match the expected [2, 1, 1, 5]}}
  %k = attn.key_padding_mask %m : tensor<2x5xi64> -> tensor<2x1x5x1xi1>
  return
}

// -----

func.func @pool_mask_float(%x: tensor<2x5x8xf32>, %m: tensor<2x5xf32>) {
  // expected-error @+1 {{'attention_mask' must be a [batch, seq] tensor of i1 or integers, got 'tensor<2x5xf32>'}}
  %y = attn.pool mean %x attention_mask(%m : tensor<2x5xf32>) : tensor<2x5x8xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @pool_mask_shape(%x: tensor<2x5x8xf32>, %m: tensor<2x6xi64>) {
  // expected-error @+1 {{'attention_mask' shape [2, 6] does not match [batch, seq] [2, 5]}}
  %y = attn.pool mean %x attention_mask(%m : tensor<2x6xi64>) : tensor<2x5x8xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @l2_normalize_epsilon(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{epsilon must be positive}}
  %y = attn.l2_normalize %x epsilon(0.0) : tensor<2x8xf32>
  return
}
