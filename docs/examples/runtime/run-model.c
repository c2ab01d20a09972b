/* run-model: loads a model compiled by dyadc and runs it through the Dyad
 * runtime's C API (dyad/Runtime/dyad_runtime.h).
 *
 *   run-model model.so input.bin output.bin
 *
 * input.bin holds the model's single float32 input, row-major, with the
 * model's static shape; output.bin receives its first output (raw bytes).
 * The shapes come from the model itself. */
#include "dyad/Runtime/dyad_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const char *why) {
  fprintf(stderr, "run-model: %s: %s\n", what, why);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: run-model model.so input.bin output.bin\n");
    return 2;
  }
  char err[512] = "";
  dyad_model *m = NULL;
  if (dyad_model_load(argv[1], &m, err, sizeof err) != DYAD_OK)
    return fail(argv[1], err);
  const dyad_tensor_info *ii = dyad_model_input(m, 0);
  if (dyad_model_num_inputs(m) != 1 || ii->dtype != DYAD_FLOAT32)
    return fail(argv[1], "this example takes models with one float32 input");

  /* The input, shaped as the model says. */
  dyad_tensor in;
  memset(&in, 0, sizeof in);
  in.dtype = DYAD_FLOAT32;
  in.rank = ii->rank;
  size_t n = 1;
  for (int d = 0; d < ii->rank; ++d) {
    in.shape[d] = ii->shape[d] < 0 ? 1 : ii->shape[d]; /* dynamic: 1 */
    n *= (size_t)in.shape[d];
  }
  in.capacity_bytes = n * sizeof(float);
  in.data = malloc(in.capacity_bytes);
  FILE *f = fopen(argv[2], "rb");
  if (!f || fread(in.data, 1, in.capacity_bytes, f) != in.capacity_bytes)
    return fail(argv[2], "cannot read the input (wrong size?)");
  fclose(f);

  /* The first output, sized from the runtime's shape resolution. */
  const dyad_tensor_info *oi = dyad_model_output(m, 0);
  int64_t shape[DYAD_MAX_RANK];
  if (dyad_model_output_shape(m, &in, 1, 0, shape) != DYAD_OK)
    return fail("output shape", dyad_model_last_error(m));
  size_t elems = 1;
  for (int d = 0; d < oi->rank; ++d)
    elems *= (size_t)(shape[d] < 0 ? 1 : shape[d]);
  dyad_tensor out;
  memset(&out, 0, sizeof out);
  out.dtype = oi->dtype;
  out.capacity_bytes = elems * dyad_dtype_size(oi->dtype);
  out.data = malloc(out.capacity_bytes);
  int n_out = dyad_model_num_outputs(m);
  dyad_tensor *outs = calloc((size_t)n_out, sizeof(dyad_tensor));
  outs[0] = out;
  for (int i = 1; i < n_out; ++i) { /* other outputs: sized the same way */
    const dyad_tensor_info *o = dyad_model_output(m, i);
    int64_t s[DYAD_MAX_RANK];
    size_t k = 1;
    if (dyad_model_output_shape(m, &in, 1, i, s) != DYAD_OK)
      return fail("output shape", dyad_model_last_error(m));
    for (int d = 0; d < o->rank; ++d)
      k *= (size_t)(s[d] < 0 ? 1 : s[d]);
    outs[i].dtype = o->dtype;
    outs[i].capacity_bytes = k * dyad_dtype_size(o->dtype);
    outs[i].data = malloc(outs[i].capacity_bytes);
  }
  if (dyad_model_run(m, &in, 1, outs, n_out) != DYAD_OK)
    return fail("run", dyad_model_last_error(m));

  size_t bytes = dyad_dtype_size(outs[0].dtype);
  for (int d = 0; d < outs[0].rank; ++d)
    bytes *= (size_t)outs[0].shape[d];
  f = fopen(argv[3], "wb");
  if (!f || fwrite(outs[0].data, 1, bytes, f) != bytes)
    return fail(argv[3], "cannot write the output");
  fclose(f);
  printf("%s: output '%s' rank %d, %zu bytes\n", argv[1], oi->name,
         outs[0].rank, bytes);
  for (int i = 0; i < n_out; ++i)
    free(outs[i].data);
  free(outs);
  free(in.data);
  dyad_model_free(m);
  return 0;
}
