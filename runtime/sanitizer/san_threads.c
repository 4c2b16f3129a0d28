/*
 * san_threads.c — thread numbers, as AddressSanitizer gives them: T0 is the
 * initial thread, T1, T2, ... are given in creation order by the
 * pthread_create interceptor (before the new thread runs, so the numbering
 * does not depend on scheduling), and each user thread remembers which
 * thread created it and where. Threads the runtime itself starts (the
 * engine's service threads) are numbered apart, from SAN_INTERNAL_TID, so
 * they never shift the user's numbers. A thread created some other way
 * (a raw clone) is numbered when it first needs a number.
 */
#define _GNU_SOURCE
#include "san_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { CREATE_FRAMES = 20 };

static _Atomic int next_user = 1; /* T0 is the initial thread */
static _Atomic int next_internal;
static __thread int my_tid = -1;

/* Who created each user thread, and where: indexed by T number. */
struct creation { int parent; int nframes; void *frames[CREATE_FRAMES]; };
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct creation *reg;
static size_t reg_cap;

int san_tid(void) {
  if (my_tid < 0)
    my_tid = syscall(SYS_gettid) == getpid() ? 0 : atomic_fetch_add(&next_user, 1);
  return my_tid;
}

static void remember_creation(int tid, int parent) {
  struct creation c = {parent, 0, {0}};
  /* The runtime's own frames on top are dropped by the reporter. */
  c.nframes = san_capture_stack_fast(c.frames, CREATE_FRAMES);
  pthread_mutex_lock(&reg_lock);
  if ((size_t)tid >= reg_cap) {
    size_t cap = reg_cap ? reg_cap : 64;
    while (cap <= (size_t)tid) cap *= 2;
    struct creation *r = __libc_realloc(reg, cap * sizeof *r);
    if (!r) { pthread_mutex_unlock(&reg_lock); return; } /* no creation info, no harm */
    memset(r + reg_cap, 0xff, (cap - reg_cap) * sizeof *r); /* parent -1: unknown */
    reg = r;
    reg_cap = cap;
  }
  reg[tid] = c;
  pthread_mutex_unlock(&reg_lock);
}

struct san_thread_start *san_thread_create(int internal) {
  struct san_thread_start *st = __libc_malloc(sizeof *st);
  if (!st) return NULL;
  if (internal) {
    st->tid = SAN_INTERNAL_TID + atomic_fetch_add(&next_internal, 1);
  } else {
    /* A failed pthread_create leaves its number unused, as in ASan. */
    st->tid = atomic_fetch_add(&next_user, 1);
    remember_creation(st->tid, san_tid());
  }
  return st;
}

void san_thread_started(struct san_thread_start *st) { my_tid = st->tid; }

void san_thread_create_failed(struct san_thread_start *st) { __libc_free(st); }

const char *san_thread_name(int tid, char *buf, size_t n) {
  if (tid >= SAN_INTERNAL_TID) snprintf(buf, n, "an engine service thread");
  else snprintf(buf, n, "T%d", tid);
  return buf;
}

int san_thread_creator(int tid, void **frames, int *nframes) {
  int parent = -1;
  *nframes = 0;
  pthread_mutex_lock(&reg_lock);
  if (tid > 0 && (size_t)tid < reg_cap && reg[tid].parent >= 0) {
    parent = reg[tid].parent;
    *nframes = reg[tid].nframes;
    memcpy(frames, reg[tid].frames, (size_t)*nframes * sizeof *frames);
  }
  pthread_mutex_unlock(&reg_lock);
  return parent;
}
