/*
 * san_report.c — ASan-style reports: stacks, llvm-symbolizer, log_path,
 * halt_on_error and once-per-bug deduplication.
 *
 * Reports are composed in one buffer and written with raw write(2), so they
 * never re-enter our own interceptors and concurrent reports do not interleave.
 */
#define _GNU_SOURCE
#include "san_internal.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const kind_names[] = {
    "read-of-in-flight-destination", "write-of-in-flight-destination",
    "write-of-in-flight-source",     "free-of-in-flight-buffer",
    "libc-access-of-in-flight-buffer",
};

void san_write_fd(int fd, const char *s, size_t n) {
  while (n) {
    long w = syscall(SYS_write, fd, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

void *san_real(const char *name) {
  void *p = dlsym(RTLD_NEXT, name);
  if (!p) {
    char buf[256];
    int n = snprintf(buf, sizeof buf, "CopierSanitizer: cannot find the real %s in libc\n", name);
    san_write_fd(2, buf, (size_t)n);
    _exit(1);
  }
  return p;
}

int san_capture_stack(void **frames, int max) { return backtrace(frames, max); }

/* The calling thread's stack bounds, for validating frame pointers. */
static __thread uintptr_t san_stack_lo, san_stack_hi;

static void san_stack_bounds(void) {
  pthread_attr_t attr;
  void *addr = NULL;
  size_t size = 0;
  san_stack_hi = 1; /* tried: never again, even if it fails */
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0 && size) {
    san_stack_lo = (uintptr_t)addr;
    san_stack_hi = (uintptr_t)addr + size;
  }
  pthread_attr_destroy(&attr);
}

/* A frame-pointer walk, for the stack of every submitted copy: glibc's
 * backtrace() unwinds with DWARF tables and cost tens of microseconds per
 * copy (libpng's tests with many 3-byte copies ran 60x slower). The runtime
 * and (through copier-cc -fsanitize=copier) the program keep frame
 * pointers; the walk stops at the first frame pointer that leaves the
 * thread's stack or does not grow. frames[0] is this function, as with
 * backtrace(), so callers skip the same runtime frames. */
__attribute__((noinline)) int san_capture_stack_fast(void **frames, int max) {
  if (max <= 0) return 0;
  if (!san_stack_hi) san_stack_bounds();
  int n = 0;
  frames[n++] = (void *)(uintptr_t)&san_capture_stack_fast;
  uintptr_t lo = san_stack_lo, hi = san_stack_hi;
  if (hi <= 1) return n + backtrace(frames + n, max - n); /* no bounds known */
  uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
  while (n < max && fp >= lo && fp + 2 * sizeof(uintptr_t) <= hi && !(fp & (sizeof(uintptr_t) - 1))) {
    uintptr_t next = ((uintptr_t *)fp)[0], ret = ((uintptr_t *)fp)[1];
    if (ret < 4096) break;
    frames[n++] = (void *)ret;
    if (next <= fp) break;
    fp = next;
  }
  return n;
}

/* ---- which code is ours ------------------------------------------------- */

static uintptr_t rt_lo, rt_hi;
static int rt_state; /* 0 unknown, 1 shared runtime located, 2 linked statically */

static int find_self(struct dl_phdr_info *info, size_t sz, void *arg) {
  (void)sz;
  uintptr_t me = (uintptr_t)arg;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X)) continue;
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
    if (me >= lo && me < hi) {
      rt_lo = lo;
      rt_hi = hi;
      rt_state = (info->dlpi_name && info->dlpi_name[0]) ? 1 : 2;
      return 1;
    }
  }
  return 0;
}

int san_is_shared_runtime_pc(const void *ra) {
  if (!rt_state) dl_iterate_phdr(find_self, (void *)(uintptr_t)&san_is_runtime_pc);
  return rt_state == 1 && (uintptr_t)ra >= rt_lo && (uintptr_t)ra < rt_hi;
}

int san_is_runtime_pc(const void *ra) {
  if (!rt_state) dl_iterate_phdr(find_self, (void *)(uintptr_t)&san_is_runtime_pc);
  /* Linked into the executable itself, the runtime cannot tell the engine's
   * libc calls from the program's: libc checks are then off (documented). */
  if (rt_state == 2) return 1;
  return (uintptr_t)ra >= rt_lo && (uintptr_t)ra < rt_hi;
}

/* ---- modules and symbolization ---------------------------------------------- */

struct modq { uintptr_t pc; char path[512]; uintptr_t off; int found; };

static int find_module(struct dl_phdr_info *info, size_t sz, void *arg) {
  (void)sz;
  struct modq *q = arg;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD) continue;
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (q->pc >= lo && q->pc < lo + ph->p_memsz) {
      q->off = q->pc - info->dlpi_addr;
      if (info->dlpi_name && info->dlpi_name[0]) {
        snprintf(q->path, sizeof q->path, "%s", info->dlpi_name);
      } else {
        ssize_t n = readlink("/proc/self/exe", q->path, sizeof q->path - 1);
        q->path[n > 0 ? n : 0] = 0;
      }
      q->found = 1;
      return 1;
    }
  }
  return 0;
}

struct frame {
  uintptr_t pc;
  char text[1024]; /* "in func file:line:col" lines, one per inlined level */
  char loc[512];   /* innermost file:line, for the fix and the summary */
  char func[256];
};

static const char *symbolizer_path(void) {
  const char *env = getenv("COPIER_SAN_SYMBOLIZER_PATH");
  if (env && *env) return env;
  if (access("/usr/lib/llvm-19/bin/llvm-symbolizer", X_OK) == 0)
    return "/usr/lib/llvm-19/bin/llvm-symbolizer";
  return "llvm-symbolizer-19";
}

/* Symbolize every frame with one llvm-symbolizer process. */
static void symbolize(struct frame *fr, int n) {
  static struct modq q[4 * SAN_MAX_FRAMES]; /* static: reports run under report_lock, on any stack */
  for (int i = 0; i < n; i++) {
    memset(&q[i], 0, sizeof q[i]);
    q[i].pc = fr[i].pc - 1; /* return address -> the call instruction */
    dl_iterate_phdr(find_module, &q[i]);
    if (q[i].found) snprintf(fr[i].text, sizeof fr[i].text, "(%s+0x%lx)", q[i].path,
                             (unsigned long)(q[i].off + 1));
    else snprintf(fr[i].text, sizeof fr[i].text, "(<unknown module>)");
  }
  if (!san_opts.symbolize || !n) return;
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) return;
  const char *path = symbolizer_path();
  pid_t pid = fork();
  if (pid < 0) return;
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    char *argv[] = {(char *)path, "--inlines", "--demangle", NULL};
    execvp(path, argv);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  static char qbuf[4 * SAN_MAX_FRAMES * 600];
  size_t ql = 0;
  for (int i = 0; i < n; i++)
    ql += (size_t)snprintf(qbuf + ql, sizeof qbuf - ql, "CODE \"%s\" 0x%lx\n",
                           q[i].found ? q[i].path : "/nonexistent", (unsigned long)q[i].off);
  san_write_fd(in[1], qbuf, ql);
  close(in[1]);
  static char obuf[1 << 17];
  size_t ol = 0;
  for (;;) {
    long r = syscall(SYS_read, out[0], obuf + ol, sizeof obuf - 1 - ol);
    if (r <= 0) break;
    ol += (size_t)r;
  }
  obuf[ol] = 0;
  close(out[0]);
  waitpid(pid, NULL, 0);
  /* Answers: per query, (function, file:line:col) pairs then a blank line. */
  char *p = obuf;
  for (int i = 0; i < n && *p; i++) {
    char text[1024] = "";
    size_t tl = 0;
    int first = 1;
    while (*p && *p != '\n') {
      char *func = p, *nl = strchr(p, '\n');
      if (!nl) break;
      *nl = 0;
      char *file = nl + 1;
      char *nl2 = strchr(file, '\n');
      if (!nl2) break;
      *nl2 = 0;
      p = nl2 + 1;
      int known = strcmp(func, "??") != 0;
      if (first && known) {
        snprintf(fr[i].func, sizeof fr[i].func, "%s", func);
        if (strncmp(file, "??", 2)) {
          /* file:line:col -> file:line for the fix line */
          snprintf(fr[i].loc, sizeof fr[i].loc, "%s", file);
          char *c = strrchr(fr[i].loc, ':');
          if (c && c != strchr(fr[i].loc, ':')) *c = 0;
        }
      }
      if (known && !strncmp(file, "??", 2))
        tl += (size_t)snprintf(text + tl, sizeof text - tl, "%s%s (%s+0x%lx)", first ? "" : "\n         in ",
                               func, q[i].path, (unsigned long)q[i].off + 1);
      else if (known)
        tl += (size_t)snprintf(text + tl, sizeof text - tl, "%s%s %s", first ? "" : "\n         in ",
                               func, file);
      first = 0;
    }
    if (*p == '\n') p++;
    if (tl) snprintf(fr[i].text, sizeof fr[i].text, "%s", text);
  }
}

/* ---- the report --------------------------------------------------------------- */

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t seen[4096];

static int seen_before(uint64_t key) {
  key |= 1;
  for (size_t i = key % 4096, k = 0; k < 4096; k++, i = (i + 1) % 4096) {
    if (seen[i] == key) return 1;
    if (!seen[i]) { seen[i] = key; return 0; }
  }
  return 0;
}

struct out { char *buf; size_t len, cap; };
__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
  va_end(ap);
  if (n > 0) o->len += (size_t)n < o->cap - o->len ? (size_t)n : o->cap - o->len - 1;
}

/* Drop the runtime's own leading frames. */
static int user_frames(void **in, int n, struct frame *out, int max) {
  int k = 0, i = 0;
  while (i < n && san_is_runtime_pc(in[i]) && rt_state == 1) i++;
  if (rt_state == 2) i = n > 2 ? 2 : 0; /* static: hook frames are unknown */
  for (; i < n && k < max; i++) out[k++].pc = (uintptr_t)in[i];
  return k;
}

static void put_stack(struct out *o, struct frame *fr, int n) {
  for (int i = 0; i < n; i++) put(o, "    #%d 0x%lx in %s\n", i, (unsigned long)fr[i].pc, fr[i].text);
}

static int is_api(const char *f) {
  return !strcmp(f, "amemcpy") || !strcmp(f, "amemmove") || !strcmp(f, "__copier_amemcpy_site") ||
         !strcmp(f, "__copier_amemmove_site");
}

static int open_log(void) {
  if (!san_opts.log_path[0] || !strcmp(san_opts.log_path, "stderr")) return 2;
  if (!strcmp(san_opts.log_path, "stdout")) return 1;
  char path[600];
  snprintf(path, sizeof path, "%s.%d", san_opts.log_path, (int)getpid());
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    char msg[700];
    int n = snprintf(msg, sizeof msg,
                     "CopierSanitizer: cannot open log_path file %s; reporting on stderr\n", path);
    san_write_fd(2, msg, (size_t)n);
    return 2;
  }
  return fd;
}

void san_report(enum san_kind kind, uintptr_t addr, size_t size, int is_write,
                const void *pc, const char *fn, const struct san_hit *hit) {
  void *raw[SAN_MAX_FRAMES];
  int nraw = san_capture_stack(raw, SAN_MAX_FRAMES);
  pthread_mutex_lock(&report_lock);
  uint64_t key = ((uint64_t)(uintptr_t)pc * 31 + (uint64_t)kind) * 1000003u +
                 (hit->copy.nframes > 2 ? (uint64_t)(uintptr_t)hit->copy.frames[2] : 0);
  if (!san_opts.halt_on_error && seen_before(key)) {
    pthread_mutex_unlock(&report_lock);
    return;
  }
  static struct frame fr[4 * SAN_MAX_FRAMES];
  memset(fr, 0, sizeof fr);
  int na = user_frames(raw, nraw, fr, SAN_MAX_FRAMES);
  void **sf = (void **)hit->copy.frames;
  int ns = user_frames(sf, hit->copy.nframes, fr + na, SAN_MAX_FRAMES);
  /* Where the threads involved (other than T0) were created, as ASan shows. */
  int me = san_tid(), tids[2] = {me, hit->copy.tid}, parents[2], nc[2] = {0, 0}, total = na + ns;
  for (int t = 0; t < 2; t++) {
    void *cf[SAN_MAX_FRAMES];
    int n = 0;
    parents[t] = (t == 1 && tids[1] == tids[0]) ? -1 : san_thread_creator(tids[t], cf, &n);
    if (parents[t] < 0) continue;
    nc[t] = user_frames(cf, n, fr + total, SAN_MAX_FRAMES / 2);
    total += nc[t];
  }
  symbolize(fr, total);
  /* A wrapper around the engine (or an engine linked statically) may leave
   * the Copier API's own frames on top of the submitting stack. */
  while (ns > 1 && is_api(fr[na].func)) {
    memmove(&fr[na], &fr[na + 1], (size_t)(ns - 1) * sizeof fr[0]);
    ns--;
  }

  static char buf[1 << 16];
  struct out o = {buf, 0, sizeof buf};
  int pid = (int)getpid();
  char me_name[32], sub_name[32], par_name[32];
  san_thread_name(me, me_name, sizeof me_name);
  san_thread_name(hit->copy.tid, sub_name, sizeof sub_name);
  const char *what = hit->is_dst ? "destination" : "source";
  const char *op = hit->copy.kind == 1 ? "amemmove" : hit->copy.kind == 2 ? "lazy copy" : "amemcpy";
  put(&o, "=================================================================\n");
  put(&o, "==%d==ERROR: CopierSanitizer: %s on address 0x%lx at pc 0x%lx\n", pid, kind_names[kind],
      (unsigned long)hit->bad, (unsigned long)(uintptr_t)pc);
  if (kind == SAN_FREE)
    put(&o, "%s of 0x%lx (%zu bytes) thread %s\n", fn ? fn : "free", (unsigned long)addr, size,
        me_name);
  else if (fn)
    put(&o, "%s of size %zu at 0x%lx by %s() thread %s\n", is_write ? "WRITE" : "READ", size,
        (unsigned long)addr, fn, me_name);
  else
    put(&o, "%s of size %zu at 0x%lx thread %s\n", is_write ? "WRITE" : "READ", size,
        (unsigned long)addr, me_name);
  put_stack(&o, fr, na);
  put(&o, "\n0x%lx is byte %lu of a %zu-byte in-flight %s [0x%lx, 0x%lx) of %s(0x%lx, 0x%lx, %zu)\n",
      (unsigned long)hit->bad,
      (unsigned long)(hit->bad - (hit->is_dst ? hit->copy.dst : hit->copy.src)), hit->copy.n, what,
      (unsigned long)(hit->is_dst ? hit->copy.dst : hit->copy.src),
      (unsigned long)((hit->is_dst ? hit->copy.dst : hit->copy.src) + hit->copy.n), op,
      (unsigned long)hit->copy.dst, (unsigned long)hit->copy.src, hit->copy.n);
  put(&o, "The copy was submitted by thread %s here:\n", sub_name);
  put_stack(&o, fr + na, ns);
  for (int t = 0, at = na + ns; t < 2; at += nc[t], t++) {
    if (parents[t] < 0) continue;
    char nm[32];
    put(&o, "\nThread %s created by %s here:\n", san_thread_name(tids[t], nm, sizeof nm),
        san_thread_name(parents[t], par_name, sizeof par_name));
    put_stack(&o, fr + at, nc[t]);
  }
  const char *where = na && fr[0].loc[0] ? fr[0].loc : NULL;
  char at[64];
  snprintf(at, sizeof at, "the access at pc 0x%lx", (unsigned long)(uintptr_t)pc);
  put(&o, "\nFix: insert csync(dst, %zu) before %s  (dst = 0x%lx, the copy's destination%s)\n",
      hit->copy.n, where ? where : at, (unsigned long)hit->copy.dst,
      hit->copy.tid != me ? "; the submitting thread must csync or csync_all before "
                                   "publishing it"
                                 : "");
  put(&o, "SUMMARY: CopierSanitizer: %s %s in %s\n", kind_names[kind], where ? where : "?",
      na && fr[0].func[0] ? fr[0].func : "?");
  put(&o, "=================================================================\n");
  int fd = open_log();
  san_write_fd(fd, o.buf, o.len);
  if (fd > 2) close(fd);
  if (san_opts.halt_on_error) _exit(san_opts.exitcode);
  pthread_mutex_unlock(&report_lock);
}
