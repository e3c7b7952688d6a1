#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_alert.h"
#include "lib/mr_alert_ack.h"
#include "lib/mr_alert_ledger.h"
#include "lib/mr_audit.h"
#include "lib/mr_autoeuc.h"
#include "lib/mr_case.h"
#include "lib/mr_checklist.h"
#include "lib/mr_deadline.h"
#include "lib/mr_evidence.h"
#include "lib/mr_feed.h"
#include "lib/mr_user.h"
#include "lib/mr_hardship.h"
#include "lib/mr_ident.h"
#include "lib/mr_import.h"
#include "lib/mr_packet.h"
#include "lib/mr_score.h"
#include "lib/mr_store.h"
#include "lib/mr_view.h"
#include "lib/mr_whatif.h"
#include "lib/mr_when.h"
#include "lib/mr_window.h"

/*
 * A performance year's targeted-review window, looked up once per view:
 * list shows hundreds of thousands of cases and the years are few.  Its
 * texts are formatted once too.
 */
struct year_window {
	int	 year;
	int	 known;		/* 1: the year has a window */
	time_t	 closes_at;
	char	 zone[64];
	char	*source;
	char	 utc[32];	/* closes_at as ISO UTC */
	char	 local[48];	/* closes_at in zone, ISO with offset */
};

#define VIEW_YEARS	64

struct mr_view {
	struct mr_store		*st;
	struct mr_view_opts	 o;
	struct year_window	 years[VIEW_YEARS];
	int			 nyears;
	int			 next;	/* the entry to reuse when all are taken */
};

struct mr_view *
mr_view_new(struct mr_store *st, const struct mr_view_opts *o)
{
	struct mr_view *v = calloc(1, sizeof *v);

	if (v == NULL)
		return NULL;
	v->st = st;
	v->o = *o;
	if (v->o.zone == NULL)
		v->o.zone = "UTC";
	return v;
}

void
mr_view_free(struct mr_view *v)
{
	if (v == NULL)
		return;
	for (int i = 0; i < v->nyears; i++)
		free(v->years[i].source);
	free(v);
}

const struct mr_view_opts *
mr_view_opts(const struct mr_view *v)
{
	return &v->o;
}

static void
tin_shown(const struct mr_view *v, const char *tin, char *out, size_t len)
{
	if (v->o.reveal)
		snprintf(out, len, "%s", tin);
	else
		mr_tin_mask(tin, out, len);
}

static json_t *
num(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

/* The cache entry of year, looked up on first use; NULL on error. */
static struct year_window *
year_window(struct mr_view *v, int year, struct mr_err *err)
{
	struct year_window *y;
	struct mr_window w;
	int found;

	for (int i = 0; i < v->nyears; i++)
		if (v->years[i].year == year)
			return &v->years[i];
	if (v->nyears < VIEW_YEARS)
		y = &v->years[v->nyears++];
	else {
		y = &v->years[v->next];
		v->next = (v->next + 1) % VIEW_YEARS;
		free(y->source);
	}
	memset(y, 0, sizeof *y);
	y->year = year;
	if ((found = mr_deadline_year_window(v->st, year, &w, err)) == -1) {
		y->year = -1;		/* not cached: try again next time */
		return NULL;
	}
	if (found == 0)
		return y;
	y->known = 1;
	y->closes_at = w.closes_at;
	snprintf(y->zone, sizeof y->zone, "%s", w.zone);
	y->source = strdup(w.source ? w.source : "");
	mr_window_release(&w);
	if (y->source == NULL) {
		y->year = -1;
		mr_err_set(err, MR_EFAIL, "out of memory");
		return NULL;
	}
	mr_when_iso_utc(y->closes_at, y->utc, sizeof y->utc);
	if (mr_when_format_local(y->closes_at, y->zone, y->local,
	    sizeof y->local) == -1)
		snprintf(y->local, sizeof y->local, "%s", y->utc);
	return y;
}

int
mr_view_case_deadline(struct mr_view *v, const struct mr_case *c,
    time_t *closes_at, const char **zone, const char **source,
    struct mr_err *err)
{
	struct year_window *y;

	if (c->has_deadline) {
		*closes_at = c->deadline_at;
		*zone = c->deadline_zone;
		*source = c->deadline_source ? c->deadline_source :
		    "deadline set on the case";
		return 1;
	}
	if ((y = year_window(v, c->performance_year, err)) == NULL)
		return -1;
	if (!y->known)
		return 0;
	*closes_at = y->closes_at;
	*zone = y->zone;
	*source = y->source;
	return 1;
}

json_t *
mr_view_deadline(const struct mr_view *v, time_t closes_at, const char *zone)
{
	return mr_deadline_json(closes_at, zone, v->o.now);
}

json_t *
mr_view_case(struct mr_view *v, const struct mr_case *c, struct mr_err *err)
{
	struct year_window *y = NULL;
	const char *zone, *source;
	time_t closes;
	json_t *o, *d = NULL;
	int has;

	if ((has = mr_view_case_deadline(v, c, &closes, &zone, &source,
	    err)) == -1)
		return NULL;
	if ((o = mr_case_to_json(c, v->o.reveal)) == NULL)
		goto oom;
	if (has && c->has_deadline)
		d = mr_view_deadline(v, closes, zone);
	else if (has) {		/* the year's window: its texts are formatted once */
		char left[40];

		y = year_window(v, c->performance_year, err);
		mr_when_left(v->o.now, closes, left, sizeof left);
		d = json_pack("{s:s, s:s, s:s, s:I, s:s}", "closes_at", y->utc,
		    "zone", y->zone, "closes_local", y->local, "seconds_left",
		    (json_int_t)(closes - v->o.now), "time_left", left);
	}
	if (has && (d == NULL ||
	    json_object_set_new(d, "source", json_string(source)) == -1))
		goto oom;
	if (json_object_set_new(o, "deadline", has ? d : json_null()) == -1) {
		d = NULL;
		goto oom;
	}
	return o;
oom:
	json_decref(d);
	json_decref(o);
	mr_err_set(err, MR_EFAIL, "out of memory");
	return NULL;
}

static int
note_one(const char *at, const char *who, const char *body, void *arg)
{
	return json_array_append_new(arg, json_pack("{s:s, s:s, s:s}", "at", at,
	    "who", who, "text", body)) == 0 ? 0 : 1;
}

json_t *
mr_view_case_full(struct mr_view *v, const struct mr_case *c,
    struct mr_err *err)
{
	json_t *o, *notes = NULL, *ev = NULL;

	if ((o = mr_view_case(v, c, err)) == NULL)
		return NULL;
	if ((notes = json_array()) == NULL)
		goto oom;
	if (mr_case_notes_each(v->st, c->id, note_one, notes, err) == -1)
		goto fail;
	if (json_object_set_new(o, "notes", notes) == -1) {
		notes = NULL;
		goto oom;
	}
	notes = NULL;
	if ((ev = mr_view_program(v, c->performance_year, err)) == NULL)
		goto fail;
	if (json_object_set_new(o, "program", ev) == -1)
		goto oom;
	if ((ev = mr_view_checklist(v, c->id, false, err)) == NULL)
		goto fail;
	if (json_object_set_new(o, "evidence", ev) == -1)
		goto oom;
	if ((ev = mr_view_autoeuc(v, c->performance_year, c->county, c->zip,
	    err)) == NULL)
		goto fail;
	if (json_object_set_new(o, "automatic_euc", ev) == -1)
		goto oom;
	return o;
oom:
	mr_err_set(err, MR_EFAIL, "out of memory");
fail:
	json_decref(notes);
	json_decref(o);
	return NULL;
}

json_t *
mr_view_program(struct mr_view *v, int year, struct mr_err *err)
{
	struct mr_score_ref *ref;
	json_t *o = NULL;
	int from;

	if ((ref = malloc(sizeof *ref)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		return NULL;
	}
	if (mr_score_load(v->st, year, ref, err) == -1)
		goto out;
	/* As the what-if counts it: the latest year standing in for any. */
	from = mr_score_ref_assumed(ref);
	if (ref->scale_year != 0 && ref->scale_year != year &&
	    ref->scale_year > from)
		from = ref->scale_year;
	o = json_pack("{s:i, s:f, s:f, s:i, s:o, s:o, s:s, s:b, s:s, s:b, s:o}",
	    "performance_year", year,
	    "threshold", ref->threshold,
	    "max_negative_pct", ref->max_negative,
	    "program_from", ref->program_from,
	    "max_positive_pct", ref->scale_year != 0 && !isnan(ref->max_positive) ?
	    json_real(ref->max_positive) : json_null(),
	    "max_positive_from", ref->scale_year != 0 ?
	    json_integer(ref->scale_year) : json_null(),
	    "source", ref->program_source,
	    "verified", ref->program_verified != 0,
	    "max_positive_source", ref->scale_source,
	    "assumed", from != 0,
	    "assumed_from", from != 0 ? json_integer(from) : json_null());
	if (o == NULL)
		mr_err_set(err, MR_EFAIL, "out of memory");
out:
	free(ref);
	return o;
}

json_t *
mr_view_due_item(const struct mr_view *v, const struct mr_deadline_item *it)
{
	json_t *d;
	char tin[16], local[48];

	tin_shown(v, it->tin, tin, sizeof tin);
	/* No deadline known: listed all the same, with why and how to set one. */
	if (it->undated)
		return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:i, s:s, s:b, "
		    "s:n, s:n, s:n, s:s, s:s}",
		    "id", (json_int_t)it->id, "what", it->what, "kind", it->kind,
		    "name", it->name, "tin", tin,
		    "npi", it->npi[0] ? json_string(it->npi) : json_null(),
		    "performance_year", it->performance_year,
		    "status", it->status, "open", it->open,
		    "window_id", "deadline", "closes_at",
		    "reason", it->reason, "set_with", it->set_with);
	if ((d = mr_view_deadline(v, it->closes_at, it->zone)) == NULL)
		return NULL;
	if (mr_when_format_local(it->closes_at, v->o.zone, local,
	    sizeof local) == -1)
		local[0] = '\0';
	json_object_set_new(d, "viewer_zone", json_string(v->o.zone));
	json_object_set_new(d, "closes_viewer", json_string(local));
	json_object_set_new(d, "source", json_string(it->source));
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:i, s:s, s:b, s:o, s:o}",
	    "id", (json_int_t)it->id, "what", it->what, "kind", it->kind,
	    "name", it->name, "tin", tin,
	    "npi", it->npi[0] ? json_string(it->npi) : json_null(),
	    "performance_year", it->performance_year,
	    "status", it->status, "open", it->open,
	    "window_id", it->window_id ? json_integer(it->window_id) :
	    json_null(), "deadline", d);
}

json_t *
mr_view_due_group(const struct mr_view *v, const struct mr_deadline_group *g)
{
	(void)v;
	return json_pack("{s:b, s:s, s:s, s:i, s:I, s:n, s:n, s:n, s:s, s:s, s:s}",
	    "group", 1, "what", g->what, "kind", g->kind,
	    "performance_year", g->performance_year, "count", (json_int_t)g->count,
	    "window_id", "deadline", "closes_at", "reason", g->reason,
	    "set_with", g->set_with, "list_with", g->list_with);
}

json_t *
mr_view_window(const struct mr_view *v, const struct mr_window *w)
{
	return mr_window_to_json(w, v->o.now);
}

json_t *
mr_view_filing(struct mr_view *v, const struct mr_hardship *h,
    const struct mr_hardship_warnings *given)
{
	struct mr_hardship_warnings own;
	const struct mr_hardship_warnings *w = given;
	struct mr_hardship_window win;
	struct mr_autoeuc_match m;
	struct mr_err err = { 0 };
	json_t *o = mr_hardship_to_json(h, v->o.reveal), *list;
	char iso[32];

	if (o == NULL)
		return NULL;
	if (w == NULL) {
		mr_hardship_advise(h, &own);
		w = &own;
	}
	/* A window that cannot be read shows as none, like a filing without. */
	if (h->window_id != 0 && mr_hardship_window(v->st, h->window_id, &win,
	    &err) == 0) {
		mr_when_iso_utc((time_t)win.closes_at, iso, sizeof iso);
		json_object_set_new(o, "window", json_pack("{s:I, s:s, s:s, s:s, "
		    "s:s, s:s}", "id", (json_int_t)win.id, "kind", win.kind,
		    "name", win.name, "closes_at", iso, "zone", win.zone,
		    "source", win.source));
		json_object_set_new(o, "deadline", json_string(iso));
	} else {
		json_object_set_new(o, "window", json_null());
		json_object_set_new(o, "deadline", json_null());
	}
	if ((list = json_array()) == NULL) {
		json_decref(o);
		return NULL;
	}
	for (int i = 0; i < w->n; i++)
		json_array_append_new(list, json_string(w->msg[i]));
	json_object_set_new(o, "warnings", list);
	/* What CMS's automatic EUC lists say of the practice's place. */
	if (h->county[0] == '\0' && h->zip[0] == '\0')
		json_object_set_new(o, "automatic_euc", json_null());
	else if (mr_hardship_place(v->st, h, &m, given == NULL ? &own : NULL,
	    &err) == 0) {
		json_object_set_new(o, "automatic_euc", mr_autoeuc_to_json(&m,
		    h->performance_year));
		/* Advice recomputed here includes the place's. */
		if (given == NULL)
			for (int i = (int)json_array_size(list); i < own.n; i++)
				json_array_append_new(list,
				    json_string(own.msg[i]));
	} else
		json_object_set_new(o, "automatic_euc", json_null());
	return o;
}

json_t *
mr_view_evidence(const struct mr_view *v, const struct mr_evidence *ev)
{
	(void)v;
	return mr_evidence_to_json(ev);
}

json_t *
mr_view_evidence_stored(struct mr_view *v, const struct mr_evidence *ev,
    struct mr_err *err)
{
	char dir[4096], path[4200];
	json_t *o;

	if (mr_evidence_dir(v->st, dir, sizeof dir, err) == -1)
		return NULL;
	if ((o = mr_view_evidence(v, ev)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		return NULL;
	}
	snprintf(path, sizeof path, "%s/%s", dir, ev->sha256);
	json_object_set_new(o, "stored_as", json_string(path));
	return o;
}

json_t *
mr_view_evidence_attached(const struct mr_view *v, const struct mr_evidence *ev,
    bool deduplicated)
{
	json_t *o = mr_view_evidence(v, ev);

	if (o != NULL)
		json_object_set_new(o, "deduplicated", json_boolean(deduplicated));
	return o;
}

json_t *
mr_view_evidence_problem(const struct mr_view *v,
    const struct mr_evidence_problem *p)
{
	(void)v;
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "problem", p->what,
	    "file", p->file,
	    "evidence_id", p->ev ? json_integer(p->ev->id) : json_null(),
	    "name", p->ev ? json_string(p->ev->original_name) : json_null(),
	    "subject", p->ev ? json_sprintf("%s %lld", p->ev->subject,
	    (long long)p->ev->subject_id) : json_null(),
	    "actual_sha256", p->actual_sha256 ? json_string(p->actual_sha256) :
	    json_null());
}

json_t *
mr_view_evidence_verified(const struct mr_view *v, int files, int problem_count,
    json_t *problems)
{
	(void)v;
	return json_pack("{s:b, s:i, s:i, s:o}", "intact", problem_count == 0,
	    "files", files, "problem_count", problem_count, "problems", problems);
}

json_t *
mr_view_checklist(struct mr_view *v, int64_t case_id, bool with_id,
    struct mr_err *err)
{
	json_t *o = mr_checklist_json(v->st, case_id, err), *a;
	struct mr_case c;

	if (o == NULL || !with_id)
		return o;
	json_object_set_new(o, "case_id", json_integer(case_id));
	/* Standing alone, the checklist says whether automatic EUC covered
	 * the practice's place (show has it beside the case). */
	if (mr_case_get(v->st, case_id, &c, err) == -1) {
		json_decref(o);
		return NULL;
	}
	a = mr_view_autoeuc(v, c.performance_year, c.county, c.zip, err);
	mr_case_release(&c);
	if (a == NULL || json_object_set_new(o, "automatic_euc", a) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
mr_view_autoeuc(struct mr_view *v, int year, const char *county,
    const char *zip, struct mr_err *err)
{
	struct mr_autoeuc_match m;
	json_t *o;

	if ((county == NULL || *county == '\0') && (zip == NULL || *zip == '\0'))
		return json_null();
	if (mr_autoeuc_find(v->st, year, county, zip, &m, err) == -1)
		return NULL;
	if ((o = mr_autoeuc_to_json(&m, year)) == NULL)
		mr_err_set(err, MR_EFAIL, "out of memory");
	return o;
}

static json_t *
whatif_side(const struct mr_score_result *r, double charges)
{
	char cats[32], *tok, *save = NULL;
	json_t *rw = json_array(), *w = json_null();

	mr_category_format(r->reweighted, cats, sizeof cats);
	for (tok = strtok_r(cats, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(rw, json_string(tok));
	if (!isnan(r->w[0]))
		w = json_pack("{s:f, s:f, s:f, s:f}", "quality", r->w[0],
		    "cost", r->w[1], "ia", r->w[2], "pi", r->w[3]);
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o}, "
	    "s:b, s:b, s:b, s:b, s:o, s:o}",
	    "final_score", num(r->final_score),
	    "final_score_from", isnan(r->final_score) ? json_null() :
		json_string(r->final_reported ? "reported" : "computed"),
	    "payment_adjustment", num(r->adjustment),
	    "payment_adjustment_from", isnan(r->adjustment) ? json_null() :
		json_string(r->adjustment_reported ? "reported" : "computed"),
	    "reweighted", rw,
	    "weights", w,
	    "category_scores", "quality", num(r->score[0]), "cost", num(r->score[1]),
		"ia", num(r->score[2]), "pi", num(r->score[3]),
	    "neutral", r->neutral,
	    "estimate", r->estimate,
	    "unverified", r->unverified,
	    "assumed", r->assumed_from != 0,
	    "assumed_from", r->assumed_from ? json_integer(r->assumed_from) :
		json_null(),
	    "dollars", isnan(charges) || isnan(r->adjustment) ? json_null() :
		json_real(charges * r->adjustment / 100.0));
}

json_t *
mr_view_whatif(const struct mr_view *v, const struct mr_whatif *in)
{
	const struct mr_score_result *cur = &in->current, *wi = &in->whatif;
	double charges = in->allowed_charges;
	/* A year either side took unpublished figures from (the later one). */
	int assumed_from = cur->assumed_from > wi->assumed_from ?
	    cur->assumed_from : wi->assumed_from;
	json_t *list;

	(void)v;
	if ((list = json_array()) == NULL)
		return NULL;
	for (int i = 0; i < in->nrules; i++) {
		const struct mr_score_rule *r = in->rules[i].rule;

		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:b, "
		    "s:b, s:o}", "rule", r->rule, "applies_to",
		    in->rules[i].applies_to, "text", r->text, "source", r->source,
		    "verified", r->verified, "estimate", r->estimate,
		    "assumed_from", r->assumed_from ?
		    json_integer(r->assumed_from) : json_null()));
	}
	return json_pack("{s:I, s:i, s:i, s:o, s:o, s:o, s:{s:o, s:o, s:o}, s:b, "
	    "s:b, s:b, s:o, s:o}",
	    "case_id", (json_int_t)in->c.id,
	    "performance_year", in->c.performance_year,
	    "payment_year", in->c.performance_year + 2,
	    "allowed_charges", num(charges),
	    "current", whatif_side(cur, charges),
	    "whatif", whatif_side(wi, charges),
	    "difference",
		"final_score", num(wi->final_score - cur->final_score),
		"payment_adjustment", num(wi->adjustment - cur->adjustment),
		"dollars", num(charges * (wi->adjustment - cur->adjustment) / 100.0),
	    "estimate", cur->estimate || wi->estimate || !isnan(charges),
	    "unverified", cur->unverified || wi->unverified,
	    "assumed", assumed_from != 0,
	    "assumed_from", assumed_from ? json_integer(assumed_from) :
		json_null(),
	    "rules", list);
}

/* A before/after snapshot of the audit trail, its TIN masked unless revealed. */
static json_t *
audit_snapshot(const struct mr_view *v, const char *text)
{
	json_t *s, *tin;
	char masked[16];

	if (text == NULL || (s = json_loads(text, 0, NULL)) == NULL)
		return json_null();
	if (!v->o.reveal && json_is_object(s) &&
	    (tin = json_object_get(s, "tin")) != NULL && json_is_string(tin)) {
		mr_tin_mask(json_string_value(tin), masked, sizeof masked);
		json_object_set_new(s, "tin", json_string(masked));
	}
	/*
	 * An account's snapshot lists the TINs it is limited to; a webhook's
	 * older rows name them comma-separated in one string.
	 */
	if (!v->o.reveal && json_is_object(s) &&
	    (tin = json_object_get(s, "tins")) != NULL && json_is_string(tin)) {
		char list[1024], *tok, *save = NULL;
		json_t *a = json_array();

		snprintf(list, sizeof list, "%s", json_string_value(tin));
		for (tok = strtok_r(list, ",", &save); a != NULL && tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			mr_tin_mask(tok, masked, sizeof masked);
			json_array_append_new(a, json_string(masked));
		}
		if (a != NULL)
			json_object_set_new(s, "tins", a);
	} else if (!v->o.reveal && json_is_object(s) &&
	    (tin = json_object_get(s, "tins")) != NULL && json_is_array(tin)) {
		size_t i;
		json_t *t;

		json_array_foreach(tin, i, t)
			if (json_is_string(t)) {
				mr_tin_mask(json_string_value(t), masked,
				    sizeof masked);
				json_array_set_new(tin, i, json_string(masked));
			}
	}
	return s;
}

json_t *
mr_view_audit_row(const struct mr_view *v, const struct mr_audit_row *r)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:s}",
	    "id", (json_int_t)r->id, "at", r->at, "who", r->who,
	    "entity", r->entity, "entity_id", r->entity_id ?
	    json_integer(r->entity_id) : json_null(), "action", r->action,
	    "before", audit_snapshot(v, r->before),
	    "after", audit_snapshot(v, r->after), "hash", r->hash);
}

json_t *
mr_view_audit_verified(const struct mr_view *v, bool intact,
    const struct mr_audit_verdict *vd, bool anchor_checked,
    const char *message)
{
	char head[MR_AUDIT_ANCHOR_LEN];

	(void)v;
	mr_audit_anchor_format(&vd->head, head, sizeof head);
	return json_pack("{s:b, s:I, s:I, s:o, s:o, s:o, s:b, s:s}",
	    "intact", intact, "rows", (json_int_t)vd->rows,
	    "keyed_rows", (json_int_t)vd->keyed_rows,
	    "first_broken_row", vd->bad_id ? json_integer(vd->bad_id) :
	    json_null(),
	    "anchor", intact ? json_string(head) : json_null(),
	    "extends_anchor", anchor_checked ? json_boolean(intact) :
	    json_null(),
	    "key_file", vd->have_key, "message", message ? message : "");
}

json_t *
mr_view_audit_anchor(const struct mr_view *v, const struct mr_audit_head *hd)
{
	char anchor[MR_AUDIT_ANCHOR_LEN];

	(void)v;
	mr_audit_anchor_format(hd, anchor, sizeof anchor);
	return json_pack("{s:s, s:I, s:s}", "anchor", anchor,
	    "rows", (json_int_t)hd->rows, "hash", hd->hash);
}

json_t *
mr_view_feed(const struct mr_view *v, const struct mr_feed *f)
{
	char tin[16] = "";

	if (f->tin[0] != '\0')
		tin_shown(v, f->tin, tin, sizeof tin);
	return json_pack("{s:I, s:s, s:o, s:o, s:s, s:o, s:b}",
	    "id", (json_int_t)f->id, "name", f->name,
	    "tin", tin[0] ? json_string(tin) : json_null(),
	    "performance_year", f->year ? json_integer(f->year) : json_null(),
	    "created_at", f->created_at,
	    "revoked_at", f->revoked_at[0] ? json_string(f->revoked_at) :
	    json_null(), "active", f->revoked_at[0] == '\0');
}

json_t *
mr_view_feed_added(const struct mr_view *v, int64_t id, const char *name,
    const char *url)
{
	(void)v;
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name,
	    "url", url);
}

json_t *
mr_view_feed_revoked(const struct mr_view *v, const struct mr_feed *f)
{
	(void)v;
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)f->id,
	    "name", f->name, "revoked_at", f->revoked_at);
}

json_t *
mr_view_user(const struct mr_view *v, const struct mr_user *u)
{
	json_t *tins = u->ntins > 0 ? json_array() : json_null();
	json_t *tokens = json_array();

	for (int i = 0; tins != NULL && i < u->ntins; i++) {
		char tin[16];

		tin_shown(v, u->tins[i], tin, sizeof tin);
		json_array_append_new(tins, json_string(tin));
	}
	for (int i = 0; tokens != NULL && i < u->ntokens; i++)
		json_array_append_new(tokens, json_pack("{s:I, s:s}",
		    "id", (json_int_t)u->tokens[i].id,
		    "created_at", u->tokens[i].created_at));
	return json_pack("{s:I, s:s, s:s, s:o, s:b, s:s, s:o, s:o, s:b, s:o}",
	    "id", (json_int_t)u->id, "name", u->name,
	    "role", mr_role_name(u->role), "tins", tins,
	    "password_set", u->password_changed_at[0] != '\0',
	    "created_at", u->created_at,
	    "password_changed_at", u->password_changed_at[0] ?
	    json_string(u->password_changed_at) : json_null(),
	    "disabled_at", u->disabled_at[0] ? json_string(u->disabled_at) :
	    json_null(), "active", u->disabled_at[0] == '\0',
	    "tokens", tokens);
}

json_t *
mr_view_user_token_added(const struct mr_view *v, int64_t id,
    const char *account, const char *token)
{
	(void)v;
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id,
	    "user", account, "token", token);
}

/* "a@x,b@y" as ["a@x", "b@y"]. */
static json_t *
recipients(const char *list)
{
	json_t *a = json_array();
	char *copy = strdup(list ? list : ""), *tok, *save = NULL;

	if (a == NULL || copy == NULL) {
		free(copy);
		json_decref(a);
		return NULL;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(tok));
	free(copy);
	return a;
}

json_t *
mr_view_alert(const struct mr_view *v, const struct mr_alert_report *r)
{
	char label[32];

	/* A grounds change or a digest is no reminder before a deadline. */
	if (r->kind != NULL && (strcmp(r->kind, "grounds") == 0 ||
	    strcmp(r->kind, "digest") == 0))
		snprintf(label, sizeof label, "%s", r->kind);
	else
		mr_alert_offset_label(r->offset, label, sizeof label);
	return json_pack(
	    "{s:s, s:s, s:I, s:s, s:s, s:I, s:o, s:s, s:o, s:s, s:s?, s:b, s:b}",
	    "kind", r->kind ? r->kind : "reminder",
	    "what", r->what, "id", (json_int_t)r->id, "name", r->name,
	    "reminder", label, "offset_seconds", (json_int_t)r->offset,
	    "deadline", mr_view_deadline(v, r->closes_at, r->zone),
	    "message_id", r->message_id,
	    "recipients", recipients(r->recipients),
	    "outcome", r->outcome, "error", r->error,
	    "taken_over", r->takeover, "maybe_duplicate", r->maybe_duplicate);
}

json_t *
mr_view_alert_run(const struct mr_view *v, bool configured, bool dry_run,
    json_t *reminders, const struct mr_alert_totals *tot)
{
	char iso[32];

	mr_when_iso_utc(v->o.now, iso, sizeof iso);
	return json_pack("{s:s, s:b, s:b, s:o, s:i, s:i, s:i, s:i, s:i}",
	    "now", iso, "configured", configured, "dry_run", dry_run,
	    "reminders", reminders, "due", tot->due, "sent", tot->sent,
	    "failed", tot->failed, "deferred", tot->deferred, "busy", tot->busy);
}

json_t *
mr_view_alert_ack(const struct mr_view *v, const struct mr_alert_ack *a)
{
	char closes[32];

	(void)v;
	mr_when_iso_utc(a->closes_at, closes, sizeof closes);
	return json_pack("{s:s, s:I, s:s, s:s, s:s?, s:s, s:s}",
	    "what", a->what, "id", (json_int_t)a->item_id, "closes_at", closes,
	    "status", a->status, "note", a->note[0] ? a->note : NULL,
	    "acknowledged_by", a->acked_by, "acknowledged_at", a->acked_at);
}

json_t *
mr_view_alert_status(const struct mr_view *v, const struct mr_deadline_item *it,
    const struct mr_alert_ack *a, long long last_offset,
    const char *last_sent_at)
{
	json_t *o, *ack = NULL, *last = NULL;
	char label[32];

	if ((o = mr_view_due_item(v, it)) == NULL)
		return NULL;
	if (a != NULL)
		ack = mr_view_alert_ack(v, a);
	if (last_sent_at != NULL) {
		mr_alert_offset_label(last_offset, label, sizeof label);
		last = json_pack("{s:s, s:I, s:s}", "reminder", label,
		    "offset_seconds", (json_int_t)last_offset, "sent_at",
		    last_sent_at);
	}
	if ((a != NULL && ack == NULL) || (last_sent_at != NULL && last == NULL) ||
	    json_object_set_new(o, "acknowledged", ack ? ack : json_null()) ||
	    json_object_set_new(o, "last_reminder", last ? last : json_null())) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
mr_view_alert_entry(const struct mr_view *v, const struct mr_alert_entry *e)
{
	char label[32], closes[32];

	(void)v;
	mr_alert_offset_label(e->offset, label, sizeof label);
	if (e->kind != NULL && strcmp(e->kind, "grounds") == 0)
		snprintf(label, sizeof label, "grounds");
	mr_when_iso_utc(e->closes_at, closes, sizeof closes);
	return json_pack(
	    "{s:I, s:s, s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:i, s:s?, s:o, s:s?, "
	    "s:s}", "ledger_id", (json_int_t)e->ledger_id,
	    "kind", e->kind ? e->kind : "reminder", "what", e->what,
	    "id", (json_int_t)e->id, "closes_at", closes, "reminder", label,
	    "offset_seconds", (json_int_t)e->offset, "message_id", e->message_id,
	    "state", e->state, "attempts", e->attempts,
	    "last_error", e->last_error, "recipients", recipients(e->recipients),
	    "sent_at", e->sent_at, "updated_at", e->updated_at);
}

json_t *
mr_view_import(const struct mr_view *v, const char *file,
    const struct mr_import_stats *s, const char *rejects_file)
{
	(void)v;
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:o}",
	    "file", file, "sha256", s->sha256, "rows", (json_int_t)s->rows,
	    "imported", (json_int_t)s->imported,
	    "rejected", (json_int_t)s->rejected,
	    "first_id", s->imported ? json_integer(s->first_id) : json_null(),
	    "last_id", s->imported ? json_integer(s->last_id) : json_null(),
	    "rejects_file", rejects_file ? json_string(rejects_file) :
	    json_null());
}

json_t *
mr_view_export(const struct mr_view *v, const char *file, const char *format,
    long cases)
{
	(void)v;
	return json_pack("{s:s, s:s, s:I}", "file", file, "format", format,
	    "cases", (json_int_t)cases);
}

json_t *
mr_view_calendar_export(const struct mr_view *v, const char *file, long items)
{
	(void)v;
	return json_pack("{s:s, s:I}", "file", file, "items", (json_int_t)items);
}

json_t *
mr_view_packet(const struct mr_view *v, const char *path,
    const struct mr_packet_info *info)
{
	(void)v;
	return json_pack("{s:s, s:s, s:i, s:I}", "path", path,
	    "format", mr_packet_format_name(info->format),
	    "evidence_files", info->files,
	    "evidence_bytes", (json_int_t)info->bytes);
}
