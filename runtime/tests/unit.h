/* unit.h — what the engine's unit-test files share (test_unit.c runs them). */
#ifndef COPIER_TEST_UNIT_H
#define COPIER_TEST_UNIT_H
#include <stdio.h>
#include <stdlib.h>

extern const char *cur; /* name of the running test */
#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      printf("FAIL %s: %s:%d: %s\n", cur, __FILE__, __LINE__, #cond);                \
      return 1;                                                                      \
    }                                                                                \
  } while (0)

/* n bytes of a pattern that differs per seed (malloc'd). */
char *big(size_t n, int seed);

/* test_absorb.c */
int t_absorb_chain(void), t_absorb_partial(void), t_absorb_lazy_never(void), t_absorb_abort(void),
    t_absorb_write_between(void), t_absorb_source_rule(void), t_absorb_handler(void),
    t_absorb_copy_into(void), t_absorb_move(void), t_absorb_off(void), t_absorb_service_skip(void);
void absorb_once(void);

/* test_site.c */
int t_site_verdicts(void), t_site_colocated(void), t_in_flight(void), t_site_alternating(void), t_site_local_speed(void),
    t_site_before_serving(void), t_site_size_classes(void);

/* test_shared.c */
int t_shared_wait_sleeps(void), t_shared_wait_race(void), t_loadavg_parse(void);
#endif
