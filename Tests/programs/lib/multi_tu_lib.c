/* Second translation unit of multi_tu.c: CopierGen compiles it separately,
 * so neither side sees the other's copies or accesses. */
#include <stdlib.h>
#include <string.h>
#include "../common.h"

unsigned char *lib_saved;

uint64_t lib_consume(const unsigned char *p, size_t n) { return fnv(p, n); }

void lib_mutate(unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i += 7) p[i] = (unsigned char)(p[i] + 1);
}

/* copies into the caller's buffer and returns: the caller reads it */
unsigned char *lib_fill(unsigned char *dst, const unsigned char *src, size_t n) {
  memcpy(dst, src, n);
  return dst;
}

/* returns a fresh copy the caller owns */
unsigned char *lib_clone(const unsigned char *src, size_t n) {
  unsigned char *d = malloc(n);
  memcpy(d, src, n);
  return d;
}

void lib_keep(unsigned char *p) { lib_saved = p; }
uint64_t lib_read_kept(size_t n) { return fnv(lib_saved, n); }
