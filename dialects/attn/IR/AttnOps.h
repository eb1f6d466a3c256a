//===- AttnOps.h - attn attributes, interfaces and ops ----------*- C++ -*-===//
#ifndef ATTN_IR_ATTNOPS_H
#define ATTN_IR_ATTNOPS_H

#include "dialects/attn/IR/AttnDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/attn/IR/AttnEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/attn/IR/AttnAttrs.h.inc"

#include "dialects/attn/IR/AttnDimRelations.h"
#include "dialects/attn/IR/AttnGradient.h"
#include "dialects/attn/IR/AttnInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialects/attn/IR/AttnOps.h.inc"

#endif // ATTN_IR_ATTNOPS_H
