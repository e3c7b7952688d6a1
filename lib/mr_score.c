#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "lib/mr_score.h"
#include "lib/mr_buf.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"

static const char *const category_names[MR_NCAT] = {
	"quality", "cost", "ia", "pi"
};

/* Where the formulas (not the figures) come from. */
#define SRC_1405	"42 CFR 414.1405(b) (law.lawstack.com copy)"
#define SRC_1380	"42 CFR 414.1380 (github.com/MichalOpoka/ecfr copy, amended through 88 FR 79535)"
#define SRC_NEUTRAL	"ASCO; aafp.org (fewer than two scored categories: final score = performance threshold)"

const char *
mr_category_name(int idx)
{
	return idx >= 0 && idx < MR_NCAT ? category_names[idx] : NULL;
}

int
mr_category_parse(const char *name, unsigned int *bit, struct mr_err *err)
{
	for (int i = 0; i < MR_NCAT; i++)
		if (strcmp(name, category_names[i]) == 0) {
			*bit = 1u << i;
			return 0;
		}
	return mr_err_set(err, MR_EINVAL, "category '%s' is not known; use "
	    "one of: %s", name, MR_CATEGORY_NAMES);
}

int
mr_category_list_parse(const char *field, const char *list, unsigned int *bits,
    struct mr_err *err)
{
	char buf[256], *tok, *save = NULL;
	unsigned int b, seen = 0;
	int n = 0;

	if (list == NULL || *list == '\0')
		return mr_err_set(err, MR_EINVAL, "%s: at least one category is "
		    "expected (%s, comma-separated)", field, MR_CATEGORY_NAMES);
	if (strlen(list) >= sizeof buf)
		return mr_err_set(err, MR_EINVAL, "%s: the list is too long; at "
		    "most four categories (%s)", field, MR_CATEGORY_NAMES);
	snprintf(buf, sizeof buf, "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		n++;
	if (n > MR_NCAT)
		return mr_err_set(err, MR_EINVAL, "%s '%s': %d categories given; "
		    "there are only four (%s), each at most once", field, list, n,
		    MR_CATEGORY_NAMES);
	snprintf(buf, sizeof buf, "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (mr_category_parse(tok, &b, NULL) == -1)
			return mr_err_set(err, MR_EINVAL, "%s '%s': category '%s' "
			    "is not known; use %s", field, list, tok,
			    MR_CATEGORY_NAMES);
		if (seen & b)
			return mr_err_set(err, MR_EINVAL, "%s '%s': %s is listed "
			    "twice; name each category once", field, list, tok);
		seen |= b;
	}
	if (seen == 0)
		return mr_err_set(err, MR_EINVAL, "%s: at least one category is "
		    "expected (%s, comma-separated)", field, MR_CATEGORY_NAMES);
	*bits = seen;
	return 0;
}

int
mr_category_format(unsigned int bits, char *buf, size_t len)
{
	struct mr_buf b;

	mr_buf_init_fixed(&b, buf, len);
	for (int i = 0; i < MR_NCAT; i++)
		if (bits & (1u << i))
			(void)mr_buf_printf(&b, "%s%s", b.len ? "," : "",
			    category_names[i]);
	return b.failed ? -1 : 0;
}

static int
popcount4(unsigned int bits)
{
	int n = 0;

	for (int i = 0; i < MR_NCAT; i++)
		n += (bits >> i) & 1;
	return n;
}

void
mr_score_note(struct mr_score_result *res, const char *rule, const char *source,
    int verified, int estimate, const char *fmt, ...)
{
	struct mr_score_rule *r;
	va_list ap;

	if (!verified)
		res->unverified = 1;
	if (res->nrules >= MR_SCORE_MAXRULES)
		return;
	r = &res->rules[res->nrules++];
	snprintf(r->rule, sizeof r->rule, "%s", rule);
	snprintf(r->source, sizeof r->source, "%s", source);
	r->verified = verified;
	r->estimate = estimate;
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof r->text, fmt, ap);
	va_end(ap);
}

void
mr_score_note_assumed(struct mr_score_result *res, int year, int from)
{
	struct mr_score_rule *r;
	struct mr_buf b;
	char note[80];
	size_t len, n;

	if (from == 0 || from == year || res->nrules == 0)
		return;
	if (from > res->assumed_from)
		res->assumed_from = from;
	r = &res->rules[res->nrules - 1];
	r->assumed_from = from;
	n = (size_t)snprintf(note, sizeof note, " (assumed: PY%d's figure, "
	    "PY%d's is not published)", from, year);
	len = strlen(r->text);
	mr_buf_init_fixed(&b, r->text + len, sizeof r->text - len);
	if (mr_buf_add(&b, note, n) == -1) {
		/* Cut the rule's text, not the assumption the reader must see. */
		mr_buf_init_fixed(&b, r->text + sizeof r->text - n - 4, n + 4);
		(void)mr_buf_printf(&b, "...%s", note);
	}
}

int
mr_score_ref_assumed(const struct mr_score_ref *ref)
{
	int from = 0;

	if (ref->program_from != ref->year)
		from = ref->program_from;
	if (ref->weights_from != ref->year && ref->weights_from > from)
		from = ref->weights_from;
	return from;
}

/* The year's program data, else the latest earlier year's (assumed). */
static int
load_program(struct mr_store *st, struct mr_score_ref *ref, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT performance_threshold, "
	    "exceptional_threshold, max_adjustment_pct, source, verified, "
	    "performance_year FROM program_year WHERE performance_year <= ? "
	    "ORDER BY performance_year DESC LIMIT 1", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int(stmt, 1, ref->year);
	if ((step = sqlite3_step(stmt)) == SQLITE_DONE) {
		mr_err_set(err, MR_ENOTFOUND, "performance year %d: there is no "
		    "MIPS program data (performance threshold, adjustment range) "
		    "for it or any earlier year", ref->year);
		goto out;
	}
	if (step != SQLITE_ROW) {
		mr_store_dberr(st, err, "reading program data");
		goto out;
	}
	ref->threshold = sqlite3_column_double(stmt, 0);
	ref->exceptional_threshold = sqlite3_column_type(stmt, 1) == SQLITE_NULL ?
	    NAN : sqlite3_column_double(stmt, 1);
	ref->max_negative = sqlite3_column_double(stmt, 2);
	snprintf(ref->program_source, sizeof ref->program_source, "%s",
	    mr_store_col_text(stmt, 3));
	ref->program_verified = sqlite3_column_int(stmt, 4);
	ref->program_from = sqlite3_column_int(stmt, 5);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static int
load_auto(struct mr_store *st, struct mr_score_ref *ref, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_buf src;
	unsigned int b;
	int rc = -1, step;

	mr_buf_init_fixed(&src, ref->auto_source, sizeof ref->auto_source);
	ref->auto_verified = 1;
	if (mr_store_prepare(st, "SELECT category, source, verified FROM "
	    "score_auto_reweight WHERE performance_year = ? ORDER BY category",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_int(stmt, 1, ref->year);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (mr_category_parse(mr_store_col_text(stmt, 0), &b, err) == -1)
			goto out;
		ref->auto_reweighted |= b;
		if (mr_buf_printf(&src, "%s%s", src.len ? "; " : "",
		    mr_store_col_text(stmt, 1)) == -1) {
			mr_err_set(err, MR_EINVAL, "automatic reweighting of "
			    "%d: the sources are longer than %zu bytes", ref->year,
			    sizeof ref->auto_source - 1);
			goto out;
		}
		if (!sqlite3_column_int(stmt, 2))
			ref->auto_verified = 0;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading automatic reweighting");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* The year's published maximum, else the latest earlier year's (an estimate). */
static int
load_scale(struct mr_store *st, struct mr_score_ref *ref, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT performance_year, max_positive_pct, "
	    "exceptional_pct, source, verified FROM payment_scale WHERE "
	    "performance_year <= ? ORDER BY performance_year DESC LIMIT 1",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_int(stmt, 1, ref->year);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		ref->scale_year = sqlite3_column_int(stmt, 0);
		ref->max_positive = sqlite3_column_double(stmt, 1);
		ref->exceptional_part = sqlite3_column_type(stmt, 2) ==
		    SQLITE_NULL ? NAN : sqlite3_column_double(stmt, 2);
		snprintf(ref->scale_source, sizeof ref->scale_source, "%s",
		    mr_store_col_text(stmt, 3));
		ref->scale_verified = sqlite3_column_int(stmt, 4);
	} else if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading payment scale");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Each bonus of the latest year up to ref's that has it. */
static int
load_bonus(struct mr_store *st, struct mr_score_ref *ref, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_score_bonus_ref *b;
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT bonus, performance_year, points, "
	    "applies_to, source, verified FROM score_bonus s WHERE "
	    "performance_year = (SELECT max(performance_year) FROM score_bonus "
	    "WHERE bonus = s.bonus AND performance_year <= ?1)", &stmt,
	    err) == -1)
		goto out;
	sqlite3_bind_int(stmt, 1, ref->year);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		b = strcmp(mr_store_col_text(stmt, 0), "complex-patient") == 0 ?
		    &ref->complex_patient : &ref->small_practice;
		b->from = sqlite3_column_int(stmt, 1);
		b->points = sqlite3_column_double(stmt, 2);
		b->in_quality = strcmp(mr_store_col_text(stmt, 3), "quality") == 0;
		snprintf(b->source, sizeof b->source, "%s",
		    mr_store_col_text(stmt, 4));
		b->verified = sqlite3_column_int(stmt, 5);
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the bonuses");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * The year's weights come from the latest year up to it that has them; the
 * redistribution rows from the latest year up to it that has any and the
 * same weights (a table restated for other weights would not fit).  Each
 * step is a search of the table's key, in its order: asked in one query,
 * with the years as common table expressions, SQLite built four temporary
 * b-trees for the hundred rows, a tenth of `show`'s time.
 */
static const char weights_year_sql[] =
	"SELECT performance_year, quality, cost, ia, pi FROM score_weight "
	"WHERE performance_year <= ?1 AND reweighted = '' AND practice = 'any' "
	"ORDER BY performance_year DESC LIMIT 1";
static const char redistribution_year_sql[] =
	"SELECT s.performance_year FROM score_weight s JOIN score_weight o ON "
	"o.performance_year = s.performance_year AND o.reweighted = '' AND "
	"o.practice = 'any' WHERE s.performance_year <= ?1 AND "
	"s.reweighted <> '' AND o.quality = ?2 AND o.cost = ?3 AND o.ia = ?4 "
	"AND o.pi = ?5 ORDER BY s.performance_year DESC LIMIT 1";
/* The rows of year ?1, those reweighting nothing (?2 = 1) or the others. */
static const char weights_rows_sql[] =
	"SELECT reweighted, practice, quality, cost, ia, pi, source, verified, "
	"performance_year FROM score_weight WHERE performance_year = ?1 AND "
	"(reweighted = '') = ?2 ORDER BY reweighted, practice";

/* The year stmt's first row names (0: none); -1 on error. */
static int
weights_year(struct mr_store *st, sqlite3_stmt *stmt, int *year,
    struct mr_err *err)
{
	int step = sqlite3_step(stmt);

	*year = step == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return mr_store_dberr(st, err, "reading category weights");
	return 0;
}

/* Add the rows of year that reweight nothing (base) or something. */
static int
weights_rows(struct mr_store *st, sqlite3_stmt *stmt, int year, int base,
    struct mr_score_ref *ref, struct mr_err *err)
{
	struct mr_score_weights *w;
	int step;

	sqlite3_reset(stmt);
	sqlite3_bind_int(stmt, 1, year);
	sqlite3_bind_int(stmt, 2, base);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (ref->nweights == (int)(sizeof ref->weights /
		    sizeof ref->weights[0]))
			return 0;
		w = &ref->weights[ref->nweights];
		memset(w, 0, sizeof *w);
		if (*mr_store_col_text(stmt, 0) != '\0' && mr_category_list_parse(
		    "score_weight.reweighted", mr_store_col_text(stmt, 0), &w->reweighted,
		    err) == -1)
			return -1;
		w->small = strcmp(mr_store_col_text(stmt, 1), "small") == 0;
		for (int i = 0; i < MR_NCAT; i++)
			w->w[i] = sqlite3_column_double(stmt, 2 + i);
		snprintf(w->source, sizeof w->source, "%s", mr_store_col_text(stmt, 6));
		w->verified = sqlite3_column_int(stmt, 7);
		w->from_year = sqlite3_column_int(stmt, 8);
		if (w->reweighted == 0 && !w->small)
			ref->weights_from = w->from_year;
		else if (w->reweighted != 0)
			ref->redistribution_from = w->from_year;
		ref->nweights++;
	}
	if (step != SQLITE_DONE)
		return mr_store_dberr(st, err, "reading category weights");
	return 0;
}

static int
load_weights(struct mr_store *st, struct mr_score_ref *ref, struct mr_err *err)
{
	sqlite3_stmt *wy = NULL, *ry = NULL, *rows = NULL;
	int rc = -1, wyear, ryear = 0;

	if (mr_store_prepare(st, weights_year_sql, &wy, err) == -1 ||
	    mr_store_prepare(st, redistribution_year_sql, &ry, err) == -1 ||
	    mr_store_prepare(st, weights_rows_sql, &rows, err) == -1)
		goto out;
	sqlite3_bind_int(wy, 1, ref->year);
	if (weights_year(st, wy, &wyear, err) == -1)
		goto out;
	if (wyear == 0) {
		mr_err_set(err, MR_ENOTFOUND, "performance year %d: there are no "
		    "category weights for it or any earlier year in the "
		    "reference data", ref->year);
		goto out;
	}
	/* The base weights, as stored, to find a table made for them. */
	sqlite3_bind_int(ry, 1, ref->year);
	for (int i = 0; i < MR_NCAT; i++)
		sqlite3_bind_value(ry, 2 + i, sqlite3_column_value(wy, 1 + i));
	if (weights_year(st, ry, &ryear, err) == -1 ||
	    weights_rows(st, rows, wyear, 1, ref, err) == -1 ||
	    (ryear != 0 && weights_rows(st, rows, ryear, 0, ref, err) == -1))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(wy);
	sqlite3_finalize(ry);
	sqlite3_finalize(rows);
	return rc;
}

int
mr_score_load(struct mr_store *st, int year, struct mr_score_ref *ref,
    struct mr_err *err)
{
	memset(ref, 0, sizeof *ref);
	ref->year = year;
	ref->exceptional_threshold = ref->max_positive = NAN;
	ref->exceptional_part = NAN;
	if (load_program(st, ref, err) == -1 || load_weights(st, ref, err) == -1 ||
	    load_auto(st, ref, err) == -1 || load_scale(st, ref, err) == -1 ||
	    load_bonus(st, ref, err) == -1)
		return -1;
	return 0;
}

static const struct mr_score_weights *
find_weights(const struct mr_score_ref *ref, unsigned int reweighted, int small)
{
	for (int i = 0; i < ref->nweights; i++)
		if (ref->weights[i].reweighted == reweighted &&
		    ref->weights[i].small == small)
			return &ref->weights[i];
	return NULL;
}

static void
format_weights(const double w[MR_NCAT], char *buf, size_t len)
{
	snprintf(buf, len, "quality %g %%, cost %g %%, ia %g %%, pi %g %%",
	    w[0], w[1], w[2], w[3]);
}

void
mr_score_result_init(struct mr_score_result *res, const double score[MR_NCAT])
{
	memset(res, 0, sizeof *res);
	res->final_score = res->adjustment = NAN;
	for (int i = 0; i < MR_NCAT; i++) {
		res->w[i] = NAN;
		res->score[i] = score ? score[i] : NAN;
	}
}

int
mr_score_final(const struct mr_score_ref *ref, const double score[MR_NCAT],
    unsigned int reweight, int practice, struct mr_score_result *res,
    struct mr_err *err)
{
	const struct mr_score_weights *base, *w, *any, *small;
	unsigned int counted = 0, r, scorable, ignored;
	char cats[32], wbuf[96], sum[256];
	struct mr_buf sb;
	double total = 0;

	mr_score_result_init(res, score);
	if ((base = find_weights(ref, 0, 0)) == NULL)
		return mr_err_set(err, MR_ENOTFOUND, "performance year %d: no "
		    "category weights in the reference data", ref->year);
	for (int i = 0; i < MR_NCAT; i++)
		if (base->w[i] > 0)
			counted |= 1u << i;
	format_weights(base->w, wbuf, sizeof wbuf);
	mr_score_note(res, "weights", base->source, base->verified, 0,
	    "PY%d category weights: %s", base->from_year, wbuf);
	mr_score_note_assumed(res, ref->year, base->from_year);
	if (ref->auto_reweighted & counted) {
		mr_category_format(ref->auto_reweighted & counted, cats, sizeof cats);
		mr_score_note(res, "automatic-reweighting", ref->auto_source,
		    ref->auto_verified, 0, "PY%d: CMS reweighted %s to 0 %% for "
		    "everyone", ref->year, cats);
	}
	/* A category the year weighs at 0 % has nothing to give away. */
	if ((ignored = reweight & ~counted) != 0) {
		mr_category_format(ignored, cats, sizeof cats);
		mr_score_note(res, "reweighting", base->source, base->verified, 0,
		    "%s already weighs 0 %% in PY%d; reweighting it changes "
		    "nothing", cats, ref->year);
	}
	/* From the 2024 payment year (PY2022) a small practice's PI is
	 * reweighted as a special status, no application needed; PI data
	 * it submits is still scored (42 CFR 414.1380(c)(2)(i)(C)(9) and
	 * the opening of (C)). */
	if (practice == MR_PRACTICE_SMALL && ref->year >= 2022 &&
	    (counted & MR_CAT_PI) && !(reweight & MR_CAT_PI)) {
		if (isnan(score[3])) {
			reweight |= MR_CAT_PI;
			mr_score_note(res, "small-practice-pi", SRC_1380 " "
			    "(c)(2)(i)(C)(9)", 1, 0, "small practice, no PI "
			    "data: from PY2022 CMS reweights Promoting "
			    "Interoperability to 0 %% automatically, without an "
			    "application");
		} else
			mr_score_note(res, "small-practice-pi", SRC_1380 " "
			    "(c)(2)(i)(C)", 1, 0, "small practice with a PI "
			    "score: PI data submitted is scored, so PI is not "
			    "reweighted");
	}
	r = (reweight | ref->auto_reweighted) & counted;
	res->reweighted = r;
	scorable = counted & ~r;
	if (popcount4(scorable) <= 1) {
		char what[64];

		mr_category_format(scorable, cats, sizeof cats);
		if (scorable)
			snprintf(what, sizeof what, "only %s can be scored", cats);
		else
			snprintf(what, sizeof what, "no category can be scored");
		res->neutral = 1;
		res->final_score = ref->threshold;
		mr_score_note(res, "fewer-than-two", SRC_NEUTRAL, 1, 0,
		    "%s: with fewer than two scorable categories the final "
		    "score is the performance threshold, %g (a neutral "
		    "adjustment)", what, ref->threshold);
		mr_score_note_assumed(res, ref->year, ref->program_from);
		return 0;
	}
	if (r == 0)
		w = base;
	else {
		mr_category_format(r, cats, sizeof cats);
		any = find_weights(ref, r, 0);
		small = find_weights(ref, r, 1);
		w = (practice == MR_PRACTICE_SMALL && small) ? small : any;
		if (w == NULL)
			return mr_err_set(err, MR_ENOTFOUND, "performance year "
			    "%d: the reference data has no published "
			    "redistribution for reweighting %s (42 CFR "
			    "414.1380(c)(2)), so the what-if cannot compute it; "
			    "it does not guess", ref->year, cats);
		format_weights(w->w, wbuf, sizeof wbuf);
		mr_score_note(res, "redistribution", w->source, w->verified, 0,
		    "%s reweighted to 0 %%%s: %s", cats, w->small ?
		    " (practice of 15 or fewer clinicians)" : "", wbuf);
		mr_score_note_assumed(res, ref->year, w->from_year);
		if (practice == MR_PRACTICE_UNKNOWN && small != NULL &&
		    small != w) {
			format_weights(small->w, wbuf, sizeof wbuf);
			mr_score_note(res, "small-practice", small->source,
			    small->verified, 0, "for a practice of 15 or fewer "
			    "clinicians the weights would be %s; the case does "
			    "not say its practice size (set practice=small or "
			    "large)", wbuf);
			mr_score_note_assumed(res, ref->year, small->from_year);
		}
	}
	mr_buf_init_fixed(&sb, sum, sizeof sum);
	for (int i = 0; i < MR_NCAT; i++) {
		res->w[i] = w->w[i];
		if (w->w[i] <= 0)
			continue;
		if (isnan(score[i]))
			return mr_err_set(err, MR_EINVAL, "%s has no score but "
			    "weighs %g %%: give --score %s=N (0 to 100), set it "
			    "on the case (mipsreview set CASE %s=N), or reweight "
			    "it", category_names[i], w->w[i], category_names[i],
			    category_names[i]);
		total += score[i] * w->w[i];
		(void)mr_buf_printf(&sb, "%s%s %g x %g %%", sb.len ? " + " : "",
		    category_names[i], score[i], w->w[i]);
	}
	if (sb.failed)		/* four terms of %g fit; kept as a guard */
		return mr_err_set(err, MR_EFAIL, "final score: the sum does "
		    "not fit in %zu bytes", sizeof sum);
	/* Final scores are in hundredths (mdinteractive.com PY2024 mapping: 74.99 is
	 * below, 75.00 at and 75.01 above the threshold); rounding also keeps
	 * binary error (74.99999999999999) from crossing the threshold. */
	res->final_score = round(total) / 100.0;
	if (res->final_score > 100)
		res->final_score = 100;
	mr_score_note(res, "final-score", "the weights above; 42 CFR "
	    "414.1380(c): final score capped at 100", 1, 0, "final score = %s "
	    "= %.2f", sum, res->final_score);
	return 0;
}

int
mr_score_final_bonus(const struct mr_score_ref *ref, const double score[MR_NCAT],
    unsigned int reweight, int practice, const struct mr_score_bonus *b,
    struct mr_score_result *res, struct mr_err *err)
{
	double sc[MR_NCAT], cpb = b ? b->complex_patient : NAN, max, q = NAN;
	int spb = b ? b->small_practice : 0, add5 = 0;

	memcpy(sc, score, sizeof sc);
	if (spb && practice != MR_PRACTICE_SMALL)
		return mr_err_set(err, MR_EINVAL, "small-practice-bonus: only "
		    "a practice of 15 or fewer clinicians earns it; record it on "
		    "the case (mipsreview set CASE special_statuses=small-practice)");
	if (spb && ref->small_practice.from == 0)
		return mr_err_set(err, MR_EINVAL, "small-practice-bonus: there "
		    "was none in PY%d; it began with PY2018", ref->year);
	if (!isnan(cpb)) {
		max = ref->complex_patient.from ? ref->complex_patient.points : 0;
		if (max == 0)
			return mr_err_set(err, MR_EINVAL, "complex-patient-bonus: "
			    "there was none in PY%d; it began with PY2018 "
			    "(42 CFR 414.1380(c)(3))", ref->year);
		if (cpb < 0 || cpb > max)
			return mr_err_set(err, MR_EINVAL, "complex-patient-bonus "
			    "'%g': in PY%d it runs from 0 to %g points (42 CFR "
			    "414.1380(c)(3))", cpb, ref->year, max);
	}
	if (spb && ref->small_practice.in_quality) {
		/* Measure bonus points join the quality numerator; without
		 * the case's own denominator, 6 measures x 10 points. */
		if (isnan(sc[0]))
			return mr_err_set(err, MR_EINVAL, "small-practice-bonus: "
			    "the bonus is quality points, and quality has no "
			    "score: give --score quality=N");
		q = sc[0];
		sc[0] += 100.0 * ref->small_practice.points /
		    MR_QUALITY_AVAILABLE_POINTS;
		if (sc[0] > 100)
			sc[0] = 100;
	} else if (spb)
		add5 = 1;
	if (mr_score_final(ref, sc, reweight, practice, res, err) == -1)
		return -1;
	if (!isnan(q)) {
		res->estimate = 1;
		mr_score_note(res, "small-practice-bonus",
		    ref->small_practice.source, ref->small_practice.verified, 1,
		    "estimate: a small practice that submits a quality measure "
		    "gets %g measure bonus points; over %d available points (6 "
		    "measures x 10; the case's own total is not known) quality "
		    "goes from %g to %g (at most 100)", ref->small_practice.points,
		    MR_QUALITY_AVAILABLE_POINTS, q, sc[0]);
		mr_score_note_assumed(res, ref->year, ref->small_practice.from);
	}
	if (res->neutral) {
		if (spb || !isnan(cpb))
			mr_score_note(res, "bonus", SRC_NEUTRAL, 1, 0, "the final "
			    "score is the performance threshold: no bonus is "
			    "added");
		return 0;
	}
	if (add5) {
		res->final_score = fmin(100, res->final_score +
		    ref->small_practice.points);
		mr_score_note(res, "small-practice-bonus",
		    ref->small_practice.source, ref->small_practice.verified, 0,
		    "PY%d small practice bonus: +%g points on the final score = "
		    "%.2f (at most 100)", ref->small_practice.from,
		    ref->small_practice.points, res->final_score);
		mr_score_note_assumed(res, ref->year, ref->small_practice.from);
	}
	if (!isnan(cpb)) {
		res->final_score = fmin(100, res->final_score + cpb);
		mr_score_note(res, "complex-patient-bonus",
		    ref->complex_patient.source, ref->complex_patient.verified,
		    0, "complex patient bonus: +%g points (PY%d: at most %g%s) "
		    "on the final score = %.2f (at most 100)", cpb,
		    ref->complex_patient.from, ref->complex_patient.points,
		    ref->year >= 2022 ?
		    ", only at or above the median HCC risk or dual-eligible "
		    "ratio" : "", res->final_score);
		mr_score_note_assumed(res, ref->year, ref->complex_patient.from);
	}
	return 0;
}

int
mr_score_adjustment(const struct mr_score_ref *ref, double s,
    struct mr_score_result *res, struct mr_err *err)
{
	double t = ref->threshold, q = t / 4.0, m = ref->max_negative;
	double base, exc, et = ref->exceptional_threshold, adj;
	char src[400];

	res->adjustment = NAN;
	if (isnan(s))
		return 0;
	if (s < 0 || s > 100)
		return mr_err_set(err, MR_EINVAL, "final score %g: scores run "
		    "from 0 to 100", s);
	snprintf(src, sizeof src, "%s; %s", ref->program_source, SRC_1405);
	mr_score_note(res, "threshold", src, ref->program_verified, 0,
	    "PY%d performance threshold %g, applicable percent %g %%; a final "
	    "score at or below a quarter of the threshold (%g) gets the full "
	    "-%g %%", ref->program_from, t, m, q, m);
	mr_score_note_assumed(res, ref->year, ref->program_from);
	if (s <= q) {
		res->adjustment = -m;
		mr_score_note(res, "negative-scale", SRC_1405, 1, 0,
		    "%.2f <= %g: the full -%g %%", s, q, m);
		return 0;
	}
	if (s < t) {
		/* The line runs from -m at a score of 0 (not at q) to 0 at the
		 * threshold; scores up to q are then held at -m (42 CFR
		 * 414.1405(b)), so just above q the penalty is 3/4 of m. */
		res->adjustment = -m * (t - s) / t;
		res->estimate = 1;
		mr_score_note(res, "negative-scale", SRC_1405, 1, 1,
		    "estimate: %.2f is below the threshold: linear from -%g %% "
		    "at 0 to 0 %% at %g: -%g x (%g - %.2f) / %g = %.2f %%; the "
		    "factors CMS publishes can lie a little above this line "
		    "(Healthmonix's PY2024 examples: 60 -> -1.73 %% where the "
		    "rule gives -1.80 %%, 50 -> -2.89 %% where it gives -3.00 "
		    "%%: 0.07 and 0.11 points), which the published rule does "
		    "not explain", s, m, t, m, t, s, t, res->adjustment);
		return 0;
	}
	if (s == t) {
		res->adjustment = 0;
		mr_score_note(res, "threshold", SRC_1405, 1, 0, "%.2f is the "
		    "threshold: 0 %% (neutral)", s);
		return 0;
	}
	if (ref->scale_year == 0) {
		mr_score_note(res, "positive-scale", SRC_1405, 1,
		    0, "no published maximum positive adjustment for PY%d or "
		    "before: above the threshold the adjustment is positive but "
		    "cannot be computed", ref->year);
		res->estimate = 1;
		return 0;
	}
	/* Above the threshold: straight to the published value at 100. */
	base = ref->max_positive;
	if (!isnan(et) && !isnan(ref->exceptional_part))
		base -= ref->exceptional_part;
	adj = base * (s - t) / (100.0 - t);
	if (ref->scale_year != ref->year) {
		res->estimate = 1;
		mr_score_note(res, "positive-scale", ref->scale_source,
		    ref->scale_verified, 1, "estimate: no published maximum "
		    "positive adjustment for PY%d; PY%d's +%g %% at 100 is used: "
		    "+%g x (%.2f - %g) / (100 - %g) = %+.2f %%", ref->year,
		    ref->scale_year, base, base, s, t, t, adj);
		mr_score_note_assumed(res, ref->year, ref->scale_year);
	} else if (!isnan(et) && isnan(ref->exceptional_part)) {
		res->estimate = 1;
		mr_score_note(res, "positive-scale", ref->scale_source,
		    ref->scale_verified, 1, "estimate: the published +%g %% at "
		    "100 includes the exceptional-performance bonus (a separate "
		    "pool for scores of %g or more) whose share the source "
		    "does not give; straight line from 0 %% at %g: +%g x (%.2f - "
		    "%g) / (100 - %g) = %+.2f %%", base, et, t, base, s, t, t, adj);
	} else {
		mr_score_note(res, "positive-scale", ref->scale_source,
		    ref->scale_verified, 0, "%.2f is above the threshold: linear "
		    "from 0 %% at %g to the published +%g %% at 100 (implied "
		    "scaling factor %.3f of the %g %% applicable percent; 42 CFR "
		    "414.1405(b) caps it at 3.0): +%g x (%.2f - %g) / (100 - %g) "
		    "= %+.2f %%", s, t, base, base / m, m, base, s, t, t, adj);
	}
	if (!isnan(et) && !isnan(ref->exceptional_part) && s >= et) {
		exc = ref->exceptional_part * (s - et) / (100.0 - et);
		adj += exc;
		res->estimate = 1;
		mr_score_note(res, "exceptional-bonus", ref->scale_source,
		    ref->scale_verified, 1, "estimate: %.2f reaches the "
		    "exceptional-performance threshold %g; the bonus (up to +%g "
		    "%%) is taken as a straight line from 0 %% at %g, its own "
		    "scale not being published: %+.2f %%", s, et,
		    ref->exceptional_part, et, exc);
	}
	res->adjustment = adj;
	return 0;
}
