/* A stand-in for a model compiled by dyadc --target=nvptx, through the GPU
 * ABI (include/dyad/Runtime/dyad_gpu_abi.h): Y = X + 2 on float32 [N],
 * as kernel 0 (add_constant) into a temporary, then a device copy into the
 * result. Its PTX is real (sm_90), so it also runs on a GPU; CI runs it on
 * fake_libcuda.c (test/Runtime/gpu-load.test).
 *
 * Environment: FAKE_MODEL_INFO and FAKE_MODEL_PTX replace its info text and
 * PTX; FAKE_MODEL_FAIL=1 also launches kernel 1 (fail: traps);
 * FAKE_MODEL_SMEM=N launches kernel 0 with N bytes of dynamic shared
 * memory. */
#include "dyad/Runtime/dyad_gpu_abi.h"

#include <stdint.h>
#include <stdlib.h>

const char *dyad_model_info(void) {
  const char *info = getenv("FAKE_MODEL_INFO");
  return info ? info
              : "dyad-model 1\n"
                "input X 1 1 -1 N 0 0\n"
                "output Y 1 1 -1 N 0 0\n"
                "gpu sm_90 +ptx78 1\n"
                "kernel 0 add_constant\n"
                "kernel 1 fail\n";
}

const char *dyad_model_ptx(void) {
  const char *ptx = getenv("FAKE_MODEL_PTX");
  return ptx ? ptx
             : ".version 7.8\n"
               ".target sm_90\n"
               ".address_size 64\n"
               "\n"
               ".visible .entry add_constant(.param .u64 x, .param .u64 c,\n"
               "                             .param .u64 y, .param .u64 n)\n"
               "{\n"
               "  .reg .pred %p;\n"
               "  .reg .b32 %r<4>;\n"
               "  .reg .b64 %rd<12>;\n"
               "  .reg .f32 %f<4>;\n"
               "  ld.param.u64 %rd1, [x];\n"
               "  ld.param.u64 %rd2, [c];\n"
               "  ld.param.u64 %rd3, [y];\n"
               "  ld.param.u64 %rd4, [n];\n"
               "  mov.u32 %r1, %ctaid.x;\n"
               "  mov.u32 %r2, %ntid.x;\n"
               "  mov.u32 %r3, %tid.x;\n"
               "  mul.wide.u32 %rd5, %r1, %r2;\n"
               "  cvt.u64.u32 %rd6, %r3;\n"
               "  add.u64 %rd5, %rd5, %rd6;\n"
               "  setp.ge.s64 %p, %rd5, %rd4;\n"
               "  @%p bra DONE;\n"
               "  cvta.to.global.u64 %rd1, %rd1;\n"
               "  cvta.to.global.u64 %rd2, %rd2;\n"
               "  cvta.to.global.u64 %rd3, %rd3;\n"
               "  shl.b64 %rd7, %rd5, 2;\n"
               "  add.u64 %rd8, %rd1, %rd7;\n"
               "  ld.global.f32 %f1, [%rd8];\n"
               "  ld.global.f32 %f2, [%rd2];\n"
               "  add.f32 %f3, %f1, %f2;\n"
               "  add.u64 %rd9, %rd3, %rd7;\n"
               "  st.global.f32 [%rd9], %f3;\n"
               "DONE:\n"
               "  ret;\n"
               "}\n"
               "\n"
               ".visible .entry fail()\n"
               "{\n"
               "  trap;\n"
               "}\n";
}

/* args: the result descriptor {allocated, aligned, offset, size, stride},
 * X's descriptor, the run's dyad_gpu_ctx. */
void dyad_model_entry(void **args) {
  int64_t *result = (int64_t *)args[0];
  const int64_t *x = (const int64_t *)args[1];
  dyad_gpu_ctx *ctx = (dyad_gpu_ctx *)args[2];
  float *xd = (float *)(intptr_t)x[1];
  int64_t n = x[3];
  static const float two = 2;
  float *c = (float *)ctx->constant(ctx, 0, &two, sizeof two);
  float *tmp = (float *)ctx->alloc(ctx, n * 4);
  void *params[] = {&xd, &c, &tmp, &n};
  const char *smem = getenv("FAKE_MODEL_SMEM");
  /* An empty batch is an empty grid, which launches nothing. */
  ctx->launch(ctx, 0, (n + 127) / 128, 1, 1, 128, 1, 1,
              smem ? atoll(smem) : 0, params);
  if (getenv("FAKE_MODEL_FAIL"))
    ctx->launch(ctx, 1, 1, 1, 1, 1, 1, 1, 0, NULL);
  float *y = (float *)ctx->alloc(ctx, n * 4);
  ctx->copy(ctx, y, tmp, n * 4);
  ctx->free(ctx, tmp);
  result[0] = result[1] = (int64_t)(intptr_t)y;
  result[2] = 0;
  result[3] = n;
  result[4] = 1;
}
