/* A linked list whose nodes carry copied payloads: insert copies in, a
 * pass copies payloads out of nodes that are freed right after. */
#include <stdlib.h>
#include <string.h>
#include "common.h"

struct node { struct node *next; size_t n; unsigned char data[]; };

int main(void) {
  static unsigned char src[1 << 18];
  fill(src, sizeof src, 30);
  struct node *head = NULL;
  for (int i = 0; i < 300; i++) {
    size_t n = 16 + ((size_t)i * 977) % 20000;
    struct node *nd = malloc(sizeof *nd + n);
    nd->n = n;
    memcpy(nd->data, src + i * 300, n);
    nd->next = head;
    head = nd;
  }
  unsigned long acc = 0;
  for (struct node *p = head; p; p = p->next) acc = acc * 7 + p->data[p->n - 1];
  printf("acc %lu\n", acc);
  unsigned char *flat = malloc(300 * 20016);
  size_t off = 0;
  while (head) {
    struct node *nx = head->next;
    memcpy(flat + off, head->data, head->n);
    off += head->n;
    free(head);                           /* free the copy's source */
    head = nx;
  }
  printf("off %zu\n", off);
  SHOW("flat", flat, off);
  free(flat);
  return 0;
}
