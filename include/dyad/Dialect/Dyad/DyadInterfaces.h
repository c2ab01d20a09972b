//===- DyadInterfaces.h - dyad op interfaces --------------------*- C++ -*-===//
#ifndef DYAD_DIALECT_DYADINTERFACES_H
#define DYAD_DIALECT_DYADINTERFACES_H

#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>

namespace dyad {

/// How a QuantizableOpInterface op is computed on integers (see
/// dialects/Dyad/DyadInterfaces.td).
enum class QuantRole {
  Contraction,
  Add,
  Rescale,
  PassThrough,
  Activation,
  Table,
  Product,
  Normalization
};

/// A weight operand quantized per channel along `axis`.
struct QuantizedWeight {
  unsigned operand;
  int64_t axis;
  /// The contraction's other operand: the activation the weight meets.
  unsigned dataOperand() const { return operand == 0 ? 1 : 0; }
};

} // namespace dyad

#include "dyad/Dialect/Dyad/DyadInterfaces.h.inc"

#endif // DYAD_DIALECT_DYADINTERFACES_H
