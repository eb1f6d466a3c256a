// Entries of NumericsTests for sentence-encoder ops
// (test/Numerics/PoolingTest.cpp): a tokenizer's attention_mask as
// attention's key mask, pooling over the kept positions, L2 normalisation.
// RUN: attnc %s --emit=mlir -o - | FileCheck %s

// CHECK-LABEL: func.func @pools(
// CHECK: attn.pool mean {{.*}} attention_mask
// CHECK: attn.pool max {{.*}} attention_mask
// CHECK: attn.pool first
// CHECK: attn.pool mean %arg0 :
func.func @pools(%x: tensor<?x?x24xf32> {attn.name = "x"},
    %m: tensor<?x?xi64> {attn.name = "mask"})
    -> (tensor<?x24xf32> {attn.name = "mean"}, tensor<?x24xf32> {attn.name = "max"},
        tensor<?x24xf32> {attn.name = "first"}, tensor<?x24xf32> {attn.name = "mean_all"}) {
  %a = attn.pool mean %x attention_mask(%m : tensor<?x?xi64>) : tensor<?x?x24xf32> -> tensor<?x24xf32>
  %b = attn.pool max %x attention_mask(%m : tensor<?x?xi64>) : tensor<?x?x24xf32> -> tensor<?x24xf32>
  %c = attn.pool first %x : tensor<?x?x24xf32> -> tensor<?x24xf32>
  %d = attn.pool mean %x : tensor<?x?x24xf32> -> tensor<?x24xf32>
  return %a, %b, %c, %d : tensor<?x24xf32>, tensor<?x24xf32>, tensor<?x24xf32>, tensor<?x24xf32>
}

// CHECK-LABEL: func.func @l2(
// CHECK: attn.l2_normalize
func.func @l2(%x: tensor<?x?x13xf32> {attn.name = "x"}) -> (tensor<?x?x13xf32> {attn.name = "out"}) {
  %y = attn.l2_normalize %x epsilon(1.0e-6) : tensor<?x?x13xf32>
  return %y : tensor<?x?x13xf32>
}

// Cross-attention (queries and keys of different lengths) padded by an
// i32 attention_mask over the keys.
// CHECK-LABEL: func.func @key_padded(
// CHECK: attn.key_padding_mask
// CHECK: attn.attention scaled_dot {{.*}} mask(
func.func @key_padded(%q: tensor<?x3x?x8xf32> {attn.name = "q"},
    %k: tensor<?x3x?x8xf32> {attn.name = "k"}, %v: tensor<?x3x?x8xf32> {attn.name = "v"},
    %m: tensor<?x?xi32> {attn.name = "mask"}) -> (tensor<?x3x?x8xf32> {attn.name = "out"}) {
  %km = attn.key_padding_mask %m : tensor<?x?xi32> -> tensor<?x1x1x?xi1>
  %o = attn.attention scaled_dot %q, %k, %v mask(%km : tensor<?x1x1x?xi1>)
         : tensor<?x3x?x8xf32>, tensor<?x3x?x8xf32>, tensor<?x3x?x8xf32> -> tensor<?x3x?x8xf32>
  return %o : tensor<?x3x?x8xf32>
}
