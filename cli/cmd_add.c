/* mipsreview add: open a targeted-review case. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/mr_buf.h"
#include "lib/mr_case.h"
#include "lib/mr_view.h"

int
cmd_add(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_case_input in = { 0 };
	struct mr_case c;
	struct mr_view *v;
	json_t *o;
	struct mr_err err = { 0 };
	char special[256];
	struct mr_buf sb;
	int64_t id;
	int rc, force = cli_opt(a, "force") != NULL;

	in.tin = cli_opt(a, "tin");
	in.npi = cli_opt(a, "npi");
	in.name = cli_opt(a, "name");
	in.year = cli_opt(a, "year");
	if ((in.nreasons = cli_opt_count(a, "reason")) >
	    (int)(sizeof in.reasons / sizeof in.reasons[0]))
		return cli_usage(ctx, "too many --reason options");
	for (int i = 0; i < in.nreasons; i++)
		in.reasons[i] = cli_opt_nth(a, "reason", i);
	in.score = cli_opt(a, "score");
	in.adjustment = cli_opt(a, "adjustment");
	in.practice = cli_opt(a, "practice");
	in.participation = cli_opt(a, "participation");
	in.owner = cli_opt(a, "owner");
	in.note = cli_opt(a, "note");
	in.quality = cli_opt(a, "quality");
	in.cost = cli_opt(a, "cost");
	in.ia = cli_opt(a, "ia");
	in.pi = cli_opt(a, "pi");
	/* --special-status is repeatable; the lists join. */
	mr_buf_init_fixed(&sb, special, sizeof special);
	for (int i = 0; i < cli_opt_count(a, "special-status"); i++) {
		if (mr_buf_printf(&sb, "%s%s", sb.len ? "," : "",
		    cli_opt_nth(a, "special-status", i)) == -1)
			return cli_usage(ctx, "too many --special-status options");
		in.special_statuses = special;
	}
	in.legal_name = cli_opt(a, "legal-name");
	in.apm_entity_id = cli_opt(a, "apm-entity-id");
	in.virtual_group_id = cli_opt(a, "virtual-group-id");
	in.requester_role = cli_opt(a, "requester-role");
	in.request_number = cli_opt(a, "request-number");
	in.explanation = cli_opt(a, "explanation");
	in.county = cli_opt(a, "county");
	in.zip = cli_opt(a, "zip");
	if (in.tin == NULL)
		return cli_usage(ctx, "--tin is required");
	if (in.name == NULL)
		return cli_usage(ctx, "--name is required");
	if (in.year == NULL)
		return cli_usage(ctx, "--year is required");
	if (in.nreasons == 0)
		return cli_usage(ctx, "at least one --reason is required");
	if (mr_case_add(ctx->st, &in, force, &id, &err) == -1)
		return cli_fail(ctx, &err);
	if (!ctx->json) {
		printf("%lld\n", (long long)id);
		return EXIT_OK;
	}
	if (mr_case_get(ctx->st, id, &c, &err) == -1)
		return cli_fail(ctx, &err);
	if ((v = cli_view(ctx)) == NULL)
		rc = EXIT_FAIL;
	else if ((o = mr_view_case(v, &c, &err)) == NULL)
		rc = cli_fail(ctx, &err);
	else
		rc = cli_print_json(o);
	mr_case_release(&c);
	return rc;
}
