#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "daemon/api.h"
#include "daemon/auth.h"
#include "daemon/http.h"
#include "daemon/log.h"
#include "daemon/web_http.h"
#include "lib/mr_buf.h"
#include "lib/mr_crypto.h"
#include "lib/mr_feed.h"

#define CALENDAR_PREFIX	"/calendar/"
#define CALENDAR_SUFFIX	".ics"

/*
 * A client has this long to send a whole request, from its connection
 * (or the end of its previous request) to the response: libmicrohttpd's
 * own timeout is an idle one, which a client trickling a byte at a time
 * never reaches.
 */
#define REQUEST_SECONDS	10
/* Connections open at once, in all and from one address. */
#define MAX_CONNECTIONS	1000u
#define MAX_PER_ADDRESS	32u

/*
 * One per open connection, from libmicrohttpd's STARTED notification to
 * its CLOSED one, so the watchdog thread can cut those that take too
 * long to ask.  Under conn_lock.
 */
struct conn {
	struct conn	*prev, *next;
	int		 fd;
	int		 waiting;	/* 1: a request is still arriving */
	struct timespec	 since;		/* CLOCK_MONOTONIC */
};

static struct MHD_Daemon *mhd;
static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conn_cond = PTHREAD_COND_INITIALIZER;
static struct conn *conns;
static pthread_t watchdog;
static int watchdog_running, watchdog_stop;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct http_feed *table;
static size_t ntable;
static struct MHD_Response *r404, *r405, *r405_app, *rhealth;
/* A request's state once its headers came: this, or a page's (web_http). */
static int marker;

void
http_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static time_t
parse_http_date(const char *s)
{
	struct tm tm = { 0 };
	const char *end;

	if ((end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm)) == NULL ||
	    *end != '\0')
		return (time_t)-1;
	return timegm(&tm);
}

/*
 * If-None-Match: "*", or a comma-separated list of entity tags, each
 * maybe weak (W/"..."); GET compares weakly (RFC 9110 13.1.2).
 */
static int
etag_matches(const char *header, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = header;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, elen) == 0 &&
		    (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' ' ||
		    p[elen] == '\t'))
			return 1;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
}

/*
 * The feed whose token hashes to hash: every entry is compared, in
 * constant time and without stopping at a match, so that neither a hit
 * nor its position shows in the time taken.  Under table_lock.
 */
static const struct http_feed *
find_feed(const unsigned char hash[MR_FEED_HASH_LEN])
{
	const struct http_feed *hit = NULL;

	for (size_t i = 0; i < ntable; i++) {
		int same = mr_equal_ct(table[i].token_hash, hash,
		    MR_FEED_HASH_LEN);

		if (same)
			hit = &table[i];
	}
	return hit;
}

/* The connection's request is complete: the watchdog leaves it be. */
static void
request_arrived(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	struct conn *k;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || (k = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&conn_lock);
	k->waiting = 0;
	pthread_mutex_unlock(&conn_lock);
}

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned int status, struct MHD_Response *r)
{
	request_arrived(c);
	return MHD_queue_response(c, status, r);
}

static enum MHD_Result
serve_calendar(struct MHD_Connection *c, const char *url)
{
	const char *token = url + strlen(CALENDAR_PREFIX);
	const char *inm, *ims;
	const struct http_feed *f;
	unsigned char hash[MR_FEED_HASH_LEN];
	size_t len = strlen(token);
	int has_suffix;
	enum MHD_Result rc;
	time_t since;

	/*
	 * Hash whatever was presented (less a ".ics" suffix), so a malformed
	 * token costs what a wrong one does; without the suffix nothing can
	 * match.
	 */
	if (len > 256)
		len = 256;
	has_suffix = len >= strlen(CALENDAR_SUFFIX) &&
	    strcmp(token + len - strlen(CALENDAR_SUFFIX), CALENDAR_SUFFIX) == 0;
	mr_feed_hash_token(token, has_suffix ? len - strlen(CALENDAR_SUFFIX) :
	    len, hash);
	if (!has_suffix)
		memset(hash, 0, sizeof hash);
	inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	pthread_mutex_lock(&table_lock);
	/* The table is searched either way, so a malformed URL costs what a
	 * wrong token does; it never matches, not even a damaged row. */
	if ((f = find_feed(hash)) == NULL || !has_suffix || f->ok == NULL) {
		pthread_mutex_unlock(&table_lock);
		return answer(c, MHD_HTTP_NOT_FOUND, r404);
	}
	/*
	 * If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).  A
	 * date equal to Last-Modified may belong to an older version
	 * rendered in the same second: then only a later one proves it.
	 */
	if (inm != NULL ? etag_matches(inm, f->etag) :
	    (ims != NULL && (since = parse_http_date(ims)) != (time_t)-1 &&
	    (f->last_modified < since ||
	    (f->last_modified == since && !f->same_second))))
		rc = answer(c, MHD_HTTP_NOT_MODIFIED, f->not_modified);
	else
		rc = answer(c, MHD_HTTP_OK, f->ok);
	pthread_mutex_unlock(&table_lock);
	return rc;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	int readonly = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
	    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	/* The JSON API takes JSON bodies (daemon/api.c). */
	if (api_owns(url)) {
		int last = *req_cls != NULL && *upload_size == 0;

		if (last)
			request_arrived(c);
		return api_handle(c, url, method, upload, upload_size,
		    req_cls);
	}
	/* The pages under /app take forms too (daemon/web_http.c). */
	if (web_http_owns(url)) {
		int first = *req_cls == NULL, last = !first && *upload_size == 0;

		if (web_http_handle(c, url, method, upload, upload_size,
		    req_cls) == MHD_YES) {
			if (last)
				request_arrived(c);
			return MHD_YES;
		}
		if (first && *req_cls == NULL)
			return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, r405_app);
		return MHD_NO;
	}
	/*
	 * The first call brings the headers only; answering then makes
	 * libmicrohttpd 0.9.75 close every connection (no keep-alive), so
	 * a GET waits for the second.  Any other method is answered at
	 * once: no response can be queued while a body is arriving, and
	 * this way none is read.
	 */
	if (*req_cls == NULL) {
		*req_cls = &marker;
		if (!readonly)
			return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, r405);
		return MHD_YES;
	}
	/* A GET that came with a body: the body means nothing here. */
	if (*upload_size != 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/healthz") == 0) {
		enum MHD_Result rc;

		pthread_mutex_lock(&table_lock);	/* http_set_health swaps it */
		rc = answer(c, MHD_HTTP_OK, rhealth);
		pthread_mutex_unlock(&table_lock);
		return rc;
	}
	if (strncmp(url, CALENDAR_PREFIX, strlen(CALENDAR_PREFIX)) == 0)
		return serve_calendar(c, url);
	return answer(c, MHD_HTTP_NOT_FOUND, r404);
}

static void
request_done(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	const union MHD_ConnectionInfo *ci;
	struct conn *k;

	/* A kept-alive connection starts waiting for its next request. */
	if (*req_cls != NULL && *req_cls != &marker) {
		if (!api_done(*req_cls))
			web_http_done(*req_cls);
		*req_cls = NULL;
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || (k = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&conn_lock);
	k->waiting = 1;
	clock_gettime(CLOCK_MONOTONIC, &k->since);
	pthread_mutex_unlock(&conn_lock);
}

static void
connection_event(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *ci;
	struct conn *k = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci == NULL || (k = calloc(1, sizeof *k)) == NULL)
			return;
		k->fd = ci->connect_fd;
		k->waiting = 1;
		clock_gettime(CLOCK_MONOTONIC, &k->since);
		pthread_mutex_lock(&conn_lock);
		if ((k->next = conns) != NULL)
			conns->prev = k;
		conns = k;
		pthread_mutex_unlock(&conn_lock);
		*socket_context = k;
		return;
	}
	/* CLOSED comes before libmicrohttpd closes the socket, so the
	 * watchdog never shuts down a descriptor reused by another. */
	if (k == NULL)
		return;
	pthread_mutex_lock(&conn_lock);
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		conns = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&conn_lock);
	free(k);
	*socket_context = NULL;
}

/*
 * Once a second, shut down the connections whose request has taken
 * longer than REQUEST_SECONDS; libmicrohttpd then sees the end of the
 * stream in its own thread and closes them there.
 */
static void *
watch_requests(void *arg)
{
	struct timespec now, wake;
	unsigned int cut;

	pthread_mutex_lock(&conn_lock);
	while (!watchdog_stop) {
		cut = 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (struct conn *k = conns; k != NULL; k = k->next) {
			if (!k->waiting ||
			    now.tv_sec - k->since.tv_sec < REQUEST_SECONDS)
				continue;
			shutdown(k->fd, SHUT_RDWR);
			k->waiting = 0;
			cut++;
		}
		if (cut > 0)
			log_warnx("http: closed %u connection%s that sent no "
			    "whole request within %d s", cut, cut == 1 ? "" :
			    "s", REQUEST_SECONDS);
		clock_gettime(CLOCK_REALTIME, &wake);
		wake.tv_sec += 1;
		pthread_cond_timedwait(&conn_cond, &conn_lock, &wake);
	}
	pthread_mutex_unlock(&conn_lock);
	return NULL;
}

/*
 * The plain answers (404, 405, health) are served on the office's origin
 * too: they carry the pages' strict headers, so not even an error is
 * framed, sniffed or given a script.
 */
static void
plain_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

static struct MHD_Response *
fixed(const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body),
	    (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);

	if (r != NULL)
		plain_headers(r);
	return r;
}

/*
 * libmicrohttpd names the request's URL in some messages ("Failed to send
 * the response body for the request for `/calendar/TOKEN.ics'"): the
 * token is the feed's only secret and never goes to the log.
 */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	/* Each "/calendar/" (10 bytes) grows by "..." at most: 2x is room. */
	char msg[512], shown[2 * 512];
	const char *p, *q;
	struct mr_buf b;

	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	mr_buf_init_fixed(&b, shown, sizeof shown);
	for (p = msg; (q = strstr(p, CALENDAR_PREFIX)) != NULL; p = q) {
		q += strlen(CALENDAR_PREFIX);
		(void)mr_buf_add(&b, p, (size_t)(q - p));
		(void)mr_buf_add(&b, "...", 3);
		q += strcspn(q, "'`\" \t");
	}
	(void)mr_buf_add(&b, p, strlen(p));
	log_warnx("http: %s", shown);
}

static ssize_t
no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	return MHD_CONTENT_READER_END_OF_STREAM;
}

/*
 * libmicrohttpd 0.9.75 gives a 304 the Content-Length of the response
 * object, and 0 is not the size of the calendar (RFC 9110 8.6).  The
 * calendar's own size would be allowed, but clients whose parsers skip
 * no body for a 304 (wrk 4.1 among them) then wait for that many bytes
 * until they time out.  A response of unknown size sent the HTTP/1.0 way
 * carries none: the connection closes after it, which a calendar polling
 * every half hour does not notice, since no keep-alive lasts that long.
 * On a kept-alive connection that asks again at once this costs a new
 * TCP connection per 304 (bench/feed.sh measures both).
 */
struct MHD_Response *
http_not_modified(void)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64, no_body,
	    NULL, NULL);
	if (r != NULL && MHD_set_response_options(r,
	    MHD_RF_HTTP_1_0_COMPATIBLE_STRICT, MHD_RO_END) != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return r;
}

static int
start(unsigned int flags, const struct sockaddr *sa, const char *shown,
    char *why, size_t whylen)
{
	if ((r404 = fixed("not found\n")) == NULL ||
	    (r405 = fixed("method not allowed\n")) == NULL ||
	    (r405_app = fixed("method not allowed\n")) == NULL ||
	    (rhealth = fixed("ok\n")) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	/* RFC 9110 15.5.6: a 405 lists the methods that would work. */
	MHD_add_response_header(r405, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	MHD_add_response_header(r405_app, MHD_HTTP_HEADER_ALLOW,
	    "GET, HEAD, POST");
	/* Sign-ins check passwords in threads of their own (daemon/auth.h). */
	flags |= MHD_ALLOW_SUSPEND_RESUME;
	mhd = MHD_start_daemon(flags, 0, NULL, NULL, handler, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, connection_event, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, MAX_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, MAX_PER_ADDRESS,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    /* last: without an address the list ends here */
	    sa != NULL ? MHD_OPTION_SOCK_ADDR : MHD_OPTION_END, sa,
	    MHD_OPTION_END);
	if (mhd == NULL) {
		snprintf(why, whylen, "cannot listen on %s: address in use, "
		    "not local, or not allowed", shown);
		return -1;
	}
	watchdog_stop = 0;
	if (pthread_create(&watchdog, NULL, watch_requests, NULL) != 0) {
		snprintf(why, whylen, "cannot start a thread");
		MHD_stop_daemon(mhd);
		mhd = NULL;
		return -1;
	}
	watchdog_running = 1;
	return 0;
}

int
http_start(const char *addr, char *bound, size_t boundlen, char *why,
    size_t whylen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_PASSIVE | AI_NUMERICSERV }, *ai = NULL;
	const union MHD_DaemonInfo *info;
	char host[256], port[8], shown[INET6_ADDRSTRLEN];
	const char *colon = strrchr(addr, ':'), *orig = addr;
	unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC |
	    MHD_USE_ERROR_LOG;
	size_t hlen;
	int e, rc = -1;

	if (colon == NULL || colon == addr) {
		snprintf(why, whylen, "listen '%s': ADDRESS:PORT is expected", addr);
		return -1;
	}
	hlen = (size_t)(colon - addr);
	if (addr[0] == '[' && hlen >= 2 && addr[hlen - 1] == ']') {
		addr++;
		hlen -= 2;
	}
	snprintf(host, sizeof host, "%.*s", (int)hlen, addr);
	snprintf(port, sizeof port, "%s", colon + 1);
	if ((e = getaddrinfo(host, port, &hints, &ai)) != 0) {
		snprintf(why, whylen, "listen '%s': %s", host, gai_strerror(e));
		return -1;
	}
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (start(flags, ai->ai_addr, orig, why, whylen) == -1)
		goto out;
	info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT);
	if (inet_ntop(ai->ai_family, ai->ai_family == AF_INET6 ?
	    (void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr :
	    (void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr, shown,
	    sizeof shown) == NULL)
		snprintf(shown, sizeof shown, "%.45s", host);
	snprintf(bound, boundlen, ai->ai_family == AF_INET6 ? "[%s]:%u" :
	    "%s:%u", shown, info ? (unsigned int)info->port : 0u);
	rc = 0;
out:
	freeaddrinfo(ai);
	return rc;
}

int
http_start_unbound(char *why, size_t whylen)
{
	return start(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC |
	    MHD_USE_NO_LISTEN_SOCKET, NULL, "no address", why, whylen);
}

int
http_add_client(int fd, const char *ip)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	if (mhd == NULL || inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return -1;
	return MHD_add_connection(mhd, fd, (struct sockaddr *)&sa,
	    sizeof sa) == MHD_YES ? 0 : -1;
}

int
http_set_health(const char *body)
{
	struct MHD_Response *r, *old;

	r = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return -1;
	plain_headers(r);
	pthread_mutex_lock(&table_lock);
	old = rhealth;
	rhealth = r;
	pthread_mutex_unlock(&table_lock);
	/* Responses are reference counted: one being sent stays valid. */
	if (old != NULL)
		MHD_destroy_response(old);
	return 0;
}

int
http_publish(const struct http_feed *feeds, size_t n)
{
	struct http_feed *copy = NULL, *old;

	if (n > 0) {
		if ((copy = calloc(n, sizeof *copy)) == NULL)
			return -1;
		memcpy(copy, feeds, n * sizeof *copy);
	}
	pthread_mutex_lock(&table_lock);
	old = table;
	table = copy;
	ntable = n;
	pthread_mutex_unlock(&table_lock);
	free(old);
	return 0;
}

void
http_stop(int drain_ms)
{
	const union MHD_DaemonInfo *info;
	MHD_socket s;

	if (mhd == NULL)
		return;
	/* Stop accepting; let requests under way finish (keep-alive ones
	 * included) for a little while. */
	s = MHD_quiesce_daemon(mhd);
	if (s != MHD_INVALID_SOCKET)
		close(s);
	for (int waited = 0; waited < drain_ms; waited += 20) {
		info = MHD_get_daemon_info(mhd,
		    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (info == NULL || info->num_connections == 0)
			break;
		usleep(20 * 1000);
	}
	auth_drain();
	MHD_stop_daemon(mhd);
	mhd = NULL;
	if (watchdog_running) {
		pthread_mutex_lock(&conn_lock);
		watchdog_stop = 1;
		pthread_cond_signal(&conn_cond);
		pthread_mutex_unlock(&conn_lock);
		pthread_join(watchdog, NULL);
		watchdog_running = 0;
	}
	http_publish(NULL, 0);
	MHD_destroy_response(r404);
	MHD_destroy_response(r405);
	MHD_destroy_response(r405_app);
	MHD_destroy_response(rhealth);
	r404 = r405 = r405_app = rhealth = NULL;
	web_http_stop();
	api_stop();
}
