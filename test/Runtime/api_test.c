/* Exercises the runtime C API on a compiled model: argument checks, output
 * capacity, output shape resolution, reuse of one instance. Prints one line
 * per check; lit compares them (test/Runtime/api.test). */
#include "dyad/Runtime/dyad_runtime.h"

#include <stdio.h>
#include <string.h>

#define CHECK(what, expr)                                                      \
  do {                                                                         \
    dyad_status s_ = (expr);                                                   \
    printf("%s: status %d: %s\n", what, (int)s_, dyad_model_last_error(m));   \
  } while (0)

int main(int argc, char **argv) {
  char err[512];
  dyad_model *m = NULL;
  if (argc < 2)
    return 2;
  dyad_status s = dyad_model_load(argv[1], &m, err, sizeof err);
  printf("load: status %d\n", (int)s);
  if (s != DYAD_OK)
    return 1;
  printf("inputs %d outputs %d\n", dyad_model_num_inputs(m),
         dyad_model_num_outputs(m));

  float x[6] = {1, -2, 3, -4, 5, -6}, y[6] = {0};
  dyad_tensor in[2];
  memset(in, 0, sizeof in);
  in[0].data = x; in[0].dtype = DYAD_FLOAT32; in[0].rank = 2;
  in[0].shape[0] = 2; in[0].shape[1] = 3; in[0].capacity_bytes = sizeof x;
  in[1] = in[0];
  dyad_tensor out;
  memset(&out, 0, sizeof out);
  out.data = y; out.dtype = DYAD_FLOAT32; out.capacity_bytes = 4 * sizeof(float);

  int64_t shape[8];
  CHECK("output shape", dyad_model_output_shape(m, in, 2, 0, shape));
  printf("resolved shape [%lld, %lld]\n", (long long)shape[0],
         (long long)shape[1]);
  CHECK("too small", dyad_model_run(m, in, 2, &out, 1));
  printf("reported shape [%lld, %lld]\n", (long long)out.shape[0],
         (long long)out.shape[1]);
  out.capacity_bytes = sizeof y;
  CHECK("run", dyad_model_run(m, in, 2, &out, 1));
  printf("y = %g %g %g %g %g %g\n", y[0], y[1], y[2], y[3], y[4], y[5]);
  CHECK("wrong input count", dyad_model_run(m, in, 1, &out, 1));
  CHECK("wrong output count", dyad_model_run(m, in, 2, &out, 0));
  CHECK("null inputs", dyad_model_run(m, NULL, 2, &out, 1));
  out.dtype = DYAD_INT32;
  CHECK("output dtype", dyad_model_run(m, in, 2, &out, 1));
  out.dtype = DYAD_FLOAT32;
  in[1].data = NULL;
  CHECK("no data", dyad_model_run(m, in, 2, &out, 1));
  in[1].data = x;
  /* The instance is reusable after errors. */
  CHECK("run again", dyad_model_run(m, in, 2, &out, 1));
  printf("y = %g %g %g %g %g %g\n", y[0], y[1], y[2], y[3], y[4], y[5]);
  /* Thread count: set, then back to the default (DYAD_NUM_THREADS). */
  CHECK("threads", dyad_model_set_num_threads(m, 3));
  printf("threads %d\n", dyad_model_num_threads(m));
  CHECK("default threads", dyad_model_set_num_threads(m, 0));
  printf("threads %d\n", dyad_model_num_threads(m));
  CHECK("run on threads", dyad_model_run(m, in, 2, &out, 1));
  printf("y = %g %g %g %g %g %g\n", y[0], y[1], y[2], y[3], y[4], y[5]);
  /* Batch chunks (the graph is separable): one row per call, the two calls
   * side by side on two threads; buffers checked as for one call. */
  printf("default chunk %s\n", dyad_model_batch_chunk(m) > 0 ? "> 0" : "0");
  CHECK("chunk", dyad_model_set_batch_chunk(m, 1));
  printf("chunk %lld\n", (long long)dyad_model_batch_chunk(m));
  out.capacity_bytes = 4 * sizeof(float);
  CHECK("chunked too small", dyad_model_run(m, in, 2, &out, 1));
  printf("reported shape [%lld, %lld]\n", (long long)out.shape[0],
         (long long)out.shape[1]);
  out.capacity_bytes = sizeof y;
  memset(y, 0, sizeof y);
  CHECK("chunked run", dyad_model_run(m, in, 2, &out, 1));
  printf("y = %g %g %g %g %g %g\n", y[0], y[1], y[2], y[3], y[4], y[5]);
  printf("shape [%lld, %lld]\n", (long long)out.shape[0],
         (long long)out.shape[1]);
  CHECK("chunks off", dyad_model_set_batch_chunk(m, 0));
  printf("chunk %lld\n", (long long)dyad_model_batch_chunk(m));
  const dyad_profile_entry *entries = NULL;
  printf("profile groups %d\n", dyad_model_profile(m, &entries, 0));
  dyad_model_free(m);

  /* The same model compiled with --profile: 2 runs in chunks of 1 row. */
  if (argc < 3)
    return 0;
  s = dyad_model_load(argv[2], &m, err, sizeof err);
  printf("load profiled: status %d\n", (int)s);
  if (s != DYAD_OK)
    return 1;
  CHECK("chunk", dyad_model_set_batch_chunk(m, 1));
  out.capacity_bytes = sizeof y;
  CHECK("profiled run", dyad_model_run(m, in, 2, &out, 1));
  CHECK("profiled run", dyad_model_run(m, in, 2, &out, 1));
  int n = dyad_model_profile(m, &entries, 1);
  printf("profile groups %d\n", n);
  for (int i = 0; i < n; ++i)
    printf("group %d: node '%s' kernel '%s' fused '%s' runs %lld time %s "
           "ops %g\n",
           i, entries[i].node, entries[i].kernel, entries[i].fused,
           (long long)entries[i].runs, entries[i].seconds > 0 ? "> 0" : "0",
           entries[i].ops);
  n = dyad_model_profile(m, &entries, 0);
  printf("after reset: runs %lld time %g\n", (long long)entries[0].runs,
         entries[0].seconds);
  dyad_model_free(m);
  return 0;
}
