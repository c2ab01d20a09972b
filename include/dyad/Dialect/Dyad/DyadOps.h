//===- DyadOps.h - dyad ops -------------------------------------*- C++ -*-===//
#ifndef DYAD_DIALECT_DYADOPS_H
#define DYAD_DIALECT_DYADOPS_H

#include "dyad/Dialect/Dyad/DyadAttrs.h"
#include "dyad/Dialect/Dyad/DyadDialect.h"
#include "dyad/Dialect/Dyad/DyadInterfaces.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dyad/Dialect/Dyad/DyadOps.h.inc"

#endif // DYAD_DIALECT_DYADOPS_H
