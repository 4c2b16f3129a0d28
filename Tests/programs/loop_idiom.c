/* Hand-written copy loops that LoopIdiomRecognize turns into memcpy at
 * -O2, then consumed by affine loops (the pipelining case). */
#include <stdlib.h>
#include "common.h"

#define N (1 << 20)

__attribute__((noinline)) static void copy_loop(unsigned *restrict d, const unsigned *restrict s, size_t n) {
  for (size_t i = 0; i < n; i++) d[i] = s[i];
}

int main(void) {
  unsigned *s = malloc(N * sizeof *s), *d = malloc(N * sizeof *d);
  fill(s, N * sizeof *s, 31);
  for (size_t i = 0; i < N; i++) d[i] = s[i];        /* idiom in main */
  unsigned long acc = 0;
  for (size_t i = 0; i < N; i++) acc += d[i] >> 3;
  printf("acc %lu\n", acc);
  copy_loop(d, s + 1, N - 1);
  acc = 0;
  for (size_t i = 0; i < N - 1; i += 2) acc = acc * 3 + d[i];
  printf("acc2 %lu\n", acc);
  unsigned short *hs = (unsigned short *)s, *hd = (unsigned short *)d;
  for (size_t i = 0; i < N; i++) hd[i] = hs[N - 1 - i];  /* reverse: not an idiom */
  SHOW("rev", d, N * 2);
  free(s); free(d);
  return 0;
}
