//===- TileAndVectorize.cpp - apply the kernel strategy -------------------===//
//
// Applies `dyad.cpu.tiles` (chosen by dyad-cpu-select-kernels) on tensors:
//   1. tile each chosen op: the loops of `dyad.cpu.threads` with one
//      scf.forall (shared out among threads after bufferization, through
//      OpenMP), the rest with scf.for loops inside it (tileUsingSCF);
//   2. decompose the tiled 2-D convolutions and poolings, whose tiles have
//      one output row and one filter row, into their 1-D forms (the
//      vectorizer's convolution generator works on those: no im2col);
//   3. vectorize each tile (matmuls as vector.contract).
// Bufferization then turns the tiles' tensors into views of the buffers, and
// dyad-cpu-lower-vectors keeps the accumulators in registers across the
// reduction loops and lowers the vector ops to FMAs and loads.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/KernelStrategy.h"
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/ScopeExit.h"

#include <numeric>

namespace dyad {
#define GEN_PASS_DEF_DYADCPUTILEANDVECTORIZE
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

/// Largest vector (elements of the iteration space) a tile may become.
static constexpr int64_t kMaxVectorElements = 1 << 14;

/// The vector shape of a tile: its loop ranges, a dynamic one (a last,
/// partial tile) at its constant upper bound (the tile size, from the
/// affine.min of its slice); none when a range has no constant bound or the
/// tile is too large.
static std::optional<SmallVector<int64_t>>
tileShape(linalg::LinalgOp op, int64_t maxElements = kMaxVectorElements) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t n = 1;
  for (auto [loop, r] : llvm::enumerate(ranges)) {
    if (ShapedType::isDynamic(r)) {
      // An operand dim indexed by this loop alone.
      for (OpOperand &opnd : op->getOpOperands()) {
        AffineMap map = op.getMatchingIndexingMap(&opnd);
        for (auto [i, e] : llvm::enumerate(map.getResults())) {
          auto d = dyn_cast<AffineDimExpr>(e);
          if (!d || d.getPosition() != loop)
            continue;
          FailureOr<int64_t> ub = ValueBoundsConstraintSet::computeConstantBound(
              presburger::BoundType::UB,
              ValueBoundsConstraintSet::Variable(opnd.get(), i),
              /*stopCondition=*/nullptr, /*closedUB=*/true);
          if (succeeded(ub) && *ub > 0)
            r = ShapedType::isDynamic(r) ? *ub : std::min(r, *ub);
        }
      }
      if (ShapedType::isDynamic(r))
        return std::nullopt;
    }
    n = r > 0 && n > maxElements / r ? maxElements + 1 : n * r;
    if (n > maxElements)
      return std::nullopt;
  }
  return ranges;
}

/// `op` tiled with `sizes` (0: a loop not tiled) in scf.for loops, which
/// replace it; returns the op of the tile, or fails and leaves `op`.
static FailureOr<linalg::LinalgOp>
tileWithLoops(RewriterBase &rewriter, linalg::LinalgOp op,
              ArrayRef<int64_t> sizes) {
  rewriter.setInsertionPoint(op);
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled) || tiled->tiledOps.size() != 1)
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  return cast<linalg::LinalgOp>(tiled->tiledOps.front());
}

/// `op` (a GEMM tile whose rows, of its first input and of its init, are
/// known at run time, at most `rows`) as
///   scf.if (rows == `rows`) { the same op on static `rows`-row tensors }
///   else { `op` }
/// Returns the two ops (full, partial).
static FailureOr<std::pair<linalg::LinalgOp, linalg::LinalgOp>>
splitStaticRows(RewriterBase &rewriter, linalg::LinalgOp op, int64_t rows) {
  Location loc = op.getLoc();
  Value a = op.getDpsInputOperand(0)->get();
  Value init = op.getDpsInitOperand(0)->get();
  auto aType = dyn_cast<RankedTensorType>(a.getType());
  auto cType = dyn_cast<RankedTensorType>(init.getType());
  if (!aType || !cType || !aType.isDynamicDim(0) || !cType.isDynamicDim(0) ||
      aType.isDynamicDim(1) || cType.isDynamicDim(1))
    return failure();
  for (OpOperand *other : op.getDpsInputOperands())
    if (other->get() != a &&
        !cast<ShapedType>(other->get().getType()).hasStaticShape())
      return failure();
  rewriter.setInsertionPoint(op);
  Value count = tensor::DimOp::create(rewriter, loc, a, 0);
  Value expected = arith::ConstantIndexOp::create(rewriter, loc, rows);
  Value full = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                     count, expected);
  auto ifOp = scf::IfOp::create(rewriter, loc, TypeRange{cType}, full,
                                /*withElseRegion=*/true);
  Operation *fullOp, *partOp;
  {
    OpBuilder::InsertionGuard g(rewriter);
    rewriter.setInsertionPointToStart(&ifOp.getThenRegion().front());
    IRMapping map;
    map.map(a, tensor::CastOp::create(
                   rewriter, loc, aType.clone({rows, aType.getDimSize(1)}), a)
                   .getResult());
    Value staticInit = tensor::CastOp::create(
        rewriter, loc, cType.clone({rows, cType.getDimSize(1)}), init);
    map.map(init, staticInit);
    fullOp = rewriter.clone(*op.getOperation(), map);
    fullOp->getResult(0).setType(staticInit.getType());
    Value back =
        tensor::CastOp::create(rewriter, loc, cType, fullOp->getResult(0));
    scf::YieldOp::create(rewriter, loc, back);
    rewriter.setInsertionPointToStart(&ifOp.getElseRegion().front());
    partOp = rewriter.clone(*op.getOperation());
    scf::YieldOp::create(rewriter, loc, partOp->getResult(0));
  }
  rewriter.replaceOp(op, ifOp.getResults());
  return std::pair(cast<linalg::LinalgOp>(fullOp),
                   cast<linalg::LinalgOp>(partOp));
}

static bool isContractionKernel(Operation *op) {
  auto k = op->getAttrOfType<StringAttr>(kKernelAttr);
  return k && dyad::isContractionKernel(k.getValue());
}

static bool hasKernel(Operation *op, StringRef kernel) {
  auto k = op->getAttrOfType<StringAttr>(kKernelAttr);
  return k && k.getValue() == kernel;
}

/// A contraction that dyad-cpu-lower-amx computes on tile registers: a
/// packed GEMM (matmul-amx) or convolution (conv2d-nhwc-amx). Its tiles are
/// not vectorized; its K stays whole.
static bool isAmxKernel(Operation *op) {
  return hasKernel(op, "matmul-amx") || hasKernel(op, "conv2d-nhwc-amx");
}

/// acc[m][n] += zext(x[m][4kb+i]) * sext(w[kb][4n+i]) on 2-D tiles
/// (x: rows x 4*steps bytes, w: steps x 4*cols bytes, acc: rows x cols
/// i32), as a vector.contract of the rows viewed as [.][.][4] (the
/// shape_casts PackedContractToVnni looks through). Returns the written
/// accumulator tile.
static Value vnniContraction(RewriterBase &rewriter, Location loc, Value xs,
                             Value ws, Value as, int64_t rows) {
  auto wt = cast<RankedTensorType>(ws.getType());
  auto at = cast<RankedTensorType>(as.getType());
  int64_t cols = at.getDimSize(1), steps = wt.getDimSize(0);
  // A partial tile (fewer rows than `rows`): masked rows, read as 0 and
  // not written.
  bool partial = at.isDynamicDim(0);
  Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  auto read = [&](Value t, Value pad) -> Value {
    auto tt = cast<RankedTensorType>(t.getType());
    SmallVector<Value> indices(tt.getRank(), zero);
    SmallVector<bool> inBounds(tt.getRank(), true);
    SmallVector<int64_t> shape(tt.getShape());
    if (tt.isDynamicDim(0)) {
      shape[0] = rows;
      inBounds[0] = false;
    }
    return vector::TransferReadOp::create(
        rewriter, loc, VectorType::get(shape, tt.getElementType()), t,
        indices, pad, inBounds);
  };
  Value pad8 = arith::ConstantOp::create(rewriter, loc, rewriter.getI8IntegerAttr(0));
  Value pad32 = arith::ConstantOp::create(rewriter, loc, rewriter.getI32IntegerAttr(0));
  Value xv = vector::ShapeCastOp::create(
      rewriter, loc, VectorType::get({rows, steps, 4}, i8), read(xs, pad8));
  // i8 weights, or i4 ones (stored two per byte, dyad-cpu-pack-nibbles).
  Type wt8 = wt.getElementType();
  Value padW = wt8 == i8 ? pad8
                         : Value(arith::ConstantOp::create(
                               rewriter, loc, rewriter.getIntegerAttr(wt8, 0)));
  Value wv = vector::ShapeCastOp::create(
      rewriter, loc, VectorType::get({steps, cols, 4}, wt8), read(ws, padW));
  Value av = read(as, pad32);
  Value xe = arith::ExtUIOp::create(
      rewriter, loc, VectorType::get({rows, steps, 4}, i32), xv);
  Value we = arith::ExtSIOp::create(
      rewriter, loc, VectorType::get({steps, cols, 4}, i32), wv);
  MLIRContext *ctx = rewriter.getContext();
  AffineExpr m, n, kb, ki;
  bindDims(ctx, m, n, kb, ki);
  auto map = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(4, 0, e, ctx); };
  auto par = vector::IteratorTypeAttr::get(ctx, vector::IteratorType::parallel);
  auto red = vector::IteratorTypeAttr::get(ctx, vector::IteratorType::reduction);
  Value res = vector::ContractionOp::create(
      rewriter, loc, xe, we, av,
      rewriter.getAffineMapArrayAttr(
          {map({m, kb, ki}), map({kb, n, ki}), map({m, n})}),
      rewriter.getArrayAttr({par, par, red, red}));
  SmallVector<Value> indices(2, zero);
  return vector::TransferWriteOp::create(rewriter, loc, res, as, indices,
                                         ArrayRef<bool>{!partial, true})
      .getResult();
}

/// A tile of a packed int8 GEMM (matchVnniMatmul), static: its operands are
/// the 2-D tiles vnniContraction takes.
static LogicalResult vectorizeVnniMatmul(RewriterBase &rewriter,
                                         linalg::LinalgOp op) {
  std::optional<SmallVector<int64_t>> r = tileShape(op);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  // Rows may be a partial tile; the rest is static.
  if (!r || (*r)[3] != 4 ||
      llvm::any_of(ArrayRef<int64_t>(ranges).drop_front(),
                   [](int64_t s) { return ShapedType::isDynamic(s); }))
    return failure();
  rewriter.setInsertionPoint(op);
  Value written = vnniContraction(rewriter, op.getLoc(),
                                  op.getDpsInputOperand(0)->get(),
                                  op.getDpsInputOperand(1)->get(),
                                  op.getDpsInitOperand(0)->get(), (*r)[0]);
  rewriter.replaceOp(op, written);
  return success();
}

/// A tile of a packed int8 convolution (matchVnniConv) with one image, one
/// output row and one filter tap, as the contraction
///   acc[ow][f] += zext(x[ow][cb][ci]) * sext(w[cb][f][ci])
/// on rank-reduced slices of its operands (the input window read with the
/// convolution's width stride). PackedContractToVnni lowers it. (The
/// upstream vectorizer takes no generic with computed indices.)
static LogicalResult vectorizeVnniConv(RewriterBase &rewriter,
                                       linalg::LinalgOp op, int64_t strideW) {
  SmallVector<int64_t> r = op.getStaticLoopRanges();
  if (llvm::any_of(r, [](int64_t s) { return ShapedType::isDynamic(s); }) ||
      r[0] != 1 || r[1] != 1 || r[4] != 1 || r[5] != 1)
    return failure();
  int64_t tw = r[2], tf = r[3], tcb = r[6], ci = r[7];
  if (ci != 4)
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value x = op.getDpsInputOperand(0)->get();
  Value w = op.getDpsInputOperand(1)->get();
  Value acc = op.getDpsInitOperand(0)->get();
  Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
  auto idx = [&](ArrayRef<int64_t> v) {
    return getAsIndexOpFoldResult(rewriter.getContext(), v);
  };
  auto slice = [&](Value src, ArrayRef<int64_t> sizes,
                   ArrayRef<int64_t> strides, ArrayRef<int64_t> shape,
                   Type elt) -> Value {
    SmallVector<int64_t> zeros(sizes.size(), 0);
    return tensor::ExtractSliceOp::create(
        rewriter, loc, RankedTensorType::get(shape, elt), src, idx(zeros),
        idx(sizes), idx(strides));
  };
  // Rows of bytes: [ow][4*cb + ci] and [cb][4*f + ci], viewed as 3-D
  // vectors by a shape_cast the VNNI lowering looks through.
  Value xs = slice(x, {1, 1, tw, 4 * tcb}, {1, 1, strideW, 1},
                   {tw, 4 * tcb}, i8);
  Value ws = slice(w, {1, 1, tcb, 4 * tf}, {1, 1, 1, 1}, {tcb, 4 * tf},
                   getElementTypeOrSelf(w.getType()));
  Value as = slice(acc, {1, 1, tw, tf}, {1, 1, 1, 1}, {tw, tf}, i32);
  Value written = vnniContraction(rewriter, loc, xs, ws, as, tw);
  Value full = tensor::InsertSliceOp::create(
      rewriter, loc, written, acc, idx({0, 0, 0, 0}), idx({1, 1, tw, tf}),
      idx({1, 1, 1, 1}));
  rewriter.replaceOp(op, full);
  return success();
}

/// A tile of a row-packed depthwise convolution (matchVnniDepthwise) with
/// one image, one output row, `tw` pixels and `tc` channels, the filter
/// taps whole:
///   - each input column's KH rows of tc bytes, interleaved into one
///     vector of tc dwords (byte r of dword c: row r's channel c; the
///     bytes past KH are poison, their weights 0): one vpermb;
///   - per pixel and column tap, the contraction
///       acc[c] += sum_r zext(col[c][r]) * sext(w[kw][c][r])
///     which dyad-cpu-lower-vectors makes one vpdpbusd.
static LogicalResult vectorizeVnniDepthwise(RewriterBase &rewriter,
                                            linalg::LinalgOp op,
                                            const VnniDepthwise &dw) {
  SmallVector<int64_t> r = op.getStaticLoopRanges();
  if (llvm::any_of(r, [](int64_t s) { return ShapedType::isDynamic(s); }) ||
      r[0] != 1 || r[1] != 1 || r[4] != dw.kernelW || r[5] != dw.kernelH ||
      r[3] % 8)
    return failure();
  int64_t tw = r[2], tc = r[3], kh = dw.kernelH, kw = dw.kernelW;
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value x = op.getDpsInputOperand(0)->get();
  Value acc = op.getDpsInitOperand(0)->get();
  Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, v);
  };
  Value pad8 = arith::ConstantOp::create(rewriter, loc, rewriter.getI8IntegerAttr(0));
  Value pad32 = arith::ConstantOp::create(rewriter, loc, rewriter.getI32IntegerAttr(0));
  auto rowType = VectorType::get({tc}, i8);
  auto bytesType = VectorType::get({4 * tc}, i8);
  auto dwordsType = VectorType::get({tc, 4}, i8);
  auto wideType = VectorType::get({tc, 4}, i32);

  // The filter: one vector of tc dwords per column tap, read from the
  // tile's slice of it, which ends at row KH - 1 of the last channel: the
  // bytes past it are masked (read as 0; a constant mask).
  Value w = op.getDpsInputOperand(1)->get();
  int64_t wBytes = cast<RankedTensorType>(w.getType()).getDimSize(1);
  if (ShapedType::isDynamic(wBytes) || wBytes > 4 * tc)
    return failure();
  Value mask;
  if (wBytes < 4 * tc)
    mask = vector::ConstantMaskOp::create(
        rewriter, loc, VectorType::get({4 * tc}, rewriter.getI1Type()),
        ArrayRef<int64_t>{wBytes});
  SmallVector<Value> taps;
  for (int64_t t = 0; t < kw; ++t) {
    Value bytes = vector::TransferReadOp::create(
        rewriter, loc, bytesType, w, ValueRange{index(t), zero},
        AffineMapAttr::get(AffineMap::getMinorIdentityMap(2, 1, rewriter.getContext())),
        pad8, mask, rewriter.getBoolArrayAttr({true}));
    Value dwords = vector::ShapeCastOp::create(rewriter, loc, dwordsType, bytes);
    taps.push_back(arith::ExtSIOp::create(rewriter, loc, wideType, dwords));
  }
  // Byte r of dword c: row r's byte c, in the concatenation of the rows
  // padded to 4 with zeros: the bytes past KH are 0, whatever the filter
  // holds there (a zeroing byte permute).
  SmallVector<int64_t> interleave(4 * tc);
  for (int64_t c = 0; c < tc; ++c)
    for (int64_t k = 0; k < 4; ++k)
      interleave[4 * c + k] = k * tc + c;
  Value zeroRow = arith::ConstantOp::create(
      rewriter, loc, DenseElementsAttr::get(rowType, APInt(8, 0)));
  SmallVector<int64_t> concat(2 * tc);
  std::iota(concat.begin(), concat.end(), 0);
  DenseMap<int64_t, Value> columns;
  auto column = [&](int64_t j) -> Value {
    if (Value v = columns.lookup(j))
      return v;
    SmallVector<Value> rows;
    for (int64_t k = 0; k < kh; ++k)
      rows.push_back(vector::TransferReadOp::create(
          rewriter, loc, rowType, x,
          ValueRange{zero, index(k * dw.dilationH), index(j), zero}, pad8,
          ArrayRef<bool>{true}));
    while (rows.size() < 4)
      rows.push_back(zeroRow);
    Value lo = vector::ShuffleOp::create(rewriter, loc, rows[0], rows[1], concat);
    Value hi = vector::ShuffleOp::create(rewriter, loc, rows[2], rows[3], concat);
    Value bytes = vector::ShuffleOp::create(rewriter, loc, lo, hi, interleave);
    Value dwords = vector::ShapeCastOp::create(rewriter, loc, dwordsType, bytes);
    Value wide = arith::ExtUIOp::create(rewriter, loc, wideType, dwords);
    columns[j] = wide;
    return wide;
  };

  auto accType = VectorType::get({tw, tc}, i32);
  MLIRContext *ctx = rewriter.getContext();
  auto accMap = AffineMap::get(4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx);
  Value accVec = vector::TransferReadOp::create(
      rewriter, loc, accType, acc, ValueRange{zero, zero, zero, zero}, pad32,
      accMap, ArrayRef<bool>{true, true});
  AffineExpr c, k;
  bindDims(ctx, c, k);
  ArrayAttr maps = rewriter.getAffineMapArrayAttr(
      {AffineMap::get(2, 0, {c, k}, ctx), AffineMap::get(2, 0, {c, k}, ctx),
       AffineMap::get(2, 0, {c}, ctx)});
  ArrayAttr iters = rewriter.getArrayAttr(
      {vector::IteratorTypeAttr::get(ctx, vector::IteratorType::parallel),
       vector::IteratorTypeAttr::get(ctx, vector::IteratorType::reduction)});
  SmallVector<Value> sums;
  for (int64_t o = 0; o < tw; ++o)
    sums.push_back(vector::ExtractOp::create(rewriter, loc, accVec, o));
  // Column by column: each interleaved column is made once and used by the
  // pixels whose window holds it.
  int64_t lastColumn = (tw - 1) * dw.strideW + (kw - 1) * dw.dilationW;
  for (int64_t j = 0; j <= lastColumn; ++j)
    for (int64_t o = 0; o < tw; ++o)
      for (int64_t t = 0; t < kw; ++t)
        if (o * dw.strideW + t * dw.dilationW == j)
          sums[o] = vector::ContractionOp::create(rewriter, loc, column(j),
                                                  taps[t], sums[o], maps, iters);
  Value result = accVec;
  for (int64_t o = 0; o < tw; ++o)
    result = vector::InsertOp::create(rewriter, loc, sums[o], result, o);
  Value written = vector::TransferWriteOp::create(
      rewriter, loc, result, acc, ValueRange{zero, zero, zero, zero}, accMap,
      ArrayRef<bool>{true, true})
      .getResult();
  rewriter.replaceOp(op, written);
  return success();
}

/// Tiles `op` (an epilogue, kFuseProducerAttr) with `sizes` in loops of
/// `loopType`, computing its contraction producer, and the producer of that
/// contraction's accumulator init (bias broadcast, fill), tile by tile
/// inside them. Returns the tiled epilogue, or null where nothing was tiled.
static FailureOr<linalg::LinalgOp>
tileAndFuseEpilogue(RewriterBase &rewriter, linalg::LinalgOp op,
                    ArrayRef<int64_t> sizes,
                    scf::SCFTilingOptions::LoopType loopType) {
  MLIRContext *ctx = rewriter.getContext();
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setLoopType(loopType);
  options.tilingOptions.setTileSizes(getAsIndexOpFoldResult(ctx, sizes));
  options.setFusionControlFn(
      [](tensor::ExtractSliceOp slice, OpResult producer,
         bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (isContractionKernel(producer.getOwner()))
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        // The slice is a tiled contraction's accumulator init.
        if (slice->hasOneUse()) {
          OpOperand &use = *slice->getUses().begin();
          auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
          if (user && user.isDpsInit(&use) && isContractionKernel(user))
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
        }
        return std::nullopt;
      });
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTileAndFuseResult> fused =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(fused) || fused->tiledAndFusedOps.empty())
    return failure();
  for (OpResult r : op->getResults())
    if (Value v = fused->replacements.lookup(r))
      rewriter.replaceAllUsesWith(r, v);
  // The fused copies of the bias broadcast and the epilogue itself are
  // vectorized whole inside the loops; the contraction keeps its tiles for
  // its reduction loops.
  for (Operation *t : fused->tiledAndFusedOps)
    if (!isContractionKernel(t)) {
      t->removeAttr(kTilesAttr);
      t->removeAttr(kThreadsAttr);
      t->removeAttr(kFuseProducerAttr);
    }
  return cast<linalg::LinalgOp>(fused->tiledAndFusedOps.front());
}

/// `op` (a linalg.matmul whose rows are dynamic, tiled by sizes[0] == 8)
/// tiled with its rows in blocks of 8: an scf.for over the blocks (unless
/// the rows are at most 8 already: a thread's or an epilogue's tile), in
/// each an scf.if between the full block, a static 8-row op tiled with
/// `sizes` on its other loops, and the last partial block, tiled one row at
/// a time. Every output element gets the same FMAs in the same order in
/// either (one per step of k): a sample's result does not depend on its
/// place in the batch.
static LogicalResult tileRowBlocks(RewriterBase &rewriter, linalg::MatmulOp op,
                                   ArrayRef<int64_t> sizes) {
  Value a = op.getDpsInputOperand(0)->get();
  FailureOr<int64_t> ub = ValueBoundsConstraintSet::computeConstantBound(
      presburger::BoundType::UB, ValueBoundsConstraintSet::Variable(a, 0),
      /*stopCondition=*/nullptr, /*closedUB=*/true);
  linalg::LinalgOp block = op;
  if (failed(ub) || *ub > 8) {
    FailureOr<linalg::LinalgOp> t = tileWithLoops(rewriter, op, {8, 0, 0});
    if (failed(t))
      return failure();
    block = *t;
  }
  // The block: rows <= 8.
  FailureOr<std::pair<linalg::LinalgOp, linalg::LinalgOp>> split =
      splitStaticRows(rewriter, block, 8);
  if (failed(split))
    return failure();
  auto [fullOp, partOp] = *split;
  SmallVector<int64_t> fullSizes(sizes), partSizes(sizes);
  fullSizes[0] = 0;
  partSizes[0] = 1;
  for (auto [o, s] : {std::pair(fullOp, fullSizes), std::pair(partOp, partSizes)}) {
    o->removeAttr(kTilesAttr);
    o->removeAttr(kThreadsAttr);
    if (failed(tileWithLoops(rewriter, o, s)))
      return failure();
  }
  return success();
}

/// The part [offset, offset + size) of loop `loop` of `op`'s iteration
/// space (the other loops whole), as a tiled copy of `op` on slices of its
/// operands (TilingInterface); `offsets` and `sizes` get the part's box.
static FailureOr<TilingResult> part(RewriterBase &rewriter, TilingInterface op,
                                    int64_t loop, int64_t offset, int64_t size,
                                    SmallVector<OpFoldResult> &offsets,
                                    SmallVector<OpFoldResult> &sizes) {
  offsets.clear();
  sizes.clear();
  for (auto [i, r] : llvm::enumerate(op.getIterationDomain(rewriter))) {
    bool split = int64_t(i) == loop;
    offsets.push_back(split ? rewriter.getIndexAttr(offset) : r.offset);
    sizes.push_back(split ? rewriter.getIndexAttr(size) : r.size);
  }
  return op.getTiledImplementation(rewriter, offsets, sizes);
}

/// Applies `dyad.cpu.split` (KernelStrategy.h) to `op`, an epilogue (its
/// contraction split with it: each part of the epilogue reads the same part
/// of the contraction, whose accumulator init, a bias broadcast or a fill,
/// is made for that part too) or a kernel on its own. The parts are
/// written into `op`'s destination with tensor.insert_slice and carry the
/// usual attributes, with their own tiles, for the steps below.
static LogicalResult splitOp(RewriterBase &rewriter, linalg::LinalgOp op) {
  auto split = op->getAttrOfType<DenseI64ArrayAttr>(kSplitAttr);
  auto splitTiles = op->getAttrOfType<DenseI64ArrayAttr>(kSplitTilesAttr);
  op->removeAttr(kSplitAttr);
  op->removeAttr(kSplitTilesAttr);
  if (!split || split.size() != 2 || !splitTiles || op->getNumResults() != 1)
    return failure();
  int64_t loop = split[0], point = split[1];
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (loop < 0 || loop >= int64_t(ranges.size()) ||
      ShapedType::isDynamic(ranges[loop]) || point <= 0 ||
      point >= ranges[loop])
    return failure();
  // The contraction an epilogue takes in.
  linalg::LinalgOp producer;
  if (op->hasAttr(kFuseProducerAttr))
    for (Value in : op.getDpsInputs())
      if (auto p = in.getDefiningOp<linalg::LinalgOp>();
          p && isContractionKernel(p) && p->hasAttr(kSplitAttr) &&
          p->getResult(0).hasOneUse())
        producer = p;
  SmallVector<int64_t> producerSplitTiles;
  if (producer) {
    if (auto t = producer->getAttrOfType<DenseI64ArrayAttr>(kSplitTilesAttr))
      producerSplitTiles.assign(t.asArrayRef().begin(), t.asArrayRef().end());
    producer->removeAttr(kSplitAttr);
    producer->removeAttr(kSplitTilesAttr);
    if (producerSplitTiles.size() != producer.getNumLoops())
      return failure();
  }
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value result = op.getDpsInitOperand(0)->get();
  for (auto [offset, size] : {std::pair<int64_t, int64_t>(0, point),
                              {point, ranges[loop] - point}}) {
    bool second = offset > 0;
    // The contraction's part first: the epilogue's part reads it.
    linalg::LinalgOp tiledProducer;
    if (producer) {
      SmallVector<OpFoldResult> pOffsets, pSizes;
      FailureOr<TilingResult> c = part(
          rewriter, cast<TilingInterface>(producer.getOperation()), loop,
          offset, size, pOffsets, pSizes);
      if (failed(c) || c->tiledOps.size() != 1)
        return failure();
      tiledProducer = cast<linalg::LinalgOp>(c->tiledOps.front());
      if (second)
        tiledProducer->setAttr(kTilesAttr,
                               rewriter.getDenseI64ArrayAttr(producerSplitTiles));
      // The accumulator init's producer, for this part only (the epilogue's
      // loops take it in, tile by tile).
      OpOperand *init = tiledProducer.getDpsInitOperand(0);
      if (auto s = init->get().getDefiningOp<tensor::ExtractSliceOp>()) {
        auto maker = s.getSource().getDefiningOp<TilingInterface>();
        if (maker && isa<linalg::LinalgOp>(maker.getOperation())) {
          OpBuilder::InsertionGuard guard(rewriter);
          rewriter.setInsertionPoint(tiledProducer);
          FailureOr<TilingResult> t = maker.generateResultTileValue(
              rewriter, cast<OpResult>(s.getSource()).getResultNumber(),
              s.getMixedOffsets(), s.getMixedSizes());
          if (succeeded(t) && t->tiledValues.size() == 1)
            init->set(t->tiledValues.front());
        }
      }
    }
    SmallVector<OpFoldResult> offsets, sizes;
    FailureOr<TilingResult> e = part(
        rewriter, cast<TilingInterface>(op.getOperation()), loop, offset,
        size, offsets, sizes);
    if (failed(e) || e->tiledOps.size() != 1)
      return failure();
    Operation *tiled = e->tiledOps.front();
    if (second)
      tiled->setAttr(kTilesAttr, splitTiles);
    if (producer)
      for (OpOperand &o : tiled->getOpOperands())
        if (auto s = o.get().getDefiningOp<tensor::ExtractSliceOp>();
            s && s.getSource() == producer->getResult(0))
          o.set(tiledProducer->getResult(0));
    SmallVector<OpFoldResult> resultOffsets, resultSizes;
    if (failed(cast<TilingInterface>(op.getOperation())
                   .getResultTilePosition(rewriter, 0, offsets, sizes,
                                          resultOffsets, resultSizes)))
      return failure();
    SmallVector<OpFoldResult> strides(resultOffsets.size(),
                                      rewriter.getIndexAttr(1));
    // Each part writes into its place in the result so far (the first
    // part's into the destination's), which bufferizes in place: a part
    // given a fresh tensor was copied into the result after.
    if (second) {
      auto linalgTiled = cast<linalg::LinalgOp>(tiled);
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(tiled);
      linalgTiled.getDpsInitOperand(0)->set(tensor::ExtractSliceOp::create(
          rewriter, loc, result, resultOffsets, resultSizes, strides));
    }
    result = tensor::InsertSliceOp::create(rewriter, loc, e->tiledValues[0],
                                           result, resultOffsets, resultSizes,
                                           strides);
  }
  rewriter.replaceOp(op, result);
  if (producer && producer->use_empty())
    rewriter.eraseOp(producer);
  return success();
}

/// An AMX GEMM taken into `epilogue` whose accumulator starts at a bias
/// broadcast starts at zero instead (dyad-cpu-lower-amx: tilezero), and
/// the epilogue adds the bias to the sums: (0 + sum) + bias wraps to the
/// same i32 as bias + sum. The bias otherwise went through memory for
/// every tile: vector stores, then a tile load waiting for them.
static void biasIntoEpilogue(RewriterBase &rewriter,
                             linalg::GenericOp epilogue) {
  unsigned rank = epilogue.getNumLoops();
  if (epilogue.getNumDpsInits() != 1 || rank < 1)
    return;
  for (OpOperand *in : epilogue.getDpsInputOperands()) {
    auto gemm = in->get().getDefiningOp<linalg::GenericOp>();
    if (!gemm || !isAmxKernel(gemm) ||
        !gemm->getResult(0).hasOneUse() ||
        !epilogue.getMatchingIndexingMap(in).isIdentity())
      continue;
    OpOperand *init = gemm.getDpsInitOperand(0);
    if (!init->get().hasOneUse())
      return;
    // A bias per column (a broadcast 1-D tensor), or one for all (a fill,
    // or a generic with no inputs yielding a value from outside its body).
    Value bias = broadcastRowSource(init->get()), scalar;
    if (auto fill = init->get().getDefiningOp<linalg::FillOp>())
      scalar = fill.getInputs()[0];
    if (auto g = init->get().getDefiningOp<linalg::GenericOp>();
        g && g.getNumDpsInputs() == 0 && g.getNumDpsInits() == 1 &&
        g.getNumParallelLoops() == g.getNumLoops() &&
        g.getIndexingMapsArray()[0].isIdentity()) {
      Value y = g.getRegion().front().getTerminator()->getOperand(0);
      if (!g.getRegion().isAncestor(y.getParentRegion()))
        scalar = y;
    }
    if (!bias && !scalar)
      return;
    Location loc = epilogue.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    // The accumulator: zeros.
    auto maker = cast<DestinationStyleOpInterface>(init->get().getDefiningOp());
    rewriter.setInsertionPoint(gemm);
    Value zero = arith::ConstantOp::create(
        rewriter, loc, rewriter.getZeroAttr(getElementTypeOrSelf(init->get())));
    Value zeros = linalg::FillOp::create(rewriter, loc, zero,
                                         maker.getDpsInits()[0])
                      .getResult(0);
    rewriter.modifyOpInPlace(gemm, [&] {
      init->set(zeros);
      gemm->setAttr(kAmxZeroInitAttr, rewriter.getUnitAttr());
    });
    rewriter.eraseOp(maker);
    if (scalar && matchPattern(scalar, m_Zero()))
      return;
    // The epilogue: one more input, the bias along its last loop, added to
    // the GEMM's sum before the body uses it.
    unsigned index = in->getOperandNumber();
    SmallVector<Value> inputs(epilogue.getDpsInputs());
    SmallVector<AffineMap> maps;
    for (OpOperand *i : epilogue.getDpsInputOperands())
      maps.push_back(epilogue.getMatchingIndexingMap(i));
    // The bias as one more input: along the last loop, or a scalar (a 0-d
    // tensor of the fill's value).
    if (bias) {
      inputs.push_back(bias);
      maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx)));
    } else {
      inputs.push_back(tensor::FromElementsOp::create(
          rewriter, loc, RankedTensorType::get({}, scalar.getType()), scalar));
      maps.push_back(AffineMap::get(rank, 0, ctx));
    }
    maps.push_back(epilogue.getMatchingIndexingMap(epilogue.getDpsInitOperand(0)));
    rewriter.setInsertionPoint(epilogue);
    unsigned numIn = epilogue.getNumDpsInputs();
    auto added = linalg::GenericOp::create(
        rewriter, loc, epilogue.getResultTypes(), inputs,
        epilogue.getDpsInits(), maps, epilogue.getIteratorTypesArray(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Block &old = epilogue.getRegion().front();
          IRMapping map;
          for (unsigned i = 0; i < numIn; ++i)
            map.map(old.getArgument(i), args[i]);
          map.map(old.getArgument(index),
                  arith::AddIOp::create(b, l, args[index], args[numIn])
                      .getResult());
          map.map(old.getArgument(numIn), args[numIn + 1]);
          for (Operation &op : old)
            b.clone(op, map);
        });
    added->setDiscardableAttrs(epilogue->getDiscardableAttrDictionary());
    rewriter.replaceOp(epilogue, added->getResults());
    return;
  }
}

/// `amx` and `vnni` (splitStaticRows: the then and else branches) share an
/// accumulator init of zeros (biasIntoEpilogue), computed before their
/// scf.if. The zeros are made in the else branch only, for the VNNI rows;
/// the AMX tile gets a linalg.fill of its own, which dyad-cpu-lower-amx
/// replaces with tilezero (kAmxZeroInitAttr). (Before the branch, LLVM
/// made the zeros a memset call, after which the tile configuration was
/// loaded again for every tile.)
static void zeroInitOnlyForVnni(RewriterBase &rewriter, linalg::LinalgOp amx,
                                linalg::LinalgOp vnni) {
  auto cast = amx.getDpsInitOperand(0)->get().getDefiningOp<tensor::CastOp>();
  auto branch = dyn_cast<scf::IfOp>(amx->getParentOp());
  if (!cast || !branch || vnni->getParentOp() != branch)
    return;
  Value zeros = cast.getSource();
  Operation *maker = zeros.getDefiningOp();
  if (!maker || maker->getBlock() != branch->getBlock() ||
      maker->getNumResults() != 1)
    return;
  // The tensor the zeros were written into (whatever it holds: the then
  // branch fills it).
  Value dest;
  if (auto loop = dyn_cast<scf::ForOp>(maker); loop && loop.getNumResults() == 1)
    dest = loop.getInitArgs()[0];
  else if (auto dps = dyn_cast<DestinationStyleOpInterface>(maker);
           dps && dps.getNumDpsInits() == 1)
    dest = dps.getDpsInits()[0];
  if (!dest || !llvm::all_of(zeros.getUsers(), [&](Operation *user) {
        return branch->isProperAncestor(user);
      }))
    return;
  // The else branch: its own copy of the zeros.
  rewriter.setInsertionPointToStart(&branch.getElseRegion().front());
  Operation *copy = rewriter.clone(*maker);
  rewriter.replaceUsesWithIf(zeros, copy->getResult(0), [&](OpOperand &use) {
    return branch.getElseRegion().isAncestor(
        use.getOwner()->getParentRegion());
  });
  // The then branch: a fill of the same tensor, right before the AMX tile.
  rewriter.setInsertionPoint(amx);
  Value castDest = tensor::CastOp::create(rewriter, amx.getLoc(),
                                          cast.getType(), dest);
  Value zero = arith::ConstantOp::create(
      rewriter, amx.getLoc(), rewriter.getZeroAttr(getElementTypeOrSelf(dest)));
  auto fill = linalg::FillOp::create(rewriter, amx.getLoc(), zero, castDest);
  fill->setAttr(kAmxZeroInitAttr, rewriter.getUnitAttr());
  rewriter.modifyOpInPlace(
      amx, [&] { amx.getDpsInitOperand(0)->set(fill.getResult(0)); });
  if (cast->use_empty())
    rewriter.eraseOp(cast);
  if (maker->use_empty())
    rewriter.eraseOp(maker);
}

namespace {
struct DyadCpuTileAndVectorizePass
    : dyad::impl::DyadCpuTileAndVectorizeBase<DyadCpuTileAndVectorizePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);

    // 0. Split the ops the strategy split (epilogues with their
    // contractions first).
    for (bool epilogue : {true, false}) {
      SmallVector<linalg::LinalgOp> splits;
      func.walk([&](linalg::LinalgOp op) {
        if (op->hasAttr(kSplitAttr) &&
            op->hasAttr(kFuseProducerAttr) == epilogue)
          splits.push_back(op);
      });
      for (linalg::LinalgOp op : splits)
        (void)splitOp(rewriter, op);
    }

    {
      SmallVector<linalg::GenericOp> amxEpilogues;
      func.walk([&](linalg::GenericOp g) {
        if (g->hasAttr(kFuseProducerAttr) &&
            (hasKernel(g, "matmul-amx-epilogue") ||
             hasKernel(g, "conv2d-nhwc-amx-epilogue")))
          amxEpilogues.push_back(g);
      });
      for (linalg::GenericOp g : amxEpilogues)
        biasIntoEpilogue(rewriter, g);
    }

    // 1. Tile. Epilogues first: their loops take in their contraction.
    SmallVector<linalg::LinalgOp> epilogues;
    func.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kFuseProducerAttr) && op->hasAttr(kTilesAttr))
        epilogues.push_back(op);
    });
    for (linalg::LinalgOp op : epilogues) {
      auto tiles = op->getAttrOfType<DenseI64ArrayAttr>(kTilesAttr);
      if (tiles.size() != int64_t(op.getNumLoops()))
        continue; // reported below
      SmallVector<int64_t> sizes(tiles.asArrayRef());
      linalg::LinalgOp current = op;
      if (auto threads = op->getAttrOfType<DenseI64ArrayAttr>(kThreadsAttr)) {
        SmallVector<int64_t> outer(sizes.size(), 0);
        for (int64_t loop : threads.asArrayRef())
          if (loop >= 0 && loop < int64_t(sizes.size()))
            std::swap(outer[loop], sizes[loop]);
        FailureOr<linalg::LinalgOp> tiled = tileAndFuseEpilogue(
            rewriter, current, outer, scf::SCFTilingOptions::LoopType::ForallOp);
        if (succeeded(tiled))
          current = *tiled;
      }
      if (llvm::any_of(sizes, [](int64_t t) { return t > 0; })) {
        // Inside the forall (whose copy of the contraction is fused again).
        FailureOr<linalg::LinalgOp> tiled = tileAndFuseEpilogue(
            rewriter, current, sizes, scf::SCFTilingOptions::LoopType::ForOp);
        if (succeeded(tiled))
          current = *tiled;
      }
      if (current == op) {
        // Not tiled: an elementwise op like the others (step below).
        op->removeAttr(kFuseProducerAttr);
        continue;
      }
      for (Operation *o : {op.getOperation(), current.getOperation()}) {
        o->removeAttr(kTilesAttr);
        o->removeAttr(kThreadsAttr);
        o->removeAttr(kFuseProducerAttr);
      }
    }
    // The contractions and init producers the epilogues took in are dead.
    {
      RewritePatternSet none(ctx);
      (void)applyPatternsGreedily(func, std::move(none));
    }

    SmallVector<linalg::LinalgOp> chosen;
    func.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kTilesAttr))
        chosen.push_back(op);
    });
    for (linalg::LinalgOp op : chosen) {
      // An AMX GEMM taken into its epilogue's loops is one output tile
      // already (its K is not tiled: it stays in a tile register).
      if (isAmxKernel(op) && op->getParentOfType<LoopLikeOpInterface>()) {
        op->removeAttr(kTilesAttr);
        // Its zeros (biasIntoEpilogue), made for this tile alone: tilezero.
        // (A tile of rows known at run time is split below, its fill with
        // it: zeroInitOnlyForVnni.)
        auto fill = op.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>();
        if (op->hasAttr(kAmxZeroInitAttr) && !op.hasDynamicShape() && fill &&
            fill->hasOneUse() && fill->getBlock() == op->getBlock())
          fill->setAttr(kAmxZeroInitAttr, rewriter.getUnitAttr());
        continue;
      }
      auto tiles = op->getAttrOfType<DenseI64ArrayAttr>(kTilesAttr);
      if (!tiles || tiles.size() != int64_t(op.getNumLoops())) {
        op->emitError() << "'" << kTilesAttr << "' needs one size per loop ("
                        << op.getNumLoops() << ")";
        return signalPassFailure();
      }
      SmallVector<int64_t> sizes(tiles.asArrayRef());
      // Threads first: the loops in `dyad.cpu.threads` become one
      // scf.forall over their tiles; the op inside it is tiled further.
      if (auto threads = op->getAttrOfType<DenseI64ArrayAttr>(kThreadsAttr)) {
        op->removeAttr(kThreadsAttr);
        SmallVector<int64_t> outer(sizes.size(), 0);
        for (int64_t loop : threads.asArrayRef()) {
          if (loop < 0 || loop >= int64_t(sizes.size()) || sizes[loop] <= 0) {
            op->emitError() << "'" << kThreadsAttr
                            << "' names a loop that is not tiled";
            return signalPassFailure();
          }
          std::swap(outer[loop], sizes[loop]);
        }
        rewriter.setInsertionPoint(op);
        scf::SCFTilingOptions options;
        options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
        options.setTileSizes(getAsIndexOpFoldResult(ctx, outer));
        FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
            rewriter, cast<TilingInterface>(op.getOperation()), options);
        if (succeeded(tiled) && tiled->tiledOps.size() == 1) {
          rewriter.replaceOp(op, tiled->replacements);
          op = cast<linalg::LinalgOp>(tiled->tiledOps.front());
        }
      }
      // A matmul's dynamic rows (the batch) in blocks of 8: full blocks as a
      // static 8-row op, the last partial one row by row.
      // (The rows may already be a thread's block of 8: sizes[0] is then 0.)
      if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation());
          mm && !mm.hasUserDefinedMaps() && tiles.asArrayRef()[0] == 8 &&
          ShapedType::isDynamic(op.getStaticLoopRanges()[0])) {
        SmallVector<int64_t> blockSizes(sizes);
        blockSizes[0] = 8;
        if (succeeded(tileRowBlocks(rewriter, mm, blockSizes)))
          continue;
      }
      // Whole-op tiles need no loops.
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      bool whole = llvm::all_of(llvm::zip(sizes, ranges), [](auto p) {
        auto [t, r] = p;
        return t == 0 || t == r;
      });
      if (whole)
        continue;
      rewriter.setInsertionPoint(op);
      scf::SCFTilingOptions options;
      options.setTileSizes(getAsIndexOpFoldResult(ctx, sizes));
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled))
        continue; // left to the loop lowering
      rewriter.replaceOp(op, tiled->replacements);
    }

    // 1b. A convolution's output width known only at run time (an OCR
    // detector's image size) is tiled like a static one, its loop peeled:
    // full tiles of static width (vectorized), then the rest column by
    // column. (Tiled by 1, a pixel at a time, each weight vector loaded for
    // one FMA: 14 GOP/s on PP-OCRv4 det's 96 -> 24 convolutions.)
    // So is the row loop of a packed GEMM whose epilogue took it in (the
    // rows are the batch, in tiles of 8): full tiles are static 8-row
    // blocks, unmasked; the last partial one keeps its masked rows.
    {
      SmallVector<scf::ForOp> peel;
      func.walk([&](scf::ForOp loop) {
        std::optional<int64_t> step = getConstantIntValue(loop.getStep());
        if (!step || *step <= 1)
          return;
        bool conv = false, amx = false;
        loop.getBody()->walk([&](linalg::LinalgOp op) {
          auto k = op->getAttrOfType<StringAttr>(kKernelAttr);
          conv |= k && (k.getValue() == "conv2d-nhwc" ||
                        k.getValue() == "conv2d-nhwc-vnni" ||
                        k.getValue() == "dwconv2d-nhwc" ||
                        k.getValue() == "dwconv2d-nhwc-vnni" ||
                        k.getValue() == "pool2d-nhwc" ||
                        k.getValue() == "matmul-vnni" ||
                        k.getValue() == "matmul-amx");
          amx |= hasKernel(op, "matmul-amx");
        });
        // An AMX GEMM's static row count that 16 does not divide is peeled
        // too: its tiles must be whole tile registers.
        std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
        std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
        if (ub && !(amx && lb && (*ub - *lb) % *step != 0))
          return;
        if (conv)
          peel.push_back(loop);
      });
      for (scf::ForOp loop : peel) {
        scf::ForOp rest;
        rewriter.setInsertionPoint(loop);
        (void)scf::peelForLoopAndSimplifyBounds(rewriter, loop, rest);
      }
    }

    // 2. One-row convolution and pooling tiles to their 1-D forms, and the
    // single-iteration loops of whole tiles folded away.
    {
      RewritePatternSet patterns(ctx);
      linalg::populateDecomposeConvolutionPatterns(patterns);
      linalg::populateLinalgTilingCanonicalizationPatterns(patterns);
      // Static slices of a peeled tile loop reach the ops through
      // tensor.cast: the linalg canonicalizations fold those casts in.
      ctx->getLoadedDialect<linalg::LinalgDialect>()
          ->getCanonicalizationPatterns(patterns);
      ctx->getLoadedDialect<tensor::TensorDialect>()
          ->getCanonicalizationPatterns(patterns);
      tensor::CastOp::getCanonicalizationPatterns(patterns, ctx);
      scf::ForOp::getCanonicalizationPatterns(patterns, ctx);
      scf::ForallOp::getCanonicalizationPatterns(patterns, ctx);
      tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, ctx);
      (void)applyPatternsGreedily(func, std::move(patterns));
    }

    // An elementwise op in a tile of dynamic shape (the epilogue of a packed
    // GEMM tile of up to 8 rows, fewer in the last) goes row by row: MLIR
    // 22's masked vectorization rejects broadcast operands (a bias). So do
    // the convolution and pooling tiles of a peeled width loop's last
    // columns (1b), one output column at a time.
    // The epilogue of an AMX GEMM tile (16 rows x up to 64 columns, i64
    // arithmetic) goes row by row too: whole, its vectors would not fit in
    // the registers (twice slower, measured).
    {
      SmallVector<linalg::LinalgOp> partial, amxEpilogues;
      func.walk([&](linalg::LinalgOp op) {
        bool convTile = linalg::isaConvolutionOpInterface(op) ||
                        matchVnniConv(op).has_value() ||
                        matchVnniDepthwise(op).has_value();
        bool elementwise = op.getNumParallelLoops() == op.getNumLoops();
        if (!op.hasPureTensorSemantics() ||
            !op->getParentOfType<LoopLikeOpInterface>() || !tileShape(op))
          return;
        if (op.hasDynamicShape() && (elementwise || convTile))
          partial.push_back(op);
        else if (elementwise && op.getNumLoops() > 1 &&
                 llvm::any_of(op.getDpsInputs(), [](Value v) {
                   Operation *def = v.getDefiningOp();
                   return def && isAmxKernel(def);
                 }))
          amxEpilogues.push_back(op);
      });
      for (linalg::LinalgOp op : amxEpilogues) {
        SmallVector<int64_t> sizes(op.getNumLoops(), 1);
        sizes.back() = 0;
        (void)tileWithLoops(rewriter, op, sizes);
      }
      for (linalg::LinalgOp op : partial) {
        SmallVector<int64_t> sizes;
        for (int64_t r : op.getStaticLoopRanges())
          sizes.push_back(ShapedType::isDynamic(r) ? 1 : 0);
        (void)tileWithLoops(rewriter, op, sizes);
      }
    }

    // An AMX GEMM's tiles of 16 full rows stay linalg.generic ops: after
    // bufferization, dyad-cpu-lower-amx makes each a chain of tdpbusd on
    // tile registers. Its last rows (fewer than 16) go to the VNNI vectors,
    // K in steps of 64 like a matmul-vnni tile. A tile of up to 16 rows
    // known only at run time (a thread's share: an scf.forall is not
    // peeled, a second parallel region per GEMM costs more at batch 1 than
    // it saves) branches: 16 rows on AMX, fewer on VNNI.
    {
      // The shapes of a contraction copy left by a forall's fusion (read
      // only by tensor.dim) resolve to its operands', so the copy dies
      // before it is split.
      {
        RewritePatternSet patterns(ctx);
        memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
        tensor::DimOp::getCanonicalizationPatterns(patterns, ctx);
        (void)applyPatternsGreedily(func, std::move(patterns));
      }
      SmallVector<linalg::LinalgOp> amxOps, rest;
      func.walk([&](linalg::LinalgOp op) {
        if (op.hasPureTensorSemantics() && hasKernel(op, "matmul-amx") &&
            matchVnniMatmul(op))
          amxOps.push_back(op);
      });
      for (linalg::LinalgOp op : amxOps) {
        op->removeAttr(kTilesAttr);
        auto tileRows = [](int64_t r) { return r == 16 || r == 32; };
        if (tileRows(op.getStaticLoopRanges()[0]) && !op.hasDynamicShape())
          continue;
        if (std::optional<SmallVector<int64_t>> r = tileShape(
                op, /*maxElements=*/std::numeric_limits<int64_t>::max());
            r && tileRows((*r)[0]) && op.hasDynamicShape()) {
          if (auto split = splitStaticRows(rewriter, op, (*r)[0]);
              succeeded(split)) {
            op = split->second;
            if (split->first->hasAttr(kAmxZeroInitAttr))
              zeroInitOnlyForVnni(rewriter, split->first, split->second);
          }
        }
        op->removeAttr(kAmxZeroInitAttr);
        rest.push_back(op);
      }
      for (linalg::LinalgOp op : rest) {
        op->setAttr(kKernelAttr, rewriter.getStringAttr("matmul-vnni"));
        // matmul-vnni's tiles: 8 rows (masked), 2 vectors of 16 columns, up
        // to 64 of K per step.
        SmallVector<int64_t> r = op.getStaticLoopRanges();
        int64_t steps = r[2], step = divisorAtMost(steps, 16);
        std::optional<SmallVector<int64_t>> bound = tileShape(
            op, /*maxElements=*/std::numeric_limits<int64_t>::max());
        SmallVector<int64_t> sizes = {bound && (*bound)[0] > 8 ? 8 : 0,
                                      r[1] % 32 == 0 ? (r[1] > 32 ? 32 : 0)
                                                     : (r[1] > 16 ? 16 : 0),
                                      steps > 16 ? step : 0, 0};
        if (llvm::all_of(sizes, [](int64_t t) { return t == 0; }))
          continue;
        (void)tileWithLoops(rewriter, op, sizes);
      }
    }

    // 3. Vectorize the tiles: the chosen ops, and every linalg op inside the
    // tile loops (the 1-D forms step 2 made).
    SmallVector<linalg::LinalgOp> toVectorize;
    func.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics() || !tileShape(op) ||
          op->hasAttr(kAmxZeroInitAttr) || isAmxKernel(op))
        return;
      // Dynamic shapes: only the packed GEMM's partial tile (its own
      // vectorization masks rows).
      if (op.hasDynamicShape() && !matchVnniMatmul(op))
        return;
      if (op->hasAttr(kTilesAttr) || op->getParentOfType<LoopLikeOpInterface>())
        toVectorize.push_back(op);
    });
    for (linalg::LinalgOp op : toVectorize) {
      op->removeAttr(kTilesAttr);
      if (std::optional<int64_t> strideW = matchVnniConv(op)) {
        (void)vectorizeVnniConv(rewriter, op, *strideW);
        continue;
      }
      if (matchVnniMatmul(op)) {
        (void)vectorizeVnniMatmul(rewriter, op);
        continue;
      }
      if (std::optional<VnniDepthwise> dw = matchVnniDepthwise(op)) {
        (void)vectorizeVnniDepthwise(rewriter, op, *dw);
        continue;
      }
      SmallVector<int64_t> sizes;
      if (failed(linalg::vectorizeOpPrecondition(op, sizes, {},
                                                 /*vectorizeNDExtract=*/true)))
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> v = linalg::vectorize(
          rewriter, op, sizes, {}, /*vectorizeNDExtract=*/true,
          /*flatten1DDepthwiseConv=*/false,
          /*assumeDynamicDimsMatchVecSizes=*/false,
          /*createNamedContraction=*/true);
      if (failed(v))
        continue;
      rewriter.replaceOp(op, v->replacements);
    }
    // A generic contraction of byte operands (a MatMul of two activations)
    // vectorizes as an elementwise product and a multi-reduction: as a
    // vector.contract (its broadcasts and transposes folded into the maps)
    // it is one that dyad-cpu-lower-vectors takes to VNNI.
    {
      SmallVector<Operation *> reductions;
      func.walk([&](vector::MultiDimReductionOp r) {
        auto mul = r.getSource().getDefiningOp<arith::MulIOp>();
        auto narrow = [](Value v) {
          auto e = v.getDefiningOp<arith::ExtSIOp>();
          return e && getElementTypeOrSelf(e.getIn().getType()).isInteger(8);
        };
        if (r.getKind() != vector::CombiningKind::ADD || !mul ||
            !narrow(mul.getLhs()) || !narrow(mul.getRhs()))
          return;
        reductions.push_back(r);
        // The operands' reads, whose broadcasts and transposes (in their
        // permutation maps) become ops the contraction can fold.
        for (Value v : {mul.getLhs(), mul.getRhs()}) {
          auto ext = v.getDefiningOp<arith::ExtSIOp>();
          reductions.push_back(ext);
          if (auto read = ext.getIn().getDefiningOp<vector::TransferReadOp>())
            reductions.push_back(read);
        }
      });
      if (!reductions.empty()) {
        RewritePatternSet contract(ctx);
        vector::populateVectorTransferPermutationMapLoweringPatterns(contract);
        // (The extensions after the broadcasts and transposes, which the
        // contraction folds only when they are its operands.)
        vector::populateSinkVectorOpsPatterns(contract);
        vector::populateVectorReductionToContractPatterns(contract);
        GreedyRewriteConfig config;
        config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
        (void)applyOpPatternsGreedily(reductions, std::move(contract), config);
      }
    }
    RewritePatternSet patterns(ctx);
    // Loop bounds from `tensor.dim` of the previous tile loop's result would
    // chain every loop nest to the one before it; bufferization's subset
    // analysis then walks that chain for each slice (minutes on a 300-op
    // model). The dims resolve to the function arguments' instead.
    scf::populateSCFForLoopCanonicalizationPatterns(patterns);
    scf::ForallOp::getCanonicalizationPatterns(patterns, ctx);
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    memref::populateResolveShapedTypeResultDimsPatterns(patterns);
    tensor::DimOp::getCanonicalizationPatterns(patterns, ctx);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::populateFoldTensorEmptyPatterns(patterns);
    // A pad as a fill of the padded tensor and an insertion of its source:
    // with empty-tensor elimination before bufferization, the source's
    // producer then writes straight into the padded buffer (no copy).
    linalg::populateDecomposePadPatterns(patterns);
    (void)applyPatternsGreedily(func, std::move(patterns));
    padDestinationsFirst(func);
  }

  /// The fill of a padded tensor (`fill`, read by `ins`, the insertion of
  /// the source) restricted to the border: per padded dim,
  /// the slabs before and after the interior (the dims before it over the
  /// interior, those after over their whole range). The interior is the
  /// source's: filled first, it was written twice (fashion_dwsep's pads
  /// were 6% of its int8 time, all memset). Padded dims need static
  /// offsets and sizes; a dim is unpadded where the insertion covers it
  /// (offset 0, size provably the tensor's).
  static void fillBorderOnly(linalg::FillOp fill, tensor::InsertSliceOp ins) {
    // Its users: the insertion, and the interior taken out of it for the
    // source's parts (padDestinationsFirst).
    if (!ins.hasUnitStride() ||
        !llvm::all_of(fill->getUsers(), [&](Operation *user) {
          auto interior = dyn_cast<tensor::ExtractSliceOp>(user);
          return user == ins ||
                 (interior && interior.getMixedOffsets() == ins.getMixedOffsets() &&
                  interior.getMixedSizes() == ins.getMixedSizes() &&
                  interior.hasUnitStride());
        }))
      return;
    Value dest = fill.getOutputs()[0];
    auto type = cast<RankedTensorType>(dest.getType());
    OpBuilder b(fill);
    Location loc = fill.getLoc();
    // The tensor's sizes: an alloc_tensor's own operands where it is one
    // (the same values as the insertion's sizes for the unpadded dims).
    SmallVector<OpFoldResult> full;
    if (auto alloc = dest.getDefiningOp<bufferization::AllocTensorOp>()) {
      auto dyn = alloc.getDynamicSizes().begin();
      for (int64_t d = 0; d < type.getRank(); ++d)
        full.push_back(type.isDynamicDim(d) ? OpFoldResult(*dyn++)
                                            : b.getIndexAttr(type.getDimSize(d)));
    } else {
      full = tensor::getMixedSizes(b, loc, dest);
    }
    SmallVector<OpFoldResult> offsets = ins.getMixedOffsets();
    SmallVector<OpFoldResult> sizes = ins.getMixedSizes();
    int64_t rank = type.getRank();
    SmallVector<bool> padded(rank, false);
    for (int64_t d = 0; d < rank; ++d) {
      std::optional<int64_t> off = getConstantIntValue(offsets[d]);
      if (off && *off == 0) {
        if (isEqualConstantIntOrValue(sizes[d], full[d]))
          continue;
        FailureOr<bool> same = ValueBoundsConstraintSet::areEqual(
            ValueBoundsConstraintSet::Variable(sizes[d]),
            ValueBoundsConstraintSet::Variable(full[d]));
        if (succeeded(same) && *same)
          continue;
      }
      std::optional<int64_t> size = getConstantIntValue(sizes[d]);
      if (!off || !size || type.isDynamicDim(d))
        return;
      padded[d] = true;
    }
    Value t = dest;
    Value value = fill.getInputs()[0];
    for (int64_t d = 0; d < rank; ++d) {
      if (!padded[d])
        continue;
      int64_t off = *getConstantIntValue(offsets[d]);
      int64_t size = *getConstantIntValue(sizes[d]);
      int64_t extent = type.getDimSize(d);
      for (auto [lo, hi] : {std::pair(int64_t(0), off),
                            std::pair(off + size, extent)}) {
        if (hi <= lo)
          continue;
        SmallVector<OpFoldResult> so, ss;
        for (int64_t j = 0; j < rank; ++j) {
          if (j == d) {
            so.push_back(b.getIndexAttr(lo));
            ss.push_back(b.getIndexAttr(hi - lo));
          } else if (j < d && padded[j]) {
            so.push_back(offsets[j]);
            ss.push_back(sizes[j]);
          } else {
            so.push_back(b.getIndexAttr(0));
            ss.push_back(full[j]);
          }
        }
        SmallVector<OpFoldResult> ones(rank, b.getIndexAttr(1));
        Value slab = tensor::ExtractSliceOp::create(b, loc, t, so, ss, ones);
        Value filled =
            linalg::FillOp::create(b, loc, value, slab).getResult(0);
        t = tensor::InsertSliceOp::create(b, loc, filled, t, so, ss, ones);
      }
    }
    fill.getResult(0).replaceAllUsesWith(t);
    fill.erase();
  }

  /// A pad's padded tensor (tensor.empty, then linalg.fill) is created
  /// where the pad was, after the source's producer; empty-tensor
  /// elimination needs it before, to hand the producer a slice of it as
  /// its destination (it gave up, and every pad copied its source). Both
  /// move up to the producer when their operands allow. The empty becomes
  /// a bufferization.alloc_tensor: two pads of the same shape and value
  /// would otherwise be merged by CSE into one padded tensor written by two
  /// producers, which bufferization resolves by copying all of it.
  static void padDestinationsFirst(func::FuncOp func) {
    DominanceInfo dom(func);
    func.walk([&](tensor::InsertSliceOp ins) {
      auto fill = ins.getDest().getDefiningOp<linalg::FillOp>();
      Operation *src = ins.getSource().getDefiningOp();
      // A source assembled from parts (splitOp: parts inserted one by one
      // into a destination) is produced from that destination on: the
      // padded tensor must come before it.
      bool parts = false;
      while (auto piece = dyn_cast_if_present<tensor::InsertSliceOp>(src)) {
        Operation *dest = piece.getDest().getDefiningOp();
        if (!dest || dest->getBlock() != piece->getBlock())
          break;
        src = dest;
        parts = true;
      }
      auto empty = fill ? fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>()
                        : tensor::EmptyOp();
      if (!fill || !empty || !src || !fill->hasOneUse() ||
          !empty->hasOneUse() || fill->getBlock() != src->getBlock() ||
          empty->getBlock() != src->getBlock())
        return;
      if (src->isBeforeInBlock(fill)) {
        // The sizes may be read (tensor.dim) after the producer too: such
        // side-effect-free ops of dominating operands move along.
        SmallVector<Operation *> moved;
        for (Operation *op : {empty.getOperation(), fill.getOperation()}) {
          for (Value v : op->getOperands()) {
            Operation *def = v.getDefiningOp();
            if (def == empty || dom.properlyDominates(v, src))
              continue;
            if (!def || !isMemoryEffectFree(def) ||
                def->getBlock() != src->getBlock() ||
                !llvm::all_of(def->getOperands(), [&](Value w) {
                  return dom.properlyDominates(w, src);
                }))
              return;
            moved.push_back(def);
          }
          moved.push_back(op);
        }
        for (Operation *op : moved)
          op->moveBefore(src);
      }
      OpBuilder b(empty);
      auto alloc = bufferization::AllocTensorOp::create(
          b, empty.getLoc(), empty.getType(), empty.getDynamicSizes());
      empty.replaceAllUsesWith(alloc.getResult());
      empty.erase();
      llvm::scope_exit done([&] { fillBorderOnly(fill, ins); });
      // The parts' destination, a fresh tensor, is the padded tensor's
      // interior from the start. (Left to empty-tensor elimination, the
      // first part's destination was folded into a tensor of its own
      // before, and copied.)
      auto root = dyn_cast<tensor::EmptyOp>(src);
      if (parts && root && root.getType() == ins.getSourceType() &&
          fill->isBeforeInBlock(root)) {
        b.setInsertionPoint(root);
        Value interior = tensor::ExtractSliceOp::create(
            b, root.getLoc(), ins.getSourceType(), fill.getResult(0),
            ins.getMixedOffsets(), ins.getMixedSizes(), ins.getMixedStrides());
        root.replaceAllUsesWith(interior);
        root.erase();
      }
    });
  }
};
} // namespace
