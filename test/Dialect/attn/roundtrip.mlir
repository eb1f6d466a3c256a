// RUN: attn-opt %s | attn-opt | FileCheck %s
// RUN: attn-opt %s --mlir-print-op-generic | attn-opt | FileCheck %s

// Every op and every attention form, in static and dynamic shapes, printed,
// parsed again and printed once more.

// CHECK-LABEL: func.func @dense_static
// CHECK: attn.attention scaled_dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x8x128x64xf32>, tensor<1x8x128x64xf32>, tensor<1x8x128x64xf32> -> tensor<1x8x128x64xf32>
func.func @dense_static(%q: tensor<1x8x128x64xf32>, %k: tensor<1x8x128x64xf32>,
                        %v: tensor<1x8x128x64xf32>) -> tensor<1x8x128x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v
    : tensor<1x8x128x64xf32>, tensor<1x8x128x64xf32>, tensor<1x8x128x64xf32> -> tensor<1x8x128x64xf32>
  return %o : tensor<1x8x128x64xf32>
}

// CHECK-LABEL: func.func @dense_dynamic
// CHECK: attn.attention dot %{{.*}} : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
func.func @dense_dynamic(%q: tensor<?x?x?x?xf32>, %k: tensor<?x?x?x?xf32>,
                         %v: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %o = attn.attention dot %q, %k, %v
    : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %o : tensor<?x?x?x?xf32>
}

// CHECK-LABEL: func.func @explicit_scale_f64
// CHECK: attn.attention scaled_dot {{.*}} scale(1.250000e-01) : tensor<2x4x16x32xf64>
func.func @explicit_scale_f64(%q: tensor<2x4x16x32xf64>, %k: tensor<2x4x16x32xf64>,
                              %v: tensor<2x4x16x32xf64>) -> tensor<2x4x16x32xf64> {
  %o = attn.attention scaled_dot %q, %k, %v scale(0.125)
    : tensor<2x4x16x32xf64>, tensor<2x4x16x32xf64>, tensor<2x4x16x32xf64> -> tensor<2x4x16x32xf64>
  return %o : tensor<2x4x16x32xf64>
}

// CHECK-LABEL: func.func @cross_attention_static
// CHECK: attn.attention scaled_dot {{.*}} : tensor<2x8x7x64xf32>, tensor<2x8x129x64xf32>, tensor<2x8x129x32xf32> -> tensor<2x8x7x32xf32>
func.func @cross_attention_static(%q: tensor<2x8x7x64xf32>, %k: tensor<2x8x129x64xf32>,
                                  %v: tensor<2x8x129x32xf32>) -> tensor<2x8x7x32xf32> {
  %o = attn.attention scaled_dot %q, %k, %v
    : tensor<2x8x7x64xf32>, tensor<2x8x129x64xf32>, tensor<2x8x129x32xf32> -> tensor<2x8x7x32xf32>
  return %o : tensor<2x8x7x32xf32>
}

// CHECK-LABEL: func.func @cross_attention_dynamic
// CHECK: attn.attention scaled_dot {{.*}} : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x8x?x64xf32>
func.func @cross_attention_dynamic(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                                   %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v
    : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @grouped_query_static
// CHECK: attn.attention scaled_dot {{.*}} : tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32> -> tensor<1x8x16x64xf32>
func.func @grouped_query_static(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x16x64xf32>,
                                %v: tensor<1x2x16x64xf32>) -> tensor<1x8x16x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v
    : tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32> -> tensor<1x8x16x64xf32>
  return %o : tensor<1x8x16x64xf32>
}

// CHECK-LABEL: func.func @grouped_query_dynamic
// CHECK: attn.attention scaled_dot {{.*}} : tensor<?x8x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x8x?x64xf32>
func.func @grouped_query_dynamic(%q: tensor<?x8x?x64xf32>, %k: tensor<?x?x?x64xf32>,
                                 %v: tensor<?x?x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v
    : tensor<?x8x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @causal_static
// CHECK: attn.attention scaled_dot {{.*}} causal : tensor<1x4x32x16xf32>
func.func @causal_static(%q: tensor<1x4x32x16xf32>, %k: tensor<1x4x32x16xf32>,
                         %v: tensor<1x4x32x16xf32>) -> tensor<1x4x32x16xf32> {
  %o = attn.attention scaled_dot %q, %k, %v causal
    : tensor<1x4x32x16xf32>, tensor<1x4x32x16xf32>, tensor<1x4x32x16xf32> -> tensor<1x4x32x16xf32>
  return %o : tensor<1x4x32x16xf32>
}

// CHECK-LABEL: func.func @causal_dynamic
// CHECK: attn.attention scaled_dot {{.*}} causal : tensor<?x4x?x16xf32>
func.func @causal_dynamic(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>,
                          %v: tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32> {
  %o = attn.attention scaled_dot %q, %k, %v causal
    : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// CHECK-LABEL: func.func @key_padding_static
// CHECK: attn.attention scaled_dot {{.*}} key_lengths(%{{.*}} : tensor<3xi32>) : tensor<3x2x9x8xf32>
func.func @key_padding_static(%q: tensor<3x2x9x8xf32>, %k: tensor<3x2x9x8xf32>,
                              %v: tensor<3x2x9x8xf32>, %len: tensor<3xi32>) -> tensor<3x2x9x8xf32> {
  %o = attn.attention scaled_dot %q, %k, %v key_lengths(%len : tensor<3xi32>)
    : tensor<3x2x9x8xf32>, tensor<3x2x9x8xf32>, tensor<3x2x9x8xf32> -> tensor<3x2x9x8xf32>
  return %o : tensor<3x2x9x8xf32>
}

// CHECK-LABEL: func.func @key_padding_dynamic
// CHECK: key_lengths(%{{.*}} : tensor<?xi64>) : tensor<?x2x?x8xf32>
func.func @key_padding_dynamic(%q: tensor<?x2x?x8xf32>, %k: tensor<?x2x?x8xf32>,
                               %v: tensor<?x2x?x8xf32>, %len: tensor<?xi64>) -> tensor<?x2x?x8xf32> {
  %o = attn.attention scaled_dot %q, %k, %v key_lengths(%len : tensor<?xi64>)
    : tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32> -> tensor<?x2x?x8xf32>
  return %o : tensor<?x2x?x8xf32>
}

// CHECK-LABEL: func.func @bool_mask_static
// CHECK: mask(%{{.*}} : tensor<1x1x16x16xi1>)
func.func @bool_mask_static(%q: tensor<2x4x16x8xf32>, %k: tensor<2x4x16x8xf32>,
                            %v: tensor<2x4x16x8xf32>, %m: tensor<1x1x16x16xi1>) -> tensor<2x4x16x8xf32> {
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<1x1x16x16xi1>)
    : tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32> -> tensor<2x4x16x8xf32>
  return %o : tensor<2x4x16x8xf32>
}

// CHECK-LABEL: func.func @bool_mask_dynamic
// CHECK: mask(%{{.*}} : tensor<?x?xi1>)
func.func @bool_mask_dynamic(%q: tensor<?x4x?x8xf32>, %k: tensor<?x4x?x8xf32>,
                             %v: tensor<?x4x?x8xf32>, %m: tensor<?x?xi1>) -> tensor<?x4x?x8xf32> {
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<?x?xi1>)
    : tensor<?x4x?x8xf32>, tensor<?x4x?x8xf32>, tensor<?x4x?x8xf32> -> tensor<?x4x?x8xf32>
  return %o : tensor<?x4x?x8xf32>
}

// CHECK-LABEL: func.func @additive_bias_static
// CHECK: bias(%{{.*}} : tensor<4x16x16xf32>)
func.func @additive_bias_static(%q: tensor<2x4x16x8xf32>, %k: tensor<2x4x16x8xf32>,
                                %v: tensor<2x4x16x8xf32>, %b: tensor<4x16x16xf32>) -> tensor<2x4x16x8xf32> {
  %o = attn.attention scaled_dot %q, %k, %v bias(%b : tensor<4x16x16xf32>)
    : tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32> -> tensor<2x4x16x8xf32>
  return %o : tensor<2x4x16x8xf32>
}

// CHECK-LABEL: func.func @additive_bias_dynamic
// CHECK: bias(%{{.*}} : tensor<?x?x?x?xf32>)
func.func @additive_bias_dynamic(%q: tensor<?x4x?x8xf32>, %k: tensor<?x4x?x8xf32>,
                                 %v: tensor<?x4x?x8xf32>, %b: tensor<?x?x?x?xf32>) -> tensor<?x4x?x8xf32> {
  %o = attn.attention scaled_dot %q, %k, %v bias(%b : tensor<?x?x?x?xf32>)
    : tensor<?x4x?x8xf32>, tensor<?x4x?x8xf32>, tensor<?x4x?x8xf32> -> tensor<?x4x?x8xf32>
  return %o : tensor<?x4x?x8xf32>
}

// CHECK-LABEL: func.func @all_masks_together
// CHECK: attn.attention scaled_dot %{{.*}}, %{{.*}}, %{{.*}} mask(%{{.*}} : tensor<16x16xi1>) bias(%{{.*}} : tensor<1x4x16x16xf32>) key_lengths(%{{.*}} : tensor<2xi32>) causal window<left = 3, right = 0> scale(2.500000e-01)
func.func @all_masks_together(%q: tensor<2x4x16x8xf32>, %k: tensor<2x4x16x8xf32>,
                              %v: tensor<2x4x16x8xf32>, %m: tensor<16x16xi1>,
                              %b: tensor<1x4x16x16xf32>, %len: tensor<2xi32>) -> tensor<2x4x16x8xf32> {
  %o = attn.attention scaled_dot %q, %k, %v mask(%m : tensor<16x16xi1>)
         bias(%b : tensor<1x4x16x16xf32>) key_lengths(%len : tensor<2xi32>)
         causal window<left = 3, right = 0> scale(0.25)
    : tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32> -> tensor<2x4x16x8xf32>
  return %o : tensor<2x4x16x8xf32>
}

// CHECK-LABEL: func.func @sliding_window_static
// CHECK: window<left = 256, right = 0> : tensor<1x8x8192x64xf32>
func.func @sliding_window_static(%q: tensor<1x8x8192x64xf32>, %k: tensor<1x8x8192x64xf32>,
                                 %v: tensor<1x8x8192x64xf32>) -> tensor<1x8x8192x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v window<left = 256, right = 0>
    : tensor<1x8x8192x64xf32>, tensor<1x8x8192x64xf32>, tensor<1x8x8192x64xf32> -> tensor<1x8x8192x64xf32>
  return %o : tensor<1x8x8192x64xf32>
}

// CHECK-LABEL: func.func @truncated_dynamic
// CHECK: window<left = 16, right = 4> : tensor<?x4x?x64xf32>
func.func @truncated_dynamic(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                             %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v window<left = 16, right = 4>
    : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32> -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// CHECK-LABEL: func.func @graph_dot_static
// CHECK: attn.graph_attention scaled_dot %{{.*}}, %{{.*}}, %{{.*}} csr(%{{.*}}, %{{.*}} : tensor<8xi32>, tensor<20xi32>) : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
func.func @graph_dot_static(%q: tensor<7x2x4xf32>, %k: tensor<7x2x4xf32>, %v: tensor<7x2x4xf32>,
                            %rows: tensor<8xi32>, %cols: tensor<20xi32>) -> tensor<7x2x4xf32> {
  %o = attn.graph_attention scaled_dot %q, %k, %v csr(%rows, %cols : tensor<8xi32>, tensor<20xi32>)
    : tensor<7x2x4xf32>, tensor<7x2x4xf32>, tensor<7x2x4xf32> -> tensor<7x2x4xf32>
  return %o : tensor<7x2x4xf32>
}

// CHECK-LABEL: func.func @graph_dot_dynamic
// CHECK: attn.graph_attention dot {{.*}} csr(%{{.*}}, %{{.*}} : tensor<?xi64>, tensor<?xi64>) : tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x8xf32> -> tensor<?x4x8xf32>
func.func @graph_dot_dynamic(%q: tensor<?x4x16xf32>, %k: tensor<?x4x16xf32>, %v: tensor<?x4x8xf32>,
                             %rows: tensor<?xi64>, %cols: tensor<?xi64>) -> tensor<?x4x8xf32> {
  %o = attn.graph_attention dot %q, %k, %v csr(%rows, %cols : tensor<?xi64>, tensor<?xi64>)
    : tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x8xf32> -> tensor<?x4x8xf32>
  return %o : tensor<?x4x8xf32>
}

// CHECK-LABEL: func.func @graph_gat_static
// CHECK: attn.graph_attention additive {{.*}} attn_vectors(%{{.*}}, %{{.*}} : tensor<8x8xf32>, tensor<8x8xf32>) negative_slope(2.000000e-01) : tensor<2708x8x8xf32>
func.func @graph_gat_static(%wh: tensor<2708x8x8xf32>, %rows: tensor<2709xi32>, %cols: tensor<13264xi32>,
                            %as: tensor<8x8xf32>, %ad: tensor<8x8xf32>) -> tensor<2708x8x8xf32> {
  %o = attn.graph_attention additive %wh, %wh, %wh csr(%rows, %cols : tensor<2709xi32>, tensor<13264xi32>)
         attn_vectors(%as, %ad : tensor<8x8xf32>, tensor<8x8xf32>) negative_slope(0.2)
    : tensor<2708x8x8xf32>, tensor<2708x8x8xf32>, tensor<2708x8x8xf32> -> tensor<2708x8x8xf32>
  return %o : tensor<2708x8x8xf32>
}

// CHECK-LABEL: func.func @graph_gat_dynamic
// CHECK: attn.graph_attention additive {{.*}} attn_vectors(%{{.*}}, %{{.*}} : tensor<?x?xf32>, tensor<?x?xf32>) : tensor<?x?x?xf32>
func.func @graph_gat_dynamic(%wh: tensor<?x?x?xf32>, %rows: tensor<?xi64>, %cols: tensor<?xi64>,
                             %as: tensor<?x?xf32>, %ad: tensor<?x?xf32>) -> tensor<?x?x?xf32> {
  %o = attn.graph_attention additive %wh, %wh, %wh csr(%rows, %cols : tensor<?xi64>, tensor<?xi64>)
         attn_vectors(%as, %ad : tensor<?x?xf32>, tensor<?x?xf32>)
    : tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32> -> tensor<?x?x?xf32>
  return %o : tensor<?x?x?xf32>
}

// CHECK-LABEL: func.func @decomposed_static
// CHECK: %[[S:.+]] = attn.score %{{.*}}, %{{.*}} scale(1.250000e-01) : tensor<1x8x7x64xf32>, tensor<1x2x9x64xf32> -> tensor<1x8x7x9xf32>
// CHECK: %[[P:.+]] = attn.softmax %[[S]] mask(%{{.*}} : tensor<7x9xi1>) bias(%{{.*}} : tensor<1x8x7x9xf32>) key_lengths(%{{.*}} : tensor<1xi32>) causal window<left = 2, right = 0> : tensor<1x8x7x9xf32> -> tensor<1x8x7x9xf32>
// CHECK: attn.weighted_sum %[[P]], %{{.*}} : tensor<1x8x7x9xf32>, tensor<1x2x9x32xf32> -> tensor<1x8x7x32xf32>
func.func @decomposed_static(%q: tensor<1x8x7x64xf32>, %k: tensor<1x2x9x64xf32>,
                             %v: tensor<1x2x9x32xf32>, %m: tensor<7x9xi1>,
                             %b: tensor<1x8x7x9xf32>, %len: tensor<1xi32>) -> tensor<1x8x7x32xf32> {
  %s = attn.score %q, %k scale(0.125) : tensor<1x8x7x64xf32>, tensor<1x2x9x64xf32> -> tensor<1x8x7x9xf32>
  %p = attn.softmax %s mask(%m : tensor<7x9xi1>) bias(%b : tensor<1x8x7x9xf32>)
         key_lengths(%len : tensor<1xi32>) causal window<left = 2, right = 0>
    : tensor<1x8x7x9xf32> -> tensor<1x8x7x9xf32>
  %o = attn.weighted_sum %p, %v : tensor<1x8x7x9xf32>, tensor<1x2x9x32xf32> -> tensor<1x8x7x32xf32>
  return %o : tensor<1x8x7x32xf32>
}

// CHECK-LABEL: func.func @decomposed_dynamic
// CHECK: attn.score {{.*}} : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
// CHECK: attn.softmax {{.*}} : tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
// CHECK: attn.weighted_sum {{.*}} : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
func.func @decomposed_dynamic(%q: tensor<?x?x?x?xf32>, %k: tensor<?x?x?x?xf32>,
                              %v: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %s = attn.score %q, %k scale(1.0) : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  %p = attn.softmax %s : tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  %o = attn.weighted_sum %p, %v : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %o : tensor<?x?x?x?xf32>
}

// CHECK-LABEL: func.func @multi_head_static
// CHECK: attn.linear %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<512xf32>) : tensor<2x16x512xf32>, tensor<512x512xf32> -> tensor<2x16x512xf32>
// CHECK: attn.split_heads %{{.*}} heads(8) : tensor<2x16x512xf32> -> tensor<2x8x16x64xf32>
// CHECK: attn.merge_heads %{{.*}} : tensor<2x8x16x64xf32> -> tensor<2x16x512xf32>
// CHECK: attn.linear %{{.*}}, %{{.*}} : tensor<2x16x512xf32>, tensor<512x512xf32> -> tensor<2x16x512xf32>
func.func @multi_head_static(%x: tensor<2x16x512xf32>, %wq: tensor<512x512xf32>, %bq: tensor<512xf32>,
                             %wo: tensor<512x512xf32>) -> tensor<2x16x512xf32> {
  %p = attn.linear %x, %wq bias(%bq : tensor<512xf32>) : tensor<2x16x512xf32>, tensor<512x512xf32> -> tensor<2x16x512xf32>
  %h = attn.split_heads %p heads(8) : tensor<2x16x512xf32> -> tensor<2x8x16x64xf32>
  %a = attn.attention scaled_dot %h, %h, %h causal
    : tensor<2x8x16x64xf32>, tensor<2x8x16x64xf32>, tensor<2x8x16x64xf32> -> tensor<2x8x16x64xf32>
  %m = attn.merge_heads %a : tensor<2x8x16x64xf32> -> tensor<2x16x512xf32>
  %o = attn.linear %m, %wo : tensor<2x16x512xf32>, tensor<512x512xf32> -> tensor<2x16x512xf32>
  return %o : tensor<2x16x512xf32>
}

// CHECK-LABEL: func.func @multi_head_dynamic
// CHECK: attn.split_heads %{{.*}} heads(8) : tensor<?x?x512xf32> -> tensor<?x8x?x64xf32>
// CHECK: attn.merge_heads %{{.*}} : tensor<?x8x?x64xf32> -> tensor<?x?x512xf32>
func.func @multi_head_dynamic(%x: tensor<?x?x512xf32>) -> tensor<?x?x512xf32> {
  %h = attn.split_heads %x heads(8) : tensor<?x?x512xf32> -> tensor<?x8x?x64xf32>
  %m = attn.merge_heads %h : tensor<?x8x?x64xf32> -> tensor<?x?x512xf32>
  return %m : tensor<?x?x512xf32>
}

// CHECK-LABEL: func.func @graph_heads
// CHECK: attn.linear %{{.*}}, %{{.*}} : tensor<?x1433xf32>, tensor<64x1433xf32> -> tensor<?x64xf32>
// CHECK: attn.split_heads %{{.*}} heads(8) : tensor<?x64xf32> -> tensor<?x8x8xf32>
// CHECK: attn.merge_heads %{{.*}} : tensor<?x8x8xf32> -> tensor<?x64xf32>
// CHECK: attn.merge_heads %{{.*}} mean : tensor<?x8x8xf32> -> tensor<?x8xf32>
func.func @graph_heads(%x: tensor<?x1433xf32>, %w: tensor<64x1433xf32>) -> (tensor<?x64xf32>, tensor<?x8xf32>) {
  %p = attn.linear %x, %w : tensor<?x1433xf32>, tensor<64x1433xf32> -> tensor<?x64xf32>
  %h = attn.split_heads %p heads(8) : tensor<?x64xf32> -> tensor<?x8x8xf32>
  %c = attn.merge_heads %h : tensor<?x8x8xf32> -> tensor<?x64xf32>
  %m = attn.merge_heads %h mean : tensor<?x8x8xf32> -> tensor<?x8xf32>
  return %c, %m : tensor<?x64xf32>, tensor<?x8xf32>
}

// The attribute forms, outside ops.
// CHECK-LABEL: func.func @attributes
// CHECK-SAME: attn.score = #attn<score additive>
// CHECK-SAME: attn.window = #attn.window<left = 1, right = 2>
func.func @attributes() attributes {attn.score = #attn<score additive>,
                                    attn.window = #attn.window<left = 1, right = 2>} {
  return
}

// The layers around attention.
// CHECK-LABEL: func.func @layers_static
// CHECK: attn.embedding %{{.*}}, %{{.*}} : tensor<1000x64xf32>, tensor<2x16xi64> -> tensor<2x16x64xf32>
// CHECK: attn.positional_encoding sinusoidal %{{.*}} : tensor<2x16x64xf32> -> tensor<2x16x64xf32>
// CHECK: attn.positional_encoding learned %{{.*}} table(%{{.*}} : tensor<512x64xf32>) : tensor<2x16x64xf32> -> tensor<2x16x64xf32>
// CHECK: attn.layer_norm %{{.*}}, %{{.*}}, %{{.*}} epsilon({{.*}}) : tensor<2x16x64xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<2x16x64xf32>
// CHECK: attn.activation relu %{{.*}} : tensor<2x16x64xf32>
// CHECK: attn.activation gelu %{{.*}} : tensor<2x16x64xf32>
// CHECK: attn.activation elu %{{.*}} : tensor<2x16x64xf32>
// CHECK: attn.dropout %{{.*}} rate(1.000000e-01) : tensor<2x16x64xf32>
// CHECK: attn.add %{{.*}}, %{{.*}} : tensor<2x16x64xf32>, tensor<2x16x64xf32>
// CHECK: attn.log_softmax %{{.*}} : tensor<2x16x64xf32>
func.func @layers_static(%t: tensor<1000x64xf32>, %ids: tensor<2x16xi64>, %pt: tensor<512x64xf32>,
                         %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<2x16x64xf32> {
  %x = attn.embedding %t, %ids : tensor<1000x64xf32>, tensor<2x16xi64> -> tensor<2x16x64xf32>
  %p = attn.positional_encoding sinusoidal %x : tensor<2x16x64xf32> -> tensor<2x16x64xf32>
  %q = attn.positional_encoding learned %p table(%pt : tensor<512x64xf32>) : tensor<2x16x64xf32> -> tensor<2x16x64xf32>
  %n = attn.layer_norm %q, %g, %b epsilon(1.0e-6) : tensor<2x16x64xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<2x16x64xf32>
  %r = attn.activation relu %n : tensor<2x16x64xf32>
  %s = attn.activation gelu %r : tensor<2x16x64xf32>
  %e = attn.activation elu %s : tensor<2x16x64xf32>
  %d = attn.dropout %e rate(0.1) : tensor<2x16x64xf32>
  %a = attn.add %d, %x : tensor<2x16x64xf32>, tensor<2x16x64xf32>
  %l = attn.log_softmax %a : tensor<2x16x64xf32>
  return %l : tensor<2x16x64xf32>
}

// CHECK-LABEL: func.func @layers_dynamic
// CHECK: attn.embedding %{{.*}}, %{{.*}} : tensor<?x?xf32>, tensor<?x?xi32> -> tensor<?x?x?xf32>
// CHECK: attn.positional_encoding learned %{{.*}} table(%{{.*}} : tensor<?x?xf32>) : tensor<?x?x?xf32> -> tensor<?x?x?xf32>
// CHECK: attn.layer_norm {{.*}} : tensor<?x?x?xf32>, tensor<?xf32>, tensor<?xf32> -> tensor<?x?x?xf32>
// CHECK: attn.log_softmax %{{.*}} : tensor<?x?x?xf32>
func.func @layers_dynamic(%t: tensor<?x?xf32>, %ids: tensor<?x?xi32>, %pt: tensor<?x?xf32>,
                          %g: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?x?x?xf32> {
  %x = attn.embedding %t, %ids : tensor<?x?xf32>, tensor<?x?xi32> -> tensor<?x?x?xf32>
  %q = attn.positional_encoding learned %x table(%pt : tensor<?x?xf32>) : tensor<?x?x?xf32> -> tensor<?x?x?xf32>
  %n = attn.layer_norm %q, %g, %b epsilon(1.0e-5) : tensor<?x?x?xf32>, tensor<?xf32>, tensor<?xf32> -> tensor<?x?x?xf32>
  %l = attn.log_softmax %n : tensor<?x?x?xf32>
  return %l : tensor<?x?x?xf32>
}

// Sparse first layers: CSR features times a dense weight, and its weight
// gradient; input dropout seeded (training) or not (inference).
// CHECK-LABEL: func.func @sparse_linear_static
// CHECK: attn.sparse_linear %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<64xf32>) : tensor<6xi32>, tensor<9xi32>, tensor<9xf32>, tensor<64x1433xf32> -> tensor<5x64xf32>
func.func @sparse_linear_static(%rows: tensor<6xi32>, %cols: tensor<9xi32>, %vals: tensor<9xf32>,
                                %w: tensor<64x1433xf32>, %b: tensor<64xf32>) -> tensor<5x64xf32> {
  %y = attn.sparse_linear %rows, %cols, %vals, %w bias(%b : tensor<64xf32>)
    : tensor<6xi32>, tensor<9xi32>, tensor<9xf32>, tensor<64x1433xf32> -> tensor<5x64xf32>
  return %y : tensor<5x64xf32>
}

// CHECK-LABEL: func.func @sparse_linear_dynamic
// CHECK: attn.sparse_linear %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} input_dropout(6.000000e-01) seed(%{{.*}} : tensor<1xi64>) salt(1) : tensor<?xi64>, tensor<?xi64>, tensor<?xf32>, tensor<64x1433xf32> -> tensor<?x64xf32>
// CHECK: attn.sparse_linear %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} input_dropout(5.000000e-01) : tensor<?xi64>, tensor<?xi64>, tensor<?xf32>, tensor<64x1433xf32> -> tensor<?x64xf32>
func.func @sparse_linear_dynamic(%rows: tensor<?xi64>, %cols: tensor<?xi64>, %vals: tensor<?xf32>,
                                 %w: tensor<64x1433xf32>, %seed: tensor<1xi64>)
    -> (tensor<?x64xf32>, tensor<?x64xf32>) {
  %t = attn.sparse_linear %rows, %cols, %vals, %w input_dropout(0.6) seed(%seed : tensor<1xi64>) salt(1)
    : tensor<?xi64>, tensor<?xi64>, tensor<?xf32>, tensor<64x1433xf32> -> tensor<?x64xf32>
  %i = attn.sparse_linear %rows, %cols, %vals, %w input_dropout(0.5)
    : tensor<?xi64>, tensor<?xi64>, tensor<?xf32>, tensor<64x1433xf32> -> tensor<?x64xf32>
  return %t, %i : tensor<?x64xf32>, tensor<?x64xf32>
}

// CHECK-LABEL: func.func @sparse_linear_grad_weight
// CHECK: attn.sparse_linear_grad_weight %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xf32> -> tensor<64x1433xf32>
// CHECK: attn.sparse_linear_grad_weight %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} input_dropout(6.000000e-01) seed(%{{.*}} : tensor<1xi64>) salt(1) : tensor<?x64xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xf32> -> tensor<64x1433xf32>
func.func @sparse_linear_grad_weight(%dy: tensor<?x64xf32>, %rows: tensor<?xi64>, %cols: tensor<?xi64>,
                                     %vals: tensor<?xf32>, %seed: tensor<1xi64>)
    -> (tensor<64x1433xf32>, tensor<64x1433xf32>) {
  %a = attn.sparse_linear_grad_weight %dy, %rows, %cols, %vals
    : tensor<?x64xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xf32> -> tensor<64x1433xf32>
  %b = attn.sparse_linear_grad_weight %dy, %rows, %cols, %vals input_dropout(0.6) seed(%seed : tensor<1xi64>) salt(1)
    : tensor<?x64xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xf32> -> tensor<64x1433xf32>
  return %a, %b : tensor<64x1433xf32>, tensor<64x1433xf32>
}

// CHECK-LABEL: func.func @gelu_erf_and_pooling
// CHECK: attn.activation gelu_erf %{{.*}} : tensor<2x16x64xf32>
// CHECK: attn.mean_pool %{{.*}} key_lengths(%{{.*}} : tensor<2xi32>) : tensor<2x16x64xf32> -> tensor<2x64xf32>
// CHECK: attn.mean_pool %{{.*}} : tensor<?x?x64xf32> -> tensor<?x64xf32>
// CHECK: attn.mean_pool_grad %{{.*}}, %{{.*}} key_lengths(%{{.*}} : tensor<2xi32>) : tensor<2x16x64xf32>, tensor<2x64xf32> -> tensor<2x16x64xf32>
// CHECK: attn.activation_grad gelu_erf %{{.*}}, %{{.*}} : tensor<2x16x64xf32>
func.func @gelu_erf_and_pooling(%x: tensor<2x16x64xf32>, %len: tensor<2xi32>,
                                %d: tensor<?x?x64xf32>)
    -> (tensor<2x64xf32>, tensor<?x64xf32>, tensor<2x16x64xf32>) {
  %g = attn.activation gelu_erf %x : tensor<2x16x64xf32>
  %p = attn.mean_pool %g key_lengths(%len : tensor<2xi32>) : tensor<2x16x64xf32> -> tensor<2x64xf32>
  %a = attn.mean_pool %d : tensor<?x?x64xf32> -> tensor<?x64xf32>
  %dx = attn.mean_pool_grad %g, %p key_lengths(%len : tensor<2xi32>) : tensor<2x16x64xf32>, tensor<2x64xf32> -> tensor<2x16x64xf32>
  %dg = attn.activation_grad gelu_erf %x, %dx : tensor<2x16x64xf32>
  return %p, %a, %dg : tensor<2x64xf32>, tensor<?x64xf32>, tensor<2x16x64xf32>
}

// Roles of entry arguments and results (AttnAttrs.td) print and parse
// back: the role, a parameter's init kind, a gradient's parameter and a
// transposed graph's forward row offsets.
// CHECK-LABEL: func.func @roles(
// CHECK-SAME: {attn.name = "x", attn.role = #attn.role<data>}
// CHECK-SAME: {attn.init = #attn.init<ones>, attn.role = #attn.role<parameter>}
// CHECK-SAME: {attn.role = #attn.role<row_offsets>}
// CHECK-SAME: {attn.role = #attn.role<t_offsets>, attn.transpose_of = 2 : i64}
// CHECK-SAME: -> (tensor<4xf32> {attn.role = #attn.role<output>}, tensor<4xf32> {attn.grad_of = 1 : i64, attn.role = #attn.role<gradient>})
func.func @roles(%x: tensor<4xf32> {attn.name = "x", attn.role = #attn.role<data>},
                 %g: tensor<4xf32> {attn.role = #attn.role<parameter>, attn.init = #attn.init<ones>},
                 %r: tensor<?xi64> {attn.role = #attn.role<row_offsets>},
                 %t: tensor<?xi64> {attn.role = #attn.role<t_offsets>, attn.transpose_of = 2 : i64})
    -> (tensor<4xf32> {attn.role = #attn.role<output>},
        tensor<4xf32> {attn.role = #attn.role<gradient>, attn.grad_of = 1 : i64}) {
  return %x, %g : tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @sentence_encoder_tail
// CHECK: attn.key_padding_mask %{{.*}} : tensor<?x?xi64> -> tensor<?x1x1x?xi1>
// CHECK: attn.pool mean %{{.*}} attention_mask(%{{.*}} : tensor<?x?xi64>) : tensor<?x?x8xf32> -> tensor<?x8xf32>
// CHECK: attn.pool first %{{.*}} : tensor<?x?x8xf32> -> tensor<?x8xf32>
// CHECK: attn.pool max %{{.*}} attention_mask(%{{.*}} : tensor<?x?xi1>) : tensor<?x?x8xf32> -> tensor<?x8xf32>
// CHECK: attn.l2_normalize %{{.*}} epsilon(9.9999999999999998E-13) : tensor<?x8xf32>
func.func @sentence_encoder_tail(%x: tensor<?x?x8xf32>, %m: tensor<?x?xi64>, %b: tensor<?x?xi1>)
    -> (tensor<?x1x1x?xi1>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) {
  %k = attn.key_padding_mask %m : tensor<?x?xi64> -> tensor<?x1x1x?xi1>
  %a = attn.pool mean %x attention_mask(%m : tensor<?x?xi64>) : tensor<?x?x8xf32> -> tensor<?x8xf32>
  %f = attn.pool first %x : tensor<?x?x8xf32> -> tensor<?x8xf32>
  %c = attn.pool max %x attention_mask(%b : tensor<?x?xi1>) : tensor<?x?x8xf32> -> tensor<?x8xf32>
  %n = attn.l2_normalize %a epsilon(1.0e-12) : tensor<?x8xf32>
  return %k, %n, %f, %c : tensor<?x1x1x?xi1>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>
}
