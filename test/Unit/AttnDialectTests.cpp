//===- AttnDialectTests.cpp - builders, verifiers, interface --------------===//
#include "compiler/InitAll.h"
#include "dialects/attn/IR/AttnOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir;
using namespace mlir::attn;

namespace {

class AttnDialectTest : public ::testing::Test {
protected:
  AttnDialectTest() : context(makeRegistry()), builder(&context) {
    context.loadAllAvailableDialects();
    module = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(module->getBody());
  }

  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    attnc::registerAllDialects(registry);
    return registry;
  }

  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, builder.getF32Type());
  }
  RankedTensorType i32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, builder.getI32Type());
  }

  /// A function whose arguments have the given types; returns its values.
  SmallVector<Value> args(ArrayRef<Type> types) {
    auto fn = builder.create<func::FuncOp>(
        builder.getUnknownLoc(), "f" + std::to_string(counter++),
        builder.getFunctionType(types, {}));
    Block *entry = fn.addEntryBlock();
    builder.setInsertionPointToStart(entry);
    return SmallVector<Value>(entry->getArguments());
  }

  /// Verifies `op` and returns the first error message, "" when it verifies.
  std::string verifyMessage(Operation *op) {
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (message.empty())
        message = diag.str();
      return success();
    });
    if (succeeded(verify(op)))
      return "";
    return message;
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
  int counter = 0;
};

TEST_F(AttnDialectTest, BuilderInfersResultFromQueryAndValue) {
  auto v = args({f32({2, 8, 7, 64}), f32({2, 2, 129, 64}), f32({2, 2, 129, 32})});
  auto op = builder.create<AttentionOp>(builder.getUnknownLoc(), v[0], v[1],
                                        v[2], ScoreKind::scaled_dot);
  EXPECT_EQ(op.getType(), f32({2, 8, 7, 32}));
  EXPECT_EQ(verifyMessage(op), "");
  ASSERT_TRUE(op.getEffectiveScale().has_value());
  EXPECT_DOUBLE_EQ(*op.getEffectiveScale(), 0.125);
}

TEST_F(AttnDialectTest, EffectiveScaleFollowsScoreKind) {
  auto v = args({f32({1, 1, 4, 16}), f32({1, 1, 4, 16}), f32({1, 1, 4, 16}),
                 f32({1, ShapedType::kDynamic, 4, ShapedType::kDynamic})});
  auto dot = builder.create<AttentionOp>(builder.getUnknownLoc(), v[0], v[1],
                                         v[2], ScoreKind::dot);
  EXPECT_DOUBLE_EQ(*dot.getEffectiveScale(), 1.0);
  auto explicitScale = builder.create<AttentionOp>(
      builder.getUnknownLoc(), v[0], v[1], v[2], ScoreKind::scaled_dot);
  explicitScale.setScaleAttr(builder.getF64FloatAttr(0.5));
  EXPECT_DOUBLE_EQ(*explicitScale.getEffectiveScale(), 0.5);
  // A dynamic head_dim leaves the implicit scale unknown at compile time.
  auto dynamic = builder.create<AttentionOp>(builder.getUnknownLoc(), v[3],
                                             v[3], v[3], ScoreKind::scaled_dot);
  EXPECT_FALSE(dynamic.getEffectiveScale().has_value());
}

TEST_F(AttnDialectTest, VerifierRejectsHeadsThatDoNotGroup) {
  auto v = args({f32({1, 8, 7, 64}), f32({1, 3, 7, 64}), f32({1, 3, 7, 64})});
  auto op = builder.create<AttentionOp>(builder.getUnknownLoc(), v[0], v[1],
                                        v[2], ScoreKind::scaled_dot);
  EXPECT_EQ(verifyMessage(op),
            "'attn.attention' op key/value heads (3) must divide query heads "
            "(8)");
}

TEST_F(AttnDialectTest, VerifierRejectsHeadDimMismatch) {
  auto v = args({f32({1, 8, 7, 64}), f32({1, 8, 7, 32}), f32({1, 8, 7, 32})});
  auto op = builder.create<AttentionOp>(builder.getUnknownLoc(), v[0], v[1],
                                        v[2], ScoreKind::dot);
  EXPECT_EQ(verifyMessage(op), "'attn.attention' op query head_dim (64) does "
                               "not match key head_dim (32)");
}

TEST_F(AttnDialectTest, VerifierRejectsMaskThatDoesNotBroadcast) {
  auto maskTy = RankedTensorType::get({7, 5}, builder.getI1Type());
  auto v = args({f32({1, 8, 7, 64}), f32({1, 8, 9, 64}), f32({1, 8, 9, 64}),
                 maskTy});
  auto op = builder.create<AttentionOp>(builder.getUnknownLoc(), v[0], v[1],
                                        v[2], ScoreKind::dot);
  op.getMaskMutable().assign(v[3]);
  EXPECT_EQ(verifyMessage(op),
            "'attn.attention' op 'mask' shape [7, 5] does not broadcast to "
            "the logits [1, 8, 7, 9]: dim 1 is 5, expected 1 or 9");
}

TEST_F(AttnDialectTest, WindowAttrRejectsNegativeExtents) {
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_FALSE(parseAttribute("#attn.window<left = -1, right = 4>", &context));
  EXPECT_EQ(message,
            "window extents must be non-negative, got left = -1, right = 4");
  auto ok = dyn_cast_or_null<WindowAttr>(
      parseAttribute("#attn.window<left = 0, right = 4>", &context));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok.getRight(), 4);
}

TEST_F(AttnDialectTest, GraphAttentionVerifiesCsrOperands) {
  auto v = args({f32({5, 2, 4}), i32({6}), i32({11}), f32({6}),
                 RankedTensorType::get({11}, builder.getI64Type())});
  Location loc = builder.getUnknownLoc();
  auto make = [&](Value rows, Value cols) {
    return builder.create<GraphAttentionOp>(
        loc, f32({5, 2, 4}), v[0], v[0], v[0], rows, cols, Value(), Value(),
        ScoreKind::dot, nullptr, nullptr);
  };
  EXPECT_EQ(verifyMessage(make(v[1], v[2])), "");
  EXPECT_EQ(verifyMessage(make(v[3], v[2])),
            "'attn.graph_attention' op 'row_offsets' must be a rank-1 tensor "
            "of i32 or i64, got 'tensor<6xf32>'");
  EXPECT_EQ(verifyMessage(make(v[1], v[4])),
            "'attn.graph_attention' op 'row_offsets' and 'col_indices' must "
            "share an index type, got 'i32' and 'i64'");
}

TEST_F(AttnDialectTest, GraphAttentionAdditiveNeedsVectors) {
  auto v = args({f32({5, 2, 4}), i32({6}), i32({11}), f32({2, 4})});
  Location loc = builder.getUnknownLoc();
  auto noVectors = builder.create<GraphAttentionOp>(
      loc, f32({5, 2, 4}), v[0], v[0], v[0], v[1], v[2], Value(), Value(),
      ScoreKind::additive, nullptr, nullptr);
  EXPECT_EQ(verifyMessage(noVectors),
            "'attn.graph_attention' op an additive score needs "
            "attn_vectors(attn_src, attn_dst)");
  auto gat = builder.create<GraphAttentionOp>(
      loc, f32({5, 2, 4}), v[0], v[0], v[0], v[1], v[2], v[3], v[3],
      ScoreKind::additive, nullptr, builder.getF64FloatAttr(0.2));
  EXPECT_EQ(verifyMessage(gat), "");
  EXPECT_DOUBLE_EQ(*gat.getEffectiveScale(), 1.0);
}

TEST_F(AttnDialectTest, InterfaceCoversBothFusedOps) {
  auto v = args({f32({1, 2, 3, 4}), f32({3, 2, 4}), i32({4}), i32({6})});
  Location loc = builder.getUnknownLoc();
  Operation *dense = builder.create<AttentionOp>(loc, v[0], v[0], v[0],
                                                 ScoreKind::scaled_dot);
  Operation *graph = builder.create<GraphAttentionOp>(
      loc, f32({3, 2, 4}), v[1], v[1], v[1], v[2], v[3], Value(), Value(),
      ScoreKind::scaled_dot, nullptr, nullptr);
  auto denseI = dyn_cast<AttentionOpInterface>(dense);
  auto graphI = dyn_cast<AttentionOpInterface>(graph);
  ASSERT_TRUE(denseI && graphI);
  EXPECT_FALSE(denseI.isGraphRestricted());
  EXPECT_TRUE(graphI.isGraphRestricted());
  EXPECT_EQ(graphI.getScoreKind(), ScoreKind::scaled_dot);
  EXPECT_DOUBLE_EQ(*graphI.getEffectiveScale(), 0.5);
  EXPECT_EQ(denseI.getQuery(), v[0]);
}

TEST_F(AttnDialectTest, SplitHeadsRequiresDivisibleModelDim) {
  auto v = args({f32({2, 16, 100})});
  auto op = builder.create<SplitHeadsOp>(builder.getUnknownLoc(),
                                         f32({2, 3, 16, 33}), v[0], 3);
  EXPECT_EQ(verifyMessage(op), "'attn.split_heads' op heads (3) must divide "
                               "the model dimension (100)");
}

TEST_F(AttnDialectTest, MergeOfSplitFoldsAway) {
  auto v = args({f32({2, 16, 64})});
  Location loc = builder.getUnknownLoc();
  auto split =
      builder.create<SplitHeadsOp>(loc, f32({2, 8, 16, 8}), v[0], 8);
  auto merge = builder.create<MergeHeadsOp>(loc, f32({2, 16, 64}),
                                            split.getResult(), false);
  SmallVector<OpFoldResult> folded;
  ASSERT_TRUE(succeeded(merge->fold(folded)));
  ASSERT_EQ(folded.size(), 1u);
  EXPECT_EQ(folded[0].dyn_cast<Value>(), v[0]);
  auto mean = builder.create<MergeHeadsOp>(loc, f32({2, 16, 8}),
                                           split.getResult(), true);
  folded.clear();
  EXPECT_TRUE(failed(mean->fold(folded)));
}

} // namespace
