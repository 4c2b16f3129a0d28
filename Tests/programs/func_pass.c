/* Buffers passed to and returned from functions in the module, directly
 * and through function pointers, right after a copy into them. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define N 70000

__attribute__((noinline)) static unsigned long consume(const unsigned char *p, size_t n) {
  unsigned long s = 0;
  for (size_t i = 0; i < n; i++) s = s * 3 + p[i];
  return s;
}
__attribute__((noinline)) static void mutate(unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i += 11) p[i] ^= 0xff;
}
__attribute__((noinline)) static unsigned char *dup(const unsigned char *p, size_t n) {
  unsigned char *d = malloc(n);
  memcpy(d, p, n);
  return d;                                   /* returned with the copy maybe in flight */
}
__attribute__((noinline)) static unsigned char *fill_into(unsigned char *d, const unsigned char *s, size_t n) {
  memcpy(d, s, n);
  return d;
}
static int only_len(const unsigned char *p, size_t n) { (void)p; return (int)n; }
static int first_byte(const unsigned char *p, size_t n) { (void)n; return p[0]; }
static int last_byte(const unsigned char *p, size_t n) { return p[n - 1]; }

typedef int (*op_t)(const unsigned char *, size_t);
static op_t ops[3] = {only_len, first_byte, last_byte};

int main(void) {
  unsigned char *src = malloc(N), *dst = malloc(N);
  fill(src, N, 9);
  memcpy(dst, src, N);
  printf("consume %lu\n", consume(dst, N));
  memcpy(dst, src + 1, N - 1);
  mutate(dst, N - 1);
  printf("mutated %lu\n", consume(dst, N - 1));
  unsigned char *d2 = dup(dst, N);
  printf("dup %lu\n", consume(d2, N));
  unsigned char *d3 = fill_into(malloc(N), d2, N);
  free(d2);
  printf("fill_into %d %d\n", d3[0], d3[N - 1]);
  for (int i = 0; i < 9; i++) {
    memcpy(dst, src + i * 100, N - 1000);
    printf("op%d %d\n", i % 3, ops[i % 3](dst, N - 1000));
  }
  volatile int which = 2;
  op_t f = ops[which];
  memcpy(d3, src + 5, N - 5);
  printf("fp %d\n", f(d3, N - 5));
  free(d3);
  free(src);
  free(dst);
  return 0;
}
