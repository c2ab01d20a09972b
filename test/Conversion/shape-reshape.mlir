// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC
// Results that would be views of an argument feed an add, so that the
// functions return fresh buffers.

// Constant shapes resolve 0 (copy the input dim) and -1 at compile time;
// reshapes that regroup dims become collapse/expand_shape.
// CHECK-LABEL: func.func @reshape_const(
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %[[C]] {{\[\[}}0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
func.func @reshape_const(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %s = arith.constant dense<[4, -1]> : tensor<2xi64>
  %r = dyad.reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  %y = dyad.add %r, %r : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<4x6xf32>
  return %y : tensor<4x6xf32>
}

// CHECK-LABEL: func.func @reshape_zero(
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2]] : tensor<2x3x4xf32> into tensor<2x12xf32>
func.func @reshape_zero(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %s = arith.constant dense<[0, -1]> : tensor<2xi64>
  %r = dyad.reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x12xf32>
  %y = dyad.add %r, %r : (tensor<2x12xf32>, tensor<2x12xf32>) -> tensor<2x12xf32>
  return %y : tensor<2x12xf32>
}

// allowzero: 0 is a size.
// CHECK-LABEL: func.func @reshape_allowzero(
// CHECK: tensor.expand_shape %{{.*}} output_shape [3, 0] : tensor<0xf32> into tensor<3x0xf32>
func.func @reshape_allowzero(%x: tensor<0x3xf32>) -> tensor<3x0xf32> {
  %s = arith.constant dense<[3, 0]> : tensor<2xi64>
  %r = dyad.reshape %x, %s {allowzero = true} : (tensor<0x3xf32>, tensor<2xi64>) -> tensor<3x0xf32>
  %y = dyad.add %r, %r : (tensor<3x0xf32>, tensor<3x0xf32>) -> tensor<3x0xf32>
  return %y : tensor<3x0xf32>
}

// A dynamic dim copied with 0 pairs with itself: collapse then expand.
// CHECK-LABEL: func.func @reshape_dyn_const(
// CHECK-SAME: %[[X:.*]]: tensor<?x3x4xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x4xf32>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1, 2]] : tensor<?x3x4xf32> into tensor<?x12xf32>
// CHECK: tensor.expand_shape %[[C]] {{\[\[}}0], [1, 2]] output_shape [%[[D]], 2, 6] : tensor<?x12xf32> into tensor<?x2x6xf32>
func.func @reshape_dyn_const(%x: tensor<?x3x4xf32>) -> tensor<?x2x6xf32> {
  %s = arith.constant dense<[0, 2, -1]> : tensor<3xi64>
  %r = dyad.reshape %x, %s : (tensor<?x3x4xf32>, tensor<3xi64>) -> tensor<?x2x6xf32>
  %y = dyad.add %r, %r : (tensor<?x2x6xf32>, tensor<?x2x6xf32>) -> tensor<?x2x6xf32>
  return %y : tensor<?x2x6xf32>
}

// A shape known only at run time: 0 and -1 are resolved with index
// arithmetic on the extracted entries, then tensor.reshape.
// CHECK-LABEL: func.func @reshape_runtime(
// CHECK-SAME: %[[X:.*]]: tensor<?x4xf32>, %[[S:.*]]: tensor<3xi64>
// CHECK-DAG: %[[E0:.*]] = tensor.extract %[[S]][%{{.*}}] : tensor<3xi64>
// CHECK-DAG: %[[I0:.*]] = arith.index_cast %[[E0]] : i64 to index
// CHECK-DAG: %[[Z0:.*]] = arith.cmpi eq, %[[I0]], %{{.*}} : index
// CHECK-DAG: %[[D0:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4xf32>
// CHECK-DAG: %[[V0:.*]] = arith.select %[[Z0]], %[[D0]], %[[I0]] : index
// CHECK: arith.divsi
// CHECK: %[[SH:.*]] = tensor.from_elements %{{.*}}, %{{.*}}, %{{.*}} : tensor<3xindex>
// CHECK: tensor.reshape %[[X]](%[[SH]]) : (tensor<?x4xf32>, tensor<3xindex>) -> tensor<?x?x?xf32>
func.func @reshape_runtime(%x: tensor<?x4xf32>, %s: tensor<3xi64>) -> tensor<?x?x?xf32> {
  %r = dyad.reshape %x, %s : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %y = dyad.add %r, %r : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

// PyTorch's x.view(x.size(0), -1) with a dynamic batch, as exported:
// Shape -> Gather -> Unsqueeze -> Concat -> Reshape. The lowering sees that
// entry 0 is the input's dim 0, so -1 is 12 and the reshape a collapse.
// CHECK-LABEL: func.func @view(
// CHECK-SAME: %[[X:.*]]: tensor<?x3x4xf32>
// CHECK-NOT: tensor.reshape
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1, 2]] : tensor<?x3x4xf32> into tensor<?x12xf32>
// CHECK: tensor.cast %[[C]] : tensor<?x12xf32> to tensor<?x?xf32>
func.func @view(%x: tensor<?x3x4xf32>) -> tensor<?x?xf32> {
  %i0 = arith.constant dense<0> : tensor<i64>
  %m1 = arith.constant dense<-1> : tensor<1xi64>
  %s = dyad.shape %x : (tensor<?x3x4xf32>) -> tensor<3xi64>
  %g = dyad.gather %s, %i0 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %u = dyad.unsqueeze %g {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %c = dyad.concat %u, %m1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %r = dyad.reshape %x, %c : (tensor<?x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %y = dyad.add %r, %r : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// [B, S, H*D] -> [B, S, H, D] with B and S dynamic (attention heads): the
// dynamic entries are the input's own dims, the rest an expand.
// CHECK-LABEL: func.func @split_heads(
// CHECK-SAME: %[[X:.*]]: tensor<?x?x6xf32>
// CHECK-NOT: tensor.reshape
// CHECK: tensor.expand_shape %[[X]] {{\[\[}}0], [1], [2, 3]] output_shape [%{{.*}}, %{{.*}}, 2, 3] : tensor<?x?x6xf32> into tensor<?x?x2x3xf32>
func.func @split_heads(%x: tensor<?x?x6xf32>) -> tensor<?x?x2x3xf32> {
  %idx = arith.constant dense<[0, 1]> : tensor<2xi64>
  %hd = arith.constant dense<[2, 3]> : tensor<2xi64>
  %s = dyad.shape %x : (tensor<?x?x6xf32>) -> tensor<3xi64>
  %bs = dyad.gather %s, %idx {axis = 0 : i64} : (tensor<3xi64>, tensor<2xi64>) -> tensor<2xi64>
  %c = dyad.concat %bs, %hd {axis = 0 : i64} : (tensor<2xi64>, tensor<2xi64>) -> tensor<4xi64>
  %r = dyad.reshape %x, %c : (tensor<?x?x6xf32>, tensor<4xi64>) -> tensor<?x?x2x3xf32>
  %y = dyad.add %r, %r : (tensor<?x?x2x3xf32>, tensor<?x?x2x3xf32>) -> tensor<?x?x2x3xf32>
  return %y : tensor<?x?x2x3xf32>
}

func.func @main() {
  %a0_0 = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %r0_0 = call @reshape_const(%a0_0) : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
  %u0_0 = tensor.cast %r0_0 : tensor<4x6xf32> to tensor<*xf32>
  call @printMemrefF32(%u0_0) : (tensor<*xf32>) -> ()
  %a1_0 = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %r1_0 = call @reshape_zero(%a1_0) : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %u1_0 = tensor.cast %r1_0 : tensor<2x12xf32> to tensor<*xf32>
  call @printMemrefF32(%u1_0) : (tensor<*xf32>) -> ()
  %a2_0 = arith.constant dense<> : tensor<0x3xf32>
  %r2_0 = call @reshape_allowzero(%a2_0) : (tensor<0x3xf32>) -> tensor<3x0xf32>
  %u2_0 = tensor.cast %r2_0 : tensor<3x0xf32> to tensor<*xf32>
  call @printMemrefF32(%u2_0) : (tensor<*xf32>) -> ()
  %a3_0 = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %c3_0 = tensor.cast %a3_0 : tensor<2x3x4xf32> to tensor<?x3x4xf32>
  %r3_0 = call @reshape_dyn_const(%c3_0) : (tensor<?x3x4xf32>) -> tensor<?x2x6xf32>
  %u3_0 = tensor.cast %r3_0 : tensor<?x2x6xf32> to tensor<*xf32>
  call @printMemrefF32(%u3_0) : (tensor<*xf32>) -> ()
  // [0, -1, 2]: 0 copies the batch of 2
  %a4_0 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]> : tensor<2x4xf32>
  %c4_0 = tensor.cast %a4_0 : tensor<2x4xf32> to tensor<?x4xf32>
  %a4_1 = arith.constant dense<[0, -1, 2]> : tensor<3xi64>
  %r4_0 = call @reshape_runtime(%c4_0, %a4_1) : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %u4_0 = tensor.cast %r4_0 : tensor<?x?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u4_0) : (tensor<*xf32>) -> ()
  %a5_0 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]> : tensor<2x4xf32>
  %c5_0 = tensor.cast %a5_0 : tensor<2x4xf32> to tensor<?x4xf32>
  %a5_1 = arith.constant dense<[-1, 1, 4]> : tensor<3xi64>
  %r5_0 = call @reshape_runtime(%c5_0, %a5_1) : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %u5_0 = tensor.cast %r5_0 : tensor<?x?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u5_0) : (tensor<*xf32>) -> ()
  %a6_0 = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %c6_0 = tensor.cast %a6_0 : tensor<2x3x4xf32> to tensor<?x3x4xf32>
  %r6_0 = call @view(%c6_0) : (tensor<?x3x4xf32>) -> tensor<?x?xf32>
  %u6_0 = tensor.cast %r6_0 : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u6_0) : (tensor<*xf32>) -> ()
  %a7_0 = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0, 11.0]]]> : tensor<1x2x6xf32>
  %c7_0 = tensor.cast %a7_0 : tensor<1x2x6xf32> to tensor<?x?x6xf32>
  %r7_0 = call @split_heads(%c7_0) : (tensor<?x?x6xf32>) -> tensor<?x?x2x3xf32>
  %u7_0 = tensor.cast %r7_0 : tensor<?x?x2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u7_0) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)

// EXEC: rank = 2 offset = 0 sizes = [4, 6] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 2, 4, 6, 8, 10],
// EXEC-NEXT: [12, 14, 16, 18, 20, 22],
// EXEC-NEXT: [24, 26, 28, 30, 32, 34],
// EXEC-NEXT: [36, 38, 40, 42, 44, 46]]
// EXEC: rank = 2 offset = 0 sizes = [2, 12] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22],
// EXEC-NEXT: [24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46]]
// EXEC: rank = 2 offset = 0 sizes = [3, 0] strides = {{.*}} data =
// EXEC: rank = 3 offset = 0 sizes = [2, 2, 6] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}0, 2, 4, 6, 8, 10],
// EXEC-NEXT: [12, 14, 16, 18, 20, 22]],
// EXEC-NEXT: {{\[\[}}24, 26, 28, 30, 32, 34],
// EXEC-NEXT: [36, 38, 40, 42, 44, 46]]]
// EXEC: rank = 3 offset = 0 sizes = [2, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}0, 2],
// EXEC-NEXT: [4, 6]],
// EXEC-NEXT: {{\[\[}}8, 10],
// EXEC-NEXT: [12, 14]]]
// EXEC: rank = 3 offset = 0 sizes = [2, 1, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}0, 2, 4, 6]],
// EXEC-NEXT: {{\[\[}}8, 10, 12, 14]]]
// EXEC: rank = 2 offset = 0 sizes = [2, 12] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22],
// EXEC-NEXT: [24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46]]
// EXEC: rank = 4 offset = 0 sizes = [1, 2, 2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}0, 2, 4],
// EXEC-NEXT: [6, 8, 10]],
// EXEC-NEXT: {{\[\[}}12, 14, 16],
// EXEC-NEXT: [18, 20, 22]]]]
