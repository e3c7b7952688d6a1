#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "lib/mr_audit.h"
#include "lib/mr_buf.h"
#include "lib/mr_case.h"
#include "lib/mr_eligibility.h"
#include "lib/mr_grounds.h"
#include "lib/mr_grounds_watch.h"
#include "lib/mr_qpp_batch.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

/* Requests asked between two looks at the stop flag. */
#define CHUNK		(MR_QPP_BATCH_CONCURRENCY * 4)
/* The grounds of one case: ids, comma-separated ("" for none). */
#define IDS_MAX		(MR_GROUNDS_MAX * 32)

struct watched {
	int64_t		 case_id;
	char		 npi[11];
	int		 year;
	int		 had_record;	/* a record was kept before the run */
	int		 item;		/* its record in the batch */
	char		*before;	/* grounds ids before */
	char		*before_text;	/* "id\ttext\n" per ground before */
};

/* 1 when the comma-separated list holds id. */
static int
has_id(const char *list, const char *id)
{
	size_t n = strlen(id);
	const char *p = list;

	while ((p = strstr(p, id)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/*
 * The grounds the case's kept record gives it now: ids (sorted by the
 * order mr_grounds_find gives, each once) and "id\ttext\n" lines.  *had 0
 * when no record is kept (ids and text empty).
 */
static int
grounds_now(struct mr_store *st, int64_t case_id, char *ids, size_t idslen,
    char **text, int *had, char *retrieved, size_t rlen, struct mr_err *err)
{
	struct mr_ground *g = NULL;
	struct mr_elig_kept kept;
	struct mr_elig_record rec;
	struct mr_case c;
	struct mr_buf b, t;
	int n = 0, rc = -1, have_case = 0, have_kept = 0, have_rec = 0;

	ids[0] = '\0';
	*text = NULL;
	*had = 0;
	mr_buf_init_fixed(&b, ids, idslen);
	mr_buf_init(&t, 1 << 20);
	memset(&kept, 0, sizeof kept);
	memset(&rec, 0, sizeof rec);
	if (mr_case_get(st, case_id, &c, err) == -1)
		goto out;
	have_case = 1;
	if (mr_elig_load(st, c.npi, c.performance_year, &kept, err) == -1) {
		if (err == NULL || err->code != MR_ENOTFOUND)
			goto out;
		if (err != NULL)
			memset(err, 0, sizeof *err);
		rc = 0;
		goto out;
	}
	have_kept = 1;
	*had = 1;
	snprintf(retrieved, rlen, "%s", kept.retrieved_at);
	if (mr_elig_parse(kept.body, kept.len, c.npi, &rec, err) == -1)
		goto out;
	have_rec = 1;
	if ((g = calloc(MR_GROUNDS_MAX, sizeof *g)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_grounds_find(&c, &rec, g, MR_GROUNDS_MAX, &n, err) == -1)
		goto out;
	for (int i = 0; i < n; i++) {
		if (g[i].finding != MR_GROUND_SUPPORTS &&
		    g[i].finding != MR_GROUND_POSSIBLE)
			continue;
		if (has_id(ids, g[i].id))
			continue;
		(void)mr_buf_printf(&b, "%s%s", b.len ? "," : "", g[i].id);
		(void)mr_buf_printf(&t, "%s\t%s (%s): %s\n", g[i].id,
		    mr_ground_finding_name(g[i].finding), g[i].field,
		    g[i].text);
	}
	if (b.failed || t.failed) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if ((*text = strdup(mr_buf_str(&t))) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	rc = 0;
out:
	free(g);
	mr_buf_free(&t);
	if (have_rec)
		mr_elig_release(&rec);
	if (have_kept)
		mr_elig_kept_release(&kept);
	if (have_case)
		mr_case_release(&c);
	return rc;
}

/* The "text" of ground id in "id\ttext\n" lines, into buf ("" if none). */
static void
text_of(const char *lines, const char *id, char *buf, size_t len)
{
	size_t n = strlen(id);
	const char *p = lines, *nl;

	buf[0] = '\0';
	for (; p != NULL && *p != '\0'; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (strncmp(p, id, n) == 0 && p[n] == '\t') {
			snprintf(buf, len, "%.*s", (int)((nl ? nl : p +
			    strlen(p)) - (p + n + 1)), p + n + 1);
			return;
		}
	}
}

/*
 * What changed between two lists: gained and lost ids, and a line per
 * ground ("+ id (supports): text" / "- id: was ...").
 */
static int
diff(const char *before, const char *before_text, const char *after,
    const char *after_text, struct mr_buf *gained, struct mr_buf *lost,
    struct mr_buf *detail)
{
	char copy[IDS_MAX], *tok, *save = NULL, text[1024];

	snprintf(copy, sizeof copy, "%s", after);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save))
		if (!has_id(before, tok)) {
			text_of(after_text, tok, text, sizeof text);
			(void)mr_buf_printf(gained, "%s%s", gained->len ? "," :
			    "", tok);
			(void)mr_buf_printf(detail, "+ %s, %s\n", tok, text);
		}
	snprintf(copy, sizeof copy, "%s", before);
	save = NULL;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save))
		if (!has_id(after, tok)) {
			text_of(before_text, tok, text, sizeof text);
			(void)mr_buf_printf(lost, "%s%s", lost->len ? "," : "",
			    tok);
			(void)mr_buf_printf(detail, "- %s, no longer: the record "
			    "had said %s\n", tok, text);
		}
	return gained->len > 0 || lost->len > 0;
}

/* Keep one change, with its audit row, in one transaction. */
static int
keep_change(struct mr_store *st, const struct watched *w, const char *gained,
    const char *lost, const char *detail, const char *retrieved,
    struct mr_err *err)
{
	sqlite3_stmt *s = NULL;
	char *after = NULL;
	json_t *o;
	int rc = -1, in_tx = 0;
	int64_t id;

	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_store_prepare(st, "INSERT INTO grounds_change (case_id, npi, "
	    "performance_year, gained, lost, detail, found_at, "
	    "record_retrieved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &s,
	    err) == -1)
		goto out;
	sqlite3_bind_int64(s, 1, w->case_id);
	sqlite3_bind_text(s, 2, w->npi, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, w->year);
	sqlite3_bind_text(s, 4, gained, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, lost, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)mr_store_now(st));
	sqlite3_bind_text(s, 8, retrieved, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		mr_store_dberr(st, err, "keeping a grounds change");
		goto out;
	}
	id = sqlite3_last_insert_rowid(mr_store_db(st));
	o = json_pack("{s:I, s:s, s:i, s:s, s:s, s:s}", "grounds_change",
	    (json_int_t)id, "npi", w->npi, "performance_year", w->year,
	    "gained", gained, "lost", lost, "record_retrieved_at", retrieved);
	after = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	if (after == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_audit_append(st, "case", w->case_id, "grounds-changed", NULL,
	    after, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	if (in_tx)
		mr_store_rollback(st);
	free(after);
	return rc;
}

static int
run_row(struct mr_store *st, int64_t *id, const struct mr_grounds_watch_result *r,
    struct mr_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (mr_store_prepare(st, *id == 0 ? "INSERT INTO qpp_refresh_run "
	    "(started_at) VALUES (?1)" : "UPDATE qpp_refresh_run SET "
	    "finished_at = ?1, asked = ?2, changed = ?3, failed = ?4, "
	    "grounds_changes = ?5 WHERE id = ?6", &s, err) == -1)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)mr_store_now(st));
	if (*id != 0) {
		sqlite3_bind_int(s, 2, r->asked);
		sqlite3_bind_int(s, 3, r->changed);
		sqlite3_bind_int(s, 4, r->failed);
		sqlite3_bind_int(s, 5, r->grounds_changes);
		sqlite3_bind_int64(s, 6, *id);
	}
	if (sqlite3_step(s) != SQLITE_DONE) {
		mr_store_dberr(st, err, "recording the refresh");
		goto out;
	}
	if (*id == 0)
		*id = sqlite3_last_insert_rowid(mr_store_db(st));
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

static int
watched_cmp(const void *a, const void *b)
{
	const struct watched *x = a, *y = b;
	int c = strcmp(x->npi, y->npi);

	return c != 0 ? c : x->year - y->year;
}

int
mr_grounds_watch_run(struct mr_store *st, struct mr_qpp_client *client,
    const struct mr_grounds_watch_opts *o, struct mr_grounds_watch_result *r,
    struct mr_err *err)
{
	struct watched *w = NULL, *nw;
	struct mr_qpp_item *items = NULL;
	struct mr_qpp_batch_opts bo;
	sqlite3_stmt *s = NULL;
	size_t n = 0, cap = 0;
	int nitems = 0, rc = -1, step, had;
	int64_t run_id = 0;
	char after[IDS_MAX], retrieved[32], *after_text = NULL;
	struct mr_buf gained, lost, detail;

	memset(r, 0, sizeof *r);
	mr_buf_init(&gained, IDS_MAX);
	mr_buf_init(&lost, IDS_MAX);
	mr_buf_init(&detail, 1 << 20);
	if (run_row(st, &run_id, r, err) == -1)
		goto out;
	/* The open cases with an NPI, and their grounds before. */
	if (mr_store_prepare(st, "SELECT id, npi, performance_year FROM "
	    "review_case WHERE npi IS NOT NULL AND status IN " MR_CASE_OPEN_SQL
	    " ORDER BY id", &s, err) == -1)
		goto out;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nw = realloc(w, cap * sizeof *w)) == NULL) {
				mr_err_set(err, MR_EFAIL, "out of memory");
				goto out;
			}
			w = nw;
		}
		memset(&w[n], 0, sizeof w[n]);
		w[n].case_id = sqlite3_column_int64(s, 0);
		snprintf(w[n].npi, sizeof w[n].npi, "%s", mr_store_col_text(s, 1));
		w[n].year = sqlite3_column_int(s, 2);
		n++;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the open cases");
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	r->cases = (int)n;
	for (size_t i = 0; i < n; i++) {
		char ids[IDS_MAX];

		if (grounds_now(st, w[i].case_id, ids, sizeof ids,
		    &w[i].before_text, &w[i].had_record, retrieved,
		    sizeof retrieved, err) == -1 ||
		    (w[i].before = strdup(ids)) == NULL) {
			if (err != NULL && err->code == MR_EOK)
				mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
	}
	/* One request per NPI and year, however many cases share it. */
	if (n > 1)
		qsort(w, n, sizeof *w, watched_cmp);
	if (n > 0 && (items = calloc(n, sizeof *items)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (nitems == 0 || strcmp(items[nitems - 1].npi, w[i].npi) != 0 ||
		    items[nitems - 1].year != w[i].year) {
			snprintf(items[nitems].npi, sizeof items[nitems].npi, "%s",
			    w[i].npi);
			items[nitems].year = w[i].year;
			nitems++;
		}
		w[i].item = nitems - 1;
	}
	memset(&bo, 0, sizeof bo);
	bo.api_version = o->api_version;
	for (int i = 0; i < nitems; i += CHUNK) {
		int k = nitems - i < CHUNK ? nitems - i : CHUNK;

		if (o->stop != NULL && atomic_load(o->stop)) {
			r->stopped = 1;
			break;
		}
		bo.now = mr_store_now(st);
		if (mr_qpp_batch(st, client, items + i, k, &bo, err) == -1)
			goto out;
		for (int j = i; j < i + k; j++) {
			r->asked++;
			if (items[j].state == MR_QPP_ITEM_FAILED)
				r->failed++;
			else if (items[j].state == MR_QPP_ITEM_FETCHED &&
			    items[j].changed)
				r->changed++;
		}
	}
	/* The grounds after, where the record changed. */
	for (size_t i = 0; i < n; i++) {
		struct mr_qpp_item *it = &items[w[i].item];

		if (!w[i].had_record || it->state != MR_QPP_ITEM_FETCHED ||
		    !it->changed)
			continue;
		free(after_text);
		after_text = NULL;
		if (grounds_now(st, w[i].case_id, after, sizeof after,
		    &after_text, &had, retrieved, sizeof retrieved, err) == -1)
			goto out;
		mr_buf_reset(&gained);
		mr_buf_reset(&lost);
		mr_buf_reset(&detail);
		if (!diff(w[i].before, w[i].before_text, after, after_text,
		    &gained, &lost, &detail))
			continue;
		if (gained.failed || lost.failed || detail.failed) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		if (keep_change(st, &w[i], mr_buf_str(&gained), mr_buf_str(&lost),
		    mr_buf_str(&detail), retrieved, err) == -1)
			goto out;
		r->grounds_changes++;
	}
	if (run_row(st, &run_id, r, err) == -1)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	for (size_t i = 0; i < n; i++) {
		free(w[i].before);
		free(w[i].before_text);
	}
	free(w);
	free(items);
	free(after_text);
	mr_buf_free(&gained);
	mr_buf_free(&lost);
	mr_buf_free(&detail);
	return rc;
}

int
mr_grounds_watch_last_run(struct mr_store *st, time_t *when, struct mr_err *err)
{
	sqlite3_stmt *s = NULL;
	int step;

	*when = 0;
	if (mr_store_prepare(st, "SELECT max(started_at) FROM qpp_refresh_run",
	    &s, err) == -1)
		return -1;
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*when = (time_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (step != SQLITE_ROW)
		return mr_store_dberr(st, err, "reading the refresh runs");
	return 0;
}

#define CHANGE_SQL "SELECT g.id, g.case_id, g.gained, g.lost, g.detail, " \
	"g.found_at, g.record_retrieved_at, c.name, c.tin, coalesce(c.npi, " \
	"''), c.status, c.performance_year, c.owner, c.updated_at, " \
	"c.revision FROM grounds_change g JOIN review_case c ON c.id = " \
	"g.case_id "

static void
change_from_row(sqlite3_stmt *s, struct mr_grounds_change *g)
{
	memset(g, 0, sizeof *g);
	g->id = sqlite3_column_int64(s, 0);
	g->case_id = sqlite3_column_int64(s, 1);
	g->gained = mr_store_col_text(s, 2);
	g->lost = mr_store_col_text(s, 3);
	g->detail = mr_store_col_text(s, 4);
	g->found_at = (time_t)sqlite3_column_int64(s, 5);
	g->record_retrieved_at = mr_store_col_text(s, 6);
	g->item.what = "case";
	g->item.id = g->case_id;
	g->item.kind = "targeted-review";
	g->item.name = mr_store_col_text(s, 7);
	g->item.tin = mr_store_col_text(s, 8);
	g->item.npi = mr_store_col_text(s, 9);
	g->item.status = mr_store_col_text(s, 10);
	g->item.open = mr_state_is_open(g->item.status);
	g->item.performance_year = sqlite3_column_int(s, 11);
	g->item.closes_at = g->found_at;
	g->item.zone = "UTC";
	g->item.source = "CMS's QPP Eligibility API";
	g->item.owner = sqlite3_column_type(s, 12) == SQLITE_NULL ? NULL :
	    mr_store_col_text(s, 12);
	g->item.updated_at = mr_store_col_text(s, 13);
	g->item.sequence = sqlite3_column_int64(s, 14);
}

int
mr_grounds_watch_pending(struct mr_store *st,
    int (*fn)(const struct mr_grounds_change *, void *), void *arg,
    struct mr_err *err)
{
	struct mr_grounds_change g;
	sqlite3_stmt *s = NULL;
	int step, rc = -1;

	/* Changes of cases still open that no sender has told yet. */
	if (mr_store_prepare(st, CHANGE_SQL "WHERE c.status IN "
	    MR_CASE_OPEN_SQL " AND NOT EXISTS (SELECT 1 FROM alert_ledger l "
	    "WHERE l.what = 'case' AND l.item_id = g.case_id AND l.closes_at = "
	    "g.found_at AND l.offset_secs = g.id AND l.kind = 'grounds' AND "
	    "l.state = 'sent') ORDER BY g.id", &s, err) == -1)
		return -1;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		change_from_row(s, &g);
		if (fn(&g, arg) != 0) {
			rc = 0;
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the grounds changes");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}
