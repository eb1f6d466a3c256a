//===- AttnDialect.cpp - attn dialect registration ------------------------===//
#include "dialects/attn/IR/AttnOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::attn;

#include "dialects/attn/IR/AttnDialect.cpp.inc"
#include "dialects/attn/IR/AttnEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/attn/IR/AttnAttrs.cpp.inc"

#include "dialects/attn/IR/AttnInterfaces.cpp.inc"

void AttnDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/attn/IR/AttnOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/attn/IR/AttnAttrs.cpp.inc"
      >();
}

LogicalResult WindowAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t left, int64_t right) {
  if (left < 0 || right < 0)
    return emitError() << "window extents must be non-negative, got left = "
                       << left << ", right = " << right;
  return success();
}

//===----------------------------------------------------------------------===//
// Roles of func arguments and results (AttnAttrs.td, docs/runtime.md)
//===----------------------------------------------------------------------===//

namespace {

bool isResultRole(Role r) {
  return r == Role::output || r == Role::loss || r == Role::gradient;
}

bool isTransposedRole(Role r) {
  return r == Role::t_offsets || r == Role::t_destinations ||
         r == Role::t_edges;
}

/// The element type of argument or result `index` of `op`, if a ranked
/// tensor's.
Type elementTypeOf(FunctionOpInterface fn, unsigned index, bool result) {
  Type t = result ? fn.getResultTypes()[index] : fn.getArgumentTypes()[index];
  auto ranked = dyn_cast<RankedTensorType>(t);
  return ranked ? ranked.getElementType() : Type();
}

Location argLoc(Operation *op, unsigned region, unsigned index) {
  if (region < op->getNumRegions() && !op->getRegion(region).empty() &&
      index < op->getRegion(region).getNumArguments())
    return op->getRegion(region).getArgument(index).getLoc();
  return op->getLoc();
}

/// Verifies one `attn.*` attribute of argument or result `index`.
LogicalResult verifyEntryAttr(Operation *op, unsigned region, unsigned index,
                              bool result, NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  Location loc = result ? op->getLoc() : argLoc(op, region, index);
  std::string what = (result ? "result " : "argument ") + std::to_string(index);
  auto fn = dyn_cast<FunctionOpInterface>(op);
  auto roleOf = [&](unsigned i, bool res) -> std::optional<Role> {
    if (!fn)
      return std::nullopt;
    auto r = res ? fn.getResultAttrOfType<RoleAttr>(i, AttnDialect::kRoleAttr)
                 : fn.getArgAttrOfType<RoleAttr>(i, AttnDialect::kRoleAttr);
    return r ? std::optional<Role>(r.getValue()) : std::nullopt;
  };
  // An argument index named by attn.grad_of / attn.transpose_of.
  auto argumentIndex = [&](int64_t &k) -> LogicalResult {
    auto i = dyn_cast<IntegerAttr>(attr.getValue());
    if (!i)
      return emitError(loc) << "'" << name << "' of " << what
                            << " must be an integer argument index";
    k = i.getInt();
    if (fn && (k < 0 || k >= static_cast<int64_t>(fn.getNumArguments())))
      return emitError(loc) << "'" << name << "' of " << what << " is " << k
                            << ", but the function has "
                            << fn.getNumArguments() << " arguments";
    return success();
  };

  if (name == "attn.name") {
    if (!isa<StringAttr>(attr.getValue()))
      return emitError(loc) << "'attn.name' of " << what << " must be a string";
    return success();
  }
  if (name == AttnDialect::kRoleAttr) {
    auto role = dyn_cast<RoleAttr>(attr.getValue());
    if (!role)
      return emitError(loc) << "'attn.role' of " << what
                            << " must be an #attn.role<...>";
    Role r = role.getValue();
    if (isResultRole(r) != result)
      return emitError(loc) << what << " has role '" << stringifyRole(r)
                            << "', which is a role of "
                            << (result ? "arguments" : "results");
    if (!fn)
      return success();
    Type e = elementTypeOf(fn, index, result);
    bool floating = e && isa<FloatType>(e);
    bool integer = e && e.isSignlessInteger() && !e.isInteger(1);
    bool needsFloat = r == Role::parameter || r == Role::gradient ||
                      r == Role::loss || r == Role::sparse_values;
    bool needsInt = r == Role::labels || r == Role::seed ||
                    r == Role::key_lengths || r == Role::row_offsets ||
                    r == Role::col_indices || r == Role::sparse_col_indices ||
                    isTransposedRole(r);
    bool needsBool = r == Role::loss_mask || r == Role::mask;
    if ((needsFloat && !floating) || (needsInt && !integer) ||
        (needsBool && !(e && e.isInteger(1))))
      return emitError(loc) << what << " has role '" << stringifyRole(r)
                            << "', which needs "
                            << (needsFloat ? "a floating-point"
                                : needsInt ? "an integer"
                                           : "a boolean (i1)")
                            << " tensor, got "
                            << (result ? fn.getResultTypes()[index]
                                       : fn.getArgumentTypes()[index]);
    return success();
  }
  if (name == AttnDialect::kInitAttr) {
    if (!isa<InitKindAttr>(attr.getValue()))
      return emitError(loc) << "'attn.init' of " << what
                            << " must be an #attn.init<zeros|ones|glorot>";
    if (result || (roleOf(index, false) &&
                   *roleOf(index, false) != Role::parameter))
      return emitError(loc) << "'attn.init' on " << what
                            << ", which is not a parameter";
    return success();
  }
  if (name == AttnDialect::kGradOfAttr) {
    if (!result)
      return emitError(loc) << "'attn.grad_of' on " << what
                            << "; gradients are results";
    int64_t k;
    if (failed(argumentIndex(k)))
      return failure();
    if (auto r = roleOf(index, true); r && *r != Role::gradient)
      return emitError(loc) << "'attn.grad_of' on " << what << " of role '"
                            << stringifyRole(*r) << "'";
    if (auto r = roleOf(k, false); r && *r != Role::parameter)
      return emitError(loc) << what << " is the gradient of argument " << k
                            << ", which has role '" << stringifyRole(*r)
                            << "', not 'parameter'";
    return success();
  }
  if (name == AttnDialect::kDimsAttr) {
    auto names = dyn_cast<ArrayAttr>(attr.getValue());
    bool strings = names && llvm::all_of(names, [](Attribute a) {
                     return isa<StringAttr>(a);
                   });
    if (result || !strings)
      return emitError(loc) << "'attn.dims' of " << what
                            << " must be an array of strings on an argument";
    if (!fn)
      return success();
    auto type = dyn_cast<RankedTensorType>(fn.getArgumentTypes()[index]);
    if (!type || type.getRank() != static_cast<int64_t>(names.size()))
      return emitError(loc) << "'attn.dims' of " << what << " has "
                            << names.size() << " names, but the argument is "
                            << fn.getArgumentTypes()[index];
    return success();
  }
  if (name == AttnDialect::kTransposeOfAttr) {
    if (result)
      return emitError(loc) << "'attn.transpose_of' on " << what
                            << "; transposed graphs are arguments";
    int64_t k;
    if (failed(argumentIndex(k)))
      return failure();
    if (auto r = roleOf(index, false); r && !isTransposedRole(*r))
      return emitError(loc) << "'attn.transpose_of' on " << what
                            << " of role '" << stringifyRole(*r) << "'";
    if (auto r = roleOf(k, false); r && *r != Role::row_offsets)
      return emitError(loc) << what << " transposes the graph of argument "
                            << k << ", which has role '" << stringifyRole(*r)
                            << "', not 'row_offsets'";
    return success();
  }
  return success();
}

} // namespace

LogicalResult AttnDialect::verifyRegionArgAttribute(Operation *op,
                                                    unsigned region,
                                                    unsigned argIndex,
                                                    NamedAttribute attr) {
  return verifyEntryAttr(op, region, argIndex, /*result=*/false, attr);
}

LogicalResult AttnDialect::verifyRegionResultAttribute(Operation *op,
                                                       unsigned region,
                                                       unsigned resultIndex,
                                                       NamedAttribute attr) {
  return verifyEntryAttr(op, region, resultIndex, /*result=*/true, attr);
}
