//===- ModelGen.h - model description AST to attn IR ---------------*- C++ -*-===//
#ifndef ATTNC_FRONTENDS_MODEL_MODELGEN_H
#define ATTNC_FRONTENDS_MODEL_MODELGEN_H

#include "frontends/model/ModelDescription.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

namespace attnc::model {

/// Builds the entry function of `model` in a new module: data inputs, then
/// the parameters of every layer in layer order, as arguments named by
/// `attn.name`; the outputs as results named after their layers. Checks the
/// meaning of the description as it goes (shapes line up, references
/// resolve, heads divide) and reports the first problem at its location in
/// `filename`. Returns null after an error.
mlir::OwningOpRef<mlir::ModuleOp> buildModel(const Model &model,
                                             llvm::StringRef filename,
                                             mlir::MLIRContext *context);

} // namespace attnc::model

#endif // ATTNC_FRONTENDS_MODEL_MODELGEN_H
