// A struct passed by value is copied at the call by code generation, outside
// the IR: the sanitizer checks that read as a range at the call.
// RUN: %clang19 %san_flags -O0 %s -o %t %san_link
// RUN: not %run %t 2>&1 | %FileCheck %s
// RUN: %run %t synced 2>&1 | %FileCheck %s --check-prefix=CLEAN
// RUN: %clang19 %san_flags -O2 %s -o %t2 %san_link
// RUN: not %run %t2 2>&1 | %FileCheck %s
#include <stdio.h>
#include <string.h>
#include "copier.h"

struct big { int v[1024]; };
static struct big a, b;

__attribute__((noinline)) static int last(struct big x) { return x.v[1023]; }

int main(int argc, char **argv) {
  for (int i = 0; i < 1024; i++) a.v[i] = i + 1;
  amemcpy(&b, &a, sizeof b);
  if (argc > 1)
    csync(&b, sizeof b);
  // CHECK: ERROR: CopierSanitizer: read-of-in-flight-destination
  // CHECK: byval.c:[[@LINE+1]]
  int r = last(b);
  csync_all();
  // CLEAN: result 1024
  // CLEAN-NOT: CopierSanitizer
  printf("result %d\n", r);
  return 0;
}
