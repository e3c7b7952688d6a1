/*
 * mipsreview check: the evidence checklist of a case — what its reasons
 * normally need, what is attached, what is missing.  show prints the same
 * checklist through evidence_show_text(), and as JSON through lib/mr_view.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_buf.h"
#include "lib/mr_case.h"
#include "lib/mr_checklist.h"
#include "lib/mr_evidence.h"
#include "lib/mr_view.h"

/* One kind's lines of the checklist, kept until the heading is known. */
struct need_lines {
	struct cli_ctx	*ctx;
	struct mr_buf	 text;
};

static int
need_text(const struct mr_checklist_need *need, void *arg)
{
	struct need_lines *nl = arg;
	struct cli_ctx *ctx = nl->ctx;
	char what[64];
	int missing = MR_CHECKLIST_MISSING(need);

	snprintf(what, sizeof what, "%d file%s", need->present,
	    need->present == 1 ? "" : "s");
	(void)mr_buf_printf(&nl->text, "  %s%-8s%s %-30s %-9s %s%s%s%s%s%s\n",
	    missing ? cli_color(ctx, "\033[31m") : "",
	    need->present ? "present" : need->covered ? "covered" : "MISSING",
	    missing ? cli_color(ctx, "\033[0m") : "",
	    mr_evidence_kind_label(need->kind), need->present ? what : "-",
	    need->required ? "needed for " : "(not required)",
	    need->needed_by, *need->alternatives ? ", or " : "",
	    need->alternatives, need->required && need->advice ? " [advice]" : "",
	    need->required && !need->verified ? " [unverified]" : "");
	if (need->required)
		(void)mr_buf_printf(&nl->text, "           source: %s\n",
		    need->source);
	return 0;
}

/*
 * The checklist as text, from one reading of it: its heading says whether
 * anything is missing, so the kinds' lines wait in a buffer.  0, or -1
 * with *err set.
 */
static int
checklist_text(struct cli_ctx *ctx, long long id, int *nmissing,
    struct mr_err *err)
{
	struct need_lines nl = { .ctx = ctx };
	char missing[256];
	int rc = -1;

	mr_buf_init(&nl.text, 1 << 20);
	if (mr_checklist_each_missing(ctx->st, id, need_text, &nl, missing,
	    sizeof missing, nmissing, err) == -1)
		goto out;
	if (nl.text.failed) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	printf("\nEvidence checklist (%s)\n", *nmissing ? "incomplete" :
	    "complete");
	fputs(mr_buf_str(&nl.text), stdout);
	if (*nmissing)
		printf("  Missing: %s\n", missing);
	printf("  Note: items marked advice are guidance from medical societies "
	    "summarizing\n  CMS's targeted review user guide, not a CMS rule: "
	    "CMS asks for documents\n  case by case (42 CFR 414.1385(a)(3)).\n");
	rc = 0;
out:
	mr_buf_free(&nl.text);
	return rc;
}

void
evidence_show_text(struct cli_ctx *ctx, long long case_id)
{
	struct mr_err err = { 0 };
	int n;

	if (checklist_text(ctx, case_id, &n, &err) == -1)
		fprintf(stderr, "%s: %s\n", ctx->prog, err.msg);
}

int
cmd_check(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	json_t *o;
	long long id;
	int rc, n;

	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (ctx->json) {
		if (cli_view(ctx) == NULL)
			return EXIT_FAIL;
		if ((o = mr_view_checklist(ctx->view, id, true, &err)) == NULL)
			return cli_fail(ctx, &err);
		return cli_print_json(o);
	}
	{
		struct mr_case c;

		/* An unknown case is refused before anything is printed. */
		if (mr_case_get(ctx->st, id, &c, &err) == -1)
			return cli_fail(ctx, &err);
		printf("Case %lld\n", id);
		render_autoeuc(ctx, c.performance_year, c.county, c.zip);
		mr_case_release(&c);
	}
	if (checklist_text(ctx, id, &n, &err) == -1)
		return cli_fail(ctx, &err);
	return EXIT_OK;
}
