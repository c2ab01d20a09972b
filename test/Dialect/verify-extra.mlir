// RUN: dyad-opt %s -split-input-file -verify-diagnostics

func.func @zp_scale_length(%x: tensor<4x2xf32>, %s: tensor<4xf32>, %z: tensor<3xui8>) -> tensor<4x2xui8> {
  // expected-error @+1 {{zero point and scale need one shape}}
  %0 = dyad.quantize_linear %x, %s, %z {axis = 0 : i64} : (tensor<4x2xf32>, tensor<4xf32>, tensor<3xui8>) -> tensor<4x2xui8>
  return %0 : tensor<4x2xui8>
}

// -----

func.func @quantize_linear_shape(%x: tensor<2x4xf32>, %s: tensor<f32>) -> tensor<3x3xui8> {
  // expected-error @+1 {{result dim 0 is 3 but 2 was expected}}
  %0 = dyad.quantize_linear %x, %s : (tensor<2x4xf32>, tensor<f32>) -> tensor<3x3xui8>
  return %0 : tensor<3x3xui8>
}

// -----

func.func @dequantize_linear_shape(%x: tensor<2x4xui8>, %s: tensor<f32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{result dim 1 is 5 but 4 was expected}}
  %0 = dyad.dequantize_linear %x, %s : (tensor<2x4xui8>, tensor<f32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @dynamic_quantize_shape(%x: tensor<4xf32>) -> tensor<5xui8> {
  // expected-error @+1 {{result dim 0 is 5 but 4 was expected}}
  %0:3 = dyad.dynamic_quantize_linear %x : (tensor<4xf32>) -> (tensor<5xui8>, tensor<f32>, tensor<ui8>)
  return %0#0 : tensor<5xui8>
}

// -----

func.func @expand_shape(%x: tensor<3x1xf32>) -> tensor<2x7xf32> {
  %s = arith.constant dense<[3, 4]> : tensor<2xi64>
  // expected-error @+1 {{result dim 0 is 2 but 3 was expected}}
  %0 = dyad.expand %x, %s : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

func.func @expand_not_broadcastable(%x: tensor<3x2xf32>) -> tensor<3x4xf32> {
  %s = arith.constant dense<[3, 4]> : tensor<2xi64>
  // expected-error @+1 {{input is not broadcastable to the requested shape}}
  %0 = dyad.expand %x, %s : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
