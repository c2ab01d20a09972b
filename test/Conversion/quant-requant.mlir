// RUN: dyad-opt %s --dyad-to-linalg | FileCheck %s
// RUN: dyad-opt %s --dyad-lower-cpu | mlir-runner -e main -entry-point-result=void -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so | FileCheck %s --check-prefix=EXEC

// dyad.requant: in i64, v = x - input_zp, p = v * b,
// r = (p + 2^(c-1) - (p < 0)) >> c (one rounding, half away from zero; not
// TFLite's double rounding), then + output_zp, clamp and truncate.

// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[AX1:.*]] = affine_map<(d0, d1) -> (d1)>

// Per tensor: b and c are constants.
// CHECK-LABEL: func.func @per_tensor(
// CHECK: linalg.generic
// CHECK: ^bb0(%[[IN:.*]]: i32, %{{.*}}: i8):
// CHECK: %[[X:.*]] = arith.extsi %[[IN]] : i32 to i64
// CHECK: %[[IZP:.*]] = arith.constant 3 : i64
// CHECK: %[[V:.*]] = arith.subi %[[X]], %[[IZP]] : i64
// CHECK: %[[B:.*]] = arith.constant 1073741824 : i64
// CHECK: %[[C:.*]] = arith.constant 31 : i64
// CHECK: %[[P:.*]] = arith.muli %[[V]], %[[B]] : i64
// CHECK: %[[CMIN:.*]] = arith.minsi %[[C]], %{{.*}} : i64
// CHECK: %[[CC:.*]] = arith.maxsi %[[CMIN]], %{{.*}} : i64
// CHECK: %[[CM1:.*]] = arith.subi %[[CC]], %{{.*}} : i64
// CHECK: %[[HALF:.*]] = arith.shli %{{.*}}, %[[CM1]] : i64
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[P]], %{{.*}} : i64
// CHECK: %[[NEG64:.*]] = arith.extui %[[NEG]] : i1 to i64
// CHECK: %[[RND:.*]] = arith.subi %[[HALF]], %[[NEG64]] : i64
// CHECK: %[[SUM:.*]] = arith.addi %[[P]], %[[RND]] : i64
// CHECK: %[[R:.*]] = arith.shrsi %[[SUM]], %[[CC]] : i64
// CHECK: %[[OZP:.*]] = arith.constant -5 : i64
// CHECK: %[[Y:.*]] = arith.addi %[[R]], %[[OZP]] : i64
// CHECK: %[[LO:.*]] = arith.constant -128 : i64
// CHECK: %[[MX:.*]] = arith.maxsi %[[Y]], %[[LO]] : i64
// CHECK: %[[HI:.*]] = arith.constant 127 : i64
// CHECK: %[[MN:.*]] = arith.minsi %[[MX]], %[[HI]] : i64
// CHECK: %[[T:.*]] = arith.trunci %[[MN]] : i64 to i8
// CHECK: linalg.yield %[[T]] : i8
func.func @per_tensor(%x: tensor<?xi32>) -> tensor<?xi8> {
  %y = dyad.requant %x {multiplier = array<i32: 1073741824>, shift = array<i32: 31>, input_zp = 3, output_zp = -5} : tensor<?xi32> to tensor<?xi8>
  return %y : tensor<?xi8>
}

// Per channel, every shift in [1, 62], where the 32-bit form (below) does not
// apply (an i32 input whose v = x - input_zp may not fit in i32): b an i32
// vector (sign-extended in the body: one 32x32->64 multiply), c and the
// rounding term 2^(c-1) i64 vectors, all read along the axis; clamped to
// [0, 255].
// CHECK-LABEL: func.func @per_channel_i64(
// CHECK-DAG: %[[BV:.*]] = arith.constant dense<[1500000000, 1073741824]> : tensor<2xi32>
// CHECK-DAG: %[[CV:.*]] = arith.constant dense<[31, 33]> : tensor<2xi64>
// CHECK-DAG: %[[HV:.*]] = arith.constant dense<[1073741824, 4294967296]> : tensor<2xi64>
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[AX1]], #[[AX1]], #[[AX1]], #[[ID2]]]{{.*}} ins(%{{.*}}, %[[BV]], %[[CV]], %[[HV]] : tensor<4x2xi32>, tensor<2xi32>, tensor<2xi64>, tensor<2xi64>)
// CHECK: ^bb0(%[[IN:.*]]: i32, %[[B:.*]]: i32, %[[C:.*]]: i64, %[[H:.*]]: i64, %{{.*}}: i8):
// CHECK: %[[X:.*]] = arith.extsi %[[IN]] : i32 to i64
// CHECK: %[[V:.*]] = arith.subi %[[X]], %{{.*}} : i64
// CHECK: %[[B64:.*]] = arith.extsi %[[B]] : i32 to i64
// CHECK: %[[P:.*]] = arith.muli %[[V]], %[[B64]] : i64
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[P]], %{{.*}} : i64
// CHECK: %[[NEG64:.*]] = arith.extui %[[NEG]] : i1 to i64
// CHECK: %[[RND:.*]] = arith.subi %[[H]], %[[NEG64]] : i64
// CHECK: %[[SUM:.*]] = arith.addi %[[P]], %[[RND]] : i64
// CHECK: %[[SH:.*]] = arith.shrsi %[[SUM]], %[[C]] : i64
// CHECK: %[[Y:.*]] = arith.addi %[[SH]], %{{.*}} : i64
// CHECK: %[[LO:.*]] = arith.constant 0 : i64
// CHECK: %[[MX:.*]] = arith.maxsi %[[Y]], %[[LO]] : i64
// CHECK: %[[HI:.*]] = arith.constant 255 : i64
// CHECK: %[[MN:.*]] = arith.minsi %[[MX]], %[[HI]] : i64
// CHECK: arith.trunci %[[MN]] : i64 to i8
func.func @per_channel_i64(%x: tensor<4x2xi32>) -> tensor<4x2xui8> {
  %y = dyad.requant %x {multiplier = array<i32: 1500000000, 1073741824>, shift = array<i32: 31, 33>, input_zp = 20, output_zp = 100} : tensor<4x2xi32> to tensor<4x2xui8>
  return %y : tensor<4x2xui8>
}

// The same on ui8 (zero-extended; |v| <= 235 needs no clamp before the
// shift): the 32-bit magnitude form, column 0 (c = 31) shifted left by 2.
// CHECK-LABEL: func.func @per_channel_ui8(
// CHECK-DAG: arith.constant dense<[2, 0]> : tensor<2xi32>
// CHECK: ^bb0(%[[IN:.*]]: i8,
// CHECK: arith.extui %[[IN]] : i8 to i32
// CHECK-NOT: arith.minui
// CHECK: arith.shli
// CHECK: arith.mului_extended
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @per_channel_ui8(%x: tensor<4x2xui8>) -> tensor<4x2xui8> {
  %y = dyad.requant %x {multiplier = array<i32: 1500000000, 1073741824>, shift = array<i32: 31, 33>, input_zp = 20, output_zp = 100} : tensor<4x2xui8> to tensor<4x2xui8>
  return %y : tensor<4x2xui8>
}

// Per channel with a shift outside [1, 62] (0, 63): b and c i64 vectors, the shift
// clamped to [1, 62] for the shift itself; c == 0 selects the product,
// c >= 63 selects 0.
// CHECK-LABEL: func.func @per_channel_edge_shifts(
// CHECK-DAG: %[[BV:.*]] = arith.constant dense<[1500000000, 1073741824, 7]> : tensor<3xi64>
// CHECK-DAG: %[[CV:.*]] = arith.constant dense<[31, 0, 63]> : tensor<3xi64>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[BV]], %[[CV]] : tensor<4x3xi8>, tensor<3xi64>, tensor<3xi64>)
// CHECK: ^bb0(%[[IN:.*]]: i8, %[[B:.*]]: i64, %[[C:.*]]: i64, %{{.*}}: i8):
// CHECK: %[[P:.*]] = arith.muli %{{.*}}, %[[B]] : i64
// CHECK: %[[CMIN:.*]] = arith.minsi %[[C]], %{{.*}} : i64
// CHECK: %[[CC:.*]] = arith.maxsi %[[CMIN]], %{{.*}} : i64
// CHECK: arith.shli
// CHECK: arith.cmpi slt, %[[P]]
// CHECK: %[[SUM:.*]] = arith.addi %[[P]], %{{.*}} : i64
// CHECK: %[[SH:.*]] = arith.shrsi %[[SUM]], %[[CC]] : i64
// CHECK: %[[ISZERO:.*]] = arith.cmpi eq, %[[C]], %{{.*}} : i64
// CHECK: %[[C63:.*]] = arith.constant 63 : i64
// CHECK: %[[ISHUGE:.*]] = arith.cmpi sge, %[[C]], %[[C63]] : i64
// CHECK: %[[S0:.*]] = arith.select %[[ISZERO]], %[[P]], %[[SH]] : i64
// CHECK: %[[S1:.*]] = arith.select %[[ISHUGE]], %{{.*}}, %[[S0]] : i64
func.func @per_channel_edge_shifts(%x: tensor<4x3xi8>) -> tensor<4x3xi8> {
  %y = dyad.requant %x {multiplier = array<i32: 1500000000, 1073741824, 7>, shift = array<i32: 31, 0, 63>, input_zp = 0, output_zp = 0} : tensor<4x3xi8> to tensor<4x3xi8>
  return %y : tensor<4x3xi8>
}

// Shift 0: the product itself, no rounding; the default clamp is the i16
// range of the result.
// CHECK-LABEL: func.func @shift0_i16(
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : i64
// CHECK-NOT: arith.shrsi
// CHECK: %[[Y:.*]] = arith.addi %[[P]], %{{.*}} : i64
// CHECK: arith.maxsi %[[Y]]
// CHECK: arith.constant 32767 : i64
// CHECK: arith.trunci %{{.*}} : i64 to i16
func.func @shift0_i16(%x: tensor<7xi32>) -> tensor<7xi16> {
  %y = dyad.requant %x {multiplier = array<i32: 7>, shift = array<i32: 0>, output_zp = 1} : tensor<7xi32> to tensor<7xi16>
  return %y : tensor<7xi16>
}

// Shift 63: the result is the output zero point. In the 32-bit form (every
// shift reduced into [33, 62]; below) a channel that gives 0 has b = 0 and
// c = 33: (mulhi(v, 0) + 1 + 4 * 2) >> 1 = 4, the output zero point taken
// into the rounding term.
// CHECK-LABEL: func.func @shift63(
// CHECK-NOT: arith.muli
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[RND:.*]] = arith.constant 9 : i32
// CHECK: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK: %{{.*}}, %[[H:.*]] = arith.mulsi_extended %{{.*}}, %[[ZERO]] : i32
// CHECK: %[[SUM:.*]] = arith.addi %[[H]], %[[RND]] : i32
// CHECK: arith.shrsi %[[SUM]], %[[ONE]] : i32
// CHECK-NOT: arith.addi
// CHECK-NOT: arith.muli
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: return
func.func @shift63(%x: tensor<3xi32>) -> tensor<3xi8> {
  %y = dyad.requant %x {multiplier = array<i32: 2147483647>, shift = array<i32: 63>, output_zp = 4} : tensor<3xi32> to tensor<3xi8>
  return %y : tensor<3xi8>
}

// The 32-bit form (what calibration gives: every multiplier below 1/4),
// exact for every i32 v: b made odd (1610612736 = 3 * 2^29 at c = 62 is 3 at
// c = 33), r + zp = (mulhi(v, b) + 2^(c-33) + zp * 2^(c-32)) >> (c-32) (the
// output zero point, a multiple of 2^(c-32) there, passes through the
// shift: one add fewer), then the clamp in i32. Per channel: b, the
// rounding term with the zero point (128 - 3 * 256 = -640, 1 - 3 * 2 = -5)
// and c-32 are i32 vectors.
// CHECK-LABEL: func.func @high_signed(
// CHECK-DAG: %[[BV:.*]] = arith.constant dense<[1500000001, 3, 0]> : tensor<3xi32>
// CHECK-DAG: %[[RV:.*]] = arith.constant dense<[-640, -5, -5]> : tensor<3xi32>
// CHECK-DAG: %[[SV:.*]] = arith.constant dense<[8, 1, 1]> : tensor<3xi32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[BV]], %[[RV]], %[[SV]] :
// CHECK: ^bb0(%[[IN:.*]]: i32, %[[B:.*]]: i32, %[[R:.*]]: i32, %[[S:.*]]: i32, %{{.*}}: i32):
// CHECK: %{{.*}}, %[[H:.*]] = arith.mulsi_extended %[[IN]], %[[B]] : i32
// CHECK: %[[SUM:.*]] = arith.addi %[[H]], %[[R]] : i32
// CHECK: %[[SH:.*]] = arith.shrsi %[[SUM]], %[[S]] : i32
// CHECK-NOT: arith.addi
// CHECK-NOT: i64
// CHECK: linalg.yield
func.func @high_signed(%x: tensor<3x3xi32>) -> tensor<3x3xi32> {
  %y = dyad.requant %x {multiplier = array<i32: 1500000001, 1610612736, 7>, shift = array<i32: 40, 62, 63>, output_zp = -3, axis = 1} : tensor<3x3xi32> to tensor<3x3xi32>
  return %y : tensor<3x3xi32>
}

// An output zero point that the rounding term cannot take (100 * 2^28 is
// past i32 at c = 60): added after the shift.
// CHECK-LABEL: func.func @high_signed_zp_after(
// CHECK: %[[SH:.*]] = arith.shrsi
// CHECK: arith.addi %[[SH]], %{{.*}} : i32
func.func @high_signed_zp_after(%x: tensor<3xi32>) -> tensor<3xi32> {
  %y = dyad.requant %x {multiplier = array<i32: 1500000001>, shift = array<i32: 60>, output_zp = 100} : tensor<3xi32> to tensor<3xi32>
  return %y : tensor<3xi32>
}

// A b whose trailing zeros would take c below 33 (2^30 at c = 40): the
// same on |v| = (v ^ s) - s with s = v >> 31, an unsigned high multiply (no
// (p < 0) term, so exact for any b), the sign put back the same way. An i16
// input is sign-extended to i32, where x - input_zp fits.
// CHECK-LABEL: func.func @high_magnitude(
// CHECK: arith.extsi %{{.*}} : i16 to i32
// CHECK: %[[V:.*]] = arith.subi
// CHECK: %[[S:.*]] = arith.shrsi %[[V]], %{{.*}} : i32
// CHECK: %[[X:.*]] = arith.xori %[[V]], %[[S]] : i32
// CHECK: %[[U:.*]] = arith.subi %[[X]], %[[S]] : i32
// CHECK: %{{.*}}, %[[H:.*]] = arith.mului_extended %[[U]], %{{.*}} : i32
// CHECK: %[[SUM:.*]] = arith.addi %[[H]], %{{.*}} : i32
// CHECK: %[[A:.*]] = arith.shrui %[[SUM]], %{{.*}} : i32
// CHECK: %[[AX:.*]] = arith.xori %[[A]], %[[S]] : i32
// CHECK: arith.subi %[[AX]], %[[S]] : i32
func.func @high_magnitude(%x: tensor<4xi16>) -> tensor<4xui8> {
  %y = dyad.requant %x {multiplier = array<i32: 1073741824>, shift = array<i32: 40>, input_zp = -7, output_zp = 128} : tensor<4xi16> to tensor<4xui8>
  return %y : tensor<4xui8>
}

// A multiplier of 1/4 or more (1500000000 / 2^31, as 4-bit weights give)
// with a narrow clamp: |v| clamped to 2^(32-k) - 1 and shifted left by
// k = 33 - c (2 here; 0 for the other channel, whose clamp is 2^32 - 1),
// then the magnitude form at c = 33. A clamped |v| saturates the i8 output
// either way.
// CHECK-LABEL: func.func @high_wide(
// CHECK-DAG: arith.constant dense<[1500000000, 1500000001]> : tensor<2xi32>
// CHECK-DAG: %[[CAP:.*]] = arith.constant dense<[1073741823, -1]> : tensor<2xi32>
// CHECK-DAG: %[[K:.*]] = arith.constant dense<[2, 0]> : tensor<2xi32>
// CHECK: ^bb0(%{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %[[KV:.*]]: i32, %[[CAPV:.*]]: i32, %{{.*}}: i8):
// CHECK: %[[M:.*]] = arith.minui %{{.*}}, %[[CAPV]] : i32
// CHECK: %[[U:.*]] = arith.shli %[[M]], %[[KV]] : i32
// CHECK: arith.mului_extended %[[U]], %{{.*}} : i32
func.func @high_wide(%x: tensor<7x2xi32>) -> tensor<7x2xi8> {
  %y = dyad.requant %x {multiplier = array<i32: 1500000000, 1500000001>, shift = array<i32: 31, 40>, output_zp = 3, axis = 1} : tensor<7x2xi32> to tensor<7x2xi8>
  return %y : tensor<7x2xi8>
}

// An i32 result (a clamp as wide as i32) with such a multiplier: the
// 64-bit form.
// CHECK-LABEL: func.func @wide_clamp(
// CHECK: arith.muli %{{.*}}, %{{.*}} : i64
func.func @wide_clamp(%x: tensor<7xi32>) -> tensor<7xi32> {
  %y = dyad.requant %x {multiplier = array<i32: 1500000000>, shift = array<i32: 31>} : tensor<7xi32> to tensor<7xi32>
  return %y : tensor<7xi32>
}

// The same on i32 values down to -2^31 (|v| = 2^31, read unsigned).
// CHECK-LABEL: func.func @high_magnitude_i32(
// CHECK: arith.mului_extended
func.func @high_magnitude_i32(%x: tensor<8xi32>) -> tensor<8xi32> {
  %y = dyad.requant %x {multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 5} : tensor<8xi32> to tensor<8xi32>
  return %y : tensor<8xi32>
}

// Shift edges per channel (axis 1 of 2x4): c = 0, 63, 62 and multiplier 0.
// An i8 rescaled to i32 (a residual Add's operands: shift 15, the clamp
// i32's whole range): not narrow, but |v| <= 134, so v << 18 fits in i32:
// the signed form on v << 18 (c = 15 + 18 = 33), one signed high multiply.
// An i16 input's v << 18 would not fit: the 64-bit form.
// CHECK-LABEL: func.func @narrow_in_wide_out(
// CHECK-NOT: i64
// CHECK: arith.shli %{{.*}} : i32
// CHECK-NOT: arith.minui
// CHECK: arith.mulsi_extended
// CHECK-NOT: i64
// CHECK: return
func.func @narrow_in_wide_out(%x: tensor<7xi8>) -> tensor<7xi32> {
  %y = dyad.requant %x {multiplier = array<i32: 1123034979>, shift = array<i32: 15>, input_zp = -6} : tensor<7xi8> to tensor<7xi32>
  return %y : tensor<7xi32>
}
// A multiplier with 7 trailing zeros at shift 39 (calibration gives such):
// made odd, its shift would fall to 32; it keeps one zero instead (c = 33),
// which leaves v = -2^31 the one input the signed form rounds wrongly. Its
// output saturates at -128 whether v is -2^31 or -2^31 + 1, so that
// channel's v is first raised to -2^31 + 1 (the other channel's floor is
// -2^31: no change) and the signed form applies. With a multiplier too
// small to saturate there (384 / 2^39, zero point 0), the magnitude form.
// CHECK-LABEL: func.func @trailing_zeros(
// CHECK: arith.constant dense<[-2147483647, -2147483648]> : tensor<2xi32>
// CHECK: arith.maxsi
// CHECK: arith.mulsi_extended
// CHECK-LABEL: func.func @trailing_zeros_small(
// CHECK: arith.mului_extended
func.func @trailing_zeros(%x: tensor<7x2xi32>) -> tensor<7x2xi32> {
  %y = dyad.requant %x {multiplier = array<i32: 1621495936, 1393098945>, shift = array<i32: 39, 39>, axis = 1, output_zp = -128, clamp_min = -128, clamp_max = 127} : tensor<7x2xi32> to tensor<7x2xi32>
  return %y : tensor<7x2xi32>
}
func.func @trailing_zeros_small(%x: tensor<7x2xi32>) -> tensor<7x2xi32> {
  %y = dyad.requant %x {multiplier = array<i32: 384, 1393098945>, shift = array<i32: 39, 39>, axis = 1, clamp_min = -128, clamp_max = 127} : tensor<7x2xi32> to tensor<7x2xi32>
  return %y : tensor<7x2xi32>
}
// CHECK-LABEL: func.func @wide_in_wide_out(
// CHECK: arith.muli %{{.*}}, %{{.*}} : i64
func.func @wide_in_wide_out(%x: tensor<4xi16>) -> tensor<4xi32> {
  %y = dyad.requant %x {multiplier = array<i32: 1123034979>, shift = array<i32: 15>, input_zp = -6} : tensor<4xi16> to tensor<4xi32>
  return %y : tensor<4xi32>
}
// CHECK-LABEL: func.func @per_channel_edges(
// CHECK: arith.constant dense<[5, 2147483647, 1073741824, 0]> : tensor<4xi64>
// CHECK: arith.constant dense<[0, 63, 62, 40]> : tensor<4xi64>
func.func @per_channel_edges(%x: tensor<2x4xi32>) -> tensor<2x4xi32> {
  %y = dyad.requant %x {multiplier = array<i32: 5, 2147483647, 1073741824, 0>, shift = array<i32: 0, 63, 62, 40>, axis = -1} : tensor<2x4xi32> to tensor<2x4xi32>
  return %y : tensor<2x4xi32>
}

// The largest multiplier with |v| near 2^31 and the largest executed shift
// (the 32-bit form: b odd, c = 62).
// CHECK-LABEL: func.func @huge(
// CHECK: arith.constant 2147483647 : i32
// CHECK: arith.constant 536870912 : i32
// CHECK: arith.constant 30 : i32
func.func @huge(%x: tensor<5xi32>) -> tensor<5xi32> {
  %y = dyad.requant %x {multiplier = array<i32: 2147483647>, shift = array<i32: 62>} : tensor<5xi32> to tensor<5xi32>
  return %y : tensor<5xi32>
}

// i8 input: sign-extended.
// CHECK-LABEL: func.func @i8_in(
// CHECK: arith.extsi %{{.*}} : i8 to i32
func.func @i8_in(%x: tensor<4xi8>) -> tensor<4xi8> {
  %y = dyad.requant %x {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : tensor<4xi8> to tensor<4xi8>
  return %y : tensor<4xi8>
}

func.func @main() {
  // M = 1/2, input_zp 3, output_zp -5: v = 0, 1, -1, 2, -2, 5, -5, 297, -303
  // -> ties 0.5 -> 1, -0.5 -> -1, 2.5 -> 3, -2.5 -> -3; 148.5 and -151.5
  // saturate, as do +-2^30 - 2.
  %a0 = arith.constant dense<[3, 4, 2, 5, 1, 8, -2, 300, -300, 2147483647, -2147483645]> : tensor<11xi32>
  %c0 = tensor.cast %a0 : tensor<11xi32> to tensor<?xi32>
  %r0 = call @per_tensor(%c0) : (tensor<?xi32>) -> tensor<?xi8>
  %k0 = arith.constant 0 : index
  %d0 = tensor.dim %r0, %k0 : tensor<?xi8>
  %e0 = tensor.empty(%d0) : tensor<?xi32>
  %w0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r0 : tensor<?xi8>) outs(%e0 : tensor<?xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<?xi32>
  %u0 = tensor.cast %w0 : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u0) : (tensor<*xi32>) -> ()

  // ui8 per channel, input_zp 20, output_zp 100. Column 0: M = 0.6985
  // (v = -20, 40, 235, 80 -> -14, 28, 164 (saturates at 255), 56); column 1:
  // M = 1/8 (v = -4, 12, 235, -20 -> ties -0.5 -> -1, 1.5 -> 2, 29.375 -> 29,
  // -2.5 -> -3). Inputs 255 are written as -1 here.
  %a1 = arith.constant dense<[[0, 16], [60, 32], [-1, -1], [100, 0]]> : tensor<4x2xi8>
  %b1 = tensor.bitcast %a1 : tensor<4x2xi8> to tensor<4x2xui8>
  %r1 = call @per_channel_ui8(%b1) : (tensor<4x2xui8>) -> tensor<4x2xui8>
  %s1 = tensor.bitcast %r1 : tensor<4x2xui8> to tensor<4x2xi8>
  %e1 = tensor.empty() : tensor<4x2xi32>
  %w1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%s1 : tensor<4x2xi8>) outs(%e1 : tensor<4x2xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extui %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<4x2xi32>
  %u1 = tensor.cast %w1 : tensor<4x2xi32> to tensor<*xi32>
  call @printMemrefI32(%u1) : (tensor<*xi32>) -> ()

  // The same values as i32, in the 64-bit form.
  %a11 = arith.constant dense<[[0, 16], [60, 32], [255, 255], [100, 0]]> : tensor<4x2xi32>
  %r11 = call @per_channel_i64(%a11) : (tensor<4x2xi32>) -> tensor<4x2xui8>
  %s11 = tensor.bitcast %r11 : tensor<4x2xui8> to tensor<4x2xi8>
  %w11 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%s11 : tensor<4x2xi8>) outs(%e1 : tensor<4x2xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extui %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<4x2xi32>
  %u11 = tensor.cast %w11 : tensor<4x2xi32> to tensor<*xi32>
  call @printMemrefI32(%u11) : (tensor<*xi32>) -> ()

  // 7x + 1 saturated to i16.
  %a2 = arith.constant dense<[0, 1, -1, 4680, 4681, -4681, -4682]> : tensor<7xi32>
  %r2 = call @shift0_i16(%a2) : (tensor<7xi32>) -> tensor<7xi16>
  %e2 = tensor.empty() : tensor<7xi32>
  %w2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r2 : tensor<7xi16>) outs(%e2 : tensor<7xi32>) {
  ^bb0(%in: i16, %out: i32):
    %x = arith.extsi %in : i16 to i32
    linalg.yield %x : i32
  } -> tensor<7xi32>
  %u2 = tensor.cast %w2 : tensor<7xi32> to tensor<*xi32>
  call @printMemrefI32(%u2) : (tensor<*xi32>) -> ()

  // Shift 63: the output zero point whatever the input.
  %a3 = arith.constant dense<[2147483647, -2147483648, 0]> : tensor<3xi32>
  %r3 = call @shift63(%a3) : (tensor<3xi32>) -> tensor<3xi8>
  %e3 = tensor.empty() : tensor<3xi32>
  %w3 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r3 : tensor<3xi8>) outs(%e3 : tensor<3xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<3xi32>
  %u3 = tensor.cast %w3 : tensor<3xi32> to tensor<*xi32>
  call @printMemrefI32(%u3) : (tensor<*xi32>) -> ()

  // Columns: 5x; 0 (c = 63); x / 2^32 (-2^31 is the tie -0.5 -> -1,
  // 2^31 - 1 gives 0); 0 (b = 0).
  %a4 = arith.constant dense<[[-3, 2147483647, -2147483648, 12345], [100, -2147483648, 2147483647, -1]]> : tensor<2x4xi32>
  %r4 = call @per_channel_edges(%a4) : (tensor<2x4xi32>) -> tensor<2x4xi32>
  %u4 = tensor.cast %r4 : tensor<2x4xi32> to tensor<*xi32>
  call @printMemrefI32(%u4) : (tensor<*xi32>) -> ()

  // (2^31 - 1) x / 2^62: -2^31 -> -0.99999 -> -1; 2^31 - 1 -> 1; 2^30 ->
  // 0.5 - 2^-32 -> 0; -2^30 -> 0; -2^30 - 1 -> -0.50000000023 -> -1.
  %a5 = arith.constant dense<[-2147483648, 2147483647, 1073741824, -1073741824, -1073741825]> : tensor<5xi32>
  %r5 = call @huge(%a5) : (tensor<5xi32>) -> tensor<5xi32>
  %u5 = tensor.cast %r5 : tensor<5xi32> to tensor<*xi32>
  call @printMemrefI32(%u5) : (tensor<*xi32>) -> ()

  // Columns: 1500000001 / 2^40 (1833 -> 2.5007 -> 3, -1833 -> -3, -2^31 ->
  // -2929687.502 -> -2929688), 3 / 2^33 (2^31 - 1 -> 0.75 -> 1, -2^31 -> -1,
  // 1431655765 -> 0.49999999988 -> 0), 0 (c = 63); then output_zp -3.
  %a7 = arith.constant dense<[[1833, 2147483647, 2147483647], [-1833, -2147483648, -2147483648], [-2147483648, 1431655765, 5]]> : tensor<3x3xi32>
  %r7 = call @high_signed(%a7) : (tensor<3x3xi32>) -> tensor<3x3xi32>
  %u7 = tensor.cast %r7 : tensor<3x3xi32> to tensor<*xi32>
  call @printMemrefI32(%u7) : (tensor<*xi32>) -> ()

  // (x + 7) / 1024 + 128: ties 0.5 -> 1 and -0.5 -> -1; 32.006 -> 32,
  // -31.993 -> -32.
  %a8 = arith.constant dense<[505, -519, 32767, -32768]> : tensor<4xi16>
  %r8 = call @high_magnitude(%a8) : (tensor<4xi16>) -> tensor<4xui8>
  %s8 = tensor.bitcast %r8 : tensor<4xui8> to tensor<4xi8>
  %e8 = tensor.empty() : tensor<4xi32>
  %w8 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%s8 : tensor<4xi8>) outs(%e8 : tensor<4xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extui %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<4xi32>
  %u8 = tensor.cast %w8 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u8) : (tensor<*xi32>) -> ()

  // x / 1024 + 5: ties +-0.5 -> +-1, +-1.5 -> +-2; -2^31 -> -2^21 exactly;
  // 2^31 - 1 -> 2097151.999 -> 2^21; -1 -> -0.001 -> 0.
  %a9 = arith.constant dense<[512, -512, 1536, -1536, -2147483648, 2147483647, 0, -1]> : tensor<8xi32>
  %r9 = call @high_magnitude_i32(%a9) : (tensor<8xi32>) -> tensor<8xi32>
  %u9 = tensor.cast %r9 : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%u9) : (tensor<*xi32>) -> ()

  // Column 0 x 0.6985 (100 -> 69.85 -> 70, -100 -> -70, 177 -> 123.63 ->
  // 124, -179 -> -125.03 -> -125, 3 -> 2.095 -> 2; +-2^31 saturate),
  // column 1 x 1500000001 / 2^40 (1000 -> 1.36 -> 1, -1000 -> -1,
  // 733007 -> 999.999 saturates); then output_zp 3, clamped to i8.
  %a10 = arith.constant dense<[[100, 1000], [-100, -1000], [2147483647, -2147483648], [-2147483648, 2147483647], [177, 733007], [-179, -733007], [3, 0]]> : tensor<7x2xi32>
  %r10 = call @high_wide(%a10) : (tensor<7x2xi32>) -> tensor<7x2xi8>
  %e10 = tensor.empty() : tensor<7x2xi32>
  %w10 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r10 : tensor<7x2xi8>) outs(%e10 : tensor<7x2xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<7x2xi32>
  %u10 = tensor.cast %w10 : tensor<7x2xi32> to tensor<*xi32>
  call @printMemrefI32(%u10) : (tensor<*xi32>) -> ()

  // x / 2 of i8: -128 -> -64, -127 -> -63.5 -> -64, 127 -> 64, 3 -> 2.
  %a6 = arith.constant dense<[-128, -127, 127, 3]> : tensor<4xi8>
  %r6 = call @i8_in(%a6) : (tensor<4xi8>) -> tensor<4xi8>
  %e6 = tensor.empty() : tensor<4xi32>
  %w6 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%r6 : tensor<4xi8>) outs(%e6 : tensor<4xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<4xi32>
  %u6 = tensor.cast %w6 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u6) : (tensor<*xi32>) -> ()

  // (x + 6) * 1123034979 / 2^15, rounded half away from zero, the i8 one
  // in the 32-bit form, the i16 one in the 64-bit form.
  %a20 = arith.constant dense<[-128, -127, -1, 0, 1, 126, 127]> : tensor<7xi8>
  %r20 = call @narrow_in_wide_out(%a20) : (tensor<7xi8>) -> tensor<7xi32>
  %u20 = tensor.cast %r20 : tensor<7xi32> to tensor<*xi32>
  call @printMemrefI32(%u20) : (tensor<*xi32>) -> ()
  %a21 = arith.constant dense<[-32768, -1, 0, 32767]> : tensor<4xi16>
  %r21 = call @wide_in_wide_out(%a21) : (tensor<4xi16>) -> tensor<4xi32>
  %u21 = tensor.cast %r21 : tensor<4xi32> to tensor<*xi32>
  call @printMemrefI32(%u21) : (tensor<*xi32>) -> ()
  // Values down to -2^31 through both channels (outputs from the 64-bit
  // formula).
  %a22 = arith.constant dense<[[-2147483648, -2147483648], [-2147483647, -2147483647], [-1073741824, -1073741824], [0, 0], [1000000, 1000000], [-1000000, -1000000], [2147483647, 2147483647]]> : tensor<7x2xi32>
  %r22 = call @trailing_zeros(%a22) : (tensor<7x2xi32>) -> tensor<7x2xi32>
  %u22 = tensor.cast %r22 : tensor<7x2xi32> to tensor<*xi32>
  call @printMemrefI32(%u22) : (tensor<*xi32>) -> ()
  %r23 = call @trailing_zeros_small(%a22) : (tensor<7x2xi32>) -> tensor<7x2xi32>
  %u23 = tensor.cast %r23 : tensor<7x2xi32> to tensor<*xi32>
  call @printMemrefI32(%u23) : (tensor<*xi32>) -> ()
  return
}
func.func private @printMemrefI32(tensor<*xi32>)

// EXEC: rank = 1 offset = 0 sizes = [11] strides = {{.*}} data =
// EXEC-NEXT: [-5, -4, -6, -4, -6, -2, -8, 127, -128, 127, -128]
// EXEC: rank = 2 offset = 0 sizes = [4, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}86, 99],
// EXEC-NEXT: [128, 102],
// EXEC-NEXT: [255, 129],
// EXEC-NEXT: [156, 97]]
// EXEC: rank = 2 offset = 0 sizes = [4, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}86, 99],
// EXEC-NEXT: [128, 102],
// EXEC-NEXT: [255, 129],
// EXEC-NEXT: [156, 97]]
// EXEC: rank = 1 offset = 0 sizes = [7] strides = {{.*}} data =
// EXEC-NEXT: [1, 8, -6, 32761, 32767, -32766, -32768]
// EXEC: rank = 1 offset = 0 sizes = [3] strides = {{.*}} data =
// EXEC-NEXT: [4, 4, 4]
// EXEC: rank = 2 offset = 0 sizes = [2, 4] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-15, 0, -1, 0],
// EXEC-NEXT: [500, 0, 0, 0]]
// EXEC: rank = 1 offset = 0 sizes = [5] strides = {{.*}} data =
// EXEC-NEXT: [-1, 1, 0, 0, -1]
// EXEC: rank = 2 offset = 0 sizes = [3, 3] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}0, -2, -3],
// EXEC-NEXT: [-6, -4, -3],
// EXEC-NEXT: [-2929691, -3, -3]]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [129, 127, 160, 96]
// EXEC: rank = 1 offset = 0 sizes = [8] strides = {{.*}} data =
// EXEC-NEXT: [6, 4, 7, 3, -2097147, 2097157, 5, 5]
// EXEC: rank = 2 offset = 0 sizes = [7, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}73, 4],
// EXEC-NEXT: [-67, 2],
// EXEC-NEXT: [127, -128],
// EXEC-NEXT: [-128, 127],
// EXEC-NEXT: [127, 127],
// EXEC-NEXT: [-122, -128],
// EXEC-NEXT: [5, 3]]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [-64, -64, 64, 2]
// EXEC: rank = 1 offset = 0 sizes = [7] strides = {{.*}} data =
// EXEC-NEXT: [-4181222, -4146949, 171362, 205634, 239906, 4523945, 4558217]
// EXEC: rank = 1 offset = 0 sizes = [4] strides = {{.*}} data =
// EXEC-NEXT: [-1122829345, 171362, 205634, 1123206341]
// EXEC: rank = 2 offset = 0 sizes = [7, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-128, -128],
// EXEC-NEXT: [-128, -128],
// EXEC-NEXT: [-128, -128],
// EXEC-NEXT: [-128, -128],
// EXEC-NEXT: [127, 127],
// EXEC-NEXT: [-128, -128],
// EXEC-NEXT: [127, 127]]
// EXEC: rank = 2 offset = 0 sizes = [7, 2] strides = {{.*}} data =
// EXEC-NEXT: {{\[\[}}-2, -128],
// EXEC-NEXT: [-1, -128],
// EXEC-NEXT: [-1, -128],
// EXEC-NEXT: [0, 0],
// EXEC-NEXT: [0, 127],
// EXEC-NEXT: [0, -128],
// EXEC-NEXT: [1, 127]]
