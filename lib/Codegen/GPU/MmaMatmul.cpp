//===- MmaMatmul.cpp - int8 GEMMs on tensor cores -------------------------===//
//
// An i8 x i8 -> i32 matmul by a constant weight becomes one gpu.launch of a
// tiled tensor-core kernel (Ampere-style, as sm_80 and sm_90 both run it):
//
//   - CTA tile 128x128x64 on 4 warps (2x2), each warp 64x64: 4 x 8
//     `mma.sync.m16n8k32` s8 accumulators of 2x2 i32 per thread;
//   - A (activations, M x K, K contiguous) and B (the weight, transposed at
//     compile time to N x K: ldmatrix cannot transpose 8-bit data) stream
//     through a 3-stage `cp.async` pipeline in shared memory, 16-byte
//     chunks XOR-swizzled so each `ldmatrix.x4` is free of bank conflicts;
//     rows past M or N and chunks past K are zero-filled (no bound checks
//     in the main loop);
//   - the epilogue adds the init (the bias the output buffer was filled
//     with) and applies the fused elementwise consumer (requantization) to
//     each element in registers, storing only in-bounds elements.
//
// See ../shared/reference/gpu-codegen.md for the fragment layouts and the
// MLIR 22 pieces (nvgpu ops) this relies on.
//
//===----------------------------------------------------------------------===//

#include "Fusion.h"
#include "dyad/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"

namespace dyad {
#define GEN_PASS_DEF_DYADGPUMMAMATMUL
#include "dyad/Codegen/GPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad::gpu;

namespace {

/// The kernel's shape (the pass options), checked by `verify`.
struct Config {
  int64_t bm, bn, bk, wm, wn, stages, groupM;
  bool prefetch, fitN;
  int64_t warps() const { return (bm / wm) * (bn / wn); }
  int64_t threads() const { return 32 * warps(); }
  int64_t mi() const { return wm / 16; }     // m16 tiles per warp
  int64_t nj() const { return wn / 8; }      // n8 tiles per warp
  int64_t ks() const { return bk / 32; }     // k32 steps per stage
  int64_t chunks() const { return bk / 16; } // 16-byte chunks per tile row
  int64_t sharedBytes() const { return stages * (bm + bn) * bk; }
  /// Static shared memory ends at 48 KiB; beyond it the launch asks for
  /// dynamic shared memory (the runtime opts the kernel in).
  bool dynamicShared() const { return sharedBytes() > (48 << 10); }

  /// The shape for a GEMM of `n` columns and depth `k`: a stage no deeper
  /// than k (rounded up to 32), and shallower while the last stage would be
  /// more than a third zeros (a 3x3x16 convolution's K = 144 takes stages
  /// of 64, not 128), computes few zero chunks; with fit-n, a tile
  /// no wider than twice n (rounded up to 16) wastes less of each mma on
  /// zero columns, the warps it no longer needs across going down the rows
  /// instead.
  Config fitTo(int64_t n, int64_t k) const {
    Config c = *this;
    int64_t k32 = (k + 31) / 32 * 32;
    while (c.bk > 32 && c.bk / 2 >= k32)
      c.bk /= 2;
    while (c.bk > 32 && (k + c.bk - 1) / c.bk * c.bk - k > k / 3)
      c.bk /= 2;
    if (!fitN)
      return c.verify() ? *this : c;
    int64_t n16 = (n + 15) / 16 * 16;
    while (c.bn > 16 && c.bn / 2 >= n16) {
      c.bn /= 2;
      c.wn = std::min(c.wn, c.bn);
    }
    while (c.warps() < warps() && c.wm > 16)
      c.wm /= 2;
    return c.verify() ? *this : c;
  }

  std::optional<std::string> verify() const {
    if (bm < 16 || bn < 16 || wm < 16 || wn < 16 || bm % wm || bn % wn ||
        wm % 16 || wn % 16)
      return "tile-m/tile-n must be multiples of warp-m/warp-n, and those "
             "multiples of 16";
    if (bk < 32 || bk % 32)
      return "tile-k must be a multiple of 32";
    if (threads() > 1024)
      return "the tile needs " + std::to_string(threads()) +
             " threads per CTA (at most 1024)";
    if (bm * chunks() < threads())
      return "every thread must copy a 16-byte chunk of the A tile "
             "(tile-m * tile-k / 16 at least the thread count)";
    if (stages < 2 || stages > 8)
      return "stages must be 2..8";
    if (sharedBytes() > 227 << 10)
      return "the stages need " + std::to_string(sharedBytes()) +
             " bytes of shared memory (at most 227 KiB)";
    if (groupM < 0)
      return "group-m must be >= 0";
    return std::nullopt;
  }
};

/// The weight's values, K x N row-major, if it is a constant global.
std::optional<SmallVector<int8_t>> constantWeight(memref::GetGlobalOp get) {
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      get, get.getNameAttr());
  if (!global || !global.getConstant())
    return std::nullopt;
  Attribute init = global.getConstantInitValue();
  SmallVector<int8_t> values;
  if (auto dense = dyn_cast_or_null<DenseIntElementsAttr>(init)) {
    if (!dense.getElementType().isInteger(8))
      return std::nullopt;
    for (APInt v : dense.getValues<APInt>())
      values.push_back(static_cast<int8_t>(v.getSExtValue()));
    return values;
  }
  if (auto blob = dyn_cast_or_null<DenseI8ResourceElementsAttr>(init))
    if (std::optional<ArrayRef<int8_t>> data = blob.tryGetAsArrayRef()) {
      values.assign(data->begin(), data->end());
      return values;
    }
  return std::nullopt;
}

/// A GEMM this kernel takes: i8 activations times a constant i8 weight
/// [K, N] into i32, K a multiple of 16 (one cp.async chunk), N even (pairs
/// of outputs per thread). Either a matmul, the activations [M, K] (K
/// contiguous), or an NHWC convolution as an implicit GEMM: the weight HWCF
/// is [K = R*S*C, N = F], the output [N, P, Q, F] is [M = N*P*Q, F], and row
/// m, column k of A is input[n, p*sh + r*dh, q*sw + s*dw, c] (C a multiple
/// of 16, so a 16-byte chunk of K never straddles two taps).
struct Match {
  Value a, out;
  memref::GetGlobalOp weight;
  SmallVector<int8_t> values;
  int64_t k, n;
  struct Conv {
    int64_t p = 0, q = 0, s = 0, c = 0, sh = 1, sw = 1, dh = 1, dw = 1;
    // A padded input read from its source (the padding folded): taps at
    // (h - padH, w - padW) outside the srcH x srcW image read `padChunk`,
    // 16 bytes of the pad value.
    int64_t padH = 0, padW = 0, srcH = 0, srcW = 0;
    memref::GlobalOp padChunk;
  };
  std::optional<Conv> conv;
};

/// Whether `t` is an i8/i32 memref of identity layout and `rank`.
bool plainMemRef(Type t, unsigned rank, unsigned bits) {
  auto m = dyn_cast<MemRefType>(t);
  return m && m.getRank() == rank && m.getElementType().isInteger(bits) &&
         m.getLayout().isIdentity();
}

std::optional<Match> matchConv(linalg::Conv2DNhwcHwcfOp conv) {
  if (!conv.hasPureBufferSemantics())
    return std::nullopt;
  Value a = conv.getInputs()[0], b = conv.getInputs()[1];
  Value out = conv.getOutputs()[0];
  if (!plainMemRef(a.getType(), 4, 8) || !plainMemRef(b.getType(), 4, 8) ||
      !plainMemRef(out.getType(), 4, 32))
    return std::nullopt;
  auto at = cast<MemRefType>(a.getType()), bt = cast<MemRefType>(b.getType());
  auto ot = cast<MemRefType>(out.getType());
  if (!bt.hasStaticShape() || at.isDynamicDim(1) || at.isDynamicDim(2) ||
      at.isDynamicDim(3) || ot.isDynamicDim(1) || ot.isDynamicDim(2))
    return std::nullopt;
  int64_t r = bt.getDimSize(0), s = bt.getDimSize(1), c = bt.getDimSize(2),
          f = bt.getDimSize(3);
  if (c % 16 != 0 || f % 2 != 0 || at.getDimSize(3) != c || r * s * c == 0)
    return std::nullopt;
  auto get = b.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return std::nullopt;
  auto values = constantWeight(get);
  if (!values || (int64_t)values->size() != r * s * c * f)
    return std::nullopt;
  auto strides = conv.getStrides().getValues<int64_t>();
  auto dilations = conv.getDilations().getValues<int64_t>();
  Match::Conv geo;
  geo.p = ot.getDimSize(1);
  geo.q = ot.getDimSize(2);
  geo.s = s;
  geo.c = c;
  geo.sh = strides[0];
  geo.sw = strides[1];
  geo.dh = dilations[0];
  geo.dw = dilations[1];
  // Every tap of every output is inside the input (the padding, if any, is
  // a buffer of its own here): the addresses need no bounds beyond M and K.
  if ((geo.p - 1) * geo.sh + (r - 1) * geo.dh >= at.getDimSize(1) ||
      (geo.q - 1) * geo.sw + (s - 1) * geo.dw >= at.getDimSize(2))
    return std::nullopt;
  return Match{a, out, get, std::move(*values), r * s * c, f, geo};
}

std::optional<Match> match(linalg::MatmulOp mm) {
  if (!mm.hasPureBufferSemantics() || mm.hasUserDefinedMaps())
    return std::nullopt;
  Value a = mm.getInputs()[0], b = mm.getInputs()[1];
  Value out = mm.getOutputs()[0];
  auto at = dyn_cast<MemRefType>(a.getType());
  auto bt = dyn_cast<MemRefType>(b.getType());
  auto ot = dyn_cast<MemRefType>(out.getType());
  if (!at || !bt || !ot || !at.getElementType().isInteger(8) ||
      !bt.getElementType().isInteger(8) || !ot.getElementType().isInteger(32) ||
      !at.getLayout().isIdentity() || !ot.getLayout().isIdentity() ||
      !bt.hasStaticShape() || at.isDynamicDim(1))
    return std::nullopt;
  auto get = b.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return std::nullopt;
  int64_t k = bt.getDimSize(0), n = bt.getDimSize(1);
  if (k % 16 != 0 || n % 2 != 0 || k == 0 || n == 0)
    return std::nullopt;
  auto values = constantWeight(get);
  if (!values || (int64_t)values->size() != k * n)
    return std::nullopt;
  return Match{a, out, get, std::move(*values), k, n, std::nullopt};
}

/// `g` reading the source of `pad` (a padding of the convolution's input
/// on H and W only, with a constant value) instead of the padded buffer.
std::optional<Match::Conv> foldPadding(RewriterBase &rw, Match::Conv g,
                                       const Padding &pad) {
  auto src = dyn_cast<MemRefType>(pad.source.getType());
  auto paddedType = cast<MemRefType>(pad.padded.getType());
  IntegerAttr value;
  if (!plainMemRef(pad.source.getType(), 4, 8) || src.isDynamicDim(1) ||
      src.isDynamicDim(2) || src.getDimSize(3) != paddedType.getDimSize(3) ||
      pad.low.size() != 4 || pad.low[0] != 0 || pad.low[3] != 0 ||
      !matchPattern(pad.value, m_Constant(&value)))
    return std::nullopt;
  g.padH = pad.low[1];
  g.padW = pad.low[2];
  g.srcH = src.getDimSize(1);
  g.srcW = src.getDimSize(2);
  // One 16-byte chunk of the pad value per module and value.
  int8_t v = static_cast<int8_t>(value.getInt());
  Value padded = pad.padded;
  auto module = padded.getParentRegion()->getParentOfType<ModuleOp>();
  std::string name = "__dyad_pad_chunk_" + std::to_string((int)v + 128);
  auto global = module.lookupSymbol<memref::GlobalOp>(name);
  if (!global) {
    OpBuilder::InsertionGuard guard(rw);
    rw.setInsertionPointToStart(module.getBody());
    auto type = MemRefType::get({16}, rw.getI8Type());
    global = memref::GlobalOp::create(
        rw, module.getLoc(), name, rw.getStringAttr("private"), type,
        DenseElementsAttr::get(RankedTensorType::get({16}, rw.getI8Type()),
                               rw.getI8IntegerAttr(v)),
        /*constant=*/true, rw.getI64IntegerAttr(16));
  }
  g.padChunk = global;
  return g;
}

/// The weight transposed to [N, K] as a new constant global beside the
/// old one.
memref::GlobalOp transposedWeight(RewriterBase &rw, Match &m) {
  auto module = m.weight->getParentOfType<ModuleOp>();
  auto old = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      m.weight, m.weight.getNameAttr());
  SmallVector<int8_t> t(m.k * m.n);
  for (int64_t r = 0; r < m.k; ++r)
    for (int64_t c = 0; c < m.n; ++c)
      t[c * m.k + r] = m.values[r * m.n + c];
  auto type = MemRefType::get({m.n, m.k}, rw.getI8Type());
  auto tensorType = RankedTensorType::get({m.n, m.k}, rw.getI8Type());
  std::string name = (old.getSymName() + "_nk").str();
  for (int i = 0; module.lookupSymbol(name); ++i)
    name = (old.getSymName() + "_nk" + llvm::Twine(i)).str();
  OpBuilder::InsertionGuard guard(rw);
  rw.setInsertionPoint(old);
  return memref::GlobalOp::create(
      rw, old.getLoc(), name, rw.getStringAttr("private"), type,
      DenseElementsAttr::get(tensorType, ArrayRef<int8_t>(t)),
      /*constant=*/true, rw.getI64IntegerAttr(16));
}

/// Emits the kernel for `plan` (its op the generalized matmul) before `at`.
void emitKernel(RewriterBase &rw, Plan &plan, Match &m,
                memref::GlobalOp weightNK, Operation *at, const Config &c) {
  Location loc = plan.op.getLoc();
  MLIRContext *ctx = rw.getContext();
  rw.setInsertionPoint(at);
  auto cidx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rw, loc, v);
  };
  const int64_t mi = c.mi(), nj = c.nj(), chunks = c.chunks();
  Value bNK = memref::GetGlobalOp::create(rw, loc, weightNK.getType(),
                                          weightNK.getSymName());
  Value mSize = memref::DimOp::create(rw, loc, m.a, 0);
  if (m.conv)
    mSize = arith::MulIOp::create(rw, loc, mSize, cidx(m.conv->p * m.conv->q));
  Value tilesM = arith::CeilDivUIOp::create(rw, loc, mSize, cidx(c.bm));
  const int64_t tilesN = (m.n + c.bn - 1) / c.bn;
  auto ws = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto smA = MemRefType::get({c.stages, c.bm, c.bk}, rw.getI8Type(),
                             MemRefLayoutAttrInterface(), ws);
  auto smB = MemRefType::get({c.stages, c.bn, c.bk}, rw.getI8Type(),
                             MemRefLayoutAttrInterface(), ws);
  Value one = cidx(1);
  // Grouped: one grid dimension, the CTA's tile derived from its index.
  Value gridX =
      c.groupM
          ? arith::MulIOp::create(rw, loc, tilesM, cidx(tilesN)).getResult()
          : cidx(tilesN);
  Value gridY = c.groupM ? one : tilesM;
  Value smemBytes;
  SmallVector<Type> attributions{smA, smB};
  if (c.dynamicShared()) {
    smemBytes =
        arith::ConstantIntOp::create(rw, loc, rw.getI32Type(), c.sharedBytes());
    attributions.clear();
  }
  auto launch =
      gpu::LaunchOp::create(rw, loc, gridX, gridY, one, cidx(c.threads()), one,
                            one, smemBytes, nullptr, {}, attributions);
  Block &body = launch.getBody().front();
  rw.setInsertionPointToStart(&body);
  gpu::TerminatorOp::create(rw, loc);
  rw.setInsertionPointToStart(&body);
  Value sa, sb;
  if (c.dynamicShared()) {
    auto bytes = MemRefType::get({ShapedType::kDynamic}, rw.getI8Type(),
                                 MemRefLayoutAttrInterface(), ws);
    Value raw = gpu::DynamicSharedMemoryOp::create(rw, loc, bytes);
    sa = memref::ViewOp::create(rw, loc, smA, raw, cidx(0), ValueRange{});
    sb = memref::ViewOp::create(rw, loc, smB, raw, cidx(c.stages * c.bm * c.bk),
                                ValueRange{});
  } else {
    sa = launch.getWorkgroupAttributions()[0];
    sb = launch.getWorkgroupAttributions()[1];
  }

  auto add = [&](Value x, Value y) -> Value {
    return arith::AddIOp::create(rw, loc, x, y);
  };
  auto mul = [&](Value x, int64_t v) -> Value {
    return arith::MulIOp::create(rw, loc, x, cidx(v));
  };
  auto div = [&](Value x, int64_t v) -> Value {
    return arith::DivUIOp::create(rw, loc, x, cidx(v));
  };
  auto rem = [&](Value x, int64_t v) -> Value {
    return arith::RemUIOp::create(rw, loc, x, cidx(v));
  };
  auto lt = [&](Value x, Value y) -> Value {
    return arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::ult, x, y);
  };
  // The byte offset of logical 16-byte chunk `chunk` of tile row `row`.
  // One ldmatrix reads the same chunk of 8 consecutive rows; XOR-ing the
  // chunk with a few bits of the row puts those 8 reads in the 8 different
  // 16-byte bank groups of a 128-byte line: rows of 64 bytes (4 chunks)
  // pair up per line, so chunk ^ ((row / 2) % 4); rows of 128 bytes or more,
  // chunk ^ (row % 8); rows of 32 bytes, chunk ^ ((row / 4) % 2).
  const int64_t period = std::max<int64_t>(1, 8 / chunks);
  const int64_t mask = std::min<int64_t>(chunks, 8) - 1;
  auto swizzle = [&](Value row, Value chunk) -> Value {
    Value x = arith::AndIOp::create(rw, loc, div(row, period), cidx(mask));
    return mul(arith::XOrIOp::create(rw, loc, chunk, x), 16);
  };

  Value tid = launch.getThreadIds().x;
  Value tileM = launch.getBlockIds().y, tileN = launch.getBlockIds().x;
  if (c.groupM) {
    // Bands of groupM row tiles; within a band, down the rows first, so the
    // CTAs resident at once cover a squarish block of the output.
    Value pid = launch.getBlockIds().x;
    Value band = div(pid, c.groupM * tilesN);
    Value first = mul(band, c.groupM);
    Value rows = arith::MinUIOp::create(
        rw, loc, arith::SubIOp::create(rw, loc, tilesM, first), cidx(c.groupM));
    Value inBand = rem(pid, c.groupM * tilesN);
    tileM = add(first, arith::RemUIOp::create(rw, loc, inBand, rows));
    tileN = arith::DivUIOp::create(rw, loc, inBand, rows);
  }
  Value m0 = mul(tileM, c.bm);
  Value n0 = mul(tileN, c.bn);
  Value warp = div(tid, 32), lane = rem(tid, 32);
  const int64_t warpsN = c.bn / c.wn;
  Value wm0 = mul(div(warp, warpsN), c.wm), wn0 = mul(rem(warp, warpsN), c.wn);
  Value kSize = cidx(m.k), nSize = cidx(m.n);
  Value mLast = arith::SubIOp::create(rw, loc, mSize, one);
  int64_t kTiles = (m.k + c.bk - 1) / c.bk;
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(ctx);
  auto i32Attr = [&](int64_t v) { return rw.getI32IntegerAttr(v); };

  // The indices of A's 16-byte chunk at (row, k), both in range, and, for
  // a folded padding, whether the tap is inside the source (else the
  // indices are clamped into it; null without a folded padding).
  auto aIndices = [&](Value row,
                      Value k) -> std::pair<SmallVector<Value>, Value> {
    if (!m.conv)
      return {{row, k}, Value()};
    const Match::Conv &g = *m.conv;
    Value n = div(row, g.p * g.q), p = rem(div(row, g.q), g.p),
          q = rem(row, g.q);
    Value r = div(k, g.s * g.c), s = rem(div(k, g.c), g.s), ch = rem(k, g.c);
    Value h = add(mul(p, g.sh), mul(r, g.dh));
    Value w = add(mul(q, g.sw), mul(s, g.dw));
    if (!g.padChunk)
      return {{n, h, w, ch}, Value()};
    // Signed: a tap of the top or left border is above or left of the
    // source.
    auto inside = [&](Value x, int64_t pad, int64_t size, Value &clamped) {
      Value v = arith::SubIOp::create(rw, loc, x, cidx(pad));
      clamped = arith::MaxSIOp::create(
          rw, loc, arith::MinSIOp::create(rw, loc, v, cidx(size - 1)), cidx(0));
      return arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::eq, v,
                                   clamped);
    };
    Value hc, wc;
    Value inH = inside(h, g.padH, g.srcH, hc);
    Value inW = inside(w, g.padW, g.srcW, wc);
    return {{n, hc, wc, ch}, arith::AndIOp::create(rw, loc, inH, inW)};
  };
  // The output's indices of GEMM element (row, col).
  auto outIndices = [&](Value row, Value col) -> SmallVector<Value> {
    if (!m.conv)
      return {row, col};
    const Match::Conv &g = *m.conv;
    return {div(row, g.p * g.q), rem(div(row, g.q), g.p), rem(row, g.q), col};
  };

  // All threads copy k-tile `kt` of A and B into stage `stage`.
  auto loadStage = [&](Value kt, Value stage) -> Value {
    SmallVector<Value> tokens;
    Value k0 = mul(kt, c.bk);
    for (auto [src, dst, base, last, rows] :
         {std::tuple{m.a, sa, m0, mLast, c.bm},
          std::tuple{bNK, sb, n0, cidx(m.n - 1), c.bn}}) {
      Value size = src == m.a ? mSize : nSize;
      const int64_t total = rows * chunks;
      for (int64_t i = 0; i * c.threads() < total; ++i) {
        Value lin = add(tid, cidx(i * c.threads()));
        // A tile of fewer chunks than threads, or not a multiple: the
        // threads past its end copy nothing (the group commits whatever
        // each thread issued; the token is not needed).
        std::optional<OpBuilder::InsertionGuard> guard;
        bool partial = (i + 1) * c.threads() > total;
        if (partial) {
          guard.emplace(rw);
          auto inTile = scf::IfOp::create(rw, loc, lt(lin, cidx(total)),
                                          /*withElseRegion=*/false);
          rw.setInsertionPointToStart(inTile.thenBlock());
        }
        Value row = div(lin, chunks), chunk = rem(lin, chunks);
        Value grow = add(base, row);
        Value gk = add(k0, mul(chunk, 16));
        Value valid =
            arith::AndIOp::create(rw, loc, lt(grow, size), lt(gk, kSize));
        // Out of bounds: zero bytes read (zero fill) from a valid address.
        Value srcRow = arith::MinUIOp::create(rw, loc, grow, last);
        Value srcK = arith::MinUIOp::create(rw, loc, gk, cidx(m.k - 16));
        Value bytes =
            arith::SelectOp::create(rw, loc, valid, cidx(16), cidx(0));
        auto [at, inImage] =
            src == m.a
                ? aIndices(srcRow, srcK)
                : std::pair<SmallVector<Value>, Value>{{srcRow, srcK}, Value()};
        SmallVector<Value> to{stage, row, swizzle(row, chunk)};
        if (inImage) {
          // A tap in the padding copies the pad value's chunk.
          Value pad = arith::AndIOp::create(
              rw, loc, valid,
              arith::XOrIOp::create(
                  rw, loc, inImage,
                  arith::ConstantIntOp::create(rw, loc, rw.getI1Type(), 1)));
          auto ifPad = scf::IfOp::create(rw, loc, pad, /*withElse=*/true);
          OpBuilder::InsertionGuard g(rw);
          rw.setInsertionPointToStart(ifPad.thenBlock());
          Value chunkOfPad =
              memref::GetGlobalOp::create(rw, loc, m.conv->padChunk.getType(),
                                          m.conv->padChunk.getSymName());
          nvgpu::DeviceAsyncCopyOp::create(
              rw, loc, tokenType, dst, to, chunkOfPad, ValueRange{cidx(0)},
              rw.getIndexAttr(16), nullptr, rw.getUnitAttr());
          rw.setInsertionPointToStart(ifPad.elseBlock());
          nvgpu::DeviceAsyncCopyOp::create(rw, loc, tokenType, dst, to, src, at,
                                           rw.getIndexAttr(16), bytes,
                                           rw.getUnitAttr());
          continue;
        }
        Value token = nvgpu::DeviceAsyncCopyOp::create(
            rw, loc, tokenType, dst, to, src, at, rw.getIndexAttr(16), bytes,
            rw.getUnitAttr());
        if (!partial)
          tokens.push_back(token);
      }
    }
    return nvgpu::DeviceAsyncCreateGroupOp::create(rw, loc, tokenType, tokens);
  };

  auto accType = VectorType::get({2, 2}, rw.getI32Type());
  auto aType = VectorType::get({4, 4}, rw.getI8Type());
  auto bType = VectorType::get({2, 4}, rw.getI8Type());
  // A warp's fragments for k32 step `ks` of stage `st`: mi A fragments,
  // then nj B fragments.
  auto loadFragments = [&](Value st, int64_t ks) {
    SmallVector<Value> f;
    // A: lanes 0-15 address rows 0-15 at chunk 2ks, lanes 16-31 the same
    // rows at chunk 2ks+1 (the four 8x16-byte matrices of an m16k32
    // fragment).
    Value aRow = rem(lane, 16), aChunk = add(div(lane, 16), cidx(2 * ks));
    for (int64_t i = 0; i < mi; ++i) {
      Value r = add(add(wm0, cidx(16 * i)), aRow);
      f.push_back(nvgpu::LdMatrixOp::create(
          rw, loc, aType, sa, ValueRange{st, r, swizzle(r, aChunk)},
          rw.getBoolAttr(false), i32Attr(4)));
    }
    // B: one ldmatrix.x4 covers two n8 tiles: lanes 0-7 rows 0-7 at chunk
    // 2ks, 8-15 the same rows at 2ks+1, 16-31 rows 8-15 likewise.
    Value poison = ub::PoisonOp::create(rw, loc, bType);
    Value bRow = add(rem(lane, 8), mul(div(lane, 16), 8));
    Value bChunk = add(rem(div(lane, 8), 2), cidx(2 * ks));
    for (int64_t j2 = 0; j2 < nj / 2; ++j2) {
      Value r = add(add(wn0, cidx(16 * j2)), bRow);
      Value x4 = nvgpu::LdMatrixOp::create(
          rw, loc, aType, sb, ValueRange{st, r, swizzle(r, bChunk)},
          rw.getBoolAttr(false), i32Attr(4));
      for (int64_t half = 0; half < 2; ++half) {
        Value lo = vector::ExtractOp::create(rw, loc, x4, 2 * half);
        Value hi = vector::ExtractOp::create(rw, loc, x4, 2 * half + 1);
        Value v = vector::InsertOp::create(rw, loc, lo, poison, 0);
        f.push_back(vector::InsertOp::create(rw, loc, hi, v, 1));
      }
    }
    return f;
  };
  auto mmas = [&](SmallVector<Value> &acc, ArrayRef<Value> f) {
    for (int64_t i = 0; i < mi; ++i)
      for (int64_t j = 0; j < nj; ++j)
        acc[i * nj + j] =
            nvgpu::MmaSyncOp::create(rw, loc, f[i], f[mi + j], acc[i * nj + j],
                                     ArrayRef<int64_t>{16, 8, 32});
  };

  // The pipeline: stages 0..S-2 in flight before the loop; iteration kt
  // first issues tile kt+S-1 into the stage iteration kt-1 finished with
  // (every warp passed the barrier after reading it), then computes tile
  // kt. Past the last tile the load repeats it into a stage no iteration
  // reads, so every iteration commits one group and `wait_group S-2`
  // always means "the next tile has landed".
  Value ktLast = cidx(kTiles - 1);
  Value firstGroup;
  for (int64_t s = 0; s < c.stages - 1; ++s) {
    Value g = loadStage(cidx(std::min(s, kTiles - 1)), cidx(s));
    if (!firstGroup)
      firstGroup = g;
  }
  auto nextTileLanded = [&] {
    nvgpu::DeviceAsyncWaitOp::create(rw, loc, firstGroup,
                                     i32Attr(c.stages - 2));
    gpu::BarrierOp::create(rw, loc);
  };
  Value zero = arith::ConstantOp::create(
      rw, loc, accType,
      DenseElementsAttr::get(accType, rw.getI32IntegerAttr(0)));
  SmallVector<Value> inits(mi * nj, zero);
  // With prefetch, the loop also carries the fragments of its first k32
  // step, loaded before the iteration (for tile 0, here).
  SmallVector<Value> first;
  if (c.prefetch) {
    nextTileLanded();
    first = loadFragments(cidx(0), 0);
    inits.append(first);
  }
  auto loop = scf::ForOp::create(rw, loc, cidx(0), cidx(kTiles), one, inits);
  {
    OpBuilder::InsertionGuard guard(rw);
    rw.setInsertionPointToStart(loop.getBody());
    Value kt = loop.getInductionVar();
    Value st = rem(kt, c.stages);
    Value ahead = add(kt, cidx(c.stages - 1));
    auto args = loop.getRegionIterArgs();
    SmallVector<Value> acc(args.begin(), args.begin() + mi * nj);
    if (!c.prefetch) {
      // Stage kt has landed, and every thread is done with the stage the
      // load below overwrites.
      nextTileLanded();
      loadStage(arith::MinUIOp::create(rw, loc, ahead, ktLast),
                rem(ahead, c.stages));
      for (int64_t ks = 0; ks < c.ks(); ++ks)
        mmas(acc, loadFragments(st, ks));
      scf::YieldOp::create(rw, loc, acc);
    } else {
      // The fragments of step ks+1 (or of the next tile's step 0, after
      // the barrier) load while step ks's mma.sync run.
      SmallVector<Value> cur(args.begin() + mi * nj, args.end());
      loadStage(arith::MinUIOp::create(rw, loc, ahead, ktLast),
                rem(ahead, c.stages));
      for (int64_t ks = 0; ks < c.ks(); ++ks) {
        SmallVector<Value> next;
        if (ks + 1 < c.ks()) {
          next = loadFragments(st, ks + 1);
        } else {
          nextTileLanded();
          next = loadFragments(rem(add(kt, one), c.stages), 0);
        }
        mmas(acc, cur);
        cur = std::move(next);
      }
      acc.append(cur);
      scf::YieldOp::create(rw, loc, acc);
    }
  }
  nvgpu::DeviceAsyncWaitOp::create(rw, loc, firstGroup, i32Attr(0));

  // The epilogue: thread (group g, index t in group) holds rows g and g+8,
  // columns 2t and 2t+1 of each 16x8 tile.
  Value grp = div(lane, 4), col = mul(rem(lane, 4), 2);
  linalg::GenericOp op = plan.op;
  Value result = op.getDpsInits()[0];
  for (int64_t i = 0; i < mi; ++i)
    for (int64_t j = 0; j < nj; ++j)
      for (int64_t h = 0; h < 2; ++h)
        for (int64_t e = 0; e < 2; ++e) {
          Value row = add(add(m0, wm0), add(grp, cidx(16 * i + 8 * h)));
          Value cn = add(add(n0, wn0), add(col, cidx(8 * j + e)));
          Value inside =
              arith::AndIOp::create(rw, loc, lt(row, mSize), lt(cn, nSize));
          auto ifOp = scf::IfOp::create(rw, loc, inside, false);
          OpBuilder::InsertionGuard guard(rw);
          rw.setInsertionPointToStart(ifOp.thenBlock());
          Value v = vector::ExtractOp::create(
              rw, loc, loop.getResult(i * nj + j), ArrayRef<int64_t>{h, e});
          SmallVector<Value> idx = outIndices(row, cn);
          Value init = plan.init ? emitInit(rw, loc, plan.init, idx)[0]
                                 : memref::LoadOp::create(rw, loc, result, idx);
          Value total = arith::AddIOp::create(rw, loc, init, v);
          if (plan.consumer)
            emitConsumer(rw, loc, plan, total, idx);
          else
            memref::StoreOp::create(rw, loc, total, result, idx);
        }
}

struct DyadGpuMmaMatmulPass
    : dyad::impl::DyadGpuMmaMatmulBase<DyadGpuMmaMatmulPass> {
  using DyadGpuMmaMatmulBase::DyadGpuMmaMatmulBase;
  Config config() const {
    return {tileM, tileN, tileK, warpM, warpN, stages, groupM, prefetch, fitN};
  }
  void runOnOperation() override {
    Config config = this->config();
    if (std::optional<std::string> bad = config.verify()) {
      getOperation().emitError("dyad-gpu-mma-matmul: ") << *bad;
      return signalPassFailure();
    }
    // One function at a time: each adds globals to the module.
    for (func::FuncOp f : getOperation().getOps<func::FuncOp>())
      if (failed(runOnFunction(f, config)))
        return signalPassFailure();
  }

  LogicalResult runOnFunction(func::FuncOp f, const Config &config) {
    IRRewriter rw(&getContext());
    if (failed(generalizeFills(rw, f)))
      return failure();
    SmallVector<std::pair<linalg::LinalgOp, Match>> gemms;
    f.walk([&](linalg::LinalgOp op) {
      std::optional<Match> m;
      if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation())) {
        m = match(mm);
        if (m && m->k < minK)
          m.reset();
      } else if (auto conv =
                     dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation()))
        m = matchConv(conv);
      if (m)
        gemms.emplace_back(op, std::move(*m));
    });
    for (auto &[op, gemm] : gemms) {
      rw.setInsertionPoint(op);
      FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rw, op);
      if (failed(g)) {
        op->emitError("GPU lowering: cannot generalize this op");
        return failure();
      }
      Plan plan;
      plan.op = *g;
      Operation *at = planFusion(plan);
      // The A operand is read straight from its buffer, or, a convolution's
      // padded input, from the padding's source.
      auto padding = plan.paddings.find(0);
      std::optional<Padding> folded;
      if (padding != plan.paddings.end() && gemm.conv)
        if (std::optional<Match::Conv> g =
                foldPadding(rw, *gemm.conv, padding->second)) {
          gemm.conv = g;
          gemm.a = padding->second.source;
          folded = padding->second;
        }
      plan.paddings.clear();
      if (folded)
        plan.paddings[0] = *folded;
      // A consumer that reads the result at another element, or a result
      // that is not the matmul's [M, N] (checked by planFusion's identity
      // maps), is all the epilogue needs.
      memref::GlobalOp weight = transposedWeight(rw, gemm);
      emitKernel(rw, plan, gemm, weight, at, config.fitTo(gemm.n, gemm.k));
      eraseFused(rw, plan);
      // The [K, N] weight, unless another op still reads it.
      auto old = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          gemm.weight, gemm.weight.getNameAttr());
      if (gemm.weight->use_empty())
        rw.eraseOp(gemm.weight);
      if (old && SymbolTable::symbolKnownUseEmpty(
                     old, old->getParentOfType<ModuleOp>()))
        rw.eraseOp(old);
    }
    return success();
  }
};

} // namespace

llvm::Error dyad::checkMmaOptions(llvm::StringRef options) {
  DyadGpuMmaMatmulPass pass;
  std::string why;
  if (failed(pass.initializeOptions(options, [&](const Twine &msg) {
        why = msg.str();
        return failure();
      })))
    return llvm::createStringError("bad tensor-core GEMM options '" +
                                   options.str() + "': " + why);
  if (std::optional<std::string> bad = pass.config().verify())
    return llvm::createStringError("bad tensor-core GEMM options '" +
                                   options.str() + "': " + *bad);
  return llvm::Error::success();
}
