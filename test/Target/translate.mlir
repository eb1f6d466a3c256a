// The backend's stages dumped on their own through the registered
// translations (attn-translate): the Halide statement of a pooled GELU, its
// CPU and GPU schedules, and the module descriptor with the extents the
// ops' DimRelationsOpInterface named.
// RUN: attn-translate --attn-to-halide-stmt %s | FileCheck %s --check-prefix=CPU
// RUN: attn-translate --attn-to-halide-stmt --attn-halide-target=cuda %s | FileCheck %s --check-prefix=GPU --dump-input=never
// RUN: attn-translate --attn-to-module-descriptor %s | FileCheck %s --check-prefix=DESC

// On CPUs the activation and the pooled sum are parallel tasks (the sum over
// the batch), then the division by the clamped length.
// CPU-LABEL: module name=pool, target=x86-64-linux-avx-avx2-f16c-fma-sse41
// CPU: external func pool_par_for_activation_
// CPU: external func pool_par_for_pool_sum_
// CPU: mean_pool_

// On GPUs the pooled sum is a kernel with the batch across blocks.
// GPU-LABEL: module name=pool, target=x86-64-linux-avx-avx2-cuda-cuda_capability_80
// GPU: .entry _kernel_pool_sum_{{[0-9]+}}_s0_b_gyo___block_id_y(

// The descriptor: the key lengths share the batch extent B with x, and the
// output is named after its dims.
// DESC: static const char *const names_0_0[] = {"B", "S", "D", 0};
// DESC: static const char *const names_0_1[] = {"B", 0};
// DESC: static const char *const names_0_2[] = {"B", "D", 0};
// DESC: {"lengths", ATTNC_ARG_INPUT, 2, ATTNC_ROLE_KEY_LENGTHS, 1, dims_0_1, names_0_1, 0, 1, ATTNC_INIT_NONE},
func.func @pool(%x: tensor<?x?x?xf32> {attn.name = "x"},
                %len: tensor<?xi32> {attn.name = "lengths"})
    -> (tensor<?x?xf32> {attn.name = "out"}) {
  %g = attn.activation gelu_erf %x : tensor<?x?x?xf32>
  %y = attn.mean_pool %g key_lengths(%len : tensor<?xi32>) : tensor<?x?x?xf32> -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
