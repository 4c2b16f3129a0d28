// CopierGen and CopierSanitizer together: CopierGen's rewritten copies and
// csync placement run with zero reports and the same output as plain clang.
// RUN: %clang19 %san_genflags -O2 %s -o %t %san_link
// RUN: %run %t 2>&1 | %FileCheck %s
// RUN: %clang19 %san_genflags -O0 %s -o %t.O0 %san_link
// RUN: %run %t.O0 2>&1 | %FileCheck %s
// RUN: %clang19 -O2 %s -o %t.ref
// RUN: %run %t.ref 2>&1 | %FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct msg { char hdr[16]; char body[4000]; };

__attribute__((noinline)) static unsigned long digest(const char *p, size_t n) {
  unsigned long h = 5381;
  for (size_t i = 0; i < n; i++) h = h * 33 + (unsigned char)p[i];
  return h;
}

int main(void) {
  enum { N = 64 };
  struct msg *in = malloc(N * sizeof *in), *out = malloc(N * sizeof *out);
  for (int i = 0; i < N; i++) {
    memset(in[i].hdr, 'h' + i % 3, sizeof in[i].hdr);
    for (int j = 0; j < 4000; j++) in[i].body[j] = (char)(i * 31 + j);
  }
  unsigned long h = 0;
  for (int i = 0; i < N; i++) {
    memcpy(out[i].body, in[i].body, sizeof in[i].body);
    h += digest(in[i].hdr, 16);          /* independent work while the copy runs */
    out[i].body[0] ^= 1;
    h += digest(out[i].body, sizeof out[i].body);
  }
  char *buf = malloc(1 << 20), *copy = malloc(1 << 20);
  for (int i = 0; i < (1 << 20); i++) buf[i] = (char)(i >> 3);
  memcpy(copy, buf, 1 << 20);
  buf[7] = 0;
  h += digest(copy, 1 << 20);
  printf("digest %lu\n", h);
  free(in); free(out); free(buf); free(copy);
  return 0;
}
// CHECK-NOT: CopierSanitizer
// CHECK: digest [[H:[0-9]+]]
