// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// dyad.gemm -> linalg.matmul (float and integer forms).

// transA, transB, alpha, beta, vector C: the transposes are the matmul's
// operand maps (m, n, k) -> (k, m) and (n, k); alpha and beta apply in one
// generic after the product.
// CHECK-DAG: #[[AT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[CV:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm_trans
// CHECK-SAME: %[[A:.*]]: tensor<3x2xf32>, %[[B:.*]]: tensor<4x3xf32>, %[[C:.*]]: tensor<4xf32>
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: %[[P:.*]] = linalg.matmul indexing_maps = [#[[AT]], #[[BT]], #[[MN]]] ins(%[[A]], %[[B]] : tensor<3x2xf32>, tensor<4x3xf32>) outs(%[[Z]] : tensor<2x4xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CV]], #{{.*}}]{{.*}} ins(%[[P]], %[[C]] : tensor<2x4xf32>, tensor<4xf32>)
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @gemm_trans(%a: tensor<3x2xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = dyad.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, transA = true, transB = true} : (tensor<3x2xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// alpha = 1: the product accumulates into C broadcast (here 1 x N, and
// scaled by beta); dynamic M.
// CHECK-LABEL: func.func @gemm_bias_dynamic
// CHECK-SAME: %[[A:.*]]: tensor<?x3xf32>, %[[B:.*]]: tensor<3x2xf32>, %[[C:.*]]: tensor<1x2xf32>
// CHECK: %[[M:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x3xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[M]]) : tensor<?x2xf32>
// CHECK: %[[I:.*]] = linalg.generic {{.*}} ins(%[[C]] : tensor<1x2xf32>) outs(%[[E]] : tensor<?x2xf32>)
// CHECK: arith.mulf
// CHECK: linalg.matmul ins(%[[A]], %[[B]] : tensor<?x3xf32>, tensor<3x2xf32>) outs(%[[I]] : tensor<?x2xf32>)
func.func @gemm_bias_dynamic(%a: tensor<?x3xf32>, %b: tensor<3x2xf32>, %c: tensor<1x2xf32>) -> tensor<?x2xf32> {
  %0 = dyad.gemm %a, %b, %c {beta = 3.0 : f32} : (tensor<?x3xf32>, tensor<3x2xf32>, tensor<1x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// No C.
// CHECK-LABEL: func.func @gemm_no_c
// CHECK: linalg.fill
// CHECK-NEXT: linalg.matmul indexing_maps
// CHECK-NEXT: return
func.func @gemm_no_c(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %0 = dyad.gemm %a, %b {transB = true} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// Integer form: i8 operands sign-extended to i32, an i32 C (per column),
// integral alpha.
// CHECK-LABEL: func.func @gemm_integer
// CHECK: arith.extsi
// CHECK: arith.extsi
// CHECK: linalg.matmul {{.*}} -> tensor<2x2xi32>
// CHECK: arith.muli
// CHECK: arith.addi
func.func @gemm_integer(%a: tensor<2x3xi8>, %b: tensor<3x2xi8>, %c: tensor<2xi32>) -> tensor<2x2xi32> {
  %0 = dyad.gemm %a, %b, %c {alpha = 2.0 : f32} : (tensor<2x3xi8>, tensor<3x2xi8>, tensor<2xi32>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// CHECK-LABEL: func.func @main
// The ui8 A of the inline gemm is zero-extended, the i8 B sign-extended.
// CHECK: arith.extui
// CHECK: arith.extsi
func.func @main() {
  %c0_0 = arith.constant dense<[[0.0, 3.0], [2.0, 3.0], [3.0, -3.0]]> : tensor<3x2xf32>
  %c0_1 = arith.constant dense<[[-2.0, -3.0, 1.0], [3.0, 0.0, -3.0], [3.0, -3.0, 1.0], [-2.0, 2.0, -3.0]]> : tensor<4x3xf32>
  %c0_2 = arith.constant dense<[0.0, 1.0, 2.0, 0.0]> : tensor<4xf32>
  %r0 = call @gemm_trans(%c0_0, %c0_1, %c0_2) : (tensor<3x2xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %p0 = tensor.cast %r0 : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  %c1_0 = arith.constant dense<[[-2.0, 3.0, 1.0], [3.0, 2.0, -1.0], [3.0, -2.0, -2.0], [-1.0, -2.0, -2.0]]> : tensor<4x3xf32>
  %d1_0 = tensor.cast %c1_0 : tensor<4x3xf32> to tensor<?x3xf32>
  %c1_1 = arith.constant dense<[[3.0, -2.0], [-1.0, -3.0], [3.0, 2.0]]> : tensor<3x2xf32>
  %c1_2 = arith.constant dense<[[-1.0, -3.0]]> : tensor<1x2xf32>
  %r1 = call @gemm_bias_dynamic(%d1_0, %c1_1, %c1_2) : (tensor<?x3xf32>, tensor<3x2xf32>, tensor<1x2xf32>) -> tensor<?x2xf32>
  %p1 = tensor.cast %r1 : tensor<?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  %c2_0 = arith.constant dense<[[-3.0, 1.0, 3.0], [1.0, -2.0, 0.0]]> : tensor<2x3xf32>
  %c2_1 = arith.constant dense<[[0.0, -1.0, 1.0], [3.0, -2.0, 0.0]]> : tensor<2x3xf32>
  %r2 = call @gemm_no_c(%c2_0, %c2_1) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
  %p2 = tensor.cast %r2 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  %c3_0 = arith.constant dense<[[19, -110, -15], [117, 7, -28]]> : tensor<2x3xi8>
  %c3_1 = arith.constant dense<[[-20, -19], [30, 62], [-117, 107]]> : tensor<3x2xi8>
  %c3_2 = arith.constant dense<[1000, -7]> : tensor<2xi32>
  %r3 = call @gemm_integer(%c3_0, %c3_1, %c3_2) : (tensor<2x3xi8>, tensor<3x2xi8>, tensor<2xi32>) -> tensor<2x2xi32>
  %p3 = tensor.cast %r3 : tensor<2x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p3) : (tensor<*xi32>) -> ()
  %c4_0 = arith.constant dense<[[67, 124], [193, 183], [131, 91]]> : tensor<3x2xi8>
  %u4_0 = builtin.unrealized_conversion_cast %c4_0 : tensor<3x2xi8> to tensor<3x2xui8>
  %c4_1 = arith.constant dense<[[-50, 27, 29], [-95, 89, -43]]> : tensor<2x3xi8>
  // ui8 values cannot cross a func.call yet (the conversion rewrites the
  // callee's signature to signless but not the call), so the op is here.
  %r4 = dyad.gemm %u4_0, %c4_1 {transA = true, transB = true} : (tensor<3x2xui8>, tensor<2x3xi8>) -> tensor<2x2xi32>
  %p4 = tensor.cast %r4 : tensor<2x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p4) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// The expected values below were computed independently (numpy / torch).
// gemm_trans
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-1.5,   -2.5,   2.5,   -2.5],
// EXEC-NEXT: [-9,   11,   2.5,   4.5]]
// gemm_bias_dynamic
// EXEC: rank = 2 offset = 0 sizes = [4, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-9,   -12],
// EXEC-NEXT: [1,   -23],
// EXEC-NEXT: [2,   -13],
// EXEC-NEXT: [-10,   -5]]
// gemm_no_c
// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}2,   -11],
// EXEC-NEXT: [2,   7]]
// gemm_integer
// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-2850,   -17579],
// EXEC-NEXT: [3292,   -9577]]
// integer gemm, ui8 A (inline in @main)
// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}5660,   5179],
// EXEC-NEXT: [1380,   594]]
