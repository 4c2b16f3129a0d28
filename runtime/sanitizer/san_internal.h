/*
 * san_internal.h — CopierSanitizer runtime internals shared by its files.
 *
 * Layout (see docs/sanitizer.md): one shadow byte per 8-byte granule at
 * SAN_SHADOW_OFFSET + (addr >> 3), reserved lazily at the first submitted
 * copy. Bits: SAN_D = some byte of the granule is an in-flight destination,
 * SAN_S = some byte is an in-flight source. The shadow is only a filter: the
 * exact bytes live in the interval table (san_core.c), so reports are
 * byte-precise. Instrumented code reads the shadow only while
 * __copier_san_inflight != 0, which is set after the shadow exists.
 */
#ifndef COPIER_SAN_INTERNAL_H
#define COPIER_SAN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#define SAN_SHADOW_OFFSET 0x7fff8000ULL
#define SAN_SHADOW_SIZE   (0x800000000000ULL >> 3)
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

/* One submitted copy: what the report needs to say where it came from. */
struct san_copy {
  uintptr_t dst, src;
  size_t n;
  int kind;          /* enum copier_copy_kind */
  int tid;           /* submitting thread's T number */
  int refs;          /* live intervals pointing here */
  int nframes;
  void *frames[SAN_MAX_FRAMES];
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
int san_tid(void);
/* 1 if ra is code of this runtime (engine included): its own calls are exempt. */
int san_is_runtime_pc(const void *ra);

/* Table queries (san_core.c). want_src: a source interval also counts. */
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
