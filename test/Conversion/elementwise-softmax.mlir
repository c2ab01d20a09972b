// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// max (reduction from -inf), exp(x - max), sum (reduction from 0), divide.
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW2:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ROW3:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: %[[X:.*]]: tensor<2x?xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<2x?xf32>
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[E0:.*]] = tensor.empty() : tensor<2xf32>
// CHECK: %[[F0:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%[[E0]] : tensor<2xf32>)
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW2]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<2x?xf32>) outs(%[[F0]] : tensor<2xf32>)
// CHECK: arith.maximumf
// CHECK: %[[E1:.*]] = tensor.empty(%[[D]]) : tensor<2x?xf32>
// CHECK: %[[EXP:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW2]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[MAX]] : tensor<2x?xf32>, tensor<2xf32>) outs(%[[E1]] : tensor<2x?xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[F1:.*]] = linalg.fill ins(%[[ZERO]] : f32)
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW2]]], iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] : tensor<2x?xf32>) outs(%[[F1]] : tensor<2xf32>)
// CHECK: arith.addf
// CHECK: %[[E2:.*]] = tensor.empty(%[[D]]) : tensor<2x?xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW2]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[EXP]], %[[SUM]] : tensor<2x?xf32>, tensor<2xf32>) outs(%[[E2]] : tensor<2x?xf32>)
// CHECK: arith.divf
// CHECK: return %[[R]] : tensor<2x?xf32>
func.func @softmax(%x: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = dyad.softmax %x {axis = -1 : i64} : tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}
// CHECK-LABEL: func.func @softmax_axis0(
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} {{.*}} outs(%{{.*}} : tensor<3xf32>)
func.func @softmax_axis0(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = dyad.softmax %x {axis = 0 : i64} : tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
// CHECK-LABEL: func.func @softmax_3d(
// CHECK: linalg.generic {indexing_maps = [#[[ID3]], #[[ROW3]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%{{.*}} : tensor<2x?x2xf32>) outs(%{{.*}} : tensor<2x2xf32>)
func.func @softmax_3d(%x: tensor<2x?x2xf32>) -> tensor<2x?x2xf32> {
  %0 = dyad.softmax %x {axis = 1 : i64} : tensor<2x?x2xf32>
  return %0 : tensor<2x?x2xf32>
}
// f16: statistics and exponentials in f32, one rounding at the end.
// CHECK-LABEL: func.func @softmax_f16(
// CHECK: outs(%{{.*}} : tensor<2xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: outs(%{{.*}} : tensor<2x3xf16>)
// CHECK: arith.divf %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @softmax_f16(%x: tensor<2x3xf16>) -> tensor<2x3xf16> {
  %0 = dyad.softmax %x : tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

func.func @main() {
  // Large logits: exp would overflow without subtracting the max.
  %x = arith.constant dense<[[1000.0, 1001.0, 1002.0, 999.0], [-1.0, 0.0, 1.0, 2.0]]> : tensor<2x4xf32>
  %xd = tensor.cast %x : tensor<2x4xf32> to tensor<2x?xf32>
  %r = call @softmax(%xd) : (tensor<2x?xf32>) -> tensor<2x?xf32>
  %u = tensor.cast %r : tensor<2x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()

  %y = arith.constant dense<[[0.5, -2.0, 3.0], [1.5, 0.0, 3.0], [-0.5, 2.0, -100.0], [0.0, 0.0, 3.0]]> : tensor<4x3xf32>
  %yd = tensor.cast %y : tensor<4x3xf32> to tensor<?x3xf32>
  %r1 = call @softmax_axis0(%yd) : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %u1 = tensor.cast %r1 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()

  %z = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0], [5.0, 0.0]], [[-1.0, 0.5], [0.25, 0.5], [2.0, 0.5]]]> : tensor<2x3x2xf32>
  %zd = tensor.cast %z : tensor<2x3x2xf32> to tensor<2x?x2xf32>
  %r2 = call @softmax_3d(%zd) : (tensor<2x?x2xf32>) -> tensor<2x?x2xf32>
  %u2 = tensor.cast %r2 : tensor<2x?x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()

  %h = arith.constant dense<[[1.0, 2.0, 3.0], [10.0, 10.5, -3.0]]> : tensor<2x3xf32>
  %hh = dyad.cast %h : tensor<2x3xf32> to tensor<2x3xf16>
  %r3 = call @softmax_f16(%hh) : (tensor<2x3xf16>) -> tensor<2x3xf16>
  %rf = dyad.cast %r3 : tensor<2x3xf16> to tensor<2x3xf32>
  %u3 = tensor.cast %rf : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u3) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0.0871443, 0.236883, 0.643914, 0.0320586],
// EXEC-NEXT: [0.0320586, 0.0871443, 0.236883, 0.643914]]
// EXEC: rank = 2 offset = 0 sizes = [4, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0.213097, 0.0142093, 0.333333],
// EXEC-NEXT: [{{(0\.579258|0\.579259)}}, 0.104994, 0.333333],
// EXEC-NEXT: [0.0783941, {{(0\.775803|0\.775804)}}, {{-?(0|[0-9.]+e-[0-9]+)}}],
// EXEC-NEXT: [0.12925, 0.104994, 0.333333]]
// EXEC: rank = 3 offset = 0 sizes = [2, 3, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}0.0158762, 0.11731],
// EXEC-NEXT: [0.11731, 0.866813],
// EXEC-NEXT: [0.866813, 0.0158762]],
// EXEC-NEXT: {{\[\[}}0.0406903, 0.333333],
// EXEC-NEXT: [0.142023, 0.333333],
// EXEC-NEXT: [{{(0\.817286|0\.817287)}}, 0.333333]]]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}{{(0\.0899658|0\.0900269|0\.0900879)}}, {{(0\.244629|0\.244751|0\.244873)}}, {{(0\.664551|0\.665039|0\.665527)}}],
// EXEC-NEXT: [{{(0\.377197|0\.377441|0\.377686)}}, {{(0\.62207|0\.622559|0\.623047)}}, {{(7\.7486e-07|8\.34465e-07|8\.9407e-07)}}]]
