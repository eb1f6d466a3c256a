// The modules of the Python package's tests (python/tests): a linear layer
// with parameters, causal attention with key lengths, and graph attention
// over CSR, all with dynamic extents so one module serves every size.
func.func @linear(%x: tensor<?x8xf32> {attn.name = "x"},
    %w: tensor<4x8xf32> {attn.name = "lin.weight", attn.role = #attn.role<parameter>,
                         attn.init = #attn.init<glorot>},
    %b: tensor<4xf32> {attn.name = "lin.bias", attn.role = #attn.role<parameter>,
                       attn.init = #attn.init<zeros>})
    -> (tensor<?x4xf32> {attn.name = "y"}) {
  %y = attn.linear %x, %w bias(%b : tensor<4xf32>)
         : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

func.func @causal(%q: tensor<?x2x?x16xf32> {attn.name = "q"},
    %k: tensor<?x2x?x16xf32> {attn.name = "k"},
    %v: tensor<?x2x?x16xf32> {attn.name = "v"},
    %len: tensor<?xi32> {attn.name = "lengths"})
    -> (tensor<?x2x?x16xf32> {attn.name = "out"}) {
  %o = attn.attention scaled_dot %q, %k, %v key_lengths(%len : tensor<?xi32>) causal
    : tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32> -> tensor<?x2x?x16xf32>
  return %o : tensor<?x2x?x16xf32>
}

func.func @graph(%q: tensor<?x2x8xf32> {attn.name = "q"},
    %k: tensor<?x2x8xf32> {attn.name = "k"},
    %v: tensor<?x2x8xf32> {attn.name = "v"},
    %rows: tensor<?xi64> {attn.name = "rows"},
    %cols: tensor<?xi64> {attn.name = "cols"})
    -> (tensor<?x2x8xf32> {attn.name = "out"}) {
  %o = attn.graph_attention scaled_dot %q, %k, %v
      csr(%rows, %cols : tensor<?xi64>, tensor<?xi64>)
      : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32>
      -> tensor<?x2x8xf32>
  return %o : tensor<?x2x8xf32>
}
