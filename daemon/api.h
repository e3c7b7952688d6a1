/*
 * api: mipsreviewd's JSON API under /api/v1, for scripts (a bearer token)
 * and for pages (the session cookie, with the X-CSRF-Token header on
 * every change).  Its objects are the CLI's --json objects, built by the
 * same lib/mr_view functions and printed the same way, so a script may
 * use either.  Every route checks the caller's role and TIN scope
 * (lib/mr_user.h) on the server; a record outside the scope is answered
 * as one that does not exist.  The routes are documented in
 * mipsreviewd-api(7).
 */
#ifndef DAEMON_API_H
#define DAEMON_API_H

#include <stddef.h>
#include <time.h>

#include <microhttpd.h>

/*
 * The database, the zone due shows by default, and a fixed clock for the
 * objects' time left (0: the real one).
 */
int	api_init(const char *db_path, const char *default_zone, time_t now);
/* 1 if url is the API's (under /api/). */
int	api_owns(const char *url);
/* The access handler for an /api request, every call of it. */
enum MHD_Result api_handle(struct MHD_Connection *, const char *url,
	    const char *method, const char *upload, size_t *upload_size,
	    void **req_cls);
/* 1 (and released) if req_state is an API request's, else 0. */
int	api_done(void *req_state);
void	api_stop(void);

#endif /* DAEMON_API_H */
