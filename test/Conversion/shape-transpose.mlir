// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[X:.*]]: tensor<?x3x4xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<4x?x3xf32>
// CHECK: linalg.transpose ins(%[[X]] : tensor<?x3x4xf32>) outs(%[[E]] : tensor<4x?x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<?x3x4xf32>) -> tensor<4x?x3xf32> {
  %r = dyad.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<?x3x4xf32>) -> tensor<4x?x3xf32>
  return %r : tensor<4x?x3xf32>
}

// Quantized elements move as their storage integers.
// CHECK-LABEL: func.func @transpose_q(
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3xi8>) outs(%{{.*}} : tensor<3x2xi8>) permutation = [1, 0]
func.func @transpose_q(%x: tensor<2x3xi8>) -> tensor<3x2xi8> {
  %q = quant.scast %x : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.5:1>>
  %t = dyad.transpose %q {perm = array<i64: 1, 0>} : (tensor<2x3x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<3x2x!quant.uniform<i8:f32, 0.5:1>>
  %r = quant.scast %t : tensor<3x2x!quant.uniform<i8:f32, 0.5:1>> to tensor<3x2xi8>
  return %r : tensor<3x2xi8>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %c0_0 = tensor.cast %a0_0 : tensor<2x3x4xf32> to tensor<?x3x4xf32>
  %r0_0 = call @transpose(%c0_0) : (tensor<?x3x4xf32>) -> tensor<4x?x3xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<4x?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[[1, -2, 3], [-4, 5, 127]]> : tensor<2x3xi8>
  %r1_0 = call @transpose_q(%a1_0) : (tensor<2x3xi8>) -> tensor<3x2xi8>
  %e1_0 = tensor.empty() : tensor<3x2xi32>
  %w1_0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r1_0 : tensor<3x2xi8>) outs(%e1_0 : tensor<3x2xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<3x2xi32>
  %u1_0 = tensor.cast %w1_0 : tensor<3x2xi32> to tensor<*xi32>
  call @printMemrefI32(%u1_0) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// EXEC: rank = 3 offset = 0 sizes = [4, 2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}0, 4, 8],
// EXEC-NEXT: [12, 16, 20]],
// EXEC-NEXT: {{\[\[}}1, 5, 9],
// EXEC-NEXT: [13, 17, 21]],
// EXEC-NEXT: {{\[\[}}2, 6, 10],
// EXEC-NEXT: [14, 18, 22]],
// EXEC-NEXT: {{\[\[}}3, 7, 11],
// EXEC-NEXT: [15, 19, 23]]]
// EXEC: rank = 2 offset = 0 sizes = [3, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}1, -4],
// EXEC-NEXT: [-2, 5],
// EXEC-NEXT: [3, 127]]
