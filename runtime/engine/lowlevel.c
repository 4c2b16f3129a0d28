/*
 * lowlevel.c — caller-owned descriptors, completion handlers, lazy copies,
 * abort, polling and shared-memory descriptors (see copier.h).
 *
 * A caller-owned descriptor gets an engine node like any other copy; the
 * node, not the descriptor, is what the ring holds, so the caller can reuse
 * the descriptor as soon as the copy is retired even if a service thread
 * has yet to pop the node.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include "internal.h"

#define HOOKS __copier_sanitizer_hooks

size_t copier_descr_size(size_t n, size_t gran) {
  cp_engine_init(); /* the default segment size comes from the configuration */
  if (!gran) gran = cp_cfg.segment;
  size_t nseg = n ? (n + gran - 1) / gran : 0;
  return (DESCR_BYTES(nseg, 1) + 7) & ~(size_t)7;
}

static struct node *find(struct client *c, const struct copier_descr *d, struct node ***link) {
  for (struct node **pp = &c->active; *pp; pp = &(*pp)->next)
    if ((*pp)->d == d) {
      if (link) *link = pp;
      return *pp;
    }
  return NULL;
}

copier_descr *_amemcpy(void *mem, void *dst, const void *src, size_t n, size_t gran, unsigned flags,
                       void (*handler)(void *), void *arg) {
  void *ret = __builtin_return_address(0);
  if (!mem || ((uintptr_t)mem & 7)) {
    fprintf(stderr, "copier: _amemcpy: the descriptor memory %p is %s; pass 8-byte aligned memory of "
                    "copier_descr_size(n, granularity) bytes\n", mem, mem ? "misaligned" : "NULL");
    return NULL;
  }
  if (flags & ~(COPIER_MOVE_F | COPIER_LAZY_F | COPIER_SHARED_F)) {
    fprintf(stderr, "copier: _amemcpy: unknown flags 0x%x (known: COPIER_MOVE_F, COPIER_LAZY_F, COPIER_SHARED_F)\n",
            flags & ~(COPIER_MOVE_F | COPIER_LAZY_F | COPIER_SHARED_F));
    return NULL;
  }
  if ((flags & COPIER_LAZY_F) && (flags & COPIER_SHARED_F)) {
    fprintf(stderr, "copier: _amemcpy: COPIER_LAZY_F and COPIER_SHARED_F cannot be combined (the other "
                    "process cannot run a lazy copy)\n");
    return NULL;
  }
  int move = (flags & COPIER_MOVE_F) != 0;
  if (n && ((uintptr_t)dst < 4096 || (uintptr_t)src < 4096 || (uintptr_t)dst + n < (uintptr_t)dst ||
            (uintptr_t)src + n < (uintptr_t)src)) {
    fprintf(stderr, "copier: _amemcpy(dst=%p, src=%p, n=%zu): a NULL pointer or a range past the end of "
                    "the address space\n", dst, src, n);
    return NULL;
  }
  if (!move && n && (char *)dst < (const char *)src + n && (const char *)src < (char *)dst + n) {
    fprintf(stderr, "copier: _amemcpy(dst=%p, src=%p, n=%zu): the ranges overlap; pass COPIER_MOVE_F\n",
            dst, src, n);
    return NULL;
  }
  struct client *c = cp_client();
  if (!gran) gran = cp_cfg.segment;
  struct copier_descr *d = mem;
  uint32_t fl = DF_CALLER | (move ? DF_MOVE : 0) | ((flags & COPIER_LAZY_F) ? DF_LAZY : 0) |
                ((flags & COPIER_SHARED_F) ? DF_SHARED : 0);
  if (move && n && (char *)dst < (const char *)src + n && (const char *)src < (char *)dst + n) {
    fl |= DF_ORDERED;
    if ((char *)dst > (const char *)src) fl |= DF_BACKWARD;
  }
  if (HOOKS) {
    HOOKS->on_submit(dst, src, n, (flags & COPIER_LAZY_F) ? COPIER_LAZY_COPY : move ? COPIER_MOVE : COPIER_COPY);
    __copier_pending = 1;
  }
  STAT_ADD(&c->st, copies, 1);
  STAT_ADD(&c->st, bytes, n);
  if (flags & COPIER_LAZY_F) STAT_ADD(&c->st, lazy_copies, 1);
  /* Earlier copies it depends on are completed first, or absorbed (see
   * engine.c, absorb.c). */
  struct absorb_plan plan;
  plan.n = 0;
  plan.enabled = cp_cfg.absorb && !(fl & DF_ORDERED);
  plan.lazy = (flags & COPIER_LAZY_F) != 0;
  cp_submit_deps(c, dst, src, n, &plan);
  struct node *nd = cp_node_alloc(c, 0);
  if (!nd) {
    for (int i = 0; i < plan.n; i++) cp_sync_segments(c, plan.cand[i].nd, plan.cand[i].j0, plan.cand[i].j1);
    fprintf(stderr, "copier: _amemcpy: out of memory\n");
    return NULL;
  }
  nd->d = d;
  cp_descr_setup(d, dst, src, n, gran, fl, 1);
  if (plan.n) cp_absorb_attach(c, &plan, nd);
  d->ret = ret;
  d->site = 0;
  nd->handler = handler;
  nd->arg = arg;
  bool lazy = (flags & COPIER_LAZY_F) != 0;
  if (!lazy && !(flags & COPIER_SHARED_F) && n < cp_cfg.wake_above &&
      atomic_load_explicit(&cp_eng.sleepers, memory_order_relaxed) > 0) {
    /* Same rule as amemcpy: do not pay a wake for a small copy. */
    cp_link(c, nd);
    STAT_ADD(&c->st, inline_copies, 1);
    cp_run_task(d, &c->st, false);
    return d;
  }
  cp_enqueue(c, nd, lazy);
  return d;
}

/* Wait without helping: for a copy of another thread or process. */
static void wait_range(const struct copier_descr *d, uint64_t first, uint64_t last) {
  for (uint64_t j = first; j <= last; j++) cp_wait_done((struct copier_descr *)d, j);
}

static int seg_range(const struct copier_descr *d, size_t off, size_t len, uint64_t *first, uint64_t *last) {
  if (!len || off >= d->n) return 0;
  if (len > d->n - off) len = d->n - off;
  *first = off / d->gran;
  *last = (off + len - 1) / d->gran;
  return 1;
}

void _csync(copier_descr *d, size_t off, size_t len) {
  if (!d) return;
  uint64_t first, last;
  bool whole = off == 0 && len >= d->n;
  struct client *c = cp_self;
  struct node **link = NULL;
  struct node *nd = (c && d->owner_pid == cp_eng.pid) ? find(c, d, &link) : NULL;
  if (!nd) {
    /* Retired already, or not ours (another thread or process): wait. */
    if (seg_range(d, off, len, &first, &last)) wait_range(d, first, last);
    if (atomic_load_explicit(&d->fault_addr, memory_order_acquire)) cp_report_fault(d);
    if (HOOKS) HOOKS->on_sync(d->dst + off, len);
    return;
  }
  if (seg_range(d, off, len, &first, &last)) {
    if (atomic_load_explicit(&d->remaining, memory_order_acquire)) {
      uint64_t t0 = cp_now_ns();
      bool waited = false;
      for (uint64_t j = first; j <= last; j++)
        if (atomic_load_explicit(SEG(d, j), memory_order_acquire) != SEG_DONE) waited = true;
      if (waited) {
        nd->waited = 1;
        cp_sync_segments(c, nd, first, last);
        STAT_ADD(&c->st, csync_waited, 1);
        STAT_ADD(&c->st, wait_ns, cp_now_ns() - t0);
      }
    }
  }
  if (atomic_load_explicit(&d->fault_addr, memory_order_acquire)) cp_report_fault(d);
  if (whole && atomic_load_explicit(&d->remaining, memory_order_acquire) == 0) {
    *link = nd->next;
    c->nactive--;
    cp_retire(c, nd, true);
    cp_pending_clear_if_idle(c);
  }
  if (HOOKS) HOOKS->on_sync(d->dst + off, len);
}

int _cdone(const copier_descr *d, size_t off, size_t len) {
  uint64_t first, last;
  if (!d || !seg_range(d, off, len, &first, &last)) return 1;
  for (uint64_t j = first; j <= last; j++)
    if (atomic_load_explicit(SEG(d, j), memory_order_acquire) != SEG_DONE) return 0;
  return 1;
}

size_t copier_abort(copier_descr *d) {
  if (!d) return 0;
  struct client *c = cp_self;
  struct node **link = NULL;
  struct node *nd = c ? find(c, d, &link) : NULL;
  if (!nd) return 0; /* retired already: nothing left to discard */
  /* Later copies that read through its pending segments read them first
   * (absorb.c): after abort the caller may reuse the source. */
  if ((atomic_load_explicit(&d->flags, memory_order_relaxed) & DF_HELD) && d->nseg)
    cp_absorb_unhold(c, nd, 0, d->nseg - 1);
  atomic_fetch_or_explicit(&d->flags, DF_ABORTED, memory_order_relaxed);
  size_t dropped = 0;
  uint64_t dropped_segs = 0;
  /* One locked decrement of remaining for all dropped segments, not one
   * per segment: the per-segment CAS and decrement were 85% of abort's
   * time (a 64 KiB lazy receive in 4 KiB segments: ~1% of kvstore's).
   * Until the decrement, remaining only overstates what is left, which
   * every reader takes as "not finished yet". A plain load first skips
   * the segments already done without a locked instruction. */
  for (uint64_t j = 0; j < d->nseg; j++) {
    uint8_t expect = SEG_PENDING;
    if (atomic_load_explicit(SEG(d, j), memory_order_relaxed) == SEG_PENDING &&
        atomic_compare_exchange_strong_explicit(SEG(d, j), &expect, SEG_CLAIMED, memory_order_acquire,
                                                memory_order_relaxed)) {
      uint64_t off = j * d->gran;
      dropped += (size_t)(d->n - off < d->gran ? d->n - off : d->gran);
      dropped_segs++;
      if (d->amap) cp_absorb_release(d, j, j, NULL, 0);
      atomic_store_explicit(SEG(d, j), SEG_DONE, memory_order_release);
    }
  }
  if (dropped_segs &&
      atomic_fetch_sub_explicit(&d->remaining, dropped_segs, memory_order_acq_rel) == dropped_segs)
    atomic_fetch_add_explicit(&d->futex, 1, memory_order_release);
  if (atomic_load_explicit(&d->flags, memory_order_relaxed) & DF_SHARED) cp_segments_done(d);
  for (uint64_t j = 0; j < d->nseg; j++) cp_wait_done(d, j);
  STAT_ADD(&c->st, aborted, 1);
  if ((atomic_load_explicit(&d->flags, memory_order_relaxed) & DF_LAZY) && dropped_segs == d->nseg && d->nseg)
    STAT_ADD(&c->st, lazy_never, 1);
  *link = nd->next;
  c->nactive--;
  cp_retire(c, nd, false);
  if (HOOKS) HOOKS->on_abort(d->dst, d->n);
  cp_pending_clear_if_idle(c);
  return dropped;
}

int copier_poll(void) {
  struct client *c = cp_self;
  if (!c) return 0;
  int n = 0;
  struct node **pp = &c->active;
  while (*pp) {
    struct node *nd = *pp;
    if (atomic_load_explicit(&nd->d->remaining, memory_order_acquire) == 0) {
      if (atomic_load_explicit(&nd->d->fault_addr, memory_order_acquire)) cp_report_fault(nd->d);
      *pp = nd->next;
      c->nactive--;
      cp_retire(c, nd, true);
      n++;
      /* a handler may have submitted copies: restart from the head */
      pp = &c->active;
    } else {
      pp = &nd->next;
    }
  }
  cp_pending_clear_if_idle(c);
  return n;
}

copier_descr *shm_descr_bind(void *mem, size_t size) {
  struct copier_descr *d = mem;
  if (!mem || ((uintptr_t)mem & 7) || size < DESCR_HDR) {
    fprintf(stderr, "copier: shm_descr_bind: %p (%zu bytes) cannot hold a descriptor\n", mem, size);
    return NULL;
  }
  if (d->magic != DESCR_MAGIC || d->version != DESCR_VERSION) {
    fprintf(stderr, "copier: shm_descr_bind: no copier descriptor at %p (bad magic/version): the producer "
                    "must submit its copy with _amemcpy(..., COPIER_SHARED_F, ...) on this memory first\n", mem);
    return NULL;
  }
  if (!d->gran || d->nseg != (d->n + d->gran - 1) / d->gran || (d->stride != 1 && d->stride != SEG_PAD) ||
      size < DESCR_BYTES(d->nseg, d->stride)) {
    fprintf(stderr, "copier: shm_descr_bind: the descriptor at %p is corrupt or larger than the %zu bytes given\n",
            mem, size);
    return NULL;
  }
  return d;
}
