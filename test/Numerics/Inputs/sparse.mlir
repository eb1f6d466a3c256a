// Entries of NumericsTests for sparse first layers (test/Numerics/SparseTest.cpp):
// attn.sparse_linear and its weight gradient over CSR features, with and
// without the fused input dropout. N and nnz are dynamic, as in a GNN.
// Out = 24 and 64 are multiples of the AVX2 vector width (8): unrolled
// feature vectors; Out = 13 and 37 take the guarded tail.
// RUN: attnc %s --emit=mlir -o - | FileCheck %s

// CHECK-LABEL: func.func @sparse_linear_bias(
// CHECK: attn.sparse_linear {{.*}} bias({{.*}} : tensor<24xf32>) :
func.func @sparse_linear_bias(%rows: tensor<?xi64> {attn.name = "rows"},
    %cols: tensor<?xi64> {attn.name = "cols"}, %vals: tensor<?xf32> {attn.name = "vals"},
    %w: tensor<24x37xf32> {attn.name = "w"}, %b: tensor<24xf32> {attn.name = "b"})
    -> (tensor<?x24xf32> {attn.name = "out"}) {
  %y = attn.sparse_linear %rows, %cols, %vals, %w bias(%b : tensor<24xf32>)
      : tensor<?xi64>, tensor<?xi64>, tensor<?xf32>, tensor<24x37xf32> -> tensor<?x24xf32>
  return %y : tensor<?x24xf32>
}

// CHECK-LABEL: func.func @sparse_linear_dropout(
// CHECK: attn.sparse_linear {{.*}} bias({{.*}}) input_dropout(6.000000e-01) seed({{.*}}) salt(5)
func.func @sparse_linear_dropout(%rows: tensor<?xi64> {attn.name = "rows"},
    %cols: tensor<?xi64> {attn.name = "cols"}, %vals: tensor<?xf32> {attn.name = "vals"},
    %w: tensor<24x37xf32> {attn.name = "w"}, %b: tensor<24xf32> {attn.name = "b"},
    %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<?x24xf32> {attn.name = "out"}) {
  %y = attn.sparse_linear %rows, %cols, %vals, %w bias(%b : tensor<24xf32>)
      input_dropout(0.6) seed(%seed : tensor<1xi64>) salt(5)
      : tensor<?xi64>, tensor<?xi64>, tensor<?xf32>, tensor<24x37xf32> -> tensor<?x24xf32>
  return %y : tensor<?x24xf32>
}

// CHECK-LABEL: func.func @sparse_linear_out64(
// CHECK: attn.sparse_linear {{.*}} : tensor<?xi64>, tensor<?xi64>, tensor<?xf32>, tensor<64x37xf32> -> tensor<?x64xf32>
func.func @sparse_linear_out64(%rows: tensor<?xi64> {attn.name = "rows"},
    %cols: tensor<?xi64> {attn.name = "cols"}, %vals: tensor<?xf32> {attn.name = "vals"},
    %w: tensor<64x37xf32> {attn.name = "w"})
    -> (tensor<?x64xf32> {attn.name = "out"}) {
  %y = attn.sparse_linear %rows, %cols, %vals, %w
      : tensor<?xi64>, tensor<?xi64>, tensor<?xf32>, tensor<64x37xf32> -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// i32 indices, an output width that is no multiple of the vector width,
// another rate and salt.
// CHECK-LABEL: func.func @sparse_linear_i32_out13(
// CHECK: attn.sparse_linear {{.*}} input_dropout(2.500000e-01) seed({{.*}}) salt(7) : tensor<?xi32>, tensor<?xi32>
func.func @sparse_linear_i32_out13(%rows: tensor<?xi32> {attn.name = "rows"},
    %cols: tensor<?xi32> {attn.name = "cols"}, %vals: tensor<?xf32> {attn.name = "vals"},
    %w: tensor<13x37xf32> {attn.name = "w"}, %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<?x13xf32> {attn.name = "out"}) {
  %y = attn.sparse_linear %rows, %cols, %vals, %w
      input_dropout(0.25) seed(%seed : tensor<1xi64>) salt(7)
      : tensor<?xi32>, tensor<?xi32>, tensor<?xf32>, tensor<13x37xf32> -> tensor<?x13xf32>
  return %y : tensor<?x13xf32>
}

// In = 100: wider than one 64-column block of the weight.
// CHECK-LABEL: func.func @sparse_linear_in100(
// CHECK: attn.sparse_linear {{.*}} input_dropout(6.000000e-01) seed({{.*}}) salt(5) : {{.*}} tensor<24x100xf32> -> tensor<?x24xf32>
func.func @sparse_linear_in100(%rows: tensor<?xi64> {attn.name = "rows"},
    %cols: tensor<?xi64> {attn.name = "cols"}, %vals: tensor<?xf32> {attn.name = "vals"},
    %w: tensor<24x100xf32> {attn.name = "w"}, %b: tensor<24xf32> {attn.name = "b"},
    %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<?x24xf32> {attn.name = "out"}) {
  %y = attn.sparse_linear %rows, %cols, %vals, %w bias(%b : tensor<24xf32>)
      input_dropout(0.6) seed(%seed : tensor<1xi64>) salt(5)
      : tensor<?xi64>, tensor<?xi64>, tensor<?xf32>, tensor<24x100xf32> -> tensor<?x24xf32>
  return %y : tensor<?x24xf32>
}

// With W = I (Out = In = 37) the output is the dropped dense matrix: its
// masks against @dense_dropout's, element for element.
// CHECK-LABEL: func.func @sparse_linear_mask(
// CHECK: attn.sparse_linear {{.*}} input_dropout(6.000000e-01) seed({{.*}}) salt(5)
func.func @sparse_linear_mask(%rows: tensor<?xi64> {attn.name = "rows"},
    %cols: tensor<?xi64> {attn.name = "cols"}, %vals: tensor<?xf32> {attn.name = "vals"},
    %w: tensor<37x37xf32> {attn.name = "w"}, %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<?x37xf32> {attn.name = "out"}) {
  %y = attn.sparse_linear %rows, %cols, %vals, %w
      input_dropout(0.6) seed(%seed : tensor<1xi64>) salt(5)
      : tensor<?xi64>, tensor<?xi64>, tensor<?xf32>, tensor<37x37xf32> -> tensor<?x37xf32>
  return %y : tensor<?x37xf32>
}

// CHECK-LABEL: func.func @dense_dropout(
// CHECK: attn.dropout {{.*}} rate(6.000000e-01) seed({{.*}}) salt(5)
func.func @dense_dropout(%x: tensor<?x37xf32> {attn.name = "x"},
    %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<?x37xf32> {attn.name = "out"}) {
  %y = attn.dropout %x rate(0.6) seed(%seed : tensor<1xi64>) salt(5) : tensor<?x37xf32>
  return %y : tensor<?x37xf32>
}

// CHECK-LABEL: func.func @sparse_linear_grad_weight(
// CHECK: attn.sparse_linear_grad_weight {{.*}} : tensor<?x24xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xf32> -> tensor<24x37xf32>
func.func @sparse_linear_grad_weight(%dy: tensor<?x24xf32> {attn.name = "dy"},
    %rows: tensor<?xi64> {attn.name = "rows"}, %cols: tensor<?xi64> {attn.name = "cols"},
    %vals: tensor<?xf32> {attn.name = "vals"})
    -> (tensor<24x37xf32> {attn.name = "out"}) {
  %dw = attn.sparse_linear_grad_weight %dy, %rows, %cols, %vals
      : tensor<?x24xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xf32> -> tensor<24x37xf32>
  return %dw : tensor<24x37xf32>
}

// The gradient of @sparse_linear_dropout (same rate, seed and salt).
// CHECK-LABEL: func.func @sparse_linear_grad_weight_dropout(
// CHECK: attn.sparse_linear_grad_weight {{.*}} input_dropout(6.000000e-01) seed({{.*}}) salt(5)
func.func @sparse_linear_grad_weight_dropout(%dy: tensor<?x24xf32> {attn.name = "dy"},
    %rows: tensor<?xi64> {attn.name = "rows"}, %cols: tensor<?xi64> {attn.name = "cols"},
    %vals: tensor<?xf32> {attn.name = "vals"}, %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<24x37xf32> {attn.name = "out"}) {
  %dw = attn.sparse_linear_grad_weight %dy, %rows, %cols, %vals
      input_dropout(0.6) seed(%seed : tensor<1xi64>) salt(5)
      : tensor<?x24xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xf32> -> tensor<24x37xf32>
  return %dw : tensor<24x37xf32>
}

// The gradient of @sparse_linear_i32_out13.
// CHECK-LABEL: func.func @sparse_linear_grad_weight_i32_out13(
// CHECK: attn.sparse_linear_grad_weight {{.*}} input_dropout(2.500000e-01) seed({{.*}}) salt(7)
func.func @sparse_linear_grad_weight_i32_out13(%dy: tensor<?x13xf32> {attn.name = "dy"},
    %rows: tensor<?xi32> {attn.name = "rows"}, %cols: tensor<?xi32> {attn.name = "cols"},
    %vals: tensor<?xf32> {attn.name = "vals"}, %seed: tensor<1xi64> {attn.name = "seed"})
    -> (tensor<13x37xf32> {attn.name = "out"}) {
  %dw = attn.sparse_linear_grad_weight %dy, %rows, %cols, %vals
      input_dropout(0.25) seed(%seed : tensor<1xi64>) salt(7)
      : tensor<?x13xf32>, tensor<?xi32>, tensor<?xi32>, tensor<?xf32> -> tensor<13x37xf32>
  return %dw : tensor<13x37xf32>
}
