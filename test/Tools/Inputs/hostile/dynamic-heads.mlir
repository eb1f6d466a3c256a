// Grouped-query attention whose head counts are run-time extents.
func.func @gqa(%q: tensor<?x?x?x4xf32>, %k: tensor<?x?x?x4xf32>, %v: tensor<?x?x?x4xf32>) -> tensor<?x?x?x4xf32> {
  %o = attn.attention scaled_dot %q, %k, %v : tensor<?x?x?x4xf32>, tensor<?x?x?x4xf32>, tensor<?x?x?x4xf32> -> tensor<?x?x?x4xf32>
  return %o : tensor<?x?x?x4xf32>
}
