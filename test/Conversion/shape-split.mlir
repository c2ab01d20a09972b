// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Pieces are extract_slices (an empty piece a tensor.empty); the adds make
// fresh results rather than views of the argument.
// CHECK-LABEL: func.func @split(
// CHECK-SAME: %[[X:.*]]: tensor<?x5xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x5xf32>
// CHECK: tensor.extract_slice %[[X]][0, 0] [%[[D]], 2] [1, 1] : tensor<?x5xf32> to tensor<?x2xf32>
// CHECK: tensor.empty(%[[D]]) : tensor<?x0xf32>
// CHECK: tensor.extract_slice %[[X]][0, 2] [%[[D]], 3] [1, 1] : tensor<?x5xf32> to tensor<?x3xf32>
func.func @split(%x: tensor<?x5xf32>) -> (tensor<?x2xf32>, tensor<?x0xf32>, tensor<?x3xf32>) {
  %r:3 = dyad.split %x {axis = 1 : i64, split = array<i64: 2, 0, 3>} : (tensor<?x5xf32>) -> (tensor<?x2xf32>, tensor<?x0xf32>, tensor<?x3xf32>)
  %a = dyad.add %r#0, %r#0 : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %c = dyad.add %r#2, %r#2 : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %a, %r#1, %c : tensor<?x2xf32>, tensor<?x0xf32>, tensor<?x3xf32>
}

// CHECK-LABEL: func.func @split_dyn_axis(
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [1, 2] [1, 1] : tensor<?x2xf32> to tensor<1x2xf32>
// CHECK: tensor.extract_slice %{{.*}}[1, 0] [2, 2] [1, 1] : tensor<?x2xf32> to tensor<2x2xf32>
func.func @split_dyn_axis(%x: tensor<?x2xf32>) -> (tensor<1x2xf32>, tensor<2x2xf32>) {
  %r:2 = dyad.split %x {axis = -2 : i64, split = array<i64: 1, 2>} : (tensor<?x2xf32>) -> (tensor<1x2xf32>, tensor<2x2xf32>)
  %a = dyad.add %r#0, %r#0 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %b = dyad.add %r#1, %r#1 : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %a, %b : tensor<1x2xf32>, tensor<2x2xf32>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0, 9.0]]> : tensor<2x5xf32>
  %c0_0 = tensor.cast %a0_0 : tensor<2x5xf32> to tensor<?x5xf32>
  %r0_0, %r0_1, %r0_2 = call @split(%c0_0) : (tensor<?x5xf32>) -> (tensor<?x2xf32>, tensor<?x0xf32>, tensor<?x3xf32>)
  %u0_0 = tensor.cast %r0_0 : tensor<?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %u0_1 = tensor.cast %r0_1 : tensor<?x0xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_1) : (tensor<*xf32>) -> ()
  %u0_2 = tensor.cast %r0_2 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_2) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]> : tensor<3x2xf32>
  %c1_0 = tensor.cast %a1_0 : tensor<3x2xf32> to tensor<?x2xf32>
  %r1_0, %r1_1 = call @split_dyn_axis(%c1_0) : (tensor<?x2xf32>) -> (tensor<1x2xf32>, tensor<2x2xf32>)
  %u1_0 = tensor.cast %r1_0 : tensor<1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  %u1_1 = tensor.cast %r1_1 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_1) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 2],
// EXEC-NEXT: [10, 12]]
// EXEC: rank = 2 offset = 0 sizes = [2, 0] strides = {{.*}} data =
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}4, 6, 8],
// EXEC-NEXT: [14, 16, 18]]
// EXEC: rank = 2 offset = 0 sizes = [1, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 2]]
// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}4, 6],
// EXEC-NEXT: [8, 10]]
