//===- ShapeToTensor.cpp - shape and data movement ops --------------------===//
//
// Reshape-like ops (flatten, reshape, squeeze, unsqueeze) compute their result
// dims as index values (ONNX's 0 / -1 rules resolved at run time when the
// shape is data) and become one tensor.reshape. Slicing uses
// tensor.extract_slice when every step is a positive constant, otherwise a
// gather-style linalg.generic; gather, expand and non-constant pads are
// linalg.generic ops that compute source indices and read with tensor.extract.
// Constants and casts of unsigned / quantized element types become their
// signless storage form.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace dyad;

namespace {

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Element `i` of a 1-D integer tensor, as an index.
Value extractIndex(OpBuilder &b, Location loc, Value vec, int64_t i) {
  Value e = tensor::ExtractOp::create(b, loc, vec,
                                      ValueRange{indexConst(b, loc, i)});
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), e);
}

/// tensor.reshape of `src` to `resultType` with run-time dims `dims`.
Value reshapeTo(OpBuilder &b, Location loc, Value src,
                RankedTensorType resultType, ArrayRef<Value> dims) {
  auto shapeType = RankedTensorType::get({(int64_t)dims.size()},
                                         b.getIndexType());
  Value shape = tensor::FromElementsOp::create(b, loc, shapeType, dims);
  return tensor::ReshapeOp::create(b, loc, resultType, src, shape);
}

SmallVector<Value> allDims(OpBuilder &b, Location loc, Value t) {
  SmallVector<Value> dims;
  for (int64_t i = 0; i < cast<RankedTensorType>(t.getType()).getRank(); ++i)
    dims.push_back(dimSize(b, loc, t, i));
  return dims;
}

Value product(OpBuilder &b, Location loc, ArrayRef<Value> dims) {
  Value p = indexConst(b, loc, 1);
  for (Value d : dims)
    p = arith::MulIOp::create(b, loc, p, d);
  return p;
}

/// Common checks: ranked converted operands and result.
template <typename OpTy>
FailureOr<RankedTensorType> rankedResultOf(OpTy op, const TypeConverter *tc,
                                           ConversionPatternRewriter &r) {
  auto type = dyn_cast_or_null<RankedTensorType>(
      tc->convertType(op->getResult(0).getType()));
  if (!type)
    return r.notifyMatchFailure(op, "unranked result");
  for (Value v : op->getOperands())
    if (!isa<RankedTensorType>(v.getType()))
      return r.notifyMatchFailure(op, "unranked operand");
  return type;
}

/// A linalg.generic over `resultType` (dims `dynDims`) whose body gets the
/// output indices and yields a value.
Value indexGeneric(OpBuilder &b, Location loc, RankedTensorType resultType,
                   ValueRange dynDims,
                   function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = resultType.getRank();
  Value init = emptyTensor(b, loc, resultType, dynDims);
  SmallVector<AffineMap> maps{
      AffineMap::getMultiDimIdentityMap(rank, b.getContext())};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto g = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, ValueRange{}, ValueRange{init}, maps,
      iters, [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> idx;
        for (int64_t i = 0; i < rank; ++i)
          idx.push_back(linalg::IndexOp::create(nb, nloc, i));
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, idx));
      });
  return g.getResult(0);
}

/// The dynamic entries of `dims` for `type`.
SmallVector<Value> dynamicOf(RankedTensorType type, ArrayRef<Value> dims) {
  SmallVector<Value> out;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      out.push_back(dims[i]);
  return out;
}

//===----------------------------------------------------------------------===//
// Reshape family
//===----------------------------------------------------------------------===//

struct FlattenLowering : OpConversionPattern<FlattenOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FlattenOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto type = rankedResultOf(op, getTypeConverter(), r);
    if (failed(type))
      return failure();
    Location loc = op.getLoc();
    Value in = adaptor.getInput();
    int64_t rank = cast<RankedTensorType>(in.getType()).getRank();
    // I64Attr getters return uint64_t: read the axis as signed.
    int64_t axis = (int64_t)op.getAxis() < 0 ? (int64_t)op.getAxis() + rank
                                             : (int64_t)op.getAxis();
    SmallVector<Value> dims = allDims(r, loc, in);
    Value outer = product(r, loc, ArrayRef<Value>(dims).take_front(axis));
    Value inner = product(r, loc, ArrayRef<Value>(dims).drop_front(axis));
    r.replaceOp(op, reshapeTo(r, loc, in, *type, {outer, inner}));
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto type = rankedResultOf(op, getTypeConverter(), r);
    if (failed(type))
      return failure();
    auto shapeType = cast<RankedTensorType>(adaptor.getShape().getType());
    if (shapeType.isDynamicDim(0))
      return r.notifyMatchFailure(op, "shape of unknown length");
    Location loc = op.getLoc();
    Value in = adaptor.getData();
    int64_t inRank = cast<RankedTensorType>(in.getType()).getRank();
    int64_t n = shapeType.getDimSize(0);
    SmallVector<Value> inDims = allDims(r, loc, in);
    Value zero = indexConst(r, loc, 0), minusOne = indexConst(r, loc, -1);
    // ONNX: 0 copies the input dim (unless allowzero), -1 is inferred.
    SmallVector<Value> dims;
    for (int64_t i = 0; i < n; ++i) {
      Value v = extractIndex(r, loc, adaptor.getShape(), i);
      if (!op.getAllowzero() && i < inRank) {
        Value isZero = arith::CmpIOp::create(r, loc, arith::CmpIPredicate::eq,
                                             v, zero);
        v = arith::SelectOp::create(r, loc, isZero, inDims[i], v);
      }
      dims.push_back(v);
    }
    Value known = indexConst(r, loc, 1);
    for (Value v : dims) {
      Value isNeg = arith::CmpIOp::create(r, loc, arith::CmpIPredicate::eq, v,
                                          minusOne);
      known = arith::MulIOp::create(
          r, loc, known,
          arith::SelectOp::create(r, loc, isNeg, indexConst(r, loc, 1), v));
    }
    Value total = product(r, loc, inDims);
    // Guard the division: a zero-sized known part leaves -1 as 0.
    Value knownIsZero =
        arith::CmpIOp::create(r, loc, arith::CmpIPredicate::eq, known, zero);
    Value safeKnown = arith::SelectOp::create(r, loc, knownIsZero,
                                              indexConst(r, loc, 1), known);
    Value inferred = arith::DivUIOp::create(r, loc, total, safeKnown);
    for (Value &v : dims) {
      Value isNeg = arith::CmpIOp::create(r, loc, arith::CmpIPredicate::eq, v,
                                          minusOne);
      v = arith::SelectOp::create(r, loc, isNeg, inferred, v);
    }
    r.replaceOp(op, reshapeTo(r, loc, in, *type, dims));
    return success();
  }
};

struct UnsqueezeLowering : OpConversionPattern<UnsqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UnsqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto type = rankedResultOf(op, getTypeConverter(), r);
    if (failed(type))
      return failure();
    Location loc = op.getLoc();
    Value in = adaptor.getData();
    int64_t outRank = type->getRank();
    llvm::SmallSet<int64_t, 4> axes;
    for (int64_t a : op.getAxes())
      axes.insert(a < 0 ? a + outRank : a);
    SmallVector<Value> inDims = allDims(r, loc, in), dims;
    for (int64_t i = 0, j = 0; i < outRank; ++i)
      dims.push_back(axes.contains(i) ? indexConst(r, loc, 1) : inDims[j++]);
    r.replaceOp(op, reshapeTo(r, loc, in, *type, dims));
    return success();
  }
};

struct SqueezeLowering : OpConversionPattern<SqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto type = rankedResultOf(op, getTypeConverter(), r);
    if (failed(type))
      return failure();
    Location loc = op.getLoc();
    Value in = adaptor.getData();
    auto inType = cast<RankedTensorType>(in.getType());
    llvm::SmallSet<int64_t, 4> axes;
    for (int64_t a : op.getAxes())
      axes.insert(a < 0 ? a + inType.getRank() : a);
    SmallVector<Value> dims;
    for (int64_t i = 0; i < inType.getRank(); ++i) {
      bool squeezed = op.getAxes().empty() ? inType.getDimSize(i) == 1
                                           : axes.contains(i);
      if (op.getAxes().empty() && inType.isDynamicDim(i))
        return r.notifyMatchFailure(op, "squeeze of all size-1 dims with "
                                        "dynamic dims");
      if (!squeezed)
        dims.push_back(dimSize(r, loc, in, i));
    }
    if ((int64_t)dims.size() != type->getRank())
      return r.notifyMatchFailure(op, "result rank does not match");
    r.replaceOp(op, reshapeTo(r, loc, in, *type, dims));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Movement
//===----------------------------------------------------------------------===//

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto type = rankedResultOf(op, getTypeConverter(), r);
    if (failed(type))
      return failure();
    Location loc = op.getLoc();
    Value in = adaptor.getData();
    SmallVector<Value> dims;
    for (int64_t p : op.getPerm())
      dims.push_back(dimSize(r, loc, in, p));
    Value init = emptyTensor(r, loc, *type, dynamicOf(*type, dims));
    auto t = linalg::TransposeOp::create(r, loc, in, init, op.getPerm());
    r.replaceOp(op, t.getResult()[0]);
    return success();
  }
};

struct ShapeLowering : OpConversionPattern<ShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto type = rankedResultOf(op, getTypeConverter(), r);
    if (failed(type))
      return failure();
    Location loc = op.getLoc();
    Value in = adaptor.getData();
    int64_t rank = cast<RankedTensorType>(in.getType()).getRank();
    auto clampIdx = [&](int64_t i) {
      if (i < 0)
        i += rank;
      return std::clamp<int64_t>(i, 0, rank);
    };
    int64_t start = clampIdx(op.getStart());
    int64_t end = op.getEnd() ? clampIdx(*op.getEnd()) : rank;
    SmallVector<Value> elems;
    for (int64_t i = start; i < end; ++i)
      elems.push_back(arith::IndexCastOp::create(r, loc, r.getI64Type(),
                                                 dimSize(r, loc, in, i)));
    r.replaceOp(op, tensor::FromElementsOp::create(r, loc, *type, elems));
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto type = rankedResultOf(op, getTypeConverter(), r);
    if (failed(type))
      return failure();
    Location loc = op.getLoc();
    int64_t rank = type->getRank();
    // I64Attr getters return uint64_t: read the axis as signed.
    int64_t axis = (int64_t)op.getAxis() < 0 ? (int64_t)op.getAxis() + rank
                                             : (int64_t)op.getAxis();
    ValueRange ins = adaptor.getInputs();
    SmallVector<Value> dims = allDims(r, loc, ins[0]);
    Value total = indexConst(r, loc, 0);
    for (Value v : ins)
      total = arith::AddIOp::create(r, loc, total, dimSize(r, loc, v, axis));
    dims[axis] = total;
    Value result = emptyTensor(r, loc, *type, dynamicOf(*type, dims));
    Value offset = indexConst(r, loc, 0);
    for (Value v : ins) {
      SmallVector<OpFoldResult> offsets(rank, r.getIndexAttr(0)),
          strides(rank, r.getIndexAttr(1));
      // Static sizes where the input's dims are static, so the slice type
      // matches the input's.
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(r, loc, v);
      offsets[axis] = offset;
      result = tensor::InsertSliceOp::create(r, loc, v, result, offsets, sizes,
                                             strides);
      offset = arith::AddIOp::create(r, loc, offset,
                                     dimSize(r, loc, v, axis));
    }
    r.replaceOp(op, result);
    return success();
  }
};

struct SplitLowering : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    Location loc = op.getLoc();
    Value in = adaptor.getInput();
    auto inType = dyn_cast<RankedTensorType>(in.getType());
    if (!inType)
      return r.notifyMatchFailure(op, "unranked input");
    int64_t rank = inType.getRank();
    // I64Attr getters return uint64_t: read the axis as signed.
    int64_t axis = (int64_t)op.getAxis() < 0 ? (int64_t)op.getAxis() + rank
                                             : (int64_t)op.getAxis();
    SmallVector<Value> results;
    int64_t offset = 0;
    for (auto [res, size] : llvm::zip(op.getOutputs(), op.getSplit())) {
      auto type = dyn_cast_or_null<RankedTensorType>(
          getTypeConverter()->convertType(res.getType()));
      if (!type)
        return r.notifyMatchFailure(op, "unranked result");
      SmallVector<OpFoldResult> offsets(rank, r.getIndexAttr(0)),
          strides(rank, r.getIndexAttr(1)), sizes;
      for (int64_t i = 0; i < rank; ++i)
        sizes.push_back(dimSize(r, loc, in, i));
      offsets[axis] = r.getIndexAttr(offset);
      sizes[axis] = r.getIndexAttr(size);
      Value slice = tensor::ExtractSliceOp::create(r, loc, in, offsets, sizes,
                                                   strides);
      if (slice.getType() != type)
        slice = tensor::CastOp::create(r, loc, type, slice);
      results.push_back(slice);
      offset += size;
    }
    r.replaceOp(op, results);
    return success();
  }
};

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto type = rankedResultOf(op, getTypeConverter(), r);
    if (failed(type))
      return failure();
    Location loc = op.getLoc();
    Value in = adaptor.getData();
    int64_t rank = type->getRank();
    auto startsType = cast<RankedTensorType>(adaptor.getStarts().getType());
    if (startsType.isDynamicDim(0))
      return r.notifyMatchFailure(op, "starts of unknown length");
    int64_t n = startsType.getDimSize(0);
    DenseIntElementsAttr axesAttr, stepsAttr;
    if (!matchPattern(op.getAxes(), m_Constant(&axesAttr)))
      return r.notifyMatchFailure(op, "axes computed at run time");
    SmallVector<int64_t> axes;
    for (const APInt &a : axesAttr.getValues<APInt>())
      axes.push_back(a.getSExtValue() < 0 ? a.getSExtValue() + rank
                                          : a.getSExtValue());
    bool positiveConstSteps = matchPattern(op.getSteps(), m_Constant(&stepsAttr)) &&
        llvm::all_of(stepsAttr.getValues<APInt>(),
                     [](const APInt &s) { return s.isStrictlyPositive(); });

    // Per axis: start, step and size with ONNX's clamping rules.
    SmallVector<Value> starts, steps, sizes;
    Value zero = indexConst(r, loc, 0), one = indexConst(r, loc, 1);
    for (int64_t d = 0; d < rank; ++d) {
      starts.push_back(zero);
      steps.push_back(one);
      sizes.push_back(dimSize(r, loc, in, d));
    }
    auto cmp = [&](arith::CmpIPredicate p, Value a, Value b) {
      return arith::CmpIOp::create(r, loc, p, a, b);
    };
    auto sel = [&](Value c, Value a, Value b) {
      return arith::SelectOp::create(r, loc, c, a, b);
    };
    auto clampTo = [&](Value v, Value lo, Value hi) {
      return arith::MinSIOp::create(r, loc,
                                    arith::MaxSIOp::create(r, loc, v, lo), hi);
    };
    for (int64_t i = 0; i < n; ++i) {
      int64_t a = axes[i];
      Value dim = sizes[a];
      Value s = extractIndex(r, loc, adaptor.getStarts(), i);
      Value e = extractIndex(r, loc, adaptor.getEnds(), i);
      Value st = extractIndex(r, loc, adaptor.getSteps(), i);
      s = sel(cmp(arith::CmpIPredicate::slt, s, zero),
              arith::AddIOp::create(r, loc, s, dim), s);
      e = sel(cmp(arith::CmpIPredicate::slt, e, zero),
              arith::AddIOp::create(r, loc, e, dim), e);
      Value pos = cmp(arith::CmpIPredicate::sgt, st, zero);
      Value dimMinus1 = arith::SubIOp::create(r, loc, dim, one);
      Value sPos = clampTo(s, zero, dim), ePos = clampTo(e, zero, dim);
      Value sNeg = clampTo(s, zero, dimMinus1);
      Value eNeg = clampTo(e, indexConst(r, loc, -1), dimMinus1);
      s = sel(pos, sPos, sNeg);
      e = sel(pos, ePos, eNeg);
      // size = max(0, ceil((e - s) / st))
      Value diff = arith::SubIOp::create(r, loc, e, s);
      Value absSt = sel(pos, st, arith::SubIOp::create(r, loc, zero, st));
      Value absDiff = sel(pos, diff, arith::SubIOp::create(r, loc, zero, diff));
      Value size = arith::CeilDivSIOp::create(r, loc, absDiff, absSt);
      size = arith::MaxSIOp::create(r, loc, size, zero);
      starts[a] = s;
      steps[a] = st;
      sizes[a] = size;
    }
    if (positiveConstSteps) {
      SmallVector<OpFoldResult> o(starts.begin(), starts.end()),
          z(sizes.begin(), sizes.end()), t(steps.begin(), steps.end());
      Value slice = tensor::ExtractSliceOp::create(r, loc, in, o, z, t);
      if (slice.getType() != *type)
        slice = tensor::CastOp::create(r, loc, *type, slice);
      r.replaceOp(op, slice);
      return success();
    }
    // Negative or run-time steps: read through computed indices.
    Value result = indexGeneric(
        r, loc, *type, dynamicOf(*type, sizes),
        [&](OpBuilder &b, Location l, ValueRange idx) {
          SmallVector<Value> src;
          for (int64_t d = 0; d < rank; ++d)
            src.push_back(arith::AddIOp::create(
                b, l, starts[d], arith::MulIOp::create(b, l, idx[d], steps[d])));
          return tensor::ExtractOp::create(b, l, in, src);
        });
    r.replaceOp(op, result);
    return success();
  }
};

struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto type = rankedResultOf(op, getTypeConverter(), r);
    if (failed(type))
      return failure();
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    int64_t rank = cast<RankedTensorType>(data.getType()).getRank();
    int64_t q = cast<RankedTensorType>(indices.getType()).getRank();
    // I64Attr getters return uint64_t: read the axis as signed.
    int64_t axis = (int64_t)op.getAxis() < 0 ? (int64_t)op.getAxis() + rank
                                             : (int64_t)op.getAxis();
    SmallVector<Value> dims;
    for (int64_t i = 0; i < axis; ++i)
      dims.push_back(dimSize(r, loc, data, i));
    for (int64_t i = 0; i < q; ++i)
      dims.push_back(dimSize(r, loc, indices, i));
    for (int64_t i = axis + 1; i < rank; ++i)
      dims.push_back(dimSize(r, loc, data, i));
    Value axisDim = dimSize(r, loc, data, axis);
    Value result = indexGeneric(
        r, loc, *type, dynamicOf(*type, dims),
        [&](OpBuilder &b, Location l, ValueRange idx) {
          Value k = tensor::ExtractOp::create(b, l, indices,
                                              idx.slice(axis, q));
          k = arith::IndexCastOp::create(b, l, b.getIndexType(), k);
          // Negative indices count from the end.
          Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, k,
                                            indexConst(b, l, 0));
          k = arith::SelectOp::create(b, l, neg,
                                      arith::AddIOp::create(b, l, k, axisDim),
                                      k);
          SmallVector<Value> src(idx.take_front(axis));
          src.push_back(k);
          llvm::append_range(src, idx.drop_front(axis + q));
          return tensor::ExtractOp::create(b, l, data, src);
        });
    r.replaceOp(op, result);
    return success();
  }
};

struct ExpandLowering : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto type = rankedResultOf(op, getTypeConverter(), r);
    if (failed(type))
      return failure();
    Location loc = op.getLoc();
    Value in = adaptor.getInput();
    int64_t inRank = cast<RankedTensorType>(in.getType()).getRank();
    int64_t rank = type->getRank();
    auto shapeType = cast<RankedTensorType>(adaptor.getShape().getType());
    if (shapeType.isDynamicDim(0))
      return r.notifyMatchFailure(op, "shape of unknown length");
    int64_t n = shapeType.getDimSize(0);
    Value one = indexConst(r, loc, 1);
    // Output dim: numpy broadcast of the input dim and the requested one.
    SmallVector<Value> dims(rank, one), inDims(rank, one);
    for (int64_t i = 0; i < inRank; ++i)
      inDims[rank - inRank + i] = dimSize(r, loc, in, i);
    for (int64_t i = 0; i < rank; ++i) {
      Value want = i >= rank - n ? extractIndex(r, loc, adaptor.getShape(),
                                                i - (rank - n))
                                 : one;
      Value inIsOne = arith::CmpIOp::create(r, loc, arith::CmpIPredicate::eq,
                                            inDims[i], one);
      dims[i] = arith::SelectOp::create(r, loc, inIsOne, want, inDims[i]);
    }
    Value result = indexGeneric(
        r, loc, *type, dynamicOf(*type, dims),
        [&](OpBuilder &b, Location l, ValueRange idx) {
          SmallVector<Value> src;
          for (int64_t i = 0; i < inRank; ++i) {
            int64_t o = rank - inRank + i;
            Value isOne = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::eq, inDims[o], one);
            src.push_back(arith::SelectOp::create(b, l, isOne,
                                                  indexConst(b, l, 0), idx[o]));
          }
          return tensor::ExtractOp::create(b, l, in, src);
        });
    r.replaceOp(op, result);
    return success();
  }
};

struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto type = rankedResultOf(op, getTypeConverter(), r);
    if (failed(type))
      return failure();
    Location loc = op.getLoc();
    Value in = adaptor.getData();
    int64_t rank = type->getRank();
    ArrayRef<int64_t> pads = op.getPads();
    // Negative pads crop first.
    SmallVector<OpFoldResult> offsets, sizes, strides(rank, r.getIndexAttr(1));
    bool crop = false;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t lo = std::min<int64_t>(pads[i], 0),
              hi = std::min<int64_t>(pads[i + rank], 0);
      crop |= lo < 0 || hi < 0;
      offsets.push_back(r.getIndexAttr(-lo));
      Value d = dimSize(r, loc, in, i);
      sizes.push_back(
          arith::AddIOp::create(r, loc, d, indexConst(r, loc, lo + hi))
              .getResult());
    }
    if (crop)
      in = tensor::ExtractSliceOp::create(r, loc, in, offsets, sizes, strides);
    SmallVector<int64_t> low, high;
    for (int64_t i = 0; i < rank; ++i) {
      low.push_back(std::max<int64_t>(pads[i], 0));
      high.push_back(std::max<int64_t>(pads[i + rank], 0));
    }
    Type elt = type->getElementType();
    if (op.getMode() == "constant") {
      Value fill = scalarConstant(r, loc, elt, op.getConstantValue().convertToDouble());
      SmallVector<OpFoldResult> lo, hi;
      for (int64_t i = 0; i < rank; ++i) {
        lo.push_back(r.getIndexAttr(low[i]));
        hi.push_back(r.getIndexAttr(high[i]));
      }
      Value padded = tensor::PadOp::create(r, loc, Type(), in, lo, hi, fill);
      if (padded.getType() != *type)
        padded = tensor::CastOp::create(r, loc, *type, padded);
      r.replaceOp(op, padded);
      return success();
    }
    // edge / reflect: every output element reads a clamped / mirrored index.
    bool reflect = op.getMode() == "reflect";
    SmallVector<Value> inDims = allDims(r, loc, in), dims;
    for (int64_t i = 0; i < rank; ++i)
      dims.push_back(arith::AddIOp::create(
          r, loc, inDims[i], indexConst(r, loc, low[i] + high[i])));
    Value result = indexGeneric(
        r, loc, *type, dynamicOf(*type, dims),
        [&](OpBuilder &b, Location l, ValueRange idx) {
          SmallVector<Value> src;
          Value zero = indexConst(b, l, 0);
          for (int64_t i = 0; i < rank; ++i) {
            Value j = arith::SubIOp::create(b, l, idx[i],
                                            indexConst(b, l, low[i]));
            Value last = arith::SubIOp::create(b, l, inDims[i],
                                               indexConst(b, l, 1));
            if (reflect) {
              // Mirror without repeating the edge: -j, then 2*last - j.
              Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                                j, zero);
              j = arith::SelectOp::create(
                  b, l, neg, arith::SubIOp::create(b, l, zero, j), j);
              Value over = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::sgt, j, last);
              Value mirrored = arith::SubIOp::create(
                  b, l, arith::AddIOp::create(b, l, last, last), j);
              j = arith::SelectOp::create(b, l, over, mirrored, j);
            }
            j = arith::MinSIOp::create(b, l, arith::MaxSIOp::create(b, l, j, zero),
                                       last);
            src.push_back(j);
          }
          return tensor::ExtractOp::create(b, l, in, src);
        });
    r.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Type-only ops: constants, storage casts
//===----------------------------------------------------------------------===//

/// arith.constant of unsigned / quantized element types -> the signless
/// storage type, same bits.
struct ConstantLowering : OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    Type type = getTypeConverter()->convertType(op.getType());
    auto shaped = dyn_cast_or_null<ShapedType>(type);
    if (!dense || !shaped)
      return r.notifyMatchFailure(op, "not a dense tensor constant");
    r.replaceOpWithNewOp<arith::ConstantOp>(
        op, dense.bitcast(shaped.getElementType()));
    return success();
  }
};

/// quant.scast and tensor.bitcast only reinterpret bits: after conversion both
/// sides have the same type.
template <typename OpTy>
struct ReinterpretLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &r) const override {
    Type type = this->getTypeConverter()->convertType(op.getType());
    Value in = adaptor.getOperands()[0];
    if (!type)
      return r.notifyMatchFailure(op, "type does not convert");
    if (in.getType() != type)
      in = tensor::CastOp::create(r, op.getLoc(), type, in);
    r.replaceOp(op, in);
    return success();
  }
};

} // namespace

void dyad::populateShapeToTensorPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<FlattenLowering, ReshapeLowering, UnsqueezeLowering,
               SqueezeLowering, TransposeLowering, ShapeLowering,
               ConcatLowering, SplitLowering, SliceLowering, GatherLowering,
               ExpandLowering, PadLowering, ConstantLowering,
               ReinterpretLowering<quant::StorageCastOp>,
               ReinterpretLowering<tensor::BitcastOp>>(converter,
                                                       patterns.getContext());
}
