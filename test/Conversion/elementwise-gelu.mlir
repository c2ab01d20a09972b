// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// approximate = none: x/2 * erfc(-x / sqrt 2).
// CHECK-LABEL: func.func @gelu(
// CHECK-SAME: %[[X:.*]]: tensor<?x4xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<?x4xf32>) outs(%[[E]] : tensor<?x4xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[C:.*]] = arith.constant -0.707106769 : f32
// CHECK: %[[Z:.*]] = arith.mulf %[[IN]], %[[C]] : f32
// CHECK: %[[ERFC:.*]] = math.erfc %[[Z]] : f32
// CHECK: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[H:.*]] = arith.mulf %[[IN]], %[[HALF]] : f32
// CHECK: %[[R:.*]] = arith.mulf %[[H]], %[[ERFC]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @gelu(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = dyad.gelu %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
// approximate = tanh: x / (1 + exp(-2 sqrt(2/pi) (x + 0.044715 x^3))).
// CHECK-LABEL: func.func @gelu_tanh(
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[X2:.*]] = arith.mulf %[[IN]], %[[IN]] : f32
// CHECK: %[[X3:.*]] = arith.mulf %[[X2]], %[[IN]] : f32
// CHECK: %[[K:.*]] = arith.constant 4.471500e-02 : f32
// CHECK: %[[T:.*]] = arith.mulf %[[X3]], %[[K]] : f32
// CHECK: %[[U:.*]] = arith.addf %[[IN]], %[[T]] : f32
// CHECK: %[[C:.*]] = arith.constant -1.59576917 : f32
// CHECK: %[[M:.*]] = arith.mulf %[[U]], %[[C]] : f32
// CHECK: %[[EXP:.*]] = math.exp %[[M]] : f32
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[DEN:.*]] = arith.addf %[[EXP]], %[[ONE]] : f32
// CHECK: %[[R:.*]] = arith.divf %[[IN]], %[[DEN]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @gelu_tanh(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = dyad.gelu %x {approximate = #dyad.gelu_approximation<tanh>} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
// CHECK-LABEL: func.func @gelu_f16(
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: math.erfc %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @gelu_f16(%x: tensor<2x4xf16>) -> tensor<2x4xf16> {
  %0 = dyad.gelu %x : tensor<2x4xf16>
  return %0 : tensor<2x4xf16>
}

func.func @main() {
  %c = arith.constant dense<[[-6.0, -3.0, -1.5, -0.5], [0.0, 0.5, 1.5, 3.0]]> : tensor<2x4xf32>
  %d = tensor.cast %c : tensor<2x4xf32> to tensor<?x4xf32>
  %r = call @gelu(%d) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %u = tensor.cast %r : tensor<?x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  %r2 = call @gelu_tanh(%d) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %u2 = tensor.cast %r2 : tensor<?x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  %h = dyad.cast %c : tensor<2x4xf32> to tensor<2x4xf16>
  %rh = call @gelu_f16(%h) : (tensor<2x4xf16>) -> tensor<2x4xf16>
  %rf = dyad.cast %rh : tensor<2x4xf16> to tensor<2x4xf32>
  %uh = tensor.cast %rf : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%uh) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}{{-?(0|[0-9.]+e-[0-9]+)}}, {{(-0\.00404969|-0\.0040497)}}, -0.100211, -0.154269],
// EXEC-NEXT: [{{-?(0|[0-9.]+e-[0-9]+)}}, 0.345731, 1.39979, 2.99595]]
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}{{-?(0|[0-9.]+e-[0-9]+)}}, -0.00363739, -0.100428, -0.154286],
// EXEC-NEXT: [{{-?(0|[0-9.]+e-[0-9]+)}}, 0.345714, 1.39957, 2.99636]]
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}{{(-0|-5\.96046e-08|5\.96046e-08)}}, {{(-0\.00404739|-0\.00405121|-0\.00405502)}}, {{(-0\.100159|-0\.10022|-0\.100281)}}, {{(-0\.154175|-0\.154297|-0\.154419)}}],
// EXEC-NEXT: [{{-?(0|[0-9.]+e-[0-9]+)}}, {{(0\.345459|0\.345703|0\.345947)}}, {{(1\.39844|1\.39941|1\.40039)}}, {{(2\.99414|2\.99609|2\.99805)}}]]
