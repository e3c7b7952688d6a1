/*
 * mr_audit: the hash-chained audit trail.  Every change appends a row —
 * when (UTC), who, what, and the before/after state as JSON — inside the
 * transaction that makes the change, so the trail and the data never
 * disagree.
 *
 * The chain is sealed with a secret kept outside the database, in the key
 * file <database>.audit-key (created on the first write, with the
 * database's sharing: 0600, or 0640 in its group when the database is
 * group-shared; refused, so nothing is written, while anyone else may
 * read it, as a key others know seals nothing).  Each row's hash is then an HMAC-SHA-256 under that key,
 * and the head (row count and newest hash) carries one too, so whoever
 * can write the database but not read the key cannot rewrite, cut short
 * or wipe the trail unseen.  Rows written by a release without the key
 * keep their plain SHA-256 chain; the key file records the first row it
 * covers.  An anchor ("ROWS:HASH", the head at some moment) recorded
 * elsewhere proves later that the trail still extends it.
 */
#ifndef MR_AUDIT_H
#define MR_AUDIT_H

#include <stddef.h>
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
	int		 keyed;		/* hash is an HMAC under the key */
};

/* The head of the trail: how many rows, and the newest row's hash. */
struct mr_audit_head {
	int64_t		 rows;
	char		 hash[65];
};

/* "ROWS:HASH", the form an officer records; buf of MR_AUDIT_ANCHOR_LEN. */
#define MR_AUDIT_ANCHOR_LEN	96
void	mr_audit_anchor_format(const struct mr_audit_head *, char *buf,
	    size_t len);
/* Parse "ROWS:HASH"; MR_EINVAL with a message saying the form. */
int	mr_audit_anchor_parse(const char *, struct mr_audit_head *,
	    struct mr_err *);

/* The key file's path for the database at db_path (caller frees). */
char	*mr_audit_key_path(const char *db_path);

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
 * and a message saying what is wrong.  Also damage: a record (case,
 * hardship filing, evidence, feed) with no audit row.
 */
int	mr_audit_verify(struct mr_store *, int64_t *bad_id, int64_t *nrows,
	    struct mr_err *);

struct mr_audit_verdict {
	int64_t		 rows;		/* rows walked */
	int64_t		 keyed_rows;	/* of those, sealed with the key */
	int64_t		 bad_id;	/* first broken row, or 0 */
	int		 have_key;	/* the key file exists */
	struct mr_audit_head head;	/* the head as walked */
};

/*
 * mr_audit_verify(), and when anchor is not NULL also that the trail
 * still extends it: its row number anchor->rows has hash anchor->hash.
 */
int	mr_audit_verify_anchor(struct mr_store *, const struct mr_audit_head *,
	    struct mr_audit_verdict *, struct mr_err *);

/*
 * The stored head, unverified (cheap: for packets and mails, which carry
 * it so that it is recorded outside the database).
 */
int	mr_audit_head(struct mr_store *, struct mr_audit_head *, struct mr_err *);

/* Verify, then give the head to record as an anchor. */
int	mr_audit_anchor(struct mr_store *, struct mr_audit_head *,
	    struct mr_err *);

#endif /* MR_AUDIT_H */
