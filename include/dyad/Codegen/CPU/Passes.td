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

#endif // DYAD_CODEGEN_CPU_PASSES_TD
