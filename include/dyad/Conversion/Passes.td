//===- Passes.td - dyad -> linalg/tensor/arith --------------*- tablegen -*-===//
#ifndef DYAD_CONVERSION_PASSES_TD
#define DYAD_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

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

#endif // DYAD_CONVERSION_PASSES_TD
