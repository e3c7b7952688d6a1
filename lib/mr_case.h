/*
 * mr_case: targeted-review cases, their validation and their workflow.
 *
 * A case is one targeted-review matter about one clinician (TIN + NPI) or
 * group (TIN) for one performance year.  Every change is one transaction
 * that also appends to the audit trail.
 */
#ifndef MR_CASE_H
#define MR_CASE_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_store;

/* Why the officer asks for a review (the grounds CMS lists in its targeted-review notices). */
enum mr_reason {
	MR_REASON_WRONG_TIN_NPI	= 1 << 0,	/* data filed under the wrong TIN/NPI */
	MR_REASON_QP_STATUS	= 1 << 1,	/* QP status should exempt */
	MR_REASON_EUC		= 1 << 2,	/* EUC reweighting not applied */
	MR_REASON_SCORING	= 1 << 3,	/* measure or scoring error */
	MR_REASON_ELIGIBILITY	= 1 << 4,	/* eligibility error */
	MR_REASON_OTHER		= 1 << 5,
};
#define MR_REASON_ALL	0x3f

/* The state machine; see mr_case_transition_allowed(). */
#define MR_CASE_STATES	"draft, ready, submitted, documents-requested, " \
	"approved, denied, closed, withdrawn"

/* A score or percentage that is not known is NaN. */
struct mr_case {
	int64_t		 id;
	char		 tin[10];	/* 9 digits */
	char		 npi[11];	/* 10 digits, or "" for a group */
	char		*name;
	char		 practice[16];	/* "" when not given */
	char		 participation[16];
	int		 performance_year;
	char		 status[24];
	unsigned int	 reasons;	/* enum mr_reason bits */
	double		 final_score;
	double		 payment_adjustment;	/* percent, -9.0 .. */
	double		 quality_score;
	double		 cost_score;
	double		 ia_score;
	double		 pi_score;
	char		*owner;		/* e-mail or NULL */
	int		 has_deadline;	/* a deadline of its own (CMS asked for documents) */
	time_t		 deadline_at;
	char		 deadline_zone[64];
	char		*deadline_source;
	int64_t		 filing_id;	/* hardship filing that should have reweighted; 0 none (issue 8) */
	char		 created_at[24];
	char		 updated_at[24];
};

/*
 * A case as typed by a person or read from a file: every field is text
 * (NULL when absent), so add, set and import share one validator.
 */
struct mr_case_input {
	const char	*tin;
	const char	*npi;
	const char	*name;
	const char	*year;
	const char	*reasons[8];
	int		 nreasons;
	const char	*score;
	const char	*adjustment;
	const char	*practice;
	const char	*participation;
	const char	*owner;
	const char	*note;
	const char	*quality;
	const char	*cost;
	const char	*ia;
	const char	*pi;
	const char	*deadline;		/* time text; "" clears */
	const char	*deadline_source;
	const char	*filing;	/* hardship filing id, "" clears (issue 8) */
};

struct mr_case_filter {
	int		 year;		/* 0: any */
	const char	*status;	/* NULL: any */
	const char	*tin;		/* normalized 9 digits, NULL: any */
	const char	*npi;		/* NULL: any */
	unsigned int	 reasons;	/* any of these bits; 0: any */
	int		 open_only;	/* only draft..documents-requested */
};

/* Release the strings a case owns (not the struct itself). */
void	mr_case_release(struct mr_case *);

/* Reason and state names: name <-> bit, and validity checks. */
int	mr_reason_parse(const char *name, unsigned int *bit, struct mr_err *);
const char *mr_reason_name(unsigned int bit);
/* Reasons as "a,b" in a fixed order; buf >= 96 bytes. */
void	mr_reasons_format(unsigned int reasons, char *buf, size_t len);
int	mr_state_valid(const char *state);
/* 1 if the state is one in which the case still awaits action. */
int	mr_state_is_open(const char *state);
int	mr_case_transition_allowed(const char *from, const char *to,
	    struct mr_err *);

/*
 * Validate in (as add would) into *c, which the caller releases.  The
 * store supplies the clock (valid years) and the program table (bounds of
 * the payment adjustment).
 */
int	mr_case_validate(struct mr_store *, const struct mr_case_input *in,
	    struct mr_case *c, struct mr_err *);

/*
 * Open a case from in.  A second open case for the same TIN, NPI and year
 * is refused (MR_ECONFLICT) unless force.  Sets *id.
 */
int	mr_case_add(struct mr_store *, const struct mr_case_input *in, int force,
	    int64_t *id, struct mr_err *);
int	mr_case_get(struct mr_store *, int64_t id, struct mr_case *,
	    struct mr_err *);
/*
 * Apply "field=value" assignments (names as in add's options or the JSON
 * field names; an empty value clears an optional field), all or nothing.
 */
int	mr_case_set(struct mr_store *, int64_t id, const char *const *assignments,
	    int n, int force, struct mr_err *);
/* Move the case to state, with an optional note; refuses illegal moves. */
int	mr_case_set_status(struct mr_store *, int64_t id, const char *state,
	    const char *note, struct mr_err *);
int	mr_case_add_note(struct mr_store *, int64_t id, const char *text,
	    struct mr_err *);
/* Call fn for each note of the case, oldest first. */
int	mr_case_notes_each(struct mr_store *, int64_t id,
	    int (*fn)(const char *at, const char *who, const char *body, void *),
	    void *arg, struct mr_err *);
/* Call fn for each matching case, by id.  A non-zero return stops. */
int	mr_case_list(struct mr_store *, const struct mr_case_filter *,
	    int (*fn)(const struct mr_case *, void *), void *arg,
	    struct mr_err *);

/*
 * The case as a JSON object with the documented snake_case names; the TIN
 * is masked unless reveal.  Returns a new reference, or NULL on no memory.
 */
json_t	*mr_case_to_json(const struct mr_case *, int reveal);

#endif /* MR_CASE_H */
