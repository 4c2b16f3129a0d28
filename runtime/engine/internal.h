/*
 * internal.h — shared state of the engine (libcopier). Not installed.
 *
 * Shape: every application thread is a *client* with its own list of
 * pending tasks (thread-local, so threads sharing no copies never touch the
 * same cache lines). Offloaded tasks are announced to the service threads
 * through one lock-free multi-producer ring of *nodes*. A task is split into
 * segments; each segment is claimed atomically (PENDING -> CLAIMED -> DONE)
 * by whoever copies it: a service thread, or the client itself when a csync
 * needs it ("a waiting csync helps"). Correctness never depends on the
 * service thread: a task left in the ring is finished by its client.
 */
#ifndef COPIER_ENGINE_INTERNAL_H
#define COPIER_ENGINE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include "copier.h"
#include "copier_sanitizer_hooks.h"

#define CP_LIKELY(x) __builtin_expect(!!(x), 1)
#define CP_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define CP_HIDDEN __attribute__((visibility("hidden")))
#define CP_TLS __thread __attribute__((tls_model("initial-exec")))

/* ---- descriptors (tasks) -------------------------------------------------
 * The layout is position independent (no pointers in the shared part) so a
 * descriptor may live in shared memory and be read by another process. */
enum { SEG_PENDING = 0, SEG_CLAIMED = 1, SEG_DONE = 2 };
/* A PENDING segment may carry holds (absorb.c): later copies read its bytes
 * from this copy's source instead of its destination, so it must not run
 * (nor be discarded, nor count as done) until they have. The state byte is
 * then SEG_PENDING + k * SEG_HOLD: a claim (CAS from exactly SEG_PENDING)
 * fails and service threads skip it; its client completes the holders
 * first. Holds are only added by the copy's own client. */
#define SEG_HOLD 4u
#define SEG_MAX_HOLDS 63u
#define SEG_STATE(v) ((v) & 3u)

#define DESCR_MAGIC 0x43505944u /* "CPYD" */
#define DESCR_VERSION 4u

enum {
  DF_ORDERED = 1u << 0,  /* overlapping move: segments strictly in order */
  DF_BACKWARD = 1u << 1, /* ...from the last segment to the first */
  DF_LAZY = 1u << 2,     /* run only when something needs it */
  DF_SHARED = 1u << 3,   /* descriptor lives in shared memory */
  DF_ABORTED = 1u << 4,
  DF_CALLER = 1u << 5,   /* caller-owned descriptor (low-level layer) */
  DF_NT = 1u << 6,       /* copy with the non-temporal backend */
  DF_MOVE = 1u << 7,     /* submitted as amemmove (for reports) */
  DF_HELD = 1u << 8,     /* some segment got a hold (absorb.c); set by the owner */
};

struct copier_descr {
  /* shared part: valid in every process that maps the descriptor */
  uint32_t magic, version;
  uint64_t n, gran, nseg;
  _Atomic uint32_t flags;
  _Atomic uint32_t futex;     /* bumped when the last segment completes, and for waiters (below) */
  _Atomic uint32_t waiters;   /* threads of any process asleep on `futex` for a segment (DF_SHARED) */
  _Atomic uint64_t remaining; /* segments not yet DONE */
  _Atomic uint64_t fault_addr;/* 0, or the faulting address + 1 */
  _Atomic int32_t fault_sig;
  int32_t owner_pid;
  uint32_t stride;            /* bytes between segment states (1, or SEG_PAD) */
  /* producer-only part */
  char *dst;
  const char *src;
  void *ret;                  /* submitting return address, for reports */
  uint64_t site;
  struct absorb_map *amap;    /* parts read from earlier copies' sources, or NULL */
  _Atomic uint32_t pins;      /* threads finishing a segment of it from outside its task (absorb.c) */
  _Atomic uint8_t seg[];      /* nseg segment states, `stride` bytes apart */
};

/* Engine-owned descriptors keep each segment state on its own cache line:
 * a consumer polling segment j then does not steal the line the service
 * thread is claiming segment j+1 on (false sharing cost a round trip of
 * 60-340 ns per access here). Caller-owned descriptors stay compact. */
#define SEG_PAD 64u
#define SEG(d, j) (&(d)->seg[(size_t)(j) * (d)->stride])
#define DESCR_BYTES(nseg, stride) (DESCR_HDR + ((nseg) ? ((nseg) - 1) * (stride) + 1 : 0))

#define DESCR_HDR sizeof(struct copier_descr)

/* ---- absorption maps (absorb.c) -------------------------------------------
 * Which parts of a copy read an earlier pending copy's source instead of
 * its own. Immutable once the copy is submitted. */
struct absorb_run {
  uint64_t off, len;          /* bytes [off, off+len) of the absorbing copy */
  const char *src;            /* ...are read here (an earlier copy's source) */
  struct copier_descr *origin;/* the earlier copy whose segments are held */
  uint64_t ooff;              /* offset of `off` in origin */
  uint64_t ogran;             /* origin's segment size and state stride, copied so */
  uint32_t ostride;           /* that releasing a hold touches only the state byte */
};
struct absorb_map {
  uint32_t nrun, depth;       /* depth: length of the absorption chain behind it */
  struct absorb_run run[];    /* sorted by off, disjoint */
};
/* Maps this small live in the node (no malloc on the submit path). */
#define ABSORB_INLINE_RUNS 2
#define ABSORB_MAP_BYTES(nrun) (sizeof(struct absorb_map) + (nrun) * sizeof(struct absorb_run))

/* ---- nodes: what the ring and the client list hold ----------------------
 * Nodes are engine-owned and recycled only when no service thread can still
 * reach them, so a caller may free its descriptor as soon as the engine
 * says the copy is retired. */
/* STOLEN: its client took the whole copy before a service thread started it. */
enum { NODE_IDLE = 0, NODE_QUEUED = 1, NODE_RUNNING = 2, NODE_RETIRED = 3, NODE_CONSUMED = 4, NODE_STOLEN = 5 };

#define INLINE_SEGS 16

struct client;
struct node {
  /* client-private part: the submitter walks its list reading only these,
   * so a walk costs no cache misses on lines the service threads write */
  char *cdst;
  const char *csrc;
  size_t cn;
  struct copier_descr *d;
  struct client *owner;
  struct node *next;          /* client's active list / free list */
  void (*handler)(void *);
  void *arg;
  int16_t site_slot;          /* adaptive table slot, -1 if none */
  int16_t submit_cpu;         /* CPU the copy was submitted from (site verdicts) */
  uint8_t waited;             /* a csync found it not done */
  uint8_t reported;
  uint64_t helped;            /* segments the client copied itself */
  uint64_t wait_ns;           /* time its client's csyncs spent on it */
  struct copier_descr *big;   /* malloc'd descriptor for large copies */
  _Alignas(8) unsigned char amap_inl[ABSORB_MAP_BYTES(ABSORB_INLINE_RUNS)]; /* d->amap, when small */
  _Alignas(64) _Atomic int state; /* written by service threads */
  /* A service thread ran it on the CPU it was submitted from: the scheduler
   * had put the two on one core (the other one busy), so nothing overlapped.
   * Written before its first segment is marked done (release). */
  _Atomic uint8_t svc_colocated;
  /* internal descriptor for copies of <= INLINE_SEGS segments */
  _Alignas(64) unsigned char inl[DESCR_BYTES(INLINE_SEGS, SEG_PAD)];
};

/* ---- statistics ----------------------------------------------------------
 * Owner-written relaxed counters (load + store, no RMW), readable by the
 * exit report from any thread without a data race. */
struct cstats {
  _Atomic uint64_t copies, bytes, inline_copies, offloaded, lazy_copies,
      lazy_never, aborted, csync_waited, wait_ns, helped_segs, svc_segs,
      absorbed_bytes, faults;
};
#define STAT_ADD(st, f, v) \
  atomic_store_explicit(&(st)->f, atomic_load_explicit(&(st)->f, memory_order_relaxed) + (v), memory_order_relaxed)

#define INLINE_GRANTS 4
struct client {
  struct node *active;        /* pending tasks, newest first */
  size_t nactive;
  struct node *free;          /* recyclable nodes */
  struct node *zombies;       /* retired, waiting for a service thread to drop them */
  struct client *next_all;    /* registry */
  _Atomic int fault_pending;
  int dead;                   /* thread gone; struct may be reused */
  unsigned reap_tick;
  /* Bounding boxes of the active copies' destinations and sources (grow
   * only; reset when the list empties): a new copy outside both skips the
   * dependency walk, keeping a burst of submissions O(1) each. */
  const char *dlo, *dhi, *slo, *shi;
  size_t asleep_bytes;        /* bytes copied inline because the copier slept */
  /* Cache of the last sites that learnt "inline": copies from them take
   * the fast path until their `grant` bytes went that way (site.c booked
   * them), then the site is asked again (and may probe). Several entries:
   * with one, two sites taking turns (a receive and a send) evicted each
   * other, and each lookup after an eviction met a fully booked budget and
   * probed (proxy at 16 KiB offloaded a quarter of its copies, each taken
   * over at once by its csync). An evicted entry gives its bytes back. */
  struct inline_grant {
    uint64_t site;
    size_t bytes;
    int16_t slot;
  } grants[INLINE_GRANTS];
  unsigned grant_next;        /* round-robin victim */
  uint64_t tail_seen;         /* last ring tail read: saves a cross-core miss per submit */
  struct cstats st;
};

/* ---- configuration -------------------------------------------------------*/
enum { POLL_SPIN = 0, POLL_SPIN_SLEEP = 1, POLL_SLEEP = 2 };
struct config {
  int threads, poll, stats, adaptive, absorb;
  size_t segment, sync_below, wake_above, ring, max_active, spin_us;
  size_t nt_above;            /* non-temporal backend above this size (0 = never) */
};
extern CP_HIDDEN struct config cp_cfg;

/* ---- engine globals ------------------------------------------------------*/
struct ring_slot {
  _Atomic uint64_t seq;       /* Vyukov sequence: == ticket when free, ticket+1 when valid */
  struct node *node;
};

/* Fields are grouped by who writes them, so the submit path reads only
 * lines that stay shared in its cache while a service thread spins. */
struct engine {
  /* read-mostly */
  _Atomic int started;        /* service threads running (-1: none could start) */
  _Atomic int serving;        /* a service thread reached its loop (verdicts before it measure start-up) */
  _Atomic int stopping;       /* at exit: no more offload */
  _Atomic int fork_pending;
  int pid;
  struct ring_slot *slots;
  uint64_t mask;
  /* written around sleeps only */
  _Atomic int sleepers __attribute__((aligned(64))); /* service threads asleep (or about to) */
  _Atomic uint32_t wake_seq;  /* futex word */
  _Atomic int wake_pending;   /* a wake is on its way: later producers need not pay one */
  /* written per task by service threads */
  _Atomic int svc_active __attribute__((aligned(64))); /* service threads inside a task */
  _Atomic uint64_t head __attribute__((aligned(64)));
  _Atomic uint64_t tail __attribute__((aligned(64)));
  pthread_mutex_t lock __attribute__((aligned(64))); /* registry, start-up, fork; never on a fast path */
  struct client *clients;
  struct cstats svc_st;       /* written by service threads with real RMW */
};
extern CP_HIDDEN struct engine cp_eng;
extern CP_HIDDEN CP_TLS struct client *cp_self;
/* Compiler interface (copier.h): nonzero whenever this thread may have a
 * copy in flight. CopierGen's code tests it inline and calls csync and
 * __copier_in_flight only when it is set. Set on every link into the
 * active list (and, under the sanitizer, on every submission, never
 * cleared: the sanitizer must see every csync); cleared where the list is
 * found empty. A stale 1 only costs a call. */
extern CP_TLS uintptr_t __copier_pending;
static inline void cp_pending_clear_if_idle(struct client *c) {
  if (!c->active && __copier_sanitizer_hooks == NULL) __copier_pending = 0;
}

/* client.c */
CP_HIDDEN struct client *cp_client_slow(void);
static inline struct client *cp_client(void) {
  struct client *c = cp_self;
  return CP_LIKELY(c != NULL) ? c : cp_client_slow();
}
CP_HIDDEN struct node *cp_node_alloc(struct client *c, uint64_t nseg);
CP_HIDDEN void cp_node_recycle(struct client *c, struct node *nd);
CP_HIDDEN void cp_ensure_started(void);
CP_HIDDEN void cp_engine_init(void);
CP_HIDDEN void cp_enqueue(struct client *c, struct node *nd, bool lazy);
/* Put a set-up node on the client's active list. */
static inline void cp_link(struct client *c, struct node *nd) {
  nd->cdst = nd->d->dst;
  nd->csrc = nd->d->src;
  nd->cn = nd->d->n;
  const char *dl = nd->cdst, *dh = nd->cdst + nd->cn, *sl = nd->csrc, *sh = nd->csrc + nd->cn;
  if (!c->active) {
    c->dlo = dl, c->dhi = dh, c->slo = sl, c->shi = sh;
  } else {
    if (dl < c->dlo) c->dlo = dl;
    if (dh > c->dhi) c->dhi = dh;
    if (sl < c->slo) c->slo = sl;
    if (sh > c->shi) c->shi = sh;
  }
  nd->next = c->active;
  c->active = nd;
  c->nactive++;
  __copier_pending = 1;
}
CP_HIDDEN void cp_sum_stats(struct cstats *out);

/* service.c */
CP_HIDDEN bool cp_ring_push(struct client *c, struct node *nd);
CP_HIDDEN void cp_wake_service(void);
CP_HIDDEN void cp_start_service(void);
CP_HIDDEN void cp_drain_ring(void);
CP_HIDDEN void cp_ring_reset(void);
CP_HIDDEN int cp_ring_init(void);

/* task.c: segment execution, shared by clients and service threads */
CP_HIDDEN void cp_run_task(struct copier_descr *d, struct cstats *st, bool service);
CP_HIDDEN void cp_complete_segment(struct copier_descr *d, uint64_t j, struct node *nd, struct cstats *st);
CP_HIDDEN void cp_sync_segments(struct client *c, struct node *nd, uint64_t first, uint64_t last);
CP_HIDDEN void cp_descr_setup(struct copier_descr *d, char *dst, const char *src, size_t n,
                              size_t gran, uint32_t flags, uint32_t stride);
CP_HIDDEN void cp_wait_done(struct copier_descr *d, uint64_t j);
/* Segments of shared descriptor d were just stored DONE: wake the threads
 * (of any process) that sleep on d for a segment, if there are any. */
CP_HIDDEN void cp_segments_done(struct copier_descr *d);
/* The runnable-task count in a /proc/loadavg line, or -1 (service.c). */
CP_HIDDEN int cp_parse_runnable(const char *loadavg_line);
/* futex(2) on a 32-bit word; ts may be NULL. */
CP_HIDDEN long cp_futex(_Atomic uint32_t *w, int op, uint32_t val, const struct timespec *ts);
CP_HIDDEN uint64_t cp_now_ns(void);

/* absorb.c: copy absorption (see the comment at its top) */
#define ABSORB_MAX_CAND 8
/* An origin segment a service thread claimed when it released the last hold. */
struct absorb_claim { struct copier_descr *d; uint64_t j; };
/* Filled by cp_submit_deps: pending earlier copies whose destination the
 * new source reads, left undone for absorption (n = 0: none). */
struct absorb_plan {
  bool enabled, lazy;         /* may absorb; the new copy is lazy */
  int n;
  struct { struct node *nd; uint64_t j0, j1; } cand[ABSORB_MAX_CAND];
};
CP_HIDDEN void cp_absorb_attach(struct client *c, struct absorb_plan *p, struct node *nd);
CP_HIDDEN void cp_absorb_inline(struct client *c, struct absorb_plan *p, char *dst, const char *src, size_t n);
CP_HIDDEN int cp_absorb_copy(struct copier_descr *d, uint64_t off, uint64_t end, int mode, uintptr_t *fa, int *sig);
CP_HIDDEN int cp_absorb_release(struct copier_descr *d, uint64_t j0, uint64_t j1, struct absorb_claim *out, int max);
CP_HIDDEN void cp_absorb_unhold(struct client *c, struct node *o, uint64_t first, uint64_t last);
CP_HIDDEN bool cp_absorbable(const struct node *nd, const struct absorb_plan *p);

/* engine.c */
CP_HIDDEN void cp_submit_deps(struct client *c, const char *dst, const char *src, size_t n, struct absorb_plan *p);
CP_HIDDEN void cp_retire(struct client *c, struct node *nd, bool run_handler);
CP_HIDDEN void cp_sync_all_client(struct client *c, bool run_handlers);
CP_HIDDEN void *cp_submit(void *dst, const void *src, size_t n, int move, uint64_t site,
                          void *ret, int force);

/* fault.c */
CP_HIDDEN void cp_fault_install(void);
CP_HIDDEN int cp_guarded_copy(void *dst, const void *src, size_t n, int move, uintptr_t *fault_addr, int *sig);
CP_HIDDEN __attribute__((noreturn)) void cp_report_fault(struct copier_descr *d);
CP_HIDDEN __attribute__((noreturn)) void cp_fatal_call(const char *fn, const char *why, void *dst,
                                                      const void *src, size_t n, void *ret);

/* backend.c */
struct cp_backend {
  const char *name;
  void (*copy)(void *dst, const void *src, size_t n);
};
CP_HIDDEN void cp_backend_copy(void *dst, const void *src, size_t n);
CP_HIDDEN void cp_copy_nt(void *dst, const void *src, size_t n);

/* site.c */
/* A copy's key in the adaptive table: its call site's id and its size class
 * (factors of 4: 1-4 MiB, 4-16 MiB, ...), with 0 (a free slot) mapped to 1.
 * A site's small copies may be hot and used at once while its large ones
 * come from DRAM: in the slow vCPU placement the pipeline benchmark's 1-4
 * MiB copies lost by offloading and sent its 16 MiB copies, which gain
 * 0.55-0.75 of the ideal when offloaded, inline with them. */
static inline unsigned cp_size_class(size_t n) { return n ? (unsigned)(63 - __builtin_clzll((unsigned long long)n)) / 2 : 0; }
static inline uint64_t cp_site_key(uint64_t site, size_t n) {
  uint64_t k = site ^ ((uint64_t)cp_size_class(n) << 58);
  return k ? k : 1;
}
/* 1: offload (also as a probe of a losing site), 0: copy inline.
 * *grant: bytes the caller may copy inline at this site without asking
 * again (0 when the answer is "offload"). */
CP_HIDDEN int cp_site_should_offload(uint64_t site, size_t n, int16_t *slot, size_t *grant);
/* Verdict on an offloaded copy of the site: good or not, and for a bad one
 * how many nanoseconds it lost against a local copy (local_ns), which sets
 * how hard the site swings to "inline" and how long until it probes again. */
CP_HIDDEN void cp_site_outcome(int16_t slot, bool good, uint64_t loss_ns, uint64_t local_ns);
/* Bytes of a grant a client did not use (evicted from its cache). */
CP_HIDDEN void cp_site_return_grant(int16_t slot, size_t bytes);
/* A copy of n bytes the site ran inline took ns: its local copy speed,
 * which depends on where its buffers are (cache-hot or in DRAM). */
CP_HIDDEN void cp_site_local_sample(int16_t slot, size_t n, uint64_t ns);
/* What copying n bytes inline at the site would take: from its samples,
 * or a cache-speed guess before it has any. */
CP_HIDDEN uint64_t cp_site_local_ns(int16_t slot, size_t n);
/* Why an offloaded copy was judged a loss (stats=2 counts them per site):
 * the copier ran on the submitter's CPU; the submitter's csyncs copied 3/4
 * or more of it themselves; they waited too long for the copier. */
enum { CP_LOSS_COLOCATED, CP_LOSS_TAKEN_OVER, CP_LOSS_WAITED, CP_LOSS_KINDS };
CP_HIDDEN void cp_site_loss_reason(int16_t slot, int why);
/* A copy of the site went to a service thread (stats=2 counts them). */
CP_HIDDEN void cp_site_offloaded(int16_t slot);
/* The table, one line per site the engine was asked about (stats=2). */
CP_HIDDEN void cp_site_print(FILE *out);
/* Inline copies at least this large are worth timing for a sample. */
#define CP_SITE_SAMPLE_MIN (16u << 10)

/* config.c */
CP_HIDDEN void cp_config_init(void);
CP_HIDDEN void cp_print_stats(void);

static inline void cp_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}

#endif
