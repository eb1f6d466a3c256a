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
#include <vector>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace attnc::halide {

enum class ScheduleKind { Manual, Adams2019, Mullapudi2016, Li2018 };
enum class ArtifactKind { LoweredStmt, Assembly, Object };

/// The single-ISA baseline: x86-64 with AVX2/FMA (x86-64-v3), which runs
/// on any x86 server CPU of the last decade; what `cuda` and `opencl` add
/// their GPU features to, and the fallback variant of kMultiTarget.
inline constexpr const char *kDefaultTarget =
    "x86-64-linux-sse41-avx-avx2-fma-f16c";

/// attnc's default: one module holding every CPU kernel twice, for
/// AVX-512 (Skylake-SP and later: F, BW, DQ, VL) and for kDefaultTarget;
/// the module picks the best its CPU has on the first call. `host` means
/// the build machine only; a Halide target string forces one.
inline constexpr const char *kMultiTarget = "x86-64-multi";

/// The AVX-512 variant's features beyond kDefaultTarget.
inline constexpr const char *kAvx512Features = "avx512-avx512_skylake";

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
  std::string target = kDefaultTarget; // one variant's: never kMultiTarget
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

/// The symbol of one variant of an entry in a multi-variant module; the
/// entry's own symbol is then the descriptor's dispatcher.
inline std::string moduleVariantSymbol(const std::string &entry,
                                       const std::string &variant) {
  return moduleEntrySymbol(entry) + "__" + variant;
}

/// One compiled form of every kernel of a module.
struct TargetVariant {
  std::string name;   // "avx512", "avx2": symbol suffix, ATTNC_CPU_VARIANT
  std::string target; // canonical Halide target string
  /// GCC __builtin_cpu_supports names the variant needs beyond the base.
  std::vector<std::string> cpuChecks;
};

struct TargetInfo {
  /// The canonical Halide target string; for several variants, theirs
  /// joined by ',' (best first, as Halide spells multi-targets).
  std::string target;
  std::string cpuFeatures; // the base variant's, for the module's CPU check
  std::string device;      // "cpu", "cuda" or "opencl"
  /// Best first; the last (the base) runs on every CPU the module loads
  /// on. One variant with an empty name for a single target.
  std::vector<TargetVariant> variants;

  bool multiVariant() const { return variants.size() > 1; }
};

/// Resolves `target` (kMultiTarget, "host", "cuda", "opencl", a Halide
/// target string) or returns false with `error` set. "cuda" is
/// kDefaultTarget plus kCudaFeatures, "opencl" plus kOpenCLFeatures; a
/// CUDA target without a capability feature gets cuda_capability_80.
bool resolveTarget(const std::string &target, TargetInfo &info,
                   std::string &error);

/// Compiles `op`, whose boundary `fn` describes (translateToKernelGraphs),
/// into one artifact at `path`. Returns "" on success, else a one-line
/// error message.
std::string compileFunction(mlir::func::FuncOp op, const kg::Function &fn,
                            const CompileOptions &options, ArtifactKind kind,
                            const std::string &path);

/// Compiles Halide's runtime for `target` alone into the object `path`,
/// for kernels compiled with `-no_runtime`: one copy per module rather
/// than one per kernel. Returns "" or a one-line error.
std::string compileRuntime(const std::string &target, const std::string &path);

} // namespace attnc::halide

#endif // ATTNC_TARGET_HALIDE_HALIDECOMPILER_H
