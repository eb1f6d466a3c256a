//===- OnnxImporter.cpp - ONNX transformer encoders to attn IR -------------===//
//
// Walks the live nodes in graph order and gives every value a meaning:
//
//  - static values (initializers, shapes, position ids) and values computed
//    from a mask input alone (padding masks) are never matched node by
//    node: the evaluator (OnnxEval.h) computes them on probe sizes and probe
//    masks, and the importer checks what they are (a reshape to
//    [B, S, H, D], arange(S), a key-padding mask of `attention_mask`);
//  - values that depend on the model's data are tracked as `Dyn` values of
//    a kind (a layer's output, a projection waiting for its bias, heads,
//    attention scores, probabilities, ...); each node taking one is matched
//    by its op and its operands' kinds, and layers of a model description
//    (frontends/model) are appended as the values they produce are needed;
//  - chains of elementwise nodes over one value (GELU's Erf and Tanh
//    decompositions, Gelu, Relu) are evaluated on sample points and named
//    by what they compute.
//
// Whatever matches nothing is a located error naming the node, its op type
// and its inputs. The description then goes through ModelGen like a YAML
// file's, and the weights are collected under the parameters' names.
//
//===----------------------------------------------------------------------===//
#include "frontends/onnx/OnnxImporter.h"

#include "frontends/model/ModelDescription.h"
#include "frontends/model/ModelGen.h"
#include "frontends/onnx/OnnxEval.h"
#include "frontends/onnx/OnnxGraph.h"
#include "support/Printable.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>

namespace attnc::onnx {

namespace {

using model::Dim;
using model::FieldValue;
using model::Layer;
using model::Loc;
using model::Model;
using Shape = std::vector<Dim>;

struct ImportError {
  int node; // -1: the file as a whole
  std::string message;
};

[[noreturn]] void fail(int node, const std::string &message) {
  throw ImportError{node, message};
}

Dim fixedDim(int64_t size) {
  Dim d;
  d.size = size;
  return d;
}

Dim symDim(const std::string &s) {
  Dim d;
  d.symbol = s;
  return d;
}

std::string str(const Shape &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + (shape[i].isSymbolic()
                                  ? shape[i].symbol
                                  : std::to_string(shape[i].size));
  return out + "]";
}

std::string joinInts(const std::vector<int64_t> &v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + std::to_string(v[i]);
  return out + "]";
}

/// A name the model description accepts (letters, digits, '_', '.').
std::string sanitize(const std::string &text, bool allowDots) {
  std::string out;
  for (char c : text) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
              (allowDots && c == '.');
    char r = ok ? c : (allowDots && c == '/' ? '.' : '_');
    if (r == '.' && (out.empty() || out.back() == '.'))
      continue;
    out += r;
  }
  while (!out.empty() && out.back() == '.')
    out.pop_back();
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])))
    out = "v_" + out;
  return out;
}

/// What a data-dependent value is.
enum class Kind {
  Ids,           // an integer model input: token ids
  Hidden,        // the output of a description layer (or a float input)
  PendingLinear, // x W (+ b) before its bias is known
  Elementwise,   // an elementwise function of `src`, not yet named
  Split,         // a projection reshaped to [B, S, H, D]
  Heads,         // ... transposed to [B, H, S, D]
  KeysT,         // ... transposed to [B, H, D, S]
  FlatHeads,     // [B, H, S, D] heads reshaped to [B*H, S, D]
  FlatKeysT,     // ... transposed to [B*H, D, S]
  NanCheck,      // IsNaN of attention probabilities
  Scores,        // q k^T (scaled, masked)
  Probs,         // softmax of scores
  Context,       // probs v: [B, H, S, D]
  ContextT,      // ... transposed to [B, S, H, D]
  Masked,        // x * attention_mask[..., None]
  MaskedSum,     // sum over the sequence of a Masked value
  Norm,          // the L2 norm of `src` over its last dim
  // Layer norm spelled out (exporters before opset 17): mean, x - mean,
  // its square, variance, + epsilon, sqrt, (x - mean) / std, * gamma.
  LnMean, LnCentered, LnSquare, LnVar, LnVarEps, LnStd, LnNormed, LnScaled,
};

const char *kindName(Kind k) {
  switch (k) {
  case Kind::Ids: return "token ids";
  case Kind::Hidden: return "a layer output";
  case Kind::PendingLinear: return "a projection";
  case Kind::Elementwise: return "an elementwise chain";
  case Kind::Split: return "heads [B, S, H, D]";
  case Kind::Heads: return "heads [B, H, S, D]";
  case Kind::KeysT: return "transposed keys [B, H, D, S]";
  case Kind::FlatHeads: return "heads [B*H, S, D]";
  case Kind::FlatKeysT: return "transposed keys [B*H, D, S]";
  case Kind::NanCheck: return "a NaN test of attention probabilities";
  case Kind::Scores: return "attention scores";
  case Kind::Probs: return "attention probabilities";
  case Kind::Context: return "attention output [B, H, S, D]";
  case Kind::ContextT: return "attention output [B, S, H, D]";
  case Kind::Masked: return "masked hidden states";
  case Kind::MaskedSum: return "a masked sum";
  case Kind::Norm: return "an L2 norm";
  case Kind::LnMean: case Kind::LnCentered: case Kind::LnSquare:
  case Kind::LnVar: case Kind::LnVarEps: case Kind::LnStd:
  case Kind::LnNormed: case Kind::LnScaled:
    return "part of a layer norm";
  }
  return "?";
}

struct Dyn {
  Kind kind = Kind::Hidden;
  Shape shape;
  std::string dtype = "f32";
  std::string layer; // Hidden: the layer or input holding the value
  std::string src;   // the value this one builds on
  // PendingLinear: W as [out, in], and the bias when known.
  Tensor weight, bias;
  bool hasBias = false;
  std::string weightName, biasName; // the ONNX values they came from
  // Attention.
  int64_t heads = 0;
  double scale = 1;
  std::string q, k, v; // layers holding the projections
  int64_t kvHeads = 0;
  std::string mask; // the mask input of a key-padding mask
  bool masked = false;
  // Norm, LnVarEps..LnScaled: epsilon; LnScaled: gamma and its value.
  double eps = 0;
  Tensor gamma;
  std::string gammaName;
  int node = -1; // the node that made it
};

Tensor transposeOf(const Tensor &w);

/// The probes every static value is evaluated under.
constexpr int kProbes = 2;

class Importer {
public:
  Importer(const Graph &graph, std::string path)
      : graph(graph), path(std::move(path)),
        eval(graph, [this](const std::string &name, const Probe &p) {
          return dynamicShape(name, p);
        }) {}

  void run(Model &model, std::vector<Weight> &weights);

private:
  //===--- Probes --------------------------------------------------------===//

  void setUpProbes() {
    // Symbolic dims in order of appearance get distinct sizes per probe
    // (the first two: batch 3 / 2, sequence 7 / 5).
    const int64_t sizes[kProbes][6] = {{3, 7, 11, 13, 17, 19},
                                       {2, 5, 23, 29, 31, 37}};
    int next = 0;
    for (const ValueInfo &in : graph.inputs)
      for (const GraphDim &d : in.dims)
        if (d.value < 0 && !symbolOf.count(d.param.empty() ? in.name : d.param)) {
          if (d.param.empty())
            continue; // unnamed dims get symbols per input below
          symbolOf[d.param] = sanitize(d.param, false);
          for (int p = 0; p < kProbes; ++p)
            probes[p].dims[symbolOf[d.param]] = sizes[p][std::min(next, 5)];
          ++next;
        }
    for (const ValueInfo &in : graph.inputs)
      for (size_t k = 0; k < in.dims.size(); ++k)
        if (in.dims[k].value < 0 && in.dims[k].param.empty()) {
          std::string s = sanitize(in.name, false) + "_dim" + std::to_string(k);
          for (int p = 0; p < kProbes; ++p)
            probes[p].dims[s] = sizes[p][std::min(next, 5)];
          ++next;
        }
  }

  Shape inputShape(const ValueInfo &in) {
    if (!in.hasShape)
      fail(-1, "graph input '" + in.name + "' has no shape; export with "
                                           "shapes (dynamic axes are fine)");
    Shape s;
    for (size_t k = 0; k < in.dims.size(); ++k) {
      const GraphDim &d = in.dims[k];
      if (d.value >= 0)
        s.push_back(fixedDim(d.value));
      else if (!d.param.empty())
        s.push_back(symDim(symbolOf.at(d.param)));
      else
        s.push_back(symDim(sanitize(in.name, false) + "_dim" + std::to_string(k)));
    }
    return s;
  }

  std::vector<int64_t> concrete(const Shape &s, const Probe &p) const {
    std::vector<int64_t> out;
    for (const Dim &d : s)
      out.push_back(d.isSymbolic() ? p.dims.at(d.symbol) : d.size);
    return out;
  }

  std::optional<std::vector<int64_t>> dynamicShape(const std::string &name,
                                                   const Probe &p) const {
    auto it = dyn.find(name);
    if (it == dyn.end() || it->second.kind == Kind::FlatHeads ||
        it->second.kind == Kind::FlatKeysT)
      return std::nullopt; // not evaluable either: Shape of them fails
    return concrete(it->second.shape, p);
  }

  /// The probe content of mask input `in` ([B, S]): row b keeps its first
  /// S-2 positions (right padding), its last S-2 (left padding) or its
  /// even positions, by b mod 3; no row is fully masked.
  Tensor probeMask(const ValueInfo &in, const Probe &p) {
    Tensor t;
    t.type = in.type;
    t.shape = concrete(inputShape(in), p);
    if (t.shape.size() != 2)
      fail(-1, "mask input '" + in.name + "' must be [batch, seq], got " +
                   str(inputShape(in)));
    int64_t B = t.shape[0], S = t.shape[1];
    for (int64_t b = 0; b < B; ++b)
      for (int64_t s = 0; s < S; ++s)
        t.v.push_back(b % 3 == 0   ? s < S - 2
                      : b % 3 == 1 ? s >= 2
                                   : s % 2 == 0);
    return t;
  }

  /// Evaluates `name` under probe `p` (with mask inputs filled in).
  const Tensor &evalAt(const std::string &name, int p, int node) {
    try {
      return eval.eval(name, probes[p]);
    } catch (const EvalError &e) {
      fail(node, "cannot evaluate '" + name + "': " +
                     (e.node >= 0 ? "node '" + graph.nodes[e.node].name +
                                        "' (" + graph.nodes[e.node].op + "): "
                                  : std::string()) +
                     e.message);
    }
  }

  /// A value that depends on neither data nor masks, as a tensor.
  Tensor staticValue(const std::string &name, int node) {
    if (!maskInputsOf(name).empty())
      fail(node, "'" + name + "' depends on the mask input '" +
                     *maskInputsOf(name).begin() + "' where a constant is "
                     "expected");
    return evalAt(name, 0, node);
  }

  /// The mask inputs `name` is computed from (run() fills the table in
  /// graph order, which ONNX requires to be topological).
  const std::set<std::string> &maskInputsOf(const std::string &name) {
    static const std::set<std::string> none;
    auto it = maskDeps.find(name);
    return it == maskDeps.end() ? none : it->second;
  }

  //===--- Layers and weights ---------------------------------------------===//

  Loc locOf(int node) { return Loc{node + 1, 1}; }

  bool isGraphOutput(const std::string &value) {
    for (const ValueInfo &o : graph.outputs)
      if (o.name == value)
        return true;
    return false;
  }

  /// A fresh layer name: the graph output's name for a layer producing
  /// one, else the node's scope (`/bert/encoder/layer.0/attention/self/
  /// MatMul` -> `bert.encoder.layer.0.attention.self`), else `preferred`.
  std::string layerName(const std::string &value, int node,
                        const std::string &preferred = "") {
    std::string base;
    if (isGraphOutput(value))
      base = sanitize(value, true);
    else if (!preferred.empty())
      base = preferred;
    else if (node >= 0) {
      std::string n = graph.nodes[node].name;
      if (size_t slash = n.rfind('/'); slash != std::string::npos && slash > 0)
        n = n.substr(0, slash);
      base = sanitize(n.empty() ? graph.nodes[node].op : n, true);
    } else {
      base = sanitize(value, true);
    }
    std::string name = base;
    for (int i = 1; usedNames.count(name); ++i)
      name = base + "_" + std::to_string(i);
    usedNames.insert(name);
    return name;
  }

  FieldValue field(Loc at) {
    FieldValue f;
    f.keyLoc = f.loc = at;
    return f;
  }
  void setInt(Layer &l, const std::string &k, int64_t v) {
    FieldValue f = field(l.loc);
    f.i = v;
    l.fields[k] = f;
  }
  void setFloat(Layer &l, const std::string &k, double v) {
    FieldValue f = field(l.loc);
    f.f = v;
    l.fields[k] = f;
  }
  void setBool(Layer &l, const std::string &k, bool v) {
    FieldValue f = field(l.loc);
    f.b = v;
    l.fields[k] = f;
  }
  void setString(Layer &l, const std::string &k, const std::string &v) {
    FieldValue f = field(l.loc);
    f.s = v;
    l.fields[k] = f;
  }
  void setList(Layer &l, const std::string &k,
               const std::vector<std::string> &v) {
    FieldValue f = field(l.loc);
    f.list = v;
    f.listLocs.assign(v.size(), l.loc);
    l.fields[k] = f;
  }

  Layer &addLayer(const std::string &name, const std::string &kind, int node) {
    Layer l;
    l.name = name;
    l.kind = kind;
    l.loc = l.kindLoc = locOf(node);
    model.layers.push_back(l);
    return model.layers.back();
  }

  /// Whether `value` names a parameter well: a model's own name (not an
  /// exporter's `onnx::MatMul_12` or `val_3`) read by one node only.
  bool meaningful(const std::string &value) {
    if (value.empty() || value.find("::") != std::string::npos ||
        value.rfind("val_", 0) == 0 || value[0] == '_' || value[0] == '/')
      return false;
    return uses[value] == 1;
  }

  /// The stem the parameters of a layer are named after: a meaningful
  /// `<stem>.weight` or `<stem>.bias` among the values they came from.
  std::string stemOf(const std::vector<std::string> &sources) {
    for (const std::string &s : sources)
      for (const char *suffix : {".weight", ".bias"}) {
        size_t n = std::strlen(suffix);
        if (meaningful(s) && s.size() > n &&
            s.compare(s.size() - n, n, suffix) == 0) {
          std::string stem = sanitize(s.substr(0, s.size() - n), true);
          if (!usedParams.count(stem + ".weight") &&
              !usedParams.count(stem + ".bias"))
            return stem;
        }
      }
    return "";
  }

  /// Records parameter `suffix` of `layer` with data `t` (shape `shape`),
  /// named `<stem>.<suffix>` or `<layer>.<suffix>`.
  void addParam(Layer &layer, const std::string &stem,
                const std::string &suffix, const Tensor &t,
                std::vector<int64_t> shape) {
    std::string name = (stem.empty() ? layer.name : stem) + "." + suffix;
    if (usedParams.count(name) || usedNames.count(name))
      name = layer.name + "." + suffix;
    for (int i = 1; usedParams.count(name); ++i)
      name = layer.name + "_" + std::to_string(i) + "." + suffix;
    usedParams.insert(name);
    FieldValue &map = layer.fields["parameters"];
    map.keyLoc = map.loc = layer.loc;
    map.map.emplace_back(suffix, name);
    map.listLocs.push_back(layer.loc);
    Weight w;
    w.name = name;
    w.shape = std::move(shape);
    w.data.reserve(t.v.size());
    for (double v : t.v)
      w.data.push_back(static_cast<float>(v));
    weights->push_back(std::move(w));
  }

  //===--- Dyn values -----------------------------------------------------===//

  Dyn *dynOf(const std::string &name) {
    auto it = dyn.find(name);
    return it == dyn.end() ? nullptr : &it->second;
  }

  Dyn hidden(const std::string &layer, Shape shape, int node,
             const std::string &dtype = "f32") {
    Dyn d;
    d.kind = Kind::Hidden;
    d.layer = layer;
    d.shape = std::move(shape);
    d.dtype = dtype;
    d.node = node;
    return d;
  }

  /// The layer holding value `name`, appending the layers a pending
  /// projection or an elementwise chain still needs.
  std::string materialize(const std::string &name, int user) {
    Dyn *d = dynOf(name);
    if (!d)
      fail(user, "'" + name + "' is a constant where a tensor of the model "
                              "is expected");
    switch (d->kind) {
    case Kind::Hidden:
      return d->layer;
    case Kind::PendingLinear: {
      Dyn pending = *d;
      std::string x = materialize(pending.src, user);
      int64_t out = pending.weight.shape[0], in = pending.weight.shape[1];
      Layer &l = addLayer(
          layerName(name, pending.node,
                    stemOf({pending.biasName, pending.weightName})),
          "linear", pending.node);
      std::string stem = stemOf({pending.biasName, pending.weightName});
      setString(l, "input", x);
      setInt(l, "out", out);
      setBool(l, "bias", pending.hasBias);
      addParam(l, stem, "weight", pending.weight, {out, in});
      if (pending.hasBias)
        addParam(l, stem, "bias", pending.bias, {out});
      Shape shape = pending.shape;
      dyn[name] = hidden(l.name, shape, pending.node);
      return dyn[name].layer;
    }
    case Kind::Elementwise: {
      Dyn chain = *d;
      std::string x = materialize(chain.src, user);
      std::string function = activationOf(chain.src, name, chain.node);
      if (function == "identity") {
        dyn[name] = hidden(x, chain.shape, chain.node);
        return x;
      }
      Layer &l = addLayer(layerName(name, chain.node), "activation", chain.node);
      setString(l, "input", x);
      if (function == "gelu_erf" || function == "gelu_tanh") {
        setString(l, "function", "gelu");
        setString(l, "gelu", function == "gelu_erf" ? "erf" : "tanh");
      } else {
        setString(l, "function", function);
      }
      dyn[name] = hidden(l.name, chain.shape, chain.node);
      return l.name;
    }
    case Kind::LnNormed:
    case Kind::LnScaled: {
      Dyn ln = *d;
      std::string layer = layerNormLayer(ln, nullptr, "", name, ln.node);
      dyn[name] = hidden(layer, dynOf(ln.src)->shape, ln.node);
      return layer;
    }
    default:
      fail(user, "'" + name + "' (" + kindName(d->kind) +
                     ") is used where a layer's output is expected");
    }
  }

  /// Names the elementwise function from `src` to `out` by evaluating it.
  std::string activationOf(const std::string &src, const std::string &out,
                           int node) {
    Probe p;
    Tensor x;
    x.shape = {241};
    for (int i = 0; i <= 240; ++i)
      x.v.push_back(-6.0 + 0.05 * i);
    p.values[src] = x;
    Tensor y;
    try {
      y = eval.eval(out, p);
    } catch (const EvalError &e) {
      fail(e.node >= 0 ? e.node : node,
           "the elementwise nodes ending in '" + out +
               "' are not a function of '" + src + "' alone: " + e.message);
    }
    if (y.v.size() != x.v.size())
      fail(node, "the elementwise nodes ending in '" + out +
                     "' broadcast '" + src + "' to another shape (per-"
                     "channel constants are not an activation)");
    const std::pair<const char *, std::function<double(double)>> known[] = {
        {"identity", [](double v) { return v; }},
        {"gelu_erf",
         [](double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); }},
        {"gelu_tanh",
         [](double v) {
           return 0.5 * v *
                  (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
         }},
        {"relu", [](double v) { return std::max(v, 0.0); }},
        {"elu", [](double v) { return v > 0 ? v : std::exp(v) - 1; }},
    };
    for (const auto &[name, f] : known) {
      bool ok = true;
      for (size_t i = 0; ok && i < x.v.size(); ++i)
        ok = std::fabs(y.v[i] - f(x.v[i])) <=
             2e-6 * std::max(1.0, std::fabs(x.v[i]));
      if (ok)
        return name;
    }
    fail(node, "the elementwise nodes ending in '" + out +
                   "' compute no known activation of '" + src +
                   "' (recognised: GELU exact and tanh, ReLU, ELU)");
  }

  //===--- Checks by evaluation -------------------------------------------===//

  /// The concrete target of a Reshape under probe p, 0 and -1 resolved.
  std::vector<int64_t> reshapeTarget(const Node &n, const Dyn &x, int p) {
    std::vector<int64_t> in = concrete(x.shape, probes[p]);
    Tensor t = evalAt(n.inputs[1], p, n.index);
    std::vector<int64_t> out;
    int64_t known = 1, infer = -1, total = 1;
    // Each extent must be one Halide can hold (below 2^31), and the
    // products of extents are checked for overflow.
    constexpr int64_t kMaxExtent = int64_t(1) << 31;
    auto tooLarge = [&](const std::string &what) {
      fail(n.index, "the Reshape's " + what +
                        " is 2^31 or more; Halide's extents are below 2^31");
    };
    for (int64_t d : in) {
      if (d < 0 || d >= kMaxExtent)
        tooLarge("input extent");
      if (__builtin_mul_overflow(total, d, &total))
        tooLarge("input element count");
    }
    for (size_t i = 0; i < t.v.size(); ++i) {
      double value = t.v[i];
      if (!(value >= -1 && value < double(kMaxExtent))) {
        char shown[32];
        std::snprintf(shown, sizeof shown, "%.0f", value);
        fail(n.index, "the Reshape's target extent " + std::to_string(i) +
                          " is " + shown +
                          ", not -1, 0 or an extent below 2^31");
      }
      int64_t d = static_cast<int64_t>(value);
      if (d == 0 && !n.getInt("allowzero", 0) && i < in.size())
        d = in[i];
      if (d == -1)
        infer = static_cast<int64_t>(i);
      else if (__builtin_mul_overflow(known, d, &known))
        tooLarge("target element count");
      out.push_back(d);
    }
    if (infer >= 0 && known > 0)
      out[infer] = total / known;
    return out;
  }

  /// Symbolic dims for per-probe concrete dims: equal in every probe ->
  /// fixed, else the symbol with those sizes.
  Shape symbolize(const std::vector<std::vector<int64_t>> &perProbe, int node,
                  const std::string &what) {
    Shape s;
    for (size_t i = 0; i < perProbe[0].size(); ++i) {
      bool same = true;
      for (int p = 1; p < kProbes; ++p)
        same = same && perProbe[p].size() == perProbe[0].size() &&
               perProbe[p][i] == perProbe[0][i];
      if (same) {
        s.push_back(fixedDim(perProbe[0][i]));
        continue;
      }
      std::string found;
      for (const auto &[sym, size] : probes[0].dims) {
        bool match = size == perProbe[0][i];
        for (int p = 1; p < kProbes; ++p)
          match = match && probes[p].dims.at(sym) == perProbe[p][i];
        if (match)
          found = sym;
      }
      if (found.empty())
        fail(node, what + ": dim " + std::to_string(i) +
                       " is not a fixed size or one of the model's sizes");
      s.push_back(symDim(found));
    }
    return s;
  }

  /// Whether additive mask `m` (or boolean, when `boolean`) is the
  /// key-padding form of mask input `mask` for scores of `scores`' shape:
  /// 0 (true) at kept keys, <= -1e4 (false) at padded ones. Returns "" or
  /// the first difference.
  std::string checkKeyPadding(const std::string &m, const std::string &mask,
                              const Shape &scores, int node, bool boolean) {
    const ValueInfo *in = maskInput(mask);
    for (int p = 0; p < kProbes; ++p) {
      const Tensor &t = evalAt(m, p, node);
      Tensor keep = probeMask(*in, probes[p]);
      std::vector<int64_t> logits = concrete(scores, probes[p]);
      if (t.shape.size() > 4)
        return "it has rank " + std::to_string(t.shape.size());
      size_t off = 4 - t.shape.size();
      for (size_t i = 0; i < t.shape.size(); ++i)
        if (t.shape[i] != 1 && t.shape[i] != logits[off + i])
          return "its shape " + joinInts(t.shape) +
                 " does not broadcast to the scores " + joinInts(logits);
      int64_t S = keep.shape[1];
      if (logits[3] != S)
        return "the keys are not the mask's positions";
      for (int64_t b = 0; b < logits[0]; ++b)
        for (int64_t h = 0; h < logits[1]; ++h)
          for (int64_t i = 0; i < logits[2]; ++i)
            for (int64_t j = 0; j < logits[3]; ++j) {
              int64_t idx[4] = {b, h, i, j}, flat = 0;
              for (size_t d = 0; d < t.shape.size(); ++d)
                flat = flat * t.shape[d] +
                       (t.shape[d] == 1 ? 0 : idx[off + d]);
              double v = t.v[flat];
              bool kept = keep.v[b * S + j] != 0;
              bool ok = boolean ? (v != 0) == kept
                                : kept ? std::fabs(v) <= 1e-6 : v <= -1e4;
              if (!ok)
                return "at batch " + std::to_string(b) + ", query " +
                       std::to_string(i) + ", key " + std::to_string(j) +
                       " it is " + std::to_string(v) + " where '" + mask +
                       "' " + (kept ? "keeps" : "masks") + " the key";
            }
    }
    return "";
  }

  const ValueInfo *maskInput(const std::string &name) {
    for (const ValueInfo &in : graph.inputs)
      if (in.name == name)
        return &in;
    return nullptr;
  }

  /// The one mask input value `m` is computed from.
  std::string soleMask(const std::string &m, int node, const char *what) {
    const std::set<std::string> &deps = maskInputsOf(m);
    if (deps.size() != 1)
      fail(node, std::string(what) + " '" + m + "' is computed from " +
                     (deps.empty() ? std::string("no mask input")
                                   : std::to_string(deps.size()) +
                                         " mask inputs") +
                     "; expected one attention_mask input");
    return *deps.begin();
  }

  /// Whether `m` evaluates to mask[b, s] broadcast over `shape`
  /// ([B, S, E]): the mask multiplied into hidden states for pooling.
  bool isSequenceMask(const std::string &m, const std::string &mask,
                      const Shape &shape, int node) {
    for (int p = 0; p < kProbes; ++p) {
      const Tensor &t = evalAt(m, p, node);
      Tensor keep = probeMask(*maskInput(mask), probes[p]);
      std::vector<int64_t> x = concrete(shape, probes[p]);
      if (t.shape.size() != 3 || t.shape[0] != x[0] || t.shape[1] != x[1] ||
          (t.shape[2] != 1 && t.shape[2] != x[2]))
        return false;
      for (int64_t b = 0; b < x[0]; ++b)
        for (int64_t s = 0; s < x[1]; ++s)
          for (int64_t e = 0; e < t.shape[2]; ++e)
            if (t.v[(b * x[1] + s) * t.shape[2] + e] != keep.v[b * x[1] + s])
              return false;
    }
    return true;
  }

  /// Whether `m` evaluates to the per-sequence count of kept positions
  /// (clamped below by a tiny epsilon), broadcasting to [B, E].
  bool isMaskCount(const std::string &m, const std::string &mask, int node) {
    for (int p = 0; p < kProbes; ++p) {
      const Tensor &t = evalAt(m, p, node);
      Tensor keep = probeMask(*maskInput(mask), probes[p]);
      int64_t B = keep.shape[0], S = keep.shape[1];
      if (t.shape.size() != 2 || t.shape[0] != B)
        return false;
      for (int64_t b = 0; b < B; ++b) {
        double count = 0;
        for (int64_t s = 0; s < S; ++s)
          count += keep.v[b * S + s];
        for (int64_t e = 0; e < t.shape[1]; ++e)
          if (std::fabs(t.v[b * t.shape[1] + e] - count) > 1e-6 * count)
            return false;
      }
    }
    return true;
  }

  /// Whether constant `c` is rows 0..S-1 of a [max_seq, E] table for
  /// hidden states of `shape` [B, S, E]: a Gather whose indices evaluate
  /// to arange(S), shaped [S] or [1, S]. Sets `table`.
  bool isPositions(const std::string &c, const Shape &shape,
                   std::string &table, int node) {
    const Node *g = eval.producer(c);
    while (g && (g->op == "Identity" || g->op == "Cast"))
      g = eval.producer(g->inputs[0]);
    if (!g || g->op != "Gather" || g->getInt("axis", 0) != 0 ||
        !maskInputsOf(g->inputs[1]).empty())
      return false;
    Tensor t = staticValue(g->inputs[0], node);
    if (t.shape.size() != 2 || !(shape[2] == fixedDim(t.shape[1])))
      return false;
    for (int p = 0; p < kProbes; ++p) {
      const Tensor &ind = evalAt(g->inputs[1], p, node);
      int64_t S = concrete(shape, probes[p])[1];
      bool shapeOk = (ind.shape == std::vector<int64_t>{S}) ||
                     (ind.shape == std::vector<int64_t>{1, S});
      if (!shapeOk)
        return false;
      for (int64_t s = 0; s < S; ++s)
        if (ind.v[s] != static_cast<double>(s))
          return false;
    }
    table = g->inputs[0];
    return true;
  }

  /// Whether constant `c` holds one row of `width` values repeated at
  /// every position, under every probe (a [E] vector, a [1, 1, E] one, or a
  /// [B, S, E] gather of one table row). Sets `row`.
  bool constantRow(const std::string &c, int64_t width, Tensor &row,
                   int node) {
    for (int p = 0; p < kProbes; ++p) {
      const Tensor &t = evalAt(c, p, node);
      // An empty tensor (a zero dim) holds no row to read.
      const auto size = static_cast<int64_t>(t.v.size());
      if (t.shape.empty() || t.shape.back() != width || size < width ||
          size != t.count() || !isFloatType(t.type))
        return false;
      for (int64_t k = width; k < t.count(); ++k)
        if (t.v[k] != t.v[k % width])
          return false;
      if (p == 0) {
        row.shape = {width};
        row.v.assign(t.v.begin(), t.v.begin() + width);
      } else if (!std::equal(row.v.begin(), row.v.end(), t.v.begin())) {
        return false;
      }
    }
    return true;
  }

  /// A static scalar's value, or nullopt.
  std::optional<double> scalar(const std::string &name, int node) {
    if (dynOf(name) || !maskInputsOf(name).empty())
      return std::nullopt;
    Tensor t = staticValue(name, node);
    if (t.count() != 1)
      return std::nullopt;
    return t.v[0];
  }

  //===--- Nodes ------------------------------------------------------------===//

  [[noreturn]] void unsupported(const Node &n, const std::string &why) {
    fail(n.index, why);
  }

  std::string kindsOf(const Node &n) {
    std::string out;
    for (const std::string &i : n.inputs) {
      if (i.empty())
        continue;
      const Dyn *d = dynOf(i);
      out += (out.empty() ? "" : ", ") +
             (d ? std::string(kindName(d->kind))
                : maskInputsOf(i).empty() ? std::string("a constant")
                                          : std::string("a mask"));
    }
    return out;
  }

  void node(const Node &n);
  void gather(const Node &n);
  void add(const Node &n);
  void matmul(const Node &n);
  void mulDiv(const Node &n);
  void reshape(const Node &n);
  void transposeNode(const Node &n);
  void reduce(const Node &n);
  void attentionOp(const Node &n);
  bool elementwise(const Node &n);
  bool layerNormStep(const Node &n);
  std::string layerNormLayer(const Dyn &d, const Tensor *beta,
                             const std::string &betaName,
                             const std::string &value, int node);
  std::string attentionLayer(const Dyn &ctx, const std::string &value,
                             int node);

  const Graph &graph;
  std::string path;
  Evaluator eval;
  Probe probes[kProbes];
  std::map<std::string, std::string> symbolOf; // dim_param -> symbol
  std::set<std::string> maskInputs;
  std::map<std::string, std::set<std::string>> maskDeps;
  std::map<std::string, Dyn> dyn;
  std::map<std::string, int> uses;
  std::set<std::string> usedNames, usedParams;
  Model model;
  std::vector<Weight> *weights = nullptr;
};

void Importer::gather(const Node &n) {
  const std::string &data = n.inputs[0], &ind = n.inputs[1];
  Dyn *ids = dynOf(ind);
  Dyn *x = dynOf(data);
  if (!x && ids && ids->kind == Kind::Ids) {
    Tensor table = staticValue(data, n.index);
    if (table.shape.size() != 2 || !isFloatType(table.type) ||
        n.getInt("axis", 0) != 0)
      unsupported(n, "an embedding needs a [vocab, dim] float table gathered "
                     "on axis 0");
    Layer &l = addLayer(layerName(n.outputs[0], n.index, stemOf({data})),
                        "embedding", n.index);
    setString(l, "input", ids->layer);
    setInt(l, "vocab", table.shape[0]);
    setInt(l, "dim", table.shape[1]);
    addParam(l, stemOf({data}), "weight", table, table.shape);
    Shape s = ids->shape;
    s.push_back(fixedDim(table.shape[1]));
    dyn[n.outputs[0]] = hidden(l.name, s, n.index);
    return;
  }
  if (!x && !ids) {
    unsupported(n, "internal error: a constant Gather reached the matcher");
  }
  if (x && x->kind == Kind::Hidden && !dynOf(ind) && x->shape.size() == 3 &&
      n.getInt("axis", 0) == 1) {
    std::optional<double> at = scalar(ind, n.index);
    if (at && *at == 0) {
      Layer &l = addLayer(layerName(n.outputs[0], n.index), "pool", n.index);
      setString(l, "input", x->layer);
      setString(l, "mode", "first");
      dyn[n.outputs[0]] = hidden(l.name, {x->shape[0], x->shape[2]}, n.index);
      return;
    }
  }
  unsupported(n, "a Gather of " + kindsOf(n) +
                     " is neither an embedding, position embeddings nor the "
                     "first token");
}

void Importer::add(const Node &n) {
  const std::string &a = n.inputs[0], &b = n.inputs[1];
  Dyn *da = dynOf(a), *db = dynOf(b);
  // Bias of a projection (legacy exporters put it first).
  for (auto [p, c] : {std::pair{da, b}, std::pair{db, a}}) {
    if (p && p->kind == Kind::PendingLinear && !p->hasBias && !dynOf(c) &&
        maskInputsOf(c).empty()) {
      Tensor bias = staticValue(c, n.index);
      if (bias.shape.size() == 1 && bias.shape[0] == p->weight.shape[0]) {
        Dyn d = *p;
        d.bias = bias, d.hasBias = true, d.biasName = c, d.node = n.index;
        dyn[n.outputs[0]] = d;
        return;
      }
    }
  }
  // Position embeddings: a constant table gathered at indices that
  // evaluate to arange(S) ([S] or [1, S]).
  for (auto [p, c] : {std::pair{da, b}, std::pair{db, a}}) {
    std::string table;
    if (p && p->shape.size() == 3 && !dynOf(c) && maskInputsOf(c).empty() &&
        isPositions(c, p->shape, table, n.index)) {
      std::string x = materialize(p == da ? a : b, n.index);
      const Dyn &xd = *dynOf(p == da ? a : b);
      Tensor t = staticValue(table, n.index);
      int node = eval.producer(c) ? eval.producer(c)->index : n.index;
      Layer &l = addLayer(layerName(n.outputs[0], node, stemOf({table})),
                          "positional_encoding", node);
      setString(l, "input", x);
      setString(l, "encoding", "learned");
      setInt(l, "max_seq", t.shape[0]);
      addParam(l, stemOf({table}), "weight", t, t.shape);
      dyn[n.outputs[0]] = hidden(l.name, xd.shape, n.index);
      return;
    }
  }
  // A constant vector over the last dim (a token-type embedding of a
  // constant type, a bias after something other than a projection): every
  // position gets the same row.
  for (auto [p, c] : {std::pair{da, b}, std::pair{db, a}}) {
    Tensor row;
    if (p && p->kind != Kind::Scores && p->kind != Kind::Ids &&
        !p->shape.empty() && !p->shape.back().isSymbolic() && !dynOf(c) &&
        maskInputsOf(c).empty() &&
        constantRow(c, p->shape.back().size, row, n.index)) {
      std::string x = materialize(p == da ? a : b, n.index);
      const Dyn &xd = *dynOf(p == da ? a : b);
      Layer &l = addLayer(layerName(n.outputs[0], n.index), "bias", n.index);
      setString(l, "input", x);
      addParam(l, "", "bias", row, {xd.shape.back().size});
      dyn[n.outputs[0]] = hidden(l.name, xd.shape, n.index);
      return;
    }
  }
  // The additive padding mask of attention scores.
  for (auto [p, c] : {std::pair{da, b}, std::pair{db, a}}) {
    if (p && p->kind == Kind::Scores && !dynOf(c)) {
      if (p->masked)
        unsupported(n, "attention scores get a second additive mask");
      Dyn d = *p;
      if (maskInputsOf(c).empty()) {
        Tensor t = staticValue(c, n.index);
        if (std::any_of(t.v.begin(), t.v.end(), [](double v) { return v != 0; }))
          unsupported(n, "a constant bias added to attention scores is not "
                         "supported (only key-padding masks are)");
      } else {
        std::string mask = soleMask(c, n.index, "the additive mask");
        std::string why = checkKeyPadding(c, mask, p->shape, n.index, false);
        if (!why.empty())
          unsupported(n, "the additive mask '" + c +
                             "' is not the key-padding form of input '" +
                             mask + "': " + why);
        d.mask = mask;
        d.masked = true;
      }
      d.node = n.index;
      dyn[n.outputs[0]] = d;
      return;
    }
  }
  if (elementwise(n))
    return;
  if (da && db) {
    std::string la = materialize(a, n.index), lb = materialize(b, n.index);
    Layer &l = addLayer(layerName(n.outputs[0], n.index), "add", n.index);
    setList(l, "inputs", {la, lb});
    dyn[n.outputs[0]] = hidden(l.name, dynOf(a)->shape, n.index);
    return;
  }
  unsupported(n, "an Add of " + kindsOf(n) + " is neither a bias, a residual, "
                 "position embeddings nor an attention mask");
}

void Importer::matmul(const Node &n) {
  const std::string &a = n.inputs[0], &b = n.inputs[1];
  Dyn *da = dynOf(a), *db = dynOf(b);
  if (da && !db && maskInputsOf(b).empty() &&
      (da->kind == Kind::Hidden || da->kind == Kind::PendingLinear ||
       da->kind == Kind::Elementwise)) {
    Tensor w = staticValue(b, n.index);
    if (w.shape.size() != 2 || da->shape.empty() ||
        !(da->shape.back() == fixedDim(w.shape[0])))
      unsupported(n, "a projection of " + str(da->shape) + " by " +
                         joinInts(w.shape) + " is not x [.., K] @ W [K, N]");
    Dyn d;
    d.kind = Kind::PendingLinear;
    d.src = a;
    d.weight = transposeOf(w);
    d.weightName = b;
    d.shape = da->shape;
    d.shape.back() = fixedDim(w.shape[1]);
    d.node = n.index;
    dyn[n.outputs[0]] = d;
    return;
  }
  if (da && db && da->kind == Kind::Heads && db->kind == Kind::KeysT) {
    if (da->heads % db->heads != 0)
      unsupported(n, "query heads " + std::to_string(da->heads) +
                         " are not a multiple of key heads " +
                         std::to_string(db->heads));
    Dyn d;
    d.kind = Kind::Scores;
    d.q = da->layer, d.k = db->layer;
    d.heads = da->heads, d.kvHeads = db->heads;
    d.scale = da->scale * db->scale;
    d.shape = {da->shape[0], da->shape[1], da->shape[2], db->shape[3]};
    d.node = n.index;
    dyn[n.outputs[0]] = d;
    return;
  }
  if (da && db && da->kind == Kind::Probs && db->kind == Kind::Heads) {
    if (db->heads != da->kvHeads || db->scale != 1)
      unsupported(n, "the values' heads do not match the keys'");
    Dyn d = *da;
    d.kind = Kind::Context;
    d.v = db->layer;
    d.shape = {da->shape[0], da->shape[1], da->shape[2], db->shape[3]};
    d.node = n.index;
    dyn[n.outputs[0]] = d;
    return;
  }
  unsupported(n, "a MatMul of " + kindsOf(n) + " is neither a projection by "
                 "a constant weight nor one of attention's two products");
}

void Importer::mulDiv(const Node &n) {
  const std::string &a = n.inputs[0], &b = n.inputs[1];
  Dyn *da = dynOf(a), *db = dynOf(b);
  bool div = n.op == "Div";
  // Attention's scale, on q, on k^T or on the scores.
  for (auto [p, c] : {std::pair{da, b}, std::pair{db, a}}) {
    if (!p || (div && p != da))
      continue;
    if (p->kind == Kind::Heads || p->kind == Kind::KeysT ||
        p->kind == Kind::Scores) {
      std::optional<double> s = scalar(c, n.index);
      if (!s)
        unsupported(n, "attention is scaled by a non-constant or a "
                       "non-scalar '" + c + "'");
      Dyn d = *p;
      d.scale = div ? d.scale / *s : d.scale * *s;
      d.node = n.index;
      dyn[n.outputs[0]] = d;
      return;
    }
  }
  // Pooling: hidden states times the sequence mask, a masked sum divided
  // by the count of kept positions, a vector divided by its norm.
  if (!div) {
    for (auto [p, c] : {std::pair{da, b}, std::pair{db, a}}) {
      if (p && p->kind == Kind::Hidden && !dynOf(c) &&
          !maskInputsOf(c).empty()) {
        std::string mask = soleMask(c, n.index, "the pooling mask");
        if (!isSequenceMask(c, mask, p->shape, n.index))
          unsupported(n, "'" + c + "' is not input '" + mask +
                             "' broadcast over the hidden states " +
                             str(p->shape));
        Dyn d = *p;
        d.kind = Kind::Masked;
        d.src = p->layer;
        d.mask = mask;
        d.node = n.index;
        dyn[n.outputs[0]] = d;
        return;
      }
    }
  }
  if (div && da && da->kind == Kind::MaskedSum && !db &&
      !maskInputsOf(b).empty()) {
    if (!isMaskCount(b, da->mask, n.index))
      unsupported(n, "'" + b + "' is not the count of positions input '" +
                         da->mask + "' keeps");
    Layer &l = addLayer(layerName(n.outputs[0], n.index), "pool", n.index);
    setString(l, "input", da->src);
    setString(l, "mode", "mean");
    setString(l, "attention_mask", da->mask);
    dyn[n.outputs[0]] = hidden(l.name, da->shape, n.index);
    return;
  }
  if (div && da && db && db->kind == Kind::Norm && db->src == a) {
    std::string x = materialize(a, n.index);
    Layer &l = addLayer(layerName(n.outputs[0], n.index), "l2_normalize",
                        n.index);
    setString(l, "input", x);
    setFloat(l, "epsilon", db->eps > 0 ? db->eps : 1e-12);
    dyn[n.outputs[0]] = hidden(l.name, dynOf(a)->shape, n.index);
    return;
  }
  if (elementwise(n))
    return;
  unsupported(n, "a " + n.op + " of " + kindsOf(n) + " is neither an "
                 "attention scale, a pooling step nor part of an activation");
}

void Importer::reshape(const Node &n) {
  Dyn *x = dynOf(n.inputs[0]);
  if (dynOf(n.inputs[1]))
    unsupported(n, "the target shape depends on the model's data");
  std::vector<std::vector<int64_t>> targets;
  for (int p = 0; p < kProbes; ++p)
    targets.push_back(reshapeTarget(n, *x, p));
  // The key transpose of some SDPA decompositions: heads flattened to
  // [B*H, S, D], transposed, and reshaped back to [B, H, D, S].
  auto everyProbe = [&](auto pred) {
    for (int p = 0; p < kProbes; ++p)
      if (!pred(concrete(x->shape, probes[p]), targets[p]))
        return false;
    return true;
  };
  // Flat kinds keep their 4-D logical shape ([B, H, S, D], [B, H, D, S]):
  // B*H is no dim of the description.
  if ((x->kind == Kind::Heads || x->kind == Kind::FlatKeysT) && x->scale == 1) {
    bool toFlat = x->kind == Kind::Heads &&
                  everyProbe([](const std::vector<int64_t> &in,
                                const std::vector<int64_t> &t) {
                    return t == std::vector<int64_t>{in[0] * in[1], in[2], in[3]};
                  });
    bool toKeys = x->kind == Kind::FlatKeysT &&
                  everyProbe([](const std::vector<int64_t> &in,
                                const std::vector<int64_t> &t) { return t == in; });
    if (toFlat || toKeys) {
      Dyn d = *x;
      d.kind = toFlat ? Kind::FlatHeads : Kind::KeysT;
      d.node = n.index;
      dyn[n.outputs[0]] = d;
      return;
    }
  }
  Shape to = symbolize(targets, n.index, "the reshape target");
  const Shape &from = x->shape;
  if (to == from) {
    dyn[n.outputs[0]] = *x;
    return;
  }
  bool hiddenLike = x->kind == Kind::Hidden ||
                    x->kind == Kind::PendingLinear ||
                    x->kind == Kind::Elementwise;
  if (hiddenLike && from.size() == 3 && to.size() == 4 && to[0] == from[0] &&
      to[1] == from[1] && !to[2].isSymbolic() && !to[3].isSymbolic() &&
      !from[2].isSymbolic() && to[2].size * to[3].size == from[2].size) {
    Dyn d;
    d.kind = Kind::Split;
    d.layer = materialize(n.inputs[0], n.index);
    d.heads = to[2].size;
    d.shape = to;
    d.node = n.index;
    dyn[n.outputs[0]] = d;
    return;
  }
  if (x->kind == Kind::ContextT && to.size() == 3 && to[0] == from[0] &&
      to[1] == from[1] && !to[2].isSymbolic() &&
      to[2].size == from[2].size * from[3].size) {
    Dyn ctx = *x;
    std::string layer = attentionLayer(ctx, n.outputs[0], n.index);
    dyn[n.outputs[0]] = hidden(layer, to, n.index);
    return;
  }
  unsupported(n, "a reshape of " + std::string(kindName(x->kind)) + " " +
                     str(from) + " to " + str(to) +
                     " is neither a head split nor a head merge");
}

void Importer::transposeNode(const Node &n) {
  Dyn *x = dynOf(n.inputs[0]);
  std::vector<int64_t> perm;
  if (const Attribute *a = n.attr("perm"))
    perm = a->ints;
  auto is = [&](std::vector<int64_t> p) { return perm == p; };
  Dyn d = *x;
  d.node = n.index;
  const Shape &s = x->shape;
  if (x->kind == Kind::Split && is({0, 2, 1, 3})) {
    d.kind = Kind::Heads, d.shape = {s[0], s[2], s[1], s[3]};
  } else if (x->kind == Kind::Split && is({0, 2, 3, 1})) {
    d.kind = Kind::KeysT, d.shape = {s[0], s[2], s[3], s[1]};
  } else if (x->kind == Kind::Heads && is({0, 1, 3, 2})) {
    d.kind = Kind::KeysT, d.shape = {s[0], s[1], s[3], s[2]};
  } else if (x->kind == Kind::FlatHeads && is({0, 2, 1})) {
    d.kind = Kind::FlatKeysT, d.shape = {s[0], s[1], s[3], s[2]};
  } else if (x->kind == Kind::Context && is({0, 2, 1, 3})) {
    d.kind = Kind::ContextT, d.shape = {s[0], s[2], s[1], s[3]};
  } else {
    unsupported(n, "a transpose " + joinInts(perm) + " of " +
                       kindName(x->kind) + " is not one of attention's");
  }
  dyn[n.outputs[0]] = d;
}

void Importer::reduce(const Node &n) {
  Dyn *x = dynOf(n.inputs[0]);
  std::vector<int64_t> axes;
  if (n.inputs.size() > 1 && !n.inputs[1].empty()) {
    Tensor t = staticValue(n.inputs[1], n.index);
    for (double v : t.v)
      axes.push_back(static_cast<int64_t>(v));
  } else if (const Attribute *a = n.attr("axes")) {
    axes = a->ints;
  }
  bool keep = n.getInt("keepdims", 1) != 0;
  int64_t rank = static_cast<int64_t>(x->shape.size());
  for (int64_t &a : axes)
    if (a < 0)
      a += rank;
  // Over the sequence of [B, S, E]: pooling.
  if (axes == std::vector<int64_t>{1} && !keep && rank == 3) {
    Shape pooled = {x->shape[0], x->shape[2]};
    if (n.op == "ReduceSum" && x->kind == Kind::Masked) {
      Dyn d = *x;
      d.kind = Kind::MaskedSum;
      d.shape = pooled;
      d.node = n.index;
      dyn[n.outputs[0]] = d;
      return;
    }
    if ((n.op == "ReduceMean" || n.op == "ReduceMax") &&
        x->kind != Kind::Masked) {
      std::string in = materialize(n.inputs[0], n.index);
      Layer &l = addLayer(layerName(n.outputs[0], n.index), "pool", n.index);
      setString(l, "input", in);
      setString(l, "mode", n.op == "ReduceMean" ? "mean" : "max");
      dyn[n.outputs[0]] = hidden(l.name, pooled, n.index);
      return;
    }
  }
  // The L2 norm over the last dim, kept for a division.
  if (n.op == "ReduceL2" && keep && axes == std::vector<int64_t>{rank - 1} &&
      x->kind != Kind::Masked && x->kind != Kind::MaskedSum) {
    Dyn d;
    d.kind = Kind::Norm;
    d.src = n.inputs[0];
    d.shape = x->shape;
    d.shape.back() = fixedDim(1);
    d.node = n.index;
    dyn[n.outputs[0]] = d;
    return;
  }
  unsupported(n, "a " + n.op + " over axes " + joinInts(axes) + " of " +
                     kindName(x->kind) + " " + str(x->shape) +
                     " is not a pooling or an L2 norm");
}

/// The attention layer of a context value: inputs q, k, v (projections),
/// heads, scale and the padding mask.
std::string Importer::attentionLayer(const Dyn &ctx, const std::string &value,
                                     int node) {
  Layer &l = addLayer(layerName(value, node), "attention", node);
  setList(l, "inputs", {ctx.q, ctx.k, ctx.v});
  setInt(l, "heads", ctx.heads);
  if (ctx.kvHeads != ctx.heads)
    setInt(l, "kv_heads", ctx.kvHeads);
  setFloat(l, "scale", ctx.scale);
  if (ctx.masked) {
    FieldValue f = field(l.loc);
    f.list = {"padding"};
    f.listLocs = {l.loc};
    l.fields["form"] = f;
    setString(l, "attention_mask", ctx.mask);
  }
  return l.name;
}

/// ONNX Attention (opset 23) over [B, H, S, D] heads or [B, S, H*D]
/// projections with q_num_heads / kv_num_heads.
void Importer::attentionOp(const Node &n) {
  if (n.outputs.size() > 1)
    for (size_t i = 1; i < n.outputs.size(); ++i)
      if (!n.outputs[i].empty() && uses[n.outputs[i]] > 0)
        unsupported(n, "Attention's present key/value or score outputs are "
                       "used; only its first output is supported");
  for (size_t i = 4; i < n.inputs.size(); ++i)
    if (!n.inputs[i].empty())
      unsupported(n, "Attention with a key/value cache is not supported");
  if (n.getInt("is_causal", 0) || n.getFloat("softcap", 0) != 0 ||
      n.getInt("qk_matmul_output_mode", 0) != 0)
    unsupported(n, "Attention with is_causal, softcap or "
                   "qk_matmul_output_mode is not supported");
  Dyn *q = dynOf(n.inputs[0]), *k = dynOf(n.inputs[1]), *v = dynOf(n.inputs[2]);
  if (!q || !k || !v)
    unsupported(n, "Attention's q, k and v must be tensors of the model");
  Dyn ctx;
  ctx.kind = Kind::Context;
  ctx.node = n.index;
  bool fourD = q->kind == Kind::Heads && k->kind == Kind::Heads &&
               v->kind == Kind::Heads;
  int64_t headDim;
  if (fourD) {
    ctx.q = q->layer, ctx.k = k->layer, ctx.v = v->layer;
    ctx.heads = q->heads, ctx.kvHeads = k->heads;
    if (q->scale != 1 || k->scale != 1)
      unsupported(n, "pre-scaled q or k into Attention");
    ctx.shape = {q->shape[0], q->shape[1], q->shape[2], v->shape[3]};
    headDim = q->shape[3].size;
  } else {
    int64_t qh = n.getInt("q_num_heads", 0), kvh = n.getInt("kv_num_heads", 0);
    if (!qh || !kvh || q->shape.size() != 3)
      unsupported(n, "Attention needs [B, H, S, D] heads, or [B, S, E] "
                     "inputs with q_num_heads and kv_num_heads");
    ctx.q = materialize(n.inputs[0], n.index);
    ctx.k = materialize(n.inputs[1], n.index);
    ctx.v = materialize(n.inputs[2], n.index);
    ctx.heads = qh, ctx.kvHeads = kvh;
    headDim = q->shape[2].size / qh;
  }
  ctx.scale = n.attr("scale") ? n.getFloat("scale", 1)
                              : 1 / std::sqrt(static_cast<double>(headDim));
  if (n.inputs.size() > 3 && !n.inputs[3].empty()) {
    const std::string &m = n.inputs[3];
    if (dynOf(m))
      unsupported(n, "Attention's mask depends on the model's data");
    std::string mask = soleMask(m, n.index, "Attention's mask");
    Shape scores = {q->shape[0], fixedDim(ctx.heads),
                    fourD ? q->shape[2] : q->shape[1],
                    fourD ? k->shape[2] : k->shape[1]};
    bool boolean = evalAt(m, 0, n.index).type == kBool;
    std::string why = checkKeyPadding(m, mask, scores, n.index, boolean);
    if (!why.empty())
      unsupported(n, "Attention's mask '" + m +
                         "' is not the key-padding form of input '" + mask +
                         "': " + why);
    ctx.mask = mask;
    ctx.masked = true;
  }
  if (fourD) {
    dyn[n.outputs[0]] = ctx;
    return;
  }
  std::string layer = attentionLayer(ctx, n.outputs[0], n.index);
  Shape s = q->shape;
  s.back() = fixedDim(ctx.heads * v->shape.back().size / ctx.kvHeads);
  dyn[n.outputs[0]] = hidden(layer, s, n.index);
}

/// Elementwise nodes over one value and constant scalars: the chain grows
/// until something else reads it (materialize then names the function).
bool Importer::elementwise(const Node &n) {
  static const std::set<std::string> ops = {
      "Add", "Sub", "Mul", "Div", "Pow", "Erf", "Tanh", "Sqrt", "Sigmoid",
      "Relu", "Gelu", "Neg", "Exp", "Elu", "Abs", "Identity", "Dropout",
      "Cast"};
  if (!ops.count(n.op))
    return false;
  std::string src;
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    const std::string &in = n.inputs[i];
    if (in.empty() || (n.op == "Dropout" && i > 0))
      continue;
    const Dyn *d = dynOf(in);
    if (!d) {
      std::optional<double> s = scalar(in, n.index);
      if (!s)
        return false;
      continue;
    }
    std::string from;
    if (d->kind == Kind::Elementwise)
      from = d->src;
    else if (d->kind == Kind::Hidden || d->kind == Kind::PendingLinear)
      from = in;
    else
      return false;
    if (!src.empty() && src != from)
      return false;
    src = from;
  }
  if (src.empty())
    return false;
  Dyn d;
  d.kind = Kind::Elementwise;
  d.src = src;
  d.shape = dynOf(src)->shape;
  d.node = n.index;
  dyn[n.outputs[0]] = d;
  return true;
}

void Importer::node(const Node &n) {
  const std::string &op = n.op;
  if (layerNormStep(n))
    return;
  if (op == "Gather")
    return gather(n);
  if (op == "Add")
    return add(n);
  if (op == "MatMul")
    return matmul(n);
  if (op == "Mul" || op == "Div")
    return mulDiv(n);
  if (op == "Reshape")
    return reshape(n);
  if (op == "Transpose")
    return transposeNode(n);
  if (op == "ReduceSum" || op == "ReduceMean" || op == "ReduceMax" ||
      op == "ReduceL2")
    return reduce(n);
  if (op == "Attention")
    return attentionOp(n);
  if (op == "Gemm") {
    Dyn *x = dynOf(n.inputs[0]);
    if (!x || dynOf(n.inputs[1]) || n.getInt("transA", 0) ||
        n.getFloat("alpha", 1) != 1 || n.getFloat("beta", 1) != 1 ||
        x->shape.size() != 2)
      unsupported(n, "a Gemm other than x [rows, K] W (+ c) with alpha = "
                     "beta = 1");
    Tensor w = staticValue(n.inputs[1], n.index);
    Dyn d;
    d.kind = Kind::PendingLinear;
    d.src = n.inputs[0];
    d.weight = n.getInt("transB", 0) ? w : transposeOf(w);
    d.weightName = n.inputs[1];
    d.shape = x->shape;
    d.shape.back() = fixedDim(d.weight.shape[0]);
    d.node = n.index;
    if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
      d.bias = staticValue(n.inputs[2], n.index);
      d.hasBias = true;
      d.biasName = n.inputs[2];
      if (d.bias.count() != d.weight.shape[0])
        unsupported(n, "Gemm's bias is not one value per output feature");
      d.bias.shape = {d.weight.shape[0]};
    }
    dyn[n.outputs[0]] = d;
    return;
  }
  // PyTorch's SDPA decomposition zeroes fully masked rows:
  // Where(IsNaN(p), 0, p). Rows are never all masked in the probes, and
  // attn.attention yields 0 for them anyway.
  if (op == "IsNaN" && dynOf(n.inputs[0]) &&
      dynOf(n.inputs[0])->kind == Kind::Probs) {
    Dyn d = *dynOf(n.inputs[0]);
    d.kind = Kind::NanCheck;
    d.src = n.inputs[0];
    dyn[n.outputs[0]] = d;
    return;
  }
  if (op == "Where" && dynOf(n.inputs[0]) &&
      dynOf(n.inputs[0])->kind == Kind::NanCheck &&
      dynOf(n.inputs[0])->src == n.inputs[2] &&
      scalar(n.inputs[1], n.index) == 0.0) {
    dyn[n.outputs[0]] = *dynOf(n.inputs[2]);
    return;
  }
  if (op == "Softmax") {
    Dyn *x = dynOf(n.inputs[0]);
    int64_t axis = n.getInt("axis", graph.opset >= 13 ? -1 : 1);
    if (x->kind != Kind::Scores || (axis != -1 && axis != 3))
      unsupported(n, "a Softmax of " + std::string(kindName(x->kind)) +
                         " over axis " + std::to_string(axis) +
                         " is not attention's (scores, last axis)");
    Dyn d = *x;
    d.kind = Kind::Probs;
    d.node = n.index;
    dyn[n.outputs[0]] = d;
    return;
  }
  if (op == "LayerNormalization") {
    Dyn *x = dynOf(n.inputs[0]);
    int64_t axis = n.getInt("axis", -1);
    int64_t rank = static_cast<int64_t>(x->shape.size());
    if (axis != -1 && axis != rank - 1)
      unsupported(n, "LayerNormalization over axis " + std::to_string(axis) +
                         " (only the last axis is supported)");
    std::string in = materialize(n.inputs[0], n.index);
    int64_t dim = x->shape.back().size;
    Tensor gamma = staticValue(n.inputs[1], n.index);
    Tensor beta;
    bool hasBeta = n.inputs.size() > 2 && !n.inputs[2].empty();
    if (hasBeta)
      beta = staticValue(n.inputs[2], n.index);
    else
      beta.v.assign(dim, 0.0), beta.shape = {dim};
    if (gamma.count() != dim || beta.count() != dim)
      unsupported(n, "LayerNormalization's scale and bias must have " +
                         std::to_string(dim) + " elements");
    Shape shape = x->shape;
    std::string stem = stemOf({n.inputs[1], hasBeta ? n.inputs[2] : ""});
    Layer &l = addLayer(layerName(n.outputs[0], n.index, stem), "layer_norm",
                        n.index);
    setString(l, "input", in);
    setFloat(l, "epsilon", n.getFloat("epsilon", 1e-5));
    addParam(l, stem, "weight", gamma, {dim});
    addParam(l, stem, "bias", beta, {dim});
    dyn[n.outputs[0]] = hidden(l.name, shape, n.index);
    return;
  }
  if (op == "Clip" || op == "Max") {
    Dyn *x = dynOf(n.inputs[0]);
    if (x && x->kind == Kind::Norm) {
      double eps = 0;
      if (op == "Clip") {
        if (n.inputs.size() > 2 && !n.inputs[2].empty())
          unsupported(n, "an L2 norm clipped from above");
        eps = n.inputs.size() > 1 && !n.inputs[1].empty()
                  ? scalar(n.inputs[1], n.index).value_or(-1)
                  : n.getFloat("min", 0);
      } else {
        eps = n.inputs.size() == 2 ? scalar(n.inputs[1], n.index).value_or(-1)
                                   : -1;
      }
      if (eps < 0)
        unsupported(n, "the L2 norm's floor is not a constant scalar");
      Dyn d = *x;
      d.eps = std::max(d.eps, eps);
      d.node = n.index;
      dyn[n.outputs[0]] = d;
      return;
    }
  }
  if (op == "Expand") {
    Dyn *x = dynOf(n.inputs[0]);
    if (x && x->kind == Kind::Norm) {
      Dyn d = *x;
      d.shape = dynOf(d.src)->shape;
      dyn[n.outputs[0]] = d;
      return;
    }
  }
  if (op == "Cast" || op == "Identity" || op == "Dropout") {
    Dyn *x = dynOf(n.inputs[0]);
    bool floatCast = op != "Cast" || isFloatType(static_cast<int>(
                                         n.getInt("to", 0)));
    if (x && floatCast && x->kind != Kind::Ids) {
      if (op == "Cast" && n.getInt("to", kFloat) != kFloat)
        unsupported(n, "a cast to " + elemTypeName(static_cast<int>(
                                          n.getInt("to", 0))) +
                           " (the importer builds float32 models)");
      dyn[n.outputs[0]] = *x;
      return;
    }
  }
  if (elementwise(n))
    return;
  unsupported(n, "no rule maps a " + op + " of " + kindsOf(n) +
                     " (docs/onnx.md lists what is recognised)");
}

/// One step of a spelled-out layer norm over the last dim:
///   m = ReduceMean(x, -1); c = x - m; q = c^2 (Pow 2 or c * c);
///   v = ReduceMean(q, -1); e = v + eps; s = Sqrt(e); y = c / s;
///   (y * gamma) (+ beta).
/// Returns false when `n` is not one.
bool Importer::layerNormStep(const Node &n) {
  auto in = [&](size_t i) -> Dyn * {
    return i < n.inputs.size() && !n.inputs[i].empty() ? dynOf(n.inputs[i])
                                                        : nullptr;
  };
  auto lastAxisMean = [&](const Dyn &x) {
    if (n.op != "ReduceMean" || n.getInt("keepdims", 1) == 0)
      return false;
    std::vector<int64_t> axes;
    if (n.inputs.size() > 1 && !n.inputs[1].empty()) {
      if (dynOf(n.inputs[1]))
        return false;
      for (double v : staticValue(n.inputs[1], n.index).v)
        axes.push_back(static_cast<int64_t>(v));
    } else if (const Attribute *a = n.attr("axes")) {
      axes = a->ints;
    }
    int64_t rank = static_cast<int64_t>(x.shape.size());
    return axes.size() == 1 && (axes[0] == -1 || axes[0] == rank - 1);
  };
  auto make = [&](const Dyn &from, Kind k) {
    Dyn d = from;
    d.kind = k;
    d.node = n.index;
    dyn[n.outputs[0]] = d;
    return true;
  };
  Dyn *a = in(0), *b = in(1);
  const std::string &op = n.op;
  if (a && (a->kind == Kind::Hidden || a->kind == Kind::PendingLinear ||
            a->kind == Kind::Elementwise) &&
      lastAxisMean(*a)) {
    Dyn d;
    d.src = n.inputs[0];
    d.shape = a->shape;
    d.shape.back() = fixedDim(1);
    return make(d, Kind::LnMean);
  }
  if (op == "Sub" && a && b && b->kind == Kind::LnMean &&
      b->src == n.inputs[0]) {
    Dyn d = *b;
    d.shape = a->shape;
    return make(d, Kind::LnCentered);
  }
  if (a && a->kind == Kind::LnCentered &&
      ((op == "Pow" && !b && scalar(n.inputs[1], n.index) == 2.0) ||
       (op == "Mul" && n.inputs[0] == n.inputs[1])))
    return make(*a, Kind::LnSquare);
  if (a && a->kind == Kind::LnSquare && lastAxisMean(*a))
    return make(*a, Kind::LnVar);
  if (op == "Add" && (a || b)) {
    Dyn *v = a && a->kind == Kind::LnVar ? a : b && b->kind == Kind::LnVar ? b : nullptr;
    if (v) {
      std::optional<double> eps = scalar(n.inputs[v == a ? 1 : 0], n.index);
      if (!eps || *eps <= 0)
        unsupported(n, "the layer norm's epsilon is not a positive constant");
      Dyn d = *v;
      d.eps = *eps;
      return make(d, Kind::LnVarEps);
    }
  }
  if (op == "Sqrt" && a && a->kind == Kind::LnVarEps)
    return make(*a, Kind::LnStd);
  if (op == "Div" && a && b && a->kind == Kind::LnCentered &&
      b->kind == Kind::LnStd && a->src == b->src) {
    Dyn d = *b;
    d.shape = a->shape;
    return make(d, Kind::LnNormed);
  }
  if ((op == "Mul" || op == "Add") && (a || b)) {
    Dyn *y = a && (a->kind == Kind::LnNormed || a->kind == Kind::LnScaled) ? a
             : b && (b->kind == Kind::LnNormed || b->kind == Kind::LnScaled)
                 ? b
                 : nullptr;
    if (!y)
      return false;
    const std::string &c = n.inputs[y == a ? 1 : 0];
    if (dynOf(c) || !maskInputsOf(c).empty())
      unsupported(n, "a layer norm scaled or shifted by a non-constant");
    Tensor t = staticValue(c, n.index);
    int64_t dim = y->shape.back().size;
    if (t.count() != dim)
      unsupported(n, "a layer norm's scale or shift has " +
                         std::to_string(t.count()) + " elements, not " +
                         std::to_string(dim));
    t.shape = {dim};
    if (op == "Mul" && y->kind == Kind::LnNormed) {
      Dyn d = *y;
      d.gamma = t;
      d.gammaName = c;
      return make(d, Kind::LnScaled);
    }
    if (op == "Add" && y->kind == Kind::LnScaled) {
      std::string layer = layerNormLayer(*y, &t, c, n.outputs[0], n.index);
      dyn[n.outputs[0]] = hidden(layer, dynOf(y->src)->shape, n.index);
      return true;
    }
    return false;
  }
  return false;
}

/// The layer_norm layer of a spelled-out layer norm (gamma and beta ones
/// and zeros when absent).
std::string Importer::layerNormLayer(const Dyn &d, const Tensor *beta,
                                     const std::string &betaName,
                                     const std::string &value, int node) {
  std::string x = materialize(d.src, node);
  int64_t dim = d.shape.back().size;
  Tensor gamma = d.gamma, shift;
  if (gamma.v.empty())
    gamma.v.assign(dim, 1.0), gamma.shape = {dim};
  if (beta)
    shift = *beta;
  else
    shift.v.assign(dim, 0.0), shift.shape = {dim};
  std::string stem = stemOf({d.gammaName, betaName});
  Layer &l = addLayer(layerName(value, node, stem), "layer_norm", node);
  setString(l, "input", x);
  setFloat(l, "epsilon", d.eps);
  addParam(l, stem, "weight", gamma, {dim});
  addParam(l, stem, "bias", shift, {dim});
  return l.name;
}

Tensor transposeOf(const Tensor &w) {
  Tensor t;
  t.type = w.type;
  t.shape = {w.shape[1], w.shape[0]};
  t.v.resize(w.v.size());
  for (int64_t i = 0; i < w.shape[0]; ++i)
    for (int64_t j = 0; j < w.shape[1]; ++j)
      t.v[j * w.shape[0] + i] = w.v[i * w.shape[1] + j];
  return t;
}

void Importer::run(Model &out, std::vector<Weight> &ws) {
  for (const Node &n : graph.nodes)
    if (std::string why = schemaProblem(n); !why.empty())
      fail(n.index, why);
  weights = &ws;
  setUpProbes();
  // Which nodes matter: those the graph's outputs depend on.
  std::map<std::string, const Node *> producers;
  for (const Node &n : graph.nodes)
    for (const std::string &o : n.outputs) {
      if (o.empty())
        continue;
      auto [it, inserted] = producers.emplace(o, &n);
      if (!inserted || graph.initializers.count(o))
        fail(n.index, "value '" + o + "' is also " +
                          (inserted ? std::string("an initializer")
                                    : "the output of node '" +
                                          it->second->name + "'") +
                          "; an ONNX graph assigns each value once");
    }
  std::set<int> live;
  std::vector<std::string> work;
  for (const ValueInfo &o : graph.outputs)
    work.push_back(o.name);
  while (!work.empty()) {
    std::string v = work.back();
    work.pop_back();
    auto it = producers.find(v);
    if (it == producers.end() || !live.insert(it->second->index).second)
      continue;
    for (const std::string &in : it->second->inputs)
      if (!in.empty())
        work.push_back(in);
  }
  for (const Node &n : graph.nodes)
    if (live.count(n.index))
      for (const std::string &in : n.inputs)
        if (!in.empty())
          ++uses[in];
  // ONNX lists nodes in topological order; the tables below rely on it.
  {
    std::set<std::string> defined;
    for (const ValueInfo &in : graph.inputs)
      defined.insert(in.name);
    for (const auto &[name, init] : graph.initializers)
      defined.insert(name);
    for (const Node &n : graph.nodes) {
      for (const std::string &in : n.inputs)
        if (!in.empty() && !defined.count(in))
          fail(n.index, producers.count(in)
                            ? "input '" + in + "' is computed by a later "
                                               "node; ONNX lists nodes in "
                                               "topological order"
                            : "input '" + in + "' is no graph input, "
                                               "initializer or node output");
      defined.insert(n.outputs.begin(), n.outputs.end());
    }
  }

  // Inputs: integer inputs read as Gather indices of a table are token
  // ids; other integer and boolean inputs are masks (probed); float
  // inputs are data.
  std::set<std::string> idInputs;
  for (const Node &n : graph.nodes)
    if (live.count(n.index) && n.op == "Gather" &&
        !producers.count(n.inputs[1]))
      idInputs.insert(n.inputs[1]);
  model.name = sanitize(path.substr(path.rfind('/') + 1), false);
  if (size_t dot = model.name.rfind("_onnx"); dot != std::string::npos &&
                                              dot + 5 == model.name.size())
    model.name = model.name.substr(0, dot);
  for (const ValueInfo &in : graph.inputs) {
    if (uses[in.name] == 0)
      continue; // an input the outputs do not need
    model::Input mi;
    mi.name = sanitize(in.name, true);
    if (mi.name != in.name)
      fail(-1, "graph input '" + in.name + "' needs a name of letters, "
                                           "digits, '_' and '.'");
    mi.loc = Loc{0, 0};
    mi.shape = inputShape(in);
    usedNames.insert(in.name);
    switch (in.type) {
    case kFloat: mi.dtype = "f32"; break;
    case kDouble: mi.dtype = "f64"; break;
    case kInt64: mi.dtype = "i64"; break;
    case kInt32: mi.dtype = "i32"; break;
    case kBool: mi.dtype = "bool"; break;
    default:
      fail(-1, "graph input '" + in.name + "' has element type " +
                   elemTypeName(in.type) +
                   "; supported: float, double, int64, int32, bool");
    }
    model.inputs.push_back(mi);
    if (in.type == kFloat || in.type == kDouble) {
      dyn[in.name] = hidden(in.name, mi.shape, -1, mi.dtype);
    } else if (idInputs.count(in.name)) {
      Dyn d;
      d.kind = Kind::Ids;
      d.layer = in.name;
      d.shape = mi.shape;
      dyn[in.name] = d;
    } else {
      maskInputs.insert(in.name);
      for (int p = 0; p < kProbes; ++p)
        probes[p].values[in.name] = probeMask(in, probes[p]);
    }
  }

  // Which mask inputs each value is computed from, in graph order.
  for (const std::string &m : maskInputs)
    maskDeps[m] = {m};
  for (const Node &n : graph.nodes) {
    std::set<std::string> deps;
    for (const std::string &in : n.inputs)
      if (auto it = maskDeps.find(in); !in.empty() && it != maskDeps.end())
        deps.insert(it->second.begin(), it->second.end());
    if (!deps.empty())
      for (const std::string &o : n.outputs)
        maskDeps[o] = deps;
  }

  for (const Node &n : graph.nodes) {
    if (!live.count(n.index))
      continue;
    bool anyDyn = false;
    for (const std::string &in : n.inputs)
      anyDyn = anyDyn || (!in.empty() && dyn.count(in));
    if (!anyDyn || n.op == "Shape" || n.op == "Size")
      continue; // evaluated where it is needed
    node(n);
  }

  for (const ValueInfo &o : graph.outputs) {
    if (!dynOf(o.name))
      fail(-1, "graph output '" + o.name +
                   "' does not depend on the model's data inputs");
    std::string layer = materialize(o.name, dynOf(o.name)->node);
    if (std::find(model.outputs.begin(), model.outputs.end(), layer) !=
        model.outputs.end())
      fail(-1, "graph outputs '" + o.name + "' and another are one value");
    if (std::any_of(model.inputs.begin(), model.inputs.end(),
                    [&](const model::Input &i) { return i.name == layer; }))
      fail(-1, "graph output '" + o.name + "' is a graph input");
    model.outputs.push_back(layer);
    model.outputLocs.push_back(Loc{0, 0});
  }
  if (model.layers.empty())
    fail(-1, "the graph computes nothing the importer maps");
  model.nameLoc = Loc{0, 0};
  out = std::move(model);
}

} // namespace

bool isOnnxPath(llvm::StringRef path) { return path.ends_with(".onnx"); }

mlir::OwningOpRef<mlir::ModuleOp> importOnnxModel(llvm::StringRef pathRef,
                                                  mlir::MLIRContext *context,
                                                  std::vector<Weight> &weights) {
  std::string path = pathRef.str();
  Graph graph;
  std::string error;
  auto fileLoc = [&](int line) {
    return mlir::FileLineColLoc::get(context, path, line, line ? 1 : 0);
  };
  // Names come from the file as any bytes: every message shows them with
  // control characters escaped (one line) and each node's own names
  // shortened.
  if (!loadGraph(path, graph, error)) {
    mlir::emitError(fileLoc(0)) << printable(error);
    return nullptr;
  }
  Model model;
  try {
    Importer(graph, path).run(model, weights);
  } catch (const ImportError &e) {
    weights.clear();
    if (e.node < 0) {
      mlir::emitError(fileLoc(0)) << printable(e.message);
      return nullptr;
    }
    const Node &n = graph.nodes[e.node];
    constexpr size_t kName = 200;
    std::string inputs;
    for (const std::string &i : n.inputs)
      inputs += (inputs.empty() ? "'" : ", '") + printable(i, kName) + "'";
    mlir::emitError(fileLoc(e.node + 1))
        << "node '" << printable(n.name, kName) << "' ("
        << printable(n.op, kName) << "; inputs "
        << (inputs.empty() ? "none" : inputs)
        << "): " << printable(e.message);
    return nullptr;
  }
  mlir::OwningOpRef<mlir::ModuleOp> module =
      model::buildModel(model, path, context);
  if (!module) {
    weights.clear();
    return nullptr;
  }
  if (mlir::failed(mlir::verify(*module))) {
    weights.clear();
    mlir::emitError(module->getLoc())
        << "internal error: the ONNX frontend built IR that does not verify";
    return nullptr;
  }
  return module;
}

std::string writeSafetensors(const std::vector<Weight> &weights,
                             const std::string &path) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  size_t offset = 0;
  for (const Weight &w : weights) {
    size_t bytes = w.data.size() * sizeof(float);
    header[w.name] = {{"dtype", "F32"},
                      {"shape", w.shape},
                      {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  // The data that follows the header is 8-byte aligned.
  while ((text.size() + 8) % 8)
    text += ' ';
  std::ofstream out(path, std::ios::binary);
  uint64_t length = text.size();
  char lengthBytes[8];
  std::memcpy(lengthBytes, &length, 8); // little-endian hosts only (x86-64)
  out.write(lengthBytes, 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const Weight &w : weights)
    out.write(reinterpret_cast<const char *>(w.data.data()),
              static_cast<std::streamsize>(w.data.size() * sizeof(float)));
  out.close();
  return out ? "" : "cannot write '" + path + "'";
}

} // namespace attnc::onnx
