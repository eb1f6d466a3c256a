// Entries of NumericsTests for training (test/Numerics/GradTest.cpp): the
// seeded dropouts, the loss and every gradient op, checked against finite
// differences of the float64 reference. Sizes are dynamic where a model's are.
// RUN: attnc %s --emit=mlir -o - | FileCheck %s

// CHECK-LABEL: func.func @dropout_train(
// CHECK: attn.dropout {{.*}} rate(6.000000e-01) seed({{.*}}) salt(3)
func.func @dropout_train(%x: tensor<?x?x5xf32> {attn.name = "x"},
    %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<?x?x5xf32> {attn.name = "out"}) {
  %y = attn.dropout %x rate(0.6) seed(%seed : tensor<1xi64>) salt(3) : tensor<?x?x5xf32>
  return %y : tensor<?x?x5xf32>
}

// The same rate and seed in another stream (salt 4).
// CHECK-LABEL: func.func @dropout_salt4(
// CHECK: attn.dropout {{.*}} salt(4)
func.func @dropout_salt4(%x: tensor<?x?x5xf32> {attn.name = "x"},
    %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<?x?x5xf32> {attn.name = "out"}) {
  %y = attn.dropout %x rate(0.6) seed(%seed : tensor<1xi64>) salt(4) : tensor<?x?x5xf32>
  return %y : tensor<?x?x5xf32>
}

// Rate 0 with a seed keeps everything.
// CHECK-LABEL: func.func @dropout_rate0(
// CHECK: attn.dropout {{.*}} rate(0.000000e+00) seed
func.func @dropout_rate0(%x: tensor<?x?x5xf32> {attn.name = "x"},
    %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<?x?x5xf32> {attn.name = "out"}) {
  %y = attn.dropout %x rate(0.0) seed(%seed : tensor<1xi64>) salt(3) : tensor<?x?x5xf32>
  return %y : tensor<?x?x5xf32>
}

// CHECK-LABEL: func.func @nll_loss_i32(
// CHECK: attn.nll_loss
func.func @nll_loss_i32(%logp: tensor<?x7xf32> {attn.name = "logp"},
    %y: tensor<?xi32> {attn.name = "labels"}, %m: tensor<?xi1> {attn.name = "mask"})
    -> (tensor<1xf32> {attn.name = "out"}) {
  %l = attn.nll_loss %logp, %y, %m : tensor<?x7xf32>, tensor<?xi32>, tensor<?xi1> -> tensor<1xf32>
  return %l : tensor<1xf32>
}

// CHECK-LABEL: func.func @nll_loss_grad_i64(
// CHECK: attn.nll_loss_grad
func.func @nll_loss_grad_i64(%logp: tensor<?x7xf32> {attn.name = "logp"},
    %y: tensor<?xi64> {attn.name = "labels"}, %m: tensor<?xi1> {attn.name = "mask"})
    -> (tensor<?x7xf32> {attn.name = "out"}) {
  %g = attn.nll_loss_grad %logp, %y, %m : tensor<?x7xf32>, tensor<?xi64>, tensor<?xi1>
  return %g : tensor<?x7xf32>
}

// CHECK-LABEL: func.func @log_softmax_grad(
// CHECK: attn.log_softmax_grad
func.func @log_softmax_grad(%y: tensor<?x7xf32> {attn.name = "y"},
    %dy: tensor<?x7xf32> {attn.name = "dy"}) -> (tensor<?x7xf32> {attn.name = "out"}) {
  %dx = attn.log_softmax_grad %y, %dy : tensor<?x7xf32>
  return %dx : tensor<?x7xf32>
}

// CHECK-LABEL: func.func @activation_grad_relu(
// CHECK: attn.activation_grad relu
func.func @activation_grad_relu(%x: tensor<?x13xf32> {attn.name = "x"},
    %dy: tensor<?x13xf32> {attn.name = "dy"}) -> (tensor<?x13xf32> {attn.name = "out"}) {
  %dx = attn.activation_grad relu %x, %dy : tensor<?x13xf32>
  return %dx : tensor<?x13xf32>
}

// CHECK-LABEL: func.func @activation_grad_elu(
// CHECK: attn.activation_grad elu
func.func @activation_grad_elu(%x: tensor<?x13xf32> {attn.name = "x"},
    %dy: tensor<?x13xf32> {attn.name = "dy"}) -> (tensor<?x13xf32> {attn.name = "out"}) {
  %dx = attn.activation_grad elu %x, %dy : tensor<?x13xf32>
  return %dx : tensor<?x13xf32>
}

// CHECK-LABEL: func.func @activation_grad_gelu(
// CHECK: attn.activation_grad gelu
func.func @activation_grad_gelu(%x: tensor<?x13xf32> {attn.name = "x"},
    %dy: tensor<?x13xf32> {attn.name = "dy"}) -> (tensor<?x13xf32> {attn.name = "out"}) {
  %dx = attn.activation_grad gelu %x, %dy : tensor<?x13xf32>
  return %dx : tensor<?x13xf32>
}

// CHECK-LABEL: func.func @activation_grad_gelu_erf(
// CHECK: attn.activation_grad gelu_erf
func.func @activation_grad_gelu_erf(%x: tensor<?x13xf32> {attn.name = "x"},
    %dy: tensor<?x13xf32> {attn.name = "dy"}) -> (tensor<?x13xf32> {attn.name = "out"}) {
  %dx = attn.activation_grad gelu_erf %x, %dy : tensor<?x13xf32>
  return %dx : tensor<?x13xf32>
}

// CHECK-LABEL: func.func @mean_pool_grad(
// CHECK: attn.mean_pool_grad
func.func @mean_pool_grad(%x: tensor<?x?x6xf32> {attn.name = "x"},
    %dy: tensor<?x6xf32> {attn.name = "dy"},
    %len: tensor<?xi64> {attn.name = "lengths"}) -> (tensor<?x?x6xf32> {attn.name = "out"}) {
  %dx = attn.mean_pool_grad %x, %dy key_lengths(%len : tensor<?xi64>) : tensor<?x?x6xf32>, tensor<?x6xf32> -> tensor<?x?x6xf32>
  return %dx : tensor<?x?x6xf32>
}

// CHECK-LABEL: func.func @linear_grad_input(
// CHECK: attn.linear_grad_input
func.func @linear_grad_input(%dy: tensor<?x5xf32> {attn.name = "dy"},
    %w: tensor<5x13xf32> {attn.name = "w"}) -> (tensor<?x13xf32> {attn.name = "out"}) {
  %dx = attn.linear_grad_input %dy, %w : tensor<?x5xf32>, tensor<5x13xf32> -> tensor<?x13xf32>
  return %dx : tensor<?x13xf32>
}

// CHECK-LABEL: func.func @linear_grad_input_seq(
// CHECK: attn.linear_grad_input
func.func @linear_grad_input_seq(%dy: tensor<2x?x16xf32> {attn.name = "dy"},
    %w: tensor<16x9xf32> {attn.name = "w"}) -> (tensor<2x?x9xf32> {attn.name = "out"}) {
  %dx = attn.linear_grad_input %dy, %w : tensor<2x?x16xf32>, tensor<16x9xf32> -> tensor<2x?x9xf32>
  return %dx : tensor<2x?x9xf32>
}

// CHECK-LABEL: func.func @linear_grad_weight(
// CHECK: attn.linear_grad_weight
func.func @linear_grad_weight(%dy: tensor<?x5xf32> {attn.name = "dy"},
    %x: tensor<?x13xf32> {attn.name = "x"}) -> (tensor<5x13xf32> {attn.name = "out"}) {
  %dw = attn.linear_grad_weight %dy, %x : tensor<?x5xf32>, tensor<?x13xf32> -> tensor<5x13xf32>
  return %dw : tensor<5x13xf32>
}

// CHECK-LABEL: func.func @linear_grad_weight_seq(
// CHECK: attn.linear_grad_weight
func.func @linear_grad_weight_seq(%dy: tensor<2x?x6xf32> {attn.name = "dy"},
    %x: tensor<2x?x11xf32> {attn.name = "x"}) -> (tensor<6x11xf32> {attn.name = "out"}) {
  %dw = attn.linear_grad_weight %dy, %x : tensor<2x?x6xf32>, tensor<2x?x11xf32> -> tensor<6x11xf32>
  return %dw : tensor<6x11xf32>
}

// A bias gradient: every row summed.
// CHECK-LABEL: func.func @reduce_to_bias(
// CHECK: attn.reduce_to
func.func @reduce_to_bias(%dy: tensor<?x7xf32> {attn.name = "dy"})
    -> (tensor<7xf32> {attn.name = "out"}) {
  %db = attn.reduce_to %dy : tensor<?x7xf32> -> tensor<7xf32>
  return %db : tensor<7xf32>
}

// A kept dim of 1 in the middle: [2, S, 5] -> [2, 1, 5].
// CHECK-LABEL: func.func @reduce_to_keepdim(
// CHECK: attn.reduce_to
func.func @reduce_to_keepdim(%dy: tensor<2x?x5xf32> {attn.name = "dy"})
    -> (tensor<2x1x5xf32> {attn.name = "out"}) {
  %db = attn.reduce_to %dy : tensor<2x?x5xf32> -> tensor<2x1x5xf32>
  return %db : tensor<2x1x5xf32>
}

// CHECK-LABEL: func.func @mean_heads_grad(
// CHECK: attn.mean_heads_grad
func.func @mean_heads_grad(%dy: tensor<?x7xf32> {attn.name = "dy"})
    -> (tensor<?x3x7xf32> {attn.name = "out"}) {
  %d = attn.mean_heads_grad %dy heads(3) : tensor<?x7xf32> -> tensor<?x3x7xf32>
  return %d : tensor<?x3x7xf32>
}

// GAT forward in training: attention dropout 0.6 on the coefficients.
// CHECK-LABEL: func.func @gat_train(
// CHECK: attn.graph_attention additive {{.*}} attention_dropout(6.000000e-01) seed
func.func @gat_train(%q: tensor<?x2x4xf32> {attn.name = "q"},
    %k: tensor<?x2x4xf32> {attn.name = "k"}, %v: tensor<?x2x3xf32> {attn.name = "v"},
    %rows: tensor<?xi32> {attn.name = "rows"}, %cols: tensor<?xi32> {attn.name = "cols"},
    %as: tensor<2x4xf32> {attn.name = "a_src"}, %ad: tensor<2x4xf32> {attn.name = "a_dst"},
    %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<?x2x3xf32> {attn.name = "out"}) {
  %o = attn.graph_attention additive %q, %k, %v
      csr(%rows, %cols : tensor<?xi32>, tensor<?xi32>)
      attn_vectors(%as, %ad : tensor<2x4xf32>, tensor<2x4xf32>)
      attention_dropout(0.6) seed(%seed : tensor<1xi64>) salt(5)
      : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x3xf32> -> tensor<?x2x3xf32>
  return %o : tensor<?x2x3xf32>
}

// The gradients of @gat_train (same seed and salt: the same mask).
// CHECK-LABEL: func.func @gat_grad_dropout(
// CHECK: attn.graph_attention_grad {{.*}} attention_dropout(6.000000e-01) seed
func.func @gat_grad_dropout(%q: tensor<?x2x4xf32> {attn.name = "q"},
    %k: tensor<?x2x4xf32> {attn.name = "k"}, %v: tensor<?x2x3xf32> {attn.name = "v"},
    %rows: tensor<?xi32> {attn.name = "rows"}, %cols: tensor<?xi32> {attn.name = "cols"},
    %toff: tensor<?xi32> {attn.name = "t_offsets"}, %tdst: tensor<?xi32> {attn.name = "t_destinations"},
    %tedge: tensor<?xi32> {attn.name = "t_edges"},
    %as: tensor<2x4xf32> {attn.name = "a_src"}, %ad: tensor<2x4xf32> {attn.name = "a_dst"},
    %dy: tensor<?x2x3xf32> {attn.name = "dy"}, %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<?x2x4xf32> {attn.name = "dq"}, tensor<?x2x4xf32> {attn.name = "dk"},
        tensor<?x2x3xf32> {attn.name = "dv"}, tensor<2x4xf32> {attn.name = "da_src"},
        tensor<2x4xf32> {attn.name = "da_dst"}) {
  %dq, %dk, %dv, %ds, %dd = attn.graph_attention_grad %q, %k, %v
      csr(%rows, %cols : tensor<?xi32>, tensor<?xi32>)
      csc(%toff, %tdst, %tedge : tensor<?xi32>, tensor<?xi32>, tensor<?xi32>)
      attn_vectors(%as, %ad : tensor<2x4xf32>, tensor<2x4xf32>) grad(%dy)
      negative_slope(0.2) attention_dropout(0.6) seed(%seed : tensor<1xi64>) salt(5)
      : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x3xf32>, tensor<?x2x3xf32>
      -> tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x3xf32>, tensor<2x4xf32>, tensor<2x4xf32>
  return %dq, %dk, %dv, %ds, %dd : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x3xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// Rate 0 with a seed over i64 CSR; odd sizes (3 heads, D = 5, Dv = 2),
// slope 0.1.
// CHECK-LABEL: func.func @gat_grad_i64(
// CHECK: attn.graph_attention_grad {{.*}} negative_slope(1.000000e-01)
func.func @gat_grad_i64(%q: tensor<?x3x5xf32> {attn.name = "q"},
    %k: tensor<?x3x5xf32> {attn.name = "k"}, %v: tensor<?x3x2xf32> {attn.name = "v"},
    %rows: tensor<?xi64> {attn.name = "rows"}, %cols: tensor<?xi64> {attn.name = "cols"},
    %toff: tensor<?xi64> {attn.name = "t_offsets"}, %tdst: tensor<?xi64> {attn.name = "t_destinations"},
    %tedge: tensor<?xi64> {attn.name = "t_edges"},
    %as: tensor<3x5xf32> {attn.name = "a_src"}, %ad: tensor<3x5xf32> {attn.name = "a_dst"},
    %dy: tensor<?x3x2xf32> {attn.name = "dy"}, %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<?x3x5xf32> {attn.name = "dq"}, tensor<?x3x5xf32> {attn.name = "dk"},
        tensor<?x3x2xf32> {attn.name = "dv"}, tensor<3x5xf32> {attn.name = "da_src"},
        tensor<3x5xf32> {attn.name = "da_dst"}) {
  %dq, %dk, %dv, %ds, %dd = attn.graph_attention_grad %q, %k, %v
      csr(%rows, %cols : tensor<?xi64>, tensor<?xi64>)
      csc(%toff, %tdst, %tedge : tensor<?xi64>, tensor<?xi64>, tensor<?xi64>)
      attn_vectors(%as, %ad : tensor<3x5xf32>, tensor<3x5xf32>) grad(%dy)
      negative_slope(0.1) attention_dropout(0.0) seed(%seed : tensor<1xi64>) salt(5)
      : tensor<?x3x5xf32>, tensor<?x3x5xf32>, tensor<?x3x2xf32>, tensor<?x3x2xf32>
      -> tensor<?x3x5xf32>, tensor<?x3x5xf32>, tensor<?x3x2xf32>, tensor<3x5xf32>, tensor<3x5xf32>
  return %dq, %dk, %dv, %ds, %dd : tensor<?x3x5xf32>, tensor<?x3x5xf32>, tensor<?x3x2xf32>, tensor<3x5xf32>, tensor<3x5xf32>
}
