/*
 * san_core.c — CopierSanitizer's state: options, shadow memory, the table of
 * in-flight intervals, the engine hooks and the checks instrumented code calls.
 *
 * The table holds intervals [lo, hi) that are in-flight destinations (D) or
 * sources (S), each owned by the submitting thread. csync(addr, n) cuts
 * [addr, addr+n) out of that thread's D intervals and cuts the matching source
 * bytes out of the same copies' S intervals (contract in
 * copier_sanitizer_hooks.h); the shadow of every touched granule is then
 * recomputed from what remains, so neighbouring copies sharing a granule keep
 * their bits. One mutex guards table and shadow writes; instrumented code
 * reads the shadow without it (a stale bit only sends it to the slow path,
 * which takes the lock and decides exactly).
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

struct interval {
  uintptr_t lo, hi;
  struct san_copy *copy;
  unsigned char bits; /* SAN_D or SAN_S */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct interval *table;
static size_t table_len, table_cap;
static int shadow_ready;

static inline unsigned char *shadow_of(uintptr_t a) {
  return (unsigned char *)(SAN_SHADOW_OFFSET + (a >> 3));
}

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

/* ---- threads -------------------------------------------------------------- */

static _Atomic int next_tid;
static __thread int my_tid = -1;

int san_tid(void) {
  if (my_tid < 0) my_tid = atomic_fetch_add(&next_tid, 1);
  return my_tid;
}

/* ---- init ------------------------------------------------------------------ */

static void map_shadow(void) {
  void *p = mmap((void *)SAN_SHADOW_OFFSET, SAN_SHADOW_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  if (p != (void *)SAN_SHADOW_OFFSET) {
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "==%d==ERROR: CopierSanitizer: cannot reserve shadow memory at 0x%llx "
                     "(%llu bytes): %s. Another sanitizer (e.g. -fsanitize=address) or a "
                     "mapping already uses that range; build without it.\n",
                     (int)getpid(), SAN_SHADOW_OFFSET, SAN_SHADOW_SIZE, strerror(errno));
    san_write_fd(2, buf, (size_t)n);
    _exit(1);
  }
  shadow_ready = 1;
}

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
  void *warm[4];
  san_capture_stack(warm, 4); /* loads the unwinder now, not inside a report */
  __copier_sanitizer_hooks = &hooks;
}

/* ---- table ------------------------------------------------------------------ */

static void shadow_mark(uintptr_t lo, uintptr_t hi, unsigned char bits) {
  unsigned char *p = shadow_of(lo);
  size_t n = ((hi - 1) >> 3) - (lo >> 3) + 1;
  for (size_t i = 0; i < n; i++) p[i] |= bits; /* a simple loop: vectorized */
}

/* Recompute the shadow of the granules covering [lo, hi) from the table. */
static void shadow_recompute(uintptr_t lo, uintptr_t hi) {
  uintptr_t glo = lo & ~(uintptr_t)7, ghi = ((hi - 1) | 7) + 1;
  memset(shadow_of(glo), 0, (ghi - glo) >> 3);
  for (size_t i = 0; i < table_len; i++) {
    struct interval *iv = &table[i];
    if (iv->hi <= glo || iv->lo >= ghi) continue;
    uintptr_t a = iv->lo > glo ? iv->lo : glo, b = iv->hi < ghi ? iv->hi : ghi;
    shadow_mark(a, b, iv->bits);
  }
}

static void table_push(uintptr_t lo, uintptr_t hi, struct san_copy *c, unsigned char bits) {
  if (table_len == table_cap) {
    size_t cap = table_cap ? table_cap * 2 : 256;
    struct interval *t = __libc_realloc(table, cap * sizeof *t);
    if (!t) {
      static const char msg[] = "CopierSanitizer: out of memory for the in-flight table\n";
      san_write_fd(2, msg, sizeof msg - 1);
      _exit(1);
    }
    table = t;
    table_cap = cap;
  }
  table[table_len++] = (struct interval){lo, hi, c, bits};
  c->refs++;
  atomic_store_explicit((_Atomic uint32_t *)&__copier_san_inflight, (uint32_t)table_len,
                        memory_order_release);
}

static void table_drop(size_t i) {
  struct san_copy *c = table[i].copy;
  table[i] = table[--table_len];
  if (--c->refs == 0) __libc_free(c);
  atomic_store_explicit((_Atomic uint32_t *)&__copier_san_inflight, (uint32_t)table_len,
                        memory_order_release);
}

/* Cut [a, b) out of the intervals accepted by match(); for every piece cut
 * from a D interval call cut_cb (to clean the matching source bytes). */
typedef int (*match_fn)(const struct interval *, const void *);
static void table_cut(uintptr_t a, uintptr_t b, match_fn match, const void *arg,
                      void (*cut_cb)(struct san_copy *, uintptr_t, uintptr_t)) {
  for (size_t i = 0; i < table_len;) {
    struct interval *iv = &table[i];
    if (iv->hi <= a || iv->lo >= b || !match(iv, arg)) { i++; continue; }
    uintptr_t ca = iv->lo > a ? iv->lo : a, cb = iv->hi < b ? iv->hi : b;
    struct san_copy *c = iv->copy;
    unsigned char bits = iv->bits;
    if (iv->lo < a && iv->hi > b) {          /* split in two */
      uintptr_t right_hi = iv->hi;
      iv->hi = a;
      table_push(b, right_hi, c, bits);
      i++;
    } else if (iv->lo < a) { iv->hi = a; i++; }
    else if (iv->hi > b) { iv->lo = b; i++; }
    else { c->refs++; table_drop(i); c->refs--; } /* keep c alive for cut_cb */
    if (cut_cb) cut_cb(c, ca, cb);
    if (c->refs == 0) __libc_free(c);
  }
}

static int match_thread_dst(const struct interval *iv, const void *arg) {
  return iv->bits == SAN_D && iv->copy->tid == *(const int *)arg;
}
static int match_copy_src(const struct interval *iv, const void *arg) {
  return iv->bits == SAN_S && iv->copy == arg;
}
static int match_any(const struct interval *iv, const void *arg) {
  (void)iv; (void)arg;
  return 1;
}

/* Pieces of destinations a csync cut, remembered so that the matching
 * source bytes are cleaned after the cut (never while it walks the table). */
struct piece { struct san_copy *c; uintptr_t a, b; };
static struct piece *pieces;
static size_t npieces, pieces_cap;

static void remember_piece(struct san_copy *c, uintptr_t a, uintptr_t b) {
  if (npieces == pieces_cap) {
    size_t cap = pieces_cap ? pieces_cap * 2 : 64;
    struct piece *p = __libc_realloc(pieces, cap * sizeof *p);
    if (!p) return; /* the source stays poisoned: a report, never a miss */
    pieces = p;
    pieces_cap = cap;
  }
  c->refs++;
  pieces[npieces++] = (struct piece){c, a, b};
}

/* Destination bytes [a, b) of copy c were synced: so are the source bytes
 * that feed them. */
static void clean_pieces(void) {
  for (size_t i = 0; i < npieces; i++) {
    struct san_copy *c = pieces[i].c;
    uintptr_t sa = c->src + (pieces[i].a - c->dst), sb = c->src + (pieces[i].b - c->dst);
    table_cut(sa, sb, match_copy_src, c, NULL);
    shadow_recompute(sa, sb);
    if (--c->refs == 0) __libc_free(c);
  }
  npieces = 0;
}

/* ---- hooks ------------------------------------------------------------------ */

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
  pthread_mutex_lock(&table_lock);
  if (!shadow_ready) map_shadow();
  c->refs = 1; /* held while both intervals are pushed */
  table_push(c->dst, c->dst + n, c, SAN_D);
  table_push(c->src, c->src + n, c, SAN_S);
  c->refs--;
  shadow_mark(c->dst, c->dst + n, SAN_D);
  shadow_mark(c->src, c->src + n, SAN_S);
  pthread_mutex_unlock(&table_lock);
}

static void sync_range(uintptr_t a, uintptr_t b) {
  int tid = san_tid();
  pthread_mutex_lock(&table_lock);
  if (table_len) {
    table_cut(a, b, match_thread_dst, &tid, remember_piece);
    shadow_recompute(a, b);
    clean_pieces();
  }
  pthread_mutex_unlock(&table_lock);
}

static void on_sync(const void *addr, size_t n) {
  if (n) sync_range((uintptr_t)addr, (uintptr_t)addr + n);
}

static void on_abort(void *dst, size_t n) {
  if (n) sync_range((uintptr_t)dst, (uintptr_t)dst + n);
}

static void on_sync_all(void) {
  int tid = san_tid();
  pthread_mutex_lock(&table_lock);
  /* Drop this thread's intervals and clear their shadow, then re-mark what
   * other threads still have in flight: linear, however many copies. */
  size_t kept = 0, dropped = 0;
  for (size_t i = 0; i < table_len; i++) {
    struct interval iv = table[i];
    if (iv.copy->tid != tid) { table[kept++] = iv; continue; }
    uintptr_t glo = iv.lo & ~(uintptr_t)7, ghi = ((iv.hi - 1) | 7) + 1;
    memset(shadow_of(glo), 0, (ghi - glo) >> 3);
    if (--iv.copy->refs == 0) __libc_free(iv.copy);
    dropped++;
  }
  table_len = kept;
  if (dropped)
    for (size_t i = 0; i < table_len; i++) shadow_mark(table[i].lo, table[i].hi, table[i].bits);
  atomic_store_explicit((_Atomic uint32_t *)&__copier_san_inflight, (uint32_t)table_len,
                        memory_order_release);
  pthread_mutex_unlock(&table_lock);
}

/* ---- queries ------------------------------------------------------------------ */

int san_find(uintptr_t addr, size_t size, int want_src, struct san_hit *hit) {
  uintptr_t end = addr + size;
  int found = 0;
  pthread_mutex_lock(&table_lock);
  for (size_t i = 0; i < table_len; i++) {
    struct interval *iv = &table[i];
    if (iv->hi <= addr || iv->lo >= end) continue;
    if (iv->bits == SAN_S && !want_src) continue;
    uintptr_t bad = iv->lo > addr ? iv->lo : addr;
    /* A destination outranks a source; then the lowest offending byte. */
    int better = !found || (iv->bits == SAN_D && !hit->is_dst) ||
                 ((iv->bits == SAN_D) == hit->is_dst && bad < hit->bad);
    if (better) {
      found = 1;
      hit->copy = *iv->copy;
      hit->bad = bad;
      hit->is_dst = iv->bits == SAN_D;
    }
  }
  pthread_mutex_unlock(&table_lock);
  return found;
}

/* memcpy(d, s, n) that performs (part of) an in-flight copy itself: the
 * engine's own copy, even when reached by a tail call from engine code. */
int san_is_engine_copy(uintptr_t d, uintptr_t s, size_t n) {
  int yes = 0;
  pthread_mutex_lock(&table_lock);
  for (size_t i = 0; i < table_len && !yes; i++) {
    struct interval *iv = &table[i];
    struct san_copy *c = iv->copy;
    yes = iv->bits == SAN_D && d >= c->dst && d + n <= c->dst + c->n && s == c->src + (d - c->dst);
  }
  pthread_mutex_unlock(&table_lock);
  return yes;
}

void san_forget(uintptr_t addr, size_t size) {
  pthread_mutex_lock(&table_lock);
  if (table_len) {
    table_cut(addr, addr + size, match_any, NULL, NULL);
    shadow_recompute(addr, addr + size);
  }
  pthread_mutex_unlock(&table_lock);
}

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
