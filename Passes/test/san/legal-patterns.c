// Legal uses report nothing and compute the same result as plain memcpy:
// chained copies, amemmove (overlapping), partial csync, csync per chunk in
// a loop, reads of in-flight sources, csync_all.
// RUN: %clang19 %san_flags -O0 %s -o %t %san_link
// RUN: %run %t 2>&1 | %FileCheck %s
// RUN: %clang19 %san_flags -O2 %s -o %t.O2 %san_link
// RUN: %run %t.O2 2>&1 | %FileCheck %s
// RUN: %clang19 -O2 %s -o %t.ref -DREFERENCE -I%copier_include
// RUN: %run %t.ref 2>&1 | %FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "copier.h"
#ifdef REFERENCE
#define amemcpy memcpy
#define amemmove memmove
#define csync(a, n) ((void)(a), (void)(n))
#define csync_all() ((void)0)
#endif

static unsigned long sum(const unsigned char *p, size_t n) {
  unsigned long s = 0;
  for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
  return s;
}

int main(void) {
  enum { N = 1 << 16, CH = 4096 };
  unsigned char *a = malloc(N), *b = malloc(N), *c = malloc(N);
  for (int i = 0; i < N; i++) a[i] = (unsigned char)(i * 7 + 3);
  unsigned long r = 0;
  /* chained: a -> b -> c, then sync both destinations */
  amemcpy(b, a, N);
  amemcpy(c, b, N);
  r += sum(a, N);            /* reading a source is fine */
  csync(b, N);
  csync(c, N);
  r += sum(c, N);
  /* overlapping amemmove */
  amemmove(b + 5, b, 1000);
  csync(b + 5, 1000);
  r += sum(b, 2000);
  /* partial csync: only the first half is used before the second is synced */
  amemcpy(c, a + 100, 10000);
  csync(c, 5000);
  r += sum(c, 5000);
  c[0] = 1;
  csync(c + 5000, 5000);
  r += sum(c + 5000, 5000);
  /* per-chunk csync in a loop */
  amemcpy(b, a, N);
  for (int off = 0; off < N; off += CH) {
    csync(b + off, CH);
    r += sum(b + off, CH);
    b[off] ^= 1;
  }
  /* many copies, one csync_all */
  for (int off = 0; off < N; off += 1000) amemcpy(c + off, a + off, off + 1000 <= N ? 1000 : N - off);
  csync_all();
  r += sum(c, N);
  a[0] = 9; /* the sources are writable again */
  printf("result %lu\n", r);
  free(a); free(b); free(c);
  return 0;
}
// CHECK-NOT: CopierSanitizer
// CHECK: result 2841127317223463824
