//===- ContractionToLinalg.cpp - conv, gemm, matmul, pools ----------------===//
//
// Lowers the contraction and sliding-window ops of the dyad graph to linalg on
// tensors:
//
//  * dyad.conv: zero padding with tensor.pad, then a named linalg convolution
//    where one exists for the form (conv_1d_ncw_fcw, conv_2d_nchw_fchw,
//    conv_3d_ncdhw_fcdhw, the depthwise_conv_*_nc*_c* family,
//    conv_2d_ngchw_gfchw for groups) and an equivalent linalg.generic
//    otherwise. The bias initializes the accumulator. The integer form
//    (ConvInteger) first widens X and W to i32 with their zero points
//    subtracted, so padding with 0 is padding with the zero point as ONNX
//    asks, and the convolution itself is the plain i32 one.
//  * dyad.conv_transpose: the input dilated by the strides (a strided
//    tensor.insert_slice into zeros), padded by (k-1)*d - pad, and convolved
//    with the spatially flipped kernel whose in/out channels are swapped.
//  * dyad.gemm: linalg.matmul whose indexing maps do the transposes, the
//    accumulator initialized with beta*C, alpha applied afterwards.
//  * dyad.matmul: linalg.matmul / linalg.batch_matmul after numpy batch
//    broadcasting (broadcast, then collapse the batch dims into one).
//  * dyad.max_pool / dyad.average_pool: padding with the identity of the
//    reduction, the named NC* pooling ops (a generic for other ranks), with
//    ceil_mode handled by padding the end so the last window fits. The
//    average divides by a per-position count of the counted elements.
//  * dyad.global_average_pool: a reduction generic, then a division.
//
// Index arithmetic folds to constants whenever the shapes are static, so the
// common static case produces static shapes throughout; dynamic sizes (batch,
// spatial with explicit or SAME_* padding, channels) are computed at run
// time. Forms a pattern does not handle make it fail (notifyMatchFailure):
// unranked tensors, grouped convolutions with dynamic channel counts,
// conv_transpose output_shape with dynamic spatial dims, zero points other
// than per tensor / per output channel (ConvInteger) / per row or column
// (MatMulInteger), integer gemm with non-integral alpha or beta.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"
#include "dyad/Dialect/Dyad/Window.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace dyad;

namespace {

static bool isZero(OpFoldResult x) {
  auto c = getConstantIntValue(x);
  return c && *c == 0;
}

//===----------------------------------------------------------------------===//
// Tensor helpers
//===----------------------------------------------------------------------===//

static SmallVector<utils::IteratorType> parallelIters(int64_t n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

/// Splits dim `dim` of `src` into [outer, size / outer]; the dim must be
/// static and divisible by `outer` unless `outer` is 1.
static Value splitDim(OpBuilder &b, Location loc, Value src, int64_t dim,
                      int64_t outer) {
  auto type = cast<RankedTensorType>(src.getType());
  int64_t size = type.getDimSize(dim);
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, src);
  SmallVector<int64_t> shape(type.getShape());
  if (outer != 1) {
    assert(!ShapedType::isDynamic(size) && size % outer == 0);
    sizes[dim] = b.getIndexAttr(size / outer);
    shape[dim] = size / outer;
  }
  sizes.insert(sizes.begin() + dim, b.getIndexAttr(outer));
  shape.insert(shape.begin() + dim, outer);
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t i = 0, j = 0; i < type.getRank(); ++i) {
    if (i == dim) {
      reassoc.push_back({j, j + 1});
      j += 2;
    } else {
      reassoc.push_back({j++});
    }
  }
  return tensor::ExpandShapeOp::create(b, loc, type.clone(shape), src,
                                       reassoc, sizes);
}

/// Merges dims `dim` and `dim + 1` of `src`.
static Value mergeDims(OpBuilder &b, Location loc, Value src, int64_t dim) {
  auto type = cast<RankedTensorType>(src.getType());
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (i == dim) {
      reassoc.push_back({i, i + 1});
      ++i;
    } else {
      reassoc.push_back({i});
    }
  }
  return tensor::CollapseShapeOp::create(b, loc, src, reassoc);
}

/// Pads the spatial dims (2..) of an N x C x spatial tensor with `padValue`;
/// returns `x` unchanged when there is nothing to pad.
static Value padSpatial(OpBuilder &b, Location loc, Value x,
                        ArrayRef<OpFoldResult> low,
                        ArrayRef<OpFoldResult> high, Value padValue) {
  if (llvm::all_of(low, isZero) && llvm::all_of(high, isZero))
    return x;
  SmallVector<OpFoldResult> l{b.getIndexAttr(0), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> h{b.getIndexAttr(0), b.getIndexAttr(0)};
  l.append(low.begin(), low.end());
  h.append(high.begin(), high.end());
  return tensor::PadOp::create(b, loc, /*resultType=*/Type(), x, l, h,
                               padValue);
}

//===----------------------------------------------------------------------===//
// Integer (ConvInteger / MatMulInteger) operands
//===----------------------------------------------------------------------===//

/// Checks that a zero point is per tensor (rank 0 or one element) or, when
/// `axisSize` is given (not 0), a 1-D tensor of that many elements.
static LogicalResult checkZeroPoint(Value zp, int64_t axisSize) {
  if (!zp)
    return success();
  auto t = dyn_cast<RankedTensorType>(zp.getType());
  if (!t || t.getRank() > 1)
    return failure();
  if (t.getRank() == 0 || t.getDimSize(0) == 1)
    return success();
  return success(axisSize != 0 && !ShapedType::isDynamic(axisSize) &&
                 t.getDimSize(0) == axisSize);
}

/// `x` widened to i32 (zero- or sign-extended per `isUnsigned`) minus its
/// zero point `zp` (null: none). A 1-D zero point of more than one element
/// varies along dim `zpAxis` of `x`. The zero point has the operand's type
/// (verified), so it extends the same way.
static Value widenMinusZeroPoint(OpBuilder &b, Location loc, Value x,
                                 bool isUnsigned, Value zp, int64_t zpAxis) {
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getElementType().isInteger(32) && !zp)
    return x;
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<Value> inputs{x};
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx)};
  if (zp) {
    auto zt = cast<RankedTensorType>(zp.getType());
    SmallVector<AffineExpr> exprs;
    if (zt.getRank() == 1)
      exprs.push_back(zt.getDimSize(0) == 1 ? getAffineConstantExpr(0, ctx)
                                            : getAffineDimExpr(zpAxis, ctx));
    inputs.push_back(zp);
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  Value init = emptyTensor(b, loc, type.clone(b.getI32Type()),
                           dynamicDims(b, loc, x));
  return mapInto(
      b, loc, inputs, maps, init,
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value v = convertInt(nb, nloc, args[0], nb.getI32Type(), isUnsigned);
        if (args.size() == 1)
          return v;
        Value z = convertInt(nb, nloc, args[1], nb.getI32Type(), isUnsigned);
        return arith::SubIOp::create(nb, nloc, v, z);
      });
}

//===----------------------------------------------------------------------===//
// Scalar bodies
//===----------------------------------------------------------------------===//

static Value addScalars(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

static Value mulScalars(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

/// The maximum of the element type (the identity of max pooling): -inf for
/// floats, the smallest value of the integer type otherwise.
static Value lowestValue(OpBuilder &b, Location loc, Type elt,
                         bool isUnsigned) {
  if (auto ft = dyn_cast<FloatType>(elt))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(ft, APFloat::getInf(ft.getFloatSemantics(),
                                           /*Negative=*/true)));
  auto it = cast<IntegerType>(elt);
  APInt lowest = isUnsigned ? APInt::getZero(it.getWidth())
                            : APInt::getSignedMinValue(it.getWidth());
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(it, lowest));
}

//===----------------------------------------------------------------------===//
// Window geometry (conv and pools)
//===----------------------------------------------------------------------===//

/// Padding and output size of each spatial dim of a sliding-window op.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations;
  /// Input spatial sizes.
  SmallVector<OpFoldResult> in;
  /// Padding of the op (explicit pads, or what auto_pad resolves to).
  SmallVector<OpFoldResult> padLow, padHigh;
  /// More end padding so the last window fits (ceil_mode); the pools do not
  /// count it as padding.
  SmallVector<OpFoldResult> extraHigh;
  /// Output spatial sizes.
  SmallVector<OpFoldResult> out;

  int64_t rank() const { return kernel.size(); }
  SmallVector<OpFoldResult> totalHigh(IndexMath &m) const {
    SmallVector<OpFoldResult> r;
    for (int64_t i = 0; i < rank(); ++i)
      r.push_back(m.add(padHigh[i], extraHigh[i]));
    return r;
  }
};

/// The ONNX window geometry (dyad/Dialect/Dyad/Window.h) of `x` (N x C x
/// spatial; converted value) for `resultType`. The output size is the result
/// type's where static, the ONNX formula otherwise; SAME_* auto padding
/// resolves at run time when the spatial dims are dynamic (the importer
/// makes it explicit otherwise).
static Window computeWindow(OpBuilder &b, Location loc, Value x,
                            RankedTensorType resultType,
                            const WindowAttrs &attrs) {
  IndexMath m(b, loc);
  Window w;
  w.kernel.assign(attrs.kernel.begin(), attrs.kernel.end());
  w.strides.assign(attrs.strides.begin(), attrs.strides.end());
  w.dilations.assign(attrs.dilations.begin(), attrs.dilations.end());
  for (int64_t i = 0; i < attrs.rank(); ++i) {
    OpFoldResult in = tensor::getMixedSize(b, loc, x, i + 2);
    WindowDim<OpFoldResult> d = windowDim(m, in, attrs, i);
    if (!resultType.isDynamicDim(i + 2))
      d.out = m.c(resultType.getDimSize(i + 2));
    w.in.push_back(in);
    w.padLow.push_back(d.padLow);
    w.padHigh.push_back(d.padHigh);
    w.extraHigh.push_back(windowExtraPad(m, in, d, attrs, i));
    w.out.push_back(d.out);
  }
  return w;
}

//===----------------------------------------------------------------------===//
// Convolution core
//===----------------------------------------------------------------------===//

static DenseIntElementsAttr i64Attr(OpBuilder &b, ArrayRef<int64_t> values) {
  return b.getI64TensorAttr(values);
}

/// A grouped N-d convolution as a linalg.generic, for the forms without a
/// named op: x is N x G x C/G x in..., w is G x M/G x C/G x k..., init is
/// N x G x M/G x out... . Loops: (n, g, f, o..., c, k...).
static Value genericGroupedConv(OpBuilder &b, Location loc, Value x, Value w,
                                Value init, ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> dilations) {
  MLIRContext *ctx = b.getContext();
  int64_t s = strides.size();
  int64_t numLoops = 3 + s + 1 + s;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  int64_t oBase = 3, cDim = 3 + s, kBase = 4 + s;
  SmallVector<AffineExpr> xe{d(0), d(1), d(cDim)}, we{d(1), d(2), d(cDim)},
      ye{d(0), d(1), d(2)};
  for (int64_t i = 0; i < s; ++i) {
    xe.push_back(d(oBase + i) * strides[i] + d(kBase + i) * dilations[i]);
    we.push_back(d(kBase + i));
    ye.push_back(d(oBase + i));
  }
  SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, xe, ctx),
                              AffineMap::get(numLoops, 0, we, ctx),
                              AffineMap::get(numLoops, 0, ye, ctx)};
  SmallVector<utils::IteratorType> iters = parallelIters(3 + s);
  iters.append(s + 1, utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{x, w}, ValueRange{init},
      maps, iters, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value p = mulScalars(nb, nloc, args[0], args[1]);
        linalg::YieldOp::create(nb, nloc, addScalars(nb, nloc, args[2], p));
      });
  return generic.getResult(0);
}

/// Whether buildConv supports the operands: a grouped convolution needs its
/// channel counts static.
static LogicalResult checkConvChannels(int64_t c, RankedTensorType w,
                                       int64_t group) {
  if (group == 1)
    return success();
  int64_t m = w.getDimSize(0);
  if (ShapedType::isDynamic(c) || ShapedType::isDynamic(m) || c % group ||
      m % group)
    return failure();
  return success();
}

/// `x` (N x C x ...) with a dynamic C cast to the static `channels` (which
/// the verifier ties to the weight shape); unchanged otherwise.
static Value refineChannels(OpBuilder &b, Location loc, Value x,
                            int64_t channels) {
  auto type = cast<RankedTensorType>(x.getType());
  if (!type.isDynamicDim(1) || ShapedType::isDynamic(channels))
    return x;
  SmallVector<int64_t> shape(type.getShape());
  shape[1] = channels;
  return tensor::CastOp::create(b, loc, type.clone(shape), x);
}

/// Convolution of `x` (N x C x in..., padded already) with `w` (ONNX layout
/// M x C/group x k...) accumulated into `init` (N x M x out...). Both
/// operands have the element type of `init` (float or i32).
static Value buildConv(OpBuilder &b, Location loc, Value x, Value w,
                       Value init, int64_t group, ArrayRef<int64_t> strides,
                       ArrayRef<int64_t> dilations) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  Type initType = init.getType();
  int64_t rank = xType.getRank();
  auto st = i64Attr(b, strides);
  auto dil = i64Attr(b, dilations);
  if (group == 1) {
    switch (rank) {
    case 3:
      return linalg::Conv1DNcwFcwOp::create(b, loc, TypeRange{initType},
                                            ValueRange{x, w}, ValueRange{init},
                                            st, dil)
          .getResult(0);
    case 4:
      return linalg::Conv2DNchwFchwOp::create(b, loc, TypeRange{initType},
                                              ValueRange{x, w},
                                              ValueRange{init}, st, dil)
          .getResult(0);
    case 5:
      return linalg::Conv3DNcdhwFcdhwOp::create(b, loc, TypeRange{initType},
                                                ValueRange{x, w},
                                                ValueRange{init}, st, dil)
          .getResult(0);
    default:
      break;
    }
  }
  // Depthwise (one output channel per input channel): the weight is
  // C x 1 x k..., the named ops take it as C x k... .
  if (group > 1 && group == xType.getDimSize(1) &&
      group == wType.getDimSize(0) && wType.getDimSize(1) == 1 && rank <= 5) {
    Value w2 = mergeDims(b, loc, w, 0);
    switch (rank) {
    case 3:
      return linalg::DepthwiseConv1DNcwCwOp::create(
                 b, loc, TypeRange{initType}, ValueRange{x, w2},
                 ValueRange{init}, st, dil)
          .getResult(0);
    case 4:
      return linalg::DepthwiseConv2DNchwChwOp::create(
                 b, loc, TypeRange{initType}, ValueRange{x, w2},
                 ValueRange{init}, st, dil)
          .getResult(0);
    default:
      return linalg::DepthwiseConv3DNcdhwCdhwOp::create(
                 b, loc, TypeRange{initType}, ValueRange{x, w2},
                 ValueRange{init}, st, dil)
          .getResult(0);
    }
  }
  // Grouped: split the channel dims into (group, channels per group).
  Value xg = splitDim(b, loc, x, 1, group);
  Value wg = splitDim(b, loc, w, 0, group);
  Value ig = splitDim(b, loc, init, 1, group);
  Value yg;
  if (rank == 4)
    yg = linalg::Conv2DNgchwGfchwOp::create(b, loc, TypeRange{ig.getType()},
                                            ValueRange{xg, wg}, ValueRange{ig},
                                            st, dil)
             .getResult(0);
  else
    yg = genericGroupedConv(b, loc, xg, wg, ig, strides, dilations);
  return castTo(b, loc, mergeDims(b, loc, yg, 1), initType);
}

/// N x M x out... accumulator: the bias (1-D, along dim 1) broadcast, or 0.
static Value convInit(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                      Type elt, Value bias) {
  if (!bias)
    return filledTensor(b, loc, sizes, scalarConstant(b, loc, elt, 0.0));
  MLIRContext *ctx = b.getContext();
  int64_t rank = sizes.size();
  Value empty = emptyTensor(b, loc, sizes, elt);
  return mapInto(
      b, loc, bias, {AffineMap::get(rank, 0, getAffineDimExpr(1, ctx), ctx)},
      empty, [](OpBuilder &, Location, ValueRange a) { return a[0]; });
}

//===----------------------------------------------------------------------===//
// dyad.conv
//===----------------------------------------------------------------------===//

struct ConvLowering : DyadConversionPattern<ConvOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    Value x = adaptor.getX(), w = adaptor.getW(), bias = adaptor.getB();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto wType = dyn_cast<RankedTensorType>(w.getType());
    if (!xType || !wType || (bias && !isa<RankedTensorType>(bias.getType())))
      return rewriter.notifyMatchFailure(op, "unranked operand");
    if (xType.getRank() < 3)
      return rewriter.notifyMatchFailure(op, "needs at least 1 spatial dim");
    int64_t group = op.getGroup();
    // Input channels: C = (C / group) x group from the weight when the input
    // does not say.
    int64_t channels = xType.getDimSize(1);
    if (ShapedType::isDynamic(channels) && !wType.isDynamicDim(1))
      channels = wType.getDimSize(1) * group;
    if (failed(checkConvChannels(channels, wType, group)))
      return rewriter.notifyMatchFailure(
          op, "grouped conv needs static, divisible channel counts");
    bool isInt = isa<IntegerType>(xType.getElementType());
    Value xzp = adaptor.getXZeroPoint(), wzp = adaptor.getWZeroPoint();
    if (isInt) {
      // ONNX ConvInteger: x_zero_point per tensor, w_zero_point per tensor
      // or per output channel.
      if (failed(checkZeroPoint(xzp, /*axisSize=*/0)) ||
          failed(checkZeroPoint(wzp, wType.getDimSize(0))))
        return rewriter.notifyMatchFailure(op, "unsupported zero point shape");
      if (!resultType.getElementType().isInteger(32) &&
          !resultType.getElementType().isInteger(64))
        return rewriter.notifyMatchFailure(op,
                                           "integer conv must give i32 or i64");
    }

    if (group > 1)
      x = refineChannels(rewriter, loc, x, channels);
    // Widen the integer form to i32 with the zero points subtracted: the
    // padding (with 0) then stands for the zero point, as in ConvInteger.
    if (isInt) {
      x = widenMinusZeroPoint(rewriter, loc, x,
                              isUnsignedElt(op.getX().getType()), xzp, -1);
      w = widenMinusZeroPoint(rewriter, loc, w,
                              isUnsignedElt(op.getW().getType()), wzp, 0);
    }
    Type elt = resultType.getElementType();
    Window win =
        computeWindow(rewriter, loc, x, resultType, getWindowAttrs(op));
    IndexMath m(rewriter, loc);
    // Padded in the operand's type (i32 for an i64 accumulator).
    Value zero = scalarConstant(rewriter, loc,
                                cast<ShapedType>(x.getType()).getElementType(),
                                0.0);
    Value xp = padSpatial(rewriter, loc, x, win.padLow, win.totalHigh(m), zero);
    SmallVector<OpFoldResult> sizes{tensor::getMixedSize(rewriter, loc, x, 0),
                                    tensor::getMixedSize(rewriter, loc, w, 0)};
    llvm::append_range(sizes, win.out);
    Value init = convInit(rewriter, loc, sizes, elt, bias);
    Value y = buildConv(rewriter, loc, xp, w, init, group, win.strides,
                        win.dilations);
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// dyad.conv_transpose
//===----------------------------------------------------------------------===//

/// ConvTranspose as a convolution: with the input dilated by the strides
/// (s-1 zeros between elements) and padded by (k-1)*d - pad_begin at the
/// beginning and (k-1)*d - pad_end + output_padding at the end, the result is
/// the stride-1 convolution with the kernel flipped spatially and its
/// channel dims swapped (per group). Negative paddings (pads larger than the
/// kernel extent) become a crop of the convolution's result.
struct ConvTransposeLowering : DyadConversionPattern<ConvTransposeOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    Value x = adaptor.getX(), w = adaptor.getW(), bias = adaptor.getB();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto wType = dyn_cast<RankedTensorType>(w.getType());
    if (!xType || !wType || (bias && !isa<RankedTensorType>(bias.getType())))
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = xType.getRank();
    if (rank < 3)
      return rewriter.notifyMatchFailure(op, "needs at least 1 spatial dim");
    // The importer resolves output_shape into pads when the input shape is
    // static; with dynamic spatial dims the padding would depend on them.
    if (op.getOutputShape())
      return rewriter.notifyMatchFailure(
          op, "output_shape with dynamic spatial dims");
    int64_t group = op.getGroup();
    int64_t c = wType.getDimSize(0), mg = wType.getDimSize(1);
    if (group > 1 &&
        (ShapedType::isDynamic(c) || ShapedType::isDynamic(mg) || c % group))
      return rewriter.notifyMatchFailure(
          op, "grouped conv_transpose needs static channel counts");
    if (group > 1)
      x = refineChannels(rewriter, loc, x, c);

    int64_t spatial = rank - 2;
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      dilations = op.getDilations();
    SmallVector<int64_t> pads(op.getPads()), outPad(op.getOutputPadding());
    // auto_pad (left by the importer only for dynamic spatial dims). SAME_*:
    // the output is in * stride, so the total padding, output_padding +
    // (k-1)*d + 1 - stride, does not depend on the input size: resolved for
    // an input of size 1, as the importer does for static shapes.
    AutoPad autoPad = op.getAutoPad();
    if (autoPad == AutoPad::Valid) {
      llvm::fill(pads, 0);
    } else if (autoPad == AutoPad::SameUpper || autoPad == AutoPad::SameLower) {
      WindowAttrs attrs = getWindowAttrs(op);
      for (int64_t i = 0; i < spatial; ++i) {
        ConvTransposePadding p = convTransposePadding(
            attrs, i, /*in=*/1, /*out=*/strides[i], outPad[i]);
        pads[i] = p.padLow;
        pads[i + spatial] = p.padHigh;
        outPad[i] = p.outputPadding;
      }
    }
    IndexMath m(rewriter, loc);
    Type elt = resultType.getElementType();
    Value zero = scalarConstant(rewriter, loc, elt, 0.0);

    // Dilated and padded input.
    SmallVector<OpFoldResult> padLow, padHigh, convOut, crop, outSizes;
    SmallVector<OpFoldResult> xSizes = tensor::getMixedSizes(rewriter, loc, x);
    SmallVector<OpFoldResult> paddedSizes{xSizes[0], xSizes[1]};
    bool strided = false;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t ext = (kernel[i] - 1) * dilations[i];
      int64_t lo = ext - pads[i], hi = ext - pads[i + spatial] + outPad[i];
      padLow.push_back(m.c(std::max<int64_t>(lo, 0)));
      padHigh.push_back(m.c(std::max<int64_t>(hi, 0)));
      crop.push_back(m.c(std::max<int64_t>(-lo, 0)));
      strided |= strides[i] != 1;
      OpFoldResult dilated = m.add(m.mul(m.sub(xSizes[i + 2], 1), strides[i]), 1);
      OpFoldResult padded =
          m.add(m.add(dilated, padLow.back()), padHigh.back());
      paddedSizes.push_back(padded);
      convOut.push_back(m.sub(padded, ext));
      outSizes.push_back(resultType.isDynamicDim(i + 2)
                             ? m.add(m.add(dilated, lo), hi - ext)
                             : m.c(resultType.getDimSize(i + 2)));
    }
    Value xp;
    if (!strided) {
      xp = padSpatial(rewriter, loc, x, padLow, padHigh, zero);
    } else {
      Value zeros = filledTensor(rewriter, loc, paddedSizes, zero);
      SmallVector<OpFoldResult> offsets{m.c(0), m.c(0)}, steps{m.c(1), m.c(1)};
      llvm::append_range(offsets, padLow);
      for (int64_t s : strides)
        steps.push_back(m.c(s));
      xp = tensor::InsertSliceOp::create(rewriter, loc, x, zeros, offsets,
                                         xSizes, steps);
    }

    // Weight C x M/g x k... -> (g, C/g, M/g, k...) -> flipped
    // (g, M/g, C/g, k...) -> M x C/g x k... .
    Value wg = splitDim(rewriter, loc, w, 0, group);
    auto wgType = cast<RankedTensorType>(wg.getType());
    SmallVector<OpFoldResult> flippedSizes{
        m.c(group), tensor::getMixedSize(rewriter, loc, wg, 2),
        tensor::getMixedSize(rewriter, loc, wg, 1)};
    for (int64_t i = 0; i < spatial; ++i)
      flippedSizes.push_back(tensor::getMixedSize(rewriter, loc, wg, i + 3));
    MLIRContext *ctx = rewriter.getContext();
    int64_t wRank = wgType.getRank();
    SmallVector<AffineExpr> readExprs{getAffineDimExpr(0, ctx),
                                      getAffineDimExpr(2, ctx),
                                      getAffineDimExpr(1, ctx)};
    for (int64_t i = 0; i < spatial; ++i)
      readExprs.push_back(kernel[i] - 1 - getAffineDimExpr(3 + i, ctx));
    Value flipped =
        mapInto(rewriter, loc, wg, {AffineMap::get(wRank, 0, readExprs, ctx)},
                emptyTensor(rewriter, loc, flippedSizes, elt),
                [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    Value wConv = mergeDims(rewriter, loc, flipped, 0);

    SmallVector<OpFoldResult> initSizes{
        xSizes[0], tensor::getMixedSize(rewriter, loc, wConv, 0)};
    llvm::append_range(initSizes, convOut);
    Value init = convInit(rewriter, loc, initSizes, elt, bias);
    SmallVector<int64_t> ones(spatial, 1);
    Value y = buildConv(rewriter, loc, xp, wConv, init, group, ones, dilations);

    if (!llvm::all_of(crop, isZero) ||
        llvm::any_of(llvm::zip(outSizes, convOut), [](auto p) {
          return std::get<0>(p) != std::get<1>(p);
        })) {
      SmallVector<OpFoldResult> offsets{m.c(0), m.c(0)}, sizes{initSizes[0],
                                                               initSizes[1]};
      llvm::append_range(offsets, crop);
      llvm::append_range(sizes, outSizes);
      SmallVector<OpFoldResult> steps(rank, m.c(1));
      y = tensor::ExtractSliceOp::create(rewriter, loc, y, offsets, sizes,
                                         steps);
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// dyad.gemm
//===----------------------------------------------------------------------===//

struct GemmLowering : DyadConversionPattern<GemmOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    Value a = adaptor.getA(), b = adaptor.getB(), c = adaptor.getC();
    auto aType = dyn_cast<RankedTensorType>(a.getType());
    auto bType = dyn_cast<RankedTensorType>(b.getType());
    if (!aType || !bType || (c && !isa<RankedTensorType>(c.getType())))
      return rewriter.notifyMatchFailure(op, "unranked operand");
    if (aType.getRank() != 2 || bType.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "A and B must be 2-D");
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    bool isInt = isa<IntegerType>(aType.getElementType());
    if (isInt && (alpha != std::trunc(alpha) || beta != std::trunc(beta)))
      return rewriter.notifyMatchFailure(
          op, "integer gemm with non-integral alpha/beta");
    bool transA = op.getTransA(), transB = op.getTransB();
    MLIRContext *ctx = rewriter.getContext();
    Type elt = resultType.getElementType();

    if (isInt) {
      a = widenMinusZeroPoint(rewriter, loc, a,
                              isUnsignedElt(op.getA().getType()), {}, 0);
      b = widenMinusZeroPoint(rewriter, loc, b,
                              isUnsignedElt(op.getB().getType()), {}, 0);
    }
    SmallVector<OpFoldResult> sizes{
        tensor::getMixedSize(rewriter, loc, a, transA ? 1 : 0),
        tensor::getMixedSize(rewriter, loc, b, transB ? 0 : 1)};
    SmallVector<int64_t> outShape;
    for (OpFoldResult s : sizes)
      outShape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
    AffineMap cMap;
    if (c)
      cMap = broadcastMap(cast<RankedTensorType>(c.getType()), outShape, ctx);
    auto scaled = [&](OpBuilder &nb, Location nloc, Value v, double k) {
      if (k == 1.0)
        return v;
      return mulScalars(nb, nloc, v, scalarConstant(nb, nloc, elt, k));
    };

    // With alpha == 1 the matmul accumulates into beta * C directly.
    Value init;
    if (c && alpha == 1.0)
      init = mapInto(rewriter, loc, c, cMap,
                     emptyTensor(rewriter, loc, sizes, elt),
                     [&](OpBuilder &nb, Location nloc, ValueRange args) {
                       return scaled(nb, nloc, args[0], beta);
                     });
    else
      init = filledTensor(rewriter, loc, sizes,
                          scalarConstant(rewriter, loc, elt, 0));

    // (m, n, k); the transposes are in the operand maps.
    AffineExpr mE = getAffineDimExpr(0, ctx), nE = getAffineDimExpr(1, ctx),
               kE = getAffineDimExpr(2, ctx);
    SmallVector<Attribute> maps{
        AffineMapAttr::get(AffineMap::get(3, 0,
                                          transA ? ArrayRef<AffineExpr>{kE, mE}
                                                 : ArrayRef<AffineExpr>{mE, kE},
                                          ctx)),
        AffineMapAttr::get(AffineMap::get(3, 0,
                                          transB ? ArrayRef<AffineExpr>{nE, kE}
                                                 : ArrayRef<AffineExpr>{kE, nE},
                                          ctx)),
        AffineMapAttr::get(AffineMap::get(3, 0, {mE, nE}, ctx))};
    Value y = linalg::MatmulOp::create(
                  rewriter, loc, TypeRange{init.getType()}, ValueRange{a, b},
                  ValueRange{init},
                  {rewriter.getNamedAttr("indexing_maps",
                                         rewriter.getArrayAttr(maps))})
                  .getResult(0);

    if (alpha != 1.0) {
      SmallVector<Value> ins{y};
      SmallVector<AffineMap> insMaps{rewriter.getMultiDimIdentityMap(2)};
      if (c) {
        ins.push_back(c);
        insMaps.push_back(cMap);
      }
      y = mapInto(rewriter, loc, ins, insMaps,
                  emptyTensor(rewriter, loc, sizes, elt),
                  [&](OpBuilder &nb, Location nloc, ValueRange args) {
                    Value r = scaled(nb, nloc, args[0], alpha);
                    if (args.size() > 1)
                      r = addScalars(nb, nloc, r,
                                     scaled(nb, nloc, args[1], beta));
                    return r;
                  });
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// dyad.matmul
//===----------------------------------------------------------------------===//

/// `src` broadcast numpy-style to `sizes` (its batch dims only differ); a
/// no-op when the shapes already agree.
static Value broadcastTo(OpBuilder &b, Location loc, Value src,
                         ArrayRef<OpFoldResult> sizes) {
  auto type = cast<RankedTensorType>(src.getType());
  SmallVector<int64_t> shape;
  for (OpFoldResult s : sizes)
    shape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
  if (type.getRank() == (int64_t)shape.size() &&
      llvm::equal(type.getShape(), shape))
    return src;
  Value init = emptyTensor(b, loc, sizes, type.getElementType());
  return mapInto(b, loc, src, broadcastMap(type, shape, b.getContext()), init,
                 [](OpBuilder &, Location, ValueRange a) { return a[0]; });
}

/// Collapses the leading `n` dims of `src` into one.
static Value collapseLeading(OpBuilder &b, Location loc, Value src, int64_t n) {
  int64_t rank = cast<RankedTensorType>(src.getType()).getRank();
  if (n == 1)
    return src;
  SmallVector<ReassociationIndices> reassoc{{}};
  for (int64_t i = 0; i < n; ++i)
    reassoc[0].push_back(i);
  for (int64_t i = n; i < rank; ++i)
    reassoc.push_back({i});
  return tensor::CollapseShapeOp::create(b, loc, src, reassoc);
}

/// Expands dim 0 of `src` into `leading` (sizes), keeping the other dims.
static Value expandLeading(OpBuilder &b, Location loc, Value src,
                           ArrayRef<OpFoldResult> leading) {
  if (leading.size() == 1)
    return src;
  auto type = cast<RankedTensorType>(src.getType());
  SmallVector<OpFoldResult> sizes(leading);
  SmallVector<OpFoldResult> rest = tensor::getMixedSizes(b, loc, src);
  sizes.append(rest.begin() + 1, rest.end());
  SmallVector<int64_t> shape;
  for (OpFoldResult s : sizes)
    shape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
  SmallVector<ReassociationIndices> reassoc{{}};
  int64_t n = leading.size();
  for (int64_t i = 0; i < n; ++i)
    reassoc[0].push_back(i);
  for (int64_t i = 1; i < type.getRank(); ++i)
    reassoc.push_back({n + i - 1});
  return tensor::ExpandShapeOp::create(b, loc, type.clone(shape), src, reassoc,
                                       sizes);
}

/// A per-tensor zero point's value (0 when absent); none when it is not a
/// compile-time constant of one element.
static std::optional<int64_t> constantZeroPoint(Value zp) {
  if (!zp)
    return 0;
  DenseIntElementsAttr attr;
  if (!matchPattern(zp, m_Constant(&attr)) || attr.getNumElements() != 1)
    return std::nullopt;
  return (*attr.getValues<APInt>().begin()).getSExtValue();
}

/// The accumulator start of a matmul of i8 operands whose zero points are
/// left out of the product: sum_k (a - za)(b - zb) = sum_k a b - zb sum_k a
/// - za sum_k b + K za zb, so the product of the raw bytes (which the int8
/// kernels compute with vpdpbusd) starts at K za zb - zb rowsum(a)[m] -
/// za colsum(b)[n]. a is [batch.., M, K], b [batch.., K, N] (same batch
/// dims), the result [batch.., M, N] in i32. The same integers as
/// subtracting the zero points first (i32 arithmetic wraps alike).
static Value zeroPointCorrection(OpBuilder &b, Location loc, Value a, Value x,
                                 int64_t za, int64_t zb,
                                 ArrayRef<OpFoldResult> outSizes) {
  MLIRContext *ctx = b.getContext();
  auto i32 = b.getI32Type();
  int64_t rank = outSizes.size(), nb = rank - 2;
  auto sum = [&](Value v, int64_t reducedDim) -> Value {
    SmallVector<bool> reduced(rank, false);
    reduced[reducedDim] = true;
    return buildReduction(
        b, loc, v, reduced, ValueRange{v},
        {AffineMap::getMultiDimIdentityMap(rank, ctx)},
        arith::ConstantIntOp::create(b, loc, i32, 0),
        [&](OpBuilder &nb2, Location l, ValueRange in, Value acc) -> Value {
          return arith::AddIOp::create(
              nb2, l, acc, arith::ExtSIOp::create(nb2, l, i32, in[0]));
        });
  };
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  auto dims = [&](ArrayRef<int64_t> ds) {
    SmallVector<AffineExpr> e;
    for (int64_t i = 0; i < nb; ++i)
      e.push_back(getAffineDimExpr(i, ctx));
    for (int64_t d : ds)
      e.push_back(getAffineDimExpr(d, ctx));
    return AffineMap::get(rank, 0, e, ctx);
  };
  if (zb) {
    inputs.push_back(sum(a, rank - 1)); // [batch.., M]
    maps.push_back(dims({rank - 2}));
  }
  if (za) {
    inputs.push_back(sum(x, rank - 2)); // [batch.., N]
    maps.push_back(dims({rank - 1}));
  }
  OpFoldResult k = tensor::getMixedSize(b, loc, a, rank - 1);
  Value kv = getValueOrCreateConstantIndexOp(b, loc, k);
  Value k32 = arith::IndexCastOp::create(b, loc, i32, kv);
  Value init = tensor::EmptyOp::create(b, loc, outSizes, i32);
  return mapInto(
      b, loc, inputs, maps, init,
      [&](OpBuilder &nb2, Location l, ValueRange args) -> Value {
        auto cst = [&](int64_t v) {
          return arith::ConstantIntOp::create(nb2, l, i32, v).getResult();
        };
        Value r = arith::MulIOp::create(nb2, l, k32, cst(za * zb));
        int i = 0;
        if (zb)
          r = arith::SubIOp::create(
              nb2, l, r, arith::MulIOp::create(nb2, l, args[i++], cst(zb)));
        if (za)
          r = arith::SubIOp::create(
              nb2, l, r, arith::MulIOp::create(nb2, l, args[i++], cst(za)));
        return r;
      });
}

struct MatMulLowering : DyadConversionPattern<MatMulOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    Value a = adaptor.getA(), b = adaptor.getB();
    auto aType = dyn_cast<RankedTensorType>(a.getType());
    auto bType = dyn_cast<RankedTensorType>(b.getType());
    if (!aType || !bType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t ra = aType.getRank(), rb = bType.getRank();
    if (ra < 1 || rb < 1)
      return rewriter.notifyMatchFailure(op, "operands must have rank >= 1");
    bool isInt = isa<IntegerType>(aType.getElementType());
    Value azp = adaptor.getAZeroPoint(), bzp = adaptor.getBZeroPoint();
    if (isInt) {
      // MatMulInteger: per tensor, or per row of A / per column of B.
      if (failed(checkZeroPoint(azp, ra >= 2 ? aType.getDimSize(ra - 2) : 0)) ||
          failed(checkZeroPoint(bzp, rb >= 2 ? bType.getDimSize(rb - 1) : 0)))
        return rewriter.notifyMatchFailure(op, "unsupported zero point shape");
      if (!resultType.getElementType().isInteger(32) &&
          !resultType.getElementType().isInteger(64))
        return rewriter.notifyMatchFailure(op,
                                           "integer matmul must give i32 or i64");
    }
    // numpy batch broadcasting: the result's batch dims are static where the
    // result type says so, otherwise taken from an operand whose dim is not
    // statically 1. As in buildElementwise, a dynamic dim is assumed not to
    // broadcast at run time (be 1 where the other operand's is not): that
    // would need a run-time choice of indexing maps.
    int64_t nbA = std::max<int64_t>(ra - 2, 0), nbB = std::max<int64_t>(rb - 2, 0);
    int64_t nb = std::max(nbA, nbB);
    for (int64_t i = 0; i < nb; ++i) {
      int64_t ia = i - (nb - nbA), ib = i - (nb - nbB);
      bool fromA = ia >= 0 && aType.getDimSize(ia) != 1;
      bool fromB = ib >= 0 && bType.getDimSize(ib) != 1;
      if (resultType.isDynamicDim(i) && !fromA && !fromB)
        return rewriter.notifyMatchFailure(op, "dynamic batch dim of 1s");
    }

    // Signed bytes with constant per-tensor zero points (a quantized MatMul
    // of two activations: attention's) multiply as they are, the zero
    // points folded into the accumulator's start (zeroPointCorrection): the
    // int8 kernels then run on the bytes. Otherwise each operand is widened
    // to i32 minus its zero point first.
    std::optional<int64_t> za = constantZeroPoint(azp),
                           zb = constantZeroPoint(bzp);
    bool bytes = isInt && za && zb && ra >= 2 && rb >= 2 &&
                 aType.getElementType().isInteger(8) &&
                 bType.getElementType().isInteger(8) &&
                 !isUnsignedElt(op.getA().getType()) &&
                 !isUnsignedElt(op.getB().getType());
    if (isInt && !bytes) {
      a = widenMinusZeroPoint(rewriter, loc, a,
                              isUnsignedElt(op.getA().getType()), azp, ra - 2);
      b = widenMinusZeroPoint(rewriter, loc, b,
                              isUnsignedElt(op.getB().getType()), bzp, rb - 1);
    }
    Type elt = resultType.getElementType();
    Value zero = scalarConstant(rewriter, loc, elt, 0.0);
    // The accumulator's start for operands x (.. M x K) and w (.. K x N).
    auto start = [&](Value x, Value w, ArrayRef<OpFoldResult> sizes) -> Value {
      if (bytes && (*za || *zb))
        return zeroPointCorrection(rewriter, loc, x, w, *za, *zb, sizes);
      return filledTensor(rewriter, loc, sizes, zero);
    };
    // 1-D operands: A becomes 1 x K, B becomes K x 1; the unit dim goes
    // away at the end.
    if (ra == 1)
      a = tensor::ExpandShapeOp::create(
          rewriter, loc,
          cast<RankedTensorType>(a.getType()).clone({1, aType.getDimSize(0)}),
          a,
          SmallVector<ReassociationIndices>{{0, 1}},
          SmallVector<OpFoldResult>{rewriter.getIndexAttr(1),
                                    tensor::getMixedSize(rewriter, loc, a, 0)});
    if (rb == 1)
      b = tensor::ExpandShapeOp::create(
          rewriter, loc, cast<RankedTensorType>(b.getType()).clone({bType.getDimSize(0), 1}), b,
          SmallVector<ReassociationIndices>{{0, 1}},
          SmallVector<OpFoldResult>{tensor::getMixedSize(rewriter, loc, b, 0),
                                    rewriter.getIndexAttr(1)});
    int64_t ra2 = std::max<int64_t>(ra, 2), rb2 = std::max<int64_t>(rb, 2);
    OpFoldResult mSize = tensor::getMixedSize(rewriter, loc, a, ra2 - 2);
    OpFoldResult kSize = tensor::getMixedSize(rewriter, loc, a, ra2 - 1);
    OpFoldResult nSize = tensor::getMixedSize(rewriter, loc, b, rb2 - 1);

    Value y;
    if (nb == 0) {
      Value init = start(a, b, {mSize, nSize});
      y = linalg::MatmulOp::create(rewriter, loc, TypeRange{init.getType()},
                                   ValueRange{a, b}, ValueRange{init})
              .getResult(0);
    } else if (nbB == 0) {
      // Only A has batch dims: fold them into M, one plain matmul.
      SmallVector<OpFoldResult> aSizes = tensor::getMixedSizes(rewriter, loc, a);
      Value a2 = collapseLeading(rewriter, loc, a, nbA + 1);
      OpFoldResult rows = tensor::getMixedSize(rewriter, loc, a2, 0);
      Value init = start(a2, b, {rows, nSize});
      Value p = linalg::MatmulOp::create(rewriter, loc,
                                         TypeRange{init.getType()},
                                         ValueRange{a2, b}, ValueRange{init})
                    .getResult(0);
      SmallVector<OpFoldResult> lead(aSizes.begin(), aSizes.begin() + nbA + 1);
      y = expandLeading(rewriter, loc, p, lead);
    } else {
      // Broadcast both to the full batch shape, collapse the batch dims into
      // one, batch_matmul, expand back.
      SmallVector<OpFoldResult> batch;
      for (int64_t i = 0; i < nb; ++i) {
        if (!resultType.isDynamicDim(i)) {
          batch.push_back(rewriter.getIndexAttr(resultType.getDimSize(i)));
          continue;
        }
        // From an operand whose dim is not 1, a static one if any.
        int64_t ia = i - (nb - nbA), ib = i - (nb - nbB);
        bool useA = ia >= 0 && aType.getDimSize(ia) != 1;
        bool useB = ib >= 0 && bType.getDimSize(ib) != 1;
        if (useA && useB && aType.isDynamicDim(ia))
          useA = false;
        batch.push_back(useA ? tensor::getMixedSize(rewriter, loc, a, ia)
                             : tensor::getMixedSize(rewriter, loc, b, ib));
      }
      SmallVector<OpFoldResult> aSizes(batch), bSizes(batch);
      aSizes.append({mSize, kSize});
      bSizes.append({tensor::getMixedSize(rewriter, loc, b, rb2 - 2), nSize});
      Value a3 = collapseLeading(rewriter, loc,
                                 broadcastTo(rewriter, loc, a, aSizes), nb);
      Value b3 = collapseLeading(rewriter, loc,
                                 broadcastTo(rewriter, loc, b, bSizes), nb);
      Value init = start(
          a3, b3, {tensor::getMixedSize(rewriter, loc, a3, 0), mSize, nSize});
      Value p = linalg::BatchMatmulOp::create(rewriter, loc,
                                              TypeRange{init.getType()},
                                              ValueRange{a3, b3},
                                              ValueRange{init})
                    .getResult(0);
      y = expandLeading(rewriter, loc, p, batch);
    }
    // Drop the unit dims that stood for the 1-D operands.
    if (ra == 1 || rb == 1) {
      int64_t r = cast<RankedTensorType>(y.getType()).getRank();
      SmallVector<ReassociationIndices> reassoc;
      for (int64_t i = 0; i < r - 2; ++i)
        reassoc.push_back({i});
      if (ra == 1 && rb == 1) {
        // Rank 0 result: collapse everything.
        reassoc.clear();
      } else {
        reassoc.push_back({r - 2, r - 1});
      }
      y = tensor::CollapseShapeOp::create(rewriter, loc, y, reassoc);
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pools
//===----------------------------------------------------------------------===//

/// A window reduction over x (N x C x in..., padded) into init
/// (N x C x out...) as a linalg.generic; the kernel extent comes from a
/// k...-shaped tensor.empty like the named pooling ops. Loops:
/// (n, c, o..., k...).
static Value genericPool(OpBuilder &b, Location loc, Value x, Value init,
                         const Window &win,
                         function_ref<Value(OpBuilder &, Location, Value, Value)>
                             combine) {
  MLIRContext *ctx = b.getContext();
  int64_t s = win.rank();
  int64_t numLoops = 2 + 2 * s;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> xe{d(0), d(1)}, ke, ye{d(0), d(1)};
  for (int64_t i = 0; i < s; ++i) {
    xe.push_back(d(2 + i) * win.strides[i] + d(2 + s + i) * win.dilations[i]);
    ke.push_back(d(2 + s + i));
    ye.push_back(d(2 + i));
  }
  Type elt = cast<RankedTensorType>(init.getType()).getElementType();
  Value window = tensor::EmptyOp::create(b, loc, win.kernel, elt);
  SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, xe, ctx),
                              AffineMap::get(numLoops, 0, ke, ctx),
                              AffineMap::get(numLoops, 0, ye, ctx)};
  SmallVector<utils::IteratorType> iters = parallelIters(2 + s);
  iters.append(s, utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{x, window},
      ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, combine(nb, nloc, args[2], args[0]));
      });
  return generic.getResult(0);
}

/// Checks shared by the pools.
template <typename OpTy>
static LogicalResult checkPool(OpTy op, Value x,
                               ConversionPatternRewriter &rewriter) {
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  if (!xType)
    return rewriter.notifyMatchFailure(op, "unranked operand");
  if (xType.getRank() < 3)
    return rewriter.notifyMatchFailure(op, "needs at least 1 spatial dim");
  return success();
}

struct MaxPoolLowering : DyadConversionPattern<MaxPoolOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    Value x = adaptor.getX();
    if (failed(checkPool(op, x, rewriter)))
      return failure();
    Type elt = resultType.getElementType();
    bool isUnsigned = isUnsignedElt(op.getX().getType());
    int64_t rank = resultType.getRank();

    // Pad (and start) with the lowest value, which never wins the max.
    Value lowest = lowestValue(rewriter, loc, elt, isUnsigned);
    Window win =
        computeWindow(rewriter, loc, x, resultType, getWindowAttrs(op));
    IndexMath m(rewriter, loc);
    Value xp = padSpatial(rewriter, loc, x, win.padLow, win.totalHigh(m),
                          lowest);
    SmallVector<OpFoldResult> sizes{tensor::getMixedSize(rewriter, loc, x, 0),
                                    tensor::getMixedSize(rewriter, loc, x, 1)};
    llvm::append_range(sizes, win.out);
    Value init = filledTensor(rewriter, loc, sizes, lowest);
    Value y;
    // The named ops compare signed (maxsi) or as floats (maximumf).
    if ((rank == 3 || rank == 4) && !isUnsigned) {
      Value window = tensor::EmptyOp::create(rewriter, loc, win.kernel, elt);
      auto st = i64Attr(rewriter, win.strides);
      auto dil = i64Attr(rewriter, win.dilations);
      if (rank == 4)
        y = linalg::PoolingNchwMaxOp::create(
                rewriter, loc, TypeRange{init.getType()},
                ValueRange{xp, window}, ValueRange{init}, st, dil)
                .getResult(0);
      else
        y = linalg::PoolingNcwMaxOp::create(
                rewriter, loc, TypeRange{init.getType()},
                ValueRange{xp, window}, ValueRange{init}, st, dil)
                .getResult(0);
    } else {
      y = genericPool(rewriter, loc, xp, init, win,
                      [&](OpBuilder &b, Location l, Value acc, Value v) -> Value {
                        if (isa<FloatType>(elt))
                          return arith::MaximumFOp::create(b, l, acc, v);
                        if (isUnsigned)
                          return arith::MaxUIOp::create(b, l, acc, v);
                        return arith::MaxSIOp::create(b, l, acc, v);
                      });
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

/// Sum pool (zero padding), then a division by the number of elements each
/// window counts: with count_include_pad the ones inside the explicitly
/// padded input, otherwise the ones inside the input. The extra end padding
/// of ceil_mode never counts (as onnxruntime and PyTorch).
struct AveragePoolLowering : DyadConversionPattern<AveragePoolOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    Value x = adaptor.getX();
    if (failed(checkPool(op, x, rewriter)))
      return failure();
    Type elt = resultType.getElementType();
    int64_t rank = resultType.getRank();
    bool includePad = op.getCountIncludePad();

    Window win =
        computeWindow(rewriter, loc, x, resultType, getWindowAttrs(op));
    IndexMath m(rewriter, loc);
    Value zero = scalarConstant(rewriter, loc, elt, 0.0);
    Value xp = padSpatial(rewriter, loc, x, win.padLow, win.totalHigh(m), zero);
    SmallVector<OpFoldResult> sizes{tensor::getMixedSize(rewriter, loc, x, 0),
                                    tensor::getMixedSize(rewriter, loc, x, 1)};
    llvm::append_range(sizes, win.out);
    Value init = filledTensor(rewriter, loc, sizes, zero);
    Value sum;
    if (rank == 3 || rank == 4) {
      Value window = tensor::EmptyOp::create(rewriter, loc, win.kernel, elt);
      auto st = i64Attr(rewriter, win.strides);
      auto dil = i64Attr(rewriter, win.dilations);
      if (rank == 4)
        sum = linalg::PoolingNchwSumOp::create(
                  rewriter, loc, TypeRange{init.getType()},
                  ValueRange{xp, window}, ValueRange{init}, st, dil)
                  .getResult(0);
      else
        sum = linalg::PoolingNcwSumOp::create(
                  rewriter, loc, TypeRange{init.getType()},
                  ValueRange{xp, window}, ValueRange{init}, st, dil)
                  .getResult(0);
    } else {
      sum = genericPool(rewriter, loc, xp, init, win,
                        [](OpBuilder &b, Location l, Value acc, Value v) {
                          return addScalars(b, l, acc, v);
                        });
    }

    // Every window is full when nothing is padded, or when the padding
    // counts and no ceil_mode extension exists: divide by the kernel size.
    bool noPad = llvm::all_of(win.padLow, isZero) &&
                 llvm::all_of(win.padHigh, isZero);
    bool noExtra = llvm::all_of(win.extraHigh, isZero);
    Value empty = emptyTensor(rewriter, loc, sizes, elt);
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    Value y;
    if (noExtra && (noPad || includePad)) {
      int64_t count = 1;
      for (int64_t k : win.kernel)
        count *= k;
      Value divisor = scalarConstant(rewriter, loc, elt, (double)count);
      y = mapInto(rewriter, loc, sum, id, empty,
                  [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                    return arith::DivFOp::create(b, l, a[0], divisor);
                  });
    } else {
      // Per output position: for each spatial dim the number of kernel taps
      // k in [0, K) with lo <= o*s - padLow + k*d < hi, i.e.
      // max(0, min(K-1, floor((hi-1-start)/d)) - max(0, ceil((lo-start)/d)) + 1).
      SmallVector<Value> lo, hi, padLow;
      for (int64_t i = 0; i < win.rank(); ++i) {
        padLow.push_back(m.value(win.padLow[i]));
        lo.push_back(m.value(includePad ? m.sub(m.c(0), win.padLow[i])
                                        : m.c(0)));
        hi.push_back(m.value(includePad ? m.add(win.in[i], win.padHigh[i])
                                        : win.in[i]));
      }
      y = mapInto(
          rewriter, loc, sum, id, empty,
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            IndexMath im(b, l);
            OpFoldResult count = im.c(1);
            for (int64_t i = 0; i < win.rank(); ++i) {
              Value o = linalg::IndexOp::create(b, l, 2 + i);
              OpFoldResult start =
                  im.sub(im.mul(OpFoldResult(o), win.strides[i]),
                         OpFoldResult(padLow[i]));
              int64_t dil = win.dilations[i];
              OpFoldResult kmin =
                  im.max(im.ceilDiv(im.sub(OpFoldResult(lo[i]), start), dil), 0);
              OpFoldResult kmax = im.min(
                  im.floorDiv(im.sub(im.sub(OpFoldResult(hi[i]), 1), start),
                              dil),
                  win.kernel[i] - 1);
              OpFoldResult n = im.max(im.add(im.sub(kmax, kmin), 1), 0);
              count = im.mul(count, n);
            }
            Value ci = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                  im.value(count));
            Value cf = arith::SIToFPOp::create(b, l, elt, ci);
            return arith::DivFOp::create(b, l, a[0], cf);
          });
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

/// Sum over the spatial dims into N x C, divide by their product, then
/// expand to N x C x 1 x ... .
struct GlobalAveragePoolLowering : DyadConversionPattern<GlobalAveragePoolOp> {
  using DyadConversionPattern::DyadConversionPattern;

  LogicalResult
  matchAndRewrite(GlobalAveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = getRankedResultType(op, rewriter);
    if (!resultType)
      return failure();
    Value x = adaptor.getX();
    if (failed(checkPool(op, x, rewriter)))
      return failure();
    auto xType = cast<RankedTensorType>(x.getType());
    int64_t rank = xType.getRank();
    Type elt = resultType.getElementType();
    MLIRContext *ctx = rewriter.getContext();
    IndexMath m(rewriter, loc);

    SmallVector<OpFoldResult> nc{tensor::getMixedSize(rewriter, loc, x, 0),
                                 tensor::getMixedSize(rewriter, loc, x, 1)};
    OpFoldResult count = m.c(1);
    for (int64_t i = 2; i < rank; ++i)
      count = m.mul(count, tensor::getMixedSize(rewriter, loc, x, i));
    Value zero = scalarConstant(rewriter, loc, elt, 0.0);
    Value init = filledTensor(rewriter, loc, nc, zero);
    SmallVector<utils::IteratorType> iters = parallelIters(2);
    iters.append(rank - 2, utils::IteratorType::reduction);
    SmallVector<AffineMap> maps{
        AffineMap::getMultiDimIdentityMap(rank, ctx),
        AffineMap::get(rank, 0,
                       {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)},
                       ctx)};
    Value sum =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{init.getType()}, ValueRange{x},
            ValueRange{init}, maps, iters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(b, l,
                                      addScalars(b, l, args[1], args[0]));
            })
            .getResult(0);
    Value countF;
    if (auto cc = getConstantIntValue(count)) {
      countF = scalarConstant(rewriter, loc, elt, (double)*cc);
    } else {
      Value ci = arith::IndexCastOp::create(rewriter, loc,
                                            rewriter.getI64Type(),
                                            m.value(count));
      countF = arith::SIToFPOp::create(rewriter, loc, elt, ci);
    }
    Value mean = mapInto(rewriter, loc, sum, rewriter.getMultiDimIdentityMap(2),
                         emptyTensor(rewriter, loc, nc, elt),
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           return arith::DivFOp::create(b, l, a[0], countF);
                         });
    SmallVector<OpFoldResult> outSizes(nc);
    SmallVector<int64_t> outShape;
    for (OpFoldResult s : nc)
      outShape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
    ReassociationIndices last{1};
    for (int64_t i = 2; i < rank; ++i) {
      outSizes.push_back(m.c(1));
      outShape.push_back(1);
      last.push_back(i);
    }
    Value y = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(outShape, elt), mean,
        SmallVector<ReassociationIndices>{{0}, last}, outSizes);
    rewriter.replaceOp(op, castTo(rewriter, loc, y, resultType));
    return success();
  }
};

} // namespace

void dyad::populateContractionToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<ConvLowering, ConvTransposeLowering, GemmLowering,
               MatMulLowering, MaxPoolLowering, AveragePoolLowering,
               GlobalAveragePoolLowering>(converter, patterns.getContext());
}
