/*
 * unit.h: what the cmocka unit tests share — a scratch database in a
 * private temporary folder, removed afterwards.
 */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/mr_store.h"

struct unit_db {
	char		 dir[64];
	char		 path[128];
	struct mr_store	*st;
};

/* 2024-10-01T00:00:00Z: inside the PY2023 review window. */
#define UNIT_NOW	((time_t)1727740800)

static inline int
unit_db_setup(void **state)
{
	struct unit_db *u = calloc(1, sizeof *u);
	struct mr_err err = { 0 };

	if (u == NULL)
		return -1;
	snprintf(u->dir, sizeof u->dir, "/tmp/mrunit.XXXXXX");
	if (mkdtemp(u->dir) == NULL)
		return -1;
	snprintf(u->path, sizeof u->path, "%s/t.db", u->dir);
	if (mr_store_open(u->path, &u->st, &err) == -1) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	mr_store_set_actor(u->st, "tester");
	mr_store_set_now(u->st, UNIT_NOW);
	*state = u;
	return 0;
}

static inline int
unit_db_teardown(void **state)
{
	struct unit_db *u = *state;
	char cmd[160];

	mr_store_close(u->st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", u->dir);
	if (system(cmd) != 0)
		return -1;
	free(u);
	return 0;
}

#endif /* TESTS_UNIT_H */
