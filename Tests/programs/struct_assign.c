/* Struct assignment lowers to memcpy: locals, globals, through pointers,
 * arrays of structs, by-value arguments and return values. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

struct big { int id; char name[60]; double vals[500]; long tail[40]; };
struct small { int a, b, c; char s[5]; };

static struct big g1, g2;
static struct big table[8];

__attribute__((noinline)) static struct big make(int id) {
  struct big b;
  memset(&b, 0, sizeof b);
  b.id = id;
  snprintf(b.name, sizeof b.name, "item-%d", id);
  for (int i = 0; i < 500; i++) b.vals[i] = id * 0.5 + i;
  for (int i = 0; i < 40; i++) b.tail[i] = (long)id * i;
  return b;
}

__attribute__((noinline)) static double sum_by_value(struct big b) {
  double s = b.id;
  for (int i = 0; i < 500; i++) s += b.vals[i];
  return s + (double)b.tail[39];
}

__attribute__((noinline)) static void assign_ptr(struct big *d, const struct big *s) { *d = *s; }

int main(void) {
  g1 = make(7);
  g2 = g1;                 /* global = global */
  g1.vals[3] = -1.0;       /* write the source after the copy */
  printf("g2 %d %s %.1f\n", g2.id, g2.name, g2.vals[3]);
  SHOW("g2", &g2, sizeof g2);

  struct big local = g2;   /* local = global */
  local.id += 1;
  printf("local %d %.1f\n", local.id, sum_by_value(local));

  for (int i = 0; i < 8; i++) table[i] = make(i * 3);
  for (int i = 7; i > 0; i--) table[i] = table[i - 1];  /* shift down */
  for (int i = 0; i < 8; i++) printf("table[%d] %d %s\n", i, table[i].id, table[i].name);
  SHOW("table", table, sizeof table);

  struct big *heap = (struct big *)malloc(sizeof *heap);
  assign_ptr(heap, &table[5]);
  heap->tail[0] = 99;
  printf("heap %d %ld %.1f\n", heap->id, heap->tail[0], sum_by_value(*heap));
  free(heap);

  struct small sa = {1, 2, 3, "abcd"}, sb;
  sb = sa;
  sa.a = 100;
  printf("small %d %d %d %s\n", sb.a, sb.b, sb.c, sb.s);
  return 0;
}
