//===- Pipelines.cpp - the named attn pass pipelines ----------------------===//
#include "compiler/Pipelines/Pipelines.h"

#include "dialects/attn/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace attnc {

namespace {

/// What both pipelines end with: later stages read one explicit scale
/// instead of re-deriving it from head_dim.
void addFinalization(mlir::OpPassManager &pm) {
  pm.addPass(mlir::attn::createMaterializeScalePass());
}

} // namespace

void buildInferencePipeline(mlir::OpPassManager &pm) {
  pm.addPass(mlir::createCanonicalizerPass());
  addFinalization(pm);
}

void buildTrainingPipeline(mlir::OpPassManager &pm) {
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::attn::createBuildTrainingStepPass());
  // Erases the gradients nothing needs (e.g. of the input features).
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  addFinalization(pm);
}

void registerPipelines() {
  // Idempotent: a second registration of a name would be a fatal error.
  static const bool registered = [] {
    mlir::PassPipelineRegistration<>(
        "attn-inference-pipeline",
        "The passes attnc runs on attn IR before translating it to Halide: "
        "canonicalize, attn-materialize-scale",
        buildInferencePipeline);
    mlir::PassPipelineRegistration<>(
        "attn-training-pipeline",
        "The passes `attnc --train` runs: canonicalize, "
        "attn-build-training-step, canonicalize, cse, attn-materialize-scale",
        buildTrainingPipeline);
    return true;
  }();
  (void)registered;
}

} // namespace attnc
