//===- TranslateRegistration.cpp - attn -> Halide as translations ---------===//
#include "compiler/Target/Halide/TranslateRegistration.h"

#include "compiler/InitAll.h"
#include "compiler/Target/Halide/HalideCompiler.h"
#include "compiler/Target/Halide/ModuleLinker.h"
#include "compiler/Target/Halide/TranslateToKernelGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"

namespace attnc {

namespace {

llvm::cl::opt<std::string> &targetOption() {
  static llvm::cl::opt<std::string> target(
      "attn-halide-target",
      llvm::cl::desc("Target of the attn -> Halide translations (as attnc's "
                     "--target)"),
      llvm::cl::init(halide::kDefaultTarget));
  return target;
}

void registerDialects(mlir::DialectRegistry &registry) {
  registerAllDialects(registry);
}

mlir::LogicalResult boundaries(mlir::ModuleOp module,
                               std::vector<kg::Function> &fns,
                               halide::TargetInfo &info) {
  std::string error;
  if (!halide::resolveTarget(targetOption(), info, error))
    return module.emitError() << error;
  return translateToKernelGraphs(module, fns);
}

mlir::LogicalResult toStmt(mlir::ModuleOp module, llvm::raw_ostream &os) {
  std::vector<kg::Function> fns;
  halide::TargetInfo info;
  if (mlir::failed(boundaries(module, fns, info)))
    return mlir::failure();
  halide::CompileOptions options;
  options.target = info.variants.back().target; // the base variant
  for (const kg::Function &fn : fns) {
    llvm::SmallString<128> path;
    if (llvm::sys::fs::createTemporaryFile("attn-translate", "stmt", path))
      return module.emitError() << "cannot create a temporary file";
    llvm::FileRemover remove(path);
    std::string err = halide::compileFunction(
        module.lookupSymbol<mlir::func::FuncOp>(fn.name), fn, options,
        halide::ArtifactKind::LoweredStmt, std::string(path));
    if (!err.empty())
      return module.emitError() << err;
    auto text = llvm::MemoryBuffer::getFile(path);
    if (!text)
      return module.emitError() << "cannot read " << path;
    os << (*text)->getBuffer();
  }
  return mlir::success();
}

mlir::LogicalResult toDescriptor(mlir::ModuleOp module,
                                 llvm::raw_ostream &os) {
  std::vector<kg::Function> fns;
  halide::TargetInfo info;
  if (mlir::failed(boundaries(module, fns, info)))
    return mlir::failure();
  os << halide::descriptorSource(fns, info, halide::KernelTable());
  return mlir::success();
}

} // namespace

void registerHalideTranslations() {
  targetOption();
  static mlir::TranslateFromMLIRRegistration stmt(
      "attn-to-halide-stmt",
      "attn IR to Halide's lowered statement of every public function",
      toStmt, registerDialects);
  static mlir::TranslateFromMLIRRegistration descriptor(
      "attn-to-module-descriptor",
      "attn IR to the C source of the module descriptor (arguments, "
      "extents, roles)",
      toDescriptor, registerDialects);
}

} // namespace attnc
