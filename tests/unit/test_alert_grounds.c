/*
 * Unit tests of lib/mr_alert_grounds: the mail that tells a case's
 * grounds change names the case and the grounds, masks the TIN, keeps a
 * line break in a name out of the headers and has a Message-ID per
 * change.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "lib/mr_alert_grounds.h"

static struct mr_deadline_item
item(void)
{
	struct mr_deadline_item it = {
		.what = "case", .id = 12, .kind = "targeted-review",
		.name = "Dr. Ada Example", .tin = "987654321", .npi = "1234567893",
		.status = "submitted", .open = 1, .performance_year = 2024,
		.closes_at = 1796000000, .zone = "UTC", .source = "",
		.updated_at = "2026-11-01T00:00:00Z", .owner = "ada@practice.example",
	};
	return it;
}

static struct mr_alert_settings
settings(void)
{
	struct mr_alert_settings set = { .from = "alerts@practice.example" };

	return set;
}

/* The headers unfolded (RFC 5322 2.2.3): CRLF before a blank goes. */
static void
unfold(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\r' && s[1] == '\n' && (s[2] == ' ' || s[2] == '\t')) {
			s++;
			continue;
		}
		*w++ = *s;
	}
	*w = '\0';
}

static void
test_message_id_is_one_per_change(void **state)
{
	struct mr_deadline_item it = item();
	char a[200], b[200];

	(void)state;
	mr_alert_grounds_message_id(&it, 3, "alerts@practice.example", a,
	    sizeof a);
	mr_alert_grounds_message_id(&it, 4, "alerts@practice.example", b,
	    sizeof b);
	assert_string_equal(a, "mipsreview.case-12.grounds-3@practice.example");
	assert_string_not_equal(a, b);
}

static void
test_mail_names_the_case_and_the_grounds_and_masks_the_tin(void **state)
{
	struct mr_deadline_item it = item();
	struct mr_alert_settings set = settings();
	const char *to[] = { "ada@practice.example" };
	struct mr_err err = { 0 };
	char *msg = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(mr_alert_compose_grounds(&it, 3, "qp-status",
	    "small-practice-pi,eligibility-level", "+ qp-status, supports "
	    "(qpStatus): QP\n", "2026-11-30T10:00:00Z", &set, to, 1, &msg, &len,
	    &err), 0);
	unfold(msg);
	assert_non_null(strstr(msg, "Subject: CMS's record for Dr. Ada Example "
	    "(case 12) changed its grounds: gained qp-status; lost "
	    "small-practice-pi, eligibility-level\r\n"));
	assert_non_null(strstr(msg, "Message-ID: "
	    "<mipsreview.case-12.grounds-3@practice.example>"));
	assert_non_null(strstr(msg, "*****4321"));
	assert_null(strstr(msg, "987654321"));
	assert_non_null(strstr(msg, "mipsreview grounds 12"));
	free(msg);
}

static void
test_a_line_break_in_a_name_stays_out_of_the_headers(void **state)
{
	struct mr_deadline_item it = item();
	struct mr_alert_settings set = settings();
	const char *to[] = { "ada@practice.example" };
	struct mr_err err = { 0 };
	char *msg = NULL;
	size_t len = 0;

	(void)state;
	it.name = "Dr. X\r\nBcc: evil@example.com";
	assert_int_equal(mr_alert_compose_grounds(&it, 1, "", "qp-status",
	    "- qp-status\n", "2026-11-30T10:00:00Z", &set, to, 1, &msg, &len,
	    &err), 0);
	assert_null(strstr(msg, "\r\nBcc:"));
	free(msg);
}

static void
test_no_sender_is_refused(void **state)
{
	struct mr_deadline_item it = item();
	struct mr_alert_settings set = { 0 };
	const char *to[] = { "ada@practice.example" };
	struct mr_err err = { 0 };
	char *msg = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(mr_alert_compose_grounds(&it, 1, "qp-status", "",
	    "", "", &set, to, 1, &msg, &len, &err), -1);
	assert_non_null(strstr(err.msg, "smtp_from"));
	assert_null(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_id_is_one_per_change),
		cmocka_unit_test(test_mail_names_the_case_and_the_grounds_and_masks_the_tin),
		cmocka_unit_test(test_a_line_break_in_a_name_stays_out_of_the_headers),
		cmocka_unit_test(test_no_sender_is_refused),
	};
	return cmocka_run_group_tests_name("alert_grounds", tests, NULL, NULL);
}
