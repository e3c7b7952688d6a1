#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "daemon/api.h"
#include "daemon/auth.h"
#include "daemon/log.h"
#include "lib/mr_buf.h"
#include "lib/mr_case.h"
#include "lib/mr_checklist.h"
#include "lib/mr_deadline.h"
#include "lib/mr_hardship.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"
#include "lib/mr_user.h"
#include "lib/mr_view.h"
#include "lib/mr_when.h"
#include "lib/mr_window.h"

#define API_PREFIX	"/api/v1/"
/* A change is a small JSON object: notes and explanations fit. */
#define BODY_MAX	(64 * 1024)
/* Items per page of a list (cases, filings, windows): by default, and at most. */
#define PAGE_DEFAULT	100
#define PAGE_MAX	1000

/*
 * The CLI's exit statuses (mipsreview(1)), which errors carry as their
 * "status" so that a script reads the same meaning from either.
 */
enum {
	ST_FAIL = 1, ST_USAGE = 2, ST_INVALID = 3, ST_NOTFOUND = 4,
	ST_REFUSED = 5, ST_DB = 6, ST_INTEGRITY = 7,
};

static char *db_path, *zone;
static time_t fixed_now;
static struct mr_store *st;

struct api_req {
	struct api_req	*prev, *next;
	int		 post;
	int		 too_big;
	struct mr_buf	 body;
};

/* The requests under way, so that api_done() knows its own. */
static struct api_req *live;
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;

int
api_init(const char *path, const char *default_zone, time_t now)
{
	char *p = strdup(path), *z = strdup(default_zone ? default_zone : "UTC");

	if (p == NULL || z == NULL) {
		free(p);
		free(z);
		return -1;
	}
	free(db_path);
	free(zone);
	db_path = p;
	zone = z;
	fixed_now = now;
	return 0;
}

void
api_stop(void)
{
	mr_store_close(st);
	st = NULL;
	free(db_path);
	free(zone);
	db_path = zone = NULL;
}

int
api_owns(const char *url)
{
	return strcmp(url, "/api") == 0 || strncmp(url, "/api/", 5) == 0;
}

int
api_done(void *state)
{
	struct api_req *q, *rq = state;

	pthread_mutex_lock(&live_lock);
	for (q = live; q != NULL && q != rq; q = q->next)
		;
	if (q != NULL) {
		if (q->prev != NULL)
			q->prev->next = q->next;
		else
			live = q->next;
		if (q->next != NULL)
			q->next->prev = q->prev;
	}
	pthread_mutex_unlock(&live_lock);
	if (q == NULL)
		return 0;
	mr_buf_free(&q->body);
	free(q);
	return 1;
}

static int
exit_status(enum mr_errcode code)
{
	switch (code) {
	case MR_EINVAL:
		return ST_INVALID;
	case MR_ENOTFOUND:
		return ST_NOTFOUND;
	case MR_ECONFLICT:
		return ST_REFUSED;
	case MR_EDB:
		return ST_DB;
	case MR_EINTEGRITY:
		return ST_INTEGRITY;
	default:
		return ST_FAIL;
	}
}

static unsigned int
http_status(enum mr_errcode code)
{
	switch (code) {
	case MR_EINVAL:
		return MHD_HTTP_UNPROCESSABLE_CONTENT;
	case MR_ENOTFOUND:
		return MHD_HTTP_NOT_FOUND;
	case MR_ECONFLICT:
		return MHD_HTTP_CONFLICT;
	case MR_EDB:
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	default:
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

/*
 * The headers of every API response: nothing may frame it, sniff it into
 * another type, or keep a copy of it.
 */
static void
headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

/* Send body (len bytes, malloc'd, consumed) as the JSON answer. */
static enum MHD_Result
send_body(struct MHD_Connection *c, unsigned int status, char *body,
    size_t len, const char *allow, int challenge)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	if ((r = MHD_create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_FREE)) == NULL) {
		free(body);
		return MHD_NO;
	}
	headers(r);
	if (allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	if (challenge)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"mipsreviewd\"");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* Send v (consumed) printed as the CLI's --json prints it. */
static enum MHD_Result
send_json(struct MHD_Connection *c, unsigned int status, json_t *v,
    const char *allow, int challenge)
{
	char *s = NULL, *body = NULL;
	size_t len;

	if (v != NULL)
		s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		    JSON_REAL_PRECISION(10));
	json_decref(v);
	if (s == NULL) {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		if ((s = strdup("{\"error\": \"out of memory\", \"status\": 1}"))
		    == NULL)
			return MHD_NO;
	}
	len = strlen(s);
	if ((body = realloc(s, len + 2)) == NULL) {
		free(s);
		return MHD_NO;
	}
	body[len++] = '\n';
	body[len] = '\0';
	return send_body(c, status, body, len, allow, challenge);
}

static enum MHD_Result send_error(struct MHD_Connection *, unsigned int,
    int, const char *, ...) __attribute__((format(printf, 4, 5)));

static enum MHD_Result
send_error(struct MHD_Connection *c, unsigned int status, int exit,
    const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return send_json(c, status, json_pack("{s:s, s:i}", "error", msg,
	    "status", exit), NULL, status == MHD_HTTP_UNAUTHORIZED);
}

static enum MHD_Result
send_err(struct MHD_Connection *c, const struct mr_err *err)
{
	if (err->code == MR_EDB || err->code == MR_EFAIL)
		log_warnx("api: %s", err->msg);
	return send_error(c, http_status(err->code), exit_status(err->code),
	    "%s", err->msg);
}

/* One request: who asks, what it asks for, the view it is answered with. */
struct call {
	struct MHD_Connection	*c;
	struct mr_principal	 p;
	enum auth_via		 via;
	struct mr_view		*view;
	json_t			*body;	/* a change's JSON object */
};

static const char *
arg(const struct call *k, const char *name)
{
	return MHD_lookup_connection_value(k->c, MHD_GET_ARGUMENT_KIND, name);
}

struct arg_check {
	const char *const *known;
	char		 bad[80];
};

static enum MHD_Result
check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct arg_check *a = cls;

	(void)kind;
	(void)value;
	for (size_t i = 0; a->known[i] != NULL; i++)
		if (strcmp(key, a->known[i]) == 0)
			return MHD_YES;
	snprintf(a->bad, sizeof a->bad, "%s", key);
	return MHD_NO;
}

/* 0, or -1 with the unknown parameter's name in bad (a typo must not widen a filter). */
static int
args_known(const struct call *k, const char *const *known, char *bad,
    size_t len)
{
	struct arg_check a = { .known = known };

	MHD_get_connection_values(k->c, MHD_GET_ARGUMENT_KIND, check_arg, &a);
	snprintf(bad, len, "%s", a.bad);
	return a.bad[0] ? -1 : 0;
}

static int
parse_int(const char *s, long long lo, long long hi, long long *out)
{
	char *end;

	if (s == NULL || *s == '\0' || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *out >= lo && *out <= hi ? 0 : -1;
}

/*
 * Where a page begins: just after the item of this cursor, the "next" of
 * the previous page.  All zero: the first page.
 */
struct cursor {
	long long	 at;		/* the item's closing instant */
	char		 what[12];	/* "case" or "hardship"; "" in a list of one kind */
	int64_t		 id;		/* 0: no item */
	long long	 undated;	/* due: entries with no deadline already shown */
};

/* The cursors, one for each order a list comes in. */
enum cursor_shape {
	BY_ID,		/* ID: cases, filings */
	BY_CLOSING,	/* EPOCH-ID: windows, soonest closing first */
	BY_DUE,		/* EPOCH-WHAT-ID, then undated-N: due */
};

/*
 * A list's page: what was asked (limit, after) and what is answered.  A
 * list stops at the first item past the page (or reads one more than the
 * page), which says that there is a next page.
 */
struct page {
	int		 limit;		/* 1 to PAGE_MAX, default PAGE_DEFAULT */
	struct cursor	 after;
	int		 shown;
	int		 more;		/* an item follows the page */
	char		 next[64];	/* the cursor of the last item shown */
};

/* s as a cursor of shape into *c; -1 if it is none. */
static int
cursor_read(const char *s, enum cursor_shape shape, struct cursor *c)
{
	char at[24], what[12] = "", id[24];
	long long a, i;
	int ok;

	switch (shape) {
	case BY_ID:
		if (parse_int(s, 0, INT64_MAX, &i) == -1)
			return -1;
		c->id = i;
		return 0;
	case BY_DUE:
		if (strncmp(s, "undated-", 8) == 0) {
			if (parse_int(s + 8, 1, INT64_MAX, &i) == -1)
				return -1;
			c->undated = i;
			return 0;
		}
		ok = sscanf(s, "%23[0-9]-%11[a-z]-%23[0-9]", at, what, id) == 3 &&
		    (strcmp(what, "case") == 0 || strcmp(what, "hardship") == 0);
		break;
	default:
		ok = sscanf(s, "%23[0-9]-%23[0-9]", at, id) == 2;
		break;
	}
	/* Whole: nothing may follow the id. */
	if (!ok || strlen(at) + strlen(what) + strlen(id) + (what[0] ? 2 : 1)
	    != strlen(s) || parse_int(at, 0, INT64_MAX, &a) == -1 ||
	    parse_int(id, 1, INT64_MAX, &i) == -1)
		return -1;
	c->at = a;
	snprintf(c->what, sizeof c->what, "%s", what);
	c->id = i;
	return 0;
}

/*
 * The item closing at at (of kind what, "" in a list of one kind), id,
 * against the cursor c: <= 0 if it is at or before it, on a page shown.
 */
static int
cursor_cmp(const struct cursor *c, long long at, const char *what,
    int64_t id)
{
	int w;

	if (at != c->at)
		return at < c->at ? -1 : 1;
	if ((w = strcmp(what, c->what)) != 0)
		return w;
	return id < c->id ? -1 : id > c->id;
}

/*
 * The page asked for: limit (1 to PAGE_MAX, default PAGE_DEFAULT) and
 * after, a cursor of shape.  -1 after answering: a malformed page is a
 * usage error, as an option the CLI does not know.
 */
static int
page_args(struct call *k, enum cursor_shape shape, struct page *pg,
    enum MHD_Result *rc)
{
	const char *v;
	long long n;

	memset(pg, 0, sizeof *pg);
	pg->limit = PAGE_DEFAULT;
	if ((v = arg(k, "limit")) != NULL) {
		if (parse_int(v, 1, PAGE_MAX, &n) == -1) {
			*rc = send_error(k->c, 400, ST_USAGE, "limit '%s': a "
			    "number of items from 1 to %d is expected",
			    v, PAGE_MAX);
			return -1;
		}
		pg->limit = (int)n;
	}
	if ((v = arg(k, "after")) != NULL &&
	    cursor_read(v, shape, &pg->after) == -1) {
		*rc = send_error(k->c, 400, ST_USAGE, "after '%.40s': the "
		    "\"next\" of the previous page is expected; leave it out "
		    "for the first page", v);
		return -1;
	}
	return 0;
}

/*
 * 1 once the page holds its limit, the item met now marking that there
 * is a next page; 0 while there is room.
 */
static int
page_full(struct page *pg)
{
	if (pg->shown < pg->limit)
		return 0;
	pg->more = 1;
	return 1;
}

static void page_took(struct page *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* An item shown on the page, its cursor written by fmt. */
static void
page_took(struct page *pg, const char *fmt, ...)
{
	va_list ap;

	pg->shown++;
	va_start(ap, fmt);
	vsnprintf(pg->next, sizeof pg->next, fmt, ap);
	va_end(ap);
}

/* {"NAME": items, "next": "CURSOR" or null}: every list's page. */
static enum MHD_Result
send_page(struct call *k, const char *name, json_t *items,
    const struct page *pg)
{
	return send_json(k->c, 200, json_pack("{s:o, s:o}", name, items,
	    "next", pg->more ? json_string(pg->next) : json_null()), NULL, 0);
}

/* A yes/no parameter: absent, "0" or "false" is no. */
static int
flag(const struct call *k, const char *name)
{
	const char *v = arg(k, name);

	return v != NULL && strcmp(v, "0") != 0 && strcmp(v, "false") != 0;
}

/* The view for this caller: ?zone= and ?reveal= of the request. */
static int
make_view(struct call *k, const char *view_zone)
{
	struct mr_view_opts o = {
		.now = fixed_now ? fixed_now : time(NULL),
		.zone = view_zone ? view_zone : zone,
		.reveal = flag(k, "reveal"),
	};

	return (k->view = mr_view_new(st, &o)) == NULL ? -1 : 0;
}

/*
 * A TIN (9 digits) outside the caller's scope: refused, the TIN masked as
 * everywhere it is shown, so that the answer repeats no whole identifier.
 */
static enum MHD_Result
tin_refused(struct call *k, const char *tin)
{
	char masked[16];

	mr_tin_mask(tin, masked, sizeof masked);
	return send_error(k->c, 403, ST_REFUSED, "TIN %s is not among the "
	    "TINs of account '%s'; an admin can widen it with 'mipsreview "
	    "user set %s --tin TIN'", masked, k->p.name, k->p.name);
}

/*
 * The caller's TINs as a filter takes them, so that the scope is part of
 * the query: *tins (free() it) and *n, or NULL and 0 for an account of
 * every TIN.  -1 out of memory.
 */
static int
scope_tins(const struct call *k, const char ***tins, int *n)
{
	*tins = NULL;
	*n = 0;
	if (k->p.all_tins)
		return 0;
	if ((*tins = calloc((size_t)k->p.ntins, sizeof **tins)) == NULL)
		return -1;
	for (int i = 0; i < k->p.ntins; i++)
		(*tins)[i] = k->p.tins[i];
	*n = k->p.ntins;
	return 0;
}

/*
 * ?tin= of a list, if given: its 9 digits into tin (10 bytes) and *out,
 * if the caller may see it.  -1 after answering.
 */
static int
tin_arg(struct call *k, char *tin, const char **out, enum MHD_Result *rc)
{
	struct mr_err err = { 0 };
	const char *v = arg(k, "tin");

	if (v == NULL)
		return 0;
	if (mr_tin_normalize(v, tin, 10, &err) == -1) {
		*rc = send_err(k->c, &err);
		return -1;
	}
	if (!mr_user_scope_allows(&k->p, tin)) {
		*rc = tin_refused(k, tin);
		return -1;
	}
	*out = tin;
	return 0;
}

/* ?year= of a list, if given, into *year.  -1 after answering. */
static int
year_arg(struct call *k, int *year, enum MHD_Result *rc)
{
	const char *v = arg(k, "year");
	long long n;

	if (v == NULL)
		return 0;
	if (parse_int(v, 2017, 9999, &n) == -1) {
		*rc = send_error(k->c, 422, ST_INVALID, "year '%s': a "
		    "performance year such as 2024 is expected", v);
		return -1;
	}
	*year = (int)n;
	return 0;
}

/* ---- due ---- */

/* The most an undated list may take in memory before it is refused. */
#define UNDATED_MAX	(256u << 20)

struct due_out {
	struct call	*k;
	json_t		*array;
	struct mr_buf	*stream;	/* undated: element by element */
	long long	 n;
	/*
	 * A page (limit or after given): the dated items soonest first, then
	 * what has no deadline, as due --json orders them.  The cursor is the
	 * last dated item's "EPOCH-WHAT-ID", or "undated-N" once N of the
	 * entries with no deadline (a handful of groups and filings) are shown.
	 */
	int		 paged;
	struct page	 pg;
	long long	 undated;	/* entries with no deadline met so far */
	int		 failed;
};

/*
 * In a page: 1 if v (consumed) was added, 0 if it is before the cursor or
 * the page is full (more set), -1 out of memory.  at/what/id say what v
 * is: a dated item, or (what NULL) an entry with no deadline.
 */
static int
page_add(struct due_out *o, json_t *v, long long at, const char *what,
    int64_t id)
{
	if ((what != NULL && o->pg.after.id != 0 &&
	    cursor_cmp(&o->pg.after, at, what, id) <= 0) ||
	    page_full(&o->pg) ||
	    (what == NULL && ++o->undated <= o->pg.after.undated)) {
		json_decref(v);
		return 0;
	}
	if (v == NULL || json_array_append_new(o->array, v) != 0) {
		o->failed = 1;
		return -1;
	}
	if (what != NULL)
		page_took(&o->pg, "%lld-%s-%lld", at, what, (long long)id);
	else
		page_took(&o->pg, "undated-%lld", o->undated);
	return 1;
}

/*
 * One element as due --undated --json prints it: compact, one a line,
 * so that the API's bytes are the CLI's.
 */
static int
stream_one(struct due_out *o, json_t *v)
{
	char *s;
	int rc;

	if (v == NULL) {
		o->failed = 1;
		return 1;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(v);
	if (s == NULL) {
		o->failed = 1;
		return 1;
	}
	rc = mr_buf_printf(o->stream, "%s%s", o->n++ > 0 ? ",\n" : "[\n", s);
	free(s);
	o->failed |= rc != 0;
	return rc == 0 ? 0 : 1;
}

/* Append an element whole, or stop the walk with the answer failed: a
 * list cut short must never go out as if it were all. */
static int
array_one(struct due_out *o, json_t *v)
{
	if (json_array_append_new(o->array, v) == 0)
		return 0;
	o->failed = 1;
	return 1;
}

static int
due_one(const struct mr_deadline_item *it, void *arg_)
{
	struct due_out *o = arg_;

	if (!mr_user_scope_allows(&o->k->p, it->tin))
		return 0;
	if (o->stream != NULL)
		return stream_one(o, mr_view_due_item(o->k->view, it));
	if (o->paged)
		return page_add(o, mr_view_due_item(o->k->view, it),
		    it->undated ? 0 : (long long)it->closes_at,
		    it->undated ? NULL : it->what, it->id) == -1 || o->pg.more;
	return array_one(o, mr_view_due_item(o->k->view, it));
}

static int
due_group(const struct mr_deadline_group *g, void *arg_)
{
	struct due_out *o = arg_;

	if (o->paged)
		return page_add(o, mr_view_due_group(o->k->view, g), 0, NULL,
		    0) == -1 || o->pg.more;
	return array_one(o, mr_view_due_group(o->k->view, g));
}

/* undated: every item with no known deadline, as due --undated --json. */
static enum MHD_Result
get_due_undated(struct call *k, struct mr_deadline_filter *f)
{
	struct mr_buf b;
	struct due_out o = { .k = k, .stream = &b };
	struct mr_err err = { 0 };
	char *body;
	size_t len;
	int rc = 0;

	mr_buf_init(&b, UNDATED_MAX);
	if (k->p.all_tins)
		rc = mr_deadline_each_undated(st, f, due_one, &o, &err);
	else
		for (int i = 0; rc == 0 && i < k->p.ntins; i++) {
			f->tin = k->p.tins[i];
			rc = mr_deadline_each_undated(st, f, due_one, &o, &err);
		}
	if (rc == -1 || o.failed) {
		mr_buf_free(&b);
		if (rc == -1)
			return send_err(k->c, &err);
		return send_error(k->c, 500, ST_FAIL, "the list of items with "
		    "no deadline is too long for one answer; narrow it with "
		    "'mipsreview due --undated --tin TIN'");
	}
	mr_buf_printf(&b, "%s", o.n > 0 ? "\n]\n" : "[]\n");
	if ((body = mr_buf_take(&b, &len)) == NULL) {
		mr_buf_free(&b);
		return send_error(k->c, 500, ST_FAIL, "the list of items with "
		    "no deadline is too long for one answer; narrow it with "
		    "'mipsreview due --undated --tin TIN'");
	}
	return send_body(k->c, 200, body, len, NULL, 0);
}

static enum MHD_Result
get_due(struct call *k)
{
	static const char *const known[] = { "all", "zone", "reveal", "within",
	    "overdue", "undated", "after", "limit", NULL };
	struct mr_deadline_filter f = { 0 };
	struct due_out o = { .k = k };
	struct mr_err err = { 0 };
	const char *z = arg(k, "zone"), *v;
	const char **tins = NULL;
	char bad[80];
	int rc = 0, undated, ntins;
	enum MHD_Result sent;

	if (args_known(k, known, bad, sizeof bad) == -1)
		return send_error(k->c, 400, ST_USAGE, "unknown parameter "
		    "'%s': due takes within, overdue, all, undated, zone, "
		    "after, limit and reveal", bad);
	/* Pages only when asked: without them, due --json's bytes. */
	o.paged = arg(k, "limit") != NULL || arg(k, "after") != NULL;
	if (o.paged && page_args(k, BY_DUE, &o.pg, &sent) == -1)
		return sent;
	if (o.paged && flag(k, "undated"))
		return send_error(k->c, 400, ST_USAGE, "undated lists the "
		    "items with no deadline whole: after and limit page the "
		    "due list, which ends with them");
	if ((v = arg(k, "within")) != NULL) {
		if (mr_when_parse_duration(v, &f.within, &err) == -1)
			return send_err(k->c, &err);
		if (f.within == 0)
			return send_error(k->c, 422, ST_INVALID, "within '%s': "
			    "a span longer than zero is expected", v);
	}
	f.overdue_only = flag(k, "overdue");
	undated = flag(k, "undated");
	/* The CLI's usage errors, with the parameters' names. */
	if (undated && (f.within || f.overdue_only))
		return send_error(k->c, 400, ST_USAGE, "undated lists the "
		    "items with no deadline: within and overdue do not apply");
	if (f.overdue_only && f.within)
		return send_error(k->c, 400, ST_USAGE, "overdue and within "
		    "exclude each other");
	if (z != NULL && mr_when_zone_valid(z, &err) == -1)
		return send_err(k->c, &err);
	f.include_closed = flag(k, "all");
	if (make_view(k, z) == -1)
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	if (undated)
		return get_due_undated(k, &f);
	if ((o.array = json_array()) == NULL ||
	    scope_tins(k, &tins, &ntins) == -1) {
		json_decref(o.array);
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	}
	/* within and overdue count from the view's moment, as the CLI's
	 * from its clock (MIPSREVIEW_NOW in tests). */
	if (fixed_now)
		mr_store_set_now(st, fixed_now);
	/* A page's cursor: the indexes start at its instant. */
	f.closing_from = (time_t)o.pg.after.at;
	/* The scope is part of the query, read by the index by TIN: an
	 * account of one TIN reads that TIN's deadlines, of several theirs
	 * (due_one's check is a second lock). */
	if (ntins == 1)
		f.tin = tins[0];
	f.tins = ntins > 1 ? tins : NULL;
	f.ntins = ntins > 1 ? ntins : 0;
	/* Past the dated items, a page begins with those with no deadline. */
	if (o.pg.after.undated == 0)
		rc = mr_deadline_each(st, &f, due_one, &o, &err);
	if (fixed_now)
		mr_store_unset_now(st);
	f.tins = NULL;
	f.ntins = 0;
	if (o.pg.more || o.failed)
		;
	else if (rc == 0 && ntins == 0)
		rc = mr_deadline_undated_summary(st, &f, due_group, due_one,
		    &o, &err);
	else
		/* Groups count cases: one TIN at a time, so counts of other
		 * TINs never show. */
		for (int i = 0; rc == 0 && !o.pg.more && !o.failed &&
		    i < ntins; i++) {
			f.tin = tins[i];
			rc = mr_deadline_undated_summary(st, &f, due_group,
			    due_one, &o, &err);
		}
	free(tins);
	if (rc == -1 || o.failed) {
		json_decref(o.array);
		if (rc == -1)
			return send_err(k->c, &err);
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	}
	if (o.paged)
		return send_page(k, "due", o.array, &o.pg);
	return send_json(k->c, 200, o.array, NULL, 0);
}

/* ---- cases ---- */

struct cases_out {
	struct call	*k;
	json_t		*array;
	struct page	 pg;
	struct mr_err	 err;
};

static int
case_one(const struct mr_case *c, void *arg_)
{
	struct cases_out *o = arg_;
	json_t *v;

	if (page_full(&o->pg))
		return 1;
	if ((v = mr_view_case(o->k->view, c, &o->err)) == NULL ||
	    json_array_append_new(o->array, v) != 0)
		return -1;
	page_took(&o->pg, "%lld", (long long)c->id);
	return 0;
}

static enum MHD_Result
get_cases(struct call *k)
{
	static const char *const known[] = { "tin", "status", "year",
	    "reason", "npi", "open", "after", "limit", "reveal", NULL };
	struct mr_case_filter f = { 0 };
	struct cases_out o = { .k = k };
	struct mr_err err = { 0 };
	const char *v;
	const char **tins = NULL;
	char tin[10], bad[80];
	unsigned int bit;
	enum MHD_Result rc;

	if (args_known(k, known, bad, sizeof bad) == -1)
		return send_error(k->c, 400, ST_USAGE, "unknown parameter "
		    "'%s': cases takes tin, status, year, reason, npi, open, "
		    "after, limit and reveal", bad);
	if (tin_arg(k, tin, &f.tin, &rc) == -1)
		return rc;
	if ((v = arg(k, "status")) != NULL) {
		if (!mr_state_valid(v))
			return send_error(k->c, 422, ST_INVALID, "status '%s': "
			    "draft, ready, submitted, documents-requested, "
			    "approved, denied, closed or withdrawn is "
			    "expected", v);
		f.status = v;
	}
	if (year_arg(k, &f.year, &rc) == -1)
		return rc;
	/* Any of several reasons, as list's repeated --reason: a,b. */
	if ((v = arg(k, "reason")) != NULL) {
		char one[64];

		for (const char *p = v;; p += strcspn(p, ",") + 1) {
			snprintf(one, sizeof one, "%.*s", (int)strcspn(p, ","),
			    p);
			if (mr_reason_parse(one, &bit, &err) == -1)
				return send_err(k->c, &err);
			f.reasons |= bit;
			if (p[strcspn(p, ",")] == '\0')
				break;
		}
	}
	if ((v = arg(k, "npi")) != NULL) {
		if (mr_npi_validate(v, &err) == -1)
			return send_err(k->c, &err);
		f.npi = v;
	}
	f.open_only = flag(k, "open");
	if (page_args(k, BY_ID, &o.pg, &rc) == -1)
		return rc;
	f.after_id = o.pg.after.id;
	if (f.tin == NULL && scope_tins(k, &tins, &f.ntins) == -1)
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	f.tins = tins;
	/* One more than the page, to know whether there is a next one. */
	f.limit = o.pg.limit + 1;
	if (make_view(k, NULL) == -1 || (o.array = json_array()) == NULL) {
		free(tins);
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	}
	if (mr_case_list(st, &f, case_one, &o, &err) == -1 || o.err.code) {
		free(tins);
		json_decref(o.array);
		return send_err(k->c, o.err.code ? &o.err : &err);
	}
	free(tins);
	return send_page(k, "cases", o.array, &o.pg);
}

/*
 * Case id, if the caller may see it: one outside the scope is answered
 * as one that does not exist, with the same words.
 */
static int
scoped_case(struct call *k, int64_t id, struct mr_case *c, struct mr_err *err)
{
	if (mr_case_get(st, id, c, err) == -1)
		return -1;
	if (!mr_user_scope_allows(&k->p, c->tin)) {
		mr_case_release(c);
		return mr_err_set(err, MR_ENOTFOUND, "case %lld does not "
		    "exist; 'mipsreview list' shows the cases", (long long)id);
	}
	return 0;
}

static enum MHD_Result
get_case(struct call *k, int64_t id)
{
	static const char *const known[] = { "reveal", NULL };
	struct mr_case c;
	struct mr_err err = { 0 };
	json_t *o;
	char bad[80];

	if (args_known(k, known, bad, sizeof bad) == -1)
		return send_error(k->c, 400, ST_USAGE, "unknown parameter "
		    "'%s': a case takes reveal", bad);
	if (scoped_case(k, id, &c, &err) == -1)
		return send_err(k->c, &err);
	if (make_view(k, NULL) == -1) {
		mr_case_release(&c);
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	}
	o = mr_view_case_full(k->view, &c, &err);
	mr_case_release(&c);
	if (o == NULL)
		return send_err(k->c, &err);
	return send_json(k->c, 200, o, NULL, 0);
}

/* ---- hardship filings and windows ---- */

struct filings_out {
	struct call	*k;
	json_t		*array;
	struct page	 pg;
	int		 failed;
};

static int
filing_one(const struct mr_hardship *h, void *arg_)
{
	struct filings_out *o = arg_;

	/* The query holds the scope; this is its second lock. */
	if (!mr_user_scope_allows(&o->k->p, h->tin))
		return 0;
	if (page_full(&o->pg))
		return 1;
	if (json_array_append_new(o->array, mr_view_filing(o->k->view, h,
	    NULL)) != 0) {
		o->failed = 1;
		return 1;
	}
	page_took(&o->pg, "%lld", (long long)h->id);
	return 0;
}

static enum MHD_Result
get_hardship(struct call *k)
{
	static const char *const known[] = { "year", "status", "tin",
	    "after", "limit", "reveal", NULL };
	struct mr_hardship_filter f = { 0 };
	struct filings_out o = { .k = k };
	struct mr_err err = { 0 };
	const char **tins = NULL;
	char tin[10], bad[80];
	const char *v;
	enum MHD_Result rc;

	if (args_known(k, known, bad, sizeof bad) == -1)
		return send_error(k->c, 400, ST_USAGE, "unknown parameter "
		    "'%s': hardship takes year, status, tin, after, limit and "
		    "reveal", bad);
	if (page_args(k, BY_ID, &o.pg, &rc) == -1)
		return rc;
	f.after_id = o.pg.after.id;
	if (tin_arg(k, tin, &f.tin, &rc) == -1 ||
	    year_arg(k, &f.year, &rc) == -1)
		return rc;
	if ((v = arg(k, "status")) != NULL) {
		if (!mr_hardship_state_valid(v))
			return send_error(k->c, 422, ST_INVALID, "status '%s': "
			    "draft, submitted, approved, denied or withdrawn "
			    "is expected", v);
		f.status = v;
	}
	/* The scope goes into the query, so that every page is filled. */
	if (f.tin == NULL && scope_tins(k, &tins, &f.ntins) == -1)
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	f.tins = tins;
	/* One more than the page, to know whether there is a next one. */
	f.limit = o.pg.limit + 1;
	if (make_view(k, NULL) == -1 || (o.array = json_array()) == NULL) {
		free(tins);
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	}
	if (mr_hardship_list(st, &f, filing_one, &o, &err) == -1 ||
	    o.failed) {
		free(tins);
		json_decref(o.array);
		if (o.failed)
			return send_error(k->c, 500, ST_FAIL, "out of memory");
		return send_err(k->c, &err);
	}
	free(tins);
	return send_page(k, "filings", o.array, &o.pg);
}

/*
 * Windows come in window list's order, soonest closing first (then by
 * id), so a page's cursor is the last one's closing instant and id:
 * "EPOCH-ID".  A year has a handful of windows: the list is read from the
 * start and the rows up to the cursor skipped.
 */
struct windows_out {
	struct call	*k;
	json_t		*array;
	struct page	 pg;
	int		 failed;
};

static int
window_one(const struct mr_window *w, void *arg_)
{
	struct windows_out *o = arg_;

	if (o->pg.after.id != 0 && cursor_cmp(&o->pg.after,
	    (long long)w->closes_at, "", w->id) <= 0)
		return 0;
	if (page_full(&o->pg))
		return 1;
	if (json_array_append_new(o->array, mr_view_window(o->k->view,
	    w)) != 0) {
		o->failed = 1;
		return 1;
	}
	page_took(&o->pg, "%lld-%lld", (long long)w->closes_at,
	    (long long)w->id);
	return 0;
}

static enum MHD_Result
get_windows(struct call *k)
{
	static const char *const known[] = { "year", "kind", "after",
	    "limit", NULL };
	struct windows_out o = { .k = k };
	struct mr_err err = { 0 };
	const char *kind = arg(k, "kind");
	char bad[80];
	int year = 0;
	enum MHD_Result rc;

	if (args_known(k, known, bad, sizeof bad) == -1)
		return send_error(k->c, 400, ST_USAGE, "unknown parameter "
		    "'%s': windows takes year, kind, after and limit", bad);
	if (page_args(k, BY_CLOSING, &o.pg, &rc) == -1)
		return rc;
	if (year_arg(k, &year, &rc) == -1)
		return rc;
	if (kind != NULL && mr_window_kind_valid(kind, &err) == -1)
		return send_err(k->c, &err);
	if (make_view(k, NULL) == -1 || (o.array = json_array()) == NULL)
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	if (mr_window_each(st, year, kind, window_one, &o, &err) == -1 ||
	    o.failed) {
		json_decref(o.array);
		if (o.failed)
			return send_error(k->c, 500, ST_FAIL, "out of memory");
		return send_err(k->c, &err);
	}
	return send_page(k, "windows", o.array, &o.pg);
}

/* ---- changes ---- */

/*
 * The body's fields: each must be one of known, of the type wanted ('s'
 * string, 'b' boolean, 'a' array of strings); -1 after answering.
 */
static int
body_fields(struct call *k, const char *const *known, const char *types,
    enum MHD_Result *rc)
{
	const char *key;
	json_t *v;

	json_object_foreach(k->body, key, v) {
		size_t i;

		for (i = 0; known[i] != NULL; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (known[i] == NULL) {
			*rc = send_error(k->c, 400, ST_USAGE, "unknown field "
			    "'%s'", key);
			return -1;
		}
		if ((types[i] == 's' && !json_is_string(v)) ||
		    (types[i] == 'b' && !json_is_boolean(v)) ||
		    (types[i] == 'a' && !json_is_array(v))) {
			*rc = send_error(k->c, 400, ST_USAGE, "field '%s': "
			    "%s is expected", key, types[i] == 's' ?
			    "a string" : types[i] == 'b' ? "true or false" :
			    "an array of strings");
			return -1;
		}
	}
	return 0;
}

static const char *
field(const struct call *k, const char *name)
{
	return json_string_value(json_object_get(k->body, name));
}

/* Answer with the case as it is now, as show --json prints it. */
static enum MHD_Result
send_case(struct call *k, int64_t id, unsigned int status)
{
	struct mr_case c;
	struct mr_err err = { 0 };
	json_t *o;

	if (mr_case_get(st, id, &c, &err) == -1)
		return send_err(k->c, &err);
	if (make_view(k, NULL) == -1) {
		mr_case_release(&c);
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	}
	o = mr_view_case_full(k->view, &c, &err);
	mr_case_release(&c);
	if (o == NULL)
		return send_err(k->c, &err);
	return send_json(k->c, status, o, NULL, 0);
}

static enum MHD_Result
post_status(struct call *k, int64_t id)
{
	static const char *const known[] = { "state", "note", "requested_on",
	    "force", NULL };
	struct mr_case c;
	struct mr_err err = { 0 };
	const char *state;
	enum MHD_Result rc;

	if (body_fields(k, known, "sssb", &rc) == -1)
		return rc;
	if ((state = field(k, "state")) == NULL)
		return send_error(k->c, 400, ST_USAGE, "field 'state' is "
		    "expected, e.g. {\"state\": \"ready\"}");
	/* The scope check, the move and the evidence gate before ready are
	 * one transaction, as the CLI's status. */
	if (mr_store_begin(st, &err) == -1)
		return send_err(k->c, &err);
	if (scoped_case(k, id, &c, &err) == -1)
		goto fail;
	mr_case_release(&c);
	if (mr_case_move(st, id, state, field(k, "note"),
	    field(k, "requested_on"), &err) == -1 ||
	    (strcmp(state, "ready") == 0 && mr_checklist_gate_ready(st, id,
	    json_is_true(json_object_get(k->body, "force")), &err) == -1))
		goto fail;
	if (mr_store_commit(st, &err) == -1)
		return send_err(k->c, &err);
	return send_case(k, id, 200);
fail:
	mr_store_rollback(st);
	return send_err(k->c, &err);
}

static enum MHD_Result
post_note(struct call *k, int64_t id)
{
	static const char *const known[] = { "text", NULL };
	struct mr_case c;
	struct mr_err err = { 0 };
	enum MHD_Result rc;

	if (body_fields(k, known, "s", &rc) == -1)
		return rc;
	if (field(k, "text") == NULL)
		return send_error(k->c, 400, ST_USAGE, "field 'text' is "
		    "expected, e.g. {\"text\": \"called CMS\"}");
	if (mr_store_begin(st, &err) == -1)
		return send_err(k->c, &err);
	if (scoped_case(k, id, &c, &err) == -1)
		goto fail;
	mr_case_release(&c);
	if (mr_case_add_note(st, id, field(k, "text"), &err) == -1)
		goto fail;
	if (mr_store_commit(st, &err) == -1)
		return send_err(k->c, &err);
	return send_case(k, id, 201);
fail:
	mr_store_rollback(st);
	return send_err(k->c, &err);
}

/*
 * The case's own deadline, with where it comes from: what an officer
 * limited to some TINs does instead of moving a review window, which
 * would move every practice's deadline.
 */
static enum MHD_Result
post_deadline(struct call *k, int64_t id)
{
	static const char *const known[] = { "deadline", "source", NULL };
	struct mr_case c;
	struct mr_err err = { 0 };
	struct mr_buf a1, a2;
	const char *set[2];
	enum MHD_Result rc;

	if (body_fields(k, known, "ss", &rc) == -1)
		return rc;
	if (field(k, "deadline") == NULL || field(k, "source") == NULL)
		return send_error(k->c, 400, ST_USAGE, "fields 'deadline' and "
		    "'source' are expected, e.g. {\"deadline\": \"2024-10-31 "
		    "17:00 America/New_York\", \"source\": \"CMS e-mail of "
		    "2024-10-01\"}");
	mr_buf_init(&a1, BODY_MAX);
	mr_buf_init(&a2, BODY_MAX);
	mr_buf_printf(&a1, "deadline=%s", field(k, "deadline"));
	mr_buf_printf(&a2, "deadline_source=%s", field(k, "source"));
	set[0] = mr_buf_str(&a1);
	set[1] = mr_buf_str(&a2);
	if (mr_store_begin(st, &err) == -1)
		goto fail_nt;
	if (scoped_case(k, id, &c, &err) == -1)
		goto fail;
	mr_case_release(&c);
	if (mr_case_set(st, id, set, 2, 0, &err) == -1)
		goto fail;
	if (mr_store_commit(st, &err) == -1)
		goto fail_nt;
	mr_buf_free(&a1);
	mr_buf_free(&a2);
	return send_case(k, id, 200);
fail:
	mr_store_rollback(st);
fail_nt:
	mr_buf_free(&a1);
	mr_buf_free(&a2);
	return send_err(k->c, &err);
}

/* ---- one filing, one window ---- */

/* Filing id, if the caller may see it: else absent, in the same words. */
static int
scoped_filing(struct call *k, int64_t id, struct mr_hardship *h,
    struct mr_err *err)
{
	if (mr_hardship_get(st, id, h, err) == -1)
		return -1;
	if (!mr_user_scope_allows(&k->p, h->tin)) {
		mr_hardship_release(h);
		return mr_err_set(err, MR_ENOTFOUND, "filing %lld does not "
		    "exist; 'mipsreview hardship list' shows the filings",
		    (long long)id);
	}
	return 0;
}

/* Answer with the filing as hardship show --json prints it. */
static enum MHD_Result
send_filing(struct call *k, int64_t id, unsigned int status)
{
	struct mr_hardship h;
	struct mr_err err = { 0 };
	json_t *o;

	if (scoped_filing(k, id, &h, &err) == -1)
		return send_err(k->c, &err);
	if (make_view(k, NULL) == -1) {
		mr_hardship_release(&h);
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	}
	o = mr_view_filing(k->view, &h, NULL);
	mr_hardship_release(&h);
	return send_json(k->c, status, o, NULL, 0);
}

static enum MHD_Result
get_filing(struct call *k, int64_t id)
{
	static const char *const known[] = { "reveal", NULL };
	char bad[80];

	if (args_known(k, known, bad, sizeof bad) == -1)
		return send_error(k->c, 400, ST_USAGE, "unknown parameter "
		    "'%s': a filing takes reveal", bad);
	return send_filing(k, id, 200);
}

/* hardship status FILING STATE [--note TEXT] */
static enum MHD_Result
post_filing_status(struct call *k, int64_t id)
{
	static const char *const known[] = { "state", "note", NULL };
	struct mr_hardship h;
	struct mr_err err = { 0 };
	enum MHD_Result rc;

	if (body_fields(k, known, "ss", &rc) == -1)
		return rc;
	if (field(k, "state") == NULL)
		return send_error(k->c, 400, ST_USAGE, "field 'state' is "
		    "expected, e.g. {\"state\": \"submitted\"}");
	if (mr_store_begin(st, &err) == -1)
		return send_err(k->c, &err);
	if (scoped_filing(k, id, &h, &err) == -1)
		goto fail;
	mr_hardship_release(&h);
	if (mr_hardship_set_status(st, id, field(k, "state"), field(k, "note"),
	    &err) == -1)
		goto fail;
	if (mr_store_commit(st, &err) == -1)
		return send_err(k->c, &err);
	return send_filing(k, id, 200);
fail:
	mr_store_rollback(st);
	return send_err(k->c, &err);
}

/* hardship set FILING FIELD=VALUE...: the body's fields, all or nothing. */
static const char *const filing_fields[] = {
	"tin", "npi", "name", "participation", "year", "type", "categories",
	"submitted", "event", "window", "filed", "confirmation", "owner",
	"notes", NULL
};

static enum MHD_Result
post_filing_set(struct call *k, int64_t id)
{
	struct mr_hardship h;
	struct mr_err err = { 0 };
	struct mr_buf text[14];
	const char *set[14];
	const char *key;
	json_t *v;
	char tin[10], num[24];
	int n = 0;
	enum MHD_Result rc;

	/* Numbers may come as numbers, as hardship show --json prints them. */
	json_object_foreach(k->body, key, v)
		if (json_is_integer(v)) {
			snprintf(num, sizeof num, "%lld",
			    (long long)json_integer_value(v));
			json_object_set_new(k->body, key, json_string(num));
		}
	if (body_fields(k, filing_fields, "ssssssssssssss", &rc) == -1)
		return rc;
	if (json_object_size(k->body) == 0)
		return send_error(k->c, 400, ST_USAGE, "nothing to set: name "
		    "fields, e.g. {\"confirmation\": \"EUC-2024-0042\"}");
	if (field(k, "tin") != NULL && field(k, "tin")[0] != '\0') {
		if (mr_tin_normalize(field(k, "tin"), tin, sizeof tin,
		    &err) == -1)
			return send_err(k->c, &err);
		if (!mr_user_scope_allows(&k->p, tin))
			return tin_refused(k, tin);
	}
	for (int i = 0; filing_fields[i] != NULL; i++) {
		if (field(k, filing_fields[i]) == NULL)
			continue;
		mr_buf_init(&text[n], BODY_MAX);
		mr_buf_printf(&text[n], "%s=%s", filing_fields[i],
		    field(k, filing_fields[i]));
		set[n] = mr_buf_str(&text[n]);
		n++;
	}
	if (mr_store_begin(st, &err) == -1)
		goto out;
	if (scoped_filing(k, id, &h, &err) == -1) {
		mr_store_rollback(st);
		goto out;
	}
	mr_hardship_release(&h);
	if (mr_hardship_set(st, id, set, n, NULL, &err) == -1) {
		mr_store_rollback(st);
		goto out;
	}
	mr_store_commit(st, &err);
out:
	for (int i = 0; i < n; i++)
		mr_buf_free(&text[i]);
	if (err.code != MR_EOK)
		return send_err(k->c, &err);
	return send_filing(k, id, 200);
}

static enum MHD_Result
get_window(struct call *k, int64_t id)
{
	static const char *const known[] = { NULL };
	struct mr_window w;
	struct mr_err err = { 0 };
	json_t *o;
	char bad[80];

	if (args_known(k, known, bad, sizeof bad) == -1)
		return send_error(k->c, 400, ST_USAGE, "unknown parameter "
		    "'%s': a window takes none", bad);
	if (mr_window_get(st, id, &w, &err) == -1)
		return send_err(k->c, &err);
	if (make_view(k, NULL) == -1) {
		mr_window_release(&w);
		return send_error(k->c, 500, ST_FAIL, "out of memory");
	}
	o = mr_view_window(k->view, &w);
	mr_window_release(&w);
	return send_json(k->c, 200, o, NULL, 0);
}

/*
 * window extend WINDOW --closes TIME --source TEXT.  A window is every
 * practice's deadline: an account limited to some TINs is refused
 * (mr_user_may_change_windows), and the source is required.
 */
static enum MHD_Result
post_window_extend(struct call *k, int64_t id)
{
	static const char *const known[] = { "closes", "source", NULL };
	struct mr_err err = { 0 };
	int64_t moved = 0;
	enum MHD_Result rc;

	if (!mr_user_may_change_windows(k->p.role, k->p.all_tins, &err))
		return send_error(k->c, 403, ST_REFUSED, "%s", err.msg);
	if (body_fields(k, known, "ss", &rc) == -1)
		return rc;
	if (field(k, "closes") == NULL || field(k, "source") == NULL)
		return send_error(k->c, 400, ST_USAGE, "fields 'closes' and "
		    "'source' are expected, e.g. {\"closes\": \"2024-12-31 "
		    "20:00 America/New_York\", \"source\": \"QPP notice of "
		    "2024-11-20\"}");
	if (mr_window_extend(st, id, field(k, "closes"), field(k, "source"),
	    &moved, &err) == -1)
		return send_err(k->c, &err);
	return get_window(k, id);
}

/* The fields of a new case: the JSON names of show --json. */
static const char *const case_fields[] = {
	"tin", "npi", "name", "performance_year", "reasons", "final_score",
	"payment_adjustment", "practice", "participation", "owner", "note",
	"quality_score", "cost_score", "ia_score", "pi_score",
	"special_statuses", "legal_name", "apm_entity_id", "virtual_group_id",
	"requester_role", "request_number", "explanation", "force", NULL
};
static const char case_types[] = "ssssasssssssssssssssssb";

static enum MHD_Result
post_case(struct call *k)
{
	struct mr_case_input in = { 0 };
	struct mr_err err = { 0 };
	char tin[10];
	json_t *r;
	size_t i;
	int64_t id;
	enum MHD_Result rc;
	char year[16];
	json_t *y = json_object_get(k->body, "performance_year");

	/* A year may come as a number, as show --json prints it. */
	if (json_is_integer(y)) {
		snprintf(year, sizeof year, "%lld",
		    (long long)json_integer_value(y));
		json_object_set_new(k->body, "performance_year",
		    json_string(year));
	}
	if (body_fields(k, case_fields, case_types, &rc) == -1)
		return rc;
	in.tin = field(k, "tin");
	in.npi = field(k, "npi");
	in.name = field(k, "name");
	in.year = field(k, "performance_year");
	in.score = field(k, "final_score");
	in.adjustment = field(k, "payment_adjustment");
	in.practice = field(k, "practice");
	in.participation = field(k, "participation");
	in.owner = field(k, "owner");
	in.note = field(k, "note");
	in.quality = field(k, "quality_score");
	in.cost = field(k, "cost_score");
	in.ia = field(k, "ia_score");
	in.pi = field(k, "pi_score");
	in.special_statuses = field(k, "special_statuses");
	in.legal_name = field(k, "legal_name");
	in.apm_entity_id = field(k, "apm_entity_id");
	in.virtual_group_id = field(k, "virtual_group_id");
	in.requester_role = field(k, "requester_role");
	in.request_number = field(k, "request_number");
	in.explanation = field(k, "explanation");
	json_array_foreach(json_object_get(k->body, "reasons"), i, r) {
		if (!json_is_string(r) || in.nreasons ==
		    (int)(sizeof in.reasons / sizeof in.reasons[0]))
			return send_error(k->c, 400, ST_USAGE, "field "
			    "'reasons': an array of up to 8 reasons is "
			    "expected, e.g. [\"scoring-error\"]");
		in.reasons[in.nreasons++] = json_string_value(r);
	}
	if (in.tin == NULL || in.name == NULL || in.year == NULL ||
	    in.nreasons == 0)
		return send_error(k->c, 400, ST_USAGE, "fields 'tin', 'name', "
		    "'performance_year' and 'reasons' are expected");
	if (mr_tin_normalize(in.tin, tin, sizeof tin, &err) == -1)
		return send_err(k->c, &err);
	if (!mr_user_scope_allows(&k->p, tin))
		return tin_refused(k, tin);
	if (mr_case_add(st, &in, json_is_true(json_object_get(k->body,
	    "force")), &id, &err) == -1)
		return send_err(k->c, &err);
	return send_case(k, id, 201);
}

/* ---- routing ---- */

/* "/api/v1/cases/12" + rest: the id and what follows it. */
static int
path_id(const char *path, const char *prefix, int64_t *id, const char **rest)
{
	size_t n = strlen(prefix), d;
	long long v;
	char digits[20];

	if (strncmp(path, prefix, n) != 0)
		return 0;
	path += n;
	d = strspn(path, "0123456789");
	if (d == 0 || d >= sizeof digits || (d > 1 && path[0] == '0'))
		return 0;
	memcpy(digits, path, d);
	digits[d] = '\0';
	if (parse_int(digits, 1, INT64_MAX, &v) == -1)
		return 0;
	*id = v;
	*rest = path + d;
	return 1;
}

enum route {
	R_NONE, R_DUE, R_CASES, R_CASE, R_STATUS, R_NOTES, R_DEADLINE,
	R_HARDSHIP, R_FILING, R_FILING_STATUS, R_WINDOWS, R_WINDOW,
	R_WINDOW_EXTEND,
};

static enum route
route_of(const char *url, int64_t *id, const char **allow)
{
	const char *rest;

	*allow = "GET, HEAD";
	if (strcmp(url, API_PREFIX "due") == 0)
		return R_DUE;
	if (strcmp(url, API_PREFIX "hardship") == 0)
		return R_HARDSHIP;
	if (strcmp(url, API_PREFIX "windows") == 0)
		return R_WINDOWS;
	if (strcmp(url, API_PREFIX "cases") == 0) {
		*allow = "GET, HEAD, POST";
		return R_CASES;
	}
	if (path_id(url, API_PREFIX "cases/", id, &rest)) {
		if (*rest == '\0')
			return R_CASE;
		*allow = "POST";
		if (strcmp(rest, "/status") == 0)
			return R_STATUS;
		if (strcmp(rest, "/notes") == 0)
			return R_NOTES;
		if (strcmp(rest, "/deadline") == 0)
			return R_DEADLINE;
	}
	if (path_id(url, API_PREFIX "hardship/", id, &rest)) {
		*allow = "GET, HEAD, POST";
		if (*rest == '\0')
			return R_FILING;
		*allow = "POST";
		if (strcmp(rest, "/status") == 0)
			return R_FILING_STATUS;
	}
	if (path_id(url, API_PREFIX "windows/", id, &rest)) {
		*allow = "GET, HEAD";
		if (*rest == '\0')
			return R_WINDOW;
		*allow = "POST";
		if (strcmp(rest, "/extend") == 0)
			return R_WINDOW_EXTEND;
	}
	*allow = NULL;
	return R_NONE;
}

/* 1 if method is one of the list allow ("GET, HEAD, POST"). */
static int
method_allowed(const char *allow, const char *method)
{
	size_t n = strlen(method);

	for (const char *p = allow; (p = strstr(p, method)) != NULL; p += n)
		if ((p == allow || p[-1] == ' ') && (p[n] == ',' ||
		    p[n] == '\0'))
			return 1;
	return 0;
}

static enum MHD_Result
answer(struct MHD_Connection *c, const char *url, const char *method,
    struct api_req *rq)
{
	struct call k = { .c = c };
	struct mr_err err = { 0 };
	json_error_t jerr;
	const char *allow, *ct;
	char sid[MR_SECRET_LEN + 1], *body;
	size_t len;
	int64_t id = 0;
	enum route rt = route_of(url, &id, &allow);
	int via, post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
	enum MHD_Result rc;

	if (rt == R_NONE)
		return send_error(c, 404, ST_NOTFOUND, "no such route: %s; "
		    "mipsreviewd-api(7) lists them", url);
	if (!method_allowed(allow, method))
		return send_json(c, 405, json_pack("{s:s, s:i}", "error",
		    "method not allowed", "status", ST_USAGE), allow, 0);
	if (post && rq->too_big)
		return send_error(c, 413, ST_INVALID, "the body is larger than "
		    "%d bytes", BODY_MAX);
	if (st == NULL && (db_path == NULL ||
	    mr_store_open(db_path, &st, &err) == -1)) {
		log_warnx("api: %s", db_path ? err.msg : "no database");
		return send_error(c, 503, ST_DB, "the database cannot be "
		    "opened; the service's log says why");
	}
	if ((via = auth_principal(c, st, &k.p, sid, &err)) == -1)
		return send_err(c, &err);
	k.via = (enum auth_via)via;
	if (k.via == AUTH_NONE)
		return send_error(c, 401, ST_REFUSED, "sign in, or send an API "
		    "token as 'Authorization: Bearer TOKEN' ('mipsreview user "
		    "token add NAME' makes one)");
	mr_store_set_actor(st, k.p.name);
	if (post) {
		if (!mr_user_may_write(&k.p)) {
			rc = send_error(c, 403, ST_REFUSED, "account '%s' is a "
			    "viewer: it cannot change records", k.p.name);
			goto out;
		}
		if (!auth_csrf_ok(k.via, sid, MHD_lookup_connection_value(c,
		    MHD_HEADER_KIND, AUTH_CSRF_HEADER))) {
			rc = send_error(c, 403, ST_REFUSED, "a change made "
			    "with the session cookie needs its CSRF token in "
			    "the " AUTH_CSRF_HEADER " header");
			goto out;
		}
		ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_TYPE);
		if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
		    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
			rc = send_error(c, 415, ST_USAGE, "the body must be "
			    "JSON (Content-Type: application/json)");
			goto out;
		}
		body = (char *)mr_buf_str(&rq->body);
		len = body ? strlen(body) : 0;
		if ((k.body = json_loadb(body ? body : "", len,
		    JSON_REJECT_DUPLICATES, &jerr)) == NULL ||
		    !json_is_object(k.body)) {
			rc = send_error(c, 400, ST_USAGE, "the body must be "
			    "one JSON object: %s", k.body ? "not an object" :
			    jerr.text);
			goto out;
		}
	}
	switch (rt) {
	case R_DUE:
		rc = get_due(&k);
		break;
	case R_CASES:
		rc = post ? post_case(&k) : get_cases(&k);
		break;
	case R_CASE:
		rc = get_case(&k, id);
		break;
	case R_STATUS:
		rc = post_status(&k, id);
		break;
	case R_NOTES:
		rc = post_note(&k, id);
		break;
	case R_DEADLINE:
		rc = post_deadline(&k, id);
		break;
	case R_HARDSHIP:
		rc = get_hardship(&k);
		break;
	case R_FILING:
		rc = post ? post_filing_set(&k, id) : get_filing(&k, id);
		break;
	case R_FILING_STATUS:
		rc = post_filing_status(&k, id);
		break;
	case R_WINDOWS:
		rc = get_windows(&k);
		break;
	case R_WINDOW:
		rc = get_window(&k, id);
		break;
	case R_WINDOW_EXTEND:
		rc = post_window_extend(&k, id);
		break;
	default:
		rc = send_error(c, 404, ST_NOTFOUND, "no such route");
		break;
	}
out:
	mr_store_set_actor(st, "mipsreviewd");
	json_decref(k.body);
	mr_view_free(k.view);
	mr_principal_clear(&k.p);
	return rc;
}

enum MHD_Result
api_handle(struct MHD_Connection *c, const char *url, const char *method,
    const char *upload, size_t *upload_size, void **req_cls)
{
	struct api_req *rq = *req_cls;

	if (rq == NULL) {
		if ((rq = calloc(1, sizeof *rq)) == NULL)
			return MHD_NO;
		mr_buf_init(&rq->body, BODY_MAX);
		rq->post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
		pthread_mutex_lock(&live_lock);
		if ((rq->next = live) != NULL)
			live->prev = rq;
		live = rq;
		pthread_mutex_unlock(&live_lock);
		*req_cls = rq;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		/* Only a change's body is kept, up to its limit. */
		if (rq->post && !rq->too_big &&
		    mr_buf_add(&rq->body, upload, *upload_size) == -1)
			rq->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	return answer(c, url, method, rq);
}
