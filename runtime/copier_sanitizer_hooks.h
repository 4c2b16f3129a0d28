/*
 * copier_sanitizer_hooks.h — how the engine tells CopierSanitizer's runtime
 * what is in flight. Internal to runtime/ (not installed).
 *
 * The engine calls these on the submitting thread, synchronously, for every
 * copy whatever path it takes (inline, offloaded, lazy): the sanitizer tracks
 * what the *program* has synced, not what the engine happened to finish.
 * In libcopier the pointer is NULL (one load and one branch per call);
 * libcopier_san's constructor points it at its hook table.
 */
#ifndef COPIER_SANITIZER_HOOKS_H
#define COPIER_SANITIZER_HOOKS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum copier_copy_kind { COPIER_COPY = 0, COPIER_MOVE = 1, COPIER_LAZY_COPY = 2 };

struct copier_sanitizer_hooks {
  /* A copy of n bytes src -> dst was submitted (dst poisoned as in-flight
   * destination, src as in-flight source). Called before the copy can run. */
  void (*on_submit)(void *dst, const void *src, size_t n, enum copier_copy_kind kind);
  /* The program synced [addr, addr+n): exactly that destination range is
   * clean again, and so is the part of each in-flight copy's *source* that
   * feeds those destination bytes (Appendix A: before writing a source, the
   * program csyncs the corresponding destination range; csync on a range
   * that is no copy's destination waits for nothing and cleans nothing). */
  void (*on_sync)(const void *addr, size_t n);
  /* csync_all: every copy of the calling thread is clean. */
  void (*on_sync_all)(void);
  /* A lazy copy to dst of n bytes was aborted: its ranges are clean. */
  void (*on_abort)(void *dst, size_t n);
};

/* NULL unless the sanitizer runtime is linked in. */
extern struct copier_sanitizer_hooks *__copier_sanitizer_hooks;

#ifdef __cplusplus
}
#endif

#endif
