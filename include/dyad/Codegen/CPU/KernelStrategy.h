//===- KernelStrategy.h - per-op CPU kernel choice --------------*- C++ -*-===//
#ifndef DYAD_CODEGEN_CPU_KERNELSTRATEGY_H
#define DYAD_CODEGEN_CPU_KERNELSTRATEGY_H

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"

#include <optional>
#include <string>

namespace dyad {

/// The attributes `dyad-cpu-select-kernels` sets and
/// `dyad-cpu-tile-and-vectorize` reads.
inline constexpr llvm::StringLiteral kKernelAttr = "dyad.cpu.kernel";
inline constexpr llvm::StringLiteral kTilesAttr = "dyad.cpu.tiles";

struct KernelChoice {
  /// Kernel family: conv2d-nhwc, dwconv2d-nhwc, pool2d-nhwc, matmul,
  /// batch-matmul, elementwise, reduction.
  std::string kernel;
  /// One tile size per loop of the op (0: the loop is not tiled; the tile
  /// is then vectorized whole).
  llvm::SmallVector<int64_t> tiles;
};

/// The kernel for `op` on a CPU with `vectorBits`-wide vector registers;
/// none when the op is left to the scalar loop lowering.
std::optional<KernelChoice> chooseKernel(mlir::linalg::LinalgOp op,
                                         unsigned vectorBits);

} // namespace dyad

#endif // DYAD_CODEGEN_CPU_KERNELSTRATEGY_H
