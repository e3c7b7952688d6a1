/*
 * The daemon's request path, whole: libmicrohttpd's parser and
 * daemon/http.c's routing, conditional requests and method checks.  Each
 * input is the bytes a client sends on one connection, handed to the
 * server through a socket pair; the harness reads whatever comes back
 * until the server closes.  One feed is published, so inputs naming its
 * token reach the calendar responses; the JSON API has a database with an
 * admin whose token (FUZZ_API_TOKEN, the seeds' bearer token) opens every
 * route and a case, so inputs reach its query and body parsers.
 *
 * The pages under /app share that database, with two signed-in sessions
 * whose cookies and CSRF tokens the seeds carry: the admin's
 * (FUZZ_SID_ADMIN) and an officer's limited to TIN 123456789
 * (FUZZ_SID_OFFICER), so that inputs reach the query strings of every
 * page and the form and multipart parsers of every form past the CSRF
 * check, a case, a filing, a window and a feed of each side of the scope.
 * A sign-out ends a session: each input starts with both alive again.
 *
 * With FUZZ_HTTP_TRACE naming a file, each input appends its request line
 * and the status line of the answer, for tests/fuzz/http_reach.sh to
 * check that the seeds reach the handlers they are meant for.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include <sqlite3.h>

#include "daemon/api.h"
#include "daemon/http.h"
#include "daemon/log.h"
#include "daemon/web_http.h"
#include "lib/mr_case.h"
#include "lib/mr_crypto.h"
#include "lib/mr_feed.h"
#include "lib/mr_hardship.h"
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

/*
 * The session cookies of the seed corpus's /app requests; their CSRF
 * tokens are derived from them (mr_session_csrf):
 * yYtJwSJRKcrMv95k5vFdqG5JKotCnC9aGGlONgYFMew for the admin's,
 * THdrX_OaRVOg6YtYLrgVZE6e0v5P1ZDnwnSAx4tq2HY for the officer's.
 */
#define FUZZ_SID_ADMIN		"Kz4FXhXvlAK_i6qRzJiHCuRe4ivelvZi8fvfktXm6rE"
#define FUZZ_SID_OFFICER	"q0fficerFuzzSessionq0fficerFuzzSessionq0ffi"

/* The SHA-256 of secret in hex, as mipsreview keeps tokens and sessions. */
static void
secret_hex(const char *secret, char hex[65])
{
	mr_sha256_hex(secret, strlen(secret), hex);
}

static void
exec_sql(struct mr_store *st, const char *sql, const char *text,
    int64_t num)
{
	struct mr_err err = { 0 };
	sqlite3_stmt *stmt = NULL;

	if (mr_store_prepare(st, sql, &stmt, &err) == -1) {
		fprintf(stderr, "fuzz_http: %s\n", err.msg);
		abort();
	}
	if (text != NULL)
		sqlite3_bind_text(stmt, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, num);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		fprintf(stderr, "fuzz_http: %s\n", sqlite3_errmsg(mr_store_db(st)));
		abort();
	}
	sqlite3_finalize(stmt);
}

/* The harness's own connection: it brings the sessions back to life. */
static struct mr_store *own;

/* Both sessions alive and fresh, whatever the last input did to them. */
static void
sessions_alive(void)
{
	exec_sql(own, "UPDATE account_session SET ended_at = NULL, "
	    "created_at = ?2, last_seen_at = ?2", NULL, (int64_t)time(NULL));
}

/*
 * A database for the API and the pages: an admin with FUZZ_API_TOKEN and
 * a session, an officer of TIN 123456789 with a session; case 1, filing 1
 * and feed 1 of that TIN, case 2 and filing 2 of another.
 */
static void
app_database(void)
{
	static const char *const tin_a[] = { "123456789" };
	/* Case 1 may become ready and has the scores a what-if needs. */
	struct mr_case_input in = { .tin = "123456789", .name = "Dr. Fuzz",
	    .year = "2023", .reasons = { "other" }, .nreasons = 1,
	    .legal_name = "Fuzz MD", .requester_role = "clinician",
	    .explanation = "scored twice", .score = "60", .quality = "80",
	    .cost = "50", .ia = "40", .pi = "70" };
	struct mr_hardship_input hin = { .tin = "123456789", .year = "2023",
	    .type = "euc", .categories = "quality", .event = "a storm" };
	struct mr_store *st = NULL;
	struct mr_err err = { 0 };
	char path[512], tmp[512], hex[65], token[64];
	int64_t id, admin, officer;

	if (fuzz_scratch("api.db", path, sizeof path) == NULL ||
	    mr_store_open(path, &st, &err) == -1 ||
	    mr_user_add(st, "fuzz", MR_ROLE_ADMIN, NULL, 0, NULL, &admin,
	    &err) == -1 || mr_user_add(st, "fuzzoff", MR_ROLE_OFFICER, tin_a,
	    1, NULL, &officer, &err) == -1 ||
	    mr_case_add(st, &in, 1, &id, &err) == -1 ||
	    mr_hardship_add(st, &hin, &id, NULL, &err) == -1 ||
	    mr_feed_add_for(st, officer, "fuzz-feed", "123456789", 0, token,
	    sizeof token, &id, &err) == -1) {
		fprintf(stderr, "fuzz_http: %s\n", err.msg);
		abort();
	}
	in.tin = hin.tin = "987654321";
	in.name = "Dr. Other";
	if (mr_case_add(st, &in, 1, &id, &err) == -1 ||
	    mr_hardship_add(st, &hin, &id, NULL, &err) == -1) {
		fprintf(stderr, "fuzz_http: %s\n", err.msg);
		abort();
	}
	secret_hex(FUZZ_API_TOKEN, hex);
	exec_sql(st, "INSERT INTO account_token (account_id, token_hash, "
	    "created_at) VALUES (?2, ?1, '2024-10-01T12:00:00Z')", hex, admin);
	secret_hex(FUZZ_SID_ADMIN, hex);
	exec_sql(st, "INSERT INTO account_session (id_hash, account_id, "
	    "created_at, last_seen_at) VALUES (?1, ?2, 0, 0)", hex, admin);
	secret_hex(FUZZ_SID_OFFICER, hex);
	exec_sql(st, "INSERT INTO account_session (id_hash, account_id, "
	    "created_at, last_seen_at) VALUES (?1, ?2, 0, 0)", hex, officer);
	own = st;
	sessions_alive();
	/* Uploads and packets pass through TMPDIR: the scratch folder's,
	 * so that what an input cut short leaves goes with it at exit. */
	if (fuzz_scratch("api.db", path, sizeof path) == NULL ||
	    fuzz_scratch("tmp", tmp, sizeof tmp) == NULL ||
	    (mkdir(tmp, 0700) == -1 && errno != EEXIST) ||
	    setenv("TMPDIR", tmp, 1) == -1)
		abort();
	if (api_init(path, "UTC", 0) == -1 ||
	    web_http_init(path, "UTC", "http://127.0.0.1:8090/") == -1)
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
	app_database();
}

/* FUZZ_HTTP_TRACE: the request line, a tab, the answer's status line. */
static void
trace(const uint8_t *data, size_t size, const char *answer, size_t len)
{
	const char *path = getenv("FUZZ_HTTP_TRACE");
	size_t req = 0, st = 0;
	FILE *fp;

	if (path == NULL || (fp = fopen(path, "a")) == NULL)
		return;
	while (req < size && req < 200 && data[req] != '\r' &&
	    data[req] != '\n')
		req++;
	while (st < len && answer[st] != '\r' && answer[st] != '\n')
		st++;
	fprintf(fp, "%.*s\t%.*s\n", (int)req, (const char *)data, (int)st,
	    answer);
	fclose(fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int started;
	static unsigned int peer;
	char ip[32], buf[65536], first[256];
	size_t sent = 0, firstlen = 0;
	int sv[2], eof = 0, waits = 0;
	int patient = getenv("FUZZ_HTTP_TRACE") != NULL;

	if (!started) {
		start();
		started = 1;
	}
	sessions_alive();
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
		 * 20 ms of silence ends the input.  (The server goes on with a
		 * request it has whole, so its handler runs all the same.)
		 * A trace waits up to 10 s for the answer's first bytes, so that
		 * a slow page under sanitizers is still seen answering.
		 */
		if (poll(&p, 1, 20) <= 0) {
			if (sent == size && (!patient || firstlen > 0 ||
			    ++waits > 500))
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
			if (n > 0 && firstlen < sizeof first) {
				size_t k = (size_t)n < sizeof first - firstlen ?
				    (size_t)n : sizeof first - firstlen;

				memcpy(first + firstlen, buf, k);
				firstlen += k;
			}
		}
	}
	close(sv[0]);
	trace(data, size, first, firstlen);
	return 0;
}
