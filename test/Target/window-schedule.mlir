// Sliding-window attention visits only the band: the scan over key chunks
// covers the chunks the query tile's band reaches, and within a chunk, for a
// block of 8 query lanes starting at i0, the key loops run over the band
// min(i0 + 8 + right, ...) back to i0 - left, here left = 32, right = 5.
// RUN: attnc %s --emit=halide-stmt -o - | FileCheck %s

// CHECK-LABEL: external func window_par_for_result0_s0_o1_io_task_task
// CHECK: let attention_state_{{[0-9]+}}.s1.rc$x.new_min.s = min((result0.s0.o1.ii.base.s + -2)/64,
// CHECK: for (attention_state_{{[0-9]+}}.s1.rc$x.rebased, 0,
// CHECK: let [[EXT:t[0-9]+]] = max(min(min((({{.*}})*8) + 13, {{.*}}, 1024) - ({{t[0-9]+}}*8), -32)
// CHECK: for (chunk_max_{{[0-9]+}}.s1.rj_max$x.rebased, 0, [[EXT]] + 32)
// The band predicate masks the lanes of a block that are outside it.
// CHECK-NEXT: let [[J:t[0-9]+]] = chunk_max_{{[0-9]+}}.s1.rj_max$x.rebased
// CHECK-NEXT: select((ramp({{.*}}, 1, 8) <= x8([[J]])) && (x8([[J]] + -37) <= ramp(
// CHECK: for (chunk_sum_{{[0-9]+}}.s1.rj_sum$x.rebased, 0,
func.func @window(%q: tensor<2x4x?x64xf32> {attn.name = "q"},
                  %k: tensor<2x4x?x64xf32> {attn.name = "k"},
                  %v: tensor<2x4x?x64xf32> {attn.name = "v"})
    -> tensor<2x4x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v window<left = 32, right = 5>
      : tensor<2x4x?x64xf32>, tensor<2x4x?x64xf32>, tensor<2x4x?x64xf32> -> tensor<2x4x?x64xf32>
  return %o : tensor<2x4x?x64xf32>
}
