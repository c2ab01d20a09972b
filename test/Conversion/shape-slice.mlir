// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Results that would be views of an argument feed an add, so that the
// functions return fresh buffers.

// Constant parameters and positive steps: a static extract_slice. ONNX
// clamping: an INT64_MAX end is the dim, -5 starts 5 from the end.
// CHECK-LABEL: func.func @slice_const(
// CHECK: tensor.extract_slice %{{.*}}[1, 1] [2, 2] [2, 3] : tensor<5x6xf32> to tensor<2x2xf32>
func.func @slice_const(%x: tensor<5x6xf32>) -> tensor<2x2xf32> {
  %s = arith.constant dense<[1, -5]> : tensor<2xi64>
  %e = arith.constant dense<[9223372036854775807, -1]> : tensor<2xi64>
  %a = arith.constant dense<[0, 1]> : tensor<2xi64>
  %t = arith.constant dense<[2, 3]> : tensor<2xi64>
  %r = dyad.slice %x, %s, %e, %a, %t : (tensor<5x6xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x2xf32>
  %y = dyad.add %r, %r : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// A start past the end: an empty slice.
// CHECK-LABEL: func.func @slice_empty(
// CHECK: tensor.empty() : tensor<5x0xf32>
func.func @slice_empty(%x: tensor<5x6xf32>) -> tensor<5x0xf32> {
  %s = arith.constant dense<[10]> : tensor<1xi64>
  %e = arith.constant dense<[20]> : tensor<1xi64>
  %a = arith.constant dense<[-1]> : tensor<1xi64>
  %t = arith.constant dense<[1]> : tensor<1xi64>
  %r = dyad.slice %x, %s, %e, %a, %t : (tensor<5x6xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<5x0xf32>
  return %r : tensor<5x0xf32>
}

// A negative step reads backwards: a generic that extracts start + i * step.
// With step < 0 the start clamps to [0, dim-1] and the end to [-1, dim-1],
// so INT_MIN as the end runs to the first element.
// CHECK-LABEL: func.func @slice_neg_step(
// CHECK-SAME: %[[X:.*]]: tensor<?x4xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x4xf32>
// CHECK: linalg.generic {{.*}} outs(%[[E]] : tensor<?x4xf32>)
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: %[[J:.*]] = linalg.index 1 : index
// CHECK: %[[M:.*]] = arith.muli %[[I]], %{{.*}} : index
// CHECK: %[[S:.*]] = arith.addi %{{.*}}, %[[M]] : index
// CHECK: tensor.extract %[[X]][%[[S]], %[[J]]] : tensor<?x4xf32>
func.func @slice_neg_step(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %s = arith.constant dense<[-1]> : tensor<1xi32>
  %e = arith.constant dense<[-2147483648]> : tensor<1xi32>
  %a = arith.constant dense<[0]> : tensor<1xi32>
  %t = arith.constant dense<[-1]> : tensor<1xi32>
  %r = dyad.slice %x, %s, %e, %a, %t : (tensor<?x4xf32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// Parameters known only at run time (axes too): the same rules in index
// arithmetic; each data axis takes the entry whose axis matches it.
// CHECK-LABEL: func.func @slice_runtime(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x?xf32>, %[[S:[^:]*]]: tensor<1xi64>, %[[E:[^:]*]]: tensor<1xi64>, %[[A:[^:]*]]: tensor<1xi64>, %[[T:[^:]*]]: tensor<1xi64>
// CHECK-DAG: tensor.extract %[[S]]
// CHECK-DAG: tensor.extract %[[E]]
// CHECK-DAG: tensor.extract %[[A]]
// CHECK-DAG: tensor.extract %[[T]]
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.divsi
// CHECK: linalg.generic
// CHECK: arith.muli
// CHECK: tensor.extract %[[X]]
func.func @slice_runtime(%x: tensor<?x?xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>, %a: tensor<1xi64>, %t: tensor<1xi64>) -> tensor<?x?xf32> {
  %r = dyad.slice %x, %s, %e, %a, %t : (tensor<?x?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0, 16.0, 17.0], [18.0, 19.0, 20.0, 21.0, 22.0, 23.0], [24.0, 25.0, 26.0, 27.0, 28.0, 29.0]]> : tensor<5x6xf32>
  %r0_0 = call @slice_const(%a0_0) : (tensor<5x6xf32>) -> tensor<2x2xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0, 16.0, 17.0], [18.0, 19.0, 20.0, 21.0, 22.0, 23.0], [24.0, 25.0, 26.0, 27.0, 28.0, 29.0]]> : tensor<5x6xf32>
  %r1_0 = call @slice_empty(%a1_0) : (tensor<5x6xf32>) -> tensor<5x0xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<5x0xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  %a2_0 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]> : tensor<3x4xf32>
  %c2_0 = tensor.cast %a2_0 : tensor<3x4xf32> to tensor<?x4xf32>
  %r2_0 = call @slice_neg_step(%c2_0) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %u2_0 = tensor.cast %r2_0 : tensor<?x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u2_0) : (tensor<*xf32>) -> ()
  // axis -1, 4 down to (not) 0 by 2
  %a3_0 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0, 16.0, 17.0], [18.0, 19.0, 20.0, 21.0, 22.0, 23.0], [24.0, 25.0, 26.0, 27.0, 28.0, 29.0]]> : tensor<5x6xf32>
  %c3_0 = tensor.cast %a3_0 : tensor<5x6xf32> to tensor<?x?xf32>
  %a3_1 = arith.constant dense<[4]> : tensor<1xi64>
  %a3_2 = arith.constant dense<[0]> : tensor<1xi64>
  %a3_3 = arith.constant dense<[-1]> : tensor<1xi64>
  %a3_4 = arith.constant dense<[-2]> : tensor<1xi64>
  %r3_0 = call @slice_runtime(%c3_0, %a3_1, %a3_2, %a3_3, %a3_4) : (tensor<?x?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  %u3_0 = tensor.cast %r3_0 : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u3_0) : (tensor<*xf32>) -> ()
  %a4_0 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0, 16.0, 17.0], [18.0, 19.0, 20.0, 21.0, 22.0, 23.0], [24.0, 25.0, 26.0, 27.0, 28.0, 29.0]]> : tensor<5x6xf32>
  %c4_0 = tensor.cast %a4_0 : tensor<5x6xf32> to tensor<?x?xf32>
  %a4_1 = arith.constant dense<[-100]> : tensor<1xi64>
  %a4_2 = arith.constant dense<[-2]> : tensor<1xi64>
  %a4_3 = arith.constant dense<[0]> : tensor<1xi64>
  %a4_4 = arith.constant dense<[2]> : tensor<1xi64>
  %r4_0 = call @slice_runtime(%c4_0, %a4_1, %a4_2, %a4_3, %a4_4) : (tensor<?x?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  %u4_0 = tensor.cast %r4_0 : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u4_0) : (tensor<*xf32>) -> ()
  // a start below -dim clamps to 0 for a negative step: one row
  %a5_0 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0, 16.0, 17.0], [18.0, 19.0, 20.0, 21.0, 22.0, 23.0], [24.0, 25.0, 26.0, 27.0, 28.0, 29.0]]> : tensor<5x6xf32>
  %c5_0 = tensor.cast %a5_0 : tensor<5x6xf32> to tensor<?x?xf32>
  %a5_1 = arith.constant dense<[-100]> : tensor<1xi64>
  %a5_2 = arith.constant dense<[2]> : tensor<1xi64>
  %a5_3 = arith.constant dense<[0]> : tensor<1xi64>
  %a5_4 = arith.constant dense<[-1]> : tensor<1xi64>
  %r5_0 = call @slice_runtime(%c5_0, %a5_1, %a5_2, %a5_3, %a5_4) : (tensor<?x?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  %u5_0 = tensor.cast %r5_0 : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u5_0) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}14, 20],
// EXEC-NEXT: [38, 44]]
// EXEC: rank = 2 offset = 0 sizes = [5, 0] strides = {{.*}} data =
// EXEC: rank = 2 offset = 0 sizes = [3, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}8, 9, 10, 11],
// EXEC-NEXT: [4, 5, 6, 7],
// EXEC-NEXT: [0, 1, 2, 3]]
// EXEC: rank = 2 offset = 0 sizes = [5, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}4, 2],
// EXEC-NEXT: [10, 8],
// EXEC-NEXT: [16, 14],
// EXEC-NEXT: [22, 20],
// EXEC-NEXT: [28, 26]]
// EXEC: rank = 2 offset = 0 sizes = [2, 6] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 1, 2, 3, 4, 5],
// EXEC-NEXT: [12, 13, 14, 15, 16, 17]]
// EXEC: rank = 2 offset = 0 sizes = [0, 6] strides = {{.*}} data =
