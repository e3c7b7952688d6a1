/*
 * mr_lease: the claim protocol shared by every ledger of outgoing messages
 * (reminders and escalations, daily digests, webhook deliveries).  A
 * sender claims a row for a while (state 'claimed', its token, a lease),
 * marks it 'sending' once the whole message is with the transport and
 * before the last byte leaves, then records the outcome; a row whose
 * lease ran out is taken over by the next sender, knowing from 'sending'
 * whether the message may already have arrived.  So however many senders
 * run (cron, the daemon), each message goes out once, and a duplicate
 * after a crash is flagged, never silent.
 */
#ifndef MR_LEASE_H
#define MR_LEASE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/mr_err.h"

struct mr_store;

/* A ledger's row as far as its claim goes, read under the claim's lock. */
struct mr_lease_row {
	int64_t	 id;		/* 0: no row yet */
	char	 state[16];
	char	 token[160];	/* the sender holding it, "" for none */
	time_t	 lease_until;
	time_t	 retry_at;
	int	 attempts;
};

/* What a row allows a sender now. */
enum mr_lease_is {
	MR_LEASE_FREE,		/* none, a lapsed lease, a failure due */
	MR_LEASE_DONE,		/* sent, or refused for good */
	MR_LEASE_HELD,		/* a live sender has it */
	MR_LEASE_RETRY_LATER	/* failed, and its retry_at is ahead */
};

/*
 * What the row allows at now.  honor_retry: a failed row waits for its
 * retry_at (the mail ledgers let a run by hand try it at once).
 */
enum mr_lease_is mr_lease_status(const struct mr_lease_row *, int honor_retry,
	    time_t now);

/*
 * When the row next wants a sender: now when it is free, the end of its
 * lease or its retry_at, 0 never (it is done).
 */
time_t	mr_lease_wake(const struct mr_lease_row *, int honor_retry,
	    time_t now);

/* A column written with a claim: a constant name, a bound value. */
struct mr_lease_col {
	const char	*name;
	const char	*text;		/* NULL: num */
	int64_t		 num;
};

/*
 * Read the row of table whose key columns hold keys' values, as far as
 * its claim goes (id 0 when there is none); doing names it in errors.
 */
int	mr_lease_read(struct mr_store *, const char *table,
	    const struct mr_lease_col *keys, size_t nkeys, const char *doing,
	    struct mr_lease_row *, struct mr_err *);

/*
 * The audit row of a takeover, as each ledger has always written it
 * (readers of the log and its tests know these shapes).
 */
enum mr_lease_audit {
	MR_LEASE_AUDIT_REMINDER,	/* "alert": the claim, before, after */
	MR_LEASE_AUDIT_DIGEST,		/* "digest": both senders */
	MR_LEASE_AUDIT_WEBHOOK		/* "webhook_delivery": a note */
};

/*
 * One claim on one ledger row.  table, names and SQL fragments are
 * constants of the ledgers, never input; the values are bound.
 */
struct mr_lease_claim {
	const char		*table;
	const char		*doing;	/* for errors: "claiming a digest" */
	enum mr_lease_audit	 audit;
	const char		*token;	/* this sender's */
	long long		 lease;	/* seconds the claim holds */
	int			 honor_retry;	/* as mr_lease_status */
	/* A new row: its own columns (the claim's are added), its attempts. */
	const struct mr_lease_col *cols;
	size_t			 ncols;
	int			 attempts;
	/* A claim of an existing row: more to set, as SQL and as columns. */
	const char		*reclaim_sql;	/* "attempts = ..." */
	const struct mr_lease_col *reclaim_cols;
	size_t			 nreclaim_cols;
	/* Read the row under the lock (id 0 when there is none). */
	int	(*read)(struct mr_store *, void *, struct mr_lease_row *,
		    struct mr_err *);
	/*
	 * Optional, once the row is free to claim and before it is written,
	 * in the same transaction: what the ledger does first (a webhook
	 * takes the endpoint's slot, composes a new row's body, logs the
	 * attempt of a dead sender), and the lease's end if it is not
	 * now + lease.
	 */
	int	(*prepare)(struct mr_store *, void *,
		    const struct mr_lease_row *, int takeover, time_t now,
		    time_t *lease_until, struct mr_err *);
	void			*arg;	/* for read and prepare */
	/* Another try on the row this sender holds: no read, no takeover. */
	const struct mr_lease_row *ours;
};

/*
 * What a claim found and did.  A takeover from 'sending' may follow a
 * message that arrived (maybe_sent); attempt counts every claim, the
 * mail ledgers' count.
 */
struct mr_lease_claimed {
	enum mr_lease_is	 is;	/* FREE: it was, and is ours now */
	int64_t			 id;	/* the row claimed */
	int			 takeover;
	int			 maybe_sent;
	int			 attempt;
	struct mr_lease_row	 was;	/* as read before the claim */
};

/*
 * The terms of a mail ledger's claim: token's, for lease seconds, every
 * claim an attempt (a new row the first), a failed row waiting for its
 * retry_at when honor_retry says so.
 */
void	mr_lease_mail_terms(struct mr_lease_claim *, const char *token,
	    long lease, int honor_retry);

/*
 * Claim a row for this sender in one transaction, which BEGIN IMMEDIATE
 * serialises with every other sender's: read it, and if it is free insert
 * it 'claimed' or claim it again, auditing the takeover of a lapsed lease
 * ('claimed' or 'sending'; a 'failed' row is simply tried again).
 */
int	mr_lease_claim(struct mr_store *, const struct mr_lease_claim *,
	    struct mr_lease_claimed *, struct mr_err *);

/* A sender's token: host, process and a random part, unique per run. */
void	mr_lease_token(char *buf, size_t len);

/*
 * The row to move from 'claimed' to 'sending', handed to the transport's
 * last-moment callback (mr_mailer_send, the webhook post).  table is one
 * of the ledgers' names (a constant, never input); what names the message
 * in errors ("reminder", "digest", "delivery").  err says why it refused.
 */
struct mr_lease_sending {
	struct mr_store	*st;
	const char	*table;
	const char	*what;
	int64_t		 id;
	const char	*token;
	/*
	 * A post rather than a mail (webhook_delivery): when this try began,
	 * kept in posting_at for the log of an attempt its sender left, and
	 * the words of the errors, which the delivery log keeps.  NULL for
	 * the mail ledgers.
	 */
	const char	*posting_at;
	struct mr_err	 err;
};

/*
 * The callback: 0 when the row is 'sending' under this token, -1 with err
 * set when it cannot be written or another sender took the claim over
 * (MR_ESEND: then the message must not go out, as the other one sends).
 */
int	mr_lease_mark_sending(void *sending);

#endif /* MR_LEASE_H */
