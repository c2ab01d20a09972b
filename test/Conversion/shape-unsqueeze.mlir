// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Results that would be views of an argument feed an add, so that the
// functions return fresh buffers.

// New unit dims join the group of the dim before them (leading ones the
// first group).
// CHECK-LABEL: func.func @unsqueeze(
// CHECK-SAME: %[[X:.*]]: tensor<?x3xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3xf32>
// CHECK: tensor.expand_shape %[[X]] {{\[\[}}0, 1, 2], [3]] output_shape [1, %[[D]], 1, 3] : tensor<?x3xf32> into tensor<1x?x1x3xf32>
func.func @unsqueeze(%x: tensor<?x3xf32>) -> tensor<1x?x1x3xf32> {
  %r = dyad.unsqueeze %x {axes = array<i64: 0, -2>} : (tensor<?x3xf32>) -> tensor<1x?x1x3xf32>
  %y = dyad.add %r, %r : (tensor<1x?x1x3xf32>, tensor<1x?x1x3xf32>) -> tensor<1x?x1x3xf32>
  return %y : tensor<1x?x1x3xf32>
}

// CHECK-LABEL: func.func @unsqueeze_scalar(
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @unsqueeze_scalar(%x: tensor<f32>) -> tensor<1x1xf32> {
  %r = dyad.unsqueeze %x {axes = array<i64: 1, 0>} : (tensor<f32>) -> tensor<1x1xf32>
  %y = dyad.add %r, %r : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[0.0, 1.0, 2.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %c0_0 = tensor.cast %a0_0 : tensor<2x3xf32> to tensor<?x3xf32>
  %r0_0 = call @unsqueeze(%c0_0) : (tensor<?x3xf32>) -> tensor<1x?x1x3xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<1x?x1x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<2.5> : tensor<f32>
  %r1_0 = call @unsqueeze_scalar(%a1_0) : (tensor<f32>) -> tensor<1x1xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<1x1xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// EXEC: rank = 4 offset = 0 sizes = [1, 2, 1, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}0, 2, 4]],
// EXEC-NEXT: {{\[\[}}8, 10, 12]]]]
// EXEC: rank = 2 offset = 0 sizes = [1, 1] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}5]]
