//===- Pipelines.h - the named attn pass pipelines --------------*- C++ -*-===//
//
// The pass pipelines attnc runs before translating to Halide, defined once.
// attnc builds its pass manager with these functions; registerPipelines()
// makes the same pipelines available to attn-opt as
// `--attn-inference-pipeline` and `--attn-training-pipeline`, so a pipeline
// can be dumped and tested with exactly the passes the compiler runs.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_COMPILER_PIPELINES_PIPELINES_H
#define ATTNC_COMPILER_PIPELINES_PIPELINES_H

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace attnc {

/// attn IR as written or imported -> the canonical attn IR the Halide
/// target compiles: canonicalize, then make implicit attention scales
/// explicit (attn-materialize-scale). Anchored on builtin.module.
void buildInferencePipeline(mlir::OpPassManager &pm);

/// As buildInferencePipeline, with a training step added for every model
/// (`@f_train`, attn-build-training-step) on the canonical IR; canonicalize
/// and cse then erase the gradients nothing needs (e.g. of the input
/// features) before the scales are made explicit. Anchored on
/// builtin.module.
void buildTrainingPipeline(mlir::OpPassManager &pm);

/// Registers both as attn-opt pipelines (attn-inference-pipeline,
/// attn-training-pipeline). Called by registerAllPasses().
void registerPipelines();

} // namespace attnc

#endif // ATTNC_COMPILER_PIPELINES_PIPELINES_H
