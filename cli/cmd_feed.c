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
#include "cli/render.h"
#include "lib/mr_config.h"
#include "lib/mr_feed.h"
#include "lib/mr_view.h"

int
cmd_feed_add(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_config *cfg = NULL;
	struct mr_err err = { 0 };
	const char *tin = cli_opt(a, "tin"), *base, *v;
	char token[MR_FEED_TOKEN_LEN + 1], *url = NULL;
	int64_t id;
	int rc, year = 0;
	size_t blen;

	if ((v = cli_opt(a, "year")) != NULL &&
	    (rc = cli_parse_year(ctx, v, &year)) != EXIT_OK)
		return rc;
	/* Read the base URL first: a bad config must not leave a feed behind. */
	if (mr_config_load(ctx->config_path, 0, &cfg, &err) == -1)
		return cli_fail(ctx, &err);
	base = mr_config_get(cfg, MR_CFG_BASE_URL);
	blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		goto out;
	if (mr_feed_add(ctx->st, a->argv[0], tin, year, token, sizeof token,
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
		rc = cli_print_json(cli_view(ctx) ? mr_view_feed_added(ctx->view,
		    id, a->argv[0], url) : NULL);
	else {
		printf("%s\n", url);
		fprintf(stderr, "feed %lld '%s' added; this URL is shown only "
		    "once: subscribe to it now or keep it safe\n", (long long)id,
		    a->argv[0]);
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
	if (o->array != NULL)
		return json_array_append_new(o->array,
		    mr_view_feed(o->ctx->view, f)) == 0 ? 0 : 1;
	if (f->tin[0] != '\0')
		render_tin(o->ctx, f->tin, tin, sizeof tin);
	if (o->n == 1)
		printf("%-4s %-24s %-10s %-5s %-21s %s\n", "ID", "NAME", "TIN",
		    "YEAR", "CREATED", "REVOKED");
	snprintf(year, sizeof year, "%d", f->year);
	printf("%-4lld %-24.24s %-10s %-5s %-21s %s\n", (long long)f->id,
	    f->name, tin[0] ? tin : "any", f->year ? year : "any",
	    f->created_at, f->revoked_at[0] ? f->revoked_at : "-");
	return 0;
}

int
cmd_feed_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct list_out o = { .ctx = ctx };
	struct mr_err err = { 0 };
	int rc, all = cli_opt(a, "all") != NULL;

	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		return rc;
	if (ctx->json && (cli_view(ctx) == NULL ||
	    (o.array = json_array()) == NULL))
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

int
cmd_feed_revoke(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_feed f;
	struct mr_err err = { 0 };
	int rc;

	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		return rc;
	if (mr_feed_revoke(ctx->st, a->argv[0], &f, &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json)
		return cli_print_json(cli_view(ctx) ?
		    mr_view_feed_revoked(ctx->view, &f) : NULL);
	printf("feed %lld '%s' revoked\n", (long long)f.id, f.name);
	return EXIT_OK;
}
