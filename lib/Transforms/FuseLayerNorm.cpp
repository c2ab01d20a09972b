//===- FuseLayerNorm.cpp - LayerNormalization written out, as one op ------===//
//
// Exporters write LayerNormalization op by op where the opset has no
// LayerNormalization (torch before opset 17, tf2onnx, paddle2onnx):
//
//   m = ReduceMean(x, axes);  d = x - m
//   v = ReduceMean(d^2, axes)               (Pow(d, 2) or Mul(d, d))
//   y = d / Sqrt(v + eps)                    (or d * Reciprocal(Sqrt(...)))
//   y * gamma + beta                         (constants over the axes)
//
// These patterns make it one dyad.layer_normalization, so it is one kernel
// in float and one integer kernel (dyad.int_layer_norm) when quantized,
// instead of a Div of two activations that has no integer form.
//
//===----------------------------------------------------------------------===//
#include "dyad/Dialect/Dyad/DyadOps.h"
#include "QuantUtils.h"
#include "dyad/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace dyad;

namespace {

/// The one value of a one-value float constant.
std::optional<double> scalarOf(Value v) {
  auto c = floatConstant(v);
  if (!c || c->size() != 1)
    return std::nullopt;
  return (*c)[0];
}

/// The first normalized axis of a ReduceMean (keepdims) over trailing dims
/// axis..rank-1 of a rank-`rank` value, or std::nullopt.
std::optional<int64_t> trailingAxis(ReduceMeanOp op, int64_t rank) {
  if (!op.getKeepdims())
    return std::nullopt;
  SmallVector<int64_t> axes;
  for (int64_t a : op.getAxes())
    axes.push_back(a < 0 ? a + rank : a);
  if (axes.empty())
    return std::nullopt;
  llvm::sort(axes);
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] != rank - (int64_t)axes.size() + (int64_t)i)
      return std::nullopt;
  return axes.front();
}

/// `v` as `d * d` or `Pow(d, 2)`: d, or null.
Value squareOf(Value v) {
  Operation *op = v.getDefiningOp();
  if (auto m = dyn_cast_if_present<MulOp>(op))
    return m.getA() == m.getB() ? m.getA() : Value();
  if (auto p = dyn_cast_if_present<PowOp>(op))
    return scalarOf(p.getY()) == 2.0 ? p.getX() : Value();
  return {};
}

/// d / Sqrt(ReduceMean(d^2) + eps), d = x - ReduceMean(x).
struct FuseWrittenOutLayerNorm : RewritePattern {
  FuseWrittenOutLayerNorm(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *root,
                                PatternRewriter &rewriter) const override {
    Value d, sqrtVal;
    if (auto div = dyn_cast<DivOp>(root)) {
      d = div.getA();
      sqrtVal = div.getB();
    } else if (auto mul = dyn_cast<MulOp>(root)) {
      for (int i = 0; i < 2 && !sqrtVal; ++i)
        if (auto r = mul->getOperand(i).getDefiningOp<ReciprocalOp>()) {
          sqrtVal = r.getX();
          d = mul->getOperand(1 - i);
        }
    }
    if (!d || !sqrtVal)
      return failure();
    auto sub = d.getDefiningOp<SubOp>();
    auto sqrt = sqrtVal.getDefiningOp<SqrtOp>();
    if (!sub || !sqrt)
      return failure();
    Value x = sub.getA();
    auto mean = sub.getB().getDefiningOp<ReduceMeanOp>();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!mean || mean.getData() != x || !xType ||
        !xType.getElementType().isF32() || d.getType() != xType ||
        root->getResult(0).getType() != xType)
      return failure();
    auto add = sqrt.getX().getDefiningOp<AddOp>();
    if (!add)
      return failure();
    ReduceMeanOp var;
    std::optional<double> eps;
    for (int i = 0; i < 2 && !var; ++i) {
      var = add->getOperand(i).getDefiningOp<ReduceMeanOp>();
      eps = scalarOf(add->getOperand(1 - i));
    }
    if (!var || !eps || !(*eps >= 0) || squareOf(var.getData()) != d)
      return failure();
    int64_t rank = xType.getRank();
    std::optional<int64_t> axis = trailingAxis(mean, rank);
    if (!axis || trailingAxis(var, rank) != axis)
      return failure();
    ArrayRef<int64_t> norm = xType.getShape().drop_front(*axis);
    if (ShapedType::isDynamicShape(norm))
      return failure();
    // Scale 1, no bias; a following Mul / Add by constants folds in
    // (FoldAffineIntoLayerNorm).
    auto scaleType = RankedTensorType::get(norm, xType.getElementType());
    SmallVector<double> ones(scaleType.getNumElements(), 1.0);
    Location loc = root->getLoc();
    Value scale =
        arith::ConstantOp::create(rewriter, loc, floatElements(scaleType, ones));
    auto ln = LayerNormalizationOp::create(
        rewriter, loc, xType, Type(), Type(), x, scale, Value(),
        rewriter.getI64IntegerAttr(*axis),
        rewriter.getF32FloatAttr((float)*eps));
    if (auto name = root->getAttr("dyad.tensor"))
      ln->setAttr("dyad.tensor", name);
    rewriter.replaceOp(root, ln.getY());
    return success();
  }
};

/// LayerNorm(x) * c or LayerNorm(x) + c, c a constant over the normalized
/// dims: into the scale (and bias) or the bias.
struct FoldAffineIntoLayerNorm : RewritePattern {
  FoldAffineIntoLayerNorm(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *root,
                                PatternRewriter &rewriter) const override {
    if (!isa<MulOp, AddOp>(root))
      return failure();
    LayerNormalizationOp ln;
    Value c;
    for (int i = 0; i < 2 && !ln; ++i) {
      ln = root->getOperand(i).getDefiningOp<LayerNormalizationOp>();
      c = root->getOperand(1 - i);
    }
    if (!ln || !ln.getY().hasOneUse() || ln.getMean() || ln.getInvStdDev())
      return failure();
    auto type = cast<RankedTensorType>(ln.getY().getType());
    if (root->getResult(0).getType() != type)
      return failure();
    int64_t axis = (int64_t)ln.getAxis();
    if (axis < 0)
      axis += type.getRank();
    ArrayRef<int64_t> norm = type.getShape().drop_front(axis);
    if (ShapedType::isDynamicShape(norm))
      return failure();
    auto normType = RankedTensorType::get(norm, type.getElementType());
    int64_t n = normType.getNumElements();
    // Expands a constant (right-aligned numpy broadcast) to the normalized
    // shape; fails for a constant that varies along the other dims.
    auto expand = [&](Value v) -> std::optional<SmallVector<double>> {
      ShapedType vt;
      auto vals = floatConstant(v, &vt);
      if (!vals)
        return std::nullopt;
      ArrayRef<int64_t> shape = vt.getShape();
      int64_t off = (int64_t)shape.size() - (int64_t)norm.size();
      for (int64_t i = 0; i < off; ++i)
        if (shape[i] != 1)
          return std::nullopt;
      SmallVector<double> out(n);
      for (int64_t j = 0; j < n; ++j) {
        int64_t rem = j, src = 0, stride = 1;
        for (int64_t dd = (int64_t)norm.size() - 1; dd >= 0; --dd) {
          int64_t idx = rem % norm[dd];
          rem /= norm[dd];
          int64_t sd = dd + off;
          if (sd < 0)
            continue;
          int64_t len = shape[sd];
          if (len != 1 && len != norm[dd])
            return std::nullopt;
          src += (len == 1 ? 0 : idx) * stride;
          stride *= len;
        }
        out[j] = (*vals)[src];
      }
      return out;
    };
    auto cv = expand(c);
    auto scale = expand(ln.getScale());
    std::optional<SmallVector<double>> bias =
        ln.getB() ? expand(ln.getB()) : SmallVector<double>(n, 0.0);
    if (!cv || !scale || !bias)
      return failure();
    bool mul = isa<MulOp>(root);
    for (int64_t j = 0; j < n; ++j) {
      if (mul) {
        (*scale)[j] *= (*cv)[j];
        (*bias)[j] *= (*cv)[j];
      } else {
        (*bias)[j] += (*cv)[j];
      }
    }
    Location loc = rewriter.getFusedLoc({ln.getLoc(), root->getLoc()});
    Value s = arith::ConstantOp::create(rewriter, loc,
                                        floatElements(normType, *scale));
    Value b =
        arith::ConstantOp::create(rewriter, loc, floatElements(normType, *bias));
    auto fused = LayerNormalizationOp::create(
        rewriter, loc, type, Type(), Type(), ln.getX(), s, b,
        rewriter.getI64IntegerAttr(axis), ln.getEpsilonAttr());
    if (auto name = root->getAttr("dyad.tensor"))
      fused->setAttr("dyad.tensor", name);
    rewriter.replaceOp(root, fused.getY());
    rewriter.eraseOp(ln);
    return success();
  }
};

} // namespace

void dyad::populateFuseLayerNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseWrittenOutLayerNorm, FoldAffineIntoLayerNorm>(
      patterns.getContext());
}
