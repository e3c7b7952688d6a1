#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_audit.h"
#include "lib/mr_case.h"
#include "lib/mr_deadline.h"
#include "lib/mr_hardship.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"
#include "lib/mr_window.h"
#include "lib/mr_year.h"

static const char *const kinds[] = { "targeted-review", "euc-hardship",
	"pi-hardship", "data-submission", "other", NULL };

int
mr_window_kind_valid(const char *kind, struct mr_err *err)
{
	for (int i = 0; kinds[i] != NULL; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 0;
	return mr_err_set(err, MR_EINVAL, "kind '%s' is not known; use one of: "
	    "%s", kind, MR_WINDOW_KINDS);
}

void
mr_window_release(struct mr_window *w)
{
	if (w == NULL)
		return;
	free(w->name);
	free(w->source);
	w->name = w->source = NULL;
}

#define WINDOW_COLUMNS "id, kind, performance_year, name, opens_at, " \
	"closes_at, zone, source, revision, created_at, updated_at"

static int
window_from_row(sqlite3_stmt *stmt, struct mr_window *w)
{
	memset(w, 0, sizeof *w);
	w->id = sqlite3_column_int64(stmt, 0);
	snprintf(w->kind, sizeof w->kind, "%s", mr_store_col_text(stmt, 1));
	w->performance_year = sqlite3_column_int(stmt, 2);
	w->name = strdup(mr_store_col_text(stmt, 3));
	w->has_opens = sqlite3_column_type(stmt, 4) != SQLITE_NULL;
	w->opens_at = (time_t)sqlite3_column_int64(stmt, 4);
	w->closes_at = (time_t)sqlite3_column_int64(stmt, 5);
	snprintf(w->zone, sizeof w->zone, "%s", mr_store_col_text(stmt, 6));
	w->source = strdup(mr_store_col_text(stmt, 7));
	w->revision = sqlite3_column_int64(stmt, 8);
	snprintf(w->created_at, sizeof w->created_at, "%s", mr_store_col_text(stmt, 9));
	snprintf(w->updated_at, sizeof w->updated_at, "%s", mr_store_col_text(stmt, 10));
	return (w->name && w->source) ? 0 : -1;
}

static int
window_row(sqlite3_stmt *stmt, void *w)
{
	return window_from_row(stmt, w);
}

int
mr_window_get(struct mr_store *st, int64_t id, struct mr_window *w,
    struct mr_err *err)
{
	memset(w, 0, sizeof *w);
	return mr_store_row_by_id(st, "SELECT " WINDOW_COLUMNS " FROM "
	    "review_window WHERE id = ?", id, window_row, w, "window",
	    "'mipsreview window list' shows the windows", err);
}

int
mr_window_each(struct mr_store *st, int year, const char *kind,
    int (*fn)(const struct mr_window *, void *), void *arg, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_window w;
	int rc = -1, step = SQLITE_DONE, stop = 0;

	if (mr_store_prepare(st, "SELECT " WINDOW_COLUMNS " FROM review_window "
	    "WHERE (?1 = 0 OR performance_year = ?1) AND (?2 IS NULL OR kind = ?2) "
	    "ORDER BY closes_at, id", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int(stmt, 1, year);
	sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_STATIC);
	while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (window_from_row(stmt, &w) == -1) {
			mr_window_release(&w);
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		stop = fn(&w, arg);
		mr_window_release(&w);
	}
	if (!stop && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "listing windows");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

json_t *
mr_window_to_json(const struct mr_window *w, time_t now)
{
	char opens[40] = "", opens_local[40] = "";

	if (w->has_opens) {
		mr_when_iso_utc(w->opens_at, opens, sizeof opens);
		mr_when_format_local(w->opens_at, w->zone, opens_local,
		    sizeof opens_local);
	}
	return json_pack("{s:I, s:s, s:i, s:s, s:o, s:o, s:o, s:s, s:I, s:s, s:s}",
	    "id", (json_int_t)w->id, "kind", w->kind,
	    "performance_year", w->performance_year, "name", w->name,
	    "opens_at", w->has_opens ? json_string(opens) : json_null(),
	    "opens_local", w->has_opens ? json_string(opens_local) : json_null(),
	    "deadline", mr_deadline_json(w->closes_at, w->zone, now),
	    "source", w->source, "revision", (json_int_t)w->revision,
	    "created_at", w->created_at, "updated_at", w->updated_at);
}

static char *
window_json_text(const struct mr_window *w, time_t now)
{
	json_t *o = mr_window_to_json(w, now);
	char *s;

	/* The audit keeps facts, not the moving seconds_left. */
	json_object_del(json_object_get(o, "deadline"), "seconds_left");
	json_object_del(json_object_get(o, "deadline"), "time_left");
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

/* Validate the given fields of in onto w (times in w->zone or in->zone). */
static int
apply_input(struct mr_store *st, const struct mr_window_input *in,
    struct mr_window *w, struct mr_err *err)
{
	struct mr_when when;
	char *copy;
	time_t now = mr_store_now(st);

	if (in->kind != NULL) {
		if (mr_window_kind_valid(in->kind, err) == -1)
			return -1;
		snprintf(w->kind, sizeof w->kind, "%s", in->kind);
	}
	if (in->year != NULL) {
		if (mr_year_parse(in->year, now, &w->performance_year,
		    err) == -1)
			return -1;
	}
	if (in->zone != NULL) {
		if (mr_when_zone_valid(in->zone, err) == -1)
			return -1;
		snprintf(w->zone, sizeof w->zone, "%s", in->zone);
	}
	if (in->name != NULL) {
		if (mr_text_validate("name", in->name, 0, err) == -1)
			return -1;
		if ((copy = strdup(in->name)) == NULL)
			return mr_err_set(err, MR_EFAIL, "out of memory");
		free(w->name);
		w->name = copy;
	}
	if (in->source != NULL) {
		if (mr_text_validate("source", in->source, 0, err) == -1)
			return -1;
		if ((copy = strdup(in->source)) == NULL)
			return mr_err_set(err, MR_EFAIL, "out of memory");
		free(w->source);
		w->source = copy;
	}
	if (in->closes != NULL) {
		if (mr_when_parse_as("closes", in->closes, w->zone, &when,
		    err) == -1)
			return -1;
		w->closes_at = when.utc;
		if (in->zone == NULL)	/* a named zone in the text wins */
			snprintf(w->zone, sizeof w->zone, "%s", when.zone);
	}
	if (in->opens != NULL) {
		if (*in->opens == '\0')
			w->has_opens = 0;
		else {
			if (mr_when_parse_as("opens", in->opens, w->zone,
			    &when, err) == -1)
				return -1;
			w->opens_at = when.utc;
			w->has_opens = 1;
		}
	}
	if (w->has_opens && w->opens_at >= w->closes_at) {
		char o[40], c[40];

		mr_when_format_local(w->opens_at, w->zone, o, sizeof o);
		mr_when_format_local(w->closes_at, w->zone, c, sizeof c);
		return mr_err_set(err, MR_EINVAL, "opens %s is not before closes "
		    "%s; a window must open before it closes", o, c);
	}
	return 0;
}

/*
 * Bump the revision of every case whose deadline comes from window w (its
 * year's latest-closing targeted-review window) and of every filing under
 * it, and count the open ones.  Called before and after a change, so cases that move onto or off
 * the window are both counted.
 */
static int
touch_cases_on(struct mr_store *st, const struct mr_window *w, int64_t *moved,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char at[32];
	int rc = -1, step;

	*moved = 0;
	mr_when_iso_utc(mr_store_now(st), at, sizeof at);
	/* Filings name their window. */
	if (mr_store_prepare(st, "UPDATE hardship_filing SET revision = "
	    "revision + 1, updated_at = ? WHERE window_id = ?", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, w->id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "moving filings");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (mr_store_prepare(st, "SELECT count(*) FROM hardship_filing WHERE "
	    "window_id = ? AND status IN " MR_FILING_OPEN_SQL, &stmt,
	    err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, w->id);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		mr_store_dberr(st, err, "counting filings");
		goto out;
	}
	*moved = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (strcmp(w->kind, "targeted-review") != 0) {
		rc = 0;
		goto out;
	}
	if (mr_store_prepare(st, "SELECT id FROM review_window WHERE kind = "
	    "'targeted-review' AND performance_year = ? ORDER BY closes_at DESC, "
	    "id DESC LIMIT 1", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int(stmt, 1, w->performance_year);
	step = sqlite3_step(stmt);
	if (step != SQLITE_ROW || sqlite3_column_int64(stmt, 0) != w->id) {
		rc = step == SQLITE_ROW || step == SQLITE_DONE ? 0 :
		    mr_store_dberr(st, err, "reading windows");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (mr_store_prepare(st, "UPDATE review_case SET revision = revision + 1, "
	    "updated_at = ? WHERE performance_year = ? AND deadline_at IS NULL",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, w->performance_year);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "moving cases");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (mr_store_prepare(st, "SELECT count(*) FROM review_case WHERE "
	    "performance_year = ? AND deadline_at IS NULL AND status IN "
	    MR_CASE_OPEN_SQL, &stmt, err) == -1)
		goto out;
	sqlite3_bind_int(stmt, 1, w->performance_year);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		mr_store_dberr(st, err, "counting cases");
		goto out;
	}
	*moved += sqlite3_column_int64(stmt, 0);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static int
window_write(struct mr_store *st, struct mr_window *w, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	mr_when_iso_utc(mr_store_now(st), w->updated_at, sizeof w->updated_at);
	if (w->id == 0)
		snprintf(w->created_at, sizeof w->created_at, "%s", w->updated_at);
	if (mr_store_prepare(st, w->id == 0 ?
	    "INSERT INTO review_window (kind, performance_year, name, opens_at, "
	    "closes_at, zone, source, created_at, updated_at) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9)" :
	    "UPDATE review_window SET kind = ?1, performance_year = ?2, name = ?3, "
	    "opens_at = ?4, closes_at = ?5, zone = ?6, source = ?7, "
	    /* an edit makes the window the office's: no pack overwrites it */
	    "updated_at = ?9, revision = revision + 1, origin = 'office', "
	    "verified = NULL WHERE id = ?10",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, w->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, w->performance_year);
	sqlite3_bind_text(stmt, 3, w->name, -1, SQLITE_STATIC);
	if (w->has_opens)
		sqlite3_bind_int64(stmt, 4, (sqlite3_int64)w->opens_at);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)w->closes_at);
	sqlite3_bind_text(stmt, 6, w->zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, w->source, -1, SQLITE_STATIC);
	if (w->id == 0)
		sqlite3_bind_text(stmt, 8, w->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, w->updated_at, -1, SQLITE_STATIC);
	if (w->id != 0)
		sqlite3_bind_int64(stmt, 10, w->id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "saving the window");
		goto out;
	}
	if (w->id == 0)
		w->id = sqlite3_last_insert_rowid(mr_store_db(st));
	else
		w->revision++;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* The audit row of a window change, with how many open cases moved. */
static int
audit_window(struct mr_store *st, const struct mr_window *w, const char *action,
    const char *before, int64_t moved, struct mr_err *err)
{
	json_t *o = mr_window_to_json(w, mr_store_now(st));
	char *after;
	int rc;

	json_object_del(json_object_get(o, "deadline"), "seconds_left");
	json_object_del(json_object_get(o, "deadline"), "time_left");
	json_object_set_new(o, "open_items_moved", json_integer(moved));
	after = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (after == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	rc = mr_audit_append(st, "window", w->id, action, before, after, err);
	free(after);
	return rc;
}

int
mr_window_add(struct mr_store *st, const struct mr_window_input *in,
    int64_t *id, struct mr_err *err)
{
	struct mr_window w;
	int64_t moved = 0, ignored;
	int rc = -1, in_tx = 0;

	memset(&w, 0, sizeof w);
	snprintf(w.zone, sizeof w.zone, "%s", MR_WINDOW_DEFAULT_ZONE);
	if (in->kind == NULL || in->year == NULL || in->closes == NULL) {
		mr_err_set(err, MR_EINVAL, "window: --kind, --year and --closes "
		    "are required");
		goto out;
	}
	if (apply_input(st, in, &w, err) == -1)
		goto out;
	if (w.name == NULL) {
		char name[96];

		snprintf(name, sizeof name, "PY%d %s", w.performance_year, w.kind);
		if ((w.name = strdup(name)) == NULL)
			goto nomem;
	}
	if (w.source == NULL && (w.source = strdup("")) == NULL)
		goto nomem;
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	/* A new latest window takes its year's cases over from the old one. */
	if (window_write(st, &w, err) == -1 ||
	    touch_cases_on(st, &w, &moved, err) == -1 ||
	    audit_window(st, &w, "add", NULL, moved, err) == -1)
		goto out;
	(void)ignored;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	*id = w.id;
	rc = 0;
	goto out;
nomem:
	mr_err_set(err, MR_EFAIL, "out of memory");
out:
	if (in_tx)
		mr_store_rollback(st);
	mr_window_release(&w);
	return rc;
}

/* Change w by in (or by a new closing time) inside one transaction. */
static int
window_change(struct mr_store *st, int64_t id, const struct mr_window_input *in,
    const char *action, int64_t *moved_out, struct mr_err *err)
{
	struct mr_window w, old;
	char *before = NULL;
	int64_t moved_before = 0, moved_after = 0;
	int rc = -1, in_tx = 0;

	memset(&w, 0, sizeof w);
	memset(&old, 0, sizeof old);
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_window_get(st, id, &w, err) == -1 ||
	    mr_window_get(st, id, &old, err) == -1)
		goto out;
	if ((before = window_json_text(&w, mr_store_now(st))) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (apply_input(st, in, &w, err) == -1)
		goto out;
	if (strcmp(action, "extend") == 0 && w.closes_at <= old.closes_at) {
		char was[64], now[64];

		mr_when_format_human(old.closes_at, old.zone, was, sizeof was);
		mr_when_format_human(w.closes_at, w.zone, now, sizeof now);
		mr_err_set(err, MR_EINVAL, "closes '%s' (%s) is not later than "
		    "the window's %s; extend moves a deadline later (use 'window "
		    "set --closes' to correct a mistake)", in->closes, now, was);
		goto out;
	}
	/* Cases on the window before and after the change both move. */
	if (touch_cases_on(st, &old, &moved_before, err) == -1 ||
	    window_write(st, &w, err) == -1 ||
	    (old.performance_year != w.performance_year ||
	    strcmp(old.kind, w.kind) != 0 || moved_before == 0 ?
	    touch_cases_on(st, &w, &moved_after, err) : 0) == -1 ||
	    audit_window(st, &w, action, before, moved_before + moved_after,
	    err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	if (moved_out != NULL)
		*moved_out = moved_before + moved_after;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	free(before);
	mr_window_release(&w);
	mr_window_release(&old);
	return rc;
}

int
mr_window_set(struct mr_store *st, int64_t id, const struct mr_window_input *in,
    struct mr_err *err)
{
	return window_change(st, id, in, "set", NULL, err);
}

int
mr_window_extend(struct mr_store *st, int64_t id, const char *closes,
    const char *source, int64_t *moved, struct mr_err *err)
{
	struct mr_window_input in = { .closes = closes, .source = source };

	return window_change(st, id, &in, "extend", moved, err);
}
