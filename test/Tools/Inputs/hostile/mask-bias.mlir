// A mask and a bias of run-time extents broadcasting to [1, 2, Sq, Sk].
func.func @m(%q: tensor<1x2x?x4xf32>, %k: tensor<1x2x?x4xf32>, %v: tensor<1x2x?x4xf32>,
             %mask: tensor<?x?xi1> {attn.name = "mask", attn.role = #attn.role<mask>},
             %bias: tensor<?x?xf32> {attn.name = "bias", attn.role = #attn.role<bias>}) -> tensor<1x2x?x4xf32> {
  %o = attn.attention scaled_dot %q, %k, %v mask(%mask : tensor<?x?xi1>) bias(%bias : tensor<?x?xf32>) : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32> -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}
