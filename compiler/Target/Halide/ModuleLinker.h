//===- ModuleLinker.h - objects + descriptor -> module .so ------*- C++ -*-===//
#ifndef ATTNC_TARGET_HALIDE_MODULELINKER_H
#define ATTNC_TARGET_HALIDE_MODULELINKER_H

#include "compiler/Target/Halide/HalideCompiler.h"
#include "compiler/Target/Halide/KernelPartition.h"

#include <string>
#include <vector>

namespace attnc::halide {

/// The C source of the module's `attnc_module_descriptor` for `fns`
/// (self-contained: it embeds runtime/module_abi.h), and of the glue of
/// each entry `kernels` partitioned: its kernels called in order.
std::string descriptorSource(const std::vector<kg::Function> &fns,
                             const TargetInfo &target,
                             const KernelTable &kernels);

/// Links `objects` and the descriptor into the shared library `outPath`
/// with the system C compiler ($CC, else cc), exporting only the module's
/// entry symbols. The file appears whole or not at all. Returns "" or a
/// one-line error.
std::string linkModule(const std::vector<kg::Function> &fns,
                       const KernelTable &kernels,
                       const std::vector<std::string> &objects,
                       const TargetInfo &target, const std::string &workDir,
                       const std::string &outPath);

} // namespace attnc::halide

#endif // ATTNC_TARGET_HALIDE_MODULELINKER_H
