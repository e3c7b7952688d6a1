/*
 * mipsreview reference: the reference facts (program years, weights,
 * redistribution, payment scales, windows, evidence requirements) with
 * their sources, and the packs that update them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/mr_file.h"
#include "lib/mr_input.h"
#include "lib/mr_reference.h"

/* Packs are small (hundreds of facts); refuse to read a runaway file. */
#define PACK_MAX	(16u << 20)

static char *
read_pack(struct cli_ctx *ctx, const char *path, size_t *len, int *rc)
{
	struct mr_err err = { 0 };
	FILE *f = NULL;
	char *buf = NULL;
	size_t n;

	*rc = EXIT_FAIL;
	/* A FIFO or a device would hang here or never end: regular files. */
	if (mr_input_fopen(path, "reference pack", &f, &err) == -1) {
		*rc = cli_fail(ctx, &err);
		return NULL;
	}
	if ((buf = malloc(PACK_MAX + 1)) == NULL) {
		mr_err_set(&err, MR_EFAIL, "out of memory");
		goto fail;
	}
	n = fread(buf, 1, PACK_MAX + 1, f);
	if (ferror(f)) {
		mr_err_set(&err, MR_EFAIL, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (n > PACK_MAX) {
		mr_err_set(&err, MR_EINVAL, "%s: a reference pack is at most "
		    "16 MiB", path);
		goto fail;
	}
	fclose(f);
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	*rc = cli_fail(ctx, &err);
	return NULL;
}

int
cmd_reference_import(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_reference_result res;
	struct mr_err err = { 0 };
	const char *path = a->argv[0];
	size_t len = 0;
	char *data;
	int rc;

	if ((data = read_pack(ctx, path, &len, &rc)) == NULL)
		return rc;
	if (mr_reference_import(ctx->st, data, len, "office", &res, &err) == -1) {
		char msg[sizeof err.msg];

		free(data);
		snprintf(msg, sizeof msg, "%s", err.msg);
		mr_err_set(&err, err.code, "%s: %s; nothing was imported",
		    path, msg);
		return cli_fail(ctx, &err);
	}
	free(data);
	if (ctx->json)
		return cli_print_json(json_pack("{s:I, s:s, s:s, s:b, s:i, s:i, "
		    "s:i, s:s}", "pack_id", (json_int_t)res.pack_id, "digest",
		    res.digest, "date", res.date, "already_applied", res.already,
		    "facts", res.facts, "changed", res.changed, "conflicts",
		    res.conflicts, "conflicting_windows", res.conflict_names));
	if (res.already) {
		printf("pack of %s (sha256 %.12s) was applied before (pack %lld); "
		    "nothing to do\n", res.date, res.digest, (long long)res.pack_id);
		return EXIT_OK;
	}
	printf("pack of %s (sha256 %.12s): %d facts, %d added or changed, "
	    "%d conflicts\n", res.date, res.digest, res.facts, res.changed,
	    res.conflicts);
	if (res.conflicts)
		fprintf(stderr, "%s: kept the office's own windows (the pack's "
		    "are not applied): %s\n", ctx->prog, res.conflict_names);
	return EXIT_OK;
}

int
cmd_reference_export(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	const char *out = cli_opt(a, "output");
	struct mr_file *file = NULL;
	json_t *pack;
	int bad;

	if ((pack = mr_reference_export(ctx->st, 0, NULL, &err)) == NULL)
		return cli_fail(ctx, &err);
	if (out == NULL || strcmp(out, "-") == 0)
		return cli_print_json(pack);
	if (mr_file_open(out, 0600, &file, &err) == -1) {
		json_decref(pack);
		return cli_fail(ctx, &err);
	}
	bad = json_dumpf(pack, mr_file_stream(file), JSON_INDENT(2)) == -1 ||
	    fputc('\n', mr_file_stream(file)) == EOF;
	json_decref(pack);
	if (bad) {
		mr_file_abort(file);
		mr_err_set(&err, MR_EFAIL, "%s: could not write the pack", out);
		return cli_fail(ctx, &err);
	}
	if (mr_file_commit(file, &err) == -1)
		return cli_fail(ctx, &err);
	printf("exported the reference facts to %s\n", out);
	return EXIT_OK;
}

static void
fact_text(json_t *o)
{
	const char *kind = json_string_value(json_object_get(o, "kind"));
	json_t *y = json_object_get(o, "year");
	char what[200], yr[8] = "-";

	if (json_is_integer(y))
		snprintf(yr, sizeof yr, "%lld", (long long)json_integer_value(y));
	if (strcmp(kind, "program-year") == 0)
		snprintf(what, sizeof what, "threshold %g, applicable percent %g%s",
		    json_number_value(json_object_get(o, "performance_threshold")),
		    json_number_value(json_object_get(o, "max_adjustment_pct")),
		    json_is_null(json_object_get(o, "exceptional_threshold")) ?
		    "" : ", exceptional bonus");
	else if (strcmp(kind, "weights") == 0)
		snprintf(what, sizeof what, "%s%s%s: Q %g C %g IA %g PI %g",
		    *json_string_value(json_object_get(o, "reweighted")) ?
		    "without " : "weights",
		    json_string_value(json_object_get(o, "reweighted")),
		    strcmp(json_string_value(json_object_get(o, "practice")),
		    "small") == 0 ? " (small)" : "",
		    json_number_value(json_object_get(o, "quality")),
		    json_number_value(json_object_get(o, "cost")),
		    json_number_value(json_object_get(o, "ia")),
		    json_number_value(json_object_get(o, "pi")));
	else if (strcmp(kind, "auto-reweight") == 0)
		snprintf(what, sizeof what, "%s reweighted for everyone",
		    json_string_value(json_object_get(o, "category")));
	else if (strcmp(kind, "bonus") == 0)
		snprintf(what, sizeof what, "%s: %g %s", json_string_value(
		    json_object_get(o, "bonus")), json_number_value(
		    json_object_get(o, "points")), strcmp(json_string_value(
		    json_object_get(o, "applies_to")), "quality") == 0 ?
		    "measure points in quality" : "points on the final score");
	else if (strcmp(kind, "payment-scale") == 0)
		snprintf(what, sizeof what, "+%g %% at 100",
		    json_number_value(json_object_get(o, "max_positive_pct")));
	else if (strcmp(kind, "euc-county") == 0)
		snprintf(what, sizeof what, "automatic EUC: %s, %s (%zu ZIP codes)",
		    json_string_value(json_object_get(o, "county")),
		    json_string_value(json_object_get(o, "state")),
		    json_array_size(json_object_get(o, "zips")));
	else if (strcmp(kind, "window") == 0)
		snprintf(what, sizeof what, "%s closes %s",
		    json_string_value(json_object_get(o, "name")),
		    json_string_value(json_object_get(o, "closes_at")));
	else
		snprintf(what, sizeof what, "%s needs %s%s%s%s",
		    json_string_value(json_object_get(o, "reason")),
		    json_string_value(json_object_get(o, "evidence_kind")),
		    json_is_string(json_object_get(o, "one_of")) ?
		    " (one_of " : "", json_is_string(json_object_get(o,
		    "one_of")) ? json_string_value(json_object_get(o,
		    "one_of")) : "", json_is_string(json_object_get(o,
		    "one_of")) ? ")" : "");
	printf("%-20s %-4s %-50.50s %-10s %s%s\n", kind, yr, what,
	    json_is_true(json_object_get(o, "verified")) ? "verified" :
	    "unverified", json_is_true(json_object_get(o, "advice")) &&
	    strncmp(json_string_value(json_object_get(o, "source")), "advice",
	    6) != 0 ? "[advice] " : "",
	    json_string_value(json_object_get(o, "source")));
}

int
cmd_reference_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	const char *kind = cli_opt(a, "kind"), *v;
	json_t *pack, *packs, *facts, *o;
	size_t i;
	int rc, year = 0;

	if ((v = cli_opt(a, "year")) != NULL &&
	    (rc = cli_parse_year(ctx, v, &year)) != EXIT_OK)
		return rc;
	if (kind != NULL && mr_reference_kind_valid(kind, &err) == -1)
		return cli_fail(ctx, &err);
	if ((packs = mr_reference_packs(ctx->st, &err)) == NULL)
		return cli_fail(ctx, &err);
	if ((pack = mr_reference_export(ctx->st, year, kind, &err)) == NULL) {
		json_decref(packs);
		return cli_fail(ctx, &err);
	}
	facts = json_incref(json_object_get(pack, "facts"));
	json_decref(pack);
	if (ctx->json)
		return cli_print_json(json_pack("{s:o, s:o}", "packs", packs,
		    "facts", facts));
	if (json_array_size(packs) == 0)
		printf("Reference data: as shipped with this release\n");
	json_array_foreach(packs, i, o) {
		const char *names = json_string_value(json_object_get(o,
		    "conflict_names"));

		printf("Pack %lld: %s, %s, sha256 %s, %s, applied %s by %s "
		    "(%lld changed, %lld conflicts%s%s)\n",
		    (long long)json_integer_value(json_object_get(o, "id")),
		    json_string_value(json_object_get(o, "date")),
		    json_string_value(json_object_get(o, "publisher")),
		    json_string_value(json_object_get(o, "digest")),
		    strcmp(json_string_value(json_object_get(o, "origin")),
		    "release") == 0 ? "shipped with a release" :
		    "imported by the office",
		    json_string_value(json_object_get(o, "applied_at")),
		    json_string_value(json_object_get(o, "applied_by")),
		    (long long)json_integer_value(json_object_get(o, "changed")),
		    (long long)json_integer_value(json_object_get(o, "conflicts")),
		    names && *names ? ", the office's kept: " : "",
		    names ? names : "");
	}
	printf("\n%-20s %-4s %-50s %-10s %s\n", "KIND", "YEAR", "FACT",
	    "CHECKED", "SOURCE");
	json_array_foreach(facts, i, o)
		fact_text(o);
	printf("%zu facts\n", json_array_size(facts));
	json_decref(packs);
	json_decref(facts);
	return EXIT_OK;
}
