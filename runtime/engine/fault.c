/*
 * fault.c — faults in asynchronous copies.
 *
 * Engine copies (service threads, and clients helping inside csync) run
 * under a SIGSEGV/SIGBUS guard: a thread-local sigjmp_buf armed around the
 * copy. A fault inside a guarded copy is recorded in the task and the copy
 * is abandoned; the submitter gets a report naming the copy at its next
 * csync/csync_all and the process aborts there, on the thread and stack
 * that made the bad call. A fault outside a guarded copy is not ours: the
 * handler puts back the previous disposition and returns, so the faulting
 * instruction runs again under the program's own handler (or the default).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static CP_TLS sigjmp_buf *guard;
static CP_TLS uintptr_t guard_addr;
static CP_TLS int guard_sig;
static struct sigaction old_segv, old_bus;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void on_fault(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  sigjmp_buf *g = guard;
  if (g) {
    guard = NULL;
    guard_addr = (uintptr_t)si->si_addr;
    guard_sig = sig;
    siglongjmp(*g, 1);
  }
  sigaction(sig, sig == SIGBUS ? &old_bus : &old_segv, NULL);
}

static void install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  /* NODEFER: we leave the handler by siglongjmp without restoring a mask. */
  sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &old_segv);
  sigaction(SIGBUS, &sa, &old_bus);
}

void cp_fault_install(void) { pthread_once(&install_once, install); }

int cp_guarded_copy(void *dst, const void *src, size_t n, int mode, uintptr_t *fault_addr, int *sig) {
  sigjmp_buf jb;
  if (sigsetjmp(jb, 0)) {
    *fault_addr = guard_addr;
    *sig = guard_sig;
    return -1;
  }
  guard = &jb;
  atomic_signal_fence(memory_order_seq_cst);
  if (mode & 1)
    memmove(dst, src, n);
  else if (mode & 2)
    cp_copy_nt(dst, src, n);
  else
    memcpy(dst, src, n);
  atomic_signal_fence(memory_order_seq_cst);
  guard = NULL;
  return 0;
}

static void describe(void *ret, char *buf, size_t len) {
  Dl_info di;
  if (ret && dladdr(ret, &di) && di.dli_fname) {
    const char *sym = di.dli_sname ? di.dli_sname : "?";
    uintptr_t off = di.dli_saddr ? (uintptr_t)ret - (uintptr_t)di.dli_saddr : 0;
    uintptr_t foff = (uintptr_t)ret - (uintptr_t)di.dli_fbase;
    snprintf(buf, len, "%p (%s+0x%lx in %s; source line: addr2line -f -e %s 0x%lx)", ret, sym,
             (unsigned long)off, di.dli_fname, di.dli_fname, (unsigned long)(foff ? foff - 1 : 0));
  } else {
    snprintf(buf, len, "%p", ret);
  }
}

void cp_report_fault(struct copier_descr *d) {
  char where[1024];
  describe(d->ret, where, sizeof where);
  uint64_t fa = atomic_load(&d->fault_addr) - 1;
  int sig = atomic_load(&d->fault_sig);
  uint32_t fl = atomic_load(&d->flags);
  fprintf(stderr,
          "copier: error: asynchronous %s(dst=%p, src=%p, n=%llu) faulted (%s at address %p): the "
          "source or destination is not valid memory for the whole copy.\n"
          "copier:   submitted at %s\n"
          "copier:   the copy ran on a copier thread; the fault is reported here, at the "
          "submitter's next csync/csync_all. Check the pointers and size passed to that call. "
          "Aborting.\n",
          (fl & DF_MOVE) ? "amemmove" : "amemcpy", (void *)d->dst, (const void *)d->src,
          (unsigned long long)d->n, sig == SIGBUS ? "SIGBUS" : "SIGSEGV", (void *)(uintptr_t)fa, where);
  fflush(stderr);
  abort();
}

void cp_fatal_call(const char *fn, const char *why, void *dst, const void *src, size_t n, void *ret) {
  char where[1024];
  describe(ret, where, sizeof where);
  fprintf(stderr, "copier: error: %s(dst=%p, src=%p, n=%zu) called at %s: %s. Aborting.\n", fn, dst, src,
          n, where, why);
  fflush(stderr);
  abort();
}
