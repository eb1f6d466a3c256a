// RUN: attn-opt %s --split-input-file --verify-diagnostics

// Role attributes of entry arguments and results (AttnAttrs.td): one case
// per verifier message, located at the argument (or the function, for
// results).

func.func @output_role_on_argument(
    // expected-error @+1 {{argument 0 has role 'output', which is a role of results}}
    %x: tensor<4xf32> {attn.role = #attn.role<output>}) {
  return
}

// -----

func.func @integer_parameter(
    // expected-error @+1 {{argument 0 has role 'parameter', which needs a floating-point tensor, got 'tensor<4xi32>'}}
    %w: tensor<4xi32> {attn.role = #attn.role<parameter>}) {
  return
}

// -----

func.func @float_row_offsets(
    // expected-error @+1 {{argument 0 has role 'row_offsets', which needs an integer tensor, got 'tensor<?xf32>'}}
    %r: tensor<?xf32> {attn.role = #attn.role<row_offsets>}) {
  return
}

// -----

func.func @init_on_data(
    // expected-error @+1 {{'attn.init' on argument 0, which is not a parameter}}
    %x: tensor<4xf32> {attn.role = #attn.role<data>, attn.init = #attn.init<zeros>}) {
  return
}

// -----

// expected-error @+1 {{result 0 is the gradient of argument 0, which has role 'data', not 'parameter'}}
func.func @gradient_of_data(%x: tensor<4xf32> {attn.role = #attn.role<data>})
    -> (tensor<4xf32> {attn.role = #attn.role<gradient>, attn.grad_of = 0 : i64}) {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{'attn.grad_of' of result 0 is 3, but the function has 1 arguments}}
func.func @gradient_out_of_range(%x: tensor<4xf32> {attn.role = #attn.role<parameter>})
    -> (tensor<4xf32> {attn.role = #attn.role<gradient>, attn.grad_of = 3 : i64}) {
  return %x : tensor<4xf32>
}

// -----

func.func @transpose_of_features(
    %x: tensor<?xi64> {attn.role = #attn.role<data>},
    // expected-error @+1 {{argument 1 transposes the graph of argument 0, which has role 'data', not 'row_offsets'}}
    %t: tensor<?xi64> {attn.role = #attn.role<t_offsets>, attn.transpose_of = 0 : i64}) {
  return
}

// -----

func.func @not_a_role(
    // expected-error @+1 {{'attn.role' of argument 0 must be an #attn.role<...>}}
    %x: tensor<4xf32> {attn.role = "parameter"}) {
  return
}

// -----

func.func @dims_count(
    // expected-error @+1 {{'attn.dims' of argument 0 has 1 names, but the argument is 'tensor<?x4xf32>'}}
    %x: tensor<?x4xf32> {attn.dims = ["batch"]}) {
  return
}

// -----

func.func @dims_not_strings(
    // expected-error @+1 {{'attn.dims' of argument 0 must be an array of strings on an argument}}
    %x: tensor<?xf32> {attn.dims = [1]}) {
  return
}
