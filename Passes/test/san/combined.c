// With -fsanitize=undefined both sanitizers work in one program; with
// -fsanitize=address the runtime refuses clearly (both need the same shadow
// range and the same interceptors).
// RUN: %clang19 %san_flags -O1 -fsanitize=undefined %s -o %t.ub %san_link
// RUN: %run %t.ub ok 2>&1 | %FileCheck %s --check-prefix=CLEAN
// RUN: not %run %t.ub bug 2>&1 | %FileCheck %s --check-prefix=BUG
// RUN: %run %t.ub ub 2>&1 | %FileCheck %s --check-prefix=UB
// RUN: %clang19 %san_flags -O1 -fsanitize=address %s -o %t.asan %san_link
// RUN: not %run %t.asan ok 2>&1 | %FileCheck %s --check-prefix=ASAN
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "copier.h"

int main(int argc, char **argv) {
  int *src = calloc(100, sizeof(int)), *dst = malloc(100 * sizeof(int));
  amemcpy(dst, src, 100 * sizeof(int));
  int v = 0;
  if (!strcmp(argv[1], "bug")) v = ((volatile int *)dst)[50];
  csync(dst, 100 * sizeof(int));
  if (!strcmp(argv[1], "ub")) { volatile int big = INT_MAX; v = big + argc; }
  printf("v=%d\n", v + dst[1]);
  return 0;
}
// CLEAN-NOT: CopierSanitizer
// CLEAN: v=0
// BUG: ERROR: CopierSanitizer: read-of-in-flight-destination
// BUG: #0 {{.*}}combined.c:20
// UB: combined.c:22:{{[0-9]+}}: runtime error: signed integer overflow
// ASAN: CopierSanitizer: -fsanitize=copier cannot be combined with -fsanitize=address
