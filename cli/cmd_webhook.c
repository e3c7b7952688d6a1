/*
 * mipsreview webhook: the chat channels and webhooks told of every alert
 * (add, list, remove, test), and 'alerts log', the delivery log.  The
 * endpoints and their delivery are lib/mr_webhook; 'alerts send' and the
 * daemon post through cli_webhook_send() and daemon/sched.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_alert.h"
#include "lib/mr_config.h"
#include "lib/mr_store.h"
#include "lib/mr_webhook.h"
#include "lib/mr_when.h"

int
cmd_webhook_add(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_webhook_input in = { 0 };
	struct mr_err err = { 0 };
	const char **tins = NULL;
	int64_t id = 0;
	int n = cli_opt_count(a, "tin");

	in.name = a->argv[0];
	in.kind = cli_opt(a, "kind");
	in.url = cli_opt(a, "url");
	in.zone = cli_opt(a, "zone");
	in.secret_file = cli_opt(a, "secret-file");
	if (in.kind == NULL)
		return cli_usage(ctx, "--kind slack|teams|generic is required");
	if (in.url == NULL)
		return cli_usage(ctx, "--url URL is required");
	if (n > 0 && (tins = calloc((size_t)n, sizeof *tins)) == NULL)
		return cli_fail(ctx, &(struct mr_err){ MR_EFAIL, "out of memory" });
	for (int i = 0; i < n; i++)
		tins[i] = cli_opt_nth(a, "tin", i);
	in.tins = tins;
	in.ntins = n;
	if (mr_webhook_add(ctx->st, &in, &id, &err) == -1) {
		free(tins);
		return cli_fail(ctx, &err);
	}
	free(tins);
	if (ctx->json)
		return cli_print_json(json_pack("{s:I, s:s, s:s}", "id",
		    (json_int_t)id, "name", in.name, "kind", in.kind));
	printf("webhook %s added (%s): every alert%s goes to it; try it with "
	    "'mipsreview webhook test %s'\n", in.name, in.kind, n > 0 ?
	    " for its TINs" : "", in.name);
	return EXIT_OK;
}

struct list {
	struct cli_ctx	*ctx;
	json_t		*array;
};

static int
list_one(const struct mr_webhook *w, void *arg)
{
	struct list *l = arg;
	char tins[1100] = "all TINs", status[80];

	if (l->array != NULL)
		return json_array_append_new(l->array, mr_webhook_json(w)) == 0 ?
		    0 : 1;
	if (w->tins != NULL) {
		json_t *j = mr_webhook_json(w), *v;
		size_t i, off = 0;

		tins[0] = '\0';
		json_array_foreach(json_object_get(j, "tins"), i, v)
			off += (size_t)snprintf(tins + off, off < sizeof tins ?
			    sizeof tins - off : 0, "%s%s", i ? "," : "",
			    json_string_value(v));
		json_decref(j);
	}
	if (w->last_attempt_at != NULL)
		snprintf(status, sizeof status, "%s %d", w->last_attempt_at,
		    w->last_status);
	else
		snprintf(status, sizeof status, "-");
	printf("%-16s %-7s %-8s %-38s %-5lld %-5lld %-26s %s\n", w->name,
	    w->kind, w->disabled_at ? "disabled" : "enabled", w->url_shown,
	    (long long)w->delivered, (long long)w->pending, status, tins);
	if (w->disabled_at != NULL)
		printf("  disabled %s: %s\n", w->disabled_at, w->disabled_reason ?
		    w->disabled_reason : "");
	return 0;
}

int
cmd_webhook_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	struct list l = { ctx, NULL };

	(void)a;
	if (ctx->json && (l.array = json_array()) == NULL)
		return cli_fail(ctx, &(struct mr_err){ MR_EFAIL, "out of memory" });
	if (l.array == NULL)
		printf("%-16s %-7s %-8s %-38s %-5s %-5s %-26s %s\n", "NAME", "KIND",
		    "STATE", "URL", "SENT", "RETRY", "LAST ATTEMPT (UTC) HTTP",
		    "SCOPE");
	if (mr_webhook_each(ctx->st, list_one, &l, &err) == -1) {
		json_decref(l.array);
		return cli_fail(ctx, &err);
	}
	return l.array != NULL ? cli_print_json(l.array) : EXIT_OK;
}

int
cmd_webhook_remove(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };

	if (mr_webhook_remove(ctx->st, a->argv[0], &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json)
		return cli_print_json(json_pack("{s:s, s:b}", "name", a->argv[0],
		    "removed", 1));
	printf("webhook %s removed; its delivery log stays ('mipsreview alerts "
	    "log')\n", a->argv[0]);
	return EXIT_OK;
}

static int
load_settings(struct cli_ctx *ctx, struct mr_config **cfg,
    struct mr_webhook_settings *ws, struct mr_err *err)
{
	if (mr_config_load(ctx->config_path, 0, cfg, err) == -1)
		return -1;
	return mr_webhook_config(*cfg, ws, err);
}

int
cmd_webhook_test(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_config *cfg = NULL;
	struct mr_webhook_settings ws;
	struct mr_webhook_test_result tr;
	struct mr_err err = { 0 };
	int rc;

	if (load_settings(ctx, &cfg, &ws, &err) == -1 ||
	    mr_webhook_test(ctx->st, &ws, a->argv[0], &tr, &err) == -1) {
		mr_config_free(cfg);
		return cli_fail(ctx, &err);
	}
	mr_config_free(cfg);
	rc = strcmp(tr.r.outcome, "sent") == 0 ? EXIT_OK : EXIT_SEND;
	if (ctx->json)
		return cli_print_json(json_pack("{s:s, s:s, s:s, s:o?, s:s, s:s?, "
		    "s:b}", "endpoint", tr.r.endpoint, "webhook_id",
		    tr.r.webhook_id, "outcome", tr.r.outcome, "status",
		    tr.r.status ? json_integer(tr.r.status) : NULL, "kind",
		    tr.r.endpoint_kind, "error", tr.r.error, "disabled",
		    tr.r.disabled)) == EXIT_OK ? rc : EXIT_FAIL;
	if (rc == EXIT_OK)
		printf("webhook %s: test message delivered (HTTP %d, webhook-id "
		    "%s)\n", tr.r.endpoint, tr.r.status, tr.r.webhook_id);
	else
		fprintf(stderr, "%s: webhook %s: test message not delivered: "
		    "%s%s\n", ctx->prog, tr.r.endpoint, tr.r.error ? tr.r.error :
		    "no answer", tr.r.disabled ? "; the endpoint is disabled "
		    "(410 Gone): remove it and add it again with a working URL" :
		    "");
	return rc;
}

struct send {
	struct cli_ctx	*ctx;
	json_t		*array;		/* --json */
};

static void
report_one(const struct mr_webhook_report *r, void *arg)
{
	struct send *s = arg;
	char label[32], when[48];

	mr_alert_offset_label(r->offset, label, sizeof label);
	if (s->array != NULL) {
		char closes[32];

		mr_when_iso_utc(r->closes_at, closes, sizeof closes);
		json_array_append_new(s->array, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:I, s:s, s:s, s:s, s:s, s:o?, s:s?, s:i, s:b, s:b}",
		    "endpoint", r->endpoint, "endpoint_kind", r->endpoint_kind,
		    "kind", r->kind, "what", r->what, "id", (json_int_t)r->id,
		    "reminder", label, "closes_at", closes, "webhook_id",
		    r->webhook_id ? r->webhook_id : "", "outcome", r->outcome,
		    "status", r->status ? json_integer(r->status) : NULL, "error",
		    r->error, "attempts", r->attempts, "maybe_duplicate",
		    r->maybe_duplicate, "disabled", r->disabled));
	} else {
		render_short_time(r->closes_at, r->zone, when, sizeof when);
		printf("%-10s %s %-4lld %-4s %-22s webhook %s (%s)%s%s\n",
		    strcmp(r->outcome, "sent") == 0 ? "posted" : r->outcome,
		    r->what, (long long)r->id, label, when, r->endpoint,
		    r->endpoint_kind, strcmp(r->kind, "escalation") == 0 ?
		    ", escalation" : "", r->maybe_duplicate ? ", again after an "
		    "interrupted delivery (same webhook-id)" : "");
	}
	if (r->error != NULL && strcmp(r->outcome, "busy") != 0) {
		char retry[32] = "";

		if (r->retry_at != 0)
			mr_when_iso_utc(r->retry_at, retry, sizeof retry);
		fprintf(stderr, "%s: webhook %s: %s %lld, %s %s: %s%s%s\n",
		    s->ctx->prog, r->endpoint, r->what, (long long)r->id, label,
		    r->kind, r->error, retry[0] ? "; tried again from " : "",
		    retry);
	}
	if (r->disabled)
		fprintf(stderr, "%s: webhook %s answered 410 Gone and is now "
		    "disabled: no more alerts go to it ('mipsreview webhook "
		    "list'); remove it and add it again with a working URL\n",
		    s->ctx->prog, r->endpoint);
}

int
cli_webhook_send(struct cli_ctx *ctx, const struct mr_config *cfg,
    const struct mr_alert_settings *set, json_t **array, int *problems)
{
	struct mr_webhook_settings ws;
	struct mr_webhook_totals tot;
	struct mr_err err = { 0 };
	struct send s = { ctx, NULL };
	int enabled;

	*problems = 0;
	if (array != NULL)
		*array = NULL;
	if (mr_webhook_count(ctx->st, &enabled, &err) == -1)
		return cli_fail(ctx, &err);
	if (enabled == 0)
		return EXIT_OK;
	if (mr_webhook_config(cfg, &ws, &err) == -1)
		return cli_fail(ctx, &err);
	if (array != NULL && (s.array = json_array()) == NULL)
		return cli_fail(ctx, &(struct mr_err){ MR_EFAIL, "out of memory" });
	if (mr_webhook_run(ctx->st, set, &ws, report_one, &s, &tot,
	    &err) == -1) {
		json_decref(s.array);
		return cli_fail(ctx, &err);
	}
	*problems = tot.failed + tot.rejected;
	if (array != NULL)
		*array = s.array;
	else
		printf("webhooks: %d due: %d posted, %d failed, %d refused, %d "
		    "held or waiting%s\n", tot.due, tot.sent, tot.failed,
		    tot.rejected, tot.busy, tot.disabled ? "; an endpoint was "
		    "disabled" : "");
	return EXIT_OK;
}

struct logout {
	struct cli_ctx	*ctx;
	json_t		*array;
};

static int
log_one(const struct mr_webhook_attempt *at, void *arg)
{
	struct logout *l = arg;
	char label[32] = "-", alert[64], status[8];

	if (l->array != NULL)
		return json_array_append_new(l->array,
		    mr_webhook_attempt_json(at)) == 0 ? 0 : 1;
	if (at->what != NULL) {
		mr_alert_offset_label(at->offset, label, sizeof label);
		snprintf(alert, sizeof alert, "%s %lld %s%s", at->what,
		    (long long)at->item_id, label, strcmp(at->kind,
		    "escalation") == 0 ? "!" : "");
	} else
		snprintf(alert, sizeof alert, "%s", at->kind);
	if (at->status != 0)
		snprintf(status, sizeof status, "%d", at->status);
	else
		snprintf(status, sizeof status, "-");
	printf("%-20s %-16s %-18s %-4s %-11s %s%s%s\n", at->at, at->endpoint,
	    alert, status, at->outcome, at->maybe_duplicate ? "(may be a "
	    "duplicate: same webhook-id) " : "", at->error ? at->error : "",
	    "");
	return 0;
}

int
cmd_alerts_log(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	struct logout l = { ctx, NULL };

	(void)a;
	if (ctx->json && (l.array = json_array()) == NULL)
		return cli_fail(ctx, &(struct mr_err){ MR_EFAIL, "out of memory" });
	if (l.array == NULL)
		printf("%-20s %-16s %-18s %-4s %-11s %s\n", "TIME (UTC)", "ENDPOINT",
		    "ALERT", "HTTP", "OUTCOME", "ERROR");
	if (mr_webhook_log_each(ctx->st, log_one, &l, &err) == -1) {
		json_decref(l.array);
		return cli_fail(ctx, &err);
	}
	return l.array != NULL ? cli_print_json(l.array) : EXIT_OK;
}
