//===- Passes.h - dyad -> linalg/tensor/arith -------------------*- C++ -*-===//
#ifndef DYAD_CONVERSION_PASSES_H
#define DYAD_CONVERSION_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace dyad {

#define GEN_PASS_DECL
#include "dyad/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dyad/Conversion/Passes.h.inc"

} // namespace dyad

#endif // DYAD_CONVERSION_PASSES_H
