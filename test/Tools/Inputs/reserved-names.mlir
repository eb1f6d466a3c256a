// Entries named like symbols a module's objects also hold: the C library's
// allocator, the module descriptor, Halide's runtime.
func.func @malloc(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = attn.activation relu %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
func.func @free(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = attn.activation elu %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
func.func @attnc_module_descriptor(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = attn.activation gelu_erf %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
func.func @halide_error(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = attn.log_softmax %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
