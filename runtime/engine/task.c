/*
 * task.c — executing segments of a task. Shared by service threads and by
 * clients that help: every segment is claimed with one CAS
 * (PENDING -> CLAIMED) so it is copied exactly once, whoever gets there.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <time.h>
#include <linux/futex.h>
#include "internal.h"

uint64_t cp_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void cp_descr_setup(struct copier_descr *d, char *dst, const char *src, size_t n, size_t gran,
                    uint32_t flags, uint32_t stride) {
  uint64_t nseg = n ? (n + gran - 1) / gran : 0;
  d->magic = DESCR_MAGIC;
  d->version = DESCR_VERSION;
  d->n = n;
  d->gran = gran;
  d->nseg = nseg;
  atomic_store_explicit(&d->flags, flags, memory_order_relaxed);
  atomic_store_explicit(&d->futex, 0, memory_order_relaxed);
  atomic_store_explicit(&d->waiters, 0, memory_order_relaxed);
  atomic_store_explicit(&d->remaining, nseg, memory_order_relaxed);
  atomic_store_explicit(&d->fault_addr, 0, memory_order_relaxed);
  atomic_store_explicit(&d->fault_sig, 0, memory_order_relaxed);
  d->owner_pid = cp_eng.pid;
  d->stride = stride;
  d->dst = dst;
  d->src = src;
  d->amap = NULL;
  atomic_store_explicit(&d->pins, 0, memory_order_relaxed);
  for (uint64_t j = 0; j < nseg; j++) atomic_store_explicit(SEG(d, j), SEG_PENDING, memory_order_relaxed);
  /* The descriptor is published to other threads by the ring push (release). */
}

/* Copy the claimed segments j0..j1 (contiguous, ascending) with one
 * backend call and mark them done: a run taken by a waiting client is
 * copied at full memcpy speed, not in segment-sized calls. An absorbing
 * copy reads each part from its source and releases its holds before its
 * segments are DONE (absorb.c); origin segments a service thread claimed
 * while releasing are copied after that, so a csync of this copy's bytes
 * does not wait for them. */
static void copy_claimed_run(struct copier_descr *d, uint64_t j0, uint64_t j1, struct cstats *st,
                             bool service) {
  uint64_t off = j0 * d->gran, end = (j1 + 1) * d->gran;
  if (end > d->n) end = d->n;
  uint64_t cnt = j1 - j0 + 1;
  uint32_t fl = atomic_load_explicit(&d->flags, memory_order_relaxed);
  /* After a fault, the rest of the task is skipped: the copy is reported
   * as failed anyway and one report is clearer than a cascade. */
  if (!(fl & DF_ABORTED) && atomic_load_explicit(&d->fault_addr, memory_order_relaxed) == 0) {
    uintptr_t fa = 0;
    int sig = 0;
    int mode = ((fl & DF_ORDERED) != 0) | ((fl & DF_NT) ? 2 : 0);
    if ((d->amap ? cp_absorb_copy(d, off, end, mode, &fa, &sig)
                 : cp_guarded_copy(d->dst + off, d->src + off, (size_t)(end - off), mode, &fa, &sig)) != 0) {
      uint64_t expect = 0;
      atomic_store_explicit(&d->fault_sig, sig, memory_order_relaxed);
      atomic_compare_exchange_strong(&d->fault_addr, &expect, (uint64_t)fa + 1);
    }
  }
  struct absorb_claim todo[8];
  int ntodo = d->amap ? cp_absorb_release(d, j0, j1, service ? todo : NULL, 8) : 0;
  for (uint64_t j = j0; j <= j1; j++) atomic_store_explicit(SEG(d, j), SEG_DONE, memory_order_release);
  if (atomic_fetch_sub_explicit(&d->remaining, cnt, memory_order_acq_rel) == cnt)
    atomic_fetch_add_explicit(&d->futex, 1, memory_order_release);
  if (fl & DF_SHARED) cp_segments_done(d);
  if (service)
    atomic_fetch_add_explicit(&st->svc_segs, cnt, memory_order_relaxed);
  else
    STAT_ADD(st, helped_segs, cnt);
  /* Origin segments claimed above: pinned, so their copy may not be
   * retired (and its descriptor reused) before this thread lets go. */
  for (int i = 0; i < ntodo; i++) {
    copy_claimed_run(todo[i].d, todo[i].j, todo[i].j, st, service);
    atomic_fetch_sub_explicit(&todo[i].d->pins, 1, memory_order_release);
  }
}

static void copy_claimed(struct copier_descr *d, uint64_t j, struct cstats *st, bool service) {
  copy_claimed_run(d, j, j, st, service);
}

static inline bool claim(struct copier_descr *d, uint64_t j) {
  uint8_t expect = SEG_PENDING;
  return atomic_compare_exchange_strong_explicit(SEG(d, j), &expect, SEG_CLAIMED, memory_order_acquire,
                                                 memory_order_relaxed);
}

/* Wait for a segment someone else claimed. Spins briefly (a segment takes a
 * few microseconds), then yields so a descheduled copier can run.
 *
 * A shared descriptor's segment is copied by another process's service
 * thread, which a waiter cannot help: after a short spin the waiter sleeps
 * on the descriptor's futex word (a process-shared futex: the descriptor is
 * in shared memory) and the copier wakes it when it completes a segment.
 * Polling with 20 us sleeps there (after ~100 us of spinning that took
 * the CPU from that very copier on this 2-vCPU machine) ran shm_pipe's port
 * at 0.4-0.6x clang-19 in some runs. The sleep has a timeout, so a copier
 * that died (its process killed) cannot hang the waiter forever unnoticed:
 * it keeps polling, slowly. */
#define SHARED_SPINS 256
static void wait_shared(struct copier_descr *d, uint64_t j) {
  for (unsigned spins = 0; spins < SHARED_SPINS; spins++) {
    if (atomic_load_explicit(SEG(d, j), memory_order_acquire) == SEG_DONE) return;
    cp_pause();
  }
  const struct timespec limit = {0, 10000000}; /* 10 ms */
  for (;;) {
    uint32_t seq = atomic_load_explicit(&d->futex, memory_order_acquire);
    /* Dekker with cp_segments_done: this increment and the copier's
     * DONE store are both seq_cst-ordered with the other side's load. */
    atomic_fetch_add_explicit(&d->waiters, 1, memory_order_seq_cst);
    bool done = atomic_load_explicit(SEG(d, j), memory_order_seq_cst) == SEG_DONE;
    if (!done) cp_futex(&d->futex, FUTEX_WAIT, seq, &limit);
    atomic_fetch_sub_explicit(&d->waiters, 1, memory_order_relaxed);
    if (done || atomic_load_explicit(SEG(d, j), memory_order_acquire) == SEG_DONE) return;
  }
}

void cp_segments_done(struct copier_descr *d) {
  atomic_thread_fence(memory_order_seq_cst);
  if (atomic_load_explicit(&d->waiters, memory_order_relaxed) == 0) return;
  atomic_fetch_add_explicit(&d->futex, 1, memory_order_release);
  cp_futex(&d->futex, FUTEX_WAKE, INT32_MAX, NULL);
}

void cp_wait_done(struct copier_descr *d, uint64_t j) {
  if (atomic_load_explicit(&d->flags, memory_order_relaxed) & DF_SHARED) {
    wait_shared(d, j);
    return;
  }
  unsigned spins = 0;
  while (atomic_load_explicit(SEG(d, j), memory_order_acquire) != SEG_DONE) {
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
  if (atomic_load_explicit(SEG(d, j), memory_order_acquire) == SEG_DONE) return;
  uint32_t fl = atomic_load_explicit(&d->flags, memory_order_relaxed);
  uint64_t k0 = j, k1 = j;
  if (fl & DF_ORDERED) {
    k0 = 0;
    k1 = (fl & DF_BACKWARD) ? d->nseg - 1 - j : j;
  }
  for (uint64_t k = k0; k <= k1; k++) {
    uint64_t s = (fl & DF_ORDERED) ? exec_index_to_seg(d, k, fl) : j;
    if (atomic_load_explicit(SEG(d, s), memory_order_acquire) == SEG_DONE) continue;
    if (claim(d, s)) {
      copy_claimed(d, s, st, false);
      if (nd) nd->helped++;
    } else {
      cp_wait_done(d, s);
    }
  }
}

/* Wait for segments first..last, which others (service threads) hold.
 * Rather than spin, copy the pending segments after `last` while waiting:
 * in a copy-use loop they are the ones this client needs next. The service
 * thread writing into lines the consumer just read runs at ~12-20 GB/s
 * here against ~55 locally, so a consumer that only waited would run at
 * the service's pace; helping ahead splits the copy between the two cores
 * in proportion to their speeds, one segment per check of the awaited one. */
static void wait_helping_ahead(struct node *nd, uint64_t first, uint64_t last, struct cstats *st) {
  struct copier_descr *d = nd->d;
  /* A lazy copy runs only the segments someone needs (abort must find the
   * rest untouched). */
  uint64_t ahead = (atomic_load_explicit(&d->flags, memory_order_relaxed) & DF_LAZY) ? d->nseg : last + 1;
  for (uint64_t j = first; j <= last; j++) {
    while (atomic_load_explicit(SEG(d, j), memory_order_acquire) != SEG_DONE) {
      while (ahead < d->nseg && atomic_load_explicit(SEG(d, ahead), memory_order_relaxed) != SEG_PENDING) ahead++;
      if (ahead < d->nseg && claim(d, ahead)) {
        copy_claimed(d, ahead, st, false);
        nd->helped++;
        continue;
      }
      if (ahead >= d->nseg) {
        cp_wait_done(d, j);
        break;
      }
    }
  }
}

/* Make segments first..last of nd DONE for its client.
 * - Not started by a service thread (still queued, or never queued): the
 *   client claims every pending segment of the range, in runs, and copies
 *   each run locally with one call. When the range is the whole copy it
 *   first takes the node from the ring (QUEUED -> STOLEN), so a service
 *   thread that pops it later does not even read the segment states.
 *   Racing the service segment by segment would pull the destination's
 *   lines back and forth between the cores (measured 0.2-0.5x memcpy).
 * - Being run by a service thread (front to back): help from the back,
 *   one segment at a time, so the two cores split the work without
 *   fighting over segments; a csync of one segment (copy-use pipeline)
 *   helps only that segment. Then wait for what the service holds. */
void cp_sync_segments(struct client *c, struct node *nd, uint64_t first, uint64_t last) {
  struct copier_descr *d = nd->d;
  struct cstats *st = &c->st;
  uint32_t fl = atomic_load_explicit(&d->flags, memory_order_relaxed);
  /* Held segments wait for later copies reading through them (absorb.c). */
  if (CP_UNLIKELY(fl & DF_HELD)) cp_absorb_unhold(c, nd, first, last);
  if (fl & DF_ORDERED) {
    for (uint64_t j = first; j <= last; j++) cp_complete_segment(d, j, nd, st);
    return;
  }
  int s = atomic_load_explicit(&nd->state, memory_order_acquire);
  if (s == NODE_QUEUED && first == 0 && last + 1 == d->nseg) {
    int e = NODE_QUEUED;
    s = atomic_compare_exchange_strong_explicit(&nd->state, &e, NODE_STOLEN, memory_order_acq_rel,
                                                memory_order_acquire)
            ? NODE_STOLEN
            : e;
  }
  if (s != NODE_RUNNING) {
    for (uint64_t j = first; j <= last;) {
      if (atomic_load_explicit(SEG(d, j), memory_order_relaxed) != SEG_PENDING || !claim(d, j)) {
        j++;
        continue;
      }
      uint64_t k = j;
      while (k < last && claim(d, k + 1)) k++;
      copy_claimed_run(d, j, k, st, false);
      nd->helped += k - j + 1;
      j = k + 1;
    }
  } else {
    for (uint64_t j = last + 1; j-- > first;) {
      if (atomic_load_explicit(SEG(d, j), memory_order_relaxed) == SEG_PENDING && claim(d, j)) {
        copy_claimed(d, j, st, false);
        nd->helped++;
      }
    }
  }
  wait_helping_ahead(nd, first, last, st);
}

/* A service thread runs a whole task: claim what is pending, skip what a
 * client has claimed (it finishes it) or what later copies hold (absorb.c;
 * one more pass takes the holds released meanwhile), wait only inside
 * ordered tasks. */
void cp_run_task(struct copier_descr *d, struct cstats *st, bool service) {
  uint32_t fl = atomic_load_explicit(&d->flags, memory_order_relaxed);
  bool held = false;
  for (uint64_t k = 0; k < d->nseg; k++) {
    uint64_t j = exec_index_to_seg(d, k, fl);
    uint8_t s = atomic_load_explicit(SEG(d, j), memory_order_acquire);
    if (s == SEG_DONE) continue;
    if (s == SEG_PENDING && claim(d, j)) {
      copy_claimed(d, j, st, service);
    } else if (fl & DF_ORDERED) {
      cp_wait_done(d, j);
    } else if (s >= SEG_HOLD) {
      held = true;
    }
  }
  if (CP_UNLIKELY(held))
    for (uint64_t j = 0; j < d->nseg; j++)
      if (atomic_load_explicit(SEG(d, j), memory_order_relaxed) == SEG_PENDING && claim(d, j))
        copy_claimed(d, j, st, service);
}
