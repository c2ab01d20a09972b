/*===- dyad_gpu_abi.h - between GPU model code and the runtime ----*- C -*-===*
 *
 * A model compiled with `dyadc --target=nvptx` keeps its graph's control on
 * the host: its entry point allocates device buffers and launches the
 * kernels in order through the callbacks below, which the runtime
 * (lib/Runtime) implements on the CUDA driver API. The generated code knows
 * nothing of CUDA: no handle, no stream, no symbol of libcuda.
 *
 * The model library exports, on top of the CPU ABI (Runtime.cpp):
 *
 *   const char *dyad_model_ptx(void);   NUL-terminated PTX of every kernel
 *
 * and its info text has the lines
 *
 *   gpu <chip> <ptx features> <abi>     e.g. "gpu sm_90 +ptx80 1": the
 *                                       chip, NVPTX features ("_": none)
 *                                       and DYAD_GPU_ABI_VERSION, which
 *                                       the runtime checks
 *   kernel <index> <name>               one per kernel, indices 0..n-1
 *
 * dyad_model_entry(void **args) then takes one more pointer after the input
 * descriptors: the dyad_gpu_ctx of the run. Input descriptors point at
 * device memory; the results are descriptors of device buffers the model
 * got from ctx->alloc, which the runtime copies out and frees (a result
 * that is an input or a constant, as an identity graph gives, is copied
 * and not freed).
 *
 * The generated code calls field i through the pointer at byte offset
 * 8 * i, so fields are only appended, never reordered.
 *
 *===----------------------------------------------------------------------===*/
#ifndef DYAD_RUNTIME_DYAD_GPU_ABI_H
#define DYAD_RUNTIME_DYAD_GPU_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DYAD_GPU_ABI_VERSION 1

typedef struct dyad_gpu_ctx dyad_gpu_ctx;

struct dyad_gpu_ctx {
  /* Device memory of at least `bytes` bytes (0 bytes: a valid pointer all
   * the same, to be freed), aligned for any element type, ordered on the
   * run's stream. NULL on failure (the run then fails with the reason;
   * later launches of the run are skipped). */
  void *(*alloc)(dyad_gpu_ctx *ctx, int64_t bytes);
  /* Frees what alloc returned (NULL is ignored). */
  void (*free)(dyad_gpu_ctx *ctx, void *ptr);
  /* The device copy of the model's constant number `id` (its `bytes` bytes
   * at `host`), uploaded once per model instance on first use. */
  void *(*constant)(dyad_gpu_ctx *ctx, int64_t id, const void *host,
                    int64_t bytes);
  /* Launches kernel number `kernel` (the info text's index) on a grid of
   * gx*gy*gz blocks of bx*by*bz threads with `smem` bytes of dynamic shared
   * memory; params[i] points at the kernel's i-th parameter (as
   * cuLaunchKernel's kernelParams). An empty grid (an op on an empty
   * batch) launches nothing. */
  void (*launch)(dyad_gpu_ctx *ctx, int64_t kernel, int64_t gx, int64_t gy,
                 int64_t gz, int64_t bx, int64_t by, int64_t bz, int64_t smem,
                 void **params);
  /* Device-to-device copy of `bytes` bytes, ordered on the run's stream. */
  void (*copy)(dyad_gpu_ctx *ctx, void *dst, const void *src, int64_t bytes);
  /* The runtime's own state follows; the model code never reads it. */
};

#ifdef __cplusplus
}
#endif

#endif /* DYAD_RUNTIME_DYAD_GPU_ABI_H */
