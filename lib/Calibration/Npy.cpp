//===- Npy.cpp - the header of a .npy array -------------------------------===//
//
// The npy preamble (magic, version, header length) and a parser for the
// Python dict literal that follows it.
//
//===----------------------------------------------------------------------===//
#include "Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cstring>
#include <utility>

using namespace dyad::calib::detail;

namespace {

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

} // namespace

llvm::Expected<NpyHeader>
dyad::calib::detail::readNpyHeader(const ArrayLocation &loc,
                                   const std::string &what) {
  ByteStream bs(loc);
  unsigned char pre[12];
  if (loc.streamSize < 10)
    return fail(llvm::formatv("{0}: not a .npy array (truncated file?)", what));
  if (llvm::Error e = bs.read(0, pre, 10, what))
    return std::move(e);
  if (std::memcmp(pre, "\x93NUMPY", 6) != 0)
    return fail(llvm::formatv("{0}: not a .npy array (bad magic)", what));
  unsigned major = pre[6];
  uint64_t hlen, preLen;
  if (major == 1) {
    hlen = le16(pre + 8);
    preLen = 10;
  } else if (major == 2 || major == 3) {
    if (llvm::Error e = bs.read(10, pre + 10, 2, what))
      return std::move(e);
    hlen = le32(pre + 8);
    preLen = 12;
  } else {
    return fail(llvm::formatv("{0}: unsupported .npy format version {1}.{2}",
                              what, major, unsigned(pre[7])));
  }
  if (hlen > (1u << 20))
    return fail(
        llvm::formatv("{0}: .npy header of {1} bytes is too long", what, hlen));
  if (preLen + hlen > loc.streamSize)
    return fail(llvm::formatv("{0}: truncated .npy header", what));
  std::string text(hlen, '\0');
  if (llvm::Error e = bs.read(preLen, text.data(), hlen, what))
    return std::move(e);
  NpyHeader h;
  std::string perr;
  if (!PyLiteral(text).parseHeader(h, perr))
    return fail(llvm::formatv("{0}: malformed .npy header: {1}", what, perr));
  h.dataOffset = preLen + hlen;
  return h;
}

const char *dyad::calib::detail::dtypeName(llvm::StringRef d) {
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
