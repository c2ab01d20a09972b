// RUN: dyad-opt %s --dyad-integerize --canonicalize -split-input-file | FileCheck %s

// The value-moving ops of exported models (ReduceMax / ReduceMin, Tile,
// DepthToSpace, SpaceToDepth) are pass-through: inside a QDQ chain they work
// on the integers and keep the input's scale; a requant follows only where
// the output's parameters differ (0.5:-3 -> 0.25:0, M = 2).
// CHECK-LABEL: func.func @pass_through(
// CHECK:         %[[X:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[D:.*]] = dyad.depth_to_space %[[X]] {blocksize = 2 : i64} : (tensor<1x8x2x2xi8>) -> tensor<1x2x4x4xi8>
// CHECK-NEXT:    %[[S:.*]] = dyad.space_to_depth %[[D]] {blocksize = 2 : i64} : (tensor<1x2x4x4xi8>) -> tensor<1x8x2x2xi8>
// CHECK-NEXT:    %[[T:.*]] = dyad.tile %[[S]] {repeats = array<i64: 1, 1, 2, 1>} : (tensor<1x8x2x2xi8>) -> tensor<1x8x4x2xi8>
// CHECK-NEXT:    %[[M:.*]] = dyad.reduce_max %[[T]] {axes = array<i64: 2, 3>} : (tensor<1x8x4x2xi8>) -> tensor<1x8x1x1xi8>
// CHECK-NEXT:    %[[N:.*]] = dyad.reduce_min %[[M]] {axes = array<i64: 1>, keepdims = false} : (tensor<1x8x1x1xi8>) -> tensor<1x1x1xi8>
// CHECK-NEXT:    %[[R:.*]] = dyad.requant %[[N]] {clamp_max = 127 : i64, clamp_min = -128 : i64, input_zp = -3 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: 29>} : tensor<1x1x1xi8> to tensor<1x1x1xi8>
// CHECK-NEXT:    %[[Q:.*]] = quant.scast %[[R]]
// CHECK-NEXT:    return %[[Q]]
!q = !quant.uniform<i8:f32, 0.5:-3>
func.func @pass_through(%x: tensor<1x8x2x2x!q>) -> tensor<1x1x1x!quant.uniform<i8:f32, 0.25:0>> {
  %xf = dyad.dequantize %x : tensor<1x8x2x2x!q> to tensor<1x8x2x2xf32>
  %d = dyad.depth_to_space %xf {blocksize = 2 : i64} : (tensor<1x8x2x2xf32>) -> tensor<1x2x4x4xf32>
  %dq = dyad.quantize %d : tensor<1x2x4x4xf32> to tensor<1x2x4x4x!q>
  %dd = dyad.dequantize %dq : tensor<1x2x4x4x!q> to tensor<1x2x4x4xf32>
  %s = dyad.space_to_depth %dd {blocksize = 2 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x8x2x2xf32>
  %sq = dyad.quantize %s : tensor<1x8x2x2xf32> to tensor<1x8x2x2x!q>
  %sd = dyad.dequantize %sq : tensor<1x8x2x2x!q> to tensor<1x8x2x2xf32>
  %t = dyad.tile %sd {repeats = array<i64: 1, 1, 2, 1>} : (tensor<1x8x2x2xf32>) -> tensor<1x8x4x2xf32>
  %tq = dyad.quantize %t : tensor<1x8x4x2xf32> to tensor<1x8x4x2x!q>
  %td = dyad.dequantize %tq : tensor<1x8x4x2x!q> to tensor<1x8x4x2xf32>
  %m = dyad.reduce_max %td {axes = array<i64: 2, 3>} : (tensor<1x8x4x2xf32>) -> tensor<1x8x1x1xf32>
  %mq = dyad.quantize %m : tensor<1x8x1x1xf32> to tensor<1x8x1x1x!q>
  %md = dyad.dequantize %mq : tensor<1x8x1x1x!q> to tensor<1x8x1x1xf32>
  %n = dyad.reduce_min %md {axes = array<i64: 1>, keepdims = false} : (tensor<1x8x1x1xf32>) -> tensor<1x1x1xf32>
  %nq = dyad.quantize %n : tensor<1x1x1xf32> to tensor<1x1x1x!quant.uniform<i8:f32, 0.25:0>>
  return %nq : tensor<1x1x1x!quant.uniform<i8:f32, 0.25:0>>
}
