// RUN: attn-opt %s --split-input-file --attn-build-training-step --canonicalize --verify-diagnostics | FileCheck %s

// A two-layer MLP: dropout gets the step's seed and a salt of its own, the
// loss is the masked NLL, and each parameter (by its role; names mean
// nothing) gets its gradient, a result that points at it; the input
// features get none. The step's inputs and results carry their roles.
// CHECK-LABEL: func.func @mlp(
// CHECK-LABEL: func.func @mlp_train(
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x16xf32> {attn.name = "x"}
// CHECK-SAME: %[[W1:[^:]+]]: tensor<8x16xf32> {attn.init = #attn.init<glorot>, attn.name = "fc1.weight", attn.role = #attn.role<parameter>}
// CHECK-SAME: %[[B1:[^:]+]]: tensor<8xf32> {attn.init = #attn.init<zeros>, attn.name = "fc1.bias", attn.role = #attn.role<parameter>}
// CHECK-SAME: %[[W2:[^:]+]]: tensor<3x8xf32> {attn.name = "fc2.weight", attn.role = #attn.role<parameter>}
// CHECK-SAME: %[[Y:[^:]+]]: tensor<?xi32> {attn.name = "labels", attn.role = #attn.role<labels>}
// CHECK-SAME: %[[M:[^:]+]]: tensor<?xi1> {attn.name = "train_mask", attn.role = #attn.role<loss_mask>}
// CHECK-SAME: %[[S:[^:]+]]: tensor<1xi64> {attn.name = "seed", attn.role = #attn.role<seed>}
// CHECK-SAME: -> (tensor<1xf32> {attn.name = "loss", attn.role = #attn.role<loss>},
// CHECK-SAME: tensor<8x16xf32> {attn.grad_of = 1 : i64, attn.name = "grad.fc1.weight", attn.role = #attn.role<gradient>},
// CHECK-SAME: tensor<8xf32> {attn.grad_of = 2 : i64, attn.name = "grad.fc1.bias", attn.role = #attn.role<gradient>},
// CHECK-SAME: tensor<3x8xf32> {attn.grad_of = 3 : i64, attn.name = "grad.fc2.weight", attn.role = #attn.role<gradient>})
// CHECK: %[[D0:.+]] = attn.dropout %[[X]] rate(5.000000e-01) seed(%[[S]] : tensor<1xi64>) salt(1)
// CHECK: %[[H:.+]] = attn.linear %[[D0]], %[[W1]] bias(%[[B1]]
// CHECK: %[[A:.+]] = attn.activation elu %[[H]]
// CHECK: %[[D1:.+]] = attn.dropout %[[A]] rate(5.000000e-01) seed(%[[S]] : tensor<1xi64>) salt(2)
// CHECK: %[[Z:.+]] = attn.linear %[[D1]], %[[W2]]
// CHECK: %[[LP:.+]] = attn.log_softmax %[[Z]]
// CHECK: %[[LOSS:.+]] = attn.nll_loss %[[LP]], %[[Y]], %[[M]]
// CHECK: %[[G0:.+]] = attn.nll_loss_grad %[[LP]], %[[Y]], %[[M]]
// CHECK: %[[G1:.+]] = attn.log_softmax_grad %[[LP]], %[[G0]]
// CHECK: %[[GX1:.+]] = attn.linear_grad_input %[[G1]], %[[W2]]
// CHECK: %[[GW2:.+]] = attn.linear_grad_weight %[[G1]], %[[D1]]
// The backward dropout regenerates the forward mask: same seed and salt.
// CHECK: %[[GD1:.+]] = attn.dropout %[[GX1]] rate(5.000000e-01) seed(%[[S]] : tensor<1xi64>) salt(2)
// CHECK: %[[GA:.+]] = attn.activation_grad elu %[[H]], %[[GD1]]
// CHECK: %[[GW1:.+]] = attn.linear_grad_weight %[[GA]], %[[D0]]
// CHECK: %[[GB1:.+]] = attn.reduce_to %[[GA]] : tensor<?x8xf32> -> tensor<8xf32>
// CHECK-NOT: tensor<?x16xf32>
// CHECK: return %[[LOSS]], %[[GW1]], %[[GB1]], %[[GW2]]
func.func @mlp(%x: tensor<?x16xf32> {attn.name = "x"},
               %w1: tensor<8x16xf32> {attn.name = "fc1.weight", attn.role = #attn.role<parameter>, attn.init = #attn.init<glorot>},
               %b1: tensor<8xf32> {attn.name = "fc1.bias", attn.role = #attn.role<parameter>, attn.init = #attn.init<zeros>},
               %w2: tensor<3x8xf32> {attn.name = "fc2.weight", attn.role = #attn.role<parameter>}) -> tensor<?x3xf32> {
  %d0 = attn.dropout %x rate(0.5) : tensor<?x16xf32>
  %h = attn.linear %d0, %w1 bias(%b1 : tensor<8xf32>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x8xf32>
  %a = attn.activation elu %h : tensor<?x8xf32>
  %d1 = attn.dropout %a rate(0.5) : tensor<?x8xf32>
  %z = attn.linear %d1, %w2 : tensor<?x8xf32>, tensor<3x8xf32> -> tensor<?x3xf32>
  %lp = attn.log_softmax %z : tensor<?x3xf32>
  return %lp : tensor<?x3xf32>
}

// -----

// A GAT layer: the transposed graph is added as inputs named after the
// graph, with roles linking them to its row offsets (the runtime computes
// them), the attention dropout is seeded, and the three uses of W x (query,
// key, value) have their gradients summed.
// CHECK-LABEL: func.func @gat_train(
// CHECK-SAME: {attn.name = "g.t_offsets", attn.role = #attn.role<t_offsets>, attn.transpose_of = 1 : i64}
// CHECK-SAME: {attn.name = "g.t_destinations", attn.role = #attn.role<t_destinations>, attn.transpose_of = 1 : i64}
// CHECK-SAME: {attn.name = "g.t_edges", attn.role = #attn.role<t_edges>, attn.transpose_of = 1 : i64}
// CHECK: attn.graph_attention additive {{.*}} attention_dropout(6.000000e-01) seed(%{{.+}} : tensor<1xi64>) salt(1)
// CHECK: %[[DQ:.+]], %[[DK:.+]], %[[DV:.+]], %[[DS:.+]], %[[DD:.+]] = attn.graph_attention_grad
// CHECK-SAME: csc(
// CHECK-SAME: attention_dropout(6.000000e-01) seed(%{{.+}} : tensor<1xi64>) salt(1)
// CHECK: %[[S1:.+]] = attn.add %[[DQ]], %[[DK]]
// CHECK: %[[S2:.+]] = attn.add %[[S1]], %[[DV]]
// CHECK: attn.merge_heads %[[S2]]
// CHECK: return {{.*}}, %[[DS]], %[[DD]]
func.func @gat(%x: tensor<?x16xf32> {attn.name = "x"},
               %r: tensor<?xi32> {attn.name = "g.row_offsets"},
               %c: tensor<?xi32> {attn.name = "g.col_indices"},
               %w: tensor<6x16xf32> {attn.name = "gat.weight", attn.role = #attn.role<parameter>},
               %as: tensor<2x3xf32> {attn.name = "gat.att_src", attn.role = #attn.role<parameter>},
               %ad: tensor<2x3xf32> {attn.name = "gat.att_dst", attn.role = #attn.role<parameter>}) -> tensor<?x6xf32> {
  %p = attn.linear %x, %w : tensor<?x16xf32>, tensor<6x16xf32> -> tensor<?x6xf32>
  %h = attn.split_heads %p heads(2) : tensor<?x6xf32> -> tensor<?x2x3xf32>
  %a = attn.graph_attention additive %h, %h, %h csr(%r, %c : tensor<?xi32>, tensor<?xi32>)
         attn_vectors(%as, %ad : tensor<2x3xf32>, tensor<2x3xf32>) negative_slope(0.2) attention_dropout(0.6)
    : tensor<?x2x3xf32>, tensor<?x2x3xf32>, tensor<?x2x3xf32> -> tensor<?x2x3xf32>
  %m = attn.merge_heads %a : tensor<?x2x3xf32> -> tensor<?x6xf32>
  %lp = attn.log_softmax %m : tensor<?x6xf32>
  return %lp : tensor<?x6xf32>
}

// -----

// expected-error @+1 {{a training step needs a single log-probability result, 'two' has 2}}
func.func @two(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  return %x, %x : tensor<?x3xf32>, tensor<?x3xf32>
}

// -----

func.func @dot_graph(%h: tensor<?x2x3xf32> {attn.name = "h.weight", attn.role = #attn.role<parameter>},
                     %r: tensor<?xi32> {attn.name = "g.row_offsets"},
                     %c: tensor<?xi32> {attn.name = "g.col_indices"}) -> tensor<?x6xf32> {
  // expected-error @+1 {{only additive (GAT) graph attention can be differentiated so far}}
  %a = attn.graph_attention dot %h, %h, %h csr(%r, %c : tensor<?xi32>, tensor<?xi32>)
    : tensor<?x2x3xf32>, tensor<?x2x3xf32>, tensor<?x2x3xf32> -> tensor<?x2x3xf32>
  %m = attn.merge_heads %a : tensor<?x2x3xf32> -> tensor<?x6xf32>
  %lp = attn.log_softmax %m : tensor<?x6xf32>
  return %lp : tensor<?x6xf32>
}

// -----

// expected-error @+1 {{parameter 'unused.weight' does not influence the output, so it has no gradient}}
func.func @unused(%x: tensor<?x3xf32> {attn.name = "x"}, %w: tensor<3x3xf32> {attn.name = "unused.weight", attn.role = #attn.role<parameter>}) -> tensor<?x3xf32> {
  %lp = attn.log_softmax %x : tensor<?x3xf32>
  return %lp : tensor<?x3xf32>
}

// -----

// A dotted name alone does not make a parameter: without roles nothing is
// differentiated and the step returns the loss only.
// CHECK-LABEL: func.func @no_roles_train(
// CHECK-SAME: -> (tensor<1xf32> {attn.name = "loss", attn.role = #attn.role<loss>}) {
func.func @no_roles(%x: tensor<?x3xf32> {attn.name = "x"},
                    %w: tensor<3x3xf32> {attn.name = "lin.weight"}) -> tensor<?x3xf32> {
  %z = attn.linear %x, %w : tensor<?x3xf32>, tensor<3x3xf32> -> tensor<?x3xf32>
  %lp = attn.log_softmax %z : tensor<?x3xf32>
  return %lp : tensor<?x3xf32>
}
