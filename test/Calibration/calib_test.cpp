//===- calib_test.cpp - test driver for lib/Calibration -------------------===//
//
//   dyad-calib-test stats --method M [--percentile P] [--momentum m]
//                   [--bits b] [--bins n] [--rows-per-batch R] FILE
//       FILE: a 2-D array (rows, values); each observe() gets R rows (default
//       all). Prints the range, amax, count, batches, bins with full
//       precision.
//   dyad-calib-test values [stats options] V V / V ...   each '/'-separated
//       group of values is one batch
//   dyad-calib-test read-table FILE          prints the entries, sorted
//   dyad-calib-test table-roundtrip IN OUT   read IN, write OUT, read OUT,
//                                            check equal, print it
//   dyad-calib-test params MIN MAX BITS      asymmetricParams
//   dyad-calib-test data PATH --input name=DIMS ... [--batch-axis name=K]
//                   [--dim-params name=P,...] [--count K] [--seed S]
//                   [--batch B] [--quiet] [--rss] [--axes] [--stats METHOD]
//                   [--table OUT]
//       DIMS like 1x28x28 or ?x1x28x28 ('?' or -1 = dynamic; the batch dim
//       by resolveBatchAxes' rule, or --batch-axis NAME=K; --dim-params
//       NAME=P,P,... gives an input's dim_params for the rule; --axes prints
//       the axes chosen). Prints per batch the sample indices, the shapes and an
//       FNV-1a-64 checksum of each buffer's bytes; --stats feeds the batches to
//       TensorStats and prints each input's range; --table writes a table;
//       --rss prints the peak RSS at the end: getrusage's ru_maxrss,
//       /proc/self/status's VmHWM, and VmHWM less the file-backed and shared
//       pages (peak_anon_kb).
//
//===----------------------------------------------------------------------===//
#include "dyad/Calibration/Calibration.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace dyad::calib;

static int die(const llvm::Twine &msg) {
  llvm::errs() << "dyad-calib-test: error: " << msg << "\n";
  return 1;
}

static std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

static std::string dims(llvm::ArrayRef<int64_t> d) {
  std::string s;
  for (size_t i = 0; i < d.size(); ++i)
    s += (i ? "x" : "") + std::to_string(d[i]);
  return s;
}

static bool parseU64(llvm::StringRef s, uint64_t &v) {
  return !s.getAsInteger(10, v);
}

static bool parseOptions(llvm::ArrayRef<std::string> args, size_t &i,
                         Options &o, bool &handled, std::string &err) {
  handled = true;
  llvm::StringRef a = args[i];
  auto value = [&]() -> llvm::StringRef {
    if (i + 1 >= args.size()) {
      err = a.str() + " needs a value";
      return {};
    }
    return args[++i];
  };
  double d;
  uint64_t u;
  if (a == "--method") {
    llvm::StringRef v = value();
    std::optional<Method> m = parseMethod(v);
    if (!m) {
      err = "unknown method '" + v.str() + "'";
      return false;
    }
    o.method = *m;
  } else if (a == "--percentile") {
    if (!llvm::to_float(value(), d))
      return err = "bad --percentile", false;
    o.percentile = d;
  } else if (a == "--momentum") {
    if (!llvm::to_float(value(), d))
      return err = "bad --momentum", false;
    o.momentum = d;
  } else if (a == "--bits") {
    if (!parseU64(value(), u))
      return err = "bad --bits", false;
    o.bits = unsigned(u);
  } else if (a == "--bins") {
    if (!parseU64(value(), u))
      return err = "bad --bins", false;
    o.numBins = unsigned(u);
  } else {
    handled = false;
  }
  return err.empty();
}

static void printRangeLine(llvm::raw_ostream &os, llvm::StringRef name,
                           const TensorStats &s) {
  Range r = s.range();
  os << name << " range: " << num(r.min) << " " << num(r.max)
     << " amax: " << num(s.amax()) << " count: " << s.count()
     << " batches: " << s.batches() << " bins: " << s.numHistogramBins()
     << " width: " << num(s.binWidth()) << "\n";
}

static int cmdStats(llvm::ArrayRef<std::string> args) {
  Options o;
  uint64_t rowsPerBatch = 0;
  std::string file, err;
  for (size_t i = 0; i < args.size(); ++i) {
    bool handled;
    if (!parseOptions(args, i, o, handled, err))
      return die(err);
    if (handled)
      continue;
    if (args[i] == "--rows-per-batch" && i + 1 < args.size()) {
      if (!parseU64(args[++i], rowsPerBatch) || rowsPerBatch == 0)
        return die("bad --rows-per-batch");
    } else if (file.empty()) {
      file = args[i];
    } else {
      return die("unexpected argument '" + args[i] + "'");
    }
  }
  if (file.empty())
    return die("stats needs a file");
  if (llvm::Error e = validateOptions(o))
    return die(llvm::toString(std::move(e)));
  auto src = DataSource::open(file, {InputSpec{"x", {-1, -1}, {}, -1}});
  if (!src)
    return die(llvm::toString(src.takeError()));
  TensorStats stats(o);
  std::vector<std::vector<float>> bufs;
  std::vector<std::vector<int64_t>> shapes;
  size_t batch = rowsPerBatch ? rowsPerBatch : (*src)->numSamples();
  while (true) {
    llvm::Expected<bool> more = (*src)->next(batch, bufs, shapes);
    if (!more)
      return die(llvm::toString(more.takeError()));
    if (!*more)
      break;
    std::string why;
    if (!stats.observe(bufs[0].data(), bufs[0].size(), why))
      return die(file + ": " + why);
  }
  printRangeLine(llvm::outs(), methodName(o.method), stats);
  return 0;
}

/// values [options] V V / V V ...: each '/'-separated group is one batch.
static int cmdValues(llvm::ArrayRef<std::string> args) {
  Options o;
  std::string err;
  std::vector<std::vector<float>> batches(1);
  for (size_t i = 0; i < args.size(); ++i) {
    bool handled;
    if (!parseOptions(args, i, o, handled, err))
      return die(err);
    if (handled)
      continue;
    if (args[i] == "/") {
      batches.emplace_back();
      continue;
    }
    llvm::StringRef v = args[i];
    float f;
    if (v == "nan")
      f = NAN;
    else if (v == "inf")
      f = INFINITY;
    else if (v == "-inf")
      f = -INFINITY;
    else {
      double d;
      if (!llvm::to_float(v, d))
        return die("bad value '" + v.str() + "'");
      f = float(d);
    }
    batches.back().push_back(f);
  }
  if (llvm::Error e = validateOptions(o))
    return die(llvm::toString(std::move(e)));
  TensorStats stats(o);
  for (size_t b = 0; b < batches.size(); ++b) {
    std::string why;
    if (!stats.observe(batches[b].data(), batches[b].size(), why)) {
      printRangeLine(llvm::outs(), "unchanged", stats);
      llvm::outs().flush();
      return die("batch " + std::to_string(b) + ": " + why);
    }
  }
  printRangeLine(llvm::outs(), methodName(o.method), stats);
  return 0;
}

static void printTable(const Table &t) {
  llvm::outs() << "method: " << t.method << "\n";
  llvm::outs() << "model: " << t.model << "\n";
  llvm::outs() << "samples: " << t.samples << "\n";
  for (const auto &[name, e] : t.tensors) {
    llvm::outs() << "tensor '" << name << "' min=" << num(e.min)
                 << " max=" << num(e.max) << " count=" << e.count;
    if (e.scale)
      llvm::outs() << " scale=" << num(*e.scale);
    if (e.zeroPoint)
      llvm::outs() << " zero_point=" << *e.zeroPoint;
    if (!e.channelMean.empty()) {
      llvm::outs() << " channel_mean=";
      for (size_t i = 0; i < e.channelMean.size(); ++i)
        llvm::outs() << (i ? "," : "") << e.channelMean[i];
    }
    llvm::outs() << "\n";
  }
}

static int cmdReadTable(llvm::ArrayRef<std::string> args) {
  if (args.size() != 1)
    return die("read-table needs one file");
  llvm::Expected<Table> t = readTable(args[0]);
  if (!t)
    return die(llvm::toString(t.takeError()));
  printTable(*t);
  return 0;
}

static bool sameEntry(const TableEntry &a, const TableEntry &b) {
  return a.min == b.min && a.max == b.max && a.count == b.count &&
         a.scale == b.scale && a.zeroPoint == b.zeroPoint &&
         a.channelMean == b.channelMean;
}

static int cmdRoundTrip(llvm::ArrayRef<std::string> args) {
  if (args.size() != 2)
    return die("table-roundtrip needs IN and OUT");
  llvm::Expected<Table> t = readTable(args[0]);
  if (!t)
    return die(llvm::toString(t.takeError()));
  if (llvm::Error e = writeTable(*t, args[1]))
    return die(llvm::toString(std::move(e)));
  llvm::Expected<Table> u = readTable(args[1]);
  if (!u)
    return die(llvm::toString(u.takeError()));
  bool same = t->method == u->method && t->model == u->model &&
              t->samples == u->samples &&
              t->tensors.size() == u->tensors.size();
  for (const auto &[name, e] : t->tensors) {
    auto it = u->tensors.find(name);
    if (it == u->tensors.end() || !sameEntry(e, it->second)) {
      same = false;
      llvm::errs() << "tensor '" << name << "' differs after the round trip\n";
    }
  }
  if (!same)
    return die("round trip changed the table");
  llvm::outs() << "round trip: identical\n";
  printTable(*u);
  return 0;
}

static int cmdParams(llvm::ArrayRef<std::string> args) {
  double lo, hi;
  uint64_t bits;
  if (args.size() != 3 || !llvm::to_float(args[0], lo) ||
      !llvm::to_float(args[1], hi) || !parseU64(args[2], bits))
    return die("params needs MIN MAX BITS");
  auto [s, z] = asymmetricParams({lo, hi}, unsigned(bits));
  llvm::outs() << "scale: " << num(s) << " zero_point: " << z << "\n";
  return 0;
}

/// A "Name: N kB" field of /proc/self/status, or -1.
static long statusKB(llvm::StringRef key) {
  long value = -1;
  if (std::FILE *f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof(line), f)) {
      llvm::StringRef l(line);
      if (l.consume_front(key))
        l.trim().rtrim(" kB").getAsInteger(10, value);
    }
    std::fclose(f);
  }
  return value;
}

static uint64_t fnv1a(const void *data, size_t n) {
  const unsigned char *p = static_cast<const unsigned char *>(data);
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

static int cmdData(llvm::ArrayRef<std::string> args) {
  std::string path, tableOut;
  std::vector<InputSpec> inputs;
  uint64_t count = 0, seed = 0, batch = 1;
  bool quiet = false, rss = false, axes = false;
  std::optional<Options> statsOpts;
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef a = args[i];
    bool hasValue = i + 1 < args.size();
    if (a == "--input" && hasValue) {
      auto [name, shape] = llvm::StringRef(args[++i]).rsplit('=');
      InputSpec in;
      in.name = name.str();
      llvm::SmallVector<llvm::StringRef> parts;
      shape.split(parts, 'x');
      for (llvm::StringRef p : parts) {
        int64_t d;
        if (p == "?")
          d = -1;
        else if (p.getAsInteger(10, d))
          return die("bad --input shape '" + shape.str() + "'");
        in.shape.push_back(d);
      }
      inputs.push_back(in);
    } else if (a == "--batch-axis" && hasValue) {
      auto [name, axis] = llvm::StringRef(args[++i]).rsplit('=');
      llvm::StringRef n = name;
      auto it = llvm::find_if(
          inputs, [&](const InputSpec &in) { return in.name == n; });
      if (it == inputs.end() || axis.getAsInteger(10, it->batchAxis))
        return die("bad --batch-axis '" + args[i] +
                   "' (NAME=K after its --input)");
    } else if (a == "--dim-params" && hasValue) {
      auto [name, params] = llvm::StringRef(args[++i]).rsplit('=');
      llvm::StringRef n = name;
      auto it = llvm::find_if(
          inputs, [&](const InputSpec &in) { return in.name == n; });
      if (it == inputs.end())
        return die("bad --dim-params '" + args[i] +
                   "' (NAME=P,P,... after its --input)");
      llvm::SmallVector<llvm::StringRef> parts;
      params.split(parts, ',');
      for (llvm::StringRef p : parts)
        it->dimParams.push_back(p.str());
    } else if (a == "--count" && hasValue) {
      if (!parseU64(args[++i], count))
        return die("bad --count");
    } else if (a == "--seed" && hasValue) {
      if (!parseU64(args[++i], seed))
        return die("bad --seed");
    } else if (a == "--batch" && hasValue) {
      if (!parseU64(args[++i], batch))
        return die("bad --batch");
    } else if (a == "--stats" && hasValue) {
      std::optional<Method> m = parseMethod(args[++i]);
      if (!m)
        return die("unknown method '" + args[i] + "'");
      statsOpts = Options();
      statsOpts->method = *m;
    } else if (a == "--table" && hasValue) {
      tableOut = args[++i];
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--rss") {
      rss = true;
    } else if (a == "--axes") {
      axes = true;
    } else if (path.empty() && !a.starts_with("--")) {
      path = a.str();
    } else {
      return die("unexpected argument '" + a.str() + "'");
    }
  }
  if (path.empty() || inputs.empty())
    return die("data needs PATH and at least one --input");
  auto src = DataSource::open(path, inputs);
  if (!src)
    return die(llvm::toString(src.takeError()));
  DataSource &ds = **src;
  ds.select(count, seed);
  llvm::outs() << "samples: " << ds.numSamples()
               << " selected: " << ds.numSelected() << "\n";
  if (axes) {
    llvm::outs() << "batch axes:";
    for (size_t k = 0; k < inputs.size(); ++k)
      llvm::outs() << " " << inputs[k].name << "=" << ds.batchAxis(k);
    llvm::outs() << "\n";
  }
  std::vector<TensorStats> stats;
  if (statsOpts || !tableOut.empty())
    for (size_t k = 0; k < inputs.size(); ++k)
      stats.emplace_back(statsOpts ? *statsOpts : Options());
  std::vector<std::vector<float>> bufs;
  std::vector<std::vector<int64_t>> shapes;
  uint64_t batches = 0, seen = 0;
  while (true) {
    llvm::Expected<bool> more = ds.next(batch, bufs, shapes);
    if (!more)
      return die(llvm::toString(more.takeError()));
    if (!*more)
      break;
    const std::vector<uint64_t> &idx = ds.batchSampleIndices();
    seen += idx.size();
    if (!quiet) {
      llvm::outs() << "batch " << batches << ": samples";
      for (uint64_t g : idx)
        llvm::outs() << " " << g;
      for (size_t k = 0; k < inputs.size(); ++k)
        llvm::outs() << " | " << inputs[k].name << " " << dims(shapes[k])
                     << " fnv="
                     << llvm::format_hex_no_prefix(
                            fnv1a(bufs[k].data(), bufs[k].size() * 4), 16);
      llvm::outs() << "\n";
    }
    for (size_t k = 0; k < stats.size(); ++k) {
      std::string why;
      if (!stats[k].observe(bufs[k].data(), bufs[k].size(), why))
        return die("input '" + inputs[k].name + "': " + why);
    }
    ++batches;
  }
  llvm::outs() << "batches: " << batches << " samples read: " << seen << "\n";
  for (size_t k = 0; k < stats.size(); ++k)
    printRangeLine(llvm::outs(), inputs[k].name, stats[k]);
  if (!tableOut.empty()) {
    Table t;
    t.method = methodName(statsOpts ? statsOpts->method : Method::MinMax).str();
    t.model = "test.onnx";
    t.samples = seen;
    for (size_t k = 0; k < stats.size(); ++k) {
      TableEntry e;
      Range r = stats[k].range();
      e.min = r.min;
      e.max = r.max;
      e.count = stats[k].count();
      auto [s, z] = asymmetricParams(r, 8);
      e.scale = s;
      e.zeroPoint = z;
      t.tensors[inputs[k].name] = e;
    }
    if (llvm::Error e = writeTable(t, tableOut))
      return die(llvm::toString(std::move(e)));
  }
  if (rss) {
    // getrusage's ru_maxrss survives execve: a child forked from a large
    // process (a Python test driver holding arrays) starts with the parent's
    // peak. /proc/self/status's VmHWM belongs to this image only.
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    llvm::outs() << "peak_rss_kb: " << ru.ru_maxrss << "\n";
    // VmHWM counts the shared libraries' file pages too, and how many of
    // those a run maps varies with the page cache (by several MB for
    // libLLVM/libMLIR). VmHWM - RssFile - RssShmem at exit is the peak of
    // the anonymous memory (file pages are not unmapped during the run).
    long hwm = statusKB("VmHWM:"), file = statusKB("RssFile:"),
         shmem = statusKB("RssShmem:");
    llvm::outs() << "vm_hwm_kb: " << hwm << "\n";
    llvm::outs() << "peak_anon_kb: " << hwm - file - shmem << "\n";
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return die("usage: dyad-calib-test stats|values|read-table|table-roundtrip|"
               "params|data ...");
  std::vector<std::string> args(argv + 2, argv + argc);
  llvm::StringRef cmd = argv[1];
  if (cmd == "stats")
    return cmdStats(args);
  if (cmd == "values")
    return cmdValues(args);
  if (cmd == "read-table")
    return cmdReadTable(args);
  if (cmd == "table-roundtrip")
    return cmdRoundTrip(args);
  if (cmd == "params")
    return cmdParams(args);
  if (cmd == "data")
    return cmdData(args);
  return die("unknown command '" + cmd.str() + "'");
}
