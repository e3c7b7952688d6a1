/*
 * web_http: the /app pages on libmicrohttpd — query strings, forms and
 * uploads (libmicrohttpd's post processor), the page's response and its
 * security headers.  Runs in the server's one thread, with a database
 * connection of its own opened on first use.
 */
#ifndef DAEMON_WEB_HTTP_H
#define DAEMON_WEB_HTTP_H

#include <stddef.h>
#include <time.h>

#include <microhttpd.h>

/*
 * The database the pages read and change, the zone shown by default and
 * the base URL of the calendar feeds.
 */
int	web_http_init(const char *db_path, const char *default_zone,
	    const char *base_url);
/*
 * A fixed moment (MIPSREVIEW_NOW) at which acknowledgement links expire
 * or not; 0: the clock.
 */
void	web_http_set_now(time_t);
/* 1 if url is one of the pages' (under /app). */
int	web_http_owns(const char *url);
/*
 * The access handler for a /app request: every call libmicrohttpd makes
 * for it, from the first (*req_cls NULL) to the response.
 */
enum MHD_Result web_http_handle(struct MHD_Connection *, const char *url,
	    const char *method, const char *upload, size_t *upload_size,
	    void **req_cls);
/* The request is over: release its state (temporary files included). */
void	web_http_done(void *req_state);
/* Close the connection to the database. */
void	web_http_stop(void);

#endif /* DAEMON_WEB_HTTP_H */
