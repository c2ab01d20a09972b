//===- QuantToArith.cpp - quantize / dequantize ---------------------------===//
//
// Quantization ops become elementwise linalg.generics on the storage
// integers. The arithmetic follows ONNX (QuantizeLinear, DequantizeLinear,
// DynamicQuantizeLinear):
//   quantize:   q = saturate(round_half_even(x / scale) + zero_point)
//   dequantize: x = (q - zero_point) * scale
// Signedness is not in the converted (signless) types: it comes from the
// original quant type or ONNX integer type.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dyad;

namespace {

/// The storage range and signedness of a quantized value.
struct Storage {
  IntegerType type; // signless
  bool isSigned;
  int64_t qmin, qmax;

  static Storage ofQuant(quant::QuantizedType qt) {
    return {IntegerType::get(qt.getContext(), qt.getStorageTypeIntegralWidth()),
            qt.isSigned(), qt.getStorageTypeMin(), qt.getStorageTypeMax()};
  }
  /// Full range of an ONNX integer type (ui8 -> [0, 255], i8 -> [-128, 127]).
  static Storage ofInt(IntegerType t) {
    unsigned w = t.getWidth();
    bool s = !t.isUnsigned();
    auto signless = IntegerType::get(t.getContext(), w);
    if (s)
      return {signless, true, APInt::getSignedMinValue(w).getSExtValue(),
              APInt::getSignedMaxValue(w).getSExtValue()};
    return {signless, false, 0, (int64_t)APInt::getMaxValue(w).getZExtValue()};
  }

  /// Float type that holds every storage value and the zero-point sum
  /// exactly.
  FloatType computeFloat(MLIRContext *ctx, Type input) const {
    if (type.getWidth() <= 16 && !input.isF64())
      return Float32Type::get(ctx);
    return Float64Type::get(ctx);
  }
  /// Integer type for q - zero_point without overflow.
  IntegerType wideInt(MLIRContext *ctx) const {
    return IntegerType::get(ctx, type.getWidth() < 32 ? 32 : 64);
  }
};

/// saturate(round_half_even(x / scale) + zp) into `s`; `zp` is a float of
/// the compute type (or null for 0).
Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale, Value zp,
                     const Storage &s) {
  Type ft = scale.getType();
  if (isa<IntegerType>(x.getType()))
    x = arith::SIToFPOp::create(b, loc, ft, x); // ONNX int32 x
  else
    x = convertFloat(b, loc, x, ft);
  Value q = arith::DivFOp::create(b, loc, x, scale);
  q = math::RoundEvenOp::create(b, loc, q);
  FloatType ct = s.computeFloat(b.getContext(), ft);
  q = convertFloat(b, loc, q, ct);
  if (zp)
    q = arith::AddFOp::create(b, loc, q, zp);
  // maxnumf/minnumf: NaN saturates to qmin rather than poisoning fptosi.
  q = arith::MaxNumFOp::create(b, loc, q,
                               scalarConstant(b, loc, ct, (double)s.qmin));
  q = arith::MinNumFOp::create(b, loc, q,
                               scalarConstant(b, loc, ct, (double)s.qmax));
  if (s.isSigned)
    return arith::FPToSIOp::create(b, loc, s.type, q);
  return arith::FPToUIOp::create(b, loc, s.type, q);
}

/// (q - zp) * scale as `resultType`; `zp` is an integer of the wide type (or
/// null for 0).
Value dequantizeScalar(OpBuilder &b, Location loc, Value q, Value zp,
                       Value scale, const Storage &s, Type resultType) {
  IntegerType wide = s.wideInt(b.getContext());
  Value d = convertInt(b, loc, q, wide, !s.isSigned);
  if (zp)
    d = arith::SubIOp::create(b, loc, d, zp);
  Value f = arith::SIToFPOp::create(b, loc, resultType, d);
  return arith::MulFOp::create(b, loc, f,
                               convertFloat(b, loc, scale, resultType));
}

/// An elementwise generic over `resultType` (dynamic dims from `like`) whose
/// inputs are read through `maps`.
Value buildMapped(OpBuilder &b, Location loc, RankedTensorType resultType,
                  Value like, ValueRange inputs, ArrayRef<AffineMap> maps,
                  ScalarBody body) {
  return buildParallel(b, loc, resultType, dynamicDims(b, loc, like), inputs,
                       maps, body);
}

/// Scale and zero-point constants of a static quant type with the indexing
/// maps of a generic over the data: 1-D tensors read along the quantized
/// dimension (per axis, generic inputs), or scalars (per tensor, captured by
/// the body). `maps` starts with the data's identity map.
struct StaticParams {
  SmallVector<Value> tensors;
  SmallVector<AffineMap> maps;
  bool perAxis = false;
};

/// Builds the scale (float type `ft`) and zero point (type `zpType`, integer
/// or float) parameters of `qt` for a tensor of `rank`.
FailureOr<StaticParams> staticParams(OpBuilder &b, Location loc,
                                     quant::QuantizedType qt, int64_t rank,
                                     Type ft, Type zpType) {
  StaticParams p;
  MLIRContext *ctx = b.getContext();
  p.maps.push_back(b.getMultiDimIdentityMap(rank));
  auto attrOf = [&](Type t, double v) -> Attribute {
    if (auto f = dyn_cast<FloatType>(t))
      return b.getFloatAttr(f, v);
    return b.getIntegerAttr(t, (int64_t)v);
  };
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(qt)) {
    int64_t axis = pa.getQuantizedDimension();
    if (axis >= rank)
      return failure();
    int64_t n = pa.getScales().size();
    SmallVector<Attribute> scales, zps;
    for (double s : pa.getScales())
      scales.push_back(attrOf(ft, s));
    for (int64_t z : pa.getZeroPoints())
      zps.push_back(attrOf(zpType, (double)z));
    p.tensors.push_back(arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({n}, ft), scales)));
    p.tensors.push_back(arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({n}, zpType), zps)));
    AffineMap m = AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx));
    p.maps.push_back(m);
    p.maps.push_back(m);
    p.perAxis = true;
    return p;
  }
  auto u = dyn_cast<quant::UniformQuantizedType>(qt);
  if (!u)
    return failure();
  p.tensors.push_back(arith::ConstantOp::create(
      b, loc, cast<TypedAttr>(attrOf(ft, u.getScale()))));
  p.tensors.push_back(arith::ConstantOp::create(
      b, loc, cast<TypedAttr>(attrOf(zpType, (double)u.getZeroPoint()))));
  return p;
}

//===----------------------------------------------------------------------===//
// Static quant types
//===----------------------------------------------------------------------===//

struct QuantizeLowering : DyadConversionPattern<QuantizeOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value x = adaptor.getInput();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    auto qt = cast<quant::QuantizedType>(op.getType().getElementType());
    Storage s = Storage::ofQuant(qt);
    Location loc = op.getLoc();
    Type ft = xType.getElementType();
    Type ct = s.computeFloat(getContext(), ft);
    auto params = staticParams(rewriter, loc, qt, xType.getRank(), ft, ct);
    if (failed(params))
      return rewriter.notifyMatchFailure(op, "unsupported quantized type");
    Value result;
    if (params->perAxis) {
      result = buildMapped(
          rewriter, loc, type, x, {x, params->tensors[0], params->tensors[1]},
          params->maps, [&](OpBuilder &b, Location l, ValueRange a) {
            return quantizeScalar(b, l, a[0], a[1], a[2], s);
          });
    } else {
      Value scale = params->tensors[0], zp = params->tensors[1];
      result = buildMapped(rewriter, loc, type, x, {x}, params->maps,
                           [&](OpBuilder &b, Location l, ValueRange a) {
                             return quantizeScalar(b, l, a[0], scale, zp, s);
                           });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeLowering : DyadConversionPattern<DequantizeOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value q = adaptor.getInput();
    auto qType = dyn_cast<RankedTensorType>(q.getType());
    if (!qType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    auto qt = cast<quant::QuantizedType>(
        cast<ShapedType>(op.getInput().getType()).getElementType());
    Storage s = Storage::ofQuant(qt);
    Location loc = op.getLoc();
    Type ft = type.getElementType();
    auto params = staticParams(rewriter, loc, qt, qType.getRank(), ft,
                               s.wideInt(getContext()));
    if (failed(params))
      return rewriter.notifyMatchFailure(op, "unsupported quantized type");
    Value result;
    if (params->perAxis) {
      result = buildMapped(
          rewriter, loc, type, q, {q, params->tensors[0], params->tensors[1]},
          params->maps, [&](OpBuilder &b, Location l, ValueRange a) {
            return dequantizeScalar(b, l, a[0], a[2], a[1], s, ft);
          });
    } else {
      Value scale = params->tensors[0], zp = params->tensors[1];
      result =
          buildMapped(rewriter, loc, type, q, {q}, params->maps,
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        return dequantizeScalar(b, l, a[0], zp, scale, s, ft);
                      });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Run-time scale / zero point
//===----------------------------------------------------------------------===//

/// Indexing map of a run-time scale or zero point for data of `rank`: a
/// scalar or one-element vector is per tensor, a longer vector is read along
/// `axis`. Fails on a vector of unknown length.
FailureOr<AffineMap> paramMap(OpBuilder &b, Value param, int64_t axis,
                              int64_t rank) {
  auto t = dyn_cast<RankedTensorType>(param.getType());
  MLIRContext *ctx = b.getContext();
  if (!t || t.getRank() > 1)
    return failure();
  if (t.getRank() == 0)
    return AffineMap::get(rank, 0, ctx);
  if (t.isDynamicDim(0))
    return failure();
  if (t.getDimSize(0) == 1)
    return AffineMap::get(rank, 0, getAffineConstantExpr(0, ctx));
  std::optional<int64_t> dim = normalizeAxis(axis, rank);
  if (!dim)
    return failure();
  return AffineMap::get(rank, 0, getAffineDimExpr(*dim, ctx));
}

struct QuantizeLinearLowering : DyadConversionPattern<QuantizeLinearOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto yElt = dyn_cast<IntegerType>(getElementTypeOrSelf(op.getType()));
    if (!xType || !yElt)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    if (yElt.getWidth() > 32)
      return rewriter.notifyMatchFailure(op, "storage wider than 32 bits");
    Storage s = Storage::ofInt(yElt);
    int64_t rank = xType.getRank();
    int64_t axis = (int64_t)op.getAxis();
    Location loc = op.getLoc();
    SmallVector<Value> inputs{x, adaptor.getYScale()};
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank)};
    auto sm = paramMap(rewriter, adaptor.getYScale(), axis, rank);
    if (failed(sm))
      return rewriter.notifyMatchFailure(op, "scale shape");
    maps.push_back(*sm);
    bool hasZp = (bool)adaptor.getYZeroPoint();
    if (hasZp) {
      auto zm = paramMap(rewriter, adaptor.getYZeroPoint(), axis, rank);
      if (failed(zm))
        return rewriter.notifyMatchFailure(op, "zero point shape");
      inputs.push_back(adaptor.getYZeroPoint());
      maps.push_back(*zm);
    }
    Value result = buildMapped(
        rewriter, loc, type, x, inputs, maps,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value zp;
          if (hasZp) {
            // The zero point has the result's (signedness-carrying) type.
            Type ct = s.computeFloat(b.getContext(), a[1].getType());
            Value wide =
                convertInt(b, l, a[2], s.wideInt(b.getContext()), !s.isSigned);
            zp = arith::SIToFPOp::create(b, l, ct, wide);
          }
          return quantizeScalar(b, l, a[0], a[1], zp, s);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeLinearLowering : DyadConversionPattern<DequantizeLinearOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto xElt =
        dyn_cast<IntegerType>(getElementTypeOrSelf(op.getX().getType()));
    if (!xType || !xElt)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    if (xElt.getWidth() > 32)
      return rewriter.notifyMatchFailure(op, "storage wider than 32 bits");
    Storage s = Storage::ofInt(xElt);
    int64_t rank = xType.getRank();
    int64_t axis = (int64_t)op.getAxis();
    Location loc = op.getLoc();
    Type ft = type.getElementType();
    SmallVector<Value> inputs{x, adaptor.getXScale()};
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank)};
    auto sm = paramMap(rewriter, adaptor.getXScale(), axis, rank);
    if (failed(sm))
      return rewriter.notifyMatchFailure(op, "scale shape");
    maps.push_back(*sm);
    bool hasZp = (bool)adaptor.getXZeroPoint();
    if (hasZp) {
      auto zm = paramMap(rewriter, adaptor.getXZeroPoint(), axis, rank);
      if (failed(zm))
        return rewriter.notifyMatchFailure(op, "zero point shape");
      inputs.push_back(adaptor.getXZeroPoint());
      maps.push_back(*zm);
    }
    Value result = buildMapped(
        rewriter, loc, type, x, inputs, maps,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value zp;
          if (hasZp)
            zp = convertInt(b, l, a[2], s.wideInt(b.getContext()), !s.isSigned);
          return dequantizeScalar(b, l, a[0], zp, a[1], s, ft);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// ONNX DynamicQuantizeLinear (uint8):
///   scale = (max(0, max(x)) - min(0, min(x))) / 255
///   zp = saturate(round_half_even(-min / scale))
///   y = saturate(round_half_even(x / scale) + zp)
struct DynamicQuantizeLinearLowering
    : DyadConversionPattern<DynamicQuantizeLinearOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicQuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType yType = getRankedResultType(op, rewriter, 0);
    RankedTensorType scaleType = getRankedResultType(op, rewriter, 1);
    RankedTensorType zpType = getRankedResultType(op, rewriter, 2);
    if (!yType || !scaleType || !zpType)
      return failure();
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || scaleType.getRank() != 0 || zpType.getRank() != 0)
      return rewriter.notifyMatchFailure(
          op, "unranked operand or non-scalar scale / zero point");
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto f32 = rewriter.getF32Type();
    int64_t rank = xType.getRank();

    // min and max in one reduction, both starting at 0 (the range must
    // include 0).
    Value zero = scalarConstant(rewriter, loc, f32, 0.0);
    auto scalarF32 = RankedTensorType::get({}, f32);
    Value minInit = filledTensor(rewriter, loc, scalarF32, zero);
    Value maxInit = filledTensor(rewriter, loc, scalarF32, zero);
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank),
                                AffineMap::get(rank, 0, ctx),
                                AffineMap::get(rank, 0, ctx)};
    SmallVector<utils::IteratorType> iters(rank,
                                           utils::IteratorType::reduction);
    auto reduce = linalg::GenericOp::create(
        rewriter, loc, TypeRange{scalarF32, scalarF32}, ValueRange{x},
        ValueRange{minInit, maxInit}, maps, iters,
        [](OpBuilder &b, Location l, ValueRange a) {
          Value mn = arith::MinimumFOp::create(b, l, a[0], a[1]);
          Value mx = arith::MaximumFOp::create(b, l, a[0], a[2]);
          linalg::YieldOp::create(b, l, ValueRange{mn, mx});
        });
    Value mn = tensor::ExtractOp::create(rewriter, loc, reduce.getResult(0));
    Value mx = tensor::ExtractOp::create(rewriter, loc, reduce.getResult(1));
    Value scale = arith::DivFOp::create(
        rewriter, loc, arith::SubFOp::create(rewriter, loc, mx, mn),
        scalarConstant(rewriter, loc, f32, 255.0));
    Storage s = Storage::ofInt(IntegerType::get(ctx, 8, IntegerType::Unsigned));
    // zp = saturate(round(0 - min / scale)), kept as a float for y.
    Value zpf = arith::DivFOp::create(
        rewriter, loc, arith::NegFOp::create(rewriter, loc, mn), scale);
    zpf = math::RoundEvenOp::create(rewriter, loc, zpf);
    zpf = arith::MaxNumFOp::create(rewriter, loc, zpf, zero);
    zpf = arith::MinNumFOp::create(rewriter, loc, zpf,
                                   scalarConstant(rewriter, loc, f32, 255.0));
    Value zp = arith::FPToUIOp::create(rewriter, loc, s.type, zpf);

    Value y = buildMapped(rewriter, loc, yType, x, {x},
                          {rewriter.getMultiDimIdentityMap(rank)},
                          [&](OpBuilder &b, Location l, ValueRange a) {
                            return quantizeScalar(b, l, a[0], scale, zpf, s);
                          });
    Value scaleT =
        tensor::FromElementsOp::create(rewriter, loc, scaleType, scale);
    Value zpT = tensor::FromElementsOp::create(rewriter, loc, zpType, zp);
    rewriter.replaceOp(op, {y, scaleT, zpT});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Integer-only requantization
//===----------------------------------------------------------------------===//

/// dyad.requant's multipliers in the 32-bit form (below): per channel, b
/// made odd, 2^(c-33) and c-32.
struct HighMultiplyForm {
  SmallVector<int32_t> mult, round, shift;
  /// Computed on |v| (unsigned high multiply), the sign put back after: for
  /// a b whose trailing zeros cannot all leave c (c would fall below 33).
  bool magnitude = false;
  /// Magnitude form only, for multipliers of 1/4 and more (c in [3, 32]):
  /// |v| is first clamped to 2^(32-k) - 1 and shifted left by k = 33 - c,
  /// so that c + k = 33. Exact where the output clamp is narrow: a clamped
  /// |v| already gives |r| >= 3 * 2^27; or where no |v| is above the clamp
  /// (it is then left out). (Empty when every k is 0.)
  SmallVector<int32_t> preShift, preClamp;
  /// Signed form only: the least v per channel, INT32_MIN or, for a b left
  /// with t trailing zeros (c could not take them: c would fall below 33),
  /// -(2^(32-t) - 1): the v that 2^(32-t) divides are the inputs whose
  /// product's low word is 0 while it is negative (the one case the form
  /// rounds wrongly), and raising every v below that bound keeps the output
  /// saturated at the clamp's low end. (Empty when no channel needs it.)
  SmallVector<int32_t> floor;
};

/// The 32-bit form of a requantization, where it computes the same results
/// as the 64-bit one for every input: v = x - input_zp fits in i32, every
/// reduced shift is in [33, 62] (or the channel is all zeros), and r plus the
/// output zero point (|r| <= 2^29 + 1) cannot overflow i32.
static std::optional<HighMultiplyForm>
highMultiplyForm(unsigned inWidth, bool inSigned, int64_t inZp, int64_t outZp,
                 int64_t lo, int64_t hi, ArrayRef<int32_t> mult,
                 ArrayRef<int32_t> shift) {
  // An i64 accumulator (a 16-bit layer) takes the 128-bit form; checked
  // first, before the shifts below would overflow.
  if (inWidth > 32)
    return std::nullopt;
  // The clamp, relative to r: every |r| >= 3 * 2^27 saturates it.
  bool narrowClamp = std::max(std::abs(lo - outZp), std::abs(hi - outZp)) <
                     (int64_t(3) << 27);
  // The range of x - input_zp.
  int64_t xmin = inSigned ? -(int64_t(1) << (inWidth - 1)) : 0;
  int64_t xmax = inSigned ? (int64_t(1) << (inWidth - 1)) - 1
                          : (int64_t(1) << inWidth) - 1;
  if (xmin - inZp < INT32_MIN || xmax - inZp > INT32_MAX)
    return std::nullopt;
  if (outZp <= -(int64_t(1) << 30) || outZp >= (int64_t(1) << 30))
    return std::nullopt;
  // The largest |v|.
  int64_t vmax = std::max(std::abs(xmin - inZp), std::abs(xmax - inZp));
  // Whether every v <= -m, m = 2^(32-t) - 1, gives the clamp's low end at
  // (b, c): r is monotone in v, and r of -m (rounded half away from zero)
  // is at most -(m * b / 2^c) + 1/2, so m * b >= (outZp - lo + 1) * 2^c
  // is enough.
  auto saturatesBelow = [&](int64_t m, int64_t b, int64_t c) {
    __int128 lhs = (__int128)m * b;
    __int128 rhs = (__int128)(outZp - lo + 1) * ((__int128)1 << c);
    return lo > INT32_MIN && lhs >= rhs;
  };
  auto build = [&](bool magnitude) -> std::optional<HighMultiplyForm> {
    HighMultiplyForm f;
    f.magnitude = magnitude;
    bool needFloor = false;
    for (size_t k = 0; k < mult.size(); ++k) {
      int64_t b = mult[k], c = shift[k];
      if (b < 0)
        return std::nullopt;
      int64_t pre = 0;
      int32_t least = INT32_MIN;
      if (b == 0 || c >= 63) {
        b = 0;
        c = 33;
      } else if (!magnitude) {
        // b made odd, unless c would fall below 33: then b keeps t
        // trailing zeros, and only a v that 2^(32-t) divides can make the
        // product's low word 0 while it is negative. None does where every
        // |v| is below 2^(32-t); otherwise v is first raised to at least
        // -(2^(32-t) - 1), where every v at or below that saturates the
        // output anyway (a large enough multiplier: all of calibration's).
        // A multiplier of 1/4 or more (c below 33 once b is odd) on a
        // narrow v: v << k with c + k = 33, the same product, exact while
        // |v| << k fits in i32 (an i8 rescaled to i32 for a residual Add).
        int tz = llvm::countr_zero(uint64_t(b));
        int64_t odd = c - tz;
        if (odd < 33 && odd >= 2 &&
            vmax <= (int64_t(INT32_MAX) >> (33 - odd))) {
          b >>= tz;
          pre = 33 - odd;
          c = 33;
        } else {
          int take = int(std::min<int64_t>(tz, std::max<int64_t>(c - 33, 0)));
          int t = tz - take;
          b >>= take;
          c -= take;
          int64_t m = (int64_t(1) << (32 - t)) - 1;
          if (t > 0 && vmax > m) {
            if (!saturatesBelow(m, b, c))
              return std::nullopt;
            least = int32_t(-m);
            needFloor = true;
          }
        }
      } else if (c >= 3 && c < 33 &&
                 (narrowClamp || vmax <= (int64_t(1) << (c - 1)) - 1)) {
        // (Or no |v| reaches the clamp 2^(c-1) - 1: an i8 input rescaled
        // to i32, as a residual Add's operands are.)
        pre = 33 - c;
        c = 33;
      }
      if (c < 33 || c > 62)
        return std::nullopt;
      f.floor.push_back(least);
      f.preShift.push_back(int32_t(pre));
      f.preClamp.push_back(int32_t(uint32_t((uint64_t(1) << (32 - pre)) - 1)));
      f.mult.push_back(int32_t(b));
      f.round.push_back(int32_t(int64_t(1) << (c - 33)));
      f.shift.push_back(int32_t(c - 32));
    }
    if (!needFloor)
      f.floor.clear();
    // (The signed form's v << k fits in i32: nothing to clamp.)
    if (!magnitude)
      f.preClamp.clear();
    return f;
  };
  std::optional<HighMultiplyForm> f = build(/*magnitude=*/false);
  if (!f)
    f = build(/*magnitude=*/true);
  if (f && llvm::all_of(f->preShift, [](int32_t k) { return k == 0; })) {
    f->preShift.clear();
    f->preClamp.clear();
  }
  // No clamp where |v| never exceeds it (a narrow input).
  if (f && llvm::all_of(f->preClamp,
                        [&](int32_t cap) { return vmax <= int64_t(uint32_t(cap)); }))
    f->preClamp.clear();
  return f;
}

/// dyad.requant: per element, in i64 (docs/numerics.md),
///   p = (x - input_zp) * b;  r = round_half_away(p / 2^c);  clamp(r + zp).
/// Per-channel multipliers and shifts are 1-D constants read along `axis`.
/// An integer constant sign-extended to its type (IntegerAttr::get would
/// zero-extend a negative int64_t to an i128).
static Value signedConstant(OpBuilder &b, Location l, Type t, int64_t v) {
  auto it = cast<IntegerType>(t);
  return arith::ConstantOp::create(
      b, l, IntegerAttr::get(it, APInt(it.getWidth(), (uint64_t)v, true)));
}

struct RequantLowering : DyadConversionPattern<RequantOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(RequantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value x = adaptor.getInput();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    bool inSigned = !isUnsignedElt(op.getInput().getType());
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    // The general forms compute in i64; an i64 input (the accumulator of a
    // layer wider than 8 bits) in i128, where v * b cannot overflow.
    bool wideInput = xType.getElementType().getIntOrFloatBitWidth() > 32;
    auto i64 = wideInput ? (IntegerType)rewriter.getIntegerType(128)
                         : rewriter.getI64Type();
    int64_t rank = xType.getRank();
    ArrayRef<int32_t> mult = op.getMultiplier(), shift = op.getShift();
    // Plain locals: the body lambda captures them (C++17 cannot capture
    // structured bindings).
    std::pair<int64_t, int64_t> clamp = op.getClampRange();
    int64_t lo = clamp.first, hi = clamp.second;
    int64_t inZp = (int64_t)op.getInputZp(), outZp = (int64_t)op.getOutputZp();
    Type outElt = type.getElementType();

    SmallVector<Value> inputs{x};
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank)};
    bool perChannel = mult.size() > 1;
    // (p + half - (p < 0)) >> c: one rounding, half away from zero.
    auto roundingShift = [&](OpBuilder &b, Location l, Value p, Value half,
                             Value c) -> Value {
      Value zero = signedConstant(b, l, i64, 0);
      Value neg =
          arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, p, zero);
      Value negOne = arith::ExtUIOp::create(b, l, i64, neg);
      Value rounded = arith::AddIOp::create(
          b, l, p, arith::SubIOp::create(b, l, half, negOne));
      return arith::ShRSIOp::create(b, l, rounded, c);
    };
    // + output zero point, clamp, narrow.
    // v = x - input_zp, in `t` (i32 or i64).
    auto centered = [&](OpBuilder &b, Location l, Value x, Type t) -> Value {
      Value v = convertInt(b, l, x, t, !inSigned);
      if (inZp)
        v = arith::SubIOp::create(b, l, v,
                                  signedConstant(b, l, t, inZp));
      return v;
    };
    // + output zero point, clamp, narrow; in r's type (i64, or i32 where
    // r + output_zp fits: the clamp bounds are then taken to i32's range).
    // (zpInRound: the 32-bit form's rounding term added it already.)
    bool zpInRound = false;
    auto finish = [&](OpBuilder &b, Location l, Value r) -> Value {
      Type t = r.getType();
      int64_t tmin = t.isInteger(32) ? INT32_MIN : INT64_MIN;
      int64_t tmax = t.isInteger(32) ? INT32_MAX : INT64_MAX;
      auto cst = [&](int64_t v) {
        return signedConstant(b, l, t, v);
      };
      if (outZp && !zpInRound)
        r = arith::AddIOp::create(b, l, r, cst(outZp));
      r = arith::MaxSIOp::create(b, l, r, cst(std::max(lo, tmin)));
      r = arith::MinSIOp::create(b, l, r, cst(std::min(hi, tmax)));
      return convertInt(b, l, r, outElt, /*srcUnsigned=*/false);
    };
    // The 32-bit form. With b odd (trailing zeros of b taken out of c: the
    // same b/2^c) and 33 <= c <= 62, for every v that fits in i32
    //   r = (mulhi32(v, b) + 2^(c-33)) >> (c-32)
    // equals the i64 form above: p = hi * 2^32 + lo with lo = p mod 2^32,
    // 2^(c-1) = 2^(c-33) * 2^32, and the (p < 0) correction only reaches hi
    // when lo == 0, which for an odd b means v == 0 (not negative). It is
    // what a requantization costs inside a kernel's epilogue: 16 lanes with
    // one high multiply (two vpmuldq) instead of two 8-lane i64 halves.
    // Shifts >= 63 (and b == 0) give 0: b = 0, c = 33. A b that cannot be
    // made odd without c falling below 33 keeps some zeros, with a floor
    // on v where the output saturates there, or a narrow v is shifted left
    // to make c 33 (highMultiplyForm). Where neither is exact, the same on
    // |v| with an unsigned high multiply, exact for any b (no (p < 0)
    // term), the sign put back after;
    // multipliers of 1/4 and more (c in [3, 32], as 4-bit weights give)
    // there too, on |v| clamped and shifted left to make c 33, where the
    // output clamp is narrow or no |v| reaches the clamp (an i8 rescaled to
    // i32 for a residual Add). A shift of 0, 1 or 2, a wide clamp with such
    // a multiplier and a wide input, or a v that may not fit in i32 take
    // the 64-bit forms below. docs/numerics.md has the proofs.
    if (auto fast = highMultiplyForm(
            xType.getElementType().getIntOrFloatBitWidth(), inSigned, inZp,
            outZp, lo, hi, mult, shift)) {
      auto i32 = rewriter.getI32Type();
      bool perCh = mult.size() > 1;
      std::optional<int64_t> axis = normalizeAxis(op.getAxis(), rank);
      if (perCh && !axis)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      bool pre = !fast->preShift.empty();
      // The output zero point inside the rounding term of the signed form:
      // (h + 2^(c-33) + zp * 2^(c-32)) >> (c-32) = r + zp exactly (a
      // multiple of 2^(c-32) passes through the arithmetic shift), one add
      // fewer per vector, where that sum cannot overflow i32 for any v:
      // |h| <= b/2 (|v| <= 2^31, b < 2^31).
      if (outZp && !fast->magnitude) {
        zpInRound = llvm::all_of(llvm::seq<size_t>(0, fast->mult.size()),
                                 [&](size_t k) {
          int64_t zpTerm = std::abs(outZp) << fast->shift[k];
          return fast->mult[k] / 2 + 1 + int64_t(fast->round[k]) + zpTerm <=
                     INT32_MAX &&
                 zpTerm <= INT32_MAX;
        });
        if (zpInRound)
          for (size_t k = 0; k < fast->mult.size(); ++k)
            fast->round[k] =
                int32_t(int64_t(fast->round[k]) + outZp * (int64_t(1) << fast->shift[k]));
      }
      if (perCh) {
        int64_t n = mult.size();
        SmallVector<ArrayRef<int32_t>> vecs{fast->mult, fast->round,
                                            fast->shift};
        if (pre)
          vecs.push_back(fast->preShift);
        if (!fast->preClamp.empty())
          vecs.push_back(fast->preClamp);
        if (!fast->floor.empty())
          vecs.push_back(fast->floor);
        for (ArrayRef<int32_t> v : vecs)
          inputs.push_back(arith::ConstantOp::create(
              rewriter, loc,
              DenseElementsAttr::get(RankedTensorType::get({n}, i32), v)));
        AffineMap m = AffineMap::get(rank, 0, getAffineDimExpr(*axis, ctx));
        maps.append(vecs.size(), m);
      }
      Value result = buildMapped(
          rewriter, loc, type, x, inputs, maps,
          [&](OpBuilder &b, Location l, ValueRange a) {
            auto cst = [&](int64_t v) {
              return arith::ConstantIntOp::create(b, l, i32, v).getResult();
            };
            Value v = centered(b, l, a[0], i32);
            Value bm = perCh ? a[1] : cst(fast->mult[0]);
            Value rnd = perCh ? a[2] : cst(fast->round[0]);
            Value c = perCh ? a[3] : cst(fast->shift[0]);
            Value r;
            if (!fast->magnitude) {
              if (!fast->floor.empty())
                v = arith::MaxSIOp::create(
                    b, l, v, perCh ? a.back() : cst(fast->floor[0]));
              if (pre)
                v = arith::ShLIOp::create(
                    b, l, v, perCh ? a[4] : cst(fast->preShift[0]));
              Value h = arith::MulSIExtendedOp::create(b, l, v, bm).getHigh();
              r = arith::ShRSIOp::create(
                  b, l, arith::AddIOp::create(b, l, h, rnd), c);
            } else {
              // s = v < 0 ? -1 : 0; |v| = (v ^ s) - s (2^31 for INT32_MIN,
              // read unsigned); the same to put the sign back.
              Value sgn = arith::ShRSIOp::create(b, l, v, cst(31));
              auto flip = [&](Value t) -> Value {
                return arith::SubIOp::create(
                    b, l, arith::XOrIOp::create(b, l, t, sgn), sgn);
              };
              Value u = flip(v);
              if (pre) {
                if (!fast->preClamp.empty())
                  u = arith::MinUIOp::create(
                      b, l, u, perCh ? a[5] : cst(fast->preClamp[0]));
                u = arith::ShLIOp::create(
                    b, l, u, perCh ? a[4] : cst(fast->preShift[0]));
              }
              Value h = arith::MulUIExtendedOp::create(b, l, u, bm).getHigh();
              r = flip(arith::ShRUIOp::create(
                  b, l, arith::AddIOp::create(b, l, h, rnd), c));
            }
            return finish(b, l, r);
          });
      rewriter.replaceOp(op, result);
      return success();
    }
    // Per channel with every shift in [1, 62] (what calibration gives): the
    // rounding term 2^(c-1) is a constant vector too, and the multiplier is
    // read as i32 (sign-extended in the body, so the i64 product of two
    // sign-extended 32-bit values is one vpmuldq, not a full 64-bit
    // multiply). The same arithmetic as the general form below.
    bool plainShifts =
        !wideInput && perChannel &&
        llvm::all_of(shift, [](int32_t c) { return c >= 1 && c <= 62; });
    if (plainShifts) {
      std::optional<int64_t> axis = normalizeAxis(op.getAxis(), rank);
      if (!axis)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      int64_t n = mult.size();
      auto i32 = rewriter.getI32Type();
      SmallVector<int64_t> half, s64(shift.begin(), shift.end());
      for (int32_t c : shift)
        half.push_back(int64_t(1) << (c - 1));
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(RankedTensorType::get({n}, i32), mult)));
      for (ArrayRef<int64_t> v : {ArrayRef<int64_t>(s64), ArrayRef<int64_t>(half)})
        inputs.push_back(arith::ConstantOp::create(
            rewriter, loc,
            DenseElementsAttr::get(RankedTensorType::get({n}, i64), v)));
      AffineMap m = AffineMap::get(rank, 0, getAffineDimExpr(*axis, ctx));
      maps.append({m, m, m});
      Value result = buildMapped(
          rewriter, loc, type, x, inputs, maps,
          [&](OpBuilder &b, Location l, ValueRange a) {
            Value v = centered(b, l, a[0], i64);
            Value bm = arith::ExtSIOp::create(b, l, i64, a[1]);
            Value p = arith::MulIOp::create(b, l, v, bm);
            return finish(b, l, roundingShift(b, l, p, a[3], a[2]));
          });
      rewriter.replaceOp(op, result);
      return success();
    }
    if (perChannel) {
      std::optional<int64_t> axis = normalizeAxis(op.getAxis(), rank);
      if (!axis)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      auto vecType =
          RankedTensorType::get({(int64_t)mult.size()}, rewriter.getI64Type());
      SmallVector<int64_t> m64(mult.begin(), mult.end()),
          s64(shift.begin(), shift.end());
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(vecType, ArrayRef(m64))));
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(vecType, ArrayRef(s64))));
      AffineMap m = AffineMap::get(rank, 0, getAffineDimExpr(*axis, ctx));
      maps.push_back(m);
      maps.push_back(m);
    }
    Value result = buildMapped(
        rewriter, loc, type, x, inputs, maps,
        [&](OpBuilder &b, Location l, ValueRange a) {
          auto cst = [&](int64_t v) {
            return signedConstant(b, l, i64, v);
          };
          Value v = centered(b, l, a[0], i64);
          Value r;
          if (!perChannel && shift[0] >= 63) {
            r = cst(0);
          } else if (!perChannel && shift[0] == 0) {
            r = arith::MulIOp::create(b, l, v, cst(mult[0]));
          } else {
            // The per-channel constants are i64 tensors (widened here for
            // an i128 computation).
            auto channel = [&](Value t) -> Value {
              return t.getType() == i64
                         ? t
                         : (Value)arith::ExtSIOp::create(b, l, i64, t);
            };
            Value bm = perChannel ? channel(a[1]) : cst(mult[0]);
            Value c = perChannel ? channel(a[2]) : cst(shift[0]);
            Value p = arith::MulIOp::create(b, l, v, bm);
            // round = 2^(c-1) - (p < 0), for 1 <= c <= 62; c is clamped to
            // [1, 62] for the shift itself, the c == 0 and c >= 63 cases are
            // selected afterwards (no shift by 63 or more is ever executed).
            Value one = cst(1);
            Value cc = arith::MaxSIOp::create(
                b, l, arith::MinSIOp::create(b, l, c, cst(62)), one);
            Value half = arith::ShLIOp::create(
                b, l, one, arith::SubIOp::create(b, l, cc, one));
            r = roundingShift(b, l, p, half, cc);
            if (perChannel) {
              Value isZero = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::eq, c, cst(0));
              Value isHuge = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::sge, c, cst(63));
              r = arith::SelectOp::create(b, l, isZero, p, r);
              r = arith::SelectOp::create(b, l, isHuge, cst(0), r);
            }
          }
          return finish(b, l, r);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void dyad::populateQuantToArithPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns) {
  patterns.add<QuantizeLowering, DequantizeLowering, QuantizeLinearLowering,
               DequantizeLinearLowering, DynamicQuantizeLinearLowering,
               RequantLowering>(
      converter, patterns.getContext());
}
