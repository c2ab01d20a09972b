//===- Data.cpp - streaming calibration data from .npy / .npz files -------===//
//
// The calibration dataset: the arrays of .npy / .npz files (or a directory of
// them) checked against the model's inputs, sample selection, and batches
// read streaming. Only the samples of the current batch are read (see
// ByteStream.h); nothing is loaded or mapped whole.
//
//===----------------------------------------------------------------------===//
#include "dyad/Calibration/Calibration.h"

#include "ByteStream.h"
#include "Npy.h"
#include "Zip.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <unordered_set>

using namespace dyad::calib;
using namespace dyad::calib::detail;

namespace {

std::string dimsStr(llvm::ArrayRef<int64_t> dims) {
  if (dims.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i)
      s += "x";
    s += dims[i] < 0 ? std::string("?") : std::to_string(dims[i]);
  }
  return s;
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

struct ArrayInfo {
  ArrayLocation loc;
  std::string member; // npz member name, "" for a .npy
  std::string label;  // "<file>: input 'x'" (+ member) for messages
  bool f64 = false;
  std::vector<int64_t> shape; // the whole array's shape
  uint64_t dataOffset = 0;
  uint64_t sampleElems = 0;
  uint64_t sampleBytes() const { return sampleElems * (f64 ? 8 : 4); }
};

struct FileInfo {
  std::string path;
  std::vector<ArrayInfo> arrays; // one per input
  uint64_t samples = 0;
  uint64_t first = 0; // global index of its first sample
};

} // namespace

struct DataSource::Impl {
  std::string root;
  std::vector<InputSpec> inputs;
  std::vector<FileInfo> files;
  uint64_t total = 0;
  bool all = true;
  std::vector<uint64_t> selected; // sorted, when !all
  uint64_t cursor = 0;            // position in the selection
  std::vector<uint64_t> lastBatch;
  // Streams of the file being read.
  size_t streamFile = SIZE_MAX;
  std::vector<std::unique_ptr<ByteStream>> streams;
  std::vector<double> scratch64;
  std::vector<float> transposed; // a batch at a batch axis other than 0

  uint64_t numSelected() const { return all ? total : selected.size(); }
  uint64_t selectedAt(uint64_t k) const { return all ? k : selected[k]; }
  size_t fileOf(uint64_t g) const {
    auto it = std::upper_bound(
        files.begin(), files.end(), g,
        [](uint64_t v, const FileInfo &f) { return v < f.first; });
    return size_t(it - files.begin()) - 1;
  }
  /// Appends a checked file; its samples follow those of the files before.
  void append(FileInfo fi) {
    fi.first = total;
    total += fi.samples;
    files.push_back(std::move(fi));
  }

  llvm::Error validateArray(ArrayInfo &a, const InputSpec &in);
  llvm::Error addNpy(const std::string &path);
  llvm::Error addNpz(const std::string &path);
  llvm::Error addFile(const std::string &path);
  llvm::Error readSample(size_t fi, uint64_t local, std::vector<float> *bufs);
};

llvm::Error DataSource::Impl::validateArray(ArrayInfo &a, const InputSpec &in) {
  std::string what = a.label;
  llvm::Expected<NpyHeader> header = readNpyHeader(a.loc, what);
  if (!header)
    return header.takeError();
  const NpyHeader &h = *header;
  a.dataOffset = h.dataOffset;

  if (!h.descrIsString)
    return fail(llvm::formatv("{0}: structured dtype {1} is not supported: "
                              "calibration data must be float32 ('<f4') or "
                              "float64 ('<f8')",
                              what, h.descr));
  if (h.descr == "<f4") {
    a.f64 = false;
  } else if (h.descr == "<f8") {
    a.f64 = true;
  } else {
    const char *name = dtypeName(h.descr);
    std::string hint;
    if (h.descr == "|u1")
      hint = "; apply the model's preprocessing first, e.g. "
             "x.astype(np.float32) / 255";
    else if (h.descr.size() > 1 && h.descr[0] == '>')
      hint = "; convert it with x.astype('<f4')";
    return fail(llvm::formatv(
        "{0}: dtype '{1}'{2} is not supported: calibration data must be "
        "float32 ('<f4') or float64 ('<f8'){3}",
        what, h.descr, name ? (" (" + std::string(name) + ")") : "", hint));
  }
  if (h.fortran)
    return fail(llvm::formatv("{0}: Fortran-order arrays are not supported; "
                              "save it in C order (np.ascontiguousarray)",
                              what));
  a.shape = h.shape;
  // A sample is the input's shape without its batch axis.
  std::vector<int64_t> expected = in.shape;
  expected.erase(expected.begin() + in.batchAxis);
  bool ok = h.shape.size() == in.shape.size();
  for (size_t d = 0; ok && d < expected.size(); ++d)
    if (expected[d] >= 0 && h.shape[d + 1] != expected[d])
      ok = false;
  if (!ok) {
    std::vector<int64_t> got;
    if (!h.shape.empty())
      got.assign(h.shape.begin() + 1, h.shape.end());
    std::string axis =
        in.batchAxis == 0
            ? std::string()
            : llvm::formatv(" at axis {0} of {1}", in.batchAxis,
                            dimsStr(in.shape))
                  .str();
    return fail(llvm::formatv(
        "{0}: per-sample shape mismatch: expected {1} (the model input's "
        "shape without its batch dim{4}), got {2} (array shape {3}, first "
        "axis = samples)",
        what, dimsStr(expected), h.shape.empty() ? "none" : dimsStr(got),
        dimsStr(h.shape), axis));
  }
  uint64_t elems = 1;
  for (size_t d = 1; d < h.shape.size(); ++d) {
    if (h.shape[d] != 0 && elems > (uint64_t(1) << 40) / uint64_t(h.shape[d]))
      return fail(llvm::formatv(
          "{0}: sample of shape {1} is too large", what,
          dimsStr(llvm::ArrayRef<int64_t>(h.shape).drop_front())));
    elems *= uint64_t(h.shape[d]);
  }
  a.sampleElems = elems;
  uint64_t samples = uint64_t(h.shape[0]);
  uint64_t avail = a.loc.streamSize - a.dataOffset;
  if (a.sampleBytes() && samples > avail / a.sampleBytes())
    return fail(llvm::formatv(
        "{0}: truncated: the header promises {1} samples of {2} bytes, but "
        "the {3} holds {4} bytes of data after its {5}-byte header (room for "
        "{6} samples)",
        what, samples, a.sampleBytes(), a.member.empty() ? "file" : "member",
        avail, a.dataOffset, avail / a.sampleBytes()));
  return llvm::Error::success();
}

static std::string arrayLabel(const std::string &path, const InputSpec &in,
                              const std::string &member) {
  std::string l = path + ": input '" + in.name + "'";
  if (!member.empty() && member != in.name + ".npy")
    l += " (member '" + member + "')";
  return l;
}

llvm::Error DataSource::Impl::addNpy(const std::string &path) {
  if (inputs.size() != 1) {
    std::string names;
    for (const InputSpec &in : inputs)
      names += (names.empty() ? "" : ", ") + in.name;
    return fail(llvm::formatv(
        "{0}: a .npy file holds one array, but the model has {1} inputs ({2}); "
        "use a .npz keyed by input name",
        path, inputs.size(), names));
  }
  File file;
  llvm::Expected<uint64_t> size = file.openSized(path);
  if (!size)
    return size.takeError();
  FileInfo fi;
  fi.path = path;
  ArrayInfo a;
  a.loc.path = path;
  a.loc.compSize = a.loc.streamSize = *size;
  a.label = arrayLabel(path, inputs[0], "");
  if (llvm::Error e = validateArray(a, inputs[0]))
    return e;
  fi.samples = uint64_t(a.shape[0]);
  fi.arrays.push_back(std::move(a));
  append(std::move(fi));
  return llvm::Error::success();
}

llvm::Error DataSource::Impl::addNpz(const std::string &path) {
  File file;
  llvm::Expected<uint64_t> size = file.openSized(path);
  if (!size)
    return size.takeError();
  std::vector<ZipMember> members;
  if (llvm::Error e = readZipDirectory(file, path, *size, members))
    return e;
  FileInfo fi;
  fi.path = path;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const InputSpec &in = inputs[k];
    const ZipMember *m = nullptr;
    for (const ZipMember &z : members)
      if (z.name == in.name + ".npy")
        m = &z;
    if (!m && inputs.size() == 1 && members.size() == 1)
      m = &members[0];
    if (!m) {
      std::string names;
      for (const ZipMember &z : members)
        names += (names.empty() ? "" : ", ") + z.name;
      return fail(llvm::formatv("{0}: no array for input '{1}' (expected "
                                "member '{1}.npy'; members: {2})",
                                path, in.name, names.empty() ? "none" : names));
    }
    ArrayInfo a;
    a.member = m->name;
    a.label = arrayLabel(path, in, m->name);
    llvm::Expected<ArrayLocation> loc =
        locateZipMember(file, path, *size, *m, a.label);
    if (!loc)
      return loc.takeError();
    a.loc = std::move(*loc);
    if (llvm::Error e = validateArray(a, in))
      return e;
    fi.arrays.push_back(std::move(a));
  }
  fi.samples = uint64_t(fi.arrays[0].shape[0]);
  for (size_t k = 1; k < fi.arrays.size(); ++k)
    if (uint64_t(fi.arrays[k].shape[0]) != fi.samples)
      return fail(llvm::formatv(
          "{0}: inputs have different sample counts: '{1}' has {2}, '{3}' "
          "has {4}",
          path, inputs[0].name, fi.samples, inputs[k].name,
          fi.arrays[k].shape[0]));
  append(std::move(fi));
  return llvm::Error::success();
}

llvm::Error DataSource::Impl::addFile(const std::string &path) {
  File file;
  if (llvm::Error e = file.open(path))
    return e;
  unsigned char magic[6] = {0};
  size_t got = std::fread(magic, 1, 6, file.f);
  if (got >= 6 && std::memcmp(magic, "\x93NUMPY", 6) == 0)
    return addNpy(path);
  if (got >= 4 && magic[0] == 'P' && magic[1] == 'K')
    return addNpz(path);
  llvm::StringRef ext = llvm::sys::path::extension(path);
  if (ext == ".npz")
    return addNpz(path); // reports what is wrong with the archive
  if (ext == ".npy")
    return fail(llvm::formatv("{0}: not a .npy file (bad magic; truncated "
                              "file?)",
                              path));
  return fail(llvm::formatv("{0}: not a .npy or .npz file", path));
}

llvm::Error DataSource::Impl::readSample(size_t fi, uint64_t local,
                                         std::vector<float> *bufs) {
  FileInfo &f = files[fi];
  if (streamFile != fi) {
    streams.clear();
    for (const ArrayInfo &a : f.arrays)
      streams.push_back(std::make_unique<ByteStream>(a.loc));
    streamFile = fi;
  }
  for (size_t k = 0; k < f.arrays.size(); ++k) {
    const ArrayInfo &a = f.arrays[k];
    std::vector<float> &buf = bufs[k];
    size_t at = buf.size();
    buf.resize(at + a.sampleElems);
    float *dst = buf.data() + at;
    uint64_t offset = a.dataOffset + local * a.sampleBytes();
    std::string what = a.label + ": sample " + std::to_string(local);
    if (a.f64) {
      scratch64.resize(a.sampleElems);
      if (llvm::Error e =
              streams[k]->read(offset, scratch64.data(), a.sampleBytes(), what))
        return e;
      for (uint64_t i = 0; i < a.sampleElems; ++i)
        dst[i] = float(scratch64[i]);
    } else if (llvm::Error e =
                   streams[k]->read(offset, dst, a.sampleBytes(), what)) {
      return e;
    }
    for (uint64_t i = 0; i < a.sampleElems; ++i)
      if (!std::isfinite(dst[i])) {
        const char *kind = std::isnan(dst[i]) ? "NaN"
                           : dst[i] > 0       ? "+Inf"
                                              : "-Inf";
        if (a.f64 && std::isfinite(scratch64[i])) {
          char v[32];
          std::snprintf(v, sizeof(v), "%.17g", scratch64[i]);
          return fail(llvm::formatv(
              "{0}: element {1} = {2} (float64) overflows float32", what, i,
              v));
        }
        return fail(llvm::formatv("{0}: element {1} is {2}", what, i, kind));
      }
  }
  return llvm::Error::success();
}

llvm::Error dyad::calib::resolveBatchAxes(std::vector<InputSpec> &inputs) {
  auto param = [](const InputSpec &in, size_t d) {
    return d < in.dimParams.size() && in.shape[d] < 0 ? in.dimParams[d]
                                                      : std::string();
  };
  // The batch name: the dim_param of the dynamic axis 0 of the inputs that
  // have one, when they agree.
  std::string batchName;
  bool agree = true;
  for (const InputSpec &in : inputs) {
    std::string p = in.shape.empty() ? std::string() : param(in, 0);
    if (p.empty())
      continue;
    if (!batchName.empty() && p != batchName)
      agree = false;
    batchName = p;
  }
  if (!agree)
    batchName.clear();
  for (InputSpec &in : inputs) {
    if (in.shape.empty())
      return fail(llvm::formatv("input '{0}' is a scalar: calibration data "
                                "needs a batch dimension",
                                in.name));
    int64_t rank = int64_t(in.shape.size());
    if (in.batchAxis >= rank || in.batchAxis < -1)
      return fail(llvm::formatv("input '{0}': batch axis {1} is out of range "
                                "for its shape {2} (axes 0..{3})",
                                in.name, in.batchAxis, dimsStr(in.shape),
                                rank - 1));
    if (in.batchAxis >= 0)
      continue;
    std::vector<size_t> dynamic, named;
    for (size_t d = 0; d < in.shape.size(); ++d) {
      if (in.shape[d] < 0)
        dynamic.push_back(d);
      if (!batchName.empty() && param(in, d) == batchName)
        named.push_back(d);
    }
    if (named.size() == 1)
      in.batchAxis = int64_t(named[0]);
    else if (in.shape[0] > 1 && dynamic.size() == 1)
      in.batchAxis = int64_t(dynamic[0]);
    else
      in.batchAxis = 0;
  }
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<DataSource>>
DataSource::open(llvm::StringRef path, const std::vector<InputSpec> &inputs) {
  auto impl = std::make_unique<Impl>();
  impl->root = path.str();
  impl->inputs = inputs;
  if (inputs.empty())
    return fail(
        llvm::formatv("{0}: the model has no inputs to calibrate", path));
  if (llvm::Error e = resolveBatchAxes(impl->inputs))
    return std::move(e);
  llvm::sys::fs::file_status st;
  if (std::error_code ec = llvm::sys::fs::status(path, st))
    return fail(llvm::formatv("{0}: cannot open calibration data: {1}", path,
                              ec.message()));
  if (llvm::sys::fs::is_directory(st)) {
    std::vector<std::string> names;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(path, ec), end; !ec && it != end;
         it.increment(ec)) {
      llvm::StringRef name = llvm::sys::path::filename(it->path());
      llvm::StringRef ext = llvm::sys::path::extension(name);
      if (ext != ".npy" && ext != ".npz")
        continue;
      if (!llvm::sys::fs::is_regular_file(it->path()))
        continue;
      names.push_back(name.str());
    }
    if (ec)
      return fail(
          llvm::formatv("{0}: cannot list directory: {1}", path, ec.message()));
    if (names.empty())
      return fail(llvm::formatv("{0}: directory contains no .npy or .npz "
                                "files",
                                path));
    std::sort(names.begin(), names.end());
    for (const std::string &name : names) {
      llvm::SmallString<256> p(path);
      llvm::sys::path::append(p, name);
      if (llvm::Error e = impl->addFile(std::string(p)))
        return std::move(e);
    }
  } else {
    if (llvm::Error e = impl->addFile(path.str()))
      return std::move(e);
  }
  if (impl->total == 0)
    return fail(llvm::formatv("{0}: no calibration samples (every array has "
                              "0 samples)",
                              path));
  return std::unique_ptr<DataSource>(new DataSource(std::move(impl)));
}

DataSource::DataSource(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
DataSource::~DataSource() = default;

size_t DataSource::numSamples() const { return size_t(impl->total); }
size_t DataSource::numSelected() const { return size_t(impl->numSelected()); }
int64_t DataSource::batchAxis(size_t k) const {
  return impl->inputs[k].batchAxis;
}

/// Uniform in [0, bound) by rejection: the same on every platform (unlike
/// std::uniform_int_distribution).
static uint64_t drawBelow(std::mt19937_64 &rng, uint64_t bound) {
  uint64_t threshold = (0 - bound) % bound; // 2^64 mod bound
  for (;;) {
    uint64_t r = rng();
    if (r >= threshold)
      return r % bound;
  }
}

void DataSource::select(size_t count, uint64_t seed) {
  Impl &s = *impl;
  s.selected.clear();
  s.selected.shrink_to_fit();
  s.all = count == 0 || count >= s.total;
  if (!s.all) {
    // Floyd's algorithm: `count` distinct indices in O(count) memory.
    std::mt19937_64 rng(seed);
    std::unordered_set<uint64_t> chosen;
    chosen.reserve(count * 2);
    for (uint64_t j = s.total - count; j < s.total; ++j) {
      uint64_t t = drawBelow(rng, j + 1);
      if (!chosen.insert(t).second)
        chosen.insert(j);
    }
    s.selected.assign(chosen.begin(), chosen.end());
    std::sort(s.selected.begin(), s.selected.end());
  }
  rewind();
}

void DataSource::rewind() {
  impl->cursor = 0;
  impl->lastBatch.clear();
  impl->streams.clear();
  impl->streamFile = SIZE_MAX;
}

llvm::Expected<bool>
DataSource::next(size_t maxBatch, std::vector<std::vector<float>> &buffers,
                 std::vector<std::vector<int64_t>> &shapes) {
  Impl &s = *impl;
  if (maxBatch == 0)
    return fail("calibration batch size must be positive");
  size_t n = s.inputs.size();
  buffers.resize(n);
  shapes.assign(n, {});
  for (std::vector<float> &b : buffers)
    b.clear();
  s.lastBatch.clear();
  if (s.cursor < s.numSelected()) {
    // One allocation per buffer (a hint: dynamic dims may change the size).
    uint64_t want = std::min<uint64_t>(maxBatch, s.numSelected() - s.cursor);
    const FileInfo &f = s.files[s.fileOf(s.selectedAt(s.cursor))];
    for (size_t k = 0; k < n; ++k)
      buffers[k].reserve(size_t(want * f.arrays[k].sampleElems));
  }
  size_t batchFile = SIZE_MAX;
  while (s.lastBatch.size() < maxBatch && s.cursor < s.numSelected()) {
    uint64_t g = s.selectedAt(s.cursor);
    size_t fi = s.fileOf(g);
    const FileInfo &f = s.files[fi];
    if (batchFile != SIZE_MAX && batchFile != fi) {
      // Continue across files only when every input's sample shape agrees.
      const FileInfo &b = s.files[batchFile];
      bool same = true;
      for (size_t k = 0; k < n && same; ++k)
        same = llvm::ArrayRef<int64_t>(b.arrays[k].shape).drop_front() ==
               llvm::ArrayRef<int64_t>(f.arrays[k].shape).drop_front();
      if (!same)
        break;
    }
    if (llvm::Error e = s.readSample(fi, g - f.first, buffers.data())) {
      s.lastBatch.clear();
      return std::move(e);
    }
    batchFile = fi;
    s.lastBatch.push_back(g);
    ++s.cursor;
  }
  if (s.lastBatch.empty())
    return false;
  const FileInfo &f = s.files[batchFile];
  uint64_t count = s.lastBatch.size();
  for (size_t k = 0; k < n; ++k) {
    llvm::ArrayRef<int64_t> sample =
        llvm::ArrayRef<int64_t>(f.arrays[k].shape).drop_front();
    size_t axis = size_t(s.inputs[k].batchAxis);
    shapes[k].assign(sample.begin(), sample.end());
    shapes[k].insert(shapes[k].begin() + axis, int64_t(count));
    // The samples were read one after another ([count, outer, inner]); the
    // input wants them at its batch axis ([outer, count, inner]).
    uint64_t outer = 1, inner = 1;
    for (size_t d = 0; d < sample.size(); ++d)
      (d < axis ? outer : inner) *= uint64_t(sample[d]);
    if (outer <= 1 || count <= 1)
      continue;
    std::vector<float> &buf = buffers[k];
    s.transposed.resize(buf.size());
    for (uint64_t j = 0; j < count; ++j)
      for (uint64_t o = 0; o < outer; ++o)
        std::memcpy(s.transposed.data() + (o * count + j) * inner,
                    buf.data() + (j * outer + o) * inner,
                    inner * sizeof(float));
    buf.swap(s.transposed);
  }
  return true;
}

const std::vector<uint64_t> &DataSource::batchSampleIndices() const {
  return impl->lastBatch;
}

std::string DataSource::describeSample(uint64_t index) const {
  if (index >= impl->total)
    return "sample " + std::to_string(index) + " (out of range)";
  size_t fi = impl->fileOf(index);
  const FileInfo &f = impl->files[fi];
  return f.path + ": sample " + std::to_string(index - f.first);
}
