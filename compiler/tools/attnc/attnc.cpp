//===- attnc.cpp - the attention compiler driver --------------------------===//
//
// attnc IN.mlir -o OUT.so: parse and verify attn IR (or import a model
// description, IN.yaml / IN.yml, with frontends/model), canonicalise it, lower
// every public function to a Halide pipeline with a CPU schedule, and link
// the AOT objects and a metadata descriptor into a module for the runtime.
// Every stage can be dumped with --emit. Outputs are written whole or not at
// all; the temporary folder they are staged in goes on every way out,
// SIGINT, SIGTERM and SIGHUP included.
//
//===----------------------------------------------------------------------===//
#include "compiler/InitAll.h"
#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Target/Halide/HalideCompiler.h"
#include "compiler/Target/Halide/KernelPartition.h"
#include "compiler/Target/Halide/ModuleLinker.h"
#include "compiler/Target/Halide/TranslateToKernelGraph.h"
#include "frontends/model/ModelImporter.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cl = llvm::cl;
using attnc::halide::ArtifactKind;
using attnc::halide::ScheduleKind;

namespace {

enum class Emit { MLIR, Kernels, HalideStmt, Assembly, Object, Module };

cl::OptionCategory category("attnc options");
cl::opt<std::string> inputFile(cl::Positional,
                               cl::desc("<input .mlir | model .yaml | .onnx>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                cl::value_desc("path"), cl::cat(category));
cl::opt<Emit> emit(
    "emit", cl::desc("What to produce"), cl::init(Emit::Module),
    cl::values(clEnumValN(Emit::MLIR, "mlir", "canonical attn IR"),
               clEnumValN(Emit::Kernels, "kernels",
                          "the distinct kernels and each entry's calls"),
               clEnumValN(Emit::HalideStmt, "halide-stmt",
                          "Halide's lowered statement (loop nest)"),
               clEnumValN(Emit::Assembly, "assembly", "target assembly"),
               clEnumValN(Emit::Object, "object", "relocatable object"),
               clEnumValN(Emit::Module, "module",
                          "shared-library module for the runtime (default)")),
    cl::cat(category));
cl::opt<std::string> target(
    "target",
    cl::desc("Halide target: 'x86-64-multi' (the default: every kernel for "
             "AVX-512 and for AVX2/FMA in one module, which runs the best "
             "the CPU has), 'host' (this machine's CPU), 'cuda' (x86-64 "
             "AVX2/FMA plus CUDA, sm_80+), 'opencl' (the same GPU schedules "
             "on any OpenCL device) or a Halide target string"),
    cl::init(attnc::halide::kMultiTarget), cl::cat(category));
cl::opt<bool> train(
    "train",
    cl::desc("Also emit <f>_train for each model <f>: the loss and the "
             "gradients of every parameter (attn-build-training-step)"),
    cl::init(false), cl::cat(category));
cl::opt<bool> partition(
    "partition",
    cl::desc("Compile entries as calls of shared kernels, each distinct "
             "kernel once (default; manual CPU schedules); "
             "--partition=false compiles each entry as one pipeline"),
    cl::init(true), cl::cat(category));
cl::opt<bool> kernelSummary(
    "kernel-summary",
    cl::desc("Print how many distinct kernels the entries call (stderr)"),
    cl::init(false), cl::cat(category));
cl::opt<ScheduleKind> schedule(
    "schedule", cl::desc("Which schedule to use"),
    cl::init(ScheduleKind::Manual),
    cl::values(
        clEnumValN(ScheduleKind::Manual, "manual", "attnc's hand schedules"),
        clEnumValN(ScheduleKind::Adams2019, "adams2019",
                   "Halide's Adams2019 autoscheduler"),
        clEnumValN(ScheduleKind::Mullapudi2016, "mullapudi2016",
                   "Halide's Mullapudi2016 autoscheduler"),
        clEnumValN(ScheduleKind::Li2018, "li2018",
                   "Halide's Li2018 autoscheduler (GPU targets)")),
    cl::cat(category));

int fail(const std::string &message) {
  llvm::errs() << "attnc: error: " << message << "\n";
  return 1;
}

/// `out` with its extension replaced by .safetensors: where the weights of
/// an imported ONNX model go.
std::string weightsPathFor(const std::string &out) {
  llvm::SmallString<256> path(out);
  llvm::sys::path::replace_extension(path, ".safetensors");
  return std::string(path);
}

std::string defaultOutput() {
  llvm::SmallString<256> path(llvm::sys::path::filename(inputFile));
  const char *ext = ".so";
  switch (emit) {
  case Emit::MLIR: ext = ".out.mlir"; break;
  case Emit::Kernels: ext = ".kernels.txt"; break;
  case Emit::HalideStmt: ext = ".stmt"; break;
  case Emit::Assembly: ext = ".s"; break;
  case Emit::Object: ext = ".o"; break;
  case Emit::Module: ext = ".so"; break;
  }
  llvm::sys::path::replace_extension(path, ext);
  return std::string(path);
}

/// The temporary directory's path for the signal handler, copied into
/// static storage before the handler is installed: the handler reads it and
/// allocates nothing.
char signalTempDir[4096];

/// SIGINT, SIGTERM, SIGHUP: removes the temporary directory (flat: the
/// compiler writes files, never folders, into it), then restores the
/// default action and raises the signal again, so the exit status says how
/// attnc died. Only async-signal-safe calls: open, the getdents64 system
/// call into a stack buffer, unlink, rmdir (opendir/readdir would call
/// malloc, perhaps while the interrupted thread holds its lock).
extern "C" void removeTempDirAndReraise(int sig) {
  int saved = errno;
  int fd = signalTempDir[0]
               ? open(signalTempDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
               : -1;
  if (fd >= 0) {
    char path[sizeof(signalTempDir) + 256];
    size_t n = strlen(signalTempDir);
    memcpy(path, signalTempDir, n);
    path[n] = '/';
    alignas(8) char entries[4096];
    long got;
    while ((got = syscall(SYS_getdents64, fd, entries, sizeof(entries))) > 0) {
      for (long at = 0; at < got;) {
        // struct linux_dirent64: inode, offset, record length, type, name.
        unsigned short length;
        memcpy(&length, entries + at + 16, sizeof(length));
        const char *name = entries + at + 19;
        size_t len = strlen(name);
        at += length;
        if (len + n + 2 > sizeof(path) || !strcmp(name, ".") ||
            !strcmp(name, ".."))
          continue;
        memcpy(path + n + 1, name, len + 1);
        unlink(path);
      }
    }
    close(fd);
    rmdir(signalTempDir);
  }
  signal(sig, SIG_DFL);
  errno = saved;
  raise(sig);
}

/// A temporary directory removed on every path out of main, and by the
/// handler above when attnc is interrupted or terminated.
struct TempDir {
  std::string path;
  TempDir() {
    llvm::SmallString<128> p;
    if (llvm::sys::fs::createUniqueDirectory("attnc", p) ||
        p.size() >= sizeof(signalTempDir))
      return;
    path = std::string(p);
    memcpy(signalTempDir, path.c_str(), path.size() + 1);
    struct sigaction action {};
    action.sa_handler = removeTempDirAndReraise;
    sigemptyset(&action.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
      sigaction(sig, &action, nullptr);
  }
  ~TempDir() {
    if (path.empty())
      return;
    // Once the folder is gone, a signal has nothing to remove.
    sigset_t block, old;
    sigemptyset(&block);
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
      sigaddset(&block, sig);
    sigprocmask(SIG_BLOCK, &block, &old);
    llvm::sys::fs::remove_directories(path);
    signalTempDir[0] = 0;
    sigprocmask(SIG_SETMASK, &old, nullptr);
  }
};

/// Moves `from` to `to`, replacing it: the output appears whole or not at
/// all.
int publish(const std::string &from, const std::string &to) {
  if (std::error_code ec = llvm::sys::fs::rename(from, to)) {
    if (llvm::sys::fs::copy_file(from, to))
      return fail("cannot write '" + to + "': " + ec.message());
  }
  return 0;
}

/// Publishes the staged output and, for an ONNX model, its weights beside
/// it (`out` with extension .safetensors): the weights first, removed again
/// if the output cannot be written, so both appear or neither.
int publishWithWeights(const std::string &staged, const std::string &out,
                       const std::vector<attnc::onnx::Weight> &weights,
                       const std::string &tmp) {
  if (weights.empty())
    return publish(staged, out);
  std::string stagedWeights = tmp + "/weights.safetensors";
  std::string err = attnc::onnx::writeSafetensors(weights, stagedWeights);
  if (!err.empty())
    return fail(err);
  std::string weightsOut = weightsPathFor(out);
  if (int rc = publish(stagedWeights, weightsOut))
    return rc;
  if (int rc = publish(staged, out)) {
    llvm::sys::fs::remove(weightsOut);
    return rc;
  }
  return 0;
}

/// Copies `from` to standard output (`-o -`); opening /dev/stdout would
/// truncate a file stdout is redirected to.
int toStdout(const std::string &from) {
  std::ifstream in(from, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  llvm::outs() << bytes;
  llvm::outs().flush();
  return 0;
}

int concatenate(const std::vector<std::string> &parts, const std::string &to) {
  std::ofstream out(to, std::ios::binary);
  for (const std::string &p : parts) {
    std::ifstream in(p, std::ios::binary);
    out << in.rdbuf();
  }
  return out ? 0 : fail("cannot write '" + to + "'");
}

/// One Halide pipeline to compile: an entry or a kernel (a func.func of
/// `module`) in one target variant; without a function, Halide's runtime.
struct CompileJob {
  const attnc::kg::Function *fn;
  mlir::ModuleOp module;
  attnc::halide::CompileOptions options;
  ArtifactKind kind;
  std::string part;
};

std::string runJob(const CompileJob &job) {
  if (!job.fn)
    return attnc::halide::compileRuntime(job.options.target, job.part);
  mlir::ModuleOp module = job.module;
  auto op = module.lookupSymbol<mlir::func::FuncOp>(job.fn->name);
  return attnc::halide::compileFunction(op, *job.fn, job.options, job.kind,
                                        job.part);
}

/// How many pipelines compile at once: $ATTNC_JOBS, else one per core.
unsigned parallelJobs() {
  if (const char *env = std::getenv("ATTNC_JOBS"))
    if (int n = std::atoi(env); n > 0)
      return static_cast<unsigned>(n);
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Compiles every job, several at once in forked children: Halide
/// compiles one pipeline on one core, and keeps global state that makes
/// threads unsafe. Each job gets a child even one at a time, so Halide's
/// unique names (out, attention_8) in the artifacts do not depend on the
/// core count. A child reports its one-line error in PART.err. Returns the
/// first job's error (in job order), or "".
std::string compileAll(const std::vector<CompileJob> &jobs) {
  if (jobs.size() == 1)
    return runJob(jobs[0]);
  const size_t width = std::min<size_t>(parallelJobs(), jobs.size());
  std::fflush(nullptr);
  std::vector<std::string> errors(jobs.size());
  std::map<pid_t, size_t> running;
  size_t next = 0;
  bool failed = false;
  while (next < jobs.size() || !running.empty()) {
    while (!failed && next < jobs.size() && running.size() < width) {
      pid_t pid = fork();
      if (pid == 0) {
        std::string err = runJob(jobs[next]);
        if (!err.empty())
          std::ofstream(jobs[next].part + ".err") << err;
        std::fflush(nullptr);
        _exit(err.empty() ? 0 : 1);
      }
      if (pid < 0) {
        errors[next] = "cannot start a compiling process: " +
                       std::string(std::strerror(errno));
        failed = true;
        break;
      }
      running[pid] = next++;
    }
    if (running.empty())
      break;
    int status = 0;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0)
      return "waiting for the compiling processes failed: " +
             std::string(std::strerror(errno));
    auto it = running.find(pid);
    if (it == running.end())
      continue;
    const CompileJob &job = jobs[it->second];
    std::string &err = errors[it->second];
    running.erase(it);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
      continue;
    failed = true;
    std::ifstream in(job.part + ".err");
    std::getline(in, err);
    if (err.empty())
      err = (job.fn ? job.fn->loc + ": compiling '" + job.fn->name + "'"
                    : std::string("compiling Halide's runtime")) +
            " failed (" +
            (WIFSIGNALED(status)
                 ? "killed by signal " + std::to_string(WTERMSIG(status))
                 : "exit status " + std::to_string(WEXITSTATUS(status))) +
            ")";
  }
  for (const std::string &err : errors)
    if (!err.empty())
      return err;
  return "";
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "attnc: the attention compiler\n");

  mlir::DialectRegistry registry;
  attnc::registerAllDialects(registry);
  // No MLIR worker threads: attnc forks its compile jobs, and a worker that
  // held a lock (an allocator's) at the moment of a fork would leave the
  // child waiting on it forever (seen under ASan). Halide's compiles, the
  // bulk of the time, run in parallel processes instead.
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();

  // One line per diagnostic, "file:line:col: error: message", so that tools
  // and people can grep it; notes go on lines of their own.
  context.printOpOnDiagnostic(false);
  mlir::ScopedDiagnosticHandler diagnostics(&context, [](mlir::Diagnostic &d) {
    const char *kind = d.getSeverity() == mlir::DiagnosticSeverity::Error
                           ? "error"
                       : d.getSeverity() == mlir::DiagnosticSeverity::Warning
                           ? "warning"
                           : "note";
    std::string loc;
    llvm::raw_string_ostream os(loc);
    // Line 0: the file as a whole (an ONNX file that does not parse).
    if (auto fl = mlir::dyn_cast<mlir::FileLineColLoc>(d.getLocation()))
      fl.getLine() == 0
          ? os << fl.getFilename().getValue()
          : os << fl.getFilename().getValue() << ":" << fl.getLine() << ":"
               << fl.getColumn();
    else
      os << d.getLocation();
    llvm::errs() << loc << ": " << kind << ": " << d.str() << "\n";
    return mlir::success();
  });
  llvm::SourceMgr sourceMgr;
  std::string error;
  auto file = mlir::openInputFile(inputFile, &error);
  if (!file)
    return fail("cannot read '" + inputFile + "': " + error);
  mlir::OwningOpRef<mlir::ModuleOp> module;
  // An ONNX model's initializers become a .safetensors file beside the
  // output, written with it or not at all.
  std::vector<attnc::onnx::Weight> onnxWeights;
  const bool fromOnnx = attnc::onnx::isOnnxPath(inputFile);
  if (fromOnnx) {
    module = attnc::onnx::importOnnxModel(inputFile, &context, onnxWeights);
  } else if (attnc::model::isModelDescriptionPath(inputFile)) {
    module = attnc::model::importModelDescription(file->getBuffer(), inputFile,
                                                  &context);
  } else {
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  }
  // The parser and the model frontend report through the handler above.
  if (!module)
    return 1; // the diagnostic handler has printed file:line:col

  attnc::halide::TargetInfo targetInfo;
  if (!attnc::halide::resolveTarget(target, targetInfo, error))
    return fail(error);

  // The same pipelines as attn-opt --attn-{inference,training}-pipeline.
  mlir::PassManager pm(&context);
  if (train)
    attnc::buildTrainingPipeline(pm);
  else
    attnc::buildInferencePipeline(pm);
  if (mlir::failed(pm.run(*module)))
    return 1;

  std::string out = outputFile.empty() ? defaultOutput() : outputFile;
  TempDir tmp;
  if (tmp.path.empty())
    return fail("cannot create a temporary directory");

  if (emit == Emit::MLIR) {
    std::string staged = tmp.path + "/out.mlir";
    {
      std::error_code ec;
      llvm::raw_fd_ostream os(staged, ec);
      if (ec)
        return fail("cannot write '" + staged + "': " + ec.message());
      module->print(os);
    }
    if (out == "-")
      return toStdout(staged);
    return publishWithWeights(staged, out, onnxWeights, tmp.path);
  }

  std::vector<attnc::kg::Function> functions;
  if (mlir::failed(attnc::translateToKernelGraphs(*module, functions)))
    return 1;

  // Entries become calls of kernels, each distinct kernel compiled once
  // (KernelPartition.h). An object keeps one symbol per entry for linking
  // by hand, so it is compiled from whole entries.
  mlir::OwningOpRef<mlir::ModuleOp> kernelModule(
      mlir::ModuleOp::create(mlir::UnknownLoc::get(&context)));
  attnc::halide::KernelTable kernels;
  kernels.plans.resize(functions.size());
  if (emit != Emit::Object && partition)
    attnc::halide::partitionEntries(*module, functions, targetInfo, schedule,
                                    *kernelModule, kernels);
  if (kernelSummary)
    llvm::errs() << "attnc: " << kernels.kernels.size()
                 << " distinct kernels for " << kernels.calls() << " calls\n";
  if (emit == Emit::Kernels) {
    std::string staged = tmp.path + "/kernels.txt";
    std::ofstream(staged) << attnc::halide::describeKernels(functions, kernels);
    return out == "-" ? toStdout(staged) : publish(staged, out);
  }

  attnc::halide::CompileOptions options;
  options.schedule = schedule;
  ArtifactKind kind = emit == Emit::HalideStmt ? ArtifactKind::LoweredStmt
                      : emit == Emit::Assembly ? ArtifactKind::Assembly
                                               : ArtifactKind::Object;
  // A module holds every variant behind the descriptor's dispatcher; the
  // other artifacts are the base variant's (one symbol per entry or
  // kernel).
  const auto &variants = targetInfo.variants;
  const size_t firstVariant = emit == Emit::Module ? 0 : variants.size() - 1;
  // A CPU module takes Halide's runtime from one object of its own rather
  // than from every pipeline's; GPU modules keep it in their pipelines.
  const bool ownRuntime =
      emit == Emit::Module && targetInfo.device == "cpu";
  std::vector<CompileJob> jobs;
  auto addJobs = [&](const attnc::kg::Function &fn, mlir::ModuleOp from,
                     bool kernel) {
    for (size_t v = firstVariant; v < variants.size(); ++v) {
      const bool base = v + 1 == variants.size();
      CompileJob job{&fn, from, options, kind, ""};
      job.part = tmp.path + "/" + (kernel ? "kernel." : "") + fn.name +
                 (variants[v].name.empty() ? "" : "." + variants[v].name) +
                 (kind == ArtifactKind::Object ? ".o" : ".txt");
      // The Halide runtime comes from the base variant only: it must run
      // on every CPU the module loads on.
      job.options.target =
          variants[v].target + (base && !ownRuntime ? "" : "-no_runtime");
      // Objects and assembly export each entry under its own name; inside
      // a module entries and kernels are reached through the descriptor,
      // so their symbols are prefixed and may collide with nothing.
      std::string symbol = kernel ? attnc::halide::moduleKernelSymbol(fn.name)
                                  : attnc::halide::moduleEntrySymbol(fn.name);
      job.options.symbol =
          emit != Emit::Module ? ""
          : targetInfo.multiVariant() ? symbol + "__" + variants[v].name
                                      : symbol;
      jobs.push_back(std::move(job));
    }
  };
  for (size_t f = 0; f < functions.size(); ++f)
    if (kernels.plans[f].calls.empty())
      addJobs(functions[f], *module, false);
  for (const attnc::kg::Function &k : kernels.kernels)
    addJobs(k, *kernelModule, true);
  if (ownRuntime) {
    CompileJob job{nullptr, *module, options, kind, tmp.path + "/runtime.o"};
    job.options.target = variants.back().target;
    jobs.push_back(std::move(job));
  }
  if (std::string err = compileAll(jobs); !err.empty())
    return fail(err);
  std::vector<std::string> parts;
  for (const CompileJob &job : jobs)
    parts.push_back(job.part);

  if (emit == Emit::Module) {
    std::string staged = tmp.path + "/module.so";
    std::string err = attnc::halide::linkModule(functions, kernels, parts,
                                                targetInfo,
                                                tmp.path, staged);
    if (!err.empty())
      return fail(err);
    return publishWithWeights(staged, out, onnxWeights, tmp.path);
  }
  if (emit == Emit::Object && parts.size() > 1) {
    std::string staged = tmp.path + "/combined.o";
    std::string cmd = "cc -r -nostdlib -o '" + staged + "'";
    for (const std::string &p : parts)
      cmd += " '" + p + "'";
    if (std::system(cmd.c_str()) != 0)
      return fail("cannot combine the objects with 'cc -r'");
    return publish(staged, out);
  }
  std::string staged = tmp.path + "/artifact";
  if (int rc = concatenate(parts, staged))
    return rc;
  return out == "-" ? toStdout(staged)
                    : publish(staged, out);
}
