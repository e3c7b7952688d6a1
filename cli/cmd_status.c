/* mipsreview status: move a case through its workflow. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/mr_case.h"
#include "lib/mr_evidence.h"	/* evidence (issue 6) */
#include "lib/mr_store.h"

int
cmd_status(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },	/* evidence (issue 6) */
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct mr_err err = { 0 };
	const char *note = NULL;
	long long id;
	int ch, rc, force = 0;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'n')
			note = optarg;
		else if (ch == 'f')
			force = 1;
		else if ((rc = cli_common_option(ctx, ch)) != -1)
			return rc;
	}
	if (argc - optind != 2)
		return cli_usage(ctx, "a CASE id and a STATE are expected");
	if ((rc = cli_parse_id(ctx, "case", argv[optind], &id)) != EXIT_OK)
		return rc;
	/* evidence (issue 6): the move and the evidence gate before ready
	 * (refused while required evidence is missing unless --force, which
	 * is audited) are one transaction. */
	if (mr_store_begin(ctx->st, &err) == -1 ||
	    mr_case_set_status(ctx->st, id, argv[optind + 1], note, &err) == -1 ||
	    (strcmp(argv[optind + 1], "ready") == 0 &&
	    mr_evidence_gate_ready(ctx->st, id, force, &err) == -1)) {
		mr_store_rollback(ctx->st);
		return cli_fail(ctx, &err);
	}
	if (mr_store_commit(ctx->st, &err) == -1)
		return cli_fail(ctx, &err);
	return EXIT_OK;
}
