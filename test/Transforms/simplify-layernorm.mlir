// RUN: dyad-opt %s --dyad-simplify -split-input-file | FileCheck %s

// dyad-simplify fuses LayerNormalization written out op by op (torch before
// opset 17, tf2onnx, paddle2onnx) into one dyad.layer_normalization, and
// folds a following Mul / Add by constants into its scale and bias.

// torch's opset-13 form: Pow(d, 2), Div by the Sqrt, then * gamma + beta.
// CHECK-LABEL: func.func @torch_opset13(
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<[2.000000e+00, -1.000000e+00, 5.000000e-01]> : tensor<3xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[1.000000e-01, 0.000000e+00, -2.000000e-01]> : tensor<3xf32>
// CHECK:         %[[LN:.*]] = dyad.layer_normalization %arg0, %[[S]], %[[B]] {axis = 2 : i64, dyad.tensor = "out", resultSegmentSizes = array<i32: 1, 0, 0>}
// CHECK-NEXT:    return %[[LN]]
// CHECK-NOT:     dyad.reduce_mean
func.func @torch_opset13(%x: tensor<?x4x3xf32>) -> tensor<?x4x3xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %g = arith.constant dense<[2.0, -1.0, 0.5]> : tensor<3xf32>
  %b = arith.constant dense<[0.1, 0.0, -0.2]> : tensor<3xf32>
  %m = dyad.reduce_mean %x {axes = array<i64: -1>} : (tensor<?x4x3xf32>) -> tensor<?x4x1xf32>
  %d = dyad.sub %x, %m : (tensor<?x4x3xf32>, tensor<?x4x1xf32>) -> tensor<?x4x3xf32>
  %p = dyad.pow %d, %two : (tensor<?x4x3xf32>, tensor<f32>) -> tensor<?x4x3xf32>
  %v = dyad.reduce_mean %p {axes = array<i64: -1>} : (tensor<?x4x3xf32>) -> tensor<?x4x1xf32>
  %ve = dyad.add %v, %eps : (tensor<?x4x1xf32>, tensor<f32>) -> tensor<?x4x1xf32>
  %s = dyad.sqrt %ve : tensor<?x4x1xf32>
  %n = dyad.div %d, %s : (tensor<?x4x3xf32>, tensor<?x4x1xf32>) -> tensor<?x4x3xf32>
  %y = dyad.mul %n, %g : (tensor<?x4x3xf32>, tensor<3xf32>) -> tensor<?x4x3xf32>
  %z = dyad.add %y, %b {dyad.tensor = "out"} : (tensor<?x4x3xf32>, tensor<3xf32>) -> tensor<?x4x3xf32>
  return %z : tensor<?x4x3xf32>
}

// -----

// Over the last two dims, Mul(d, d), eps first in the Add, Reciprocal then
// Mul; no gamma / beta: scale 1, no bias.
// CHECK-LABEL: func.func @two_axes_reciprocal(
// CHECK:         %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<2x3xf32>
// CHECK:         %[[LN:.*]] = dyad.layer_normalization %arg0, %[[S]] {axis = 1 : i64, epsilon = 1.000000e-03 : f32, resultSegmentSizes = array<i32: 1, 0, 0>}
// CHECK-NEXT:    return %[[LN]]
func.func @two_axes_reciprocal(%x: tensor<5x2x3xf32>) -> tensor<5x2x3xf32> {
  %eps = arith.constant dense<1.0e-3> : tensor<1xf32>
  %m = dyad.reduce_mean %x {axes = array<i64: 1, 2>} : (tensor<5x2x3xf32>) -> tensor<5x1x1xf32>
  %d = dyad.sub %x, %m : (tensor<5x2x3xf32>, tensor<5x1x1xf32>) -> tensor<5x2x3xf32>
  %p = dyad.mul %d, %d : (tensor<5x2x3xf32>, tensor<5x2x3xf32>) -> tensor<5x2x3xf32>
  %v = dyad.reduce_mean %p {axes = array<i64: 2, 1>} : (tensor<5x2x3xf32>) -> tensor<5x1x1xf32>
  %ve = dyad.add %eps, %v : (tensor<1xf32>, tensor<5x1x1xf32>) -> tensor<5x1x1xf32>
  %s = dyad.sqrt %ve : tensor<5x1x1xf32>
  %r = dyad.reciprocal %s : tensor<5x1x1xf32>
  %n = dyad.mul %r, %d : (tensor<5x1x1xf32>, tensor<5x2x3xf32>) -> tensor<5x2x3xf32>
  return %n : tensor<5x2x3xf32>
}

// -----

// Not a LayerNorm: the mean is over a leading dim (axis 0 of the batch), or
// the variance is of another value. Nothing changes.
// CHECK-LABEL: func.func @not_layernorm(
// CHECK-COUNT-2: dyad.reduce_mean
// CHECK:         dyad.div
// CHECK-NOT:     dyad.layer_normalization
func.func @not_layernorm(%x: tensor<4x3xf32>, %w: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %m = dyad.reduce_mean %x {axes = array<i64: -1>} : (tensor<4x3xf32>) -> tensor<4x1xf32>
  %d = dyad.sub %x, %m : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  %p = dyad.mul %w, %w : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %v = dyad.reduce_mean %p {axes = array<i64: -1>} : (tensor<4x3xf32>) -> tensor<4x1xf32>
  %ve = dyad.add %v, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %s = dyad.sqrt %ve : tensor<4x1xf32>
  %n = dyad.div %d, %s : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  return %n : tensor<4x3xf32>
}
