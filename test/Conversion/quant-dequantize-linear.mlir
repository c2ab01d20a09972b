// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Signedness from the operand's ONNX type: ui8 extends with extui.
// CHECK-LABEL: func.func @dequantize_linear_u8(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?xi8>, %[[S:[^:]*]]: tensor<f32>, %[[Z:[^:]*]]: tensor<i8>
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[S]], %[[Z]] : tensor<?xi8>, tensor<f32>, tensor<i8>)
// CHECK: ^bb0(%[[IN:.*]]: i8, %[[SC:.*]]: f32, %[[ZP:.*]]: i8, %{{.*}}: f32):
// CHECK: %[[ZE:.*]] = arith.extui %[[ZP]] : i8 to i32
// CHECK: %[[E:.*]] = arith.extui %[[IN]] : i8 to i32
// CHECK: %[[D:.*]] = arith.subi %[[E]], %[[ZE]] : i32
// CHECK: %[[F:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK: arith.mulf %[[F]], %[[SC]] : f32
func.func @dequantize_linear_u8(%xs: tensor<?xi8>, %s: tensor<f32>, %zs: tensor<i8>) -> tensor<?xf32> {
  %x = tensor.bitcast %xs : tensor<?xi8> to tensor<?xui8>
  %z = tensor.bitcast %zs : tensor<i8> to tensor<ui8>
  %r = dyad.dequantize_linear %x, %s, %z : (tensor<?xui8>, tensor<f32>, tensor<ui8>) -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// CHECK-LABEL: func.func @dequantize_linear_axis(
// CHECK: arith.extsi %{{.*}} : i8 to i32
func.func @dequantize_linear_axis(%x: tensor<2x3xi8>, %s: tensor<3xf32>, %z: tensor<3xi8>) -> tensor<2x3xf32> {
  %r = dyad.dequantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<2x3xi8>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// int32 input without a zero point (ONNX allows int32 x with zp 0).
// CHECK-LABEL: func.func @dequantize_linear_i32(
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK-NOT: arith.subi
// CHECK: arith.sitofp %{{.*}} : i64 to f32
func.func @dequantize_linear_i32(%x: tensor<3xi32>, %s: tensor<f32>) -> tensor<3xf32> {
  %r = dyad.dequantize_linear %x, %s : (tensor<3xi32>, tensor<f32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}

func.func @main() {
  // the ONNX DequantizeLinear example
  %a0_0 = arith.constant dense<[0, 3, -128, -1]> : tensor<4xi8>
  %c0_0 = tensor.cast %a0_0 : tensor<4xi8> to tensor<?xi8>
  %a0_1 = arith.constant dense<2.0> : tensor<f32>
  %a0_2 = arith.constant dense<-128> : tensor<i8>
  %r0_0 = call @dequantize_linear_u8(%c0_0, %a0_1, %a0_2) : (tensor<?xi8>, tensor<f32>, tensor<i8>) -> tensor<?xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[[1, 2, 3], [-128, 0, 127]]> : tensor<2x3xi8>
  %a1_1 = arith.constant dense<[0.5, 1.0, 0.25]> : tensor<3xf32>
  %a1_2 = arith.constant dense<[1, 0, -1]> : tensor<3xi8>
  %r1_0 = call @dequantize_linear_axis(%a1_0, %a1_1, %a1_2) : (tensor<2x3xi8>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  %a2_0 = arith.constant dense<[100, -7, 123456]> : tensor<3xi32>
  %a2_1 = arith.constant dense<0.5> : tensor<f32>
  %r2_0 = call @dequantize_linear_i32(%a2_0, %a2_1) : (tensor<3xi32>, tensor<f32>) -> tensor<3xf32>
  %u2_0 = tensor.cast %r2_0 : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%u2_0) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [-256, -250, 0, 254]
// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 2, 1],
// EXEC-NEXT: [-64.5, 0, 32]]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [50, -3.5, 61728]
