//===- TranslateToKernelGraph.cpp - attn IR -> kernel graphs --------------===//
#include "compiler/Target/Halide/TranslateToKernelGraph.h"

#include "dialects/attn/IR/AttnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/TypeSwitch.h"

#include <map>
#include <set>

using namespace mlir;

namespace attnc {

namespace {

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

class Translator {
public:
  explicit Translator(func::FuncOp fn) : func(fn) {}

  LogicalResult run(kg::Function &out) {
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
    nameDims();
    out.values = values;
    out.inputs = inputs;
    out.outputs = outputs;
    out.nodes = nodes;
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
  void same(Value a, int da, Value b, int db) {
    dims.unionSets(dimKey(a, da), dimKey(b, db));
  }
  void hint(Value v, int d, const char *name) {
    hints.emplace(dimKey(v, d), name);
  }

  LogicalResult translate(Operation *op) {
    kg::Node node;
    node.loc = locString(op->getLoc());
    if (!isa<attn::AttnDialect>(op->getDialect()) || op->getNumResults() < 1)
      return op->emitError()
             << "'" << op->getName()
             << "' cannot be compiled by attnc's CPU backend; only attn ops "
                "may appear in an entry function";
    if (failed(addValue(op->getResult(0), node.result)))
      return failure();
    for (unsigned r = 1; r < op->getNumResults(); ++r)
      if (failed(addValue(op->getResult(r),
                          node.extraResults.emplace_back())))
        return failure();
    LogicalResult result =
        llvm::TypeSwitch<Operation *, LogicalResult>(op)
            .Case([&](attn::AttentionOp a) { return attention(a, node); })
            .Case([&](attn::GraphAttentionOp a) { return graph(a, node); })
            .Case([&](attn::ScoreOp a) {
              node.kind = kg::OpKind::Score;
              node.scale = a.getScale().convertToDouble();
              node.operands = {idOf(a.getQuery()), idOf(a.getKey())};
              Value q = a.getQuery(), k = a.getKey(), r = a.getResult();
              same(q, 0, k, 0), same(q, 0, r, 0), same(q, 1, r, 1);
              same(q, 2, r, 2), same(k, 2, r, 3), same(q, 3, k, 3);
              return success();
            })
            .Case([&](attn::SoftmaxOp a) {
              node.kind = kg::OpKind::Softmax;
              node.causal = a.getCausal();
              setWindow(node, a.getWindowAttr());
              node.operands = {idOf(a.getInput()), idOf(a.getMask()),
                               idOf(a.getBias()), idOf(a.getKeyLengths())};
              for (int d = 0; d < 4; ++d)
                same(a.getInput(), d, a.getResult(), d);
              if (a.getKeyLengths())
                same(a.getKeyLengths(), 0, a.getInput(), 0);
              return success();
            })
            .Case([&](attn::WeightedSumOp a) {
              node.kind = kg::OpKind::WeightedSum;
              node.operands = {idOf(a.getProbs()), idOf(a.getValue())};
              Value p = a.getProbs(), v = a.getValue(), r = a.getResult();
              same(p, 0, v, 0), same(p, 0, r, 0), same(p, 1, r, 1);
              same(p, 2, r, 2), same(p, 3, v, 2), same(v, 3, r, 3);
              return success();
            })
            .Case([&](attn::LinearOp a) {
              node.kind = kg::OpKind::Linear;
              node.operands = {idOf(a.getInput()), idOf(a.getWeight()),
                               idOf(a.getBias())};
              Value x = a.getInput(), w = a.getWeight(), r = a.getResult();
              int rank = a.getInput().getType().getRank();
              for (int d = 0; d + 1 < rank; ++d)
                same(x, d, r, d);
              same(x, rank - 1, w, 1), same(w, 0, r, rank - 1);
              if (a.getBias())
                same(a.getBias(), 0, w, 0);
              return success();
            })
            .Case([&](attn::SplitHeadsOp a) {
              node.kind = kg::OpKind::SplitHeads;
              node.heads = a.getHeads();
              node.operands = {idOf(a.getInput())};
              same(a.getInput(), 0, a.getResult(), 0);
              if (a.getInput().getType().getRank() == 3)
                same(a.getInput(), 1, a.getResult(), 2);
              return success();
            })
            .Case([&](attn::MergeHeadsOp a) {
              node.kind = kg::OpKind::MergeHeads;
              node.mean = a.getMean();
              node.operands = {idOf(a.getInput())};
              same(a.getInput(), 0, a.getResult(), 0);
              if (a.getInput().getType().getRank() == 4)
                same(a.getInput(), 2, a.getResult(), 1);
              return success();
            })
            .Case([&](attn::EmbeddingOp a) {
              node.kind = kg::OpKind::Embedding;
              node.operands = {idOf(a.getTable()), idOf(a.getIds())};
              int rank = a.getIds().getType().getRank();
              for (int d = 0; d < rank; ++d)
                same(a.getIds(), d, a.getResult(), d);
              same(a.getTable(), 1, a.getResult(), rank);
              return success();
            })
            .Case([&](attn::PositionalEncodingOp a) {
              node.kind = kg::OpKind::PositionalEncoding;
              node.learnedPositions =
                  a.getKind() == attn::PositionalKind::learned;
              node.operands = {idOf(a.getInput()), idOf(a.getTable())};
              sameShape(a.getInput(), a.getResult());
              return success();
            })
            .Case([&](attn::AddOp a) {
              node.kind = kg::OpKind::Add;
              node.operands = {idOf(a.getLhs()), idOf(a.getRhs())};
              sameShape(a.getLhs(), a.getResult());
              // A broadcast rhs dim may be 1: only full-rank rhs dims that
              // are not statically 1 must equal lhs's.
              auto lhsTy = a.getLhs().getType(), rhsTy = a.getRhs().getType();
              int offset = lhsTy.getRank() - rhsTy.getRank();
              for (int d = 0; d < rhsTy.getRank(); ++d)
                if (rhsTy.getDimSize(d) != 1 &&
                    !ShapedType::isDynamic(rhsTy.getDimSize(d)))
                  same(a.getRhs(), d, a.getLhs(), d + offset);
              return success();
            })
            .Case([&](attn::LayerNormOp a) {
              node.kind = kg::OpKind::LayerNorm;
              node.epsilon = a.getEpsilon().convertToDouble();
              node.operands = {idOf(a.getInput()), idOf(a.getGamma()),
                               idOf(a.getBeta())};
              sameShape(a.getInput(), a.getResult());
              int last = a.getInput().getType().getRank() - 1;
              same(a.getGamma(), 0, a.getInput(), last);
              same(a.getBeta(), 0, a.getInput(), last);
              return success();
            })
            .Case([&](attn::ActivationOp a) {
              node.kind = kg::OpKind::Activation;
              node.activation = activationKind(a.getKind());
              node.operands = {idOf(a.getInput())};
              sameShape(a.getInput(), a.getResult());
              return success();
            })
            .Case([&](attn::DropoutOp a) {
              node.kind = kg::OpKind::Dropout;
              node.rate = a.getRate().convertToDouble();
              node.salt = a.getSalt();
              node.operands = {idOf(a.getInput()), idOf(a.getSeed())};
              sameShape(a.getInput(), a.getResult());
              return success();
            })
            .Case([&](attn::LogSoftmaxOp a) {
              node.kind = kg::OpKind::LogSoftmax;
              node.operands = {idOf(a.getInput())};
              sameShape(a.getInput(), a.getResult());
              return success();
            })
            .Case([&](attn::NllLossOp a) {
              node.kind = kg::OpKind::NllLoss;
              node.operands = {idOf(a.getLogp()), idOf(a.getLabels()),
                               idOf(a.getMask())};
              same(a.getLogp(), 0, a.getLabels(), 0);
              same(a.getLogp(), 0, a.getMask(), 0);
              return success();
            })
            .Case([&](attn::NllLossGradOp a) {
              node.kind = kg::OpKind::NllLossGrad;
              node.operands = {idOf(a.getLogp()), idOf(a.getLabels()),
                               idOf(a.getMask())};
              same(a.getLogp(), 0, a.getLabels(), 0);
              same(a.getLogp(), 0, a.getMask(), 0);
              sameShape(a.getLogp(), a.getResult());
              return success();
            })
            .Case([&](attn::LogSoftmaxGradOp a) {
              node.kind = kg::OpKind::LogSoftmaxGrad;
              node.operands = {idOf(a.getOutput()), idOf(a.getGrad())};
              sameShape(a.getOutput(), a.getGrad());
              sameShape(a.getOutput(), a.getResult());
              return success();
            })
            .Case([&](attn::ActivationGradOp a) {
              node.kind = kg::OpKind::ActivationGrad;
              node.activation = activationKind(a.getKind());
              node.operands = {idOf(a.getInput()), idOf(a.getGrad())};
              sameShape(a.getInput(), a.getGrad());
              sameShape(a.getInput(), a.getResult());
              return success();
            })
            .Case([&](attn::LinearGradInputOp a) {
              node.kind = kg::OpKind::LinearGradInput;
              node.operands = {idOf(a.getGrad()), idOf(a.getWeight())};
              Value dy = a.getGrad(), w = a.getWeight(), r = a.getResult();
              int rank = cast<RankedTensorType>(dy.getType()).getRank();
              for (int d = 0; d + 1 < rank; ++d)
                same(dy, d, r, d);
              same(dy, rank - 1, w, 0), same(w, 1, r, rank - 1);
              return success();
            })
            .Case([&](attn::SparseLinearOp a) {
              node.kind = kg::OpKind::SparseLinear;
              if (auto rate = a.getInputDropout())
                node.rate = rate->convertToDouble();
              node.salt = a.getSalt();
              node.operands = {idOf(a.getRowOffsets()), idOf(a.getColIndices()),
                               idOf(a.getValues()),     idOf(a.getWeight()),
                               idOf(a.getBias()),       idOf(a.getSeed())};
              Value w = a.getWeight(), r = a.getResult();
              same(a.getColIndices(), 0, a.getValues(), 0);
              same(w, 0, r, 1);
              if (a.getBias())
                same(a.getBias(), 0, w, 0);
              hint(a.getColIndices(), 0, "nnz"), hint(r, 0, "N");
              sparseUses.push_back({a.getRowOffsets(), a.getColIndices(),
                                    dimKey(w, 1)});
              rowOffsetNodes.push_back({a.getRowOffsets(), r});
              return success();
            })
            .Case([&](attn::SparseLinearGradWeightOp a) {
              node.kind = kg::OpKind::SparseLinearGradWeight;
              if (auto rate = a.getInputDropout())
                node.rate = rate->convertToDouble();
              node.salt = a.getSalt();
              node.operands = {idOf(a.getGrad()), idOf(a.getRowOffsets()),
                               idOf(a.getColIndices()), idOf(a.getValues()),
                               idOf(a.getSeed())};
              Value dy = a.getGrad(), r = a.getResult();
              same(a.getColIndices(), 0, a.getValues(), 0);
              same(dy, 1, r, 0);
              hint(a.getColIndices(), 0, "nnz"), hint(dy, 0, "N");
              sparseUses.push_back({a.getRowOffsets(), a.getColIndices(),
                                    dimKey(r, 1)});
              rowOffsetNodes.push_back({a.getRowOffsets(), dy});
              return success();
            })
            .Case([&](attn::LinearGradWeightOp a) {
              node.kind = kg::OpKind::LinearGradWeight;
              node.operands = {idOf(a.getGrad()), idOf(a.getInput())};
              Value dy = a.getGrad(), x = a.getInput(), r = a.getResult();
              int rank = cast<RankedTensorType>(dy.getType()).getRank();
              for (int d = 0; d + 1 < rank; ++d)
                same(dy, d, x, d);
              same(dy, rank - 1, r, 0), same(x, rank - 1, r, 1);
              return success();
            })
            .Case([&](attn::ReduceToOp a) {
              node.kind = kg::OpKind::ReduceTo;
              node.operands = {idOf(a.getInput())};
              auto inTy = a.getInput().getType();
              auto outTy = a.getResult().getType();
              int offset = inTy.getRank() - outTy.getRank();
              for (int d = 0; d < outTy.getRank(); ++d)
                if (outTy.getDimSize(d) != 1 &&
                    inTy.getDimSize(d + offset) != 1)
                  same(a.getResult(), d, a.getInput(), d + offset);
              return success();
            })
            .Case([&](attn::MeanHeadsGradOp a) {
              node.kind = kg::OpKind::MeanHeadsGrad;
              node.heads = a.getHeads();
              node.operands = {idOf(a.getGrad())};
              same(a.getGrad(), 0, a.getResult(), 0);
              same(a.getGrad(), 1, a.getResult(), 2);
              return success();
            })
            .Case([&](attn::GraphAttentionGradOp a) {
              return graphGrad(a, node);
            })
            .Default([&](Operation *other) {
              return other->emitError() << "'" << other->getName()
                                        << "' has no Halide lowering yet";
            });
    if (failed(result))
      return failure();
    nodes.push_back(node);
    return success();
  }

  static kg::ActivationKind activationKind(attn::ActivationKind k) {
    return k == attn::ActivationKind::relu   ? kg::ActivationKind::Relu
           : k == attn::ActivationKind::gelu ? kg::ActivationKind::Gelu
                                             : kg::ActivationKind::Elu;
  }

  void sameShape(Value a, Value b) {
    int rank = cast<RankedTensorType>(a.getType()).getRank();
    for (int d = 0; d < rank; ++d)
      same(a, d, b, d);
  }

  void setWindow(kg::Node &node, attn::WindowAttr w) {
    if (!w)
      return;
    node.hasWindow = true;
    node.windowLeft = w.getLeft();
    node.windowRight = w.getRight();
  }

  LogicalResult attention(attn::AttentionOp a, kg::Node &node) {
    node.kind = kg::OpKind::Attention;
    setScale(node, a.getEffectiveScale());
    node.causal = a.getCausal();
    setWindow(node, a.getWindowAttr());
    node.operands = {idOf(a.getQuery()), idOf(a.getKey()), idOf(a.getValue()),
                     idOf(a.getMask()),  idOf(a.getBias()),
                     idOf(a.getKeyLengths())};
    Value q = a.getQuery(), k = a.getKey(), v = a.getValue();
    same(q, 0, k, 0), same(q, 0, v, 0), same(k, 1, v, 1), same(k, 2, v, 2);
    same(q, 3, k, 3);
    hint(q, 0, "B"), hint(q, 1, "Hq"), hint(q, 2, "Sq"), hint(q, 3, "D");
    hint(k, 1, "Hkv"), hint(k, 2, "Sk"), hint(v, 3, "Dv");
    if (a.getKeyLengths()) {
      same(a.getKeyLengths(), 0, q, 0);
      keyLengthUses.push_back({a.getKeyLengths(), k});
    }
    Value r = a.getResult();
    same(q, 0, r, 0), same(q, 1, r, 1), same(q, 2, r, 2), same(v, 3, r, 3);
    return success();
  }

  LogicalResult graph(attn::GraphAttentionOp a, kg::Node &node) {
    node.kind = kg::OpKind::GraphAttention;
    node.score = a.getScore() == attn::ScoreKind::additive
                     ? kg::ScoreKind::Additive
                     : kg::ScoreKind::ScaledDot;
    setScale(node, a.getEffectiveScale());
    if (auto slope = a.getNegativeSlope())
      node.negativeSlope = slope->convertToDouble();
    node.operands = {idOf(a.getQuery()),      idOf(a.getKey()),
                     idOf(a.getValue()),      idOf(a.getRowOffsets()),
                     idOf(a.getColIndices()), idOf(a.getAttnSrc()),
                     idOf(a.getAttnDst()),    idOf(a.getSeed())};
    if (auto rate = a.getAttentionDropout())
      node.rate = rate->convertToDouble();
    node.salt = a.getSalt();
    Value q = a.getQuery(), k = a.getKey(), v = a.getValue();
    same(q, 0, k, 0), same(q, 0, v, 0), same(q, 1, k, 1), same(q, 1, v, 1);
    same(q, 2, k, 2);
    hint(q, 0, "N"), hint(q, 1, "H"), hint(q, 2, "D"), hint(v, 2, "Dv");
    hint(a.getColIndices(), 0, "E");
    if (a.getAttnSrc()) {
      same(a.getAttnSrc(), 0, q, 1), same(a.getAttnSrc(), 1, q, 2);
      same(a.getAttnDst(), 0, q, 1), same(a.getAttnDst(), 1, q, 2);
    }
    Value r = a.getResult();
    same(q, 0, r, 0), same(q, 1, r, 1), same(v, 2, r, 2);
    csrUses.push_back({a.getRowOffsets(), a.getColIndices()});
    rowOffsetNodes.push_back({a.getRowOffsets(), q});
    return success();
  }

  LogicalResult graphGrad(attn::GraphAttentionGradOp a, kg::Node &node) {
    node.kind = kg::OpKind::GraphAttentionGrad;
    node.score = kg::ScoreKind::Additive;
    node.negativeSlope = a.getNegativeSlope().convertToDouble();
    if (auto rate = a.getAttentionDropout())
      node.rate = rate->convertToDouble();
    node.salt = a.getSalt();
    node.operands = {idOf(a.getQuery()),         idOf(a.getKey()),
                     idOf(a.getValue()),         idOf(a.getRowOffsets()),
                     idOf(a.getColIndices()),    idOf(a.getTOffsets()),
                     idOf(a.getTDestinations()), idOf(a.getTEdges()),
                     idOf(a.getAttnSrc()),       idOf(a.getAttnDst()),
                     idOf(a.getGrad()),          idOf(a.getSeed())};
    Value q = a.getQuery(), k = a.getKey(), v = a.getValue();
    same(q, 0, k, 0), same(q, 0, v, 0), same(q, 1, k, 1), same(q, 1, v, 1);
    same(q, 2, k, 2);
    hint(q, 0, "N"), hint(q, 1, "H"), hint(q, 2, "D"), hint(v, 2, "Dv");
    hint(a.getColIndices(), 0, "E");
    // The transposed graph has the same edges: E positions each.
    same(a.getColIndices(), 0, a.getTDestinations(), 0);
    same(a.getColIndices(), 0, a.getTEdges(), 0);
    for (Value vec : {a.getAttnSrc(), a.getAttnDst()})
      same(vec, 0, q, 1), same(vec, 1, q, 2);
    sameShape(v, a.getGrad());
    sameShape(q, a.getQueryGrad());
    sameShape(k, a.getKeyGrad());
    sameShape(v, a.getValueGrad());
    sameShape(a.getAttnSrc(), a.getSrcGrad());
    sameShape(a.getAttnDst(), a.getDstGrad());
    // Both graphs are checked like CSRs by the runtime: t_offsets has N + 1
    // entries and t_destinations are node ids. t_edges are CSR positions,
    // plain data the kernel clamps into [0, E).
    csrUses.push_back({a.getRowOffsets(), a.getColIndices()});
    csrUses.push_back({a.getTOffsets(), a.getTDestinations()});
    rowOffsetNodes.push_back({a.getRowOffsets(), q});
    rowOffsetNodes.push_back({a.getTOffsets(), q});
    return success();
  }

  void setScale(kg::Node &node, std::optional<double> scale) {
    node.scaleFromHeadDim = !scale.has_value();
    node.scale = scale.value_or(1.0);
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
      a.init = !init ? kg::InitKind::Glorot
               : init.getValue() == attn::InitKind::zeros ? kg::InitKind::Zeros
               : init.getValue() == attn::InitKind::ones  ? kg::InitKind::Ones
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
    std::string transposedError;
    func.walk([&](attn::GraphAttentionGradOp op) {
      int r = inputIndex(op.getRowOffsets());
      for (auto [v, role] : {std::pair{op.getTOffsets(), kg::Role::TOffsets},
                             {op.getTDestinations(), kg::Role::TDestinations},
                             {op.getTEdges(), kg::Role::TEdges}}) {
        int t = inputIndex(v);
        if (t < 0 || r < 0) {
          transposedError = "the transposed graph of attn.graph_attention_grad "
                            "and its forward graph must be arguments of '" +
                            func.getSymName().str() +
                            "', so that the runtime can compute it";
          continue;
        }
        derived[t].role = role;
        derived[t].relatedArg = r;
      }
    });
    if (!transposedError.empty())
      return func.emitError() << transposedError;
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
    auto sparseValues = [&](Value v) {
      if (int i = inputIndex(v); i >= 0)
        derived[i].role = kg::Role::SparseValues;
    };
    func.walk([&](attn::SparseLinearOp op) { sparseValues(op.getValues()); });
    func.walk([&](attn::SparseLinearGradWeightOp op) {
      sparseValues(op.getValues());
    });
    for (auto [lengths, key] : keyLengthUses) {
      int l = inputIndex(lengths);
      if (l < 0)
        continue; // computed in the kernel: nothing to check at the boundary
      derived[l].role = kg::Role::KeyLengths;
      auto [arg, dim] = argumentCarrying(dimKey(key, 2), /*inputsOnly=*/true);
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
  std::vector<kg::Node> nodes;
  llvm::EquivalenceClasses<int64_t> dims;
  std::multimap<int64_t, const char *> hints;
  std::vector<std::pair<Value, Value>> csrUses, keyLengthUses,
      rowOffsetNodes;
  struct SparseUse {
    Value rows, cols;
    int64_t columnsKey; // dimKey of a value whose extent is the column count
  };
  std::vector<SparseUse> sparseUses;
};

} // namespace

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
