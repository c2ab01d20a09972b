// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-lower-vectors{vnni-bits=512}))' | FileCheck %s --check-prefix=VNNI512
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-lower-vectors{vnni-bits=256}))' | FileCheck %s --check-prefix=VNNI256
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-lower-vectors))' | FileCheck %s --check-prefix=NOVNNI

// An int8 tile contraction (2 rows x 32 columns, K = 8) on vpdpbusd: per
// block of columns and 4 values of k one shuffled block of R, reused by
// both rows; signed activations flipped to unsigned (xor 0x80808080) and
// 128 * colsum(R) subtracted once per block.
// 512-bit: 2 column blocks x 2 k-blocks x (2 rows + 1 correction) = 12.
// VNNI512-LABEL: func.func @tile(
// VNNI512-COUNT-12: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI512-NOT:     llvm.call_intrinsic
// VNNI512-NOT:     vector.contract
// VNNI512:         return

// 256-bit: 4 column blocks x 2 k-blocks x 3 = 24.
// VNNI256-LABEL: func.func @tile(
// VNNI256-COUNT-24: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
// VNNI256-NOT:     llvm.call_intrinsic
// VNNI256-LABEL: func.func @unsigned_lhs(

// Without VNNI: widened, multiplied, added.
// NOVNNI-LABEL: func.func @tile(
// NOVNNI-NOT:   llvm.call_intrinsic
// NOVNNI:       arith.muli
func.func @tile(%l: vector<2x8xi8>, %r: vector<8x32xi8>, %acc: vector<2x32xi32>) -> vector<2x32xi32> {
  %a = arith.extsi %l : vector<2x8xi8> to vector<2x8xi32>
  %b = arith.extsi %r : vector<8x32xi8> to vector<8x32xi32>
  %c = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %acc : vector<2x8xi32>, vector<8x32xi32> into vector<2x32xi32>
  return %c : vector<2x32xi32>
}

// Unsigned activations need no correction: 2 x 2 x 2 = 8 at 512 bits.
// VNNI512-LABEL: func.func @unsigned_lhs(
// VNNI512-COUNT-8: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI512-NOT:     llvm.call_intrinsic
func.func @unsigned_lhs(%l: vector<2x8xi8>, %r: vector<8x32xi8>, %acc: vector<2x32xi32>) -> vector<2x32xi32> {
  %a = arith.extui %l : vector<2x8xi8> to vector<2x8xi32>
  %b = arith.extsi %r : vector<8x32xi8> to vector<8x32xi32>
  %c = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %acc : vector<2x8xi32>, vector<8x32xi32> into vector<2x32xi32>
  return %c : vector<2x32xi32>
}

// K not a multiple of 4: not VNNI (outer products).
// VNNI512-LABEL: func.func @odd_depth(
// VNNI512-NOT:   llvm.call_intrinsic
// VNNI512:       return
func.func @odd_depth(%l: vector<2x6xi8>, %r: vector<6x16xi8>, %acc: vector<2x16xi32>) -> vector<2x16xi32> {
  %a = arith.extsi %l : vector<2x6xi8> to vector<2x6xi32>
  %b = arith.extsi %r : vector<6x16xi8> to vector<6x16xi32>
  %c = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %acc : vector<2x6xi32>, vector<6x16xi32> into vector<2x16xi32>
  return %c : vector<2x16xi32>
}

// One output pixel (a strided convolution's tile): a vector-matrix product,
// taken as a one-row matmul: 2 column blocks x 4 k-blocks x (1 row + 1
// correction) = 16.
// VNNI512-LABEL: func.func @vecmat(
// VNNI512-COUNT-16: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI512-NOT:     vector.contract
// VNNI512:         return
func.func @vecmat(%l: vector<16xi8>, %r: vector<16x32xi8>, %acc: vector<32xi32>) -> vector<32xi32> {
  %a = arith.extsi %l : vector<16xi8> to vector<16xi32>
  %b = arith.extsi %r : vector<16x32xi8> to vector<16x32xi32>
  %c = vector.contract {indexing_maps = [affine_map<(n, k) -> (k)>, affine_map<(n, k) -> (k, n)>, affine_map<(n, k) -> (n)>], iterator_types = ["parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %acc : vector<16xi32>, vector<16x32xi32> into vector<32xi32>
  return %c : vector<32xi32>
}

// A vectorized i8 linalg.matmul: the contraction takes the i8 vectors
// directly (sign-extended by its semantics): 2 column blocks x 2 k-blocks x
// (1 row + 1 correction) = 8.
// VNNI512-LABEL: func.func @mixed_types(
// VNNI512-COUNT-8: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI512-NOT:     vector.contract
func.func @mixed_types(%l: vector<1x8xi8>, %r: vector<8x32xi8>, %acc: vector<1x32xi32>) -> vector<1x32xi32> {
  %c = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %l, %r, %acc : vector<1x8xi8>, vector<8x32xi8> into vector<1x32xi32>
  return %c : vector<1x32xi32>
}

// The packed convolution tile of dyad-cpu-pack-vnni (2 pixels x 32 output
// channels x 2 steps of 4 input channels): operands are rows of bytes
// already in vpdpbusd's order, viewed as [.][.][4]. A block is a slice of
// a weight row (no shuffle), a word a dword of an input row, and unsigned
// activations need no correction: 2 steps x 2 rows x 2 blocks = 8.
// VNNI512-LABEL: func.func @packed(
// VNNI512-NOT:     vector.shuffle
// VNNI512-NOT:     arith.xori
// VNNI512-COUNT-8: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI512-NOT:     llvm.call_intrinsic
// VNNI512-NOT:     vector.contract
// VNNI512:         return
// 256 bits: 4 blocks of 8 lanes, 16 instructions.
// VNNI256-LABEL: func.func @packed(
// VNNI256-COUNT-16: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
// VNNI256-NOT:     llvm.call_intrinsic
func.func @packed(%x: vector<2x8xi8>, %w: vector<2x128xi8>, %acc: vector<2x32xi32>) -> vector<2x32xi32> {
  %x3 = vector.shape_cast %x : vector<2x8xi8> to vector<2x2x4xi8>
  %w3 = vector.shape_cast %w : vector<2x128xi8> to vector<2x32x4xi8>
  %a = arith.extui %x3 : vector<2x2x4xi8> to vector<2x2x4xi32>
  %b = arith.extsi %w3 : vector<2x32x4xi8> to vector<2x32x4xi32>
  %c = vector.contract {indexing_maps = [affine_map<(m, n, kb, ki) -> (m, kb, ki)>, affine_map<(m, n, kb, ki) -> (kb, n, ki)>, affine_map<(m, n, kb, ki) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %a, %b, %acc : vector<2x2x4xi32>, vector<2x32x4xi32> into vector<2x32xi32>
  return %c : vector<2x32xi32>
}

// 24 columns (3 blocks of 8, not a multiple of 16): 256-bit vpdpbusd on an
// AVX-512 target: 1 step x 2 rows x 3 blocks = 6.
// VNNI256-LABEL: func.func @packed_narrow(
// VNNI512-LABEL: func.func @packed_narrow(
// VNNI512-COUNT-6: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
// VNNI512-NOT:     llvm.call_intrinsic
// VNNI512:         return
func.func @packed_narrow(%x: vector<2x4xi8>, %w: vector<1x96xi8>, %acc: vector<2x24xi32>) -> vector<2x24xi32> {
  %x3 = vector.shape_cast %x : vector<2x4xi8> to vector<2x1x4xi8>
  %w3 = vector.shape_cast %w : vector<1x96xi8> to vector<1x24x4xi8>
  %a = arith.extui %x3 : vector<2x1x4xi8> to vector<2x1x4xi32>
  %b = arith.extsi %w3 : vector<1x24x4xi8> to vector<1x24x4xi32>
  %c = vector.contract {indexing_maps = [affine_map<(m, n, kb, ki) -> (m, kb, ki)>, affine_map<(m, n, kb, ki) -> (kb, n, ki)>, affine_map<(m, n, kb, ki) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"], kind = #vector.kind<add>} %a, %b, %acc : vector<2x1x4xi32>, vector<1x24x4xi32> into vector<2x24xi32>
  return %c : vector<2x24xi32>
}

// A depthwise convolution's tap: acc + extsi(x) * broadcast(extsi(w)), both
// i8, so every lane is an i16 value: vpdpwssd on i16 pairs, with w's high
// halves cleared (pair sum x * w + sign(x) * 0). 7 x 16 lanes: 7
// instructions of 512 bits, or 14 of 256; without VNNI a multiply.
// VNNI512-LABEL: func.func @dw_tap(
// VNNI512:         arith.andi %{{.*}}, %{{.*}} : vector<112xi32>
// VNNI512-COUNT-7: llvm.call_intrinsic "llvm.x86.avx512.vpdpwssd.512"
// VNNI512-NOT:     arith.muli
// VNNI512:         return
// VNNI256-LABEL: func.func @dw_tap(
// VNNI256-COUNT-14: llvm.call_intrinsic "llvm.x86.avx512.vpdpwssd.256"
// VNNI256-NOT:     arith.muli
// VNNI256:         return
// NOVNNI-LABEL: func.func @dw_tap(
// NOVNNI:          arith.muli
// NOVNNI-NOT:      vpdpwssd
// NOVNNI:          return
func.func @dw_tap(%x: vector<1x7x16xi8>, %w: vector<16xi8>, %acc: vector<1x7x16xi32>) -> vector<1x7x16xi32> {
  %a = arith.extsi %x : vector<1x7x16xi8> to vector<1x7x16xi32>
  %w32 = arith.extsi %w : vector<16xi8> to vector<16xi32>
  %b = vector.broadcast %w32 : vector<16xi32> to vector<1x7x16xi32>
  %m = arith.muli %a, %b : vector<1x7x16xi32>
  %s = arith.addi %m, %acc : vector<1x7x16xi32>
  return %s : vector<1x7x16xi32>
}

// 8 lanes (a tile of 24 channels) on a 512-bit target: one 256-bit
// instruction.
// VNNI512-LABEL: func.func @dw_tap_8(
// VNNI512-COUNT-1: llvm.call_intrinsic "llvm.x86.avx512.vpdpwssd.256"
// VNNI512-NOT:     arith.muli
// VNNI512:         return
func.func @dw_tap_8(%x: vector<1x1x8xi8>, %w: vector<8xi8>, %acc: vector<1x1x8xi32>) -> vector<1x1x8xi32> {
  %a = arith.extsi %x : vector<1x1x8xi8> to vector<1x1x8xi32>
  %w32 = arith.extsi %w : vector<8xi8> to vector<8xi32>
  %b = vector.broadcast %w32 : vector<8xi32> to vector<1x1x8xi32>
  %m = arith.muli %b, %a : vector<1x1x8xi32>
  %s = arith.addi %acc, %m : vector<1x1x8xi32>
  return %s : vector<1x1x8xi32>
}

// An i32 factor of unknown range (a filter widened before the kernel) may
// not fit in i16: it stays a multiply.
// VNNI512-LABEL: func.func @wide_factor(
// VNNI512:         arith.muli
// VNNI512-NOT:     vpdpwssd
// VNNI512:         return
func.func @wide_factor(%x: vector<1x7x16xi8>, %w: vector<16xi32>, %acc: vector<1x7x16xi32>) -> vector<1x7x16xi32> {
  %a = arith.extsi %x : vector<1x7x16xi8> to vector<1x7x16xi32>
  %b = vector.broadcast %w : vector<16xi32> to vector<1x7x16xi32>
  %m = arith.muli %a, %b : vector<1x7x16xi32>
  %s = arith.addi %m, %acc : vector<1x7x16xi32>
  return %s : vector<1x7x16xi32>
}

// A lane-wise 4-byte dot product (the row-packed depthwise tile's column
// tap: acc[c] += sum_r zext(x[c][r]) * sext(w[c][r])) on the bytes as they
// are: one vpdpbusd per 16 lanes (512) or 8 (256), no shuffle. Signed x is
// shifted to unsigned (xor 0x80) and 128 times w's sums taken off.
// VNNI512-LABEL: func.func @lanewise(
// VNNI512-COUNT-2: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI512-NOT:     vector.contract
// VNNI512:         return
// VNNI256-LABEL: func.func @lanewise(
// VNNI256-COUNT-4: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
// VNNI256:         return
// NOVNNI-LABEL: func.func @lanewise(
// NOVNNI-NOT:      vpdpbusd
// NOVNNI:          return
// VNNI512-LABEL: func.func @lanewise_signed(
// VNNI512:         arith.xori
// VNNI512-COUNT-2: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI512:         arith.subi
// VNNI512:         return
func.func @lanewise(%x: vector<128xi8>, %w: vector<128xi8>, %acc: vector<32xi32>) -> vector<32xi32> {
  %x2 = vector.shape_cast %x : vector<128xi8> to vector<32x4xi8>
  %w2 = vector.shape_cast %w : vector<128xi8> to vector<32x4xi8>
  %a = arith.extui %x2 : vector<32x4xi8> to vector<32x4xi32>
  %b = arith.extsi %w2 : vector<32x4xi8> to vector<32x4xi32>
  %c = vector.contract {indexing_maps = [affine_map<(c, r) -> (c, r)>, affine_map<(c, r) -> (c, r)>, affine_map<(c, r) -> (c)>], iterator_types = ["parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %acc : vector<32x4xi32>, vector<32x4xi32> into vector<32xi32>
  return %c : vector<32xi32>
}
func.func @lanewise_signed(%x: vector<16x4xi8>, %w: vector<16x4xi8>, %acc: vector<16xi32>) -> vector<16xi32> {
  %a = arith.extsi %x : vector<16x4xi8> to vector<16x4xi32>
  %b = arith.extsi %w : vector<16x4xi8> to vector<16x4xi32>
  %c = vector.contract {indexing_maps = [affine_map<(c, r) -> (c, r)>, affine_map<(c, r) -> (c, r)>, affine_map<(c, r) -> (c)>], iterator_types = ["parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %acc : vector<16x4xi32>, vector<16x4xi32> into vector<16xi32>
  return %c : vector<16xi32>
}
