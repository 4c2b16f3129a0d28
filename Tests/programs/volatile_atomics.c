/* Copies next to volatile and atomic accesses: a volatile struct copied by
 * assignment (stays a volatile memcpy), atomics on the destination after a
 * copy, and seq_cst fences. */
#include <stdatomic.h>
#include <string.h>
#include "common.h"

struct pkt { int hdr; unsigned char body[8000]; };
static volatile struct pkt vsrc;
static struct pkt plain;
static _Atomic unsigned long counters[1024];
static unsigned long src_counts[1024];

int main(void) {
  for (int i = 0; i < 8000; i++) vsrc.body[i] = (unsigned char)(i * 13);
  vsrc.hdr = 42;
  plain = vsrc;                            /* a volatile memcpy: never converted */
  SHOW("plain", &plain, sizeof plain);
  volatile unsigned char vdst[4096];
  memcpy((void *)vdst, plain.body, sizeof vdst);
  unsigned s = 0;
  for (int i = 0; i < 4096; i++) s += vdst[i];
  printf("vdst %u\n", s);

  for (int i = 0; i < 1024; i++) src_counts[i] = (unsigned long)i * 3 + 1;
  memcpy((void *)counters, src_counts, sizeof counters);
  for (int i = 0; i < 1024; i++) atomic_fetch_add(&counters[i], 1);
  unsigned long t = 0;
  for (int i = 0; i < 1024; i++) t += atomic_load(&counters[i]);
  printf("atomics %lu\n", t);

  memcpy(src_counts, plain.body, sizeof plain.body);
  atomic_thread_fence(memory_order_seq_cst);
  SHOW("fenced", src_counts, sizeof src_counts);
  return 0;
}
