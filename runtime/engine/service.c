/*
 * service.c — the submission ring and the service threads.
 *
 * Ring: a bounded multi-producer multi-consumer ring of node pointers with
 * one sequence word per slot (the per-slot valid bit: seq == ticket + 1).
 * Producers take a ticket with one fetch-and-add on head; consumers (the
 * service threads) advance tail with a CAS. Before the fetch-and-add a
 * producer checks that the ring is not nearly full; if it is, the copy is
 * done inline instead, so a full ring never loses or blocks a copy. (Only
 * if more than RING_MARGIN producers race past that check at once does one
 * wait for its slot.)
 *
 * Sleep: an idle service thread spins (poll=spin / spin_sleep) and then
 * sleeps on a futex. It announces itself in `sleepers` before re-checking
 * the ring; a producer checks `sleepers` after its seq_cst ticket (a seq_cst
 * fence on the sleeper's side), so a wake is paid only when a thread is known asleep.
 * The spin stretches when sleeps keep being cut short, and is skipped
 * after a task that ran on its submitter's CPU
 * (the scheduler shares one core between them: spinning would only steal
 * the submitter's time), and cut short when more tasks are runnable than
 * the machine has CPUs online (/proc/loadavg, read at most every 20 us of
 * spin).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

#define RING_MARGIN 64
#define SPIN_STRETCH 5

long cp_futex(_Atomic uint32_t *w, int op, uint32_t val, const struct timespec *ts) {
  return syscall(SYS_futex, (uint32_t *)w, op, val, ts, NULL, 0);
}

int cp_ring_init(void) {
  size_t cap = 64;
  while (cap < cp_cfg.ring) cap <<= 1;
  struct ring_slot *s = calloc(cap, sizeof *s);
  if (!s) return -1;
  cp_eng.slots = s;
  cp_eng.mask = cap - 1;
  cp_ring_reset();
  return 0;
}

void cp_ring_reset(void) {
  for (uint64_t i = 0; i <= cp_eng.mask; i++) {
    atomic_store_explicit(&cp_eng.slots[i].seq, i, memory_order_relaxed);
    cp_eng.slots[i].node = NULL;
  }
  atomic_store(&cp_eng.head, 0);
  atomic_store(&cp_eng.tail, 0);
}

bool cp_ring_push(struct client *c, struct node *nd) {
  uint64_t cap = cp_eng.mask + 1;
  uint64_t h = atomic_load_explicit(&cp_eng.head, memory_order_relaxed);
  /* tail only grows: a stale value errs towards "full", so re-read it only
   * when the cached one says the ring is nearly full. */
  if (h - c->tail_seen >= cap - RING_MARGIN) {
    c->tail_seen = atomic_load_explicit(&cp_eng.tail, memory_order_relaxed);
    if (h - c->tail_seen >= cap - RING_MARGIN) return false;
  }
  /* seq_cst: the producer's half of the sleep/wake handshake (cp_enqueue). */
  uint64_t ticket = atomic_fetch_add_explicit(&cp_eng.head, 1, memory_order_seq_cst);
  struct ring_slot *s = &cp_eng.slots[ticket & cp_eng.mask];
  while (atomic_load_explicit(&s->seq, memory_order_acquire) != ticket) sched_yield();
  s->node = nd;
  atomic_store_explicit(&s->seq, ticket + 1, memory_order_release);
  /* The next slot was last written by a service thread's pop: fetch it for
   * writing now rather than stall on it in the next submission. */
  __builtin_prefetch(&cp_eng.slots[(ticket + 1) & cp_eng.mask], 1);
  return true;
}

static struct node *ring_pop(void) {
  uint64_t t = atomic_load_explicit(&cp_eng.tail, memory_order_relaxed);
  for (;;) {
    struct ring_slot *s = &cp_eng.slots[t & cp_eng.mask];
    uint64_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
    int64_t dif = (int64_t)(seq - (t + 1));
    if (dif == 0) {
      if (atomic_compare_exchange_weak_explicit(&cp_eng.tail, &t, t + 1, memory_order_relaxed,
                                                memory_order_relaxed)) {
        struct node *nd = s->node;
        atomic_store_explicit(&s->seq, t + cp_eng.mask + 1, memory_order_release);
        return nd;
      }
    } else if (dif < 0) {
      return NULL; /* empty, or a producer is still writing this slot */
    } else {
      t = atomic_load_explicit(&cp_eng.tail, memory_order_relaxed);
    }
  }
}

/* Read-only peek: is the slot at tail published? (The idle loop spins on
 * this, so it must not write shared lines.) */
static bool ring_ready(void) {
  uint64_t t = atomic_load_explicit(&cp_eng.tail, memory_order_relaxed);
  return atomic_load_explicit(&cp_eng.slots[t & cp_eng.mask].seq, memory_order_relaxed) == t + 1;
}

static bool ring_nonempty(void) {
  uint64_t t = atomic_load_explicit(&cp_eng.tail, memory_order_relaxed);
  return atomic_load_explicit(&cp_eng.head, memory_order_relaxed) != t;
}

void cp_wake_service(void) {
  /* One wake per sleep: while it is on its way (12-24 us until the thread
   * runs), other producers must not pay ~6 us each for nothing. */
  if (atomic_exchange_explicit(&cp_eng.wake_pending, 1, memory_order_seq_cst)) return;
  atomic_fetch_add_explicit(&cp_eng.wake_seq, 1, memory_order_seq_cst);
  cp_futex(&cp_eng.wake_seq, FUTEX_WAKE_PRIVATE, 1, NULL);
}

/* Run one popped node unless its client retired it first. Returns true if
 * it ran on the CPU its submitter was on. */
static bool process(struct node *nd, struct cstats *st) {
  bool colocated = false;
  int expect = NODE_QUEUED;
  if (atomic_compare_exchange_strong_explicit(&nd->state, &expect, NODE_RUNNING, memory_order_acquire,
                                              memory_order_relaxed)) {
    struct copier_descr *d = nd->d;
    bool started_there = nd->submit_cpu >= 0 && sched_getcpu() == nd->submit_cpu;
    cp_run_task(d, st, true);
    /* Woken onto its submitter's CPU, a copier is often moved to the idle
     * one within microseconds (load balancing): then both ran side by
     * side. Only a copy that also ends there counts as co-located. (The
     * client reads the flag only after NODE_CONSUMED below.) */
    colocated = started_there && sched_getcpu() == nd->submit_cpu;
    if (colocated) atomic_store_explicit(&nd->svc_colocated, 1, memory_order_relaxed);
    if (atomic_load_explicit(&d->fault_addr, memory_order_relaxed))
      atomic_store_explicit(&nd->owner->fault_pending, 1, memory_order_release);
  }
  /* Last touch of the node: after this the client may recycle it. */
  atomic_store_explicit(&nd->state, NODE_CONSUMED, memory_order_release);
  return colocated;
}

/* Announce the sleep, clear wake_pending, re-check, then sleep. Clearing
 * with an RMW *before* the re-check matters: a producer that skipped its
 * wake because one was pending has its push visible to the re-check, and
 * one that comes later finds wake_pending clear and wakes us. */
static void sleep_until_work(void) {
  uint32_t v = atomic_load_explicit(&cp_eng.wake_seq, memory_order_seq_cst);
  atomic_fetch_add_explicit(&cp_eng.sleepers, 1, memory_order_seq_cst);
  atomic_exchange_explicit(&cp_eng.wake_pending, 0, memory_order_seq_cst);
  atomic_thread_fence(memory_order_seq_cst);
  if (!ring_nonempty() || atomic_load(&cp_eng.fork_pending) || atomic_load(&cp_eng.stopping))
    cp_futex(&cp_eng.wake_seq, FUTEX_WAIT_PRIVATE, v, NULL);
  atomic_fetch_sub_explicit(&cp_eng.sleepers, 1, memory_order_seq_cst);
}

/* Whether more tasks are runnable than the machine has CPUs online: then
 * an idle service thread that spins takes a CPU from one of them (another
 * process's, too: shm_pipe's consumer). /proc/loadavg's fourth field is the
 * kernel's count of runnable tasks on all CPUs, this thread included, so it
 * is compared with the online CPUs, not this process's affinity (a process
 * pinned to 2 of 64 CPUs would otherwise never spin). Re-read at most every
 * CONTENTION_NS of spin. One descriptor per process, opened once (a child
 * after fork keeps using the inherited one: pread at offset 0 reads fresh
 * figures). No /proc: assume no contention. */
#define CONTENTION_NS 20000
static _Atomic int cp_loadavg_fd = -2; /* -2: not opened yet, -1: unavailable */
/* Atomic: every service thread runs contention_open, and two may store it
 * at once (the same value; TSan rightly flags a plain int). */
static _Atomic int cp_online_cpus;

struct contention_probe {
  uint64_t at;
  bool contended;
};

static void contention_open(struct contention_probe *p) {
  p->at = 0;
  p->contended = false;
  if (atomic_load_explicit(&cp_loadavg_fd, memory_order_acquire) != -2) return;
  atomic_store_explicit(&cp_online_cpus, (int)sysconf(_SC_NPROCESSORS_ONLN), memory_order_relaxed);
  int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
  int expect = -2;
  if (!atomic_compare_exchange_strong(&cp_loadavg_fd, &expect, fd < 0 ? -1 : fd) && fd >= 0) close(fd);
}

/* Parse "0.65 1.32 1.47 3/345 12345": the runnable count before '/'. */
int cp_parse_runnable(const char *buf) {
  const char *q = buf;
  for (int field = 0; field < 3; field++) {
    while (*q && *q != ' ') q++;
    while (*q == ' ') q++;
  }
  if (*q < '0' || *q > '9') return -1;
  int n = 0;
  while (*q >= '0' && *q <= '9') n = n * 10 + (*q++ - '0');
  return *q == '/' ? n : -1;
}

static bool contended(struct contention_probe *p, uint64_t now) {
  int fd = atomic_load_explicit(&cp_loadavg_fd, memory_order_acquire);
  int online = atomic_load_explicit(&cp_online_cpus, memory_order_relaxed);
  if (fd < 0 || online <= 0) return false;
  if (now - p->at < CONTENTION_NS) return p->contended;
  p->at = now;
  char buf[128];
  ssize_t r = pread(fd, buf, sizeof buf - 1, 0);
  if (r <= 0) return p->contended = false;
  buf[r] = 0;
  return p->contended = cp_parse_runnable(buf) > online;
}

static void *service_main(void *arg) {
  (void)arg;
  uint64_t idle_since = 0;
  unsigned idle_iter = 0;
  bool shared_cpu = false; /* the last task ran on its submitter's CPU */
  /* Spin length adapts between spin_us and SPIN_STRETCH x spin_us: a
   * sleep that work ended soon after means the program copies in bursts
   * just further apart than the spin, and every burst then costs its
   * submitter a futex wake (4-18 us in the call here) and the copy a
   * 15-25 us late start. A long sleep shrinks the spin back. */
  uint64_t spin_ns = cp_cfg.spin_us * 1000, spin_seen = 0;
  struct contention_probe load;
  contention_open(&load);
  atomic_store_explicit(&cp_eng.serving, 1, memory_order_relaxed);
  for (;;) {
    if (atomic_load_explicit(&cp_eng.fork_pending, memory_order_acquire) ||
        atomic_load_explicit(&cp_eng.stopping, memory_order_acquire)) {
      /* fork/exit drain the ring themselves; stay out of their way. */
      struct timespec ts = {0, 200000};
      nanosleep(&ts, NULL);
      continue;
    }
    struct node *nd = NULL;
    if (ring_ready()) {
      atomic_fetch_add_explicit(&cp_eng.svc_active, 1, memory_order_seq_cst);
      if (!atomic_load_explicit(&cp_eng.fork_pending, memory_order_seq_cst)) nd = ring_pop();
      if (nd) shared_cpu = process(nd, &cp_eng.svc_st);
      atomic_fetch_sub_explicit(&cp_eng.svc_active, 1, memory_order_release);
    }
    if (nd) {
      idle_iter = 0;
      continue;
    }
    if (cp_cfg.poll == POLL_SPIN) {
      cp_pause();
      continue;
    }
    /* Spinning on the CPU of the thread that submitted the last task (the
     * scheduler put the two together: the other CPU is busy) only steals
     * that thread's time: sleep at once. Likewise when the spin itself was
     * preempted (64 pauses take ~2 us; 50 us between two looks at the
     * clock means another thread had this CPU): the CPU is contended.
     * (A sched_yield now and then in the spin instead cost recv-then-parse
     * a third of its gain: ~1 us per call in which new work waits.) */
    if (cp_cfg.poll == POLL_SPIN_SLEEP && !shared_cpu) {
      if (idle_iter++ == 0) idle_since = spin_seen = cp_now_ns();
      if ((idle_iter & 63) != 0) {
        cp_pause();
        continue;
      }
      uint64_t t = cp_now_ns();
      bool preempted = t - spin_seen > 50000;
      spin_seen = t;
      /* More runnable threads than CPUs: the spin would take one of them
       * a CPU (shm_pipe's port ran 0.4-0.7x clang-19 in some runs: the
       * producer's idle copier spun while the consumer process waited). */
      if (!preempted && contended(&load, t)) preempted = true;
      if (!preempted && t - idle_since < spin_ns) {
        cp_pause();
        continue;
      }
      if (preempted) spin_ns = cp_cfg.spin_us * 1000, idle_iter = 0;
    }
    shared_cpu = false;
    if (cp_cfg.poll == POLL_SPIN_SLEEP && idle_iter) {
      sleep_until_work();
      uint64_t idle = cp_now_ns() - idle_since, base = cp_cfg.spin_us * 1000;
      if (idle < 4 * spin_ns)
        spin_ns = spin_ns * 2 > SPIN_STRETCH * base ? SPIN_STRETCH * base : spin_ns * 2;
      else
        spin_ns = spin_ns / 2 < base ? base : spin_ns / 2;
      idle_iter = 0;
      continue;
    }
    sleep_until_work();
    idle_iter = 0;
  }
  return NULL;
}

/* Start the service threads (called once, under cp_eng.lock). */
void cp_start_service(void) {
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  int started = 0;
  for (int i = 0; i < cp_cfg.threads; i++) {
    pthread_t t;
    if (pthread_create(&t, &a, service_main, NULL) == 0) started++;
  }
  pthread_attr_destroy(&a);
  if (!started && cp_cfg.threads > 0) fprintf(stderr, "copier: warning: cannot start a service thread (%s); copies run inline\n",
                        "pthread_create failed");
  atomic_store_explicit(&cp_eng.started, started ? 1 : -1, memory_order_release);
}

/* Run every queued task on the calling thread and wait until no service
 * thread is inside a task (fork prepare and exit). fork_pending or
 * stopping must be set so service threads stop popping. */
void cp_drain_ring(void) {
  struct node *nd;
  for (;;) {
    while ((nd = ring_pop()) != NULL) process(nd, &cp_eng.svc_st);
    while (atomic_load_explicit(&cp_eng.svc_active, memory_order_seq_cst) != 0) sched_yield();
    if (!ring_nonempty()) break;
  }
}
