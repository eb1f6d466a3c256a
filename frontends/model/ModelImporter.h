//===- ModelImporter.h - model descriptions to attn IR -------------*- C++ -*-===//
//
// The model frontend's one entry point: a YAML model description
// (docs/model-format.md) in, a verified attn module out. Errors go to the
// context's diagnostic handler as `FILE:LINE:COL: error: message`.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_FRONTENDS_MODEL_MODELIMPORTER_H
#define ATTNC_FRONTENDS_MODEL_MODELIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

namespace attnc::model {

/// Parses, checks and lowers the description `text` read from `filename`.
/// The context must have the attn and func dialects registered. Returns null
/// after reporting an error.
mlir::OwningOpRef<mlir::ModuleOp>
importModelDescription(llvm::StringRef text, llvm::StringRef filename,
                       mlir::MLIRContext *context);

/// Whether `path` names a model description (`.yaml` or `.yml`).
bool isModelDescriptionPath(llvm::StringRef path);

} // namespace attnc::model

#endif // ATTNC_FRONTENDS_MODEL_MODELIMPORTER_H
