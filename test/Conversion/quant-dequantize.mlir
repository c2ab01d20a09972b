// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// (q - zp) in i32 (the storage extended by its signedness), then * scale.
// CHECK-LABEL: func.func @dequantize_u8(
// CHECK-DAG: %[[S:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[Z:.*]] = arith.constant 128 : i32
// CHECK: ^bb0(%[[IN:.*]]: i8, %{{.*}}: f32):
// CHECK: %[[E:.*]] = arith.extui %[[IN]] : i8 to i32
// CHECK: %[[D:.*]] = arith.subi %[[E]], %[[Z]] : i32
// CHECK: %[[F:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK: arith.mulf %[[F]], %[[S]] : f32
func.func @dequantize_u8(%x: tensor<4xi8>) -> tensor<4xf32> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<u8:f32, 0.5:128>>
  %r = dyad.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.5:128>> to tensor<4xf32>
  return %r : tensor<4xf32>
}

// CHECK-LABEL: func.func @dequantize_per_axis(
// CHECK: arith.constant dense<[1, -1]> : tensor<2xi32>
// CHECK: arith.extsi %{{.*}} : i8 to i32
func.func @dequantize_per_axis(%x: tensor<2x?xi8>) -> tensor<2x?xf32> {
  %q = quant.scast %x : tensor<2x?xi8> to tensor<2x?x!quant.uniform<i8:f32:0, {0.5:1, 0.1:-1}>>
  %r = dyad.dequantize %q : tensor<2x?x!quant.uniform<i8:f32:0, {0.5:1, 0.1:-1}>> to tensor<2x?xf32>
  return %r : tensor<2x?xf32>
}

// 32-bit storage: the difference is taken in i64.
// CHECK-LABEL: func.func @dequantize_i32(
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: arith.sitofp %{{.*}} : i64 to f32
func.func @dequantize_i32(%x: tensor<2xi32>) -> tensor<2xf32> {
  %q = quant.scast %x : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 1.0e-9:-2147483648>>
  %r = dyad.dequantize %q : tensor<2x!quant.uniform<i32:f32, 1.0e-9:-2147483648>> to tensor<2xf32>
  return %r : tensor<2xf32>
}

func.func @main() {
  %a0_0 = arith.constant dense<[0, -128, -1, 1]> : tensor<4xi8>
  %r0_0 = call @dequantize_u8(%a0_0) : (tensor<4xi8>) -> tensor<4xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[[1, 127, -128], [-1, 0, 10]]> : tensor<2x3xi8>
  %c1_0 = tensor.cast %a1_0 : tensor<2x3xi8> to tensor<2x?xi8>
  %r1_0 = call @dequantize_per_axis(%c1_0) : (tensor<2x?xi8>) -> tensor<2x?xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<2x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  // no overflow in q - zp
  %a2_0 = arith.constant dense<[2147483647, -2147483648]> : tensor<2xi32>
  %r2_0 = call @dequantize_i32(%a2_0) : (tensor<2xi32>) -> tensor<2xf32>
  %u2_0 = tensor.cast %r2_0 : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%u2_0) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [-64, 0, 63.5, -63.5]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 63, -64.5],
// EXEC-NEXT: [0, 0.1, 1.1]]
// EXEC: rank = 1 offset = 0 sizes = [2] strides = {{.*}} data =
// EXEC-NEXT: [4.29497, 0]
