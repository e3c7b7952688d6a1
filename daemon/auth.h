/*
 * auth: who is asking mipsreviewd — the session cookie of the pages, or
 * an API token (Authorization: Bearer) — and whether a state-changing
 * request carries its session's CSRF token.  Sign-in and sign-out, the
 * session cookie's attributes, and the slowing of failed sign-ins per
 * account and per address live here too.
 *
 * The cookie is "mr_session": HttpOnly (no script reads it),
 * SameSite=Strict (no other site's page sends it), Path=/, and Secure
 * when base_url is https.  Sessions end after session_idle seconds
 * unused or session_lifetime after sign-in (mipsreviewd.conf(5)), and at
 * sign-out on the server.
 */
#ifndef DAEMON_AUTH_H
#define DAEMON_AUTH_H

#include <stddef.h>
#include <time.h>

#include <microhttpd.h>

#include "lib/mr_err.h"
#include "lib/mr_user.h"

struct mr_store;

#define AUTH_COOKIE		"mr_session"
/* "mr_session=ID; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=N" */
#define AUTH_SET_COOKIE_LEN	160
/* The form field, and the header of API requests, that carry the token. */
#define AUTH_CSRF_FIELD		"csrf"
#define AUTH_CSRF_HEADER	"X-CSRF-Token"

/*
 * The sign-in form has no session to bind its CSRF token to, so it gets
 * one of its own: the short-lived cookie "mr_login" (the time it was made
 * and a random nonce; HttpOnly, SameSite=Strict, Path=/app/login) and, in
 * the form, a token derived from it.  POST /app/login goes on only with
 * both, matching, and the cookie younger than AUTH_LOGIN_FORM_TTL seconds:
 * a page of another site cannot sign a browser into an account of its
 * choosing (login CSRF).
 */
#define AUTH_LOGIN_COOKIE	"mr_login"
#define AUTH_LOGIN_FORM_TTL	(15 * 60)

/*
 * A sign-in form's cookie and token made at now: set_cookie
 * (AUTH_SET_COOKIE_LEN) gets the Set-Cookie value, csrf
 * (MR_SECRET_LEN + 1) the form's token.  -1 with *err without random bytes.
 */
int	auth_login_form(time_t now, char *set_cookie, char *csrf,
	    struct mr_err *err);
/* 1 if the request on c has a live sign-in cookie and presented its token. */
int	auth_login_csrf_ok(struct MHD_Connection *c, time_t now,
	    const char *presented);

/*
 * Cookies get Secure when base_url is https; sessions end after idle
 * seconds unused or absolute seconds after sign-in (set at start and
 * SIGHUP).
 */
void	auth_init(int secure, time_t idle, time_t absolute);

/* How the principal was found. */
enum auth_via {
	AUTH_NONE = 0,
	AUTH_SESSION,		/* the cookie: state changes need the CSRF token */
	AUTH_TOKEN,		/* a bearer token: no cookie, no CSRF needed */
};

/*
 * The principal of the request on c: a bearer token first, else the
 * session cookie.  Returns AUTH_NONE (nobody; *p zeroed), AUTH_SESSION
 * with sid (>= MR_SECRET_LEN + 1 bytes) set, or AUTH_TOKEN; -1 with *err
 * when the database failed.  Clear *p with mr_principal_clear().
 */
int	auth_principal(struct MHD_Connection *c, struct mr_store *,
	    struct mr_principal *p, char *sid, struct mr_err *err);

/*
 * 1 if a state-changing request may go on: it came with a bearer token,
 * or presented (a form field or the X-CSRF-Token header) is the CSRF
 * token of session sid.
 */
int	auth_csrf_ok(enum auth_via via, const char *sid, const char *presented);

/*
 * The token of an "Authorization: Bearer TOKEN" header value into out
 * (>= MR_TOKEN_LEN + 1 bytes): 1 when header has that form, else 0.
 */
int	auth_bearer(const char *header, char *out, size_t outlen);

/* The outcome of a sign-in attempt. */
enum auth_login_result {
	AUTH_LOGIN_OK,		/* signed in: set_cookie to send */
	AUTH_LOGIN_WRONG,	/* wrong name or password (never says which) */
	AUTH_LOGIN_SLOWED,	/* too many failures: *retry_after seconds */
	AUTH_LOGIN_ERROR,	/* the database failed: *err */
};

/*
 * Sign in name with password from the client at c.  After failures of
 * the account or of the address, attempts are refused, without checking
 * the password, for a time that doubles with each failure (30 s after the
 * fifth, up to 15 minutes).  Failures are counted in memory for any name
 * and, for accounts and addresses, in the database too
 * (mr_login_failed()), so that a restart does not clear them.  Checking a password costs argon2id's time
 * and memory, so it runs in a thread of its own with a connection to the
 * database at db_path of its own, while c is suspended: the server's
 * thread goes on answering everyone else.
 *
 * auth_login_start() copies name and password, suspends c and returns
 * the job (NULL when out of memory or threads: c is not suspended then).
 * The job resumes c when it is done; libmicrohttpd then calls the access
 * handler again, which takes the outcome with auth_login_finish() (this
 * frees the job): on success set_cookie (AUTH_SET_COOKIE_LEN) holds the
 * Set-Cookie value.
 */
struct auth_login_job;
struct auth_login_job *auth_login_start(struct MHD_Connection *c,
	    const char *db_path, const char *name, const char *password);
/* 1 once the job is done and its connection resumed. */
int	auth_login_done(struct auth_login_job *);
enum auth_login_result auth_login_finish(struct auth_login_job *,
	    char *set_cookie, time_t *retry_after, struct mr_err *err);
/* Wait (a little) for the jobs under way: before the server stops. */
void	auth_drain(void);

/*
 * End the request's session on the server, if it has one; set_cookie
 * (AUTH_SET_COOKIE_LEN) gets the value that clears the cookie.
 */
int	auth_logout(struct MHD_Connection *c, struct mr_store *,
	    char *set_cookie, struct mr_err *err);

/* The client's address as text (for logs and the per-address count). */
void	auth_client_address(struct MHD_Connection *c, char *buf, size_t len);

#endif /* DAEMON_AUTH_H */
