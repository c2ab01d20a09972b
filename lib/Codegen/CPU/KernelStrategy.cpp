//===- KernelStrategy.cpp - how each linalg op becomes a CPU kernel -------===//
//
// The strategy step of the CPU code generation: for each linalg op it picks
// the kernel family, the tile sizes (a register block for contractions and
// convolutions, a vector row for elementwise and pooling ops) and records
// them on the op as `dyad.cpu.kernel` (a name, for tests and profiles) and
// `dyad.cpu.tiles` (one size per loop of the op, 0 = not tiled), and, with
// threads, `dyad.cpu.threads` (the loops whose tiles are shared out among
// threads).
// `dyad-cpu-tile-and-vectorize` applies them. Keeping the choice apart from
// the transformation makes it testable on its own and replaceable (a tuned
// table, a cost model) without touching the passes that apply it.
//
// Register blocks follow ../shared/reference/cpu-codegen.md: with L lanes
// of the accumulator type per vector register, a convolution keeps
// tw (<= 8) output pixels x tf (2L) output channels of accumulators (16 of
// AVX-512's 32 registers), broadcasting one input channel at a time; a GEMM
// keeps 8 rows x 2L columns and walks K one step per iteration. Tile sizes
// divide the static loop sizes, so every tile has a static shape; dynamic
// loops (the batch) are tiled by 1, except a packed int8 GEMM's rows: by 8,
// the last tile computed with masked rows at the full tile's shape (the same
// vpdpbusd per row as a full tile; its epilogue vectorized with masks).
// An fp32 GEMM's dynamic rows go by 8 too, the last partial block row by
// row (MLIR 22's lowerings of a masked vector.contract break: "vector.mask
// expects only one operation"); each row's FMAs are the same either way.
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/KernelStrategy.h"
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <functional>

namespace dyad {
#define GEN_PASS_DEF_DYADCPUSELECTKERNELS
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

/// The largest divisor of `n` that is at most `limit` (n itself if smaller);
/// 1 for dynamic sizes.
int64_t dyad::divisorAtMost(int64_t n, int64_t limit) {
  if (ShapedType::isDynamic(n) || n <= 0)
    return 1;
  if (n <= limit)
    return n;
  for (int64_t d = limit; d > 1; --d)
    if (n % d == 0)
      return d;
  return 1;
}

/// The output-width tile of a convolution: a divisor of a static width up
/// to `limit`; `limit` itself for a width known only at run time (the tile
/// loop is peeled: full tiles, then the rest; TileAndVectorize.cpp).
static int64_t widthTile(int64_t n, int64_t limit) {
  return ShapedType::isDynamic(n) ? limit : divisorAtMost(n, limit);
}

/// The vector length for a loop of `n` (static) elements: a power of two of
/// at least `lanes` that divides n when there is one (48 or 96 channels: 16
/// or 32), else n itself when small, else a divisor. A vector of 48 lanes is
/// 3 registers of i32 but 6 of i64 (a requantization's products), which
/// LLVM splits into 4 + 2 with shuffles between them at every operation.
static int64_t vectorLength(int64_t n, int64_t lanes, int64_t limit) {
  if (ShapedType::isDynamic(n) || n <= 0)
    return 1;
  int64_t p = 1;
  while (p * 2 <= limit && n % (p * 2) == 0)
    p *= 2;
  if (p >= lanes)
    return p;
  return divisorAtMost(n, limit);
}

/// Channel block: 2L, else L, else the largest divisor up to 2L.
static int64_t channelBlock(int64_t n, int64_t lanes) {
  if (ShapedType::isDynamic(n))
    return 1;
  if (n % (2 * lanes) == 0)
    return 2 * lanes;
  if (n % lanes == 0)
    return lanes;
  // A power of two (a narrower register: 24 channels are 3 x 8): vectors of
  // other lengths (24 = 16 + 8) are legalized into shuffles and partial
  // registers. Sizes with no such divisor of at least 4 stay whole.
  for (int64_t b = lanes / 2; b >= 4; b /= 2)
    if (n % b == 0)
      return b;
  return divisorAtMost(n, 2 * lanes);
}

static std::optional<KernelChoice> chooseTiles(linalg::LinalgOp op,
                                               unsigned vectorBits, bool amx);

/// The tiles of a kernel whose output channels are loop `loop` (tiled by a
/// channel block: `tilesFor(block)` gives the tiles), split in two where
/// the channels are more than a vector's lanes but not a multiple of them
/// (24 = 16 + 8 on AVX-512): one part in blocks of full vectors, the rest
/// in one narrower block. Tiled by 8 instead, every block, epilogue
/// included, ran on half registers: 3 of them per pixel, not 2.
static void
splitChannels(KernelChoice &k, ArrayRef<int64_t> ranges, unsigned loop,
              int64_t lanes,
              llvm::function_ref<SmallVector<int64_t>(int64_t)> tilesFor) {
  int64_t n = ranges[loop];
  int64_t block = channelBlock(n, lanes);
  if (!ShapedType::isDynamic(n) && block < lanes && n > lanes) {
    int64_t point = n / lanes * lanes;
    int64_t rest = channelBlock(n - point, lanes);
    if ((n - point) % rest == 0 && rest >= 4) {
      k.tiles = tilesFor(channelBlock(point, lanes));
      k.split = {int64_t(loop), point};
      k.splitTiles = tilesFor(rest);
      return;
    }
  }
  k.tiles = tilesFor(block);
}

/// The widest integer or float scalar an op's body computes (its block
/// arguments and the results of its operations).
static unsigned widestBodyBits(linalg::GenericOp g) {
  unsigned bits = 8;
  auto widen = [&](Type t) {
    if (t.isIntOrFloat())
      bits = std::max(bits, t.getIntOrFloatBitWidth());
  };
  Block &body = g.getRegion().front();
  for (BlockArgument a : body.getArguments())
    widen(a.getType());
  for (Operation &o : body)
    for (Type t : o.getResultTypes())
      widen(t);
  return bits;
}

static unsigned accumulatorBits(linalg::LinalgOp op) {
  Type t = getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType());
  return std::max(8u, t.getIntOrFloatBitWidth());
}

/// Static iterations of an op's loop nest below which a parallel region
/// costs more than it gains (a fork and join is a microsecond or two with a
/// hot team; 2^16 multiply-adds take about as long on one core). A dynamic
/// loop (the batch) counts as 16. The choice is static: a region that
/// decided at run time between the whole team and one thread
/// (num_threads) made libomp 14 resize its team each time, ten times slower
/// at batch 1 than always forking.
static constexpr int64_t kMinParallelWork = 1 << 16;
static constexpr int64_t kDynamicLoopGuess = 16;

/// The guessed trip count of a dynamic loop: a batch of 16, times the
/// static sizes an operand's collapse_shape folded into that loop with the
/// batch (the n*h*w pixels of a pointwise convolution's GEMM: 16 * 196 on a
/// 14 x 14 map, not 16).
static int64_t guessedRange(linalg::LinalgOp op, unsigned loop) {
  int64_t guess = kDynamicLoopGuess;
  for (OpOperand &operand : op->getOpOperands()) {
    auto collapse = operand.get().getDefiningOp<tensor::CollapseShapeOp>();
    if (!collapse)
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    SmallVector<ReassociationIndices> groups =
        collapse.getReassociationIndices();
    for (auto [pos, e] : llvm::enumerate(map.getResults())) {
      auto d = dyn_cast<AffineDimExpr>(e);
      if (!d || d.getPosition() != loop || pos >= groups.size())
        continue;
      int64_t folded = 1;
      for (int64_t i : groups[pos])
        if (!collapse.getSrcType().isDynamicDim(i))
          folded *= collapse.getSrcType().getDimSize(i);
      guess = std::max(guess, std::min<int64_t>(kDynamicLoopGuess * folded,
                                                1LL << 30));
    }
  }
  return guess;
}

/// The loops shared out among threads: the op's parallel loops with more
/// than one tile, outermost first, at most two (OpenMP collapses them into
/// one iteration space).
static SmallVector<int64_t> chooseThreadLoops(linalg::LinalgOp op,
                                              ArrayRef<int64_t> tiles) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t work = 1;
  for (auto [i, r] : llvm::enumerate(ranges))
    work = std::min<int64_t>(
        work * (ShapedType::isDynamic(r) ? guessedRange(op, i) : r),
        1LL << 40);
  if (work < kMinParallelWork)
    return {};
  SmallVector<int64_t> loops;
  for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray())) {
    if (it != utils::IteratorType::parallel || tiles[i] == 0)
      continue;
    if (!ShapedType::isDynamic(ranges[i]) && ranges[i] <= tiles[i])
      continue;
    loops.push_back(i);
    if (loops.size() == 2)
      break;
  }
  return loops;
}

std::optional<KernelChoice> dyad::chooseKernel(linalg::LinalgOp op,
                                               unsigned vectorBits,
                                               bool threads, bool amx) {
  std::optional<KernelChoice> k = chooseTiles(op, vectorBits, amx);
  if (k && threads)
    k->threadLoops = chooseThreadLoops(op, k->tiles);
  // AMX only for GEMMs shared out among threads: each such loop nest becomes
  // a function of its own (OpenMP outlines it), and LLVM 22's AMX register
  // allocation fails ("ran out of registers") on functions holding several
  // AMX GEMMs of different tile shapes (three chained MatMuls, K = 16, 32,
  // 48, in one function). The GEMMs left serial are the small ones (under
  // kMinParallelWork multiply-adds at a batch of 16): vpdpbusd.
  if (k && (k->kernel == "matmul-amx" || k->kernel == "conv2d-nhwc-amx") &&
      k->threadLoops.empty())
    k = chooseTiles(op, vectorBits, /*amx=*/false);
  return k;
}

/// A generic that multiplies and reduces like a matmul: a reduction over
/// static loops where some input does not depend on one of the output's
/// loops (the weights of `x[b,s,k] * W[k,n]`, the keys of an attention
/// score), and the output's innermost loop is some input's innermost too
/// (contiguous rows of W). Exporters write batched and broadcast MatMuls
/// this way, often with a LayerNorm or a scale fused into them. Tiles: the
/// output's innermost loop by a vector block, the one before by up to 8
/// rows, the reduction loops by 1 (one outer-product step each), the rest
/// by 1. Without this, each output element was one horizontal reduction.
static std::optional<SmallVector<int64_t>>
matmulLikeTiles(linalg::GenericOp g, ArrayRef<int64_t> ranges, int64_t lanes) {
  if (g.getNumReductionLoops() == 0 || g.getNumDpsInits() != 1)
    return std::nullopt;
  AffineMap out = g.getMatchingIndexingMap(g.getDpsInitOperand(0));
  if (out.getNumResults() < 2)
    return std::nullopt;
  auto dimOf = [](AffineExpr e) -> int64_t {
    auto d = dyn_cast<AffineDimExpr>(e);
    return d ? int64_t(d.getPosition()) : -1;
  };
  int64_t n = dimOf(out.getResults().back());
  int64_t m = dimOf(out.getResult(out.getNumResults() - 2));
  if (n < 0 || m < 0 || ShapedType::isDynamic(ranges[n]))
    return std::nullopt;
  auto iters = g.getIteratorTypesArray();
  for (auto [i, it] : llvm::enumerate(iters))
    if (it == utils::IteratorType::reduction &&
        ShapedType::isDynamic(ranges[i]))
      return std::nullopt;
  bool broadcast = false, contiguousN = false;
  for (OpOperand *in : g.getDpsInputOperands()) {
    AffineMap map = g.getMatchingIndexingMap(in);
    if (map.getNumResults() == 0)
      continue;
    bool usesReduction = false;
    for (AffineExpr e : map.getResults()) {
      int64_t d = dimOf(e);
      if (d >= 0 && iters[d] == utils::IteratorType::reduction)
        usesReduction = true;
    }
    if (!usesReduction)
      continue;
    for (AffineExpr e : out.getResults())
      if (!llvm::is_contained(map.getResults(), e))
        broadcast = true;
    if (dimOf(map.getResults().back()) == n)
      contiguousN = true;
  }
  if (!broadcast || !contiguousN)
    return std::nullopt;
  SmallVector<int64_t> tiles(ranges.size(), 1);
  tiles[n] = channelBlock(ranges[n], lanes);
  tiles[m] = divisorAtMost(ranges[m], 8);
  // Byte operands (a quantized MatMul of two activations, its zero points
  // in the accumulator's start): the one reduction loop in steps of a
  // multiple of 4, up to 64, so the tile's contraction is one VNNI can take
  // (dyad-cpu-lower-vectors; by 1, it was a vpmulld per product).
  bool bytes = llvm::all_of(g.getDpsInputOperands(), [](OpOperand *in) {
    return getElementTypeOrSelf(in->get().getType()).isInteger(8);
  });
  if (bytes && g.getNumReductionLoops() == 1) {
    for (auto [i, it] : llvm::enumerate(iters))
      if (it == utils::IteratorType::reduction && ranges[i] % 4 == 0)
        for (int64_t t = std::min<int64_t>(ranges[i], 64); t >= 4; t -= 4)
          if (ranges[i] % t == 0) {
            tiles[i] = t;
            break;
          }
  }
  return tiles;
}

/// The body of a packed VNNI contraction: yield (acc + extui(x) * extsi(w))
/// over i8 operand 0 and i8 or i4 operand 1 (weights that fit in 4 bits,
/// stored two per byte) into an i32 accumulator (the last argument; operand
/// 2 is shape-only).
static bool isVnniBody(linalg::GenericOp g) {
  auto elt = [](Value v) { return getElementTypeOrSelf(v.getType()); };
  Type w = elt(g.getDpsInputOperand(1)->get());
  if (!elt(g.getDpsInputOperand(0)->get()).isInteger(8) ||
      !(w.isInteger(8) || w.isInteger(4)) ||
      !elt(g.getDpsInitOperand(0)->get()).isInteger(32))
    return false;
  Block &body = g.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!add)
    return false;
  Value acc = body.getArgument(3);
  if ((add.getLhs() == acc) == (add.getRhs() == acc))
    return false;
  Value prod = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  auto mul = prod.getDefiningOp<arith::MulIOp>();
  if (!mul)
    return false;
  auto xe = mul.getLhs().getDefiningOp<arith::ExtUIOp>();
  auto we = mul.getRhs().getDefiningOp<arith::ExtSIOp>();
  return xe && we && xe.getIn() == body.getArgument(0) &&
         we.getIn() == body.getArgument(1) && body.getOperations().size() == 5;
}

bool dyad::matchVnniMatmul(linalg::LinalgOp op) {
  auto g = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!g || g.getNumLoops() != 4 || g.getNumDpsInputs() != 3 ||
      g.getNumDpsInits() != 1)
    return false;
  auto iters = g.getIteratorTypesArray();
  for (int64_t i = 0; i < 4; ++i)
    if ((i < 2) != (iters[i] == utils::IteratorType::parallel))
      return false;
  MLIRContext *ctx = g.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  return maps[0] == AffineMap::get(4, 0, {d(0), d(2) * 4 + d(3)}, ctx) &&
         maps[1] == AffineMap::get(4, 0, {d(2), d(1) * 4 + d(3)}, ctx) &&
         maps[2] == AffineMap::get(4, 0, {d(3)}, ctx) &&
         maps[3] == AffineMap::get(4, 0, {d(0), d(1)}, ctx) && isVnniBody(g);
}

/// `e` as a * outer + b * window (constants a, b >= 1, either order):
/// {a, b}; none otherwise. How a convolution indexes its input: the output
/// position times the stride plus the filter tap times the dilation.
static std::optional<std::pair<int64_t, int64_t>>
outerWindowSum(AffineExpr e, AffineExpr outer, AffineExpr window) {
  int64_t a = 0, b = 0;
  bool ok = true;
  std::function<void(AffineExpr)> walk = [&](AffineExpr t) {
    if (auto bin = dyn_cast<AffineBinaryOpExpr>(t);
        bin && t.getKind() == AffineExprKind::Add) {
      walk(bin.getLHS());
      walk(bin.getRHS());
      return;
    }
    int64_t c = 1;
    AffineExpr v = t;
    if (auto bin = dyn_cast<AffineBinaryOpExpr>(t);
        bin && t.getKind() == AffineExprKind::Mul) {
      auto k = dyn_cast<AffineConstantExpr>(bin.getRHS());
      if (!k) {
        ok = false;
        return;
      }
      c = k.getValue();
      v = bin.getLHS();
    }
    if (v == outer && a == 0)
      a = c;
    else if (v == window && b == 0)
      b = c;
    else
      ok = false;
  };
  walk(e);
  if (!ok || a < 1 || b < 1)
    return std::nullopt;
  return std::pair(a, b);
}

std::optional<int64_t> dyad::matchVnniConv(linalg::LinalgOp op) {
  if (std::optional<ConvWindow> w = vnniConvWindow(op))
    return w->strideW;
  return std::nullopt;
}

std::optional<ConvWindow> dyad::vnniConvWindow(linalg::LinalgOp op) {
  auto g = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!g || g.getNumLoops() != 8 || g.getNumDpsInputs() != 3 ||
      g.getNumDpsInits() != 1)
    return std::nullopt;
  auto iters = g.getIteratorTypesArray();
  for (int64_t i = 0; i < 8; ++i)
    if ((i < 4) != (iters[i] == utils::IteratorType::parallel))
      return std::nullopt;
  MLIRContext *ctx = g.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  if (maps[1] != AffineMap::get(8, 0, {d(4), d(5), d(6), d(3) * 4 + d(7)},
                                ctx) ||
      maps[2] != AffineMap::get(8, 0, {d(7)}, ctx) ||
      maps[3] != AffineMap::get(8, 0, {d(0), d(1), d(2), d(3)}, ctx))
    return std::nullopt;
  AffineMap x = maps[0];
  if (x.getNumResults() != 4 || x.getResult(0) != d(0) ||
      x.getResult(3) != d(6) * 4 + d(7))
    return std::nullopt;
  auto sh = outerWindowSum(x.getResult(1), d(1), d(4));
  auto sw = outerWindowSum(x.getResult(2), d(2), d(5));
  if (!sh || !sw || !isVnniBody(g))
    return std::nullopt;
  return ConvWindow{sh->first, sw->first, sh->second, sw->second};
}

std::optional<VnniDepthwise> dyad::matchVnniDepthwise(linalg::LinalgOp op) {
  auto g = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!g || g.getNumLoops() != 6 || g.getNumDpsInputs() != 3 ||
      g.getNumDpsInits() != 1)
    return std::nullopt;
  auto iters = g.getIteratorTypesArray();
  for (int64_t i = 0; i < 6; ++i)
    if ((i < 4) != (iters[i] == utils::IteratorType::parallel))
      return std::nullopt;
  MLIRContext *ctx = g.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  if (maps[1] != AffineMap::get(6, 0, {d(4), d(3) * 4 + d(5)}, ctx) ||
      maps[2] != AffineMap::get(6, 0, {d(5)}, ctx) ||
      maps[3] != AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx))
    return std::nullopt;
  AffineMap x = maps[0];
  if (x.getNumResults() != 4 || x.getResult(0) != d(0) ||
      x.getResult(3) != d(3))
    return std::nullopt;
  auto h = outerWindowSum(x.getResult(1), d(1), d(5));
  auto w = outerWindowSum(x.getResult(2), d(2), d(4));
  auto window = cast<ShapedType>(g.getDpsInputOperand(2)->get().getType());
  auto filter = cast<ShapedType>(g.getDpsInputOperand(1)->get().getType());
  if (!h || !w || !window.hasStaticShape() || window.getDimSize(0) > 4 ||
      !filter.hasStaticShape() || !isVnniBody(g))
    return std::nullopt;
  return VnniDepthwise{h->first,           w->first,
                       h->second,          w->second,
                       window.getDimSize(0), filter.getDimSize(0)};
}

/// A packed int8 convolution on AMX tiles (conv2d-nhwc-amx,
/// dyad-cpu-lower-amx), without an im2col: in NHWC, the KW x C input bytes
/// of one kernel row of output pixel p are contiguous, and pixel p + 1's
/// start sw x C bytes further. A tile row per pixel, loaded with that row
/// stride (overlapping rows), is the A operand of K = KW x C; the packed
/// weights [KH][KW][C/4][F*4] of one kernel row are its B operand as they
/// are. One tdpbusd then does 16 pixels x 16 channels x 64 of K, where
/// conv2d-nhwc-vnni issues 16 x 16 vpdpbusd (one output vector per input
/// broadcast). Tiles: a row of up to 16 output pixels (a divisor of the
/// width, at least 4) x up to 64 channels (4 accumulator tiles), the whole
/// window reduced in the tile registers. Needs byte weights, output
/// channels in 16s, a static width, and unit dilation along the width
/// (the window's columns adjacent).
static std::optional<KernelChoice>
amxConvTiles(linalg::LinalgOp op, ArrayRef<int64_t> ranges, bool amx) {
  if (!amx ||
      !getElementTypeOrSelf(op.getDpsInputOperand(1)->get().getType())
           .isInteger(8) ||
      llvm::any_of(ranges.drop_front(), ShapedType::isDynamic) ||
      ranges[3] % 16 != 0)
    return std::nullopt;
  std::optional<ConvWindow> window = vnniConvWindow(op);
  if (!window || (window->dilationW != 1 && ranges[5] != 1))
    return std::nullopt;
  // Rows of fewer than 16 bytes (a stem of 1 channel folded into 4 taps:
  // K = 4) fill a quarter of each tdpbusd or less: mnist_cnn's stem took
  // 0.13 ms on VNNI, 0.25 ms on AMX (--profile).
  if (ranges[5] * ranges[6] * 4 < 16)
    return std::nullopt;
  int64_t tw = divisorAtMost(ranges[2], 16);
  if (tw < 4)
    return std::nullopt;
  int64_t tf = ranges[3] % 64 == 0 ? 64 : ranges[3] % 32 == 0 ? 32 : 16;
  KernelChoice k;
  k.kernel = "conv2d-nhwc-amx";
  k.tiles = {1, 1, tw, tf, 0, 0, 0, 0};
  return k;
}

static std::optional<KernelChoice> chooseTiles(linalg::LinalgOp op,
                                               unsigned vectorBits, bool amx) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1)
    return std::nullopt;
  // Booleans are bytes in memory but bits in an LLVM vector: a vector of i1
  // would load and store packed bits. Those ops stay scalar. (The i4
  // weights of a packed VNNI op are the exception: their vector reads
  // become reads of the nibble-packed bytes, dyad-cpu-pack-nibbles.)
  // Nor are other i4 constants read elementwise.
  bool vnniConv = matchVnniConv(op).has_value();
  bool vnniGemm = !vnniConv && matchVnniMatmul(op);
  bool vnni = vnniConv || vnniGemm;
  for (OpOperand &v : op->getOpOperands())
    if (getElementTypeOrSelf(v.get().getType()).getIntOrFloatBitWidth() < 8 &&
        !(vnni && v.getOperandNumber() == 1) &&
        !(getElementTypeOrSelf(v.get().getType()).isInteger(4) &&
          v.get().getDefiningOp<arith::ConstantOp>()))
      return std::nullopt;
  // i4 weights come two steps of 4 per byte: a reduction tile of an even
  // number of steps reads whole bytes.
  auto stepTile = [&](int64_t steps) {
    bool nibbles = getElementTypeOrSelf(op.getDpsInputOperand(1)->get().getType())
                       .isInteger(4);
    if (nibbles && !ShapedType::isDynamic(steps) && steps % 2 == 0)
      return 2 * divisorAtMost(steps / 2, 8);
    return divisorAtMost(steps, 16);
  };
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t lanes = std::max<int64_t>(1, vectorBits / accumulatorBits(op));
  KernelChoice k;
  Operation *raw = op.getOperation();

  if (vnniConv) {
    if (std::optional<KernelChoice> t = amxConvTiles(op, ranges, amx))
      return t;
    // (n, oh, ow, f, kh, kw, cb, ci): 8 pixels x 2 vectors of output
    // channels, up to 64 input channels (16 steps of 4) per reduction step.
    // (Output channels in blocks of 8 only, as 24, are split: splitChannels.
    // A block of 24 made the epilogue's vectors of 24 lanes that LLVM
    // splits element by element.)
    k.kernel = "conv2d-nhwc-vnni";
    int64_t steps = stepTile(ranges[6]);
    splitChannels(k, ranges, 3, lanes, [&](int64_t tf) {
      return SmallVector<int64_t>{1, 1, widthTile(ranges[2], tf > lanes ? 8 : 12),
                                  tf, 1, 1, steps, 0};
    });
    return k;
  }
  if (std::optional<VnniDepthwise> dw = matchVnniDepthwise(op)) {
    // (n, oh, ow, c, kw, r): a row of up to 14 output pixels x one vector
    // of channels (a byte vector of 4 dwords per lane), the taps whole.
    // Each input column's rows are interleaved once and used by every pixel
    // whose window holds it (KW of them at stride 1): 16 interleaves for 14
    // pixels, not 18 for 2 x 7 (fashion_dwsep's 14-wide depthwise kernels
    // 0.176 -> 0.163 and 0.100 -> 0.097 ms, --profile).
    k.kernel = "dwconv2d-nhwc-vnni";
    int64_t tw = widthTile(ranges[2], 14);
    splitChannels(k, ranges, 3, lanes, [&](int64_t tc) {
      return SmallVector<int64_t>{1, 1, tw, tc % lanes ? tc : lanes, 0, 0};
    });
    return k;
  }
  if (vnniGemm) {
    // AMX: 16 x 16 i32 tile registers of the output, the whole of K
    // accumulated in them (tdpbusd, 64 of K per instruction), when there
    // are 16 rows or more (the batch, or a static count) and the weights
    // are bytes (4-bit ones are unpacked in vector registers). Rows past the
    // last multiple of 16 go to the VNNI vectors (TileAndVectorize).
    Type wt = getElementTypeOrSelf(op.getDpsInputOperand(1)->get().getType());
    if (amx && wt.isInteger(8) && !ShapedType::isDynamic(ranges[1]) &&
        ranges[1] % 16 == 0 && !ShapedType::isDynamic(ranges[2]) &&
        (ShapedType::isDynamic(ranges[0]) || ranges[0] >= 16)) {
      k.kernel = "matmul-amx";
      // Up to 4 accumulator tiles side by side (64 columns): independent
      // tdpbusd chains sharing each activation tile.
      // (48 columns, 3 chains for 48 or 96 channels, made fashion_dwsep's
      // 48-channel pointwise GEMMs 5 times slower: 16 then.)
      int64_t cols = ranges[1] % 64 == 0 ? 64 : ranges[1] % 32 == 0 ? 32 : 16;
      // Two row tiles where the columns are one tile register: the second
      // tile's tdpbusd runs while the first's is in flight. With one
      // 16-row tile per step, 40% of fashion_dwsep's 48-column pointwise
      // kernels waited on one tdpbusd after another (perf annotate); two
      // took them 0.160 -> 0.125 and 0.165 -> 0.133 ms (--profile). Not
      // with 2 column tiles: 4 accumulators, 2 activation and 2 weight
      // tiles are all 8 registers, and LLVM 22's AMX allocation runs out;
      // 96 columns as 3 x 2 tiles of 32 x 16 took 0.085 -> 0.100 ms.
      int64_t rows = cols == 16 && (ShapedType::isDynamic(ranges[0]) ||
                                    ranges[0] >= 32)
                         ? 32
                         : 16;
      k.tiles = {rows, cols, 0, 0};
      return k;
    }
    // (m, n, kb, ki): 8 rows x 2 vectors of columns, up to 64 of K per step.
    k.kernel = "matmul-vnni";
    k.tiles = {ShapedType::isDynamic(ranges[0]) ? 8
                                                : divisorAtMost(ranges[0], 8),
               channelBlock(ranges[1], lanes), stepTile(ranges[2]), 0};
    return k;
  }
  if (isa<linalg::Conv2DNhwcHwcfOp>(raw)) {
    // (n, oh, ow, f, kh, kw, c)
    int64_t tc = divisorAtMost(ranges[6], 64);
    k.kernel = "conv2d-nhwc";
    splitChannels(k, ranges, 3, lanes, [&](int64_t tf) {
      return SmallVector<int64_t>{1, 1, widthTile(ranges[2], tf > lanes ? 8 : 12),
                                  tf, 1, 1, tc};
    });
    return k;
  }
  if (isa<linalg::DepthwiseConv2DNhwcHwcOp, linalg::PoolingNhwcMaxOp,
          linalg::PoolingNhwcSumOp>(raw)) {
    // (n, oh, ow, c, kh, kw)
    int64_t tw = widthTile(ranges[2], 8);
    k.kernel = isa<linalg::DepthwiseConv2DNhwcHwcOp>(raw) ? "dwconv2d-nhwc"
                                                          : "pool2d-nhwc";
    splitChannels(k, ranges, 3, lanes, [&](int64_t tc) {
      if (tc == 2 * lanes && ranges[3] % (4 * lanes) == 0)
        tc = 4 * lanes;
      return SmallVector<int64_t>{1, 1, tw, tc, 1, 1};
    });
    return k;
  }
  if (isa<linalg::MatmulOp>(raw) || isa<linalg::BatchMatmulOp>(raw)) {
    bool batched = isa<linalg::BatchMatmulOp>(raw);
    size_t m = batched ? 1 : 0;
    // A matmul with transposed or broadcast operands (indexing maps) is
    // left to the generic path.
    auto mm = dyn_cast<linalg::MatmulOp>(raw);
    if (mm && mm.hasUserDefinedMaps())
      return std::nullopt;
    int64_t tn = channelBlock(ranges[m + 1], lanes);
    // Dynamic rows (the batch) of a plain matmul by 8 as well: full blocks
    // as static 8-row tiles, the last one row by row (tileRowBlocks).
    int64_t tm = !batched && ShapedType::isDynamic(ranges[m])
                     ? 8
                     : divisorAtMost(ranges[m], 8);
    k.kernel = batched ? "batch-matmul" : "matmul";
    k.tiles.assign(ranges.size(), 1);
    k.tiles[m] = tm;
    k.tiles[m + 1] = tn;
    k.tiles[m + 2] = 1;
    // i8 operands: K in steps of a multiple of 4 (vpdpbusd adds 4 products
    // per lane), up to 64.
    Type a = getElementTypeOrSelf(op.getDpsInputOperand(0)->get().getType());
    int64_t depth = ranges[m + 2];
    if (a.isInteger(8) && !ShapedType::isDynamic(depth) && depth % 4 == 0)
      k.tiles[m + 2] = 4 * divisorAtMost(depth / 4, 16);
    return k;
  }
  if (auto g = dyn_cast<linalg::GenericOp>(raw)) {
    // Elementwise (all parallel): one vector along the innermost loop, the
    // other loops tiled by 1. With reductions: the reduced loops stay whole
    // (a vector multi-reduction) when small, the parallel ones tiled by 1.
    int64_t n = ranges.size();
    if (n == 0)
      return std::nullopt;
    // Tiles of generics with computed indices (a transposed convolution's
    // output position) are not boxes of the operands: not tiled.
    if (!llvm::all_of(g.getIndexingMapsArray(), [](AffineMap m) {
          return m.isProjectedPermutation(/*allowZeroInResults=*/true);
        }))
      return std::nullopt;
    k.tiles.assign(n, 1);
    if (g.getNumParallelLoops() == g.getNumLoops()) {
      int64_t inner = ranges[n - 1];
      if (ShapedType::isDynamic(inner))
        return std::nullopt;
      // 1-D vectors only: the LLVM conversion of some math ops (absi)
      // does not take n-D vectors. Lanes of the widest value the body
      // computes, not of its result: an integer LayerNorm or residual add
      // writes i8 but works in i64, and 48 lanes of i64 (6 registers) were
      // split 4 + 2 with shuffles at every operation (3x slower than 16).
      int64_t bodyLanes =
          std::max<int64_t>(1, vectorBits / std::max(widestBodyBits(g),
                                                     accumulatorBits(op)));
      k.tiles[n - 1] = vectorLength(inner, bodyLanes, 4 * bodyLanes);
      k.kernel = "elementwise";
      return k;
    }
    if (std::optional<SmallVector<int64_t>> t =
            matmulLikeTiles(g, ranges, lanes)) {
      k.tiles = *t;
      k.kernel = "matmul-generic";
      return k;
    }
    // The innermost loop parallel (channels, after a global pool went
    // channels-last): a vector across it, the reduced loops one step at a
    // time, accumulating in that vector.
    if (g.getIteratorTypesArray().back() == utils::IteratorType::parallel &&
        !ShapedType::isDynamic(ranges[n - 1]) && ranges[n - 1] > 1) {
      k.tiles[n - 1] = vectorLength(ranges[n - 1], lanes, 2 * lanes);
      k.kernel = "reduction-inner-parallel";
      return k;
    }
    int64_t reduced = 1;
    for (auto [i, it] : llvm::enumerate(g.getIteratorTypesArray())) {
      if (it != utils::IteratorType::reduction)
        continue;
      if (ShapedType::isDynamic(ranges[i]))
        return std::nullopt;
      reduced *= ranges[i];
      k.tiles[i] = 0;
    }
    if (reduced > 64 * lanes)
      return std::nullopt;
    k.kernel = "reduction";
    return k;
  }
  return std::nullopt;
}

Value dyad::broadcastRowSource(Value v) {
  auto g = v.getDefiningOp<linalg::GenericOp>();
  if (!g || g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops() || g.getNumLoops() < 1)
    return {};
  unsigned rank = g.getNumLoops();
  MLIRContext *ctx = g.getContext();
  if (g.getIndexingMapsArray()[0] !=
          AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx)) ||
      !g.getIndexingMapsArray()[1].isIdentity())
    return {};
  Block &body = g.getRegion().front();
  if (body.getOperations().size() != 1 ||
      body.getTerminator()->getOperand(0) != body.getArgument(0))
    return {};
  return g.getDpsInputOperand(0)->get();
}

bool dyad::isContractionKernel(StringRef kernel) {
  return kernel == "conv2d-nhwc" || kernel == "conv2d-nhwc-vnni" ||
         kernel == "dwconv2d-nhwc" || kernel == "dwconv2d-nhwc-vnni" ||
         kernel == "matmul" ||
         kernel == "matmul-vnni" || kernel == "matmul-amx" ||
         kernel == "conv2d-nhwc-amx" ||
         kernel == "matmul-generic";
}

/// The epilogue of a contraction `op` (chosen, with one use): the
/// elementwise generic that reads its result with the identity map over the
/// same parallel loops. It takes over the contraction's output tiles and
/// threads; the contraction keeps its reduction tiles and is fused into the
/// epilogue's loops.
static void chooseEpilogue(linalg::LinalgOp op, Builder &b) {
  auto kernel = op->getAttrOfType<StringAttr>(kKernelAttr);
  auto tiles = op->getAttrOfType<DenseI64ArrayAttr>(kTilesAttr);
  if (!kernel || !tiles || !isContractionKernel(kernel.getValue()) ||
      op->getNumResults() != 1 || !op->getResult(0).hasOneUse())
    return;
  OpOperand &use = *op->getResult(0).getUses().begin();
  auto consumer = dyn_cast<linalg::GenericOp>(use.getOwner());
  if (!consumer || !consumer->hasAttr(kTilesAttr) ||
      consumer.getNumParallelLoops() != consumer.getNumLoops() ||
      consumer.getNumDpsInits() != 1 || consumer.isDpsInit(&use))
    return;
  // The parallel loops of the contraction come first (n, oh, ow, f /
  // m, n): they are the epilogue's loops when both maps are identities.
  int64_t rank = consumer.getNumLoops();
  if (!consumer.getMatchingIndexingMap(&use).isIdentity() ||
      !consumer.getMatchingIndexingMap(consumer.getDpsInitOperand(0))
           .isIdentity() ||
      int64_t(op.getNumParallelLoops()) != rank)
    return;
  for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray()))
    if ((int64_t(i) < rank) != (it == utils::IteratorType::parallel))
      return;
  consumer->setAttr(kTilesAttr,
                    b.getDenseI64ArrayAttr(tiles.asArrayRef().take_front(rank)));
  // A split contraction is split with its epilogue (the same loop: the
  // parallel loops come first in both); it keeps its own second tiles for
  // its reduction loops.
  consumer->removeAttr(kSplitAttr);
  consumer->removeAttr(kSplitTilesAttr);
  if (Attribute split = op->getAttr(kSplitAttr)) {
    auto splitTiles = op->getAttrOfType<DenseI64ArrayAttr>(kSplitTilesAttr);
    consumer->setAttr(kSplitAttr, split);
    consumer->setAttr(kSplitTilesAttr,
                      b.getDenseI64ArrayAttr(
                          splitTiles.asArrayRef().take_front(rank)));
  }
  consumer->setAttr(kKernelAttr,
                    b.getStringAttr(kernel.getValue() + "-epilogue"));
  consumer->setAttr(kFuseProducerAttr, b.getUnitAttr());
  consumer->removeAttr(kThreadsAttr);
  if (Attribute threads = op->getAttr(kThreadsAttr)) {
    consumer->setAttr(kThreadsAttr, threads);
    op->removeAttr(kThreadsAttr);
  }
}

namespace {
struct DyadCpuSelectKernelsPass
    : dyad::impl::DyadCpuSelectKernelsBase<DyadCpuSelectKernelsPass> {
  using Base::Base;
  void runOnOperation() override {
    Builder b(&getContext());
    // A transpose left between two ops that could not take it as a permuted
    // map (attention's split into heads, between a GEMM's epilogue and the
    // next matmul) is a copy: as a generic it gets a vector along its
    // innermost dim like any elementwise op, where the named op went to
    // scalar loops. Only when the innermost dim stays innermost (a vector
    // row of contiguous elements on both sides). Transposes that move the
    // innermost dim (a key matrix for Q x K^T) as generics with a vector
    // along the output's innermost dim (strided reads) measured +3.5% on
    // mnist_vit int8 and -3% on fashion_vit int8: left as they are.
    {
      SmallVector<linalg::TransposeOp> transposes;
      getOperation().walk([&](linalg::TransposeOp t) {
        ArrayRef<int64_t> perm = t.getPermutation();
        if (t.hasPureTensorSemantics() && !perm.empty() &&
            perm.back() == int64_t(perm.size()) - 1 &&
            !t->getParentOfType<LoopLikeOpInterface>())
          transposes.push_back(t);
      });
      IRRewriter rewriter(&getContext());
      for (linalg::TransposeOp t : transposes) {
        rewriter.setInsertionPoint(t);
        (void)linalg::generalizeNamedOp(rewriter, t);
      }
    }
    getOperation().walk([&](linalg::LinalgOp op) {
      // Ops inside tiles already made are not chosen again.
      if (op->getParentOfType<LoopLikeOpInterface>())
        return;
      std::optional<KernelChoice> k = chooseKernel(op, vectorBits, threads, amx);
      if (!k)
        return;
      op->setAttr(kKernelAttr, b.getStringAttr(k->kernel));
      op->setAttr(kTilesAttr, b.getDenseI64ArrayAttr(k->tiles));
      if (!k->threadLoops.empty())
        op->setAttr(kThreadsAttr, b.getDenseI64ArrayAttr(k->threadLoops));
      if (!k->split.empty()) {
        op->setAttr(kSplitAttr, b.getDenseI64ArrayAttr(k->split));
        op->setAttr(kSplitTilesAttr, b.getDenseI64ArrayAttr(k->splitTiles));
      }
    });
    if (fuseEpilogues)
      getOperation().walk([&](linalg::LinalgOp op) {
        if (!op->getParentOfType<LoopLikeOpInterface>())
          chooseEpilogue(op, b);
      });
  }
};
} // namespace
