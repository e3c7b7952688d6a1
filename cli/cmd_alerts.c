/*
 * mipsreview alerts: send the reminders that are due (for cron), list
 * the ledger of what was sent, acknowledge a deadline, and show each open
 * deadline's alert state.  The planner and the ledger are lib/mr_alert;
 * the daemon runs the same planner (daemon/sched.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_alert.h"
#include "lib/mr_alert_ack.h"
#include "lib/mr_alert_ledger.h"
#include "lib/mr_config.h"
#include "lib/mr_deadline.h"
#include "lib/mr_mail.h"
#include "lib/mr_store.h"
#include "lib/mr_view.h"
#include "lib/mr_webhook.h"
#include "lib/mr_when.h"

/* The settings from the configuration; cfg keeps their strings alive. */
static int
load_settings(struct cli_ctx *ctx, struct mr_config **cfg,
    struct mr_alert_settings *set, struct mr_mail_server *srv,
    struct mr_err *err)
{
	if (mr_config_load(ctx->config_path, 0, cfg, err) == -1)
		return -1;
	return mr_alert_config(*cfg, set, srv, err);
}

struct out {
	struct cli_ctx	*ctx;
	json_t		*array;		/* --json */
	struct mr_err	 err;		/* a failure inside a callback */
};

/* A name for one terminal line: control characters shown as spaces. */
static void
printable(const char *s, char *buf, size_t len)
{
	size_t i = 0;

	for (; s && *s && i + 1 < len; s++)
		buf[i++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? ' ' : *s;
	buf[i] = '\0';
}

static void
report_one(const struct mr_alert_report *r, void *arg)
{
	struct out *o = arg;
	char label[32], when[48], name[120];

	mr_alert_offset_label(r->offset, label, sizeof label);
	if (r->kind != NULL && strcmp(r->kind, "grounds") == 0)
		snprintf(label, sizeof label, "grounds");
	if (r->kind != NULL && strcmp(r->kind, "digest") == 0) {
		/* A recipient's digest of the day: when it was due, to whom. */
		if (o->array != NULL)
			json_array_append_new(o->array,
			    mr_view_alert(o->ctx->view, r));
		else {
			render_short_time(r->closes_at, r->zone, when,
			    sizeof when);
			printf("%-10s digest   %-22s -> %s\n", r->outcome, when,
			    r->recipients);
		}
		if (r->error != NULL && strcmp(r->outcome, "deferred") != 0)
			fprintf(stderr, "%s: digest to %s: %s\n", o->ctx->prog,
			    r->recipients, r->error);
		return;
	}
	if (o->array != NULL)
		json_array_append_new(o->array, mr_view_alert(o->ctx->view, r));
	else {
		render_short_time(r->closes_at, r->zone, when, sizeof when);
		printable(r->name, name, sizeof name);
		printf("%-10s %s %-4lld %-4s %-22s %s -> %s\n",
		    r->kind != NULL && strcmp(r->kind, "escalation") == 0 ?
		    (strcmp(r->outcome, "sent") == 0 ? "escalated" :
		    strcmp(r->outcome, "would-send") == 0 ? "would-escalate" :
		    r->outcome) : r->outcome, r->what,
		    (long long)r->id, label, when, name, r->recipients[0] ?
		    r->recipients : "(nobody)");
	}
	if (r->error != NULL && strcmp(r->outcome, "deferred") != 0)
		fprintf(stderr, "%s: %s %lld, %s reminder: %s\n", o->ctx->prog,
		    r->what, (long long)r->id, label, r->error);
}

static int
alerts_off(struct cli_ctx *ctx, const struct mr_config *cfg)
{
	const char *file = mr_config_path(cfg);

	if (ctx->json)
		return cli_print_json(cli_view(ctx) ? mr_view_alert_run(ctx->view,
		    false, false, json_array(), &(struct mr_alert_totals){ 0 }) :
		    NULL);
	printf("alerts are not configured, nothing sent: set smtp_url and "
	    "smtp_from in %s (see mipsreviewd.conf(5))\n", file ? file :
	    SYSCONFDIR "/mipsreview/mipsreviewd.conf");
	return EXIT_OK;
}

int
cmd_alerts_send(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_config *cfg = NULL;
	struct mr_alert_settings set;
	struct mr_mail_server srv;
	struct mr_mailer *mailer = NULL;
	struct mr_alert_totals tot;
	struct mr_err err = { 0 };
	struct mr_when when;
	struct out o = { ctx, NULL, { 0 } };
	const char *now_text = cli_opt(a, "now");
	json_t *hooked = NULL;
	int rc, dry = cli_opt(a, "dry-run") != NULL, hooks = 0, hook_problems = 0;

	if (now_text != NULL) {
		if (mr_when_parse_as("--now", now_text, "UTC", &when,
		    &err) == -1) {
			rc = cli_fail(ctx, &err);
			goto out;
		}
		ctx->now = (long long)when.utc;
		mr_store_set_now(ctx->st, when.utc);
	}
	/* Every setting is checked before anything is written. */
	if (load_settings(ctx, &cfg, &set, &srv, &err) == -1) {
		rc = cli_fail(ctx, &err);
		goto out;
	}
	/*
	 * No mail server: alerts are off, which is no failure.  cron drops
	 * standard output, so an installed but unconfigured system stays
	 * silent; a person running it by hand reads how to turn them on.
	 */
	if (!dry && srv.url == NULL) {
		/* Webhooks alone still get their alerts. */
		if (mr_webhook_count(ctx->st, &hooks, &err) == -1) {
			rc = cli_fail(ctx, &err);
			goto out;
		}
		if (hooks == 0) {
			rc = alerts_off(ctx, cfg);
			goto out;
		}
		rc = cli_webhook_send(ctx, cfg, &set, ctx->json ? &hooked : NULL,
		    &hook_problems);
		if (rc == EXIT_OK && hooked != NULL) {
			/* As with mail off, and what the webhooks had. */
			json_t *run = cli_view(ctx) ? mr_view_alert_run(ctx->view,
			    false, false, json_array(), &(struct mr_alert_totals){ 0 }) :
			    NULL;

			if (run != NULL)
				json_object_set_new(run, "webhooks", hooked);
			else
				json_decref(hooked);
			hooked = NULL;
			rc = cli_print_json(run);
		}
		if (rc == EXIT_OK && hook_problems > 0)
			rc = EXIT_SEND;
		goto out;
	}
	if ((!dry && set.from == NULL && mr_err_set(&err, MR_EINVAL, "smtp_from "
	    "is not set; add 'smtp_from = alerts@practice.example' to the "
	    "configuration") == -1) ||
	    (!dry && mr_mailer_new(&srv, &mailer, &err) == -1)) {
		rc = cli_fail(ctx, &err);
		goto out;
	}
	if (ctx->json && (cli_view(ctx) == NULL ||
	    (o.array = json_array()) == NULL)) {
		rc = cli_fail(ctx, &(struct mr_err){ MR_EFAIL, "out of memory" });
		goto out;
	}
	if (mr_alert_run(ctx->st, &set, mailer, report_one, &o, &tot,
	    &err) == -1) {
		rc = cli_fail(ctx, &err);
		goto out;
	}
	if (tot.link_warning[0] != '\0')
		fprintf(stderr, "%s: %s\n", ctx->prog, tot.link_warning);
	if (tot.deferred > 0)
		fprintf(stderr, "%s: %d more reminder%s not tried after the mail "
		    "server failed; the next run retries\n", ctx->prog,
		    tot.deferred, tot.deferred == 1 ? "" : "s");
	/* The same alerts to every webhook in their scope. */
	if (!dry && (rc = cli_webhook_send(ctx, cfg, &set, o.array != NULL ?
	    &hooked : NULL, &hook_problems)) != EXIT_OK)
		goto out;
	if (o.array != NULL) {
		json_t *run = mr_view_alert_run(ctx->view, srv.url != NULL, dry,
		    o.array, &tot);

		if (run != NULL && hooked != NULL)
			json_object_set_new(run, "webhooks", hooked);
		else
			json_decref(hooked);
		hooked = NULL;
		rc = cli_print_json(run);
		o.array = NULL;
	} else {
		if (dry)
			printf("%d due, would send %d (dry run: nothing sent)\n",
			    tot.due, tot.due - tot.busy);
		else
			printf("%d due: %d sent, %d failed, %d not tried, %d held "
			    "by another sender\n", tot.due, tot.sent, tot.failed,
			    tot.deferred, tot.busy);
		rc = EXIT_OK;
	}
	if (rc == EXIT_OK && tot.failed + tot.deferred + hook_problems > 0)
		rc = EXIT_SEND;
out:
	json_decref(hooked);
	json_decref(o.array);
	mr_mailer_free(mailer);
	mr_config_free(cfg);
	return rc;
}

static int
list_entry(const struct mr_alert_entry *e, void *arg)
{
	struct out *o = arg;
	char label[32], closes[32], extra[600] = "";

	if (o->array != NULL)
		return json_array_append_new(o->array,
		    mr_view_alert_entry(o->ctx->view, e)) == 0 ? 0 : 1;
	mr_alert_offset_label(e->offset, label, sizeof label);
	mr_when_iso_utc(e->closes_at, closes, sizeof closes);
	if (e->sent_at != NULL)
		snprintf(extra, sizeof extra, "sent %s to %s", e->sent_at,
		    e->recipients ? e->recipients : "");
	else if (e->last_error != NULL)
		snprintf(extra, sizeof extra, "%s", e->last_error);
	if (e->kind != NULL && strcmp(e->kind, "escalation") == 0)
		snprintf(label + strlen(label), sizeof label - strlen(label),
		    "!");
	else if (e->kind != NULL && strcmp(e->kind, "grounds") == 0)
		snprintf(label, sizeof label, "grounds");
	printf("%-4lld %-8s %-4lld %-4s %-20s %-8s %-2d %s\n",
	    (long long)e->ledger_id, e->what, (long long)e->id, label, closes,
	    e->state, e->attempts, extra);
	return 0;
}

int
cmd_alerts_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	struct out o = { ctx, NULL, { 0 } };

	(void)a;
	if (ctx->json && (cli_view(ctx) == NULL ||
	    (o.array = json_array()) == NULL))
		return cli_fail(ctx, &(struct mr_err){ MR_EFAIL, "out of memory" });
	if (o.array == NULL)
		printf("%-4s %-8s %-4s %-4s %-20s %-8s %-2s %s\n", "ROW", "WHAT",
		    "ID", "LEAD", "DEADLINE (UTC)", "STATE", "N", "DETAIL");
	if (mr_alert_ledger_each(ctx->st, list_entry, &o, &err) == -1) {
		json_decref(o.array);
		return cli_fail(ctx, &err);
	}
	return o.array != NULL ? cli_print_json(o.array) : EXIT_OK;
}

int
cmd_alerts_ack(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_alert_ack ack;
	struct mr_err err = { 0 };
	const char *filing = cli_opt(a, "hardship"), *what;
	char when[48], note[MR_ALERT_ACK_NOTE_MAX + 1];
	long long id;
	int rc;

	if ((filing == NULL) == (a->argc == 0))
		return cli_usage(ctx, "give either a CASE id or --hardship "
		    "FILING, not both");
	what = filing != NULL ? "hardship" : "case";
	if ((rc = cli_parse_id(ctx, filing != NULL ? "hardship filing" : "case",
	    filing != NULL ? filing : a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_alert_ack_add(ctx->st, what, id, cli_opt(a, "note"), &ack,
	    &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json)
		return cli_print_json(cli_view(ctx) ? mr_view_alert_ack(ctx->view,
		    &ack) : NULL);
	mr_when_iso_utc(ack.closes_at, when, sizeof when);
	printable(ack.note, note, sizeof note);
	printf("%s %lld: the deadline %s is acknowledged by %s at %s%s%s; "
	    "reminders to its owner stop until the deadline moves or the %s "
	    "changes state\n", what, id, when, ack.acked_by, ack.acked_at,
	    note[0] ? " - " : "", note, what);
	return EXIT_OK;
}

/* One open deadline, its last reminder and acknowledgement. */
static int
status_item(const struct mr_deadline_item *it, void *arg)
{
	struct out *o = arg;
	struct mr_alert_ack ack;
	struct mr_err err = { 0 };
	char sent_at[32], label[32] = "-", when[48], name[120], acked[300];
	long long offset = 0;
	int found_ack, found_sent;

	if (mr_alert_ack_find(o->ctx->st, it, &ack, &found_ack, &err) == -1 ||
	    mr_alert_ledger_last_sent(o->ctx->st, it, &offset, sent_at,
	    sizeof sent_at, &found_sent, &err) == -1) {
		o->err = err;
		return 1;
	}
	if (o->array != NULL)
		return json_array_append_new(o->array, mr_view_alert_status(
		    o->ctx->view, it, found_ack ? &ack : NULL, offset,
		    found_sent ? sent_at : NULL)) == 0 ? 0 : 1;
	if (found_sent)
		mr_alert_offset_label(offset, label, sizeof label);
	render_short_time(it->closes_at, it->zone, when, sizeof when);
	printable(it->name, name, sizeof name);
	if (found_ack)
		snprintf(acked, sizeof acked, "by %s at %s", ack.acked_by,
		    ack.acked_at);
	else
		snprintf(acked, sizeof acked, "no");
	printf("%-8s %-4lld %-22s %-24.24s %-4s %-20s %s\n", it->what,
	    (long long)it->id, when, name, label, found_sent ? sent_at : "-",
	    acked);
	return 0;
}

int
cmd_alerts_status(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	struct out o = { ctx, NULL, { 0 } };

	(void)a;
	if (ctx->json && (cli_view(ctx) == NULL ||
	    (o.array = json_array()) == NULL))
		return cli_fail(ctx, &(struct mr_err){ MR_EFAIL, "out of memory" });
	if (o.array == NULL)
		printf("%-8s %-4s %-22s %-24s %-4s %-20s %s\n", "WHAT", "ID",
		    "DEADLINE", "NAME", "LAST", "SENT (UTC)", "ACKNOWLEDGED");
	if (mr_deadline_each(ctx->st, NULL, status_item, &o, &err) == -1 ||
	    o.err.code != MR_EOK) {
		json_decref(o.array);
		return cli_fail(ctx, o.err.code != MR_EOK ? &o.err : &err);
	}
	return o.array != NULL ? cli_print_json(o.array) : EXIT_OK;
}
