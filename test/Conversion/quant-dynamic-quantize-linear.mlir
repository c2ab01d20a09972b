// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// One reduction computes min and max, both starting at 0 (the range always
// includes 0); scale and zero point are scalars; then the quantizing generic.
// CHECK-LABEL: func.func @dynamic_quantize(
// CHECK-SAME: %[[X:.*]]: tensor<?x?xf32>
// CHECK: %[[MN:.*]]:2 = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[X]] : tensor<?x?xf32>)
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: %[[LO:.*]] = tensor.extract %[[MN]]#0[] : tensor<f32>
// CHECK: %[[HI:.*]] = tensor.extract %[[MN]]#1[] : tensor<f32>
// CHECK: %[[RANGE:.*]] = arith.subf %[[HI]], %[[LO]] : f32
// CHECK: %[[S:.*]] = arith.divf %[[RANGE]], %{{.*}} : f32
// CHECK: %[[NEG:.*]] = arith.negf %[[LO]] : f32
// CHECK: %[[ZD:.*]] = arith.divf %[[NEG]], %[[S]] : f32
// CHECK: math.roundeven %[[ZD]] : f32
// CHECK: %[[ZP:.*]] = arith.fptoui %{{.*}} : f32 to i8
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<?x?xf32>)
// CHECK: arith.divf %{{.*}}, %[[S]] : f32
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: tensor.from_elements %[[S]] : tensor<f32>
// CHECK: tensor.from_elements %[[ZP]] : tensor<i8>
func.func @dynamic_quantize(%x: tensor<?x?xf32>) -> (tensor<?x?xi8>, tensor<f32>, tensor<i8>) {
  %y, %s, %z = dyad.dynamic_quantize_linear %x : (tensor<?x?xf32>) -> (tensor<?x?xui8>, tensor<f32>, tensor<ui8>)
  %yb = tensor.bitcast %y : tensor<?x?xui8> to tensor<?x?xi8>
  %zb = tensor.bitcast %z : tensor<ui8> to tensor<i8>
  return %yb, %s, %zb : tensor<?x?xi8>, tensor<f32>, tensor<i8>
}

func.func @main() {
  // the ONNX tests' inputs; uint8 results printed as signed
  %a0_0 = arith.constant dense<[[0.0, 2.0, -3.0], [-2.5, 1.340000033378601, 0.5]]> : tensor<2x3xf32>
  %c0_0 = tensor.cast %a0_0 : tensor<2x3xf32> to tensor<?x?xf32>
  %r0_0, %r0_1, %r0_2 = call @dynamic_quantize(%c0_0) : (tensor<?x?xf32>) -> (tensor<?x?xi8>, tensor<f32>, tensor<i8>)
  %k0_0_0 = arith.constant 0 : index
  %d0_0_0 = tensor.dim %r0_0, %k0_0_0 : tensor<?x?xi8>
  %k0_0_1 = arith.constant 1 : index
  %d0_0_1 = tensor.dim %r0_0, %k0_0_1 : tensor<?x?xi8>
  %e0_0 = tensor.empty(%d0_0_0, %d0_0_1) : tensor<?x?xi32>
  %w0_0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r0_0 : tensor<?x?xi8>) outs(%e0_0 : tensor<?x?xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<?x?xi32>
  %u0_0 = tensor.cast %w0_0 : tensor<?x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u0_0) : (tensor<*xi32>) -> ()
  %u0_1 = tensor.cast %r0_1 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%u0_1) : (tensor<*xf32>) -> ()
  %e0_2 = tensor.empty() : tensor<i32>
  %w0_2 = linalg.generic {indexing_maps = [affine_map<() -> ()>, affine_map<() -> ()>], iterator_types = []} ins(%r0_2 : tensor<i8>) outs(%e0_2 : tensor<i32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<i32>
  %u0_2 = tensor.cast %w0_2 : tensor<i32> to tensor<*xi32>
  call @printMemrefI32(%u0_2) : (tensor<*xi32>) -> ()
  %a1_0 = arith.constant dense<[[1.0, 2.0999999046325684, 1.2999999523162842, 2.5], [3.3399999141693115, 4.0, 1.5, 2.5999999046325684], [3.9000000953674316, 4.0, 3.0, 2.3450000286102295]]> : tensor<3x4xf32>
  %c1_0 = tensor.cast %a1_0 : tensor<3x4xf32> to tensor<?x?xf32>
  %r1_0, %r1_1, %r1_2 = call @dynamic_quantize(%c1_0) : (tensor<?x?xf32>) -> (tensor<?x?xi8>, tensor<f32>, tensor<i8>)
  %k1_0_0 = arith.constant 0 : index
  %d1_0_0 = tensor.dim %r1_0, %k1_0_0 : tensor<?x?xi8>
  %k1_0_1 = arith.constant 1 : index
  %d1_0_1 = tensor.dim %r1_0, %k1_0_1 : tensor<?x?xi8>
  %e1_0 = tensor.empty(%d1_0_0, %d1_0_1) : tensor<?x?xi32>
  %w1_0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r1_0 : tensor<?x?xi8>) outs(%e1_0 : tensor<?x?xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<?x?xi32>
  %u1_0 = tensor.cast %w1_0 : tensor<?x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u1_0) : (tensor<*xi32>) -> ()
  %u1_1 = tensor.cast %r1_1 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%u1_1) : (tensor<*xf32>) -> ()
  %e1_2 = tensor.empty() : tensor<i32>
  %w1_2 = linalg.generic {indexing_maps = [affine_map<() -> ()>, affine_map<() -> ()>], iterator_types = []} ins(%r1_2 : tensor<i8>) outs(%e1_2 : tensor<i32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<i32>
  %u1_2 = tensor.cast %w1_2 : tensor<i32> to tensor<*xi32>
  call @printMemrefI32(%u1_2) : (tensor<*xi32>) -> ()
  // all zeros: scale 0, zero point 0, y 0
  %a2_0 = arith.constant dense<[[0.0, 0.0]]> : tensor<1x2xf32>
  %c2_0 = tensor.cast %a2_0 : tensor<1x2xf32> to tensor<?x?xf32>
  %r2_0, %r2_1, %r2_2 = call @dynamic_quantize(%c2_0) : (tensor<?x?xf32>) -> (tensor<?x?xi8>, tensor<f32>, tensor<i8>)
  %k2_0_0 = arith.constant 0 : index
  %d2_0_0 = tensor.dim %r2_0, %k2_0_0 : tensor<?x?xi8>
  %k2_0_1 = arith.constant 1 : index
  %d2_0_1 = tensor.dim %r2_0, %k2_0_1 : tensor<?x?xi8>
  %e2_0 = tensor.empty(%d2_0_0, %d2_0_1) : tensor<?x?xi32>
  %w2_0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r2_0 : tensor<?x?xi8>) outs(%e2_0 : tensor<?x?xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<?x?xi32>
  %u2_0 = tensor.cast %w2_0 : tensor<?x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u2_0) : (tensor<*xi32>) -> ()
  %u2_1 = tensor.cast %r2_1 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%u2_1) : (tensor<*xf32>) -> ()
  %e2_2 = tensor.empty() : tensor<i32>
  %w2_2 = linalg.generic {indexing_maps = [affine_map<() -> ()>, affine_map<() -> ()>], iterator_types = []} ins(%r2_2 : tensor<i8>) outs(%e2_2 : tensor<i32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<i32>
  %u2_2 = tensor.cast %w2_2 : tensor<i32> to tensor<*xi32>
  call @printMemrefI32(%u2_2) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// EXEC: rank = 2 offset = 0 sizes = [2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-103, -1, 0],
// EXEC-NEXT: [26, -35, -77]]
// EXEC: rank = 0 offset = 0 sizes = [] strides = {{.*}} data =
// EXEC-NEXT: [0.0196078]
// EXEC: rank = 0 offset = 0 sizes = [] strides = {{.*}} data =
// EXEC-NEXT: [-103]
// EXEC: rank = 2 offset = 0 sizes = [3, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}64, -122, 83, -97],
// EXEC-NEXT: [-43, -1, 96, -90],
// EXEC-NEXT: [-7, -1, -65, -107]]
// EXEC: rank = 0 offset = 0 sizes = [] strides = {{.*}} data =
// EXEC-NEXT: [0.0156863]
// EXEC: rank = 0 offset = 0 sizes = [] strides = {{.*}} data =
// EXEC-NEXT: [0]
// EXEC: rank = 2 offset = 0 sizes = [1, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 0]]
// EXEC: rank = 0 offset = 0 sizes = [] strides = {{.*}} data =
// EXEC-NEXT: [0]
// EXEC: rank = 0 offset = 0 sizes = [] strides = {{.*}} data =
// EXEC-NEXT: [0]
