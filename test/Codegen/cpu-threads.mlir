// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-lower-cpu{threads=true})' | FileCheck %s
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-lower-cpu{threads=true})' | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=IR
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-lower-cpu)' | FileCheck %s --check-prefix=SERIAL

// Threads: the GEMM's row and column blocks are an scf.forall on tensors,
// an scf.parallel after bufferization and an OpenMP worksharing loop in the
// end: a parallel region forked through libomp (__kmpc_fork_call), the
// loop's iterations divided statically among the team. Without the option
// the same code runs on the calling thread. Whether a run forks is decided
// at run time (dyad-cpu-parallel-threshold): all threads when the loop's
// trip count times the work of one iteration is large enough, else one
// (num_threads; the `if` clause would need __kmpc_fork_call_if, newer than
// Debian's libomp).

// CHECK-LABEL: llvm.func @gemm(
// CHECK:         %[[ALL:.*]] = llvm.call @omp_get_max_threads() : () -> i32
// CHECK:         %[[N:.*]] = llvm.select %{{.*}}, %[[ALL]], %{{.*}} : i1, i32
// CHECK:         omp.parallel num_threads(%[[N]] : i32)
// CHECK:           omp.wsloop
// CHECK:             omp.loop_nest
// CHECK:               llvm.intr.fmuladd

// IR-LABEL: define {{.*}} @gemm(
// IR:         call void @__kmpc_push_num_threads(
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
