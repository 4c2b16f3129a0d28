/*
 * san_core.c — CopierSanitizer's options, start-up, the engine hooks and the
 * checks instrumented code calls. The in-flight table and the shadow are in
 * san_table.c, thread numbering in san_threads.c.
 */
#define _GNU_SOURCE
#include "san_internal.h"
#include "copier_sanitizer_hooks.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

volatile uint32_t __copier_san_inflight;
struct san_options san_opts = {1, 1, 1, ""};

/* The engine defines the hook pointer (NULL in plain libcopier); this weak
 * definition only serves an engine that does not define it yet. */
__attribute__((weak)) struct copier_sanitizer_hooks *__copier_sanitizer_hooks;

/* ---- options ------------------------------------------------------------ */

static void die_bad_option(const char *what, const char *opt) {
  char buf[1024];
  int n = snprintf(buf, sizeof buf,
                   "==%d==ERROR: CopierSanitizer: bad COPIER_SAN_OPTIONS: %s '%s'.\n"
                   "  Known options: halt_on_error=0|1, exitcode=N (0..255), symbolize=0|1, "
                   "log_path=PATH (writes PATH.<pid>; 'stderr' or 'stdout' allowed).\n"
                   "  Separate options with ':' e.g. COPIER_SAN_OPTIONS=halt_on_error=0:log_path=/tmp/san\n",
                   (int)getpid(), what, opt);
  san_write_fd(2, buf, (size_t)n);
  _exit(1);
}

static int parse_int(const char *v, const char *opt, long lo, long hi) {
  char *end;
  errno = 0;
  long x = strtol(v, &end, 10);
  if (!*v || *end || errno || x < lo || x > hi) die_bad_option("invalid value in", opt);
  return (int)x;
}

static void parse_options(void) {
  const char *env = getenv("COPIER_SAN_OPTIONS");
  if (!env || !*env) return;
  char buf[2048];
  if (strlen(env) >= sizeof buf) die_bad_option("option string too long", "COPIER_SAN_OPTIONS");
  strcpy(buf, env);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ": ,", &save); tok; tok = strtok_r(NULL, ": ,", &save)) {
    char *eq = strchr(tok, '=');
    if (!eq) die_bad_option("expected name=value, got", tok);
    *eq = 0;
    const char *v = eq + 1;
    if (!strcmp(tok, "halt_on_error")) san_opts.halt_on_error = parse_int(v, tok, 0, 1);
    else if (!strcmp(tok, "exitcode")) san_opts.exitcode = parse_int(v, tok, 0, 255);
    else if (!strcmp(tok, "symbolize")) san_opts.symbolize = parse_int(v, tok, 0, 1);
    else if (!strcmp(tok, "log_path")) {
      if (!*v || strlen(v) >= sizeof san_opts.log_path - 16) die_bad_option("invalid value in", tok);
      strcpy(san_opts.log_path, v);
    } else die_bad_option("unknown option", tok);
  }
}

/* ---- init ------------------------------------------------------------------ */

static void on_submit(void *dst, const void *src, size_t n, enum copier_copy_kind kind);
static void on_sync(const void *addr, size_t n);
static void on_sync_all(void);
static void on_abort(void *dst, size_t n);
static struct copier_sanitizer_hooks hooks = {on_submit, on_sync, on_sync_all, on_abort};

__attribute__((constructor(101))) void san_init(void) {
  static int done;
  if (done) return;
  done = 1;
  san_tid(); /* the initial thread is T0 */
  parse_options();
  /* ASan's runtime intercepts the same functions and owns this shadow range. */
  extern void __asan_init(void) __attribute__((weak));
  if (__asan_init) {
    static const char msg[] =
        "CopierSanitizer: -fsanitize=copier cannot be combined with -fsanitize=address "
        "(both need the shadow range at 0x7fff8000 and the same interceptors); build with one of them.\n";
    san_write_fd(2, msg, sizeof msg - 1);
    _exit(1);
  }
  san_map_shadow(); /* before any instrumented code reads the page summary */
  void *warm[4];
  san_capture_stack(warm, 4); /* loads the unwinder now, not inside a report */
  __copier_sanitizer_hooks = &hooks;
}

/* ---- hooks ------------------------------------------------------------------ */

/* This thread's copies in the table (NULL until it submits one). */
static __thread struct san_owner *my_owner;

static void on_submit(void *dst, const void *src, size_t n, enum copier_copy_kind kind) {
  if (!n) return;
  struct san_copy *c = __libc_calloc(1, sizeof *c);
  if (!c) return;
  c->dst = (uintptr_t)dst;
  c->src = (uintptr_t)src;
  c->n = n;
  c->kind = kind;
  c->tid = san_tid();
  c->nframes = san_capture_stack_fast(c->frames, SAN_MAX_FRAMES);
  san_table_submit(c, &my_owner);
}

static void on_sync(const void *addr, size_t n) {
  if (n) san_table_sync(my_owner, (uintptr_t)addr, (uintptr_t)addr + n);
}

static void on_abort(void *dst, size_t n) {
  if (n) san_table_sync(my_owner, (uintptr_t)dst, (uintptr_t)dst + n);
}

static void on_sync_all(void) { san_table_sync_all(my_owner); }

/* ---- entry points for instrumented code ------------------------------------ */

static void check(uintptr_t addr, size_t size, int is_write, const void *pc) {
  struct san_hit hit;
  if (!size || !__copier_san_inflight) return;
  if (!san_find(addr, size, is_write, &hit)) return;
  enum san_kind k = hit.is_dst ? (is_write ? SAN_WRITE_DST : SAN_READ_DST) : SAN_WRITE_SRC;
  san_report(k, addr, size, is_write, pc, NULL, &hit);
}

#define RA __builtin_return_address(0)
void __copier_san_load(const void *p, size_t n) { check((uintptr_t)p, n, 0, RA); }
void __copier_san_store(const void *p, size_t n) { check((uintptr_t)p, n, 1, RA); }
/* Loop-wide checks hoisted to a preheader: the whole range a loop will touch. */
void __copier_san_load_range(const void *p, size_t n) { check((uintptr_t)p, n, 0, RA); }
void __copier_san_store_range(const void *p, size_t n) { check((uintptr_t)p, n, 1, RA); }

/* Entry test of a loop versioned by the pass: 1 if no byte of [p, p+n) is
 * in flight (a destination; for writes, a source too), so the loop's copy
 * without checks may run. Never reports. */
int __copier_san_range_clean(const void *p, size_t n, int is_write) {
  struct san_hit hit;
  return !__copier_san_inflight || !n || !san_find((uintptr_t)p, n, is_write, &hit);
}

/* Memory intrinsics of instrumented code: check both ranges, then copy with
 * libc (called by address, so our own memcpy interceptor is not re-entered). */
typedef void *(*copy_fn)(void *, const void *, size_t);
void *__copier_san_memcpy(void *d, const void *s, size_t n) {
  static copy_fn real;
  if (__copier_san_inflight) { check((uintptr_t)s, n, 0, RA); check((uintptr_t)d, n, 1, RA); }
  if (!real) real = (copy_fn)san_real("memcpy");
  return real(d, s, n);
}
void *__copier_san_memmove(void *d, const void *s, size_t n) {
  static copy_fn real;
  if (__copier_san_inflight) { check((uintptr_t)s, n, 0, RA); check((uintptr_t)d, n, 1, RA); }
  if (!real) real = (copy_fn)san_real("memmove");
  return real(d, s, n);
}
void *__copier_san_memset(void *d, int c, size_t n) {
  static void *(*real)(void *, int, size_t);
  if (__copier_san_inflight) check((uintptr_t)d, n, 1, RA);
  if (!real) real = (void *(*)(void *, int, size_t))san_real("memset");
  return real(d, c, n);
}
