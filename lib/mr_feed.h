/*
 * mr_feed: calendar subscriptions served by mipsreviewd.
 *
 * A feed has a name, an optional filter (TIN, performance year) and a
 * random token (192 bits from the kernel's getrandom, base64url) that is
 * its URL's only secret.  The token is returned once, by mr_feed_add();
 * the database keeps its SHA-256 only.  Revoking keeps the row (and its
 * audit trail) but the token no longer matches anything.
 */
#ifndef MR_FEED_H
#define MR_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "lib/mr_err.h"

struct mr_store;

#define MR_FEED_TOKEN_BYTES	24	/* 192 bits */
#define MR_FEED_TOKEN_LEN	32	/* base64url characters */
#define MR_FEED_HASH_LEN	32	/* SHA-256 */

struct mr_feed {
	int64_t		 id;
	char		 name[65];
	char		 tin[10];	/* "" for any */
	int		 year;		/* 0 for any */
	unsigned char	 token_hash[MR_FEED_HASH_LEN];
	char		 created_at[24];
	char		 revoked_at[24];	/* "" while active */
	int64_t		 account_id;	/* the staff account's; 0: the CLI's */
	int		 account_disabled;	/* that account is disabled */
};

/*
 * Add a feed: name is 1-64 printable characters, unique among active
 * feeds; tin (NULL: any; normalized here) and year (0: any) filter it.
 * Writes the token into token (>= MR_FEED_TOKEN_LEN + 1 bytes), *id.
 */
int	mr_feed_add(struct mr_store *, const char *name, const char *tin,
	    int year, char *token, size_t tokenlen, int64_t *id,
	    struct mr_err *);
/* As mr_feed_add(), for the staff account account_id (0: none). */
int	mr_feed_add_for(struct mr_store *, int64_t account_id,
	    const char *name, const char *tin, int year, char *token,
	    size_t tokenlen, int64_t *id, struct mr_err *);
/* Revoke the active feed named name (or numbered "#N" / "N"). */
int	mr_feed_revoke(struct mr_store *, const char *name_or_id,
	    struct mr_feed *revoked, struct mr_err *);
/*
 * Call fn for each feed by id; revoked ones only with include_revoked.  A
 * feed whose staff account is disabled is listed (account_disabled set):
 * the daemon does not serve it, the office's pages still show it.
 */
int	mr_feed_each(struct mr_store *, int include_revoked,
	    int (*fn)(const struct mr_feed *, void *), void *arg,
	    struct mr_err *);
/* SHA-256 of a presented token, for comparing with token_hash. */
void	mr_feed_hash_token(const char *token, size_t len,
	    unsigned char out[MR_FEED_HASH_LEN]);
/* 1 if s could be a token (length and alphabet), else 0. */
int	mr_feed_token_wellformed(const char *s, size_t len);

#endif /* MR_FEED_H */
