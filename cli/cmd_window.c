/* mipsreview window: the review windows CMS announces, and extensions. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_store.h"
#include "lib/mr_view.h"
#include "lib/mr_when.h"
#include "lib/mr_window.h"

/* The options of add and set, as the command table declares them. */
static void
parse_input(const struct cli_args *a, struct mr_window_input *in)
{
	in->kind = cli_opt(a, "kind");
	in->year = cli_opt(a, "year");
	in->closes = cli_opt(a, "closes");
	in->opens = cli_opt(a, "opens");
	in->name = cli_opt(a, "name");
	in->source = cli_opt(a, "source");
	in->zone = cli_opt(a, "zone");
}

static void
print_window_row(const struct cli_ctx *ctx, const struct mr_window *w)
{
	char when[48], left[40];

	render_short_time(w->closes_at, w->zone, when, sizeof when);
	mr_when_left((time_t)ctx->now, w->closes_at, left, sizeof left);
	printf("%-4lld %-16s %-4d %-22s %-20s %-16s %s\n", (long long)w->id,
	    w->kind, w->performance_year, when, w->zone,
	    w->closes_at < (time_t)ctx->now ? "closed" : left, w->name);
}

static int
list_one(const struct mr_window *w, void *arg)
{
	struct cli_ctx *ctx = ((void **)arg)[0];
	json_t *array = ((void **)arg)[1];

	if (array != NULL)
		return json_array_append_new(array,
		    mr_view_window(ctx->view, w)) == 0 ? 0 : 1;
	print_window_row(ctx, w);
	return 0;
}

static void
print_window_full(const struct cli_ctx *ctx, const struct mr_window *w)
{
	char human[64], local[64], left[40], utc[32];

	mr_when_format_human(w->closes_at, w->zone, human, sizeof human);
	mr_when_format_human(w->closes_at, ctx->viewer_zone, local, sizeof local);
	mr_when_iso_utc(w->closes_at, utc, sizeof utc);
	mr_when_left((time_t)ctx->now, w->closes_at, left, sizeof left);
	printf("Window %lld  %s\n", (long long)w->id, w->name);
	printf("  Kind           %s\n", w->kind);
	printf("  Year           performance %d, payment %d\n",
	    w->performance_year, w->performance_year + 2);
	if (w->has_opens) {
		char opens[64];

		mr_when_format_human(w->opens_at, w->zone, opens, sizeof opens);
		printf("  Opens          %s\n", opens);
	}
	printf("  Closes         %s (%s)\n", human, w->zone);
	if (strcmp(w->zone, ctx->viewer_zone) != 0)
		printf("                 %s (%s, your zone)\n", local,
		    ctx->viewer_zone);
	printf("                 %s\n", utc);
	printf("  Time left      %s\n", left);
	printf("  Source         %s\n", w->source[0] ? w->source : "-");
	printf("  Revision       %lld (updated %s)\n", (long long)w->revision,
	    w->updated_at);
}

static int
show_window(struct cli_ctx *ctx, long long id)
{
	struct mr_window w;
	struct mr_err err = { 0 };
	int rc = EXIT_OK;

	if (mr_window_get(ctx->st, id, &w, &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json)
		rc = cli_print_json(cli_view(ctx) ?
		    mr_view_window(ctx->view, &w) : NULL);
	else
		print_window_full(ctx, &w);
	mr_window_release(&w);
	return rc;
}

int
cmd_window_add(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_window_input in = { 0 };
	struct mr_err err = { 0 };
	int64_t newid;

	parse_input(a, &in);
	if (in.kind == NULL || in.year == NULL || in.closes == NULL)
		return cli_usage(ctx, "window add needs --kind, --year and "
		    "--closes");
	if (mr_window_add(ctx->st, &in, &newid, &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json)
		return show_window(ctx, newid);
	printf("%lld\n", (long long)newid);
	return EXIT_OK;
}

int
cmd_window_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	json_t *array = NULL;
	void *args[2] = { ctx, NULL };
	const char *kind = cli_opt(a, "kind"), *year_text = cli_opt(a, "year");
	int year = 0;

	if (year_text != NULL && sscanf(year_text, "%d", &year) != 1)
		return cli_usage(ctx, "--year: a year like 2023 is expected");
	if (kind != NULL && mr_window_kind_valid(kind, &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json && (cli_view(ctx) == NULL ||
	    (args[1] = array = json_array()) == NULL))
		return cli_print_json(NULL);
	if (!ctx->json)
		printf("%-4s %-16s %-4s %-22s %-20s %-16s %s\n", "ID", "KIND",
		    "YEAR", "CLOSES", "ZONE", "LEFT", "NAME");
	if (mr_window_each(ctx->st, year, kind, list_one, args, &err) == -1) {
		json_decref(array);
		return cli_fail(ctx, &err);
	}
	return ctx->json ? cli_print_json(array) : EXIT_OK;
}

int
cmd_window_show(struct cli_ctx *ctx, struct cli_args *a)
{
	long long id;
	int rc;

	if ((rc = cli_parse_id(ctx, "window", a->argv[0], &id)) != EXIT_OK)
		return rc;
	return show_window(ctx, id);
}

int
cmd_window_set(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_window_input in = { 0 };
	struct mr_err err = { 0 };
	long long id;
	int rc;

	if ((rc = cli_parse_id(ctx, "window", a->argv[0], &id)) != EXIT_OK)
		return rc;
	parse_input(a, &in);
	if (in.kind == NULL && in.year == NULL && in.closes == NULL &&
	    in.opens == NULL && in.name == NULL && in.source == NULL &&
	    in.zone == NULL)
		return cli_usage(ctx, "nothing to set");
	if (mr_window_set(ctx->st, id, &in, &err) == -1)
		return cli_fail(ctx, &err);
	return EXIT_OK;
}

int
cmd_window_extend(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	const char *closes = cli_opt(a, "closes");
	long long id;
	int64_t moved = 0;
	int rc;

	if ((rc = cli_parse_id(ctx, "window", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (closes == NULL)
		return cli_usage(ctx, "window extend needs --closes TIME");
	if (mr_window_extend(ctx->st, id, closes, cli_opt(a, "source"), &moved,
	    &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json)
		return show_window(ctx, id);
	printf("window %lld extended; %lld open item%s (cases, filings) moved "
	    "with it\n", id, (long long)moved, moved == 1 ? "" : "s");
	return EXIT_OK;
}
