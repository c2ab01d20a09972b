// Forms the shape lowerings do not handle are left alone (and the conversion
// reports them) rather than lowered wrongly.
// RUN: not dyad-opt %s --dyad-to-linalg 2>&1 | FileCheck %s

// Slice parameters of unknown length: which axes are sliced is unknown.
// CHECK: error: failed to legalize operation 'dyad.slice'
func.func @slice_unknown_length(%x: tensor<4x4xf32>, %p: tensor<?xi64>) -> tensor<?x?xf32> {
  %0 = dyad.slice %x, %p, %p, %p, %p : (tensor<4x4xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// A reshape shape of unknown length.
// CHECK: error: failed to legalize operation 'dyad.reshape'
func.func @reshape_unknown_length(%x: tensor<4x4xf32>, %s: tensor<?xi64>) -> tensor<?x?xf32> {
  %0 = dyad.reshape %x, %s : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// A constant shape that contradicts the result type.
// CHECK: error: failed to legalize operation 'dyad.reshape'
func.func @reshape_contradiction(%x: tensor<2x3xf32>) -> tensor<6x1xf32> {
  %s = arith.constant dense<[3, 2]> : tensor<2xi64>
  %0 = dyad.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<6x1xf32>
  return %0 : tensor<6x1xf32>
}

// Squeeze without axes of a dynamic dim: whether it goes is known only at
// run time, and the result rank says neither.
// CHECK: error: failed to legalize operation 'dyad.squeeze'
func.func @squeeze_ambiguous(%x: tensor<?x1x3xf32>) -> tensor<3xf32> {
  %0 = dyad.squeeze %x {axes = array<i64>} : (tensor<?x1x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// Expand to a shape of unknown length.
// CHECK: error: failed to legalize operation 'dyad.expand'
func.func @expand_unknown_length(%x: tensor<3xf32>, %s: tensor<?xi64>) -> tensor<?x?xf32> {
  %0 = dyad.expand %x, %s : (tensor<3xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// Linear interpolation of integers (ONNX leaves the rounding open).
// CHECK: error: failed to legalize operation 'dyad.resize'
func.func @resize_linear_int(%x: tensor<1x1x2x2xi32>) -> tensor<1x1x4x4xi32> {
  %0 = dyad.resize %x {mode = #dyad.resize_mode<linear>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xi32>) -> tensor<1x1x4x4xi32>
  return %0 : tensor<1x1x4x4xi32>
}

// Unranked tensors.
// CHECK: error: failed to legalize operation 'dyad.transpose'
func.func @transpose_unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  %0 = dyad.transpose %x {perm = array<i64: 1, 0>} : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
