/*
 * web: the office in a browser — the pages under /app.
 *
 * Pages are rendered on the server from the same lib/ functions and JSON
 * views the CLI's due, list and show use (mr_deadline, mr_case, mr_view),
 * so a page never holds a second copy of a rule; reading needs no
 * JavaScript.  Every page and every action checks the signed-in account's
 * role and TIN scope here, on the server.
 *
 * The renderers know nothing of HTTP: a request arrives as a struct
 * web_req (who asks, the fields of its query or form) and leaves as a
 * status, a content type and a body, so the unit tests drive them without
 * a server.  daemon/web_http.c is the libmicrohttpd side.
 */
#ifndef DAEMON_WEB_H
#define DAEMON_WEB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/mr_buf.h"

struct mr_store;

/* What an account may do: read; also change cases and filings; all. */
enum web_role {
	WEB_VIEWER,
	WEB_OFFICER,
	WEB_ADMIN,
};

/* The signed-in account, as the session layer vouches for it. */
struct web_who {
	int64_t			 account_id;
	const char		*name;
	enum web_role		 role;
	/* The TINs (9 digits) it may see, unless all_tins. */
	int			 all_tins;
	const char *const	*tins;
	size_t			 ntins;
};

/* A file sent with a form (multipart), already on disk. */
struct web_upload {
	const char	*path;		/* a private temporary file */
	const char	*name;		/* the name the browser gave */
	const char	*media_type;	/* as the browser declared it */
	int64_t		 size;
};

struct web_req {
	struct mr_store		*st;
	const struct web_who	*who;	/* NULL: nobody signed in */
	const char		*csrf;	/* the session's token, for forms */
	/* The sign-in form's token and its cookie (daemon/auth.h). */
	const char		*login_csrf;
	const char		*login_cookie;
	int			 post;	/* a form was sent (CSRF checked already) */
	time_t			 now;
	const char		*default_zone;	/* when the viewer names none */
	const char		*base_url;	/* of the calendar feeds */
	const char		*tmpdir;	/* for packets being sent */
	/* A field of the query string or of the form; NULL when absent. */
	const char		*(*field)(void *cls, const char *name);
	void			*field_cls;
	const struct web_upload	*upload;	/* the form's file, or NULL */
};

struct web_reply {
	unsigned int	 status;
	const char	*content_type;
	struct mr_buf	 body;
	char		 location[256];	/* a 303 after a form: where to go */
	char		 set_cookie[160];	/* a Set-Cookie value, or "" */
	/* A download: a file the caller sends and removes, with its name. */
	char		 file[512];
	char		 filename[128];
};

/* 1 if who may see the records of tin (9 digits; NULL: of every TIN). */
int	web_scope_allows(const struct web_who *, const char *tin);
/* A page saying only what is wrong (status 4xx/5xx, msg as text). */
int	web_error_page(const struct web_req *, unsigned int status,
	    const char *msg, struct web_reply *out);
/* The sign-in form (msg: why the last attempt failed, or NULL). */
int	web_login_page(const struct web_req *, const char *msg,
	    struct web_reply *out);

/*
 * Answer path ("/app/...") for r into *out (body initialized here; the
 * caller frees it).  Returns 0; out->status says how it went.
 */
int	web_route(const struct web_req *, const char *path,
	    struct web_reply *out);

#endif /* DAEMON_WEB_H */
