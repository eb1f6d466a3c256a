// Decomposed-attention entries of NumericsTests
// (test/Numerics/DecomposedTest.cpp): each op alone, and the three chained.
// RUN: attnc %s --emit=mlir -o - | FileCheck %s

// Logits with grouped-query heads.
// CHECK-LABEL: func.func @score(
// CHECK: attn.score {{.*}} scale(3.000000e-01)
func.func @score(%q: tensor<?x?x?x?xf32> {attn.name = "q"},
    %k: tensor<?x?x?x?xf32> {attn.name = "k"})
    -> (tensor<?x?x?x?xf32> {attn.name = "out"}) {
  %s = attn.score %q, %k scale(0.3)
      : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %s : tensor<?x?x?x?xf32>
}

// Softmax with causal, lengths (i64) and a mask [Sq, Sk].
// CHECK-LABEL: func.func @softmax_masked(
// CHECK: attn.softmax {{.*}} mask({{.*}}) key_lengths({{.*}}) causal :
func.func @softmax_masked(%s: tensor<?x?x?x?xf32> {attn.name = "s"},
    %m: tensor<?x?xi1> {attn.name = "mask"},
    %len: tensor<?xi64> {attn.name = "len"})
    -> (tensor<?x?x?x?xf32> {attn.name = "out"}) {
  %p = attn.softmax %s mask(%m : tensor<?x?xi1>) key_lengths(%len : tensor<?xi64>) causal
      : tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %p : tensor<?x?x?x?xf32>
}

// Softmax with a window and a bias [H, Sq, Sk].
// CHECK-LABEL: func.func @softmax_window_bias(
// CHECK: attn.softmax {{.*}} bias({{.*}}) window<left = 2, right = 5> :
func.func @softmax_window_bias(%s: tensor<?x?x?x?xf32> {attn.name = "s"},
    %bias: tensor<?x?x?xf32> {attn.name = "bias"})
    -> (tensor<?x?x?x?xf32> {attn.name = "out"}) {
  %p = attn.softmax %s bias(%bias : tensor<?x?x?xf32>) window<left = 2, right = 5>
      : tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %p : tensor<?x?x?x?xf32>
}

// P V with grouped-query heads.
// CHECK-LABEL: func.func @weighted_sum(
// CHECK: attn.weighted_sum
func.func @weighted_sum(%p: tensor<?x?x?x?xf32> {attn.name = "p"},
    %v: tensor<?x?x?x?xf32> {attn.name = "v"})
    -> (tensor<?x?x?x?xf32> {attn.name = "out"}) {
  %o = attn.weighted_sum %p, %v
      : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %o : tensor<?x?x?x?xf32>
}

// The three chained, as attn-decompose-attention writes causal attention
// with key padding lengths (i32); must match fused attention.
// CHECK-LABEL: func.func @chain(
// CHECK: attn.score
// CHECK: attn.softmax {{.*}} key_lengths({{.*}}) causal
// CHECK: attn.weighted_sum
func.func @chain(%q: tensor<?x?x?x32xf32> {attn.name = "q"},
    %k: tensor<?x?x?x32xf32> {attn.name = "k"},
    %v: tensor<?x?x?x32xf32> {attn.name = "v"},
    %len: tensor<?xi32> {attn.name = "len"})
    -> (tensor<?x?x?x32xf32> {attn.name = "out"}) {
  %s = attn.score %q, %k scale(0.17677669529663687)
      : tensor<?x?x?x32xf32>, tensor<?x?x?x32xf32> -> tensor<?x?x?x?xf32>
  %p = attn.softmax %s key_lengths(%len : tensor<?xi32>) causal
      : tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  %o = attn.weighted_sum %p, %v
      : tensor<?x?x?x?xf32>, tensor<?x?x?x32xf32> -> tensor<?x?x?x32xf32>
  return %o : tensor<?x?x?x32xf32>
}
