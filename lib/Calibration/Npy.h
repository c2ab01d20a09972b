//===- Npy.h - the header of a .npy array -----------------------*- C++ -*-===//
//
// Reads and parses the header of one npy array (format versions 1 to 3): the
// magic and version, then the Python dict literal with 'descr',
// 'fortran_order' and 'shape'.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_LIB_CALIBRATION_NPY_H
#define DYAD_LIB_CALIBRATION_NPY_H

#include "ByteStream.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dyad::calib::detail {

struct NpyHeader {
  std::string descr;
  bool descrIsString = true;
  bool fortran = false;
  std::vector<int64_t> shape;
  uint64_t dataOffset = 0; // of the array data in the npy stream
};

/// Reads and parses the header of the npy stream at `loc`. `what` prefixes
/// errors.
llvm::Expected<NpyHeader> readNpyHeader(const ArrayLocation &loc,
                                        const std::string &what);

/// The numpy name of a dtype descr other than '<f4' / '<f8' ("uint8" for
/// '|u1'), for messages; null if unknown.
const char *dtypeName(llvm::StringRef descr);

} // namespace dyad::calib::detail

#endif // DYAD_LIB_CALIBRATION_NPY_H
