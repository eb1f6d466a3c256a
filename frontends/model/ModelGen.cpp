//===- ModelGen.cpp - model description AST to attn IR --------------------===//
//
// Walks the layers in order, keeping for every input and layer the value it
// produces and its shape with symbolic dims by name (so `seq` and `seq2`
// are told apart even though both are `?` in the IR). Each layer checks its
// input and fields, appends its parameters as entry arguments and emits its
// ops at the layer's location.
//
// Semantic errors are thrown as GenError inside this file and reported once
// at the entry point: the first error stops the build, as in a compiler
// front end, and every check stays one line long.
//
//===----------------------------------------------------------------------===//
#include "frontends/model/ModelGen.h"

#include "dialects/attn/IR/AttnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include <climits>
#include <map>
#include <optional>
#include <set>

using namespace mlir;

namespace attnc::model {

namespace {

struct GenError {
  Loc loc;
  std::string message;
};

[[noreturn]] void fail(Loc loc, const std::string &message) {
  throw GenError{loc, message};
}

using Shape = std::vector<Dim>;

Dim fixed(int64_t size) {
  Dim d;
  d.size = size;
  return d;
}

std::string str(const Dim &d) {
  return d.isSymbolic() ? d.symbol : std::to_string(d.size);
}

std::string str(const Shape &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + str(shape[i]);
  return out + "]";
}

/// A sparse `[rows, cols]` input (layout: csr), possibly behind a dropout
/// that the projection reading it fuses.
struct SparseMatrix {
  Value rowOffsets, colIndices, values;
  std::string input; // the input's name, for messages
  double dropout = 0.0;
};

/// A value flowing between layers, with its symbolic shape. Sparse inputs
/// have no dense value: only a projection (linear, gat), optionally after
/// one dropout, may read them.
struct Tensor {
  Tensor() = default;
  Tensor(Value value, Shape shape, std::string dtype,
         std::optional<SparseMatrix> sparse = std::nullopt)
      : value(value), shape(std::move(shape)), dtype(std::move(dtype)),
        sparse(std::move(sparse)) {}
  Value value;
  Shape shape;
  std::string dtype; // f32, f64, i32, i64, bool
  std::optional<SparseMatrix> sparse;
  bool isFloat() const { return dtype == "f32" || dtype == "f64"; }
  bool isInt() const { return dtype == "i32" || dtype == "i64"; }
  std::string describe() const { return dtype + " " + str(shape); }
};

/// A graph input: its CSR arguments and node count.
struct Graph {
  Value rowOffsets, colIndices;
  Dim nodes;
};

class ModelGen {
public:
  ModelGen(const Model &model, StringRef filename, MLIRContext *context)
      : model(model), filename(filename), ctx(context), builder(context) {}

  OwningOpRef<ModuleOp> build() {
    OwningOpRef<ModuleOp> module = ModuleOp::create(loc(Loc{}));
    try {
      generate(*module);
    } catch (const GenError &e) {
      emitError(loc(e.loc)) << e.message;
      return nullptr;
    }
    return module;
  }

private:
  Location loc(Loc l) {
    return FileLineColLoc::get(ctx, filename, l.line, l.col);
  }

  Type elementType(const std::string &dtype) {
    if (dtype == "f64")
      return builder.getF64Type();
    if (dtype == "i32")
      return builder.getI32Type();
    if (dtype == "i64")
      return builder.getI64Type();
    if (dtype == "bool")
      return builder.getI1Type();
    return builder.getF32Type();
  }

  RankedTensorType tensorType(const Shape &shape, const std::string &dtype) {
    SmallVector<int64_t> dims;
    for (const Dim &d : shape)
      dims.push_back(d.isSymbolic() ? ShapedType::kDynamic : d.size);
    return RankedTensorType::get(dims, elementType(dtype));
  }

  //===--------------------------------------------------------------------===//
  // Entry arguments
  //===--------------------------------------------------------------------===//

  /// An entry argument with its role (docs/runtime.md, "Roles"); a
  /// parameter also gets its initialisation rule.
  Value addArgument(const std::string &name, Type type, Loc where,
                    attn::Role role = attn::Role::data,
                    std::optional<attn::InitKind> init = std::nullopt) {
    if (!argNames.insert(name).second)
      fail(where, "entry argument name '" + name + "' is used twice");
    argTypes.push_back(type);
    argNameAttrs.push_back(name);
    argRoles.push_back(role);
    argInits.push_back(init);
    argDims.emplace_back();
    return entry->addArgument(type, loc(where));
  }

  /// Records the symbolic sizes of the last argument's dims (`attn.dims`):
  /// the compiler ties dims of one name across arguments even where no op
  /// relates them, so the runtime refuses unequal extents. Row offsets
  /// record their row count.
  void symbolicDims(const Shape &shape) {
    argDims.back().clear();
    for (const Dim &d : shape)
      argDims.back().push_back(d.isSymbolic() ? d.symbol : "");
  }

  /// Gives the input `t` (an entry argument) role `role`: a tensor input
  /// named in a field as a mask, bias or key lengths.
  void setInputRole(const Tensor &t, attn::Role role) {
    if (auto arg = dyn_cast_or_null<BlockArgument>(t.value))
      argRoles[arg.getArgNumber()] = role;
  }

  /// A parameter of `layer`, named `<layer>.<suffix>`, initialised by
  /// `init` (weights and attention vectors Glorot, biases zeros,
  /// normalisation scales ones).
  Tensor param(const Layer &layer, const std::string &suffix,
               std::vector<int64_t> dims, const std::string &dtype,
               attn::InitKind init = attn::InitKind::glorot) {
    Shape shape;
    std::string name = parameterName(layer, suffix);
    for (int64_t d : dims)
      shape.push_back(fixed(d));
    // Each factor is below 2^31 (the parser's limit): no overflow before
    // the count passes it.
    int64_t elements = 1;
    for (int64_t d : dims)
      if ((elements *= d) > INT32_MAX)
        fail(layer.loc, "parameter '" + name + "' " + str(shape) +
                            " holds 2^31 or more elements; Halide's buffers "
                            "hold fewer");
    if (argNames.count(name))
      fail(layer.loc, "parameter '" + name + "' of layer '" + layer.name +
                          "' has the name of another entry argument");
    layerParameters.push_back(suffix);
    return Tensor{addArgument(name, tensorType(shape, dtype), layer.loc,
                              attn::Role::parameter, init),
                  shape, dtype};
  }

  /// The name of parameter `suffix` (`q_proj.weight`) of `layer`:
  /// `<layer>.<suffix>`, unless the layer's `parameters` map names it, whole
  /// (`q_proj.weight: x.w`) or by its group (`q_proj: x` gives `x.weight`).
  std::string parameterName(const Layer &layer, const std::string &suffix) {
    std::string name = layer.name + "." + suffix;
    const FieldValue *map = layer.get("parameters");
    if (!map)
      return name;
    size_t dot = suffix.rfind('.');
    std::string group = dot == std::string::npos ? "" : suffix.substr(0, dot);
    for (const auto &[key, value] : map->map) {
      if (key == suffix) {
        usedParameterKeys.insert(key);
        return value;
      }
    }
    for (const auto &[key, value] : map->map) {
      if (!group.empty() && key == group) {
        usedParameterKeys.insert(key);
        return value + suffix.substr(dot);
      }
    }
    return name;
  }

  /// Every key of `layer`'s `parameters` map named one of its parameters:
  /// a misspelt key is an error, not a silently default name.
  void checkParameterMap(const Layer &layer,
                         const std::vector<std::string> &parameters) {
    const FieldValue *map = layer.get("parameters");
    if (!map)
      return;
    for (size_t i = 0; i < map->map.size(); ++i) {
      if (usedParameterKeys.count(map->map[i].first))
        continue;
      std::string list;
      for (const std::string &p : parameters)
        list += (list.empty() ? "" : ", ") + p;
      fail(map->listLocs[i], "layer '" + layer.name + "': 'parameters' key '" +
                            map->map[i].first + "' names no parameter; " +
                            (list.empty() ? "a " + layer.kind +
                                                " layer has no parameters"
                                          : "its parameters are " + list));
    }
  }

  //===--------------------------------------------------------------------===//
  // Names
  //===--------------------------------------------------------------------===//

  /// The input or earlier layer called `name`, referenced at `where`.
  Tensor lookup(const std::string &name, Loc where, const Layer &user,
                bool allowSparse = false) {
    if (auto it = values.find(name); it != values.end())
      return allowSparse ? it->second : dense(it->second, where, user);
    if (graphs.count(name))
      fail(where, "'" + name + "' is a graph input; only gat and graph "
                               "attention use graphs (field 'graph')");
    for (const Layer &l : model.layers)
      if (l.name == name)
        fail(where, "layer '" + name + "' is defined below layer '" +
                        user.name +
                        "'; a layer can only use inputs and layers above it");
    fail(where, "unknown layer or input '" + name + "'");
  }

  /// An input named in a field of `layer` (key lengths, masks, biases),
  /// which gets the role the field gives it.
  Tensor lookupInput(const Layer &layer, const std::string &field) {
    const FieldValue *f = layer.get(field);
    for (const Input &in : model.inputs)
      if (in.name == f->s && !in.graph) {
        Tensor t = dense(values.at(in.name), f->loc, layer);
        setInputRole(t, field == "key_lengths" ? attn::Role::key_lengths
                        : field == "mask"      ? attn::Role::mask
                        : field == "attn_bias" ? attn::Role::bias
                                               : attn::Role::data);
        return t;
      }
    if (values.count(f->s))
      fail(f->loc, "'" + field + "' must name an input, and '" + f->s +
                       "' is a layer");
    return lookup(f->s, f->loc, layer);
  }

  const Graph &lookupGraph(const Layer &layer) {
    if (const FieldValue *f = layer.get("graph")) {
      auto it = graphs.find(f->s);
      if (it != graphs.end())
        return it->second;
      if (values.count(f->s))
        fail(f->loc, "'" + f->s + "' is not a graph input");
      fail(f->loc, "unknown graph input '" + f->s + "'");
    }
    if (graphs.size() == 1)
      return graphs.begin()->second;
    fail(layer.loc, "layer '" + layer.name + "' needs a graph: " +
                        (graphs.empty()
                             ? std::string("declare an input with kind: graph")
                             : std::string("name one with 'graph'")));
  }

  /// What `layer` consumes: its `input`, or the previous layer's output, or
  /// (for the first layer) the first tensor input.
  Tensor layerInput(const Layer &layer, bool allowSparse = false) {
    if (const FieldValue *f = layer.get("input"))
      return lookup(f->s, f->loc, layer, allowSparse);
    auto checked = [&](const Tensor &t) {
      return allowSparse ? t : dense(t, layer.loc, layer);
    };
    if (previous)
      return checked(*previous);
    for (const Input &in : model.inputs)
      if (!in.graph)
        return checked(values.at(in.name));
    fail(layer.loc, "layer '" + layer.name +
                        "' has no input: declare a tensor input or give 'input'");
  }

  /// `t`, which `user` reads as a dense tensor.
  Tensor dense(const Tensor &t, Loc where, const Layer &user) {
    if (t.sparse)
      fail(where, "layer '" + user.name + "' (" + user.kind +
                      ") cannot read the sparse input '" + t.sparse->input +
                      "' (layout csr); only linear and gat layers can, "
                      "directly or after one dropout");
    return t;
  }

  Loc inputLoc(const Layer &layer) { return layer.locOf("input"); }

  //===--------------------------------------------------------------------===//
  // Checks
  //===--------------------------------------------------------------------===//

  void requireFloat(const Layer &layer, const Tensor &t) {
    if (!t.isFloat())
      fail(inputLoc(layer), "layer '" + layer.name + "' (" + layer.kind +
                                ") needs a floating-point input, got " +
                                t.describe());
  }

  /// The fixed width of `t`'s last dim, which `layer` needs to size its
  /// parameters.
  int64_t width(const Layer &layer, const Tensor &t) {
    if (t.shape.empty())
      fail(inputLoc(layer), "layer '" + layer.name + "' (" + layer.kind +
                                ") needs an input of rank >= 1, got " +
                                t.describe());
    const Dim &last = t.shape.back();
    if (last.isSymbolic())
      fail(inputLoc(layer),
           "layer '" + layer.name + "' (" + layer.kind +
               "): the input width is not known: the last dim of " +
               t.describe() + " is the symbolic size '" + last.symbol +
               "'; parameters need a fixed width");
    return last.size;
  }

  double rate(const Layer &layer, const std::string &field) {
    double r = layer.getFloat(field, 0.0);
    if (r < 0 || r >= 1)
      fail(layer.locOf(field), "'" + field + "' must be in [0, 1), got " +
                                   std::to_string(r));
    return r;
  }

  /// Checks that `t` broadcasts to `target` by NumPy rules.
  void requireBroadcast(const Tensor &t, const Shape &target, Loc where,
                        const std::string &what) {
    bool ok = t.shape.size() <= target.size();
    size_t offset = target.size() - std::min(target.size(), t.shape.size());
    for (size_t d = 0; ok && d < t.shape.size(); ++d)
      ok = t.shape[d] == fixed(1) || t.shape[d] == target[d + offset];
    if (!ok)
      fail(where, what + " " + str(t.shape) + " does not broadcast to " +
                      str(target));
  }

  //===--------------------------------------------------------------------===//
  // Ops
  //===--------------------------------------------------------------------===//

  Tensor linear(Loc where, const Tensor &x, const Tensor &w,
                std::optional<Tensor> b) {
    Shape shape = x.shape;
    shape.back() = w.shape[0];
    if (x.sparse) {
      const SparseMatrix &m = *x.sparse;
      Value v = builder.create<attn::SparseLinearOp>(
          loc(where), tensorType(shape, x.dtype), m.rowOffsets, m.colIndices,
          m.values, w.value, b ? b->value : Value(), /*seed=*/Value(),
          m.dropout > 0 ? builder.getF64FloatAttr(m.dropout) : FloatAttr(),
          builder.getI64IntegerAttr(0));
      return Tensor{v, shape, x.dtype};
    }
    Value v = builder.create<attn::LinearOp>(
        loc(where), tensorType(shape, x.dtype), x.value, w.value,
        b ? b->value : Value());
    return Tensor{v, shape, x.dtype};
  }

  Tensor splitHeads(Loc where, const Tensor &x, int64_t heads) {
    Shape shape;
    Dim d = fixed(x.shape.back().size / heads);
    if (x.shape.size() == 3)
      shape = {x.shape[0], fixed(heads), x.shape[1], d};
    else
      shape = {x.shape[0], fixed(heads), d};
    Value v = builder.create<attn::SplitHeadsOp>(
        loc(where), tensorType(shape, x.dtype), x.value,
        builder.getI64IntegerAttr(heads));
    return Tensor{v, shape, x.dtype};
  }

  Tensor mergeHeads(Loc where, const Tensor &x, bool mean) {
    const Shape &s = x.shape;
    Dim merged = mean ? s.back() : fixed(s[1].size * s.back().size);
    Shape shape = s.size() == 4 ? Shape{s[0], s[2], merged} : Shape{s[0], merged};
    Value v = builder.create<attn::MergeHeadsOp>(
        loc(where), tensorType(shape, x.dtype), x.value, mean);
    return Tensor{v, shape, x.dtype};
  }

  Tensor add(Loc where, const Tensor &lhs, const Tensor &rhs) {
    Value v = builder.create<attn::AddOp>(loc(where), lhs.value.getType(),
                                          lhs.value, rhs.value);
    return Tensor{v, lhs.shape, lhs.dtype};
  }

  /// The activation a layer names in `field`, with the `gelu` form (erf
  /// unless `gelu: tanh`), which only a gelu activation accepts.
  attn::ActivationKind activationKind(const Layer &l, const std::string &field,
                                      const std::string &otherwise) {
    std::string kind = l.getString(field, otherwise);
    if (l.has("gelu") && kind != "gelu")
      fail(l.locOf("gelu"), "layer '" + l.name + "': 'gelu' sets the form of "
                            "a gelu activation, but the activation is '" +
                                kind + "'");
    if (kind == "gelu")
      return l.getString("gelu", "erf") == "erf"
                 ? attn::ActivationKind::gelu_erf
                 : attn::ActivationKind::gelu;
    return *attn::symbolizeActivationKind(kind);
  }

  Tensor activate(Loc where, const Tensor &x, attn::ActivationKind kind) {
    Value v = builder.create<attn::ActivationOp>(loc(where), x.value.getType(),
                                                 kind, x.value);
    return Tensor{v, x.shape, x.dtype};
  }

  //===--------------------------------------------------------------------===//
  // Layers
  //===--------------------------------------------------------------------===//

  Tensor embedding(const Layer &l) {
    Tensor ids = layerInput(l);
    if (!ids.isInt())
      fail(inputLoc(l), "layer '" + l.name +
                            "' (embedding) needs integer token ids (i32 or "
                            "i64), got " + ids.describe());
    int64_t vocab = l.getInt("vocab", 0), dim = l.getInt("dim", 0);
    Tensor table = param(l, "weight", {vocab, dim}, "f32");
    Shape shape = ids.shape;
    shape.push_back(fixed(dim));
    Value v = builder.create<attn::EmbeddingOp>(
        loc(l.loc), tensorType(shape, "f32"), table.value, ids.value);
    return Tensor{v, shape, "f32"};
  }

  Tensor positional(const Layer &l) {
    Tensor x = layerInput(l);
    requireFloat(l, x);
    if (x.shape.size() != 3)
      fail(inputLoc(l), "layer '" + l.name +
                            "' (positional_encoding) needs a [batch, seq, dim] "
                            "input, got " + x.describe());
    int64_t dim = width(l, x);
    bool learned = l.getString("encoding", "sinusoidal") == "learned";
    if (learned && !l.has("max_seq"))
      fail(l.locOf("encoding"), "a learned positional encoding needs "
                                "'max_seq' (the table's number of positions)");
    if (!learned && l.has("max_seq"))
      fail(l.get("max_seq")->keyLoc,
           "'max_seq' is only used by encoding: learned");
    Value table;
    if (learned) {
      int64_t maxSeq = l.getInt("max_seq", 0);
      if (!x.shape[1].isSymbolic() && x.shape[1].size > maxSeq)
        fail(l.locOf("max_seq"), "the sequence length " + str(x.shape[1]) +
                                     " exceeds max_seq " +
                                     std::to_string(maxSeq));
      table = param(l, "weight", {maxSeq, dim}, x.dtype).value;
    }
    Value v = builder.create<attn::PositionalEncodingOp>(
        loc(l.loc), x.value.getType(),
        learned ? attn::PositionalKind::learned
                : attn::PositionalKind::sinusoidal,
        x.value, table);
    return Tensor{v, x.shape, x.dtype};
  }

  Tensor linearLayer(const Layer &l) {
    Tensor x = layerInput(l, /*allowSparse=*/true);
    requireFloat(l, x);
    int64_t in = width(l, x), out = l.getInt("out", 0);
    Tensor w = param(l, "weight", {out, in}, x.dtype);
    std::optional<Tensor> b;
    if (l.getBool("bias", true))
      b = param(l, "bias", {out}, x.dtype, attn::InitKind::zeros);
    return linear(l.loc, x, w, b);
  }

  Tensor layerNorm(const Layer &l) {
    Tensor x = layerInput(l);
    requireFloat(l, x);
    int64_t dim = width(l, x);
    double eps = l.getFloat("epsilon", 1e-5);
    if (eps <= 0)
      fail(l.locOf("epsilon"), "'epsilon' must be positive");
    Tensor gamma = param(l, "weight", {dim}, x.dtype, attn::InitKind::ones);
    Tensor beta = param(l, "bias", {dim}, x.dtype, attn::InitKind::zeros);
    Value v = builder.create<attn::LayerNormOp>(
        loc(l.loc), x.value.getType(), x.value, gamma.value, beta.value,
        builder.getF64FloatAttr(eps));
    return Tensor{v, x.shape, x.dtype};
  }

  Tensor feedForward(const Layer &l) {
    Tensor x = layerInput(l);
    requireFloat(l, x);
    int64_t dim = width(l, x), hidden = l.getInt("hidden", 0);
    Tensor w1 = param(l, "fc1.weight", {hidden, dim}, x.dtype);
    Tensor b1 = param(l, "fc1.bias", {hidden}, x.dtype, attn::InitKind::zeros);
    Tensor w2 = param(l, "fc2.weight", {dim, hidden}, x.dtype);
    Tensor b2 = param(l, "fc2.bias", {dim}, x.dtype, attn::InitKind::zeros);
    Tensor h = linear(l.loc, x, w1, b1);
    h = activate(l.loc, h, activationKind(l, "activation", "relu"));
    return linear(l.loc, h, w2, b2);
  }

  Tensor activationLayer(const Layer &l) {
    Tensor x = layerInput(l);
    requireFloat(l, x);
    return activate(l.loc, x, activationKind(l, "function", "relu"));
  }

  Tensor dropout(const Layer &l) {
    Tensor x = layerInput(l, /*allowSparse=*/true);
    requireFloat(l, x);
    double r = rate(l, "rate");
    if (x.sparse) {
      // Fused into the projection that reads it (same masks as dense).
      if (x.sparse->dropout > 0)
        fail(l.loc, "layer '" + l.name + "': the sparse input '" +
                        x.sparse->input + "' already has a dropout; one is "
                        "fused into the projection that reads it");
      x.sparse->dropout = r;
      return x;
    }
    Value v = builder.create<attn::DropoutOp>(
        loc(l.loc), x.value.getType(), x.value, builder.getF64FloatAttr(r),
        /*seed=*/Value(), builder.getI64IntegerAttr(0));
    return Tensor{v, x.shape, x.dtype};
  }

  Tensor logSoftmax(const Layer &l) {
    Tensor x = layerInput(l);
    requireFloat(l, x);
    width(l, x); // rank >= 1
    Value v = builder.create<attn::LogSoftmaxOp>(loc(l.loc), x.value.getType(),
                                                 x.value);
    return Tensor{v, x.shape, x.dtype};
  }

  /// [batch, seq, dim] -> [batch, dim]: the mean over each sequence's
  /// first key_lengths[b] positions (all of them without key_lengths).
  Tensor meanPool(const Layer &l) {
    Tensor x = layerInput(l);
    requireFloat(l, x);
    if (x.shape.size() != 3)
      fail(inputLoc(l), "layer '" + l.name + "' pools a [batch, seq, dim] "
                        "sequence, got " + x.describe());
    Value lengths;
    if (l.has("key_lengths")) {
      Tensor len = lookupInput(l, "key_lengths");
      if (!len.isInt() || len.shape.size() != 1 || len.shape[0] != x.shape[0])
        fail(l.locOf("key_lengths"),
             "'key_lengths' input '" + l.get("key_lengths")->s +
                 "' must be i32 or i64 [" + str(x.shape[0]) +
                 "] (one length per sequence), got " + len.describe());
      lengths = len.value;
    }
    Shape shape = {x.shape[0], x.shape[2]};
    Value v = builder.create<attn::MeanPoolOp>(
        loc(l.loc), tensorType(shape, x.dtype), x.value, lengths);
    return Tensor{v, shape, x.dtype};
  }

  Tensor addLayer(const Layer &l) {
    const FieldValue *f = l.get("inputs");
    if (f->list.size() != 2)
      fail(f->loc, "an add layer takes exactly two 'inputs' [lhs, rhs], got " +
                       std::to_string(f->list.size()));
    Tensor lhs = lookup(f->list[0], f->listLocs[0], l);
    Tensor rhs = lookup(f->list[1], f->listLocs[1], l);
    if (!lhs.isFloat() || lhs.dtype != rhs.dtype)
      fail(f->loc, "add needs two floating-point tensors of one dtype, got " +
                       lhs.describe() + " and " + rhs.describe());
    requireBroadcast(rhs, lhs.shape, f->listLocs[1],
                     "the rhs '" + f->list[1] + "'");
    return add(l.loc, lhs, rhs);
  }

  /// The attention forms named by `form`, checked for combinations and for
  /// the fields each needs.
  std::map<std::string, Loc> attentionForms(const Layer &l) {
    std::map<std::string, Loc> forms;
    if (const FieldValue *f = l.get("form")) {
      for (size_t i = 0; i < f->list.size(); ++i)
        if (!forms.emplace(f->list[i], f->listLocs[i]).second)
          fail(f->listLocs[i], "form '" + f->list[i] + "' is given twice");
    }
    if (forms.empty())
      forms.emplace("dense", l.loc);
    for (const char *alone : {"dense", "graph"})
      if (forms.count(alone) && forms.size() > 1)
        fail(forms[alone], std::string("form '") + alone +
                               "' cannot be combined with other forms");
    // Padding is given as per-sequence lengths or as a tokenizer's
    // attention_mask (any padding side), not both.
    if (forms.count("padding")) {
      if (!l.has("key_lengths") && !l.has("attention_mask"))
        fail(forms["padding"], "form 'padding' needs 'key_lengths' or "
                               "'attention_mask' naming an input");
      if (l.has("key_lengths") && l.has("attention_mask"))
        fail(l.get("attention_mask")->keyLoc,
             "give padding as 'key_lengths' or as 'attention_mask', not both");
      if (l.has("attention_mask") && forms.count("mask"))
        fail(l.get("attention_mask")->keyLoc,
             "an 'attention_mask' and form 'mask' cannot be combined (the "
             "attention takes one boolean mask)");
    } else {
      for (const char *field : {"key_lengths", "attention_mask"})
        if (l.has(field))
          fail(l.get(field)->keyLoc, std::string("'") + field +
                                         "' is only used by form 'padding'");
    }
    const std::pair<const char *, const char *> needs[] = {
        {"mask", "mask"},
        {"bias", "attn_bias"},
        {"sliding_window", "window"},
    };
    for (auto [form, field] : needs) {
      if (forms.count(form) && !l.has(field))
        fail(forms[form], std::string("form '") + form + "' needs '" + field +
                              "'" +
                              (std::string(field) == "window"
                                   ? ": {left: L, right: R}"
                                   : " naming an input"));
      if (!forms.count(form) && l.has(field))
        fail(l.get(field)->keyLoc, std::string("'") + field +
                                       "' is only used by form '" + form + "'");
    }
    if (!forms.count("graph") && l.has("graph"))
      fail(l.get("graph")->keyLoc, "'graph' is only used by form 'graph'");
    return forms;
  }

  /// The masking operands of an attention layer over queries `xq` and keys
  /// `xk` ([batch, seq, dim] each).
  struct Masks {
    std::optional<Tensor> lengths, mask, bias;
    attn::WindowAttr window;
  };

  Masks attentionMasks(const Layer &l, std::map<std::string, Loc> &forms,
                       const Tensor &xq, const Tensor &xk, int64_t heads) {
    Masks m;
    Shape logits = {xq.shape[0], fixed(heads), xq.shape[1], xk.shape[1]};
    if (forms.count("padding") && l.has("key_lengths")) {
      m.lengths = lookupInput(l, "key_lengths");
      if (!m.lengths->isInt() || m.lengths->shape.size() != 1 ||
          m.lengths->shape[0] != xq.shape[0])
        fail(l.locOf("key_lengths"),
             "'key_lengths' input '" + l.get("key_lengths")->s +
                 "' must be i32 or i64 [" + str(xq.shape[0]) +
                 "] (one length per sequence), got " + m.lengths->describe());
    }
    if (forms.count("padding") && l.has("attention_mask")) {
      Tensor am = attentionMaskInput(l, xk);
      // One key mask per input, shared by every layer that pads with it.
      auto it = keyPaddingMasks.find(l.get("attention_mask")->s);
      if (it == keyPaddingMasks.end()) {
        Shape shape = {am.shape[0], fixed(1), fixed(1), am.shape[1]};
        Value v = builder.create<attn::KeyPaddingMaskOp>(
            loc(l.locOf("attention_mask")), tensorType(shape, "bool"),
            am.value);
        it = keyPaddingMasks
                 .emplace(l.get("attention_mask")->s, Tensor{v, shape, "bool"})
                 .first;
      }
      m.mask = it->second;
    }
    if (forms.count("mask")) {
      m.mask = lookupInput(l, "mask");
      if (m.mask->dtype != "bool")
        fail(l.locOf("mask"), "'mask' input '" + l.get("mask")->s +
                                  "' must be bool, got " + m.mask->describe());
      requireBroadcast(*m.mask, logits, l.locOf("mask"),
                       "'mask' input '" + l.get("mask")->s + "'");
    }
    if (forms.count("bias")) {
      m.bias = lookupInput(l, "attn_bias");
      if (m.bias->dtype != xq.dtype)
        fail(l.locOf("attn_bias"), "'attn_bias' input '" +
                                       l.get("attn_bias")->s + "' must be " +
                                       xq.dtype + ", got " + m.bias->describe());
      requireBroadcast(*m.bias, logits, l.locOf("attn_bias"),
                       "'attn_bias' input '" + l.get("attn_bias")->s + "'");
    }
    if (forms.count("sliding_window")) {
      const FieldValue *w = l.get("window");
      if (w->left < 0)
        fail(w->leftLoc, "window 'left' must be non-negative, got " +
                             std::to_string(w->left));
      if (w->right < 0)
        fail(w->rightLoc, "window 'right' must be non-negative, got " +
                              std::to_string(w->right));
      m.window = attn::WindowAttr::get(ctx, w->left, w->right);
    }
    return m;
  }

  /// The input an `attention_mask` field names: a tokenizer's [batch, seq]
  /// mask (bool or integer, nonzero: a real token) of the sequence `x`.
  Tensor attentionMaskInput(const Layer &l, const Tensor &x) {
    Tensor am = lookupInput(l, "attention_mask");
    if ((am.dtype != "bool" && !am.isInt()) || am.shape.size() != 2 ||
        am.shape[0] != x.shape[0] || am.shape[1] != x.shape[1])
      fail(l.locOf("attention_mask"),
           "'attention_mask' input '" + l.get("attention_mask")->s +
               "' must be bool, i32 or i64 [" + str(x.shape[0]) + ", " +
               str(x.shape[1]) + "] (nonzero: a real token), got " +
               am.describe());
    return am;
  }

  /// The layer's `heads` and `kv_heads` (kv_heads dividing heads).
  std::pair<int64_t, int64_t> headsOf(const Layer &l) {
    int64_t heads = l.getInt("heads", 1);
    int64_t kvHeads = l.getInt("kv_heads", heads);
    if (heads % kvHeads != 0)
      fail(l.locOf("kv_heads"), "kv_heads (" + std::to_string(kvHeads) +
                                    ") must divide heads (" +
                                    std::to_string(heads) + ")");
    return {heads, kvHeads};
  }

  /// The layer's `score` and `scale` (a scale only with scaled_dot).
  std::pair<attn::ScoreKind, FloatAttr> scoreOf(const Layer &l) {
    attn::ScoreKind score = l.getString("score", "scaled_dot") == "dot"
                                ? attn::ScoreKind::dot
                                : attn::ScoreKind::scaled_dot;
    FloatAttr scale;
    if (l.has("scale") && score == attn::ScoreKind::dot)
      fail(l.get("scale")->keyLoc, "'scale' is only used by score: "
                                   "scaled_dot (a dot score is unscaled)");
    if (l.has("scale"))
      scale = builder.getF64FloatAttr(l.getFloat("scale", 1.0));
    return {score, scale};
  }

  /// Scaled-dot-product attention over projected queries, keys and values
  /// ([batch, seq, heads * dh] each): split into heads, one attn.attention,
  /// heads merged back.
  Tensor attentionCore(const Layer &l, std::map<std::string, Loc> &forms,
                       const Tensor &q2, const Tensor &k2, const Tensor &v2,
                       int64_t heads, int64_t kvHeads, const Masks &masks) {
    auto [score, scale] = scoreOf(l);
    Tensor q = splitHeads(l.loc, q2, heads);
    Tensor k = splitHeads(l.loc, k2, kvHeads);
    Tensor v = splitHeads(l.loc, v2, kvHeads);
    Shape outShape = q.shape;
    outShape.back() = v.shape.back();
    Value o = builder.create<attn::AttentionOp>(
        loc(l.loc), tensorType(outShape, q.dtype), q.value, k.value, v.value,
        masks.mask ? masks.mask->value : Value(),
        masks.bias ? masks.bias->value : Value(),
        masks.lengths ? masks.lengths->value : Value(), score, scale,
        forms.count("causal") > 0, masks.window);
    return mergeHeads(l.loc, Tensor{o, outShape, q.dtype}, false);
  }

  /// `attention`: the core of multi-head attention over three layers that
  /// already hold the projected queries, keys and values (an imported
  /// graph's own projections, cross-attention).
  Tensor attentionLayer(const Layer &l) {
    std::map<std::string, Loc> forms = attentionForms(l);
    const FieldValue *f = l.get("inputs");
    if (f->list.size() != 3)
      fail(f->loc, "an attention layer takes 'inputs' [queries, keys, "
                   "values], got " + std::to_string(f->list.size()) +
                       " names");
    Tensor q = lookup(f->list[0], f->listLocs[0], l);
    Tensor k = lookup(f->list[1], f->listLocs[1], l);
    Tensor v = lookup(f->list[2], f->listLocs[2], l);
    const char *roles[] = {"queries", "keys", "values"};
    const Tensor *qkv[] = {&q, &k, &v};
    for (int i = 0; i < 3; ++i) {
      const Tensor &t = *qkv[i];
      if (!t.isFloat() || t.dtype != q.dtype || t.shape.size() != 3 ||
          t.shape.back().isSymbolic())
        fail(f->listLocs[i], std::string("the ") + roles[i] + " '" +
                                 f->list[i] + "' must be a floating-point "
                                 "[batch, seq, width] tensor of the queries' "
                                 "dtype with a fixed width, got " +
                                 t.describe());
    }
    if (k.shape[0] != q.shape[0] || v.shape[0] != q.shape[0] ||
        v.shape[1] != k.shape[1])
      fail(f->loc, "queries " + q.describe() + ", keys " + k.describe() +
                       " and values " + v.describe() +
                       " do not share the batch (and keys and values the "
                       "sequence)");
    auto [heads, kvHeads] = headsOf(l);
    auto requireDivides = [&](const Tensor &t, int64_t h, int i) {
      if (t.shape.back().size % h != 0)
        fail(f->listLocs[i], std::string("the width of the ") + roles[i] +
                                 " " + t.describe() + " is not a multiple " +
                                 "of its " + std::to_string(h) + " heads");
    };
    requireDivides(q, heads, 0), requireDivides(k, kvHeads, 1),
        requireDivides(v, kvHeads, 2);
    if (q.shape.back().size / heads != k.shape.back().size / kvHeads)
      fail(f->loc, "queries and keys must have one head width, got " +
                       std::to_string(q.shape.back().size / heads) + " and " +
                       std::to_string(k.shape.back().size / kvHeads));
    Masks masks = attentionMasks(l, forms, q, k, heads);
    return attentionCore(l, forms, q, k, v, heads, kvHeads, masks);
  }

  /// `pool`: [batch, seq, dim] -> [batch, dim] by mean, first token or max,
  /// over the positions a tokenizer's attention_mask keeps.
  Tensor poolLayer(const Layer &l) {
    Tensor x = layerInput(l);
    requireFloat(l, x);
    if (x.shape.size() != 3)
      fail(inputLoc(l), "layer '" + l.name + "' pools a [batch, seq, dim] "
                        "sequence, got " + x.describe());
    std::string mode = l.getString("mode", "mean");
    Value mask;
    if (l.has("attention_mask")) {
      if (mode == "first")
        fail(l.get("attention_mask")->keyLoc,
             "mode 'first' takes the first token whatever the mask; "
             "'attention_mask' is for modes mean and max");
      mask = attentionMaskInput(l, x).value;
    }
    Shape shape = {x.shape[0], x.shape[2]};
    Value v = builder.create<attn::PoolOp>(
        loc(l.loc), tensorType(shape, x.dtype),
        *attn::symbolizePoolKind(mode), x.value, mask);
    return Tensor{v, shape, x.dtype};
  }

  /// `bias`: x + b, a learned vector over the last dim (a constant row an
  /// imported graph adds, such as a fixed token type's embedding).
  Tensor biasLayer(const Layer &l) {
    Tensor x = layerInput(l);
    requireFloat(l, x);
    Tensor b = param(l, "bias", {width(l, x)}, x.dtype, attn::InitKind::zeros);
    return add(l.loc, x, b);
  }

  /// `l2_normalize`: F.normalize(x, p=2, dim=-1, eps=epsilon).
  Tensor l2NormalizeLayer(const Layer &l) {
    Tensor x = layerInput(l);
    requireFloat(l, x);
    width(l, x); // rank >= 1
    double eps = l.getFloat("epsilon", 1e-12);
    if (eps <= 0)
      fail(l.locOf("epsilon"), "'epsilon' must be positive");
    Value v = builder.create<attn::L2NormalizeOp>(
        loc(l.loc), x.value.getType(), x.value, builder.getF64FloatAttr(eps));
    return Tensor{v, x.shape, x.dtype};
  }

  Tensor multiHeadAttention(const Layer &l) {
    std::map<std::string, Loc> forms = attentionForms(l);
    bool graph = forms.count("graph");
    Tensor x = layerInput(l);
    requireFloat(l, x);
    size_t rank = graph ? 2 : 3;
    if (x.shape.size() != rank)
      fail(inputLoc(l),
           "layer '" + l.name + "' (multi_head_attention) needs a " +
               (graph ? "[nodes, dim] input for form graph"
                      : "[batch, seq, dim] input") +
               ", got " + x.describe());
    int64_t dim = width(l, x);
    auto [heads, kvHeads] = headsOf(l);
    if (graph && kvHeads != heads)
      fail(l.locOf("kv_heads"), "graph attention needs kv_heads equal to "
                                "heads (" + std::to_string(heads) + ")");
    if (!l.has("head_dim") && dim % heads != 0)
      fail(l.locOf("heads"), "heads (" + std::to_string(heads) +
                                 ") must divide the model width " +
                                 std::to_string(dim) +
                                 " (or give head_dim)");
    int64_t headDim = l.getInt("head_dim", dim / heads);
    auto [score, scale] = scoreOf(l);

    // Operands naming inputs, checked before any parameter is added.
    Masks masks;
    const Graph *g = nullptr;
    if (graph) {
      g = &lookupGraph(l);
      if (x.shape[0] != g->nodes)
        fail(inputLoc(l), "layer '" + l.name + "': its input " + x.describe() +
                              " has '" + str(x.shape[0]) +
                              "' nodes, but the graph has '" + str(g->nodes) +
                              "'");
    } else {
      masks = attentionMasks(l, forms, x, x, heads);
    }

    int64_t qWidth = heads * headDim, kvWidth = kvHeads * headDim;
    Tensor wq = param(l, "q_proj.weight", {qWidth, dim}, x.dtype);
    Tensor bq = param(l, "q_proj.bias", {qWidth}, x.dtype,
                      attn::InitKind::zeros);
    Tensor wk = param(l, "k_proj.weight", {kvWidth, dim}, x.dtype);
    Tensor bk = param(l, "k_proj.bias", {kvWidth}, x.dtype,
                      attn::InitKind::zeros);
    Tensor wv = param(l, "v_proj.weight", {kvWidth, dim}, x.dtype);
    Tensor bv = param(l, "v_proj.bias", {kvWidth}, x.dtype,
                      attn::InitKind::zeros);
    Tensor wo = param(l, "out_proj.weight", {dim, qWidth}, x.dtype);
    Tensor bo = param(l, "out_proj.bias", {dim}, x.dtype,
                      attn::InitKind::zeros);

    if (!graph) {
      Tensor merged = attentionCore(l, forms, linear(l.loc, x, wq, bq),
                                    linear(l.loc, x, wk, bk),
                                    linear(l.loc, x, wv, bv), heads, kvHeads,
                                    masks);
      return linear(l.loc, merged, wo, bo);
    }
    Tensor q = splitHeads(l.loc, linear(l.loc, x, wq, bq), heads);
    Tensor k = splitHeads(l.loc, linear(l.loc, x, wk, bk), kvHeads);
    Tensor v = splitHeads(l.loc, linear(l.loc, x, wv, bv), kvHeads);
    Value o = builder.create<attn::GraphAttentionOp>(
        loc(l.loc), q.value.getType(), q.value, k.value, v.value,
        g->rowOffsets, g->colIndices, Value(), Value(), score, scale,
        FloatAttr());
    Tensor merged = mergeHeads(l.loc, Tensor{o, q.shape, q.dtype}, false);
    return linear(l.loc, merged, wo, bo);
  }

  Tensor gat(const Layer &l) {
    Tensor x = layerInput(l, /*allowSparse=*/true);
    requireFloat(l, x);
    if (x.shape.size() != 2)
      fail(inputLoc(l), "layer '" + l.name +
                            "' (gat) needs a [nodes, features] input, got " +
                            x.describe());
    const Graph &g = lookupGraph(l);
    if (x.shape[0] != g.nodes)
      fail(inputLoc(l), "layer '" + l.name + "': its input " + x.describe() +
                            " has '" + str(x.shape[0]) +
                            "' nodes, but the graph has '" + str(g.nodes) +
                            "'");
    int64_t features = width(l, x);
    int64_t heads = l.getInt("heads", 1), hidden = l.getInt("hidden", 1);
    bool concat = l.getBool("concat", true);
    double slope = l.getFloat("negative_slope", 0.2);
    double drop = rate(l, "dropout");

    Tensor w = param(l, "weight", {heads * hidden, features}, x.dtype);
    Tensor attSrc = param(l, "att_src", {heads, hidden}, x.dtype);
    Tensor attDst = param(l, "att_dst", {heads, hidden}, x.dtype);
    Tensor b = param(l, "bias", {concat ? heads * hidden : hidden}, x.dtype,
                     attn::InitKind::zeros);

    Tensor projected = linear(l.loc, x, w, std::nullopt);
    Tensor wh = splitHeads(l.loc, projected, heads);
    // The GAT reference code also drops the projected features where they
    // are aggregated; the scores see them undropped.
    Tensor values = wh;
    if (double fd = rate(l, "feature_dropout"); fd > 0) {
      Value dropped = builder.create<attn::DropoutOp>(
          loc(l.locOf("feature_dropout")), projected.value.getType(),
          projected.value, builder.getF64FloatAttr(fd), /*seed=*/Value(),
          builder.getI64IntegerAttr(0));
      values = splitHeads(l.loc, Tensor{dropped, projected.shape, x.dtype},
                          heads);
    }
    auto op = builder.create<attn::GraphAttentionOp>(
        loc(l.loc), wh.value.getType(), wh.value, wh.value, values.value,
        g.rowOffsets, g.colIndices, attSrc.value, attDst.value,
        /*seed=*/Value(), attn::ScoreKind::additive, FloatAttr(),
        builder.getF64FloatAttr(slope),
        drop > 0 ? builder.getF64FloatAttr(drop) : FloatAttr(), /*salt=*/0);
    // Dropout on the attention coefficients only acts in training (a seed is
    // added by attn-build-training-step); here it is recorded and ignored.
    Tensor out = mergeHeads(l.loc, Tensor{op, wh.shape, wh.dtype}, !concat);
    out = add(l.loc, out, b);
    if (l.has("activation") || l.has("gelu"))
      out = activate(l.locOf("activation"), out,
                     activationKind(l, "activation", ""));
    return out;
  }

  Tensor layer(const Layer &l) {
    if (l.kind == "embedding")
      return embedding(l);
    if (l.kind == "positional_encoding")
      return positional(l);
    if (l.kind == "linear")
      return linearLayer(l);
    if (l.kind == "multi_head_attention")
      return multiHeadAttention(l);
    if (l.kind == "add")
      return addLayer(l);
    if (l.kind == "layer_norm")
      return layerNorm(l);
    if (l.kind == "feed_forward")
      return feedForward(l);
    if (l.kind == "activation")
      return activationLayer(l);
    if (l.kind == "dropout")
      return dropout(l);
    if (l.kind == "gat")
      return gat(l);
    if (l.kind == "log_softmax")
      return logSoftmax(l);
    if (l.kind == "mean_pool")
      return meanPool(l);
    if (l.kind == "attention")
      return attentionLayer(l);
    if (l.kind == "pool")
      return poolLayer(l);
    if (l.kind == "l2_normalize")
      return l2NormalizeLayer(l);
    if (l.kind == "bias")
      return biasLayer(l);
    fail(l.kindLoc, "internal error: no generator for layer kind '" + l.kind +
                        "'");
  }

  //===--------------------------------------------------------------------===//
  // The entry function
  //===--------------------------------------------------------------------===//

  void declareName(const std::string &name, Loc where, const std::string &what) {
    auto [it, inserted] = declared.emplace(name, where);
    if (!inserted)
      fail(where, what + " '" + name + "' is already declared at line " +
                      std::to_string(it->second.line));
  }

  void generate(ModuleOp module) {
    builder.setInsertionPointToEnd(module.getBody());
    auto func = builder.create<func::FuncOp>(
        loc(model.nameLoc), model.name, builder.getFunctionType({}, {}));
    entry = func.addEntryBlock();
    builder.setInsertionPointToStart(entry);

    for (const Input &in : model.inputs) {
      declareName(in.name, in.loc, "input");
      if (in.graph) {
        Shape rows = {in.nodes.isSymbolic() ? in.nodes : fixed(in.nodes.size + 1)};
        Graph g;
        g.rowOffsets = addArgument(in.name + ".row_offsets",
                                   tensorType(rows, in.dtype), in.loc,
                                   attn::Role::row_offsets);
        symbolicDims(rows);
        g.colIndices = addArgument(in.name + ".col_indices",
                                   tensorType({in.edges}, in.dtype), in.loc,
                                   attn::Role::col_indices);
        symbolicDims({in.edges});
        g.nodes = in.nodes;
        graphs[in.name] = g;
        continue;
      }
      if (in.sparse) {
        const Dim &rows = in.shape[0];
        Shape offsets = {rows.isSymbolic() ? rows : fixed(rows.size + 1)};
        Shape stored = {Dim{}};
        stored[0].symbol = in.name + ".nnz";
        SparseMatrix m;
        m.input = in.name;
        m.rowOffsets = addArgument(in.name + ".row_offsets",
                                   tensorType(offsets, "i64"), in.loc,
                                   attn::Role::row_offsets);
        symbolicDims(offsets);
        m.colIndices = addArgument(in.name + ".col_indices",
                                   tensorType(stored, "i64"), in.loc,
                                   attn::Role::sparse_col_indices);
        symbolicDims(stored);
        m.values = addArgument(in.name + ".values",
                               tensorType(stored, in.dtype), in.loc,
                               attn::Role::sparse_values);
        symbolicDims(stored);
        values[in.name] = Tensor{Value(), in.shape, in.dtype, m};
        continue;
      }
      Value v = addArgument(in.name, tensorType(in.shape, in.dtype), in.loc);
      symbolicDims(in.shape);
      values[in.name] = Tensor{v, in.shape, in.dtype};
    }

    for (const Layer &l : model.layers) {
      declareName(l.name, l.loc, "layer");
      usedParameterKeys.clear();
      layerParameters.clear();
      Tensor out = layer(l);
      checkParameterMap(l, layerParameters);
      if (const FieldValue *r = l.get("residual")) {
        Tensor skip = lookup(r->s, r->loc, l);
        if (skip.shape != out.shape || skip.dtype != out.dtype)
          fail(r->loc, "residual '" + r->s + "' is " + skip.describe() +
                           " but layer '" + l.name + "' produces " +
                           out.describe() + "; a residual needs equal shapes");
        out = add(r->keyLoc, out, skip);
      }
      values[l.name] = out;
      previous = out;
    }

    std::vector<std::string> outputs = model.outputs;
    std::vector<Loc> outputLocs = model.outputLocs;
    if (outputs.empty()) {
      outputs.push_back(model.layers.back().name);
      outputLocs.push_back(model.layers.back().loc);
    }
    SmallVector<Value> results;
    SmallVector<Type> resultTypes;
    std::set<std::string> seen;
    for (size_t i = 0; i < outputs.size(); ++i) {
      bool isLayer = false;
      for (const Layer &l : model.layers)
        isLayer |= l.name == outputs[i];
      if (!isLayer)
        fail(outputLocs[i], values.count(outputs[i]) || graphs.count(outputs[i])
                                ? "output '" + outputs[i] +
                                      "' is an input; outputs name layers"
                                : "unknown layer '" + outputs[i] +
                                      "' in 'outputs'");
      if (!seen.insert(outputs[i]).second)
        fail(outputLocs[i], "output '" + outputs[i] + "' is listed twice");
      if (argNames.count(outputs[i]))
        fail(outputLocs[i], "output '" + outputs[i] +
                                "' has the name of an entry argument");
      const Tensor &result = values.at(outputs[i]);
      if (result.sparse)
        fail(outputLocs[i], "output '" + outputs[i] + "' is the sparse input '" +
                                result.sparse->input + "' after a dropout; "
                                "outputs must be dense");
      results.push_back(result.value);
      resultTypes.push_back(results.back().getType());
    }
    builder.create<func::ReturnOp>(loc(model.nameLoc), results);

    func.setFunctionType(builder.getFunctionType(argTypes, resultTypes));
    for (size_t i = 0; i < argNameAttrs.size(); ++i) {
      func.setArgAttr(i, "attn.name", builder.getStringAttr(argNameAttrs[i]));
      func.setArgAttr(i, attn::AttnDialect::kRoleAttr,
                      attn::RoleAttr::get(ctx, argRoles[i]));
      if (argInits[i])
        func.setArgAttr(i, attn::AttnDialect::kInitAttr,
                        attn::InitKindAttr::get(ctx, *argInits[i]));
      bool named = llvm::any_of(argDims[i], [](const std::string &n) {
        return !n.empty();
      });
      if (named) {
        SmallVector<StringRef> names(argDims[i].begin(), argDims[i].end());
        func.setArgAttr(i, attn::AttnDialect::kDimsAttr,
                        builder.getStrArrayAttr(names));
      }
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      func.setResultAttr(i, "attn.name", builder.getStringAttr(outputs[i]));
      func.setResultAttr(i, attn::AttnDialect::kRoleAttr,
                         attn::RoleAttr::get(ctx, attn::Role::output));
    }
  }

  const Model &model;
  std::string filename;
  MLIRContext *ctx;
  OpBuilder builder;
  Block *entry = nullptr;
  SmallVector<Type> argTypes;
  std::vector<std::string> argNameAttrs;
  std::vector<attn::Role> argRoles;
  std::vector<std::optional<attn::InitKind>> argInits;
  std::vector<std::vector<std::string>> argDims; // symbolic size per dim
  std::set<std::string> argNames;
  std::map<std::string, Loc> declared;
  std::map<std::string, Tensor> values;
  std::map<std::string, Graph> graphs;
  std::optional<Tensor> previous;
  std::map<std::string, Tensor> keyPaddingMasks; // by attention_mask input
  std::set<std::string> usedParameterKeys; // of the current layer's map
  std::vector<std::string> layerParameters; // the current layer's suffixes
};

} // namespace

OwningOpRef<ModuleOp> buildModel(const Model &model, StringRef filename,
                                 MLIRContext *context) {
  return ModelGen(model, filename, context).build();
}

} // namespace attnc::model
