// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Stable form: e = exp(-|x|); x >= 0 ? 1 / (1 + e) : e / (1 + e).
// CHECK-LABEL: func.func @sigmoid(
// CHECK-SAME: %[[X:.*]]: tensor<?xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<?xf32>) outs(%[[E]] : tensor<?xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[ABS:.*]] = math.absf %[[IN]] : f32
// CHECK: %[[NEG:.*]] = arith.negf %[[ABS]] : f32
// CHECK: %[[EXP:.*]] = math.exp %[[NEG]] : f32
// CHECK: %[[DEN:.*]] = arith.addf %[[ONE]], %[[EXP]] : f32
// CHECK: %[[POS:.*]] = arith.divf %[[ONE]], %[[DEN]] : f32
// CHECK: %[[LT:.*]] = arith.cmpf olt, %[[IN]], %[[ZERO]] : f32
// CHECK: %[[NEGR:.*]] = arith.mulf %[[EXP]], %[[POS]] : f32
// CHECK: %[[R:.*]] = arith.select %[[LT]], %[[NEGR]], %[[POS]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @sigmoid(%x: tensor<?xf32>) -> tensor<?xf32> {
  %0 = dyad.sigmoid %x : tensor<?xf32>
  return %0 : tensor<?xf32>
}
// bf16 computes in f32.
// CHECK-LABEL: func.func @sigmoid_bf16(
// CHECK: ^bb0(%[[IN:.*]]: bf16, %{{.*}}: bf16):
// CHECK: %[[W:.*]] = arith.extf %[[IN]] : bf16 to f32
// CHECK: math.exp %{{.*}} : f32
// CHECK: %[[R:.*]] = arith.select %{{.*}} : f32
// CHECK: %[[T:.*]] = arith.truncf %[[R]] : f32 to bf16
// CHECK: linalg.yield %[[T]] : bf16
func.func @sigmoid_bf16(%x: tensor<2x3xbf16>) -> tensor<2x3xbf16> {
  %0 = dyad.sigmoid %x : tensor<2x3xbf16>
  return %0 : tensor<2x3xbf16>
}

func.func @main() {
  %c = arith.constant dense<[-100.0, -20.0, -2.0, -0.5, 0.0, 0.5, 2.0, 20.0, 100.0, 0x7FC00000]> : tensor<10xf32>
  %d = tensor.cast %c : tensor<10xf32> to tensor<?xf32>
  %r = call @sigmoid(%d) : (tensor<?xf32>) -> tensor<?xf32>
  %u = tensor.cast %r : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()

  %b = arith.constant dense<[[-3.0, -1.0, 0.25], [1.0, 3.0, 9.0]]> : tensor<2x3xf32>
  %bb = dyad.cast %b : tensor<2x3xf32> to tensor<2x3xbf16>
  %rb = call @sigmoid_bf16(%bb) : (tensor<2x3xbf16>) -> tensor<2x3xbf16>
  %rf = dyad.cast %rb : tensor<2x3xbf16> to tensor<2x3xf32>
  %ub = tensor.cast %rf : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%ub) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// Expected output (computed independently with numpy / torch), except the
// first: sigmoid(-100) = exp(-100) = 3.78e-44 is a denormal, and exp's
// polynomial (dyad-cpu-expand-math) flushes results below the normal range
// (x < -87.3) to 0.
// EXEC: rank = 1 offset = 0 sizes = [10] strides = {{.*}} data =
// EXEC-NEXT: [0, 2.06115e-09, 0.119203, 0.377541, 0.5, 0.622459, 0.880797, 1, 1, {{-?}}nan]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0.0473633, 0.269531, 0.5625],
// EXEC-NEXT: [0.730469, 0.953125, 1]]
