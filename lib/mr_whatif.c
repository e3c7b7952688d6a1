/* mr_whatif: a case's score beside a what-if (see lib/mr_whatif.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_buf.h"
#include "lib/mr_eligibility.h"
#include "lib/mr_grounds.h"
#include "lib/mr_hardship.h"
#include "lib/mr_whatif.h"

#define SRC_DOLLARS	"TELCOR (the adjustment applies to the Medicare paid amount)"

void
mr_whatif_input_init(struct mr_whatif_input *in)
{
	memset(in, 0, sizeof *in);
	for (int i = 0; i < MR_NCAT; i++)
		in->score[i] = NAN;
	in->allowed_charges = NAN;
	in->bonus.complex_patient = NAN;
}

/* A finite number, the whole of s; -1 otherwise. */
static int
parse_number(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return end == s || *end != '\0' || errno != 0 || !isfinite(*out) ?
	    -1 : 0;
}

int
mr_whatif_parse_scores(struct mr_whatif_input *in, const char *arg,
    struct mr_err *err)
{
	char buf[256], *tok, *save = NULL, *eq;
	unsigned int bit;
	double v;
	int idx;

	if (strlen(arg) >= sizeof buf)
		return mr_err_set(err, MR_EINVAL, "score '%.40s...': too long",
		    arg);
	snprintf(buf, sizeof buf, "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(tok, '=')) == NULL)
			return mr_err_set(err, MR_EINVAL, "score '%s': CAT=VALUE "
			    "is expected, e.g. --score quality=80", tok);
		*eq = '\0';
		if (mr_category_parse(tok, &bit, err) == -1)
			return -1;
		if (in->scored & bit)
			return mr_err_set(err, MR_EINVAL, "score: %s is given "
			    "twice; give each category once", tok);
		if (parse_number(eq + 1, &v) == -1 || v < 0 || v > 100)
			return mr_err_set(err, MR_EINVAL, "score '%s=%s': a "
			    "category score from 0 to 100 is expected", tok, eq + 1);
		for (idx = 0; (1u << idx) != bit; idx++)
			;
		in->score[idx] = v;
		in->scored |= bit;
	}
	return 0;
}

int
mr_whatif_parse_reweight(struct mr_whatif_input *in, const char *list,
    struct mr_err *err)
{
	unsigned int bits;

	if (mr_category_list_parse("reweight", list, &bits, err) == -1)
		return -1;
	if (in->reweight & bits)
		return mr_err_set(err, MR_EINVAL, "reweight '%s': a category is "
		    "listed twice", list);
	in->reweight |= bits;
	return 0;
}

int
mr_whatif_parse_charges(struct mr_whatif_input *in, const char *s,
    struct mr_err *err)
{
	double v;

	if (parse_number(s, &v) == -1)
		return mr_err_set(err, MR_EINVAL, "allowed-charges '%s': a dollar "
		    "amount like 120000 or 120000.50 is expected", s);
	if (v < 0)
		return mr_err_set(err, MR_EINVAL, "allowed-charges '%s': the "
		    "Medicare Part B allowed charges cannot be negative", s);
	/* Also keeps the dollar figures within what a text table groups. */
	if (v > 1e12)
		return mr_err_set(err, MR_EINVAL, "allowed-charges '%s': more "
		    "than all of Medicare Part B in a year; give one TIN's "
		    "allowed charges in dollars", s);
	in->allowed_charges = v;
	return 0;
}

int
mr_whatif_parse_complex_bonus(struct mr_whatif_input *in, const char *s,
    struct mr_err *err)
{
	double v;

	if (parse_number(s, &v) == -1)
		return mr_err_set(err, MR_EINVAL, "complex-patient-bonus '%s': "
		    "a number of points is expected, e.g. 3.5", s);
	in->bonus.complex_patient = v;
	return 0;
}

static int
practice_size(const struct mr_case *c)
{
	/* A "small practice" has 15 or fewer clinicians (42 CFR 414.1305);
	 * CMS's special status says so, as may the practice kind. */
	if ((c->special_statuses & MR_SPECIAL_SMALL_PRACTICE) ||
	    strcmp(c->practice, "small") == 0 || strcmp(c->practice, "solo") == 0)
		return MR_PRACTICE_SMALL;
	if (strcmp(c->practice, "large") == 0)
		return MR_PRACTICE_OTHER;
	return MR_PRACTICE_UNKNOWN;
}

/* The case as CMS reported it, else as computed from its category scores. */
static void
current_side(const struct mr_score_ref *ref, const struct mr_case *c,
    const double score[MR_NCAT], int practice, struct mr_score_result *res)
{
	struct mr_err err = { 0 };

	if (!isnan(c->final_score)) {
		mr_score_result_init(res, score);
		res->final_score = c->final_score;
		res->final_reported = 1;
		mr_score_note(res, "reported", "the case (mipsreview show)", 1, 0,
		    "current final score %.2f as CMS reported it", c->final_score);
	} else if (mr_score_final(ref, score, 0, practice, res, &err) == -1) {
		mr_score_result_init(res, score);
		mr_score_note(res, "current", "the case (mipsreview show)", 1, 0,
		    "current final score not known: the case has no final score "
		    "and %s", err.msg);
	}
	if (!isnan(c->payment_adjustment)) {
		res->adjustment = c->payment_adjustment;
		res->adjustment_reported = 1;
		mr_score_note(res, "reported", "the case (mipsreview show)", 1, 0,
		    "current payment adjustment %+.2f %% as CMS reported it",
		    c->payment_adjustment);
	} else
		(void)mr_score_adjustment(ref, res->final_score, res, &err);
}

/* The rules of both sides, each once, marked with the side(s) it served. */
static void
merge_rules(struct mr_whatif *w)
{
	const struct mr_score_result *cur = &w->current, *wi = &w->whatif;
	int n = 0, found, max = (int)(sizeof w->rules / sizeof w->rules[0]);
	struct mr_whatif_rule *out = w->rules;

	for (int i = 0; i < cur->nrules && n < max; i++)
		out[n++] = (struct mr_whatif_rule){ &cur->rules[i], "current" };
	for (int i = 0; i < wi->nrules && n < max; i++) {
		found = 0;
		for (int j = 0; j < n; j++)
			if (strcmp(out[j].applies_to, "current") == 0 &&
			    strcmp(out[j].rule->text, wi->rules[i].text) == 0) {
				out[j].applies_to = "both";
				found = 1;
				break;
			}
		if (!found)
			out[n++] = (struct mr_whatif_rule){ &wi->rules[i], "what-if" };
	}
	for (int i = 0; i < w->nextra && n < max; i++)
		out[n++] = (struct mr_whatif_rule){ &w->extra[i],
		    strcmp(w->extra[i].rule, "data-override") == 0 ? "what-if" :
		    "both" };
	w->nrules = n;
}

/*
 * The categories the kept eligibility record from CMS makes due for
 * reweighting (the grounds it supports or possibly supports), added to
 * *reweight, and a rule saying so.
 */
static int
from_lookup_store(struct mr_store *st, const struct mr_case *c,
    unsigned int *reweight, struct mr_score_rule *rule, struct mr_err *err)
{
	struct mr_ground g[MR_GROUNDS_MAX];
	struct mr_elig_kept k;
	struct mr_elig_record rec;
	struct mr_buf fb;
	unsigned int bits = 0;
	char cats[48], fields[160];
	int n = 0, rc = -1;

	if (c->npi[0] == '\0')
		return mr_err_set(err, MR_EINVAL, "case %lld is about a group (no "
		    "NPI): CMS's eligibility records are per clinician",
		    (long long)c->id);
	if (mr_elig_load(st, c->npi, c->performance_year, &k, err) == -1) {
		if (err->code == MR_ENOTFOUND)
			mr_err_set(err, MR_ENOTFOUND, "no eligibility record of NPI "
			    "%s for %d is kept; run 'mipsreview lookup %lld' first",
			    c->npi, c->performance_year, (long long)c->id);
		return -1;
	}
	if (mr_elig_parse(k.body, k.len, c->npi, &rec, err) == -1)
		goto out;
	if (mr_grounds_find(c, &rec, g, MR_GROUNDS_MAX, &n, err) == -1) {
		mr_elig_release(&rec);
		goto out;
	}
	mr_elig_release(&rec);
	/* The record's few field names fit; one that did not is left out. */
	mr_buf_init_fixed(&fb, fields, sizeof fields);
	for (int i = 0; i < n; i++)
		if ((g[i].finding == MR_GROUND_SUPPORTS || g[i].finding ==
		    MR_GROUND_POSSIBLE) && (g[i].reweight & ~bits)) {
			bits |= g[i].reweight;
			(void)mr_buf_printf(&fb, "%s%s", fb.len ? ", " : "",
			    g[i].field);
		}
	*reweight |= bits;
	(void)mr_category_format(bits, cats, sizeof cats);
	snprintf(rule->rule, sizeof rule->rule, "from-lookup");
	snprintf(rule->text, sizeof rule->text, bits ? "CMS's eligibility "
	    "record reweights %s (%s)" : "CMS's eligibility record implies no "
	    "reweighting%s", bits ? cats : "", fields);
	snprintf(rule->source, sizeof rule->source, "CMS QPP Eligibility API "
	    "record of NPI %s, retrieved %s", c->npi, k.retrieved_at);
	rule->verified = 1;
	rc = 0;
out:
	mr_elig_kept_release(&k);
	return rc;
}

/* What the score tables cannot know about this case. */
static void
case_rules(struct mr_store *st, struct mr_whatif *w, unsigned int reweight)
{
	struct mr_score_rule *x;
	struct mr_hardship h;
	struct mr_err ignored = { 0 };

	if (strcmp(w->c.participation, "apm-entity") == 0 &&
	    w->nextra < MR_WHATIF_EXTRA) {
		x = &w->extra[w->nextra++];
		snprintf(x->rule, sizeof x->rule, "apm-entity");
		snprintf(x->text, sizeof x->text, "the case is an APM Entity: the "
		    "weights used are those published for traditional MIPS, so "
		    "APM Entity scoring may differ");
		snprintf(x->source, sizeof x->source, "CMS 2024 EUC Application "
		    "Guide; ASCO Mar 22 2024 (APM Entities: reweighting and "
		    "data-override rules differ)");
		x->verified = 1;
		x->estimate = 1;
		w->whatif.estimate = 1;
	}
	if (w->c.filing_id != 0 && mr_hardship_get(st, w->c.filing_id, &h,
	    &ignored) == 0) {
		unsigned int clash = h.submitted & reweight;

		if (clash && strcmp(h.participation, "apm-entity") != 0 &&
		    w->nextra < MR_WHATIF_EXTRA) {
			char cats[32];

			(void)mr_category_format(clash, cats, sizeof cats);
			x = &w->extra[w->nextra++];
			snprintf(x->rule, sizeof x->rule, "data-override");
			snprintf(x->text, sizeof x->text, "filing %lld records "
			    "submitted data for %s: CMS will still score it "
			    "(submitted data overrides reweighting for "
			    "individuals, groups and virtual groups)",
			    (long long)h.id, cats);
			snprintf(x->source, sizeof x->source, "CMS Change "
			    "Healthcare notice (intellicure.com); ASCO");
			x->verified = 1;
		}
		mr_hardship_release(&h);
	}
	if (!isnan(w->allowed_charges) && w->nextra < MR_WHATIF_EXTRA) {
		x = &w->extra[w->nextra++];
		snprintf(x->rule, sizeof x->rule, "dollars");
		snprintf(x->text, sizeof x->text, "estimate: dollars = allowed "
		    "charges x adjustment; CMS applies the adjustment claim by "
		    "claim to the Medicare paid amount, not the allowed amount, "
		    "and the paid amount leaves out the patient's cost-sharing, "
		    "so the real figure is smaller");
		snprintf(x->source, sizeof x->source, "%s", SRC_DOLLARS);
		x->verified = 1;
		x->estimate = 1;
	}
}

int
mr_whatif_compute(struct mr_store *st, int64_t id,
    const struct mr_whatif_input *in, struct mr_whatif **out,
    struct mr_err *err)
{
	struct mr_score_ref *ref = NULL;
	struct mr_whatif *w;
	unsigned int reweight = in->reweight;
	double score[MR_NCAT];
	int rc = -1, have_case = 0;

	*out = NULL;
	if ((w = calloc(1, sizeof *w)) == NULL ||
	    (ref = malloc(sizeof *ref)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	w->allowed_charges = in->allowed_charges;
	if (mr_case_get(st, id, &w->c, err) == -1)
		goto out;
	have_case = 1;
	if (in->from_lookup) {
		if (from_lookup_store(st, &w->c, &reweight, &w->extra[0],
		    err) == -1)
			goto out;
		w->nextra = 1;
	}
	if (mr_score_load(st, w->c.performance_year, ref, err) == -1)
		goto out;
	score[0] = w->c.quality_score;
	score[1] = w->c.cost_score;
	score[2] = w->c.ia_score;
	score[3] = w->c.pi_score;
	current_side(ref, &w->c, score, practice_size(&w->c), &w->current);
	for (int i = 0; i < MR_NCAT; i++)
		if (in->scored & (1u << i))
			score[i] = in->score[i];
	if (mr_score_final_bonus(ref, score, reweight, practice_size(&w->c),
	    &in->bonus, &w->whatif, err) == -1 ||
	    mr_score_adjustment(ref, w->whatif.final_score, &w->whatif, err) == -1)
		goto out;
	case_rules(st, w, reweight);
	merge_rules(w);
	*out = w;
	w = NULL;
	rc = 0;
out:
	if (w != NULL) {
		if (have_case)
			mr_case_release(&w->c);
		free(w);
	}
	free(ref);
	return rc;
}

void
mr_whatif_free(struct mr_whatif *w)
{
	if (w == NULL)
		return;
	mr_case_release(&w->c);
	free(w);
}
