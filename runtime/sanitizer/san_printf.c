/*
 * san_printf.c — printf-family interceptors: the strings behind %s
 * arguments are read by libc where the compiler cannot see it. The format is
 * walked on a copy of the va_list (the real call gets the original), and
 * only %s arguments are checked (up to their precision). Positional
 * arguments ("%1$s") are not analysed.
 */
#define _GNU_SOURCE
#include "san_internal.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define RA __builtin_return_address(0)

void san_libc_check(const char *fn, const void *p, size_t n, int is_write, const void *ra);

static void check_format(const char *fn, const char *fmt, va_list ap0, const void *ra) {
  va_list ap;
  va_copy(ap, ap0);
  san_libc_check(fn, fmt, strlen(fmt) + 1, 0, ra);
  for (const char *f = fmt; *f; f++) {
    if (*f != '%') continue;
    f++;
    if (*f == '%') continue;
    const char *spec = f;
    while (*f >= '0' && *f <= '9') f++;
    if (*f == '$' && f != spec) break; /* positional: not analysed */
    f = spec;
    while (*f && strchr("-+ #0'I", *f)) f++;
    if (*f == '*') { (void)va_arg(ap, int); f++; }
    else while (*f >= '0' && *f <= '9') f++;
    long prec = -1;
    if (*f == '.') {
      f++;
      if (*f == '*') { prec = va_arg(ap, int); f++; }
      else { prec = 0; while (*f >= '0' && *f <= '9') prec = prec * 10 + (*f++ - '0'); }
    }
    int longs = 0, ldbl = 0;
    for (;; f++) {
      if (*f == 'h') continue;
      if (*f == 'l' || *f == 'q' || *f == 'j' || *f == 'z' || *f == 'Z' || *f == 't') { longs++; continue; }
      if (*f == 'L') { ldbl = 1; longs++; continue; }
      break;
    }
    switch (*f) {
    case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
      if (longs) (void)va_arg(ap, long long); else (void)va_arg(ap, int);
      break;
    case 'c':
      if (longs) (void)va_arg(ap, wint_t); else (void)va_arg(ap, int);
      break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
      if (ldbl) (void)va_arg(ap, long double); else (void)va_arg(ap, double);
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (s && !longs) {
        size_t n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
        san_libc_check(fn, s, prec >= 0 && n == (size_t)prec ? n : n + 1, 0, ra);
      }
      break;
    }
    case 'p': case 'n': case 'S':
      (void)va_arg(ap, void *);
      break;
    case 'C':
      (void)va_arg(ap, wint_t);
      break;
    case '\0':
      f--;
      break;
    default: /* %m and unknown conversions take no argument */
      break;
    }
  }
  va_end(ap);
}

static int (*real_vfprintf)(FILE *, const char *, va_list);
static int call_vfprintf(FILE *fp, const char *fmt, va_list ap) {
  if (!real_vfprintf) real_vfprintf = (int (*)(FILE *, const char *, va_list))san_real("vfprintf");
  return real_vfprintf(fp, fmt, ap);
}

int vfprintf(FILE *fp, const char *fmt, va_list ap) {
  if (__copier_san_inflight && !san_is_runtime_pc(RA)) check_format("vfprintf", fmt, ap, RA);
  return call_vfprintf(fp, fmt, ap);
}
int vprintf(const char *fmt, va_list ap) {
  if (__copier_san_inflight && !san_is_runtime_pc(RA)) check_format("vprintf", fmt, ap, RA);
  return call_vfprintf(stdout, fmt, ap);
}
int fprintf(FILE *fp, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (__copier_san_inflight && !san_is_runtime_pc(RA)) check_format("fprintf", fmt, ap, RA);
  int r = call_vfprintf(fp, fmt, ap);
  va_end(ap);
  return r;
}
int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (__copier_san_inflight && !san_is_runtime_pc(RA)) check_format("printf", fmt, ap, RA);
  int r = call_vfprintf(stdout, fmt, ap);
  va_end(ap);
  return r;
}
