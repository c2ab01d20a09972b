// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// dyad.average_pool -> linalg.

// count_include_pad = 0 with padding: zero padding, linalg.pooling_nchw_sum,
// then per output position the divisor, the number of kernel taps inside
// the input (from linalg.index); dynamic batch.
// CHECK-LABEL: func.func @average_pool_exclude_pad
// CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[S:.*]] = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[P]], %{{.*}} : tensor<?x1x5x5xf32>, tensor<3x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<?x1x3x3xf32>)
// CHECK: linalg.index 2
// CHECK: linalg.index 3
// CHECK: arith.sitofp
// CHECK: arith.divf
func.func @average_pool_exclude_pad(%x: tensor<?x1x3x3xf32>) -> tensor<?x1x3x3xf32> {
  %0 = dyad.average_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<?x1x3x3xf32>) -> tensor<?x1x3x3xf32>
  return %0 : tensor<?x1x3x3xf32>
}

// count_include_pad = 1 and no ceil_mode: every window counts the kernel
// size.
// CHECK-LABEL: func.func @average_pool_include_pad
// CHECK: linalg.pooling_nchw_sum
// CHECK: %[[NINE:.*]] = arith.constant 9.000000e+00 : f32
// CHECK: linalg.generic
// CHECK-NOT: linalg.index
// CHECK: arith.divf %{{.*}}, %[[NINE]]
func.func @average_pool_include_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %0 = dyad.average_pool %x {count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// ceil_mode with count_include_pad: the extra end padding that makes the
// last window fit is not counted, the explicit padding is.
// CHECK-LABEL: func.func @average_pool_ceil_include_pad
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 2, 2]
// CHECK: linalg.index 2
func.func @average_pool_ceil_include_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  %0 = dyad.average_pool %x {ceil_mode = true, count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// 1-D without padding: linalg.pooling_ncw_sum and a division by 2.
// CHECK-LABEL: func.func @average_pool_1d
// CHECK: linalg.pooling_ncw_sum {dilations = dense<1> : tensor<1xi64>, strides = dense<2> : tensor<1xi64>}
// CHECK: arith.constant 2.000000e+00 : f32
func.func @average_pool_1d(%x: tensor<1x2x5xf32>) -> tensor<1x2x2xf32> {
  %0 = dyad.average_pool %x {dilations = array<i64: 1>, kernel_shape = array<i64: 2>, pads = array<i64: 0, 0>, strides = array<i64: 2>} : (tensor<1x2x5xf32>) -> tensor<1x2x2xf32>
  return %0 : tensor<1x2x2xf32>
}

// 3-D, dynamic batch: a sum generic, then the division.
// CHECK-LABEL: func.func @average_pool_3d
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: arith.addf
// CHECK: arith.divf
func.func @average_pool_3d(%x: tensor<?x1x3x3x3xf32>) -> tensor<?x1x2x2x2xf32> {
  %0 = dyad.average_pool %x {dilations = array<i64: 1, 1, 1>, kernel_shape = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 1, 1, 1>} : (tensor<?x1x3x3x3xf32>) -> tensor<?x1x2x2x2xf32>
  return %0 : tensor<?x1x2x2x2xf32>
}

// auto_pad SAME_LOWER with dynamic spatial dims: the padding comes from the
// run-time sizes, and so do the divisors.
// CHECK-LABEL: func.func @average_pool_same_lower_dynamic
// CHECK: arith.ceildivsi
// CHECK: tensor.pad %{{.*}} low[0, 0, %{{.*}}, %{{.*}}] high[0, 0, %{{.*}}, %{{.*}}]
// CHECK: linalg.pooling_nchw_sum
// CHECK: linalg.index 2
func.func @average_pool_same_lower_dynamic(%x: tensor<1x1x?x?xf32>) -> tensor<1x1x?x?xf32> {
  %0 = dyad.average_pool %x {auto_pad = #dyad.auto_pad<SAME_LOWER>, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 1>} : (tensor<1x1x?x?xf32>) -> tensor<1x1x?x?xf32>
  return %0 : tensor<1x1x?x?xf32>
}

// CHECK-LABEL: func.func @main
func.func @main() {
  %c0_0 = arith.constant dense<[[[[5.0, -4.0, -8.0], [-1.0, -1.0, 9.0], [0.0, -2.0, 4.0]]], [[[-1.0, -5.0, 9.0], [3.0, -3.0, 1.0], [-6.0, -9.0, 0.0]]]]> : tensor<2x1x3x3xf32>
  %d0_0 = tensor.cast %c0_0 : tensor<2x1x3x3xf32> to tensor<?x1x3x3xf32>
  %r0 = call @average_pool_exclude_pad(%d0_0) : (tensor<?x1x3x3xf32>) -> tensor<?x1x3x3xf32>
  %p0 = tensor.cast %r0 : tensor<?x1x3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  %c1_0 = arith.constant dense<[[[[-3.0, -3.0, -7.0, 5.0], [-1.0, 8.0, -7.0, -9.0], [-1.0, 1.0, 4.0, -8.0], [-9.0, 4.0, -6.0, 9.0]]]]> : tensor<1x1x4x4xf32>
  %r1 = call @average_pool_include_pad(%c1_0) : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  %p1 = tensor.cast %r1 : tensor<1x1x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  %c2_0 = arith.constant dense<[[[[6.0, -7.0, 9.0, 8.0], [7.0, 8.0, 0.0, 7.0], [3.0, 9.0, -6.0, 2.0], [9.0, -3.0, -2.0, 4.0]]]]> : tensor<1x1x4x4xf32>
  %r2 = call @average_pool_ceil_include_pad(%c2_0) : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  %p2 = tensor.cast %r2 : tensor<1x1x3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  %c3_0 = arith.constant dense<[[[1.0, -2.0, 0.0, 9.0, 7.0], [6.0, -5.0, 2.0, -1.0, -4.0]]]> : tensor<1x2x5xf32>
  %r3 = call @average_pool_1d(%c3_0) : (tensor<1x2x5xf32>) -> tensor<1x2x2xf32>
  %p3 = tensor.cast %r3 : tensor<1x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p3) : (tensor<*xf32>) -> ()
  %c4_0 = arith.constant dense<[[[[[-1.0, -2.0, -9.0], [-5.0, 2.0, -1.0], [-5.0, -1.0, 8.0]], [[5.0, 0.0, -5.0], [9.0, -6.0, -5.0], [-2.0, -3.0, -1.0]], [[-9.0, -6.0, 2.0], [3.0, 1.0, 8.0], [-8.0, 2.0, 6.0]]]], [[[[4.0, -9.0, 1.0], [-1.0, -2.0, -3.0], [6.0, -1.0, -9.0]], [[9.0, -8.0, 5.0], [1.0, 8.0, -6.0], [-8.0, -6.0, 1.0]], [[7.0, -2.0, 1.0], [-2.0, 0.0, 6.0], [0.0, -6.0, 1.0]]]]]> : tensor<2x1x3x3x3xf32>
  %d4_0 = tensor.cast %c4_0 : tensor<2x1x3x3x3xf32> to tensor<?x1x3x3x3xf32>
  %r4 = call @average_pool_3d(%d4_0) : (tensor<?x1x3x3x3xf32>) -> tensor<?x1x2x2x2xf32>
  %p4 = tensor.cast %r4 : tensor<?x1x2x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p4) : (tensor<*xf32>) -> ()
  %c5_0 = arith.constant dense<[[[[-7.0, -3.0, -2.0, 0.0], [2.0, -9.0, -4.0, -9.0], [-4.0, -2.0, -4.0, 0.0], [1.0, 9.0, -5.0, -7.0], [7.0, -6.0, 3.0, 7.0]]]]> : tensor<1x1x5x4xf32>
  %d5_0 = tensor.cast %c5_0 : tensor<1x1x5x4xf32> to tensor<1x1x?x?xf32>
  %r5 = call @average_pool_same_lower_dynamic(%d5_0) : (tensor<1x1x?x?xf32>) -> tensor<1x1x?x?xf32>
  %p5 = tensor.cast %r5 : tensor<1x1x?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%p5) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// The expected values below were computed independently (numpy / torch).
// average_pool_exclude_pad
// EXEC: rank = 4 offset = 0 sizes = [2, 1, 3, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}-0.25,     0,     -1],
// EXEC-NEXT: [-0.5,     0.222222,     -0.333333],
// EXEC-NEXT: [-1,     1.5,     2.5]]],
// EXEC-NEXT: {{\[\[\[}}-1.5,     0.666667,     0.5],
// EXEC-NEXT: [-3.5,     -1.22222,     -1.16667],
// EXEC-NEXT: [-3.75,     -2.33333,     -2.75]]]]
// average_pool_include_pad
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}0.111111,     -1.44444],
// EXEC-NEXT: [0.222222,     -0.444444]]]]
// average_pool_ceil_include_pad
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 3, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}1.55556,     2.77778,     2.5],
// EXEC-NEXT: [3.66667,     2.11111,     2.16667],
// EXEC-NEXT: [1,     -0.166667,     1]]]]
// average_pool_1d
// EXEC: rank = 3 offset = 0 sizes = [1, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}-0.5,    4.5],
// EXEC-NEXT: [0.5,    0.5]]]
// average_pool_3d
// EXEC: rank = 5 offset = 0 sizes = [2, 1, 2, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[\[}}0.25,      -3.25],
// EXEC-NEXT: [-1.375,      -0.875]],
// EXEC-NEXT: {{\[\[}}-0.375,      -1.375],
// EXEC-NEXT: [-0.5,      0.25]]]],
// EXEC-NEXT: {{\[\[\[\[}}0.25,      -1.75],
// EXEC-NEXT: [-0.375,      -2.25]],
// EXEC-NEXT: {{\[\[}}1.625,      0.5],
// EXEC-NEXT: [-1.625,      -0.25]]]]]
// average_pool_same_lower_dynamic
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 3, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}-5,     -4,     -1.66667,     -1],
// EXEC-NEXT: [-3.25,     -3.5,     -4.66667,     -4.25],
// EXEC-NEXT: [2.75,     1.5,     0.166667,     -0.5]]]]
