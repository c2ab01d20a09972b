// RUN: dyad-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// RUN: dyad-opt %s -split-input-file -verify-diagnostics --mlir-print-op-generic | dyad-opt -split-input-file | FileCheck %s

// Verifier errors of the integer-only nonlinear kernels (dyad.lookup,
// dyad.int_softmax, dyad.int_layer_norm), and valid forms that round-trip.

// CHECK-LABEL: func.func @valid(
// CHECK: dyad.lookup %{{.*}} {offset = -128 : i64, table = array<i32: 0, 1, 255>} : tensor<?x8xi8> to tensor<?x8xui8>
// CHECK: dyad.int_softmax %{{.*}} {clamp_max = 100 : i64, exp_table = array<i32: 1073741824, 5>, numerator = 1024 : i64, output_zp = -128 : i64, shift = 3 : i64} : tensor<?x8xi8> to tensor<?x8xi8>
// CHECK: dyad.int_layer_norm %{{.*}} {axis = 1 : i64, bias = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>, epsilon = 16 : i64, frac_bits = 16 : i64, input_zp = 3 : i64, out_shift = 40 : i64, scale = array<i64: 1, 2, 3, 4, 5, 6, 7, 8>, sqrt_shift = 10 : i64} : tensor<?x8xi8> to tensor<?x8xi8>
func.func @valid(%x: tensor<?x8xi8>) -> (tensor<?x8xui8>, tensor<?x8xi8>, tensor<?x8xi8>) {
  %a = dyad.lookup %x {table = array<i32: 0, 1, 255>, offset = -128} : tensor<?x8xi8> to tensor<?x8xui8>
  %b = dyad.int_softmax %x {exp_table = array<i32: 1073741824, 5>, numerator = 1024, shift = 3, output_zp = -128, clamp_max = 100} : tensor<?x8xi8> to tensor<?x8xi8>
  %c = dyad.int_layer_norm %x {axis = 1, input_zp = 3, epsilon = 16, sqrt_shift = 10, frac_bits = 16, scale = array<i64: 1, 2, 3, 4, 5, 6, 7, 8>, bias = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>, out_shift = 40} : tensor<?x8xi8> to tensor<?x8xi8>
  return %a, %b, %c : tensor<?x8xui8>, tensor<?x8xi8>, tensor<?x8xi8>
}

// -----

func.func @lookup_value_too_wide(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{table value 200 does not fit 'i8'}}
  %y = dyad.lookup %x {table = array<i32: 0, 200>, offset = 0} : tensor<4xi8> to tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @lookup_empty(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{needs 1 to 65536 table entries, not 0}}
  %y = dyad.lookup %x {table = array<i32>, offset = 0} : tensor<4xi8> to tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @lookup_wide_input(%x: tensor<4xi32>) -> tensor<4xi8> {
  // expected-error @+1 {{looks up integers of at most 16 bits}}
  %y = dyad.lookup %x {table = array<i32: 0>, offset = 0} : tensor<4xi32> to tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @lookup_shape(%x: tensor<4xi8>) -> tensor<5xi8> {
  // expected-error @+1 {{input and result shapes differ}}
  %y = dyad.lookup %x {table = array<i32: 0>, offset = 0} : tensor<4xi8> to tensor<5xi8>
  return %y : tensor<5xi8>
}

// -----

func.func @softmax_table_start(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{exp_table[0] must be 2^30 (exp(0))}}
  %y = dyad.int_softmax %x {exp_table = array<i32: 1000>, numerator = 1, shift = 1} : tensor<4xi8> to tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @softmax_shift(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{shift 63 is outside [1, 62]}}
  %y = dyad.int_softmax %x {exp_table = array<i32: 1073741824>, numerator = 1, shift = 63} : tensor<4xi8> to tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @softmax_axis(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{axis 1 is out of range}}
  %y = dyad.int_softmax %x {axis = 1, exp_table = array<i32: 1073741824>, numerator = 1, shift = 1} : tensor<4xi8> to tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @layer_norm_count(%x: tensor<2x8xi8>) -> tensor<2x8xi8> {
  // expected-error @+1 {{has 2 scales for 8 normalized elements}}
  %y = dyad.int_layer_norm %x {epsilon = 0, sqrt_shift = 1, frac_bits = 1, scale = array<i64: 1, 2>, bias = array<i64: 0, 0>, out_shift = 2} : tensor<2x8xi8> to tensor<2x8xi8>
  return %y : tensor<2x8xi8>
}

// -----

func.func @layer_norm_dynamic(%x: tensor<2x?xi8>) -> tensor<2x?xi8> {
  // expected-error @+1 {{the normalized dims must be static}}
  %y = dyad.int_layer_norm %x {epsilon = 0, sqrt_shift = 1, frac_bits = 1, scale = array<i64: 1>, bias = array<i64: 0>, out_shift = 2} : tensor<2x?xi8> to tensor<2x?xi8>
  return %y : tensor<2x?xi8>
}

// -----

func.func @layer_norm_bits(%x: tensor<2x1xi8>) -> tensor<2x1xi8> {
  // expected-error @+1 {{frac_bits 40 is outside [0, 62 - sqrt_shift]}}
  %y = dyad.int_layer_norm %x {epsilon = 0, sqrt_shift = 30, frac_bits = 40, scale = array<i64: 1>, bias = array<i64: 0>, out_shift = 2} : tensor<2x1xi8> to tensor<2x1xi8>
  return %y : tensor<2x1xi8>
}

// -----

func.func @softmax_clamp(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{clamp range [5, 200] is empty or outside the result type 'i8'}}
  %y = dyad.int_softmax %x {exp_table = array<i32: 1073741824>, numerator = 1, shift = 1, clamp_min = 5, clamp_max = 200} : tensor<4xi8> to tensor<4xi8>
  return %y : tensor<4xi8>
}
