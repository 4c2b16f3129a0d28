/* Copies whose destination escapes: into globals, through a global pointer,
 * read later by functions that only see the global. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define N 100000
static unsigned char g_buf[N];
unsigned char *g_ptr;
size_t g_len;
struct rec { char name[32]; int vals[256]; } g_rec;

__attribute__((noinline)) static unsigned long read_global(void) { return fnv(g_buf, N); }
__attribute__((noinline)) static unsigned long read_ptr(void) { return fnv(g_ptr, g_len); }
__attribute__((noinline)) static int read_rec(void) { return g_rec.vals[255] + g_rec.name[0]; }
__attribute__((noinline)) static void publish(unsigned char *p, size_t n) { g_ptr = p; g_len = n; }

int main(void) {
  unsigned char *src = malloc(N);
  fill(src, N, 10);
  memcpy(g_buf, src, N);
  printf("global %lu\n", read_global());

  unsigned char *heap = malloc(N);
  memcpy(heap, src, N);
  publish(heap, N);                 /* escapes after the copy */
  printf("ptr %lu\n", read_ptr());

  publish(heap, N / 2);
  memcpy(heap, g_buf + 1, N / 2);   /* copy into memory already escaped */
  printf("ptr2 %lu\n", read_ptr());

  struct rec r;
  memset(&r, 0, sizeof r);
  strcpy(r.name, "record");
  for (int i = 0; i < 256; i++) r.vals[i] = i * i;
  g_rec = r;
  printf("rec %d\n", read_rec());
  free(heap);
  free(src);
  return 0;
}
