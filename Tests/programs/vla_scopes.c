/* Copies into variable-length arrays and alloca'd memory whose storage is
 * released at the end of each loop iteration or scope (stackrestore). */
#include <alloca.h>
#include <string.h>
#include "common.h"

static unsigned char src[1 << 18];

__attribute__((noinline)) static uint64_t with_alloca(size_t n, size_t off) {
  unsigned char *p = alloca(n);
  memcpy(p, src + off, n);
  return fnv(p, n);
}

int main(int argc, char **argv) {
  (void)argv;
  fill(src, sizeof src, 41);
  unsigned long acc = 0;
  for (int i = 1; i <= 40; i++) {
    size_t n = (size_t)argc * 1000 * (size_t)i;
    unsigned char vla[n];
    memcpy(vla, src + i, n);
    acc = acc * 3 + vla[n - 1] + vla[n / 2];
    {
      unsigned char inner[n / 2 + 1];
      memcpy(inner, vla + 1, n / 2);
      acc += inner[0];
    }
    unsigned char after[n];                   /* reuses the released space */
    memset(after, 0x33, n);
    acc += after[n - 1];
  }
  printf("acc %lu\n", acc);
  for (size_t k = 0; k < 5; k++) printf("alloca %016llx\n", (unsigned long long)with_alloca(4096 << k, k));
  return 0;
}
