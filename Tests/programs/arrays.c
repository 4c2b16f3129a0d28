/* Arrays: whole-array copies via struct wrappers and memcpy, 2-D arrays,
 * arrays of arrays copied row by row and whole. */
#include <string.h>
#include "common.h"

typedef struct { int v[1024]; } vec_t;
static int grid_a[64][128], grid_b[64][128];

__attribute__((noinline)) static vec_t scale(vec_t in, int k) {
  vec_t out = in;
  for (int i = 0; i < 1024; i++) out.v[i] *= k;
  return out;
}

int main(void) {
  vec_t a, b;
  for (int i = 0; i < 1024; i++) a.v[i] = i * 7 - 300;
  b = a;
  a.v[0] = 12345;
  vec_t c = scale(b, 3);
  printf("b0 %d c1023 %d\n", b.v[0], c.v[1023]);
  SHOW("c", &c, sizeof c);

  for (int r = 0; r < 64; r++)
    for (int k = 0; k < 128; k++) grid_a[r][k] = r * 1000 + k;
  memcpy(grid_b, grid_a, sizeof grid_a);
  for (int r = 0; r < 64; r += 2) memcpy(grid_b[r], grid_a[63 - r], sizeof grid_a[0]);
  long s = 0;
  for (int k = 0; k < 128; k++)
    for (int r = 0; r < 64; r++) s += grid_b[r][k] * (r + 1);   /* column order */
  printf("grid sum %ld\n", s);
  SHOW("grid", grid_b, sizeof grid_b);

  char words[10][32];
  const char *src[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"};
  for (int i = 0; i < 10; i++) memcpy(words[i], src[i], strlen(src[i]) + 1);
  char copy[10][32];
  memcpy(copy, words, sizeof words);
  for (int i = 0; i < 10; i++) printf("%s%c", copy[9 - i], i == 9 ? '\n' : ' ');
  return 0;
}
