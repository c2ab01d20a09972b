//===- Zip.cpp - the members of a .npz (zip) archive ----------------------===//
//
// The zip central directory (zip64 included) and local headers; reads only
// these records, never the whole archive.
//
//===----------------------------------------------------------------------===//
#include "Zip.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace dyad::calib::detail;

llvm::Error
dyad::calib::detail::readZipDirectory(File &file, const std::string &path,
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

llvm::Expected<ArrayLocation>
dyad::calib::detail::locateZipMember(File &file, const std::string &path,
                                     uint64_t fileSize, const ZipMember &m,
                                     const std::string &what) {
  if (m.flags & 1)
    return fail(
        llvm::formatv("{0}: encrypted members are not supported", what));
  if (m.method != 0 && m.method != 8)
    return fail(llvm::formatv("{0}: zip compression method {1} is not "
                              "supported (only stored and deflated, as "
                              "np.savez / np.savez_compressed write)",
                              what, m.method));
  unsigned char lh[30];
  if (m.localOffset + 30 > fileSize || !file.readAt(m.localOffset, lh, 30) ||
      le32(lh) != 0x04034b50)
    return fail(llvm::formatv("{0}: bad local zip header (truncated or "
                              "corrupt .npz?)",
                              what));
  ArrayLocation loc;
  loc.path = path;
  loc.deflated = m.method == 8;
  loc.base = m.localOffset + 30 + le16(lh + 26) + le16(lh + 28);
  loc.compSize = m.compSize;
  loc.streamSize = m.size;
  loc.crc = m.crc;
  if (!loc.deflated && m.compSize != m.size)
    return fail(llvm::formatv("{0}: stored member with compressed size {1} "
                              "!= size {2}",
                              what, m.compSize, m.size));
  if (loc.base + loc.compSize > fileSize)
    return fail(llvm::formatv("{0}: member data ends early (truncated "
                              ".npz?): needs bytes up to {1}, the file has "
                              "{2}",
                              what, loc.base + loc.compSize, fileSize));
  return loc;
}
