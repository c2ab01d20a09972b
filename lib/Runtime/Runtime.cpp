//===- Runtime.cpp - load and run models compiled by dyadc ----------------===//
//
// A compiled model.so exports two C symbols (see lib/Compiler/Artifact.cpp):
//
//   const char *dyad_model_info(void);      // text description, below
//   void dyad_model_entry(void **args);     // packed call of the graph
//   void dyad_model_threads(int n);         // OpenMP threads of the calling
//                                           // thread's next runs (optional)
//
// dyad_model_entry takes an array of pointers: first one to the results (a
// struct of MLIR memref descriptors, one per output), then one per input
// descriptor. A descriptor is {allocated, aligned, offset, sizes[r],
// strides[r]} with 64-bit integers. Results are buffers the model allocated
// with malloc and hands over: the runtime copies them into the caller's
// buffers and frees them.
//
// The info text has one line per item, fields separated by single spaces,
// names percent-encoded, lists comma-separated ("_" for an empty list, "~"
// for a dim without a symbolic name):
//
//   dyad-model <abi version>
//   input <name> <dtype> <rank> <dims> <dim params> <scale> <zero point>
//   output <name> <dtype> <rank> <dims> <dim params> <scale> <zero point>
//   cpu <cpu name> <features the code may use>
//   batch <bytes per sample> <weight bytes>        (optional)
//   profile <id> <node> <kernel> <fused nodes>     (dyadc --profile: one
//                                                   per kernel group)
//
// The batch line marks a graph the compiler proved separable along dim 0
// of its inputs and outputs (dyad-cpu-batch-footprint): a batch larger than
// the chunk the runtime derives from it and the L2 cache size runs as
// several calls of the compiled code on consecutive rows.
//
// The cpu line (include/dyad/Runtime/dyad_cpu_features.def) is checked
// against this CPU's CPUID and OS-enabled register state at load time: a
// model compiled for features this CPU lacks is refused with their names
// instead of dying with SIGILL.
//
// GPU models (dyadc --target=nvptx; include/dyad/Runtime/dyad_gpu_abi.h)
// also export
//
//   const char *dyad_model_ptx(void);       // PTX of every kernel
//
// and their info text has the lines
//
//   gpu <chip> <ptx features> <abi>         e.g. "gpu sm_90 +ptx80 1"
//   kernel <index> <name>                   one per kernel, from 0
//
// Their entry takes one more pointer after the input descriptors, the
// run's dyad_gpu_ctx; input and result descriptors point at device memory.
// Loading one opens the CUDA driver (dlopen of libcuda.so.1, or of
// DYAD_CUDA_LIBRARY; once per process), checks the device's compute
// capability against the chip, and compiles the PTX once per instance; a
// run copies the inputs to the device, calls the entry (whose callbacks
// allocate, upload constants once per instance, launch and copy on the
// instance's stream), copies the results back and synchronizes. Runs of
// one GPU instance take turns (one stream per instance); the batch is
// never cut into chunks and dyad_model_threads is not called.
// DYAD_GPU_DEVICE picks the device (default 0); DYAD_GPU_SYNC=1 waits
// after every launch, so that a faulting kernel is named; DYAD_GPU_PROFILE=1
// times every launch and prints the time per kernel when the instance
// closes.
//
// This file uses only the C and C++ standard libraries, dlopen and CPUID;
// the CUDA driver is declared by hand (CudaDriver.h) and opened at run
// time, so building needs no CUDA toolkit.
//
//===----------------------------------------------------------------------===//

#include "dyad/Runtime/dyad_runtime.h"
#include "dyad/Runtime/dyad_gpu_abi.h"

#include "CudaDriver.h"

#include <dlfcn.h>
#include <sched.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__linux__) && defined(__x86_64__)
#include <cerrno>
#include <sys/syscall.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace {

struct TensorInfo {
  std::string name;
  int32_t dtype = 0;
  std::vector<int64_t> shape;
  std::vector<std::string> params;
  std::vector<const char *> paramPtrs;
  double scale = 0;
  int64_t zeroPoint = 0;
  dyad_tensor_info c{};
};

using EntryFn = void (*)(void **);

#if defined(__x86_64__) || defined(__i386__)
/// Whether this CPU (and the OS, for register state) has `feature`; false
/// for names the table does not know.
bool cpuHas(const std::string &feature) {
  struct Known {
    const char *name;
    unsigned leaf, subleaf, reg, bit;
    unsigned long long xcr0;
  };
  static const Known known[] = {
#define DYAD_CPU_FEATURE(name, leaf, subleaf, reg, bit, xcr0)                  \
  {name, leaf, subleaf, reg, bit, xcr0},
#include "dyad/Runtime/dyad_cpu_features.def"
#undef DYAD_CPU_FEATURE
  };
  for (const Known &k : known) {
    if (feature != k.name)
      continue;
    unsigned r[4] = {0, 0, 0, 0};
    if (!__get_cpuid_count(k.leaf, k.subleaf, &r[0], &r[1], &r[2], &r[3]))
      return false;
    if (!((r[k.reg] >> k.bit) & 1))
      return false;
    if (!k.xcr0)
      return true;
    // The OS must save the registers the feature uses (XCR0, via XGETBV,
    // available when CPUID.1:ECX.OSXSAVE[27] is set).
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !((c >> 27) & 1))
      return false;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    unsigned long long xcr0 = ((unsigned long long)hi << 32) | lo;
    return (xcr0 & k.xcr0) == k.xcr0;
  }
  return false;
}
#else
bool cpuHas(const std::string &) { return false; }
#endif

/// AMX tile data is a register state Linux enables per process, on request
/// (arch_prctl ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA); a tile
/// instruction without it dies of SIGILL. Asked for before a model whose
/// code may use AMX runs; idempotent. Empty on success, else why not.
std::string requestAmxState() {
#if defined(__linux__) && defined(__x86_64__)
  constexpr long kReqXcompPerm = 0x1023, kXtileData = 18;
  if (syscall(SYS_arch_prctl, kReqXcompPerm, kXtileData) != 0)
    return std::strerror(errno);
  return {};
#else
  return "AMX tiles are only enabled on Linux x86-64";
#endif
}

std::string percentDecode(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += (char)std::strtol(s.substr(i + 1, 2).c_str(), nullptr, 16);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> splitList(const std::string &s) {
  std::vector<std::string> out;
  if (s == "_")
    return out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string shapeString(const int64_t *shape, int rank) {
  std::string s = "[";
  for (int i = 0; i < rank; ++i) {
    if (i)
      s += ", ";
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return s + "]";
}

} // namespace

/// The last failure of a call on a model, kept per calling thread: one
/// instance may be run from several threads at once.
struct LastError {
  const dyad_model *model = nullptr;
  std::string message;
};
static thread_local LastError lastError;

/// The cores this process may run on.
static int availableCores() {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Threads that run a batch's chunks side by side, one chunk per thread at
/// a time (each chunk's code single-threaded: no barrier per op). They live
/// as long as the model, so the model library's per-thread buffer cache
/// lives with them.
///
/// Handing out a job and waiting for it spin briefly before they sleep on
/// the condition variables: waking a sleeping thread goes through the
/// kernel (a futex), which on a VM takes tens of microseconds, as long as a
/// small batch's whole run (mnist_mlp at batch 64: 0.03 ms on one thread,
/// a median of 0.07 ms on two with sleeping workers).
class ChunkPool {
public:
  ~ChunkPool() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    wake.notify_all();
    for (std::thread &t : workers)
      t.join();
  }

  /// Runs job(worker) on `n` threads (the caller is worker 0) and waits.
  void run(int n, const std::function<void(int)> &fn) {
    while ((int)workers.size() < n - 1)
      workers.emplace_back([this, id = (int)workers.size() + 1] { loop(id); });
    {
      std::lock_guard<std::mutex> lock(mu);
      job = &fn;
      active = n;
      pending.store(n - 1, std::memory_order_relaxed);
      generation.fetch_add(1, std::memory_order_release);
    }
    wake.notify_all();
    fn(0);
    spinUntil([&] { return pending.load(std::memory_order_acquire) == 0; });
    std::unique_lock<std::mutex> lock(mu);
    finished.wait(lock, [&] { return pending.load() == 0; });
    job = nullptr;
  }

  std::mutex busy; // one run uses the pool at a time

private:
  /// Polls `done` for up to kSpinMicros; whether it came true.
  template <typename F> static bool spinUntil(F done) {
    constexpr int64_t kSpinMicros = 200;
    auto start = std::chrono::steady_clock::now();
    for (unsigned i = 0;; ++i) {
      if (done())
        return true;
#if defined(__x86_64__)
      __builtin_ia32_pause();
#endif
      if ((i & 63) == 63 &&
          std::chrono::steady_clock::now() - start >
              std::chrono::microseconds(kSpinMicros))
        return false;
    }
  }

  void loop(int id) {
    uint64_t seen = 0;
    for (;;) {
      spinUntil([&] {
        return stop.load(std::memory_order_relaxed) ||
               generation.load(std::memory_order_acquire) != seen;
      });
      const std::function<void(int)> *fn;
      {
        std::unique_lock<std::mutex> lock(mu);
        wake.wait(lock, [&] { return stop.load() || generation.load() != seen; });
        if (stop)
          return;
        seen = generation.load();
        if (id >= active)
          continue;
        fn = job;
      }
      (*fn)(id);
      {
        std::lock_guard<std::mutex> lock(mu);
        pending.fetch_sub(1, std::memory_order_release);
      }
      finished.notify_one();
    }
  }

  std::vector<std::thread> workers;
  std::mutex mu;
  std::condition_variable wake, finished;
  const std::function<void(int)> *job = nullptr;
  std::atomic<uint64_t> generation{0};
  int active = 0;
  std::atomic<int> pending{0};
  std::atomic<bool> stop{false};
};

/// The CUDA driver, opened on the first load of a GPU model and kept for
/// the process (DYAD_CUDA_LIBRARY names another library than
/// libcuda.so.1). Null, with `err` saying why, where it cannot be opened.
static const dyad::CudaDriver *cudaDriver(std::string &err) {
  static std::string why;
  static const dyad::CudaDriver *driver = []() -> const dyad::CudaDriver * {
    const char *env = std::getenv("DYAD_CUDA_LIBRARY");
    std::string lib = env && *env ? env : "libcuda.so.1";
    void *handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char *e = dlerror();
      why = e ? e : lib + ": cannot be opened";
      return nullptr;
    }
    static dyad::CudaDriver d;
    std::string missing;
    int more = 0;
#define DYAD_CUDA_REQUIRED(name, ret, params)                                  \
  d.name = (decltype(d.name))dlsym(handle, #name);                             \
  if (!d.name && missing.empty())                                              \
    missing = #name;                                                           \
  else if (!d.name)                                                            \
    ++more;
#define DYAD_CUDA_OPTIONAL(name, ret, params)                                  \
  d.name = (decltype(d.name))dlsym(handle, #name);
    DYAD_CUDA_FUNCTIONS(DYAD_CUDA_REQUIRED, DYAD_CUDA_OPTIONAL)
#undef DYAD_CUDA_REQUIRED
#undef DYAD_CUDA_OPTIONAL
    if (!missing.empty()) {
      why = lib + " is not a CUDA driver Dyad can use: it lacks " + missing +
            (more ? " and " + std::to_string(more) + " more" : "");
      dlclose(handle);
      return nullptr;
    }
    return &d;
  }();
  if (!driver)
    err = why;
  return driver;
}

/// "call: CUDA_ERROR_NAME (description)".
static std::string cuError(const dyad::CudaDriver &cu, const char *call,
                           CUresult r) {
  const char *name = nullptr, *desc = nullptr;
  std::string s = std::string(call) + ": ";
  if (cu.cuGetErrorName(r, &name) == CUDA_SUCCESS && name)
    s += name;
  else
    s += "CUDA error " + std::to_string(r);
  if (cu.cuGetErrorString(r, &desc) == CUDA_SUCCESS && desc)
    s += std::string(" (") + desc + ")";
  return s;
}

/// A GPU model's chip, "sm_<major><minor>" with an optional suffix: 'a'
/// (arch-specific: that chip only) or 'f' (its family: the same major).
static bool parseChip(const std::string &chip, int &major, int &minor,
                      char &suffix) {
  if (chip.rfind("sm_", 0) != 0)
    return false;
  std::string digits = chip.substr(3);
  suffix = 0;
  if (!digits.empty() && (digits.back() == 'a' || digits.back() == 'f')) {
    suffix = digits.back();
    digits.pop_back();
  }
  if (digits.size() < 2 || digits.size() > 3 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  major = std::atoi(digits.substr(0, digits.size() - 1).c_str());
  minor = digits.back() - '0';
  return major > 0;
}

/// A GPU model instance's CUDA state: the primary context of its device
/// (retained), its stream, its compiled module and kernels, and the
/// device copies of the constants uploaded so far.
struct GpuState {
  const dyad::CudaDriver *cu = nullptr;
  CUdevice device = 0;
  int ordinal = 0;
  CUcontext ctx = nullptr;
  CUstream stream = nullptr;
  // dyad_model_set_memory, dyad_model_set_gpu_stream: where the caller's
  // tensors live, and the caller's stream for the runs (null: `stream`).
  // Changed under runMutex.
  dyad_memory inputMemory = DYAD_MEMORY_HOST, outputMemory = DYAD_MEMORY_HOST;
  CUstream userStream = nullptr;
  CUmodule module = nullptr;
  std::string deviceName;
  std::vector<CUfunction> functions;  // by kernel index
  std::vector<int64_t> sharedLimit;   // dynamic shared memory allowed so far
  bool asyncAlloc = false;            // stream-ordered allocation
  bool syncEachLaunch = false;        // DYAD_GPU_SYNC=1
  // DYAD_GPU_PROFILE=1: each launch timed between two events (the stream
  // waits for each kernel), summed per kernel and printed to stderr when
  // the instance closes.
  CUevent profileStart = nullptr, profileEnd = nullptr;
  std::vector<std::string> kernelNames;
  std::vector<double> kernelMs;
  std::vector<int64_t> kernelCalls;
  int64_t profiledRuns = 0;
  std::mutex constantMutex;
  std::vector<CUdeviceptr> constants; // by id, 0 until uploaded
  // One run at a time: a run's callbacks order everything on `stream` and
  // use sharedLimit unguarded.
  std::mutex runMutex;
  // CUDA graphs (DYAD_GPU_GRAPHS, on by default where the driver has them
  // and allocation is stream-ordered): the second run of a set of input
  // shapes is captured as a graph, and later runs of those shapes replay
  // it, one launch instead of one per kernel. The inputs go into buffers of
  // the graph's own first (the captured kernels read those addresses); the
  // results' descriptors are the capture's (their allocations, graph
  // memory, come back at the same addresses each launch, and are freed
  // after each run as any result is).
  struct Graph {
    std::vector<std::vector<int64_t>> shapes; // the inputs'
    CUgraphExec exec = nullptr;
    std::vector<CUdeviceptr> inputs;
    std::vector<int64_t> results;
    uint64_t lastUse = 0;
  };
  bool graphs = false;
  std::vector<std::unique_ptr<Graph>> graphCache; // at most kMaxGraphs
  std::vector<std::vector<std::vector<int64_t>>> ranOnce;
  uint64_t runs = 0;
  static constexpr size_t kMaxGraphs = 8;

  void dropGraph(Graph &gr) {
    if (gr.exec)
      cu->cuGraphExecDestroy(gr.exec);
    for (CUdeviceptr p : gr.inputs)
      if (p)
        cu->cuMemFree_v2(p);
    gr.exec = nullptr;
    gr.inputs.clear();
  }

  void printProfile() const {
    double total = 0;
    for (double ms : kernelMs)
      total += ms;
    std::vector<size_t> order;
    for (size_t k = 0; k < kernelMs.size(); ++k)
      if (kernelCalls[k])
        order.push_back(k);
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return kernelMs[a] > kernelMs[b]; });
    std::fprintf(stderr,
                 "GPU profile (%s): %lld runs, kernels %.3f ms in all, "
                 "%.3f ms per run\n%8s %8s %10s %6s %5s %6s  kernel\n",
                 deviceName.c_str(), (long long)profiledRuns, total,
                 profiledRuns ? total / profiledRuns : 0.0, "calls", "ms",
                 "us/call", "%", "regs", "local");
    // Registers per thread and local (spilled) bytes, as the driver's JIT
    // compiled each kernel: what decides its occupancy.
    auto attribute = [&](size_t k, int which) {
      int v = 0;
      if (!cu->cuFuncGetAttribute ||
          cu->cuFuncGetAttribute(&v, which, functions[k]) != CUDA_SUCCESS)
        return std::string("-");
      return std::to_string(v);
    };
    for (size_t k : order)
      std::fprintf(stderr, "%8lld %8.3f %10.2f %6.1f %5s %6s  %zu %s\n",
                   (long long)kernelCalls[k], kernelMs[k],
                   1000.0 * kernelMs[k] / kernelCalls[k],
                   total > 0 ? 100.0 * kernelMs[k] / total : 0.0,
                   attribute(k, CU_FUNC_ATTRIBUTE_NUM_REGS).c_str(),
                   attribute(k, CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES).c_str(), k,
                   kernelNames[k].c_str());
  }

  ~GpuState() {
    if (!ctx)
      return;
    if (cu->cuCtxPushCurrent_v2(ctx) == CUDA_SUCCESS) {
      if (stream)
        cu->cuStreamSynchronize(stream);
      if (profileStart) {
        printProfile();
        cu->cuEventDestroy_v2(profileStart);
        cu->cuEventDestroy_v2(profileEnd);
      }
      for (auto &gr : graphCache)
        dropGraph(*gr);
      for (CUdeviceptr p : constants)
        if (p)
          cu->cuMemFree_v2(p);
      if (module)
        cu->cuModuleUnload(module);
      if (stream)
        cu->cuStreamDestroy_v2(stream);
      CUcontext popped;
      cu->cuCtxPopCurrent_v2(&popped);
    }
    cu->cuDevicePrimaryCtxRelease_v2(device);
  }
};

/// Opens the GPU side of model `m` (loaded from `path`, its PTX `ptx`):
/// the driver, the device, the module and its kernels. Empty on success,
/// else the error message.
static std::string gpuOpen(const std::string &path, const char *ptx,
                           const std::vector<std::string> &kernelNames,
                           const std::string &chip,
                           std::unique_ptr<GpuState> &out) {
  std::string quoted = "'" + path + "'";
  std::string why;
  const dyad::CudaDriver *cu = cudaDriver(why);
  if (!cu)
    return quoted + " runs on an NVIDIA GPU, and the CUDA driver could not "
                    "be opened (" + why + "); run it on a machine with an "
                    "NVIDIA driver, or compile it for the CPU (dyadc "
                    "without --target=nvptx)";
  int count = 0;
  CUresult r = cu->cuInit(0);
  if (r == CUDA_SUCCESS)
    r = cu->cuDeviceGetCount(&count);
  if (r == CUDA_ERROR_NO_DEVICE || (r == CUDA_SUCCESS && count == 0))
    return quoted + " runs on an NVIDIA GPU, and this machine has none" +
           (r ? " (" + cuError(*cu, "cuInit", r) + ")" : std::string()) +
           "; compile it for the CPU (dyadc without --target=nvptx)";
  if (r)
    return quoted + ": " + cuError(*cu, "cuInit", r);
  int ordinal = 0;
  if (const char *env = std::getenv("DYAD_GPU_DEVICE")) {
    char *end = nullptr;
    long n = std::strtol(env, &end, 10);
    if (!*env || *end || n < 0 || n >= count)
      return quoted + ": DYAD_GPU_DEVICE is '" + env +
             "', and this machine has " + std::to_string(count) +
             (count == 1 ? " GPU" : " GPUs") + " (numbered from 0)";
    ordinal = (int)n;
  }
  auto g = std::make_unique<GpuState>();
  g->cu = cu;
  g->ordinal = ordinal;
  if ((r = cu->cuDeviceGet(&g->device, ordinal)))
    return quoted + ": " + cuError(*cu, "cuDeviceGet", r);
  char name[256] = {0};
  if ((r = cu->cuDeviceGetName(name, sizeof(name) - 1, g->device)))
    return quoted + ": " + cuError(*cu, "cuDeviceGetName", r);
  g->deviceName = name;
  int major = 0, minor = 0;
  if ((r = cu->cuDeviceGetAttribute(
           &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, g->device)) ||
      (r = cu->cuDeviceGetAttribute(
           &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, g->device)))
    return quoted + ": " + cuError(*cu, "cuDeviceGetAttribute", r);
  // PTX for sm_XY runs (JIT-compiled) on any later chip; sm_XYa only on
  // sm_XY, sm_XYf on the later chips of its family.
  int wantMajor = 0, wantMinor = 0;
  char suffix = 0;
  parseChip(chip, wantMajor, wantMinor, suffix); // checked by parseInfo
  bool fits = suffix == 'a'   ? major == wantMajor && minor == wantMinor
              : suffix == 'f' ? major == wantMajor && minor >= wantMinor
                              : major > wantMajor ||
                                    (major == wantMajor && minor >= wantMinor);
  std::string have = "sm_" + std::to_string(major) + std::to_string(minor);
  std::string gpu = "this GPU (" + g->deviceName + ", device " +
                    std::to_string(ordinal) + ")";
  if (!fits)
    return quoted + " was compiled for " + chip + ", and " + gpu + " is " +
           have + ": recompile it for " + have + ", or run it on " +
           (suffix == 'a'   ? "an " + chip.substr(0, chip.size() - 1) + " GPU"
            : suffix == 'f' ? "a GPU of that family"
                            : "an " + chip + " GPU or a later one");
  // The primary context: the one the CUDA runtime and other libraries of
  // the process share, so buffers and the JIT cache are shared too.
  if ((r = cu->cuDevicePrimaryCtxRetain(&g->ctx, g->device))) {
    g->ctx = nullptr;
    return quoted + ": " + cuError(*cu, "cuDevicePrimaryCtxRetain", r);
  }
  if ((r = cu->cuCtxPushCurrent_v2(g->ctx)))
    return quoted + ": " + cuError(*cu, "cuCtxPushCurrent", r);
  auto pop = [&] {
    CUcontext popped;
    cu->cuCtxPopCurrent_v2(&popped);
  };
  auto fail = [&](const std::string &msg) {
    pop();
    return msg; // g's destructor releases what was made
  };
  int pools = 0;
  g->asyncAlloc = cu->cuMemAllocAsync && cu->cuMemFreeAsync &&
                  cu->cuDeviceGetAttribute(
                      &pools, CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED,
                      g->device) == CUDA_SUCCESS &&
                  pools;
  // The default pool keeps what runs free for the next runs instead of
  // returning it to the OS at every synchronization (its default).
  CUmemoryPool pool = nullptr;
  if (g->asyncAlloc && cu->cuDeviceGetDefaultMemPool &&
      cu->cuMemPoolSetAttribute &&
      cu->cuDeviceGetDefaultMemPool(&pool, g->device) == CUDA_SUCCESS) {
    unsigned long long keep = ~0ull;
    cu->cuMemPoolSetAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &keep);
  }
  if ((r = cu->cuStreamCreate(&g->stream, CU_STREAM_NON_BLOCKING))) {
    g->stream = nullptr;
    return fail(quoted + ": " + cuError(*cu, "cuStreamCreate", r));
  }
  std::vector<char> log(32 << 10, 0);
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log.data(), (void *)(uintptr_t)(log.size() - 1)};
  if ((r = cu->cuModuleLoadDataEx(&g->module, ptx, 2, options, values))) {
    g->module = nullptr;
    std::string text(log.data());
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
      text.pop_back();
    return fail(quoted + ": its PTX does not compile for " + gpu + ", " +
                have + " (" + cuError(*cu, "cuModuleLoadDataEx", r) + ")" +
                (text.empty() ? "" : ":\n" + text));
  }
  for (size_t k = 0; k < kernelNames.size(); ++k) {
    CUfunction f = nullptr;
    if ((r = cu->cuModuleGetFunction(&f, g->module, kernelNames[k].c_str())))
      return fail(quoted + ": kernel " + std::to_string(k) + " '" +
                  kernelNames[k] + "' is not in its PTX (" +
                  cuError(*cu, "cuModuleGetFunction", r) + ")");
    g->functions.push_back(f);
  }
  g->sharedLimit.assign(g->functions.size(), 0);
  if (const char *env = std::getenv("DYAD_GPU_SYNC"))
    g->syncEachLaunch = std::atoi(env) != 0;
  // Graphs need the capture functions and stream-ordered allocation (a
  // plain cuMemFree synchronizes, which a capture cannot); per-launch
  // timing and waiting need the launches themselves.
  const char *graphsEnv = std::getenv("DYAD_GPU_GRAPHS");
  g->graphs = (!graphsEnv || std::atoi(graphsEnv) != 0) && g->asyncAlloc &&
              !g->syncEachLaunch &&
              cu->cuStreamBeginCapture_v2 && cu->cuStreamEndCapture &&
              cu->cuGraphInstantiateWithFlags && cu->cuGraphLaunch &&
              cu->cuGraphExecDestroy && cu->cuGraphDestroy;
  if (const char *env = std::getenv("DYAD_GPU_PROFILE");
      env && std::atoi(env) != 0) {
    if (!cu->cuEventCreate || !cu->cuEventRecord ||
        !cu->cuEventSynchronize || !cu->cuEventElapsedTime ||
        !cu->cuEventDestroy_v2)
      return fail(quoted + ": DYAD_GPU_PROFILE needs the CUDA driver's "
                  "event functions, and this driver lacks them");
    if ((r = cu->cuEventCreate(&g->profileStart, 0)) ||
        (r = cu->cuEventCreate(&g->profileEnd, 0)))
      return fail(quoted + ": DYAD_GPU_PROFILE: " +
                  cuError(*cu, "cuEventCreate", r));
    g->kernelNames = kernelNames;
    g->kernelMs.assign(kernelNames.size(), 0.0);
    g->kernelCalls.assign(kernelNames.size(), 0);
    g->graphs = false;
  }
  pop();
  out = std::move(g);
  return {};
}

struct dyad_model {
  void *handle = nullptr;
  EntryFn entry = nullptr;
  void (*setThreads)(int) = nullptr;     // absent in single-threaded code
  int numThreads = 1;
  std::vector<std::unique_ptr<TensorInfo>> inputs, outputs;
  std::string cpu;                       // compiled for
  std::vector<std::string> cpuFeatures;  // its code may use these
  // GPU models (the "gpu" and "kernel" lines): the chip and PTX features
  // compiled for, the kernels by index, and the CUDA state once loaded.
  std::string gpuChip, gpuFeatures;
  std::vector<std::string> kernelNames;
  std::unique_ptr<GpuState> gpu;
  // Batch-separable graphs (the "batch" line): bytes per sample of the
  // largest op and of the weights; the rows run per call (0: all at once).
  int64_t batchBytesPerSample = 0, batchSharedBytes = 0;
  int64_t batchChunk = 0;
  ChunkPool pool;
  // dyadc --profile: the kernel groups, and the library's counters.
  struct ProfileGroup {
    std::string node, kernel, fused;
  };
  std::vector<ProfileGroup> profile;
  int (*profileCounters)(uint64_t *, int, int) = nullptr;
  std::vector<dyad_profile_entry> profileEntries;

  dyad_status fail(dyad_status status, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    lastError.model = this;
    lastError.message = buf;
    return status;
  }
};

/// The default thread count: DYAD_NUM_THREADS, else the cores available.
static int defaultThreads() {
  if (const char *env = std::getenv("DYAD_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0)
      return n;
  }
  return availableCores();
}

/// How many rows of the batch one call runs, for a batch-separable model
/// (0: all at once): the largest power of two whose chunk of the largest op
/// fits this CPU's L2 cache beside the weights (or in half of it where the
/// weights take more). DYAD_BATCH_CHUNK overrides it (0: off).
static int64_t batchChunk(const dyad_model &m) {
  if (m.batchBytesPerSample <= 0)
    return 0;
  if (const char *env = std::getenv("DYAD_BATCH_CHUNK"))
    return std::max<int64_t>(0, std::atoll(env));
  int64_t l2 = 0;
#ifdef _SC_LEVEL2_CACHE_SIZE
  l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
  if (l2 <= 0)
    l2 = int64_t(1) << 20;
  int64_t room = std::max(l2 - m.batchSharedBytes, l2 / 2);
  int64_t chunk = 1;
  while (chunk * 2 * m.batchBytesPerSample <= room)
    chunk *= 2;
  return chunk;
}

/// Runs of a batch-separable model whose largest op takes at most this many
/// bytes run on one thread (dyad_model_run).
constexpr int64_t kSmallRunBytes = int64_t(128) << 10;

static bool parseInfo(const char *text, dyad_model &m, std::string &err) {
  std::istringstream in(text);
  std::string line;
  bool header = false;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "dyad-model") {
      int abi = 0;
      fields >> abi;
      if (abi != DYAD_ABI_VERSION) {
        err = "model ABI version " + std::to_string(abi) +
              " is not the runtime's (" + std::to_string(DYAD_ABI_VERSION) +
              "): recompile the model with this Dyad";
        return false;
      }
      header = true;
      continue;
    }
    if (kind == "cpu") {
      std::string cpu, features;
      if (!(fields >> cpu >> features)) {
        err = "malformed model description line: " + line;
        return false;
      }
      m.cpu = percentDecode(cpu);
      for (const std::string &f : splitList(features))
        m.cpuFeatures.push_back(percentDecode(f));
      continue;
    }
    if (kind == "batch") {
      if (!(fields >> m.batchBytesPerSample >> m.batchSharedBytes) ||
          m.batchBytesPerSample <= 0 || m.batchSharedBytes < 0) {
        err = "malformed model description line: " + line;
        return false;
      }
      continue;
    }
    if (kind == "gpu") {
      std::string chip, features;
      int major, minor, abi = 0;
      char suffix;
      if (!(fields >> chip >> features >> abi) ||
          !parseChip(percentDecode(chip), major, minor, suffix)) {
        err = "malformed model description line: " + line;
        return false;
      }
      if (abi != DYAD_GPU_ABI_VERSION) {
        err = "compiled for version " + std::to_string(abi) +
              " of the GPU interface, and this runtime has version " +
              std::to_string(DYAD_GPU_ABI_VERSION) +
              ": recompile it with the dyadc of this release";
        return false;
      }
      m.gpuChip = percentDecode(chip);
      m.gpuFeatures = percentDecode(features);
      continue;
    }
    if (kind == "kernel") {
      size_t index = 0;
      std::string name;
      if (!(fields >> index >> name) || index != m.kernelNames.size()) {
        err = "malformed model description line: " + line;
        return false;
      }
      m.kernelNames.push_back(percentDecode(name));
      continue;
    }
    if (kind == "profile") {
      size_t id = 0;
      std::string node, kernel, fused;
      if (!(fields >> id >> node >> kernel >> fused) ||
          id != m.profile.size()) {
        err = "malformed model description line: " + line;
        return false;
      }
      std::string list;
      for (const std::string &f : splitList(fused))
        list += (list.empty() ? "" : ",") + percentDecode(f);
      m.profile.push_back({percentDecode(node), percentDecode(kernel), list});
      continue;
    }
    if (kind != "input" && kind != "output")
      continue;
    auto t = std::make_unique<TensorInfo>();
    std::string name, dims, params;
    int rank = 0;
    if (!(fields >> name >> t->dtype >> rank >> dims >> params >> t->scale >>
          t->zeroPoint) ||
        rank < 0 || rank > DYAD_MAX_RANK) {
      err = "malformed model description line: " + line;
      return false;
    }
    t->name = percentDecode(name);
    for (const std::string &d : splitList(dims))
      t->shape.push_back(std::strtoll(d.c_str(), nullptr, 10));
    for (const std::string &p : splitList(params))
      t->params.push_back(p == "~" ? std::string() : percentDecode(p));
    if ((int)t->shape.size() != rank || (int)t->params.size() != rank) {
      err = "malformed dims in model description line: " + line;
      return false;
    }
    for (const std::string &p : t->params)
      t->paramPtrs.push_back(p.c_str());
    t->c = dyad_tensor_info{t->name.c_str(), t->dtype, rank, t->shape.data(),
                            t->paramPtrs.data(), t->scale, t->zeroPoint};
    (kind == "input" ? m.inputs : m.outputs).push_back(std::move(t));
  }
  if (!header) {
    err = "missing 'dyad-model' header in the model description";
    return false;
  }
  if (!m.kernelNames.empty() && m.gpuChip.empty()) {
    err = "malformed model description: 'kernel' lines without a 'gpu' line";
    return false;
  }
  return true;
}

extern "C" {

size_t dyad_dtype_size(int32_t dtype) {
  switch (dtype) {
  case DYAD_FLOAT32: case DYAD_INT32: case DYAD_UINT32: return 4;
  case DYAD_UINT8: case DYAD_INT8: case DYAD_BOOL: return 1;
  case DYAD_UINT16: case DYAD_INT16: case DYAD_FLOAT16: case DYAD_BFLOAT16:
    return 2;
  case DYAD_INT64: case DYAD_FLOAT64: case DYAD_UINT64: return 8;
  default: return 0;
  }
}

const char *dyad_dtype_name(int32_t dtype) {
  switch (dtype) {
  case DYAD_FLOAT32: return "float32";
  case DYAD_UINT8: return "uint8";
  case DYAD_INT8: return "int8";
  case DYAD_UINT16: return "uint16";
  case DYAD_INT16: return "int16";
  case DYAD_INT32: return "int32";
  case DYAD_INT64: return "int64";
  case DYAD_BOOL: return "bool";
  case DYAD_FLOAT16: return "float16";
  case DYAD_FLOAT64: return "float64";
  case DYAD_UINT32: return "uint32";
  case DYAD_UINT64: return "uint64";
  case DYAD_BFLOAT16: return "bfloat16";
  default: return "unknown";
  }
}

dyad_status dyad_model_load(const char *path, dyad_model **model,
                            char *errbuf, size_t errbuf_size) {
  auto report = [&](const std::string &msg) {
    if (errbuf && errbuf_size) {
      std::snprintf(errbuf, errbuf_size, "%s", msg.c_str());
    }
    return DYAD_ERR_LOAD;
  };
  if (!model)
    return report("dyad_model_load: model is NULL");
  *model = nullptr;
  if (!path)
    return report("dyad_model_load: path is NULL");
  // dlopen looks a name without '/' up in the library path: make it a path.
  std::string file = std::strchr(path, '/') ? path : std::string("./") + path;
  void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return report(std::string("cannot load '") + path + "': " + dlerror());
  using InfoFn = const char *(*)();
  auto info = (InfoFn)dlsym(handle, "dyad_model_info");
  auto entry = (EntryFn)dlsym(handle, "dyad_model_entry");
  if (!info || !entry) {
    dlclose(handle);
    return report(std::string("'") + path +
                  "' is not a model compiled by dyadc (no dyad_model_info / "
                  "dyad_model_entry)");
  }
  auto m = std::make_unique<dyad_model>();
  std::string err;
  if (!parseInfo(info(), *m, err)) {
    dlclose(handle);
    return report(std::string("'") + path + "': " + err);
  }
  // Nothing of the model's code has run yet: refuse it here if it was
  // compiled for features this CPU lacks.
  std::string missing;
  for (const std::string &f : m->cpuFeatures)
    if (!cpuHas(f))
      missing += (missing.empty() ? "" : ", ") + f;
  if (!missing.empty()) {
    dlclose(handle);
    return report(std::string("'") + path + "' was compiled for CPU '" +
                  m->cpu + "' and needs CPU features this machine lacks: " +
                  missing +
                  " (recompile it with dyadc --target=host on this machine, "
                  "or for a --target/--mcpu this CPU has)");
  }
  if (std::any_of(m->cpuFeatures.begin(), m->cpuFeatures.end(),
                  [](const std::string &f) { return f.rfind("amx-", 0) == 0; }))
    if (std::string why = requestAmxState(); !why.empty()) {
      dlclose(handle);
      return report(std::string("'") + path +
                    "' may use AMX tiles, and the OS did not enable their "
                    "state for this process (arch_prctl: " + why +
                    "); recompile it with dyadc --mattr=-amx-int8");
    }
  if (!m->gpuChip.empty()) {
    using PtxFn = const char *(*)();
    auto ptx = (PtxFn)dlsym(handle, "dyad_model_ptx");
    std::string why =
        ptx ? gpuOpen(path, ptx(), m->kernelNames, m->gpuChip, m->gpu)
            : std::string("'") + path +
                  "' is a GPU model without its PTX (no dyad_model_ptx)";
    if (!why.empty()) {
      m.reset(); // releases its CUDA state while the library is loaded
      dlclose(handle);
      return report(why);
    }
  }
  m->handle = handle;
  m->entry = entry;
  m->setThreads = (void (*)(int))dlsym(handle, "dyad_model_threads");
  m->profileCounters = (int (*)(uint64_t *, int, int))dlsym(
      handle, "dyad_model_profile_counters");
  if (!m->profileCounters)
    m->profile.clear();
  m->numThreads = defaultThreads();
  m->batchChunk = m->gpu ? 0 : batchChunk(*m);
  *model = m.release();
  return DYAD_OK;
}

void dyad_model_free(dyad_model *model) {
  if (!model)
    return;
  void *handle = model->handle;
  delete model; // joins the chunk threads before their code is unloaded
  if (handle)
    dlclose(handle);
}

int dyad_model_num_inputs(const dyad_model *m) {
  return m ? (int)m->inputs.size() : 0;
}
int dyad_model_num_outputs(const dyad_model *m) {
  return m ? (int)m->outputs.size() : 0;
}
const dyad_tensor_info *dyad_model_input(const dyad_model *m, int i) {
  if (!m || i < 0 || i >= (int)m->inputs.size())
    return nullptr;
  return &m->inputs[i]->c;
}
const dyad_tensor_info *dyad_model_output(const dyad_model *m, int i) {
  if (!m || i < 0 || i >= (int)m->outputs.size())
    return nullptr;
  return &m->outputs[i]->c;
}
int dyad_model_input_index(const dyad_model *m, const char *name) {
  if (!m || !name)
    return -1;
  for (size_t i = 0; i < m->inputs.size(); ++i)
    if (m->inputs[i]->name == name)
      return (int)i;
  return -1;
}
const char *dyad_model_last_error(const dyad_model *m) {
  if (!m)
    return "model is NULL";
  return lastError.model == m ? lastError.message.c_str() : "";
}

dyad_status dyad_model_set_num_threads(dyad_model *m, int n) {
  if (!m)
    return DYAD_ERR_ARGUMENT;
  m->numThreads = n > 0 ? n : defaultThreads();
  return DYAD_OK;
}

int dyad_model_num_threads(const dyad_model *m) {
  return m ? m->numThreads : 0;
}

dyad_status dyad_model_set_batch_chunk(dyad_model *m, int64_t n) {
  if (!m)
    return DYAD_ERR_ARGUMENT;
  m->batchChunk = m->batchBytesPerSample <= 0 || m->gpu ? 0
                  : n < 0                             ? batchChunk(*m)
                                                      : n;
  return DYAD_OK;
}

int64_t dyad_model_batch_chunk(const dyad_model *m) {
  return m ? m->batchChunk : 0;
}

const char *dyad_model_gpu(const dyad_model *m) {
  return m && !m->gpuChip.empty() ? m->gpuChip.c_str() : nullptr;
}

int dyad_model_num_gpu_kernels(const dyad_model *m) {
  return m ? (int)m->kernelNames.size() : 0;
}

int dyad_model_gpu_device(const dyad_model *m) {
  return m && m->gpu ? m->gpu->ordinal : -1;
}

dyad_status dyad_model_set_memory(dyad_model *m, int inputs, int outputs) {
  if (!m)
    return DYAD_ERR_ARGUMENT;
  for (int k : {inputs, outputs})
    if (k != DYAD_MEMORY_HOST && k != DYAD_MEMORY_DEVICE)
      return m->fail(DYAD_ERR_ARGUMENT,
                     "memory kind %d is neither DYAD_MEMORY_HOST (0) nor "
                     "DYAD_MEMORY_DEVICE (1)",
                     (int)k);
  if (!m->gpu) {
    if (inputs == DYAD_MEMORY_HOST && outputs == DYAD_MEMORY_HOST)
      return DYAD_OK;
    return m->fail(DYAD_ERR_ARGUMENT,
                   "the model runs on the CPU: its tensors are in host "
                   "memory (DYAD_MEMORY_DEVICE is for GPU models, dyadc "
                   "--target=nvptx)");
  }
  std::lock_guard<std::mutex> lock(m->gpu->runMutex);
  m->gpu->inputMemory = (dyad_memory)inputs;
  m->gpu->outputMemory = (dyad_memory)outputs;
  return DYAD_OK;
}

dyad_status dyad_model_memory(const dyad_model *m, dyad_memory *inputs,
                              dyad_memory *outputs) {
  if (!m)
    return DYAD_ERR_ARGUMENT;
  if (inputs)
    *inputs = m->gpu ? m->gpu->inputMemory : DYAD_MEMORY_HOST;
  if (outputs)
    *outputs = m->gpu ? m->gpu->outputMemory : DYAD_MEMORY_HOST;
  return DYAD_OK;
}

dyad_status dyad_model_set_gpu_stream(dyad_model *m, void *stream) {
  if (!m)
    return DYAD_ERR_ARGUMENT;
  if (!m->gpu) {
    if (!stream)
      return DYAD_OK;
    return m->fail(DYAD_ERR_ARGUMENT,
                   "the model runs on the CPU: it takes no CUDA stream");
  }
  std::lock_guard<std::mutex> lock(m->gpu->runMutex);
  m->gpu->userStream = (CUstream)stream;
  return DYAD_OK;
}

int dyad_model_profile(dyad_model *m, const dyad_profile_entry **entries,
                       int reset) {
  if (entries)
    *entries = nullptr;
  if (!m || !m->profileCounters || m->profile.empty())
    return 0;
  int n = (int)m->profile.size();
  std::vector<uint64_t> counters(3 * size_t(n));
  m->profileCounters(counters.data(), n, reset);
  m->profileEntries.resize(n);
  for (int i = 0; i < n; ++i) {
    dyad_profile_entry &e = m->profileEntries[i];
    e.node = m->profile[i].node.c_str();
    e.kernel = m->profile[i].kernel.c_str();
    e.fused = m->profile[i].fused.c_str();
    e.seconds = double(counters[3 * i]) * 1e-9;
    e.runs = int64_t(counters[3 * i + 1]);
    e.ops = double(counters[3 * i + 2]);
  }
  if (entries)
    *entries = m->profileEntries.data();
  return n;
}

/// Checks the inputs against the compiled signature and binds the symbolic
/// dims (name -> size).
static dyad_status checkInputs(dyad_model *m, const dyad_tensor *inputs,
                               int n, std::map<std::string, int64_t> &dims) {
  if (n != (int)m->inputs.size())
    return m->fail(DYAD_ERR_ARGUMENT, "the model has %zu inputs, %d given",
                   m->inputs.size(), n);
  if (n > 0 && !inputs)
    return m->fail(DYAD_ERR_ARGUMENT, "inputs is NULL");
  for (int i = 0; i < n; ++i) {
    const TensorInfo &t = *m->inputs[i];
    const dyad_tensor &in = inputs[i];
    if (in.dtype != t.dtype)
      return m->fail(DYAD_ERR_DTYPE, "input '%s' is %s, the model takes %s",
                     t.name.c_str(), dyad_dtype_name(in.dtype),
                     dyad_dtype_name(t.dtype));
    if (in.rank != (int)t.shape.size())
      return m->fail(DYAD_ERR_SHAPE,
                     "input '%s' has rank %d, the model takes %s",
                     t.name.c_str(), in.rank,
                     shapeString(t.shape.data(), (int)t.shape.size()).c_str());
    size_t count = 1;
    for (int d = 0; d < in.rank; ++d) {
      int64_t size = in.shape[d];
      if (size < 0)
        return m->fail(DYAD_ERR_SHAPE, "input '%s' dim %d is negative",
                       t.name.c_str(), d);
      if (t.shape[d] >= 0 && size != t.shape[d])
        return m->fail(DYAD_ERR_SHAPE,
                       "input '%s' has shape %s, the model takes %s",
                       t.name.c_str(), shapeString(in.shape, in.rank).c_str(),
                       shapeString(t.shape.data(), in.rank).c_str());
      const std::string &p = t.params[d];
      if (t.shape[d] < 0 && !p.empty()) {
        auto [it, inserted] = dims.emplace(p, size);
        if (!inserted && it->second != size)
          return m->fail(DYAD_ERR_SHAPE,
                         "input '%s' dim %d ('%s') is %lld, but another "
                         "input has '%s' = %lld",
                         t.name.c_str(), d, p.c_str(), (long long)size,
                         p.c_str(), (long long)it->second);
      }
      // A shape whose byte size overflows cannot describe real data.
      if (__builtin_mul_overflow(count, (size_t)size, &count) ||
          (count && dyad_dtype_size(t.dtype) > SIZE_MAX / count))
        return m->fail(DYAD_ERR_SHAPE,
                       "input '%s' of shape %s is too large (its size "
                       "overflows)",
                       t.name.c_str(), shapeString(in.shape, in.rank).c_str());
    }
    if (count > 0 && !in.data)
      return m->fail(DYAD_ERR_ARGUMENT, "input '%s' has no data",
                     t.name.c_str());
  }
  return DYAD_OK;
}

dyad_status dyad_model_output_shape(dyad_model *m, const dyad_tensor *inputs,
                                    int n_inputs, int i, int64_t *shape) {
  if (!m)
    return DYAD_ERR_ARGUMENT;
  if (i < 0 || i >= (int)m->outputs.size() || !shape)
    return m->fail(DYAD_ERR_ARGUMENT, "no output %d", i);
  std::map<std::string, int64_t> dims;
  if (dyad_status s = checkInputs(m, inputs, n_inputs, dims))
    return s;
  const TensorInfo &t = *m->outputs[i];
  for (size_t d = 0; d < t.shape.size(); ++d) {
    shape[d] = t.shape[d];
    if (shape[d] < 0) {
      auto it = dims.find(t.params[d]);
      if (it != dims.end())
        shape[d] = it->second;
    }
  }
  return DYAD_OK;
}

/// One run of a GPU model: the dyad_gpu_ctx its code gets, then the
/// runtime's side (the model code reads only `abi`).
struct GpuRun {
  dyad_gpu_ctx abi;
  dyad_model *model;
  GpuState *gpu;
  CUstream stream;
  std::string *error; // the run's first error, "" while none

  static GpuRun &of(dyad_gpu_ctx *ctx) {
    return *reinterpret_cast<GpuRun *>(ctx);
  }
  bool failed() const { return !error->empty(); }
  void fail(const std::string &message) {
    if (error->empty())
      *error = message;
  }
  void fail(const char *what, const char *call, CUresult r) {
    fail(std::string(what) + " (" + cuError(*gpu->cu, call, r) + ")");
  }
};
static_assert(std::is_standard_layout<GpuRun>::value &&
                  offsetof(GpuRun, abi) == 0,
              "the model code is handed &run.abi");

// The callbacks run inside the model's code (C): nothing may throw
// through it.
static void *gpuAlloc(dyad_gpu_ctx *ctx, int64_t bytes) try {
  GpuRun &run = GpuRun::of(ctx);
  if (run.failed()) // the run is lost: its later launches are skipped
    return nullptr;
  if (bytes < 0) {
    run.fail("the model asked for " + std::to_string(bytes) +
             " bytes of GPU memory");
    return nullptr;
  }
  // Never NULL on success: 0 bytes get a byte of their own, so NULL always
  // means a failure and free needs no special case.
  size_t n = (size_t)std::max<int64_t>(bytes, 1);
  const dyad::CudaDriver &cu = *run.gpu->cu;
  CUdeviceptr p = 0;
  CUresult r = run.gpu->asyncAlloc ? cu.cuMemAllocAsync(&p, n, run.stream)
                                   : cu.cuMemAlloc_v2(&p, n);
  if (r) {
    run.fail(("cannot allocate " + std::to_string(bytes) +
              " bytes of GPU memory").c_str(),
             run.gpu->asyncAlloc ? "cuMemAllocAsync" : "cuMemAlloc", r);
    return nullptr;
  }
  return (void *)(uintptr_t)p;
} catch (...) {
  return nullptr;
}

static void gpuFree(dyad_gpu_ctx *ctx, void *ptr) try {
  if (!ptr)
    return;
  GpuRun &run = GpuRun::of(ctx);
  const dyad::CudaDriver &cu = *run.gpu->cu;
  CUdeviceptr p = (CUdeviceptr)(uintptr_t)ptr;
  if (run.gpu->asyncAlloc) {
    if (CUresult r = cu.cuMemFreeAsync(p, run.stream))
      run.fail("cannot free GPU memory", "cuMemFreeAsync", r);
    return;
  }
  // Without stream-ordered allocation, the kernels queued so far may still
  // use the buffer.
  CUresult r = cu.cuStreamSynchronize(run.stream);
  if (r)
    run.fail("the run failed on the GPU", "cuStreamSynchronize", r);
  if ((r = cu.cuMemFree_v2(p)))
    run.fail("cannot free GPU memory", "cuMemFree", r);
} catch (...) {
}

static void *gpuConstant(dyad_gpu_ctx *ctx, int64_t id, const void *host,
                         int64_t bytes) try {
  GpuRun &run = GpuRun::of(ctx);
  if (run.failed())
    return nullptr;
  GpuState &g = *run.gpu;
  constexpr int64_t kMaxConstants = int64_t(1) << 24;
  if (id < 0 || id >= kMaxConstants || bytes < 0 || (bytes && !host)) {
    run.fail("the model asked for constant " + std::to_string(id) + " of " +
             std::to_string(bytes) + " bytes");
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(g.constantMutex);
  if ((size_t)id >= g.constants.size())
    g.constants.resize(id + 1, 0);
  CUdeviceptr &p = g.constants[id];
  if (!p) {
    // Kept for the instance's life: not stream-ordered. The upload is
    // waited for, so the constant is ready whichever stream reads it next.
    const dyad::CudaDriver &cu = *g.cu;
    CUdeviceptr q = 0;
    CUresult r = cu.cuMemAlloc_v2(&q, (size_t)std::max<int64_t>(bytes, 1));
    if (r) {
      run.fail(("cannot allocate " + std::to_string(bytes) +
                " bytes of GPU memory for constant " + std::to_string(id))
                   .c_str(),
               "cuMemAlloc", r);
      return nullptr;
    }
    if (bytes && ((r = cu.cuMemcpyHtoDAsync_v2(q, host, (size_t)bytes,
                                               run.stream)) ||
                  (r = cu.cuStreamSynchronize(run.stream)))) {
      cu.cuMemFree_v2(q);
      run.fail(("cannot upload constant " + std::to_string(id)).c_str(),
               "cuMemcpyHtoDAsync", r);
      return nullptr;
    }
    p = q;
  }
  return (void *)(uintptr_t)p;
} catch (...) {
  return nullptr;
}

static void gpuLaunch(dyad_gpu_ctx *ctx, int64_t kernel, int64_t gx,
                      int64_t gy, int64_t gz, int64_t bx, int64_t by,
                      int64_t bz, int64_t smem, void **params) try {
  GpuRun &run = GpuRun::of(ctx);
  if (run.failed())
    return;
  GpuState &g = *run.gpu;
  if (kernel < 0 || kernel >= (int64_t)g.functions.size()) {
    run.fail("the model launched kernel " + std::to_string(kernel) +
             ", and it has " + std::to_string(g.functions.size()));
    return;
  }
  std::string what = "kernel " + std::to_string(kernel) + " '" +
                     run.model->kernelNames[kernel] + "'";
  // An empty grid (an op on an empty batch) has nothing to do.
  if (gx == 0 || gy == 0 || gz == 0)
    return;
  const int64_t dims[] = {gx, gy, gz, bx, by, bz};
  for (int64_t d : dims)
    if (d < 1 || d > (int64_t)UINT32_MAX) {
      run.fail(what + " launched on a grid of " + std::to_string(gx) + "x" +
               std::to_string(gy) + "x" + std::to_string(gz) +
               " blocks of " + std::to_string(bx) + "x" + std::to_string(by) +
               "x" + std::to_string(bz) + " threads");
      return;
    }
  if (smem < 0 || smem > INT32_MAX) {
    run.fail(what + " asked for " + std::to_string(smem) +
             " bytes of shared memory");
    return;
  }
  const dyad::CudaDriver &cu = *g.cu;
  CUfunction f = g.functions[kernel];
  // Beyond 48 KiB of dynamic shared memory a kernel must opt in.
  constexpr int64_t kDefaultShared = 48 << 10;
  if (smem > kDefaultShared && smem > g.sharedLimit[kernel]) {
    if (CUresult r = cu.cuFuncSetAttribute(
            f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, (int)smem)) {
      run.fail((what + " needs " + std::to_string(smem) +
                " bytes of shared memory").c_str(),
               "cuFuncSetAttribute", r);
      return;
    }
    g.sharedLimit[kernel] = smem;
  }
  if (g.profileStart)
    if (CUresult r = cu.cuEventRecord(g.profileStart, run.stream)) {
      run.fail("DYAD_GPU_PROFILE", "cuEventRecord", r);
      return;
    }
  if (CUresult r = cu.cuLaunchKernel(f, (unsigned)gx, (unsigned)gy,
                                     (unsigned)gz, (unsigned)bx, (unsigned)by,
                                     (unsigned)bz, (unsigned)smem, run.stream,
                                     params, nullptr)) {
    run.fail((what + " did not launch").c_str(), "cuLaunchKernel", r);
    return;
  }
  if (g.profileStart) {
    float ms = 0;
    CUresult r = cu.cuEventRecord(g.profileEnd, run.stream);
    if (!r)
      r = cu.cuEventSynchronize(g.profileEnd);
    if (!r)
      r = cu.cuEventElapsedTime(&ms, g.profileStart, g.profileEnd);
    if (r) {
      run.fail((what + " failed").c_str(), "cuEventSynchronize", r);
      return;
    }
    g.kernelMs[kernel] += ms;
    g.kernelCalls[kernel] += 1;
  }
  if (g.syncEachLaunch)
    if (CUresult r = cu.cuStreamSynchronize(run.stream))
      run.fail((what + " failed").c_str(), "cuStreamSynchronize", r);
} catch (...) {
}

static void gpuCopy(dyad_gpu_ctx *ctx, void *dst, const void *src,
                    int64_t bytes) try {
  GpuRun &run = GpuRun::of(ctx);
  if (run.failed() || bytes == 0)
    return;
  if (bytes < 0 || !dst || !src) {
    run.fail("the model asked for a copy of " + std::to_string(bytes) +
             " bytes");
    return;
  }
  if (CUresult r = run.gpu->cu->cuMemcpyDtoDAsync_v2(
          (CUdeviceptr)(uintptr_t)dst, (CUdeviceptr)(uintptr_t)src,
          (size_t)bytes, run.stream))
    run.fail("a copy on the GPU failed", "cuMemcpyDtoDAsync", r);
} catch (...) {
}

/// One call of the compiled graph on rows [row0, row0 + rows) of every
/// input's dim 0 (rows < 0: the whole inputs), its results written to the
/// same rows of the caller's buffers, whose dim 0 has `total` rows.
///
/// A GPU model's run (`gpu`; always the whole inputs) passes the device
/// copies of the inputs (`deviceInputs`) and the run's dyad_gpu_ctx, and
/// copies its results from the device; after a failure on the GPU its
/// results are only freed.
static dyad_status runRows(dyad_model *m, const dyad_tensor *inputs,
                           int n_inputs, dyad_tensor *outputs, int n_outputs,
                           int64_t row0, int64_t rows, int64_t total,
                           GpuRun *gpu = nullptr,
                           void *const *deviceInputs = nullptr,
                           std::vector<int64_t> *capture = nullptr,
                           const std::vector<int64_t> *replay = nullptr) {
  // Input descriptors: {allocated, aligned, offset, sizes, strides}.
  std::vector<std::vector<int64_t>> descs(n_inputs);
  for (int i = 0; i < n_inputs; ++i) {
    const dyad_tensor &in = inputs[i];
    std::vector<int64_t> &d = descs[i];
    d.resize(3 + 2 * in.rank);
    void *data = deviceInputs ? deviceInputs[i] : in.data;
    std::memcpy(&d[0], &data, sizeof(void *));
    std::memcpy(&d[1], &data, sizeof(void *));
    d[2] = 0;
    int64_t stride = 1;
    for (int k = in.rank - 1; k >= 0; --k) {
      d[3 + k] = in.shape[k];
      d[3 + in.rank + k] = stride;
      stride *= in.shape[k];
    }
    if (rows >= 0) {
      // The code takes identity layouts (offset 0): the chunk's first row
      // is its base pointer.
      const char *base = (const char *)in.data +
                         row0 * d[3 + in.rank] * dyad_dtype_size(in.dtype);
      std::memcpy(&d[0], &base, sizeof(void *));
      std::memcpy(&d[1], &base, sizeof(void *));
      d[3] = rows;
    }
  }
  // Results: the descriptors one after the other.
  size_t resultWords = 0;
  for (auto &o : m->outputs)
    resultWords += 3 + 2 * o->shape.size();
  std::vector<int64_t> results(resultWords, 0);
  std::vector<void *> args;
  args.push_back(results.data());
  for (auto &d : descs)
    args.push_back(d.data());
  if (gpu)
    args.push_back(&gpu->abi);
  // A graph's capture only records the launches (`capture` gets the result
  // descriptors); its replay has them already.
  if (replay) {
    results = *replay;
  } else {
    m->entry(args.data());
    if (capture) {
      *capture = results;
      return DYAD_OK;
    }
  }
  // Results on the device are copied out on the run's stream (which the
  // caller synchronizes before it returns).
  auto copyOut = [&](void *dst, const void *src, size_t bytes) {
    if (!gpu) {
      std::memcpy(dst, src, bytes);
      return;
    }
    if (gpu->failed())
      return;
    const dyad::CudaDriver &cu = *gpu->gpu->cu;
    if (gpu->gpu->outputMemory == DYAD_MEMORY_DEVICE) {
      if (CUresult r = cu.cuMemcpyDtoDAsync_v2(
              (CUdeviceptr)(uintptr_t)dst, (CUdeviceptr)(uintptr_t)src, bytes,
              gpu->stream))
        gpu->fail("cannot copy a result into its device buffer",
                  "cuMemcpyDtoDAsync", r);
    } else if (CUresult r = cu.cuMemcpyDtoHAsync_v2(
                   dst, (CUdeviceptr)(uintptr_t)src, bytes, gpu->stream)) {
      gpu->fail("cannot copy a result from the GPU", "cuMemcpyDtoHAsync", r);
    }
  };

  // Copy each result into the caller's buffer, then free it. Two results
  // can share one allocation (the same value returned twice, or a reshape
  // returned with its input): each allocation is freed once.
  dyad_status status = DYAD_OK;
  size_t off = 0;
  std::vector<void *> allocations;
  for (int i = 0; i < n_outputs; ++i) {
    const TensorInfo &t = *m->outputs[i];
    int rank = (int)t.shape.size();
    int64_t *d = &results[off];
    off += 3 + 2 * rank;
    void *allocated, *aligned;
    std::memcpy(&allocated, &d[0], sizeof(void *));
    std::memcpy(&aligned, &d[1], sizeof(void *));
    const int64_t *sizes = &d[3], *strides = &d[3 + rank];
    size_t elt = dyad_dtype_size(t.dtype);
    size_t count = 1;
    for (int k = 0; k < rank; ++k)
      count *= (size_t)sizes[k];
    dyad_tensor &out = outputs[i];
    if (gpu && gpu->failed()) {
      if (std::find(allocations.begin(), allocations.end(), allocated) ==
          allocations.end())
        allocations.push_back(allocated);
      continue;
    }
    // A chunk's result has the chunk's rows; the caller's buffer has all.
    std::vector<int64_t> fullSizes(sizes, sizes + rank);
    size_t rowOffset = 0;
    if (rows >= 0) {
      if (rank == 0 || sizes[0] != rows) {
        if (status == DYAD_OK)
          status = m->fail(DYAD_ERR_RUN,
                           "output '%s' of a %lld-row chunk has %lld rows",
                           t.name.c_str(), (long long)rows,
                           (long long)(rank ? sizes[0] : 0));
        if (std::find(allocations.begin(), allocations.end(), allocated) ==
            allocations.end())
          allocations.push_back(allocated);
        continue;
      }
      fullSizes[0] = total;
      rowOffset = (size_t)row0 * (count / (size_t)std::max<int64_t>(rows, 1));
    }
    size_t fullCount = 1;
    for (int k = 0; k < rank; ++k)
      fullCount *= (size_t)fullSizes[k];
    // After a capacity failure the other outputs are still measured, so one
    // retry with every buffer sized is enough.
    if (status == DYAD_OK || status == DYAD_ERR_CAPACITY) {
      if (out.dtype != t.dtype) {
        status = m->fail(DYAD_ERR_DTYPE, "output '%s' is %s, buffer is %s",
                         t.name.c_str(), dyad_dtype_name(t.dtype),
                         dyad_dtype_name(out.dtype));
      } else if (fullCount * elt > out.capacity_bytes ||
                 (fullCount > 0 && !out.data)) {
        // Report the shape so the caller can size the buffer and run again.
        out.rank = rank;
        for (int k = 0; k < rank; ++k)
          out.shape[k] = fullSizes[k];
        if (status == DYAD_OK)
          status = m->fail(DYAD_ERR_CAPACITY,
                         "output '%s' of shape %s needs %zu bytes, the buffer "
                         "has %zu",
                         t.name.c_str(),
                         shapeString(fullSizes.data(), rank).c_str(),
                         fullCount * elt, out.capacity_bytes);
      } else if (status == DYAD_ERR_CAPACITY) {
        out.rank = rank;
        for (int k = 0; k < rank; ++k)
          out.shape[k] = fullSizes[k];
      } else {
        // Copy into dense row-major order: results are dense in practice
        // (one memcpy); any other layout is copied row by row (a row: the
        // innermost dims that are dense), so any layout stays correct.
        const char *base = (const char *)aligned + d[2] * elt;
        char *dst = (char *)out.data + rowOffset * elt;
        int inner = rank; // dims [inner, rank) are dense row-major
        size_t rowElts = 1;
        while (inner > 0 && (sizes[inner - 1] == 1 ||
                             strides[inner - 1] == (int64_t)rowElts)) {
          rowElts *= (size_t)sizes[inner - 1];
          --inner;
        }
        if (count > 0) {
          size_t rows = count / rowElts;
          std::vector<int64_t> idx(inner, 0);
          for (size_t r = 0; r < rows; ++r) {
            int64_t src = 0;
            for (int k = 0; k < inner; ++k)
              src += idx[k] * strides[k];
            copyOut(dst + r * rowElts * elt, base + src * elt,
                    rowElts * elt);
            for (int k = inner - 1; k >= 0; --k) {
              if (++idx[k] < sizes[k])
                break;
              idx[k] = 0;
            }
          }
        }
        if (row0 == 0) { // chunks after the first run on other threads
          out.rank = rank;
          for (int k = 0; k < rank; ++k)
            out.shape[k] = fullSizes[k];
        }
      }
    }
    if (std::find(allocations.begin(), allocations.end(), allocated) ==
        allocations.end())
      allocations.push_back(allocated);
  }
  if (!gpu) {
    for (void *a : allocations)
      std::free(a);
    return status;
  }
  // A result may be an input's device copy or a constant returned as it
  // is: those are not the model's to hand over.
  for (void *a : allocations) {
    bool own = std::find(deviceInputs, deviceInputs + n_inputs, a) ==
               deviceInputs + n_inputs;
    if (own) {
      std::lock_guard<std::mutex> lock(gpu->gpu->constantMutex);
      own = std::find(gpu->gpu->constants.begin(), gpu->gpu->constants.end(),
                      (CUdeviceptr)(uintptr_t)a) == gpu->gpu->constants.end();
    }
    if (own)
      gpuFree(&gpu->abi, a);
  }
  return status;
}

/// Empty when the `bytes` bytes at `p` are device memory of the model's
/// GPU, as far as the driver can tell (its optional pointer queries);
/// else why not.
static std::string checkDeviceRange(const GpuState &g, const void *p,
                                    size_t bytes) {
  const dyad::CudaDriver &cu = *g.cu;
  char at[32];
  std::snprintf(at, sizeof(at), "%p", p);
  if (!p)
    return "its data pointer is NULL";
  CUdeviceptr ptr = (CUdeviceptr)(uintptr_t)p;
  if (cu.cuMemGetAddressRange_v2) {
    CUdeviceptr base = 0;
    size_t size = 0;
    if (CUresult r = cu.cuMemGetAddressRange_v2(&base, &size, ptr))
      return std::string("its data pointer ") + at +
             " is not GPU memory (" +
             cuError(cu, "cuMemGetAddressRange", r) + ")";
    size_t room = (size_t)(base + size - ptr);
    if (room < bytes)
      return std::string("its device allocation has ") +
             std::to_string(room) + " bytes from its data pointer " + at +
             ", and it needs " + std::to_string(bytes);
  }
  int device = -1;
  if (cu.cuPointerGetAttribute &&
      cu.cuPointerGetAttribute(&device, CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL,
                               ptr) == CUDA_SUCCESS &&
      device != g.ordinal)
    return "its data is on GPU " + std::to_string(device) +
           ", and the model runs on GPU " + std::to_string(g.ordinal) +
           " (DYAD_GPU_DEVICE)";
  return {};
}

/// A run through a CUDA graph: `gr` replayed, or (null) a graph captured
/// from this run first and kept. The inputs are copied into the graph's
/// buffers, the graph launched, the results copied out. False, with nothing
/// run, when the capture did not work out (the instance then stops trying
/// and the run goes the usual way); the run's errors are in `run`.
static bool runGraph(dyad_model *m, GpuRun &run, const dyad_tensor *inputs,
                     int n_inputs, dyad_tensor *outputs, int n_outputs,
                     const std::vector<std::vector<int64_t>> &shapes,
                     const std::vector<size_t> &bytes, GpuState::Graph *gr,
                     dyad_status &status) {
  GpuState &g = *run.gpu;
  const dyad::CudaDriver &cu = *g.cu;
  std::unique_ptr<GpuState::Graph> made;
  auto giveUp = [&]() {
    if (made) {
      cu.cuStreamSynchronize(run.stream); // the input copies queued
      g.dropGraph(*made);
    }
    g.graphs = false;
    run.error->clear();
    return false;
  };
  if (!gr) {
    made = std::make_unique<GpuState::Graph>();
    made->shapes = shapes;
    for (int i = 0; i < n_inputs; ++i) {
      CUdeviceptr p = 0;
      if (cu.cuMemAlloc_v2(&p, std::max<size_t>(bytes[i], 1)))
        return giveUp();
      made->inputs.push_back(p);
    }
    gr = made.get();
  }
  for (int i = 0; i < n_inputs; ++i) {
    if (!bytes[i])
      continue;
    CUresult r =
        g.inputMemory == DYAD_MEMORY_DEVICE
            ? cu.cuMemcpyDtoDAsync_v2(gr->inputs[i],
                                      (CUdeviceptr)(uintptr_t)inputs[i].data,
                                      bytes[i], run.stream)
            : cu.cuMemcpyHtoDAsync_v2(gr->inputs[i], inputs[i].data, bytes[i],
                                      run.stream);
    if (r) {
      run.fail(("cannot copy input '" + m->inputs[i]->name + "' to the GPU")
                   .c_str(),
               "cuMemcpy", r);
      return true;
    }
  }
  std::vector<void *> deviceInputs;
  for (CUdeviceptr p : gr->inputs)
    deviceInputs.push_back((void *)(uintptr_t)p);
  if (made) {
    if (cu.cuStreamBeginCapture_v2(run.stream,
                                   CU_STREAM_CAPTURE_MODE_RELAXED))
      return giveUp();
    runRows(m, inputs, n_inputs, outputs, n_outputs, 0, -1, -1, &run,
            deviceInputs.data(), &made->results);
    CUgraph graph = nullptr;
    CUresult r = cu.cuStreamEndCapture(run.stream, &graph);
    if (!r && graph && !run.failed())
      r = cu.cuGraphInstantiateWithFlags(&made->exec, graph, 0);
    if (graph)
      cu.cuGraphDestroy(graph);
    if (r || !graph || run.failed() || !made->exec)
      return giveUp();
    if (g.graphCache.size() >= GpuState::kMaxGraphs) {
      auto lru = std::min_element(
          g.graphCache.begin(), g.graphCache.end(),
          [](auto &a, auto &b) { return a->lastUse < b->lastUse; });
      g.dropGraph(**lru);
      g.graphCache.erase(lru);
    }
    g.graphCache.push_back(std::move(made));
  }
  gr->lastUse = ++g.runs;
  if (CUresult r = cu.cuGraphLaunch(gr->exec, run.stream)) {
    run.fail("the model's CUDA graph did not launch", "cuGraphLaunch", r);
    return true;
  }
  status = runRows(m, inputs, n_inputs, outputs, n_outputs, 0, -1, -1, &run,
                   deviceInputs.data(), nullptr, &gr->results);
  return true;
}

/// A run of a GPU model: the inputs copied to the device (or, in device
/// memory, used where they are), one call of the compiled code (which
/// queues its kernels on the run's stream), the results copied out, then
/// one synchronization. Runs of one instance take turns.
static dyad_status runGpu(dyad_model *m, const dyad_tensor *inputs,
                          int n_inputs, dyad_tensor *outputs, int n_outputs) {
  GpuState &g = *m->gpu;
  const dyad::CudaDriver &cu = *g.cu;
  std::lock_guard<std::mutex> lock(g.runMutex);
  if (CUresult r = cu.cuCtxPushCurrent_v2(g.ctx))
    return m->fail(DYAD_ERR_RUN, "%s",
                   cuError(cu, "cuCtxPushCurrent", r).c_str());
  auto inputBytes = [&](int i) {
    size_t bytes = dyad_dtype_size(inputs[i].dtype); // checkInputs: fits
    for (int d = 0; d < inputs[i].rank; ++d)
      bytes *= (size_t)inputs[i].shape[d];
    return bytes;
  };
  // The caller's device buffers are checked before anything is queued.
  bool devIn = g.inputMemory == DYAD_MEMORY_DEVICE,
       devOut = g.outputMemory == DYAD_MEMORY_DEVICE;
  std::string why;
  for (int i = 0; i < n_inputs && devIn && why.empty(); ++i)
    if (size_t bytes = inputBytes(i))
      if (!(why = checkDeviceRange(g, inputs[i].data, bytes)).empty())
        why = "input '" + m->inputs[i]->name + "' is to be in device memory "
              "(dyad_model_set_memory), and " + why;
  for (int i = 0; i < n_outputs && devOut && why.empty(); ++i)
    if (outputs[i].data && outputs[i].capacity_bytes)
      if (!(why = checkDeviceRange(g, outputs[i].data,
                                   outputs[i].capacity_bytes))
               .empty())
        why = "output '" + m->outputs[i]->name + "' is to be in device "
              "memory (dyad_model_set_memory), and " + why +
              (why.find("needs") != std::string::npos ? " (capacity_bytes)"
                                                      : "");
  if (!why.empty()) {
    CUcontext popped;
    cu.cuCtxPopCurrent_v2(&popped);
    return m->fail(DYAD_ERR_ARGUMENT, "%s", why.c_str());
  }
  std::string error;
  GpuRun run{{gpuAlloc, gpuFree, gpuConstant, gpuLaunch, gpuCopy},
             m,
             &g,
             g.userStream ? g.userStream : g.stream,
             &error};
  if (g.profileStart)
    ++g.profiledRuns;
  // A graph for these input shapes, or one to capture (their second run;
  // the first uploads the constants, which a capture cannot wait for). Not
  // on the default stream, which cannot be captured.
  if (g.graphs && (uintptr_t)run.stream > 2) {
    std::vector<std::vector<int64_t>> shapes;
    std::vector<size_t> bytes;
    for (int i = 0; i < n_inputs; ++i) {
      shapes.emplace_back(inputs[i].shape, inputs[i].shape + inputs[i].rank);
      bytes.push_back(inputBytes(i));
    }
    GpuState::Graph *gr = nullptr;
    for (auto &c : g.graphCache)
      if (c->shapes == shapes)
        gr = c.get();
    bool seen = std::find(g.ranOnce.begin(), g.ranOnce.end(), shapes) !=
                g.ranOnce.end();
    if (!gr && !seen) {
      if (g.ranOnce.size() >= 64)
        g.ranOnce.erase(g.ranOnce.begin());
      g.ranOnce.push_back(shapes);
    }
    dyad_status status = DYAD_OK;
    if ((gr || seen) && runGraph(m, run, inputs, n_inputs, outputs,
                                 n_outputs, shapes, bytes, gr, status)) {
      if (CUresult r = cu.cuStreamSynchronize(run.stream))
        run.fail(std::string("the run failed on the GPU (") +
                 cuError(cu, "cuStreamSynchronize", r) +
                 "; DYAD_GPU_GRAPHS=0 DYAD_GPU_SYNC=1 waits for each "
                 "kernel, to name the one that failed)");
      CUcontext popped;
      cu.cuCtxPopCurrent_v2(&popped);
      if (run.failed())
        return m->fail(DYAD_ERR_RUN, "%s", error.c_str());
      return status;
    }
  }
  // Device inputs are read in place where aligned as cuMemAlloc's are (the
  // kernels' 16-byte cp.async need it); the code never writes its inputs.
  std::vector<void *> deviceInputs(n_inputs, nullptr);
  std::vector<char> borrowed(n_inputs, 0);
  for (int i = 0; i < n_inputs && !run.failed(); ++i) {
    const dyad_tensor &in = inputs[i];
    size_t bytes = inputBytes(i);
    if (devIn && bytes && (uintptr_t)in.data % 256 == 0) {
      deviceInputs[i] = in.data;
      borrowed[i] = 1;
      continue;
    }
    deviceInputs[i] = gpuAlloc(&run.abi, (int64_t)bytes);
    if (!deviceInputs[i] || !bytes)
      continue;
    CUdeviceptr dst = (CUdeviceptr)(uintptr_t)deviceInputs[i];
    if (devIn) {
      if (CUresult r = cu.cuMemcpyDtoDAsync_v2(
              dst, (CUdeviceptr)(uintptr_t)in.data, bytes, run.stream))
        run.fail(("cannot copy input '" + m->inputs[i]->name +
                  "' on the GPU").c_str(),
                 "cuMemcpyDtoDAsync", r);
    } else if (CUresult r = cu.cuMemcpyHtoDAsync_v2(dst, in.data, bytes,
                                                     run.stream)) {
      run.fail(("cannot copy input '" + m->inputs[i]->name + "' to the GPU")
                   .c_str(),
               "cuMemcpyHtoDAsync", r);
    }
  }
  dyad_status status = DYAD_OK;
  if (!run.failed())
    status = runRows(m, inputs, n_inputs, outputs, n_outputs, 0, -1, -1, &run,
                     deviceInputs.data());
  for (int i = 0; i < n_inputs; ++i)
    if (!borrowed[i])
      gpuFree(&run.abi, deviceInputs[i]);
  // The kernels' own faults surface here, unnamed (DYAD_GPU_SYNC=1 waits
  // after each launch to name the kernel).
  if (CUresult r = cu.cuStreamSynchronize(run.stream))
    run.fail(std::string("the run failed on the GPU (") +
             cuError(cu, "cuStreamSynchronize", r) +
             (g.syncEachLaunch
                  ? ")"
                  : "; DYAD_GPU_SYNC=1 waits for each kernel, to name the "
                    "one that failed)"));
  CUcontext popped;
  cu.cuCtxPopCurrent_v2(&popped);
  if (run.failed())
    return m->fail(DYAD_ERR_RUN, "%s", error.c_str());
  return status;
}

dyad_status dyad_model_run(dyad_model *m, const dyad_tensor *inputs,
                           int n_inputs, dyad_tensor *outputs, int n_outputs) {
  if (!m)
    return DYAD_ERR_ARGUMENT;
  if (lastError.model == m)
    lastError.message.clear();
  std::map<std::string, int64_t> dims;
  if (dyad_status s = checkInputs(m, inputs, n_inputs, dims))
    return s;
  if (n_outputs != (int)m->outputs.size())
    return m->fail(DYAD_ERR_ARGUMENT, "the model has %zu outputs, %d given",
                   m->outputs.size(), n_outputs);
  if (n_outputs > 0 && !outputs)
    return m->fail(DYAD_ERR_ARGUMENT, "outputs is NULL");
  if (m->gpu)
    return runGpu(m, inputs, n_inputs, outputs, n_outputs);
  // A batch-separable model runs a large batch in chunks that fit the
  // cache: every input's dim 0 is the batch (dynamic, the same size), and
  // so is every output's.
  int64_t batch = n_inputs > 0 && inputs[0].rank > 0 ? inputs[0].shape[0] : 0;
  // A run too small to share (its largest op under kSmallRunBytes, as the
  // artifact records them per sample: every bundled model at batch 1)
  // stays on the calling thread: sharing it gains nothing, and where an
  // OpenMP worker has gone to sleep or lost its core, waking it costs more
  // than the run (mnist_cnn at batch 1: 0.02 ms on one thread, 0.5 ms on
  // two on a 2-core VM).
  bool small = m->batchBytesPerSample > 0 && batch >= 0 &&
               batch <= kSmallRunBytes / m->batchBytesPerSample;
  if (m->setThreads)
    m->setThreads(small ? 1 : m->numThreads);
  // With several threads, a batch that fits one chunk is still cut into a
  // chunk per thread: chunks side by side need no barrier per op, where
  // sharing each op's loops waits at every op for the slowest thread (the
  // int8 ViTs at batch 64 on 2 threads of a busy 2-core VM: 5-7 ms with
  // shared loops, 0.7-1.0 ms side by side, 1.1-1.5 ms on one thread).
  int64_t chunk = m->batchChunk;
  if (chunk > 0 && !small && m->numThreads > 1 && m->setThreads)
    chunk = std::min(chunk, (batch + m->numThreads - 1) / m->numThreads);
  bool chunked = chunk > 0 && batch > chunk && n_inputs > 0;
  for (int i = 0; chunked && i < n_inputs; ++i)
    chunked = m->inputs[i]->shape.size() > 0 && m->inputs[i]->shape[0] < 0 &&
              inputs[i].shape[0] == batch;
  for (int i = 0; chunked && i < n_outputs; ++i)
    chunked = m->outputs[i]->shape.size() > 0 && m->outputs[i]->shape[0] < 0;
  if (!chunked)
    return runRows(m, inputs, n_inputs, outputs, n_outputs, 0, -1, -1);
  int64_t chunks = (batch + chunk - 1) / chunk;
  auto runChunk = [&](int64_t c) {
    return runRows(m, inputs, n_inputs, outputs, n_outputs, c * chunk,
                   std::min(chunk, batch - c * chunk), batch);
  };
  // Where the output shapes are known before running (static dims, or
  // named after an input's) and the buffers fit them, every chunk may run
  // on any thread; otherwise the first runs alone, to check the buffers
  // (and report the shapes they need).
  int64_t first = 0;
  for (int i = 0; i < n_outputs && first == 0; ++i) {
    const TensorInfo &t = *m->outputs[i];
    size_t count = 1;
    for (size_t d = 1; d < t.shape.size(); ++d) {
      int64_t size = t.shape[d];
      if (auto it = dims.find(t.params[d]); size < 0 && it != dims.end())
        size = it->second;
      if (size < 0) {
        first = 1;
        break;
      }
      count *= (size_t)size;
    }
    count *= (size_t)batch;
    if (outputs[i].dtype != t.dtype || (count && !outputs[i].data) ||
        count * dyad_dtype_size(t.dtype) > outputs[i].capacity_bytes)
      first = 1;
  }
  if (first)
    if (dyad_status s = runChunk(0))
      return s;
  // The chunks side by side, a chunk per thread (single-threaded code: no
  // barrier per op), where the model may use several threads and no other
  // run of this instance holds the threads; else one after the other, each
  // sharing its ops' loops among the threads.
  int threads = (int)std::min<int64_t>(m->numThreads, chunks - first);
  std::unique_lock<std::mutex> own(m->pool.busy, std::try_to_lock);
  if (threads < 2 || !m->setThreads || !own.owns_lock()) {
    for (int64_t c = first; c < chunks; ++c)
      if (dyad_status s = runChunk(c))
        return s;
    return DYAD_OK;
  }
  std::atomic<int64_t> next{first};
  std::mutex errorMutex;
  dyad_status failed = DYAD_OK;
  std::string message;
  m->pool.run(threads, [&](int) {
    m->setThreads(1);
    for (int64_t c; (c = next++) < chunks;)
      if (dyad_status s = runChunk(c)) {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (failed == DYAD_OK) {
          failed = s;
          message = dyad_model_last_error(m);
        }
      }
  });
  m->setThreads(m->numThreads);
  if (failed != DYAD_OK)
    return m->fail(failed, "%s", message.c_str());
  return DYAD_OK;
}

} // extern "C"
