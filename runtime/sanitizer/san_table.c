/*
 * san_table.c — the in-flight intervals and the shadow they imply.
 *
 * Every live copy owns intervals [lo, hi): destination bytes (D) that are
 * still in flight and source bytes (S) that still feed them. csync(a, n) on
 * thread T cuts [a, a+n) out of T's D intervals and cuts the matching source
 * bytes out of the same copies' S intervals (contract in
 * copier_sanitizer_hooks.h); csync_all drops all of T's intervals.
 *
 * Intervals live in two interval trees (one for D, one for S): treaps keyed
 * by lo, each node carrying the largest hi of its subtree, so an overlap
 * query costs O(log n + matches) and visits matches in address order. Each
 * copy links its own intervals and each thread links its own copies, so a
 * csync touches only what it cleans and csync_all only the caller's copies:
 * thousands of copies in flight stay cheap (the flat array this replaces was
 * quadratic: 10,000 copies took 4.8 s).
 *
 * Shadow (see san_internal.h): the granule shadow is recomputed from the
 * trees for every range an operation changed, into a local buffer that is then
 * copied, so a neighbouring copy's bits never disappear; the page summary is
 * recomputed from the granule shadow. One mutex guards trees and shadow
 * writes; instrumented code reads the shadow without it (a stale bit only
 * sends it to the slow path, which takes the lock and decides exactly).
 */
#define _GNU_SOURCE
#include "san_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct interval {
  uintptr_t lo, hi, maxhi;          /* maxhi: largest hi in this subtree */
  struct interval *l, *r;
  struct interval *cnext, *cprev;   /* the copy's intervals */
  struct san_copy *copy;
  uint32_t prio;
  unsigned char bits;               /* SAN_D or SAN_S */
};

/* A thread's live copies (for csync_all); never freed: a few bytes per
 * thread that ever submitted a copy. */
struct san_owner { struct san_copy *head; };

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct interval *tree_d, *tree_s;
static size_t live_intervals;
static volatile int shadow_ready; /* read without the lock by pages_clean */
static uint32_t rng_state = 2463534242u;

static inline unsigned char *shadow_of(uintptr_t a) {
  return (unsigned char *)(SAN_SHADOW_OFFSET + (a >> 3));
}
static inline unsigned char *page_shadow_of(uintptr_t a) {
  return (unsigned char *)(SAN_PAGE_SHADOW_OFFSET + (a >> SAN_PAGE_SHIFT));
}

static _Noreturn void out_of_memory(void) {
  static const char msg[] = "CopierSanitizer: out of memory for the in-flight table\n";
  san_write_fd(2, msg, sizeof msg - 1);
  _exit(1);
}

static void publish_count(void) {
  size_t n = live_intervals;
  atomic_store_explicit((_Atomic uint32_t *)&__copier_san_inflight,
                        n > UINT32_MAX ? UINT32_MAX : (uint32_t)n, memory_order_release);
}

/* ---- growable scratch arrays (used under the lock) --------------------- */

struct vec { void *p; size_t len, cap, elem; };

static void *vec_push(struct vec *v) {
  if (v->len == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 64;
    void *p = __libc_realloc(v->p, cap * v->elem);
    if (!p) out_of_memory();
    v->p = p;
    v->cap = cap;
  }
  return (char *)v->p + v->elem * v->len++;
}

struct range { uintptr_t lo, hi; };
static struct vec hits = {0, 0, 0, sizeof(struct interval *)};
static struct vec dirty = {0, 0, 0, sizeof(struct range)};
static struct vec touched = {0, 0, 0, sizeof(struct san_copy *)};

/* ---- treap -------------------------------------------------------------- */

static inline int before(const struct interval *a, const struct interval *b) {
  return a->lo < b->lo || (a->lo == b->lo && (uintptr_t)a < (uintptr_t)b);
}

static inline void update(struct interval *t) {
  uintptr_t m = t->hi;
  if (t->l && t->l->maxhi > m) m = t->l->maxhi;
  if (t->r && t->r->maxhi > m) m = t->r->maxhi;
  t->maxhi = m;
}

static struct interval *insert(struct interval *t, struct interval *n) {
  if (!t) {
    n->l = n->r = NULL;
    n->maxhi = n->hi;
    return n;
  }
  if (before(n, t)) {
    t->l = insert(t->l, n);
    if (t->l->prio > t->prio) {      /* rotate right */
      struct interval *x = t->l;
      t->l = x->r;
      update(t);
      x->r = t;
      t = x;
    }
  } else {
    t->r = insert(t->r, n);
    if (t->r->prio > t->prio) {      /* rotate left */
      struct interval *x = t->r;
      t->r = x->l;
      update(t);
      x->l = t;
      t = x;
    }
  }
  update(t);
  return t;
}

/* Join two treaps, every key of a before every key of b. */
static struct interval *join(struct interval *a, struct interval *b) {
  if (!a) return b;
  if (!b) return a;
  if (a->prio > b->prio) {
    a->r = join(a->r, b);
    update(a);
    return a;
  }
  b->l = join(a, b->l);
  update(b);
  return b;
}

static struct interval *erase(struct interval *t, struct interval *n) {
  if (t == n) return join(t->l, t->r);
  if (before(n, t)) t->l = erase(t->l, n);
  else t->r = erase(t->r, n);
  update(t);
  return t;
}

/* Visit the intervals overlapping [a, b) in increasing lo; fn returns
 * nonzero to stop. Returns nonzero if stopped (or past b). */
typedef int (*visit_fn)(struct interval *, void *);
static int visit(struct interval *t, uintptr_t a, uintptr_t b, visit_fn fn, void *arg) {
  if (!t || t->maxhi <= a) return 0;
  if (visit(t->l, a, b, fn, arg)) return 1;
  if (t->lo >= b) return 1; /* this and everything after starts past b */
  if (t->hi > a && fn(t, arg)) return 1;
  return visit(t->r, a, b, fn, arg);
}

static struct interval **tree_of(unsigned char bits) { return bits == SAN_D ? &tree_d : &tree_s; }

static struct interval *node_new(uintptr_t lo, uintptr_t hi, struct san_copy *c, unsigned char bits) {
  struct interval *n = __libc_malloc(sizeof *n);
  if (!n) out_of_memory();
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  *n = (struct interval){.lo = lo, .hi = hi, .copy = c, .prio = rng_state, .bits = bits};
  n->cnext = c->ivs;
  n->cprev = NULL;
  if (c->ivs) ((struct interval *)c->ivs)->cprev = n;
  c->ivs = n;
  *tree_of(bits) = insert(*tree_of(bits), n);
  live_intervals++;
  return n;
}

static void node_free(struct interval *n) {
  struct san_copy *c = n->copy;
  *tree_of(n->bits) = erase(*tree_of(n->bits), n);
  if (n->cprev) n->cprev->cnext = n->cnext;
  else c->ivs = n->cnext;
  if (n->cnext) n->cnext->cprev = n->cprev;
  live_intervals--;
  __libc_free(n);
}

/* Remove [a, b) from interval n (which overlaps it): keeps 0, 1 or 2 pieces. */
static void node_cut(struct interval *n, uintptr_t a, uintptr_t b) {
  uintptr_t lo = n->lo, hi = n->hi;
  struct san_copy *c = n->copy;
  unsigned char bits = n->bits;
  if (lo >= a && hi <= b) { node_free(n); return; }
  /* The key (lo) may change: take the node out, fix it, put it back. */
  *tree_of(bits) = erase(*tree_of(bits), n);
  if (lo < a) {
    n->hi = a;
    if (hi > b) {
      *tree_of(bits) = insert(*tree_of(bits), n);
      node_new(b, hi, c, bits);
      return;
    }
  } else {
    n->lo = b;
  }
  *tree_of(bits) = insert(*tree_of(bits), n);
}

/* A copy with no interval left is done: unlink it from its owner, free it. */
static void copy_release_if_done(struct san_copy *c) {
  if (c->ivs || c->pinned) return;
  if (c->oprev) c->oprev->onext = c->onext;
  else c->owner->head = c->onext;
  if (c->onext) c->onext->oprev = c->oprev;
  __libc_free(c);
}

/* ---- shadow ------------------------------------------------------------- */

void san_map_shadow(void) {
  size_t len = SAN_SHADOW_OFFSET - SAN_RESERVE_START + SAN_SHADOW_SIZE;
  void *p = mmap((void *)SAN_RESERVE_START, len, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  if (p != (void *)SAN_RESERVE_START) {
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "==%d==ERROR: CopierSanitizer: cannot reserve shadow memory at 0x%llx "
                     "(%zu bytes): %s. Another sanitizer (e.g. -fsanitize=address) or a "
                     "mapping already uses that range; build without it.\n",
                     (int)getpid(), SAN_RESERVE_START, len, strerror(errno));
    san_write_fd(2, buf, (size_t)n);
    _exit(1);
  }
  shadow_ready = 1;
}

/* The page summary of page P is the OR of the granule shadow of
 * [P, P + page + 16): an access of up to 16 bytes starting in P can only
 * touch in-flight bytes if P's summary says so (one load inline). */
/* [clean_lo, clean_hi): granule shadow known to be all zero (just cleared,
 * no interval there): pages whose summary lies wholly inside need no scan. */
static void page_summary_recompute(uintptr_t lo, uintptr_t hi, uintptr_t clean_lo,
                                   uintptr_t clean_hi) {
  uintptr_t first = (lo > 16 ? lo - 16 : 0) >> SAN_PAGE_SHIFT, last = (hi - 1) >> SAN_PAGE_SHIFT;
  for (uintptr_t pg = first; pg <= last; pg++) {
    uintptr_t start = pg << SAN_PAGE_SHIFT;
    const unsigned char *s = shadow_of(start);
    unsigned char v = 0;
    if (start < clean_lo || start + SAN_PAGE_SIZE + 16 > clean_hi)
      for (size_t i = 0; i < (SAN_PAGE_SIZE >> 3) + 2; i++) v |= s[i]; /* vectorized */
    unsigned char *ps = page_shadow_of(pg << SAN_PAGE_SHIFT);
    if (*ps != v) *ps = v;   /* clean pages of the summary stay untouched */
  }
}

static void shadow_mark(uintptr_t lo, uintptr_t hi, unsigned char bits) {
  /* Page by page: where the summary says the granule shadow is all zero, a
   * plain fill (libc's, wider than our OR loop) does the same. */
  for (uintptr_t a = lo & ~(uintptr_t)7; a < hi;) {
    uintptr_t e = ((a >> SAN_PAGE_SHIFT) + 1) << SAN_PAGE_SHIFT;
    if (e > hi) e = hi;
    unsigned char *p = shadow_of(a);
    size_t n = ((e - 1) >> 3) - (a >> 3) + 1;
    if (!*page_shadow_of(a)) memset(p, bits, n);
    else for (size_t i = 0; i < n; i++) p[i] |= bits;
    a = ((e - 1) | 7) + 1;
  }
  uintptr_t first = (lo > 16 ? lo - 16 : 0) >> SAN_PAGE_SHIFT, last = (hi - 1) >> SAN_PAGE_SHIFT;
  for (uintptr_t pg = first; pg <= last; pg++) *page_shadow_of(pg << SAN_PAGE_SHIFT) |= bits;
}

/* The first interval overlapping the query, in address order: its first
 * overlapping byte is the lowest offending byte of that tree. */
struct first { struct interval *n; };
static int take_first(struct interval *n, void *arg) {
  ((struct first *)arg)->n = n;
  return 1;
}

/* Granule shadow of [chunk_lo, chunk_hi) rebuilt in buf: each tree's
 * intervals in address order, skipping bytes already marked (so many copies
 * sharing one source cost one pass, not one per copy). */
struct fill { unsigned char *buf; uintptr_t base, cov, end; unsigned char bits; };

static int fill_one(struct interval *n, void *arg) {
  struct fill *f = arg;
  uintptr_t a = n->lo > f->cov ? n->lo : f->cov, b = n->hi < f->end ? n->hi : f->end;
  if (b <= a) return 0;
  for (uintptr_t g = (a >> 3) - (f->base >> 3); g <= ((b - 1) >> 3) - (f->base >> 3); g++)
    f->buf[g] |= f->bits;
  f->cov = b;
  return f->cov >= f->end;
}

enum { CHUNK_GRANULES = 4096 };

static void shadow_recompute(uintptr_t lo, uintptr_t hi) {
  uintptr_t glo = lo & ~(uintptr_t)7, ghi = ((hi - 1) | 7) + 1;
  unsigned char buf[CHUNK_GRANULES];
  int all_clean = 1;
  for (uintptr_t c = glo; c < ghi;) {
    uintptr_t e = ghi - c > (uintptr_t)CHUNK_GRANULES * 8 ? c + (uintptr_t)CHUNK_GRANULES * 8 : ghi;
    size_t ng = (e - c) >> 3;
    struct first fd0 = {NULL}, fs0 = {NULL};
    visit(tree_d, c, e, take_first, &fd0);
    visit(tree_s, c, e, take_first, &fs0);
    if (!fd0.n && !fs0.n) {
      memset(shadow_of(c), 0, ng); /* nothing left here: the common case */
    } else {
      all_clean = 0;
      memset(buf, 0, ng);
      struct fill fd = {buf, c, c, e, SAN_D}, fs = {buf, c, c, e, SAN_S};
      visit(tree_d, c, e, fill_one, &fd);
      visit(tree_s, c, e, fill_one, &fs);
      memcpy(shadow_of(c), buf, ng);
    }
    c = e;
  }
  page_summary_recompute(glo, ghi, all_clean ? glo : 0, all_clean ? ghi : 0);
}

/* Heapsort by lo: libc's qsort may allocate and free, and free is
 * intercepted (its check takes the lock we hold). */
static void sift(struct range *r, size_t i, size_t n) {
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && r[c + 1].lo > r[c].lo) c++;
    if (r[c].lo <= r[i].lo) return;
    struct range t = r[i];
    r[i] = r[c];
    r[c] = t;
    i = c;
  }
}
static void sort_ranges(struct range *r, size_t n) {
  for (size_t i = n / 2; i-- > 0;) sift(r, i, n);
  for (size_t k = n; k-- > 1;) {
    struct range t = r[0];
    r[0] = r[k];
    r[k] = t;
    sift(r, 0, k);
  }
}

/* Recompute every dirty range once (sorted and merged). */
static void flush_dirty(void) {
  struct range *r = dirty.p;
  if (dirty.len > 1) sort_ranges(r, dirty.len);
  for (size_t i = 0; i < dirty.len;) {
    uintptr_t lo = r[i].lo, hi = r[i].hi;
    for (i++; i < dirty.len && r[i].lo <= hi + 16; i++)
      if (r[i].hi > hi) hi = r[i].hi;
    shadow_recompute(lo, hi);
  }
  dirty.len = 0;
}

static void mark_dirty(uintptr_t lo, uintptr_t hi) {
  struct range *r = vec_push(&dirty);
  r->lo = lo;
  r->hi = hi;
}

/* ---- queries used by the hooks ------------------------------------------ */

static int collect(struct interval *n, void *arg) {
  (void)arg;
  *(struct interval **)vec_push(&hits) = n;
  return 0;
}

static void touch(struct san_copy *c) {
  c->pinned++;
  *(struct san_copy **)vec_push(&touched) = c;
}

static void release_touched(void) {
  struct san_copy **t = touched.p;
  for (size_t i = 0; i < touched.len; i++) {
    t[i]->pinned--;
    copy_release_if_done(t[i]);
  }
  touched.len = 0;
}

/* ---- operations --------------------------------------------------------- */

void san_table_submit(struct san_copy *c, struct san_owner **ownerp) {
  pthread_mutex_lock(&table_lock);
  if (!shadow_ready) san_map_shadow();
  if (!*ownerp) {
    *ownerp = __libc_calloc(1, sizeof **ownerp);
    if (!*ownerp) out_of_memory();
  }
  struct san_owner *o = *ownerp;
  c->owner = o;
  c->oprev = NULL;
  c->onext = o->head;
  if (o->head) o->head->oprev = c;
  o->head = c;
  node_new(c->dst, c->dst + c->n, c, SAN_D);
  node_new(c->src, c->src + c->n, c, SAN_S);
  shadow_mark(c->dst, c->dst + c->n, SAN_D);
  shadow_mark(c->src, c->src + c->n, SAN_S);
  publish_count();
  pthread_mutex_unlock(&table_lock);
}

/* Destination bytes [a, b) of copy c were synced: cut the source bytes that
 * feed them out of c's source intervals. */
static void clean_source(struct san_copy *c, uintptr_t a, uintptr_t b) {
  uintptr_t sa = c->src + (a - c->dst), sb = c->src + (b - c->dst);
  size_t base = hits.len;
  for (struct interval *n = c->ivs; n; n = n->cnext)
    if (n->bits == SAN_S && n->lo < sb && n->hi > sa) *(struct interval **)vec_push(&hits) = n;
  for (size_t i = base; i < hits.len; i++) node_cut(((struct interval **)hits.p)[i], sa, sb);
  hits.len = base;
  mark_dirty(sa, sb);
}

void san_table_sync(struct san_owner *o, uintptr_t a, uintptr_t b) {
  if (!o) return; /* this thread never submitted a copy */
  pthread_mutex_lock(&table_lock);
  hits.len = 0;
  visit(tree_d, a, b, collect, NULL);
  size_t nhits = hits.len;
  for (size_t i = 0; i < nhits; i++) {
    struct interval *n = ((struct interval **)hits.p)[i];
    struct san_copy *c = n->copy;
    if (c->owner != o) continue;
    uintptr_t ca = n->lo > a ? n->lo : a, cb = n->hi < b ? n->hi : b;
    touch(c);
    node_cut(n, a, b);
    clean_source(c, ca, cb);
  }
  hits.len = 0;
  if (nhits) mark_dirty(a, b);
  flush_dirty();
  release_touched();
  publish_count();
  pthread_mutex_unlock(&table_lock);
}

void san_table_sync_all(struct san_owner *o) {
  if (!o) return;
  pthread_mutex_lock(&table_lock);
  while (o->head) {
    struct san_copy *c = o->head;
    c->pinned++;
    while (c->ivs) {
      struct interval *n = c->ivs;
      mark_dirty(n->lo, n->hi);
      node_free(n);
    }
    c->pinned--;
    copy_release_if_done(c);
  }
  flush_dirty();
  publish_count();
  pthread_mutex_unlock(&table_lock);
}

void san_forget(uintptr_t addr, size_t size) {
  uintptr_t a = addr, b = addr + size;
  pthread_mutex_lock(&table_lock);
  hits.len = 0;
  visit(tree_d, a, b, collect, NULL);
  visit(tree_s, a, b, collect, NULL);
  for (size_t i = 0; i < hits.len; i++) touch(((struct interval **)hits.p)[i]->copy);
  for (size_t i = 0; i < hits.len; i++) node_cut(((struct interval **)hits.p)[i], a, b);
  if (hits.len) mark_dirty(a, b);
  hits.len = 0;
  flush_dirty();
  release_touched();
  publish_count();
  pthread_mutex_unlock(&table_lock);
}


/* No in-flight byte of the kind asked can be in [a, a+n) if the page summary
 * of every page the range starts in is clean: decided without the lock
 * (bounded, so a huge range goes to the tree instead). */
static int pages_clean(uintptr_t a, size_t n, unsigned mask) {
  if (!shadow_ready || n > ((size_t)256 << SAN_PAGE_SHIFT)) return 0;
  for (uintptr_t p = a >> SAN_PAGE_SHIFT, last = (a + n - 1) >> SAN_PAGE_SHIFT; p <= last; p++)
    if (*page_shadow_of(p << SAN_PAGE_SHIFT) & mask) return 0;
  return 1;
}

int san_find(uintptr_t addr, size_t size, int want_src, struct san_hit *hit) {
  uintptr_t end = addr + size;
  struct first f = {NULL};
  if (!size || pages_clean(addr, size, want_src ? SAN_D | SAN_S : SAN_D)) return 0;
  pthread_mutex_lock(&table_lock);
  /* A destination outranks a source. */
  visit(tree_d, addr, end, take_first, &f);
  if (!f.n && want_src) visit(tree_s, addr, end, take_first, &f);
  if (f.n) {
    hit->copy = *f.n->copy;
    hit->bad = f.n->lo > addr ? f.n->lo : addr;
    hit->is_dst = f.n->bits == SAN_D;
  }
  pthread_mutex_unlock(&table_lock);
  return f.n != NULL;
}

/* memcpy(d, s, n) that performs (part of) an in-flight copy itself: the
 * engine's own copy, even when reached by a tail call from engine code. */
struct engine_q { uintptr_t d, s; size_t n; int yes; };
static int engine_one(struct interval *iv, void *arg) {
  struct engine_q *q = arg;
  const struct san_copy *c = iv->copy;
  q->yes = q->d >= c->dst && q->d + q->n <= c->dst + c->n && q->s == c->src + (q->d - c->dst);
  return q->yes;
}

int san_is_engine_copy(uintptr_t d, uintptr_t s, size_t n) {
  struct engine_q q = {d, s, n, 0};
  pthread_mutex_lock(&table_lock);
  visit(tree_d, d, d + (n ? n : 1), engine_one, &q);
  pthread_mutex_unlock(&table_lock);
  return q.yes;
}
