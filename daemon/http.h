/*
 * http: the feed server (libmicrohttpd, one epoll thread).
 *
 * The server never touches the database: the main thread renders each
 * feed into a response that stays in memory (daemon/feeds.c) and
 * publishes a table of them; requests are answered from that table.
 */
#ifndef DAEMON_HTTP_H
#define DAEMON_HTTP_H

#include <stddef.h>
#include <time.h>

struct MHD_Response;

struct http_feed {
	unsigned char		 token_hash[32];	/* SHA-256 of the token */
	struct MHD_Response	*ok;		/* 200 with the calendar */
	struct MHD_Response	*not_modified;	/* 304 with the same validators */
	char			 etag[40];	/* "\"hex\"" */
	time_t			 last_modified;
	/* 1: another version had the same Last-Modified second, so a
	 * client's If-Modified-Since equal to it proves nothing. */
	int			 same_second;
	long long		 id;		/* for log lines */
};

/*
 * Listen on addr ("127.0.0.1:8750", "[::1]:0"); *bound gets the address
 * really bound (with the port chosen for port 0).  -1 and a message in
 * why on failure.
 */
int	http_start(const char *addr, char *bound, size_t boundlen, char *why,
	    size_t whylen);
/*
 * Replace the table of served feeds with feeds[0..n) (copied).  On
 * return no request can reach a response that is not in the new table.
 */
int	http_publish(const struct http_feed *feeds, size_t n);
/* Replace the body of /healthz ("ok\n" and what needs attention). */
int	http_set_health(const char *body);
/*
 * The server without a listening socket, for a caller that hands it
 * connections itself (http_add_client): the fuzz harness drives the
 * whole request path through socket pairs this way.
 */
int	http_start_unbound(char *why, size_t whylen);
/* Serve the connected socket fd as a client at IPv4 address ip; the
 * server owns fd from then on.  -1 if it refused it. */
int	http_add_client(int fd, const char *ip);
/* An empty 304 response to which the caller adds the validators. */
struct MHD_Response *http_not_modified(void);
/* Stop accepting, give open requests up to drain_ms, then stop. */
void	http_stop(int drain_ms);

/* HTTP date (RFC 9110 IMF-fixdate) of t into buf (>= 30 bytes). */
void	http_date(time_t t, char *buf, size_t len);

#endif /* DAEMON_HTTP_H */
