/* The same bytes reached through other pointers after a copy: a second
 * pointer into the destination, a union, char access to int data,
 * pointer arithmetic from a different base, and a source that aliases
 * memory later read through another name. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

union view { unsigned u[4096]; unsigned char c[16384]; double d[2048]; };
static union view v1, v2;

__attribute__((noinline)) static unsigned char *mid(unsigned char *p) { return p + 8192; }

int main(void) {
  for (int i = 0; i < 4096; i++) v1.u[i] = (unsigned)i * 2654435761u;
  memcpy(&v2, &v1, sizeof v2);
  unsigned char *alias = mid(v2.c);
  printf("alias %u %u\n", alias[0], alias[-1]);
  printf("union %u %u %u\n", v2.c[3], v2.u[100], v2.c[401]);
  memcpy(v2.c, v1.c + 5, 10000);
  unsigned long t = 0;
  for (int i = 0; i < 2048; i++) t += (unsigned long)(v2.d[i] != v2.d[i]) + (v2.u[i] & 0xff);
  printf("mixed %lu\n", t);

  int *ints = malloc(100000 * sizeof *ints);
  int *copy = malloc(100000 * sizeof *copy);
  for (int i = 0; i < 100000; i++) ints[i] = i * 7;
  memcpy(copy, ints, 100000 * sizeof *ints);
  const char *bytes = (const char *)copy;
  long bs = 0;
  for (int i = 0; i < 400000; i += 13) bs += bytes[i];
  printf("bytes %ld\n", bs);
  int *base = copy + 50000;
  printf("base %d %d\n", base[-50000], base[49999]);
  uintptr_t addr = (uintptr_t)copy;          /* through an integer */
  memcpy(copy, ints + 1, 1000 * sizeof *ints);
  printf("int %d\n", ((int *)(addr + 4 * 999))[0]);
  free(ints); free(copy);
  return 0;
}
