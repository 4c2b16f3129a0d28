/* setjmp/longjmp across copies into stack buffers: a copy in a frame that
 * longjmp unwinds, and a copy in the setjmp frame read after the jump. */
#include <setjmp.h>
#include <string.h>
#include "common.h"

static jmp_buf env;
static unsigned char src[200000];
static uint64_t seen;

__attribute__((noinline)) static void deep(int depth) {
  unsigned char local[30000];
  memcpy(local, src + depth, sizeof local);
  if (depth == 0) {
    seen = fnv(local, 100);
    longjmp(env, 7);                 /* local's frame is abandoned */
  }
  deep(depth - 1);
  seen += local[0];
}

__attribute__((noinline)) static void clobber(void) {
  volatile unsigned char junk[200000];
  for (int i = 0; i < 200000; i += 32) junk[i] = (unsigned char)(i * 3);
}

int main(void) {
  fill(src, sizeof src, 14);
  static unsigned char keep[50000];   /* static: survives longjmp portably */
  int r = setjmp(env);
  if (r == 0) {
    memcpy(keep, src + 5, sizeof keep);
    deep(3);
    puts("not reached");
  }
  clobber();
  printf("r %d seen %016llx\n", r, (unsigned long long)seen);
  SHOW("keep", keep, sizeof keep);

  for (int round = 0; round < 5; round++) {
    volatile int step = 0;
    unsigned char buf[4096];
    if (setjmp(env) == 0) {
      memcpy(buf, src + round * 10, sizeof buf);
      step = 1;
      longjmp(env, 1);
    }
    memcpy(buf, src + round * 20, sizeof buf);   /* re-copied after the jump */
    printf("round %d step %d %016llx\n", round, step, (unsigned long long)fnv(buf, sizeof buf));
  }
  return 0;
}
