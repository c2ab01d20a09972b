// RUN: dyad-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(gpu.module(dyad-gpu-math-to-intrinsics))'
// RUN: not dyad-opt %s --split-input-file --pass-pipeline='builtin.module(gpu.module(dyad-gpu-math-to-intrinsics))' 2>/dev/null | FileCheck %s
// (the second input fails: `not`; its first is checked)

// Float math with an NVPTX instruction becomes an LLVM intrinsic call, which
// convert-gpu-to-nvvm leaves alone (it would call libdevice otherwise).
// CHECK-LABEL: gpu.func @exact
// CHECK: llvm.call_intrinsic "llvm.sqrt.f32"
// CHECK: llvm.call_intrinsic "llvm.roundeven.f32"
// CHECK: llvm.call_intrinsic "llvm.fabs.f64"
// CHECK: math.absi
// pow and cos become polynomials (no libdevice call, no math op left).
// CHECK-NOT: math.powf
// CHECK-NOT: math.cos
// CHECK: gpu.return
gpu.module @k {
  gpu.func @exact(%x: f32, %y: f64, %i: i32, %o32: memref<4xf32>, %o64: memref<1xf64>, %oi: memref<1xi32>) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %a = math.sqrt %x : f32
    %b = math.roundeven %a : f32
    %c = math.absf %y : f64
    %d = math.absi %i : i32
    %e = math.powf %x, %x : f32
    %f = math.cos %e : f32
    memref.store %b, %o32[%c0] : memref<4xf32>
    memref.store %f, %o32[%c1] : memref<4xf32>
    memref.store %c, %o64[%c0] : memref<1xf64>
    memref.store %d, %oi[%c0] : memref<1xi32>
    gpu.return
  }
}

// -----

gpu.module @k {
  gpu.func @libdevice_only(%x: f32, %out: memref<1xf32>) kernel {
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{GPU lowering: 'math.acos' on 'f32' has no NVPTX instruction (its libdevice function needs the CUDA toolkit)}}
    %a = math.acos %x : f32
    memref.store %a, %out[%c0] : memref<1xf32>
    gpu.return
  }
}
