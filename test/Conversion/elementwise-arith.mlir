// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @arith_f32(
// CHECK-SAME: %[[A:.*]]: tensor<?x3xf32>, %[[B:.*]]: tensor<3xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x3xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]], %[[B]] : tensor<?x3xf32>, tensor<3xf32>) outs(%[[E]] : tensor<?x3xf32>)
// CHECK: arith.addf
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.divf
func.func @arith_f32(%a: tensor<?x3xf32>, %b: tensor<3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>) {
  %0 = dyad.add %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %1 = dyad.sub %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %2 = dyad.mul %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %3 = dyad.div %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %0, %1, %2, %3 : tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>
}

// Integer Div truncates toward zero.
// CHECK-LABEL: func.func @div_i32(
// CHECK: arith.divsi %{{.*}} : i32
func.func @div_i32(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = dyad.div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}
// CHECK-LABEL: func.func @div_u8(
// CHECK: arith.divui %{{.*}} : i8
func.func @div_u8(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %au = dyad.cast %a : tensor<4xi32> to tensor<4xui8>
  %bu = dyad.cast %b : tensor<4xi32> to tensor<4xui8>
  %0 = dyad.div %au, %bu : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = dyad.cast %0 : tensor<4xui8> to tensor<4xi32>
  return %1 : tensor<4xi32>
}
// CHECK-LABEL: func.func @int_i64(
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[COL]], #[[ID2]]]
// CHECK: arith.addi %{{.*}} : i64
// CHECK: arith.subi %{{.*}} : i64
// CHECK: arith.muli %{{.*}} : i64
func.func @int_i64(%a: tensor<2x2xi64>, %b: tensor<2x1xi64>) -> (tensor<2x2xi64>, tensor<2x2xi64>, tensor<2x2xi64>) {
  %0 = dyad.add %a, %b : (tensor<2x2xi64>, tensor<2x1xi64>) -> tensor<2x2xi64>
  %1 = dyad.sub %a, %b : (tensor<2x2xi64>, tensor<2x1xi64>) -> tensor<2x2xi64>
  %2 = dyad.mul %a, %b : (tensor<2x2xi64>, tensor<2x1xi64>) -> tensor<2x2xi64>
  return %0, %1, %2 : tensor<2x2xi64>, tensor<2x2xi64>, tensor<2x2xi64>
}
// CHECK-LABEL: func.func @mul_bf16(
// CHECK: arith.mulf %{{.*}} : bf16
func.func @mul_bf16(%a: tensor<3xbf16>, %b: tensor<3xbf16>) -> tensor<3xbf16> {
  %0 = dyad.mul %a, %b : (tensor<3xbf16>, tensor<3xbf16>) -> tensor<3xbf16>
  return %0 : tensor<3xbf16>
}

func.func @main() {
  %a = arith.constant dense<[[1.0, -2.0, 3.5], [0.0, 10.0, -7.25]]> : tensor<2x3xf32>
  %b = arith.constant dense<[0.5, 4.0, -2.0]> : tensor<3xf32>
  %ad = tensor.cast %a : tensor<2x3xf32> to tensor<?x3xf32>
  %r:4 = call @arith_f32(%ad, %b) : (tensor<?x3xf32>, tensor<3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>)
  %u0 = tensor.cast %r#0 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  %u1 = tensor.cast %r#1 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  %u2 = tensor.cast %r#2 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  %u3 = tensor.cast %r#3 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u3) : (tensor<*xf32>) -> ()

  %i = arith.constant dense<[7, -7, 7, -7]> : tensor<4xi32>
  %j = arith.constant dense<[2, 2, -2, -2]> : tensor<4xi32>
  %r4 = call @div_i32(%i, %j) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %u4 = tensor.cast %r4 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u4) : (tensor<*xi32>) -> ()

  %k = arith.constant dense<[200, 255, 9, 128]> : tensor<4xi32>
  %l = arith.constant dense<[3, 16, 10, 2]> : tensor<4xi32>
  %r5 = call @div_u8(%k, %l) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %u5 = tensor.cast %r5 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u5) : (tensor<*xi32>) -> ()

  %m = arith.constant dense<[[1, -2], [3000000000, 4]]> : tensor<2x2xi64>
  %n = arith.constant dense<[[10], [-3]]> : tensor<2x1xi64>
  %s:3 = call @int_i64(%m, %n) : (tensor<2x2xi64>, tensor<2x1xi64>) -> (tensor<2x2xi64>, tensor<2x2xi64>, tensor<2x2xi64>)
  %u6 = tensor.cast %s#0 : tensor<2x2xi64> to tensor<*xi64>
  call @printMemrefI64(%u6) : (tensor<*xi64>) -> ()
  %u7 = tensor.cast %s#1 : tensor<2x2xi64> to tensor<*xi64>
  call @printMemrefI64(%u7) : (tensor<*xi64>) -> ()
  %u8 = tensor.cast %s#2 : tensor<2x2xi64> to tensor<*xi64>
  call @printMemrefI64(%u8) : (tensor<*xi64>) -> ()

  %p = arith.constant dense<[1.5, 3.0, -0.1]> : tensor<3xf32>
  %q = arith.constant dense<[1.5, 0.3333, 7.0]> : tensor<3xf32>
  %pb = dyad.cast %p : tensor<3xf32> to tensor<3xbf16>
  %qb = dyad.cast %q : tensor<3xf32> to tensor<3xbf16>
  %r9 = call @mul_bf16(%pb, %qb) : (tensor<3xbf16>, tensor<3xbf16>) -> tensor<3xbf16>
  %r9f = dyad.cast %r9 : tensor<3xbf16> to tensor<3xf32>
  %u9 = tensor.cast %r9f : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%u9) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)
func.func private @printMemrefI64(tensor<*xi64>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}1.5, 2, 1.5],
// EXEC-NEXT: [0.5, 14, -9.25]]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0.5, -6, 5.5],
// EXEC-NEXT: [-0.5, 6, -5.25]]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0.5, -8, -7],
// EXEC-NEXT: [{{-?(0|[0-9.]+e-[0-9]+)}}, 40, 14.5]]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}2, -0.5, -1.75],
// EXEC-NEXT: [{{-?(0|[0-9.]+e-[0-9]+)}}, 2.5, 3.625]]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [3, -3, -3, 3]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [66, 15, 0, 64]
// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}11, 8],
// EXEC-NEXT: [2999999997, 1]]
// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-9, -12],
// EXEC-NEXT: [3000000003, 7]]
// EXEC: rank = 2 offset = 0 sizes = [2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}10, -20],
// EXEC-NEXT: [-9000000000, -12]]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [2.25, 1, -0.699219]
