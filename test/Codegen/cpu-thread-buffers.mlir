// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(scf-forall-to-parallel),convert-scf-to-openmp,func.func(dyad-cpu-thread-buffers),canonicalize)' | FileCheck %s

// A tile's scratch buffer allocated and freed in each iteration of a
// threads' loop: one stack buffer per thread, at the entry of the parallel
// region, no allocator call per iteration. A buffer handed out of its
// iteration, or too large, stays.
// CHECK-LABEL: func.func @tiles(
// CHECK:         omp.parallel {
// CHECK-NEXT:      %[[BUF:.*]] = memref.alloca() {alignment = 64 : i64} : memref<16x16xi32>
// CHECK:           omp.wsloop
// CHECK-NOT:         memref.alloc(
// CHECK:             linalg.fill ins(%{{.*}} : i32) outs(%[[BUF]] : memref<16x16xi32>)
// CHECK:             memref.copy %[[BUF]], %{{.*}}
// CHECK-NOT:         memref.dealloc
// CHECK:             omp.yield
func.func @tiles(%out: memref<64x16xi32>) {
  %c7 = arith.constant 7 : i32
  scf.forall (%i) = (0) to (64) step (16) {
    %buf = memref.alloc() {alignment = 64 : i64} : memref<16x16xi32>
    linalg.fill ins(%c7 : i32) outs(%buf : memref<16x16xi32>)
    %dst = memref.subview %out[%i, 0] [16, 16] [1, 1] : memref<64x16xi32> to memref<16x16xi32, strided<[16, 1], offset: ?>>
    memref.copy %buf, %dst : memref<16x16xi32> to memref<16x16xi32, strided<[16, 1], offset: ?>>
    memref.dealloc %buf : memref<16x16xi32>
  }
  return
}

// CHECK-LABEL: func.func @large(
// CHECK:         omp.wsloop
// CHECK:           memref.alloc() {{.*}} : memref<128x64xi32>
// CHECK:           memref.dealloc
func.func @large(%out: memref<256x64xi32>) {
  %c7 = arith.constant 7 : i32
  scf.forall (%i) = (0) to (256) step (128) {
    %buf = memref.alloc() {alignment = 64 : i64} : memref<128x64xi32>
    linalg.fill ins(%c7 : i32) outs(%buf : memref<128x64xi32>)
    %dst = memref.subview %out[%i, 0] [128, 64] [1, 1] : memref<256x64xi32> to memref<128x64xi32, strided<[64, 1], offset: ?>>
    memref.copy %buf, %dst : memref<128x64xi32> to memref<128x64xi32, strided<[64, 1], offset: ?>>
    memref.dealloc %buf : memref<128x64xi32>
  }
  return
}
