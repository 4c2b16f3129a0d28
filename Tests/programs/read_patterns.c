/* Copy, then consume the destination in a loop: sequential, strided,
 * reverse, random order, and a consumer that stops early. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define N (1u << 21)

__attribute__((noinline)) static unsigned long seq(const unsigned *p, size_t n) {
  unsigned long s = 0;
  for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
  return s;
}

int main(void) {
  unsigned *src = malloc(N * sizeof *src), *dst = malloc(N * sizeof *dst);
  fill(src, N * sizeof *src, 6);

  memcpy(dst, src, N * sizeof *src);
  unsigned long s = 0;
  for (size_t i = 0; i < N; i++) s += dst[i] ^ (unsigned)i;          /* sequential */
  printf("seq %lu\n", s);

  memcpy(dst, src + 1, (N - 1) * sizeof *src);
  s = 0;
  for (size_t i = 0; i < N - 1; i += 17) s = s * 7 + dst[i];         /* strided */
  printf("stride %lu\n", s);

  memcpy(dst, src + 2, (N - 2) * sizeof *src);
  s = 0;
  for (size_t i = N - 2; i-- > 0;) s = s * 5 + dst[i];               /* reverse */
  printf("reverse %lu\n", s);

  memcpy(dst, src + 3, (N - 3) * sizeof *src);
  s = 0;
  for (int k = 0; k < 100000; k++) s += dst[lcg() % (N - 3)];         /* random */
  printf("random %lu\n", s);

  memcpy(dst, src, 65536);
  s = 0;
  for (size_t i = 0; i < 65536 / sizeof *dst; i++) {                  /* early exit */
    if (dst[i] % 1000 == 7) break;
    s += dst[i];
  }
  printf("early %lu\n", s);

  memcpy(dst, src + 5, 4096 * sizeof *dst);
  printf("fn %lu\n", seq(dst, 4096));

  /* 2-D walk: rows of 1000 columns, column-major */
  memcpy(dst, src, 1000 * 1000 * sizeof *dst);
  s = 0;
  for (int c = 0; c < 1000; c += 3)
    for (int r = 0; r < 1000; r += 5) s += dst[r * 1000 + c];
  printf("2d %lu\n", s);
  free(src);
  free(dst);
  return 0;
}
