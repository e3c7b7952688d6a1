/*
 * mr_alert_ledger: a run of the reminders that are due, each sent exactly
 * once through the alert_ledger table, however many senders share the
 * database (the protocol is in lib/mr_alert_ledger.h).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libical/ical.h>

#include "lib/mr_acklink.h"
#include "lib/mr_alert.h"
#include "lib/mr_alert_ack.h"
#include "lib/mr_alert_grounds.h"
#include "lib/mr_alert_digest.h"
#include "lib/mr_alert_ledger.h"
#include "lib/mr_audit.h"
#include "lib/mr_buf.h"
#include "lib/mr_checklist.h"
#include "lib/mr_evidence.h"
#include "lib/mr_grounds_watch.h"
#include "lib/mr_ident.h"
#include "lib/mr_lease.h"
#include "lib/mr_mail.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

/* Back-off of a failed reminder (daemon): 1 min doubling to 1 hour. */
#define RETRY_FIRST	60
#define RETRY_MAX	3600

/* Slots of struct due's strs beyond the item's own strings (the first
 * ten, see mr_deadline_item_own()). */
_Static_assert(MR_DEADLINE_ITEM_NSTRS == 10, "the item's strings come first");
#define S_ESC_TO	10	/* escalation: the recipients */
#define S_ESC_SENT	11	/* escalation: the reminders sent, a line each */
#define S_GAINED	10	/* grounds: the grounds gained */
#define S_LOST		11	/* grounds: the grounds lost */
#define S_DETAIL	12	/* grounds: what the record says, a line each */
#define S_RETRIEVED	13	/* grounds: when the record was retrieved */
#define NSTRS		14

struct due {
	struct mr_deadline_item	 it;
	char			*strs[NSTRS];	/* what the pointers point to */
	long long		 offset;	/* escalation: the reminder's */
	int			 acked;		/* the owner has it in hand */
	int			 escalation;	/* 0: a reminder */
	int			 grounds;	/* a grounds change (offset: its id) */
};

struct collect {
	const struct mr_alert_settings	*set;
	time_t				 now;
	struct due			*v;
	size_t				 n, cap;
	int				 nomem;
	time_t				 esc_next;	/* next escalation moment */
};

static const char *
keep(struct due *d, int slot, const char *s)
{
	return d->strs[slot] = strdup(s ? s : "");
}

static int
add_due(struct collect *c, const struct mr_deadline_item *it,
    long long offset, int escalation)
{
	struct due *d, *nv;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;

		if ((nv = realloc(c->v, ncap * sizeof *nv)) == NULL) {
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
	d->escalation = escalation;
	if (mr_deadline_item_own(&d->it, d->strs) == -1)
		c->nomem = 1;
	return c->nomem;
}

static int
collect_item(const struct mr_deadline_item *it, void *arg)
{
	struct collect *c = arg;
	int i = mr_alert_due(it, c->set->offsets, c->set->noffsets, c->now);

	if (i >= 0 && add_due(c, it, c->set->offsets[i], 0) != 0)
		return 1;
	/*
	 * A candidate for escalation: a reminder within escalate_within may
	 * have gone out; collect_due() looks at the ledger.
	 */
	if (mr_alert_escalation_candidate(c->set, it, c->now) &&
	    add_due(c, it, 0, 1) != 0)
		return 1;
	return 0;
}

static void
collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++)
		for (int k = 0; k < NSTRS; k++)
			free(c->v[i].strs[k]);
	free(c->v);
}

static const char *
kind_of(const struct due *d)
{
	return d->grounds ? "grounds" : d->escalation ? "escalation" :
	    "reminder";
}

/* A grounds change not told yet: due now, to the owner and alert_to. */
static int
collect_change(const struct mr_grounds_change *g, void *arg)
{
	struct collect *c = arg;
	struct due *d;

	if (add_due(c, &g->item, (long long)g->id, 0) != 0)
		return 1;
	d = &c->v[c->n - 1];
	d->grounds = 1;
	if (keep(d, S_GAINED, g->gained) == NULL ||
	    keep(d, S_LOST, g->lost) == NULL ||
	    keep(d, S_DETAIL, g->detail) == NULL ||
	    keep(d, S_RETRIEVED, g->record_retrieved_at) == NULL)
		c->nomem = 1;
	return c->nomem;
}

/*
 * Whether a deadline's reminders went unacknowledged long enough: the
 * first reminder sent within escalate_within of the deadline, sent at
 * least escalate_after ago.  Fills d's offset, the recipients and the
 * lines naming the reminders sent; *go 0 when it is not (yet) time, the
 * moment it will be in c->esc_next.
 */
static int
escalation_due(struct mr_store *st, struct collect *c, struct due *d,
    int *go, struct mr_err *err)
{
	const struct mr_alert_settings *set = c->set;
	sqlite3_stmt *stmt = NULL;
	char to[1024], label[32], *lines = NULL, *nb;
	time_t first = 0, moment;
	int rc = -1, step;

	*go = 0;
	if (mr_alert_escalation_to(set, d->it.tin, to, sizeof to, err) == -1)
		goto out;
	if (to[0] == '\0') {
		rc = 0;
		goto out;
	}
	if (mr_store_prepare(st, "SELECT offset_secs, sent_at, recipients, "
	    "CAST(strftime('%s', sent_at) AS INTEGER) FROM alert_ledger WHERE "
	    "kind = 'reminder' AND what = ?1 AND item_id = ?2 AND "
	    "closes_at = ?3 AND state = 'sent' ORDER BY sent_at, id", &stmt,
	    err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, d->it.what, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, d->it.id);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)d->it.closes_at);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		long long off = sqlite3_column_int64(stmt, 0);

		mr_alert_offset_label(off, label, sizeof label);
		nb = NULL;
		if (asprintf(&nb, "%s%s  - the %s reminder, sent %s to %s",
		    lines ? lines : "", lines ? "\n" : "", label,
		    mr_store_col_text(stmt, 1), mr_store_col_text(stmt, 2)) == -1)
			nb = NULL;
		free(lines);
		if ((lines = nb) == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		if (first == 0 && off <= set->escalate_within) {
			first = (time_t)sqlite3_column_int64(stmt, 3);
			d->offset = off;
		}
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the alert ledger");
		goto out;
	}
	rc = 0;
	if (first == 0)
		goto out;
	moment = first + (time_t)set->escalate_after;
	if (moment >= d->it.closes_at)
		goto out;
	if (moment > c->now) {
		if (c->esc_next == 0 || moment < c->esc_next)
			c->esc_next = moment;
		goto out;
	}
	if (keep(d, S_ESC_TO, to) == NULL) {
		rc = mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	d->strs[S_ESC_SENT] = lines;
	lines = NULL;
	*go = 1;
out:
	free(lines);
	sqlite3_finalize(stmt);
	return rc;
}

static int
collect_due(struct mr_store *st, const struct mr_alert_settings *set,
    struct collect *c, struct mr_err *err)
{
	size_t keep = 0;

	memset(c, 0, sizeof *c);
	c->set = set;
	c->now = mr_store_now(st);
	if (mr_deadline_each(st, NULL, collect_item, c, err) == -1 ||
	    mr_grounds_watch_pending(st, collect_change, c, err) == -1)
		return -1;
	if (c->nomem)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	/*
	 * An acknowledged deadline's reminders no longer go to its owner;
	 * one with nobody else to tell is not due at all, and it is not
	 * escalated.
	 */
	for (size_t i = 0; i < c->n; i++) {
		struct due *d = &c->v[i];
		char **rcpt = NULL;
		int found, n = 0, go = 1, nobody = 0;

		if (d->grounds) {
			/* Not a deadline: acknowledging one does not stop it. */
			if (keep != i)
				c->v[keep] = *d;
			keep++;
			continue;
		}
		if (mr_alert_ack_find(st, &d->it, NULL, &found, err) == -1 ||
		    (!found && d->escalation && escalation_due(st, c, d, &go,
		    err) == -1)) {
			/* collect_free() frees what is left, once each. */
			memmove(&c->v[keep], d, (c->n - i) * sizeof *d);
			c->n = keep + (c->n - i);
			return -1;
		}
		d->acked = found;
		if ((found || set->digest_instead) && !d->escalation) {
			struct mr_deadline_item rest = d->it;

			/* Those who get the digest instead are not told. */
			if (found)
				rest.owner = NULL;
			if (mr_alert_recipients(&rest, set->alert_to, &rcpt, &n,
			    NULL) == 0) {
				mr_alert_digest_drop(set, rcpt, &n);
				mr_alert_strv_free(rcpt);
			} else
				n = 1;	/* a bad alert_to is reported when sending */
			nobody = n == 0;
		}
		if ((found && d->escalation) || nobody || !go) {
			for (int k = 0; k < NSTRS; k++)
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

/* The ledger row of a reminder, as far as planning needs it. */
static int
ledger_get(struct mr_store *st, const struct due *d, struct mr_lease_row *l,
    struct mr_err *err)
{
	const struct mr_lease_col key[] = {
		{ "what", d->it.what, 0 },
		{ "item_id", NULL, d->it.id },
		{ "closes_at", NULL, (int64_t)d->it.closes_at },
		{ "offset_secs", NULL, d->offset },
		{ "kind", kind_of(d), 0 },
	};

	return mr_lease_read(st, "alert_ledger", key, 5,
	    "reading the alert ledger", l, err);
}

static int
audit_alert(struct mr_store *st, int64_t ledger_id, const char *action,
    json_t *before, json_t *after, struct mr_err *err)
{
	char *b = before ? json_dumps(before, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	char *a = after ? json_dumps(after, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	int rc;

	if ((before && b == NULL) || (after && a == NULL))
		rc = mr_err_set(err, MR_EFAIL, "out of memory");
	else
		rc = mr_audit_append(st, "alert", ledger_id, action, b, a, err);
	free(b);
	free(a);
	json_decref(before);
	json_decref(after);
	return rc;
}

static int
read_claim(struct mr_store *st, void *d, struct mr_lease_row *l,
    struct mr_err *err)
{
	return ledger_get(st, d, l, err);
}

/*
 * Claim the reminder for this sender: one transaction, and BEGIN IMMEDIATE
 * serialises the claims of all senders.
 */
static int
claim(struct mr_store *st, const struct due *d,
    const struct mr_alert_settings *set, const char *token, const char *mid,
    struct mr_lease_claimed *cl, struct mr_err *err)
{
	const struct mr_lease_col cols[] = {
		{ "what", d->it.what, 0 },
		{ "item_id", NULL, d->it.id },
		{ "closes_at", NULL, (int64_t)d->it.closes_at },
		{ "offset_secs", NULL, d->offset },
		{ "message_id", mid, 0 },
		{ "kind", kind_of(d), 0 },
	};
	/* Each claim writes the Message-ID it sends under. */
	const struct mr_lease_col again[] = { { "message_id", mid, 0 } };
	struct mr_lease_claim c = {
		.table = "alert_ledger",
		.doing = "claiming a reminder",
		.audit = MR_LEASE_AUDIT_REMINDER,
		.cols = cols,
		.ncols = sizeof cols / sizeof cols[0],
		.reclaim_cols = again,
		.nreclaim_cols = 1,
		.read = read_claim,
		.arg = (void *)d,
	};

	mr_lease_mail_terms(&c, token, set->lease, set->honor_retry);
	return mr_lease_claim(st, &c, cl, err);
}

/* Whether the server already took this reminder for addr. */
static int
delivered_to(struct mr_store *st, int64_t ledger_id, const char *addr,
    int *yes, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	*yes = 0;
	if (mr_store_prepare(st, "SELECT 1 FROM alert_recipient WHERE "
	    "ledger_id = ?1 AND address = ?2 AND state = 'sent'", &stmt,
	    err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, ledger_id);
	sqlite3_bind_text(stmt, 2, addr, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		*yes = 1;
	else if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the alert recipients");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * What one attempt did for each address it was sent to: the reply code
 * of a refusal, 0 for a delivery, unless the attempt failed as a whole
 * (then only the refused ones are known).
 */
struct attempt {
	const char	**addr;
	int		 *refused;
	int		  n;
	int		  whole_failed;
};

static int
record_recipient(struct mr_store *st, int64_t ledger_id, const char *addr,
    const char *error, const char *iso, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (mr_store_prepare(st, "INSERT INTO alert_recipient (ledger_id, "
	    "address, state, last_error, sent_at, updated_at) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6) ON CONFLICT (ledger_id, address) DO UPDATE SET "
	    "state = excluded.state, attempts = attempts + 1, last_error = "
	    "excluded.last_error, sent_at = excluded.sent_at, updated_at = "
	    "excluded.updated_at WHERE alert_recipient.state <> 'sent'", &stmt,
	    err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, ledger_id);
	sqlite3_bind_text(stmt, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, error ? "refused" : "sent", -1, SQLITE_STATIC);
	if (error)
		sqlite3_bind_text(stmt, 4, error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_text(stmt, 5, iso, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, iso, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "updating the alert recipients");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * The outcome of an attempt, with its audit row, in one transaction: the
 * addresses the server took are recorded as sent whatever happened to
 * the others, so a retry goes only to the rest.  error NULL and nothing
 * refused: sent.
 */
static int
finish(struct mr_store *st, const struct due *d,
    const struct mr_lease_claimed *cl, const char *token, const char *mid,
    const char *rcpts, const struct attempt *at, const char *error,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	time_t now = mr_store_now(st);
	char iso[32], label[32], code[48];
	const char *action;
	json_t *sent = NULL, *refused = NULL;
	long long backoff;
	int rc = -1, in_tx = 0, nsent = 0, nrefused = 0;

	mr_when_iso_utc(now, iso, sizeof iso);
	if (d->grounds)
		snprintf(label, sizeof label, "grounds change %lld", d->offset);
	else
		mr_alert_offset_label(d->offset, label, sizeof label);
	if ((sent = json_array()) == NULL || (refused = json_array()) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	for (int i = 0; at != NULL && i < at->n; i++) {
		const char *why = NULL;

		if (at->refused[i] != 0) {
			snprintf(code, sizeof code, "refused by the mail server "
			    "(reply %d)", at->refused[i]);
			why = code;
		} else if (at->whole_failed)
			continue;	/* not delivered, not refused either */
		if (record_recipient(st, cl->id, at->addr[i], why, iso,
		    err) == -1)
			goto out;
		if (why == NULL) {
			json_array_append_new(sent, json_string(at->addr[i]));
			nsent++;
		} else {
			json_array_append_new(refused, json_pack("{s:s, s:s}",
			    "address", at->addr[i], "error", why));
			nrefused++;
		}
	}
	if (error == NULL && nrefused == 0) {
		/*
		 * The server accepted it: sent, whoever holds the claim now
		 * (only a sender stalled past its lease could have lost it).
		 */
		if (mr_store_prepare(st, "UPDATE alert_ledger SET state = 'sent', "
		    "sent_at = ?2, recipients = ?3, claim_token = NULL, "
		    "lease_until = NULL, last_error = NULL, retry_at = NULL, "
		    "updated_at = ?2 WHERE id = ?1 AND state <> 'sent'", &stmt,
		    err) == -1)
			goto out;
		sqlite3_bind_int64(stmt, 1, cl->id);
		sqlite3_bind_text(stmt, 2, iso, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, rcpts, -1, SQLITE_STATIC);
		action = d->escalation ? "escalated" : "sent";
	} else {
		backoff = RETRY_FIRST;
		for (int i = 1; i < cl->attempt && backoff < RETRY_MAX; i++)
			backoff *= 2;
		if (backoff > RETRY_MAX)
			backoff = RETRY_MAX;
		if (mr_store_prepare(st, "UPDATE alert_ledger SET state = 'failed', "
		    "last_error = ?3, retry_at = ?4, recipients = ?5, "
		    "claim_token = NULL, lease_until = NULL, updated_at = ?6 "
		    "WHERE id = ?1 AND claim_token = ?2", &stmt, err) == -1)
			goto out;
		sqlite3_bind_int64(stmt, 1, cl->id);
		sqlite3_bind_text(stmt, 2, token, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, error, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 4, (sqlite3_int64)now + backoff);
		sqlite3_bind_text(stmt, 5, rcpts, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 6, iso, -1, SQLITE_STATIC);
		action = nsent > 0 ? "partly-sent" : "send-failed";
	}
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "updating the alert ledger");
		goto out;
	}
	if (sqlite3_changes(mr_store_db(st)) == 1 && audit_alert(st,
	    cl->id, action, NULL,
	    json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:i, s:b, s:s?, "
	    "s:O, s:O}", "kind", kind_of(d),
	    "what", d->it.what, "id", (json_int_t)d->it.id, "message_id", mid,
	    "reminder", label, "closes_at", (json_int_t)d->it.closes_at,
	    "recipients", rcpts, "sender", token, "attempt", cl->attempt,
	    "maybe_duplicate", cl->maybe_sent, "error", error,
	    "delivered_to", sent, "refused", refused), err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	json_decref(sent);
	json_decref(refused);
	sqlite3_finalize(stmt);
	if (in_tx)
		mr_store_rollback(st);
	return rc;
}

/*
 * The evidence a case still lacks (mr_evidence's checklist), one "  - "
 * line per kind (malloc'd), or NULL when nothing is missing, for filings,
 * or if the checklist cannot be read: the reminder matters more.
 */
static char *
missing_evidence(struct mr_store *st, const struct mr_deadline_item *it)
{
	char kinds[512], *out = NULL, *tok, *save = NULL, *line, *nb;
	const char *label;
	int n = 0;

	if (strcmp(it->what, "case") != 0 ||
	    mr_checklist_missing(st, it->id, kinds, sizeof kinds, &n, NULL) == -1 ||
	    n == 0)
		return NULL;
	/* "a, b or c": one line per item, alternatives on one line. */
	for (tok = strtok_r(kinds, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		char item[256], *alt, *asave = NULL;
		struct mr_buf ib;

		/* The labels of one item's alternatives fit: they are lib's. */
		mr_buf_init_fixed(&ib, item, sizeof item);
		for (alt = strtok_r(tok, " ", &asave); alt; alt = strtok_r(NULL,
		    " ", &asave)) {
			if (strcmp(alt, "or") == 0)
				continue;
			label = mr_evidence_kind_label(alt);
			(void)mr_buf_printf(&ib, "%s%s", ib.len ? " or " : "",
			    label ? label : alt);
		}
		if (asprintf(&line, "  - %s", item) == -1)
			break;
		nb = NULL;
		if (asprintf(&nb, "%s%s%s", out ? out : "", out ? "\n" : "",
		    line) == -1)
			nb = NULL;
		free(line);
		free(out);
		if ((out = nb) == NULL)
			break;
	}
	return out;
}

static int
undated_line(const struct mr_deadline_item *it, void *arg)
{
	char **acc = arg, *nb = NULL;

	if (asprintf(&nb, "%s%s  - %s %lld (PY%d): %s; set one: %s",
	    *acc ? *acc : "", *acc ? "\n" : "", it->what, (long long)it->id,
	    it->performance_year, it->reason, it->set_with) == -1)
		nb = NULL;
	free(*acc);
	*acc = nb;
	return nb == NULL;
}

static int
undated_group_line(const struct mr_deadline_group *g, void *arg)
{
	char **acc = arg, *nb = NULL;

	if (asprintf(&nb, "%s%s  - %lld %s%s (PY%d): %s; set one: %s; list "
	    "them: %s", *acc ? *acc : "", *acc ? "\n" : "", g->count, g->what,
	    g->count == 1 ? "" : "s", g->performance_year, g->reason,
	    g->set_with, g->list_with) == -1)
		nb = NULL;
	free(*acc);
	*acc = nb;
	return nb == NULL;
}

/*
 * The open items with no known deadline, one "  - " line per year without
 * a window (with the count of its cases) and per filing without one
 * (malloc'd), or NULL when there are none or they cannot be read: the
 * reminder matters more.
 */
static char *
undated_items(struct mr_store *st)
{
	char *out = NULL;

	if (mr_deadline_undated_summary(st, NULL, undated_group_line,
	    undated_line, &out, NULL) == -1) {
		free(out);
		return NULL;
	}
	return out;
}

static int
ics_sink(const char *buf, size_t len, void *arg)
{
	char **acc = arg, *nb;
	size_t have = *acc ? strlen(*acc) : 0;

	if ((nb = realloc(*acc, have + len + 1)) == NULL)
		return 1;
	memcpy(nb + have, buf, len);
	nb[have + len] = '\0';
	*acc = nb;
	return 0;
}

/* The item as the calendar export writes it (malloc'd), or NULL. */
static char *
ics_of_item(struct mr_store *st, const struct mr_ical_opts *opts,
    const struct mr_deadline_item *it)
{
	struct mr_deadline_filter f = { .include_closed = 1, .what = it->what,
	    .id = it->id, .case_id = strcmp(it->what, "case") == 0 ? it->id : 0 };
	char *text = NULL;
	long n = 0;

	if (mr_ical_write(st, &f, opts, ics_sink, &text, &n, NULL) == -1 ||
	    n != 1) {
		free(text);
		return NULL;
	}
	return text;
}

static char *
join(char **v, int n)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i > 0)
			strncat(s, ",", len - strlen(s) - 1);
		strncat(s, v[i], len - strlen(s) - 1);
	}
	return s;
}

int
mr_alert_run(struct mr_store *st, const struct mr_alert_settings *set,
    struct mr_mailer *mailer, void (*report)(const struct mr_alert_report *,
    void *), void *arg, struct mr_alert_totals *tot, struct mr_err *err)
{
	struct collect c;
	struct mr_ical_opts ical;
	struct mr_alert_settings mset;
	struct mr_audit_head head;
	char token[160], mid[200], anchor[MR_AUDIT_ANCHOR_LEN];
	struct mr_alert_settings dset;
	struct mr_err link_why = { 0 };
	unsigned char link_key[MR_ACKLINK_KEY_BYTES];
	time_t started;
	int rc = -1, stopped = 0, have_ical, have_link = 0;

	memset(tot, 0, sizeof *tot);
	mr_lease_token(token, sizeof token);
	/*
	 * The attachment is the item as the feed and export write it (one
	 * writer, one UID), sent as PUBLISH; without the database's UID key
	 * there is no attachment rather than an entry with another UID.
	 */
	have_ical = set->have_ical;
	if (have_ical) {
		ical = set->ical;
		ical.method = "PUBLISH";
		ical.organizer = set->from;
		if (mr_ical_key(st, &ical, NULL) == -1)
			have_ical = 0;
	}
	/*
	 * Without its key a mail names the command instead of a link; why is
	 * told once at the end, if any mail went out so.  The digests sign
	 * under the same key.
	 */
	if (set->link_base != NULL && mailer != NULL)
		have_link = mr_acklink_key(mr_store_path(st), link_key,
		    &link_why) == 0;
	dset = *set;
	dset.link_key = have_link ? link_key : NULL;
	if (collect_due(st, set, &c, err) == -1)
		goto out;
	started = time(NULL);
	for (size_t i = 0; i < c.n; i++) {
		struct due *d = &c.v[i];
		struct mr_alert_report r = { 0 };
		struct mr_deadline_item rit;
		struct mr_err why = { 0 };
		struct mr_lease_row l;
		struct mr_lease_claimed cl;
		struct mr_lease_sending snd;
		char **rcpt = NULL, *rcpts = NULL, *msg = NULL, *evidence = NULL;
		char *undated = NULL;
		char *ics = NULL, refusal[512];
		const char **todo = NULL;
		int *refused = NULL;
		struct attempt at = { 0 };
		size_t len = 0;
		int nrcpt = 0, stop = 0, failed = 0, done_before;

		if (d->grounds)
			mr_alert_grounds_message_id(&d->it, d->offset,
			    set->from, mid, sizeof mid);
		else if (d->escalation)
			mr_alert_escalation_message_id(&d->it, d->offset,
			    set->from, mid, sizeof mid);
		else
			mr_alert_message_id(&d->it, d->offset, set->from, mid,
			    sizeof mid);
		r.kind = kind_of(d);
		r.what = d->it.what;
		r.id = d->it.id;
		r.name = d->it.name;
		r.offset = d->offset;
		r.closes_at = d->it.closes_at;
		r.zone = d->it.zone;
		r.message_id = mid;
		rit = d->it;
		if (d->acked || d->escalation)
			rit.owner = NULL;
		if (mr_alert_recipients(&rit, d->escalation ?
		    d->strs[S_ESC_TO] : set->alert_to, &rcpt, &nrcpt,
		    &why) == 0 && !d->escalation)
			mr_alert_digest_drop(set, rcpt, &nrcpt);
		if (why.code == MR_EOK && nrcpt == 0)
			mr_err_set(&why, MR_EINVAL, "%s %lld has no recipient: "
			    "give it an owner ('mipsreview set %lld owner=ADDRESS') "
			    "or set alert_to", d->it.what, (long long)d->it.id,
			    (long long)d->it.id);
		rcpts = join(rcpt, nrcpt);
		r.recipients = rcpts ? rcpts : "";

		if (mailer == NULL) {		/* dry run: read only */
			if (ledger_get(st, d, &l, err) == -1)
				goto next_fail;
			if (l.id != 0 && strcmp(l.state, "sent") == 0)
				goto next;
			tot->due++;
			if (mr_lease_status(&l, 0, mr_store_now(st)) ==
			    MR_LEASE_HELD) {
				r.outcome = "busy";
				tot->busy++;
			} else
				r.outcome = "would-send";
			r.error = why.code != MR_EOK ? why.msg : NULL;
			goto report;
		}
		if (stopped) {
			if (ledger_get(st, d, &l, err) == -1)
				goto next_fail;
			if (l.id != 0 && strcmp(l.state, "sent") == 0)
				goto next;
			tot->due++;
			tot->deferred++;
			r.outcome = "deferred";
			r.error = "not tried: the mail server failed for an "
			    "earlier reminder in this run";
			goto report;
		}
		/* Long enough: leave the rest to the next run (real time). */
		if (set->max_run > 0 && time(NULL) - started >= set->max_run)
			goto next;
		if (claim(st, d, set, token, mid, &cl, err) == -1)
			goto next_fail;
		if (cl.is == MR_LEASE_DONE)
			goto next;
		tot->due++;
		if (cl.is != MR_LEASE_FREE) {
			r.outcome = cl.is == MR_LEASE_HELD ? "busy" :
			    "retry-later";
			tot->busy++;
			goto report;
		}
		r.takeover = cl.takeover;
		r.maybe_duplicate = cl.maybe_sent;
		if (why.code != MR_EOK)
			failed = 1;
		else {
			evidence = d->escalation || d->grounds ? NULL :
			    missing_evidence(st, &d->it);
			undated = d->escalation || d->grounds ? NULL :
			    undated_items(st);
			ics = have_ical && !d->grounds ? ics_of_item(st, &ical,
			    &d->it) : NULL;
			/* The mail carries the trail's head, to be kept. */
			mset = *set;
			mset.link_key = have_link ? link_key : NULL;
			if (mr_audit_head(st, &head, NULL) == 0) {
				mr_audit_anchor_format(&head, anchor,
				    sizeof anchor);
				mset.audit_anchor = anchor;
			}
			if (d->grounds ? mr_alert_compose_grounds(&d->it,
			    d->offset, d->strs[S_GAINED], d->strs[S_LOST],
			    d->strs[S_DETAIL], d->strs[S_RETRIEVED], &mset,
			    (const char *const *)rcpt, nrcpt, &msg, &len,
			    &why) == -1 :
			    d->escalation ? mr_alert_compose_escalation(&d->it,
			    d->offset, mr_store_now(st), &mset,
			    (const char *const *)rcpt, nrcpt, d->strs[S_ESC_SENT],
			    ics, &msg, &len, &why) == -1 :
			    mr_alert_compose(&d->it, d->offset, mr_store_now(st),
			    &mset, (const char *const *)rcpt, nrcpt, evidence,
			    undated, ics, &msg, &len, &why) == -1)
				failed = 1;
		}
		/*
		 * Only to the addresses that do not have it yet: an earlier
		 * attempt may have been refused for some and taken for others.
		 */
		if (!failed && ((todo = calloc(nrcpt, sizeof *todo)) == NULL ||
		    (refused = calloc(nrcpt, sizeof *refused)) == NULL)) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto next_fail;
		}
		for (int k = 0; !failed && k < nrcpt; k++) {
			if (delivered_to(st, cl.id, rcpt[k], &done_before,
			    err) == -1)
				goto next_fail;
			if (!done_before)
				todo[at.n++] = rcpt[k];
		}
		at.addr = todo;
		at.refused = refused;
		if (!failed && at.n > 0) {
			memset(&snd, 0, sizeof snd);
			snd.st = st;
			snd.table = "alert_ledger";
			snd.what = "reminder";
			snd.id = cl.id;
			snd.token = token;
			if (mr_mailer_send(mailer, set->from,
			    (const char *const *)todo, at.n, refused, msg, len,
			    mr_lease_mark_sending, &snd, &stop, &why) == -1) {
				failed = 1;
				at.whole_failed = 1;
				if (snd.err.code != MR_EOK)
					why = snd.err;
			}
		}
		if (!failed) {
			/* Name the refused ones; the others have it now. */
			struct mr_buf rb;
			int nref = 0, first = -1;

			mr_buf_init_fixed(&rb, refusal, sizeof refusal);
			for (int k = 0; k < at.n; k++)
				if (refused[k] != 0) {
					if (nref++ == 0)
						first = k;
					(void)mr_buf_printf(&rb, "%s%s (reply %d)",
					    rb.len ? ", " : "the mail server "
					    "refused ", todo[k], refused[k]);
				}
			if (nref > 0) {
				(void)mr_buf_printf(&rb, "; the other recipients "
				    "have it, this one is retried");
				if (rb.failed) {
					/* Too many to name: count them. */
					mr_buf_init_fixed(&rb, refusal,
					    sizeof refusal);
					(void)mr_buf_printf(&rb, "the mail server "
					    "refused %d recipients, first %.200s "
					    "(reply %d); the other recipients "
					    "have it, these are retried", nref,
					    todo[first], refused[first]);
				}
				mr_err_set(&why, MR_ESEND, "%s", refusal);
				failed = 1;
			}
		}
		if (finish(st, d, &cl, token, mid, r.recipients, &at, failed ?
		    why.msg : NULL, err) == -1)
			goto next_fail;
		if (failed) {
			r.outcome = "failed";
			r.error = why.msg;
			tot->failed++;
			stopped = stop;
		} else {
			r.outcome = "sent";
			tot->sent++;
		}
report:
		if (report != NULL)
			report(&r, arg);
next:
		free(todo);
		free(refused);
		mr_alert_strv_free(rcpt);
		free(rcpts);
		free(msg);
		free(evidence);
		free(undated);
		undated = NULL;
		free(ics);
		continue;
next_fail:
		free(todo);
		free(refused);
		mr_alert_strv_free(rcpt);
		free(rcpts);
		free(msg);
		free(evidence);
		free(undated);
		free(ics);
		goto out;
	}
	/* And each recipient's digest of the day, through its own ledger. */
	if ((mailer == NULL || !stopped) && mr_alert_digest_run(st, &dset,
	    mailer, report, arg, tot, err) == -1)
		goto out;
	rc = 0;
out:
	if (link_why.code != MR_EOK && tot->sent + tot->failed > 0)
		snprintf(tot->link_warning, sizeof tot->link_warning, "the "
		    "mails of this run name the 'mipsreview alerts ack' command "
		    "instead of their acknowledgement link: %s", link_why.msg);
	explicit_bzero(link_key, sizeof link_key);
	collect_free(&c);
	return rc;
}

struct next {
	const struct mr_alert_settings	*set;
	time_t				 now, best;
};

static int
next_item(const struct mr_deadline_item *it, void *arg)
{
	struct next *nm = arg;
	time_t t = mr_alert_next_moment(it, nm->set->offsets,
	    nm->set->noffsets, nm->now);

	if (t != 0 && (nm->best == 0 || t < nm->best))
		nm->best = t;
	return 0;
}

int
mr_alert_next_wake(struct mr_store *st, const struct mr_alert_settings *set,
    time_t *when, struct mr_err *err)
{
	struct collect c;
	struct mr_lease_row l;
	struct next nm;
	time_t now = mr_store_now(st), best = 0, t;
	int rc = -1;

	*when = 0;
	if (collect_due(st, set, &c, err) == -1)
		goto out;
	/* Reminders due now: now, unless held, sent or backing off. */
	for (size_t i = 0; i < c.n; i++) {
		if (ledger_get(st, &c.v[i], &l, err) == -1)
			goto out;
		if ((t = mr_lease_wake(&l, set->honor_retry, now)) == 0)
			continue;
		if (best == 0 || t < best)
			best = t;
	}
	/* And the next reminder moment of every open deadline. */
	/* And the moment an escalation comes due. */
	if (c.esc_next != 0 && (best == 0 || c.esc_next < best))
		best = c.esc_next;
	nm.set = set;
	nm.now = now;
	nm.best = best;
	if (mr_deadline_each(st, NULL, next_item, &nm, err) == -1)
		goto out;
	if (mr_alert_digest_next_wake(st, set, &t, err) == -1)
		goto out;
	if (t != 0 && (nm.best == 0 || t < nm.best))
		nm.best = t;
	*when = nm.best;
	rc = 0;
out:
	collect_free(&c);
	return rc;
}

int
mr_alert_ledger_each(struct mr_store *st,
    int (*fn)(const struct mr_alert_entry *, void *), void *arg,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_alert_entry e;
	int rc = -1, step = SQLITE_DONE, stop = 0;

	if (mr_store_prepare(st, "SELECT id, what, item_id, closes_at, "
	    "offset_secs, message_id, state, attempts, last_error, recipients, "
	    "sent_at, coalesce(lease_until, 0), coalesce(retry_at, 0), "
	    "updated_at, kind FROM alert_ledger ORDER BY id", &stmt, err) == -1)
		goto out;
	while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		e.ledger_id = sqlite3_column_int64(stmt, 0);
		e.what = (const char *)sqlite3_column_text(stmt, 1);
		e.id = sqlite3_column_int64(stmt, 2);
		e.closes_at = (time_t)sqlite3_column_int64(stmt, 3);
		e.offset = sqlite3_column_int64(stmt, 4);
		e.message_id = (const char *)sqlite3_column_text(stmt, 5);
		e.state = (const char *)sqlite3_column_text(stmt, 6);
		e.attempts = sqlite3_column_int(stmt, 7);
		e.last_error = (const char *)sqlite3_column_text(stmt, 8);
		e.recipients = (const char *)sqlite3_column_text(stmt, 9);
		e.sent_at = (const char *)sqlite3_column_text(stmt, 10);
		e.lease_until = (time_t)sqlite3_column_int64(stmt, 11);
		e.retry_at = (time_t)sqlite3_column_int64(stmt, 12);
		e.updated_at = (const char *)sqlite3_column_text(stmt, 13);
		e.kind = (const char *)sqlite3_column_text(stmt, 14);
		stop = fn(&e, arg);
	}
	if (!stop && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the alert ledger");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_alert_ledger_last_sent(struct mr_store *st,
    const struct mr_deadline_item *it, long long *offset, char *sent_at,
    size_t len, int *found, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	*found = 0;
	if (mr_store_prepare(st, "SELECT offset_secs, sent_at FROM alert_ledger "
	    "WHERE kind = 'reminder' AND what = ?1 AND item_id = ?2 AND "
	    "closes_at = ?3 AND state = 'sent' ORDER BY sent_at DESC, "
	    "offset_secs LIMIT 1", &stmt,
	    err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, it->what, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, it->id);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)it->closes_at);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		*found = 1;
		*offset = sqlite3_column_int64(stmt, 0);
		snprintf(sent_at, len, "%s", mr_store_col_text(stmt, 1));
	} else if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the alert ledger");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}
