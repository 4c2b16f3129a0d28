/* Copy, then write the source (the copy must already hold the old bytes),
 * and copy, then write parts of the destination before reading it all. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define N (512 * 1024)
static unsigned char g_src[N];

__attribute__((noinline)) static void scribble(unsigned char *p, size_t n, int v) {
  for (size_t i = 0; i < n; i += 3) p[i] = (unsigned char)(v + i);
}

int main(void) {
  unsigned char *dst = malloc(N);
  fill(g_src, N, 7);
  memcpy(dst, g_src, N);
  g_src[0] = 1; g_src[N - 1] = 2;            /* direct stores */
  scribble(g_src, N, 9);                      /* via a call */
  memset(g_src, 0, N / 2);                    /* via libc */
  SHOW("dst", dst, N);
  SHOW("src", g_src, N);

  memcpy(dst, g_src + N / 2, N / 2);
  dst[10] = 0xaa;                             /* write inside the destination */
  scribble(dst + 100, 1000, 3);
  SHOW("dst2", dst, N);

  /* copy then overwrite the whole source with a second copy into it */
  memcpy(dst, g_src, N);
  memcpy(g_src, dst + 1, N - 1);
  SHOW("src2", g_src, N);
  SHOW("dst3", dst, N);

  /* in a loop: copy block i, then immediately clobber the source block */
  unsigned char blk[4096];
  unsigned long acc = 0;
  for (int i = 0; i < 64; i++) {
    memcpy(blk, g_src + i * 4096, sizeof blk);
    memset(g_src + i * 4096, i, 4096);
    acc = acc * 131 + fnv(blk, sizeof blk);
  }
  printf("loop %lu\n", acc);
  free(dst);
  return 0;
}
