//===- CUDA.h - hand-written CUDA schedules ----------------------*- C++ -*-===//
//
// The schedule half of the Halide backend for NVIDIA GPUs (Halide's CUDA
// backend: PTX embedded in the object, launched through a dlopen-ed
// libcuda). Reads the target; never changes what is computed.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_TARGET_HALIDE_SCHEDULES_CUDA_H
#define ATTNC_TARGET_HALIDE_SCHEDULES_CUDA_H

#include "compiler/Target/Halide/Algorithms.h"

namespace attnc::halide {

/// Query rows per thread block of fused dense attention. Also the `rowBlock`
/// the algorithm is built with, so band predicates are uniform per tile.
int cudaQueryTile();

/// Schedules every stage of `stages` on the GPU. Every Func that is
/// computed (compute_root or with update definitions) ends up in GPU block
/// and thread loops, except zero-dimensional values, which are computed on
/// the host (one scalar each) and copied to the device by Halide.
void scheduleCuda(PipelineStages &stages, const Halide::Target &target);

} // namespace attnc::halide

#endif // ATTNC_TARGET_HALIDE_SCHEDULES_CUDA_H
