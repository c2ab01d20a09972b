// Forms the quantization lowerings do not handle are left alone (and the
// conversion reports them) rather than lowered wrongly.
// RUN: not dyad-opt %s --dyad-to-linalg 2>&1 | FileCheck %s

// A 1-D scale of unknown length: per tensor or per axis?
// CHECK: error: failed to legalize operation 'dyad.quantize_linear'
func.func @quantize_linear_unknown_scale(%x: tensor<2x3xf32>, %s: tensor<?xf32>) -> tensor<2x3xi8> {
  %0 = dyad.quantize_linear %x, %s : (tensor<2x3xf32>, tensor<?xf32>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// CHECK: error: failed to legalize operation 'dyad.dequantize_linear'
func.func @dequantize_linear_unknown_scale(%x: tensor<2x3xi8>, %s: tensor<?xf32>) -> tensor<2x3xf32> {
  %0 = dyad.dequantize_linear %x, %s {axis = 0 : i64} : (tensor<2x3xi8>, tensor<?xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// Unranked tensors.
// CHECK: error: failed to legalize operation 'dyad.dynamic_quantize_linear'
func.func @dynamic_quantize_unranked(%x: tensor<*xf32>) -> (tensor<*xui8>, tensor<f32>, tensor<ui8>) {
  %y, %s, %z = dyad.dynamic_quantize_linear %x : (tensor<*xf32>) -> (tensor<*xui8>, tensor<f32>, tensor<ui8>)
  return %y, %s, %z : tensor<*xui8>, tensor<f32>, tensor<ui8>
}

// 64-bit storage: the saturation bounds do not fit the arithmetic.
// CHECK: error: failed to legalize operation 'dyad.quantize_linear'
func.func @quantize_linear_i64(%x: tensor<2xf32>, %s: tensor<f32>) -> tensor<2xi64> {
  %0 = dyad.quantize_linear %x, %s : (tensor<2xf32>, tensor<f32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}
