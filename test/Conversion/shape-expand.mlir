// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Static input dims: an input map with 0 for the broadcast dims.
// CHECK-DAG: #[[BC:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @expand(
// CHECK: linalg.generic {indexing_maps = [#[[BC]], #{{.*}}]{{.*}} ins(%{{.*}} : tensor<3x1xf32>) outs(%{{.*}} : tensor<2x3x4xf32>)
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %s = arith.constant dense<[2, 1, 4]> : tensor<3xi64>
  %r = dyad.expand %x, %s : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// Run-time shape and dynamic input dims: each size is the shape entry, or
// the input dim where the entry is 1; an input dim of size 1 at run time
// reads index 0.
// CHECK-LABEL: func.func @expand_runtime(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x?xf32>, %[[S:[^:]*]]: tensor<2xi64>
// CHECK: %[[S0:.*]] = tensor.extract %[[S]][%{{.*}}] : tensor<2xi64>
// CHECK: %[[I0:.*]] = arith.index_cast %[[S0]] : i64 to index
// CHECK: %[[D0:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf32>
// CHECK: %[[ONE0:.*]] = arith.cmpi eq, %[[I0]], %{{.*}} : index
// CHECK: %[[N0:.*]] = arith.select %[[ONE0]], %[[D0]], %[[I0]] : index
// CHECK: %[[E:.*]] = tensor.empty(%[[N0]], %{{.*}}) : tensor<?x?xf32>
// CHECK: %[[B0:.*]] = arith.cmpi eq, %[[D0]], %{{.*}} : index
// CHECK: linalg.generic {{.*}} outs(%[[E]] : tensor<?x?xf32>)
// CHECK: %[[R0:.*]] = arith.select %[[B0]], %{{.*}}, %{{.*}} : index
// CHECK: tensor.extract %[[X]][%[[R0]], %{{.*}}] : tensor<?x?xf32>
func.func @expand_runtime(%x: tensor<?x?xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %r = dyad.expand %x, %s : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// The shape may be shorter than the input rank.
// CHECK-LABEL: func.func @expand_short(
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x1x3xi32>) outs(%{{.*}} : tensor<2x4x3xi32>)
func.func @expand_short(%x: tensor<2x1x3xi32>) -> tensor<2x4x3xi32> {
  %s = arith.constant dense<[4, 1]> : tensor<2xi64>
  %r = dyad.expand %x, %s : (tensor<2x1x3xi32>, tensor<2xi64>) -> tensor<2x4x3xi32>
  return %r : tensor<2x4x3xi32>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[1.0], [2.0], [3.0]]> : tensor<3x1xf32>
  %r0_0 = call @expand(%a0_0) : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<2x3x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  // a run-time 1 broadcasts: [1, 3] to [2, 3]
  %a1_0 = arith.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %c1_0 = tensor.cast %a1_0 : tensor<1x3xf32> to tensor<?x?xf32>
  %a1_1 = arith.constant dense<[2, 1]> : tensor<2xi64>
  %r1_0 = call @expand_runtime(%c1_0, %a1_1) : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  %a2_0 = arith.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %c2_0 = tensor.cast %a2_0 : tensor<2x1xf32> to tensor<?x?xf32>
  %a2_1 = arith.constant dense<[1, 3]> : tensor<2xi64>
  %r2_0 = call @expand_runtime(%c2_0, %a2_1) : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %u2_0 = tensor.cast %r2_0 : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u2_0) : (tensor<*xf32>) -> ()
  %a3_0 = arith.constant dense<[[[0, 1, 2]], [[3, 4, 5]]]> : tensor<2x1x3xi32>
  %r3_0 = call @expand_short(%a3_0) : (tensor<2x1x3xi32>) -> tensor<2x4x3xi32>
  %u3_0 = tensor.cast %r3_0 : tensor<2x4x3xi32> to tensor<*xi32>
  call @printMemrefI32(%u3_0) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// EXEC: rank = 3 offset = 0 sizes = [2, 3, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}1, 1, 1, 1],
// EXEC-NEXT: [2, 2, 2, 2],
// EXEC-NEXT: [3, 3, 3, 3]],
// EXEC-NEXT: {{\[\[}}1, 1, 1, 1],
// EXEC-NEXT: [2, 2, 2, 2],
// EXEC-NEXT: [3, 3, 3, 3]]]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}1, 2, 3],
// EXEC-NEXT: [1, 2, 3]]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}1, 1, 1],
// EXEC-NEXT: [2, 2, 2]]
// EXEC: rank = 3 offset = 0 sizes = [2, 4, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}0, 1, 2],
// EXEC-NEXT: [0, 1, 2],
// EXEC-NEXT: [0, 1, 2],
// EXEC-NEXT: [0, 1, 2]],
// EXEC-NEXT: {{\[\[}}3, 4, 5],
// EXEC-NEXT: [3, 4, 5],
// EXEC-NEXT: [3, 4, 5],
// EXEC-NEXT: [3, 4, 5]]]
