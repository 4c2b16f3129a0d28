/* Varargs functions that receive buffers and sizes through va_list and
 * copy between them; vsnprintf formatting copied strings. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

/* gather(dst, count, src1, len1, src2, len2, ...): concatenate */
__attribute__((noinline)) static size_t gather(unsigned char *dst, int count, ...) {
  va_list ap;
  va_start(ap, count);
  size_t off = 0;
  for (int i = 0; i < count; i++) {
    const unsigned char *s = va_arg(ap, const unsigned char *);
    size_t n = va_arg(ap, size_t);
    memcpy(dst + off, s, n);
    off += n;
  }
  va_end(ap);
  return off;
}

__attribute__((noinline)) static void vlog(char *out, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, cap, fmt, ap);
  va_end(ap);
}

__attribute__((noinline)) static uint64_t sum_all(int count, ...) {
  va_list ap, ap2;
  va_start(ap, count);
  va_copy(ap2, ap);                   /* va_copy itself is a small memcpy */
  uint64_t h = 0;
  for (int i = 0; i < count; i++) {
    const unsigned char *p = va_arg(ap, const unsigned char *);
    h = h * 3 + fnv(p, 1000);
  }
  for (int i = 0; i < count; i++) h += *va_arg(ap2, const unsigned char *);
  va_end(ap2);
  va_end(ap);
  return h;
}

int main(void) {
  static unsigned char a[70000], b[5000], c[300];
  fill(a, sizeof a, 21); fill(b, sizeof b, 22); fill(c, sizeof c, 23);
  unsigned char *dst = malloc(80000);
  size_t n = gather(dst, 3, a, sizeof a, b, sizeof b, c, sizeof c);
  printf("gathered %zu\n", n);
  SHOW("dst", dst, n);
  n = gather(dst, 4, c, (size_t)7, b, (size_t)4096, a + 1, (size_t)65536, c, (size_t)0);
  SHOW("dst2", dst, n);
  char name[64], line[256];
  memcpy(name, "copier-varargs-test", 20);
  vlog(line, sizeof line, "%s:%d:%.3s", name, 17, name + 7);
  puts(line);
  unsigned char x[1000], y[1000];
  memcpy(x, a, sizeof x);
  memcpy(y, b, sizeof y);
  printf("sum_all %016llx\n", (unsigned long long)sum_all(2, x, y));
  free(dst);
  return 0;
}
