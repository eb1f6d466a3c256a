// Parameters are named `<layer>.<param>`; Halide reserves '.', so the
// generated code uses `in<i>_<layer>_<param>` while the module descriptor
// keeps the argument's own name (attn-run --list shows it; see
// test/Runtime/weights_cli_test.py).
// RUN: attnc %s --emit=halide-stmt -o - | FileCheck %s

// CHECK: in1_lin_weight
// CHECK: in2_lin_bias
// CHECK-NOT: lin.weight
func.func @f(%x: tensor<?x8xf32> {attn.name = "x"},
    %w: tensor<4x8xf32> {attn.name = "lin.weight"},
    %b: tensor<4xf32> {attn.name = "lin.bias"})
    -> (tensor<?x4xf32> {attn.name = "enc.out"}) {
  %y = attn.linear %x, %w bias(%b : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
