/*
 * mr_config: the configuration file shared by mipsreviewd and mipsreview
 * (/etc/mipsreview/mipsreviewd.conf by default for the daemon; --config or
 * $MIPSREVIEW_CONFIG for the CLI).
 *
 * Format: "key = value" lines; "#" starts a comment; blank lines ignored.
 * Every key is declared once: a name in enum mr_config_id below and a row
 * of the table in mr_config.c (name, type, default, help), from which the
 * parser, the checks and mipsreviewd.conf(5) follow.  Code reads a key by
 * its enum, so a misspelt key does not compile.  Errors name the file and
 * line: "x.conf:12: listen: ...".
 */
#ifndef MR_CONFIG_H
#define MR_CONFIG_H

#include "lib/mr_err.h"

struct mr_config;

/* The keys; mr_config_keys[] is indexed by them. */
enum mr_config_id {
	MR_CFG_DATABASE,
	MR_CFG_LOG,
	MR_CFG_LISTEN,
	MR_CFG_BASE_URL,
	MR_CFG_CALENDAR_ALARMS,
	MR_CFG_CALENDAR_NAME,
	MR_CFG_REFRESH_INTERVAL,
	MR_CFG_PIDFILE,
	MR_CFG_SESSION_IDLE,
	MR_CFG_SESSION_LIFETIME,
	MR_CFG_SMTP_URL,
	MR_CFG_SMTP_FROM,
	MR_CFG_SMTP_USER,
	MR_CFG_SMTP_PASSWORD_FILE,
	MR_CFG_SMTP_CA_FILE,
	MR_CFG_SMTP_STARTTLS,
	MR_CFG_SMTP_TIMEOUT,
	MR_CFG_ALERT_TO,
	MR_CFG_ALERT_OFFSETS,
	MR_CFG_ALERT_ZONE,
	MR_CFG_ESCALATE_TO,
	MR_CFG_ESCALATE_TO_TIN,
	MR_CFG_ESCALATE_AFTER,
	MR_CFG_ESCALATE_WITHIN,
	MR_CFG_DIGEST_TO,
	MR_CFG_DIGEST_HOUR,
	MR_CFG_DIGEST_WITHIN,
	MR_CFG_DIGEST_MODE,
	MR_CFG_QPP_API_URL,
	MR_CFG_QPP_API_VERSION,
	MR_CFG_QPP_CA_FILE,
	MR_CFG_QPP_CONNECT_TIMEOUT,
	MR_CFG_QPP_TIMEOUT,
	MR_CFG_QPP_RETRIES,
	MR_CFG_QPP_MAX_WAIT,
	MR_CFG_QPP_RATE_LIMIT,
	MR_CFG_QPP_REFRESH,
	MR_CFG_WEBHOOK_TIMEOUT,
	MR_CFG_WEBHOOK_CA_FILE,
	MR_CFG_NKEYS
};

enum mr_config_type {
	MR_CONF_STRING,
	MR_CONF_PATH,		/* absolute path */
	MR_CONF_ADDR,		/* ADDR:PORT, IPv4 or [IPv6] */
	MR_CONF_URL,
	MR_CONF_EMAIL,
	MR_CONF_EMAILS,		/* comma-separated addresses */
	MR_CONF_OFFSETS,	/* comma-separated durations: 30d,14d,7d,1d,2h */
	MR_CONF_INT,
	MR_CONF_ENUM,		/* one of the words in choices */
	MR_CONF_ZONE,		/* IANA zone name */
};

struct mr_config_key {
	const char		*name;
	enum mr_config_type	 type;
	const char		*def;		/* NULL: unset */
	const char		*choices;	/* MR_CONF_ENUM: "stderr syslog" */
	long long		 min, max;	/* MR_CONF_INT */
	const char		*help;
};

/* The table, indexed by enum mr_config_id, ended by a NULL name. */
extern const struct mr_config_key mr_config_keys[];

/* A config holding only the defaults. */
struct mr_config *mr_config_new(void);
/*
 * Read path over the defaults.  missing_ok: a missing file is no error
 * (the daemon's default path).  On error nothing is returned.
 */
int	mr_config_load(const char *path, int missing_ok, struct mr_config **out,
	    struct mr_err *);
void	mr_config_free(struct mr_config *);
/*
 * Set a key named as in a file, as if read from one (command-line
 * overrides); checks the value.
 */
int	mr_config_set(struct mr_config *, const char *key, const char *value,
	    struct mr_err *);
/* The value of a key, or NULL when unset. */
const char *mr_config_get(const struct mr_config *, enum mr_config_id);
long long mr_config_int(const struct mr_config *, enum mr_config_id);
/*
 * Parse an offsets key into seconds, largest first; returns the count
 * (at most max) or -1.
 */
int	mr_config_offsets(const struct mr_config *, enum mr_config_id,
	    long long *secs, int max, struct mr_err *);
/* Parse "30d,14d,7d" into seconds, largest first. */
int	mr_offsets_parse(const char *text, long long *secs, int max,
	    struct mr_err *);
/* 1 if key was set (by the file or mr_config_set), 0 if it has its default. */
int	mr_config_is_set(const struct mr_config *, enum mr_config_id);
/* The file the values came from, or NULL for defaults only. */
const char *mr_config_path(const struct mr_config *);

#endif /* MR_CONFIG_H */
