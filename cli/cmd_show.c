/* mipsreview show: one case in full, with its notes. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_case.h"
#include "lib/mr_view.h"

static int
note_text(const char *at, const char *who, const char *body, void *arg)
{
	int *n = arg;

	if ((*n)++ == 0)
		printf("\nNotes\n");
	printf("  %s  %s: %s\n", at, who, body);
	return 0;
}

int
cmd_show(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_case c;
	struct mr_err err = { 0 };
	struct mr_view *v;
	json_t *o;
	long long id;
	int rc, n = 0;

	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_case_get(ctx->st, id, &c, &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json) {
		if ((v = cli_view(ctx)) == NULL) {
			rc = EXIT_FAIL;
			goto out;
		}
		if ((o = mr_view_case_full(v, &c, &err)) == NULL)
			goto fail;
		rc = cli_print_json(o);
	} else {
		if (render_case_full(ctx, &c) == -1) {
			rc = EXIT_FAIL;
			goto out;
		}
		evidence_show_text(ctx, id);
		if (mr_case_notes_each(ctx->st, id, note_text, &n, &err) == -1)
			goto fail;
		rc = EXIT_OK;
	}
out:
	mr_case_release(&c);
	return rc;
fail:
	mr_case_release(&c);
	return cli_fail(ctx, &err);
}
