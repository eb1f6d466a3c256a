// Dense-attention entries of NumericsTests (test/Numerics/DenseTest.cpp).
// Every sequence, batch and head extent is dynamic: the module is compiled
// once and run at many sizes. The RUN line checks that canonicalisation keeps
// each form as written, so each entry tests the form it is named after.
// RUN: attnc %s --emit=mlir -o - | FileCheck %s

// Plain, cross (Sq != Sk) and grouped-query (Hkv < Hq) attention.
// CHECK-LABEL: func.func @dense(
// CHECK: attn.attention scaled_dot %{{.*}}, %{{.*}}, %{{.*}} scale(1.250000e-01) :
func.func @dense(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// Head dims chosen at run time: the default scale 1/sqrt(D) is computed in
// the kernel, and D, Dv need not be multiples of the vector width.
// CHECK-LABEL: func.func @dense_dyn(
// CHECK: attn.attention scaled_dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x?x?x?xf32>
func.func @dense_dyn(%q: tensor<?x?x?x?xf32> {attn.name = "q"},
    %k: tensor<?x?x?x?xf32> {attn.name = "k"},
    %v: tensor<?x?x?x?xf32> {attn.name = "v"})
    -> (tensor<?x?x?x?xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v
      : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %o : tensor<?x?x?x?xf32>
}

// An explicit scale, and Dv != D.
// CHECK-LABEL: func.func @dot_scaled(
// CHECK: attn.attention scaled_dot %{{.*}}, %{{.*}}, %{{.*}} scale(3.500000e-01) :
func.func @dot_scaled(%q: tensor<?x?x?x16xf32> {attn.name = "q"},
    %k: tensor<?x?x?x16xf32> {attn.name = "k"},
    %v: tensor<?x?x?x24xf32> {attn.name = "v"})
    -> (tensor<?x?x?x24xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v scale(0.35)
      : tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32>, tensor<?x?x?x24xf32> -> tensor<?x?x?x24xf32>
  return %o : tensor<?x?x?x24xf32>
}

// Causal, top-left aligned (j <= i) also when Sq != Sk.
// CHECK-LABEL: func.func @causal(
// CHECK: attn.attention scaled_dot %{{.*}}, %{{.*}}, %{{.*}} causal scale
func.func @causal(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v causal
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// Key padding lengths, i32.
// CHECK-LABEL: func.func @lengths_i32(
// CHECK: key_lengths({{.*}} : tensor<?xi32>) scale
func.func @lengths_i32(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"},
    %len: tensor<?xi32> {attn.name = "len"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v key_lengths(%len : tensor<?xi32>)
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// Key padding lengths, i64.
// CHECK-LABEL: func.func @lengths_i64(
// CHECK: key_lengths({{.*}} : tensor<?xi64>) scale
func.func @lengths_i64(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"},
    %len: tensor<?xi64> {attn.name = "len"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v key_lengths(%len : tensor<?xi64>)
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// Causal and key padding lengths together.
// CHECK-LABEL: func.func @causal_lengths(
// CHECK: key_lengths({{.*}}) causal scale
func.func @causal_lengths(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"},
    %len: tensor<?xi32> {attn.name = "len"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v key_lengths(%len : tensor<?xi32>) causal
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// A boolean mask [Sq, Sk] shared by batches and heads.
// CHECK-LABEL: func.func @mask_2d(
// CHECK: mask({{.*}} : tensor<?x?xi1>) scale
func.func @mask_2d(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"},
    %m: tensor<?x?xi1> {attn.name = "mask"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<?x?xi1>)
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// A padding-style mask [B, 1, 1, Sk] with static broadcast dims.
// CHECK-LABEL: func.func @mask_b11k(
// CHECK: mask({{.*}} : tensor<?x1x1x?xi1>) scale
func.func @mask_b11k(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"},
    %m: tensor<?x1x1x?xi1> {attn.name = "mask"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<?x1x1x?xi1>)
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// A rank-4 mask whose dims are all dynamic: full [B, H, Sq, Sk], or
// broadcast at run time when an extent is 1.
// CHECK-LABEL: func.func @mask_4d(
// CHECK: mask({{.*}} : tensor<?x?x?x?xi1>) scale
func.func @mask_4d(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"},
    %m: tensor<?x?x?x?xi1> {attn.name = "mask"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<?x?x?x?xi1>)
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// An additive bias [H, Sq, Sk] (relative positions, ALiBi).
// CHECK-LABEL: func.func @bias_3d(
// CHECK: bias({{.*}} : tensor<?x?x?xf32>) scale
func.func @bias_3d(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"},
    %bias: tensor<?x?x?xf32> {attn.name = "bias"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v bias(%bias : tensor<?x?x?xf32>)
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// An additive padding bias [B, 1, 1, Sk].
// CHECK-LABEL: func.func @bias_b11k(
// CHECK: bias({{.*}} : tensor<?x1x1x?xf32>) scale
func.func @bias_b11k(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"},
    %bias: tensor<?x1x1x?xf32> {attn.name = "bias"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v bias(%bias : tensor<?x1x1x?xf32>)
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// A sliding window looking back only.
// CHECK-LABEL: func.func @window_left(
// CHECK: window<left = 6, right = 0> scale
func.func @window_left(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v window<left = 6, right = 0>
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// A truncated window, left and right.
// CHECK-LABEL: func.func @window_truncated(
// CHECK: window<left = 3, right = 11> scale
func.func @window_truncated(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v window<left = 3, right = 11>
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// A window, a boolean mask [B, 1, Sq, Sk] and a bias [H, Sq, Sk].
// CHECK-LABEL: func.func @window_mask_bias(
// CHECK: mask({{.*}}) bias({{.*}}) window<left = 9, right = 4> scale
func.func @window_mask_bias(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"},
    %m: tensor<?x1x?x?xi1> {attn.name = "mask"},
    %bias: tensor<?x?x?xf32> {attn.name = "bias"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<?x1x?x?xi1>) bias(%bias : tensor<?x?x?xf32>) window<left = 9, right = 4>
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// Every mask at once, with an unscaled dot score: causal, lengths (i64), a mask
// [Sq, Sk] and a bias [B, H, Sq, Sk].
// CHECK-LABEL: func.func @causal_all(
// CHECK: attn.attention dot {{.*}} mask({{.*}}) bias({{.*}}) key_lengths({{.*}}) causal :
func.func @causal_all(%q: tensor<?x?x?x64xf32> {attn.name = "q"},
    %k: tensor<?x?x?x64xf32> {attn.name = "k"},
    %v: tensor<?x?x?x64xf32> {attn.name = "v"},
    %m: tensor<?x?xi1> {attn.name = "mask"},
    %bias: tensor<?x?x?x?xf32> {attn.name = "bias"},
    %len: tensor<?xi64> {attn.name = "len"})
    -> (tensor<?x?x?x64xf32> {attn.name = "out"}) {
  %o = attn.attention dot %q, %k, %v mask(%m : tensor<?x?xi1>) bias(%bias : tensor<?x?x?x?xf32>) key_lengths(%len : tensor<?xi64>) causal
      : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// Grouped-query attention with static heads (8 query heads, 2 KV heads).
// CHECK-LABEL: func.func @gqa_causal(
// CHECK: attn.attention scaled_dot %{{.*}}, %{{.*}}, %{{.*}} causal scale
func.func @gqa_causal(%q: tensor<?x8x?x32xf32> {attn.name = "q"},
    %k: tensor<?x2x?x32xf32> {attn.name = "k"},
    %v: tensor<?x2x?x32xf32> {attn.name = "v"})
    -> (tensor<?x8x?x32xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v causal
      : tensor<?x8x?x32xf32>, tensor<?x2x?x32xf32>, tensor<?x2x?x32xf32> -> tensor<?x8x?x32xf32>
  return %o : tensor<?x8x?x32xf32>
}

