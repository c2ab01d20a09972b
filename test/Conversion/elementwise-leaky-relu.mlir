// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// CHECK-LABEL: func.func @leaky_relu(
// CHECK-SAME: %[[X:.*]]: tensor<2x?xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<2x?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<2x?xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<2x?xf32>) outs(%[[E]] : tensor<2x?xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[NEG:.*]] = arith.cmpf olt, %[[IN]], %[[Z]] : f32
// CHECK: %[[A:.*]] = arith.constant 1.000000e-01 : f32
// CHECK: %[[S:.*]] = arith.mulf %[[IN]], %[[A]] : f32
// CHECK: %[[R:.*]] = arith.select %[[NEG]], %[[S]], %[[IN]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @leaky_relu(%x: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = dyad.leaky_relu %x {alpha = 0.1 : f32} : tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

// Default alpha (0.01); f16 computes in f32 and rounds alpha * x once.
// CHECK-LABEL: func.func @leaky_relu_f16(
// CHECK: ^bb0(%[[IN:.*]]: f16, %{{.*}}: f16):
// CHECK: %[[W:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK: arith.cmpf olt, %[[W]], %{{.*}} : f32
// CHECK: %[[A:.*]] = arith.constant 0.00999999977 : f32
// CHECK: arith.mulf %[[W]], %[[A]] : f32
// CHECK: %[[R:.*]] = arith.select %{{.*}} : f32
// CHECK: arith.truncf %[[R]] : f32 to f16
func.func @leaky_relu_f16(%x: tensor<2x4xf16>) -> tensor<2x4xf16> {
  %0 = dyad.leaky_relu %x : tensor<2x4xf16>
  return %0 : tensor<2x4xf16>
}

func.func @main() {
  %c = arith.constant dense<[[-2.0, -0.5, 0.0, 3.0], [1.5, -100.0, 0x7FC00000, -7.25]]> : tensor<2x4xf32>
  %d = tensor.cast %c : tensor<2x4xf32> to tensor<2x?xf32>
  %r = call @leaky_relu(%d) : (tensor<2x?xf32>) -> tensor<2x?xf32>
  %u = tensor.cast %r : tensor<2x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()

  %h = dyad.cast %c : tensor<2x4xf32> to tensor<2x4xf16>
  %rh = call @leaky_relu_f16(%h) : (tensor<2x4xf16>) -> tensor<2x4xf16>
  %rf = dyad.cast %rh : tensor<2x4xf16> to tensor<2x4xf32>
  %uh = tensor.cast %rf : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%uh) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-0.2, -0.05, {{-?(0|[0-9.]+e-[0-9]+)}}, 3],
// EXEC-NEXT: [1.5, -10, {{-?}}nan, -0.725]]
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}{{(-0\.019989|-0\.0200043|-0\.0200195)}}, {{(-0\.00499725|-0\.00500107|-0\.00500488)}}, {{-?(0|[0-9.]+e-[0-9]+)}}, {{(2\.99805|3|3\.00195)}}],
// EXEC-NEXT: [{{(1\.49902|1\.5|1\.50098)}}, {{(-0\.999512|-1|-1\.00098)}}, {{-?}}nan, {{(-0\.0724487|-0\.0725098|-0\.0725708)}}]]
