// The kernels benchmarks/attention_bench times. Sizes are dynamic so one
// module serves every shape of the run.

func.func @dense(%q: tensor<1x8x?x64xf32>, %k: tensor<1x8x?x64xf32>,
                 %v: tensor<1x8x?x64xf32>) -> tensor<1x8x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v
    : tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32> -> tensor<1x8x?x64xf32>
  return %o : tensor<1x8x?x64xf32>
}

func.func @causal(%q: tensor<1x8x?x64xf32>, %k: tensor<1x8x?x64xf32>,
                  %v: tensor<1x8x?x64xf32>) -> tensor<1x8x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v causal
    : tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32> -> tensor<1x8x?x64xf32>
  return %o : tensor<1x8x?x64xf32>
}

func.func @window(%q: tensor<1x8x?x64xf32>, %k: tensor<1x8x?x64xf32>,
                  %v: tensor<1x8x?x64xf32>) -> tensor<1x8x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v window<left = 256, right = 0>
    : tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32>, tensor<1x8x?x64xf32> -> tensor<1x8x?x64xf32>
  return %o : tensor<1x8x?x64xf32>
}

func.func @gat(%wh: tensor<?x8x8xf32>, %rows: tensor<?xi32>, %cols: tensor<?xi32>,
               %as: tensor<8x8xf32>, %ad: tensor<8x8xf32>) -> tensor<?x8x8xf32> {
  %o = attn.graph_attention additive %wh, %wh, %wh csr(%rows, %cols : tensor<?xi32>, tensor<?xi32>)
         attn_vectors(%as, %ad : tensor<8x8xf32>, tensor<8x8xf32>) negative_slope(0.2)
    : tensor<?x8x8xf32>, tensor<?x8x8xf32>, tensor<?x8x8xf32> -> tensor<?x8x8xf32>
  return %o : tensor<?x8x8xf32>
}
