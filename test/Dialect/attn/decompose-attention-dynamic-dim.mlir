// RUN: attn-opt %s --attn-decompose-attention --verify-diagnostics | FileCheck %s

// With a dynamic head_dim the implicit scale is unknown at compile time: the
// op stays fused and the pass says why.
// CHECK-LABEL: func.func @dynamic_head_dim
// CHECK: attn.attention scaled_dot
// CHECK-NOT: attn.score
func.func @dynamic_head_dim(%q: tensor<1x1x4x?xf32>) -> tensor<1x1x4x?xf32> {
  // expected-warning @+1 {{left fused: a scaled_dot score with a dynamic head_dim has no compile-time scale}}
  %o = attn.attention scaled_dot %q, %q, %q
    : tensor<1x1x4x?xf32>, tensor<1x1x4x?xf32>, tensor<1x1x4x?xf32> -> tensor<1x1x4x?xf32>
  return %o : tensor<1x1x4x?xf32>
}
