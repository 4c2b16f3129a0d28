/* Copies into and out of mmap'd memory that is unmapped or made read-only
 * right after, and into a MAP_SHARED page read by a child process. */
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

#define N (2 << 20)

int main(void) {
  unsigned char *a = mmap(NULL, N, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  unsigned char *b = mmap(NULL, N, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (a == MAP_FAILED || b == MAP_FAILED) { perror("mmap"); return 1; }
  fill(a, N, 27);
  memcpy(b, a, N);
  munmap(a, N);                             /* unmap the source */
  SHOW("b", b, N);
  a = mmap(NULL, N, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memcpy(a, b + 1, N - 1);
  mprotect(a, N, PROT_READ);                /* the destination becomes read-only */
  SHOW("ro", a, N);
  munmap(a, N);
  static unsigned char keep[65536];
  memcpy(b, keep, sizeof keep);
  munmap(b, N);                             /* unmap the destination unread */

  unsigned char *sh = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  fill(keep, sizeof keep, 28);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    memcpy(sh, keep, sizeof keep);          /* child writes, parent reads after wait */
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  SHOW("shared", sh, sizeof keep);
  munmap(sh, 1 << 20);
  return 0;
}
