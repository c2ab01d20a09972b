// RUN: dyad-opt %s --dyad-verify-integer-only -split-input-file -verify-diagnostics
// Without -verify-diagnostics (dyad-opt still reads the expected-* lines of
// its input, so they are renamed in a copy; the line numbers stay):
// RUN: sed -e 's/expected-error/was-error/' %s > %t.mlir
// RUN: dyad-opt %t.mlir --dyad-verify-integer-only=allow-float-ops=1 -split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=ALLOW --implicit-check-not=error: --implicit-check-not=warning:
// RUN: not dyad-opt %t.mlir --dyad-verify-integer-only -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=EXIT --implicit-check-not=warning:

// dyad-verify-integer-only: a float op downstream of a dyad.dequantize and
// upstream of a dyad.quantize is an error at the op (its ONNX node), with
// the reason integerize recorded when there is one; allow-float-ops turns
// each into a warning. Float ops before the first quantize or after the
// last dequantize are the model's pre/post-processing and are allowed.

func.func @float_op(%x: tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.25:0>> {
  %xf = dyad.dequantize %x : tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4xf32>
  // The op's location is its ONNX node (a NameLoc without a file position).
  // expected-error @unknown {{'dyad.softmax' computes in float inside the quantized region; pass --allow-float-ops to keep it as a float fallback}}
  %s = dyad.softmax %xf : tensor<1x4xf32> loc("softmax_node")
  %q = dyad.quantize %s : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.25:0>>
  return %q : tensor<1x4x!quant.uniform<i8:f32, 0.25:0>>
}
// EXIT: error: loc("softmax_node"): 'dyad.softmax' computes in float inside the quantized region; pass --allow-float-ops to keep it as a float fallback
// ALLOW: warning: loc("softmax_node"): 'dyad.softmax' computes in float inside the quantized region; kept as a float fallback (--allow-float-ops)

// -----

// The reason integerize left on the op is part of the message.
func.func @float_op_with_reason(%a: tensor<2x3x!quant.uniform<i8:f32, 0.25:0>>, %b: tensor<3x2x!quant.uniform<i8:f32, 0.5:0>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.1:0>> {
  %af = dyad.dequantize %a : tensor<2x3x!quant.uniform<i8:f32, 0.25:0>> to tensor<2x3xf32>
  %bf = dyad.dequantize %b : tensor<3x2x!quant.uniform<i8:f32, 0.5:0>> to tensor<3x2xf32>
  // expected-error @+1 {{'dyad.gemm' computes in float inside the quantized region (gemm needs constant quantized weights); pass --allow-float-ops to keep it as a float fallback}}
  %g = dyad.gemm %af, %bf {dyad.float_reason = "gemm needs constant quantized weights"} : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %q = dyad.quantize %g : tensor<2x2xf32> to tensor<2x2x!quant.uniform<i8:f32, 0.1:0>>
  return %q : tensor<2x2x!quant.uniform<i8:f32, 0.1:0>>
}
// EXIT: .mlir:[[@LINE-4]]:8: error: 'dyad.gemm' computes in float inside the quantized region (gemm needs constant quantized weights); pass --allow-float-ops to keep it as a float fallback
// ALLOW: .mlir:[[@LINE-5]]:8: warning: 'dyad.gemm' computes in float inside the quantized region (gemm needs constant quantized weights); kept as a float fallback (--allow-float-ops)

// -----

// Every float op of the chain is reported, not only the one next to the
// quantize; the float constant feeding the mul is not downstream of a
// dequantize.
func.func @float_chain(%x: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<4x!quant.uniform<i8:f32, 0.25:0>> {
  %c = arith.constant dense<2.0> : tensor<4xf32>
  %xf = dyad.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<4xf32>
  // expected-error @+1 {{'dyad.exp' computes in float inside the quantized region}}
  %e = dyad.exp %xf : tensor<4xf32>
  // expected-error @+1 {{'dyad.mul' computes in float inside the quantized region}}
  %m = dyad.mul %e, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q = dyad.quantize %m : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.25:0>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.25:0>>
}
// EXIT: .mlir:[[@LINE-6]]:8: error: 'dyad.exp'
// EXIT: .mlir:[[@LINE-5]]:8: error: 'dyad.mul'
// ALLOW: .mlir:[[@LINE-8]]:8: warning: 'dyad.exp' computes in float inside the quantized region; kept as a float fallback (--allow-float-ops)
// ALLOW: .mlir:[[@LINE-7]]:8: warning: 'dyad.mul' computes in float inside the quantized region; kept as a float fallback (--allow-float-ops)

// -----

// Clean: float pre-processing before the input quantize, an integer region
// (requant, i32 add), float post-processing after the output dequantize.
func.func @clean(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %c = arith.constant dense<0.5> : tensor<1x4xf32>
  %pre = dyad.mul %x, %c : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %q = dyad.quantize %pre : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>
  %i = quant.scast %q : tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4xi8>
  %w = dyad.requant %i {input_zp = -3 : i64, multiplier = array<i32: 1073741824>, shift = array<i32: 30>, clamp_min = -2147483648 : i64, clamp_max = 2147483647 : i64} : tensor<1x4xi8> to tensor<1x4xi32>
  %s = dyad.add %w, %w : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
  %o = dyad.requant %s {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : tensor<1x4xi32> to tensor<1x4xi8>
  %oq = quant.scast %o : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.5:0>>
  %d = dyad.dequantize %oq : tensor<1x4x!quant.uniform<i8:f32, 0.5:0>> to tensor<1x4xf32>
  %post = dyad.softmax %d : tensor<1x4xf32>
  return %post : tensor<1x4xf32>
}

// -----

// Clean: a float branch that leaves the region (dequantize -> float op ->
// return) next to an integer path; and a float op fed by a graph input that
// reaches a quantize without a dequantize before it.
func.func @clean_side_outputs(%x: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.5:-3>>, tensor<4x!quant.uniform<i8:f32, 0.25:0>>) {
  %xf = dyad.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<4xf32>
  %e = dyad.exp %xf : tensor<4xf32>
  %ye = dyad.exp %y : tensor<4xf32>
  %yq = dyad.quantize %ye : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.25:0>>
  return %e, %x, %yq : tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.5:-3>>, tensor<4x!quant.uniform<i8:f32, 0.25:0>>
}

// -----

// A Shape of a dequantized value inside the region reads only its dims: not
// float arithmetic, no diagnostic.
!qs = !quant.uniform<i8:f32, 0.5:-3>
func.func @shape_of_dequantized(%x: tensor<?x4x!qs>) -> tensor<?x4x!qs> {
  %xf = dyad.dequantize %x : tensor<?x4x!qs> to tensor<?x4xf32>
  %s = dyad.shape %xf : (tensor<?x4xf32>) -> tensor<2xi64>
  %i = quant.scast %x : tensor<?x4x!qs> to tensor<?x4xi8>
  %r = dyad.reshape %i, %s : (tensor<?x4xi8>, tensor<2xi64>) -> tensor<?x4xi8>
  %rq = quant.scast %r : tensor<?x4xi8> to tensor<?x4x!qs>
  %rf = dyad.dequantize %rq : tensor<?x4x!qs> to tensor<?x4xf32>
  %q = dyad.quantize %rf : tensor<?x4xf32> to tensor<?x4x!qs>
  return %q : tensor<?x4x!qs>
}
