/*
 * test_model.c — model-based randomized test of the engine.
 *
 * Each sequence runs random amemcpy / amemmove / program writes and reads /
 * csync / csync_all / low-level copies with handlers / lazy copies and
 * aborts over random, often overlapping ranges of three buffers, following
 * the caller rules of copier.h. The same sequence is applied at once to a
 * model with plain memcpy/memmove; every read and every csync_all compares
 * the real bytes with the model. A lazy copy that is aborted leaves the
 * segments that never ran untouched (the engine reports which via _cdone),
 * so the model restores those from a snapshot.
 *
 * usage: test_model [-s seed] [-n sequences] [-t threads] [-o ops]
 * Threads run independent sequences on their own buffers at the same time
 * (the multi-threaded stress). Ends with "N passed, N failed".
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "copier.h"

#define NBUF 3
#define BUFSZ (96 << 10)
#define MAXLAZY 8
#define MAXLL 16

static unsigned long long g_seed = 1;
static int g_seqs = 200, g_threads = 1, g_ops = 200;
static atomic_int g_pass, g_fail;

struct rng { unsigned long long s; };
static unsigned long long rnd(struct rng *r) {
  r->s ^= r->s << 13; r->s ^= r->s >> 7; r->s ^= r->s << 17;
  return r->s;
}
static size_t rr(struct rng *r, size_t n) { return n ? (size_t)(rnd(r) % n) : 0; }

struct lazy { copier_descr *d; void *mem; char *dst; size_t n, gran; char *old; };

struct ctx {
  struct rng r;
  char *buf[NBUF], *model[NBUF];
  struct lazy lz[MAXLAZY];
  int nlz;
  void *ll[MAXLL];
  int nll;
  int handlers_due, handlers_run;
  char err[256];
};

static void handler(void *arg) { ((struct ctx *)arg)->handlers_run++; }

static size_t rand_len(struct ctx *c) {
  switch (rr(&c->r, 4)) {
  case 0: return 1 + rr(&c->r, 600);            /* below sync_below: inline */
  case 1: return 1 + rr(&c->r, 6000);           /* one or two segments */
  case 2: return 4096 * (1 + rr(&c->r, 8)) + rr(&c->r, 3) - 1; /* segment edges */
  default: return 1 + rr(&c->r, 40000);         /* many segments */
  }
}

static int compare(struct ctx *c, int b, size_t off, size_t n, const char *what) {
  if (memcmp(c->buf[b] + off, c->model[b] + off, n) != 0) {
    size_t i = 0;
    while (c->buf[b][off + i] == c->model[b][off + i]) i++;
    snprintf(c->err, sizeof c->err, "%s: buffer %d byte %zu differs (got %d, want %d)", what, b, off + i,
             c->buf[b][off + i], c->model[b][off + i]);
    return -1;
  }
  return 0;
}

static int all_sync(struct ctx *c) {
  csync_all();
  for (int i = 0; i < c->nll; i++) free(c->ll[i]);
  c->nll = 0;
  for (int i = 0; i < c->nlz; i++) { free(c->lz[i].mem); free(c->lz[i].old); }
  c->nlz = 0;
  if (c->handlers_run != c->handlers_due) {
    snprintf(c->err, sizeof c->err, "csync_all: %d of %d completion handlers ran", c->handlers_run, c->handlers_due);
    return -1;
  }
  for (int b = 0; b < NBUF; b++)
    if (compare(c, b, 0, BUFSZ, "after csync_all")) return -1;
  return 0;
}

static int one_sequence(struct ctx *c) {
  c->handlers_due = c->handlers_run = 0;
  for (int b = 0; b < NBUF; b++) {
    for (size_t i = 0; i < BUFSZ; i++) c->buf[b][i] = (char)rnd(&c->r);
    memcpy(c->model[b], c->buf[b], BUFSZ);
  }
  for (int op = 0; op < g_ops; op++) {
    int sb = (int)rr(&c->r, NBUF), db = (int)rr(&c->r, NBUF);
    size_t n = rand_len(c);
    size_t so = rr(&c->r, BUFSZ - n + 1), dof = rr(&c->r, BUFSZ - n + 1);
    char *s = c->buf[sb] + so, *d = c->buf[db] + dof;
    int overl = sb == db && so < dof + n && dof < so + n;
    unsigned k = (unsigned)rr(&c->r, 100);
    if (k < 30) {                      /* amemcpy (amemmove if overlapping) */
      if (overl) amemmove(d, s, n); else amemcpy(d, s, n);
      memmove(c->model[db] + dof, c->model[sb] + so, n);
    } else if (k < 42) {               /* amemmove, often overlapping */
      dof = so + rr(&c->r, 2 * 9000) - 9000;
      if ((long)dof < 0 || dof + n > BUFSZ) dof = so;
      amemmove(c->buf[sb] + dof, s, n);
      memmove(c->model[sb] + dof, c->model[sb] + so, n);
    } else if (k < 55) {               /* program write: sync the range first */
      csync(d, n);
      for (size_t i = 0; i < n; i += 1 + rr(&c->r, 300)) d[i] = c->model[db][dof + i] = (char)rnd(&c->r);
    } else if (k < 72) {               /* program read */
      csync(d, n);
      if (compare(c, db, dof, n, "read after csync")) return -1;
    } else if (k < 75) {
      if (all_sync(c)) return -1;
    } else if (k < 84 && c->nll < MAXLL) { /* low-level copy with a completion handler */
      size_t gran = rr(&c->r, 2) ? 0 : 4096 * (1 + rr(&c->r, 3));
      void *mem = aligned_alloc(8, (copier_descr_size(n, gran) + 7) & ~(size_t)7);
      c->ll[c->nll++] = mem;
      if (!_amemcpy(mem, d, s, n, gran, overl ? COPIER_MOVE_F : 0, handler, c)) {
        snprintf(c->err, sizeof c->err, "_amemcpy refused a valid copy");
        return -1;
      }
      c->handlers_due++;
      memmove(c->model[db] + dof, c->model[sb] + so, n);
      if (rr(&c->r, 3) == 0) copier_poll();
    } else if (k < 92 && c->nlz < MAXLAZY) { /* lazy copy */
      struct lazy *l = &c->lz[c->nlz++];
      l->gran = 4096 * (1 + rr(&c->r, 2));
      l->mem = aligned_alloc(8, (copier_descr_size(n, l->gran) + 7) & ~(size_t)7);
      l->old = malloc(n);
      memcpy(l->old, c->model[db] + dof, n);
      l->dst = d;
      l->n = n;
      l->d = _amemcpy(l->mem, d, s, n, l->gran, COPIER_LAZY_F | (overl ? COPIER_MOVE_F : 0), NULL, NULL);
      memmove(c->model[db] + dof, c->model[sb] + so, n);
      /* The model holds the result; l->old lets an abort undo unrun segments. */
    } else if (c->nlz) {               /* abort the newest lazy copy */
      struct lazy *l = &c->lz[c->nlz - 1];
      int lb = 0;
      for (int b = 0; b < NBUF; b++)
        if (l->dst >= c->buf[b] && l->dst < c->buf[b] + BUFSZ) lb = b;
      size_t loff = (size_t)(l->dst - c->buf[lb]);
      for (size_t off = 0; off < l->n; off += l->gran) {
        size_t len = l->n - off < l->gran ? l->n - off : l->gran;
        if (!_cdone(l->d, off, len)) memcpy(c->model[lb] + loff + off, l->old + off, len);
      }
      copier_abort(l->d);
      free(l->mem);
      free(l->old);
      c->nlz--;
    }
  }
  return all_sync(c);
}

static void *worker(void *arg) {
  long id = (long)arg;
  struct ctx *c = calloc(1, sizeof *c);
  for (int b = 0; b < NBUF; b++) {
    c->buf[b] = malloc(BUFSZ);
    c->model[b] = malloc(BUFSZ);
  }
  for (int i = 0; i < g_seqs; i++) {
    unsigned long long seed = g_seed * 1000003ull + (unsigned long long)id * 7919ull * 1000000ull + (unsigned)i;
    c->r.s = seed * 2654435761ull + 1;
    if (one_sequence(c) == 0) {
      atomic_fetch_add(&g_pass, 1);
    } else {
      atomic_fetch_add(&g_fail, 1);
      printf("FAIL thread %ld sequence %d (seed %llu): %s\n", id, i, seed, c->err);
      csync_all();
      c->nll = c->nlz = 0;
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  int opt;
  while ((opt = getopt(argc, argv, "s:n:t:o:")) != -1) {
    if (opt == 's') g_seed = strtoull(optarg, NULL, 0);
    else if (opt == 'n') g_seqs = atoi(optarg);
    else if (opt == 't') g_threads = atoi(optarg);
    else if (opt == 'o') g_ops = atoi(optarg);
    else { fprintf(stderr, "usage: %s [-s seed] [-n seqs] [-t threads] [-o ops]\n", argv[0]); return 2; }
  }
  /* Small segments and no adaptive/wake shortcuts: exercise the async paths. */
  if (!getenv("COPIER_OPTIONS") &&
      copier_configure("segment=4096:sync_below=512:adaptive=0:wake_above=0") != 0)
    return 2;
  pthread_t t[64];
  for (long i = 0; i < g_threads; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  for (long i = 0; i < g_threads; i++) pthread_join(t[i], NULL);
  struct copier_stats st;
  copier_get_stats(&st);
  printf("model: seed %llu, %d thread(s) x %d sequences x %d ops; offloaded %llu, inline %llu, "
         "segments by service %llu, by waiters %llu\n", g_seed, g_threads, g_seqs, g_ops,
         (unsigned long long)st.offloaded, (unsigned long long)st.inline_copies,
         (unsigned long long)st.segments_service, (unsigned long long)st.segments_helped);
  printf("%d passed, %d failed\n", atomic_load(&g_pass), atomic_load(&g_fail));
  return atomic_load(&g_fail) != 0;
}
