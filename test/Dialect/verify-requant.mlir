// RUN: dyad-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// RUN: dyad-opt %s -split-input-file -verify-diagnostics --mlir-print-op-generic | dyad-opt -split-input-file | FileCheck %s

// Verifier errors of dyad.requant, and valid forms that round-trip (printed,
// and through the generic form).

// CHECK-LABEL: func.func @valid_per_tensor(
// CHECK: dyad.requant %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64, input_zp = 3 : i64, multiplier = array<i32: 1073741824>, output_zp = -5 : i64, shift = array<i32: 30>} : tensor<?xi32> to tensor<?xi8>
func.func @valid_per_tensor(%x: tensor<?xi32>) -> tensor<?xi8> {
  %y = dyad.requant %x {multiplier = array<i32: 1073741824>, shift = array<i32: 30>, input_zp = 3, output_zp = -5, clamp_min = -128, clamp_max = 127} : tensor<?xi32> to tensor<?xi8>
  return %y : tensor<?xi8>
}

// -----

// Per channel along the default axis 1; edge values accepted: multiplier 0
// and 2^31 - 1, shifts 0 and 63, a clamp of one value (the default axis is
// elided when printed).
// CHECK-LABEL: func.func @valid_per_channel(
// CHECK: dyad.requant %{{.*}} {clamp_max = 0 : i64, clamp_min = 0 : i64, multiplier = array<i32: 0, 2147483647>, shift = array<i32: 0, 63>} : tensor<4x2xui8> to tensor<4x2xui8>
// CHECK: dyad.requant %{{.*}} {multiplier = array<i32: 1500000000, 1200000000>, shift = array<i32: 31, 40>} : tensor<?x2xi16> to tensor<?x2xi32>
// CHECK: dyad.requant %{{.*}} {axis = -2 : i64, multiplier = array<i32: 1, 2, 3>, shift = array<i32: 1, 2, 3>} : tensor<3x?xi8> to tensor<3x?xi8>
func.func @valid_per_channel(%x: tensor<4x2xui8>, %z: tensor<?x2xi16>, %w: tensor<3x?xi8>) -> (tensor<4x2xui8>, tensor<?x2xi32>, tensor<3x?xi8>) {
  %y = dyad.requant %x {multiplier = array<i32: 0, 2147483647>, shift = array<i32: 0, 63>, axis = 1, clamp_min = 0, clamp_max = 0} : tensor<4x2xui8> to tensor<4x2xui8>
  %v = dyad.requant %z {multiplier = array<i32: 1500000000, 1200000000>, shift = array<i32: 31, 40>} : tensor<?x2xi16> to tensor<?x2xi32>
  %u = dyad.requant %w {multiplier = array<i32: 1, 2, 3>, shift = array<i32: 1, 2, 3>, axis = -2} : tensor<3x?xi8> to tensor<3x?xi8>
  return %y, %v, %u : tensor<4x2xui8>, tensor<?x2xi32>, tensor<3x?xi8>
}

// -----

// A per-tensor multiplier ignores the axis; dynamic and unranked shapes are
// accepted.
// CHECK-LABEL: func.func @valid_shapes(
// CHECK: dyad.requant %{{.*}} {axis = 7 : i64, multiplier = array<i32: 1>, shift = array<i32: 0>} : tensor<2x?xi32> to tensor<?x3xi32>
// CHECK: dyad.requant %{{.*}} {multiplier = array<i32: 1, 2>, shift = array<i32: 1, 2>} : tensor<*xi32> to tensor<*xui8>
func.func @valid_shapes(%x: tensor<2x?xi32>, %z: tensor<*xi32>) -> (tensor<?x3xi32>, tensor<*xui8>) {
  %y = dyad.requant %x {multiplier = array<i32: 1>, shift = array<i32: 0>, axis = 7} : tensor<2x?xi32> to tensor<?x3xi32>
  %v = dyad.requant %z {multiplier = array<i32: 1, 2>, shift = array<i32: 1, 2>} : tensor<*xi32> to tensor<*xui8>
  return %y, %v : tensor<?x3xi32>, tensor<*xui8>
}

// -----

func.func @mismatched_sizes(%x: tensor<4x2xi32>) -> tensor<4x2xi8> {
  // expected-error @+1 {{'dyad.requant' op needs one shift per multiplier (and at least one)}}
  %y = dyad.requant %x {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 30>} : tensor<4x2xi32> to tensor<4x2xi8>
  return %y : tensor<4x2xi8>
}

// -----

func.func @empty(%x: tensor<4xi32>) -> tensor<4xi8> {
  // expected-error @+1 {{'dyad.requant' op needs one shift per multiplier (and at least one)}}
  %y = dyad.requant %x {multiplier = array<i32>, shift = array<i32>} : tensor<4xi32> to tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @negative_multiplier(%x: tensor<4x2xi32>) -> tensor<4x2xi8> {
  // expected-error @+1 {{'dyad.requant' op multiplier -1 is negative}}
  %y = dyad.requant %x {multiplier = array<i32: 1073741824, -1>, shift = array<i32: 30, 30>} : tensor<4x2xi32> to tensor<4x2xi8>
  return %y : tensor<4x2xi8>
}

// -----

func.func @negative_shift(%x: tensor<4xi32>) -> tensor<4xi8> {
  // expected-error @+1 {{'dyad.requant' op shift -1 is outside [0, 63]}}
  %y = dyad.requant %x {multiplier = array<i32: 1073741824>, shift = array<i32: -1>} : tensor<4xi32> to tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @shift_64(%x: tensor<4x2xi32>) -> tensor<4x2xi8> {
  // expected-error @+1 {{'dyad.requant' op shift 64 is outside [0, 63]}}
  %y = dyad.requant %x {multiplier = array<i32: 1, 1>, shift = array<i32: 63, 64>} : tensor<4x2xi32> to tensor<4x2xi8>
  return %y : tensor<4x2xi8>
}

// -----

func.func @per_channel_size(%x: tensor<4x2xi32>) -> tensor<4x2xi8> {
  // expected-error @+1 {{'dyad.requant' op per-channel multiplier dim 0 is 3 but 2 was expected}}
  %y = dyad.requant %x {multiplier = array<i32: 1, 2, 3>, shift = array<i32: 1, 2, 3>} : tensor<4x2xi32> to tensor<4x2xi8>
  return %y : tensor<4x2xi8>
}

// -----

func.func @per_channel_size_axis0(%x: tensor<4x?xi32>) -> tensor<4x?xi8> {
  // expected-error @+1 {{'dyad.requant' op per-channel multiplier dim 0 is 2 but 4 was expected}}
  %y = dyad.requant %x {multiplier = array<i32: 1, 2>, shift = array<i32: 1, 2>, axis = 0} : tensor<4x?xi32> to tensor<4x?xi8>
  return %y : tensor<4x?xi8>
}

// -----

func.func @axis_out_of_range(%x: tensor<4x2xi32>) -> tensor<4x2xi8> {
  // expected-error @+1 {{'dyad.requant' op axis 2 is out of range for rank 2}}
  %y = dyad.requant %x {multiplier = array<i32: 1, 2>, shift = array<i32: 1, 2>, axis = 2} : tensor<4x2xi32> to tensor<4x2xi8>
  return %y : tensor<4x2xi8>
}

// -----

func.func @axis_negative_out_of_range(%x: tensor<4x2xi32>) -> tensor<4x2xi8> {
  // expected-error @+1 {{'dyad.requant' op axis -3 is out of range for rank 2}}
  %y = dyad.requant %x {multiplier = array<i32: 1, 2>, shift = array<i32: 1, 2>, axis = -3} : tensor<4x2xi32> to tensor<4x2xi8>
  return %y : tensor<4x2xi8>
}

// -----

func.func @per_channel_rank0(%x: tensor<i32>) -> tensor<i8> {
  // expected-error @+1 {{'dyad.requant' op axis 1 is out of range for rank 0}}
  %y = dyad.requant %x {multiplier = array<i32: 1, 2>, shift = array<i32: 1, 2>} : tensor<i32> to tensor<i8>
  return %y : tensor<i8>
}

// -----

func.func @clamp_below_type(%x: tensor<4xi32>) -> tensor<4xi8> {
  // expected-error @+1 {{'dyad.requant' op clamp range [-129, 127] is empty or outside the result type 'i8'}}
  %y = dyad.requant %x {multiplier = array<i32: 1>, shift = array<i32: 0>, clamp_min = -129} : tensor<4xi32> to tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @clamp_above_type(%x: tensor<4xi32>) -> tensor<4xui8> {
  // expected-error @+1 {{'dyad.requant' op clamp range [0, 256] is empty or outside the result type 'ui8'}}
  %y = dyad.requant %x {multiplier = array<i32: 1>, shift = array<i32: 0>, clamp_max = 256} : tensor<4xi32> to tensor<4xui8>
  return %y : tensor<4xui8>
}

// -----

func.func @clamp_negative_unsigned(%x: tensor<4xi32>) -> tensor<4xui8> {
  // expected-error @+1 {{'dyad.requant' op clamp range [-1, 255] is empty or outside the result type 'ui8'}}
  %y = dyad.requant %x {multiplier = array<i32: 1>, shift = array<i32: 0>, clamp_min = -1} : tensor<4xi32> to tensor<4xui8>
  return %y : tensor<4xui8>
}

// -----

func.func @clamp_empty(%x: tensor<4xi32>) -> tensor<4xi16> {
  // expected-error @+1 {{'dyad.requant' op clamp range [10, 5] is empty or outside the result type 'i16'}}
  %y = dyad.requant %x {multiplier = array<i32: 1>, shift = array<i32: 0>, clamp_min = 10, clamp_max = 5} : tensor<4xi32> to tensor<4xi16>
  return %y : tensor<4xi16>
}

// -----

func.func @input_too_wide(%x: tensor<4xi128>) -> tensor<4xi8> {
  // expected-error @+1 {{'dyad.requant' op reads integers of at most 64 bits and produces integers of at most 32 bits}}
  %y = dyad.requant %x {multiplier = array<i32: 1>, shift = array<i32: 0>} : tensor<4xi128> to tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @result_too_wide(%x: tensor<4xi32>) -> tensor<4xui64> {
  // expected-error @+1 {{'dyad.requant' op reads integers of at most 64 bits and produces integers of at most 32 bits}}
  %y = dyad.requant %x {multiplier = array<i32: 1>, shift = array<i32: 0>} : tensor<4xi32> to tensor<4xui64>
  return %y : tensor<4xui64>
}

// -----

func.func @rank_mismatch(%x: tensor<4xi32>) -> tensor<4x1xi8> {
  // expected-error @+1 {{'dyad.requant' op input and result ranks differ}}
  %y = dyad.requant %x {multiplier = array<i32: 1>, shift = array<i32: 0>} : tensor<4xi32> to tensor<4x1xi8>
  return %y : tensor<4x1xi8>
}

// -----

func.func @shape_mismatch(%x: tensor<4x?xi32>) -> tensor<5x?xi8> {
  // expected-error @+1 {{'dyad.requant' op input and result shapes differ}}
  %y = dyad.requant %x {multiplier = array<i32: 1>, shift = array<i32: 0>} : tensor<4x?xi32> to tensor<5x?xi8>
  return %y : tensor<5x?xi8>
}

// -----

func.func @float_input(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{'dyad.requant' op operand #0 must be tensor of}}
  %y = dyad.requant %x {multiplier = array<i32: 1>, shift = array<i32: 0>} : tensor<4xf32> to tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @missing_shift(%x: tensor<4xi32>) -> tensor<4xi8> {
  // expected-error @+1 {{'dyad.requant' op requires attribute 'shift'}}
  %y = dyad.requant %x {multiplier = array<i32: 1>} : tensor<4xi32> to tensor<4xi8>
  return %y : tensor<4xi8>
}
