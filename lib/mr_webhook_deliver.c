/*
 * mr_webhook_deliver: the alerts that are due, posted to every endpoint in
 * their scope, each once, through webhook_delivery (lib/mr_webhook.h).
 *
 * The protocol is the alert ledger's (lib/mr_alert_ledger.h), per alert
 * and endpoint:
 *  1. A sender claims the row in a transaction (BEGIN IMMEDIATE), with a
 *     lease of webhook_timeout + 60 seconds (and the wait for the
 *     endpoint's Slack slot), and keeps the body it will post.
 *  2. libcurl is handed the body but its last byte; before that byte the
 *     row becomes 'sending'.  Until then the receiver cannot have a whole
 *     request (its length is announced), so a sender that dies earlier
 *     leaves nothing delivered.
 *  3. The answer and the row's new state are written in one transaction
 *     with the attempt's line in the delivery log.
 *  4. A lease that ran out belongs to a dead sender and is taken over.
 *     From 'sending' the receiver may have the message: it is posted
 *     again under the same webhook-id, the same body, and the log marks
 *     it as a possible duplicate, as it marks a retry after a request
 *     that went out whole and got no answer (a timeout).  Receivers
 *     deduplicate by webhook-id, as Standard Webhooks ask.
 *
 * Answers: 2xx delivered; 410 Gone disables the endpoint (Standard
 * Webhooks; Slack answers it for an archived channel); 429 and 5xx, and
 * no answer at all, are tried again - in the same run after Retry-After
 * or a short back-off when the wait is short, else by a later run at
 * retry_at; any other answer (3xx, 4xx) is final and not retried.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <jansson.h>

#include "lib/mr_acklink.h"
#include "lib/mr_alert.h"
#include "lib/mr_alert_ack.h"
#include "lib/mr_audit.h"
#include "lib/mr_config.h"
#include "lib/mr_curl.h"
#include "lib/mr_deadline.h"
#include "lib/mr_hex.h"
#include "lib/mr_ident.h"
#include "lib/mr_input.h"
#include "lib/mr_lease.h"
#include "lib/mr_store.h"
#include "lib/mr_webhook.h"
#include "lib/mr_webhook_int.h"
#include "lib/mr_when.h"

/*
 * Slack: at most one message a second per incoming webhook; the margin
 * covers the jitter between a slot's start and the request's arrival.
 */
#define SLACK_GAP_MS	1050
/* Waits between tries of one run: 1 s, then 2 s. */
#define INLINE_FIRST	1
/* A later run: 30 s, 2 min, 8 min, 32 min, then every hour. */
#define RETRY_FIRST	30
#define RETRY_MAX	3600
/* The longest Retry-After taken as given. */
#define RETRY_AFTER_MAX	86400
/* What of an error answer's body is kept. */
#define ANSWER_MAX	200

int
mr_webhook_config(const struct mr_config *cfg, struct mr_webhook_settings *ws,
    struct mr_err *err)
{
	memset(ws, 0, sizeof *ws);
	ws->timeout = (long)mr_config_int(cfg, MR_CFG_WEBHOOK_TIMEOUT);
	if (ws->timeout <= 0)
		ws->timeout = 15;
	ws->connect_timeout = ws->timeout < 10 ? ws->timeout : 10;
	ws->ca_file = mr_config_get(cfg, MR_CFG_WEBHOOK_CA_FILE);
	ws->attempts = 3;
	ws->max_wait = 10;
	/* libcurl would wait forever on a FIFO named as the CA bundle. */
	if (ws->ca_file != NULL &&
	    mr_input_check(ws->ca_file, "webhook_ca_file", err) == -1)
		return -1;
	return 0;
}

/* ---- the messages ---- */

struct fact {
	const char	*title;
	char		 value[300];
};

#define NFACTS	10

/* The facts of an alert, as every channel shows them. */
static int
facts_of(const struct mr_deadline_item *it, long long offset, time_t now,
    const char *zone, struct fact *f, char *title, size_t tlen,
    const char *alert_kind, char *ack, size_t acklen)
{
	char plain[400], when[80], name[200], label[32];
	int n = 0, is_case = strcmp(it->what, "case") == 0;

	mr_alert_subject(it, now, plain, sizeof plain);
	if (strcmp(alert_kind, "escalation") == 0)
		snprintf(title, tlen, "Not acknowledged: %s", plain);
	else
		snprintf(title, tlen, "%s", plain);
	snprintf(name, sizeof name, "%s", it->name ? it->name : "");
	for (char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	f[n].title = is_case ? "Case" : "Filing";
	snprintf(f[n++].value, sizeof f[0].value, "%lld (%s, performance year "
	    "%d)", (long long)it->id, it->kind, it->performance_year);
	f[n].title = "Clinician";
	snprintf(f[n++].value, sizeof f[0].value, "%s", name);
	f[n].title = "TIN";
	mr_tin_mask(it->tin, f[n++].value, sizeof f[0].value);
	f[n].title = "Status";
	snprintf(f[n++].value, sizeof f[0].value, "%s", it->status);
	if (mr_when_format_human(it->closes_at, it->zone, when, sizeof when) == 0) {
		f[n].title = "Due (as announced)";
		snprintf(f[n++].value, sizeof f[0].value, "%s (%s)", when,
		    it->zone);
	}
	if (mr_when_format_human(it->closes_at, zone ? zone : it->zone, when,
	    sizeof when) == 0) {
		f[n].title = "Due (your time)";
		snprintf(f[n++].value, sizeof f[0].value, "%s (%s)", when,
		    zone ? zone : it->zone);
	}
	f[n].title = "UTC";
	mr_when_iso_utc(it->closes_at, f[n++].value, sizeof f[0].value);
	f[n].title = "Time left";
	mr_when_left(now, it->closes_at, f[n++].value, sizeof f[0].value);
	mr_alert_offset_label(offset, label, sizeof label);
	f[n].title = strcmp(alert_kind, "escalation") == 0 ?
	    "Unacknowledged reminder" : "Reminder";
	snprintf(f[n++].value, sizeof f[0].value, "the %s reminder", label);
	snprintf(ack, acklen, "mipsreview alerts ack %s%lld", is_case ? "" :
	    "--hardship ", (long long)it->id);
	f[n].title = "Acknowledge";
	snprintf(f[n++].value, sizeof f[0].value, "%s", ack);
	return n;
}

/*
 * Slack's mrkdwn: &, < and > are its only control characters (a link or
 * a mention is written <...>), escaped as Slack asks; *, _ and ~ can only
 * set a style, and the texts taken from data are sent verbatim (no
 * automatic links or mentions).
 */
static void
slack_escape(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s && o + 6 < len; s++) {
		const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" :
		    *s == '>' ? "&gt;" : NULL;

		if (rep != NULL) {
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		} else
			out[o++] = *s;
	}
	out[o] = '\0';
}

/*
 * A URL inside Slack's <URL|text>: & < > escaped as everywhere, and a '|'
 * (which would end the URL) percent-encoded.
 */
static void
slack_url(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s && o + 6 < len; s++) {
		const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "%3C" :
		    *s == '>' ? "%3E" : *s == '|' ? "%7C" : NULL;

		if (rep != NULL) {
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		} else
			out[o++] = *s;
	}
	out[o] = '\0';
}

static json_t *
slack_message(const char *title, const struct fact *f, int n, const char *ack,
    const char *ack_url)
{
	json_t *fields = json_array(), *blocks;
	char esc[700], head[160], text[MR_WEBHOOK_ACK_URL_MAX + 900];
	char ackline[MR_WEBHOOK_ACK_URL_MAX + 300], url[MR_WEBHOOK_ACK_URL_MAX + 100];

	for (int i = 0; i < n; i++) {
		char v[700];

		if (strcmp(f[i].title, "Acknowledge") == 0)
			continue;
		slack_escape(f[i].value, v, sizeof v);
		snprintf(esc, sizeof esc, "*%.40s*\n%.600s", f[i].title, v);
		json_array_append_new(fields, json_pack("{s:s, s:s, s:b}", "type",
		    "mrkdwn", "text", esc, "verbatim", 1));
	}
	/* A header holds 150 characters of plain text. */
	snprintf(head, sizeof head, "%.146s%s", title, strlen(title) > 146 ?
	    "..." : "");
	slack_escape(title, esc, sizeof esc);
	if (ack_url != NULL) {
		slack_url(ack_url, url, sizeof url);
		snprintf(text, sizeof text, "%s. In hand? Acknowledge it: %s", esc,
		    url);
		snprintf(ackline, sizeof ackline, "In hand? <%s|Acknowledge it> "
		    "(or run `%s`)", url, ack);
	} else {
		snprintf(text, sizeof text, "%s. In hand? %s", esc, ack);
		snprintf(ackline, sizeof ackline, "In hand? Acknowledge it: `%s`",
		    ack);
	}
	blocks = json_pack("[{s:s, s:{s:s, s:s}}, {s:s, s:o}, {s:s, s:[{s:s, "
	    "s:s}]}]",
	    "type", "header", "text", "type", "plain_text", "text", head,
	    "type", "section", "fields", fields,
	    "type", "context", "elements", "type", "mrkdwn", "text", ackline);
	return json_pack("{s:s, s:o}", "text", text, "blocks", blocks);
}

/*
 * The Markdown of an Adaptive Card's TextBlock and Fact (a CommonMark
 * subset: emphasis, lists and [links](url)): every character that could
 * start markup is escaped with a backslash, as CommonMark allows for any
 * ASCII punctuation, so a name shows as typed and never becomes a link.
 */
static void
teams_escape(const char *s, char *out, size_t len)
{
	size_t o = 0;
	const char *start = s;

	for (; *s && o + 3 < len; s++) {
		int esc = strchr("\\*_[]()`~<>", *s) != NULL;

		/* A list item: "- x", "+ x" or "1. x" at the start. */
		if (s == start && (*s == '-' || *s == '+'))
			esc = 1;
		if (*s == '.' && s > start && strspn(start, "0123456789") ==
		    (size_t)(s - start))
			esc = 1;
		if (esc)
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
}

static json_t *
teams_message(const char *title, const struct fact *f, int n, const char *ack,
    const char *ack_url)
{
	json_t *facts = json_array(), *card, *body;
	char ackline[900], head[900], v[700];

	for (int i = 0; i < n; i++) {
		if (strcmp(f[i].title, "Acknowledge") == 0)
			continue;
		teams_escape(f[i].value, v, sizeof v);
		json_array_append_new(facts, json_pack("{s:s, s:s}", "title",
		    f[i].title, "value", v));
	}
	teams_escape(title, head, sizeof head);
	teams_escape(ack, v, sizeof v);
	if (ack_url != NULL)
		snprintf(ackline, sizeof ackline, "In hand? Acknowledge it with "
		    "the button below, or: %s", v);
	else
		snprintf(ackline, sizeof ackline, "In hand? Acknowledge it: %s", v);
	body = json_pack("[{s:s, s:s, s:s, s:s, s:b}, {s:s, s:o}, "
	    "{s:s, s:s, s:b}]",
	    "type", "TextBlock", "text", head, "weight", "Bolder", "size",
	    "Medium", "wrap", 1,
	    "type", "FactSet", "facts", facts,
	    "type", "TextBlock", "text", ackline, "wrap", 1);
	card = json_pack("{s:s, s:s, s:s, s:o}",
	    "$schema", "http://adaptivecards.io/schemas/adaptive-card.json",
	    "type", "AdaptiveCard", "version", "1.4", "body", body);
	/* The one-click link as the card's button (a URL, not Markdown). */
	if (card != NULL && ack_url != NULL)
		json_object_set_new(card, "actions", json_pack("[{s:s, s:s, "
		    "s:s}]", "type", "Action.OpenUrl", "title", "Acknowledge",
		    "url", ack_url));
	return json_pack("{s:s, s:[{s:s, s:n, s:o}]}", "type", "message",
	    "attachments", "contentType",
	    "application/vnd.microsoft.card.adaptive", "contentUrl", "content",
	    card);
}

static json_t *
generic_message(const char *alert_kind, const struct mr_deadline_item *it,
    long long offset, time_t now, const char *zone, const char *title,
    const char *ack, const char *ack_url)
{
	json_t *m;

	char tin[16], utc[32], nowiso[32], label[32], ann[80], rec[80];
	char type[40];

	mr_tin_mask(it->tin, tin, sizeof tin);
	mr_when_iso_utc(it->closes_at, utc, sizeof utc);
	mr_when_iso_utc(now, nowiso, sizeof nowiso);
	mr_alert_offset_label(offset, label, sizeof label);
	if (mr_when_format_local(it->closes_at, it->zone, ann, sizeof ann) != 0)
		ann[0] = '\0';
	if (mr_when_format_local(it->closes_at, zone ? zone : it->zone, rec,
	    sizeof rec) != 0)
		rec[0] = '\0';
	if (strcmp(alert_kind, "test") == 0)
		snprintf(type, sizeof type, "webhook.test");
	else
		snprintf(type, sizeof type, "deadline.%s", alert_kind);
	m = json_pack("{s:s, s:s, s:{s:s, s:s, s:I, s:s, s:s, s:i, s:s, "
	    "s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s}}",
	    "type", type, "timestamp", nowiso, "data",
	    "what", it->what, "kind", it->kind, "id", (json_int_t)it->id,
	    "name", it->name ? it->name : "", "tin_masked", tin,
	    "performance_year", it->performance_year, "status", it->status,
	    "closes_at", utc, "announced_zone", it->zone, "closes_at_announced",
	    ann, "recipient_zone", zone ? zone : it->zone,
	    "closes_at_recipient", rec, "reminder", label,
	    "offset_secs", (json_int_t)offset, "ack_command", ack, "text", title);
	if (m != NULL && ack_url != NULL)
		json_object_set_new(json_object_get(m, "data"), "ack_url",
		    json_string(ack_url));
	return m;
}

char *
mr_webhook_message(const char *kind, const char *alert_kind,
    const struct mr_deadline_item *it, long long offset, time_t now,
    const char *zone, const char *webhook_id, const char *ack_url)
{
	struct fact f[NFACTS];
	char title[420], ack[64], *s;
	json_t *m;
	int n;

	(void)webhook_id;
	n = facts_of(it, offset, now, zone, f, title, sizeof title, alert_kind,
	    ack, sizeof ack);
	if (strcmp(kind, "slack") == 0)
		m = slack_message(title, f, n, ack, ack_url);
	else if (strcmp(kind, "teams") == 0)
		m = teams_message(title, f, n, ack, ack_url);
	else
		m = generic_message(alert_kind, it, offset, now, zone, title, ack,
		    ack_url);
	if (m == NULL)
		return NULL;
	s = json_dumps(m, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	json_decref(m);
	return s;
}

/* ---- what is due ---- */

struct due {
	struct mr_deadline_item	 it;
	char			*strs[MR_DEADLINE_ITEM_NSTRS];
	long long		 offset;
	const char		*kind;		/* reminder or escalation */
};

struct collect {
	const struct mr_alert_settings	*set;
	time_t				 now, next;	/* next reminder moment */
	struct due			*v;
	size_t				 n, cap;
	int				 nomem;
};

static int
add_due(struct collect *c, const struct mr_deadline_item *it, long long offset,
    const char *kind)
{
	struct due *d;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct due *nv = realloc(c->v, ncap * sizeof *nv);

		if (nv == NULL) {
			c->nomem = 1;
			return 1;
		}
		c->v = nv;
		c->cap = ncap;
	}
	d = &c->v[c->n++];
	memset(d, 0, sizeof *d);
	d->it = *it;
	d->offset = offset;
	d->kind = kind;
	if (mr_deadline_item_own(&d->it, d->strs) == -1)
		c->nomem = 1;
	return c->nomem;
}

static int
collect_item(const struct mr_deadline_item *it, void *arg)
{
	struct collect *c = arg;
	int i = mr_alert_due(it, c->set->offsets, c->set->noffsets, c->now);
	time_t t = mr_alert_next_moment(it, c->set->offsets, c->set->noffsets,
	    c->now);

	if (t != 0 && (c->next == 0 || t < c->next))
		c->next = t;
	if (i >= 0 && add_due(c, it, c->set->offsets[i], "reminder") != 0)
		return 1;
	/* A candidate for escalation, checked below. */
	if (mr_alert_escalation_candidate(c->set, it, c->now) &&
	    add_due(c, it, 0, "escalation") != 0)
		return 1;
	return 0;
}

static void
collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++)
		for (int k = 0; k < MR_DEADLINE_ITEM_NSTRS; k++)
			free(c->v[i].strs[k]);
	free(c->v);
	memset(c, 0, sizeof *c);
}

/*
 * Whether the deadline's escalation is due, on the rule of the mail's
 * (lib/mr_alert_ledger.c) but whatever told the owner: the first reminder
 * within escalate_within of the deadline that went out - mailed, or posted
 * to any endpoint - went unacknowledged for escalate_after, before the
 * deadline, and the TIN has someone to escalate to.  *go 1 and the
 * reminder's offset in d, or *go 0 and, when it is still to come, the
 * moment in c->next.  Without a mail server the channels are still told.
 */
static int
escalation_due(struct mr_store *st, struct collect *c, struct due *d,
    int *go, struct mr_err *err)
{
	const struct mr_alert_settings *set = c->set;
	sqlite3_stmt *stmt = NULL;
	char to[1024];
	time_t first, moment;
	long long off;
	int step;

	*go = 0;
	if (mr_alert_escalation_to(set, d->it.tin, to, sizeof to, err) == -1)
		return -1;
	if (to[0] == '\0')
		return 0;
	/* Both clocks are the deadlines' (mr_store_now) when they were sent. */
	if (mr_store_prepare(st, "SELECT offset_secs, t FROM ("
	    "SELECT offset_secs, CAST(strftime('%s', sent_at) AS INTEGER) AS t "
	    "FROM alert_ledger WHERE kind = 'reminder' AND what = ?1 AND "
	    "item_id = ?2 AND closes_at = ?3 AND state = 'sent' AND "
	    "offset_secs <= ?4 UNION ALL "
	    "SELECT offset_secs, CAST(strftime('%s', updated_at) AS INTEGER) "
	    "FROM webhook_delivery WHERE kind = 'reminder' AND what = ?1 AND "
	    "item_id = ?2 AND closes_at = ?3 AND state = 'sent' AND "
	    "offset_secs <= ?4) ORDER BY t, offset_secs DESC LIMIT 1", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, d->it.what, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, d->it.id);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)d->it.closes_at);
	sqlite3_bind_int64(stmt, 4, set->escalate_within);
	step = sqlite3_step(stmt);
	off = step == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	first = step == SQLITE_ROW ? (time_t)sqlite3_column_int64(stmt, 1) : 0;
	sqlite3_finalize(stmt);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return mr_store_dberr(st, err, "reading what reminders went out");
	if (step != SQLITE_ROW || first <= 0)
		return 0;
	moment = first + (time_t)set->escalate_after;
	if (moment >= d->it.closes_at)
		return 0;
	if (moment > c->now) {
		if (c->next == 0 || moment < c->next)
			c->next = moment;
		return 0;
	}
	d->offset = off;
	*go = 1;
	return 0;
}

/*
 * The alerts due now: the most urgent reminder of each open deadline not
 * acknowledged (an acknowledged deadline is in hand: channels are not
 * told again), and each escalation that is due (escalation_due()).
 */
static int
collect_due(struct mr_store *st, const struct mr_alert_settings *set,
    struct collect *c, struct mr_err *err)
{
	size_t keep = 0;

	memset(c, 0, sizeof *c);
	c->set = set;
	c->now = mr_store_now(st);
	if (mr_deadline_each(st, NULL, collect_item, c, err) == -1)
		return -1;
	if (c->nomem)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	for (size_t i = 0; i < c->n; i++) {
		struct due *d = &c->v[i];
		int acked = 0, found = 1;

		if (mr_alert_ack_find(st, &d->it, NULL, &acked, err) == -1 ||
		    (strcmp(d->kind, "escalation") == 0 && !acked &&
		    escalation_due(st, c, d, &found, err) == -1)) {
			c->n = keep + (c->n - i);
			memmove(&c->v[keep], d, (c->n - keep) * sizeof *d);
			return -1;
		}
		if (acked || !found) {
			for (int k = 0; k < MR_DEADLINE_ITEM_NSTRS; k++)
				free(d->strs[k]);
			continue;
		}
		if (keep != i)
			c->v[keep] = *d;
		keep++;
	}
	c->n = keep;
	return 0;
}

/* ---- endpoints ---- */

struct endpoint {
	int64_t	 id;
	char	 name[MR_WEBHOOK_NAME_MAX + 1];
	char	 kind[16];
	char	 tins[1024];	/* "" : every TIN */
	char	 zone[64];	/* "" : alert_zone, else announced */
	char	 cred[256];
	int	 disabled;
};

static int
load_endpoints(struct mr_store *st, const char *name, struct endpoint **out,
    size_t *n, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct endpoint *v = NULL, *nv;
	size_t cap = 0;
	int step, rc = -1;

	*out = NULL;
	*n = 0;
	if (mr_store_prepare(st, "SELECT id, name, kind, coalesce(tins, ''), "
	    "coalesce(zone, ''), credentials, disabled_at IS NOT NULL FROM "
	    "webhook_endpoint WHERE (?1 IS NULL AND disabled_at IS NULL) OR "
	    "name = ?1 ORDER BY id", &stmt, err) == -1)
		return -1;
	mr_store_bind_text_or_null(stmt, 1, name);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct endpoint *e;

		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = realloc(v, cap * sizeof *v)) == NULL) {
				mr_err_set(err, MR_EFAIL, "out of memory");
				goto out;
			}
			v = nv;
		}
		e = &v[(*n)++];
		memset(e, 0, sizeof *e);
		e->id = sqlite3_column_int64(stmt, 0);
		snprintf(e->name, sizeof e->name, "%s", mr_store_col_text(stmt, 1));
		snprintf(e->kind, sizeof e->kind, "%s", mr_store_col_text(stmt, 2));
		snprintf(e->tins, sizeof e->tins, "%s", mr_store_col_text(stmt, 3));
		snprintf(e->zone, sizeof e->zone, "%s", mr_store_col_text(stmt, 4));
		snprintf(e->cred, sizeof e->cred, "%s", mr_store_col_text(stmt, 5));
		e->disabled = sqlite3_column_int(stmt, 6);
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the webhooks");
		goto out;
	}
	*out = v;
	v = NULL;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	free(v);
	if (rc == -1)
		*n = 0;
	return rc;
}

static int
in_scope(const struct endpoint *e, const char *tin)
{
	const char *p = e->tins;
	size_t n = strlen(tin);

	if (e->tins[0] == '\0')
		return 1;
	while (*p) {
		if (strncmp(p, tin, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return 0;
}

/* ---- the delivery ledger ---- */

struct row {
	int64_t	 id;		/* 0: none */
	char	 state[16];
	time_t	 lease_until;
	time_t	 retry_at;
	int	 attempts;
	int	 maybe_delivered;	/* an earlier try may have arrived */
	int	 maybe_sent;		/* so before the current one began */
	char	*body;
	char	 webhook_id[160];
	char	 posting_at[32];	/* when the current try began, or "" */
};

static void
webhook_id_of(const struct due *d, char *buf, size_t len)
{
	/* No '.': it is the first field of what is signed. */
	snprintf(buf, len, "msg_mipsreview_%s_%s_%lld_%lld_%lld", d->kind,
	    d->it.what, (long long)d->it.id, (long long)d->it.closes_at,
	    d->offset);
}

/*
 * The delivery of the alert to the endpoint.  A deadline is escalated to
 * an endpoint once, whatever reminder it escalates: its escalation row is
 * found by the deadline alone.
 */
static int
row_get(struct mr_store *st, int64_t endpoint_id, const struct due *d,
    struct row *r, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int step, rc = -1;

	free(r->body);
	memset(r, 0, sizeof *r);
	if (mr_store_prepare(st, "SELECT id, state, coalesce(lease_until, 0), "
	    "coalesce(retry_at, 0), attempts, body, webhook_id, "
	    "state = 'sending' OR maybe_sent, maybe_sent, "
	    "coalesce(posting_at, updated_at) FROM webhook_delivery WHERE "
	    "endpoint_id = ?1 AND kind = ?2 AND what = ?3 AND item_id = ?4 AND "
	    "closes_at = ?5 AND (offset_secs = ?6 OR kind = 'escalation') "
	    "ORDER BY id LIMIT 1", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, endpoint_id);
	sqlite3_bind_text(stmt, 2, d->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, d->it.what, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, d->it.id);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)d->it.closes_at);
	sqlite3_bind_int64(stmt, 6, d->offset);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		r->id = sqlite3_column_int64(stmt, 0);
		snprintf(r->state, sizeof r->state, "%s",
		    mr_store_col_text(stmt, 1));
		r->lease_until = (time_t)sqlite3_column_int64(stmt, 2);
		r->retry_at = (time_t)sqlite3_column_int64(stmt, 3);
		r->attempts = sqlite3_column_int(stmt, 4);
		if ((r->body = strdup(mr_store_col_text(stmt, 5))) == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		snprintf(r->webhook_id, sizeof r->webhook_id, "%s",
		    mr_store_col_text(stmt, 6));
		r->maybe_delivered = sqlite3_column_int(stmt, 7);
		r->maybe_sent = sqlite3_column_int(stmt, 8);
		snprintf(r->posting_at, sizeof r->posting_at, "%s",
		    mr_store_col_text(stmt, 9));
	} else if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the webhook deliveries");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* What the claim of the row goes by. */
static void
lease_of(const struct row *r, struct mr_lease_row *l)
{
	memset(l, 0, sizeof *l);
	l->id = r->id;
	snprintf(l->state, sizeof l->state, "%s", r->state);
	l->lease_until = r->lease_until;
	l->retry_at = r->retry_at;
	l->attempts = r->attempts;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Slack's pace: the next free second of the endpoint, shared by every
 * sender through the database; called inside a claim's transaction.
 */
static int
reserve_slot(struct mr_store *st, const struct endpoint *e, long long *slot,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	long long next = 0, now = now_ms();
	int rc = -1;

	*slot = now;
	if (strcmp(e->kind, "slack") != 0)
		return 0;
	if (mr_store_prepare(st, "SELECT next_post_ms FROM webhook_endpoint "
	    "WHERE id = ?1", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, e->id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		next = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (next > now)
		*slot = next;
	if (mr_store_prepare(st, "UPDATE webhook_endpoint SET next_post_ms = ?2 "
	    "WHERE id = ?1", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, e->id);
	sqlite3_bind_int64(stmt, 2, *slot + SLACK_GAP_MS);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		mr_store_dberr(st, err, "pacing the webhook");
	else
		rc = 0;
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * After a post to Slack: the next one no sooner than a gap after this one
 * really started, however late it started after its slot.
 */
static int
pace_after(struct mr_store *st, const struct endpoint *e, long long started,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (strcmp(e->kind, "slack") != 0)
		return 0;
	if (mr_store_prepare(st, "UPDATE webhook_endpoint SET next_post_ms = "
	    "max(next_post_ms, ?2) WHERE id = ?1", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, e->id);
	sqlite3_bind_int64(stmt, 2, started + SLACK_GAP_MS);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		mr_store_dberr(st, err, "pacing the webhook");
	else
		rc = 0;
	sqlite3_finalize(stmt);
	return rc;
}

struct answer;
static int	log_attempt(struct mr_store *, const struct endpoint *, int64_t,
		    const char *, const char *, const struct due *,
		    const struct answer *, const char *, int, const char *,
		    struct mr_err *);
static int	log_interrupted(struct mr_store *, const struct endpoint *,
		    const struct due *, const struct row *, struct mr_err *);

/* What a message needs besides the alert: the zone and the link's means. */
struct compose {
	const char		*zone;
	const char		*link_base;	/* NULL: no links */
	const unsigned char	*link_key;
};

/*
 * The signed one-click link acknowledging the alert's deadline from the
 * endpoint's channel (lib/mr_acklink.h: it names the endpoint, not an
 * address), into buf; -1 (and no link) when links are off or it cannot
 * be made.
 */
static int
ack_url_of(const struct compose *cm, const struct endpoint *e,
    const struct due *d, time_t now, char *buf, size_t len)
{
	struct mr_acklink l;
	char token[MR_ACKLINK_TOKEN_MAX + 1];

	if (cm == NULL || cm->link_base == NULL || cm->link_key == NULL ||
	    d->it.undated || d->it.id <= 0)
		return -1;
	memset(&l, 0, sizeof l);
	snprintf(l.what, sizeof l.what, "%s", d->it.what);
	l.id = d->it.id;
	l.closes_at = d->it.closes_at;
	snprintf(l.status, sizeof l.status, "%s", d->it.status);
	/* Until the deadline, and not for ever, as a mail's. */
	l.expires = d->it.closes_at;
	if ((long long)l.expires > (long long)now + MR_ACKLINK_TTL)
		l.expires = (time_t)((long long)now + MR_ACKLINK_TTL);
	snprintf(l.to, sizeof l.to, "%s", e->name);
	snprintf(l.via, sizeof l.via, "webhook");
	if (mr_acklink_sign(cm->link_key, &l, token, sizeof token, NULL) == -1)
		return -1;
	return mr_acklink_url(cm->link_base, token, buf, len);
}

/* A claim's delivery, for reading and preparing it in its transaction. */
struct claiming {
	const struct endpoint		*e;
	const struct due		*d;
	const struct mr_webhook_settings *ws;
	const struct compose		*cm;
	struct row			*r;
	long long			*slot;
	struct mr_lease_col		*body;	/* a new row's */
};

static int
read_claim(struct mr_store *st, void *arg, struct mr_lease_row *l,
    struct mr_err *err)
{
	struct claiming *k = arg;

	if (row_get(st, k->e->id, k->d, k->r, err) == -1)
		return -1;
	lease_of(k->r, l);
	return 0;
}

/*
 * Before the row is written: the endpoint's slot, then a new row's body,
 * or the attempt a dead sender left (logged before the next); the lease
 * runs to the slot, the timeout and a margin.
 */
static int
prepare_claim(struct mr_store *st, void *arg, const struct mr_lease_row *was,
    int takeover, time_t now, time_t *lease_until, struct mr_err *err)
{
	struct claiming *k = arg;
	struct row *r = k->r;
	char url[MR_WEBHOOK_ACK_URL_MAX];

	if (reserve_slot(st, k->e, k->slot, err) == -1)
		return -1;
	if (was->id == 0) {
		webhook_id_of(k->d, r->webhook_id, sizeof r->webhook_id);
		if ((r->body = mr_webhook_message(k->e->kind, k->d->kind,
		    &k->d->it, k->d->offset, now, k->cm->zone, r->webhook_id,
		    ack_url_of(k->cm, k->e, k->d, now, url, sizeof url) == 0 ?
		    url : NULL)) == NULL)
			return mr_err_set(err, MR_EFAIL, "out of memory");
		k->body->text = r->body;
	} else if (takeover && strcmp(was->state, "sending") == 0 &&
	    log_interrupted(st, k->e, k->d, r, err) == -1)
		return -1;
	*lease_until = (time_t)((sqlite3_int64)now + k->ws->timeout + 60 +
	    (*k->slot - now_ms()) / 1000 + 1);
	return 0;
}

/*
 * Claim the delivery (creating its row with the body) or, with again
 * and r->id set and ours, claim it again for another try; reserve the
 * endpoint's slot.  One transaction.
 */
static int
claim(struct mr_store *st, const struct endpoint *e, const struct due *d,
    const struct mr_webhook_settings *ws, const char *token,
    const struct compose *cm, int again, struct row *r,
    enum mr_lease_is *res, long long *slot, int *takeover, struct mr_err *err)
{
	struct mr_lease_col cols[] = {
		{ "endpoint_id", NULL, e->id },
		{ "kind", d->kind, 0 },
		{ "what", d->it.what, 0 },
		{ "item_id", NULL, d->it.id },
		{ "closes_at", NULL, (int64_t)d->it.closes_at },
		{ "offset_secs", NULL, d->offset },
		{ "webhook_id", r->webhook_id, 0 },
		{ "body", "", 0 },
	};
	struct claiming k = { e, d, ws, cm, r, slot, &cols[7] };
	struct mr_lease_row mine;
	struct mr_lease_claim c = {
		.table = "webhook_delivery",
		.doing = "claiming a webhook delivery",
		.audit = MR_LEASE_AUDIT_WEBHOOK,
		.token = token,
		.honor_retry = 1,
		.cols = cols,
		.ncols = sizeof cols / sizeof cols[0],
		/* Counted when a request goes out, or when one may have. */
		.attempts = 0,
		.reclaim_sql = "attempts = attempts + (state = 'sending'), "
		    "maybe_sent = maybe_sent OR state = 'sending'",
		.read = read_claim,
		.prepare = prepare_claim,
		.arg = &k,
	};
	struct mr_lease_claimed got;

	if (again) {
		lease_of(r, &mine);
		c.ours = &mine;
	}
	*takeover = 0;
	if (mr_lease_claim(st, &c, &got, err) == -1)
		return -1;
	*res = got.is;
	*takeover = got.takeover;
	if (got.is == MR_LEASE_FREE) {
		r->id = got.id;
		snprintf(r->state, sizeof r->state, "claimed");
	}
	return 0;
}

/* ---- HTTP ---- */

struct answer {
	long		 status;	/* 0: none */
	long long	 retry_after;	/* seconds, -1: none */
	int		 whole;		/* the whole request went out */
	int		 timed_out;
	int		 aborted;	/* mark_sending refused */
	char		 error[400];
};

struct upload {
	const char	*body;
	size_t		 len, off;
	int		 (*mark)(void *);
	void		*arg;
	int		 marked, aborted;
};

static size_t
read_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t room = size * nmemb, left = u->len - u->off, n;

	if (left == 0)
		return 0;
	if (left > 1) {
		/* All but the last byte: the receiver cannot act on that. */
		n = left - 1 < room ? left - 1 : room;
	} else {
		if (!u->marked) {
			if (u->mark != NULL && u->mark(u->arg) == -1) {
				u->aborted = 1;
				return CURL_READFUNC_ABORT;
			}
			u->marked = 1;
		}
		n = 1;
	}
	memcpy(buf, u->body + u->off, n);
	u->off += n;
	return n;
}

struct sink {
	char	 text[ANSWER_MAX + 1];
	size_t	 len;
};

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;

	for (size_t i = 0; i < n && s->len < ANSWER_MAX; i++)
		s->text[s->len++] = ((unsigned char)data[i] < 0x20 ||
		    (unsigned char)data[i] >= 0x7f) ? ' ' : data[i];
	s->text[s->len] = '\0';
	return n;
}

static int
is_loopback_http(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0;
}

/* One POST; the outcome in *a.  -1 only when libcurl cannot be had. */
static int
post(const struct mr_webhook_settings *ws, const struct mr_webhook_creds *cr,
    const char *webhook_id, const char *body, int (*mark)(void *), void *arg,
    struct answer *a, struct mr_err *err)
{
	CURL *c = NULL;
	struct curl_slist *h = NULL;
	struct upload u = { body, strlen(body), 0, mark, arg, 0, 0 };
	struct sink s = { "", 0 };
	char errbuf[CURL_ERROR_SIZE] = "", line[300], sig[MR_WEBHOOK_SIG_LEN];
	long long ts = (long long)time(NULL);
	curl_off_t ra = -1;
	CURLcode cc;

	memset(a, 0, sizeof *a);
	a->retry_after = -1;
	if (mr_curl_load(err) == -1)
		return -1;
	if ((c = mr_curl.easy_init()) == NULL)
		return mr_err_set(err, MR_EFAIL, "libcurl could not be "
		    "initialised");
	h = mr_curl.slist_append(h, "Content-Type: application/json");
	h = mr_curl.slist_append(h, "Expect:");
	snprintf(line, sizeof line, "User-Agent: mipsreview/%s", PACKAGE_VERSION);
	h = mr_curl.slist_append(h, line);
	if (cr->keylen > 0) {
		/* Standard Webhooks: the id, the attempt's time, "v1,HMAC". */
		if (mr_webhook_sign(cr->key, cr->keylen, webhook_id, ts, body,
		    u.len, sig, sizeof sig) == -1) {
			mr_curl.slist_free_all(h);
			mr_curl.easy_cleanup(c);
			return mr_err_set(err, MR_EFAIL, "signing failed");
		}
		snprintf(line, sizeof line, "webhook-id: %s", webhook_id);
		h = mr_curl.slist_append(h, line);
		snprintf(line, sizeof line, "webhook-timestamp: %lld", ts);
		h = mr_curl.slist_append(h, line);
		snprintf(line, sizeof line, "webhook-signature: %s", sig);
		h = mr_curl.slist_append(h, line);
	}
	if (h == NULL) {
		mr_curl.easy_cleanup(c);
		return mr_err_set(err, MR_EFAIL, "out of memory");
	}
	mr_curl.easy_setopt(c, CURLOPT_URL, cr->url);
	mr_curl.easy_setopt(c, CURLOPT_POST, 1L);
	mr_curl.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)u.len);
	mr_curl.easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	mr_curl.easy_setopt(c, CURLOPT_READDATA, &u);
	mr_curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	mr_curl.easy_setopt(c, CURLOPT_WRITEDATA, &s);
	mr_curl.easy_setopt(c, CURLOPT_HTTPHEADER, h);
	mr_curl.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	mr_curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	mr_curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, ws->connect_timeout);
	mr_curl.easy_setopt(c, CURLOPT_TIMEOUT, ws->timeout);
	mr_curl.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	mr_curl.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	/* Standard Webhooks: a redirect is a failure; fix the URL instead. */
	mr_curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	mr_curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, is_loopback_http(cr->url) ?
	    "http" : "https");
#else
	mr_curl.easy_setopt(c, CURLOPT_PROTOCOLS, is_loopback_http(cr->url) ?
	    (long)CURLPROTO_HTTP : (long)CURLPROTO_HTTPS);
#endif
	if (ws->ca_file != NULL)
		mr_curl.easy_setopt(c, CURLOPT_CAINFO, ws->ca_file);
	cc = mr_curl.easy_perform(c);
	a->whole = u.marked;
	a->aborted = u.aborted;
	if (cc == CURLE_OK) {
		mr_curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
		/* RFC 9110 10.2.3: seconds or an HTTP-date; libcurl reads both. */
		if (mr_curl.easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK &&
		    ra > 0)
			a->retry_after = ra > RETRY_AFTER_MAX ? RETRY_AFTER_MAX :
			    (long long)ra;
		if (a->status < 200 || a->status > 299)
			snprintf(a->error, sizeof a->error, "HTTP %ld%s%s",
			    a->status, s.len ? ": " : "", s.text);
	} else {
		const char *why = errbuf[0] ? errbuf : mr_curl.easy_strerror(cc);

		a->timed_out = cc == CURLE_OPERATION_TIMEDOUT;
		switch (cc) {
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_ISSUER_ERROR:
			snprintf(a->error, sizeof a->error, "the receiver's "
			    "certificate was refused (%s); if it is genuine, name "
			    "its CA in webhook_ca_file", why);
			break;
		case CURLE_OPERATION_TIMEDOUT:
			snprintf(a->error, sizeof a->error, "no answer within %ld "
			    "s (webhook_timeout)", ws->timeout);
			break;
		default:
			snprintf(a->error, sizeof a->error, "%s", why);
		}
	}
	mr_curl.slist_free_all(h);
	mr_curl.easy_cleanup(c);
	return 0;
}

/* ---- recording ---- */

struct outcome {
	const char	*delivery_state;	/* sent, failed, rejected, claimed */
	const char	*log;		/* sent, retry, failed, rejected, gone */
	time_t		 retry_at;
	int		 gone;
};

static int
log_attempt(struct mr_store *st, const struct endpoint *e, int64_t delivery,
    const char *webhook_id, const char *kind, const struct due *d,
    const struct answer *a, const char *outcome, int maybe_duplicate,
    const char *at, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char iso[32];
	int rc = -1;

	/* The real time of the attempt, whatever clock deadlines use. */
	if (at != NULL && *at != '\0')
		snprintf(iso, sizeof iso, "%s", at);
	else
		mr_when_iso_utc(time(NULL), iso, sizeof iso);
	if (mr_store_prepare(st, "INSERT INTO webhook_attempt (at, endpoint, "
	    "endpoint_id, delivery_id, webhook_id, kind, what, item_id, "
	    "offset_secs, status, outcome, error, maybe_duplicate) VALUES (?1, "
	    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, iso, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, e->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, e->id);
	if (delivery != 0)
		sqlite3_bind_int64(stmt, 4, delivery);
	sqlite3_bind_text(stmt, 5, webhook_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, kind, -1, SQLITE_STATIC);
	if (d != NULL) {
		sqlite3_bind_text(stmt, 7, d->it.what, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 8, d->it.id);
		sqlite3_bind_int64(stmt, 9, d->offset);
	}
	if (a->status != 0)
		sqlite3_bind_int(stmt, 10, (int)a->status);
	sqlite3_bind_text(stmt, 11, outcome, -1, SQLITE_STATIC);
	mr_store_bind_text_or_null(stmt, 12, a->error[0] ? a->error : NULL);
	sqlite3_bind_int(stmt, 13, maybe_duplicate);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		mr_store_dberr(st, err, "writing the delivery log");
	else
		rc = 0;
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * The attempt of a sender that died with the delivery 'sending': the whole
 * request had gone out and no answer was recorded, so it may have arrived.
 * Logged as it began, inside the taking over's transaction.
 */
static int
log_interrupted(struct mr_store *st, const struct endpoint *e,
    const struct due *d, const struct row *r, struct mr_err *err)
{
	struct answer a;

	memset(&a, 0, sizeof a);
	snprintf(a.error, sizeof a.error, "interrupted: its sender stopped "
	    "(killed, or the machine went down) after the whole request went "
	    "out; no answer was recorded, so it may have arrived");
	return log_attempt(st, e, r->id, r->webhook_id, d->kind, d, &a,
	    "interrupted", r->maybe_sent, r->posting_at, err);
}

static int
disable_endpoint(struct mr_store *st, const struct endpoint *e,
    const struct answer *a, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char iso[32], why[500];
	int rc = -1;

	mr_when_iso_utc(time(NULL), iso, sizeof iso);
	snprintf(why, sizeof why, "answered 410 Gone: the receiver wants no "
	    "more messages (%s)", a->error);
	if (mr_store_prepare(st, "UPDATE webhook_endpoint SET disabled_at = ?2, "
	    "disabled_reason = ?3 WHERE id = ?1 AND disabled_at IS NULL", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, e->id);
	sqlite3_bind_text(stmt, 2, iso, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, why, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		mr_store_dberr(st, err, "disabling the webhook");
	else if (sqlite3_changes(mr_store_db(st)) == 0)
		rc = 0;
	else {
		json_t *j = json_pack("{s:s, s:s}", "state", "disabled", "reason",
		    why);
		char *s = j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT) : NULL;

		json_decref(j);
		rc = s ? mr_audit_append(st, "webhook", e->id, "disable webhook",
		    "{\"state\":\"enabled\"}", s, err) : mr_err_set(err, MR_EFAIL,
		    "out of memory");
		free(s);
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int
record(struct mr_store *st, const struct endpoint *e, const struct due *d,
    const struct row *r, const char *token, const struct answer *a,
    const struct outcome *o, int maybe_duplicate, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char iso[32], sent[32];
	int rc = -1, in_tx = 0;

	mr_when_iso_utc(mr_store_now(st), iso, sizeof iso);
	mr_when_iso_utc(time(NULL), sent, sizeof sent);
	if (mr_store_begin(st, err) == -1)
		return -1;
	in_tx = 1;
	if (mr_store_prepare(st, "UPDATE webhook_delivery SET state = ?3, "
	    "claim_token = CASE WHEN ?3 = 'claimed' THEN ?2 END, "
	    "lease_until = CASE WHEN ?3 = 'claimed' THEN lease_until END, "
	    "attempts = attempts + 1, retry_at = ?4, last_status = ?5, "
	    "last_error = ?6, sent_at = CASE WHEN ?3 = 'sent' THEN ?7 END, "
	    "updated_at = ?8, maybe_sent = maybe_sent OR ?9 "
	    "WHERE id = ?1 AND claim_token = ?2", &stmt,
	    err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, r->id);
	sqlite3_bind_text(stmt, 2, token, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, o->delivery_state, -1, SQLITE_STATIC);
	if (o->retry_at != 0)
		sqlite3_bind_int64(stmt, 4, (sqlite3_int64)o->retry_at);
	if (a->status != 0)
		sqlite3_bind_int(stmt, 5, (int)a->status);
	mr_store_bind_text_or_null(stmt, 6, a->error[0] ? a->error : NULL);
	sqlite3_bind_text(stmt, 7, sent, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, iso, -1, SQLITE_STATIC);
	/* A request that went out whole and got no answer may have arrived. */
	sqlite3_bind_int(stmt, 9, a->status == 0 && a->whole);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "updating a webhook delivery");
		goto out;
	}
	if (log_attempt(st, e, r->id, r->webhook_id, d->kind, d, a, o->log,
	    maybe_duplicate, NULL, err) == -1)
		goto out;
	if (o->gone && disable_endpoint(st, e, a, err) == -1)
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

static void
sleep_ms(long long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static time_t
later_retry(time_t now, int attempts, long long retry_after)
{
	long long wait = RETRY_FIRST;

	for (int i = 1; i < attempts && wait < RETRY_MAX; i++)
		wait *= 4;
	if (wait > RETRY_MAX)
		wait = RETRY_MAX;
	if (retry_after >= 0)
		wait = retry_after > 0 ? retry_after : 1;
	return now + (time_t)wait;
}

/* An attempt abandoned because the claim was lost, in a transaction. */
static int
log_busy(struct mr_store *st, const struct endpoint *e, const struct due *d,
    const struct row *r, const struct answer *a, int maybe_dup,
    struct mr_err *err)
{
	if (mr_store_begin(st, err) == -1)
		return -1;
	if (log_attempt(st, e, r->id, r->webhook_id, d->kind, d, a, "busy",
	    maybe_dup, NULL, err) == -1) {
		mr_store_rollback(st);
		return -1;
	}
	return mr_store_commit(st, err);
}

/* Deliver one due alert to one endpoint (claimed already). */
static int
deliver(struct mr_store *st, struct endpoint *e, const struct due *d,
    const struct mr_webhook_settings *ws, const char *token, struct row *r,
    long long slot, int maybe_dup, struct mr_webhook_report *rep,
    struct answer *a, struct mr_err *err)
{
	struct mr_webhook_creds cr;
	struct outcome o;
	struct mr_lease_sending snd;
	char began[32];
	int takeover;

	if (mr_webhook_creds_read(st, e->cred, &cr, err) == -1) {
		/* The credentials are gone: nothing could be posted. */
		memset(a, 0, sizeof *a);
		snprintf(a->error, sizeof a->error, "%.390s", err->msg);
		mr_err_clear(err);
		o = (struct outcome){ "failed", "failed", later_retry(
		    mr_store_now(st), r->attempts + 1, -1), 0 };
		rep->outcome = "failed";
		rep->retry_at = o.retry_at;
		rep->error = a->error;
		return record(st, e, d, r, token, a, &o, 0, err);
	}
	for (int k = 0;; k++) {
		long long wait, started;
		int retryable;

		sleep_ms(slot - now_ms());
		memset(&snd, 0, sizeof snd);
		snd.st = st;
		snd.table = "webhook_delivery";
		snd.what = "delivery";
		snd.id = r->id;
		snd.token = token;
		started = now_ms();
		mr_when_iso_utc((time_t)(started / 1000), began, sizeof began);
		snd.posting_at = began;
		if (post(ws, &cr, r->webhook_id, r->body, mr_lease_mark_sending,
		    &snd, a, err) == -1 || pace_after(st, e, started,
		    err) == -1) {
			explicit_bzero(&cr, sizeof cr);
			return -1;
		}
		rep->attempts++;
		rep->status = (int)a->status;
		if (a->aborted) {
			/*
			 * Another sender has it now: this attempt stopped before
			 * its last byte (it did not arrive), logged as busy, and
			 * the delivery is left to them.
			 */
			snprintf(a->error, sizeof a->error, "abandoned before its "
			    "last byte (it did not arrive): %.300s", snd.err.msg);
			rep->outcome = "busy";
			rep->error = NULL;
			explicit_bzero(&cr, sizeof cr);
			return log_busy(st, e, d, r, a, maybe_dup, err);
		}
		if (a->status >= 200 && a->status <= 299) {
			o = (struct outcome){ "sent", "sent", 0, 0 };
			rep->outcome = "sent";
		} else if (a->status == 410) {
			o = (struct outcome){ "rejected", "gone", 0, 1 };
			rep->outcome = "rejected";
			rep->disabled = 1;
			e->disabled = 1;
		} else if ((retryable = a->status == 0 || a->status == 429 ||
		    a->status >= 500)) {
			wait = a->retry_after >= 0 ? a->retry_after :
			    (long long)INLINE_FIRST << k;
			/* A slow receiver is not asked again at once. */
			if (!a->timed_out && k + 1 < ws->attempts &&
			    wait <= ws->max_wait) {
				o = (struct outcome){ "claimed", "retry", 0, 0 };
				if (record(st, e, d, r, token, a, &o, maybe_dup,
				    err) == -1 || claim(st, e, d, ws, token, NULL,
				    1, r, &(enum mr_lease_is){ MR_LEASE_FREE },
				    &slot, &takeover, err) == -1) {
					explicit_bzero(&cr, sizeof cr);
					return -1;
				}
				maybe_dup = maybe_dup || (a->status == 0 && a->whole);
				if (now_ms() + wait * 1000 > slot)
					slot = now_ms() + wait * 1000;
				continue;
			}
			o = (struct outcome){ "failed", "failed", later_retry(
			    mr_store_now(st), r->attempts + k + 1, a->retry_after),
			    0 };
			rep->outcome = "failed";
			rep->retry_at = o.retry_at;
		} else {
			o = (struct outcome){ "rejected", "rejected", 0, 0 };
			rep->outcome = "rejected";
		}
		break;
	}
	explicit_bzero(&cr, sizeof cr);
	rep->error = a->error[0] ? a->error : NULL;
	return record(st, e, d, r, token, a, &o, maybe_dup, err);
}

int
mr_webhook_run(struct mr_store *st, const struct mr_alert_settings *set,
    const struct mr_webhook_settings *ws,
    void (*report)(const struct mr_webhook_report *, void *), void *arg,
    struct mr_webhook_totals *tot, struct mr_err *err)
{
	struct collect c = { 0 };
	struct endpoint *ev = NULL;
	struct row r = { 0 };
	struct compose cm = { 0 };
	unsigned char link_key[MR_ACKLINK_KEY_BYTES];
	size_t ne = 0;
	char token[160];
	time_t started = time(NULL);
	int rc = -1;

	memset(tot, 0, sizeof *tot);
	if (load_endpoints(st, NULL, &ev, &ne, err) == -1)
		goto out;
	if (ne == 0) {
		rc = 0;
		goto out;
	}
	mr_lease_token(token, sizeof token);
	/* Without its key a message names the command instead of a link. */
	if (set->link_base != NULL && mr_acklink_key(mr_store_path(st),
	    link_key, NULL) == 0) {
		cm.link_base = set->link_base;
		cm.link_key = link_key;
	}
	/* Loaded before the first slot is taken, so a post starts on time. */
	if (mr_curl_load(err) == -1 || collect_due(st, set, &c, err) == -1)
		goto out;
	for (size_t i = 0; i < c.n; i++) {
		for (size_t j = 0; j < ne; j++) {
			struct endpoint *e = &ev[j];
			struct due *d = &c.v[i];
			struct mr_webhook_report rep = { 0 };
			struct answer a;
			enum mr_lease_is res;
			long long slot = 0;
			int takeover = 0, maybe_dup;

			if (e->disabled || !in_scope(e, d->it.tin))
				continue;
			if (ws->max_run > 0 && time(NULL) - started >= ws->max_run)
				goto done;
			rep.endpoint = e->name;
			rep.endpoint_kind = e->kind;
			rep.kind = d->kind;
			rep.what = d->it.what;
			rep.id = d->it.id;
			rep.name = d->it.name;
			rep.offset = d->offset;
			rep.closes_at = d->it.closes_at;
			rep.zone = d->it.zone;
			cm.zone = e->zone[0] ? e->zone : set->zone;
			if (claim(st, e, d, ws, token, &cm, 0, &r, &res, &slot,
			    &takeover, err) == -1)
				goto out;
			rep.webhook_id = r.webhook_id;
			if (res == MR_LEASE_DONE)
				continue;
			tot->due++;
			if (res != MR_LEASE_FREE) {
				rep.outcome = res == MR_LEASE_HELD ? "busy" :
				    "retry-later";
				rep.retry_at = r.retry_at;
				tot->busy++;
				if (report)
					report(&rep, arg);
				continue;
			}
			maybe_dup = r.maybe_delivered;
			rep.maybe_duplicate = maybe_dup;
			if (deliver(st, e, d, ws, token, &r, slot, maybe_dup, &rep,
			    &a, err) == -1)
				goto out;
			if (strcmp(rep.outcome, "sent") == 0)
				tot->sent++;
			else if (strcmp(rep.outcome, "failed") == 0)
				tot->failed++;
			else if (strcmp(rep.outcome, "busy") == 0)
				tot->busy++;
			else
				tot->rejected++;
			if (rep.disabled)
				tot->disabled++;
			if (report)
				report(&rep, arg);
		}
	}
done:
	rc = 0;
out:
	explicit_bzero(link_key, sizeof link_key);
	free(r.body);
	collect_free(&c);
	free(ev);
	return rc;
}

int
mr_webhook_next_wake(struct mr_store *st, const struct mr_alert_settings *set,
    time_t *when, struct mr_err *err)
{
	struct collect c = { 0 };
	struct endpoint *ev = NULL;
	struct row r = { 0 };
	struct mr_lease_row l;
	size_t ne = 0;
	time_t now = mr_store_now(st), best = 0, t;
	int rc = -1;

	*when = 0;
	if (load_endpoints(st, NULL, &ev, &ne, err) == -1)
		goto out;
	if (ne == 0) {
		rc = 0;
		goto out;
	}
	if (collect_due(st, set, &c, err) == -1)
		goto out;
	for (size_t i = 0; i < c.n; i++)
		for (size_t j = 0; j < ne; j++) {
			if (!in_scope(&ev[j], c.v[i].it.tin))
				continue;
			if (row_get(st, ev[j].id, &c.v[i], &r, err) == -1)
				goto out;
			lease_of(&r, &l);
			if ((t = mr_lease_wake(&l, 1, now)) == 0)
				continue;
			if (best == 0 || t < best)
				best = t;
		}
	if (c.next != 0 && (best == 0 || c.next < best))
		best = c.next;
	*when = best;
	rc = 0;
out:
	free(r.body);
	collect_free(&c);
	free(ev);
	return rc;
}

int
mr_webhook_test(struct mr_store *st, const struct mr_webhook_settings *ws,
    const char *name, struct mr_webhook_test_result *tr, struct mr_err *err)
{
	struct endpoint *ev = NULL;
	struct mr_webhook_creds cr;
	struct answer a;
	struct mr_deadline_item it = { 0 };
	size_t ne = 0;
	unsigned char rnd[8];
	char hex[17], *body = NULL, *wid = tr->buf, *errtext = tr->buf + 200;
	int rc = -1, in_tx = 0;

	memset(tr, 0, sizeof *tr);
	if (load_endpoints(st, name, &ev, &ne, err) == -1)
		return -1;
	if (ne == 0) {
		mr_err_set(err, MR_ENOTFOUND, "no webhook named '%.80s'; "
		    "'mipsreview webhook list' shows them", name);
		goto out;
	}
	if (ev[0].disabled) {
		mr_err_set(err, MR_ECONFLICT, "webhook '%s' is disabled (it "
		    "answered 410 Gone); remove it and add it again with a "
		    "working URL", name);
		goto out;
	}
	if (mr_curl_load(err) == -1 ||
	    mr_webhook_creds_read(st, ev[0].cred, &cr, err) == -1)
		goto out;
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		memset(rnd, 0, sizeof rnd);
	mr_hex(rnd, sizeof rnd, hex);
	snprintf(wid, 200, "msg_mipsreview_test_%s", hex);
	/* A sample deadline a week away, plainly marked as a test. */
	it.what = "case";
	it.id = 0;
	it.kind = "targeted-review";
	it.name = "TEST - mipsreview webhook test, nothing is due";
	it.tin = "000000000";
	it.npi = "";
	it.status = "test";
	it.open = 1;
	it.performance_year = 0;
	it.closes_at = mr_store_now(st) + 7 * 86400;
	it.zone = ev[0].zone[0] ? ev[0].zone : "UTC";
	it.source = "";
	if ((body = mr_webhook_message(ev[0].kind, "test", &it, 7 * 86400,
	    mr_store_now(st), ev[0].zone[0] ? ev[0].zone : NULL, wid,
	    NULL)) == NULL) {
		explicit_bzero(&cr, sizeof cr);
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	{
		/* slack's pace holds for tests too */
		long long slot;

		if (mr_store_begin(st, err) == -1)
			goto out;
		in_tx = 1;
		if (reserve_slot(st, &ev[0], &slot, err) == -1)
			goto out;
		in_tx = 0;
		if (mr_store_commit(st, err) == -1)
			goto out;
		sleep_ms(slot - now_ms());
	}
	if (post(ws, &cr, wid, body, NULL, NULL, &a, err) == -1) {
		explicit_bzero(&cr, sizeof cr);
		goto out;
	}
	explicit_bzero(&cr, sizeof cr);
	snprintf(errtext, sizeof tr->buf - 200, "%s", a.error);
	tr->r.endpoint = ev[0].name;
	tr->r.endpoint_kind = ev[0].kind;
	tr->r.kind = "test";
	tr->r.webhook_id = wid;
	tr->r.status = (int)a.status;
	tr->r.attempts = 1;
	tr->r.error = a.error[0] ? errtext : NULL;
	tr->r.disabled = a.status == 410;
	tr->r.outcome = a.status >= 200 && a.status <= 299 ? "sent" :
	    a.status == 410 ? "rejected" : a.status == 0 || a.status == 429 ||
	    a.status >= 500 ? "failed" : "rejected";
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (log_attempt(st, &ev[0], 0, wid, "test", NULL, &a, a.status == 410 ?
	    "gone" : tr->r.outcome, 0, NULL, err) == -1 ||
	    (a.status == 410 && disable_endpoint(st, &ev[0], &a, err) == -1))
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	/* The endpoint's name points into ev: keep a copy in the result. */
	if (ev != NULL && ne > 0) {
		char *nm = tr->buf + 600, *kd = tr->buf + 700;

		snprintf(nm, 100, "%s", ev[0].name);
		snprintf(kd, 16, "%s", ev[0].kind);
		tr->r.endpoint = nm;
		tr->r.endpoint_kind = kd;
	}
	free(body);
	free(ev);
	return rc;
}

int
mr_webhook_log_each(struct mr_store *st, int (*fn)(
    const struct mr_webhook_attempt *, void *), void *arg, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_webhook_attempt at;
	int rc = -1, step = SQLITE_DONE, stop = 0;

	if (mr_store_prepare(st, "SELECT id, at, endpoint, webhook_id, kind, "
	    "what, coalesce(item_id, 0), coalesce(offset_secs, 0), "
	    "coalesce(status, 0), outcome, error, maybe_duplicate FROM "
	    "webhook_attempt ORDER BY id", &stmt, err) == -1)
		return -1;
	while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		at.id = sqlite3_column_int64(stmt, 0);
		at.at = mr_store_col_text(stmt, 1);
		at.endpoint = mr_store_col_text(stmt, 2);
		at.webhook_id = mr_store_col_text(stmt, 3);
		at.kind = mr_store_col_text(stmt, 4);
		at.what = sqlite3_column_type(stmt, 5) == SQLITE_NULL ? NULL :
		    (const char *)sqlite3_column_text(stmt, 5);
		at.item_id = sqlite3_column_int64(stmt, 6);
		at.offset = sqlite3_column_int64(stmt, 7);
		at.status = sqlite3_column_int(stmt, 8);
		at.outcome = mr_store_col_text(stmt, 9);
		at.error = sqlite3_column_type(stmt, 10) == SQLITE_NULL ? NULL :
		    (const char *)sqlite3_column_text(stmt, 10);
		at.maybe_duplicate = sqlite3_column_int(stmt, 11);
		stop = fn(&at, arg);
	}
	if (!stop && step != SQLITE_DONE)
		mr_store_dberr(st, err, "reading the delivery log");
	else
		rc = 0;
	sqlite3_finalize(stmt);
	return rc;
}

json_t *
mr_webhook_attempt_json(const struct mr_webhook_attempt *at)
{
	char label[32] = "";

	if (at->what != NULL)
		mr_alert_offset_label(at->offset, label, sizeof label);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:o?, s:s?, s:o?, "
	    "s:s, s:s?, s:b}",
	    "id", (json_int_t)at->id, "at", at->at, "endpoint", at->endpoint,
	    "webhook_id", at->webhook_id, "kind", at->kind, "what", at->what,
	    "item_id", at->what ? json_integer(at->item_id) : NULL,
	    "reminder", at->what ? label : NULL,
	    "status", at->status ? json_integer(at->status) : NULL,
	    "outcome", at->outcome, "error", at->error,
	    "maybe_duplicate", at->maybe_duplicate);
}
