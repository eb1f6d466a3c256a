// RUN: attn-opt %s --attn-training-pipeline | FileCheck %s
// `attnc --train` runs literally this pipeline: its --emit=mlir output is
// the same (but for attn-opt's final newline).
// RUN: attn-opt %s --attn-training-pipeline -o %t.opt.mlir
// RUN: attnc %s --train --emit=mlir -o %t.attnc.mlir
// RUN: diff -B %t.opt.mlir %t.attnc.mlir

// The model is kept and @mlp_train added; the cleanup after the training
// step erases the gradient of the input features (data, not a parameter by
// role), and the scales are made explicit last.
// CHECK-LABEL: func.func @mlp(
// CHECK-LABEL: func.func @mlp_train(
// CHECK-SAME: {attn.name = "x"}
// CHECK-SAME: {attn.name = "fc.weight", attn.role = #attn.role<parameter>}
// CHECK-SAME: {attn.name = "labels", attn.role = #attn.role<labels>}
// CHECK-SAME: {attn.name = "train_mask", attn.role = #attn.role<loss_mask>}
// CHECK-SAME: {attn.name = "seed", attn.role = #attn.role<seed>}
// CHECK-SAME: -> (tensor<1xf32> {attn.name = "loss", attn.role = #attn.role<loss>}, tensor<3x16xf32> {attn.grad_of = 1 : i64, attn.name = "grad.fc.weight", attn.role = #attn.role<gradient>})
// CHECK: attn.nll_loss
// CHECK: attn.linear_grad_weight
// CHECK-NOT: attn.linear_grad_input
// CHECK: return
func.func @mlp(%x: tensor<?x16xf32> {attn.name = "x"},
               %w: tensor<3x16xf32> {attn.name = "fc.weight", attn.role = #attn.role<parameter>}) -> tensor<?x3xf32> {
  %z = attn.linear %x, %w : tensor<?x16xf32>, tensor<3x16xf32> -> tensor<?x3xf32>
  %lp = attn.log_softmax %z : tensor<?x3xf32>
  return %lp : tensor<?x3xf32>
}
