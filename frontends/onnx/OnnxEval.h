//===- OnnxEval.h - evaluate the static parts of an ONNX graph ----*- C++ -*-===//
//
// Exporters compute shapes, position ids and padding masks with dozens of
// small nodes (Shape, Gather, Range, Unsqueeze, Where, ...) whose form
// changes with every exporter and transformers release. The importer does
// not match those subgraphs node by node: it evaluates them on probe sizes
// and probe masks and checks what they compute (a reshape to [B, S, H, D],
// arange(S), a key-padding mask). This is the small interpreter that does
// it, on tensors of a few hundred elements, in double precision.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_FRONTENDS_ONNX_ONNXEVAL_H
#define ATTNC_FRONTENDS_ONNX_ONNXEVAL_H

#include "frontends/onnx/OnnxGraph.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace attnc::onnx {

/// Why a value cannot be evaluated: the node (index, -1 for none) and a
/// one-line reason.
struct EvalError {
  int node;
  std::string message;
};

/// One probe: sizes for the symbolic dims, contents for the mask inputs,
/// and values given directly (an activation's sample points).
struct Probe {
  std::map<std::string, int64_t> dims;
  std::map<std::string, Tensor> values;
  std::map<std::string, Tensor> cache;
};

class Evaluator {
public:
  /// `dynamicShape` gives the shape, under a probe, of a value that depends
  /// on model data (activations): such values cannot be evaluated, but
  /// Shape of them can.
  using ShapeFn = std::function<std::optional<std::vector<int64_t>>(
      const std::string &, const Probe &)>;
  Evaluator(const Graph &graph, ShapeFn dynamicShape);

  /// The value `name` under `probe`; throws EvalError.
  const Tensor &eval(const std::string &name, Probe &probe);
  /// Initializer `name` as a tensor.
  Tensor initializer(const std::string &name) const;
  /// The node producing `name`, or null (inputs, initializers).
  const Node *producer(const std::string &name) const;

private:
  Tensor evalNode(const Node &node, const std::string &output, Probe &probe);

  const Graph &graph;
  ShapeFn dynamicShape;
  std::map<std::string, const Node *> producers;
  int depth = 0;
};

/// `t`'s raw initializer bytes as a tensor of doubles.
Tensor toTensor(const Initializer &init);

} // namespace attnc::onnx

#endif // ATTNC_FRONTENDS_ONNX_ONNXEVAL_H
