//===- CUDA.h - hand-written GPU schedules -----------------------*- C++ -*-===//
//
// The schedule half of the Halide backend for GPUs: NVIDIA's through
// Halide's CUDA backend (PTX embedded in the object, launched through a
// dlopen-ed libcuda), any OpenCL device through its OpenCL backend. Reads
// the target; never changes what is computed.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_TARGET_HALIDE_SCHEDULES_CUDA_H
#define ATTNC_TARGET_HALIDE_SCHEDULES_CUDA_H

#include "compiler/Target/Halide/Stages.h"

namespace attnc::halide {

/// Tiles of the online dense form (Algorithms.h) for these head and value
/// dims (-1 when dynamic): the largest that fit a block's shared memory.
OnlineTiles cudaOnlineTiles(int64_t headDim, int64_t valueDim);

/// How the algorithm is built for these schedules, which rely on it: dense
/// attention as an online softmax (cudaOnlineTiles), graph attention and
/// its backward edge-parallel.
AlgorithmOptions cudaAlgorithmOptions();

/// Schedules every stage of `stages` on the GPU. Every Func that is
/// computed (compute_root or with update definitions) ends up in GPU block
/// and thread loops, except zero-dimensional values, which are computed on
/// the host (one scalar each) and copied to the device by Halide.
void scheduleCuda(PipelineStages &stages, const Halide::Target &target);

} // namespace attnc::halide

#endif // ATTNC_TARGET_HALIDE_SCHEDULES_CUDA_H
