/* LZ4's match copy (lib/lz4.c LZ4_wildCopy32): 16-byte fixed copies whose
 * source may overlap the bytes the previous copy wrote (offset 16..31). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline __attribute__((always_inline)) void wild_copy32(uint8_t *d, const uint8_t *s, uint8_t *e) {
  do { __builtin_memcpy(d, s, 16); __builtin_memcpy(d + 16, s + 16, 16); d += 32; s += 32; } while (d < e);
}

__attribute__((noinline)) size_t expand(uint8_t *out, size_t n, unsigned seed) {
  /* decoder-like: copy a match of length 32..95 from 16..4095 bytes back, repeat */
  uint8_t *op = out + 4096, *end = out + n - 128;
  while (op < end) {
    seed = seed * 1103515245u + 12345u;
    size_t off = 16 + (seed >> 8) % 4080, len = 32 + (seed >> 20) % 64;
    wild_copy32(op, op - off, op + len);
    op += len;
  }
  return (size_t)(op - out);
}

int main(int argc, char **argv) {
  size_t n = 1 << 20;
  int reps = argc > 1 ? atoi(argv[1]) : 200;
  uint8_t *buf = malloc(n);
  for (size_t i = 0; i < 4096; i++) buf[i] = (uint8_t)(i * 7);
  struct timespec t0, t1;
  size_t total = 0;
  unsigned h = 0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int r = 0; r < reps; r++) {
    total += expand(buf, n, (unsigned)r);
    h = h * 31 + buf[n / 2] + buf[n - 200];
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%.0f MB/s (%.2f ns per 16-byte copy) check %u\n", total / s / 1e6, s * 1e9 / (total / 16.0), h);
  return 0;
}
