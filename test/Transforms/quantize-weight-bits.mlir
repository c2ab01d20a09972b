// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/quantize-table.json}))' -mlir-print-op-on-diagnostic=false -verify-diagnostics | FileCheck %s

// Mixed precision: a `dyad.weight_bits` attribute on a weighted op (set by
// dyadc --mixed-precision, lib/Compiler/MixedPrecision.cpp) overrides the
// pass's weight-bits for that op only. Conv at 4 bits: per channel
// S = max|W| / 7 (channel 2: 2.54 / 7 = 0.36285713740757536), integers in
// [-7, 7]; the Gemm keeps 8 bits, [-127, 127] (row 0: S = 0.9921875 / 127 =
// 2^-7). Activations keep 8 bits.

// CHECK-LABEL: func.func @main_graph(
// CHECK: dyad.quantize %{{.*}} : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.015686274509803921:-64>>
// CHECK: arith.constant dense<{{\[\[\[\[}}3]], {{\[\[}}-7]]], {{\[\[\[}}0]], {{\[\[}}0]]], {{\[\[\[}}-7]], {{\[\[}}3]]]]> : tensor<3x2x1x1xi8>
// CHECK: quant.uniform<i8<-7:7>:f32:0, {0.18142856870378768,1.1874363003289146E-8,0.36285713740757536}>
// CHECK: dyad.conv {{.*}}dyad.weight_bits = 4
// CHECK: quant.uniform<i8<-127:127>:f32:0, {7.812500e-03,0.031496062992125984}>
// CHECK: dyad.gemm
func.func @main_graph(%x: tensor<1x2x2x2xf32> {dyad.name = "input"}) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[[[0.5]], [[-1.27]]], [[[0.0]], [[0.0]]], [[[-2.54]], [[1.0]]]]> : tensor<3x2x1x1xf32>
  %b = arith.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %c = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "conv_out", dyad.weight_bits = 4 : i64} : (tensor<1x2x2x2xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<1x3x2x2xf32>
  %r = dyad.relu %c {dyad.tensor = "relu_out"} : tensor<1x3x2x2xf32>
  %m = dyad.max_pool %r {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, dyad.tensor = "pool_out"} : (tensor<1x3x2x2xf32>) -> tensor<1x3x1x1xf32>
  %f = dyad.flatten %m {dyad.tensor = "flat"} : (tensor<1x3x1x1xf32>) -> tensor<1x3xf32>
  %w2 = arith.constant dense<[[0.9921875, 0.01953125, -0.0546875], [0.0, 2.0, -4.0]]> : tensor<2x3xf32>
  %c2 = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %g = dyad.gemm %f, %w2, %c2 {transB = true, dyad.tensor = "logits"} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %s = dyad.softmax %g {dyad.tensor = "probs"} : tensor<1x2xf32>
  return %s : tensor<1x2xf32>
}

// -----

// A width outside 2..16 is an error at the op.
func.func @main_graph(%x: tensor<1x2x2x2xf32> {dyad.name = "input"}) -> tensor<1x3x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<3x2x1x1xf32>
  // expected-error @+1 {{dyad.weight_bits must be an integer in 2..16, not 17 : i64}}
  %c = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "conv_out", dyad.weight_bits = 17 : i64} : (tensor<1x2x2x2xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x2x2xf32>
  return %c : tensor<1x3x2x2xf32>
}
