/*
 * absorb.c — copy absorption (paper §4.4, layered absorption).
 *
 * A copy X = B->C submitted while an earlier copy O = A->B of the same
 * client still has segments pending reads those bytes of B from A instead
 * of waiting for O. Its descriptor gets a map of runs "bytes [off, off+len)
 * of X come from src, on behalf of origin O"; the rest of X reads B, where
 * O is done. X is submitted at once: the submitter neither copies A->B nor
 * waits for it, and a lazy O whose B is never synced never runs at all.
 *
 * Why reading A is right. Only PENDING segments of O are absorbed. A
 * segment that is pending has not been synced (a csync of it completes it),
 * so by the caller rules (copier.h) the program has not written B there
 * (writing B needs a csync of B first) and has not written A there either
 * (writing a source needs a csync of the destination it is copied to; the
 * engine's csync of A itself also completes O). A later copy into A or B
 * completes O's overlapping segments before it is submitted (cp_submit_deps).
 * So while the segment is pending, A holds exactly the bytes O would put in
 * B. Segments that are DONE may have been synced and then B (or A) written
 * (paper Fig. 8-a): X reads those from B — the "layers".
 *
 * Keeping A unchanged until X has read it: every origin segment X reads
 * through gets a *hold* (a count in its state byte, internal.h). A held
 * segment is not claimable, so it is neither copied nor DONE: every path
 * that needs it — a csync of B or of A, csync_all, a later copy into A or B,
 * copier_abort, the handler that frees A after O — finds it not done and
 * goes through cp_sync_segments, which first completes the holders'
 * segments (cp_absorb_unhold). So O is never done, synced, retired or
 * aborted while X still reads A. The holder releases its holds after
 * copying the segment and before marking it DONE (release order: its reads
 * of A happen before anyone can see O's segment claimable).
 *
 * Cases:
 * - Partial overlap, unaligned offsets: each origin segment covers one
 *   interval of X's source; it gets one hold per segment of X that
 *   intersects that interval, and each segment of X releases each origin
 *   segment it reads through once. Granularities of X and O are unrelated.
 * - Chains A->B->C->D: C->D absorbs B->C, reading where B->C reads (A
 *   where B->C absorbed A->B, B elsewhere), and holds B->C's segments; those
 *   hold A->B's until B->C has copied them, so A stays protected through
 *   the chain. Completing A->B completes B->C's holders, which completes
 *   C->D's first (recursion, bounded by ABSORB_MAX_DEPTH).
 * - Several earlier writers of B: a copy into B completes the older
 *   writers' segments it overlaps, so at most one not-done segment covers a
 *   byte of B; that is the one absorbed.
 * - Overlapping moves: an overlapping amemmove writes its own source, so it
 *   is never an origin, and it never absorbs (its segments' order matters).
 *   A non-overlapping amemmove is a copy like any other.
 * - Lazy: a lazy origin is never run by releasing holds; a lazy X absorbs
 *   only lazy origins (holding a non-lazy O would stall the service on it).
 *   abort of O completes its holders, then discards what has not run.
 * - A non-lazy O still runs: service threads skip held segments (and look
 *   again after one pass), and the service thread that releases the last
 *   hold claims and copies the segment (A is hot in its cache then). A
 *   client releasing the last hold (a csync of C helping) leaves it to
 *   whoever needs it next (a csync of B, csync_all). Handing O back to the
 *   service then (re-queueing its node) was tried and removed: no gain
 *   that this noisy machine could show, and more code touching the
 *   states of other copies' nodes.
 * - Shared-memory origins are not absorbed (another process waits on them).
 * - A copy done inline at submission reads the same sources and takes no
 *   holds: it is finished before the call returns.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define MAX_RUNS 32
#define ABSORB_MAX_DEPTH 16

static inline uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static inline uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

struct builder {
  struct absorb_run *run;
  uint32_t n, cap, depth;
  uint64_t absorbed;
};

/* Undo point: the last run may have been extended by a merge. */
struct mark { uint32_t n; struct absorb_run last; };
static inline struct mark mark(const struct builder *b) {
  struct mark m = {b->n, {0, 0, NULL, NULL, 0, 0, 0}};
  if (b->n) m.last = b->run[b->n - 1];
  return m;
}
static inline void undo(struct builder *b, struct mark m) {
  b->n = m.n;
  if (m.n) b->run[m.n - 1] = m.last;
}

/* Append a run, merging it with the last one when contiguous on either
 * side (segments are taken back to front, their pieces front to back). */
static bool push(struct builder *b, uint64_t off, uint64_t len, const char *src, struct copier_descr *o,
                 uint64_t ooff) {
  if (b->n) {
    struct absorb_run *r = &b->run[b->n - 1];
    if (r->origin == o && r->off + r->len == off && r->src + r->len == src && r->ooff + r->len == ooff) {
      r->len += len;
      return true;
    }
    if (r->origin == o && off + len == r->off && src + len == r->src && ooff + len == r->ooff) {
      r->off = off, r->src = src, r->ooff = ooff, r->len += len;
      return true;
    }
  }
  if (b->n == b->cap) return false;
  b->run[b->n++] = (struct absorb_run){off, len, src, o, ooff, o->gran, o->stride};
  return true;
}

/* Runs for origin o's bytes [o0, o1), read by the new copy at offset off:
 * from where o reads them (its map, for a chain) or o's own source.
 * All or nothing. */
static bool add_origin_range(struct builder *b, struct copier_descr *o, uint64_t o0, uint64_t o1, uint64_t off) {
  struct mark m = mark(b);
  const struct absorb_map *om = o->amap;
  uint32_t i = 0;
  for (uint64_t x = o0; x < o1;) {
    const struct absorb_run *r = NULL;
    if (om) {
      while (i < om->nrun && om->run[i].off + om->run[i].len <= x) i++;
      if (i < om->nrun) r = &om->run[i];
    }
    uint64_t y;
    const char *s;
    if (r && r->off <= x) {
      y = min_u64(o1, r->off + r->len);
      s = r->src + (x - r->off);
    } else {
      y = r ? min_u64(o1, r->off) : o1;
      s = o->src + x;
    }
    if (!push(b, off + (x - o0), y - x, s, o, x)) {
      undo(b, m);
      return false;
    }
    x = y;
  }
  return true;
}

/* Take the planned absorptions segment by segment. hold: the new copy runs
 * later (take holds, wait for segments being copied); else it runs now. A
 * segment that cannot be absorbed is completed, and read from B. Segments
 * are taken from the last: a service thread runs the origin front to back,
 * so going the same way would wait for it at every segment (measured:
 * submitting a 1 MiB B->C cost as much as copying it), while this way it
 * is met once and then finds the rest held. */
static void build(struct client *c, struct absorb_plan *p, const char *src, size_t n, uint64_t gran, bool hold,
                  struct builder *b) {
  for (int i = 0; i < p->n; i++) {
    struct node *nd = p->cand[i].nd;
    struct copier_descr *o = nd->d;
    uint64_t og = o->gran;
    bool used = false;
    for (uint64_t j = p->cand[i].j1 + 1; j-- > p->cand[i].j0;) {
      uint64_t bs = j * og, be = min_u64(bs + og, o->n);
      const char *lo = o->dst + bs > src ? o->dst + bs : src;
      const char *hi = o->dst + be < src + n ? o->dst + be : src + n;
      if (lo >= hi) continue;
      uint64_t off = (uint64_t)(lo - src), len = (uint64_t)(hi - lo), o0 = (uint64_t)(lo - o->dst);
      uint64_t h = hold ? (off + len - 1) / gran - off / gran + 1 : 0;
      for (;;) {
        uint8_t v = atomic_load_explicit(SEG(o, j), memory_order_acquire);
        if (SEG_STATE(v) == SEG_DONE) break;
        if (hold && SEG_STATE(v) == SEG_CLAIMED) {
          cp_wait_done(o, j); /* being copied: a few microseconds */
          break;
        }
        struct mark m = mark(b);
        if ((hold && v / SEG_HOLD + h > SEG_MAX_HOLDS) || !add_origin_range(b, o, o0, o0 + len, off)) {
          cp_sync_segments(c, nd, j, j);
          break;
        }
        if (!hold) { /* runs now: A cannot change before it has */
          b->absorbed += len;
          used = true;
          break;
        }
        /* The flag first: whoever sees the hold must find it. */
        atomic_fetch_or_explicit(&o->flags, DF_HELD, memory_order_relaxed);
        uint8_t e = v;
        if (atomic_compare_exchange_strong_explicit(SEG(o, j), &e, (uint8_t)(v + h * SEG_HOLD), memory_order_acq_rel,
                                                    memory_order_acquire)) {
          b->absorbed += len;
          used = true;
          break;
        }
        undo(b, m); /* a service thread claimed it meanwhile: look again */
      }
    }
    if (used) {
      uint32_t dp = (o->amap ? o->amap->depth : 0) + 1;
      if (dp > b->depth) b->depth = dp;
    }
  }
  /* Candidates came newest copy first: order the runs by offset. */
  for (uint32_t i = 1; i < b->n; i++) {
    struct absorb_run r = b->run[i];
    uint32_t k = i;
    for (; k > 0 && b->run[k - 1].off > r.off; k--) b->run[k] = b->run[k - 1];
    b->run[k] = r;
  }
}

/* The new copy will not absorb after all: complete what was left for it. */
static void complete_all(struct client *c, struct absorb_plan *p) {
  for (int i = 0; i < p->n; i++) cp_sync_segments(c, p->cand[i].nd, p->cand[i].j0, p->cand[i].j1);
  p->n = 0;
}

void cp_absorb_attach(struct client *c, struct absorb_plan *p, struct node *nd) {
  struct copier_descr *d = nd->d;
  _Alignas(8) unsigned char tmp[ABSORB_MAP_BYTES(MAX_RUNS)];
  struct absorb_map *t = (struct absorb_map *)tmp;
  struct builder b = {t->run, 0, MAX_RUNS, 0, 0};
  struct absorb_plan saved = *p;
  build(c, p, d->src, d->n, d->gran, true, &b);
  p->n = 0;
  if (!b.n) return;
  t->nrun = b.n;
  t->depth = b.depth;
  struct absorb_map *m = b.n <= ABSORB_INLINE_RUNS ? (struct absorb_map *)nd->amap_inl : malloc(ABSORB_MAP_BYTES(b.n));
  if (!m) {
    /* Give the holds back (the release of every segment takes exactly
     * those), then do what the copy would have waited for. */
    d->amap = t;
    cp_absorb_release(d, 0, d->nseg - 1, NULL, 0);
    d->amap = NULL;
    complete_all(c, &saved);
    return;
  }
  memcpy(m, t, ABSORB_MAP_BYTES(b.n));
  d->amap = m;
  STAT_ADD(&c->st, absorbed_bytes, b.absorbed);
}

void cp_absorb_inline(struct client *c, struct absorb_plan *p, char *dst, const char *src, size_t n) {
  struct absorb_run run[MAX_RUNS];
  struct builder b = {run, 0, MAX_RUNS, 0, 0};
  build(c, p, src, n, 1, false, &b);
  p->n = 0;
  uint64_t x = 0;
  for (uint32_t i = 0; i < b.n; i++) {
    if (run[i].off > x) cp_backend_copy(dst + x, src + x, run[i].off - x);
    cp_backend_copy(dst + run[i].off, run[i].src, run[i].len);
    x = run[i].off + run[i].len;
  }
  if (x < n) cp_backend_copy(dst + x, src + x, n - x);
  STAT_ADD(&c->st, absorbed_bytes, b.absorbed);
}

/* Copy bytes [off, end) of an absorbing copy, each part from its source. */
int cp_absorb_copy(struct copier_descr *d, uint64_t off, uint64_t end, int mode, uintptr_t *fa, int *sig) {
  const struct absorb_map *m = d->amap;
  uint64_t x = off;
  for (uint32_t i = 0; i < m->nrun && x < end; i++) {
    const struct absorb_run *r = &m->run[i];
    if (r->off + r->len <= x) continue;
    if (r->off >= end) break;
    if (r->off > x) {
      if (cp_guarded_copy(d->dst + x, d->src + x, (size_t)(r->off - x), mode, fa, sig)) return -1;
      x = r->off;
    }
    uint64_t y = min_u64(end, r->off + r->len);
    if (cp_guarded_copy(d->dst + x, r->src + (x - r->off), (size_t)(y - x), mode, fa, sig)) return -1;
    x = y;
  }
  if (x < end && cp_guarded_copy(d->dst + x, d->src + x, (size_t)(end - x), mode, fa, sig)) return -1;
  return 0;
}

/* Release the holds of segments j0..j1 of an absorbing copy (copied or
 * discarded; not yet marked DONE). With out (service threads), a non-lazy
 * origin segment whose last hold this was is claimed instead and returned,
 * pinned, for the caller to copy after marking its own segments DONE. The
 * last touch of an origin is the atomic on its state byte (or the pin). */
int cp_absorb_release(struct copier_descr *d, uint64_t j0, uint64_t j1, struct absorb_claim *out, int max) {
  const struct absorb_map *m = d->amap;
  int nout = 0;
  for (uint64_t k = j0; k <= j1; k++) {
    uint64_t s0 = k * d->gran, s1 = min_u64(s0 + d->gran, d->n);
    struct copier_descr *lo = NULL;
    uint64_t lj = 0;
    for (uint32_t i = 0; i < m->nrun; i++) {
      const struct absorb_run *r = &m->run[i];
      if (r->off + r->len <= s0) continue;
      if (r->off >= s1) break;
      uint64_t x = max_u64(s0, r->off), y = min_u64(s1, r->off + r->len);
      uint64_t oa = r->ooff + (x - r->off), ob = r->ooff + (y - r->off);
      for (uint64_t j = oa / r->ogran; j <= (ob - 1) / r->ogran; j++) {
        if (r->origin == lo && j == lj) continue; /* one hold per (segment, origin segment) */
        lo = r->origin;
        lj = j;
        struct copier_descr *o = r->origin;
        _Atomic uint8_t *sp = &o->seg[(size_t)j * r->ostride];
        if (out && nout < max &&
            !(atomic_load_explicit(&o->flags, memory_order_relaxed) & (DF_LAZY | DF_ABORTED))) {
          uint8_t e = SEG_HOLD;
          if (atomic_compare_exchange_strong_explicit(sp, &e, SEG_CLAIMED, memory_order_acq_rel,
                                                      memory_order_relaxed)) {
            atomic_fetch_add_explicit(&o->pins, 1, memory_order_relaxed);
            out[nout++] = (struct absorb_claim){o, j};
            continue;
          }
        }
        atomic_fetch_sub_explicit(sp, SEG_HOLD, memory_order_release);
      }
    }
  }
  return nout;
}

/* Complete the segments of this client's copies that hold segments
 * first..last of o. Holders are newer than o: they precede it in the list. */
void cp_absorb_unhold(struct client *c, struct node *o, uint64_t first, uint64_t last) {
  struct copier_descr *od = o->d;
  uint64_t lo = first * od->gran, hi = min_u64((last + 1) * od->gran, od->n);
  for (struct node *a = c->active; a && a != o; a = a->next) {
    const struct absorb_map *m = a->d->amap;
    if (!m) continue;
    for (uint32_t i = 0; i < m->nrun; i++) {
      const struct absorb_run *r = &m->run[i];
      if (r->origin != od) continue;
      uint64_t x = max_u64(lo, r->ooff), y = min_u64(hi, r->ooff + r->len);
      if (x >= y) continue;
      uint64_t a0 = r->off + (x - r->ooff), a1 = r->off + (y - r->ooff);
      a->waited = 1;
      cp_sync_segments(c, a, a0 / a->d->gran, (a1 - 1) / a->d->gran);
    }
  }
}

/* An origin may take part in absorption (see the top comment). */
bool cp_absorbable(const struct node *nd, const struct absorb_plan *p) {
  const struct copier_descr *d = nd->d;
  uint32_t fl = atomic_load_explicit(&d->flags, memory_order_relaxed);
  if (fl & (DF_ORDERED | DF_SHARED | DF_ABORTED)) return false;
  if (p->lazy && !(fl & DF_LAZY)) return false;
  if (d->amap && d->amap->depth >= ABSORB_MAX_DEPTH) return false;
  return atomic_load_explicit(&d->fault_addr, memory_order_relaxed) == 0;
}
