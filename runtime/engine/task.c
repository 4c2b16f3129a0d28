/*
 * task.c — executing segments of a task. Shared by service threads and by
 * clients that help: every segment is claimed with one CAS
 * (PENDING -> CLAIMED) so it is copied exactly once, whoever gets there.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <time.h>
#include "internal.h"

uint64_t cp_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void cp_descr_setup(struct copier_descr *d, char *dst, const char *src, size_t n, size_t gran,
                    uint32_t flags) {
  uint64_t nseg = n ? (n + gran - 1) / gran : 0;
  d->magic = DESCR_MAGIC;
  d->version = DESCR_VERSION;
  d->n = n;
  d->gran = gran;
  d->nseg = nseg;
  atomic_store_explicit(&d->flags, flags, memory_order_relaxed);
  atomic_store_explicit(&d->futex, 0, memory_order_relaxed);
  atomic_store_explicit(&d->remaining, nseg, memory_order_relaxed);
  atomic_store_explicit(&d->fault_addr, 0, memory_order_relaxed);
  atomic_store_explicit(&d->fault_sig, 0, memory_order_relaxed);
  d->owner_pid = cp_eng.pid;
  d->dst = dst;
  d->src = src;
  for (uint64_t j = 0; j < nseg; j++) atomic_store_explicit(&d->seg[j], SEG_PENDING, memory_order_relaxed);
  /* The descriptor is published to other threads by the ring push (release). */
}

/* Copy segment j (already claimed by the caller) and mark it done. */
static void copy_claimed(struct copier_descr *d, uint64_t j, struct cstats *st, bool service) {
  uint64_t off = j * d->gran;
  size_t len = (size_t)(d->n - off < d->gran ? d->n - off : d->gran);
  uint32_t fl = atomic_load_explicit(&d->flags, memory_order_relaxed);
  /* After a fault, the rest of the task is skipped: the copy is reported
   * as failed anyway and one report is clearer than a cascade. */
  if (!(fl & DF_ABORTED) && atomic_load_explicit(&d->fault_addr, memory_order_relaxed) == 0) {
    uintptr_t fa = 0;
    int sig = 0;
    int move = (fl & DF_ORDERED) != 0;
    if (cp_guarded_copy(d->dst + off, d->src + off, len, move | ((fl & DF_NT) ? 2 : 0), &fa, &sig) != 0) {
      uint64_t expect = 0;
      atomic_store_explicit(&d->fault_sig, sig, memory_order_relaxed);
      atomic_compare_exchange_strong(&d->fault_addr, &expect, (uint64_t)fa + 1);
    }
  }
  atomic_store_explicit(&d->seg[j], SEG_DONE, memory_order_release);
  if (atomic_fetch_sub_explicit(&d->remaining, 1, memory_order_acq_rel) == 1)
    atomic_fetch_add_explicit(&d->futex, 1, memory_order_release);
  if (service)
    atomic_fetch_add_explicit(&st->svc_segs, 1, memory_order_relaxed);
  else
    STAT_ADD(st, helped_segs, 1);
}

static inline bool claim(struct copier_descr *d, uint64_t j) {
  uint8_t expect = SEG_PENDING;
  return atomic_compare_exchange_strong_explicit(&d->seg[j], &expect, SEG_CLAIMED, memory_order_acquire,
                                                 memory_order_relaxed);
}

/* Wait for a segment someone else claimed. Spins briefly (a segment takes a
 * few microseconds), then yields so a descheduled copier can run. */
void cp_wait_done(struct copier_descr *d, uint64_t j) {
  unsigned spins = 0;
  while (atomic_load_explicit(&d->seg[j], memory_order_acquire) != SEG_DONE) {
    if (++spins < 4000) {
      cp_pause();
    } else if (spins < 4200) {
      sched_yield();
    } else {
      struct timespec ts = {0, 20000};
      nanosleep(&ts, NULL);
    }
  }
}

static inline uint64_t exec_index_to_seg(const struct copier_descr *d, uint64_t k, uint32_t fl) {
  return (fl & DF_BACKWARD) ? d->nseg - 1 - k : k;
}

/* Make segment j DONE from a client's point of view: copy it if pending,
 * else wait for whoever claimed it. Ordered (overlapping-move) tasks run
 * their segments strictly in order, so the predecessors come first. */
void cp_complete_segment(struct copier_descr *d, uint64_t j, struct node *nd, struct cstats *st) {
  if (atomic_load_explicit(&d->seg[j], memory_order_acquire) == SEG_DONE) return;
  uint32_t fl = atomic_load_explicit(&d->flags, memory_order_relaxed);
  uint64_t k0 = j, k1 = j;
  if (fl & DF_ORDERED) {
    k0 = 0;
    k1 = (fl & DF_BACKWARD) ? d->nseg - 1 - j : j;
  }
  for (uint64_t k = k0; k <= k1; k++) {
    uint64_t s = (fl & DF_ORDERED) ? exec_index_to_seg(d, k, fl) : j;
    if (atomic_load_explicit(&d->seg[s], memory_order_acquire) == SEG_DONE) continue;
    if (claim(d, s)) {
      copy_claimed(d, s, st, false);
      if (nd) nd->helped++;
    } else {
      cp_wait_done(d, s);
    }
  }
}

void cp_sync_segments(struct client *c, struct node *nd, uint64_t first, uint64_t last) {
  struct copier_descr *d = nd->d;
  for (uint64_t j = first; j <= last; j++) cp_complete_segment(d, j, nd, &c->st);
}

/* A service thread runs a whole task: claim what is pending, skip what a
 * client has claimed (it finishes it), wait only inside ordered tasks. */
void cp_run_task(struct copier_descr *d, struct cstats *st, bool service) {
  uint32_t fl = atomic_load_explicit(&d->flags, memory_order_relaxed);
  for (uint64_t k = 0; k < d->nseg; k++) {
    uint64_t j = exec_index_to_seg(d, k, fl);
    uint8_t s = atomic_load_explicit(&d->seg[j], memory_order_acquire);
    if (s == SEG_DONE) continue;
    if (s == SEG_PENDING && claim(d, j)) {
      copy_claimed(d, j, st, service);
    } else if (fl & DF_ORDERED) {
      cp_wait_done(d, j);
    }
  }
}
