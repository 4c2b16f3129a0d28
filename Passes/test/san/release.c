// free/realloc/munmap of a buffer with bytes in flight (destination or source).
// RUN: %clang19 %san_flags -O0 %s -o %t %san_link
// RUN: not %run %t free 2>&1 | %FileCheck %s --check-prefixes=CHECK,FREE
// RUN: not %run %t freesrc 2>&1 | %FileCheck %s --check-prefixes=CHECK,FREESRC
// RUN: not %run %t realloc 2>&1 | %FileCheck %s --check-prefixes=CHECK,REALLOC
// RUN: not %run %t munmap 2>&1 | %FileCheck %s --check-prefixes=CHECK,MUNMAP
// RUN: %run %t ok 2>&1 | %FileCheck %s --check-prefix=CLEAN
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "copier.h"

int main(int argc, char **argv) {
  char *src = malloc(100), *dst = malloc(100);
  char *map = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(src, 1, 100);
  if (!strcmp(argv[1], "munmap")) {
    amemcpy(map + 100, src, 50);
    munmap(map, 4096);
  }
  amemcpy(dst + 10, src, 50);
  if (!strcmp(argv[1], "free")) free(dst);
  if (!strcmp(argv[1], "freesrc")) free(src);
  if (!strcmp(argv[1], "realloc")) dst = realloc(dst, 1000);
  csync(dst + 10, 50);
  free(dst);
  free(src);
  printf("released\n");
  return 0;
}
// CHECK: ERROR: CopierSanitizer: free-of-in-flight-buffer on address
// FREE-NEXT: free of 0x{{[0-9a-f]+}} ({{[0-9]+}} bytes) thread T0
// FREE-NEXT: #0 {{.*}}release.c:23
// FREE: is byte 0 of a 50-byte in-flight destination
// FREESRC-NEXT: free of
// FREESRC-NEXT: #0 {{.*}}release.c:24
// FREESRC: is byte 0 of a 50-byte in-flight source
// REALLOC-NEXT: realloc of
// REALLOC-NEXT: #0 {{.*}}release.c:25
// MUNMAP-NEXT: munmap of 0x{{[0-9a-f]+}} (4096 bytes)
// MUNMAP-NEXT: #0 {{.*}}release.c:20
// MUNMAP: is byte 0 of a 50-byte in-flight destination
// CHECK: The copy was submitted by thread T0 here:
// CLEAN-NOT: CopierSanitizer
// CLEAN: released
