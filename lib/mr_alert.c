#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "lib/mr_acklink.h"
#include "lib/mr_alert.h"
#include "lib/mr_alert_digest.h"
#include "lib/mr_buf.h"
#include "lib/mr_config.h"
#include "lib/mr_ident.h"
#include "lib/mr_input.h"
#include "lib/mr_mail.h"
#include "lib/mr_when.h"

static const char *domain_of(const char *);

int
mr_alert_config(const struct mr_config *cfg, struct mr_alert_settings *set,
    struct mr_mail_server *srv, struct mr_err *err)
{
	const char *tls = mr_config_get(cfg, MR_CFG_SMTP_STARTTLS);
	int n;

	memset(set, 0, sizeof *set);
	memset(srv, 0, sizeof *srv);
	if ((n = mr_config_offsets(cfg, MR_CFG_ALERT_OFFSETS, set->offsets,
	    MR_ALERT_MAX_OFFSETS, err)) == -1)
		return -1;
	set->noffsets = n;
	set->alert_to = mr_config_get(cfg, MR_CFG_ALERT_TO);
	set->zone = mr_config_get(cfg, MR_CFG_ALERT_ZONE);
	set->from = mr_config_get(cfg, MR_CFG_SMTP_FROM);
	srv->url = mr_config_get(cfg, MR_CFG_SMTP_URL);
	srv->user = mr_config_get(cfg, MR_CFG_SMTP_USER);
	srv->password_file = mr_config_get(cfg, MR_CFG_SMTP_PASSWORD_FILE);
	srv->ca_file = mr_config_get(cfg, MR_CFG_SMTP_CA_FILE);
	/* libcurl would wait forever on a FIFO named as the CA bundle. */
	if (srv->ca_file != NULL &&
	    mr_input_check(srv->ca_file, "smtp_ca_file", err) == -1)
		return -1;
	srv->starttls = tls == NULL || strcmp(tls, "never") != 0;
	srv->timeout = (long)mr_config_int(cfg, MR_CFG_SMTP_TIMEOUT);
	if (srv->timeout <= 0)
		srv->timeout = 60;
	set->lease = srv->timeout + 60;
	if (mr_ical_opts_from_config(cfg, &set->ical, err) == -1)
		return -1;
	set->have_ical = 1;
	/* The default base_url is loopback: no use in a mail. */
	set->link_base = mr_config_is_set(cfg, MR_CFG_BASE_URL) ?
	    mr_config_get(cfg, MR_CFG_BASE_URL) : NULL;
	set->escalate_to = mr_config_get(cfg, MR_CFG_ESCALATE_TO);
	set->escalate_to_tin = mr_config_get(cfg, MR_CFG_ESCALATE_TO_TIN);
	if (mr_config_offsets(cfg, MR_CFG_ESCALATE_AFTER, &set->escalate_after,
	    1, err) == -1 || mr_config_offsets(cfg, MR_CFG_ESCALATE_WITHIN,
	    &set->escalate_within, 1, err) == -1)
		return -1;
	set->digest_to = mr_config_get(cfg, MR_CFG_DIGEST_TO);
	set->digest_hour = (int)mr_config_int(cfg, MR_CFG_DIGEST_HOUR);
	set->digest_instead = strcmp(mr_config_get(cfg, MR_CFG_DIGEST_MODE),
	    "instead") == 0;
	if (mr_config_offsets(cfg, MR_CFG_DIGEST_WITHIN, &set->digest_within,
	    1, err) == -1 || mr_alert_digest_check(set, err) == -1)
		return -1;
	/* A malformed per-TIN list is refused before anything is sent. */
	if (mr_alert_escalation_to(set, "000000000", (char[8]){ 0 }, 8,
	    err) == -1)
		return -1;
	return 0;
}

/*
 * escalate_to_tin: "TIN: ADDRESS, ADDRESS, TIN: ADDRESS" -- a TIN and a
 * colon start the next TIN's list.
 */
int
mr_alert_escalation_to(const struct mr_alert_settings *set, const char *tin,
    char *buf, size_t len, struct mr_err *err)
{
	char *copy = NULL, *tok, *save = NULL, *colon, cur[16] = "", norm[16];
	struct mr_err why = { 0 };
	size_t used = 0;
	int rc = -1, any = 0;

	buf[0] = '\0';
	if (set->escalate_to_tin != NULL) {
		if ((copy = strdup(set->escalate_to_tin)) == NULL)
			return mr_err_set(err, MR_EFAIL, "out of memory");
		for (tok = strtok_r(copy, ",", &save); tok;
		    tok = strtok_r(NULL, ",", &save)) {
			while (*tok == ' ' || *tok == '\t')
				tok++;
			if ((colon = strchr(tok, ':')) != NULL) {
				*colon = '\0';
				if (mr_tin_normalize(tok, norm, sizeof norm,
				    &why) == -1) {
					mr_err_set(err, MR_EINVAL, "escalate_to_tin: "
					    "%s (the form is 'TIN: ADDRESS, ADDRESS, "
					    "TIN: ADDRESS')", why.msg);
					goto out;
				}
				snprintf(cur, sizeof cur, "%s", norm);
				tok = colon + 1;
				while (*tok == ' ' || *tok == '\t')
					tok++;
			}
			for (char *e = tok + strlen(tok); e > tok &&
			    (e[-1] == ' ' || e[-1] == '\t'); e--)
				e[-1] = '\0';
			if (cur[0] == '\0') {
				mr_err_set(err, MR_EINVAL, "escalate_to_tin: '%s' "
				    "comes before any TIN (the form is 'TIN: "
				    "ADDRESS, ADDRESS, TIN: ADDRESS')", tok);
				goto out;
			}
			if (mr_email_validate(tok, &why) == -1) {
				mr_err_set(err, MR_EINVAL, "escalate_to_tin: %s",
				    why.msg);
				goto out;
			}
			if (strcmp(cur, tin) == 0) {
				if (used + strlen(tok) + 2 > len) {
					mr_err_set(err, MR_EINVAL, "escalate_to_tin: "
					    "too many addresses for one TIN");
					goto out;
				}
				used += (size_t)snprintf(buf + used, len - used,
				    "%s%s", any ? "," : "", tok);
				any = 1;
			}
		}
	}
	if (!any && set->escalate_to != NULL)
		snprintf(buf, len, "%s", set->escalate_to);
	rc = 0;
out:
	free(copy);
	return rc;
}

void
mr_alert_escalation_message_id(const struct mr_deadline_item *it,
    long long offset, const char *from, char *buf, size_t len)
{
	char label[32];

	mr_alert_offset_label(offset, label, sizeof label);
	snprintf(buf, len, "mipsreview.%s-%lld.%lld.%s-escalation@%s", it->what,
	    (long long)it->id, (long long)it->closes_at, label, domain_of(from));
}

int
mr_alert_due(const struct mr_deadline_item *it, const long long *offsets,
    int n, time_t now)
{
	int best = -1;

	if (!it->open || now >= it->closes_at)
		return -1;
	/* Largest offset first: the last whose moment has come is the most urgent. */
	for (int i = 0; i < n; i++)
		if ((long long)it->closes_at - offsets[i] <= (long long)now &&
		    (best == -1 || offsets[i] < offsets[best]))
			best = i;
	return best;
}

int
mr_alert_escalation_candidate(const struct mr_alert_settings *set,
    const struct mr_deadline_item *it, time_t now)
{
	return set->escalate_after > 0 && (set->escalate_to != NULL ||
	    set->escalate_to_tin != NULL) && it->open && now < it->closes_at &&
	    (long long)(it->closes_at - now) <= set->escalate_within;
}

time_t
mr_alert_next_moment(const struct mr_deadline_item *it,
    const long long *offsets, int n, time_t now)
{
	time_t best = 0, t;

	if (!it->open || now >= it->closes_at)
		return 0;
	for (int i = 0; i < n; i++) {
		t = (time_t)((long long)it->closes_at - offsets[i]);
		if (t > now && (best == 0 || t < best))
			best = t;
	}
	return best;
}

void
mr_alert_offset_label(long long s, char *buf, size_t len)
{
	if (s % 86400 == 0)
		snprintf(buf, len, "%lldd", s / 86400);
	else if (s % 3600 == 0)
		snprintf(buf, len, "%lldh", s / 3600);
	else if (s % 60 == 0)
		snprintf(buf, len, "%lldm", s / 60);
	else
		snprintf(buf, len, "%llds", s);
}

/* The domain of an address, or "mipsreview.invalid" (RFC 2606) without one. */
static const char *
domain_of(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;

	return at && at[1] ? at + 1 : "mipsreview.invalid";
}

void
mr_alert_message_id(const struct mr_deadline_item *it, long long offset,
    const char *from, char *buf, size_t len)
{
	char label[32];

	/*
	 * Everything that names the reminder and nothing else: the same
	 * reminder always gets the same Message-ID (a resend after a crash
	 * is recognisable), a moved deadline gets new ones.
	 */
	mr_alert_offset_label(offset, label, sizeof label);
	snprintf(buf, len, "mipsreview.%s-%lld.%lld.%s@%s", it->what,
	    (long long)it->id, (long long)it->closes_at, label, domain_of(from));
}

void
mr_alert_strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static int
strv_add(char ***v, int *n, const char *s)
{
	char **nv;

	for (int i = 0; i < *n; i++)
		if (strcasecmp((*v)[i], s) == 0)
			return 0;
	if ((nv = realloc(*v, (size_t)(*n + 2) * sizeof *nv)) == NULL)
		return -1;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -1;
	nv[++*n] = NULL;
	return 0;
}

int
mr_alert_recipients(const struct mr_deadline_item *it, const char *alert_to,
    char ***out, int *n, struct mr_err *err)
{
	char **v = NULL, *copy = NULL, *tok, *save = NULL;
	struct mr_err why = { 0 };
	int count = 0, rc = -1;

	*out = NULL;
	*n = 0;
	if ((v = calloc(1, sizeof *v)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	if (it->owner != NULL && *it->owner != '\0') {
		if (mr_email_validate(it->owner, &why) == -1) {
			mr_err_set(err, MR_EINVAL, "%s %lld: owner %s; fix it with "
			    "'mipsreview set %lld owner=ADDRESS'", it->what,
			    (long long)it->id, why.msg, (long long)it->id);
			goto out;
		}
		if (strv_add(&v, &count, it->owner) == -1)
			goto nomem;
	}
	if (alert_to != NULL) {
		if ((copy = strdup(alert_to)) == NULL)
			goto nomem;
		for (tok = strtok_r(copy, ", ", &save); tok;
		    tok = strtok_r(NULL, ", ", &save)) {
			if (mr_email_validate(tok, &why) == -1) {
				mr_err_set(err, MR_EINVAL, "alert_to: %s", why.msg);
				goto out;
			}
			if (strv_add(&v, &count, tok) == -1)
				goto nomem;
		}
	}
	*out = v;
	*n = count;
	v = NULL;
	rc = 0;
	goto out;
nomem:
	mr_err_set(err, MR_EFAIL, "out of memory");
out:
	free(copy);
	mr_alert_strv_free(v);
	return rc;
}

/* "7 days", "24 hours", "1 hour", "35 minutes": the time left, rounded. */
static void
left_words(long long s, char *buf, size_t len)
{
	long long h = (s + 1800) / 3600, m = (s + 30) / 60;

	if (h >= 36)
		snprintf(buf, len, "%lld days", (h + 12) / 24);
	else if (h >= 24)
		snprintf(buf, len, "1 day");
	else if (h >= 2)
		snprintf(buf, len, "%lld hours", h);
	else if (m >= 60)
		snprintf(buf, len, "1 hour");
	else
		snprintf(buf, len, "%lld minute%s", m, m == 1 ? "" : "s");
}

/* "Oct 11 7:00 PM CDT": short, for the subject line. */
static void
short_when(time_t t, const char *zone, char *buf, size_t len)
{
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char abbrev[16];
	struct tm tm;
	int h;

	if (mr_when_local(t, zone, &tm, NULL, abbrev) == -1 &&
	    mr_when_local(t, "UTC", &tm, NULL, abbrev) == -1) {
		snprintf(buf, len, "?");
		return;
	}
	h = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
	snprintf(buf, len, "%s %d %d:%02d %s %s", mons[tm.tm_mon], tm.tm_mday,
	    h, tm.tm_min, tm.tm_hour < 12 ? "AM" : "PM", abbrev);
}

/* What the deadline is for, as the subject names it. */
static const char *
deadline_title(const struct mr_deadline_item *it, int *documents)
{
	*documents = 0;
	if (strcmp(it->what, "case") == 0) {
		/* CMS asked for documents: the case's own 30-day deadline
		 * (42 CFR 414.1385(a)(3)).  Any other deadline closes. */
		*documents = it->window_id == 0 && it->status != NULL &&
		    strcmp(it->status, "documents-requested") == 0;
		return "MIPS targeted review";
	}
	if (strcmp(it->kind, "euc-hardship") == 0)
		return "MIPS EUC hardship application";
	if (strcmp(it->kind, "pi-hardship") == 0)
		return "MIPS PI hardship exception";
	if (strcmp(it->kind, "data-submission") == 0)
		return "MIPS data submission";
	return "MIPS deadline";
}

/*
 * A name as it may appear in a header or a one-line field: control
 * characters (a CR or LF smuggled into the database) become spaces, so
 * they can never start another header.
 */
static void
one_line(const char *s, char *buf, size_t len)
{
	size_t i = 0, lead;
	unsigned char c;

	for (; s && *s && i + 1 < len; s++)
		buf[i++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? ' ' : *s;
	buf[i] = '\0';
	/* Never leave half a UTF-8 character at the cut (a whole one stays). */
	lead = i;
	while (lead > 0 && ((unsigned char)buf[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead > 0 && (c = (unsigned char)buf[lead - 1]) >= 0xc0 &&
	    i - (lead - 1) < (c >= 0xf0 ? 4u : c >= 0xe0 ? 3u : 2u))
		buf[lead - 1] = '\0';
}

int
mr_alert_subject(const struct mr_deadline_item *it, time_t now, char *buf,
    size_t len)
{
	char name[200], left[32], when[64];
	int documents;
	const char *title = deadline_title(it, &documents);

	one_line(it->name, name, sizeof name);
	left_words((long long)(it->closes_at - now), left, sizeof left);
	short_when(it->closes_at, it->zone, when, sizeof when);
	if (documents)
		snprintf(buf, len, "%s for %s: documents due in %s (%s)", title,
		    name, left, when);
	else
		snprintf(buf, len, "%s for %s closes in %s (%s)", title, name,
		    left, when);
	return 0;
}

static void
body_line(struct mr_buf *body, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Append a formatted line to the body (checked once, at the end). */
static void
body_line(struct mr_buf *body, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)mr_buf_vprintf(body, fmt, ap);
	va_end(ap);
	(void)mr_buf_add(body, "\n", 1);
}

/*
 * The signed link acknowledging the item's current deadline, for a mail
 * to the addresses in to, into buf; -1 (and no link) when links are off
 * or it cannot be made.
 */
static int
ack_link(const struct mr_deadline_item *it, time_t now,
    const struct mr_alert_settings *set, const char *const *to, int nto,
    char *buf, size_t len)
{
	struct mr_acklink l;
	struct mr_buf tb;
	char token[MR_ACKLINK_TOKEN_MAX + 1];

	if (set->link_base == NULL || set->link_key == NULL || it->undated ||
	    nto <= 0)
		return -1;
	memset(&l, 0, sizeof l);
	snprintf(l.what, sizeof l.what, "%s", it->what);
	l.id = it->id;
	l.closes_at = it->closes_at;
	snprintf(l.status, sizeof l.status, "%s", it->status);
	/* Until the deadline, and not for ever. */
	l.expires = it->closes_at;
	if ((long long)l.expires > (long long)now + MR_ACKLINK_TTL)
		l.expires = (time_t)((long long)now + MR_ACKLINK_TTL);
	mr_buf_init_fixed(&tb, l.to, sizeof l.to);
	for (int i = 0; i < nto; i++)
		(void)mr_buf_printf(&tb, "%s%s", i ? "," : "", to[i]);
	if (tb.failed || mr_acklink_sign(set->link_key, &l, token,
	    sizeof token, NULL) == -1)
		return -1;
	return mr_acklink_url(set->link_base, token, buf, len);
}

/*
 * A reminder, or with sent not NULL the escalation of one: the reminders
 * sent (one "  - " line each) went unacknowledged.
 */
static int
compose(const struct mr_deadline_item *it, long long offset,
    time_t now, const struct mr_alert_settings *set, const char *const *to,
    int nto, const char *missing_evidence, const char *undated,
    const char *sent, const char *ics, char **msg, size_t *len,
    struct mr_err *err)
{
	char subject[400], mid[200], name[200], tin[16], when[80], left[40];
	char utc[32], label[32], attach[64];
	char link[MR_ACKLINK_TOKEN_MAX + 512];
	struct mr_buf body;
	struct mr_mail m = { 0 };
	int documents, rc = -1;

	(void)deadline_title(it, &documents);
	*msg = NULL;
	/* A reminder is a page of text; the cap stops a runaway list. */
	mr_buf_init(&body, 1 << 20);
	if (set->from == NULL) {
		mr_err_set(err, MR_EINVAL, "smtp_from is not set; add "
		    "'smtp_from = alerts@practice.example' to the configuration");
		goto out;
	}
	if (sent != NULL) {
		char plain[380];

		mr_alert_subject(it, now, plain, sizeof plain);
		snprintf(subject, sizeof subject, "Not acknowledged: %s", plain);
		mr_alert_escalation_message_id(it, offset, set->from, mid,
		    sizeof mid);
	} else {
		mr_alert_subject(it, now, subject, sizeof subject);
		mr_alert_message_id(it, offset, set->from, mid, sizeof mid);
	}
	one_line(it->name, name, sizeof name);
	mr_tin_mask(it->tin, tin, sizeof tin);
	mr_alert_offset_label(offset, label, sizeof label);
	mr_when_left(now, it->closes_at, left, sizeof left);
	mr_when_iso_utc(it->closes_at, utc, sizeof utc);

	body_line(&body, "%s.", subject);
	body_line(&body, "%s", "");
	body_line(&body, "%-12s %lld (%s, performance year %d)",
	    strcmp(it->what, "case") == 0 ? "Case:" : "Filing:",
	    (long long)it->id, it->kind, it->performance_year);
	body_line(&body, "%-12s %s", "Clinician:", name);
	body_line(&body, "%-12s %s", "TIN:", tin);
	if (it->npi != NULL && *it->npi != '\0')
		body_line(&body, "%-12s %s", "NPI:", it->npi);
	body_line(&body, "%-12s %s", "Status:", it->status);
	if (sent != NULL) {
		char owner[200];

		one_line(it->owner ? it->owner : "(none)", owner, sizeof owner);
		body_line(&body, "%-12s %s", "Owner:", owner);
	}
	if (mr_when_format_human(it->closes_at, it->zone, when, sizeof when) == 0)
		body_line(&body, "%-12s %s (%s, as announced)",
		    documents ? "Due:" : "Closes:", when, it->zone);
	if (set->zone != NULL && strcmp(set->zone, it->zone) != 0 &&
	    mr_when_format_human(it->closes_at, set->zone, when, sizeof when) == 0)
		body_line(&body, "%-12s %s (%s)", "", when, set->zone);
	body_line(&body, "%-12s %s", "", utc);
	body_line(&body, "%-12s %s", "Time left:", left);
	if (it->source != NULL && *it->source != '\0') {
		char src[400];

		one_line(it->source, src, sizeof src);
		body_line(&body, "%-12s %s", "Source:", src);
	}
	body_line(&body, "%s", "");
	if (sent != NULL) {
		body_line(&body, "Reminders sent, none acknowledged:");
		body_line(&body, "%s", sent);
		body_line(&body, "%s", "");
	}
	/* The evidence still missing, one per line. */
	if (missing_evidence != NULL && *missing_evidence != '\0') {
		body_line(&body, "Evidence still missing (mipsreview check %lld):",
		    (long long)it->id);
		body_line(&body, "%s", missing_evidence);
		body_line(&body, "%s", "");
	}
	if (undated != NULL && *undated != '\0') {
		body_line(&body, "Open with no deadline known (no reminder "
		    "comes for these until one is set):");
		body_line(&body, "%s", undated);
		body_line(&body, "%s", "");
	}
	body_line(&body, "Details: mipsreview %s %lld", strcmp(it->what,
	    "case") == 0 ? "show" : "hardship show", (long long)it->id);
	if (ack_link(it, now, set, to, nto, link, sizeof link) == 0) {
		body_line(&body, "In hand? Acknowledge it and the reminders to "
		    "the owner stop%s:", sent != NULL ? " and nobody else is "
		    "told" : "");
		body_line(&body, "  %s", link);
		body_line(&body, "(or run: mipsreview alerts ack %s%lld)",
		    strcmp(it->what, "case") == 0 ? "" : "--hardship ",
		    (long long)it->id);
	} else
		body_line(&body, "In hand? Acknowledge it and the reminders to "
		    "the owner stop: mipsreview alerts ack %s%lld",
		    strcmp(it->what, "case") == 0 ? "" : "--hardship ",
		    (long long)it->id);
	body_line(&body, "%s", "");
	body_line(&body, "-- ");
	if (sent != NULL) {
		char after[32];

		mr_alert_offset_label(set->escalate_after, after, sizeof after);
		body_line(&body, "Sent by mipsreview %s before the deadline to "
		    "escalate_to, once: the %s", left, label);
		body_line(&body, "reminder went %s without acknowledgement.%s",
		    after, ics != NULL ? "  The attached calendar entry holds "
		    "the deadline." : "");
	} else {
		/* The true lead time: a run that missed its moment sends later. */
		body_line(&body, "Sent by mipsreview %s before the deadline (the "
		    "%s reminder) to the owner of", left, label);
		body_line(&body, "this %s and the addresses in alert_to.%s",
		    it->what, ics != NULL ? "  The attached calendar entry "
		    "holds the deadline." : "");
	}
	if (set->audit_anchor != NULL)
		body_line(&body, "Audit trail head when sent: %s (keep it: "
		    "'mipsreview audit --verify --anchor' proves the trail still "
		    "extends it).", set->audit_anchor);
	if (body.failed) {
		mr_err_set(err, MR_EFAIL, "out of memory, or a reminder larger "
		    "than 1 MiB");
		goto out;
	}
	snprintf(attach, sizeof attach, "%s-%lld-deadline.ics", it->what,
	    (long long)it->id);
	m.from = set->from;
	m.to = to;
	m.nto = nto;
	m.subject = subject;
	m.message_id = mid;
	/* The message is written now, whatever clock the deadlines use. */
	m.date = time(NULL);
	m.body = mr_buf_str(&body);
	if (ics != NULL) {
		m.attach_name = attach;
		m.attach_type = "text/calendar; charset=utf-8";
		m.attach_data = ics;
		m.attach_len = strlen(ics);
	}
	if (mr_mail_compose(&m, msg, len, err) == -1)
		goto out;
	rc = 0;
out:
	mr_buf_free(&body);
	return rc;
}

int
mr_alert_compose(const struct mr_deadline_item *it, long long offset,
    time_t now, const struct mr_alert_settings *set, const char *const *to,
    int nto, const char *missing_evidence, const char *undated,
    const char *ics, char **msg, size_t *len, struct mr_err *err)
{
	return compose(it, offset, now, set, to, nto, missing_evidence,
	    undated, NULL, ics, msg, len, err);
}

int
mr_alert_compose_escalation(const struct mr_deadline_item *it,
    long long offset, time_t now, const struct mr_alert_settings *set,
    const char *const *to, int nto, const char *sent, const char *ics,
    char **msg, size_t *len, struct mr_err *err)
{
	return compose(it, offset, now, set, to, nto, NULL, NULL,
	    sent ? sent : "", ics, msg, len, err);
}
