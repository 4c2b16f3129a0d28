// Remarks through clang-19 with the pass plugin, at -O0 and -O2: converted
// copies, csyncs with the access that forced them, pipelined loops, missed.
// RUN: %clang19 -O2 -fpass-plugin=%plugin -Rpass=copier -Rpass-missed=copier -c %s -o /dev/null 2>&1 | %FileCheck %s
// RUN: %clang19 -O0 -fpass-plugin=%plugin -Rpass=copier -Rpass-missed=copier -c %s -o /dev/null 2>&1 | %FileCheck %s --check-prefix=O0
// RUN: %clang19 -O2 -g -fpass-plugin=%plugin -fsave-optimization-record -foptimization-record-passes=copier -foptimization-record-file=%t.yaml -c %s -o /dev/null
// RUN: %FileCheck %s --check-prefix=YAML < %t.yaml
#include <string.h>

struct small { int a, b, c; };

long sum(char *dst, const char *src, unsigned long n) {
  memcpy(dst, src, n);
  long s = 0;
  for (unsigned long i = 0; i < n; i++)
    s += dst[i];
  return s;
}

void assign(struct small *x, const struct small *y) { *x = *y; }

void big(char (*dst)[8192], const char (*src)[8192]) {
  memcpy(*dst, *src, sizeof *src);
}

/* Nothing runs between the copy above and its csync: it stays memcpy. */
int scale(int) __attribute__((const));
int big_then_work(char (*dst)[8192], const char (*src)[8192], int k) {
  memcpy(*dst, *src, sizeof *src);
  return scale(k);
}

// CHECK: clang-remarks.c:12:3: remark: memcpy of unknown bytes made asynchronous
// CHECK: remark: per-segment csync for copy at {{.*}}clang-remarks.c:12:3: read-of-destination
// CHECK: remark: loop consumes the copy at {{.*}}clang-remarks.c:12:3 one 65536-byte segment at a time
// CHECK: clang-remarks.c:22:3: remark: memcpy of 8192 bytes not converted: used-immediately
// CHECK: clang-remarks.c:28:3: remark: memcpy of 8192 bytes made asynchronous
// CHECK: clang-remarks.c:29:3: remark: csync for copy at {{.*}}clang-remarks.c:28:3: function-exit (ret)
// O0: clang-remarks.c:12:3: remark: memcpy of unknown bytes made asynchronous
// O0: clang-remarks.c:19:{{[0-9]+}}: remark: memcpy of 12 bytes not converted: too-small
// YAML: --- !Passed
// YAML-NEXT: Pass: copier
// YAML-NEXT: Name: Converted
