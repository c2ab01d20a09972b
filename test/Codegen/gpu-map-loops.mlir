// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-gpu-map-loops{block-size=128}))' | FileCheck %s
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-gpu-map-loops,convert-parallel-loops-to-gpu),gpu-kernel-outlining,dyad-gpu-merge-kernel-modules)' | FileCheck %s --check-prefix=OUTLINE
// RUN: not dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-gpu-map-loops{block-size=2048}))' 2>&1 | FileCheck %s --check-prefix=BAD

// Every parallel dim of an op collapses into one loop, cut into blocks of
// threads; the reduction stays a loop in the thread.
// CHECK-LABEL: func @matmul
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: scf.if
// CHECK: scf.for
// CHECK: arith.mulf
// CHECK: {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK: {mapping = [#gpu.loop_dim_map<processor = block_x
// OUTLINE-LABEL: func @matmul
// OUTLINE: gpu.launch_func @dyad_kernels::@matmul_kernel blocks in
// OUTLINE: gpu.launch_func @dyad_kernels::@matmul_kernel_0 blocks in
// OUTLINE: gpu.module @dyad_kernels
// OUTLINE: gpu.func @matmul_kernel(
// OUTLINE: gpu.func @matmul_kernel_0(
// BAD: block-size 2048 is not a thread count of a block (1..1024)
func.func @matmul(%a: memref<?x64xf32>, %b: memref<64x32xf32>, %c: memref<?x32xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<?x32xf32>)
  linalg.matmul ins(%a, %b : memref<?x64xf32>, memref<64x32xf32>) outs(%c : memref<?x32xf32>)
  return
}

// -----

// A reduction before a parallel dim (a mean over tokens) is interchanged:
// the parallel dims map to threads, the reduction loops inside.
// CHECK-LABEL: func @reduce_middle
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: arith.addf
#id = affine_map<(n, t, c) -> (n, t, c)>
#out = affine_map<(n, t, c) -> (n, c)>
func.func @reduce_middle(%x: memref<2x8x16xf32>, %y: memref<2x16xf32>) {
  linalg.generic {indexing_maps = [#id, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x : memref<2x8x16xf32>) outs(%y : memref<2x16xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// No parallel dim: one thread of one block runs the op.
// CHECK-LABEL: func @full_reduction
// CHECK: scf.parallel (%{{.*}}) = (%c0) to (%c1)
// CHECK: scf.for
#all = affine_map<(i) -> (i)>
#none = affine_map<(i) -> ()>
func.func @full_reduction(%x: memref<100xi32>, %y: memref<i32>) {
  linalg.generic {indexing_maps = [#all, #none], iterator_types = ["reduction"]}
      ins(%x : memref<100xi32>) outs(%y : memref<i32>) {
  ^bb0(%a: i32, %acc: i32):
    %s = arith.addi %a, %acc : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// A copy is a kernel too.
// CHECK-LABEL: func @copy
// CHECK-NOT: memref.copy
// CHECK: scf.parallel
func.func @copy(%x: memref<4x5xi8>, %y: memref<4x5xi8>) {
  memref.copy %x, %y : memref<4x5xi8> to memref<4x5xi8>
  return
}
