#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_buf.h"
#include "lib/mr_config.h"
#include "lib/mr_ident.h"
#include "lib/mr_input.h"
#include "lib/mr_when.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

/*
 * Every setting, once.  Adding a key: its name in enum mr_config_id, a row
 * here and an entry in man/mipsreviewd.conf.5.
 */
const struct mr_config_key mr_config_keys[MR_CFG_NKEYS + 1] = {
	[MR_CFG_DATABASE] = { "database", MR_CONF_PATH, LOCALSTATEDIR "/lib/mipsreview/mipsreview.db",
	  NULL, 0, 0, "the SQLite database (mipsreview --db overrides it)" },
	[MR_CFG_LOG] = { "log", MR_CONF_ENUM, "stderr", "stderr syslog", 0, 0,
	  "where mipsreviewd logs" },
	/* calendar feeds */
	[MR_CFG_LISTEN] = { "listen", MR_CONF_ADDR, "127.0.0.1:8750", NULL, 0, 0,
	  "address and port mipsreviewd serves feeds on (port 0: any free port)" },
	[MR_CFG_BASE_URL] = { "base_url", MR_CONF_URL, "http://127.0.0.1:8750", NULL, 0, 0,
	  "how clients reach mipsreviewd; feed add prints URLs under it" },
	[MR_CFG_CALENDAR_ALARMS] = { "calendar_alarms", MR_CONF_OFFSETS, "30d,14d,7d,1d,2h", NULL, 0, 0,
	  "reminders before each deadline in calendars" },
	[MR_CFG_CALENDAR_NAME] = { "calendar_name", MR_CONF_STRING, "MIPS deadlines", NULL, 0, 0,
	  "the calendar's name in clients (X-WR-CALNAME)" },
	[MR_CFG_REFRESH_INTERVAL] = { "refresh_interval", MR_CONF_INT, "3600", NULL, 300, 604800,
	  "seconds clients should wait between fetches of a feed" },
	[MR_CFG_PIDFILE] = { "pidfile", MR_CONF_PATH, NULL, NULL, 0, 0,
	  "file mipsreviewd writes its process id to (for --daemon)" },
	/* the office's pages: sessions of a signed-in browser */
	[MR_CFG_SESSION_IDLE] = { "session_idle", MR_CONF_INT, "1800", NULL,
	  60, 86400, "seconds a browser session may go unused before it ends" },
	[MR_CFG_SESSION_LIFETIME] = { "session_lifetime", MR_CONF_INT, "43200",
	  NULL, 300, 86400, "seconds after signing in that a browser session "
	  "ends, however much it is used" },
	/* alerts */
	[MR_CFG_SMTP_URL] = { "smtp_url", MR_CONF_URL, NULL, NULL, 0, 0,
	  "mail server: smtp://host:587 (STARTTLS) or smtps://host:465" },
	[MR_CFG_SMTP_FROM] = { "smtp_from", MR_CONF_EMAIL, NULL, NULL, 0, 0,
	  "sender address of the alerts" },
	[MR_CFG_SMTP_USER] = { "smtp_user", MR_CONF_STRING, NULL, NULL, 0, 0,
	  "login at the mail server (unset: no authentication)" },
	[MR_CFG_SMTP_PASSWORD_FILE] = { "smtp_password_file", MR_CONF_PATH, NULL, NULL, 0, 0,
	  "file holding the password on its first line; only its owner may "
	  "read it" },
	[MR_CFG_SMTP_CA_FILE] = { "smtp_ca_file", MR_CONF_PATH, NULL, NULL, 0, 0,
	  "CA certificates to verify the server with (unset: the system's)" },
	[MR_CFG_SMTP_STARTTLS] = { "smtp_starttls", MR_CONF_ENUM, "required", "required never", 0, 0,
	  "smtp:// must upgrade with STARTTLS; 'never' only for a server on "
	  "the loopback address" },
	[MR_CFG_SMTP_TIMEOUT] = { "smtp_timeout", MR_CONF_INT, "60", NULL, 5, 600,
	  "seconds one message may take to send" },
	[MR_CFG_ALERT_TO] = { "alert_to", MR_CONF_EMAILS, NULL, NULL, 0, 0,
	  "who receives every alert besides each item's owner" },
	[MR_CFG_ALERT_OFFSETS] = { "alert_offsets", MR_CONF_OFFSETS, "30d,14d,7d,3d,1d,4h", NULL, 0, 0,
	  "how long before a deadline reminders go out" },
	[MR_CFG_ALERT_ZONE] = { "alert_zone", MR_CONF_ZONE, NULL, NULL, 0, 0,
	  "the recipients' time zone, shown next to the announced one" },
	[MR_CFG_ESCALATE_TO] = { "escalate_to", MR_CONF_EMAILS, NULL, NULL, 0, 0,
	  "who is told when a reminder goes unacknowledged (unset: nobody)" },
	[MR_CFG_ESCALATE_TO_TIN] = { "escalate_to_tin", MR_CONF_STRING, NULL, NULL, 0, 0,
	  "per TIN, instead of escalate_to: 'TIN: ADDRESS, ADDRESS, TIN: ADDRESS'" },
	[MR_CFG_ESCALATE_AFTER] = { "escalate_after", MR_CONF_OFFSETS, "2d", NULL, 0, 0,
	  "how long a reminder may go unacknowledged before escalation" },
	[MR_CFG_ESCALATE_WITHIN] = { "escalate_within", MR_CONF_OFFSETS, "7d", NULL, 0, 0,
	  "only reminders this close to the deadline are escalated" },
	[MR_CFG_DIGEST_TO] = { "digest_to", MR_CONF_STRING, NULL, NULL, 0, 0,
	  "who gets one digest a day: 'ADDRESS [HOUR] [ZONE], ...' (unset: "
	  "nobody)" },
	[MR_CFG_DIGEST_HOUR] = { "digest_hour", MR_CONF_INT, "7", NULL, 0, 23,
	  "the local hour of the digest, where digest_to names none" },
	[MR_CFG_DIGEST_WITHIN] = { "digest_within", MR_CONF_OFFSETS, "14d", NULL, 0, 0,
	  "the digest lists the deadlines this close as due soon" },
	[MR_CFG_DIGEST_MODE] = { "digest_mode", MR_CONF_ENUM, "besides",
	  "besides instead", 0, 0,
	  "'instead': digest_to gets no per-deadline reminders, only the "
	  "digest" },
	/* CMS's QPP Eligibility API */
	[MR_CFG_QPP_API_URL] = { "qpp_api_url", MR_CONF_URL,
	  "https://qpp.cms.gov", NULL, 0, 0,
	  "where the QPP Eligibility API is served (https:// only)" },
	[MR_CFG_QPP_API_VERSION] = { "qpp_api_version", MR_CONF_INT, "6",
	  NULL, 4, 6, "the API version asked for in the Accept header" },
	[MR_CFG_QPP_CA_FILE] = { "qpp_ca_file", MR_CONF_PATH, NULL, NULL, 0, 0,
	  "CA certificates to verify the API server with (unset: the "
	  "system's)" },
	[MR_CFG_QPP_CONNECT_TIMEOUT] = { "qpp_connect_timeout", MR_CONF_INT,
	  "10", NULL, 1, 120,
	  "seconds to wait for a connection to the API server" },
	[MR_CFG_QPP_TIMEOUT] = { "qpp_timeout", MR_CONF_INT, "30", NULL, 1, 600,
	  "seconds one request to the API may take in all" },
	[MR_CFG_QPP_RETRIES] = { "qpp_retries", MR_CONF_INT, "3", NULL, 0, 10,
	  "how often a request answered 429 or 5xx is tried again" },
	[MR_CFG_QPP_MAX_WAIT] = { "qpp_max_wait", MR_CONF_INT, "120", NULL, 1,
	  3600, "the longest Retry-After honoured, in seconds; a longer one "
	  "fails the request" },
	[MR_CFG_QPP_RATE_LIMIT] = { "qpp_rate_limit", MR_CONF_INT, "60", NULL,
	  0, 6000, "requests per minute to the API at most (0: no limit)" },
	[MR_CFG_QPP_REFRESH] = { "qpp_refresh", MR_CONF_OFFSETS, NULL, NULL, 0,
	  0, "how often mipsreviewd asks CMS again for the records of open "
	  "cases and tells of grounds gained or lost (e.g. 1d; at least 1h; "
	  "unset: never)" },
	/* webhooks */
	[MR_CFG_WEBHOOK_TIMEOUT] = { "webhook_timeout", MR_CONF_INT, "15", NULL,
	  1, 120, "seconds one post to a webhook may take in all" },
	[MR_CFG_WEBHOOK_CA_FILE] = { "webhook_ca_file", MR_CONF_PATH, NULL, NULL,
	  0, 0, "CA certificates to verify webhook receivers with (unset: the "
	  "system's)" },
	[MR_CFG_NKEYS] = { NULL, 0, NULL, NULL, 0, 0, NULL }
};

struct mr_config {
	char	*path;
	char	*values[MR_CFG_NKEYS];	/* indexed like mr_config_keys */
};

static int
key_index(const char *name)
{
	for (int i = 0; mr_config_keys[i].name != NULL; i++)
		if (strcmp(mr_config_keys[i].name, name) == 0)
			return i;
	return -1;
}

int
mr_offsets_parse(const char *text, long long *secs, int max,
    struct mr_err *err)
{
	char buf[256], *tok, *save = NULL;
	long long v, tmp;
	int n = 0;

	if (strlen(text) >= sizeof buf)
		return mr_err_set(err, MR_EINVAL, "offsets '%.40s...': too long",
		    text);
	snprintf(buf, sizeof buf, "%s", text);
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (mr_when_parse_duration(tok, &v, err) == -1)
			return -1;
		if (v <= 0)
			return mr_err_set(err, MR_EINVAL, "offset '%s': must be "
			    "more than zero", tok);
		if (n == max)
			return mr_err_set(err, MR_EINVAL, "offsets '%s': at most "
			    "%d are allowed", text, max);
		for (int i = 0; i < n; i++)
			if (secs[i] == v)
				return mr_err_set(err, MR_EINVAL, "offsets '%s': "
				    "'%s' is listed twice", text, tok);
		secs[n++] = v;
	}
	if (n == 0)
		return mr_err_set(err, MR_EINVAL, "offsets '%s': at least one "
		    "duration like 7d is expected", text);
	/* Largest first, so callers can walk from the earliest reminder. */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (secs[j] > secs[i]) {
				tmp = secs[i];
				secs[i] = secs[j];
				secs[j] = tmp;
			}
	return n;
}

static int
check_value(const struct mr_config_key *k, const char *v, struct mr_err *err)
{
	long long secs[32], n;
	char *end;

	switch (k->type) {
	case MR_CONF_STRING:
		return mr_text_validate(k->name, v, 0, err);
	case MR_CONF_PATH:
		if (v[0] != '/')
			return mr_err_set(err, MR_EINVAL, "%s '%s': an absolute "
			    "path is expected", k->name, v);
		return mr_text_validate(k->name, v, 0, err);
	case MR_CONF_ADDR: {
		const char *colon = strrchr(v, ':');

		if (colon == NULL || colon == v || colon[1] == '\0')
			return mr_err_set(err, MR_EINVAL, "%s '%s': ADDRESS:PORT "
			    "is expected, e.g. 127.0.0.1:8750", k->name, v);
		errno = 0;
		n = strtoll(colon + 1, &end, 10);
		if (*end != '\0' || errno != 0 || n < 0 || n > 65535)
			return mr_err_set(err, MR_EINVAL, "%s '%s': the port must "
			    "be 0 to 65535", k->name, v);
		return 0;
	}
	case MR_CONF_URL:
		if (strstr(v, "://") == NULL)
			return mr_err_set(err, MR_EINVAL, "%s '%s': a URL like "
			    "https://host/ is expected", k->name, v);
		return mr_text_validate(k->name, v, 0, err);
	case MR_CONF_EMAIL:
		return mr_email_validate(v, err);
	case MR_CONF_EMAILS: {
		char buf[1024], *tok, *save = NULL;

		snprintf(buf, sizeof buf, "%s", v);
		for (tok = strtok_r(buf, ", ", &save); tok;
		    tok = strtok_r(NULL, ", ", &save))
			if (mr_email_validate(tok, err) == -1)
				return -1;
		return 0;
	}
	case MR_CONF_OFFSETS:
		return mr_offsets_parse(v, secs, 32, err) == -1 ? -1 : 0;
	case MR_CONF_INT:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (end == v || *end != '\0' || errno != 0 || n < k->min ||
		    n > k->max)
			return mr_err_set(err, MR_EINVAL, "%s '%s': a whole number "
			    "from %lld to %lld is expected", k->name, v, k->min,
			    k->max);
		return 0;
	case MR_CONF_ENUM: {
		const char *p = k->choices;
		size_t len = strlen(v);

		/* An empty word would match everywhere, and past the end. */
		while (len > 0 && (p = strstr(p, v)) != NULL) {
			if ((p == k->choices || p[-1] == ' ') &&
			    (p[len] == '\0' || p[len] == ' '))
				return 0;
			p++;
		}
		if (len == 0)
			return mr_err_set(err, MR_EINVAL, "%s has no value; use "
			    "one of: %s", k->name, k->choices);
		return mr_err_set(err, MR_EINVAL, "%s '%s': use one of: %s",
		    k->name, v, k->choices);
	}
	case MR_CONF_ZONE:
		return mr_when_zone_valid(v, err);
	}
	return 0;
}

struct mr_config *
mr_config_new(void)
{
	return calloc(1, sizeof(struct mr_config));
}

void
mr_config_free(struct mr_config *cfg)
{
	if (cfg == NULL)
		return;
	for (int i = 0; i < MR_CFG_NKEYS; i++)
		free(cfg->values[i]);
	free(cfg->path);
	free(cfg);
}

int
mr_config_set(struct mr_config *cfg, const char *key, const char *value,
    struct mr_err *err)
{
	int i = key_index(key);
	char *copy;

	if (i < 0) {
		struct mr_buf names;

		/* mr_err's message holds less than this; it cuts the list. */
		mr_buf_init(&names, 4096);
		for (int j = 0; mr_config_keys[j].name != NULL; j++)
			(void)mr_buf_printf(&names, "%s%s", j ? ", " : "",
			    mr_config_keys[j].name);
		mr_err_set(err, MR_EINVAL, "unknown setting '%s'; known: %s", key,
		    names.failed ? "(see mipsreviewd.conf(5))" : mr_buf_str(&names));
		mr_buf_free(&names);
		return -1;
	}
	if (check_value(&mr_config_keys[i], value, err) == -1)
		return -1;
	if ((copy = strdup(value)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	free(cfg->values[i]);
	cfg->values[i] = copy;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
mr_config_load(const char *path, int missing_ok, struct mr_config **out,
    struct mr_err *err)
{
	struct mr_config *cfg = NULL;
	struct mr_err why = { 0 };
	FILE *fp = NULL;
	char *line = NULL, *p, *eq, *key, *val;
	size_t cap = 0;
	long lineno = 0;
	int rc = -1;

	*out = NULL;
	if ((cfg = mr_config_new()) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	if (path == NULL)
		goto done;
	/* A FIFO or a device would hang the start: regular files only. */
	if (mr_input_fopen(path, "configuration", &fp, &why) == -1) {
		if (why.code == MR_ENOTFOUND && missing_ok)
			goto done;
		mr_err_set(err, MR_EINVAL, "%s", why.msg);
		goto out;
	}
	if ((cfg->path = strdup(path)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = trim(line);
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			mr_err_set(err, MR_EINVAL, "%s:%ld: 'key = value' is "
			    "expected", path, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		if (mr_config_set(cfg, key, val, &why) == -1) {
			mr_err_set(err, MR_EINVAL, "%s:%ld: %s", path, lineno,
			    why.msg);
			goto out;
		}
	}
	if (ferror(fp)) {
		mr_err_set(err, MR_EINVAL, "reading '%s' failed", path);
		goto out;
	}
	/* A session ends at its lifetime whatever its use: a longer idle
	 * limit would promise what never happens. */
	if (mr_config_int(cfg, MR_CFG_SESSION_IDLE) >
	    mr_config_int(cfg, MR_CFG_SESSION_LIFETIME)) {
		mr_err_set(err, MR_EINVAL, "%s: session_idle (%lld) is longer "
		    "than session_lifetime (%lld); make session_idle at most "
		    "session_lifetime", path,
		    mr_config_int(cfg, MR_CFG_SESSION_IDLE),
		    mr_config_int(cfg, MR_CFG_SESSION_LIFETIME));
		goto out;
	}
done:
	*out = cfg;
	cfg = NULL;
	rc = 0;
out:
	free(line);
	if (fp != NULL)
		fclose(fp);
	mr_config_free(cfg);
	return rc;
}

const char *
mr_config_get(const struct mr_config *cfg, enum mr_config_id key)
{
	return cfg->values[key] ? cfg->values[key] : mr_config_keys[key].def;
}

int
mr_config_is_set(const struct mr_config *cfg, enum mr_config_id key)
{
	return cfg->values[key] != NULL;
}

long long
mr_config_int(const struct mr_config *cfg, enum mr_config_id key)
{
	const char *v = mr_config_get(cfg, key);

	return v ? strtoll(v, NULL, 10) : 0;
}

int
mr_config_offsets(const struct mr_config *cfg, enum mr_config_id key,
    long long *secs, int max, struct mr_err *err)
{
	const char *v = mr_config_get(cfg, key);

	if (v == NULL)
		return 0;
	return mr_offsets_parse(v, secs, max, err);
}

const char *
mr_config_path(const struct mr_config *cfg)
{
	return cfg->path;
}
