/*
 * Bulk import of cases (import FILE): the bytes as a CSV or JSON Lines
 * file, read, validated and loaded into a scratch database; the finish
 * hook refuses every time, so each import rolls back and the next input
 * meets the same database.  Built twice, with FUZZ_FORMAT naming the
 * format.  Three keys are sorted in memory at a time, so that a few rows
 * already make the check for duplicates merge several runs.
 */
#include "config.h"

#include <stdlib.h>

#include "lib/mr_import.h"
#include "lib/mr_store.h"
#include "tests/fuzz/fuzz.h"

static int
count_reject(const struct mr_import_reject *r, void *arg)
{
	(void)r->reason;
	for (int i = 0; i < r->nvalues; i++)
		(void)(r->values[i] != NULL && r->values[i][0] != '\0');
	(*(long *)arg)++;
	return 0;
}

static int
roll_back(void *arg)
{
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mr_store *st;
	static char db[128], file[128];
	struct mr_import_opts o = { .format = FUZZ_FORMAT, .skip_bad = 1,
	    .reject = count_reject, .finish = roll_back, .key_chunk = 3 };
	struct mr_import_stats stats;
	struct mr_err err = { 0 };
	long rejects = 0;

	if (st == NULL) {
		if (fuzz_scratch("fuzz.db", db, sizeof db) == NULL ||
		    fuzz_scratch("cases", file, sizeof file) == NULL ||
		    mr_store_open(db, &st, &err) == -1)
			abort();
		mr_store_set_actor(st, "fuzz");
		mr_store_set_now(st, (time_t)1727740800);
	}
	o.arg = &rejects;
	if (fuzz_write_file(file, data, size) != 0)
		abort();
	(void)mr_import_file(st, file, &o, &stats, &err);
	return 0;
}
