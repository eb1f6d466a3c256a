//===- OnnxGraph.h - an ONNX graph as plain C++ -------------------*- C++ -*-===//
//
// What the importer reads from an ONNX file, copied out of the protobuf
// messages (OnnxLoad.cpp is the only file that sees them): nodes with their
// attributes, graph inputs and outputs with their dims, and initializers
// as raw little-endian bytes (external data already read in). The small
// evaluator (OnnxEval.h) and the recogniser (OnnxImporter.cpp) work on this.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_FRONTENDS_ONNX_ONNXGRAPH_H
#define ATTNC_FRONTENDS_ONNX_ONNXGRAPH_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attnc::onnx {

/// ONNX TensorProto.DataType codes the importer handles.
enum ElemType : int {
  kFloat = 1, kUint8 = 2, kInt8 = 3, kInt16 = 5, kInt32 = 6, kInt64 = 7,
  kBool = 9, kFloat16 = 10, kDouble = 11, kUint32 = 12, kUint64 = 13,
  kBfloat16 = 16,
};
/// "float", "int64", ... for messages; "type N" for others.
std::string elemTypeName(int type);
bool isFloatType(int type);

/// A small tensor the evaluator computes with: every element as a double
/// (int64 shape arithmetic is exact below 2^53), with its ONNX type.
struct Tensor {
  int type = kFloat;
  std::vector<int64_t> shape;
  std::vector<double> v;
  /// Elements: 0 when an extent is 0; INT64_MAX when the product does not
  /// fit or an extent is negative (shapes computed from a hostile graph),
  /// which every size limit then refuses.
  int64_t count() const {
    for (int64_t d : shape)
      if (d == 0)
        return 0;
    int64_t n = 1;
    for (int64_t d : shape) {
      if (d < 0 || n > INT64_MAX / d)
        return INT64_MAX;
      n *= d;
    }
    return n;
  }
};

/// An initializer: its elements as raw little-endian bytes.
struct Initializer {
  int type = kFloat;
  std::vector<int64_t> shape;
  std::string raw;
};

struct Attribute {
  enum Kind { Float, Int, String, TensorValue, Floats, Ints, Strings, Other };
  Kind kind = Other;
  double f = 0;
  int64_t i = 0;
  std::string s;
  std::vector<double> floats;
  std::vector<int64_t> ints;
  Initializer t;
};

struct Node {
  int index = 0; // position in the graph, 0-based
  std::string name, op, domain;
  std::vector<std::string> inputs, outputs; // "" for an absent optional input
  std::map<std::string, Attribute> attrs;
  const Attribute *attr(const std::string &n) const {
    auto it = attrs.find(n);
    return it == attrs.end() ? nullptr : &it->second;
  }
  int64_t getInt(const std::string &n, int64_t otherwise) const {
    const Attribute *a = attr(n);
    return a ? a->i : otherwise;
  }
  double getFloat(const std::string &n, double otherwise) const {
    const Attribute *a = attr(n);
    return a ? a->f : otherwise;
  }
};

/// One dim of a graph input or output: a number, or a named (dim_param) or
/// unnamed symbolic size.
struct GraphDim {
  int64_t value = -1;
  std::string param;
};

struct ValueInfo {
  std::string name;
  int type = 0; // 0: not a tensor, or unknown
  std::vector<GraphDim> dims;
  bool hasShape = false;
};

struct Graph {
  std::string name;
  int64_t opset = 0; // of the default ("" / ai.onnx) domain
  std::vector<Node> nodes;
  std::vector<ValueInfo> inputs, outputs; // inputs without initializers
  std::map<std::string, Initializer> initializers;
};

/// Reads `path` (and the external data files it names, relative to its
/// folder). Returns false with a one-line reason in `error`.
bool loadGraph(const std::string &path, Graph &graph, std::string &error);

/// Why attnc cannot read node `n` as its operator's schema defines it: an
/// operator domain other than the default, or a number of inputs or
/// outputs the schema does not allow (required inputs named, at least one
/// output); "" when it is well-formed or its operator is not one attnc
/// reads. The importer and the evaluator match nodes by op type alone and
/// index their inputs by position, so every node is checked before either
/// looks at it.
std::string schemaProblem(const Node &n);

} // namespace attnc::onnx

#endif // ATTNC_FRONTENDS_ONNX_ONNXGRAPH_H
