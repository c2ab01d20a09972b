//===- DyadAttrs.h - dyad enums and attributes ------------------*- C++ -*-===//
//
// The enums of dialects/Dyad/DyadEnums.td (AutoPad, PadMode, ResizeMode, ...)
// with their symbolize / stringify functions, and the attributes that hold
// them.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_DIALECT_DYADATTRS_H
#define DYAD_DIALECT_DYADATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "dyad/Dialect/Dyad/DyadEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dyad/Dialect/Dyad/DyadAttrs.h.inc"

#endif // DYAD_DIALECT_DYADATTRS_H
