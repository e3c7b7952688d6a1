/* mipsreview status: move a case through its workflow. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "lib/mr_case.h"

int
cmd_status(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "note", required_argument, NULL, 'n' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct mr_err err = { 0 };
	const char *note = NULL;
	long long id;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'n')
			note = optarg;
		else if ((rc = cli_common_option(ctx, ch)) != -1)
			return rc;
	}
	if (argc - optind != 2)
		return cli_usage(ctx, "a CASE id and a STATE are expected");
	if ((rc = cli_parse_id(ctx, "case", argv[optind], &id)) != EXIT_OK)
		return rc;
	if (mr_case_set_status(ctx->st, id, argv[optind + 1], note, &err) == -1)
		return cli_fail(ctx, &err);
	return EXIT_OK;
}
