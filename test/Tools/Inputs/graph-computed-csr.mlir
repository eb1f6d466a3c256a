func.func @g(%h: tensor<?x2x4xf32>, %r: tensor<?xi32>, %c: tensor<?xi32>) -> tensor<?x2x4xf32> {
  %c2 = attn.graph_attention dot %h, %h, %h csr(%r, %c : tensor<?xi32>, tensor<?xi32>)
    : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x4xf32> -> tensor<?x2x4xf32>
  return %c2 : tensor<?x2x4xf32>
}
