/* mr_lease: the claim protocol of the outgoing ledgers (see lib/mr_lease.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include <jansson.h>
#include <sqlite3.h>

#include "lib/mr_audit.h"
#include "lib/mr_hex.h"
#include "lib/mr_lease.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

/* Whether a row in state with lease_until is held by a live sender. */
static int
held(const char *state, time_t lease_until, time_t now)
{
	return (strcmp(state, "claimed") == 0 ||
	    strcmp(state, "sending") == 0) && lease_until > now;
}

enum mr_lease_is
mr_lease_status(const struct mr_lease_row *r, int honor_retry, time_t now)
{
	if (r->id == 0)
		return MR_LEASE_FREE;
	if (strcmp(r->state, "sent") == 0 || strcmp(r->state, "rejected") == 0)
		return MR_LEASE_DONE;
	if (held(r->state, r->lease_until, now))
		return MR_LEASE_HELD;
	if (strcmp(r->state, "failed") == 0 && honor_retry && r->retry_at > now)
		return MR_LEASE_RETRY_LATER;
	return MR_LEASE_FREE;
}

time_t
mr_lease_wake(const struct mr_lease_row *r, int honor_retry, time_t now)
{
	switch (mr_lease_status(r, honor_retry, now)) {
	case MR_LEASE_DONE:
		return 0;
	case MR_LEASE_HELD:
		return r->lease_until;
	case MR_LEASE_RETRY_LATER:
		return r->retry_at;
	default:
		return now;
	}
}

static void
bind_cols(sqlite3_stmt *stmt, int first, const struct mr_lease_col *v,
    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].text != NULL)
			sqlite3_bind_text(stmt, first + (int)i, v[i].text, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_int64(stmt, first + (int)i, v[i].num);
}

int
mr_lease_read(struct mr_store *st, const char *table,
    const struct mr_lease_col *keys, size_t nkeys, const char *doing,
    struct mr_lease_row *r, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char sql[512], where[256] = "";
	int rc = -1, step;

	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < nkeys; i++)
		snprintf(where + strlen(where), sizeof where - strlen(where),
		    "%s%s = ?%zu", i > 0 ? " AND " : "", keys[i].name, i + 1);
	snprintf(sql, sizeof sql, "SELECT id, state, claim_token, lease_until, "
	    "retry_at, attempts FROM %s WHERE %s", table, where);
	if (mr_store_prepare(st, sql, &stmt, err) == -1)
		goto out;
	bind_cols(stmt, 1, keys, nkeys);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		r->id = sqlite3_column_int64(stmt, 0);
		snprintf(r->state, sizeof r->state, "%s",
		    mr_store_col_text(stmt, 1));
		snprintf(r->token, sizeof r->token, "%s",
		    mr_store_col_text(stmt, 2));
		r->lease_until = (time_t)sqlite3_column_int64(stmt, 3);
		r->retry_at = (time_t)sqlite3_column_int64(stmt, 4);
		r->attempts = sqlite3_column_int(stmt, 5);
	} else if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, doing);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Write the claim: the row inserted 'claimed' (id 0) or claimed again.
 * The claim's values are ?1 (token), ?2 (lease), ?3 (now) and ?4 (id),
 * the ledger's columns follow from ?5.
 */
static int
write_claim(struct mr_store *st, const struct mr_lease_claim *c, int64_t id,
    time_t until, const char *iso, int64_t *claimed, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	const struct mr_lease_col *v = id == 0 ? c->cols : c->reclaim_cols;
	size_t n = id == 0 ? c->ncols : c->nreclaim_cols, i;
	char sql[1024], names[512] = "", marks[256] = "";
	int rc = -1;

	for (i = 0; i < n && id == 0; i++) {
		snprintf(names + strlen(names), sizeof names - strlen(names),
		    "%s, ", v[i].name);
		snprintf(marks + strlen(marks), sizeof marks - strlen(marks),
		    "?%zu, ", i + 5);
	}
	for (i = 0; i < n && id != 0; i++)
		snprintf(names + strlen(names), sizeof names - strlen(names),
		    ", %s = ?%zu", v[i].name, i + 5);
	if (id == 0)
		snprintf(sql, sizeof sql, "INSERT INTO %s (%sstate, "
		    "claim_token, lease_until, attempts, created_at, "
		    "updated_at) VALUES (%s'claimed', ?1, ?2, %d, ?3, ?3)",
		    c->table, names, marks, c->attempts);
	else
		snprintf(sql, sizeof sql, "UPDATE %s SET state = 'claimed', "
		    "claim_token = ?1, lease_until = ?2, updated_at = ?3%s%s%s "
		    "WHERE id = ?4", c->table, c->reclaim_sql ? ", " : "",
		    c->reclaim_sql ? c->reclaim_sql : "", names);
	if (mr_store_prepare(st, sql, &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, c->token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)until);
	sqlite3_bind_text(stmt, 3, iso, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, id);
	bind_cols(stmt, 5, v, n);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, c->doing);
		goto out;
	}
	*claimed = id != 0 ? id : sqlite3_last_insert_rowid(mr_store_db(st));
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * The takeover's audit row.  From 'sending' the whole message had been
 * handed over, so it may have arrived and goes out again unchanged (the
 * receiver deduplicates by its Message-ID or webhook-id); from 'claimed'
 * it had not.
 */
static int
audit_takeover(struct mr_store *st, const struct mr_lease_claim *c,
    const struct mr_lease_row *was, struct mr_err *err)
{
	int sending = strcmp(was->state, "sending") == 0;
	const char *entity, *note = sending ? "the previous sender died after "
	    "handing over the whole message: it may have been delivered; "
	    "resending with the same Message-ID" : "the previous sender died "
	    "before the end of the message: it was not delivered";
	json_t *before = NULL, *after;
	char *b = NULL, *a = NULL;
	int rc = -1;

	switch (c->audit) {
	case MR_LEASE_AUDIT_REMINDER:
		entity = "alert";
		before = json_pack("{s:s, s:s, s:I}", "state", was->state,
		    "claim_token", was->token, "lease_until",
		    (json_int_t)was->lease_until);
		after = json_pack("{s:s, s:s, s:s}", "state", "claimed",
		    "claim_token", c->token, "note", note);
		break;
	case MR_LEASE_AUDIT_DIGEST:
		entity = "digest";
		after = json_pack("{s:s, s:s, s:s, s:s}", "state", was->state,
		    "previous_sender", was->token, "sender", c->token, "note",
		    note);
		break;
	default:
		entity = "webhook_delivery";
		after = json_pack("{s:s}", "note", sending ? "the previous "
		    "sender died after handing over the whole request: it may "
		    "have arrived; posting again with the same webhook-id" :
		    "the previous sender died before the whole request went "
		    "out: it did not arrive");
		break;
	}
	b = before ? json_dumps(before, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	a = after ? json_dumps(after, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	if ((before && b == NULL) || (after && a == NULL))
		mr_err_set(err, MR_EFAIL, "out of memory");
	else
		rc = mr_audit_append(st, entity, was->id, "taken-over", b, a,
		    err);
	free(b);
	free(a);
	json_decref(before);
	json_decref(after);
	return rc;
}

void
mr_lease_mail_terms(struct mr_lease_claim *c, const char *token, long lease,
    int honor_retry)
{
	c->token = token;
	c->lease = lease;
	c->honor_retry = honor_retry;
	c->attempts = 1;
	c->reclaim_sql = "attempts = attempts + 1";
}

int
mr_lease_claim(struct mr_store *st, const struct mr_lease_claim *c,
    struct mr_lease_claimed *res, struct mr_err *err)
{
	const struct mr_lease_row *was = &res->was;
	time_t now = mr_store_now(st), until = now + (time_t)c->lease;
	char iso[32];
	int rc = -1, in_tx = 0;

	memset(res, 0, sizeof *res);
	mr_when_iso_utc(now, iso, sizeof iso);
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (c->ours != NULL)
		res->was = *c->ours;
	else {
		/* Read under the write lock: another sender may have moved. */
		if (c->read(st, c->arg, &res->was, err) == -1)
			goto out;
		if ((res->is = mr_lease_status(was, c->honor_retry, now)) !=
		    MR_LEASE_FREE)
			goto done;
		/* A failed one is tried again; a claimed one's sender died. */
		res->takeover = was->id != 0 &&
		    strcmp(was->state, "failed") != 0;
	}
	if (c->prepare != NULL && c->prepare(st, c->arg, was, res->takeover,
	    now, &until, err) == -1)
		goto out;
	if (write_claim(st, c, was->id, until, iso, &res->id, err) == -1)
		goto out;
	if (res->takeover && audit_takeover(st, c, was, err) == -1)
		goto out;
	res->attempt = was->attempts + 1;
	res->maybe_sent = strcmp(was->state, "sending") == 0;
done:
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	return rc;
}

void
mr_lease_token(char *buf, size_t len)
{
	unsigned char r[8];
	char hex[2 * sizeof r + 1], host[64] = "localhost";

	/* Unique enough without randomness (host, pid, time): the token
	 * only tells senders apart, it guards nothing. */
	if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		long long t = (long long)time(NULL);

		memcpy(r, &t, sizeof r < sizeof t ? sizeof r : sizeof t);
	}
	mr_hex(r, sizeof r, hex);
	if (gethostname(host, sizeof host) == -1)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(buf, len, "%s:%ld:%s", host, (long)getpid(), hex);
}

int
mr_lease_mark_sending(void *arg)
{
	struct mr_lease_sending *s = arg;
	sqlite3_stmt *stmt = NULL;
	char iso[32], sql[200];
	int rc = -1, in_tx = 0;

	mr_when_iso_utc(mr_store_now(s->st), iso, sizeof iso);
	snprintf(sql, sizeof sql, "UPDATE %s SET state = 'sending', updated_at "
	    "= ?3%s WHERE id = ?1 AND claim_token = ?2 AND state = 'claimed'",
	    s->table, s->posting_at ? ", posting_at = ?4" : "");
	if (mr_store_begin(s->st, &s->err) == -1)
		goto out;
	in_tx = 1;
	if (mr_store_prepare(s->st, sql, &stmt, &s->err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, s->id);
	sqlite3_bind_text(stmt, 2, s->token, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, iso, -1, SQLITE_STATIC);
	if (s->posting_at)
		sqlite3_bind_text(stmt, 4, s->posting_at, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(s->st, &s->err, s->posting_at ? "updating a "
		    "webhook delivery" : "marking a message as being sent");
		goto out;
	}
	if (sqlite3_changes(mr_store_db(s->st)) != 1) {
		/* Our lease ran out and another sender has it: let it send. */
		mr_err_set(&s->err, MR_ESEND, "the claim on the %s was lost "
		    "(another sender took it over); not %s it twice", s->what,
		    s->posting_at ? "posting" : "sending");
		goto out;
	}
	in_tx = 0;
	if (mr_store_commit(s->st, &s->err) == -1)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	if (in_tx)
		mr_store_rollback(s->st);
	return rc;
}
