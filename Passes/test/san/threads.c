// Threads: csync and csync_all are per thread. A worker's own copies are
// legal; the parent's in-flight destination read by a worker is reported
// (with both threads named); handing it to pthread_create is reported too.
// Threads are numbered in creation order as in ASan (T0 = main), whatever
// the engine's own service threads do, and reports say who created them.
// RUN: %clang19 %san_flags -O2 %s -o %t %san_link
// RUN: %run %t ok 2>&1 | %FileCheck %s --check-prefix=CLEAN
// RUN: not %run %t race 2>&1 | %FileCheck %s --check-prefixes=RACE,RACE1
// RUN: not %run %t publish 2>&1 | %FileCheck %s --check-prefix=PUB
// RUN: not %run %t othersync 2>&1 | %FileCheck %s --check-prefixes=RACE,RACE1
// RUN: not %run %t race3 2>&1 | %FileCheck %s --check-prefixes=RACE,RACE3
// RUN: not %run %t nested 2>&1 | %FileCheck %s --check-prefix=NEST
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
static void *submitter(void *arg) {  // T1 in "nested": its child reads T1's copy
  (void)arg;
  char *d = malloc(N);
  gdst = d;
  amemcpy(d, gsrc, N);
  pthread_t t;
  pthread_create(&t, 0, reader, 0);
  pthread_join(t, 0);
  csync_all();
  return 0;
}

int main(int argc, char **argv) {
  gsrc = malloc(N);
  gdst = malloc(N);
  memset(gsrc, 3, N);
  pthread_t t[T];
  if (!strcmp(argv[1], "ok") || !strcmp(argv[1], "race3")) {
    long n = !strcmp(argv[1], "ok") ? T : 2;
    for (long i = 0; i < n; i++) pthread_create(&t[i], 0, worker, (void *)i);
    for (int i = 0; i < n; i++) pthread_join(t[i], 0);
  }
  if (!strcmp(argv[1], "nested")) { pthread_create(&t[0], 0, submitter, 0); pthread_join(t[0], 0); }
  amemcpy(gdst, gsrc, N);
  if (!strcmp(argv[1], "race") || !strcmp(argv[1], "race3")) { pthread_create(&t[0], 0, reader, 0); pthread_join(t[0], 0); }
  if (!strcmp(argv[1], "othersync")) { pthread_create(&t[0], 0, syncer, 0); pthread_join(t[0], 0); }
  if (!strcmp(argv[1], "publish")) { pthread_create(&t[0], 0, worker, gdst + 64); pthread_join(t[0], 0); }
  csync_all();
  printf("total %ld\n", results[0] + results[1] + results[2] + results[3]);
  return 0;
}
// CLEAN-NOT: CopierSanitizer
// CLEAN: total 4915200
// RACE: ERROR: CopierSanitizer: read-of-in-flight-destination on address
// The engine's service thread never takes a user number: the first thread
// main creates is T1, the third T3.
// RACE1-NEXT: READ of size 1 at 0x{{[0-9a-f]+}} thread T1{{$}}
// RACE3-NEXT: READ of size 1 at 0x{{[0-9a-f]+}} thread T3{{$}}
// RACE-NEXT: #0 {{.*}}threads.c:{{36|41}}
// RACE: The copy was submitted by thread T0 here:
// RACE-NEXT: #0 {{.*}} in main {{.*}}threads.c:66
// RACE1: Thread T1 created by T0 here:
// RACE3: Thread T3 created by T0 here:
// RACE-NEXT: #0 {{.*}} in main {{.*}}threads.c:{{67|68}}
// RACE: the submitting thread must csync or csync_all before publishing it
// PUB: ERROR: CopierSanitizer: libc-access-of-in-flight-buffer on address
// PUB-NEXT: READ of size 1 at 0x{{[0-9a-f]+}} by pthread_create() thread T0{{$}}
// PUB-NEXT: #0 {{.*}} in main {{.*}}threads.c:69
// NEST: ERROR: CopierSanitizer: read-of-in-flight-destination on address
// NEST-NEXT: READ of size 1 at 0x{{[0-9a-f]+}} thread T2{{$}}
// NEST-NEXT: #0 {{.*}} in reader {{.*}}threads.c:36
// NEST: The copy was submitted by thread T1 here:
// NEST-NEXT: #0 {{.*}} in submitter {{.*}}threads.c:47
// NEST: Thread T2 created by T1 here:
// NEST-NEXT: #0 {{.*}} in submitter {{.*}}threads.c:49
// NEST: Thread T1 created by T0 here:
// NEST-NEXT: #0 {{.*}} in main {{.*}}threads.c:65
