//===- Dyadic.h - dyadic numbers b / 2^c for integer requantization -*- C++ -*-===//
//
// The integer-only requantization of docs/numerics.md: a positive real
// multiplier M becomes b / 2^c with b an int32 in [2^30, 2^31) and c >= 0,
// applied with one rounding (half away from zero) in 64-bit arithmetic.
//
//===----------------------------------------------------------------------===//
#ifndef DYAD_DIALECT_DYADIC_H
#define DYAD_DIALECT_DYADIC_H

#include <cstdint>
#include <optional>

namespace dyad {

struct Dyadic {
  int32_t multiplier = 0; // b: in [2^30, 2^31), or 0 for M == 0
  int32_t shift = 0;      // c >= 0
  double value() const;   // b / 2^c
};

/// b / 2^c nearest to M (M >= 0): frexp(M) = m * 2^e with m in [0.5, 1),
/// b = round_half_up(m * 2^31) (renormalized to 2^30, e + 1 when it reaches
/// 2^31), c = 31 - e. Shifts above 63 are capped at 63 (the product is then
/// rounded to 0 either way). Empty when M is negative, not finite or too
/// large for c >= 0 (M >= 2^31).
std::optional<Dyadic> toDyadic(double m);

/// One element of dyad.requant: ((x - inZp) * b / 2^c rounded half away from
/// zero) + outZp, clamped to [lo, hi]. The reference the lowering matches
/// bit for bit (and the constant folder uses).
int64_t applyRequant(int64_t x, int64_t inZp, int32_t multiplier,
                     int32_t shift, int64_t outZp, int64_t lo, int64_t hi);

} // namespace dyad

#endif // DYAD_DIALECT_DYADIC_H
