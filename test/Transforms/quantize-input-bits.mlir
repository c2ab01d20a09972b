// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/quantize-table.json}))' -mlir-print-op-on-diagnostic=false -verify-diagnostics | FileCheck %s

// Per-layer activation widths: `dyad.input_bits` on a weighted op (dyadc
// --layer-bits) sets the width of the activation it reads, in place of the
// pass's activation-bits. The conv reads the input at 4 bits ([-8, 7] in a
// byte); the Gemm reads `relu_out` at 16 bits (i16) through the max pool and
// the flatten, which keep their input's type. The Gemm's weights stay 8
// bits (its accumulator will be i64 all the same, for the 16-bit input: the
// integer pass decides).

// CHECK-LABEL: func.func @main_graph(
// CHECK: dyad.quantize %{{.*}} : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8<-8:7>:f32, {{.*}}>>
// CHECK: dyad.conv
// CHECK: dyad.quantize %{{.*}} : tensor<1x3x2x2xf32> to tensor<1x3x2x2x!quant.uniform<i16:f32, {{.*}}>>
// CHECK: dyad.max_pool
// CHECK: dyad.quantize %{{.*}} : tensor<1x3x1x1xf32> to tensor<1x3x1x1x!quant.uniform<i16:f32, {{.*}}>>
// CHECK: dyad.flatten
// CHECK: dyad.quantize %{{.*}} : tensor<1x3xf32> to tensor<1x3x!quant.uniform<i16:f32, {{.*}}>>
// CHECK: quant.uniform<i8<-127:127>:f32:0,
// CHECK: dyad.gemm
func.func @main_graph(%x: tensor<1x2x2x2xf32> {dyad.name = "input"}) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[[[0.5]], [[-1.27]]], [[[0.0]], [[0.0]]], [[[-2.54]], [[1.0]]]]> : tensor<3x2x1x1xf32>
  %b = arith.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %c = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "conv_out", dyad.input_bits = 4 : i64} : (tensor<1x2x2x2xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<1x3x2x2xf32>
  %r = dyad.relu %c {dyad.tensor = "relu_out"} : tensor<1x3x2x2xf32>
  %m = dyad.max_pool %r {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>, dyad.tensor = "pool_out"} : (tensor<1x3x2x2xf32>) -> tensor<1x3x1x1xf32>
  %f = dyad.flatten %m {dyad.tensor = "flat"} : (tensor<1x3x1x1xf32>) -> tensor<1x3xf32>
  %w2 = arith.constant dense<[[0.9921875, 0.01953125, -0.0546875], [0.0, 2.0, -4.0]]> : tensor<2x3xf32>
  %c2 = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %g = dyad.gemm %f, %w2, %c2 {transB = true, dyad.tensor = "logits", dyad.input_bits = 16 : i64} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %s = dyad.softmax %g {dyad.tensor = "probs"} : tensor<1x2xf32>
  return %s : tensor<1x2xf32>
}

// -----

// Two layers reading one activation at different widths: it is quantized
// once, at the wider.

// CHECK-LABEL: func.func @main_graph(
// CHECK: dyad.quantize %{{.*}} : tensor<1x3xf32> to tensor<1x3x!quant.uniform<i16:f32, {{.*}}>>
// CHECK-NOT: dyad.quantize %{{.*}} : tensor<1x3xf32>
func.func @main_graph(%x: tensor<1x3xf32> {dyad.name = "pool_out"}) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w2 = arith.constant dense<[[0.9921875, 0.01953125, -0.0546875], [0.0, 2.0, -4.0]]> : tensor<2x3xf32>
  %g = dyad.gemm %x, %w2 {transB = true, dyad.tensor = "logits", dyad.input_bits = 4 : i64} : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  %h = dyad.gemm %x, %w2 {transB = true, dyad.tensor = "conv_out", dyad.input_bits = 16 : i64} : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return %g, %h : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// A width outside 2..16 is an error at the op.
func.func @main_graph(%x: tensor<1x2x2x2xf32> {dyad.name = "input"}) -> tensor<1x3x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<3x2x1x1xf32>
  // expected-error @+1 {{dyad.input_bits must be an integer in 2..16, not 1 : i64}}
  %c = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "conv_out", dyad.input_bits = 1 : i64} : (tensor<1x2x2x2xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x2x2xf32>
  return %c : tensor<1x3x2x2xf32>
}
