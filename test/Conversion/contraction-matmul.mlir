// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// dyad.matmul -> linalg.matmul / linalg.batch_matmul (float and MatMulInteger forms).

// The broadcasting maps (batch operands of @matmul_broadcast, the per-row
// zero point of @matmul_integer).
// CHECK-DAG: #[[BA:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>
// CHECK-DAG: #[[BB:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2) -> (d1)>

// 2-D: linalg.matmul into zeros.
// CHECK-LABEL: func.func @matmul_2d
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x2xf32>) outs(%[[Z]] : tensor<2x2xf32>)
func.func @matmul_2d(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
  %0 = dyad.matmul %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// Batched A (dynamic batch) times a 2-D B: the batch folds into M, one
// linalg.matmul, expanded back.
// CHECK-LABEL: func.func @matmul_batch_2d
// CHECK-SAME: %[[A:.*]]: tensor<?x2x3xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x2x3xf32>
// CHECK: %[[A2:.*]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2]] : tensor<?x2x3xf32> into tensor<?x3xf32>
// CHECK: %[[P:.*]] = linalg.matmul ins(%[[A2]], %{{.*}} : tensor<?x3xf32>, tensor<3x2xf32>)
// CHECK: tensor.expand_shape %[[P]] {{\[}}[0, 1], [2]] output_shape [%[[N]], 2, 2] : tensor<?x2xf32> into tensor<?x2x2xf32>
func.func @matmul_batch_2d(%a: tensor<?x2x3xf32>, %b: tensor<3x2xf32>) -> tensor<?x2x2xf32> {
  %0 = dyad.matmul %a, %b : (tensor<?x2x3xf32>, tensor<3x2xf32>) -> tensor<?x2x2xf32>
  return %0 : tensor<?x2x2xf32>
}

// Broadcast batch dims (2x1 with 3): both operands broadcast to 2x3, the
// batch collapsed to 6, linalg.batch_matmul, expanded back.
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[BA]], {{.*}}]{{.*}} outs(%{{.*}} : tensor<2x3x2x3xf32>)
// CHECK: tensor.collapse_shape {{.*}} into tensor<6x2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[BB]], {{.*}}]{{.*}} outs(%{{.*}} : tensor<2x3x3x2xf32>)
// CHECK: tensor.collapse_shape {{.*}} into tensor<6x3x2xf32>
// CHECK: %[[P:.*]] = linalg.batch_matmul {{.*}} -> tensor<6x2x2xf32>
// CHECK: tensor.expand_shape %[[P]] {{.*}} into tensor<2x3x2x2xf32>
func.func @matmul_broadcast(%a: tensor<2x1x2x3xf32>, %b: tensor<3x3x2xf32>) -> tensor<2x3x2x2xf32> {
  %0 = dyad.matmul %a, %b : (tensor<2x1x2x3xf32>, tensor<3x3x2xf32>) -> tensor<2x3x2x2xf32>
  return %0 : tensor<2x3x2x2xf32>
}

// 1-D operands (numpy): a vector A is 1 x K, a vector B is K x 1, the unit
// dim dropped from the result.
// CHECK-LABEL: func.func @matmul_vector_matrix
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [1, 3] : tensor<3xf32> into tensor<1x3xf32>
// CHECK: linalg.batch_matmul {{.*}} -> tensor<2x1x2xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<2x1x2xf32> into tensor<2x2xf32>
func.func @matmul_vector_matrix(%a: tensor<3xf32>, %b: tensor<2x3x2xf32>) -> tensor<2x2xf32> {
  %0 = dyad.matmul %a, %b : (tensor<3xf32>, tensor<2x3x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
// CHECK-LABEL: func.func @matmul_matrix_vector
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [3, 1] : tensor<3xf32> into tensor<3x1xf32>
// CHECK: linalg.matmul
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<2x1xf32> into tensor<2xf32>
func.func @matmul_matrix_vector(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2xf32> {
  %0 = dyad.matmul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
// CHECK-LABEL: func.func @matmul_dot
// CHECK: linalg.matmul {{.*}} -> tensor<1x1xf32>
// CHECK: tensor.collapse_shape %{{.*}} [] : tensor<1x1xf32> into tensor<f32>
func.func @matmul_dot(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<f32> {
  %0 = dyad.matmul %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// MatMulInteger, signed: A minus its per-row zero point, B minus its per
// tensor one, both sign-extended to i32, then an i32 batch matmul.
// CHECK-LABEL: func.func @matmul_integer
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ROW]], #{{.*}}]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x2x3xi8>, tensor<2xi8>) outs(%{{.*}} : tensor<2x2x3xi32>)
// CHECK: arith.extsi
// CHECK: arith.subi
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x3x2xi8>, tensor<1xi8>) outs(%{{.*}} : tensor<2x3x2xi32>)
// CHECK: linalg.batch_matmul {{.*}} -> tensor<2x2x2xi32>
func.func @matmul_integer(%a: tensor<2x2x3xi8>, %b: tensor<2x3x2xi8>, %azp: tensor<2xi8>, %bzp: tensor<1xi8>) -> tensor<2x2x2xi32> {
  %0 = dyad.matmul %a, %b a_zero_point(%azp) b_zero_point(%bzp) : (tensor<2x2x3xi8>, tensor<2x3x2xi8>, tensor<2xi8>, tensor<1xi8>) -> tensor<2x2x2xi32>
  return %0 : tensor<2x2x2xi32>
}

// A quantized MatMul of two activations: signed bytes with constant
// per-tensor zero points multiply as they are (the int8 kernels take the
// bytes), the zero points in the accumulator's start:
// K za zb - zb rowsum(A)[m] - za colsum(B)[n], rowsum and colsum reductions
// of the bytes.
// CHECK-LABEL: func.func @matmul_bytes
// CHECK-NOT: arith.subi
// CHECK: %[[RS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}} : tensor<2x2x3xi8>) outs(%{{.*}} : tensor<2x2xi32>)
// CHECK: %[[CS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]} ins(%{{.*}} : tensor<2x3x2xi8>) outs(%{{.*}} : tensor<2x2xi32>)
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[RS]], %[[CS]] : tensor<2x2xi32>, tensor<2x2xi32>) outs(%{{.*}} : tensor<2x2x2xi32>)
// CHECK: arith.muli %{{.*}}, %{{.*}} : i32
// CHECK: arith.subi
// CHECK: arith.subi
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x2x3xi8>, tensor<2x3x2xi8>) outs(%[[INIT]] : tensor<2x2x2xi32>)
func.func @matmul_bytes(%a: tensor<2x2x3xi8>, %b: tensor<2x3x2xi8>) -> tensor<2x2x2xi32> {
  %azp = arith.constant dense<3> : tensor<i8>
  %bzp = arith.constant dense<-1> : tensor<i8>
  %0 = dyad.matmul %a, %b a_zero_point(%azp) b_zero_point(%bzp) : (tensor<2x2x3xi8>, tensor<2x3x2xi8>, tensor<i8>, tensor<i8>) -> tensor<2x2x2xi32>
  return %0 : tensor<2x2x2xi32>
}

// CHECK-LABEL: func.func @main
// The ui8 operands of the inline MatMulInteger are zero-extended.
// CHECK: arith.extui
// CHECK: arith.extui
// CHECK: linalg.matmul {{.*}} -> tensor<4x2xi32>
func.func @main() {
  %c0_0 = arith.constant dense<[[3.0, 1.0, 3.0], [2.0, 3.0, -3.0]]> : tensor<2x3xf32>
  %c0_1 = arith.constant dense<[[0.0, 3.0], [2.0, -2.0], [3.0, 1.0]]> : tensor<3x2xf32>
  %r0 = call @matmul_2d(%c0_0, %c0_1) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %p0 = tensor.cast %r0 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  %c1_0 = arith.constant dense<[[[0.0, -3.0, -1.0], [-2.0, -3.0, 2.0]], [[0.0, -2.0, 2.0], [1.0, -3.0, 1.0]], [[3.0, 0.0, -3.0], [-1.0, -3.0, 2.0]]]> : tensor<3x2x3xf32>
  %d1_0 = tensor.cast %c1_0 : tensor<3x2x3xf32> to tensor<?x2x3xf32>
  %c1_1 = arith.constant dense<[[3.0, -1.0], [1.0, -3.0], [1.0, -1.0]]> : tensor<3x2xf32>
  %r1 = call @matmul_batch_2d(%d1_0, %c1_1) : (tensor<?x2x3xf32>, tensor<3x2xf32>) -> tensor<?x2x2xf32>
  %p1 = tensor.cast %r1 : tensor<?x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  %c2_0 = arith.constant dense<[[[[3.0, -3.0, -2.0], [-3.0, 0.0, 0.0]]], [[[2.0, 0.0, 3.0], [-2.0, -3.0, -3.0]]]]> : tensor<2x1x2x3xf32>
  %c2_1 = arith.constant dense<[[[-2.0, -3.0], [2.0, 0.0], [-1.0, -2.0]], [[2.0, 2.0], [1.0, -1.0], [3.0, 3.0]], [[-1.0, -3.0], [1.0, 2.0], [0.0, 1.0]]]> : tensor<3x3x2xf32>
  %r2 = call @matmul_broadcast(%c2_0, %c2_1) : (tensor<2x1x2x3xf32>, tensor<3x3x2xf32>) -> tensor<2x3x2x2xf32>
  %p2 = tensor.cast %r2 : tensor<2x3x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  %c3_0 = arith.constant dense<[-1.0, -3.0, -1.0]> : tensor<3xf32>
  %c3_1 = arith.constant dense<[[[-3.0, -3.0], [1.0, 2.0], [1.0, -3.0]], [[0.0, 3.0], [-3.0, 1.0], [0.0, -3.0]]]> : tensor<2x3x2xf32>
  %r3 = call @matmul_vector_matrix(%c3_0, %c3_1) : (tensor<3xf32>, tensor<2x3x2xf32>) -> tensor<2x2xf32>
  %p3 = tensor.cast %r3 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p3) : (tensor<*xf32>) -> ()
  %c4_0 = arith.constant dense<[[-3.0, -2.0, -1.0], [2.0, 0.0, 1.0]]> : tensor<2x3xf32>
  %c4_1 = arith.constant dense<[0.0, 2.0, -1.0]> : tensor<3xf32>
  %r4 = call @matmul_matrix_vector(%c4_0, %c4_1) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  %p4 = tensor.cast %r4 : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%p4) : (tensor<*xf32>) -> ()
  %c5_0 = arith.constant dense<[-3.0, 1.0, 3.0]> : tensor<3xf32>
  %c5_1 = arith.constant dense<[3.0, -1.0, 2.0]> : tensor<3xf32>
  %r5 = call @matmul_dot(%c5_0, %c5_1) : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  %p5 = tensor.cast %r5 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%p5) : (tensor<*xf32>) -> ()
  %c6_0 = arith.constant dense<[[[50, -30, -67], [-18, 19, 41]], [[42, -78, 113], [19, 48, 81]]]> : tensor<2x2x3xi8>
  %c6_1 = arith.constant dense<[[[96, -94], [16, 100], [42, -72]], [[-16, -114], [75, 29], [71, -37]]]> : tensor<2x3x2xi8>
  %c6_2 = arith.constant dense<[3, -4]> : tensor<2xi8>
  %c6_3 = arith.constant dense<[-1]> : tensor<1xi8>
  %r6 = call @matmul_integer(%c6_0, %c6_1, %c6_2, %c6_3) : (tensor<2x2x3xi8>, tensor<2x3x2xi8>, tensor<2xi8>, tensor<1xi8>) -> tensor<2x2x2xi32>
  %p6 = tensor.cast %r6 : tensor<2x2x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p6) : (tensor<*xi32>) -> ()
  %r8 = call @matmul_bytes(%c6_0, %c6_1) : (tensor<2x2x3xi8>, tensor<2x3x2xi8>) -> tensor<2x2x2xi32>
  %p8 = tensor.cast %r8 : tensor<2x2x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p8) : (tensor<*xi32>) -> ()
  %c7_0 = arith.constant dense<[[11, 7, 3], [10, 6, 2], [9, 5, 1], [8, 4, 0]]> : tensor<4x3xi8>
  %u7_0 = builtin.unrealized_conversion_cast %c7_0 : tensor<4x3xi8> to tensor<4x3xui8>
  %c7_1 = arith.constant dense<[[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi8>
  %u7_1 = builtin.unrealized_conversion_cast %c7_1 : tensor<3x2xi8> to tensor<3x2xui8>
  %c7_2 = arith.constant dense<[12]> : tensor<1xi8>
  %u7_2 = builtin.unrealized_conversion_cast %c7_2 : tensor<1xi8> to tensor<1xui8>
  %c7_3 = arith.constant dense<[0]> : tensor<1xi8>
  %u7_3 = builtin.unrealized_conversion_cast %c7_3 : tensor<1xi8> to tensor<1xui8>
  // ui8 values cannot cross a func.call yet (the conversion rewrites the
  // callee's signature to signless but not the call), so the op is here.
  %r7 = dyad.matmul %u7_0, %u7_1 a_zero_point(%u7_2) b_zero_point(%u7_3) : (tensor<4x3xui8>, tensor<3x2xui8>, tensor<1xui8>, tensor<1xui8>) -> tensor<4x2xi32>
  %p7 = tensor.cast %r7 : tensor<4x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p7) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// The expected values below were computed independently (numpy / torch).
// matmul_2d
// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}11,   10],
// EXEC-NEXT: [-3,   -3]]
// matmul_batch_2d
// EXEC: rank = 3 offset = 0 sizes = [3, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}-4,    10],
// EXEC-NEXT: [-7,    9]],
// EXEC-NEXT: {{\[\[}}0,    4],
// EXEC-NEXT: [1,    7]],
// EXEC-NEXT: {{\[\[}}6,    0],
// EXEC-NEXT: [-4,    8]]]
// matmul_broadcast
// EXEC: rank = 4 offset = 0 sizes = [2, 3, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}-10,     -5],
// EXEC-NEXT: [6,     9]],
// EXEC-NEXT: {{\[\[}}-3,     3],
// EXEC-NEXT: [-6,     -6]],
// EXEC-NEXT: {{\[\[}}-6,     -17],
// EXEC-NEXT: [3,     9]]],
// EXEC-NEXT: {{\[\[\[}}-7,     -12],
// EXEC-NEXT: [1,     12]],
// EXEC-NEXT: {{\[\[}}13,     13],
// EXEC-NEXT: [-16,     -10]],
// EXEC-NEXT: {{\[\[}}-2,     -3],
// EXEC-NEXT: [-1,     -3]]]]
// matmul_vector_matrix
// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-1,   0],
// EXEC-NEXT: [9,   -3]]
// matmul_matrix_vector
// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [-3,  -1]
// matmul_dot
// EXEC: rank = 0 offset = 0 sizes = [] strides = {{.*}} data =
// EXEC-NEXT: [-4]
// matmul_integer
// EXEC: rank = 3 offset = 0 sizes = [2, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}988,    -2734],
// EXEC-NEXT: [968,    430]],
// EXEC-NEXT: {{\[\[}}1179,    -10797],
// EXEC-NEXT: [9727,    -4099]]]
// (A - 3)(B + 1):
// EXEC: rank = 3 offset = 0 sizes = [2, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}988,    -2734],
// EXEC-NEXT: [-131,    871]],
// EXEC-NEXT: {{\[\[}}1179,    -10797],
// EXEC-NEXT: [8796,    -3266]]]
// MatMulInteger on ui8, ONNX test_matmulinteger data (inline in @main)
// EXEC: rank = 2 offset = 0 sizes = [4, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-38,   -83],
// EXEC-NEXT: [-44,   -98],
// EXEC-NEXT: [-50,   -113],
// EXEC-NEXT: [-56,   -128]]
