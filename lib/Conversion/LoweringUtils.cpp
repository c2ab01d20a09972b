//===- LoweringUtils.cpp - helpers shared by the dyad lowerings -----------===//
#include "LoweringUtils.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;
using namespace dyad;

//===----------------------------------------------------------------------===//
// Attributes and types
//===----------------------------------------------------------------------===//

std::optional<int64_t> dyad::normalizeAxis(int64_t axis, int64_t rank,
                                           bool inclusiveEnd) {
  int64_t end = inclusiveEnd ? rank + 1 : rank;
  if (axis < -rank || axis >= end)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

bool dyad::isUnsignedElt(Type dyadType) {
  return getElementTypeOrSelf(dyadType).isUnsignedInteger();
}

//===----------------------------------------------------------------------===//
// Index arithmetic
//===----------------------------------------------------------------------===//

/// `x` with a constant Value as its attribute: IndexMath's results hold
/// constants as attributes, also where they return an operand.
static OpFoldResult asAttrIfConstant(OpFoldResult x) {
  if (auto v = dyn_cast<Value>(x))
    return getAsOpFoldResult(v);
  return x;
}

Value IndexMath::value(OpFoldResult x) {
  if (auto v = dyn_cast<Value>(x))
    return v;
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(cast<Attribute>(x)));
}

OpFoldResult IndexMath::index(Value v) {
  if (auto cv = getConstantIntValue(v))
    return c(*cv);
  if (v.getType().isIndex())
    return v;
  // Undo the index -> integer cast of a shape computation.
  if (auto cast = v.getDefiningOp<arith::IndexCastOp>();
      cast && cast.getIn().getType().isIndex())
    return cast.getIn();
  return build<arith::IndexCastOp>(b.getIndexType(), v);
}

// Constants fold with the wrapping arithmetic of `index` ops (what arith's
// folders do too): a slice end of INT64_MAX plus a step stays defined.
static int64_t wrapAdd(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a + (uint64_t)b);
}
static int64_t wrapSub(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a - (uint64_t)b);
}
static int64_t wrapMul(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a * (uint64_t)b);
}
/// Signed division that cannot trap on the host: 0 and INT64_MIN / -1 are
/// left to run time.
static bool foldableDiv(int64_t a, int64_t b) {
  return b != 0 && !(a == std::numeric_limits<int64_t>::min() && b == -1);
}

OpFoldResult IndexMath::add(OpFoldResult x, OpFoldResult y) {
  auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy)
    return c(wrapAdd(*cx, *cy));
  if (cx && *cx == 0)
    return asAttrIfConstant(y);
  if (cy && *cy == 0)
    return asAttrIfConstant(x);
  return build<arith::AddIOp>(value(x), value(y));
}

OpFoldResult IndexMath::sub(OpFoldResult x, OpFoldResult y) {
  auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy)
    return c(wrapSub(*cx, *cy));
  if (cy && *cy == 0)
    return asAttrIfConstant(x);
  return build<arith::SubIOp>(value(x), value(y));
}

OpFoldResult IndexMath::mul(OpFoldResult x, OpFoldResult y) {
  auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy)
    return c(wrapMul(*cx, *cy));
  if (cx && *cx == 1)
    return asAttrIfConstant(y);
  if (cy && *cy == 1)
    return asAttrIfConstant(x);
  return build<arith::MulIOp>(value(x), value(y));
}

// Division by a constant 0 is left to run time (and to the arith folders,
// which do not fold it either).
OpFoldResult IndexMath::div(OpFoldResult x, OpFoldResult y) {
  auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy && foldableDiv(*cx, *cy))
    return c(*cx / *cy);
  if (cy && *cy == 1)
    return asAttrIfConstant(x);
  return build<arith::DivSIOp>(value(x), value(y));
}

OpFoldResult IndexMath::rem(OpFoldResult x, OpFoldResult y) {
  auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy && foldableDiv(*cx, *cy))
    return c(*cx % *cy);
  return build<arith::RemSIOp>(value(x), value(y));
}

OpFoldResult IndexMath::floorDiv(OpFoldResult x, int64_t y) {
  if (auto cx = getConstantIntValue(x); cx && foldableDiv(*cx, y))
    return c(llvm::divideFloorSigned(*cx, y));
  if (y == 1)
    return asAttrIfConstant(x);
  return build<arith::FloorDivSIOp>(value(x), value(c(y)));
}

OpFoldResult IndexMath::ceilDiv(OpFoldResult x, int64_t y) {
  if (auto cx = getConstantIntValue(x); cx && y != 0)
    return c(llvm::divideCeilSigned(*cx, y));
  if (y == 1)
    return asAttrIfConstant(x);
  return build<arith::CeilDivSIOp>(value(x), value(c(y)));
}

OpFoldResult IndexMath::min(OpFoldResult x, OpFoldResult y) {
  auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy)
    return c(std::min(*cx, *cy));
  return build<arith::MinSIOp>(value(x), value(y));
}

OpFoldResult IndexMath::max(OpFoldResult x, OpFoldResult y) {
  auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy)
    return c(std::max(*cx, *cy));
  return build<arith::MaxSIOp>(value(x), value(y));
}

OpFoldResult IndexMath::lt(OpFoldResult x, OpFoldResult y) {
  auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy)
    return b.getBoolAttr(*cx < *cy);
  return build<arith::CmpIOp>(arith::CmpIPredicate::slt, value(x), value(y));
}

OpFoldResult IndexMath::eq(OpFoldResult x, OpFoldResult y) {
  auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy)
    return b.getBoolAttr(*cx == *cy);
  return build<arith::CmpIOp>(arith::CmpIPredicate::eq, value(x), value(y));
}

OpFoldResult IndexMath::select(OpFoldResult cond, OpFoldResult x,
                               OpFoldResult y) {
  // (An i1 true reads as -1 through getConstantIntValue.)
  if (auto cc = getConstantIntValue(cond))
    return asAttrIfConstant(*cc != 0 ? x : y);
  if (x == y)
    return asAttrIfConstant(x);
  return build<arith::SelectOp>(value(cond), value(x), value(y));
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

SmallVector<Value> dyad::dynamicDims(OpBuilder &b, Location loc, Value tensor) {
  SmallVector<Value> dims;
  auto type = cast<RankedTensorType>(tensor.getType());
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dims.push_back(tensor::DimOp::create(b, loc, tensor, i));
  return dims;
}

Value dyad::dimSize(OpBuilder &b, Location loc, Value tensor, int64_t i) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(i))
    return arith::ConstantIndexOp::create(b, loc, type.getDimSize(i));
  return tensor::DimOp::create(b, loc, tensor, i);
}

Value dyad::emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                        ValueRange dynDims) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType(), dynDims);
}

Value dyad::emptyTensor(OpBuilder &b, Location loc,
                        ArrayRef<OpFoldResult> sizes, Type elt) {
  return tensor::EmptyOp::create(b, loc, sizes, elt);
}

Value dyad::filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                         Value value, ValueRange dynDims) {
  Value empty = emptyTensor(b, loc, type, dynDims);
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value dyad::filledTensor(OpBuilder &b, Location loc,
                         ArrayRef<OpFoldResult> sizes, Value value) {
  Value empty = emptyTensor(b, loc, sizes, value.getType());
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value dyad::scalarConstant(OpBuilder &b, Location loc, Type type,
                           double value) {
  if (auto ft = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, value));
  auto it = cast<IntegerType>(type);
  // Arithmetic is on signless integers.
  auto signless = IntegerType::get(b.getContext(), it.getWidth());
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(signless, (int64_t)value));
}

Value dyad::convertFloat(OpBuilder &b, Location loc, Value v, Type to) {
  auto from = cast<FloatType>(v.getType());
  auto toF = cast<FloatType>(to);
  if (from == toF)
    return v;
  if (from.getWidth() < toF.getWidth())
    return arith::ExtFOp::create(b, loc, toF, v);
  if (from.getWidth() > toF.getWidth())
    return arith::TruncFOp::create(b, loc, toF, v);
  // Same width, other format (f16 <-> bf16): f32 holds both exactly.
  Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
  return arith::TruncFOp::create(b, loc, toF, wide);
}

AffineMap dyad::broadcastMap(RankedTensorType operand, ArrayRef<int64_t> shape,
                             MLIRContext *ctx) {
  int64_t rank = shape.size();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < operand.getRank(); ++i) {
    int64_t d = i + rank - operand.getRank();
    if (operand.getDimSize(i) == 1 && shape[d] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(d, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value dyad::mapInto(OpBuilder &b, Location loc, ValueRange inputs,
                    ArrayRef<AffineMap> inputMaps, Value init,
                    ScalarBody body) {
  int64_t rank = cast<RankedTensorType>(init.getType()).getRank();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args.drop_back()));
      });
  return generic.getResult(0);
}

Value dyad::buildParallel(OpBuilder &b, Location loc, RankedTensorType type,
                          ValueRange dynDims, ValueRange inputs,
                          ArrayRef<AffineMap> inputMaps, ScalarBody body) {
  Value init = emptyTensor(b, loc, type, dynDims);
  return mapInto(b, loc, inputs, inputMaps, init, body);
}

Value dyad::buildElementwise(OpBuilder &b, Location loc,
                             RankedTensorType resultType, ValueRange inputs,
                             ScalarBody body) {
  int64_t rank = resultType.getRank();
  // Dynamic result dims: from the first input that has the dim unbroadcast.
  SmallVector<Value> dynDims;
  for (int64_t d = 0; d < rank; ++d) {
    if (!resultType.isDynamicDim(d))
      continue;
    Value src;
    int64_t srcDim = -1;
    for (Value in : inputs) {
      auto t = cast<RankedTensorType>(in.getType());
      int64_t id = d - (rank - t.getRank());
      if (id < 0 || t.getDimSize(id) == 1)
        continue;
      src = in;
      srcDim = id;
      break;
    }
    if (!src)
      return {};
    dynDims.push_back(tensor::DimOp::create(b, loc, src, srcDim));
  }
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(cast<RankedTensorType>(in.getType()),
                                resultType.getShape(), b.getContext()));
  return buildParallel(b, loc, resultType, dynDims, inputs, maps, body);
}

Value dyad::castTo(OpBuilder &b, Location loc, Value v, Type type) {
  if (v.getType() == type)
    return v;
  if (!tensor::CastOp::areCastCompatible(v.getType(), type))
    return {};
  return tensor::CastOp::create(b, loc, type, v);
}

Value dyad::convertInt(OpBuilder &b, Location loc, Value v, Type to,
                       bool srcUnsigned) {
  unsigned from = v.getType().getIntOrFloatBitWidth();
  unsigned width = to.getIntOrFloatBitWidth();
  if (from == width)
    return v;
  if (from > width)
    return arith::TruncIOp::create(b, loc, to, v);
  if (srcUnsigned || from == 1)
    return arith::ExtUIOp::create(b, loc, to, v);
  return arith::ExtSIOp::create(b, loc, to, v);
}

AffineMap dyad::keptDimsMap(MLIRContext *ctx, ArrayRef<bool> reduced) {
  SmallVector<AffineExpr> exprs;
  for (auto [d, r] : llvm::enumerate(reduced))
    if (!r)
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(reduced.size(), 0, exprs, ctx);
}

Value dyad::buildReduction(OpBuilder &b, Location loc, Value shapeSrc,
                     ArrayRef<bool> reduced, ValueRange inputs,
                     ArrayRef<AffineMap> inputMaps, Value initValue,
                     ReduceBody body) {
  auto srcType = cast<RankedTensorType>(shapeSrc.getType());
  SmallVector<int64_t> shape;
  SmallVector<Value> dyn;
  SmallVector<utils::IteratorType> iters;
  for (int64_t d = 0; d < srcType.getRank(); ++d) {
    iters.push_back(reduced[d] ? utils::IteratorType::reduction
                               : utils::IteratorType::parallel);
    if (reduced[d])
      continue;
    shape.push_back(srcType.getDimSize(d));
    if (srcType.isDynamicDim(d))
      dyn.push_back(tensor::DimOp::create(b, loc, shapeSrc, d));
  }
  auto outType = RankedTensorType::get(shape, initValue.getType());
  Value init = filledTensor(b, loc, outType, initValue, dyn);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(keptDimsMap(b.getContext(), reduced));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc,
                                body(nb, nloc, args.drop_back(), args.back()));
      });
  return generic.getResult(0);
}
