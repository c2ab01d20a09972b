// RUN: dyad-opt %s --dyad-to-linalg -split-input-file -verify-diagnostics
//
// Forms the contraction lowerings leave alone: the patterns fail to match
// (notifyMatchFailure) rather than guess, and the conversion reports the op.

// output_shape with dynamic spatial dims: the pads would depend on them.
func.func @conv_transpose_output_shape_dynamic(%x: tensor<1x1x?x?xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x?x?xf32> {
  // expected-error @+1 {{failed to legalize operation 'dyad.conv_transpose'}}
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, output_shape = array<i64: 10, 8>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 3, 2>} : (tensor<1x1x?x?xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x?x?xf32>
  return %0 : tensor<1x1x?x?xf32>
}

// -----

// A grouped convolution needs its channel counts static to split them (the
// input channels may be dynamic when the weight fixes them).
func.func @conv_group_dynamic_channels(%x: tensor<1x4x5x5xf32>, %w: tensor<?x2x3x3xf32>) -> tensor<1x?x3x3xf32> {
  // expected-error @+1 {{failed to legalize operation 'dyad.conv'}}
  %0 = dyad.conv %x, %w {group = 2 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<?x2x3x3xf32>) -> tensor<1x?x3x3xf32>
  return %0 : tensor<1x?x3x3xf32>
}

// -----

// ConvInteger's x_zero_point is per tensor.
func.func @conv_integer_per_channel_x_zero_point(%x: tensor<1x2x3x3xi8>, %w: tensor<1x2x2x2xi8>, %zp: tensor<2xi8>) -> tensor<1x1x2x2xi32> {
  // expected-error @+1 {{failed to legalize operation 'dyad.conv'}}
  %0 = dyad.conv %x, %w x_zero_point(%zp) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xi8>, tensor<1x2x2x2xi8>, tensor<2xi8>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}

// -----

// An integer gemm with a fractional alpha has no exact i32 form.
func.func @gemm_integer_fractional_alpha(%a: tensor<2x3xi8>, %b: tensor<3x2xi8>) -> tensor<2x2xi32> {
  // expected-error @+1 {{failed to legalize operation 'dyad.gemm'}}
  %0 = dyad.gemm %a, %b {alpha = 0.5 : f32} : (tensor<2x3xi8>, tensor<3x2xi8>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

// A per-row zero point must have one element per row of A.
func.func @matmul_integer_zero_point_size(%a: tensor<4x3xi8>, %b: tensor<3x2xi8>, %zp: tensor<3xi8>) -> tensor<4x2xi32> {
  // expected-error @+1 {{failed to legalize operation 'dyad.matmul'}}
  %0 = dyad.matmul %a, %b a_zero_point(%zp) : (tensor<4x3xi8>, tensor<3x2xi8>, tensor<3xi8>) -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

// Unranked operands are not lowered.
func.func @matmul_unranked(%a: tensor<*xf32>, %b: tensor<3x2xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{failed to legalize operation 'dyad.matmul'}}
  %0 = dyad.matmul %a, %b : (tensor<*xf32>, tensor<3x2xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
