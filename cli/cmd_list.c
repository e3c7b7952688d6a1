/* mipsreview list: the cases, filtered. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_case.h"
#include "lib/mr_view.h"
#include "lib/mr_ident.h"

struct list_out {
	struct cli_ctx	*ctx;
	struct mr_view	*view;
	json_t		*array;
	long long	 n;
	int		 failed;	/* stopped: the exit status, error printed */
};

static int
list_one(const struct mr_case *c, void *arg)
{
	struct list_out *out = arg;
	struct mr_err err = { 0 };
	json_t *o;

	out->n++;
	if (out->array != NULL) {
		if ((o = mr_view_case(out->view, c, &err)) == NULL ||
		    json_array_append_new(out->array, o) == -1) {
			if (err.code == 0)
				mr_err_set(&err, MR_EFAIL, "out of memory");
			out->failed = cli_fail(out->ctx, &err);
		}
		return out->failed;
	}
	if (render_case_row(out->ctx, c) == -1)
		out->failed = EXIT_FAIL;
	return out->failed;
}

int
cmd_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_case_filter f = { 0 };
	struct list_out out = { .ctx = ctx };
	struct mr_err err = { 0 };
	const char *v;
	char tin[10];
	unsigned int bit;
	int rc;

	if ((rc = cli_parse_case_filter(ctx, a, &f, tin, sizeof tin)) != EXIT_OK)
		return rc;
	if ((v = cli_opt(a, "npi")) != NULL) {
		if (mr_npi_validate(v, &err) == -1)
			return cli_fail(ctx, &err);
		f.npi = v;
	}
	for (int i = 0; (v = cli_opt_nth(a, "reason", i)) != NULL; i++) {
		if (mr_reason_parse(v, &bit, &err) == -1)
			return cli_fail(ctx, &err);
		f.reasons |= bit;
	}
	f.open_only = cli_opt(a, "open") != NULL;
	if (ctx->json && ((out.view = cli_view(ctx)) == NULL ||
	    (out.array = json_array()) == NULL)) {
		mr_err_set(&err, MR_EFAIL, "out of memory");
		return cli_fail(ctx, &err);
	}
	if (!ctx->json)
		render_case_header(ctx);
	if (mr_case_list(ctx->st, &f, list_one, &out, &err) == -1 ||
	    out.failed) {
		json_decref(out.array);
		return out.failed ? out.failed : cli_fail(ctx, &err);
	}
	if (ctx->json)
		return cli_print_json(out.array);
	if (out.n == 0)
		printf("(no cases match)\n");
	return EXIT_OK;
}
