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
 *   - csync a source range before writing it;
 *   - csync (or csync_all) either buffer before freeing or reallocating it,
 *     or before handing it to code that does not follow these rules;
 *   - csync_all before a destination becomes visible to another thread.
 */
#ifndef COPIER_H
#define COPIER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COPIER_API_VERSION 1

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

/* ---- Compiler interface (emitted by CopierGen, not for hand use) -------- */

/* amemcpy/amemmove with a stable call-site id, so the engine's adaptive
 * offload can learn per site whether offloading pays. The id is opaque to
 * the engine; CopierGen derives it from the module and the site. */
void *__copier_amemcpy_site(void *dst, const void *src, size_t n, uint64_t site);
void *__copier_amemmove_site(void *dst, const void *src, size_t n, uint64_t site);

/* ---- Low-level layer ---------------------------------------------------- */
/* (descriptors, completion handlers, lazy copies, clients, shared-memory
 * descriptors, configuration and statistics: see below.) */

#ifdef __cplusplus
}
#endif

#endif /* COPIER_H */
