/* Inline assembly touching copied buffers: an asm that reads memory through
 * a "memory" clobber, one that copies with rep movsb into a destination of
 * an earlier copy, and an opaque asm barrier. */
#include <string.h>
#include "common.h"

static unsigned char a[65536], b[65536], c[65536];

static inline void asm_copy(void *d, const void *s, size_t n) {
#if defined(__x86_64__)
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
#else
  memcpy(d, s, n);
#endif
}

static inline unsigned asm_load(const unsigned char *p) {
  unsigned v;
#if defined(__x86_64__)
  __asm__ volatile("movzbl (%1), %0" : "=r"(v) : "r"(p) : "memory");
#else
  v = *p;
#endif
  return v;
}

int main(void) {
  fill(a, sizeof a, 18);
  memcpy(b, a, sizeof b);
  unsigned s = 0;
  for (int i = 0; i < 65536; i += 1000) s += asm_load(b + i);   /* asm reads the copy */
  printf("asm_load %u\n", s);
  memcpy(c, b + 1, sizeof c - 1);
  asm_copy(b, a + 7, 30000);                                    /* asm writes a destination */
  SHOW("b", b, sizeof b);
  SHOW("c", c, sizeof c);
  memcpy(c, a, 40000);
  __asm__ volatile("" ::: "memory");                          /* compiler barrier */
  SHOW("c2", c, sizeof c);
  return 0;
}
