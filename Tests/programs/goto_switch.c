/* A goto- and switch-heavy interpreter: each opcode copies between
 * registers-as-buffers, so copies and their uses sit on many paths. */
#include <string.h>
#include "common.h"

#define R 8
#define W 2048
static unsigned char regs[R][W];
static unsigned char mem[1 << 16];

int main(void) {
  fill(mem, sizeof mem, 24);
  unsigned long acc = 0;
  int pc = 0, steps = 0;
next:
  if (steps++ >= 3000) goto done;
  {
    unsigned op = mem[pc] % 9, r1 = mem[pc + 1] % R, r2 = mem[pc + 2] % R;
    size_t off = ((size_t)mem[pc + 3] << 8 | mem[pc + 4]) % (sizeof mem - W);
    size_t n = 1 + (size_t)mem[pc + 5] * 8;
    pc = (pc + 7) % (int)(sizeof mem - 8);
    switch (op) {
    case 0: memcpy(regs[r1], mem + off, W); break;                 /* load */
    case 1: memcpy(mem + off, regs[r1], W); break;                 /* store */
    case 2: if (r1 != r2) memcpy(regs[r1], regs[r2], n); break;    /* move */
    case 3: memmove(regs[r1] + 1, regs[r1], W - 1); break;         /* shift */
    case 4: acc = acc * 31 + regs[r1][n % W]; break;               /* read one */
    case 5: acc += fnv(regs[r1], W); break;                        /* read all */
    case 6: regs[r1][0] ^= (unsigned char)acc; goto next;          /* write dst */
    case 7:
      if (acc & 1) goto odd;
      memcpy(regs[r2], mem + off + 1, n);
      break;
    odd:
      memcpy(regs[r2] + 5, mem + off, n - 1 > W - 5 ? W - 5 : n - 1);
      break;
    default:
      mem[off] = regs[r2][W - 1];                                  /* write src */
      break;
    }
  }
  goto next;
done:
  printf("acc %lu pc %d\n", acc, pc);
  SHOW("regs", regs, sizeof regs);
  SHOW("mem", mem, sizeof mem);
  return 0;
}
