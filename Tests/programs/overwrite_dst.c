/* Copy then copy again into the same or an overlapping destination before
 * any read (write-after-write), copy then memset, copy then partial copy. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define N 300000

int main(void) {
  unsigned char *s1 = malloc(N), *s2 = malloc(N), *d = malloc(N);
  fill(s1, N, 25); fill(s2, N, 26);
  memcpy(d, s1, N);
  memcpy(d, s2, N);                       /* the later copy must win */
  SHOW("waw", d, N);
  memcpy(d, s1, N);
  memcpy(d + 1000, s2, 5000);             /* a hole punched in the middle */
  SHOW("hole", d, N);
  memcpy(d, s2, N);
  memset(d + 10, 0, 100000);              /* libc write over the destination */
  SHOW("memset", d, N);
  memcpy(d, s1, N);
  for (size_t i = 0; i < N; i += 4096) d[i] = 1;  /* plain stores */
  SHOW("stores", d, N);
  memcpy(d, s1, N / 2);
  memcpy(d + N / 4, s2, N / 2);           /* overlapping destinations */
  memcpy(d + N / 8, s1 + 3, 64);
  SHOW("overlap", d, N);
  free(s1); free(s2); free(d);
  return 0;
}
