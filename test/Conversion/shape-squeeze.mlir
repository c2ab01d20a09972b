// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Results that would be views of an argument feed an add, so that the
// functions return fresh buffers.

// A squeezed dim that the type leaves dynamic is 1 (ONNX requires it): a
// cast says so before the collapse.
// CHECK-LABEL: func.func @squeeze(
// CHECK-SAME: %[[X:.*]]: tensor<1x?x?x3xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[X]] : tensor<1x?x?x3xf32> to tensor<1x?x1x3xf32>
// CHECK: tensor.collapse_shape %[[C]] {{\[\[}}0, 1, 2], [3]] : tensor<1x?x1x3xf32> into tensor<?x3xf32>
func.func @squeeze(%x: tensor<1x?x?x3xf32>) -> tensor<?x3xf32> {
  %r = dyad.squeeze %x {axes = array<i64: 0, -2>} : (tensor<1x?x?x3xf32>) -> tensor<?x3xf32>
  %y = dyad.add %r, %r : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// No axes: the static unit dims.
// CHECK-LABEL: func.func @squeeze_all(
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : tensor<1x3x1xf32> into tensor<3xf32>
func.func @squeeze_all(%x: tensor<1x3x1xf32>) -> tensor<3xf32> {
  %r = dyad.squeeze %x {axes = array<i64>} : (tensor<1x3x1xf32>) -> tensor<3xf32>
  %y = dyad.add %r, %r : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// CHECK-LABEL: func.func @squeeze_scalar(
// CHECK: tensor.collapse_shape %{{.*}} [] : tensor<1x1xf32> into tensor<f32>
func.func @squeeze_scalar(%x: tensor<1x1xf32>) -> tensor<f32> {
  %r = dyad.squeeze %x {axes = array<i64>} : (tensor<1x1xf32>) -> tensor<f32>
  %y = dyad.add %r, %r : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %y : tensor<f32>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[[[0.0, 1.0, 2.0]], [[4.0, 5.0, 6.0]], [[8.0, 9.0, 10.0]]]]> : tensor<1x3x1x3xf32>
  %c0_0 = tensor.cast %a0_0 : tensor<1x3x1x3xf32> to tensor<1x?x?x3xf32>
  %r0_0 = call @squeeze(%c0_0) : (tensor<1x?x?x3xf32>) -> tensor<?x3xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[[[1.0], [2.0], [3.0]]]> : tensor<1x3x1xf32>
  %r1_0 = call @squeeze_all(%a1_0) : (tensor<1x3x1xf32>) -> tensor<3xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  %a2_0 = arith.constant dense<[[1.5]]> : tensor<1x1xf32>
  %r2_0 = call @squeeze_scalar(%a2_0) : (tensor<1x1xf32>) -> tensor<f32>
  %u2_0 = tensor.cast %r2_0 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%u2_0) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// EXEC: rank = 2 offset = 0 sizes = [3, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 2, 4],
// EXEC-NEXT: [8, 10, 12],
// EXEC-NEXT: [16, 18, 20]]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [2, 4, 6]
// EXEC: rank = 0 offset = 0 sizes = [] strides = {{.*}} data =
// EXEC-NEXT: [3]
