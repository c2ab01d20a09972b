// RUN: dyad-opt %s -split-input-file -verify-diagnostics

// Verifier errors of dyad.conv and dyad.conv_transpose.

func.func @kernel_empty(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op kernel_shape must not be empty}}
  %0 = dyad.conv %x, %w {dilations = array<i64>, kernel_shape = array<i64>, pads = array<i64>, strides = array<i64>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @kernel_rank(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op input of rank 4 needs 2 kernel dims, got 1}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1>, kernel_shape = array<i64: 3>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @strides_count(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op strides and dilations need 2 values each}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @pads_count(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op pads needs 4 values, got 2}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @kernel_positive(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op kernel_shape values must be positive}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @strides_positive(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op strides must be positive}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 0, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @dilations_positive(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op dilations must be positive}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, -1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @pads_negative(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op pads must not be negative}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, -1, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @auto_pad(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // auto_pad is an enum attribute: the parser rejects other values.
  // expected-error @+2 {{expected one of [NOTSET, SAME_UPPER, SAME_LOWER, VALID] for ONNX auto_pad, got: SAME}}
  // expected-error @+1 {{failed to parse Dyad_AutoPadAttr parameter 'value'}}
  %0 = dyad.conv %x, %w {auto_pad = #dyad.auto_pad<SAME>, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @float_mixed(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf16>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op float form needs one float element type for operands and result}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf16>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @float_bias_type(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>, %b: tensor<1xf16>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op float form needs one float element type for operands and result}}
  %0 = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>, tensor<1xf16>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @float_zero_point(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>, %z: tensor<i8>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op zero points are only allowed in the integer form}}
  %0 = dyad.conv %x, %w x_zero_point(%z) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @int_width(%x: tensor<1x1x4x4xi32>, %w: tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi32> {
  // expected-error @+1 {{'dyad.conv' op integer form needs 8- or 16-bit integer operands}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xi32>, tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}

// -----

func.func @int_result(%x: tensor<1x1x4x4xui8>, %w: tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi16> {
  // expected-error @+1 {{'dyad.conv' op integer form must produce i32 or i64}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xui8>, tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi16>
  return %0 : tensor<1x1x2x2xi16>
}

// -----

func.func @int_zp_rank(%x: tensor<1x1x4x4xui8>, %w: tensor<1x1x3x3xi8>, %z: tensor<1x1xi8>) -> tensor<1x1x2x2xi32> {
  // expected-error @+1 {{'dyad.conv' op zero point must be a scalar or 1-D}}
  %0 = dyad.conv %x, %w w_zero_point(%z) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xui8>, tensor<1x1x3x3xi8>, tensor<1x1xi8>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}

// -----

func.func @int_zp_type(%x: tensor<1x1x4x4xui8>, %w: tensor<1x1x3x3xi8>, %z: tensor<i8>) -> tensor<1x1x2x2xi32> {
  // expected-error @+1 {{'dyad.conv' op zero point type must match its operand}}
  %0 = dyad.conv %x, %w x_zero_point(%z) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xui8>, tensor<1x1x3x3xi8>, tensor<i8>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}

// -----

func.func @int_bias(%x: tensor<1x1x4x4xui8>, %w: tensor<1x1x3x3xi8>, %b: tensor<1xi8>) -> tensor<1x1x2x2xi32> {
  // expected-error @+1 {{'dyad.conv' op integer form needs a bias of the result's type}}
  %0 = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xui8>, tensor<1x1x3x3xi8>, tensor<1xi8>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}

// -----

func.func @group_positive(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op group must be positive}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, group = 0 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @weight_rank(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op weight rank 3 does not match 2 spatial dims}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @group_divides(%x: tensor<1x4x4x4xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op output channels 3 are not divisible by group 2}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>
  return %0 : tensor<1x3x2x2xf32>
}

// -----

func.func @kernel_vs_weight(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x3x2xf32> {
  // expected-error @+1 {{'dyad.conv' op kernel_shape dim 0 is 2 but 3 was expected}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x2xf32>
  return %0 : tensor<1x1x3x2xf32>
}

// -----

func.func @channels(%x: tensor<1x3x4x4xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op input has 3 channels but weight expects 2 x group 1}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

func.func @bias_rank(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<1x2xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op bias must be 1-D}}
  %0 = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<1x2xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @bias_size(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'dyad.conv' op bias dim 0 is 3 but 2 was expected}}
  %0 = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<3xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @window_fit(%x: tensor<1x1x4x2xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x1xf32> {
  // expected-error @+1 {{'dyad.conv' op window does not fit spatial dim 1 of size 2}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x2xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x1xf32>
  return %0 : tensor<1x1x2x1xf32>
}

// -----

func.func @result_dim(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32> {
  // (8 + 2 - 3) / 2 + 1 = 4, but strides 1 give 8.
  // expected-error @+1 {{'dyad.conv' op result dim 2 is 4 but 8 was expected}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

func.func @result_channels(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+1 {{'dyad.conv' op result dim 1 is 3 but 2 was expected}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

func.func @result_rank(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x36xf32> {
  // expected-error @+1 {{'dyad.conv' op result rank 3 but 4 was expected}}
  %0 = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x36xf32>
  return %0 : tensor<1x2x36xf32>
}

// -----

func.func @same_upper_result(%x: tensor<1x1x7x7xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  // SAME_* keeps ceil(7 / 2) = 4.
  // expected-error @+1 {{'dyad.conv' op result dim 2 is 3 but 4 was expected}}
  %0 = dyad.conv %x, %w {auto_pad = #dyad.auto_pad<SAME_UPPER>, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x7x7xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// conv_transpose

func.func @ct_output_padding_count(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32> {
  // expected-error @+1 {{'dyad.conv_transpose' op output_padding needs 2 values}}
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

func.func @ct_output_padding_negative(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32> {
  // expected-error @+1 {{'dyad.conv_transpose' op output_padding must not be negative}}
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, -1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

func.func @ct_group(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32> {
  // expected-error @+1 {{'dyad.conv_transpose' op group must be positive}}
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = -1 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

func.func @ct_types(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf16> {
  // expected-error @+1 {{'dyad.conv_transpose' op operands and result need one element type}}
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf16>
  return %0 : tensor<1x1x5x5xf16>
}

// -----

func.func @ct_weight_rank(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x3x3x1xf32>) -> tensor<1x1x5x5xf32> {
  // expected-error @+1 {{'dyad.conv_transpose' op weight rank 5 does not match 2 spatial dims}}
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3x1xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

func.func @ct_channels(%x: tensor<1x2x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32> {
  // expected-error @+1 {{'dyad.conv_transpose' op input has 2 channels but weight expects 1}}
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

func.func @ct_kernel(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x5x6xf32> {
  // expected-error @+1 {{'dyad.conv_transpose' op kernel_shape dim 1 is 4 but 3 was expected}}
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 4>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5x6xf32>
  return %0 : tensor<1x1x5x6xf32>
}

// -----

func.func @ct_result(%x: tensor<1x1x3x3xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x2x6x6xf32> {
  // 2 * (3 - 1) + 3 = 7.
  // expected-error @+1 {{'dyad.conv_transpose' op result dim 2 is 6 but 7 was expected}}
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x6x6xf32>
  return %0 : tensor<1x2x6x6xf32>
}

// -----

func.func @ct_result_channels(%x: tensor<1x2x3x3xf32>, %w: tensor<2x3x3x3xf32>) -> tensor<1x3x5x5xf32> {
  // group 2: 3 x 2 = 6 output channels.
  // expected-error @+1 {{'dyad.conv_transpose' op result dim 1 is 3 but 6 was expected}}
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x3x3x3xf32>) -> tensor<1x3x5x5xf32>
  return %0 : tensor<1x3x5x5xf32>
}

// -----

func.func @ct_window_attrs(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32> {
  // expected-error @+1 {{'dyad.conv_transpose' op pads needs 4 values, got 3}}
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}
