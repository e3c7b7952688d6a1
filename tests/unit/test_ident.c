/* Unit tests of lib/mr_ident: NPI check digits, TIN forms, text checks. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "lib/mr_ident.h"

/* CMS NPI check-digit spec example: 123456789 -> 1234567893. */
static void
test_npi_check_digit_matches_cms_example(void **state)
{
	(void)state;
	assert_int_equal(mr_npi_check_digit("123456789"), 3);
}

/* NPIs that pass per ../shared/domain.md 4.1 (verified by computation there). */
static void
test_npi_known_valid_numbers_pass(void **state)
{
	static const char *ok[] = { "1234567893", "1558598797", "1144544834",
	    "1043477615", "1932365699", "1225701881" };
	struct mr_err err;

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		assert_int_equal(mr_npi_validate(ok[i], &err), 0);
}

static void
test_npi_bad_check_digit_names_right_digit(void **state)
{
	struct mr_err err;

	(void)state;
	assert_int_equal(mr_npi_validate("1234567898", &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_non_null(strstr(err.msg, "check digit should be 3"));
}

static void
test_npi_letters_or_wrong_length_refused(void **state)
{
	struct mr_err err;

	(void)state;
	assert_int_equal(mr_npi_validate("12345678", &err), -1);
	assert_int_equal(mr_npi_validate("12345678931", &err), -1);
	assert_int_equal(mr_npi_validate("12345A7893", &err), -1);
	assert_non_null(strstr(err.msg, "10 digits"));
}

static void
test_tin_accepts_ein_ssn_and_plain_forms(void **state)
{
	struct mr_err err;
	char out[10];

	(void)state;
	assert_int_equal(mr_tin_normalize("12-3456789", out, sizeof out, &err), 0);
	assert_string_equal(out, "123456789");
	assert_int_equal(mr_tin_normalize("123-45-6789", out, sizeof out, &err), 0);
	assert_string_equal(out, "123456789");
	assert_int_equal(mr_tin_normalize("987654321", out, sizeof out, &err), 0);
	assert_string_equal(out, "987654321");
}

static void
test_tin_bad_forms_refused(void **state)
{
	static const char *bad[] = { "12345678", "1234567890", "12-34567a9",
	    "1-23456789", "123-456-789", "12 3456789", "" };
	struct mr_err err;
	char out[10];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(mr_tin_normalize(bad[i], out, sizeof out, &err), -1);
		assert_int_equal(err.code, MR_EINVAL);
	}
}

/*
 * CMS "Requirements for NPI Check Digit": NPIs are issued with a first
 * digit of 1 or 2.  These pass the Luhn check but begin with 0, 3 or 9.
 */
static void
test_npi_first_digit_must_be_1_or_2_per_cms_check_digit_spec(void **state)
{
	static const char *bad[] = { "0234567895", "3234567899", "9234567896" };
	struct mr_err err;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(mr_npi_validate(bad[i], &err), -1);
		assert_int_equal(err.code, MR_EINVAL);
		assert_non_null(strstr(err.msg, "begins with 1 or 2"));
	}
	assert_int_equal(mr_npi_validate("2234567891", &err), 0);
}

static void
test_tin_of_all_zeros_refused_in_every_form(void **state)
{
	static const char *zero[] = { "000000000", "00-0000000", "000-00-0000" };
	struct mr_err err;
	char out[10];

	(void)state;
	for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++) {
		assert_int_equal(mr_tin_normalize(zero[i], out, sizeof out, &err), -1);
		assert_int_equal(err.code, MR_EINVAL);
		assert_non_null(strstr(err.msg, "all zeros"));
	}
	assert_int_equal(mr_tin_normalize("000000001", out, sizeof out, &err), 0);
}

static void
test_tin_mask_keeps_last_four(void **state)
{
	char out[16];

	(void)state;
	mr_tin_mask("123456789", out, sizeof out);
	assert_string_equal(out, "*****6789");
	assert_null(strstr(out, "12345"));
}

static void
test_text_rejects_invalid_utf8_and_controls(void **state)
{
	struct mr_err err;

	(void)state;
	assert_int_equal(mr_text_validate("note", "caf\xc3\xa9 ok", 1, &err), 0);
	assert_int_equal(mr_text_validate("note", "bad \xff byte", 1, &err), -1);
	assert_non_null(strstr(err.msg, "UTF-8"));
	assert_int_equal(mr_text_validate("note", "overlong \xc0\xaf", 1, &err), -1);
	assert_int_equal(mr_text_validate("name", "two\nlines", 0, &err), -1);
	assert_int_equal(mr_text_validate("note", "two\nlines", 1, &err), 0);
	assert_int_equal(mr_text_validate("note", "esc \x1b[31m", 1, &err), -1);
}

static void
test_email_validation(void **state)
{
	struct mr_err err;

	(void)state;
	assert_int_equal(mr_email_validate("officer@practice.example", &err), 0);
	assert_int_equal(mr_email_validate("no-at-sign", &err), -1);
	assert_int_equal(mr_email_validate("a@b", &err), -1);
	assert_int_equal(mr_email_validate("a@b.example\r\nBcc: x@y.z", &err), -1);
	assert_int_equal(mr_email_validate("a b@c.example", &err), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_npi_check_digit_matches_cms_example),
		cmocka_unit_test(test_npi_known_valid_numbers_pass),
		cmocka_unit_test(test_npi_bad_check_digit_names_right_digit),
		cmocka_unit_test(test_npi_letters_or_wrong_length_refused),
		cmocka_unit_test(test_tin_accepts_ein_ssn_and_plain_forms),
		cmocka_unit_test(test_tin_bad_forms_refused),
		cmocka_unit_test(test_npi_first_digit_must_be_1_or_2_per_cms_check_digit_spec),
		cmocka_unit_test(test_tin_of_all_zeros_refused_in_every_form),
		cmocka_unit_test(test_tin_mask_keeps_last_four),
		cmocka_unit_test(test_text_rejects_invalid_utf8_and_controls),
		cmocka_unit_test(test_email_validation),
	};

	return cmocka_run_group_tests_name("ident", tests, NULL, NULL);
}
