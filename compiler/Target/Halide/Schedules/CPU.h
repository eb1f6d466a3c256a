//===- CPU.h - hand-written CPU schedules ------------------------*- C++ -*-===//
//
// The schedule half of the Halide backend for CPUs. Reads the target (its
// vector width); never changes what is computed.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_TARGET_HALIDE_SCHEDULES_CPU_H
#define ATTNC_TARGET_HALIDE_SCHEDULES_CPU_H

#include "compiler/Target/Halide/Stages.h"

namespace attnc::halide {

/// Query rows per tile of fused dense attention for `target`: two vectors.
int cpuQueryTile(const Halide::Target &target);

/// How the algorithm is built for these schedules: band predicates of dense
/// attention stated per vector of queries, which are processed together.
AlgorithmOptions cpuAlgorithmOptions(const Halide::Target &target);

/// Schedules every stage of `stages`; each kind of stage has its own
/// schedule here (a kind without one does not compile).
void scheduleCpu(PipelineStages &stages, const Halide::Target &target);

} // namespace attnc::halide

#endif // ATTNC_TARGET_HALIDE_SCHEDULES_CPU_H
