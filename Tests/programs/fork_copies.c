/* fork() with copies just submitted: the child must see the copied bytes
 * (an asynchronous engine's threads do not survive fork), and the parent's
 * copy is unaffected by the child's writes. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

#define N (4 << 20)

int main(void) {
  unsigned char *src = malloc(N), *dst = malloc(N);
  fill(src, N, 15);
  memcpy(dst, src, N);
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); return 1; }
  if (pid == 0) {
    SHOW("child dst", dst, N);
    memcpy(src, dst + 1, N - 1);                 /* a copy inside the child */
    memset(dst, 0, N);
    SHOW("child src", src, N);
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  SHOW("parent dst", dst, N);
  SHOW("parent src", src, N);

  /* several children, each forked right after its own copy */
  for (int i = 0; i < 3; i++) {
    memcpy(dst, src + i * 1000, N / 2);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
      printf("child %d %016llx\n", i, (unsigned long long)fnv(dst, N / 2));
      fflush(stdout);
      _exit(i);
    }
    waitpid(pid, &st, 0);
    printf("joined %d\n", WEXITSTATUS(st));
  }
  free(src);
  free(dst);
  return 0;
}
