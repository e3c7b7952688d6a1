/*
 * mipsreview lookup --tin TIN | --file FILE: the eligibility records of
 * many clinicians — every NPI of the office's open cases under a TIN, or
 * the NPIs of a file — asked of CMS a few at a time within the configured
 * rate limit, each kept as it arrives; records kept within a day are not
 * asked again (unless --refresh), so a re-run after an interruption goes
 * on where it stopped.  A progress line on a terminal; then a summary:
 * fetched, kept, failed, and the review grounds found in the open cases.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/lookup.h"
#include "lib/mr_case.h"
#include "lib/mr_eligibility.h"
#include "lib/mr_grounds.h"
#include "lib/mr_ident.h"
#include "lib/mr_input.h"
#include "lib/mr_npilist.h"
#include "lib/mr_qpp.h"
#include "lib/mr_qpp_batch.h"
#include "lib/mr_view.h"

/* A record retrieved within this long is fresh: not asked for again. */
#define FRESH_SECS	86400

struct collect {
	struct mr_qpp_item *items;
	int		 n, cap;
	int		 year;	/* --year, or 0: the case's */
	int		 failed;
};

static int
add_item(struct collect *c, const char *npi, int year)
{
	for (int i = 0; i < c->n; i++)
		if (c->items[i].year == year && strcmp(c->items[i].npi, npi) == 0)
			return 0;
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 64;
		void *p = realloc(c->items, (size_t)cap * sizeof *c->items);

		if (p == NULL)
			return -1;
		c->items = p;
		c->cap = cap;
	}
	memset(&c->items[c->n], 0, sizeof c->items[c->n]);
	snprintf(c->items[c->n].npi, sizeof c->items[c->n].npi, "%s", npi);
	c->items[c->n++].year = year;
	return 0;
}

static int
case_npi(const struct mr_case *cs, void *arg)
{
	struct collect *c = arg;

	if (cs->npi[0] == '\0')
		return 0;
	if (add_item(c, cs->npi, c->year ? c->year : cs->performance_year) == -1) {
		c->failed = 1;
		return 1;
	}
	return 0;
}

struct grounds_count {
	struct mr_store	*st;
	const struct mr_elig_record *rec;
	int		 grounds, cases;
	struct mr_err	*err;
	int		 failed;
};

static int
case_grounds(const struct mr_case *cs, void *arg)
{
	struct grounds_count *g = arg;
	struct mr_ground found[MR_GROUNDS_MAX];
	int n = 0, k = 0;

	if (mr_grounds_find(cs, g->rec, found, MR_GROUNDS_MAX, &n, g->err) == -1 ||
	    mr_grounds_place(g->st, cs, found, MR_GROUNDS_MAX, &n, g->err) == -1) {
		g->failed = 1;
		return 1;
	}
	for (int i = 0; i < n; i++)
		k += found[i].finding == MR_GROUND_SUPPORTS ||
		    found[i].finding == MR_GROUND_POSSIBLE;
	g->grounds += k;
	g->cases += k > 0;
	return 0;
}

static void
progress(int done, int total, void *arg)
{
	(void)arg;
	fprintf(stderr, "\rlookup: %d of %d records settled", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int
read_file(struct cli_ctx *ctx, const char *path, struct mr_npilist *list,
    struct mr_err *err)
{
	FILE *fp = NULL;
	char *data = NULL;
	size_t len = 0, cap = 0, got;
	int rc = -1;

	(void)ctx;
	if (mr_input_fopen_stdin(path, "NPI file", &fp, err) == -1)
		return -1;
	for (;;) {
		if (len + 65536 > cap) {
			char *p;

			if (cap > (64u << 20)) {
				mr_err_set(err, MR_EINVAL, "%s: larger than 64 MiB",
				    path);
				goto out;
			}
			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(data, cap)) == NULL) {
				mr_err_set(err, MR_EFAIL, "out of memory");
				goto out;
			}
			data = p;
		}
		if ((got = fread(data + len, 1, cap - len, fp)) == 0)
			break;
		len += got;
	}
	if (ferror(fp)) {
		mr_err_set(err, MR_EFAIL, "%s: cannot be read", path);
		goto out;
	}
	rc = mr_npilist_parse(data ? data : "", len, path, list, err);
out:
	free(data);
	fclose(fp);
	return rc;
}

int
lookup_many(struct cli_ctx *ctx, struct cli_args *a, int year, int refresh)
{
	struct mr_err err = { 0 }, first = { 0 };
	struct mr_qpp_settings set;
	struct mr_qpp_client *client = NULL;
	struct mr_qpp_batch_opts opts;
	struct collect c = { 0 };
	struct mr_npilist list = { 0 };
	struct mr_case_filter f = { 0 };
	const char *tin_arg = cli_opt(a, "tin"), *file = cli_opt(a, "file");
	char tin[10];
	int rc = EXIT_FAIL, fetched = 0, fresh = 0, failed = 0, changed = 0;
	int grounds = 0, gcases = 0;
	const char *first_npi = "";

	if (tin_arg && file)
		return cli_usage(ctx, "--tin and --file exclude each other");
	if (a->argc > 0)
		return cli_usage(ctx, "--tin and --file take no NPI or CASE");
	if (cli_opt(a, "attach") || cli_opt(a, "offline") || cli_opt(a, "run"))
		return cli_usage(ctx, "--attach, --offline and --run are for one "
		    "NPI or CASE");
	c.year = year;
	if (tin_arg) {
		if (mr_tin_normalize(tin_arg, tin, sizeof tin, &err) == -1)
			return cli_fail(ctx, &err);
		f.tin = tin;
		f.open_only = 1;
		f.year = year;
		if (mr_case_list(ctx->st, &f, case_npi, &c, &err) == -1)
			goto fail;
		if (c.failed) {
			mr_err_set(&err, MR_EFAIL, "out of memory");
			goto fail;
		}
		if (c.n == 0) {
			mr_err_set(&err, MR_ENOTFOUND, "no open case under this TIN "
			    "names a clinician (NPI)%s; 'mipsreview list --tin "
			    "TIN --open' shows them", year ? " for that year" : "");
			goto fail;
		}
	} else {
		if (read_file(ctx, file, &list, &err) == -1)
			goto fail;
		if (c.year == 0) {
			time_t t = (time_t)ctx->now;
			struct tm tm;

			gmtime_r(&t, &tm);
			c.year = tm.tm_year + 1900;
		}
		for (int i = 0; i < list.n; i++)
			if (add_item(&c, list.npi[i], c.year) == -1) {
				mr_err_set(&err, MR_EFAIL, "out of memory");
				goto fail;
			}
	}
	if (lookup_settings(ctx, &set, &err) == -1 ||
	    mr_qpp_client_new(&set, &client, &err) == -1)
		goto fail;
	memset(&opts, 0, sizeof opts);
	opts.now = (time_t)ctx->now;
	opts.fresh_secs = refresh ? 0 : FRESH_SECS;
	opts.api_version = set.api_version;
	if (isatty(STDERR_FILENO))
		opts.progress = progress;
	if (mr_qpp_batch(ctx->st, client, c.items, c.n, &opts, &err) == -1)
		goto fail;
	for (int i = 0; i < c.n; i++) {
		struct mr_qpp_item *it = &c.items[i];
		struct mr_elig_kept kept;
		struct mr_elig_record rec;
		struct grounds_count g = { ctx->st, &rec, 0, 0, &err, 0 };
		struct mr_case_filter cf = { 0 };

		if (it->state == MR_QPP_ITEM_FAILED) {
			if (failed++ == 0) {
				first = it->err;
				first_npi = it->npi;
			}
			continue;
		}
		fetched += it->state == MR_QPP_ITEM_FETCHED;
		fresh += it->state == MR_QPP_ITEM_FRESH;
		changed += it->state == MR_QPP_ITEM_FETCHED && it->changed;
		/* The grounds the record gives the office's open cases. */
		if (mr_elig_load(ctx->st, it->npi, it->year, &kept, &err) == -1)
			goto fail;
		if (mr_elig_parse(kept.body, kept.len, it->npi, &rec, &err) == -1) {
			mr_elig_kept_release(&kept);
			goto fail;
		}
		cf.npi = it->npi;
		cf.year = it->year;
		cf.open_only = 1;
		cf.tin = tin_arg ? tin : NULL;
		if (mr_case_list(ctx->st, &cf, case_grounds, &g, &err) == -1)
			g.failed = 1;
		mr_elig_release(&rec);
		mr_elig_kept_release(&kept);
		if (g.failed)
			goto fail;
		grounds += g.grounds;
		gcases += g.cases;
	}
	if (ctx->json) {
		if (cli_view(ctx) == NULL)
			goto out;
		rc = cli_print_json(mr_view_lookup_batch(ctx->view, c.items, c.n,
		    grounds, gcases));
	} else {
		printf("%d record%s: %d fetched from CMS (%d changed), %d kept "
		    "(fresh, not asked again), %d failed\n", c.n, c.n == 1 ?
		    "" : "s", fetched, changed, fresh, failed);
		for (int i = 0; i < c.n; i++)
			if (c.items[i].state == MR_QPP_ITEM_FAILED)
				printf("  failed: NPI %s, %d: %s\n", c.items[i].npi,
				    c.items[i].year, c.items[i].err.msg);
		printf("Grounds found: %d in %d open case%s ('mipsreview grounds "
		    "CASE' lists them)\n", grounds, gcases, gcases == 1 ? "" :
		    "s");
		rc = EXIT_OK;
	}
	if (rc == EXIT_OK && failed > 0) {
		/* The summary is printed; the failure still decides the status. */
		fprintf(stderr, "%s: %d of %d record%s failed (NPI %s: %s)\n",
		    ctx->prog, failed, c.n, c.n == 1 ? "" : "s", first_npi,
		    first.msg);
		rc = cli_fail_status(&first);
	}
	goto out;
fail:
	rc = cli_fail(ctx, &err);
out:
	mr_qpp_client_free(client);
	mr_npilist_release(&list);
	free(c.items);
	return rc;
}
