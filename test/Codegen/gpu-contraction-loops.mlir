// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-gpu-contraction-loops,canonicalize))' | FileCheck %s

// An int8 convolution as bufferized from the CPU's NHWC form: the bias
// broadcast into the accumulator buffer, the input padded with its zero
// point, the requantization after. One loop nest: the bias is the initial
// accumulator, the reduction loops carry it, the padding is a select on the
// source's bounds, and the requantized byte is the only store.
// CHECK-LABEL: func @conv_bias_pad_requant
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.copy
// CHECK: scf.parallel (%[[N:.*]], %[[H:.*]], %[[W:.*]], %[[F:.*]]) =
// CHECK: %[[BIAS:.*]] = memref.load %{{.*}}[%[[F]]] : memref<8xi32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[BIAS]]) -> (i32)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi sle
// CHECK: %[[X:.*]] = memref.load %arg0
// CHECK: arith.select %{{.*}}, %[[X]], %c-5_i8 : i8
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: scf.yield
// CHECK: arith.shrsi
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: memref.store %{{.*}}, %arg2[%[[N]], %[[H]], %[[W]], %[[F]]] : memref<?x4x4x8xi8>
// CHECK-NOT: memref.store
// CHECK: return
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @conv_bias_pad_requant(%x: memref<?x4x4x16xi8>, %w: memref<3x3x16x8xi8>, %y: memref<?x4x4x8xi8>) {
  %c0 = arith.constant 0 : index
  %zp = arith.constant -5 : i8
  %c7 = arith.constant 7 : i32
  %lo = arith.constant -128 : i32
  %hi = arith.constant 127 : i32
  %bias = memref.get_global @bias : memref<8xi32>
  %n = memref.dim %x, %c0 : memref<?x4x4x16xi8>
  %acc = memref.alloc(%n) : memref<?x4x4x8xi32>
  linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : memref<8xi32>) outs(%acc : memref<?x4x4x8xi32>) {
  ^bb0(%b: i32, %o: i32):
    linalg.yield %b : i32
  }
  %p = memref.alloc(%n) : memref<?x6x6x16xi8>
  linalg.fill ins(%zp : i8) outs(%p : memref<?x6x6x16xi8>)
  %in = memref.subview %p[0, 1, 1, 0] [%n, 4, 4, 16] [1, 1, 1, 1] : memref<?x6x6x16xi8> to memref<?x4x4x16xi8, strided<[576, 96, 16, 1], offset: 112>>
  memref.copy %x, %in : memref<?x4x4x16xi8> to memref<?x4x4x16xi8, strided<[576, 96, 16, 1], offset: 112>>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<?x6x6x16xi8>, memref<3x3x16x8xi8>) outs(%acc : memref<?x4x4x8xi32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc : memref<?x4x4x8xi32>) outs(%y : memref<?x4x4x8xi8>) {
  ^bb0(%a: i32, %o: i8):
    %s = arith.shrsi %a, %c7 : i32
    %m = arith.maxsi %s, %lo : i32
    %k = arith.minsi %m, %hi : i32
    %t = arith.trunci %k : i32 to i8
    linalg.yield %t : i8
  }
  memref.dealloc %p : memref<?x6x6x16xi8>
  memref.dealloc %acc : memref<?x4x4x8xi32>
  return
}
memref.global "private" constant @bias : memref<8xi32> = dense<[1, 2, 3, 4, 5, 6, 7, 8]>

// -----

// The consumer writes its result in place of the padding's source (dead
// after the copy): with the copy gone, other threads would read what this
// one wrote. The padding stays a buffer; the consumer is still fused.
// CHECK-LABEL: func @consumer_overwrites_source
// CHECK: linalg.generic
// CHECK: memref.copy %arg0
// CHECK: scf.parallel
// CHECK-NOT: arith.select
// CHECK: memref.store %{{.*}}, %arg0
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @consumer_overwrites_source(%x: memref<1x4x4x8xi8>, %w: memref<3x3x8x8xi8>) {
  %zp = arith.constant 0 : i8
  %z = arith.constant 0 : i32
  %acc = memref.alloc() : memref<1x4x4x8xi32>
  linalg.fill ins(%z : i32) outs(%acc : memref<1x4x4x8xi32>)
  %p = memref.alloc() : memref<1x6x6x8xi8>
  linalg.fill ins(%zp : i8) outs(%p : memref<1x6x6x8xi8>)
  %in = memref.subview %p[0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1] : memref<1x6x6x8xi8> to memref<1x4x4x8xi8, strided<[288, 48, 8, 1], offset: 56>>
  memref.copy %x, %in : memref<1x4x4x8xi8> to memref<1x4x4x8xi8, strided<[288, 48, 8, 1], offset: 56>>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x6x6x8xi8>, memref<3x3x8x8xi8>) outs(%acc : memref<1x4x4x8xi32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc : memref<1x4x4x8xi32>) outs(%x : memref<1x4x4x8xi8>) {
  ^bb0(%a: i32, %o: i8):
    %t = arith.trunci %a : i32 to i8
    linalg.yield %t : i8
  }
  return
}

// -----

// The result is read again later through a view: it must reach memory, so
// the consumer is not fused (the init still is). A reduction over a leading
// dim runs with the parallel dim outermost.
// CHECK-LABEL: func @result_read_twice
// CHECK: scf.parallel (%[[J:.*]]) =
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %c0_i32) -> (i32)
// CHECK: memref.load %arg0[%{{.*}}, %[[J]]]
// CHECK: memref.store %{{.*}}, %[[T:.*]][%[[J]]] : memref<16xi32>
// CHECK: linalg.generic
// CHECK: memref.expand_shape %[[T]]
#red = affine_map<(d0, d1) -> (d1, d0)>
#out = affine_map<(d0, d1) -> (d0)>
#v = affine_map<(d0) -> (d0)>
func.func @result_read_twice(%x: memref<8x16xi32>, %y: memref<16xi32>) -> memref<4x4xi32> {
  %z = arith.constant 0 : i32
  %t = memref.alloc() : memref<16xi32>
  linalg.fill ins(%z : i32) outs(%t : memref<16xi32>)
  linalg.generic {indexing_maps = [#red, #out], iterator_types = ["parallel", "reduction"]} ins(%x : memref<8x16xi32>) outs(%t : memref<16xi32>) {
  ^bb0(%a: i32, %o: i32):
    %s = arith.addi %a, %o : i32
    linalg.yield %s : i32
  }
  linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%t : memref<16xi32>) outs(%y : memref<16xi32>) {
  ^bb0(%a: i32, %o: i32):
    %s = arith.muli %a, %a : i32
    linalg.yield %s : i32
  }
  %e = memref.expand_shape %t [[0, 1]] output_shape [4, 4] : memref<16xi32> into memref<4x4xi32>
  return %e : memref<4x4xi32>
}

// -----

// The convolution writes its result in place of its padding's source (dead
// after the copy), and its bias is filled in between: the padding stays a
// buffer (with the copy gone, threads would read what others wrote). The
// check must hold whatever else stops the fusion: here a use of the
// result in another block stops the init's.
// CHECK-LABEL: func @output_overwrites_source
// CHECK: memref.copy %arg0
// CHECK: scf.parallel
// CHECK-NOT: arith.select
// CHECK: memref.store %{{.*}}, %arg0
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @output_overwrites_source(%x: memref<1x4x4x8xf32>, %w: memref<3x3x8x8xf32>, %b: memref<8xf32>, %flag: i1) {
  %zero = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x6x6x8xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x6x6x8xf32>)
  %in = memref.subview %p[0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1] : memref<1x6x6x8xf32> to memref<1x4x4x8xf32, strided<[288, 48, 8, 1], offset: 56>>
  memref.copy %x, %in : memref<1x4x4x8xf32> to memref<1x4x4x8xf32, strided<[288, 48, 8, 1], offset: 56>>
  linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<8xf32>) outs(%x : memref<1x4x4x8xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x6x6x8xf32>, memref<3x3x8x8xf32>) outs(%x : memref<1x4x4x8xf32>)
  scf.if %flag {
    linalg.fill ins(%zero : f32) outs(%x : memref<1x4x4x8xf32>)
  }
  memref.dealloc %p : memref<1x6x6x8xf32>
  return
}
