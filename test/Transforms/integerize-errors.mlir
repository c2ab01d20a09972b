// RUN: dyad-opt %s --dyad-integerize -split-input-file -verify-diagnostics

// Errors of dyad-integerize: chains that have an integer form whose
// constants do not fit.

// M = 1.0 / 2^-32 = 2^32 needs c < 0.
func.func @multiplier_too_large(%arg0: tensor<4x!quant.uniform<i8:f32, 1.0:0>>) -> tensor<4x!quant.uniform<i8:f32, 2.3283064365386963e-10:0>> {
  %0 = dyad.dequantize %arg0 : tensor<4x!quant.uniform<i8:f32, 1.0:0>> to tensor<4xf32>
  // expected-error @+1 {{requantization multiplier 4.294967e+09 has no dyadic form b/2^c with c >= 0 (scales too far apart)}}
  %1 = dyad.quantize %0 : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 2.3283064365386963e-10:0>>
  return %1 : tensor<4x!quant.uniform<i8:f32, 2.3283064365386963e-10:0>>
}

// -----

// A bias of 4000 at S_x * S_w = 2^-20 is 4000 * 2^20 = 4194304000 > 2^31 - 1.
// The weight scale of a QDQ model is given, so the error names the channel
// and the values (dyad-quantize raises such a scale when it quantizes a float
// model: quantize-weight-edges.mlir).
func.func @conv_bias_too_large(%x: tensor<1x1x2x2x!quant.uniform<i8:f32, 0.0009765625:0>>) -> tensor<1x1x2x2x!quant.uniform<i8:f32, 10.0:0>> {
  %wi = arith.constant dense<1> : tensor<1x1x1x1xi8>
  %wq = quant.scast %wi : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 0.0009765625>>
  %w = dyad.dequantize %wq : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.0009765625>> to tensor<1x1x1x1xf32>
  %b = arith.constant dense<4000.0> : tensor<1xf32>
  %xf = dyad.dequantize %x : tensor<1x1x2x2x!quant.uniform<i8:f32, 0.0009765625:0>> to tensor<1x1x2x2xf32>
  // expected-error @+1 {{the quantized bias of output channel 0 does not fit in i32: bias 4000 at scale S_in * S_w = 0.0009765625 * 0.0009765625 is 4194304000, beyond +-2147483647: the model's weight scale for this channel is too small for its bias}}
  %c = dyad.conv %xf, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %q = dyad.quantize %c : tensor<1x1x2x2xf32> to tensor<1x1x2x2x!quant.uniform<i8:f32, 10.0:0>>
  return %q : tensor<1x1x2x2x!quant.uniform<i8:f32, 10.0:0>>
}

// -----

// The same for a Gemm bias (column 1; alpha = 2 doubles the accumulator's
// scale: 4000 / (2 * 2^-20) = 2097152000 would fit, so beta = 2.5 makes the
// real bias 10000, 10000 * 2^19 = 5242880000).
func.func @gemm_bias_too_large(%a: tensor<2x3x!quant.uniform<i8:f32, 0.0009765625:0>>) -> tensor<2x2x!quant.uniform<i8:f32, 10.0:0>> {
  %wi = arith.constant dense<1> : tensor<3x2xi8>
  %wq = quant.scast %wi : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32, 0.0009765625>>
  %w = dyad.dequantize %wq : tensor<3x2x!quant.uniform<i8:f32, 0.0009765625>> to tensor<3x2xf32>
  %c = arith.constant dense<[1.0, 4000.0]> : tensor<2xf32>
  %af = dyad.dequantize %a : tensor<2x3x!quant.uniform<i8:f32, 0.0009765625:0>> to tensor<2x3xf32>
  // expected-error @+1 {{the quantized bias of output column 1 does not fit in i32: bias 10000 at scale alpha * S_in * S_w = 2 * 0.0009765625 * 0.0009765625 is 5242880000, beyond +-2147483647: the model's weight scale for this channel is too small for its bias}}
  %g = dyad.gemm %af, %w, %c {alpha = 2.0 : f32, beta = 2.5 : f32} : (tensor<2x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %q = dyad.quantize %g : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i8:f32, 10.0:0>>
  return %q : tensor<2x2x!quant.uniform<i8:f32, 10.0:0>>
}

// -----

// With an input zero point the accumulator's bias is round(B / (S_x * S_w))
// - Z_x * sum(w_q): the bias (2147483000 as f32: 2147483008) fits, but with
// Z_x = -100 and sum(w_q) = 9 * 127 it is 2147483008 + 114300 = 2147597308.
func.func @conv_bias_zero_point(%x: tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0:-100>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 10.0:0>> {
  %wi = arith.constant dense<127> : tensor<1x1x3x3xi8>
  %wq = quant.scast %wi : tensor<1x1x3x3xi8> to tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0>>
  %w = dyad.dequantize %wq : tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0>> to tensor<1x1x3x3xf32>
  %b = arith.constant dense<2147483000.0> : tensor<1xf32>
  %xf = dyad.dequantize %x : tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0:-100>> to tensor<1x1x3x3xf32>
  // expected-error @+1 {{the quantized bias of output channel 0 does not fit in i32: bias 2147483008 at scale S_in * S_w = 1 * 1 is 2147483008 (2147597308 with the input zero point's term), beyond +-2147483647}}
  %c = dyad.conv %xf, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %q = dyad.quantize %c : tensor<1x1x1x1xf32> to tensor<1x1x1x1x!quant.uniform<i8:f32, 10.0:0>>
  return %q : tensor<1x1x1x1x!quant.uniform<i8:f32, 10.0:0>>
}
