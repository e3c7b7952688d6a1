/* Unit tests of lib/mr_buf (growth, the cap, failure that sticks) and of
 * lib/mr_hex, the small encoders beside it. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_buf.h"
#include "lib/mr_hex.h"

static void
test_appends_grow_the_text(void **state)
{
	struct mr_buf b;
	char *text;
	size_t len;

	(void)state;
	mr_buf_init(&b, 1 << 20);
	assert_string_equal(mr_buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(mr_buf_printf(&b, "%d,", i % 10), 0);
	assert_int_equal(b.len, 2000);
	assert_int_equal(strncmp(mr_buf_str(&b), "0,1,2,", 6), 0);
	/* A line longer than the stack buffer of printf. */
	assert_int_equal(mr_buf_printf(&b, "%0300d", 7), 0);
	assert_int_equal(b.len, 2300);
	assert_non_null(text = mr_buf_take(&b, &len));
	assert_int_equal(len, 2300);
	assert_int_equal(text[len - 1], '7');
	assert_int_equal(text[len], '\0');
	free(text);
	assert_string_equal(mr_buf_str(&b), "");
	mr_buf_free(&b);
}

static void
test_the_cap_fails_the_buffer_for_good(void **state)
{
	struct mr_buf b;

	(void)state;
	mr_buf_init(&b, 10);
	assert_int_equal(mr_buf_add(&b, "0123456789", 10), 0);	/* exactly */
	assert_string_equal(mr_buf_str(&b), "0123456789");
	assert_int_equal(mr_buf_add(&b, "x", 1), -1);
	assert_true(b.failed);
	/* Later appends fail too, even small ones; the text is gone. */
	assert_int_equal(mr_buf_printf(&b, "%s", ""), -1);
	assert_string_equal(mr_buf_str(&b), "");
	assert_null(mr_buf_take(&b, NULL));
	mr_buf_free(&b);
}

static void
test_a_fixed_buffer_reports_what_does_not_fit(void **state)
{
	struct mr_buf b;
	char text[8];

	(void)state;
	mr_buf_init_fixed(&b, text, sizeof text);
	assert_string_equal(mr_buf_str(&b), "");
	assert_int_equal(mr_buf_printf(&b, "%s,%s", "abc", "de"), 0);
	assert_int_equal(mr_buf_add(&b, "f", 1), 0);	/* 7 bytes and the NUL */
	assert_string_equal(text, "abc,def");
	/* One more byte does not fit: reported, and the text so far stays. */
	assert_int_equal(mr_buf_add(&b, "g", 1), -1);
	assert_true(b.failed);
	assert_int_equal(mr_buf_printf(&b, "%s", ""), -1);
	assert_string_equal(mr_buf_str(&b), "abc,def");
	assert_null(mr_buf_take(&b, NULL));
	/* Reset empties it for another use; free leaves the array alone. */
	mr_buf_reset(&b);
	assert_int_equal(mr_buf_printf(&b, "%d", 42), 0);
	assert_string_equal(text, "42");
	mr_buf_free(&b);
	assert_string_equal(text, "42");
}

/* mr_unhex reads back what mr_hex wrote, and nothing else. */
static void
test_hex_round_trips_and_refuses_what_is_not_hex(void **state)
{
	const unsigned char in[4] = { 0x00, 0x7f, 0xa5, 0xff };
	unsigned char out[4];
	char hex[9];

	(void)state;
	mr_hex(in, sizeof in, hex);
	assert_string_equal(hex, "007fa5ff");
	assert_int_equal(mr_unhex(hex, sizeof out, out), 0);
	assert_memory_equal(in, out, sizeof in);
	/* Capitals, other letters, a short string: refused. */
	assert_int_equal(mr_unhex("007FA5FF", sizeof out, out), -1);
	assert_int_equal(mr_unhex("007fa5fg", sizeof out, out), -1);
	assert_int_equal(mr_unhex("007fa5", sizeof out, out), -1);
	assert_int_equal(mr_unhex("007fa5f", sizeof out, out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appends_grow_the_text),
		cmocka_unit_test(test_the_cap_fails_the_buffer_for_good),
		cmocka_unit_test(test_a_fixed_buffer_reports_what_does_not_fit),
		cmocka_unit_test(test_hex_round_trips_and_refuses_what_is_not_hex),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
