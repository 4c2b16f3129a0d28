/*
 * san_internal.h — CopierSanitizer runtime internals shared by its files.
 *
 * Layout (see docs/sanitizer.md): one shadow byte per 8-byte granule at
 * SAN_SHADOW_OFFSET + (addr >> 3), reserved at start-up (NORESERVE: only
 * pages written cost memory). Bits: SAN_D = some byte of the granule is an
 * in-flight destination, SAN_S = some byte is an in-flight source. A page
 * summary, one byte per 4 KiB page at SAN_PAGE_SHADOW_OFFSET + (addr >> 12),
 * is the OR of the granule shadow of the page and the first 16 bytes after
 * it, so inline checks of up to 16 bytes read the granule shadow only on
 * pages near in-flight bytes (a few bytes of summary per MiB: they stay in
 * cache). Its offset fits an instruction's 32-bit displacement (no register
 * holds it): the summary of low memory (below 2 GiB) takes the 512 KiB just
 * below the granule shadow, reserved with it; that of high memory falls in
 * the part of the granule mapping that would shadow the shadow itself, which
 * no program address maps to (ASan's "shadow gap"). The shadow is only a
 * filter: the exact bytes live in the interval trees (san_table.c), so
 * reports are byte-precise.
 * __copier_san_inflight counts live intervals: the runtime and hoisted
 * range checks skip all work while it is 0.
 */
#ifndef COPIER_SAN_INTERNAL_H
#define COPIER_SAN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#define SAN_SHADOW_OFFSET 0x7fff8000ULL
#define SAN_SHADOW_SIZE   (0x800000000000ULL >> 3)
#define SAN_RESERVE_START 0x7ff78000ULL /* the low-memory page summary, then the shadow */
#define SAN_PAGE_SHIFT 12
#define SAN_PAGE_SIZE (1ULL << SAN_PAGE_SHIFT)
#define SAN_PAGE_SHADOW_OFFSET SAN_RESERVE_START
#define SAN_D 1u
#define SAN_S 2u
#define SAN_MAX_FRAMES 32

enum san_kind {
  SAN_READ_DST = 0,   /* read-of-in-flight-destination */
  SAN_WRITE_DST,      /* write-of-in-flight-destination */
  SAN_WRITE_SRC,      /* write-of-in-flight-source */
  SAN_FREE,           /* free-of-in-flight-buffer */
  SAN_LIBC,           /* libc-access-of-in-flight-buffer */
};

struct san_owner;
struct interval;

/* One submitted copy: what the report needs to say where it came from, and
 * its links in the table (san_table.c). */
struct san_copy {
  uintptr_t dst, src;
  size_t n;
  int kind;          /* enum copier_copy_kind */
  int tid;           /* submitting thread's T number */
  int nframes;
  void *frames[SAN_MAX_FRAMES];
  /* table links, valid only under the table lock */
  struct interval *ivs;             /* this copy's live intervals */
  struct san_owner *owner;          /* the submitting thread's copy list */
  struct san_copy *onext, *oprev;
  int pinned;                       /* kept while an operation holds it */
};

/* What a failed check found, handed from the table to the reporter. */
struct san_hit {
  struct san_copy copy;   /* a snapshot: the table may change meanwhile */
  uintptr_t bad;          /* first offending byte */
  int is_dst;             /* hit a destination (else a source) interval */
};

/* Runtime options (COPIER_SAN_OPTIONS). */
struct san_options {
  int halt_on_error;
  int exitcode;
  int symbolize;
  char log_path[512];
};
extern struct san_options san_opts;

/* Process-wide count of live in-flight intervals: the instrumented fast path. */
extern volatile uint32_t __copier_san_inflight;

void san_init(void);

/* Threads (san_threads.c): T0 is the initial thread, T1, T2, ... are
 * numbered in creation order by the pthread_create interceptor; the
 * runtime's own (engine service) threads get no user number. */
int san_tid(void);
/* Called by the pthread_create interceptor before creating the thread:
 * returns the start record the new thread passes to san_thread_started. */
struct san_thread_start {
  void *(*fn)(void *);
  void *arg;
  int tid;
};
struct san_thread_start *san_thread_create(int internal);
void san_thread_started(struct san_thread_start *st);
void san_thread_create_failed(struct san_thread_start *st);
/* "T3", or "an engine thread" for the runtime's own threads. */
const char *san_thread_name(int tid, char *buf, size_t n);
/* The creator of user thread tid (-1 if unknown) and its creation stack. */
int san_thread_creator(int tid, void **frames, int *nframes);
#define SAN_INTERNAL_TID 0x40000000 /* runtime threads: tid >= this */

/* 1 if ra is code of this runtime (engine included): its own calls are exempt. */
int san_is_runtime_pc(const void *ra);
/* Like san_is_runtime_pc, but 0 when the runtime is linked statically
 * (then its code cannot be told from the program's). */
int san_is_shared_runtime_pc(const void *ra);

/* The table (san_table.c). The shadow is reserved at start-up: inline
 * checks read the page summary whether or not anything is in flight. */
void san_map_shadow(void);
/* The table (san_table.c). */
void san_table_submit(struct san_copy *c, struct san_owner **owner);
void san_table_sync(struct san_owner *owner, uintptr_t a, uintptr_t b);
void san_table_sync_all(struct san_owner *owner);
/* want_src: a source interval also counts. */
int san_find(uintptr_t addr, size_t size, int want_src, struct san_hit *hit);
int san_is_engine_copy(uintptr_t d, uintptr_t s, size_t n);
/* Forget every interval overlapping [addr, addr+size) (freed memory). */
void san_forget(uintptr_t addr, size_t size);

/* Reporting (san_report.c). pc: the access; fn: libc function or NULL. */
void san_report(enum san_kind kind, uintptr_t addr, size_t size, int is_write,
                const void *pc, const char *fn, const struct san_hit *hit);
int san_capture_stack(void **frames, int max);
int san_capture_stack_fast(void **frames, int max); /* frame pointers: per copy */

/* Raw output that never goes through our interceptors. */
void san_write_fd(int fd, const char *s, size_t n);
/* The real libc functions the runtime needs (never intercepted ones). */
void *san_real(const char *name);

/* glibc's own allocator entry points: the runtime's allocations never pass
 * through its free/realloc interceptors. */
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void __libc_free(void *);

#endif
