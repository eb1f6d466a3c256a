//===- AttnDialect.cpp - attn dialect registration ------------------------===//
#include "dialects/attn/IR/AttnOps.h"

#include "mlir/IR/DialectImplementation.h"
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
