// Roles of hand-written IR: without attn.role attributes an entry still
// compiles, its content roles derived from the ops (CSR, key lengths,
// transposed graph), everything else data; explicit roles reach the module
// descriptor; an explicit role the uses contradict is an error at the
// argument.
// RUN: rm -rf %t && mkdir -p %t
// RUN: attnc %s -o %t/roles.so
// RUN: attn-run %t/roles.so --list | FileCheck %s

// CHECK: derived(q: f32[N, 2, 4] (data), rows: i32[N+1] (csr row offsets), cols: i32[E] (csr col indices)) -> (result0: f32[N, 2, 4] (output))
func.func @derived(%q: tensor<?x2x4xf32> {attn.name = "q"},
                   %r: tensor<?xi32> {attn.name = "rows"},
                   %c: tensor<?xi32> {attn.name = "cols"}) -> tensor<?x2x4xf32> {
  %o = attn.graph_attention dot %q, %q, %q csr(%r, %c : tensor<?xi32>, tensor<?xi32>)
    : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x4xf32> -> tensor<?x2x4xf32>
  return %o : tensor<?x2x4xf32>
}

// CHECK: explicit(x: f32[d{{[0-9]+}}, 8] (data), lin.weight: f32[4, 8] (parameter, init glorot), lin.bias: f32[4] (parameter, init zeros)) -> (y: f32[d{{[0-9]+}}, 4] (output))
func.func @explicit(%x: tensor<?x8xf32> {attn.name = "x", attn.role = #attn.role<data>},
    %w: tensor<4x8xf32> {attn.name = "lin.weight", attn.role = #attn.role<parameter>},
    %b: tensor<4xf32> {attn.name = "lin.bias", attn.role = #attn.role<parameter>, attn.init = #attn.init<zeros>})
    -> (tensor<?x4xf32> {attn.name = "y", attn.role = #attn.role<output>}) {
  %y = attn.linear %x, %w bias(%b : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// An argument declared labels but used as a graph's row offsets.
// RUN: not attnc %S/Inputs/role-contradicts-use.mlir -o %t/bad.so 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: role-contradicts-use.mlir:4:5: error: argument 'rows' has role 'labels', but the ops use it as 'row_offsets'
// RUN: not test -e %t/bad.so

// Declared key lengths that no op uses as such.
// RUN: not attnc %S/Inputs/role-without-use.mlir -o %t/bad2.so 2>&1 | FileCheck %s --check-prefix=UNUSED
// UNUSED: role-without-use.mlir:3:5: error: argument 'lengths' has role 'key_lengths', but no op uses it as such
