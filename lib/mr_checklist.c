/*
 * mr_checklist: which evidence a case normally needs for its reasons, what
 * is present and what is missing, and the gate before a case is ready.
 *
 * The requirements are reference data (sql/003_evidence.sql, table
 * evidence_requirement), all unverified: CMS publishes no such list and
 * asks for documents case by case.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "lib/mr_audit.h"
#include "lib/mr_buf.h"
#include "lib/mr_checklist.h"
#include "lib/mr_evidence.h"
#include "lib/mr_store.h"

/* The reasons of a case as stored ("a,b"), into buf. */
static int
case_reasons(struct mr_store *st, int64_t case_id, char *buf, size_t len,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT reasons FROM review_case WHERE id = ?",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, case_id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE) {
		mr_err_set(err, MR_ENOTFOUND, "case %lld does not exist; "
		    "'mipsreview list' shows the cases", (long long)case_id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		mr_store_dberr(st, err, "reading the case");
		goto out;
	}
	snprintf(buf, len, "%s", (const char *)sqlite3_column_text(stmt, 0));
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* A rule of the case's grounds that has alternatives (one_of). */
struct alt_rule {
	char	reason[32];
	char	kind[32];
	char	one_of[40];
};
#define MAX_ALT_RULES	32

/* A need as read, before alternatives are weighed. */
struct need_row {
	struct mr_checklist_need need;
	char	*needed_by;
	char	*source;
	char	 alternatives[256];
};

static int
kind_present(const struct need_row *rows, size_t n, const char *kind)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].need.kind, kind) == 0)
			return rows[i].need.present > 0;
	return 0;
}

/*
 * Weigh the alternatives of row r: covered when, for every ground that
 * needs its kind, another kind of the same one_of group is attached (a
 * ground whose rule has no group needs the kind itself).
 */
static void
weigh_alternatives(struct need_row *rows, size_t n, struct need_row *r,
    const struct alt_rule *alt, size_t nalt)
{
	char buf[256], *tok, *save = NULL;
	struct mr_buf ab;
	int all_covered = 1;

	mr_buf_init_fixed(&ab, r->alternatives, sizeof r->alternatives);
	snprintf(buf, sizeof buf, "%s", r->needed_by);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save)) {
		const char *group = NULL;
		int covered = 0;

		for (size_t a = 0; a < nalt; a++)
			if (strcmp(alt[a].reason, tok) == 0 &&
			    strcmp(alt[a].kind, r->need.kind) == 0)
				group = alt[a].one_of;
		for (size_t a = 0; group != NULL && a < nalt; a++) {
			if (strcmp(alt[a].reason, tok) != 0 ||
			    strcmp(alt[a].one_of, group) != 0 ||
			    strcmp(alt[a].kind, r->need.kind) == 0)
				continue;
			if (kind_present(rows, n, alt[a].kind))
				covered = 1;
			/* 256 bytes hold a rule's few kinds; one that did
			 * not fit would only be left out of the advice. */
			if (strstr(r->alternatives, alt[a].kind) == NULL)
				(void)mr_buf_printf(&ab, "%s%s", ab.len ? "," :
				    "", alt[a].kind);
		}
		if (!covered)
			all_covered = 0;
	}
	r->need.covered = r->need.required && r->need.present == 0 &&
	    all_covered;
}

/* The rules with alternatives among the case's grounds. */
static int
alt_rules(struct mr_store *st, const char *reasons, struct alt_rule *alt,
    size_t *nalt, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	*nalt = 0;
	if (mr_store_prepare(st, "SELECT reason, kind, one_of FROM "
	    "evidence_requirement WHERE one_of IS NOT NULL AND instr(',' || ?1 "
	    "|| ',', ',' || reason || ',') > 0 ORDER BY reason, kind", &stmt,
	    err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, reasons, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW && *nalt < MAX_ALT_RULES) {
		snprintf(alt[*nalt].reason, sizeof alt[0].reason, "%s",
		    mr_store_col_text(stmt, 0));
		snprintf(alt[*nalt].kind, sizeof alt[0].kind, "%s",
		    mr_store_col_text(stmt, 1));
		snprintf(alt[*nalt].one_of, sizeof alt[0].one_of, "%s",
		    mr_store_col_text(stmt, 2));
		(*nalt)++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the evidence checklist");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_checklist_each(struct mr_store *st, int64_t case_id,
    int (*fn)(const struct mr_checklist_need *, void *), void *arg,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct need_row *rows = NULL;
	struct alt_rule alt[MAX_ALT_RULES];
	char reasons[256];
	const char *t;
	size_t nkinds = 0, n = 0, nalt;
	int rc = -1;

	if (case_reasons(st, case_id, reasons, sizeof reasons, err) == -1)
		return -1;
	if (alt_rules(st, reasons, alt, &nalt, err) == -1)
		return -1;
	for (const char *const *kind = mr_evidence_kinds(); *kind; kind++)
		nkinds++;
	if ((rows = calloc(nkinds, sizeof *rows)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	if (mr_store_prepare(st,
	    "SELECT (SELECT group_concat(reason, ',') FROM (SELECT reason FROM "
	    "  evidence_requirement WHERE kind = ?1 AND instr(',' || ?2 || ',', "
	    "  ',' || reason || ',') > 0 ORDER BY reason)), "
	    " (SELECT coalesce(min(verified), 1) FROM evidence_requirement "
	    "  WHERE kind = ?1 AND instr(',' || ?2 || ',', ',' || reason || ',') > 0), "
	    " (SELECT group_concat(source, '; ') FROM (SELECT DISTINCT source FROM "
	    "  evidence_requirement WHERE kind = ?1 AND instr(',' || ?2 || ',', "
	    "  ',' || reason || ',') > 0)), "
	    " (SELECT count(*) FROM evidence WHERE subject = 'case' AND "
	    "  subject_id = ?3 AND kind = ?1 AND detached_at IS NULL) + "
	    /* The explanation CMS's form asks for may be the case's own. */
	    " (SELECT count(*) FROM review_case WHERE id = ?3 AND ?1 = "
	    "  'explanation' AND length(trim(coalesce(explanation, ''))) > 0), "
	    " (SELECT coalesce(max(advice), 0) FROM evidence_requirement "
	    "  WHERE kind = ?1 AND instr(',' || ?2 || ',', ',' || reason || ',') > 0)",
	    &stmt, err) == -1)
		goto out;
	for (const char *const *kind = mr_evidence_kinds(); *kind; kind++) {
		struct need_row *r = &rows[n++];

		sqlite3_reset(stmt);
		sqlite3_bind_text(stmt, 1, *kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, reasons, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 3, case_id);
		if (sqlite3_step(stmt) != SQLITE_ROW) {
			mr_store_dberr(st, err, "reading the evidence checklist");
			goto out;
		}
		t = (const char *)sqlite3_column_text(stmt, 0);
		r->need.kind = *kind;
		r->need.required = t != NULL;
		r->needed_by = strdup(t ? t : "");
		r->need.verified = sqlite3_column_int(stmt, 1);
		t = (const char *)sqlite3_column_text(stmt, 2);
		r->source = strdup(t ? t : "");
		r->need.present = sqlite3_column_int(stmt, 3);
		r->need.advice = sqlite3_column_int(stmt, 4);
		if (r->needed_by == NULL || r->source == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		r->need.needed_by = r->needed_by;
		r->need.source = r->source;
		r->need.alternatives = r->alternatives;
	}
	for (size_t i = 0; i < n; i++)
		if (rows[i].need.required)
			weigh_alternatives(rows, n, &rows[i], alt, nalt);
	for (size_t i = 0; i < n; i++)
		if ((rows[i].need.required || rows[i].need.present) &&
		    fn(&rows[i].need, arg) != 0)
			break;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	for (size_t i = 0; i < n; i++) {
		free(rows[i].needed_by);
		free(rows[i].source);
	}
	free(rows);
	return rc;
}

struct missing_acc {
	struct mr_buf	 buf;
	int		 n;
	/* The caller's own look at each kind, or NULL. */
	int		(*fn)(const struct mr_checklist_need *, void *);
	void		*arg;
};

static int
missing_add(const struct mr_checklist_need *need, void *arg)
{
	struct missing_acc *m = arg;
	char alt[256], *tok, *save = NULL;

	if (m->fn != NULL && m->fn(need, m->arg) != 0)
		return -1;
	if (!MR_CHECKLIST_MISSING(need))
		return 0;
	/* Alternatives are one item: "hardship-approval or fema-county". */
	snprintf(alt, sizeof alt, "%s", need->alternatives);
	for (tok = strtok_r(alt, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save))
		if (strstr(mr_buf_str(&m->buf), tok) != NULL)
			return 0;
	(void)mr_buf_printf(&m->buf, "%s%s", m->n++ ? ", " : "", need->kind);
	snprintf(alt, sizeof alt, "%s", need->alternatives);
	save = NULL;
	for (tok = strtok_r(alt, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save))
		(void)mr_buf_printf(&m->buf, " or %s", tok);
	return 0;
}

int
mr_checklist_missing(struct mr_store *st, int64_t case_id, char *buf,
    size_t len, int *nmissing, struct mr_err *err)
{
	return mr_checklist_each_missing(st, case_id, NULL, NULL, buf, len,
	    nmissing, err);
}

int
mr_checklist_each_missing(struct mr_store *st, int64_t case_id,
    int (*fn)(const struct mr_checklist_need *, void *), void *arg,
    char *buf, size_t len, int *nmissing, struct mr_err *err)
{
	struct missing_acc m = { .n = 0, .fn = fn, .arg = arg };

	mr_buf_init_fixed(&m.buf, buf, len);
	if (mr_checklist_each(st, case_id, missing_add, &m, err) == -1)
		return -1;
	if (m.buf.failed)
		return mr_err_set(err, MR_EFAIL, "case %lld: the %d missing "
		    "evidence kinds do not fit in %zu bytes", (long long)case_id,
		    m.n, len);
	*nmissing = m.n;
	return 0;
}

int
mr_checklist_gate_ready(struct mr_store *st, int64_t case_id, int force,
    struct mr_err *err)
{
	char missing[256], *after = NULL;
	json_t *o;
	int n, rc;

	if (mr_checklist_missing(st, case_id, missing, sizeof missing, &n,
	    err) == -1)
		return -1;
	if (n == 0)
		return 0;
	if (!force)
		return mr_err_set(err, MR_ECONFLICT, "case %lld cannot become "
		    "ready: required evidence is missing: %s (attach it with "
		    "'mipsreview attach %lld FILE --kind KIND', or add --force)",
		    (long long)case_id, missing, (long long)case_id);
	o = json_pack("{s:s, s:s}", "status", "ready", "missing_evidence",
	    missing);
	after = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	if (after == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	rc = mr_audit_append(st, "case", case_id,
	    "ready --force despite missing evidence", NULL, after, err);
	free(after);
	return rc;
}

static int
need_json(const struct mr_checklist_need *need, void *arg)
{
	json_t *list = arg, *by = json_array(), *alts = json_array();
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof buf, "%s", need->needed_by);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(by, json_string(tok));
	save = NULL;
	snprintf(buf, sizeof buf, "%s", need->alternatives);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(alts, json_string(tok));
	/* verified says whether the requirement is a checked fact: null
	 * when nothing requires the kind.  alternatives: the kinds that
	 * meet the need as well; covered: one of them is attached instead. */
	json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:i, s:o, s:b, "
	    "s:o, s:o, s:o, s:o}", "kind", need->kind, "label",
	    mr_evidence_kind_label(need->kind), "required", need->required,
	    "present", need->present, "alternatives", alts, "covered",
	    need->covered, "advice", need->required ?
	    json_boolean(need->advice) : json_null(),
	    "verified", need->required ? json_boolean(need->verified) :
	    json_null(), "needed_by", by,
	    "source", need->required ? json_string(need->source) : json_null()));
	return 0;
}

json_t *
mr_checklist_json(struct mr_store *st, int64_t case_id,
    struct mr_err *err)
{
	json_t *list = json_array(), *missing = json_array(), *o = NULL, *v;
	size_t i;

	if (list == NULL || missing == NULL)
		goto oom;
	if (mr_checklist_each(st, case_id, need_json, list, err) == -1)
		goto fail;
	json_array_foreach(list, i, v)
		if (json_is_true(json_object_get(v, "required")) &&
		    json_integer_value(json_object_get(v, "present")) == 0 &&
		    !json_is_true(json_object_get(v, "covered")))
			json_array_append(missing, json_object_get(v, "kind"));
	o = json_pack("{s:b, s:O, s:O, s:s}", "complete",
	    json_array_size(missing) == 0, "missing", missing, "checklist", list,
	    "note", "items marked advice are guidance from medical societies "
	    "summarizing CMS's targeted review user guide, not a CMS rule: CMS "
	    "asks for documents case by case (42 CFR 414.1385(a)(3))");
	if (o == NULL)
		goto oom;
	json_decref(list);
	json_decref(missing);
	return o;
oom:
	mr_err_set(err, MR_EFAIL, "out of memory");
fail:
	json_decref(list);
	json_decref(missing);
	return NULL;
}
