//===- KernelStrategy.h - per-op CPU kernel choice --------------*- C++ -*-===//
#ifndef DYAD_CODEGEN_CPU_KERNELSTRATEGY_H
#define DYAD_CODEGEN_CPU_KERNELSTRATEGY_H

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>
#include <string>

namespace dyad {

/// The attributes `dyad-cpu-select-kernels` sets and
/// `dyad-cpu-tile-and-vectorize` reads.
inline constexpr llvm::StringLiteral kKernelAttr = "dyad.cpu.kernel";
inline constexpr llvm::StringLiteral kTilesAttr = "dyad.cpu.tiles";
inline constexpr llvm::StringLiteral kThreadsAttr = "dyad.cpu.threads";
/// On an elementwise op that consumes a convolution's or GEMM's whole result
/// (its epilogue: bias, requantization, activation, residual add): its tiles
/// are the producer's output tiles, and the producer is computed tile by
/// tile inside its loops, so the accumulators never go through memory.
inline constexpr llvm::StringLiteral kFuseProducerAttr =
    "dyad.cpu.fuse_producer";
/// [loop, point]: the op is computed as two ops, the loop's iterations
/// [0, point) with `dyad.cpu.tiles` and [point, end) with
/// `dyad.cpu.split_tiles` (24 channels as 16 + 8: one full vector register
/// and a half one, where a tile of 8 made all three halves). On an
/// epilogue, its contraction is split with it.
inline constexpr llvm::StringLiteral kSplitAttr = "dyad.cpu.split";
inline constexpr llvm::StringLiteral kSplitTilesAttr = "dyad.cpu.split_tiles";
/// Set by dyad-cpu-tile-and-vectorize on an AMX GEMM whose accumulator
/// starts at zeros (its bias moved to the epilogue), and on the zero fill
/// made for its full tiles alone, which dyad-cpu-lower-amx turns into
/// tilezero.
inline constexpr llvm::StringLiteral kAmxZeroInitAttr =
    "dyad.cpu.amx_zero_init";

struct KernelChoice {
  /// Kernel family: conv2d-nhwc(-vnni, -amx), dwconv2d-nhwc(-vnni),
  /// pool2d-nhwc, matmul, matmul-vnni, matmul-amx, batch-matmul,
  /// elementwise, reduction.
  std::string kernel;
  /// One tile size per loop of the op (0: the loop is not tiled; the tile
  /// is then vectorized whole).
  llvm::SmallVector<int64_t> tiles;
  /// The loops whose tiles are shared out among threads (an scf.forall,
  /// then OpenMP): the leading parallel loops of the op with more than one
  /// tile, at most two; empty when the op is too small to be worth a
  /// parallel region.
  llvm::SmallVector<int64_t> threadLoops;
  /// A split of the op in two along one loop (kSplitAttr): {loop, point},
  /// and the second part's tiles; empty when the op is not split.
  llvm::SmallVector<int64_t> split;
  llvm::SmallVector<int64_t> splitTiles;
};

/// Whether the linalg op owning `operand` reads each of its values once per
/// iteration of its parallel loops (no parallel loop missing from the
/// operand's map). Elementwise producers are fused only into such operands:
/// fused into a broadcast read (a LayerNorm into the MatMul after it) they
/// would be recomputed for each iteration of the missing loop.
bool readsWithoutBroadcast(mlir::OpOperand *operand);

/// Patterns that move the epilogue of an integer GEMM whose result is
/// expanded back to more dims (x[b,s,k] * W[k,n] computed as (b*s) x k, a
/// pointwise convolution over n*h*w pixels) onto the GEMM's 2-D iteration
/// space: the elementwise consumer of the expand_shape is collapsed (its
/// other operands through views) and its result expanded instead, so that
/// it fuses into the GEMM's tiles (dyad-cpu-select-kernels) rather than
/// reading the i32 result from memory in a loop nest of its own.
void populateCollapseGemmEpiloguePatterns(mlir::RewritePatternSet &patterns);

/// The 1-D tensor that the generic producing `v` spreads along the last
/// dim of its result (init[..., n] = bias[n], identity output), or null.
mlir::Value broadcastRowSource(mlir::Value v);

/// The narrow integer source of a generic that only sign-extends it,
/// elementwise (how dyad-to-linalg feeds i8 operands to an i32 matmul or
/// convolution); null otherwise. The kernels take the narrow value instead.
mlir::Value extensionSource(mlir::Value v);

/// An int8 convolution in the packed form dyad-cpu-pack-vnni writes for
/// vpdpbusd: a linalg.generic over (n, oh, ow, f, kh, kw, cb, ci) with
///   out[n, oh, ow, f] += zext(x[n, oh*sh + kh*dh, ow*sw + kw*dw, 4*cb + ci])
///                        * sext(w[kh, kw, cb, 4*f + ci])        (ci < 4)
/// (x: u8 activations, NHWC; w: s8 weights packed [KH][KW][C/4][F*4], so
/// 4 input channels of 16 output channels are one 64-byte vector in
/// vpdpbusd's order). Plain (reshape-free) operands: MLIR 22 folds reshapes
/// into n-D vector reads wrongly (expandShapesToReinterpretCasts). Returns the stride of ow in x's
/// width index (sw), or nothing when `op` is not such a convolution.
std::optional<int64_t> matchVnniConv(mlir::linalg::LinalgOp op);

/// The strides and dilations of a convolution in matchVnniConv's form.
struct ConvWindow {
  int64_t strideH, strideW, dilationH, dilationW;
};
std::optional<ConvWindow> vnniConvWindow(mlir::linalg::LinalgOp op);

/// A depthwise int8 convolution in dyad-cpu-pack-vnni's row-packed form: a
/// linalg.generic over (n, oh, ow, c, kw, r) with
///   out[n, oh, ow, c] += zext(x[n, oh*sh + r*dh, ow*sw + kw*dw, c])
///                        * sext(w[kw, 4*c + r])                  (r < KH)
/// (x: u8 activations, NHWC; w: s8 filter packed [KW][C*4], byte r of
/// channel c's dword the tap of kernel row r, zero past KH <= 4) and a
/// shape-only tensor<KHxi8> operand for r. A tile's KH input rows of 16
/// channels interleave into one 64-byte vector (one vpermb), and each
/// column tap is then one vpdpbusd of that vector by w's 16 dwords: KH
/// taps per instruction.
struct VnniDepthwise {
  int64_t strideH, strideW, dilationH, dilationW, kernelH, kernelW;
};
std::optional<VnniDepthwise> matchVnniDepthwise(mlir::linalg::LinalgOp op);

/// The GEMM counterpart (dyad-cpu-pack-vnni's form of an int8 linalg.matmul
/// by constant weights): a linalg.generic over (m, n, kb, ki) with
///   out[m, n] += zext(a[m, 4*kb + ki]) * sext(w[kb, 4*n + ki])
/// and the shape-only operand for ki.
bool matchVnniMatmul(mlir::linalg::LinalgOp op);

/// The kernel for `op` on a CPU with `vectorBits`-wide vector registers
/// (and AMX-INT8 tiles when `amx`); none when the op is left to the scalar
/// loop lowering.
std::optional<KernelChoice> chooseKernel(mlir::linalg::LinalgOp op,
                                         unsigned vectorBits,
                                         bool threads = false,
                                         bool amx = false);

/// The largest divisor of `n` that is at most `limit` (1 for a dynamic or
/// non-positive `n`): a tile size that divides its loop.
int64_t divisorAtMost(int64_t n, int64_t limit);

/// Whether `kernel` names a convolution or GEMM kernel (whose results an
/// epilogue may take in).
bool isContractionKernel(llvm::StringRef kernel);

} // namespace dyad

#endif // DYAD_CODEGEN_CPU_KERNELSTRATEGY_H
