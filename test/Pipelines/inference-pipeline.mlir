// RUN: attn-opt %s --attn-inference-pipeline | FileCheck %s
// attnc runs literally this pipeline: its --emit=mlir output is the same
// (but for attn-opt's final newline).
// RUN: attn-opt %s --attn-inference-pipeline -o %t.opt.mlir
// RUN: attnc %s --emit=mlir -o %t.attnc.mlir
// RUN: diff -B %t.opt.mlir %t.attnc.mlir

// The implicit 1/sqrt(head_dim) scale becomes explicit (attn-materialize-scale)
// and the dead attention is erased (canonicalize); no training step is built.
// CHECK-LABEL: func.func @layer(
// CHECK: %[[O:.+]] = attn.attention scaled_dot {{.*}} scale(1.250000e-01) : tensor<1x2x8x64xf32>
// CHECK-NOT: attn.attention
// CHECK: return %[[O]]
// CHECK-NOT: func.func @layer_train
func.func @layer(%q: tensor<1x2x8x64xf32>, %k: tensor<1x2x8x64xf32>,
                 %v: tensor<1x2x8x64xf32>) -> tensor<1x2x8x64xf32> {
  %unused = attn.attention dot %q, %k, %v
    : tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32> -> tensor<1x2x8x64xf32>
  %o = attn.attention scaled_dot %q, %k, %v
    : tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32>, tensor<1x2x8x64xf32> -> tensor<1x2x8x64xf32>
  return %o : tensor<1x2x8x64xf32>
}
