/* Shared helpers for the differential test programs: a checksum and a
 * deterministic filler, so every program prints values that depend on every
 * byte it copied (a late or missing csync then changes the output). */
#ifndef COPIER_TEST_COMMON_H
#define COPIER_TEST_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* noinline keeps the checksum an ordinary in-module call that reads the
 * buffer, so the pass must reason across it rather than see it inlined away. */
__attribute__((noinline, unused)) static uint64_t fnv(const void *p, size_t n) {
  const unsigned char *b = (const unsigned char *)p;
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 1099511628211ull;
  }
  return h;
}

__attribute__((unused)) static uint32_t lcg_state = 12345u;
static inline uint32_t lcg(void) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return lcg_state >> 8;
}

__attribute__((noinline, unused)) static void fill(void *p, size_t n, uint32_t seed) {
  unsigned char *b = (unsigned char *)p;
  uint32_t s = seed * 2654435761u + 1u;
  for (size_t i = 0; i < n; i++) {
    s = s * 1103515245u + 12345u;
    b[i] = (unsigned char)(s >> 16);
  }
}

#define SHOW(label, p, n) \
  printf("%s %016llx\n", (label), (unsigned long long)fnv((p), (n)))

#endif
