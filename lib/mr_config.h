/*
 * mr_config: the configuration file shared by mipsreviewd and mipsreview
 * (/etc/mipsreview/mipsreviewd.conf by default for the daemon; --config or
 * $MIPSREVIEW_CONFIG for the CLI).
 *
 * Format: "key = value" lines; "#" starts a comment; blank lines ignored.
 * Every key is declared once in the table in mr_config.c (name, type,
 * default, help), from which the parser, the checks and mipsreviewd.conf(5)
 * follow.  Errors name the file and line: "x.conf:12: listen: ...".
 */
#ifndef MR_CONFIG_H
#define MR_CONFIG_H

#include "lib/mr_err.h"

struct mr_config;

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

/* The table, ended by a NULL name. */
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
/* Set one key as if read from a file (command-line overrides); checks the value. */
int	mr_config_set(struct mr_config *, const char *key, const char *value,
	    struct mr_err *);
/* The value of key, or NULL when unset.  key must be in the table. */
const char *mr_config_get(const struct mr_config *, const char *key);
long long mr_config_int(const struct mr_config *, const char *key);
/*
 * Parse an offsets key into seconds, largest first; returns the count
 * (at most max) or -1.
 */
int	mr_config_offsets(const struct mr_config *, const char *key,
	    long long *secs, int max, struct mr_err *);
/* Parse "30d,14d,7d" into seconds, largest first. */
int	mr_offsets_parse(const char *text, long long *secs, int max,
	    struct mr_err *);
/* 1 if key was set (by the file or mr_config_set), 0 if it has its default. */
int	mr_config_is_set(const struct mr_config *, const char *key);
/* The file the values came from, or NULL for defaults only. */
const char *mr_config_path(const struct mr_config *);

#endif /* MR_CONFIG_H */
