/* Thread-local buffers: each thread copies into its own _Thread_local
 * storage and reads it before exiting; the main thread's copy is separate. */
#include <pthread.h>
#include <string.h>
#include "common.h"

static _Thread_local unsigned char tl[100000];
static unsigned char src[200000];
static uint64_t out[4];

static void *worker(void *arg) {
  int id = (int)(intptr_t)arg;
  memcpy(tl, src + id * 1000, sizeof tl);
  for (int i = 0; i < 100; i++) tl[i * 7] ^= (unsigned char)id;
  out[id] = fnv(tl, sizeof tl);
  memcpy(tl, src, sizeof tl);            /* left in flight at thread exit */
  return NULL;
}

int main(void) {
  fill(src, sizeof src, 29);
  memcpy(tl, src + 50000, sizeof tl);
  pthread_t t[4];
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  for (int i = 0; i < 4; i++) printf("t%d %016llx\n", i, (unsigned long long)out[i]);
  SHOW("main", tl, sizeof tl);
  return 0;
}
