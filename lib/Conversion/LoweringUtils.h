//===- LoweringUtils.h - helpers shared by the dyad lowerings ---*- C++ -*-===//
#ifndef DYAD_LIB_CONVERSION_LOWERINGUTILS_H
#define DYAD_LIB_CONVERSION_LOWERINGUTILS_H

#include "dyad/Dialect/Dyad/DyadOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

#include <optional>

namespace dyad {

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Base of the dyad lowering patterns: an OpConversionPattern with the
/// check they start with.
template <typename OpTy>
class DyadConversionPattern : public mlir::OpConversionPattern<OpTy> {
public:
  using mlir::OpConversionPattern<OpTy>::OpConversionPattern;

protected:
  /// The converted type of `op`'s result `i` when it is a ranked tensor.
  /// Otherwise null, with the match failure notified: unranked tensors are
  /// not lowered.
  mlir::RankedTensorType
  getRankedResultType(OpTy op, mlir::ConversionPatternRewriter &rewriter,
                      unsigned i = 0) const {
    auto type = llvm::dyn_cast_or_null<mlir::RankedTensorType>(
        this->getTypeConverter()->convertType(op->getResult(i).getType()));
    if (!type)
      (void)rewriter.notifyMatchFailure(op, "unranked result");
    return type;
  }
};

//===----------------------------------------------------------------------===//
// Attributes and types
//===----------------------------------------------------------------------===//

/// An ONNX axis in [-rank, rank) as an index in [0, rank); with
/// `inclusiveEnd` (an axis that may name the position after the last dim,
/// as Flatten's) one in [-rank, rank] as an index in [0, rank].
/// std::nullopt when out of range. The ops' I64Attr getters return
/// uint64_t: pass them as int64_t.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                     bool inclusiveEnd = false);

/// Whether the element type of the dyad (pre-conversion) type `dyadType` is
/// an unsigned integer. The type converter makes unsigned types signless, so
/// this must be asked of the original op's types.
bool isUnsignedElt(mlir::Type dyadType);

//===----------------------------------------------------------------------===//
// Index arithmetic
//===----------------------------------------------------------------------===//

/// Arithmetic on sizes and indices held as OpFoldResults. Constant operands
/// fold to constants (attributes, so that sizes built from them keep shapes
/// static); anything else becomes arith ops on `index` (i1 for comparisons),
/// created with createOrFold so that they fold where their operands allow.
class IndexMath {
public:
  /// The value type, for windowDim (dyad/Dialect/Dyad/Window.h).
  using Int = mlir::OpFoldResult;

  IndexMath(mlir::OpBuilder &b, mlir::Location loc) : b(b), loc(loc) {}

  mlir::OpBuilder &b;
  mlir::Location loc;

  /// The index constant `v`.
  mlir::OpFoldResult c(int64_t v) { return b.getIndexAttr(v); }
  /// `x` as a Value: an arith.constant where it is a constant.
  mlir::Value value(mlir::OpFoldResult x);
  /// An integer scalar (i32/i64, or index) as an index.
  mlir::OpFoldResult index(mlir::Value v);

  mlir::OpFoldResult add(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult add(mlir::OpFoldResult x, int64_t y) {
    return add(x, c(y));
  }
  mlir::OpFoldResult sub(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult sub(mlir::OpFoldResult x, int64_t y) {
    return sub(x, c(y));
  }
  mlir::OpFoldResult mul(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult mul(mlir::OpFoldResult x, int64_t y) {
    return mul(x, c(y));
  }
  /// Division rounding toward zero, and its remainder.
  mlir::OpFoldResult div(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult rem(mlir::OpFoldResult x, mlir::OpFoldResult y);
  /// Division by a constant rounding down / up.
  mlir::OpFoldResult floorDiv(mlir::OpFoldResult x, int64_t y);
  mlir::OpFoldResult ceilDiv(mlir::OpFoldResult x, int64_t y);
  mlir::OpFoldResult min(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult min(mlir::OpFoldResult x, int64_t y) {
    return min(x, c(y));
  }
  mlir::OpFoldResult max(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult max(mlir::OpFoldResult x, int64_t y) {
    return max(x, c(y));
  }
  mlir::OpFoldResult clamp(mlir::OpFoldResult x, mlir::OpFoldResult lo,
                           mlir::OpFoldResult hi) {
    return min(max(x, lo), hi);
  }
  /// Signed comparisons: i1 results.
  mlir::OpFoldResult lt(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult eq(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult select(mlir::OpFoldResult cond, mlir::OpFoldResult x,
                            mlir::OpFoldResult y);

private:
  /// An OpTy on `args` built with createOrFold, as an OpFoldResult.
  template <typename OpTy, typename... Args>
  mlir::OpFoldResult build(Args &&...args) {
    return mlir::getAsOpFoldResult(
        b.createOrFold<OpTy>(loc, std::forward<Args>(args)...));
  }
};

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

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

/// tensor.empty with the (mixed static / dynamic) sizes `sizes`; its type is
/// as static as the sizes are.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes,
                        mlir::Type elt);

/// tensor.empty + linalg.fill with `value` (a scalar of the element type).
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::Value value,
                         mlir::ValueRange dynDims = {});
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Value value);

/// Scalar constant of element type `type` (float or integer) from a double.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// Float to float conversion; narrowing rounds to nearest even.
mlir::Value convertFloat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         mlir::Type to);

using ScalarBody = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// The indexing map that reads `operand` right-aligned against a loop nest
/// over `shape`, numpy style: a dim of `operand` that is statically 1 where
/// `shape`'s is not reads index 0.
mlir::AffineMap broadcastMap(mlir::RankedTensorType operand,
                             llvm::ArrayRef<int64_t> shape,
                             mlir::MLIRContext *ctx);

/// A parallel linalg.generic writing `body(input scalars)` into `init`,
/// which it indexes by the identity; `inputMaps` index the inputs.
mlir::Value mapInto(mlir::OpBuilder &b, mlir::Location loc,
                    mlir::ValueRange inputs,
                    llvm::ArrayRef<mlir::AffineMap> inputMaps, mlir::Value init,
                    ScalarBody body);

/// mapInto a fresh tensor.empty of `type` (dynamic dims `dynDims`).
mlir::Value buildParallel(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::RankedTensorType type, mlir::ValueRange dynDims,
                          mlir::ValueRange inputs,
                          llvm::ArrayRef<mlir::AffineMap> inputMaps,
                          ScalarBody body);

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

/// (d0, ..., d{n-1}) -> (the dims not marked in `reduced`).
mlir::AffineMap keptDimsMap(mlir::MLIRContext *ctx,
                            llvm::ArrayRef<bool> reduced);

using ReduceBody = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange ins, mlir::Value acc)>;

/// Reduces over the loop nest of `shapeSrc`'s dims, folding the dims marked
/// in `reduced`: the result has the other dims, starts at `initValue` and
/// takes `body(inputs, acc)` at every point.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value shapeSrc, llvm::ArrayRef<bool> reduced,
                           mlir::ValueRange inputs,
                           llvm::ArrayRef<mlir::AffineMap> inputMaps,
                           mlir::Value initValue, ReduceBody body);

} // namespace dyad

#endif // DYAD_LIB_CONVERSION_LOWERINGUTILS_H
