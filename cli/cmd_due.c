/* mipsreview due (alias deadlines): every open deadline, soonest first. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_deadline.h"
#include "lib/mr_view.h"
#include "lib/mr_when.h"

struct due_out {
	struct cli_ctx	*ctx;
	struct mr_view	*view;		/* --json */
	json_t		*array;
	long long	 n;
	long long	 undated;
	int		 stream;	/* --undated --json: element by element */
};

/*
 * One element of a --json array printed as soon as it is made, one per
 * line, so that a list as long as the table needs no more memory than one
 * item.
 */
static int
stream_json(struct due_out *out, json_t *o)
{
	int rc;

	if (o == NULL)
		return 1;
	fputs(out->n + out->undated > 1 ? ",\n" : "[\n", stdout);
	rc = json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return rc != 0;
}

/* An open item with no known deadline: listed, never dropped. */
static int
undated_one(const struct mr_deadline_item *it, void *arg)
{
	struct due_out *out = arg;
	struct cli_ctx *ctx = out->ctx;
	char tin[16];

	out->undated++;
	if (out->stream)
		return stream_json(out, mr_view_due_item(out->view, it));
	if (out->array != NULL)
		return json_array_append_new(out->array,
		    mr_view_due_item(out->view, it)) == 0 ? 0 : 1;
	render_tin(ctx, it->tin, tin, sizeof tin);
	printf("%s%-9s %-6lld %-24.24s %-9s %-16s %-45s %s%s\n",
	    cli_color(ctx, "\033[35m"), it->what, (long long)it->id, it->name,
	    tin, it->kind, "no deadline known", it->open ? "" : it->status,
	    cli_color(ctx, "\033[0m"));
	printf("          %s; set one: %s\n", it->reason, it->set_with);
	return 0;
}

/* The open cases of a year with no window: one line, with their count. */
static int
undated_group(const struct mr_deadline_group *g, void *arg)
{
	struct due_out *out = arg;
	struct cli_ctx *ctx = out->ctx;
	char who[40];

	out->undated += g->count;
	if (out->array != NULL)
		return json_array_append_new(out->array,
		    mr_view_due_group(out->view, g)) == 0 ? 0 : 1;
	snprintf(who, sizeof who, "(%lld %s)", g->count, g->count == 1 ?
	    "case" : "cases");
	printf("%s%-9s %-6s %-24.24s %-9s %-16s %s%s\n",
	    cli_color(ctx, "\033[35m"), g->what, "-", who, "-", g->kind,
	    "no deadline known", cli_color(ctx, "\033[0m"));
	printf("          %s; set one: %s; list them: %s\n", g->reason,
	    g->set_with, g->list_with);
	return 0;
}

static int
due_one(const struct mr_deadline_item *it, void *arg)
{
	struct due_out *out = arg;
	struct cli_ctx *ctx = out->ctx;
	char tin[16], announced[48], mine[48], left[40];
	time_t now = (time_t)ctx->now;
	const char *color = "";

	out->n++;
	if (out->array != NULL)
		return json_array_append_new(out->array,
		    mr_view_due_item(out->view, it)) == 0 ? 0 : 1;
	render_tin(ctx, it->tin, tin, sizeof tin);
	render_short_time(it->closes_at, it->zone, announced, sizeof announced);
	render_short_time(it->closes_at, ctx->viewer_zone, mine, sizeof mine);
	if (!it->open)
		snprintf(left, sizeof left, "(%s)", it->status);
	else
		mr_when_left(now, it->closes_at, left, sizeof left);
	if (it->open && it->closes_at < now)
		color = cli_color(ctx, "\033[31m");		/* overdue: red */
	else if (it->open && it->closes_at - now < 7 * 86400)
		color = cli_color(ctx, "\033[33m");		/* this week: yellow */
	printf("%s%-9s %-6lld %-24.24s %-9s %-16s %-22s %-22s %s%s\n", color,
	    it->what, (long long)it->id, it->name, tin, it->kind, announced, mine,
	    left, color[0] ? cli_color(ctx, "\033[0m") : "");
	return 0;
}

static void
header(struct cli_ctx *ctx)
{
	printf("%s%-9s %-6s %-24s %-9s %-16s %-22s %-22s %s%s\n",
	    cli_color(ctx, "\033[1m"), "WHAT", "ID", "CLINICIAN", "TIN",
	    "KIND", "CLOSES (ANNOUNCED)", "CLOSES (YOURS)", "LEFT",
	    cli_color(ctx, "\033[0m"));
}

static void
count_line(const struct due_out *out)
{
	printf("%lld %s with no deadline known\n", out->undated,
	    out->undated == 1 ? "item" : "items");
}

/* --undated: every item with no known deadline, one by one, as it is read. */
static int
due_undated(struct cli_ctx *ctx, const struct mr_deadline_filter *f,
    struct due_out *out)
{
	struct mr_err err = { 0 };

	out->stream = ctx->json;
	if (!ctx->json)
		header(ctx);
	if (mr_deadline_each_undated(ctx->st, f, undated_one, out, &err) == -1) {
		if (out->stream && out->undated > 0)
			fputs("\n]\n", stdout);
		return cli_fail(ctx, &err);
	}
	if (ctx->json) {
		fputs(out->undated > 0 ? "\n]\n" : "[]\n", stdout);
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
	}
	count_line(out);
	return EXIT_OK;
}

int
cmd_due(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_deadline_filter f = { 0 };
	struct due_out out = { .ctx = ctx };
	struct mr_err err = { 0 };
	const char *v;
	int undated;

	if ((v = cli_opt(a, "within")) != NULL) {
		if (mr_when_parse_duration(v, &f.within, &err) == -1)
			return cli_fail(ctx, &err);
		if (f.within == 0) {
			mr_err_set(&err, MR_EINVAL, "within '%s': a span longer "
			    "than zero is expected", v);
			return cli_fail(ctx, &err);
		}
	}
	f.overdue_only = cli_opt(a, "overdue") != NULL;
	undated = cli_opt(a, "undated") != NULL;
	if (undated && (f.within || f.overdue_only))
		return cli_usage(ctx, "--undated lists the items with no deadline: "
		    "--within and --overdue do not apply");
	f.include_closed = cli_opt(a, "all") != NULL;
	if ((v = cli_opt(a, "zone")) != NULL) {
		if (mr_when_zone_valid(v, &err) == -1)
			return cli_fail(ctx, &err);
		ctx->viewer_zone = v;
	}
	if (f.overdue_only && f.within)
		return cli_usage(ctx, "--overdue and --within exclude each other");
	if (ctx->json && (out.view = cli_view(ctx)) == NULL)
		return EXIT_FAIL;
	if (undated)
		return due_undated(ctx, &f, &out);
	if (ctx->json && (out.array = json_array()) == NULL)
		return EXIT_FAIL;
	if (!ctx->json)
		header(ctx);
	if (mr_deadline_each(ctx->st, &f, due_one, &out, &err) == -1 ||
	    mr_deadline_undated_summary(ctx->st, &f, undated_group, undated_one,
	    &out, &err) == -1) {
		json_decref(out.array);
		return cli_fail(ctx, &err);
	}
	if (ctx->json)
		return cli_print_json(out.array);
	if (out.n == 0 && out.undated == 0)
		printf("(nothing due)\n");
	count_line(&out);
	return EXIT_OK;
}
