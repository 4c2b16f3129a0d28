// libc functions the compiler does not see reading or writing in-flight bytes.
// RUN: %clang19 %san_flags -O0 %s -o %t %san_link
// RUN: not %run %t strlen 2>&1 | %FileCheck %s -DFN=strlen -DACC=READ -DLINE=30
// RUN: not %run %t memcmp 2>&1 | %FileCheck %s -DFN=memcmp -DACC=READ -DLINE=31
// RUN: not %run %t strcpy 2>&1 | %FileCheck %s -DFN=strcpy -DACC=WRITE -DLINE=32
// RUN: not %run %t fwrite 2>&1 | %FileCheck %s -DFN=fwrite -DACC=READ -DLINE=33
// RUN: not %run %t qsort 2>&1 | %FileCheck %s -DFN=qsort -DACC=WRITE -DLINE=34
// RUN: not %run %t strcpysrc 2>&1 | %FileCheck %s -DFN=strcpy -DACC=WRITE -DLINE=35 --check-prefix=SRC
// RUN: not %run %t printf 2>&1 | %FileCheck %s -DFN=printf -DACC=READ -DLINE=37
// RUN: not %run %t fprintf 2>&1 | %FileCheck %s -DFN=fprintf -DACC=READ -DLINE=38 --check-prefix=PREC
// RUN: %run %t none 2>&1 | %FileCheck %s --check-prefix=CLEAN
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "copier.h"

static int cmp(const void *a, const void *b) { return *(const char *)a - *(const char *)b; }
size_t (*volatile my_strlen)(const char *) = strlen;
int (*volatile my_memcmp)(const void *, const void *, size_t) = memcmp;
char *(*volatile my_strcpy)(char *, const char *) = strcpy;

int main(int argc, char **argv) {
  char *src = malloc(64), *dst = malloc(64), *other = malloc(64);
  memset(src, 'x', 63);
  src[63] = 0;
  strcpy(other, "hello");
  amemcpy(dst, src, 64);
  const char *m = argv[1];
  size_t r = 0;
  if (!strcmp(m, "strlen")) r = my_strlen(dst);
  if (!strcmp(m, "memcmp")) r = my_memcmp(other, dst, 8);
  if (!strcmp(m, "strcpy")) my_strcpy(dst + 4, other);
  if (!strcmp(m, "fwrite")) fwrite(dst, 1, 64, stderr);
  if (!strcmp(m, "qsort")) qsort(dst, 64, 1, cmp);
  if (!strcmp(m, "strcpysrc")) my_strcpy(src + 10, other);
  if (!strcmp(m, "none")) { r = my_strlen(src) + my_memcmp(src, other, 4); qsort(other, 5, 1, cmp); }
  if (!strcmp(m, "printf")) printf("%d %5.2f %-3ld %s|%.3s|%p %s\n", 1, 2.0, 3L, other, src, (void *)src, dst + 1);
  if (!strcmp(m, "fprintf")) fprintf(stderr, "%*d %Lf %.*s\n", 3, 4, (long double)1, 2, dst + 62);
  if (!strcmp(m, "none")) printf("%d %5.2f %-3ld %s|%.3s|%p %zu\n", 1, 2.0, 3L, other, src, (void *)src, r);
  csync(dst, 64);
  printf("r=%zu\n", r);
  return 0;
}
// CHECK: ERROR: CopierSanitizer: libc-access-of-in-flight-buffer on address
// CHECK-NEXT: [[ACC]] of size {{[0-9]+}} at 0x{{[0-9a-f]+}} by [[FN]]() thread T0
// CHECK-NEXT: #0 {{.*}} in main {{.*}}libc.c:[[LINE]]
// CHECK: in-flight destination
// CHECK: Fix: insert csync(dst, 64) before {{.*}}libc.c:[[LINE]]
// SRC: ERROR: CopierSanitizer: libc-access-of-in-flight-buffer on address
// SRC-NEXT: [[ACC]] of size 6 at 0x{{[0-9a-f]+}} by [[FN]]() thread T0
// SRC-NEXT: #0 {{.*}} in main {{.*}}libc.c:[[LINE]]
// SRC: is byte 10 of a 64-byte in-flight source
// PREC: ERROR: CopierSanitizer: libc-access-of-in-flight-buffer on address
// PREC-NEXT: READ of size 2 at 0x{{[0-9a-f]+}} by fprintf() thread T0
// PREC: is byte 62 of a 64-byte in-flight destination
// CLEAN-NOT: CopierSanitizer
// CLEAN: 1 2.00 3 ehllo|xxx|0x
// CLEAN-NOT: CopierSanitizer
// CLEAN: r=
