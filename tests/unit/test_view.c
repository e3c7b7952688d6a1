/* Unit tests of lib/mr_view: the JSON objects and the case deadline rule. */
#include "config.h"

#include "tests/unit/unit.h"
#include "lib/mr_case.h"
#include "lib/mr_deadline.h"
#include "lib/mr_view.h"
#include "lib/mr_window.h"

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

static int64_t
add_window(struct unit_db *u, const char *closes, const char *source)
{
	struct mr_window_input in = { .kind = "targeted-review", .year = "2023",
	    .name = "extra", .closes = closes, .source = source };
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_window_add(u->st, &in, &id, &err), 0);
	return id;
}

struct item {
	time_t	 closes_at;
	char	 source[512];
};

static int
keep_item(const struct mr_deadline_item *it, void *arg)
{
	struct item *i = arg;

	i->closes_at = it->closes_at;
	snprintf(i->source, sizeof i->source, "%s", it->source);
	return 0;
}

static struct mr_view *
view(struct unit_db *u, bool reveal)
{
	struct mr_view_opts o = { .now = UNIT_NOW, .zone = "Asia/Tokyo",
	    .reveal = reveal };
	struct mr_view *v = mr_view_new(u->st, &o);

	assert_non_null(v);
	return v;
}

/*
 * Two later windows of the year closing together: the later added sets the
 * deadline, in the view (show, list, text) as in due (the SQL rule).
 */
static void
test_case_deadline_is_the_years_latest_window_as_due_says(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	struct mr_case c;
	struct item due = { 0 };
	struct mr_view *v;
	const char *zone, *source;
	time_t closes;
	int64_t id = add_case(u, "2023");

	add_window(u, "2024-11-01 20:00 America/New_York", "first notice");
	add_window(u, "2024-11-01 20:00 America/New_York", "second notice");
	assert_int_equal(mr_case_get(u->st, id, &c, &err), 0);
	v = view(u, false);
	assert_int_equal(mr_view_case_deadline(v, &c, &closes, &zone, &source,
	    &err), 1);
	assert_int_equal(mr_deadline_of_case(u->st, id, keep_item, &due, &err), 0);
	assert_int_equal(closes, due.closes_at);
	assert_string_equal(source, due.source);
	assert_string_equal(source, "second notice");
	assert_string_equal(zone, "America/New_York");
	mr_view_free(v);
	mr_case_release(&c);
}

/* A deadline CMS set on the case wins over the year's window. */
static void
test_own_deadline_wins_over_the_window(void **state)
{
	struct unit_db *u = *state;
	const char *set[] = { "deadline=2024-10-31 17:00 America/Los_Angeles",
	    "deadline_source=CMS letter" };
	struct mr_err err = { 0 };
	struct mr_case c;
	struct mr_view *v;
	json_t *o, *d;
	int64_t id = add_case(u, "2023");

	assert_int_equal(mr_case_set(u->st, id, set, 2, 0, &err), 0);
	assert_int_equal(mr_case_get(u->st, id, &c, &err), 0);
	v = view(u, false);
	assert_non_null(o = mr_view_case(v, &c, &err));
	d = json_object_get(o, "deadline");
	assert_string_equal(json_string_value(json_object_get(d, "closes_at")),
	    "2024-11-01T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(d, "source")),
	    "CMS letter");
	assert_int_equal(json_integer_value(json_object_get(d, "seconds_left")),
	    (json_int_t)(1730419200 - UNIT_NOW));
	json_decref(o);
	mr_view_free(v);
	mr_case_release(&c);
}

/* The TIN is masked unless the view reveals it. */
static void
test_tin_masked_unless_revealed(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	struct mr_case c;
	struct mr_view *masked = view(u, false), *whole = view(u, true);
	json_t *a, *b;
	int64_t id = add_case(u, "2023");

	assert_int_equal(mr_case_get(u->st, id, &c, &err), 0);
	assert_non_null(a = mr_view_case(masked, &c, &err));
	assert_non_null(b = mr_view_case(whole, &c, &err));
	assert_string_equal(json_string_value(json_object_get(a, "tin")),
	    "*****6789");
	assert_string_equal(json_string_value(json_object_get(b, "tin")),
	    "123456789");
	json_decref(a);
	json_decref(b);
	mr_view_free(masked);
	mr_view_free(whole);
	mr_case_release(&c);
}

static int
keep_json(const struct mr_deadline_item *it, void *arg)
{
	void **a = arg;

	*(json_t **)a[1] = mr_view_due_item(a[0], it);
	return 1;
}

/* A due item shows the deadline in the viewer's zone too. */
static void
test_due_item_in_the_viewers_zone(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	struct mr_view *v = view(u, false);
	json_t *o = NULL, *d;
	void *a[2] = { v, &o };
	int64_t id = add_case(u, "2023");

	assert_int_equal(mr_deadline_of_case(u->st, id, keep_json, a, &err), 0);
	assert_non_null(o);
	d = json_object_get(o, "deadline");
	assert_string_equal(json_string_value(json_object_get(d, "viewer_zone")),
	    "Asia/Tokyo");
	/* 2024-10-12T00:00Z is 09:00 the same day in Tokyo. */
	assert_string_equal(json_string_value(json_object_get(d,
	    "closes_viewer")), "2024-10-12T09:00:00+09:00");
	assert_string_equal(json_string_value(json_object_get(o, "tin")),
	    "*****6789");
	json_decref(o);
	mr_view_free(v);
}

/* A view caches the year's window for its own life only: a new view sees an extension. */
static void
test_a_new_view_sees_an_extended_window(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	struct mr_case c;
	struct mr_view *before = view(u, false), *after;
	const char *zone, *source;
	time_t t1, t2;
	int64_t moved, wid, id = add_case(u, "2023");

	assert_int_equal(mr_case_get(u->st, id, &c, &err), 0);
	assert_int_equal(mr_view_case_deadline(before, &c, &t1, &zone, &source,
	    &err), 1);
	wid = add_window(u, "2024-12-01 20:00 America/New_York", "later");
	assert_int_equal(mr_window_extend(u->st, wid,
	    "2024-12-02 20:00 America/New_York", NULL, &moved, &err), 0);
	after = view(u, false);
	assert_int_equal(mr_view_case_deadline(after, &c, &t2, &zone, &source,
	    &err), 1);
	assert_true(t2 > t1);
	assert_string_equal(source, "later");
	mr_view_free(before);
	mr_view_free(after);
	mr_case_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_case_deadline_is_the_years_latest_window_as_due_says,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_own_deadline_wins_over_the_window,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_tin_masked_unless_revealed,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_due_item_in_the_viewers_zone,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_new_view_sees_an_extended_window,
		    unit_db_setup, unit_db_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
