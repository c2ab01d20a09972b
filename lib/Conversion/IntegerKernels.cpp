//===- IntegerKernels.cpp - integer-only nonlinear kernels to linalg ------===//
//
// The integer forms of the nonlinear ops (docs/numerics.md): dyad.lookup (a
// table per input value), dyad.int_softmax (table exp, one division per
// row) and dyad.int_layer_norm (integer square root, one division per row).
// Everything is 64-bit integer arithmetic in linalg.generic bodies: per-row
// statistics are reductions read back through projected maps, as the float
// Softmax and LayerNormalization lowerings do.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"

#include "mlir/IR/AffineMap.h"

using namespace mlir;
using namespace dyad;

namespace {

Value i64Const(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
}

/// (p + 2^(c-1) - (p < 0)) >> c: p / 2^c rounded half away from zero, as
/// dyad.requant rounds (1 <= c <= 62).
Value roundingShift(OpBuilder &b, Location loc, Value p, int64_t c) {
  if (c == 0)
    return p;
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, p,
                                    i64Const(b, loc, 0));
  Value adj = arith::SubIOp::create(
      b, loc, i64Const(b, loc, int64_t(1) << (c - 1)),
      arith::ExtUIOp::create(b, loc, b.getI64Type(), neg));
  return arith::ShRSIOp::create(b, loc, arith::AddIOp::create(b, loc, p, adj),
                                i64Const(b, loc, c));
}

/// clamp(v, lo, hi) narrowed to `elt`.
Value clampNarrow(OpBuilder &b, Location loc, Value v, int64_t lo, int64_t hi,
                  Type elt) {
  v = arith::MaxSIOp::create(b, loc, v, i64Const(b, loc, lo));
  v = arith::MinSIOp::create(b, loc, v, i64Const(b, loc, hi));
  return convertInt(b, loc, v, elt, /*srcUnsigned=*/false);
}

/// table[clamp(i, 0, size - 1)] with `i` an i64, widened to i64; without
/// the clamp where `i` is known to be in range.
Value readTable(OpBuilder &b, Location loc, Value table, int64_t size,
                Value i, bool inRange = false) {
  if (!inRange) {
    i = arith::MaxSIOp::create(b, loc, i, i64Const(b, loc, 0));
    i = arith::MinSIOp::create(b, loc, i, i64Const(b, loc, size - 1));
  }
  Value idx = arith::IndexCastOp::create(b, loc, b.getIndexType(), i);
  Value v = tensor::ExtractOp::create(b, loc, table, ValueRange{idx});
  return convertInt(b, loc, v, b.getI64Type(), /*srcUnsigned=*/false);
}

/// The output clamp of an integer kernel: its clamp_min / clamp_max, by
/// default the range of the dyad result type (ui8: [0, 255]).
template <typename OpTy>
std::pair<int64_t, int64_t> clampRange(OpTy op) {
  auto t = cast<IntegerType>(getElementTypeOrSelf(op.getOutput().getType()));
  unsigned w = t.getWidth();
  int64_t lo = t.isUnsigned() ? 0 : -(int64_t(1) << (w - 1));
  int64_t hi = t.isUnsigned() ? (int64_t(1) << w) - 1
                              : (int64_t(1) << (w - 1)) - 1;
  return {op.getClampMin().value_or(lo), op.getClampMax().value_or(hi)};
}

Value tableConstant(OpBuilder &b, Location loc, ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get({(int64_t)values.size()}, b.getI32Type());
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

/// y = table[x - offset].
struct LookupLowering : DyadConversionPattern<LookupOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(LookupOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value x = adaptor.getInput();
    if (!isa<RankedTensorType>(x.getType()))
      return rewriter.notifyMatchFailure(op, "unranked operand");
    Location loc = op.getLoc();
    bool inUnsigned = isUnsignedElt(op.getInput().getType());
    int64_t offset = op.getOffset(), size = op.getTable().size();
    Value table = tableConstant(rewriter, loc, op.getTable());
    Type elt = type.getElementType();
    // A table with an entry for every value of the input type (256 from
    // the input's minimum for 8 bits, as dyad-integerize builds them)
    // needs no clamp.
    auto inType = cast<IntegerType>(getElementTypeOrSelf(op.getInput().getType()));
    unsigned w = inType.getWidth();
    int64_t inMin = inUnsigned ? 0 : -(int64_t(1) << (w - 1));
    bool inRange = offset == inMin && size == (int64_t(1) << w);
    Value y = buildElementwise(
        rewriter, loc, type, x, [&](OpBuilder &b, Location l, ValueRange a) {
          Value v = convertInt(b, l, a[0], b.getI64Type(), inUnsigned);
          v = arith::SubIOp::create(b, l, v, i64Const(b, l, offset));
          return convertInt(b, l, readTable(b, l, table, size, v, inRange),
                            elt, /*srcUnsigned=*/false);
        });
    if (!y)
      return rewriter.notifyMatchFailure(op, "dynamic dim without a source");
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// The per-row statistics' type (the dims of `x` not in `reduced`) and its
/// dynamic sizes.
std::pair<RankedTensorType, SmallVector<Value>>
statType(OpBuilder &b, Location loc, Value x, ArrayRef<bool> reduced) {
  auto xType = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape;
  SmallVector<Value> dyn;
  for (int64_t d = 0; d < xType.getRank(); ++d) {
    if (reduced[d])
      continue;
    shape.push_back(xType.getDimSize(d));
    if (xType.isDynamicDim(d))
      dyn.push_back(tensor::DimOp::create(b, loc, x, d));
  }
  return {RankedTensorType::get(shape, b.getI64Type()), dyn};
}

/// dyad.int_softmax: max, table exp, sum, one division per row, scale.
struct IntSoftmaxLowering : DyadConversionPattern<IntSoftmaxOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(IntSoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value x = adaptor.getInput();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = xType.getRank();
    std::optional<int64_t> axis = normalizeAxis(op.getAxis(), rank);
    if (!axis)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto i64 = rewriter.getI64Type();
    bool inUnsigned = isUnsignedElt(op.getInput().getType());
    std::pair<int64_t, int64_t> range = clampRange(op);
    int64_t lo = range.first, hi = range.second;
    int64_t size = op.getExpTable().size(), shift = op.getShift(),
            numerator = op.getNumerator(), zp = op.getOutputZp();
    Value table = tableConstant(rewriter, loc, op.getExpTable());
    Type elt = type.getElementType();

    SmallVector<bool> reduced(rank, false);
    reduced[*axis] = true;
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap row = keptDimsMap(ctx, reduced);
    SmallVector<Value> dyn = dynamicDims(rewriter, loc, x);
    auto wide = [&](OpBuilder &b, Location l, Value v) {
      return convertInt(b, l, v, i64, inUnsigned);
    };

    Value max = buildReduction(
        rewriter, loc, x, reduced, x, id, i64Const(rewriter, loc, INT64_MIN),
        [&](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          return arith::MaxSIOp::create(b, l, wide(b, l, in[0]), acc);
        });
    Value exps = buildParallel(
        rewriter, loc, xType.clone(i64), dyn, {x, max}, {id, row},
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value d = arith::SubIOp::create(b, l, in[1], wide(b, l, in[0]));
          return readTable(b, l, table, size, d);
        });
    Value sum = buildReduction(
        rewriter, loc, x, reduced, exps, id, i64Const(rewriter, loc, 0),
        [&](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          return arith::AddIOp::create(b, l, in[0], acc);
        });
    auto [sType, sDyn] = statType(rewriter, loc, x, reduced);
    AffineMap statId = AffineMap::getMultiDimIdentityMap(rank - 1, ctx);
    // R = numerator / S, S >= 2^30 (the max reads exp_table[0] = 2^30).
    Value recip = buildParallel(
        rewriter, loc, sType, sDyn, sum, statId,
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value s = arith::MaxSIOp::create(b, l, in[0], i64Const(b, l, 1));
          return arith::DivSIOp::create(b, l, i64Const(b, l, numerator), s);
        });
    Value y = buildParallel(
        rewriter, loc, type, dyn, {exps, recip}, {id, row},
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value p = arith::MulIOp::create(b, l, in[0], in[1]);
          Value r = roundingShift(b, l, p, shift);
          r = arith::AddIOp::create(b, l, r, i64Const(b, l, zp));
          return clampNarrow(b, l, r, lo, hi, elt);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// floor(sqrt(d)) for 0 <= d < 2^62, bit by bit (31 steps, straight-line
/// selects, so it vectorizes).
Value isqrt(OpBuilder &b, Location loc, Value d) {
  Value res = i64Const(b, loc, 0);
  for (int i = 30; i >= 0; --i) {
    Value bit = i64Const(b, loc, int64_t(1) << (2 * i));
    Value t = arith::AddIOp::create(b, loc, res, bit);
    Value ge = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, d, t);
    d = arith::SelectOp::create(b, loc, ge,
                                arith::SubIOp::create(b, loc, d, t), d);
    Value half = arith::ShRSIOp::create(b, loc, res, i64Const(b, loc, 1));
    res = arith::SelectOp::create(b, loc, ge,
                                  arith::AddIOp::create(b, loc, half, bit),
                                  half);
  }
  return res;
}

/// dyad.int_layer_norm: sums of v and v^2, integer sqrt and one division
/// per row, then the per-element scale and bias.
struct IntLayerNormLowering : DyadConversionPattern<IntLayerNormOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(IntLayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value x = adaptor.getInput();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = xType.getRank();
    std::optional<int64_t> axis = normalizeAxis(op.getAxis(), rank);
    if (!axis)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    ArrayRef<int64_t> normShape = xType.getShape().drop_front(*axis);
    if (ShapedType::isDynamicShape(normShape))
      return rewriter.notifyMatchFailure(op, "dynamic normalized dims");
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto i64 = rewriter.getI64Type();
    bool inUnsigned = isUnsignedElt(op.getInput().getType());
    std::pair<int64_t, int64_t> range = clampRange(op);
    int64_t lo = range.first, hi = range.second;
    int64_t C = op.getScale().size(), inZp = op.getInputZp(),
            eps = op.getEpsilon(), k = op.getSqrtShift(),
            f = op.getFracBits(), outShift = op.getOutShift(),
            zp = op.getOutputZp();
    Type elt = type.getElementType();

    SmallVector<bool> reduced(rank, false);
    for (int64_t d = *axis; d < rank; ++d)
      reduced[d] = true;
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap row = keptDimsMap(ctx, reduced);
    SmallVector<AffineExpr> inner;
    for (int64_t d = *axis; d < rank; ++d)
      inner.push_back(getAffineDimExpr(d, ctx));
    AffineMap perElement = AffineMap::get(rank, 0, inner, ctx);
    SmallVector<Value> dyn = dynamicDims(rewriter, loc, x);
    auto centered = [&](OpBuilder &b, Location l, Value v) -> Value {
      v = convertInt(b, l, v, i64, inUnsigned);
      return inZp ? arith::SubIOp::create(b, l, v, i64Const(b, l, inZp))
                        .getResult()
                  : v;
    };

    Value s1 = buildReduction(
        rewriter, loc, x, reduced, x, id, i64Const(rewriter, loc, 0),
        [&](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          return arith::AddIOp::create(b, l, centered(b, l, in[0]), acc);
        });
    Value s2 = buildReduction(
        rewriter, loc, x, reduced, x, id, i64Const(rewriter, loc, 0),
        [&](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          Value v = centered(b, l, in[0]);
          return arith::AddIOp::create(b, l, arith::MulIOp::create(b, l, v, v),
                                       acc);
        });
    auto [sType, sDyn] = statType(rewriter, loc, x, reduced);
    AffineMap statId =
        AffineMap::getMultiDimIdentityMap(sType.getRank(), ctx);
    // R = 2^62 / isqrt(((C s2 - s1^2) << 2k) + epsilon).
    Value recip = buildParallel(
        rewriter, loc, sType, sDyn, {s1, s2}, {statId, statId},
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value d = arith::SubIOp::create(
              b, l, arith::MulIOp::create(b, l, in[1], i64Const(b, l, C)),
              arith::MulIOp::create(b, l, in[0], in[0]));
          if (k)
            d = arith::ShLIOp::create(b, l, d, i64Const(b, l, 2 * k));
          if (eps)
            d = arith::AddIOp::create(b, l, d, i64Const(b, l, eps));
          Value sd = arith::MaxSIOp::create(b, l, isqrt(b, l, d),
                                            i64Const(b, l, 1));
          return arith::DivSIOp::create(b, l, i64Const(b, l, int64_t(1) << 62),
                                        sd);
        });
    auto normType = RankedTensorType::get(normShape, i64);
    Value scale = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(normType, op.getScale()));
    Value bias = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(normType, op.getBias()));
    Value y = buildParallel(
        rewriter, loc, type, dyn, {x, s1, recip, scale, bias},
        {id, row, row, perElement, perElement},
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value t = arith::SubIOp::create(
              b, l,
              arith::MulIOp::create(b, l, centered(b, l, in[0]),
                                    i64Const(b, l, C)),
              in[1]);
          Value z = roundingShift(b, l, arith::MulIOp::create(b, l, t, in[2]),
                                  62 - k - f);
          Value acc = arith::AddIOp::create(
              b, l, arith::MulIOp::create(b, l, z, in[3]), in[4]);
          Value r = roundingShift(b, l, acc, outShift);
          r = arith::AddIOp::create(b, l, r, i64Const(b, l, zp));
          return clampNarrow(b, l, r, lo, hi, elt);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void dyad::populateIntegerKernelPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<LookupLowering, IntSoftmaxLowering, IntLayerNormLowering>(
      converter, patterns.getContext());
}
