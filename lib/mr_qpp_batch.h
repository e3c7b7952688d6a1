/*
 * mr_qpp_batch: many clinicians' eligibility records asked of CMS at once
 * (lookup --tin, lookup --file, the daemon's refresh): a few requests at a
 * time on the one client, so its rate limit spaces them; each record kept
 * as soon as it arrives, in its own transaction, so an interrupted run
 * loses nothing it fetched and a re-run skips the records still fresh.
 */
#ifndef MR_QPP_BATCH_H
#define MR_QPP_BATCH_H

#include <time.h>

#include "lib/mr_err.h"

struct mr_store;
struct mr_qpp_client;

/* Requests under way at once: polite to CMS, and enough to hide latency. */
#define MR_QPP_BATCH_CONCURRENCY	4

enum mr_qpp_item_state {
	MR_QPP_ITEM_PENDING,
	MR_QPP_ITEM_FETCHED,	/* asked now and kept */
	MR_QPP_ITEM_FRESH,	/* a record kept within fresh_secs: not asked */
	MR_QPP_ITEM_FAILED,	/* err says why; the kept record is untouched */
};

struct mr_qpp_item {
	char			 npi[11];
	int			 year;
	enum mr_qpp_item_state	 state;
	int			 changed;	/* FETCHED: the bytes differ from the kept */
	struct mr_err		 err;
};

struct mr_qpp_batch_opts {
	time_t		 now;
	long long	 fresh_secs;	/* 0: ask for every record */
	int		 api_version;
	/* Called in the caller's thread after each item settles. */
	void		(*progress)(int done, int total, void *arg);
	void		*arg;
};

/*
 * Settle every item.  -1 only when the database or the threads fail; a
 * failed request is the item's state.
 */
int	mr_qpp_batch(struct mr_store *, struct mr_qpp_client *,
	    struct mr_qpp_item *items, int n, const struct mr_qpp_batch_opts *,
	    struct mr_err *);

#endif /* MR_QPP_BATCH_H */
