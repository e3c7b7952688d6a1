/* Unit tests of lib/mr_window and lib/mr_deadline: windows move cases. */
#include "config.h"

#include "tests/unit/unit.h"
#include "lib/mr_audit.h"
#include "lib/mr_case.h"
#include "lib/mr_deadline.h"
#include "lib/mr_when.h"
#include "lib/mr_window.h"

struct got {
	int		 n;
	time_t		 closes[8];
	int64_t		 ids[8];
	int64_t		 seq[8];
	char		 zone[8][64];
};

static int
collect(const struct mr_deadline_item *it, void *arg)
{
	struct got *g = arg;

	if (g->n < 8) {
		g->closes[g->n] = it->closes_at;
		g->ids[g->n] = it->id;
		g->seq[g->n] = it->sequence;
		snprintf(g->zone[g->n], sizeof g->zone[0], "%s", it->zone);
	}
	g->n++;
	return 0;
}

static int64_t
add_case(struct unit_db *u, const char *year)
{
	struct mr_case_input in = { .tin = "123456789", .name = "Clinic",
	    .year = year, .reasons = { "other" }, .nreasons = 1 };
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_case_add(u->st, &in, 1, &id, &err), 0);
	return id;
}

/* The shipped PY2023 window: Oct 11 2024 7 p.m. CDT = 2024-10-12T00:00Z. */
static void
test_seed_window_gives_the_case_its_deadline(void **state)
{
	struct unit_db *u = *state;
	struct got g = { 0 };
	struct mr_err err = { 0 };
	int64_t id = add_case(u, "2023");

	assert_int_equal(mr_deadline_of_case(u->st, id, collect, &g, &err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.closes[0], (time_t)1728691200);
	assert_string_equal(g.zone[0], "America/Chicago");
}

/* Every shipped window's instant is what its local time says in tzdata. */
static int
check_seed(const struct mr_window *w, void *arg)
{
	static const struct { int year; const char *kind; const char *local; } want[] = {
		{ 2017, "targeted-review", "2018-10-15T20:00:00-04:00" },
		{ 2018, "targeted-review", "2019-09-30T19:00:00-05:00" },
		{ 2019, "targeted-review", "2020-10-05T20:00:00-04:00" },
		{ 2020, "targeted-review", "2021-11-29T20:00:00-05:00" },
		{ 2021, "targeted-review", "2022-10-21T20:00:00-04:00" },
		{ 2022, "targeted-review", "2023-10-09T20:00:00-04:00" },
		{ 2023, "targeted-review", "2024-10-11T19:00:00-05:00" },
		{ 2024, "targeted-review", "2025-11-14T20:00:00-05:00" },
	};
	int *checked = arg;
	char local[64];

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (want[i].year == w->performance_year &&
		    strcmp(want[i].kind, w->kind) == 0) {
			mr_when_format_local(w->closes_at, w->zone, local, sizeof local);
			assert_string_equal(local, want[i].local);
			assert_true(strlen(w->source) > 10);
			(*checked)++;
		}
	return 0;
}

static void
test_shipped_windows_match_their_sources(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	int checked = 0;

	assert_int_equal(mr_window_each(u->st, 0, NULL, check_seed, &checked,
	    &err), 0);
	assert_int_equal(checked, 8);
}

static void
test_extension_moves_every_case_and_is_audited(void **state)
{
	struct unit_db *u = *state;
	struct got before = { 0 }, after = { 0 };
	struct mr_deadline_filter f = { .year = 2023 };
	struct mr_err err = { 0 };
	int64_t a = add_case(u, "2023"), b = add_case(u, "2023"), moved, bad, n;

	(void)a;
	(void)b;
	assert_int_equal(mr_deadline_each(u->st, &f, collect, &before, &err), 0);
	assert_int_equal(before.n, 2);
	/* window 7 is the PY2023 targeted review */
	assert_int_equal(mr_window_extend(u->st, 7, "2024-10-25 7pm CDT",
	    "CMS listserv", &moved, &err), 0);
	assert_int_equal(moved, 2);
	assert_int_equal(mr_deadline_each(u->st, &f, collect, &after, &err), 0);
	assert_int_equal(after.n, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(after.closes[i], (time_t)1728691200 + 14 * 86400);
		assert_true(after.seq[i] > before.seq[i]);
	}
	assert_int_equal(mr_audit_verify(u->st, &bad, &n, &err), 0);
	assert_int_equal(n, 3);		/* two adds and the extension */
}

static void
test_extension_must_move_later(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	int64_t moved;

	assert_int_equal(mr_window_extend(u->st, 7, "2024-10-01 7pm CDT", NULL,
	    &moved, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
}

static void
test_own_deadline_wins_over_the_window(void **state)
{
	struct unit_db *u = *state;
	struct got g = { 0 };
	struct mr_err err = { 0 };
	const char *set[] = { "deadline=2024-11-01 20:00 ET",
	    "deadline_source=CMS e-mail asking for the QP letter" };
	int64_t id = add_case(u, "2023");

	assert_int_equal(mr_case_set(u->st, id, set, 2, 0, &err), 0);
	assert_int_equal(mr_deadline_of_case(u->st, id, collect, &g, &err), 0);
	assert_int_equal(g.closes[0], (time_t)1730505600);	/* 2024-11-02T00:00Z */
	assert_string_equal(g.zone[0], "America/New_York");
}

static void
test_due_orders_by_closing_instant_across_zones(void **state)
{
	struct unit_db *u = *state;
	struct got g = { 0 };
	struct mr_err err = { 0 };
	const char *la[] = { "deadline=2024-10-20 17:00 America/Los_Angeles" };
	const char *ny[] = { "deadline=2024-10-20 19:00 America/New_York" };
	int64_t a = add_case(u, "2023"), b = add_case(u, "2023");

	/* 17:00 PDT is 00:00Z on the 21st, after 19:00 EDT (23:00Z). */
	assert_int_equal(mr_case_set(u->st, a, la, 1, 0, &err), 0);
	assert_int_equal(mr_case_set(u->st, b, ny, 1, 0, &err), 0);
	assert_int_equal(mr_deadline_each(u->st, NULL, collect, &g, &err), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.ids[0], b);
	assert_int_equal(g.ids[1], a);
}

/* A page of due starts at its cursor's instant: earlier deadlines are left out. */
static void
test_due_from_a_closing_instant(void **state)
{
	struct unit_db *u = *state;
	struct got g = { 0 };
	struct mr_deadline_filter f = { .closing_from = 1729465200 };
	struct mr_err err = { 0 };
	const char *early[] = { "deadline=2024-10-20 19:00 America/New_York" };
	const char *late[] = { "deadline=2024-10-20 17:00 America/Los_Angeles" };
	int64_t a = add_case(u, "2023"), b = add_case(u, "2023");

	/* 23:00Z on the 20th and 00:00Z on the 21st; the cursor is the first. */
	assert_int_equal(mr_case_set(u->st, a, early, 1, 0, &err), 0);
	assert_int_equal(mr_case_set(u->st, b, late, 1, 0, &err), 0);
	assert_int_equal(mr_deadline_each(u->st, &f, collect, &g, &err), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.ids[0], a);
	assert_int_equal(g.ids[1], b);
	memset(&g, 0, sizeof g);
	f.closing_from = 1729465201;
	assert_int_equal(mr_deadline_each(u->st, &f, collect, &g, &err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ids[0], b);
}

static void
test_closed_cases_leave_due_unless_all(void **state)
{
	struct unit_db *u = *state;
	struct got g = { 0 }, all = { 0 };
	struct mr_deadline_filter f = { .include_closed = 1 };
	struct mr_err err = { 0 };
	int64_t id = add_case(u, "2023");

	assert_int_equal(mr_case_set_status(u->st, id, "withdrawn", NULL, &err), 0);
	assert_int_equal(mr_deadline_each(u->st, NULL, collect, &g, &err), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(mr_deadline_each(u->st, &f, collect, &all, &err), 0);
	assert_int_equal(all.n, 1);
}

static void
test_window_closing_before_opening_refused(void **state)
{
	struct unit_db *u = *state;
	struct mr_window_input in = { .kind = "targeted-review", .year = "2024",
	    .opens = "2025-11-20 09:00 ET", .closes = "2025-11-14 20:00 ET" };
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_window_add(u->st, &in, &id, &err), -1);
	assert_non_null(strstr(err.msg, "not before"));
	in.opens = NULL;
	in.year = "2016";
	assert_int_equal(mr_window_add(u->st, &in, &id, &err), -1);
	assert_non_null(strstr(err.msg, "2017"));
	in.year = "2024";
	in.kind = "appeal";
	assert_int_equal(mr_window_add(u->st, &in, &id, &err), -1);
	assert_non_null(strstr(err.msg, "kind 'appeal'"));
}

/*
 * A kept copy of an item owns its strings: equal to the item's, not the
 * same memory, and a NULL owner stays NULL.
 */
static void
test_item_copy_owns_its_strings(void **state)
{
	struct mr_deadline_item it = { .what = "case", .id = 7, .kind =
	    "targeted-review", .name = "Dr. Ada Example", .tin = "123456789",
	    .npi = NULL, .status = "draft", .open = 1, .zone = "America/Chicago",
	    .source = "CMS", .updated_at = "2024-10-01T12:00:00Z", .owner = NULL };
	struct mr_deadline_item copy = it;
	char *strs[MR_DEADLINE_ITEM_NSTRS];

	(void)state;
	assert_int_equal(mr_deadline_item_own(&copy, strs), 0);
	assert_string_equal(copy.name, "Dr. Ada Example");
	assert_ptr_not_equal(copy.name, it.name);
	assert_ptr_equal(copy.name, strs[2]);
	assert_string_equal(copy.npi, "");
	assert_string_equal(copy.updated_at, it.updated_at);
	assert_null(copy.owner);
	assert_null(strs[9]);
	assert_int_equal(copy.id, 7);
	for (int k = 0; k < MR_DEADLINE_ITEM_NSTRS; k++)
		free(strs[k]);
	copy = it;
	copy.owner = "officer@practice.example";
	assert_int_equal(mr_deadline_item_own(&copy, strs), 0);
	assert_ptr_equal(copy.owner, strs[9]);
	assert_string_equal(copy.owner, "officer@practice.example");
	for (int k = 0; k < MR_DEADLINE_ITEM_NSTRS; k++)
		free(strs[k]);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, unit_db_setup, unit_db_teardown)
	const struct CMUnitTest tests[] = {
		T(test_seed_window_gives_the_case_its_deadline),
		T(test_shipped_windows_match_their_sources),
		T(test_extension_moves_every_case_and_is_audited),
		T(test_extension_must_move_later),
		T(test_own_deadline_wins_over_the_window),
		T(test_due_orders_by_closing_instant_across_zones),
		T(test_due_from_a_closing_instant),
		T(test_closed_cases_leave_due_unless_all),
		T(test_window_closing_before_opening_refused),
		cmocka_unit_test(test_item_copy_owns_its_strings),
	};
#undef T

	return cmocka_run_group_tests_name("window", tests, NULL, NULL);
}
