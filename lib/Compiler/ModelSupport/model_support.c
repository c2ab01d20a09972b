/* Compiled into every model library by dyadc (lib/Compiler/Compiler.cpp,
 * linkSharedLibrary): the allocation functions the generated code calls
 * (MLIR's memref lowering with generic allocation functions).
 *
 * A model allocates its intermediate tensors on each run and frees them
 * when they die. Through plain malloc, every large buffer of every run is
 * fresh memory from the kernel (page faults, zeroing): more than half of a
 * batch-64 run of a small CNN. Here each thread keeps the buffers its runs
 * freed, and the next run of the same shapes gets them back: after the
 * first run, no page is faulted in again. The cache holds only pointers
 * malloc returned, so a buffer handed over as a model output is freed by
 * the runtime with free(); at most DYAD_CACHE_SLOTS buffers and
 * DYAD_CACHE_BYTES bytes per thread stay cached; a thread's cache is freed
 * when it exits, and the calling thread's when the library is unloaded
 * (the key is deleted then, so no destructor points into unloaded code;
 * other threads' cached buffers are then left to the process). */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define DYAD_CACHE_SLOTS 256
#define DYAD_CACHE_BYTES ((size_t)4 << 30)

struct dyad_cache {
  void *ptr[DYAD_CACHE_SLOTS];
  size_t size[DYAD_CACHE_SLOTS]; /* malloc_usable_size */
  int count;
  size_t bytes;
};

static pthread_key_t dyad_cache_key;
static pthread_once_t dyad_cache_once = PTHREAD_ONCE_INIT;

static void dyad_cache_release(void *p) {
  struct dyad_cache *c = (struct dyad_cache *)p;
  for (int i = 0; i < c->count; ++i)
    free(c->ptr[i]);
  free(c);
}

static void dyad_cache_init(void) {
  pthread_key_create(&dyad_cache_key, dyad_cache_release);
}

static struct dyad_cache *dyad_cache_get(void) {
  pthread_once(&dyad_cache_once, dyad_cache_init);
  struct dyad_cache *c = (struct dyad_cache *)pthread_getspecific(dyad_cache_key);
  if (!c) {
    c = (struct dyad_cache *)calloc(1, sizeof *c);
    if (c)
      pthread_setspecific(dyad_cache_key, c);
  }
  return c;
}

__attribute__((visibility("hidden"))) void *_mlir_memref_to_llvm_alloc(size_t n) {
  struct dyad_cache *c = dyad_cache_get();
  if (c) {
    /* The smallest cached buffer that fits without wasting half of it. */
    int best = -1;
    for (int i = 0; i < c->count; ++i)
      if (c->size[i] >= n && c->size[i] / 2 <= n &&
          (best < 0 || c->size[i] < c->size[best]))
        best = i;
    if (best >= 0) {
      void *p = c->ptr[best];
      c->bytes -= c->size[best];
      --c->count;
      c->ptr[best] = c->ptr[c->count];
      c->size[best] = c->size[c->count];
      return p;
    }
  }
  return malloc(n);
}

__attribute__((visibility("hidden"))) void _mlir_memref_to_llvm_free(void *p) {
  if (!p)
    return;
  struct dyad_cache *c = dyad_cache_get();
  size_t n = malloc_usable_size(p);
  /* Small buffers come cheaply from malloc's own bins. */
  if (!c || n < 4096 || n > DYAD_CACHE_BYTES) {
    free(p);
    return;
  }
  while (c->count > 0 &&
         (c->count == DYAD_CACHE_SLOTS || c->bytes + n > DYAD_CACHE_BYTES)) {
    /* Drop the oldest. */
    free(c->ptr[0]);
    c->bytes -= c->size[0];
    --c->count;
    for (int i = 0; i < c->count; ++i) {
      c->ptr[i] = c->ptr[i + 1];
      c->size[i] = c->size[i + 1];
    }
  }
  c->ptr[c->count] = p;
  c->size[c->count] = n;
  c->bytes += n;
  ++c->count;
}

__attribute__((destructor)) static void dyad_cache_unload(void) {
  /* Creates the key if no run ever did, so it can be deleted either way. */
  if (pthread_once(&dyad_cache_once, dyad_cache_init) != 0)
    return;
  struct dyad_cache *c = (struct dyad_cache *)pthread_getspecific(dyad_cache_key);
  if (c) {
    pthread_setspecific(dyad_cache_key, NULL);
    dyad_cache_release(c);
  }
  pthread_key_delete(dyad_cache_key);
}

/* Threads. The generated code's parallel loops run on libomp's team of the
 * calling thread; the runtime calls this before each run with the model
 * instance's thread count (n > 0), which sets the calling thread's own
 * nthreads ICV: instances with different counts can run on different
 * threads at once. A model without parallel loops does not link libomp
 * (--as-needed); the weak reference is then null. */
extern void omp_set_num_threads(int) __attribute__((weak));

__attribute__((visibility("default"))) void dyad_model_threads(int n) {
  if (n > 0 && omp_set_num_threads)
    omp_set_num_threads(n);
}

/* Profiling (dyadc --profile: dyad-cpu-profile instrumented the code and
 * dyadc defines DYAD_PROFILE_GROUPS, the number of kernel groups). The
 * code calls dyad_profile_mark(id) before each group and (-1) before it
 * returns: the time since the calling thread's previous mark goes to the
 * group that mark opened. Contractions add their operation counts. The
 * counters are the library's, summed over its instances and threads;
 * the runtime reads and resets them (dyad_model_profile). */
#if defined(DYAD_PROFILE_GROUPS) && DYAD_PROFILE_GROUPS > 0
#include <string.h>
#include <time.h>

struct dyad_profile_counters {
  uint64_t ns, runs, ops;
};
static struct dyad_profile_counters dyad_profile_groups[DYAD_PROFILE_GROUPS];
static __thread int dyad_profile_open = -1;
static __thread uint64_t dyad_profile_since;

static uint64_t dyad_profile_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

__attribute__((visibility("hidden"))) void dyad_profile_mark(int32_t id) {
  uint64_t now = dyad_profile_now();
  int open = dyad_profile_open;
  if (open >= 0 && open < DYAD_PROFILE_GROUPS)
    __atomic_fetch_add(&dyad_profile_groups[open].ns, now - dyad_profile_since,
                       __ATOMIC_RELAXED);
  if (id >= 0 && id < DYAD_PROFILE_GROUPS)
    __atomic_fetch_add(&dyad_profile_groups[id].runs, 1, __ATOMIC_RELAXED);
  dyad_profile_open = id;
  dyad_profile_since = now;
}

__attribute__((visibility("hidden"))) void dyad_profile_ops(int32_t id,
                                                           int64_t n) {
  if (id >= 0 && id < DYAD_PROFILE_GROUPS && n > 0)
    __atomic_fetch_add(&dyad_profile_groups[id].ops, (uint64_t)n,
                       __ATOMIC_RELAXED);
}

/* Copies the counters into out (3 per group: nanoseconds, runs,
 * operations), at most n groups; returns the number of groups. reset:
 * zero them afterwards. */
__attribute__((visibility("default"))) int
dyad_model_profile_counters(uint64_t *out, int n, int reset) {
  for (int i = 0; i < n && i < DYAD_PROFILE_GROUPS; ++i) {
    out[3 * i] = __atomic_load_n(&dyad_profile_groups[i].ns, __ATOMIC_RELAXED);
    out[3 * i + 1] =
        __atomic_load_n(&dyad_profile_groups[i].runs, __ATOMIC_RELAXED);
    out[3 * i + 2] =
        __atomic_load_n(&dyad_profile_groups[i].ops, __ATOMIC_RELAXED);
  }
  if (reset)
    for (int i = 0; i < DYAD_PROFILE_GROUPS; ++i) {
      __atomic_store_n(&dyad_profile_groups[i].ns, 0, __ATOMIC_RELAXED);
      __atomic_store_n(&dyad_profile_groups[i].runs, 0, __ATOMIC_RELAXED);
      __atomic_store_n(&dyad_profile_groups[i].ops, 0, __ATOMIC_RELAXED);
    }
  return DYAD_PROFILE_GROUPS;
}
#endif
