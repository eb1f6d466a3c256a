//===- ModelParser.cpp - YAML model descriptions to the AST ---------------===//
//
// yaml-cpp builds the node tree (and reports syntax errors with a Mark);
// this file walks it against a schema: one table per layer kind listing its
// fields and their types. Errors are thrown as ParseError inside this file
// and turned into one report at the entry point, so yaml-cpp's own
// exceptions and ours leave by the same door.
//
//===----------------------------------------------------------------------===//
#include "frontends/model/ModelParser.h"
#include "support/Printable.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace attnc::model {

namespace {

struct ParseError {
  Loc loc;
  std::string message;
};

[[noreturn]] void fail(Loc loc, const std::string &message) {
  throw ParseError{loc, message};
}

Loc locOf(const YAML::Mark &m) {
  if (m.is_null() || m.line < 0 || m.column < 0)
    return Loc{};
  return Loc{m.line + 1, m.column + 1};
}
Loc locOf(const YAML::Node &n) { return locOf(n.Mark()); }

std::string join(const std::vector<std::string> &items) {
  std::string out;
  for (const std::string &s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool isIdentifier(const std::string &s, bool allowDots) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
          (allowDots && c == '.')))
      return false;
  return !allowDots || s.back() != '.';
}

//===----------------------------------------------------------------------===//
// Schema
//===----------------------------------------------------------------------===//

enum class FieldType {
  PositiveInt, // > 0
  Float,
  Bool,
  Name,     // a layer or input name
  NameList, // a list of names
  Enum,     // one of `choices`
  EnumSet,  // one of `choices`, or a list of them
  Window,   // {left: L, right: R}
  NameMap,  // {key: name, ...}: a layer's parameter names
};

struct FieldSpec {
  std::string name;
  FieldType type;
  std::vector<std::string> choices = {};
  bool required = false;
};

struct KindSpec {
  std::string kind;
  std::vector<FieldSpec> fields;
};

const std::vector<std::string> kActivations = {"relu", "gelu", "elu"};
/// GELU's form: exact (erf, PyTorch's nn.GELU() default) or the tanh
/// approximation (approximate='tanh').
const FieldSpec kGeluForm = {"gelu", FieldType::Enum, {"erf", "tanh"}};

/// Every layer kind and its fields, in the order the documentation lists
/// them. `name` and `kind` are common to all and checked separately;
/// `input` and `residual` are accepted by every kind except `add`, which
/// takes `inputs`.
const std::vector<KindSpec> &kindSpecs() {
  static const std::vector<KindSpec> specs = {
      {"embedding",
       {{"vocab", FieldType::PositiveInt, {}, true},
        {"dim", FieldType::PositiveInt, {}, true}}},
      {"positional_encoding",
       {{"encoding", FieldType::Enum, {"sinusoidal", "learned"}},
        {"max_seq", FieldType::PositiveInt}}},
      {"linear",
       {{"out", FieldType::PositiveInt, {}, true}, {"bias", FieldType::Bool}}},
      {"multi_head_attention",
       {{"heads", FieldType::PositiveInt, {}, true},
        {"kv_heads", FieldType::PositiveInt},
        {"head_dim", FieldType::PositiveInt},
        {"scale", FieldType::Float},
        {"score", FieldType::Enum, {"dot", "scaled_dot"}},
        {"form",
         FieldType::EnumSet,
         {"dense", "causal", "padding", "mask", "bias", "sliding_window",
          "graph"}},
        {"key_lengths", FieldType::Name},
        {"attention_mask", FieldType::Name},
        {"mask", FieldType::Name},
        {"attn_bias", FieldType::Name},
        {"window", FieldType::Window},
        {"graph", FieldType::Name}}},
      {"attention",
       {{"inputs", FieldType::NameList, {}, true},
        {"heads", FieldType::PositiveInt, {}, true},
        {"kv_heads", FieldType::PositiveInt},
        {"scale", FieldType::Float},
        {"score", FieldType::Enum, {"dot", "scaled_dot"}},
        {"form",
         FieldType::EnumSet,
         {"dense", "causal", "padding", "mask", "bias", "sliding_window"}},
        {"key_lengths", FieldType::Name},
        {"attention_mask", FieldType::Name},
        {"mask", FieldType::Name},
        {"attn_bias", FieldType::Name},
        {"window", FieldType::Window}}},
      {"add", {{"inputs", FieldType::NameList, {}, true}}},
      {"layer_norm", {{"epsilon", FieldType::Float}}},
      {"feed_forward",
       {{"hidden", FieldType::PositiveInt, {}, true},
        {"activation", FieldType::Enum, kActivations},
        kGeluForm}},
      {"activation",
       {{"function", FieldType::Enum, kActivations, true}, kGeluForm}},
      {"dropout", {{"rate", FieldType::Float, {}, true}}},
      {"gat",
       {{"heads", FieldType::PositiveInt, {}, true},
        {"hidden", FieldType::PositiveInt, {}, true},
        {"concat", FieldType::Bool},
        {"activation", FieldType::Enum, kActivations},
        kGeluForm,
        {"negative_slope", FieldType::Float},
        {"dropout", FieldType::Float},
        {"feature_dropout", FieldType::Float},
        {"graph", FieldType::Name}}},
      {"log_softmax", {}},
      {"mean_pool", {{"key_lengths", FieldType::Name}}},
      {"pool",
       {{"mode", FieldType::Enum, {"mean", "first", "max"}, true},
        {"attention_mask", FieldType::Name}}},
      {"l2_normalize", {{"epsilon", FieldType::Float}}},
      {"bias", {}},
  };
  return specs;
}

/// The fields a layer of `spec`'s kind accepts, common ones first.
std::vector<FieldSpec> acceptedFields(const KindSpec &spec) {
  std::vector<FieldSpec> fields = {{"name", FieldType::Name, {}, true},
                                   {"kind", FieldType::Name, {}, true}};
  if (spec.kind != "add" && spec.kind != "attention")
    fields.push_back({"input", FieldType::Name});
  fields.push_back({"residual", FieldType::Name});
  fields.push_back({"parameters", FieldType::NameMap});
  fields.insert(fields.end(), spec.fields.begin(), spec.fields.end());
  return fields;
}

//===----------------------------------------------------------------------===//
// Scalars
//===----------------------------------------------------------------------===//

std::string scalar(const YAML::Node &n, const std::string &what) {
  if (n.IsNull())
    fail(locOf(n), what + " needs a value");
  if (!n.IsScalar())
    fail(locOf(n), what + " must be a single value, not a " +
                       (n.IsSequence() ? "list" : "mapping"));
  return n.Scalar();
}

/// The largest extent, and element count, of a Halide buffer.
constexpr int64_t kMaxExtent = 2147483647;

bool asInt(const YAML::Node &n, int64_t &out) {
  long long v;
  if (!YAML::convert<long long>::decode(n, v))
    return false;
  out = v;
  return true;
}

/// `text` with control characters as \xNN, so that a message stays one
/// line whatever a quoted YAML scalar ("a\nb") or a broken file holds.
std::string printable(const std::string &text) {
  return attnc::printable(text);
}

/// `text` in quotes for a message, shortened when long: a value is echoed
/// so the user can find it, not to copy a 5,000-digit number into the line.
std::string quoted(const std::string &text) {
  constexpr size_t kShown = 40;
  if (text.size() <= kShown)
    return "'" + printable(text) + "'";
  return "'" + printable(text.substr(0, kShown)) + "...' (" +
         std::to_string(text.size()) + " characters)";
}

int64_t positiveInt(const YAML::Node &n, const std::string &what) {
  std::string text = scalar(n, what);
  int64_t v;
  if (!asInt(n, v) || v <= 0)
    fail(locOf(n), what + " must be a positive integer, got " + quoted(text));
  if (v > kMaxExtent)
    fail(locOf(n), what + " must be below 2^31 (Halide's extents are 32-bit), "
                          "got " + quoted(text));
  return v;
}

double floatValue(const YAML::Node &n, const std::string &what) {
  std::string text = scalar(n, what);
  double v;
  if (!YAML::convert<double>::decode(n, v) || !std::isfinite(v))
    fail(locOf(n), what + " must be a finite number, got " + quoted(text));
  return v;
}

bool boolValue(const YAML::Node &n, const std::string &what) {
  std::string text = scalar(n, what);
  bool v;
  if (!YAML::convert<bool>::decode(n, v))
    fail(locOf(n), what + " must be true or false, got " + quoted(text));
  return v;
}

/// The copy of a `repeat` block being read: in its names `{i}` becomes the
/// copy's index and `{input}` the name of what precedes the copy (the last
/// layer of the copy before, or the layer or input before the block).
struct Copy {
  bool active = false;
  int64_t index = 0;
  std::string input;
};

std::string substitute(std::string text, const Copy &copy) {
  if (!copy.active)
    return text;
  for (const auto &[pattern, value] :
       {std::pair<std::string, std::string>{"{i}", std::to_string(copy.index)},
        {"{input}", copy.input}})
    for (size_t at = text.find(pattern); at != std::string::npos;
         at = text.find(pattern, at + value.size()))
      text.replace(at, pattern.size(), value);
  return text;
}

std::string nameValue(const YAML::Node &n, const std::string &what,
                      const Copy &copy = Copy()) {
  std::string raw = scalar(n, what);
  bool input = raw.find("{input}") != std::string::npos;
  if (!copy.active && (input || raw.find("{i}") != std::string::npos))
    fail(locOf(n), what + ": '{i}' and '{input}' stand for a copy's index "
                          "and input only inside a 'repeat' block, got " +
                       quoted(raw));
  if (input && copy.input.empty())
    fail(locOf(n), what + ": '{input}' names what precedes the block, and "
                          "nothing does");
  std::string text = substitute(raw, copy);
  if (!isIdentifier(text, /*allowDots=*/true))
    fail(locOf(n), what + " must be a name (letters, digits, '_' and '.', "
                          "starting with a letter or '_'), got " +
                       quoted(text));
  return text;
}

std::string enumValue(const YAML::Node &n, const std::string &what,
                      const std::vector<std::string> &choices) {
  std::string text = scalar(n, what);
  for (const std::string &c : choices)
    if (c == text)
      return text;
  fail(locOf(n), "unknown " + what + " " + quoted(text) + "; expected one of: " +
                     join(choices));
}

/// Iterates a mapping, rejecting keys that are not scalars or repeat.
template <typename Fn>
void forEachEntry(const YAML::Node &map, const std::string &what, Fn &&fn) {
  std::set<std::string> seen;
  for (const auto &entry : map) {
    YAML::Node key = entry.first, value = entry.second;
    if (!key.IsScalar())
      fail(locOf(key), "a key in " + what + " must be a plain name");
    if (!seen.insert(key.Scalar()).second)
      fail(locOf(key), "field " + quoted(key.Scalar()) + " is given twice in " + what);
    fn(key.Scalar(), locOf(key), value);
  }
}

void expectMap(const YAML::Node &n, const std::string &what) {
  if (!n.IsMap())
    fail(locOf(n), what + " must be a mapping of fields");
}

void expectList(const YAML::Node &n, const std::string &what) {
  if (!n.IsSequence())
    fail(locOf(n), what + " must be a list");
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

Dim parseDim(const YAML::Node &n, const std::string &what) {
  Dim d;
  d.loc = locOf(n);
  std::string text = scalar(n, what);
  int64_t v;
  if (asInt(n, v)) {
    if (v <= 0)
      fail(d.loc, what + " must be positive, got " + quoted(text));
    if (v > kMaxExtent)
      fail(d.loc, what + " must be below 2^31 (Halide's extents are 32-bit), "
                         "got " + quoted(text));
    d.size = v;
    return d;
  }
  if (!isIdentifier(text, /*allowDots=*/false))
    fail(d.loc, what + " must be a positive integer or a symbolic size "
                       "(a name such as 'batch'), got " +
                    quoted(text));
  d.symbol = text;
  return d;
}

Input parseInput(const YAML::Node &n) {
  expectMap(n, "an input");
  Input in;
  in.loc = locOf(n);
  YAML::Node kind = n["kind"];
  in.graph = kind && enumValue(kind, "input kind", {"tensor", "graph"}) == "graph";
  const std::vector<std::string> accepted =
      in.graph ? std::vector<std::string>{"name", "kind", "dtype", "nodes", "edges"}
               : std::vector<std::string>{"name", "kind", "dtype", "shape",
                                          "layout"};
  bool hasShape = false, hasNodes = false, hasEdges = false, hasName = false;
  forEachEntry(n, "an input", [&](const std::string &key, Loc keyLoc,
                                  const YAML::Node &value) {
    if (key == "name") {
      hasName = true;
      in.name = nameValue(value, "an input's 'name'");
    } else if (key == "kind") {
      // read above
    } else if (key == "dtype") {
      in.dtypeLoc = locOf(value);
      in.dtype = in.graph ? enumValue(value, "graph index dtype", {"i32", "i64"})
                          : enumValue(value, "dtype",
                                      {"f32", "f64", "i32", "i64", "bool"});
    } else if (key == "shape" && !in.graph) {
      hasShape = true;
      expectList(value, "'shape'");
      int64_t elements = 1;
      for (const YAML::Node &d : value) {
        in.shape.push_back(parseDim(d, "a dim of 'shape'"));
        elements *= in.shape.back().isSymbolic() ? 1 : in.shape.back().size;
        if (elements > kMaxExtent)
          fail(locOf(value), "'shape' holds 2^31 or more elements; Halide's "
                             "buffers hold fewer");
      }
    } else if (key == "layout" && !in.graph) {
      in.layoutLoc = locOf(value);
      in.sparse = enumValue(value, "layout", {"dense", "csr"}) == "csr";
    } else if (key == "nodes" && in.graph) {
      hasNodes = true;
      in.nodes = parseDim(value, "'nodes'");
    } else if (key == "edges" && in.graph) {
      hasEdges = true;
      in.edges = parseDim(value, "'edges'");
    } else {
      fail(keyLoc, "unknown field " + quoted(key) + " in " +
                       (in.graph ? "a graph input" : "a tensor input") +
                       "; accepted fields: " + join(accepted));
    }
  });
  if (!hasName)
    fail(in.loc, "an input needs a 'name'");
  if (in.graph) {
    if (in.dtype.empty())
      in.dtype = "i64";
    if (!hasNodes)
      fail(in.loc, "graph input '" + in.name + "' needs 'nodes' (its node count)");
    if (!hasEdges)
      fail(in.loc, "graph input '" + in.name + "' needs 'edges' (its edge count)");
  } else {
    if (in.dtype.empty())
      in.dtype = "f32";
    if (!hasShape)
      fail(in.loc, "input '" + in.name + "' needs a 'shape', e.g. [batch, seq]");
    if (in.sparse && (in.shape.size() != 2 ||
                      (in.dtype != "f32" && in.dtype != "f64")))
      fail(in.layoutLoc, "input '" + in.name + "': layout csr needs a "
                         "floating-point [rows, columns] tensor");
  }
  return in;
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

FieldValue parseField(const FieldSpec &spec, Loc keyLoc, const YAML::Node &n,
                      const Copy &copy) {
  FieldValue v;
  v.keyLoc = keyLoc;
  v.loc = locOf(n);
  std::string what = "'" + spec.name + "'";
  switch (spec.type) {
  case FieldType::PositiveInt:
    v.i = positiveInt(n, what);
    break;
  case FieldType::Float:
    v.f = floatValue(n, what);
    break;
  case FieldType::Bool:
    v.b = boolValue(n, what);
    break;
  case FieldType::Name:
    v.s = nameValue(n, what, copy);
    break;
  case FieldType::Enum:
    v.s = enumValue(n, spec.name, spec.choices);
    break;
  case FieldType::NameList:
  case FieldType::EnumSet:
    if (spec.type == FieldType::EnumSet && n.IsScalar()) {
      v.list.push_back(enumValue(n, spec.name, spec.choices));
      v.listLocs.push_back(locOf(n));
      break;
    }
    expectList(n, what);
    for (const YAML::Node &item : n) {
      v.list.push_back(spec.type == FieldType::NameList
                           ? nameValue(item, "an item of " + what, copy)
                           : enumValue(item, spec.name, spec.choices));
      v.listLocs.push_back(locOf(item));
    }
    if (v.list.empty())
      fail(v.loc, what + " must not be empty");
    break;
  case FieldType::NameMap:
    expectMap(n, what);
    forEachEntry(n, what, [&](const std::string &key, Loc kl,
                              const YAML::Node &value) {
      if (!isIdentifier(key, /*allowDots=*/true))
        fail(kl, "a key of " + what + " names a parameter or a group of "
                                      "them (q_proj, weight, fc1.bias), got " +
                     quoted(key));
      v.map.emplace_back(key, nameValue(value, "the name of parameter " +
                                                   quoted(key), copy));
      v.listLocs.push_back(kl); // where the key is: errors name the key
    });
    break;
  case FieldType::Window: {
    expectMap(n, what);
    bool hasLeft = false, hasRight = false;
    forEachEntry(n, what, [&](const std::string &key, Loc kl,
                              const YAML::Node &value) {
      int64_t extent = 0;
      std::string text = scalar(value, "window " + quoted(key));
      if ((key == "left" || key == "right") && !asInt(value, extent))
        fail(locOf(value), "window '" + key + "' must be an integer, got " +
                               quoted(text));
      if (key == "left") {
        hasLeft = true, v.left = extent, v.leftLoc = locOf(value);
      } else if (key == "right") {
        hasRight = true, v.right = extent, v.rightLoc = locOf(value);
      } else {
        fail(kl, "unknown field " + quoted(key) +
                     " in 'window'; accepted fields: left, right");
      }
    });
    if (!hasLeft || !hasRight)
      fail(v.loc, "'window' needs both 'left' and 'right'");
    break;
  }
  }
  return v;
}

Layer parseLayer(const YAML::Node &n, const Copy &copy) {
  expectMap(n, "a layer");
  Layer layer;
  layer.loc = locOf(n);
  YAML::Node kind = n["kind"];
  if (!kind)
    fail(layer.loc, "a layer needs a 'kind'; expected one of: " +
                        join(layerKinds()));
  layer.kindLoc = locOf(kind);
  std::string kindText = scalar(kind, "'kind'");
  const KindSpec *spec = nullptr;
  for (const KindSpec &k : kindSpecs())
    if (k.kind == kindText)
      spec = &k;
  if (!spec)
    fail(layer.kindLoc, "unknown layer kind " + quoted(kindText) +
                            "; expected one of: " + join(layerKinds()));
  layer.kind = kindText;
  std::vector<FieldSpec> fields = acceptedFields(*spec);
  forEachEntry(n, "a layer", [&](const std::string &key, Loc keyLoc,
                                 const YAML::Node &value) {
    if (key == "kind")
      return;
    for (const FieldSpec &f : fields) {
      if (f.name != key)
        continue;
      FieldValue v = parseField(f, keyLoc, value, copy);
      if (key == "name")
        layer.name = v.s;
      layer.fields[key] = v;
      return;
    }
    std::vector<std::string> names;
    for (const FieldSpec &f : fields)
      names.push_back(f.name);
    fail(keyLoc, "unknown field " + quoted(key) + " in a " + layer.kind +
                     " layer; accepted fields: " + join(names));
  });
  for (const FieldSpec &f : fields)
    if (f.required && f.name != "kind" && !layer.has(f.name))
      fail(layer.loc, (layer.name.empty() ? "a " + layer.kind + " layer"
                                          : "layer '" + layer.name + "'") +
                          " needs '" + f.name + "'");
  return layer;
}

/// A `repeat` block: `{repeat: N, layers: [...]}`, read N times with the
/// copy's `{i}` and `{input}`.
void parseRepeat(const YAML::Node &n, Model &model) {
  int64_t count = 0;
  YAML::Node layers;
  forEachEntry(n, "a repeat block", [&](const std::string &key, Loc keyLoc,
                                        const YAML::Node &value) {
    if (key == "repeat")
      count = positiveInt(value, "'repeat'");
    else if (key == "layers")
      layers = value;
    else
      fail(keyLoc, "unknown field " + quoted(key) +
                       " in a repeat block; accepted fields: repeat, layers");
  });
  if (!layers)
    fail(locOf(n), "a repeat block needs 'layers', the layers of one copy");
  expectList(layers, "'layers' of a repeat block");
  if (layers.size() == 0)
    fail(locOf(layers), "'layers' of a repeat block must not be empty");
  for (const YAML::Node &l : layers) {
    if (l.IsMap() && l["repeat"])
      fail(locOf(l), "repeat blocks do not nest");
    // Each copy needs its own names, so every name says where the index goes.
    if (l.IsMap() && l["name"] && l["name"].IsScalar() &&
        l["name"].Scalar().find("{i}") == std::string::npos)
      fail(locOf(l["name"]), "a layer name in a repeat block must contain "
                             "'{i}' (the copy's index), got " +
                                 quoted(l["name"].Scalar()));
  }
  constexpr int64_t kMaxCopies = 4096;
  if (count > kMaxCopies)
    fail(locOf(n["repeat"]), "'repeat' is at most " +
                                 std::to_string(kMaxCopies) + ", got " +
                                 std::to_string(count));
  for (int64_t i = 0; i < count; ++i) {
    Copy copy{true, i, ""};
    if (!model.layers.empty())
      copy.input = model.layers.back().name;
    else
      for (const Input &in : model.inputs)
        if (!in.graph && copy.input.empty())
          copy.input = in.name;
    for (const YAML::Node &l : layers)
      model.layers.push_back(parseLayer(l, copy));
  }
}

void parseTop(const YAML::Node &root, Model &model) {
  if (!root.IsMap())
    fail(locOf(root), "a model description must be a mapping with 'name', "
                      "'inputs', 'layers' and optionally 'outputs'");
  bool hasName = false, hasInputs = false, hasLayers = false;
  forEachEntry(root, "the model", [&](const std::string &key, Loc keyLoc,
                                      const YAML::Node &value) {
    if (key == "name") {
      hasName = true;
      model.nameLoc = locOf(value);
      model.name = scalar(value, "'name'");
      if (!isIdentifier(model.name, /*allowDots=*/false))
        fail(model.nameLoc, "the model 'name' names the entry point and must "
                            "be a C identifier, got " +
                                quoted(model.name));
    } else if (key == "description") {
      // Free text for people.
    } else if (key == "inputs") {
      hasInputs = true;
      expectList(value, "'inputs'");
      for (const YAML::Node &in : value)
        model.inputs.push_back(parseInput(in));
    } else if (key == "layers") {
      hasLayers = true;
      expectList(value, "'layers'");
      for (const YAML::Node &l : value) {
        if (l.IsMap() && l["repeat"])
          parseRepeat(l, model);
        else
          model.layers.push_back(parseLayer(l, Copy()));
      }
      if (model.layers.empty())
        fail(locOf(value), "'layers' must not be empty");
    } else if (key == "outputs") {
      if (value.IsScalar()) {
        model.outputs.push_back(nameValue(value, "an output"));
        model.outputLocs.push_back(locOf(value));
        return;
      }
      expectList(value, "'outputs'");
      for (const YAML::Node &o : value) {
        model.outputs.push_back(nameValue(o, "an output"));
        model.outputLocs.push_back(locOf(o));
      }
    } else {
      fail(keyLoc, "unknown field " + quoted(key) +
                       " in the model; accepted fields: name, description, "
                       "inputs, layers, outputs");
    }
  });
  Loc top = locOf(root);
  if (!hasName)
    fail(top, "the model needs a 'name'");
  if (!hasInputs)
    fail(top, "the model needs 'inputs'");
  if (!hasLayers)
    fail(top, "the model needs 'layers'");
}

} // namespace

const std::vector<std::string> &layerKinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> out;
    for (const KindSpec &k : kindSpecs())
      out.push_back(k.kind);
    return out;
  }();
  return kinds;
}

/// Where a document's first node starts, and whether the document is only
/// an implicit null; events only, nothing is built.
class FirstNode : public YAML::EventHandler {
public:
  bool seen = false, onlyNull = true;
  YAML::Mark mark;

  void OnDocumentStart(const YAML::Mark &) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark &m, YAML::anchor_t) override { node(m, true); }
  void OnAlias(const YAML::Mark &m, YAML::anchor_t) override { node(m); }
  void OnScalar(const YAML::Mark &m, const std::string &, YAML::anchor_t,
                const std::string &) override {
    node(m);
  }
  void OnSequenceStart(const YAML::Mark &m, const std::string &,
                       YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark &m, const std::string &, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnMapEnd() override {}

private:
  void node(const YAML::Mark &m, bool null = false) {
    if (!seen)
      mark = m;
    seen = true;
    onlyNull = onlyNull && null;
  }
};

/// Fails unless `text` holds at most one YAML document. Not YAML::LoadAll:
/// in yaml-cpp 0.7 it loops forever, adding null documents, on a stray
/// token after the first document (", x" or "]"; fixed upstream in
/// yaml-cpp PR 1319); this reads at most two documents.
void expectOneDocument(const std::string &text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  FirstNode first, second;
  if (!parser.HandleNextDocument(first) || !parser.HandleNextDocument(second))
    return;
  // yaml-cpp reports a token that starts no node as an empty document.
  if (second.onlyNull)
    fail(locOf(second.mark), "invalid YAML: unexpected text after the "
                             "document");
  fail(locOf(second.mark), "a model description is one YAML document, "
                           "but a second one starts here");
}

bool parseModel(const std::string &text, Model &model, const ErrorSink &error) {
  try {
    // A second document would otherwise be ignored without a word.
    expectOneDocument(text);
    parseTop(YAML::Load(text), model);
    return true;
  } catch (const ParseError &e) {
    error(e.loc, e.message);
  } catch (const YAML::DeepRecursion &e) {
    // yaml-cpp stops a runaway recursion with the message "bad file".
    error(locOf(e.mark), "invalid YAML: lists and mappings are nested too "
                         "deeply here (past the parser's limit); a model "
                         "description nests 4 levels");
  } catch (const YAML::Exception &e) {
    error(locOf(e.mark), "invalid YAML: " + printable(e.msg));
  } catch (const std::exception &e) {
    error(Loc{}, "cannot read the description: " + printable(e.what()));
  }
  return false;
}

} // namespace attnc::model
