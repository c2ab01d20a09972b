// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// dyad.requant of an i64 accumulator (a layer wider than 8 bits, accumulated
// in i64 by dyad-integerize) computes the same formula in i128, where
// (x - input_zp) * b cannot overflow: |x| < 2^63, b < 2^31. Negative
// constants are sign-extended to 128 bits (a zero-extended -32768 clamp
// would saturate every output).

// CHECK-LABEL: func.func @rq(
// CHECK: ^bb0(%[[IN:.*]]: i64, %{{.*}}: i16):
// CHECK: %[[X:.*]] = arith.extsi %[[IN]] : i64 to i128
// CHECK: %[[V:.*]] = arith.subi %[[X]], %{{.*}} : i128
// CHECK: arith.muli %[[V]], %{{.*}} : i128
// CHECK: arith.shrsi %{{.*}} : i128
// CHECK: arith.constant -5 : i128
// CHECK: arith.constant -32768 : i128
// CHECK: arith.trunci %{{.*}} : i128 to i16

// Per channel: the multipliers and shifts stay i64 constants, widened in
// the body.
// CHECK-LABEL: func.func @rqc(
// CHECK: ^bb0(%{{.*}}: i64, %[[B:.*]]: i64, %[[C:.*]]: i64, %{{.*}}: i16):
// CHECK: arith.extsi %[[B]] : i64 to i128
// CHECK: arith.extsi %[[C]] : i64 to i128

// M = 2^30 / 2^40 = 2^-10, input_zp 3, output_zp -5: v = 0 -> -5;
// 1024000 -> 1000 - 5; -1536 -> -1.5 -> -2 (half away from zero) - 5;
// 512 -> 0.5 -> 1 - 5; 2^34 (beyond i32) -> 2^24, saturates; 30720000 ->
// 30000 - 5; -2^40 saturates low.
// EXEC: [-5,  995,  -7,  -4,  32767,  29995,  -32768]
// Per channel along axis 1: column 0 M = 2^-10 (2^20 -> 1024, -5 * 2^20 ->
// -5120), column 1 M = 1500000000 / 2^38 (+-10^6 -> +-5456.97 -> +-5457).
// EXEC: {{\[\[}}1024,   5457],
// EXEC-NEXT: [-5120,   -5457]]

func.func private @printMemrefI32(tensor<*xi32>)
func.func @rq(%x: tensor<?xi64>) -> tensor<?xi16> {
  %y = dyad.requant %x {multiplier = array<i32: 1073741824>, shift = array<i32: 40>, input_zp = 3, output_zp = -5} : tensor<?xi64> to tensor<?xi16>
  return %y : tensor<?xi16>
}
func.func @rqc(%x: tensor<2x2xi64>) -> tensor<2x2xi16> {
  %y = dyad.requant %x {multiplier = array<i32: 1073741824, 1500000000>, shift = array<i32: 40, 38>, axis = 1} : tensor<2x2xi64> to tensor<2x2xi16>
  return %y : tensor<2x2xi16>
}
func.func @main() {
  %a0 = arith.constant dense<[3, 1024003, -1533, 515, 17179869187, 30720003, -1099511627773]> : tensor<7xi64>
  %c0 = tensor.cast %a0 : tensor<7xi64> to tensor<?xi64>
  %r0 = call @rq(%c0) : (tensor<?xi64>) -> tensor<?xi16>
  %e0 = tensor.empty() : tensor<7xi32>
  %r0s = tensor.cast %r0 : tensor<?xi16> to tensor<7xi16>
  %w0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r0s : tensor<7xi16>) outs(%e0 : tensor<7xi32>) {
  ^bb0(%in: i16, %out: i32):
    %x = arith.extsi %in : i16 to i32
    linalg.yield %x : i32
  } -> tensor<7xi32>
  %u0 = tensor.cast %w0 : tensor<7xi32> to tensor<*xi32>
  call @printMemrefI32(%u0) : (tensor<*xi32>) -> ()
  %a1 = arith.constant dense<[[1048576, 1000000], [-5242880, -1000000]]> : tensor<2x2xi64>
  %r1 = call @rqc(%a1) : (tensor<2x2xi64>) -> tensor<2x2xi16>
  %e1 = tensor.empty() : tensor<2x2xi32>
  %w1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r1 : tensor<2x2xi16>) outs(%e1 : tensor<2x2xi32>) {
  ^bb0(%in: i16, %out: i32):
    %x = arith.extsi %in : i16 to i32
    linalg.yield %x : i32
  } -> tensor<2x2xi32>
  %u1 = tensor.cast %w1 : tensor<2x2xi32> to tensor<*xi32>
  call @printMemrefI32(%u1) : (tensor<*xi32>) -> ()
  return
}
