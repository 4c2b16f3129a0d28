// Differential: the same output with and without CopierGen, at -O0 and -O2,
// linked against the engine (copier-min-size=0 converts every copy).
// REQUIRES: copier-build
// RUN: %clang19 -O0 %s -o %t.ref && %t.ref > %t.ref.out
// RUN: %clang19 -O0 -fpass-plugin=%plugin -fplugin=%plugin -mllvm -copier-min-size=0 %s -L%copier_lib -lcopier -Wl,-rpath,%copier_lib -pthread -o %t.o0 && %t.o0 > %t.o0.out
// RUN: %clang19 -O2 -fpass-plugin=%plugin -fplugin=%plugin -mllvm -copier-min-size=0 %s -L%copier_lib -lcopier -Wl,-rpath,%copier_lib -pthread -o %t.o2 && %t.o2 > %t.o2.out
// RUN: cmp %t.ref.out %t.o0.out
// RUN: cmp %t.ref.out %t.o2.out
// RUN: %FileCheck %s < %t.o2.out
// CHECK: total
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rec { int id; char name[60]; double v[8]; };
static jmp_buf jb;

static long consume(const unsigned char *b, size_t n) {
  long s = 0;
  for (size_t i = 0; i < n; i++) s = s * 31 + b[i];
  return s;
}
__attribute__((noinline)) static void bail(int x) { if (x) longjmp(jb, 1); }

int main(int argc, char **argv) {
  size_t n = (1u << 20) + (size_t)argc * 13;
  unsigned char *a = malloc(n), *b = malloc(n), *c = malloc(n);
  for (size_t i = 0; i < n; i++) a[i] = (unsigned char)(i * 7 + 3);
  memcpy(b, a, n);                       /* consumed by a loop */
  long s1 = consume(b, n);
  memcpy(c, b, n / 2);                   /* chained */
  memmove(c + 1, c, n / 2);              /* overlapping */
  long s2 = consume(c, n / 2 + 1);
  memcpy(a, c, n / 4);                   /* source written next */
  c[0] ^= 0x5a;
  long s3 = consume(a, n / 4) + c[0];
  struct rec r[64], q[64];
  for (int i = 0; i < 64; i++) { r[i].id = i; snprintf(r[i].name, sizeof r[i].name, "r%d", i); r[i].v[i % 8] = i * 0.5; }
  memcpy(q, r, sizeof r);
  long s4 = 0;
  for (int i = 0; i < 64; i++) s4 += q[i].id + (long)q[i].v[i % 8] + q[i].name[1];
  unsigned char stackbuf[16384];
  volatile int done = 0;
  if (!setjmp(jb)) {
    memcpy(stackbuf, a, sizeof stackbuf);
    bail(argc);                           /* longjmps past the copy */
  } else {
    done = 1;
  }
  long s5 = consume(stackbuf, sizeof stackbuf) + done;
  char *d = realloc(b, n * 2);
  long s6 = consume((unsigned char *)d, n);
  printf("total %ld %ld %ld %ld %ld %ld\n", s1, s2, s3, s4, s5, s6);
  free(a); free(c); free(d);
  return 0;
}
