#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/mr_case.h"
#include "lib/mr_deadline.h"
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
 * The items, as one query in three parts so that each uses an index: cases
 * on their year's latest targeted-review window (few windows, then
 * review_case_year_status), cases with a deadline of their own
 * (review_case_deadline), and hardship filings on their window
 * (hardship_filing_window).  ?1 include closed, ?2 from, ?3 to (closing
 * instants), ?4 case id, ?5 tin, ?6 year, ?7 what, ?8 id.
 */
static const char deadline_sql[] =
	"WITH tr AS (SELECT * FROM (SELECT id, performance_year, closes_at, zone, "
	"  source, updated_at, row_number() OVER (PARTITION BY performance_year "
	"  ORDER BY closes_at DESC, id DESC) AS rn FROM review_window "
	"  WHERE kind = 'targeted-review') WHERE rn = 1) "
	"SELECT 'case', c.id, 'targeted-review', c.name, c.tin, coalesce(c.npi, ''), "
	"  c.status, c.performance_year, w.closes_at, w.zone, w.source, w.id, "
	"  c.revision, max(c.updated_at, w.updated_at), c.owner "
	"FROM tr w JOIN review_case c ON c.performance_year = w.performance_year "
	"WHERE c.deadline_at IS NULL "
	"  AND (?1 OR c.status IN " MR_CASE_OPEN_SQL ") "
	"  AND w.closes_at BETWEEN ?2 AND ?3 "
	"  AND (?4 = 0 OR c.id = ?4) AND (?5 IS NULL OR c.tin = ?5) "
	"  AND (?6 = 0 OR c.performance_year = ?6) "
	"  AND (?7 IS NULL OR (?7 = 'case' AND (?8 = 0 OR c.id = ?8))) "
	"UNION ALL "
	"SELECT 'case', c.id, 'targeted-review', c.name, c.tin, coalesce(c.npi, ''), "
	"  c.status, c.performance_year, c.deadline_at, c.deadline_zone, "
	"  coalesce(c.deadline_source, 'deadline set on the case'), 0, "
	"  c.revision, c.updated_at, c.owner "
	"FROM review_case c "
	"WHERE c.deadline_at BETWEEN ?2 AND ?3 "
	"  AND (?1 OR c.status IN " MR_CASE_OPEN_SQL ") "
	"  AND (?4 = 0 OR c.id = ?4) AND (?5 IS NULL OR c.tin = ?5) "
	"  AND (?6 = 0 OR c.performance_year = ?6) "
	"  AND (?7 IS NULL OR (?7 = 'case' AND (?8 = 0 OR c.id = ?8))) "
	/* hardship filings: the window they fall under */
	"UNION ALL "
	"SELECT 'hardship', f.id, w.kind, coalesce(f.name, f.event), f.tin, "
	"  coalesce(f.npi, ''), f.status, f.performance_year, w.closes_at, w.zone, "
	"  w.source, w.id, f.revision, max(f.updated_at, w.updated_at), f.owner "
	"FROM hardship_filing f JOIN review_window w ON w.id = f.window_id "
	"WHERE w.closes_at BETWEEN ?2 AND ?3 "
	"  AND (?1 OR f.status IN ('draft', 'submitted')) "
	"  AND ?4 = 0 AND (?5 IS NULL OR f.tin = ?5) "
	"  AND (?6 = 0 OR f.performance_year = ?6) "
	"  AND (?7 IS NULL OR (?7 = 'hardship' AND (?8 = 0 OR f.id = ?8))) "
	"ORDER BY 9, 1, 2";

static int
state_is_open(const char *what, const char *status)
{
	static const char *const open_filing[] = { "draft", "submitted", NULL };
	const char *const *l = open_filing;

	if (strcmp(what, "case") == 0)
		return mr_state_is_open(status);
	for (; *l != NULL; l++)
		if (strcmp(*l, status) == 0)
			return 1;
	return 0;
}

/*
 * The filter's parameters, the same in both queries: ?1 include closed,
 * ?4 case id, ?5 tin, ?6 year, ?7 what, ?8 id.
 */
static void
bind_filter(sqlite3_stmt *stmt, const struct mr_deadline_filter *f)
{
	sqlite3_bind_int(stmt, 1, f->include_closed);
	sqlite3_bind_int64(stmt, 4, f->case_id);
	sqlite3_bind_text(stmt, 5, f->tin, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 6, f->year);
	sqlite3_bind_text(stmt, 7, f->what, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 8, f->id);
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
	if (mr_store_prepare(st, deadline_sql, &stmt, err) == -1)
		goto out;
	bind_filter(stmt, f);
	sqlite3_bind_int64(stmt, 2, from);
	sqlite3_bind_int64(stmt, 3, to);
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
 * Open items without a deadline, filtered as deadline_sql is (?1 include
 * closed, ?4 case id, ?5 tin, ?6 year, ?7 what, ?8 id).
 */
static const char undated_sql[] =
	"SELECT 'case', c.id, 'targeted-review', c.name, c.tin, coalesce(c.npi, ''), "
	"  c.status, c.performance_year, c.revision, c.updated_at, c.owner "
	"FROM review_case c "
	"WHERE c.deadline_at IS NULL "
	"  AND (?1 OR c.status IN " MR_CASE_OPEN_SQL ") "
	"  AND NOT EXISTS (SELECT 1 FROM review_window w WHERE w.kind = "
	"    'targeted-review' AND w.performance_year = c.performance_year) "
	"  AND (?4 = 0 OR c.id = ?4) AND (?5 IS NULL OR c.tin = ?5) "
	"  AND (?6 = 0 OR c.performance_year = ?6) "
	"  AND (?7 IS NULL OR (?7 = 'case' AND (?8 = 0 OR c.id = ?8))) "
	"UNION ALL "
	"SELECT 'hardship', f.id, CASE f.type WHEN 'pi' THEN 'pi-hardship' "
	"  ELSE 'euc-hardship' END, coalesce(f.name, f.event), f.tin, "
	"  coalesce(f.npi, ''), f.status, f.performance_year, f.revision, "
	"  f.updated_at, f.owner "
	"FROM hardship_filing f "
	"WHERE f.window_id IS NULL "
	"  AND (?1 OR f.status IN ('draft', 'submitted')) "
	"  AND ?4 = 0 AND (?5 IS NULL OR f.tin = ?5) "
	"  AND (?6 = 0 OR f.performance_year = ?6) "
	"  AND (?7 IS NULL OR (?7 = 'hardship' AND (?8 = 0 OR f.id = ?8))) "
	"ORDER BY 8, 1, 2";

int
mr_deadline_each_undated(struct mr_store *st, const struct mr_deadline_filter *f,
    int (*fn)(const struct mr_deadline_item *, void *), void *arg,
    struct mr_err *err)
{
	static const struct mr_deadline_filter none;
	sqlite3_stmt *stmt = NULL;
	struct mr_deadline_item it;
	char reason[160], set_with[256];
	int rc = -1, step = SQLITE_DONE, stop = 0;

	if (f == NULL)
		f = &none;
	if (mr_store_prepare(st, undated_sql, &stmt, err) == -1)
		goto out;
	bind_filter(stmt, f);
	while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		read_item(stmt, &it);
		it.sequence = sqlite3_column_int64(stmt, 8);
		it.updated_at = (const char *)sqlite3_column_text(stmt, 9);
		it.owner = (const char *)sqlite3_column_text(stmt, 10);
		if (it.name == NULL)
			it.name = "";
		it.zone = it.source = "";
		it.open = state_is_open(it.what, it.status);
		it.undated = 1;
		snprintf(reason, sizeof reason, "no %s window is known for "
		    "performance year %d", it.kind, it.performance_year);
		if (strcmp(it.what, "case") == 0)
			snprintf(set_with, sizeof set_with, "mipsreview window add "
			    "--kind targeted-review --year %d --closes TIME "
			    "--source TEXT (or mipsreview set %lld deadline=TIME)",
			    it.performance_year, (long long)it.id);
		else
			snprintf(set_with, sizeof set_with, "mipsreview window add "
			    "--kind %s --year %d --closes TIME --source TEXT, then "
			    "mipsreview hardship set %lld window=WINDOW", it.kind,
			    it.performance_year, (long long)it.id);
		it.reason = reason;
		it.set_with = set_with;
		stop = fn(&it, arg);
	}
	if (!stop && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading items without a deadline");
		goto out;
	}
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
