//===- Fusion.h - what a GPU kernel of a contraction fuses ------*- C++ -*-===//
//
// Shared by dyad-gpu-contraction-loops (CUDA-core loop nests) and
// dyad-gpu-mma-matmul (tensor-core GEMMs): the buffers around a linalg op
// with reductions that its kernel can absorb (ContractionLoops.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_LIB_CODEGEN_GPU_FUSION_H
#define DYAD_LIB_CODEGEN_GPU_FUSION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace dyad::gpu {

/// An input buffer that is a padded copy of `source`: `padded` was filled
/// with `value` by `fill`, then `copy` wrote `source` into the subview at
/// offsets `low`.
struct Padding {
  mlir::Value padded, source, value;
  llvm::SmallVector<int64_t> low;
  mlir::Operation *fill = nullptr, *copy = nullptr;
  mlir::memref::SubViewOp interior;
};

/// A contraction (parallel dims first) and the neighbours its kernel takes
/// in.
struct Plan {
  mlir::linalg::GenericOp op;
  mlir::Value result;                         // the output buffer
  mlir::linalg::GenericOp init, consumer;     // fused neighbours (or null)
  llvm::DenseMap<unsigned, Padding> paddings; // by input operand number
};

/// Fills in `plan`'s init, consumer and paddings where the buffers make
/// fusing them safe; returns the op before which the fused kernel goes.
mlir::Operation *planFusion(Plan &plan);

/// The values of `map`'s results at `ivs`.
llvm::SmallVector<mlir::Value> applyMap(mlir::OpBuilder &b, mlir::Location loc,
                                        mlir::AffineMap map,
                                        mlir::ValueRange ivs);

/// `g`'s body at one point: `args` for its block arguments (null where
/// unused), `ivs` for linalg.index. Returns the yielded values.
llvm::SmallVector<mlir::Value> inlineBody(mlir::OpBuilder &b,
                                          mlir::linalg::GenericOp g,
                                          llvm::ArrayRef<mlir::Value> args,
                                          mlir::ValueRange ivs);

/// The fused init's values at output element `idx` (its inputs loaded
/// there; its output is never read, as planFusion checks).
llvm::SmallVector<mlir::Value> emitInit(mlir::OpBuilder &b,
                                        mlir::Location loc,
                                        mlir::linalg::GenericOp init,
                                        mlir::ValueRange idx);

/// The fused consumer at output element `idx`, the contraction's values
/// there `results` (standing in for its reads of `plan.result`); stores
/// what it yields.
void emitConsumer(mlir::OpBuilder &b, mlir::Location loc, const Plan &plan,
                  mlir::ValueRange results, mlir::ValueRange idx);

/// `v` (a memref, or a scalar operand) at `idx`.
mlir::Value load(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                 mlir::ValueRange idx);

/// Erases `buffer`'s allocation and deallocations when nothing else uses
/// it.
void eraseIfDead(mlir::RewriterBase &rw, mlir::Value buffer);

/// Fills and maps of `f` as generics, so the init and padding matchers see
/// one form.
mlir::LogicalResult generalizeFills(mlir::RewriterBase &rw,
                                    mlir::func::FuncOp f);

/// `op` as a generic with its parallel dims first (they become the
/// threads; a reduction dim before a parallel one would make the parallel
/// one a loop inside it). Emits an error on failure.
mlir::FailureOr<mlir::linalg::GenericOp>
parallelDimsFirst(mlir::RewriterBase &rw, mlir::linalg::LinalgOp op);

/// Erases the contraction and what `plan` fused, then the buffers only
/// they used.
void eraseFused(mlir::RewriterBase &rw, Plan &plan);

} // namespace dyad::gpu

#endif // DYAD_LIB_CODEGEN_GPU_FUSION_H
