// Checks hoisted out of dense loops stay exact: the walk up to the byte just
// before an in-flight range is clean, one byte further is reported (at the
// loop's line), in both directions; a loop that exits early before the
// in-flight bytes is clean; unrolled and vectorized walks are covered.
// RUN: %clang19 %san_flags -O2 %s -o %t %san_link
// RUN: %run %t clean 2>&1 | %FileCheck %s --check-prefix=CLEAN
// RUN: not %run %t up 2>&1 | %FileCheck %s -DLINE=18 -DACC=READ -DBYTE=0
// RUN: not %run %t down 2>&1 | %FileCheck %s -DLINE=23 -DACC=READ -DBYTE=998
// RUN: not %run %t fill 2>&1 | %FileCheck %s -DLINE=27 -DACC=WRITE -DBYTE=0
// RUN: %clang19 %san_flags -O2 -S -emit-llvm %s -o - | %FileCheck %s --check-prefix=IR
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "copier.h"

__attribute__((noinline)) unsigned up(const unsigned char *p, long n) {
  unsigned h = 0;
  for (long i = 0; i < n; i++) h = h * 31 + p[i];
  return h;
}
__attribute__((noinline)) unsigned down(const unsigned char *p, long n) {
  unsigned h = 0;
  for (long i = n - 1; i >= 0; i--) h = h * 31 + p[i];
  return h;
}
__attribute__((noinline)) void fill(int *p, long n) {
  for (long i = 0; i < n; i++) p[i] = (int)i;
}
__attribute__((noinline)) long until_zero(const char *p) {
  long i = 0;
  while (p[i]) i++;
  return i;
}

int main(int argc, char **argv) {
  unsigned char *buf = malloc(4096), *src = calloc(1, 4096);
  memset(buf, 1, 4096);
  buf[1000] = 0;
  amemcpy(buf + 2001, src, 999);                  /* bytes [2001, 3000) in flight */
  unsigned r = 0;
  if (!strcmp(argv[1], "clean")) {
    r = up(buf, 2001) + down(buf + 3000, 1096) + (unsigned)until_zero((char *)buf);
    fill((int *)(buf + 3000), 274);
  }
  if (!strcmp(argv[1], "up")) r = up(buf, 2002);
  if (!strcmp(argv[1], "down")) r = down(buf + 2999, 100);
  if (!strcmp(argv[1], "fill")) fill((int *)(buf + 1000), 251);
  csync(buf + 2001, 999);
  printf("r=%u\n", r);
  return 0;
}
// CLEAN-NOT: CopierSanitizer
// CLEAN: r=
// CHECK: ERROR: CopierSanitizer: {{read|write}}-of-in-flight-destination on address
// CHECK-NEXT: [[ACC]] of size
// CHECK-NEXT: #0 {{.*}}loop-hoist.c:[[LINE]]
// CHECK: is byte [[BYTE]] of a 999-byte in-flight destination
// IR-LABEL: define {{.*}} @up(
// IR: call void @__copier_san_load_range(
// IR-LABEL: define {{.*}} @fill(
// IR: call void @__copier_san_store_range(
// IR-LABEL: define {{.*}} @until_zero(
// IR-NOT: _range
// IR: call void @__copier_san_load(
