// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// dyad.conv_transpose -> linalg.

// Strides 2, pads 1, output_padding 1, bias, dynamic batch. The input goes
// strided into a zero tensor whose border is (k-1)*d - pad (1 at the
// beginning, 1 - 1 + 1 at the end); the kernel is flipped (2 - k) with its
// channel dims swapped (C x M -> M x C); a stride-1 linalg.conv_2d_nchw_fchw
// accumulates into the broadcast bias.
// CHECK-DAG: #[[FLIP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, -d3 + 2, -d4 + 2)>
// CHECK-LABEL: func.func @convt_strided
// CHECK-SAME: %[[X:.*]]: tensor<?x1x2x2xf32>, %[[W:.*]]: tensor<1x2x3x3xf32>
// CHECK: %[[Z:.*]] = linalg.fill {{.*}} -> tensor<?x1x6x6xf32>
// CHECK: %[[D:.*]] = tensor.insert_slice %[[X]] into %[[Z]][0, 0, 1, 1] [%{{.*}}, 1, 2, 2] [1, 1, 2, 2]
// CHECK: %[[F:.*]] = linalg.generic {indexing_maps = [#[[FLIP]], {{.*}}]
// CHECK: %[[FW:.*]] = tensor.collapse_shape %[[F]] {{.*}} : tensor<1x2x1x3x3xf32> into tensor<2x1x3x3xf32>
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[D]], %[[FW]] : tensor<?x1x6x6xf32>, tensor<2x1x3x3xf32>) outs(%{{.*}} : tensor<?x2x4x4xf32>)
func.func @convt_strided(%x: tensor<?x1x2x2xf32>, %w: tensor<1x2x3x3xf32>, %b: tensor<2xf32>) -> tensor<?x2x4x4xf32> {
  %0 = dyad.conv_transpose %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x1x2x2xf32>, tensor<1x2x3x3xf32>, tensor<2xf32>) -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

// Groups and dilations, stride 1: plain tensor.pad (2 = (2-1)*2 each side)
// and the grouped convolution.
// CHECK-LABEL: func.func @convt_group
// CHECK: tensor.pad {{.*}} low[0, 0, 2, 2] high[0, 0, 2, 2]
// CHECK: linalg.conv_2d_ngchw_gfchw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
func.func @convt_group(%x: tensor<1x4x2x2xf32>, %w: tensor<4x1x2x2xf32>) -> tensor<1x2x4x4xf32> {
  %0 = dyad.conv_transpose %x, %w {group = 2 : i64, dilations = array<i64: 2, 2>, kernel_shape = array<i64: 2, 2>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x2x2xf32>, tensor<4x1x2x2xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// 1-D with a begin pad larger than the kernel extent: (k-1)*d - pad = -1,
// so the convolution's first element is cropped.
// CHECK-LABEL: func.func @convt_1d_crop
// CHECK: %[[Y:.*]] = linalg.conv_1d_ncw_fcw {{.*}} -> tensor<1x1x5xf32>
// CHECK: tensor.extract_slice %[[Y]][0, 0, 1] [1, 1, 4] [1, 1, 1] : tensor<1x1x5xf32> to tensor<1x1x4xf32>
func.func @convt_1d_crop(%x: tensor<1x1x3xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x4xf32> {
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1>, kernel_shape = array<i64: 2>, output_padding = array<i64: 0>, pads = array<i64: 2, 0>, strides = array<i64: 2>} : (tensor<1x1x3xf32>, tensor<1x1x2xf32>) -> tensor<1x1x4xf32>
  return %0 : tensor<1x1x4xf32>
}

// 3-D, asymmetric strides.
// CHECK-LABEL: func.func @convt_3d
// CHECK: tensor.insert_slice {{.*}} [1, 1, 1, 2, 1]
// CHECK: linalg.conv_3d_ncdhw_fcdhw
func.func @convt_3d(%x: tensor<1x1x2x2x2xf32>, %w: tensor<1x1x2x2x2xf32>) -> tensor<1x1x3x4x3xf32> {
  %0 = dyad.conv_transpose %x, %w {dilations = array<i64: 1, 1, 1>, kernel_shape = array<i64: 2, 2, 2>, output_padding = array<i64: 0, 0, 0>, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 1, 2, 1>} : (tensor<1x1x2x2x2xf32>, tensor<1x1x2x2x2xf32>) -> tensor<1x1x3x4x3xf32>
  return %0 : tensor<1x1x3x4x3xf32>
}

// auto_pad SAME_UPPER with dynamic spatial dims (the importer resolves it
// only for static ones): the total padding output_padding + (k-1)*d + 1 -
// stride = 1 does not depend on the input size; SAME_UPPER puts it at the
// end, so the zero border is 2 at the beginning and 1 at the end. The data
// is ONNX's test_convtranspose_autopad_same.
// CHECK-LABEL: func.func @convt_same_dynamic
// CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %c2
// CHECK: %[[M:.*]] = tensor.dim %{{.*}}, %c3
// CHECK: tensor.insert_slice {{.*}}[0, 0, 2, 2] [1, 1, %[[N]], %[[M]]] [1, 1, 2, 2]
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x2x?x?xf32>
func.func @convt_same_dynamic(%x: tensor<1x1x?x?xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x2x?x?xf32> {
  %0 = dyad.conv_transpose %x, %w {auto_pad = #dyad.auto_pad<SAME_UPPER>, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x?x?xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x?x?xf32>
  return %0 : tensor<1x2x?x?xf32>
}

// CHECK-LABEL: func.func @main
func.func @main() {
  %c0_0 = arith.constant dense<[[[[-2.0, -3.0], [0.0, -2.0]]], [[[2.0, 1.0], [-2.0, -1.0]]]]> : tensor<2x1x2x2xf32>
  %d0_0 = tensor.cast %c0_0 : tensor<2x1x2x2xf32> to tensor<?x1x2x2xf32>
  %c0_1 = arith.constant dense<[[[[-2.0, 2.0, -2.0], [-2.0, 2.0, 2.0], [0.0, 2.0, -1.0]], [[0.0, 2.0, -1.0], [1.0, -2.0, -2.0], [-1.0, 1.0, 1.0]]]]> : tensor<1x2x3x3xf32>
  %c0_2 = arith.constant dense<[1.0, -0.5]> : tensor<2xf32>
  %r0 = call @convt_strided(%d0_0, %c0_1, %c0_2) : (tensor<?x1x2x2xf32>, tensor<1x2x3x3xf32>, tensor<2xf32>) -> tensor<?x2x4x4xf32>
  %p0 = tensor.cast %r0 : tensor<?x2x4x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  %c1_0 = arith.constant dense<[[[[-1.0, -1.0], [-3.0, 2.0]], [[-3.0, 0.0], [3.0, -2.0]], [[0.0, -1.0], [-2.0, 0.0]], [[1.0, 2.0], [3.0, -3.0]]]]> : tensor<1x4x2x2xf32>
  %c1_1 = arith.constant dense<[[[[-2.0, -2.0], [1.0, -2.0]]], [[[0.0, 1.0], [1.0, -1.0]]], [[[-2.0, 1.0], [-2.0, -1.0]]], [[[2.0, -2.0], [0.0, -2.0]]]]> : tensor<4x1x2x2xf32>
  %r1 = call @convt_group(%c1_0, %c1_1) : (tensor<1x4x2x2xf32>, tensor<4x1x2x2xf32>) -> tensor<1x2x4x4xf32>
  %p1 = tensor.cast %r1 : tensor<1x2x4x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  %c2_0 = arith.constant dense<[[[3.0, 0.0, -2.0]]]> : tensor<1x1x3xf32>
  %c2_1 = arith.constant dense<[[[0.0, 1.0]]]> : tensor<1x1x2xf32>
  %r2 = call @convt_1d_crop(%c2_0, %c2_1) : (tensor<1x1x3xf32>, tensor<1x1x2xf32>) -> tensor<1x1x4xf32>
  %p2 = tensor.cast %r2 : tensor<1x1x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  %c3_0 = arith.constant dense<[[[[[-2.0, 0.0], [-1.0, 2.0]], [[-3.0, -1.0], [3.0, -3.0]]]]]> : tensor<1x1x2x2x2xf32>
  %c3_1 = arith.constant dense<[[[[[2.0, -2.0], [-2.0, 2.0]], [[-1.0, -1.0], [-1.0, 2.0]]]]]> : tensor<1x1x2x2x2xf32>
  %r3 = call @convt_3d(%c3_0, %c3_1) : (tensor<1x1x2x2x2xf32>, tensor<1x1x2x2x2xf32>) -> tensor<1x1x3x4x3xf32>
  %p3 = tensor.cast %r3 : tensor<1x1x3x4x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p3) : (tensor<*xf32>) -> ()
  %c4_0 = arith.constant dense<[[[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]]]> : tensor<1x1x3x3xf32>
  %d4_0 = tensor.cast %c4_0 : tensor<1x1x3x3xf32> to tensor<1x1x?x?xf32>
  %c4_1 = arith.constant dense<[[[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]]]> : tensor<1x2x3x3xf32>
  %r4 = call @convt_same_dynamic(%d4_0, %c4_1) : (tensor<1x1x?x?xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x?x?xf32>
  %p4 = tensor.cast %r4 : tensor<1x2x?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%p4) : (tensor<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// The expected values below were computed independently (numpy / torch).
// convt_strided
// EXEC: rank = 4 offset = 0 sizes = [2, 2, 4, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}-3,     3,     -5,     -5],
// EXEC-NEXT: [-3,     7,     -9,     8],
// EXEC-NEXT: [1,     5,     -3,     -3],
// EXEC-NEXT: [1,     1,     -3,     3]],
// EXEC-NEXT: {{\[\[}}3.5,     0.5,     5.5,     5.5],
// EXEC-NEXT: [-2.5,     0.5,     -7.5,     -1.5],
// EXEC-NEXT: [-0.5,     -2.5,     3.5,     3.5],
// EXEC-NEXT: [-0.5,     1.5,     -2.5,     -2.5]]],
// EXEC-NEXT: {{\[\[\[}}5,     3,     3,     3],
// EXEC-NEXT: [1,     5,     1,     2],
// EXEC-NEXT: [-3,     -1,     -1,     -1],
// EXEC-NEXT: [-3,     3,     -1,     2]],
// EXEC-NEXT: {{\[\[}}-4.5,     -3.5,     -2.5,     -2.5],
// EXEC-NEXT: [-2.5,     2.5,     -1.5,     1.5],
// EXEC-NEXT: [3.5,     2.5,     1.5,     1.5],
// EXEC-NEXT: [-2.5,     -1.5,     -1.5,     -1.5]]]]
// convt_group
// EXEC: rank = 4 offset = 0 sizes = [1, 2, 4, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}2,     2,     -1,     2],
// EXEC-NEXT: [6,     -4,     9,     -6],
// EXEC-NEXT: [-4,     -1,     5,     2],
// EXEC-NEXT: [0,     0,     3,     -2]],
// EXEC-NEXT: {{\[\[}}2,     6,     -2,     -5],
// EXEC-NEXT: [10,     -6,     -8,     6],
// EXEC-NEXT: [0,     2,     -2,     -3],
// EXEC-NEXT: [4,     0,     -4,     6]]]]
// convt_1d_crop
// EXEC: rank = 3 offset = 0 sizes = [1, 1, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}0,    0,    0,    -2]]]
// convt_3d
// EXEC: rank = 5 offset = 0 sizes = [1, 1, 3, 4, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[\[}}-4,      4,      0],
// EXEC-NEXT: [4,      -4,      0],
// EXEC-NEXT: [-2,      6,      -4],
// EXEC-NEXT: [2,      -6,      4]],
// EXEC-NEXT: {{\[\[}}-4,      6,      2],
// EXEC-NEXT: [8,      -8,      -2],
// EXEC-NEXT: [7,      -13,      4],
// EXEC-NEXT: [-5,      8,      -2]],
// EXEC-NEXT: {{\[\[}}3,      4,      1],
// EXEC-NEXT: [3,      -5,      -2],
// EXEC-NEXT: [-3,      0,      3],
// EXEC-NEXT: [-3,      9,      -6]]]]]
// convt_same_dynamic
// EXEC: rank = 4 offset = 0 sizes = [1, 2, 6, 6] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}0,     0,     1,     1,     3,     2],
// EXEC-NEXT: [0,     0,     1,     1,     3,     2],
// EXEC-NEXT: [3,     3,     8,     5,     12,     7],
// EXEC-NEXT: [3,     3,     7,     4,     9,     5],
// EXEC-NEXT: [9,     9,     20,     11,     24,     13],
// EXEC-NEXT: [6,     6,     13,     7,     15,     8]],
// EXEC-NEXT: {{\[\[}}0,     0,     1,     1,     3,     2],
// EXEC-NEXT: [0,     0,     1,     1,     3,     2],
// EXEC-NEXT: [3,     3,     8,     5,     12,     7],
// EXEC-NEXT: [3,     3,     7,     4,     9,     5],
// EXEC-NEXT: [9,     9,     20,     11,     24,     13],
// EXEC-NEXT: [6,     6,     13,     7,     15,     8]]]]
