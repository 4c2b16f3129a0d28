// Every check the pass leaves out is provably redundant: the bug each
// elision rule could hide is still reported, at the right line.
//  - redundant check dropped, but not across a call that submits a copy,
//    even through a function defined in the module (quiet calls are fine);
//  - not across an acquire that makes another thread's copy visible;
//  - a store's check made by the load before it: each reported at its line;
//  - a page-summary byte shared by accesses within 16 bytes off one base,
//    even across a page boundary;
//  - loops versioned on bounded ranges: the unchecked clone runs only when
//    nothing in its ranges is in flight.
// RUN: %clang19 %san_flags -O2 %s -o %t %san_link
// RUN: not %run %t call 2>&1 | %FileCheck %s --check-prefix=CALL
// RUN: not %run %t nested 2>&1 | %FileCheck %s --check-prefix=NESTED
// RUN: not %run %t acquire 2>&1 | %FileCheck %s --check-prefix=ACQ
// RUN: not %run %t fold-src 2>&1 | %FileCheck %s --check-prefix=FOLDS
// RUN: not %run %t fold-dst 2>&1 | %FileCheck %s --check-prefix=FOLDD
// RUN: not %run %t fields 2>&1 | %FileCheck %s --check-prefix=FIELDS
// RUN: not %run %t fields-far 2>&1 | %FileCheck %s --check-prefix=FAR
// RUN: %run %t probe-elsewhere 2>&1 | %FileCheck %s --check-prefix=CLEAN
// RUN: %run %t probe-untouched 2>&1 | %FileCheck %s --check-prefix=CLEAN
// RUN: not %run %t probe-hit 2>&1 | %FileCheck %s --check-prefix=PROBE
// RUN: %clang19 %san_flags -O2 -S -emit-llvm %s -o - | %FileCheck %s --check-prefix=IR
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "copier.h"

__attribute__((noinline)) int reread(int *p, int *src) {
  int a = p[5];
  amemcpy(p, src, 64);              // p[5] is now in flight
  return a + p[5];                  // reported
}

__attribute__((noinline)) static void submit(int *p, int *src) { amemcpy(p, src, 64); }
__attribute__((noinline)) static int triple(int x) { return 3 * x; }
__attribute__((noinline)) int reread_nested(int *p, int *src) {
  int a = triple(p[5]);             // a quiet call: p[5]'s check stays valid
  submit(p, src);                   // a defined function that submits a copy
  return a + p[5];                  // reported
}

static int *shared;
static atomic_int go, ready;
static void *submitter(void *arg) {
  while (!atomic_load_explicit(&go, memory_order_acquire)) {}
  amemcpy(shared, arg, 64);
  atomic_store_explicit(&ready, 1, memory_order_release);
  while (atomic_load_explicit(&go, memory_order_acquire) != 2) {}
  csync_all();
  return 0;
}
__attribute__((noinline)) int acquire_then_read(int *p) {
  int a = p[3];
  atomic_store_explicit(&go, 1, memory_order_release);
  while (!atomic_load_explicit(&ready, memory_order_acquire)) {}
  return a + p[3];                  // reported (another thread's copy)
}

__attribute__((noinline)) void scale(int *p) {
  int v = p[3];                     // a read (legal for a source)
  v = v * 2 + 1;
  p[3] = v;                         // a write
}

struct rec { int a, b, c; };
__attribute__((noinline)) int fields(struct rec *r) {
  int x = r->a;
  return x + r->c;                  // shares r->a's page byte
}

struct big { int head; char gap[1996]; int tail; };
__attribute__((noinline)) int far_fields(struct big *b) {
  int x = b->head;
  return x + b->tail;               // one group test: the summaries of both pages
}

enum { CAP = 1 << 12 };
__attribute__((noinline)) unsigned long probe(const unsigned long *keys, unsigned long n) {
  unsigned long found = 0;
  for (unsigned long i = 1; i <= n; i++) {
    unsigned long k = i * 0x9E3779B97F4A7C15ull, s = (k >> 40) & (CAP - 1);
    while (keys[s] && keys[s] != k) s = (s + 1) & (CAP - 1);
    found += keys[s] == k;
  }
  return found;
}

int main(int argc, char **argv) {
  int *buf = calloc(64, 4), *src = calloc(64, 4);
  const char *m = argv[1];
  int r = 0;
  if (!strcmp(m, "call")) r = reread(buf, src);
  if (!strcmp(m, "nested")) r = reread_nested(buf, src);
  if (!strcmp(m, "acquire")) {
    pthread_t t;
    shared = buf;
    pthread_create(&t, 0, submitter, src);
    r = acquire_then_read(buf);
    atomic_store(&go, 2);
    pthread_join(t, 0);
  }
  if (!strcmp(m, "fold-src")) { amemcpy(src, buf, 64); scale(buf); }
  if (!strcmp(m, "fold-dst")) { amemcpy(buf, src, 64); scale(buf); }
  if (!strcmp(m, "fields")) {
    // r->c lies on the next page: r->a's page byte still answers for it.
    char *page = aligned_alloc(4096, 8192);
    struct rec *rec = (struct rec *)(page + 4096 - 8);
    rec->a = 0;
    amemcpy(&rec->c, src, 4);
    r = fields(rec);
  }
  if (!strcmp(m, "fields-far")) {
    // b->tail lies on the next page, 2000 bytes after b->head.
    char *page = aligned_alloc(4096, 8192);
    struct big *b = (struct big *)(page + 4096 - 100);
    b->head = 0;
    amemcpy(&b->tail, src, 4);
    r = far_fields(b);
  }
  if (!strncmp(m, "probe", 5)) {
    unsigned long *keys = calloc(CAP + 64, sizeof *keys), *other = calloc(CAP, sizeof *keys);
    for (unsigned long i = 1; i <= 1000; i++) {
      unsigned long k = i * 0x9E3779B97F4A7C15ull, s = (k >> 40) & (CAP - 1);
      while (keys[s]) s = (s + 1) & (CAP - 1);
      keys[s] = k;
    }
    if (!strcmp(m, "probe-elsewhere")) amemcpy(other, keys, 64);       // not in the table
    if (!strcmp(m, "probe-untouched")) amemcpy(keys + CAP, other, 64); // past every slot
    if (!strcmp(m, "probe-hit")) amemcpy(keys + 100, other + 100, 64); // slots it reads
    r = (int)probe(keys, 2000);
    csync_all();
  }
  csync_all();
  printf("r=%d\n", r);
  return 0;
}
// CALL: ERROR: CopierSanitizer: read-of-in-flight-destination
// CALL-NEXT: READ of size 4
// CALL-NEXT: #0 {{.*}} in reread {{.*}}elide.c:33
// NESTED: ERROR: CopierSanitizer: read-of-in-flight-destination
// NESTED-NEXT: READ of size 4
// NESTED-NEXT: #0 {{.*}} in reread_nested {{.*}}elide.c:41
// ACQ: ERROR: CopierSanitizer: read-of-in-flight-destination
// ACQ-NEXT: READ of size 4 {{.*}} thread T0
// ACQ-NEXT: #0 {{.*}} in acquire_then_read {{.*}}elide.c:58
// ACQ: The copy was submitted by thread T1 here:
// FOLDS: ERROR: CopierSanitizer: write-of-in-flight-source
// FOLDS-NEXT: WRITE of size 4
// FOLDS-NEXT: #0 {{.*}} in scale {{.*}}elide.c:64
// FOLDS: is byte 12 of a 64-byte in-flight source
// FOLDD: ERROR: CopierSanitizer: read-of-in-flight-destination
// FOLDD-NEXT: READ of size 4
// FOLDD-NEXT: #0 {{.*}} in scale {{.*}}elide.c:62
// FIELDS: ERROR: CopierSanitizer: read-of-in-flight-destination
// FIELDS-NEXT: READ of size 4
// FIELDS-NEXT: #0 {{.*}} in fields {{.*}}elide.c:70
// FIELDS: is byte 0 of a 4-byte in-flight destination
// FAR: ERROR: CopierSanitizer: read-of-in-flight-destination
// FAR-NEXT: READ of size 4
// FAR-NEXT: #0 {{.*}} in far_fields {{.*}}elide.c:76
// CLEAN-NOT: CopierSanitizer
// CLEAN: r=
// PROBE: ERROR: CopierSanitizer: read-of-in-flight-destination
// PROBE-NEXT: READ of size 8
// PROBE-NEXT: #0 {{.*}} in probe {{.*}}elide.c:{{84|85}}
// IR-LABEL: define {{.*}} @reread(
// IR-COUNT-2: call void @__copier_san_load(
// IR-LABEL: define {{.*}} @reread_nested(
// IR-COUNT-2: call void @__copier_san_load(
// IR-NOT: call void @__copier_san_load(
// IR-LABEL: define {{.*}} @acquire_then_read(
// IR-COUNT-2: call void @__copier_san_load(
// IR-LABEL: define {{.*}} @scale(
// IR: call void @__copier_san_load(ptr {{.*}}, i64 4)
// IR-NEXT: call void @__copier_san_store(ptr {{.*}}, i64 4)
// IR-NOT: __copier_san_
// IR-LABEL: define {{.*}} @fields(
// IR: lshr i64 {{.*}}, 12
// IR-NOT: lshr i64 {{.*}}, 12
// IR: call void @__copier_san_load(
// IR-NOT: lshr i64 {{.*}}, 12
// IR: call void @__copier_san_load(
// IR-LABEL: define {{.*}} @probe(
// IR: call i32 @__copier_san_range_clean(ptr {{.*}}, i64 32768, i32 0)
// IR: call void @__copier_san_load(
// (elide.ll checks the shape of the two copies)
