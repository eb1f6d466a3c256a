//===- KernelPartition.cpp - entries as calls of shared kernels -----------===//
#include "compiler/Target/Halide/KernelPartition.h"

#include "compiler/Target/Halide/Lowering.h"
#include "compiler/Target/Halide/Schedules/CPU.h"
#include "compiler/Target/Halide/TranslateToKernelGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <sys/wait.h>
#include <unistd.h>

using namespace mlir;

namespace attnc::halide {

namespace {

/// The kernels of one entry before they join the table: committed only
/// when every piece translated.
struct Piece {
  func::FuncOp fn;
  std::string key;
  std::vector<Value> ins, outs;
};

/// What a kernel is, whatever entry or layer it came from: its printed
/// form under a fixed name, without locations (argument attributes are
/// never set on kernels, so parameter names do not enter).
std::string kernelKey(func::FuncOp fn) {
  std::string name = fn.getSymName().str();
  fn.setSymName("kernel");
  std::string key;
  llvm::raw_string_ostream os(key);
  fn->print(os, OpPrintingFlags().useLocalScope());
  fn.setSymName(name);
  return key;
}

std::string opNames(func::FuncOp fn) {
  std::string out;
  for (Operation &op : fn.getBody().front())
    if (!isa<func::ReturnOp>(op))
      out += (out.empty() ? "" : " ") + op.getName().getStringRef().str();
  return out;
}

class EntryPartitioner {
public:
  EntryPartitioner(func::FuncOp fn, const kg::Function &boundary,
                   ModuleOp kernelModule, KernelTable &table,
                   std::map<std::string, int> &byKey)
      : fn(fn), boundary(boundary), kernelModule(kernelModule), table(table),
        byKey(byKey) {}

  /// Partitions the entry into `plan`, or leaves it empty. `generic`:
  /// genericResults of the entry.
  void run(const std::set<void *> &generic, EntryPlan &plan) {
    kg::Function described;
    std::vector<ValueExtents> extents;
    if (failed(translateFunction(fn, described, &extents)))
      return;
    for (ValueExtents &e : extents)
      extentFrom[e.value] = std::move(e.from);

    Block &body = fn.getBody().front();
    Operation *ret = body.getTerminator();
    for (Operation &op : body)
      if (&op != ret) {
        position[&op] = ops.size();
        ops.push_back(&op);
      }
    // Every result is written by the kernel that computes it, straight into
    // the entry's output: an argument or a value returned twice would need
    // a copy, which the whole pipeline makes.
    for (auto [k, v] : llvm::enumerate(ret->getOperands()))
      if (!v.getDefiningOp() ||
          !returnIndex.try_emplace(v, static_cast<int>(k)).second)
        return;
    for (size_t i = 0; i < ops.size(); ++i)
      for (Value v : ops[i]->getOperands())
        if (v.getDefiningOp())
          lastUse[v] = std::max(lastUse[v], i);
    for (Value v : ret->getOperands())
      lastUse[v] = ops.size();

    auto cuttable = [&](Value v) {
      if (!generic.count(v.getAsOpaquePointer()))
        return false;
      auto shape = cast<RankedTensorType>(v.getType()).getShape();
      const auto &from = extentFrom[v];
      for (size_t d = 0; d < shape.size(); ++d)
        if (ShapedType::isDynamic(shape[d]) &&
            (d >= from.size() || from[d].first < 0))
          return false;
      return true;
    };
    // Cut after op i when every value computed so far and read later is
    // cuttable: then the kernels exchange only buffers the whole pipeline
    // would have computed at root too.
    std::vector<size_t> ends;
    llvm::SetVector<Value> live;
    for (size_t i = 0; i < ops.size(); ++i) {
      for (Value v : ops[i]->getOperands())
        if (v.getDefiningOp() && lastUse[v] == i)
          live.remove(v);
      for (Value r : ops[i]->getResults())
        if (lastUse.count(r) && lastUse[r] > i)
          live.insert(r);
      if (i + 1 < ops.size() && llvm::all_of(live, cuttable))
        ends.push_back(i + 1);
    }
    ends.push_back(ops.size());
    if (ends.size() < 2)
      return;

    const size_t firstNew = table.kernels.size();
    std::vector<Piece> pieces;
    size_t begin = 0;
    for (size_t end : ends) {
      pieces.push_back(makePiece(begin, end));
      begin = end;
    }
    // A piece whose results nothing reads (dead ops) is no pipeline.
    if (llvm::any_of(pieces, [](const Piece &p) { return p.outs.empty(); })) {
      rollback(firstNew, pieces);
      return;
    }
    // Join the table: a piece equal to a known kernel is dropped, a new
    // one is named and described.
    std::vector<int> kernelOf;
    bool ok = true;
    for (Piece &p : pieces) {
      auto it = byKey.find(p.key);
      if (it != byKey.end()) {
        p.fn.erase();
        kernelOf.push_back(it->second);
        continue;
      }
      int k = static_cast<int>(table.kernels.size());
      Operation *producer = p.outs.empty() ? nullptr : p.outs[0].getDefiningOp();
      std::string op = producer ? producer->getName().stripDialect().str()
                                : std::string("kernel");
      p.fn.setSymName("k" + std::to_string(k) + "_" + op);
      kg::Function kf;
      if (!translateQuietly(p.fn, kf)) {
        ok = false;
        break;
      }
      table.kernels.push_back(std::move(kf));
      table.ops.push_back(opNames(p.fn));
      byKey[p.key] = k;
      kernelOf.push_back(k);
    }
    if (!ok) {
      rollback(firstNew, pieces);
      return;
    }
    buildPlan(pieces, kernelOf, ends, plan);
  }

private:
  Piece makePiece(size_t begin, size_t end) {
    Piece p;
    llvm::SetVector<Value> ins;
    auto inside = [&](Value v) {
      Operation *def = v.getDefiningOp();
      if (!def)
        return false;
      size_t at = position.lookup(def);
      return at >= begin && at < end;
    };
    for (size_t i = begin; i < end; ++i)
      for (Value v : ops[i]->getOperands())
        if (v && !inside(v))
          ins.insert(v);
    for (size_t i = begin; i < end; ++i)
      for (Value r : ops[i]->getResults())
        if (lastUse.count(r) && lastUse[r] >= end)
          p.outs.push_back(r);
    p.ins.assign(ins.begin(), ins.end());

    OpBuilder b(kernelModule.getBodyRegion());
    b.setInsertionPointToEnd(kernelModule.getBody());
    SmallVector<Type> inTypes, outTypes;
    for (Value v : p.ins)
      inTypes.push_back(v.getType());
    for (Value v : p.outs)
      outTypes.push_back(v.getType());
    p.fn = b.create<func::FuncOp>(ops[begin]->getLoc(), "kernel",
                                  b.getFunctionType(inTypes, outTypes));
    Block *block = p.fn.addEntryBlock();
    IRMapping map;
    for (auto [v, arg] : llvm::zip(p.ins, block->getArguments()))
      map.map(v, arg);
    b.setInsertionPointToEnd(block);
    for (size_t i = begin; i < end; ++i)
      b.clone(*ops[i], map);
    SmallVector<Value> results;
    for (Value v : p.outs)
      results.push_back(map.lookup(v));
    b.create<func::ReturnOp>(ops[end - 1]->getLoc(), results);
    p.key = kernelKey(p.fn);
    return p;
  }

  /// Describes a kernel; its diagnostics would name a function the user
  /// never wrote, so a failure leaves the entry whole instead.
  bool translateQuietly(func::FuncOp kernel, kg::Function &out) {
    ScopedDiagnosticHandler quiet(kernel.getContext(),
                                  [](Diagnostic &) { return success(); });
    return succeeded(translateFunction(kernel, out));
  }

  void rollback(size_t firstNew, std::vector<Piece> &pieces) {
    for (Piece &p : pieces)
      if (p.fn && p.fn->getParentOp())
        p.fn.erase();
    for (auto it = byKey.begin(); it != byKey.end();)
      it = it->second >= static_cast<int>(firstNew) ? byKey.erase(it)
                                                    : std::next(it);
    table.kernels.resize(firstNew);
    table.ops.resize(firstNew);
  }

  void buildPlan(const std::vector<Piece> &pieces,
                 const std::vector<int> &kernelOf,
                 const std::vector<size_t> &ends, EntryPlan &plan) {
    const int inputs = static_cast<int>(boundary.inputs.size());
    llvm::DenseMap<Value, int> temporary;
    auto segmentOf = [&](size_t at) {
      return static_cast<size_t>(
          std::upper_bound(ends.begin(), ends.end(), at) - ends.begin());
    };
    std::vector<std::vector<int>> release(pieces.size());
    for (size_t s = 0; s < pieces.size(); ++s) {
      const Piece &p = pieces[s];
      const kg::Function &kf = table.kernels[kernelOf[s]];
      KernelCall call;
      call.kernel = kernelOf[s];
      for (Value v : p.ins) {
        if (auto arg = dyn_cast<BlockArgument>(v))
          call.args.push_back({false, static_cast<int>(arg.getArgNumber())});
        else if (auto it = returnIndex.find(v); it != returnIndex.end())
          call.args.push_back({false, inputs + it->second});
        else
          call.args.push_back({true, temporary.lookup(v)});
      }
      for (auto [k, v] : llvm::enumerate(p.outs)) {
        if (auto it = returnIndex.find(v); it != returnIndex.end()) {
          call.args.push_back({false, inputs + it->second});
          continue;
        }
        PlanTemporary t;
        const kg::Value &desc = kf.values[kf.outputs[k].value];
        t.dtype = desc.dtype;
        t.shape = desc.shape;
        t.extentFrom = extentFrom[v];
        int id = static_cast<int>(plan.temporaries.size());
        plan.temporaries.push_back(std::move(t));
        temporary[v] = id;
        call.args.push_back({true, id});
        release[segmentOf(lastUse[v])].push_back(id);
      }
      plan.calls.push_back(std::move(call));
    }
    for (size_t s = 0; s < pieces.size(); ++s)
      plan.calls[s].release = release[s];
  }

  func::FuncOp fn;
  const kg::Function &boundary;
  ModuleOp kernelModule;
  KernelTable &table;
  std::map<std::string, int> &byKey;
  std::vector<Operation *> ops;
  llvm::DenseMap<Operation *, size_t> position;
  llvm::DenseMap<Value, size_t> lastUse;
  llvm::DenseMap<Value, int> returnIndex;
  llvm::DenseMap<Value, std::vector<std::pair<int, int>>> extentFrom;
};

/// genericResults of every entry, as (op index, result number) pairs;
/// nullopt for an entry whose algorithm fails (compiled whole, which
/// reports the error). Computed in a child process: Funcs built here would
/// keep their names (attention_7) in this process, and the pipelines
/// compiled later in its forked jobs would then read attention_7$1.
using ResultList = std::vector<std::pair<int64_t, int64_t>>;
std::vector<std::optional<ResultList>>
genericResultsInChild(ModuleOp module, const std::vector<kg::Function> &entries,
                      const Halide::Target &target) {
  std::vector<std::optional<ResultList>> out(entries.size());
  int fds[2];
  if (pipe(fds) != 0)
    return out;
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return out;
  }
  if (pid == 0) {
    close(fds[0]);
    std::vector<int64_t> words;
    for (const kg::Function &entry : entries) {
      auto fn = module.lookupSymbol<func::FuncOp>(entry.name);
      std::set<void *> generic;
      try {
        if (!fn)
          throw std::runtime_error("no function");
        generic = genericResults(fn, entry, cpuAlgorithmOptions(target));
      } catch (const std::exception &) {
        words.push_back(-1);
        continue;
      }
      words.push_back(static_cast<int64_t>(generic.size()));
      int64_t index = 0;
      for (Operation &op : fn.getBody().front()) {
        for (Value r : op.getResults())
          if (generic.count(r.getAsOpaquePointer()))
            words.insert(words.end(),
                         {index, static_cast<int64_t>(
                                     cast<OpResult>(r).getResultNumber())});
        ++index;
      }
    }
    const char *p = reinterpret_cast<const char *>(words.data());
    size_t left = words.size() * sizeof(int64_t);
    while (left > 0) {
      ssize_t n = write(fds[1], p, left);
      if (n <= 0)
        _exit(1);
      p += n;
      left -= static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string bytes;
  char buffer[65536];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof(buffer))) != 0;) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      bytes.size() % sizeof(int64_t) != 0)
    return out;
  std::vector<int64_t> words(bytes.size() / sizeof(int64_t));
  std::memcpy(words.data(), bytes.data(), bytes.size());
  size_t at = 0;
  for (size_t e = 0; e < entries.size() && at < words.size(); ++e) {
    int64_t count = words[at++];
    if (count < 0)
      continue;
    if (at + 2 * static_cast<size_t>(count) > words.size())
      break;
    ResultList list;
    for (int64_t k = 0; k < count; ++k, at += 2)
      list.push_back({words[at], words[at + 1]});
    out[e] = std::move(list);
  }
  return out;
}

} // namespace

void partitionEntries(ModuleOp module, const std::vector<kg::Function> &entries,
                      const TargetInfo &target, ScheduleKind schedule,
                      ModuleOp kernelModule, KernelTable &table) {
  table.plans.assign(entries.size(), EntryPlan());
  if (target.device != "cpu" || schedule != ScheduleKind::Manual)
    return;
  // Where values materialise does not depend on the ISA: the base variant
  // stands for all.
  Halide::Target base(target.variants.back().target);
  std::vector<std::optional<ResultList>> results =
      genericResultsInChild(module, entries, base);
  std::map<std::string, int> byKey;
  for (size_t e = 0; e < entries.size(); ++e) {
    auto fn = module.lookupSymbol<func::FuncOp>(entries[e].name);
    if (!fn || !results[e])
      continue;
    std::vector<Operation *> ops;
    for (Operation &op : fn.getBody().front())
      ops.push_back(&op);
    std::set<void *> generic;
    for (auto [op, result] : *results[e])
      if (op >= 0 && static_cast<size_t>(op) < ops.size() && result >= 0 &&
          result < ops[op]->getNumResults())
        generic.insert(ops[op]->getResult(static_cast<unsigned>(result))
                           .getAsOpaquePointer());
    EntryPartitioner(fn, entries[e], kernelModule, table, byKey)
        .run(generic, table.plans[e]);
  }
}

std::string describeKernels(const std::vector<kg::Function> &entries,
                            const KernelTable &table) {
  std::ostringstream os;
  std::vector<int> uses(table.kernels.size());
  for (const EntryPlan &p : table.plans)
    for (const KernelCall &c : p.calls)
      ++uses[c.kernel];
  os << "kernels: " << table.kernels.size() << " distinct for "
     << table.calls() << " calls\n";
  for (size_t k = 0; k < table.kernels.size(); ++k)
    os << "kernel " << table.kernels[k].name << ": " << uses[k]
       << (uses[k] == 1 ? " call: " : " calls: ") << table.ops[k] << "\n";
  for (size_t e = 0; e < entries.size(); ++e) {
    const EntryPlan &plan = table.plans[e];
    if (plan.calls.empty()) {
      os << "entry " << entries[e].name << ": one kernel of its own\n";
      continue;
    }
    os << "entry " << entries[e].name << ": " << plan.calls.size()
       << " calls, " << plan.temporaries.size() << " temporaries\n";
    auto name = [&](const PlanOperand &o) {
      if (o.temporary)
        return "t" + std::to_string(o.index);
      size_t inputs = entries[e].inputs.size();
      size_t i = static_cast<size_t>(o.index);
      return i < inputs ? entries[e].inputs[i].name
                        : entries[e].outputs[i - inputs].name;
    };
    for (const KernelCall &c : plan.calls) {
      const kg::Function &k = table.kernels[c.kernel];
      os << "  " << k.name << "(";
      for (size_t a = 0; a < c.args.size(); ++a)
        os << (a == k.inputs.size() ? (a == 0 ? "-> " : " -> ")
               : a == 0             ? ""
                                    : ", ")
           << name(c.args[a]);
      os << ")\n";
    }
  }
  return os.str();
}

} // namespace attnc::halide
