#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon/log.h"
#include "daemon/sched.h"
#include "lib/mr_alert.h"
#include "lib/mr_alert_ledger.h"
#include "lib/mr_config.h"
#include "lib/mr_mail.h"
#include "lib/mr_store.h"
#include "lib/mr_webhook.h"
#include "lib/mr_when.h"

/* While the mail server fails: wait 1 minute, doubling up to an hour. */
#define BACKOFF_FIRST	60
#define BACKOFF_MAX	3600
/* Seconds of sending before the main loop gets a turn. */
#define MAX_RUN		5

static struct {
	int		 initialised;
	int		 replan;	/* plan before sleeping again */
	int		 disabled_logged;
	int64_t		 seen_version;
	time_t		 next_wake;	/* 0: nothing scheduled */
	time_t		 not_before;	/* back-off after a failed run */
	long		 backoff;
} S;

/* The webhooks' own plan: they are told even when no mail goes out. */
static struct {
	int		 initialised;
	int		 replan;
	int64_t		 seen_version;
	time_t		 next_wake;
} W;

static void
report(const struct mr_alert_report *r, void *arg)
{
	char label[32];

	(void)arg;
	if (r->kind != NULL && strcmp(r->kind, "digest") == 0) {
		if (strcmp(r->outcome, "sent") == 0)
			log_info("digest sent to %s <%s>%s", r->recipients,
			    r->message_id, r->maybe_duplicate ? " (resent after "
			    "an interrupted delivery)" : "");
		else if (r->error != NULL)
			log_warnx("digest %s to %s: %s", r->outcome,
			    r->recipients, r->error);
		return;
	}
	mr_alert_offset_label(r->offset, label, sizeof label);
	/* A grounds change's "offset" is its id. */
	if (r->kind != NULL && strcmp(r->kind, "grounds") == 0)
		snprintf(label, sizeof label, "grounds change %lld", r->offset);
	/* "7d escalation of the reminder": an escalation is logged as one. */
	if (r->kind != NULL && strcmp(r->kind, "escalation") == 0)
		snprintf(label + strlen(label), sizeof label - strlen(label),
		    " escalation of the");
	if (strcmp(r->outcome, "sent") == 0)
		log_info("alert sent: %s %lld, %s reminder, to %s <%s>%s", r->what,
		    (long long)r->id, label, r->recipients, r->message_id,
		    r->maybe_duplicate ? " (resent after an interrupted "
		    "delivery)" : "");
	else if (r->error != NULL)
		log_warnx("alert %s: %s %lld, %s reminder: %s", r->outcome,
		    r->what, (long long)r->id, label, r->error);
	else
		log_debug("alert %s: %s %lld, %s reminder", r->outcome, r->what,
		    (long long)r->id, label);
}

static void
webhook_report(const struct mr_webhook_report *r, void *arg)
{
	char label[32], retry[32] = "";

	(void)arg;
	mr_alert_offset_label(r->offset, label, sizeof label);
	if (r->retry_at != 0)
		mr_when_iso_utc(r->retry_at, retry, sizeof retry);
	if (strcmp(r->outcome, "sent") == 0)
		log_info("webhook posted: %s %lld, %s %s, to %s (%s) %s%s", r->what,
		    (long long)r->id, label, r->kind, r->endpoint, r->endpoint_kind,
		    r->webhook_id, r->maybe_duplicate ? " (again after an "
		    "interrupted delivery, same webhook-id)" : "");
	else if (r->error != NULL)
		log_warnx("webhook %s: %s %lld, %s %s %s: %s%s%s", r->endpoint,
		    r->what, (long long)r->id, label, r->kind, r->outcome,
		    r->error, retry[0] ? "; tried again from " : "", retry);
	else
		log_debug("webhook %s: %s %lld, %s %s: %s", r->endpoint, r->what,
		    (long long)r->id, label, r->kind, r->outcome);
	if (r->disabled)
		log_warnx("webhook %s answered 410 Gone and is disabled: no more "
		    "alerts go to it; remove it and add it again with a working "
		    "URL", r->endpoint);
}

/*
 * Post what is due to the webhooks; return how long the main loop may
 * sleep (ms, at most timeout) before they have work again.  One try per
 * alert and run: a failed one waits for its retry_at, and the loop keeps
 * serving meanwhile.
 */
static int
webhooks_run(struct mr_store *st, const struct mr_config *cfg, int timeout)
{
	struct mr_alert_settings set;
	struct mr_mail_server srv;
	struct mr_webhook_settings ws;
	struct mr_webhook_totals tot;
	struct mr_err err = { 0 };
	time_t now = mr_store_now(st), wake = 0;
	int64_t v = mr_store_data_version(st);
	long long ms;
	int enabled = 0;

	if (!W.initialised) {
		W.initialised = 1;
		W.replan = 1;
		W.seen_version = v;
	}
	if (v != W.seen_version && v != -1) {
		W.seen_version = v;
		W.replan = 1;
	}
	if (!W.replan && (W.next_wake == 0 || now < W.next_wake))
		goto sleep;
	W.replan = 0;
	W.next_wake = 0;
	if (mr_webhook_count(st, &enabled, &err) == -1) {
		log_warnx("webhooks: %s", err.msg);
		W.next_wake = now + BACKOFF_FIRST;
		goto sleep;
	}
	if (enabled == 0)
		goto sleep;
	if (mr_alert_config(cfg, &set, &srv, &err) == -1 ||
	    mr_webhook_config(cfg, &ws, &err) == -1) {
		log_warnx("webhooks: %s", err.msg);
		goto sleep;
	}
	ws.attempts = 1;
	ws.max_wait = 0;
	ws.max_run = MAX_RUN;
	if (mr_webhook_next_wake(st, &set, &wake, &err) == -1) {
		log_warnx("webhooks: %s", err.msg);
		wake = now + BACKOFF_FIRST;
	} else if (wake != 0 && wake <= now) {
		if (mr_webhook_run(st, &set, &ws, webhook_report, NULL, &tot,
		    &err) == -1)
			log_warnx("webhooks: %s", err.msg);
		now = mr_store_now(st);
		if (mr_webhook_next_wake(st, &set, &wake, &err) == -1) {
			log_warnx("webhooks: %s", err.msg);
			wake = now + BACKOFF_FIRST;
		}
	}
	W.next_wake = wake;
sleep:
	if (W.next_wake == 0)
		return timeout;
	ms = ((long long)W.next_wake - (long long)now) * 1000;
	if (ms < 0)
		ms = 0;
	return ms < timeout ? (int)ms : timeout;
}

/* One sending run: a fresh connection and password each time. */
static void
send_due(struct mr_store *st, const struct mr_alert_settings *set,
    const struct mr_mail_server *srv, time_t now)
{
	struct mr_mailer *mailer = NULL;
	struct mr_alert_totals tot = { 0 };
	struct mr_err err = { 0 };
	int failed = 0;

	if (mr_mailer_new(srv, &mailer, &err) == -1) {
		log_warnx("alerts: %s", err.msg);
		failed = 1;
	} else if (mr_alert_run(st, set, mailer, report, NULL, &tot, &err) == -1) {
		log_warnx("alerts: %s", err.msg);
		failed = 1;
	} else
		failed = tot.failed + tot.deferred > 0;
	mr_mailer_free(mailer);
	if (tot.link_warning[0] != '\0')
		log_warnx("alerts: %s", tot.link_warning);
	if (tot.deferred > 0)
		log_warnx("alerts: %d more reminders not tried after the mail "
		    "server failed", tot.deferred);
	if (failed) {
		S.backoff = S.backoff ? S.backoff * 2 : BACKOFF_FIRST;
		if (S.backoff > BACKOFF_MAX)
			S.backoff = BACKOFF_MAX;
		S.not_before = now + S.backoff;
		log_info("alerts: trying again in %ld seconds", S.backoff);
	} else {
		S.backoff = 0;
		S.not_before = 0;
	}
}

int
sched_run(struct mr_store *st, const struct mr_config *cfg, int timeout)
{
	struct mr_alert_settings set;
	struct mr_mail_server srv;
	struct mr_err err = { 0 };
	time_t now = mr_store_now(st), wake;
	int64_t v = mr_store_data_version(st);
	long long ms;

	if (!S.initialised) {
		S.initialised = 1;
		/* The audit trail names who sent. */
		if (strcmp(mr_store_actor(st), "unknown") == 0)
			mr_store_set_actor(st, "mipsreviewd");
		S.replan = 1;
		S.seen_version = v;
	}
	if (v != S.seen_version && v != -1) {
		/* The CLI (or cron) changed something: plan again. */
		S.seen_version = v;
		S.replan = 1;
	}
	if (!S.replan && (S.next_wake == 0 || now < S.next_wake))
		goto sleep;
	S.replan = 0;
	if (mr_alert_config(cfg, &set, &srv, &err) == -1) {
		log_warnx("alerts: %s", err.msg);
		S.next_wake = 0;
		goto sleep;
	}
	set.honor_retry = 1;
	/* Back to the main loop (signals, reloads) every few seconds. */
	set.max_run = MAX_RUN;
	if (srv.url == NULL || set.from == NULL) {
		if (!S.disabled_logged)
			log_info("alerts: smtp_url or smtp_from not set; "
			    "mipsreviewd sends no alerts");
		S.disabled_logged = 1;
		S.next_wake = 0;
		goto sleep;
	}
	S.disabled_logged = 0;
	if (mr_alert_next_wake(st, &set, &wake, &err) == -1) {
		log_warnx("alerts: %s", err.msg);
		wake = now + BACKOFF_FIRST;
	}
	if (wake != 0 && wake <= now && now >= S.not_before) {
		send_due(st, &set, &srv, now);
		/* An escalation sent just now goes to the webhooks too. */
		W.replan = 1;
		now = mr_store_now(st);
		if (mr_alert_next_wake(st, &set, &wake, &err) == -1) {
			log_warnx("alerts: %s", err.msg);
			wake = now + BACKOFF_FIRST;
		}
	}
	/* Nothing is tried again before the back-off ends. */
	if (wake != 0 && wake < S.not_before)
		wake = S.not_before;
	S.next_wake = wake;
	if (wake != 0)
		log_debug("alerts: next wake in %lld s", (long long)(wake - now));
sleep:
	timeout = webhooks_run(st, cfg, timeout);
	if (S.next_wake == 0)
		return timeout;
	ms = ((long long)S.next_wake - (long long)now) * 1000;
	if (ms < 0)
		ms = 0;
	return ms < timeout ? (int)ms : timeout;
}

void
sched_reload(const struct mr_config *cfg)
{
	(void)cfg;
	S.replan = 1;
	S.disabled_logged = 0;
	S.not_before = 0;
	S.backoff = 0;
	W.replan = 1;
}

void
sched_stop(void)
{
	memset(&S, 0, sizeof S);
	memset(&W, 0, sizeof W);
}
