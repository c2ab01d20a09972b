//===- ShapeToTensor.cpp - shape and data movement ops --------------------===//
//
// Shape ops become tensor reshapes / slices / pads and, where an element's
// source is computed (gather, negative-step slice, expand of a run-time dim,
// reflect/edge pad, resize), a linalg.generic that tensor.extracts it.
//
// Shape operands (reshape/expand shapes, slice parameters) are used as
// compile-time values when constant; otherwise the same ONNX rules are
// evaluated at run time with index arithmetic. The arithmetic is built with
// IndexMath (LoweringUtils.h), which folds constant inputs to static sizes,
// so that both cases share one code path.
//
// Also here: the ops that only exist to change a type the DyadTypeConverter
// erases (unsigned / quantized constants, quant.scast, tensor.bitcast).
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "dyad/Conversion/Conversion.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

#include <array>
#include <cmath>

using namespace mlir;
using namespace dyad;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The values of an integer constant tensor, if `v` is one.
std::optional<SmallVector<int64_t>> constantInts(Value v) {
  DenseIntElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  return llvm::map_to_vector(attr.getValues<APInt>(),
                             [](const APInt &a) { return a.getSExtValue(); });
}

/// Constant values of a converted operand, or of the original one (a folded
/// dyad producer is a constant there first).
std::optional<SmallVector<int64_t>> constantInts(Value converted,
                                                 Value original) {
  if (auto c = constantInts(converted))
    return c;
  return constantInts(original);
}

/// Element `i` (row-major) of the integer tensor `v` when the IR computing
/// it shows it: a constant, or a scalar of a tensor.from_elements reached
/// through concats, reshapes and casts. This sees through the shape
/// arithmetic of exported models (Shape -> Gather -> Unsqueeze -> Concat),
/// whose lowerings produce exactly these ops.
OpFoldResult resolveElement(Value v, int64_t i, int depth = 0) {
  if (!v || depth > 8 || i < 0)
    return {};
  DenseIntElementsAttr attr;
  if (matchPattern(v, m_Constant(&attr))) {
    if (i >= attr.getNumElements())
      return {};
    return IntegerAttr::get(IndexType::get(v.getContext()),
                            attr.getValues<APInt>()[i].getSExtValue());
  }
  Operation *def = v.getDefiningOp();
  if (!def)
    return {};
  if (auto fe = dyn_cast<tensor::FromElementsOp>(def)) {
    if (i >= (int64_t)fe.getElements().size())
      return {};
    return fe.getElements()[i];
  }
  if (auto concat = dyn_cast<tensor::ConcatOp>(def)) {
    if (concat.getResultType().getRank() != 1)
      return {};
    for (Value in : concat.getInputs()) {
      auto t = cast<RankedTensorType>(in.getType());
      if (t.isDynamicDim(0))
        return {};
      if (i < t.getDimSize(0))
        return resolveElement(in, i, depth + 1);
      i -= t.getDimSize(0);
    }
    return {};
  }
  // Reshapes keep the row-major order.
  if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp>(def))
    return resolveElement(def->getOperand(0), i, depth + 1);
  if (auto cast = dyn_cast<UnrealizedConversionCastOp>(def);
      cast && cast->getNumOperands() == 1)
    return resolveElement(cast->getOperand(0), i, depth + 1);
  return {};
}

/// The `n` entries of the 1-D integer tensor `v` (`original` before type
/// conversion) as indices: constants or resolved scalars where the IR shows
/// them, tensor.extract otherwise.
SmallVector<OpFoldResult> indexEntries(IndexMath &m, Value v, Value original,
                                       int64_t n) {
  SmallVector<OpFoldResult> out;
  if (auto c = constantInts(v, original)) {
    for (int64_t x : *c)
      out.push_back(m.c(x));
    return out;
  }
  for (int64_t i = 0; i < n; ++i) {
    OpFoldResult r = resolveElement(v, i);
    if (!r)
      r = resolveElement(original, i);
    if (auto c = getConstantIntValue(r)) {
      out.push_back(m.c(*c));
    } else if (auto val = dyn_cast_if_present<Value>(r)) {
      out.push_back(m.index(val));
    } else {
      Value e =
          tensor::ExtractOp::create(m.b, m.loc, v, ValueRange{m.value(m.c(i))});
      out.push_back(m.index(e));
    }
  }
  return out;
}

/// The dim of `data` that `v` is (a tensor.dim with constant index), or -1.
int64_t dimIndexOf(OpFoldResult v, Value data) {
  auto value = dyn_cast<Value>(v);
  auto dim = value ? value.getDefiningOp<tensor::DimOp>() : tensor::DimOp();
  if (!dim || dim.getSource() != data)
    return -1;
  auto idx = getConstantIntValue(dim.getIndex());
  return idx ? *idx : -1;
}

/// `type` with the dims of `sizes` that are constants made static.
RankedTensorType refine(RankedTensorType type, ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape(type.getShape());
  for (auto [d, s] : llvm::zip(shape, sizes))
    if (auto c = getConstantIntValue(s))
      d = *c;
  return type.clone(shape);
}

/// Whether every static dim of `type` agrees with a constant in `sizes`.
bool agrees(RankedTensorType type, ArrayRef<OpFoldResult> sizes) {
  for (auto [d, s] : llvm::zip(type.getShape(), sizes)) {
    auto c = getConstantIntValue(s);
    if (!ShapedType::isDynamic(d) && c && *c != d)
      return false;
  }
  return true;
}

/// Sizes of `sizes` as index values.
SmallVector<Value> sizeValues(OpBuilder &b, Location loc,
                              ArrayRef<OpFoldResult> sizes) {
  return llvm::map_to_vector(sizes, [&](OpFoldResult s) {
    return getValueOrCreateConstantIndexOp(b, loc, s);
  });
}

/// tensor.extract_slice, or tensor.empty when the slice is statically empty
/// (extract_slice rejects the offset of an empty slice at the end of a dim).
Value extractSlice(OpBuilder &b, Location loc, Value src,
                   ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes,
                   ArrayRef<OpFoldResult> strides) {
  if (llvm::any_of(sizes,
                   [](OpFoldResult s) { return isConstantIntValue(s, 0); }))
    return emptyTensor(b, loc, sizes, getElementTypeOrSelf(src.getType()));
  return tensor::ExtractSliceOp::create(b, loc, src, offsets, sizes, strides);
}

using IndexBody =
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value> indices)>;

/// A linalg.generic without inputs that fills `init` with body(indices).
Value buildIndexGeneric(OpBuilder &b, Location loc, Value init,
                        IndexBody body) {
  auto type = cast<RankedTensorType>(init.getType());
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{}, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> idx;
        for (int64_t d = 0; d < rank; ++d)
          idx.push_back(linalg::IndexOp::create(nb, nloc, d));
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, idx));
      });
  return generic.getResult(0);
}

/// Whether collapsing `multi` into `single` by `groups` is right whatever the
/// run-time sizes: static groups must match, and at most one group may hold
/// dynamic sizes (the element count then fixes it).
bool reassociationHolds(ArrayRef<int64_t> multi, ArrayRef<int64_t> single,
                        ArrayRef<ReassociationIndices> groups) {
  int dynamicGroups = 0;
  for (auto [g, s] : llvm::zip(groups, single)) {
    int64_t prod = 1;
    bool dyn = false;
    for (int64_t i : g) {
      if (ShapedType::isDynamic(multi[i]))
        dyn = true;
      else
        prod *= multi[i];
    }
    if (dyn != ShapedType::isDynamic(s))
      return false;
    if (dyn)
      ++dynamicGroups;
    else if (prod != s)
      return false;
  }
  return dynamicGroups <= 1;
}

/// Groups of src dims and of dst dims with equal sizes, pairwise, when they
/// provably exist: static dims group by equal products, and a dynamic dim
/// pairs only with itself (a dst size that is a tensor.dim of the same src
/// dim). Unit dims join a neighbouring group. Reshaping is then a collapse to
/// the group sizes and an expand, e.g. [B, S, H*D] -> [B, S, H, D] with
/// dynamic B and S.
struct MatchedGroups {
  SmallVector<ReassociationIndices> src, dst;
};
std::optional<MatchedGroups> matchGroups(Value src,
                                         ArrayRef<OpFoldResult> dstSizes) {
  auto srcType = cast<RankedTensorType>(src.getType());
  // A dim is a static size (>= 0) or the src dim it equals (-1 - index).
  auto srcTok = [&](int64_t i) -> int64_t {
    return srcType.isDynamicDim(i) ? -1 - i : srcType.getDimSize(i);
  };
  SmallVector<int64_t> dstTok;
  for (OpFoldResult s : dstSizes) {
    if (auto c = getConstantIntValue(s)) {
      dstTok.push_back(*c);
      continue;
    }
    int64_t k = dimIndexOf(cast<Value>(s), src);
    if (k < 0 || !srcType.isDynamicDim(k))
      return std::nullopt;
    dstTok.push_back(-1 - k);
  }
  SmallVector<int64_t> srcIdx, dstIdx; // the non-unit dims
  for (int64_t i = 0; i < srcType.getRank(); ++i) {
    if (srcTok(i) == 0)
      return std::nullopt;
    if (srcTok(i) != 1)
      srcIdx.push_back(i);
  }
  for (auto [i, t] : llvm::enumerate(dstTok)) {
    if (t == 0)
      return std::nullopt;
    if (t != 1)
      dstIdx.push_back(i);
  }
  if (srcIdx.empty() || dstIdx.empty())
    return std::nullopt;
  MatchedGroups g;
  size_t i = 0, j = 0;
  while (i < srcIdx.size() && j < dstIdx.size()) {
    int64_t a = srcTok(srcIdx[i]), c = dstTok[dstIdx[j]];
    if (a < 0 || c < 0) {
      if (a != c)
        return std::nullopt;
      g.src.push_back({srcIdx[i++]});
      g.dst.push_back({dstIdx[j++]});
      continue;
    }
    ReassociationIndices gs{srcIdx[i++]}, gd{dstIdx[j++]};
    int64_t ps = a, pd = c;
    while (ps != pd) {
      size_t &k = ps < pd ? i : j;
      SmallVector<int64_t> &idx = ps < pd ? srcIdx : dstIdx;
      if (k == idx.size())
        return std::nullopt;
      int64_t t = ps < pd ? srcTok(idx[k]) : dstTok[idx[k]];
      if (t < 0)
        return std::nullopt;
      (ps < pd ? gs : gd).push_back(idx[k++]);
      (ps < pd ? ps : pd) *= t;
    }
    g.src.push_back(gs);
    g.dst.push_back(gd);
  }
  if (i != srcIdx.size() || j != dstIdx.size())
    return std::nullopt;
  // Unit dims join the group that follows them (the last group for trailing
  // ones).
  auto placeUnits = [](SmallVector<ReassociationIndices> &groups,
                       int64_t rank) {
    SmallVector<ReassociationIndices> out(groups.size());
    size_t gi = 0;
    for (int64_t d = 0; d < rank; ++d) {
      while (gi + 1 < groups.size() && d > groups[gi].back())
        ++gi;
      out[gi].push_back(d);
    }
    groups = out;
  };
  placeUnits(g.src, srcType.getRank());
  placeUnits(g.dst, dstSizes.size());
  return g;
}

/// Reshapes `src` to `dstType` (same element count; `dstSizes` are its
/// sizes). Prefers collapse/expand_shape, which later passes fold and fuse:
/// through matched dim groups, or one reassociation that provably holds, or
/// a 1-D collapse and an expand when the result has at most one dynamic dim.
/// Other run-time shapes take tensor.reshape.
Value reshapeTensor(OpBuilder &b, Location loc, Value src,
                    RankedTensorType dstType, ArrayRef<OpFoldResult> dstSizes) {
  auto srcType = cast<RankedTensorType>(src.getType());
  RankedTensorType natural = refine(dstType, dstSizes);
  int64_t srcRank = srcType.getRank(), dstRank = natural.getRank();
  Type elt = srcType.getElementType();
  // Rank 0 on either side: every other dim is 1.
  if (srcRank == 0 || dstRank == 0) {
    if (srcRank == dstRank)
      return castTo(b, loc, src, dstType);
    if (srcRank == 0) {
      auto ones = RankedTensorType::get(SmallVector<int64_t>(dstRank, 1), elt);
      Value e = tensor::ExpandShapeOp::create(b, loc, ones, src,
                                              ArrayRef<ReassociationIndices>{});
      return castTo(b, loc, e, dstType);
    }
    auto ones = RankedTensorType::get(SmallVector<int64_t>(srcRank, 1), elt);
    Value s = castTo(b, loc, src, ones);
    if (!s)
      return {};
    Value c = tensor::CollapseShapeOp::create(b, loc, natural, s,
                                              ArrayRef<ReassociationIndices>{});
    return castTo(b, loc, c, dstType);
  }
  if (auto g = matchGroups(src, dstSizes)) {
    // Collapse to the group sizes, then expand.
    SmallVector<int64_t> mid;
    for (const ReassociationIndices &grp : g->src) {
      int64_t prod = 1;
      for (int64_t d : grp)
        prod = srcType.isDynamicDim(d) ? ShapedType::kDynamic
                                       : prod * srcType.getDimSize(d);
      mid.push_back(prod);
    }
    Value v = src;
    if ((int64_t)g->src.size() != srcRank)
      v = tensor::CollapseShapeOp::create(
          b, loc, RankedTensorType::get(mid, elt), src, g->src);
    if ((int64_t)g->dst.size() != dstRank)
      v = tensor::ExpandShapeOp::create(b, loc, natural, v, g->dst, dstSizes);
    return castTo(b, loc, v, dstType);
  }
  if (srcRank == dstRank) {
    SmallVector<ReassociationIndices> identity;
    for (int64_t i = 0; i < srcRank; ++i)
      identity.push_back({i});
    if (reassociationHolds(srcType.getShape(), natural.getShape(), identity))
      return castTo(b, loc, src, dstType);
  } else if (srcRank > dstRank) {
    auto groups = getReassociationIndicesForCollapse(srcType.getShape(),
                                                     natural.getShape());
    if (groups &&
        reassociationHolds(srcType.getShape(), natural.getShape(), *groups)) {
      Value c = tensor::CollapseShapeOp::create(b, loc, natural, src, *groups);
      return castTo(b, loc, c, dstType);
    }
  } else {
    auto groups = getReassociationIndicesForCollapse(natural.getShape(),
                                                     srcType.getShape());
    // (memref.expand_shape lowering handles one dynamic size per group.)
    auto oneDynamic = [&](const ReassociationIndices &g) {
      return llvm::count_if(
                 g, [&](int64_t i) { return natural.isDynamicDim(i); }) <= 1;
    };
    if (groups &&
        reassociationHolds(natural.getShape(), srcType.getShape(), *groups) &&
        llvm::all_of(*groups, oneDynamic)) {
      Value e = tensor::ExpandShapeOp::create(b, loc, natural, src, *groups,
                                              dstSizes);
      return castTo(b, loc, e, dstType);
    }
  }
  // Through 1-D: any source collapses; the expand takes one dynamic size.
  if (llvm::count_if(natural.getShape(), ShapedType::isDynamic) <= 1) {
    Value flat = src;
    int64_t n = srcType.hasStaticShape() ? srcType.getNumElements()
                                         : ShapedType::kDynamic;
    auto flatType = RankedTensorType::get({n}, elt);
    if (srcRank != 1) {
      ReassociationIndices all;
      for (int64_t i = 0; i < srcRank; ++i)
        all.push_back(i);
      flat = tensor::CollapseShapeOp::create(
          b, loc, flatType, src, ArrayRef<ReassociationIndices>{all});
    }
    // A static result fixes the count of a dynamic source.
    if (natural.hasStaticShape() && !srcType.hasStaticShape())
      flat = castTo(b, loc, flat,
                    RankedTensorType::get({natural.getNumElements()}, elt));
    if (dstRank == 1)
      return castTo(b, loc, flat, dstType);
    ReassociationIndices all;
    for (int64_t i = 0; i < dstRank; ++i)
      all.push_back(i);
    Value e = tensor::ExpandShapeOp::create(
        b, loc, natural, flat, ArrayRef<ReassociationIndices>{all}, dstSizes);
    return castTo(b, loc, e, dstType);
  }
  // Run-time shapes that no reassociation provably matches.
  Value shape = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({dstRank}, b.getIndexType()),
      sizeValues(b, loc, dstSizes));
  Value r = tensor::ReshapeOp::create(b, loc, natural, src, shape);
  return castTo(b, loc, r, dstType);
}

/// APInt of `width` bits holding `v` (wrapping, as ONNX's integer
/// attributes are stored in the declared type).
IntegerAttr intAttr(OpBuilder &b, IntegerType t, int64_t v) {
  return b.getIntegerAttr(t, APInt(t.getWidth(), (uint64_t)v,
                                   /*isSigned=*/true, /*implicitTrunc=*/true));
}

//===----------------------------------------------------------------------===//
// Shape, Flatten, Reshape
//===----------------------------------------------------------------------===//

struct ShapeLowering : DyadConversionPattern<ShapeOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(ShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    auto inType = dyn_cast<RankedTensorType>(adaptor.getData().getType());
    if (!inType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = inType.getRank();
    auto clampIdx = [&](int64_t i) {
      return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
    };
    int64_t start = clampIdx(op.getStart());
    int64_t end = std::max(start, op.getEnd() ? clampIdx(*op.getEnd()) : rank);
    Location loc = op.getLoc();
    auto i64 = rewriter.getI64Type();
    auto vecType = RankedTensorType::get({end - start}, i64);
    Value result;
    if (llvm::none_of(inType.getShape().slice(start, end - start),
                      ShapedType::isDynamic)) {
      result = arith::ConstantOp::create(
          rewriter, loc,
          DenseIntElementsAttr::get(
              vecType, inType.getShape().slice(start, end - start)));
    } else {
      SmallVector<Value> dims;
      for (int64_t i = start; i < end; ++i)
        dims.push_back(rewriter.createOrFold<arith::IndexCastOp>(
            loc, i64, dimSize(rewriter, loc, adaptor.getData(), i)));
      result = tensor::FromElementsOp::create(rewriter, loc, vecType, dims);
    }
    result = castTo(rewriter, loc, result, type);
    if (!result)
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct FlattenLowering : DyadConversionPattern<FlattenOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(FlattenOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    auto inType = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    if (!inType || type.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = inType.getRank();
    std::optional<int64_t> axis =
        normalizeAxis(op.getAxis(), rank, /*inclusiveEnd=*/true);
    if (!axis)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Location loc = op.getLoc();
    IndexMath m(rewriter, loc);
    OpFoldResult outer = m.c(1), inner = m.c(1);
    for (int64_t i = 0; i < rank; ++i) {
      Value d = dimSize(rewriter, loc, adaptor.getInput(), i);
      if (i < *axis)
        outer = m.mul(outer, d);
      else
        inner = m.mul(inner, d);
    }
    SmallVector<OpFoldResult> sizes{outer, inner};
    if (!agrees(type, sizes))
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    Value r = reshapeTensor(rewriter, loc, adaptor.getInput(), type, sizes);
    if (!r)
      return rewriter.notifyMatchFailure(op, "cannot reshape");
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct ReshapeLowering : DyadConversionPattern<ReshapeOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value data = adaptor.getData();
    auto inType = dyn_cast<RankedTensorType>(data.getType());
    auto shapeType = dyn_cast<RankedTensorType>(adaptor.getShape().getType());
    if (!inType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = type.getRank(), inRank = inType.getRank();
    if (!shapeType || shapeType.getRank() != 1 ||
        shapeType.getDimSize(0) != rank)
      return rewriter.notifyMatchFailure(op, "shape length != result rank");
    bool allowZero = op.getAllowzero();
    Location loc = op.getLoc();
    IndexMath m(rewriter, loc);
    SmallVector<OpFoldResult> entries =
        indexEntries(m, adaptor.getShape(), op.getShape(), rank);

    // 0 copies the input dim (unless allowzero); -1 is inferred below.
    SmallVector<OpFoldResult> sizes(rank);
    int64_t inferredAt = -1;            // a constant -1
    SmallVector<int64_t> maybeInferred; // run-time entries that may be -1
    for (int64_t i = 0; i < rank; ++i) {
      OpFoldResult e = entries[i];
      if (auto c = getConstantIntValue(e)) {
        if (*c < -1 || (*c == -1 && inferredAt >= 0))
          return rewriter.notifyMatchFailure(op, "invalid shape entry");
        if (*c == -1) {
          inferredAt = i;
        } else if (*c == 0 && !allowZero) {
          if (i >= inRank)
            return rewriter.notifyMatchFailure(op, "0 past the input rank");
          sizes[i] = tensor::getMixedSize(rewriter, loc, data, i);
        } else {
          sizes[i] = e;
        }
        continue;
      }
      // A static result dim is what the entry resolves to.
      if (!type.isDynamicDim(i)) {
        sizes[i] = m.c(type.getDimSize(i));
        continue;
      }
      // (An entry that is this very input dim copies it either way.)
      if (!allowZero && i < inRank && dimIndexOf(e, data) != i)
        e = m.select(m.eq(e, m.c(0)), dimSize(rewriter, loc, data, i), e);
      sizes[i] = e;
      auto value = dyn_cast<Value>(e);
      if (!value || !value.getDefiningOp<tensor::DimOp>())
        maybeInferred.push_back(i);
    }

    OpFoldResult numel = m.c(1);
    for (int64_t i = 0; i < inRank; ++i)
      numel = m.mul(numel, dimSize(rewriter, loc, data, i));
    if (inferredAt >= 0) {
      // ONNX allows one -1: the other run-time entries are sizes. Cancel the
      // input dims they copy so that e.g. view(x.size(0), -1) infers a
      // static size.
      int64_t numStatic = 1, knownStatic = 1;
      SmallVector<int64_t> numDyn;
      for (int64_t i = 0; i < inRank; ++i) {
        if (inType.isDynamicDim(i))
          numDyn.push_back(i);
        else
          numStatic *= inType.getDimSize(i);
      }
      bool symbolic = true;
      for (int64_t i = 0; i < rank; ++i) {
        if (i == inferredAt)
          continue;
        if (auto c = getConstantIntValue(sizes[i])) {
          knownStatic *= *c;
          continue;
        }
        auto it = llvm::find(numDyn, dimIndexOf(sizes[i], data));
        if (it == numDyn.end())
          symbolic = false;
        else
          numDyn.erase(it);
      }
      bool divides = knownStatic != 0 && numStatic % knownStatic == 0;
      if (symbolic && numDyn.empty() && !divides)
        return rewriter.notifyMatchFailure(op, "-1 does not divide evenly");
      OpFoldResult inferred;
      if (symbolic && divides) {
        inferred = m.c(numStatic / knownStatic);
        for (int64_t i : numDyn)
          inferred = m.mul(inferred, dimSize(rewriter, loc, data, i));
      } else {
        OpFoldResult known = m.c(1);
        for (int64_t i = 0; i < rank; ++i)
          if (i != inferredAt)
            known = m.mul(known, sizes[i]);
        inferred = m.div(numel, known);
      }
      if (!type.isDynamicDim(inferredAt) && !getConstantIntValue(inferred))
        inferred = m.c(type.getDimSize(inferredAt));
      sizes[inferredAt] = inferred;
    } else if (!maybeInferred.empty()) {
      // Which entry is -1 is only known at run time.
      OpFoldResult known = m.c(1);
      for (OpFoldResult v : sizes)
        known = m.mul(known, m.select(m.eq(v, m.c(-1)), m.c(1), v));
      OpFoldResult inferred = m.div(numel, known);
      for (int64_t i : maybeInferred)
        sizes[i] = m.select(m.eq(sizes[i], m.c(-1)), inferred, sizes[i]);
    }

    if (!agrees(type, sizes))
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    Value r = reshapeTensor(rewriter, loc, data, type, sizes);
    if (!r)
      return rewriter.notifyMatchFailure(op, "cannot reshape");
    rewriter.replaceOp(op, r);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Transpose, Concat, Split
//===----------------------------------------------------------------------===//

struct TransposeLowering : DyadConversionPattern<TransposeOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    auto inType = dyn_cast<RankedTensorType>(adaptor.getData().getType());
    if (!inType || inType.getRank() != (int64_t)op.getPerm().size())
      return rewriter.notifyMatchFailure(op, "unranked operand");
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> sizes;
    for (int64_t p : op.getPerm())
      sizes.push_back(
          getAsOpFoldResult(dimSize(rewriter, loc, adaptor.getData(), p)));
    if (!agrees(type, sizes))
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    Value init = emptyTensor(rewriter, loc, sizes, inType.getElementType());
    Value t = linalg::TransposeOp::create(rewriter, loc, adaptor.getData(),
                                          init, op.getPerm())
                  .getResult()[0];
    rewriter.replaceOp(op, castTo(rewriter, loc, t, type));
    return success();
  }
};

struct ConcatLowering : DyadConversionPattern<ConcatOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    int64_t rank = type.getRank();
    if (rank == 0)
      return rewriter.notifyMatchFailure(op, "rank 0");
    for (Value v : adaptor.getInputs()) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (!t || t.getRank() != rank)
        return rewriter.notifyMatchFailure(op, "unranked input");
    }
    std::optional<int64_t> normalized = normalizeAxis(op.getAxis(), rank);
    if (!normalized)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    int64_t axis = *normalized;
    Location loc = op.getLoc();
    // Statically empty inputs add nothing (and an empty piece at the end
    // would be an out-of-bounds insert_slice once bufferized).
    SmallVector<Value> inputs;
    for (Value v : adaptor.getInputs())
      if (cast<RankedTensorType>(v.getType()).getDimSize(axis) != 0)
        inputs.push_back(v);
    if (inputs.empty()) {
      Value in = adaptor.getInputs()[0];
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, in);
      Value r = castTo(rewriter, loc,
                       emptyTensor(rewriter, loc, sizes, type.getElementType()),
                       type);
      if (!r)
        return rewriter.notifyMatchFailure(op, "result type disagrees");
      rewriter.replaceOp(op, r);
      return success();
    }
    if (inputs.size() == 1) {
      Value r = castTo(rewriter, loc, inputs[0], type);
      if (!r)
        return rewriter.notifyMatchFailure(op, "result type disagrees");
      rewriter.replaceOp(op, r);
      return success();
    }
    // tensor.concat infers its shape from the inputs; cast to the result.
    auto concat = tensor::ConcatOp::create(rewriter, loc, axis, inputs);
    Value r = castTo(rewriter, loc, concat, type);
    if (!r)
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct SplitLowering : DyadConversionPattern<SplitOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value in = adaptor.getInput();
    auto inType = dyn_cast<RankedTensorType>(in.getType());
    if (!inType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = inType.getRank();
    std::optional<int64_t> normalized = normalizeAxis(op.getAxis(), rank);
    if (!normalized)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    int64_t axis = *normalized;
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, in);
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    SmallVector<Value> results;
    int64_t offset = 0;
    for (auto [i, size] : llvm::enumerate(op.getSplit())) {
      RankedTensorType type = getRankedResultType(op, rewriter, i);
      if (!type)
        return failure();
      offsets[axis] = rewriter.getIndexAttr(offset);
      sizes[axis] = rewriter.getIndexAttr(size);
      Value s = extractSlice(rewriter, loc, in, offsets, sizes, strides);
      s = castTo(rewriter, loc, s, type);
      if (!s)
        return rewriter.notifyMatchFailure(op, "result type disagrees");
      results.push_back(s);
      offset += size;
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

struct SliceLowering : DyadConversionPattern<SliceOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value data = adaptor.getData();
    auto inType = dyn_cast<RankedTensorType>(data.getType());
    if (!inType || type.getRank() != inType.getRank())
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = inType.getRank();
    // The number of sliced axes must be known; their values need not be.
    int64_t n = ShapedType::kDynamic;
    for (Value v : {adaptor.getStarts(), adaptor.getEnds(), adaptor.getAxes(),
                    adaptor.getSteps()}) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (t && t.getRank() == 1 && !t.isDynamicDim(0))
        n = t.getDimSize(0);
    }
    if (ShapedType::isDynamic(n))
      return rewriter.notifyMatchFailure(op, "parameters of unknown length");
    Location loc = op.getLoc();
    IndexMath m(rewriter, loc);
    SmallVector<OpFoldResult> starts =
        indexEntries(m, adaptor.getStarts(), op.getStarts(), n);
    SmallVector<OpFoldResult> ends =
        indexEntries(m, adaptor.getEnds(), op.getEnds(), n);
    SmallVector<OpFoldResult> axes =
        indexEntries(m, adaptor.getAxes(), op.getAxes(), n);
    SmallVector<OpFoldResult> steps =
        indexEntries(m, adaptor.getSteps(), op.getSteps(), n);
    if (auto s = constantInts(adaptor.getSteps(), op.getSteps());
        s && llvm::is_contained(*s, 0))
      return rewriter.notifyMatchFailure(op, "zero step");
    if (auto a = constantInts(adaptor.getAxes(), op.getAxes()))
      for (int64_t x : *a)
        if (x < -rank || x >= rank)
          return rewriter.notifyMatchFailure(op, "axis out of range");

    // Per data axis: ONNX start / end / step, defaulting to the whole axis.
    // A run-time `axes` entry is matched against every axis (folds away
    // when constant).
    OpFoldResult zero = m.c(0), one = m.c(1), minusOne = m.c(-1);
    SmallVector<OpFoldResult> offsets, sizes, strides;
    bool allPositive = true;
    for (int64_t a = 0; a < rank; ++a) {
      OpFoldResult dim = dimSize(rewriter, loc, data, a);
      OpFoldResult st = zero, en = dim, sp = one;
      for (int64_t j = 0; j < n; ++j) {
        OpFoldResult ax =
            m.select(m.lt(axes[j], zero), m.add(axes[j], m.c(rank)), axes[j]);
        OpFoldResult hit = m.eq(ax, m.c(a));
        st = m.select(hit, starts[j], st);
        en = m.select(hit, ends[j], en);
        sp = m.select(hit, steps[j], sp);
      }
      OpFoldResult neg = m.lt(sp, zero);
      st = m.select(m.lt(st, zero), m.add(st, dim), st);
      en = m.select(m.lt(en, zero), m.add(en, dim), en);
      // Positive steps clamp to [0, dim], negative ones start in
      // [0, dim-1] and end in [-1, dim-1].
      OpFoldResult hi = m.select(neg, m.sub(dim, one), dim);
      st = m.clamp(st, zero, hi);
      en = m.clamp(en, m.select(neg, minusOne, zero), hi);
      OpFoldResult span = m.select(neg, m.sub(st, en), m.sub(en, st));
      OpFoldResult absStep = m.select(neg, m.sub(zero, sp), sp);
      // ceil(span / |step|), at least 0.
      OpFoldResult size =
          m.div(m.add(m.max(span, zero), m.sub(absStep, one)), absStep);
      auto spConst = getConstantIntValue(sp);
      if (!spConst || *spConst <= 0)
        allPositive = false;
      offsets.push_back(st);
      sizes.push_back(size);
      strides.push_back(sp);
    }
    if (!agrees(type, sizes))
      return rewriter.notifyMatchFailure(op, "result type disagrees");

    Value result;
    if (allPositive) {
      result = extractSlice(rewriter, loc, data, offsets, sizes, strides);
    } else {
      // Negative or run-time steps: element i of an axis reads
      // start + i * step.
      Value init = emptyTensor(rewriter, loc, sizes, inType.getElementType());
      SmallVector<Value> st = sizeValues(rewriter, loc, offsets);
      SmallVector<Value> sp = sizeValues(rewriter, loc, strides);
      result = buildIndexGeneric(
          rewriter, loc, init,
          [&](OpBuilder &b, Location l, ArrayRef<Value> idx) -> Value {
            IndexMath bm(b, l);
            SmallVector<Value> src;
            for (int64_t a = 0; a < rank; ++a)
              src.push_back(bm.value(bm.add(st[a], bm.mul(idx[a], sp[a]))));
            return tensor::ExtractOp::create(b, l, data, src);
          });
    }
    result = castTo(rewriter, loc, result, type);
    if (!result)
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Gather
//===----------------------------------------------------------------------===//

struct GatherLowering : DyadConversionPattern<GatherOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = dyn_cast<RankedTensorType>(data.getType());
    auto idxType = dyn_cast<RankedTensorType>(indices.getType());
    if (!dataType || !idxType || dataType.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t r = dataType.getRank(), q = idxType.getRank();
    std::optional<int64_t> normalized = normalizeAxis(op.getAxis(), r);
    if (!normalized || type.getRank() != r - 1 + q)
      return rewriter.notifyMatchFailure(op, "bad axis or rank");
    int64_t axis = *normalized;
    Location loc = op.getLoc();
    // Shape arithmetic: constant indices into a short static vector become
    // scalar extracts, which fold through the tensor.from_elements of a
    // lowered dyad.shape and keep run-time dims visible to reshape.
    // (Out-of-range constants, which the importer refuses, take the general
    // path below, which clamps.)
    auto constIdx = constantInts(indices, op.getIndices());
    int64_t n0 = r == 1 ? dataType.getDimSize(0) : ShapedType::kDynamic;
    if (r == 1 && !dataType.isDynamicDim(0) && constIdx &&
        constIdx->size() <= 16 &&
        llvm::all_of(*constIdx,
                     [&](int64_t i) { return i >= -n0 && i < n0; })) {
      int64_t n = n0;
      SmallVector<Value> elements;
      for (int64_t i : *constIdx) {
        Value at =
            arith::ConstantIndexOp::create(rewriter, loc, i < 0 ? i + n : i);
        elements.push_back(rewriter.createOrFold<tensor::ExtractOp>(
            loc, data, ValueRange{at}));
      }
      auto natural =
          RankedTensorType::get(idxType.getShape(), dataType.getElementType());
      Value v =
          tensor::FromElementsOp::create(rewriter, loc, natural, elements);
      v = castTo(rewriter, loc, v, type);
      if (!v)
        return rewriter.notifyMatchFailure(op, "result type disagrees");
      rewriter.replaceOp(op, v);
      return success();
    }
    // Result dims: data[:axis] ++ indices ++ data[axis+1:].
    SmallVector<OpFoldResult> sizes;
    SmallVector<OpFoldResult> dataSizes =
        tensor::getMixedSizes(rewriter, loc, data);
    SmallVector<OpFoldResult> idxSizes =
        tensor::getMixedSizes(rewriter, loc, indices);
    llvm::append_range(sizes, ArrayRef(dataSizes).take_front(axis));
    llvm::append_range(sizes, idxSizes);
    llvm::append_range(sizes, ArrayRef(dataSizes).drop_front(axis + 1));
    if (!agrees(type, sizes))
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    Value init = emptyTensor(rewriter, loc, sizes, dataType.getElementType());
    Value axisDim = dimSize(rewriter, loc, data, axis);

    int64_t outRank = r - 1 + q;
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t i = 0; i < q; ++i)
      idxExprs.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps{AffineMap::get(outRank, 0, idxExprs, ctx),
                                rewriter.getMultiDimIdentityMap(outRank)};
    SmallVector<utils::IteratorType> iters(outRank,
                                           utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{indices},
        ValueRange{init}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          IndexMath bm(b, l);
          // Negative indices count from the end. ONNX makes an index
          // outside [-n, n-1] an error; the compiled code has no error
          // channel, so it clamps such an index to [0, n-1]
          // (docs/reliability.md) and never reads out of bounds.
          OpFoldResult i = bm.index(args[0]);
          i = bm.select(bm.lt(i, bm.c(0)), bm.add(i, axisDim), i);
          i = bm.clamp(i, bm.c(0), bm.sub(axisDim, 1));
          SmallVector<Value> src;
          for (int64_t d = 0; d < axis; ++d)
            src.push_back(linalg::IndexOp::create(b, l, d));
          src.push_back(bm.value(i));
          for (int64_t d = axis + 1; d < r; ++d)
            src.push_back(linalg::IndexOp::create(b, l, d - 1 + q));
          auto extract = [&](OpBuilder &eb, Location el) -> Value {
            return tensor::ExtractOp::create(eb, el, data, src);
          };
          if (!dataType.isDynamicDim(axis) && dataType.getDimSize(axis) > 0) {
            linalg::YieldOp::create(b, l, extract(b, l));
            return;
          }
          // An empty axis has no element to clamp to: every index is out of
          // range, and the result is zeros.
          Type elt = dataType.getElementType();
          auto ifOp = scf::IfOp::create(
              b, l, bm.value(bm.eq(axisDim, bm.c(0))),
              [&](OpBuilder &tb, Location tl) {
                Value zero = arith::ConstantOp::create(
                    tb, tl, elt, cast<TypedAttr>(tb.getZeroAttr(elt)));
                scf::YieldOp::create(tb, tl, zero);
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, extract(eb, el));
              });
          linalg::YieldOp::create(b, l, ifOp.getResult(0));
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, generic.getResult(0), type));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Unsqueeze, Squeeze
//===----------------------------------------------------------------------===//

/// Groups for inserting / removing the unit dims `units` of the `rank`-dim
/// side: each other dim with the unit dims after it, leading unit dims with
/// the first group. Empty when every dim is a unit dim (rank-0 other side).
SmallVector<ReassociationIndices> unitDimGroups(int64_t rank,
                                                ArrayRef<bool> units) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t i = 0; i < rank; ++i) {
    if (units[i]) {
      if (groups.empty())
        pending.push_back(i);
      else
        groups.back().push_back(i);
      continue;
    }
    ReassociationIndices g = pending;
    pending.clear();
    g.push_back(i);
    groups.push_back(g);
  }
  return groups;
}

struct UnsqueezeLowering : DyadConversionPattern<UnsqueezeOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(UnsqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value data = adaptor.getData();
    auto inType = dyn_cast<RankedTensorType>(data.getType());
    if (!inType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t outRank = inType.getRank() + op.getAxes().size();
    if (type.getRank() != outRank)
      return rewriter.notifyMatchFailure(op, "result rank");
    SmallVector<bool> units(outRank, false);
    for (int64_t a : op.getAxes()) {
      std::optional<int64_t> axis = normalizeAxis(a, outRank);
      if (!axis)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      units[*axis] = true;
    }
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> inSizes =
        tensor::getMixedSizes(rewriter, loc, data);
    SmallVector<OpFoldResult> sizes;
    SmallVector<int64_t> shape;
    for (int64_t i = 0, j = 0; i < outRank; ++i) {
      sizes.push_back(units[i] ? rewriter.getIndexAttr(1) : inSizes[j]);
      shape.push_back(units[i] ? 1 : inType.getDimSize(j));
      if (!units[i])
        ++j;
    }
    auto natural = type.clone(shape);
    Value e = tensor::ExpandShapeOp::create(
        rewriter, loc, natural, data, unitDimGroups(outRank, units), sizes);
    Value r = castTo(rewriter, loc, e, type);
    if (!r)
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct SqueezeLowering : DyadConversionPattern<SqueezeOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(SqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value data = adaptor.getData();
    auto inType = dyn_cast<RankedTensorType>(data.getType());
    if (!inType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = inType.getRank();
    SmallVector<bool> units(rank, false);
    if (op.getAxes().empty()) {
      // Without axes only static unit dims are known to go.
      for (int64_t i = 0; i < rank; ++i)
        units[i] = inType.getDimSize(i) == 1;
    } else {
      for (int64_t a : op.getAxes()) {
        std::optional<int64_t> axis = normalizeAxis(a, rank);
        if (!axis)
          return rewriter.notifyMatchFailure(op, "axis out of range");
        units[*axis] = true;
      }
    }
    if (rank - llvm::count(units, true) != type.getRank())
      return rewriter.notifyMatchFailure(
          op, "cannot tell which dynamic dims are squeezed");
    // Squeezed dims are 1 (ONNX requires it); say so for collapse_shape.
    SmallVector<int64_t> unitShape(inType.getShape());
    SmallVector<int64_t> shape;
    for (int64_t i = 0; i < rank; ++i) {
      if (units[i])
        unitShape[i] = 1;
      else
        shape.push_back(inType.getDimSize(i));
    }
    Location loc = op.getLoc();
    Value src = castTo(rewriter, loc, data, inType.clone(unitShape));
    if (!src)
      return rewriter.notifyMatchFailure(op, "squeezed dim is not 1");
    Value c = tensor::CollapseShapeOp::create(rewriter, loc, type.clone(shape),
                                              src, unitDimGroups(rank, units));
    Value r = castTo(rewriter, loc, c, type);
    if (!r)
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    rewriter.replaceOp(op, r);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Expand
//===----------------------------------------------------------------------===//

struct ExpandLowering : DyadConversionPattern<ExpandOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value in = adaptor.getInput();
    auto inType = dyn_cast<RankedTensorType>(in.getType());
    auto shapeType = dyn_cast<RankedTensorType>(adaptor.getShape().getType());
    if (!inType || !shapeType || shapeType.getRank() != 1 ||
        shapeType.isDynamicDim(0))
      return rewriter.notifyMatchFailure(op,
                                         "unranked or unknown shape length");
    int64_t rank = type.getRank(), inRank = inType.getRank();
    int64_t n = shapeType.getDimSize(0);
    if (rank != std::max(inRank, n))
      return rewriter.notifyMatchFailure(op, "result rank");
    Location loc = op.getLoc();
    IndexMath m(rewriter, loc);
    SmallVector<OpFoldResult> shape =
        indexEntries(m, adaptor.getShape(), op.getShape(), n);
    // numpy broadcasting of the input against `shape`, right-aligned: a size
    // of 1 on either side takes the other.
    SmallVector<OpFoldResult> sizes, inDims;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t j = d - (rank - inRank), k = d - (rank - n);
      OpFoldResult inDim =
          j >= 0 ? tensor::getMixedSize(rewriter, loc, in, j) : OpFoldResult();
      if (j >= 0)
        inDims.push_back(inDim);
      OpFoldResult size;
      if (k < 0)
        size = inDim;
      else if (j < 0)
        size = shape[k];
      else
        size = m.select(m.eq(shape[k], m.c(1)), inDim, shape[k]);
      // A static result dim is what the size resolves to.
      if (!type.isDynamicDim(d) && !getConstantIntValue(size))
        size = m.c(type.getDimSize(d));
      sizes.push_back(size);
    }
    if (!agrees(type, sizes))
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    // Nothing to broadcast.
    if (rank == inRank && inType.hasStaticShape() &&
        llvm::equal(inType.getShape(), getConstantIntValues(sizes).value_or(
                                           SmallVector<int64_t>{}))) {
      rewriter.replaceOp(op, castTo(rewriter, loc, in, type));
      return success();
    }
    Value init = emptyTensor(rewriter, loc, sizes, inType.getElementType());
    Value result;
    if (inType.hasStaticShape()) {
      // Statically known broadcast dims read index 0.
      MLIRContext *ctx = rewriter.getContext();
      SmallVector<AffineExpr> exprs;
      for (int64_t j = 0; j < inRank; ++j) {
        int64_t d = j + rank - inRank;
        if (inType.getDimSize(j) == 1 && !isConstantIntValue(sizes[d], 1))
          exprs.push_back(getAffineConstantExpr(0, ctx));
        else
          exprs.push_back(getAffineDimExpr(d, ctx));
      }
      result =
          mapInto(rewriter, loc, in, AffineMap::get(rank, 0, exprs, ctx), init,
                  [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    } else {
      // A dynamic input dim broadcasts when it is 1 at run time.
      SmallVector<OpFoldResult> isOne;
      for (OpFoldResult d : inDims)
        isOne.push_back(m.eq(d, m.c(1)));
      result = buildIndexGeneric(
          rewriter, loc, init,
          [&](OpBuilder &b, Location l, ArrayRef<Value> idx) -> Value {
            IndexMath bm(b, l);
            SmallVector<Value> src;
            for (int64_t j = 0; j < inRank; ++j)
              src.push_back(bm.value(
                  bm.select(isOne[j], bm.c(0), idx[j + rank - inRank])));
            return tensor::ExtractOp::create(b, l, in, src);
          });
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, result, type));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

struct PadLowering : DyadConversionPattern<PadOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value data = adaptor.getData();
    auto inType = dyn_cast<RankedTensorType>(data.getType());
    if (!inType)
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = inType.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    if ((int64_t)pads.size() != 2 * rank)
      return rewriter.notifyMatchFailure(op, "pads length");
    PadMode mode = op.getMode();
    Location loc = op.getLoc();
    IndexMath m(rewriter, loc);
    Type elt = inType.getElementType();

    // Negative pads crop first.
    bool crop = llvm::any_of(pads, [](int64_t p) { return p < 0; });
    if (crop) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      for (int64_t i = 0; i < rank; ++i) {
        int64_t lo = std::min<int64_t>(pads[i], 0);
        int64_t hi = std::min<int64_t>(pads[i + rank], 0);
        offsets.push_back(rewriter.getIndexAttr(-lo));
        sizes.push_back(m.add(dimSize(rewriter, loc, data, i), m.c(lo + hi)));
        strides.push_back(rewriter.getIndexAttr(1));
      }
      data = extractSlice(rewriter, loc, data, offsets, sizes, strides);
    }
    auto srcType = cast<RankedTensorType>(data.getType());
    SmallVector<int64_t> lo, hi;
    SmallVector<OpFoldResult> sizes;
    for (int64_t i = 0; i < rank; ++i) {
      lo.push_back(std::max<int64_t>(pads[i], 0));
      hi.push_back(std::max<int64_t>(pads[i + rank], 0));
      sizes.push_back(
          m.add(dimSize(rewriter, loc, data, i), m.c(lo.back() + hi.back())));
    }
    if (!agrees(type, sizes))
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    RankedTensorType natural = refine(type, sizes);

    Value result;
    if (mode == PadMode::Constant) {
      Value pad;
      if (auto ft = dyn_cast<FloatType>(elt))
        pad = arith::ConstantOp::create(
            rewriter, loc,
            rewriter.getFloatAttr(ft, op.getConstantValue().convertToDouble()));
      else if (auto it = dyn_cast<IntegerType>(elt))
        pad = arith::ConstantOp::create(
            rewriter, loc,
            intAttr(rewriter, it,
                    (int64_t)op.getConstantValue().convertToDouble()));
      else
        return rewriter.notifyMatchFailure(op, "element type");
      auto attrs = [&](ArrayRef<int64_t> v) {
        return llvm::map_to_vector(v, [&](int64_t x) -> OpFoldResult {
          return rewriter.getIndexAttr(x);
        });
      };
      result = tensor::PadOp::create(rewriter, loc, natural, data, attrs(lo),
                                     attrs(hi), pad);
    } else {
      bool reflect = mode == PadMode::Reflect;
      for (int64_t i = 0; i < rank; ++i)
        if (srcType.getDimSize(i) == 0 && lo[i] + hi[i] > 0)
          return rewriter.notifyMatchFailure(op, "padding an empty dim");
      SmallVector<Value> dims;
      for (int64_t i = 0; i < rank; ++i)
        dims.push_back(dimSize(rewriter, loc, data, i));
      Value init = emptyTensor(rewriter, loc, sizes, elt);
      result = buildIndexGeneric(
          rewriter, loc, init,
          [&](OpBuilder &b, Location l, ArrayRef<Value> idx) -> Value {
            IndexMath bm(b, l);
            SmallVector<Value> src;
            for (int64_t i = 0; i < rank; ++i) {
              if (lo[i] == 0 && hi[i] == 0) {
                src.push_back(idx[i]);
                continue;
              }
              OpFoldResult s = bm.sub(idx[i], bm.c(lo[i]));
              OpFoldResult last = bm.sub(dims[i], bm.c(1));
              if (mode == PadMode::Wrap) {
                // numpy 'wrap': the index modulo the dim.
                OpFoldResult r = bm.rem(s, dims[i]);
                src.push_back(bm.value(
                    bm.select(bm.lt(r, bm.c(0)), bm.add(r, dims[i]), r)));
                continue;
              }
              if (!reflect) {
                src.push_back(bm.value(bm.clamp(s, bm.c(0), last)));
                continue;
              }
              // numpy 'reflect': the index pattern repeats every 2*(d-1).
              OpFoldResult period = bm.max(bm.mul(last, bm.c(2)), bm.c(1));
              OpFoldResult r = bm.rem(s, period);
              r = bm.select(bm.lt(r, bm.c(0)), bm.add(r, period), r);
              src.push_back(
                  bm.value(bm.select(bm.lt(r, dims[i]), r, bm.sub(period, r))));
            }
            return tensor::ExtractOp::create(b, l, data, src);
          });
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, result, type));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

/// Coordinate math of ONNX Resize (as the reference implementation that
/// generates the ONNX tests: f64, and the "resized length" is scale * input
/// length even when the output size was floored).
struct ResizeLowering : DyadConversionPattern<ResizeOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value x = adaptor.getX();
    auto inType = dyn_cast<RankedTensorType>(x.getType());
    if (!inType || type.getRank() != inType.getRank())
      return rewriter.notifyMatchFailure(op, "unranked operand");
    int64_t rank = inType.getRank();
    Type elt = inType.getElementType();
    bool linear = op.getMode() == ResizeMode::Linear;
    bool cubic = op.getMode() == ResizeMode::Cubic;
    // Integers: nearest copies them; linear weighs them with fixed-point
    // weights of F fraction bits (the op's description).
    bool intLinear = linear && isa<IntegerType>(elt);
    auto resElt = dyn_cast<IntegerType>(type.getElementType());
    if (cubic && !isa<FloatType>(elt))
      return rewriter.notifyMatchFailure(op, "cubic resize of integers");
    if (intLinear && (!op.getWeightFractionBits() || !resElt ||
                      resElt.getWidth() < elt.getIntOrFloatBitWidth()))
      return rewriter.notifyMatchFailure(op, "linear resize of integers");
    int64_t fracBits = intLinear ? *op.getWeightFractionBits() : 0;
    bool unsignedIn =
        getElementTypeOrSelf(op.getX().getType()).isUnsignedInteger();
    double cubicA = op.getCubicCoeffA().convertToDouble();
    bool excludeOutside = op.getExcludeOutside();
    CoordinateTransformationMode ctm = op.getCoordinateTransformationMode();
    bool cropAndResize = ctm == CoordinateTransformationMode::TfCropAndResize;
    NearestMode nm = op.getNearestMode();
    auto scalesAttr = op.getScales();
    auto sizesAttr = op.getSizes();
    if ((scalesAttr && (int64_t)scalesAttr->size() != rank) ||
        (sizesAttr && (int64_t)sizesAttr->size() != rank) ||
        (!scalesAttr && !sizesAttr))
      return rewriter.notifyMatchFailure(op, "scales / sizes");
    SmallVector<double> roi;
    for (int64_t a = 0; a < rank; ++a)
      roi.push_back(0.0);
    for (int64_t a = 0; a < rank; ++a)
      roi.push_back(1.0);
    if (auto r = op.getRoi(); r && cropAndResize) {
      if ((int64_t)r->size() != 2 * rank)
        return rewriter.notifyMatchFailure(op, "roi length");
      for (auto [i, v] : llvm::enumerate(*r))
        roi[i] = v;
    }
    Location loc = op.getLoc();
    IndexMath m(rewriter, loc);
    auto f64 = rewriter.getF64Type();
    auto fconst = [&](OpBuilder &b, Location l, double v) -> Value {
      return arith::ConstantOp::create(b, l, b.getFloatAttr(f64, v));
    };
    auto toF64 = [&](OpBuilder &b, Location l, Value index) -> Value {
      Value i = arith::IndexCastOp::create(b, l, b.getI64Type(), index);
      return arith::SIToFPOp::create(b, l, f64, i);
    };

    // Per axis: input length, scale and output size.
    SmallVector<Value> inDims, inLen, scale, outLen;
    SmallVector<OpFoldResult> sizes;
    SmallVector<bool> identity;
    for (int64_t a = 0; a < rank; ++a) {
      Value d = dimSize(rewriter, loc, x, a);
      inDims.push_back(d);
      Value df = toF64(rewriter, loc, d);
      inLen.push_back(df);
      Value s;
      OpFoldResult out;
      if (scalesAttr) {
        double sv = (*scalesAttr)[a];
        s = fconst(rewriter, loc, sv);
        if (auto c = getConstantIntValue(d)) {
          out = m.c((int64_t)std::floor((float)*c * (float)sv));
        } else {
          Value o = arith::MulFOp::create(rewriter, loc, df, s);
          o = math::FloorOp::create(rewriter, loc, o);
          out = arith::IndexCastOp::create(
                    rewriter, loc, rewriter.getIndexType(),
                    arith::FPToSIOp::create(rewriter, loc,
                                            rewriter.getI64Type(), o))
                    .getResult();
        }
        identity.push_back(sv == 1.0);
      } else {
        int64_t sz = (*sizesAttr)[a];
        out = m.c(sz);
        s = arith::DivFOp::create(rewriter, loc, fconst(rewriter, loc, sz), df);
        auto c = getConstantIntValue(d);
        identity.push_back(c && *c == sz);
      }
      if (cropAndResize && (roi[a] != 0.0 || roi[a + rank] != 1.0))
        identity.back() = false;
      scale.push_back(s);
      outLen.push_back(arith::MulFOp::create(rewriter, loc, s, df));
      sizes.push_back(out);
    }
    if (!agrees(type, sizes))
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    Value init =
        emptyTensor(rewriter, loc, sizes, intLinear ? Type(resElt) : elt);

    Value result = buildIndexGeneric(
        rewriter, loc, init,
        [&](OpBuilder &b, Location l, ArrayRef<Value> idx) -> Value {
          IndexMath bm(b, l);
          Value one = fconst(b, l, 1.0), half = fconst(b, l, 0.5),
                zero = fconst(b, l, 0.0);
          Value outside;
          // Source coordinate and the two neighbours (linear) or the
          // nearest index, per resized axis.
          SmallVector<Value> near(idx), lo(idx), hi(idx), weight(rank);
          SmallVector<int64_t> lerpAxes;
          // Cubic: 4 taps per resized axis, with their weights.
          SmallVector<std::array<Value, 4>> tapIdx(rank), tapW(rank);
          for (int64_t a = 0; a < rank; ++a) {
            if (identity[a])
              continue;
            Value xr = toF64(b, l, idx[a]);
            Value lenOne = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OEQ, outLen[a], one);
            Value inLast = arith::SubFOp::create(b, l, inLen[a], one);
            Value xo;
            auto halfPixel = [&]() -> Value {
              Value v = arith::AddFOp::create(b, l, xr, half);
              v = arith::DivFOp::create(b, l, v, scale[a]);
              return arith::SubFOp::create(b, l, v, half);
            };
            switch (ctm) {
            case CoordinateTransformationMode::HalfPixel:
              xo = halfPixel();
              break;
            case CoordinateTransformationMode::PytorchHalfPixel:
              xo = arith::SelectOp::create(b, l, lenOne, fconst(b, l, -0.5),
                                           halfPixel());
              break;
            case CoordinateTransformationMode::Asymmetric:
              xo = arith::DivFOp::create(b, l, xr, scale[a]);
              break;
            case CoordinateTransformationMode::AlignCorners: {
              Value v = arith::MulFOp::create(b, l, xr, inLast);
              v = arith::DivFOp::create(
                  b, l, v, arith::SubFOp::create(b, l, outLen[a], one));
              xo = arith::SelectOp::create(b, l, lenOne, zero, v);
              break;
            }
            case CoordinateTransformationMode::TfCropAndResize: {
              // roi is in normalized input coordinates.
              double r0 = roi[a], r1 = roi[a + rank];
              Value w =
                  arith::MulFOp::create(b, l, fconst(b, l, r1 - r0), inLast);
              Value many = arith::DivFOp::create(
                  b, l, arith::MulFOp::create(b, l, xr, w),
                  arith::SubFOp::create(b, l, outLen[a], one));
              Value single = arith::DivFOp::create(b, l, w, fconst(b, l, 2.0));
              xo = arith::SelectOp::create(b, l, lenOne, single, many);
              xo = arith::AddFOp::create(
                  b, l, xo,
                  arith::MulFOp::create(b, l, fconst(b, l, r0), inLast));
              Value out = arith::OrIOp::create(
                  b, l,
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, xo,
                                        zero),
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, xo,
                                        inLast));
              outside =
                  outside ? arith::OrIOp::create(b, l, outside, out).getResult()
                          : out;
              break;
            }
            }
            auto toIndex = [&](Value f) -> Value {
              Value i = arith::FPToSIOp::create(b, l, b.getI64Type(), f);
              Value ix = arith::IndexCastOp::create(b, l, b.getIndexType(), i);
              return bm.value(
                  bm.clamp(ix, bm.c(0), bm.sub(inDims[a], bm.c(1))));
            };
            if (!linear && !cubic) {
              Value r;
              switch (nm) {
              case NearestMode::RoundPreferFloor:
                r = math::CeilOp::create(b, l,
                                         arith::SubFOp::create(b, l, xo, half));
                break;
              case NearestMode::RoundPreferCeil:
                r = math::FloorOp::create(
                    b, l, arith::AddFOp::create(b, l, xo, half));
                break;
              case NearestMode::Floor:
                r = math::FloorOp::create(b, l, xo);
                break;
              case NearestMode::Ceil:
                r = math::CeilOp::create(b, l, xo);
                break;
              }
              near[a] = toIndex(r);
              continue;
            }
            if (cubic) {
              // The reference's cubic convolution: taps floor(x)-1 ..
              // floor(x)+2 at edge-clamped indices, coefficients of the
              // fraction t; exclude_outside drops taps outside the input and
              // renormalizes.
              Value x0 = math::FloorOp::create(b, l, xo);
              Value t = arith::SubFOp::create(b, l, xo, x0);
              auto cst = [&](double v) { return fconst(b, l, v); };
              auto mul = [&](Value p, Value q) -> Value {
                return arith::MulFOp::create(b, l, p, q);
              };
              auto add = [&](Value p, Value q) -> Value {
                return arith::AddFOp::create(b, l, p, q);
              };
              // Near (|s| <= 1): ((A+2)s - (A+3)) s^2 + 1; far (1 < s < 2):
              // ((A s - 5A) s + 8A) s - 4A.
              auto nearW = [&](Value s) -> Value {
                Value v = add(mul(cst(cubicA + 2), s), cst(-(cubicA + 3)));
                return add(mul(mul(v, s), s), one);
              };
              auto farW = [&](Value s) -> Value {
                Value v = add(mul(cst(cubicA), s), cst(-5 * cubicA));
                v = add(mul(v, s), cst(8 * cubicA));
                return add(mul(v, s), cst(-4 * cubicA));
              };
              Value oneMinusT = arith::SubFOp::create(b, l, one, t);
              std::array<Value, 4> w = {farW(add(t, one)), nearW(t),
                                        nearW(oneMinusT),
                                        farW(add(oneMinusT, one))};
              Value inLastF = arith::SubFOp::create(b, l, inLen[a], one);
              Value sum;
              for (int j = 0; j < 4; ++j) {
                Value r = add(x0, cst(j - 1));
                tapIdx[a][j] = toIndex(r);
                if (excludeOutside) {
                  Value in = arith::AndIOp::create(
                      b, l,
                      arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, r,
                                            zero),
                      arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE, r,
                                            inLastF));
                  w[j] = arith::SelectOp::create(b, l, in, w[j], zero);
                  sum = sum ? add(sum, w[j]) : w[j];
                }
              }
              for (int j = 0; j < 4; ++j)
                tapW[a][j] = excludeOutside
                                 ? arith::DivFOp::create(b, l, w[j], sum)
                                       .getResult()
                                 : w[j];
              lerpAxes.push_back(a);
              continue;
            }
            Value x0 = math::FloorOp::create(b, l, xo);
            weight[a] = arith::SubFOp::create(b, l, xo, x0);
            lo[a] = toIndex(x0);
            hi[a] = toIndex(arith::AddFOp::create(b, l, x0, one));
            lerpAxes.push_back(a);
          }
          Value v;
          if (cubic) {
            // Sum over the 4^k tap combinations of the weight products, in
            // f64.
            int64_t k = lerpAxes.size();
            Value acc = zero;
            for (int64_t combo = 0; combo < (int64_t(1) << (2 * k)); ++combo) {
              SmallVector<Value> at(idx);
              Value w = one;
              for (int64_t p = 0; p < k; ++p) {
                int64_t j = (combo >> (2 * p)) & 3, a = lerpAxes[p];
                at[a] = tapIdx[a][j];
                w = arith::MulFOp::create(b, l, w, tapW[a][j]);
              }
              Value c = tensor::ExtractOp::create(b, l, x, at);
              if (elt != f64)
                c = arith::ExtFOp::create(b, l, f64, c);
              acc = arith::AddFOp::create(b, l, acc,
                                          arith::MulFOp::create(b, l, w, c));
            }
            v = acc;
            if (elt != f64)
              v = arith::TruncFOp::create(b, l, elt, v);
          } else if (!linear) {
            v = tensor::ExtractOp::create(b, l, x, near);
          } else {
            // 2^k corners, interpolated from the last axis to the first as
            // the reference does, in f64; integers (weight_fraction_bits F)
            // with fixed-point weights w1 = floor(t * 2^F + 1/2) and
            // w0 = 2^F - w1 (t >= 0), which sum to 2^(F k) exactly over the
            // corners, in the result type.
            int64_t k = lerpAxes.size();
            Type acc = intLinear ? Type(resElt) : Type(f64);
            SmallVector<Value> corners;
            for (int64_t mask = 0; mask < (1 << k); ++mask) {
              SmallVector<Value> at(idx);
              for (int64_t p = 0; p < k; ++p)
                at[lerpAxes[p]] =
                    (mask >> p) & 1 ? hi[lerpAxes[p]] : lo[lerpAxes[p]];
              Value c = tensor::ExtractOp::create(b, l, x, at);
              if (elt != acc)
                c = !intLinear ? arith::ExtFOp::create(b, l, f64, c).getResult()
                    : unsignedIn
                        ? arith::ExtUIOp::create(b, l, resElt, c).getResult()
                        : arith::ExtSIOp::create(b, l, resElt, c).getResult();
              corners.push_back(c);
            }
            for (int64_t p = k - 1; p >= 0; --p) {
              Value w = weight[lerpAxes[p]], w0;
              if (intLinear) {
                Value t = arith::MulFOp::create(
                    b, l, w, fconst(b, l, std::ldexp(1.0, (int)fracBits)));
                t = math::FloorOp::create(b, l,
                                          arith::AddFOp::create(b, l, t, half));
                w = arith::FPToSIOp::create(b, l, resElt, t);
                Value unit = arith::ConstantOp::create(
                    b, l, b.getIntegerAttr(resElt, int64_t(1) << fracBits));
                w0 = arith::SubIOp::create(b, l, unit, w);
              } else {
                w0 = arith::SubFOp::create(b, l, one, w);
              }
              auto lerp = [&](Value c0, Value c1) -> Value {
                if (intLinear)
                  return arith::AddIOp::create(
                      b, l, arith::MulIOp::create(b, l, w0, c0),
                      arith::MulIOp::create(b, l, w, c1));
                return arith::AddFOp::create(
                    b, l, arith::MulFOp::create(b, l, w0, c0),
                    arith::MulFOp::create(b, l, w, c1));
              };
              for (int64_t mask = 0; mask < (1 << p); ++mask)
                corners[mask] = lerp(corners[mask], corners[mask + (1 << p)]);
            }
            v = corners[0];
            if (!intLinear && elt != f64)
              v = arith::TruncFOp::create(b, l, elt, v);
          }
          if (outside) {
            Value ext;
            double e = op.getExtrapolationValue().convertToDouble();
            if (auto ft = dyn_cast<FloatType>(elt))
              ext = arith::ConstantOp::create(b, l, b.getFloatAttr(ft, e));
            else
              ext = arith::ConstantOp::create(
                  b, l, intAttr(b, cast<IntegerType>(elt), (int64_t)e));
            v = arith::SelectOp::create(b, l, outside, ext, v);
          }
          return v;
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, result, type));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Shape generators and block rearrangements of exported models
//===----------------------------------------------------------------------===//

/// A scalar constant of the converted element type `elt` holding `value` (an
/// integer or float attribute of the dyad element type).
Value scalarOf(OpBuilder &b, Location loc, Type elt, TypedAttr value) {
  if (auto i = dyn_cast<IntegerAttr>(value))
    return arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(elt, i.getValue().zextOrTrunc(
                                          elt.getIntOrFloatBitWidth())));
  return arith::ConstantOp::create(
      b, loc, b.getFloatAttr(elt, cast<FloatAttr>(value).getValueAsDouble()));
}

/// ConstantOfShape with a run-time shape: tensor.empty of the shape's
/// entries, filled.
struct ConstantOfShapeLowering : DyadConversionPattern<ConstantOfShapeOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOfShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Location loc = op.getLoc();
    IndexMath m(rewriter, loc);
    int64_t rank = type.getRank();
    SmallVector<OpFoldResult> sizes =
        indexEntries(m, adaptor.getInput(), op.getInput(), rank);
    for (int64_t d = 0; d < rank; ++d)
      if (!type.isDynamicDim(d) && !getConstantIntValue(sizes[d]))
        sizes[d] = m.c(type.getDimSize(d));
    if (!agrees(type, sizes))
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    Value v = scalarOf(rewriter, loc, type.getElementType(),
                       cast<TypedAttr>(op.getValue()));
    rewriter.replaceOp(
        op, castTo(rewriter, loc, filledTensor(rewriter, loc, sizes, v), type));
    return success();
  }
};

/// Range with run-time operands: the count max(ceil((limit - start) /
/// delta), 0), then start + i * delta.
struct RangeLowering : DyadConversionPattern<RangeOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(RangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type || type.getRank() != 1)
      return failure();
    Location loc = op.getLoc();
    Type elt = type.getElementType();
    bool isUnsigned = isUnsignedElt(op.getStart().getType());
    auto scalar = [&](Value t) -> Value {
      auto tt = cast<RankedTensorType>(t.getType());
      SmallVector<Value> idx(
          tt.getRank(), arith::ConstantIndexOp::create(rewriter, loc, 0));
      return tensor::ExtractOp::create(rewriter, loc, t, idx);
    };
    Value start = scalar(adaptor.getStart());
    Value limit = scalar(adaptor.getLimit());
    Value delta = scalar(adaptor.getDelta());
    Type i64 = rewriter.getI64Type();
    Value count;
    if (isa<FloatType>(elt)) {
      Value q = arith::DivFOp::create(
          rewriter, loc, arith::SubFOp::create(rewriter, loc, limit, start),
          delta);
      q = math::CeilOp::create(rewriter, loc, q);
      count = arith::FPToSIOp::create(rewriter, loc, i64, q);
    } else {
      Value s = convertInt(rewriter, loc, start, i64, isUnsigned);
      Value l = convertInt(rewriter, loc, limit, i64, isUnsigned);
      Value d = convertInt(rewriter, loc, delta, i64, isUnsigned);
      // A zero delta (undefined in ONNX) gives an empty range, not a trap.
      Value zero = arith::ConstantIntOp::create(rewriter, loc, i64, 0);
      Value isZero = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, d, zero);
      Value safe = arith::SelectOp::create(
          rewriter, loc, isZero,
          arith::ConstantIntOp::create(rewriter, loc, i64, 1), d);
      count = arith::CeilDivSIOp::create(
          rewriter, loc, arith::SubIOp::create(rewriter, loc, l, s), safe);
      count = arith::SelectOp::create(rewriter, loc, isZero, zero, count);
    }
    count = arith::MaxSIOp::create(
        rewriter, loc, count,
        arith::ConstantIntOp::create(rewriter, loc, i64, 0));
    IndexMath m(rewriter, loc);
    OpFoldResult n = m.index(count);
    if (!type.isDynamicDim(0))
      n = m.c(type.getDimSize(0));
    Value init = emptyTensor(rewriter, loc, {n}, elt);
    Value result = buildIndexGeneric(
        rewriter, loc, init,
        [&](OpBuilder &b, Location l, ArrayRef<Value> idx) -> Value {
          Value i = arith::IndexCastOp::create(b, l, i64, idx[0]);
          if (isa<FloatType>(elt)) {
            Value f = arith::SIToFPOp::create(b, l, elt, i);
            return arith::AddFOp::create(
                b, l, start, arith::MulFOp::create(b, l, f, delta));
          }
          Value v = convertInt(b, l, i, elt, /*srcUnsigned=*/false);
          return arith::AddIOp::create(b, l, start,
                                       arith::MulIOp::create(b, l, v, delta));
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, result, type));
    return success();
  }
};

/// Tile: output index i of dim d reads input index i mod dim.
struct TileLowering : DyadConversionPattern<TileOp> {
  using DyadConversionPattern::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value in = adaptor.getInput();
    auto inType = dyn_cast<RankedTensorType>(in.getType());
    ArrayRef<int64_t> repeats = op.getRepeats();
    if (!inType || (int64_t)repeats.size() != inType.getRank())
      return rewriter.notifyMatchFailure(op, "unranked operand");
    Location loc = op.getLoc();
    IndexMath m(rewriter, loc);
    int64_t rank = inType.getRank();
    SmallVector<Value> dims;
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < rank; ++d) {
      dims.push_back(dimSize(rewriter, loc, in, d));
      sizes.push_back(m.mul(dims.back(), repeats[d]));
    }
    if (!agrees(type, sizes))
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    Value init = emptyTensor(rewriter, loc, sizes, type.getElementType());
    Value result = buildIndexGeneric(
        rewriter, loc, init,
        [&](OpBuilder &b, Location l, ArrayRef<Value> idx) -> Value {
          IndexMath bm(b, l);
          SmallVector<Value> src;
          for (int64_t d = 0; d < rank; ++d)
            src.push_back(repeats[d] == 1 ? idx[d]
                                          : bm.value(bm.rem(idx[d], dims[d])));
          return tensor::ExtractOp::create(b, l, in, src);
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, result, type));
    return success();
  }
};

/// DepthToSpace / SpaceToDepth: each output element reads one input element
/// at an index computed from its own.
template <typename OpTy>
struct BlockRearrangeLowering : DyadConversionPattern<OpTy> {
  using DyadConversionPattern<OpTy>::DyadConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = this->getRankedResultType(op, rewriter);
    if (!type)
      return failure();
    Value in = adaptor.getInput();
    auto inType = dyn_cast<RankedTensorType>(in.getType());
    int64_t bs = op.getBlocksize();
    if (!inType || inType.getRank() != 4 || bs < 1)
      return rewriter.notifyMatchFailure(op, "rank / blocksize");
    constexpr bool toSpace = std::is_same_v<OpTy, DepthToSpaceOp>;
    bool crd = false;
    if constexpr (toSpace)
      crd = op.getMode() == DepthToSpaceMode::CRD;
    Location loc = op.getLoc();
    IndexMath m(rewriter, loc);
    SmallVector<Value> dims;
    for (int64_t d = 0; d < 4; ++d)
      dims.push_back(dimSize(rewriter, loc, in, d));
    SmallVector<OpFoldResult> sizes{dims[0]};
    if (toSpace)
      sizes.append({m.div(dims[1], m.c(bs * bs)), m.mul(dims[2], bs),
                    m.mul(dims[3], bs)});
    else
      sizes.append({m.mul(dims[1], bs * bs), m.div(dims[2], m.c(bs)),
                    m.div(dims[3], m.c(bs))});
    if (!agrees(type, sizes))
      return rewriter.notifyMatchFailure(op, "result type disagrees");
    OpFoldResult outC = sizes[1];
    Value init = emptyTensor(rewriter, loc, sizes, type.getElementType());
    Value result = buildIndexGeneric(
        rewriter, loc, init,
        [&](OpBuilder &b, Location l, ArrayRef<Value> idx) -> Value {
          IndexMath bm(b, l);
          OpFoldResult c, h, w;
          if (toSpace) {
            OpFoldResult bh = bm.rem(idx[2], bm.c(bs));
            OpFoldResult bw = bm.rem(idx[3], bm.c(bs));
            OpFoldResult blk = bm.add(bm.mul(bh, bs), bw);
            c = crd ? bm.add(bm.mul(idx[1], bs * bs), blk)
                    : bm.add(bm.mul(blk, outC), idx[1]);
            h = bm.div(idx[2], bm.c(bs));
            w = bm.div(idx[3], bm.c(bs));
          } else {
            OpFoldResult blk = bm.div(idx[1], dims[1]);
            c = bm.rem(idx[1], dims[1]);
            h = bm.add(bm.mul(idx[2], bs), bm.div(blk, bm.c(bs)));
            w = bm.add(bm.mul(idx[3], bs), bm.rem(blk, bm.c(bs)));
          }
          return tensor::ExtractOp::create(
              b, l, in,
              ValueRange{idx[0], bm.value(c), bm.value(h), bm.value(w)});
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, result, type));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Type-only ops
//===----------------------------------------------------------------------===//

/// arith.constant of unsigned or quantized element types: the same bits as
/// the signless storage type.
struct ConstantLowering : OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    if (!type || type == op.getType())
      return rewriter.notifyMatchFailure(op, "no conversion");
    Attribute value = op.getValue();
    TypedAttr result;
    if (auto dense = dyn_cast<DenseIntElementsAttr>(value)) {
      auto shaped = dyn_cast<ShapedType>(type);
      if (!shaped || dense.getElementType().getIntOrFloatBitWidth() !=
                         shaped.getElementType().getIntOrFloatBitWidth())
        return rewriter.notifyMatchFailure(op, "width changes");
      result = dense.bitcast(shaped.getElementType());
    } else if (auto res = dyn_cast<DenseResourceElementsAttr>(value)) {
      auto shaped = dyn_cast<ShapedType>(type);
      if (!shaped)
        return rewriter.notifyMatchFailure(op, "not shaped");
      result = DenseResourceElementsAttr::get(shaped, res.getRawHandle());
    } else if (auto i = dyn_cast<IntegerAttr>(value)) {
      if (!isa<IntegerType>(type))
        return rewriter.notifyMatchFailure(op, "not an integer");
      result = rewriter.getIntegerAttr(type, i.getValue());
    } else {
      return rewriter.notifyMatchFailure(op, "unsupported attribute");
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, result);
    return success();
  }
};

/// A cast that the type conversion makes the identity.
template <typename OpTy>
struct IdentityCastLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value in = adaptor.getOperands()[0];
    Type type =
        this->getTypeConverter()->convertType(op->getResult(0).getType());
    if (!type || type != in.getType())
      return rewriter.notifyMatchFailure(op,
                                         "not an identity after conversion");
    rewriter.replaceOp(op, in);
    return success();
  }
};

} // namespace

void dyad::populateShapeToTensorPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<ShapeLowering, FlattenLowering, ReshapeLowering,
               TransposeLowering, ConcatLowering, SplitLowering, SliceLowering,
               GatherLowering, UnsqueezeLowering, SqueezeLowering,
               ExpandLowering, PadLowering, ResizeLowering, ConstantLowering,
               IdentityCastLowering<quant::StorageCastOp>,
               IdentityCastLowering<tensor::BitcastOp>>(converter,
                                                        patterns.getContext());
  patterns.add<ConstantOfShapeLowering, RangeLowering, TileLowering,
               BlockRearrangeLowering<DepthToSpaceOp>,
               BlockRearrangeLowering<SpaceToDepthOp>>(converter,
                                                       patterns.getContext());
}
