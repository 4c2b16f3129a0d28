// COPIER_SAN_OPTIONS: halt_on_error=0 reports each distinct bug once and goes
// on; exitcode; log_path writes <path>.<pid>; symbolize=0; bad options fail clearly.
// RUN: %clang19 %san_flags -O0 %s -o %t %san_link
// RUN: env COPIER_SAN_OPTIONS=halt_on_error=0 %run %t 2>&1 | %FileCheck %s --check-prefix=RECOVER
// RUN: env COPIER_SAN_OPTIONS=exitcode=42 %run %t 2>&1; test $? -eq 42
// RUN: rm -rf %t.logs && mkdir %t.logs
// RUN: env COPIER_SAN_OPTIONS=log_path=%t.logs/san:halt_on_error=0 %run %t 2>&1 | %FileCheck %s --check-prefix=QUIET
// RUN: cat %t.logs/san.* | %FileCheck %s --check-prefix=RECOVER
// RUN: env COPIER_SAN_OPTIONS=symbolize=0 not %run %t 2>&1 | %FileCheck %s --check-prefix=RAW
// RUN: env COPIER_SAN_OPTIONS=halt_on_eror=0 not %run %t 2>&1 | %FileCheck %s --check-prefix=BAD
// RUN: env COPIER_SAN_OPTIONS=exitcode=abc not %run %t 2>&1 | %FileCheck %s --check-prefix=BADVAL
#include <stdio.h>
#include <stdlib.h>
#include "copier.h"

int main(void) {
  char *src = calloc(1, 64), *dst = malloc(64);
  long s = 0;
  amemcpy(dst, src, 64);
  for (int i = 0; i < 10; i++) {
    s += ((volatile char *)dst)[i];   // one bug, reported once
    src[i] = 1;                       // another bug, reported once
  }
  csync(dst, 64);
  printf("finished %ld\n", s);
  return 0;
}
// RECOVER: ERROR: CopierSanitizer: read-of-in-flight-destination
// RECOVER-NEXT: READ of size 1
// RECOVER-NEXT: #0 {{.*}}options.c:21
// RECOVER: ERROR: CopierSanitizer: write-of-in-flight-source
// RECOVER-NEXT: WRITE of size 1
// RECOVER-NEXT: #0 {{.*}}options.c:22
// RECOVER-NOT: ERROR: CopierSanitizer
// QUIET-NOT: CopierSanitizer
// QUIET: finished
// RAW: ERROR: CopierSanitizer: read-of-in-flight-destination
// RAW-NEXT: READ of size 1
// RAW-NEXT: #0 0x{{[0-9a-f]+}} in ({{.*}}+0x{{[0-9a-f]+}})
// BAD: ERROR: CopierSanitizer: bad COPIER_SAN_OPTIONS: unknown option 'halt_on_eror'
// BAD-NEXT: Known options: halt_on_error
// BADVAL: bad COPIER_SAN_OPTIONS: invalid value in 'exitcode'
