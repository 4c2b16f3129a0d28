/* Built with -D_FORTIFY_SOURCE=2: copies whose destination size the
 * compiler knows become __memcpy_chk / __memmove_chk calls. */
// copier-test: cflags=-D_FORTIFY_SOURCE=2
#include <stdlib.h>
#include <string.h>
#include "common.h"

struct msg { int kind; char payload[20000]; };

__attribute__((noinline)) static size_t len_for(int i) { return 1000 + (size_t)i * 1500; }

int main(void) {
  static char src[20000];
  fill(src, sizeof src, 17);
  struct msg *m = malloc(sizeof *m);
  unsigned long acc = 0;
  for (int i = 0; i < 12; i++) {
    size_t n = len_for(i);
    memcpy(m->payload, src, n);            /* dynamic size, known object size */
    acc = acc * 5 + fnv(m->payload, n);
    memmove(m->payload + 1, m->payload, n);
    acc += (unsigned char)m->payload[n];
  }
  printf("acc %lu\n", acc);
  char local[9000];
  memcpy(local, src + 3, len_for(5));
  SHOW("local", local, len_for(5));
  free(m);
  return 0;
}
