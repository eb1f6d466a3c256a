// Sliding-window attention visits only the band: for a block of 8 query
// lanes starting at i0, the key loops run from max(i0 - left, 0) to
// min(i0 + 8 + right, Sk), here left = 32, right = 5.
// RUN: attnc %s --emit=halide-stmt -o - | FileCheck %s

// CHECK-LABEL: external func window_par_for_attention_{{[0-9]+}}_s0_v1_io_task_task
// CHECK: let row_max_{{[0-9]+}}.s1.rj_max$x.new_min.s = min({{.*}}*8) + -32, k.extent.1)
// CHECK: let [[EXT:t[0-9]+]] = max(min([[I0:t[0-9]+]] + 13, k.extent.1) - max(min([[I0]] + -32, k.extent.1), 0), 0)
// CHECK: for (row_max_{{[0-9]+}}.s1.rj_max$x.rebased, 0, [[EXT]])
// The band predicate masks the lanes of a block that are outside it.
// CHECK-NEXT: let [[J:t[0-9]+]] = row_max_{{[0-9]+}}.s1.rj_max$x.rebased
// CHECK-NEXT: select((ramp({{.*}} + -32, 1, 8) <= x8([[J]])) && (x8([[J]] + -5) <= ramp(
// CHECK: let row_sum_{{[0-9]+}}.s1.rj_sum$x.new_min.s = min({{.*}}*8) + -32, k.extent.1)
// CHECK: for (row_sum_{{[0-9]+}}.s1.rj_sum$x.rebased, 0,
func.func @window(%q: tensor<2x4x?x64xf32> {attn.name = "q"},
                  %k: tensor<2x4x?x64xf32> {attn.name = "k"},
                  %v: tensor<2x4x?x64xf32> {attn.name = "v"})
    -> tensor<2x4x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v window<left = 32, right = 5>
      : tensor<2x4x?x64xf32>, tensor<2x4x?x64xf32>, tensor<2x4x?x64xf32> -> tensor<2x4x?x64xf32>
  return %o : tensor<2x4x?x64xf32>
}
