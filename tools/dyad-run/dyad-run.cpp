//===- dyad-run.cpp - run, check and benchmark a compiled model -----------===//
//
//   dyad-run model.so --input input=x.npy [--input ...] --output-dir out/
//   dyad-run model.so --input x.pb --check expected.pb --rtol 1e-3 --atol 1e-7
//   dyad-run model.so --input x.npy --bench 100
//
// Inputs are .npy files or ONNX TensorProto .pb files (as in ONNX's test
// data); a single-input model may omit "NAME=". Outputs go to
// DIR/<output name>.npy. Links only the Dyad runtime and the C++ library.
//
//===----------------------------------------------------------------------===//

#include "dyad/Runtime/dyad_runtime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <vector>

namespace {

struct Tensor {
  int32_t dtype = 0;
  std::vector<int64_t> shape;
  std::vector<char> data;
  size_t count() const {
    size_t n = 1;
    for (int64_t d : shape)
      n *= (size_t)d;
    return n;
  }
};

[[noreturn]] void die(const std::string &msg) {
  std::cerr << "dyad-run: " << msg << "\n";
  std::exit(1);
}

/// The bytes of `rank` dims of `elt`-byte elements; false when a dim is
/// negative or the size does not fit in size_t.
bool byteSize(const int64_t *shape, size_t rank, size_t elt, size_t &bytes) {
  bytes = elt;
  for (size_t i = 0; i < rank; ++i)
    if (shape[i] < 0 ||
        __builtin_mul_overflow(bytes, (size_t)shape[i], &bytes))
      return false;
  return true;
}

/// `buf` resized to `bytes`, or an error naming `what` (never
/// std::bad_alloc out of the tool).
void allocate(std::vector<char> &buf, size_t bytes, const std::string &what) {
  try {
    buf.resize(bytes);
  } catch (const std::bad_alloc &) {
    die("cannot allocate " + std::to_string(bytes) + " bytes for " + what);
  } catch (const std::length_error &) {
    die("cannot allocate " + std::to_string(bytes) + " bytes for " + what);
  }
}

bool readFile(const std::string &path, std::string &out) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

//===--- .npy ------------------------------------------------------------===//

struct NpyType {
  const char *descr;
  int32_t dtype;
};
const NpyType kNpyTypes[] = {
    {"<f4", DYAD_FLOAT32}, {"<f8", DYAD_FLOAT64}, {"<f2", DYAD_FLOAT16},
    {"|u1", DYAD_UINT8},   {"|i1", DYAD_INT8},    {"<u2", DYAD_UINT16},
    {"<i2", DYAD_INT16},   {"<i4", DYAD_INT32},   {"<u4", DYAD_UINT32},
    {"<i8", DYAD_INT64},   {"<u8", DYAD_UINT64},  {"|b1", DYAD_BOOL}};

bool parseNpy(const std::string &bytes, Tensor &t, std::string &err) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
    err = "not a .npy file";
    return false;
  }
  int major = (unsigned char)bytes[6];
  size_t hlen, hstart;
  if (major == 1) {
    hlen = (unsigned char)bytes[8] | ((unsigned char)bytes[9] << 8);
    hstart = 10;
  } else {
    if (bytes.size() < 12) {
      err = "truncated .npy header";
      return false;
    }
    hlen = 0;
    for (int i = 0; i < 4; ++i)
      hlen |= (size_t)(unsigned char)bytes[8 + i] << (8 * i);
    hstart = 12;
  }
  if (hstart + hlen > bytes.size()) {
    err = "truncated .npy header";
    return false;
  }
  std::string h = bytes.substr(hstart, hlen);
  auto field = [&](const std::string &key) -> std::string {
    size_t p = h.find("'" + key + "'");
    if (p == std::string::npos)
      return "";
    p = h.find(':', p);
    return p == std::string::npos ? "" : h.substr(p + 1);
  };
  std::string descr = field("descr");
  size_t q1 = descr.find('\''), q2 = descr.find('\'', q1 + 1);
  if (q1 == std::string::npos || q2 == std::string::npos) {
    err = "no descr in .npy header";
    return false;
  }
  descr = descr.substr(q1 + 1, q2 - q1 - 1);
  t.dtype = 0;
  for (const auto &nt : kNpyTypes)
    if (descr == nt.descr)
      t.dtype = nt.dtype;
  if (!t.dtype) {
    err = "unsupported .npy dtype '" + descr + "'";
    return false;
  }
  if (field("fortran_order").find("True") == 0 ||
      field("fortran_order").find(" True") == 0) {
    err = "Fortran-order .npy arrays are not supported";
    return false;
  }
  std::string shape = field("shape");
  size_t open = shape.find('('), close = shape.find(')');
  if (open == std::string::npos || close == std::string::npos) {
    err = "no shape in .npy header";
    return false;
  }
  std::stringstream ss(shape.substr(open + 1, close - open - 1));
  std::string dim;
  while (std::getline(ss, dim, ',')) {
    if (dim.find_first_not_of(' ') == std::string::npos)
      continue;
    t.shape.push_back(std::strtoll(dim.c_str(), nullptr, 10));
  }
  size_t bytesNeeded;
  if (!byteSize(t.shape.data(), t.shape.size(), dyad_dtype_size(t.dtype),
                bytesNeeded)) {
    err = "bad shape in .npy header (a negative dim, or too large)";
    return false;
  }
  size_t dataStart = hstart + hlen;
  if (bytes.size() - dataStart != bytesNeeded) {
    err = "data size " + std::to_string(bytes.size() - dataStart) +
          " does not match the shape (" + std::to_string(bytesNeeded) +
          " bytes)";
    return false;
  }
  t.data.assign(bytes.begin() + dataStart, bytes.end());
  return true;
}

bool writeNpy(const std::string &path, const Tensor &t) {
  const char *descr = nullptr;
  for (const auto &nt : kNpyTypes)
    if (nt.dtype == t.dtype)
      descr = nt.descr;
  if (!descr)
    return false;
  std::string shape = "(";
  for (int64_t d : t.shape)
    shape += std::to_string(d) + ",";
  if (t.shape.size() > 1)
    shape.pop_back();
  shape += ")";
  std::string h = std::string("{'descr': '") + descr +
                  "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + h.size() + 1) % 64)
    h += ' ';
  h += '\n';
  std::ofstream f(path, std::ios::binary);
  if (!f)
    return false;
  f.write("\x93NUMPY\x01\x00", 8);
  char len[2] = {(char)(h.size() & 0xff), (char)(h.size() >> 8)};
  f.write(len, 2);
  f.write(h.data(), h.size());
  f.write(t.data.data(), t.data.size());
  return (bool)f;
}

//===--- ONNX TensorProto (.pb) -----------------------------------------===//

struct Reader {
  const unsigned char *p, *end;
  bool ok = true;
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) {
        ok = false;
        return 0;
      }
      unsigned char b = *p++;
      v |= (uint64_t)(b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
    ok = false;
    return 0;
  }
};

bool parseTensorProto(const std::string &bytes, Tensor &t, std::string &err) {
  Reader r{(const unsigned char *)bytes.data(),
           (const unsigned char *)bytes.data() + bytes.size()};
  std::vector<uint64_t> ints;  // int32_data / int64_data / uint64_data
  std::vector<float> floats;
  std::vector<double> doubles;
  std::string raw;
  bool haveRaw = false;
  while (r.ok && r.p < r.end) {
    uint64_t key = r.varint();
    int field = (int)(key >> 3), wire = (int)(key & 7);
    if (wire == 0) {
      uint64_t v = r.varint();
      if (field == 1)
        t.shape.push_back((int64_t)v);
      else if (field == 2)
        t.dtype = (int32_t)v;
      else if (field == 5 || field == 7 || field == 11)
        ints.push_back(v);
    } else if (wire == 2) {
      uint64_t len = r.varint();
      if (!r.ok || len > (uint64_t)(r.end - r.p)) {
        r.ok = false;
        break;
      }
      Reader sub{r.p, r.p + len};
      if (field == 1) {
        while (sub.ok && sub.p < sub.end)
          t.shape.push_back((int64_t)sub.varint());
      } else if (field == 4) {
        for (size_t i = 0; i + 4 <= len; i += 4) {
          float f;
          std::memcpy(&f, r.p + i, 4);
          floats.push_back(f);
        }
      } else if (field == 10) {
        for (size_t i = 0; i + 8 <= len; i += 8) {
          double d;
          std::memcpy(&d, r.p + i, 8);
          doubles.push_back(d);
        }
      } else if (field == 5 || field == 7 || field == 11) {
        while (sub.ok && sub.p < sub.end)
          ints.push_back(sub.varint());
      } else if (field == 9) {
        raw.assign((const char *)r.p, len);
        haveRaw = true;
      } else if (field == 14 || field == 13) {
        err = "tensors with external data are not supported here";
        return false;
      }
      r.p += len;
    } else if (wire == 5) {
      if (field == 4 && r.end - r.p >= 4) {
        float f;
        std::memcpy(&f, r.p, 4);
        floats.push_back(f);
      }
      r.p += 4;
    } else if (wire == 1) {
      if (field == 10 && r.end - r.p >= 8) {
        double d;
        std::memcpy(&d, r.p, 8);
        doubles.push_back(d);
      }
      r.p += 8;
    } else {
      r.ok = false;
    }
  }
  if (!r.ok || r.p > r.end) {
    err = "corrupt TensorProto";
    return false;
  }
  size_t elt = dyad_dtype_size(t.dtype);
  if (!elt) {
    err = "unsupported TensorProto data_type " + std::to_string(t.dtype);
    return false;
  }
  size_t dataBytes;
  if (!byteSize(t.shape.data(), t.shape.size(), elt, dataBytes)) {
    err = "bad TensorProto dims (a negative dim, or too large)";
    return false;
  }
  size_t n = t.count();
  if (haveRaw) {
    if (raw.size() != n * elt) {
      err = "raw_data has " + std::to_string(raw.size()) + " bytes, the shape needs " +
            std::to_string(n * elt);
      return false;
    }
    t.data.assign(raw.begin(), raw.end());
    return true;
  }
  size_t have = t.dtype == DYAD_FLOAT32   ? floats.size()
                : t.dtype == DYAD_FLOAT64 ? doubles.size()
                                          : ints.size();
  if (have != n) {
    err = "tensor holds " + std::to_string(have) + " values, its shape needs " +
          std::to_string(n);
    return false;
  }
  allocate(t.data, dataBytes, "a tensor");
  for (size_t i = 0; i < n; ++i) {
    char *dst = t.data.data() + i * elt;
    if (t.dtype == DYAD_FLOAT32)
      std::memcpy(dst, &floats[i], 4);
    else if (t.dtype == DYAD_FLOAT64)
      std::memcpy(dst, &doubles[i], 8);
    else
      std::memcpy(dst, &ints[i], elt); // little endian: low bytes first
  }
  return true;
}

bool loadTensor(const std::string &path, Tensor &t) {
  std::string bytes, err;
  if (!readFile(path, bytes))
    die("cannot read '" + path + "'");
  bool npy = bytes.compare(0, 6, "\x93NUMPY") == 0;
  if (!(npy ? parseNpy(bytes, t, err) : parseTensorProto(bytes, t, err)))
    die("'" + path + "': " + err);
  return true;
}

double asDouble(const Tensor &t, size_t i) {
  const char *p = t.data.data() + i * dyad_dtype_size(t.dtype);
  switch (t.dtype) {
  case DYAD_FLOAT32: { float v; std::memcpy(&v, p, 4); return v; }
  case DYAD_FLOAT64: { double v; std::memcpy(&v, p, 8); return v; }
  case DYAD_UINT8: return *(const uint8_t *)p;
  case DYAD_INT8: return *(const int8_t *)p;
  case DYAD_BOOL: return *(const uint8_t *)p;
  case DYAD_UINT16: { uint16_t v; std::memcpy(&v, p, 2); return v; }
  case DYAD_INT16: { int16_t v; std::memcpy(&v, p, 2); return v; }
  case DYAD_INT32: { int32_t v; std::memcpy(&v, p, 4); return v; }
  case DYAD_UINT32: { uint32_t v; std::memcpy(&v, p, 4); return v; }
  case DYAD_INT64: { int64_t v; std::memcpy(&v, p, 8); return (double)v; }
  case DYAD_UINT64: { uint64_t v; std::memcpy(&v, p, 8); return (double)v; }
  default: return NAN;
  }
}

std::string shapeStr(const std::vector<int64_t> &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

/// Compares with ONNX's rules: floats within atol + rtol * |expected| (NaN
/// equals NaN), integers exactly. Returns the number of mismatches.
size_t compare(const std::string &name, const Tensor &got,
               const Tensor &want, double rtol, double atol) {
  if (got.dtype != want.dtype) {
    std::cerr << "check '" << name << "': dtype " << dyad_dtype_name(got.dtype)
              << " but expected " << dyad_dtype_name(want.dtype) << "\n";
    return 1;
  }
  if (got.shape != want.shape) {
    std::cerr << "check '" << name << "': shape " << shapeStr(got.shape)
              << " but expected " << shapeStr(want.shape) << "\n";
    return 1;
  }
  bool isFloat = got.dtype == DYAD_FLOAT32 || got.dtype == DYAD_FLOAT64 ||
                 got.dtype == DYAD_FLOAT16;
  size_t bad = 0;
  double maxErr = 0;
  for (size_t i = 0; i < got.count(); ++i) {
    double g = asDouble(got, i), w = asDouble(want, i);
    bool ok;
    if (isFloat)
      ok = (std::isnan(g) && std::isnan(w)) || g == w ||
           std::fabs(g - w) <= atol + rtol * std::fabs(w);
    else
      ok = g == w;
    if (!std::isnan(g - w))
      maxErr = std::max(maxErr, std::fabs(g - w));
    if (!ok && bad++ < 5)
      std::cerr << "check '" << name << "': element " << i << " is " << g
                << ", expected " << w << "\n";
  }
  std::cout << "check " << name << ": " << (bad ? "FAIL" : "ok") << " ("
            << got.count() << " values, " << bad << " mismatches, max |error| "
            << maxErr << ")\n";
  return bad;
}

/// dyad-run --profile: `runs` timed runs after a warm-up, then the kernel
/// groups sorted by time, with their share of the run and the rate of
/// their contractions.
void printProfile(dyad_model *model, int runs,
                  const std::function<void()> &run) {
  for (int i = 0; i < std::min(runs, 3); ++i)
    run();
  dyad_model_profile(model, nullptr, /*reset=*/1);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < runs; ++i)
    run();
  double wall = std::chrono::duration<double>(
                    std::chrono::steady_clock::now() - t0)
                    .count();
  const dyad_profile_entry *e = nullptr;
  int n = dyad_model_profile(model, &e, 0);
  std::vector<int> order(n);
  double total = 0;
  for (int i = 0; i < n; ++i) {
    order[i] = i;
    total += e[i].seconds;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return e[a].seconds > e[b].seconds; });
  char line[512];
  std::printf("profile: %d runs, %.4f ms per run; in the kernels %.4f ms "
              "per run (summed over threads), %.1f%% of the wall time\n",
              runs, wall * 1e3 / runs, total * 1e3 / runs,
              wall > 0 ? 100 * total / wall : 0.0);
  std::printf("%10s %7s %7s %9s  %-22s %s\n", "ms/run", "share", "cumul",
              "GOP/s", "kernel", "node (fused nodes)");
  double cumulative = 0;
  for (int i : order) {
    if (e[i].runs == 0)
      continue;
    cumulative += e[i].seconds;
    std::string rate = "-";
    if (e[i].ops > 0 && e[i].seconds > 0) {
      std::snprintf(line, sizeof line, "%.1f", e[i].ops / e[i].seconds * 1e-9);
      rate = line;
    }
    std::string node = e[i].node;
    if (e[i].fused[0])
      node += std::string(" (") + e[i].fused + ")";
    std::snprintf(line, sizeof line, "%10.4f %6.1f%% %6.1f%% %9s  %-22s %s\n",
                  e[i].seconds * 1e3 / runs,
                  total > 0 ? 100 * e[i].seconds / total : 0.0,
                  total > 0 ? 100 * cumulative / total : 0.0, rate.c_str(),
                  e[i].kernel, node.c_str());
    std::fputs(line, stdout);
  }
}

/// --help: the usage on stdout, exit 0; a usage error: on stderr, exit 1.
[[noreturn]] void usage(bool asked = false) {
  (asked ? std::cout : std::cerr)
      << "usage: dyad-run model.so [--input [NAME=]FILE]... [--output-dir DIR]\n"
         "                [--check [NAME=]FILE]... [--rtol R] [--atol A]\n"
         "                [--bench N] [--threads N] [--batch-chunk N] [--concurrent K]\n"
         "                [--profile N] [--info]\n"
         "--threads N: threads per run (default: DYAD_NUM_THREADS, else the\n"
         "             cores available)\n"
         "--batch-chunk N: rows of the batch per call of a batch-separable\n"
         "             model (default: what fits the L2 cache; 0: off)\n"
         "--concurrent K: also run the model from K threads at once, 4 runs\n"
         "             each, and check every result is the single run's\n"
         "--profile N: run N times and print the time per kernel and ONNX\n"
         "             node, sorted (a model compiled with dyadc --profile)\n"
         "FILE is .npy or an ONNX TensorProto (.pb).\n"
         "--version: Dyad's version and the runtime's ABI version\n"
         "Exit status: 0 on success, 1 on an error (the message says "
         "which), 2 when --check or --concurrent finds a differing "
         "output.\n";
  std::exit(asked ? 0 : 1);
}

} // namespace

int runMain(int argc, char **argv);

int main(int argc, char **argv) {
  // No allocation failure ends in std::terminate: the big buffers report
  // what they were for (allocate), anything else is reported here.
  try {
    return runMain(argc, argv);
  } catch (const std::bad_alloc &) {
    die("out of memory");
  }
}

int runMain(int argc, char **argv) {
  std::string modelPath, outputDir;
  std::vector<std::pair<std::string, std::string>> inputArgs, checkArgs;
  double rtol = 1e-3, atol = 1e-7;
  int bench = 0, threads = 0, concurrent = 0, profile = 0;
  long long batchChunk = -1;
  bool info = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc)
        usage();
      return argv[++i];
    };
    auto named = [](const std::string &s) {
      size_t eq = s.find('=');
      if (eq == std::string::npos)
        return std::make_pair(std::string(), s);
      return std::make_pair(s.substr(0, eq), s.substr(eq + 1));
    };
    if (a == "--input" || a == "-i")
      inputArgs.push_back(named(next()));
    else if (a == "--check")
      checkArgs.push_back(named(next()));
    else if (a == "--output-dir")
      outputDir = next();
    else if (a == "--rtol")
      rtol = std::atof(next().c_str());
    else if (a == "--atol")
      atol = std::atof(next().c_str());
    else if (a == "--bench")
      bench = std::atoi(next().c_str());
    else if (a == "--threads")
      threads = std::atoi(next().c_str());
    else if (a == "--batch-chunk")
      batchChunk = std::atoll(next().c_str());
    else if (a == "--concurrent")
      concurrent = std::atoi(next().c_str());
    else if (a == "--profile")
      profile = std::atoi(next().c_str());
    else if (a == "--info")
      info = true;
    else if (a == "-h" || a == "--help")
      usage(/*asked=*/true);
    else if (a == "--version") {
      std::cout << "dyad-run (Dyad) " << DYAD_VERSION << "\n  runtime ABI "
                << DYAD_ABI_VERSION << "\n";
      return 0;
    }
    else if (!a.empty() && a[0] == '-')
      die("unknown option '" + a + "'");
    else if (modelPath.empty())
      modelPath = a;
    else
      die("more than one model given ('" + modelPath + "', '" + a + "')");
  }
  if (modelPath.empty())
    usage();

  char err[1024];
  dyad_model *model = nullptr;
  if (dyad_model_load(modelPath.c_str(), &model, err, sizeof err) != DYAD_OK)
    die(err);
  if (profile > 0 && dyad_model_profile(model, nullptr, 0) == 0)
    die("'" + modelPath +
        "' was compiled without --profile: recompile it with dyadc --profile");
  if (threads > 0)
    dyad_model_set_num_threads(model, threads);
  if (batchChunk >= 0)
    dyad_model_set_batch_chunk(model, batchChunk);
  int nIn = dyad_model_num_inputs(model), nOut = dyad_model_num_outputs(model);

  if (info) {
    auto print = [](const char *kind, const dyad_tensor_info *t) {
      std::cout << kind << " " << t->name << ": " << dyad_dtype_name(t->dtype)
                << " [";
      for (int d = 0; d < t->rank; ++d)
        std::cout << (d ? ", " : "")
                  << (t->shape[d] >= 0 ? std::to_string(t->shape[d])
                      : t->dim_params[d][0] ? t->dim_params[d]
                                            : "?");
      std::cout << "]\n";
    };
    for (int i = 0; i < nIn; ++i)
      print("input", dyad_model_input(model, i));
    for (int i = 0; i < nOut; ++i)
      print("output", dyad_model_output(model, i));
    if (const char *chip = dyad_model_gpu(model))
      std::cout << "gpu: " << chip << ", "
                << dyad_model_num_gpu_kernels(model) << " kernels\n";
    if (int64_t chunk = dyad_model_batch_chunk(model))
      std::cout << "batch chunk: " << chunk << " rows per call\n";
    else
      std::cout << "batch chunk: none (the whole batch per call)\n";
    if (inputArgs.empty()) {
      dyad_model_free(model);
      return 0;
    }
  }

  // Inputs, by name or (single-input models) positionally.
  std::vector<Tensor> inputs(nIn);
  std::vector<bool> given(nIn, false);
  for (auto &[name, file] : inputArgs) {
    int idx;
    if (name.empty()) {
      if (nIn != 1)
        die("the model has " + std::to_string(nIn) +
            " inputs: name each one (--input NAME=FILE)");
      idx = 0;
    } else {
      idx = dyad_model_input_index(model, name.c_str());
      if (idx < 0)
        die("the model has no input named '" + name + "'");
    }
    loadTensor(file, inputs[idx]);
    given[idx] = true;
  }
  for (int i = 0; i < nIn; ++i)
    if (!given[i])
      die(std::string("missing input '") + dyad_model_input(model, i)->name +
          "' (--input NAME=FILE)");

  std::vector<dyad_tensor> in(nIn);
  for (int i = 0; i < nIn; ++i) {
    if (inputs[i].shape.size() > DYAD_MAX_RANK)
      die("input rank too large");
    in[i].data = inputs[i].data.data();
    in[i].dtype = inputs[i].dtype;
    in[i].rank = (int32_t)inputs[i].shape.size();
    for (size_t d = 0; d < inputs[i].shape.size(); ++d)
      in[i].shape[d] = inputs[i].shape[d];
    in[i].capacity_bytes = inputs[i].data.size();
  }

  // Outputs sized from the input dims where possible.
  std::vector<Tensor> outputs(nOut);
  std::vector<dyad_tensor> out(nOut);
  auto size = [&](int i, const int64_t *shape, int rank) {
    const dyad_tensor_info *t = dyad_model_output(model, i);
    // A dim the inputs do not determine (-1) gets no room yet: the run
    // reports the shape it needs.
    int64_t known[DYAD_MAX_RANK];
    for (int d = 0; d < rank; ++d)
      known[d] = shape[d] < 0 ? 0 : shape[d];
    std::string what = std::string("output '") + t->name + "' of shape [";
    for (int d = 0; d < rank; ++d)
      what += (d ? ", " : "") + std::to_string(shape[d]);
    what += "]";
    size_t bytes;
    if (!byteSize(known, rank, dyad_dtype_size(t->dtype), bytes))
      die(what + " does not fit in memory (its size overflows)");
    outputs[i].dtype = t->dtype;
    allocate(outputs[i].data, bytes, what);
    out[i].data = outputs[i].data.data();
    out[i].dtype = t->dtype;
    out[i].capacity_bytes = outputs[i].data.size();
  };
  for (int i = 0; i < nOut; ++i) {
    int64_t shape[DYAD_MAX_RANK];
    if (dyad_model_output_shape(model, in.data(), nIn, i, shape) != DYAD_OK)
      die(dyad_model_last_error(model));
    size(i, shape, dyad_model_output(model, i)->rank);
  }
  auto run = [&]() {
    dyad_status s = dyad_model_run(model, in.data(), nIn, out.data(), nOut);
    if (s == DYAD_ERR_CAPACITY) {
      // An output dim that the inputs do not determine: resize and rerun.
      for (int i = 0; i < nOut; ++i)
        size(i, out[i].shape, out[i].rank);
      s = dyad_model_run(model, in.data(), nIn, out.data(), nOut);
    }
    if (s != DYAD_OK)
      die(dyad_model_last_error(model));
  };
  run();
  for (int i = 0; i < nOut; ++i)
    outputs[i].shape.assign(out[i].shape, out[i].shape + out[i].rank);

  if (!outputDir.empty()) {
    mkdir(outputDir.c_str(), 0755);
    for (int i = 0; i < nOut; ++i) {
      std::string name = dyad_model_output(model, i)->name;
      std::replace(name.begin(), name.end(), '/', '_');
      std::string path = outputDir + "/" + name + ".npy";
      if (!writeNpy(path, outputs[i]))
        die("cannot write '" + path + "'");
    }
  }

  size_t bad = 0;
  for (auto &[name, file] : checkArgs) {
    int idx = -1;
    if (name.empty()) {
      if (checkArgs.size() == 1 && nOut >= 1)
        idx = 0;
      else
        die("name each --check (NAME=FILE) for a model with several outputs");
    } else {
      for (int i = 0; i < nOut; ++i)
        if (name == dyad_model_output(model, i)->name)
          idx = i;
      if (idx < 0)
        die("the model has no output named '" + name + "'");
    }
    Tensor want;
    loadTensor(file, want);
    bad += compare(dyad_model_output(model, idx)->name, outputs[idx], want,
                   rtol, atol);
  }

  if (concurrent > 0) {
    // One instance run from several threads at once: each thread has its
    // own output buffers; every result must equal the single run's bytes.
    std::vector<size_t> mismatches(concurrent, 0);
    std::vector<std::string> errors(concurrent);
    std::vector<std::thread> pool;
    for (int t = 0; t < concurrent; ++t)
      pool.emplace_back([&, t] {
        std::vector<std::vector<char>> bufs(nOut);
        std::vector<dyad_tensor> mine(out);
        for (int i = 0; i < nOut; ++i) {
          bufs[i].resize(outputs[i].data.size());
          mine[i].data = bufs[i].data();
        }
        for (int r = 0; r < 4; ++r) {
          if (dyad_model_run(model, in.data(), nIn, mine.data(), nOut) !=
              DYAD_OK) {
            errors[t] = dyad_model_last_error(model);
            return;
          }
          for (int i = 0; i < nOut; ++i)
            mismatches[t] += bufs[i] != outputs[i].data;
        }
      });
    for (std::thread &t : pool)
      t.join();
    size_t total = 0;
    for (int t = 0; t < concurrent; ++t) {
      if (!errors[t].empty())
        die("concurrent run: " + errors[t]);
      total += mismatches[t];
    }
    std::cout << "concurrent: " << concurrent << " threads x 4 runs, " << total
              << " results differ from the single run\n";
    bad += total;
  }

  if (bench > 0) {
    for (int i = 0; i < std::min(bench, 3); ++i)
      run();
    std::vector<double> ms;
    for (int i = 0; i < bench; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      run();
      ms.push_back(std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - t0)
                       .count());
    }
    std::sort(ms.begin(), ms.end());
    double median = ms[ms.size() / 2];
    double p90 = ms[std::min(ms.size() - 1, (size_t)(ms.size() * 0.9))];
    // The minimum too: on a shared machine interference only adds time,
    // so it is the steadiest figure for comparing two builds.
    std::cout << "bench: " << bench << " runs, median " << median
              << " ms, p90 " << p90 << " ms, min " << ms.front() << " ms";
    // This process's peak resident set (Linux: VmHWM of its own address
    // space; getrusage's maxrss would count the image it was forked from).
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
      if (line.rfind("VmHWM:", 0) == 0)
        std::cout << ", peak-rss "
                  << std::strtoll(line.c_str() + 6, nullptr, 10) / 1024.0
                  << " MiB";
    std::cout << "\n";
  }
  if (profile > 0)
    printProfile(model, profile, run);
  dyad_model_free(model);
  return bad ? 2 : 0;
}
