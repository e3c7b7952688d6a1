/*
 * mipsreview whatif: a case's final score and payment adjustment beside
 * what they would be with other categories reweighted or other category
 * scores (computed by lib/mr_whatif), as a text table or its JSON view.
 * Reads only.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_case.h"
#include "lib/mr_score.h"
#include "lib/mr_view.h"
#include "lib/mr_whatif.h"

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
print_text(struct cli_ctx *ctx, const struct mr_whatif *w)
{
	const struct mr_case *c = &w->c;
	const struct mr_score_result *cur = &w->current, *wi = &w->whatif;
	const struct mr_whatif_rule *rules = w->rules;
	double charges = w->allowed_charges;
	int nrules = w->nrules;
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

int
cmd_whatif(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_whatif_input in;
	struct mr_whatif *w = NULL;
	struct mr_err err = { 0 };
	const char *v;
	long long id;
	int rc;

	mr_whatif_input_init(&in);
	for (int i = 0; (v = cli_opt_nth(a, "reweight", i)) != NULL; i++)
		if (mr_whatif_parse_reweight(&in, v, &err) == -1)
			return cli_fail(ctx, &err);
	for (int i = 0; (v = cli_opt_nth(a, "score", i)) != NULL; i++)
		if (mr_whatif_parse_scores(&in, v, &err) == -1)
			return cli_fail(ctx, &err);
	if ((v = cli_opt(a, "allowed-charges")) != NULL &&
	    mr_whatif_parse_charges(&in, v, &err) == -1)
		return cli_fail(ctx, &err);
	if ((v = cli_opt(a, "complex-patient-bonus")) != NULL &&
	    mr_whatif_parse_complex_bonus(&in, v, &err) == -1)
		return cli_fail(ctx, &err);
	in.bonus.small_practice = cli_opt(a, "small-practice-bonus") != NULL;
	in.from_lookup = cli_opt(a, "from-lookup") != NULL;
	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_whatif_compute(ctx->st, id, &in, &w, &err) == -1)
		return cli_fail(ctx, &err);
	if (!ctx->json) {
		print_text(ctx, w);
		rc = EXIT_OK;
	} else if (cli_view(ctx) == NULL)
		rc = EXIT_FAIL;
	else
		rc = cli_print_json(mr_view_whatif(ctx->view, w));
	mr_whatif_free(w);
	return rc;
}
