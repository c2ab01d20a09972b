//===- LowerAmx.cpp - packed int8 GEMM tiles on AMX tile registers --------===//
//
// AMX-INT8 (Sapphire Rapids and later) multiplies whole tiles: tdpbusd adds
// to a 16 x 16 i32 accumulator tile the products of a 16 x 64 u8 tile (16
// rows of 64 of K) and a 16 x 64 s8 tile holding 64 of K x 16 columns as a
// row per 4 of K, [k/4][n][4]. That is the layout dyad-cpu-pack-vnni gives
// a GEMM's constant weights for vpdpbusd ([K/4][N*4]); the activations are
// the same unsigned bytes (x xor 0x80) in plain rows. So a 16-row tile of
// the packed GEMM (or a 32-row one, two row tiles sharing each weight
// tile) needs no data movement of its own:
//
//   acc = tile_load C                 (the bias, written by the fused init;
//                                      tilezero where the init is zeros and
//                                      the epilogue adds the bias)
//   for each 64 of K:  acc = tdpbusd(tile_load A[:, k], tile_load W[k/4, :])
//   tile_store C, acc                 (read by the vectorized epilogue)
//
// one tdpbusd per 16 x 16 x 64 block where the VNNI kernel issues 256
// vpdpbusd. The integer results are the same sums in i32 (wrapping): the
// outputs stay bit-identical.
//
// A packed convolution (conv2d-nhwc-amx: a row of up to 16 output pixels x
// up to 64 channels) needs no im2col either. In NHWC the KW x C bytes that
// pixel p reads from one input row are contiguous, and pixel p + 1's start
// sw x C bytes later: a tile loaded with that row stride (its rows
// overlapping) is the A operand of K = KW x C, and the packed weights of
// that kernel row, [KW][C/4][F*4], are B as they are:
//
//   for each kernel row kh, each 64 of K = KW x C:
//     acc = tdpbusd(tile_load x[n, oh*sh + kh*dh, ow*sw, k] (stride sw*C),
//                   tile_load w[kh][k/4, :])
//
//===----------------------------------------------------------------------===//
#include "dyad/Codegen/CPU/KernelStrategy.h"
#include "dyad/Codegen/CPU/Passes.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

namespace dyad {
#define GEN_PASS_DEF_DYADCPULOWERAMX
#include "dyad/Codegen/CPU/Passes.h.inc"
} // namespace dyad

using namespace mlir;
using namespace dyad;

namespace {

/// Tile registers hold up to 16 rows of up to 64 bytes.
constexpr int64_t kTileRows = 16;
constexpr int64_t kTileBytes = 64;
/// Accumulator tiles per GEMM tile: 4, with one activation and one weight
/// tile, uses 6 of the 8 tile registers.
constexpr int64_t kMaxAccumulators = 4;

/// A 2-D buffer whose rows are contiguous (tileloadd's unit of access;
/// the row stride may be anything).
bool rowsContiguous(Value v) {
  auto t = dyn_cast<MemRefType>(v.getType());
  if (!t || t.getRank() != 2)
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(t.getStridesAndOffset(strides, offset)) && strides[1] == 1;
}

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// An init of zeros made for tile `g` alone (a fill of `acc` marked
/// kAmxZeroInitAttr right before it), which becomes tilezero: no stores,
/// and no tile load waiting for them. Null otherwise.
linalg::FillOp zeroInitFill(linalg::GenericOp g, Value acc) {
  auto fill = dyn_cast_or_null<linalg::FillOp>(g->getPrevNode());
  if (fill && fill->hasAttr(kAmxZeroInitAttr) && fill.getOutputs()[0] == acc &&
      matchPattern(fill.getInputs()[0], m_Zero()))
    return fill;
  return {};
}

/// Rewrites one tile of a packed GEMM (matchVnniMatmul, on buffers) of 16
/// rows and 16 x J columns (J <= 4) as AMX tile operations; fails, leaving
/// it to the loop lowering, where its shape is not that. The J accumulators
/// share each activation tile and run as J independent chains of tdpbusd
/// (its latency is several times its issue interval).
LogicalResult lowerTile(OpBuilder &b, linalg::GenericOp g) {
  SmallVector<int64_t> r = g.getStaticLoopRanges();
  if ((r[0] != kTileRows && r[0] != 2 * kTileRows) ||
      ShapedType::isDynamic(r[1]) || r[1] % kTileRows != 0 ||
      (r[0] / kTileRows) * (r[1] / kTileRows) > kMaxAccumulators ||
      ShapedType::isDynamic(r[2]) || r[3] != 4)
    return failure();
  Value a = g.getDpsInputOperand(0)->get();
  Value w = g.getDpsInputOperand(1)->get();
  Value acc = g.getDpsInitOperand(0)->get();
  if (!rowsContiguous(a) || !rowsContiguous(w) || !rowsContiguous(acc) ||
      !getElementTypeOrSelf(w.getType()).isInteger(8))
    return failure();
  linalg::FillOp fill = zeroInitFill(g, acc);
  bool zeroInit = bool(fill);
  Location loc = g.getLoc();
  b.setInsertionPoint(g);
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  auto index = [&](int64_t v) { return indexConstant(b, loc, v); };
  auto accType = amx::TileType::get({kTileRows, kTileRows}, i32);
  int64_t blocks = r[1] / kTileRows, rowTiles = r[0] / kTileRows;
  // c[i * blocks + j]: the accumulator of row tile i, column block j.
  SmallVector<Value> c;
  for (int64_t i = 0; i < rowTiles; ++i)
    for (int64_t j = 0; j < blocks; ++j)
      c.push_back(zeroInit ? Value(amx::TileZeroOp::create(b, loc, accType))
                           : Value(amx::TileLoadOp::create(
                                 b, loc, accType, acc,
                                 ValueRange{index(16 * i), index(16 * j)})));
  int64_t depth = 4 * r[2];
  for (int64_t k = 0; k < depth; k += kTileBytes) {
    int64_t bytes = std::min(kTileBytes, depth - k);
    SmallVector<Value> x;
    for (int64_t i = 0; i < rowTiles; ++i)
      x.push_back(amx::TileLoadOp::create(
          b, loc, amx::TileType::get({kTileRows, bytes}, i8), a,
          ValueRange{index(16 * i), index(k)}));
    for (int64_t j = 0; j < blocks; ++j) {
      Value y = amx::TileLoadOp::create(
          b, loc, amx::TileType::get({bytes / 4, 4 * kTileRows}, i8), w,
          ValueRange{index(k / 4), index(64 * j)});
      for (int64_t i = 0; i < rowTiles; ++i)
        c[i * blocks + j] = amx::TileMulIOp::create(
            b, loc, accType, x[i], y, c[i * blocks + j],
            /*isZextLhs=*/true, /*isZextRhs=*/false);
    }
  }
  for (int64_t i = 0; i < rowTiles; ++i)
    for (int64_t j = 0; j < blocks; ++j)
      amx::TileStoreOp::create(b, loc, acc,
                               ValueRange{index(16 * i), index(16 * j)},
                               c[i * blocks + j]);
  g.erase();
  if (zeroInit)
    fill.erase();
  return success();
}

/// Dim `dim`'s stride of a memref (elements; nothing when not static).
std::optional<int64_t> staticStride(Value v, int64_t dim) {
  auto t = cast<MemRefType>(v.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(t.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(strides[dim]))
    return std::nullopt;
  return strides[dim];
}

/// Rewrites one tile of a packed convolution (matchVnniConv, on buffers)
/// of one row of up to 16 output pixels x 16 x J channels (J <= 4) as AMX
/// tile operations, its whole window reduced in the accumulator tiles;
/// fails, leaving it to the loop lowering, where the window's bytes are not
/// contiguous per kernel row (x: [N][H][W][C] with C contiguous and W's
/// stride C; w: [KH][KW][C/4][F*4] with (kw, c/4) one contiguous run).
LogicalResult lowerConvTile(OpBuilder &b, linalg::GenericOp g) {
  SmallVector<int64_t> r = g.getStaticLoopRanges();
  if (r[0] != 1 || r[1] != 1 || r[2] > kTileRows || r[2] < 1 ||
      r[3] % kTileRows != 0 || r[3] / kTileRows > kMaxAccumulators ||
      r[7] != 4 || llvm::any_of(r, ShapedType::isDynamic))
    return failure();
  Value x = g.getDpsInputOperand(0)->get();
  Value w = g.getDpsInputOperand(1)->get();
  Value acc = g.getDpsInitOperand(0)->get();
  int64_t kernelW = r[5], channels = 4 * r[6];
  auto xType = dyn_cast<MemRefType>(x.getType());
  auto wType = dyn_cast<MemRefType>(w.getType());
  if (!xType || !wType || staticStride(acc, 3) != 1 ||
      staticStride(x, 3) != 1 || staticStride(x, 2) != channels ||
      staticStride(w, 3) != 1 || !staticStride(w, 2) ||
      staticStride(w, 1) != r[6] * *staticStride(w, 2) ||
      !wType.getElementType().isInteger(8))
    return failure();
  // Kernel row kh reads input row oh*sh + kh*dh (the tile's oh is 0).
  std::optional<ConvWindow> window = vnniConvWindow(g);
  if (!window)
    return failure();
  int64_t dilationH = window->dilationH, strideW = window->strideW;
  Location loc = g.getLoc();
  b.setInsertionPoint(g);
  auto index = [&](int64_t v) { return indexConstant(b, loc, v); };
  linalg::FillOp fill = zeroInitFill(g, acc);
  bool zeroInit = bool(fill);
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  int64_t rows = r[2], blocks = r[3] / kTileRows;
  auto accType = amx::TileType::get({rows, kTileRows}, i32);
  Value zero = index(0);
  SmallVector<Value> c;
  for (int64_t j = 0; j < blocks; ++j)
    c.push_back(zeroInit ? Value(amx::TileZeroOp::create(b, loc, accType))
                         : Value(amx::TileLoadOp::create(
                               b, loc, accType, acc,
                               ValueRange{zero, zero, zero,
                                          index(kTileRows * j)})));
  Value xStride = index(strideW * channels);
  Value wStride = index(*staticStride(w, 2));
  int64_t depth = kernelW * channels;
  for (int64_t kh = 0; kh < r[4]; ++kh) {
    for (int64_t k = 0; k < depth; k += kTileBytes) {
      int64_t bytes = std::min(kTileBytes, depth - k);
      // Row p of the A tile: pixel p's window bytes k.. of kernel row kh.
      Value a = amx::TileLoadOp::create(
          b, loc, amx::TileType::get({rows, bytes}, i8), x,
          ValueRange{zero, index(kh * dilationH), index(k / channels),
                     index(k % channels)},
          xStride);
      for (int64_t j = 0; j < blocks; ++j) {
        Value y = amx::TileLoadOp::create(
            b, loc, amx::TileType::get({bytes / 4, 4 * kTileRows}, i8), w,
            ValueRange{index(kh), index(k / channels),
                       index((k % channels) / 4), index(64 * j)},
            wStride);
        c[j] = amx::TileMulIOp::create(b, loc, accType, a, y, c[j],
                                       /*isZextLhs=*/true,
                                       /*isZextRhs=*/false);
      }
    }
  }
  for (int64_t j = 0; j < blocks; ++j)
    amx::TileStoreOp::create(b, loc, acc,
                             ValueRange{zero, zero, zero, index(kTileRows * j)},
                             c[j]);
  g.erase();
  if (zeroInit)
    fill.erase();
  return success();
}

struct DyadCpuLowerAmxPass
    : dyad::impl::DyadCpuLowerAmxBase<DyadCpuLowerAmxPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> tiles, convTiles;
    getOperation().walk([&](linalg::GenericOp g) {
      auto k = g->getAttrOfType<StringAttr>(kKernelAttr);
      if (!k || !g.hasPureBufferSemantics())
        return;
      if (k.getValue() == "matmul-amx" && matchVnniMatmul(g))
        tiles.push_back(g);
      if (k.getValue() == "conv2d-nhwc-amx" && matchVnniConv(g))
        convTiles.push_back(g);
    });
    OpBuilder b(&getContext());
    for (linalg::GenericOp g : tiles)
      (void)lowerTile(b, g);
    for (linalg::GenericOp g : convTiles)
      (void)lowerConvTile(b, g);
  }
};

} // namespace
