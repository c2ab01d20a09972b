// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// dyad.max_pool -> linalg.

// Padding with -inf (the identity of max), linalg.pooling_nchw_max whose
// window extent comes from a kernel-shaped tensor.empty; dynamic batch.
// CHECK-LABEL: func.func @max_pool_pads
// CHECK-SAME: %[[X:.*]]: tensor<?x1x4x4xf32>
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEGINF]]
// CHECK: %[[I:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<?x1x2x2xf32>)
// CHECK: %[[K:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %[[K]] : tensor<?x1x6x6xf32>, tensor<3x3xf32>) outs(%[[I]] : tensor<?x1x2x2xf32>)
func.func @max_pool_pads(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x2x2xf32> {
  %0 = dyad.max_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x1x4x4xf32>) -> tensor<?x1x2x2xf32>
  return %0 : tensor<?x1x2x2xf32>
}

// ceil_mode: the last window (rows 4..6 of 5) needs one more row and column
// of end padding (ONNX's test_maxpool_2d_ceil geometry on a 5x5 input).
// CHECK-LABEL: func.func @max_pool_ceil
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: linalg.pooling_nchw_max {{.*}} -> tensor<1x1x2x2xf32>
func.func @max_pool_ceil(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %0 = dyad.max_pool %x {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// 1-D with dilation: linalg.pooling_ncw_max.
// CHECK-LABEL: func.func @max_pool_1d_dilated
// CHECK: linalg.pooling_ncw_max {dilations = dense<2> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>}
func.func @max_pool_1d_dilated(%x: tensor<1x2x6xf32>) -> tensor<1x2x4xf32> {
  %0 = dyad.max_pool %x {dilations = array<i64: 2>, kernel_shape = array<i64: 2>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x2x6xf32>) -> tensor<1x2x4xf32>
  return %0 : tensor<1x2x4xf32>
}

// 3-D: no NC* named op, a generic over (n, c, o..., k...) with maximumf.
// CHECK-LABEL: func.func @max_pool_3d
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: arith.maximumf
func.func @max_pool_3d(%x: tensor<1x1x3x3x3xf32>) -> tensor<1x1x2x2x2xf32> {
  %0 = dyad.max_pool %x {dilations = array<i64: 1, 1, 1>, kernel_shape = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 1, 1, 1>} : (tensor<1x1x3x3x3xf32>) -> tensor<1x1x2x2x2xf32>
  return %0 : tensor<1x1x2x2x2xf32>
}

// Signed i8: padding with -128, the named op (signed max).
// CHECK-LABEL: func.func @max_pool_i8
// CHECK: arith.constant -128 : i8
// CHECK: linalg.pooling_nchw_max {{.*}} -> tensor<1x1x2x2xi8>
func.func @max_pool_i8(%x: tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi8> {
  %0 = dyad.max_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi8>
  return %0 : tensor<1x1x2x2xi8>
}

// (The i8 result is printed as i32.)
// CHECK-LABEL: func.func @max_pool_i8_as_i32
func.func @max_pool_i8_as_i32(%x: tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi32> {
  %0 = call @max_pool_i8(%x) : (tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi8>
  %e = tensor.empty() : tensor<1x1x2x2xi32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0 : tensor<1x1x2x2xi8>) outs(%e : tensor<1x1x2x2xi32>) {
  ^bb0(%in: i8, %out: i32):
    %v = arith.extsi %in : i8 to i32
    linalg.yield %v : i32
  } -> tensor<1x1x2x2xi32>
  return %1 : tensor<1x1x2x2xi32>
}

// CHECK-LABEL: func.func @main
// ui8: padding with 0, a generic with an unsigned max.
// CHECK: linalg.generic
// CHECK: arith.maxui
func.func @main() {
  %c0_0 = arith.constant dense<[[[[1.0, -6.0, -1.0, -9.0], [1.0, 2.0, 0.0, 1.0], [-3.0, -9.0, 3.0, -2.0], [5.0, 8.0, -7.0, -7.0]]], [[[-8.0, -4.0, -1.0, 5.0], [-8.0, 1.0, -2.0, 2.0], [-8.0, 6.0, 7.0, -4.0], [8.0, 5.0, -9.0, -9.0]]]]> : tensor<2x1x4x4xf32>
  %d0_0 = tensor.cast %c0_0 : tensor<2x1x4x4xf32> to tensor<?x1x4x4xf32>
  %r0 = call @max_pool_pads(%d0_0) : (tensor<?x1x4x4xf32>) -> tensor<?x1x2x2xf32>
  %p0 = tensor.cast %r0 : tensor<?x1x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  %c1_0 = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]]]> : tensor<1x1x4x4xf32>
  %r1 = call @max_pool_ceil(%c1_0) : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  %p1 = tensor.cast %r1 : tensor<1x1x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  %c2_0 = arith.constant dense<[[[0.0, 9.0, -4.0, -2.0, -4.0, 5.0], [-8.0, 8.0, -8.0, 1.0, 2.0, -5.0]]]> : tensor<1x2x6xf32>
  %r2 = call @max_pool_1d_dilated(%c2_0) : (tensor<1x2x6xf32>) -> tensor<1x2x4xf32>
  %p2 = tensor.cast %r2 : tensor<1x2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  %c3_0 = arith.constant dense<[[[[[-6.0, 7.0, 7.0], [-9.0, 7.0, 9.0], [9.0, 2.0, -9.0]], [[4.0, -4.0, 7.0], [-8.0, 8.0, 9.0], [-7.0, -5.0, -1.0]], [[3.0, 7.0, 1.0], [7.0, -5.0, 8.0], [8.0, -1.0, -2.0]]]]]> : tensor<1x1x3x3x3xf32>
  %r3 = call @max_pool_3d(%c3_0) : (tensor<1x1x3x3x3xf32>) -> tensor<1x1x2x2x2xf32>
  %p3 = tensor.cast %r3 : tensor<1x1x2x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p3) : (tensor<*xf32>) -> ()
  %c4_0 = arith.constant dense<[[[[-100, -128, 5], [-7, -3, -120], [-90, -80, -70]]]]> : tensor<1x1x3x3xi8>
  %r4 = call @max_pool_i8_as_i32(%c4_0) : (tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi32>
  %p4 = tensor.cast %r4 : tensor<1x1x2x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p4) : (tensor<*xi32>) -> ()
  %c5_0 = arith.constant dense<[[[[29, 160, 176, 9], [33, 239, 247, 188], [216, 55, 11, 212], [138, 112, 208, 76]]]]> : tensor<1x1x4x4xi8>
  %u5_0 = builtin.unrealized_conversion_cast %c5_0 : tensor<1x1x4x4xi8> to tensor<1x1x4x4xui8>
  // ui8 values cannot cross a func.call yet (the conversion rewrites the
  // callee's signature to signless but not the call), so the op is here.
  %r5 = dyad.max_pool %u5_0 {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8>
  %s5 = builtin.unrealized_conversion_cast %r5 : tensor<1x1x2x2xui8> to tensor<1x1x2x2xi8>
  %e5 = tensor.empty() : tensor<1x1x2x2xi32>
  %x5 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s5 : tensor<1x1x2x2xi8>) outs(%e5 : tensor<1x1x2x2xi32>) {
  ^bb0(%in: i8, %out: i32):
    %z = arith.extui %in : i8 to i32
    linalg.yield %z : i32
  } -> tensor<1x1x2x2xi32>
  %p5 = tensor.cast %x5 : tensor<1x1x2x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p5) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// The expected values below were computed independently (numpy / torch).
// max_pool_pads
// EXEC: rank = 4 offset = 0 sizes = [2, 1, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}2,     2],
// EXEC-NEXT: [8,     8]]],
// EXEC-NEXT: {{\[\[\[}}1,     5],
// EXEC-NEXT: [8,     7]]]]
// max_pool_ceil (ONNX test_maxpool_2d_ceil data)
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}11,     12],
// EXEC-NEXT: [15,     16]]]]
// max_pool_1d_dilated
// EXEC: rank = 3 offset = 0 sizes = [1, 2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}0,    9,    -4,    5],
// EXEC-NEXT: [-8,    8,    2,    1]]]
// max_pool_3d
// EXEC: rank = 5 offset = 0 sizes = [1, 1, 2, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[\[}}8,      9],
// EXEC-NEXT: [9,      9]],
// EXEC-NEXT: {{\[\[}}8,      9],
// EXEC-NEXT: [8,      9]]]]]
// max_pool_i8_as_i32
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}-3,     5],
// EXEC-NEXT: [-80,     -70]]]]
// ui8 max_pool with ceil_mode (inline in @main)
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}247,     247],
// EXEC-NEXT: [216,     212]]]]
