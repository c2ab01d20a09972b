// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Statically empty inputs are dropped; the rest is a tensor.concat.
// CHECK-LABEL: func.func @concat(
// CHECK-SAME: %[[A:[^:]*]]: tensor<?x2xf32>, %[[B:[^:]*]]: tensor<?x2xf32>
// CHECK: tensor.concat dim(0) %[[A]], %[[B]] : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
func.func @concat(%a: tensor<?x2xf32>, %b: tensor<?x2xf32>, %c: tensor<0x2xf32>) -> tensor<?x2xf32> {
  %r = dyad.concat %a, %c, %b {axis = -2 : i64} : (tensor<?x2xf32>, tensor<0x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  return %r : tensor<?x2xf32>
}

// CHECK-LABEL: func.func @concat_inner(
// CHECK: tensor.concat dim(1) %{{.*}}, %{{.*}} : (tensor<2x?xf32>, tensor<?x3xf32>) -> tensor<2x?xf32>
func.func @concat_inner(%a: tensor<2x?xf32>, %b: tensor<?x3xf32>) -> tensor<2x?xf32> {
  %r = dyad.concat %a, %b {axis = 1 : i64} : (tensor<2x?xf32>, tensor<?x3xf32>) -> tensor<2x?xf32>
  return %r : tensor<2x?xf32>
}

// Unsigned elements become signless.
// CHECK-LABEL: func.func @concat_u8(
// CHECK: tensor.concat dim(0) %{{.*}}, %{{.*}} : (tensor<2xi8>, tensor<3xi8>) -> tensor<5xi8>
func.func @concat_u8(%a: tensor<2xi8>, %b: tensor<3xi8>) -> tensor<5xi8> {
  %au = tensor.bitcast %a : tensor<2xi8> to tensor<2xui8>
  %bu = tensor.bitcast %b : tensor<3xi8> to tensor<3xui8>
  %r = dyad.concat %au, %bu {axis = 0 : i64} : (tensor<2xui8>, tensor<3xui8>) -> tensor<5xui8>
  %rs = tensor.bitcast %r : tensor<5xui8> to tensor<5xi8>
  return %rs : tensor<5xi8>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[0.0, 1.0], [4.0, 5.0], [8.0, 9.0]]> : tensor<3x2xf32>
  %c0_0 = tensor.cast %a0_0 : tensor<3x2xf32> to tensor<?x2xf32>
  %a0_1 = arith.constant dense<[[12.0, 13.0], [16.0, 17.0]]> : tensor<2x2xf32>
  %c0_1 = tensor.cast %a0_1 : tensor<2x2xf32> to tensor<?x2xf32>
  %a0_2 = arith.constant dense<> : tensor<0x2xf32>
  %r0_0 = call @concat(%c0_0, %c0_1, %a0_2) : (tensor<?x2xf32>, tensor<?x2xf32>, tensor<0x2xf32>) -> tensor<?x2xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[[0.0], [4.0]]> : tensor<2x1xf32>
  %c1_0 = tensor.cast %a1_0 : tensor<2x1xf32> to tensor<2x?xf32>
  %a1_1 = arith.constant dense<[[12.0, 13.0, 14.0], [16.0, 17.0, 18.0]]> : tensor<2x3xf32>
  %c1_1 = tensor.cast %a1_1 : tensor<2x3xf32> to tensor<?x3xf32>
  %r1_0 = call @concat_inner(%c1_0, %c1_1) : (tensor<2x?xf32>, tensor<?x3xf32>) -> tensor<2x?xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<2x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  %a2_0 = arith.constant dense<[1, -1]> : tensor<2xi8>
  %a2_1 = arith.constant dense<[127, -128, 0]> : tensor<3xi8>
  %r2_0 = call @concat_u8(%a2_0, %a2_1) : (tensor<2xi8>, tensor<3xi8>) -> tensor<5xi8>
  %e2_0 = tensor.empty() : tensor<5xi32>
  %w2_0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r2_0 : tensor<5xi8>) outs(%e2_0 : tensor<5xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<5xi32>
  %u2_0 = tensor.cast %w2_0 : tensor<5xi32> to tensor<*xi32>
  call @printMemrefI32(%u2_0) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// EXEC: rank = 2 offset = 0 sizes = [5, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 1],
// EXEC-NEXT: [4, 5],
// EXEC-NEXT: [8, 9],
// EXEC-NEXT: [12, 13],
// EXEC-NEXT: [16, 17]]
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 12, 13, 14],
// EXEC-NEXT: [4, 16, 17, 18]]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [1, -1, 127, -128, 0]
