//===- FoldBatchNorm.cpp - fold BatchNormalization into conv --------------===//
#include "dyad/Dialect/Dyad/DyadOps.h"
#include "QuantUtils.h"
#include "dyad/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace dyad {
#define GEN_PASS_DEF_DYADFOLDBATCHNORM
#include "dyad/Transforms/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

namespace {


struct FoldBatchNormIntoConv : OpRewritePattern<BatchNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormalizationOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getX().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse() || conv.getXZeroPoint())
      return rewriter.notifyMatchFailure(bn, "input is not a float conv");
    auto wType = dyn_cast<RankedTensorType>(conv.getW().getType());
    if (!wType || !wType.hasStaticShape())
      return rewriter.notifyMatchFailure(bn, "weight shape is not static");
    auto w = floatConstant(conv.getW());
    auto gamma = floatConstant(bn.getScale()), beta = floatConstant(bn.getB());
    auto mean = floatConstant(bn.getMean()), var = floatConstant(bn.getVar());
    if (!w || !gamma || !beta || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "parameters are not constants");
    int64_t m = wType.getDimSize(0);
    std::optional<SmallVector<double>> b;
    if (conv.getB()) {
      b = floatConstant(conv.getB());
      if (!b)
        return rewriter.notifyMatchFailure(bn, "conv bias is not constant");
    } else {
      b = SmallVector<double>(m, 0.0);
    }
    if ((int64_t)gamma->size() != m || (int64_t)beta->size() != m ||
        (int64_t)mean->size() != m || (int64_t)var->size() != m ||
        (int64_t)b->size() != m)
      return rewriter.notifyMatchFailure(bn, "channel counts differ");

    double eps = bn.getEpsilon().convertToDouble();
    int64_t perChannel = wType.getNumElements() / m;
    SmallVector<double> newW(*w), newB(m);
    for (int64_t c = 0; c < m; ++c) {
      double k = (*gamma)[c] / std::sqrt((*var)[c] + eps);
      for (int64_t i = 0; i < perChannel; ++i)
        newW[c * perChannel + i] *= k;
      newB[c] = ((*b)[c] - (*mean)[c]) * k + (*beta)[c];
    }
    auto bType = RankedTensorType::get({m}, wType.getElementType());
    Location loc = rewriter.getFusedLoc({conv.getLoc(), bn.getLoc()});
    Value wConst =
        arith::ConstantOp::create(rewriter, loc, floatElements(wType, newW));
    Value bConst =
        arith::ConstantOp::create(rewriter, loc, floatElements(bType, newB));
    auto folded = ConvOp::create(
        rewriter, loc, bn.getType(), conv.getX(), wConst, bConst, Value(),
        Value(), conv.getAutoPadAttr(), conv.getKernelShapeAttr(),
        conv.getStridesAttr(), conv.getDilationsAttr(), conv.getPadsAttr(),
        conv.getGroupAttr());
    // The folded conv computes the batch norm's output: it takes its name.
    if (auto name = bn->getAttr("dyad.tensor"))
      folded->setAttr("dyad.tensor", name);
    rewriter.replaceOp(bn, folded);
    rewriter.eraseOp(conv);
    return success();
  }
};

struct DyadFoldBatchNormPass
    : dyad::impl::DyadFoldBatchNormBase<DyadFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void dyad::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBatchNormIntoConv>(patterns.getContext());
}
