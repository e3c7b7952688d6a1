/*
 * mipsreview whatif: a case's final score and payment adjustment as CMS
 * reported them (or as computed from its category scores) beside what they
 * would be with other categories reweighted or other category scores, each
 * rule applied listed with its source.  Reads only.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_case.h"
#include "lib/mr_eligibility.h"
#include "lib/mr_grounds.h"
#include "lib/mr_hardship.h"
#include "lib/mr_score.h"
#include "lib/mr_view.h"

#define SRC_DOLLARS	"TELCOR (the adjustment applies to the Medicare paid amount)"

/* Parse "cat=value[,cat=value...]" into score[], refusing a category twice. */
static int
parse_scores(const char *arg, double score[MR_NCAT], unsigned int *given,
    struct mr_err *err)
{
	char buf[256], *tok, *save = NULL, *eq, *end;
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
		if (*given & bit)
			return mr_err_set(err, MR_EINVAL, "score: %s is given "
			    "twice; give each category once", tok);
		errno = 0;
		v = strtod(eq + 1, &end);
		if (end == eq + 1 || *end != '\0' || errno != 0 || !isfinite(v) ||
		    v < 0 || v > 100)
			return mr_err_set(err, MR_EINVAL, "score '%s=%s': a "
			    "category score from 0 to 100 is expected", tok, eq + 1);
		for (idx = 0; (1u << idx) != bit; idx++)
			;
		score[idx] = v;
		*given |= bit;
	}
	return 0;
}

static int
parse_dollars(const char *s, double *out, struct mr_err *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v))
		return mr_err_set(err, MR_EINVAL, "allowed-charges '%s': a dollar "
		    "amount like 120000 or 120000.50 is expected", s);
	if (v < 0)
		return mr_err_set(err, MR_EINVAL, "allowed-charges '%s': the "
		    "Medicare Part B allowed charges cannot be negative", s);
	/* Also keeps the dollar figures within what dollar_text() groups. */
	if (v > 1e12)
		return mr_err_set(err, MR_EINVAL, "allowed-charges '%s': more "
		    "than all of Medicare Part B in a year; give one TIN's "
		    "allowed charges in dollars", s);
	*out = v;
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
static int
merge_rules(const struct mr_score_result *cur, const struct mr_score_result *wi,
    const struct mr_score_rule *extra, int nextra, struct mr_view_whatif_rule *out, int max)
{
	int n = 0, found;

	for (int i = 0; i < cur->nrules && n < max; i++)
		out[n++] = (struct mr_view_whatif_rule){ &cur->rules[i], "current" };
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
			out[n++] = (struct mr_view_whatif_rule){ &wi->rules[i], "what-if" };
	}
	for (int i = 0; i < nextra && n < max; i++)
		out[n++] = (struct mr_view_whatif_rule){ &extra[i],
		    strcmp(extra[i].rule, "data-override") == 0 ? "what-if" : "both" };
	return n;
}

static void
dollar_text(double v, char *buf, size_t len)
{
	char digits[48], grouped[72];
	size_t n, j = 0;

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(digits, sizeof digits, "%.2f", fabs(v));
	n = strchr(digits, '.') - digits;
	for (size_t i = 0; i < strlen(digits) && j + 2 < sizeof grouped; i++) {
		if (i > 0 && i < n && (n - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	snprintf(buf, len, "%s$%s", v < 0 ? "-" : (v > 0 ? "+" : ""), grouped);
}

static void
weights_text(const struct mr_score_result *r, char *buf, size_t len)
{
	if (isnan(r->w[0]))
		snprintf(buf, len, r->neutral ? "(threshold)" : "-");
	else
		snprintf(buf, len, "%g/%g/%g/%g", r->w[0], r->w[1], r->w[2],
		    r->w[3]);
}

static void
print_text(struct cli_ctx *ctx, const struct mr_case *c,
    const struct mr_score_result *cur, const struct mr_score_result *wi,
    double charges, const struct mr_view_whatif_rule *rules, int nrules)
{
	char a[128], b[128], d[128];

	printf("%sWhat-if for case %lld%s  %s  PY%d (payment year %d)\n\n",
	    cli_color(ctx, "\033[1m"), (long long)c->id, cli_color(ctx, "\033[0m"),
	    c->name, c->performance_year, c->performance_year + 2);
	if (cur->assumed_from || wi->assumed_from)
		printf("  assumed: PY%d's figures are not all published; the "
		    "latest published ones stand in (from PY%d), marked "
		    "[assumed] below\n\n", c->performance_year,
		    cur->assumed_from > wi->assumed_from ? cur->assumed_from :
		    wi->assumed_from);
	printf("  %-22s %-20s %s\n", "", "current", "what-if");
	mr_category_format(cur->reweighted, a, sizeof a);
	mr_category_format(wi->reweighted, b, sizeof b);
	printf("  %-22s %-20s %s\n", "reweighted", cur->final_reported ? "-" :
	    (*a ? a : "none"), *b ? b : "none");
	weights_text(cur, a, sizeof a);
	weights_text(wi, b, sizeof b);
	printf("  %-22s %-20s %s\n", "weights Q/C/IA/PI %", a, b);
	for (int i = 0; i < MR_NCAT; i++) {
		render_num(cur->score[i], 0, "", a, sizeof a);
		if (wi->reweighted & (1u << i))
			snprintf(b, sizeof b, "- (reweighted)");
		else
			render_num(wi->score[i], 0, "", b, sizeof b);
		printf("  %-22s %-20s %s\n", mr_category_name(i), a, b);
	}
	render_num(cur->final_score, 0, cur->final_reported ? " (reported)" : "",
	    a, sizeof a);
	render_num(wi->final_score, 0, wi->neutral ? " (threshold)" : "", b,
	    sizeof b);
	printf("  %-22s %-20s %s\n", "final score", a, b);
	render_num(cur->adjustment, 1, cur->adjustment_reported ? "% (reported)" :
	    (cur->estimate ? "% (estimate)" : "%"), a, sizeof a);
	render_num(wi->adjustment, 1, wi->estimate ? "% (estimate)" : "%", b,
	    sizeof b);
	printf("  %-22s %-20s %s\n", "payment adjustment", a, b);
	if (!isnan(charges)) {
		dollar_text(charges, d, sizeof d);
		printf("  %-22s ", d[0] == '+' ? d + 1 : d);
		dollar_text(isnan(cur->adjustment) ? NAN :
		    charges * cur->adjustment / 100.0, a, sizeof a);
		dollar_text(isnan(wi->adjustment) ? NAN :
		    charges * wi->adjustment / 100.0, b, sizeof b);
		printf("%-20s %s (estimate)\n", a, b);
	}
	printf("\n  difference: ");
	if (isnan(cur->final_score) || isnan(wi->final_score))
		printf("final score not comparable");
	else
		printf("%+.2f points", wi->final_score - cur->final_score);
	if (!isnan(cur->adjustment) && !isnan(wi->adjustment)) {
		printf(", %+.2f percentage points", wi->adjustment - cur->adjustment);
		if (!isnan(charges)) {
			dollar_text(charges * (wi->adjustment - cur->adjustment) /
			    100.0, d, sizeof d);
			printf(", %s a year (estimate)", d);
		}
	}
	printf("\n\nHow this was computed\n");
	for (int i = 0; i < nrules; i++)
		printf("  %2d. [%s] %s%s%s%s\n      source: %s\n", i + 1,
		    rules[i].applies_to, rules[i].rule->text,
		    rules[i].rule->assumed_from ? " [assumed]" : "",
		    rules[i].rule->verified ? "" : " [unverified]",
		    rules[i].rule->estimate && !strstr(rules[i].rule->text,
		    "estimate") ? " [estimate]" : "", rules[i].rule->source);
}

/*
 * --from-lookup: the categories the kept eligibility record from CMS makes
 * due for reweighting (the grounds it supports or possibly supports), added
 * to *reweight, and a rule saying so.
 */
static int
from_lookup_store(struct mr_store *st, const struct mr_case *c,
    unsigned int *reweight, struct mr_score_rule *rule, struct mr_err *err)
{
	struct mr_ground g[MR_GROUNDS_MAX];
	struct mr_elig_kept k;
	struct mr_elig_record rec;
	unsigned int bits = 0;
	char cats[48], fields[160] = "";
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
	for (int i = 0; i < n; i++)
		if ((g[i].finding == MR_GROUND_SUPPORTS || g[i].finding ==
		    MR_GROUND_POSSIBLE) && (g[i].reweight & ~bits)) {
			bits |= g[i].reweight;
			snprintf(fields + strlen(fields), sizeof fields -
			    strlen(fields), "%s%s", fields[0] ? ", " : "",
			    g[i].field);
		}
	*reweight |= bits;
	mr_category_format(bits, cats, sizeof cats);
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

int
cmd_whatif(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_score_ref *ref = NULL;
	struct mr_score_result *cur = NULL, *wi = NULL;
	struct mr_score_rule extra[4];
	struct mr_view_whatif_rule rules[2 * MR_SCORE_MAXRULES + 4];
	struct mr_case c;
	struct mr_hardship h;
	struct mr_err err = { 0 };
	double override[MR_NCAT], score[MR_NCAT], charges = NAN;
	struct mr_score_bonus bonus = { .complex_patient = NAN };
	unsigned int reweight = 0, bits, given = 0;
	int rc = EXIT_FAIL, nextra = 0, nrules, have_case = 0;
	const char *v;
	long long id;

	memset(extra, 0, sizeof extra);
	for (int i = 0; i < MR_NCAT; i++)
		override[i] = NAN;
	for (int i = 0; (v = cli_opt_nth(a, "reweight", i)) != NULL; i++) {
		if (mr_category_list_parse("reweight", v, &bits, &err) == -1)
			return cli_fail(ctx, &err);
		if (reweight & bits) {
			mr_err_set(&err, MR_EINVAL, "reweight '%s': a category is "
			    "listed twice", v);
			return cli_fail(ctx, &err);
		}
		reweight |= bits;
	}
	for (int i = 0; (v = cli_opt_nth(a, "score", i)) != NULL; i++)
		if (parse_scores(v, override, &given, &err) == -1)
			return cli_fail(ctx, &err);
	if ((v = cli_opt(a, "allowed-charges")) != NULL &&
	    parse_dollars(v, &charges, &err) == -1)
		return cli_fail(ctx, &err);
	if ((v = cli_opt(a, "complex-patient-bonus")) != NULL) {
		char *end;

		errno = 0;
		bonus.complex_patient = strtod(v, &end);
		if (end == v || *end != '\0' || errno != 0 ||
		    !isfinite(bonus.complex_patient)) {
			mr_err_set(&err, MR_EINVAL, "complex-patient-bonus '%s': "
			    "a number of points is expected, e.g. 3.5", v);
			return cli_fail(ctx, &err);
		}
	}
	bonus.small_practice = cli_opt(a, "small-practice-bonus") != NULL;
	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_case_get(ctx->st, id, &c, &err) == -1)
		return cli_fail(ctx, &err);
	have_case = 1;
	if (cli_opt(a, "from-lookup") != NULL &&
	    from_lookup_store(ctx->st, &c, &reweight, &extra[nextra], &err) == -1)
		goto fail;
	if (cli_opt(a, "from-lookup") != NULL)
		nextra++;
	ref = malloc(sizeof *ref);
	cur = malloc(sizeof *cur);
	wi = malloc(sizeof *wi);
	if (ref == NULL || cur == NULL || wi == NULL) {
		mr_err_set(&err, MR_EFAIL, "out of memory");
		goto fail;
	}
	if (mr_score_load(ctx->st, c.performance_year, ref, &err) == -1)
		goto fail;
	score[0] = c.quality_score;
	score[1] = c.cost_score;
	score[2] = c.ia_score;
	score[3] = c.pi_score;
	current_side(ref, &c, score, practice_size(&c), cur);
	for (int i = 0; i < MR_NCAT; i++)
		if (!isnan(override[i]))
			score[i] = override[i];
	if (mr_score_final_bonus(ref, score, reweight, practice_size(&c), &bonus,
	    wi, &err) == -1 ||
	    mr_score_adjustment(ref, wi->final_score, wi, &err) == -1)
		goto fail;

	/* What the tables cannot know about this case. */
	if (strcmp(c.participation, "apm-entity") == 0 && nextra < 4) {
		snprintf(extra[nextra].rule, sizeof extra[0].rule, "apm-entity");
		snprintf(extra[nextra].text, sizeof extra[0].text, "the case is "
		    "an APM Entity: the weights used are those published for "
		    "traditional MIPS, so APM Entity scoring may differ");
		snprintf(extra[nextra].source, sizeof extra[0].source,
		    "CMS 2024 EUC Application Guide; ASCO Mar 22 2024 (APM "
		    "Entities: reweighting and data-override rules differ)");
		extra[nextra].verified = 1;
		extra[nextra++].estimate = 1;
		wi->estimate = 1;
	}
	if (c.filing_id != 0 && mr_hardship_get(ctx->st, c.filing_id, &h,
	    &err) == 0) {
		unsigned int clash = h.submitted & reweight;

		if (clash && strcmp(h.participation, "apm-entity") != 0 &&
		    nextra < 4) {
			char cats[32];

			mr_category_format(clash, cats, sizeof cats);
			snprintf(extra[nextra].rule, sizeof extra[0].rule,
			    "data-override");
			snprintf(extra[nextra].text, sizeof extra[0].text,
			    "filing %lld records submitted data for %s: CMS "
			    "will still score it (submitted data overrides "
			    "reweighting for individuals, groups and virtual "
			    "groups)", (long long)h.id, cats);
			snprintf(extra[nextra].source, sizeof extra[0].source,
			    "CMS Change Healthcare notice (intellicure.com); ASCO");
			extra[nextra++].verified = 1;
		}
		mr_hardship_release(&h);
	}
	if (!isnan(charges) && nextra < 4) {
		snprintf(extra[nextra].rule, sizeof extra[0].rule, "dollars");
		snprintf(extra[nextra].text, sizeof extra[0].text, "estimate: "
		    "dollars = allowed charges x adjustment; CMS applies the "
		    "adjustment claim by claim to the Medicare paid amount, not "
		    "the allowed amount, and the paid amount leaves out the "
		    "patient's cost-sharing, so the real figure is smaller");
		snprintf(extra[nextra].source, sizeof extra[0].source, "%s",
		    SRC_DOLLARS);
		extra[nextra].verified = 1;
		extra[nextra++].estimate = 1;
	}
	nrules = merge_rules(cur, wi, extra, nextra, rules,
	    (int)(sizeof rules / sizeof rules[0]));

	if (!ctx->json) {
		print_text(ctx, &c, cur, wi, charges, rules, nrules);
		rc = EXIT_OK;
		goto out;
	}
	if (cli_view(ctx) == NULL) {
		rc = EXIT_FAIL;
		goto out;
	}
	rc = cli_print_json(mr_view_whatif(ctx->view, &(struct mr_view_whatif){
	    .case_id = c.id, .performance_year = c.performance_year,
	    .allowed_charges = charges, .current = cur, .whatif = wi,
	    .rules = rules, .nrules = nrules }));
	goto out;
fail:
	rc = cli_fail(ctx, &err);
out:
	if (have_case)
		mr_case_release(&c);
	free(ref);
	free(cur);
	free(wi);
	return rc;
}
