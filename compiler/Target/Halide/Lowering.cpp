//===- Lowering.cpp - the lowering context and the registry ---------------===//
#include "compiler/Target/Halide/Lowering.h"

#include "compiler/Target/Halide/TranslateToKernelGraph.h"

#include <cctype>
#include <cmath>

using namespace Halide;

namespace attnc::halide {

Type halideType(kg::DType t) {
  switch (t) {
  case kg::DType::F32: return Float(32);
  case kg::DType::F64: return Float(64);
  case kg::DType::I32: return Int(32);
  case kg::DType::I64: return Int(64);
  case kg::DType::Bool: return UInt(8);
  }
  return Float(32);
}

namespace {

// The counter-based RNG of docs/training.md: murmur3's 32-bit finaliser
// over a Weyl sequence.
constexpr uint32_t kGolden = 0x9E3779B9u;

uint32_t fmixHost(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

Expr u32(uint64_t v) { return Internal::make_const(UInt(32), v); }

Expr fmix(Expr h) {
  h = h ^ (h >> u32(16));
  h = h * u32(0x85ebca6bu);
  h = h ^ (h >> u32(13));
  h = h * u32(0xc2b2ae35u);
  return h ^ (h >> u32(16));
}

} // namespace

Expr dropoutKey(Expr seed, int64_t salt) {
  // Casts to uint32 keep the low 32 bits. (No 64-bit mask constant:
  // Halide 14's OpenCL backend prints 0xffffffff as 0.)
  Expr s = cast(Int(64), seed);
  Expr lo = cast(UInt(32), s);
  Expr hi = cast(UInt(32), s >> Internal::make_const(Int(64), int64_t(32)));
  uint32_t saltMix = fmixHost(static_cast<uint32_t>(salt) + kGolden);
  return fmix(lo ^ fmix(hi ^ u32(saltMix)));
}

Expr dropoutKeep(Expr key, double rate, Expr counter) {
  Expr n = cast(UInt(32), counter);
  Expr u = fmix(key + n * u32(kGolden));
  // uniform = (u >> 8) 2^-24 >= rate, exactly: rate 2^24 is exact in double.
  auto threshold = static_cast<uint64_t>(std::ceil(rate * 16777216.0));
  return (u >> u32(8)) >= u32(threshold);
}

namespace {

/// A Halide name for an argument. Halide reserves '.' as its separator, but
/// parameters are named `<layer>.<param>` (`enc.q_proj.weight`); such names
/// become `<layer>_<param>` with the argument's position prefixed, so two
/// names differing only in punctuation stay distinct. The module descriptor
/// keeps the argument's own name: only the generated code sees this one.
std::string halideName(const std::string &name, const char *kind, size_t index) {
  std::string out = name;
  bool changed = false;
  for (char &c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      c = '_', changed = true;
  return changed ? kind + std::to_string(index) + "_" + out : out;
}

void *key(mlir::Value v) { return v.getAsOpaquePointer(); }

} // namespace

void fail(mlir::Operation *op, const std::string &what) {
  throw CompileError(locString(op->getLoc()) + ": " + what);
}

std::vector<Var> makeVars(size_t n, const std::string &prefix) {
  std::vector<Var> vars;
  for (size_t k = 0; k < n; ++k)
    vars.emplace_back(prefix + std::to_string(k));
  return vars;
}

std::vector<Expr> asExprs(const std::vector<Var> &vars) {
  return std::vector<Expr>(vars.begin(), vars.end());
}

SparseRows sparseRows(const HValue &offsets, const HValue &cols, Expr columns,
                      Expr rowCount) {
  SparseRows m;
  Expr N = rowCount.defined() ? rowCount : offsets.extents[0] - 1,
       E = cols.extents[0];
  m.rows = N;
  m.stored = E;
  Func o = offsets.func, c = cols.func;
  m.start = [=](Expr row) { return cast<int>(o(clamp(row, 0, N))); };
  m.column = [=](Expr entry) {
    return clamp(cast<int>(c(clamp(entry, 0, E - 1))), 0, columns - 1);
  };
  return m;
}

RDom rowEntries(const SparseRows &m, Expr row, const char *name) {
  RDom r(0, m.stored, name);
  r.where(r.x < m.length(row));
  return r;
}

//===--- Registry ---------------------------------------------------------===//

const LoweringRegistry &LoweringRegistry::get() {
  static const LoweringRegistry registry = [] {
    LoweringRegistry r;
    registerAttentionLowerings(r);
    registerGraphLowerings(r);
    registerLinearLowerings(r);
    registerLayerLowerings(r);
    registerLossLowerings(r);
    registerPoolingLowerings(r);
    return r;
  }();
  return registry;
}

const Lowering *LoweringRegistry::find(mlir::Operation *op) const {
  std::optional<mlir::RegisteredOperationName> name = op->getRegisteredInfo();
  if (!name)
    return nullptr;
  auto it = lowerings.find(name->getTypeID());
  return it == lowerings.end() ? nullptr : &it->second;
}

//===--- Context ----------------------------------------------------------===//

LoweringContext::LoweringContext(const kg::Function &boundary,
                                 const AlgorithmOptions &options,
                                 std::vector<ImageParam> &inputs)
    : options(options), boundary(boundary), inputs(inputs) {}

const HValue &LoweringContext::operator[](mlir::Value v) const {
  if (!v)
    throw CompileError("an absent optional operand was read");
  auto it = values.find(key(v));
  if (it == values.end() || !it->second.func.defined())
    throw CompileError(locString(v.getLoc()) +
                       ": a value is read before it is computed");
  return it->second;
}

std::vector<int64_t> LoweringContext::shape(mlir::Value v) {
  std::vector<int64_t> out;
  for (int64_t d : mlir::cast<mlir::RankedTensorType>(v.getType()).getShape())
    out.push_back(mlir::ShapedType::isDynamic(d) ? -1 : d);
  return out;
}

void LoweringContext::set(mlir::Value result, Func f, Type t,
                          std::vector<Expr> extents) {
  HValue &r = values[key(result)];
  r.func = f;
  r.type = t;
  r.extents = std::move(extents);
}

void LoweringContext::setGeneric(mlir::Value result, Func f, Type t,
                                 std::vector<Expr> extents) {
  set(result, f, t, std::move(extents));
  if (!fused.count(key(result)))
    addStage(GenericStage{f});
}

void LoweringContext::alias(mlir::Value result, mlir::Value operand) {
  values[key(result)] = (*this)[operand];
}

std::string LoweringContext::unique(const std::string &base) {
  return base + "_" + std::to_string(counter++);
}

std::function<Expr(Expr)> LoweringContext::dropoutFactor(mlir::Value seed,
                                                         double rate,
                                                         int64_t salt, Type t) {
  if (!seed || rate <= 0.0)
    return [t](Expr) { return cast(t, 1); };
  Func key(unique("dropout_key"));
  key() = dropoutKey((*this)[seed].func(0), salt);
  addStage(ScalarStage{key});
  Expr scale = cast(t, Expr(1.0 / (1.0 - rate)));
  return [key, rate, scale, t](Expr counter) {
    return select(dropoutKeep(key(), rate, counter), scale, cast(t, 0));
  };
}

void LoweringContext::bindInput(mlir::Value arg, const kg::Argument &desc,
                                const std::string &name) {
  const kg::Value &val = boundary.values[desc.value];
  int rank = static_cast<int>(val.shape.size());
  ImageParam p(halideType(val.dtype), rank, name);
  for (int k = 0; k < rank; ++k) {
    int64_t extent = val.shape[rank - 1 - k];
    p.dim(k).set_min(0);
    if (extent >= 0)
      p.dim(k).set_extent(static_cast<int>(extent));
  }
  // Dense row-major storage (the runtime only passes such buffers): with
  // every stride known, gathers along outer dims become vector loads.
  if (rank > 0)
    p.dim(0).set_stride(1);
  for (int k = 1; k < rank; ++k)
    p.dim(k).set_stride(p.dim(k - 1).stride() * p.dim(k - 1).extent());
  inputs.push_back(p);
  HValue &v = values[key(arg)];
  std::vector<Var> vars = makeVars(rank, "x");
  v.func = Func(name + "_in");
  v.func(asExprs(vars)) = p(asExprs(vars));
  v.type = p.type();
  for (int k = 0; k < rank; ++k) {
    int64_t extent = val.shape[rank - 1 - k];
    v.extents.push_back(extent >= 0 ? Expr(static_cast<int>(extent))
                                    : p.dim(k).extent());
  }
}

void LoweringContext::findFusedValues(mlir::func::FuncOp fn,
                                      const LoweringRegistry &registry) {
  std::unordered_map<void *, int> uses;
  std::unordered_map<void *, mlir::Operation *> reader;
  mlir::Operation *terminator = fn.getBody().front().getTerminator();
  for (mlir::Operation &op : fn.getBody().front())
    for (mlir::Value v : op.getOperands()) {
      // Returned values are computed where the caller reads them.
      uses[key(v)] += &op == terminator ? 2 : 1;
      if (&op != terminator)
        reader[key(v)] = &op;
    }
  auto computedElementwise = [&](mlir::Operation *op) {
    const Lowering *l = registry.find(op);
    return l && l->elementwise && !(l->passesThrough && l->passesThrough(op));
  };
  for (mlir::Operation &op : fn.getBody().front()) {
    const Lowering *l = registry.find(&op);
    if (!l || !l->elementwise || op.getNumResults() != 1)
      continue;
    void *r = key(op.getResult(0));
    if (uses[r] == 1 && computedElementwise(reader[r]))
      fused.insert(r);
  }
}

PipelineStages LoweringContext::build(mlir::func::FuncOp fn) {
  const LoweringRegistry &registry = LoweringRegistry::get();
  for (size_t i = 0; i < boundary.inputs.size(); ++i)
    bindInput(fn.getArgument(static_cast<unsigned>(i)), boundary.inputs[i],
              halideName(boundary.inputs[i].name, "in", i));
  findFusedValues(fn, registry);
  mlir::Operation *terminator = fn.getBody().front().getTerminator();
  for (mlir::Operation &op : fn.getBody().front()) {
    if (&op == terminator)
      continue;
    const Lowering *l = registry.find(&op);
    if (!l)
      fail(&op, "'" + op.getName().getStringRef().str() +
                    "' has no Halide lowering");
    l->lower(&op, *this);
  }
  std::set<std::string> generic, direct;
  if (options.directGenericOutputs)
    for (const AnyStage &stage : stages.stages)
      if (const auto *g = std::get_if<GenericStage>(&stage))
        generic.insert(g->func.name());
  for (size_t i = 0; i < boundary.outputs.size(); ++i) {
    const kg::Argument &arg = boundary.outputs[i];
    mlir::Value returned = terminator->getOperand(static_cast<unsigned>(i));
    auto it = values.find(key(returned));
    if (it == values.end() || !it->second.func.defined())
      throw CompileError(boundary.loc + ": result '" + arg.name +
                         "' is not computed by any attn op");
    const HValue &v = it->second;
    // Outputs are wrapped so that an input returned directly, or one value
    // returned twice, is still a distinct Func the pipeline can write; a
    // GenericStage returned once may be the output itself.
    Func out = v.func;
    if (!generic.count(v.func.name()) ||
        !direct.insert(v.func.name()).second) {
      out = Func(halideName(arg.name, "out", i));
      std::vector<Var> vars = makeVars(v.extents.size(), "o");
      out(asExprs(vars)) = v.func(asExprs(vars));
      stages.copies.push_back(out);
      if (returned.hasOneUse())
        stages.soleCopies.emplace(v.func.name(), out);
    }
    // Static extents are promises the runtime checks; telling Halide lets
    // it unroll and vectorise over them.
    const std::vector<int64_t> &shape = boundary.values[arg.value].shape;
    int rank = static_cast<int>(shape.size());
    for (int k = 0; k < rank; ++k) {
      out.output_buffer().dim(k).set_min(0);
      if (shape[rank - 1 - k] >= 0)
        out.output_buffer().dim(k).set_extent(
            static_cast<int>(shape[rank - 1 - k]));
    }
    if (rank > 0)
      out.output_buffer().dim(0).set_stride(1);
    for (int k = 1; k < rank; ++k)
      out.output_buffer().dim(k).set_stride(
          out.output_buffer().dim(k - 1).stride() *
          out.output_buffer().dim(k - 1).extent());
    stages.outputs.push_back(out);
  }
  return std::move(stages);
}

PipelineStages buildAlgorithm(mlir::func::FuncOp fn,
                              const kg::Function &boundary,
                              std::vector<ImageParam> &inputs,
                              const AlgorithmOptions &options) {
  return LoweringContext(boundary, options, inputs).build(fn);
}

std::set<void *> genericResults(mlir::func::FuncOp fn,
                                const kg::Function &boundary,
                                const AlgorithmOptions &options) {
  std::vector<ImageParam> inputs;
  LoweringContext cx(boundary, options, inputs);
  PipelineStages stages = cx.build(fn);
  std::set<std::string> generic;
  for (const AnyStage &stage : stages.stages)
    if (const auto *g = std::get_if<GenericStage>(&stage))
      generic.insert(g->func.name());
  std::set<void *> out;
  for (mlir::Operation &op : fn.getBody().front()) {
    // An identity (dropout at inference) computes nothing of its own.
    std::set<std::string> operands;
    for (mlir::Value v : op.getOperands())
      if (v)
        operands.insert(cx[v].func.name());
    for (mlir::Value r : op.getResults())
      if (generic.count(cx[r].func.name()) &&
          !operands.count(cx[r].func.name()))
        out.insert(key(r));
  }
  return out;
}

} // namespace attnc::halide
