/*
 * mr_user: the accounts of an office's staff, for mipsreviewd's pages and
 * JSON API — who they are (a principal), what they may see (a role and a
 * TIN scope), how they prove it (a password, an API token, a session).
 *
 * Roles: a viewer reads, an officer also changes cases, an admin does
 * both for every TIN.  A viewer or officer given TINs sees and changes
 * only those TINs' records; given none, every TIN.
 *
 * Secrets are never kept in clear.  A password is kept as an argon2id PHC
 * string (libargon2; RFC 9106), whose parameters travel with the hash.
 * An API token and a session identifier are 256 random bits (the
 * kernel's getrandom), shown to their holder once as base64url and kept only as
 * their SHA-256.  Every change to an account is audited (entity
 * "account"), never with a secret or its hash.
 */
#ifndef MR_USER_H
#define MR_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/mr_err.h"

struct mr_store;

enum mr_role {
	MR_ROLE_VIEWER = 1,	/* reads its TINs' records */
	MR_ROLE_OFFICER,	/* and changes them */
	MR_ROLE_ADMIN,		/* every TIN, both */
};

/* "viewer", "officer", "admin". */
const char *mr_role_name(enum mr_role);
/* The role named s; MR_EINVAL naming the three otherwise. */
int	mr_role_parse(const char *s, enum mr_role *, struct mr_err *);

/*
 * Who is asking: an account as a request sees it.  tins (ntins of them,
 * sorted, normalized to 9 digits) is NULL when all_tins.
 */
struct mr_principal {
	int64_t		 user_id;
	char		 name[65];
	enum mr_role	 role;
	bool		 all_tins;
	int		 ntins;
	char		(*tins)[10];
};

/* Release what a principal holds (its TINs); it may be reused after. */
void	mr_principal_clear(struct mr_principal *);
/* 1 if p may see records of tin (9 digits, normalized), else 0. */
int	mr_user_scope_allows(const struct mr_principal *p, const char *tin);
/* 1 if p may change records (officer or admin), else 0. */
int	mr_user_may_write(const struct mr_principal *p);

/*
 * A review window belongs to a performance year and sets the deadline of
 * every practice's cases of that year, so only an account that sees every
 * TIN (an admin, or an officer given no TINs) may extend or change one.
 * 1 if an account of role, all_tins or not, may; 0 with *err (MR_ECONFLICT)
 * saying why and how one case's deadline is moved instead.
 */
int	mr_user_may_change_windows(enum mr_role role, bool all_tins,
	    struct mr_err *);

/* An account as listed (never its password hash). */
struct mr_user {
	int64_t		 id;
	char		 name[65];
	enum mr_role	 role;
	char		 created_at[24];
	char		 password_changed_at[24];	/* "" when none set */
	char		 disabled_at[24];		/* "" while active */
	int		 ntins;			/* 0: every TIN */
	char		(*tins)[10];
	int		 ntokens;		/* active API tokens */
	struct mr_user_token {
		int64_t	 id;
		char	 created_at[24];
	}		*tokens;
};
void	mr_user_clear(struct mr_user *);

/* Passwords: NIST SP 800-63B 5.1.1.2 asks for 8 characters at least. */
#define MR_PASSWORD_MIN		8
#define MR_PASSWORD_MAX		1024

/* Secrets as shown once: 256 bits in base64url, 43 characters. */
#define MR_SECRET_BYTES		32
#define MR_SECRET_LEN		43
/* An API token is "mrt_" and a secret, so that it can be recognized. */
#define MR_TOKEN_PREFIX		"mrt_"
#define MR_TOKEN_LEN		(4 + MR_SECRET_LEN)

/*
 * Add an account.  name: 1-64 letters, digits, '.', '_', '-' or '@',
 * unique; tins (ntins, each in any form mr_tin_normalize() takes) limit a
 * viewer or officer and are refused for an admin; password (NULL: none
 * yet, the account cannot log in until 'user passwd') is hashed here.
 */
int	mr_user_add(struct mr_store *, const char *name, enum mr_role,
	    const char *const *tins, int ntins, const char *password,
	    int64_t *id, struct mr_err *);
/* Set the password of the account named name. */
int	mr_user_passwd(struct mr_store *, const char *name,
	    const char *password, struct mr_err *);
/*
 * Disable the account named name: its password, tokens and sessions stop
 * working at once.  Refused for the last active admin.
 */
int	mr_user_disable(struct mr_store *, const char *name, struct mr_err *);
/*
 * Enable the disabled account named name again: its password and its API
 * tokens not revoked work again; the sessions it had stay ended.
 */
int	mr_user_enable(struct mr_store *, const char *name, struct mr_err *);
/*
 * Change the role (role NULL: keep it) and, when set_tins, the TINs of
 * the account named name (tins, ntins as mr_user_add() takes them; none:
 * every TIN).  An admin takes no TINs; the last active admin keeps the
 * role.  Every request reads the account anew, so the change holds from
 * its next request on.  *changed is 0 when it had that role and TINs.
 */
int	mr_user_set(struct mr_store *, const char *name, const enum mr_role *role,
	    bool set_tins, const char *const *tins, int ntins, int *changed,
	    struct mr_err *);
/* Call fn for each account by name; a non-zero return from fn stops. */
int	mr_user_each(struct mr_store *,
	    int (*fn)(const struct mr_user *, void *), void *arg,
	    struct mr_err *);
/* The account named name; clear it with mr_user_clear(). */
int	mr_user_get(struct mr_store *, const char *name, struct mr_user *,
	    struct mr_err *);

/*
 * A new API token for the account named name: writes it into token
 * (>= MR_TOKEN_LEN + 1 bytes) and its id into *id.
 */
int	mr_user_token_add(struct mr_store *, const char *name, char *token,
	    size_t tokenlen, int64_t *id, struct mr_err *);
/* Revoke API token id; *owner (>= 65 bytes, may be NULL) gets its account. */
int	mr_user_token_revoke(struct mr_store *, int64_t id, char *owner,
	    struct mr_err *);

/*
 * Who presents these credentials.  0 with *p filled; -1 with
 * MR_ENOTFOUND (unknown, wrong, revoked, disabled or expired: the caller
 * must not say which) or another error.  A failed password check costs as
 * long as a good one, whether or not the account exists.
 */
int	mr_user_login(struct mr_store *, const char *name, const char *password,
	    struct mr_principal *p, struct mr_err *);
int	mr_user_by_token(struct mr_store *, const char *token,
	    struct mr_principal *p, struct mr_err *);

/*
 * Failed sign-ins, kept so that a restart of the daemon does not clear
 * them: per account (only a name that is an account) and per client
 * address.  The counts and the time of the last failure (0 when none)
 * of name and address; a failure adds one to both; a success clears
 * both.  Each is one statement of its own.
 */
struct mr_login_failures {
	int	 name_count;
	time_t	 name_last;
	int	 addr_count;
	time_t	 addr_last;
};
int	mr_login_failures_get(struct mr_store *, const char *name,
	    const char *address, struct mr_login_failures *, struct mr_err *);
int	mr_login_failed(struct mr_store *, const char *name,
	    const char *address, struct mr_err *);
int	mr_login_succeeded(struct mr_store *, int64_t user_id,
	    const char *address, struct mr_err *);

/*
 * Sessions of the browser pages.  A session lasts until it has been idle
 * for idle seconds, or absolute seconds after it began, or it is ended.
 */
struct mr_session_limits {
	time_t		 idle;
	time_t		 absolute;
};
#define MR_SESSION_IDLE_DEFAULT		(30 * 60)
#define MR_SESSION_ABSOLUTE_DEFAULT	(12 * 60 * 60)
/*
 * A session begun or ended this long ago is removed at the next sign-in:
 * no absolute limit is longer (session_lifetime is at most a day).
 */
#define MR_SESSION_SWEEP_AFTER		(24 * 60 * 60)

/*
 * Begin a session for user_id: its identifier (for the cookie) goes into
 * id (>= MR_SECRET_LEN + 1 bytes).  Writes a row: run in a transaction of
 * the caller's or alone.
 */
int	mr_session_create(struct mr_store *, int64_t user_id, char *id,
	    size_t idlen, struct mr_err *);
/*
 * The principal of session id, if it is alive at the store's clock (and
 * its account active); its last use is moved to now.  MR_ENOTFOUND
 * otherwise.
 */
int	mr_session_lookup(struct mr_store *, const char *id,
	    const struct mr_session_limits *, struct mr_principal *p,
	    struct mr_err *);
/* End session id (no error if it had ended or never existed). */
int	mr_session_end(struct mr_store *, const char *id, struct mr_err *);
/*
 * The CSRF token of session id (MR_SECRET_LEN + 1 bytes): derived from the
 * identifier, so it needs no storage and says nothing of the identifier.
 */
void	mr_session_csrf(const char *id, char out[MR_SECRET_LEN + 1]);
/* 1 if presented is session id's CSRF token (constant time), else 0. */
int	mr_session_csrf_check(const char *id, const char *presented);
/*
 * A fresh random secret (256 bits, MR_SECRET_LEN base64url characters):
 * for what must be unguessable but is kept nowhere, such as the nonce that
 * binds the sign-in form to the browser that asked for it.
 */
int	mr_secret_random(char out[MR_SECRET_LEN + 1], struct mr_err *);

#endif /* MR_USER_H */
