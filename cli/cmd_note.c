/* mipsreview note: add a dated note to a case. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "lib/mr_case.h"

int
cmd_note(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	long long id;
	int rc;

	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_case_add_note(ctx->st, id, a->argv[1], &err) == -1)
		return cli_fail(ctx, &err);
	return EXIT_OK;
}
