// Threads: csync and csync_all are per thread. A worker's own copies are
// legal; the parent's in-flight destination read by a worker is reported
// (with both threads named); handing it to pthread_create is reported too.
// RUN: %clang19 %san_flags -O2 %s -o %t %san_link
// RUN: %run %t ok 2>&1 | %FileCheck %s --check-prefix=CLEAN
// RUN: not %run %t race 2>&1 | %FileCheck %s --check-prefix=RACE
// RUN: not %run %t publish 2>&1 | %FileCheck %s --check-prefix=PUB
// RUN: not %run %t othersync 2>&1 | %FileCheck %s --check-prefix=RACE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "copier.h"

enum { N = 8192, T = 4 };
static char *gsrc, *gdst;
static long results[T];

static void *worker(void *arg) {
  long id = (long)arg;
  char *mine = malloc(N);
  for (int round = 0; round < 50; round++) {
    amemcpy(mine, gsrc, N);
    csync_all();
    for (int i = 0; i < N; i++) results[id] += mine[i];
  }
  free(mine);
  return 0;
}
static void *reader(void *arg) {
  (void)arg;
  return (void *)(long)gdst[100];   // reads the parent's in-flight copy
}
static void *syncer(void *arg) {
  (void)arg;
  csync(gdst, N);                   // does not sync another thread's copy
  return (void *)(long)gdst[200];
}

int main(int argc, char **argv) {
  gsrc = malloc(N);
  gdst = malloc(N);
  memset(gsrc, 3, N);
  pthread_t t[T];
  if (!strcmp(argv[1], "ok")) {
    for (long i = 0; i < T; i++) pthread_create(&t[i], 0, worker, (void *)i);
    for (int i = 0; i < T; i++) pthread_join(t[i], 0);
  }
  amemcpy(gdst, gsrc, N);
  if (!strcmp(argv[1], "race")) { pthread_create(&t[0], 0, reader, 0); pthread_join(t[0], 0); }
  if (!strcmp(argv[1], "othersync")) { pthread_create(&t[0], 0, syncer, 0); pthread_join(t[0], 0); }
  if (!strcmp(argv[1], "publish")) { pthread_create(&t[0], 0, worker, gdst + 64); pthread_join(t[0], 0); }
  csync_all();
  printf("total %ld\n", results[0] + results[1] + results[2] + results[3]);
  return 0;
}
// CLEAN-NOT: CopierSanitizer
// CLEAN: total 4915200
// RACE: ERROR: CopierSanitizer: read-of-in-flight-destination on address
// The reader is some thread other than the submitter (T0): numbers are
// given on first use, and the engine's service thread may come first.
// RACE-NEXT: READ of size 1 at 0x{{[0-9a-f]+}} thread T{{[1-9][0-9]*}}
// RACE-NEXT: #0 {{.*}}threads.c:{{32|37}}
// RACE: The copy was submitted by thread T0 here:
// RACE-NEXT: #0 {{.*}} in main {{.*}}threads.c:49
// RACE: the submitting thread must csync or csync_all before publishing it
// PUB: ERROR: CopierSanitizer: libc-access-of-in-flight-buffer on address
// PUB-NEXT: READ of size 1 at 0x{{[0-9a-f]+}} by pthread_create() thread T0
// PUB-NEXT: #0 {{.*}} in main {{.*}}threads.c:52
