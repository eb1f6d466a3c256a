//===- ModelImporter.cpp - model descriptions to attn IR ------------------===//
#include "frontends/model/ModelImporter.h"

#include "frontends/model/ModelGen.h"
#include "frontends/model/ModelParser.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

namespace attnc::model {

mlir::OwningOpRef<mlir::ModuleOp>
importModelDescription(llvm::StringRef text, llvm::StringRef filename,
                       mlir::MLIRContext *context) {
  Model model;
  bool parsed = parseModel(text.str(), model, [&](Loc loc, const std::string &msg) {
    mlir::emitError(mlir::FileLineColLoc::get(context, filename, loc.line, loc.col))
        << msg;
  });
  if (!parsed)
    return nullptr;
  mlir::OwningOpRef<mlir::ModuleOp> module = buildModel(model, filename, context);
  if (!module)
    return nullptr;
  // Everything the verifier could object to was checked above with a better
  // message: a failure here is a bug in this frontend.
  if (mlir::failed(mlir::verify(*module))) {
    mlir::emitError(module->getLoc())
        << "internal error: the model frontend built IR that does not verify";
    return nullptr;
  }
  return module;
}

bool isModelDescriptionPath(llvm::StringRef path) {
  return path.ends_with(".yaml") || path.ends_with(".yml");
}

} // namespace attnc::model
