/* Regression (found 2026-11-23 by run-diff.py, arrays.c O2/default+min0+san,
 * minimised by hand): a struct copy b = a (4096 bytes, converted to
 * __copier_amemcpy_site) whose destination is then passed BY VALUE to a
 * function in the module. CopierGen's cross-function handoff calls a clone
 * (last.copier.0) that csyncs b itself, but a byval argument is copied by
 * the caller at the call, before the clone runs: the callee sees stale
 * bytes and prints 0 instead of 1024 (with COPIER_OPTIONS=
 * sync_below=0,adaptive=0; fails at -O0 here, at -O2 in arrays.c).
 * CopierSanitizer does not report it: the byval copy is made by code
 * generation, outside the instrumented IR. */
#include <stdio.h>

typedef struct { int v[1024]; } vec_t;

__attribute__((noinline)) static int last(vec_t in) { return in.v[1023]; }

int main(void) {
  vec_t a, b;
  for (int i = 0; i < 1024; i++) a.v[i] = i + 1;
  b = a;
  printf("%d\n", last(b));
  return 0;
}
