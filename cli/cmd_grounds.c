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
	int rc, n = 0, nsupport = 0;
	json_t *o, *arr;

	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_case_get(ctx->st, id, &c, &err) == -1)
		return cli_fail(ctx, &err);
	if (c.npi[0] == '\0') {
		mr_case_release(&c);
		mr_err_set(&err, MR_EINVAL, "case %lld is about a group (no NPI); "
		    "CMS's eligibility records are per clinician: set the NPI "
		    "with 'mipsreview set %lld npi=NPI'", id, id);
		return cli_fail(ctx, &err);
	}
	if (mr_elig_load(ctx->st, c.npi, c.performance_year, &kept, &err) == -1) {
		if (err.code == MR_ENOTFOUND)
			mr_err_set(&err, MR_ENOTFOUND, "no eligibility record of "
			    "NPI %s for %d is kept; run 'mipsreview lookup %lld' "
			    "first", c.npi, c.performance_year, id);
		mr_case_release(&c);
		return cli_fail(ctx, &err);
	}
	if (mr_elig_parse(kept.body, kept.len, c.npi, &rec, &err) == -1 ||
	    mr_grounds_find(&c, &rec, grounds, MR_GROUNDS_MAX, &n, &err) == -1) {
		mr_case_release(&c);
		mr_elig_kept_release(&kept);
		return cli_fail(ctx, &err);
	}
	for (int i = 0; i < n; i++)
		nsupport += grounds[i].finding == MR_GROUND_SUPPORTS ||
		    grounds[i].finding == MR_GROUND_POSSIBLE;
	if (ctx->json) {
		arr = json_array();
		for (int i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, mr_ground_to_json(&grounds[i]));
		o = json_pack("{s:I,s:s,s:i,s:s,s:I,s:o}",
		    "case_id", (json_int_t)id,
		    "npi", c.npi,
		    "performance_year", c.performance_year,
		    "record_retrieved_at", kept.retrieved_at,
		    "record_age_seconds", (json_int_t)(ctx->now -
		    kept.retrieved_epoch),
		    "grounds", arr ? arr : json_null());
		rc = cli_print_json(o);
	} else {
		lookup_age_text(ctx->now - kept.retrieved_epoch, age, sizeof age);
		printf("Case %lld: NPI %s, performance year %d\n", id, c.npi,
		    c.performance_year);
		printf("CMS eligibility record retrieved %s (%s)\n",
		    kept.retrieved_at, age);
		if (n == 0)
			printf("\nThe record shows no ground for review and "
			    "nothing against the case's reasons.\n");
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
	mr_elig_release(&rec);
	mr_elig_kept_release(&kept);
	mr_case_release(&c);
	return rc;
}
