// Forms the elementwise lowerings do not handle are left alone (and the
// conversion reports them) rather than lowered wrongly.
// RUN: not dyad-opt %s --dyad-to-linalg 2>&1 | FileCheck %s

// Floats other than f16 / bf16 / f32 / f64.
// CHECK: error: failed to legalize operation 'dyad.sigmoid'
func.func @sigmoid_f8(%x: tensor<4xf8E4M3FN>) -> tensor<4xf8E4M3FN> {
  %0 = dyad.sigmoid %x : tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// CHECK: error: failed to legalize operation 'dyad.reduce_sum'
func.func @reduce_f8(%x: tensor<4xf8E5M2>) -> tensor<1xf8E5M2> {
  %0 = dyad.reduce_sum %x {axes = array<i64: 0>} : (tensor<4xf8E5M2>) -> tensor<1xf8E5M2>
  return %0 : tensor<1xf8E5M2>
}

// Casts to or from quantized types are dyad.quantize / dyad.dequantize.
// CHECK: error: failed to legalize operation 'dyad.cast'
func.func @cast_quant(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  %0 = dyad.cast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// Unranked tensors.
// CHECK: error: failed to legalize operation 'dyad.softmax'
func.func @softmax_unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  %0 = dyad.softmax %x : tensor<*xf32>
  return %0 : tensor<*xf32>
}

// CHECK: error: failed to legalize operation 'dyad.layer_normalization'
func.func @layer_norm_unranked(%x: tensor<*xf32>, %s: tensor<4xf32>) -> tensor<*xf32> {
  %0 = dyad.layer_normalization %x, %s {resultSegmentSizes = array<i32: 1, 0, 0>} : (tensor<*xf32>, tensor<4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// A clip bound of unknown rank.
// CHECK: error: failed to legalize operation 'dyad.clip'
func.func @clip_unranked_bound(%x: tensor<4xf32>, %lo: tensor<*xf32>) -> tensor<4xf32> {
  %0 = dyad.clip %x min(%lo) : (tensor<4xf32>, tensor<*xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
