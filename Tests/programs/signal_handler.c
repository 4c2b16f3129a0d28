/* A signal handler reads a global buffer that a copy just filled: raise()
 * runs the handler synchronously, so its view must include the copy. */
#include <signal.h>
#include <string.h>
#include "common.h"

#define N 262144
static unsigned char g_src[N], g_dst[N];
static volatile sig_atomic_t hits;
static uint64_t handler_sum[8];

static void on_usr1(int sig) {
  (void)sig;
  handler_sum[hits & 7] = fnv(g_dst, N);
  hits++;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  fill(g_src, N, 16);
  for (int i = 0; i < 6; i++) {
    memcpy(g_dst, g_src + i * 11, N - 100);
    raise(SIGUSR1);
    g_src[i] ^= 1;
  }
  printf("hits %d\n", (int)hits);
  for (int i = 0; i < 6; i++) printf("h%d %016llx\n", i, (unsigned long long)handler_sum[i]);
  return 0;
}
