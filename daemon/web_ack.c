/*
 * web_ack: the one-click acknowledgement page (daemon/web_ack.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/web_ack.h"
#include "daemon/web_html.h"
#include "lib/mr_acklink.h"
#include "lib/mr_alert_ack.h"
#include "lib/mr_deadline.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

/* What the page shows of the item, copied out of mr_deadline's callback. */
struct item {
	int	 found;
	int	 open;
	int	 undated;
	time_t	 closes_at;
	char	 status[32];
	char	 name[200];
	char	 tin[16];	/* masked */
	char	 zone[64];
};

static int
one_item(const struct mr_deadline_item *it, void *arg)
{
	struct item *o = arg;

	o->found = 1;
	o->open = it->open;
	o->undated = it->undated;
	o->closes_at = it->closes_at;
	snprintf(o->status, sizeof o->status, "%s", it->status);
	snprintf(o->name, sizeof o->name, "%s", it->name ? it->name : "");
	mr_tin_mask(it->tin, o->tin, sizeof o->tin);
	snprintf(o->zone, sizeof o->zone, "%s", it->zone ? it->zone : "UTC");
	return 1;
}

static const char *
label(const char *what)
{
	return strcmp(what, "case") == 0 ? "case" : "hardship filing";
}

static const char *
field(const struct web_req *r, const char *name)
{
	const char *v = r->field != NULL ? r->field(r->field_cls, name) : NULL;

	return v != NULL && *v != '\0' ? v : NULL;
}

/* A page with one message; nothing was written. */
static int
answer(struct web_reply *out, unsigned int status, const char *title,
    const char *kind, const char *msg)
{
	mr_buf_reset(&out->body);
	out->status = status;
	web_page_begin(&out->body, title, WEB_NAV_NONE, NULL, NULL);
	web_message(&out->body, kind, msg);
	web_page_end(&out->body);
	return 0;
}

static unsigned int
status_of(const struct mr_err *err)
{
	switch (err->code) {
	case MR_EINVAL:
		return 400;
	case MR_ENOTFOUND:
		return 404;
	case MR_ECONFLICT:
		return 409;
	default:
		return 500;
	}
}

/*
 * The link, checked: 0 and *l, or an answer already in *out.  The key is
 * only read here, never made: without one no link can be valid, and a
 * visitor must not be able to make the key appear.  A key that cannot be
 * used is the administrator's to fix: logged, and the visitor is told no
 * more than that links do not work now.
 */
static int
checked_link(const struct web_req *r, struct web_reply *out,
    struct mr_acklink *l)
{
	unsigned char key[MR_ACKLINK_KEY_BYTES];
	struct mr_err err = { 0 };
	int rc;

	if (field(r, "t") == NULL) {
		answer(out, 400, "Acknowledgement link not valid", "error",
		    "this address needs the link from a reminder mail "
		    "(…/app/ack?t=…); open the link exactly as the mail has "
		    "it");
		return -1;
	}
	if (mr_acklink_key_read(mr_store_path(r->st), key, &err) == -1) {
		if (err.code == MR_ENOTFOUND) {
			answer(out, 400, "Acknowledgement link not valid",
			    "error", "this acknowledgement link is not valid: "
			    "it was changed or cut short, or it was not made by "
			    "this service; open the link exactly as the mail has "
			    "it");
			return -1;
		}
		log_warnx("acknowledgement links refused: %s", err.msg);
		answer(out, 503, "Acknowledgement links unavailable", "error",
		    "acknowledgement links do not work on this service at the "
		    "moment, and its administrator has been told; nothing was "
		    "recorded.  Acknowledge the deadline in the office's pages "
		    "or with 'mipsreview alerts ack', or try the link again "
		    "later");
		return -1;
	}
	rc = mr_acklink_verify(key, field(r, "t"), r->now, l, &err);
	explicit_bzero(key, sizeof key);
	if (rc == -1) {
		answer(out, err.code == MR_ECONFLICT ? 410 : err.code ==
		    MR_EINVAL ? 400 : 500, err.code == MR_ECONFLICT ?
		    "Acknowledgement link expired" :
		    "Acknowledgement link not valid", "error", err.msg);
		return -1;
	}
	return 0;
}

/* The item as it is now, in a read transaction, and its acknowledgement. */
static int
item_now(const struct web_req *r, const struct mr_acklink *l, struct item *it,
    struct mr_alert_ack *ack, int *acked, struct mr_err *err)
{
	struct mr_deadline_filter f = { .include_closed = 1, .what = l->what,
	    .id = l->id, .case_id = strcmp(l->what, "case") == 0 ? l->id : 0 };
	struct mr_deadline_item di = { 0 };
	int rc = -1;

	memset(it, 0, sizeof *it);
	*acked = 0;
	if (mr_store_begin_read(r->st, err) == -1)
		return -1;
	if (mr_deadline_each(r->st, &f, one_item, it, err) == -1 ||
	    (!it->found && mr_deadline_each_undated(r->st, &f, one_item, it,
	    err) == -1))
		goto out;
	if (it->found && !it->undated) {
		di.what = l->what;
		di.id = l->id;
		di.closes_at = it->closes_at;
		di.status = it->status;
		if (mr_alert_ack_find(r->st, &di, ack, acked, err) == -1)
			goto out;
	}
	rc = 0;
out:
	if (rc == 0)
		mr_store_commit(r->st, NULL);
	else
		mr_store_rollback(r->st);
	return rc;
}

static void
describe(struct mr_buf *b, const struct mr_acklink *l, const struct item *it)
{
	char when[80];

	if (mr_when_format_human(it->closes_at, it->zone, when,
	    sizeof when) == -1)
		snprintf(when, sizeof when, "?");
	web_printf(b, "<dl class=\"fields\">\n<dt>%s</dt><dd>%lld</dd>\n"
	    "<dt>Clinician</dt><dd>%s</dd>\n<dt>TIN</dt><dd>%s</dd>\n"
	    "<dt>Status</dt><dd>%s</dd>\n<dt>Deadline</dt><dd>%s (%s)</dd>\n"
	    "</dl>\n", strcmp(l->what, "case") == 0 ? "Case" : "Filing",
	    (long long)l->id, it->name, it->tin, it->status, when, it->zone);
}

static int
page(const struct web_req *r, struct web_reply *out)
{
	struct mr_acklink l;
	struct mr_alert_ack ack;
	struct mr_err err = { 0 };
	struct item it;
	struct mr_buf *b = &out->body;
	char msg[600], title[80];
	const char *p, *comma;
	int acked;

	if (checked_link(r, out, &l) == -1)
		return 0;
	if (item_now(r, &l, &it, &ack, &acked, &err) == -1)
		return answer(out, 500, "Something went wrong", "error",
		    err.msg);
	if (!it.found) {
		snprintf(msg, sizeof msg, "%s %lld no longer exists; there is "
		    "nothing to acknowledge", label(l.what), (long long)l.id);
		return answer(out, 404, "Not found", "error", msg);
	}
	if (it.closes_at != l.closes_at || strcmp(it.status, l.status) != 0) {
		snprintf(msg, sizeof msg, "this link is stale: since the mail "
		    "was sent %s; nothing was recorded.  A later reminder "
		    "carries a current link, or run 'mipsreview alerts ack "
		    "%s%lld'", it.closes_at != l.closes_at ? "the deadline has "
		    "moved" : "the item's state has changed", strcmp(l.what,
		    "case") == 0 ? "" : "--hardship ", (long long)l.id);
		return answer(out, 409, "Acknowledgement link stale", "error",
		    msg);
	}
	snprintf(title, sizeof title, "Acknowledge the deadline of %s %lld",
	    label(l.what), (long long)l.id);
	mr_buf_reset(b);
	out->status = 200;
	web_page_begin(b, title, WEB_NAV_NONE, NULL, NULL);
	describe(b, &l, &it);
	if (acked) {
		web_printf(b, "<p class=\"acked\">Already acknowledged by %s at "
		    "<time datetime=\"%s\">%s</time>%s%s.</p>\n", ack.acked_by,
		    ack.acked_at, ack.acked_at, ack.note[0] ? ": " : "",
		    ack.note);
		web_page_end(b);
		return 0;
	}
	web_printf(b, "<p>Acknowledging says the deadline is in hand: the "
	    "reminders to the owner stop, and nobody is told that it went "
	    "unacknowledged, until the deadline moves or the %s changes "
	    "state.</p>\n<form method=\"post\" action=\"/app/ack\">\n"
	    "<input type=\"hidden\" name=\"t\" value=\"%s\">\n", label(l.what),
	    field(r, "t"));
	if (strcmp(l.via, "webhook") == 0)
		/* Whoever reads the channel has the link: it is the channel. */
		web_printf(b, "<input type=\"hidden\" name=\"address\" "
		    "value=\"%s\">\n<p>Acknowledging from the channel of "
		    "webhook %s: the audit trail records that channel, not who "
		    "you are, so say who you are in the note.</p>\n", l.to, l.to);
	else if (strchr(l.to, ',') == NULL)
		web_printf(b, "<input type=\"hidden\" name=\"address\" "
		    "value=\"%s\">\n<p>Acknowledging as %s.</p>\n", l.to, l.to);
	else {
		web_printf(b, "<p><label for=\"ack-address\">You are</label>\n"
		    "<select id=\"ack-address\" name=\"address\">\n");
		for (p = l.to; p != NULL; p = comma ? comma + 1 : NULL) {
			char one[MR_ACKLINK_TO_MAX + 1];
			size_t n;

			comma = strchr(p, ',');
			n = comma ? (size_t)(comma - p) : strlen(p);
			snprintf(one, sizeof one, "%.*s", (int)n, p);
			web_printf(b, "<option>%s</option>\n", one);
		}
		web_printf(b, "</select></p>\n");
	}
	web_printf(b, "<p><label for=\"ack-note\">Note (optional)</label>\n"
	    "<input id=\"ack-note\" name=\"note\" maxlength=\"%d\"></p>\n"
	    "<p><button type=\"submit\">Acknowledge</button></p>\n</form>\n",
	    MR_ALERT_ACK_NOTE_MAX);
	web_page_end(b);
	return 0;
}

static int
confirm(const struct web_req *r, struct web_reply *out)
{
	struct mr_alert_ack_expect ex;
	struct mr_acklink l;
	struct mr_alert_ack ack;
	struct mr_err err = { 0 };
	const char *addr = field(r, "address");
	char actor[MR_ACKLINK_TO_MAX + 32], msg[1200];
	char rcpt[MR_ACKLINK_TO_MAX + 1], channel[MR_ACKLINK_TO_MAX + 16];

	if (checked_link(r, out, &l) == -1)
		return 0;
	/* Recorded as the mail was sent to it, however it was typed back. */
	if (addr == NULL || !mr_acklink_recipient(&l, addr, rcpt, sizeof rcpt))
		return answer(out, 400, "Not acknowledged", "error", "address: "
		    "acknowledge as one of the addresses the mail went to, as "
		    "the page offers them");
	addr = rcpt;
	ex.closes_at = l.closes_at;
	ex.status = l.status;
	ex.via = "mail link";
	ex.recipient = addr;
	if (strcmp(l.via, "webhook") == 0) {
		snprintf(channel, sizeof channel, "webhook %s", l.to);
		ex.via = "webhook link";
		ex.recipient = channel;
	}
	snprintf(actor, sizeof actor, "%s (%s)", ex.recipient, ex.via);
	mr_store_set_actor(r->st, actor);
	if (mr_alert_ack_add_expect(r->st, l.what, l.id, &ex, field(r, "note"),
	    &ack, &err) == -1)
		return answer(out, status_of(&err), "Not acknowledged", "error",
		    err.msg);
	snprintf(msg, sizeof msg, "The deadline of %s %lld is acknowledged by "
	    "%s at %s.  The reminders to its owner stop until the deadline "
	    "moves or the %s changes state.", label(l.what), (long long)l.id,
	    ack.acked_by, ack.acked_at, label(l.what));
	return answer(out, 200, "Acknowledged", "ok", msg);
}

int
web_ack(const struct web_req *r, struct web_reply *out)
{
	memset(out, 0, sizeof *out);
	mr_buf_init(&out->body, 1u << 20);
	out->status = 200;
	out->content_type = "text/html; charset=utf-8";
	return r->post ? confirm(r, out) : page(r, out);
}
