//===- ByteStream.h - reading file regions, plain or deflated ---*- C++ -*-===//
//
// The byte level of the calibration data readers: little-endian fields, an
// open file read by seeks, and ByteStream, random access into one npy array's
// bytes (a region of a file, or a deflated .npz member inflated with zlib's
// streaming inflate). Nothing is loaded or mapped whole.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_LIB_CALIBRATION_BYTESTREAM_H
#define DYAD_LIB_CALIBRATION_BYTESTREAM_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace dyad::calib::detail {

inline llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

inline uint16_t le16(const unsigned char *p) {
  return uint16_t(p[0] | (p[1] << 8));
}
inline uint32_t le32(const unsigned char *p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) |
         (uint32_t(p[3]) << 24);
}
inline uint64_t le64(const unsigned char *p) {
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
  llvm::Error open(const std::string &path);
  llvm::Expected<uint64_t> size(const std::string &path);
  /// open() then size().
  llvm::Expected<uint64_t> openSized(const std::string &path);
  /// Reads exactly n bytes at offset; false on a short read.
  bool readAt(uint64_t offset, void *dst, size_t n);
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
  ~ByteStream();

  /// Reads n bytes at offset of the npy stream. `what` prefixes errors.
  llvm::Error read(uint64_t offset, void *dst, size_t n,
                   const std::string &what);

private:
  llvm::Error restart(const std::string &what);
  llvm::Error inflateInto(unsigned char *dst, size_t n,
                          const std::string &what);

  ArrayLocation loc;
  File file;
  uint64_t filePos = UINT64_MAX;
  z_stream zs;
  bool zInit = false, ended = false;
  uint64_t compRead = 0, pos = 0;
  uLong crc = 0;
  std::vector<unsigned char> in, scratch;
};

} // namespace dyad::calib::detail

#endif // DYAD_LIB_CALIBRATION_BYTESTREAM_H
