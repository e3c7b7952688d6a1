/* Unit tests of lib/mr_buf (growth, the cap, failure that sticks), of
 * lib/mr_hex, the small encoders beside it, and of lib/mr_arena. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_arena.h"
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

/* Text of length n made of c, in a static buffer. */
static const char *
run_of(char c, size_t n)
{
	static char text[200 * 1024];

	memset(text, c, n);
	text[n] = '\0';
	return text;
}

static void
test_arena_text_outlives_its_chunks(void **state)
{
	struct mr_arena a;
	char *kept[3000], *big;

	(void)state;
	mr_arena_init(&a);
	/* About 300 KB: several chunks of 64 KB. */
	for (int i = 0; i < 3000; i++)
		assert_non_null(kept[i] = mr_arena_strdup(&a,
		    run_of((char)('a' + i % 26), (size_t)(i % 200))));
	/* Longer than a chunk: a chunk of its own. */
	assert_non_null(big = mr_arena_strdup(&a, run_of('Z', 150000)));
	assert_non_null(kept[0] = mr_arena_strdup(&a, "after the big one"));
	for (int i = 1; i < 3000; i++) {
		assert_int_equal(strlen(kept[i]), i % 200);
		assert_int_equal(strspn(kept[i], run_of((char)('a' + i % 26),
		    1)), i % 200);
	}
	assert_int_equal(strlen(big), 150000);
	assert_int_equal(strspn(big, "Z"), 150000);
	assert_string_equal(kept[0], "after the big one");
	mr_arena_free(&a);
}

static void
test_arena_rewind_and_reset_reuse_the_memory(void **state)
{
	struct mr_arena a;
	struct mr_arena_mark m;
	char *first, *p, *q, *after[400];

	(void)state;
	mr_arena_init(&a);
	/* A mark on an empty arena: the rewind empties it. */
	mr_arena_mark(&a, &m);
	assert_non_null(first = mr_arena_strdup(&a, "gone"));
	mr_arena_rewind(&a, &m);
	assert_ptr_equal(mr_arena_strdup(&a, "kept"), first);
	assert_string_equal(first, "kept");
	mr_arena_mark(&a, &m);
	assert_non_null(p = mr_arena_strdup(&a, "turned down"));
	mr_arena_rewind(&a, &m);
	assert_ptr_equal(q = mr_arena_strdup(&a, "in its place"), p);
	assert_string_equal(first, "kept");
	/* Rewound across chunks, then grown again over the kept chunks. */
	mr_arena_mark(&a, &m);
	for (int i = 0; i < 400; i++)
		assert_non_null(mr_arena_strdup(&a, run_of('x', 999)));
	mr_arena_rewind(&a, &m);
	for (int i = 0; i < 400; i++)
		assert_non_null(after[i] = mr_arena_strdup(&a,
		    run_of((char)('0' + i % 10), 999)));
	for (int i = 0; i < 400; i++)
		assert_int_equal(strspn(after[i], run_of((char)('0' + i % 10),
		    1)), 999);
	assert_string_equal(first, "kept");
	assert_string_equal(q, "in its place");
	/* A reset starts again at the first byte. */
	mr_arena_reset(&a);
	assert_ptr_equal(mr_arena_strdup(&a, "again"), first);
	mr_arena_free(&a);
	assert_null(a.head);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appends_grow_the_text),
		cmocka_unit_test(test_the_cap_fails_the_buffer_for_good),
		cmocka_unit_test(test_a_fixed_buffer_reports_what_does_not_fit),
		cmocka_unit_test(test_hex_round_trips_and_refuses_what_is_not_hex),
		cmocka_unit_test(test_arena_text_outlives_its_chunks),
		cmocka_unit_test(test_arena_rewind_and_reset_reuse_the_memory),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
