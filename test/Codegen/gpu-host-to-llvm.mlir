// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-gpu-host-to-llvm)' | FileCheck %s

// The shape of a dynamic reshape, written and read by the host alone, stays
// in host memory (malloc); the reshaped device buffer is ctx->alloc's.
// CHECK-LABEL: llvm.func @host_shape
// CHECK: llvm.call @malloc
// CHECK: llvm.store
// CHECK: %[[SLOT:.*]] = llvm.mlir.addressof @__dyad_gpu_ctx
// CHECK: %[[CTX:.*]] = llvm.load %[[SLOT]]
// CHECK: %[[FIELD:.*]] = llvm.getelementptr %[[CTX]][0]
// CHECK: %[[ALLOC:.*]] = llvm.load %[[FIELD]]
// CHECK: llvm.call %[[ALLOC]](%[[CTX]], %{{.*}}) : !llvm.ptr, (!llvm.ptr, i64) -> !llvm.ptr
// CHECK: llvm.call @free
func.func @host_shape(%n: index) -> memref<?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %shape = memref.alloc() : memref<2xindex>
  memref.store %n, %shape[%c0] : memref<2xindex>
  memref.store %c4, %shape[%c1] : memref<2xindex>
  %n4 = arith.muli %n, %c4 : index
  %flat = memref.alloc(%n4) : memref<?xf32>
  %r = memref.reshape %flat(%shape) : (memref<?xf32>, memref<2xindex>) -> memref<?x4xf32>
  memref.dealloc %shape : memref<2xindex>
  return %r : memref<?x4xf32>
}
