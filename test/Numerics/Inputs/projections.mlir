// Entries of NumericsTests that wrap attention in projections and head
// split/merge (test/Numerics/ProjectionTest.cpp).
// RUN: attnc %s --emit=mlir -o - | FileCheck %s

// A multi-head self-attention block, model dim 32 in 4 heads of 8: biased
// q/k/v projections, split, causal attention, merge, output projection.
// CHECK-LABEL: func.func @mha_causal(
// CHECK-COUNT-3: attn.linear
// CHECK: attn.attention scaled_dot {{.*}} causal
// CHECK: attn.merge_heads
// CHECK: attn.linear
func.func @mha_causal(%x: tensor<?x?x32xf32> {attn.name = "x"},
    %wq: tensor<32x32xf32> {attn.name = "wq"}, %bq: tensor<32xf32> {attn.name = "bq"},
    %wk: tensor<32x32xf32> {attn.name = "wk"}, %bk: tensor<32xf32> {attn.name = "bk"},
    %wv: tensor<32x32xf32> {attn.name = "wv"}, %bv: tensor<32xf32> {attn.name = "bv"},
    %wo: tensor<32x32xf32> {attn.name = "wo"}, %bo: tensor<32xf32> {attn.name = "bo"})
    -> (tensor<?x?x32xf32> {attn.name = "out"}) {
  %pq = attn.linear %x, %wq bias(%bq : tensor<32xf32>) : tensor<?x?x32xf32>, tensor<32x32xf32> -> tensor<?x?x32xf32>
  %pk = attn.linear %x, %wk bias(%bk : tensor<32xf32>) : tensor<?x?x32xf32>, tensor<32x32xf32> -> tensor<?x?x32xf32>
  %pv = attn.linear %x, %wv bias(%bv : tensor<32xf32>) : tensor<?x?x32xf32>, tensor<32x32xf32> -> tensor<?x?x32xf32>
  %q = attn.split_heads %pq heads(4) : tensor<?x?x32xf32> -> tensor<?x4x?x8xf32>
  %k = attn.split_heads %pk heads(4) : tensor<?x?x32xf32> -> tensor<?x4x?x8xf32>
  %v = attn.split_heads %pv heads(4) : tensor<?x?x32xf32> -> tensor<?x4x?x8xf32>
  %a = attn.attention scaled_dot %q, %k, %v causal
      : tensor<?x4x?x8xf32>, tensor<?x4x?x8xf32>, tensor<?x4x?x8xf32> -> tensor<?x4x?x8xf32>
  %m = attn.merge_heads %a : tensor<?x4x?x8xf32> -> tensor<?x?x32xf32>
  %o = attn.linear %m, %wo bias(%bo : tensor<32xf32>) : tensor<?x?x32xf32>, tensor<32x32xf32> -> tensor<?x?x32xf32>
  return %o : tensor<?x?x32xf32>
}

// Cross-attention with grouped-query heads: queries from x (4 heads of 16),
// keys and values from a memory of another length (2 heads of 16, no
// projection bias), padded by key lengths; the output is not projected.
// CHECK-LABEL: func.func @cross_gqa(
// CHECK: attn.attention scaled_dot {{.*}} key_lengths
// CHECK: attn.merge_heads
func.func @cross_gqa(%x: tensor<?x?x48xf32> {attn.name = "x"},
    %mem: tensor<?x?x24xf32> {attn.name = "mem"},
    %len: tensor<?xi32> {attn.name = "len"},
    %wq: tensor<64x48xf32> {attn.name = "wq"},
    %wk: tensor<32x24xf32> {attn.name = "wk"},
    %wv: tensor<32x24xf32> {attn.name = "wv"})
    -> (tensor<?x?x64xf32> {attn.name = "out"}) {
  %pq = attn.linear %x, %wq : tensor<?x?x48xf32>, tensor<64x48xf32> -> tensor<?x?x64xf32>
  %pk = attn.linear %mem, %wk : tensor<?x?x24xf32>, tensor<32x24xf32> -> tensor<?x?x32xf32>
  %pv = attn.linear %mem, %wv : tensor<?x?x24xf32>, tensor<32x24xf32> -> tensor<?x?x32xf32>
  %q = attn.split_heads %pq heads(4) : tensor<?x?x64xf32> -> tensor<?x4x?x16xf32>
  %k = attn.split_heads %pk heads(2) : tensor<?x?x32xf32> -> tensor<?x2x?x16xf32>
  %v = attn.split_heads %pv heads(2) : tensor<?x?x32xf32> -> tensor<?x2x?x16xf32>
  %a = attn.attention scaled_dot %q, %k, %v key_lengths(%len : tensor<?xi32>)
      : tensor<?x4x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32> -> tensor<?x4x?x16xf32>
  %o = attn.merge_heads %a : tensor<?x4x?x16xf32> -> tensor<?x?x64xf32>
  return %o : tensor<?x?x64xf32>
}

// Attention averaged over heads (merge_heads mean) on sequences.
// CHECK-LABEL: func.func @mean_heads(
// CHECK: attn.merge_heads {{.*}} mean
func.func @mean_heads(%q: tensor<?x?x?x16xf32> {attn.name = "q"},
    %k: tensor<?x?x?x16xf32> {attn.name = "k"},
    %v: tensor<?x?x?x16xf32> {attn.name = "v"})
    -> (tensor<?x?x16xf32> {attn.name = "out"}) {
  %a = attn.attention scaled_dot %q, %k, %v
      : tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32> -> tensor<?x?x?x16xf32>
  %o = attn.merge_heads %a mean : tensor<?x?x?x16xf32> -> tensor<?x?x16xf32>
  return %o : tensor<?x?x16xf32>
}
