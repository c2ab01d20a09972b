// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/quantize-postprocessing.json}))' | FileCheck %s
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-quantize-pipeline{table=%S/Inputs/quantize-postprocessing.json})' | FileCheck %s --check-prefix=INT

// M-LSD's head: the score logits are upsampled, passed through a Sigmoid
// and kept where they are a peak, x * (x == maxpool(x)). The Sigmoid and
// everything after it on the way to the output is postprocessing, and so
// is the Resize before it: float, no quantize, marked for the report (on
// 8-bit scores the peak test finds plateaus of ties). The conv whose result
// only that postprocessing reads is requantized to 32 bits, scale
// max|[-8, 4]| / 2^24 = 2^-21, and dequantized from there. The offsets
// (conv -> transpose -> output, no nonlinear function) stay 8-bit.
// CHECK-LABEL: func.func @main_graph(
// CHECK:         %[[L:.*]] = dyad.conv {{.*}}dyad.tensor = "logits"
// CHECK-NEXT:    %[[LQ:.*]] = dyad.quantize %[[L]] : tensor<1x1x4x4xf32> to tensor<1x1x4x4x!quant.uniform<i32:f32, 4.76837158203125E-7>>
// CHECK-NEXT:    %[[LD:.*]] = dyad.dequantize %[[LQ]]
// CHECK-NEXT:    %[[U:.*]] = dyad.resize %[[LD]] {dyad.postprocessing, dyad.tensor = "up"
// CHECK-NEXT:    %[[S:.*]] = dyad.sigmoid %[[U]] {dyad.postprocessing, dyad.tensor = "scores"}
// CHECK-NEXT:    %[[P:.*]] = dyad.max_pool %[[S]] {dilations {{.*}}dyad.postprocessing
// CHECK-NEXT:    %[[E:.*]] = dyad.equal %[[S]], %[[P]]
// CHECK-NEXT:    %[[C:.*]] = dyad.cast %[[E]]
// CHECK-NEXT:    %[[K:.*]] = dyad.mul %[[S]], %[[C]] {dyad.postprocessing, dyad.tensor = "kept"}
// CHECK:         dyad.conv {{.*}}dyad.tensor = "offsets"
// CHECK-NEXT:    dyad.quantize %{{.*}} to tensor<1x2x4x4x!quant.uniform<i8:f32, 0.98039215686274505:-77>>
// CHECK:         dyad.transpose {{.*}}dyad.tensor = "offsets_t"
// CHECK-NEXT:    dyad.quantize %{{.*}} to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.98039215686274505:-77>>

// INT-LABEL: func.func @main_graph(
// INT:         dyad.conv {{.*}} -> tensor<1x1x4x4xi32>
// INT-NEXT:    dyad.requant {{.*}}clamp_max = 2147483647 : i64, clamp_min = -2147483648 : i64{{.*}} to tensor<1x1x4x4xi32>
// INT:         dyad.dequantize {{.*}}!quant.uniform<i32:f32, 4.76837158203125E-7>> to tensor<1x1x4x4xf32>
// INT-NEXT:    dyad.resize {{.*}} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
// INT-NEXT:    dyad.sigmoid {{.*}} : tensor<1x1x8x8xf32>
func.func @main_graph(%x: tensor<1x3x4x4xf32> {dyad.name = "input"}) -> (tensor<1x1x8x8xf32>, tensor<1x4x4x2xf32>) {
  %w = arith.constant dense<[[[[0.5]], [[-1.0]], [[0.25]]]]> : tensor<1x3x1x1xf32>
  %l = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "logits"} : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x1x4x4xf32>
  %u = dyad.resize %l {mode = #dyad.resize_mode<linear>, sizes = array<i64: 1, 1, 8, 8>, dyad.tensor = "up"} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  %s = dyad.sigmoid %u {dyad.tensor = "scores"} : tensor<1x1x8x8xf32>
  %p = dyad.max_pool %s {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, dyad.tensor = "peaks"} : (tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %e = dyad.equal %s, %p : (tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xi1>
  %c = dyad.cast %e : tensor<1x1x8x8xi1> to tensor<1x1x8x8xf32>
  %k = dyad.mul %s, %c {dyad.tensor = "kept"} : (tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %w2 = arith.constant dense<[[[[1.0]], [[2.0]], [[3.0]]], [[[-1.0]], [[0.5]], [[4.0]]]]> : tensor<2x3x1x1xf32>
  %o = dyad.conv %x, %w2 {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "offsets"} : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
  %t = dyad.transpose %o {perm = array<i64: 0, 2, 3, 1>, dyad.tensor = "offsets_t"} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  return %k, %t : tensor<1x1x8x8xf32>, tensor<1x4x4x2xf32>
}
