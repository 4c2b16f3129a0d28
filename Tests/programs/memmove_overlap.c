/* memmove with overlapping ranges, forward and backward, small to 1 MiB,
 * plus repeated sliding-window compaction. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

int main(int argc, char **argv) {
  (void)argv;
  size_t cap = (3u << 20);
  unsigned char *b = malloc(cap);
  fill(b, cap, 3);
  static const size_t sizes[] = {5, 64, 4096, 65536, 1 << 20};
  for (int i = 0; i < 5; i++) {
    size_t n = sizes[i];
    memmove(b + 1, b, n);          /* forward, by one */
    SHOW("fwd1", b, n + 1);
    memmove(b, b + 3, n);          /* backward, by three */
    SHOW("back3", b, n + 3);
    memmove(b + n / 2, b, n);      /* half overlap */
    SHOW("half", b, n + n / 2);
  }
  /* sliding window: consume a prefix, move the rest down */
  size_t len = (size_t)argc * 200000;
  unsigned char *win = malloc(len);
  fill(win, len, 4);
  unsigned long acc = 0;
  while (len > 1000) {
    size_t take = len / 7 + 1;
    for (size_t i = 0; i < take; i += 97) acc = acc * 3 + win[i];
    memmove(win, win + take, len - take);
    len -= take;
    acc += win[0];
  }
  printf("window acc %lu len %zu\n", acc, len);
  char s[64] = "0123456789abcdefghijklmnopqrstuvwxyz";
  memmove(s + 4, s, 20);
  printf("%s\n", s);
  memmove(s, s + 10, 26);
  printf("%s\n", s);
  free(b);
  free(win);
  return 0;
}
