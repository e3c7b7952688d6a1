/*
 * mr_audit: the hash-chained audit trail.  Every change appends a row —
 * when (UTC), who, what, and the before/after state as JSON — inside the
 * transaction that makes the change, so the trail and the data never
 * disagree.
 */
#ifndef MR_AUDIT_H
#define MR_AUDIT_H

#include <stdint.h>

#include "lib/mr_err.h"

struct mr_store;

struct mr_audit_row {
	int64_t		 id;
	const char	*at;
	const char	*who;
	const char	*entity;
	int64_t		 entity_id;	/* 0 when the row is about no one thing */
	const char	*action;
	const char	*before;	/* JSON text or NULL */
	const char	*after;		/* JSON text or NULL */
	const char	*prev_hash;
	const char	*hash;
};

/* Append one row; must run inside mr_store_begin()/commit. */
int	mr_audit_append(struct mr_store *, const char *entity, int64_t entity_id,
	    const char *action, const char *before, const char *after,
	    struct mr_err *);

/*
 * Call fn for each row, oldest first; entity NULL means every row, and
 * entity_id 0 every row of that entity.  A non-zero return from fn stops.
 */
int	mr_audit_each(struct mr_store *, const char *entity, int64_t entity_id,
	    int (*fn)(const struct mr_audit_row *, void *), void *arg,
	    struct mr_err *);

/*
 * Walk the whole chain.  Returns 0 if intact, or -1 with MR_EINTEGRITY,
 * *bad_id set to the first broken row (0 if rows are missing at the end)
 * and a message saying what is wrong.
 */
int	mr_audit_verify(struct mr_store *, int64_t *bad_id, int64_t *nrows,
	    struct mr_err *);

#endif /* MR_AUDIT_H */
