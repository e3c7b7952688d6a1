/* Unit tests of lib/mr_case: validation, duplicates and the workflow. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <sqlite3.h>

#include "tests/unit/unit.h"
#include "lib/mr_case.h"

static struct mr_case_input
seed_input(void)
{
	struct mr_case_input in = {
		.tin = "12-3456789", .npi = "1234567893", .name = "Dr. Ada Example",
		.year = "2023", .reasons = { "euc-not-applied" }, .nreasons = 1,
		.score = "62.5", .adjustment = "-1.2",
		.legal_name = "Example Clinic LLC", .requester_role = "clinician",
		.explanation = "CMS did not apply the approved EUC reweighting.",
	};
	return in;
}

/*
 * Scores and adjustments read as the very doubles strtod() gives, however
 * many digits and wherever the point (up to 15 digits, and beyond them).
 */
static void
test_numbers_read_as_strtod_reads_them(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = seed_input();
	struct mr_case c;
	struct mr_err err = { 0 };
	char score[24], digits[24], adj[48];
	unsigned long x = 12345;

	for (int i = 0; i < 20000; i++) {
		int len, point, o = 0, n = 0;
		double want;

		x = x * 6364136223846793005UL + 1442695040888963407UL;
		len = 1 + (int)((x >> 33) % 17);	/* digits, 1 .. 17 */
		point = 1 + (int)((x >> 45) % 2);	/* at most 99 before it */
		for (int d = 0; d < len; d++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			score[o++] = digits[n++] = (char)('0' + (x >> 40) % 10);
			if (d + 1 == point && d + 1 < len)
				score[o++] = '.';
		}
		score[o] = digits[n] = '\0';
		/* "-d.ddd%": a penalty under 9 percent, as many digits */
		snprintf(adj, sizeof adj, "-%c.%s%%", '0' + (int)(x >> 50) % 9,
		    digits);
		in.score = score;
		in.adjustment = adj;
		assert_int_equal(mr_case_validate(u->st, &in, &c, &err), 0);
		want = strtod(score, NULL);
		assert_memory_equal(&c.final_score, &want, sizeof want);
		want = strtod(adj, NULL);
		assert_memory_equal(&c.payment_adjustment, &want, sizeof want);
		mr_case_release(&c);
	}
}

static void
test_add_then_get_round_trips(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = seed_input();
	struct mr_case c;
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), 0);
	assert_int_equal(mr_case_get(u->st, id, &c, &err), 0);
	assert_string_equal(c.tin, "123456789");
	assert_string_equal(c.npi, "1234567893");
	assert_int_equal(c.performance_year, 2023);
	assert_string_equal(c.status, "draft");
	assert_int_equal(c.reasons, MR_REASON_EUC);
	assert_true(fabs(c.final_score - 62.5) < 1e-9);
	assert_true(isnan(c.cost_score));
	mr_case_release(&c);
}

static void
test_second_open_case_refused_unless_forced(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = seed_input();
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), 0);
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_non_null(strstr(err.msg, "--force"));
	assert_int_equal(mr_case_add(u->st, &in, 1, &id, &err), 0);
	assert_int_equal(id, 2);
}

static void
test_validation_names_field_and_value(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in;
	struct mr_err err = { 0 };
	int64_t id;

	in = seed_input();
	in.year = "2016";
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), -1);
	assert_non_null(strstr(err.msg, "year '2016'"));
	in = seed_input();
	in.year = "2026";	/* UNIT_NOW is in 2024: 2025 is the last year */
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), -1);
	assert_non_null(strstr(err.msg, "year '2026'"));
	in = seed_input();
	in.score = "101";
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), -1);
	assert_non_null(strstr(err.msg, "score '101'"));
	in = seed_input();
	in.adjustment = "-9.5";
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), -1);
	assert_non_null(strstr(err.msg, "adjustment"));
	in = seed_input();
	in.reasons[0] = "bad-luck";
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), -1);
	assert_non_null(strstr(err.msg, "reason 'bad-luck'"));
	in = seed_input();
	in.practice = "huge";
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
}

static void
test_names_with_sql_metacharacters_are_stored_verbatim(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = seed_input();
	struct mr_case c;
	struct mr_err err = { 0 };
	const char *name = "O'Brien \"Bob\"; DROP TABLE review_case; --";
	int64_t id;

	in.name = name;
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), 0);
	assert_int_equal(mr_case_get(u->st, id, &c, &err), 0);
	assert_string_equal(c.name, name);
	mr_case_release(&c);
}

static void
test_workflow_follows_the_state_machine(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = seed_input();
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), 0);
	assert_int_equal(mr_case_set_status(u->st, id, "submitted", NULL, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_int_equal(mr_case_set_status(u->st, id, "ready", NULL, &err), 0);
	assert_int_equal(mr_case_set_status(u->st, id, "submitted", NULL, &err), 0);
	assert_int_equal(mr_case_set_status(u->st, id, "documents-requested",
	    "CMS asked for the QP letter", &err), 0);
	assert_int_equal(mr_case_set_status(u->st, id, "submitted", NULL, &err), 0);
	assert_int_equal(mr_case_set_status(u->st, id, "denied", NULL, &err), 0);
	/* A decision is final: no re-submission, no reopening. */
	assert_int_equal(mr_case_set_status(u->st, id, "submitted", NULL, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_non_null(strstr(err.msg, "final"));
	assert_int_equal(mr_case_set_status(u->st, id, "withdrawn", NULL, &err), -1);
	assert_int_equal(mr_case_set_status(u->st, id, "closed", NULL, &err), 0);
	assert_int_equal(mr_case_set_status(u->st, id, "draft", NULL, &err), -1);
}

static void
test_withdrawn_from_any_open_state(void **state)
{
	static const char *paths[][3] = {
		{ NULL }, { "ready", NULL }, { "ready", "submitted", NULL },
	};
	struct unit_db *u = *state;
	struct mr_case_input in = seed_input();
	struct mr_err err = { 0 };
	int64_t id;

	for (size_t p = 0; p < 3; p++) {
		assert_int_equal(mr_case_add(u->st, &in, 1, &id, &err), 0);
		for (int i = 0; paths[p][i] != NULL; i++)
			assert_int_equal(mr_case_set_status(u->st, id, paths[p][i],
			    NULL, &err), 0);
		assert_int_equal(mr_case_set_status(u->st, id, "withdrawn", NULL,
		    &err), 0);
	}
	assert_int_equal(mr_case_set_status(u->st, id, "nonsense", NULL, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
}

static void
test_set_is_all_or_nothing(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = seed_input();
	struct mr_case c;
	struct mr_err err = { 0 };
	const char *good_then_bad[] = { "score=80", "npi=1234567898" };
	const char *good[] = { "score=80", "cost=", "reason=qp-status,other" };
	int64_t id;

	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), 0);
	assert_int_equal(mr_case_set(u->st, id, good_then_bad, 2, 0, &err), -1);
	assert_int_equal(mr_case_get(u->st, id, &c, &err), 0);
	assert_true(fabs(c.final_score - 62.5) < 1e-9);
	mr_case_release(&c);
	assert_int_equal(mr_case_set(u->st, id, good, 3, 0, &err), 0);
	assert_int_equal(mr_case_get(u->st, id, &c, &err), 0);
	assert_true(fabs(c.final_score - 80) < 1e-9);
	assert_int_equal(c.reasons, MR_REASON_QP_STATUS | MR_REASON_OTHER);
	mr_case_release(&c);
}

static void
test_json_masks_tin_unless_revealed(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = seed_input();
	struct mr_case c;
	struct mr_err err = { 0 };
	json_t *o;
	int64_t id;

	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), 0);
	assert_int_equal(mr_case_get(u->st, id, &c, &err), 0);
	o = mr_case_to_json(&c, 0);
	assert_string_equal(json_string_value(json_object_get(o, "tin")),
	    "*****6789");
	assert_int_equal(json_integer_value(json_object_get(o, "payment_year")),
	    2025);
	json_decref(o);
	o = mr_case_to_json(&c, 1);
	assert_string_equal(json_string_value(json_object_get(o, "tin")),
	    "123456789");
	json_decref(o);
	mr_case_release(&c);
}

/*
 * The bounds of an adjustment are remembered per opened store: a store
 * opened after another was closed (perhaps at the same address) reads its
 * own program data.
 */
static void
test_adjustment_bounds_are_each_stores_own(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = seed_input();
	struct mr_store *st;
	struct mr_err err = { 0 };
	char path[160];
	int64_t id;

	in.adjustment = "-5";
	for (int round = 0; round < 3; round++) {
		snprintf(path, sizeof path, "%s/other%d.db", u->dir, round);
		assert_int_equal(mr_store_open(path, &st, &err), 0);
		mr_store_set_now(st, UNIT_NOW);
		/* Even rounds: a store whose 2023 allows at most 1 %. */
		if (round % 2 == 0)
			assert_int_equal(mr_store_exec(st, "UPDATE program_year "
			    "SET max_adjustment_pct = 1 WHERE performance_year "
			    "= 2023", &err), 0);
		if (round % 2 == 0) {
			assert_int_equal(mr_case_add(st, &in, 0, &id, &err), -1);
			assert_non_null(strstr(err.msg, "adjustment"));
		} else
			assert_int_equal(mr_case_add(st, &in, 0, &id, &err), 0);
		mr_store_close(st);
	}
	/* And the first store still has the published 9 %. */
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), 0);
}

/* The open states in SQL and in C are the same list. */
static void
test_open_states_agree_in_sql_and_c(void **state)
{
	static const char *const states[] = { "draft", "ready", "submitted",
		"documents-requested", "approved", "denied", "closed",
		"withdrawn" };
	struct unit_db *u = *state;
	sqlite3_stmt *stmt;
	int nopen = 0;

	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st), "SELECT ?1 IN "
	    MR_CASE_OPEN_SQL, -1, &stmt, NULL), SQLITE_OK);
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
		assert_true(mr_state_valid(states[i]));
		sqlite3_reset(stmt);
		sqlite3_bind_text(stmt, 1, states[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(stmt, 0),
		    mr_state_is_open(states[i]));
		nopen += mr_state_is_open(states[i]);
	}
	sqlite3_finalize(stmt);
	assert_int_equal(nopen, 4);
}

/* The list of states lib hands out is the documented state machine. */
static void
test_state_list_matches_the_workflow(void **state)
{
	const char *const *states = mr_case_states();
	char joined[256] = "";
	size_t n = 0;

	(void)state;
	for (; states[n] != NULL; n++) {
		assert_true(mr_state_valid(states[n]));
		if (n > 0)
			strcat(joined, ", ");
		strcat(joined, states[n]);
	}
	assert_int_equal(n, 8);
	assert_string_equal(joined, MR_CASE_STATES);
	assert_false(mr_state_valid("pending"));
}

struct page {
	int64_t	ids[16];
	int	n;
};

static int
page_row(const struct mr_case *c, void *arg)
{
	struct page *p = arg;

	if (p->n == (int)(sizeof p->ids / sizeof p->ids[0]))
		return 1;
	p->ids[p->n++] = c->id;
	return 0;
}

static void
test_list_pages_by_id_with_a_limit(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = seed_input();
	struct mr_case_filter f = { .limit = 4 };
	struct mr_err err = { 0 };
	struct page p = { .n = 0 };
	int64_t id;

	/* Cases 1..12; the even ones also have the reason "other". */
	for (int i = 1; i <= 12; i++) {
		in.nreasons = i % 2 == 0 ? 2 : 1;
		in.reasons[1] = "other";
		assert_int_equal(mr_case_add(u->st, &in, 1, &id, &err), 0);
	}
	/* A page is exactly limit cases after the cursor... */
	f.after_id = 5;
	assert_int_equal(mr_case_list(u->st, &f, page_row, &p, &err), 0);
	assert_int_equal(p.n, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(p.ids[i], 6 + i);
	/* ...its last id is the next cursor, and the last page is short. */
	f.after_id = p.ids[p.n - 1];
	p.n = 0;
	assert_int_equal(mr_case_list(u->st, &f, page_row, &p, &err), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.ids[0], 10);
	assert_int_equal(p.ids[2], 12);
	/* The limit counts matching cases only, reasons included. */
	f.after_id = 1;
	f.reasons = MR_REASON_OTHER;
	p.n = 0;
	assert_int_equal(mr_case_list(u->st, &f, page_row, &p, &err), 0);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.ids[0], 2);
	assert_int_equal(p.ids[3], 8);
	/* No limit: every case after the cursor. */
	f.reasons = 0;
	f.limit = 0;
	f.after_id = 0;
	p.n = 0;
	assert_int_equal(mr_case_list(u->st, &f, page_row, &p, &err), 0);
	assert_int_equal(p.n, 12);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, unit_db_setup, unit_db_teardown)
	const struct CMUnitTest tests[] = {
		T(test_numbers_read_as_strtod_reads_them),
	T(test_add_then_get_round_trips),
		T(test_second_open_case_refused_unless_forced),
		T(test_validation_names_field_and_value),
		T(test_names_with_sql_metacharacters_are_stored_verbatim),
		T(test_workflow_follows_the_state_machine),
		T(test_withdrawn_from_any_open_state),
		T(test_set_is_all_or_nothing),
		T(test_json_masks_tin_unless_revealed),
		T(test_adjustment_bounds_are_each_stores_own),
		T(test_open_states_agree_in_sql_and_c),
		T(test_state_list_matches_the_workflow),
		T(test_list_pages_by_id_with_a_limit),
	};
#undef T

	return cmocka_run_group_tests_name("case", tests, NULL, NULL);
}
