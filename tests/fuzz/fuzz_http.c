/*
 * The daemon's request path, whole: libmicrohttpd's parser and
 * daemon/http.c's routing, conditional requests and method checks.  Each
 * input is the bytes a client sends on one connection, handed to the
 * server through a socket pair; the harness reads whatever comes back
 * until the server closes.  One feed is published, so inputs naming its
 * token reach the calendar responses.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "daemon/http.h"
#include "daemon/log.h"
#include "lib/mr_feed.h"
#include "tests/fuzz/fuzz.h"

/* The seed corpus asks for /calendar/FUZZ_TOKEN.ics. */
#define FUZZ_TOKEN	"fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"
#define FUZZ_BODY	"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"

/* The server's log goes nowhere: thousands of malformed requests a second. */
void
log_warnx(const char *fmt, ...)
{
	(void)fmt;
}

void
log_info(const char *fmt, ...)
{
	(void)fmt;
}

static void
start(void)
{
	struct http_feed f = { .etag = "\"0123456789abcdef01234567\"",
	    .last_modified = 1727740800, .id = 1 };
	char why[256];

	if (http_start_unbound(why, sizeof why) == -1) {
		fprintf(stderr, "fuzz_http: %s\n", why);
		abort();
	}
	mr_feed_hash_token(FUZZ_TOKEN, strlen(FUZZ_TOKEN), f.token_hash);
	f.ok = MHD_create_response_from_buffer(strlen(FUZZ_BODY),
	    (void *)(uintptr_t)FUZZ_BODY, MHD_RESPMEM_PERSISTENT);
	f.not_modified = http_not_modified();
	if (f.ok == NULL || f.not_modified == NULL)
		abort();
	MHD_add_response_header(f.ok, MHD_HTTP_HEADER_ETAG, f.etag);
	MHD_add_response_header(f.not_modified, MHD_HTTP_HEADER_ETAG, f.etag);
	if (http_publish(&f, 1) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int started;
	static unsigned int peer;
	char ip[32], buf[65536];
	size_t sent = 0;
	int sv[2], eof = 0;

	if (!started) {
		start();
		started = 1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == -1)
		abort();
	/* A new address each time: the per-address limit counts
	 * connections the server has not cleaned up yet. */
	peer++;
	snprintf(ip, sizeof ip, "10.%u.%u.%u", (peer >> 16) & 255,
	    (peer >> 8) & 255, peer & 255);
	if (http_add_client(sv[1], ip) == -1) {
		close(sv[0]);
		return 0;
	}
	if (size == 0)
		shutdown(sv[0], SHUT_WR);
	while (!eof) {
		struct pollfd p = { .fd = sv[0], .events = POLLIN };
		ssize_t n;

		if (sent < size)
			p.events |= POLLOUT;
		/*
		 * libmicrohttpd 0.9.75 keeps a connection whose request line
		 * is unfinished even after the client's end of stream, until
		 * the server's request bound cuts it: once everything is sent,
		 * 20 ms of silence ends the input.
		 */
		if (poll(&p, 1, 20) <= 0) {
			if (sent == size)
				break;
			continue;
		}
		if ((p.revents & POLLOUT) && sent < size) {
			n = send(sv[0], data + sent, size - sent, MSG_NOSIGNAL);
			if (n > 0 && (sent += (size_t)n) == size)
				shutdown(sv[0], SHUT_WR);
			else if (n == -1 && errno != EAGAIN) {
				sent = size;
				shutdown(sv[0], SHUT_WR);
			}
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = recv(sv[0], buf, sizeof buf, 0);
			if (n == 0 || (n == -1 && errno != EAGAIN))
				eof = 1;
		}
	}
	close(sv[0]);
	return 0;
}
