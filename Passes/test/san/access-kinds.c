// Every kind of access is checked: memory intrinsics (memcpy/memset of
// in-flight bytes), struct copies, atomics, vector loads at -O2, unaligned
// 8-byte loads that straddle the end of the range.
// RUN: %clang19 %san_flags -O0 %s -o %t %san_link
// RUN: not %run %t memcpy 2>&1 | %FileCheck %s -DK=read-of-in-flight-destination -DLINE=34
// RUN: not %run %t memset 2>&1 | %FileCheck %s -DK=write-of-in-flight-destination -DLINE=35
// RUN: not %run %t memcpysrc 2>&1 | %FileCheck %s -DK=write-of-in-flight-source -DLINE=36
// RUN: not %run %t atomic 2>&1 | %FileCheck %s -DK=write-of-in-flight-destination -DLINE=37
// RUN: not %run %t cas 2>&1 | %FileCheck %s -DK=write-of-in-flight-destination -DLINE=38
// RUN: not %run %t struct 2>&1 | %FileCheck %s -DK=read-of-in-flight-destination -DLINE=39
// RUN: not %run %t straddle 2>&1 | %FileCheck %s -DK=read-of-in-flight-destination -DLINE=40
// RUN: %run %t none 2>&1 | %FileCheck %s --check-prefix=CLEAN
// RUN: %clang19 %san_flags -O2 %s -o %t.O2 %san_link
// RUN: not %run %t.O2 vector 2>&1 | %FileCheck %s -DK=read-of-in-flight-destination -DLINE=25
// RUN: not %run %t.O2 atomic 2>&1 | %FileCheck %s -DK=write-of-in-flight-destination -DLINE=37
// RUN: not %run %t.O2 straddle 2>&1 | %FileCheck %s -DK=read-of-in-flight-destination -DLINE=40
// RUN: %run %t.O2 none 2>&1 | %FileCheck %s --check-prefix=CLEAN
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "copier.h"

struct big { long v[8]; };
__attribute__((noinline)) long vsum(const int *p, int n) { long s = 0; for (int i = 0; i < n; i++) s += p[i]; return s; }

int main(int argc, char **argv) {
  char *src = calloc(1, 4096), *dst = malloc(4096), *other = malloc(4096);
  struct big b;
  long r = 0;
  amemcpy(dst + 1000, src + 1000, 1001);
  const char *m = argv[1];
  char *volatile vd = dst;
  if (!strcmp(m, "memcpy")) memcpy(other, vd + 1500, 100);
  if (!strcmp(m, "memset")) memset(vd + 1990, 0, 64);
  if (!strcmp(m, "memcpysrc")) memcpy(src + 1200, other, 10);
  if (!strcmp(m, "atomic")) atomic_fetch_add((_Atomic int *)(vd + 1200), 1);
  if (!strcmp(m, "cas")) { int e = 0; atomic_compare_exchange_strong((_Atomic int *)(vd + 1204), &e, 1); }
  if (!strcmp(m, "struct")) { b = *(struct big *)(vd + 1600); r = b.v[0]; }
  if (!strcmp(m, "straddle")) { long x; memcpy(&x, vd + 1996, 8); r = x; }
  if (!strcmp(m, "vector")) r = vsum((int *)(vd + 1008), 256);
  if (!strcmp(m, "none")) { long x; memcpy(&x, vd + 2001, 8); r = x + vsum((int *)(src + 1000), 100); memcpy(other, src + 1000, 1001); }
  csync(dst + 1000, 1001);
  printf("r=%ld\n", r);
  return 0;
}
// CHECK: ERROR: CopierSanitizer: [[K]] on address
// CHECK-NEXT: {{READ|WRITE}} of size
// CHECK-NEXT: #0 {{.*}}access-kinds.c:[[LINE]]
// CHECK: of a 1001-byte in-flight
// CLEAN-NOT: CopierSanitizer
// CLEAN: r=
