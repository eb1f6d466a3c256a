//===- TranslateToKernelGraph.cpp - attn IR -> kernel graphs --------------===//
#include "compiler/Target/Halide/TranslateToKernelGraph.h"

#include "dialects/attn/IR/AttnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/EquivalenceClasses.h"

#include <map>
#include <optional>
#include <set>
#include <tuple>

using namespace mlir;

namespace attnc {

std::string locString(Location loc) {
  if (auto fl = dyn_cast<FileLineColLoc>(loc))
    return (fl.getFilename().str() + ":" + std::to_string(fl.getLine()) + ":" +
            std::to_string(fl.getColumn()));
  if (auto nl = dyn_cast<NameLoc>(loc))
    return locString(nl.getChildLoc());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations())
      if (std::string s = locString(l); !s.empty())
        return s;
  return "";
}

namespace {

class Translator : public attn::DimRelations {
public:
  explicit Translator(func::FuncOp fn) : func(fn) {}

  LogicalResult run(kg::Function &out,
                    std::vector<ValueExtents> *extents = nullptr) {
    out.name = func.getSymName().str();
    out.loc = locString(func.getLoc());
    for (BlockArgument arg : func.getArguments()) {
      int id;
      if (failed(addValue(arg, id)))
        return failure();
      kg::Argument a;
      a.value = id;
      auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                    "attn.name");
      a.name = name ? name.str() : "arg" + std::to_string(arg.getArgNumber());
      readRole(a, arg.getArgNumber(), /*result=*/false);
      inputs.push_back(a);
    }
    for (Operation &op : func.getBody().front()) {
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        for (auto [k, v] : llvm::enumerate(ret.getOperands())) {
          kg::Argument a;
          a.value = ids.lookup(v);
          a.name = "result" + std::to_string(k);
          if (auto name = func.getResultAttrOfType<StringAttr>(k, "attn.name"))
            a.name = name.str();
          readRole(a, k, /*result=*/true);
          outputs.push_back(a);
        }
        continue;
      }
      if (failed(translate(&op)))
        return failure();
    }
    if (failed(assignRoles()))
      return failure();
    tieSymbolicDims();
    nameDims();
    resolveChecks(out.checks);
    out.values = values;
    out.inputs = inputs;
    out.outputs = outputs;
    if (extents)
      for (Operation &op : func.getBody().front())
        for (Value r : op.getResults()) {
          ValueExtents e{r, {}};
          for (int d = 0; d < tensorType(r).getRank(); ++d)
            e.from.push_back(argumentCarrying(dimKey(r, d), true));
          extents->push_back(std::move(e));
        }
    std::set<std::string> seen;
    for (const kg::Argument &a : inputs)
      seen.insert(a.name);
    for (const kg::Argument &a : outputs)
      if (!seen.insert(a.name).second)
        return func.emitError() << "argument name '" << a.name
                                << "' is used twice";
    return success();
  }

private:
  LogicalResult addValue(Value v, int &id) {
    if (auto it = ids.find(v); it != ids.end()) {
      id = it->second;
      return success();
    }
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t)
      return emitError(v.getLoc()) << "attnc compiles ranked tensors only, got "
                                   << v.getType();
    kg::Value val;
    Type e = t.getElementType();
    if (e.isF32())
      val.dtype = kg::DType::F32;
    else if (e.isF64())
      val.dtype = kg::DType::F64;
    else if (e.isSignlessInteger(32))
      val.dtype = kg::DType::I32;
    else if (e.isSignlessInteger(64))
      val.dtype = kg::DType::I64;
    else if (e.isInteger(1))
      val.dtype = kg::DType::Bool;
    else
      return emitError(v.getLoc())
             << "element type " << e
             << " is not supported by the CPU backend (f32, f64, i32, i64, i1)";
    for (int64_t d : t.getShape())
      val.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
    val.dimNames.assign(val.shape.size(), "");
    id = static_cast<int>(values.size());
    values.push_back(val);
    ids[v] = id;
    return success();
  }

  int idOf(Value v) { return v ? ids.lookup(v) : -1; }

  /// Dimension `d` of value `v` as a key in the union-find of extents.
  int64_t dimKey(Value v, int d) {
    return static_cast<int64_t>(idOf(v)) * 16 + d;
  }
  LogicalResult translate(Operation *op) {
    auto relations = dyn_cast<attn::DimRelationsOpInterface>(op);
    if (!relations || op->getNumResults() < 1)
      return op->emitError()
             << "'" << op->getName()
             << "' cannot be compiled by attnc's CPU backend; only attn ops "
                "may appear in an entry function";
    for (Value r : op->getResults()) {
      int id;
      if (failed(addValue(r, id)))
        return failure();
    }
    relations.getDimRelations(*this);
    return success();
  }

  // DimRelations: the op's statement of its extents, recorded for naming
  // run-time dims and for the roles of graph and sparse inputs.
  void same(Value a, int da, Value b, int db) override {
    dims.unionSets(dimKey(a, da), dimKey(b, db));
  }
  void hint(Value v, int d, const char *name) override {
    hints.emplace(dimKey(v, d), name);
  }
  void graph(Value rows, Value cols, Value nodesOf) override {
    csrUses.push_back({rows, cols});
    rowOffsetNodes.push_back({rows, nodesOf});
  }
  void transposedGraph(Value rows, Value offsets, Value destinations,
                       Value edges, Value nodesOf) override {
    transposedUses.push_back({rows, offsets, destinations, edges});
    rowOffsetNodes.push_back({offsets, nodesOf});
  }
  void sparseMatrix(Value rows, Value cols, Value values, Value rowsOf,
                    Value columnsOf, int columnDim) override {
    sparseUses.push_back({rows, cols, values, dimKey(columnsOf, columnDim)});
    rowOffsetNodes.push_back({rows, rowsOf});
  }
  void keyLengths(Value lengths, Value keys, int keyDim) override {
    keyLengthUses.push_back({lengths, dimKey(keys, keyDim)});
  }
  void atMost(Value a, int da, Value b, int db, const char *what) override {
    checkUses.push_back({kg::CheckKind::AtMost, what, a, da, b, db});
  }
  void divides(Value a, int da, Value b, int db, const char *what) override {
    checkUses.push_back({kg::CheckKind::Divides, what, a, da, b, db});
  }
  void broadcasts(Value a, int da, Value b, int db,
                  const char *what) override {
    checkUses.push_back({kg::CheckKind::Broadcasts, what, a, da, b, db});
  }
  void indexes(Value ids, Value table, int dim, const char *what) override {
    checkUses.push_back({kg::CheckKind::IndexBelow, what, ids, -1, table, dim});
  }

  /// Dims of entry arguments that the source gave the same symbolic size
  /// (`attn.dims`, written by the model frontend) are equal, even where no
  /// op relates them: two sparse inputs of `nodes` rows, token types of the
  /// ids' shape. Row offsets name their row count, the nodes counted by
  /// the value their graph or matrix is tied to.
  void tieSymbolicDims() {
    std::map<std::string, int64_t> first;
    for (BlockArgument arg : func.getArguments()) {
      auto names = func.getArgAttrOfType<ArrayAttr>(
          arg.getArgNumber(), attn::AttnDialect::kDimsAttr);
      if (!names)
        continue;
      for (auto [d, attr] : llvm::enumerate(names)) {
        StringRef name = cast<StringAttr>(attr).getValue();
        if (name.empty())
          continue;
        std::optional<int64_t> key = dimKey(arg, static_cast<int>(d));
        for (auto [rows, nodesOf] : rowOffsetNodes)
          if (rows == arg)
            key = dimKey(nodesOf, 0);
        int r = inputIndex(arg);
        if (r >= 0 && kg::Role::RowOffsets == inputs[r].role &&
            *key == dimKey(arg, static_cast<int>(d)))
          key = std::nullopt; // an unused graph: its length is nodes + 1
        if (!key)
          continue;
        auto [it, fresh] = first.emplace(name.str(), *key);
        if (!fresh)
          dims.unionSets(it->second, *key);
      }
    }
  }

  /// A side of a check: an input carrying dim `d` of `v`, else `v`'s static
  /// extent; nullopt when neither (the kernels clamp instead).
  std::optional<kg::CheckSide> checkSide(Value v, int d) {
    kg::CheckSide side;
    std::tie(side.arg, side.dim) =
        argumentCarrying(dimKey(v, d), /*inputsOnly=*/true);
    if (side.arg >= 0)
      return side;
    int64_t extent = tensorType(v).getDimSize(d);
    if (ShapedType::isDynamic(extent))
      return std::nullopt;
    side.value = extent;
    return side;
  }

  static RankedTensorType tensorType(Value v) {
    return cast<RankedTensorType>(v.getType());
  }

  /// The relations the ops stated, as checks of the entry's inputs. A
  /// relation between two static extents was verified at compile time; one
  /// whose sides no input carries cannot be checked at the boundary.
  void resolveChecks(std::vector<kg::Check> &out) {
    std::set<std::tuple<int, int, int, int64_t, int, int, int64_t>> seen;
    for (const CheckUse &use : checkUses) {
      kg::Check c;
      c.kind = use.kind;
      c.what = use.what;
      if (use.kind == kg::CheckKind::IndexBelow) {
        c.subject.arg = inputIndex(use.a);
        if (c.subject.arg < 0)
          continue;
      } else if (auto side = checkSide(use.a, use.da)) {
        c.subject = *side;
      } else {
        continue;
      }
      auto bound = checkSide(use.b, use.db);
      if (!bound || (c.subject.arg < 0 && bound->arg < 0))
        continue;
      c.bound = *bound;
      if (!seen.insert({static_cast<int>(c.kind), c.subject.arg, c.subject.dim,
                        c.subject.value, c.bound.arg, c.bound.dim,
                        c.bound.value})
               .second)
        continue;
      out.push_back(c);
    }
  }

  int inputIndex(Value v) {
    int id = idOf(v);
    for (size_t k = 0; k < inputs.size(); ++k)
      if (inputs[k].value == id)
        return static_cast<int>(k);
    return -1;
  }

  static kg::Role kgRole(attn::Role r) {
    switch (r) {
    case attn::Role::data: return kg::Role::Data;
    case attn::Role::parameter: return kg::Role::Parameter;
    case attn::Role::labels: return kg::Role::Labels;
    case attn::Role::loss_mask: return kg::Role::LossMask;
    case attn::Role::seed: return kg::Role::Seed;
    case attn::Role::mask: return kg::Role::Mask;
    case attn::Role::bias: return kg::Role::Bias;
    case attn::Role::key_lengths: return kg::Role::KeyLengths;
    case attn::Role::row_offsets: return kg::Role::RowOffsets;
    case attn::Role::col_indices: return kg::Role::ColIndices;
    case attn::Role::sparse_col_indices: return kg::Role::SparseColIndices;
    case attn::Role::sparse_values: return kg::Role::SparseValues;
    case attn::Role::t_offsets: return kg::Role::TOffsets;
    case attn::Role::t_destinations: return kg::Role::TDestinations;
    case attn::Role::t_edges: return kg::Role::TEdges;
    case attn::Role::output: return kg::Role::Output;
    case attn::Role::loss: return kg::Role::Loss;
    case attn::Role::gradient: return kg::Role::Gradient;
    }
    return kg::Role::Data;
  }

  static const char *roleName(kg::Role r) {
    static const char *const names[] = {
        "data", "row_offsets", "col_indices", "key_lengths",
        "sparse_col_indices", "parameter", "labels", "loss_mask", "seed",
        "mask", "bias", "sparse_values", "t_offsets", "t_destinations",
        "t_edges", "output", "loss", "gradient"};
    return names[static_cast<int>(r)];
  }

  /// The roles the compiler derives from how ops use an argument; an
  /// explicit attn.role must agree with them.
  static bool derivedFromUses(kg::Role r) {
    switch (r) {
    case kg::Role::RowOffsets: case kg::Role::ColIndices:
    case kg::Role::KeyLengths: case kg::Role::SparseColIndices:
    case kg::Role::SparseValues: case kg::Role::TOffsets:
    case kg::Role::TDestinations: case kg::Role::TEdges:
      return true;
    default:
      return false;
    }
  }

  /// The role attributes of argument or result `index` (attn.role and the
  /// attributes that go with it, verified by the dialect); without them an
  /// input is data and a result an output, until assignRoles() looks at
  /// the ops.
  void readRole(kg::Argument &a, unsigned index, bool result) {
    auto role = result ? func.getResultAttrOfType<attn::RoleAttr>(
                             index, attn::AttnDialect::kRoleAttr)
                       : func.getArgAttrOfType<attn::RoleAttr>(
                             index, attn::AttnDialect::kRoleAttr);
    a.role = role ? kgRole(role.getValue())
                  : result ? kg::Role::Output : kg::Role::Data;
    if (result) {
      if (auto of = func.getResultAttrOfType<IntegerAttr>(
              index, attn::AttnDialect::kGradOfAttr))
        a.relatedArg = static_cast<int>(of.getInt());
      return;
    }
    explicitRoles.push_back(role ? std::optional<kg::Role>(a.role)
                                 : std::nullopt);
    if (auto of = func.getArgAttrOfType<IntegerAttr>(
            index, attn::AttnDialect::kTransposeOfAttr))
      a.relatedArg = static_cast<int>(of.getInt());
    if (a.role == kg::Role::Parameter) {
      auto init = func.getArgAttrOfType<attn::InitKindAttr>(
          index, attn::AttnDialect::kInitAttr);
      attn::InitKind kind = init ? init.getValue() : attn::InitKind::glorot;
      a.init = kind == attn::InitKind::zeros  ? kg::InitKind::Zeros
               : kind == attn::InitKind::ones ? kg::InitKind::Ones
                                              : kg::InitKind::Glorot;
    }
  }

  /// Gives every input its role: the content roles (graphs, sparse
  /// matrices, key lengths, transposed graphs) from the ops that use it,
  /// which an explicit attn.role must agree with; the others from attn.role.
  LogicalResult assignRoles() {
    std::vector<kg::Argument> derived(inputs.size());
    for (auto [rows, cols] : csrUses) {
      int r = inputIndex(rows), c = inputIndex(cols);
      if (r < 0 || c < 0)
        return func.emitError()
               << "CSR and CSC operands of graph attention must be arguments of '"
               << func.getSymName() << "', so that the runtime can check them";
      derived[r].role = kg::Role::RowOffsets;
      derived[r].relatedArg = c;
      derived[c].role = kg::Role::ColIndices;
      derived[c].relatedArg = r;
    }
    // The transposed graph of a backward graph attention: computed by the
    // runtime from the forward graph, whose row offsets it points at.
    for (const TransposedUse &use : transposedUses) {
      int r = inputIndex(use.rows);
      for (auto [v, role] : {std::pair{use.offsets, kg::Role::TOffsets},
                             {use.destinations, kg::Role::TDestinations},
                             {use.edges, kg::Role::TEdges}}) {
        int t = inputIndex(v);
        if (t < 0 || r < 0)
          return func.emitError()
                 << "the transposed graph of attn.graph_attention_grad and "
                    "its forward graph must be arguments of '"
                 << func.getSymName()
                 << "', so that the runtime can compute it";
        derived[t].role = role;
        derived[t].relatedArg = r;
      }
    }
    // Sparse matrices: the offsets pair with the column indices like a
    // graph's; the columns are bounded by an input carrying the column
    // count (the weight), or left to the kernels' clamps when none does.
    for (const SparseUse &use : sparseUses) {
      int r = inputIndex(use.rows), c = inputIndex(use.cols);
      if (r < 0 || c < 0)
        return func.emitError()
               << "the row offsets and column indices of a sparse matrix "
                  "must be arguments of '"
               << func.getSymName() << "', so that the runtime can check them";
      derived[r].role = kg::Role::RowOffsets;
      derived[r].relatedArg = c;
      if (derived[c].role == kg::Role::SparseColIndices &&
          derived[c].relatedArg >= 0)
        continue;
      auto [arg, dim] = argumentCarrying(use.columnsKey);
      derived[c].role = kg::Role::SparseColIndices;
      derived[c].relatedArg = arg;
      derived[c].relatedDim = arg < 0 ? -1 : dim;
    }
    for (const SparseUse &use : sparseUses)
      if (int v = inputIndex(use.values); v >= 0)
        derived[v].role = kg::Role::SparseValues;
    for (auto [lengths, boundKey] : keyLengthUses) {
      int l = inputIndex(lengths);
      if (l < 0)
        continue; // computed in the kernel: nothing to check at the boundary
      derived[l].role = kg::Role::KeyLengths;
      auto [arg, dim] = argumentCarrying(boundKey, /*inputsOnly=*/true);
      derived[l].relatedArg = arg;
      derived[l].relatedDim = dim;
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      kg::Argument &a = inputs[i];
      std::optional<kg::Role> given = explicitRoles[i];
      kg::Role uses = derived[i].role;
      auto error = [&]() {
        return emitError(func.getArgument(i).getLoc())
               << "argument '" << a.name << "' has role '"
               << roleName(*given) << "', but ";
      };
      if (given && derivedFromUses(uses) && *given != uses)
        return error() << "the ops use it as '" << roleName(uses) << "'";
      if (given && derivedFromUses(*given) && !derivedFromUses(uses)) {
        // A declared but unused graph: nothing reads it, nothing to check.
        if (func.getArgument(i).use_empty()) {
          a.role = kg::Role::Data;
          a.relatedArg = -1;
          continue;
        }
        return error() << "no op uses it as such";
      }
      if (given && uses == kg::Role::TOffsets && a.relatedArg >= 0 &&
          a.relatedArg != derived[i].relatedArg)
        return error() << "it transposes the graph of argument "
                       << derived[i].relatedArg << ", not " << a.relatedArg;
      if (!derivedFromUses(uses))
        continue; // the explicit role, or data
      a.role = uses;
      a.relatedArg = derived[i].relatedArg;
      a.relatedDim = derived[i].relatedDim;
      a.init = kg::InitKind::None;
    }
    for (size_t k = 0; k < outputs.size(); ++k) {
      kg::Argument &a = outputs[k];
      if (a.role != kg::Role::Gradient) {
        a.relatedArg = -1;
        continue;
      }
      if (a.relatedArg < 0 ||
          a.relatedArg >= static_cast<int>(inputs.size()) ||
          inputs[a.relatedArg].role != kg::Role::Parameter)
        return func.emitError()
               << "result " << k << " ('" << a.name
               << "') is a gradient, so it needs 'attn.grad_of' naming a "
                  "parameter argument";
    }
    return success();
  }

  /// An argument (inputs first, then outputs, numbered as in the module
  /// descriptor) and its dim whose extent is the dim `key` of some value;
  /// {-1, -1} when none carries it.
  std::pair<int, int> argumentCarrying(int64_t key, bool inputsOnly = false) {
    if (dims.findValue(key) == dims.end())
      dims.insert(key);
    int64_t cls = dims.getLeaderValue(key);
    std::vector<const kg::Argument *> args;
    for (const kg::Argument &a : inputs)
      args.push_back(&a);
    if (!inputsOnly)
      for (const kg::Argument &a : outputs)
        args.push_back(&a);
    for (size_t a = 0; a < args.size(); ++a) {
      int value = args[a]->value;
      for (size_t d = 0; d < values[value].shape.size(); ++d) {
        int64_t k = value * 16 + static_cast<int64_t>(d);
        if (dims.findValue(k) != dims.end() && dims.getLeaderValue(k) == cls)
          return {static_cast<int>(a), static_cast<int>(d)};
      }
    }
    return {-1, -1};
  }

  /// Names every dynamic dim of the boundary values after its equivalence
  /// class, so the runtime can check that related extents agree.
  void nameDims() {
    std::map<int64_t, std::string> classNames;
    std::set<std::string> used;
    auto classOf = [&](int64_t key) {
      return dims.findValue(key) == dims.end() ? key
                                               : dims.getLeaderValue(key);
    };
    // Hints first, so classes get meaningful names.
    for (auto &[key, name] : hints) {
      int64_t cls = classOf(key);
      if (classNames.count(cls))
        continue;
      std::string n = name;
      for (int k = 2; used.count(n); ++k)
        n = std::string(name) + std::to_string(k);
      used.insert(n);
      classNames[cls] = n;
    }
    auto nameBoundary = [&](std::vector<kg::Argument> &args) {
      for (kg::Argument &a : args) {
        kg::Value &v = values[a.value];
        for (size_t d = 0; d < v.shape.size(); ++d) {
          int64_t cls = classOf(a.value * 16 + d);
          auto it = classNames.find(cls);
          if (it == classNames.end()) {
            std::string n = "d" + std::to_string(classNames.size());
            it = classNames.emplace(cls, n).first;
          }
          v.dimNames[d] = it->second;
        }
      }
    };
    nameBoundary(inputs);
    nameBoundary(outputs);
    // Row offsets have nodes + 1 entries; by the ABI their dim name is the
    // node count's, which the runtime checks against that length minus one.
    for (auto [rows, nodesOf] : rowOffsetNodes) {
      int r = inputIndex(rows);
      auto it = classNames.find(classOf(dimKey(nodesOf, 0)));
      if (r >= 0 && it != classNames.end())
        values[inputs[r].value].dimNames[0] = it->second;
    }
  }

  func::FuncOp func;
  llvm::DenseMap<Value, int> ids;
  std::vector<kg::Value> values;
  std::vector<kg::Argument> inputs, outputs;
  std::vector<std::optional<kg::Role>> explicitRoles; // per input: attn.role
  llvm::EquivalenceClasses<int64_t> dims;
  std::multimap<int64_t, const char *> hints;
  std::vector<std::pair<Value, Value>> csrUses, rowOffsetNodes;
  /// Key lengths and the dimKey of the extent that bounds them.
  std::vector<std::pair<Value, int64_t>> keyLengthUses;
  struct TransposedUse {
    Value rows, offsets, destinations, edges;
  };
  std::vector<TransposedUse> transposedUses;
  struct SparseUse {
    Value rows, cols, values;
    int64_t columnsKey; // dimKey of a value whose extent is the column count
  };
  std::vector<SparseUse> sparseUses;
  struct CheckUse {
    kg::CheckKind kind;
    const char *what;
    Value a;
    int da;
    Value b;
    int db;
  };
  std::vector<CheckUse> checkUses;
};

} // namespace

LogicalResult translateFunction(func::FuncOp fn, kg::Function &out,
                                std::vector<ValueExtents> *extents) {
  return Translator(fn).run(out, extents);
}

LogicalResult translateToKernelGraphs(ModuleOp module,
                                      std::vector<kg::Function> &out) {
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (fn.isPrivate() || fn.isExternal())
      continue;
    kg::Function kf;
    if (failed(Translator(fn).run(kf)))
      return failure();
    out.push_back(std::move(kf));
  }
  if (out.empty())
    return module.emitError() << "no public func.func to compile";
  return success();
}

} // namespace attnc
