/* The measured single-core peak the kernel microbenchmark compares with:
 * a tight loop of independent vpdpbusd (AVX512-VNNI, 512-bit) or FMA
 * (vfmadd231ps, 512-bit) instructions, 16 accumulators so that latency
 * never limits; or of AMX-INT8 tdpbusd on 4 independent 16 x 16 i32 tiles.
 * Prints GOP/s (2 ops per multiply-add; vpdpbusd does 64 multiply-adds, an
 * FMA 16, tdpbusd 16 x 16 x 64). Exits 1 where the CPU or the OS lacks it.
 *
 *   cc -O2 -mavx512f -mavx512vnni bench/peak.c -o peak && ./peak vnni|fma|amx
 */
#include <cpuid.h>
#include <immintrin.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

#define REP16(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)

static double vnni(long iters) {
  __m512i a = _mm512_set1_epi32(0x01020304), b = _mm512_set1_epi32(0x01010101);
#define DECL(i) __m512i c##i = _mm512_set1_epi32(i);
  REP16(DECL)
  double t0 = now();
  for (long n = 0; n < iters; ++n) {
#define STEP(i) c##i = _mm512_dpbusd_epi32(c##i, a, b);
    REP16(STEP)
    __asm__ volatile("" : "+v"(a), "+v"(b));
  }
  double t = now() - t0;
  __m512i s = c0;
#define SUM(i) s = _mm512_add_epi32(s, c##i);
  REP16(SUM)
  volatile int sink = _mm512_reduce_add_epi32(s);
  (void)sink;
  return 16.0 * 64 * 2 * iters / t / 1e9;
}

static double fma(long iters) {
  __m512 a = _mm512_set1_ps(1.0000001f), b = _mm512_set1_ps(0.9999999f);
#define DECLF(i) __m512 f##i = _mm512_set1_ps((float)i);
  REP16(DECLF)
  double t0 = now();
  for (long n = 0; n < iters; ++n) {
#define STEPF(i) f##i = _mm512_fmadd_ps(f##i, a, b);
    REP16(STEPF)
    __asm__ volatile("" : "+v"(a), "+v"(b));
  }
  double t = now() - t0;
  __m512 s = f0;
#define SUMF(i) s = _mm512_add_ps(s, f##i);
  REP16(SUMF)
  volatile float sink = _mm512_reduce_add_ps(s);
  (void)sink;
  return 16.0 * 16 * 2 * iters / t / 1e9;
}

/* The tile configuration ldtilecfg reads (palette 1). */
struct tileconfig {
  unsigned char palette, startRow, reserved[14];
  unsigned short colsb[16];
  unsigned char rows[16];
};

__attribute__((target("amx-tile,amx-int8"))) static double amx(long iters) {
  static unsigned char buf[16 * 64] __attribute__((aligned(64)));
  struct tileconfig cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.palette = 1;
  for (int i = 0; i < 8; ++i) {
    cfg.colsb[i] = 64;
    cfg.rows[i] = 16;
  }
  _tile_loadconfig(&cfg);
  memset(buf, 1, sizeof buf);
  _tile_loadd(4, buf, 64);
  _tile_loadd(5, buf, 64);
  _tile_loadd(6, buf, 64);
  _tile_loadd(7, buf, 64);
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  double t0 = now();
  for (long n = 0; n < iters; ++n) {
    _tile_dpbusd(0, 4, 5);
    _tile_dpbusd(1, 4, 6);
    _tile_dpbusd(2, 7, 5);
    _tile_dpbusd(3, 7, 6);
  }
  double t = now() - t0;
  _tile_stored(0, buf, 64);
  _tile_release();
  return 4.0 * 16 * 16 * 64 * 2 * iters / t / 1e9;
}

/* CPUID.(7,0):EDX bits 24 (AMX-TILE) and 25 (AMX-INT8), and Linux's
 * permission for the tile data state (arch_prctl ARCH_REQ_XCOMP_PERM). */
static int amxUsable(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !((d >> 24) & 1) ||
      !((d >> 25) & 1))
    return 0;
  return syscall(SYS_arch_prctl, 0x1023, 18) == 0;
}

int main(int argc, char **argv) {
  int isFma = argc > 1 && !strcmp(argv[1], "fma");
  int isAmx = argc > 1 && !strcmp(argv[1], "amx");
  if (isAmx && !amxUsable())
    return 1;
  double best = 0;
  for (int r = 0; r < 5; ++r) {
    double g = isAmx ? amx(2000000) : isFma ? fma(20000000) : vnni(20000000);
    if (g > best)
      best = g;
  }
  printf("%.1f\n", best);
  return 0;
}
