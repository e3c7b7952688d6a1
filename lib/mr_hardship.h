/*
 * mr_hardship: extreme-and-uncontrollable-circumstances (EUC) and Promoting
 * Interoperability hardship-exception filings (CMS EUC Application Guide;
 * QPP notices), their categories, window and workflow.
 *
 * A filing asks CMS to reweight one to four performance categories for a
 * TIN (optionally one NPI) and performance year.  It falls under a window
 * (its deadline): the latest-closing euc-hardship or pi-hardship window of
 * its year unless another is named; a year without one leaves window_id 0
 * and the filing without a deadline.  Every change is one transaction that
 * also appends to the audit trail (entity "hardship") and raises revision.
 */
#ifndef MR_HARDSHIP_H
#define MR_HARDSHIP_H

#include <stdint.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_autoeuc_match;
struct mr_store;

#define MR_HARDSHIP_STATES "draft, submitted, approved, denied, withdrawn"

struct mr_hardship {
	int64_t		 id;
	char		 tin[10];
	char		 npi[11];		/* "" when for the whole TIN */
	char		*name;			/* NULL when not given */
	char		 participation[16];	/* "" when not given */
	int		 performance_year;
	char		 type[4];		/* "euc" or "pi" */
	char		*event;
	int64_t		 window_id;		/* 0: no window, no deadline */
	char		 filed_at[11];		/* YYYY-MM-DD or "" */
	char		 status[12];
	char		*confirmation;
	char		*owner;
	char		*notes;
	int64_t		 revision;
	unsigned int	 categories;		/* MR_CAT_* bits */
	unsigned int	 submitted;		/* of those, data was submitted */
	char		 created_at[24];
	char		 updated_at[24];
	char		 county[96];		/* the practice's county, "Kerr, TX", or "" */
	char		 zip[6];		/* the practice's ZIP code, or "" */
};

/* The window a filing falls under, for display. */
struct mr_hardship_window {
	int64_t		 id;
	char		 kind[24];
	char		 name[160];
	long long	 closes_at;		/* UTC epoch */
	char		 zone[64];
	char		 source[400];
};

/* Text as typed; NULL when absent, "" clears an optional field (set). */
struct mr_hardship_input {
	const char	*tin;
	const char	*npi;
	const char	*name;
	const char	*participation;
	const char	*year;
	const char	*type;
	const char	*categories;
	const char	*submitted;
	const char	*event;
	const char	*window;	/* window id */
	const char	*filed;		/* YYYY-MM-DD */
	const char	*confirmation;
	const char	*owner;
	const char	*notes;
	const char	*county;	/* "NAME, ST" */
	const char	*zip;
	int		 force;		/* add: file although one is open */
};

/* Advice for the person filing; never a reason to refuse. */
#define MR_HARDSHIP_MAXWARN 8
struct mr_hardship_warnings {
	char		 msg[MR_HARDSHIP_MAXWARN][400];
	int		 n;
};

struct mr_hardship_filter {
	int		 year;		/* 0: any */
	const char	*status;	/* NULL: any */
	const char	*type;		/* NULL: any */
	const char	*tin;		/* 9 digits, NULL: any */
	int		 open_only;	/* draft and submitted only */
	int64_t		 after_id;	/* only ids above it (keyset pages); 0: all */
	int		 limit;		/* at most this many, by id; 0: all */
	const char *const *tins;	/* any of these (9 digits); ntins 0: any */
	int		 ntins;
};

void	mr_hardship_release(struct mr_hardship *);
int	mr_hardship_state_valid(const char *);
/* Every state of a filing, in workflow order, ended by NULL. */
const char *const *mr_hardship_states(void);
/* 1 while the filing awaits action (draft, submitted): it has a deadline. */
/*
 * The states in which a filing still awaits action, for SQL ("status IN "
 * MR_FILING_OPEN_SQL); mr_hardship_state_is_open() answers the same in C.
 */
#define MR_FILING_OPEN_SQL	"('draft', 'submitted')"
int	mr_hardship_state_is_open(const char *);
int	mr_hardship_transition_allowed(const char *from, const char *to,
	    struct mr_err *);

/*
 * File a new filing (status draft).  Sets *id; fills *warn (may be NULL)
 * with the published EUC rules that apply to it.
 */
int	mr_hardship_add(struct mr_store *, const struct mr_hardship_input *,
	    int64_t *id, struct mr_hardship_warnings *, struct mr_err *);
int	mr_hardship_get(struct mr_store *, int64_t id, struct mr_hardship *,
	    struct mr_err *);
/*
 * Apply "field=value" assignments, all or nothing.  Fields: tin, npi, name,
 * participation, year, type, categories, submitted, event, window, filed,
 * confirmation, owner, notes, county, zip.  A decided or withdrawn filing takes only
 * confirmation, owner and notes.
 */
int	mr_hardship_set(struct mr_store *, int64_t id,
	    const char *const *assignments, int n,
	    struct mr_hardship_warnings *, struct mr_err *);
/*
 * Move the filing to state; refuses illegal moves.  Moving to submitted
 * records today (UTC, the store's clock) as the filed date unless one is
 * set.  A note is appended to the notes with the date and actor.
 */
int	mr_hardship_set_status(struct mr_store *, int64_t id, const char *state,
	    const char *note, struct mr_err *);
int	mr_hardship_list(struct mr_store *, const struct mr_hardship_filter *,
	    int (*fn)(const struct mr_hardship *, void *), void *arg,
	    struct mr_err *);
/* The window of a filing; MR_ENOTFOUND when it has none. */
int	mr_hardship_window(struct mr_store *, int64_t window_id,
	    struct mr_hardship_window *, struct mr_err *);
/* The advice of the published EUC rules for a filing, recomputed. */
void	mr_hardship_advise(const struct mr_hardship *,
	    struct mr_hardship_warnings *);
/*
 * What CMS's automatic EUC lists say of the filing's county or ZIP for its
 * performance year (*m; finding unknown when neither is recorded), and,
 * for an EUC filing in a covered (or possibly covered) area, the advice
 * that the filing may not be needed, appended to *w (may be NULL).
 */
int	mr_hardship_place(struct mr_store *, const struct mr_hardship *,
	    struct mr_autoeuc_match *, struct mr_hardship_warnings *,
	    struct mr_err *);

/*
 * 0 if filing id exists and is for this TIN and performance year (a case
 * pointing at it); MR_ENOTFOUND or MR_EINVAL otherwise.
 */
int	mr_hardship_check_link(struct mr_store *, int64_t id, const char *tin,
	    int year, struct mr_err *);

/*
 * The filing as JSON (snake_case; TIN masked unless reveal); the window
 * and deadline are added by the caller.  New reference or NULL.
 */
json_t	*mr_hardship_to_json(const struct mr_hardship *, int reveal);

#endif /* MR_HARDSHIP_H */
