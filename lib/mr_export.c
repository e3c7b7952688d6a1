/*
 * mr_export: the cases as a file for re-import — CSV with a header row, or
 * JSON Lines — in the columns mr_import reads (lib/mr_import.h).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>
#include <sqlite3.h>

#include "lib/mr_case.h"
#include "lib/mr_export.h"
#include "lib/mr_ident.h"
#include "lib/mr_import.h"
#include "lib/mr_store.h"

struct exp {
	struct mr_store		*st;
	enum mr_import_format	 fmt;
	FILE			*fp;
	sqlite3_stmt		*note;
	struct mr_err		*err;
	long			 n;
	int			 failed;
};

/* One CSV field: quoted (by libcsv) only when it has to be. */
static void
csv_put(FILE *fp, const char *s, int last)
{
	size_t len = strlen(s);

	if (strpbrk(s, ",\"\r\n") != NULL || (len > 0 && (s[0] == ' ' ||
	    s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t')))
		csv_fwrite(fp, s, len);
	else
		fwrite(s, 1, len, fp);
	putc(last ? '\n' : ',', fp);
}

static int
export_one(const struct mr_case *c, void *arg)
{
	struct exp *e = arg;
	char num[6][40], reasons[128], id[24], year[8], specials[128];
	const char *note = NULL, *v[MR_NCOLS + 1];
	double nums[6] = { c->final_score, c->payment_adjustment,
	    c->quality_score, c->cost_score, c->ia_score, c->pi_score };
	int step;

	sqlite3_reset(e->note);
	sqlite3_bind_int64(e->note, 1, c->id);
	step = sqlite3_step(e->note);
	if (step == SQLITE_ROW)
		note = (const char *)sqlite3_column_text(e->note, 0);
	else if (step != SQLITE_DONE) {
		mr_store_dberr(e->st, e->err, "reading notes");
		e->failed = 1;
		return 1;
	}
	for (int i = 0; i < 6; i++) {
		if (isnan(nums[i]))
			num[i][0] = '\0';
		else
			mr_import_number_text(nums[i], num[i], sizeof num[i]);
	}
	mr_reasons_format(c->reasons, reasons, sizeof reasons);
	snprintf(id, sizeof id, "%lld", (long long)c->id);
	snprintf(year, sizeof year, "%d", c->performance_year);
	v[0] = id;
	v[1 + MR_COL_TIN] = c->tin;
	v[1 + MR_COL_NPI] = c->npi;
	v[1 + MR_COL_NAME] = c->name;
	v[1 + MR_COL_YEAR] = year;
	v[1 + MR_COL_REASON] = reasons;
	v[1 + MR_COL_SCORE] = num[0];
	v[1 + MR_COL_ADJ] = num[1];
	v[1 + MR_COL_PRACTICE] = c->practice;
	v[1 + MR_COL_PART] = c->participation;
	v[1 + MR_COL_OWNER] = c->owner ? c->owner : "";
	v[1 + MR_COL_NOTE] = note ? note : "";
	v[1 + MR_COL_QUALITY] = num[2];
	v[1 + MR_COL_COST] = num[3];
	v[1 + MR_COL_IA] = num[4];
	v[1 + MR_COL_PI] = num[5];
	v[1 + MR_COL_STATUS] = c->status;
	mr_special_statuses_format(c->special_statuses, specials,
	    sizeof specials);
	v[1 + MR_COL_SPECIAL] = specials;
	v[1 + MR_COL_LEGAL_NAME] = c->legal_name ? c->legal_name : "";
	v[1 + MR_COL_APM_ENTITY] = c->apm_entity_id ? c->apm_entity_id : "";
	v[1 + MR_COL_VIRTUAL_GROUP] = c->virtual_group_id ?
	    c->virtual_group_id : "";
	v[1 + MR_COL_REQUESTER_ROLE] = c->requester_role;
	v[1 + MR_COL_REQUEST_NUMBER] = c->request_number ?
	    c->request_number : "";
	v[1 + MR_COL_EXPLANATION] = c->explanation ? c->explanation : "";
	v[1 + MR_COL_COUNTY] = c->county;
	v[1 + MR_COL_ZIP] = c->zip;
	if (e->fmt == MR_FORMAT_CSV) {
		/* Lists are "a;b" in a file: a comma would need quoting. */
		for (char *p = reasons; (p = strchr(p, ',')) != NULL; )
			*p = ';';
		for (char *p = specials; (p = strchr(p, ',')) != NULL; )
			*p = ';';
		for (int i = 0; i <= MR_NCOLS; i++)
			csv_put(e->fp, v[i], i == MR_NCOLS);
	} else {
		json_t *o = json_object(), *r = json_array(), *sp;
		char *tok, *save = NULL;

		json_object_set_new(o, "id", json_integer(c->id));
		for (int i = 0; i < MR_NCOLS; i++) {
			const char *v1 = v[1 + i];
			json_t *val;

			if (i == MR_COL_YEAR)
				val = json_integer(c->performance_year);
			else if (i == MR_COL_REASON) {
				for (tok = strtok_r(reasons, ",", &save); tok;
				    tok = strtok_r(NULL, ",", &save))
					json_array_append_new(r, json_string(tok));
				val = r;
			} else if (i == MR_COL_SPECIAL) {
				if ((sp = json_array()) != NULL)
					for (tok = strtok_r(specials, ",", &save);
					    tok; tok = strtok_r(NULL, ",", &save))
						json_array_append_new(sp,
						    json_string(tok));
				val = sp;
			} else if (*v1 == '\0')
				val = json_null();
			else if (i == MR_COL_SCORE || i == MR_COL_ADJ || i == MR_COL_QUALITY ||
			    i == MR_COL_COST || i == MR_COL_IA || i == MR_COL_PI)
				val = json_real(strtod(v1, NULL));
			else
				val = json_string(v1);
			json_object_set_new(o, mr_import_columns[i], val);
		}
		if (json_dumpf(o, e->fp, JSON_COMPACT | JSON_PRESERVE_ORDER |
		    JSON_REAL_PRECISION(15)) == 0)
			putc('\n', e->fp);
		json_decref(o);
	}
	e->n++;
	if (ferror(e->fp)) {
		mr_err_set(e->err, MR_EFAIL, "writing the export: %s",
		    strerror(errno));
		e->failed = 1;
		return 1;
	}
	return 0;
}

int
mr_export_write(struct mr_store *st, const struct mr_case_filter *f,
    enum mr_import_format fmt, FILE *fp, long *n, struct mr_err *err)
{
	struct exp e = { .st = st, .fmt = fmt, .fp = fp, .err = err };
	int rc = -1;

	*n = 0;
	if (mr_store_prepare(st, "SELECT body FROM case_note WHERE case_id = ? "
	    "ORDER BY id LIMIT 1", &e.note, err) == -1)
		goto out;
	if (fmt == MR_FORMAT_CSV) {
		fputs("id", fp);
		for (int i = 0; i < MR_NCOLS; i++)
			fprintf(fp, ",%s", mr_import_columns[i]);
		putc('\n', fp);
	}
	if (mr_case_list(st, f, export_one, &e, err) == -1 || e.failed)
		goto out;
	*n = e.n;
	rc = 0;
out:
	sqlite3_finalize(e.note);
	return rc;
}
