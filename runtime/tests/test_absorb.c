/*
 * test_absorb.c — unit tests of copy absorption (engine absorb.c): a copy
 * B->C after a pending A->B reads A for the segments of B not yet copied.
 * Run by test_unit.c (segment 64k, adaptive off, sync_below 4k).
 *
 * A lazy origin is never run by a service thread, so tests that need a
 * known amount of absorption use one; the non-lazy variants check bytes
 * (and that something was absorbed when the service was slower than us).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "copier.h"
#include "unit.h"

static uint64_t absorbed(void) {
  struct copier_stats s;
  copier_get_stats(&s);
  return s.bytes_absorbed;
}

static uint64_t lazy_never(void) {
  struct copier_stats s;
  copier_get_stats(&s);
  return s.lazy_never_executed;
}

static void *dmem(size_t n, size_t gran) { return aligned_alloc(8, (copier_descr_size(n, gran) + 7) & ~(size_t)7); }

static int all_eq(const char *p, int v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (char)v) return 0;
  return 1;
}

/* A->B->C->D with nothing synced: D gets A's bytes, read from A directly;
 * then every intermediate buffer is right too. Lazy and non-lazy. */
int t_absorb_chain(void) {
  size_t n = 4 << 20;
  char *A = big(n, 40), *B = calloc(1, n), *C = calloc(1, n), *D = calloc(1, n);
  void *mem = dmem(n, 0), *mem2 = dmem(n, 8192);
  uint64_t a0 = absorbed();
  copier_descr *ab = _amemcpy(mem, B, A, n, 0, COPIER_LAZY_F, NULL, NULL);
  copier_descr *bc = _amemcpy(mem2, C, B, n, 8192, COPIER_LAZY_F, NULL, NULL);
  amemcpy(D, C, n);
  uint64_t a1 = absorbed();
  /* B->C reads all of A; C->D reads all of A through B->C. */
  CHECK(a1 - a0 == 2 * n);
  csync(D, n);
  CHECK(memcmp(D, A, n) == 0);
  /* neither lazy copy ran */
  CHECK(!_cdone(ab, 0, 1) && !_cdone(bc, 0, 1) && all_eq(B, 0, n) && all_eq(C, 0, n));
  csync(C, n);
  CHECK(memcmp(C, A, n) == 0 && all_eq(B, 0, n)); /* B->C read A */
  csync(B, n);
  CHECK(memcmp(B, A, n) == 0);
  csync_all();
  /* Non-lazy: the service races the submissions; bytes are right either way. */
  memset(B, 0, n), memset(C, 0, n), memset(D, 0, n);
  a0 = absorbed();
  amemcpy(B, A, n);
  amemcpy(C, B, n);
  amemcpy(D, C, n);
  a1 = absorbed();
  csync(D, n / 2);
  CHECK(memcmp(D, A, n / 2) == 0);
  csync_all();
  CHECK(memcmp(B, A, n) == 0 && memcmp(C, A, n) == 0 && memcmp(D, A, n) == 0);
  printf("     absorb_chain: non-lazy chain absorbed %llu of %zu bytes\n", (unsigned long long)(a1 - a0), 2 * n);
  free(A), free(B), free(C), free(D), free(mem), free(mem2);
  return 0;
}

/* Partial overlaps at unaligned offsets, granularities that differ, one
 * origin segment synced and written by the program (paper Fig. 8): that
 * segment is read from B, the rest from A; past the end of A->B, from B. */
int t_absorb_partial(void) {
  size_t n = 1 << 20, extra = 64 << 10, g = 4096;
  char *A = big(n, 41), *B = big(n + extra, 42), *C = calloc(1, n), *C2 = calloc(1, 20000);
  char *Bold = malloc(n + extra), *model = malloc(n + extra);
  memcpy(Bold, B, n + extra);
  void *mem = dmem(n, g);
  copier_descr *ab = _amemcpy(mem, B, A, n, g, COPIER_LAZY_F, NULL, NULL);
  memcpy(model, A, n);
  memcpy(model + n, Bold + n, extra);
  csync(B + 2 * g + 10, 1); /* segment 2 runs: the program may write it now */
  CHECK(memcmp(B + 2 * g, A + 2 * g, g) == 0);
  memset(B + 2 * g + 100, 0x3c, 1000);
  memset(model + 2 * g + 100, 0x3c, 1000);
  uint64_t a0 = absorbed();
  amemcpy(C, B + 1000, 300000);            /* crosses the written segment */
  amemcpy(C2, B + n - 5000, 20000);        /* runs past the end of A->B */
  CHECK(absorbed() - a0 == (300000 - g) + 5000);
  csync(C, 300000);
  csync(C2, 20000);
  CHECK(memcmp(C, model + 1000, 300000) == 0);
  CHECK(memcmp(C2, model + n - 5000, 20000) == 0);
  /* Only the synced segment of A->B ran; abort discards the rest. */
  CHECK(copier_abort(ab) == n - g);
  CHECK(memcmp(B, Bold, 2 * g) == 0 && memcmp(B + 3 * g, Bold + 3 * g, n + extra - 3 * g) == 0);
  free(A), free(B), free(C), free(C2), free(Bold), free(model), free(mem);
  return 0;
}

/* The proxy pattern: a lazy A->B absorbed into B->C and never synced is
 * never executed; abort discards it and counts it. */
int t_absorb_lazy_never(void) {
  size_t n = 2 << 20;
  char *A = big(n, 43), *B = calloc(1, n), *C = calloc(1, n);
  void *mem = dmem(n, 0);
  uint64_t l0 = lazy_never(), a0 = absorbed();
  copier_descr *ab = _amemcpy(mem, B, A, n, 0, COPIER_LAZY_F, NULL, NULL);
  amemcpy(C, B, n);
  CHECK(absorbed() - a0 == n);
  usleep(2000); /* time for the service to run B->C (reading A) */
  csync(C, n);
  CHECK(memcmp(C, A, n) == 0);
  CHECK(!_cdone(ab, 0, n) && all_eq(B, 0, n));
  CHECK(copier_abort(ab) == n);
  CHECK(all_eq(B, 0, n));
  CHECK(lazy_never() == l0 + 1);
  free(A), free(B), free(C), free(mem);
  return 0;
}

/* abort of an absorbed origin before its absorber ran: the absorber reads
 * A first (the caller may reuse A once abort returns). Also when the
 * absorber is itself lazy. */
int t_absorb_abort(void) {
  size_t n = 2 << 20;
  char *A = big(n, 44), *ref = malloc(n), *B = calloc(1, n), *C = calloc(1, n), *D = calloc(1, n);
  memcpy(ref, A, n);
  void *m1 = dmem(n, 0), *m2 = dmem(n, 8192);
  copier_descr *ab = _amemcpy(m1, B, A, n, 0, COPIER_LAZY_F, NULL, NULL);
  amemcpy(C, B, n);
  CHECK(copier_abort(ab) == n);
  memset(A, 0x5a, n); /* reuse the source */
  csync(C, n);
  CHECK(memcmp(C, ref, n) == 0 && all_eq(B, 0, n));
  memcpy(A, ref, n);
  ab = _amemcpy(m1, B, A, n, 0, COPIER_LAZY_F, NULL, NULL);
  copier_descr *bd = _amemcpy(m2, D, B, n, 8192, COPIER_LAZY_F, NULL, NULL);
  CHECK(copier_abort(ab) == n);
  CHECK(_cdone(bd, 0, n)); /* the lazy absorber had to run: it reads A */
  memset(A, 0x5b, n);
  _csync(bd, 0, n);
  CHECK(memcmp(D, ref, n) == 0 && all_eq(B, 0, n));
  free(A), free(ref), free(B), free(C), free(D), free(m1), free(m2);
  return 0;
}

/* Program writes to B between A->B and B->C (after the csync the rules
 * require) are not lost: those segments are read from B. */
int t_absorb_write_between(void) {
  size_t n = 2 << 20, seg = 64 << 10;
  char *A = big(n, 45), *B = calloc(1, n), *C = calloc(1, n), *model = malloc(n);
  void *mem = dmem(n, 0);
  for (int lazy = 1; lazy >= 0; lazy--) {
    memset(B, 0, n), memset(C, 0, n);
    memcpy(model, A, n);
    if (lazy)
      _amemcpy(mem, B, A, n, 0, COPIER_LAZY_F, NULL, NULL);
    else
      amemcpy(B, A, n);
    size_t w[] = {0, 5 * seg + 77, n - 300};
    for (int i = 0; i < 3; i++) {
      csync(B + w[i], 200);
      memset(B + w[i], 0x11 * (i + 1), 200);
      memset(model + w[i], 0x11 * (i + 1), 200);
    }
    uint64_t a0 = absorbed();
    amemcpy(C, B, n);
    if (lazy) CHECK(absorbed() - a0 == n - 3 * seg);
    csync(C, n);
    CHECK(memcmp(C, model, n) == 0);
    csync_all();
    CHECK(memcmp(B, model, n) == 0);
  }
  free(A), free(B), free(C), free(model), free(mem);
  return 0;
}

/* The strict rule for writing a source: csync of the destination it is
 * copied to (B), not of A. That csync must also let the absorber finish
 * reading A. Lazy and non-lazy origins, engine- and caller-owned. */
int t_absorb_source_rule(void) {
  size_t n = 8 << 20;
  char *A = big(n, 46), *ref = malloc(n), *B = calloc(1, n), *C = calloc(1, n);
  memcpy(ref, A, n);
  void *mem = dmem(n, 16384);
  uint64_t got = 0;
  for (int k = 0; k < 3; k++) {
    memcpy(A, ref, n);
    memset(B, 0, n), memset(C, 0, n);
    uint64_t a0 = absorbed();
    if (k == 0) _amemcpy(mem, B, A, n, 0, COPIER_LAZY_F, NULL, NULL);
    if (k == 1) amemcpy(B, A, n);
    if (k == 2) _amemcpy(mem, B, A, n, 16384, 0, NULL, NULL);
    amemcpy(C, B, n);
    uint64_t a = absorbed() - a0;
    if (k == 0) CHECK(a == n);
    got += a;
    csync(B, n); /* the rule for writing A */
    CHECK(memcmp(B, ref, n) == 0);
    memset(A, 0x77, n);
    csync(C, n);
    CHECK(memcmp(C, ref, n) == 0);
    csync_all();
  }
  printf("     absorb_source_rule: absorbed %llu bytes\n", (unsigned long long)got);
  free(A), free(ref), free(B), free(C), free(mem);
  return 0;
}

static void poison(void *a) { memset(((void **)a)[0], 0x66, (size_t)(uintptr_t)((void **)a)[1]); }

/* "Free the source after the copy": A->B's handler wrecks A. It runs only
 * once A->B is done, and A->B is not done while B->C still reads A. */
int t_absorb_handler(void) {
  size_t n = 4 << 20;
  char *A = big(n, 47), *ref = malloc(n), *B = calloc(1, n), *C = calloc(1, n);
  memcpy(ref, A, n);
  void *arg[2] = {A, (void *)(uintptr_t)n};
  void *mem = dmem(n, 0);
  for (int lazy = 1; lazy >= 0; lazy--) {
    memcpy(A, ref, n);
    copier_descr *ab = _amemcpy(mem, B, A, n, 0, lazy ? COPIER_LAZY_F : 0, poison, arg);
    amemcpy(C, B, n);
    if (!lazy) {
      while (copier_poll() == 0 && !_cdone(ab, 0, n)) usleep(100);
      copier_poll();
    } else {
      _csync(ab, 0, n);
    }
    CHECK(all_eq(A, 0x66, n)); /* the handler ran */
    csync(C, n);
    CHECK(memcmp(C, ref, n) == 0 && memcmp(B, ref, n) == 0);
    csync_all();
  }
  free(A), free(ref), free(B), free(C), free(mem);
  return 0;
}

/* A held origin segment is not run by the service: it would then look
 * done, so a csync of A (the engine's own rule: csync a range before
 * writing it) or A->B's completion handler would let A be wrecked while
 * B->C still reads it. Queue: X1, A->B, X2, B->C with big copies X1, X2.
 * X1 keeps the service busy while B->C is submitted, so A->B is still
 * pending and absorbed (a wake of a sleeping service can otherwise run all
 * of A->B inside the submitting call: then the attempt is retried); X2
 * keeps it busy after A->B, when an A->B run by the service would be done. */
int t_absorb_service_skip(void) {
  size_t n = 4 << 20, xn = 32 << 20;
  char *A = big(n, 53), *ref = malloc(n), *B = calloc(1, n), *C = calloc(1, n);
  char *xs = calloc(1, xn), *xd = calloc(1, xn), *xd2 = calloc(1, xn);
  memcpy(ref, A, n);
  void *arg[2] = {A, (void *)(uintptr_t)n};
  void *mem = dmem(n, 0);
  for (int handler = 0; handler < 2; handler++) {
    int hits = 0, tries = 0;
    for (; tries < 8 && hits < 2; tries++) {
      memcpy(A, ref, n);
      memset(B, 0, n), memset(C, 0, n);
      uint64_t a0 = absorbed();
      amemcpy(xd, xs, xn);
      copier_descr *ab = _amemcpy(mem, B, A, n, 0, 0, handler ? poison : NULL, arg);
      amemcpy(xd2, xs, xn);
      amemcpy(C, B, n);
      if (absorbed() - a0 == n) hits++;
      for (int i = 0; i < 400 && !_cdone(ab, 0, n); i++) usleep(50);
      if (handler) {
        copier_poll();
        _csync(ab, 0, n); /* retires it if poll did not: the handler wrecks A */
        CHECK(all_eq(A, 0x66, n));
      } else {
        csync(A, n);
        memset(A, 0x77, n);
      }
      csync(C, n);
      CHECK(memcmp(C, ref, n) == 0 && memcmp(B, ref, n) == 0);
      csync_all();
    }
    printf("     absorb_service_skip(%s): %d of %d attempts absorbed all of A->B\n",
           handler ? "handler" : "csync of A", hits, tries);
    CHECK(hits > 0);
  }
  free(A), free(ref), free(B), free(C), free(xs), free(xd), free(xd2), free(mem);
  return 0;
}

/* Later copies into A (the absorbed source) or into B (the skipped
 * destination) wait for the absorber's reads of A. */
int t_absorb_copy_into(void) {
  size_t n = 2 << 20;
  char *A = big(n, 48), *ref = malloc(n), *B = calloc(1, n), *C = calloc(1, n), *X = big(n, 49);
  memcpy(ref, A, n);
  void *mem = dmem(n, 0);
  _amemcpy(mem, B, A, n, 0, COPIER_LAZY_F, NULL, NULL);
  amemcpy(C, B, n);
  amemcpy(A, X, n); /* write-after-read on A, through the absorption */
  csync_all();
  CHECK(memcmp(C, ref, n) == 0 && memcmp(A, X, n) == 0 && memcmp(B, ref, n) == 0);
  memcpy(A, ref, n);
  memset(B, 0, n), memset(C, 0, n);
  _amemcpy(mem, B, A, n, 0, COPIER_LAZY_F, NULL, NULL);
  amemcpy(C, B, n);
  amemcpy(B, X, n); /* overwrites B: A->B first, C keeps A's bytes */
  csync_all();
  CHECK(memcmp(C, ref, n) == 0 && memcmp(B, X, n) == 0);
  free(A), free(ref), free(B), free(C), free(X), free(mem);
  return 0;
}

/* amemmove: an overlapping move is never absorbed (it writes its own
 * source) nor absorbs; a non-overlapping one is a copy like any other. */
int t_absorb_move(void) {
  size_t n = 1 << 20, tot = n + 4096;
  char *buf = big(tot, 50), *ref = malloc(tot), *C = calloc(1, n), *A = big(n, 51);
  memcpy(ref, buf, tot);
  uint64_t a0 = absorbed();
  amemmove(buf + 100, buf, n); /* overlapping origin */
  memmove(ref + 100, ref, n);
  amemcpy(C, buf + 100, n);
  CHECK(absorbed() == a0);
  csync_all();
  CHECK(memcmp(C, ref + 100, n) == 0 && memcmp(buf, ref, tot) == 0);
  void *mem = dmem(n, 0);
  copier_descr *ab = _amemcpy(mem, buf, A, n, 0, COPIER_MOVE_F | COPIER_LAZY_F, NULL, NULL);
  memcpy(ref, A, n);
  amemmove(C, buf, n); /* non-overlapping move: absorbed */
  CHECK(absorbed() - a0 == n);
  amemmove(buf + 50, buf, n); /* overlapping move reading B: A->B runs first */
  memmove(ref + 50, ref, n);
  CHECK(absorbed() - a0 == n && _cdone(ab, 0, n));
  csync_all();
  CHECK(memcmp(C, A, n) == 0 && memcmp(buf, ref, n + 50) == 0);
  free(buf), free(ref), free(C), free(A), free(mem);
  return 0;
}

/* absorb=0 turns it off: the dependency is completed instead. */
int t_absorb_off(void) {
  size_t n = 1 << 20;
  char *A = big(n, 52), *B = calloc(1, n), *C = calloc(1, n);
  void *mem = dmem(n, 0);
  CHECK(copier_configure("absorb=0") == 0);
  uint64_t a0 = absorbed();
  copier_descr *ab = _amemcpy(mem, B, A, n, 0, COPIER_LAZY_F, NULL, NULL);
  amemcpy(C, B, n);
  CHECK(absorbed() == a0 && _cdone(ab, 0, n));
  CHECK(copier_configure("absorb=1") == 0);
  csync_all();
  CHECK(memcmp(C, A, n) == 0 && memcmp(B, A, n) == 0);
  free(A), free(B), free(C), free(mem);
  return 0;
}

/* Child of t_stats: one absorbed 1 MiB copy. */
void absorb_once(void) {
  static char x[1 << 20], y[1 << 20], z[1 << 20];
  static char mem[1 << 12] __attribute__((aligned(8)));
  copier_descr *d = _amemcpy(mem, y, x, sizeof x, 0, COPIER_LAZY_F, NULL, NULL);
  amemcpy(z, y, sizeof y);
  csync(z, sizeof z);
  copier_abort(d);
}
