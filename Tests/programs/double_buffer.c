/* Double buffering: each iteration copies the next block into one buffer
 * while processing the other, then the pointers swap (the copy is consumed
 * one iteration later, through a phi). */
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define BLK (96 * 1024)
#define NBLK 48

int main(void) {
  unsigned char *input = malloc((size_t)BLK * NBLK);
  fill(input, (size_t)BLK * NBLK, 43);
  unsigned char *a = malloc(BLK), *b = malloc(BLK);
  unsigned char *cur = a, *next = b;
  memcpy(cur, input, BLK);
  unsigned long acc = 0;
  for (int i = 0; i < NBLK; i++) {
    if (i + 1 < NBLK) memcpy(next, input + (size_t)(i + 1) * BLK, BLK);
    for (size_t k = 0; k < BLK; k += 16) acc = acc * 33 + cur[k];
    cur[0] ^= 1;                               /* write the consumed buffer */
    unsigned char *t = cur; cur = next; next = t;
  }
  printf("acc %lu\n", acc);
  /* triple buffering with an index instead of pointers */
  unsigned char *bufs[3] = {a, b, malloc(BLK)};
  for (int i = 0; i < 2; i++) memcpy(bufs[i], input + (size_t)i * BLK, BLK);
  acc = 0;
  for (int i = 0; i < NBLK; i++) {
    if (i + 2 < NBLK) memcpy(bufs[(i + 2) % 3], input + (size_t)(i + 2) * BLK, BLK);
    acc += fnv(bufs[i % 3], BLK) & 0xffff;
  }
  printf("acc3 %lu\n", acc);
  free(bufs[2]); free(a); free(b); free(input);
  return 0;
}
