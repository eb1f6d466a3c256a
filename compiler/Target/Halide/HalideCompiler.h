//===- HalideCompiler.h - kernel graphs to Halide AOT artifacts -*- C++ -*-===//
//
// The only entry to the Halide backend. No Halide types: callers include
// this without Halide's headers, and Halide's exceptions never cross it
// (every failure comes back as a message).
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_TARGET_HALIDE_HALIDECOMPILER_H
#define ATTNC_TARGET_HALIDE_HALIDECOMPILER_H

#include "compiler/Target/Halide/KernelGraph.h"

#include <string>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace attnc::halide {

enum class ScheduleKind { Manual, Adams2019, Mullapudi2016, Li2018 };
enum class ArtifactKind { LoweredStmt, Assembly, Object };

/// The default target: x86-64 with AVX2/FMA (x86-64-v3), which runs on any
/// x86 server CPU of the last decade. `host` means the build machine.
inline constexpr const char *kDefaultTarget =
    "x86-64-linux-sse41-avx-avx2-fma-f16c";

/// What `--target=cuda` adds to kDefaultTarget: Halide's CUDA backend for
/// compute capability 8.0 and later (A100, H100, H200: PTX is JIT-compiled
/// by the driver for newer GPUs).
inline constexpr const char *kCudaFeatures = "cuda-cuda_capability_80";

/// What `--target=opencl` adds to kDefaultTarget: Halide's OpenCL backend,
/// which runs the GPU schedules on any OpenCL 1.2 device with doubles
/// (layer norm and losses accumulate in f64); with pocl on a
/// CPU it is how machines without a GPU execute them (tests, CI).
inline constexpr const char *kOpenCLFeatures = "opencl-cl_doubles";

struct CompileOptions {
  std::string target = kDefaultTarget;
  ScheduleKind schedule = ScheduleKind::Manual;
  /// The symbol the code is emitted under (NAME, NAME_argv,
  /// NAME_metadata); the function's own name when empty.
  std::string symbol;
};

/// The symbol of entry `entry` inside a module. Entries are called through
/// the descriptor, never by name, so modules prefix them: an entry may then
/// be named like anything the object also holds (malloc, free, the
/// descriptor, Halide's runtime functions).
inline std::string moduleEntrySymbol(const std::string &entry) {
  return "attnc_entry_" + entry;
}

struct TargetInfo {
  std::string target;      // canonical Halide target string
  std::string cpuFeatures; // comma-separated, for the module's CPU check
  std::string device;      // "cpu", "cuda" or "opencl"
};

/// Resolves `target` ("host", "cuda", "opencl", a Halide target string) or
/// returns false with `error` set. "cuda" is kDefaultTarget plus
/// kCudaFeatures, "opencl" plus kOpenCLFeatures; a
/// CUDA target without a capability feature gets cuda_capability_80.
bool resolveTarget(const std::string &target, TargetInfo &info,
                   std::string &error);

/// Compiles `op`, whose boundary `fn` describes (translateToKernelGraphs),
/// into one artifact at `path`. Returns "" on success, else a one-line
/// error message.
std::string compileFunction(mlir::func::FuncOp op, const kg::Function &fn,
                            const CompileOptions &options, ArtifactKind kind,
                            const std::string &path);

} // namespace attnc::halide

#endif // ATTNC_TARGET_HALIDE_HALIDECOMPILER_H
