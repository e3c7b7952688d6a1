/*
 * mr_alert_ack: acknowledged deadlines (lib/mr_alert_ack.h), kept in the
 * alert_ack table (sql/019_alert_ack.sql).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/mr_alert_ack.h"
#include "lib/mr_audit.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

/* The one item looked for, copied out of mr_deadline's callback. */
struct one {
	int		 found;
	int		 open;
	int		 undated;
	time_t		 closes_at;
	char		 status[32];
	char		 set_with[200];
};

static int
one_item(const struct mr_deadline_item *it, void *arg)
{
	struct one *o = arg;

	o->found = 1;
	o->open = it->open;
	o->undated = it->undated;
	o->closes_at = it->closes_at;
	snprintf(o->status, sizeof o->status, "%s", it->status);
	snprintf(o->set_with, sizeof o->set_with, "%s",
	    it->set_with ? it->set_with : "");
	return 1;
}

static const char *
label(const char *what)
{
	return strcmp(what, "case") == 0 ? "case" : "hardship filing";
}

static int
find_row(struct mr_store *st, const char *what, int64_t id, time_t closes_at,
    const char *status, struct mr_alert_ack *out, int *found,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	*found = 0;
	if (mr_store_prepare(st, "SELECT id, note, acked_by, acked_at FROM "
	    "alert_ack WHERE what = ?1 AND item_id = ?2 AND closes_at = ?3 AND "
	    "status = ?4", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, what, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, id);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)closes_at);
	sqlite3_bind_text(stmt, 4, status, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		*found = 1;
		if (out != NULL) {
			memset(out, 0, sizeof *out);
			out->id = sqlite3_column_int64(stmt, 0);
			snprintf(out->what, sizeof out->what, "%s", what);
			out->item_id = id;
			out->closes_at = closes_at;
			snprintf(out->status, sizeof out->status, "%s", status);
			snprintf(out->note, sizeof out->note, "%s",
			    mr_store_col_text(stmt, 1));
			snprintf(out->acked_by, sizeof out->acked_by, "%s",
			    mr_store_col_text(stmt, 2));
			snprintf(out->acked_at, sizeof out->acked_at, "%s",
			    mr_store_col_text(stmt, 3));
		}
	} else if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the acknowledgements");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_alert_ack_find(struct mr_store *st, const struct mr_deadline_item *it,
    struct mr_alert_ack *out, int *found, struct mr_err *err)
{
	*found = 0;
	if (it->undated)
		return 0;
	return find_row(st, it->what, it->id, it->closes_at, it->status, out,
	    found, err);
}

static int
check_note(const char *note, struct mr_err *err)
{
	if (note == NULL)
		return 0;
	if (strlen(note) > MR_ALERT_ACK_NOTE_MAX)
		return mr_err_set(err, MR_EINVAL, "the note is %zu bytes long; "
		    "keep it to %d", strlen(note), MR_ALERT_ACK_NOTE_MAX);
	for (const unsigned char *p = (const unsigned char *)note; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return mr_err_set(err, MR_EINVAL, "the note holds a "
			    "control character (byte %u); give it on one line "
			    "of plain text", *p);
	return 0;
}

/* The item's deadline as it is now: o->found 0 when there is no item. */
static int
item_now(struct mr_store *st, const char *what, int64_t id, struct one *o,
    struct mr_err *err)
{
	struct mr_deadline_filter f = { .include_closed = 1, .what = what,
	    .id = id, .case_id = strcmp(what, "case") == 0 ? id : 0 };

	memset(o, 0, sizeof *o);
	if (mr_deadline_each(st, &f, one_item, o, err) == -1)
		return -1;
	if (!o->found && mr_deadline_each_undated(st, &f, one_item, o,
	    err) == -1)
		return -1;
	return 0;
}

int
mr_alert_ack_current(struct mr_store *st, const char *what, int64_t id,
    struct mr_alert_ack *out, int *found, int *it_open, int *it_undated,
    time_t *closes_at, char *status, size_t status_len, struct mr_err *err)
{
	struct one o;

	*found = 0;
	if (item_now(st, what, id, &o, err) == -1)
		return -1;
	if (!o.found)
		return mr_err_set(err, MR_ENOTFOUND, "no %s %lld", label(what),
		    (long long)id);
	if (it_open != NULL)
		*it_open = o.open;
	if (it_undated != NULL)
		*it_undated = o.undated;
	if (closes_at != NULL)
		*closes_at = o.closes_at;
	if (status != NULL)
		snprintf(status, status_len, "%s", o.status);
	if (o.undated)
		return 0;
	return find_row(st, what, id, o.closes_at, o.status, out, found, err);
}

int
mr_alert_ack_add(struct mr_store *st, const char *what, int64_t id,
    const char *note, struct mr_alert_ack *out, struct mr_err *err)
{
	return mr_alert_ack_add_expect(st, what, id, NULL, note, out, err);
}

int
mr_alert_ack_add_expect(struct mr_store *st, const char *what, int64_t id,
    const struct mr_alert_ack_expect *ex, const char *note,
    struct mr_alert_ack *out, struct mr_err *err)
{
	struct mr_alert_ack row;
	struct one o = { 0 };
	sqlite3_stmt *stmt = NULL;
	char iso[32], closes[32], was[32];
	json_t *after = NULL;
	char *text = NULL;
	int rc = -1, in_tx = 0, found;

	if (check_note(note, err) == -1)
		goto out;
	if (note != NULL && note[0] == '\0')
		note = NULL;
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (item_now(st, what, id, &o, err) == -1)
		goto out;
	if (!o.found) {
		mr_err_set(err, MR_ENOTFOUND, "no %s %lld", label(what),
		    (long long)id);
		goto out;
	}
	/* A mail's link is for the deadline and state the mail told of. */
	if (ex != NULL && (ex->closes_at != o.closes_at ||
	    strcmp(ex->status, o.status) != 0)) {
		mr_when_iso_utc(ex->closes_at, was, sizeof was);
		mr_err_set(err, MR_ECONFLICT, "this link is stale: the mail was "
		    "about the deadline of %s %lld at %s while it was %s, and "
		    "since then %s; nothing was recorded (a later reminder "
		    "carries a current link, or run 'mipsreview alerts ack "
		    "%s%lld')", label(what), (long long)id, was, ex->status,
		    ex->closes_at != o.closes_at ? "the deadline has moved" :
		    "its state has changed", strcmp(what, "case") == 0 ? "" :
		    "--hardship ", (long long)id);
		goto out;
	}
	if (!o.open) {
		mr_err_set(err, MR_ECONFLICT, "%s %lld is %s: it awaits no "
		    "action and gets no reminders, so there is nothing to "
		    "acknowledge", label(what), (long long)id, o.status);
		goto out;
	}
	if (o.undated) {
		mr_err_set(err, MR_ECONFLICT, "%s %lld has no known deadline, so "
		    "no reminder goes out for it; give it one first (%s)",
		    label(what), (long long)id, o.set_with);
		goto out;
	}
	if (find_row(st, what, id, o.closes_at, o.status, &row, &found,
	    err) == -1)
		goto out;
	if (found) {
		mr_err_set(err, MR_ECONFLICT, "%s %lld is already acknowledged "
		    "for this deadline (by %s at %s); it holds until the deadline "
		    "moves or the %s changes state", label(what), (long long)id,
		    row.acked_by, row.acked_at, label(what));
		goto out;
	}
	mr_when_iso_utc(mr_store_now(st), iso, sizeof iso);
	mr_when_iso_utc(o.closes_at, closes, sizeof closes);
	if (mr_store_prepare(st, "INSERT INTO alert_ack (what, item_id, "
	    "closes_at, status, note, acked_by, acked_at) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7)", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, what, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, id);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)o.closes_at);
	sqlite3_bind_text(stmt, 4, o.status, -1, SQLITE_STATIC);
	if (note != NULL)
		sqlite3_bind_text(stmt, 5, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, mr_store_actor(st), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, iso, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "recording the acknowledgement");
		goto out;
	}
	if ((after = json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?}", "ack_id",
	    (json_int_t)sqlite3_last_insert_rowid(mr_store_db(st)),
	    "closes_at", closes, "status", o.status, "note", note, "via",
	    ex ? ex->via : NULL, "recipient", ex ? ex->recipient : NULL)) ==
	    NULL ||
	    (text = json_dumps(after, JSON_SORT_KEYS | JSON_COMPACT)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_audit_append(st, what, id, "acknowledge deadline", NULL, text,
	    err) == -1)
		goto out;
	if (out != NULL && find_row(st, what, id, o.closes_at, o.status, out,
	    &found, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	free(text);
	json_decref(after);
	sqlite3_finalize(stmt);
	if (in_tx)
		mr_store_rollback(st);
	return rc;
}
