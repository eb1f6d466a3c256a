//===- ModelDescription.h - the parsed form of a model description -*- C++ -*-===//
//
// The AST of a model description (docs/model-format.md), produced by
// ModelParser from YAML and consumed by ModelGen. It holds what was written,
// checked for form (known kinds and fields, values of the right type) but not
// for meaning (shapes, references): that is ModelGen's job, as in the Toy
// tutorial's AST/MLIRGen split. Every element keeps its 1-based line and
// column so that errors point into the user's file.
//
// Plain standard C++: no YAML or MLIR types, so both sides can include it.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_FRONTENDS_MODEL_MODELDESCRIPTION_H
#define ATTNC_FRONTENDS_MODEL_MODELDESCRIPTION_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attnc::model {

/// A position in the description, 1-based.
struct Loc {
  int line = 1;
  int col = 1;
};

/// One dimension of a declared shape: a number, or a symbolic size that
/// becomes a `?` dim in the IR. Two symbolic dims are the same size exactly
/// when they have the same name; a name never equals a number.
struct Dim {
  int64_t size = -1; // -1: symbolic
  std::string symbol;
  Loc loc;
  bool isSymbolic() const { return size < 0; }
  bool operator==(const Dim &o) const {
    return isSymbolic() ? o.isSymbolic() && symbol == o.symbol
                        : !o.isSymbolic() && size == o.size;
  }
  bool operator!=(const Dim &o) const { return !(*this == o); }
};

/// A declared input: a tensor, or a graph in CSR form (two entry arguments,
/// `<name>.row_offsets` and `<name>.col_indices`). A `[rows, cols]` tensor
/// with `layout: csr` is passed sparse, as three entry arguments
/// (`<name>.row_offsets`, `<name>.col_indices`, `<name>.values`).
struct Input {
  std::string name;
  Loc loc;      // the input's mapping
  bool graph = false;
  bool sparse = false; // layout: csr
  Loc layoutLoc;
  std::string dtype; // f32, f64, i32, i64, bool
  Loc dtypeLoc;
  std::vector<Dim> shape; // tensors
  Dim nodes, edges;       // graphs
};

/// A field of a layer, converted to the type its schema gives it.
struct FieldValue {
  Loc keyLoc;    // where the field's name is
  Loc loc;       // where its value is
  int64_t i = 0; // integers
  double f = 0;  // floats
  bool b = false;
  std::string s;                 // names and enum values
  std::vector<std::string> list; // lists of names or enum values
  std::vector<Loc> listLocs;
  int64_t left = 0, right = 0; // windows
  Loc leftLoc, rightLoc;
  /// Name maps (`parameters`): key -> name, in the order written; the keys'
  /// locations in `listLocs`.
  std::vector<std::pair<std::string, std::string>> map;
};

/// A layer: its name, kind and the fields written for it.
struct Layer {
  std::string name;
  std::string kind;
  Loc loc; // the layer's mapping
  Loc kindLoc;
  std::map<std::string, FieldValue> fields;

  const FieldValue *get(const std::string &field) const {
    auto it = fields.find(field);
    return it == fields.end() ? nullptr : &it->second;
  }
  bool has(const std::string &field) const { return get(field) != nullptr; }
  int64_t getInt(const std::string &field, int64_t otherwise) const {
    const FieldValue *v = get(field);
    return v ? v->i : otherwise;
  }
  double getFloat(const std::string &field, double otherwise) const {
    const FieldValue *v = get(field);
    return v ? v->f : otherwise;
  }
  bool getBool(const std::string &field, bool otherwise) const {
    const FieldValue *v = get(field);
    return v ? v->b : otherwise;
  }
  std::string getString(const std::string &field,
                        const std::string &otherwise) const {
    const FieldValue *v = get(field);
    return v ? v->s : otherwise;
  }
  /// The location of a field's value, or of the layer when it is absent.
  Loc locOf(const std::string &field) const {
    const FieldValue *v = get(field);
    return v ? v->loc : loc;
  }
};

/// A whole description.
struct Model {
  std::string name;
  Loc nameLoc;
  std::vector<Input> inputs;
  std::vector<Layer> layers;
  std::vector<std::string> outputs; // empty: the last layer
  std::vector<Loc> outputLocs;
};

} // namespace attnc::model

#endif // ATTNC_FRONTENDS_MODEL_MODELDESCRIPTION_H
