/*===- dyad_runtime.h - the Dyad runtime C API ------------------*- C -*-===*\
 *
 * Loads a model compiled by dyadc (model.so) and runs it on caller-owned
 * buffers. The runtime links only the C/C++ standard libraries: a compiled
 * model deploys with model.so, libdyad_runtime.so and this header.
 *
 * No global state: every call works on one dyad_model. A model instance is
 * not meant to be used by two threads at once; load one instance per thread
 * (loading the same file twice shares the code, not the instance state).
 *
 * A model compiled with dyadc --target=nvptx runs on an NVIDIA GPU: loading
 * it opens the CUDA driver (libcuda.so.1, found at run time; nothing of
 * CUDA is needed to build or link against the runtime) and fails with the
 * reason where there is no driver or no fitting GPU; a run takes and
 * returns host buffers as for any model, and runs of one instance take
 * turns on its GPU stream.
 *
\*===----------------------------------------------------------------------===*/
#ifndef DYAD_RUNTIME_H
#define DYAD_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DYAD_ABI_VERSION 1
#define DYAD_MAX_RANK 8

typedef enum {
  DYAD_OK = 0,
  DYAD_ERR_LOAD = 1,         /* file missing, not a Dyad model, bad ABI version */
  DYAD_ERR_ARGUMENT = 2,     /* null pointers, wrong counts, unknown names */
  DYAD_ERR_DTYPE = 3,        /* element type differs from the model's */
  DYAD_ERR_SHAPE = 4,        /* rank or dims differ, inconsistent dynamic dims */
  DYAD_ERR_CAPACITY = 5,     /* an output buffer is too small */
  DYAD_ERR_RUN = 6           /* the compiled code failed */
} dyad_status;

/* Element types, numbered as ONNX's TensorProto.DataType. */
typedef enum {
  DYAD_FLOAT32 = 1, DYAD_UINT8 = 2, DYAD_INT8 = 3, DYAD_UINT16 = 4,
  DYAD_INT16 = 5, DYAD_INT32 = 6, DYAD_INT64 = 7, DYAD_BOOL = 9,
  DYAD_FLOAT16 = 10, DYAD_FLOAT64 = 11, DYAD_UINT32 = 12, DYAD_UINT64 = 13,
  DYAD_BFLOAT16 = 16
} dyad_dtype;

/* A model input or output as compiled: dims of -1 are dynamic; dim_params
 * holds the ONNX symbolic name of each dim ("" when none). */
typedef struct {
  const char *name;
  int32_t dtype;
  int32_t rank;
  const int64_t *shape;
  const char *const *dim_params;
  /* Quantized boundary (integer models): scale and zero point of the float
   * value this tensor stands for; scale 0 when not quantized. */
  double scale;
  int64_t zero_point;
} dyad_tensor_info;

/* A caller-owned buffer. For inputs, shape gives the actual dims. For
 * outputs, capacity_bytes is the buffer's size and the runtime writes the
 * actual shape on success, and also with DYAD_ERR_CAPACITY (so the caller can
 * size the buffer and run again). Data is dense, row-major. */
typedef struct {
  void *data;
  int32_t dtype;
  int32_t rank;
  int64_t shape[DYAD_MAX_RANK];
  size_t capacity_bytes;
} dyad_tensor;

typedef struct dyad_model dyad_model;

/* Loads model.so. On failure *model is NULL; the message (if errbuf is given)
 * says why. */
dyad_status dyad_model_load(const char *path, dyad_model **model,
                            char *errbuf, size_t errbuf_size);
void dyad_model_free(dyad_model *model);

int dyad_model_num_inputs(const dyad_model *model);
int dyad_model_num_outputs(const dyad_model *model);
const dyad_tensor_info *dyad_model_input(const dyad_model *model, int i);
const dyad_tensor_info *dyad_model_output(const dyad_model *model, int i);
/* Index of the input/output called name, or -1. */
int dyad_model_input_index(const dyad_model *model, const char *name);

/* The shape output i will have for these inputs, where it follows from the
 * inputs' dims (dynamic output dims are matched to input dims by their ONNX
 * symbolic name). Dims that cannot be known before running are -1. */
dyad_status dyad_model_output_shape(dyad_model *model,
                                    const dyad_tensor *inputs, int n_inputs,
                                    int i, int64_t *shape);

/* Runs the model. Inputs are checked against the compiled types and shapes
 * (dynamic dims may take any size, but one symbolic dim must have one size
 * everywhere); outputs are written to the caller's buffers. */
dyad_status dyad_model_run(dyad_model *model, const dyad_tensor *inputs,
                           int n_inputs, dyad_tensor *outputs, int n_outputs);

/* The message of the calling thread's last failed call on this model (""
 * if none). */
const char *dyad_model_last_error(const dyad_model *model);

/* Threads one run of this model may use (its large loops are shared out
 * through OpenMP). n <= 0 restores the default: the DYAD_NUM_THREADS
 * environment variable when set at load time, else the cores this process
 * may run on. One model may be run from several threads at once; each run
 * then uses up to this many threads of its own. */
dyad_status dyad_model_set_num_threads(dyad_model *model, int n);
int dyad_model_num_threads(const dyad_model *model);

/* Rows of the batch one call of the compiled code runs. A model whose
 * graph never mixes samples (the compiler proves it) runs a larger batch
 * in chunks of this many rows, so its intermediate tensors stay in the
 * cache; the results are the same. The default fits the chunk of the
 * largest op and the weights in this CPU's L2 cache (the DYAD_BATCH_CHUNK
 * environment variable at load time overrides it). 0: the model is not
 * separable, or chunks are off. n < 0 restores the default; n = 0 turns
 * chunks off. */
dyad_status dyad_model_set_batch_chunk(dyad_model *model, int64_t n);
int64_t dyad_model_batch_chunk(const dyad_model *model);

/* The NVIDIA chip a GPU model was compiled for ("sm_90"), NULL for a CPU
 * model; and the number of its GPU kernels (0 for a CPU model). */
const char *dyad_model_gpu(const dyad_model *model);
int dyad_model_num_gpu_kernels(const dyad_model *model);

/* Where the data of a GPU model's dyad_tensors lives, for its inputs and
 * for its outputs. DYAD_MEMORY_HOST (the default): data points at host
 * memory, and each run copies the inputs to the GPU and the outputs back.
 * DYAD_MEMORY_DEVICE: data is a device pointer (a CUdeviceptr, as the CUDA
 * runtime's cudaMalloc and PyTorch's tensor.data_ptr() give it) on the
 * model's GPU (dyad_model_gpu_device), in its primary context (the one the
 * CUDA runtime and PyTorch use). The run then reads the inputs where they
 * are (an input not aligned to 256 bytes is first copied on the GPU) and
 * copies the outputs into the caller's device buffers, with no transfer
 * through the host. Each device pointer is checked against the driver's
 * record of its allocation: memory that is not the GPU's, or an allocation
 * smaller than the tensor (or than an output's capacity_bytes), fails the
 * run with DYAD_ERR_ARGUMENT before any work is queued. A CPU model takes
 * host memory only (DYAD_ERR_ARGUMENT). Not to be changed while a run of
 * this model is in progress. */
typedef enum { DYAD_MEMORY_HOST = 0, DYAD_MEMORY_DEVICE = 1 } dyad_memory;
/* (The kinds are passed as int: a value that is not one of them is an
 * argument error, not undefined behaviour.) */
dyad_status dyad_model_set_memory(dyad_model *model, int inputs, int outputs);
dyad_status dyad_model_memory(const dyad_model *model, dyad_memory *inputs,
                              dyad_memory *outputs);

/* The CUDA stream (a CUstream or cudaStream_t; NULL: the instance's own)
 * on which the runs of a GPU model queue their copies and kernels, in the
 * model's GPU's primary context. The default stream is named as the driver
 * names it: CU_STREAM_LEGACY ((void *)0x1; PyTorch's default stream, whose
 * cuda_stream is 0) or CU_STREAM_PER_THREAD ((void *)0x2). Work the caller queued on that stream
 * before a run (say, PyTorch's current stream writing the input) is done
 * before the run reads its inputs; the run still returns only once its own
 * work is done. Without it, device inputs must be complete when the run is
 * called (the instance's stream does not wait for other streams). Not to be
 * changed while a run of this model is in progress; DYAD_ERR_ARGUMENT for a
 * CPU model. */
dyad_status dyad_model_set_gpu_stream(dyad_model *model, void *stream);

/* The ordinal of the GPU a GPU model runs on (DYAD_GPU_DEVICE at load
 * time, else 0); -1 for a CPU model. */
int dyad_model_gpu_device(const dyad_model *model);

/* Kernel timings of a model compiled with dyadc --profile. The compiled
 * code is cut into groups, one per kernel (a convolution or GEMM and the
 * elementwise epilogue computed in its loops are one group, named after the
 * contraction's ONNX node). */
typedef struct {
  const char *node;   /* the ONNX node whose kernel the group runs */
  const char *kernel; /* its kernel family (conv2d-nhwc-vnni, matmul, ...;
                         "loops": scalar loops) */
  const char *fused;  /* other nodes computed in the same loops,
                         comma-separated ("" if none) */
  int64_t runs;       /* times the group ran (a batch run in chunks runs
                         it once per chunk) */
  double seconds;     /* time spent in it, summed over threads */
  double ops;         /* arithmetic operations of its contractions, 2 per
                         multiply-add (0: not a contraction) */
} dyad_profile_entry;

/* Reads the counters, which accumulate over every run of every instance of
 * this library since it was loaded or last reset. Returns the number of
 * groups (0: compiled without --profile) and points *entries at them
 * (valid until the next call on this model); reset != 0 zeroes the
 * counters after reading. */
int dyad_model_profile(dyad_model *model, const dyad_profile_entry **entries,
                       int reset);

/* Bytes per element of a dtype (0 if unknown) and its name. */
size_t dyad_dtype_size(int32_t dtype);
const char *dyad_dtype_name(int32_t dtype);

#ifdef __cplusplus
}
#endif

#endif /* DYAD_RUNTIME_H */
