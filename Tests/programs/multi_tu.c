/* Copies whose buffers cross translation units: passed to, filled by and
 * returned from functions CopierGen compiles separately, and kept in a
 * pointer another file reads later. */
// copier-test: sources=lib/multi_tu_lib.c
#include <stdlib.h>
#include <string.h>
#include "common.h"

uint64_t lib_consume(const unsigned char *p, size_t n);
void lib_mutate(unsigned char *p, size_t n);
unsigned char *lib_fill(unsigned char *dst, const unsigned char *src, size_t n);
unsigned char *lib_clone(const unsigned char *src, size_t n);
void lib_keep(unsigned char *p);
uint64_t lib_read_kept(size_t n);

#define N (600 * 1024)

int main(void) {
  unsigned char *src = malloc(N), *dst = malloc(N);
  fill(src, N, 40);
  memcpy(dst, src, N);
  printf("consume %016llx\n", (unsigned long long)lib_consume(dst, N));
  memcpy(dst, src + 1, N - 1);
  lib_mutate(dst, N - 1);
  SHOW("mutated", dst, N - 1);
  unsigned char *f = lib_fill(dst, src + 2, N - 2);
  printf("filled %u %u\n", f[0], f[N - 3]);
  SHOW("filled", dst, N - 2);
  unsigned char *c = lib_clone(dst, N);
  printf("clone %u\n", c[N / 2]);
  SHOW("clone", c, N);
  memcpy(c, src + 3, N - 3);
  lib_keep(c);
  printf("kept %016llx\n", (unsigned long long)lib_read_kept(N - 3));
  memcpy(src, dst, N);                 /* copy into memory the library saw */
  lib_keep(src);
  printf("kept2 %016llx\n", (unsigned long long)lib_read_kept(N));
  free(c);
  free(src);
  free(dst);
  return 0;
}
