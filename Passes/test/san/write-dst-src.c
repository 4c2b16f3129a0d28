// Writes: to an in-flight destination and to an in-flight source are bugs;
// reading a source is legal; after csync of the destination both are clean.
// RUN: %clang19 %san_flags -O0 %s -o %t %san_link
// RUN: not %run %t dst 2>&1 | %FileCheck %s --check-prefix=DST
// RUN: not %run %t src 2>&1 | %FileCheck %s --check-prefix=SRC
// RUN: %run %t readsrc 2>&1 | %FileCheck %s --check-prefix=CLEAN
// RUN: %run %t synced 2>&1 | %FileCheck %s --check-prefix=CLEAN
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "copier.h"

int main(int argc, char **argv) {
  int *src = malloc(1013 * sizeof(int)), *dst = malloc(1013 * sizeof(int));
  for (int i = 0; i < 1013; i++) src[i] = i;
  amemcpy(dst, src, 1013 * sizeof(int));
  long sum = 0;
  if (!strcmp(argv[1], "dst")) dst[3] = 7;
  if (!strcmp(argv[1], "src")) src[5] = 9;
  if (!strcmp(argv[1], "readsrc")) for (int i = 0; i < 1013; i++) sum += src[i];
  if (!strcmp(argv[1], "synced")) { csync(dst, 1013 * sizeof(int)); src[5] = 9; dst[3] = 7; }
  csync(dst, 1013 * sizeof(int));
  for (int i = 0; i < 1013; i++) sum += dst[i];
  printf("sum %ld\n", sum);
  return 0;
}
// DST: ERROR: CopierSanitizer: write-of-in-flight-destination on address
// DST-NEXT: WRITE of size 4 at
// DST-NEXT: #0 {{.*}} in main {{.*}}write-dst-src.c:18
// DST: is byte 12 of a 4052-byte in-flight destination
// DST: Fix: insert csync(dst, 4052) before {{.*}}write-dst-src.c:18
// SRC: ERROR: CopierSanitizer: write-of-in-flight-source on address
// SRC-NEXT: WRITE of size 4 at
// SRC-NEXT: #0 {{.*}} in main {{.*}}write-dst-src.c:19
// SRC: is byte 20 of a 4052-byte in-flight source
// SRC: The copy was submitted by thread T0 here:
// SRC-NEXT: #0 {{.*}} in main {{.*}}write-dst-src.c:16
// SRC: Fix: insert csync(dst, 4052) before {{.*}}write-dst-src.c:19
// CLEAN-NOT: CopierSanitizer
// CLEAN: sum
