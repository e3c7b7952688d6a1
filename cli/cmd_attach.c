/* mipsreview attach: copy documents into the evidence store. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/mr_evidence.h"
#include "lib/mr_view.h"

int
cmd_attach(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_evidence_file *files = NULL;
	struct mr_evidence_result *res = NULL;
	struct mr_evidence ev;
	struct mr_err err = { 0 };
	const char *kind = cli_opt(a, "kind"), *note = cli_opt(a, "note");
	const char *name = cli_opt(a, "name"), *subject = "case", *v;
	long long id = 0;
	json_t *out = NULL;
	int rc, nfiles, first = 0;

	if ((v = cli_opt(a, "hardship")) != NULL) {
		if ((rc = cli_parse_id(ctx, "hardship filing", v, &id)) != EXIT_OK)
			return rc;
		subject = "hardship";
	}
	if (strcmp(subject, "case") == 0) {
		if (a->argc < 1)
			return cli_usage(ctx, "a CASE id and at least one FILE "
			    "are expected");
		if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
			return rc;
		first++;
	}
	nfiles = a->argc - first;
	if (nfiles < 1)
		return cli_usage(ctx, "at least one FILE is expected");
	if (name != NULL && nfiles > 1)
		return cli_usage(ctx, "--name applies to one FILE; %d were given",
		    nfiles);
	/*
	 * A file-size limit (ulimit -f) must turn into a write error we can
	 * clean up after, not a signal that kills us with a temporary file
	 * left behind.
	 */
	signal(SIGXFSZ, SIG_IGN);
	if ((files = calloc((size_t)nfiles, sizeof *files)) == NULL ||
	    (res = calloc((size_t)nfiles, sizeof *res)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", ctx->prog);
		rc = EXIT_FAIL;
		goto out;
	}
	for (int i = 0; i < nfiles; i++) {
		files[i].path = a->argv[first + i];
		files[i].name = name;
	}
	if (mr_evidence_attach(ctx->st, subject, id, files, nfiles, kind, note,
	    res, &err) == -1) {
		rc = cli_fail(ctx, &err);
		goto out;
	}
	if (ctx->json && (cli_view(ctx) == NULL ||
	    (out = json_array()) == NULL)) {
		rc = EXIT_FAIL;
		goto out;
	}
	for (int i = 0; i < nfiles; i++) {
		if (mr_evidence_get(ctx->st, res[i].id, &ev, &err) == -1) {
			rc = cli_fail(ctx, &err);
			goto out;
		}
		if (ctx->json) {
			json_array_append_new(out, mr_view_evidence_attached(
			    ctx->view, &ev, res[i].deduplicated));
		} else
			printf("evidence %lld: %s attached to %s %lld as %s "
			    "(%lld bytes, %s, sha256 %.16s...)%s\n",
			    (long long)ev.id, ev.original_name, strcmp(subject,
			    "case") == 0 ? "case" : "hardship filing", id,
			    mr_evidence_kind_label(ev.kind), (long long)ev.size,
			    ev.media_type, ev.sha256, res[i].deduplicated ?
			    "; same content already stored, kept once" : "");
		mr_evidence_release(&ev);
	}
	rc = ctx->json ? cli_print_json(out) : EXIT_OK;
	out = NULL;
out:
	json_decref(out);
	free(files);
	free(res);
	return rc;
}
