//===- LoweringUtils.cpp - helpers shared by the dyad lowerings -----------===//
#include "LoweringUtils.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;
using namespace dyad;

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

Value dyad::filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                         Value value, ValueRange dynDims) {
  Value empty = emptyTensor(b, loc, type, dynDims);
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

RankedTensorType dyad::rankedResult(Operation *op, unsigned i) {
  return dyn_cast<RankedTensorType>(op->getResult(i).getType());
}

Value dyad::buildElementwise(OpBuilder &b, Location loc,
                             RankedTensorType resultType, ValueRange inputs,
                             ScalarBody body) {
  int64_t rank = resultType.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
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
  for (Value in : inputs) {
    auto t = cast<RankedTensorType>(in.getType());
    SmallVector<AffineExpr> exprs;
    for (int64_t id = 0; id < t.getRank(); ++id) {
      int64_t d = id + (rank - t.getRank());
      if (t.getDimSize(id) == 1 && resultType.getDimSize(d) != 1)
        exprs.push_back(getAffineConstantExpr(0, ctx));
      else
        exprs.push_back(getAffineDimExpr(d, ctx));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  Value init = emptyTensor(b, loc, resultType, dynDims);
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
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
