/*
 * mr_case: targeted-review cases, their validation and their workflow.
 *
 * A case is one targeted-review matter about one clinician (TIN + NPI) or
 * group (TIN) for one performance year.  Every change is one transaction
 * that also appends to the audit trail.
 */
#ifndef MR_CASE_H
#define MR_CASE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_arena;
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

/*
 * Special statuses CMS assigns a clinician or group (the QPP Participation
 * Status lookup shows them); some change the scoring, e.g. a small
 * practice's Promoting Interoperability is reweighted automatically from
 * PY2022 (42 CFR 414.1380(c)(2)(i)(C)(9)).
 */
enum mr_special_status {
	MR_SPECIAL_SMALL_PRACTICE	= 1 << 0,	/* 15 or fewer clinicians */
	MR_SPECIAL_FACILITY_BASED	= 1 << 1,
	MR_SPECIAL_NON_PATIENT_FACING	= 1 << 2,
	MR_SPECIAL_HOSPITAL_BASED	= 1 << 3,
	MR_SPECIAL_RURAL		= 1 << 4,
	MR_SPECIAL_HPSA			= 1 << 5,	/* health professional shortage area */
};
#define MR_SPECIAL_NAMES "small-practice, facility-based, non-patient-facing, " \
	"hospital-based, rural, hpsa"

/* Who files a targeted-review request (CMS's form). */
#define MR_REQUESTER_ROLES "clinician, designated-support-staff, " \
	"third-party-intermediary"

/* CMS's request for more information must be answered within 30 days. */
#define MR_DOCUMENTS_DAYS 30

/*
 * The states in which a case still awaits action, for SQL ("status IN "
 * MR_CASE_OPEN_SQL); mr_state_is_open() answers the same in C.
 */
#define MR_CASE_OPEN_SQL \
	"('draft', 'ready', 'submitted', 'documents-requested')"

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
	int64_t		 filing_id;	/* hardship filing that should have reweighted; 0 none */
	unsigned int	 special_statuses;	/* enum mr_special_status bits */
	char		*legal_name;		/* the practice's legal name, or NULL */
	char		*apm_entity_id;		/* or NULL */
	char		*virtual_group_id;	/* or NULL */
	char		 requester_role[32];	/* "" when not given */
	char		*request_number;	/* CMS's, once submitted, or NULL */
	char		*explanation;		/* the requester's detailed explanation */
	char		 documents_requested_on[11];	/* YYYY-MM-DD or "" */
	char		 county[96];	/* the practice's county, "Kerr, TX", or "" */
	char		 zip[6];	/* the practice's ZIP code, or "" */
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
	const char	*filing;	/* hardship filing id, "" clears */
	const char	*special_statuses;	/* "small-practice,rural"; "" clears */
	const char	*legal_name;
	const char	*apm_entity_id;
	const char	*virtual_group_id;
	const char	*requester_role;
	const char	*request_number;
	const char	*explanation;
	const char	*documents_requested_on;	/* YYYY-MM-DD; moves the deadline */
	const char	*county;	/* "Kerr, TX"; "" clears */
	const char	*zip;		/* "" clears */
	/*
	 * NULL: the case gets copies of its text, which mr_case_release()
	 * frees.  Else the text is copied into this arena and lives as long
	 * as it does: the caller must not release such a case.
	 */
	struct mr_arena	*arena;
};

struct mr_case_filter {
	int		 year;		/* 0: any */
	const char	*status;	/* NULL: any */
	const char	*tin;		/* normalized 9 digits, NULL: any */
	const char	*npi;		/* NULL: any */
	unsigned int	 reasons;	/* any of these bits; 0: any */
	int		 open_only;	/* only draft..documents-requested */
	int64_t		 after_id;	/* only ids above it (keyset pages); 0: all */
	int		 limit;		/* at most this many, by id; 0: all */
	const char *const *tins;	/* any of these (9 digits); ntins 0: any */
	int		 ntins;
};

/* Release the strings a case owns (not the struct itself). */
/*
 * The columns of review_case that a struct mr_case carries, in the order
 * mr_case_bind_row() binds them; created_at, updated_at and the revision
 * are the writer's.  Both the single-case writer and the bulk import
 * build their statements from this list.
 */
#define MR_CASE_ROW_COLUMNS "tin, npi, name, practice, participation, " \
	"performance_year, status, reasons, final_score, payment_adjustment, " \
	"quality_score, cost_score, ia_score, pi_score, owner, deadline_at, " \
	"deadline_zone, deadline_source, filing_id, special_statuses, " \
	"legal_name, apm_entity_id, virtual_group_id, requester_role, " \
	"request_number, explanation, documents_requested_on, county, zip"
#define MR_CASE_ROW_NCOLS	29
#define MR_CASE_ROW_BUFLEN	256	/* reasons and special statuses, as bound */

struct sqlite3_stmt;
/*
 * Bind c to parameters first+1 .. first+MR_CASE_ROW_NCOLS, every one
 * (absent values as NULL, so a reused statement keeps nothing stale).
 * buf (MR_CASE_ROW_BUFLEN bytes) holds formatted text and must outlive
 * the step.
 */
void	mr_case_bind_row(struct sqlite3_stmt *, int first,
	    const struct mr_case *, char *buf);
/* The same into a statement whose parameters were just cleared to NULL
 * (sqlite3_clear_bindings()): absent values are left as they are. */
void	mr_case_bind_row_cleared(struct sqlite3_stmt *, int first,
	    const struct mr_case *, char *buf);
void	mr_case_release(struct mr_case *);

/* Reason and state names: name <-> bit, and validity checks. */
int	mr_reason_parse(const char *name, unsigned int *bit, struct mr_err *);
const char *mr_reason_name(unsigned int bit);
/*
 * Reasons as "a,b" in a fixed order: 0, or -1 when buf is too short (it
 * then holds the names that fit).  MR_NAMES_BUFLEN bytes hold them all.
 */
#define MR_NAMES_BUFLEN	96
int	mr_reasons_format(unsigned int reasons, char *buf, size_t len);
int	mr_state_valid(const char *state);
/* Every state of the workflow, in its order, NULL-terminated. */
const char *const *mr_case_states(void);
int	mr_special_status_parse(const char *name, unsigned int *bit,
	    struct mr_err *);
/* Special statuses as "a,b" in a fixed order; 0 or -1 as above. */
int	mr_special_statuses_format(unsigned int bits, char *buf, size_t len);
/*
 * The deadline for documents CMS asked for on date (YYYY-MM-DD): 30 days
 * later (42 CFR 414.1385(a)(3)), at 8 p.m. Eastern, the hour CMS's QPP
 * deadlines close.  *zone receives the zone (>= 64 bytes).
 */
int	mr_case_documents_deadline(const char *date, time_t *closes_at,
	    char *zone, struct mr_err *);
/* 1 if the state is one in which the case still awaits action. */
int	mr_state_is_open(const char *state);
int	mr_case_transition_allowed(const char *from, const char *to,
	    struct mr_err *);

/*
 * Validate in (as add would) into *c, which the caller releases unless
 * its text went into in->arena.  The store supplies the clock (valid
 * years) and the program table (bounds of the payment adjustment).
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
/*
 * As mr_case_set_status.  Moving to documents-requested records the day
 * CMS asked (requested_on, YYYY-MM-DD; NULL: today in Eastern time) and
 * gives the case its own deadline 30 days later; leaving that state drops
 * the deadline again.  Moving to ready needs what CMS's request form asks
 * for (legal name, requester role, explanation, and the APM Entity or
 * Virtual Group ID when the case participates as one).
 */
int	mr_case_move(struct mr_store *, int64_t id, const char *state,
	    const char *note, const char *requested_on, struct mr_err *);
int	mr_case_add_note(struct mr_store *, int64_t id, const char *text,
	    struct mr_err *);
/* Call fn for each note of the case, oldest first. */
int	mr_case_notes_each(struct mr_store *, int64_t id,
	    int (*fn)(const char *at, const char *who, const char *body, void *),
	    void *arg, struct mr_err *);
/*
 * Call fn for each matching case, by id.  A non-zero return stops.  Every
 * filter (reasons too) is applied in the query, so after_id and limit page
 * through a large store reading only the rows of one page.
 */
int	mr_case_list(struct mr_store *, const struct mr_case_filter *,
	    int (*fn)(const struct mr_case *, void *), void *arg,
	    struct mr_err *);

/*
 * The case as a JSON object with the documented snake_case names; the TIN
 * is masked unless reveal.  Returns a new reference, or NULL on no memory.
 */
json_t	*mr_case_to_json(const struct mr_case *, int reveal);

#endif /* MR_CASE_H */
