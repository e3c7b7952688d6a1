/*
 * mr_webhook: chat channels and webhooks that are told of every alert
 * besides the mail: Slack incoming webhooks, Microsoft Teams Workflows
 * (an Adaptive Card; the retired Office 365 connectors are refused) and a
 * generic JSON webhook signed as Standard Webhooks sign theirs.
 *
 * An endpoint has a name, a kind, a URL, optionally the TINs it is for
 * (none: every TIN) and a zone.  Its credentials - the URL, which for
 * Slack and Teams is itself the key, and a generic endpoint's signing
 * secret - are kept in a file of their own in webhooks/ beside the
 * database (mode 0600, 0640 where a group shares the database), never
 * in the database: it holds the URL's shown form ("https://host/...")
 * and the file's name.
 *
 * Delivery (lib/mr_webhook_deliver.c) goes through its own ledger,
 * webhook_delivery, one row per alert and endpoint, with the claims and
 * leases of the alert ledger (lib/mr_alert_ledger.h), so each alert
 * reaches each endpoint once whether the daemon or cron sends it.
 */
#ifndef MR_WEBHOOK_H
#define MR_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_alert_settings;
struct mr_config;
struct mr_store;

#define MR_WEBHOOK_NAME_MAX	64
#define MR_WEBHOOK_URL_MAX	2048
/* Standard Webhooks: 24 to 64 random bytes (192 to 512 bits). */
#define MR_WEBHOOK_KEY_MIN	24
#define MR_WEBHOOK_KEY_MAX	64
/* "v1," and the base64 of a SHA-256 HMAC, and the NUL. */
#define MR_WEBHOOK_SIG_LEN	(3 + 44 + 1)

struct mr_webhook_input {
	const char		*name;
	const char		*kind;		/* slack, teams or generic */
	const char		*url;
	const char *const	*tins;		/* as typed; n 0: every TIN */
	int			 ntins;
	const char		*zone;		/* NULL: alert_zone, else announced */
	const char		*secret_file;	/* generic only: whsec_... */
};

/* One endpoint as listed; the strings live until the callback returns. */
struct mr_webhook {
	int64_t		 id;
	const char	*name;
	const char	*kind;
	const char	*url_shown;	/* scheme, host and "/..." */
	const char	*tins;		/* comma-separated, or NULL: every TIN */
	const char	*zone;		/* or NULL */
	int		 signed_;	/* a signing secret is kept */
	const char	*created_at;
	const char	*created_by;
	const char	*disabled_at;	/* NULL while enabled */
	const char	*disabled_reason;
	int64_t		 delivered;	/* alerts it has */
	int64_t		 pending;	/* failed and to be retried */
	const char	*last_attempt_at;	/* or NULL */
	int		 last_status;	/* HTTP status of it, 0: no answer */
};

/*
 * Check every field, then keep the credentials file and the row (one
 * transaction; the file is written, synced and renamed first, and
 * removed again if the row cannot be written).  Nothing is written when
 * a field is refused.
 */
int	mr_webhook_add(struct mr_store *, const struct mr_webhook_input *,
	    int64_t *id, struct mr_err *);
/* The endpoint, its deliveries and credentials file go; its log stays. */
int	mr_webhook_remove(struct mr_store *, const char *name, struct mr_err *);
int	mr_webhook_each(struct mr_store *, int (*fn)(const struct mr_webhook *,
	    void *), void *arg, struct mr_err *);
/* How many endpoints are enabled. */
int	mr_webhook_count(struct mr_store *, int *enabled, struct mr_err *);
json_t	*mr_webhook_json(const struct mr_webhook *);

/*
 * The URL rules: https://, or http:// to the loopback address only
 * (127.0.0.1, [::1] or localhost: a local relay, a test receiver); no
 * user or password in it; for teams, not an Office 365 connector URL.
 */
int	mr_webhook_url_check(const char *kind, const char *url, struct mr_err *);
/* "https://hooks.slack.com/..." : what may be shown of a URL. */
void	mr_webhook_url_shown(const char *url, char *buf, size_t len);
/*
 * A Standard Webhooks secret, "whsec_" and the base64 of 24 to 64 bytes
 * (surrounding blanks and a final newline ignored), into key.
 */
int	mr_webhook_secret_parse(const char *text, size_t len,
	    unsigned char *key, size_t *keylen, struct mr_err *);
/*
 * The webhook-signature value: "v1," and the base64 HMAC-SHA256 under key
 * of "id.timestamp.body".  -1 if out is shorter than MR_WEBHOOK_SIG_LEN.
 */
int	mr_webhook_sign(const unsigned char *key, size_t keylen, const char *id,
	    long long timestamp, const char *body, size_t len, char *out,
	    size_t outlen);

/* ---- delivery (lib/mr_webhook_deliver.c) ---- */

struct mr_webhook_settings {
	long		 timeout;	/* seconds a request may take in all */
	long		 connect_timeout;
	const char	*ca_file;	/* NULL: the system's CAs */
	int		 attempts;	/* tries of one alert in one run */
	long		 max_wait;	/* longest wait between them, seconds;
					   a longer one waits for a later run */
	long		 max_run;	/* seconds; 0: no limit */
};

/* The webhook_* keys of the configuration, for a run from cron. */
int	mr_webhook_config(const struct mr_config *, struct mr_webhook_settings *,
	    struct mr_err *);

struct mr_webhook_report {
	const char	*endpoint;
	const char	*endpoint_kind;
	const char	*kind;		/* reminder, escalation, test */
	const char	*what;		/* case, hardship; NULL for a test */
	int64_t		 id;
	const char	*name;
	long long	 offset;
	time_t		 closes_at;
	const char	*zone;
	const char	*webhook_id;
	/* sent, failed (retried later), rejected (4xx, not retried), busy */
	const char	*outcome;
	int		 status;	/* the last HTTP status, 0: no answer */
	const char	*error;
	int		 attempts;	/* in this run */
	int		 maybe_duplicate;	/* resent after an interrupted
						   delivery (same webhook-id) */
	int		 disabled;	/* the endpoint answered 410 Gone */
	time_t		 retry_at;	/* failed: not before */
};

struct mr_webhook_totals {
	int	 due;
	int	 sent;
	int	 failed;
	int	 rejected;
	int	 busy;
	int	 disabled;	/* endpoints disabled in this run */
};

/*
 * Post every due alert (lib/mr_alert.h's plan: the most urgent reminder of
 * each open, unacknowledged deadline, and its escalation when a reminder
 * that went out - by mail or to an endpoint - went unacknowledged for
 * escalate_after, mail server or none) to every enabled endpoint in its
 * scope that does not have it yet.
 * Failures are reported and counted; -1 is the database or the system.
 */
int	mr_webhook_run(struct mr_store *, const struct mr_alert_settings *,
	    const struct mr_webhook_settings *,
	    void (*report)(const struct mr_webhook_report *, void *), void *arg,
	    struct mr_webhook_totals *, struct mr_err *);
/* When a run may next have work (0: nothing scheduled). */
int	mr_webhook_next_wake(struct mr_store *, const struct mr_alert_settings *,
	    time_t *when, struct mr_err *);
/*
 * A test message to the endpoint now, once (logged like every attempt; a
 * 410 disables it).  *report is filled; the strings live in it.
 */
struct mr_webhook_test_result {
	struct mr_webhook_report	 r;
	char				 buf[1024];
};
int	mr_webhook_test(struct mr_store *, const struct mr_webhook_settings *,
	    const char *name, struct mr_webhook_test_result *, struct mr_err *);

/* One attempt of the delivery log. */
struct mr_webhook_attempt {
	int64_t		 id;
	const char	*at;		/* ISO UTC */
	const char	*endpoint;
	const char	*webhook_id;
	const char	*kind;		/* reminder, escalation, test */
	const char	*what;		/* or NULL */
	int64_t		 item_id;
	long long	 offset;
	int		 status;	/* 0: no answer */
	const char	*outcome;	/* sent, retry, failed, rejected, gone,
					   interrupted, busy */
	const char	*error;		/* or NULL */
	int		 maybe_duplicate;
};

int	mr_webhook_log_each(struct mr_store *, int (*fn)(
	    const struct mr_webhook_attempt *, void *), void *arg,
	    struct mr_err *);
json_t	*mr_webhook_attempt_json(const struct mr_webhook_attempt *);

/* Longest one-click acknowledgement link a message carries. */
#define MR_WEBHOOK_ACK_URL_MAX	2400

/*
 * The messages, for the tests: the body posted to an endpoint of kind
 * for an alert (malloc'd JSON text), with the one-click acknowledgement
 * link ack_url, or with NULL the command only.  Every text taken from
 * data is escaped for the channel's markup (Slack's mrkdwn, the Adaptive
 * Card's Markdown), so none can make a link or a mention.
 */
struct mr_deadline_item;
char	*mr_webhook_message(const char *kind, const char *alert_kind,
	    const struct mr_deadline_item *, long long offset, time_t now,
	    const char *zone, const char *webhook_id, const char *ack_url);

#endif /* MR_WEBHOOK_H */
