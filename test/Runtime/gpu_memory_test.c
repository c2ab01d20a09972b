/* Runs a GPU model on tensors in device memory (dyad_model_set_memory) and
 * on the caller's stream (dyad_model_set_gpu_stream), as a program that has
 * its data on the GPU does: the device buffers come from the CUDA driver it
 * opens itself. Prints one line per check; lit compares them
 * (test/Runtime/gpu-memory.test, on the stand-in driver). The model is one
 * computing Y = X + 2 on float32 [N] (Inputs/fake_gpu_model.c, whose PTX is
 * real), so the program also runs on a GPU:
 *   dyad-gpu-memory-test dyad-fake-gpu-model.so libcuda.so.1 [cpu-model.so]
 */
#include "CudaDriver.h"
#include "dyad/Runtime/dyad_runtime.h"

#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CHECK(what, m, expr)                                                   \
  do {                                                                         \
    dyad_status s_ = (expr);                                                   \
    printf("%s: status %d: %s\n", what, (int)s_, dyad_model_last_error(m));   \
  } while (0)

enum { N = 300 };

static struct {
  CUresult (*init)(unsigned);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*retain)(CUcontext *, CUdevice);
  CUresult (*release)(CUdevice);
  CUresult (*push)(CUcontext);
  CUresult (*pop)(CUcontext *);
  CUresult (*streamCreate)(CUstream *, unsigned);
  CUresult (*streamDestroy)(CUstream);
  CUresult (*sync)(CUstream);
  CUresult (*alloc)(CUdeviceptr *, size_t);
  CUresult (*free)(CUdeviceptr);
  CUresult (*toDevice)(CUdeviceptr, const void *, size_t, CUstream);
  CUresult (*toHost)(void *, CUdeviceptr, size_t, CUstream);
} cu;
static CUstream copies;

static int openDriver(const char *path) {
  void *h = dlopen(path, RTLD_NOW);
  if (!h)
    return 0;
#define SYM(field, name)                                                       \
  if (!(*(void **)&cu.field = dlsym(h, name)))                                 \
    return 0;
  SYM(init, "cuInit");
  SYM(deviceGet, "cuDeviceGet");
  SYM(retain, "cuDevicePrimaryCtxRetain");
  SYM(release, "cuDevicePrimaryCtxRelease_v2");
  SYM(push, "cuCtxPushCurrent_v2");
  SYM(pop, "cuCtxPopCurrent_v2");
  SYM(streamCreate, "cuStreamCreate");
  SYM(streamDestroy, "cuStreamDestroy_v2");
  SYM(sync, "cuStreamSynchronize");
  SYM(alloc, "cuMemAlloc_v2");
  SYM(free, "cuMemFree_v2");
  SYM(toDevice, "cuMemcpyHtoDAsync_v2");
  SYM(toHost, "cuMemcpyDtoHAsync_v2");
#undef SYM
  return 1;
}

static void *deviceCopy(const float *host, size_t count, size_t bytes) {
  CUdeviceptr p = 0;
  if (cu.alloc(&p, bytes) ||
      (count && cu.toDevice(p, host, count * sizeof(float), copies)) ||
      cu.sync(copies))
    return NULL;
  return (void *)(uintptr_t)p;
}

/* Y read back from the device: whether it is x[first..first+n) + 2. */
static void checkY(const char *what, const void *y, int64_t first, int64_t n,
                   const float *x) {
  float host[N];
  memset(host, 0, sizeof host);
  if (cu.toHost(host, (CUdeviceptr)(uintptr_t)y, (size_t)n * sizeof(float),
                copies) ||
      cu.sync(copies)) {
    printf("%s: cannot read Y back\n", what);
    return;
  }
  int bad = 0;
  for (int64_t i = 0; i < n; ++i)
    bad += host[i] != x[first + i] + 2;
  printf("%s: %lld values, %d wrong\n", what, (long long)n, bad);
}

static void tensor(dyad_tensor *t, void *data, int64_t n, size_t capacity) {
  memset(t, 0, sizeof *t);
  t->data = data;
  t->dtype = DYAD_FLOAT32;
  t->rank = 1;
  t->shape[0] = n;
  t->capacity_bytes = capacity;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  if (!openDriver(argv[2])) {
    printf("cannot open the driver %s\n", argv[2]);
    return 1;
  }
  char err[512];
  dyad_model *m = NULL;
  dyad_status s = dyad_model_load(argv[1], &m, err, sizeof err);
  printf("load: status %d %s\n", (int)s, s ? err : "");
  if (s)
    return 1;
  // The model's GPU and its primary context, which the device buffers are
  // allocated in (as the CUDA runtime does).
  CUdevice dev;
  CUcontext ctx, popped;
  if (cu.init(0) || cu.deviceGet(&dev, dyad_model_gpu_device(m)) ||
      cu.retain(&ctx, dev) || cu.push(ctx) ||
      cu.streamCreate(&copies, CU_STREAM_NON_BLOCKING)) {
    printf("cannot set up the device\n");
    return 1;
  }
  printf("gpu device %d\n", dyad_model_gpu_device(m));
  dyad_memory mi = DYAD_MEMORY_DEVICE, mo = DYAD_MEMORY_DEVICE;
  CHECK("memory", m, dyad_model_memory(m, &mi, &mo));
  printf("inputs %d outputs %d\n", (int)mi, (int)mo);

  float x[N], x2[N];
  for (int i = 0; i < N; ++i) {
    x[i] = (float)i * 0.5f - 7;
    x2[i] = (float)i * -3.0f + 11;
  }
  void *dx = deviceCopy(x, N, N * sizeof(float));
  void *dx2 = deviceCopy(x2, N, N * sizeof(float));
  void *dy = deviceCopy(NULL, 0, N * sizeof(float));
  if (!dx || !dx2 || !dy) {
    printf("cannot allocate device buffers\n");
    return 1;
  }
  dyad_tensor in, out;

  // Inputs and outputs in device memory, on the model's own stream.
  CHECK("set device", m,
        dyad_model_set_memory(m, DYAD_MEMORY_DEVICE, DYAD_MEMORY_DEVICE));
  CHECK("memory", m, dyad_model_memory(m, &mi, &mo));
  printf("inputs %d outputs %d\n", (int)mi, (int)mo);
  tensor(&in, dx, N, N * sizeof(float));
  tensor(&out, dy, 0, N * sizeof(float));
  CHECK("device run", m, dyad_model_run(m, &in, 1, &out, 1));
  printf("output shape [%lld]\n", (long long)out.shape[0]);
  checkY("device run", dy, 0, N, x);

  // An input that is not 256-byte aligned (a view one element in) is
  // copied on the device first; the result is the same.
  tensor(&in, (float *)dx + 1, N - 1, 0);
  tensor(&out, dy, 0, N * sizeof(float));
  CHECK("offset input", m, dyad_model_run(m, &in, 1, &out, 1));
  checkY("offset input", dy, 1, N - 1, x);

  // The caller's stream.
  CUstream mine;
  if (cu.streamCreate(&mine, CU_STREAM_NON_BLOCKING))
    return 1;
  CHECK("set stream", m, dyad_model_set_gpu_stream(m, mine));
  tensor(&in, dx, N, 0);
  tensor(&out, dy, 0, N * sizeof(float));
  CHECK("stream run", m, dyad_model_run(m, &in, 1, &out, 1));
  checkY("stream run", dy, 0, N, x);
  // Again with other data (where graphs replay a run, the new input).
  tensor(&in, dx2, N, 0);
  CHECK("other data", m, dyad_model_run(m, &in, 1, &out, 1));
  checkY("other data", dy, 0, N, x2);
  tensor(&in, dx, N, 0);
  // The default stream, as the driver names it (CU_STREAM_LEGACY).
  CHECK("legacy stream", m, dyad_model_set_gpu_stream(m, (void *)0x1));
  CHECK("legacy stream run", m, dyad_model_run(m, &in, 1, &out, 1));
  checkY("legacy stream run", dy, 0, N, x);
  CHECK("unset stream", m, dyad_model_set_gpu_stream(m, NULL));

  // Device buffers that are not what they claim, refused before any work.
  tensor(&in, x, N, 0);
  tensor(&out, dy, 0, N * sizeof(float));
  CHECK("host input", m, dyad_model_run(m, &in, 1, &out, 1));
  tensor(&in, dx, N + 100, 0);
  CHECK("input past its allocation", m, dyad_model_run(m, &in, 1, &out, 1));
  float yHost[N];
  tensor(&in, dx, N, 0);
  tensor(&out, yHost, 0, sizeof yHost);
  CHECK("host output", m, dyad_model_run(m, &in, 1, &out, 1));
  tensor(&out, dy, 0, 2 * N * sizeof(float));
  CHECK("output capacity past its allocation", m,
        dyad_model_run(m, &in, 1, &out, 1));
  tensor(&out, dy, 0, 8);
  CHECK("small output", m, dyad_model_run(m, &in, 1, &out, 1));
  printf("reported shape [%lld]\n", (long long)out.shape[0]);
  CHECK("bad kind", m, dyad_model_set_memory(m, 7,
                                             DYAD_MEMORY_HOST));

  // Host inputs, device outputs; then host both ways again.
  CHECK("host in, device out", m,
        dyad_model_set_memory(m, DYAD_MEMORY_HOST, DYAD_MEMORY_DEVICE));
  tensor(&in, x2, N, 0);
  tensor(&out, dy, 0, N * sizeof(float));
  CHECK("mixed run", m, dyad_model_run(m, &in, 1, &out, 1));
  checkY("mixed run", dy, 0, N, x2);
  tensor(&in, x, N, 0);
  CHECK("host", m, dyad_model_set_memory(m, DYAD_MEMORY_HOST,
                                         DYAD_MEMORY_HOST));
  memset(yHost, 0, sizeof yHost);
  tensor(&out, yHost, 0, sizeof yHost);
  CHECK("host run", m, dyad_model_run(m, &in, 1, &out, 1));
  int bad = 0;
  for (int i = 0; i < N; ++i)
    bad += yHost[i] != x[i] + 2;
  printf("host run: %d values, %d wrong\n", N, bad);

  cu.free((CUdeviceptr)(uintptr_t)dx);
  cu.free((CUdeviceptr)(uintptr_t)dx2);
  cu.free((CUdeviceptr)(uintptr_t)dy);
  cu.streamDestroy(mine);
  cu.streamDestroy(copies);
  cu.pop(&popped);
  dyad_model_free(m);
  cu.release(dev);

  // A CPU model takes host memory only.
  if (argc > 3) {
    dyad_model *c = NULL;
    s = dyad_model_load(argv[3], &c, err, sizeof err);
    printf("cpu load: status %d %s\n", (int)s, s ? err : "");
    if (s)
      return 1;
    printf("cpu gpu device %d\n", dyad_model_gpu_device(c));
    CHECK("cpu device memory", c,
          dyad_model_set_memory(c, DYAD_MEMORY_HOST, DYAD_MEMORY_DEVICE));
    CHECK("cpu host memory", c,
          dyad_model_set_memory(c, DYAD_MEMORY_HOST, DYAD_MEMORY_HOST));
    CHECK("cpu stream", c, dyad_model_set_gpu_stream(c, &s));
    dyad_model_free(c);
  }
  return 0;
}
