/* Unit tests of lib/mr_when: instants in the zones CMS announces them in. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/mr_when.h"

/* 2024-10-12T00:00:00Z: the PY2023 targeted-review deadline. */
#define SEED	((time_t)1728691200)

static time_t
parse_ok(const char *text, const char *zone_want)
{
	struct mr_when w;
	struct mr_err err = { 0 };

	if (mr_when_parse(text, NULL, &w, &err) != 0)
		fail_msg("'%s' refused: %s", text, err.msg);
	if (zone_want != NULL)
		assert_string_equal(w.zone, zone_want);
	return w.utc;
}

static void
parse_refused(const char *text, const char *msg_part)
{
	struct mr_when w;
	struct mr_err err = { 0 };

	assert_int_equal(mr_when_parse(text, NULL, &w, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	if (strstr(err.msg, msg_part) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", text, err.msg, msg_part);
}

static void
test_seed_deadline_in_every_accepted_form(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2024-10-11 19:00 America/Chicago",
	    "America/Chicago"), SEED);
	assert_int_equal(parse_ok("2024-10-11 7pm CDT", "America/Chicago"), SEED);
	assert_int_equal(parse_ok("Oct 11 2024 7:00 p.m. CDT", "America/Chicago"),
	    SEED);
	assert_int_equal(parse_ok("2024-10-11T19:00:00-05:00", NULL), SEED);
	assert_int_equal(parse_ok("2024-10-12T00:00:00Z", NULL), SEED);
	assert_int_equal(parse_ok("October 11, 2024 8:00 PM ET",
	    "America/New_York"), SEED);
	assert_int_equal(parse_ok("2024-10-11 7:00 pm CT", "America/Chicago"), SEED);
}

static void
test_local_format_shows_the_zone_offset_at_that_instant(void **state)
{
	char buf[64];

	(void)state;
	mr_when_format_local(SEED, "America/Chicago", buf, sizeof buf);
	assert_string_equal(buf, "2024-10-11T19:00:00-05:00");
	mr_when_format_human(SEED, "America/Chicago", buf, sizeof buf);
	assert_string_equal(buf, "Oct 11 2024 7:00 PM CDT");
	mr_when_format_local(SEED, "America/New_York", buf, sizeof buf);
	assert_string_equal(buf, "2024-10-11T20:00:00-04:00");
	/* Nov 14 2025 is in EST: 8 p.m. ET is 01:00Z the next day. */
	assert_int_equal(parse_ok("2025-11-14 20:00 ET", NULL),
	    parse_ok("2025-11-15T01:00:00Z", NULL));
}

static void
test_abbreviation_wrong_for_the_date_is_refused_and_the_right_one_named(void **state)
{
	(void)state;
	parse_refused("2024-01-15 19:00 CDT", "use CST");
	parse_refused("2024-07-15 19:00 EST", "use EDT");
	parse_refused("2024-07-15 17:00 MST", "America/Phoenix");
}

static void
test_spring_forward_gap_is_refused(void **state)
{
	(void)state;
	parse_refused("2024-03-10 02:30 America/Chicago", "does not exist");
	parse_refused("2024-03-10 02:00 ET", "does not exist");
	/* just after the change is fine: 03:00 CDT = 08:00Z */
	assert_int_equal(parse_ok("2024-03-10 03:00 America/Chicago", NULL),
	    parse_ok("2024-03-10T08:00:00Z", NULL));
}

static void
test_fall_back_overlap_needs_offset_or_abbreviation(void **state)
{
	(void)state;
	parse_refused("2024-11-03 01:30 America/Chicago", "happens twice");
	assert_int_equal(parse_ok("2024-11-03 01:30 CDT", NULL),
	    parse_ok("2024-11-03T06:30:00Z", NULL));
	assert_int_equal(parse_ok("2024-11-03 01:30 CST", NULL),
	    parse_ok("2024-11-03T07:30:00Z", NULL));
	assert_int_equal(parse_ok("2024-11-03 01:30 America/Chicago -06:00", NULL),
	    parse_ok("2024-11-03T07:30:00Z", NULL));
}

static void
test_zones_without_dst(void **state)
{
	char buf[64];

	(void)state;
	/* Phoenix stays at -07:00 in July and January. */
	assert_int_equal(parse_ok("2024-07-01 17:00 America/Phoenix", NULL),
	    parse_ok("2024-07-02T00:00:00Z", NULL));
	assert_int_equal(parse_ok("2024-01-01 17:00 America/Phoenix", NULL),
	    parse_ok("2024-01-02T00:00:00Z", NULL));
	/* Honolulu at -10:00; HT and HST both name it. */
	assert_int_equal(parse_ok("2024-10-11 14:00 HT", "Pacific/Honolulu"),
	    SEED);
	assert_int_equal(parse_ok("2024-10-11 2pm HST", NULL), SEED);
	mr_when_format_local(SEED, "Pacific/Honolulu", buf, sizeof buf);
	assert_string_equal(buf, "2024-10-11T14:00:00-10:00");
}

static void
test_midnight_closings(void **state)
{
	(void)state;
	/* 24:00 is the end of the named day. */
	assert_int_equal(parse_ok("2024-12-31 24:00 ET", NULL),
	    parse_ok("2025-01-01 00:00 America/New_York", NULL));
	assert_int_equal(parse_ok("2025-01-01 00:00 America/New_York", NULL),
	    parse_ok("2025-01-01T05:00:00Z", NULL));
	assert_int_equal(parse_ok("2024-12-31 midnight ET", NULL),
	    parse_ok("2025-01-01T05:00:00Z", NULL));
}

static void
test_bad_input_refused(void **state)
{
	(void)state;
	parse_refused("2025-02-30 10:00 ET", "not a date");
	parse_refused("2024-10-11 19:00 Mars/Olympus", "not a known IANA");
	parse_refused("2024-10-11", "no time of day");
	parse_refused("2024-10-11 19:00", "no zone");
	parse_refused("2024-10-11 25:00 ET", "not a date, a time of day");
	parse_refused("tomorrow", "not a date");
	parse_refused("2024-10-11 13pm ET", "not");
}

/* A day the calendar lacks is "not a date", even with no time of day. */
static void
test_impossible_day_is_not_a_date(void **state)
{
	struct mr_when w;
	struct mr_err err = { 0 };

	(void)state;
	parse_refused("Oct 32 2024", "not a date: October 2024 has 31 days; "
	    "write e.g. '2024-10-11 20:00 ET'");
	parse_refused("Oct 32 2024 7pm CDT", "not a date: October 2024 has 31");
	parse_refused("2024-13-01", "not a date: there is no month 13");
	parse_refused("2023-02-29 20:00 ET", "February 2023 has 28 days");
	parse_refused("2024-00-10 20:00 ET", "no month 0");
	assert_int_equal(parse_ok("2024-02-29 20:00 ET", NULL),
	    parse_ok("2024-03-01T01:00:00Z", NULL));
	/* The message names what the text was given as. */
	assert_int_equal(mr_when_parse_as("closes", "Oct 32 2024", NULL, &w,
	    &err), -1);
	assert_string_equal(err.msg, "closes 'Oct 32 2024': not a date: "
	    "October 2024 has 31 days; write e.g. '2024-10-11 20:00 ET'");
}

static void
test_results_do_not_depend_on_process_tz(void **state)
{
	time_t a, b, c;

	(void)state;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	a = parse_ok("2024-10-11 7pm CDT", NULL);
	setenv("TZ", "UTC", 1);
	tzset();
	b = parse_ok("2024-10-11 7pm CDT", NULL);
	setenv("TZ", "America/Los_Angeles", 1);
	tzset();
	c = parse_ok("2024-10-11 7pm CDT", NULL);
	assert_int_equal(a, SEED);
	assert_int_equal(b, SEED);
	assert_int_equal(c, SEED);
}

static void
test_time_left_and_durations(void **state)
{
	char buf[32];
	long long s;
	struct mr_err err;

	(void)state;
	mr_when_left(0, 2 * 86400 + 4 * 3600 + 59, buf, sizeof buf);
	assert_string_equal(buf, "2d 4h");
	mr_when_left(0, 5 * 3600 + 600, buf, sizeof buf);
	assert_string_equal(buf, "5h 10m");
	mr_when_left(3 * 3600, 0, buf, sizeof buf);
	assert_string_equal(buf, "OVERDUE 3h 0m");
	assert_int_equal(mr_when_parse_duration("30d", &s, &err), 0);
	assert_int_equal(s, 30 * 86400);
	assert_int_equal(mr_when_parse_duration("2w", &s, &err), 0);
	assert_int_equal(s, 14 * 86400);
	assert_int_equal(mr_when_parse_duration("1d12h", &s, &err), 0);
	assert_int_equal(s, 36 * 3600);
	assert_int_equal(mr_when_parse_duration("30x", &s, &err), -1);
	assert_int_equal(mr_when_parse_duration("", &s, &err), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_deadline_in_every_accepted_form),
		cmocka_unit_test(test_local_format_shows_the_zone_offset_at_that_instant),
		cmocka_unit_test(test_abbreviation_wrong_for_the_date_is_refused_and_the_right_one_named),
		cmocka_unit_test(test_spring_forward_gap_is_refused),
		cmocka_unit_test(test_fall_back_overlap_needs_offset_or_abbreviation),
		cmocka_unit_test(test_zones_without_dst),
		cmocka_unit_test(test_midnight_closings),
		cmocka_unit_test(test_bad_input_refused),
		cmocka_unit_test(test_impossible_day_is_not_a_date),
		cmocka_unit_test(test_results_do_not_depend_on_process_tz),
		cmocka_unit_test(test_time_left_and_durations),
	};

	return cmocka_run_group_tests_name("when", tests, NULL, NULL);
}
