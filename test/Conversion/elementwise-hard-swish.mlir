// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// x * clamp(x / 6 + 1/2, 0, 1).
// CHECK-LABEL: func.func @hard_swish(
// CHECK-SAME: %[[X:.*]]: tensor<2x?xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<2x?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<2x?xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<2x?xf32>) outs(%[[E]] : tensor<2x?xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[A:.*]] = arith.constant 0.166666672 : f32
// CHECK: %[[M:.*]] = arith.mulf %[[IN]], %[[A]] : f32
// CHECK: %[[B:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[V:.*]] = arith.addf %[[M]], %[[B]] : f32
// CHECK: %[[LO:.*]] = arith.maximumf %[[V]], %{{.*}} : f32
// CHECK: %[[HI:.*]] = arith.minimumf %[[LO]], %{{.*}} : f32
// CHECK: %[[R:.*]] = arith.mulf %[[IN]], %[[HI]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @hard_swish(%x: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = dyad.hard_swish %x : tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}
// CHECK-LABEL: func.func @hard_swish_f16(
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @hard_swish_f16(%x: tensor<2x5xf16>) -> tensor<2x5xf16> {
  %0 = dyad.hard_swish %x : tensor<2x5xf16>
  return %0 : tensor<2x5xf16>
}

func.func @main() {
  %c = arith.constant dense<[[-5.0, -3.0, -2.0, -0.5, 0.0], [0.7, 1.5, 3.0, 4.5, 0x7FC00000]]> : tensor<2x5xf32>
  %d = tensor.cast %c : tensor<2x5xf32> to tensor<2x?xf32>
  %r = call @hard_swish(%d) : (tensor<2x?xf32>) -> tensor<2x?xf32>
  %u = tensor.cast %r : tensor<2x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  %h = dyad.cast %c : tensor<2x5xf32> to tensor<2x5xf16>
  %rh = call @hard_swish_f16(%h) : (tensor<2x5xf16>) -> tensor<2x5xf16>
  %rf = dyad.cast %rh : tensor<2x5xf16> to tensor<2x5xf32>
  %uh = tensor.cast %rf : tensor<2x5xf32> to tensor<*xf32>
  call @printMemrefF32(%uh) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 2 offset = 0 sizes = [2, 5] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}{{-?(0|[0-9.]+e-[0-9]+)}}, {{-?(0|[0-9.]+e-[0-9]+)}}, -0.333333, -0.208333, {{-?(0|[0-9.]+e-[0-9]+)}}],
// EXEC-NEXT: [0.431667, 1.125, 3, 4.5, {{-?}}nan]]
// EXEC: rank = 2 offset = 0 sizes = [2, 5] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}{{-?(0|[0-9.]+e-[0-9]+)}}, {{-?(0|[0-9.]+e-[0-9]+)}}, -0.333252, -0.208374, {{-?(0|[0-9.]+e-[0-9]+)}}],
// EXEC-NEXT: [0.431885, 1.125, 3, 4.5, {{-?}}nan]]
