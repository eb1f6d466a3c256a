//===- KernelGraph.h - an entry's boundary as plain data ---------*- C++ -*-===//
//
// What the module descriptor and the Halide side need to know about an
// entry's arguments, in standard types only: dtypes, shapes, the names of
// run-time extents and the roles the runtime checks. The ops themselves are
// lowered from the attn IR directly (Lowering.h).
//
// Shapes are logical (outermost first, as in MLIR); -1 is a dynamic extent.
//
//===----------------------------------------------------------------------===//
#ifndef ATTNC_TARGET_HALIDE_KERNELGRAPH_H
#define ATTNC_TARGET_HALIDE_KERNELGRAPH_H

#include <cstdint>
#include <string>
#include <vector>

namespace attnc::kg {

enum class DType { F32, F64, I32, I64, Bool };

/// What an argument means (runtime/module_abi.h's attnc_arg_role, where
/// each is documented): the first five are also checked by the runtime.
enum class Role {
  Data, RowOffsets, ColIndices, KeyLengths, SparseColIndices,
  Parameter, Labels, LossMask, Seed, Mask, Bias, SparseValues,
  TOffsets, TDestinations, TEdges, // computed by the runtime
  Output, Loss, Gradient           // outputs
};

/// How a parameter is initialised (attnc_init_kind).
enum class InitKind { None, Zeros, Ones, Glorot };

struct Value {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  /// One name per dim: equal names must have equal extents at run time.
  std::vector<std::string> dimNames;
};

struct Argument {
  std::string name;
  int value = -1;
  Role role = Role::Data;
  int relatedArg = -1; // index into Function::inputs: CSR partner, key seq,
                       // the forward row offsets of a transposed graph, the
                       // parameter of a gradient
  int relatedDim = -1; // for KeyLengths and SparseColIndices: the logical
                       // dim of relatedArg (key length, column count)
  InitKind init = InitKind::None; // parameters only
};

/// A relation among inputs that the runtime checks before a call
/// (runtime/module_abi.h's attnc_check_desc, where each is documented).
enum class CheckKind { AtMost, Divides, Broadcasts, IndexBelow };

/// One side of a check: dim `dim` of argument `arg` (numbered as in the
/// module descriptor), or the constant `value` when `arg` is -1.
struct CheckSide {
  int arg = -1;
  int dim = -1;
  int64_t value = 0;
};

struct Check {
  CheckKind kind = CheckKind::AtMost;
  std::string what; // what the subject is, for messages
  CheckSide subject, bound;
};

struct Function {
  std::string name;
  std::string loc;
  std::vector<Value> values;
  std::vector<Argument> inputs;
  std::vector<Argument> outputs; // roles Output, Loss, Gradient
  std::vector<Check> checks;
};

inline const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32: return "f32";
  case DType::F64: return "f64";
  case DType::I32: return "i32";
  case DType::I64: return "i64";
  case DType::Bool: return "bool";
  }
  return "?";
}

} // namespace attnc::kg

#endif // ATTNC_TARGET_HALIDE_KERNELGRAPH_H
