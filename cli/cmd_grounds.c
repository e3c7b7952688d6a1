/*
 * mipsreview grounds: what the kept eligibility record from CMS says about
 * a case — each targeted-review ground it supports, with the field that
 * proves it and the evidence it provides, and the stated reasons it does
 * not support.  Reads only; 'mipsreview lookup CASE' fetches the record.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/lookup.h"
#include "lib/mr_case.h"
#include "lib/mr_eligibility.h"
#include "lib/mr_evidence.h"
#include "lib/mr_grounds.h"
#include "lib/mr_view.h"

static const char *
finding_label(enum mr_ground_finding f)
{
	switch (f) {
	case MR_GROUND_SUPPORTS:
		return "GROUND";
	case MR_GROUND_POSSIBLE:
		return "POSSIBLE";
	case MR_GROUND_CONTRADICTS:
		return "NOT SUPPORTED";
	default:
		return "NOTE";
	}
}

int
cmd_grounds(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_ground grounds[MR_GROUNDS_MAX];
	struct mr_err err = { 0 };
	struct mr_elig_kept kept;
	struct mr_elig_record rec;
	struct mr_case c;
	char age[64];
	long long id;
	int rc, n = 0, nsupport = 0, have_kept = 0, have_rec = 0;
	json_t *o;

	memset(&kept, 0, sizeof kept);
	memset(&rec, 0, sizeof rec);
	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_case_get(ctx->st, id, &c, &err) == -1)
		return cli_fail(ctx, &err);
	/* Where the practice is decides automatic EUC, with or without
	 * CMS's record of the clinician. */
	if (c.npi[0] != '\0') {
		if (mr_elig_load(ctx->st, c.npi, c.performance_year, &kept,
		    &err) == 0)
			have_kept = 1;
		else if (err.code != MR_ENOTFOUND)
			goto fail;
	}
	if (!have_kept && c.county[0] == '\0' && c.zip[0] == '\0') {
		if (c.npi[0] == '\0')
			mr_err_set(&err, MR_EINVAL, "case %lld is about a group "
			    "(no NPI) and records no county: CMS's eligibility "
			    "records are per clinician ('mipsreview set %lld "
			    "npi=NPI'), its automatic EUC areas per county "
			    "('mipsreview set %lld county=\"NAME, ST\"')", id, id,
			    id);
		else
			mr_err_set(&err, MR_ENOTFOUND, "no eligibility record of "
			    "NPI %s for %d is kept; run 'mipsreview lookup %lld' "
			    "first (or record the practice's county: 'mipsreview "
			    "set %lld county=\"NAME, ST\"')", c.npi,
			    c.performance_year, id, id);
		goto fail;
	}
	if (have_kept) {
		if (mr_elig_parse(kept.body, kept.len, c.npi, &rec, &err) == -1)
			goto fail;
		have_rec = 1;
		if (mr_grounds_find(&c, &rec, grounds, MR_GROUNDS_MAX, &n,
		    &err) == -1)
			goto fail;
	}
	if (mr_grounds_place(ctx->st, &c, grounds, MR_GROUNDS_MAX, &n,
	    &err) == -1)
		goto fail;
	for (int i = 0; i < n; i++)
		nsupport += grounds[i].finding == MR_GROUND_SUPPORTS ||
		    grounds[i].finding == MR_GROUND_POSSIBLE;
	if (ctx->json) {
		if (cli_view(ctx) == NULL) {
			rc = EXIT_FAIL;
			goto out;
		}
		o = mr_view_grounds(ctx->view, &c, have_kept ? &kept : NULL,
		    grounds, n);
		rc = cli_print_json(o);
	} else {
		printf("Case %lld: %s%s%sperformance year %d\n", id,
		    c.npi[0] ? "NPI " : "", c.npi, c.npi[0] ? ", " : "",
		    c.performance_year);
		if (have_kept) {
			lookup_age_text(ctx->now - kept.retrieved_epoch, age,
			    sizeof age);
			printf("CMS eligibility record retrieved %s (%s)\n",
			    kept.retrieved_at, age);
		} else if (c.npi[0])
			printf("No CMS eligibility record is kept ('mipsreview "
			    "lookup %lld' fetches it): only the practice's place "
			    "is read\n", id);
		else
			printf("A group case: CMS's eligibility records are per "
			    "clinician; only the practice's place is read\n");
		if (c.county[0] || c.zip[0])
			printf("Practice: %s%s%s\n", c.county[0] ? c.county :
			    "county not recorded", c.zip[0] ? ", ZIP " : "",
			    c.zip);
		if (n == 0)
			printf("\nNothing shows a ground for review or anything "
			    "against the case's reasons.\n");
		for (int i = 0; i < n; i++) {
			const struct mr_ground *g = &grounds[i];

			printf("\n%s%s%s  %s (%s)\n  %s\n  field: %s\n",
			    cli_color(ctx, g->finding == MR_GROUND_CONTRADICTS ?
			    "\033[31m" : "\033[1m"), finding_label(g->finding),
			    cli_color(ctx, "\033[0m"), g->id, g->reason,
			    g->text, g->field);
			if (g->fills[0])
				printf("  evidence it provides: %s\n", g->fills);
		}
		printf("\n%d ground%s found.\n", nsupport, nsupport == 1 ? "" :
		    "s");
		rc = EXIT_OK;
	}
	goto out;
fail:
	rc = cli_fail(ctx, &err);
out:
	if (have_rec)
		mr_elig_release(&rec);
	if (have_kept)
		mr_elig_kept_release(&kept);
	mr_case_release(&c);
	return rc;
}
