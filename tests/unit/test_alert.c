/*
 * Unit tests of lib/mr_alert's pure parts, on hand-built deadline items:
 * which reminder is due, when the next one falls, the subject, the
 * Message-ID, the recipients and the composed message.
 */
#include "config.h"

#include "tests/unit/unit.h"
#include "lib/mr_alert.h"
#include "lib/mr_alert_digest.h"
#include "lib/mr_config.h"
#include "lib/mr_mail.h"

#define DAY	86400LL
#define HOUR	3600LL
/* PY2023 targeted review: Oct 11 2024 7:00 PM CDT. */
#define CLOSES	((time_t)1728691200)

static const long long offsets[] = { 30 * DAY, 14 * DAY, 7 * DAY, 3 * DAY,
	1 * DAY, 4 * HOUR };
#define NOFF	6

static struct mr_deadline_item
item(void)
{
	struct mr_deadline_item it = {
		.what = "case", .id = 12, .kind = "targeted-review",
		.name = "Dr. Ada Example", .tin = "123456789", .npi = "1234567893",
		.status = "submitted", .open = 1, .performance_year = 2023,
		.closes_at = CLOSES, .zone = "America/Chicago",
		.source = "CMS listserv", .window_id = 7, .sequence = 3,
		.updated_at = "2024-09-01T00:00:00Z", .owner = "ada@practice.example",
	};
	return it;
}

static void
test_due_is_the_most_urgent_passed_offset(void **state)
{
	struct mr_deadline_item it = item();

	(void)state;
	assert_int_equal(mr_alert_due(&it, offsets, NOFF, CLOSES - 31 * DAY), -1);
	assert_int_equal(mr_alert_due(&it, offsets, NOFF, CLOSES - 30 * DAY), 0);
	assert_int_equal(mr_alert_due(&it, offsets, NOFF, CLOSES - 10 * DAY), 1);
	/* Cron was down from 10 days to 2 hours before: only 4h is due. */
	assert_int_equal(mr_alert_due(&it, offsets, NOFF, CLOSES - 2 * HOUR), 5);
	assert_int_equal(mr_alert_due(&it, offsets, NOFF, CLOSES - 1), 5);
}

static void
test_nothing_due_after_the_deadline_or_when_closed(void **state)
{
	struct mr_deadline_item it = item();

	(void)state;
	assert_int_equal(mr_alert_due(&it, offsets, NOFF, CLOSES), -1);
	assert_int_equal(mr_alert_due(&it, offsets, NOFF, CLOSES + DAY), -1);
	it.open = 0;
	assert_int_equal(mr_alert_due(&it, offsets, NOFF, CLOSES - 2 * HOUR), -1);
	assert_int_equal(mr_alert_next_moment(&it, offsets, NOFF, CLOSES - 10 * DAY), 0);
}

static void
test_next_moment_is_the_next_offset_before_the_deadline(void **state)
{
	struct mr_deadline_item it = item();

	(void)state;
	assert_int_equal(mr_alert_next_moment(&it, offsets, NOFF, CLOSES - 40 * DAY),
	    CLOSES - 30 * DAY);
	assert_int_equal(mr_alert_next_moment(&it, offsets, NOFF, CLOSES - 10 * DAY),
	    CLOSES - 7 * DAY);
	assert_int_equal(mr_alert_next_moment(&it, offsets, NOFF, CLOSES - 7 * DAY),
	    CLOSES - 3 * DAY);
	assert_int_equal(mr_alert_next_moment(&it, offsets, NOFF, CLOSES - 3 * HOUR), 0);
}

static void
test_subject_reads_like_the_issue(void **state)
{
	struct mr_deadline_item it = item();
	char s[400];

	(void)state;
	/* A cron run half a minute after the 7-day moment. */
	mr_alert_subject(&it, CLOSES - 7 * DAY + 30, s, sizeof s);
	assert_string_equal(s, "MIPS targeted review for Dr. Ada Example closes "
	    "in 7 days (Oct 11 7:00 PM CDT)");
	mr_alert_subject(&it, CLOSES - 4 * HOUR + 60, s, sizeof s);
	assert_string_equal(s, "MIPS targeted review for Dr. Ada Example closes "
	    "in 4 hours (Oct 11 7:00 PM CDT)");
	mr_alert_subject(&it, CLOSES - DAY, s, sizeof s);
	assert_non_null(strstr(s, "closes in 1 day ("));
	it.window_id = 0;	/* its own deadline: CMS asked for documents */
	it.zone = "America/New_York";
	it.status = "documents-requested";
	mr_alert_subject(&it, CLOSES - 3 * DAY, s, sizeof s);
	assert_string_equal(s, "MIPS targeted review for Dr. Ada Example: "
	    "documents due in 3 days (Oct 11 8:00 PM EDT)");
	/* A deadline of its own set by hand, no documents asked for. */
	it.status = "submitted";
	mr_alert_subject(&it, CLOSES - 3 * DAY, s, sizeof s);
	assert_string_equal(s, "MIPS targeted review for Dr. Ada Example "
	    "closes in 3 days (Oct 11 8:00 PM EDT)");
	it.status = "draft";
	mr_alert_subject(&it, CLOSES - 3 * DAY, s, sizeof s);
	assert_null(strstr(s, "documents due"));
}

static void
test_subject_turns_line_breaks_in_a_name_into_spaces(void **state)
{
	struct mr_deadline_item it = item();
	char s[400];

	(void)state;
	it.name = "Eve\r\nBcc: mallory@evil.example";
	mr_alert_subject(&it, CLOSES - 7 * DAY, s, sizeof s);
	assert_null(strchr(s, '\r'));
	assert_null(strchr(s, '\n'));
	assert_non_null(strstr(s, "Eve  Bcc: mallory@evil.example closes"));
}

static void
test_subject_keeps_a_name_ending_in_a_non_ascii_letter(void **state)
{
	struct mr_deadline_item it = item();
	char s[400], longname[260];

	(void)state;
	it.name = "Dr. Jos\xc3\xa9";
	mr_alert_subject(&it, CLOSES - 7 * DAY + 30, s, sizeof s);
	assert_string_equal(s, "MIPS targeted review for Dr. Jos\xc3\xa9 closes "
	    "in 7 days (Oct 11 7:00 PM CDT)");
	it.name = "Dr. Zo\xc3\xab M\xc3\xbcller";
	mr_alert_subject(&it, CLOSES - 7 * DAY + 30, s, sizeof s);
	assert_non_null(strstr(s, "for Dr. Zo\xc3\xab M\xc3\xbcller closes"));
	/* Cut inside a character: the half character goes, nothing more. */
	memset(longname, 'a', sizeof longname);
	longname[198] = '\xc3';
	longname[199] = '\xa9';
	longname[200] = '\0';
	it.name = longname;
	mr_alert_subject(&it, CLOSES - 7 * DAY + 30, s, sizeof s);
	assert_non_null(strstr(s, "aaaa closes in 7 days"));
}

static void
test_message_id_is_deterministic_per_reminder(void **state)
{
	struct mr_deadline_item it = item();
	char a[200], b[200], c[200], d[200];

	(void)state;
	mr_alert_message_id(&it, 7 * DAY, "alerts@practice.example", a, sizeof a);
	mr_alert_message_id(&it, 7 * DAY, "alerts@practice.example", b, sizeof b);
	mr_alert_message_id(&it, 3 * DAY, "alerts@practice.example", c, sizeof c);
	it.closes_at += 14 * DAY;	/* CMS extended the window */
	mr_alert_message_id(&it, 7 * DAY, "alerts@practice.example", d, sizeof d);
	assert_string_equal(a, "mipsreview.case-12.1728691200.7d@practice.example");
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
}

static void
test_recipients_are_owner_then_alert_to_once_each(void **state)
{
	struct mr_deadline_item it = item();
	struct mr_err err = { 0 };
	char **v = NULL;
	int n = 0;

	(void)state;
	assert_int_equal(mr_alert_recipients(&it, "officer@practice.example, "
	    "ADA@practice.example,cfo@practice.example", &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "ada@practice.example");
	assert_string_equal(v[1], "officer@practice.example");
	assert_string_equal(v[2], "cfo@practice.example");
	assert_null(v[3]);
	mr_alert_strv_free(v);
	it.owner = NULL;
	assert_int_equal(mr_alert_recipients(&it, NULL, &v, &n, &err), 0);
	assert_int_equal(n, 0);
	mr_alert_strv_free(v);
	it.owner = "not an address";
	assert_int_equal(mr_alert_recipients(&it, NULL, &v, &n, &err), -1);
	assert_non_null(strstr(err.msg, "case 12: owner"));
	assert_non_null(strstr(err.msg, "mipsreview set 12 owner="));
	it.owner = NULL;
	assert_int_equal(mr_alert_recipients(&it, "ok@practice.example, bad@",
	    &v, &n, &err), -1);
	assert_non_null(strstr(err.msg, "alert_to"));
}

static void
test_composed_message_masks_the_tin_and_carries_the_ics(void **state)
{
	struct mr_deadline_item it = item();
	struct mr_alert_settings set = { .from = "alerts@practice.example",
	    .zone = "America/Los_Angeles" };
	const char *to[] = { "ada@practice.example" };
	struct mr_err err = { 0 };
	char *msg = NULL;
	size_t len = 0;

	(void)state;
	it.tin = "987654321";
	it.npi = "";
	assert_int_equal(mr_alert_compose(&it, 7 * DAY, CLOSES - 7 * DAY, &set,
	    to, 1, "  - signed attestation\n  - QPP portal screenshot",
	    "  - 3 cases (PY2025): no targeted-review window is known for "
	    "performance year 2025; set one: mipsreview window add",
	    "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n", &msg,
	    &len, &err), 0);
	assert_non_null(strstr(msg, "Open with no deadline known (no reminder "
	    "comes for these until one is set):\r\n  - 3 cases (PY2025): no "
	    "targeted-review window is known"));
	assert_null(strstr(msg, "987654321"));
	assert_non_null(strstr(msg, "*****4321"));
	assert_non_null(strstr(msg, "Message-ID: <mipsreview.case-12.1728691200.7d@"
	    "practice.example>"));
	assert_non_null(strstr(msg, "Oct 11 2024 5:00 PM PDT (America/Los_Angeles)"));
	assert_non_null(strstr(msg, "Evidence still missing (mipsreview check "
	    "12):\r\n  - signed attestation\r\n  - QPP portal screenshot"));
	assert_non_null(strstr(msg, "Content-Type: text/calendar; charset=utf-8; "
	    "name=\"case-12-deadline.ics\""));
	free(msg);
	/* No calendar from the one writer: no attachment, never another. */
	assert_int_equal(mr_alert_compose(&it, 7 * DAY, CLOSES - 7 * DAY, &set,
	    to, 1, NULL, NULL, NULL, &msg, &len, &err), 0);
	assert_null(strstr(msg, "text/calendar"));
	assert_null(strstr(msg, "BEGIN:VEVENT"));
	free(msg);
	set.from = NULL;
	assert_int_equal(mr_alert_compose(&it, 7 * DAY, CLOSES - 7 * DAY, &set,
	    to, 1, NULL, NULL, NULL, &msg, &len, &err), -1);
	assert_non_null(strstr(err.msg, "smtp_from"));
}

/*
 * A run that missed the 7d moment sends the 7d reminder 3d 9h before the
 * deadline: the footer says 3d 9h.  The Date header is the real time of
 * writing, not the clock the deadlines are computed with (--now).
 */
static void
test_footer_says_the_true_lead_time_and_date_is_real(void **state)
{
	struct mr_deadline_item it = item();
	struct mr_alert_settings set = { .from = "alerts@practice.example" };
	const char *to[] = { "ada@practice.example" };
	struct mr_err err = { 0 };
	char *msg = NULL, *date, year[8];
	size_t len = 0;
	time_t now = time(NULL);
	struct tm tm;

	(void)state;
	assert_int_equal(mr_alert_compose(&it, 7 * DAY, CLOSES - 3 * DAY -
	    9 * 3600, &set, to, 1, NULL, NULL, NULL, &msg, &len, &err), 0);
	assert_non_null(strstr(msg, "Sent by mipsreview 3d 9h before the deadline "
	    "(the 7d reminder)"));
	assert_null(strstr(msg, "7d before"));
	assert_non_null(date = strstr(msg, "Date: "));
	gmtime_r(&now, &tm);
	snprintf(year, sizeof year, " %d ", tm.tm_year + 1900);
	assert_true(strstr(date, year) != NULL &&
	    strstr(date, year) < strstr(date + 2, "\r\n"));
	free(msg);
}

static void
test_settings_default_offsets_and_lease(void **state)
{
	struct mr_config *cfg = mr_config_new();
	struct mr_alert_settings set;
	struct mr_mail_server srv;
	struct mr_err err = { 0 };

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(mr_alert_config(cfg, &set, &srv, &err), 0);
	assert_int_equal(set.noffsets, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(set.offsets[i], offsets[i]);
	assert_int_equal(srv.starttls, 1);
	assert_int_equal(srv.timeout, 60);
	assert_int_equal(set.lease, 120);	/* outlives the send */
	assert_null(srv.url);
	assert_int_equal(mr_config_set(cfg, "alert_offsets", "2h,90m", &err), 0);
	assert_int_equal(mr_config_set(cfg, "smtp_starttls", "never", &err), 0);
	assert_int_equal(mr_config_set(cfg, "smtp_starttls", "maybe", &err), -1);
	assert_int_equal(mr_config_set(cfg, "alert_to", "a@b.example, c@", &err), -1);
	assert_int_equal(mr_alert_config(cfg, &set, &srv, &err), 0);
	assert_int_equal(set.noffsets, 2);
	assert_int_equal(set.offsets[1], 90 * 60);
	assert_int_equal(srv.starttls, 0);
	mr_config_free(cfg);
}

static void
test_digest_instant_across_chicago_dst(void **state)
{
	(void)state;
	/* An ordinary day: 07:00 CST is 13:00Z. */
	assert_int_equal(mr_alert_digest_instant(2024, 3, 9, 7,
	    "America/Chicago"), 1710000000 - 1710000000 % 86400 + 13 * 3600);
	/* Spring forward: 02:00 does not exist; 03:00 CDT (08:00Z) is next. */
	assert_int_equal(mr_alert_digest_instant(2024, 3, 10, 2,
	    "America/Chicago"), 1710057600);
	/* 07:00 CDT is 12:00Z that day. */
	assert_int_equal(mr_alert_digest_instant(2024, 3, 10, 7,
	    "America/Chicago"), 1710072000);
	/* Fall back: the first of the two 01:00s, CDT (06:00Z). */
	assert_int_equal(mr_alert_digest_instant(2024, 11, 3, 1,
	    "America/Chicago"), 1730613600);
	/* 02:00 comes once, in CST (08:00Z). */
	assert_int_equal(mr_alert_digest_instant(2024, 11, 3, 2,
	    "America/Chicago"), 1730620800);
	/* Midnight and UTC. */
	assert_int_equal(mr_alert_digest_instant(2024, 6, 1, 0, "UTC"),
	    1717200000);
}

static void
test_digest_day_is_the_recipients_local_day(void **state)
{
	char day[11];
	time_t due;

	(void)state;
	/* 2024-03-10T04:00Z is still Mar 9, 22:00 CST, in Chicago. */
	assert_int_equal(mr_alert_digest_day(1710043200, 7, "America/Chicago",
	    day, &due), 0);
	assert_string_equal(day, "2024-03-09");
	assert_int_equal(due, 1709989200);
	assert_int_equal(mr_alert_digest_day(1710043200, 7, "Asia/Tokyo", day,
	    &due), 0);
	assert_string_equal(day, "2024-03-10");
}

static void
test_digest_to_is_checked(void **state)
{
	struct mr_alert_settings set = { .digest_hour = 7, .zone = "America/Chicago" };
	struct mr_digest_rcpt *v;
	struct mr_err err = { 0 };
	int n;

	(void)state;
	set.digest_to = "Ada@Practice.example 6 Asia/Tokyo, bo@practice.example";
	assert_int_equal(mr_alert_digest_recipients(&set, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].addr, "ada@practice.example");
	assert_int_equal(v[0].hour, 6);
	assert_string_equal(v[0].zone, "Asia/Tokyo");
	assert_int_equal(v[1].hour, 7);
	assert_string_equal(v[1].zone, "America/Chicago");
	free(v);
	set.digest_to = "bo@practice.example America/Chicago 7";
	assert_int_equal(mr_alert_digest_check(&set, &err), -1);
	set.digest_to = "bo@practice.example 7 8";
	assert_int_equal(mr_alert_digest_check(&set, &err), -1);
	set.digest_to = "bo@practice.example 7 UTC extra";
	assert_int_equal(mr_alert_digest_check(&set, &err), -1);
	set.digest_to = "bo@practice.example -1";
	assert_int_equal(mr_alert_digest_check(&set, &err), -1);
}

static void
test_digest_instead_drops_its_addresses_from_reminders(void **state)
{
	struct mr_alert_settings set = { .digest_hour = 7, .digest_instead = 1,
	    .digest_to = "ada@practice.example" };
	char *v[4];
	int n = 3;

	(void)state;
	v[0] = strdup("Ada@practice.example");
	v[1] = strdup("officer@practice.example");
	v[2] = strdup("ada@practice.example");
	v[3] = NULL;
	mr_alert_digest_drop(&set, v, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "officer@practice.example");
	assert_null(v[1]);
	free(v[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_is_the_most_urgent_passed_offset),
		cmocka_unit_test(test_nothing_due_after_the_deadline_or_when_closed),
		cmocka_unit_test(test_next_moment_is_the_next_offset_before_the_deadline),
		cmocka_unit_test(test_subject_reads_like_the_issue),
		cmocka_unit_test(test_subject_turns_line_breaks_in_a_name_into_spaces),
		cmocka_unit_test(test_subject_keeps_a_name_ending_in_a_non_ascii_letter),
		cmocka_unit_test(test_message_id_is_deterministic_per_reminder),
		cmocka_unit_test(test_recipients_are_owner_then_alert_to_once_each),
		cmocka_unit_test(test_composed_message_masks_the_tin_and_carries_the_ics),
		cmocka_unit_test(test_footer_says_the_true_lead_time_and_date_is_real),
		cmocka_unit_test(test_settings_default_offsets_and_lease),
		cmocka_unit_test(test_digest_instant_across_chicago_dst),
		cmocka_unit_test(test_digest_day_is_the_recipients_local_day),
		cmocka_unit_test(test_digest_to_is_checked),
		cmocka_unit_test(test_digest_instead_drops_its_addresses_from_reminders),
	};
	return cmocka_run_group_tests_name("alert", tests, NULL, NULL);
}
