/* mipsreview set: change fields of a case, all or nothing. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "lib/mr_case.h"

int
cmd_set(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	long long id;
	int rc;

	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_case_set(ctx->st, id, (const char *const *)(a->argv + 1),
	    a->argc - 1, cli_opt(a, "force") != NULL, &err) == -1)
		return cli_fail(ctx, &err);
	return EXIT_OK;
}
