//===- OnnxImporter.h - ONNX transformer encoders to attn IR -----*- C++ -*-===//
//
// The ONNX frontend's entry point (docs/onnx.md): an .onnx file in, a
// verified attn module and the model's weights out. The importer recognises
// the subgraphs exporters emit for transformer encoders and builds the same
// model description (frontends/model) a YAML file would give, so one
// generator makes the IR. Errors go to the context's diagnostic handler,
// located at the node (`FILE:N:1`, N the node's 1-based position in the
// graph) and naming it, its op type and its inputs.
//
// No protobuf or ONNX header here: only attnc includes this.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_FRONTENDS_ONNX_ONNXIMPORTER_H
#define ATTNC_FRONTENDS_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attnc::onnx {

/// A parameter of the imported model, named as the module's argument.
struct Weight {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
};

/// Imports the model at `path`. The context must have the attn and func
/// dialects registered. Returns null after reporting an error; `weights`
/// then holds nothing.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxModel(llvm::StringRef path,
                                                  mlir::MLIRContext *context,
                                                  std::vector<Weight> &weights);

/// Whether `path` names an ONNX model (`.onnx`).
bool isOnnxPath(llvm::StringRef path);

/// Writes `weights` to `path` as safetensors (F32). Returns "" or a
/// one-line reason.
std::string writeSafetensors(const std::vector<Weight> &weights,
                             const std::string &path);

} // namespace attnc::onnx

#endif // ATTNC_FRONTENDS_ONNX_ONNXIMPORTER_H
