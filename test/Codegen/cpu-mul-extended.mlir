// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-lower-vectors))' | FileCheck %s
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-lower-vectors),convert-vector-to-llvm,convert-arith-to-llvm,convert-ub-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts)' | mlir-translate --mlir-to-llvmir | llc -O2 -mtriple=x86_64-unknown-linux-gnu -mattr=+avx512f | FileCheck %s --check-prefix=ASM

// The requantization's high multiply (arith.mulsi_extended / mului_extended
// of i32, QuantToArith.cpp) on the n-D vectors of a kernel tile, which MLIR
// 22 cannot convert to LLVM: row by row (a row of the innermost dim, a
// power of two), on the lanes as i64 pairs, the even lanes
// extended in place (shl + shrsi, or an and), the odd ones shifted down,
// one 64-bit product each, the even products' high halves shifted down and
// the odd ones' kept in place. LLVM multiplies with vpmuldq / vpmuludq
// (they read only the low halves), never a full 64-bit vpmullq, whether
// the factors are registers or loads.

// CHECK-LABEL: func.func @signed(
// CHECK-COUNT-2: vector.extract {{.*}} : vector<16xi32> from vector<2x16xi32>
// CHECK: %[[A:.*]] = vector.bitcast %{{.*}} : vector<16xi32> to vector<8xi64>
// CHECK: %[[B:.*]] = vector.bitcast %{{.*}} : vector<16xi32> to vector<8xi64>
// CHECK: %[[AE:.*]] = arith.shrsi %{{.*}}, %{{.*}} : vector<8xi64>
// CHECK: %[[BE:.*]] = arith.shrsi %{{.*}}, %{{.*}} : vector<8xi64>
// CHECK: %[[PE:.*]] = arith.muli %[[AE]], %[[BE]] : vector<8xi64>
// CHECK: %[[AO:.*]] = arith.shrsi %[[A]], %{{.*}} : vector<8xi64>
// CHECK: %[[BO:.*]] = arith.shrsi %[[B]], %{{.*}} : vector<8xi64>
// CHECK: %[[PO:.*]] = arith.muli %[[AO]], %[[BO]] : vector<8xi64>
// CHECK: %[[HE:.*]] = arith.shrui %[[PE]], %{{.*}} : vector<8xi64>
// CHECK: %[[HO:.*]] = arith.andi %[[PO]], %{{.*}} : vector<8xi64>
// CHECK: arith.ori %[[HE]], %[[HO]] : vector<8xi64>
// CHECK-NOT: mulsi_extended
// ASM-LABEL: signed:
// ASM-COUNT-4: vpmuldq
// ASM-NOT: vpmullq
// ASM: ret
func.func @signed(%a: vector<2x16xi32>, %b: vector<2x16xi32>) -> vector<2x16xi32> {
  %lo, %hi = arith.mulsi_extended %a, %b : vector<2x16xi32>
  return %hi : vector<2x16xi32>
}

// CHECK-LABEL: func.func @unsigned(
// CHECK: arith.andi %{{.*}}, %{{.*}} : vector<8xi64>
// CHECK: arith.andi %{{.*}}, %{{.*}} : vector<8xi64>
// CHECK: arith.muli
// CHECK: arith.shrui
// CHECK: arith.shrui
// CHECK: arith.muli
// CHECK-NOT: mului_extended
// ASM-LABEL: unsigned:
// ASM-COUNT-4: vpmuludq
// ASM-NOT: vpmullq
// ASM: ret
func.func @unsigned(%a: vector<2x16xi32>, %b: vector<2x16xi32>) -> vector<2x16xi32> {
  %lo, %hi = arith.mului_extended %a, %b : vector<2x16xi32>
  return %hi : vector<2x16xi32>
}

// Both halves used: the low one is the wrapping i32 product. (A row of 7
// lanes, not a power of two, would take the extended product.)
// CHECK-LABEL: func.func @both(
// CHECK: %[[LO:.*]] = arith.muli %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK: arith.addi %[[LO]], %{{.*}} : vector<16xi32>
func.func @both(%a: vector<16xi32>, %b: vector<16xi32>) -> vector<16xi32> {
  %lo, %hi = arith.mulsi_extended %a, %b : vector<16xi32>
  %s = arith.addi %lo, %hi : vector<16xi32>
  return %s : vector<16xi32>
}

// CHECK-LABEL: func.func @odd_row(
// CHECK: arith.extsi %{{.*}} : vector<7xi32> to vector<7xi64>
func.func @odd_row(%a: vector<7xi32>, %b: vector<7xi32>) -> vector<7xi32> {
  %lo, %hi = arith.mulsi_extended %a, %b : vector<7xi32>
  return %hi : vector<7xi32>
}
