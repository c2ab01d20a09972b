// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[KEEP02:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[NONE:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[KEEP1:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @mean_keep(
// CHECK-SAME: %[[X:.*]]: tensor<2x?x3xf32>
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[KEEP02]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[X]] : tensor<2x?x3xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
// CHECK: arith.addf
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<2x?x3xf32>
// CHECK: %[[DI:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK: %[[N:.*]] = arith.sitofp %[[DI]] : i64 to f32
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x3xf32>)
// CHECK: arith.divf %{{.*}}, %[[N]] : f32
// CHECK: %[[R:.*]] = tensor.expand_shape %[[MEAN]] {{\[\[}}0], [1, 2]] output_shape [2, 1, 3] : tensor<2x3xf32> into tensor<2x1x3xf32>
// CHECK: return %[[R]]
func.func @mean_keep(%x: tensor<2x?x3xf32>) -> tensor<2x1x3xf32> {
  %0 = dyad.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x?x3xf32>) -> tensor<2x1x3xf32>
  return %0 : tensor<2x1x3xf32>
}

// Empty axes: all of them.
// CHECK-LABEL: func.func @mean_all(
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[NONE]]], iterator_types = ["reduction", "reduction"]} {{.*}} outs(%{{.*}} : tensor<f32>)
// CHECK-NOT: tensor.expand_shape
// CHECK: return %{{.*}} : tensor<f32>
func.func @mean_all(%x: tensor<2x3xf32>) -> tensor<f32> {
  %0 = dyad.reduce_mean %x {axes = array<i64>, keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
// axes -1 and 0 of a 3-D input.
// CHECK-LABEL: func.func @mean_neg(
// CHECK: linalg.generic {indexing_maps = [#[[ID3]], #[[KEEP1]]], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2]] output_shape [1, 3, 1] : tensor<3xf32> into tensor<1x3x1xf32>
func.func @mean_neg(%x: tensor<?x3x2xf32>) -> tensor<1x3x1xf32> {
  %0 = dyad.reduce_mean %x {axes = array<i64: -1, 0>} : (tensor<?x3x2xf32>) -> tensor<1x3x1xf32>
  return %0 : tensor<1x3x1xf32>
}

// Integer mean: exact i64 sum, division toward zero.
// CHECK-LABEL: func.func @mean_i32(
// CHECK: ^bb0(%[[IN:.*]]: i32, %[[ACC:.*]]: i64):
// CHECK: %[[W:.*]] = arith.extsi %[[IN]] : i32 to i64
// CHECK: arith.addi %[[W]], %[[ACC]] : i64
// CHECK: arith.divsi %{{.*}} : i64
// CHECK: arith.trunci %{{.*}} : i64 to i32
func.func @mean_i32(%x: tensor<2x3xi32>) -> tensor<2xi32> {
  %0 = dyad.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}
// CHECK-LABEL: func.func @mean_u8(
// CHECK: arith.extui %{{.*}} : i8 to i64
// CHECK: arith.divui %{{.*}} : i64
func.func @mean_u8(%x: tensor<2x3xi32>) -> tensor<2xi32> {
  %xu = dyad.cast %x : tensor<2x3xi32> to tensor<2x3xui8>
  %0 = dyad.reduce_mean %xu {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xui8>) -> tensor<2xui8>
  %1 = dyad.cast %0 : tensor<2xui8> to tensor<2xi32>
  return %1 : tensor<2xi32>
}
// CHECK-LABEL: func.func @mean_f16(
// CHECK: ^bb0(%[[IN:.*]]: f16, %[[ACC:.*]]: f32):
// CHECK: arith.extf %[[IN]] : f16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: tensor.expand_shape
func.func @mean_f16(%x: tensor<2x4xf16>) -> tensor<2x1xf16> {
  %0 = dyad.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x4xf16>) -> tensor<2x1xf16>
  return %0 : tensor<2x1xf16>
}

func.func @main() {
  %x = arith.constant dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[-1.0, 0.5, 0.25], [3.0, -2.5, 8.0]]]> : tensor<2x2x3xf32>
  %xd = tensor.cast %x : tensor<2x2x3xf32> to tensor<2x?x3xf32>
  %r = call @mean_keep(%xd) : (tensor<2x?x3xf32>) -> tensor<2x1x3xf32>
  %u = tensor.cast %r : tensor<2x1x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()

  %y = arith.constant dense<[[1.0, 2.0, 4.0], [-3.0, 0.5, 10.0]]> : tensor<2x3xf32>
  %r1 = call @mean_all(%y) : (tensor<2x3xf32>) -> tensor<f32>
  %u1 = tensor.cast %r1 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()

  %z = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [[0.5, -0.5], [10.0, 2.0], [-7.0, 1.0]]]> : tensor<2x3x2xf32>
  %zd = tensor.cast %z : tensor<2x3x2xf32> to tensor<?x3x2xf32>
  %r2 = call @mean_neg(%zd) : (tensor<?x3x2xf32>) -> tensor<1x3x1xf32>
  %u2 = tensor.cast %r2 : tensor<1x3x1xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()

  %i = arith.constant dense<[[-5, 0, 1], [7, 8, 10]]> : tensor<2x3xi32>
  %r3 = call @mean_i32(%i) : (tensor<2x3xi32>) -> tensor<2xi32>
  %u3 = tensor.cast %r3 : tensor<2xi32> to tensor<*xi32>
  call @printMemrefI32(%u3) : (tensor<*xi32>) -> ()

  %b = arith.constant dense<[[250, 251, 255], [1, 2, 4]]> : tensor<2x3xi32>
  %r4 = call @mean_u8(%b) : (tensor<2x3xi32>) -> tensor<2xi32>
  %u4 = tensor.cast %r4 : tensor<2xi32> to tensor<*xi32>
  call @printMemrefI32(%u4) : (tensor<*xi32>) -> ()

  %h = arith.constant dense<[[1000.0, 1001.0, 1002.0, 1003.0], [0.1, 0.2, 0.3, 0.4]]> : tensor<2x4xf32>
  %hh = dyad.cast %h : tensor<2x4xf32> to tensor<2x4xf16>
  %r5 = call @mean_f16(%hh) : (tensor<2x4xf16>) -> tensor<2x1xf16>
  %rf = dyad.cast %r5 : tensor<2x1xf16> to tensor<2x1xf32>
  %u5 = tensor.cast %rf : tensor<2x1xf32> to tensor<*xf32>
  call @printMemrefF32(%u5) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 3 offset = 0 sizes = [2, 1, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}2.5, 3.5, 4.5]],
// EXEC-NEXT: {{\[\[}}1, -1, 4.125]]]
// EXEC: rank = 0 offset = 0 sizes = [] strides = {{.*}} data =
// EXEC-NEXT: [2.41667]
// EXEC: rank = 3 offset = 0 sizes = [1, 3, 1] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}0.75],
// EXEC-NEXT: [4.75],
// EXEC-NEXT: [1.25]]]
// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [-1, 8]
// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [252, 2]
// EXEC: rank = 2 offset = 0 sizes = [2, 1] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}1001.5],
// EXEC-NEXT: [0.25]]
