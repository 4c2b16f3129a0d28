/* A growable string builder (append = memcpy, grow = realloc), tokenising
 * the built string with strtok and printing pieces with %s. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

struct sb { char *p; size_t len, cap; };

__attribute__((noinline)) static void sb_append(struct sb *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    while (b->len + n + 1 > b->cap) b->cap = b->cap ? b->cap * 2 : 64;
    b->p = realloc(b->p, b->cap);
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}

int main(void) {
  static const char *words[] = {"copy", "sync", "engine", "pipeline", "segment", "ring", "offload"};
  struct sb b = {0};
  for (int i = 0; i < 20000; i++) {
    const char *w = words[lcg() % 7];
    sb_append(&b, w, strlen(w));
    sb_append(&b, i % 10 == 9 ? "\n" : " ", 1);
  }
  printf("len %zu cap %zu\n", b.len, b.cap);
  SHOW("text", b.p, b.len);
  char *copy = malloc(b.len + 1);
  memcpy(copy, b.p, b.len + 1);
  int lines = 0;
  for (char *tok = strtok(copy, "\n"); tok; tok = strtok(NULL, "\n"))
    if (++lines % 500 == 0) printf("line %d: %s\n", lines, tok);
  char big[70000];
  memcpy(big, b.p, sizeof big - 1);
  big[sizeof big - 1] = 0;
  printf("prefix %.40s... strlen %zu\n", big, strlen(big));
  free(copy);
  free(b.p);
  return 0;
}
