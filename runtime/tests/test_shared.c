/*
 * test_shared.c — waiting across processes on a shared-memory descriptor.
 *
 * A consumer process cannot copy a producer's segment itself (the source is
 * in the producer's memory), so it sleeps on the descriptor's futex word and
 * the producer's copier wakes it (task.c). These tests drive the producer's
 * side by hand through the engine's internal entry points (the static library
 * resolves hidden symbols): the descriptor is set up in shared memory, its
 * segments are completed when the test says so, and cp_segments_done is the
 * copier's wake.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "engine/internal.h"
#include "unit.h"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The producer's side of segment j: its bytes, then DONE, then the wake. */
static void complete(struct copier_descr *d, uint64_t j) {
  size_t off = j * d->gran, len = d->n - off < d->gran ? d->n - off : d->gran;
  memcpy(d->dst + off, d->src + off, len);
  atomic_store_explicit(SEG(d, j), SEG_DONE, memory_order_release);
  atomic_fetch_sub_explicit(&d->remaining, 1, memory_order_acq_rel);
  cp_segments_done(d);
}

struct region {
  char *mem;
  size_t dsz, total;
  struct copier_descr *d;
};

static int shared_region(struct region *r, size_t n, size_t gran, const char *src) {
  r->dsz = (copier_descr_size(n, gran) + 63) & ~(size_t)63;
  r->total = r->dsz + n;
  r->mem = mmap(NULL, r->total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (r->mem == MAP_FAILED) return -1;
  r->d = (struct copier_descr *)r->mem;
  cp_descr_setup(r->d, r->mem + r->dsz, src, n, gran, DF_SHARED, 1);
  r->d->owner_pid = getpid();
  return 0;
}

/* A consumer that waits half a second for a segment sleeps through it: a
 * few dozen context switches (the 10 ms timeout), not thousands of polls,
 * and almost no CPU; and it wakes promptly once the segment is done. */
int t_shared_wait_sleeps(void) {
  size_t n = 1 << 16, gran = 1 << 14;
  char *src = big(n, 51);
  struct region r;
  CHECK(shared_region(&r, n, gran, src) == 0);
  int p[2];
  CHECK(pipe(p) == 0);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    copier_descr *d = shm_descr_bind(r.mem, r.dsz);
    if (!d) _exit(2);
    struct rusage a, b;
    getrusage(RUSAGE_SELF, &a);
    if (write(p[1], "r", 1) != 1) _exit(3);
    _csync(d, 0, gran);
    uint64_t woke = now_ns();
    getrusage(RUSAGE_SELF, &b);
    if (memcmp(r.mem + r.dsz, src, gran) != 0) _exit(4);
    long switches = b.ru_nvcsw - a.ru_nvcsw;
    long cpu_us = (b.ru_utime.tv_sec - a.ru_utime.tv_sec) * 1000000L + (b.ru_utime.tv_usec - a.ru_utime.tv_usec) +
                  (b.ru_stime.tv_sec - a.ru_stime.tv_sec) * 1000000L + (b.ru_stime.tv_usec - a.ru_stime.tv_usec);
    printf("     shared_wait_sleeps: %ld context switches, %ld us CPU in a 500 ms wait\n", switches, cpu_us);
    fflush(stdout);
    if (write(p[1], &woke, sizeof woke) != (ssize_t)sizeof woke) _exit(5);
    _exit(switches < 300 && cpu_us < 20000 ? 0 : 6);
  }
  char c;
  CHECK(read(p[0], &c, 1) == 1);
  usleep(500000);
  uint64_t done_at = now_ns();
  complete(r.d, 0);
  uint64_t woke = 0;
  CHECK(read(p[0], &woke, sizeof woke) == (ssize_t)sizeof woke);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  /* Woken by the copier, not by the 10 ms timeout (generous for a busy CI). */
  CHECK(woke > done_at && woke - done_at < 5000000);
  munmap(r.mem, r.total);
  free(src);
  return 0;
}

/* Segments completed one by one, each after a short random delay, while
 * the consumer syncs them in order: every wake must arrive (a lost one shows
 * as a wait of the whole 10 ms timeout) and every byte must be right. */
int t_shared_wait_race(void) {
  size_t gran = 4096, nseg = 400, n = gran * nseg;
  char *src = big(n, 52);
  struct region r;
  CHECK(shared_region(&r, n, gran, src) == 0);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    copier_descr *d = shm_descr_bind(r.mem, r.dsz);
    if (!d) _exit(2);
    int slow = 0;
    for (size_t j = 0; j < nseg; j++) {
      uint64_t t0 = now_ns();
      _csync(d, j * gran, gran);
      if (now_ns() - t0 >= 9000000) slow++;
      if (memcmp(r.mem + r.dsz + j * gran, src + j * gran, gran) != 0) _exit(3);
    }
    printf("     shared_wait_race: %zu segments, %d waits of 9 ms or more\n", nseg, slow);
    fflush(stdout);
    _exit(slow <= (int)nseg / 50 ? 0 : 4);
  }
  uint64_t seed = 12345;
  for (size_t j = 0; j < nseg; j++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t until = now_ns() + (seed >> 33) % 40000; /* 0-40 us */
    while (now_ns() < until) cp_pause();
    complete(r.d, j);
  }
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  munmap(r.mem, r.total);
  free(src);
  return 0;
}

/* The service thread's contention probe reads the runnable-task count from
 * /proc/loadavg ("0.65 1.32 1.47 3/345 12345"); anything else is -1 (then
 * it assumes no contention and spins as before). */
int t_loadavg_parse(void) {
  CHECK(cp_parse_runnable("0.65 1.32 1.47 3/345 12345\n") == 3);
  CHECK(cp_parse_runnable("12.00 9.10 7.25 17/2048 999") == 17);
  CHECK(cp_parse_runnable("0.00 0.00 0.00 1/1 1") == 1);
  CHECK(cp_parse_runnable("") == -1);
  CHECK(cp_parse_runnable("0.65 1.32") == -1);
  CHECK(cp_parse_runnable("0.65 1.32 1.47 x/345 1") == -1);
  CHECK(cp_parse_runnable("0.65 1.32 1.47 345 1") == -1);
  /* and the real file parses on this machine */
  FILE *f = fopen("/proc/loadavg", "r");
  if (f) {
    char line[128] = "";
    CHECK(fgets(line, sizeof line, f) != NULL);
    fclose(f);
    CHECK(cp_parse_runnable(line) >= 1);
  }
  return 0;
}
