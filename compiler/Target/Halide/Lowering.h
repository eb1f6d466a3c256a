//===- Lowering.h - attn ops lowered to Halide algorithms -------*- C++ -*-===//
//
// The algorithm half of the Halide backend. Each attn op's lowering is
// written once, in the file of its family (Lower/Attention.cpp, Graph.cpp,
// Linear.cpp, Layers.cpp, Losses.cpp), against the op's own typed
// accessors, and found through a registry keyed by the op's TypeID. A
// lowering defines Halide Funcs with no scheduling and records the stages a
// schedule must place (Stages.h); nothing here reads the target.
//
// Included only by the lowering files and HalideCompiler.cpp: it pulls in
// both MLIR's and Halide's headers, and Halide reports errors by throwing.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_TARGET_HALIDE_LOWERING_H
#define ATTNC_TARGET_HALIDE_LOWERING_H

#include "compiler/Target/Halide/KernelGraph.h"
#include "compiler/Target/Halide/Stages.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/TypeID.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/DenseMap.h"

#include <Halide.h>

#include <functional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace attnc::halide {

/// A value of the attn IR as Halide sees it: a Func plus the extents of
/// each Halide dimension (innermost first).
struct HValue {
  Halide::Func func;
  std::vector<Halide::Expr> extents;
  Halide::Type type;
};

class LoweringContext;

/// How one op kind is lowered.
struct Lowering {
  std::function<void(mlir::Operation *, LoweringContext &)> lower;
  /// Elementwise ops: a result read once, by another elementwise op, is
  /// inlined into it (a bias add -> ELU -> dropout chain is one pass).
  bool elementwise = false;
  /// For elementwise ops that may lower to their operand unchanged
  /// (dropout at inference): nothing can be fused into such an op.
  std::function<bool(mlir::Operation *)> passesThrough;
};

/// The lowerings of every op, keyed by op TypeID.
class LoweringRegistry {
public:
  /// The registry with every family's lowerings.
  static const LoweringRegistry &get();

  template <typename OpTy>
  void add(void (*lower)(OpTy, LoweringContext &), bool elementwise = false,
           bool (*passesThrough)(OpTy) = nullptr) {
    Lowering l;
    l.lower = [lower](mlir::Operation *op, LoweringContext &cx) {
      lower(mlir::cast<OpTy>(op), cx);
    };
    l.elementwise = elementwise;
    if (passesThrough)
      l.passesThrough = [passesThrough](mlir::Operation *op) {
        return passesThrough(mlir::cast<OpTy>(op));
      };
    lowerings[mlir::TypeID::get<OpTy>()] = std::move(l);
  }

  /// The lowering of `op`, or null.
  const Lowering *find(mlir::Operation *op) const;
  /// Whether ops of this TypeID have a lowering.
  bool has(mlir::TypeID id) const { return lowerings.count(id) != 0; }

private:
  llvm::DenseMap<mlir::TypeID, Lowering> lowerings;
};

// One per family file.
void registerAttentionLowerings(LoweringRegistry &registry);
void registerGraphLowerings(LoweringRegistry &registry);
void registerLinearLowerings(LoweringRegistry &registry);
void registerLayerLowerings(LoweringRegistry &registry);
void registerLossLowerings(LoweringRegistry &registry);
void registerPoolingLowerings(LoweringRegistry &registry);

/// What a lowering works with: the Halide value of every attn value, the
/// stages recorded so far, and helpers shared across families.
class LoweringContext {
public:
  LoweringContext(const kg::Function &boundary, const AlgorithmOptions &options,
                  std::vector<Halide::ImageParam> &inputs);

  const AlgorithmOptions &options;

  /// The Halide value of `v`; throws a located CompileError when `v` is
  /// null (an absent optional operand) or not computed yet.
  const HValue &operator[](mlir::Value v) const;
  /// The logical shape of `v`, -1 for dynamic extents.
  static std::vector<int64_t> shape(mlir::Value v);

  /// Sets the result of an op.
  void set(mlir::Value result, Halide::Func f, Halide::Type t,
           std::vector<Halide::Expr> extents);
  /// Sets the result of an op computed by a single Func, which becomes a
  /// GenericStage unless it is fused into its elementwise reader.
  void setGeneric(mlir::Value result, Halide::Func f, Halide::Type t,
                  std::vector<Halide::Expr> extents);
  /// `result` is `operand` (an identity).
  void alias(mlir::Value result, mlir::Value operand);

  void addStage(AnyStage stage) { stages.stages.push_back(std::move(stage)); }

  /// A Func name not used before in this pipeline.
  std::string unique(const std::string &base);

  /// The factor of dropout element `counter` of the stream (seed, salt):
  /// 1 / (1 - rate) when kept, else 0; constantly 1 without a seed or at
  /// rate 0. The stream's key is computed once (a ScalarStage).
  std::function<Halide::Expr(Halide::Expr)>
  dropoutFactor(mlir::Value seed, double rate, int64_t salt, Halide::Type t);

  /// Builds the whole function.
  PipelineStages build(mlir::func::FuncOp fn);

private:
  void bindInput(mlir::Value arg, const kg::Argument &desc,
                 const std::string &name);
  void findFusedValues(mlir::func::FuncOp fn, const LoweringRegistry &registry);

  const kg::Function &boundary;
  std::vector<Halide::ImageParam> &inputs;
  std::unordered_map<void *, HValue> values; // node-based: stable references
  std::set<void *> fused; // values inlined into their elementwise reader
  PipelineStages stages;
  int counter = 0;
};

/// A located compile error at `op`.
[[noreturn]] void fail(mlir::Operation *op, const std::string &what);

/// Builds the algorithm of `fn`, whose boundary is `boundary`. `inputs`
/// receives one ImageParam per function input, in order. Throws
/// Halide::CompileError on anything it cannot lower.
PipelineStages buildAlgorithm(mlir::func::FuncOp fn,
                              const kg::Function &boundary,
                              std::vector<Halide::ImageParam> &inputs,
                              const AlgorithmOptions &options);

/// The results of `fn`'s ops that its algorithm computes as a
/// GenericStage (at root, with no tail rounding): where a kernel may end
/// and hand its value to the next without a copy (KernelPartition.cpp).
/// Keys are mlir::Value::getAsOpaquePointer(). Throws like buildAlgorithm.
std::set<void *> genericResults(mlir::func::FuncOp fn,
                                const kg::Function &boundary,
                                const AlgorithmOptions &options);

Halide::Type halideType(kg::DType t);

//===--- Helpers shared by several families ------------------------------===//

std::vector<Halide::Var> makeVars(size_t n, const std::string &prefix);

/// An optional dropout-rate attribute's value, 0 when absent.
inline double rateOf(std::optional<llvm::APFloat> rate) {
  return rate ? rate->convertToDouble() : 0.0;
}
std::vector<Halide::Expr> asExprs(const std::vector<Halide::Var> &vars);

/// The rows of a CSR (graph or sparse matrix): row starts and clamped
/// column indices.
struct SparseRows {
  std::function<Halide::Expr(Halide::Expr)> start, column;
  Halide::Expr rows, stored;
  Halide::Expr length(Halide::Expr row) const {
    return start(row + 1) - start(row);
  }
  /// The k-th stored entry of `row`, clamped into the stored range.
  Halide::Expr entry(Halide::Expr row, Halide::Expr k) const {
    return Halide::clamp(start(row) + k, 0, stored - 1);
  }
};

/// `rowCount` defaults to the offsets' extent - 1; graph ops pass their
/// node count (equal once validated), which their loops are bounded by.
SparseRows sparseRows(const HValue &offsets, const HValue &cols,
                      Halide::Expr columns,
                      Halide::Expr rowCount = Halide::Expr());

/// The entries of row `row`: an RDom over the stored count, trimmed by the
/// row's length.
Halide::RDom rowEntries(const SparseRows &m, Halide::Expr row,
                        const char *name);

/// attnc's counter-based dropout mask (docs/training.md). The key of the
/// stream (seed, salt), `seed` being the int64 seed value; uint32.
Halide::Expr dropoutKey(Halide::Expr seed, int64_t salt);
/// Whether element `counter` (an integer, taken mod 2^32) of the stream with
/// `key` is kept at `rate`.
Halide::Expr dropoutKeep(Halide::Expr key, double rate, Halide::Expr counter);

} // namespace attnc::halide

#endif // ATTNC_TARGET_HALIDE_LOWERING_H
