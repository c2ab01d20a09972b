//===- Dyadic.cpp - dyadic numbers b / 2^c -------------------------------===//
#include "dyad/Dialect/Dyad/Dyadic.h"

#include <algorithm>
#include <cmath>

using namespace dyad;

double Dyadic::value() const { return std::ldexp((double)multiplier, -shift); }

std::optional<Dyadic> dyad::toDyadic(double m) {
  if (!(m >= 0) || !std::isfinite(m))
    return std::nullopt;
  if (m == 0)
    return Dyadic{0, 0};
  int e = 0;
  double mant = std::frexp(m, &e); // m = mant * 2^e, mant in [0.5, 1)
  // round half up of a positive value; mant * 2^31 is exact in a double.
  int64_t b = (int64_t)std::floor(std::ldexp(mant, 31) + 0.5);
  if (b == (int64_t(1) << 31)) {
    b >>= 1;
    ++e;
  }
  int64_t c = 31 - (int64_t)e;
  if (c < 0)
    return std::nullopt;
  if (c > 63)
    c = 63; // (b * x) / 2^63 rounds to 0 for every |x| < 2^31, as does 2^c.
  return Dyadic{(int32_t)b, (int32_t)c};
}

int64_t dyad::applyRequant(int64_t x, int64_t inZp, int32_t multiplier,
                           int32_t shift, int64_t outZp, int64_t lo,
                           int64_t hi) {
  int64_t p = (x - inZp) * (int64_t)multiplier;
  int64_t r;
  if (shift == 0)
    r = p;
  else if (shift >= 63)
    r = 0;
  else
    r = (p + (int64_t(1) << (shift - 1)) - (p < 0 ? 1 : 0)) >> shift;
  return std::clamp(r + outZp, lo, hi);
}
