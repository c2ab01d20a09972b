// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Static dims fold to a constant; dynamic ones are tensor.dim, as i64.
// (The add keeps the function from returning a constant buffer.)
// CHECK-LABEL: func.func @shape_static(
// CHECK: %[[C:.*]] = arith.constant dense<[3, 4]> : tensor<2xi64>
// CHECK: linalg.generic {{.*}} ins(%[[C]], %{{.*}} : tensor<2xi64>, tensor<2xi64>)
func.func @shape_static(%x: tensor<2x3x4xf32>, %k: tensor<2xi64>) -> tensor<2xi64> {
  %s = dyad.shape %x {start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  %y = dyad.add %s, %k : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %y : tensor<2xi64>
}

// start/end count from the back when negative: dims 0 and 1 here.
// CHECK-LABEL: func.func @shape_dyn(
// CHECK-SAME: %[[X:.*]]: tensor<?x3x?xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x?xf32>
// CHECK: %[[I:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK: %[[C3:.*]] = arith.constant 3 : i64
// CHECK: tensor.from_elements %[[I]], %[[C3]] : tensor<2xi64>
func.func @shape_dyn(%x: tensor<?x3x?xf32>) -> tensor<2xi64> {
  %s = dyad.shape %x {start = -3 : i64, end = -1 : i64} : (tensor<?x3x?xf32>) -> tensor<2xi64>
  return %s : tensor<2xi64>
}

// An out-of-range start clamps: the whole shape.
// CHECK-LABEL: func.func @shape_all(
// CHECK: tensor.from_elements %{{.*}}, %{{.*}} : tensor<2xi64>
func.func @shape_all(%x: tensor<?x?xf32>) -> tensor<2xi64> {
  %s = dyad.shape %x {start = -10 : i64} : (tensor<?x?xf32>) -> tensor<2xi64>
  return %s : tensor<2xi64>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %a0_1 = arith.constant dense<[10, 20]> : tensor<2xi64>
  %r0_0 = call @shape_static(%a0_0, %a0_1) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2xi64>
  %u0_0 = tensor.cast %r0_0 : tensor<2xi64> to tensor<*xi64>
  call @printMemrefI64(%u0_0) : (tensor<*xi64>) -> ()
  %a1_0 = arith.constant dense<[[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]]> : tensor<5x3x7xf32>
  %c1_0 = tensor.cast %a1_0 : tensor<5x3x7xf32> to tensor<?x3x?xf32>
  %r1_0 = call @shape_dyn(%c1_0) : (tensor<?x3x?xf32>) -> tensor<2xi64>
  %u1_0 = tensor.cast %r1_0 : tensor<2xi64> to tensor<*xi64>
  call @printMemrefI64(%u1_0) : (tensor<*xi64>) -> ()
  %a2_0 = arith.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<2x9xf32>
  %c2_0 = tensor.cast %a2_0 : tensor<2x9xf32> to tensor<?x?xf32>
  %r2_0 = call @shape_all(%c2_0) : (tensor<?x?xf32>) -> tensor<2xi64>
  %u2_0 = tensor.cast %r2_0 : tensor<2xi64> to tensor<*xi64>
  call @printMemrefI64(%u2_0) : (tensor<*xi64>) -> ()
  return
}
func.func private @printMemrefI64(tensor<*xi64>)

// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [13, 24]
// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [5, 3]
// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [2, 9]
