// RUN: dyad-opt %s --dyad-fold-batchnorm -split-input-file | FileCheck %s

// dyad-fold-batchnorm: batch_normalization(conv(X, W, B)) with constant
// parameters becomes one conv with W' = W * k and B' = (B - mean) * k + beta,
// k = gamma / sqrt(var + eps) per output channel.

// Channel 0: gamma 2, var 3, eps 1: k = 2 / sqrt(4) = 1; B' = (1 - 0.5) * 1 + 0.
// Channel 1: gamma 6, var 8, eps 1: k = 6 / sqrt(9) = 2; B' = (2 - 1) * 2 + 10.
// CHECK-LABEL: func.func @fold
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00]]], {{\[\[\[}}2.000000e+00, 2.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00, 2.000000e+00]]]]> : tensor<2x1x3x3xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[5.000000e-01, 1.200000e+01]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = dyad.conv %arg0, %[[W]] bias(%[[B]]) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NOT: dyad.batch_normalization
// CHECK: return %[[Y]]
func.func @fold(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
  %b = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %gamma = arith.constant dense<[2.0, 6.0]> : tensor<2xf32>
  %beta = arith.constant dense<[0.0, 10.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %c = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %y = dyad.batch_normalization %c, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// No conv bias: B' = (0 - mean) * k + beta = -1 * 1 + 0.25. The window
// attributes (asymmetric pads) and the dynamic batch are kept.
// CHECK-LABEL: func.func @fold_without_bias
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<-7.500000e-01> : tensor<1xf32>
// CHECK: dyad.conv %arg0, %[[W]] bias(%[[B]]) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 1, 1>} : (tensor<?x1x4x4xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>) -> tensor<?x1x4x4xf32>
// CHECK-NOT: dyad.batch_normalization
func.func @fold_without_bias(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %gamma = arith.constant dense<2.0> : tensor<1xf32>
  %beta = arith.constant dense<0.25> : tensor<1xf32>
  %mean = arith.constant dense<1.0> : tensor<1xf32>
  %var = arith.constant dense<3.0> : tensor<1xf32>
  %c = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 1, 1>} : (tensor<?x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<?x1x4x4xf32>
  %y = dyad.batch_normalization %c, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32} : (tensor<?x1x4x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x1x4x4xf32>
  return %y : tensor<?x1x4x4xf32>
}

// -----

// Depthwise (group 2): each weight row is one output channel. k = 4/2 and
// 4/4, so the weights 1 and 2 both become 2; group is kept.
// CHECK-LABEL: func.func @fold_depthwise
// CHECK-DAG: %[[W:.*]] = arith.constant dense<2.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK: dyad.conv %arg0, %[[W]] bias(%[[B]]) {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 1, 1>
// CHECK-NOT: dyad.batch_normalization
func.func @fold_depthwise(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %gamma = arith.constant dense<[4.0, 4.0]> : tensor<2xf32>
  %beta = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 15.0]> : tensor<2xf32>
  %c = dyad.conv %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = dyad.batch_normalization %c, %gamma, %beta, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// The conv has another user: nothing changes.
// CHECK-LABEL: func.func @conv_used_twice
// CHECK: %[[C:.*]] = dyad.conv
// CHECK: dyad.batch_normalization %[[C]]
func.func @conv_used_twice(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
  %w = arith.constant dense<1.0> : tensor<1x1x2x2xf32>
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %c = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
  %y = dyad.batch_normalization %c, %p, %p, %p, %p : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %y, %c : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>
}

// -----

// A run-time parameter: nothing changes.
// CHECK-LABEL: func.func @runtime_scale
// CHECK: %[[C:.*]] = dyad.conv
// CHECK: dyad.batch_normalization %[[C]], %arg1
func.func @runtime_scale(%x: tensor<1x1x4x4xf32>, %g: tensor<1xf32>) -> tensor<1x1x3x3xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x2x2xf32>
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %c = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
  %y = dyad.batch_normalization %c, %g, %p, %p, %p : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// Run-time weights: nothing changes.
// CHECK-LABEL: func.func @runtime_weights
// CHECK: dyad.batch_normalization
func.func @runtime_weights(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> {
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %c = dyad.conv %x, %w {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
  %y = dyad.batch_normalization %c, %p, %p, %p, %p : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// Not after a conv: nothing changes.
// CHECK-LABEL: func.func @after_relu
// CHECK: dyad.batch_normalization
func.func @after_relu(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %r = dyad.relu %x : tensor<1x1x3x3xf32>
  %y = dyad.batch_normalization %r, %p, %p, %p, %p : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// dyad-simplify runs the same pattern.
// RUN: dyad-opt %s --dyad-simplify -split-input-file | FileCheck %s --check-prefix=SIMPLIFY
// SIMPLIFY-LABEL: func.func @fold
// SIMPLIFY-NOT: dyad.batch_normalization
// SIMPLIFY: dyad.conv %arg0, %{{.*}} bias(%{{.*}})
// SIMPLIFY-NOT: dyad.batch_normalization
// SIMPLIFY-LABEL: func.func @fold_without_bias
