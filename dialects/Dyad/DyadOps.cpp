//===- DyadOps.cpp - dyad op verifiers and folders ------------------------===//
//
// Verifiers check what ONNX states about ranks, element types and attribute
// ranges, and compare static result shapes with the shapes ONNX semantics give,
// so a wrong model or a wrong rewrite is caught where it happens. Dynamic dims
// are checked as far as they are known.
//
//===----------------------------------------------------------------------===//

#include "dyad/Dialect/Dyad/DyadOps.h"
#include "dyad/Dialect/Dyad/Window.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace dyad;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static constexpr int64_t kDyn = ShapedType::kDynamic;

/// Rank of a ranked tensor, or -1.
static int64_t rankOf(Value v) {
  if (auto t = dyn_cast<RankedTensorType>(v.getType()))
    return t.getRank();
  return -1;
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

static bool isFloatTensor(Value v) {
  return isa<FloatType>(getElementTypeOrSelf(v.getType()));
}

/// Normalizes an ONNX axis in [-rank, rank) (or [-rank-1, rank] with
/// `extended`), emitting an error otherwise.
static FailureOr<int64_t> normalizeAxis(Operation *op, int64_t axis,
                                        int64_t rank, StringRef what = "axis",
                                        bool extended = false) {
  int64_t hi = extended ? rank + 1 : rank;
  if (axis < -rank || axis >= hi) {
    op->emitOpError() << what << " " << axis << " is out of range for rank "
                      << rank;
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

/// Checks that a static `actual` dim agrees with an `expected` one where both
/// are known.
static LogicalResult checkDim(Operation *op, StringRef what, int64_t index,
                              int64_t expected, int64_t actual) {
  if (expected == kDyn || actual == kDyn || expected == actual)
    return success();
  return op->emitOpError() << what << " dim " << index << " is " << actual
                           << " but " << expected << " was expected";
}

static LogicalResult checkResultShape(Operation *op, Value result,
                                      ArrayRef<int64_t> expected) {
  int64_t rank = rankOf(result);
  if (rank < 0)
    return success();
  if (rank != (int64_t)expected.size())
    return op->emitOpError() << "result rank " << rank << " but "
                             << expected.size() << " was expected";
  for (auto [i, e] : llvm::enumerate(expected))
    if (failed(checkDim(op, "result", i, e, shapeOf(result)[i])))
      return failure();
  return success();
}

/// Shared checks of the sliding-window ops (conv, conv_transpose, pools):
/// the window attributes, and one input spatial dim per kernel dim. Returns
/// the number of spatial dims.
static FailureOr<int64_t> verifyWindowOp(Operation *op, Value x,
                                         const WindowAttrs &w) {
  int64_t rank = rankOf(x);
  if (!w.kernel.empty() && rank >= 0 && rank != w.rank() + 2)
    return op->emitOpError() << "input of rank " << rank << " needs "
                             << rank - 2 << " kernel dims, got " << w.rank();
  if (failed(verifyWindowAttrs(w, [&] { return op->emitOpError(); })))
    return failure();
  return w.rank();
}

/// Checks the static result dims of a conv or pool: N, `channels`, and the
/// window output sizes (Window.h).
static LogicalResult checkWindowResult(Operation *op, Value x, Value y,
                                       int64_t channels, const WindowAttrs &w) {
  if (rankOf(x) < 0)
    return success();
  ArrayRef<int64_t> in = shapeOf(x);
  auto dims =
      computeWindow(w, in.drop_front(2), [&] { return op->emitOpError(); });
  if (failed(dims))
    return failure();
  SmallVector<int64_t> expected{in[0], channels};
  for (const WindowDim<int64_t> &d : *dims)
    expected.push_back(d.out);
  return checkResultShape(op, y, expected);
}

static bool isInt8Like(Type t) {
  auto it = dyn_cast<IntegerType>(getElementTypeOrSelf(t));
  return it && it.getWidth() <= 16 && it.getWidth() > 1;
}

/// Integer form of conv/matmul: narrow integer inputs, an i32 (or, for 16-bit
/// layers, i64) accumulator as the result and the bias, zero points
/// scalar (per tensor) or 1-D. Float form: one float type throughout, no zero
/// points.
static LogicalResult verifyFloatOrIntegerForm(Operation *op, Value a, Value b,
                                              Value bias, Value azp, Value bzp,
                                              Value result) {
  Type resultElt = getElementTypeOrSelf(result.getType());
  if (isFloatTensor(a) || isFloatTensor(b)) {
    Type elt = getElementTypeOrSelf(a.getType());
    if (getElementTypeOrSelf(b.getType()) != elt ||
        (bias && getElementTypeOrSelf(bias.getType()) != elt) ||
        resultElt != elt)
      return op->emitOpError(
          "float form needs one float element type for operands and result");
    if (azp || bzp)
      return op->emitOpError("zero points are only allowed in the integer form");
    return success();
  }
  if (!isInt8Like(a.getType()) || !isInt8Like(b.getType()))
    return op->emitOpError("integer form needs 8- or 16-bit integer operands");
  if (!resultElt.isInteger(32) && !resultElt.isInteger(64))
    return op->emitOpError("integer form must produce i32 or i64");
  for (Value zp : {azp, bzp}) {
    if (!zp)
      continue;
    if (rankOf(zp) > 1)
      return op->emitOpError("zero point must be a scalar or 1-D");
  }
  if (azp && getElementTypeOrSelf(azp.getType()) !=
                 getElementTypeOrSelf(a.getType()))
    return op->emitOpError("zero point type must match its operand");
  if (bzp && getElementTypeOrSelf(bzp.getType()) !=
                 getElementTypeOrSelf(b.getType()))
    return op->emitOpError("zero point type must match its operand");
  if (bias && getElementTypeOrSelf(bias.getType()) != resultElt)
    return op->emitOpError("integer form needs a bias of the result's type");
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult ClipOp::verify() {
  Type elt = getElementTypeOrSelf(getX().getType());
  if (getElementTypeOrSelf(getY().getType()) != elt)
    return emitOpError("result element type must match X");
  if (rankOf(getX()) >= 0 &&
      failed(checkResultShape(*this, getY(), shapeOf(getX()))))
    return failure();
  for (Value bound : {getMin(), getMax()}) {
    if (!bound)
      continue;
    if (getElementTypeOrSelf(bound.getType()) != elt)
      return emitOpError("min and max must have X's element type");
    if (rankOf(bound) > 0)
      return emitOpError("min and max must be scalars");
  }
  return success();
}

LogicalResult PowOp::verify() {
  if (getElementTypeOrSelf(getZ().getType()) !=
      getElementTypeOrSelf(getX().getType()))
    return emitOpError("result element type must match the base X");
  return success();
}

LogicalResult WhereOp::verify() {
  Type elt = getElementTypeOrSelf(getX().getType());
  if (getElementTypeOrSelf(getY().getType()) != elt ||
      getElementTypeOrSelf(getOutput().getType()) != elt)
    return emitOpError("X, Y and the result must have one element type");
  return success();
}

template <typename Fn>
static Attribute foldBinary(ArrayRef<Attribute> operands, Type resultType,
                            Type lhsType, Type rhsType, Fn &&intFn,
                            function_ref<APFloat(APFloat, APFloat)> floatFn) {
  // Fold only when no broadcasting is involved: same static type everywhere.
  auto rt = dyn_cast<RankedTensorType>(resultType);
  if (!rt || !rt.hasStaticShape() || lhsType != resultType ||
      rhsType != resultType)
    return {};
  if (isa<IntegerType>(rt.getElementType()))
    return constFoldBinaryOp<IntegerAttr, APInt, void>(operands, intFn);
  if (floatFn)
    return constFoldBinaryOp<FloatAttr, APFloat, void>(
        operands, [&](const APFloat &a, const APFloat &b) -> APFloat {
          return floatFn(a, b);
        });
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      adaptor.getOperands(), getType(), getA().getType(), getB().getType(),
      [](const APInt &a, const APInt &b) { return a + b; },
      [](APFloat a, APFloat b) { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      adaptor.getOperands(), getType(), getA().getType(), getB().getType(),
      [](const APInt &a, const APInt &b) { return a - b; },
      [](APFloat a, APFloat b) { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      adaptor.getOperands(), getType(), getA().getType(), getB().getType(),
      [](const APInt &a, const APInt &b) { return a * b; },
      [](APFloat a, APFloat b) { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  // Integer division folds only with no zero divisor; unsigned element types
  // divide unsigned (ONNX integer Div truncates toward zero).
  bool isUnsigned = getElementTypeOrSelf(getType()).isUnsignedInteger();
  if (auto rhs = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getB()))
    for (const APInt &v : rhs.getValues<APInt>())
      if (v.isZero())
        return {};
  return foldBinary(
      adaptor.getOperands(), getType(), getA().getType(), getB().getType(),
      [&](const APInt &a, const APInt &b) {
        return isUnsigned ? a.udiv(b) : a.sdiv(b);
      },
      [](APFloat a, APFloat b) { return a / b; });
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::verify() {
  WindowAttrs window = getWindowAttrs(*this);
  FailureOr<int64_t> spatial = verifyWindowOp(*this, getX(), window);
  if (failed(spatial))
    return failure();
  if (failed(verifyFloatOrIntegerForm(*this, getX(), getW(), getB(),
                                      getXZeroPoint(), getWZeroPoint(),
                                      getY())))
    return failure();
  int64_t group = getGroup();
  if (group <= 0)
    return emitOpError("group must be positive");
  int64_t wRank = rankOf(getW());
  if (wRank >= 0 && wRank != *spatial + 2)
    return emitOpError() << "weight rank " << wRank << " does not match "
                         << *spatial << " spatial dims";
  int64_t m = kDyn;
  if (wRank >= 0) {
    ArrayRef<int64_t> w = shapeOf(getW());
    m = w[0];
    if (m != kDyn && m % group != 0)
      return emitOpError() << "output channels " << m
                           << " are not divisible by group " << group;
    for (int64_t i = 0; i < *spatial; ++i)
      if (failed(checkDim(*this, "kernel_shape", i, w[i + 2],
                          getKernelShape()[i])))
        return failure();
    if (rankOf(getX()) >= 0) {
      int64_t c = shapeOf(getX())[1];
      if (c != kDyn && w[1] != kDyn && c != w[1] * group)
        return emitOpError() << "input has " << c << " channels but weight "
                             << "expects " << w[1] << " x group " << group;
    }
  }
  if (getB()) {
    if (rankOf(getB()) >= 0) {
      if (rankOf(getB()) != 1)
        return emitOpError("bias must be 1-D");
      if (failed(checkDim(*this, "bias", 0, m, shapeOf(getB())[0])))
        return failure();
    }
  }
  return checkWindowResult(*this, getX(), getY(), m, window);
}

LogicalResult ConvTransposeOp::verify() {
  WindowAttrs window = getWindowAttrs(*this);
  FailureOr<int64_t> spatial = verifyWindowOp(*this, getX(), window);
  if (failed(spatial))
    return failure();
  if ((int64_t)getOutputPadding().size() != *spatial)
    return emitOpError() << "output_padding needs " << *spatial << " values";
  for (auto [i, op] : llvm::enumerate(getOutputPadding()))
    // ONNX asks for output_padding < stride; a resolved output_shape can
    // need more, which is zero rows at the end.
    if (op < 0)
      return emitOpError("output_padding must not be negative");
  int64_t group = getGroup();
  if (group <= 0)
    return emitOpError("group must be positive");
  Type elt = getElementTypeOrSelf(getX().getType());
  if (getElementTypeOrSelf(getW().getType()) != elt ||
      getElementTypeOrSelf(getY().getType()) != elt ||
      (getB() && getElementTypeOrSelf(getB().getType()) != elt))
    return emitOpError("operands and result need one element type");
  int64_t wRank = rankOf(getW());
  if (wRank >= 0 && wRank != *spatial + 2)
    return emitOpError() << "weight rank " << wRank << " does not match "
                         << *spatial << " spatial dims";
  int64_t m = kDyn;
  if (wRank >= 0) {
    ArrayRef<int64_t> w = shapeOf(getW());
    m = w[1] == kDyn ? kDyn : w[1] * group;
    if (rankOf(getX()) >= 0 && shapeOf(getX())[1] != kDyn && w[0] != kDyn &&
        shapeOf(getX())[1] != w[0])
      return emitOpError() << "input has " << shapeOf(getX())[1]
                           << " channels but weight expects " << w[0];
    for (int64_t i = 0; i < *spatial; ++i)
      if (failed(checkDim(*this, "kernel_shape", i, w[i + 2],
                          getKernelShape()[i])))
        return failure();
  }
  if (getAutoPad() != AutoPad::NotSet || getOutputShape() || rankOf(getX()) < 0)
    return success();
  SmallVector<int64_t> expected{shapeOf(getX())[0], m};
  for (int64_t i = 0; i < *spatial; ++i)
    expected.push_back(convTransposeOutSize(window, i, shapeOf(getX())[i + 2],
                                            getOutputPadding()[i]));
  return checkResultShape(*this, getY(), expected);
}

LogicalResult GemmOp::verify() {
  if (failed(verifyFloatOrIntegerForm(*this, getA(), getB(), Value(), Value(),
                                      Value(), getY())))
    return failure();
  if (getC() && getElementTypeOrSelf(getC().getType()) !=
                    getElementTypeOrSelf(getY().getType()))
    return emitOpError("C must have the result's element type");
  if ((rankOf(getA()) >= 0 && rankOf(getA()) != 2) ||
      (rankOf(getB()) >= 0 && rankOf(getB()) != 2))
    return emitOpError("A and B must be 2-D");
  if (getC() && rankOf(getC()) > 2)
    return emitOpError("C must be unidirectionally broadcastable to (M, N)");
  if (rankOf(getA()) < 0 || rankOf(getB()) < 0)
    return success();
  int64_t m = shapeOf(getA())[getTransA() ? 1 : 0];
  int64_t ka = shapeOf(getA())[getTransA() ? 0 : 1];
  int64_t kb = shapeOf(getB())[getTransB() ? 1 : 0];
  int64_t n = shapeOf(getB())[getTransB() ? 0 : 1];
  if (ka != kDyn && kb != kDyn && ka != kb)
    return emitOpError() << "inner dimensions differ: " << ka << " vs " << kb;
  if (getC() && rankOf(getC()) >= 0) {
    ArrayRef<int64_t> c = shapeOf(getC());
    SmallVector<int64_t> mn{m, n};
    for (size_t i = 0; i < c.size(); ++i) {
      int64_t want = mn[2 - c.size() + i];
      if (c[i] != 1 && c[i] != kDyn && want != kDyn && c[i] != want)
        return emitOpError("C is not broadcastable to (M, N)");
    }
  }
  return checkResultShape(*this, getY(), {m, n});
}

LogicalResult MatMulOp::verify() {
  if (failed(verifyFloatOrIntegerForm(*this, getA(), getB(), Value(),
                                      getAZeroPoint(), getBZeroPoint(),
                                      getY())))
    return failure();
  int64_t ra = rankOf(getA()), rb = rankOf(getB());
  if (ra == 0 || rb == 0)
    return emitOpError("operands must have rank >= 1");
  if (ra < 0 || rb < 0)
    return success();
  ArrayRef<int64_t> a = shapeOf(getA()), b = shapeOf(getB());
  int64_t ka = a.back();
  int64_t kb = rb == 1 ? b[0] : b[rb - 2];
  if (ka != kDyn && kb != kDyn && ka != kb)
    return emitOpError() << "inner dimensions differ: " << ka << " vs " << kb;
  // numpy matmul: broadcast batch dims, drop the dims of 1-D operands.
  SmallVector<int64_t> batchA(a.begin(), a.end() - std::min<int64_t>(ra, 2));
  SmallVector<int64_t> batchB(b.begin(), b.end() - std::min<int64_t>(rb, 2));
  SmallVector<int64_t> expected;
  if (!OpTrait::util::getBroadcastedShape(batchA, batchB, expected))
    return emitOpError("batch dimensions are not broadcastable");
  if (ra >= 2)
    expected.push_back(a[ra - 2]);
  if (rb >= 2)
    expected.push_back(b[rb - 1]);
  return checkResultShape(*this, getY(), expected);
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  int64_t rank = rankOf(getInput());
  if (rank >= 0 && failed(normalizeAxis(*this, getAxis(), rank)))
    return failure();
  return success();
}

LogicalResult LayerNormalizationOp::verify() {
  int64_t rank = rankOf(getX());
  if (getEpsilon().convertToFloat() < 0)
    return emitOpError("epsilon must not be negative");
  if (rank < 0)
    return success();
  FailureOr<int64_t> axis = normalizeAxis(*this, getAxis(), rank);
  if (failed(axis))
    return failure();
  if (failed(checkResultShape(*this, getY(), shapeOf(getX()))))
    return failure();
  SmallVector<int64_t> statShape(shapeOf(getX()));
  for (int64_t i = *axis; i < rank; ++i)
    statShape[i] = 1;
  for (Value stat : {getMean(), getInvStdDev()})
    if (stat && failed(checkResultShape(*this, stat, statShape)))
      return failure();
  ArrayRef<int64_t> normShape = shapeOf(getX()).drop_front(*axis);
  for (Value v : {getScale(), getB()}) {
    if (!v || rankOf(v) < 0)
      continue;
    ArrayRef<int64_t> s = shapeOf(v);
    if (s.size() > normShape.size())
      return emitOpError("scale and bias must broadcast to the normalized dims");
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t want = normShape[normShape.size() - s.size() + i];
      if (s[i] != 1 && s[i] != kDyn && want != kDyn && s[i] != want)
        return emitOpError("scale and bias must broadcast to the normalized dims");
    }
  }
  return success();
}

LogicalResult BatchNormalizationOp::verify() {
  int64_t rank = rankOf(getX());
  if (rank >= 0 && rank < 2)
    return emitOpError("input must have rank >= 2");
  int64_t c = rank >= 0 ? shapeOf(getX())[1] : kDyn;
  for (Value v : {getScale(), getB(), getMean(), getVar()}) {
    if (rankOf(v) < 0)
      continue;
    if (rankOf(v) != 1)
      return emitOpError("scale, B, mean and var must be 1-D");
    if (failed(checkDim(*this, "per-channel parameter", 0, c, shapeOf(v)[0])))
      return failure();
  }
  if (rank >= 0)
    return checkResultShape(*this, getY(), shapeOf(getX()));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

static int64_t channelsOf(Value x) {
  return rankOf(x) >= 2 ? shapeOf(x)[1] : kDyn;
}

LogicalResult MaxPoolOp::verify() {
  WindowAttrs window = getWindowAttrs(*this);
  if (failed(verifyWindowOp(*this, getX(), window)))
    return failure();
  return checkWindowResult(*this, getX(), getY(), channelsOf(getX()), window);
}

LogicalResult AveragePoolOp::verify() {
  WindowAttrs window = getWindowAttrs(*this);
  if (failed(verifyWindowOp(*this, getX(), window)))
    return failure();
  return checkWindowResult(*this, getX(), getY(), channelsOf(getX()), window);
}

LogicalResult GlobalAveragePoolOp::verify() {
  int64_t rank = rankOf(getX());
  if (rank < 0)
    return success();
  if (rank < 3)
    return emitOpError("input must have rank >= 3 (N x C x spatial...)");
  SmallVector<int64_t> expected(rank, 1);
  expected[0] = shapeOf(getX())[0];
  expected[1] = shapeOf(getX())[1];
  return checkResultShape(*this, getY(), expected);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <typename ReduceOp>
static LogicalResult verifyReduce(ReduceOp op) {
  int64_t rank = rankOf(op.getData());
  if (rank < 0)
    return success();
  llvm::SmallSet<int64_t, 4> axes;
  for (int64_t a : op.getAxes()) {
    FailureOr<int64_t> n = normalizeAxis(op, a, rank, "reduction axis");
    if (failed(n))
      return failure();
    if (!axes.insert(*n).second)
      return op.emitOpError() << "reduction axis " << a << " is repeated";
  }
  if (op.getAxes().empty() && op.getNoopWithEmptyAxes())
    return checkResultShape(op, op.getReduced(), shapeOf(op.getData()));
  SmallVector<int64_t> expected;
  for (int64_t i = 0; i < rank; ++i) {
    bool reduced = op.getAxes().empty() || axes.contains(i);
    if (!reduced)
      expected.push_back(shapeOf(op.getData())[i]);
    else if (op.getKeepdims())
      expected.push_back(1);
  }
  return checkResultShape(op, op.getReduced(), expected);
}

LogicalResult ReduceMeanOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

/// [start, end) of ONNX Shape after clamping, or failure for unranked input.
static FailureOr<std::pair<int64_t, int64_t>> shapeRange(ShapeOp op) {
  int64_t rank = rankOf(op.getData());
  if (rank < 0)
    return failure();
  auto clampIdx = [&](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  int64_t start = clampIdx(op.getStart());
  int64_t end = op.getEnd() ? clampIdx(*op.getEnd()) : rank;
  return std::make_pair(start, std::max(start, end));
}

LogicalResult ShapeOp::verify() {
  if (rankOf(getShape()) >= 0 && rankOf(getShape()) != 1)
    return emitOpError("result must be 1-D");
  auto range = shapeRange(*this);
  if (failed(range))
    return success();
  return checkResultShape(*this, getShape(), {range->second - range->first});
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto range = shapeRange(*this);
  if (failed(range))
    return {};
  ArrayRef<int64_t> dims =
      shapeOf(getData()).slice(range->first, range->second - range->first);
  if (llvm::any_of(dims, ShapedType::isDynamic))
    return {};
  auto type = RankedTensorType::get({(int64_t)dims.size()},
                                    IntegerType::get(getContext(), 64));
  if (type != getType())
    return {};
  return DenseIntElementsAttr::get(type, dims);
}

/// Folds a pure reshape of a constant, or a reshape that changes nothing.
static OpFoldResult foldReshapeLike(Value input, Attribute inputAttr,
                                    Type resultType) {
  auto rt = dyn_cast<RankedTensorType>(resultType);
  if (!rt || !rt.hasStaticShape())
    return {};
  if (input.getType() == resultType)
    return input;
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(inputAttr))
    return dense.reshape(rt);
  return {};
}

LogicalResult FlattenOp::verify() {
  int64_t rank = rankOf(getInput());
  if (rank < 0)
    return success();
  FailureOr<int64_t> axis =
      normalizeAxis(*this, getAxis(), rank, "axis", /*extended=*/true);
  if (failed(axis))
    return failure();
  auto prod = [](ArrayRef<int64_t> dims) {
    int64_t p = 1;
    for (int64_t d : dims) {
      if (d == kDyn)
        return kDyn;
      p *= d;
    }
    return p;
  };
  ArrayRef<int64_t> in = shapeOf(getInput());
  return checkResultShape(
      *this, getOutput(),
      {prod(in.take_front(*axis)), prod(in.drop_front(*axis))});
}

OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getInput(), adaptor.getInput(), getType());
}

LogicalResult ReshapeOp::verify() {
  if (rankOf(getShape()) >= 0 && rankOf(getShape()) != 1)
    return emitOpError("shape must be 1-D");
  if (getElementTypeOrSelf(getData().getType()) !=
      getElementTypeOrSelf(getReshaped().getType()))
    return emitOpError("element type must not change");
  if (rankOf(getShape()) == 1 && rankOf(getReshaped()) >= 0 &&
      shapeOf(getShape())[0] != kDyn &&
      shapeOf(getShape())[0] != rankOf(getReshaped()))
    return emitOpError() << "shape has " << shapeOf(getShape())[0]
                         << " entries but the result has rank "
                         << rankOf(getReshaped());
  auto in = dyn_cast<RankedTensorType>(getData().getType());
  auto out = dyn_cast<RankedTensorType>(getReshaped().getType());
  if (in && out && in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError() << "cannot reshape " << in.getNumElements()
                         << " elements into " << out.getNumElements();
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getData(), adaptor.getData(), getType());
}

LogicalResult TransposeOp::verify() {
  int64_t rank = rankOf(getData());
  ArrayRef<int64_t> perm = getPerm();
  if (rank >= 0 && (int64_t)perm.size() != rank)
    return emitOpError() << "perm has " << perm.size()
                         << " entries for rank " << rank;
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t p : perm)
    if (p < 0 || p >= (int64_t)perm.size() || !seen.insert(p).second)
      return emitOpError("perm must be a permutation of 0..rank-1");
  if (rank < 0)
    return success();
  SmallVector<int64_t> expected;
  for (int64_t p : perm)
    expected.push_back(shapeOf(getData())[p]);
  return checkResultShape(*this, getTransposed(), expected);
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  bool identity = llvm::all_of(llvm::enumerate(getPerm()), [](auto it) {
    return (int64_t)it.index() == it.value();
  });
  if (identity && getData().getType() == getType())
    return getData();
  if (auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getData()))
    if (auto rt = dyn_cast<RankedTensorType>(getType());
        rt && rt.hasStaticShape())
      return splat.reshape(rt);
  return {};
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  Type elt = getElementTypeOrSelf(getType());
  int64_t rank = rankOf(getConcatResult());
  for (Value v : getInputs()) {
    if (getElementTypeOrSelf(v.getType()) != elt)
      return emitOpError("inputs and result need one element type");
    if (rankOf(v) >= 0) {
      if (rank >= 0 && rankOf(v) != rank)
        return emitOpError("inputs and result need one rank");
      rank = rankOf(v);
    }
  }
  if (rank < 0)
    return success();
  FailureOr<int64_t> axis = normalizeAxis(*this, getAxis(), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> expected(rank, kDyn);
  int64_t sum = 0;
  for (Value v : getInputs()) {
    if (rankOf(v) < 0) {
      sum = kDyn;
      continue;
    }
    ArrayRef<int64_t> s = shapeOf(v);
    for (int64_t i = 0; i < rank; ++i) {
      if (i == *axis)
        continue;
      if (s[i] != kDyn && expected[i] != kDyn && s[i] != expected[i])
        return emitOpError() << "inputs differ in dim " << i;
      if (s[i] != kDyn)
        expected[i] = s[i];
    }
    sum = (sum == kDyn || s[*axis] == kDyn) ? kDyn : sum + s[*axis];
  }
  expected[*axis] = sum;
  return checkResultShape(*this, getConcatResult(), expected);
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  // Concatenate constant 1-D vectors (shape computations).
  auto rt = dyn_cast<RankedTensorType>(getType());
  if (!rt || rt.getRank() != 1 || !rt.hasStaticShape())
    return {};
  SmallVector<Attribute> elements;
  for (Attribute a : adaptor.getInputs()) {
    auto dense = dyn_cast_or_null<DenseElementsAttr>(a);
    if (!dense)
      return {};
    llvm::append_range(elements, dense.getValues<Attribute>());
  }
  if ((int64_t)elements.size() != rt.getNumElements())
    return {};
  return DenseElementsAttr::get(rt, elements);
}

LogicalResult SplitOp::verify() {
  if ((int64_t)getSplit().size() != (int64_t)getOutputs().size())
    return emitOpError() << "split has " << getSplit().size()
                         << " sizes for " << getOutputs().size() << " outputs";
  for (int64_t s : getSplit())
    if (s < 0)
      return emitOpError("split sizes must not be negative");
  int64_t rank = rankOf(getInput());
  if (rank < 0)
    return success();
  FailureOr<int64_t> axis = normalizeAxis(*this, getAxis(), rank);
  if (failed(axis))
    return failure();
  int64_t total = 0;
  for (int64_t s : getSplit())
    total += s;
  int64_t dim = shapeOf(getInput())[*axis];
  if (dim != kDyn && total != dim)
    return emitOpError() << "split sizes add up to " << total
                         << " but the axis has " << dim;
  for (auto [out, size] : llvm::zip(getOutputs(), getSplit())) {
    SmallVector<int64_t> expected(shapeOf(getInput()));
    expected[*axis] = size;
    if (failed(checkResultShape(*this, out, expected)))
      return failure();
  }
  return success();
}

LogicalResult SliceOp::verify() {
  for (Value v : {getStarts(), getEnds(), getAxes(), getSteps()})
    if (rankOf(v) >= 0 && rankOf(v) != 1)
      return emitOpError("starts, ends, axes and steps must be 1-D");
  int64_t n = kDyn;
  for (Value v : {getStarts(), getEnds(), getAxes(), getSteps()}) {
    if (rankOf(v) < 0 || shapeOf(v)[0] == kDyn)
      continue;
    if (n != kDyn && shapeOf(v)[0] != n)
      return emitOpError("starts, ends, axes and steps need one length");
    n = shapeOf(v)[0];
  }
  if (rankOf(getData()) >= 0 && rankOf(getOutput()) >= 0 &&
      rankOf(getData()) != rankOf(getOutput()))
    return emitOpError("slicing must keep the rank");
  DenseIntElementsAttr steps;
  if (matchPattern(getSteps(), m_Constant(&steps)))
    for (const APInt &s : steps.getValues<APInt>())
      if (s.isZero())
        return emitOpError("steps must not be zero");
  return success();
}

/// The elements of a constant `data` in the box [offsets, offsets + sizes)
/// with `steps` per dim, in row-major order (Slice and Split on constants).
static SmallVector<Attribute> sliceElements(DenseElementsAttr data,
                                            ArrayRef<int64_t> offsets,
                                            ArrayRef<int64_t> sizes,
                                            ArrayRef<int64_t> steps) {
  ArrayRef<int64_t> shape = data.getType().getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  auto all = llvm::to_vector(data.getValues<Attribute>());
  SmallVector<Attribute> out;
  int64_t count = 1;
  for (int64_t s : sizes)
    count *= s;
  if (count == 0)
    return out;
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t linear = 0;
    for (int64_t d = 0; d < rank; ++d)
      linear += (offsets[d] + idx[d] * steps[d]) * strides[d];
    out.push_back(data.isSplat() ? all[0] : all[linear]);
    for (int64_t d = rank - 1; d >= 0 && ++idx[d] == sizes[d]; --d)
      idx[d] = 0;
  }
  return out;
}

/// Largest constant folded by Slice and Split: they serve shape and pad
/// computations at import, not weights.
static constexpr int64_t kMaxFoldedSliceElements = 1 << 16;

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  auto data = dyn_cast_or_null<DenseElementsAttr>(adaptor.getData());
  auto rt = dyn_cast<RankedTensorType>(getType());
  if (!data || !rt || !rt.hasStaticShape() ||
      !data.getType().hasStaticShape() ||
      data.getNumElements() > kMaxFoldedSliceElements)
    return {};
  auto ints = [](Attribute a) -> std::optional<SmallVector<int64_t>> {
    auto d = dyn_cast_or_null<DenseIntElementsAttr>(a);
    if (!d)
      return std::nullopt;
    SmallVector<int64_t> v;
    for (const APInt &x : d.getValues<APInt>())
      v.push_back(x.getSExtValue());
    return v;
  };
  auto starts = ints(adaptor.getStarts()), ends = ints(adaptor.getEnds()),
       axes = ints(adaptor.getAxes()), steps = ints(adaptor.getSteps());
  if (!starts || !ends || !axes || !steps || starts->size() != ends->size() ||
      starts->size() != axes->size() || starts->size() != steps->size())
    return {};
  ArrayRef<int64_t> shape = data.getType().getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t> offsets(rank, 0), sizes(shape), strides(rank, 1);
  for (size_t i = 0; i < axes->size(); ++i) {
    int64_t a = (*axes)[i] < 0 ? (*axes)[i] + rank : (*axes)[i];
    int64_t step = (*steps)[i], dim = shape[a];
    if (a < 0 || a >= rank || step == 0)
      return {};
    // ONNX's clamping: [0, dim] going forward, [-1, dim - 1] going back.
    auto clampIndex = [&](int64_t v) {
      if (v < 0)
        v = v <= INT64_MIN + dim ? -1 : v + dim;
      return step > 0 ? std::clamp<int64_t>(v, 0, dim)
                      : std::clamp<int64_t>(v, -1, dim - 1);
    };
    int64_t b = clampIndex((*starts)[i]), e = clampIndex((*ends)[i]);
    int64_t n = step > 0 ? (e > b ? (e - b + step - 1) / step : 0)
                         : (b > e ? (b - e - step - 1) / -step : 0);
    offsets[a] = n ? b : 0;
    sizes[a] = n;
    strides[a] = step;
  }
  if (ArrayRef<int64_t>(sizes) != rt.getShape())
    return {};
  return DenseElementsAttr::get(rt, sliceElements(data, offsets, sizes,
                                                  strides));
}

LogicalResult SplitOp::fold(FoldAdaptor adaptor,
                            SmallVectorImpl<OpFoldResult> &results) {
  auto data = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (!data || !data.getType().hasStaticShape() ||
      data.getNumElements() > kMaxFoldedSliceElements)
    return failure();
  ArrayRef<int64_t> shape = data.getType().getShape();
  int64_t rank = shape.size();
  int64_t axis = getAxis() < 0 ? getAxis() + rank : getAxis();
  if (axis < 0 || axis >= rank)
    return failure();
  SmallVector<int64_t> offsets(rank, 0), sizes(shape), steps(rank, 1);
  SmallVector<OpFoldResult> folded;
  for (auto [out, size] : llvm::zip(getOutputs(), getSplit())) {
    auto rt = dyn_cast<RankedTensorType>(out.getType());
    sizes[axis] = size;
    if (!rt || ArrayRef<int64_t>(sizes) != rt.getShape() ||
        offsets[axis] + size > shape[axis])
      return failure();
    folded.push_back(DenseElementsAttr::get(
        rt, sliceElements(data, offsets, sizes, steps)));
    offsets[axis] += size;
  }
  results.append(folded.begin(), folded.end());
  return success();
}

LogicalResult GatherOp::verify() {
  int64_t rank = rankOf(getData());
  if (rank < 0)
    return success();
  if (rank == 0)
    return emitOpError("data must have rank >= 1");
  FailureOr<int64_t> axis = normalizeAxis(*this, getAxis(), rank);
  if (failed(axis))
    return failure();
  if (rankOf(getIndices()) < 0)
    return success();
  ArrayRef<int64_t> d = shapeOf(getData());
  SmallVector<int64_t> expected(d.begin(), d.begin() + *axis);
  llvm::append_range(expected, shapeOf(getIndices()));
  expected.append(d.begin() + *axis + 1, d.end());
  return checkResultShape(*this, getOutput(), expected);
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  // Gather from a constant vector with constant indices (shape arithmetic).
  auto data = dyn_cast_or_null<DenseElementsAttr>(adaptor.getData());
  auto indices = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getIndices());
  auto rt = dyn_cast<RankedTensorType>(getType());
  if (!data || !indices || !rt || !rt.hasStaticShape() ||
      data.getType().getRank() != 1)
    return {};
  int64_t n = data.getNumElements();
  SmallVector<Attribute> values;
  auto all = llvm::to_vector(data.getValues<Attribute>());
  for (const APInt &i : indices.getValues<APInt>()) {
    int64_t idx = i.getSExtValue();
    if (idx < 0)
      idx += n;
    if (idx < 0 || idx >= n)
      return {};
    values.push_back(all[idx]);
  }
  return DenseElementsAttr::get(rt, values);
}

LogicalResult UnsqueezeOp::verify() {
  int64_t inRank = rankOf(getData());
  if (getAxes().empty())
    return emitOpError("axes must not be empty");
  if (inRank < 0)
    return success();
  int64_t outRank = inRank + getAxes().size();
  llvm::SmallSet<int64_t, 4> axes;
  for (int64_t a : getAxes()) {
    FailureOr<int64_t> n = normalizeAxis(*this, a, outRank);
    if (failed(n))
      return failure();
    if (!axes.insert(*n).second)
      return emitOpError() << "axis " << a << " is repeated";
  }
  SmallVector<int64_t> expected;
  ArrayRef<int64_t> in = shapeOf(getData());
  for (int64_t i = 0, j = 0; i < outRank; ++i)
    expected.push_back(axes.contains(i) ? 1 : in[j++]);
  return checkResultShape(*this, getExpanded(), expected);
}

OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getData(), adaptor.getData(), getType());
}

LogicalResult SqueezeOp::verify() {
  int64_t rank = rankOf(getData());
  if (rank < 0)
    return success();
  llvm::SmallSet<int64_t, 4> axes;
  for (int64_t a : getAxes()) {
    FailureOr<int64_t> n = normalizeAxis(*this, a, rank);
    if (failed(n))
      return failure();
    int64_t d = shapeOf(getData())[*n];
    if (d != 1 && d != kDyn)
      return emitOpError() << "cannot squeeze axis " << a << " of size " << d;
    axes.insert(*n);
  }
  SmallVector<int64_t> expected;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = shapeOf(getData())[i];
    bool squeezed = getAxes().empty() ? d == 1 : axes.contains(i);
    if (!squeezed)
      expected.push_back(d);
  }
  // Without axes, a dynamic dim may or may not be squeezed: check only when
  // every dim is known.
  if (getAxes().empty() && llvm::any_of(shapeOf(getData()),
                                        ShapedType::isDynamic))
    return success();
  return checkResultShape(*this, getSqueezed(), expected);
}

OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getData(), adaptor.getData(), getType());
}

LogicalResult ExpandOp::verify() {
  if (rankOf(getShape()) >= 0 && rankOf(getShape()) != 1)
    return emitOpError("shape must be 1-D");
  if (getElementTypeOrSelf(getInput().getType()) !=
      getElementTypeOrSelf(getOutput().getType()))
    return emitOpError("element type must not change");
  // With a constant shape the result is the numpy broadcast of both.
  DenseIntElementsAttr shape;
  if (rankOf(getInput()) < 0 || !matchPattern(getShape(), m_Constant(&shape)))
    return success();
  SmallVector<int64_t> want, expected;
  for (const APInt &v : shape.getValues<APInt>())
    want.push_back(v.getSExtValue());
  if (!OpTrait::util::getBroadcastedShape(shapeOf(getInput()), want, expected))
    return emitOpError("input is not broadcastable to the requested shape");
  return checkResultShape(*this, getOutput(), expected);
}

LogicalResult PadOp::verify() {
  int64_t rank = rankOf(getData());
  if (rank < 0)
    return success();
  if ((int64_t)getPads().size() != 2 * rank)
    return emitOpError() << "pads needs " << 2 * rank << " values, got "
                         << getPads().size();
  SmallVector<int64_t> expected;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = shapeOf(getData())[i];
    expected.push_back(d == kDyn ? kDyn
                                 : d + getPads()[i] + getPads()[i + rank]);
    if (expected.back() != kDyn && expected.back() < 0)
      return emitOpError() << "negative pads crop more than dim " << i << " has";
  }
  return checkResultShape(*this, getOutput(), expected);
}

bool ResizeOp::isInterpolatedAxis(int64_t a) {
  if (auto s = getScales())
    return a < (int64_t)s->size() && (*s)[a] != 1.0f;
  if (auto z = getSizes()) {
    if (a >= (int64_t)z->size())
      return false;
    int64_t rank = rankOf(getX());
    if (rank < 0 || a >= rank)
      return true;
    return shapeOf(getX())[a] != (*z)[a];
  }
  return false;
}

int64_t ResizeOp::getInterpolatedAxes() {
  int64_t n = getScales() ? getScales()->size()
              : getSizes() ? getSizes()->size()
                           : 0;
  int64_t k = 0;
  for (int64_t a = 0; a < n; ++a)
    k += isInterpolatedAxis(a);
  return k;
}

LogicalResult ResizeOp::verify() {
  if (getScales().has_value() == getSizes().has_value())
    return emitOpError("exactly one of scales and sizes must be given");
  if (auto f = getWeightFractionBits()) {
    if (getMode() != ResizeMode::Linear ||
        getCoordinateTransformationMode() ==
            CoordinateTransformationMode::TfCropAndResize ||
        !isa<IntegerType>(getElementTypeOrSelf(getX().getType())) ||
        !isa<IntegerType>(getElementTypeOrSelf(getY().getType())))
      return emitOpError("weight_fraction_bits is for a linear resize of "
                         "integers to integers (not tf_crop_and_resize)");
    if (*f < 1 || *f > 24)
      return emitOpError("weight_fraction_bits must be in 1..24");
  }
  int64_t rank = rankOf(getX());
  if (rank < 0)
    return success();
  if (getScales()) {
    if ((int64_t)getScales()->size() != rank)
      return emitOpError() << "scales needs " << rank << " values";
    SmallVector<int64_t> expected;
    for (int64_t i = 0; i < rank; ++i) {
      float s = (*getScales())[i];
      if (s <= 0)
        return emitOpError("scales must be positive");
      int64_t d = shapeOf(getX())[i];
      expected.push_back(d == kDyn ? kDyn : (int64_t)std::floor(d * s));
    }
    return checkResultShape(*this, getY(), expected);
  }
  if ((int64_t)getSizes()->size() != rank)
    return emitOpError() << "sizes needs " << rank << " values";
  return checkResultShape(*this, getY(), *getSizes());
}

//===----------------------------------------------------------------------===//
// Ops of exported models: reductions, arg reductions, TopK, shape
// generators, block rearrangements, instance normalization
//===----------------------------------------------------------------------===//

LogicalResult ReduceMaxOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMinOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceProdOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceL1Op::verify() { return verifyReduce(*this); }
LogicalResult ReduceL2Op::verify() { return verifyReduce(*this); }
LogicalResult ReduceSumSquareOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceLogSumOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceLogSumExpOp::verify() { return verifyReduce(*this); }

template <typename ArgOp>
static LogicalResult verifyArgReduce(ArgOp op) {
  int64_t rank = rankOf(op.getData());
  if (rank < 0)
    return success();
  FailureOr<int64_t> axis = normalizeAxis(op, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> expected;
  for (int64_t i = 0; i < rank; ++i) {
    if (i != *axis)
      expected.push_back(shapeOf(op.getData())[i]);
    else if (op.getKeepdims())
      expected.push_back(1);
  }
  return checkResultShape(op, op.getReduced(), expected);
}

LogicalResult ArgMaxOp::verify() { return verifyArgReduce(*this); }
LogicalResult ArgMinOp::verify() { return verifyArgReduce(*this); }

LogicalResult TopKOp::verify() {
  int64_t k = getKAttr().getInt();
  if (k < 0)
    return emitOpError() << "k must be >= 0, got " << k;
  if (getElementTypeOrSelf(getValues().getType()) !=
      getElementTypeOrSelf(getX().getType()))
    return emitOpError("values must have the input's element type");
  int64_t rank = rankOf(getX());
  if (rank < 0)
    return success();
  FailureOr<int64_t> axis = normalizeAxis(*this, getAxis(), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> expected(shapeOf(getX()));
  if (expected[*axis] != kDyn && k > expected[*axis])
    return emitOpError() << "k " << k << " is larger than dim " << *axis
                         << " (" << expected[*axis] << ")";
  expected[*axis] = k;
  if (failed(checkResultShape(*this, getValues(), expected)))
    return failure();
  return checkResultShape(*this, getIndices(), expected);
}

LogicalResult ConstantOfShapeOp::verify() {
  Type elt = getElementTypeOrSelf(getOutput().getType());
  auto value = dyn_cast<TypedAttr>(getValue());
  if (!isa_and_nonnull<IntegerAttr, FloatAttr>(value) ||
      value.getType() != elt)
    return emitOpError() << "value must be a scalar of the result's element "
                            "type "
                         << elt;
  int64_t inRank = rankOf(getInput());
  if (inRank >= 0 && inRank != 1)
    return emitOpError("shape must be 1-D");
  int64_t rank = rankOf(getOutput());
  if (inRank == 1 && rank >= 0 && shapeOf(getInput())[0] != kDyn &&
      shapeOf(getInput())[0] != rank)
    return emitOpError() << "result rank " << rank << " but the shape has "
                         << shapeOf(getInput())[0] << " values";
  return success();
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor adaptor) {
  auto shape = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  auto type = dyn_cast<RankedTensorType>(getType());
  if (!shape || !type || !type.hasStaticShape())
    return {};
  SmallVector<int64_t> dims;
  for (const APInt &d : shape.getValues<APInt>())
    dims.push_back(d.getSExtValue());
  if (!llvm::equal(dims, type.getShape()))
    return {};
  return DenseElementsAttr::get(type, getValue());
}

LogicalResult RangeOp::verify() {
  Type elt = getElementTypeOrSelf(getOutput().getType());
  for (Value v : {getStart(), getLimit(), getDelta()}) {
    if (getElementTypeOrSelf(v.getType()) != elt)
      return emitOpError("start, limit and delta must have the result's "
                         "element type");
    int64_t r = rankOf(v);
    if (r > 0 && !(r == 1 && shapeOf(v)[0] == 1))
      return emitOpError("start, limit and delta must be scalars");
  }
  if (rankOf(getOutput()) >= 0 && rankOf(getOutput()) != 1)
    return emitOpError("result must be 1-D");
  return success();
}

/// The values of a Range whose operands are the constants `s`, `l`, `d`;
/// failure when the delta is 0 or the count is not representable.
static FailureOr<DenseElementsAttr> rangeValues(RankedTensorType type,
                                                Attribute s, Attribute l,
                                                Attribute d) {
  auto ds = dyn_cast_or_null<DenseElementsAttr>(s);
  auto dl = dyn_cast_or_null<DenseElementsAttr>(l);
  auto dd = dyn_cast_or_null<DenseElementsAttr>(d);
  if (!ds || !dl || !dd || ds.getNumElements() != 1 ||
      dl.getNumElements() != 1 || dd.getNumElements() != 1)
    return failure();
  Type elt = type.getElementType();
  if (auto it = dyn_cast<IntegerType>(elt)) {
    bool u = it.isUnsigned();
    auto get = [&](DenseElementsAttr a) {
      APInt v = *a.getValues<APInt>().begin();
      return u ? (int64_t)v.getZExtValue() : v.getSExtValue();
    };
    int64_t start = get(ds), limit = get(dl), delta = get(dd);
    if (delta == 0)
      return failure();
    // ceil((limit - start) / delta) in 128 bits.
    __int128 num = (__int128)limit - start;
    __int128 q = num / delta;
    if (q * delta != num && ((num < 0) == (delta < 0)))
      ++q;
    int64_t n = q < 0 ? 0 : (q > ((__int128)1 << 40) ? -1 : (int64_t)q);
    if (n < 0 || type.getDimSize(0) != n)
      return failure();
    SmallVector<APInt> vals;
    for (int64_t i = 0; i < n; ++i)
      vals.push_back(APInt(it.getWidth(), (uint64_t)(start + i * delta),
                           /*isSigned=*/!u));
    return DenseElementsAttr::get(type, vals);
  }
  auto ft = dyn_cast<FloatType>(elt);
  if (!ft)
    return failure();
  auto get = [](DenseElementsAttr a) {
    return (*a.getValues<APFloat>().begin()).convertToDouble();
  };
  double start = get(ds), limit = get(dl), delta = get(dd);
  double count = std::ceil((limit - start) / delta);
  if (!std::isfinite(count) || count > (double)((int64_t)1 << 40))
    return failure();
  int64_t n = count < 0 ? 0 : (int64_t)count;
  if (type.getDimSize(0) != n)
    return failure();
  SmallVector<APFloat> vals;
  for (int64_t i = 0; i < n; ++i) {
    APFloat v(start + (double)i * delta);
    bool lost;
    v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    vals.push_back(v);
  }
  return DenseElementsAttr::get(type, vals);
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  auto type = dyn_cast<RankedTensorType>(getType());
  if (!type || !type.hasStaticShape())
    return {};
  auto v = rangeValues(type, adaptor.getStart(), adaptor.getLimit(),
                       adaptor.getDelta());
  if (failed(v))
    return {};
  return *v;
}

LogicalResult TileOp::verify() {
  int64_t rank = rankOf(getInput());
  if (rank < 0)
    return success();
  if ((int64_t)getRepeats().size() != rank)
    return emitOpError() << "repeats needs " << rank << " values, got "
                         << getRepeats().size();
  SmallVector<int64_t> expected;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t r = getRepeats()[i], d = shapeOf(getInput())[i];
    if (r < 0)
      return emitOpError() << "repeats must be >= 0, got " << r;
    expected.push_back(d == kDyn ? kDyn : d * r);
  }
  return checkResultShape(*this, getOutput(), expected);
}

/// DepthToSpace (`toSpace`) or SpaceToDepth: rank 4, a block size >= 1 that
/// divides the dims it splits.
static LogicalResult verifyBlockRearrange(Operation *op, Value in, Value out,
                                          int64_t b, bool toSpace) {
  if (b < 1)
    return op->emitOpError() << "blocksize must be >= 1, got " << b;
  int64_t rank = rankOf(in);
  if (rank < 0)
    return success();
  if (rank != 4)
    return op->emitOpError() << "input must have rank 4, got " << rank;
  ArrayRef<int64_t> s = shapeOf(in);
  auto div = [&](int64_t d, int64_t by, StringRef what) -> FailureOr<int64_t> {
    if (d == kDyn)
      return kDyn;
    if (d % by != 0) {
      op->emitOpError() << what << " " << d << " is not a multiple of " << by;
      return failure();
    }
    return d / by;
  };
  auto mul = [](int64_t d, int64_t by) { return d == kDyn ? kDyn : d * by; };
  SmallVector<int64_t> expected{s[0]};
  if (toSpace) {
    auto c = div(s[1], b * b, "channels");
    if (failed(c))
      return failure();
    expected.append({*c, mul(s[2], b), mul(s[3], b)});
  } else {
    auto h = div(s[2], b, "height"), w = div(s[3], b, "width");
    if (failed(h) || failed(w))
      return failure();
    expected.append({mul(s[1], b * b), *h, *w});
  }
  return checkResultShape(op, out, expected);
}

LogicalResult DepthToSpaceOp::verify() {
  return verifyBlockRearrange(*this, getInput(), getOutput(), getBlocksize(),
                              /*toSpace=*/true);
}

LogicalResult SpaceToDepthOp::verify() {
  return verifyBlockRearrange(*this, getInput(), getOutput(), getBlocksize(),
                              /*toSpace=*/false);
}

LogicalResult InstanceNormalizationOp::verify() {
  int64_t rank = rankOf(getInput());
  if (rank < 0)
    return success();
  if (rank < 3)
    return emitOpError() << "input must have rank >= 3, got " << rank;
  int64_t c = shapeOf(getInput())[1];
  for (Value v : {getScale(), getB()}) {
    int64_t r = rankOf(v);
    if (r < 0)
      continue;
    if (r != 1)
      return emitOpError("scale and B must be 1-D");
    if (failed(checkDim(*this, "scale / B", 0, c, shapeOf(v)[0])))
      return failure();
  }
  return checkResultShape(*this, getOutput(), shapeOf(getInput()));
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

/// Per-axis quantized types must quantize an existing dim of matching size.
static LogicalResult verifyQuantType(Operation *op, Value quantized,
                                     Value floatValue) {
  auto qt = cast<quant::QuantizedType>(getElementTypeOrSelf(quantized.getType()));
  if (qt.getExpressedType() != getElementTypeOrSelf(floatValue.getType()))
    return op->emitOpError() << "float type "
                             << getElementTypeOrSelf(floatValue.getType())
                             << " does not match the expressed type "
                             << qt.getExpressedType();
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(qt)) {
    int64_t rank = rankOf(quantized);
    if (rank < 0)
      return success();
    if (pa.getQuantizedDimension() >= rank)
      return op->emitOpError() << "quantized dimension "
                               << pa.getQuantizedDimension()
                               << " is out of range for rank " << rank;
    int64_t d = shapeOf(quantized)[pa.getQuantizedDimension()];
    if (d != kDyn && d != (int64_t)pa.getScales().size())
      return op->emitOpError() << "per-axis type has " << pa.getScales().size()
                               << " scales for a dim of size " << d;
  }
  return success();
}

LogicalResult QuantizeOp::verify() {
  return verifyQuantType(*this, getOutput(), getInput());
}

LogicalResult DequantizeOp::verify() {
  return verifyQuantType(*this, getInput(), getOutput());
}

/// Run-time scale / zero point: scalar, or 1-D of the axis' size.
static LogicalResult verifyRuntimeQParams(Operation *op, Value data,
                                          Value scale, Value zp,
                                          int64_t axis) {
  int64_t sr = rankOf(scale);
  if (sr > 1)
    return op->emitOpError("scale must be a scalar or 1-D");
  if (zp && rankOf(zp) >= 0 && sr >= 0) {
    if (rankOf(zp) != sr ||
        (sr == 1 && shapeOf(zp)[0] != kDyn && shapeOf(scale)[0] != kDyn &&
         shapeOf(zp)[0] != shapeOf(scale)[0]))
      return op->emitOpError("zero point and scale need one shape");
  }
  // A 1-D scale of one element is per tensor.
  if (sr == 1 && shapeOf(scale)[0] != 1 && rankOf(data) >= 0) {
    FailureOr<int64_t> a = normalizeAxis(op, axis, rankOf(data));
    if (failed(a))
      return failure();
    if (failed(checkDim(op, "per-axis scale", 0, shapeOf(data)[*a],
                        shapeOf(scale)[0])))
      return failure();
  }
  return success();
}

LogicalResult QuantizeLinearOp::verify() {
  if (getYZeroPoint() && getElementTypeOrSelf(getYZeroPoint().getType()) !=
                             getElementTypeOrSelf(getY().getType()))
    return emitOpError("zero point type must be the result type");
  if (rankOf(getX()) >= 0 &&
      failed(checkResultShape(*this, getY(), shapeOf(getX()))))
    return failure();
  return verifyRuntimeQParams(*this, getX(), getYScale(), getYZeroPoint(),
                              getAxis());
}

LogicalResult DequantizeLinearOp::verify() {
  if (getXZeroPoint() && getElementTypeOrSelf(getXZeroPoint().getType()) !=
                             getElementTypeOrSelf(getX().getType()))
    return emitOpError("zero point type must be the input type");
  if (rankOf(getX()) >= 0 &&
      failed(checkResultShape(*this, getY(), shapeOf(getX()))))
    return failure();
  return verifyRuntimeQParams(*this, getX(), getXScale(), getXZeroPoint(),
                              getAxis());
}

LogicalResult DynamicQuantizeLinearOp::verify() {
  if (rankOf(getYScale()) > 0 || rankOf(getYZeroPoint()) > 0)
    return emitOpError("scale and zero point are scalars");
  if (rankOf(getX()) >= 0 &&
      failed(checkResultShape(*this, getY(), shapeOf(getX()))))
    return failure();
  return success();
}

#define GET_OP_CLASSES
#include "dyad/Dialect/Dyad/DyadOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Integer-only ops
//===----------------------------------------------------------------------===//

/// Range of an integer element type (signless = signed).
static std::pair<int64_t, int64_t> intRange(IntegerType t) {
  unsigned w = t.getWidth();
  if (t.isUnsigned())
    return {0, w >= 64 ? INT64_MAX : (int64_t)APInt::getMaxValue(w).getZExtValue()};
  return {APInt::getSignedMinValue(w).getSExtValue(),
          APInt::getSignedMaxValue(w).getSExtValue()};
}

/// clamp_min / clamp_max of an integer op (dyad.requant, the integer
/// kernels): a non-empty range inside the result type.
static LogicalResult checkClamp(Operation *op, std::optional<uint64_t> cmin,
                                std::optional<uint64_t> cmax,
                                IntegerType out) {
  auto [tlo, thi] = intRange(out);
  int64_t lo = cmin ? (int64_t)*cmin : tlo, hi = cmax ? (int64_t)*cmax : thi;
  if (lo > hi || lo < tlo || hi > thi)
    return op->emitOpError("clamp range [")
           << lo << ", " << hi << "] is empty or outside the result type "
           << out;
  return success();
}

std::pair<int64_t, int64_t> RequantOp::getClampRange() {
  auto range = intRange(cast<IntegerType>(getElementTypeOrSelf(getType())));
  if (auto lo = getClampMinAttr())
    range.first = lo.getValue().getSExtValue();
  if (auto hi = getClampMaxAttr())
    range.second = hi.getValue().getSExtValue();
  return range;
}

LogicalResult RequantOp::verify() {
  auto in = cast<IntegerType>(getElementTypeOrSelf(getInput().getType()));
  auto out = cast<IntegerType>(getElementTypeOrSelf(getType()));
  if (in.getWidth() > 64 || out.getWidth() > 32)
    return emitOpError("reads integers of at most 64 bits and produces "
                       "integers of at most 32 bits");
  ArrayRef<int32_t> mult = getMultiplier(), shift = getShift();
  if (mult.empty() || mult.size() != shift.size())
    return emitOpError("needs one shift per multiplier (and at least one)");
  for (int32_t b : mult)
    if (b < 0)
      return emitOpError("multiplier ") << b << " is negative";
  for (int32_t c : shift)
    if (c < 0 || c > 63)
      return emitOpError("shift ") << c << " is outside [0, 63]";
  if (rankOf(getInput()) >= 0 && rankOf(getOutput()) >= 0) {
    if (rankOf(getInput()) != rankOf(getOutput()))
      return emitOpError("input and result ranks differ");
    for (auto [a, b] : llvm::zip(shapeOf(getInput()), shapeOf(getOutput())))
      if (a != kDyn && b != kDyn && a != b)
        return emitOpError("input and result shapes differ");
  }
  if (mult.size() > 1 && rankOf(getInput()) >= 0) {
    FailureOr<int64_t> a =
        normalizeAxis(*this, (int64_t)getAxis(), rankOf(getInput()));
    if (failed(a))
      return failure();
    if (failed(checkDim(*this, "per-channel multiplier", 0,
                        shapeOf(getInput())[*a], (int64_t)mult.size())))
      return failure();
  }
  return checkClamp(*this, getClampMin(), getClampMax(), out);
}

/// Input and result of an integer-only op: same rank and (known) dims.
static LogicalResult checkSameShape(Operation *op, Value in, Value out) {
  if (rankOf(in) < 0 || rankOf(out) < 0)
    return success();
  if (rankOf(in) != rankOf(out))
    return op->emitOpError("input and result ranks differ");
  for (auto [a, b] : llvm::zip(shapeOf(in), shapeOf(out)))
    if (a != kDyn && b != kDyn && a != b)
      return op->emitOpError("input and result shapes differ");
  return success();
}

LogicalResult LookupOp::verify() {
  auto in = cast<IntegerType>(getElementTypeOrSelf(getInput().getType()));
  auto out = cast<IntegerType>(getElementTypeOrSelf(getType()));
  if (in.getWidth() > 16)
    return emitOpError("looks up integers of at most 16 bits");
  ArrayRef<int32_t> table = getTable();
  if (table.empty() || table.size() > (size_t(1) << 16))
    return emitOpError("needs 1 to 65536 table entries, not ") << table.size();
  auto [lo, hi] = intRange(out);
  for (int32_t v : table)
    if (v < lo || v > hi)
      return emitOpError("table value ") << v << " does not fit " << out;
  return checkSameShape(*this, getInput(), getOutput());
}

LogicalResult IntSoftmaxOp::verify() {
  auto out = cast<IntegerType>(getElementTypeOrSelf(getType()));
  auto in = cast<IntegerType>(getElementTypeOrSelf(getInput().getType()));
  if (in.getWidth() > 16 || out.getWidth() > 32)
    return emitOpError("operates on inputs of at most 16 bits");
  ArrayRef<int32_t> table = getExpTable();
  if (table.empty() || table.size() > (size_t(1) << 17))
    return emitOpError("needs 1 to 131072 exp_table entries");
  if (table[0] != (1 << 30))
    return emitOpError("exp_table[0] must be 2^30 (exp(0))");
  for (int32_t v : table)
    if (v < 0 || v > (1 << 30))
      return emitOpError("exp_table value ") << v << " is outside [0, 2^30]";
  if ((int64_t)getShift() < 1 || (int64_t)getShift() > 62)
    return emitOpError("shift ") << (int64_t)getShift() << " is outside [1, 62]";
  if ((int64_t)getNumerator() <= 0 || (int64_t)getNumerator() >= (int64_t(1) << 62))
    return emitOpError("numerator must be in (0, 2^62)");
  auto [lo, hi] = intRange(out);
  if ((int64_t)getOutputZp() < lo || (int64_t)getOutputZp() > hi)
    return emitOpError("output_zp is outside the result type");
  if (failed(checkClamp(*this, getClampMin(), getClampMax(), out)))
    return failure();
  if (rankOf(getInput()) >= 0 &&
      failed(normalizeAxis(*this, (int64_t)getAxis(), rankOf(getInput()))))
    return failure();
  return checkSameShape(*this, getInput(), getOutput());
}

LogicalResult IntLayerNormOp::verify() {
  auto in = cast<IntegerType>(getElementTypeOrSelf(getInput().getType()));
  auto out = cast<IntegerType>(getElementTypeOrSelf(getType()));
  if (in.getWidth() > 16 || out.getWidth() > 32)
    return emitOpError("operates on inputs of at most 16 bits");
  int64_t k = (int64_t)getSqrtShift(), f = (int64_t)getFracBits(), s = (int64_t)getOutShift();
  if (k < 0 || k > 30)
    return emitOpError("sqrt_shift ") << k << " is outside [0, 30]";
  if (f < 0 || f > 62 - k)
    return emitOpError("frac_bits ") << f << " is outside [0, 62 - sqrt_shift]";
  if (s < 1 || s > 62)
    return emitOpError("out_shift ") << s << " is outside [1, 62]";
  if ((int64_t)getEpsilon() < 0)
    return emitOpError("epsilon is negative");
  if (getScale().empty() || getScale().size() != getBias().size())
    return emitOpError("needs one scale and one bias per normalized element");
  if (failed(checkClamp(*this, getClampMin(), getClampMax(), out)))
    return failure();
  int64_t rank = rankOf(getInput());
  if (rank >= 0) {
    FailureOr<int64_t> a = normalizeAxis(*this, (int64_t)getAxis(), rank);
    if (failed(a))
      return failure();
    ArrayRef<int64_t> norm = shapeOf(getInput()).drop_front(*a);
    if (ShapedType::isDynamicShape(norm))
      return emitOpError("the normalized dims must be static");
    int64_t c = ShapedType::getNumElements(norm);
    if (c != (int64_t)getScale().size())
      return emitOpError("has ") << getScale().size()
                                 << " scales for " << c << " normalized elements";
  }
  return checkSameShape(*this, getInput(), getOutput());
}
