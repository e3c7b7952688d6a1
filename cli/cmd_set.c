/* mipsreview set: change fields of a case, all or nothing. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "lib/mr_case.h"

int
cmd_set(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct mr_err err = { 0 };
	long long id;
	int ch, rc, force = 0;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'f')
			force = 1;
		else if ((rc = cli_common_option(ctx, ch)) != -1)
			return rc;
	}
	if (argc - optind < 2)
		return cli_usage(ctx, "a CASE id and at least one FIELD=VALUE "
		    "are expected");
	if ((rc = cli_parse_id(ctx, "case", argv[optind], &id)) != EXIT_OK)
		return rc;
	if (mr_case_set(ctx->st, id, (const char *const *)(argv + optind + 1), argc - optind - 1,
	    force, &err) == -1)
		return cli_fail(ctx, &err);
	return EXIT_OK;
}
