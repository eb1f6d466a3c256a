// Entries of NumericsTests for the layers around attention
// (test/Numerics/LayersTest.cpp). Sizes are dynamic where a model's are.
// RUN: attnc %s --emit=mlir -o - | FileCheck %s

// Token embedding with sinusoidal positions, then layer norm and GELU.
// CHECK-LABEL: func.func @embed_norm(
// CHECK: attn.embedding
// CHECK: attn.positional_encoding sinusoidal
// CHECK: attn.layer_norm
// CHECK: attn.activation gelu
func.func @embed_norm(%table: tensor<?x?xf32> {attn.name = "table"},
    %ids: tensor<?x?xi64> {attn.name = "ids"},
    %g: tensor<?xf32> {attn.name = "gamma"}, %b: tensor<?xf32> {attn.name = "beta"})
    -> (tensor<?x?x?xf32> {attn.name = "out"}) {
  %x = attn.embedding %table, %ids : tensor<?x?xf32>, tensor<?x?xi64> -> tensor<?x?x?xf32>
  %p = attn.positional_encoding sinusoidal %x : tensor<?x?x?xf32> -> tensor<?x?x?xf32>
  %n = attn.layer_norm %p, %g, %b epsilon(1.0e-5) : tensor<?x?x?xf32>, tensor<?xf32>, tensor<?xf32> -> tensor<?x?x?xf32>
  %y = attn.activation gelu %n : tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

// Learned positions, a residual and ReLU.
// CHECK-LABEL: func.func @learned_residual(
// CHECK: attn.positional_encoding learned
// CHECK: attn.activation relu
// CHECK: attn.add
func.func @learned_residual(%x: tensor<?x?x16xf32> {attn.name = "x"},
    %t: tensor<?x16xf32> {attn.name = "table"})
    -> (tensor<?x?x16xf32> {attn.name = "out"}) {
  %p = attn.positional_encoding learned %x table(%t : tensor<?x16xf32>) : tensor<?x?x16xf32> -> tensor<?x?x16xf32>
  %r = attn.activation relu %p : tensor<?x?x16xf32>
  %s = attn.add %r, %x : tensor<?x?x16xf32>, tensor<?x?x16xf32>
  return %s : tensor<?x?x16xf32>
}

// The tail of a GAT: bias, ELU, dropout (identity at inference), log-softmax.
// CHECK-LABEL: func.func @gat_tail(
// CHECK: attn.add
// CHECK: attn.activation elu
// CHECK: attn.log_softmax
func.func @gat_tail(%x: tensor<?x7xf32> {attn.name = "x"}, %b: tensor<7xf32> {attn.name = "bias"})
    -> (tensor<?x7xf32> {attn.name = "out"}) {
  %y = attn.add %x, %b : tensor<?x7xf32>, tensor<7xf32>
  %e = attn.activation elu %y : tensor<?x7xf32>
  %d = attn.dropout %e rate(0.6) : tensor<?x7xf32>
  %l = attn.log_softmax %d : tensor<?x7xf32>
  return %l : tensor<?x7xf32>
}

// Exact (erf) GELU, PyTorch's nn.GELU() default.
// CHECK-LABEL: func.func @gelu_erf(
// CHECK: attn.activation gelu_erf
func.func @gelu_erf(%x: tensor<?x?xf32> {attn.name = "x"})
    -> (tensor<?x?xf32> {attn.name = "out"}) {
  %y = attn.activation gelu_erf %x : tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// Masked mean pooling of a padded batch of sequences.
// CHECK-LABEL: func.func @mean_pool(
// CHECK: attn.mean_pool %{{.*}} key_lengths
func.func @mean_pool(%x: tensor<?x?x24xf32> {attn.name = "x"},
    %len: tensor<?xi32> {attn.name = "lengths"})
    -> (tensor<?x24xf32> {attn.name = "out"}) {
  %y = attn.mean_pool %x key_lengths(%len : tensor<?xi32>) : tensor<?x?x24xf32> -> tensor<?x24xf32>
  return %y : tensor<?x24xf32>
}

// Without lengths: the mean over every position.
// CHECK-LABEL: func.func @mean_pool_all(
// CHECK: attn.mean_pool
func.func @mean_pool_all(%x: tensor<?x?x?xf32> {attn.name = "x"})
    -> (tensor<?x?xf32> {attn.name = "out"}) {
  %y = attn.mean_pool %x : tensor<?x?x?xf32> -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
