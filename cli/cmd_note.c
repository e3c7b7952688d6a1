/* mipsreview note: add a dated note to a case. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "lib/mr_case.h"

int
cmd_note(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct mr_err err = { 0 };
	long long id;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		if ((rc = cli_common_option(ctx, ch)) != -1)
			return rc;
	if (argc - optind != 2)
		return cli_usage(ctx, "a CASE id and the TEXT (quoted) are expected");
	if ((rc = cli_parse_id(ctx, "case", argv[optind], &id)) != EXIT_OK)
		return rc;
	if (mr_case_add_note(ctx->st, id, argv[optind + 1], &err) == -1)
		return cli_fail(ctx, &err);
	return EXIT_OK;
}
