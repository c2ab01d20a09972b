// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-lower-cpu{threads=true})' | FileCheck %s
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-lower-cpu{threads=true})' | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=IR
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-lower-cpu)' | FileCheck %s --check-prefix=SERIAL

// Threads: the GEMM's row and column blocks are an scf.forall on tensors,
// an scf.parallel after bufferization and an OpenMP worksharing loop in the
// end: a parallel region forked through libomp (__kmpc_fork_call), the
// loop's iterations divided statically among the team. Without the option
// the same code runs on the calling thread.

// CHECK-LABEL: llvm.func @gemm(
// CHECK:         omp.parallel {
// CHECK:           omp.wsloop
// CHECK:             omp.loop_nest
// CHECK:               llvm.intr.fmuladd

// IR-LABEL: define {{.*}} @gemm(
// IR:         call void {{.*}}@__kmpc_fork_call(

// SERIAL-LABEL: llvm.func @gemm(
// SERIAL-NOT:     omp.
// SERIAL:         llvm.return
func.func @gemm(%a: tensor<?x256xf32>, %b: tensor<256x96xf32>) -> tensor<?x96xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?x256xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x96xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x96xf32>) -> tensor<?x96xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<?x256xf32>, tensor<256x96xf32>) outs(%init : tensor<?x96xf32>) -> tensor<?x96xf32>
  return %0 : tensor<?x96xf32>
}
