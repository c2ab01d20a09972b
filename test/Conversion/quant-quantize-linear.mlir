// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// CHECK-DAG: #[[AX:.*]] = affine_map<(d0, d1) -> (d0)>
// Run-time scale and zero point are generic inputs: per tensor (scalar) or
// per axis (a vector read along `axis`). The result type gives the storage
// range (ui8: [0, 255]); the zero point converts by that signedness.
// CHECK-LABEL: func.func @quantize_linear_u8(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x4xf32>, %[[S:[^:]*]]: tensor<f32>, %[[Z:[^:]*]]: tensor<i8>
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[S]], %[[Z]] : tensor<?x4xf32>, tensor<f32>, tensor<i8>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[SC:.*]]: f32, %[[ZP:.*]]: i8, %{{.*}}: i8):
// CHECK: %[[ZE:.*]] = arith.extui %[[ZP]] : i8 to i32
// CHECK: %[[ZF:.*]] = arith.sitofp %[[ZE]] : i32 to f32
// CHECK: %[[D:.*]] = arith.divf %[[IN]], %[[SC]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[D]] : f32
// CHECK: arith.addf %[[R]], %[[ZF]] : f32
// CHECK: arith.fptoui %{{.*}} : f32 to i8
func.func @quantize_linear_u8(%x: tensor<?x4xf32>, %s: tensor<f32>, %zs: tensor<i8>) -> tensor<?x4xi8> {
  %z = tensor.bitcast %zs : tensor<i8> to tensor<ui8>
  %q = dyad.quantize_linear %x, %s, %z : (tensor<?x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<?x4xui8>
  %r = tensor.bitcast %q : tensor<?x4xui8> to tensor<?x4xi8>
  return %r : tensor<?x4xi8>
}

// CHECK-LABEL: func.func @quantize_linear_axis(
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[AX]], #[[AX]], #{{.*}}]
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @quantize_linear_axis(%x: tensor<2x4xf32>, %s: tensor<2xf32>, %z: tensor<2xi8>) -> tensor<2x4xi8> {
  %q = dyad.quantize_linear %x, %s, %z {axis = -2 : i64} : (tensor<2x4xf32>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x4xi8>
  return %q : tensor<2x4xi8>
}

// No zero point: 0.
// CHECK-LABEL: func.func @quantize_linear_nozp(
// CHECK: ins(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<1xf32>)
// CHECK-NOT: arith.addf
// CHECK: arith.fptoui
func.func @quantize_linear_nozp(%x: tensor<4xf32>, %s: tensor<1xf32>) -> tensor<4xi8> {
  %q = dyad.quantize_linear %x, %s : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xui8>
  %r = tensor.bitcast %q : tensor<4xui8> to tensor<4xi8>
  return %r : tensor<4xi8>
}

func.func @main() {
  // the ONNX QuantizeLinear example, printed as signed
  %a0_0 = arith.constant dense<[[0.0, 2.0, 3.0, 1000.0], [-254.0, -1000.0, 5.0, 6.0]]> : tensor<2x4xf32>
  %c0_0 = tensor.cast %a0_0 : tensor<2x4xf32> to tensor<?x4xf32>
  %a0_1 = arith.constant dense<2.0> : tensor<f32>
  %a0_2 = arith.constant dense<-128> : tensor<i8>
  %r0_0 = call @quantize_linear_u8(%c0_0, %a0_1, %a0_2) : (tensor<?x4xf32>, tensor<f32>, tensor<i8>) -> tensor<?x4xi8>
  %k0_0_0 = arith.constant 0 : index
  %d0_0_0 = tensor.dim %r0_0, %k0_0_0 : tensor<?x4xi8>
  %e0_0 = tensor.empty(%d0_0_0) : tensor<?x4xi32>
  %w0_0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r0_0 : tensor<?x4xi8>) outs(%e0_0 : tensor<?x4xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<?x4xi32>
  %u0_0 = tensor.cast %w0_0 : tensor<?x4xi32> to tensor<*xi32>
  call @printMemrefI32(%u0_0) : (tensor<*xi32>) -> ()
  %a1_0 = arith.constant dense<[[0.0, 2.0, 3.0, 1000.0], [-254.0, -1000.0, 5.0, 6.0]]> : tensor<2x4xf32>
  %a1_1 = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %a1_2 = arith.constant dense<[-10, 3]> : tensor<2xi8>
  %r1_0 = call @quantize_linear_axis(%a1_0, %a1_1, %a1_2) : (tensor<2x4xf32>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x4xi8>
  %e1_0 = tensor.empty() : tensor<2x4xi32>
  %w1_0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r1_0 : tensor<2x4xi8>) outs(%e1_0 : tensor<2x4xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<2x4xi32>
  %u1_0 = tensor.cast %w1_0 : tensor<2x4xi32> to tensor<*xi32>
  call @printMemrefI32(%u1_0) : (tensor<*xi32>) -> ()
  %a2_0 = arith.constant dense<[-1.0, 0.5, 1.5, 2.5]> : tensor<4xf32>
  %a2_1 = arith.constant dense<[1.0]> : tensor<1xf32>
  %r2_0 = call @quantize_linear_nozp(%a2_0, %a2_1) : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xi8>
  %e2_0 = tensor.empty() : tensor<4xi32>
  %w2_0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r2_0 : tensor<4xi8>) outs(%e2_0 : tensor<4xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<4xi32>
  %u2_0 = tensor.cast %w2_0 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u2_0) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefI32(tensor<*xi32>)

// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-128, -127, -126, -1],
// EXEC-NEXT: [1, 0, -126, -125]]
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-10, -9, -8, 127],
// EXEC-NEXT: [-61, -128, 4, 5]]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [0, 0, 2, 2]
