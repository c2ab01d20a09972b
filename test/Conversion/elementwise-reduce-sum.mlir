// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[KEEP1:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[NONE:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @sum_keep(
// CHECK-SAME: %[[X:.*]]: tensor<2x?x2xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<2x?x2xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[KEEP1]]], iterator_types = ["reduction", "parallel", "reduction"]} ins(%[[X]] : tensor<2x?x2xf32>) outs(%[[INIT]] : tensor<?xf32>)
// CHECK: %[[D2:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<2x?x2xf32>
// CHECK: %[[R:.*]] = tensor.expand_shape %[[SUM]] {{\[\[}}0, 1, 2]] output_shape [1, %[[D2]], 1] : tensor<?xf32> into tensor<1x?x1xf32>
// CHECK: return %[[R]]
func.func @sum_keep(%x: tensor<2x?x2xf32>) -> tensor<1x?x1xf32> {
  %0 = dyad.reduce_sum %x {axes = array<i64: 0, 2>} : (tensor<2x?x2xf32>) -> tensor<1x?x1xf32>
  return %0 : tensor<1x?x1xf32>
}

// noop_with_empty_axes: the input itself (here doubled).
// CHECK-LABEL: func.func @sum_noop(
// CHECK-SAME: %[[X:.*]]: tensor<2x3xf32>
// CHECK-NOT: reduction
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[X]] : tensor<2x3xf32>, tensor<2x3xf32>)
func.func @sum_noop(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = dyad.reduce_sum %x {axes = array<i64>, noop_with_empty_axes = true} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = dyad.add %0, %0 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}
// CHECK-LABEL: func.func @sum_all(
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[NONE]]], iterator_types = ["reduction", "reduction"]} {{.*}} outs(%{{.*}} : tensor<f32>)
// CHECK: tensor.expand_shape %[[S]] [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @sum_all(%x: tensor<?x3xf32>) -> tensor<1x1xf32> {
  %0 = dyad.reduce_sum %x {axes = array<i64>} : (tensor<?x3xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
// CHECK-LABEL: func.func @sum_i32(
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: linalg.fill ins(%[[ZERO]] : i32)
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK: ^bb0(%[[IN:.*]]: i32, %[[ACC:.*]]: i32):
// CHECK: arith.addi %[[IN]], %[[ACC]] : i32
func.func @sum_i32(%x: tensor<2x3xi32>) -> tensor<2xi32> {
  %0 = dyad.reduce_sum %x {axes = array<i64: -1>, keepdims = false} : (tensor<2x3xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// Integer sums wrap in the element type.
// CHECK-LABEL: func.func @sum_i8(
// CHECK: ^bb0(%[[IN:.*]]: i8, %[[ACC:.*]]: i8):
// CHECK: arith.addi %[[IN]], %[[ACC]] : i8
func.func @sum_i8(%x: tensor<2x3xi32>) -> tensor<2xi32> {
  %x8 = dyad.cast %x : tensor<2x3xi32> to tensor<2x3xi8>
  %0 = dyad.reduce_sum %x8 {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xi8>) -> tensor<2xi8>
  %1 = dyad.cast %0 : tensor<2xi8> to tensor<2xi32>
  return %1 : tensor<2xi32>
}
// f16 sums accumulate in f32.
// CHECK-LABEL: func.func @sum_f16(
// CHECK: ^bb0(%[[IN:.*]]: f16, %[[ACC:.*]]: f32):
// CHECK: %[[W:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK: arith.addf %[[W]], %[[ACC]] : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @sum_f16(%x: tensor<2x4xf16>) -> tensor<2xf16> {
  %0 = dyad.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x4xf16>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

func.func @main() {
  %x = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [[-1.0, 0.5], [0.25, 10.0], [2.0, -8.0]]]> : tensor<2x3x2xf32>
  %xd = tensor.cast %x : tensor<2x3x2xf32> to tensor<2x?x2xf32>
  %r = call @sum_keep(%xd) : (tensor<2x?x2xf32>) -> tensor<1x?x1xf32>
  %u = tensor.cast %r : tensor<1x?x1xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()

  %y = arith.constant dense<[[1.0, 2.0, 4.0], [-3.0, 0.5, 10.0]]> : tensor<2x3xf32>
  %r1 = call @sum_noop(%y) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %u1 = tensor.cast %r1 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()

  %yd = tensor.cast %y : tensor<2x3xf32> to tensor<?x3xf32>
  %r2 = call @sum_all(%yd) : (tensor<?x3xf32>) -> tensor<1x1xf32>
  %u2 = tensor.cast %r2 : tensor<1x1xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()

  %i = arith.constant dense<[[-5, 0, 1], [2000000000, 2000000000, 10]]> : tensor<2x3xi32>
  %r3 = call @sum_i32(%i) : (tensor<2x3xi32>) -> tensor<2xi32>
  %u3 = tensor.cast %r3 : tensor<2xi32> to tensor<*xi32>
  call @printMemrefI32(%u3) : (tensor<*xi32>) -> ()

  %b = arith.constant dense<[[100, 100, 100], [-100, -100, 1]]> : tensor<2x3xi32>
  %r4 = call @sum_i8(%b) : (tensor<2x3xi32>) -> tensor<2xi32>
  %u4 = tensor.cast %r4 : tensor<2xi32> to tensor<*xi32>
  call @printMemrefI32(%u4) : (tensor<*xi32>) -> ()

  // In f16 the first row would be 2048 + 1 + 1 + 1 = 2048 (each +1 rounds away).
  %h = arith.constant dense<[[2048.0, 1.0, 1.0, 1.0], [0.1, 0.2, 0.3, 0.4]]> : tensor<2x4xf32>
  %hh = dyad.cast %h : tensor<2x4xf32> to tensor<2x4xf16>
  %r5 = call @sum_f16(%hh) : (tensor<2x4xf16>) -> tensor<2xf16>
  %rf = dyad.cast %r5 : tensor<2xf16> to tensor<2xf32>
  %u5 = tensor.cast %rf : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%u5) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 3 offset = 0 sizes = [1, 3, 1] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}2.5],
// EXEC-NEXT: [17.25],
// EXEC-NEXT: [5]]]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}2, 4, 8],
// EXEC-NEXT: [-6, 1, 20]]
// EXEC: rank = 2 offset = 0 sizes = [1, 1] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}14.5]]
// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [-4, -294967286]
// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [44, 57]
// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [2052, 1]
