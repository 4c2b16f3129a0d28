/* Copies into and out of heap buffers that are freed or reallocated right
 * after: free(dst), free(src), realloc growing and shrinking, calloc. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

int main(void) {
  unsigned long acc = 0;
  for (int round = 0; round < 40; round++) {
    size_t n = 1000 + (size_t)round * 7919;
    unsigned char *a = malloc(n), *b = malloc(n);
    fill(a, n, (uint32_t)round);
    memcpy(b, a, n);
    free(a);                                  /* free the source */
    a = malloc(n);                            /* likely the same block again */
    memset(a, 0x11, n);
    acc = acc * 3 + fnv(b, n);
    memcpy(a, b, n / 2);
    free(b);                                  /* free the source again */
    acc += a[n / 2 - 1] + a[n / 2];
    free(a);
  }
  printf("acc %lu\n", acc);

  /* copy into a buffer, then grow it with realloc (which itself copies) */
  size_t len = 0, cap = 16;
  char *buf = malloc(cap);
  char chunk[3000];
  for (int i = 0; i < 200; i++) {
    size_t k = 1 + (size_t)(i * 37) % sizeof chunk;
    fill(chunk, k, (uint32_t)i);
    while (len + k > cap) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
    memcpy(buf + len, chunk, k);
    len += k;
  }
  SHOW("grown", buf, len);
  memcpy(buf, buf + len / 2, len / 4);
  buf = realloc(buf, len / 4);                /* shrink right after a copy */
  SHOW("shrunk", buf, len / 4);
  free(buf);

  /* copy then free the destination without reading it */
  char *tmp = malloc(1 << 20), *src = calloc(1, 1 << 20);
  memcpy(tmp, src, 1 << 20);
  free(tmp);
  memcpy(src, chunk, sizeof chunk);
  SHOW("src", src, sizeof chunk);
  free(src);
  return 0;
}
