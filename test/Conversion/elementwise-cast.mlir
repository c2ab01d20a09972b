// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// Unsigned types only live inside the functions (their signature is signless).
// CHECK-LABEL: func.func @f32_to_i32(
// CHECK-SAME: %[[X:.*]]: tensor<?xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?xi32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<?xf32>) outs(%[[E]] : tensor<?xi32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: i32):
// CHECK: %[[R:.*]] = arith.fptosi %[[IN]] : f32 to i32
// CHECK: linalg.yield %[[R]] : i32
func.func @f32_to_i32(%x: tensor<?xf32>) -> tensor<?xi32> {
  %0 = dyad.cast %x : tensor<?xf32> to tensor<?xi32>
  return %0 : tensor<?xi32>
}
// CHECK-LABEL: func.func @f32_to_u8(
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: arith.extui %{{.*}} : i8 to i32
func.func @f32_to_u8(%x: tensor<4xf32>) -> tensor<4xi32> {
  %0 = dyad.cast %x : tensor<4xf32> to tensor<4xui8>
  %1 = dyad.cast %0 : tensor<4xui8> to tensor<4xi32>
  return %1 : tensor<4xi32>
}
// CHECK-LABEL: func.func @f32_to_u32(
// CHECK: arith.fptoui %{{.*}} : f32 to i32
// CHECK: arith.extui %{{.*}} : i32 to i64
func.func @f32_to_u32(%x: tensor<2xf32>) -> tensor<2xi64> {
  %0 = dyad.cast %x : tensor<2xf32> to tensor<2xui32>
  %1 = dyad.cast %0 : tensor<2xui32> to tensor<2xi64>
  return %1 : tensor<2xi64>
}
// CHECK-LABEL: func.func @f64_to_i64(
// CHECK: arith.fptosi %{{.*}} : f64 to i64
func.func @f64_to_i64(%x: tensor<3xf64>) -> tensor<3xi64> {
  %0 = dyad.cast %x : tensor<3xf64> to tensor<3xi64>
  return %0 : tensor<3xi64>
}
// CHECK-LABEL: func.func @i8_to_f32(
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.sitofp %{{.*}} : i8 to f32
func.func @i8_to_f32(%x: tensor<4xi32>) -> tensor<4xf32> {
  %0 = dyad.cast %x : tensor<4xi32> to tensor<4xi8>
  %1 = dyad.cast %0 : tensor<4xi8> to tensor<4xf32>
  return %1 : tensor<4xf32>
}
// CHECK-LABEL: func.func @u8_to_f32(
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.uitofp %{{.*}} : i8 to f32
func.func @u8_to_f32(%x: tensor<4xi32>) -> tensor<4xf32> {
  %0 = dyad.cast %x : tensor<4xi32> to tensor<4xui8>
  %1 = dyad.cast %0 : tensor<4xui8> to tensor<4xf32>
  return %1 : tensor<4xf32>
}
// i64 -> ui64 is the same storage: one generic.
// CHECK-LABEL: func.func @u64_to_f32(
// CHECK: linalg.generic
// CHECK: arith.uitofp %{{.*}} : i64 to f32
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @u64_to_f32(%x: tensor<2xi64>) -> tensor<2xf32> {
  %0 = dyad.cast %x : tensor<2xi64> to tensor<2xui64>
  %1 = dyad.cast %0 : tensor<2xui64> to tensor<2xf32>
  return %1 : tensor<2xf32>
}
// CHECK-LABEL: func.func @i32_to_i64(
// CHECK: arith.extsi %{{.*}} : i32 to i64
func.func @i32_to_i64(%x: tensor<3xi32>) -> tensor<3xi64> {
  %0 = dyad.cast %x : tensor<3xi32> to tensor<3xi64>
  return %0 : tensor<3xi64>
}
// CHECK-LABEL: func.func @u32_to_i64(
// CHECK: arith.extui %{{.*}} : i32 to i64
func.func @u32_to_i64(%x: tensor<3xi32>) -> tensor<3xi64> {
  %0 = dyad.cast %x : tensor<3xi32> to tensor<3xui32>
  %1 = dyad.cast %0 : tensor<3xui32> to tensor<3xi64>
  return %1 : tensor<3xi64>
}
// CHECK-LABEL: func.func @i64_to_i8(
// CHECK: arith.trunci %{{.*}} : i64 to i8
// CHECK: arith.extsi %{{.*}} : i8 to i32
func.func @i64_to_i8(%x: tensor<4xi64>) -> tensor<4xi32> {
  %0 = dyad.cast %x : tensor<4xi64> to tensor<4xi8>
  %1 = dyad.cast %0 : tensor<4xi8> to tensor<4xi32>
  return %1 : tensor<4xi32>
}
// To bool is x != 0 (NaN is true); from bool is 0 / 1.
// CHECK-LABEL: func.func @f32_to_bool(
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: i1):
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: arith.cmpf une, %[[IN]], %[[Z]] : f32
// CHECK: arith.extui %{{.*}} : i1 to i32
func.func @f32_to_bool(%x: tensor<6xf32>) -> tensor<6xi32> {
  %0 = dyad.cast %x : tensor<6xf32> to tensor<6xi1>
  %1 = dyad.cast %0 : tensor<6xi1> to tensor<6xi32>
  return %1 : tensor<6xi32>
}
// CHECK-LABEL: func.func @i32_to_bool(
// CHECK: ^bb0(%[[IN:.*]]: i32, %{{.*}}: i1):
// CHECK: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: arith.cmpi ne, %[[IN]], %[[Z]] : i32
// CHECK: arith.uitofp %{{.*}} : i1 to f32
func.func @i32_to_bool(%x: tensor<4xi32>) -> tensor<4xf32> {
  %0 = dyad.cast %x : tensor<4xi32> to tensor<4xi1>
  %1 = dyad.cast %0 : tensor<4xi1> to tensor<4xf32>
  return %1 : tensor<4xf32>
}
// CHECK-LABEL: func.func @f32_to_f16(
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: arith.extf %{{.*}} : f16 to f32
func.func @f32_to_f16(%x: tensor<6xf32>) -> tensor<6xf32> {
  %0 = dyad.cast %x : tensor<6xf32> to tensor<6xf16>
  %1 = dyad.cast %0 : tensor<6xf16> to tensor<6xf32>
  return %1 : tensor<6xf32>
}
// CHECK-LABEL: func.func @f32_to_bf16(
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: arith.extf %{{.*}} : bf16 to f32
func.func @f32_to_bf16(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = dyad.cast %x : tensor<5xf32> to tensor<5xbf16>
  %1 = dyad.cast %0 : tensor<5xbf16> to tensor<5xf32>
  return %1 : tensor<5xf32>
}
// f16 -> bf16 goes through f32 (exact), then rounds once.
// CHECK-LABEL: func.func @f16_to_bf16(
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: %[[W:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK-NEXT: arith.truncf %[[W]] : f32 to bf16
func.func @f16_to_bf16(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = dyad.cast %x : tensor<3xf32> to tensor<3xf16>
  %1 = dyad.cast %0 : tensor<3xf16> to tensor<3xbf16>
  %2 = dyad.cast %1 : tensor<3xbf16> to tensor<3xf32>
  return %2 : tensor<3xf32>
}
// CHECK-LABEL: func.func @f64_to_f32(
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @f64_to_f32(%x: tensor<3xf64>) -> tensor<3xf32> {
  %0 = dyad.cast %x : tensor<3xf64> to tensor<3xf32>
  return %0 : tensor<3xf32>
}
// CHECK-LABEL: func.func @i32_to_f16(
// CHECK: arith.sitofp %{{.*}} : i32 to f16
func.func @i32_to_f16(%x: tensor<3xi32>) -> tensor<3xf32> {
  %0 = dyad.cast %x : tensor<3xi32> to tensor<3xf16>
  %1 = dyad.cast %0 : tensor<3xf16> to tensor<3xf32>
  return %1 : tensor<3xf32>
}

// Same storage: no computation.
// CHECK-LABEL: func.func @u8_to_i8(
// CHECK: %[[T:.*]] = linalg.generic
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: linalg.generic {{.*}} ins(%[[T]] : tensor<4xi8>)
// CHECK: arith.extsi %{{.*}} : i8 to i32
func.func @u8_to_i8(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = dyad.cast %x : tensor<4xi32> to tensor<4xui8>
  %1 = dyad.cast %0 : tensor<4xui8> to tensor<4xi8>
  %2 = dyad.cast %1 : tensor<4xi8> to tensor<4xi32>
  return %2 : tensor<4xi32>
}

func.func @main() {
  %a = arith.constant dense<[-2.7, -0.5, 0.5, 2.9, 100.99, -100.99]> : tensor<6xf32>
  %ad = tensor.cast %a : tensor<6xf32> to tensor<?xf32>
  %r0 = call @f32_to_i32(%ad) : (tensor<?xf32>) -> tensor<?xi32>
  %u0 = tensor.cast %r0 : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u0) : (tensor<*xi32>) -> ()

  %b = arith.constant dense<[0.5, 1.9, 200.7, 255.0]> : tensor<4xf32>
  %r1 = call @f32_to_u8(%b) : (tensor<4xf32>) -> tensor<4xi32>
  %u1 = tensor.cast %r1 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u1) : (tensor<*xi32>) -> ()

  %c = arith.constant dense<[3.0e9, 7.99]> : tensor<2xf32>
  %r2 = call @f32_to_u32(%c) : (tensor<2xf32>) -> tensor<2xi64>
  %u2 = tensor.cast %r2 : tensor<2xi64> to tensor<*xi64>
  call @printMemrefI64(%u2) : (tensor<*xi64>) -> ()

  %d = arith.constant dense<[-1.0e18, 2.5, -7.9]> : tensor<3xf64>
  %r3 = call @f64_to_i64(%d) : (tensor<3xf64>) -> tensor<3xi64>
  %u3 = tensor.cast %r3 : tensor<3xi64> to tensor<*xi64>
  call @printMemrefI64(%u3) : (tensor<*xi64>) -> ()

  %e = arith.constant dense<[-128, -1, 0, 127]> : tensor<4xi32>
  %r4 = call @i8_to_f32(%e) : (tensor<4xi32>) -> tensor<4xf32>
  %u4 = tensor.cast %r4 : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%u4) : (tensor<*xf32>) -> ()
  %r5 = call @u8_to_f32(%e) : (tensor<4xi32>) -> tensor<4xf32>
  %u5 = tensor.cast %r5 : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%u5) : (tensor<*xf32>) -> ()

  %f = arith.constant dense<[-1, 12345]> : tensor<2xi64>
  %r6 = call @u64_to_f32(%f) : (tensor<2xi64>) -> tensor<2xf32>
  %u6 = tensor.cast %r6 : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%u6) : (tensor<*xf32>) -> ()

  %g = arith.constant dense<[-1, 5, -2147483648]> : tensor<3xi32>
  %r7 = call @i32_to_i64(%g) : (tensor<3xi32>) -> tensor<3xi64>
  %u7 = tensor.cast %r7 : tensor<3xi64> to tensor<*xi64>
  call @printMemrefI64(%u7) : (tensor<*xi64>) -> ()
  %r8 = call @u32_to_i64(%g) : (tensor<3xi32>) -> tensor<3xi64>
  %u8 = tensor.cast %r8 : tensor<3xi64> to tensor<*xi64>
  call @printMemrefI64(%u8) : (tensor<*xi64>) -> ()

  %h = arith.constant dense<[300, -129, 127, 255]> : tensor<4xi64>
  %r9 = call @i64_to_i8(%h) : (tensor<4xi64>) -> tensor<4xi32>
  %u9 = tensor.cast %r9 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u9) : (tensor<*xi32>) -> ()

  %i = arith.constant dense<[0.0, -0.0, 0.5, 0x7FC00000, -3.0, 0x7F800000]> : tensor<6xf32>
  %r10 = call @f32_to_bool(%i) : (tensor<6xf32>) -> tensor<6xi32>
  %u10 = tensor.cast %r10 : tensor<6xi32> to tensor<*xi32>
  call @printMemrefI32(%u10) : (tensor<*xi32>) -> ()

  %j = arith.constant dense<[0, 2, -1, 0]> : tensor<4xi32>
  %r11 = call @i32_to_bool(%j) : (tensor<4xi32>) -> tensor<4xf32>
  %u11 = tensor.cast %r11 : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%u11) : (tensor<*xf32>) -> ()

  %k = arith.constant dense<[1.0, 0.1, 65504.0, 70000.0, 1.0e-8, -2.5]> : tensor<6xf32>
  %r12 = call @f32_to_f16(%k) : (tensor<6xf32>) -> tensor<6xf32>
  %u12 = tensor.cast %r12 : tensor<6xf32> to tensor<*xf32>
  call @printMemrefF32(%u12) : (tensor<*xf32>) -> ()

  // 0x3EF5EEB0 rounds up; 1.00390625 and 1.01171875 are ties (to even).
  %l = arith.constant dense<[0x3EF5EEB0, 1.00390625, 1.01171875, 3.0e38, -0.1]> : tensor<5xf32>
  %r13 = call @f32_to_bf16(%l) : (tensor<5xf32>) -> tensor<5xf32>
  %u13 = tensor.cast %r13 : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u13) : (tensor<*xf32>) -> ()

  %m = arith.constant dense<[1.5, 0.1, 65504.0]> : tensor<3xf32>
  %r14 = call @f16_to_bf16(%m) : (tensor<3xf32>) -> tensor<3xf32>
  %u14 = tensor.cast %r14 : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%u14) : (tensor<*xf32>) -> ()

  %n = arith.constant dense<[0.1, 1.0e300, 3.000000001]> : tensor<3xf64>
  %r15 = call @f64_to_f32(%n) : (tensor<3xf64>) -> tensor<3xf32>
  %u15 = tensor.cast %r15 : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%u15) : (tensor<*xf32>) -> ()

  %o = arith.constant dense<[70000, 2049, -3]> : tensor<3xi32>
  %r16 = call @i32_to_f16(%o) : (tensor<3xi32>) -> tensor<3xf32>
  %u16 = tensor.cast %r16 : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%u16) : (tensor<*xf32>) -> ()

  %p = arith.constant dense<[0, 100, 200, 255]> : tensor<4xi32>
  %r17 = call @u8_to_i8(%p) : (tensor<4xi32>) -> tensor<4xi32>
  %u17 = tensor.cast %r17 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u17) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)
func.func private @printMemrefI64(tensor<*xi64>)

// Expected output (computed independently with numpy / torch).
// EXEC: rank = 1 offset = 0 sizes = [6] strides = {{.*}} data =
// EXEC-NEXT: [-2, 0, 0, 2, 100, -100]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [0, 1, 200, 255]
// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [3000000000, 7]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [-1000000000000000000, 2, -7]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [-128, -1, {{-?(0|[0-9.]+e-[0-9]+)}}, 127]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [128, 255, {{-?(0|[0-9.]+e-[0-9]+)}}, 127]
// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [1.84467e+19, 12345]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [-1, 5, -2147483648]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [4294967295, 5, 2147483648]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [44, 127, 127, -1]
// EXEC: rank = 1 offset = 0 sizes = [6] strides = {{.*}} data =
// EXEC-NEXT: [0, 0, 1, 1, 1, 1]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [{{-?(0|[0-9.]+e-[0-9]+)}}, 1, 1, {{-?(0|[0-9.]+e-[0-9]+)}}]
// EXEC: rank = 1 offset = 0 sizes = [6] strides = {{.*}} data =
// EXEC-NEXT: [1, 0.0999756, 65504, inf, {{-?(0|[0-9.]+e-[0-9]+)}}, -2.5]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [0.480469, 1, 1.01562, 3.00406e+38, -0.100098]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [1.5, 0.100098, 65536]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [0.1, inf, 3]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [inf, 2048, -3]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [0, 100, -56, -1]
