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

int
mr_checklist_each(struct mr_store *st, int64_t case_id,
    int (*fn)(const struct mr_checklist_need *, void *), void *arg,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_checklist_need need;
	char reasons[256];
	const char *t;
	int rc = -1;

	if (case_reasons(st, case_id, reasons, sizeof reasons, err) == -1)
		return -1;
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
		sqlite3_reset(stmt);
		sqlite3_bind_text(stmt, 1, *kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, reasons, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 3, case_id);
		if (sqlite3_step(stmt) != SQLITE_ROW) {
			mr_store_dberr(st, err, "reading the evidence checklist");
			goto out;
		}
		t = (const char *)sqlite3_column_text(stmt, 0);
		need.kind = *kind;
		need.needed_by = t ? t : "";
		need.required = t != NULL;
		need.verified = sqlite3_column_int(stmt, 1);
		t = (const char *)sqlite3_column_text(stmt, 2);
		need.source = t ? t : "";
		need.present = sqlite3_column_int(stmt, 3);
		need.advice = sqlite3_column_int(stmt, 4);
		if ((need.required || need.present) && fn(&need, arg) != 0)
			break;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

struct missing_acc {
	char	*buf;
	size_t	 len;
	size_t	 off;
	int	 n;
};

static int
missing_add(const struct mr_checklist_need *need, void *arg)
{
	struct missing_acc *m = arg;

	if (!need->required || need->present > 0)
		return 0;
	m->off += snprintf(m->buf + m->off, m->off < m->len ? m->len - m->off :
	    0, "%s%s", m->n++ ? ", " : "", need->kind);
	return 0;
}

int
mr_checklist_missing(struct mr_store *st, int64_t case_id, char *buf,
    size_t len, int *nmissing, struct mr_err *err)
{
	struct missing_acc m = { buf, len, 0, 0 };

	buf[0] = '\0';
	if (mr_checklist_each(st, case_id, missing_add, &m, err) == -1)
		return -1;
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
	json_t *list = arg, *by = json_array();
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof buf, "%s", need->needed_by);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(by, json_string(tok));
	/* verified says whether the requirement is a checked fact: null
	 * when nothing requires the kind. */
	json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:i, s:o, s:o, "
	    "s:o, s:o}", "kind", need->kind, "label",
	    mr_evidence_kind_label(need->kind), "required", need->required,
	    "present", need->present, "advice", need->required ?
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
		    json_integer_value(json_object_get(v, "present")) == 0)
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
