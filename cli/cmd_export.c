/* mipsreview export csv|jsonl: the cases as a file that import reads back. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/mr_case.h"
#include "lib/mr_export.h"
#include "lib/mr_file.h"
#include "lib/mr_ident.h"
#include "lib/mr_import.h"
#include "lib/mr_view.h"

/* export csv and export jsonl: the row's name is the format. */
int
cmd_export_cases(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_case_filter f = { 0 };
	struct mr_err err = { 0 };
	enum mr_import_format fmt;
	const char *out = cli_opt(a, "output");
	struct mr_file *file = NULL;
	char tin[10];
	FILE *fp = stdout;
	long n = 0;
	int rc;

	if ((rc = cli_parse_case_filter(ctx, a, &f, tin, sizeof tin)) != EXIT_OK)
		return rc;
	if (mr_import_format_parse(a->cmd->name, &fmt) == -1)
		abort();	/* the table routes only csv and jsonl here */
	if (out != NULL && strcmp(out, "-") != 0) {
		if (mr_file_open(out, 0600, &file, &err) == -1)
			return cli_fail(ctx, &err);
		fp = mr_file_stream(file);
	}
	if (mr_export_write(ctx->st, &f, fmt, fp, &n, &err) == -1) {
		mr_file_abort(file);
		return cli_fail(ctx, &err);
	}
	if (file == NULL)
		return EXIT_OK;		/* main() checks that stdout was written */
	if (mr_file_commit(file, &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json)
		return cli_print_json(cli_view(ctx) ? mr_view_export(ctx->view,
		    out, fmt == MR_FORMAT_CSV ? "csv" : "jsonl", n) : NULL);
	printf("exported %ld case%s to %s (TINs in full: keep the file "
	    "private)\n", n, n == 1 ? "" : "s", out);
	return EXIT_OK;
}
