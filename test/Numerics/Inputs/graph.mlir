// Graph-attention entries of NumericsTests (test/Numerics/GraphTest.cpp).
// Node and edge counts are dynamic: one module serves every random graph.
// RUN: attnc %s --emit=mlir -o - | FileCheck %s

// Dot-product scores over i32 CSR; head_dim 16, so scale = 1/4.
// CHECK-LABEL: func.func @graph_dot_i32(
// CHECK: attn.graph_attention scaled_dot {{.*}} : tensor<?xi32>, tensor<?xi32>) scale(2.500000e-01)
func.func @graph_dot_i32(%q: tensor<?x4x16xf32> {attn.name = "q"},
    %k: tensor<?x4x16xf32> {attn.name = "k"},
    %v: tensor<?x4x16xf32> {attn.name = "v"},
    %rows: tensor<?xi32> {attn.name = "rows"},
    %cols: tensor<?xi32> {attn.name = "cols"})
    -> (tensor<?x4x16xf32> {attn.name = "out"}) {
  %o = attn.graph_attention scaled_dot %q, %k, %v
      csr(%rows, %cols : tensor<?xi32>, tensor<?xi32>)
      : tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>
      -> tensor<?x4x16xf32>
  return %o : tensor<?x4x16xf32>
}

// Dot-product scores over i64 CSR, with odd head counts and dims (3 heads,
// D = 5, Dv = 7) so no vector width divides them.
// CHECK-LABEL: func.func @graph_dot_i64(
// CHECK: attn.graph_attention scaled_dot {{.*}} : tensor<?xi64>, tensor<?xi64>) scale
func.func @graph_dot_i64(%q: tensor<?x3x5xf32> {attn.name = "q"},
    %k: tensor<?x3x5xf32> {attn.name = "k"},
    %v: tensor<?x3x7xf32> {attn.name = "v"},
    %rows: tensor<?xi64> {attn.name = "rows"},
    %cols: tensor<?xi64> {attn.name = "cols"})
    -> (tensor<?x3x7xf32> {attn.name = "out"}) {
  %o = attn.graph_attention scaled_dot %q, %k, %v
      csr(%rows, %cols : tensor<?xi64>, tensor<?xi64>)
      : tensor<?x3x5xf32>, tensor<?x3x5xf32>, tensor<?x3x7xf32>
      -> tensor<?x3x7xf32>
  return %o : tensor<?x3x7xf32>
}

// GAT additive scores over i32 CSR, default slope 0.2.
// CHECK-LABEL: func.func @gat_i32(
// CHECK: attn.graph_attention additive {{.*}} attn_vectors
func.func @gat_i32(%q: tensor<?x4x16xf32> {attn.name = "q"},
    %k: tensor<?x4x16xf32> {attn.name = "k"},
    %v: tensor<?x4x16xf32> {attn.name = "v"},
    %rows: tensor<?xi32> {attn.name = "rows"},
    %cols: tensor<?xi32> {attn.name = "cols"},
    %as: tensor<4x16xf32> {attn.name = "a_src"},
    %ad: tensor<4x16xf32> {attn.name = "a_dst"})
    -> (tensor<?x4x16xf32> {attn.name = "out"}) {
  %o = attn.graph_attention additive %q, %k, %v
      csr(%rows, %cols : tensor<?xi32>, tensor<?xi32>)
      attn_vectors(%as, %ad : tensor<4x16xf32>, tensor<4x16xf32>)
      : tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32>
      -> tensor<?x4x16xf32>
  return %o : tensor<?x4x16xf32>
}

// A GAT output layer as written in models: one feature tensor as q, k and v
// over i64 CSR, slope 0.1, heads averaged by merge_heads mean.
// CHECK-LABEL: func.func @gat_mean_i64(
// CHECK: attn.graph_attention additive {{.*}} negative_slope(1.000000e-01)
// CHECK: attn.merge_heads {{.*}} mean
func.func @gat_mean_i64(%h: tensor<?x3x8xf32> {attn.name = "h"},
    %rows: tensor<?xi64> {attn.name = "rows"},
    %cols: tensor<?xi64> {attn.name = "cols"},
    %as: tensor<3x8xf32> {attn.name = "a_src"},
    %ad: tensor<3x8xf32> {attn.name = "a_dst"})
    -> (tensor<?x8xf32> {attn.name = "out"}) {
  %a = attn.graph_attention additive %h, %h, %h
      csr(%rows, %cols : tensor<?xi64>, tensor<?xi64>)
      attn_vectors(%as, %ad : tensor<3x8xf32>, tensor<3x8xf32>)
      negative_slope(0.1)
      : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32>
      -> tensor<?x3x8xf32>
  %o = attn.merge_heads %a mean : tensor<?x3x8xf32> -> tensor<?x8xf32>
  return %o : tensor<?x8xf32>
}
