// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// CHECK-LABEL: func.func @unary_f32(
// CHECK: math.sqrt %{{.*}} : f32
// CHECK: math.exp %{{.*}} : f32
// CHECK: math.erf %{{.*}} : f32
// CHECK: math.tanh %{{.*}} : f32
// CHECK: arith.maximumf %{{.*}} : f32
func.func @unary_f32(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) {
  %0 = dyad.sqrt %x : tensor<?xf32>
  %1 = dyad.exp %x : tensor<?xf32>
  %2 = dyad.erf %x : tensor<?xf32>
  %3 = dyad.tanh %x : tensor<?xf32>
  %4 = dyad.relu %x : tensor<?xf32>
  return %0, %1, %2, %3, %4 : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}

// f16: transcendental math in f32.
// CHECK-LABEL: func.func @unary_f16(
// CHECK: %[[W:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: %[[R:.*]] = math.erf %[[W]] : f32
// CHECK: arith.truncf %[[R]] : f32 to f16
// CHECK: %[[W2:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: %[[R2:.*]] = math.tanh %[[W2]] : f32
// CHECK: arith.truncf %[[R2]] : f32 to f16
func.func @unary_f16(%x: tensor<5xf16>) -> (tensor<5xf16>, tensor<5xf16>) {
  %0 = dyad.erf %x : tensor<5xf16>
  %1 = dyad.tanh %x : tensor<5xf16>
  return %0, %1 : tensor<5xf16>, tensor<5xf16>
}
// CHECK-LABEL: func.func @relu_i32(
// CHECK: arith.maxsi %{{.*}} : i32
func.func @relu_i32(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = dyad.relu %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

func.func @main() {
  %x = arith.constant dense<[-1.5, 0.0, 0.25, 2.0, 9.0]> : tensor<5xf32>
  %xd = tensor.cast %x : tensor<5xf32> to tensor<?xf32>
  %r:5 = call @unary_f32(%xd) : (tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>)
  %u0 = tensor.cast %r#0 : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  %u1 = tensor.cast %r#1 : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  %u2 = tensor.cast %r#2 : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  %u3 = tensor.cast %r#3 : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u3) : (tensor<*xf32>) -> ()
  %u4 = tensor.cast %r#4 : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u4) : (tensor<*xf32>) -> ()

  %h = dyad.cast %x : tensor<5xf32> to tensor<5xf16>
  %s:2 = call @unary_f16(%h) : (tensor<5xf16>) -> (tensor<5xf16>, tensor<5xf16>)
  %s0 = dyad.cast %s#0 : tensor<5xf16> to tensor<5xf32>
  %u5 = tensor.cast %s0 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u5) : (tensor<*xf32>) -> ()
  %s1 = dyad.cast %s#1 : tensor<5xf16> to tensor<5xf32>
  %u6 = tensor.cast %s1 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u6) : (tensor<*xf32>) -> ()

  %i = arith.constant dense<[-5, 0, 3, -2147483648]> : tensor<4xi32>
  %r7 = call @relu_i32(%i) : (tensor<4xi32>) -> tensor<4xi32>
  %u7 = tensor.cast %r7 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u7) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [{{-?}}nan, {{-?(0|[0-9.]+e-[0-9]+)}}, 0.5, 1.41421, 3]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [0.22313, 1, 1.28403, 7.38906, 8103.08]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [-0.966105, {{-?(0|[0-9.]+e-[0-9]+)}}, 0.276326, 0.995322, 1]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [-0.905148, {{-?(0|[0-9.]+e-[0-9]+)}}, 0.244919, 0.964028, 1]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [{{-?(0|[0-9.]+e-[0-9]+)}}, {{-?(0|[0-9.]+e-[0-9]+)}}, 0.25, 2, 9]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [{{(-0\.96582|-0\.966309|-0\.966797)}}, {{-?(0|[0-9.]+e-[0-9]+)}}, {{(0\.276123|0\.276367|0\.276611)}}, {{(0\.994629|0\.995117|0\.995605)}}, {{(0\.999512|1|1\.00098)}}]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [{{(-0\.904785|-0\.905273|-0\.905762)}}, {{-?(0|[0-9.]+e-[0-9]+)}}, {{(0\.244751|0\.244873|0\.244995)}}, {{(0\.963379|0\.963867|0\.964355)}}, {{(0\.999512|1|1\.00098)}}]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [0, 0, 3, 0]
