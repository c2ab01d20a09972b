// RUN: dyad-opt %s --dyad-integerize --canonicalize -split-input-file | FileCheck %s

// Layers wider than 8 bits (dyadc --activation-bits/--weight-bits above 8,
// stored in i16): the accumulator is i32 where every true sum fits, i.e.
// R * max_c sum_k |w[c,k]| + |b_q| < 2^31 with R = qmax - qmin of the input,
// and i64 otherwise (docs/numerics.md §2); the bias takes the accumulator's
// type and dyad.requant reads it (in i128 arithmetic for an i64 input).

// 65535 * (100 + 200) + 0 < 2^31: i32.
// CHECK-LABEL: func.func @conv_fits_i32(
// CHECK: dyad.conv {{.*}} : (tensor<1x2x3x3xi16>, tensor<1x2x1x1xi16>, tensor<1xi32>) -> tensor<1x1x3x3xi32>
// CHECK: dyad.requant {{.*}} : tensor<1x1x3x3xi32> to tensor<1x1x3x3xi16>
func.func @conv_fits_i32(%x: tensor<1x2x3x3x!quant.uniform<i16:f32, 0.0009765625:-100>>) -> tensor<1x1x3x3x!quant.uniform<i16:f32, 0.001:0>> {
  %wi = arith.constant dense<[[[[100]], [[-200]]]]> : tensor<1x2x1x1xi16>
  %wq = quant.scast %wi : tensor<1x2x1x1xi16> to tensor<1x2x1x1x!quant.uniform<i16<-32767:32767>:f32, 0.0001>>
  %w = dyad.dequantize %wq : tensor<1x2x1x1x!quant.uniform<i16<-32767:32767>:f32, 0.0001>> to tensor<1x2x1x1xf32>
  %xf = dyad.dequantize %x : tensor<1x2x3x3x!quant.uniform<i16:f32, 0.0009765625:-100>> to tensor<1x2x3x3xf32>
  %c = dyad.conv %xf, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
  %q = dyad.quantize %c : tensor<1x1x3x3xf32> to tensor<1x1x3x3x!quant.uniform<i16:f32, 0.001:0>>
  return %q : tensor<1x1x3x3x!quant.uniform<i16:f32, 0.001:0>>
}

// -----

// 65535 * (30000 + 30000) > 2^31: an i64 accumulator and bias. The bias:
// 0.5 / (2^-10 * 10^-4) = 5120000, minus Z_x * sum(w) = -100 * 0 = 0.
// CHECK-LABEL: func.func @conv_i64(
// CHECK-DAG: arith.constant dense<5120000> : tensor<1xi64>
// CHECK: dyad.conv {{.*}} : (tensor<1x2x3x3xi16>, tensor<1x2x1x1xi16>, tensor<1xi64>) -> tensor<1x1x3x3xi64>
// CHECK: dyad.requant {{.*}} : tensor<1x1x3x3xi64> to tensor<1x1x3x3xi16>
func.func @conv_i64(%x: tensor<1x2x3x3x!quant.uniform<i16:f32, 0.0009765625:-100>>) -> tensor<1x1x3x3x!quant.uniform<i16:f32, 0.001:0>> {
  %wi = arith.constant dense<[[[[30000]], [[-30000]]]]> : tensor<1x2x1x1xi16>
  %wq = quant.scast %wi : tensor<1x2x1x1xi16> to tensor<1x2x1x1x!quant.uniform<i16<-32767:32767>:f32, 0.0001>>
  %w = dyad.dequantize %wq : tensor<1x2x1x1x!quant.uniform<i16<-32767:32767>:f32, 0.0001>> to tensor<1x2x1x1xf32>
  %b = arith.constant dense<[0.5]> : tensor<1xf32>
  %xf = dyad.dequantize %x : tensor<1x2x3x3x!quant.uniform<i16:f32, 0.0009765625:-100>> to tensor<1x2x3x3xf32>
  %c = dyad.conv %xf, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  %q = dyad.quantize %c : tensor<1x1x3x3xf32> to tensor<1x1x3x3x!quant.uniform<i16:f32, 0.001:0>>
  return %q : tensor<1x1x3x3x!quant.uniform<i16:f32, 0.001:0>>
}

// -----

// The same weights on an 8-bit input: 255 * 60000 < 2^31, i32.
// CHECK-LABEL: func.func @conv_i8_input(
// CHECK: dyad.conv {{.*}} -> tensor<1x1x3x3xi32>
func.func @conv_i8_input(%x: tensor<1x2x3x3x!quant.uniform<i8:f32, 0.0009765625:-100>>) -> tensor<1x1x3x3x!quant.uniform<i16:f32, 0.001:0>> {
  %wi = arith.constant dense<[[[[30000]], [[-30000]]]]> : tensor<1x2x1x1xi16>
  %wq = quant.scast %wi : tensor<1x2x1x1xi16> to tensor<1x2x1x1x!quant.uniform<i16<-32767:32767>:f32, 0.0001>>
  %w = dyad.dequantize %wq : tensor<1x2x1x1x!quant.uniform<i16<-32767:32767>:f32, 0.0001>> to tensor<1x2x1x1xf32>
  %xf = dyad.dequantize %x : tensor<1x2x3x3x!quant.uniform<i8:f32, 0.0009765625:-100>> to tensor<1x2x3x3xf32>
  %c = dyad.conv %xf, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
  %q = dyad.quantize %c : tensor<1x1x3x3xf32> to tensor<1x1x3x3x!quant.uniform<i16:f32, 0.001:0>>
  return %q : tensor<1x1x3x3x!quant.uniform<i16:f32, 0.001:0>>
}

// -----

// Two 16-bit activations (attention's MatMul): 65535 * 65535 * 4 > 2^31.
// CHECK-LABEL: func.func @matmul_activations(
// CHECK: dyad.matmul {{.*}} -> tensor<2x3xi64>
// CHECK: dyad.requant {{.*}} : tensor<2x3xi64> to tensor<2x3xi16>
func.func @matmul_activations(%a: tensor<2x4x!quant.uniform<i16:f32, 0.001:5>>, %b: tensor<4x3x!quant.uniform<i16:f32, 0.002:-7>>) -> tensor<2x3x!quant.uniform<i16:f32, 0.01:0>> {
  %af = dyad.dequantize %a : tensor<2x4x!quant.uniform<i16:f32, 0.001:5>> to tensor<2x4xf32>
  %bf = dyad.dequantize %b : tensor<4x3x!quant.uniform<i16:f32, 0.002:-7>> to tensor<4x3xf32>
  %m = dyad.matmul %af, %bf : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %q = dyad.quantize %m : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i16:f32, 0.01:0>>
  return %q : tensor<2x3x!quant.uniform<i16:f32, 0.01:0>>
}

// -----

// A linear Resize of 16-bit integers sums in i64 with 12-bit weights per
// axis (in i32, 16-bit values would leave it 7): the sum is 2^24 times the
// value, the zero point 1 * 2^24.
// CHECK-LABEL: func.func @resize_linear_i16(
// CHECK: %[[R:.*]] = dyad.resize %{{.*}}weight_fraction_bits = 12 : i64} : (tensor<1x2x2x2xi16>) -> tensor<1x2x4x4xi64>
// CHECK: dyad.requant %[[R]] {{.*}}input_zp = 16777216 : i64{{.*}} : tensor<1x2x4x4xi64> to tensor<1x2x4x4xi16>
func.func @resize_linear_i16(%a: tensor<1x2x2x2x!quant.uniform<i16:f32, 0.5:1>>) -> tensor<1x2x4x4x!quant.uniform<i16:f32, 0.5:1>> {
  %af = dyad.dequantize %a : tensor<1x2x2x2x!quant.uniform<i16:f32, 0.5:1>> to tensor<1x2x2x2xf32>
  %r = dyad.resize %af {mode = #dyad.resize_mode<linear>, sizes = array<i64: 1, 2, 4, 4>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  %q = dyad.quantize %r : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i16:f32, 0.5:1>>
  return %q : tensor<1x2x4x4x!quant.uniform<i16:f32, 0.5:1>>
}
