//===- Passes.td - Dyad passes -----------------------------*- tablegen -*-===//
#ifndef DYAD_PASSES_TD
#define DYAD_PASSES_TD

include "mlir/Pass/PassBase.td"

def DyadFoldBatchNorm : Pass<"dyad-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold inference BatchNormalization into the preceding conv";
  let description = [{
    Rewrites `batch_normalization(conv(X, W, B))` with constant `W`, `B` and
    batch-norm parameters into one `dyad.conv` with
    `W' = W * gamma / sqrt(var + eps)` (per output channel) and
    `B' = (B - mean) * gamma / sqrt(var + eps) + beta`, computed in double
    precision and rounded once to the weight type. The conv must have no other
    user. Quantization needs this: it calibrates and quantizes the folded
    weights, the ones the integer model will use.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def DyadSimplify : Pass<"dyad-simplify", "mlir::func::FuncOp"> {
  let summary = "Constant-fold and simplify the dyad graph";
  let description = [{
    Runs the dyad op folders (shape arithmetic on constants, no-op reshapes
    and transposes, casts to the same type, ...) and the batch-norm folding
    patterns to a fixed point, then drops dead ops.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def DyadToLinalg : Pass<"dyad-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower dyad ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites every dyad op into upstream ops on tensors: named linalg ops
    where they fit (matmul, batch_matmul, conv_2d_nchw_fchw, pooling, ...),
    `linalg.generic` for elementwise and broadcasting ops, and `tensor` ops
    for data movement. Dynamic dims are carried with `tensor.dim`. Any dyad op
    left is an error naming the op.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect",
    "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect"
  ];
}

def DyadStridedCopyToLinalg
    : Pass<"dyad-strided-copy-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Turn memref.copy between strided buffers into linalg.copy";
  let description = [{
    The LLVM lowering of `memref.copy` calls the C function `memrefCopy` (of
    MLIR's runner utilities) unless both sides are contiguous. A compiled model
    must not depend on that library: strided copies become `linalg.copy`,
    which lowers to loops in the model itself.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

#endif // DYAD_PASSES_TD
