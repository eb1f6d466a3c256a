// RUN: attn-opt %s --split-input-file --attn-decompose-attention --verify-diagnostics | FileCheck %s --implicit-check-not=attn.attention

// The implicit 1/sqrt(64) scale becomes explicit on attn.score, every mask
// moves to attn.softmax, and grouped-query heads carry through.
// CHECK-LABEL: func.func @gqa_masked
// CHECK-SAME: (%[[Q:.+]]: tensor<2x8x7x64xf32>, %[[K:.+]]: tensor<2x2x9x64xf32>, %[[V:.+]]: tensor<2x2x9x32xf32>, %[[M:.+]]: tensor<7x9xi1>, %[[L:.+]]: tensor<2xi32>)
// CHECK: %[[S:.+]] = attn.score %[[Q]], %[[K]] scale(1.250000e-01) : tensor<2x8x7x64xf32>, tensor<2x2x9x64xf32> -> tensor<2x8x7x9xf32>
// CHECK: %[[P:.+]] = attn.softmax %[[S]] mask(%[[M]] : tensor<7x9xi1>) key_lengths(%[[L]] : tensor<2xi32>) causal window<left = 4, right = 0> : tensor<2x8x7x9xf32> -> tensor<2x8x7x9xf32>
// CHECK: %[[O:.+]] = attn.weighted_sum %[[P]], %[[V]] : tensor<2x8x7x9xf32>, tensor<2x2x9x32xf32> -> tensor<2x8x7x32xf32>
// CHECK: return %[[O]]
func.func @gqa_masked(%q: tensor<2x8x7x64xf32>, %k: tensor<2x2x9x64xf32>, %v: tensor<2x2x9x32xf32>,
                      %m: tensor<7x9xi1>, %l: tensor<2xi32>) -> tensor<2x8x7x32xf32> {
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<7x9xi1>) key_lengths(%l : tensor<2xi32>)
         causal window<left = 4, right = 0>
    : tensor<2x8x7x64xf32>, tensor<2x2x9x64xf32>, tensor<2x2x9x32xf32> -> tensor<2x8x7x32xf32>
  return %o : tensor<2x8x7x32xf32>
}

// -----

// A dot score has scale 1; dynamic sequence lengths flow into the logits.
// CHECK-LABEL: func.func @dot_dynamic
// CHECK: attn.score %{{.*}}, %{{.*}} scale(1.000000e+00) : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x?xf32>
// CHECK: attn.softmax %{{.*}} bias(%{{.*}} : tensor<?x?xf32>) : tensor<?x4x?x?xf32> -> tensor<?x4x?x?xf32>
// CHECK: attn.weighted_sum
func.func @dot_dynamic(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>, %v: tensor<?x4x?x16xf32>,
                       %b: tensor<?x?xf32>) -> tensor<?x4x?x16xf32> {
  %o = attn.attention dot %q, %k, %v bias(%b : tensor<?x?xf32>)
    : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// The explicit scale wins over the default.
// CHECK-LABEL: func.func @explicit_scale
// CHECK: attn.score {{.*}} scale(3.000000e+00)
func.func @explicit_scale(%q: tensor<1x1x3x4xf32>) -> tensor<1x1x3x4xf32> {
  %o = attn.attention scaled_dot %q, %q, %q scale(3.0)
    : tensor<1x1x3x4xf32>, tensor<1x1x3x4xf32>, tensor<1x1x3x4xf32> -> tensor<1x1x3x4xf32>
  return %o : tensor<1x1x3x4xf32>
}

// -----

// Graph attention has no dense decomposition: it is left alone.
// CHECK-LABEL: func.func @graph_untouched
// CHECK: attn.graph_attention
// CHECK-NOT: attn.score
func.func @graph_untouched(%h: tensor<?x2x4xf32>, %r: tensor<?xi32>, %c: tensor<?xi32>) -> tensor<?x2x4xf32> {
  %o = attn.graph_attention dot %h, %h, %h csr(%r, %c : tensor<?xi32>, tensor<?xi32>)
    : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x4xf32> -> tensor<?x2x4xf32>
  return %o : tensor<?x2x4xf32>
}
