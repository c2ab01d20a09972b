//===- Passes.td - CPU code generation ----------------------*- tablegen -*-===//
#ifndef DYAD_CODEGEN_CPU_PASSES_TD
#define DYAD_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

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

def DyadExpandShapeToReinterpretCast
    : Pass<"dyad-expand-shape-to-reinterpret-cast", "mlir::func::FuncOp"> {
  let summary = "Rewrite contiguous memref.expand_shape with several dynamic "
                "dims in a group as memref.reinterpret_cast";
  let description = [{
    MLIR 22's `expand-strided-metadata` crashes (SIGSEGV building a
    `memref.reinterpret_cast`) on a `memref.expand_shape` that splits one dim
    into several dynamic ones, e.g. `memref<?x120xf32>` into
    `memref<?x?x120xf32>`: the reshapes real models do (PaddleOCR's text
    recognizer). Where source and result have identity layouts, the expansion
    is a `memref.reinterpret_cast` with the output sizes and their suffix
    products as strides, which this pass builds instead.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

#endif // DYAD_CODEGEN_CPU_PASSES_TD
