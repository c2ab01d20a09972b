// RUN: dyad-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(dyad-gpu-host-to-llvm)'

// The host code of a GPU model only sizes, allocates and launches: an op
// that would read device memory on the CPU is an error, not a crash at run
// time.
func.func @host_load(%x: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{GPU lowering: 'memref.load' was left on the host, whose code only sizes, allocates and launches (it cannot touch device memory)}}
  %v = memref.load %x[%c0] : memref<4xf32>
  return %v : f32
}

// -----

func.func @host_loop(%x: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{GPU lowering: 'scf.for' was left on the host}}
  scf.for %i = %c0 to %c4 step %c1 {
  }
  return
}
