/* Producer copies messages into a shared buffer and publishes under a
 * mutex + condition variable; the consumer checksums them. Also a
 * release/acquire flag handoff with C11 atomics. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include "common.h"

#define MSG 32768
#define COUNT 60
static unsigned char shared[MSG];
static size_t shared_len;
static int full;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static unsigned char source[MSG * 4];
static uint64_t results[COUNT];

static void *consumer(void *arg) {
  (void)arg;
  for (int i = 0; i < COUNT; i++) {
    pthread_mutex_lock(&mu);
    while (!full) pthread_cond_wait(&cv, &mu);
    results[i] = fnv(shared, shared_len);
    full = 0;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
  }
  return NULL;
}

static unsigned char flagged[65536];
static atomic_int ready;
static uint64_t flagged_sum;
static void *waiter(void *arg) {
  (void)arg;
  while (!atomic_load_explicit(&ready, memory_order_acquire)) {}
  flagged_sum = fnv(flagged, sizeof flagged);
  return NULL;
}

int main(void) {
  fill(source, sizeof source, 13);
  pthread_t t;
  pthread_create(&t, NULL, consumer, NULL);
  for (int i = 0; i < COUNT; i++) {
    pthread_mutex_lock(&mu);
    while (full) pthread_cond_wait(&cv, &mu);
    shared_len = MSG - (size_t)i * 100;
    memcpy(shared, source + i * 997, shared_len);
    full = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
  }
  pthread_join(t, NULL);
  SHOW("results", results, sizeof results);

  pthread_create(&t, NULL, waiter, NULL);
  memcpy(flagged, source + 3, sizeof flagged);
  atomic_store_explicit(&ready, 1, memory_order_release);
  pthread_join(t, NULL);
  printf("flagged %016llx\n", (unsigned long long)flagged_sum);
  return 0;
}
