// Causal attention visits only the causal triangle: in each task every key
// loop (row max, row sum, PV) ends at the last query of its block of lanes,
// min(block end, Sk), rather than at Sk.
// RUN: attnc %s --emit=halide-stmt -o - | FileCheck %s

// CHECK-LABEL: external func causal_par_for_attention_{{[0-9]+}}_s0_v1_io_task_task
// CHECK: let [[MAX:row_max_[0-9]+.s1.rj_max\$x.new_max.s]] = min({{.*}}*8) + 8, k.extent.1)
// CHECK: for (row_max_{{[0-9]+}}.s1.rj_max$x, 0, [[MAX]])
// CHECK: let [[SUM:row_sum_[0-9]+.s1.rj_sum\$x.new_max.s]] = min({{.*}}*8) + 8, k.extent.1)
// CHECK: for (row_sum_{{[0-9]+}}.s1.rj_sum$x, 0, [[SUM]])
// CHECK: let [[ACC:pv_[0-9]+.s1.rj_acc\$x.new_max.s]] = min({{.*}}*8) + 8, k.extent.1)
// CHECK: for (pv_{{[0-9]+}}.s1.rj_acc$x, 0, [[ACC]])
func.func @causal(%q: tensor<2x4x?x64xf32> {attn.name = "q"},
                  %k: tensor<2x4x?x64xf32> {attn.name = "k"},
                  %v: tensor<2x4x?x64xf32> {attn.name = "v"})
    -> tensor<2x4x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v causal
      : tensor<2x4x?x64xf32>, tensor<2x4x?x64xf32>, tensor<2x4x?x64xf32> -> tensor<2x4x?x64xf32>
  return %o : tensor<2x4x?x64xf32>
}
