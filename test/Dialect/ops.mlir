// Round trip of every dyad op's custom assembly format (with and without
// its optional operands and non-default attributes), directly and through
// the generic form.
// RUN: dyad-opt %s | dyad-opt | FileCheck %s
// RUN: dyad-opt %s --mlir-print-op-generic | dyad-opt | FileCheck %s

// CHECK-LABEL: func.func @unary(
// CHECK-NEXT: %0 = dyad.sqrt %arg0 : tensor<?x8xf32>
// CHECK-NEXT: %1 = dyad.exp %arg0 : tensor<?x8xf32>
// CHECK-NEXT: %2 = dyad.erf %arg0 : tensor<?x8xf32>
// CHECK-NEXT: %3 = dyad.sigmoid %arg0 : tensor<?x8xf32>
// CHECK-NEXT: %4 = dyad.tanh %arg0 : tensor<?x8xf32>
// CHECK-NEXT: %5 = dyad.hard_swish %arg0 : tensor<?x8xf32>
// CHECK-NEXT: %6 = dyad.relu %arg0 : tensor<?x8xf32>
// CHECK-NEXT: %7 = dyad.relu %arg1 : tensor<4xi32>
// CHECK-NEXT: %8 = dyad.leaky_relu %arg0 : tensor<?x8xf32>
// CHECK-NEXT: %9 = dyad.leaky_relu %arg0 {alpha = 2.500000e-01 : f32} : tensor<?x8xf32>
// CHECK-NEXT: %10 = dyad.hard_sigmoid %arg0 {alpha = 1.250000e-01 : f32, beta = 2.500000e-01 : f32} : tensor<?x8xf32>
// CHECK-NEXT: %11 = dyad.gelu %arg0 : tensor<?x8xf32>
// CHECK-NEXT: %12 = dyad.gelu %arg0 {approximate = #dyad.gelu_approximation<tanh>} : tensor<?x8xf32>
// CHECK-NEXT: return
func.func @unary(%x: tensor<?x8xf32>, %i: tensor<4xi32>) {
  %0 = dyad.sqrt %x : tensor<?x8xf32>
  %1 = dyad.exp %x : tensor<?x8xf32>
  %2 = dyad.erf %x : tensor<?x8xf32>
  %3 = dyad.sigmoid %x : tensor<?x8xf32>
  %4 = dyad.tanh %x : tensor<?x8xf32>
  %5 = dyad.hard_swish %x : tensor<?x8xf32>
  %6 = dyad.relu %x : tensor<?x8xf32>
  %7 = dyad.relu %i : tensor<4xi32>
  %8 = dyad.leaky_relu %x : tensor<?x8xf32>
  %9 = dyad.leaky_relu %x {alpha = 0.25 : f32} : tensor<?x8xf32>
  %10 = dyad.hard_sigmoid %x {alpha = 0.125 : f32, beta = 0.25 : f32} : tensor<?x8xf32>
  %11 = dyad.gelu %x : tensor<?x8xf32>
  %12 = dyad.gelu %x {approximate = #dyad.gelu_approximation<tanh>} : tensor<?x8xf32>
  return
}

// CHECK-LABEL: func.func @clip(
// CHECK-NEXT: %0 = dyad.clip %arg0 min(%arg1) max(%arg2) : (tensor<2x8xf32>, tensor<f32>, tensor<f32>) -> tensor<2x8xf32>
// CHECK-NEXT: %1 = dyad.clip %arg0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK-NEXT: %2 = dyad.clip %arg0 min(%arg1) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
// CHECK-NEXT: %3 = dyad.clip %arg0 max(%arg2) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
// CHECK-NEXT: return
func.func @clip(%x: tensor<2x8xf32>, %lo: tensor<f32>, %hi: tensor<f32>) {
  %0 = dyad.clip %x min(%lo) max(%hi) : (tensor<2x8xf32>, tensor<f32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = dyad.clip %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = dyad.clip %x min(%lo) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %3 = dyad.clip %x max(%hi) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  return
}

// CHECK-LABEL: func.func @binary(
// CHECK-NEXT: %0 = dyad.add %arg0, %arg1 : (tensor<?x3x4xf32>, tensor<4xf32>) -> tensor<?x3x4xf32>
// CHECK-NEXT: %1 = dyad.sub %arg0, %arg1 : (tensor<?x3x4xf32>, tensor<4xf32>) -> tensor<?x3x4xf32>
// CHECK-NEXT: %2 = dyad.mul %arg1, %arg0 : (tensor<4xf32>, tensor<?x3x4xf32>) -> tensor<?x3x4xf32>
// CHECK-NEXT: %3 = dyad.div %arg0, %arg1 : (tensor<?x3x4xf32>, tensor<4xf32>) -> tensor<?x3x4xf32>
// CHECK-NEXT: %4 = dyad.pow %arg0, %arg2 : (tensor<?x3x4xf32>, tensor<i32>) -> tensor<?x3x4xf32>
// CHECK-NEXT: %5 = dyad.where %arg3, %arg4, %arg5 : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %6 = dyad.cast %arg4 : tensor<2x3xf32> to tensor<2x3xi8>
// CHECK-NEXT: %7 = dyad.cast %arg3 : tensor<2x1xi1> to tensor<2x1xf32>
// CHECK-NEXT: return
func.func @binary(%a: tensor<?x3x4xf32>, %b: tensor<4xf32>, %e: tensor<i32>, %c: tensor<2x1xi1>, %y: tensor<2x3xf32>, %z: tensor<3xf32>) {
  %0 = dyad.add %a, %b : (tensor<?x3x4xf32>, tensor<4xf32>) -> tensor<?x3x4xf32>
  %1 = dyad.sub %a, %b : (tensor<?x3x4xf32>, tensor<4xf32>) -> tensor<?x3x4xf32>
  %2 = dyad.mul %b, %a : (tensor<4xf32>, tensor<?x3x4xf32>) -> tensor<?x3x4xf32>
  %3 = dyad.div %a, %b : (tensor<?x3x4xf32>, tensor<4xf32>) -> tensor<?x3x4xf32>
  %4 = dyad.pow %a, %e : (tensor<?x3x4xf32>, tensor<i32>) -> tensor<?x3x4xf32>
  %5 = dyad.where %c, %y, %z : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %6 = dyad.cast %y : tensor<2x3xf32> to tensor<2x3xi8>
  %7 = dyad.cast %c : tensor<2x1xi1> to tensor<2x1xf32>
  return
}

// CHECK-LABEL: func.func @conv(
// CHECK-NEXT: %0 = dyad.conv %arg0, %arg1 bias(%arg2) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
// CHECK-NEXT: %1 = dyad.conv %arg0, %arg1 {auto_pad = #dyad.auto_pad<SAME_UPPER>, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x8x8xf32>
// CHECK-NEXT: %2 = dyad.conv %arg3, %arg4 x_zero_point(%arg5) w_zero_point(%arg6) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x5x5xui8>, tensor<4x2x3x3xi8>, tensor<ui8>, tensor<4xi8>) -> tensor<1x4x3x3xi32>
// CHECK-NEXT: %3 = dyad.conv %arg3, %arg4 bias(%arg7) w_zero_point(%arg6) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x5x5xui8>, tensor<4x2x3x3xi8>, tensor<4xi32>, tensor<4xi8>) -> tensor<1x4x3x3xi32>
// CHECK-NEXT: return
func.func @conv(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %qx: tensor<1x2x5x5xui8>, %qw: tensor<4x2x3x3xi8>, %xz: tensor<ui8>, %wz: tensor<4xi8>, %ib: tensor<4xi32>) {
  %0 = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  %1 = dyad.conv %x, %w {auto_pad = #dyad.auto_pad<SAME_UPPER>, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x8x8xf32>
  %2 = dyad.conv %qx, %qw x_zero_point(%xz) w_zero_point(%wz) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x5x5xui8>, tensor<4x2x3x3xi8>, tensor<ui8>, tensor<4xi8>) -> tensor<1x4x3x3xi32>
  %3 = dyad.conv %qx, %qw bias(%ib) w_zero_point(%wz) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x5x5xui8>, tensor<4x2x3x3xi8>, tensor<4xi32>, tensor<4xi8>) -> tensor<1x4x3x3xi32>
  return
}

// CHECK-LABEL: func.func @conv_transpose(
// CHECK-NEXT: %0 = dyad.conv_transpose %arg0, %arg1 bias(%arg2) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xf32>, tensor<3xf32>) -> tensor<1x3x10x10xf32>
// CHECK-NEXT: %1 = dyad.conv_transpose %arg3, %arg1 {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, output_shape = array<i64: 6, 6>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x?x?xf32>, tensor<2x3x3x3xf32>) -> tensor<1x3x6x6xf32>
// CHECK-NEXT: return
func.func @conv_transpose(%x: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xf32>, %b: tensor<3xf32>, %d: tensor<1x2x?x?xf32>) {
  %0 = dyad.conv_transpose %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xf32>, tensor<3xf32>) -> tensor<1x3x10x10xf32>
  %1 = dyad.conv_transpose %d, %w {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, output_shape = array<i64: 6, 6>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x?x?xf32>, tensor<2x3x3x3xf32>) -> tensor<1x3x6x6xf32>
  return
}

// CHECK-LABEL: func.func @gemm_matmul(
// CHECK-NEXT: %0 = dyad.gemm %arg0, %arg1, %arg2 {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, transB = true} : (tensor<?x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<?x3xf32>
// CHECK-NEXT: %1 = dyad.gemm %arg0, %arg3 : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
// CHECK-NEXT: %2 = dyad.gemm %arg8, %arg9, %arg10 : (tensor<2x4xi8>, tensor<4x3xi8>, tensor<2x3xi32>) -> tensor<2x3xi32>
// CHECK-NEXT: %3 = dyad.matmul %arg0, %arg3 : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
// CHECK-NEXT: %4 = dyad.matmul %arg4, %arg5 a_zero_point(%arg6) b_zero_point(%arg7) : (tensor<?x4xui8>, tensor<4x3xi8>, tensor<ui8>, tensor<3xi8>) -> tensor<?x3xi32>
// CHECK-NEXT: %5 = dyad.matmul %arg4, %arg5 b_zero_point(%arg7) : (tensor<?x4xui8>, tensor<4x3xi8>, tensor<3xi8>) -> tensor<?x3xi32>
// CHECK-NEXT: return
func.func @gemm_matmul(%a: tensor<?x4xf32>, %b: tensor<3x4xf32>, %c: tensor<3xf32>, %m: tensor<4x3xf32>, %qa: tensor<?x4xui8>, %qb: tensor<4x3xi8>, %az: tensor<ui8>, %bz: tensor<3xi8>, %ia: tensor<2x4xi8>, %ib: tensor<4x3xi8>, %ic: tensor<2x3xi32>) {
  %0 = dyad.gemm %a, %b, %c {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, transB = true} : (tensor<?x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %1 = dyad.gemm %a, %m : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %2 = dyad.gemm %ia, %ib, %ic {transA = false} : (tensor<2x4xi8>, tensor<4x3xi8>, tensor<2x3xi32>) -> tensor<2x3xi32>
  %3 = dyad.matmul %a, %m : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %4 = dyad.matmul %qa, %qb a_zero_point(%az) b_zero_point(%bz) : (tensor<?x4xui8>, tensor<4x3xi8>, tensor<ui8>, tensor<3xi8>) -> tensor<?x3xi32>
  %5 = dyad.matmul %qa, %qb b_zero_point(%bz) : (tensor<?x4xui8>, tensor<4x3xi8>, tensor<3xi8>) -> tensor<?x3xi32>
  return
}

// CHECK-LABEL: func.func @norm(
// CHECK-NEXT: %0 = dyad.softmax %arg0 : tensor<?x5x8xf32>
// CHECK-NEXT: %1 = dyad.softmax %arg0 {axis = 1 : i64} : tensor<?x5x8xf32>
// CHECK-NEXT: %Y = dyad.layer_normalization %arg0, %arg1, %arg2 {epsilon = 9.99999997E-7 : f32, resultSegmentSizes = array<i32: 1, 0, 0>} : (tensor<?x5x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x5x8xf32>
// CHECK-NEXT: %Y_0, %Mean, %InvStdDev = dyad.layer_normalization %arg0, %arg1 {resultSegmentSizes = array<i32: 1, 1, 1>} : (tensor<?x5x8xf32>, tensor<8xf32>) -> (tensor<?x5x8xf32>, tensor<?x5x1xf32>, tensor<?x5x1xf32>)
// CHECK-NEXT: %Y_1, %InvStdDev_2 = dyad.layer_normalization %arg0, %arg1 {axis = 1 : i64, resultSegmentSizes = array<i32: 1, 0, 1>} : (tensor<?x5x8xf32>, tensor<8xf32>) -> (tensor<?x5x8xf32>, tensor<?x1x1xf32>)
// CHECK-NEXT: %2 = dyad.batch_normalization %arg3, %arg4, %arg4, %arg4, %arg4 {epsilon = 1.000000e-03 : f32} : (tensor<?x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x4x4xf32>
// CHECK-NEXT: return
func.func @norm(%x: tensor<?x5x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>, %n: tensor<?x2x4x4xf32>, %p: tensor<2xf32>) {
  %0 = dyad.softmax %x : tensor<?x5x8xf32>
  %1 = dyad.softmax %x {axis = 1 : i64} : tensor<?x5x8xf32>
  %2 = dyad.layer_normalization %x, %s, %b {epsilon = 9.99999997E-7 : f32, resultSegmentSizes = array<i32: 1, 0, 0>} : (tensor<?x5x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x5x8xf32>
  %3:3 = dyad.layer_normalization %x, %s {resultSegmentSizes = array<i32: 1, 1, 1>} : (tensor<?x5x8xf32>, tensor<8xf32>) -> (tensor<?x5x8xf32>, tensor<?x5x1xf32>, tensor<?x5x1xf32>)
  %4:2 = dyad.layer_normalization %x, %s {axis = 1 : i64, resultSegmentSizes = array<i32: 1, 0, 1>} : (tensor<?x5x8xf32>, tensor<8xf32>) -> (tensor<?x5x8xf32>, tensor<?x1x1xf32>)
  %5 = dyad.batch_normalization %n, %p, %p, %p, %p {epsilon = 1.000000e-03 : f32} : (tensor<?x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x4x4xf32>
  return
}

// CHECK-LABEL: func.func @pool_reduce(
// CHECK-NEXT: %0 = dyad.max_pool %arg0 {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x3x8x8xf32>) -> tensor<?x3x4x4xf32>
// CHECK-NEXT: %1 = dyad.max_pool %arg1 {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8>
// CHECK-NEXT: %2 = dyad.average_pool %arg0 {auto_pad = #dyad.auto_pad<SAME_LOWER>, count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x3x8x8xf32>) -> tensor<?x3x8x8xf32>
// CHECK-NEXT: %3 = dyad.global_average_pool %arg0 : (tensor<?x3x8x8xf32>) -> tensor<?x3x1x1xf32>
// CHECK-NEXT: %4 = dyad.reduce_mean %arg2 {axes = array<i64: 1, 2>} : (tensor<?x3x4xf32>) -> tensor<?x1x1xf32>
// CHECK-NEXT: %5 = dyad.reduce_sum %arg2 {axes = array<i64: -1>, keepdims = false} : (tensor<?x3x4xf32>) -> tensor<?x3xf32>
// CHECK-NEXT: %6 = dyad.reduce_sum %arg2 {axes = array<i64>, noop_with_empty_axes = true} : (tensor<?x3x4xf32>) -> tensor<?x3x4xf32>
// CHECK-NEXT: return
func.func @pool_reduce(%x: tensor<?x3x8x8xf32>, %u: tensor<1x1x4x4xui8>, %r: tensor<?x3x4xf32>) {
  %0 = dyad.max_pool %x {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x3x8x8xf32>) -> tensor<?x3x4x4xf32>
  %1 = dyad.max_pool %u {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8>
  %2 = dyad.average_pool %x {auto_pad = #dyad.auto_pad<SAME_LOWER>, count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x3x8x8xf32>) -> tensor<?x3x8x8xf32>
  %3 = dyad.global_average_pool %x : (tensor<?x3x8x8xf32>) -> tensor<?x3x1x1xf32>
  %4 = dyad.reduce_mean %r {axes = array<i64: 1, 2>} : (tensor<?x3x4xf32>) -> tensor<?x1x1xf32>
  %5 = dyad.reduce_sum %r {axes = array<i64: -1>, keepdims = false} : (tensor<?x3x4xf32>) -> tensor<?x3xf32>
  %6 = dyad.reduce_sum %r {axes = array<i64>, noop_with_empty_axes = true} : (tensor<?x3x4xf32>) -> tensor<?x3x4xf32>
  return
}

// CHECK-LABEL: func.func @shape(
// CHECK-NEXT: %0 = dyad.shape %arg0 : (tensor<?x3x4x4xf32>) -> tensor<4xi64>
// CHECK-NEXT: %1 = dyad.shape %arg0 {end = 3 : i64, start = 1 : i64} : (tensor<?x3x4x4xf32>) -> tensor<2xi64>
// CHECK-NEXT: %2 = dyad.flatten %arg0 : (tensor<?x3x4x4xf32>) -> tensor<?x48xf32>
// CHECK-NEXT: %3 = dyad.flatten %arg0 {axis = 0 : i64} : (tensor<?x3x4x4xf32>) -> tensor<1x?xf32>
// CHECK-NEXT: %4 = dyad.reshape %arg0, %arg1 : (tensor<?x3x4x4xf32>, tensor<2xi64>) -> tensor<?x48xf32>
// CHECK-NEXT: %5 = dyad.reshape %arg0, %arg1 {allowzero = true} : (tensor<?x3x4x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
// CHECK-NEXT: %6 = dyad.transpose %arg0 {perm = array<i64: 0, 2, 3, 1>} : (tensor<?x3x4x4xf32>) -> tensor<?x4x4x3xf32>
// CHECK-NEXT: %7 = dyad.concat %arg2, %arg3 {axis = -1 : i64} : (tensor<?x3xf32>, tensor<?x5xf32>) -> tensor<?x8xf32>
// CHECK-NEXT: %8:2 = dyad.split %arg3 {axis = 1 : i64, split = array<i64: 1, 4>} : (tensor<?x5xf32>) -> (tensor<?x1xf32>, tensor<?x4xf32>)
// CHECK-NEXT: %9 = dyad.slice %arg3, %arg5, %arg5, %arg5, %arg5 : (tensor<?x5xf32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>) -> tensor<?x?xf32>
// CHECK-NEXT: %10 = dyad.gather %arg3, %arg4 {axis = 1 : i64} : (tensor<?x5xf32>, tensor<2x3xi64>) -> tensor<?x2x3xf32>
// CHECK-NEXT: %11 = dyad.unsqueeze %arg2 {axes = array<i64: 0, -1>} : (tensor<?x3xf32>) -> tensor<1x?x3x1xf32>
// CHECK-NEXT: %12 = dyad.squeeze %arg6 {axes = array<i64>} : (tensor<1x3x1xf32>) -> tensor<3xf32>
// CHECK-NEXT: %13 = dyad.squeeze %arg6 {axes = array<i64: 0>} : (tensor<1x3x1xf32>) -> tensor<3x1xf32>
// CHECK-NEXT: %14 = dyad.expand %arg6, %arg1 : (tensor<1x3x1xf32>, tensor<2xi64>) -> tensor<?x?x?xf32>
// CHECK-NEXT: %15 = dyad.pad %arg6 {constant_value = 1.500000e+00 : f64, pads = array<i64: 0, 1, 0, 0, 2, 0>} : (tensor<1x3x1xf32>) -> tensor<1x6x1xf32>
// CHECK-NEXT: %16 = dyad.pad %arg6 {mode = #dyad.pad_mode<reflect>, pads = array<i64: 0, 1, 0, 0, 1, 0>} : (tensor<1x3x1xf32>) -> tensor<1x5x1xf32>
// CHECK-NEXT: %17 = dyad.resize %arg0 {scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<?x3x4x4xf32>) -> tensor<?x3x8x8xf32>
// CHECK-NEXT: %18 = dyad.resize %arg0 {coordinate_transformation_mode = #dyad.coordinate_transformation_mode<tf_crop_and_resize>, extrapolation_value = 1.000000e+01 : f32, mode = #dyad.resize_mode<linear>, nearest_mode = #dyad.nearest_mode<floor>, roi = array<f32: 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00, 5.000000e-01, 5.000000e-01>, sizes = array<i64: 1, 3, 3, 3>} : (tensor<?x3x4x4xf32>) -> tensor<1x3x3x3xf32>
// CHECK-NEXT: return
func.func @shape(%x: tensor<?x3x4x4xf32>, %s: tensor<2xi64>, %a: tensor<?x3xf32>, %b: tensor<?x5xf32>, %i: tensor<2x3xi64>, %v: tensor<1xi32>, %q: tensor<1x3x1xf32>) {
  %0 = dyad.shape %x : (tensor<?x3x4x4xf32>) -> tensor<4xi64>
  %1 = dyad.shape %x {end = 3 : i64, start = 1 : i64} : (tensor<?x3x4x4xf32>) -> tensor<2xi64>
  %2 = dyad.flatten %x : (tensor<?x3x4x4xf32>) -> tensor<?x48xf32>
  %3 = dyad.flatten %x {axis = 0 : i64} : (tensor<?x3x4x4xf32>) -> tensor<1x?xf32>
  %4 = dyad.reshape %x, %s : (tensor<?x3x4x4xf32>, tensor<2xi64>) -> tensor<?x48xf32>
  %5 = dyad.reshape %x, %s {allowzero = true} : (tensor<?x3x4x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %6 = dyad.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<?x3x4x4xf32>) -> tensor<?x4x4x3xf32>
  %7 = dyad.concat %a, %b {axis = -1 : i64} : (tensor<?x3xf32>, tensor<?x5xf32>) -> tensor<?x8xf32>
  %8:2 = dyad.split %b {axis = 1 : i64, split = array<i64: 1, 4>} : (tensor<?x5xf32>) -> (tensor<?x1xf32>, tensor<?x4xf32>)
  %9 = dyad.slice %b, %v, %v, %v, %v : (tensor<?x5xf32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>) -> tensor<?x?xf32>
  %10 = dyad.gather %b, %i {axis = 1 : i64} : (tensor<?x5xf32>, tensor<2x3xi64>) -> tensor<?x2x3xf32>
  %11 = dyad.unsqueeze %a {axes = array<i64: 0, -1>} : (tensor<?x3xf32>) -> tensor<1x?x3x1xf32>
  %12 = dyad.squeeze %q {axes = array<i64>} : (tensor<1x3x1xf32>) -> tensor<3xf32>
  %13 = dyad.squeeze %q {axes = array<i64: 0>} : (tensor<1x3x1xf32>) -> tensor<3x1xf32>
  %14 = dyad.expand %q, %s : (tensor<1x3x1xf32>, tensor<2xi64>) -> tensor<?x?x?xf32>
  %15 = dyad.pad %q {constant_value = 1.500000e+00 : f64, pads = array<i64: 0, 1, 0, 0, 2, 0>} : (tensor<1x3x1xf32>) -> tensor<1x6x1xf32>
  %16 = dyad.pad %q {mode = #dyad.pad_mode<reflect>, pads = array<i64: 0, 1, 0, 0, 1, 0>} : (tensor<1x3x1xf32>) -> tensor<1x5x1xf32>
  %17 = dyad.resize %x {scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<?x3x4x4xf32>) -> tensor<?x3x8x8xf32>
  %18 = dyad.resize %x {coordinate_transformation_mode = #dyad.coordinate_transformation_mode<tf_crop_and_resize>, extrapolation_value = 1.000000e+01 : f32, mode = #dyad.resize_mode<linear>, nearest_mode = #dyad.nearest_mode<floor>, roi = array<f32: 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00, 5.000000e-01, 5.000000e-01>, sizes = array<i64: 1, 3, 3, 3>} : (tensor<?x3x4x4xf32>) -> tensor<1x3x3x3xf32>
  return
}

// CHECK-LABEL: func.func @quant(
// CHECK-NEXT: %0 = dyad.quantize %arg0 : tensor<?x4xf32> to tensor<?x4x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK-NEXT: %1 = dyad.quantize %arg1 : tensor<2x3x4xf32> to tensor<2x3x4x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01:1,1.250000e-01:-2}>>
// CHECK-NEXT: %2 = dyad.dequantize %0 : tensor<?x4x!quant.uniform<u8:f32, 5.000000e-01:128>> to tensor<?x4xf32>
// CHECK-NEXT: %3 = dyad.dequantize %arg2 : tensor<3x2x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01:1,3.000000e-01:-1}>> to tensor<3x2xf32>
// CHECK-NEXT: %4 = dyad.quantize_linear %arg0, %arg4, %arg5 : (tensor<?x4xf32>, tensor<f32>, tensor<i8>) -> tensor<?x4xi8>
// CHECK-NEXT: %5 = dyad.quantize_linear %arg0, %arg6 : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xui8>
// CHECK-NEXT: %6 = dyad.dequantize_linear %arg3, %arg4, %arg5 : (tensor<2x4xi8>, tensor<f32>, tensor<i8>) -> tensor<2x4xf32>
// CHECK-NEXT: %7 = dyad.dequantize_linear %arg7, %arg6 {axis = 0 : i64} : (tensor<4x3xui8>, tensor<4xf32>) -> tensor<4x3xf32>
// CHECK-NEXT: %y, %y_scale, %y_zero_point = dyad.dynamic_quantize_linear %arg0 : (tensor<?x4xf32>) -> (tensor<?x4xui8>, tensor<f32>, tensor<ui8>)
// CHECK-NEXT: return
func.func @quant(%x: tensor<?x4xf32>, %p: tensor<2x3x4xf32>, %q: tensor<3x2x!quant.uniform<i8:f32:0, {0.1,0.2:1,0.3:-1}>>, %r: tensor<2x4xi8>, %s: tensor<f32>, %z: tensor<i8>, %s4: tensor<4xf32>, %u: tensor<4x3xui8>) {
  %0 = dyad.quantize %x : tensor<?x4xf32> to tensor<?x4x!quant.uniform<u8:f32, 5.000000e-01:128>>
  %1 = dyad.quantize %p : tensor<2x3x4xf32> to tensor<2x3x4x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01:1,1.250000e-01:-2}>>
  %2 = dyad.dequantize %0 : tensor<?x4x!quant.uniform<u8:f32, 5.000000e-01:128>> to tensor<?x4xf32>
  %3 = dyad.dequantize %q : tensor<3x2x!quant.uniform<i8:f32:0, {0.1,0.2:1,0.3:-1}>> to tensor<3x2xf32>
  %4 = dyad.quantize_linear %x, %s, %z : (tensor<?x4xf32>, tensor<f32>, tensor<i8>) -> tensor<?x4xi8>
  %5 = dyad.quantize_linear %x, %s4 {axis = 1 : i64} : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xui8>
  %6 = dyad.dequantize_linear %r, %s, %z : (tensor<2x4xi8>, tensor<f32>, tensor<i8>) -> tensor<2x4xf32>
  %7 = dyad.dequantize_linear %u, %s4 {axis = 0 : i64} : (tensor<4x3xui8>, tensor<4xf32>) -> tensor<4x3xf32>
  %8:3 = dyad.dynamic_quantize_linear %x : (tensor<?x4xf32>) -> (tensor<?x4xui8>, tensor<f32>, tensor<ui8>)
  return
}
