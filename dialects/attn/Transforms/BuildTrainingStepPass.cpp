//===- BuildTrainingStepPass.cpp - reverse-mode training steps ------------===//
#include "dialects/attn/IR/AttnOps.h"
#include "dialects/attn/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::attn {
#define GEN_PASS_DEF_BUILDTRAININGSTEPPASS
#include "dialects/attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

namespace {

StringRef argName(func::FuncOp fn, unsigned i) {
  if (auto name = fn.getArgAttrOfType<StringAttr>(i, "attn.name"))
    return name.getValue();
  return "";
}

/// Parameters are the inputs whose role says so (set by the frontend, or
/// by hand in IR: `{attn.role = #attn.role<parameter>}`); names carry no
/// meaning.
bool isParameter(func::FuncOp fn, unsigned i) {
  auto role = fn.getArgAttrOfType<RoleAttr>(i, AttnDialect::kRoleAttr);
  return role && role.getValue() == Role::parameter;
}

/// "graph.row_offsets" -> "graph"; an unnamed graph gets "graph<k>".
std::string graphBase(StringRef rowsName, unsigned k) {
  if (rowsName.consume_back(".row_offsets") && !rowsName.empty())
    return rowsName.str();
  return "graph" + std::to_string(k);
}

class TrainingStepBuilder : public GradientContext {
public:
  TrainingStepBuilder(func::FuncOp forward) : forward(forward) {}

  LogicalResult build() {
    if (forward.getNumResults() != 1)
      return forward.emitError()
             << "a training step needs a single log-probability result, '"
             << forward.getSymName() << "' has " << forward.getNumResults();
    auto logpTy = dyn_cast<RankedTensorType>(forward.getResultTypes()[0]);
    if (!logpTy || logpTy.getRank() != 2)
      return forward.emitError() << "a training step needs a [rows, classes] "
                                    "log-probability result, got "
                                 << forward.getResultTypes()[0];
    collectGraphs();
    createFunction(logpTy);
    cloneForward();
    setTrainingMode();
    return buildLossAndGradients();
  }

  std::array<Value, 3> transposedGraph(Value rows, Value) override {
    auto it = csc.find(rows);
    assert(it != csc.end() && "graph collected before the sweep");
    return it->second;
  }

  bool needsGradient(Value v) const override { return active.contains(v); }

private:
  /// The CSR operands of graph attentions, which must be function inputs.
  void collectGraphs() {
    forward.walk([&](GraphAttentionOp op) {
      if (auto arg = dyn_cast<BlockArgument>(op.getRowOffsets()))
        graphs.insert({arg.getArgNumber(), op.getColIndices()});
    });
  }

  void createFunction(RankedTensorType logpTy) {
    MLIRContext *ctx = forward.getContext();
    OpBuilder b(ctx);
    b.setInsertionPointAfter(forward);
    Location loc = forward.getLoc();
    int64_t rows = logpTy.getDimSize(0);
    SmallVector<Type> inputs(forward.getArgumentTypes());
    // The forward inputs keep their attributes (names, roles, init rules);
    // the step's own inputs and results get theirs here.
    SmallVector<NamedAttrList> argAttrs;
    for (unsigned i = 0; i < forward.getNumArguments(); ++i)
      argAttrs.emplace_back(forward.getArgAttrDict(i));
    auto attrs = [&](StringRef name, Role role) {
      NamedAttrList list;
      list.set("attn.name", b.getStringAttr(name));
      list.set(AttnDialect::kRoleAttr, RoleAttr::get(ctx, role));
      return list;
    };
    auto add = [&](Type t, NamedAttrList list) {
      inputs.push_back(t);
      argAttrs.push_back(std::move(list));
    };
    add(RankedTensorType::get({rows}, b.getI32Type()),
        attrs("labels", Role::labels));
    add(RankedTensorType::get({rows}, b.getI1Type()),
        attrs("train_mask", Role::loss_mask));
    add(RankedTensorType::get({1}, b.getI64Type()), attrs("seed", Role::seed));
    // The transposed graph of each graph, which the runtime computes from
    // the forward graph (argument `rowsArg`) before every call.
    unsigned k = 0;
    for (auto &[rowsArg, cols] : graphs) {
      std::string base = graphBase(argName(forward, rowsArg), k++);
      Type rowsTy = forward.getArgument(rowsArg).getType();
      auto transposed = [&, rowsArg = rowsArg](StringRef suffix, Role role) {
        NamedAttrList list = attrs(base + suffix.str(), role);
        list.set(AttnDialect::kTransposeOfAttr, b.getI64IntegerAttr(rowsArg));
        return list;
      };
      add(rowsTy, transposed(".t_offsets", Role::t_offsets));
      add(cols.getType(), transposed(".t_destinations", Role::t_destinations));
      add(cols.getType(), transposed(".t_edges", Role::t_edges));
    }
    SmallVector<Type> results = {RankedTensorType::get({1}, logpTy.getElementType())};
    SmallVector<NamedAttrList> resultAttrs = {attrs("loss", Role::loss)};
    for (unsigned i = 0; i < forward.getNumArguments(); ++i)
      if (isParameter(forward, i)) {
        results.push_back(forward.getArgument(i).getType());
        NamedAttrList list =
            attrs("grad." + argName(forward, i).str(), Role::gradient);
        list.set(AttnDialect::kGradOfAttr, b.getI64IntegerAttr(i));
        resultAttrs.push_back(std::move(list));
      }
    train = b.create<func::FuncOp>(
        loc, (forward.getSymName() + "_train").str(),
        b.getFunctionType(inputs, results));
    for (auto [i, list] : llvm::enumerate(argAttrs))
      train.setArgAttrs(i, list.getDictionary(ctx));
    for (auto [i, list] : llvm::enumerate(resultAttrs))
      train.setResultAttrs(i, list.getDictionary(ctx));
    Block *entry = train.addEntryBlock();
    unsigned extra = forward.getNumArguments();
    labels = entry->getArgument(extra);
    mask = entry->getArgument(extra + 1);
    seed = entry->getArgument(extra + 2);
    unsigned next = extra + 3;
    for (auto &[rowsArg, cols] : graphs) {
      csc[entry->getArgument(rowsArg)] = {entry->getArgument(next),
                                          entry->getArgument(next + 1),
                                          entry->getArgument(next + 2)};
      next += 3;
    }
  }

  void cloneForward() {
    OpBuilder b = OpBuilder::atBlockEnd(&train.getBody().front());
    for (unsigned i = 0; i < forward.getNumArguments(); ++i)
      mapping.map(forward.getArgument(i), train.getArgument(i));
    for (Operation &op : forward.getBody().front()) {
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        logp = mapping.lookup(ret.getOperand(0));
        continue;
      }
      ops.push_back(b.clone(op, mapping));
    }
  }

  /// Dropouts get the step's seed and a salt each, so masks differ between
  /// dropouts and steps but are regenerated exactly by the backward pass.
  void setTrainingMode() {
    int64_t salt = 1;
    Builder b(train.getContext());
    for (Operation *op : ops) {
      if (auto d = dyn_cast<DropoutOp>(op)) {
        d.getSeedMutable().assign(seed);
        d.setSaltAttr(b.getI64IntegerAttr(salt++));
      } else if (auto g = dyn_cast<GraphAttentionOp>(op)) {
        if (g.getAttentionDropout()) {
          g.getSeedMutable().assign(seed);
          g.setSaltAttr(b.getI64IntegerAttr(salt++));
        }
      } else if (auto l = dyn_cast<SparseLinearOp>(op)) {
        if (l.getInputDropout()) {
          l.getSeedMutable().assign(seed);
          l.setSaltAttr(b.getI64IntegerAttr(salt++));
        }
      }
    }
  }

  /// Values that depend on a parameter: only they need gradients. The VJPs
  /// of others (e.g. the input features' gradient) are built but unused,
  /// and canonicalisation erases them.
  void markActive() {
    for (unsigned i = 0; i < forward.getNumArguments(); ++i)
      if (isParameter(forward, i))
        active.insert(train.getArgument(i));
    for (Operation *op : ops)
      if (llvm::any_of(op->getOperands(),
                       [&](Value v) { return active.contains(v); }))
        active.insert(op->result_begin(), op->result_end());
  }

  void accumulate(OpBuilder &b, Value v, Value g) {
    if (!g || !active.contains(v))
      return;
    auto [it, inserted] = grads.try_emplace(v, g);
    if (!inserted)
      it->second = b.create<AddOp>(v.getLoc(), it->second, g);
  }

  LogicalResult buildLossAndGradients() {
    markActive();
    OpBuilder b = OpBuilder::atBlockEnd(&train.getBody().front());
    Location loc = train.getLoc();
    auto logpTy = cast<RankedTensorType>(logp.getType());
    Value loss = b.create<NllLossOp>(
        loc, RankedTensorType::get({1}, logpTy.getElementType()), logp,
        labels, mask);
    accumulate(b, logp,
               b.create<NllLossGradOp>(loc, logpTy, logp, labels, mask));
    for (Operation *op : llvm::reverse(ops)) {
      if (op->getNumResults() != 1)
        continue;
      Value g = grads.lookup(op->getResult(0));
      if (!g)
        continue; // does not influence the loss
      auto diff = dyn_cast<DifferentiableOpInterface>(op);
      if (!diff)
        return op->emitError() << "'" << op->getName()
                               << "' cannot be differentiated";
      b.setInsertionPointToEnd(&train.getBody().front());
      SmallVector<Value> operandGrads;
      if (failed(diff.buildGradient(b, g, *this, operandGrads)))
        return failure();
      for (auto [operand, og] : llvm::zip(op->getOperands(), operandGrads))
        if (og && isa<FloatType>(
                      cast<RankedTensorType>(operand.getType()).getElementType()))
          accumulate(b, operand, og);
    }
    SmallVector<Value> results = {loss};
    for (unsigned i = 0; i < forward.getNumArguments(); ++i) {
      if (!isParameter(forward, i))
        continue;
      Value g = grads.lookup(train.getArgument(i));
      if (!g)
        return forward.emitError()
               << "parameter '" << argName(forward, i)
               << "' does not influence the output, so it has no gradient";
      results.push_back(g);
    }
    b.create<func::ReturnOp>(loc, results);
    return success();
  }

  func::FuncOp forward, train;
  IRMapping mapping;
  SmallVector<Operation *> ops;
  llvm::MapVector<unsigned, Value> graphs; // rows arg number -> cols
  llvm::DenseMap<Value, std::array<Value, 3>> csc;
  llvm::DenseMap<Value, Value> grads;
  llvm::DenseSet<Value> active;
  Value logp, labels, mask, seed;
};

struct BuildTrainingStepPass
    : attn::impl::BuildTrainingStepPassBase<BuildTrainingStepPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> models;
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (fn.isPublic() && !fn.isExternal() &&
          !fn.getSymName().ends_with("_train"))
        models.push_back(fn);
    for (func::FuncOp fn : models)
      if (failed(TrainingStepBuilder(fn).build()))
        return signalPassFailure();
  }
};

} // namespace
