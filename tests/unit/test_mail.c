/* Unit tests of lib/mr_mail: headers, RFC 2047, the message, the password file. */
#include "config.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "lib/mr_mail.h"

/* Decode one base64 encoded word's payload (test helper, no padding checks). */
static size_t
b64dec(const char *s, size_t n, char *out)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned int v = 0, bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n && s[i] != '='; i++) {
		v = v << 6 | (unsigned int)(strchr(tab, s[i]) - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(v >> bits & 0xff);
		}
	}
	return o;
}

static void
assert_lines_at_most(const char *s, size_t first_offset, size_t max)
{
	size_t col = first_offset;

	for (; *s; s++) {
		if (*s == '\r') {
			assert_int_equal(s[1], '\n');
			continue;
		}
		if (*s == '\n') {
			col = 0;
			continue;
		}
		col++;
		assert_true(col <= max);
	}
}

static void
test_ascii_header_folds_before_78_columns(void **state)
{
	const char *v = "MIPS targeted review for Dr. Ada Example of the Very Long "
	    "Practice Name closes in 7 days (Oct 11 7:00 PM CDT)";
	char *out = NULL;
	struct mr_err err = { 0 };

	(void)state;
	assert_int_equal(mr_mail_header_text(v, 9, &out, &err), 0);
	assert_non_null(strstr(out, "\r\n "));
	assert_lines_at_most(out, 9, 78);
	free(out);
}

/* RFC 5322 2.2.3: whatever the name, no header line passes 78 columns. */
static void
test_header_with_a_long_unbroken_name_stays_within_78_columns(void **state)
{
	char v[400], *out = NULL;
	struct mr_err err = { 0 };

	(void)state;
	snprintf(v, sizeof v, "MIPS targeted review for %s closes in 7 days "
	    "(Oct 11 7:00 PM CDT)", "Dr.Ada-Example-of-the-Very-Long-Practice-"
	    "Name-Without-Any-Spaces-At-All-Associates-LLC-PC");
	assert_int_equal(mr_mail_header_text(v, 9, &out, &err), 0);
	assert_lines_at_most(out, 9, 78);
	assert_non_null(strstr(out, "=?UTF-8?B?"));
	free(out);
	/* A long name with spaces still folds as plain text. */
	snprintf(v, sizeof v, "MIPS targeted review for %s closes in 7 days",
	    "Dr. Ada Example of the Very Long Practice Name and Associates of "
	    "the Greater Metropolitan Area Family Medicine Group LLC");
	assert_int_equal(mr_mail_header_text(v, 9, &out, &err), 0);
	assert_lines_at_most(out, 9, 78);
	assert_null(strstr(out, "=?UTF-8?B?"));
	free(out);
}

static void
test_non_ascii_header_is_rfc2047_and_decodes_back(void **state)
{
	const char *v = "MIPS targeted review for Dr. Zoë Müller-Łukasiewicz, "
	    "Ärztin für Allgemeinmedizin — closes in 7 days";
	char *out = NULL, decoded[512], *p;
	size_t n = 0;
	struct mr_err err = { 0 };

	(void)state;
	assert_int_equal(mr_mail_header_text(v, 9, &out, &err), 0);
	assert_lines_at_most(out, 9, 76);
	for (p = out; (p = strstr(p, "=?UTF-8?B?")) != NULL; ) {
		char *end = strstr(p + 10, "?=");

		assert_non_null(end);
		assert_true(end - p + 2 <= 75);
		n += b64dec(p + 10, (size_t)(end - p - 10), decoded + n);
		p = end + 2;
	}
	decoded[n] = '\0';
	assert_string_equal(decoded, v);
	for (p = out; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	free(out);
}

static void
test_header_refuses_cr_lf_nul_and_controls(void **state)
{
	char *out = NULL;
	struct mr_err err = { 0 };

	(void)state;
	assert_int_equal(mr_mail_header_text("Eve\r\nBcc: m@evil.example", 9,
	    &out, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_null(out);
	assert_int_equal(mr_mail_header_text("Eve\nX-Injected: yes", 9, &out,
	    &err), -1);
	assert_int_equal(mr_mail_header_text("tab\there", 9, &out, &err), -1);
	assert_int_equal(mr_mail_header_text("bad utf8 \xff", 9, &out, &err), -1);
}

static void
test_date_is_rfc5322_utc(void **state)
{
	char buf[64];

	(void)state;
	mr_mail_date((time_t)1727784000, buf, sizeof buf);
	assert_string_equal(buf, "Tue, 01 Oct 2024 12:00:00 +0000");
}

static struct mr_mail
sample(const char *const *to, int nto)
{
	struct mr_mail m = {
		.from = "alerts@practice.example", .to = to, .nto = nto,
		.subject = "Reminder", .message_id = "r1@practice.example",
		.date = (time_t)1727784000,
		.body = "Line one\n.starts with a dot\n=equals and trailing space \n",
		.attach_name = "case-1-deadline.ics",
		.attach_type = "text/calendar; charset=utf-8",
		.attach_data = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
		.attach_len = 32,
	};
	return m;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void
test_message_has_crlf_only_and_each_header_once(void **state)
{
	const char *to[] = { "ada@practice.example", "officer@practice.example" };
	struct mr_mail m = sample(to, 2);
	struct mr_err err = { 0 };
	char *msg = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(mr_mail_compose(&m, &msg, &len, &err), 0);
	assert_int_equal(strlen(msg), len);
	for (size_t i = 0; i < len; i++)
		if (msg[i] == '\n')
			assert_true(i > 0 && msg[i - 1] == '\r');
	assert_int_equal(strncmp(msg, "Date: Tue, 01 Oct 2024 12:00:00 +0000\r\n", 39), 0);
	assert_int_equal(count(msg, "\r\nFrom: alerts@practice.example\r\n"), 1);
	assert_int_equal(count(msg, "\r\nTo: ada@practice.example, officer@practice.example\r\n"), 1);
	assert_int_equal(count(msg, "\r\nSubject: Reminder\r\n"), 1);
	assert_int_equal(count(msg, "\r\nMessage-ID: <r1@practice.example>\r\n"), 1);
	/* Quoted-printable: '=' and the trailing space are encoded. */
	assert_non_null(strstr(msg, "=3Dequals and trailing space=20\r\n"));
	assert_non_null(strstr(msg, "filename=\"case-1-deadline.ics\""));
	assert_non_null(strstr(msg, "QkVHSU46VkNBTEVOREFSDQpFTkQ6VkNBTEVOREFSDQo="));
	assert_lines_at_most(msg, 0, 78);
	free(msg);
}

/* An attachment longer than a line: 76-character lines that decode back. */
static void
test_attachment_base64_wraps_at_76_and_decodes_back(void **state)
{
	const char *to[] = { "ada@practice.example" };
	struct mr_mail m = sample(to, 1);
	struct mr_err err = { 0 };
	char data[200], back[256], *msg = NULL, *p, *end;
	size_t len = 0, got = 0;
	int lines = 0;

	(void)state;
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)(i * 7 + 3);
	m.attach_data = data;
	m.attach_len = sizeof data;	/* 3 full lines and 29 bytes */
	assert_int_equal(mr_mail_compose(&m, &msg, &len, &err), 0);
	p = strstr(msg, "Content-Transfer-Encoding: base64\r\n\r\n");
	assert_non_null(p);
	p += strlen("Content-Transfer-Encoding: base64\r\n\r\n");
	for (; *p != '-' && (end = strstr(p, "\r\n")) != NULL; p = end + 2) {
		size_t n = (size_t)(end - p);

		assert_true(got + n / 4 * 3 <= sizeof back);
		if (lines < 3)
			assert_int_equal(n, 76);
		got += b64dec(p, n, back + got);
		lines++;
	}
	assert_int_equal(lines, 4);
	assert_int_equal(got, sizeof data);
	assert_memory_equal(back, data, sizeof data);
	free(msg);
}

static void
test_message_refuses_injected_addresses_and_ids(void **state)
{
	const char *bad_to[] = { "ada@practice.example\r\nBcc: m@evil.example" };
	const char *to[] = { "ada@practice.example" };
	struct mr_mail m = sample(bad_to, 1);
	struct mr_err err = { 0 };
	char *msg = NULL;
	size_t len;

	(void)state;
	assert_int_equal(mr_mail_compose(&m, &msg, &len, &err), -1);
	assert_null(msg);
	m = sample(to, 1);
	m.message_id = "x@y>\r\nBcc: <m@evil.example";
	assert_int_equal(mr_mail_compose(&m, &msg, &len, &err), -1);
	m = sample(to, 1);
	m.subject = "ok\r\nX-Injected: yes";
	assert_int_equal(mr_mail_compose(&m, &msg, &len, &err), -1);
	m = sample(to, 1);
	m.attach_name = "x\".ics";
	assert_int_equal(mr_mail_compose(&m, &msg, &len, &err), -1);
	m = sample(to, 0);
	assert_int_equal(mr_mail_compose(&m, &msg, &len, &err), -1);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_password_file_only_its_owner_may_read(void **state)
{
	char dir[] = "/tmp/mrmail.XXXXXX", path[64], pw[64], cmd[96];
	struct mr_err err = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pw", dir);
	write_file(path, "s3cret\nsecond line\n", 0600);
	assert_int_equal(mr_mail_read_password(path, pw, sizeof pw, &err), 0);
	assert_string_equal(pw, "s3cret");
	write_file(path, "s3cret\n", 0644);
	assert_int_equal(mr_mail_read_password(path, pw, sizeof pw, &err), -1);
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_string_equal(pw, "");
	write_file(path, "s3cret\n", 0640);
	assert_int_equal(mr_mail_read_password(path, pw, sizeof pw, &err), -1);
	write_file(path, "s3cret\n", 0604);
	assert_int_equal(mr_mail_read_password(path, pw, sizeof pw, &err), -1);
	write_file(path, "\n", 0600);
	assert_int_equal(mr_mail_read_password(path, pw, sizeof pw, &err), -1);
	assert_non_null(strstr(err.msg, "empty"));
	/* Longer than the buffer: refused, never cut to a wrong password. */
	write_file(path, "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789\n", 0600);
	assert_int_equal(mr_mail_read_password(path, pw, sizeof pw, &err), -1);
	assert_non_null(strstr(err.msg, "too long"));
	assert_string_equal(pw, "");
	/* Exactly as long as the buffer allows, with or without a newline. */
	write_file(path, "012345678901234567890123456789012345678901234567890"
	    "123456789012\n", 0600);
	assert_int_equal(mr_mail_read_password(path, pw, sizeof pw, &err), 0);
	assert_int_equal(strlen(pw), sizeof pw - 1);
	write_file(path, "012345678901234567890123456789012345678901234567890"
	    "123456789012", 0600);
	assert_int_equal(mr_mail_read_password(path, pw, sizeof pw, &err), 0);
	assert_int_equal(strlen(pw), sizeof pw - 1);
	unlink(path);
	assert_int_equal(mr_mail_read_password(path, pw, sizeof pw, &err), -1);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
on_alarm(int sig)
{
	(void)sig;
	fail_msg("reading the password file blocked");
}

static void
test_password_file_that_is_a_fifo_is_refused_not_waited_for(void **state)
{
	char dir[] = "/tmp/mrmail.XXXXXX", path[64], pw[64], cmd[96];
	struct mr_err err = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/pw", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* Nobody writes to it: opening it must not wait for a writer. */
	signal(SIGALRM, on_alarm);
	alarm(5);
	assert_int_equal(mr_mail_read_password(path, pw, sizeof pw, &err), -1);
	alarm(0);
	assert_non_null(strstr(err.msg, "not a regular file"));
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_mailer_refuses_an_address_too_long_for_the_envelope(void **state)
{
	struct mr_mail_server s = { .url = "smtp://127.0.0.1:9", .timeout = 5,
	    .starttls = 0 };
	struct mr_mailer *m = NULL;
	struct mr_err err = { 0 };
	char longaddr[420];
	const char *rcpt[1] = { longaddr };
	int stop = 0;

	(void)state;
	/* 400 characters: cut to fit a buffer, it would name another domain. */
	memset(longaddr, 'a', sizeof longaddr);
	memcpy(longaddr + 400 - strlen("@practice.example.org"),
	    "@practice.example.org", strlen("@practice.example.org") + 1);
	assert_int_equal(mr_mailer_new(&s, &m, &err), 0);
	assert_int_equal(mr_mailer_send(m, "alerts@practice.example", rcpt, 1, NULL,
	    "x\r\n", 3, NULL, NULL, &stop, &err), -1);
	assert_non_null(strstr(err.msg, "254"));
	assert_int_equal(mr_mailer_send(m, longaddr, rcpt, 0, NULL, "x\r\n", 3, NULL,
	    NULL, &stop, &err), -1);
	assert_non_null(strstr(err.msg, "254"));
	mr_mailer_free(m);
}

static void
test_mailer_settings_checked_before_sending(void **state)
{
	struct mr_mail_server s = { .url = "smtp://127.0.0.1:2525", .timeout = 5 };
	struct mr_mailer *m = NULL;
	struct mr_err err = { 0 };

	(void)state;
	assert_int_equal(mr_mailer_new(&s, &m, &err), 0);	/* nothing sent yet */
	mr_mailer_free(m);
	s.url = "smtp://[::1]:2525";
	assert_int_equal(mr_mailer_new(&s, &m, &err), 0);
	mr_mailer_free(m);
	s.url = "smtp://mail.example.org:25";
	assert_int_equal(mr_mailer_new(&s, &m, &err), -1);
	assert_non_null(strstr(err.msg, "loopback"));
	/* A host name that merely starts like a loopback address is not one. */
	s.url = "smtp://127.mail.example.org:25";
	assert_int_equal(mr_mailer_new(&s, &m, &err), -1);
	assert_non_null(strstr(err.msg, "loopback"));
	s.url = "smtp://127.0.0.1.example.org:25";
	assert_int_equal(mr_mailer_new(&s, &m, &err), -1);
	s.url = "smtp://127.0.0.53";
	assert_int_equal(mr_mailer_new(&s, &m, &err), 0);
	mr_mailer_free(m);
	s.starttls = 1;
	assert_int_equal(mr_mailer_new(&s, &m, &err), 0);
	mr_mailer_free(m);
	s.url = "http://127.0.0.1/";
	assert_int_equal(mr_mailer_new(&s, &m, &err), -1);
	s.url = "smtps://mail.example.org";
	s.user = "alerts";
	assert_int_equal(mr_mailer_new(&s, &m, &err), -1);
	assert_non_null(strstr(err.msg, "smtp_password_file"));
	s.user = NULL;
	s.url = NULL;
	assert_int_equal(mr_mailer_new(&s, &m, &err), -1);
	assert_non_null(strstr(err.msg, "smtp_url is not set"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_header_folds_before_78_columns),
		cmocka_unit_test(test_header_with_a_long_unbroken_name_stays_within_78_columns),
		cmocka_unit_test(test_non_ascii_header_is_rfc2047_and_decodes_back),
		cmocka_unit_test(test_header_refuses_cr_lf_nul_and_controls),
		cmocka_unit_test(test_date_is_rfc5322_utc),
		cmocka_unit_test(test_message_has_crlf_only_and_each_header_once),
		cmocka_unit_test(test_attachment_base64_wraps_at_76_and_decodes_back),
		cmocka_unit_test(test_message_refuses_injected_addresses_and_ids),
		cmocka_unit_test(test_password_file_only_its_owner_may_read),
		cmocka_unit_test(test_password_file_that_is_a_fifo_is_refused_not_waited_for),
		cmocka_unit_test(test_mailer_refuses_an_address_too_long_for_the_envelope),
		cmocka_unit_test(test_mailer_settings_checked_before_sending),
	};
	return cmocka_run_group_tests_name("mail", tests, NULL, NULL);
}
