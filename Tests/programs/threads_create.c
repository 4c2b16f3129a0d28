/* Copy, then hand the destination to a new thread (pthread_create publishes
 * it), and threads that copy and return results through join. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define N (1 << 20)
static unsigned char src[N];

struct job { unsigned char *buf; size_t n; uint64_t out; };

static void *reader(void *arg) {
  struct job *j = arg;
  j->out = fnv(j->buf, j->n);
  return NULL;
}

static void *copier(void *arg) {
  struct job *j = arg;
  unsigned char *mine = malloc(j->n);
  memcpy(mine, j->buf, j->n);
  j->buf = mine;                    /* the joiner reads it after pthread_join */
  return NULL;
}

int main(void) {
  fill(src, N, 12);
  unsigned char *dst = malloc(N);
  memcpy(dst, src, N);
  struct job j = {dst, N, 0};
  pthread_t t;
  pthread_create(&t, NULL, reader, &j);
  pthread_join(t, NULL);
  printf("reader %016llx\n", (unsigned long long)j.out);

  struct job js[4];
  pthread_t ts[4];
  for (int i = 0; i < 4; i++) {
    js[i].buf = src + i * 1000;
    js[i].n = N / 2 + (size_t)i;
    pthread_create(&ts[i], NULL, copier, &js[i]);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(ts[i], NULL);
    SHOW("copied", js[i].buf, js[i].n);
    free(js[i].buf);
  }
  /* copy into a buffer a thread already has, then start it */
  struct job k = {dst, 4096, 0};
  memcpy(dst, src + 77, 4096);
  pthread_create(&t, NULL, reader, &k);
  pthread_join(t, NULL);
  printf("late %016llx\n", (unsigned long long)k.out);
  free(dst);
  return 0;
}
