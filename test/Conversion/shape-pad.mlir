// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Constant mode: negative pads crop (extract_slice), the rest is tensor.pad.
// CHECK-LABEL: func.func @pad_const(
// CHECK-SAME: %[[X:.*]]: tensor<?x3xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[X]][0, 1] [%{{.*}}, 2] [1, 1] : tensor<?x3xf32> to tensor<?x2xf32>
// CHECK: %[[V:.*]] = arith.constant 1.500000e+00 : f32
// CHECK: tensor.pad %[[S]] low[1, 0] high[0, 2]
// CHECK: tensor.yield %[[V]] : f32
// CHECK: } : tensor<?x2xf32> to tensor<?x4xf32>
func.func @pad_const(%x: tensor<?x3xf32>) -> tensor<?x4xf32> {
  %r = dyad.pad %x {pads = array<i64: 1, -1, 0, 2>, mode = #dyad.pad_mode<constant>, constant_value = 1.5} : (tensor<?x3xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// reflect: numpy's index pattern, periodic in 2 * (dim - 1), so pads wider
// than the dim reflect again.
// CHECK-LABEL: func.func @pad_reflect(
// CHECK-SAME: %[[X:.*]]: tensor<3xf32>
// CHECK: linalg.generic
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: %[[S:.*]] = arith.subi %[[I]], %{{.*}} : index
// CHECK: %[[R:.*]] = arith.remsi %[[S]], %{{.*}} : index
// CHECK: tensor.extract %[[X]][%{{.*}}] : tensor<3xf32>
func.func @pad_reflect(%x: tensor<3xf32>) -> tensor<10xf32> {
  %r = dyad.pad %x {pads = array<i64: 5, 2>, mode = #dyad.pad_mode<reflect>} : (tensor<3xf32>) -> tensor<10xf32>
  return %r : tensor<10xf32>
}

// edge: source indices clamp.
// CHECK-LABEL: func.func @pad_edge(
// CHECK-SAME: %[[X:.*]]: tensor<2x?xi32>
// CHECK: linalg.generic
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.extract %[[X]][%{{.*}}, %{{.*}}] : tensor<2x?xi32>
func.func @pad_edge(%x: tensor<2x?xi32>) -> tensor<3x?xi32> {
  %r = dyad.pad %x {pads = array<i64: 0, 1, 1, 1>, mode = #dyad.pad_mode<edge>} : (tensor<2x?xi32>) -> tensor<3x?xi32>
  return %r : tensor<3x?xi32>
}

// A value of an unsigned type keeps its bits in the signless storage.
// CHECK-LABEL: func.func @pad_u8(
// CHECK: %[[V:.*]] = arith.constant -1 : i8
// CHECK: tensor.pad
// CHECK: tensor.yield %[[V]] : i8
func.func @pad_u8(%x: tensor<2xi8>) -> tensor<3xi8> {
  %u = tensor.bitcast %x : tensor<2xi8> to tensor<2xui8>
  %r = dyad.pad %u {pads = array<i64: 1, 0>, mode = #dyad.pad_mode<constant>, constant_value = 255.0} : (tensor<2xui8>) -> tensor<3xui8>
  %s = tensor.bitcast %r : tensor<3xui8> to tensor<3xi8>
  return %s : tensor<3xi8>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %c0_0 = tensor.cast %a0_0 : tensor<2x3xf32> to tensor<?x3xf32>
  %r0_0 = call @pad_const(%c0_0) : (tensor<?x3xf32>) -> tensor<?x4xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<?x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %r1_0 = call @pad_reflect(%a1_0) : (tensor<3xf32>) -> tensor<10xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<10xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  %a2_0 = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
  %c2_0 = tensor.cast %a2_0 : tensor<2x2xi32> to tensor<2x?xi32>
  %r2_0 = call @pad_edge(%c2_0) : (tensor<2x?xi32>) -> tensor<3x?xi32>
  %u2_0 = tensor.cast %r2_0 : tensor<3x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u2_0) : (tensor<*xi32>) -> ()
  %a3_0 = arith.constant dense<[1, -2]> : tensor<2xi8>
  %r3_0 = call @pad_u8(%a3_0) : (tensor<2xi8>) -> tensor<3xi8>
  %e3_0 = tensor.empty() : tensor<3xi32>
  %w3_0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r3_0 : tensor<3xi8>) outs(%e3_0 : tensor<3xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<3xi32>
  %u3_0 = tensor.cast %w3_0 : tensor<3xi32> to tensor<*xi32>
  call @printMemrefI32(%u3_0) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// EXEC: rank = 2 offset = 0 sizes = [3, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}1.5, 1.5, 1.5, 1.5],
// EXEC-NEXT: [2, 3, 1.5, 1.5],
// EXEC-NEXT: [5, 6, 1.5, 1.5]]
// EXEC: rank = 1 offset = 0 sizes = [10] strides = {{.*}} data =
// EXEC-NEXT: [2, 1, 2, 3, 2, 1, 2, 3, 2, 1]
// EXEC: rank = 2 offset = 0 sizes = [3, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}1, 1, 2, 2],
// EXEC-NEXT: [3, 3, 4, 4],
// EXEC-NEXT: [3, 3, 4, 4]]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [-1, 1, -2]
