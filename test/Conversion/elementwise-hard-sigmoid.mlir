// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// clamp(alpha * x + beta, 0, 1) with maximumf / minimumf (NaN propagates).
// CHECK-LABEL: func.func @hard_sigmoid(
// CHECK-SAME: %[[X:.*]]: tensor<?x3xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x3xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<?x3xf32>) outs(%[[E]] : tensor<?x3xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[A:.*]] = arith.constant 2.000000e-01 : f32
// CHECK: %[[M:.*]] = arith.mulf %[[IN]], %[[A]] : f32
// CHECK: %[[B:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[V:.*]] = arith.addf %[[M]], %[[B]] : f32
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[LO:.*]] = arith.maximumf %[[V]], %[[ZERO]] : f32
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[R:.*]] = arith.minimumf %[[LO]], %[[ONE]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @hard_sigmoid(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = dyad.hard_sigmoid %x : tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
// CHECK-LABEL: func.func @hard_sigmoid_attrs(
// CHECK: arith.constant 5.000000e-01 : f32
// CHECK: arith.mulf
// CHECK: arith.constant 6.000000e-01 : f32
// CHECK: arith.addf
func.func @hard_sigmoid_attrs(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = dyad.hard_sigmoid %x {alpha = 0.5 : f32, beta = 0.6 : f32} : tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

func.func @main() {
  %c = arith.constant dense<[[-4.0, -2.5, -1.0], [0.0, 0.3, 1.0], [2.5, 4.0, 0x7FC00000]]> : tensor<3x3xf32>
  %d = tensor.cast %c : tensor<3x3xf32> to tensor<?x3xf32>
  %r = call @hard_sigmoid(%d) : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %u = tensor.cast %r : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  %r2 = call @hard_sigmoid_attrs(%d) : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %u2 = tensor.cast %r2 : tensor<?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 2 offset = 0 sizes = [3, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}{{-?(0|[0-9.]+e-[0-9]+)}}, {{-?(0|[0-9.]+e-[0-9]+)}}, 0.3],
// EXEC-NEXT: [0.5, 0.56, 0.7],
// EXEC-NEXT: [1, 1, {{-?}}nan]]
// EXEC: rank = 2 offset = 0 sizes = [3, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}{{-?(0|[0-9.]+e-[0-9]+)}}, {{-?(0|[0-9.]+e-[0-9]+)}}, 0.1],
// EXEC-NEXT: [0.6, 0.75, 1],
// EXEC-NEXT: [1, 1, {{-?}}nan]]
