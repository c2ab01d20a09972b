/* A stand-in for libcuda.so.1 on machines without a GPU: the driver API
 * functions the runtime resolves (lib/Runtime/CudaDriver.h), on host
 * memory. It knows the kernels of fake_gpu_model.c by name and runs them
 * on the CPU; kernel `fail` does not launch.
 *
 * Environment: FAKE_CUDA_DEVICES (default 1), FAKE_CUDA_CC (default "9.0"),
 * FAKE_CUDA_NO_POOLS=1 (no stream-ordered allocation),
 * FAKE_CUDA_POINTER_DEVICE=N (device memory is on GPU N); FAKE_CUDA_REPORT=1
 * prints what happened to stderr when the context is released. */
#include "CudaDriver.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int live, asyncAllocs, plainAllocs, launches, modules;
static int sharedSet;
static int copiesIn, copiesOut, copiesOnDevice;
/* Launches per stream, by the order the streams were created (1, 2, ...);
 * 0: the default stream (CU_STREAM_LEGACY, CU_STREAM_PER_THREAD). */
enum { kStreams = 8 };
static int streamsMade, streamLaunches[kStreams + 1];
/* The live allocations, for cuMemGetAddressRange. */
static struct {
  CUdeviceptr base;
  size_t size;
} *allocations;
static int numAllocations, allocationsCap;

static int envInt(const char *name, int otherwise) {
  const char *v = getenv(name);
  return v ? atoi(v) : otherwise;
}

/* The driver's names of the default stream. */
static int isDefault(const void *stream) {
  return (uintptr_t)stream == 1 || (uintptr_t)stream == 2;
}

static CUresult check(const void *p) {
  return p ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult cuInit(unsigned flags) { return flags ? CUDA_ERROR_INVALID_VALUE : 0; }

CUresult cuGetErrorName(CUresult error, const char **str) {
  switch (error) {
  case CUDA_SUCCESS: *str = "CUDA_SUCCESS"; return 0;
  case CUDA_ERROR_INVALID_VALUE: *str = "CUDA_ERROR_INVALID_VALUE"; return 0;
  case CUDA_ERROR_OUT_OF_MEMORY: *str = "CUDA_ERROR_OUT_OF_MEMORY"; return 0;
  case CUDA_ERROR_NO_DEVICE: *str = "CUDA_ERROR_NO_DEVICE"; return 0;
  case CUDA_ERROR_INVALID_PTX: *str = "CUDA_ERROR_INVALID_PTX"; return 0;
  case CUDA_ERROR_NOT_FOUND: *str = "CUDA_ERROR_NOT_FOUND"; return 0;
  case CUDA_ERROR_NOT_SUPPORTED: *str = "CUDA_ERROR_NOT_SUPPORTED"; return 0;
  case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES:
    *str = "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
    return 0;
  }
  *str = NULL;
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult cuGetErrorString(CUresult error, const char **str) {
  switch (error) {
  case CUDA_SUCCESS: *str = "no error"; return 0;
  case CUDA_ERROR_INVALID_VALUE: *str = "invalid argument"; return 0;
  case CUDA_ERROR_OUT_OF_MEMORY: *str = "out of memory"; return 0;
  case CUDA_ERROR_NO_DEVICE:
    *str = "no CUDA-capable device is detected";
    return 0;
  case CUDA_ERROR_INVALID_PTX:
    *str = "a PTX JIT compilation failed";
    return 0;
  case CUDA_ERROR_NOT_FOUND: *str = "named symbol not found"; return 0;
  case CUDA_ERROR_NOT_SUPPORTED: *str = "operation not supported"; return 0;
  case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES:
    *str = "too many resources requested for launch";
    return 0;
  }
  *str = NULL;
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult cuDeviceGetCount(int *count) {
  *count = envInt("FAKE_CUDA_DEVICES", 1);
  return 0;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  if (ordinal < 0 || ordinal >= envInt("FAKE_CUDA_DEVICES", 1))
    return CUDA_ERROR_INVALID_VALUE;
  *device = ordinal;
  return 0;
}

CUresult cuDeviceGetAttribute(int *value, int attrib, CUdevice dev) {
  const char *cc = getenv("FAKE_CUDA_CC");
  int major = 9, minor = 0;
  (void)dev;
  if (cc && sscanf(cc, "%d.%d", &major, &minor) != 2)
    return CUDA_ERROR_INVALID_VALUE;
  switch (attrib) {
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *value = major; return 0;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *value = minor; return 0;
  case CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED:
    *value = !getenv("FAKE_CUDA_NO_POOLS");
    return 0;
  }
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult cuDeviceGetName(char *name, int len, CUdevice dev) {
  snprintf(name, (size_t)len, "Fake GPU %d", dev);
  return 0;
}

static struct CUctx_st *const theContext = (struct CUctx_st *)&live;

CUresult cuDevicePrimaryCtxRetain(CUcontext *ctx, CUdevice dev) {
  (void)dev;
  *ctx = theContext;
  return 0;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev) {
  (void)dev;
  if (getenv("FAKE_CUDA_REPORT"))
    fprintf(stderr,
            "fake libcuda: %d stream-ordered allocations, %d plain, %d live; "
            "%d launches; %d modules loaded; shared memory limit %d; copies: "
            "%d in, %d out, %d on the device; launches per stream:",
            asyncAllocs, plainAllocs, live, launches, modules, sharedSet,
            copiesIn, copiesOut, copiesOnDevice);
  if (getenv("FAKE_CUDA_REPORT")) {
    for (int i = 0; i <= streamsMade && i <= kStreams; ++i)
      fprintf(stderr, " %d:%d", i, streamLaunches[i]);
    fprintf(stderr, "\n");
  }
  return 0;
}

CUresult cuCtxPushCurrent_v2(CUcontext ctx) {
  return ctx == theContext ? 0 : CUDA_ERROR_INVALID_VALUE;
}

CUresult cuCtxPopCurrent_v2(CUcontext *ctx) {
  *ctx = theContext;
  return 0;
}

/* A module keeps its PTX, to look kernels up in it. */
struct CUmod_st {
  char *ptx;
};
struct CUfunc_st {
  char name[64];
};

CUresult cuModuleLoadDataEx(CUmodule *module, const void *image,
                            unsigned numOptions, CUjit_option *options,
                            void **optionValues) {
  const char *ptx = (const char *)image;
  if (!strstr(ptx, ".entry")) {
    char *log = NULL;
    size_t size = 0;
    for (unsigned i = 0; i < numOptions; ++i) {
      if (options[i] == CU_JIT_ERROR_LOG_BUFFER)
        log = (char *)optionValues[i];
      if (options[i] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES)
        size = (size_t)(uintptr_t)optionValues[i];
    }
    if (log && size)
      snprintf(log, size,
               "ptxas application ptx input, line 1; fatal   : Parsing error "
               "near '%.20s': syntax error\n",
               ptx);
    return CUDA_ERROR_INVALID_PTX;
  }
  *module = (CUmodule)malloc(sizeof(struct CUmod_st));
  (*module)->ptx = strdup(ptx);
  ++modules;
  return 0;
}

CUresult cuModuleUnload(CUmodule module) {
  free(module->ptx);
  free(module);
  --modules;
  return 0;
}

CUresult cuModuleGetFunction(CUfunction *func, CUmodule module,
                             const char *name) {
  char entry[80];
  snprintf(entry, sizeof entry, ".entry %s(", name);
  if (!strstr(module->ptx, entry) || strlen(name) >= 64)
    return CUDA_ERROR_NOT_FOUND;
  /* Handles live as long as the process, as far as the runtime knows. */
  static struct CUfunc_st functions[16];
  static int used;
  for (int i = 0; i < used; ++i)
    if (!strcmp(functions[i].name, name)) {
      *func = &functions[i];
      return 0;
    }
  if (used == 16)
    return CUDA_ERROR_OUT_OF_MEMORY;
  strcpy(functions[used].name, name);
  *func = &functions[used++];
  return 0;
}

CUresult cuFuncSetAttribute(CUfunction func, int attrib, int value) {
  if (attrib != CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES ||
      value > 227 * 1024)
    return CUDA_ERROR_INVALID_VALUE;
  (void)func;
  sharedSet = value;
  return 0;
}

CUresult cuStreamCreate(CUstream *stream, unsigned flags) {
  if (flags != CU_STREAM_NON_BLOCKING)
    return CUDA_ERROR_INVALID_VALUE;
  /* A stream is its number. */
  int *id = (int *)malloc(sizeof(int));
  *id = ++streamsMade;
  *stream = (CUstream)id;
  return 0;
}
CUresult cuStreamDestroy_v2(CUstream stream) {
  free(stream);
  return 0;
}
CUresult cuStreamSynchronize(CUstream stream) { return check(stream); }

/* Events: the host's clock at record time. */
CUresult cuEventCreate(CUevent *event, unsigned flags) {
  (void)flags;
  *event = (CUevent)calloc(1, sizeof(struct timespec));
  return *event ? 0 : CUDA_ERROR_OUT_OF_MEMORY;
}
CUresult cuEventDestroy_v2(CUevent event) {
  free(event);
  return 0;
}
CUresult cuEventRecord(CUevent event, CUstream stream) {
  clock_gettime(CLOCK_MONOTONIC, (struct timespec *)event);
  return check(stream);
}
CUresult cuEventSynchronize(CUevent event) { return event ? 0 : 1; }
CUresult cuEventElapsedTime(float *ms, CUevent start, CUevent end) {
  const struct timespec *a = (const struct timespec *)start;
  const struct timespec *b = (const struct timespec *)end;
  *ms = (float)((b->tv_sec - a->tv_sec) * 1e3 + (b->tv_nsec - a->tv_nsec) / 1e6);
  return 0;
}

static CUresult allocate(CUdeviceptr *ptr, size_t bytes) {
  void *p = NULL;
  if (!bytes || posix_memalign(&p, 256, bytes))
    return bytes ? CUDA_ERROR_OUT_OF_MEMORY : CUDA_ERROR_INVALID_VALUE;
  *ptr = (CUdeviceptr)(uintptr_t)p;
  ++live;
  if (numAllocations == allocationsCap) {
    allocationsCap = allocationsCap ? 2 * allocationsCap : 64;
    allocations = realloc(allocations, allocationsCap * sizeof(*allocations));
  }
  allocations[numAllocations].base = *ptr;
  allocations[numAllocations++].size = bytes;
  return 0;
}

static int findAllocation(CUdeviceptr p) {
  for (int i = 0; i < numAllocations; ++i)
    if (p >= allocations[i].base && p < allocations[i].base + allocations[i].size)
      return i;
  return -1;
}

CUresult cuMemGetAddressRange_v2(CUdeviceptr *base, size_t *size,
                                 CUdeviceptr ptr) {
  int i = findAllocation(ptr);
  if (i < 0)
    return CUDA_ERROR_NOT_FOUND;
  *base = allocations[i].base;
  *size = allocations[i].size;
  return 0;
}

CUresult cuPointerGetAttribute(void *data, int attribute, CUdeviceptr ptr) {
  if (attribute != CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL)
    return CUDA_ERROR_INVALID_VALUE;
  if (findAllocation(ptr) < 0)
    return CUDA_ERROR_INVALID_VALUE;
  *(int *)data = envInt("FAKE_CUDA_POINTER_DEVICE", 0);
  return 0;
}
CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t bytes) {
  ++plainAllocs;
  return allocate(ptr, bytes);
}
CUresult cuMemAllocAsync(CUdeviceptr *ptr, size_t bytes, CUstream stream) {
  ++asyncAllocs;
  return stream ? allocate(ptr, bytes) : CUDA_ERROR_INVALID_VALUE;
}
CUresult cuMemFree_v2(CUdeviceptr ptr) {
  for (int i = 0; i < numAllocations; ++i)
    if (allocations[i].base == ptr) {
      allocations[i] = allocations[--numAllocations];
      free((void *)(uintptr_t)ptr);
      --live;
      return 0;
    }
  return CUDA_ERROR_INVALID_VALUE;
}
CUresult cuMemFreeAsync(CUdeviceptr ptr, CUstream stream) {
  if (!stream)
    return CUDA_ERROR_INVALID_VALUE;
  return cuMemFree_v2(ptr);
}
CUresult cuDeviceGetDefaultMemPool(CUmemoryPool *pool, CUdevice dev) {
  (void)dev;
  *pool = (CUmemoryPool)&sharedSet;
  return 0;
}
CUresult cuMemPoolSetAttribute(CUmemoryPool pool, int attr, void *value) {
  (void)pool;
  return attr == CU_MEMPOOL_ATTR_RELEASE_THRESHOLD ? check(value)
                                                   : CUDA_ERROR_INVALID_VALUE;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t bytes,
                              CUstream stream) {
  memcpy((void *)(uintptr_t)dst, src, bytes);
  ++copiesIn;
  return check(stream);
}
CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t bytes,
                              CUstream stream) {
  memcpy(dst, (const void *)(uintptr_t)src, bytes);
  ++copiesOut;
  return check(stream);
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                              CUstream stream) {
  memmove((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, bytes);
  ++copiesOnDevice;
  return check(stream);
}

CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned smem,
                        CUstream stream, void **params, void **extra) {
  (void)gy; (void)gz; (void)by; (void)bz; (void)extra;
  if (!stream || (smem > 48 * 1024 && (int)smem > sharedSet))
    return CUDA_ERROR_INVALID_VALUE;
  ++launches;
  int id = isDefault(stream) ? 0 : *(int *)stream;
  if (id <= kStreams)
    ++streamLaunches[id];
  if (!strcmp(f->name, "fail"))
    return CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
  if (strcmp(f->name, "add_constant"))
    return CUDA_ERROR_INVALID_VALUE;
  const float *x = *(const float **)params[0], *c = *(const float **)params[1];
  float *y = *(float **)params[2];
  int64_t n = *(const int64_t *)params[3];
  for (int64_t i = 0; i < (int64_t)gx * bx && i < n; ++i)
    y[i] = x[i] + c[0];
  return 0;
}
