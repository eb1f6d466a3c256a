// The module of the weights tests (WeightsTests, weights_cli_test.py): a
// linear layer whose parameters are named as model descriptions name them,
// `<layer>.<param>`, next to a data input `x` with a dynamic row count. The
// roles and init rules are what the model frontend would give them; the
// runtime goes by them, not by the names.
func.func @f(%x: tensor<?x8xf32> {attn.name = "x"},
    %w: tensor<4x8xf32> {attn.name = "lin.weight", attn.role = #attn.role<parameter>,
                         attn.init = #attn.init<glorot>},
    %b: tensor<4xf32> {attn.name = "lin.bias", attn.role = #attn.role<parameter>,
                       attn.init = #attn.init<zeros>})
    -> (tensor<?x4xf32> {attn.name = "y"}) {
  %y = attn.linear %x, %w bias(%b : tensor<4xf32>)
         : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
