// A 13-byte copy to an unaligned address poisons exactly 13 bytes: its first
// and last byte are reported (with their offset), the bytes just outside are not.
// RUN: %clang19 %san_flags -O0 %s -o %t %san_link
// RUN: not %run %t 0 2>&1 | %FileCheck %s --check-prefixes=CHECK,FIRST
// RUN: not %run %t 12 2>&1 | %FileCheck %s --check-prefixes=CHECK,LAST
// RUN: %run %t 13 2>&1 | %FileCheck %s --check-prefix=CLEAN
// RUN: %run %t -1 2>&1 | %FileCheck %s --check-prefix=CLEAN
// RUN: %clang19 %san_flags -O2 %s -o %t.O2 %san_link
// RUN: not %run %t.O2 12 2>&1 | %FileCheck %s --check-prefixes=CHECK,LAST
// RUN: %run %t.O2 13 2>&1 | %FileCheck %s --check-prefix=CLEAN
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "copier.h"

int main(int argc, char **argv) {
  char *src = malloc(64), *dst = malloc(64);
  memset(src, 'a', 64);
  memset(dst, 'b', 64);
  int k = atoi(argv[1]);
  amemcpy(dst + 3, src, 13); // SUBMIT
  char c = ((volatile char *)dst)[3 + k]; // ACCESS
  csync(dst + 3, 13);
  printf("done %c %c\n", c, dst[3]);
  free(src);
  free(dst);
  return 0;
}
// CHECK: ==[[PID:[0-9]+]]==ERROR: CopierSanitizer: read-of-in-flight-destination on address 0x{{[0-9a-f]+}} at pc 0x{{[0-9a-f]+}}
// CHECK-NEXT: READ of size 1 at 0x{{[0-9a-f]+}} thread T0
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}unaligned-range.c:22
// FIRST: is byte 0 of a 13-byte in-flight destination
// LAST: is byte 12 of a 13-byte in-flight destination
// CHECK: The copy was submitted by thread T0 here:
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in main {{.*}}unaligned-range.c:21
// CHECK: Fix: insert csync(dst, 13) before {{.*}}unaligned-range.c:22
// CHECK: SUMMARY: CopierSanitizer: read-of-in-flight-destination {{.*}}unaligned-range.c:22
// CLEAN-NOT: CopierSanitizer
// CLEAN: done {{[ab]}} a
