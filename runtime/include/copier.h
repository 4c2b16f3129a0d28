/*
 * copier.h — the one public interface of the Copier toolchain.
 *
 * Copier turns memory copy into an asynchronous service: amemcpy() submits a
 * copy and returns at once; csync() waits for exactly the bytes the caller is
 * about to use. This header is the contract between the engine (libcopier),
 * CopierGen (which emits calls to it), CopierSanitizer (which watches it) and
 * hand-ported user code.
 *
 * Rules for callers (Appendix A of the Copier paper):
 *   - csync a destination range before reading or writing it;
 *   - before writing a source range, csync the destination range it is
 *     copied to (csync waits for destinations; that frees their sources);
 *   - csync the copy's destination (or csync_all) before freeing or
 *     reallocating either buffer, or before handing either to code that does
 *     not follow these rules;
 *   - csync_all before a destination becomes visible to another thread.
 */
#ifndef COPIER_H
#define COPIER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 2: adds cdone. */
#define COPIER_API_VERSION 2

/* ---- High-level API ---------------------------------------------------- */

/* Submit a copy of n bytes from src to dst; returns dst. The ranges must not
 * overlap (use amemmove). The bytes are in dst once a csync covering them,
 * or csync_all, has returned. */
void *amemcpy(void *dst, const void *src, size_t n);

/* Like amemcpy, but the ranges may overlap (memmove semantics). */
void *amemmove(void *dst, const void *src, size_t n);

/* Return once every byte of [addr, addr+n) that is the destination of an
 * earlier amemcpy/amemmove of this thread holds its final value, and the
 * sources of those copies may be written again. */
void csync(const void *addr, size_t n);

/* Return once every copy submitted by this thread, and every completion
 * handler it registered, is done. The barrier before publishing data to
 * another thread. */
void csync_all(void);

/* 1 if no copy of this thread is still in flight (submitted and not yet
 * retired by a csync) that writes or reads a byte of [addr, addr+n): the
 * bytes are final and csync(addr, n) has nothing to do. 0 otherwise. Never
 * waits, costs a few nanoseconds. For hand-ported code that checks ahead of
 * each read (csync per segment in a parsing loop): when the engine copied
 * at once (small copies, sites it learnt to copy inline), run the loop
 * without the checks. Always 0 under CopierSanitizer, so a sanitized run
 * takes the checked path. */
int cdone(const void *addr, size_t n);

/* ---- Compiler interface (emitted by CopierGen, not for hand use) -------- */

/* amemcpy/amemmove with a stable call-site id, so the engine's adaptive
 * offload can learn per site whether offloading pays. The id is opaque to
 * the engine; CopierGen derives it from the module and the site. */
void *__copier_amemcpy_site(void *dst, const void *src, size_t n, uint64_t site);
void *__copier_amemmove_site(void *dst, const void *src, size_t n, uint64_t site);

/* 1 if a copy of this thread that is not yet synced may overlap [dst, dst+n)
 * or [src, src+n); 0 if none does (its bytes are final: CopierGen's clones
 * then run the function's unsynced original). Always 1 under
 * CopierSanitizer, so the sanitizer sees the synced code. */
int __copier_in_flight(const void *dst, const void *src, size_t n);

/* Also emitted by CopierGen: a thread-local word (initial-exec TLS,
 * `uintptr_t __copier_pending`) that is nonzero whenever this thread may
 * have a copy in flight. CopierGen's code tests it inline and calls csync
 * and __copier_in_flight only when it is set. Not declared here: hand code
 * calls csync, whose own test is the same. */

/* ---- Low-level layer ---------------------------------------------------- */
/* Every thread is its own client: copies, csync and csync_all of one thread
 * never wait for another thread's copies. A low-level copy is described by
 * a caller-owned descriptor: memory the caller provides (at least
 * copier_descr_size(n, granularity) bytes, 8-byte aligned; it may live in
 * shared memory), holding the copy's segment bitmap, so it can be reused
 * without allocation and synced without a lookup. The descriptor belongs to
 * the engine from _amemcpy until the copy is *retired*: by a _csync covering
 * the whole copy, by csync_all, by copier_poll running it, or by
 * copier_abort. */
typedef struct copier_descr copier_descr;

#define COPIER_MOVE_F   1u /* memmove semantics (ranges may overlap) */
#define COPIER_LAZY_F   2u /* run only when needed: a csync of its bytes, a
                              later copy depending on it, or csync_all;
                              copier_abort discards what has not run. A
                              later copy reading its destination reads its
                              source instead (absorption), so a lazy copy
                              that is only copied on may never run */
#define COPIER_SHARED_F 4u /* the descriptor is in shared memory and another
                              process will _csync it: always offloaded */

/* Bytes needed for a descriptor of an n-byte copy in segments of
 * `granularity` bytes (0: the configured segment size). */
size_t copier_descr_size(size_t n, size_t granularity);

/* Submit a copy described by the caller-owned descriptor at `mem`.
 * handler(arg), if not NULL, runs on this thread once the copy is done, from
 * csync, csync_all or copier_poll (e.g. to free the source). Returns the
 * descriptor, or NULL (with a message on stderr) if an argument is bad. */
copier_descr *_amemcpy(void *mem, void *dst, const void *src, size_t n, size_t granularity,
                       unsigned flags, void (*handler)(void *), void *arg);

/* Return once bytes [off, off+len) of the copy's destination are in place
 * (helping: pending segments are copied by the caller). Covering the whole
 * copy retires it (its handler runs). In a process that did not submit the
 * copy (see shm_descr_bind), waits for the producer's copier instead. */
void _csync(copier_descr *d, size_t off, size_t len);

/* 1 if bytes [off, off+len) of the copy are in place, else 0. Never waits. */
int _cdone(const copier_descr *d, size_t off, size_t len);

/* Discard the segments of a copy that have not run yet (for a lazy copy,
 * usually all of them), wait for those being copied, and retire it without
 * running its handler. Returns the number of bytes never copied. */
size_t copier_abort(copier_descr *d);

/* Run the handlers of this thread's finished copies and retire them;
 * returns how many copies were retired. Never waits. */
int copier_poll(void);

/* Consumer side of shared memory: validate a descriptor that a producer
 * process placed in shared memory (mapped here at `mem`, `size` bytes) and
 * return it for _csync/_cdone, or NULL with a message if it is not one.
 * Map the descriptor writable: a _csync that has to wait registers itself
 * in it and sleeps on it until the producer's copier wakes it. */
copier_descr *shm_descr_bind(void *mem, size_t size);

/* ---- Configuration and statistics ------------------------------------------ */
/* Options, as in the COPIER_OPTIONS environment variable (read at the first
 * copy; a bad option there prints a message naming it and exits with 1):
 *   threads=N        service threads (default 1; 0 = every copy inline)
 *   poll=spin|spin_sleep|sleep   idle service threads (default spin_sleep)
 *   spin_us=N        spin before sleeping, microseconds (default 200; a
 *                    copier woken soon after it slept spins up to 5x longer)
 *   segment=BYTES    segment size (default 64k; >= 4k)
 *   sync_below=BYTES copies below this are done synchronously (default 8k)
 *   wake_above=BYTES smaller copies run inline while the copier sleeps (256k)
 *   adaptive=0|1     learn per call site whether offloading pays (default 1)
 *   absorb=0|1       copy absorption: B->C after a pending A->B reads A
 *                    for the segments of B not yet copied (default 1)
 *   max_active=N     pending copies per thread before copying inline (256)
 *   ring=N           submission ring slots (default 4096)
 *   nt_above=BYTES   non-temporal stores for copies this large (0 = never)
 *   stats=0|1|2      print statistics at exit (default 0); 2 adds each
 *                    call site's adaptive verdict and measured copy speed
 * Sizes accept k, m, g suffixes. Separators: ':' or ','.
 * copier_configure applies the same syntax at run time: returns 0, or -1
 * with a message on stderr and nothing changed. threads, poll, spin_us and
 * ring can only be set before the first offloaded copy. Call it while no
 * other thread is copying. */
int copier_configure(const char *options);

struct copier_stats {
  uint64_t copies, bytes;          /* amemcpy/amemmove/_amemcpy calls, bytes */
  uint64_t inline_copies;          /* done synchronously at submission */
  uint64_t offloaded;              /* handed to a service thread */
  uint64_t lazy_copies, lazy_never_executed; /* lazy: aborted before running */
  uint64_t aborted;                /* copier_abort calls */
  uint64_t bytes_absorbed;         /* read from an earlier pending copy's source */
  uint64_t csync_waited, csync_wait_ns; /* csync/csync_all that waited, time */
  uint64_t segments_helped;        /* segments copied by waiting clients */
  uint64_t segments_service;       /* segments copied by service threads */
  uint64_t faults;                 /* faulting copies reported */
};
/* Totals for the process so far (other threads' counts may lag a little). */
void copier_get_stats(struct copier_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* COPIER_H */
