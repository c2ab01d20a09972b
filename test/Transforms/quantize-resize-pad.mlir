// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-quantize{table=%S/Inputs/quantize-resize-pad.json}))' -mlir-print-op-on-diagnostic=false | FileCheck %s

// Ops that copy values keep their input's quantization (the table's ranges
// for up and padded, [0, 50], are not used): nearest-neighbour Resize, and
// Pad by border copies or by 0 (every range includes 0: its zero point).
// A Pad by another constant (7, outside the input's [0, 6]) and a linear
// Resize take their own calibrated ranges; an op that moves the values of
// a linear Resize keeps its parameters, one that moves the values of a
// cubic Resize (no integer form: the move runs in float) has its own.
// relu_out [0, 6]: S = 6/255, Z = -128; [0, 50]: S = 50/255; mc [0, 25.5]:
// S = 0.1.
// CHECK-LABEL: func.func @main_graph(
// CHECK:         dyad.relu
// CHECK-NEXT:    dyad.quantize %{{.*}} to tensor<1x2x4x4x!quant.uniform<i8:f32, 0.023529411764705882:-128>>
// CHECK:         dyad.resize {{.*}}dyad.tensor = "up"
// CHECK-NEXT:    dyad.quantize %{{.*}} to tensor<1x2x8x8x!quant.uniform<i8:f32, 0.023529411764705882:-128>>
// CHECK:         dyad.pad {{.*}}dyad.tensor = "padded"
// CHECK-NEXT:    dyad.quantize %{{.*}} to tensor<1x2x6x6x!quant.uniform<i8:f32, 0.023529411764705882:-128>>
// CHECK:         dyad.pad {{.*}}dyad.tensor = "padded7"
// CHECK-NEXT:    dyad.quantize %{{.*}} to tensor<1x2x6x6x!quant.uniform<i8:f32, 0.19607843137254902:-128>>
// CHECK:         dyad.resize {{.*}}dyad.tensor = "lin"
// CHECK-NEXT:    dyad.quantize %{{.*}} to tensor<1x2x8x8x!quant.uniform<i8:f32, 0.19607843137254902:-128>>
// CHECK:         dyad.resize {{.*}}dyad.tensor = "cub"
// CHECK-NEXT:    dyad.quantize %{{.*}} to tensor<1x2x8x8x!quant.uniform<i8:f32, 0.19607843137254902:-128>>
// CHECK:         dyad.max_pool {{.*}}dyad.tensor = "ml"
// CHECK-NEXT:    dyad.quantize %{{.*}} to tensor<1x2x8x8x!quant.uniform<i8:f32, 0.19607843137254902:-128>>
// CHECK:         dyad.max_pool {{.*}}dyad.tensor = "mc"
// CHECK-NEXT:    dyad.quantize %{{.*}} to tensor<1x2x8x8x!quant.uniform<i8:f32, 1.000000e-01:-128>>
func.func @main_graph(%x: tensor<1x2x4x4xf32> {dyad.name = "input"}) -> (tensor<1x2x8x8xf32>, tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>, tensor<1x2x8x8xf32>) {
  %r = dyad.relu %x {dyad.tensor = "relu_out"} : tensor<1x2x4x4xf32>
  %u = dyad.resize %r {mode = #dyad.resize_mode<nearest>, nearest_mode = #dyad.nearest_mode<floor>, sizes = array<i64: 1, 2, 8, 8>, dyad.tensor = "up"} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  %p = dyad.pad %r {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, dyad.tensor = "padded"} : (tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32>
  %p7 = dyad.pad %r {constant_value = 7.0 : f64, pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, dyad.tensor = "padded7"} : (tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32>
  %l = dyad.resize %r {mode = #dyad.resize_mode<linear>, sizes = array<i64: 1, 2, 8, 8>, dyad.tensor = "lin"} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  %c = dyad.resize %r {mode = #dyad.resize_mode<cubic>, sizes = array<i64: 1, 2, 8, 8>, dyad.tensor = "cub"} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  // (Max pools, which keep their input's quantization, between the last two
  // and the graph outputs: a last op without an integer form would be
  // float postprocessing.)
  %m7 = dyad.max_pool %p7 {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "m7"} : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  %ml = dyad.max_pool %l {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "ml"} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %mc = dyad.max_pool %c {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, dyad.tensor = "mc"} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  // (An Add after the cubic Resize's max pool: without it, the Resize and
  // the pool would be float postprocessing before an output.)
  %sum = dyad.add %ml, %mc {dyad.tensor = "sum"} : (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  return %u, %p, %m7, %sum : tensor<1x2x8x8xf32>, tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>, tensor<1x2x8x8xf32>
}
