// RUN: dyad-opt %s --pass-pipeline='builtin.module(func.func(dyad-cpu-expand-math))' | FileCheck %s

// erf has no LLVM intrinsic: as a polynomial (plain arithmetic), on scalars
// and vectors alike, so that vector lanes are not libm calls and scalar and
// vector code agree.
// CHECK-LABEL: func.func @erf(
// CHECK-NOT:     math.erf
// CHECK:         arith.select {{.*}} : vector<16xi1>, vector<16xf32>
// CHECK-NOT:     math.erf
// CHECK:         return
func.func @erf(%x: vector<16xf32>, %s: f32) -> (vector<16xf32>, f32) {
  %0 = math.erf %x : vector<16xf32>
  %1 = math.erf %s : f32
  return %0, %1 : vector<16xf32>, f32
}

// exp too: llvm.exp on a vector is one expf call per lane on x86 (no vector
// math library); as a polynomial with a power-of-two scaling, on scalars and
// vectors alike.
// CHECK-LABEL: func.func @exp(
// CHECK-NOT:     math.exp
// CHECK:         math.floor {{.*}} : vector<16xf32>
// CHECK-NOT:     math.exp
// CHECK:         return
func.func @exp(%x: vector<16xf32>, %s: f32) -> (vector<16xf32>, f32) {
  %0 = math.exp %x : vector<16xf32>
  %1 = math.exp %s : f32
  return %0, %1 : vector<16xf32>, f32
}
