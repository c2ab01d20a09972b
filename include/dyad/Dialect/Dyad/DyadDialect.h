//===- DyadDialect.h - dyad dialect -----------------------------*- C++ -*-===//
#ifndef DYAD_DIALECT_DYADDIALECT_H
#define DYAD_DIALECT_DYADDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "dyad/Dialect/Dyad/DyadDialect.h.inc"

#include <string>

namespace dyad {
/// The ONNX tensor name of `v`: `dyad.name` of a graph argument, or
/// `dyad.tensor` of the op producing it (see ImportOptions::tensorNames).
/// Empty when unnamed.
std::string tensorName(mlir::Value v);
} // namespace dyad

#endif // DYAD_DIALECT_DYADDIALECT_H
