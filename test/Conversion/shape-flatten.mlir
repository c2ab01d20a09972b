// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Results feed an add so that the function returns a fresh buffer rather
// than a view of its argument.

// CHECK-LABEL: func.func @flatten(
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2]] : tensor<?x3x4xf32> into tensor<?x12xf32>
func.func @flatten(%x: tensor<?x3x4xf32>) -> tensor<?x12xf32> {
  %r = dyad.flatten %x {axis = 1 : i64} : (tensor<?x3x4xf32>) -> tensor<?x12xf32>
  %y = dyad.add %r, %r : (tensor<?x12xf32>, tensor<?x12xf32>) -> tensor<?x12xf32>
  return %y : tensor<?x12xf32>
}

// axis 0: [1, numel], through a 1-D collapse.
// CHECK-LABEL: func.func @flatten0(
// CHECK-SAME: %[[X:.*]]: tensor<?x3xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]]
// CHECK: %[[N:.*]] = arith.muli %[[D]], %{{.*}} : index
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<?x3xf32> into tensor<?xf32>
// CHECK: tensor.expand_shape %[[C]] {{\[\[}}0, 1]] output_shape [1, %[[N]]] : tensor<?xf32> into tensor<1x?xf32>
func.func @flatten0(%x: tensor<?x3xf32>) -> tensor<1x?xf32> {
  %r = dyad.flatten %x {axis = 0 : i64} : (tensor<?x3xf32>) -> tensor<1x?xf32>
  %y = dyad.add %r, %r : (tensor<1x?xf32>, tensor<1x?xf32>) -> tensor<1x?xf32>
  return %y : tensor<1x?xf32>
}

// CHECK-LABEL: func.func @flatten_neg(
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x?x4xf32> into tensor<?x4xf32>
func.func @flatten_neg(%x: tensor<2x?x4xf32>) -> tensor<?x4xf32> {
  %r = dyad.flatten %x {axis = -1 : i64} : (tensor<2x?x4xf32>) -> tensor<?x4xf32>
  %y = dyad.add %r, %r : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %c0_0 = tensor.cast %a0_0 : tensor<2x3x4xf32> to tensor<?x3x4xf32>
  %r0_0 = call @flatten(%c0_0) : (tensor<?x3x4xf32>) -> tensor<?x12xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<?x12xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[[0.0, 1.0, 2.0], [4.0, 5.0, 6.0], [8.0, 9.0, 10.0]]> : tensor<3x3xf32>
  %c1_0 = tensor.cast %a1_0 : tensor<3x3xf32> to tensor<?x3xf32>
  %r1_0 = call @flatten0(%c1_0) : (tensor<?x3xf32>) -> tensor<1x?xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<1x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  %a2_0 = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %c2_0 = tensor.cast %a2_0 : tensor<2x3x4xf32> to tensor<2x?x4xf32>
  %r2_0 = call @flatten_neg(%c2_0) : (tensor<2x?x4xf32>) -> tensor<?x4xf32>
  %u2_0 = tensor.cast %r2_0 : tensor<?x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u2_0) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// EXEC: rank = 2 offset = 0 sizes = [2, 12] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22],
// EXEC-NEXT: [24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46]]
// EXEC: rank = 2 offset = 0 sizes = [1, 9] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 2, 4, 8, 10, 12, 16, 18, 20]]
// EXEC: rank = 2 offset = 0 sizes = [6, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 2, 4, 6],
// EXEC-NEXT: [8, 10, 12, 14],
// EXEC-NEXT: [16, 18, 20, 22],
// EXEC-NEXT: [24, 26, 28, 30],
// EXEC-NEXT: [32, 34, 36, 38],
// EXEC-NEXT: [40, 42, 44, 46]]
