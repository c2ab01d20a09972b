// Verifier errors of the elementwise ops of exported models.
// RUN: dyad-opt %s --split-input-file --verify-diagnostics

func.func @max_no_inputs() -> tensor<3xf32> {
  // expected-error @+1 {{'dyad.max' op failed to verify that has at least one input}}
  %0 = dyad.max : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @compare_mixed(%a: tensor<3xf32>, %b: tensor<3xi32>) -> tensor<3xi1> {
  // expected-error @+1 {{'dyad.greater' op failed to verify that all of {A, B} have same element type}}
  %0 = dyad.greater %a, %b : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @compare_not_bool(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'dyad.less' op result #0 must be tensor of 1-bit signless integer values}}
  %0 = dyad.less %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @prelu_bad_broadcast(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{'dyad.prelu' op operands don't have broadcast-compatible shapes}}
  %0 = dyad.prelu %x, %s : (tensor<2x3x4xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @and_not_bool(%a: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{'dyad.and' op operand #0 must be tensor of 1-bit signless integer values}}
  %0 = dyad.and %a, %a : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  return %0 : tensor<3xi8>
}
