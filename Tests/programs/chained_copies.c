/* Chains of copies A->B->C->D before anything reads, then back to A;
 * the second copy reads the first one's destination. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define N (256 * 1024 + 3)
static char A[N], B[N], C[N];

int main(void) {
  char *D = malloc(N);
  fill(A, N, 5);
  memcpy(B, A, N);
  memcpy(C, B, N);
  memcpy(D, C, N);
  SHOW("D", D, N);
  memcpy(A, D + 1, N - 1);   /* A gets D shifted */
  memcpy(B, A, 4096);
  memcpy(C + 10, B + 5, 4000);
  SHOW("A", A, N);
  SHOW("B", B, N);
  SHOW("C", C, N);
  /* a chain where each step has a different size */
  size_t n = N;
  for (int i = 0; i < 6; i++) {
    n = n / 2 + 11;
    memcpy(B, C + i, n);
    memcpy(C, B + 1, n - 1);
  }
  printf("C0 %d n %zu\n", C[0], n);
  SHOW("C2", C, N);
  free(D);
  return 0;
}
