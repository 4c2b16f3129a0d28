/* Positive control for the sanitizer mode of run-diff.py: a hand-written
 * amemcpy whose destination is read with no csync. CopierSanitizer must
 * report it; if it does not, the san mode is not checking anything. */
#include <copier.h>
#include <stdio.h>
#include <string.h>

static unsigned char src[1 << 20], dst[1 << 20];

int main(void) {
  memset(src, 7, sizeof src);
  amemcpy(dst, src, sizeof dst);
  unsigned s = 0;
  for (size_t i = 0; i < sizeof dst; i += 4096) s += dst[i];   /* no csync: a bug */
  csync_all();
  printf("%u\n", s);
  return 0;
}
