/* Copies followed at once by libc calls that read the destination (or write
 * the source): strlen, printf("%s"), puts, fwrite, qsort, memcmp, strcmp,
 * strchr, sprintf, memset, write. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int main(void) {
  char text[8192], buf[8192];
  for (size_t i = 0; i < sizeof text - 1; i++) text[i] = (char)('a' + (i * 7) % 26);
  text[sizeof text - 1] = 0;
  text[5000] = 0;

  memcpy(buf, text, sizeof text);
  printf("strlen %zu\n", strlen(buf));
  memcpy(buf, text + 100, 60); buf[60] = 0;
  printf("%%s %s\n", buf);
  static const char hello[] = "hello from puts, a string long enough to matter ............";
  memcpy(buf, hello, sizeof hello);
  puts(buf);
  memcpy(buf, text + 7, 4096);
  fflush(stdout);
  fwrite(buf, 1, 80, stdout);
  fputc('\n', stdout);
  memcpy(buf, text + 9, 70); buf[70] = '\n';
  fflush(stdout);
  if (write(1, buf, 71) != 71) return 1;

  int nums[5000], sorted[5000];
  for (int i = 0; i < 5000; i++) nums[i] = (int)(lcg() % 100000);
  memcpy(sorted, nums, sizeof nums);
  qsort(sorted, 5000, sizeof *sorted, cmp_int);
  printf("qsort %d %d %d\n", sorted[0], sorted[2500], sorted[4999]);
  SHOW("sorted", sorted, sizeof sorted);

  memcpy(buf, text, 5000);
  printf("memcmp %d\n", memcmp(buf, text, 5000) == 0);
  memcpy(buf, text, 5001);
  printf("strcmp %d strchr %ld\n", strcmp(buf, text) == 0, (long)(strchr(buf, 'z') - buf));
  char out[200];
  memcpy(buf, text + 3000, 40); buf[40] = 0;
  snprintf(out, sizeof out, "[%s]", buf);
  puts(out);
  memcpy(buf, text, 8000);
  memset(text, 'Q', 8000);                    /* libc writes the source */
  buf[7999] = 0;
  printf("after memset %c %zu\n", buf[100], strlen(buf));
  return 0;
}
