//===- KernelPartition.h - entries as calls of shared kernels ---*- C++ -*-===//
//
// An entry used to be one Halide pipeline, and Halide's lowering cost grows
// faster than the pipeline: twelve identical encoder layers took 80 times
// one layer's compile time. Instead each entry is cut where its schedule
// computes a value at root anyway and only such values are live (residual
// sums, norms, activations: GenericStages), so nothing is recomputed or
// copied at a cut. The pieces are kernels; kernels whose ops, shapes and
// attributes print the same are compiled once, and the entry becomes glue
// in the module (ModuleLinker.cpp) that calls them in order with
// temporaries between them. The module ABI does not change: the glue has
// the signature of the entry it replaces.
//
// No Halide types: attnc includes this.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_TARGET_HALIDE_KERNELPARTITION_H
#define ATTNC_TARGET_HALIDE_KERNELPARTITION_H

#include "compiler/Target/Halide/HalideCompiler.h"

#include <string>
#include <utility>
#include <vector>

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace attnc::halide {

/// A buffer a kernel call reads or writes: an argument of the entry
/// (numbered as in the descriptor: inputs, then outputs) or a temporary.
struct PlanOperand {
  bool temporary = false;
  int index = -1;
};

/// A dense buffer between two kernels, taken from the module's allocator
/// (the runtime's pool) before its first call and given back after its
/// last reader.
struct PlanTemporary {
  kg::DType dtype = kg::DType::F32;
  std::vector<int64_t> shape; // logical, -1 dynamic
  /// Per logical dim: the entry input and its dim giving a dynamic extent.
  std::vector<std::pair<int, int>> extentFrom;
};

struct KernelCall {
  int kernel = -1;                 // into KernelTable::kernels
  std::vector<PlanOperand> args;   // the kernel's inputs, then outputs
  std::vector<int> release;        // temporaries no later call reads
};

/// How an entry runs: as calls of kernels, or, when `calls` is empty, as
/// one pipeline of its own (not partitioned).
struct EntryPlan {
  std::vector<PlanTemporary> temporaries;
  std::vector<KernelCall> calls;
};

struct KernelTable {
  /// The distinct kernels; each is a public func.func of the same name in
  /// the kernel module given to partitionEntries.
  std::vector<kg::Function> kernels;
  std::vector<std::string> ops; // per kernel: its ops, for --emit=kernels
  std::vector<EntryPlan> plans; // per entry, in order

  size_t calls() const {
    size_t n = 0;
    for (const EntryPlan &p : plans)
      n += p.calls.size();
    return n;
  }
};

/// The symbol of kernel `name` inside a module (never called by name from
/// outside: the prefix keeps it apart from entries and the runtime).
inline std::string moduleKernelSymbol(const std::string &name) {
  return "attnc_kernel_" + name;
}

/// Partitions every entry of `module` (`entries`, from
/// translateToKernelGraphs) into kernels cloned into `kernelModule`. Only
/// the hand CPU schedules are partitioned (GPU and autoscheduled entries
/// stay whole: their schedules were not checked for outputs at cuts), and
/// an entry with nothing to cut stays whole. Never fails: an entry it
/// cannot partition is compiled whole, which reports its errors.
void partitionEntries(mlir::ModuleOp module,
                      const std::vector<kg::Function> &entries,
                      const TargetInfo &target, ScheduleKind schedule,
                      mlir::ModuleOp kernelModule, KernelTable &table);

/// The table for --emit=kernels: each kernel, its ops and its callers, and
/// each entry's calls.
std::string describeKernels(const std::vector<kg::Function> &entries,
                            const KernelTable &table);

} // namespace attnc::halide

#endif // ATTNC_TARGET_HALIDE_KERNELPARTITION_H
