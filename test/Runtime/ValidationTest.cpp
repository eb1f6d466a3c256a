// Validation before a call: each broken argument gives a one-line
// validation error naming the entry and the argument, and the kernel does
// not run (the poisoned output stays untouched).
#include <cmath>
#include <limits>
#include <vector>

#include "test/Runtime/TestSupport.h"

using namespace attnc;
using namespace attnc::test;

namespace {

constexpr float kPoison = -12345.0f;

class RuntimeAddValidation : public ::testing::Test {
protected:
  Module module = loadOrDie(kBasic);
  Call call = std::move(Call::create(module, "add")).value();
  std::vector<float> a = std::vector<float>(7 * 5, 1.0f);
  std::vector<float> b = std::vector<float>(7 * 5, 2.0f);
  std::vector<float> out = std::vector<float>(8 * 6, kPoison);

  void setValid() {
    ASSERT_TRUE(call.setArg("a", {7, 5}, a.data()).ok());
    ASSERT_TRUE(call.setArg("b", {7, 5}, b.data()).ok());
    ASSERT_TRUE(call.setArg("out", {7, 5}, out.data()).ok());
  }
  bool outputUntouched() const {
    for (float v : out)
      if (v != kPoison)
        return false;
    return true;
  }
};

TEST_F(RuntimeAddValidation, ValidArgumentsPass) {
  setValid();
  EXPECT_TRUE(call.validate().ok()) << attnc_last_error();
}

TEST_F(RuntimeAddValidation, WrongDtype) {
  std::vector<int32_t> ints(7 * 5);
  EXPECT_TRUE(failsWith(call.setArg("b", {7, 5}, ints.data()),
                        ATTNC_ERROR_VALIDATION,
                        {"entry 'add', input 'b'", "dtype is i32, expected f32"}));
}

TEST_F(RuntimeAddValidation, WrongRank) {
  EXPECT_TRUE(failsWith(call.setArg("a", {35}, a.data()),
                        ATTNC_ERROR_VALIDATION,
                        {"entry 'add', input 'a'", "rank is 1, expected 2"}));
}

TEST_F(RuntimeAddValidation, WrongStaticExtent) {
  setValid();
  ASSERT_TRUE(call.setArg("b", {5, 7}, b.data()).ok());
  EXPECT_TRUE(failsWith(call.execute(), ATTNC_ERROR_VALIDATION,
                        {"entry 'add', input 'b'", "dim 1 is 7, expected 5",
                         "[5, 7]"}));
  EXPECT_TRUE(outputUntouched());
}

TEST_F(RuntimeAddValidation, NegativeExtent) {
  setValid();
  ASSERT_TRUE(call.setArg("a", {-7, 5}, a.data()).ok());
  EXPECT_TRUE(failsWith(call.execute(), ATTNC_ERROR_VALIDATION,
                        {"input 'a'", "dim 0 is -7"}));
}

TEST_F(RuntimeAddValidation, NamedExtentsMustAgreeAcrossInputs) {
  setValid();
  ASSERT_TRUE(call.setArg("b", {6, 5}, b.data()).ok());
  EXPECT_TRUE(failsWith(call.execute(), ATTNC_ERROR_VALIDATION,
                        {"entry 'add', input 'b'", "dim 0 (S) is 6",
                         "input 'a' has S = 7"}));
  EXPECT_TRUE(outputUntouched());
}

TEST_F(RuntimeAddValidation, OutputShapeMustMatchInputs) {
  setValid();
  ASSERT_TRUE(call.setArg("out", {8, 5}, out.data()).ok());
  EXPECT_TRUE(failsWith(call.execute(), ATTNC_ERROR_VALIDATION,
                        {"entry 'add', output 'out'", "dim 0 (S) is 8",
                         "input 'a' has S = 7"}));
  EXPECT_TRUE(outputUntouched());
}

TEST_F(RuntimeAddValidation, UnsetArgument) {
  ASSERT_TRUE(call.setArg("a", {7, 5}, a.data()).ok());
  ASSERT_TRUE(call.setArg("out", {7, 5}, out.data()).ok());
  EXPECT_TRUE(failsWith(call.execute(), ATTNC_ERROR_VALIDATION,
                        {"entry 'add', input 'b'", "not set"}));
}

TEST_F(RuntimeAddValidation, UnknownArgumentName) {
  EXPECT_TRUE(failsWith(call.setArg("c", {7, 5}, a.data()),
                        ATTNC_ERROR_NOT_FOUND,
                        {"entry 'add'", "no argument 'c'", "a, b, out"}));
}

TEST_F(RuntimeAddValidation, NullDataWithElements) {
  setValid();
  ASSERT_TRUE(call.setArg("a", {7, 5}, static_cast<float *>(nullptr)).ok());
  EXPECT_TRUE(failsWith(call.execute(), ATTNC_ERROR_VALIDATION,
                        {"input 'a'", "data is NULL"}));
}

TEST_F(RuntimeAddValidation, ExtentsBeyondHalideLimits) {
  setValid();
  int64_t huge = int64_t{1} << 31;
  ASSERT_TRUE(call.setArg("a", {huge, 5}, a.data()).ok());
  ASSERT_TRUE(call.setArg("b", {huge, 5}, b.data()).ok());
  ASSERT_TRUE(call.setArg("out", {huge, 5}, out.data()).ok());
  attnc::Status s = call.execute();
  EXPECT_EQ(s.code(), ATTNC_ERROR_VALIDATION);
  EXPECT_EQ(s.message(), "entry 'add', input 'a': dim 0 is 2147483648; "
                         "Halide's extents must be below 2^31");
}

TEST_F(RuntimeAddValidation, ElementCountBeyondHalideLimits) {
  setValid();
  int64_t big = int64_t{1} << 30;
  ASSERT_TRUE(call.setArg("a", {big, 5}, a.data()).ok());
  attnc::Status s = call.execute();
  EXPECT_EQ(s.message(), "entry 'add', input 'a': shape [1073741824, 5] holds "
                         "2^31 or more elements from dim 0 inwards; Halide's "
                         "buffers hold fewer");
}

// Inputs are checked before any output is set (attn-run allocates outputs
// only then), and an output shape too large is refused by inferShape,
// before anyone allocates it.
TEST_F(RuntimeAddValidation, InputsValidatedBeforeOutputs) {
  ASSERT_TRUE(call.setArg("a", {7, 5}, a.data()).ok());
  ASSERT_TRUE(call.setArg("b", {6, 5}, b.data()).ok());
  attnc::Status s = call.validateInputs();
  EXPECT_EQ(s.message(),
            "entry 'add', input 'b': dim 0 (S) is 6, but input 'a' has S = 7");
  ASSERT_TRUE(call.setArg("b", {7, 5}, b.data()).ok());
  EXPECT_TRUE(call.validateInputs().ok()); // 'out' is not set yet
}

// The finite-input check: off by default, on per call; the first NaN or
// infinity of any float input is named by its flat index.
TEST_F(RuntimeAddValidation, CheckFiniteRefusesNanAndInf) {
  setValid();
  b[7] = std::numeric_limits<float>::infinity();
  a[12] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(call.execute().ok());
  ASSERT_TRUE(call.checkFinite().ok());
  attnc::Status s = call.execute();
  EXPECT_EQ(s.code(), ATTNC_ERROR_VALIDATION);
  EXPECT_EQ(s.message(), "entry 'add', input 'a': NaN at flat index 12 (the "
                         "finite-input check refuses NaN and Inf)");
  a[12] = 0;
  EXPECT_EQ(call.validateInputs().message(),
            "entry 'add', input 'b': +Inf at flat index 7 (the finite-input "
            "check refuses NaN and Inf)");
  b[7] = 0;
  EXPECT_TRUE(call.execute().ok());
  ASSERT_TRUE(call.checkFinite(false).ok());
}

TEST_F(RuntimeAddValidation, InferShapeRefusesHugeOutputs) {
  ASSERT_TRUE(call.setArg("a", {int64_t{1} << 30, 5}, a.data()).ok());
  auto shape = call.inferShape(2);
  ASSERT_FALSE(shape);
  EXPECT_EQ(shape.status().message(),
            "entry 'add', output 'out': shape [1073741824, 5] holds 2^31 or "
            "more elements from dim 0 inwards; Halide's buffers hold fewer");
}

TEST_F(RuntimeAddValidation, InferShapeFromInputs) {
  ASSERT_TRUE(call.setArg("a", {7, 5}, a.data()).ok());
  auto shape = call.inferShape(2);
  ASSERT_TRUE(shape) << shape.status().message();
  EXPECT_EQ(shape.value(), (std::vector<int64_t>{7, 5}));
}

TEST_F(RuntimeAddValidation, InferShapeNeedsTheNamedExtentBound) {
  auto shape = call.inferShape(2);
  ASSERT_FALSE(shape);
  EXPECT_TRUE(failsWith(shape.status(), ATTNC_ERROR_VALIDATION,
                        {"output 'out'", "cannot deduce dim 0 (S)"}));
}

// A graph of 4 nodes with 6 edges and 3 features per node.
class RuntimeCsrValidation : public ::testing::Test {
protected:
  Module module = loadOrDie(kBasic);
  Call call = std::move(Call::create(module, "csr_sum")).value();
  std::vector<int32_t> rows{0, 2, 3, 3, 6};
  std::vector<int32_t> cols{1, 2, 0, 3, 3, 1};
  std::vector<float> feat = std::vector<float>(4 * 3, 1.0f);
  std::vector<float> out = std::vector<float>(4 * 3, kPoison);

  Status run() {
    EXPECT_TRUE(call.setArg("row_offsets", {int64_t(rows.size())},
                            rows.data()).ok());
    EXPECT_TRUE(call.setArg("col_indices", {int64_t(cols.size())},
                            cols.data()).ok());
    EXPECT_TRUE(call.setArg("feat", {4, 3}, feat.data()).ok());
    EXPECT_TRUE(call.setArg("out", {4, 3}, out.data()).ok());
    return call.execute();
  }
};

TEST_F(RuntimeCsrValidation, ValidGraphRuns) {
  Status s = run();
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(out[0], 2.0f); // node 0 has two neighbours
}

TEST_F(RuntimeCsrValidation, RowOffsetsMustStartAtZero) {
  rows = {1, 2, 3, 3, 6};
  EXPECT_TRUE(failsWith(run(), ATTNC_ERROR_VALIDATION,
                        {"entry 'csr_sum', input 'row_offsets'",
                         "start at 1, expected 0"}));
  EXPECT_EQ(out[0], kPoison);
}

TEST_F(RuntimeCsrValidation, RowOffsetsMustNotDecrease) {
  rows = {0, 3, 2, 3, 6};
  EXPECT_TRUE(failsWith(run(), ATTNC_ERROR_VALIDATION,
                        {"input 'row_offsets'",
                         "decrease at position 2 (2 after 3)"}));
}

TEST_F(RuntimeCsrValidation, RowOffsetsMustEndAtNnz) {
  rows = {0, 2, 3, 3, 5};
  EXPECT_TRUE(failsWith(run(), ATTNC_ERROR_VALIDATION,
                        {"input 'row_offsets'", "end at 5",
                         "'col_indices' has 6 entries"}));
}

TEST_F(RuntimeCsrValidation, RowOffsetsLengthMustBeNodesPlusOne) {
  rows = {0, 2, 3, 6};
  EXPECT_TRUE(failsWith(run(), ATTNC_ERROR_VALIDATION,
                        {"entry 'csr_sum', input 'feat'", "dim 0 (N) is 4",
                         "input 'row_offsets' has N = 3"}));
}

TEST_F(RuntimeCsrValidation, EmptyRowOffsets) {
  rows = {};
  EXPECT_TRUE(failsWith(run(), ATTNC_ERROR_VALIDATION,
                        {"input 'row_offsets'", "empty"}));
}

TEST_F(RuntimeCsrValidation, ColumnIndexTooLarge) {
  cols = {1, 2, 0, 4, 3, 1};
  EXPECT_TRUE(failsWith(run(), ATTNC_ERROR_VALIDATION,
                        {"entry 'csr_sum', input 'col_indices'",
                         "position 3 is 4, outside [0, 4)"}));
  EXPECT_EQ(out[0], kPoison);
}

TEST_F(RuntimeCsrValidation, ColumnIndexNegative) {
  cols = {1, -1, 0, 3, 3, 1};
  EXPECT_TRUE(failsWith(run(), ATTNC_ERROR_VALIDATION,
                        {"input 'col_indices'", "position 1 is -1"}));
}

TEST_F(RuntimeCsrValidation, ContentChecksCanBeSkipped) {
  ModuleOptions options;
  options.flags = ATTNC_MODULE_SKIP_CONTENT_CHECKS;
  Module trusting = loadOrDie(kBasic, options);
  call = std::move(Call::create(trusting, "csr_sum")).value();
  rows = {0, 2, 3, 3, 6};
  cols = {1, 2, 0, 3, 3, 9}; // out of range, clamped by the kernel
  EXPECT_TRUE(run().ok());
  // Shapes are still checked.
  EXPECT_TRUE(call.setArg("feat", {5, 3}, feat.data()).ok());
  EXPECT_EQ(call.execute().code(), ATTNC_ERROR_VALIDATION);
}

TEST_F(RuntimeCsrValidation, InferShapeOfOutput) {
  ASSERT_TRUE(call.setArg("row_offsets", {5}, rows.data()).ok());
  ASSERT_TRUE(call.setArg("feat", {4, 3}, feat.data()).ok());
  auto shape = call.inferShape(3);
  ASSERT_TRUE(shape) << shape.status().message();
  EXPECT_EQ(shape.value(), (std::vector<int64_t>{4, 3}));
}

TEST(RuntimeKeyLengthValidation, LengthsMustLieWithinTheKeys) {
  Module module = loadOrDie(kBasic);
  auto call = Call::create(module, "masked_sum");
  ASSERT_TRUE(call);
  std::vector<float> keys(3 * 4, 1.0f), out(3, kPoison);
  std::vector<int32_t> lengths{4, 0, 2};
  ASSERT_TRUE(call->setArg("keys", {3, 4}, keys.data()).ok());
  ASSERT_TRUE(call->setArg("lengths", {3}, lengths.data()).ok());
  ASSERT_TRUE(call->setArg("out", {3}, out.data()).ok());
  ASSERT_TRUE(call->execute().ok()) << attnc_last_error();
  EXPECT_EQ(out, (std::vector<float>{4.0f, 0.0f, 2.0f}));

  lengths = {4, 5, 2};
  out.assign(3, kPoison);
  EXPECT_TRUE(failsWith(call->execute(), ATTNC_ERROR_VALIDATION,
                        {"entry 'masked_sum', input 'lengths'",
                         "position 1 is 5, outside [0, 4]",
                         "dim 1 of argument 'keys'"}));
  lengths = {4, -1, 2};
  EXPECT_TRUE(failsWith(call->execute(), ATTNC_ERROR_VALIDATION,
                        {"position 1 is -1"}));
  EXPECT_EQ(out[0], kPoison);

  std::vector<int32_t> tooMany{1, 1, 1, 1};
  ASSERT_TRUE(call->setArg("lengths", {4}, tooMany.data()).ok());
  EXPECT_TRUE(failsWith(call->execute(), ATTNC_ERROR_VALIDATION,
                        {"input 'lengths'", "dim 0 (B) is 4",
                         "input 'keys' has B = 3"}));
}

} // namespace
