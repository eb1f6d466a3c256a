//===- OnnxLoad.cpp - ONNX protobuf to the plain graph ----------------------===//
//
// The one file that sees protobuf: Debian's libonnx-dev ships the message
// classes of onnx.proto (libonnx_proto, built against Debian's protobuf),
// so no schema is vendored and no protoc step runs. Fields newer than ONNX
// 1.12's schema are kept by protobuf as unknown fields and ignored; none of
// them changes the meaning of the ops the importer maps.
//
//===----------------------------------------------------------------------===//
#include "frontends/onnx/OnnxGraph.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>

namespace attnc::onnx {

std::string elemTypeName(int type) {
  switch (type) {
  case kFloat: return "float";
  case kUint8: return "uint8";
  case kInt8: return "int8";
  case kInt16: return "int16";
  case kInt32: return "int32";
  case kInt64: return "int64";
  case kBool: return "bool";
  case kFloat16: return "float16";
  case kDouble: return "double";
  case kUint32: return "uint32";
  case kUint64: return "uint64";
  case kBfloat16: return "bfloat16";
  default: return "type " + std::to_string(type);
  }
}

bool isFloatType(int type) {
  return type == kFloat || type == kDouble || type == kFloat16 ||
         type == kBfloat16;
}

namespace {

/// Bytes per element, 0 for types the importer does not read.
size_t elemSize(int type) {
  switch (type) {
  case kBool: case kUint8: case kInt8: return 1;
  case kInt16: case kFloat16: case kBfloat16: return 2;
  case kFloat: case kInt32: case kUint32: return 4;
  case kInt64: case kDouble: case kUint64: return 8;
  default: return 0;
  }
}

template <typename T> void appendRaw(std::string &raw, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  raw.append(bytes, sizeof(T));
}

/// `where` names the tensor for messages.
bool readTensor(const ::onnx::TensorProto &t, const std::string &folder,
                Initializer &out, const std::string &where,
                std::string &error) {
  out.type = t.data_type();
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && count > (int64_t(1) << 40) / d)) {
      error = where + ": bad dims";
      return false;
    }
    out.shape.push_back(d);
    count *= d;
  }
  size_t size = elemSize(out.type);
  if (size == 0) {
    error = where + ": element type " + elemTypeName(out.type) +
            " is not supported";
    return false;
  }
  size_t bytes = static_cast<size_t>(count) * size;
  if (t.data_location() == ::onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &kv : t.external_data()) {
      if (kv.key() == "location")
        location = kv.value();
      else if (kv.key() == "offset")
        offset = std::atoll(kv.value().c_str());
      else if (kv.key() == "length")
        length = std::atoll(kv.value().c_str());
    }
    // As the ONNX checker: external files live beside the model.
    if (location.empty() || location[0] == '/' ||
        location.find("..") != std::string::npos) {
      error = where + ": external data location '" + location +
              "' must be a relative path inside the model's folder";
      return false;
    }
    if (length >= 0 && static_cast<size_t>(length) != bytes) {
      error = where + ": external data length " + std::to_string(length) +
              " does not match its " + std::to_string(bytes) + " bytes";
      return false;
    }
    std::string file = folder + location;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      error = where + ": cannot open external data file '" + file + "'";
      return false;
    }
    in.seekg(0, std::ios::end);
    int64_t fileSize = in.tellg();
    if (offset < 0 || offset + static_cast<int64_t>(bytes) > fileSize) {
      error = where + ": external data at offset " + std::to_string(offset) +
              " (" + std::to_string(bytes) + " bytes) lies outside '" + file +
              "' (" + std::to_string(fileSize) + " bytes)";
      return false;
    }
    in.seekg(offset);
    out.raw.resize(bytes);
    in.read(out.raw.data(), static_cast<std::streamsize>(bytes));
    return true;
  }
  if (t.has_raw_data()) {
    out.raw = t.raw_data();
  } else {
    switch (out.type) {
    case kFloat:
      for (float f : t.float_data()) appendRaw(out.raw, f);
      break;
    case kDouble:
      for (double f : t.double_data()) appendRaw(out.raw, f);
      break;
    case kInt64:
      for (int64_t v : t.int64_data()) appendRaw(out.raw, v);
      break;
    case kUint32: case kUint64:
      for (uint64_t v : t.uint64_data())
        size == 4 ? appendRaw(out.raw, static_cast<uint32_t>(v))
                  : appendRaw(out.raw, v);
      break;
    default: // int32, int16, int8, uint8, bool, float16, bfloat16
      for (int32_t v : t.int32_data()) {
        if (size == 4) appendRaw(out.raw, v);
        else if (size == 2) appendRaw(out.raw, static_cast<uint16_t>(v));
        else appendRaw(out.raw, static_cast<uint8_t>(v));
      }
    }
  }
  if (out.raw.size() != bytes) {
    error = where + ": holds " + std::to_string(out.raw.size()) +
            " bytes of data for " + std::to_string(count) + " " +
            elemTypeName(out.type) + " elements";
    return false;
  }
  return true;
}

ValueInfo readValueInfo(const ::onnx::ValueInfoProto &vi) {
  ValueInfo out;
  out.name = vi.name();
  if (vi.type().has_tensor_type()) {
    const auto &tt = vi.type().tensor_type();
    out.type = tt.elem_type();
    if (tt.has_shape()) {
      out.hasShape = true;
      for (const auto &d : tt.shape().dim()) {
        GraphDim g;
        if (d.has_dim_value())
          g.value = d.dim_value();
        else if (d.has_dim_param())
          g.param = d.dim_param();
        out.dims.push_back(g);
      }
    }
  }
  return out;
}

} // namespace

std::string schemaProblem(const Node &n) {
  if (!n.domain.empty() && n.domain != "ai.onnx")
    return "operator domain '" + n.domain + "' is not supported";
  // Inputs each operator takes across the opsets attnc reads (1 to 23): the
  // fewest any of them requires and the most any allows (-1: variadic).
  struct Arity {
    int min, max;
    std::initializer_list<const char *> ops;
  };
  static const Arity kArity[] = {
      {0, 0, {"Constant"}},
      {1, 1, {"Abs", "Cast", "ConstantOfShape", "Elu", "Erf", "Exp", "Flatten",
              "Gelu", "Identity", "IsNaN", "Neg", "Not", "Relu", "Shape",
              "Sigmoid", "Size", "Softmax", "Sqrt", "Tanh", "Transpose"}},
      {2, 2, {"Add", "And", "BitwiseAnd", "CastLike", "Div", "Equal", "Expand",
              "Gather", "GatherElements", "GatherND", "Greater",
              "GreaterOrEqual", "Less", "LessOrEqual", "MatMul", "Mod", "Mul",
              "Or", "Pow", "Reshape", "Sub", "Tile", "Xor"}},
      {1, 2, {"ReduceL2", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
              "ReduceSum", "Squeeze", "Unsqueeze"}},
      {1, 3, {"Clip", "Dropout"}},
      {2, 3, {"Gemm", "LayerNormalization"}},
      {3, 3, {"Range", "Where"}},
      {1, 5, {"Slice"}},
      {3, 6, {"Attention"}},
      {1, -1, {"Concat", "Max", "Mean", "Min", "Sum"}},
  };
  const Arity *a = std::find_if(
      std::begin(kArity), std::end(kArity), [&](const Arity &c) {
        return std::find(c.ops.begin(), c.ops.end(), n.op) != c.ops.end();
      });
  if (a == std::end(kArity))
    return "";
  auto inputs = [](int k) {
    return std::to_string(k) + (k == 1 ? " input" : " inputs");
  };
  int have = static_cast<int>(n.inputs.size());
  if (have < a->min || (a->max >= 0 && have > a->max))
    return n.op + " takes " +
           (a->max < 0          ? "at least " + inputs(a->min)
            : a->min == a->max ? inputs(a->min)
                               : std::to_string(a->min) + " to " +
                                     inputs(a->max)) +
           ", the node has " + std::to_string(have);
  for (int i = 0; i < a->min; ++i)
    if (n.inputs[i].empty())
      return "input " + std::to_string(i) + " of a " + n.op +
             " is required but left empty";
  if (n.outputs.empty() || n.outputs[0].empty())
    return "a " + n.op + " node needs an output";
  return "";
}

bool loadGraph(const std::string &path, Graph &graph, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read the file";
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  ::onnx::ModelProto model;
  if (!model.ParseFromString(buffer.str())) {
    error = "not an ONNX model: the protobuf does not parse as a ModelProto";
    return false;
  }
  if (!model.has_graph()) {
    error = "the ONNX model has no graph";
    return false;
  }
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      graph.opset = o.version();
  std::string folder;
  if (size_t slash = path.rfind('/'); slash != std::string::npos)
    folder = path.substr(0, slash + 1);
  const ::onnx::GraphProto &g = model.graph();
  graph.name = g.name();
  for (const auto &t : g.initializer()) {
    Initializer init;
    if (!readTensor(t, folder, init, "initializer '" + t.name() + "'", error))
      return false;
    graph.initializers[t.name()] = std::move(init);
  }
  for (const auto &vi : g.input())
    if (!graph.initializers.count(vi.name()))
      graph.inputs.push_back(readValueInfo(vi));
  for (const auto &vi : g.output())
    graph.outputs.push_back(readValueInfo(vi));
  int index = 0;
  for (const auto &n : g.node()) {
    Node node;
    node.index = index++;
    node.name = n.name();
    node.op = n.op_type();
    node.domain = n.domain();
    node.inputs.assign(n.input().begin(), n.input().end());
    node.outputs.assign(n.output().begin(), n.output().end());
    for (const auto &a : n.attribute()) {
      Attribute attr;
      switch (a.type()) {
      case ::onnx::AttributeProto::FLOAT:
        attr.kind = Attribute::Float, attr.f = a.f();
        break;
      case ::onnx::AttributeProto::INT:
        attr.kind = Attribute::Int, attr.i = a.i();
        break;
      case ::onnx::AttributeProto::STRING:
        attr.kind = Attribute::String, attr.s = a.s();
        break;
      case ::onnx::AttributeProto::TENSOR:
        attr.kind = Attribute::TensorValue;
        if (!readTensor(a.t(), folder, attr.t,
                        "attribute '" + a.name() + "' of node '" + n.name() +
                            "'",
                        error))
          return false;
        break;
      case ::onnx::AttributeProto::FLOATS:
        attr.kind = Attribute::Floats;
        attr.floats.assign(a.floats().begin(), a.floats().end());
        break;
      case ::onnx::AttributeProto::INTS:
        attr.kind = Attribute::Ints;
        attr.ints.assign(a.ints().begin(), a.ints().end());
        break;
      default:
        attr.kind = Attribute::Other; // graphs, sparse tensors, type protos
      }
      node.attrs[a.name()] = std::move(attr);
    }
    graph.nodes.push_back(std::move(node));
  }
  return true;
}

} // namespace attnc::onnx
