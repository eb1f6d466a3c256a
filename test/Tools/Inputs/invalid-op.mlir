func.func @f(%q: tensor<1x8x7x64xf32>, %k: tensor<1x3x7x64xf32>) -> tensor<1x8x7x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %k : tensor<1x8x7x64xf32>, tensor<1x3x7x64xf32>, tensor<1x3x7x64xf32> -> tensor<1x8x7x64xf32>
  return %o : tensor<1x8x7x64xf32>
}
