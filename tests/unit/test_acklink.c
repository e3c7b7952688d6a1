/*
 * Unit tests of lib/mr_acklink: a signed acknowledgement link verifies
 * as it was made; any changed byte, another key, a cut token or an
 * expired one is refused; the key file is made once, private, and read
 * back the same, only by a sender (checking a link never makes it); a key
 * file others may read is refused with the chmod that fixes it; the
 * recipient acknowledging is spelled as the mail was sent to it.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/mr_acklink.h"

static const unsigned char key_a[MR_ACKLINK_KEY_BYTES] = "0123456789abcdef0123456789abcde";
static const unsigned char key_b[MR_ACKLINK_KEY_BYTES] = "0123456789abcdef0123456789abcdX";

static void
sample(struct mr_acklink *l)
{
	memset(l, 0, sizeof *l);
	snprintf(l->what, sizeof l->what, "case");
	l->id = 12;
	l->closes_at = 1728691200;
	snprintf(l->status, sizeof l->status, "documents-requested");
	l->expires = 1728691200;
	snprintf(l->to, sizeof l->to, "ada@practice.example,officer@practice.example");
}

static void
test_a_signed_link_verifies_as_made(void **state)
{
	struct mr_acklink l, got;
	struct mr_err err = { 0 };
	char tok[MR_ACKLINK_TOKEN_MAX + 1];

	(void)state;
	sample(&l);
	assert_int_equal(mr_acklink_sign(key_a, &l, tok, sizeof tok, &err), 0);
	assert_int_equal(strncmp(tok, "v1.case.12.1728691200.documents-requested."
	    "1728691200.", 53), 0);
	assert_int_equal(mr_acklink_verify(key_a, tok, 1728000000, &got, &err), 0);
	assert_string_equal(got.what, "case");
	assert_int_equal(got.id, 12);
	assert_int_equal(got.closes_at, 1728691200);
	assert_string_equal(got.status, "documents-requested");
	assert_int_equal(got.expires, 1728691200);
	assert_string_equal(got.to, l.to);
	assert_true(mr_acklink_names(&got, "ada@practice.example"));
	assert_true(mr_acklink_names(&got, "Officer@Practice.example"));
	assert_false(mr_acklink_names(&got, "ada@practice.exampl"));
	assert_false(mr_acklink_names(&got, "practice.example"));
	assert_false(mr_acklink_names(&got, ""));
}

static void
test_every_changed_byte_is_refused(void **state)
{
	struct mr_acklink l;
	struct mr_err err = { 0 };
	char tok[MR_ACKLINK_TOKEN_MAX + 1], bad[MR_ACKLINK_TOKEN_MAX + 1];
	size_t n;

	(void)state;
	sample(&l);
	assert_int_equal(mr_acklink_sign(key_a, &l, tok, sizeof tok, &err), 0);
	n = strlen(tok);
	for (size_t i = 0; i < n; i++) {
		memcpy(bad, tok, n + 1);
		bad[i] = bad[i] == '1' ? '2' : '1';
		assert_int_equal(mr_acklink_verify(key_a, bad, 1728000000, NULL,
		    &err), -1);
		assert_int_equal(err.code, MR_EINVAL);
	}
	/* Cut anywhere, or lengthened. */
	for (size_t i = 0; i < n; i++) {
		memcpy(bad, tok, i);
		bad[i] = '\0';
		assert_int_equal(mr_acklink_verify(key_a, bad, 1728000000, NULL,
		    &err), -1);
	}
	snprintf(bad, sizeof bad, "%s0", tok);
	assert_int_equal(mr_acklink_verify(key_a, bad, 1728000000, NULL, &err), -1);
	assert_int_equal(mr_acklink_verify(key_a, NULL, 1728000000, NULL, &err), -1);
}

static void
test_another_key_is_refused(void **state)
{
	struct mr_acklink l;
	struct mr_err err = { 0 };
	char tok[MR_ACKLINK_TOKEN_MAX + 1];

	(void)state;
	sample(&l);
	assert_int_equal(mr_acklink_sign(key_b, &l, tok, sizeof tok, &err), 0);
	assert_int_equal(mr_acklink_verify(key_a, tok, 1728000000, NULL, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_non_null(strstr(err.msg, "not valid"));
}

static void
test_an_expired_link_is_refused_at_its_instant(void **state)
{
	struct mr_acklink l;
	struct mr_err err = { 0 };
	char tok[MR_ACKLINK_TOKEN_MAX + 1];

	(void)state;
	sample(&l);
	assert_int_equal(mr_acklink_sign(key_a, &l, tok, sizeof tok, &err), 0);
	assert_int_equal(mr_acklink_verify(key_a, tok, l.expires - 1, NULL,
	    &err), 0);
	assert_int_equal(mr_acklink_verify(key_a, tok, l.expires, NULL, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_non_null(strstr(err.msg, "mipsreview alerts ack 12"));
}

static void
test_what_a_link_cannot_carry_is_refused(void **state)
{
	struct mr_acklink l;
	struct mr_err err = { 0 };
	char tok[MR_ACKLINK_TOKEN_MAX + 1];

	(void)state;
	sample(&l);
	snprintf(l.status, sizeof l.status, "a.b");
	assert_int_equal(mr_acklink_sign(key_a, &l, tok, sizeof tok, &err), -1);
	sample(&l);
	snprintf(l.what, sizeof l.what, "window");
	assert_int_equal(mr_acklink_sign(key_a, &l, tok, sizeof tok, &err), -1);
	sample(&l);
	l.to[0] = '\0';
	assert_int_equal(mr_acklink_sign(key_a, &l, tok, sizeof tok, &err), -1);
	/* Too small a buffer: refused, not cut. */
	sample(&l);
	assert_int_equal(mr_acklink_sign(key_a, &l, tok, 100, &err), -1);
}

static void
test_the_url_has_one_slash_before_app(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(mr_acklink_url("https://x.example/mr/", "v1.T", buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "https://x.example/mr/app/ack?t=v1.T");
	assert_int_equal(mr_acklink_url("https://x.example", "v1.T", buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "https://x.example/app/ack?t=v1.T");
	assert_int_equal(mr_acklink_url("https://x.example", "v1.T", buf, 10), -1);
}

static void
test_the_key_file_is_made_once_and_private(void **state)
{
	char dir[64] = "/tmp/mrunit.XXXXXX", db[128], *kp;
	unsigned char k1[MR_ACKLINK_KEY_BYTES], k2[MR_ACKLINK_KEY_BYTES];
	struct mr_err err = { 0 };
	struct stat sb;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/mr.db", dir);
	assert_non_null(f = fopen(db, "w"));
	fclose(f);
	assert_int_equal(chmod(db, 0600), 0);
	assert_int_equal(mr_acklink_key(db, k1, &err), 0);
	assert_non_null(kp = mr_acklink_key_path(db));
	assert_int_equal(stat(kp, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(mr_acklink_key(db, k2, &err), 0);
	assert_memory_equal(k1, k2, sizeof k1);
	/* A damaged file is reported, not replaced. */
	assert_non_null(f = fopen(kp, "w"));
	fputs("key nothex\n", f);
	fclose(f);
	assert_int_equal(mr_acklink_key(db, k2, &err), -1);
	assert_int_equal(err.code, MR_EINTEGRITY);
	unlink(kp);
	unlink(db);
	rmdir(dir);
	free(kp);
}

/* A private folder holding an empty database file; db gets its path. */
static void
private_db(char *dir, char *db, size_t len)
{
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(db, len, "%s/mr.db", dir);
	assert_non_null(f = fopen(db, "w"));
	fclose(f);
	assert_int_equal(chmod(db, 0600), 0);
}

static void
test_checking_a_link_never_makes_the_key(void **state)
{
	char dir[64] = "/tmp/mrunit.XXXXXX", db[128], *kp;
	unsigned char k1[MR_ACKLINK_KEY_BYTES], k2[MR_ACKLINK_KEY_BYTES];
	struct mr_err err = { 0 };
	struct stat sb;

	(void)state;
	private_db(dir, db, sizeof db);
	assert_non_null(kp = mr_acklink_key_path(db));
	assert_int_equal(mr_acklink_key_read(db, k1, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
	assert_int_equal(stat(kp, &sb), -1);
	/* The sender makes it; then the checker reads the same key. */
	assert_int_equal(mr_acklink_key(db, k1, &err), 0);
	assert_int_equal(mr_acklink_key_read(db, k2, &err), 0);
	assert_memory_equal(k1, k2, sizeof k1);
	unlink(kp);
	unlink(db);
	rmdir(dir);
	free(kp);
}

static void
test_a_key_others_may_read_is_refused(void **state)
{
	char dir[64] = "/tmp/mrunit.XXXXXX", db[128], *kp;
	unsigned char k[MR_ACKLINK_KEY_BYTES];
	struct mr_err err = { 0 };
	char want[300], before[512], after[512];
	FILE *f;
	size_t n;

	(void)state;
	private_db(dir, db, sizeof db);
	assert_non_null(kp = mr_acklink_key_path(db));
	assert_int_equal(mr_acklink_key(db, k, &err), 0);
	assert_non_null(f = fopen(kp, "r"));
	n = fread(before, 1, sizeof before - 1, f);
	before[n] = '\0';
	fclose(f);
	assert_int_equal(chmod(kp, 0644), 0);
	assert_int_equal(mr_acklink_key(db, k, &err), -1);
	assert_int_equal(err.code, MR_EDB);
	snprintf(want, sizeof want, "chmod 600 %s", kp);
	assert_non_null(strstr(err.msg, want));
	assert_non_null(strstr(err.msg, "other users may read it"));
	assert_int_equal(mr_acklink_key_read(db, k, &err), -1);
	assert_int_equal(err.code, MR_EDB);
	/* Nor may its group, the database being private. */
	assert_int_equal(chmod(kp, 0640), 0);
	assert_int_equal(mr_acklink_key(db, k, &err), -1);
	assert_non_null(strstr(err.msg, want));
	/* The refused file is left for its owner to fix, not replaced. */
	assert_non_null(f = fopen(kp, "r"));
	n = fread(after, 1, sizeof after - 1, f);
	after[n] = '\0';
	fclose(f);
	assert_string_equal(after, before);
	assert_int_equal(chmod(kp, 0600), 0);
	assert_int_equal(mr_acklink_key(db, k, &err), 0);
	unlink(kp);
	unlink(db);
	rmdir(dir);
	free(kp);
}

static void
test_the_recipient_is_spelled_as_the_mail_was_sent(void **state)
{
	struct mr_acklink l;
	char buf[MR_ACKLINK_TO_MAX + 1];

	(void)state;
	sample(&l);
	assert_int_equal(mr_acklink_recipient(&l, "ADA@Practice.example", buf,
	    sizeof buf), 1);
	assert_string_equal(buf, "ada@practice.example");
	assert_int_equal(mr_acklink_recipient(&l, "officer@PRACTICE.EXAMPLE",
	    buf, sizeof buf), 1);
	assert_string_equal(buf, "officer@practice.example");
	assert_int_equal(mr_acklink_recipient(&l, "mallory@evil.example", buf,
	    sizeof buf), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_signed_link_verifies_as_made),
		cmocka_unit_test(test_every_changed_byte_is_refused),
		cmocka_unit_test(test_another_key_is_refused),
		cmocka_unit_test(test_an_expired_link_is_refused_at_its_instant),
		cmocka_unit_test(test_what_a_link_cannot_carry_is_refused),
		cmocka_unit_test(test_the_url_has_one_slash_before_app),
		cmocka_unit_test(test_the_key_file_is_made_once_and_private),
		cmocka_unit_test(test_checking_a_link_never_makes_the_key),
		cmocka_unit_test(test_a_key_others_may_read_is_refused),
		cmocka_unit_test(test_the_recipient_is_spelled_as_the_mail_was_sent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
