/*
 * mipsreview feed add|list|revoke: calendar subscriptions served by
 * mipsreviewd.  The URL (and so the token) is printed once, by add; the
 * database keeps only the token's SHA-256.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/mr_config.h"
#include "lib/mr_feed.h"
#include "lib/mr_ident.h"

static int
feed_add(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { O_TIN = 0x200, O_YEAR };
	static const struct option longopts[] = {
		{ "tin", required_argument, NULL, O_TIN },
		{ "year", required_argument, NULL, O_YEAR },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct mr_config *cfg = NULL;
	struct mr_err err = { 0 };
	const char *tin = NULL, *base;
	char token[MR_FEED_TOKEN_LEN + 1], *url = NULL, *end;
	int64_t id;
	int ch, rc, year = 0;
	size_t blen;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case O_TIN:
			tin = optarg;
			break;
		case O_YEAR:
			errno = 0;
			year = (int)strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || year < 2017 ||
			    year > 2100) {
				fprintf(stderr, "%s: year '%s': a performance year "
				    "like 2023 is expected\n", ctx->prog, optarg);
				return EXIT_INVALID;
			}
			break;
		default:
			if ((rc = cli_common_option(ctx, ch)) != -1)
				return rc;
		}
	}
	if (argc - optind != 1)
		return cli_usage(ctx, "feed add takes one NAME");
	/* Read the base URL first: a bad config must not leave a feed behind. */
	if (mr_config_load(ctx->config_path, 0, &cfg, &err) == -1)
		return cli_fail(ctx, &err);
	base = mr_config_get(cfg, "base_url");
	blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		goto out;
	if (mr_feed_add(ctx->st, argv[optind], tin, year, token, sizeof token,
	    &id, &err) == -1) {
		rc = cli_fail(ctx, &err);
		goto out;
	}
	if (asprintf(&url, "%.*s/calendar/%s.ics", (int)blen, base, token) == -1) {
		url = NULL;
		fprintf(stderr, "%s: out of memory\n", ctx->prog);
		rc = EXIT_FAIL;
		goto out;
	}
	if (ctx->json)
		rc = cli_print_json(json_pack("{s:I, s:s, s:s}", "id",
		    (json_int_t)id, "name", argv[optind], "url", url));
	else {
		printf("%s\n", url);
		fprintf(stderr, "feed %lld '%s' added; this URL is shown only "
		    "once: subscribe to it now or keep it safe\n", (long long)id,
		    argv[optind]);
		rc = EXIT_OK;
	}
out:
	if (url != NULL) {
		memset(url, 0, strlen(url));
		free(url);
	}
	memset(token, 0, sizeof token);
	mr_config_free(cfg);
	return rc;
}

struct list_out {
	struct cli_ctx	*ctx;
	json_t		*array;
	int		 n;
};

static int
list_one(const struct mr_feed *f, void *arg)
{
	struct list_out *o = arg;
	char tin[16] = "", year[12];

	o->n++;
	if (f->tin[0] != '\0') {
		if (o->ctx->reveal)
			snprintf(tin, sizeof tin, "%s", f->tin);
		else
			mr_tin_mask(f->tin, tin, sizeof tin);
	}
	if (o->array != NULL)
		return json_array_append_new(o->array, json_pack("{s:I, s:s, "
		    "s:o, s:o, s:s, s:o, s:b}", "id", (json_int_t)f->id,
		    "name", f->name, "tin", tin[0] ? json_string(tin) : json_null(),
		    "performance_year", f->year ? json_integer(f->year) :
		    json_null(), "created_at", f->created_at, "revoked_at",
		    f->revoked_at[0] ? json_string(f->revoked_at) : json_null(),
		    "active", f->revoked_at[0] == '\0')) == 0 ? 0 : 1;
	if (o->n == 1)
		printf("%-4s %-24s %-10s %-5s %-21s %s\n", "ID", "NAME", "TIN",
		    "YEAR", "CREATED", "REVOKED");
	snprintf(year, sizeof year, "%d", f->year);
	printf("%-4lld %-24.24s %-10s %-5s %-21s %s\n", (long long)f->id,
	    f->name, tin[0] ? tin : "any", f->year ? year : "any",
	    f->created_at, f->revoked_at[0] ? f->revoked_at : "-");
	return 0;
}

static int
feed_list(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { O_ALL = 0x200 };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, O_ALL },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct list_out o = { .ctx = ctx };
	struct mr_err err = { 0 };
	int ch, rc, all = 0;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == O_ALL)
			all = 1;
		else if ((rc = cli_common_option(ctx, ch)) != -1)
			return rc;
	}
	if (optind != argc)
		return cli_usage(ctx, "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		return rc;
	if (ctx->json && (o.array = json_array()) == NULL)
		return cli_print_json(NULL);
	if (mr_feed_each(ctx->st, all, list_one, &o, &err) == -1) {
		json_decref(o.array);
		return cli_fail(ctx, &err);
	}
	if (o.array != NULL)
		return cli_print_json(o.array);
	if (o.n == 0)
		printf("no %sfeeds; add one with 'mipsreview feed add NAME'\n",
		    all ? "" : "active ");
	return EXIT_OK;
}

static int
feed_revoke(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct mr_feed f;
	struct mr_err err = { 0 };
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		if ((rc = cli_common_option(ctx, ch)) != -1)
			return rc;
	if (argc - optind != 1)
		return cli_usage(ctx, "feed revoke takes one NAME or ID");
	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		return rc;
	if (mr_feed_revoke(ctx->st, argv[optind], &f, &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json)
		return cli_print_json(json_pack("{s:I, s:s, s:s}", "id",
		    (json_int_t)f.id, "name", f.name, "revoked_at", f.revoked_at));
	printf("feed %lld '%s' revoked\n", (long long)f.id, f.name);
	return EXIT_OK;
}

int
cmd_feed(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(ctx, "add, list or revoke is expected");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cli_common_option(ctx, CLI_OPT_HELP);
	if (strcmp(argv[1], "add") == 0)
		return feed_add(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return feed_list(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "revoke") == 0)
		return feed_revoke(ctx, argc - 1, argv + 1);
	return cli_usage(ctx, "unknown feed command '%s'; add, list or revoke "
	    "is expected", argv[1]);
}
