/* Recursion with copies at every level: merge sort copying halves into
 * stack and heap scratch, and a recursive tree build copying payloads. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

static void msort(int *a, size_t n, int *tmp) {
  if (n < 2) return;
  size_t h = n / 2;
  msort(a, h, tmp);
  msort(a + h, n - h, tmp);
  memcpy(tmp, a, h * sizeof *a);               /* left half to scratch */
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) a[k++] = tmp[i] <= a[j] ? tmp[i++] : a[j++];
  while (i < h) a[k++] = tmp[i++];
}

struct node { struct node *l, *r; unsigned char payload[256]; };

static struct node *build(const unsigned char *src, int depth) {
  if (depth == 0) return NULL;
  struct node *n = malloc(sizeof *n);
  unsigned char local[256];
  memcpy(local, src, sizeof local);
  n->l = build(src + 1, depth - 1);
  memcpy(n->payload, local, sizeof local);      /* stack copy read after recursion */
  n->r = build(src + 3, depth - 1);
  return n;
}

static uint64_t walk(const struct node *n) {
  if (!n) return 7;
  return walk(n->l) * 31 + fnv(n->payload, 256) + walk(n->r) * 17;
}
static void drop(struct node *n) {
  if (!n) return;
  drop(n->l); drop(n->r); free(n);
}

static unsigned long rcopy(unsigned char *d, const unsigned char *s, size_t n) {
  if (n <= 512) { memcpy(d, s, n); return d[0]; }
  size_t h = n / 2;
  unsigned long x = rcopy(d + h, s + h, n - h);
  memcpy(d, s, h);
  return x + d[h - 1];
}

int main(void) {
  size_t n = 200000;
  int *a = malloc(n * sizeof *a), *tmp = malloc(n * sizeof *a);
  for (size_t i = 0; i < n; i++) a[i] = (int)(lcg() % 1000000);
  msort(a, n, tmp);
  int sorted = 1;
  for (size_t i = 1; i < n; i++) sorted &= a[i - 1] <= a[i];
  printf("sorted %d min %d max %d\n", sorted, a[0], a[n - 1]);
  SHOW("sorted", a, n * sizeof *a);
  static unsigned char src[4096];
  fill(src, sizeof src, 19);
  struct node *t = build(src, 10);
  printf("tree %016llx\n", (unsigned long long)walk(t));
  drop(t);
  unsigned char *d = malloc(1 << 20), *s = malloc(1 << 20);
  fill(s, 1 << 20, 20);
  printf("rcopy %lu\n", rcopy(d, s, 1 << 20));
  SHOW("rcopy", d, 1 << 20);
  free(a); free(tmp); free(d); free(s);
  return 0;
}
