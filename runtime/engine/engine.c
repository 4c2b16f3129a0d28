/*
 * engine.c — the high-level API: amemcpy/amemmove/csync/csync_all and the
 * compiler interface. See internal.h for the overall shape.
 *
 * Ordering: before a copy is submitted, every pending copy of this client
 * it conflicts with has the overlapping segments completed first, by this
 * thread: its destination overlaps an earlier destination or source (WAW,
 * WAR), or its source overlaps an earlier destination (RAW) that cannot be
 * absorbed. Where it can, the new copy reads those bytes from the earlier
 * copy's source instead (absorb.c): A->B then B->C copies A->C for the
 * segments of B still pending, and C gets A's bytes either way.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include "internal.h"

#define HOOKS __copier_sanitizer_hooks

static inline bool overlap(const char *a, size_t an, const char *b, size_t bn) {
  return an && bn && a < b + bn && b < a + an;
}

/* Complete the segments of nd whose dst (or src, if by_src) intersect [lo, lo+len). */
static void sync_part(struct client *c, struct node *nd, const char *lo, size_t len, bool by_src) {
  struct copier_descr *d = nd->d;
  const char *base = by_src ? d->src : d->dst;
  if (!overlap(base, d->n, lo, len)) return;
  if (atomic_load_explicit(&d->remaining, memory_order_acquire) == 0) return;
  const char *a = lo > base ? lo : base;
  const char *b = (lo + len < base + d->n) ? lo + len : base + d->n;
  uint64_t first = (uint64_t)(a - base) / d->gran, last = (uint64_t)(b - 1 - base) / d->gran;
  cp_sync_segments(c, nd, first, last);
}

static void record_outcome(struct node *nd) {
  if (nd->site_slot < 0) return;
  /* Offloading paid if the submitter's csyncs spent less than half the
   * time on the copy that copying it here would have taken. The csyncs' time
   * (wait_ns) includes the segments they copied themselves (helping ahead
   * while a service thread held the awaited one), so a pipelined copy split
   * between the two cores still counts as a gain, while one its consumer
   * took over at once (immediate csync), or waited for behind a
   * descheduled service thread (other core busy), does not. The local
   * copy time is the site's own, measured on its inline copies (site.c):
   * a copy out of DRAM runs at ~10 B/ns here, one between cache-hot
   * buffers at ~120 B/ns, and judging both by one guess (32 B/ns) kept a
   * DRAM-bound site that gained 1.15x from offloading inline. Until the
   * site has a sample the guess is used. A copy whose
   * csyncs copied more than 3/4 of its segments themselves is a loss
   * whatever the time. A single-segment copy gains only if its
   * csync did not wait at all. */
  uint64_t local_ns = cp_site_local_ns(nd->site_slot, nd->cn);
  bool colocated = atomic_load_explicit(&nd->svc_colocated, memory_order_relaxed) != 0;
  /* The service ran the copy on the CPU it was submitted from. If this
   * thread (which retires the copy) is now on another CPU, the scheduler
   * most likely moved it there when it woke the copier onto its CPU (wake
   * placement), and the two ran side by side: not the preempted case.
   * recv-then-parse at 4 MiB lost its offloads for whole runs to such
   * verdicts (waits of 0, "colocated"). */
  if (colocated && sched_getcpu() != nd->submit_cpu) colocated = false;
  bool good = nd->d->nseg <= 1 ? !nd->waited && nd->wait_ns == 0
                                : nd->wait_ns * 2 < local_ns && nd->helped * 4 < nd->d->nseg * 3;
  /* A copy the service ran on the submitter's own CPU bought no overlap,
   * however short its csyncs were: the submitter was preempted for it. */
  if (colocated) good = false;
  uint64_t loss = nd->wait_ns > local_ns / 2 ? nd->wait_ns - local_ns / 2 : 0;
  if (colocated && loss < local_ns) loss = local_ns;
  if (!good)
    cp_site_loss_reason(nd->site_slot, colocated                         ? CP_LOSS_COLOCATED
                                       : nd->helped * 4 >= nd->d->nseg * 3 ? CP_LOSS_TAKEN_OVER
                                                                          : CP_LOSS_WAITED);
  cp_site_outcome(nd->site_slot, good, loss, local_ns);
  nd->site_slot = -1;
}

/* nd is complete: unlink is the caller's job; run its handler and recycle. */
void cp_retire(struct client *c, struct node *nd, bool run_handler) {
  struct copier_descr *d = nd->d;
  /* A service thread that copied one of its segments on behalf of an
   * absorbing copy may still be leaving it (absorb.c): a few nanoseconds. */
  while (CP_UNLIKELY(atomic_load_explicit(&d->pins, memory_order_acquire) != 0)) cp_pause();
  if (d->amap) {
    if ((void *)d->amap != (void *)nd->amap_inl) free(d->amap);
    d->amap = NULL;
  }
  record_outcome(nd);
  void (*h)(void *) = nd->handler;
  void *arg = nd->arg;
  cp_node_recycle(c, nd);
  if (h && run_handler) h(arg);
}

static void check_fault(struct node *nd) {
  if (CP_UNLIKELY(atomic_load_explicit(&nd->d->fault_addr, memory_order_acquire) != 0)) {
    STAT_ADD(&nd->owner->st, faults, 1);
    cp_report_fault(nd->d);
  }
}

/* Are the segments of nd whose dst (or src) intersect [lo, lo+len) done?
 * Reads only those segments' state lines, not the task's `remaining`
 * counter, which the service thread rewrites after every segment. */
static bool segs_done(struct copier_descr *d, const char *base, const char *lo, size_t len) {
  if (!overlap(base, d->n, lo, len)) return true;
  const char *a = lo > base ? lo : base;
  const char *b = (lo + len < base + d->n) ? lo + len : base + d->n;
  uint64_t first = (uint64_t)(a - base) / d->gran, last = (uint64_t)(b - 1 - base) / d->gran;
  for (uint64_t j = first; j <= last; j++)
    if (atomic_load_explicit(SEG(d, j), memory_order_acquire) != SEG_DONE) return false;
  return true;
}

static inline bool reaches_end(const char *base, size_t n, const char *lo, size_t len) {
  return overlap(base, n, lo, len) && lo + len >= base + n;
}

/* Wait time is measured only when a csync does wait, so the ready path
 * never reads the clock. A copy is retired here when the csync reaches its
 * last bytes (the usual end of a copy-use loop, or a whole-copy csync);
 * copies synced part by part are retired by later calls. */
static void csync_slow(struct client *c, const char *a, size_t n) {
  uint64_t t0 = 0;
  struct node **pp = &c->active;
  while (*pp) {
    struct node *nd = *pp;
    struct copier_descr *d = nd->d;
    /* Only copies touching the range are looked at (and retired): others
     * are reaped by submissions, csync_all and copier_poll. */
    if (!overlap(nd->cdst, nd->cn, a, n) && !overlap(nd->csrc, nd->cn, a, n)) {
      pp = &nd->next;
      continue;
    }
    if (!segs_done(d, nd->cdst, a, n) || !segs_done(d, nd->csrc, a, n)) {
      uint64_t w0 = cp_now_ns();
      if (!t0) t0 = w0;
      nd->waited = 1;
      sync_part(c, nd, a, n, false);
      sync_part(c, nd, a, n, true);
      nd->wait_ns += cp_now_ns() - w0;
      check_fault(nd); /* the bytes just waited for may be the faulting ones */
    }
    if ((reaches_end(nd->cdst, nd->cn, a, n) || reaches_end(nd->csrc, nd->cn, a, n)) &&
        atomic_load_explicit(&d->remaining, memory_order_acquire) == 0) {
      check_fault(nd);
      *pp = nd->next;
      c->nactive--;
      cp_retire(c, nd, true);
    } else {
      pp = &nd->next;
    }
  }
  if (t0) {
    STAT_ADD(&c->st, csync_waited, 1);
    STAT_ADD(&c->st, wait_ns, cp_now_ns() - t0);
  }
  cp_pending_clear_if_idle(c);
}

/* Out of line, so the common csync (nothing pending on this thread) is a
 * leaf that saves no registers: two loads, two tests, return. */
static __attribute__((noinline)) void csync_pending(struct client *c, const void *addr, size_t n) {
  if (CP_UNLIKELY(atomic_load_explicit(&c->fault_pending, memory_order_acquire))) csync_all();
  csync_slow(c, addr, n);
  if (CP_UNLIKELY(HOOKS != NULL)) HOOKS->on_sync(addr, n);
}

void csync(const void *addr, size_t n) {
  struct client *c = cp_self;
  if (c && c->active) {
    csync_pending(c, addr, n);
    return;
  }
  if (CP_UNLIKELY(HOOKS != NULL)) HOOKS->on_sync(addr, n);
}

static __attribute__((noinline)) int in_flight_slow(struct client *c, const void *dst, const void *src,
                                                    size_t n) {
  if (HOOKS != NULL) return 1;
  /* Unretired copies count even when all their segments are done: their
   * fault, if any, is reported by the csync the synced path runs. */
  for (struct node *nd = c->active; nd; nd = nd->next)
    if (overlap(nd->cdst, nd->cn, dst, n) || overlap(nd->csrc, nd->cn, dst, n) ||
        overlap(nd->cdst, nd->cn, src, n) || overlap(nd->csrc, nd->cn, src, n))
      return 1;
  return 0;
}

/* A leaf like csync's ready path: the answer "nothing pending" costs two
 * loads and two tests (under the sanitizer the answer is always 1). */
int __copier_in_flight(const void *dst, const void *src, size_t n) {
  struct client *c = cp_self;
  if (CP_LIKELY(!c || !c->active)) return HOOKS != NULL;
  return in_flight_slow(c, dst, src, n);
}

/* The public form of the same question, for one range. Under the
 * sanitizer 0, so the program's checked path is the one it sees. */
int cdone(const void *addr, size_t n) {
  struct client *c = cp_self;
  if (CP_UNLIKELY(HOOKS != NULL)) return 0;
  if (CP_LIKELY(!c || !c->active)) return 1;
  return !in_flight_slow(c, addr, addr, n);
}

void cp_sync_all_client(struct client *c, bool run_handlers) {
  uint64_t t0 = 0;
  /* Faults first, so a report is not delayed behind other copies. */
  for (struct node *nd = c->active; nd; nd = nd->next) check_fault(nd);
  while (c->active) {
    struct node *nd = c->active;
    struct copier_descr *d = nd->d;
    if (atomic_load_explicit(&d->remaining, memory_order_acquire) != 0) {
      uint64_t w0 = cp_now_ns();
      if (!t0) t0 = w0;
      nd->waited = 1;
      if (d->nseg) cp_sync_segments(c, nd, 0, d->nseg - 1);
      nd->wait_ns += cp_now_ns() - w0;
    }
    check_fault(nd);
    c->active = nd->next;
    c->nactive--;
    cp_retire(c, nd, run_handlers);
  }
  atomic_store_explicit(&c->fault_pending, 0, memory_order_relaxed);
  if (t0) {
    STAT_ADD(&c->st, csync_waited, 1);
    STAT_ADD(&c->st, wait_ns, cp_now_ns() - t0);
  }
  cp_pending_clear_if_idle(c);
}

void csync_all(void) {
  struct client *c = cp_self;
  if (c && c->active) cp_sync_all_client(c, true);
  if (CP_UNLIKELY(HOOKS != NULL)) HOOKS->on_sync_all();
}

/* Resolve conflicts of a new copy with this client's pending copies. The
 * walk reads only client-private node fields; finished copies are reaped
 * (checking the service-written counters) only once the list is long.
 * p (may be NULL): earlier copies the new source reads from are recorded
 * there for absorption instead of being completed; the caller must then
 * pass p to cp_absorb_attach or cp_absorb_inline. WAW and WAR are
 * resolved first for each copy, so what is left in p is pending data whose
 * source the new copy does not write. */
void cp_submit_deps(struct client *c, const char *dst, const char *src, size_t n, struct absorb_plan *p) {
  /* Reap once per 32 submissions while the list is long: each check of an
   * unfinished copy is a cache miss on a line the service thread writes. */
  bool reap = c->nactive >= 32 && (++c->reap_tick & 31) == 0;
  if (!reap && !overlap(c->dlo, (size_t)(c->dhi - c->dlo), src, n) &&
      !overlap(c->dlo, (size_t)(c->dhi - c->dlo), dst, n) && !overlap(c->slo, (size_t)(c->shi - c->slo), dst, n))
    return;
  struct node **pp = &c->active;
  while (*pp) {
    struct node *nd = *pp;
    bool raw = overlap(nd->cdst, nd->cn, src, n), waw = overlap(nd->cdst, nd->cn, dst, n);
    bool war = overlap(nd->csrc, nd->cn, dst, n);
    if (!raw && !waw && !war && !reap) {
      pp = &nd->next;
      continue;
    }
    struct copier_descr *d = nd->d;
    bool keep = false;
    if ((raw || waw || war) && atomic_load_explicit(&d->remaining, memory_order_acquire) != 0) {
      if (waw || war) nd->waited = 1;
      if (waw) sync_part(c, nd, dst, n, false);
      if (war) sync_part(c, nd, dst, n, true);
      if (raw) {
        if (p && p->enabled && p->n < ABSORB_MAX_CAND && cp_absorbable(nd, p)) {
          const char *a = src > nd->cdst ? src : nd->cdst;
          const char *b = src + n < nd->cdst + nd->cn ? src + n : nd->cdst + nd->cn;
          p->cand[p->n].nd = nd;
          p->cand[p->n].j0 = (uint64_t)(a - nd->cdst) / d->gran;
          p->cand[p->n].j1 = (uint64_t)(b - 1 - nd->cdst) / d->gran;
          p->n++;
          keep = true; /* it must stay linked until the plan is used */
        } else {
          nd->waited = 1;
          sync_part(c, nd, src, n, false);
        }
      }
    }
    if (!keep && atomic_load_explicit(&d->remaining, memory_order_acquire) == 0 && !nd->handler &&
        atomic_load_explicit(&d->fault_addr, memory_order_relaxed) == 0) {
      *pp = nd->next;
      c->nactive--;
      cp_retire(c, nd, false);
    } else {
      pp = &nd->next;
    }
  }
}

static inline void inline_copy(void *dst, const void *src, size_t n, int move) {
  if (move || overlap(dst, n, src, n))
    memmove(dst, src, n);
  else
    cp_backend_copy(dst, src, n);
}

static void check_args(const char *fn, void *dst, const void *src, size_t n, void *ret) {
  if (n == 0) return;
  if ((uintptr_t)dst < 4096) cp_fatal_call(fn, "the destination is a NULL or near-NULL pointer", dst, src, n, ret);
  if ((uintptr_t)src < 4096) cp_fatal_call(fn, "the source is a NULL or near-NULL pointer", dst, src, n, ret);
  if ((uintptr_t)dst + n < (uintptr_t)dst || (uintptr_t)src + n < (uintptr_t)src)
    cp_fatal_call(fn, "the size runs past the end of the address space (a negative size?)", dst, src, n, ret);
}

/* Put a set-up node on the client's list and hand it to the service. */
void cp_enqueue(struct client *c, struct node *nd, bool lazy) {
  cp_link(c, nd);
  if (lazy) return;
  cp_ensure_started();
  if (atomic_load_explicit(&cp_eng.started, memory_order_relaxed) < 0) {
    cp_run_task(nd->d, &c->st, false);
    return;
  }
  atomic_store_explicit(&nd->state, NODE_QUEUED, memory_order_relaxed);
  if (!cp_ring_push(c, nd)) {
    /* Ring full: the copy runs here and now, nothing is lost. */
    atomic_store_explicit(&nd->state, NODE_IDLE, memory_order_relaxed);
    STAT_ADD(&c->st, inline_copies, 1);
    cp_run_task(nd->d, &c->st, false);
    return;
  }
  STAT_ADD(&c->st, offloaded, 1);
  /* Dekker with sleep_until_work: the push's seq_cst fetch-and-add on head
   * and this seq_cst load pair with the sleeper's seq_cst increment and
   * fence, so one of the two sees the other (no separate fence: on x86
   * the locked add already is a full barrier; an mfence on top is waste). */
  /* (When the other core is busy, the woken copier can be placed on this
   * core and preempt the submitter for the whole copy: the service thread
   * notices it ran on the submitter's CPU, and the site counts it a loss.
   * Timing the wake instead misjudged quiet runs, where a wake alone takes
   * 4-18 us in this call.) */
  if (atomic_load_explicit(&cp_eng.sleepers, memory_order_seq_cst) > 0) cp_wake_service();
  /* The next node was last written by a service thread: ask for its lines
   * now, so the next submission does not stall on those misses. */
  struct node *nx = c->free;
  if (nx) {
    __builtin_prefetch(&nx->state, 1);
    __builtin_prefetch(nx->inl, 1);
    __builtin_prefetch(nx->inl + DESCR_HDR, 1);
  }
}

/* Copy inline on the client's grant from one of its last inline-learnt
 * sites (the bytes site.c booked for it), if this copy is from one and fits.
 * Returns the grant's index, or -1; *sample (if not NULL) says to time
 * this copy.
 *
 * One copy per 4 MiB of a grant is timed, so the site's idea of what a
 * local copy costs follows its buffers (a first sample taken while they
 * were cache-hot, in a program's set-up, would otherwise stand for the
 * whole grant): the copy whose bytes cross a 4 MiB boundary of the grant's
 * remainder, which costs no bookkeeping of its own. Two clock reads are
 * ~50 ns, ~0.2% per 4 MiB even cache-hot (every 8th 16 KiB copy cost 4%). */
#define GRANT_SAMPLE_SHIFT 22
static inline int take_inline_grant(struct client *c, uint64_t site, size_t n, bool *sample) {
  uint64_t key = cp_site_key(site, n);
  for (int i = 0; i < INLINE_GRANTS; i++)
    if (c->grants[i].site == key) {
      size_t left = c->grants[i].bytes;
      if (n >= left) return -1;
      c->grants[i].bytes = left - n;
      if (sample)
        *sample = n >= CP_SITE_SAMPLE_MIN && (left >> GRANT_SAMPLE_SHIFT) != ((left - n) >> GRANT_SAMPLE_SHIFT);
      return i;
    }
  return -1;
}

/* A copy this thread makes at once, without entering cp_submit. */
static inline void count_inline_copy(struct client *c, size_t n) {
  STAT_ADD(&c->st, copies, 1);
  STAT_ADD(&c->st, bytes, n);
  STAT_ADD(&c->st, inline_copies, 1);
}

static __attribute__((noinline)) void *timed_inline_copy(struct client *c, int16_t slot, void *dst,
                                                         const void *src, size_t n) {
  count_inline_copy(c, n);
  uint64_t t0 = cp_now_ns();
  memmove(dst, src, n);
  cp_site_local_sample(slot, n, cp_now_ns() - t0);
  return dst;
}

/* Remember a grant for the site's copies of n's size class, replacing its
 * old entry or the oldest one (whose unused bytes go back to its site). */
static void keep_inline_grant(struct client *c, uint64_t site, size_t n, int16_t slot, size_t bytes) {
  uint64_t key = cp_site_key(site, n);
  int at = -1;
  for (int i = 0; i < INLINE_GRANTS && at < 0; i++)
    if (c->grants[i].site == key) at = i;
  if (at < 0) {
    at = (int)(c->grant_next++ % INLINE_GRANTS);
    if (c->grants[at].site && c->grants[at].bytes) cp_site_return_grant(c->grants[at].slot, c->grants[at].bytes);
  }
  c->grants[at] = (struct inline_grant){key, bytes, slot};
}

/* force: 0 adaptive, 1 always offload. */
void *cp_submit(void *dst, const void *src, size_t n, int move, uint64_t site, void *ret, int force) {
  check_args(move ? "amemmove" : "amemcpy", dst, src, n, ret);
  struct client *c = cp_client();
  if (CP_UNLIKELY(HOOKS != NULL)) {
    HOOKS->on_submit(dst, src, n, move ? COPIER_MOVE : COPIER_COPY);
    __copier_pending = 1;
  }
  STAT_ADD(&c->st, copies, 1);
  STAT_ADD(&c->st, bytes, n);
  if (n == 0 || dst == src) return dst;
  struct absorb_plan plan;
  plan.n = 0;
  plan.enabled = cp_cfg.absorb && !overlap(dst, n, src, n);
  plan.lazy = false;
  if (c->active) cp_submit_deps(c, dst, src, n, &plan);
  int16_t slot = -1;
  bool off = n >= cp_cfg.sync_below || force;
  /* No service thread (threads=0, or none could start): copy here, and do
   * not let the site learn from copies that were never offloaded. */
  if (off && (atomic_load_explicit(&cp_eng.started, memory_order_relaxed) < 0 ||
              atomic_load_explicit(&cp_eng.stopping, memory_order_relaxed) ||
              atomic_load_explicit(&cp_eng.fork_pending, memory_order_relaxed) ||
              c->nactive >= cp_cfg.max_active))
    off = false;
  if (off && !force && take_inline_grant(c, site, n, NULL) >= 0) {
    /* The grant the site gave this client, used here when the fast path is
     * not taken (copies pending, the sanitizer's hooks): the site booked
     * those bytes, so asking it again would probe. */
    off = false;
  } else if (off && !force) {
    size_t grant;
    off = cp_site_should_offload(site, n, &slot, &grant) != 0;
    if (grant) keep_inline_grant(c, site, n, slot, grant);
  }
  /* Until a service thread first runs, only the copy that starts it is
   * offloaded (unjudged: it waits for the thread's start, 27-31 us at
   * best); later adaptive copies are copied here. A new thread can wait
   * milliseconds for a CPU (placed behind its creator), and copies queued
   * meanwhile were taken over by their csyncs at once: judging them sent
   * sites that gain from offloading inline, and not judging them let
   * recv-then-parse offload ~800 16 KiB copies in a row for nothing
   * (1.18x the time in some runs). */
  bool unjudged = false;
  if (off && slot >= 0 && CP_UNLIKELY(!atomic_load_explicit(&cp_eng.serving, memory_order_relaxed))) {
    if (atomic_load_explicit(&cp_eng.started, memory_order_acquire) != 0)
      off = false;
    else
      unjudged = true;
  }
  /* A sleeping copier costs the caller ~6 us to wake: copy small ones here,
   * but only until wake_above bytes went inline that way; then wake it.
   * (Without that a stream of mid-size copies never woke the copier.) */
  /* Probes of a losing site too: a probe that met a sleeping copier would
   * get no verdict anyway (record_outcome), and waking it for one small
   * copy costs more than the copy (and can put the copier on this core). */
  if (off && !force && n < cp_cfg.wake_above &&
      atomic_load_explicit(&cp_eng.sleepers, memory_order_relaxed) > 0) {
    c->asleep_bytes += n;
    if (c->asleep_bytes < cp_cfg.wake_above)
      off = false;
    else
      c->asleep_bytes = 0;
  }
  if (!off) {
    STAT_ADD(&c->st, inline_copies, 1);
    /* The first inline copy of each grant (or of a wake-saving choice) is
     * timed: the site's verdicts compare offloaded copies with this. */
    uint64_t t0 = slot >= 0 && n >= CP_SITE_SAMPLE_MIN ? cp_now_ns() : 0;
    if (plan.n)
      cp_absorb_inline(c, &plan, dst, src, n);
    else
      inline_copy(dst, src, n, move);
    if (t0) cp_site_local_sample(slot, n, cp_now_ns() - t0);
    return dst;
  }
  size_t gran = cp_cfg.segment;
  uint64_t nseg = (n + gran - 1) / gran;
  struct node *nd = cp_node_alloc(c, nseg);
  if (!nd) {
    if (plan.n)
      cp_absorb_inline(c, &plan, dst, src, n);
    else
      inline_copy(dst, src, n, move);
    return dst;
  }
  uint32_t fl = move ? DF_MOVE : 0;
  if (overlap(dst, n, src, n)) {
    /* Overlapping move: one task whose segments run strictly in order, in
     * the direction memmove would copy, each segment with memmove. */
    fl |= DF_ORDERED | DF_MOVE;
    if ((char *)dst > (const char *)src) fl |= DF_BACKWARD;
  }
  if (cp_cfg.nt_above && n >= cp_cfg.nt_above && !(fl & DF_ORDERED)) fl |= DF_NT;
  cp_descr_setup(nd->d, dst, src, n, gran, fl, SEG_PAD);
  nd->d->ret = ret;
  nd->d->site = site;
  if (slot >= 0) cp_site_offloaded(slot);
  nd->site_slot = unjudged ? -1 : slot;
  /* Only a verdict uses it; sched_getcpu reads glibc's rseq area (~ns). */
  nd->submit_cpu = slot >= 0 ? (int16_t)sched_getcpu() : -1;
  atomic_store_explicit(&nd->svc_colocated, 0, memory_order_relaxed);
  if (plan.n) cp_absorb_attach(c, &plan, nd);
  cp_enqueue(c, nd, false);
  return dst;
}

/* Copies at or above sync_below, with nothing pending on this thread: the
 * site's inline grant (site.c) if this client holds one for it, else the
 * full submission path. Out of line, so the entry points below stay leaves. */
static __attribute__((noinline)) void *submit_granted(void *dst, const void *src, size_t n, int move,
                                                      uint64_t site, void *ret) {
  struct client *c = cp_self;
  if (c && !c->active && HOOKS == NULL && (uintptr_t)dst >= 4096 && (uintptr_t)src >= 4096) {
    bool sample;
    int g = take_inline_grant(c, site, n, &sample);
    if (g >= 0) {
      if (CP_UNLIKELY(sample)) return timed_inline_copy(c, c->grants[g].slot, dst, src, n);
      count_inline_copy(c, n);
      return memmove(dst, src, n);
    }
  }
  return cp_submit(dst, src, n, move, site, ret, 0);
}

/* The fast path (no pending copies of this thread, no sanitizer, a copy
 * below sync_below) is a TLS load and a few compares, then a tail call of
 * memmove: no frame, no saved registers. An immediate amemcpy + csync of
 * 4 KiB ran at 0.82-0.94x memcpy when this path saved five registers and called
 * memmove; everything else goes to submit_granted. */
#define FAST_PATH(dst, src, n, site, ret, move)                                                      \
  do {                                                                                                \
    struct client *c_ = cp_self;                                                                      \
    if (CP_LIKELY(c_ && !c_->active && HOOKS == NULL && n < cp_cfg.sync_below &&                      \
                  (uintptr_t)dst >= 4096 && (uintptr_t)src >= 4096)) {                                \
      count_inline_copy(c_, n);                                                                       \
      return memmove(dst, src, n);                                                                    \
    }                                                                                                 \
    return submit_granted(dst, src, n, move, site, ret);                                              \
  } while (0)

void *amemcpy(void *dst, const void *src, size_t n) {
  void *ret = __builtin_return_address(0);
  FAST_PATH(dst, src, n, (uint64_t)(uintptr_t)ret, ret, 0);
}

void *amemmove(void *dst, const void *src, size_t n) {
  void *ret = __builtin_return_address(0);
  FAST_PATH(dst, src, n, (uint64_t)(uintptr_t)ret, ret, 1);
}

void *__copier_amemcpy_site(void *dst, const void *src, size_t n, uint64_t site) {
  FAST_PATH(dst, src, n, site, __builtin_return_address(0), 0);
}

void *__copier_amemmove_site(void *dst, const void *src, size_t n, uint64_t site) {
  FAST_PATH(dst, src, n, site, __builtin_return_address(0), 1);
}
