// The CPU schedule of dense attention, as promised in
// compiler/Target/Halide/Schedules/CPU.cpp: one parallel task per fused
// (query tile, head, batch), vector loads and FMAs over 8 lanes (AVX2), and
// an online softmax over key chunks, so that the only slabs are [tile
// queries x chunk keys] whatever the sequence length, never Sq x Sk or
// tile x Sk.
// RUN: attnc %s --emit=halide-stmt -o - | FileCheck %s
// The entry's output is written tile by tile from the running state: no
// Sq x D intermediate of the whole result is allocated and copied.
// RUN: attnc %s --emit=halide-stmt -o - | FileCheck %s --check-prefix=DIRECT
// DIRECT-NOT: allocate attention_{{[0-9]+}}[

// CHECK-LABEL: external func dense_par_for_result0_s0_o1_io_task_task
// The running state {max, sum, accumulator}: 16 query rows x head dim 64.
// CHECK: allocate attention_state_[[ST:[0-9]+]].0[float32 * 64 * 16 * 1 * 1 * 1]
// CHECK: for (attention_state_[[ST]].s1.rc$x,
// The chunk's slab: 16 queries x (1024 keys + one micro-kernel's 8).
// CHECK: allocate logits_{{[0-9]+}}[float32 * 16 * 1032 * 1 * 1]
// QK^T: vector loads of the pre-scaled query tile, broadcast key elements.
// CHECK: qk_[[QK:[0-9]+]][ramp({{.*}}, 1, 8)] = qk_[[QK]][ramp({{.*}}, 1, 8)] + (q_scaled_{{[0-9]+}}[ramp({{.*}}, 1, 8){{.*}}]*x8(k[
// CHECK: allocate probs_{{[0-9]+}}[float32 * 16 * 1032 * 1 * 1]
// PV: contiguous vector loads of v rows into a register block.
// CHECK: allocate chunk_pv_{{[0-9]+}}[float32 * 32 * 2 * 1 * 1 * 1]
// CHECK: chunk_pv_[[PV:[0-9]+]][ramp({{.*}}, 1, 8)] = chunk_pv_[[PV]][ramp({{.*}}, 1, 8)] + (v[ramp({{.*}}, 1, 8){{.*}}]*x8(probs_
// The pipeline: 2 batches x 4 heads x query tiles, in parallel.
// CHECK: halide_do_par_for({{.*}}dense_par_for_result0_s0_o1_io_task_task, 0, {{t[0-9]+}}*8,
// CHECK-NOT: allocate logits_
func.func @dense(%q: tensor<2x4x?x64xf32> {attn.name = "q"},
                 %k: tensor<2x4x?x64xf32> {attn.name = "k"},
                 %v: tensor<2x4x?x64xf32> {attn.name = "v"})
    -> tensor<2x4x?x64xf32> {
  %o = attn.attention scaled_dot %q, %k, %v
      : tensor<2x4x?x64xf32>, tensor<2x4x?x64xf32>, tensor<2x4x?x64xf32> -> tensor<2x4x?x64xf32>
  return %o : tensor<2x4x?x64xf32>
}
