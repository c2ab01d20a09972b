//===- SplitChannelSlices.cpp - Split as Slices; a conv per channel slice -===//
//
// A Split is N Slices of one input: rewritten as such, each piece is an op
// of one result, which calibration names and quantization handles like any
// Slice (keeping its input's parameters). Silero VAD splits its LSTM gates
// so; as a Split of several results they had no quantized form.
//
// Detection heads often compute every output map with one convolution and
// slice it apart afterwards: M-LSD's last 1x1 conv makes 16 channels, is
// resized 2x, and the score logits (channel 7) and the offsets (8..11) are
// sliced out of it; the other 11 channels are read by nobody. Sliced after
// the conv, the parts share the whole tensor's quantization: the offsets'
// range (193) rounds the logits at a step of 0.76. Each channel Slice
// becomes a convolution of its own output channels, with the channel-wise
// ops between them (a spatial Resize, Relu, Sigmoid) repeated on the part:
// each part is calibrated and quantized on its own, and the channels nobody
// reads are not computed.
//
//===----------------------------------------------------------------------===//
#include "dyad/Dialect/Dyad/DyadOps.h"
#include "QuantUtils.h"
#include "dyad/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace dyad;

namespace {

/// Ops that work on each channel alone, with the channel count unchanged: a
/// Resize of the other axes, Relu, Sigmoid.
bool isChannelwise(Operation *op) {
  if (auto r = dyn_cast<ResizeOp>(op))
    return !r.isInterpolatedAxis(1) && !r.isInterpolatedAxis(0) &&
           r.getCoordinateTransformationMode() !=
               CoordinateTransformationMode::TfCropAndResize;
  return isa<ReluOp, SigmoidOp>(op);
}

/// The channel range [start, start + size) that `slice` takes of a rank-4
/// NCHW tensor of `channels` channels, when it takes every element of the
/// other axes with step 1 (an end of at least their static dim, or of
/// 2^31 - 1 and more: "to the end" in exporters' slices).
std::optional<std::pair<int64_t, int64_t>> channelRange(SliceOp slice,
                                                        int64_t channels) {
  auto in = dyn_cast<RankedTensorType>(slice.getData().getType());
  if (!in || in.getRank() != 4)
    return std::nullopt;
  DenseIntElementsAttr starts, ends, axes, steps;
  if (!matchPattern(slice.getStarts(), m_Constant(&starts)) ||
      !matchPattern(slice.getEnds(), m_Constant(&ends)) ||
      !matchPattern(slice.getAxes(), m_Constant(&axes)) ||
      !matchPattern(slice.getSteps(), m_Constant(&steps)))
    return std::nullopt;
  auto s = llvm::to_vector(starts.getValues<int64_t>());
  auto e = llvm::to_vector(ends.getValues<int64_t>());
  auto st = llvm::to_vector(steps.getValues<int64_t>());
  auto ax = llvm::to_vector(axes.getValues<int64_t>());
  if (s.size() != ax.size() || e.size() != ax.size() || st.size() != ax.size())
    return std::nullopt;
  int64_t start = 0, stop = channels;
  for (size_t i = 0; i < ax.size(); ++i) {
    int64_t a = ax[i] < 0 ? ax[i] + 4 : ax[i];
    if (a < 0 || a > 3 || st[i] != 1)
      return std::nullopt;
    if (a == 1) {
      auto clampIndex = [&](int64_t v) {
        if (v < 0)
          v = v <= INT64_MIN + channels ? 0 : v + channels;
        return std::clamp<int64_t>(v, 0, channels);
      };
      start = clampIndex(s[i]);
      stop = clampIndex(e[i]);
      continue;
    }
    bool whole = s[i] == 0 && (e[i] >= INT32_MAX ||
                               (!in.isDynamicDim(a) && e[i] >= in.getDimSize(a)));
    if (!whole)
      return std::nullopt;
  }
  if (stop <= start)
    return std::nullopt;
  return std::make_pair(start, stop - start);
}

/// `t` with `channels` at dim 1 where it is static there.
RankedTensorType withChannels(Type t, int64_t channels) {
  auto rt = cast<RankedTensorType>(t);
  if (rt.isDynamicDim(1))
    return rt;
  SmallVector<int64_t> shape(rt.getShape());
  shape[1] = channels;
  return rt.clone(shape);
}

struct SplitChannelSlices : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvOp conv,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(conv.getType());
    auto wType = dyn_cast<RankedTensorType>(conv.getW().getType());
    if (!type || type.getRank() != 4 || type.isDynamicDim(1) || !wType ||
        !wType.hasStaticShape() || conv.getGroup() != 1 ||
        conv.getXZeroPoint() || conv.getWZeroPoint())
      return failure();
    auto w = floatConstant(conv.getW());
    std::optional<SmallVector<double>> bias;
    if (conv.getB() && !(bias = floatConstant(conv.getB())))
      return failure();
    if (!w)
      return failure();
    // The channel-wise chain after the conv, each op the only user of the
    // one before.
    SmallVector<Operation *> chain;
    Value top = conv.getResult();
    while (top.hasOneUse()) {
      Operation *user = *top.getUsers().begin();
      if (!isChannelwise(user) || user->getOperand(0) != top ||
          user->getNumResults() != 1)
        break;
      chain.push_back(user);
      top = user->getResult(0);
    }
    // Its end is read only by channel slices, which leave channels unread
    // or are more than one.
    int64_t channels = type.getDimSize(1), taken = 0;
    SmallVector<std::pair<SliceOp, std::pair<int64_t, int64_t>>> slices;
    Operation *last = chain.empty() ? conv.getOperation() : chain.back();
    for (Operation *user : top.getUsers()) {
      auto slice = dyn_cast<SliceOp>(user);
      auto range = slice && slice.getData() == top
                       ? channelRange(slice, channels)
                       : std::nullopt;
      if (!range)
        return failure();
      // The part's last op takes the slice's type: ops whose operand and
      // result types must be the same only where it is the natural one.
      auto sliceType = dyn_cast<RankedTensorType>(slice.getType());
      if (!sliceType || sliceType.getRank() != 4 ||
          (withChannels(top.getType(), range->second) != sliceType &&
           !isa<ConvOp, ResizeOp>(last)))
        return failure();
      slices.push_back({slice, *range});
      taken += range->second;
    }
    if (slices.empty() || taken > channels ||
        (slices.size() == 1 && taken == channels))
      return failure();

    int64_t perChannel = wType.getNumElements() / wType.getDimSize(0);
    for (auto &entry : slices) {
      SliceOp slice = entry.first;
      auto [start, size] = entry.second;
      Location loc = rewriter.getFusedLoc({conv.getLoc(), slice.getLoc()});
      SmallVector<int64_t> wShape(wType.getShape());
      wShape[0] = size;
      auto partW = RankedTensorType::get(wShape, wType.getElementType());
      ArrayRef<double> wv(*w);
      Value wConst = arith::ConstantOp::create(
          rewriter, loc,
          floatElements(partW,
                        wv.slice(start * perChannel, size * perChannel)));
      Value bConst;
      if (bias) {
        auto partB = RankedTensorType::get(
            {size}, cast<ShapedType>(conv.getB().getType()).getElementType());
        bConst = arith::ConstantOp::create(
            rewriter, loc,
            floatElements(partB, ArrayRef<double>(*bias).slice(start, size)));
      }
      // The part's values are named after the slice (the last one) or
      // after the op they are a part of, with the channel range.
      std::string part = "[" + std::to_string(start) + ":" +
                         std::to_string(start + size) + "]";
      auto name = [&](Operation *orig, Operation *made, bool last) {
        if (last) {
          if (auto n = slice->getAttr("dyad.tensor"))
            made->setAttr("dyad.tensor", n);
          return;
        }
        if (auto n = orig->getAttrOfType<StringAttr>("dyad.tensor"))
          made->setAttr("dyad.tensor",
                        rewriter.getStringAttr(n.getValue() + part));
      };
      auto partConv = ConvOp::create(
          rewriter, loc,
          chain.empty() ? slice.getType() : Type(withChannels(type, size)),
          conv.getX(), wConst, bConst,
          Value(), Value(), conv.getAutoPadAttr(), conv.getKernelShapeAttr(),
          conv.getStridesAttr(), conv.getDilationsAttr(), conv.getPadsAttr(),
          conv.getGroupAttr());
      name(conv, partConv, chain.empty());
      Value v = partConv.getResult();
      for (auto [i, op] : llvm::enumerate(chain)) {
        Operation *c = rewriter.clone(*op);
        c->setOperand(0, v);
        c->getResult(0).setType(
            i + 1 == chain.size()
                ? slice.getType()
                : Type(withChannels(op->getResult(0).getType(), size)));
        if (auto r = dyn_cast<ResizeOp>(c))
          if (auto sizes = r.getSizes()) {
            SmallVector<int64_t> s(*sizes);
            s[1] = size;
            r.setSizesAttr(rewriter.getDenseI64ArrayAttr(s));
          }
        name(op, c, i + 1 == chain.size());
        v = c->getResult(0);
      }
      rewriter.replaceOp(slice, v);
    }
    for (Operation *op : llvm::reverse(chain))
      rewriter.eraseOp(op);
    rewriter.eraseOp(conv);
    return success();
  }
};

struct SplitToSlices : OpRewritePattern<SplitOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SplitOp split,
                                PatternRewriter &rewriter) const override {
    int64_t rank = cast<ShapedType>(split.getInput().getType()).hasRank()
                       ? cast<ShapedType>(split.getInput().getType()).getRank()
                       : -1;
    int64_t axis = (int64_t)split.getAxis(); // I64Attr reads as uint64_t
    if (axis < 0)
      axis += rank;
    if (rank < 0 || axis < 0 || axis >= rank)
      return failure();
    auto names = split->getAttrOfType<ArrayAttr>("dyad.tensors");
    auto i64Vector = [&](int64_t v) -> Value {
      auto t = RankedTensorType::get({1}, rewriter.getI64Type());
      return arith::ConstantOp::create(rewriter, split.getLoc(),
                                       DenseIntElementsAttr::get(t, {v}));
    };
    SmallVector<Value> pieces;
    int64_t offset = 0;
    for (auto [i, size] : llvm::enumerate(split.getSplit())) {
      Value out = split.getOutputs()[i];
      auto slice = SliceOp::create(rewriter, split.getLoc(), out.getType(),
                                   split.getInput(), i64Vector(offset),
                                   i64Vector(offset + size), i64Vector(axis),
                                   i64Vector(1));
      if (names && i < names.size())
        if (auto n = dyn_cast<StringAttr>(names[i]); n && !n.empty())
          slice->setAttr("dyad.tensor", n);
      pieces.push_back(slice.getResult());
      offset += size;
    }
    rewriter.replaceOp(split, pieces);
    return success();
  }
};

} // namespace

void dyad::populateSplitChannelSlicesPatterns(RewritePatternSet &patterns) {
  patterns.add<SplitChannelSlices, SplitToSlices>(patterns.getContext());
}
