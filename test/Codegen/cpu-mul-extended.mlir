// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-lower-vectors))' | FileCheck %s
// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-lower-vectors),convert-vector-to-llvm,convert-arith-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts)' | mlir-translate --mlir-to-llvmir | llc -O2 -mtriple=x86_64-unknown-linux-gnu -mattr=+avx512f | FileCheck %s --check-prefix=ASM

// The requantization's high multiply (arith.mulsi_extended / mului_extended
// of i32, QuantToArith.cpp) on the n-D vectors of a kernel tile, which MLIR
// 22 cannot convert to LLVM: the i64 product of the extended operands,
// split. LLVM multiplies with vpmuldq / vpmuludq (32 x 32 -> 64 bits), never
// a full 64-bit vpmullq.

// CHECK-LABEL: func.func @signed(
// CHECK: %[[A:.*]] = arith.extsi %{{.*}} : vector<2x16xi32> to vector<2x16xi64>
// CHECK: %[[B:.*]] = arith.extsi %{{.*}} : vector<2x16xi32> to vector<2x16xi64>
// CHECK: %[[P:.*]] = arith.muli %[[A]], %[[B]] : vector<2x16xi64>
// CHECK: %[[H:.*]] = arith.shrui %[[P]], %{{.*}} : vector<2x16xi64>
// CHECK: arith.trunci %[[H]] : vector<2x16xi64> to vector<2x16xi32>
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
// CHECK: arith.extui %{{.*}} : vector<2x16xi32> to vector<2x16xi64>
// CHECK: arith.extui %{{.*}} : vector<2x16xi32> to vector<2x16xi64>
// CHECK-NOT: mului_extended
// ASM-LABEL: unsigned:
// ASM-COUNT-4: vpmuludq
// ASM-NOT: vpmullq
// ASM: ret
func.func @unsigned(%a: vector<2x16xi32>, %b: vector<2x16xi32>) -> vector<2x16xi32> {
  %lo, %hi = arith.mului_extended %a, %b : vector<2x16xi32>
  return %hi : vector<2x16xi32>
}
