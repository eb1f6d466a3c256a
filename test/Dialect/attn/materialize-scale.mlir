// RUN: attn-opt %s --attn-materialize-scale | FileCheck %s

// CHECK-LABEL: func.func @scales
// CHECK: attn.attention scaled_dot {{.*}} scale(1.250000e-01) : tensor<1x2x8x64xf32>
// CHECK: attn.attention scaled_dot {{.*}} scale(5.000000e-01) : tensor<1x2x8x64xf32>
// CHECK: attn.attention dot
// CHECK-NOT: scale(
// CHECK: attn.attention scaled_dot {{.*}} : tensor<1x2x8x?xf32>
// CHECK: attn.graph_attention scaled_dot {{.*}} scale(2.500000e-01)
func.func @scales(%q: tensor<1x2x8x64xf32>, %d: tensor<1x2x8x?xf32>, %h: tensor<?x2x16xf32>,
                  %r: tensor<?xi64>, %c: tensor<?xi64>) {
  %a = attn.attention scaled_dot %q, %q, %q
    : tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32> -> tensor<1x2x8x64xf32>
  %b = attn.attention scaled_dot %q, %q, %q scale(0.5)
    : tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32> -> tensor<1x2x8x64xf32>
  %e = attn.attention dot %q, %q, %q
    : tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32> -> tensor<1x2x8x64xf32>
  %f = attn.attention scaled_dot %d, %d, %d
    : tensor<1x2x8x?xf32>, tensor<1x2x8x?xf32>, tensor<1x2x8x?xf32> -> tensor<1x2x8x?xf32>
  %g = attn.graph_attention scaled_dot %h, %h, %h csr(%r, %c : tensor<?xi64>, tensor<?xi64>)
    : tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x2x16xf32>
  return
}
