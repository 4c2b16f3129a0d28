/* memcpy with constant sizes from 1 byte to 1 MiB + 37, each read back at
 * once, after other work, and partially. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define BIG ((1u << 20) + 37)
static unsigned char src[BIG + 64], dst[BIG + 64];

__attribute__((noinline)) static unsigned work(unsigned x) {
  for (int i = 0; i < 1000; i++) x = x * 31u + (unsigned)i;
  return x;
}

int main(void) {
  fill(src, sizeof src, 1);
  memcpy(dst, src, 1);     printf("1 %u\n", dst[0]);
  memcpy(dst, src + 1, 3); printf("3 %u %u\n", dst[0], dst[2]);
  memcpy(dst, src + 2, 16);   SHOW("16", dst, 16);
  memcpy(dst, src + 3, 64);   SHOW("64", dst, 64);
  memcpy(dst, src + 5, 4096); printf("w %u\n", work(7)); SHOW("4096", dst, 4096);
  memcpy(dst + 1, src + 7, 65536);
  printf("64k mid %u last %u\n", dst[32768], dst[65536]);
  SHOW("65536", dst, 65536 + 8);
  memcpy(dst, src + 11, BIG);
  printf("w %u\n", work(dst[BIG - 1]));
  SHOW("big", dst, BIG);
  /* partial reads from the tail first */
  memcpy(dst + 64, src, 1 << 20);
  unsigned t = 0;
  for (int i = (1 << 20) + 63; i >= 64; i -= 4099) t += dst[i];
  printf("tail %u\n", t);
  unsigned char *h = malloc(300000);
  memcpy(h, dst + 100, 300000);
  SHOW("heap", h, 300000);
  free(h);
  return 0;
}
