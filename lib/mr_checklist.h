/*
 * mr_checklist: the evidence a case normally needs for its reasons (an
 * unverified product inference: CMS asks for documents case by case),
 * what is attached, what is missing, and the gate before "ready".
 */
#ifndef MR_CHECKLIST_H
#define MR_CHECKLIST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_store;

/* One line of a case's checklist. */
struct mr_checklist_need {
	const char	*kind;
	int		 required;	/* a reason of the case normally needs it */
	int		 present;	/* attached records of this kind */
	int		 verified;	/* 0: the requirement is an unverified inference */
	int		 advice;	/* 1: society guidance, not a CMS rule */
	const char	*needed_by;	/* "wrong-tin-npi,scoring-error" or "" */
	const char	*source;	/* where the requirement comes from, or "" */
	/*
	 * Other kinds of which one meets the need as well ("fema-county"
	 * for an EUC application's approval: automatic EUC needs no
	 * application), "," separated, or "".
	 */
	const char	*alternatives;
	int		 covered;	/* not attached, but an alternative is */
};

/* 1 when a required kind is neither attached nor covered by an alternative. */
#define MR_CHECKLIST_MISSING(need) \
	((need)->required && (need)->present == 0 && !(need)->covered)

/* Call fn for each kind that is required or present, in kind order. */
int	mr_checklist_each(struct mr_store *, int64_t case_id,
	    int (*fn)(const struct mr_checklist_need *, void *), void *arg,
	    struct mr_err *);
/* The required kinds not attached, as "a, b" in buf, and how many. */
int	mr_checklist_missing(struct mr_store *, int64_t case_id, char *buf,
	    size_t len, int *nmissing, struct mr_err *);
/* Both in one reading of the checklist: fn for each kind, and what is
 * missing into buf. */
int	mr_checklist_each_missing(struct mr_store *, int64_t case_id,
	    int (*fn)(const struct mr_checklist_need *, void *), void *arg,
	    char *buf, size_t len, int *nmissing, struct mr_err *);
/*
 * The gate before a case becomes ready: refuses (MR_ECONFLICT, naming the
 * missing kinds) while required evidence is missing, unless force, which
 * is recorded in the audit trail.  Call inside the transaction that moves
 * the case.
 */
int	mr_checklist_gate_ready(struct mr_store *, int64_t case_id, int force,
	    struct mr_err *);

/* The checklist of a case as JSON {complete, missing[], checklist[], note}. */
json_t	*mr_checklist_json(struct mr_store *, int64_t case_id,
	    struct mr_err *);

#endif /* MR_CHECKLIST_H */
