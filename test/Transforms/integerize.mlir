// RUN: dyad-opt %s --dyad-integerize --canonicalize -split-input-file | FileCheck %s

// dyad-integerize on hand-written QDQ chains, one per chain kind, with the
// constants it must compute. Dyadic multipliers b / 2^c follow
// dialects/Dyad/Dyadic.h: frexp(M) = m * 2^e, b = round_half_up(m * 2^31),
// c = 31 - e. For example M = 1.25 -> (1342177280, 30), M = 0.625 ->
// (1342177280, 31), M = 2^-8 -> (1073741824, 38), M = 5/3 -> (1789569707, 30).

// dequantize -> quantize is a change of scale: M = 0.5 / 0.3 = 5/3, the input
// zero point and the output zero point ride on the requant.
// CHECK-LABEL: func.func @rescale(
// CHECK-NEXT:    %[[X:.*]] = quant.scast %arg0 : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:3>> to tensor<4xi8>
// CHECK-NEXT:    %[[R:.*]] = dyad.requant %[[X]] {clamp_max = 127 : i64, clamp_min = -128 : i64, input_zp = 3 : i64, multiplier = array<i32: 1789569707>, output_zp = -7 : i64, shift = array<i32: 30>} : tensor<4xi8> to tensor<4xi8>
// CHECK-NEXT:    %[[Q:.*]] = quant.scast %[[R]] : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 3.000000e-01:-7>>
// CHECK-NEXT:    return %[[Q]]
func.func @rescale(%arg0: tensor<4x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.3:-7>> {
  %0 = dyad.dequantize %arg0 : tensor<4x!quant.uniform<i8:f32, 0.5:3>> to tensor<4xf32>
  %1 = dyad.quantize %0 : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.3:-7>>
  return %1 : tensor<4x!quant.uniform<i8:f32, 0.3:-7>>
}

// -----

// Unsigned storage: the requant produces ui8 (clamped to [0, 255]), bitcast
// to the signless storage type. M = 0.5 / 0.75 = 2/3.
// CHECK-LABEL: func.func @rescale_u8(
// CHECK:         %[[R:.*]] = dyad.requant %{{.*}} {clamp_max = 255 : i64, clamp_min = 0 : i64, input_zp = 3 : i64, multiplier = array<i32: 1431655765>, output_zp = 128 : i64, shift = array<i32: 31>} : tensor<4xi8> to tensor<4xui8>
// CHECK-NEXT:    %[[B:.*]] = tensor.bitcast %[[R]] : tensor<4xui8> to tensor<4xi8>
// CHECK-NEXT:    quant.scast %[[B]] : tensor<4xi8> to tensor<4x!quant.uniform<u8:f32, 7.500000e-01:128>>
func.func @rescale_u8(%arg0: tensor<4x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<4x!quant.uniform<u8:f32, 0.75:128>> {
  %0 = dyad.dequantize %arg0 : tensor<4x!quant.uniform<i8:f32, 0.5:3>> to tensor<4xf32>
  %1 = dyad.quantize %0 : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.75:128>>
  return %1 : tensor<4x!quant.uniform<u8:f32, 0.75:128>>
}

// -----

// Conv with per-channel weights, a float bias, padding and Z_x = 3, fused
// ReLU. The input is padded with Z_x (the real 0) by an explicit dyad.pad and
// the conv itself has no padding left. Bias at S_x * S_w[c]:
// 1.0 / (0.5 * 0.5) = 4 and -2.0 / (0.5 * 0.25) = -16; minus Z_x * sum(W[c]):
// 4 - 3 * 10 = -26 and -16 - 3 * (-10) = 14. M[c] = 0.5 * S_w[c] / 0.2 =
// 1.25, 0.625. ReLU: clamp_min = Z_out = -5.
// CHECK-LABEL: func.func @conv_relu(
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-26, 14]> : tensor<2xi32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1, 2], [3, 4]]], {{\[\[\[}}-1, -2], [-3, -4]]]]> : tensor<2x1x2x2xi8>
// CHECK:         %[[X:.*]] = quant.scast %arg0 : tensor<1x1x3x3x!quant.uniform<i8:f32, 5.000000e-01:3>> to tensor<1x1x3x3xi8>
// CHECK-NEXT:    %[[P:.*]] = dyad.pad %[[X]] {constant_value = 3.000000e+00 : f64, pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x1x3x3xi8>) -> tensor<1x1x5x5xi8>
// CHECK-NEXT:    %[[C:.*]] = dyad.conv %[[P]], %[[W]] bias(%[[B]]) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x5x5xi8>, tensor<2x1x2x2xi8>, tensor<2xi32>) -> tensor<1x2x4x4xi32>
// CHECK-NEXT:    %[[R:.*]] = dyad.requant %[[C]] {clamp_max = 127 : i64, clamp_min = -5 : i64, multiplier = array<i32: 1342177280, 1342177280>, output_zp = -5 : i64, shift = array<i32: 30, 31>} : tensor<1x2x4x4xi32> to tensor<1x2x4x4xi8>
// CHECK-NEXT:    %[[Q:.*]] = quant.scast %[[R]] : tensor<1x2x4x4xi8> to tensor<1x2x4x4x!quant.uniform<i8:f32, 2.000000e-01:-5>>
// CHECK-NEXT:    return %[[Q]]
func.func @conv_relu(%x: tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.2:-5>> {
  %wi = arith.constant dense<[[[[1, 2], [3, 4]]], [[[-1, -2], [-3, -4]]]]> : tensor<2x1x2x2xi8>
  %wq = quant.scast %wi : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.5,0.25}>>
  %w = dyad.dequantize %wq : tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.5,0.25}>> to tensor<2x1x2x2xf32>
  %b = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %xf = dyad.dequantize %x : tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5:3>> to tensor<1x1x3x3xf32>
  %c = dyad.conv %xf, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = dyad.relu %c : tensor<1x2x4x4xf32>
  %q = dyad.quantize %r : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i8:f32, 0.2:-5>>
  return %q : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.2:-5>>
}

// -----

// Z_x = 0: no dyad.pad, the conv keeps its pads and strides; no bias gives a
// zero i32 bias. Per-tensor weights: one multiplier, M = 0.25 * 0.125 / 0.1 =
// 0.3125. Clip(-1, 6) at S = 0.1, Z = -20 gives the clamp
// [-20 - 10, -20 + 60] = [-30, 40].
// CHECK-LABEL: func.func @conv_clip(
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<0> : tensor<1xi32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2]], {{\[\[}}-3]]]]> : tensor<1x2x1x1xi8>
// CHECK:         %[[X:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[C:.*]] = dyad.conv %[[X]], %[[W]] bias(%[[B]]) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 1>} : (tensor<1x2x3x3xi8>, tensor<1x2x1x1xi8>, tensor<1xi32>) -> tensor<1x1x3x3xi32>
// CHECK-NEXT:    dyad.requant %[[C]] {clamp_max = 40 : i64, clamp_min = -30 : i64, multiplier = array<i32: 1342177280>, output_zp = -20 : i64, shift = array<i32: 32>} : tensor<1x1x3x3xi32> to tensor<1x1x3x3xi8>
func.func @conv_clip(%x: tensor<1x2x3x3x!quant.uniform<i8:f32, 0.25:0>>) -> tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1:-20>> {
  %wi = arith.constant dense<[[[[2]], [[-3]]]]> : tensor<1x2x1x1xi8>
  %wq = quant.scast %wi : tensor<1x2x1x1xi8> to tensor<1x2x1x1x!quant.uniform<i8:f32, 0.125>>
  %w = dyad.dequantize %wq : tensor<1x2x1x1x!quant.uniform<i8:f32, 0.125>> to tensor<1x2x1x1xf32>
  %lo = arith.constant dense<-1.0> : tensor<f32>
  %hi = arith.constant dense<6.0> : tensor<f32>
  %xf = dyad.dequantize %x : tensor<1x2x3x3x!quant.uniform<i8:f32, 0.25:0>> to tensor<1x2x3x3xf32>
  %c = dyad.conv %xf, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 1>} : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
  %r = dyad.clip %c min(%lo) max(%hi) : (tensor<1x1x3x3xf32>, tensor<f32>, tensor<f32>) -> tensor<1x1x3x3xf32>
  %q = dyad.quantize %r : tensor<1x1x3x3xf32> to tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1:-20>>
  return %q : tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1:-20>>
}

// -----

// Weights with a zero point: the zero points go to the conv at run time
// (x_zero_point = 3, w_zero_point = 1) instead of into the bias.
// CHECK-LABEL: func.func @conv_weight_zero_point(
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<0> : tensor<1xi32>
// CHECK-DAG:     %[[WZ:.*]] = arith.constant dense<1> : tensor<i8>
// CHECK-DAG:     %[[XZ:.*]] = arith.constant dense<3> : tensor<i8>
// CHECK:         %[[C:.*]] = dyad.conv %{{.*}}, %{{.*}} bias(%[[B]]) x_zero_point(%[[XZ]]) w_zero_point(%[[WZ]])
// CHECK-NEXT:    dyad.requant %[[C]] {clamp_max = 127 : i64, clamp_min = -128 : i64, multiplier = array<i32: 1342177280>, output_zp = -5 : i64, shift = array<i32: 30>}
func.func @conv_weight_zero_point(%x: tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.2:-5>> {
  %wi = arith.constant dense<[[[[1, 2], [3, 4]]]]> : tensor<1x1x2x2xi8>
  %wq = quant.scast %wi : tensor<1x1x2x2xi8> to tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5:1>>
  %w = dyad.dequantize %wq : tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5:1>> to tensor<1x1x2x2xf32>
  %xf = dyad.dequantize %x : tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5:3>> to tensor<1x1x3x3xf32>
  %c = dyad.conv %xf, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %q = dyad.quantize %c : tensor<1x1x2x2xf32> to tensor<1x1x2x2x!quant.uniform<i8:f32, 0.2:-5>>
  return %q : tensor<1x1x2x2x!quant.uniform<i8:f32, 0.2:-5>>
}

// -----

// Gemm, transB, weights per output column (axis 0 of the [N, K] weights):
// the weights become [K, N] integers; bias C / (S_a * S_w[n]) = [4, -32],
// minus Z_a * colsum = -(-4) * [2, 3] -> [12, -20]; M[n] = 0.25 * S_w[n] / 0.1
// = 1.25, 0.3125, along the last axis.
// CHECK-LABEL: func.func @gemm(
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[12, -20]> : tensor<2xi32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}1, 4], [-2, 5], [3, -6]]> : tensor<3x2xi8>
// CHECK:         %[[A:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[M:.*]] = dyad.matmul %[[A]], %[[W]] : (tensor<2x3xi8>, tensor<3x2xi8>) -> tensor<2x2xi32>
// CHECK-NEXT:    %[[S:.*]] = dyad.add %[[M]], %[[B]] : (tensor<2x2xi32>, tensor<2xi32>) -> tensor<2x2xi32>
// CHECK-NEXT:    dyad.requant %[[S]] {clamp_max = 127 : i64, clamp_min = -128 : i64, multiplier = array<i32: 1342177280, 1342177280>, output_zp = 2 : i64, shift = array<i32: 30, 32>} : tensor<2x2xi32> to tensor<2x2xi8>
func.func @gemm(%a: tensor<2x3x!quant.uniform<i8:f32, 0.25:-4>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.1:2>> {
  %wi = arith.constant dense<[[1, -2, 3], [4, 5, -6]]> : tensor<2x3xi8>
  %wq = quant.scast %wi : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:0, {0.5,0.125}>>
  %w = dyad.dequantize %wq : tensor<2x3x!quant.uniform<i8:f32:0, {0.5,0.125}>> to tensor<2x3xf32>
  %c = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %af = dyad.dequantize %a : tensor<2x3x!quant.uniform<i8:f32, 0.25:-4>> to tensor<2x3xf32>
  %g = dyad.gemm %af, %w, %c {transB = true} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %q = dyad.quantize %g : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i8:f32, 0.1:2>>
  return %q : tensor<2x2x!quant.uniform<i8:f32, 0.1:2>>
}

// -----

// alpha and beta: the accumulator scale is alpha * S_a * S_w = 0.0625, the
// bias beta * C / 0.0625 = [32, -64], M = 0.0625 / 0.1 = 0.625.
// CHECK-LABEL: func.func @gemm_alpha_beta(
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[32, -64]> : tensor<2xi32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
// CHECK:         %[[M:.*]] = dyad.matmul %{{.*}}, %[[W]]
// CHECK-NEXT:    %[[S:.*]] = dyad.add %[[M]], %[[B]]
// CHECK-NEXT:    dyad.requant %[[S]] {clamp_max = 127 : i64, clamp_min = -128 : i64, multiplier = array<i32: 1342177280>, shift = array<i32: 31>}
func.func @gemm_alpha_beta(%a: tensor<2x3x!quant.uniform<i8:f32, 0.25:0>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.1:0>> {
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %wq = quant.scast %wi : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32, 0.5>>
  %w = dyad.dequantize %wq : tensor<3x2x!quant.uniform<i8:f32, 0.5>> to tensor<3x2xf32>
  %c = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %af = dyad.dequantize %a : tensor<2x3x!quant.uniform<i8:f32, 0.25:0>> to tensor<2x3xf32>
  %g = dyad.gemm %af, %w, %c {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32} : (tensor<2x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %q = dyad.quantize %g : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i8:f32, 0.1:0>>
  return %q : tensor<2x2x!quant.uniform<i8:f32, 0.1:0>>
}

// -----

// MatMul (3-D input) + constant bias add is one contraction: bias
// [1.0, -0.5] / (0.25 * [0.5, 0.0625]) = [8, -32], minus Z_a * colsum =
// 5 * [9, 12] -> [-37, -92]; per-column requant along axis 2, M = 1.25,
// 0.15625.
// CHECK-LABEL: func.func @matmul_bias(
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-37, -92]> : tensor<2xi32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
// CHECK:         %[[M:.*]] = dyad.matmul %{{.*}}, %[[W]] : (tensor<1x2x3xi8>, tensor<3x2xi8>) -> tensor<1x2x2xi32>
// CHECK-NEXT:    %[[S:.*]] = dyad.add %[[M]], %[[B]] : (tensor<1x2x2xi32>, tensor<2xi32>) -> tensor<1x2x2xi32>
// CHECK-NEXT:    dyad.requant %[[S]] {axis = 2 : i64, clamp_max = 127 : i64, clamp_min = -128 : i64, multiplier = array<i32: 1342177280, 1342177280>, output_zp = -1 : i64, shift = array<i32: 30, 33>}
func.func @matmul_bias(%a: tensor<1x2x3x!quant.uniform<i8:f32, 0.25:5>>) -> tensor<1x2x2x!quant.uniform<i8:f32, 0.1:-1>> {
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %wq = quant.scast %wi : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:1, {0.5,0.0625}>>
  %w = dyad.dequantize %wq : tensor<3x2x!quant.uniform<i8:f32:1, {0.5,0.0625}>> to tensor<3x2xf32>
  %bias = arith.constant dense<[1.0, -0.5]> : tensor<2xf32>
  %af = dyad.dequantize %a : tensor<1x2x3x!quant.uniform<i8:f32, 0.25:5>> to tensor<1x2x3xf32>
  %m = dyad.matmul %af, %w : (tensor<1x2x3xf32>, tensor<3x2xf32>) -> tensor<1x2x2xf32>
  %s = dyad.add %m, %bias : (tensor<1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2xf32>
  %q = dyad.quantize %s : tensor<1x2x2xf32> to tensor<1x2x2x!quant.uniform<i8:f32, 0.1:-1>>
  return %q : tensor<1x2x2x!quant.uniform<i8:f32, 0.1:-1>>
}

// -----

// Activation x activation: both zero points at run time, M = 0.25 * 0.5 /
// 0.75 = 1/6.
// CHECK-LABEL: func.func @matmul_activations(
// CHECK-DAG:     %[[BZ:.*]] = arith.constant dense<-2> : tensor<i8>
// CHECK-DAG:     %[[AZ:.*]] = arith.constant dense<5> : tensor<i8>
// CHECK-DAG:     %[[A:.*]] = quant.scast %arg0
// CHECK-DAG:     %[[B:.*]] = quant.scast %arg1
// CHECK:         %[[M:.*]] = dyad.matmul %[[A]], %[[B]] a_zero_point(%[[AZ]]) b_zero_point(%[[BZ]]) : (tensor<2x3xi8>, tensor<3x4xi8>, tensor<i8>, tensor<i8>) -> tensor<2x4xi32>
// CHECK-NEXT:    dyad.requant %[[M]] {clamp_max = 127 : i64, clamp_min = -128 : i64, multiplier = array<i32: 1431655765>, output_zp = 1 : i64, shift = array<i32: 33>}
func.func @matmul_activations(%a: tensor<2x3x!quant.uniform<i8:f32, 0.25:5>>, %b: tensor<3x4x!quant.uniform<i8:f32, 0.5:-2>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.75:1>> {
  %af = dyad.dequantize %a : tensor<2x3x!quant.uniform<i8:f32, 0.25:5>> to tensor<2x3xf32>
  %bf = dyad.dequantize %b : tensor<3x4x!quant.uniform<i8:f32, 0.5:-2>> to tensor<3x4xf32>
  %m = dyad.matmul %af, %bf : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %q = dyad.quantize %m : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32, 0.75:1>>
  return %q : tensor<2x4x!quant.uniform<i8:f32, 0.75:1>>
}

// -----

// Add: |branches| <= (255 * 0.5 + 255 * 0.25) / 0.75 = 255 output units, so
// the full k = 16 extra bits fit below 2^30. Each branch goes to i32 at
// S_out / 2^16 with its own multiplier (0.5 * 2^16 / 0.75 = 43690.67 -> c = 15;
// 0.25 * 2^16 / 0.75 = 21845.33 -> c = 16) and its own input zero point; the
// sum is requantized by 2^-16 (c = 46), adding Z_out.
// CHECK-LABEL: func.func @add(
// CHECK:         %[[A:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[B:.*]] = quant.scast %arg1
// CHECK-NEXT:    %[[RA:.*]] = dyad.requant %[[A]] {clamp_max = 2147483647 : i64, clamp_min = -2147483648 : i64, input_zp = 1 : i64, multiplier = array<i32: 1431655765>, shift = array<i32: 15>} : tensor<2x3xi8> to tensor<2x3xi32>
// CHECK-NEXT:    %[[RB:.*]] = dyad.requant %[[B]] {clamp_max = 2147483647 : i64, clamp_min = -2147483648 : i64, input_zp = -2 : i64, multiplier = array<i32: 1431655765>, shift = array<i32: 16>} : tensor<2x3xi8> to tensor<2x3xi32>
// CHECK-NEXT:    %[[S:.*]] = dyad.add %[[RA]], %[[RB]] : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
// CHECK-NEXT:    dyad.requant %[[S]] {clamp_max = 127 : i64, clamp_min = -128 : i64, multiplier = array<i32: 1073741824>, output_zp = -3 : i64, shift = array<i32: 46>} : tensor<2x3xi32> to tensor<2x3xi8>
func.func @add(%a: tensor<2x3x!quant.uniform<i8:f32, 0.5:1>>, %b: tensor<2x3x!quant.uniform<i8:f32, 0.25:-2>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.75:-3>> {
  %af = dyad.dequantize %a : tensor<2x3x!quant.uniform<i8:f32, 0.5:1>> to tensor<2x3xf32>
  %bf = dyad.dequantize %b : tensor<2x3x!quant.uniform<i8:f32, 0.25:-2>> to tensor<2x3xf32>
  %s = dyad.add %af, %bf : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %q = dyad.quantize %s : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32, 0.75:-3>>
  return %q : tensor<2x3x!quant.uniform<i8:f32, 0.75:-3>>
}

// -----

// A small output scale leaves fewer extra bits: |branches| <= 2 * 255 * 2^15
// = 16711680 units, so k = 6 (2^6 * 16711680 < 2^30 <= 2^7 * 16711680).
// Branch multipliers 1.0 * 2^6 / 2^-15 = 2^21 (c = 9), final 2^-6 (c = 36);
// the fused ReLU clamps at Z_out = -100.
// CHECK-LABEL: func.func @add_relu_small_scale(
// CHECK:         dyad.requant %{{.*}} {clamp_max = 2147483647 : i64, clamp_min = -2147483648 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: 9>} : tensor<4xi8> to tensor<4xi32>
// CHECK-NEXT:    dyad.requant %{{.*}} {clamp_max = 2147483647 : i64, clamp_min = -2147483648 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: 9>} : tensor<4xi8> to tensor<4xi32>
// CHECK-NEXT:    %[[S:.*]] = dyad.add
// CHECK-NEXT:    dyad.requant %[[S]] {clamp_max = 127 : i64, clamp_min = -100 : i64, multiplier = array<i32: 1073741824>, output_zp = -100 : i64, shift = array<i32: 36>} : tensor<4xi32> to tensor<4xi8>
func.func @add_relu_small_scale(%a: tensor<4x!quant.uniform<i8:f32, 1.0:0>>, %b: tensor<4x!quant.uniform<i8:f32, 1.0:0>>) -> tensor<4x!quant.uniform<i8:f32, 3.0517578125e-05:-100>> {
  %af = dyad.dequantize %a : tensor<4x!quant.uniform<i8:f32, 1.0:0>> to tensor<4xf32>
  %bf = dyad.dequantize %b : tensor<4x!quant.uniform<i8:f32, 1.0:0>> to tensor<4xf32>
  %s = dyad.add %af, %bf : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = dyad.relu %s : tensor<4xf32>
  %q = dyad.quantize %r : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 3.0517578125e-05:-100>>
  return %q : tensor<4x!quant.uniform<i8:f32, 3.0517578125e-05:-100>>
}

// -----

// Add of a constant: the constant becomes i32 at S_out / 2^16 (k = 16):
// [1.0, -0.25, 2.0] * 2^16 / 0.5 = [131072, -32768, 262144]; the quantized
// branch's multiplier is 0.5 * 2^16 / 0.5 = 2^16 (c = 14).
// CHECK-LABEL: func.func @add_constant(
// CHECK-DAG:     %[[C:.*]] = arith.constant dense<[131072, -32768, 262144]> : tensor<3xi32>
// CHECK:         %[[R:.*]] = dyad.requant %{{.*}} {clamp_max = 2147483647 : i64, clamp_min = -2147483648 : i64, input_zp = 1 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: 14>} : tensor<3xi8> to tensor<3xi32>
// CHECK-NEXT:    %[[S:.*]] = dyad.add %[[R]], %[[C]]
// CHECK-NEXT:    dyad.requant %[[S]] {clamp_max = 127 : i64, clamp_min = -128 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: 46>}
func.func @add_constant(%a: tensor<3x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<3x!quant.uniform<i8:f32, 0.5:0>> {
  %c = arith.constant dense<[1.0, -0.25, 2.0]> : tensor<3xf32>
  %af = dyad.dequantize %a : tensor<3x!quant.uniform<i8:f32, 0.5:1>> to tensor<3xf32>
  %s = dyad.add %c, %af : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %q = dyad.quantize %s : tensor<3xf32> to tensor<3x!quant.uniform<i8:f32, 0.5:0>>
  return %q : tensor<3x!quant.uniform<i8:f32, 0.5:0>>
}

// -----

// Concat: the input already in the output's parameters is used as it is; the
// other is requantized onto them (M = 0.25 / 0.5, input_zp -2, output_zp 1).
// CHECK-LABEL: func.func @concat(
// CHECK:         %[[A:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[B:.*]] = quant.scast %arg1
// CHECK-NEXT:    %[[RB:.*]] = dyad.requant %[[B]] {clamp_max = 127 : i64, clamp_min = -128 : i64, input_zp = -2 : i64, multiplier = array<i32: 1073741824>, output_zp = 1 : i64, shift = array<i32: 31>} : tensor<1x3xi8> to tensor<1x3xi8>
// CHECK-NEXT:    %[[C:.*]] = dyad.concat %[[A]], %[[RB]] {axis = 1 : i64} : (tensor<1x2xi8>, tensor<1x3xi8>) -> tensor<1x5xi8>
// CHECK-NEXT:    %[[Q:.*]] = quant.scast %[[C]]
// CHECK-NEXT:    return %[[Q]]
func.func @concat(%a: tensor<1x2x!quant.uniform<i8:f32, 0.5:1>>, %b: tensor<1x3x!quant.uniform<i8:f32, 0.25:-2>>) -> tensor<1x5x!quant.uniform<i8:f32, 0.5:1>> {
  %af = dyad.dequantize %a : tensor<1x2x!quant.uniform<i8:f32, 0.5:1>> to tensor<1x2xf32>
  %bf = dyad.dequantize %b : tensor<1x3x!quant.uniform<i8:f32, 0.25:-2>> to tensor<1x3xf32>
  %c = dyad.concat %af, %bf {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  %q = dyad.quantize %c : tensor<1x5xf32> to tensor<1x5x!quant.uniform<i8:f32, 0.5:1>>
  return %q : tensor<1x5x!quant.uniform<i8:f32, 0.5:1>>
}

// -----

// Concat with a constant (the channel padding of MediaPipe's BlazeFace: a
// ConstantOfShape of zeros after the activations): the constant is
// quantized with the output's parameters (0.0 -> the zero point 1, 1.0 ->
// 1 + 2 = 3), the result integer-only.
// CHECK-LABEL: func.func @concat_constant(
// CHECK-DAG:     %[[Z:.*]] = arith.constant dense<{{\[\[}}1, 3]]> : tensor<1x2xi8>
// CHECK-DAG:     %[[A:.*]] = quant.scast %arg0
// CHECK:         %[[C:.*]] = dyad.concat %[[A]], %[[Z]] {axis = 1 : i64} : (tensor<1x2xi8>, tensor<1x2xi8>) -> tensor<1x4xi8>
// CHECK-NEXT:    %[[Q:.*]] = quant.scast %[[C]]
// CHECK-NEXT:    return %[[Q]]
func.func @concat_constant(%a: tensor<1x2x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5:1>> {
  %af = dyad.dequantize %a : tensor<1x2x!quant.uniform<i8:f32, 0.5:1>> to tensor<1x2xf32>
  %z = arith.constant dense<[[0.0, 1.0]]> : tensor<1x2xf32>
  %c = dyad.concat %af, %z {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %q = dyad.quantize %c : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5:1>>
  return %q : tensor<1x4x!quant.uniform<i8:f32, 0.5:1>>
}

// -----

// Nearest-neighbour Resize copies values: it runs on the integers (an FPN's
// upsampling), a requant after it where the output's parameters differ
// (0.5 -> 0.25 here: M = 2, zero points 1 -> -2). Linear resizing weighs
// values and stays float.
// CHECK-LABEL: func.func @resize_nearest(
// CHECK:         %[[A:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[R:.*]] = dyad.resize %[[A]] {{.*}} : (tensor<1x2x2x2xi8>) -> tensor<1x2x4x4xi8>
// CHECK-NEXT:    dyad.requant %[[R]] {{.*}}input_zp = 1 : i64{{.*}}output_zp = -2 : i64
// Linear: the integers weighed with 11-bit fixed-point weights per axis,
// the i32 sum 2^22 times the value, one requant by 0.5 / (2^22 * 0.5) with
// the zero point 1 * 2^22. Cubic has no integer form and stays float.
// CHECK-LABEL: func.func @resize_linear(
// CHECK:         %[[A:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[R:.*]] = dyad.resize %[[A]] {{.*}}weight_fraction_bits = 11 : i64} : (tensor<1x2x2x2xi8>) -> tensor<1x2x4x4xi32>
// CHECK-NEXT:    dyad.requant %[[R]] {{.*}}input_zp = 4194304 : i64{{.*}}output_zp = 1 : i64
// CHECK-LABEL: func.func @resize_cubic(
// CHECK:         dyad.resize {{.*}} : (tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
func.func @resize_nearest(%a: tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25:-2>> {
  %af = dyad.dequantize %a : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:1>> to tensor<1x2x2x2xf32>
  %r = dyad.resize %af {mode = #dyad.resize_mode<nearest>, nearest_mode = #dyad.nearest_mode<floor>, sizes = array<i64: 1, 2, 4, 4>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  %q = dyad.quantize %r : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25:-2>>
  return %q : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25:-2>>
}
func.func @resize_linear(%a: tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:1>> {
  %af = dyad.dequantize %a : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:1>> to tensor<1x2x2x2xf32>
  %r = dyad.resize %af {mode = #dyad.resize_mode<linear>, sizes = array<i64: 1, 2, 4, 4>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  %q = dyad.quantize %r : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:1>>
  return %q : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:1>>
}
func.func @resize_cubic(%a: tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:1>> {
  %af = dyad.dequantize %a : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:1>> to tensor<1x2x2x2xf32>
  %r = dyad.resize %af {mode = #dyad.resize_mode<cubic>, sizes = array<i64: 1, 2, 4, 4>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  %q = dyad.quantize %r : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:1>>
  return %q : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:1>>
}

// -----

// Pad on the integers: a constant pad value quantized with the input's
// parameters where the output has them (1.5 at scale 0.5, zero point 1:
// 4; no requant); reflect padding copies values.
// CHECK-LABEL: func.func @pad(
// CHECK:         %[[A:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[P:.*]] = dyad.pad %[[A]] {constant_value = 4.000000e+00 : f64, pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x2x2x2xi8>) -> tensor<1x2x4x4xi8>
// CHECK-NEXT:    quant.scast %[[P]]
func.func @pad(%a: tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:1>> {
  %af = dyad.dequantize %a : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:1>> to tensor<1x2x2x2xf32>
  %p = dyad.pad %af {constant_value = 1.5 : f64, pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  %q = dyad.quantize %p : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:1>>
  return %q : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:1>>
}
// A pad value outside the input's range (7 where the input holds [0, 5.1]):
// the input is requantized to the output's parameters first (0.02 -> 0.04),
// and 7 is quantized with those: -128 + 7 / 0.04 = 47.
// CHECK-LABEL: func.func @pad_outside(
// CHECK:         %[[A:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[R:.*]] = dyad.requant %[[A]]
// CHECK-NEXT:    dyad.pad %[[R]] {constant_value = 4.700000e+01 : f64, {{.*}}} : (tensor<1x2x2x2xi8>) -> tensor<1x2x4x4xi8>
func.func @pad_outside(%a: tensor<1x2x2x2x!quant.uniform<i8:f32, 0.02:-128>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.04:-128>> {
  %af = dyad.dequantize %a : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.02:-128>> to tensor<1x2x2x2xf32>
  %p = dyad.pad %af {constant_value = 7.0 : f64, pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  %q = dyad.quantize %p : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i8:f32, 0.04:-128>>
  return %q : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.04:-128>>
}
// CHECK-LABEL: func.func @pad_reflect(
// CHECK:         dyad.pad %{{.*}} {mode = #dyad.pad_mode<reflect>, pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x2x3x3xi8>) -> tensor<1x2x5x5xi8>
func.func @pad_reflect(%a: tensor<1x2x3x3x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x2x5x5x!quant.uniform<i8:f32, 0.5:1>> {
  %af = dyad.dequantize %a : tensor<1x2x3x3x!quant.uniform<i8:f32, 0.5:1>> to tensor<1x2x3x3xf32>
  %p = dyad.pad %af {mode = #dyad.pad_mode<reflect>, pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x5x5xf32>
  %q = dyad.quantize %p : tensor<1x2x5x5xf32> to tensor<1x2x5x5x!quant.uniform<i8:f32, 0.5:1>>
  return %q : tensor<1x2x5x5x!quant.uniform<i8:f32, 0.5:1>>
}

// -----

// Global average pool over 3x3 (K = 9): i32 sum, input_zp = K * Z = -27,
// M = 0.5 / (0.25 * 9) = 2/9 (1908874354, 33).
// CHECK-LABEL: func.func @global_average_pool(
// CHECK:         %[[X:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[W:.*]] = dyad.cast %[[X]] : tensor<1x2x3x3xi8> to tensor<1x2x3x3xi32>
// CHECK-NEXT:    %[[S:.*]] = dyad.reduce_sum %[[W]] {axes = array<i64: 2, 3>} : (tensor<1x2x3x3xi32>) -> tensor<1x2x1x1xi32>
// CHECK-NEXT:    dyad.requant %[[S]] {clamp_max = 127 : i64, clamp_min = -128 : i64, input_zp = -27 : i64, multiplier = array<i32: 1908874354>, output_zp = 5 : i64, shift = array<i32: 33>} : tensor<1x2x1x1xi32> to tensor<1x2x1x1xi8>
func.func @global_average_pool(%x: tensor<1x2x3x3x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25:5>> {
  %xf = dyad.dequantize %x : tensor<1x2x3x3x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2x3x3xf32>
  %p = dyad.global_average_pool %xf : (tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32>
  %q = dyad.quantize %p : tensor<1x2x1x1xf32> to tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25:5>>
  return %q : tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25:5>>
}

// -----

// Average pool 3x2 (K = 6), padding counted: a depthwise conv (group = C = 2)
// with a kernel of ones and the run-time x_zero_point, keeping the pool's
// pads and strides; M = 0.5 / (0.25 * 6) = 1/3.
// CHECK-LABEL: func.func @average_pool(
// CHECK-DAG:     %[[Z:.*]] = arith.constant dense<-3> : tensor<i8>
// CHECK-DAG:     %[[ONES:.*]] = arith.constant dense<1> : tensor<2x1x3x2xi8>
// CHECK:         %[[C:.*]] = dyad.conv %{{.*}}, %[[ONES]] x_zero_point(%[[Z]]) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 3, 2>, pads = array<i64: 1, 0, 0, 0>, strides = array<i64: 2, 1>} : (tensor<1x2x4x4xi8>, tensor<2x1x3x2xi8>, tensor<i8>) -> tensor<1x2x2x3xi32>
// CHECK-NEXT:    dyad.requant %[[C]] {clamp_max = 127 : i64, clamp_min = -128 : i64, multiplier = array<i32: 1431655765>, output_zp = 5 : i64, shift = array<i32: 32>}
func.func @average_pool(%x: tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.25:5>> {
  %xf = dyad.dequantize %x : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2x4x4xf32>
  %p = dyad.average_pool %xf {count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 2>, pads = array<i64: 1, 0, 0, 0>, strides = array<i64: 2, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x3xf32>
  %q = dyad.quantize %p : tensor<1x2x2x3xf32> to tensor<1x2x2x3x!quant.uniform<i8:f32, 0.25:5>>
  return %q : tensor<1x2x2x3x!quant.uniform<i8:f32, 0.25:5>>
}

// -----

// Max pool, transpose, flatten work on the integers; only the last changes
// parameters (0.5:-3 -> 0.25:0, M = 2) and gets a requant.
// CHECK-LABEL: func.func @pass_through(
// CHECK:         %[[X:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[M:.*]] = dyad.max_pool %[[X]] {{.*}} : (tensor<1x2x4x4xi8>) -> tensor<1x2x2x2xi8>
// CHECK-NEXT:    %[[T:.*]] = dyad.transpose %[[M]] {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xi8>
// CHECK-NEXT:    %[[F:.*]] = dyad.flatten %[[T]] {axis = 2 : i64} : (tensor<1x2x2x2xi8>) -> tensor<2x4xi8>
// CHECK-NEXT:    %[[R:.*]] = dyad.requant %[[F]] {clamp_max = 127 : i64, clamp_min = -128 : i64, input_zp = -3 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: 29>} : tensor<2x4xi8> to tensor<2x4xi8>
// CHECK-NEXT:    %[[Q:.*]] = quant.scast %[[R]]
// CHECK-NEXT:    return %[[Q]]
func.func @pass_through(%x: tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.25:0>> {
  %xf = dyad.dequantize %x : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2x4x4xf32>
  %m = dyad.max_pool %xf {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %mq = dyad.quantize %m : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:-3>>
  %md = dyad.dequantize %mq : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2x2x2xf32>
  %t = dyad.transpose %md {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %tq = dyad.quantize %t : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:-3>>
  %td = dyad.dequantize %tq : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2x2x2xf32>
  %f = dyad.flatten %td {axis = 2 : i64} : (tensor<1x2x2x2xf32>) -> tensor<2x4xf32>
  %fq = dyad.quantize %f : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32, 0.25:0>>
  return %fq : tensor<2x4x!quant.uniform<i8:f32, 0.25:0>>
}

// -----

// Squeeze, reshape (its i64 shape operand kept), unsqueeze: no requant.
// CHECK-LABEL: func.func @reshape_squeeze(
// CHECK:         %[[X:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[S:.*]] = dyad.squeeze %[[X]] {axes = array<i64: 0>} : (tensor<1x6xi8>) -> tensor<6xi8>
// CHECK-NEXT:    %[[R:.*]] = dyad.reshape %[[S]], %{{.*}} : (tensor<6xi8>, tensor<2xi64>) -> tensor<2x3xi8>
// CHECK-NEXT:    %[[U:.*]] = dyad.unsqueeze %[[R]] {axes = array<i64: 0>} : (tensor<2x3xi8>) -> tensor<1x2x3xi8>
// CHECK-NEXT:    %[[Q:.*]] = quant.scast %[[U]]
// CHECK-NEXT:    return %[[Q]]
func.func @reshape_squeeze(%x: tensor<1x6x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x3x!quant.uniform<i8:f32, 0.5:-3>> {
  %shape = arith.constant dense<[2, 3]> : tensor<2xi64>
  %xf = dyad.dequantize %x : tensor<1x6x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x6xf32>
  %s = dyad.squeeze %xf {axes = array<i64: 0>} : (tensor<1x6xf32>) -> tensor<6xf32>
  %sq = dyad.quantize %s : tensor<6xf32> to tensor<6x!quant.uniform<i8:f32, 0.5:-3>>
  %sd = dyad.dequantize %sq : tensor<6x!quant.uniform<i8:f32, 0.5:-3>> to tensor<6xf32>
  %r = dyad.reshape %sd, %shape : (tensor<6xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %rq = dyad.quantize %r : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>>
  %rd = dyad.dequantize %rq : tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>> to tensor<2x3xf32>
  %u = dyad.unsqueeze %rd {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<1x2x3xf32>
  %uq = dyad.quantize %u : tensor<1x2x3xf32> to tensor<1x2x3x!quant.uniform<i8:f32, 0.5:-3>>
  return %uq : tensor<1x2x3x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

// A ReLU on its own: a requant with the clamp (clamp_min = Z_out).
// CHECK-LABEL: func.func @relu_alone(
// CHECK:         dyad.requant %{{.*}} {clamp_max = 127 : i64, clamp_min = -100 : i64, input_zp = -3 : i64, multiplier = array<i32: 1073741824>, output_zp = -100 : i64, shift = array<i32: 29>} : tensor<4xi8> to tensor<4xi8>
func.func @relu_alone(%x: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<4x!quant.uniform<i8:f32, 0.25:-100>> {
  %xf = dyad.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<4xf32>
  %r = dyad.relu %xf : tensor<4xf32>
  %q = dyad.quantize %r : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.25:-100>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.25:-100>>
}

// -----

// A Clip with only a max: clamp_max = 10 + 6.0 / 0.25 = 34.
// CHECK-LABEL: func.func @clip_max_only(
// CHECK:         dyad.requant %{{.*}} {clamp_max = 34 : i64, clamp_min = -128 : i64, input_zp = -3 : i64, multiplier = array<i32: 1073741824>, output_zp = 10 : i64, shift = array<i32: 29>}
func.func @clip_max_only(%x: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<4x!quant.uniform<i8:f32, 0.25:10>> {
  %hi = arith.constant dense<6.0> : tensor<f32>
  %xf = dyad.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<4xf32>
  %r = dyad.clip %xf max(%hi) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %q = dyad.quantize %r : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.25:10>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.25:10>>
}

// -----

// Negative cases: the chain stays float and its op says why.

// A per-axis quantized activation.
// CHECK-LABEL: func.func @per_axis_activation(
// CHECK:         %[[D:.*]] = dyad.dequantize %arg0
// CHECK-NEXT:    %[[R:.*]] = dyad.relu %[[D]] {dyad.float_reason = "per-axis quantized activations have no integer form"} : tensor<1x2xf32>
// CHECK-NEXT:    %[[Q:.*]] = dyad.quantize %[[R]] : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01}>>
// CHECK-NEXT:    return %[[Q]]
func.func @per_axis_activation(%x: tensor<1x2x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x!quant.uniform<i8:f32:1, {0.5,0.25}>> {
  %xf = dyad.dequantize %x : tensor<1x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2xf32>
  %r = dyad.relu %xf : tensor<1x2xf32>
  %q = dyad.quantize %r : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32:1, {0.5,0.25}>>
  return %q : tensor<1x2x!quant.uniform<i8:f32:1, {0.5,0.25}>>
}

// -----

// Softmax inside the region: dyad.int_softmax. The exp table is
// round(2^30 exp(-d * 0.5)) for d = max - x (exp(-0.5) 2^30 = 651257337),
// cut after its first zero; numerator = 2^shift / S_out = 2^8 * 2^53
// (the largest shift below 2^62). The chain after it is integerized
// (M = 2^-8 / 0.25 = 2^-6).
// CHECK-LABEL: func.func @softmax_in_the_middle(
// CHECK:         %[[I:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[S:.*]] = dyad.int_softmax %[[I]] {exp_table = array<i32: 1073741824, 651257337, 395007542, {{.*}}, 2, 1, 1, 0>, numerator = 2305843009213693952 : i64, output_zp = -128 : i64, shift = 53 : i64} : tensor<1x4xi8> to tensor<1x4xi8>
// CHECK-NEXT:    dyad.requant %[[S]] {clamp_max = 127 : i64, clamp_min = -100 : i64, input_zp = -128 : i64, multiplier = array<i32: 1073741824>, output_zp = -100 : i64, shift = array<i32: 36>}
func.func @softmax_in_the_middle(%x: tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.25:-100>> {
  %xf = dyad.dequantize %x : tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4xf32>
  %s = dyad.softmax %xf : tensor<1x4xf32>
  %q = dyad.quantize %s : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.00390625:-128>>
  %d = dyad.dequantize %q : tensor<1x4x!quant.uniform<i8:f32, 0.00390625:-128>> to tensor<1x4xf32>
  %r = dyad.relu %d : tensor<1x4xf32>
  %q2 = dyad.quantize %r : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.25:-100>>
  return %q2 : tensor<1x4x!quant.uniform<i8:f32, 0.25:-100>>
}

// -----

// Gemm whose weights are an activation (not a constant).
// CHECK-LABEL: func.func @gemm_activation_weights(
// CHECK:         dyad.gemm %{{.*}}, %{{.*}} {dyad.float_reason = "gemm needs constant quantized weights"} : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
func.func @gemm_activation_weights(%a: tensor<2x3x!quant.uniform<i8:f32, 0.25:0>>, %b: tensor<3x2x!quant.uniform<i8:f32, 0.5:0>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.1:0>> {
  %af = dyad.dequantize %a : tensor<2x3x!quant.uniform<i8:f32, 0.25:0>> to tensor<2x3xf32>
  %bf = dyad.dequantize %b : tensor<3x2x!quant.uniform<i8:f32, 0.5:0>> to tensor<3x2xf32>
  %g = dyad.gemm %af, %bf : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %q = dyad.quantize %g : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i8:f32, 0.1:0>>
  return %q : tensor<2x2x!quant.uniform<i8:f32, 0.1:0>>
}

// -----

// Average pool not counting the padding: K varies at the borders.
// CHECK-LABEL: func.func @average_pool_exclude_pad(
// CHECK:         dyad.average_pool %{{.*}} {dilations = array<i64: 1, 1>, dyad.float_reason = "average pool whose window size varies at the borders", kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
func.func @average_pool_exclude_pad(%x: tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25:5>> {
  %xf = dyad.dequantize %x : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2x4x4xf32>
  %p = dyad.average_pool %xf {count_include_pad = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %q = dyad.quantize %p : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25:5>>
  return %q : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25:5>>
}
