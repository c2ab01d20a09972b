// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// CHECK-DAG: #[[AX:.*]] = affine_map<(d0, d1) -> (d1)>
// x / scale, rounded half to even, plus the zero point, saturated to the
// storage range; f32 holds every 8-bit value and sum exactly.
// CHECK-LABEL: func.func @quantize_i8(
// CHECK-DAG: %[[S:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG: %[[Z:.*]] = arith.constant -3.000000e+00 : f32
// CHECK: linalg.generic
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: i8):
// CHECK: %[[D:.*]] = arith.divf %[[IN]], %[[S]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[D]] : f32
// CHECK: %[[A:.*]] = arith.addf %[[R]], %[[Z]] : f32
// CHECK: %[[LO:.*]] = arith.maxnumf %[[A]], %{{.*}} : f32
// CHECK: %[[HI:.*]] = arith.minnumf %[[LO]], %{{.*}} : f32
// CHECK: arith.fptosi %[[HI]] : f32 to i8
func.func @quantize_i8(%x: tensor<6xf32>) -> tensor<6xi8> {
  %q = dyad.quantize %x : tensor<6xf32> to tensor<6x!quant.uniform<i8:f32, 0.25:-3>>
  %s = quant.scast %q : tensor<6x!quant.uniform<i8:f32, 0.25:-3>> to tensor<6xi8>
  return %s : tensor<6xi8>
}

// Unsigned storage converts with fptoui into the same bits.
// CHECK-LABEL: func.func @quantize_u8(
// CHECK: arith.fptoui %{{.*}} : f32 to i8
func.func @quantize_u8(%x: tensor<6xf32>) -> tensor<6xi8> {
  %q = dyad.quantize %x : tensor<6xf32> to tensor<6x!quant.uniform<u8:f32, 0.5:128>>
  %s = quant.scast %q : tensor<6x!quant.uniform<u8:f32, 0.5:128>> to tensor<6xi8>
  return %s : tensor<6xi8>
}

// Per axis: the scales and zero points are constant vectors read along the
// quantized dimension.
// CHECK-LABEL: func.func @quantize_per_axis(
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[Z:.*]] = arith.constant dense<[0.000000e+00, -2.000000e+00, 5.000000e+00]> : tensor<3xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[AX]], #[[AX]], #{{.*}}]{{.*}} ins(%{{.*}}, %[[S]], %[[Z]] : tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>)
func.func @quantize_per_axis(%x: tensor<?x3xf32>) -> tensor<?x3xi8> {
  %q = dyad.quantize %x : tensor<?x3xf32> to tensor<?x3x!quant.uniform<i8:f32:1, {0.5:0, 0.25:-2, 2.0:5}>>
  %s = quant.scast %q : tensor<?x3x!quant.uniform<i8:f32:1, {0.5:0, 0.25:-2, 2.0:5}>> to tensor<?x3xi8>
  return %s : tensor<?x3xi8>
}

// 32-bit storage (biases): f64, so that the range and sums are exact.
// CHECK-LABEL: func.func @quantize_i32(
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.fptosi %{{.*}} : f64 to i32
func.func @quantize_i32(%x: tensor<3xf32>) -> tensor<3xi32> {
  %q = dyad.quantize %x : tensor<3xf32> to tensor<3x!quant.uniform<i32:f32, 1.0e-3:0>>
  %s = quant.scast %q : tensor<3x!quant.uniform<i32:f32, 1.0e-3:0>> to tensor<3xi32>
  return %s : tensor<3xi32>
}

func.func @main() {
  // ties round to even: 1.5 -> 2, 0.5 -> 0, -2.5 -> -2
  %a0_0 = arith.constant dense<[0.0, 0.375, 0.125, -0.625, 100.0, -100.0]> : tensor<6xf32>
  %r0_0 = call @quantize_i8(%a0_0) : (tensor<6xf32>) -> tensor<6xi8>
  %e0_0 = tensor.empty() : tensor<6xi32>
  %w0_0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r0_0 : tensor<6xi8>) outs(%e0_0 : tensor<6xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<6xi32>
  %u0_0 = tensor.cast %w0_0 : tensor<6xi32> to tensor<*xi32>
  call @printMemrefI32(%u0_0) : (tensor<*xi32>) -> ()
  // printed as signed: 255 is -1
  %a1_0 = arith.constant dense<[0.0, 0.75, -0.25, 63.75, 1000.0, -1000.0]> : tensor<6xf32>
  %r1_0 = call @quantize_u8(%a1_0) : (tensor<6xf32>) -> tensor<6xi8>
  %e1_0 = tensor.empty() : tensor<6xi32>
  %w1_0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r1_0 : tensor<6xi8>) outs(%e1_0 : tensor<6xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<6xi32>
  %u1_0 = tensor.cast %w1_0 : tensor<6xi32> to tensor<*xi32>
  call @printMemrefI32(%u1_0) : (tensor<*xi32>) -> ()
  %a2_0 = arith.constant dense<[[-3.0, 1.0, 7.0], [0.25, 0.375, 300.0], [2.5, -0.12399999797344208, -500.0]]> : tensor<3x3xf32>
  %c2_0 = tensor.cast %a2_0 : tensor<3x3xf32> to tensor<?x3xf32>
  %r2_0 = call @quantize_per_axis(%c2_0) : (tensor<?x3xf32>) -> tensor<?x3xi8>
  %k2_0_0 = arith.constant 0 : index
  %d2_0_0 = tensor.dim %r2_0, %k2_0_0 : tensor<?x3xi8>
  %e2_0 = tensor.empty(%d2_0_0) : tensor<?x3xi32>
  %w2_0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r2_0 : tensor<?x3xi8>) outs(%e2_0 : tensor<?x3xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<?x3xi32>
  %u2_0 = tensor.cast %w2_0 : tensor<?x3xi32> to tensor<*xi32>
  call @printMemrefI32(%u2_0) : (tensor<*xi32>) -> ()
  // 3e6 / 1e-3 saturates to INT32_MAX
  %a3_0 = arith.constant dense<[1.0, -2.5, 3000000.0]> : tensor<3xf32>
  %r3_0 = call @quantize_i32(%a3_0) : (tensor<3xf32>) -> tensor<3xi32>
  %u3_0 = tensor.cast %r3_0 : tensor<3xi32> to tensor<*xi32>
  call @printMemrefI32(%u3_0) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefI32(tensor<*xi32>)

// EXEC: rank = 1 offset = 0 sizes = [6] strides = {{.*}} data =
// EXEC-NEXT: [-3, -1, -3, -5, 127, -128]
// EXEC: rank = 1 offset = 0 sizes = [6] strides = {{.*}} data =
// EXEC-NEXT: [-128, -126, -128, -1, -1, 0]
// EXEC: rank = 2 offset = 0 sizes = [3, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-6, 2, 9],
// EXEC-NEXT: [0, 0, 127],
// EXEC-NEXT: [5, -2, -128]]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [1000, -2500, 2147483647]
