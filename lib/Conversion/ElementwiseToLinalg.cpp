//===- ElementwiseToLinalg.cpp - elementwise / normalization / reductions -===//
//
// Elementwise ops become one linalg.generic each (numpy broadcasting through
// the indexing maps, see buildElementwise); linalg-fuse-elementwise-ops merges
// chains of them later. Softmax, the normalizations and the reductions are
// short chains of generics: reductions use `reduction` iterators into a
// filled init tensor, and per-row statistics are read back through projected
// indexing maps. f16 / bf16 transcendental math and statistics are computed
// in f32.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"

#include <cmath>

using namespace mlir;
using namespace dyad;

namespace {

//===----------------------------------------------------------------------===//
// Scalar helpers (used inside generic bodies)
//===----------------------------------------------------------------------===//

/// The element type of `v` before type conversion. The converted types are
/// signless, so signedness (ui8 vs i8) is only known from the original value.
Type origElt(Value v) { return getElementTypeOrSelf(v.getType()); }

bool isStandardFloat(Type t) {
  return t.isF16() || t.isBF16() || t.isF32() || t.isF64();
}

/// Whether all of `op`'s tensors have element types these lowerings compute
/// on: f16 / bf16 / f32 / f64 and integers (quantized types arrive as their
/// integer storage). Other floats (f8, tf32, f80, f128) are not handled.
bool hasSupportedElementTypes(Operation *op) {
  auto supported = [](Type t) {
    Type e = getElementTypeOrSelf(t);
    return isStandardFloat(e) || isa<IntegerType, quant::QuantizedType>(e);
  };
  return llvm::all_of(op->getOperandTypes(), supported) &&
         llvm::all_of(op->getResultTypes(), supported);
}

/// Type in which float math on `t` is done: f16 / bf16 widen to f32 (for
/// accuracy, and because the CPU path has no half-precision libm calls).
Type computeType(Type t) {
  auto ft = dyn_cast<FloatType>(t);
  if (ft && ft.getWidth() < 32)
    return Float32Type::get(t.getContext());
  return t;
}

Value intToFloat(OpBuilder &b, Location loc, Value v, Type to,
                 bool srcUnsigned) {
  if (srcUnsigned || v.getType().isInteger(1))
    return arith::UIToFPOp::create(b, loc, to, v);
  return arith::SIToFPOp::create(b, loc, to, v);
}

/// `fn(x)` evaluated in computeType(x) and converted back to x's type.
Value inComputeType(OpBuilder &b, Location loc, Value x,
                    function_ref<Value(Value)> fn) {
  Type t = x.getType();
  return convertFloat(b, loc, fn(convertFloat(b, loc, x, computeType(t))), t);
}

/// ONNX Cast of one scalar: `v` has the converted (signless) form of `src`,
/// `to` is the converted form of `dst`.
Value castScalar(OpBuilder &b, Location loc, Value v, Type src, Type dst,
                 Type to) {
  bool fromFloat = isa<FloatType>(v.getType());
  if (dst.isInteger(1)) {
    // x != 0; NaN is true, as numpy's astype(bool).
    Value zero = scalarConstant(b, loc, v.getType(), 0.0);
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
  }
  if (isa<FloatType>(to)) {
    if (fromFloat)
      return convertFloat(b, loc, v, to);
    return intToFloat(b, loc, v, to, src.isUnsignedInteger());
  }
  // Float to integer truncates toward zero; out-of-range values are
  // undefined in ONNX (and poison here).
  if (fromFloat) {
    if (dst.isUnsignedInteger())
      return arith::FPToUIOp::create(b, loc, to, v);
    return arith::FPToSIOp::create(b, loc, to, v);
  }
  return convertInt(b, loc, v, to, src.isUnsignedInteger());
}

/// Integer `base ** exp` (ONNX integer Pow), by squaring; products wrap in
/// base's type. A negative exponent gives the real result truncated toward
/// zero, as C++ `(T)std::pow(base, exp)` in onnxruntime: 1 for base 1, +-1
/// for base -1, 0 otherwise (base 0 is undefined there; 0 here).
Value integerPow(OpBuilder &b, Location loc, Value base, Value exp,
                 bool baseUnsigned, bool expUnsigned) {
  Type t = base.getType();
  Type i64 = b.getI64Type();
  Value e = convertInt(b, loc, exp, i64, expUnsigned);
  Value zero64 = scalarConstant(b, loc, i64, 0);
  Value one64 = scalarConstant(b, loc, i64, 1);
  Value one = scalarConstant(b, loc, t, 1);
  Value zero = scalarConstant(b, loc, t, 0);
  Value negExp;
  Value loopExp = e;
  if (!expUnsigned) {
    negExp =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, e, zero64);
    loopExp = arith::SelectOp::create(b, loc, negExp, zero64, e);
  }
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{t, t, i64}, ValueRange{one, base, loopExp},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value more = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne,
                                           args[2], zero64);
        scf::ConditionOp::create(nb, l, more, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value r = args[0], sq = args[1], k = args[2];
        Value bit = arith::AndIOp::create(nb, l, k, one64);
        Value odd =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne, bit, zero64);
        r = arith::SelectOp::create(nb, l, odd,
                                    arith::MulIOp::create(nb, l, r, sq), r);
        sq = arith::MulIOp::create(nb, l, sq, sq);
        k = arith::ShRUIOp::create(nb, l, k, one64);
        scf::YieldOp::create(nb, l, ValueRange{r, sq, k});
      });
  Value result = loop.getResult(0);
  if (!negExp)
    return result;
  Value isOne =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, one);
  Value neg = arith::SelectOp::create(b, loc, isOne, one, zero);
  if (!baseUnsigned && t.getIntOrFloatBitWidth() > 1) {
    Value minusOne = scalarConstant(b, loc, t, -1);
    Value isMinusOne =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, base, minusOne);
    Value oddExp =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                              arith::AndIOp::create(b, loc, e, one64), zero64);
    Value signedOne = arith::SelectOp::create(b, loc, oddExp, minusOne, one);
    neg = arith::SelectOp::create(b, loc, isMinusOne, signedOne, neg);
  }
  return arith::SelectOp::create(b, loc, negExp, neg, result);
}

//===----------------------------------------------------------------------===//
// Tensor helpers
//===----------------------------------------------------------------------===//

/// The number of elements in the dims of `x` marked in `which`, as a scalar
/// of `type` (float or integer).
Value countOf(OpBuilder &b, Location loc, Value x, ArrayRef<bool> which,
              Type type) {
  Value n;
  for (auto [d, w] : llvm::enumerate(which)) {
    if (!w)
      continue;
    Value size = dimSize(b, loc, x, d);
    n = n ? arith::MulIOp::create(b, loc, n, size).getResult() : size;
  }
  if (!n)
    n = arith::ConstantIndexOp::create(b, loc, 1);
  Value n64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), n);
  if (isa<FloatType>(type))
    return arith::SIToFPOp::create(b, loc, type, n64);
  return convertInt(b, loc, n64, type, /*srcUnsigned=*/false);
}

/// Re-inserts the dims of `x` marked in `reduced` as size-1 dims into `red`
/// (which has the other dims of `x`): ONNX keepdims.
Value expandReducedDims(OpBuilder &b, Location loc, Value red, Value x,
                        ArrayRef<bool> reduced) {
  auto redType = cast<RankedTensorType>(red.getType());
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t rank = reduced.size();
  if (redType.getRank() == rank)
    return red;
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> outShape;
  for (int64_t d = 0; d < rank; ++d) {
    if (reduced[d]) {
      shape.push_back(1);
      outShape.push_back(b.getIndexAttr(1));
    } else if (xType.isDynamicDim(d)) {
      shape.push_back(ShapedType::kDynamic);
      outShape.push_back(tensor::DimOp::create(b, loc, x, d).getResult());
    } else {
      shape.push_back(xType.getDimSize(d));
      outShape.push_back(b.getIndexAttr(xType.getDimSize(d)));
    }
  }
  // Each kept dim takes the reduced dims before it; trailing reduced dims join
  // the last group. A rank-0 source has no groups.
  SmallVector<ReassociationIndices> groups;
  if (redType.getRank() > 0) {
    ReassociationIndices current;
    for (int64_t d = 0; d < rank; ++d) {
      current.push_back(d);
      if (!reduced[d]) {
        groups.push_back(current);
        current.clear();
      }
    }
    groups.back().append(current.begin(), current.end());
  }
  auto type = RankedTensorType::get(shape, redType.getElementType());
  return tensor::ExpandShapeOp::create(b, loc, type, red, groups, outShape);
}

//===----------------------------------------------------------------------===//
// Elementwise patterns
//===----------------------------------------------------------------------===//

/// Lowers an elementwise op whose scalar semantics `Body` computes from the
/// (converted) operand scalars. `Body` also sees the op, for attributes and
/// the original (signedness-carrying) element types.
template <typename OpTy, typename Body>
struct ElementwisePattern : DyadConversionPattern<OpTy> {
  ElementwisePattern(const TypeConverter &tc, MLIRContext *ctx, Body body)
      : DyadConversionPattern<OpTy>(tc, ctx), body(body) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasSupportedElementTypes(op))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    RankedTensorType resultType = this->getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    for (Value v : adaptor.getOperands())
      if (!isa<RankedTensorType>(v.getType()))
        return rewriter.notifyMatchFailure(op, "unranked operand");
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return body(op, b, loc, args);
        });
    if (!result)
      return rewriter.notifyMatchFailure(op, "dynamic dim without a source");
    rewriter.replaceOp(op, result);
    return success();
  }

  Body body;
};

template <typename OpTy, typename Body>
void addElementwise(RewritePatternSet &patterns, const TypeConverter &tc,
                    Body body) {
  patterns.add<ElementwisePattern<OpTy, Body>>(tc, patterns.getContext(), body);
}

/// Unary float op computed by `fn` in computeType.
template <typename OpTy>
void addUnaryFloat(RewritePatternSet &patterns, const TypeConverter &tc,
                   Value (*fn)(OpBuilder &, Location, Value)) {
  addElementwise<OpTy>(
      patterns, tc,
      [fn](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        return inComputeType(b, loc, a[0],
                             [&](Value x) { return fn(b, loc, x); });
      });
}

Value clampUnit(OpBuilder &b, Location loc, Value v) {
  Type t = v.getType();
  Value lo = arith::MaximumFOp::create(b, loc, v, scalarConstant(b, loc, t, 0));
  return arith::MinimumFOp::create(b, loc, lo, scalarConstant(b, loc, t, 1));
}

/// Clip: bounds are optional rank-0 tensors, read once with tensor.extract.
/// As ONNX's reference (np.clip): a NaN in X stays NaN, a NaN bound is no
/// bound (compare-and-select rather than maximumf / minimumf), and min > max
/// gives max.
struct ClipLowering : DyadConversionPattern<ClipOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(ClipOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasSupportedElementTypes(op))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Location loc = op.getLoc();
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    if (!isa<RankedTensorType>(adaptor.getX().getType()))
      return rewriter.notifyMatchFailure(op, "unranked operand");
    Value bounds[2] = {adaptor.getMin(), adaptor.getMax()};
    if (!bounds[0] && !bounds[1]) {
      rewriter.replaceOp(op, castTo(rewriter, loc, adaptor.getX(), resultType));
      return success();
    }
    for (Value &bound : bounds) {
      if (!bound)
        continue;
      auto t = dyn_cast<RankedTensorType>(bound.getType());
      if (!t || t.getRank() != 0)
        return rewriter.notifyMatchFailure(op, "bound is not a rank-0 tensor");
      bound = tensor::ExtractOp::create(rewriter, loc, bound, ValueRange{});
    }
    bool isFloat = isa<FloatType>(resultType.getElementType());
    bool isUnsigned = origElt(op.getX()).isUnsignedInteger();
    Value result = buildElementwise(
        rewriter, loc, resultType, adaptor.getX(),
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = a[0];
          if (Value lo = bounds[0]) {
            if (isFloat) {
              Value below =
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, lo);
              v = arith::SelectOp::create(b, l, below, lo, v);
            } else if (isUnsigned) {
              v = arith::MaxUIOp::create(b, l, v, lo);
            } else {
              v = arith::MaxSIOp::create(b, l, v, lo);
            }
          }
          if (Value hi = bounds[1]) {
            if (isFloat) {
              Value above =
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, hi);
              v = arith::SelectOp::create(b, l, above, hi, v);
            } else if (isUnsigned) {
              v = arith::MinUIOp::create(b, l, v, hi);
            } else {
              v = arith::MinSIOp::create(b, l, v, hi);
            }
          }
          return v;
        });
    if (!result)
      return rewriter.notifyMatchFailure(op, "dynamic dim without a source");
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Cast between the standard float types, signless / unsigned integers and
/// i1. Quantized types are not handled here.
struct CastLowering : DyadConversionPattern<CastOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasSupportedElementTypes(op))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Location loc = op.getLoc();
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    Value input = adaptor.getInput();
    if (!isa<RankedTensorType>(input.getType()))
      return rewriter.notifyMatchFailure(op, "unranked operand");
    Type src = origElt(op.getInput()), dst = origElt(op.getOutput());
    if (isa<quant::QuantizedType>(src) || isa<quant::QuantizedType>(dst))
      return rewriter.notifyMatchFailure(op, "quantized element type");
    Type to = resultType.getElementType();
    // Same storage (ui8 -> i8 and back): the bits are the ONNX result.
    if (getElementTypeOrSelf(input.getType()) == to &&
        (src.isInteger(1) == dst.isInteger(1))) {
      rewriter.replaceOp(op, castTo(rewriter, loc, input, resultType));
      return success();
    }
    Value result =
        buildElementwise(rewriter, loc, resultType, input,
                         [&](OpBuilder &b, Location l, ValueRange a) {
                           return castScalar(b, l, a[0], src, dst, to);
                         });
    if (!result)
      return rewriter.notifyMatchFailure(op, "dynamic dim without a source");
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Softmax and normalizations
//===----------------------------------------------------------------------===//

/// softmax(x) = exp(x - max) / sum(exp(x - max)) along `axis`.
struct SoftmaxLowering : DyadConversionPattern<SoftmaxOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasSupportedElementTypes(op))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value x = adaptor.getInput();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    if (!xType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = xType.getRank();
    std::optional<int64_t> normalized = normalizeAxis(op.getAxis(), rank);
    if (!normalized)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    int64_t axis = *normalized;
    Type elt = xType.getElementType();
    auto ct = cast<FloatType>(computeType(elt));

    SmallVector<bool> reduced(rank, false);
    reduced[axis] = true;
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap row = keptDimsMap(ctx, reduced);
    SmallVector<Value> dyn = dynamicDims(rewriter, loc, x);

    Value negInf = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getFloatAttr(
            ct, APFloat::getInf(ct.getFloatSemantics(), /*Negative=*/true)));
    Value max = buildReduction(
        rewriter, loc, x, reduced, x, id, negInf,
        [&](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          return arith::MaximumFOp::create(b, l, convertFloat(b, l, in[0], ct),
                                           acc);
        });
    Value exps =
        buildParallel(rewriter, loc, xType.clone(ct), dyn, {x, max}, {id, row},
                      [&](OpBuilder &b, Location l, ValueRange in) -> Value {
                        Value d = arith::SubFOp::create(
                            b, l, convertFloat(b, l, in[0], ct), in[1]);
                        return math::ExpOp::create(b, l, d);
                      });
    Value sum = buildReduction(
        rewriter, loc, x, reduced, exps, id,
        scalarConstant(rewriter, loc, ct, 0),
        [&](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          return arith::AddFOp::create(b, l, in[0], acc);
        });
    Value y = buildParallel(
        rewriter, loc, xType, dyn, {exps, sum}, {id, row},
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          return convertFloat(b, l, arith::DivFOp::create(b, l, in[0], in[1]),
                              elt);
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

/// LayerNormalization: mean and variance over dims axis..rank-1 (two passes,
/// in f32 for narrower floats, as ONNX's default stash_type), then
/// (x - mean) * invStdDev * scale + bias.
struct LayerNormLowering : DyadConversionPattern<LayerNormalizationOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(LayerNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasSupportedElementTypes(op))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value x = adaptor.getX(), scale = adaptor.getScale(), bias = adaptor.getB();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || !isa<RankedTensorType>(scale.getType()) ||
        (bias && !isa<RankedTensorType>(bias.getType())))
      return rewriter.notifyMatchFailure(op, "unranked operand");
    SmallVector<RankedTensorType> resultTypes;
    for (unsigned i = 0; i < op->getNumResults(); ++i) {
      RankedTensorType t = getRankedResultType(op, rewriter, i);
      if (!t)
        return failure();
      resultTypes.push_back(t);
    }
    int64_t rank = xType.getRank();
    std::optional<int64_t> normalized = normalizeAxis(op.getAxis(), rank);
    if (!normalized)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    int64_t axis = *normalized;
    ArrayRef<int64_t> shape = xType.getShape();
    for (Value v : {scale, bias})
      if (v && cast<RankedTensorType>(v.getType()).getRank() > rank - axis)
        return rewriter.notifyMatchFailure(
            op, "scale / bias of higher rank than the normalized dims");

    Type elt = xType.getElementType();
    Type ct = computeType(elt);
    SmallVector<bool> reduced(rank, false);
    for (int64_t d = axis; d < rank; ++d)
      reduced[d] = true;
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap row = keptDimsMap(ctx, reduced);
    AffineMap statId = AffineMap::getMultiDimIdentityMap(axis, ctx);
    SmallVector<Value> statDyn;
    for (int64_t d = 0; d < axis; ++d)
      if (xType.isDynamicDim(d))
        statDyn.push_back(tensor::DimOp::create(rewriter, loc, x, d));
    auto statType = RankedTensorType::get(shape.take_front(axis), ct);
    Value n = countOf(rewriter, loc, x, reduced, ct);
    Value zero = scalarConstant(rewriter, loc, ct, 0);
    Value eps = scalarConstant(rewriter, loc, ct,
                               op.getEpsilonAttr().getValueAsDouble());

    Value sum = buildReduction(
        rewriter, loc, x, reduced, x, id, zero,
        [&](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          return arith::AddFOp::create(b, l, convertFloat(b, l, in[0], ct),
                                       acc);
        });
    Value mean =
        buildParallel(rewriter, loc, statType, statDyn, sum, statId,
                      [&](OpBuilder &b, Location l, ValueRange in) -> Value {
                        return arith::DivFOp::create(b, l, in[0], n);
                      });
    Value sqSum = buildReduction(
        rewriter, loc, x, reduced, {x, mean}, {id, row}, zero,
        [&](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          Value d =
              arith::SubFOp::create(b, l, convertFloat(b, l, in[0], ct), in[1]);
          return arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, d, d),
                                       acc);
        });
    Value invStd = buildParallel(
        rewriter, loc, statType, statDyn, sqSum, statId,
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value var = arith::DivFOp::create(b, l, in[0], n);
          Value sd =
              math::SqrtOp::create(b, l, arith::AddFOp::create(b, l, var, eps));
          return arith::DivFOp::create(b, l, scalarConstant(b, l, ct, 1), sd);
        });

    SmallVector<Value> ins = {x, mean, invStd, scale};
    SmallVector<AffineMap> maps = {
        id, row, row,
        broadcastMap(cast<RankedTensorType>(scale.getType()), shape, ctx)};
    if (bias) {
      ins.push_back(bias);
      maps.push_back(
          broadcastMap(cast<RankedTensorType>(bias.getType()), shape, ctx));
    }
    Value y = buildParallel(
        rewriter, loc, xType, dynamicDims(rewriter, loc, x), ins, maps,
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value d =
              arith::SubFOp::create(b, l, convertFloat(b, l, in[0], ct), in[1]);
          Value v = arith::MulFOp::create(b, l, d, in[2]);
          v = arith::MulFOp::create(b, l, v, convertFloat(b, l, in[3], ct));
          if (in.size() > 4)
            v = arith::AddFOp::create(b, l, v, convertFloat(b, l, in[4], ct));
          return convertFloat(b, l, v, elt);
        });

    SmallVector<Value> results = {castTo(rewriter, loc, y, resultTypes[0])};
    // Mean / InvStdDev: the statistics with the normalized dims as size 1.
    for (auto [value, stat] : {std::make_pair(op.getMean(), mean),
                               std::make_pair(op.getInvStdDev(), invStd)}) {
      if (!value)
        continue;
      auto type = resultTypes[results.size()];
      SmallVector<Value> dyn;
      for (int64_t d = 0; d < rank; ++d)
        if (type.isDynamicDim(d))
          dyn.push_back(dimSize(rewriter, loc, x, d));
      results.push_back(buildParallel(
          rewriter, loc, type, dyn, stat, row,
          [&](OpBuilder &b, Location l, ValueRange in) -> Value {
            return convertFloat(b, l, in[0], type.getElementType());
          }));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Inference BatchNormalization: per channel (dim 1),
/// (x - mean) / sqrt(var + epsilon) * scale + B.
struct BatchNormLowering : DyadConversionPattern<BatchNormalizationOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(BatchNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasSupportedElementTypes(op))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    if (!xType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    if (xType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "input rank < 2");
    SmallVector<Value> params = {adaptor.getScale(), adaptor.getB(),
                                 adaptor.getMean(), adaptor.getVar()};
    for (Value p : params) {
      auto t = dyn_cast<RankedTensorType>(p.getType());
      if (!t || t.getRank() != 1)
        return rewriter.notifyMatchFailure(op, "parameter is not 1-D");
    }
    int64_t rank = xType.getRank();
    Type elt = xType.getElementType();
    Type ct = computeType(elt);
    double eps = op.getEpsilonAttr().getValueAsDouble();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap chan = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx), ctx);
    SmallVector<Value> ins = {x};
    ins.append(params);
    Value y = buildParallel(
        rewriter, loc, xType, dynamicDims(rewriter, loc, x), ins,
        {id, chan, chan, chan, chan},
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          auto get = [&](int i) { return convertFloat(b, l, in[i], ct); };
          Value var = arith::AddFOp::create(b, l, get(4),
                                            scalarConstant(b, l, ct, eps));
          Value v = arith::SubFOp::create(b, l, get(0), get(3));
          v = arith::DivFOp::create(b, l, v, math::SqrtOp::create(b, l, var));
          v = arith::MulFOp::create(b, l, v, get(1));
          v = arith::AddFOp::create(b, l, v, get(2));
          return convertFloat(b, l, v, elt);
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// ReduceSum / ReduceMean over the `axes` attribute. Float sums accumulate in
/// computeType; integer sums wrap in the element type (the ONNX result modulo
/// 2^width); integer means sum exactly in i64 and divide toward zero, as
/// numpy's mean followed by the cast back.
template <typename OpTy, bool IsMean>
struct ReduceLowering : DyadConversionPattern<OpTy> {
  using DyadConversionPattern<OpTy>::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasSupportedElementTypes(op))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Location loc = op.getLoc();
    MLIRContext *ctx = this->getContext();
    Value x = adaptor.getData();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = this->getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    if (!xType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = xType.getRank();
    ArrayRef<int64_t> axes = op.getAxes();
    if (axes.empty() && op.getNoopWithEmptyAxes()) {
      rewriter.replaceOp(op, castTo(rewriter, loc, x, resultType));
      return success();
    }
    // No axes: reduce all.
    SmallVector<bool> reduced(rank, axes.empty());
    for (int64_t a : axes) {
      std::optional<int64_t> n = normalizeAxis(a, rank);
      if (!n)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      reduced[*n] = true;
    }

    Type elt = xType.getElementType();
    bool isFloat = isa<FloatType>(elt);
    bool isUnsigned = origElt(op.getData()).isUnsignedInteger();
    Type acc =
        isFloat ? computeType(elt) : (IsMean ? rewriter.getI64Type() : elt);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    Value sum = buildReduction(
        rewriter, loc, x, reduced, x, id, scalarConstant(rewriter, loc, acc, 0),
        [&](OpBuilder &b, Location l, ValueRange in, Value a) -> Value {
          if (isFloat)
            return arith::AddFOp::create(b, l, convertFloat(b, l, in[0], acc),
                                         a);
          return arith::AddIOp::create(
              b, l, convertInt(b, l, in[0], acc, isUnsigned), a);
        });

    auto sumType = cast<RankedTensorType>(sum.getType());
    Value red = sum;
    if (IsMean || acc != elt) {
      Value n;
      if (IsMean) {
        n = countOf(rewriter, loc, x, reduced, acc);
        // An empty integer reduction gives 0 rather than dividing by zero
        // (which traps on some targets); floats give NaN as numpy.
        if (!isFloat)
          n = arith::MaxUIOp::create(rewriter, loc, n,
                                     scalarConstant(rewriter, loc, acc, 1));
      }
      red = buildParallel(
          rewriter, loc, sumType.clone(elt), dynamicDims(rewriter, loc, sum),
          sum, AffineMap::getMultiDimIdentityMap(sumType.getRank(), ctx),
          [&](OpBuilder &b, Location l, ValueRange in) -> Value {
            Value v = in[0];
            if (isFloat) {
              if (n)
                v = arith::DivFOp::create(b, l, v, n);
              return convertFloat(b, l, v, elt);
            }
            if (n)
              v = isUnsigned ? (Value)arith::DivUIOp::create(b, l, v, n)
                             : (Value)arith::DivSIOp::create(b, l, v, n);
            return convertInt(b, l, v, elt, isUnsigned);
          });
    }
    if (op.getKeepdims())
      red = expandReducedDims(rewriter, loc, red, x, reduced);
    rewriter.replaceOp(op, castTo(rewriter, loc, red, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reductions, arg reductions, TopK and InstanceNormalization of exported
// models
//===----------------------------------------------------------------------===//

enum class ReduceKind { Max, Min, Prod, L1, L2, SumSquare, LogSum, LogSumExp };

/// The smallest (`lowest`) or largest value of the converted element type
/// `t` (float: -inf / +inf).
Value extremeValue(OpBuilder &b, Location loc, Type t, bool isUnsigned,
                   bool lowest) {
  if (auto ft = dyn_cast<FloatType>(t))
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(ft, APFloat::getInf(ft.getFloatSemantics(),
                                                   /*Negative=*/lowest)));
  unsigned w = t.getIntOrFloatBitWidth();
  APInt v;
  if (isUnsigned)
    v = lowest ? APInt::getMinValue(w) : APInt::getMaxValue(w);
  else
    v = lowest ? APInt::getSignedMinValue(w) : APInt::getSignedMaxValue(w);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v));
}

/// max / min of two scalars of one type (floats propagate NaN, as numpy).
Value pick(OpBuilder &b, Location loc, Value x, Value y, bool isMax,
           bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return isMax ? (Value)arith::MaximumFOp::create(b, loc, x, y)
                 : (Value)arith::MinimumFOp::create(b, loc, x, y);
  if (isUnsigned)
    return isMax ? (Value)arith::MaxUIOp::create(b, loc, x, y)
                 : (Value)arith::MinUIOp::create(b, loc, x, y);
  return isMax ? (Value)arith::MaxSIOp::create(b, loc, x, y)
               : (Value)arith::MinSIOp::create(b, loc, x, y);
}

/// The reduced dims of a reduction op, or failure; sets `noop` when the op
/// returns its input (no axes with noop_with_empty_axes).
template <typename OpTy>
FailureOr<SmallVector<bool>> reducedDims(OpTy op, int64_t rank, bool &noop) {
  ArrayRef<int64_t> axes = op.getAxes();
  noop = axes.empty() && op.getNoopWithEmptyAxes();
  SmallVector<bool> reduced(rank, axes.empty());
  for (int64_t a : axes) {
    std::optional<int64_t> n = normalizeAxis(a, rank);
    if (!n)
      return failure();
    reduced[*n] = true;
  }
  return reduced;
}

/// ReduceMax / Min / Prod / L1 / L2 / SumSquare / LogSum / LogSumExp. Floats
/// accumulate in computeType (Max / Min in the element type); integer
/// Max / Min / Prod / L1 / SumSquare stay in the element type (products and
/// sums wrap, as ReduceSum); integer L2 / LogSum / LogSumExp are computed in
/// f64 and truncated. LogSumExp subtracts the maximum first (no overflow).
/// Empty reductions give the identity: -inf for Max, +inf for Min, 1 for
/// Prod, 0 for the sums (log 0 = -inf).
template <typename OpTy, ReduceKind K>
struct ExtraReduceLowering : DyadConversionPattern<OpTy> {
  using DyadConversionPattern<OpTy>::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasSupportedElementTypes(op))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Location loc = op.getLoc();
    MLIRContext *ctx = this->getContext();
    Value x = adaptor.getData();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = this->getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    if (!xType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = xType.getRank();
    bool noop;
    auto reducedOr = reducedDims(op, rank, noop);
    if (failed(reducedOr))
      return rewriter.notifyMatchFailure(op, "axis out of range");
    SmallVector<bool> reduced = *reducedOr;
    Type elt = xType.getElementType();
    bool isFloat = isa<FloatType>(elt);
    bool isUnsigned = origElt(op.getData()).isUnsignedInteger();
    constexpr bool selects = K == ReduceKind::Max || K == ReduceKind::Min;
    constexpr bool viaLog = K == ReduceKind::L2 || K == ReduceKind::LogSum ||
                            K == ReduceKind::LogSumExp;
    bool viaF64 = !isFloat && viaLog;
    Type acc = isFloat ? (selects ? elt : computeType(elt))
                       : (viaF64 ? rewriter.getF64Type() : elt);
    auto toAcc = [&](OpBuilder &b, Location l, Value v) -> Value {
      if (isFloat)
        return convertFloat(b, l, v, acc);
      if (viaF64)
        return intToFloat(b, l, v, acc, isUnsigned);
      return v;
    };
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    // No axes with noop_with_empty_axes: the input, as the ONNX spec says.
    if (noop) {
      rewriter.replaceOp(op, castTo(rewriter, loc, x, resultType));
      return success();
    }

    // LogSumExp: the maximum (0 where it is infinite) is subtracted first.
    Value offset;
    AffineMap row = keptDimsMap(ctx, reduced);
    if (K == ReduceKind::LogSumExp) {
      Value mx = buildReduction(
          rewriter, loc, x, reduced, x, id,
          extremeValue(rewriter, loc, acc, false, /*lowest=*/true),
          [&](OpBuilder &b, Location l, ValueRange in, Value a) -> Value {
            return arith::MaximumFOp::create(b, l, toAcc(b, l, in[0]), a);
          });
      auto mt = cast<RankedTensorType>(mx.getType());
      offset = buildParallel(
          rewriter, loc, mt, dynamicDims(rewriter, loc, mx), mx,
          AffineMap::getMultiDimIdentityMap(mt.getRank(), ctx),
          [&](OpBuilder &b, Location l, ValueRange in) -> Value {
            Value fin = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OLT,
                math::AbsFOp::create(b, l, in[0]),
                extremeValue(b, l, acc, false, /*lowest=*/false));
            return arith::SelectOp::create(b, l, fin, in[0],
                                           scalarConstant(b, l, acc, 0));
          });
    }
    Value init;
    if (K == ReduceKind::Max || K == ReduceKind::Min)
      init = extremeValue(rewriter, loc, acc, isUnsigned,
                          /*lowest=*/K == ReduceKind::Max);
    else
      init = scalarConstant(rewriter, loc, acc, K == ReduceKind::Prod ? 1 : 0);
    SmallVector<Value> ins{x};
    SmallVector<AffineMap> maps{id};
    if (offset) {
      ins.push_back(offset);
      maps.push_back(row);
    }
    Value red = buildReduction(
        rewriter, loc, x, reduced, ins, maps, init,
        [&](OpBuilder &b, Location l, ValueRange in, Value a) -> Value {
          Value v = toAcc(b, l, in[0]);
          bool f = isa<FloatType>(acc);
          auto add = [&](Value p) -> Value {
            return f ? (Value)arith::AddFOp::create(b, l, p, a)
                     : (Value)arith::AddIOp::create(b, l, p, a);
          };
          auto sq = [&](Value p) -> Value {
            return f ? (Value)arith::MulFOp::create(b, l, p, p)
                     : (Value)arith::MulIOp::create(b, l, p, p);
          };
          switch (K) {
          case ReduceKind::Max:
          case ReduceKind::Min:
            return pick(b, l, v, a, K == ReduceKind::Max, isUnsigned);
          case ReduceKind::Prod:
            return f ? (Value)arith::MulFOp::create(b, l, v, a)
                     : (Value)arith::MulIOp::create(b, l, v, a);
          case ReduceKind::L1:
            return add(f ? (Value)math::AbsFOp::create(b, l, v)
                       : isUnsigned ? v
                                    : (Value)math::AbsIOp::create(b, l, v));
          case ReduceKind::L2:
          case ReduceKind::SumSquare:
            return add(sq(v));
          case ReduceKind::LogSum:
            return add(v);
          case ReduceKind::LogSumExp:
            return add(math::ExpOp::create(
                b, l, arith::SubFOp::create(b, l, v, in[1])));
          }
          llvm_unreachable("reduce kind");
        });
    auto redType = cast<RankedTensorType>(red.getType());
    SmallVector<Value> postIns{red};
    SmallVector<AffineMap> postMaps{
        AffineMap::getMultiDimIdentityMap(redType.getRank(), ctx)};
    if (offset) {
      postIns.push_back(offset);
      postMaps.push_back(postMaps[0]);
    }
    red = buildParallel(
        rewriter, loc, redType.clone(elt), dynamicDims(rewriter, loc, red),
        postIns, postMaps,
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value v = in[0];
          if (K == ReduceKind::L2)
            v = math::SqrtOp::create(b, l, v);
          else if (K == ReduceKind::LogSum)
            v = math::LogOp::create(b, l, v);
          else if (K == ReduceKind::LogSumExp)
            v = arith::AddFOp::create(b, l, math::LogOp::create(b, l, v),
                                      in[1]);
          return fromAcc(b, l, v, elt, isUnsigned);
        });
    if (op.getKeepdims())
      red = expandReducedDims(rewriter, loc, red, x, reduced);
    rewriter.replaceOp(op, castTo(rewriter, loc, red, resultType));
    return success();
  }

  /// The accumulator `v` back in the element type `elt`.
  static Value fromAcc(OpBuilder &b, Location l, Value v, Type elt,
                       bool isUnsigned) {
    if (v.getType() == elt)
      return v;
    if (isa<FloatType>(elt))
      return convertFloat(b, l, v, elt);
    if (isUnsigned)
      return arith::FPToUIOp::create(b, l, elt, v);
    return arith::FPToSIOp::create(b, l, elt, v);
  }
};

/// ArgMax / ArgMin: one reduction carrying the best value and its index;
/// a strictly better value replaces it (the first index wins), or with
/// select_last_index an equal one too.
template <typename OpTy, bool IsMax>
struct ArgReduceLowering : DyadConversionPattern<OpTy> {
  using DyadConversionPattern<OpTy>::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasSupportedElementTypes(op))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Location loc = op.getLoc();
    MLIRContext *ctx = this->getContext();
    Value x = adaptor.getData();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = this->getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    if (!xType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = xType.getRank();
    std::optional<int64_t> axis = normalizeAxis(op.getAxis(), rank);
    if (!axis)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    SmallVector<bool> reduced(rank, false);
    reduced[*axis] = true;
    Type elt = xType.getElementType();
    bool isUnsigned = origElt(op.getData()).isUnsignedInteger();
    bool last = op.getSelectLastIndex();
    Type i64 = rewriter.getI64Type();

    SmallVector<int64_t> shape;
    SmallVector<Value> dyn;
    SmallVector<utils::IteratorType> iters;
    for (int64_t d = 0; d < rank; ++d) {
      iters.push_back(reduced[d] ? utils::IteratorType::reduction
                                 : utils::IteratorType::parallel);
      if (reduced[d])
        continue;
      shape.push_back(xType.getDimSize(d));
      if (xType.isDynamicDim(d))
        dyn.push_back(tensor::DimOp::create(rewriter, loc, x, d));
    }
    auto valType = RankedTensorType::get(shape, elt);
    auto idxType = RankedTensorType::get(shape, i64);
    Value bestInit = filledTensor(
        rewriter, loc, valType,
        extremeValue(rewriter, loc, elt, isUnsigned, /*lowest=*/IsMax), dyn);
    Value idxInit = filledTensor(rewriter, loc, idxType,
                                 scalarConstant(rewriter, loc, i64, 0), dyn);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap row = keptDimsMap(ctx, reduced);
    int64_t ax = *axis;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valType, idxType}, ValueRange{x},
        ValueRange{bestInit, idxInit}, {id, row, row}, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = args[0], best = args[1], bestIdx = args[2];
          Value i = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, ax));
          Value better;
          if (isa<FloatType>(elt)) {
            auto pred = IsMax ? (last ? arith::CmpFPredicate::OGE
                                      : arith::CmpFPredicate::OGT)
                              : (last ? arith::CmpFPredicate::OLE
                                      : arith::CmpFPredicate::OLT);
            better = arith::CmpFOp::create(b, l, pred, v, best);
          } else {
            arith::CmpIPredicate pred;
            if (IsMax)
              pred = isUnsigned ? (last ? arith::CmpIPredicate::uge
                                        : arith::CmpIPredicate::ugt)
                                : (last ? arith::CmpIPredicate::sge
                                        : arith::CmpIPredicate::sgt);
            else
              pred = isUnsigned ? (last ? arith::CmpIPredicate::ule
                                        : arith::CmpIPredicate::ult)
                                : (last ? arith::CmpIPredicate::sle
                                        : arith::CmpIPredicate::slt);
            better = arith::CmpIOp::create(b, l, pred, v, best);
          }
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, v, best),
                         arith::SelectOp::create(b, l, better, i, bestIdx)});
        });
    Value red = generic.getResult(1);
    if (op.getKeepdims())
      red = expandReducedDims(rewriter, loc, red, x, reduced);
    rewriter.replaceOp(op, castTo(rewriter, loc, red, resultType));
    return success();
  }
};

/// TopK by ranks: the rank of each element along the axis is the number of
/// elements before it in the order (larger / smaller value, or an equal
/// value at a lower index); output position k then takes the element of
/// rank k. O(n^2) per slice, with no data-dependent control flow.
struct TopKLowering : DyadConversionPattern<TopKOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasSupportedElementTypes(op))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    RankedTensorType valType = getRankedResultType(op, rewriter, 0);
    RankedTensorType idxType = getRankedResultType(op, rewriter, 1);
    if (!valType || !idxType)
      return failure();
    if (!xType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = xType.getRank();
    std::optional<int64_t> axisOr = normalizeAxis(op.getAxis(), rank);
    if (!axisOr)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    int64_t axis = *axisOr;
    Type elt = xType.getElementType();
    bool isUnsigned = origElt(op.getX()).isUnsignedInteger();
    bool largest = op.getLargest();
    Type i64 = rewriter.getI64Type();

    // Ranks: loops (d0..d{r-1}, j), j over the axis.
    SmallVector<AffineExpr> ids, withJ;
    for (int64_t d = 0; d < rank; ++d) {
      ids.push_back(getAffineDimExpr(d, ctx));
      withJ.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
    }
    AffineMap self = AffineMap::get(rank + 1, 0, ids, ctx);
    AffineMap other = AffineMap::get(rank + 1, 0, withJ, ctx);
    SmallVector<utils::IteratorType> iters(rank + 1,
                                           utils::IteratorType::parallel);
    iters[rank] = utils::IteratorType::reduction;
    Value zero64 = scalarConstant(rewriter, loc, i64, 0);
    auto rankType = RankedTensorType::get(xType.getShape(), i64);
    Value rankInit = filledTensor(rewriter, loc, rankType, zero64,
                                  dynamicDims(rewriter, loc, x));
    Value ranks =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{rankType}, ValueRange{x, x},
            ValueRange{rankInit}, {self, other, self}, iters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value xi = args[0], xj = args[1], acc = args[2];
              Value i = linalg::IndexOp::create(b, l, axis);
              Value j = linalg::IndexOp::create(b, l, rank);
              Value ahead, equal;
              if (isa<FloatType>(elt)) {
                ahead = arith::CmpFOp::create(
                    b, l,
                    largest ? arith::CmpFPredicate::OGT
                            : arith::CmpFPredicate::OLT,
                    xj, xi);
                equal = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                              xj, xi);
              } else {
                auto pred = largest ? (isUnsigned ? arith::CmpIPredicate::ugt
                                                  : arith::CmpIPredicate::sgt)
                                    : (isUnsigned ? arith::CmpIPredicate::ult
                                                  : arith::CmpIPredicate::slt);
                ahead = arith::CmpIOp::create(b, l, pred, xj, xi);
                equal = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                              xj, xi);
              }
              Value lower = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::ult, j, i);
              Value before = arith::OrIOp::create(
                  b, l, ahead, arith::AndIOp::create(b, l, equal, lower));
              Value one = arith::ExtUIOp::create(b, l, i64, before);
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddIOp::create(b, l, acc, one)});
            })
            .getResult(0);

    // Outputs: loops (d0..d{r-1}, i), d_axis over [0, k), i over the axis.
    SmallVector<Value> outDyn;
    for (int64_t d = 0; d < rank; ++d)
      if (valType.isDynamicDim(d))
        outDyn.push_back(dimSize(rewriter, loc, x, d));
    Value valInit = filledTensor(rewriter, loc, valType.clone(elt),
                                 scalarConstant(rewriter, loc, elt, 0), outDyn);
    Value idxInit = filledTensor(rewriter, loc, idxType, zero64, outDyn);
    auto gather = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valInit.getType(), idxType},
        ValueRange{x, ranks}, ValueRange{valInit, idxInit},
        {other, other, self, self}, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value xv = args[0], r = args[1], v = args[2], idx = args[3];
          Value pos = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, axis));
          Value i = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, rank));
          Value hit =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, r, pos);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, hit, xv, v),
                         arith::SelectOp::create(b, l, hit, i, idx)});
        });
    rewriter.replaceOp(op, {castTo(rewriter, loc, gather.getResult(0), valType),
                            castTo(rewriter, loc, gather.getResult(1),
                                   idxType)});
    return success();
  }
};

/// InstanceNormalization: mean and variance per (n, c) over dims 2.. (two
/// passes, in computeType), then (x - mean) * invStdDev * scale[c] + B[c].
struct InstanceNormLowering : DyadConversionPattern<InstanceNormalizationOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(InstanceNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasSupportedElementTypes(op))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value x = adaptor.getInput(), scale = adaptor.getScale(),
          bias = adaptor.getB();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    if (!xType || xType.getRank() < 3)
      return rewriter.notifyMatchFailure(op, "input rank");
    int64_t rank = xType.getRank();
    Type elt = xType.getElementType();
    Type ct = computeType(elt);
    SmallVector<bool> reduced(rank, true);
    reduced[0] = reduced[1] = false;
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap row = keptDimsMap(ctx, reduced);
    AffineMap chan = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx), ctx);
    AffineMap statId = AffineMap::getMultiDimIdentityMap(2, ctx);
    SmallVector<Value> statDyn;
    for (int64_t d = 0; d < 2; ++d)
      if (xType.isDynamicDim(d))
        statDyn.push_back(tensor::DimOp::create(rewriter, loc, x, d));
    auto statType = RankedTensorType::get(xType.getShape().take_front(2), ct);
    Value n = countOf(rewriter, loc, x, reduced, ct);
    Value zero = scalarConstant(rewriter, loc, ct, 0);
    Value eps = scalarConstant(rewriter, loc, ct,
                               op.getEpsilonAttr().getValueAsDouble());
    Value sum = buildReduction(
        rewriter, loc, x, reduced, x, id, zero,
        [&](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          return arith::AddFOp::create(b, l, convertFloat(b, l, in[0], ct),
                                       acc);
        });
    Value mean =
        buildParallel(rewriter, loc, statType, statDyn, sum, statId,
                      [&](OpBuilder &b, Location l, ValueRange in) -> Value {
                        return arith::DivFOp::create(b, l, in[0], n);
                      });
    Value sqSum = buildReduction(
        rewriter, loc, x, reduced, {x, mean}, {id, row}, zero,
        [&](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          Value d =
              arith::SubFOp::create(b, l, convertFloat(b, l, in[0], ct), in[1]);
          return arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, d, d),
                                       acc);
        });
    Value invStd = buildParallel(
        rewriter, loc, statType, statDyn, sqSum, statId,
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value var = arith::DivFOp::create(b, l, in[0], n);
          Value sd =
              math::SqrtOp::create(b, l, arith::AddFOp::create(b, l, var, eps));
          return arith::DivFOp::create(b, l, scalarConstant(b, l, ct, 1), sd);
        });
    Value y = buildParallel(
        rewriter, loc, xType, dynamicDims(rewriter, loc, x),
        {x, mean, invStd, scale, bias}, {id, row, row, chan, chan},
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value d =
              arith::SubFOp::create(b, l, convertFloat(b, l, in[0], ct), in[1]);
          Value v = arith::MulFOp::create(b, l, d, in[2]);
          v = arith::MulFOp::create(b, l, v, convertFloat(b, l, in[3], ct));
          v = arith::AddFOp::create(b, l, v, convertFloat(b, l, in[4], ct));
          return convertFloat(b, l, v, elt);
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Elementwise ops of exported models: variadic Max / Min / Sum / Mean,
// comparisons and logic, unary math, PRelu
//===----------------------------------------------------------------------===//

/// Max / Min of the inputs, left to right: floats propagate NaN (numpy's
/// maximum / minimum), integers compare with the dyad type's signedness.
template <bool IsMax>
Value maxMinScalar(Operation *op, OpBuilder &b, Location loc, ValueRange a) {
  bool isUnsigned = isUnsignedElt(op->getResult(0).getType());
  Value r = a[0];
  for (Value v : a.drop_front()) {
    if (isa<FloatType>(r.getType()))
      r = IsMax ? (Value)arith::MaximumFOp::create(b, loc, r, v)
                : (Value)arith::MinimumFOp::create(b, loc, r, v);
    else if (isUnsigned)
      r = IsMax ? (Value)arith::MaxUIOp::create(b, loc, r, v)
                : (Value)arith::MinUIOp::create(b, loc, r, v);
    else
      r = IsMax ? (Value)arith::MaxSIOp::create(b, loc, r, v)
                : (Value)arith::MinSIOp::create(b, loc, r, v);
  }
  return r;
}

/// A comparison: ordered for floats (NaN compares false, except that
/// nothing is Equal to NaN either), signed or unsigned for integers (i1 as
/// unsigned).
template <typename OpTy>
void addCompare(RewritePatternSet &patterns, const TypeConverter &tc,
                arith::CmpFPredicate fp, arith::CmpIPredicate si,
                arith::CmpIPredicate ui) {
  addElementwise<OpTy>(
      patterns, tc,
      [=](Operation *op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        if (isa<FloatType>(a[0].getType()))
          return arith::CmpFOp::create(b, loc, fp, a[0], a[1]);
        Type t = origElt(op->getOperand(0));
        bool isUnsigned = t.isUnsignedInteger() || t.isInteger(1);
        return arith::CmpIOp::create(b, loc, isUnsigned ? ui : si, a[0], a[1]);
      });
}

/// x < 0 ? expm1(x) * alpha : x (Elu; Selu before its gamma).
Value eluScalar(OpBuilder &b, Location loc, Value x, double alpha) {
  Type t = x.getType();
  Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                    scalarConstant(b, loc, t, 0));
  Value e = arith::MulFOp::create(b, loc, math::ExpM1Op::create(b, loc, x),
                                  scalarConstant(b, loc, t, alpha));
  return arith::SelectOp::create(b, loc, neg, e, x);
}

void addExportedElementwise(RewritePatternSet &patterns,
                            const TypeConverter &tc) {
  addElementwise<MaxOp>(patterns, tc, maxMinScalar<true>);
  addElementwise<MinOp>(patterns, tc, maxMinScalar<false>);
  // Sum wraps on integers; Mean (float only) sums in computeType.
  addElementwise<SumOp>(
      patterns, tc,
      [](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        Value r = a[0];
        for (Value v : a.drop_front())
          r = isa<FloatType>(r.getType())
                  ? (Value)arith::AddFOp::create(b, loc, r, v)
                  : (Value)arith::AddIOp::create(b, loc, r, v);
        return r;
      });
  addElementwise<MeanOp>(
      patterns, tc,
      [](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        Type t = a[0].getType(), ct = computeType(t);
        Value r = convertFloat(b, loc, a[0], ct);
        for (Value v : a.drop_front())
          r = arith::AddFOp::create(b, loc, r, convertFloat(b, loc, v, ct));
        r = arith::DivFOp::create(b, loc, r,
                                  scalarConstant(b, loc, ct, (double)a.size()));
        return convertFloat(b, loc, r, t);
      });

  using FP = arith::CmpFPredicate;
  using IP = arith::CmpIPredicate;
  addCompare<EqualOp>(patterns, tc, FP::OEQ, IP::eq, IP::eq);
  addCompare<GreaterOp>(patterns, tc, FP::OGT, IP::sgt, IP::ugt);
  addCompare<LessOp>(patterns, tc, FP::OLT, IP::slt, IP::ult);
  addCompare<GreaterOrEqualOp>(patterns, tc, FP::OGE, IP::sge, IP::uge);
  addCompare<LessOrEqualOp>(patterns, tc, FP::OLE, IP::sle, IP::ule);

  addElementwise<NotOp>(
      patterns, tc,
      [](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        return arith::XOrIOp::create(
            b, loc, a[0], scalarConstant(b, loc, a[0].getType(), 1));
      });
  addElementwise<AndOp>(
      patterns, tc,
      [](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        return arith::AndIOp::create(b, loc, a[0], a[1]);
      });
  addElementwise<OrOp>(
      patterns, tc,
      [](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        return arith::OrIOp::create(b, loc, a[0], a[1]);
      });
  addElementwise<XorOp>(
      patterns, tc,
      [](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        return arith::XOrIOp::create(b, loc, a[0], a[1]);
      });

  // Unary float math (f16 / bf16 in f32).
  addUnaryFloat<LogOp>(patterns, tc,
                       [](OpBuilder &b, Location loc, Value x) -> Value {
                         return math::LogOp::create(b, loc, x);
                       });
  addUnaryFloat<ReciprocalOp>(
      patterns, tc, [](OpBuilder &b, Location loc, Value x) -> Value {
        return arith::DivFOp::create(
            b, loc, scalarConstant(b, loc, x.getType(), 1), x);
      });
  addUnaryFloat<FloorOp>(patterns, tc,
                         [](OpBuilder &b, Location loc, Value x) -> Value {
                           return math::FloorOp::create(b, loc, x);
                         });
  addUnaryFloat<CeilOp>(patterns, tc,
                        [](OpBuilder &b, Location loc, Value x) -> Value {
                          return math::CeilOp::create(b, loc, x);
                        });
  addUnaryFloat<RoundOp>(patterns, tc,
                         [](OpBuilder &b, Location loc, Value x) -> Value {
                           return math::RoundEvenOp::create(b, loc, x);
                         });
  addUnaryFloat<SinOp>(patterns, tc,
                       [](OpBuilder &b, Location loc, Value x) -> Value {
                         return math::SinOp::create(b, loc, x);
                       });
  addUnaryFloat<CosOp>(patterns, tc,
                       [](OpBuilder &b, Location loc, Value x) -> Value {
                         return math::CosOp::create(b, loc, x);
                       });
  // log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)): exp never overflows.
  addUnaryFloat<SoftplusOp>(
      patterns, tc, [](OpBuilder &b, Location loc, Value x) -> Value {
        Type t = x.getType();
        Value e = math::ExpOp::create(
            b, loc,
            arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x)));
        Value pos =
            arith::MaximumFOp::create(b, loc, x, scalarConstant(b, loc, t, 0));
        return arith::AddFOp::create(b, loc, pos,
                                     math::Log1pOp::create(b, loc, e));
      });
  // x / (1 + |x|).
  addUnaryFloat<SoftsignOp>(
      patterns, tc, [](OpBuilder &b, Location loc, Value x) -> Value {
        Value d = arith::AddFOp::create(b, loc, math::AbsFOp::create(b, loc, x),
                                        scalarConstant(b, loc, x.getType(), 1));
        return arith::DivFOp::create(b, loc, x, d);
      });
  addElementwise<EluOp>(
      patterns, tc,
      [](EluOp op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        double alpha = op.getAlphaAttr().getValueAsDouble();
        return inComputeType(b, loc, a[0], [&](Value x) {
          return eluScalar(b, loc, x, alpha);
        });
      });
  // gamma * (x > 0 ? x : alpha * (exp(x) - 1)).
  addElementwise<SeluOp>(
      patterns, tc,
      [](SeluOp op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        double alpha = op.getAlphaAttr().getValueAsDouble();
        double gamma = op.getGammaAttr().getValueAsDouble();
        return inComputeType(b, loc, a[0], [&](Value x) -> Value {
          return arith::MulFOp::create(
              b, loc, eluScalar(b, loc, x, alpha),
              scalarConstant(b, loc, x.getType(), gamma));
        });
      });
  // x > alpha ? x : 0.
  addElementwise<ThresholdedReluOp>(
      patterns, tc,
      [](ThresholdedReluOp op, OpBuilder &b, Location loc,
         ValueRange a) -> Value {
        double alpha = op.getAlphaAttr().getValueAsDouble();
        return inComputeType(b, loc, a[0], [&](Value x) -> Value {
          Type t = x.getType();
          Value gt = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                           x, scalarConstant(b, loc, t, alpha));
          return arith::SelectOp::create(b, loc, gt, x,
                                         scalarConstant(b, loc, t, 0));
        });
      });

  // Neg / Abs / Sign, float or integer.
  addElementwise<NegOp>(
      patterns, tc,
      [](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        Type t = a[0].getType();
        if (isa<FloatType>(t))
          return arith::NegFOp::create(b, loc, a[0]);
        return arith::SubIOp::create(b, loc, scalarConstant(b, loc, t, 0),
                                     a[0]);
      });
  addElementwise<AbsOp>(
      patterns, tc,
      [](Operation *op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        if (isa<FloatType>(a[0].getType()))
          return math::AbsFOp::create(b, loc, a[0]);
        if (isUnsignedElt(op->getResult(0).getType()))
          return a[0];
        return math::AbsIOp::create(b, loc, a[0]);
      });
  // 1, -1 or 0; a float 0 keeps its sign and NaN stays NaN (numpy).
  addElementwise<SignOp>(
      patterns, tc,
      [](Operation *op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        Value x = a[0];
        Type t = x.getType();
        Value zero = scalarConstant(b, loc, t, 0);
        Value one = scalarConstant(b, loc, t, 1);
        if (isa<FloatType>(t)) {
          Value pos =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
          Value neg =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
          Value r = arith::SelectOp::create(
              b, loc, neg, scalarConstant(b, loc, t, -1), x);
          return arith::SelectOp::create(b, loc, pos, one, r);
        }
        if (isUnsignedElt(op->getResult(0).getType())) {
          Value nz =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
          return arith::SelectOp::create(b, loc, nz, one, zero);
        }
        Value pos =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
        Value neg =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
        Value r = arith::SelectOp::create(
            b, loc, neg, scalarConstant(b, loc, t, -1), zero);
        return arith::SelectOp::create(b, loc, pos, one, r);
      });
  // x < 0 ? slope * x : x (NaN passes through); unsigned x is never < 0.
  addElementwise<PReluOp>(
      patterns, tc,
      [](Operation *op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        Value x = a[0], s = a[1];
        Type t = x.getType();
        Value zero = scalarConstant(b, loc, t, 0);
        if (isa<FloatType>(t)) {
          Value neg =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
          return arith::SelectOp::create(b, loc, neg,
                                         arith::MulFOp::create(b, loc, s, x),
                                         x);
        }
        if (isUnsignedElt(op->getResult(0).getType()))
          return x;
        Value neg =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
        return arith::SelectOp::create(b, loc, neg,
                                       arith::MulIOp::create(b, loc, s, x), x);
      });
}

} // namespace

void dyad::populateElementwiseToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  auto &tc = converter;
  MLIRContext *ctx = patterns.getContext();
  // Binary arithmetic: float or integer (signedness from the dyad type).
  addElementwise<AddOp>(
      patterns, tc,
      [](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        if (isa<FloatType>(a[0].getType()))
          return arith::AddFOp::create(b, loc, a[0], a[1]);
        return arith::AddIOp::create(b, loc, a[0], a[1]);
      });
  addElementwise<SubOp>(
      patterns, tc,
      [](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        if (isa<FloatType>(a[0].getType()))
          return arith::SubFOp::create(b, loc, a[0], a[1]);
        return arith::SubIOp::create(b, loc, a[0], a[1]);
      });
  addElementwise<MulOp>(
      patterns, tc,
      [](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        if (isa<FloatType>(a[0].getType()))
          return arith::MulFOp::create(b, loc, a[0], a[1]);
        return arith::MulIOp::create(b, loc, a[0], a[1]);
      });
  addElementwise<DivOp>(
      patterns, tc,
      [](Operation *op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        if (isa<FloatType>(a[0].getType()))
          return arith::DivFOp::create(b, loc, a[0], a[1]);
        // ONNX integer Div truncates toward zero.
        if (isUnsignedElt(op->getResult(0).getType()))
          return arith::DivUIOp::create(b, loc, a[0], a[1]);
        return arith::DivSIOp::create(b, loc, a[0], a[1]);
      });

  // Unary float math.
  addUnaryFloat<SqrtOp>(patterns, tc,
                        [](OpBuilder &b, Location loc, Value x) -> Value {
                          return math::SqrtOp::create(b, loc, x);
                        });
  addUnaryFloat<ExpOp>(patterns, tc,
                       [](OpBuilder &b, Location loc, Value x) -> Value {
                         return math::ExpOp::create(b, loc, x);
                       });
  addUnaryFloat<ErfOp>(patterns, tc,
                       [](OpBuilder &b, Location loc, Value x) -> Value {
                         return math::ErfOp::create(b, loc, x);
                       });
  addUnaryFloat<TanhOp>(patterns, tc,
                        [](OpBuilder &b, Location loc, Value x) -> Value {
                          return math::TanhOp::create(b, loc, x);
                        });
  // Stable for both signs: with e = exp(-|x|), sigmoid(|x|) = 1 / (1 + e)
  // and sigmoid(-|x|) = e / (1 + e); exp never overflows.
  addUnaryFloat<SigmoidOp>(
      patterns, tc, [](OpBuilder &b, Location loc, Value x) -> Value {
        Type t = x.getType();
        Value zero = scalarConstant(b, loc, t, 0),
              one = scalarConstant(b, loc, t, 1);
        Value e = math::ExpOp::create(
            b, loc,
            arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x)));
        Value r = arith::DivFOp::create(b, loc, one,
                                        arith::AddFOp::create(b, loc, one, e));
        Value neg =
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
        return arith::SelectOp::create(b, loc, neg,
                                       arith::MulFOp::create(b, loc, e, r), r);
      });
  // x * clamp(x / 6 + 1/2, 0, 1).
  addUnaryFloat<HardSwishOp>(
      patterns, tc, [](OpBuilder &b, Location loc, Value x) -> Value {
        Type t = x.getType();
        Value v = arith::MulFOp::create(b, loc, x,
                                        scalarConstant(b, loc, t, 1.0 / 6.0));
        v = arith::AddFOp::create(b, loc, v, scalarConstant(b, loc, t, 0.5));
        return arith::MulFOp::create(b, loc, x, clampUnit(b, loc, v));
      });

  addElementwise<ReluOp>(
      patterns, tc,
      [](Operation *op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        Type t = a[0].getType();
        Value zero = scalarConstant(b, loc, t, 0.0);
        if (isa<FloatType>(t))
          return arith::MaximumFOp::create(b, loc, a[0], zero);
        if (isUnsignedElt(op->getResult(0).getType()))
          return a[0];
        return arith::MaxSIOp::create(b, loc, a[0], zero);
      });
  // x < 0 ? alpha * x : x (NaN passes through). In computeType, so that
  // f16 / bf16 round alpha * x once instead of using a rounded alpha.
  addElementwise<LeakyReluOp>(
      patterns, tc,
      [](LeakyReluOp op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        double alpha = op.getAlphaAttr().getValueAsDouble();
        return inComputeType(b, loc, a[0], [&](Value x) -> Value {
          Type t = x.getType();
          Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                            x, scalarConstant(b, loc, t, 0));
          Value scaled = arith::MulFOp::create(
              b, loc, x, scalarConstant(b, loc, t, alpha));
          return arith::SelectOp::create(b, loc, neg, scaled, x);
        });
      });
  // clamp(alpha * x + beta, 0, 1).
  addElementwise<HardSigmoidOp>(
      patterns, tc,
      [](HardSigmoidOp op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        double alpha = op.getAlphaAttr().getValueAsDouble();
        double beta = op.getBetaAttr().getValueAsDouble();
        return inComputeType(b, loc, a[0], [&](Value x) -> Value {
          Type t = x.getType();
          Value v = arith::MulFOp::create(b, loc, x,
                                          scalarConstant(b, loc, t, alpha));
          v = arith::AddFOp::create(b, loc, v, scalarConstant(b, loc, t, beta));
          return clampUnit(b, loc, v);
        });
      });
  // none: x/2 * (1 + erf(x / sqrt 2)), computed as x/2 * erfc(-x / sqrt 2);
  // tanh: x/2 * (1 + tanh(u)), u = sqrt(2/pi) * (x + 0.044715 x^3), computed
  // as x / (1 + exp(-2u)). Both forms avoid the cancellation in 1 + erf / tanh
  // for x << 0.
  addElementwise<GeluOp>(
      patterns, tc,
      [](GeluOp op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        bool useTanh = op.getApproximate() == GeluApproximation::Tanh;
        return inComputeType(b, loc, a[0], [&](Value x) -> Value {
          Type t = x.getType();
          auto cst = [&](double v) { return scalarConstant(b, loc, t, v); };
          if (!useTanh) {
            Value c = math::ErfcOp::create(
                b, loc, arith::MulFOp::create(b, loc, x, cst(-M_SQRT1_2)));
            Value half = arith::MulFOp::create(b, loc, x, cst(0.5));
            return arith::MulFOp::create(b, loc, half, c);
          }
          Value x3 = arith::MulFOp::create(
              b, loc, arith::MulFOp::create(b, loc, x, x), x);
          Value u = arith::AddFOp::create(
              b, loc, x, arith::MulFOp::create(b, loc, x3, cst(0.044715)));
          // -2u = -2 sqrt(2/pi) * (x + 0.044715 x^3).
          Value m = arith::MulFOp::create(b, loc, u,
                                          cst(-2.0 * std::sqrt(2.0 / M_PI)));
          Value d = arith::AddFOp::create(
              b, loc, math::ExpOp::create(b, loc, m), cst(1));
          return arith::DivFOp::create(b, loc, x, d);
        });
      });
  // Pow. Float base: powf in computeType (or the exponent's wider float
  // type); integer exponents convert to float, which is exact for negative
  // bases too (libm pow handles integral exponents). Integer base with a float
  // exponent: in f64, then truncated toward zero as onnxruntime does.
  addElementwise<PowOp>(
      patterns, tc,
      [](PowOp op, OpBuilder &b, Location loc, ValueRange a) -> Value {
        Value x = a[0], y = a[1];
        Type xt = x.getType(), yt = y.getType();
        bool xUnsigned = origElt(op.getX()).isUnsignedInteger();
        bool yUnsigned = origElt(op.getY()).isUnsignedInteger();
        if (isa<FloatType>(xt)) {
          Type ct = computeType(xt);
          if (isa<FloatType>(yt) &&
              yt.getIntOrFloatBitWidth() > ct.getIntOrFloatBitWidth())
            ct = yt;
          Value yv = isa<FloatType>(yt) ? convertFloat(b, loc, y, ct)
                                        : intToFloat(b, loc, y, ct, yUnsigned);
          Value r =
              math::PowFOp::create(b, loc, convertFloat(b, loc, x, ct), yv);
          return convertFloat(b, loc, r, xt);
        }
        if (isa<FloatType>(yt)) {
          Type f64 = b.getF64Type();
          Value r = math::PowFOp::create(b, loc,
                                         intToFloat(b, loc, x, f64, xUnsigned),
                                         convertFloat(b, loc, y, f64));
          if (xUnsigned)
            return arith::FPToUIOp::create(b, loc, xt, r);
          return arith::FPToSIOp::create(b, loc, xt, r);
        }
        return integerPow(b, loc, x, y, xUnsigned, yUnsigned);
      });
  addElementwise<WhereOp>(
      patterns, tc,
      [](Operation *, OpBuilder &b, Location loc, ValueRange a) -> Value {
        return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
      });

  patterns.add<ClipLowering, CastLowering, SoftmaxLowering, LayerNormLowering,
               BatchNormLowering, ReduceLowering<ReduceSumOp, false>,
               ReduceLowering<ReduceMeanOp, true>>(tc, ctx);
  // Reductions, arg reductions, TopK and InstanceNormalization of exported
  // models.
  patterns.add<ExtraReduceLowering<ReduceMaxOp, ReduceKind::Max>,
               ExtraReduceLowering<ReduceMinOp, ReduceKind::Min>,
               ExtraReduceLowering<ReduceProdOp, ReduceKind::Prod>,
               ExtraReduceLowering<ReduceL1Op, ReduceKind::L1>,
               ExtraReduceLowering<ReduceL2Op, ReduceKind::L2>,
               ExtraReduceLowering<ReduceSumSquareOp, ReduceKind::SumSquare>,
               ExtraReduceLowering<ReduceLogSumOp, ReduceKind::LogSum>,
               ExtraReduceLowering<ReduceLogSumExpOp, ReduceKind::LogSumExp>,
               ArgReduceLowering<ArgMaxOp, true>,
               ArgReduceLowering<ArgMinOp, false>, TopKLowering,
               InstanceNormLowering>(tc, ctx);
  addExportedElementwise(patterns, tc);
}
