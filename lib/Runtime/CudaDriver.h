/*===- CudaDriver.h - the CUDA driver API, declared by hand -----*- C -*-===*
 *
 * The few types, constants and functions of libcuda the runtime uses, so
 * that building it needs no CUDA toolkit: the driver is opened with dlopen
 * when a GPU model loads (Runtime.cpp). Values and signatures are those of
 * cuda.h (CUDA 12). Plain C, so test/Runtime/Inputs/fake_libcuda.c defines
 * its stand-ins with the very same types.
 *
 *===----------------------------------------------------------------------===*/
#ifndef DYAD_RUNTIME_CUDADRIVER_H
#define DYAD_RUNTIME_CUDADRIVER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUmemPoolHandle_st *CUmemoryPool;
typedef struct CUevent_st *CUevent;
typedef struct CUgraph_st *CUgraph;
typedef struct CUgraphExec_st *CUgraphExec;
typedef int CUjit_option;

enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_INVALID_PTX = 218,
  CUDA_ERROR_NOT_FOUND = 500,
  CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
  CUDA_ERROR_NOT_SUPPORTED = 801,
  CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900,
  CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901,
};

enum {
  CU_JIT_INFO_LOG_BUFFER = 3,
  CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4,
  CU_JIT_ERROR_LOG_BUFFER = 5,
  CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
};

enum {
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
  CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED = 115,
};

enum {
  CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES = 3,
  CU_FUNC_ATTRIBUTE_NUM_REGS = 4,
  CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
};
enum { CU_STREAM_NON_BLOCKING = 1 };
enum { CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL = 9 };
enum { CU_STREAM_CAPTURE_MODE_RELAXED = 2 };
enum { CU_MEMPOOL_ATTR_RELEASE_THRESHOLD = 4 };

/* The functions, by the names the driver exports (the _v2 ones where the
 * driver keeps an older ABI under the plain name). */
#define DYAD_CUDA_FUNCTIONS(REQUIRED, OPTIONAL)                                \
  REQUIRED(cuInit, CUresult, (unsigned flags))                                 \
  REQUIRED(cuGetErrorName, CUresult, (CUresult error, const char **str))       \
  REQUIRED(cuGetErrorString, CUresult, (CUresult error, const char **str))     \
  REQUIRED(cuDeviceGet, CUresult, (CUdevice * device, int ordinal))            \
  REQUIRED(cuDeviceGetCount, CUresult, (int *count))                           \
  REQUIRED(cuDeviceGetAttribute, CUresult,                                     \
           (int *value, int attrib, CUdevice dev))                             \
  REQUIRED(cuDeviceGetName, CUresult, (char *name, int len, CUdevice dev))     \
  REQUIRED(cuDevicePrimaryCtxRetain, CUresult,                                 \
           (CUcontext * ctx, CUdevice dev))                                    \
  REQUIRED(cuDevicePrimaryCtxRelease_v2, CUresult, (CUdevice dev))             \
  REQUIRED(cuCtxPushCurrent_v2, CUresult, (CUcontext ctx))                     \
  REQUIRED(cuCtxPopCurrent_v2, CUresult, (CUcontext * ctx))                    \
  REQUIRED(cuModuleLoadDataEx, CUresult,                                       \
           (CUmodule * module, const void *image, unsigned numOptions,         \
            CUjit_option *options, void **optionValues))                       \
  REQUIRED(cuModuleUnload, CUresult, (CUmodule module))                        \
  REQUIRED(cuModuleGetFunction, CUresult,                                      \
           (CUfunction * func, CUmodule module, const char *name))             \
  REQUIRED(cuFuncSetAttribute, CUresult,                                       \
           (CUfunction func, int attrib, int value))                           \
  REQUIRED(cuStreamCreate, CUresult, (CUstream * stream, unsigned flags))      \
  REQUIRED(cuStreamDestroy_v2, CUresult, (CUstream stream))                    \
  REQUIRED(cuStreamSynchronize, CUresult, (CUstream stream))                   \
  REQUIRED(cuMemAlloc_v2, CUresult, (CUdeviceptr * ptr, size_t bytes))         \
  REQUIRED(cuMemFree_v2, CUresult, (CUdeviceptr ptr))                          \
  REQUIRED(cuMemcpyHtoDAsync_v2, CUresult,                                     \
           (CUdeviceptr dst, const void *src, size_t bytes, CUstream stream))  \
  REQUIRED(cuMemcpyDtoHAsync_v2, CUresult,                                     \
           (void *dst, CUdeviceptr src, size_t bytes, CUstream stream))        \
  REQUIRED(cuMemcpyDtoDAsync_v2, CUresult,                                     \
           (CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream))  \
  REQUIRED(cuLaunchKernel, CUresult,                                           \
           (CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,  \
            unsigned by, unsigned bz, unsigned smem, CUstream stream,          \
            void **params, void **extra))                                      \
  /* Stream-ordered allocation (CUDA 11.2). */                                 \
  OPTIONAL(cuMemAllocAsync, CUresult,                                          \
           (CUdeviceptr * ptr, size_t bytes, CUstream stream))                 \
  OPTIONAL(cuMemFreeAsync, CUresult, (CUdeviceptr ptr, CUstream stream))       \
  OPTIONAL(cuDeviceGetDefaultMemPool, CUresult,                                \
           (CUmemoryPool * pool, CUdevice dev))                                \
  OPTIONAL(cuMemPoolSetAttribute, CUresult,                                    \
           (CUmemoryPool pool, int attr, void *value))                         \
  /* Kernel timing (DYAD_GPU_PROFILE=1). */                                    \
  OPTIONAL(cuEventCreate, CUresult, (CUevent * event, unsigned flags))         \
  OPTIONAL(cuEventDestroy_v2, CUresult, (CUevent event))                       \
  OPTIONAL(cuEventRecord, CUresult, (CUevent event, CUstream stream))          \
  OPTIONAL(cuEventSynchronize, CUresult, (CUevent event))                      \
  OPTIONAL(cuEventElapsedTime, CUresult,                                       \
           (float *ms, CUevent start, CUevent end))                            \
  OPTIONAL(cuFuncGetAttribute, CUresult,                                       \
           (int *value, int attribute, CUfunction f))                          \
  /* Checks of the caller's device pointers (dyad_model_set_memory). */       \
  OPTIONAL(cuMemGetAddressRange_v2, CUresult,                                  \
           (CUdeviceptr * base, size_t *size, CUdeviceptr ptr))                \
  OPTIONAL(cuPointerGetAttribute, CUresult,                                    \
           (void *data, int attribute, CUdeviceptr ptr))                       \
  /* CUDA graphs: a run captured once, replayed (DYAD_GPU_GRAPHS). */         \
  OPTIONAL(cuStreamBeginCapture_v2, CUresult, (CUstream stream, int mode))     \
  OPTIONAL(cuStreamEndCapture, CUresult, (CUstream stream, CUgraph * graph))   \
  OPTIONAL(cuGraphInstantiateWithFlags, CUresult,                              \
           (CUgraphExec * exec, CUgraph graph, unsigned long long flags))      \
  OPTIONAL(cuGraphLaunch, CUresult, (CUgraphExec exec, CUstream stream))       \
  OPTIONAL(cuGraphExecDestroy, CUresult, (CUgraphExec exec))                   \
  OPTIONAL(cuGraphDestroy, CUresult, (CUgraph graph))

#ifdef __cplusplus
} // extern "C"

namespace dyad {
/// The driver's entry points; the optional ones may be null.
struct CudaDriver {
#define DYAD_CUDA_FIELD(name, ret, params) ret(*name) params = nullptr;
  DYAD_CUDA_FUNCTIONS(DYAD_CUDA_FIELD, DYAD_CUDA_FIELD)
#undef DYAD_CUDA_FIELD
};
} // namespace dyad
#endif

#endif /* DYAD_RUNTIME_CUDADRIVER_H */
