//===- LoweringUtils.h - helpers shared by the dyad lowerings ---*- C++ -*-===//
#ifndef DYAD_LIB_CONVERSION_LOWERINGUTILS_H
#define DYAD_LIB_CONVERSION_LOWERINGUTILS_H

#include "dyad/Dialect/Dyad/DyadOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace dyad {

/// The values of the dynamic dims of `tensor` (tensor.dim ops), in order.
llvm::SmallVector<mlir::Value> dynamicDims(mlir::OpBuilder &b,
                                           mlir::Location loc,
                                           mlir::Value tensor);

/// Size of dim `i` of `tensor` as an index value (constant when static).
mlir::Value dimSize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor,
                    int64_t i);

/// tensor.empty of `type`, with its dynamic dims taken from `dynDims`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        mlir::ValueRange dynDims = {});

/// tensor.empty + linalg.fill with `value` (a scalar of the element type).
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::Value value,
                         mlir::ValueRange dynDims = {});

/// Scalar constant of element type `type` (float or integer) from a double.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

using ScalarBody = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// An elementwise linalg.generic over `resultType` with numpy (right-aligned)
/// broadcasting of `inputs`: an input dim that is statically 1 where the
/// result's is not reads index 0. Dynamic result dims come from an input
/// whose matching dim is not statically 1. `body` maps the input scalars to
/// the result scalar. Fails (returns null) if a dynamic result dim has no
/// source.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, ScalarBody body);

/// `v` as `type` through a tensor.cast where only static shape information
/// differs; null when the shapes are incompatible (the lowering then fails
/// rather than emit a bad cast).
mlir::Value castTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                   mlir::Type type);

/// Width change of the signless integer `v` to `to`: truncation, or an
/// extension by the source's signedness (i1 is a 0/1 bool and zero-extends).
mlir::Value convertInt(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       mlir::Type to, bool srcUnsigned);

/// The ranked result type of `op`'s result `i`, or null (the lowering then
/// fails: unranked tensors are not lowered).
mlir::RankedTensorType rankedResult(mlir::Operation *op, unsigned i = 0);

} // namespace dyad

#endif // DYAD_LIB_CONVERSION_LOWERINGUTILS_H
