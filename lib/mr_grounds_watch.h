/*
 * mr_grounds_watch: asking CMS again for the eligibility records of the
 * open cases and noticing when a record changed in a way that gives a
 * case a targeted-review ground or takes one away (mipsreviewd's
 * qpp_refresh).
 *
 * A run reads, for each open case with an NPI, the grounds its kept
 * record gives now (mr_grounds_find: findings "supports" and "possibly"),
 * asks CMS for the records (mr_qpp_batch, a few at a time, rate-limited
 * by the client), and for each record whose bytes changed reads the
 * grounds again.  The case itself is the same on both sides, so a
 * difference is the record's doing: it is kept in grounds_change, and
 * the alert ledger tells it once (kind "grounds").  A first record is no
 * change.  Each run is recorded in qpp_refresh_run.
 */
#ifndef MR_GROUNDS_WATCH_H
#define MR_GROUNDS_WATCH_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "lib/mr_deadline.h"
#include "lib/mr_err.h"

struct mr_qpp_client;
struct mr_store;

struct mr_grounds_watch_opts {
	int		 api_version;
	atomic_int	*stop;		/* set: no more requests (NULL: none) */
};

struct mr_grounds_watch_result {
	int	 cases;		/* open cases with an NPI */
	int	 asked;		/* records asked for */
	int	 changed;	/* records whose bytes changed */
	int	 failed;	/* requests that failed */
	int	 grounds_changes;	/* cases whose grounds changed */
	int	 stopped;	/* 1: the stop flag ended it early */
};

/* Refresh the records of the open cases and keep the grounds changes. */
int	mr_grounds_watch_run(struct mr_store *, struct mr_qpp_client *,
	    const struct mr_grounds_watch_opts *,
	    struct mr_grounds_watch_result *, struct mr_err *);

/*
 * When the last run started (UTC epoch; 0 when none has), so that the
 * next is due interval seconds later across restarts.
 */
int	mr_grounds_watch_last_run(struct mr_store *, time_t *,
	    struct mr_err *);

/* A grounds change as the alert ledger tells it. */
struct mr_grounds_change {
	int64_t		 id;
	int64_t		 case_id;
	const char	*gained;	/* "qp-status,small-practice-pi" or "" */
	const char	*lost;
	const char	*detail;	/* a line per ground */
	time_t		 found_at;
	const char	*record_retrieved_at;
	/* The case, as the ledger's item: what "case", closes_at found_at. */
	struct mr_deadline_item item;
};

/*
 * Call fn for each grounds change of a case, oldest first, that the alert
 * ledger has not sent yet.  The strings live until fn returns.
 */
int	mr_grounds_watch_pending(struct mr_store *,
	    int (*fn)(const struct mr_grounds_change *, void *), void *arg,
	    struct mr_err *);

#endif /* MR_GROUNDS_WATCH_H */
