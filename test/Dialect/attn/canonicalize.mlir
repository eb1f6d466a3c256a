// RUN: attn-opt %s --split-input-file --canonicalize | FileCheck %s

// An all-true boolean mask is no mask.
// CHECK-LABEL: func.func @all_true_mask
// CHECK: attn.attention scaled_dot %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} :
// CHECK-NOT: mask(
func.func @all_true_mask(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %m = arith.constant dense<true> : tensor<8x8xi1>
  %o = attn.attention scaled_dot %q, %q, %q mask(%m : tensor<8x8xi1>)
    : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// A mask with one false entry stays.
// CHECK-LABEL: func.func @partial_mask
// CHECK: %[[M:.+]] = arith.constant dense<[true, false]> : tensor<2xi1>
// CHECK: attn.attention scaled_dot {{.*}} mask(%[[M]] : tensor<2xi1>)
func.func @partial_mask(%q: tensor<1x1x2x4xf32>) -> tensor<1x1x2x4xf32> {
  %m = arith.constant dense<[true, false]> : tensor<2xi1>
  %o = attn.attention scaled_dot %q, %q, %q mask(%m : tensor<2xi1>)
    : tensor<1x1x2x4xf32>, tensor<1x1x2x4xf32>, tensor<1x1x2x4xf32> -> tensor<1x1x2x4xf32>
  return %o : tensor<1x1x2x4xf32>
}

// -----

// An all-zero bias adds nothing.
// CHECK-LABEL: func.func @zero_bias
// CHECK-NOT: bias(
// CHECK: return
func.func @zero_bias(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %b = arith.constant dense<0.0> : tensor<1x1x8x8xf32>
  %o = attn.attention scaled_dot %q, %q, %q bias(%b : tensor<1x1x8x8xf32>)
    : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Key lengths that cover the whole key sequence mask nothing.
// CHECK-LABEL: func.func @full_key_lengths
// CHECK-NOT: key_lengths(
// CHECK: return
func.func @full_key_lengths(%q: tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32> {
  %l = arith.constant dense<[8, 9]> : tensor<2xi32>
  %o = attn.attention scaled_dot %q, %q, %q key_lengths(%l : tensor<2xi32>)
    : tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32> -> tensor<2x2x8x4xf32>
  return %o : tensor<2x2x8x4xf32>
}

// -----

// One short sequence keeps the lengths.
// CHECK-LABEL: func.func @short_key_lengths
// CHECK: key_lengths(
func.func @short_key_lengths(%q: tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32> {
  %l = arith.constant dense<[8, 5]> : tensor<2xi32>
  %o = attn.attention scaled_dot %q, %q, %q key_lengths(%l : tensor<2xi32>)
    : tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32> -> tensor<2x2x8x4xf32>
  return %o : tensor<2x2x8x4xf32>
}

// -----

// A window wider than the sequence on both sides is dense attention.
// CHECK-LABEL: func.func @window_covers_sequence
// CHECK: attn.attention scaled_dot %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} :
// CHECK-NOT: window
// CHECK-NOT: causal
func.func @window_covers_sequence(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %o = attn.attention scaled_dot %q, %q, %q window<left = 7, right = 100>
    : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Unbounded on the left and stopping at the diagonal: that is causal.
// CHECK-LABEL: func.func @window_is_causal
// CHECK: attn.attention scaled_dot %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} causal :
func.func @window_is_causal(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %o = attn.attention scaled_dot %q, %q, %q window<left = 8, right = 0>
    : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Causal already forbids keys right of the diagonal.
// CHECK-LABEL: func.func @causal_window_right
// CHECK: causal window<left = 3, right = 0>
func.func @causal_window_right(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %o = attn.attention scaled_dot %q, %q, %q causal window<left = 3, right = 5>
    : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// A real band stays, and so does any window over a dynamic sequence.
// CHECK-LABEL: func.func @windows_kept
// CHECK: window<left = 2, right = 1> : tensor<1x2x8x4xf32>
// CHECK: window<left = 100000, right = 100000> : tensor<1x2x?x4xf32>
func.func @windows_kept(%q: tensor<1x2x8x4xf32>, %d: tensor<1x2x?x4xf32>)
    -> (tensor<1x2x8x4xf32>, tensor<1x2x?x4xf32>) {
  %o = attn.attention scaled_dot %q, %q, %q window<left = 2, right = 1>
    : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  %p = attn.attention scaled_dot %d, %d, %d window<left = 100000, right = 100000>
    : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32> -> tensor<1x2x?x4xf32>
  return %o, %p : tensor<1x2x8x4xf32>, tensor<1x2x?x4xf32>
}

// -----

// The decomposed softmax folds its masks the same way.
// CHECK-LABEL: func.func @softmax_masks
// CHECK: attn.softmax %{{[^ ]+}} causal : tensor<1x1x8x8xf32>
func.func @softmax_masks(%s: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %m = arith.constant dense<true> : tensor<1x1x8x8xi1>
  %p = attn.softmax %s mask(%m : tensor<1x1x8x8xi1>) window<left = 9, right = 0>
    : tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %p : tensor<1x1x8x8xf32>
}

// -----

// Splitting heads and merging them back is the identity, in both orders.
// CHECK-LABEL: func.func @split_merge
// CHECK-SAME: (%[[X:.+]]: tensor<2x?x64xf32>, %[[H:.+]]: tensor<?x8x8xf32>)
// CHECK-NOT: attn.split_heads
// CHECK-NOT: attn.merge_heads
// CHECK: return %[[X]], %[[H]]
func.func @split_merge(%x: tensor<2x?x64xf32>, %h: tensor<?x8x8xf32>)
    -> (tensor<2x?x64xf32>, tensor<?x8x8xf32>) {
  %s = attn.split_heads %x heads(8) : tensor<2x?x64xf32> -> tensor<2x8x?x8xf32>
  %m = attn.merge_heads %s : tensor<2x8x?x8xf32> -> tensor<2x?x64xf32>
  %n = attn.merge_heads %h : tensor<?x8x8xf32> -> tensor<?x64xf32>
  %t = attn.split_heads %n heads(8) : tensor<?x64xf32> -> tensor<?x8x8xf32>
  return %m, %t : tensor<2x?x64xf32>, tensor<?x8x8xf32>
}

// -----

// Averaging heads loses information: no fold.
// CHECK-LABEL: func.func @mean_not_folded
// CHECK: attn.merge_heads %{{.*}} mean
func.func @mean_not_folded(%x: tensor<5x64xf32>) -> tensor<5x8xf32> {
  %s = attn.split_heads %x heads(8) : tensor<5x64xf32> -> tensor<5x8x8xf32>
  %m = attn.merge_heads %s mean : tensor<5x8x8xf32> -> tensor<5x8xf32>
  return %m : tensor<5x8xf32>
}
