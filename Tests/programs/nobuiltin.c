/* Built with -fno-builtin: copies stay calls to the libc memcpy/memmove
 * (marked nobuiltin) instead of llvm.memcpy. */
// copier-test: cflags=-fno-builtin
#include <stdlib.h>
#include <string.h>
#include "common.h"

int main(void) {
  size_t n = 1 << 20;
  unsigned char *s = malloc(n), *d = malloc(n);
  fill(s, n, 44);
  memcpy(d, s, n);
  SHOW("d", d, n);
  memmove(d + 5, d, n - 5);
  SHOW("moved", d, n);
  memcpy(s, d + 100, 70000);
  s[3] = 9;
  printf("s %u %u\n", s[0], s[69999]);
  free(s); free(d);
  return 0;
}
