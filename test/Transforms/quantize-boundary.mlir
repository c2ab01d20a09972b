// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/boundary-table.json}))' | FileCheck %s
// RUN: dyad-opt %s --pass-pipeline='builtin.module(dyad-quantize-pipeline{table=%S/Inputs/boundary-table.json})' | FileCheck %s --check-prefix=INT
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/boundary-table-missing.json}))' -mlir-print-op-on-diagnostic=false 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN

// Float work at the graph boundary stays outside the quantized region: the
// normalization an exporter baked in ((x - mean) / std, per channel) runs in
// float ahead of the first quantize, the Sigmoid on the scores after the last
// dequantize. Inside, every op is integer (dyad-verify-integer-only passes).

// CHECK-LABEL: func.func @main_graph(
// CHECK-NOT:     dyad.quantize
// CHECK:         %[[S:.*]] = dyad.sub %arg0, %{{.*}} {dyad.tensor = "centered"}
// CHECK-NEXT:    %[[D:.*]] = dyad.div %[[S]], %{{.*}} {dyad.tensor = "normalized"}
// CHECK-NEXT:    %[[DQ:.*]] = dyad.quantize %[[D]] : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.019607843137254902:-26>>
// CHECK:         dyad.conv
// CHECK:         %[[G:.*]] = dyad.gemm {{.*}}dyad.tensor = "logits"
// CHECK-NEXT:    %[[GQ:.*]] = dyad.quantize %[[G]]
// CHECK-NEXT:    %[[GD:.*]] = dyad.dequantize %[[GQ]]
// CHECK-NEXT:    %[[SIG:.*]] = dyad.sigmoid %[[GD]] {dyad.postprocessing, dyad.tensor = "scores"}
// CHECK-NEXT:    return %[[SIG]]

// INT-LABEL: func.func @main_graph(
// INT:         dyad.sub
// INT:         dyad.div {{.*}}dyad.float_reason = "float preprocessing ahead of the quantized region"
// INT:         dyad.quantize
// INT:         dyad.conv {{.*}} -> tensor<1x3x2x2xi32>
// INT:         dyad.requant
// INT:         dyad.matmul {{.*}} -> tensor<1x2xi32>
// INT:         dyad.dequantize
// INT-NEXT:    dyad.sigmoid
// INT-NEXT:    return

// WARN: warning: the calibration table has no entry for 2 tensors (they stay float): 'relu_out', 'flat'
func.func @main_graph(%x: tensor<1x2x2x2xf32> {dyad.name = "input"}) -> tensor<1x2xf32> {
  %mean = arith.constant dense<[[[[0.25]], [[0.5]]]]> : tensor<1x2x1x1xf32>
  %std = arith.constant dense<[[[[0.25]], [[0.125]]]]> : tensor<1x2x1x1xf32>
  %s = dyad.sub %x, %mean {dyad.tensor = "centered"} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %d = dyad.div %s, %std {dyad.tensor = "normalized"} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %w = arith.constant dense<[[[[0.5]], [[-1.0]]], [[[0.25]], [[0.75]]], [[[-2.0]], [[1.0]]]]> : tensor<3x2x1x1xf32>
  %c = dyad.conv %d, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "conv_out"} : (tensor<1x2x2x2xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x2x2xf32>
  %r = dyad.relu %c {dyad.tensor = "relu_out"} : tensor<1x3x2x2xf32>
  %f = dyad.flatten %r {dyad.tensor = "flat"} : (tensor<1x3x2x2xf32>) -> tensor<1x12xf32>
  %w2 = arith.constant dense<0.125> : tensor<2x12xf32>
  %g = dyad.gemm %f, %w2 {transB = true, dyad.tensor = "logits"} : (tensor<1x12xf32>, tensor<2x12xf32>) -> tensor<1x2xf32>
  %p = dyad.sigmoid %g {dyad.tensor = "scores"} : tensor<1x2xf32>
  return %p : tensor<1x2xf32>
}
