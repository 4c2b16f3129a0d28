/*
 * san_interceptors.c — libc functions and system calls that touch memory the
 * compiler never sees. libcopier_san.so defines them; the real ones are found
 * with dlsym(RTLD_NEXT). Calls made by the runtime itself (engine included) are
 * recognised by their return address and never checked, so the engine's own
 * copies of in-flight buffers are not reported and nothing recurses.
 */
#define _GNU_SOURCE
#include "san_internal.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define RA __builtin_return_address(0)
#define REAL(name) \
  (real_##name ? real_##name : (real_##name = (__typeof__(real_##name))san_real(#name)))
#define DECL_REAL(ret, name, ...) static ret (*real_##name)(__VA_ARGS__)
/* Checks only when something is in flight and the caller is not the runtime. */
#define ACTIVE(ra) (__copier_san_inflight && !san_is_runtime_pc(ra))

__attribute__((noinline)) static void libc_check(const char *fn, const void *p, size_t n,
                                                 int is_write, const void *ra) {
  struct san_hit hit;
  if (n && san_find((uintptr_t)p, n, is_write, &hit))
    san_report(SAN_LIBC, (uintptr_t)p, n, is_write, ra, fn, &hit);
}

/* For the printf family (san_printf.c). */
void san_libc_check(const char *fn, const void *p, size_t n, int is_write, const void *ra) {
  libc_check(fn, p, n, is_write, ra);
}

/* free/realloc/munmap: any in-flight byte in the block is a bug; the block's
 * intervals are then forgotten so reused memory starts clean. */
__attribute__((noinline)) static void release_check(const char *fn, const void *p, size_t n,
                                                    const void *ra) {
  struct san_hit hit;
  if (!n) return;
  if (san_find((uintptr_t)p, n, 1, &hit)) {
    san_report(SAN_FREE, (uintptr_t)p, n, 1, ra, fn, &hit);
    san_forget((uintptr_t)p, n);
  }
}

/* ---- memory release --------------------------------------------------------- */

/* glibc's allocator is called directly (dlsym(RTLD_NEXT) may itself free
 * while being resolved). A program with its own malloc/free defined in the
 * executable keeps its own (ours is then not used). */
void free(void *p) {
  if (p && ACTIVE(RA)) release_check("free", p, malloc_usable_size(p), RA);
  __libc_free(p);
}

void *realloc(void *p, size_t n) {
  if (p && ACTIVE(RA)) release_check("realloc", p, malloc_usable_size(p), RA);
  return __libc_realloc(p, n);
}

DECL_REAL(int, munmap, void *, size_t);
int munmap(void *p, size_t n) {
  if (ACTIVE(RA)) release_check("munmap", p, n, RA);
  return REAL(munmap)(p, n);
}

/* ---- mem* ----------------------------------------------------------------------- */

DECL_REAL(void *, memcpy, void *, const void *, size_t);
DECL_REAL(void *, memmove, void *, const void *, size_t);
DECL_REAL(void *, memset, void *, int, size_t);
DECL_REAL(int, memcmp, const void *, const void *, size_t);
DECL_REAL(int, bcmp, const void *, const void *, size_t);
DECL_REAL(void *, memchr, const void *, int, size_t);

void *memcpy(void *d, const void *s, size_t n) {
  if (ACTIVE(RA) && !san_is_engine_copy((uintptr_t)d, (uintptr_t)s, n)) { libc_check("memcpy", s, n, 0, RA); libc_check("memcpy", d, n, 1, RA); }
  return REAL(memcpy)(d, s, n);
}
void *memmove(void *d, const void *s, size_t n) {
  if (ACTIVE(RA) && !san_is_engine_copy((uintptr_t)d, (uintptr_t)s, n)) { libc_check("memmove", s, n, 0, RA); libc_check("memmove", d, n, 1, RA); }
  return REAL(memmove)(d, s, n);
}
void *memset(void *d, int c, size_t n) {
  if (ACTIVE(RA)) libc_check("memset", d, n, 1, RA);
  return REAL(memset)(d, c, n);
}
int memcmp(const void *a, const void *b, size_t n) {
  if (ACTIVE(RA)) { libc_check("memcmp", a, n, 0, RA); libc_check("memcmp", b, n, 0, RA); }
  return REAL(memcmp)(a, b, n);
}
int bcmp(const void *a, const void *b, size_t n) {
  if (ACTIVE(RA)) { libc_check("bcmp", a, n, 0, RA); libc_check("bcmp", b, n, 0, RA); }
  return REAL(bcmp)(a, b, n);
}
void *memchr(const void *s, int c, size_t n) {
  void *r = REAL(memchr)(s, c, n);
  if (ACTIVE(RA)) libc_check("memchr", s, r ? (size_t)((const char *)r - (const char *)s) + 1 : n, 0, RA);
  return r;
}

/* ---- str* ------------------------------------------------------------------------- */

DECL_REAL(size_t, strlen, const char *);
DECL_REAL(size_t, strnlen, const char *, size_t);
DECL_REAL(char *, strcpy, char *, const char *);
DECL_REAL(char *, strncpy, char *, const char *, size_t);
DECL_REAL(char *, strcat, char *, const char *);
DECL_REAL(char *, strncat, char *, const char *, size_t);
DECL_REAL(int, strcmp, const char *, const char *);
DECL_REAL(int, strncmp, const char *, const char *, size_t);
DECL_REAL(char *, strchr, const char *, int);
DECL_REAL(char *, strrchr, const char *, int);
DECL_REAL(char *, strdup, const char *);
DECL_REAL(char *, strstr, const char *, const char *);

size_t strlen(const char *s) {
  size_t n = REAL(strlen)(s);
  if (ACTIVE(RA)) libc_check("strlen", s, n + 1, 0, RA);
  return n;
}
size_t strnlen(const char *s, size_t max) {
  size_t n = REAL(strnlen)(s, max);
  if (ACTIVE(RA)) libc_check("strnlen", s, n < max ? n + 1 : n, 0, RA);
  return n;
}
char *strcpy(char *d, const char *s) {
  if (ACTIVE(RA)) {
    size_t n = REAL(strlen)(s) + 1;
    libc_check("strcpy", s, n, 0, RA);
    libc_check("strcpy", d, n, 1, RA);
  }
  return REAL(strcpy)(d, s);
}
char *strncpy(char *d, const char *s, size_t n) {
  if (ACTIVE(RA)) {
    size_t l = REAL(strnlen)(s, n);
    libc_check("strncpy", s, l < n ? l + 1 : l, 0, RA);
    libc_check("strncpy", d, n, 1, RA);
  }
  return REAL(strncpy)(d, s, n);
}
char *strcat(char *d, const char *s) {
  if (ACTIVE(RA)) {
    size_t dl = REAL(strlen)(d), sl = REAL(strlen)(s) + 1;
    libc_check("strcat", d, dl, 0, RA);
    libc_check("strcat", s, sl, 0, RA);
    libc_check("strcat", d + dl, sl, 1, RA);
  }
  return REAL(strcat)(d, s);
}
char *strncat(char *d, const char *s, size_t n) {
  if (ACTIVE(RA)) {
    size_t dl = REAL(strlen)(d), sl = REAL(strnlen)(s, n);
    libc_check("strncat", d, dl, 0, RA);
    libc_check("strncat", s, sl < n ? sl + 1 : sl, 0, RA);
    libc_check("strncat", d + dl, sl + 1, 1, RA);
  }
  return REAL(strncat)(d, s, n);
}
/* Bytes a comparison of two strings reads: up to the first difference or NUL. */
static size_t cmp_extent(const char *a, const char *b, size_t max) {
  size_t i = 0;
  while (i < max && a[i] && a[i] == b[i]) i++;
  return i < max ? i + 1 : max;
}
int strcmp(const char *a, const char *b) {
  if (ACTIVE(RA)) {
    size_t n = cmp_extent(a, b, (size_t)-1);
    libc_check("strcmp", a, n, 0, RA);
    libc_check("strcmp", b, n, 0, RA);
  }
  return REAL(strcmp)(a, b);
}
int strncmp(const char *a, const char *b, size_t max) {
  if (ACTIVE(RA)) {
    size_t n = cmp_extent(a, b, max);
    libc_check("strncmp", a, n, 0, RA);
    libc_check("strncmp", b, n, 0, RA);
  }
  return REAL(strncmp)(a, b, max);
}
char *strchr(const char *s, int c) {
  char *r = REAL(strchr)(s, c);
  if (ACTIVE(RA)) libc_check("strchr", s, r ? (size_t)(r - s) + 1 : REAL(strlen)(s) + 1, 0, RA);
  return r;
}
char *strrchr(const char *s, int c) {
  if (ACTIVE(RA)) libc_check("strrchr", s, REAL(strlen)(s) + 1, 0, RA);
  return REAL(strrchr)(s, c);
}
char *strdup(const char *s) {
  if (ACTIVE(RA)) libc_check("strdup", s, REAL(strlen)(s) + 1, 0, RA);
  return REAL(strdup)(s);
}
char *strstr(const char *h, const char *n) {
  if (ACTIVE(RA)) {
    libc_check("strstr", h, REAL(strlen)(h) + 1, 0, RA);
    libc_check("strstr", n, REAL(strlen)(n) + 1, 0, RA);
  }
  return REAL(strstr)(h, n);
}

/* ---- stdio and qsort ------------------------------------------------------------ */

DECL_REAL(size_t, fread, void *, size_t, size_t, FILE *);
DECL_REAL(size_t, fwrite, const void *, size_t, size_t, FILE *);
DECL_REAL(int, fputs, const char *, FILE *);
DECL_REAL(int, puts, const char *);
DECL_REAL(char *, fgets, char *, int, FILE *);
DECL_REAL(void, qsort, void *, size_t, size_t, int (*)(const void *, const void *));

size_t fread(void *p, size_t sz, size_t n, FILE *f) {
  size_t r = REAL(fread)(p, sz, n, f);
  if (ACTIVE(RA)) libc_check("fread", p, r * sz, 1, RA);
  return r;
}
size_t fwrite(const void *p, size_t sz, size_t n, FILE *f) {
  if (ACTIVE(RA)) libc_check("fwrite", p, sz * n, 0, RA);
  return REAL(fwrite)(p, sz, n, f);
}
int fputs(const char *s, FILE *f) {
  if (ACTIVE(RA)) libc_check("fputs", s, REAL(strlen)(s), 0, RA);
  return REAL(fputs)(s, f);
}
int puts(const char *s) {
  if (ACTIVE(RA)) libc_check("puts", s, REAL(strlen)(s), 0, RA);
  return REAL(puts)(s);
}
char *fgets(char *s, int n, FILE *f) {
  char *r = REAL(fgets)(s, n, f);
  if (r && ACTIVE(RA)) libc_check("fgets", s, REAL(strlen)(s) + 1, 1, RA);
  return r;
}
void qsort(void *base, size_t n, size_t sz, int (*cmp)(const void *, const void *)) {
  if (ACTIVE(RA)) libc_check("qsort", base, n * sz, 1, RA);
  REAL(qsort)(base, n, sz, cmp);
}

/* ---- system calls taking buffers ------------------------------------------------ */

DECL_REAL(ssize_t, read, int, void *, size_t);
DECL_REAL(ssize_t, write, int, const void *, size_t);
DECL_REAL(ssize_t, pread, int, void *, size_t, off_t);
DECL_REAL(ssize_t, pwrite, int, const void *, size_t, off_t);
DECL_REAL(ssize_t, send, int, const void *, size_t, int);
DECL_REAL(ssize_t, recv, int, void *, size_t, int);
DECL_REAL(ssize_t, sendto, int, const void *, size_t, int, const struct sockaddr *, socklen_t);
DECL_REAL(ssize_t, recvfrom, int, void *, size_t, int, struct sockaddr *, socklen_t *);
DECL_REAL(ssize_t, readv, int, const struct iovec *, int);
DECL_REAL(ssize_t, writev, int, const struct iovec *, int);

/* The kernel writes into a buffer: check it before the call (it may write
 * any of the n bytes). */
ssize_t read(int fd, void *p, size_t n) {
  if (ACTIVE(RA)) libc_check("read", p, n, 1, RA);
  return REAL(read)(fd, p, n);
}
ssize_t write(int fd, const void *p, size_t n) {
  if (ACTIVE(RA)) libc_check("write", p, n, 0, RA);
  return REAL(write)(fd, p, n);
}
ssize_t pread(int fd, void *p, size_t n, off_t off) {
  if (ACTIVE(RA)) libc_check("pread", p, n, 1, RA);
  return REAL(pread)(fd, p, n, off);
}
ssize_t pwrite(int fd, const void *p, size_t n, off_t off) {
  if (ACTIVE(RA)) libc_check("pwrite", p, n, 0, RA);
  return REAL(pwrite)(fd, p, n, off);
}
ssize_t send(int fd, const void *p, size_t n, int fl) {
  if (ACTIVE(RA)) libc_check("send", p, n, 0, RA);
  return REAL(send)(fd, p, n, fl);
}
ssize_t recv(int fd, void *p, size_t n, int fl) {
  if (ACTIVE(RA)) libc_check("recv", p, n, 1, RA);
  return REAL(recv)(fd, p, n, fl);
}
ssize_t sendto(int fd, const void *p, size_t n, int fl, const struct sockaddr *a, socklen_t al) {
  if (ACTIVE(RA)) libc_check("sendto", p, n, 0, RA);
  return REAL(sendto)(fd, p, n, fl, a, al);
}
ssize_t recvfrom(int fd, void *p, size_t n, int fl, struct sockaddr *a, socklen_t *al) {
  if (ACTIVE(RA)) libc_check("recvfrom", p, n, 1, RA);
  return REAL(recvfrom)(fd, p, n, fl, a, al);
}
ssize_t readv(int fd, const struct iovec *iov, int cnt) {
  if (ACTIVE(RA))
    for (int i = 0; i < cnt; i++) libc_check("readv", iov[i].iov_base, iov[i].iov_len, 1, RA);
  return REAL(readv)(fd, iov, cnt);
}
ssize_t writev(int fd, const struct iovec *iov, int cnt) {
  if (ACTIVE(RA))
    for (int i = 0; i < cnt; i++) libc_check("writev", iov[i].iov_base, iov[i].iov_len, 0, RA);
  return REAL(writev)(fd, iov, cnt);
}

/* ---- threads ------------------------------------------------------------------------ */

DECL_REAL(int, pthread_create, pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

static void *thread_start(void *p) {
  struct san_thread_start st = *(struct san_thread_start *)p;
  __libc_free(p);
  san_thread_started(&st); /* its number was given at creation */
  return st.fn(st.arg);
}

/* Numbers the new thread before it exists (creation order, as ASan does);
 * the runtime's own threads are numbered apart. Handing another thread a
 * pointer into one of our in-flight destinations publishes it before
 * csync_all. */
int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
  if (arg && ACTIVE(RA)) libc_check("pthread_create", arg, 1, 0, RA);
  struct san_thread_start *s = san_thread_create(san_is_shared_runtime_pc(RA));
  if (!s) return REAL(pthread_create)(t, attr, fn, arg);
  s->fn = fn;
  s->arg = arg;
  int r = REAL(pthread_create)(t, attr, thread_start, s);
  if (r) san_thread_create_failed(s);
  return r;
}
