/*
 * client.c — per-thread clients, node pools, start-up, fork and exit.
 *
 * fork: the prepare handler drains every queued copy of every client (it
 * runs them on the forking thread) and waits until no service thread is
 * inside a task, so the child starts with nothing in flight. The child
 * resets the ring, forgets the other threads' clients (those threads do not
 * exist there) and starts its service thread lazily at its first offload.
 * Lazy copies of the forking thread stay lazy in both processes.
 *
 * exit: an atexit handler stops offloading, completes the exiting thread's
 * copies (csync_all, handlers included), runs every queued copy of other
 * threads, waits for the service threads to leave their tasks, then prints
 * statistics if stats=1. A thread that exits completes its copies first
 * (a thread-specific-data destructor runs its csync_all).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

struct engine cp_eng = {.lock = PTHREAD_MUTEX_INITIALIZER};
CP_TLS struct client *cp_self;
__attribute__((visibility("default"))) CP_TLS uintptr_t __copier_pending;
struct copier_sanitizer_hooks *__copier_sanitizer_hooks = NULL;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_key_t thread_key;

static void on_thread_exit(void *p) {
  struct client *c = p;
  cp_sync_all_client(c, true);
  pthread_mutex_lock(&cp_eng.lock);
  c->dead = 1;
  pthread_mutex_unlock(&cp_eng.lock);
  cp_self = NULL;
}

static void fork_prepare(void) {
  pthread_mutex_lock(&cp_eng.lock);
  atomic_store_explicit(&cp_eng.fork_pending, 1, memory_order_seq_cst);
  if (cp_eng.slots) cp_drain_ring();
}

static void fork_parent(void) {
  atomic_store_explicit(&cp_eng.fork_pending, 0, memory_order_seq_cst);
  pthread_mutex_unlock(&cp_eng.lock);
}

static void fork_child(void) {
  pthread_mutex_init(&cp_eng.lock, NULL);
  cp_eng.pid = getpid();
  if (cp_eng.slots) cp_ring_reset();
  atomic_store(&cp_eng.started, 0);
  atomic_store(&cp_eng.serving, 0);
  atomic_store(&cp_eng.sleepers, 0);
  atomic_store(&cp_eng.wake_pending, 0);
  atomic_store(&cp_eng.svc_active, 0);
  atomic_store(&cp_eng.fork_pending, 0);
  /* Only the forking thread exists here; the other clients' structures are
   * unlinked (leaked: their nodes may name tasks that never finish here). */
  struct client *me = cp_self;
  cp_eng.clients = me;
  if (me) me->next_all = NULL;
}

static void at_exit(void) {
  atomic_store_explicit(&cp_eng.stopping, 1, memory_order_seq_cst);
  struct client *c = cp_self;
  if (c) cp_sync_all_client(c, true);
  pthread_mutex_lock(&cp_eng.lock);
  if (cp_eng.slots) cp_drain_ring();
  pthread_mutex_unlock(&cp_eng.lock);
  if (cp_cfg.stats) cp_print_stats();
}

static void engine_init(void) {
  cp_config_init();
  cp_eng.pid = getpid();
  if (cp_ring_init() != 0) {
    fprintf(stderr, "copier: error: cannot allocate the submission ring (ring=%zu)\n", cp_cfg.ring);
    exit(1);
  }
  pthread_key_create(&thread_key, on_thread_exit);
  pthread_atfork(fork_prepare, fork_parent, fork_child);
  atexit(at_exit);
}

/* Make sure configuration and the ring exist (also used by copier_configure). */
void cp_engine_init(void) { pthread_once(&init_once, engine_init); }

struct client *cp_client_slow(void) {
  cp_engine_init();
  pthread_mutex_lock(&cp_eng.lock);
  struct client *c = NULL;
  for (struct client *x = cp_eng.clients; x; x = x->next_all)
    if (x->dead) {
      c = x;
      c->dead = 0;
      break;
    }
  if (!c) {
    c = calloc(1, sizeof *c);
    if (!c) {
      pthread_mutex_unlock(&cp_eng.lock);
      fprintf(stderr, "copier: error: out of memory creating a client\n");
      abort();
    }
    c->next_all = cp_eng.clients;
    cp_eng.clients = c;
  }
  pthread_mutex_unlock(&cp_eng.lock);
  pthread_setspecific(thread_key, c);
  cp_self = c;
  return c;
}

void cp_ensure_started(void) {
  if (CP_LIKELY(atomic_load_explicit(&cp_eng.started, memory_order_acquire) != 0)) return;
  pthread_mutex_lock(&cp_eng.lock);
  if (atomic_load_explicit(&cp_eng.started, memory_order_relaxed) == 0) {
    cp_fault_install();
    cp_start_service();
  }
  pthread_mutex_unlock(&cp_eng.lock);
}

struct node *cp_node_alloc(struct client *c, uint64_t nseg) {
  struct node *nd = c->free;
  if (nd) {
    c->free = nd->next;
  } else {
    /* Reclaim retired nodes the service threads have let go of. */
    struct node **pp = &c->zombies;
    while (*pp) {
      struct node *z = *pp;
      if (atomic_load_explicit(&z->state, memory_order_acquire) == NODE_CONSUMED) {
        *pp = z->next;
        z->next = c->free;
        c->free = z;
      } else {
        pp = &z->next;
      }
    }
    nd = c->free;
    if (nd) {
      c->free = nd->next;
    } else {
      nd = aligned_alloc(64, (sizeof(struct node) + 63) & ~(size_t)63);
      if (!nd) return NULL;
      memset(nd, 0, sizeof *nd);
    }
  }
  atomic_store_explicit(&nd->state, NODE_IDLE, memory_order_relaxed);
  nd->owner = c;
  nd->next = NULL;
  nd->handler = NULL;
  nd->arg = NULL;
  nd->site_slot = -1;
  nd->waited = 0;
  nd->reported = 0;
  nd->helped = 0;
  nd->wait_ns = 0;
  nd->big = NULL;
  if (nseg > INLINE_SEGS) {
    nd->big = malloc(DESCR_BYTES(nseg, SEG_PAD));
    if (!nd->big) {
      nd->next = c->free;
      c->free = nd;
      return NULL;
    }
    nd->d = nd->big;
  } else {
    nd->d = (struct copier_descr *)nd->inl;
  }
  return nd;
}

/* The client is done with nd: hand it back once no service thread can
 * still reach it (a node still queued is parked until a service thread
 * pops it; one a service thread is running is waited for, briefly: all of
 * its segments are done or being copied). */
void cp_node_recycle(struct client *c, struct node *nd) {
  int s = atomic_load_explicit(&nd->state, memory_order_acquire);
  if (s == NODE_QUEUED) {
    int expect = NODE_QUEUED;
    if (atomic_compare_exchange_strong_explicit(&nd->state, &expect, NODE_RETIRED, memory_order_acq_rel,
                                                memory_order_acquire)) {
      free(nd->big);
      nd->big = NULL;
      nd->next = c->zombies;
      c->zombies = nd;
      return;
    }
    s = expect;
  }
  if (s == NODE_STOLEN) {
    /* Still in the ring: parked until a service thread pops and drops it. */
    free(nd->big);
    nd->big = NULL;
    nd->next = c->zombies;
    c->zombies = nd;
    return;
  }
  if (s == NODE_RUNNING) {
    unsigned spins = 0;
    while (atomic_load_explicit(&nd->state, memory_order_acquire) != NODE_CONSUMED)
      if (++spins < 2000) cp_pause(); else sched_yield();
  }
  free(nd->big);
  nd->big = NULL;
  nd->next = c->free;
  c->free = nd;
}

static void add(struct cstats *o, const struct cstats *s) {
#define F(x) atomic_store_explicit(&o->x, atomic_load_explicit(&o->x, memory_order_relaxed) + \
                                              atomic_load_explicit(&s->x, memory_order_relaxed), memory_order_relaxed);
  F(copies) F(bytes) F(inline_copies) F(offloaded) F(lazy_copies) F(lazy_never) F(aborted) F(csync_waited)
  F(wait_ns) F(helped_segs) F(svc_segs) F(absorbed_bytes) F(faults)
#undef F
}

void cp_sum_stats(struct cstats *out) {
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&cp_eng.lock);
  for (struct client *c = cp_eng.clients; c; c = c->next_all) add(out, &c->st);
  pthread_mutex_unlock(&cp_eng.lock);
  add(out, &cp_eng.svc_st);
}
