/* mipsreview status: move a case through its workflow. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_case.h"
#include "lib/mr_checklist.h"
#include "lib/mr_evidence.h"
#include "lib/mr_store.h"

int
cmd_status(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	const char *state = a->argv[1];
	json_t *before;
	long long id;
	int rc;

	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	before = cli_case_view(ctx, id);
	/* The move and the evidence gate before ready (refused while required
	 * evidence is missing unless --force, which is audited) are one
	 * transaction. */
	if (mr_store_begin(ctx->st, &err) == -1 ||
	    mr_case_move(ctx->st, id, state, cli_opt(a, "note"),
	    cli_opt(a, "requested-on"), &err) == -1 ||
	    (strcmp(state, "ready") == 0 &&
	    mr_checklist_gate_ready(ctx->st, id, cli_opt(a, "force") != NULL,
	    &err) == -1)) {
		mr_store_rollback(ctx->st);
		json_decref(before);
		return cli_fail(ctx, &err);
	}
	if (mr_store_commit(ctx->st, &err) == -1) {
		json_decref(before);
		return cli_fail(ctx, &err);
	}
	cli_print_changes("case", id, before, cli_case_view(ctx, id));
	return EXIT_OK;
}
