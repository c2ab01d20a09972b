// RUN: dyad-opt %s --dyad-integerize --canonicalize -split-input-file | FileCheck %s --check-prefix=KEEP
// RUN: dyad-opt %s --dyad-integerize=float-roundtrips=false --canonicalize -split-input-file | FileCheck %s --check-prefix=DROP

// Two float fallbacks in a row (a cubic Resize, then Floor: no integer
// form). The
// quantize/dequantize between them rounds the resized value to its
// calibrated grid although only float code reads it. A QDQ model's pair is
// its semantics and stays (the default); a calibrated graph's pair
// (`dyadc --quantize --calibrate` runs float-roundtrips=false) is dropped:
// Floor reads the resized floats. (M-LSD: Resize -> Slice -> Sigmoid
// requantized the score logits at the scale of the 16-channel tensor they
// were sliced from, step 1.08, and the peak test found 2589 centres for
// onnxruntime's 317; Sigmoid has an integer form, a table, since.)
// KEEP-LABEL: func.func @chain(
// KEEP:         %[[R:.*]] = dyad.resize
// KEEP-NEXT:    %[[RQ:.*]] = dyad.quantize %[[R]] {{.*}} to tensor<1x2x8x8x!quant.uniform<i8:f32, 2.000000e+00:1>>
// KEEP-NEXT:    %[[RD:.*]] = dyad.dequantize %[[RQ]]
// KEEP-NEXT:    %[[S:.*]] = dyad.floor %[[RD]]
// KEEP-NEXT:    %[[SQ:.*]] = dyad.quantize %[[S]]
// KEEP-NEXT:    return %[[SQ]]
// DROP-LABEL: func.func @chain(
// DROP:         %[[R:.*]] = dyad.resize
// DROP-NEXT:    %[[S:.*]] = dyad.floor %[[R]]
// DROP-NEXT:    %[[SQ:.*]] = dyad.quantize %[[S]] {{.*}} to tensor<1x2x8x8x!quant.uniform<i8:f32, 3.906250e-03:-128>>
// DROP-NEXT:    return %[[SQ]]
// DROP-NOT:     dyad.dequantize
!q = !quant.uniform<i8:f32, 0.5:-3>
!qr = !quant.uniform<i8:f32, 2.0:1>
!qs = !quant.uniform<i8:f32, 0.00390625:-128>
func.func @chain(%x: tensor<1x2x4x4x!q>) -> tensor<1x2x8x8x!qs> {
  %xf = dyad.dequantize %x : tensor<1x2x4x4x!q> to tensor<1x2x4x4xf32>
  %r = dyad.resize %xf {mode = #dyad.resize_mode<cubic>, nearest_mode = #dyad.nearest_mode<floor>, sizes = array<i64: 1, 2, 8, 8>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  %rq = dyad.quantize %r : tensor<1x2x8x8xf32> to tensor<1x2x8x8x!qr>
  %rd = dyad.dequantize %rq : tensor<1x2x8x8x!qr> to tensor<1x2x8x8xf32>
  %s = dyad.floor %rd : tensor<1x2x8x8xf32>
  %sq = dyad.quantize %s : tensor<1x2x8x8xf32> to tensor<1x2x8x8x!qs>
  return %sq : tensor<1x2x8x8x!qs>
}

// -----

// The same pair where an integer op also reads the integers (a Relu,
// requantized with its clamp): the quantize stays in both modes, and so
// does the dequantize that feeds the float Sigmoid.
// KEEP-LABEL: func.func @shared(
// KEEP:         dyad.resize
// KEEP-NEXT:    dyad.quantize
// KEEP:         dyad.dequantize
// KEEP:         dyad.sigmoid
// KEEP-NOT:     dyad.relu
// DROP-LABEL: func.func @shared(
// DROP:         %[[R:.*]] = dyad.resize
// DROP-NEXT:    %[[RQ:.*]] = dyad.quantize %[[R]]
// DROP-DAG:     %[[RD:.*]] = dyad.dequantize %[[RQ]]
// DROP-DAG:     dyad.sigmoid %[[RD]]
// DROP-NOT:     dyad.relu
!q = !quant.uniform<i8:f32, 0.5:-3>
!qr = !quant.uniform<i8:f32, 2.0:1>
func.func @shared(%x: tensor<1x2x4x4x!q>) -> (tensor<1x2x8x8xf32>, tensor<1x2x8x8x!qr>) {
  %xf = dyad.dequantize %x : tensor<1x2x4x4x!q> to tensor<1x2x4x4xf32>
  %r = dyad.resize %xf {mode = #dyad.resize_mode<cubic>, nearest_mode = #dyad.nearest_mode<floor>, sizes = array<i64: 1, 2, 8, 8>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  %rq = dyad.quantize %r : tensor<1x2x8x8xf32> to tensor<1x2x8x8x!qr>
  %rd = dyad.dequantize %rq : tensor<1x2x8x8x!qr> to tensor<1x2x8x8xf32>
  %s = dyad.sigmoid %rd : tensor<1x2x8x8xf32>
  %m = dyad.relu %rd : tensor<1x2x8x8xf32>
  %mq = dyad.quantize %m : tensor<1x2x8x8xf32> to tensor<1x2x8x8x!qr>
  return %s, %mq : tensor<1x2x8x8xf32>, tensor<1x2x8x8x!qr>
}

// -----

// Ops that move values of a float result (a Slice and a Transpose after a
// cubic Resize) move them in float: the quantize after them has their own
// range (dyad-quantize gives them one), and the integers of the Resize's
// quantize are read by nobody (M-LSD: a Slice of the score channel out of
// a 16-channel Resize kept the whole tensor's step, 0.76, on logits, while
// its linear Resize had no integer form).
// KEEP-LABEL: func.func @moved(
// KEEP:         dyad.resize
// KEEP:         dyad.slice {{.*}}f32>
// KEEP:         dyad.transpose {{.*}}f32>
// KEEP:         dyad.quantize {{.*}} to tensor<1x8x8x1x!quant.uniform<i8:f32, 1.250000e-01:5>>
// DROP-LABEL: func.func @moved(
// DROP:         %[[R:.*]] = dyad.resize
// DROP:         %[[S:.*]] = dyad.slice %[[R]]
// DROP-NEXT:    %[[T:.*]] = dyad.transpose %[[S]]
// DROP-NEXT:    %[[Q:.*]] = dyad.quantize %[[T]] {{.*}} to tensor<1x8x8x1x!quant.uniform<i8:f32, 1.250000e-01:5>>
// DROP-NEXT:    return %[[Q]]
!q = !quant.uniform<i8:f32, 0.5:-3>
!qr = !quant.uniform<i8:f32, 2.0:1>
!qs = !quant.uniform<i8:f32, 0.125:5>
func.func @moved(%x: tensor<1x2x4x4x!q>) -> tensor<1x8x8x1x!qs> {
  %xf = dyad.dequantize %x : tensor<1x2x4x4x!q> to tensor<1x2x4x4xf32>
  %r = dyad.resize %xf {mode = #dyad.resize_mode<cubic>, nearest_mode = #dyad.nearest_mode<floor>, sizes = array<i64: 1, 2, 8, 8>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  %rq = dyad.quantize %r : tensor<1x2x8x8xf32> to tensor<1x2x8x8x!qr>
  %rd = dyad.dequantize %rq : tensor<1x2x8x8x!qr> to tensor<1x2x8x8xf32>
  %s0 = arith.constant dense<[0]> : tensor<1xi64>
  %e0 = arith.constant dense<[1]> : tensor<1xi64>
  %a0 = arith.constant dense<[1]> : tensor<1xi64>
  %st = arith.constant dense<[1]> : tensor<1xi64>
  %s = dyad.slice %rd, %s0, %e0, %a0, %st : (tensor<1x2x8x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x1x8x8xf32>
  %sq = dyad.quantize %s : tensor<1x1x8x8xf32> to tensor<1x1x8x8x!qs>
  %sd = dyad.dequantize %sq : tensor<1x1x8x8x!qs> to tensor<1x1x8x8xf32>
  %t = dyad.transpose %sd {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x1x8x8xf32>) -> tensor<1x8x8x1xf32>
  %tq = dyad.quantize %t : tensor<1x8x8x1xf32> to tensor<1x8x8x1x!qs>
  return %tq : tensor<1x8x8x1x!qs>
}
