/*
 * Unit tests of lib/mr_hardship: filings, their window, the advice of
 * ../shared/domain.md section 2, the workflow, the audit trail, and a
 * case pointing at its filing.
 */
#include "config.h"

#include "tests/unit/unit.h"
#include "lib/mr_audit.h"
#include "lib/mr_case.h"
#include "lib/mr_hardship.h"
#include "lib/mr_score.h"

static struct mr_hardship_input
seed_input(void)
{
	struct mr_hardship_input in = {
		.tin = "12-3456789", .npi = "1234567893", .year = "2023",
		.type = "euc", .categories = "quality,ia,pi",
		.submitted = "quality", .event = "Change Healthcare cyberattack",
		.name = "Dr. Ada Example",
	};
	return in;
}

static int64_t
window_named(struct mr_store *st, const char *name)
{
	sqlite3_stmt *stmt;
	int64_t id = 0;

	assert_int_equal(sqlite3_prepare_v2(mr_store_db(st), "SELECT id FROM "
	    "review_window WHERE name = ?", -1, &stmt, NULL), SQLITE_OK);
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	assert_true(id > 0);
	return id;
}

static int
count_rows(struct mr_store *st, const char *sql)
{
	sqlite3_stmt *stmt;
	int n;

	assert_int_equal(sqlite3_prepare_v2(mr_store_db(st), sql, -1, &stmt,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static int
has_warning(const struct mr_hardship_warnings *w, const char *text)
{
	for (int i = 0; i < w->n; i++)
		if (strstr(w->msg[i], text) != NULL)
			return 1;
	return 0;
}

/* The default window is the latest-closing euc-hardship window of the year. */
static void
test_add_round_trips_and_takes_latest_window(void **state)
{
	struct unit_db *u = *state;
	struct mr_hardship_input in = seed_input();
	struct mr_hardship_warnings w;
	struct mr_hardship h;
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_hardship_add(u->st, &in, &id, &w, &err), 0);
	assert_int_equal(mr_hardship_get(u->st, id, &h, &err), 0);
	assert_string_equal(h.tin, "123456789");
	assert_string_equal(h.type, "euc");
	assert_string_equal(h.status, "draft");
	assert_int_equal(h.categories, MR_CAT_QUALITY | MR_CAT_IA | MR_CAT_PI);
	assert_int_equal(h.submitted, MR_CAT_QUALITY);
	assert_int_equal(h.window_id, window_named(u->st, "PY2023 EUC re-opening "
	    "for the Change Healthcare cyberattack"));
	assert_int_equal(h.revision, 0);
	assert_string_equal(h.event, "Change Healthcare cyberattack");
	mr_hardship_release(&h);
}

/* domain.md section 2.2: submitted data overrides; cost needs no submission. */
static void
test_advice_on_submitted_data_and_missing_cost(void **state)
{
	struct unit_db *u = *state;
	struct mr_hardship_input in = seed_input();
	struct mr_hardship_warnings w;
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_hardship_add(u->st, &in, &id, &w, &err), 0);
	assert_true(has_warning(&w, "CMS will still score quality"));
	assert_true(has_warning(&w, "cost is computed from claims and needs no "
	    "data submission"));
	/* With cost asked for and no data submitted: no advice at all.
	 * (The same TIN and year again: forced past the duplicate check.) */
	in.categories = "quality,cost,ia,pi";
	in.submitted = NULL;
	in.force = 1;
	assert_int_equal(mr_hardship_add(u->st, &in, &id, &w, &err), 0);
	assert_int_equal(w.n, 0);
	/* An APM Entity: data does not override, but all four are required. */
	in = seed_input();
	in.participation = "apm-entity";
	in.force = 1;
	assert_int_equal(mr_hardship_add(u->st, &in, &id, &w, &err), 0);
	assert_false(has_warning(&w, "CMS will still score"));
	assert_true(has_warning(&w, "does not override"));
	assert_true(has_warning(&w, "all four categories"));
}

/* A year without a hardship window is accepted, without a deadline. */
static void
test_year_without_window_has_no_deadline(void **state)
{
	struct unit_db *u = *state;
	struct mr_hardship_input in = seed_input();
	struct mr_hardship_warnings w;
	struct mr_hardship h;
	struct mr_err err = { 0 };
	int64_t id;

	in.year = "2018";
	assert_int_equal(mr_hardship_add(u->st, &in, &id, &w, &err), 0);
	assert_int_equal(mr_hardship_get(u->st, id, &h, &err), 0);
	assert_int_equal(h.window_id, 0);
	assert_true(has_warning(&w, "no deadline"));
	mr_hardship_release(&h);
	/* PY2019 has an EUC re-opening but no pi-hardship window. */
	in = seed_input();
	in.year = "2019";
	in.type = "pi";
	in.categories = "pi";
	in.submitted = NULL;
	assert_int_equal(mr_hardship_add(u->st, &in, &id, &w, &err), 0);
	assert_true(has_warning(&w, "no pi-hardship window"));
}

static void
test_bad_input_is_refused_and_nothing_written(void **state)
{
	struct unit_db *u = *state;
	struct mr_hardship_input in;
	struct mr_err err = { 0 };
	int64_t id;

	in = seed_input();
	in.type = "pi";		/* a PI hardship asks for pi only */
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "pi category only"));
	in = seed_input();
	in.submitted = "cost";	/* not asked for */
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "submitted 'cost'"));
	in = seed_input();
	in.categories = "quality,cost,ia,pi,quality";
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	in = seed_input();
	in.categories = "cost,cost";
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	in = seed_input();
	in.categories = "quality,aci";
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	in = seed_input();
	in.type = "flood";
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	in = seed_input();
	in.filed = "2024-02-30";
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "not a date in the calendar"));
	in = seed_input();
	in.filed = "2024-12-01";	/* after UNIT_NOW */
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	in = seed_input();
	in.event = "";
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	/* A window of another year, or of the wrong kind. */
	in = seed_input();
	in.window = "1";	/* PY2017 targeted review */
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "performance year 2017"));
	assert_int_equal(count_rows(u->st, "SELECT count(*) FROM hardship_filing"), 0);
	assert_int_equal(count_rows(u->st, "SELECT count(*) FROM audit"), 0);
}

/*
 * In November 2026 next year (2027) is accepted, with no deadline until
 * CMS publishes one; the year after is refused and nothing is written.
 */
static void
test_year_without_program_is_refused(void **state)
{
	struct unit_db *u = *state;
	struct mr_hardship_input in = seed_input();
	struct mr_hardship_warnings w;
	struct mr_hardship h;
	struct mr_err err = { 0 };
	int64_t id;

	mr_store_set_now(u->st, (time_t)1795000000);	/* 2026-11 */
	in.year = "2028";
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_non_null(strstr(err.msg, "to 2027 (next year)"));
	assert_int_equal(count_rows(u->st, "SELECT count(*) FROM hardship_filing"), 0);
	in.year = "2027";
	assert_int_equal(mr_hardship_add(u->st, &in, &id, &w, &err), 0);
	assert_int_equal(mr_hardship_get(u->st, id, &h, &err), 0);
	assert_int_equal(h.window_id, 0);
	assert_true(has_warning(&w, "no deadline"));
	mr_hardship_release(&h);
	/* PY2026's application is shipped: Dec 31 2026 8 p.m. ET. */
	in.year = "2026";
	assert_int_equal(mr_hardship_add(u->st, &in, &id, &w, &err), 0);
	assert_int_equal(mr_hardship_get(u->st, id, &h, &err), 0);
	assert_int_equal(h.window_id, window_named(u->st, "PY2026 EUC application"));
	mr_hardship_release(&h);
}

/* Through the targeted-review form (PY2023, domain.md section 1.4). */
static void
test_named_targeted_review_window_is_accepted(void **state)
{
	struct unit_db *u = *state;
	struct mr_hardship_input in = seed_input();
	struct mr_hardship h;
	struct mr_err err = { 0 };
	char wid[24];
	int64_t id, tr = window_named(u->st, "PY2023 targeted review");

	snprintf(wid, sizeof wid, "%lld", (long long)tr);
	in.window = wid;
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), 0);
	assert_int_equal(mr_hardship_get(u->st, id, &h, &err), 0);
	assert_int_equal(h.window_id, tr);
	mr_hardship_release(&h);
	snprintf(wid, sizeof wid, "%lld", (long long)window_named(u->st,
	    "PY2023 data submission (Change Healthcare extension)"));
	in.window = wid;
	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "data-submission"));
}

static void
test_workflow_revision_and_audit(void **state)
{
	struct unit_db *u = *state;
	struct mr_hardship_input in = seed_input();
	struct mr_hardship h;
	struct mr_err err = { 0 };
	const char *cats[] = { "categories=quality,cost,ia,pi" };
	const char *conf[] = { "confirmation=EUC-2024-0042" };
	int64_t id;

	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), 0);
	assert_int_equal(mr_hardship_set_status(u->st, id, "approved", NULL,
	    &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_non_null(strstr(err.msg, "can go to: submitted, withdrawn"));
	assert_int_equal(mr_hardship_set_status(u->st, id, "lost", NULL, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_int_equal(mr_hardship_set_status(u->st, id, "submitted",
	    "filed through the QPP portal", &err), 0);
	assert_int_equal(mr_hardship_get(u->st, id, &h, &err), 0);
	assert_string_equal(h.filed_at, "2024-10-01");	/* the store's clock */
	assert_int_equal(h.revision, 1);
	assert_non_null(strstr(h.notes, "tester: filed through the QPP portal"));
	mr_hardship_release(&h);
	assert_int_equal(mr_hardship_set(u->st, id, cats, 1, NULL, &err), 0);
	assert_int_equal(mr_hardship_set_status(u->st, id, "approved", NULL,
	    &err), 0);
	/* Decided: the request itself is final, its bookkeeping is not. */
	assert_int_equal(mr_hardship_set(u->st, id, cats, 1, NULL, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_int_equal(mr_hardship_set(u->st, id, conf, 1, NULL, &err), 0);
	assert_int_equal(mr_hardship_set_status(u->st, id, "withdrawn", NULL,
	    &err), -1);
	assert_non_null(strstr(err.msg, "final"));
	assert_int_equal(mr_hardship_get(u->st, id, &h, &err), 0);
	assert_int_equal(h.revision, 4);
	assert_int_equal(h.categories, MR_CAT_ALL);
	assert_string_equal(h.confirmation, "EUC-2024-0042");
	mr_hardship_release(&h);
	assert_int_equal(count_rows(u->st, "SELECT count(*) FROM audit WHERE "
	    "entity = 'hardship'"), 5);
	{
		int64_t bad, n;

		assert_int_equal(mr_audit_verify(u->st, &bad, &n, &err), 0);
	}
}

/* Changing the year re-resolves the window; a named window must match it. */
static void
test_set_year_moves_window(void **state)
{
	struct unit_db *u = *state;
	struct mr_hardship_input in = seed_input();
	struct mr_hardship h;
	struct mr_err err = { 0 };
	const char *year[] = { "year=2022" };
	const char *bad[] = { "window=1" };
	int64_t id;

	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), 0);
	assert_int_equal(mr_hardship_set(u->st, id, year, 1, NULL, &err), 0);
	assert_int_equal(mr_hardship_get(u->st, id, &h, &err), 0);
	assert_int_equal(h.window_id, window_named(u->st,
	    "PY2022 EUC application"));
	mr_hardship_release(&h);
	assert_int_equal(mr_hardship_set(u->st, id, bad, 1, NULL, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
}

static void
test_case_points_at_matching_filing(void **state)
{
	struct unit_db *u = *state;
	struct mr_hardship_input in = seed_input();
	struct mr_case_input ci = {
		.tin = "12-3456789", .name = "Dr. Ada Example", .year = "2023",
		.reasons = { "euc-not-applied" }, .nreasons = 1,
	};
	struct mr_case c;
	struct mr_err err = { 0 };
	const char *link[] = { "filing=1" }, *other[] = { "filing=2" };
	const char *none[] = { "filing=99" }, *clear[] = { "filing=" };
	int64_t fid, cid;

	assert_int_equal(mr_hardship_add(u->st, &in, &fid, NULL, &err), 0);
	in.tin = "98-7654321";
	assert_int_equal(mr_hardship_add(u->st, &in, &fid, NULL, &err), 0);
	assert_int_equal(mr_case_add(u->st, &ci, 0, &cid, &err), 0);
	assert_int_equal(mr_case_set(u->st, cid, link, 1, 0, &err), 0);
	assert_int_equal(mr_case_get(u->st, cid, &c, &err), 0);
	assert_int_equal(c.filing_id, 1);
	mr_case_release(&c);
	assert_int_equal(mr_case_set(u->st, cid, other, 1, 0, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_non_null(strstr(err.msg, "*****4321"));
	assert_int_equal(mr_case_set(u->st, cid, none, 1, 0, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
	/* The link holds when the case moves to another year. */
	{
		const char *move[] = { "year=2022" };

		assert_int_equal(mr_case_set(u->st, cid, move, 1, 0, &err), -1);
		assert_non_null(strstr(err.msg, "performance year 2023"));
	}
	assert_int_equal(mr_case_set(u->st, cid, clear, 1, 0, &err), 0);
	assert_int_equal(mr_case_get(u->st, cid, &c, &err), 0);
	assert_int_equal(c.filing_id, 0);
	mr_case_release(&c);
}

/* A get that fails half-way frees what it read: callers free nothing then. */
static void
test_failed_get_leaves_nothing_to_free(void **state)
{
	struct unit_db *u = *state;
	struct mr_hardship_input in = seed_input();
	struct mr_hardship h;
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), 0);
	/* The row reads, its categories cannot: run under LeakSanitizer. */
	assert_int_equal(sqlite3_exec(mr_store_db(u->st), "ALTER TABLE "
	    "hardship_category RENAME TO gone", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(mr_hardship_get(u->st, id, &h, &err), -1);
	assert_null(h.name);
	assert_null(h.event);
}

static int
collect_id(const struct mr_hardship *h, void *arg)
{
	int64_t *ids = arg;
	int i = 0;

	while (ids[i] != 0)
		i++;
	ids[i] = h->id;
	return 0;
}

/* A page starts after the cursor, holds at most limit, and only the TINs asked. */
static void
test_list_pages_by_id_within_tins(void **state)
{
	struct unit_db *u = *state;
	static const char *const tins[] = { "123456789", "111111119", "222222228" };
	const char *const scope[] = { "123456789", "222222228" };
	struct mr_hardship_input in = seed_input();
	struct mr_hardship_filter f = { 0 };
	struct mr_err err = { 0 };
	int64_t id[6], got[8];

	for (int i = 0; i < 6; i++) {
		in.tin = tins[i % 3];
		in.year = i < 3 ? "2023" : "2022";
		assert_int_equal(mr_hardship_add(u->st, &in, &id[i], NULL,
		    &err), 0);
	}
	f.tins = scope;
	f.ntins = 2;
	memset(got, 0, sizeof got);
	assert_int_equal(mr_hardship_list(u->st, &f, collect_id, got, &err), 0);
	assert_true(got[0] == id[0] && got[1] == id[2] && got[2] == id[3] &&
	    got[3] == id[5] && got[4] == 0);
	f.after_id = id[2];
	f.limit = 1;
	memset(got, 0, sizeof got);
	assert_int_equal(mr_hardship_list(u->st, &f, collect_id, got, &err), 0);
	assert_true(got[0] == id[3] && got[1] == 0);
	f.after_id = id[5];
	f.limit = 0;
	memset(got, 0, sizeof got);
	assert_int_equal(mr_hardship_list(u->st, &f, collect_id, got, &err), 0);
	assert_true(got[0] == 0);
	memset(&f, 0, sizeof f);
	f.limit = 2;
	memset(got, 0, sizeof got);
	assert_int_equal(mr_hardship_list(u->st, &f, collect_id, got, &err), 0);
	assert_true(got[0] == id[0] && got[1] == id[1] && got[2] == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, unit_db_setup, unit_db_teardown)
		T(test_add_round_trips_and_takes_latest_window),
		T(test_advice_on_submitted_data_and_missing_cost),
		T(test_year_without_window_has_no_deadline),
		T(test_bad_input_is_refused_and_nothing_written),
		T(test_year_without_program_is_refused),
		T(test_named_targeted_review_window_is_accepted),
		T(test_workflow_revision_and_audit),
		T(test_set_year_moves_window),
		T(test_case_points_at_matching_filing),
		T(test_failed_get_leaves_nothing_to_free),
		T(test_list_pages_by_id_within_tins),
#undef T
	};

	return cmocka_run_group_tests_name("hardship", tests, NULL, NULL);
}
