// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @where(
// CHECK-SAME: %[[C:.*]]: tensor<2x3xi1>, %[[X:.*]]: tensor<3xf32>, %[[Y:.*]]: tensor<2x1xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[COL]], #[[ID2]]], {{.*}} ins(%[[C]], %[[X]], %[[Y]] : tensor<2x3xi1>, tensor<3xf32>, tensor<2x1xf32>)
// CHECK: ^bb0(%[[IC:.*]]: i1, %[[IX:.*]]: f32, %[[IY:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[R:.*]] = arith.select %[[IC]], %[[IX]], %[[IY]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @where(%c: tensor<2x3xi1>, %x: tensor<3xf32>, %y: tensor<2x1xf32>) -> tensor<2x3xf32> {
  %0 = dyad.where %c, %x, %y : (tensor<2x3xi1>, tensor<3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
// CHECK-LABEL: func.func @where_dyn(
// CHECK-SAME: %[[C:.*]]: tensor<?xi1>, %[[X:.*]]: tensor<?xi64>, %[[Y:.*]]: tensor<i64>
// CHECK: %[[D:.*]] = tensor.dim %[[C]], %{{.*}} : tensor<?xi1>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?xi64>
// CHECK: linalg.generic {{.*}} ins(%[[C]], %[[X]], %[[Y]] : tensor<?xi1>, tensor<?xi64>, tensor<i64>) outs(%[[E]] : tensor<?xi64>)
// CHECK: arith.select %{{.*}} : i64
func.func @where_dyn(%c: tensor<?xi1>, %x: tensor<?xi64>, %y: tensor<i64>) -> tensor<?xi64> {
  %0 = dyad.where %c, %x, %y : (tensor<?xi1>, tensor<?xi64>, tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}
// CHECK-LABEL: func.func @where_bool(
// CHECK: arith.select %{{.*}} : i1
func.func @where_bool(%c: tensor<1xi1>, %x: tensor<4xi1>, %y: tensor<4xi1>) -> tensor<4xi32> {
  %0 = dyad.where %c, %x, %y : (tensor<1xi1>, tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %1 = dyad.cast %0 : tensor<4xi1> to tensor<4xi32>
  return %1 : tensor<4xi32>
}

func.func @main() {
  %c = arith.constant dense<[[true, false, true], [false, false, true]]> : tensor<2x3xi1>
  %x = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y = arith.constant dense<[[-1.0], [-2.0]]> : tensor<2x1xf32>
  %r = call @where(%c, %x, %y) : (tensor<2x3xi1>, tensor<3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %u = tensor.cast %r : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()

  %c1 = arith.constant dense<[false, true, true, false, true]> : tensor<5xi1>
  %x1 = arith.constant dense<[10, 20, 30, 40, 9000000000]> : tensor<5xi64>
  %y1 = arith.constant dense<-7> : tensor<i64>
  %c1d = tensor.cast %c1 : tensor<5xi1> to tensor<?xi1>
  %x1d = tensor.cast %x1 : tensor<5xi64> to tensor<?xi64>
  %r1 = call @where_dyn(%c1d, %x1d, %y1) : (tensor<?xi1>, tensor<?xi64>, tensor<i64>) -> tensor<?xi64>
  %u1 = tensor.cast %r1 : tensor<?xi64> to tensor<*xi64>
  call @printMemrefI64(%u1) : (tensor<*xi64>) -> ()

  %c2 = arith.constant dense<[false]> : tensor<1xi1>
  %x2 = arith.constant dense<[true, true, true, true]> : tensor<4xi1>
  %y2 = arith.constant dense<[true, false, false, true]> : tensor<4xi1>
  %r2 = call @where_bool(%c2, %x2, %y2) : (tensor<1xi1>, tensor<4xi1>, tensor<4xi1>) -> tensor<4xi32>
  %u2 = tensor.cast %r2 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u2) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)
func.func private @printMemrefI64(tensor<*xi64>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}1, -1, 3],
// EXEC-NEXT: [-2, -2, 3]]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [-7, 20, 30, -7, 9000000000]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [1, 0, 0, 1]
