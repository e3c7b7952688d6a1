/*
 * mr_alert_digest: the daily digests (lib/mr_alert_digest.h), sent once
 * each through the alert_digest table (sql/028_alert_digest.sql).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "lib/mr_acklink.h"
#include "lib/mr_alert_ack.h"
#include "lib/mr_alert_digest.h"
#include "lib/mr_audit.h"
#include "lib/mr_buf.h"
#include "lib/mr_crypto.h"
#include "lib/mr_deadline.h"
#include "lib/mr_hex.h"
#include "lib/mr_ident.h"
#include "lib/mr_lease.h"
#include "lib/mr_mail.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

/* Back-off of a failed digest (daemon): 1 min doubling to 1 hour. */
#define RETRY_FIRST	60
#define RETRY_MAX	3600
/* Items listed per section; the rest are counted. */
#define SECTION_MAX	50
#define MAX_RCPTS	64

/* ---- who, and when ---- */

static int
parse(const struct mr_alert_settings *set, struct mr_digest_rcpt *v, int *n,
    struct mr_err *err)
{
	char *copy, *entry, *save = NULL;
	const char *dzone = set->zone ? set->zone : "UTC";
	int rc = -1;

	*n = 0;
	if (set->digest_to == NULL)
		return 0;
	if ((copy = strdup(set->digest_to)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	for (entry = strtok_r(copy, ",", &save); entry != NULL;
	    entry = strtok_r(NULL, ",", &save)) {
		char *tok, *tsave = NULL, *words[4];
		struct mr_digest_rcpt r;
		struct mr_err why = { 0 };
		int nw = 0;

		for (tok = strtok_r(entry, " \t", &tsave); tok != NULL && nw < 4;
		    tok = strtok_r(NULL, " \t", &tsave))
			words[nw++] = tok;
		if (nw == 0)
			continue;
		if (nw == 4 || tok != NULL) {
			mr_err_set(err, MR_EINVAL, "digest_to: '%s ...' has more "
			    "than an address, an hour and a zone; write "
			    "'ADDRESS [HOUR] [ZONE], ...', e.g. "
			    "'ada@practice.example 7 America/Chicago'", words[0]);
			goto out;
		}
		memset(&r, 0, sizeof r);
		if (mr_email_validate(words[0], &why) == -1) {
			mr_err_set(err, MR_EINVAL, "digest_to: %s; write 'ADDRESS "
			    "[HOUR] [ZONE], ...'", why.msg);
			goto out;
		}
		if (strlen(words[0]) >= sizeof r.addr) {
			mr_err_set(err, MR_EINVAL, "digest_to: the address '%.40s...' "
			    "is too long", words[0]);
			goto out;
		}
		for (size_t i = 0; words[0][i]; i++)
			r.addr[i] = (char)tolower((unsigned char)words[0][i]);
		r.hour = set->digest_hour;
		snprintf(r.zone, sizeof r.zone, "%s", dzone);
		for (int w = 1; w < nw; w++) {
			char *end;
			long h;

			if (isdigit((unsigned char)words[w][0])) {
				h = strtol(words[w], &end, 10);
				if (*end != '\0' || h < 0 || h > 23 || w != 1) {
					mr_err_set(err, MR_EINVAL, "digest_to: %s: "
					    "'%s' is not an hour; give the local "
					    "hour as 0 to 23 after the address",
					    r.addr, words[w]);
					goto out;
				}
				r.hour = (int)h;
			} else {
				if (mr_when_zone_valid(words[w], &why) == -1 ||
				    strlen(words[w]) >= sizeof r.zone) {
					mr_err_set(err, MR_EINVAL, "digest_to: %s: "
					    "'%s' is not a time zone; give an "
					    "IANA name such as America/Chicago",
					    r.addr, words[w]);
					goto out;
				}
				snprintf(r.zone, sizeof r.zone, "%s", words[w]);
			}
		}
		for (int i = 0; i < *n; i++)
			if (strcmp(v[i].addr, r.addr) == 0) {
				mr_err_set(err, MR_EINVAL, "digest_to: %s is named "
				    "twice; one digest a day goes to each address",
				    r.addr);
				goto out;
			}
		if (*n == MAX_RCPTS) {
			mr_err_set(err, MR_EINVAL, "digest_to: more than %d "
			    "addresses; a mailing list's address takes one",
			    MAX_RCPTS);
			goto out;
		}
		v[(*n)++] = r;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

int
mr_alert_digest_check(const struct mr_alert_settings *set, struct mr_err *err)
{
	struct mr_digest_rcpt *v;
	int n, rc;

	if ((v = calloc(MAX_RCPTS, sizeof *v)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	rc = parse(set, v, &n, err);
	free(v);
	return rc;
}

int
mr_alert_digest_recipients(const struct mr_alert_settings *set,
    struct mr_digest_rcpt **out, int *n, struct mr_err *err)
{
	*out = NULL;
	*n = 0;
	if ((*out = calloc(MAX_RCPTS, sizeof **out)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	if (parse(set, *out, n, err) == -1) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The wall clock of u in zone, as if it were UTC (seconds). */
static long long
wall(time_t u, const char *zone)
{
	struct tm tm;

	if (mr_when_local(u, zone, &tm, NULL, (char[16]){ 0 }) == -1)
		return (long long)u;
	return (long long)timegm(&tm);
}

time_t
mr_alert_digest_instant(int y, int m, int d, int hour, const char *zone)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
	    .tm_hour = hour };
	long long target = (long long)timegm(&tm);
	long long lo = target - 30 * 3600, hi = target + 30 * 3600;

	/*
	 * The first instant whose wall clock reads target or later.  With
	 * whole hours that is monotone even across a fall-back (the clock
	 * goes back from 02:00 to 01:00, never below a whole hour it passed
	 * less than an hour before), so halving finds it.
	 */
	while (hi - lo > 1) {
		long long mid = lo + (hi - lo) / 2;

		if (wall((time_t)mid, zone) >= target)
			hi = mid;
		else
			lo = mid;
	}
	return (time_t)hi;
}

int
mr_alert_digest_day(time_t now, int hour, const char *zone, char *day,
    time_t *due)
{
	struct tm tm;

	if (mr_when_local(now, zone, &tm, NULL, (char[16]){ 0 }) == -1)
		return -1;
	if (strftime(day, 11, "%Y-%m-%d", &tm) != 10)
		return -1;
	*due = mr_alert_digest_instant(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, hour, zone);
	return 0;
}

/* The due instant of the local day after day. */
static time_t
next_day_due(const char *day, int hour, const char *zone)
{
	struct tm tm = { 0 };
	time_t t;

	if (sscanf(day, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday += 1;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	return mr_alert_digest_instant(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, hour, zone);
}

void
mr_alert_digest_drop(const struct mr_alert_settings *set, char **rcpt, int *n)
{
	struct mr_digest_rcpt *v = NULL;
	int nv = 0, k = 0;

	if (!set->digest_instead || set->digest_to == NULL ||
	    mr_alert_digest_recipients(set, &v, &nv, NULL) == -1)
		return;
	for (int i = 0; i < *n; i++) {
		int drop = 0;

		for (int j = 0; j < nv && !drop; j++)
			drop = strcasecmp(rcpt[i], v[j].addr) == 0;
		if (drop)
			free(rcpt[i]);
		else
			rcpt[k++] = rcpt[i];
	}
	rcpt[k] = NULL;
	*n = k;
	free(v);
}

/* ---- what it says ---- */

struct section {
	struct mr_buf	 b;
	int		 n;
};

struct gather {
	struct mr_store			*st;
	const struct mr_alert_settings	*set;
	const struct mr_digest_rcpt	*r;
	time_t				 now;
	struct section			 overdue, soon_open, soon_acked;
	int				 later;
	int				 failed;
	struct mr_err			 err;
};

static void
one_line(const char *s, char *buf, size_t len)
{
	size_t i = 0;

	for (; s && *s && i + 1 < len; s++)
		buf[i++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? ' ' : *s;
	buf[i] = '\0';
}

/* The link acknowledging it, for this recipient, into buf ("" when none). */
static void
link_for(const struct gather *g, const struct mr_deadline_item *it,
    char *buf, size_t len)
{
	struct mr_acklink l;
	char token[MR_ACKLINK_TOKEN_MAX + 1];

	buf[0] = '\0';
	if (g->set->link_base == NULL || g->set->link_key == NULL)
		return;
	memset(&l, 0, sizeof l);
	snprintf(l.what, sizeof l.what, "%s", it->what);
	l.id = it->id;
	l.closes_at = it->closes_at;
	snprintf(l.status, sizeof l.status, "%s", it->status);
	l.expires = it->closes_at;
	if ((long long)l.expires > (long long)g->now + MR_ACKLINK_TTL)
		l.expires = (time_t)((long long)g->now + MR_ACKLINK_TTL);
	snprintf(l.to, sizeof l.to, "%s", g->r->addr);
	if (mr_acklink_sign(g->set->link_key, &l, token, sizeof token,
	    NULL) == -1 || mr_acklink_url(g->set->link_base, token, buf,
	    len) == -1)
		buf[0] = '\0';
}

static int
gather_item(const struct mr_deadline_item *it, void *arg)
{
	struct gather *g = arg;
	struct mr_alert_ack ack;
	struct section *s;
	char name[160], tin[16], when[80], left[40], link[MR_ACKLINK_TOKEN_MAX + 200];
	int acked = 0;

	if (!it->open)
		return 0;
	if (it->closes_at > g->now &&
	    (long long)(it->closes_at - g->now) > g->set->digest_within) {
		g->later++;
		return 0;
	}
	if (mr_alert_ack_find(g->st, it, &ack, &acked, &g->err) == -1) {
		g->failed = 1;
		return 1;
	}
	s = it->closes_at <= g->now ? &g->overdue : acked ? &g->soon_acked :
	    &g->soon_open;
	if (++s->n > SECTION_MAX)
		return 0;
	one_line(it->name, name, sizeof name);
	mr_tin_mask(it->tin, tin, sizeof tin);
	if (mr_when_format_human(it->closes_at, it->zone, when,
	    sizeof when) == -1)
		snprintf(when, sizeof when, "?");
	mr_when_left(g->now, it->closes_at, left, sizeof left);
	(void)mr_buf_printf(&s->b, "  - %s %lld, %s, TIN %s: %s %s (%s), %s%s\n",
	    it->what, (long long)it->id, name, tin, it->closes_at <= g->now ?
	    "closed" : "closes", when, it->zone, left,
	    it->owner != NULL && strcasecmp(it->owner, g->r->addr) == 0 ?
	    " [yours]" : "");
	if (acked) {
		char note[MR_ALERT_ACK_NOTE_MAX + 1];

		one_line(ack.note, note, sizeof note);
		(void)mr_buf_printf(&s->b, "      acknowledged by %s at %s%s%s\n",
		    ack.acked_by, ack.acked_at, note[0] ? ": " : "", note);
	} else if (it->closes_at > g->now) {
		link_for(g, it, link, sizeof link);
		if (link[0] != '\0')
			(void)mr_buf_printf(&s->b, "      acknowledge: %s\n",
			    link);
		else
			(void)mr_buf_printf(&s->b, "      acknowledge: "
			    "mipsreview alerts ack %s%lld\n", strcmp(it->what,
			    "case") == 0 ? "" : "--hardship ", (long long)it->id);
	} else
		(void)mr_buf_printf(&s->b, "      not acknowledged\n");
	return 0;
}

static int
undated_group(const struct mr_deadline_group *gr, void *arg)
{
	struct mr_buf *b = arg;

	(void)mr_buf_printf(b, "  - %lld %s%s (PY%d): %s; set one: %s\n",
	    gr->count, gr->what, gr->count == 1 ? "" : "s",
	    gr->performance_year, gr->reason, gr->set_with);
	return b->failed;
}

static int
undated_item(const struct mr_deadline_item *it, void *arg)
{
	struct mr_buf *b = arg;

	(void)mr_buf_printf(b, "  - %s %lld (PY%d): %s; set one: %s\n",
	    it->what, (long long)it->id, it->performance_year, it->reason,
	    it->set_with);
	return b->failed;
}

static void
section_out(struct mr_buf *body, const char *title, const struct section *s)
{
	(void)mr_buf_printf(body, "%s (%d):\n", title, s->n);
	if (s->n == 0)
		(void)mr_buf_printf(body, "  none\n");
	else
		(void)mr_buf_add(body, mr_buf_str((struct mr_buf *)&s->b),
		    s->b.len);
	if (s->n > SECTION_MAX)
		(void)mr_buf_printf(body, "  ... and %d more: mipsreview due\n",
		    s->n - SECTION_MAX);
	(void)mr_buf_printf(body, "\n");
}

static void
message_id(const struct mr_digest_rcpt *r, const char *day, const char *from,
    char *buf, size_t len)
{
	unsigned char md[MR_SHA256_LEN];
	char hex[17];
	const char *at = from ? strrchr(from, '@') : NULL;

	/* The address is not spelt out in a header that may be forwarded. */
	mr_sha256(r->addr, strlen(r->addr), md);
	mr_hex(md, 8, hex);
	snprintf(buf, len, "mipsreview.digest-%s.%s@%s", day, hex,
	    at && at[1] ? at + 1 : "mipsreview.invalid");
}

static int
compose(struct mr_store *st, const struct mr_alert_settings *set,
    const struct mr_digest_rcpt *r, time_t now, const char *day,
    const char *mid, char **msg, size_t *len, struct mr_err *err)
{
	struct gather g;
	struct mr_buf body, undated;
	struct mr_mail m = { 0 };
	const char *to[1] = { r->addr };
	char subject[300], when[80], horizon[32], pretty[64];
	struct tm tm = { 0 };
	int rc = -1;

	memset(&g, 0, sizeof g);
	g.st = st;
	g.set = set;
	g.r = r;
	g.now = now;
	mr_buf_init(&g.overdue.b, 1 << 20);
	mr_buf_init(&g.soon_open.b, 1 << 20);
	mr_buf_init(&g.soon_acked.b, 1 << 20);
	mr_buf_init(&undated, 1 << 20);
	mr_buf_init(&body, 4 << 20);
	if (mr_deadline_each(st, NULL, gather_item, &g, err) == -1)
		goto out;
	if (g.failed) {
		*err = g.err;
		goto out;
	}
	if (mr_deadline_undated_summary(st, NULL, undated_group, undated_item,
	    &undated, err) == -1)
		goto out;
	mr_alert_offset_label(set->digest_within, horizon, sizeof horizon);
	if (sscanf(day, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		tm.tm_hour = 12;
		(void)timegm(&tm);
		strftime(pretty, sizeof pretty, "%a %b %-d %Y", &tm);
	} else
		snprintf(pretty, sizeof pretty, "%s", day);
	snprintf(subject, sizeof subject, "MIPS deadlines, %s: %d overdue, %d "
	    "due within %s (%d not acknowledged)", pretty, g.overdue.n,
	    g.soon_open.n + g.soon_acked.n, horizon, g.soon_open.n);
	(void)mr_buf_printf(&body, "%s.\n\n", subject);
	section_out(&body, "Overdue, still open", &g.overdue);
	section_out(&body, "Due soon, NOT acknowledged", &g.soon_open);
	section_out(&body, "Due soon, acknowledged", &g.soon_acked);
	(void)mr_buf_printf(&body, "Closing later than %s from now: %d (mipsreview "
	    "due).\n\n", horizon, g.later);
	(void)mr_buf_printf(&body, "No deadline known (no reminder comes for "
	    "these until one is set):\n%s\n", undated.len ? mr_buf_str(&undated) :
	    "  none\n");
	(void)mr_buf_printf(&body, "-- \n");
	if (mr_when_format_human(now, r->zone, when, sizeof when) == -1)
		snprintf(when, sizeof when, "?");
	(void)mr_buf_printf(&body, "Sent by mipsreview %s (%s), once a day at "
	    "%d:00 %s, to the addresses in digest_to;\n%s\n", when, r->zone,
	    r->hour, r->zone, set->digest_instead ? "digest_mode = instead: "
	    "no per-deadline reminders come to this address." : "the "
	    "per-deadline reminders come besides.");
	if (set->audit_anchor != NULL)
		(void)mr_buf_printf(&body, "Audit trail head when sent: %s.\n",
		    set->audit_anchor);
	if (body.failed) {
		mr_err_set(err, MR_EFAIL, "out of memory, or a digest larger "
		    "than 4 MiB");
		goto out;
	}
	m.from = set->from;
	m.to = to;
	m.nto = 1;
	m.subject = subject;
	m.message_id = mid;
	m.date = time(NULL);
	m.body = mr_buf_str(&body);
	if (mr_mail_compose(&m, msg, len, err) == -1)
		goto out;
	rc = 0;
out:
	mr_buf_free(&g.overdue.b);
	mr_buf_free(&g.soon_open.b);
	mr_buf_free(&g.soon_acked.b);
	mr_buf_free(&undated);
	mr_buf_free(&body);
	return rc;
}

/* ---- the ledger's rows ---- */

/* The digest of addr on day, its key. */
static int
row_get(struct mr_store *st, const char *addr, const char *day,
    struct mr_lease_row *w, struct mr_err *err)
{
	const struct mr_lease_col key[] = {
		{ "recipient", addr, 0 },
		{ "local_day", day, 0 },
	};

	return mr_lease_read(st, "alert_digest", key, 2,
	    "reading the digest ledger", w, err);
}

static int
audit(struct mr_store *st, int64_t id, const char *action, json_t *after,
    struct mr_err *err)
{
	char *a = after ? json_dumps(after, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	int rc;

	if (after != NULL && a == NULL)
		rc = mr_err_set(err, MR_EFAIL, "out of memory");
	else
		rc = mr_audit_append(st, "digest", id, action, NULL, a, err);
	free(a);
	json_decref(after);
	return rc;
}

struct digest_key {
	const char	*addr;
	const char	*day;
};

static int
read_claim(struct mr_store *st, void *arg, struct mr_lease_row *w,
    struct mr_err *err)
{
	const struct digest_key *k = arg;

	return row_get(st, k->addr, k->day, w, err);
}

/* Claim the digest under BEGIN IMMEDIATE, as a reminder is claimed. */
static int
claim(struct mr_store *st, const struct mr_alert_settings *set,
    const struct mr_digest_rcpt *r, const char *day, time_t due,
    const char *token, const char *mid, struct mr_lease_claimed *cl,
    struct mr_err *err)
{
	struct digest_key k = { r->addr, day };
	const struct mr_lease_col cols[] = {
		{ "recipient", r->addr, 0 },
		{ "local_day", day, 0 },
		{ "zone", r->zone, 0 },
		{ "due_at", NULL, (int64_t)due },
		{ "message_id", mid, 0 },
	};
	struct mr_lease_claim c = {
		.table = "alert_digest",
		.doing = "claiming a digest",
		.audit = MR_LEASE_AUDIT_DIGEST,
		.cols = cols,
		.ncols = sizeof cols / sizeof cols[0],
		.read = read_claim,
		.arg = &k,
	};

	mr_lease_mail_terms(&c, token, set->lease, set->honor_retry);
	return mr_lease_claim(st, &c, cl, err);
}

/* The outcome, with its audit row, in one transaction. */
static int
finish(struct mr_store *st, const struct mr_digest_rcpt *r, const char *day,
    const struct mr_lease_claimed *cl, const char *token, const char *mid,
    const char *error, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	time_t now = mr_store_now(st);
	char iso[32];
	long long backoff = RETRY_FIRST;
	int rc = -1, in_tx = 0;

	mr_when_iso_utc(now, iso, sizeof iso);
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (error == NULL) {
		if (mr_store_prepare(st, "UPDATE alert_digest SET state = 'sent', "
		    "sent_at = ?2, claim_token = NULL, lease_until = NULL, "
		    "last_error = NULL, retry_at = NULL, updated_at = ?2 WHERE "
		    "id = ?1 AND state <> 'sent'", &stmt, err) == -1)
			goto out;
		sqlite3_bind_int64(stmt, 1, cl->id);
		sqlite3_bind_text(stmt, 2, iso, -1, SQLITE_STATIC);
	} else {
		for (int i = 1; i < cl->attempt && backoff < RETRY_MAX; i++)
			backoff *= 2;
		if (backoff > RETRY_MAX)
			backoff = RETRY_MAX;
		if (mr_store_prepare(st, "UPDATE alert_digest SET state = "
		    "'failed', last_error = ?3, retry_at = ?4, claim_token = "
		    "NULL, lease_until = NULL, updated_at = ?5 WHERE id = ?1 AND "
		    "claim_token = ?2", &stmt, err) == -1)
			goto out;
		sqlite3_bind_int64(stmt, 1, cl->id);
		sqlite3_bind_text(stmt, 2, token, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, error, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 4, (sqlite3_int64)now + backoff);
		sqlite3_bind_text(stmt, 5, iso, -1, SQLITE_STATIC);
	}
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "updating the digest ledger");
		goto out;
	}
	if (sqlite3_changes(mr_store_db(st)) == 1 && audit(st, cl->id,
	    error == NULL ? "sent" : "send-failed", json_pack("{s:s, s:s, "
	    "s:s, s:s, s:s, s:i, s:b, s:s?}", "kind", "digest", "recipient",
	    r->addr, "local_day", day, "message_id", mid, "sender", token,
	    "attempt", cl->attempt, "maybe_duplicate", cl->maybe_sent,
	    "error", error), err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	if (in_tx)
		mr_store_rollback(st);
	return rc;
}

/* ---- a run ---- */

int
mr_alert_digest_run(struct mr_store *st, const struct mr_alert_settings *set,
    struct mr_mailer *mailer, void (*report)(const struct mr_alert_report *,
    void *), void *arg, struct mr_alert_totals *tot, struct mr_err *err)
{
	struct mr_digest_rcpt *v = NULL;
	struct mr_alert_settings mset = *set;
	struct mr_audit_head head;
	char token[160], anchor[MR_AUDIT_ANCHOR_LEN];
	int nv = 0, rc = -1, stopped = 0;

	if (set->digest_to == NULL)
		return 0;
	if (mr_alert_digest_recipients(set, &v, &nv, err) == -1)
		return -1;
	mr_lease_token(token, sizeof token);
	/* The link key as mr_alert_run loaded it (and told why not). */
	if (mailer == NULL)
		mset.link_key = NULL;
	for (int i = 0; i < nv; i++) {
		const struct mr_digest_rcpt *r = &v[i];
		struct mr_alert_report rep = { 0 };
		struct mr_err why = { 0 };
		struct mr_lease_sending snd;
		struct mr_lease_claimed cl;
		struct mr_lease_row w;
		char day[11], mid[200], *msg = NULL;
		const char *to[1] = { r->addr };
		int refused[1] = { 0 }, stop = 0, failed = 0;
		time_t now = mr_store_now(st), due;
		size_t len = 0;

		if (mr_alert_digest_day(now, r->hour, r->zone, day, &due) == -1 ||
		    now < due)
			continue;
		message_id(r, day, set->from, mid, sizeof mid);
		rep.kind = "digest";
		rep.what = "digest";
		rep.id = 0;
		rep.name = r->addr;
		rep.offset = 0;
		rep.closes_at = due;
		rep.zone = r->zone;
		rep.message_id = mid;
		rep.recipients = r->addr;
		if (mailer == NULL || stopped) {
			if (row_get(st, r->addr, day, &w, err) == -1)
				goto out;
			if (w.id != 0 && strcmp(w.state, "sent") == 0)
				continue;
			tot->due++;
			if (mailer == NULL) {
				int busy = mr_lease_status(&w, 0, now) ==
				    MR_LEASE_HELD;

				rep.outcome = busy ? "busy" : "would-send";
				tot->busy += busy;
			} else {
				rep.outcome = "deferred";
				rep.error = "not tried: the mail server failed "
				    "earlier in this run";
				tot->deferred++;
			}
			goto report;
		}
		if (claim(st, set, r, day, due, token, mid, &cl, err) == -1)
			goto out;
		if (cl.is == MR_LEASE_DONE)
			continue;
		tot->due++;
		if (cl.is != MR_LEASE_FREE) {
			rep.outcome = cl.is == MR_LEASE_HELD ? "busy" :
			    "retry-later";
			tot->busy++;
			goto report;
		}
		rep.takeover = cl.takeover;
		rep.maybe_duplicate = cl.maybe_sent;
		mset.audit_anchor = NULL;
		if (mr_audit_head(st, &head, NULL) == 0) {
			mr_audit_anchor_format(&head, anchor, sizeof anchor);
			mset.audit_anchor = anchor;
		}
		if (compose(st, &mset, r, now, day, mid, &msg, &len, &why) == -1)
			failed = 1;
		else {
			memset(&snd, 0, sizeof snd);
			snd.st = st;
			snd.table = "alert_digest";
			snd.what = "digest";
			snd.id = cl.id;
			snd.token = token;
			if (mr_mailer_send(mailer, set->from, to, 1, refused,
			    msg, len, mr_lease_mark_sending, &snd, &stop, &why) == -1) {
				failed = 1;
				if (snd.err.code != MR_EOK)
					why = snd.err;
			} else if (refused[0] != 0) {
				failed = 1;
				mr_err_set(&why, MR_ESEND, "the mail server refused "
				    "%s (reply %d)", r->addr, refused[0]);
			}
		}
		free(msg);
		if (finish(st, r, day, &cl, token, mid, failed ? why.msg : NULL,
		    err) == -1)
			goto out;
		if (failed) {
			rep.outcome = "failed";
			rep.error = why.msg;
			tot->failed++;
			stopped = stop;
		} else {
			rep.outcome = "sent";
			tot->sent++;
		}
report:
		if (report != NULL)
			report(&rep, arg);
	}
	rc = 0;
out:
	free(v);
	return rc;
}

int
mr_alert_digest_next_wake(struct mr_store *st,
    const struct mr_alert_settings *set, time_t *when, struct mr_err *err)
{
	struct mr_digest_rcpt *v = NULL;
	int nv = 0, rc = -1;
	time_t now = mr_store_now(st), best = 0;

	*when = 0;
	if (set->digest_to == NULL)
		return 0;
	if (mr_alert_digest_recipients(set, &v, &nv, err) == -1)
		return -1;
	for (int i = 0; i < nv; i++) {
		struct mr_lease_row w;
		char day[11];
		time_t due, t;

		if (mr_alert_digest_day(now, v[i].hour, v[i].zone, day,
		    &due) == -1)
			continue;
		if (now < due)
			t = due;
		else {
			if (row_get(st, v[i].addr, day, &w, err) == -1)
				goto out;
			/* Sent: tomorrow's. */
			if ((t = mr_lease_wake(&w, set->honor_retry, now)) == 0)
				t = next_day_due(day, v[i].hour, v[i].zone);
		}
		if (t != 0 && (best == 0 || t < best))
			best = t;
	}
	*when = best;
	rc = 0;
out:
	free(v);
	return rc;
}
