/* mipsreview window: the review windows CMS announces, and extensions. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"
#include "lib/mr_window.h"

enum { O_KIND = 0x200, O_YEAR, O_CLOSES, O_OPENS, O_NAME, O_SOURCE, O_ZONE };

static const struct option window_longopts[] = {
	{ "kind", required_argument, NULL, O_KIND },
	{ "year", required_argument, NULL, O_YEAR },
	{ "closes", required_argument, NULL, O_CLOSES },
	{ "opens", required_argument, NULL, O_OPENS },
	{ "name", required_argument, NULL, O_NAME },
	{ "source", required_argument, NULL, O_SOURCE },
	{ "zone", required_argument, NULL, O_ZONE },
	CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

/* Parse the options of add/set/extend into in; -1 or an exit status. */
static int
parse_input(struct cli_ctx *ctx, int argc, char **argv,
    struct mr_window_input *in)
{
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", window_longopts, NULL)) != -1) {
		switch (ch) {
		case O_KIND: in->kind = optarg; break;
		case O_YEAR: in->year = optarg; break;
		case O_CLOSES: in->closes = optarg; break;
		case O_OPENS: in->opens = optarg; break;
		case O_NAME: in->name = optarg; break;
		case O_SOURCE: in->source = optarg; break;
		case O_ZONE: in->zone = optarg; break;
		default:
			if ((rc = cli_common_option(ctx, ch)) != -1)
				return rc;
		}
	}
	return -1;
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
		    mr_window_to_json(w, (time_t)ctx->now)) == 0 ? 0 : 1;
	print_window_row(ctx, w);
	return 0;
}

static void
print_window_full(const struct cli_ctx *ctx, const struct mr_window *w)
{
	char human[64], local[64], left[40], utc[32];

	mr_when_format_human(w->closes_at, w->zone, human, sizeof human);
	mr_when_format_human(w->closes_at, ctx->viewer_zone, local, sizeof local);
	mr_time_iso_utc(w->closes_at, utc, sizeof utc);
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
		rc = cli_print_json(mr_window_to_json(&w, (time_t)ctx->now));
	else
		print_window_full(ctx, &w);
	mr_window_release(&w);
	return rc;
}

int
cmd_window(struct cli_ctx *ctx, int argc, char **argv)
{
	struct mr_window_input in = { 0 };
	struct mr_err err = { 0 };
	const char *sub;
	long long id = 0;
	int64_t newid, moved = 0;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return argc < 2 ? cli_usage(ctx, "a subcommand is expected: add, "
		    "list, show, set or extend") : cli_common_option(ctx, 'h');
	sub = argv[1];
	argc--;
	argv++;
	if ((rc = parse_input(ctx, argc, argv, &in)) != -1)
		return rc;
	if (strcmp(sub, "add") == 0) {
		if (optind != argc)
			return cli_usage(ctx, "unexpected argument '%s'", argv[optind]);
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
	if (strcmp(sub, "list") == 0) {
		json_t *array = ctx->json ? json_array() : NULL;
		void *args[2] = { ctx, array };
		int year = 0;

		if (optind != argc)
			return cli_usage(ctx, "unexpected argument '%s'", argv[optind]);
		if (in.year != NULL && sscanf(in.year, "%d", &year) != 1)
			return cli_usage(ctx, "--year: a year like 2023 is expected");
		if (in.kind != NULL && mr_window_kind_valid(in.kind, &err) == -1)
			return cli_fail(ctx, &err);
		if (!ctx->json)
			printf("%-4s %-16s %-4s %-22s %-20s %-16s %s\n", "ID", "KIND",
			    "YEAR", "CLOSES", "ZONE", "LEFT", "NAME");
		if (mr_window_each(ctx->st, year, in.kind, list_one, args,
		    &err) == -1) {
			json_decref(array);
			return cli_fail(ctx, &err);
		}
		return ctx->json ? cli_print_json(array) : EXIT_OK;
	}
	if (strcmp(sub, "show") != 0 && strcmp(sub, "set") != 0 &&
	    strcmp(sub, "extend") != 0)
		return cli_usage(ctx, "unknown subcommand '%s': use add, list, "
		    "show, set or extend", sub);
	if (argc - optind != 1)
		return cli_usage(ctx, "one WINDOW id is expected");
	if ((rc = cli_parse_id(ctx, "window", argv[optind], &id)) != EXIT_OK)
		return rc;
	if (strcmp(sub, "show") == 0)
		return show_window(ctx, id);
	if (strcmp(sub, "set") == 0) {
		if (in.kind == NULL && in.year == NULL && in.closes == NULL &&
		    in.opens == NULL && in.name == NULL && in.source == NULL &&
		    in.zone == NULL)
			return cli_usage(ctx, "nothing to set");
		if (mr_window_set(ctx->st, id, &in, &err) == -1)
			return cli_fail(ctx, &err);
		return EXIT_OK;
	}
	if (in.closes == NULL)
		return cli_usage(ctx, "window extend needs --closes TIME");
	if (in.kind || in.year || in.opens || in.name || in.zone)
		return cli_usage(ctx, "window extend takes only --closes and "
		    "--source; use 'window set' for other changes");
	if (mr_window_extend(ctx->st, id, in.closes, in.source, &moved,
	    &err) == -1)
		return cli_fail(ctx, &err);
	if (!ctx->json)
		printf("window %lld extended; %lld open item%s (cases, filings) moved with it\n",
		    id, (long long)moved, moved == 1 ? "" : "s");
	else
		return show_window(ctx, id);
	return EXIT_OK;
}
