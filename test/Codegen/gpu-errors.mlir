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
gpu.module @k {
  gpu.func @exact(%x: f32, %y: f64, %i: i32) kernel {
    %a = math.sqrt %x : f32
    %b = math.roundeven %a : f32
    %c = math.absf %y : f64
    %d = math.absi %i : i32
    gpu.return
  }
}

// -----

gpu.module @k {
  gpu.func @libdevice_only(%x: f32) kernel {
    // expected-error @+1 {{GPU lowering: 'math.cos' on 'f32' has no NVPTX instruction (its libdevice function needs the CUDA toolkit)}}
    %a = math.cos %x : f32
    gpu.return
  }
}
