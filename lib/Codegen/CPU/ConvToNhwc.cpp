//===- ConvToNhwc.cpp - channels-last convolutions and pooling ------------===//
//
// The importer keeps ONNX's NCHW. The CPU kernels want channels last: the
// vectorized 2-D convolution keeps a row of output pixels times a block of
// output channels in registers and broadcasts input channels (NHWC input,
// HWCF filter), and pooling vectorizes over channels. This pass rewrites
//
//   linalg.conv_2d_nchw_fchw, linalg.depthwise_conv_2d_nchw_chw,
//   linalg.pooling_nchw_{max,sum}
//
// to their NHWC forms, with
//   - constant filters permuted at compile time (no run-time transpose),
//   - the padding moved behind the input transpose (pad in NHWC),
//   - explicit sign extensions of i8 operands folded into the op (the named
//     ops extend their operands themselves: no i32 copy of the input),
//   - transposes as linalg.generic around each op.
// Matmuls by a constant weight read transposed (Gemm's transB) take the
// weight transposed at compile time.
// Then the transposes are fused into their elementwise neighbours (a
// transpose is only a permuted indexing map there), which propagates the
// layout: between two convolutions the NCHW tensor disappears, and the
// model's own NCHW remains only where a non-elementwise op needs it.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/KernelStrategy.h"
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dyad {
#define GEN_PASS_DEF_DYADCPUNHWC
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

/// The i8 (or other narrow integer) source of a generic that only
/// sign-extends it, elementwise; null otherwise.
Value dyad::extensionSource(Value v) {
  auto g = v.getDefiningOp<linalg::GenericOp>();
  if (!g || g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 ||
      !llvm::all_of(g.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }) ||
      g.getNumParallelLoops() != g.getNumLoops())
    return {};
  Block &body = g.getRegion().front();
  if (body.getOperations().size() != 2)
    return {};
  auto ext = dyn_cast<arith::ExtSIOp>(body.front());
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (!ext || ext.getIn() != body.getArgument(0) ||
      yield.getOperand(0) != ext.getResult())
    return {};
  return g.getDpsInputOperand(0)->get();
}


namespace {

/// Groups of `shape`'s dims that a collapse dropping its static unit dims
/// takes: each unit dim joins the next other dim, trailing ones the last
/// group. None when every dim is a unit dim.
std::optional<SmallVector<ReassociationIndices>>
unitDimGroups(ArrayRef<int64_t> shape) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices current;
  for (int64_t d = 0, e = shape.size(); d < e; ++d) {
    current.push_back(d);
    if (shape[d] != 1) {
      groups.push_back(current);
      current.clear();
    }
  }
  if (groups.empty())
    return std::nullopt;
  groups.back().append(current.begin(), current.end());
  return groups;
}

/// The dim positions of a permutation map's results, in order.
SmallVector<unsigned> positions(AffineMap perm) {
  return llvm::map_to_vector(perm.getResults(), [](AffineExpr e) {
    return cast<AffineDimExpr>(e).getPosition();
  });
}

/// `src` with its dims permuted: result dim i is src dim perm[i].
Value transposeGeneric(OpBuilder &b, Location loc, Value src,
                       ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(src.getType());
  SmallVector<OpFoldResult> srcSizes = tensor::getMixedSizes(b, loc, src);
  SmallVector<OpFoldResult> sizes;
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    sizes.push_back(srcSizes[p]);
    shape.push_back(type.getDimSize(p));
  }
  // A permutation that moves only unit dims (NCHW to NHWC of one channel)
  // keeps the order of the data: a reshape, no copy. The elementwise
  // producer then keeps its own layout and its contiguous inner dim.
  SmallVector<int64_t> moved;
  for (int64_t p : perm)
    if (type.getDimSize(p) != 1)
      moved.push_back(p);
  auto srcGroups = unitDimGroups(type.getShape());
  auto dstGroups = unitDimGroups(shape);
  if (srcGroups && dstGroups && llvm::is_sorted(moved) &&
      srcGroups->size() < perm.size()) {
    SmallVector<int64_t> core;
    for (int64_t d : type.getShape())
      if (d != 1)
        core.push_back(d);
    Value c = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get(core, type.getElementType()), src,
        *srcGroups);
    return tensor::ExpandShapeOp::create(b, loc, type.clone(shape), c,
                                         *dstGroups, sizes);
  }
  Value init = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
  int64_t rank = perm.size();
  // Input dim perm[i] is iterated by result dim i.
  SmallVector<AffineExpr> inExprs(rank);
  for (int64_t i = 0; i < rank; ++i)
    inExprs[perm[i]] = b.getAffineDimExpr(i);
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps{AffineMap::get(rank, 0, inExprs, ctx),
                              AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{src}, ValueRange{init}, maps,
             iters,
             [](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, args[0]);
             })
      .getResult(0);
}

/// A dense constant permuted at compile time (dims as transposeGeneric).
DenseElementsAttr permuteConstant(DenseElementsAttr attr,
                                  ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(attr.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  auto newType = type.clone(shape);
  if (attr.isSplat())
    return attr.reshape(newType);
  unsigned bits = type.getElementTypeBitWidth();
  if (bits % 8)
    return {};
  size_t bytes = bits / 8;
  ArrayRef<char> raw = attr.getRawData();
  int64_t rank = perm.size();
  SmallVector<int64_t> srcStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    srcStrides[d] = srcStrides[d + 1] * type.getDimSize(d + 1);
  int64_t n = type.getNumElements();
  std::vector<char> out(n * bytes);
  SmallVector<int64_t> idx(rank, 0); // index in the result
  for (int64_t e = 0; e < n; ++e) {
    int64_t off = 0;
    for (int64_t i = 0; i < rank; ++i)
      off += idx[i] * srcStrides[perm[i]];
    std::memcpy(&out[e * bytes], &raw[off * bytes], bytes);
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++idx[i] < shape[i])
        break;
      idx[i] = 0;
    }
  }
  return DenseElementsAttr::getFromRawBuffer(newType, out);
}

/// `v` sign-extended to `elt`, elementwise, as a generic.
Value signExtendGeneric(OpBuilder &b, Location loc, Value v, Type elt) {
  auto type = cast<RankedTensorType>(v.getType());
  Value init = tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, v),
                                       elt);
  unsigned rank = type.getRank();
  SmallVector<AffineMap> maps(
      2, AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type.clone(elt), ValueRange{v}, ValueRange{init}, maps,
             iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l, Value(arith::ExtSIOp::create(nb, l, elt, args[0])));
             })
      .getResult(0);
}

/// The filter `w`, permuted: a constant at compile time, else a transpose.
/// An explicit sign extension of a narrow filter is dropped (the named op
/// extends).
Value permuteFilter(OpBuilder &b, Location loc, Value w,
                    ArrayRef<int64_t> perm) {
  if (Value narrow = extensionSource(w))
    w = narrow;
  // A depthwise filter is its C x 1 x k... weight collapsed: the collapse
  // of the narrow source (of the constant itself, which then folds).
  if (auto collapse = w.getDefiningOp<tensor::CollapseShapeOp>()) {
    Value src = collapse.getSrc();
    if (Value narrow = extensionSource(src))
      src = narrow;
    auto type = collapse.getResultType().clone(
        getElementTypeOrSelf(src.getType()));
    DenseElementsAttr c;
    if (matchPattern(src, m_Constant(&c)) && type.hasStaticShape())
      w = arith::ConstantOp::create(b, loc, c.reshape(type));
    else if (src != collapse.getSrc())
      w = tensor::CollapseShapeOp::create(b, loc, type, src,
                                          collapse.getReassociationIndices());
  }
  DenseElementsAttr attr;
  if (matchPattern(w, m_Constant(&attr)))
    if (DenseElementsAttr p = permuteConstant(attr, perm))
      return arith::ConstantOp::create(b, loc, p);
  return transposeGeneric(b, loc, w, perm);
}

constexpr int64_t kToNhwc[] = {0, 2, 3, 1};
constexpr int64_t kToNchw[] = {0, 3, 1, 2};

/// The NCHW input, in NHWC: its sign extension dropped when `narrow`, its
/// spatial padding redone after the transpose.
Value inputToNhwc(OpBuilder &b, Location loc, Value x, bool narrow) {
  if (narrow)
    if (Value s = extensionSource(x))
      x = s;
  if (auto pad = x.getDefiningOp<tensor::PadOp>()) {
    Value padValue = pad.getConstantPaddingValue();
    SmallVector<OpFoldResult> low = pad.getMixedLowPad();
    SmallVector<OpFoldResult> high = pad.getMixedHighPad();
    auto isZero = [](OpFoldResult f) { return isConstantIntValue(f, 0); };
    if (padValue && isZero(low[0]) && isZero(low[1]) && isZero(high[0]) &&
        isZero(high[1])) {
      Value src = pad.getSource();
      if (narrow)
        if (Value s = extensionSource(src))
          src = s;
      // A pad of an extension: the extension is dropped only when the pad
      // value is an extended constant we can narrow; otherwise keep it.
      if (src != pad.getSource()) {
        auto srcElt = cast<RankedTensorType>(src.getType()).getElementType();
        IntegerAttr v;
        if (!matchPattern(padValue, m_Constant(&v)))
          src = pad.getSource();
        else
          padValue = arith::ConstantOp::create(
              b, loc, IntegerAttr::get(srcElt, v.getValue().trunc(
                                                   srcElt.getIntOrFloatBitWidth())));
      }
      Value t = transposeGeneric(b, loc, src, kToNhwc);
      SmallVector<OpFoldResult> l{low[0], low[2], low[3], low[1]};
      SmallVector<OpFoldResult> h{high[0], high[2], high[3], high[1]};
      return tensor::PadOp::create(b, loc, Type(), t, l, h, padValue)
          .getResult();
    }
  }
  return transposeGeneric(b, loc, x, kToNhwc);
}

/// An int8 NHWC convolution of one input channel (a grayscale stem or a
/// patch embedding) with a window 2 to 16 columns wide reads each output
/// pixel's columns as the channels of a one-column window instead:
///   x'[n, h, ow, k] = x[n, h, ow * sw + k * dw, 0],  k < 4 * G,
/// G = ceil(KW / 4), with the HWCF filter [KH][KW][1][F] as
/// [KH][1][4G][F] (zero for k >= KW; x gets the extra columns those read
/// from its pad) and stride and dilation 1 along W. With sw = dw = 1 a
/// pixel's window is G 4-byte loads. vpdpbusd then takes 4 columns of a
/// kernel row per instruction (KH * G per output vector, was KH * KW with
/// 3 of 4 channels zero: a 7 x 7 patch embedding 14 for 49), and x' is
/// about as large as the channel padding it replaces. Returns false,
/// changing nothing, where it does not apply.
bool foldColumnsIntoChannels(OpBuilder &b, Location loc, Value &xt, Value &wt,
                             SmallVector<int64_t> &strides,
                             SmallVector<int64_t> &dilations) {
  auto xType = cast<RankedTensorType>(xt.getType());
  DenseElementsAttr filter;
  if (xType.getDimSize(3) != 1 || ShapedType::isDynamic(xType.getDimSize(2)) ||
      ShapedType::isDynamic(xType.getDimSize(1)) ||
      !matchPattern(wt, m_Constant(&filter)))
    return false;
  auto wType = cast<RankedTensorType>(filter.getType());
  int64_t kh = wType.getDimSize(0), kw = wType.getDimSize(1),
          f = wType.getDimSize(3), w = xType.getDimSize(2);
  if (!wType.hasStaticShape() || wType.getElementTypeBitWidth() != 8 ||
      kw < 2 || kw > 16)
    return false;
  int64_t sw = strides[1], dw = dilations[1];
  int64_t ow = (w - (kw - 1) * dw - 1) / sw + 1;
  if (ow < 1)
    return false;
  // Columns in whole dwords: 4 * G taps.
  int64_t taps = (kw + 3) / 4 * 4;
  std::vector<char> out(kh * taps * f, 0);
  for (int64_t r = 0; r < kh; ++r)
    for (int64_t c = 0; c < kw; ++c)
      for (int64_t fi = 0; fi < f; ++fi)
        out[(r * taps + c) * f + fi] =
            filter.isSplat() ? filter.getRawData()[0]
                             : filter.getRawData()[(r * kw + c) * f + fi];
  wt = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::getFromRawBuffer(wType.clone({kh, 1, taps, f}), out));
  // The columns the last taps read past x's width: more of its spatial
  // pad (or zeros), multiplied by zero filter columns.
  int64_t extra =
      std::max<int64_t>(0, (ow - 1) * sw + (taps - 1) * dw + 1 - w);
  Value src = xt;
  if (extra > 0) {
    auto pad = xt.getDefiningOp<tensor::PadOp>();
    Value padValue = pad ? pad.getConstantPaddingValue() : Value();
    SmallVector<OpFoldResult> low(4, b.getIndexAttr(0)), high = low;
    if (padValue && pad->use_empty()) {
      low = pad.getMixedLowPad();
      high = pad.getMixedHighPad();
      src = pad.getSource();
    } else {
      padValue = arith::ConstantOp::create(
          b, loc, b.getZeroAttr(xType.getElementType()));
    }
    if (std::optional<int64_t> h = getConstantIntValue(high[2]))
      high[2] = b.getIndexAttr(*h + extra);
    else
      high[2] = arith::AddIOp::create(
                    b, loc, cast<Value>(high[2]),
                    arith::ConstantIndexOp::create(b, loc, extra))
                    .getResult();
    src = tensor::PadOp::create(b, loc, Type(), src, low, high, padValue)
              .getResult();
  }
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, src);
  sizes[2] = b.getIndexAttr(ow);
  sizes[3] = b.getIndexAttr(taps);
  Value init = tensor::EmptyOp::create(b, loc, sizes, xType.getElementType());
  // Read as [N][H][W] rows (the unit channel dim dropped), so a window is
  // contiguous along the innermost index and vectorizes as one load.
  Value rows = tensor::CollapseShapeOp::create(
      b, loc, src, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  auto g = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init},
      SmallVector<AffineMap>{b.getMultiDimIdentityMap(4)},
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        auto idx = [&](int64_t d) { return linalg::IndexOp::create(nb, l, d); };
        auto cst = [&](int64_t v) {
          return arith::ConstantIndexOp::create(nb, l, v);
        };
        Value col = arith::AddIOp::create(
            nb, l, arith::MulIOp::create(nb, l, idx(2), cst(sw)),
            arith::MulIOp::create(nb, l, idx(3), cst(dw)));
        Value v = tensor::ExtractOp::create(nb, l, rows,
                                            ValueRange{idx(0), idx(1), col});
        linalg::YieldOp::create(nb, l, v);
      });
  xt = g.getResult(0);
  strides[1] = 1;
  dilations[1] = 1;
  return true;
}

/// An int8 NHWC convolution with C % 4 != 0 input channels (the image stem:
/// 1 or 3) gets C rounded up to 4: vpdpbusd takes 4 channels per lane, and
/// the extra channels, zero in the constant HWCF filter, add nothing. Their
/// input value is the spatial pad's (the zero point) or 0. Returns false,
/// changing nothing, when the filter is not a constant.
bool padChannelsTo4(OpBuilder &b, Location loc, Value &xt, Value &wt) {
  auto xType = cast<RankedTensorType>(xt.getType());
  int64_t c = xType.getDimSize(3);
  DenseElementsAttr filter;
  if (ShapedType::isDynamic(c) || c % 4 == 0 ||
      !matchPattern(wt, m_Constant(&filter)))
    return false;
  auto wType = cast<RankedTensorType>(filter.getType());
  if (!wType.hasStaticShape() || wType.getElementTypeBitWidth() != 8)
    return false;
  int64_t cp = (c + 3) / 4 * 4, f = wType.getDimSize(3);
  int64_t taps = wType.getDimSize(0) * wType.getDimSize(1);
  std::vector<char> out(taps * cp * f, 0);
  if (filter.isSplat()) {
    char v = filter.getRawData()[0];
    for (int64_t t = 0; t < taps; ++t)
      std::memset(&out[t * cp * f], v, c * f);
  } else {
    ArrayRef<char> raw = filter.getRawData();
    for (int64_t t = 0; t < taps; ++t)
      std::memcpy(&out[t * cp * f], &raw[t * c * f], c * f);
  }
  auto paddedType = wType.clone(
      {wType.getDimSize(0), wType.getDimSize(1), cp, f});
  wt = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::getFromRawBuffer(paddedType, out));
  OpFoldResult extra = b.getIndexAttr(cp - c);
  if (auto pad = xt.getDefiningOp<tensor::PadOp>();
      pad && pad.getConstantPaddingValue() && pad->use_empty()) {
    SmallVector<OpFoldResult> high = pad.getMixedHighPad();
    high[3] = extra;
    xt = tensor::PadOp::create(b, loc, Type(), pad.getSource(),
                               pad.getMixedLowPad(), high,
                               pad.getConstantPaddingValue())
             .getResult();
    return true;
  }
  SmallVector<OpFoldResult> zeros(4, b.getIndexAttr(0)), high = zeros;
  high[3] = extra;
  Value zero = arith::ConstantOp::create(
      b, loc, b.getZeroAttr(xType.getElementType()));
  xt = tensor::PadOp::create(b, loc, Type(), xt, zeros, high, zero).getResult();
  return true;
}

/// `OpTy` (NCHW) as `NhwcOp`; the filter permuted by `filterPerm` (none for
/// pooling, whose second operand is only the window shape).
template <typename OpTy, typename NhwcOp>
struct ToNhwc : OpRewritePattern<OpTy> {
  ToNhwc(MLIRContext *ctx, ArrayRef<int64_t> filterPerm = {})
      : OpRewritePattern<OpTy>(ctx), filterPerm(filterPerm) {}
  SmallVector<int64_t> filterPerm;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getDpsInputOperand(0)->get();
    Value w = op.getDpsInputOperand(1)->get();
    Value init = op.getDpsInitOperand(0)->get();
    auto outType = cast<RankedTensorType>(init.getType());
    // Integer convolutions take their narrow operands directly.
    bool isConv = !filterPerm.empty();
    bool narrow = isConv && isa<IntegerType>(outType.getElementType());
    Value xt = inputToNhwc(rewriter, loc, x, narrow);
    Value initT = transposeGeneric(rewriter, loc, init, kToNhwc);
    Value wt = isConv ? permuteFilter(rewriter, loc, w, filterPerm) : w;
    // A narrow depthwise filter is stored narrow (an i8 or, after
    // dyad-cpu-pack-vnni, i4 constant) and widened to i32 once per run, in
    // a loop of its own before the kernel: the depthwise kernel
    // multiplies in i32 lanes, and a widening per tap costs it 4%.
    if (narrow && std::is_same_v<NhwcOp, linalg::DepthwiseConv2DNhwcHwcOp> &&
        getElementTypeOrSelf(wt.getType()) != outType.getElementType())
      wt = signExtendGeneric(rewriter, loc, wt, outType.getElementType());
    auto strides = llvm::to_vector(op.getStrides().template getValues<int64_t>());
    auto dilations =
        llvm::to_vector(op.getDilations().template getValues<int64_t>());
    if (narrow && std::is_same_v<NhwcOp, linalg::Conv2DNhwcHwcfOp> &&
        !foldColumnsIntoChannels(rewriter, loc, xt, wt, strides, dilations))
      padChannelsTo4(rewriter, loc, xt, wt);
    Value y = NhwcOp::create(rewriter, loc, TypeRange{initT.getType()},
                             ValueRange{xt, wt}, ValueRange{initT},
                             rewriter.getI64TensorAttr(strides),
                             rewriter.getI64TensorAttr(dilations))
                  .getResult(0);
    rewriter.replaceOp(op, transposeGeneric(rewriter, loc, y, kToNchw));
    return success();
  }
};

/// A matmul whose constant right operand is read transposed (ONNX Gemm's
/// transB, MatMul by a transposed weight: maps (m,k), (n,k), (m,n)) takes the
/// weight transposed at compile time instead: the plain matmul is the one
/// the kernels vectorize (a row of B is a vector of output columns).
struct PackTransposedWeight : OpRewritePattern<linalg::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasUserDefinedMaps() || !op.hasPureTensorSemantics())
      return failure();
    MLIRContext *ctx = op.getContext();
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    auto map = [&](ArrayRef<AffineExpr> e) {
      return AffineMap::get(3, 0, e, ctx);
    };
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    if (maps != SmallVector<AffineMap>{map({m, k}), map({n, k}), map({m, n})})
      return failure();
    Value w = op.getDpsInputOperand(1)->get();
    DenseElementsAttr attr;
    if (!matchPattern(w, m_Constant(&attr)))
      return failure();
    DenseElementsAttr t = permuteConstant(attr, {1, 0});
    if (!t)
      return failure();
    Value wt = arith::ConstantOp::create(rewriter, op.getLoc(), t);
    rewriter.replaceOpWithNewOp<linalg::MatmulOp>(
        op, op.getResultTypes(),
        ValueRange{op.getDpsInputOperand(0)->get(), wt},
        ValueRange{op.getDpsInitOperand(0)->get()});
    return success();
  }
};

/// An integer matmul of sign-extended i8 operands (as dyad-to-linalg writes
/// a quantized Gemm: each operand extended to i32 by a generic, the constant
/// weights too, at every run) takes the i8 operands directly: the named op
/// extends them itself, and the vectorized tile is then an i8 contraction
/// for vpdpbusd.
///
/// An operand may also be the extension seen through a collapse_shape (a
/// 3-D MatMul's batch dims folded into its rows), or a computation that
/// sign-extends at its end (a requantization or LayerNorm fused with the
/// extension: its yield is extsi of an i8 value): that computation then
/// writes the i8 value instead.
struct NarrowOperand {
  Value source;                     // the i8 value, when already there
  linalg::GenericOp widening;       // or a generic whose yield extends i8
  tensor::CollapseShapeOp collapse; // seen through
};

std::optional<NarrowOperand> narrowOperand(Value v) {
  NarrowOperand n;
  if (auto c = v.getDefiningOp<tensor::CollapseShapeOp>()) {
    n.collapse = c;
    v = c.getSrc();
  }
  if ((n.source = extensionSource(v)))
    return getElementTypeOrSelf(n.source.getType()).getIntOrFloatBitWidth() ==
                   8
               ? std::optional<NarrowOperand>(n)
               : std::nullopt;
  auto g = v.getDefiningOp<linalg::GenericOp>();
  if (!g || g->getNumResults() != 1 || g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops() ||
      !g.getRegion().front().getArguments().back().use_empty())
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(g.getRegion().front().getTerminator());
  auto ext = yield.getOperand(0).getDefiningOp<arith::ExtSIOp>();
  if (!ext || !ext.getIn().getType().isInteger(8))
    return std::nullopt;
  n.widening = g;
  return n;
}

Value buildNarrow(PatternRewriter &rewriter, NarrowOperand n) {
  Value v = n.source;
  if (n.widening) {
    linalg::GenericOp g = n.widening;
    Location loc = g.getLoc();
    auto i8 = rewriter.getI8Type();
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, g.getResult(0));
    Value init = tensor::EmptyOp::create(rewriter, loc, sizes, i8);
    auto ng = cast<linalg::GenericOp>(rewriter.clone(*g));
    ng.getDpsInitOperand(0)->set(init);
    ng.getResult(0).setType(
        cast<RankedTensorType>(g.getResult(0).getType()).clone(i8));
    Block &body = ng.getRegion().front();
    body.getArguments().back().setType(i8);
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    auto ext = yield.getOperand(0).getDefiningOp<arith::ExtSIOp>();
    yield->setOperand(0, ext.getIn());
    if (ext->use_empty())
      rewriter.eraseOp(ext);
    v = ng.getResult(0);
  }
  if (n.collapse)
    v = tensor::CollapseShapeOp::create(rewriter, n.collapse.getLoc(), v,
                                        n.collapse.getReassociationIndices());
  return v;
}

struct NarrowMatmulOperands : OpRewritePattern<linalg::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.hasUserDefinedMaps() || !op.hasPureTensorSemantics() ||
        !isa<IntegerType>(getElementTypeOrSelf(op.getResultTypes()[0])))
      return failure();
    auto a = narrowOperand(op.getDpsInputOperand(0)->get());
    auto b = narrowOperand(op.getDpsInputOperand(1)->get());
    if (!a || !b)
      return failure();
    Value na = buildNarrow(rewriter, *a), nb = buildNarrow(rewriter, *b);
    rewriter.replaceOpWithNewOp<linalg::MatmulOp>(
        op, op.getResultTypes(), ValueRange{na, nb},
        ValueRange{op.getDpsInitOperand(0)->get()});
    return success();
  }
};

/// A generic that only moves data (one input, all loops parallel, the body
/// yields the input): fusing it into a consumer costs nothing but a
/// permuted map, so it is fused into every consumer.
bool isDataMovement(Operation *op) {
  auto g = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!g || g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops())
    return false;
  Block &body = g.getRegion().front();
  return body.getOperations().size() == 1 &&
         body.getTerminator()->getOperand(0) == body.getArgument(0);
}

/// An elementwise generic G that writes in one layout while a transpose T
/// of its result is what most of the graph reads (a requantization writing
/// NCHW after an NHWC convolution, read by the next convolution through a
/// transpose back to NHWC) writes in T's layout instead: T disappears, and
/// G's other users read the new result through the inverse transpose, a
/// permuted map once fused (into elementwise ops, or into a reduction
/// behind an expand_shape). Fires only where it makes more of G's inputs
/// read with the identity map, so two layouts cannot ping-pong.
struct SinkTransposeIntoProducer : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp t,
                                PatternRewriter &rewriter) const override {
    if (!isDataMovement(t) || !t.getIndexingMapsArray()[1].isIdentity())
      return failure();
    AffineMap perm = t.getIndexingMapsArray()[0];
    auto g = t.getDpsInputOperand(0)->get().getDefiningOp<linalg::GenericOp>();
    if (!g || !perm.isPermutation() || isDataMovement(g) ||
        g.getNumResults() != 1 || g.getNumDpsInits() != 1 ||
        g.getNumParallelLoops() != g.getNumLoops() ||
        !g.getIndexingMapsArray().back().isIdentity() ||
        g.payloadUsesValueFromOperand(g.getDpsInitOperand(0)) ||
        g.hasIndexSemantics())
      return failure();
    auto countIdentity = [](ArrayRef<AffineMap> maps) {
      return llvm::count_if(maps, [](AffineMap m) { return m.isIdentity(); });
    };
    SmallVector<AffineMap> oldMaps = g.getIndexingMapsArray();
    oldMaps.pop_back();
    SmallVector<AffineMap> maps;
    for (AffineMap m : oldMaps)
      maps.push_back(m.compose(perm));
    if (countIdentity(maps) <= countIdentity(oldMaps))
      return failure();
    Location loc = g.getLoc();
    rewriter.setInsertionPoint(g);
    // T's shape, from G's sizes: G's dim i is T's dim perm(i), so T's dim j
    // is G's dim inverse(j).
    SmallVector<OpFoldResult> gSizes =
        tensor::getMixedSizes(rewriter, loc, g.getResult(0));
    SmallVector<OpFoldResult> sizes;
    for (AffineExpr e : inversePermutation(perm).getResults())
      sizes.push_back(gSizes[cast<AffineDimExpr>(e).getPosition()]);
    Value init = tensor::EmptyOp::create(
        rewriter, loc, sizes, getElementTypeOrSelf(g.getResult(0).getType()));
    maps.push_back(rewriter.getMultiDimIdentityMap(perm.getNumDims()));
    auto ng = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, g.getDpsInputs(),
        ValueRange{init}, maps, g.getIteratorTypesArray());
    rewriter.inlineRegionBefore(g.getRegion(), ng.getRegion(),
                                ng.getRegion().begin());
    // The others read G's layout back: G's dim i is the new result's dim
    // perm(i).
    Value r = transposeGeneric(rewriter, loc, ng.getResult(0),
                               llvm::to_vector_of<int64_t>(positions(perm)));
    rewriter.replaceOp(t, ng.getResult(0));
    rewriter.replaceOp(g, r);
    return success();
  }
};

/// A concat of transposed tensors (and of splat constants) is the
/// transpose of the concat of the untransposed ones, along the axis the
/// permutation maps the concat's to. MediaPipe's BlazeFace pads channels
/// with a ConstantOfShape of zeros concatenated in NCHW after each block's
/// NHWC max pool; the concat then ran in NCHW and the residual Add read it
/// transposed, so the convolution's epilogue could not take it in. Moved
/// behind the concat, the transpose fuses into its consumers like any
/// other (a permuted map) and meets the NHWC producers' layout.
struct TransposeThroughConcat : OpRewritePattern<tensor::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    // The permutation: input map results r_j = d_p(j), output identity.
    std::optional<AffineMap> perm;
    for (Value v : op.getInputs()) {
      auto g = v.getDefiningOp<linalg::GenericOp>();
      if (!g)
        continue;
      if (!isDataMovement(g) || !g.getIndexingMapsArray()[1].isIdentity() ||
          !g.getIndexingMapsArray()[0].isPermutation() ||
          g.getIndexingMapsArray()[0].isIdentity())
        return failure();
      if (perm && *perm != g.getIndexingMapsArray()[0])
        return failure();
      perm = g.getIndexingMapsArray()[0];
    }
    if (!perm)
      return failure();
    SmallVector<unsigned> p = positions(*perm);
    // Source dim j is output dim p[j]: the concat's axis moves to the j
    // with p[j] == axis.
    int64_t axis = op.getDim();
    int64_t srcAxis = llvm::find(p, unsigned(axis)) - p.begin();
    Location loc = op.getLoc();
    SmallVector<Value> sources;
    for (Value v : op.getInputs()) {
      if (auto g = v.getDefiningOp<linalg::GenericOp>()) {
        sources.push_back(g.getDpsInputOperand(0)->get());
        continue;
      }
      SplatElementsAttr splat;
      auto type = cast<RankedTensorType>(v.getType());
      if (!matchPattern(v, m_Constant(&splat)) || !type.hasStaticShape())
        return failure();
      SmallVector<int64_t> shape;
      for (unsigned d : p)
        shape.push_back(type.getDimSize(d));
      auto srcType = type.clone(shape);
      sources.push_back(arith::ConstantOp::create(
          rewriter, loc, SplatElementsAttr::get(
                             srcType, splat.getSplatValue<Attribute>())));
    }
    Value cat = tensor::ConcatOp::create(rewriter, loc, srcAxis, sources);
    // The output's dim i is the new concat's dim inverse(i).
    SmallVector<int64_t> back;
    for (AffineExpr e : inversePermutation(*perm).getResults())
      back.push_back(cast<AffineDimExpr>(e).getPosition());
    rewriter.replaceOp(op, transposeGeneric(rewriter, loc, cat, back));
    return success();
  }
};

/// A transpose of a collapse_shape whose permutation moves whole groups
/// of the collapse (ONNX's Reshape [N,C,H,W] -> [N,C,HW] then Transpose to
/// [N,HW,C], a ViT's patch embedding) is the transpose of the uncollapsed
/// tensor ([N,H,W,C]) collapsed: as a data-movement generic it then meets
/// its producer, which sinks it (SinkTransposeIntoProducer; after an NHWC
/// convolution the two transposes cancel, and the convolution's epilogue
/// reads its result with the identity map again).
struct TransposeThroughCollapse : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp t,
                                PatternRewriter &rewriter) const override {
    if (!t.hasPureTensorSemantics())
      return failure();
    auto c = t.getInput().getDefiningOp<tensor::CollapseShapeOp>();
    if (!c || !c->hasOneUse())
      return failure();
    SmallVector<ReassociationIndices> groups = c.getReassociationIndices();
    ArrayRef<int64_t> perm = t.getPermutation();
    if (perm.size() != groups.size())
      return failure();
    SmallVector<int64_t> full;
    SmallVector<ReassociationIndices> regrouped;
    for (int64_t g : perm) {
      ReassociationIndices group;
      for (int64_t d : groups[g]) {
        group.push_back(int64_t(full.size()));
        full.push_back(d);
      }
      regrouped.push_back(group);
    }
    // Only where the producer then takes the transpose in (one of its
    // inputs read in the transposed order: an NHWC convolution's result
    // read as NCHW); elsewhere a named transpose stays one.
    auto g = c.getSrc().getDefiningOp<linalg::GenericOp>();
    if (!g || !g->hasOneUse() || g.getNumParallelLoops() != g.getNumLoops())
      return failure();
    SmallVector<int64_t> inverse(full.size());
    for (auto [i, d] : llvm::enumerate(full))
      inverse[d] = int64_t(i);
    AffineMap read =
        AffineMap::getPermutationMap(inverse, rewriter.getContext());
    if (!llvm::any_of(g.getDpsInputOperands(), [&](OpOperand *in) {
          AffineMap m = g.getMatchingIndexingMap(in);
          return m.getNumResults() == read.getNumResults() &&
                 m.compose(read).isIdentity();
        }))
      return failure();
    Location loc = t.getLoc();
    Value moved = transposeGeneric(rewriter, loc, c.getSrc(), full);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        t, t.getResult()[0].getType(), moved, regrouped);
    return success();
  }
};

/// A reduction whose first input is read through a permutation (a global
/// pool over an NHWC tensor, written for NCHW) iterates in that input's
/// order instead: its map becomes the identity, the innermost loop walks
/// memory contiguously, and the channels (parallel) end up innermost, where
/// a vector can take them.
struct ReductionInInputOrder : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp g,
                                PatternRewriter &rewriter) const override {
    if (g.getNumReductionLoops() == 0 || g.getNumDpsInputs() == 0)
      return failure();
    AffineMap m = g.getMatchingIndexingMap(g.getDpsInputOperand(0));
    if (!m.isPermutation() || m.isIdentity())
      return failure();
    return linalg::interchangeGenericOp(rewriter, g, positions(m));
  }
};

struct DyadCpuNhwcPass : dyad::impl::DyadCpuNhwcBase<DyadCpuNhwcPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    {
      RewritePatternSet patterns(ctx);
      // FCHW -> HWCF, CHW -> HWC.
      patterns.add<ToNhwc<linalg::Conv2DNchwFchwOp, linalg::Conv2DNhwcHwcfOp>>(
          ctx, ArrayRef<int64_t>{2, 3, 1, 0});
      patterns.add<ToNhwc<linalg::DepthwiseConv2DNchwChwOp,
                          linalg::DepthwiseConv2DNhwcHwcOp>>(
          ctx, ArrayRef<int64_t>{1, 2, 0});
      patterns.add<ToNhwc<linalg::PoolingNchwMaxOp, linalg::PoolingNhwcMaxOp>,
                   ToNhwc<linalg::PoolingNchwSumOp, linalg::PoolingNhwcSumOp>,
                   PackTransposedWeight, NarrowMatmulOperands>(ctx);
      (void)applyPatternsGreedily(getOperation(), std::move(patterns));
    }
    // Propagate: fuse transposes into elementwise neighbours (any number of
    // consumers), other producers where they have one use.
    RewritePatternSet patterns(ctx);
    linalg::ControlFusionFn control = [](OpOperand *operand) {
      Operation *producer = operand->get().getDefiningOp();
      return producer &&
             ((producer->hasOneUse() && dyad::readsWithoutBroadcast(operand)) ||
              isDataMovement(producer));
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    // A transpose read through an expand_shape (a reduction's keepdims
    // form) is expanded first, then fused like any other.
    linalg::populateFoldReshapeOpsByExpansionPatterns(
        patterns, [](OpOperand *operand) {
          Operation *producer = operand->get().getDefiningOp();
          return producer && producer->hasOneUse() && isDataMovement(producer);
        });
    patterns.add<SinkTransposeIntoProducer, ReductionInInputOrder,
                 TransposeThroughCollapse, TransposeThroughConcat>(ctx);
    tensor::populateFoldTensorEmptyPatterns(patterns);
    // The batch size read from a padded NCHW input (tensor.dim of a pad)
    // kept that padded copy alive after the conv moved to NHWC, and with it
    // the NCHW tensor: dims resolve to the pad's source.
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    tensor::DimOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
