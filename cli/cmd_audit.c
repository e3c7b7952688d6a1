/* mipsreview audit: the audit trail, and the check of its hash chain. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/mr_audit.h"
#include "lib/mr_view.h"

struct audit_out {
	struct cli_ctx	*ctx;
	json_t		*array;
	int		 failed;	/* out of memory: stopped */
};

/* "score: 60 -> 72.5; status: draft -> ready" for the fields that changed. */
static void
print_changes(json_t *before, json_t *after)
{
	const char *key;
	json_t *a, *b;
	char *sa, *sb;
	int n = 0;

	if (!json_is_object(after))
		return;
	if (!json_is_object(before)) {
		if (json_object_get(after, "note") != NULL)
			printf("  \"%s\"", json_string_value(json_object_get(after,
			    "note")));
		return;
	}
	json_object_foreach(after, key, a) {
		if (strcmp(key, "updated_at") == 0)
			continue;
		b = json_object_get(before, key);
		if (b != NULL && json_equal(a, b))
			continue;
		sb = b ? json_dumps(b, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
		sa = json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT);
		printf("%s %s: %s -> %s", n++ ? ";" : " ", key, sb ? sb : "null",
		    sa ? sa : "null");
		free(sa);
		free(sb);
	}
}

static int
audit_row(const struct mr_audit_row *r, void *arg)
{
	struct audit_out *out = arg;
	/* The text shows the row's view too: TINs masked the same way. */
	json_t *row = mr_view_audit_row(out->ctx->view, r);

	if (row == NULL ||
	    (out->array != NULL && json_array_append_new(out->array, row) == -1))
		return out->failed = 1;
	if (out->array != NULL)
		return 0;
	printf("%-6lld %s  %-10s %s %-6lld %s", (long long)r->id, r->at, r->who,
	    r->entity, (long long)r->entity_id, r->action);
	print_changes(json_object_get(row, "before"), json_object_get(row,
	    "after"));
	putchar('\n');
	json_decref(row);
	return 0;
}

/* mipsreview audit anchor: the head to record elsewhere. */
static int
audit_anchor(struct cli_ctx *ctx)
{
	struct mr_audit_head hd;
	struct mr_err err = { 0 };
	char anchor[MR_AUDIT_ANCHOR_LEN];

	if (mr_audit_anchor(ctx->st, &hd, &err) == -1)
		return cli_fail(ctx, &err);
	mr_audit_anchor_format(&hd, anchor, sizeof anchor);
	if (ctx->json)
		return cli_view(ctx) == NULL ? EXIT_FAIL :
		    cli_print_json(mr_view_audit_anchor(ctx->view, &hd));
	printf("%s\n", anchor);
	return EXIT_OK;
}

int
cmd_audit(struct cli_ctx *ctx, struct cli_args *a)
{
	struct audit_out out = { .ctx = ctx };
	struct mr_audit_verdict v;
	struct mr_audit_head anchor, *want = NULL;
	struct mr_err err = { 0 };
	char head[MR_AUDIT_ANCHOR_LEN];
	const char *anchor_opt = cli_opt(a, "anchor");
	long long id = 0;
	int rc, verify = cli_opt(a, "verify") != NULL;

	if (a->argc == 1 && strcmp(a->argv[0], "anchor") == 0) {
		if (verify || anchor_opt != NULL)
			return cli_usage(ctx, "'audit anchor' takes no --verify "
			    "nor --anchor");
		return audit_anchor(ctx);
	}
	if (anchor_opt != NULL) {
		if (!verify)
			return cli_usage(ctx, "--anchor goes with --verify");
		if (mr_audit_anchor_parse(anchor_opt, &anchor, &err) == -1)
			return cli_fail(ctx, &err);
		want = &anchor;
	}
	if (a->argc == 1 &&
	    (rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (verify) {
		rc = mr_audit_verify_anchor(ctx->st, want, &v, &err);
		mr_audit_anchor_format(&v.head, head, sizeof head);
		if (ctx->json) {
			if (cli_view(ctx) == NULL)
				return EXIT_FAIL;
			cli_print_json(mr_view_audit_verified(ctx->view, rc == 0,
			    &v, want != NULL, rc == 0 ? "" : err.msg));
			return rc == 0 ? EXIT_OK : EXIT_INTEGRITY;
		}
		if (rc == -1)
			return cli_fail(ctx, &err);
		printf("audit trail intact: %lld rows, hash chain verified",
		    (long long)v.rows);
		if (v.keyed_rows > 0 && v.keyed_rows < v.rows)
			printf(" (%lld sealed with the audit key, the %lld "
			    "before it by the plain chain)",
			    (long long)v.keyed_rows,
			    (long long)(v.rows - v.keyed_rows));
		else if (v.keyed_rows > 0)
			printf(", sealed with the audit key");
		if (want != NULL)
			printf("; it extends the anchor %lld:%.12s...",
			    (long long)want->rows, want->hash);
		printf("\nhead: %s\n", head);
		return EXIT_OK;
	}
	if (cli_view(ctx) == NULL ||
	    (ctx->json && (out.array = json_array()) == NULL))
		return EXIT_FAIL;
	if (mr_audit_each(ctx->st, id ? "case" : NULL, id, audit_row, &out,
	    &err) == -1 || (out.failed &&
	    mr_err_set(&err, MR_EFAIL, "out of memory") == -1)) {
		json_decref(out.array);
		return cli_fail(ctx, &err);
	}
	if (ctx->json)
		return cli_print_json(out.array);
	return EXIT_OK;
}
