// An explicit role that the ops contradict (test/Target/roles.mlir).
func.func @g(%q: tensor<?x2x4xf32> {attn.name = "q"},
    %c: tensor<?xi32> {attn.name = "cols"},
    %r: tensor<?xi32> {attn.name = "rows", attn.role = #attn.role<labels>}) -> tensor<?x2x4xf32> {
  %o = attn.graph_attention dot %q, %q, %q csr(%r, %c : tensor<?xi32>, tensor<?xi32>)
    : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x4xf32> -> tensor<?x2x4xf32>
  return %o : tensor<?x2x4xf32>
}
