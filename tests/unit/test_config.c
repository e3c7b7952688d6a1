/* Unit tests of lib/mr_config: the settings table and the file parser. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/mr_config.h"

/* Write text to a fresh temporary file; its path into path. */
static void
write_conf(char *path, size_t len, const char *text)
{
	FILE *fp;
	int fd;

	snprintf(path, len, "/tmp/mrconf.XXXXXX");
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(fp = fdopen(fd, "w"));
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Loading text fails with a message holding want (path:line: first). */
static void
refused(const char *text, const char *want)
{
	struct mr_config *cfg = NULL;
	struct mr_err err = { 0 };
	char path[64], prefix[80];

	write_conf(path, sizeof path, text);
	assert_int_equal(mr_config_load(path, 0, &cfg, &err), -1);
	assert_null(cfg);
	assert_int_equal(err.code, MR_EINVAL);
	snprintf(prefix, sizeof prefix, "%s:", path);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0 ||
	    strstr(err.msg, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", text, err.msg, want);
	unlink(path);
}

static void
test_every_key_has_its_row(void **state)
{
	(void)state;
	for (int k = 0; k < MR_CFG_NKEYS; k++) {
		assert_non_null(mr_config_keys[k].name);
		assert_non_null(mr_config_keys[k].help);
	}
	assert_null(mr_config_keys[MR_CFG_NKEYS].name);
	assert_string_equal(mr_config_keys[MR_CFG_SMTP_STARTTLS].name,
	    "smtp_starttls");
	assert_string_equal(mr_config_keys[MR_CFG_ALERT_ZONE].name, "alert_zone");
}

static void
test_values_are_read_by_key(void **state)
{
	struct mr_config *cfg = NULL;
	struct mr_err err = { 0 };
	char path[64];

	(void)state;
	write_conf(path, sizeof path, "# a comment\nlog = syslog\n"
	    "smtp_timeout = 90\n\nalert_to = a@x.example, b@x.example\n");
	assert_int_equal(mr_config_load(path, 0, &cfg, &err), 0);
	assert_string_equal(mr_config_get(cfg, MR_CFG_LOG), "syslog");
	assert_int_equal(mr_config_int(cfg, MR_CFG_SMTP_TIMEOUT), 90);
	assert_true(mr_config_is_set(cfg, MR_CFG_ALERT_TO));
	/* Unset keys give their defaults, or NULL. */
	assert_false(mr_config_is_set(cfg, MR_CFG_SMTP_STARTTLS));
	assert_string_equal(mr_config_get(cfg, MR_CFG_SMTP_STARTTLS), "required");
	assert_null(mr_config_get(cfg, MR_CFG_SMTP_URL));
	assert_string_equal(mr_config_path(cfg), path);
	mr_config_free(cfg);
	unlink(path);
}

static void
test_session_limits_are_checked_alone_and_together(void **state)
{
	struct mr_config *cfg = NULL;
	struct mr_err err = { 0 };
	char path[64];

	(void)state;
	assert_non_null(cfg = mr_config_new());
	assert_int_equal(mr_config_int(cfg, MR_CFG_SESSION_IDLE), 1800);
	assert_int_equal(mr_config_int(cfg, MR_CFG_SESSION_LIFETIME), 43200);
	mr_config_free(cfg);
	cfg = NULL;
	write_conf(path, sizeof path, "session_idle = 300\n"
	    "session_lifetime = 3600\n");
	assert_int_equal(mr_config_load(path, 0, &cfg, &err), 0);
	assert_int_equal(mr_config_int(cfg, MR_CFG_SESSION_IDLE), 300);
	assert_int_equal(mr_config_int(cfg, MR_CFG_SESSION_LIFETIME), 3600);
	mr_config_free(cfg);
	unlink(path);
	refused("session_idle = 59\n", ":1: session_idle");
	refused("session_lifetime = 86401\n", ":1: session_lifetime");
	refused("session_lifetime = 1h\n", ":1: session_lifetime");
	/* an idle limit never reached is refused, naming both */
	refused("session_idle = 7200\nsession_lifetime = 3600\n",
	    "session_idle (7200) is longer than session_lifetime (3600)");
}

/* An empty choice once read past the end of the table's choices. */
static void
test_an_empty_choice_is_an_error_naming_the_key(void **state)
{
	(void)state;
	refused("log =\n", ":1: log has no value; use one of: stderr syslog");
	refused("listen = 127.0.0.1:1\nsmtp_starttls =\n",
	    ":2: smtp_starttls has no value; use one of: required never");
	refused("smtp_starttls = maybe\n", "smtp_starttls 'maybe': use one of");
	/* A word that is only part of a choice is no choice. */
	refused("log = std\n", "log 'std': use one of");
	refused("log = err\n", "log 'err': use one of");
}

static void
test_malformed_lines_are_refused_with_their_line(void **state)
{
	(void)state;
	refused("log = stderr\njust words\n", ":2: 'key = value' is expected");
	refused("colour = blue\n", ":1: unknown setting 'colour'");
	refused("smtp_timeout = 2\n", ":1: smtp_timeout '2': a whole number");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key_has_its_row),
		cmocka_unit_test(test_values_are_read_by_key),
		cmocka_unit_test(test_an_empty_choice_is_an_error_naming_the_key),
		cmocka_unit_test(
		    test_session_limits_are_checked_alone_and_together),
		cmocka_unit_test(test_malformed_lines_are_refused_with_their_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
