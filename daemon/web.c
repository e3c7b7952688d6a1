#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "daemon/web.h"
#include "daemon/web_html.h"
#include "lib/mr_alert_ack.h"
#include "lib/mr_audit.h"
#include "lib/mr_case.h"
#include "lib/mr_checklist.h"
#include "lib/mr_deadline.h"
#include "lib/mr_evidence.h"
#include "lib/mr_feed.h"
#include "lib/mr_hardship.h"
#include "lib/mr_ident.h"
#include "lib/mr_packet.h"
#include "lib/mr_store.h"
#include "lib/mr_user.h"
#include "lib/mr_view.h"
#include "lib/mr_whatif.h"
#include "lib/mr_when.h"
#include "lib/mr_window.h"
#include "lib/mr_year.h"

/* A page is a few hundred kilobytes at most; past this it is refused. */
#define PAGE_MAX	(8u << 20)
/* Cases per page of the case list (keyset: "after" the last id shown). */
#define CASES_PER_PAGE	50
/* Filings per page of the filings page, likewise. */
#define FILINGS_PER_PAGE	50

/* Whether the account sees only its TINs (not an admin, nor of every TIN). */
static int
scoped(const struct web_who *who)
{
	return who->role != WEB_ADMIN && !who->all_tins;
}

int
web_scope_allows(const struct web_who *who, const char *tin)
{
	if (who == NULL)
		return 0;
	if (!scoped(who))
		return 1;
	if (tin == NULL)
		return 0;
	for (size_t i = 0; i < who->ntins; i++)
		if (strcmp(who->tins[i], tin) == 0)
			return 1;
	return 0;
}

/* The one TIN a scoped account covers, to narrow a query; NULL: several. */
static const char *
only_tin(const struct web_who *who)
{
	return scoped(who) && who->ntins == 1 ? who->tins[0] : NULL;
}

/*
 * How many TINs a scoped account covers when they are several, so that a
 * query reads who->tins' rows only, by the index by TIN; 0: one TIN
 * (only_tin) or every TIN.
 */
static int
several_tins(const struct web_who *who)
{
	return scoped(who) && who->ntins > 1 ? (int)who->ntins : 0;
}

static const char *
field(const struct web_req *r, const char *name)
{
	const char *v = r->field != NULL ? r->field(r->field_cls, name) : NULL;

	return v != NULL && *v != '\0' ? v : NULL;
}

static const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long
jint(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
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

static void
begin(struct web_reply *out, const struct web_req *r, const char *title,
    enum web_nav nav)
{
	web_page_begin(&out->body, title, nav, r->who ? r->who->name : NULL,
	    r->csrf);
}

/* A page saying only what went wrong, with the library's message. */
static int
error_page(const struct web_req *r, struct web_reply *out,
    unsigned int status, const char *msg)
{
	mr_buf_reset(&out->body);
	out->status = status;
	begin(out, r, status == 403 ? "Not allowed" : status == 404 ?
	    "Not found" : "Something went wrong", WEB_NAV_NONE);
	web_message(&out->body, "error", msg);
	web_page_end(&out->body);
	return 0;
}

static int
db_error(const struct web_req *r, struct web_reply *out,
    const struct mr_err *err)
{
	return error_page(r, out, status_of(err), err->msg);
}

/*
 * A case of a practice the account does not cover reads as one that does
 * not exist, with the same status and words: a 403 would tell that a
 * guessed id belongs to some other practice.
 */
static int
hidden_case(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_err err = { 0 };

	mr_err_set(&err, MR_ENOTFOUND, "case %lld does not exist; "
	    "'mipsreview list' shows the cases", (long long)id);
	return db_error(r, out, &err);
}

static void
csrf_field(struct mr_buf *b, const struct web_req *r)
{
	web_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
	    r->csrf ? r->csrf : "");
}

/* ---- sign-in ---- */

static int
page_login(const struct web_req *r, struct web_reply *out, const char *msg)
{
	struct mr_buf *b = &out->body;

	begin(out, r, "Sign in", WEB_NAV_NONE);
	if (msg != NULL)
		web_message(b, "error", msg);
	web_printf(b, "<form method=\"post\" action=\"/app/login\">\n"
	    "<p><label for=\"user\">Account</label>\n"
	    "<input id=\"user\" name=\"user\" autocomplete=\"username\" "
	    "required autofocus></p>\n"
	    "<p><label for=\"password\">Password</label>\n"
	    "<input id=\"password\" name=\"password\" type=\"password\" "
	    "autocomplete=\"current-password\" required></p>\n");
	web_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
	    r->login_csrf ? r->login_csrf : "");
	if (r->login_cookie != NULL)
		snprintf(out->set_cookie, sizeof out->set_cookie, "%s",
		    r->login_cookie);
	web_printf(b, "<p><button type=\"submit\">Sign in</button></p>\n"
	    "</form>\n");
	web_page_end(b);
	return 0;
}

/* ---- what is due ---- */

struct due_ctx {
	const struct web_req	*r;
	struct mr_view		*view;
	struct mr_buf		*b;
	long			 shown;
	long			 undated;
};

static void
deadline_cells(struct mr_buf *b, const json_t *d, int open)
{
	long long left = jint(d, "seconds_left");
	const char *cls = !open ? "" : left < 0 ? "overdue" :
	    left < 7 * 86400 ? "soon" : "";

	web_printf(b, "<td><time datetime=\"%s\">%s</time><br><small>%s"
	    "</small></td>\n", jstr(d, "closes_at"), jstr(d, "closes_local"),
	    jstr(d, "zone"));
	if (jstr(d, "closes_viewer") != NULL)
		web_printf(b, "<td><time datetime=\"%s\">%s</time><br><small>%s"
		    "</small></td>\n", jstr(d, "closes_at"),
		    jstr(d, "closes_viewer"), jstr(d, "viewer_zone"));
	web_printf(b, "<td class=\"%s\">%s</td>\n", cls, jstr(d, "time_left"));
}

static void
item_link(struct mr_buf *b, const json_t *o)
{
	const char *what = jstr(o, "what");

	if (what != NULL && strcmp(what, "case") == 0)
		web_printf(b, "<td><a href=\"/app/cases/%lld\">case %lld</a>"
		    "</td>\n", jint(o, "id"), jint(o, "id"));
	else
		web_printf(b, "<td><a href=\"/app/hardship#filing-%lld\">"
		    "%s %lld</a></td>\n", jint(o, "id"), what ? what : "",
		    jint(o, "id"));
}

static int
due_row(const struct mr_deadline_item *it, void *arg)
{
	struct due_ctx *dc = arg;
	struct mr_buf *b = dc->b;
	json_t *o, *d;

	if (!web_scope_allows(dc->r->who, it->tin))
		return 0;
	if ((o = mr_view_due_item(dc->view, it)) == NULL)
		return 1;
	d = json_object_get(o, "deadline");
	/* Markup in the format: web_printf's arguments are text. */
	web_printf(b, it->open && it->closes_at < dc->r->now ?
	    "<tr class=\"overdue-row\">\n" : "<tr>\n");
	item_link(b, o);
	web_printf(b, "<td>%s</td><td>%s</td><td>%d</td><td>%s</td>"
	    "<td>%s</td>\n", jstr(o, "name"), jstr(o, "tin"),
	    (int)jint(o, "performance_year"), jstr(o, "kind"),
	    jstr(o, "status"));
	if (json_is_object(d))
		deadline_cells(b, d, it->open);
	else
		web_printf(b, "<td colspan=\"3\"></td>\n");
	web_printf(b, "</tr>\n");
	json_decref(o);
	dc->shown++;
	return b->failed;
}

static int
undated_row(const struct mr_deadline_item *it, void *arg)
{
	struct due_ctx *dc = arg;
	struct mr_buf *b = dc->b;
	json_t *o;

	if (!web_scope_allows(dc->r->who, it->tin))
		return 0;
	if ((o = mr_view_due_item(dc->view, it)) == NULL)
		return 1;
	web_printf(b, "<tr>\n");
	item_link(b, o);
	web_printf(b, "<td>%s</td><td>%s</td><td>%d</td><td>%s</td>"
	    "<td>%s</td>\n<td colspan=\"3\" class=\"undated\">no deadline "
	    "known<br><small>%s; set one: %s</small></td>\n</tr>\n",
	    jstr(o, "name"), jstr(o, "tin"), (int)jint(o, "performance_year"),
	    jstr(o, "kind"), jstr(o, "status"), it->reason, it->set_with);
	json_decref(o);
	dc->undated++;
	return b->failed;
}

/*
 * The cases of a year with no targeted-review window, as one row: they
 * lack the same fact.  Only for an account that sees every TIN or one
 * (the query is narrowed to it), so a count never includes another
 * practice's cases.
 */
static int
undated_group(const struct mr_deadline_group *g, void *arg)
{
	struct due_ctx *dc = arg;
	struct mr_buf *b = dc->b;

	web_printf(b, "<tr>\n<td><a href=\"/app/cases?year=%d\">%lld %s%s</a>"
	    "</td>\n<td colspan=\"2\"></td><td>%d</td><td>%s</td><td></td>\n"
	    "<td colspan=\"3\" class=\"undated\">no deadline known<br><small>"
	    "%s; set one: %s</small></td>\n</tr>\n", g->performance_year,
	    g->count, g->what, g->count == 1 ? "" : "s", g->performance_year,
	    g->kind, g->reason, g->set_with);
	dc->undated += g->count;
	return b->failed;
}

/* The viewer's zone: the form's, checked, else the daemon's default. */
static const char *
viewer_zone(const struct web_req *r, const char **bad, struct mr_err *err)
{
	const char *z = field(r, "zone");

	*bad = NULL;
	if (z != NULL && mr_when_zone_valid(z, err) == -1) {
		*bad = z;
		z = NULL;
	}
	return z != NULL ? z : r->default_zone ? r->default_zone : "UTC";
}

static int
page_due(const struct web_req *r, struct web_reply *out)
{
	struct mr_deadline_filter f = { 0 };
	struct mr_view_opts vo = { .now = r->now };
	struct due_ctx dc = { .r = r, .b = &out->body };
	struct mr_buf *b = &out->body;
	struct mr_err err = { 0 }, zerr = { 0 };
	const char *bad;
	int rc;

	vo.zone = viewer_zone(r, &bad, &zerr);
	/* The scope is part of the query: an account of several TINs reads
	 * their deadlines only, not every one (due_row's check is a second
	 * lock); its items with no deadline, likewise. */
	f.tin = only_tin(r->who);
	if ((f.ntins = several_tins(r->who)) > 0)
		f.tins = r->who->tins;
	if ((dc.view = mr_view_new(r->st, &vo)) == NULL)
		return error_page(r, out, 500, "out of memory");
	begin(out, r, "What is due", WEB_NAV_DUE);
	if (bad != NULL) {
		out->status = 400;
		web_message(b, "error", zerr.msg);
	}
	web_printf(b, "<form class=\"filters\" method=\"get\" "
	    "action=\"/app/due\">\n<p><label for=\"zone\">Your time zone"
	    "</label>\n<input id=\"zone\" name=\"zone\" value=\"%s\" "
	    "placeholder=\"America/Chicago\"%s></p>\n"
	    "<p><button type=\"submit\">Show</button></p>\n"
	    "<p id=\"zone-hint\"></p>\n</form>\n", vo.zone,
	    field(r, "zone") != NULL ? " data-chosen" : "");
	web_printf(b, "<p>Soonest first. Times are shown in the zone CMS "
	    "announced each deadline in and in yours (%s).</p>\n", vo.zone);
	web_printf(b, "<div class=\"table\"><table>\n<thead><tr><th scope=\"col\">"
	    "Item</th><th scope=\"col\">Clinician</th><th scope=\"col\">TIN</th>"
	    "<th scope=\"col\">Year</th><th scope=\"col\">Kind</th>"
	    "<th scope=\"col\">Status</th><th scope=\"col\">Closes (announced)"
	    "</th><th scope=\"col\">Closes (yours)</th><th scope=\"col\">Left"
	    "</th></tr></thead>\n<tbody>\n");
	rc = mr_store_begin_read(r->st, &err);
	if (rc == 0)
		rc = mr_deadline_each(r->st, &f, due_row, &dc, &err);
	if (rc == 0 && (f.tin != NULL || web_scope_allows(r->who, NULL)))
		rc = mr_deadline_undated_summary(r->st, &f, undated_group,
		    undated_row, &dc, &err);
	else if (rc == 0)
		rc = mr_deadline_each_undated(r->st, &f, undated_row, &dc,
		    &err);
	if (rc == 0)
		mr_store_commit(r->st, &err);
	else
		mr_store_rollback(r->st);
	mr_view_free(dc.view);
	if (rc == -1)
		return db_error(r, out, &err);
	web_printf(b, "</tbody>\n</table></div>\n");
	if (dc.shown == 0 && dc.undated == 0)
		web_printf(b, "<p>Nothing is due.</p>\n");
	web_printf(b, "<p>%lld with a deadline, %lld with no deadline known."
	    "</p>\n", (long long)dc.shown, (long long)dc.undated);
	web_page_end(b);
	return 0;
}

/* ---- cases ---- */

struct list_ctx {
	const struct web_req	*r;
	struct mr_view		*view;
	struct mr_buf		*b;
	int			 shown;
	int64_t			 last;
	int			 more;
	struct mr_err		*err;
};

static int
case_row(const struct mr_case *c, void *arg)
{
	struct list_ctx *lc = arg;
	struct mr_buf *b = lc->b;
	char reasons[96];
	json_t *o, *d;

	if (!web_scope_allows(lc->r->who, c->tin))
		return 0;
	if (lc->shown == CASES_PER_PAGE) {
		lc->more = 1;
		return 1;
	}
	if ((o = mr_view_case(lc->view, c, lc->err)) == NULL)
		return -1;
	mr_reasons_format(c->reasons, reasons, sizeof reasons);
	d = json_object_get(o, "deadline");
	web_printf(b, "<tr><td><a href=\"/app/cases/%lld\">%lld</a></td>"
	    "<td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td>",
	    (long long)c->id, (long long)c->id, c->name, jstr(o, "tin"),
	    c->performance_year, c->status, reasons);
	if (json_is_object(d))
		web_printf(b, "<td class=\"%s\">%s</td></tr>\n",
		    mr_state_is_open(c->status) && jint(d, "seconds_left") < 0 ?
		    "overdue" : "", jstr(d, "time_left"));
	else
		web_printf(b, "<td class=\"undated\">no deadline known</td>"
		    "</tr>\n");
	json_decref(o);
	lc->shown++;
	lc->last = c->id;
	return b->failed;
}

static void
select_field(struct mr_buf *b, const char *id, const char *label,
    const char *choices, const char *current)
{
	char copy[256], *p, *save = NULL;

	snprintf(copy, sizeof copy, "%s", choices);
	web_printf(b, "<p><label for=\"%s\">%s</label>\n<select id=\"%s\" "
	    "name=\"%s\">\n<option value=\"\">any</option>\n", id, label, id,
	    id);
	for (p = strtok_r(copy, ", ", &save); p != NULL;
	    p = strtok_r(NULL, ", ", &save))
		web_printf(b, current && strcmp(current, p) == 0 ?
		    "<option selected>%s</option>\n" : "<option>%s</option>\n",
		    p);
	web_printf(b, "</select></p>\n");
}

#define REASON_NAMES "wrong-tin-npi, qp-status, euc-not-applied, " \
	"scoring-error, eligibility-error, other"

static int
page_cases(const struct web_req *r, struct web_reply *out)
{
	struct mr_case_filter f = { 0 };
	struct mr_view_opts vo = { .now = r->now, .zone = "UTC" };
	struct mr_err err = { 0 };
	struct list_ctx lc = { .r = r, .b = &out->body, .err = &err };
	struct mr_buf *b = &out->body;
	const char *tin = field(r, "tin"), *status = field(r, "status"),
	    *year = field(r, "year"), *reason = field(r, "reason"),
	    *after = field(r, "after");
	char tinbuf[16];
	unsigned int bit;
	int rc;

	if (tin != NULL) {
		if (mr_tin_normalize(tin, tinbuf, sizeof tinbuf, &err) == -1)
			goto bad;
		f.tin = tinbuf;
	} else
		f.tin = only_tin(r->who);
	if (status != NULL && !mr_state_valid(status)) {
		mr_err_set(&err, MR_EINVAL, "status '%s': one of %s is "
		    "expected", status, MR_CASE_STATES);
		goto bad;
	}
	f.status = status;
	if (year != NULL && mr_year_parse(year, r->now, &f.year, &err) == -1)
		goto bad;
	if (reason != NULL) {
		if (mr_reason_parse(reason, &bit, &err) == -1)
			goto bad;
		f.reasons = bit;
	}
	if (after != NULL) {
		char *end;

		errno = 0;
		f.after_id = strtoll(after, &end, 10);
		if (errno != 0 || *end != '\0' || f.after_id < 0) {
			mr_err_set(&err, MR_EINVAL, "after '%s': a case number "
			    "is expected", after);
			goto bad;
		}
	}
	/* One page and one more row, to know whether there is a next page;
	 * the scope goes into the query so that the page is filled. */
	f.limit = CASES_PER_PAGE + 1;
	if (f.tin == NULL && (f.ntins = several_tins(r->who)) > 0)
		f.tins = r->who->tins;
	begin(out, r, "Cases", WEB_NAV_CASES);
	goto form;
bad:
	out->status = 400;
	begin(out, r, "Cases", WEB_NAV_CASES);
	web_message(b, "error", err.msg);
form:
	web_printf(b, "<form class=\"filters\" method=\"get\" "
	    "action=\"/app/cases\">\n<p><label for=\"tin\">TIN</label>\n"
	    "<input id=\"tin\" name=\"tin\" inputmode=\"numeric\" "
	    "autocomplete=\"off\" value=\"%s\"></p>\n", tin ? tin : "");
	select_field(b, "status", "Status", MR_CASE_STATES, status);
	web_printf(b, "<p><label for=\"year\">Performance year</label>\n"
	    "<input id=\"year\" name=\"year\" inputmode=\"numeric\" "
	    "size=\"6\" value=\"%s\"></p>\n", year ? year : "");
	select_field(b, "reason", "Reason", REASON_NAMES, reason);
	web_printf(b, "<p><button type=\"submit\">Filter</button></p>\n"
	    "</form>\n");
	if (out->status == 400) {
		web_page_end(b);
		return 0;
	}
	if ((lc.view = mr_view_new(r->st, &vo)) == NULL)
		return error_page(r, out, 500, "out of memory");
	web_printf(b, "<div class=\"table\"><table>\n<thead><tr>"
	    "<th scope=\"col\">Case</th><th scope=\"col\">Clinician</th>"
	    "<th scope=\"col\">TIN</th><th scope=\"col\">Year</th>"
	    "<th scope=\"col\">Status</th><th scope=\"col\">Reasons</th>"
	    "<th scope=\"col\">Left</th></tr></thead>\n<tbody>\n");
	rc = mr_store_begin_read(r->st, &err);
	if (rc == 0 && mr_case_list(r->st, &f, case_row, &lc, &err) == -1)
		rc = -1;
	if (rc == 0 && err.code != MR_EOK)
		rc = -1;
	if (rc == 0)
		mr_store_commit(r->st, &err);
	else
		mr_store_rollback(r->st);
	mr_view_free(lc.view);
	if (rc == -1)
		return db_error(r, out, &err);
	web_printf(b, "</tbody>\n</table></div>\n");
	if (lc.shown == 0)
		web_printf(b, "<p>No case matches.</p>\n");
	if (lc.more) {
		web_printf(b, "<p><a rel=\"next\" href=\"/app/cases?after=%lld",
		    (long long)lc.last);
		if (tin)
			web_printf(b, "&amp;tin=%s", tin);
		if (status)
			web_printf(b, "&amp;status=%s", status);
		if (year)
			web_printf(b, "&amp;year=%s", year);
		if (reason)
			web_printf(b, "&amp;reason=%s", reason);
		web_printf(b, "\">Next %d cases</a></p>\n", CASES_PER_PAGE);
	}
	web_page_end(b);
	return 0;
}

/* ---- one case ---- */

static int
evidence_row(const struct mr_evidence *ev, void *arg)
{
	struct mr_buf *b = arg;

	web_printf(b, "<tr><td>%s</td><td>%s</td><td>%lld</td><td>%s</td>"
	    "<td class=\"hash\">%s</td><td>%s</td><td>%s</td></tr>\n",
	    ev->original_name, ev->kind, (long long)ev->size, ev->media_type,
	    ev->sha256, ev->attached_at, ev->attached_by);
	return b->failed;
}

struct audit_ctx {
	struct mr_view	*view;
	struct mr_buf	*b;
};

static int
audit_row(const struct mr_audit_row *row, void *arg)
{
	struct audit_ctx *ac = arg;

	web_printf(ac->b, "<li><time datetime=\"%s\">%s</time> %s: %s</li>\n",
	    row->at, row->at, row->who, row->action);
	return ac->b->failed;
}

static void
case_fields(struct mr_buf *b, const json_t *o)
{
	static const char *const text[] = { "name", "tin", "npi", "practice",
	    "participation", "legal_name", "requester_role", "request_number",
	    "owner", "explanation", "documents_requested_on", "apm_entity_id",
	    "virtual_group_id", "created_at", "updated_at" };
	const json_t *v;
	size_t i;

	web_printf(b, "<dl>\n<dt>Status</dt><dd>%s</dd>\n"
	    "<dt>Performance year</dt><dd>%d (payment year %d)</dd>\n",
	    jstr(o, "status"), (int)jint(o, "performance_year"),
	    (int)jint(o, "payment_year"));
	web_printf(b, "<dt>Reasons</dt><dd>");
	json_array_foreach(json_object_get(o, "reasons"), i, v)
		web_printf(b, i ? ", %s" : "%s", json_string_value(v));
	web_printf(b, "</dd>\n<dt>Special statuses</dt><dd>");
	json_array_foreach(json_object_get(o, "special_statuses"), i, v)
		web_printf(b, i ? ", %s" : "%s", json_string_value(v));
	web_printf(b, "</dd>\n");
	for (i = 0; i < sizeof text / sizeof text[0]; i++)
		if (jstr(o, text[i]) != NULL)
			web_printf(b, "<dt>%s</dt><dd>%s</dd>\n", text[i],
			    jstr(o, text[i]));
	if (json_is_number(json_object_get(o, "final_score")))
		mr_buf_printf(b, "<dt>final_score</dt><dd>%g</dd>\n",
		    json_number_value(json_object_get(o, "final_score")));
	if (json_is_number(json_object_get(o, "payment_adjustment")))
		mr_buf_printf(b, "<dt>payment_adjustment</dt><dd>%g %%</dd>\n",
		    json_number_value(json_object_get(o,
		    "payment_adjustment")));
	web_printf(b, "</dl>\n");
}

static void
case_deadline(struct mr_buf *b, const json_t *o)
{
	const json_t *d = json_object_get(o, "deadline");

	web_printf(b, "<h2 id=\"deadline\">Deadline</h2>\n");
	if (!json_is_object(d)) {
		web_printf(b, "<p class=\"undated\">No deadline known: no "
		    "targeted-review window is recorded for this performance "
		    "year and the case has none of its own.</p>\n");
		return;
	}
	web_printf(b, "<p><time datetime=\"%s\">%s</time> (%s) \xe2\x80\x94 "
	    "<span class=\"%s\">%s</span></p>\n<p><small>Source: %s</small>"
	    "</p>\n", jstr(d, "closes_at"), jstr(d, "closes_local"),
	    jstr(d, "zone"), jint(d, "seconds_left") < 0 &&
	    mr_state_is_open(jstr(o, "status")) ? "overdue" : "",
	    jstr(d, "time_left"), jstr(d, "source"));
}

/*
 * Whether the item's current deadline is acknowledged (who, when, the
 * note) and, for an account that may change it, the button that
 * acknowledges it (action: where the form goes).
 */
static int
ack_block(struct mr_buf *b, const struct web_req *r, const char *what,
    int64_t id, const char *action, int heading, struct mr_err *err)
{
	struct mr_alert_ack ack;
	int found, open = 0, undated = 0;

	if (mr_alert_ack_current(r->st, what, id, &ack, &found, &open,
	    &undated, NULL, NULL, 0, err) == -1)
		return -1;
	if (heading)
		web_printf(b, "<h2 id=\"ack\">Acknowledgement</h2>\n");
	if (found) {
		web_printf(b, "<p class=\"acked\">Acknowledged by %s at "
		    "<time datetime=\"%s\">%s</time>", ack.acked_by,
		    ack.acked_at, ack.acked_at);
		if (ack.note[0] != '\0')
			web_printf(b, ": <span class=\"note\">%s</span>",
			    ack.note);
		web_printf(b, "</p>\n");
		return 0;
	}
	if (!open || undated) {
		if (heading)
			web_printf(b, "<p>%s</p>\n", !open ? "Closed: nothing "
			    "to acknowledge." : "No deadline known: nothing to "
			    "acknowledge yet.");
		return 0;
	}
	if (heading)
		web_printf(b, "<p>Not acknowledged: the reminders go to the "
		    "owner, and escalate when configured.</p>\n");
	if (r->who == NULL || r->who->role == WEB_VIEWER)
		return 0;
	web_printf(b, "<form method=\"post\" action=\"%s\" class=\"ack\">\n",
	    action);
	csrf_field(b, r);
	web_printf(b, "<label for=\"ack-note-%s-%lld\">Note</label>\n<input "
	    "id=\"ack-note-%s-%lld\" name=\"note\" maxlength=\"%d\">\n"
	    "<button type=\"submit\">Acknowledge</button>\n</form>\n", what,
	    (long long)id, what, (long long)id, MR_ALERT_ACK_NOTE_MAX);
	return 0;
}

static void
case_checklist(struct mr_buf *b, const json_t *o)
{
	const json_t *ev = json_object_get(o, "evidence"), *it;
	size_t i;

	web_printf(b, "<h2 id=\"checklist\">Evidence checklist</h2>\n"
	    "<div class=\"table\"><table>\n<thead><tr><th scope=\"col\">"
	    "Document</th><th scope=\"col\">Present</th><th scope=\"col\">"
	    "Source</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(ev, "checklist"), i, it) {
		long long n = jint(it, "present");
		/* Not attached, but a document that proves the same is. */
		int covered = json_is_true(json_object_get(it, "covered"));

		web_printf(b, "<tr><td>%s%s</td><td class=\"%s\">%s</td>"
		    "<td><small>%s</small></td></tr>\n", jstr(it, "label"),
		    json_is_true(json_object_get(it, "required")) ?
		    " (asked for)" : "", n > 0 || covered ? "present" : "missing",
		    n > 0 ? "present" : covered ? "covered by its alternative" :
		    "missing", jstr(it, "source"));
	}
	web_printf(b, "</tbody>\n</table></div>\n");
	if (jstr(ev, "note") != NULL)
		web_printf(b, "<p><small>%s</small></p>\n", jstr(ev, "note"));
}

static void
case_forms(struct mr_buf *b, const struct web_req *r, const struct mr_case *c)
{
	const char *const *states = mr_case_states();
	const char *const *kinds = mr_evidence_kinds();
	int any = 0;

	web_printf(b, "<h2 id=\"move\">Status</h2>\n");
	for (size_t i = 0; states[i] != NULL; i++) {
		if (mr_case_transition_allowed(c->status, states[i], NULL) != 0)
			continue;
		if (!any++)
			web_printf(b, "<p>The workflow allows these moves from "
			    "%s:</p>\n", c->status);
		web_printf(b, "<form class=\"inline\" method=\"post\" "
		    "action=\"/app/cases/%lld/status\">\n", (long long)c->id);
		csrf_field(b, r);
		web_printf(b, "<input type=\"hidden\" name=\"state\" "
		    "value=\"%s\">\n<p><label for=\"note-%s\">Note</label>\n"
		    "<input id=\"note-%s\" name=\"note\"></p>\n", states[i],
		    states[i], states[i]);
		if (strcmp(states[i], "documents-requested") == 0)
			web_printf(b, "<p><label for=\"requested-on\">CMS asked "
			    "on</label>\n<input id=\"requested-on\" "
			    "name=\"requested_on\" type=\"date\"></p>\n");
		if (strcmp(states[i], "ready") == 0)
			web_printf(b, "<p><input id=\"force-ready\" "
			    "name=\"force\" type=\"checkbox\" value=\"1\"> "
			    "<label for=\"force-ready\">Even with required "
			    "evidence missing (the history records it)</label>"
			    "</p>\n");
		web_printf(b, "<p><button type=\"submit\" name=\"move\" "
		    "value=\"%s\">Move to %s</button></p>\n</form>\n",
		    states[i], states[i]);
	}
	if (!any)
		web_printf(b, "<p>No move is open from %s.</p>\n", c->status);

	web_printf(b, "<h2 id=\"note\">Add a note</h2>\n<form method=\"post\" "
	    "action=\"/app/cases/%lld/notes\">\n", (long long)c->id);
	csrf_field(b, r);
	web_printf(b, "<p><label for=\"note-text\">Note</label>\n<textarea "
	    "id=\"note-text\" name=\"text\" rows=\"3\" cols=\"50\" required>"
	    "</textarea></p>\n<p><button type=\"submit\">Add note</button>"
	    "</p>\n</form>\n");

	web_printf(b, "<h2 id=\"own-deadline\">Set this case's own deadline"
	    "</h2>\n<p>When CMS gives this case a date of its own (e.g. for "
	    "documents it asked for), it replaces the review window's "
	    "deadline for this case only.</p>\n<form method=\"post\" "
	    "action=\"/app/cases/%lld/deadline\">\n", (long long)c->id);
	csrf_field(b, r);
	web_printf(b, "<p><label for=\"deadline\">Deadline</label>\n<input "
	    "id=\"deadline\" name=\"deadline\" required placeholder="
	    "\"2024-10-31 17:00 America/New_York\"></p>\n<p><label "
	    "for=\"deadline-source\">Source</label>\n<input "
	    "id=\"deadline-source\" name=\"source\" required placeholder="
	    "\"CMS e-mail of 2024-10-01\"></p>\n<p><button type=\"submit\">"
	    "Set deadline</button></p>\n</form>\n");

	web_printf(b, "<h2 id=\"upload\">Attach a document</h2>\n"
	    "<form method=\"post\" action=\"/app/cases/%lld/evidence\" "
	    "enctype=\"multipart/form-data\">\n", (long long)c->id);
	csrf_field(b, r);
	web_printf(b, "<p><label for=\"file\">File</label>\n<input id=\"file\" "
	    "name=\"file\" type=\"file\" required></p>\n<p><label "
	    "for=\"kind\">Kind</label>\n<select id=\"kind\" name=\"kind\">\n");
	for (size_t i = 0; kinds[i] != NULL; i++)
		web_printf(b, "<option value=\"%s\">%s</option>\n", kinds[i],
		    mr_evidence_kind_label(kinds[i]));
	web_printf(b, "</select></p>\n<p><label for=\"ev-note\">Note</label>\n"
	    "<input id=\"ev-note\" name=\"note\"></p>\n<p><button "
	    "type=\"submit\">Attach</button></p>\n</form>\n");
}

static int
page_case(const struct web_req *r, struct web_reply *out, int64_t id,
    const char *error)
{
	struct mr_view_opts vo = { .now = r->now, .zone = "UTC" };
	struct mr_err err = { 0 };
	struct mr_case c;
	struct mr_view *view = NULL;
	struct mr_buf *b = &out->body;
	struct audit_ctx ac = { .b = b };
	json_t *o = NULL, *v;
	char title[64], action[64];
	const char *done = field(r, "done");
	size_t i;
	int rc = -1;

	memset(&c, 0, sizeof c);
	if (mr_store_begin_read(r->st, &err) == -1)
		return db_error(r, out, &err);
	if (mr_case_get(r->st, id, &c, &err) == -1) {
		mr_store_rollback(r->st);
		return db_error(r, out, &err);
	}
	if (!web_scope_allows(r->who, c.tin)) {
		mr_store_rollback(r->st);
		mr_case_release(&c);
		return hidden_case(r, out, id);
	}
	if ((view = mr_view_new(r->st, &vo)) == NULL ||
	    (o = mr_view_case_full(view, &c, &err)) == NULL)
		goto out;
	snprintf(title, sizeof title, "Case %lld", (long long)id);
	mr_buf_reset(b);
	begin(out, r, title, WEB_NAV_CASES);
	if (error != NULL)
		web_message(b, "error", error);
	else if (done != NULL)
		web_message(b, "ok", strcmp(done, "status") == 0 ?
		    "The status was changed." : strcmp(done, "note") == 0 ?
		    "The note was added." : strcmp(done, "deadline") == 0 ?
		    "The case's deadline was set." :
		    strcmp(done, "evidence") == 0 ?
		    "The document was attached." : strcmp(done, "ack") == 0 ?
		    "The deadline was acknowledged: the reminders to the owner "
		    "stop until it moves or the case changes state." : "Done.");
	web_printf(b, "<p>%s, TIN %s</p>\n", jstr(o, "name"), jstr(o, "tin"));
	case_fields(b, o);
	case_deadline(b, o);
	snprintf(action, sizeof action, "/app/cases/%lld/ack", (long long)id);
	if (ack_block(b, r, "case", id, action, 1, &err) == -1)
		goto out;
	case_checklist(b, o);

	web_printf(b, "<h2 id=\"evidence\">Evidence</h2>\n<div class=\"table\">"
	    "<table>\n<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">"
	    "Kind</th><th scope=\"col\">Bytes</th><th scope=\"col\">Type</th>"
	    "<th scope=\"col\">SHA-256</th><th scope=\"col\">Attached</th>"
	    "<th scope=\"col\">By</th></tr></thead>\n<tbody>\n");
	if (mr_evidence_each(r->st, "case", id, 0, evidence_row, b, &err) == -1)
		goto out;
	web_printf(b, "</tbody>\n</table></div>\n<p><a href=\"/app/cases/%lld/"
	    "packet\" download>Download the review packet (.zip)</a></p>\n",
	    (long long)id);

	web_printf(b, "<h2 id=\"notes\">Notes</h2>\n");
	if (json_array_size(json_object_get(o, "notes")) == 0)
		web_printf(b, "<p>No notes yet.</p>\n");
	else {
		web_printf(b, "<ul class=\"notes\">\n");
		json_array_foreach(json_object_get(o, "notes"), i, v)
			web_printf(b, "<li><time datetime=\"%s\">%s</time> "
			    "%s: <span class=\"note\">%s</span></li>\n",
			    jstr(v, "at"), jstr(v, "at"), jstr(v, "who"),
			    jstr(v, "text"));
		web_printf(b, "</ul>\n");
	}
	if (r->who->role != WEB_VIEWER)
		case_forms(b, r, &c);
	web_printf(b, "<h2 id=\"whatif\">What if</h2>\n<p><a href=\"/app/cases/"
	    "%lld/whatif\">The final score and payment adjustment with other "
	    "categories reweighted or other scores</a></p>\n", (long long)id);
	web_printf(b, "<h2 id=\"history\">History</h2>\n<ol class=\"audit\">\n");
	ac.view = view;
	if (mr_audit_each(r->st, "case", id, audit_row, &ac, &err) == -1)
		goto out;
	web_printf(b, "</ol>\n");
	web_page_end(b);
	rc = 0;
out:
	if (rc == 0)
		mr_store_commit(r->st, &err);
	else
		mr_store_rollback(r->st);
	json_decref(o);
	mr_view_free(view);
	mr_case_release(&c);
	if (rc == -1)
		return err.code != MR_EOK ? db_error(r, out, &err) :
		    error_page(r, out, 500, "out of memory");
	return 0;
}

/* After a change, a form goes back to the case (POST/redirect/GET). */
static int
see_case(struct web_reply *out, int64_t id, const char *done)
{
	out->status = 303;
	snprintf(out->location, sizeof out->location, "/app/cases/%lld?done=%s",
	    (long long)id, done);
	return 0;
}

/* A case the account may change, or an answer already in *out. */
static int
writable_case(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_err err = { 0 };
	struct mr_case c;
	int ok;

	if (r->who->role == WEB_VIEWER) {
		error_page(r, out, 403, "your account may read but not change "
		    "cases; an officer or administrator can");
		return 0;
	}
	if (mr_case_get(r->st, id, &c, &err) == -1) {
		db_error(r, out, &err);
		return 0;
	}
	ok = web_scope_allows(r->who, c.tin);
	mr_case_release(&c);
	if (!ok)
		hidden_case(r, out, id);
	return ok;
}

static int
post_status(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_err err = { 0 };
	const char *state = field(r, "state");

	if (!writable_case(r, out, id))
		return 0;
	if (state == NULL) {
		out->status = 400;
		return page_case(r, out, id, "state: the status to move to is "
		    "missing");
	}
	mr_store_set_actor(r->st, r->who->name);
	/* The move and the evidence gate before ready are one transaction,
	 * as the CLI's status. */
	if (mr_store_begin(r->st, &err) == -1 ||
	    mr_case_move(r->st, id, state, field(r, "note"),
	    field(r, "requested_on"), &err) == -1 ||
	    (strcmp(state, "ready") == 0 && mr_checklist_gate_ready(r->st, id,
	    field(r, "force") != NULL, &err) == -1) ||
	    mr_store_commit(r->st, &err) == -1) {
		mr_store_rollback(r->st);
		out->status = status_of(&err);
		return page_case(r, out, id, err.msg);
	}
	return see_case(out, id, "status");
}

static int
post_deadline(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_err err = { 0 };
	const char *deadline = field(r, "deadline"), *source = field(r, "source");
	struct mr_buf a1, a2;
	const char *set[2];
	int rc;

	if (!writable_case(r, out, id))
		return 0;
	if (deadline == NULL || source == NULL) {
		out->status = 400;
		return page_case(r, out, id, deadline == NULL ? "deadline: the "
		    "date and time CMS gave is missing" : "source: name the "
		    "CMS notice or message that set this deadline");
	}
	mr_buf_init(&a1, 4096);
	mr_buf_init(&a2, 4096);
	mr_buf_printf(&a1, "deadline=%s", deadline);
	mr_buf_printf(&a2, "deadline_source=%s", source);
	set[0] = mr_buf_str(&a1);
	set[1] = mr_buf_str(&a2);
	mr_store_set_actor(r->st, r->who->name);
	rc = mr_case_set(r->st, id, set, 2, 0, &err);
	mr_buf_free(&a1);
	mr_buf_free(&a2);
	if (rc == -1) {
		out->status = status_of(&err);
		return page_case(r, out, id, err.msg);
	}
	return see_case(out, id, "deadline");
}

static int
post_note(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_err err = { 0 };
	const char *text = field(r, "text");

	if (!writable_case(r, out, id))
		return 0;
	mr_store_set_actor(r->st, r->who->name);
	if (mr_case_add_note(r->st, id, text ? text : "", &err) == -1) {
		out->status = status_of(&err);
		return page_case(r, out, id, err.msg);
	}
	return see_case(out, id, "note");
}

static int
post_case_ack(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_err err = { 0 };

	if (!writable_case(r, out, id))
		return 0;
	mr_store_set_actor(r->st, r->who->name);
	if (mr_alert_ack_add(r->st, "case", id, field(r, "note"), NULL,
	    &err) == -1) {
		out->status = status_of(&err);
		return page_case(r, out, id, err.msg);
	}
	return see_case(out, id, "ack");
}

static int
post_evidence(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_evidence_file file;
	struct mr_evidence_result res;
	struct mr_err err = { 0 };

	if (!writable_case(r, out, id))
		return 0;
	if (r->upload == NULL) {
		out->status = 400;
		return page_case(r, out, id, "file: choose a document to "
		    "attach");
	}
	file.path = r->upload->path;
	file.name = r->upload->name;
	mr_store_set_actor(r->st, r->who->name);
	if (mr_evidence_attach(r->st, "case", id, &file, 1, field(r, "kind"),
	    field(r, "note"), &res, &err) == -1) {
		out->status = status_of(&err);
		return page_case(r, out, id, err.msg);
	}
	return see_case(out, id, "evidence");
}

/* The packet as a .zip in a private temporary folder; the caller sends it. */
static int
get_packet(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_err err = { 0 };
	struct mr_case c;
	char dir[256];
	int ok;

	if (mr_case_get(r->st, id, &c, &err) == -1)
		return db_error(r, out, &err);
	ok = web_scope_allows(r->who, c.tin);
	mr_case_release(&c);
	if (!ok)
		return hidden_case(r, out, id);
	snprintf(dir, sizeof dir, "%s/mipsreviewd-packet.XXXXXX",
	    r->tmpdir ? r->tmpdir : "/tmp");
	if (mkdtemp(dir) == NULL)
		return error_page(r, out, 500, "cannot make a temporary folder "
		    "for the packet");
	snprintf(out->filename, sizeof out->filename, "case-%lld-packet.zip",
	    (long long)id);
	if ((size_t)snprintf(out->file, sizeof out->file, "%s/%s", dir,
	    out->filename) >= sizeof out->file) {
		(void)rmdir(dir);
		out->file[0] = '\0';
		return error_page(r, out, 500, "the temporary folder's name is "
		    "too long (TMPDIR)");
	}
	if (mr_packet_write(r->st, id, out->file, 0, NULL, &err) == -1) {
		out->file[0] = '\0';
		(void)rmdir(dir);
		return db_error(r, out, &err);
	}
	out->status = 200;
	out->content_type = "application/zip";
	return 0;
}

/* ---- filings and windows ---- */

struct filing_ctx {
	const struct web_req	*r;
	struct mr_view		*view;
	struct mr_buf		*b;
	int			 shown;
	int64_t			 last;
	int			 more;
	struct mr_err		 err;
};

/* The status moves the filing's workflow allows, as one small form. */
static void
filing_moves(struct mr_buf *b, const struct web_req *r,
    const struct mr_hardship *h)
{
	const char *const *states = mr_hardship_states();
	int any = 0;

	web_printf(b, "<td>");
	for (size_t i = 0; states[i] != NULL; i++) {
		if (mr_hardship_transition_allowed(h->status, states[i],
		    NULL) != 0)
			continue;
		if (!any++) {
			web_printf(b, "<form method=\"post\" action=\"/app/"
			    "hardship/%lld/status\">\n", (long long)h->id);
			csrf_field(b, r);
			web_printf(b, "<p><label for=\"filing-state-%lld\">"
			    "Move to</label>\n<select id=\"filing-state-%lld\" "
			    "name=\"state\">\n", (long long)h->id,
			    (long long)h->id);
		}
		web_printf(b, "<option>%s</option>\n", states[i]);
	}
	if (any)
		web_printf(b, "</select></p>\n<p><label for=\"filing-note-%lld\">"
		    "Note</label>\n<input id=\"filing-note-%lld\" "
		    "name=\"note\"></p>\n<p><button type=\"submit\">Move "
		    "filing %lld</button></p>\n</form>", (long long)h->id,
		    (long long)h->id, (long long)h->id);
	else
		web_printf(b, "no move from %s", h->status);
	web_printf(b, "</td>");
}

static int
filing_row(const struct mr_hardship *h, void *arg)
{
	struct filing_ctx *fc = arg;
	struct mr_buf *b = fc->b;
	json_t *o, *d;
	char action[64];

	if (!web_scope_allows(fc->r->who, h->tin))
		return 0;
	if (fc->shown == FILINGS_PER_PAGE) {
		fc->more = 1;
		return 1;
	}
	if ((o = mr_view_filing(fc->view, h, NULL)) == NULL)
		return 1;
	d = json_object_get(o, "deadline");
	web_printf(b, "<tr id=\"filing-%lld\"><td>%lld</td><td>%s</td>"
	    "<td>%s</td><td>%d</td><td>%s</td><td>%s</td>",
	    (long long)h->id, (long long)h->id, h->name ? h->name : "",
	    jstr(o, "tin"), h->performance_year, h->type, h->status);
	if (json_is_object(d))
		web_printf(b, "<td>%s<br><small>%s</small></td><td class=\"%s\">"
		    "%s</td>", jstr(d, "closes_local"), jstr(d, "zone"),
		    mr_hardship_state_is_open(h->status) &&
		    jint(d, "seconds_left") < 0 ? "overdue" : "",
		    jstr(d, "time_left"));
	else
		web_printf(b, "<td colspan=\"2\" class=\"undated\">no deadline "
		    "known</td>");
	if (fc->r->who->role != WEB_VIEWER)
		filing_moves(b, fc->r, h);
	json_decref(o);
	web_printf(b, "<td>");
	snprintf(action, sizeof action, "/app/hardship/%lld/ack",
	    (long long)h->id);
	if (ack_block(b, fc->r, "hardship", h->id, action, 0, &fc->err) == -1)
		return 1;
	web_printf(b, "</td></tr>\n");
	fc->shown++;
	fc->last = h->id;
	return b->failed;
}

static int
page_hardship(const struct web_req *r, struct web_reply *out, const char *msg)
{
	struct mr_hardship_filter f = { .tin = only_tin(r->who) };
	struct mr_view_opts vo = { .now = r->now, .zone = "UTC" };
	struct filing_ctx fc = { .r = r, .b = &out->body };
	struct mr_err err = { 0 };
	struct mr_buf *b = &out->body;
	const char *done = field(r, "done"), *after = field(r, "after");
	char *end;
	int rc;

	/* A page, by keyset: the filings after the last one shown. */
	if (after != NULL && msg == NULL) {
		errno = 0;
		f.after_id = strtoll(after, &end, 10);
		if (errno != 0 || end == after || *end != '\0' ||
		    f.after_id < 0) {
			f.after_id = 0;
			out->status = 400;
			msg = "after: the number of the last filing of the "
			    "previous page is expected; the page's own link "
			    "has it";
		}
	}
	/* One page and one more row, to know whether there is a next page;
	 * the scope goes into the query so that the page is filled. */
	f.limit = FILINGS_PER_PAGE + 1;
	if (f.tin == NULL && (f.ntins = several_tins(r->who)) > 0)
		f.tins = r->who->tins;
	if ((fc.view = mr_view_new(r->st, &vo)) == NULL)
		return error_page(r, out, 500, "out of memory");
	mr_buf_reset(b);
	begin(out, r, "Hardship filings", WEB_NAV_HARDSHIP);
	if (msg != NULL)
		web_message(b, "error", msg);
	else if (done != NULL && strcmp(done, "ack") == 0)
		web_message(b, "ok", "The deadline was acknowledged: the "
		    "reminders to the owner stop until it moves or the filing "
		    "changes state.");
	else if (done != NULL)
		web_message(b, "ok", "The filing's status was changed.");
	web_printf(b, "<p>Extreme and uncontrollable circumstances (EUC) and "
	    "Promoting Interoperability hardship-exception applications "
	    "(CMS EUC Application Guide).</p>\n<div class=\"table\"><table>\n"
	    "<thead><tr><th scope=\"col\">Filing</th><th scope=\"col\">"
	    "Clinician</th><th scope=\"col\">TIN</th><th scope=\"col\">Year"
	    "</th><th scope=\"col\">Type</th><th scope=\"col\">Status</th>"
	    "<th scope=\"col\">Closes</th><th scope=\"col\">Left</th>");
	/* web_printf's arguments are text: markup goes in the format. */
	if (r->who->role != WEB_VIEWER)
		web_printf(b, "<th scope=\"col\">Status move</th>");
	web_printf(b, "<th scope=\"col\">Acknowledged</th></tr></thead>\n"
	    "<tbody>\n");
	rc = mr_store_begin_read(r->st, &err);
	if (rc == 0)
		rc = mr_hardship_list(r->st, &f, filing_row, &fc, &err);
	if (rc == -1 && fc.err.code != MR_EOK)
		err = fc.err;
	if (rc == 0)
		mr_store_commit(r->st, &err);
	else
		mr_store_rollback(r->st);
	mr_view_free(fc.view);
	if (rc == -1)
		return db_error(r, out, &err);
	web_printf(b, "</tbody>\n</table></div>\n");
	if (fc.shown == 0)
		web_printf(b, f.after_id ? "<p>No more filings.</p>\n" :
		    "<p>No filings.</p>\n");
	if (fc.more)
		web_printf(b, "<p><a rel=\"next\" href=\"/app/hardship?"
		    "after=%lld\">Next %d filings</a></p>\n",
		    (long long)fc.last, FILINGS_PER_PAGE);
	web_page_end(b);
	return 0;
}

/* Acknowledge a filing's deadline from the filings page. */
static int
post_filing_ack(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_err err = { 0 };
	struct mr_hardship h;
	int ok;

	if (r->who->role == WEB_VIEWER)
		return error_page(r, out, 403, "your account may read but not "
		    "change filings; an officer or administrator can");
	memset(&h, 0, sizeof h);
	ok = mr_hardship_get(r->st, id, &h, &err) == 0 &&
	    web_scope_allows(r->who, h.tin);
	mr_hardship_release(&h);
	if (!ok) {
		/* Another practice's filing reads as one that does not exist. */
		mr_err_set(&err, MR_ENOTFOUND, "hardship filing %lld does not "
		    "exist", (long long)id);
		out->status = 404;
		return page_hardship(r, out, err.msg);
	}
	mr_store_set_actor(r->st, r->who->name);
	if (mr_alert_ack_add(r->st, "hardship", id, field(r, "note"), NULL,
	    &err) == -1) {
		out->status = status_of(&err);
		return page_hardship(r, out, err.msg);
	}
	out->status = 303;
	snprintf(out->location, sizeof out->location,
	    "/app/hardship?after=%lld&done=ack#filing-%lld",
	    (long long)id - 1, (long long)id);
	return 0;
}

struct window_ctx {
	const struct web_req	*r;
	struct mr_view		*view;
	struct mr_buf		*b;
	int			 may_change;
};

/* 1 if who may extend review windows; else 0 with the reason in *err. */
static int
may_change_windows(const struct web_who *who, struct mr_err *err)
{
	enum mr_role role = who->role == WEB_ADMIN ? MR_ROLE_ADMIN :
	    who->role == WEB_OFFICER ? MR_ROLE_OFFICER : MR_ROLE_VIEWER;

	return mr_user_may_change_windows(role, who->all_tins != 0, err);
}

static int
window_row(const struct mr_window *w, void *arg)
{
	struct window_ctx *wc = arg;
	struct mr_buf *b = wc->b;
	json_t *o, *d;

	if ((o = mr_view_window(wc->view, w)) == NULL)
		return 1;
	d = json_object_get(o, "deadline");
	web_printf(b, "<tr id=\"window-%lld\"><td>%lld</td><td>%s</td>"
	    "<td>%d</td><td>%s</td><td>%s<br><small>%s</small></td>"
	    "<td>%s</td><td><small>%s</small></td>", (long long)w->id,
	    (long long)w->id, w->kind, w->performance_year, w->name,
	    jstr(d, "closes_local"), jstr(d, "zone"), jstr(d, "time_left"),
	    w->source);
	if (wc->may_change) {
		web_printf(b, "<td><form method=\"post\" action=\"/app/windows/"
		    "%lld/extend\">\n", (long long)w->id);
		csrf_field(b, wc->r);
		web_printf(b, "<p><label for=\"closes-%lld\">New closing time"
		    "</label>\n<input id=\"closes-%lld\" name=\"closes\" "
		    "placeholder=\"2026-12-31 20:00\" required></p>\n"
		    "<p><label for=\"source-%lld\">Source of the extension"
		    "</label>\n<input id=\"source-%lld\" name=\"source\" "
		    "required></p>\n<p><button type=\"submit\">Extend</button>"
		    "</p>\n</form></td>", (long long)w->id, (long long)w->id,
		    (long long)w->id, (long long)w->id);
	}
	web_printf(b, "</tr>\n");
	json_decref(o);
	return b->failed;
}

static int
page_windows(const struct web_req *r, struct web_reply *out, const char *msg,
    const char *kind)
{
	struct mr_view_opts vo = { .now = r->now, .zone = "UTC" };
	struct window_ctx wc = { .r = r, .b = &out->body };
	struct mr_err err = { 0 };
	struct mr_buf *b = &out->body;
	const char *done = field(r, "done");
	int rc;

	struct mr_err why = { 0 };

	if ((wc.view = mr_view_new(r->st, &vo)) == NULL)
		return error_page(r, out, 500, "out of memory");
	wc.may_change = may_change_windows(r->who, &why);
	mr_buf_reset(b);
	begin(out, r, "Review windows", WEB_NAV_WINDOWS);
	if (msg != NULL)
		web_message(b, kind, msg);
	else if (done != NULL)
		web_message(b, "ok", "The window was extended.");
	/* An officer limited to some TINs is told why there is no form. */
	if (!wc.may_change && r->who->role == WEB_OFFICER && msg == NULL)
		web_printf(b, "<p id=\"windows-scope\">%s.</p>\n", why.msg);
	web_printf(b, "<div class=\"table\"><table>\n<thead><tr>"
	    "<th scope=\"col\">Window</th><th scope=\"col\">Kind</th>"
	    "<th scope=\"col\">Year</th><th scope=\"col\">Name</th>"
	    "<th scope=\"col\">Closes</th><th scope=\"col\">Left</th>"
	    "<th scope=\"col\">Source</th>");
	if (wc.may_change)
		web_printf(b, "<th scope=\"col\">Extend</th>");
	web_printf(b, "</tr></thead>\n<tbody>\n");
	rc = mr_store_begin_read(r->st, &err);
	if (rc == 0)
		rc = mr_window_each(r->st, 0, NULL, window_row, &wc, &err);
	if (rc == 0)
		mr_store_commit(r->st, &err);
	else
		mr_store_rollback(r->st);
	mr_view_free(wc.view);
	if (rc == -1)
		return db_error(r, out, &err);
	web_printf(b, "</tbody>\n</table></div>\n");
	web_page_end(b);
	return 0;
}

static int
post_extend(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_err err = { 0 };
	const char *closes = field(r, "closes"), *source = field(r, "source");
	int64_t moved;

	if (!may_change_windows(r->who, &err)) {
		out->status = 403;
		if (r->who->role == WEB_VIEWER)
			return error_page(r, out, 403, err.msg);
		return page_windows(r, out, err.msg, "error");
	}
	if (closes == NULL || source == NULL) {
		out->status = 400;
		return page_windows(r, out, closes == NULL ? "closes: the new "
		    "closing time is missing" : "source: name the CMS notice "
		    "or page that announced the extension", "error");
	}
	mr_store_set_actor(r->st, r->who->name);
	if (mr_window_extend(r->st, id, closes, source, &moved, &err) == -1) {
		out->status = status_of(&err);
		return page_windows(r, out, err.msg, "error");
	}
	out->status = 303;
	snprintf(out->location, sizeof out->location,
	    "/app/windows?done=extended#window-%lld", (long long)id);
	return 0;
}

/* hardship status FILING STATE [--note TEXT], from the filings page. */
static int
post_filing_status(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_err err = { 0 };
	struct mr_hardship h;
	const char *state = field(r, "state");
	int ok;

	if (r->who->role == WEB_VIEWER)
		return error_page(r, out, 403, "your account may read but not "
		    "change filings; an officer or administrator can");
	if (mr_hardship_get(r->st, id, &h, &err) == -1)
		return db_error(r, out, &err);
	ok = web_scope_allows(r->who, h.tin);
	mr_hardship_release(&h);
	if (!ok) {
		/* Another practice's filing reads as one that does not exist. */
		mr_err_set(&err, MR_ENOTFOUND, "filing %lld does not exist; "
		    "'mipsreview hardship list' shows the filings",
		    (long long)id);
		return db_error(r, out, &err);
	}
	if (state == NULL) {
		out->status = 400;
		return page_hardship(r, out, "state: the status to move to is "
		    "missing");
	}
	mr_store_set_actor(r->st, r->who->name);
	if (mr_hardship_set_status(r->st, id, state, field(r, "note"),
	    &err) == -1) {
		out->status = status_of(&err);
		return page_hardship(r, out, err.msg);
	}
	out->status = 303;
	snprintf(out->location, sizeof out->location,
	    "/app/hardship?after=%lld&done=status#filing-%lld",
	    (long long)id - 1, (long long)id);
	return 0;
}

int
web_login_page(const struct web_req *r, const char *msg,
    struct web_reply *out)
{
	memset(out, 0, sizeof *out);
	mr_buf_init(&out->body, PAGE_MAX);
	out->status = msg != NULL ? 401 : 200;
	out->content_type = "text/html; charset=utf-8";
	return page_login(r, out, msg);
}

/* ---- what-if ---- */

static void
number_cell(struct mr_buf *b, const json_t *o, const char *key,
    const char *unit)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_number(v))
		mr_buf_printf(b, "<td>%.2f%s</td>", json_number_value(v), unit);
	else
		mr_buf_printf(b, "<td>not known</td>");
}

static int
page_whatif(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct mr_whatif_input in;
	struct mr_whatif *w = NULL;
	struct mr_view_opts vo = { .now = r->now, .zone = "UTC" };
	struct mr_view *view = NULL;
	struct mr_err err = { 0 };
	struct mr_case c;
	struct mr_buf *b = &out->body;
	const char *reweight = field(r, "reweight"), *score = field(r, "score"),
	    *charges = field(r, "allowed_charges");
	const json_t *cur, *wi, *diff, *rule;
	json_t *o = NULL;
	char title[64];
	size_t i;
	int ok;

	if (mr_case_get(r->st, id, &c, &err) == -1)
		return db_error(r, out, &err);
	ok = web_scope_allows(r->who, c.tin);
	mr_case_release(&c);
	if (!ok)
		return hidden_case(r, out, id);
	snprintf(title, sizeof title, "What if: case %lld", (long long)id);
	begin(out, r, title, WEB_NAV_CASES);
	mr_whatif_input_init(&in);
	if ((reweight != NULL &&
	    mr_whatif_parse_reweight(&in, reweight, &err) == -1) ||
	    (score != NULL && mr_whatif_parse_scores(&in, score, &err) == -1) ||
	    (charges != NULL &&
	    mr_whatif_parse_charges(&in, charges, &err) == -1) ||
	    mr_whatif_compute(r->st, id, &in, &w, &err) == -1) {
		out->status = status_of(&err);
		web_message(b, "error", err.msg);
	}
	web_printf(b, "<p><a href=\"/app/cases/%lld\">Back to the case</a></p>\n"
	    "<form class=\"filters\" method=\"get\" action=\"/app/cases/%lld/"
	    "whatif\">\n<p><label for=\"reweight\">Reweight categories"
	    "</label>\n<input id=\"reweight\" name=\"reweight\" "
	    "placeholder=\"pi,cost\" value=\"%s\"></p>\n<p><label "
	    "for=\"score\">Category scores</label>\n<input id=\"score\" "
	    "name=\"score\" placeholder=\"quality=85\" value=\"%s\"></p>\n"
	    "<p><label for=\"allowed-charges\">Part B allowed charges ($)"
	    "</label>\n<input id=\"allowed-charges\" name=\"allowed_charges\" "
	    "inputmode=\"decimal\" value=\"%s\"></p>\n<p><button "
	    "type=\"submit\">Compute</button></p>\n</form>\n", (long long)id,
	    (long long)id, reweight ? reweight : "", score ? score : "",
	    charges ? charges : "");
	if (w == NULL)
		goto done;
	if ((view = mr_view_new(r->st, &vo)) == NULL ||
	    (o = mr_view_whatif(view, w)) == NULL) {
		mr_whatif_free(w);
		mr_view_free(view);
		return error_page(r, out, 500, "out of memory");
	}
	cur = json_object_get(o, "current");
	wi = json_object_get(o, "whatif");
	diff = json_object_get(o, "difference");
	web_printf(b, "<div class=\"table\"><table>\n<thead><tr><th "
	    "scope=\"col\"></th><th scope=\"col\">Now</th><th scope=\"col\">"
	    "What if</th><th scope=\"col\">Difference</th></tr></thead>\n"
	    "<tbody>\n<tr><th scope=\"row\">Final score</th>");
	number_cell(b, cur, "final_score", "");
	number_cell(b, wi, "final_score", "");
	number_cell(b, diff, "final_score", "");
	web_printf(b, "</tr>\n<tr><th scope=\"row\">Payment adjustment</th>");
	number_cell(b, cur, "payment_adjustment", " %");
	number_cell(b, wi, "payment_adjustment", " %");
	number_cell(b, diff, "payment_adjustment", " %");
	web_printf(b, "</tr>\n");
	if (json_is_number(json_object_get(diff, "dollars"))) {
		web_printf(b, "<tr><th scope=\"row\">Dollars a year (estimate)"
		    "</th>");
		number_cell(b, cur, "dollars", "");
		number_cell(b, wi, "dollars", "");
		number_cell(b, diff, "dollars", "");
		web_printf(b, "</tr>\n");
	}
	web_printf(b, "</tbody>\n</table></div>\n<h2 id=\"rules\">How this was "
	    "computed</h2>\n<ol>\n");
	json_array_foreach(json_object_get(o, "rules"), i, rule)
		web_printf(b, "<li>[%s] %s%s<br><small>Source: %s</small></li>\n",
		    jstr(rule, "applies_to"), jstr(rule, "text"),
		    json_is_true(json_object_get(rule, "verified")) ? "" :
		    " (unverified)", jstr(rule, "source"));
	web_printf(b, "</ol>\n");
	json_decref(o);
	mr_view_free(view);
	mr_whatif_free(w);
done:
	web_page_end(b);
	return 0;
}

/* ---- the account's own calendar feeds ---- */

struct feed_ctx {
	const struct web_req	*r;
	struct mr_buf		*b;
	int			 shown;
};

static int
feed_row(const struct mr_feed *f, void *arg)
{
	struct feed_ctx *fc = arg;
	struct mr_buf *b = fc->b;
	char tin[16];

	if (f->account_id != fc->r->who->account_id)
		return 0;
	if (f->tin[0] != '\0')
		mr_tin_mask(f->tin, tin, sizeof tin);
	else
		snprintf(tin, sizeof tin, "any");
	web_printf(b, "<tr id=\"feed-%lld\"><td>%s</td><td>%s</td><td>",
	    (long long)f->id, f->name, tin);
	if (f->year != 0)
		web_printf(b, "%d", f->year);
	else
		web_printf(b, "any");
	web_printf(b, "</td><td>%s</td><td>", f->created_at);
	if (f->revoked_at[0] != '\0')
		web_printf(b, "revoked %s", f->revoked_at);
	else {
		web_printf(b, "<form method=\"post\" action=\"/app/feeds/%lld/"
		    "revoke\">\n", (long long)f->id);
		csrf_field(b, fc->r);
		web_printf(b, "<button type=\"submit\">Revoke %s</button>\n"
		    "</form>", f->name);
	}
	web_printf(b, "</td></tr>\n");
	fc->shown++;
	return b->failed;
}

/*
 * The feeds page; url: a feed just made, whose address is shown this
 * once (only its hash is kept).
 */
static int
page_feeds(const struct web_req *r, struct web_reply *out, const char *msg,
    const char *url)
{
	struct feed_ctx fc = { .r = r, .b = &out->body };
	struct mr_err err = { 0 };
	struct mr_buf *b = &out->body;
	const char *done = field(r, "done");

	mr_buf_reset(b);
	begin(out, r, "My calendar feeds", WEB_NAV_FEEDS);
	if (msg != NULL)
		web_message(b, "error", msg);
	else if (done != NULL)
		web_message(b, "ok", "The feed was revoked: its address no "
		    "longer works.");
	if (url != NULL) {
		web_message(b, "ok", "Feed added. Its address is shown only "
		    "this once: subscribe to it now or keep it safe.");
		web_printf(b, "<p><label for=\"feed-url\">Calendar address"
		    "</label>\n<input id=\"feed-url\" class=\"copy\" "
		    "readonly size=\"60\" value=\"%s\"> <button type=\"button\" "
		    "data-copy=\"feed-url\" hidden>Copy</button></p>\n", url);
	}
	web_printf(b, "<p>A feed is a calendar address (iCalendar) of your "
	    "deadlines for a calendar program to subscribe to; anyone who "
	    "has the address can read it, so revoke one you no longer "
	    "use.</p>\n<div class=\"table\"><table>\n<thead><tr>"
	    "<th scope=\"col\">Name</th><th scope=\"col\">TIN</th>"
	    "<th scope=\"col\">Year</th><th scope=\"col\">Created</th>"
	    "<th scope=\"col\">State</th></tr></thead>\n<tbody>\n");
	if (mr_feed_each(r->st, 1, feed_row, &fc, &err) == -1)
		return db_error(r, out, &err);
	web_printf(b, "</tbody>\n</table></div>\n");
	if (fc.shown == 0)
		web_printf(b, "<p>You have no feeds yet.</p>\n");
	web_printf(b, "<h2 id=\"add\">Add a feed</h2>\n<form method=\"post\" "
	    "action=\"/app/feeds\">\n");
	csrf_field(b, r);
	web_printf(b, "<p><label for=\"feed-name\">Name</label>\n<input "
	    "id=\"feed-name\" name=\"name\" maxlength=\"64\" required "
	    "placeholder=\"my-deadlines\"></p>\n<p><label for=\"feed-tin\">"
	    "TIN (empty: every TIN you may see)</label>\n<input id=\"feed-tin\" "
	    "name=\"tin\" inputmode=\"numeric\" autocomplete=\"off\"></p>\n"
	    "<p><label for=\"feed-year\">Performance year (empty: all)"
	    "</label>\n<input id=\"feed-year\" name=\"year\" "
	    "inputmode=\"numeric\" size=\"6\"></p>\n<p><button "
	    "type=\"submit\">Add feed</button></p>\n</form>\n");
	web_page_end(b);
	return 0;
}

static int
post_feed_add(const struct web_req *r, struct web_reply *out)
{
	struct mr_err err = { 0 };
	const char *name = field(r, "name"), *tin = field(r, "tin"),
	    *year = field(r, "year");
	char token[MR_FEED_TOKEN_LEN + 1], tinbuf[16], url[512];
	const char *base = r->base_url ? r->base_url : "";
	size_t blen = strlen(base);
	int y = 0, rc;
	int64_t id;

	/* A feed reads every TIN it is not limited to: so must its owner. */
	if (tin != NULL) {
		if (mr_tin_normalize(tin, tinbuf, sizeof tinbuf, &err) == -1)
			goto refused;
		if (!web_scope_allows(r->who, tinbuf)) {
			out->status = 403;
			return page_feeds(r, out, "tin: your account does not "
			    "cover this TIN", NULL);
		}
		tin = tinbuf;
	} else if (!web_scope_allows(r->who, NULL)) {
		if ((tin = only_tin(r->who)) == NULL) {
			out->status = 400;
			return page_feeds(r, out, "tin: your account covers "
			    "several TINs; name the one this feed is for", NULL);
		}
	}
	if (year != NULL && mr_year_parse(year, r->now, &y, &err) == -1)
		goto refused;
	mr_store_set_actor(r->st, r->who->name);
	if (mr_feed_add_for(r->st, r->who->account_id, name ? name : "", tin,
	    y, token, sizeof token, &id, &err) == -1)
		goto refused;
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	snprintf(url, sizeof url, "%.*s/calendar/%s.ics", (int)blen, base,
	    token);
	rc = page_feeds(r, out, NULL, url);
	memset(token, 0, sizeof token);
	memset(url, 0, sizeof url);
	return rc;
refused:
	out->status = status_of(&err);
	return page_feeds(r, out, err.msg, NULL);
}

struct own_feed {
	int64_t		 id;
	int64_t		 account_id;
	int		 found;
};

static int
find_feed(const struct mr_feed *f, void *arg)
{
	struct own_feed *of = arg;

	if (f->id != of->id)
		return 0;
	of->found = 1;
	of->account_id = f->account_id;
	return 1;
}

static int
post_feed_revoke(const struct web_req *r, struct web_reply *out, int64_t id)
{
	struct own_feed of = { .id = id };
	struct mr_err err = { 0 };
	char which[32];

	if (mr_feed_each(r->st, 0, find_feed, &of, &err) == -1)
		return db_error(r, out, &err);
	/* Another account's feed is as absent as one that never was. */
	if (!of.found || of.account_id != r->who->account_id) {
		out->status = 404;
		return page_feeds(r, out, "no active feed of yours has this "
		    "number", NULL);
	}
	snprintf(which, sizeof which, "#%lld", (long long)id);
	mr_store_set_actor(r->st, r->who->name);
	if (mr_feed_revoke(r->st, which, NULL, &err) == -1) {
		out->status = status_of(&err);
		return page_feeds(r, out, err.msg, NULL);
	}
	out->status = 303;
	snprintf(out->location, sizeof out->location, "/app/feeds?done=revoked");
	return 0;
}

int
web_error_page(const struct web_req *r, unsigned int status, const char *msg,
    struct web_reply *out)
{
	memset(out, 0, sizeof *out);
	mr_buf_init(&out->body, PAGE_MAX);
	out->content_type = "text/html; charset=utf-8";
	return error_page(r, out, status, msg);
}

/* ---- routing ---- */

/* "/app/cases/12/status" with prefix "/app/cases/": 12 and rest "/status". */
static int
parse_id(const char *path, const char *prefix, int64_t *id, const char **rest)
{
	size_t n = strlen(prefix);
	char *end;

	if (strncmp(path, prefix, n) != 0 || path[n] < '1' || path[n] > '9')
		return 0;
	errno = 0;
	*id = strtoll(path + n, &end, 10);
	if (errno != 0)
		return 0;
	*rest = end;
	return 1;
}

int
web_route(const struct web_req *r, const char *path, struct web_reply *out)
{
	const char *rest;
	int64_t id;

	memset(out, 0, sizeof *out);
	mr_buf_init(&out->body, PAGE_MAX);
	out->status = 200;
	out->content_type = "text/html; charset=utf-8";

	if (strcmp(path, "/app/style.css") == 0) {
		out->content_type = "text/css; charset=utf-8";
		mr_buf_add(&out->body, web_css, web_css_len);
		return 0;
	}
	if (strcmp(path, "/app/app.js") == 0) {
		out->content_type = "text/javascript; charset=utf-8";
		mr_buf_add(&out->body, web_js, web_js_len);
		return 0;
	}
	if (strcmp(path, "/app/login") == 0 && !r->post)
		return page_login(r, out, NULL);
	if (r->who == NULL) {
		/* The sign-in form, with the status a program can read. */
		out->status = 401;
		return page_login(r, out, NULL);
	}
	if (strcmp(path, "/app") == 0 || strcmp(path, "/app/") == 0) {
		out->status = 303;
		snprintf(out->location, sizeof out->location, "/app/due");
		return 0;
	}
	if (!r->post) {
		if (strcmp(path, "/app/due") == 0)
			return page_due(r, out);
		if (strcmp(path, "/app/cases") == 0)
			return page_cases(r, out);
		if (strcmp(path, "/app/hardship") == 0)
			return page_hardship(r, out, NULL);
		if (strcmp(path, "/app/windows") == 0)
			return page_windows(r, out, NULL, NULL);
		if (strcmp(path, "/app/feeds") == 0)
			return page_feeds(r, out, NULL, NULL);
		if (parse_id(path, "/app/cases/", &id, &rest)) {
			if (*rest == '\0')
				return page_case(r, out, id, NULL);
			if (strcmp(rest, "/packet") == 0)
				return get_packet(r, out, id);
			if (strcmp(rest, "/whatif") == 0)
				return page_whatif(r, out, id);
		}
	} else {
		if (parse_id(path, "/app/cases/", &id, &rest)) {
			if (strcmp(rest, "/status") == 0)
				return post_status(r, out, id);
			if (strcmp(rest, "/notes") == 0)
				return post_note(r, out, id);
			if (strcmp(rest, "/evidence") == 0)
				return post_evidence(r, out, id);
			if (strcmp(rest, "/deadline") == 0)
				return post_deadline(r, out, id);
			if (strcmp(rest, "/ack") == 0)
				return post_case_ack(r, out, id);
		}
		if (parse_id(path, "/app/hardship/", &id, &rest) &&
		    strcmp(rest, "/status") == 0)
			return post_filing_status(r, out, id);
		if (parse_id(path, "/app/hardship/", &id, &rest) &&
		    strcmp(rest, "/ack") == 0)
			return post_filing_ack(r, out, id);
		if (parse_id(path, "/app/windows/", &id, &rest) &&
		    strcmp(rest, "/extend") == 0)
			return post_extend(r, out, id);
		if (strcmp(path, "/app/feeds") == 0)
			return post_feed_add(r, out);
		if (parse_id(path, "/app/feeds/", &id, &rest) &&
		    strcmp(rest, "/revoke") == 0)
			return post_feed_revoke(r, out, id);
	}
	return error_page(r, out, 404, "no such page");
}
