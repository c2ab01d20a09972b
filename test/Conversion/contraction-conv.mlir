// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// dyad.conv -> linalg (float and ConvInteger forms).

// 2-D, bias, strides and padding, dynamic batch: tensor.pad, the bias
// broadcast into the accumulator, linalg.conv_2d_nchw_fchw.
// CHECK-LABEL: func.func @conv2d_bias
// CHECK-SAME: %[[X:.*]]: tensor<?x2x4x4xf32>, %[[W:.*]]: tensor<3x2x3x3xf32>, %[[B:.*]]: tensor<3xf32>
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor<?x2x4x4xf32> to tensor<?x2x6x6xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x2x4x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x3x2x2xf32>
// CHECK: %[[I:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<3xf32>) outs(%[[E]] : tensor<?x3x2x2xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %[[W]] : tensor<?x2x6x6xf32>, tensor<3x2x3x3xf32>) outs(%[[I]] : tensor<?x3x2x2xf32>)
func.func @conv2d_bias(%x: tensor<?x2x4x4xf32>, %w: tensor<3x2x3x3xf32>, %b: tensor<3xf32>) -> tensor<?x3x2x2xf32> {
  %0 = dyad.conv %x, %w bias(%b) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<?x3x2x2xf32>
  return %0 : tensor<?x3x2x2xf32>
}

// Groups: channels split into (group, channels per group) around
// linalg.conv_2d_ngchw_gfchw. Asymmetric padding.
// CHECK-LABEL: func.func @conv2d_group
// CHECK: tensor.pad {{.*}} low[0, 0, 0, 1] high[0, 0, 1, 0]
// CHECK-DAG: tensor.expand_shape {{.*}} {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 4, 4] : tensor<1x4x4x4xf32> into tensor<1x2x2x4x4xf32>
// CHECK-DAG: tensor.expand_shape {{.*}} {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 2, 2, 2, 2] : tensor<4x2x2x2xf32> into tensor<2x2x2x2x2xf32>
// CHECK: %[[Y:.*]] = linalg.conv_2d_ngchw_gfchw
// CHECK: tensor.collapse_shape %[[Y]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x2x3x3xf32> into tensor<1x4x3x3xf32>
func.func @conv2d_group(%x: tensor<1x4x3x3xf32>, %w: tensor<4x2x2x2xf32>) -> tensor<1x4x3x3xf32> {
  %0 = dyad.conv %x, %w {group = 2 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 1, 1, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x3x3xf32>, tensor<4x2x2x2xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// Depthwise (group == channels, one filter each), with dilations.
// CHECK-LABEL: func.func @conv2d_depthwise
// CHECK: %[[W:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2], [3]] : tensor<2x1x2x2xf32> into tensor<2x2x2xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {dilations = dense<[2, 1]> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%{{.*}}, %[[W]] : tensor<1x2x5x5xf32>, tensor<2x2x2xf32>)
func.func @conv2d_depthwise(%x: tensor<1x2x3x3xf32>, %w: tensor<2x1x2x2xf32>, %b: tensor<2xf32>) -> tensor<1x2x3x4xf32> {
  %0 = dyad.conv %x, %w bias(%b) {group = 2 : i64, dilations = array<i64: 2, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// 1-D: linalg.conv_1d_ncw_fcw, with dilation, or with stride and end padding.
// CHECK-LABEL: func.func @conv1d_dilated
// CHECK: linalg.conv_1d_ncw_fcw {dilations = dense<2> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>}
func.func @conv1d_dilated(%x: tensor<1x1x6xf32>, %w: tensor<2x1x2xf32>) -> tensor<1x2x4xf32> {
  %0 = dyad.conv %x, %w {dilations = array<i64: 2>, kernel_shape = array<i64: 2>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x1x6xf32>, tensor<2x1x2xf32>) -> tensor<1x2x4xf32>
  return %0 : tensor<1x2x4xf32>
}
// CHECK-LABEL: func.func @conv1d_strided
// CHECK: tensor.pad {{.*}} low[0, 0, 0] high[0, 0, 1]
// CHECK: linalg.conv_1d_ncw_fcw {dilations = dense<1> : tensor<1xi64>, strides = dense<2> : tensor<1xi64>}
func.func @conv1d_strided(%x: tensor<1x1x6xf32>, %w: tensor<2x1x2xf32>) -> tensor<1x2x3xf32> {
  %0 = dyad.conv %x, %w {dilations = array<i64: 1>, kernel_shape = array<i64: 2>, pads = array<i64: 0, 1>, strides = array<i64: 2>} : (tensor<1x1x6xf32>, tensor<2x1x2xf32>) -> tensor<1x2x3xf32>
  return %0 : tensor<1x2x3xf32>
}

// 3-D grouped: no named op, a linalg.generic over (n, g, f, o..., c, k...).
// CHECK-LABEL: func.func @conv3d_group
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x2x1x2x3x3xf32>, tensor<2x2x1x1x2x2xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @conv3d_group(%x: tensor<1x2x2x3x3xf32>, %w: tensor<4x1x1x2x2xf32>) -> tensor<1x4x2x2x2xf32> {
  %0 = dyad.conv %x, %w {group = 2 : i64, dilations = array<i64: 1, 1, 1>, kernel_shape = array<i64: 1, 2, 2>, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 1, 1, 1>} : (tensor<1x2x2x3x3xf32>, tensor<4x1x1x2x2xf32>) -> tensor<1x4x2x2x2xf32>
  return %0 : tensor<1x4x2x2x2xf32>
}

// auto_pad SAME_UPPER left by the importer because the spatial dims are
// dynamic: the padding and output size are computed at run time.
// CHECK-LABEL: func.func @conv_same_dynamic
// CHECK: arith.ceildivsi
// CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, %{{.*}}, %{{.*}}] high[0, 0, %{{.*}}, %{{.*}}]
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[P]], %{{.*}} : tensor<?x1x?x?xf32>, tensor<1x1x3x3xf32>) outs(%{{.*}} : tensor<?x1x?x?xf32>)
func.func @conv_same_dynamic(%x: tensor<?x1x?x?xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<?x1x?x?xf32> {
  %0 = dyad.conv %x, %w {auto_pad = #dyad.auto_pad<SAME_UPPER>, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x1x?x?xf32>, tensor<1x1x3x3xf32>) -> tensor<?x1x?x?xf32>
  return %0 : tensor<?x1x?x?xf32>
}

// ConvInteger, signed: operands sign-extended to i32 minus the zero points
// (x per tensor, w per output channel), padding with 0 (= the zero point),
// then the i32 convolution.
// CHECK-LABEL: func.func @conv_integer
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x1x3x3xi8>, tensor<i8>) outs(%{{.*}} : tensor<1x1x3x3xi32>)
// CHECK: arith.extsi
// CHECK: arith.subi
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x1x2x2xi8>, tensor<2xi8>) outs(%{{.*}} : tensor<2x1x2x2xi32>)
// CHECK: tensor.pad
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x2x4x4xi32>
func.func @conv_integer(%x: tensor<1x1x3x3xi8>, %w: tensor<2x1x2x2xi8>, %xzp: tensor<i8>, %wzp: tensor<2xi8>) -> tensor<1x2x4x4xi32> {
  %0 = dyad.conv %x, %w x_zero_point(%xzp) w_zero_point(%wzp) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xi8>, tensor<2x1x2x2xi8>, tensor<i8>, tensor<2xi8>) -> tensor<1x2x4x4xi32>
  return %0 : tensor<1x2x4x4xi32>
}

// CHECK-LABEL: func.func @main
// The ui8 operands of the inline ConvInteger are zero-extended.
// CHECK: arith.extui
// CHECK: arith.extui
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} {{.*}} -> tensor<1x1x2x2xi32>
func.func @main() {
  %c0_0 = arith.constant dense<[[[[1.0, -2.0, 3.0, 0.0], [0.0, 1.0, -2.0, 3.0], [-3.0, -2.0, 3.0, -1.0], [-1.0, -3.0, 3.0, 1.0]], [[-3.0, 1.0, -3.0, 0.0], [-1.0, 3.0, 0.0, 1.0], [1.0, 2.0, -3.0, -3.0], [2.0, -3.0, 0.0, 2.0]]], [[[-3.0, -1.0, -3.0, -2.0], [3.0, 3.0, 1.0, 3.0], [-2.0, 0.0, 0.0, -3.0], [0.0, -3.0, -2.0, -3.0]], [[-3.0, 3.0, 2.0, 1.0], [1.0, 1.0, -1.0, -2.0], [0.0, -3.0, 2.0, 1.0], [-3.0, 2.0, 1.0, 0.0]]]]> : tensor<2x2x4x4xf32>
  %d0_0 = tensor.cast %c0_0 : tensor<2x2x4x4xf32> to tensor<?x2x4x4xf32>
  %c0_1 = arith.constant dense<[[[[-1.0, 1.0, 1.0], [1.0, -1.0, 1.0], [1.0, 2.0, 1.0]], [[-1.0, 1.0, -1.0], [-1.0, -1.0, 0.0], [1.0, 0.0, 0.0]]], [[[1.0, 1.0, 0.0], [-2.0, 2.0, 1.0], [-1.0, -1.0, 2.0]], [[1.0, 2.0, 2.0], [2.0, 1.0, 1.0], [-2.0, 2.0, 1.0]]], [[[-2.0, 0.0, 0.0], [1.0, 0.0, 1.0], [2.0, 2.0, -2.0]], [[2.0, 1.0, -1.0], [0.0, 2.0, 2.0], [-1.0, -1.0, 0.0]]]]> : tensor<3x2x3x3xf32>
  %c0_2 = arith.constant dense<[0.5, -1.0, 2.0]> : tensor<3xf32>
  %r0 = call @conv2d_bias(%d0_0, %c0_1, %c0_2) : (tensor<?x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<?x3x2x2xf32>
  %p0 = tensor.cast %r0 : tensor<?x3x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p0) : (tensor<*xf32>) -> ()
  %c1_0 = arith.constant dense<[[[[-3.0, 1.0, 3.0], [3.0, -1.0, 1.0], [3.0, -3.0, -1.0]], [[0.0, -1.0, 3.0], [1.0, -2.0, 2.0], [3.0, -1.0, -2.0]], [[2.0, -2.0, 3.0], [1.0, -2.0, -3.0], [1.0, 3.0, 2.0]], [[-2.0, 2.0, 1.0], [0.0, 1.0, -2.0], [0.0, 3.0, -3.0]]]]> : tensor<1x4x3x3xf32>
  %c1_1 = arith.constant dense<[[[[-1.0, 1.0], [2.0, -2.0]], [[1.0, -1.0], [2.0, 2.0]]], [[[2.0, 0.0], [-1.0, 1.0]], [[1.0, 0.0], [2.0, -2.0]]], [[[1.0, -2.0], [-1.0, -2.0]], [[2.0, 1.0], [-1.0, 0.0]]], [[[-2.0, 0.0], [-2.0, 0.0]], [[-1.0, -1.0], [1.0, -1.0]]]]> : tensor<4x2x2x2xf32>
  %r1 = call @conv2d_group(%c1_0, %c1_1) : (tensor<1x4x3x3xf32>, tensor<4x2x2x2xf32>) -> tensor<1x4x3x3xf32>
  %p1 = tensor.cast %r1 : tensor<1x4x3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p1) : (tensor<*xf32>) -> ()
  %c2_0 = arith.constant dense<[[[[3.0, -3.0, -3.0], [-2.0, -2.0, 3.0], [-2.0, 2.0, 0.0]], [[-1.0, -3.0, 2.0], [-1.0, -1.0, 3.0], [1.0, -1.0, 0.0]]]]> : tensor<1x2x3x3xf32>
  %c2_1 = arith.constant dense<[[[[2.0, -2.0], [-1.0, 2.0]]], [[[-1.0, 2.0], [1.0, 0.0]]]]> : tensor<2x1x2x2xf32>
  %c2_2 = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %r2 = call @conv2d_depthwise(%c2_0, %c2_1, %c2_2) : (tensor<1x2x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x3x4xf32>
  %p2 = tensor.cast %r2 : tensor<1x2x3x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p2) : (tensor<*xf32>) -> ()
  %c3_0 = arith.constant dense<[[[1.0, -2.0, -3.0, -1.0, 1.0, -3.0]]]> : tensor<1x1x6xf32>
  %c3_1 = arith.constant dense<[[[-2.0, 2.0]], [[-1.0, -2.0]]]> : tensor<2x1x2xf32>
  %r3 = call @conv1d_dilated(%c3_0, %c3_1) : (tensor<1x1x6xf32>, tensor<2x1x2xf32>) -> tensor<1x2x4xf32>
  %p3 = tensor.cast %r3 : tensor<1x2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p3) : (tensor<*xf32>) -> ()
  %c4_0 = arith.constant dense<[[[1.0, -2.0, -3.0, -1.0, 1.0, -3.0]]]> : tensor<1x1x6xf32>
  %c4_1 = arith.constant dense<[[[-2.0, 2.0]], [[-1.0, -2.0]]]> : tensor<2x1x2xf32>
  %r4 = call @conv1d_strided(%c4_0, %c4_1) : (tensor<1x1x6xf32>, tensor<2x1x2xf32>) -> tensor<1x2x3xf32>
  %p4 = tensor.cast %r4 : tensor<1x2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p4) : (tensor<*xf32>) -> ()
  %c5_0 = arith.constant dense<[[[[[-1.0, -3.0, 0.0], [2.0, 2.0, -3.0], [-2.0, 0.0, -1.0]], [[-3.0, -3.0, 1.0], [2.0, 1.0, 0.0], [2.0, -2.0, 2.0]]], [[[3.0, -1.0, 1.0], [-3.0, 1.0, -1.0], [-1.0, -3.0, 3.0]], [[3.0, 3.0, 2.0], [0.0, -2.0, 2.0], [-3.0, 0.0, -2.0]]]]]> : tensor<1x2x2x3x3xf32>
  %c5_1 = arith.constant dense<[[[[[0.0, -2.0], [-1.0, 1.0]]]], [[[[1.0, 2.0], [1.0, -1.0]]]], [[[[2.0, 1.0], [2.0, -2.0]]]], [[[[-1.0, 0.0], [0.0, -2.0]]]]]> : tensor<4x1x1x2x2xf32>
  %r5 = call @conv3d_group(%c5_0, %c5_1) : (tensor<1x2x2x3x3xf32>, tensor<4x1x1x2x2xf32>) -> tensor<1x4x2x2x2xf32>
  %p5 = tensor.cast %r5 : tensor<1x4x2x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p5) : (tensor<*xf32>) -> ()
  %c6_0 = arith.constant dense<[[[[1.0, 0.0, -2.0, -3.0], [1.0, 3.0, -2.0, 3.0], [-3.0, 2.0, -1.0, 1.0], [1.0, 1.0, 1.0, 0.0], [-2.0, -1.0, -3.0, 2.0]]]]> : tensor<1x1x5x4xf32>
  %d6_0 = tensor.cast %c6_0 : tensor<1x1x5x4xf32> to tensor<?x1x?x?xf32>
  %c6_1 = arith.constant dense<[[[[0.0, -1.0, 0.0], [-2.0, 0.0, 2.0], [0.0, 2.0, -2.0]]]]> : tensor<1x1x3x3xf32>
  %r6 = call @conv_same_dynamic(%d6_0, %c6_1) : (tensor<?x1x?x?xf32>, tensor<1x1x3x3xf32>) -> tensor<?x1x?x?xf32>
  %p6 = tensor.cast %r6 : tensor<?x1x?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%p6) : (tensor<*xf32>) -> ()
  %c7_0 = arith.constant dense<[[[[125, -37, 123], [55, -112, 110], [-4, 5, -24]]]]> : tensor<1x1x3x3xi8>
  %c7_1 = arith.constant dense<[[[[-35, -55], [44, 55]]], [[[-89, 78], [70, 62]]]]> : tensor<2x1x2x2xi8>
  %c7_2 = arith.constant dense<-3> : tensor<i8>
  %c7_3 = arith.constant dense<[5, -7]> : tensor<2xi8>
  %r7 = call @conv_integer(%c7_0, %c7_1, %c7_2, %c7_3) : (tensor<1x1x3x3xi8>, tensor<2x1x2x2xi8>, tensor<i8>, tensor<2xi8>) -> tensor<1x2x4x4xi32>
  %p7 = tensor.cast %r7 : tensor<1x2x4x4xi32> to tensor<*xi32>
  call @printMemrefI32(%p7) : (tensor<*xi32>) -> ()
  %c8_0 = arith.constant dense<[[[[130, 37, 86, 241], [46, 9, 163, 15], [148, 160, 99, 149], [198, 212, 128, 212]], [[33, 21, 66, 11], [47, 139, 36, 200], [237, 171, 253, 199], [53, 7, 149, 126]]]]> : tensor<1x2x4x4xi8>
  %u8_0 = builtin.unrealized_conversion_cast %c8_0 : tensor<1x2x4x4xi8> to tensor<1x2x4x4xui8>
  %c8_1 = arith.constant dense<[[[[19, 231], [86, 45]], [[178, 227], [126, 81]]]]> : tensor<1x2x2x2xi8>
  %u8_1 = builtin.unrealized_conversion_cast %c8_1 : tensor<1x2x2x2xi8> to tensor<1x2x2x2xui8>
  %c8_2 = arith.constant dense<[200]> : tensor<1xi8>
  %u8_2 = builtin.unrealized_conversion_cast %c8_2 : tensor<1xi8> to tensor<1xui8>
  %c8_3 = arith.constant dense<128> : tensor<i8>
  %u8_3 = builtin.unrealized_conversion_cast %c8_3 : tensor<i8> to tensor<ui8>
  // ui8 values cannot cross a func.call yet (the conversion rewrites the
  // callee's signature to signless but not the call), so the op is here.
  %r8 = dyad.conv %u8_0, %u8_1 x_zero_point(%u8_2) w_zero_point(%u8_3) {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xui8>, tensor<1x2x2x2xui8>, tensor<1xui8>, tensor<ui8>) -> tensor<1x1x2x2xi32>
  %p8 = tensor.cast %r8 : tensor<1x1x2x2xi32> to tensor<*xi32>
  call @printMemrefI32(%p8) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

// The expected values below were computed independently (numpy / torch).
// conv2d_bias
// EXEC: rank = 4 offset = 0 sizes = [2, 3, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}1.5,     0.5],
// EXEC-NEXT: [-7.5,     -7.5]],
// EXEC-NEXT: {{\[\[}}0,     10],
// EXEC-NEXT: [-6,     20]],
// EXEC-NEXT: {{\[\[}}-5,     -17],
// EXEC-NEXT: [4,     -9]]],
// EXEC-NEXT: {{\[\[\[}}14.5,     4.5],
// EXEC-NEXT: [5.5,     -8.5]],
// EXEC-NEXT: {{\[\[}}-2,     -2],
// EXEC-NEXT: [-11,     -11]],
// EXEC-NEXT: {{\[\[}}0,     7],
// EXEC-NEXT: [5,     -5]]]]
// conv2d_group
// EXEC: rank = 4 offset = 0 sizes = [1, 4, 3, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}-7,     11,     -6],
// EXEC-NEXT: [2,     15,     -12],
// EXEC-NEXT: [0,     -2,     3]],
// EXEC-NEXT: {{\[\[}}1,     -4,     -5],
// EXEC-NEXT: [-3,     9,     0],
// EXEC-NEXT: [0,     9,     -7]],
// EXEC-NEXT: {{\[\[}}-8,     7,     4],
// EXEC-NEXT: [-4,     -1,     -6],
// EXEC-NEXT: [-2,     -2,     2]],
// EXEC-NEXT: {{\[\[}}2,     -7,     8],
// EXEC-NEXT: [0,     -8,     5],
// EXEC-NEXT: [0,     -5,     -6]]]]
// conv2d_depthwise
// EXEC: rank = 4 offset = 0 sizes = [1, 2, 3, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}-3,     -1,     9,     -2],
// EXEC-NEXT: [-9,     19,     -1,     -5],
// EXEC-NEXT: [5,     1,     -9,     7]],
// EXEC-NEXT: {{\[\[}}-1,     -2,     -2,     2],
// EXEC-NEXT: [-3,     -5,     5,     -3],
// EXEC-NEXT: [-3,     -2,     6,     -4]]]]
// conv1d_dilated
// EXEC: rank = 3 offset = 0 sizes = [1, 2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}-8,    2,    8,    -4],
// EXEC-NEXT: [5,    4,    1,    7]]]
// conv1d_strided
// EXEC: rank = 3 offset = 0 sizes = [1, 2, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[}}-6,    4,    -8],
// EXEC-NEXT: [3,    5,    5]]]
// conv3d_group
// EXEC: rank = 5 offset = 0 sizes = [1, 4, 2, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[\[}}6,      -5],
// EXEC-NEXT: [-2,      5]],
// EXEC-NEXT: {{\[\[}}5,      -3],
// EXEC-NEXT: [-6,      4]]],
// EXEC-NEXT: {{\[\[\[}}-7,      2],
// EXEC-NEXT: [4,      -3]],
// EXEC-NEXT: {{\[\[}}-8,      0],
// EXEC-NEXT: [8,      -3]]],
// EXEC-NEXT: {{\[\[\[}}-3,      3],
// EXEC-NEXT: [-1,      -11]],
// EXEC-NEXT: {{\[\[}}13,      0],
// EXEC-NEXT: [-8,      2]]],
// EXEC-NEXT: {{\[\[\[}}-5,      3],
// EXEC-NEXT: [9,      -7]],
// EXEC-NEXT: {{\[\[}}1,      -7],
// EXEC-NEXT: [0,      6]]]]]
// conv_same_dynamic
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 3, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}4,     10],
// EXEC-NEXT: [1,     -1],
// EXEC-NEXT: [-3,     6]]]]
// conv_integer
// EXEC: rank = 4 offset = 0 sizes = [1, 2, 4, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}6400,     3292,     4974,     4914],
// EXEC-NEXT: [-4780,     -6268,     -4801,     -633],
// EXEC-NEXT: [-3530,     4581,     -3158,     -5339],
// EXEC-NEXT: [60,     -440,     940,     840]],
// EXEC-NEXT: {{\[\[}}8832,     7510,     6076,     9702],
// EXEC-NEXT: [14882,     -16441,     12902,     -1631],
// EXEC-NEXT: [4861,     -13546,     17710,     -10883],
// EXEC-NEXT: [-85,     762,     -2441,     1722]]]]
// ConvInteger on ui8 (inline in @main)
// EXEC: rank = 4 offset = 0 sizes = [1, 1, 2, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[\[\[}}-9736,     8475],
// EXEC-NEXT: [8980,     13915]]]]
