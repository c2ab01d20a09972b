//===- ByteStream.cpp - reading regions of files, plain or deflated -------===//
//
// File reads by seek, and ByteStream: stored bytes are read with seeks,
// deflated .npz members with zlib's streaming inflate (skipping forward by
// inflating into a scratch buffer).
//
//===----------------------------------------------------------------------===//
#include "ByteStream.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

using namespace dyad::calib::detail;

//===----------------------------------------------------------------------===//
// File
//===----------------------------------------------------------------------===//

llvm::Error File::open(const std::string &path) {
  f = std::fopen(path.c_str(), "rb");
  if (!f)
    return fail(
        llvm::formatv("{0}: cannot open: {1}", path, std::strerror(errno)));
  return llvm::Error::success();
}

llvm::Expected<uint64_t> File::size(const std::string &path) {
  if (fseeko(f, 0, SEEK_END) != 0)
    return fail(
        llvm::formatv("{0}: cannot seek: {1}", path, std::strerror(errno)));
  off_t s = ftello(f);
  if (s < 0)
    return fail(
        llvm::formatv("{0}: cannot seek: {1}", path, std::strerror(errno)));
  return uint64_t(s);
}

llvm::Expected<uint64_t> File::openSized(const std::string &path) {
  if (llvm::Error e = open(path))
    return std::move(e);
  return size(path);
}

bool File::readAt(uint64_t offset, void *dst, size_t n) {
  if (fseeko(f, off_t(offset), SEEK_SET) != 0)
    return false;
  return std::fread(dst, 1, n, f) == n;
}

//===----------------------------------------------------------------------===//
// ByteStream
//===----------------------------------------------------------------------===//

ByteStream::~ByteStream() {
  if (zInit)
    inflateEnd(&zs);
}

llvm::Error ByteStream::read(uint64_t offset, void *dst, size_t n,
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
        return fail(
            llvm::formatv("{0}: read error: {1}", what, std::strerror(errno)));
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

llvm::Error ByteStream::restart(const std::string &what) {
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

llvm::Error ByteStream::inflateInto(unsigned char *dst, size_t n,
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
        return fail(
            llvm::formatv("{0}: cannot seek: {1}", what, std::strerror(errno)));
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
