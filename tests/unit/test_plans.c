/*
 * The everyday reads take the selective index: one TIN's cases, one NPI's,
 * the few cases with a deadline of their own.  Without statistics SQLite
 * may answer such a query through the index by year or by status and read
 * every open case; the answer is the same, only slower, so these tests
 * count what SQLite did (its virtual machine's steps, summed over each
 * statement run) on a store of many open cases, never the time.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "tests/unit/unit.h"
#include "lib/mr_case.h"
#include "lib/mr_deadline.h"

/* Cases of the crowd: open, in one year, under many TINs. */
#define CROWD	6000
/*
 * Steps a query may take to find a handful of cases through the right
 * index.  Walking the crowd's index entries costs several steps each, so
 * the wrong plan takes well over CROWD.
 */
#define FEW_STEPS	1500

static int
profile(unsigned int what, void *arg, void *p, void *x)
{
	long long *steps = arg;

	(void)x;
	if (what == SQLITE_TRACE_PROFILE)
		*steps += sqlite3_stmt_status(p, SQLITE_STMTSTATUS_VM_STEP, 0);
	return 0;
}

static int
crowd_setup(void **state)
{
	struct unit_db *u;
	sqlite3 *db;

	if (unit_db_setup(state) == -1)
		return -1;
	u = *state;
	db = mr_store_db(u->st);
	/*
	 * PY2023 has its targeted-review window (closing Oct 2024, inside 30
	 * days of UNIT_NOW); the crowd and the three cases with a deadline
	 * of their own are in PY2024, the TIN 999999999 has three, one of
	 * them with the NPI 1234567893.
	 */
	return sqlite3_exec(db,
	    "BEGIN;"
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
	    "WHERE i < 6000) "
	    "INSERT INTO review_case (tin, npi, name, performance_year, status, "
	    "reasons, created_at, updated_at) SELECT printf('%09d', 100000000 + "
	    "i % 2000), printf('1%09d', i), 'Crowd ' || i, 2024, CASE i % 3 "
	    "WHEN 0 THEN 'draft' WHEN 1 THEN 'ready' ELSE 'submitted' END, "
	    "'other', '2024-09-01T00:00:00Z', '2024-09-01T00:00:00Z' FROM n;"
	    "INSERT INTO review_case (tin, npi, name, performance_year, status, "
	    "reasons, created_at, updated_at, deadline_at, deadline_zone, "
	    "deadline_source) VALUES "
	    "('999999999', '1234567893', 'Own A', 2024, 'draft', 'other', "
	    "'2024-09-01T00:00:00Z', '2024-09-01T00:00:00Z', 1728000000, "
	    "'America/Chicago', 'test'),"
	    "('999999999', NULL, 'Own B', 2024, 'ready', 'other', "
	    "'2024-09-01T00:00:00Z', '2024-09-01T00:00:00Z', 1728100000, "
	    "'America/Chicago', 'test'),"
	    "('999999999', NULL, 'Own C', 2023, 'draft', 'other', "
	    "'2024-09-01T00:00:00Z', '2024-09-01T00:00:00Z', NULL, NULL, "
	    "NULL);"
	    "COMMIT;", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int
count_item(const struct mr_deadline_item *it, void *arg)
{
	(void)it;
	++*(int *)arg;
	return 0;
}

static int
count_case(const struct mr_case *c, void *arg)
{
	(void)c;
	++*(int *)arg;
	return 0;
}

/* Run the query, returning SQLite's steps; *n counts what it found. */
static long long
steps_of_due(struct unit_db *u, const struct mr_deadline_filter *f, int *n)
{
	struct mr_err err = { 0 };
	long long steps = 0;

	*n = 0;
	sqlite3_trace_v2(mr_store_db(u->st), SQLITE_TRACE_PROFILE, profile,
	    &steps);
	assert_int_equal(mr_deadline_each(u->st, f, count_item, n, &err), 0);
	sqlite3_trace_v2(mr_store_db(u->st), 0, NULL, NULL);
	return steps;
}

static long long
steps_of_list(struct unit_db *u, const struct mr_case_filter *f, int *n)
{
	struct mr_err err = { 0 };
	long long steps = 0;

	*n = 0;
	sqlite3_trace_v2(mr_store_db(u->st), SQLITE_TRACE_PROFILE, profile,
	    &steps);
	assert_int_equal(mr_case_list(u->st, f, count_case, n, &err), 0);
	sqlite3_trace_v2(mr_store_db(u->st), 0, NULL, NULL);
	return steps;
}

static void
test_due_finds_own_deadlines_by_their_index(void **state)
{
	struct mr_deadline_filter f = { .within = 30 * 86400 };
	long long steps;
	int n;

	/* The two own deadlines (Oct 4 and 5 2024) and Own C on PY2023's
	 * window (Oct 11 2024); PY2024's closes long after these 30 days. */
	steps = steps_of_due(*state, &f, &n);
	assert_int_equal(n, 3);
	assert_true(steps < FEW_STEPS);
}

static void
test_due_of_one_tin_reads_that_tin(void **state)
{
	struct mr_deadline_filter f = { .tin = "999999999" };
	long long steps;
	int n;

	/* Own A and B, and Own C on PY2023's window. */
	steps = steps_of_due(*state, &f, &n);
	assert_int_equal(n, 3);
	assert_true(steps < FEW_STEPS);
	f.year = 2024;
	steps = steps_of_due(*state, &f, &n);
	assert_int_equal(n, 2);
	assert_true(steps < FEW_STEPS);
}

/*
 * An account limited to several TINs: the list of its TINs is part of
 * the query, so it reads those TINs' cases and not every deadline of the
 * store, as the same due without them does.
 */
static void
test_due_of_several_tins_reads_those(void **state)
{
	static const char *const tins[] = { "999999999", "100000007" };
	struct mr_deadline_filter f = { .tins = tins, .ntins = 2 };
	long long steps;
	int n;

	/* Own A, B and C, and the crowd's cases 7, 2007 and 4007 on
	 * PY2024's window: a search of the index by TIN for each TIN of
	 * the list, in each part of the query, so a handful's steps twice. */
	steps = steps_of_due(*state, &f, &n);
	assert_int_equal(n, 6);
	assert_true(steps < 2 * FEW_STEPS);
	f.year = 2024;
	steps = steps_of_due(*state, &f, &n);
	assert_int_equal(n, 5);
	assert_true(steps < 2 * FEW_STEPS);
	/* Without the list, every deadline is read. */
	f = (struct mr_deadline_filter){ 0 };
	steps = steps_of_due(*state, &f, &n);
	assert_int_equal(n, CROWD + 3);
	assert_true(steps > 4 * FEW_STEPS);
}

static void
test_case_list_by_tin_or_npi_reads_those(void **state)
{
	struct mr_case_filter f = { .tin = "999999999", .year = 2024,
	    .open_only = 1 };
	long long steps;
	int n;

	steps = steps_of_list(*state, &f, &n);
	assert_int_equal(n, 2);
	assert_true(steps < FEW_STEPS);

	f = (struct mr_case_filter){ .tin = "999999999", .status = "draft" };
	steps = steps_of_list(*state, &f, &n);
	assert_int_equal(n, 2);
	assert_true(steps < FEW_STEPS);

	f = (struct mr_case_filter){ .npi = "1234567893", .year = 2024 };
	steps = steps_of_list(*state, &f, &n);
	assert_int_equal(n, 1);
	assert_true(steps < FEW_STEPS);
}

/* The measure itself: a year's crowd read in full takes the many steps. */
static void
test_reading_the_crowd_takes_many_steps(void **state)
{
	struct mr_case_filter f = { .year = 2024, .open_only = 1 };
	long long steps;
	int n;

	steps = steps_of_list(*state, &f, &n);
	assert_int_equal(n, CROWD + 2);
	assert_true(steps > 4 * FEW_STEPS);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, crowd_setup, unit_db_teardown)
	const struct CMUnitTest tests[] = {
		T(test_due_finds_own_deadlines_by_their_index),
		T(test_due_of_one_tin_reads_that_tin),
		T(test_due_of_several_tins_reads_those),
		T(test_case_list_by_tin_or_npi_reads_those),
		T(test_reading_the_crowd_takes_many_steps),
	};
#undef T

	return cmocka_run_group_tests_name("plans", tests, NULL, NULL);
}
