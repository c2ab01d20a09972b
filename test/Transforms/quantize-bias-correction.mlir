// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/bias-correction-table.json weight-bits=4 bias-correction=true}))' -mlir-print-op-on-diagnostic=false -verify-diagnostics | FileCheck %s
// RUN: dyad-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/bias-correction-table.json weight-bits=4}))' -mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=OFF

// Bias correction: each output channel's bias loses the mean error of its
// rounded weights, sum_k (W_q - W)[c,k] * E[x_k], E[x] from the table's
// channel_mean of the input (measured by --calibrate).
// Conv at 4 bits, input means [2, -1]:
//   channel 0: S = 1.27 / 7, W = [0.5, -1.27] -> [3, -7] * S = [0.5442857,
//     -1.27]: shift 0.0442857 * 2 = 0.0885714, bias 0.1 -> 0.0114286;
//   channel 1: all zero, no shift, 0.2;
//   channel 2: S = 2.54 / 7, W = [-2.54, 1.0] -> [-7, 3] * S = [-2.54,
//     1.0885714]: shift 0.0885714 * -1, bias 0.3 -> 0.3885714.
// CHECK-LABEL: func.func @conv(
// CHECK: %[[B:.*]] = arith.constant dense<[0.0114285{{[0-9]*}}, 2.000000e-01, 0.388571{{[0-9]*}}]> : tensor<3xf32>
// CHECK: dyad.conv %{{.*}}, %{{.*}} bias(%[[B]]) {{.*}}dyad.bias_correction = 0.0885714
// OFF-LABEL: func.func @conv(
// OFF-NOT: dyad.bias_correction
func.func @conv(%x: tensor<1x2x2x2xf32> {dyad.name = "input"}) -> tensor<1x3x2x2xf32> {
  %w = arith.constant dense<[[[[0.5]], [[-1.27]]], [[[0.0]], [[0.0]]], [[[-2.54]], [[1.0]]]]> : tensor<3x2x1x1xf32>
  %b = arith.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %c = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "conv_out"} : (tensor<1x2x2x2xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<1x3x2x2xf32>
  return %c : tensor<1x3x2x2xf32>
}

// -----

// Gemm (transB, no bias, beta 1): the correction becomes its C. Input means
// [1, 0.5, -2]; row 0 [0.9921875, 0.01953125, -0.0546875] at S = 0.9921875 / 7:
// [7, 0, 0] * S: shift -0.01953125 * 0.5 + 0.0546875 * -2 = -0.1191406;
// row 1 [0, 2, -4] at S = 4 / 7: [0, 3.5 -> 4, -7] * S = [0, 2.2857143, -4]:
// shift 0.2857143 * 0.5 = 0.1428571. C = [0.1191406, -0.1428571].
// CHECK-LABEL: func.func @gemm(
// CHECK: %[[C:.*]] = arith.constant dense<[0.119140{{[0-9]*}}, -0.142857{{[0-9]*}}]> : tensor<2xf32>
// CHECK: dyad.gemm %{{.*}}, %{{.*}}, %[[C]]
func.func @gemm(%f: tensor<1x3xf32> {dyad.name = "flat"}) -> tensor<1x2xf32> {
  %w2 = arith.constant dense<[[0.9921875, 0.01953125, -0.0546875], [0.0, 2.0, -4.0]]> : tensor<2x3xf32>
  %g = dyad.gemm %f, %w2 {transB = true, dyad.tensor = "logits"} : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return %g : tensor<1x2xf32>
}

// -----

// An input without channel means (a table from before, or imported): the
// layer keeps its bias, and one warning says so.
// expected-warning @+1 {{bias correction skipped on 1 layer: the calibration table has no channel means for their inputs (recalibrate with this Dyad)}}
func.func @no_means(%x: tensor<1x2x2x2xf32> {dyad.name = "conv_out"}) -> tensor<1x3x2x2xf32> {
  %w = arith.constant dense<[[[[0.5]], [[-1.27]]], [[[0.0]], [[0.0]]], [[[-2.54]], [[1.0]]]]> : tensor<3x2x1x1xf32>
  %c = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "logits"} : (tensor<1x2x2x2xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x2x2xf32>
  return %c : tensor<1x3x2x2xf32>
}
