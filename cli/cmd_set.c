/* mipsreview set: change fields of a case, all or nothing. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_case.h"

int
cmd_set(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	json_t *before;
	long long id;
	int rc;

	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	before = cli_case_view(ctx, id);
	if (mr_case_set(ctx->st, id, (const char *const *)(a->argv + 1),
	    a->argc - 1, cli_opt(a, "force") != NULL, &err) == -1) {
		json_decref(before);
		return cli_fail(ctx, &err);
	}
	cli_print_changes("case", id, before, cli_case_view(ctx, id));
	return EXIT_OK;
}
