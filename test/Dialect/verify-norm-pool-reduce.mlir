// RUN: dyad-opt %s -split-input-file -verify-diagnostics

// Verifier errors of softmax, layer_normalization, batch_normalization, the
// pools and the reductions.

func.func @softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.softmax' op axis 2 is out of range for rank 2}}
  %0 = dyad.softmax %x {axis = 2 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @softmax_axis_negative(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.softmax' op axis -3 is out of range for rank 2}}
  %0 = dyad.softmax %x {axis = -3 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @ln_epsilon(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'dyad.layer_normalization' op epsilon must not be negative}}
  %0 = dyad.layer_normalization %x, %s {epsilon = -1.0 : f32, resultSegmentSizes = array<i32: 1, 0, 0>} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @ln_axis(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'dyad.layer_normalization' op axis 2 is out of range for rank 2}}
  %0 = dyad.layer_normalization %x, %s {axis = 2 : i64, resultSegmentSizes = array<i32: 1, 0, 0>} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @ln_result(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'dyad.layer_normalization' op result dim 1 is 4 but 8 was expected}}
  %0 = dyad.layer_normalization %x, %s {resultSegmentSizes = array<i32: 1, 0, 0>} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @ln_mean_shape(%x: tensor<2x5x8xf32>, %s: tensor<5x8xf32>) -> tensor<2x5x1xf32> {
  // axis 1: Mean is 2 x 1 x 1.
  // expected-error @+1 {{'dyad.layer_normalization' op result dim 1 is 5 but 1 was expected}}
  %y, %m = dyad.layer_normalization %x, %s {axis = 1 : i64, resultSegmentSizes = array<i32: 1, 1, 0>} : (tensor<2x5x8xf32>, tensor<5x8xf32>) -> (tensor<2x5x8xf32>, tensor<2x5x1xf32>)
  return %m : tensor<2x5x1xf32>
}

// -----

func.func @ln_scale(%x: tensor<2x8xf32>, %s: tensor<4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'dyad.layer_normalization' op scale and bias must broadcast to the normalized dims}}
  %0 = dyad.layer_normalization %x, %s {resultSegmentSizes = array<i32: 1, 0, 0>} : (tensor<2x8xf32>, tensor<4xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @ln_bias_rank(%x: tensor<2x8xf32>, %s: tensor<8xf32>, %b: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // The normalized dims (axis -1) are just 8: a 2-D bias has too many dims.
  // expected-error @+1 {{'dyad.layer_normalization' op scale and bias must broadcast to the normalized dims}}
  %0 = dyad.layer_normalization %x, %s, %b {resultSegmentSizes = array<i32: 1, 0, 0>} : (tensor<2x8xf32>, tensor<8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @bn_rank(%x: tensor<4xf32>, %p: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dyad.batch_normalization' op input must have rank >= 2}}
  %0 = dyad.batch_normalization %x, %p, %p, %p, %p : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @bn_param_rank(%x: tensor<1x2x3x3xf32>, %p: tensor<2xf32>, %q: tensor<1x2xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{'dyad.batch_normalization' op scale, B, mean and var must be 1-D}}
  %0 = dyad.batch_normalization %x, %p, %p, %p, %q : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<1x2xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

func.func @bn_channels(%x: tensor<1x2x3x3xf32>, %p: tensor<2xf32>, %q: tensor<3xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{'dyad.batch_normalization' op per-channel parameter dim 0 is 3 but 2 was expected}}
  %0 = dyad.batch_normalization %x, %q, %p, %p, %p : (tensor<1x2x3x3xf32>, tensor<3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

func.func @bn_result(%x: tensor<1x2x3x3xf32>, %p: tensor<2xf32>) -> tensor<1x2x3x4xf32> {
  // expected-error @+1 {{'dyad.batch_normalization' op result dim 3 is 4 but 3 was expected}}
  %0 = dyad.batch_normalization %x, %p, %p, %p, %p : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

func.func @maxpool_attrs(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.max_pool' op strides and dilations need 2 values each}}
  %0 = dyad.max_pool %x {dilations = array<i64: 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @maxpool_rank(%x: tensor<1x4x4xf32>) -> tensor<1x2x2xf32> {
  // expected-error @+1 {{'dyad.max_pool' op input of rank 3 needs 1 kernel dims, got 2}}
  %0 = dyad.max_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4xf32>) -> tensor<1x2x2xf32>
  return %0 : tensor<1x2x2xf32>
}

// -----

func.func @maxpool_result(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x3x3xf32> {
  // ceil_mode: ceil((8 - 3) / 2) + 1 = 4.
  // expected-error @+1 {{'dyad.max_pool' op result dim 2 is 3 but 4 was expected}}
  %0 = dyad.max_pool %x {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

func.func @maxpool_channels(%x: tensor<1x3x4x4xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.max_pool' op result dim 1 is 1 but 3 was expected}}
  %0 = dyad.max_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @avgpool_fit(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error @+1 {{'dyad.average_pool' op window does not fit spatial dim 0 of size 2}}
  %0 = dyad.average_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  return %0 : tensor<1x1x1x1xf32>
}

// -----

func.func @avgpool_auto_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // auto_pad is an enum attribute: the parser rejects other values.
  // expected-error @+2 {{expected one of [NOTSET, SAME_UPPER, SAME_LOWER, VALID] for ONNX auto_pad, got: same}}
  // expected-error @+1 {{failed to parse Dyad_AutoPadAttr parameter 'value'}}
  %0 = dyad.average_pool %x {auto_pad = #dyad.auto_pad<same>, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @avgpool_result(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32> {
  // Pads 1 + 1: (6 + 2 - 3) / 1 + 1 = 6.
  // expected-error @+1 {{'dyad.average_pool' op result dim 2 is 4 but 6 was expected}}
  %0 = dyad.average_pool %x {count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @gap_rank(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.global_average_pool' op input must have rank >= 3 (N x C x spatial...)}}
  %0 = dyad.global_average_pool %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gap_result(%x: tensor<2x3x4x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.global_average_pool' op result rank 2 but 4 was expected}}
  %0 = dyad.global_average_pool %x : (tensor<2x3x4x4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gap_result_dim(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x1x4xf32> {
  // expected-error @+1 {{'dyad.global_average_pool' op result dim 3 is 4 but 1 was expected}}
  %0 = dyad.global_average_pool %x : (tensor<2x3x4x4xf32>) -> tensor<2x3x1x4xf32>
  return %0 : tensor<2x3x1x4xf32>
}

// -----

func.func @reduce_axis(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{'dyad.reduce_mean' op reduction axis 2 is out of range for rank 2}}
  %0 = dyad.reduce_mean %x {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_repeated(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{'dyad.reduce_sum' op reduction axis -1 is repeated}}
  %0 = dyad.reduce_sum %x {axes = array<i64: 1, -1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_keepdims(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{'dyad.reduce_sum' op result rank 2 but 1 was expected}}
  %0 = dyad.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_all(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // No axes: every axis is reduced.
  // expected-error @+1 {{'dyad.reduce_mean' op result dim 0 is 2 but 1 was expected}}
  %0 = dyad.reduce_mean %x {axes = array<i64>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_noop(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  // No axes with noop_with_empty_axes: the identity.
  // expected-error @+1 {{'dyad.reduce_sum' op result dim 0 is 1 but 2 was expected}}
  %0 = dyad.reduce_sum %x {axes = array<i64>, noop_with_empty_axes = true} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
