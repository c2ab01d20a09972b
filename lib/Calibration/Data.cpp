//===- Data.cpp - streaming calibration data from .npy / .npz files -------===//
//
// Reads only the samples of the current batch: .npy files and stored .npz
// members with seeks, deflated .npz members with zlib's streaming inflate
// (skipping forward by inflating into a scratch buffer). The zip central
// directory (zip64 included) is parsed here; nothing is loaded or mapped
// whole.
//
//===----------------------------------------------------------------------===//
#include "dyad/Calibration/Calibration.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <unordered_set>

using namespace dyad::calib;

namespace {

llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

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

uint16_t le16(const unsigned char *p) { return uint16_t(p[0] | (p[1] << 8)); }
uint32_t le32(const unsigned char *p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) |
         (uint32_t(p[3]) << 24);
}
uint64_t le64(const unsigned char *p) {
  return uint64_t(le32(p)) | (uint64_t(le32(p + 4)) << 32);
}

/// An open file; closed on destruction.
struct File {
  std::FILE *f = nullptr;
  File() = default;
  File(const File &) = delete;
  File &operator=(const File &) = delete;
  ~File() {
    if (f)
      std::fclose(f);
  }
  llvm::Error open(const std::string &path) {
    f = std::fopen(path.c_str(), "rb");
    if (!f)
      return fail(
          llvm::formatv("{0}: cannot open: {1}", path, std::strerror(errno)));
    return llvm::Error::success();
  }
  llvm::Expected<uint64_t> size(const std::string &path) {
    if (fseeko(f, 0, SEEK_END) != 0)
      return fail(
          llvm::formatv("{0}: cannot seek: {1}", path, std::strerror(errno)));
    off_t s = ftello(f);
    if (s < 0)
      return fail(
          llvm::formatv("{0}: cannot seek: {1}", path, std::strerror(errno)));
    return uint64_t(s);
  }
  /// Reads exactly n bytes at offset; false on a short read.
  bool readAt(uint64_t offset, void *dst, size_t n) {
    if (fseeko(f, off_t(offset), SEEK_SET) != 0)
      return false;
    return std::fread(dst, 1, n, f) == n;
  }
};

/// The bytes of one npy array: a region of a file (a .npy, or a stored .npz
/// member) or a deflated .npz member.
struct ArrayLocation {
  std::string path;
  bool deflated = false;
  uint64_t base = 0;       // file offset of the (compressed) bytes
  uint64_t compSize = 0;   // bytes of the region in the file
  uint64_t streamSize = 0; // uncompressed size of the npy stream
  uint32_t crc = 0;        // deflated: the zip's CRC-32 of the stream
};

/// Sequential-friendly random access into an ArrayLocation. Reading backwards
/// in a deflated member restarts it from the beginning. A deflated member
/// inflated to its end is checked against the zip's CRC-32 (skipped bytes are
/// inflated too, so this happens whenever its last sample is read).
class ByteStream {
public:
  explicit ByteStream(const ArrayLocation &loc) : loc(loc) {}
  ByteStream(const ByteStream &) = delete;
  ByteStream &operator=(const ByteStream &) = delete;
  ~ByteStream() {
    if (zInit)
      inflateEnd(&zs);
  }

  /// Reads n bytes at offset of the npy stream. `what` prefixes errors.
  llvm::Error read(uint64_t offset, void *dst, size_t n,
                   const std::string &what) {
    if (!file.f)
      if (llvm::Error e = file.open(loc.path))
        return e;
    if (offset + n > loc.streamSize)
      return fail(llvm::formatv("{0}: data ends early (truncated file?): "
                                "needs bytes up to {1}, has {2}",
                                what, offset + n, loc.streamSize));
    if (!loc.deflated) {
      uint64_t at = loc.base + offset;
      if (at != filePos && fseeko(file.f, off_t(at), SEEK_SET) != 0)
        return fail(
            llvm::formatv("{0}: cannot seek: {1}", what, std::strerror(errno)));
      size_t got = std::fread(dst, 1, n, file.f);
      filePos = at + got;
      if (got != n) {
        filePos = UINT64_MAX;
        if (std::ferror(file.f))
          return fail(llvm::formatv("{0}: read error: {1}", what,
                                    std::strerror(errno)));
        return fail(
            llvm::formatv("{0}: data ends early (truncated file?)", what));
      }
      return llvm::Error::success();
    }
    if (!zInit || offset < pos)
      if (llvm::Error e = restart(what))
        return e;
    if (scratch.empty() && pos < offset)
      scratch.resize(1 << 16);
    while (pos < offset)
      if (llvm::Error e = inflateInto(
              scratch.data(),
              size_t(std::min<uint64_t>(offset - pos, scratch.size())), what))
        return e;
    unsigned char *out = static_cast<unsigned char *>(dst);
    while (n > 0) {
      size_t chunk = std::min<size_t>(n, size_t(1) << 30);
      if (llvm::Error e = inflateInto(out, chunk, what))
        return e;
      out += chunk;
      n -= chunk;
    }
    return llvm::Error::success();
  }

private:
  llvm::Error restart(const std::string &what) {
    if (!zInit) {
      std::memset(&zs, 0, sizeof(zs));
      if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
        return fail(llvm::formatv("{0}: cannot initialize zlib", what));
      zInit = true;
      in.resize(1 << 16);
    } else {
      inflateReset(&zs);
    }
    zs.avail_in = 0;
    zs.next_in = nullptr;
    compRead = 0;
    pos = 0;
    ended = false;
    crc = crc32(0L, Z_NULL, 0);
    return llvm::Error::success();
  }

  llvm::Error inflateInto(unsigned char *dst, size_t n,
                          const std::string &what) {
    zs.next_out = dst;
    zs.avail_out = uInt(n);
    while (zs.avail_out > 0) {
      if (ended)
        return fail(llvm::formatv(
            "{0}: compressed data ends early (truncated or corrupt .npz?)",
            what));
      if (zs.avail_in == 0) {
        uint64_t left = loc.compSize - compRead;
        if (left == 0)
          return fail(llvm::formatv(
              "{0}: compressed data ends early (truncated .npz?)", what));
        size_t want = size_t(std::min<uint64_t>(left, in.size()));
        uint64_t at = loc.base + compRead;
        if (at != filePos && fseeko(file.f, off_t(at), SEEK_SET) != 0)
          return fail(llvm::formatv("{0}: cannot seek: {1}", what,
                                    std::strerror(errno)));
        size_t got = std::fread(in.data(), 1, want, file.f);
        filePos = at + got;
        if (got != want) {
          filePos = UINT64_MAX;
          return fail(llvm::formatv("{0}: compressed data ends early "
                                    "(truncated .npz?)",
                                    what));
        }
        compRead += got;
        zs.next_in = in.data();
        zs.avail_in = uInt(got);
      }
      int ret = inflate(&zs, Z_NO_FLUSH);
      if (ret == Z_STREAM_END)
        ended = true;
      else if (ret != Z_OK && ret != Z_BUF_ERROR)
        return fail(llvm::formatv("{0}: corrupt compressed data ({1})", what,
                                  zs.msg ? zs.msg : "zlib error"));
    }
    crc = crc32(crc, dst, uInt(n));
    pos += n;
    if (pos == loc.streamSize && uint32_t(crc) != loc.crc)
      return fail(llvm::formatv("{0}: the member's data does not match its "
                                "CRC-32 (corrupt .npz)",
                                what));
    return llvm::Error::success();
  }

  ArrayLocation loc;
  File file;
  uint64_t filePos = UINT64_MAX;
  z_stream zs;
  bool zInit = false, ended = false;
  uint64_t compRead = 0, pos = 0;
  uLong crc = 0;
  std::vector<unsigned char> in, scratch;
};

//===----------------------------------------------------------------------===//
// npy header
//===----------------------------------------------------------------------===//

struct NpyHeader {
  std::string descr;
  bool descrIsString = true;
  bool fortran = false;
  std::vector<int64_t> shape;
  uint64_t dataOffset = 0;
};

/// A parser for the Python dict literal of an npy header.
class PyLiteral {
public:
  explicit PyLiteral(llvm::StringRef s) : s(s) {}
  bool parseHeader(NpyHeader &h, std::string &err) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    ws();
    if (!eat('{'))
      return bad(err, "expected '{'");
    while (true) {
      ws();
      if (eat('}'))
        break;
      std::string key;
      if (!str(key))
        return bad(err, "expected a quoted key");
      ws();
      if (!eat(':'))
        return bad(err, "expected ':'");
      ws();
      if (key == "descr") {
        haveDescr = true;
        if (peek() == '\'' || peek() == '"') {
          if (!str(h.descr))
            return bad(err, "bad 'descr'");
        } else {
          h.descrIsString = false;
          size_t b = i;
          if (!skipValue())
            return bad(err, "bad 'descr'");
          h.descr = s.slice(b, i).str();
        }
      } else if (key == "fortran_order") {
        haveOrder = true;
        if (s.substr(i).starts_with("True")) {
          h.fortran = true;
          i += 4;
        } else if (s.substr(i).starts_with("False")) {
          h.fortran = false;
          i += 5;
        } else {
          return bad(err, "'fortran_order' is not True or False");
        }
      } else if (key == "shape") {
        haveShape = true;
        if (!tuple(h.shape))
          return bad(err, "'shape' is not a tuple of integers");
      } else if (!skipValue()) {
        return bad(err, "bad value for '" + key + "'");
      }
      ws();
      if (eat(','))
        continue;
      ws();
      if (eat('}'))
        break;
      return bad(err, "expected ',' or '}'");
    }
    if (!haveDescr || !haveOrder || !haveShape)
      return bad(err, !haveDescr   ? "no 'descr' key"
                      : !haveOrder ? "no 'fortran_order' key"
                                   : "no 'shape' key");
    return true;
  }

private:
  bool bad(std::string &err, const std::string &msg) {
    err = msg;
    return false;
  }
  char peek() const { return i < s.size() ? s[i] : '\0'; }
  void ws() {
    while (i < s.size() &&
           (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
      ++i;
  }
  bool eat(char c) {
    if (peek() != c)
      return false;
    ++i;
    return true;
  }
  bool str(std::string &out) {
    char q = peek();
    if (q != '\'' && q != '"')
      return false;
    size_t e = s.find(q, i + 1);
    if (e == llvm::StringRef::npos)
      return false;
    out = s.slice(i + 1, e).str();
    i = e + 1;
    return true;
  }
  bool integer(int64_t &v) {
    size_t b = i;
    while (i < s.size() && llvm::isDigit(s[i]))
      ++i;
    if (i == b || i - b > 18)
      return false;
    v = 0;
    s.slice(b, i).getAsInteger(10, v);
    if (peek() == 'L') // Python 2
      ++i;
    return true;
  }
  bool tuple(std::vector<int64_t> &dims) {
    if (!eat('('))
      return false;
    while (true) {
      ws();
      if (eat(')'))
        return true;
      int64_t v;
      if (!integer(v))
        return false;
      dims.push_back(v);
      ws();
      if (eat(','))
        continue;
      ws();
      return eat(')');
    }
  }
  bool skipValue() {
    char c = peek();
    if (c == '\'' || c == '"') {
      std::string tmp;
      return str(tmp);
    }
    if (c == '(' || c == '[' || c == '{') {
      int depth = 0;
      while (i < s.size()) {
        char d = s[i];
        if (d == '\'' || d == '"') {
          std::string tmp;
          if (!str(tmp))
            return false;
          continue;
        }
        if (d == '(' || d == '[' || d == '{')
          ++depth;
        if (d == ')' || d == ']' || d == '}')
          if (--depth == 0) {
            ++i;
            return true;
          }
        ++i;
      }
      return false;
    }
    size_t b = i;
    while (i < s.size() &&
           (llvm::isAlnum(s[i]) || s[i] == '.' || s[i] == '-' || s[i] == '+'))
      ++i;
    return i > b;
  }

  llvm::StringRef s;
  size_t i = 0;
};

const char *dtypeName(llvm::StringRef d) {
  static const std::pair<const char *, const char *> names[] = {
      {"|u1", "uint8"},
      {"|i1", "int8"},
      {"|b1", "bool"},
      {"<u2", "uint16"},
      {"<i2", "int16"},
      {"<u4", "uint32"},
      {"<i4", "int32"},
      {"<u8", "uint64"},
      {"<i8", "int64"},
      {"<f2", "float16"},
      {"<c8", "complex64"},
      {"<c16", "complex128"},
      {">f4", "big-endian float32"},
      {">f8", "big-endian float64"},
      {"|O", "object"}};
  for (auto &[k, v] : names)
    if (d == k)
      return v;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// zip central directory
//===----------------------------------------------------------------------===//

struct ZipMember {
  std::string name;
  uint16_t method = 0, flags = 0;
  uint32_t crc = 0;
  uint64_t compSize = 0, size = 0, localOffset = 0;
};

llvm::Error readZipDirectory(File &file, const std::string &path,
                             uint64_t fileSize,
                             std::vector<ZipMember> &members) {
  const char *notZip = "not a valid .npz (zip) archive";
  uint64_t tailLen = std::min<uint64_t>(fileSize, 22 + 65535);
  std::vector<unsigned char> tail(tailLen);
  if (tailLen < 22 || !file.readAt(fileSize - tailLen, tail.data(), tailLen))
    return fail(
        llvm::formatv("{0}: {1}: too short (truncated file?)", path, notZip));
  size_t eocd = SIZE_MAX;
  for (size_t p = tailLen - 22 + 1; p-- > 0;)
    if (le32(&tail[p]) == 0x06054b50) {
      eocd = p;
      break;
    }
  if (eocd == SIZE_MAX)
    return fail(llvm::formatv("{0}: {1}: no end-of-central-directory record "
                              "(truncated file?)",
                              path, notZip));
  const unsigned char *e = &tail[eocd];
  uint64_t entries = le16(e + 10), cdSize = le32(e + 12),
           cdOffset = le32(e + 16);
  uint64_t eocdPos = fileSize - tailLen + eocd;
  if (entries == 0xFFFF || cdSize == 0xFFFFFFFF || cdOffset == 0xFFFFFFFF) {
    unsigned char loc[20], rec[56];
    if (eocdPos < 20 || !file.readAt(eocdPos - 20, loc, 20) ||
        le32(loc) != 0x07064b50)
      return fail(
          llvm::formatv("{0}: {1}: missing zip64 locator", path, notZip));
    uint64_t recPos = le64(loc + 8);
    if (recPos + 56 > fileSize || !file.readAt(recPos, rec, 56) ||
        le32(rec) != 0x06064b50)
      return fail(
          llvm::formatv("{0}: {1}: bad zip64 end record", path, notZip));
    entries = le64(rec + 32);
    cdSize = le64(rec + 40);
    cdOffset = le64(rec + 48);
  }
  if (cdOffset + cdSize > fileSize || cdSize > (uint64_t(64) << 20))
    return fail(llvm::formatv("{0}: {1}: bad central directory (truncated "
                              "file?)",
                              path, notZip));
  std::vector<unsigned char> cd(cdSize);
  if (cdSize && !file.readAt(cdOffset, cd.data(), cdSize))
    return fail(llvm::formatv("{0}: {1}: cannot read the central directory",
                              path, notZip));
  size_t p = 0;
  for (uint64_t k = 0; k < entries; ++k) {
    if (p + 46 > cd.size() || le32(&cd[p]) != 0x02014b50)
      return fail(llvm::formatv("{0}: {1}: bad central directory entry {2}",
                                path, notZip, k));
    const unsigned char *h = &cd[p];
    ZipMember m;
    m.flags = le16(h + 8);
    m.method = le16(h + 10);
    m.crc = le32(h + 16);
    m.compSize = le32(h + 20);
    m.size = le32(h + 24);
    uint16_t nameLen = le16(h + 28), extraLen = le16(h + 30),
             commentLen = le16(h + 32);
    m.localOffset = le32(h + 42);
    if (p + 46 + nameLen + extraLen + commentLen > cd.size())
      return fail(llvm::formatv("{0}: {1}: bad central directory entry {2}",
                                path, notZip, k));
    m.name.assign(reinterpret_cast<const char *>(h + 46), nameLen);
    // zip64 extra field: the 64-bit values of the fields that are all ones.
    const unsigned char *x = h + 46 + nameLen, *xe = x + extraLen;
    while (x + 4 <= xe) {
      uint16_t id = le16(x), len = le16(x + 2);
      if (x + 4 + len > xe)
        break;
      if (id == 0x0001) {
        const unsigned char *v = x + 4, *ve = v + len;
        if (m.size == 0xFFFFFFFF && v + 8 <= ve) {
          m.size = le64(v);
          v += 8;
        }
        if (m.compSize == 0xFFFFFFFF && v + 8 <= ve) {
          m.compSize = le64(v);
          v += 8;
        }
        if (m.localOffset == 0xFFFFFFFF && v + 8 <= ve)
          m.localOffset = le64(v);
      }
      x += 4 + len;
    }
    members.push_back(std::move(m));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return llvm::Error::success();
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

  uint64_t numSelected() const { return all ? total : selected.size(); }
  uint64_t selectedAt(uint64_t k) const { return all ? k : selected[k]; }
  size_t fileOf(uint64_t g) const {
    auto it = std::upper_bound(
        files.begin(), files.end(), g,
        [](uint64_t v, const FileInfo &f) { return v < f.first; });
    return size_t(it - files.begin()) - 1;
  }

  llvm::Error validateArray(ArrayInfo &a, const InputSpec &in);
  llvm::Error addNpy(const std::string &path);
  llvm::Error addNpz(const std::string &path);
  llvm::Error addFile(const std::string &path);
  llvm::Error readSample(size_t fi, uint64_t local, std::vector<float> *bufs);
};

llvm::Error DataSource::Impl::validateArray(ArrayInfo &a, const InputSpec &in) {
  ByteStream bs(a.loc);
  unsigned char pre[12];
  std::string what = a.label;
  if (a.loc.streamSize < 10)
    return fail(llvm::formatv("{0}: not a .npy array (truncated file?)", what));
  if (llvm::Error e = bs.read(0, pre, 10, what))
    return e;
  if (std::memcmp(pre, "\x93NUMPY", 6) != 0)
    return fail(llvm::formatv("{0}: not a .npy array (bad magic)", what));
  unsigned major = pre[6];
  uint64_t hlen, preLen;
  if (major == 1) {
    hlen = le16(pre + 8);
    preLen = 10;
  } else if (major == 2 || major == 3) {
    if (llvm::Error e = bs.read(10, pre + 10, 2, what))
      return e;
    hlen = le32(pre + 8);
    preLen = 12;
  } else {
    return fail(llvm::formatv("{0}: unsupported .npy format version {1}.{2}",
                              what, major, unsigned(pre[7])));
  }
  if (hlen > (1u << 20))
    return fail(
        llvm::formatv("{0}: .npy header of {1} bytes is too long", what, hlen));
  if (preLen + hlen > a.loc.streamSize)
    return fail(llvm::formatv("{0}: truncated .npy header", what));
  std::string text(hlen, '\0');
  if (llvm::Error e = bs.read(preLen, text.data(), hlen, what))
    return e;
  NpyHeader h;
  std::string perr;
  if (!PyLiteral(text).parseHeader(h, perr))
    return fail(llvm::formatv("{0}: malformed .npy header: {1}", what, perr));
  a.dataOffset = preLen + hlen;

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
  std::vector<int64_t> expected(in.shape.begin() + 1, in.shape.end());
  bool ok = h.shape.size() == in.shape.size();
  for (size_t d = 1; ok && d < in.shape.size(); ++d)
    if (in.shape[d] >= 0 && h.shape[d] != in.shape[d])
      ok = false;
  if (!ok) {
    std::vector<int64_t> got;
    if (!h.shape.empty())
      got.assign(h.shape.begin() + 1, h.shape.end());
    return fail(llvm::formatv(
        "{0}: per-sample shape mismatch: expected {1} (the model input's "
        "shape without its batch dim), got {2} (array shape {3}, first axis = "
        "samples)",
        what, dimsStr(expected), h.shape.empty() ? "none" : dimsStr(got),
        dimsStr(h.shape)));
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
  if (llvm::Error e = file.open(path))
    return e;
  llvm::Expected<uint64_t> size = file.size(path);
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
  fi.first = total;
  total += fi.samples;
  files.push_back(std::move(fi));
  return llvm::Error::success();
}

llvm::Error DataSource::Impl::addNpz(const std::string &path) {
  File file;
  if (llvm::Error e = file.open(path))
    return e;
  llvm::Expected<uint64_t> size = file.size(path);
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
    if (m->flags & 1)
      return fail(
          llvm::formatv("{0}: encrypted members are not supported", a.label));
    if (m->method != 0 && m->method != 8)
      return fail(llvm::formatv("{0}: zip compression method {1} is not "
                                "supported (only stored and deflated, as "
                                "np.savez / np.savez_compressed write)",
                                a.label, m->method));
    unsigned char lh[30];
    if (m->localOffset + 30 > *size || !file.readAt(m->localOffset, lh, 30) ||
        le32(lh) != 0x04034b50)
      return fail(llvm::formatv("{0}: bad local zip header (truncated or "
                                "corrupt .npz?)",
                                a.label));
    a.loc.path = path;
    a.loc.deflated = m->method == 8;
    a.loc.base = m->localOffset + 30 + le16(lh + 26) + le16(lh + 28);
    a.loc.compSize = m->compSize;
    a.loc.streamSize = m->size;
    a.loc.crc = m->crc;
    if (!a.loc.deflated && m->compSize != m->size)
      return fail(llvm::formatv("{0}: stored member with compressed size {1} "
                                "!= size {2}",
                                a.label, m->compSize, m->size));
    if (a.loc.base + a.loc.compSize > *size)
      return fail(llvm::formatv("{0}: member data ends early (truncated "
                                ".npz?): needs bytes up to {1}, the file has "
                                "{2}",
                                a.label, a.loc.base + a.loc.compSize, *size));
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
  fi.first = total;
  total += fi.samples;
  files.push_back(std::move(fi));
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

llvm::Expected<std::unique_ptr<DataSource>>
DataSource::open(llvm::StringRef path, const std::vector<InputSpec> &inputs) {
  auto impl = std::make_unique<Impl>();
  impl->root = path.str();
  impl->inputs = inputs;
  if (inputs.empty())
    return fail(
        llvm::formatv("{0}: the model has no inputs to calibrate", path));
  for (const InputSpec &in : inputs)
    if (in.shape.empty())
      return fail(llvm::formatv("input '{0}' is a scalar: calibration data "
                                "needs a batch dimension",
                                in.name));
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
  for (size_t k = 0; k < n; ++k) {
    shapes[k].push_back(int64_t(s.lastBatch.size()));
    shapes[k].insert(shapes[k].end(), f.arrays[k].shape.begin() + 1,
                     f.arrays[k].shape.end());
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
