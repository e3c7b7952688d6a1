#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_buf.h"
#include "lib/mr_case.h"
#include "lib/mr_deadline.h"
#include "lib/mr_hardship.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"
#include "lib/mr_window.h"

json_t *
mr_deadline_json(time_t closes_at, const char *zone, time_t now)
{
	char utc[32], local[40], left[40];

	mr_when_iso_utc(closes_at, utc, sizeof utc);
	if (mr_when_format_local(closes_at, zone, local, sizeof local) == -1)
		snprintf(local, sizeof local, "%s", utc);
	mr_when_left(now, closes_at, left, sizeof left);
	return json_pack("{s:s, s:s, s:s, s:I, s:s}", "closes_at", utc,
	    "zone", zone, "closes_local", local,
	    "seconds_left", (json_int_t)(closes_at - now), "time_left", left);
}

/*
 * The queries are put together from fixed parts, with only the conditions
 * the filter asks for: a condition such as "(:tin IS NULL OR c.tin = :tin)"
 * keeps SQLite from using the index on tin, and then one TIN's calendar
 * reads every case of the year.  Values are always bound, never pasted.
 *
 * Most cases are open, so "status IN (open states)" selects little; yet
 * without statistics SQLite takes any index it can use for it (by status,
 * or by year and status) over a better one, and reads every open case to
 * find one TIN's or the few with a deadline of their own.  status_indexed
 * 0 writes "+c.status", which no index serves, so the selective index
 * (by TIN, by own deadline) is taken; the callers say when.
 */
/* 1 if the filter names its TINs: their index is the selective one. */
static int
by_tin(const struct mr_deadline_filter *f)
{
	return f->tin != NULL || f->ntins > 0;
}

static void
case_filter(struct mr_buf *b, const struct mr_deadline_filter *f,
    int status_indexed)
{
	if (!f->include_closed)
		mr_buf_printf(b, " AND %sc.status IN %s",
		    status_indexed ? "" : "+", MR_CASE_OPEN_SQL);
	if (f->case_id != 0)
		mr_buf_printf(b, " AND c.id = :case");
	if (f->tin != NULL)
		mr_buf_printf(b, " AND c.tin = :tin");
	if (f->ntins > 0)
		mr_buf_printf(b, " AND c.tin IN (SELECT value FROM "
		    "json_each(:tins))");
	if (f->year != 0)
		mr_buf_printf(b, " AND c.performance_year = :year");
	if (f->what != NULL && strcmp(f->what, "case") != 0)
		mr_buf_printf(b, " AND 0");
	else if (f->what != NULL && f->id != 0)
		mr_buf_printf(b, " AND c.id = :id");
}

static void
filing_filter(struct mr_buf *b, const struct mr_deadline_filter *f)
{
	if (!f->include_closed)
		mr_buf_printf(b, " AND f.status IN " MR_FILING_OPEN_SQL);
	if (f->case_id != 0)
		mr_buf_printf(b, " AND 0");
	if (f->tin != NULL)
		mr_buf_printf(b, " AND f.tin = :tin");
	if (f->ntins > 0)
		mr_buf_printf(b, " AND f.tin IN (SELECT value FROM "
		    "json_each(:tins))");
	if (f->year != 0)
		mr_buf_printf(b, " AND f.performance_year = :year");
	if (f->what != NULL && strcmp(f->what, "hardship") != 0)
		mr_buf_printf(b, " AND 0");
	else if (f->what != NULL && f->id != 0)
		mr_buf_printf(b, " AND f.id = :id");
}

/* Bind a named parameter if the statement has it. */
static void
bind_int64(sqlite3_stmt *stmt, const char *name, int64_t v)
{
	int i;

	if ((i = sqlite3_bind_parameter_index(stmt, name)) > 0)
		sqlite3_bind_int64(stmt, i, v);
}

/* -1 out of memory. */
static int
bind_filter(sqlite3_stmt *stmt, const struct mr_deadline_filter *f)
{
	int i;

	bind_int64(stmt, ":case", f->case_id);
	bind_int64(stmt, ":year", f->year);
	bind_int64(stmt, ":id", f->id);
	if ((i = sqlite3_bind_parameter_index(stmt, ":tin")) > 0)
		sqlite3_bind_text(stmt, i, f->tin, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(stmt, ":tins")) > 0)
		return mr_store_bind_list(stmt, i, f->tins, f->ntins);
	return 0;
}

/* Prepare the text of b, which is freed; -1 if it could not be built. */
static int
prepare_built(struct mr_store *st, struct mr_buf *b, sqlite3_stmt **stmt,
    const struct mr_deadline_filter *f, struct mr_err *err)
{
	int rc;

	if (b->failed) {
		mr_buf_free(b);
		return mr_err_set(err, MR_EFAIL, "out of memory");
	}
	rc = mr_store_prepare(st, mr_buf_str(b), stmt, err);
	mr_buf_free(b);
	if (rc == 0 && bind_filter(*stmt, f) == -1) {
		sqlite3_finalize(*stmt);
		*stmt = NULL;
		return mr_err_set(err, MR_EFAIL, "out of memory");
	}
	return rc;
}

/*
 * The items, as one query in three parts so that each uses an index: cases
 * on their year's latest targeted-review window (few windows, then
 * review_case_year_status_deadline, or review_case_tin for TINs), cases
 * with a deadline of their own (review_case_deadline), and hardship
 * filings on their window (hardship_filing_window).  :from and :to bound
 * the closing instants.
 */
static int
deadline_query(struct mr_store *st, const struct mr_deadline_filter *f,
    sqlite3_stmt **stmt, struct mr_err *err)
{
	struct mr_buf b;

	mr_buf_init(&b, 16384);
	mr_buf_printf(&b, "WITH tr AS (SELECT * FROM (SELECT id, performance_year, "
	    "closes_at, zone, source, updated_at, row_number() OVER (PARTITION "
	    "BY performance_year ORDER BY closes_at DESC, id DESC) AS rn FROM "
	    "review_window WHERE kind = 'targeted-review') WHERE rn = 1 "
	    "AND closes_at BETWEEN :from AND :to) "
	    "SELECT 'case', c.id, 'targeted-review', c.name, c.tin, "
	    "coalesce(c.npi, ''), c.status, c.performance_year, w.closes_at, "
	    "w.zone, w.source, w.id, c.revision, max(c.updated_at, w.updated_at), "
	    "c.owner FROM tr w JOIN review_case c ON c.performance_year = "
	    "w.performance_year WHERE c.deadline_at IS NULL");
	/* by year, status and no deadline; for TINs, by TIN and year */
	case_filter(&b, f, !by_tin(f));
	mr_buf_printf(&b, " UNION ALL "
	    "SELECT 'case', c.id, 'targeted-review', c.name, c.tin, "
	    "coalesce(c.npi, ''), c.status, c.performance_year, c.deadline_at, "
	    "c.deadline_zone, coalesce(c.deadline_source, 'deadline set on the "
	    "case'), 0, c.revision, c.updated_at, c.owner FROM review_case c "
	    "WHERE c.deadline_at BETWEEN :from AND :to");
	/* by own deadline; for one year, by year, status and deadline */
	case_filter(&b, f, !by_tin(f) && f->year != 0);
	/* hardship filings: the window they fall under */
	mr_buf_printf(&b, " UNION ALL "
	    "SELECT 'hardship', f.id, w.kind, coalesce(f.name, f.event), f.tin, "
	    "coalesce(f.npi, ''), f.status, f.performance_year, w.closes_at, "
	    "w.zone, w.source, w.id, f.revision, max(f.updated_at, w.updated_at), "
	    "f.owner FROM hardship_filing f JOIN review_window w ON w.id = "
	    "f.window_id WHERE w.closes_at BETWEEN :from AND :to");
	filing_filter(&b, f);
	mr_buf_printf(&b, " ORDER BY 9, 1, 2");
	return prepare_built(st, &b, stmt, f, err);
}

static int
state_is_open(const char *what, const char *status)
{
	return strcmp(what, "case") == 0 ? mr_state_is_open(status) :
	    mr_hardship_state_is_open(status);
}

/* The columns both queries begin with: what the item is and whose. */
static void
read_item(sqlite3_stmt *stmt, struct mr_deadline_item *it)
{
	memset(it, 0, sizeof *it);
	it->what = (const char *)sqlite3_column_text(stmt, 0);
	it->id = sqlite3_column_int64(stmt, 1);
	it->kind = (const char *)sqlite3_column_text(stmt, 2);
	it->name = (const char *)sqlite3_column_text(stmt, 3);
	it->tin = (const char *)sqlite3_column_text(stmt, 4);
	it->npi = (const char *)sqlite3_column_text(stmt, 5);
	it->status = (const char *)sqlite3_column_text(stmt, 6);
	it->performance_year = sqlite3_column_int(stmt, 7);
}

int
mr_deadline_each(struct mr_store *st, const struct mr_deadline_filter *f,
    int (*fn)(const struct mr_deadline_item *, void *), void *arg,
    struct mr_err *err)
{
	static const struct mr_deadline_filter none;
	sqlite3_stmt *stmt = NULL;
	struct mr_deadline_item it;
	time_t now = mr_store_now(st);
	sqlite3_int64 from = INT64_MIN, to = INT64_MAX;
	int rc = -1, step = SQLITE_DONE, stop = 0;

	if (f == NULL)
		f = &none;
	if (f->overdue_only)
		to = (sqlite3_int64)now - 1;
	if (f->within > 0) {
		from = (sqlite3_int64)now;
		to = (sqlite3_int64)now + f->within;
	}
	/* A page starts at its cursor's instant: the indexes skip the rest. */
	if (f->closing_from != 0 && (sqlite3_int64)f->closing_from > from)
		from = (sqlite3_int64)f->closing_from;
	if (deadline_query(st, f, &stmt, err) == -1)
		goto out;
	bind_int64(stmt, ":from", from);
	bind_int64(stmt, ":to", to);
	while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		read_item(stmt, &it);
		it.closes_at = (time_t)sqlite3_column_int64(stmt, 8);
		it.zone = (const char *)sqlite3_column_text(stmt, 9);
		it.source = (const char *)sqlite3_column_text(stmt, 10);
		it.window_id = sqlite3_column_int64(stmt, 11);
		it.sequence = sqlite3_column_int64(stmt, 12);
		it.updated_at = (const char *)sqlite3_column_text(stmt, 13);
		it.owner = (const char *)sqlite3_column_text(stmt, 14);
		if (it.name == NULL)
			it.name = "";
		if (it.zone == NULL)
			it.zone = "UTC";
		if (it.source == NULL)
			it.source = "";
		it.open = state_is_open(it.what, it.status);
		stop = fn(&it, arg);
	}
	if (!stop && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading deadlines");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Open items without a deadline: cases whose year has no targeted-review
 * window and no deadline of their own (filings 0), or hardship filings
 * with no window (filings 1); by year, then id.  The cases come in the
 * order of review_case_undated, so however many they are nothing is
 * sorted in memory.
 */
static int
undated_query(struct mr_store *st, const struct mr_deadline_filter *f,
    int filings, sqlite3_stmt **stmt, struct mr_err *err)
{
	struct mr_buf b;

	mr_buf_init(&b, 16384);
	if (!filings) {
		mr_buf_printf(&b, "SELECT 'case', c.id, 'targeted-review', "
		    "c.name, c.tin, coalesce(c.npi, ''), c.status, "
		    "c.performance_year, c.revision, c.updated_at, c.owner FROM "
		    "review_case c WHERE c.deadline_at IS NULL AND NOT EXISTS "
		    "(SELECT 1 FROM review_window w WHERE w.kind = "
		    "'targeted-review' AND w.performance_year = "
		    "c.performance_year)");
		/* in the order of review_case_undated, or by TIN */
		case_filter(&b, f, 0);
		mr_buf_printf(&b, " ORDER BY c.performance_year, c.id");
	} else {
		mr_buf_printf(&b, "SELECT 'hardship', f.id, CASE f.type WHEN "
		    "'pi' THEN 'pi-hardship' ELSE 'euc-hardship' END, "
		    "coalesce(f.name, f.event), f.tin, coalesce(f.npi, ''), "
		    "f.status, f.performance_year, f.revision, f.updated_at, "
		    "f.owner FROM hardship_filing f WHERE f.window_id IS NULL");
		filing_filter(&b, f);
		mr_buf_printf(&b, " ORDER BY f.performance_year, f.id");
	}
	return prepare_built(st, &b, stmt, f, err);
}

static void
undated_case_reason(int year, char *reason, size_t size)
{
	snprintf(reason, size, "no targeted-review window is known for "
	    "performance year %d", year);
}

/* Fill it from a row of undated_query(), with why and how to date it. */
static void
undated_item(sqlite3_stmt *stmt, struct mr_deadline_item *it, char *reason,
    size_t reason_size, char *set_with, size_t set_with_size)
{
	read_item(stmt, it);
	it->sequence = sqlite3_column_int64(stmt, 8);
	it->updated_at = (const char *)sqlite3_column_text(stmt, 9);
	it->owner = (const char *)sqlite3_column_text(stmt, 10);
	if (it->name == NULL)
		it->name = "";
	it->zone = it->source = "";
	it->open = state_is_open(it->what, it->status);
	it->undated = 1;
	if (strcmp(it->what, "case") == 0) {
		undated_case_reason(it->performance_year, reason, reason_size);
		snprintf(set_with, set_with_size, "mipsreview window add --kind "
		    "targeted-review --year %d --closes TIME --source TEXT (or "
		    "mipsreview set %lld deadline=TIME)", it->performance_year,
		    (long long)it->id);
	} else {
		snprintf(reason, reason_size, "no %s window is known for "
		    "performance year %d", it->kind, it->performance_year);
		snprintf(set_with, set_with_size, "mipsreview window add --kind "
		    "%s --year %d --closes TIME --source TEXT, then mipsreview "
		    "hardship set %lld window=WINDOW", it->kind,
		    it->performance_year, (long long)it->id);
	}
	it->reason = reason;
	it->set_with = set_with;
}

/* Cases (with_cases) and then filings with no known deadline, one by one. */
static int
undated_items(struct mr_store *st, const struct mr_deadline_filter *f,
    int with_cases, int (*fn)(const struct mr_deadline_item *, void *),
    void *arg, struct mr_err *err)
{
	static const struct mr_deadline_filter none;
	sqlite3_stmt *stmt = NULL;
	struct mr_deadline_item it;
	char reason[160], set_with[256];
	int rc = -1, step = SQLITE_DONE, stop = 0, filings;

	if (f == NULL)
		f = &none;
	for (filings = !with_cases; filings <= 1 && !stop; filings++) {
		sqlite3_finalize(stmt);
		if (undated_query(st, f, filings, &stmt, err) == -1)
			goto out;
		while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
			undated_item(stmt, &it, reason, sizeof reason, set_with,
			    sizeof set_with);
			stop = fn(&it, arg);
		}
		if (!stop && step != SQLITE_DONE) {
			mr_store_dberr(st, err, "reading items without a deadline");
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_deadline_each_undated(struct mr_store *st, const struct mr_deadline_filter *f,
    int (*fn)(const struct mr_deadline_item *, void *), void *arg,
    struct mr_err *err)
{
	return undated_items(st, f, 1, fn, arg, err);
}

/*
 * The years that have open cases but no targeted-review window, each with
 * its count of cases without a deadline.  The years are found by walking
 * the index one year at a time (min of the years after the last), so the
 * walk costs one search per year, and each count reads the index
 * review_case_year_status_deadline (or review_case_tin for TINs) only.
 */
static int
group_query(struct mr_store *st, const struct mr_deadline_filter *f,
    sqlite3_stmt **stmt, struct mr_err *err)
{
	const char *tin = f->tin != NULL ? " AND c.tin = :tin" : "";
	struct mr_buf b;

	mr_buf_init(&b, 16384);
	mr_buf_printf(&b, "WITH RECURSIVE y(v) AS ("
	    "SELECT (SELECT min(c.performance_year) FROM review_case c WHERE 1%s) "
	    "UNION ALL SELECT (SELECT min(c.performance_year) FROM review_case c "
	    "WHERE c.performance_year > y.v%s) FROM y WHERE y.v IS NOT NULL) "
	    "SELECT y.v, (SELECT count(*) FROM review_case c WHERE "
	    "c.performance_year = y.v AND c.deadline_at IS NULL", tin, tin);
	case_filter(&b, f, !by_tin(f));
	mr_buf_printf(&b, ") FROM y WHERE y.v IS NOT NULL AND NOT EXISTS (SELECT "
	    "1 FROM review_window w WHERE w.kind = 'targeted-review' AND "
	    "w.performance_year = y.v) ORDER BY 1");
	return prepare_built(st, &b, stmt, f, err);
}

int
mr_deadline_undated_summary(struct mr_store *st,
    const struct mr_deadline_filter *f,
    int (*group_fn)(const struct mr_deadline_group *, void *),
    int (*item_fn)(const struct mr_deadline_item *, void *), void *arg,
    struct mr_err *err)
{
	static const struct mr_deadline_filter none;
	sqlite3_stmt *stmt = NULL;
	struct mr_deadline_group g;
	char reason[160], set_with[256];
	int rc = -1, step = SQLITE_DONE, stop = 0;

	if (f == NULL)
		f = &none;
	if (group_query(st, f, &stmt, err) == -1)
		goto out;
	while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&g, 0, sizeof g);
		g.what = "case";
		g.kind = "targeted-review";
		g.performance_year = sqlite3_column_int(stmt, 0);
		if ((g.count = sqlite3_column_int64(stmt, 1)) == 0)
			continue;
		undated_case_reason(g.performance_year, reason, sizeof reason);
		snprintf(set_with, sizeof set_with, "mipsreview window add --kind "
		    "targeted-review --year %d --closes TIME --source TEXT (or, "
		    "for one case, mipsreview set CASE deadline=TIME)",
		    g.performance_year);
		g.reason = reason;
		g.set_with = set_with;
		g.list_with = "mipsreview due --undated";
		stop = group_fn(&g, arg);
	}
	if (!stop && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "counting cases without a deadline");
		goto out;
	}
	if (!stop && undated_items(st, f, 0, item_fn, arg, err) == -1)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

struct one {
	int	(*fn)(const struct mr_deadline_item *, void *);
	void	*arg;
	int	 found;
};

static int
one_item(const struct mr_deadline_item *it, void *arg)
{
	struct one *o = arg;

	o->found = 1;
	o->fn(it, o->arg);
	return 1;
}

int
mr_deadline_of_case(struct mr_store *st, int64_t case_id,
    int (*fn)(const struct mr_deadline_item *, void *), void *arg,
    struct mr_err *err)
{
	struct mr_deadline_filter f = { .include_closed = 1, .case_id = case_id,
	    .what = "case", .id = case_id };
	struct one o = { fn, arg, 0 };

	if (mr_deadline_each(st, &f, one_item, &o, err) == -1)
		return -1;
	if (!o.found)
		return mr_err_set(err, MR_ENOTFOUND, "case %lld has no deadline: "
		    "no targeted-review window is known for its performance year "
		    "(add one with 'mipsreview window add') and it has none of "
		    "its own", (long long)case_id);
	return 0;
}

int
mr_deadline_year_window(struct mr_store *st, int year, struct mr_window *w,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int64_t id;
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT id FROM review_window WHERE kind = "
	    "'targeted-review' AND performance_year = ? ORDER BY closes_at DESC, "
	    "id DESC LIMIT 1", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int(stmt, 1, year);
	if ((step = sqlite3_step(stmt)) == SQLITE_DONE) {
		rc = 0;
		goto out;
	}
	if (step != SQLITE_ROW) {
		mr_store_dberr(st, err, "reading windows");
		goto out;
	}
	id = sqlite3_column_int64(stmt, 0);
	if (mr_window_get(st, id, w, err) == -1)
		goto out;
	rc = 1;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_deadline_item_own(struct mr_deadline_item *it, char **strs)
{
	const char **field[MR_DEADLINE_ITEM_NSTRS] = { &it->what, &it->kind,
	    &it->name, &it->tin, &it->npi, &it->status, &it->zone, &it->source,
	    &it->updated_at, &it->owner };
	int rc = 0;

	for (int k = 0; k < MR_DEADLINE_ITEM_NSTRS; k++) {
		strs[k] = NULL;
		if (field[k] == &it->owner && it->owner == NULL)
			continue;
		if ((strs[k] = strdup(*field[k] ? *field[k] : "")) == NULL)
			rc = -1;
		*field[k] = strs[k];
	}
	return rc;
}
