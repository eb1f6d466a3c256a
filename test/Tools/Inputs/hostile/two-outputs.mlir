// Two outputs of one input, for tests of where outputs are written.
func.func @two(%x: tensor<?x4xf32>) -> (tensor<?x4xf32> {attn.name = "relu"}, tensor<?x4xf32> {attn.name = "elu"}) {
  %a = attn.activation relu %x : tensor<?x4xf32>
  %b = attn.activation elu %x : tensor<?x4xf32>
  return %a, %b : tensor<?x4xf32>, tensor<?x4xf32>
}
