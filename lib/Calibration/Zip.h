//===- Zip.h - the members of a .npz (zip) archive --------------*- C++ -*-===//
//
// Reads the central directory of a zip archive (zip64 included) and locates
// the bytes of one member, as np.savez / np.savez_compressed write them.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_LIB_CALIBRATION_ZIP_H
#define DYAD_LIB_CALIBRATION_ZIP_H

#include "ByteStream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dyad::calib::detail {

struct ZipMember {
  std::string name;
  uint16_t method = 0, flags = 0;
  uint32_t crc = 0;
  uint64_t compSize = 0, size = 0, localOffset = 0;
};

/// Reads the central directory of the zip archive `file` (`path`, of
/// `fileSize` bytes).
llvm::Error readZipDirectory(File &file, const std::string &path,
                             uint64_t fileSize,
                             std::vector<ZipMember> &members);

/// Where the bytes of member `m` of the archive `file` (`path`, of `fileSize`
/// bytes) lie, after checking its local header and that it is stored or
/// deflated. `what` prefixes errors.
llvm::Expected<ArrayLocation>
locateZipMember(File &file, const std::string &path, uint64_t fileSize,
                const ZipMember &m, const std::string &what);

} // namespace dyad::calib::detail

#endif // DYAD_LIB_CALIBRATION_ZIP_H
