/*
 * The daemon's request path, whole: libmicrohttpd's parser and
 * daemon/http.c's routing, conditional requests and method checks.  Each
 * input is the bytes a client sends on one connection, handed to the
 * server through a socket pair; the harness reads whatever comes back
 * until the server closes.  One feed is published, so inputs naming its
 * token reach the calendar responses; the JSON API has a database with an
 * admin whose token (FUZZ_API_TOKEN, the seeds' bearer token) opens every
 * route and a case, so inputs reach its query and body parsers.
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

#include <openssl/evp.h>
#include <sqlite3.h>

#include "daemon/api.h"
#include "daemon/http.h"
#include "daemon/log.h"
#include "lib/mr_case.h"
#include "lib/mr_feed.h"
#include "lib/mr_hex.h"
#include "lib/mr_store.h"
#include "lib/mr_user.h"
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

/* The bearer token of the seed corpus's API requests. */
#define FUZZ_API_TOKEN	"mrt_s5GsQXNHpWu_vXe12M2mt14j9n2F0HbBVMf2PL2TDhc"

/* A database for the API: an admin with FUZZ_API_TOKEN, and case 1. */
static void
api_database(void)
{
	struct mr_case_input in = { .tin = "123456789", .name = "Dr. Fuzz",
	    .year = "2023", .reasons = { "other" }, .nreasons = 1 };
	struct mr_store *st = NULL;
	struct mr_err err = { 0 };
	sqlite3_stmt *stmt = NULL;
	unsigned char md[32];
	unsigned int mdlen = 0;
	char path[512], hex[65];
	int64_t id;

	if (fuzz_scratch("api.db", path, sizeof path) == NULL ||
	    mr_store_open(path, &st, &err) == -1 ||
	    mr_user_add(st, "fuzz", MR_ROLE_ADMIN, NULL, 0, NULL, &id,
	    &err) == -1 || mr_case_add(st, &in, 1, &id, &err) == -1 ||
	    EVP_Digest(FUZZ_API_TOKEN, strlen(FUZZ_API_TOKEN), md, &mdlen,
	    EVP_sha256(), NULL) != 1) {
		fprintf(stderr, "fuzz_http: %s\n", err.msg);
		abort();
	}
	/* The token as mipsreview keeps one: the SHA-256 of it, in hex. */
	mr_hex(md, sizeof md, hex);
	if (mr_store_prepare(st, "INSERT INTO account_token (account_id, "
	    "token_hash, created_at) VALUES (1, ?1, '2024-10-01T12:00:00Z')",
	    &stmt, &err) == -1)
		abort();
	sqlite3_bind_text(stmt, 1, hex, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		abort();
	sqlite3_finalize(stmt);
	mr_store_close(st);
	if (api_init(path, "UTC", 0) == -1)
		abort();
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
	api_database();
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
