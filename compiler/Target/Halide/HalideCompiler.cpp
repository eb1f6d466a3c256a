//===- HalideCompiler.cpp - kernel graphs to Halide AOT artifacts ---------===//
#include "compiler/Target/Halide/HalideCompiler.h"

#include "compiler/Target/Halide/Lowering.h"
#include "compiler/Target/Halide/Schedules/CPU.h"
#include "compiler/Target/Halide/Schedules/CUDA.h"

#include <Halide.h>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>

using namespace Halide;

namespace attnc::halide {

namespace {

#ifndef ATTNC_HALIDE_PLUGIN_DIR
#error "ATTNC_HALIDE_PLUGIN_DIR (Halide's autoscheduler folder) comes from CMake"
#endif
constexpr const char *kPluginDir = ATTNC_HALIDE_PLUGIN_DIR;

std::string featureList(const Target &t) {
  static const std::pair<Target::Feature, const char *> known[] = {
      {Target::SSE41, "sse41"},    {Target::AVX, "avx"},
      {Target::AVX2, "avx2"},      {Target::FMA, "fma"},
      {Target::F16C, "f16c"},      {Target::AVX512, "avx512f"},
      {Target::AVX512_Skylake, "avx512bw,avx512dq,avx512vl"},
      {Target::AVX512_Cannonlake, "avx512ifma,avx512vbmi"},
      {Target::AVX512_SapphireRapids, "avx512bf16,avx512vnni"},
  };
  std::string out;
  for (const auto &[feature, name] : known)
    if (t.has_feature(feature))
      out += (out.empty() ? "" : ",") + std::string(name);
  return out;
}

/// Estimates for the autoschedulers: static extents, else a typical size
/// picked by the dim's name (nodes, edges, sequence).
int estimateFor(const kg::Value &v, size_t logicalDim) {
  int64_t extent = v.shape[logicalDim];
  if (extent >= 0)
    return static_cast<int>(extent);
  const std::string &name =
      logicalDim < v.dimNames.size() ? v.dimNames[logicalDim] : "";
  if (!name.empty() && name[0] == 'E')
    return 100000;
  if (!name.empty() && name[0] == 'N')
    return 10000;
  return 1024;
}

void setEstimates(const kg::Function &fn, std::vector<ImageParam> &params,
                  PipelineStages &stages) {
  auto region = [](const kg::Value &v) {
    Region r;
    for (size_t k = v.shape.size(); k-- > 0;)
      r.emplace_back(0, estimateFor(v, k));
    return r;
  };
  for (size_t a = 0; a < params.size(); ++a)
    params[a].set_estimates(region(fn.values[fn.inputs[a].value]));
  for (size_t a = 0; a < stages.outputs.size(); ++a)
    stages.outputs[a].set_estimates(region(fn.values[fn.outputs[a].value]));
}

std::string loadAutoscheduler(const char *name) {
  static std::mutex mutex;
  static std::set<std::string> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  if (loaded.count(name))
    return "";
  std::string lib = std::string(kPluginDir) + "/libautoschedule_" + name + ".so";
  try {
    load_plugin(lib);
  } catch (const std::exception &e) {
    return "cannot load the " + std::string(name) + " autoscheduler (" + lib +
           "): " + e.what();
  }
  loaded.insert(name);
  return "";
}

/// The per-edge scatters of graph attention write each node's own CSR
/// range, so they are race-free whatever an autoscheduler parallelises;
/// Halide cannot prove it (the indices come from memory), so say so.
void markRaceFreeScatters(PipelineStages &stages) {
  auto mark = [](Func &f) {
    if (!f.defined())
      return;
    for (int u = 0; u < f.num_update_definitions(); ++u)
      f.update(u).allow_race_conditions();
  };
  for (AnyStage &stage : stages.stages) {
    if (auto *g = std::get_if<GraphAttentionStages>(&stage)) {
      mark(g->edgeExp);
      mark(g->edgeScore);
    } else if (auto *g = std::get_if<GraphAttentionGradStages>(&stage)) {
      mark(g->edgeP);
      mark(g->edgeDp);
      mark(g->edgeDz);
    }
  }
}

// Halide's OpenCL backend warns, once per kernel, that it drops the
// assertions storage bounds leave inside kernels (its CUDA backend drops
// them silently). The GPU schedules bound storage only by tile sizes they
// construct, so those warnings are noise; any other warning is printed and
// errors throw as Halide's own reporter would.
class QuietKernelAssertions : public CompileTimeErrorReporter {
public:
  void warning(const char *msg) override {
    if (!std::strstr(msg, "Ignoring assertion inside OpenCL kernel"))
      std::fputs(msg, stderr);
  }
  [[noreturn]] void error(const char *msg) override {
    if (std::strstr(msg, "Internal Error"))
      throw InternalError(msg);
    throw CompileError(msg);
  }
};

struct ScopedReporter {
  explicit ScopedReporter(CompileTimeErrorReporter *reporter) {
    set_custom_compile_time_error_reporter(reporter);
  }
  ~ScopedReporter() { set_custom_compile_time_error_reporter(nullptr); }
};

std::string firstLine(const std::string &s) {
  std::string line = getenv("ATTNC_DEBUG") ? s : s.substr(0, s.find('\n'));
  // Halide prefixes its messages with "Error: ".
  if (line.rfind("Error: ", 0) == 0)
    line = line.substr(7);
  return line;
}

} // namespace

bool resolveTarget(const std::string &target, TargetInfo &info,
                   std::string &error) {
  if (target == kMultiTarget) {
    Target base(kDefaultTarget);
    Target wide(std::string(kDefaultTarget) + "-" + kAvx512Features);
    info.variants = {
        {"avx512", wide.to_string(),
         {"avx512f", "avx512bw", "avx512dq", "avx512vl"}},
        {"avx2", base.to_string(), {}}};
    info.target = wide.to_string() + "," + base.to_string();
    info.cpuFeatures = featureList(base);
    info.device = "cpu";
    return true;
  }
  Target t;
  if (target == "host") {
    t = get_host_target();
  } else if (target == "cuda") {
    t = Target(std::string(kDefaultTarget) + "-" + kCudaFeatures);
  } else if (target == "opencl") {
    t = Target(std::string(kDefaultTarget) + "-" + kOpenCLFeatures);
  } else if (!Target::validate_target_string(target)) {
    error = "unknown target '" + target + "' (expected '" + kMultiTarget +
            "', 'host', 'cuda', 'opencl' or a Halide target such as " +
            kDefaultTarget + ")";
    return false;
  } else {
    t = Target(target);
  }
  if (t.os != Target::Linux || t.arch != Target::X86 || t.bits != 64) {
    error = "target '" + target + "' is not supported: attnc builds modules "
                                  "for x86-64 Linux";
    return false;
  }
  if (t.has_gpu_feature() && !t.has_feature(Target::CUDA) &&
      !t.has_feature(Target::OpenCL)) {
    error = "target '" + target + "' is not supported: the GPU APIs "
                                  "attnc's runtime runs are CUDA and OpenCL";
    return false;
  }
  if (t.has_feature(Target::CUDA) && t.has_feature(Target::OpenCL)) {
    error = "target '" + target + "' names two GPU APIs; a module runs on "
                                  "one (cuda or opencl)";
    return false;
  }
  // CUDA without a capability would be Halide's sm_20 default, which
  // today's ptxas and drivers no longer accept: sm_80 unless one is named.
  if (t.has_feature(Target::CUDA) && t.get_cuda_capability_lower_bound() == 20)
    t.set_feature(Target::CUDACapability80);
  info.target = t.to_string();
  info.variants = {{"", info.target, {}}};
  info.cpuFeatures = featureList(t);
  info.device = t.has_feature(Target::CUDA)     ? "cuda"
                : t.has_feature(Target::OpenCL) ? "opencl"
                                                : "cpu";
  return true;
}

std::string compileFunction(mlir::func::FuncOp op, const kg::Function &fn,
                            const CompileOptions &options, ArtifactKind kind,
                            const std::string &path) {
  TargetInfo info;
  std::string error;
  if (!resolveTarget(options.target, info, error))
    return error;
  QuietKernelAssertions quiet;
  std::optional<ScopedReporter> reporter;
  if (info.device == "opencl")
    reporter.emplace(&quiet);
  try {
    Target target(info.target);
    std::vector<ImageParam> params;
    // CUDA and OpenCL share the GPU schedules (Schedules/CUDA.cpp): Halide
    // maps the same blocks, threads and shared memory onto either API.
    const bool gpu = target.has_gpu_feature();
    if (gpu && (options.schedule == ScheduleKind::Adams2019 ||
                 options.schedule == ScheduleKind::Mullapudi2016))
      return "the " +
             std::string(options.schedule == ScheduleKind::Adams2019
                             ? "adams2019"
                             : "mullapudi2016") +
             " autoscheduler emits CPU schedules only in Halide 14; use "
             "--schedule=manual or --schedule=li2018 with a GPU target";
    if (!gpu && options.schedule == ScheduleKind::Li2018)
      return "--schedule=li2018 schedules GPU pipelines; use it with a GPU "
             "target (--target=cuda or --target=opencl)";
    // Each hand schedule builds the algorithm in the form it schedules (on
    // GPUs no S x S buffer, no node scatters); autoschedulers get the
    // plain CPU form, which they can tile.
    const bool manual = options.schedule == ScheduleKind::Manual;
    AlgorithmOptions algorithm;
    if (manual && gpu)
      algorithm = cudaAlgorithmOptions();
    else if (manual) {
      algorithm = cpuAlgorithmOptions(target);
      // scheduleGeneric places GenericStages with guarded tails only.
      algorithm.directGenericOutputs = true;
    }
    PipelineStages stages = buildAlgorithm(op, fn, params, algorithm);
    Pipeline pipeline(stages.outputs);
    switch (options.schedule) {
    case ScheduleKind::Manual:
      if (gpu)
        scheduleCuda(stages, target);
      else
        scheduleCpu(stages, target);
      break;
    case ScheduleKind::Li2018:
      if (std::string err = loadAutoscheduler("li2018"); !err.empty())
        return err;
      setEstimates(fn, params, stages);
      markRaceFreeScatters(stages);
      pipeline.auto_schedule("Li2018", target);
      break;
    case ScheduleKind::Adams2019:
    case ScheduleKind::Mullapudi2016: {
      const char *name = options.schedule == ScheduleKind::Adams2019
                             ? "adams2019"
                             : "mullapudi2016";
      if (std::string err = loadAutoscheduler(name); !err.empty())
        return err;
      setEstimates(fn, params, stages);
      markRaceFreeScatters(stages);
      pipeline.auto_schedule(options.schedule == ScheduleKind::Adams2019
                                 ? "Adams2019"
                                 : "Mullapudi2016",
                             target);
      break;
    }
    }
    std::vector<Argument> args(params.begin(), params.end());
    const std::string symbol = options.symbol.empty() ? fn.name : options.symbol;
    switch (kind) {
    case ArtifactKind::LoweredStmt:
      // Named after the entry (Halide would name it after the output Func,
      // "out" in every entry).
      pipeline.compile_to_module(args, symbol, target)
          .compile({{OutputFileType::stmt, path}});
      break;
    case ArtifactKind::Assembly:
      pipeline.compile_to_assembly(path, args, symbol, target);
      break;
    case ArtifactKind::Object:
      pipeline.compile_to_object(path, args, symbol, target);
      break;
    }
  } catch (const CompileError &e) {
    return fn.loc + ": Halide rejected '" + fn.name + "': " + firstLine(e.what());
  } catch (const InternalError &e) {
    return fn.loc + ": Halide internal error while compiling '" + fn.name +
           "': " + firstLine(e.what());
  } catch (const std::exception &e) {
    return fn.loc + ": error while compiling '" + fn.name + "': " +
           firstLine(e.what());
  }
  return "";
}

std::string compileRuntime(const std::string &target, const std::string &path) {
  try {
    compile_standalone_runtime(path, Target(target));
  } catch (const std::exception &e) {
    return "cannot compile Halide's runtime for " + target + ": " +
           firstLine(e.what());
  }
  return "";
}

} // namespace attnc::halide
