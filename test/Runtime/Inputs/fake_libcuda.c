/* A stand-in for libcuda.so.1 on machines without a GPU: the driver API
 * functions the runtime resolves (lib/Runtime/CudaDriver.h), on host
 * memory. It knows the kernels of fake_gpu_model.c by name and runs them
 * on the CPU; kernel `fail` does not launch.
 *
 * Environment: FAKE_CUDA_DEVICES (default 1), FAKE_CUDA_CC (default "9.0"),
 * FAKE_CUDA_NO_POOLS=1 (no stream-ordered allocation),
 * FAKE_CUDA_NO_GRAPHS=1 (stream capture fails), FAKE_CUDA_POINTER_DEVICE=N (device memory is on GPU N); FAKE_CUDA_REPORT=1
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

/* Stream capture: the work queued on the capturing stream is recorded as
 * nodes instead of run; a graph exec replays them. Allocations made in a
 * capture are the graph's: they stay (at the same address) until the exec
 * is destroyed, and frees of them only end their use. */
enum NodeKind { kLaunch, kCopy };
struct Node {
  enum NodeKind kind;
  uint64_t a, b, c, n; /* launch: x, c, y, n; copy: dst, src, bytes */
  unsigned grid, block;
};
struct CUgraph_st {
  struct Node *nodes;
  int numNodes;
  CUdeviceptr *owned; /* graph allocations */
  int numOwned;
};
struct CUgraphExec_st {
  struct CUgraph_st g;
};
static CUstream capturing;
static int captureBroken;
static struct CUgraph_st *recording;
static int graphsCaptured, graphLaunches;
static CUdeviceptr *graphOwned; /* allocations of every live exec */
static int numGraphOwned, graphOwnedCap;

static int isGraphOwned(CUdeviceptr p) {
  for (int i = 0; i < numGraphOwned; ++i)
    if (graphOwned[i] == p)
      return 1;
  return 0;
}

static void record(struct Node node) {
  recording->nodes = realloc(recording->nodes, (recording->numNodes + 1) *
                                                   sizeof(struct Node));
  recording->nodes[recording->numNodes++] = node;
}

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
  case CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED:
    *str = "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED";
    return 0;
  case CUDA_ERROR_STREAM_CAPTURE_INVALIDATED:
    *str = "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED";
    return 0;
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
  case CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED:
    *str = "operation not permitted when stream is capturing";
    return 0;
  case CUDA_ERROR_STREAM_CAPTURE_INVALIDATED:
    *str = "operation failed due to a previous error during capture";
    return 0;
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
            "%d in, %d out, %d on the device; graphs: %d captured, %d "
            "launched; launches per stream:",
            asyncAllocs, plainAllocs, live, launches, modules, sharedSet,
            copiesIn, copiesOut, copiesOnDevice, graphsCaptured,
            graphLaunches);
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
CUresult cuStreamSynchronize(CUstream stream) {
  if (stream && stream == capturing) {
    captureBroken = 1; /* as the driver: waiting is not capturable */
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  }
  return check(stream);
}

CUresult cuStreamBeginCapture_v2(CUstream stream, int mode) {
  if (getenv("FAKE_CUDA_NO_GRAPHS") || isDefault(stream) || !stream ||
      capturing || mode < 0 || mode > 2)
    return CUDA_ERROR_NOT_SUPPORTED;
  capturing = stream;
  captureBroken = 0;
  recording = calloc(1, sizeof(struct CUgraph_st));
  return 0;
}

CUresult cuStreamEndCapture(CUstream stream, CUgraph *graph) {
  if (stream != capturing)
    return CUDA_ERROR_INVALID_VALUE;
  capturing = NULL;
  *graph = NULL;
  if (captureBroken) {
    free(recording->nodes);
    free(recording->owned);
    free(recording);
    return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
  }
  *graph = recording;
  ++graphsCaptured;
  return 0;
}

CUresult cuGraphInstantiateWithFlags(CUgraphExec *exec, CUgraph graph,
                                     unsigned long long flags) {
  if (flags)
    return CUDA_ERROR_INVALID_VALUE;
  *exec = calloc(1, sizeof(struct CUgraphExec_st));
  (*exec)->g = *graph;
  size_t n = graph->numNodes * sizeof(struct Node);
  (*exec)->g.nodes = malloc(n ? n : 1);
  if (n)
    memcpy((*exec)->g.nodes, graph->nodes, n);
  /* The exec takes over the graph's allocations. */
  graph->owned = NULL;
  graph->numOwned = 0;
  return 0;
}

CUresult cuGraphDestroy(CUgraph graph) {
  free(graph->nodes);
  for (int i = 0; i < graph->numOwned; ++i)
    free((void *)(uintptr_t)graph->owned[i]);
  free(graph->owned);
  free(graph);
  return 0;
}

static void addConstant(uint64_t x, uint64_t c, uint64_t y, uint64_t n,
                        unsigned threads) {
  for (int64_t i = 0; i < (int64_t)threads && i < (int64_t)n; ++i)
    ((float *)(uintptr_t)y)[i] =
        ((const float *)(uintptr_t)x)[i] + ((const float *)(uintptr_t)c)[0];
}

CUresult cuGraphLaunch(CUgraphExec exec, CUstream stream) {
  if (!stream || stream == capturing)
    return CUDA_ERROR_INVALID_VALUE;
  ++graphLaunches;
  for (int i = 0; i < exec->g.numNodes; ++i) {
    struct Node *n = &exec->g.nodes[i];
    if (n->kind == kLaunch)
      addConstant(n->a, n->b, n->c, n->n, n->grid * n->block);
    else
      memmove((void *)(uintptr_t)n->a, (const void *)(uintptr_t)n->b, n->c);
  }
  return 0;
}

CUresult cuGraphExecDestroy(CUgraphExec exec) {
  for (int i = 0; i < exec->g.numOwned; ++i) {
    CUdeviceptr p = exec->g.owned[i];
    for (int k = 0; k < numGraphOwned; ++k)
      if (graphOwned[k] == p)
        graphOwned[k] = graphOwned[--numGraphOwned];
    for (int k = 0; k < numAllocations; ++k)
      if (allocations[k].base == p)
        allocations[k] = allocations[--numAllocations];
    free((void *)(uintptr_t)p);
  }
  free(exec->g.owned);
  free(exec->g.nodes);
  free(exec);
  return 0;
}

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
  if (stream && stream == capturing) {
    /* The graph's memory: not live as the runtime's allocations are. */
    CUresult r = allocate(ptr, bytes);
    if (r)
      return r;
    --live;
    recording->owned = realloc(recording->owned,
                               (recording->numOwned + 1) * sizeof(CUdeviceptr));
    recording->owned[recording->numOwned++] = *ptr;
    if (numGraphOwned == graphOwnedCap) {
      graphOwnedCap = graphOwnedCap ? 2 * graphOwnedCap : 64;
      graphOwned = realloc(graphOwned, graphOwnedCap * sizeof(CUdeviceptr));
    }
    graphOwned[numGraphOwned++] = *ptr;
    return 0;
  }
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
  /* A graph allocation stays the graph's; freeing it ends this use. */
  if (isGraphOwned(ptr))
    return 0;
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
  if (stream && stream == capturing) {
    struct Node n = {kCopy, dst, src, bytes, 0, 0, 0};
    record(n);
    return 0;
  }
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
  if (stream == capturing) {
    if (strcmp(f->name, "add_constant"))
      return CUDA_ERROR_NOT_SUPPORTED;
    struct Node n = {kLaunch, *(uint64_t *)params[0], *(uint64_t *)params[1],
                     *(uint64_t *)params[2], *(uint64_t *)params[3], gx, bx};
    record(n);
    return 0;
  }
  ++launches;
  int id = isDefault(stream) ? 0 : *(int *)stream;
  if (id <= kStreams)
    ++streamLaunches[id];
  if (!strcmp(f->name, "fail"))
    return CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
  if (strcmp(f->name, "add_constant"))
    return CUDA_ERROR_INVALID_VALUE;
  addConstant(*(uint64_t *)params[0], *(uint64_t *)params[1],
              *(uint64_t *)params[2], *(uint64_t *)params[3], gx * bx);
  return 0;
}
