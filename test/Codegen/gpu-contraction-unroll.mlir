// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-gpu-contraction-loops{unroll=4},canonicalize,cse))' | FileCheck %s

// unroll=4: a thread computes 4 neighbouring output channels of a stem
// convolution (one input channel, 8 filters). The 4 accumulators share the
// reduction loops, so each input tap is loaded once for the 4 (it does not
// depend on the filter), each filter's weight on its own; 4 stores.
// CHECK-LABEL: func @stem
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: scf.parallel (%[[N:.*]], %[[H:.*]], %[[W:.*]], %[[F:.*]]) = {{.*}} step (%c1, %c1, %c1, %[[C4]])
// CHECK-DAG: %[[F1:.*]] = arith.addi %[[F]], %c1
// CHECK-DAG: %[[F2:.*]] = arith.addi %[[F]], %c2
// CHECK-DAG: %[[F3:.*]] = arith.addi %[[F]], %c3
// CHECK: scf.for {{.*}} -> (i32, i32, i32, i32)
// CHECK: scf.for {{.*}} -> (i32, i32, i32, i32)
// CHECK: memref.load %arg0
// CHECK-NOT: memref.load %arg0
// CHECK: memref.load %arg1[{{.*}}, %[[F]]]
// CHECK: memref.load %arg1[{{.*}}, %[[F1]]]
// CHECK: memref.load %arg1[{{.*}}, %[[F2]]]
// CHECK: memref.load %arg1[{{.*}}, %[[F3]]]
// CHECK-NOT: memref.load %arg0
// CHECK: scf.yield
// CHECK: memref.store %{{.*}}, %arg2[%[[N]], %[[H]], %[[W]], %[[F]]]
// CHECK: memref.store %{{.*}}, %arg2[%[[N]], %[[H]], %[[W]], %[[F1]]]
// CHECK: memref.store %{{.*}}, %arg2[%[[N]], %[[H]], %[[W]], %[[F2]]]
// CHECK: memref.store %{{.*}}, %arg2[%[[N]], %[[H]], %[[W]], %[[F3]]]
// CHECK-NOT: memref.store
// CHECK: return
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @stem(%x: memref<?x6x6x1xi8>, %w: memref<3x3x1x8xi8>, %y: memref<?x4x4x8xi8>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i32
  %n = memref.dim %x, %c0 : memref<?x6x6x1xi8>
  %acc = memref.alloc(%n) : memref<?x4x4x8xi32>
  linalg.fill ins(%zero : i32) outs(%acc : memref<?x4x4x8xi32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<?x6x6x1xi8>, memref<3x3x1x8xi8>) outs(%acc : memref<?x4x4x8xi32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc : memref<?x4x4x8xi32>) outs(%y : memref<?x4x4x8xi8>) {
  ^bb0(%a: i32, %o: i8):
    %t = arith.trunci %a : i32 to i8
    linalg.yield %t : i8
  }
  memref.dealloc %acc : memref<?x4x4x8xi32>
  return
}

// -----

// 6 columns: 4 does not divide them, 2 does.
// CHECK-LABEL: func @six_columns
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) = {{.*}} step (%c1, %c2)
// CHECK: scf.for {{.*}} -> (i32, i32)
func.func @six_columns(%a: memref<?x16xi32>, %b: memref<16x6xi32>, %c: memref<?x6xi32>) {
  linalg.matmul ins(%a, %b : memref<?x16xi32>, memref<16x6xi32>) outs(%c : memref<?x6xi32>)
  return
}

// -----

// A dynamic innermost dim, or one parallel dim only: one element a thread.
// CHECK-LABEL: func @dynamic_columns
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) = {{.*}} step (%c1, %c1)
// CHECK: scf.for {{.*}} -> (i32)
func.func @dynamic_columns(%a: memref<8x16xi32>, %b: memref<16x?xi32>, %c: memref<8x?xi32>) {
  linalg.matmul ins(%a, %b : memref<8x16xi32>, memref<16x?xi32>) outs(%c : memref<8x?xi32>)
  return
}
// CHECK-LABEL: func @row_sums
// CHECK: scf.parallel (%{{.*}}) = {{.*}} step (%c1)
// CHECK: scf.for {{.*}} -> (i32)
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
func.func @row_sums(%a: memref<8x16xi32>, %s: memref<8xi32>) {
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]} ins(%a : memref<8x16xi32>) outs(%s : memref<8xi32>) {
  ^bb0(%x: i32, %acc: i32):
    %r = arith.addi %x, %acc : i32
    linalg.yield %r : i32
  }
  return
}
