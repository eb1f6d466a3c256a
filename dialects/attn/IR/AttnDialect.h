//===- AttnDialect.h - the attn dialect -------------------------*- C++ -*-===//
#ifndef ATTN_IR_ATTNDIALECT_H
#define ATTN_IR_ATTNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "dialects/attn/IR/AttnDialect.h.inc"

#endif // ATTN_IR_ATTNDIALECT_H
