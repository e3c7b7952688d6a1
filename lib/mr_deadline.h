/*
 * mr_deadline: every open deadline of a case or hardship filing, in one
 * place, for due, show, the calendar, the feed and the alerts.
 *
 * A case takes its deadline from the targeted-review window of its
 * performance year unless it has a deadline of its own (CMS asked for
 * documents by a date).  A filing takes it from its window likewise.
 */
#ifndef MR_DEADLINE_H
#define MR_DEADLINE_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_store;
struct mr_window;

struct mr_deadline_item {
	const char	*what;		/* "case" or "hardship" */
	int64_t		 id;		/* case id or filing id */
	const char	*kind;		/* window kind: "targeted-review", "euc-hardship", ... */
	const char	*name;		/* clinician or group */
	const char	*tin;		/* 9 digits: mask before showing */
	const char	*npi;		/* "" when none */
	const char	*status;	/* the item's workflow state */
	int		 open;		/* 1 while the item awaits action */
	int		 performance_year;
	time_t		 closes_at;	/* UTC instant */
	const char	*zone;		/* IANA zone it was announced in */
	const char	*source;	/* CMS notice, or "case deadline" */
	int64_t		 window_id;	/* 0 when the item has its own deadline */
	int64_t		 sequence;	/* rises whenever the item or its deadline changes */
	const char	*updated_at;	/* ISO UTC, latest change of item or window */
	const char	*owner;		/* e-mail or NULL */
	int		 undated;	/* 1: no deadline is known (closes_at 0) */
	const char	*reason;	/* undated: what is missing */
	const char	*set_with;	/* undated: the command that sets one */
};

/*
 * Make a copy of an item (made with "*copy = *it") own its strings, so it
 * outlives the callback that was handed the item: each is copied into
 * strs[0 .. MR_DEADLINE_ITEM_NSTRS - 1], in the order what, kind, name,
 * tin, npi, status, zone, source, updated_at, owner (a NULL owner stays
 * NULL), for the caller to free.  -1 out of memory: the strings that
 * could be copied are in strs all the same.
 */
#define MR_DEADLINE_ITEM_NSTRS 10
int	mr_deadline_item_own(struct mr_deadline_item *, char **strs);

struct mr_deadline_filter {
	int		 include_closed;	/* --all: decided/withdrawn items too */
	int		 overdue_only;		/* --overdue */
	long long	 within;		/* seconds from now; 0: no limit */
	int64_t		 case_id;		/* 0: any */
	const char	*tin;			/* 9 digits; NULL: any */
	/* any of these TINs (9 digits each), as tin by its index; 0: any */
	const char *const *tins;
	int		 ntins;
	int		 year;			/* 0: any */
	const char	*what;			/* "case", "hardship" or NULL */
	int64_t		 id;			/* with what: one item */
	/* keyset pages: only deadlines closing at or after it; 0: any */
	time_t		 closing_from;
};

/* Call fn for each item with a deadline, soonest first.  Non-zero stops. */
int	mr_deadline_each(struct mr_store *, const struct mr_deadline_filter *,
	    int (*fn)(const struct mr_deadline_item *, void *), void *arg,
	    struct mr_err *);
/*
 * Call fn for each open item with no known deadline, so that nothing
 * tracked drops out of sight: a case whose year has no targeted-review
 * window and no deadline of its own, a filing with no window.  closes_at
 * is 0 and zone and source are ""; reason says what is missing and
 * set_with the command that gives the item a deadline.  The filter's
 * case, tin, tins, year and what/id apply (include_closed too); the time
 * bounds do not.  Cases by year, then id, then filings likewise; one row
 * at a time in constant memory, but the time grows with the items:
 * mr_deadline_undated_summary() does not.
 */
int	mr_deadline_each_undated(struct mr_store *,
	    const struct mr_deadline_filter *,
	    int (*fn)(const struct mr_deadline_item *, void *), void *arg,
	    struct mr_err *);
/*
 * Open cases of a year that has no targeted-review window: they all miss
 * the same fact, so they are told as one group with their count.
 */
struct mr_deadline_group {
	const char	*what;		/* "case" */
	const char	*kind;		/* "targeted-review" */
	int		 performance_year;
	long long	 count;		/* > 0 */
	const char	*reason;	/* what is missing */
	const char	*set_with;	/* the command that sets it */
	const char	*list_with;	/* the command that lists the items */
};

/*
 * The open items with no known deadline at a cost that does not grow with
 * them: one group per year without a targeted-review window (group_fn),
 * then the items undated for a reason of their own one by one (item_fn:
 * a hardship filing with no window).  Filtered as
 * mr_deadline_each_undated(); a non-zero return of fn stops.
 */
int	mr_deadline_undated_summary(struct mr_store *,
	    const struct mr_deadline_filter *,
	    int (*group_fn)(const struct mr_deadline_group *, void *),
	    int (*item_fn)(const struct mr_deadline_item *, void *), void *arg,
	    struct mr_err *);
/* The deadline of one case; MR_ENOTFOUND if it has none (no window for its year). */
int	mr_deadline_of_case(struct mr_store *, int64_t case_id,
	    int (*fn)(const struct mr_deadline_item *, void *), void *arg,
	    struct mr_err *);

/*
 * The window that sets the deadline of the cases of year that have none of
 * their own: the year's latest-closing targeted-review window (of two that
 * close together, the later added), as mr_deadline_each() picks it.  1 with
 * *w filled (mr_window_release() it), 0 when the year has none, -1 on error.
 */
int	mr_deadline_year_window(struct mr_store *, int year, struct mr_window *,
	    struct mr_err *);

/*
 * The deadline object every JSON output uses: closes_at (UTC, ISO 8601
 * ending in Z), zone (IANA), closes_local (ISO 8601 with the zone's offset
 * at that instant), seconds_left (negative when past), and time_left.
 */
json_t	*mr_deadline_json(time_t closes_at, const char *zone, time_t now);

#endif /* MR_DEADLINE_H */
