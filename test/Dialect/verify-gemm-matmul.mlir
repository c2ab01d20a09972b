// RUN: dyad-opt %s -split-input-file -verify-diagnostics

// Verifier errors of dyad.gemm and dyad.matmul.

func.func @gemm_float_mixed(%a: tensor<2x4xf32>, %b: tensor<4x3xf16>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.gemm' op float form needs one float element type for operands and result}}
  %0 = dyad.gemm %a, %b : (tensor<2x4xf32>, tensor<4x3xf16>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gemm_c_type(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>, %c: tensor<3xf16>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.gemm' op C must have the result's element type}}
  %0 = dyad.gemm %a, %b, %c : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf16>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gemm_int_c_type(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>, %c: tensor<3xi8>) -> tensor<2x3xi32> {
  // expected-error @+1 {{'dyad.gemm' op C must have the result's element type}}
  %0 = dyad.gemm %a, %b, %c : (tensor<2x4xi8>, tensor<4x3xi8>, tensor<3xi8>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @gemm_int_result(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>) -> tensor<2x3xi8> {
  // expected-error @+1 {{'dyad.gemm' op integer form must produce i32 or i64}}
  %0 = dyad.gemm %a, %b : (tensor<2x4xi8>, tensor<4x3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

func.func @gemm_rank(%a: tensor<2x2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.gemm' op A and B must be 2-D}}
  %0 = dyad.gemm %a, %b : (tensor<2x2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gemm_c_rank(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>, %c: tensor<1x2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.gemm' op C must be unidirectionally broadcastable to (M, N)}}
  %0 = dyad.gemm %a, %b, %c : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<1x2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gemm_inner(%a: tensor<2x4xf32>, %b: tensor<3x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.gemm' op inner dimensions differ: 4 vs 3}}
  %0 = dyad.gemm %a, %b : (tensor<2x4xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gemm_inner_trans(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x4xf32> {
  // With transB, B is N x K: K = 3.
  // expected-error @+1 {{'dyad.gemm' op inner dimensions differ: 4 vs 3}}
  %0 = dyad.gemm %a, %b {transB = true} : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @gemm_c_broadcast(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>, %c: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.gemm' op C is not broadcastable to (M, N)}}
  %0 = dyad.gemm %a, %b, %c : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gemm_result(%a: tensor<4x2xf32>, %b: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // transA: M = 2.
  // expected-error @+1 {{'dyad.gemm' op result dim 0 is 4 but 2 was expected}}
  %0 = dyad.gemm %a, %b {transA = true} : (tensor<4x2xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @matmul_float_mixed(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf16> {
  // expected-error @+1 {{'dyad.matmul' op float form needs one float element type for operands and result}}
  %0 = dyad.matmul %a, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// -----

func.func @matmul_float_int(%a: tensor<2x4xf32>, %b: tensor<4x3xi8>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.matmul' op float form needs one float element type for operands and result}}
  %0 = dyad.matmul %a, %b : (tensor<2x4xf32>, tensor<4x3xi8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @matmul_float_zp(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>, %z: tensor<i8>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.matmul' op zero points are only allowed in the integer form}}
  %0 = dyad.matmul %a, %b b_zero_point(%z) : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<i8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @matmul_int_width(%a: tensor<2x4xi64>, %b: tensor<4x3xi64>) -> tensor<2x3xi32> {
  // expected-error @+1 {{'dyad.matmul' op integer form needs 8- or 16-bit integer operands}}
  %0 = dyad.matmul %a, %b : (tensor<2x4xi64>, tensor<4x3xi64>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @matmul_int_result(%a: tensor<2x4xui8>, %b: tensor<4x3xi8>) -> tensor<2x3xi16> {
  // expected-error @+1 {{'dyad.matmul' op integer form must produce i32 or i64}}
  %0 = dyad.matmul %a, %b : (tensor<2x4xui8>, tensor<4x3xi8>) -> tensor<2x3xi16>
  return %0 : tensor<2x3xi16>
}

// -----

func.func @matmul_zp_type(%a: tensor<2x4xui8>, %b: tensor<4x3xi8>, %z: tensor<3xui8>) -> tensor<2x3xi32> {
  // expected-error @+1 {{'dyad.matmul' op zero point type must match its operand}}
  %0 = dyad.matmul %a, %b b_zero_point(%z) : (tensor<2x4xui8>, tensor<4x3xi8>, tensor<3xui8>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @matmul_zp_rank(%a: tensor<2x4xui8>, %b: tensor<4x3xi8>, %z: tensor<1x1xui8>) -> tensor<2x3xi32> {
  // expected-error @+1 {{'dyad.matmul' op zero point must be a scalar or 1-D}}
  %0 = dyad.matmul %a, %b a_zero_point(%z) : (tensor<2x4xui8>, tensor<4x3xi8>, tensor<1x1xui8>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'dyad.matmul' op operands must have rank >= 1}}
  %0 = dyad.matmul %a, %b : (tensor<f32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @matmul_inner(%a: tensor<2x4xf32>, %b: tensor<5x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.matmul' op inner dimensions differ: 4 vs 5}}
  %0 = dyad.matmul %a, %b : (tensor<2x4xf32>, tensor<5x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @matmul_inner_1d(%a: tensor<2x4xf32>, %b: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'dyad.matmul' op inner dimensions differ: 4 vs 3}}
  %0 = dyad.matmul %a, %b : (tensor<2x4xf32>, tensor<3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x3x6xf32> {
  // expected-error @+1 {{'dyad.matmul' op batch dimensions are not broadcastable}}
  %0 = dyad.matmul %a, %b : (tensor<2x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x3x6xf32>
  return %0 : tensor<2x3x6xf32>
}

// -----

func.func @matmul_result_batch(%a: tensor<?x1x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<?x1x3x6xf32> {
  // The batch dims broadcast to ? x 5.
  // expected-error @+1 {{'dyad.matmul' op result dim 1 is 1 but 5 was expected}}
  %0 = dyad.matmul %a, %b : (tensor<?x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<?x1x3x6xf32>
  return %0 : tensor<?x1x3x6xf32>
}

// -----

func.func @matmul_result_1d(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<1xf32> {
  // Two 1-D operands give a scalar.
  // expected-error @+1 {{'dyad.matmul' op result rank 1 but 0 was expected}}
  %0 = dyad.matmul %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}
