// The submitting stack is recorded by a frame-pointer walk on every copy
// (cheap enough for millions of small copies): it must still name every
// caller, innermost first, at -O0 and -O2.
// RUN: %clang19 %san_flags -O0 %s -o %t %san_link
// RUN: not %run %t 2>&1 | %FileCheck %s
// RUN: %clang19 %san_flags -O2 %s -o %t2 %san_link
// RUN: not %run %t2 2>&1 | %FileCheck %s
#include <stdio.h>
#include <stdlib.h>
#include "copier.h"

static char src[300], dst[300];

__attribute__((noinline)) void submit_inner(size_t n) {
  amemcpy(dst, src, n); // SUBMIT
  __asm__ volatile("" ::: "memory");
}
__attribute__((noinline)) void submit_outer(size_t n) {
  submit_inner(n);
  __asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv) {
  (void)argv;
  submit_outer(200 + (size_t)argc);
  // CHECK: ERROR: CopierSanitizer: read-of-in-flight-destination
  // CHECK: The copy was submitted by thread T0 here:
  // CHECK-NEXT: #0 {{.*}} in submit_inner {{.*}}submit-stack.c:15
  // CHECK-NEXT: #1 {{.*}} in submit_outer {{.*}}submit-stack.c:19
  // CHECK-NEXT: #2 {{.*}} in main {{.*}}submit-stack.c:25
  printf("%d\n", dst[7]);
  csync_all();
  return 0;
}
