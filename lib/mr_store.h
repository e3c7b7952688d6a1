/*
 * mr_store: the SQLite database both programs share.
 *
 * Opening checks the database's place (mr_place.h), creates the file (0600,
 * or 0660 in a folder a group shares) when missing, written whole from the
 * image of a new store the build made (mr_store_image.h), turns on WAL,
 * foreign keys, a busy timeout and durable commits, and brings an older
 * schema up to date in one transaction.  A database written by a newer
 * mipsreview is refused.
 */
#ifndef MR_STORE_H
#define MR_STORE_H

#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "lib/mr_err.h"
#include "lib/mr_place.h"

struct mr_store;

/* Schema version this build writes (the highest embedded migration). */
int	mr_store_schema_latest(void);

/*
 * Open (creating if needed) the database at path.  The folder must exist.
 * On success *out owns the connection; release it with mr_store_close().
 */
int	mr_store_open(const char *path, struct mr_store **out, struct mr_err *);
/* Like mr_store_open() but never creates or migrates: for read-only callers. */
int	mr_store_open_existing(const char *path, struct mr_store **out, struct mr_err *);
void	mr_store_close(struct mr_store *);

sqlite3	*mr_store_db(struct mr_store *);
/*
 * A number for this opening of the store, never given to another in the
 * process (an address can be: a cache keyed on one would go stale).
 */
uint64_t mr_store_serial(const struct mr_store *);
const char *mr_store_path(const struct mr_store *);
/* Who shares the database's files (its folder decides; see mr_place.h). */
enum mr_sharing mr_store_sharing(const struct mr_store *);
int	mr_store_schema_version(struct mr_store *);

/* Who is acting, for the audit trail (the login name; "unknown" if unset). */
void	mr_store_set_actor(struct mr_store *, const char *);
const char *mr_store_actor(const struct mr_store *);
/* The clock used by every rule; fixed by mr_store_set_now() (tests, --now). */
void	mr_store_set_now(struct mr_store *, time_t);
time_t	mr_store_now(const struct mr_store *);
/* Back to the real clock after mr_store_set_now(). */
void	mr_store_unset_now(struct mr_store *);

/*
 * Transactions: BEGIN IMMEDIATE (takes the write lock at once, so a write
 * never fails half-way on a lock), COMMIT, ROLLBACK.  Calls nest: only the
 * outermost begin/commit pair talks to SQLite; a rollback at any depth
 * rolls back everything.
 */
int	mr_store_begin(struct mr_store *, struct mr_err *);
/* A transaction that only reads: one snapshot, no write lock taken. */
int	mr_store_begin_read(struct mr_store *, struct mr_err *);
int	mr_store_commit(struct mr_store *, struct mr_err *);
void	mr_store_rollback(struct mr_store *);

/* Prepare sql, or fill *err with SQLite's message. */
int	mr_store_prepare(struct mr_store *, const char *sql, sqlite3_stmt **,
	    struct mr_err *);
/* Run statements with no result rows. */
int	mr_store_exec(struct mr_store *, const char *sql, struct mr_err *);
/* Fill *err from the connection's last error, prefixed by what failed. */
int	mr_store_dberr(struct mr_store *, struct mr_err *, const char *what);
/* The first column of sql's first row (a PRAGMA, a count) as *out. */
int	mr_store_int(struct mr_store *, const char *sql, int *out,
	    struct mr_err *);
/* The text of column i, or "" when it is NULL. */
const char *mr_store_col_text(sqlite3_stmt *, int i);
/*
 * Run sql (one "?" for id), expecting one row, and hand it to from_row
 * (which returns -1 when out of memory).  No row: MR_ENOTFOUND with
 * "<what> <id> does not exist; <hint>".
 */
int	mr_store_row_by_id(struct mr_store *, const char *sql, int64_t id,
	    int (*from_row)(sqlite3_stmt *, void *), void *out,
	    const char *what, const char *hint, struct mr_err *);
/* Bind v, or NULL when it is NaN (an unknown score). */
void	mr_store_bind_num(sqlite3_stmt *, int i, double v);
/* Bind s, or NULL when it is NULL or empty; s must outlive the step. */
void	mr_store_bind_text_or_null(sqlite3_stmt *, int i, const char *s);
/*
 * Bind the n strings of v as one JSON array, for "x IN (SELECT value FROM
 * json_each(?))": one statement serves a list of any length, every value
 * bound.  n 0 binds NULL.  -1 out of memory.
 */
int	mr_store_bind_list(sqlite3_stmt *, int i, const char *const *v, int n);
/*
 * A bulk load (hundreds of megabytes in one transaction) runs in a
 * rollback journal, which SQLite advises for transactions that large,
 * when no other connection has the store open: 1 switched, 0 stayed in
 * WAL (another connection holds the store, or a transaction is open),
 * -1 error.  mr_store_bulk_leave() returns to WAL; the next opening does
 * so should it fail, or should the process die in between.  Call it
 * after either answer: a load kept in WAL has its log cut back.
 */
int	mr_store_bulk_enter(struct mr_store *, struct mr_err *);
int	mr_store_bulk_leave(struct mr_store *, struct mr_err *);
/* The store's own busy timeout again, after a caller chose not to wait. */
void	mr_store_busy_default(struct mr_store *);
/* Changes committed by other connections since the last call (PRAGMA data_version). */
int64_t	mr_store_data_version(struct mr_store *);

#endif /* MR_STORE_H */
