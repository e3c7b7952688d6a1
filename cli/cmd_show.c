/* mipsreview show: one case in full, with its notes. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_case.h"

static int
note_json(const char *at, const char *who, const char *body, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s}", "at", at,
	    "who", who, "text", body));
	return 0;
}

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
	json_t *o = NULL, *notes = NULL;
	long long id;
	int rc, n = 0;

	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_case_get(ctx->st, id, &c, &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json) {
		o = render_case_json(ctx, &c);
		notes = json_array();
		if (mr_case_notes_each(ctx->st, id, note_json, notes, &err) == -1)
			goto fail;
		json_object_set_new(o, "notes", notes);
		/* the evidence checklist, present and missing */
		json_object_set_new(o, "evidence", evidence_show_json(ctx, id));
		notes = NULL;
		rc = cli_print_json(o);
		o = NULL;
	} else {
		render_case_full(ctx, &c);
		evidence_show_text(ctx, id);
		if (mr_case_notes_each(ctx->st, id, note_text, &n, &err) == -1)
			goto fail;
		rc = EXIT_OK;
	}
	mr_case_release(&c);
	return rc;
fail:
	json_decref(o);
	json_decref(notes);
	mr_case_release(&c);
	return cli_fail(ctx, &err);
}
