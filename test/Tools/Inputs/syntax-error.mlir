func.func @f(%q: tensor<1x8x7x64xf32>) -> tensor<1x8x7x64xf32> {
  %o = attn.attention scaled_dot %q, %q : tensor<1x8x7x64xf32>
}
