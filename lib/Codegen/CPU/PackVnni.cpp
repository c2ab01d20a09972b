//===- PackVnni.cpp - int8 convolutions in vpdpbusd's operand layout ------===//
//
// vpdpbusd adds, in each 32-bit lane n, the products of 4 unsigned bytes of
// one operand and 4 signed bytes of the other. A convolution tile keeps
// 8 output pixels x 2 vectors of output channels in registers; per step of
// 4 input channels it wants
//   - for each output pixel, its 4 input bytes as one broadcast dword,
//     straight from memory (vpdpbusd's {1to16} operand): the activations
//     must be unsigned bytes in memory, channels last;
//   - for each block of 16 output channels, the 4 x 16 weights as one
//     64-byte vector ordered [f][4]: the filter packed at compile time.
// linalg.conv_2d_nhwc_hwcf has neither (signed input, HWCF filter: the
// kernel shuffled each weight block and flipped each input word at run
// time). This pass rewrites an int8 NHWC convolution with a constant filter
// into the packed form (KernelStrategy.h, matchVnniConv):
//
//   x_u = x xor 0x80                    (u8: x + 128; fused into x's
//                                        producer, a pad pads with z xor 0x80)
//   out[n,oh,ow,f] = init'[n,oh,ow,f]
//       + sum zext(x_u[n, oh*sh+kh*dh, ow*sw+kw*dw, 4*cb+ci])
//             * sext(w'[kh, kw, cb, 4*f+ci])          (c = 4*cb+ci)
//   init' = init - 128 * sum_{kh,kw,c} w[kh,kw,c,f]   (a constant bias
//                                        folded at compile time)
//
// plus a shape-only tensor<4xi8> operand indexed by ci (linalg infers loop
// ranges from plain dims, as with pooling's window operand).
//
// All in i32 arithmetic that wraps like the convolution it replaces: the
// results are bit-identical. The channel count is a multiple of 4
// (dyad-cpu-nhwc pads the image stem's), the output channels a multiple of
// the vector's lanes.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/KernelStrategy.h"
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dyad {
#define GEN_PASS_DEF_DYADCPUPACKVNNI
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

namespace {

constexpr uint8_t kFlip = 0x80;

/// `x xor 0x80`, elementwise, as a generic (fused into x's producer later).
Value flipSign(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  Value init = tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, x),
                                       type.getElementType());
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps(
      2, AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{x}, ValueRange{init}, maps, iters,
             [](OpBuilder &nb, Location l, ValueRange args) {
               Value k = arith::ConstantOp::create(
                   nb, l, nb.getIntegerAttr(nb.getI8Type(), int8_t(kFlip)));
               linalg::YieldOp::create(
                   nb, l, Value(arith::XOrIOp::create(nb, l, args[0], k)));
             })
      .getResult(0);
}

/// Whether `op` is a flipSign of its one input.
bool isFlipSign(Operation *op) {
  auto g = dyn_cast<linalg::GenericOp>(op);
  if (!g || g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops() ||
      !llvm::all_of(g.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return false;
  // (The constant may still be inside the body, as flipSign makes it.)
  Block &body = g.getRegion().front();
  auto x = body.getTerminator()->getOperand(0).getDefiningOp<arith::XOrIOp>();
  IntegerAttr k;
  return x && x.getLhs() == body.getArgument(0) &&
         matchPattern(x.getRhs(), m_Constant(&k)) &&
         uint8_t(k.getValue().getZExtValue()) == kFlip &&
         llvm::all_of(body.without_terminator(), [&](Operation &o) {
           return &o == x.getOperation() || isa<arith::ConstantOp>(o);
         });
}

/// The unsigned form of the convolution's or GEMM's input: the xor before
/// any pads (the pad value flipped too) and reshapes, so it fuses into the
/// producer.
Value unsignedInput(OpBuilder &b, Location loc, Value x) {
  if (auto c = x.getDefiningOp<tensor::CollapseShapeOp>())
    return tensor::CollapseShapeOp::create(
        b, loc, c.getResultType(), unsignedInput(b, loc, c.getSrc()),
        c.getReassociationIndices());
  if (auto e = x.getDefiningOp<tensor::ExpandShapeOp>())
    return tensor::ExpandShapeOp::create(
        b, loc, e.getResultType(), unsignedInput(b, loc, e.getSrc()),
        e.getReassociationIndices(), e.getMixedOutputShape());
  if (auto pad = x.getDefiningOp<tensor::PadOp>()) {
    IntegerAttr v;
    if (Value pv = pad.getConstantPaddingValue();
        pv && matchPattern(pv, m_Constant(&v))) {
      Value flipped = arith::ConstantOp::create(
          b, loc,
          b.getIntegerAttr(b.getI8Type(),
                           int8_t(uint8_t(v.getValue().getZExtValue()) ^
                                  kFlip)));
      return tensor::PadOp::create(b, loc, pad.getResultType(),
                                   unsignedInput(b, loc, pad.getSource()),
                                   pad.getMixedLowPad(), pad.getMixedHighPad(),
                                   flipped)
          .getResult();
    }
  }
  // One flip per value, however many kernels read it (the Q, K and V
  // projections of one LayerNorm's output): placed right after x, so that
  // every reader sees it, it is x's one use and fuses into x's producer.
  for (Operation *user : x.getUsers())
    if (isFlipSign(user))
      return user->getResult(0);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfterValue(x);
  return flipSign(b, loc, x);
}

/// The constant 1-D tensor a broadcast generic spreads along the last dim
/// (init[n,oh,ow,f] = bias[f]), or null.
DenseElementsAttr broadcastBias(Value init) {
  Value src = dyad::broadcastRowSource(init);
  DenseElementsAttr bias;
  if (!src || !matchPattern(src, m_Constant(&bias)))
    return {};
  return bias;
}

/// `values` spread along the last dim of a tensor shaped like `like`.
Value broadcastLast(OpBuilder &b, Location loc, ArrayRef<int32_t> values,
                    Value like) {
  auto type = RankedTensorType::get({int64_t(values.size())}, b.getI32Type());
  Value c = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, values));
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, like), b.getI32Type());
  MLIRContext *ctx = b.getContext();
  unsigned rank = cast<RankedTensorType>(like.getType()).getRank();
  SmallVector<AffineMap> maps{
      AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx)),
      AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, like.getType(), ValueRange{c}, ValueRange{init}, maps,
             iters,
             [](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, args[0]);
             })
      .getResult(0);
}

/// The per-channel values of a constant accumulator init of `f` channels (a
/// bias broadcast along the last dim, or a fill; also seen through a
/// collapse_shape that keeps the last dim, a pointwise convolution's pixels);
/// none otherwise.
std::optional<SmallVector<int32_t>> constantInit(Value init, int64_t f) {
  if (auto c = init.getDefiningOp<tensor::CollapseShapeOp>();
      c && c.getReassociationIndices().back().size() == 1)
    return constantInit(c.getSrc(), f);
  if (DenseElementsAttr bias = broadcastBias(init);
      bias && bias.getNumElements() == f)
    return llvm::map_to_vector(bias.getValues<APInt>(), [](const APInt &v) {
      return int32_t(v.getSExtValue());
    });
  IntegerAttr v;
  if (auto fill = init.getDefiningOp<linalg::FillOp>();
      fill && matchPattern(fill.getInputs()[0], m_Constant(&v)))
    return SmallVector<int32_t>(f, int32_t(v.getValue().getSExtValue()));
  return std::nullopt;
}

/// `correction` += 128 * v in i32, wrapping like the i32 sum: what the
/// unsigned input (x + 128) adds to an accumulator for a weight v.
void addFlipCorrection(int32_t &correction, int8_t v) {
  correction = int32_t(uint32_t(correction) + uint32_t(128 * int32_t(v)));
}

/// a - c in i32, wrapping like the i32 sum.
int32_t wrappingSub(int32_t a, int32_t c) {
  return int32_t(uint32_t(a) - uint32_t(c));
}

/// init - correction[f]: folded into the constant where init is a constant
/// bias broadcast or fill, an elementwise subtraction otherwise.
Value correctInit(OpBuilder &b, Location loc, Value init,
                  ArrayRef<int32_t> correction) {
  int64_t f = correction.size();
  if (auto values = constantInit(init, f)) {
    SmallVector<int32_t> folded(f);
    for (int64_t i = 0; i < f; ++i)
      folded[i] = wrappingSub((*values)[i], correction[i]);
    return broadcastLast(b, loc, folded, init);
  }
  auto type = RankedTensorType::get({f}, b.getI32Type());
  Value c = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, correction));
  Value empty = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, init), b.getI32Type());
  MLIRContext *ctx = b.getContext();
  unsigned rank = cast<RankedTensorType>(init.getType()).getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  SmallVector<AffineMap> maps{
      id, AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx)), id};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{init, c}, ValueRange{empty},
             maps, iters,
             [](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l, Value(arith::SubIOp::create(nb, l, args[0], args[1])));
             })
      .getResult(0);
}

/// The constant i8 weights (operand 1) of an i8 x i8 -> i32 linalg op
/// whose activations are operand 0, as values; failure otherwise.
FailureOr<SmallVector<int8_t>> constantI8Weights(linalg::LinalgOp op,
                                                 PatternRewriter &rewriter,
                                                 RankedTensorType &wType) {
  DenseElementsAttr weights;
  if (!matchPattern(op.getDpsInputOperand(1)->get(), m_Constant(&weights)))
    return rewriter.notifyMatchFailure(op, "weights are not a constant");
  wType = cast<RankedTensorType>(weights.getType());
  auto elt = [](Value v) { return getElementTypeOrSelf(v.getType()); };
  if (!elt(op.getDpsInputOperand(0)->get()).isInteger(8) ||
      !wType.getElementType().isInteger(8) ||
      !elt(op.getDpsInitOperand(0)->get()).isInteger(32) ||
      !wType.hasStaticShape())
    return rewriter.notifyMatchFailure(op, "not an i8 x i8 -> i32 op");
  SmallVector<int8_t> w;
  w.reserve(weights.getNumElements());
  for (const APInt &v : weights.getValues<APInt>())
    w.push_back(int8_t(v.getSExtValue()));
  return w;
}

/// The packed weights as a constant: i4 where every value fits in 4 bits
/// (a layer quantized to 4 bits) and `nibbles` is on, i8 otherwise. The i4
/// tensor is stored two values per byte (dyad-cpu-pack-nibbles rewrites its
/// reads after vectorization); the generic's body sign-extends either.
Value packedWeights(PatternRewriter &rewriter, Location loc,
                    ArrayRef<int64_t> shape, ArrayRef<char> packed,
                    bool nibbles) {
  bool fits4 = nibbles && llvm::all_of(packed, [](char v) {
                 return int8_t(v) >= -8 && int8_t(v) <= 7;
               });
  if (!fits4)
    return arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::getFromRawBuffer(
            RankedTensorType::get(shape, rewriter.getI8Type()), packed));
  SmallVector<APInt> values;
  values.reserve(packed.size());
  for (char v : packed)
    values.push_back(APInt(4, uint64_t(int64_t(int8_t(v))), /*isSigned=*/true));
  return arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(
          RankedTensorType::get(shape, rewriter.getIntegerType(4)), values));
}

/// The packed generic over `numLoops` loops, the first `numParallel`
/// parallel and the rest reductions, the last one ci (`maps`: x, w, out),
/// with the shape-only tensor<`window`xi8> operand for ci (4, or a
/// depthwise filter's rows) and the body acc + zext(x) * sext(w).
Value buildPackedGeneric(PatternRewriter &rewriter, Location loc,
                         RankedTensorType outType, Value x, Value w,
                         Value init, unsigned numLoops, unsigned numParallel,
                         ArrayRef<AffineMap> maps, int64_t windowSize = 4) {
  MLIRContext *ctx = rewriter.getContext();
  // ci appears in the maps only inside 4*cb+ci and 4*f+ci: a shape-only
  // operand gives its range (as pooling's window operand does).
  Value window = tensor::EmptyOp::create(
      rewriter, loc, ArrayRef<int64_t>{windowSize}, rewriter.getI8Type());
  SmallVector<AffineMap> allMaps{maps[0], maps[1],
                                 AffineMap::get(numLoops, 0,
                                                getAffineDimExpr(numLoops - 1, ctx)),
                                 maps[2]};
  SmallVector<utils::IteratorType> iters(numParallel,
                                         utils::IteratorType::parallel);
  iters.append(numLoops - numParallel, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             rewriter, loc, outType, ValueRange{x, w, window},
             ValueRange{init}, allMaps, iters,
             [](OpBuilder &nb, Location l, ValueRange args) {
               Type i32 = nb.getI32Type();
               Value xv = arith::ExtUIOp::create(nb, l, i32, args[0]);
               Value wv = arith::ExtSIOp::create(nb, l, i32, args[1]);
               Value p = arith::MulIOp::create(nb, l, xv, wv);
               linalg::YieldOp::create(
                   nb, l, Value(arith::AddIOp::create(nb, l, args[3], p)));
             })
      .getResult(0);
}

/// The maps (a, w, out) of the packed GEMM over (m, n, kb, ki).
SmallVector<AffineMap> packedGemmMaps(MLIRContext *ctx) {
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  return {AffineMap::get(4, 0, {d(0), d(2) * 4 + d(3)}, ctx),
          AffineMap::get(4, 0, {d(2), d(1) * 4 + d(3)}, ctx),
          AffineMap::get(4, 0, {d(0), d(1)}, ctx)};
}

/// The elementwise epilogue of a convolution result `y` (its one user: a
/// generic of parallel loops reading `y` and writing a fresh tensor, both
/// with the identity map) when it can run on `fp` channels instead of the
/// result's f: its other operands are per-channel constants (padded by
/// repeating the last channel's value: a divisor stays nonzero), tensors of
/// the output's shape read with the identity map (a residual: padded with
/// zeros, tensor.pad, which its producer writes into), or do not depend on
/// the channel loop; and its body does not read the loop indices. Null
/// otherwise.
linalg::GenericOp paddableEpilogue(Value y) {
  if (!y.hasOneUse())
    return {};
  OpOperand &use = *y.getUses().begin();
  auto g = dyn_cast<linalg::GenericOp>(use.getOwner());
  if (!g || g.getNumDpsInits() != 1 || g.isDpsInit(&use) ||
      g.getNumParallelLoops() != g.getNumLoops() ||
      !g.getMatchingIndexingMap(&use).isIdentity() ||
      !g.getIndexingMapsArray().back().isIdentity() ||
      !g.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>() ||
      !g.getRegion().front().getOps<linalg::IndexOp>().empty())
    return {};
  unsigned last = g.getNumLoops() - 1;
  for (OpOperand *in : g.getDpsInputOperands()) {
    if (in == &use)
      continue;
    AffineMap map = g.getMatchingIndexingMap(in);
    auto sameShape = [&](Value v) {
      auto a = dyn_cast<RankedTensorType>(v.getType());
      auto b = cast<RankedTensorType>(y.getType());
      return a && a.getShape() == b.getShape();
    };
    if (!map.isFunctionOfDim(last) || (map.isIdentity() && sameShape(in->get())))
      continue;
    DenseElementsAttr c;
    if (map.getNumResults() != 1 || !matchPattern(in->get(), m_Constant(&c)) ||
        c.getType().getRank() != 1)
      return {};
  }
  return g;
}

/// `g` (paddableEpilogue) over `yp`, the convolution's result padded to
/// more channels: the same body on the padded shape, its per-channel
/// constants padded, the first channels sliced out of its result, which
/// replaces `g`'s.
void padEpilogue(PatternRewriter &rewriter, linalg::GenericOp g, Value y,
                 Value yp) {
  Location loc = g.getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(g);
  auto padded = cast<RankedTensorType>(yp.getType());
  int64_t fp = padded.getShape().back();
  unsigned last = g.getNumLoops() - 1;
  SmallVector<Value> inputs;
  for (OpOperand *in : g.getDpsInputOperands()) {
    DenseElementsAttr c;
    if (in->get() == y) {
      inputs.push_back(yp);
    } else if (g.getMatchingIndexingMap(in).isIdentity()) {
      // A residual: zeros in the padding.
      auto type = cast<RankedTensorType>(in->get().getType());
      SmallVector<int64_t> shape(type.getShape());
      shape.back() = fp;
      SmallVector<OpFoldResult> lo(type.getRank(), rewriter.getIndexAttr(0)),
          hi(type.getRank(), rewriter.getIndexAttr(0));
      hi.back() = rewriter.getIndexAttr(fp - type.getShape().back());
      Value zero = arith::ConstantOp::create(
          rewriter, loc, rewriter.getZeroAttr(type.getElementType()));
      inputs.push_back(tensor::PadOp::create(rewriter, loc, type.clone(shape),
                                             in->get(), lo, hi, zero));
    } else if (g.getMatchingIndexingMap(in).isFunctionOfDim(last) &&
               matchPattern(in->get(), m_Constant(&c))) {
      SmallVector<Attribute> values(c.getValues<Attribute>());
      values.resize(fp, values.back());
      auto type = RankedTensorType::get({fp}, c.getElementType());
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(type, values)));
    } else {
      inputs.push_back(in->get());
    }
  }
  auto outType = cast<RankedTensorType>(g.getResult(0).getType());
  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(rewriter, loc, g.getDpsInits()[0]);
  sizes.back() = rewriter.getIndexAttr(fp);
  Value init = tensor::EmptyOp::create(rewriter, loc, sizes,
                                       outType.getElementType());
  SmallVector<int64_t> shape(outType.getShape());
  shape.back() = fp;
  auto wide = linalg::GenericOp::create(
      rewriter, loc, TypeRange{outType.clone(shape)}, inputs, ValueRange{init},
      g.getIndexingMapsArray(), g.getIteratorTypesArray());
  rewriter.inlineRegionBefore(g.getRegion(), wide.getRegion(),
                              wide.getRegion().begin());
  int64_t rank = outType.getRank();
  SmallVector<OpFoldResult> zeros(rank, rewriter.getIndexAttr(0)),
      ones(rank, rewriter.getIndexAttr(1));
  rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
      g, outType, wide.getResult(0), zeros,
      tensor::getMixedSizes(rewriter, loc, g.getDpsInits()[0]), ones);
}

struct PackConvForVnni : OpRewritePattern<linalg::Conv2DNhwcHwcfOp> {
  PackConvForVnni(MLIRContext *ctx, int64_t lanes, bool nibbles,
                  bool pointwiseGemm)
      : OpRewritePattern(ctx), lanes(lanes), nibbles(nibbles),
        pointwiseGemm(pointwiseGemm) {}
  int64_t lanes;
  bool nibbles;
  /// Pointwise convolutions as GEMMs (for the AMX tiles).
  bool pointwiseGemm;

  LogicalResult matchAndRewrite(linalg::Conv2DNhwcHwcfOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    Value x = op.getDpsInputOperand(0)->get();
    Value init = op.getDpsInitOperand(0)->get();
    auto xType = cast<RankedTensorType>(x.getType());
    auto outType = cast<RankedTensorType>(init.getType());
    RankedTensorType wType;
    FailureOr<SmallVector<int8_t>> w = constantI8Weights(op, rewriter, wType);
    if (failed(w))
      return failure();
    int64_t kh = wType.getDimSize(0), kw = wType.getDimSize(1),
            c = wType.getDimSize(2), f = wType.getDimSize(3);
    // Output channels in blocks of a full vector, or of 8 lanes (a 256-bit
    // vpdpbusd: 24 channels are 3 such blocks).
    if (c % 4 || xType.getDimSize(3) != c)
      return rewriter.notifyMatchFailure(op, "channels not blocks of 4");
    // Other output channel counts (28, 36, 42; a detector head's 2 or 6)
    // are padded with zero filters to the next multiple of 8 where the
    // accumulator's init is a constant that pads too (a bias) and the
    // epilogue can run on the padded channels too (paddableEpilogue): the
    // epilogue's result is sliced back, and it stays fused, tile by tile,
    // into the convolution. (Slicing the i32 result instead made the
    // epilogue a loop nest of its own reading i32 from memory.) Unpacked,
    // they run on the widening kernel (conv2d-nhwc) at 10-20 GOP/s.
    int64_t fp = f % lanes && f % 8 ? llvm::alignTo(f, 8) : f;
    std::optional<SmallVector<int32_t>> initValues;
    linalg::GenericOp epilogue;
    if (fp != f && (!(initValues = constantInit(init, f)) ||
                    !(epilogue = paddableEpilogue(op->getResult(0)))))
      return rewriter.notifyMatchFailure(op, "output channels not in 8s");

    // w'[kh][kw][c/4][4f + c%4] = w[kh][kw][c][f]; the correction per f.
    std::vector<char> packed(kh * kw * (c / 4) * fp * 4, 0);
    SmallVector<int32_t> correction(fp, 0);
    for (int64_t t = 0; t < kh * kw; ++t)
      for (int64_t ci = 0; ci < c; ++ci)
        for (int64_t fi = 0; fi < f; ++fi) {
          int8_t v = (*w)[(t * c + ci) * f + fi];
          packed[((t * (c / 4) + ci / 4) * fp + fi) * 4 + ci % 4] = char(v);
          addFlipCorrection(correction[fi], v);
        }
    Location loc = op.getLoc();
    // The padded accumulator's start: the bias with zeros for the padding,
    // less the correction (folded at compile time).
    // (A broadcast generic on the kernel's own shape, 2-D for a GEMM: the
    // tiles fuse it, where a collapsed 4-D one was materialized.)
    RankedTensorType paddedType = outType;
    SmallVector<int32_t> folded;
    Value paddedEmpty;
    if (fp != f) {
      folded.assign(fp, 0);
      for (int64_t i = 0; i < f; ++i)
        folded[i] = wrappingSub((*initValues)[i], correction[i]);
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, init);
      sizes.back() = rewriter.getIndexAttr(fp);
      paddedEmpty = tensor::EmptyOp::create(rewriter, loc, sizes,
                                            rewriter.getI32Type());
      SmallVector<int64_t> shape(outType.getShape());
      shape.back() = fp;
      paddedType = outType.clone(shape);
    }
    // The result: a padded one goes to the padded epilogue.
    auto finish = [&](Value y) {
      if (fp == f) {
        rewriter.replaceOp(op, y);
        return;
      }
      padEpilogue(rewriter, epilogue, op->getResult(0), y);
      rewriter.eraseOp(op);
    };
    MLIRContext *ctx = rewriter.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto strides = llvm::to_vector(op.getStrides().getValues<int64_t>());
    auto dilations = llvm::to_vector(op.getDilations().getValues<int64_t>());
    Value xu = unsignedInput(rewriter, loc, x);

    // With AMX, a pointwise convolution (1 x 1, stride 1, the output the
    // input's size) is a GEMM over the pixels: out[(n,h,w), f] =
    // x[(n,h,w), c] * w[c, f]. It becomes the packed GEMM on the collapsed
    // tensors (views), which the AMX tiles of 16 pixels take (1.2-1.8x
    // faster on stacks of 32-256 channel layers, docs/performance.md).
    // Without AMX it stays a convolution: the 8-row VNNI GEMM kernel was
    // faster on 56 x 56 maps but 20% slower on 256 channels at 14 x 14.
    // The filter packed [1][1][C/4][F*4] is the GEMM's [C/4][F*4], byte
    // for byte.
    if (pointwiseGemm && kh == 1 && kw == 1 && strides[0] == 1 &&
        strides[1] == 1 &&
        !xType.isDynamicDim(1) && !xType.isDynamicDim(2) &&
        xType.getDimSize(1) == outType.getDimSize(1) &&
        xType.getDimSize(2) == outType.getDimSize(2)) {
      SmallVector<ReassociationIndices> pixels{{0, 1, 2}, {3}};
      Value wp = packedWeights(rewriter, loc, {c / 4, fp * 4}, packed, nibbles);
      Value a = tensor::CollapseShapeOp::create(rewriter, loc, xu, pixels);
      // A constant bias folds on the 2-D shape (the kernels' init, fused
      // tile by tile); anything else is corrected through the view.
      Value initU =
          fp != f
              ? broadcastLast(rewriter, loc, folded,
                              tensor::CollapseShapeOp::create(
                                  rewriter, loc, paddedEmpty, pixels))
              : correctInit(rewriter, loc,
                            tensor::CollapseShapeOp::create(rewriter, loc,
                                                            init, pixels),
                            correction);
      Value y = buildPackedGeneric(
          rewriter, loc, cast<RankedTensorType>(initU.getType()), a, wp, initU,
          4, 2, packedGemmMaps(ctx));
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, init);
      sizes.back() = rewriter.getIndexAttr(fp);
      Value expanded = tensor::ExpandShapeOp::create(rewriter, loc, paddedType,
                                                     y, pixels, sizes);
      finish(expanded);
      return success();
    }

    Value wp = packedWeights(rewriter, loc, {kh, kw, c / 4, fp * 4}, packed,
                             nibbles);
    Value initU = fp != f ? broadcastLast(rewriter, loc, folded, paddedEmpty)
                          : correctInit(rewriter, loc, init, correction);
    SmallVector<AffineMap> maps{
        AffineMap::get(8, 0,
                       {d(0), d(1) * strides[0] + d(4) * dilations[0],
                        d(2) * strides[1] + d(5) * dilations[1], d(6) * 4 + d(7)},
                       ctx),
        AffineMap::get(8, 0, {d(4), d(5), d(6), d(3) * 4 + d(7)}, ctx),
        AffineMap::get(8, 0, {d(0), d(1), d(2), d(3)}, ctx)};
    finish(buildPackedGeneric(rewriter, loc, paddedType, xu, wp, initU, 8, 4,
                              maps));
    return success();
  }
};

/// The GEMM form: linalg.matmul (i8 x constant i8 -> i32, no transposing
/// maps: dyad-cpu-nhwc transposed Gemm's transB at compile time) as a
/// generic over (m, n, kb, ki):
///   out[m, n] = init'[m, n] + sum zext(a_u[m, 4*kb+ki]) * sext(w'[kb, 4*n+ki])
/// with w' = W packed [K/4][N*4], a_u = a xor 0x80 and init' as for a
/// convolution (and the same shape-only operand for ki).
struct PackMatmulForVnni : OpRewritePattern<linalg::MatmulOp> {
  PackMatmulForVnni(MLIRContext *ctx, int64_t lanes, bool nibbles)
      : OpRewritePattern(ctx), lanes(lanes), nibbles(nibbles) {}
  int64_t lanes;
  bool nibbles;

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.hasUserDefinedMaps())
      return failure();
    Value a = op.getDpsInputOperand(0)->get();
    Value init = op.getDpsInitOperand(0)->get();
    auto outType = cast<RankedTensorType>(init.getType());
    RankedTensorType wType;
    FailureOr<SmallVector<int8_t>> w = constantI8Weights(op, rewriter, wType);
    if (failed(w))
      return failure();
    int64_t k = wType.getDimSize(0), n = wType.getDimSize(1);
    if (k % 4)
      return rewriter.notifyMatchFailure(op, "K not in blocks of 4");
    // N not in blocks of 8 (a classifier's 10 classes) is padded with zero
    // weight columns to the next multiple of 8 when the accumulator's init
    // is a constant that can be padded too (a bias, a fill); the result is
    // sliced back to N columns. Unpacked, such a GEMM shuffled its weights
    // at every use.
    int64_t np = n % lanes && n % 8 ? llvm::alignTo(n, 8) : n;
    std::optional<SmallVector<int32_t>> initValues;
    if (np != n && !(initValues = constantInit(init, n)))
      return rewriter.notifyMatchFailure(op, "N not in blocks of 8");
    std::vector<char> packed((k / 4) * np * 4, 0);
    SmallVector<int32_t> correction(np, 0);
    for (int64_t ki = 0; ki < k; ++ki)
      for (int64_t ni = 0; ni < n; ++ni) {
        int8_t v = (*w)[ki * n + ni];
        packed[(ki / 4) * np * 4 + ni * 4 + ki % 4] = char(v);
        addFlipCorrection(correction[ni], v);
      }
    Location loc = op.getLoc();
    Value wp = packedWeights(rewriter, loc, {k / 4, np * 4}, packed, nibbles);
    Value au = unsignedInput(rewriter, loc, a);
    Value initU;
    RankedTensorType paddedType = outType;
    if (np == n) {
      initU = correctInit(rewriter, loc, init, correction);
    } else {
      SmallVector<int32_t> folded(np, 0);
      for (int64_t i = 0; i < n; ++i)
        folded[i] = wrappingSub((*initValues)[i], correction[i]);
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, init);
      sizes.back() = rewriter.getIndexAttr(np);
      Value like = tensor::EmptyOp::create(rewriter, loc, sizes,
                                           rewriter.getI32Type());
      initU = broadcastLast(rewriter, loc, folded, like);
      SmallVector<int64_t> shape(outType.getShape());
      shape.back() = np;
      paddedType = outType.clone(shape);
    }
    Value y = buildPackedGeneric(rewriter, loc, paddedType, au, wp, initU, 4, 2,
                                 packedGemmMaps(rewriter.getContext()));
    if (np != n) {
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, init);
      SmallVector<OpFoldResult> zeros(2, rewriter.getIndexAttr(0)),
          ones(2, rewriter.getIndexAttr(1));
      y = tensor::ExtractSliceOp::create(rewriter, loc, outType, y, zeros,
                                         sizes, ones);
    }
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// A depthwise convolution's i8 filter, which dyad-cpu-nhwc widens to i32
/// in a generic before the kernel, is read narrow by the kernel itself
/// (the named op sign-extends it): its taps are then provably i16 values,
/// which dyad-cpu-lower-vectors multiplies and adds with vpdpwssd
/// (VnniContraction.cpp). A filter of 4-bit values stays bytes: stored as
/// an i4 constant widened before the kernel, LLVM folded the small
/// widening loop into i32 constants, 8 times the nibbles' bytes.
struct DepthwiseFilterInKernel
    : OpRewritePattern<linalg::DepthwiseConv2DNhwcHwcOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::DepthwiseConv2DNhwcHwcOp op,
                                PatternRewriter &rewriter) const override {
    auto widen =
        op.getDpsInputOperand(1)->get().getDefiningOp<linalg::GenericOp>();
    Value narrow = widen ? dyad::extensionSource(widen.getResult(0)) : Value();
    DenseIntElementsAttr w;
    if (!narrow || !matchPattern(narrow, m_Constant(&w)) ||
        !w.getElementType().isInteger(8) ||
        narrow.getType() != RankedTensorType::get(
                                cast<RankedTensorType>(widen.getResult(0).getType())
                                    .getShape(),
                                w.getElementType()) ||
        !getElementTypeOrSelf(op.getDpsInputOperand(0)->get().getType())
             .isInteger(8))
      return failure();
    // A new op: the region's block arguments take the operands' types.
    auto conv = linalg::DepthwiseConv2DNhwcHwcOp::create(
        rewriter, op.getLoc(), op->getResultTypes(),
        ValueRange{op.getDpsInputOperand(0)->get(), narrow},
        ValueRange{op.getDpsInitOperand(0)->get()}, op.getStrides(),
        op.getDilations());
    conv->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    rewriter.replaceOp(op, conv->getResults());
    return success();
  }
};

/// A depthwise convolution (i8 input, constant i8 filter [KH][KW][C], KH
/// <= 4, C a multiple of 8) in the row-packed form of matchVnniDepthwise:
///   out[n,oh,ow,c] = init'[n,oh,ow,c]
///       + sum_{kw, r < KH} zext(x_u[n, oh*sh + r*dh, ow*sw + kw*dw, c])
///                          * sext(w'[kw, 4*c + r])
///   w'[kw][4c + r] = w[r][kw][c] (0 for r >= KH),
///   init' = init - 128 * sum_{kh,kw} w[kh,kw,c]
/// with x_u = x xor 0x80 as for the other packed kernels. The tile
/// vectorizer interleaves each input column's KH rows into one byte vector
/// (a vpermb with AVX512-VBMI), and each column tap is one vpdpbusd: KH
/// taps of 16 channels per instruction, where vpdpwssd took one
/// (DepthwiseFilterInKernel, kept for other targets and filters).
struct PackDepthwiseForVnni
    : OpRewritePattern<linalg::DepthwiseConv2DNhwcHwcOp> {
  PackDepthwiseForVnni(MLIRContext *ctx)
      : OpRewritePattern(ctx, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(linalg::DepthwiseConv2DNhwcHwcOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    Value x = op.getDpsInputOperand(0)->get();
    Value init = op.getDpsInitOperand(0)->get();
    Value filter = op.getDpsInputOperand(1)->get();
    // The filter as dyad-cpu-nhwc leaves it (an i8 constant widened in a
    // generic) or read narrow already.
    if (Value narrow = dyad::extensionSource(filter))
      filter = narrow;
    DenseIntElementsAttr w;
    auto elt = [](Value v) { return getElementTypeOrSelf(v.getType()); };
    if (!matchPattern(filter, m_Constant(&w)) ||
        !w.getElementType().isInteger(8) || !elt(x).isInteger(8) ||
        !elt(init).isInteger(32))
      return rewriter.notifyMatchFailure(op, "not i8 x constant i8 -> i32");
    auto wType = cast<RankedTensorType>(w.getType());
    int64_t kh = wType.getDimSize(0), kw = wType.getDimSize(1),
            c = wType.getDimSize(2);
    if (kh > 4 || c % 8 || cast<RankedTensorType>(x.getType()).getDimSize(3) != c)
      return rewriter.notifyMatchFailure(op, "more than 4 rows, or channels "
                                             "not in blocks of 8");
    SmallVector<int8_t> values;
    for (const APInt &v : w.getValues<APInt>())
      values.push_back(int8_t(v.getSExtValue()));
    std::vector<char> packed(kw * c * 4, 0);
    SmallVector<int32_t> correction(c, 0);
    for (int64_t r = 0; r < kh; ++r)
      for (int64_t t = 0; t < kw; ++t)
        for (int64_t ci = 0; ci < c; ++ci) {
          int8_t v = values[(r * kw + t) * c + ci];
          packed[(t * c + ci) * 4 + r] = char(v);
          addFlipCorrection(correction[ci], v);
        }
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto strides = llvm::to_vector(op.getStrides().getValues<int64_t>());
    auto dilations = llvm::to_vector(op.getDilations().getValues<int64_t>());
    Value wp = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::getFromRawBuffer(
            RankedTensorType::get({kw, c * 4}, rewriter.getI8Type()), packed));
    Value xu = unsignedInput(rewriter, loc, x);
    Value initU = correctInit(rewriter, loc, init, correction);
    // Loops (n, oh, ow, c, kw, r). r's range comes from the shape-only
    // operand (KH), not from w' (4 bytes a channel).
    SmallVector<AffineMap> maps{
        AffineMap::get(6, 0,
                       {d(0), d(1) * strides[0] + d(5) * dilations[0],
                        d(2) * strides[1] + d(4) * dilations[1], d(3)},
                       ctx),
        AffineMap::get(6, 0, {d(4), d(3) * 4 + d(5)}, ctx),
        AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx)};
    rewriter.replaceOp(
        op, buildPackedGeneric(rewriter, loc,
                               cast<RankedTensorType>(init.getType()), xu, wp,
                               initU, 6, 4, maps, kh));
    return success();
  }
};

struct DyadCpuPackVnniPass
    : dyad::impl::DyadCpuPackVnniBase<DyadCpuPackVnniPass> {
  using Base::Base;
  void runOnOperation() override {
    if (vnniBits < 128)
      return;
    MLIRContext *ctx = &getContext();
    {
      RewritePatternSet patterns(ctx);
      patterns.add<PackConvForVnni>(ctx, int64_t(vnniBits / 32),
                                    bool(nibbles), bool(pointwiseGemm));
      patterns.add<PackMatmulForVnni>(ctx, int64_t(vnniBits / 32),
                                      bool(nibbles));
      patterns.add<DepthwiseFilterInKernel>(ctx);
      if (depthwiseRows)
        patterns.add<PackDepthwiseForVnni>(ctx);
      (void)applyPatternsGreedily(getOperation(), std::move(patterns));
    }
    // The sign flips into their producers (a requantization writes u8),
    // as dyad-cpu-nhwc fuses: never into a broadcast read, never into the
    // packed convolution itself (its accumulator init stays apart, fused
    // tile by tile as the kernels' init).
    RewritePatternSet patterns(ctx);
    linalg::ControlFusionFn control = [](OpOperand *operand) {
      Operation *producer = operand->get().getDefiningOp();
      auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
      return producer && producer->hasOneUse() && consumer &&
             !matchVnniConv(consumer) && !matchVnniDepthwise(consumer) &&
             dyad::readsWithoutBroadcast(operand);
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    // A pointwise convolution's epilogue onto its GEMM's 2-D space.
    dyad::populateCollapseGemmEpiloguePatterns(patterns);
    // The flips' sizes read their producers' results (tensor.dim), which
    // would count as a second use: dims resolve to the producer's operands.
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    tensor::DimOp::getCanonicalizationPatterns(patterns, ctx);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
