/* mipsreview evidence list|show|verify|detach: the evidence store. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/mr_evidence.h"
#include "lib/mr_view.h"

struct list_out {
	struct mr_view	*view;
	json_t		*arr;
	int64_t		 bad_id;	/* a record that could not be listed */
};

static int
list_json(const struct mr_evidence *ev, void *arg)
{
	struct list_out *l = arg;

	/* Stop rather than print a list that silently lacks a record. */
	if (json_array_append_new(l->arr, mr_view_evidence(l->view, ev)) == -1) {
		l->bad_id = ev->id;
		return 1;
	}
	return 0;
}

static int
list_text_subject(const struct mr_evidence *ev, void *arg)
{
	char subj[32];
	int *n = arg;

	if ((*n)++ == 0)
		printf("%-6s %-12s %-18s %12s %-12s %-24s %s\n", "ID", "SUBJECT",
		    "KIND", "SIZE", "SHA256", "MEDIA TYPE", "NAME");
	snprintf(subj, sizeof subj, "%s %lld", ev->subject,
	    (long long)ev->subject_id);
	printf("%-6lld %-12s %-18s %12lld %-12.12s %-24.24s %s%s\n",
	    (long long)ev->id, subj, ev->kind, (long long)ev->size, ev->sha256,
	    ev->media_type, ev->original_name, ev->detached_by ? " (detached)" :
	    "");
	return 0;
}

int
cmd_evidence_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	struct list_out l = { NULL, NULL, 0 };
	const char *subject = NULL, *v;
	long long id = 0;
	int rc, all = cli_opt(a, "all") != NULL, n = 0;

	if ((v = cli_opt(a, "hardship")) != NULL) {
		if ((rc = cli_parse_id(ctx, "hardship filing", v, &id)) != EXIT_OK)
			return rc;
		subject = "hardship";
	}
	if (subject && a->argc == 1)
		return cli_usage(ctx, "at most one CASE id (or --hardship N) is "
		    "expected");
	if (a->argc == 1) {
		if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
			return rc;
		subject = "case";
	}
	if (ctx->json && ((l.view = cli_view(ctx)) == NULL ||
	    (l.arr = json_array()) == NULL))
		return EXIT_FAIL;
	if (mr_evidence_each(ctx->st, subject, id, all, ctx->json ? list_json :
	    list_text_subject, ctx->json ? (void *)&l : (void *)&n,
	    &err) == -1) {
		json_decref(l.arr);
		return cli_fail(ctx, &err);
	}
	if (l.bad_id != 0) {
		json_decref(l.arr);
		fprintf(stderr, "%s: evidence %lld: its record cannot be written "
		    "as JSON (out of memory, or a field that is not UTF-8); "
		    "'mipsreview evidence show %lld' shows it as text\n",
		    ctx->prog, (long long)l.bad_id, (long long)l.bad_id);
		return EXIT_FAIL;
	}
	if (ctx->json)
		return cli_print_json(l.arr);
	if (n == 0)
		printf("no evidence%s\n", all ? "" : " attached");
	return EXIT_OK;
}

int
cmd_evidence_show(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_evidence ev;
	struct mr_err err = { 0 };
	char dir[4096];
	long long id;
	int rc;

	if ((rc = cli_parse_id(ctx, "evidence", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_evidence_get(ctx->st, id, &ev, &err) == -1 ||
	    mr_evidence_dir(ctx->st, dir, sizeof dir, &err) == -1) {
		mr_evidence_release(&ev);
		return cli_fail(ctx, &err);
	}
	if (ctx->json) {
		json_t *o = NULL;

		if (cli_view(ctx) == NULL)
			rc = EXIT_FAIL;
		else if ((o = mr_view_evidence_stored(ctx->view, &ev,
		    &err)) == NULL)
			rc = cli_fail(ctx, &err);
		else
			rc = cli_print_json(o);
		mr_evidence_release(&ev);
		return rc;
	}
	printf("Evidence %lld  %s  [%s]\n", (long long)ev.id, ev.original_name,
	    ev.detached_by ? "detached" : "attached");
	printf("  Attached to    %s %lld\n", ev.subject, (long long)ev.subject_id);
	printf("  Kind           %s (%s)\n", mr_evidence_kind_label(ev.kind),
	    ev.kind);
	printf("  Size           %lld bytes\n", (long long)ev.size);
	printf("  Media type     %s\n", ev.media_type);
	printf("  SHA-256        %s\n", ev.sha256);
	printf("  Stored as      %s/%s\n", dir, ev.sha256);
	printf("  Attached       %s by %s\n", ev.attached_at, ev.attached_by);
	if (ev.detached_by)
		printf("  Detached       %s by %s\n", ev.detached_at, ev.detached_by);
	printf("  Note           %s\n", ev.note ? ev.note : "-");
	mr_evidence_release(&ev);
	return EXIT_OK;
}

struct verify_out {
	struct cli_ctx	*ctx;
	json_t		*problems;
	const char	*dir;
};

static int
verify_one(const struct mr_evidence_problem *p, void *arg)
{
	struct verify_out *v = arg;

	if (v->problems != NULL) {
		json_array_append_new(v->problems,
		    mr_view_evidence_problem(v->ctx->view, p));
		return 0;
	}
	if (p->ev != NULL)
		printf("%-12s %s/%s: evidence %lld '%s' of %s %lld%s%s\n", p->what,
		    v->dir, p->file, (long long)p->ev->id, p->ev->original_name,
		    p->ev->subject, (long long)p->ev->subject_id,
		    p->actual_sha256 ? ", content now hashes to " : "",
		    p->actual_sha256 ? p->actual_sha256 : "");
	else
		printf("%-12s %s/%s%s\n", p->what, v->dir, p->file,
		    strcmp(p->what, "swept") == 0 ? " (removed)" :
		    ": no attached evidence needs it (--sweep removes it)");
	return 0;
}

int
cmd_evidence_verify(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	struct verify_out v = { ctx, NULL, NULL };
	char dir[4096];
	long long id = 0;
	int rc, sweep = cli_opt(a, "sweep") != NULL, nfiles, nproblems;

	if (a->argc == 1 &&
	    (rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (sweep && id)
		return cli_usage(ctx, "--sweep works on the whole store, not "
		    "one case");
	if (mr_evidence_dir(ctx->st, dir, sizeof dir, &err) == -1)
		return cli_fail(ctx, &err);
	v.dir = dir;
	if (ctx->json && (cli_view(ctx) == NULL ||
	    (v.problems = json_array()) == NULL))
		return EXIT_FAIL;
	if (mr_evidence_verify(ctx->st, id ? "case" : NULL, id, sweep,
	    verify_one, &v, &nfiles, &nproblems, &err) == -1) {
		json_decref(v.problems);
		return cli_fail(ctx, &err);
	}
	if (ctx->json) {
		cli_print_json(mr_view_evidence_verified(ctx->view, nfiles,
		    nproblems, v.problems));
		return nproblems ? EXIT_INTEGRITY : EXIT_OK;
	}
	if (nproblems == 0) {
		printf("evidence intact: %d file%s verified%s\n", nfiles,
		    nfiles == 1 ? "" : "s", id ? "" : ", none unreferenced");
		return EXIT_OK;
	}
	fprintf(stderr, "%s: evidence verify: %d problem%s found in %s\n",
	    ctx->prog, nproblems, nproblems == 1 ? "" : "s", dir);
	return EXIT_INTEGRITY;
}

int
cmd_evidence_detach(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	const char *note = cli_opt(a, "note");
	long long id;
	int rc;

	if ((rc = cli_parse_id(ctx, "evidence", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_evidence_detach(ctx->st, id, note, &err) == -1)
		return cli_fail(ctx, &err);
	printf("evidence %lld detached (kept in the audit trail)\n", id);
	return EXIT_OK;
}
