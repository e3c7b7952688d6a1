/*
 * mr_alert_ledger: sending the reminders that are due (lib/mr_alert.h),
 * each exactly once, and the ledger that records them.
 *
 * The guarantee, with any number of senders (cron every minute, the
 * daemon, both at once) sharing one database:
 *  1. A sender claims a reminder in a transaction (BEGIN IMMEDIATE, so
 *     claims are serialised) before sending: a row in alert_ledger, state
 *     'claimed', with the sender's token and a lease of smtp_timeout + 60
 *     seconds.  Nobody else sends it while the lease runs; libcurl gives
 *     up on the message before the lease ends.
 *  2. When libcurl has the whole message but before it sends the final
 *     "." (without which no server accepts it) the row becomes 'sending'.
 *  3. After the server's 250 the row becomes 'sent' (with the audit row,
 *     in one transaction).  A failure makes it 'failed' with the error
 *     (audited too); the next run retries it, the daemon after a back-off.
 *  4. A claim whose lease ran out belongs to a sender that died (kill -9,
 *     power loss).  The next sender takes it over: from 'claimed' the
 *     server cannot have accepted the message, so sending it is safe.
 *     From 'sending' the sender died between handing over the final "."
 *     and recording the 250 — one round trip to the server — and the
 *     message may have arrived.  SMTP cannot tell (RFC 1047): the reminder
 *     is sent again with the same Message-ID, so a reader's mail program
 *     shows it once, and the audit trail says it may be a duplicate.
 * So: never lost, never sent twice, except a resend with the same
 * Message-ID after a crash inside that one round trip.
 *
 * Per recipient: a server may refuse one address at RCPT (550 no such
 * user) and take the others.  The message goes on to those, and each
 * address's outcome is recorded in alert_recipient in the transaction of
 * step 3; the reminder stays 'failed' and its retry goes only to the
 * addresses without a 'sent' row.  One bad address thus neither keeps the
 * others from their reminders nor sends them a second copy.
 *
 * The audit trail gets the outcomes: "sent", "partly-sent" (with the
 * addresses delivered and refused), "send-failed" and "taken-over" rows (entity "alert", id = ledger row).  A claim and the
 * 'sending' mark are coordination between senders, not changes to the
 * data, and are not audited on their own.
 */
#ifndef MR_ALERT_LEDGER_H
#define MR_ALERT_LEDGER_H

#include <stdint.h>
#include <time.h>

#include "lib/mr_alert.h"
#include "lib/mr_err.h"

struct mr_mailer;
struct mr_store;

/* What happened to one due reminder in a run. */
struct mr_alert_report {
	const char	*kind;		/* "reminder" or "escalation" */
	const char	*what;		/* "case" or "hardship" */
	int64_t		 id;
	const char	*name;
	long long	 offset;
	time_t		 closes_at;
	const char	*zone;
	const char	*message_id;
	const char	*recipients;	/* comma-separated */
	const char	*outcome;	/* sent, failed, deferred, busy, would-send */
	const char	*error;		/* why it failed, or NULL */
	int		 takeover;	/* 1: a dead sender's claim was taken over */
	int		 maybe_duplicate;	/* it died after the whole message */
};

struct mr_alert_totals {
	int	 due;		/* reminders due and not yet sent */
	int	 sent;
	int	 failed;	/* tried and failed */
	int	 deferred;	/* not tried: the server failed for an earlier one */
	int	 busy;		/* another sender holds them */
	/*
	 * Why the mails of the run carry the 'alerts ack' command instead of
	 * their acknowledgement link (the link key cannot be used: damaged,
	 * or readable by others), for the caller to warn once; "" when they
	 * carry it or no mail went out.
	 */
	char	 link_warning[768];
};

/*
 * Send every due reminder not yet sent (mailer NULL: a dry run that only
 * reports and writes nothing).  Send failures are reported and counted,
 * not returned: -1 means the database or the system failed.
 */
int	mr_alert_run(struct mr_store *, const struct mr_alert_settings *,
	    struct mr_mailer *, void (*report)(const struct mr_alert_report *,
	    void *), void *arg, struct mr_alert_totals *, struct mr_err *);

/*
 * The earliest instant at which a run may have work: now if something is
 * due and unclaimed, else the next reminder moment, a failed reminder's
 * retry_at (with honor_retry), or the end of another sender's lease.
 * 0 when nothing is scheduled.
 */
int	mr_alert_next_wake(struct mr_store *, const struct mr_alert_settings *,
	    time_t *when, struct mr_err *);

/* One row of the ledger, for 'mipsreview alerts list'. */
struct mr_alert_entry {
	int64_t		 ledger_id;
	const char	*kind;		/* "reminder" or "escalation" */
	const char	*what;
	int64_t		 id;
	time_t		 closes_at;
	long long	 offset;
	const char	*message_id;
	const char	*state;
	int		 attempts;
	const char	*last_error;
	const char	*recipients;
	const char	*sent_at;
	time_t		 lease_until;	/* 0 when not claimed */
	time_t		 retry_at;	/* 0 when none */
	const char	*updated_at;
};

/*
 * The latest reminder sent for the item's current deadline: *found 1 with
 * its offset and sent_at (ISO UTC, sent_at of >= 32 bytes), or *found 0.
 */
int	mr_alert_ledger_last_sent(struct mr_store *,
	    const struct mr_deadline_item *, long long *offset, char *sent_at,
	    size_t len, int *found, struct mr_err *);

int	mr_alert_ledger_each(struct mr_store *,
	    int (*fn)(const struct mr_alert_entry *, void *), void *arg,
	    struct mr_err *);

#endif /* MR_ALERT_LEDGER_H */
