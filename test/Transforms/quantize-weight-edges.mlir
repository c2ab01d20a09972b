// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/weight-edges-table.json}))' -mlir-print-op-on-diagnostic=false 2>%t.err > %t.qdq.mlir
// RUN: FileCheck %s < %t.qdq.mlir
// RUN: FileCheck %s --check-prefix=WARN < %t.err
// The QDQ graph re-parses (every scale is a valid f32 quant type: no
// subnormal or zero scale) and integerizes without error.
// RUN: dyad-opt %t.qdq.mlir --pass-pipeline='builtin.module(func.func(dyad-integerize,canonicalize))' | FileCheck %s --check-prefix=INT

// Weight scales that real weights need (docs/numerics.md §2). Per output
// channel c, with the accumulator's scale alpha * S_in * S_w[c] and the
// requant multiplier M[c] = alpha * S_in * S_w[c] / S_out:
//   S_w = max|W_c| / 127; all zeros: the bias scale below, or 1 without one
//   S_w >= |B_c| / (alpha * S_in * 2^30)          (|b_q| <= 2^30)
//   2^-32 <= M[c] <= 2^30                         (below: ~0, above: clipped)
//   S_w >= 2^-126                                 (a normal f32)
// The table (Inputs/weight-edges-table.json) makes every input [0, 255/64]:
// S_in = 2^-6, Z_in = -128, and every output [-4, 255/32 - 4]: S_out = 2^-5,
// Z_out = 0. So S_out / S_in = 2: the floor of S_w is 2^-31, the cap 2^31.
// Dyadic multipliers b / 2^c as in integerize.mlir. Reference (numpy,
// float64, f32 weights): every number below was checked with
//   S = max(|W|max/127, |B|/(a*S_in*2**30)) or 1; S = clip(S, 2**-32*u, 2**30*u),
//   u = S_out/(a*S_in); q = clip(round_half_even(W/S), -127, 127);
//   b_q = round_half_even(B/(a*S_in*S)) - Z_in*sum(q).

// Conv, 7 output channels over 3 inputs (1x1 kernel):
//  0 normal      W = [0.5, -1.27, 0.25], B = 0.1: S = 1.27f/127 =
//                0.009999999849815068, q = [50, -127, 25], b_q = 640 + 128 *
//                (50 - 127 + 25) = -6016, M = S / 2 -> (1374389514, 38)
//  1 all zeros   B = 2.5: S = 2.5 / (2^-6 * 2^30) = 2.5 * 2^-24 =
//                1.4901161193847656e-07, b_q = 2^30 = 1073741824 (the bias
//                exactly), M = 1.25 * 2^-24 -> (1342177280, 54)
//  2 all zeros   no bias: S = 1, M = 1/2 -> (2^30, 31)
//  3 near zero   W = [1e-30, 0, 0]: 1e-30 / 127 is below the floor 2^-31 =
//                4.6566128730773926e-10: q = 0, M = 2^-32 -> (2^30, 62)
//  4 bias        W = [1e-6, -5e-7, 0], B = 30 (PaddleOCR's case: at
//                1e-6/127 the bias would be 2.4e11): S = 30 * 2^-24 =
//                1.7881393432617188e-06, q = [1, 0, 0], b_q = 2^30 + 128 *
//                1 = 1073741952, M = 15 * 2^-24 -> (2013265920, 51); warned
//  5 outlier     W = [10, 0.01, -0.02]: S = 10/127, q = [127, 0, 0], M = 5/127
//                -> (1352745605, 35), b_q = 128 * 127 = 16256; warned (2 of
//                3 weights below 10/256)
//  6 clipped     W = [1e12, 1, 0]: 1e12/127 > the cap 2^31 (M = 2^30): S =
//                2^31, q = [127 (clipped), 0, 0], M = 2^30 -> (2^30, 0),
//                b_q = 16256; warned

// CHECK-LABEL: func.func @conv_edges(
// CHECK:         %[[WI:.*]] = arith.constant dense<{{\[\[\[\[}}50]], {{\[\[}}-127]], {{\[\[}}25]]], {{\[\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]], {{\[\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]], {{\[\[\[}}0]], {{\[\[}}0]], {{\[\[}}0]]], {{\[\[\[}}1]], {{\[\[}}0]], {{\[\[}}0]]], {{\[\[\[}}127]], {{\[\[}}0]], {{\[\[}}0]]], {{\[\[\[}}127]], {{\[\[}}0]], {{\[\[}}0]]]]> : tensor<7x3x1x1xi8>
// CHECK-NEXT:    quant.scast %[[WI]] : tensor<7x3x1x1xi8> to tensor<7x3x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.009999999849815068,1.4901161193847656E-7,1.000000e+00,4.6566128730773926E-10,1.7881393432617188E-6,0.078740157480314959,0x41E0000000000000}>>
// CHECK:         dyad.conv {{.*}}dyad.tensor = "conv_out", dyad.weight_adjustments = [
// CHECK-SAME:      {abs_bias = 2.500000e+00 : f64, channel = 1 : i64, max_abs_weight = 0.000000e+00 : f64, natural_scale = 0.000000e+00 : f64, nonzero_weights = 0 : i64, reason = "all_zero", scale = 1.4901161193847656E-7 : f64, zeroed_weights = 0 : i64},
// CHECK-SAME:      {abs_bias = 0.000000e+00 : f64, channel = 2 : i64, max_abs_weight = 0.000000e+00 : f64, natural_scale = 0.000000e+00 : f64, nonzero_weights = 0 : i64, reason = "all_zero", scale = 1.000000e+00 : f64, zeroed_weights = 0 : i64},
// CHECK-SAME:      {abs_bias = 0.000000e+00 : f64, channel = 3 : i64, max_abs_weight = 1.0000000031710769E-30 : f64, natural_scale = 7.8740157730006054E-33 : f64, nonzero_weights = 1 : i64, reason = "below_resolution", scale = 4.6566128730773926E-10 : f64, zeroed_weights = 1 : i64},
// CHECK-SAME:      {abs_bias = 3.000000e+01 : f64, channel = 4 : i64, max_abs_weight = 9.9999999747524271E-7 : f64, natural_scale = 7.8740157281515171E-9 : f64, nonzero_weights = 2 : i64, reason = "bias", scale = 1.7881393432617188E-6 : f64, zeroed_weights = 1 : i64},
// CHECK-SAME:      {abs_bias = 0.000000e+00 : f64, channel = 5 : i64, max_abs_weight = 1.000000e+01 : f64, natural_scale = 0.078740157480314959 : f64, nonzero_weights = 3 : i64, reason = "outlier", scale = 0.078740157480314959 : f64, zeroed_weights = 2 : i64},
// CHECK-SAME:      {abs_bias = 0.000000e+00 : f64, channel = 6 : i64, max_abs_weight = 0x426D1A94A0000000 : f64, natural_scale = 7874015715.7795277 : f64, nonzero_weights = 2 : i64, reason = "clipped", scale = 0x41E0000000000000 : f64, zeroed_weights = 1 : i64}]

// INT-LABEL: func.func @conv_edges(
// INT:         arith.constant dense<[-6016, 1073741824, 0, 0, 1073741952, 16256, 16256]> : tensor<7xi32>
// INT:         dyad.requant {{.*}}multiplier = array<i32: 1374389514, 1342177280, 1073741824, 1073741824, 2013265920, 1352745605, 1073741824>, shift = array<i32: 38, 54, 31, 62, 51, 35, 0>}

// WARN:      quantize-weight-edges.mlir:{{[0-9]+}}:8: warning: quantized weights lose precision on 3 of 7 output channels: 1 weight scale raised so the quantized bias fits in i32 (|b_q| <= 2^30); 1 weight scale capped at a requant multiplier of 2^30 (larger weights clipped); 1 weight scale set by an outlier (most weights quantize to 0)
// WARN:      quantize-weight-edges.mlir:{{[0-9]+}}:8: note: channel 4 (bias): max|W| 9.999999975e-07, |bias| 30, scale 7.874015728e-09 -> 1.788139343e-06, 1 of 2 non-zero weights quantize to 0
// WARN:      quantize-weight-edges.mlir:{{[0-9]+}}:8: note: channel 5 (outlier): max|W| 10, |bias| 0, scale 0.07874015748 -> 0.07874015748, 2 of 3 non-zero weights quantize to 0
// WARN:      quantize-weight-edges.mlir:{{[0-9]+}}:8: note: channel 6 (clipped): max|W| 9.999999959e+11, |bias| 0, scale 7874015716 -> 2147483648, 1 of 2 non-zero weights quantize to 0
func.func @conv_edges(%x: tensor<1x3x1x1xf32> {dyad.name = "input"}) -> tensor<1x7x1x1xf32> {
  %w = arith.constant dense<[[[[0.5]], [[-1.27]], [[0.25]]], [[[0.0]], [[0.0]], [[0.0]]], [[[0.0]], [[0.0]], [[0.0]]], [[[1.0e-30]], [[0.0]], [[0.0]]], [[[1.0e-6]], [[-5.0e-7]], [[0.0]]], [[[10.0]], [[0.01]], [[-0.02]]], [[[1.0e12]], [[1.0]], [[0.0]]]]> : tensor<7x3x1x1xf32>
  %b = arith.constant dense<[0.1, 2.5, 0.0, 0.0, 30.0, 0.0, 0.0]> : tensor<7xf32>
  %c = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "conv_out"} : (tensor<1x3x1x1xf32>, tensor<7x3x1x1xf32>, tensor<7xf32>) -> tensor<1x7x1x1xf32>
  return %c : tensor<1x7x1x1xf32>
}

// Gemm (transB, alpha = 0.5, beta = 2): the bias is beta * C and the
// accumulator's scale alpha * S_in * S_w, so column 0 (W = [2e-6, 1e-6, 0],
// C = 10) needs S >= 20 / (0.5 * 2^-6 * 2^30) = 40 * 2^-24 =
// 2.384185791015625e-06: q = [1, 0, 0], b_q = 2^30 + 128 = 1073741952, M =
// 20 * 2^-25 -> (1342177280, 51). Column 1 (W = [0.5, 0.25, -1], C = 1):
// S = 1/127, q = [64 (63.5 to even), 32, -127], b_q = 2 / (2^-7 / 127) + 128
// * (64 + 32 - 127) = 32512 - 3968 = 28544, M = 1/508 -> (1082196484, 39).

// CHECK-LABEL: func.func @gemm_edges(
// CHECK:         arith.constant dense<{{\[\[}}1, 0, 0], [64, 32, -127]]> : tensor<2x3xi8>
// CHECK-NEXT:    quant.scast {{.*}} to tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {2.384185791015625E-6,0.0078740157480314959}>>
// CHECK:         dyad.gemm {{.*}}dyad.weight_adjustments = [{abs_bias = 2.000000e+01 : f64, channel = 0 : i64, {{.*}}reason = "bias", scale = 2.384185791015625E-6 : f64, zeroed_weights = 1 : i64}]

// INT-LABEL: func.func @gemm_edges(
// INT:         arith.constant dense<[1073741952, 28544]> : tensor<2xi32>
// INT:         dyad.requant {{.*}}multiplier = array<i32: 1342177280, 1082196484>, shift = array<i32: 51, 39>}

// WARN:      quantize-weight-edges.mlir:{{[0-9]+}}:8: warning: quantized weights lose precision on 1 of 2 output channels: 1 weight scale raised so the quantized bias fits in i32 (|b_q| <= 2^30)
// WARN:      quantize-weight-edges.mlir:{{[0-9]+}}:8: note: channel 0 (bias): max|W| 1.999999995e-06, |bias| 20, scale 1.574803146e-08 -> 2.384185791e-06, 1 of 2 non-zero weights quantize to 0
func.func @gemm_edges(%a: tensor<1x3xf32> {dyad.name = "g_in"}) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[2.0e-6, 1.0e-6, 0.0], [0.5, 0.25, -1.0]]> : tensor<2x3xf32>
  %c = arith.constant dense<[10.0, 1.0]> : tensor<2xf32>
  %g = dyad.gemm %a, %w, %c {alpha = 0.5 : f32, beta = 2.0 : f32, transB = true, dyad.tensor = "g_out"} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %g : tensor<1x2xf32>
}

// MatMul + a constant Add (one contraction in integerize): the added
// constant is the bias. Column 0 (W = [1e-6, 0, 0], B = 30): S = 30 * 2^-24,
// q = [1, 0, 0], b_q = 2^30 + 128, M = 15 * 2^-24 -> (2013265920, 51);
// column 1 as the Gemm's but B = 1 and alpha = 1: b_q = 1 / (2^-6 / 127) -
// 3968 = 8128 - 3968 = 4160, M = 1/254 -> (1082196484, 38).

// CHECK-LABEL: func.func @matmul_edges(
// CHECK:         arith.constant dense<{{\[\[}}1, 64], [0, 32], [0, -127]]> : tensor<3x2xi8>
// CHECK-NEXT:    quant.scast {{.*}} to tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {1.7881393432617188E-6,0.0078740157480314959}>>
// CHECK:         dyad.matmul {{.*}}dyad.weight_adjustments = [{abs_bias = 3.000000e+01 : f64, channel = 0 : i64, {{.*}}reason = "bias", scale = 1.7881393432617188E-6 : f64, zeroed_weights = 0 : i64}]

// INT-LABEL: func.func @matmul_edges(
// INT:         arith.constant dense<[1073741952, 4160]> : tensor<2xi32>
// INT:         dyad.requant {{.*}}multiplier = array<i32: 2013265920, 1082196484>, shift = array<i32: 51, 38>}

// WARN:      quantize-weight-edges.mlir:{{[0-9]+}}:8: warning: quantized weights lose precision on 1 of 2 output channels: 1 weight scale raised so the quantized bias fits in i32 (|b_q| <= 2^30)
func.func @matmul_edges(%a: tensor<1x3xf32> {dyad.name = "m_in"}) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0e-6, 0.5], [0.0, 0.25], [0.0, -1.0]]> : tensor<3x2xf32>
  %c = arith.constant dense<[30.0, 1.0]> : tensor<2xf32>
  %m = dyad.matmul %a, %w {dyad.tensor = "m_mm"} : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  %s = dyad.add %m, %c {dyad.tensor = "m_out"} : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %s : tensor<1x2xf32>
}

// A MatMul fused into a Relu has no bias; S_out is the Relu's. Column 0
// (max|W| = 1e-30) gets the floor 2^-31, column 1 (max|W| = 1) 1/127.

// CHECK-LABEL: func.func @matmul_relu(
// CHECK:         quant.scast {{.*}} to tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {4.6566128730773926E-10,0.0078740157480314959}>>
// CHECK:         dyad.matmul {{.*}}dyad.weight_adjustments = [{abs_bias = 0.000000e+00 : f64, channel = 0 : i64, {{.*}}reason = "below_resolution", scale = 4.6566128730773926E-10 : f64

// INT-LABEL: func.func @matmul_relu(
// INT:         dyad.requant {{.*}}clamp_min = 0 : i64{{.*}}multiplier = array<i32: 1073741824, 1082196484>, shift = array<i32: 62, 38>}
func.func @matmul_relu(%a: tensor<1x3xf32> {dyad.name = "mr_in"}) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0e-30, 1.0], [0.0, 0.5], [0.0, -0.25]]> : tensor<3x2xf32>
  %m = dyad.matmul %a, %w {dyad.tensor = "mr_mm"} : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  %r = dyad.relu %m {dyad.tensor = "mr_out"} : tensor<1x2xf32>
  return %r : tensor<1x2xf32>
}

// A conv whose output has no table entry (it stays float: no S_out, so no
// multiplier bounds) keeps its scales normal f32: channel 0's max|W| is the
// subnormal 1e-44 (as f32: 9.8090892502737195e-45), whose /127 is not even
// an f32 (7.7e-47 would fail the quant type's verifier on re-parsing): it
// gets 2^-126 = 1.1754943508222875e-38 and q = 0.

// CHECK-LABEL: func.func @float_output(
// CHECK:         quant.scast {{.*}} to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {1.1754943508222875E-38,0.0078740157480314959}>>
// CHECK:         dyad.conv {{.*}}reason = "below_resolution", scale = 1.1754943508222875E-38 : f64

// WARN:      quantize-weight-edges.mlir:{{[0-9]+}}:1: warning: the calibration table has no entry for 1 tensor (it stays float): 'f_out'
// WARN-NOT:  warning
func.func @float_output(%x: tensor<1x1x1x1xf32> {dyad.name = "f_in"}) -> tensor<1x2x1x1xf32> {
  %w = arith.constant dense<[[[[1.0e-44]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
  %c = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "f_out"} : (tensor<1x1x1x1xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x1x1xf32>
  return %c : tensor<1x2x1x1xf32>
}
