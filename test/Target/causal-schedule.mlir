// Causal attention visits only the causal triangle: in each task the scan
// over key chunks stops at the chunk of the tile's last query, and within a
// chunk every key loop (chunk max, chunk sum, PV) ends at the last query of
// its block of lanes, min(block end, Sk), rather than at the chunk's end.
// RUN: attnc %s --emit=halide-stmt -o - | FileCheck %s

// CHECK-LABEL: external func causal_par_for_result0_s0_o1_io_task_task
// Tiles of 16 queries, chunks of 1024 keys: the last chunk is tile / 64.
// CHECK: let [[SCAN:attention_state_[0-9]+.s1.rc\$x.new_max.s]] = min(result0.s0.o1.ii.base.s/64,
// CHECK: for (attention_state_{{[0-9]+}}.s1.rc$x, 0, [[SCAN]] + 1)
// CHECK: let [[MAX:chunk_max_[0-9]+.s1.rj_max\$x.new_max.s]] = min(k.extent.1 - ({{t[0-9]+}}*1024), ({{.*}}*8) + 8)
// CHECK-NEXT: let [[MAXN:t[0-9]+]] = max(min([[MAX]], 1024), 0)
// CHECK: for (chunk_max_{{[0-9]+}}.s1.rj_max$x, 0, [[MAXN]])
// CHECK: let [[SUM:chunk_sum_[0-9]+.s1.rj_sum\$x.new_max.s]] = min(({{.*}}*8) + 8, {{t[0-9]+}})
// CHECK-NEXT: let [[SUMN:t[0-9]+]] = max(min([[SUM]], 1024), 0)
// CHECK: for (chunk_sum_{{[0-9]+}}.s1.rj_sum$x, 0, [[SUMN]])
// CHECK: let [[ACC:t[0-9]+]] = max(min({{t[0-9]+}}, 1024), 0)
// CHECK-NEXT: for (chunk_pv_{{[0-9]+}}.s1.rj_acc$x, 0, [[ACC]])
func.func @causal(%q: tensor<2x4x?x64xf32> {attn.name = "q"},
                  %k: tensor<2x4x?x64xf32> {attn.name = "k"},
                  %v: tensor<2x4x?x64xf32> {attn.name = "v"})
    -> tensor<2x4x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v causal
      : tensor<2x4x?x64xf32>, tensor<2x4x?x64xf32>, tensor<2x4x?x64xf32> -> tensor<2x4x?x64xf32>
  return %o : tensor<2x4x?x64xf32>
}
