// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/quantize-table.json}))' -mlir-print-op-on-diagnostic=false 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=WARN --allow-empty < %t.err
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/quantize-ort.json}))' -mlir-print-op-on-diagnostic=false 2>%t.ort.err | FileCheck %s --check-prefix=ORT
// RUN: FileCheck %s --check-prefix=WARN --allow-empty < %t.ort.err
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/quantize-table.json weight-bits=4 activation-bits=4}))' -mlir-print-op-on-diagnostic=false 2>/dev/null | FileCheck %s --check-prefix=BITS4
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/quantize-table.json weight-bits=16 activation-bits=16}))' -mlir-print-op-on-diagnostic=false 2>/dev/null | FileCheck %s --check-prefix=BITS16
// RUN: not dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/no-such-table.json}))' -mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: not dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/quantize-table.json weight-bits=17}))' -mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=BADBITS

// dyad-quantize folds a calibration table into QDQ pairs on the named
// (dyad.tensor / dyad.name) activations and quantizes the weights.
//
// Activations, asymmetric i8 (lib/Calibration/Statistics.cpp
// asymmetricParams): lo = min(min, 0), hi = max(max, 0),
// S = (hi - lo) / 255, Z = round_half_even(-128 - lo / S), clamped.
//   input    [-1, 3]   : S = 4/255,  Z = round(-128 + 63.75) = -64
//   relu_out [0, 6]    : S = 6/255,  Z = -128
//   logits   [0.5, 2.55] widened to [0, 2.55]: S = 0.01, Z = -128
// conv_out is fused into the ReLU (no QDQ of its own), pool_out and flat keep
// their input's type (the table's pool_out range [0, 100] is not used), probs
// is postprocessing (a Softmax whose only user is the graph output): it stays
// float after the last dequantize, needing no table entry and no warning
// (quantize-boundary.mlir tests the boundary and the missing-entry warning).
//
// Weights: symmetric per output channel, S = max|W| / 127, Z = 0, range
// [-127, 127]: conv channel 0 max|W| = 1.27 (as f32); channel 1 is all
// zeros with a bias of 0.2 (as f32: 0.20000000298023224), so its scale puts
// that bias at 2^30 (docs/numerics.md §2): S = 0.2 / (S_in * 2^30) =
// 0.20000000298023224 / (4/255 * 2^30) = 1.1874363003289146e-08 (recorded in
// dyad.weight_adjustments, no warning; quantize-weight-edges.mlir tests the
// other cases); gemm (transB) row 0 max|W| = 127/128, S = 2^-7 exactly, and
// 0.01953125 / 2^-7 = 2.5 rounds half to even: 2.

// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME:    %[[X:.*]]: tensor<1x2x2x2xf32> {dyad.name = "input"}
// CHECK:         %[[XQ:.*]] = dyad.quantize %[[X]] : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.015686274509803921:-64>>
// CHECK-NEXT:    %[[XD:.*]] = dyad.dequantize %[[XQ]]
// CHECK:         %[[WI:.*]] = arith.constant dense<{{\[\[\[\[}}50]], {{\[\[}}-127]]], {{\[\[\[}}0]], {{\[\[}}0]]], {{\[\[\[}}-127]], {{\[\[}}50]]]]> : tensor<3x2x1x1xi8>
// CHECK-NEXT:    %[[WQ:.*]] = quant.scast %[[WI]] : tensor<3x2x1x1xi8> to tensor<3x2x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.009999999849815068,1.1874363003289146E-8,0.019999999699630136}>>
// CHECK-NEXT:    %[[W:.*]] = dyad.dequantize %[[WQ]]
// CHECK-NEXT:    %[[C:.*]] = dyad.conv %[[XD]], %[[W]] bias(%{{.*}}) {{.*}}dyad.tensor = "conv_out", dyad.weight_adjustments = [{abs_bias = 0.20000000298023224 : f64, channel = 1 : i64, max_abs_weight = 0.000000e+00 : f64, natural_scale = 0.000000e+00 : f64, nonzero_weights = 0 : i64, reason = "all_zero", scale = 1.1874363003289146E-8 : f64, zeroed_weights = 0 : i64}]
// CHECK-NEXT:    %[[R:.*]] = dyad.relu %[[C]] {dyad.tensor = "relu_out"}
// CHECK-NEXT:    %[[RQ:.*]] = dyad.quantize %[[R]] : tensor<1x3x2x2xf32> to tensor<1x3x2x2x!quant.uniform<i8:f32, 0.023529411764705882:-128>>
// CHECK-NEXT:    %[[RD:.*]] = dyad.dequantize %[[RQ]]
// CHECK-NEXT:    %[[M:.*]] = dyad.max_pool %[[RD]] {{.*}}dyad.tensor = "pool_out"
// CHECK-NEXT:    %[[MQ:.*]] = dyad.quantize %[[M]] : tensor<1x3x1x1xf32> to tensor<1x3x1x1x!quant.uniform<i8:f32, 0.023529411764705882:-128>>
// CHECK-NEXT:    %[[MD:.*]] = dyad.dequantize %[[MQ]]
// CHECK-NEXT:    %[[F:.*]] = dyad.flatten %[[MD]] {dyad.tensor = "flat"}
// CHECK-NEXT:    %[[FQ:.*]] = dyad.quantize %[[F]] : tensor<1x3xf32> to tensor<1x3x!quant.uniform<i8:f32, 0.023529411764705882:-128>>
// CHECK-NEXT:    %[[FD:.*]] = dyad.dequantize %[[FQ]]
// CHECK:         %[[GI:.*]] = arith.constant dense<{{\[\[}}127, 2, -7], [0, 64, -127]]> : tensor<2x3xi8>
// CHECK-NEXT:    %[[GQ:.*]] = quant.scast %[[GI]] : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {7.812500e-03,0.031496062992125984}>>
// CHECK-NEXT:    %[[GW:.*]] = dyad.dequantize %[[GQ]]
// CHECK-NEXT:    %[[G:.*]] = dyad.gemm %[[FD]], %[[GW]], %{{.*}} {dyad.tensor = "logits", transB = true}
// The logits only reach the output through the Softmax (float
// postprocessing): 32 bits, max |[0.5, 2.55]| / 2^24.
// CHECK-NEXT:    %[[GQ2:.*]] = dyad.quantize %[[G]] : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i32:f32, 1.5199184417724608E-7>>
// CHECK-NEXT:    %[[GD:.*]] = dyad.dequantize %[[GQ2]]
// CHECK-NEXT:    %[[S:.*]] = dyad.softmax %[[GD]] {dyad.postprocessing, dyad.tensor = "probs"}
// CHECK-NEXT:    return %[[S]]

// WARN-NOT: warning
func.func @main_graph(%x: tensor<1x2x2x2xf32> {dyad.name = "input"}) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[[[0.5]], [[-1.27]]], [[[0.0]], [[0.0]]], [[[-2.54]], [[1.0]]]]> : tensor<3x2x1x1xf32>
  %b = arith.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %c = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "conv_out"} : (tensor<1x2x2x2xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<1x3x2x2xf32>
  %r = dyad.relu %c {dyad.tensor = "relu_out"} : tensor<1x3x2x2xf32>
  %m = dyad.max_pool %r {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, dyad.tensor = "pool_out"} : (tensor<1x3x2x2xf32>) -> tensor<1x3x1x1xf32>
  %f = dyad.flatten %m {dyad.tensor = "flat"} : (tensor<1x3x1x1xf32>) -> tensor<1x3xf32>
  %w2 = arith.constant dense<[[0.9921875, 0.01953125, -0.0546875], [0.0, 2.0, -4.0]]> : tensor<2x3xf32>
  %c2 = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %g = dyad.gemm %f, %w2, %c2 {transB = true, dyad.tensor = "logits"} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %s = dyad.softmax %g {dyad.tensor = "probs"} : tensor<1x2xf32>
  return %s : tensor<1x2xf32>
}

// An onnxruntime table ({"name": [min, max]} or {"lowest", "highest"}):
// logits [-2, 0.5], which only the Softmax reads: 32 bits, S = 2 / 2^24.
// ORT: dyad.quantize %{{.*}} : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.015686274509803921:-64>>
// ORT: dyad.quantize %{{.*}} : tensor<1x3x2x2xf32> to tensor<1x3x2x2x!quant.uniform<i8:f32, 0.023529411764705882:-128>>
// ORT: dyad.quantize %{{.*}} : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i32:f32, 1.1920928955078125E-7>>

// 4 bits: activations in [-8, 7] (input: S = 4/15, Z = round(-8 + 3.75) = -4;
// relu_out: S = 6/15), weights in [-7, 7] (S = max|W| / 7; the all-zero
// channel: 0.20000000298023224 / (4/15 * 2^30)).
// BITS4: dyad.quantize %{{.*}} : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8<-8:7>:f32, 0.26666666666666666:-4>>
// BITS4: arith.constant dense<{{\[\[\[\[}}3]], {{\[\[}}-7]]], {{\[\[\[}}0]], {{\[\[}}0]]], {{\[\[\[}}-7]], {{\[\[}}3]]]]> : tensor<3x2x1x1xi8>
// BITS4: quant.uniform<i8<-7:7>:f32:0, {0.18142856870378768,6.9849194136994974E-10,0.36285713740757536}>
// BITS4: dyad.quantize %{{.*}} : tensor<1x3x2x2xf32> to tensor<1x3x2x2x!quant.uniform<i8<-8:7>:f32, 4.000000e-01:-8>>

// 16 bits: stored in i16. Activations in [-32768, 32767] (input: S = 4/65535,
// Z = -32768 + 16384), weights in [-32767, 32767] (channel 0: S = 1.27 /
// 32767, 0.5 -> 12900). The all-zero channel's scale is the multiplier
// floor 2^-32 * S_out / S_in = 2^-32 * 1.5: the bias rule allows |b_q| up to
// 2^46 at 16 bits (integerize accumulates in i64 where i32 cannot hold it).
// BITS16: dyad.quantize %{{.*}} : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i16:f32, 6.1036087586785687E-5:-16384>>
// BITS16: arith.constant dense<{{\[\[\[\[}}12900]], {{\[\[}}-32767]]], {{\[\[\[}}0]], {{\[\[}}0]]], {{\[\[\[}}-32767]], {{\[\[}}12900]]]]> : tensor<3x2x1x1xi16>
// BITS16: quant.uniform<i16<-32767:32767>:f32:0, {3.8758506452422064E-5,3.4924596548080444E-10,7.7517012904844128E-5}>
// BITS16: dyad.quantize %{{.*}} : tensor<1x3x2x2xf32> to tensor<1x3x2x2x!quant.uniform<i16:f32, 9.1554131380178531E-5:-32768>>

// NOFILE: error: cannot read calibration table {{.*}}Inputs{{/|\\}}no-such-table.json: No such file or directory
// BADBITS: error: weight and activation bits must be in 2..16
