// Key lengths by role, but used as token ids (test/Target/roles.mlir).
func.func @k(%t: tensor<100x8xf32> {attn.name = "table"},
    %l: tensor<2x16xi64> {attn.name = "lengths", attn.role = #attn.role<key_lengths>}) -> tensor<2x16x8xf32> {
  %x = attn.embedding %t, %l : tensor<100x8xf32>, tensor<2x16xi64> -> tensor<2x16x8xf32>
  return %x : tensor<2x16x8xf32>
}
