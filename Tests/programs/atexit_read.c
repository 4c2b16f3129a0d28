/* The last copies of main are read by an atexit handler and by a
 * destructor after main returns, and written to stdout at exit. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

static unsigned char g_src[300000], g_dst[300000];
static unsigned char *g_heap;

static void at_exit_handler(void) {
  SHOW("atexit", g_dst, sizeof g_dst);
  SHOW("atexit heap", g_heap, 100000);
}

__attribute__((destructor)) static void dtor(void) {
  printf("dtor %u %u\n", g_dst[0], g_dst[sizeof g_dst - 1]);
}

int main(void) {
  atexit(at_exit_handler);
  fill(g_src, sizeof g_src, 42);
  g_heap = malloc(100000);
  memcpy(g_heap, g_src + 9, 100000);
  memcpy(g_dst, g_src + 1, sizeof g_dst - 1);
  puts("main returns");
  return 0;
}
