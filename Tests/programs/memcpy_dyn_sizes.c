/* memcpy with sizes known only at run time: 0, small, 4 KiB, 64 KiB, 1 MiB+. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

__attribute__((noinline)) static size_t pick(int i, int argc) {
  static const size_t sizes[] = {0, 1, 7, 15, 33, 255, 4096, 4097, 65536, 65535, 1 << 20, (1 << 20) + 4321};
  return sizes[i % 12] * (size_t)argc;
}

__attribute__((noinline)) static void copy_n(void *d, const void *s, size_t n) { memcpy(d, s, n); }

int main(int argc, char **argv) {
  (void)argv;
  size_t cap = (2u << 20);
  unsigned char *s = malloc(cap), *d = malloc(cap);
  fill(s, cap, 2);
  memset(d, 0xee, cap);
  for (int i = 0; i < 24; i++) {
    size_t n = pick(i, argc);
    size_t off = (size_t)(i * 13) % 64;
    memcpy(d + off, s + i, n);
    printf("n=%zu first=%u last=%u sum=%016llx\n", n, d[off], n ? d[off + n - 1] : 0u,
           (unsigned long long)fnv(d, n + off + 1));
  }
  for (int i = 0; i < 12; i++) {
    size_t n = pick(i, argc);
    copy_n(d, s + 100 + i, n);
    d[0] ^= 0x5a;  /* write the destination right after */
    SHOW("via", d, n + 1);
  }
  free(s);
  free(d);
  return 0;
}
