// RUN: dyad-opt %s --dyad-integerize --canonicalize -split-input-file | FileCheck %s

// dyad-integerize on the nonlinear chains (docs/numerics.md): functions of
// one activation become dyad.lookup, a table of the quantized results at
// each input value; products, means, Softmax and LayerNorm compute on the
// integers.

// Sigmoid: 256 entries from x = (q + 3) * 0.5, q = -128...: sigmoid(-62.5)
// quantizes to -128, sigmoid(0) = 0.5 to 0 (at 2^-8, zp -128), sigmoid(63.5)
// to 127 (clamped from 128).
// CHECK-LABEL: func.func @sigmoid(
// CHECK:         %[[I:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[L:.*]] = dyad.lookup %[[I]] {offset = -128 : i64, table = array<i32: -128, {{.*}}, 127>} : tensor<2x4xi8> to tensor<2x4xi8>
// CHECK-NEXT:    quant.scast %[[L]]
// CHECK-NOT:     dyad.sigmoid
!q = !quant.uniform<i8:f32, 0.5:-3>
!qs = !quant.uniform<i8:f32, 0.00390625:-128>
func.func @sigmoid(%x: tensor<2x4x!q>) -> tensor<2x4x!qs> {
  %xf = dyad.dequantize %x : tensor<2x4x!q> to tensor<2x4xf32>
  %s = dyad.sigmoid %xf : tensor<2x4xf32>
  %q = dyad.quantize %s : tensor<2x4xf32> to tensor<2x4x!qs>
  return %q : tensor<2x4x!qs>
}

// -----

// Two activations: the centered integers multiply in i32, then one requant
// by 0.5 * 0.25 / 2 = 2^-4 (b = 2^30, c = 34).
// CHECK-LABEL: func.func @product(
// CHECK-DAG:     %[[ZB:.*]] = arith.constant dense<4> : tensor<i32>
// CHECK-DAG:     %[[ZA:.*]] = arith.constant dense<-3> : tensor<i32>
// CHECK:         %[[A:.*]] = dyad.cast %{{.*}} : tensor<2x4xi8> to tensor<2x4xi32>
// CHECK-NEXT:    %[[AC:.*]] = dyad.sub %[[A]], %[[ZA]]
// CHECK-NEXT:    %[[B:.*]] = dyad.cast %{{.*}} : tensor<2x4xi8> to tensor<2x4xi32>
// CHECK-NEXT:    %[[BC:.*]] = dyad.sub %[[B]], %[[ZB]]
// CHECK-NEXT:    %[[P:.*]] = dyad.mul %[[AC]], %[[BC]] : (tensor<2x4xi32>, tensor<2x4xi32>) -> tensor<2x4xi32>
// CHECK-NEXT:    dyad.requant %[[P]] {clamp_max = 127 : i64, clamp_min = -128 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: 34>}
!q = !quant.uniform<i8:f32, 0.5:-3>
!qb = !quant.uniform<i8:f32, 0.25:4>
!qo = !quant.uniform<i8:f32, 2.0:0>
func.func @product(%a: tensor<2x4x!q>, %b: tensor<2x4x!qb>) -> tensor<2x4x!qo> {
  %af = dyad.dequantize %a : tensor<2x4x!q> to tensor<2x4xf32>
  %bf = dyad.dequantize %b : tensor<2x4x!qb> to tensor<2x4xf32>
  %m = dyad.mul %af, %bf : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %q = dyad.quantize %m : tensor<2x4xf32> to tensor<2x4x!qo>
  return %q : tensor<2x4x!qo>
}

// -----

// GELU as torch exports it (Div, Erf, Add, Mul, Mul; the inner values
// unquantized, as dyad-quantize leaves them): ONE table of
// 0.5 x (1 + erf(x / sqrt 2)) at x = (q + 3) * 0.5, at 0.25 / zp 1: gelu(-62.5)
// = 0 -> 1, gelu(63.5) -> 127 (clamped).
// CHECK-LABEL: func.func @gelu(
// CHECK:         %[[I:.*]] = quant.scast %arg0
// CHECK-NEXT:    %[[L:.*]] = dyad.lookup %[[I]] {offset = -128 : i64, table = array<i32: 1, 1, {{.*}}, 127, 127>}
// CHECK-NEXT:    quant.scast %[[L]]
// CHECK-NOT:     dyad.erf
// CHECK-NOT:     dyad.mul
!q = !quant.uniform<i8:f32, 0.5:-3>
!qo = !quant.uniform<i8:f32, 0.25:1>
func.func @gelu(%x: tensor<2x4x!q>) -> tensor<2x4x!qo> {
  %xf = dyad.dequantize %x : tensor<2x4x!q> to tensor<2x4xf32>
  %c = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %d = dyad.div %xf, %c : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %e = dyad.erf %d : tensor<2x4xf32>
  %a = dyad.add %e, %one : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %m = dyad.mul %xf, %a : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %h = dyad.mul %m, %half : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %q = dyad.quantize %h : tensor<2x4xf32> to tensor<2x4x!qo>
  return %q : tensor<2x4x!qo>
}

// -----

// ReduceMean over 16: an i32 sum, K * Z_in = -48 and 1/K in the requant
// (0.5 / (0.125 * 16) = 2^-2: b = 2^30, c = 32).
// CHECK-LABEL: func.func @reduce_mean(
// CHECK:         %[[W:.*]] = dyad.cast %{{.*}} : tensor<?x16xi8> to tensor<?x16xi32>
// CHECK-NEXT:    %[[S:.*]] = dyad.reduce_sum %[[W]] {axes = array<i64: -1>} : (tensor<?x16xi32>) -> tensor<?x1xi32>
// CHECK-NEXT:    dyad.requant %[[S]] {clamp_max = 127 : i64, clamp_min = -128 : i64, input_zp = -48 : i64, multiplier = array<i32: 1073741824>, output_zp = 2 : i64, shift = array<i32: 32>}
!q = !quant.uniform<i8:f32, 0.5:-3>
!qo = !quant.uniform<i8:f32, 0.125:2>
func.func @reduce_mean(%x: tensor<?x16x!q>) -> tensor<?x1x!qo> {
  %xf = dyad.dequantize %x : tensor<?x16x!q> to tensor<?x16xf32>
  %r = dyad.reduce_mean %xf {axes = array<i64: -1>} : (tensor<?x16xf32>) -> tensor<?x1xf32>
  %q = dyad.quantize %r : tensor<?x1xf32> to tensor<?x1x!qo>
  return %q : tensor<?x1x!qo>
}

// -----

// LayerNormalization over C = 4 (Q = 255): k = 20 (C^2 Q^2 4^k < 2^61),
// epsilon 1e-5 * C^2 / S_in^2 * 4^k = 703687424, F = 16; max |gamma| / S_out
// = 32 gives H = 25: scale = gamma / 0.0625 * 2^25 (1 -> 2^29), bias =
// beta / 0.0625 * 2^41 (0.25 -> 2^43, 1 -> 2^45), out_shift 41.
// CHECK-LABEL: func.func @layer_norm(
// CHECK:         dyad.int_layer_norm %{{.*}} {axis = 1 : i64, bias = array<i64: 0, 8796093022208, 0, 35184372088832>, epsilon = 703687424 : i64, frac_bits = 16 : i64, input_zp = -3 : i64, out_shift = 41 : i64, output_zp = -1 : i64, scale = array<i64: 536870912, 1073741824, -268435456, 0>, sqrt_shift = 20 : i64} : tensor<?x4xi8> to tensor<?x4xi8>
!q = !quant.uniform<i8:f32, 0.5:-3>
!qo = !quant.uniform<i8:f32, 0.0625:-1>
func.func @layer_norm(%x: tensor<?x4x!q>) -> tensor<?x4x!qo> {
  %xf = dyad.dequantize %x : tensor<?x4x!q> to tensor<?x4xf32>
  %g = arith.constant dense<[1.0, 2.0, -0.5, 0.0]> : tensor<4xf32>
  %b = arith.constant dense<[0.0, 0.25, 0.0, 1.0]> : tensor<4xf32>
  %y = dyad.layer_normalization %xf, %g, %b {epsilon = 1.0e-5 : f32, resultSegmentSizes = array<i32: 1, 0, 0>} : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %q = dyad.quantize %y : tensor<?x4xf32> to tensor<?x4x!qo>
  return %q : tensor<?x4x!qo>
}

// -----

// A Div of two activations has no integer form: it stays float, with the
// reason for dyad-verify-integer-only.
// CHECK-LABEL: func.func @div_activations(
// CHECK:         dyad.div %{{.*}}, %{{.*}} {dyad.float_reason = "'dyad.div' of two activations (or of a constant with more than one value)"}
!q = !quant.uniform<i8:f32, 0.5:-3>
!qo = !quant.uniform<i8:f32, 0.25:1>
func.func @div_activations(%a: tensor<4x!q>, %b: tensor<4x!q>) -> tensor<4x!qo> {
  %af = dyad.dequantize %a : tensor<4x!q> to tensor<4xf32>
  %bf = dyad.dequantize %b : tensor<4x!q> to tensor<4xf32>
  %d = dyad.div %af, %bf : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = dyad.quantize %d : tensor<4xf32> to tensor<4x!qo>
  return %q : tensor<4x!qo>
}

// -----

// Slice and Gather select values: they work on the integers and their
// results keep the input's parameters (no requant). The Shape of the
// dequantized value reads only its dims (not float arithmetic).
// CHECK-LABEL: func.func @select(
// CHECK:         %[[I:.*]] = quant.scast %arg0
// CHECK:         %[[S:.*]] = dyad.slice %[[I]], {{.*}} -> tensor<2x2xi8>
// CHECK:         %[[G:.*]] = dyad.gather %[[S]], {{.*}} -> tensor<2xi8>
// CHECK-NOT:     dyad.requant
// CHECK:         quant.scast %[[G]]
!q = !quant.uniform<i8:f32, 0.5:-3>
func.func @select(%x: tensor<2x4x!q>) -> (tensor<2x!q>, tensor<2xi64>) {
  %xf = dyad.dequantize %x : tensor<2x4x!q> to tensor<2x4xf32>
  %s0 = arith.constant dense<[1]> : tensor<1xi64>
  %e0 = arith.constant dense<[3]> : tensor<1xi64>
  %a0 = arith.constant dense<[1]> : tensor<1xi64>
  %st = arith.constant dense<[1]> : tensor<1xi64>
  %s = dyad.slice %xf, %s0, %e0, %a0, %st : (tensor<2x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x2xf32>
  %sq = dyad.quantize %s : tensor<2x2xf32> to tensor<2x2x!q>
  %sd = dyad.dequantize %sq : tensor<2x2x!q> to tensor<2x2xf32>
  %i = arith.constant dense<0> : tensor<i64>
  %g = dyad.gather %sd, %i {axis = 1 : i64} : (tensor<2x2xf32>, tensor<i64>) -> tensor<2xf32>
  %gq = dyad.quantize %g : tensor<2xf32> to tensor<2x!q>
  %shape = dyad.shape %sd : (tensor<2x2xf32>) -> tensor<2xi64>
  return %gq, %shape : tensor<2x!q>, tensor<2xi64>
}

// -----

// GlobalAveragePool over a width known only at run time: the sum of
// x - Z_in, times 2^16, divided (rounding half away from zero) by the
// product of the spatial dims read with dyad.shape (at least 1: an empty
// width divides by 1), then one requant by
// S_in / (2^16 S_out) = 0.5 / (65536 * 0.25) = 2^-15 (b = 2^30, c = 45).
// CHECK-LABEL: func.func @gap_dynamic_width(
// CHECK:         %[[C:.*]] = dyad.cast %{{.*}} : tensor<?x8x4x?xi8> to tensor<?x8x4x?xi32>
// CHECK:         %[[X:.*]] = dyad.sub %[[C]]
// CHECK:         %[[S:.*]] = dyad.reduce_sum %[[X]] {axes = array<i64: 2, 3>} : (tensor<?x8x4x?xi32>) -> tensor<?x8x1x1xi32>
// CHECK:         %[[W:.*]] = dyad.cast %[[S]] : tensor<?x8x1x1xi32> to tensor<?x8x1x1xi64>
// CHECK:         %[[A:.*]] = dyad.mul %[[W]]
// CHECK:         %[[D:.*]] = dyad.shape %{{.*}} {start = 2 : i64} : (tensor<?x8x4x?xi8>) -> tensor<2xi64>
// CHECK:         %[[P:.*]] = dyad.reduce_prod %[[D]] {axes = array<i64: 0>, keepdims = false} : (tensor<2xi64>) -> tensor<i64>
// CHECK:         %[[K:.*]] = dyad.max %[[P]], %{{.*}} : (tensor<i64>, tensor<i64>) -> tensor<i64>
// CHECK:         %[[H:.*]] = dyad.div %[[K]]
// CHECK:         dyad.greater_or_equal %[[A]]
// CHECK:         dyad.where
// CHECK:         %[[M:.*]] = dyad.div %{{.*}}, %[[K]] : (tensor<?x8x1x1xi64>, tensor<i64>) -> tensor<?x8x1x1xi64>
// CHECK:         %[[N:.*]] = dyad.cast %[[M]] : tensor<?x8x1x1xi64> to tensor<?x8x1x1xi32>
// CHECK:         dyad.requant %[[N]] {{{.*}}multiplier = array<i32: 1073741824>{{.*}}shift = array<i32: 45>}
!q = !quant.uniform<i8:f32, 0.5:-3>
!qo = !quant.uniform<i8:f32, 0.25:1>
func.func @gap_dynamic_width(%x: tensor<?x8x4x?x!q>) -> tensor<?x8x1x1x!qo> {
  %xf = dyad.dequantize %x : tensor<?x8x4x?x!q> to tensor<?x8x4x?xf32>
  %g = dyad.global_average_pool %xf : (tensor<?x8x4x?xf32>) -> tensor<?x8x1x1xf32>
  %q = dyad.quantize %g : tensor<?x8x1x1xf32> to tensor<?x8x1x1x!qo>
  return %q : tensor<?x8x1x1x!qo>
}
