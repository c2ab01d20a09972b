// RUN: dyad-opt %s -split-input-file -verify-diagnostics

// Verifier errors of the shape and data-movement ops.

func.func @shape_result_rank(%x: tensor<2x3xf32>) -> tensor<1x2xi64> {
  // expected-error @+1 {{'dyad.shape' op result must be 1-D}}
  %0 = dyad.shape %x : (tensor<2x3xf32>) -> tensor<1x2xi64>
  return %0 : tensor<1x2xi64>
}

// -----

func.func @shape_result_size(%x: tensor<2x3x4xf32>) -> tensor<3xi64> {
  // [1, 3) has 2 dims.
  // expected-error @+1 {{'dyad.shape' op result dim 0 is 3 but 2 was expected}}
  %0 = dyad.shape %x {start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @shape_clamped(%x: tensor<2x3x4xf32>) -> tensor<3xi64> {
  // start -10 clamps to 0, end 1: one dim.
  // expected-error @+1 {{'dyad.shape' op result dim 0 is 3 but 1 was expected}}
  %0 = dyad.shape %x {start = -10 : i64, end = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @flatten_axis(%x: tensor<2x3xf32>) -> tensor<6x1xf32> {
  // Flatten's axis may be rank (here 2), not more.
  // expected-error @+1 {{'dyad.flatten' op axis 3 is out of range for rank 2}}
  %0 = dyad.flatten %x {axis = 3 : i64} : (tensor<2x3xf32>) -> tensor<6x1xf32>
  return %0 : tensor<6x1xf32>
}

// -----

func.func @flatten_result(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  // expected-error @+1 {{'dyad.flatten' op result dim 0 is 2 but 6 was expected}}
  %0 = dyad.flatten %x {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// -----

func.func @reshape_shape_rank(%x: tensor<2x3xf32>, %s: tensor<1x2xi64>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'dyad.reshape' op shape must be 1-D}}
  %0 = dyad.reshape %x, %s : (tensor<2x3xf32>, tensor<1x2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @reshape_element(%x: tensor<2x3xf32>, %s: tensor<2xi64>) -> tensor<3x2xf16> {
  // expected-error @+1 {{'dyad.reshape' op element type must not change}}
  %0 = dyad.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<3x2xf16>
  return %0 : tensor<3x2xf16>
}

// -----

func.func @reshape_entries(%x: tensor<2x3xf32>, %s: tensor<3xi64>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'dyad.reshape' op shape has 3 entries but the result has rank 2}}
  %0 = dyad.reshape %x, %s : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>, %s: tensor<2xi64>) -> tensor<4x2xf32> {
  // expected-error @+1 {{'dyad.reshape' op cannot reshape 6 elements into 8}}
  %0 = dyad.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @transpose_size(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'dyad.transpose' op perm has 3 entries for rank 2}}
  %0 = dyad.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'dyad.transpose' op perm must be a permutation of 0..rank-1}}
  %0 = dyad.transpose %x {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_result(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  // expected-error @+1 {{'dyad.transpose' op result dim 0 is 4 but 3 was expected}}
  %0 = dyad.transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

func.func @concat_empty() -> tensor<0xf32> {
  // expected-error @+1 {{'dyad.concat' op needs at least one input}}
  %0 = dyad.concat {axis = 0 : i64} : () -> tensor<0xf32>
  return %0 : tensor<0xf32>
}

// -----

func.func @concat_element(%a: tensor<2xf32>, %b: tensor<2xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dyad.concat' op inputs and result need one element type}}
  %0 = dyad.concat %a, %b {axis = 0 : i64} : (tensor<2xf32>, tensor<2xi32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @concat_rank(%a: tensor<2xf32>, %b: tensor<2x1xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dyad.concat' op inputs and result need one rank}}
  %0 = dyad.concat %a, %b {axis = 0 : i64} : (tensor<2xf32>, tensor<2x1xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @concat_axis(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dyad.concat' op axis 1 is out of range for rank 1}}
  %0 = dyad.concat %a, %b {axis = 1 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @concat_dims(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'dyad.concat' op inputs differ in dim 1}}
  %0 = dyad.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @concat_result(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'dyad.concat' op result dim 1 is 8 but 7 was expected}}
  %0 = dyad.concat %a, %b {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @split_count(%x: tensor<2x6xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.split' op split has 3 sizes for 2 outputs}}
  %0:2 = dyad.split %x {axis = 1 : i64, split = array<i64: 2, 2, 2>} : (tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>)
  return %0#0 : tensor<2x3xf32>
}

// -----

func.func @split_negative(%x: tensor<2x6xf32>) -> tensor<2x7xf32> {
  // expected-error @+1 {{'dyad.split' op split sizes must not be negative}}
  %0:2 = dyad.split %x {axis = 1 : i64, split = array<i64: 7, -1>} : (tensor<2x6xf32>) -> (tensor<2x7xf32>, tensor<2x?xf32>)
  return %0#0 : tensor<2x7xf32>
}

// -----

func.func @split_axis(%x: tensor<2x6xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.split' op axis -3 is out of range for rank 2}}
  %0:2 = dyad.split %x {axis = -3 : i64, split = array<i64: 3, 3>} : (tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>)
  return %0#0 : tensor<2x3xf32>
}

// -----

func.func @split_sum(%x: tensor<2x6xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'dyad.split' op split sizes add up to 5 but the axis has 6}}
  %0:2 = dyad.split %x {axis = 1 : i64, split = array<i64: 3, 2>} : (tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x2xf32>)
  return %0#0 : tensor<2x3xf32>
}

// -----

func.func @split_result(%x: tensor<2x6xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'dyad.split' op result dim 1 is 2 but 4 was expected}}
  %0:2 = dyad.split %x {axis = 1 : i64, split = array<i64: 2, 4>} : (tensor<2x6xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>)
  return %0#0 : tensor<2x2xf32>
}

// -----

func.func @slice_rank(%x: tensor<4x10xf32>, %s: tensor<1x1xi64>, %v: tensor<1xi64>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'dyad.slice' op starts, ends, axes and steps must be 1-D}}
  %0 = dyad.slice %x, %s, %v, %v, %v : (tensor<4x10xf32>, tensor<1x1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @slice_length(%x: tensor<4x10xf32>, %s: tensor<2xi64>, %v: tensor<1xi64>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'dyad.slice' op starts, ends, axes and steps need one length}}
  %0 = dyad.slice %x, %v, %v, %s, %v : (tensor<4x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<2xi64>, tensor<1xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @slice_keep_rank(%x: tensor<4x10xf32>, %v: tensor<1xi64>) -> tensor<10xf32> {
  // expected-error @+1 {{'dyad.slice' op slicing must keep the rank}}
  %0 = dyad.slice %x, %v, %v, %v, %v : (tensor<4x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<10xf32>
  return %0 : tensor<10xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<4x10xf32>, %v: tensor<1xi64>) -> tensor<4x?xf32> {
  %zero = arith.constant dense<0> : tensor<1xi64>
  // expected-error @+1 {{'dyad.slice' op steps must not be zero}}
  %0 = dyad.slice %x, %v, %v, %v, %zero : (tensor<4x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}

// -----

func.func @gather_scalar(%x: tensor<f32>, %i: tensor<i64>) -> tensor<f32> {
  // expected-error @+1 {{'dyad.gather' op data must have rank >= 1}}
  %0 = dyad.gather %x, %i : (tensor<f32>, tensor<i64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @gather_axis(%x: tensor<5x4xf32>, %i: tensor<i64>) -> tensor<5xf32> {
  // expected-error @+1 {{'dyad.gather' op axis 2 is out of range for rank 2}}
  %0 = dyad.gather %x, %i {axis = 2 : i64} : (tensor<5x4xf32>, tensor<i64>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @gather_result(%x: tensor<5x4xf32>, %i: tensor<2x3xi32>) -> tensor<2x3xf32> {
  // Result: indices shape then the dims after axis 0: 2 x 3 x 4.
  // expected-error @+1 {{'dyad.gather' op result rank 2 but 3 was expected}}
  %0 = dyad.gather %x, %i : (tensor<5x4xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @unsqueeze_empty(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'dyad.unsqueeze' op axes must not be empty}}
  %0 = dyad.unsqueeze %x {axes = array<i64>} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @unsqueeze_axis(%x: tensor<3xf32>) -> tensor<3x1xf32> {
  // The output has rank 2: axes in [-2, 2).
  // expected-error @+1 {{'dyad.unsqueeze' op axis 2 is out of range for rank 2}}
  %0 = dyad.unsqueeze %x {axes = array<i64: 2>} : (tensor<3xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

func.func @unsqueeze_repeated(%x: tensor<3xf32>) -> tensor<1x1x3xf32> {
  // expected-error @+1 {{'dyad.unsqueeze' op axis -3 is repeated}}
  %0 = dyad.unsqueeze %x {axes = array<i64: 0, -3>} : (tensor<3xf32>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// -----

func.func @unsqueeze_result(%x: tensor<3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{'dyad.unsqueeze' op result dim 0 is 1 but 3 was expected}}
  %0 = dyad.unsqueeze %x {axes = array<i64: -1>} : (tensor<3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @squeeze_axis(%x: tensor<1x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'dyad.squeeze' op axis 2 is out of range for rank 2}}
  %0 = dyad.squeeze %x {axes = array<i64: 2>} : (tensor<1x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @squeeze_size(%x: tensor<1x3xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'dyad.squeeze' op cannot squeeze axis 1 of size 3}}
  %0 = dyad.squeeze %x {axes = array<i64: 1>} : (tensor<1x3xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

func.func @squeeze_result(%x: tensor<1x3x1xf32>) -> tensor<3x1xf32> {
  // No axes: every size-1 dim goes.
  // expected-error @+1 {{'dyad.squeeze' op result rank 2 but 1 was expected}}
  %0 = dyad.squeeze %x {axes = array<i64>} : (tensor<1x3x1xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

func.func @expand_shape(%x: tensor<3x1xf32>, %s: tensor<1x3xi64>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{'dyad.expand' op shape must be 1-D}}
  %0 = dyad.expand %x, %s : (tensor<3x1xf32>, tensor<1x3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @expand_element(%x: tensor<3x1xf32>, %s: tensor<3xi64>) -> tensor<2x3x4xi32> {
  // expected-error @+1 {{'dyad.expand' op element type must not change}}
  %0 = dyad.expand %x, %s : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<2x3x4xi32>
  return %0 : tensor<2x3x4xi32>
}

// -----

func.func @pad_mode(%x: tensor<4xf32>) -> tensor<6xf32> {
  // mode is an enum attribute: the parser rejects other values.
  // expected-error @+2 {{expected one of [constant, reflect, edge, wrap] for ONNX Pad mode, got: symmetric}}
  // expected-error @+1 {{failed to parse Dyad_PadModeAttr parameter 'value'}}
  %0 = dyad.pad %x {mode = #dyad.pad_mode<symmetric>, pads = array<i64: 1, 1>} : (tensor<4xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @pad_count(%x: tensor<2x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'dyad.pad' op pads needs 4 values, got 2}}
  %0 = dyad.pad %x {pads = array<i64: 1, 1>} : (tensor<2x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @pad_crop(%x: tensor<2x4xf32>) -> tensor<2x0xf32> {
  // expected-error @+1 {{'dyad.pad' op negative pads crop more than dim 1 has}}
  %0 = dyad.pad %x {pads = array<i64: 0, -3, 0, -2>} : (tensor<2x4xf32>) -> tensor<2x0xf32>
  return %0 : tensor<2x0xf32>
}

// -----

func.func @pad_result(%x: tensor<2x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'dyad.pad' op result dim 1 is 4 but 7 was expected}}
  %0 = dyad.pad %x {pads = array<i64: 1, 1, 1, 2>} : (tensor<2x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @resize_mode(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // The modes are enum attributes: the parser rejects other values.
  // expected-error @+2 {{expected one of [nearest, linear, cubic] for ONNX Resize mode, got: area}}
  // expected-error @+1 {{failed to parse Dyad_ResizeModeAttr parameter 'value'}}
  %0 = dyad.resize %x {mode = #dyad.resize_mode<area>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_ctm(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+2 {{expected one of [half_pixel, pytorch_half_pixel, asymmetric, align_corners, tf_crop_and_resize] for ONNX Resize coordinate_transformation_mode, got: half_pixel_symmetric}}
  // expected-error @+1 {{failed to parse Dyad_CoordinateTransformationModeAttr parameter 'value'}}
  %0 = dyad.resize %x {coordinate_transformation_mode = #dyad.coordinate_transformation_mode<half_pixel_symmetric>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_nearest_mode(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+2 {{expected one of [round_prefer_floor, round_prefer_ceil, floor, ceil] for ONNX Resize nearest_mode, got: round}}
  // expected-error @+1 {{failed to parse Dyad_NearestModeAttr parameter 'value'}}
  %0 = dyad.resize %x {nearest_mode = #dyad.nearest_mode<round>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_neither(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'dyad.resize' op exactly one of scales and sizes must be given}}
  %0 = dyad.resize %x : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_both(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'dyad.resize' op exactly one of scales and sizes must be given}}
  %0 = dyad.resize %x {scales = array<f32: 1.0, 1.0, 2.0, 2.0>, sizes = array<i64: 1, 1, 4, 4>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_scales_count(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'dyad.resize' op scales needs 4 values}}
  %0 = dyad.resize %x {scales = array<f32: 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_scales_positive(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'dyad.resize' op scales must be positive}}
  %0 = dyad.resize %x {scales = array<f32: 1.0, 1.0, 0.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_scales_result(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x2x3xf32> {
  // floor(5 * 0.5) = 2.
  // expected-error @+1 {{'dyad.resize' op result dim 3 is 3 but 2 was expected}}
  %0 = dyad.resize %x {scales = array<f32: 1.0, 1.0, 0.5, 0.5>} : (tensor<1x1x5x5xf32>) -> tensor<1x1x2x3xf32>
  return %0 : tensor<1x1x2x3xf32>
}

// -----

func.func @resize_sizes_count(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'dyad.resize' op sizes needs 4 values}}
  %0 = dyad.resize %x {sizes = array<i64: 4, 4>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_sizes_result(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'dyad.resize' op result dim 2 is 4 but 3 was expected}}
  %0 = dyad.resize %x {sizes = array<i64: 1, 1, 3, 4>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
