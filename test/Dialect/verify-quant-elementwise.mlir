// RUN: dyad-opt %s -split-input-file -verify-diagnostics

// Verifier errors of the quantization ops and of the elementwise ops with
// verifiers (clip, gelu, pow, where) or type traits.

func.func @quantize_expressed(%x: tensor<4xf16>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'dyad.quantize' op float type 'f16' does not match the expressed type 'f32'}}
  %0 = dyad.quantize %x : tensor<4xf16> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @quantize_axis_count(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> {
  // expected-error @+1 {{'dyad.quantize' op per-axis type has 3 scales for a dim of size 4}}
  %0 = dyad.quantize %x : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
}

// -----

func.func @quantize_axis_range(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:2, {0.5, 0.25}>> {
  // expected-error @+1 {{'dyad.quantize' op quantized dimension 2 is out of range for rank 2}}
  %0 = dyad.quantize %x : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32:2, {0.5, 0.25}>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32:2, {0.5, 0.25}>>
}

// -----

func.func @quantize_not_quant(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{'dyad.quantize' op result #0 must be tensor of quantized type values, but got 'tensor<4xi8>'}}
  %0 = dyad.quantize %x : tensor<4xf32> to tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @quantize_shape(%x: tensor<4xf32>) -> tensor<5x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'dyad.quantize' op requires the same shape for all operands and results}}
  %0 = dyad.quantize %x : tensor<4xf32> to tensor<5x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<5x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @dequantize_expressed(%q: tensor<4x!quant.uniform<u8:f32, 0.5:128>>) -> tensor<4xf16> {
  // expected-error @+1 {{'dyad.dequantize' op float type 'f16' does not match the expressed type 'f32'}}
  %0 = dyad.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.5:128>> to tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @dequantize_axis_count(%q: tensor<3x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'dyad.dequantize' op per-axis type has 2 scales for a dim of size 3}}
  %0 = dyad.dequantize %q : tensor<3x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>> to tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @ql_zp_type(%x: tensor<2x4xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<2x4xi8> {
  // expected-error @+1 {{'dyad.quantize_linear' op zero point type must be the result type}}
  %0 = dyad.quantize_linear %x, %s, %z : (tensor<2x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

func.func @ql_scale_rank(%x: tensor<2x4xf32>, %s: tensor<2x4xf32>) -> tensor<2x4xui8> {
  // expected-error @+1 {{'dyad.quantize_linear' op scale must be a scalar or 1-D}}
  %0 = dyad.quantize_linear %x, %s : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xui8>
  return %0 : tensor<2x4xui8>
}

// -----

func.func @ql_zp_shape(%x: tensor<2x4xf32>, %s: tensor<4xf32>, %z: tensor<i8>) -> tensor<2x4xi8> {
  // expected-error @+1 {{'dyad.quantize_linear' op zero point and scale need one shape}}
  %0 = dyad.quantize_linear %x, %s, %z : (tensor<2x4xf32>, tensor<4xf32>, tensor<i8>) -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

func.func @ql_axis(%x: tensor<2x4xf32>, %s: tensor<4xf32>) -> tensor<2x4xui8> {
  // expected-error @+1 {{'dyad.quantize_linear' op axis 2 is out of range for rank 2}}
  %0 = dyad.quantize_linear %x, %s {axis = 2 : i64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xui8>
  return %0 : tensor<2x4xui8>
}

// -----

func.func @ql_axis_size(%x: tensor<2x4xf32>, %s: tensor<3xf32>) -> tensor<2x4xui8> {
  // expected-error @+1 {{'dyad.quantize_linear' op per-axis scale dim 0 is 3 but 4 was expected}}
  %0 = dyad.quantize_linear %x, %s : (tensor<2x4xf32>, tensor<3xf32>) -> tensor<2x4xui8>
  return %0 : tensor<2x4xui8>
}

// -----

func.func @dql_zp_type(%x: tensor<2x4xi8>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'dyad.dequantize_linear' op zero point type must be the input type}}
  %0 = dyad.dequantize_linear %x, %s, %z : (tensor<2x4xi8>, tensor<f32>, tensor<ui8>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @dql_axis_size(%x: tensor<2x4xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // axis 0 has 2 entries.
  // expected-error @+1 {{'dyad.dequantize_linear' op per-axis scale dim 0 is 4 but 2 was expected}}
  %0 = dyad.dequantize_linear %x, %s {axis = 0 : i64} : (tensor<2x4xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @dql_scale_rank(%x: tensor<2x4xi8>, %s: tensor<1x1xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'dyad.dequantize_linear' op scale must be a scalar or 1-D}}
  %0 = dyad.dequantize_linear %x, %s : (tensor<2x4xi8>, tensor<1x1xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @dynq_scalars(%x: tensor<4xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'dyad.dynamic_quantize_linear' op scale and zero point are scalars}}
  %y, %s, %z = dyad.dynamic_quantize_linear %x : (tensor<4xf32>) -> (tensor<4xui8>, tensor<1xf32>, tensor<ui8>)
  return %s : tensor<1xf32>
}

// -----

func.func @dynq_types(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{'dyad.dynamic_quantize_linear' op result #0 must be tensor of 8-bit unsigned integer values}}
  %y, %s, %z = dyad.dynamic_quantize_linear %x : (tensor<4xf32>) -> (tensor<4xi8>, tensor<f32>, tensor<ui8>)
  return %y : tensor<4xi8>
}

// -----

func.func @clip_element(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{'dyad.clip' op result element type must match X}}
  %0 = dyad.clip %x : (tensor<4xf32>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @clip_shape(%x: tensor<4xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'dyad.clip' op result dim 0 is 5 but 4 was expected}}
  %0 = dyad.clip %x : (tensor<4xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @clip_bound_type(%x: tensor<4xf32>, %lo: tensor<f16>) -> tensor<4xf32> {
  // expected-error @+1 {{'dyad.clip' op min and max must have X's element type}}
  %0 = dyad.clip %x min(%lo) : (tensor<4xf32>, tensor<f16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @clip_bound_rank(%x: tensor<4xf32>, %hi: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dyad.clip' op min and max must be scalars}}
  %0 = dyad.clip %x max(%hi) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @gelu_approximate(%x: tensor<4xf32>) -> tensor<4xf32> {
  // approximate is an enum attribute: the parser rejects other values.
  // expected-error @+2 {{expected one of [none, tanh] for ONNX Gelu approximate, got: fast}}
  // expected-error @+1 {{failed to parse Dyad_GeluApproximationAttr parameter 'value'}}
  %0 = dyad.gelu %x {approximate = #dyad.gelu_approximation<fast>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @pow_element(%x: tensor<4xf32>, %y: tensor<i32>) -> tensor<4xi32> {
  // expected-error @+1 {{'dyad.pow' op result element type must match the base X}}
  %0 = dyad.pow %x, %y : (tensor<4xf32>, tensor<i32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @pow_broadcast(%x: tensor<4xf32>, %y: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dyad.pow' op operands don't have broadcast-compatible shapes}}
  %0 = dyad.pow %x, %y : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @where_element(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<4xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dyad.where' op X, Y and the result must have one element type}}
  %0 = dyad.where %c, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<4xi32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @where_result_element(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{'dyad.where' op X, Y and the result must have one element type}}
  %0 = dyad.where %c, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @where_condition(%c: tensor<4xi8>, %x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dyad.where' op operand #0 must be tensor of 1-bit signless integer values}}
  %0 = dyad.where %c, %x, %y : (tensor<4xi8>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @add_element(%a: tensor<4xf32>, %b: tensor<4xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dyad.add' op requires the same element type for all operands and results}}
  %0 = dyad.add %a, %b : (tensor<4xf32>, tensor<4xi32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @mul_broadcast(%a: tensor<2x3xf32>, %b: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.mul' op operands don't have broadcast-compatible shapes}}
  %0 = dyad.mul %a, %b : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @sub_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{'dyad.sub' op result type '3x3' not broadcast compatible with broadcasted operands's shapes '2x3'}}
  %0 = dyad.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @sqrt_int(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'dyad.sqrt' op operand #0 must be tensor of floating-point values}}
  %0 = dyad.sqrt %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @cast_shape(%x: tensor<4xf32>) -> tensor<5xi32> {
  // expected-error @+1 {{'dyad.cast' op requires the same shape for all operands and results}}
  %0 = dyad.cast %x : tensor<4xf32> to tensor<5xi32>
  return %0 : tensor<5xi32>
}
