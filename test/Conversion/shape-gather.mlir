// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// A generic over the result reads the indices and extracts from the data;
// negative indices count from the end of the axis. Out-of-range indices
// (an error in ONNX) are clamped to [0, n-1], and an axis that may be empty
// yields zeros without reading: never an out-of-bounds read.
// CHECK-LABEL: func.func @gather(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x3xf32>, %[[I:[^:]*]]: tensor<2x2xi64>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x2x3xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3xf32>
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<2x2xi64>) outs(%[[E]] : tensor<2x2x3xf32>)
// CHECK: ^bb0(%[[IN:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[IX:.*]] = arith.index_cast %[[IN]] : i64 to index
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[IX]], %{{.*}} : index
// CHECK: %[[W:.*]] = arith.addi %[[IX]], %[[D]] : index
// CHECK: %[[SEL:.*]] = arith.select %[[NEG]], %[[W]], %[[IX]] : index
// CHECK: %[[LAST:.*]] = arith.subi %[[D]], %{{.*}} : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[SEL]], %{{.*}} : index
// CHECK: %[[CL:.*]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK: %[[K:.*]] = linalg.index 2 : index
// CHECK: %[[EMPTY:.*]] = arith.cmpi eq, %[[D]], %{{.*}} : index
// CHECK: scf.if %[[EMPTY]] -> (f32) {
// CHECK: } else {
// CHECK: tensor.extract %[[X]][%[[CL]], %[[K]]] : tensor<?x3xf32>
func.func @gather(%x: tensor<?x3xf32>, %i: tensor<2x2xi64>) -> tensor<2x2x3xf32> {
  %r = dyad.gather %x, %i {axis = 0 : i64} : (tensor<?x3xf32>, tensor<2x2xi64>) -> tensor<2x2x3xf32>
  return %r : tensor<2x2x3xf32>
}

// CHECK-LABEL: func.func @gather_axis1(
// CHECK: ins(%{{.*}} : tensor<i32>)
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : tensor<2x?x2xf32>
func.func @gather_axis1(%x: tensor<2x?x2xf32>, %i: tensor<i32>) -> tensor<2x2xf32> {
  %r = dyad.gather %x, %i {axis = -2 : i64} : (tensor<2x?x2xf32>, tensor<i32>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// A static axis that is not empty: no guard.
// CHECK-LABEL: func.func @gather_static(
// CHECK-NOT: scf.if
// CHECK: arith.minsi
// CHECK-NOT: scf.if
// CHECK: tensor.extract
func.func @gather_static(%x: tensor<3x2xf32>, %i: tensor<4xi64>) -> tensor<4x2xf32> {
  %r = dyad.gather %x, %i {axis = 0 : i64} : (tensor<3x2xf32>, tensor<4xi64>) -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

// Shape arithmetic (constant indices into a short vector): scalar extracts.
// CHECK-LABEL: func.func @gather_shape(
// CHECK-NOT: linalg.generic
// CHECK: arith.index_cast %{{.*}} : index to i64
// CHECK: %[[LAST:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: tensor.from_elements %{{.*}}, %[[LAST]] : tensor<2xi64>
// CHECK: tensor.from_elements %[[LAST]] : tensor<1xi64>
func.func @gather_shape(%x: tensor<?x?xf32>) -> tensor<1xi64> {
  %idx = arith.constant dense<[-1]> : tensor<1xi64>
  %s = dyad.shape %x : (tensor<?x?xf32>) -> tensor<2xi64>
  %r = dyad.gather %s, %idx {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<1xi64>
  return %r : tensor<1xi64>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[0.0, 1.0, 2.0], [4.0, 5.0, 6.0], [8.0, 9.0, 10.0]]> : tensor<3x3xf32>
  %c0_0 = tensor.cast %a0_0 : tensor<3x3xf32> to tensor<?x3xf32>
  %a0_1 = arith.constant dense<[[0, -1], [2, -3]]> : tensor<2x2xi64>
  %r0_0 = call @gather(%c0_0, %a0_1) : (tensor<?x3xf32>, tensor<2x2xi64>) -> tensor<2x2x3xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<2x2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], [[6.0, 7.0], [8.0, 9.0], [10.0, 11.0]]]> : tensor<2x3x2xf32>
  %c1_0 = tensor.cast %a1_0 : tensor<2x3x2xf32> to tensor<2x?x2xf32>
  %a1_1 = arith.constant dense<-1> : tensor<i32>
  %r1_0 = call @gather_axis1(%c1_0, %a1_1) : (tensor<2x?x2xf32>, tensor<i32>) -> tensor<2x2xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  %a2_0 = arith.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<2x7xf32>
  %c2_0 = tensor.cast %a2_0 : tensor<2x7xf32> to tensor<?x?xf32>
  %r2_0 = call @gather_shape(%c2_0) : (tensor<?x?xf32>) -> tensor<1xi64>
  %u2_0 = tensor.cast %r2_0 : tensor<1xi64> to tensor<*xi64>
  call @printMemrefI64(%u2_0) : (tensor<*xi64>) -> ()
  // Out of range: 7 -> 2 (the last row), -9 -> 0, -1 -> 2, 1 -> 1.
  %a3_0 = arith.constant dense<[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]> : tensor<3x2xf32>
  %a3_1 = arith.constant dense<[7, -9, -1, 1]> : tensor<4xi64>
  %r3_0 = call @gather_static(%a3_0, %a3_1) : (tensor<3x2xf32>, tensor<4xi64>) -> tensor<4x2xf32>
  %u3_0 = tensor.cast %r3_0 : tensor<4x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u3_0) : (tensor<*xf32>) -> ()
  // An empty axis: zeros.
  %a4_0 = tensor.empty() : tensor<0x3xf32>
  %c4_0 = tensor.cast %a4_0 : tensor<0x3xf32> to tensor<?x3xf32>
  %r4_0 = call @gather(%c4_0, %a0_1) : (tensor<?x3xf32>, tensor<2x2xi64>) -> tensor<2x2x3xf32>
  %u4_0 = tensor.cast %r4_0 : tensor<2x2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u4_0) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI64(tensor<*xi64>)

// EXEC: rank = 3 offset = 0 sizes = [2, 2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}0, 1, 2],
// EXEC-NEXT: [8, 9, 10]],
// EXEC-NEXT: {{\[\[}}8, 9, 10],
// EXEC-NEXT: [0, 1, 2]]]
// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}4, 5],
// EXEC-NEXT: [10, 11]]
// EXEC: rank = 1 offset = 0 sizes = [1] strides = {{.*}} data =
// EXEC-NEXT: [7]
// EXEC: rank = 2 offset = 0 sizes = [4, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}4, 5],
// EXEC-NEXT: [0, 1],
// EXEC-NEXT: [4, 5],
// EXEC-NEXT: [2, 3]]
// EXEC: rank = 3 offset = 0 sizes = [2, 2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}0, 0, 0],
// EXEC-NEXT: [0, 0, 0]],
// EXEC-NEXT: {{\[\[}}0, 0, 0],
// EXEC-NEXT: [0, 0, 0]]]
