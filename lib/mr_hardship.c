#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/mr_audit.h"
#include "lib/mr_autoeuc.h"
#include "lib/mr_buf.h"
#include "lib/mr_hardship.h"
#include "lib/mr_ident.h"
#include "lib/mr_score.h"
#include "lib/mr_store.h"
#include "lib/mr_year.h"
#include "lib/mr_when.h"

/*
 * The workflow.  A CMS decision is final for the filing; a denied or
 * withdrawn application is re-filed as a new filing.
 */
static const struct {
	const char	*from;
	const char	*to;
} transitions[] = {
	{ "draft",	"submitted" },
	{ "draft",	"withdrawn" },
	{ "submitted",	"approved" },
	{ "submitted",	"denied" },
	{ "submitted",	"withdrawn" },
};

static const char *const all_states[] = {
	"draft", "submitted", "approved", "denied", "withdrawn", NULL
};
/* As MR_FILING_OPEN_SQL. */
static const char *const open_states[] = { "draft", "submitted", NULL };

const char *const *
mr_hardship_states(void)
{
	return all_states;
}
static const char *const participation_kinds[] = {
	"individual", "group", "subgroup", "virtual-group", "apm-entity", NULL
};
#define PARTICIPATION_NAMES "individual, group, subgroup, virtual-group, apm-entity"

static int
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int
mr_hardship_state_valid(const char *s)
{
	return in_list(s, all_states);
}

int
mr_hardship_state_is_open(const char *s)
{
	return in_list(s, open_states);
}

int
mr_hardship_transition_allowed(const char *from, const char *to,
    struct mr_err *err)
{
	struct mr_buf next;
	int rc;

	if (!mr_hardship_state_valid(to))
		return mr_err_set(err, MR_EINVAL, "state '%s' is not known; use "
		    "one of: %s", to, MR_HARDSHIP_STATES);
	for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
		if (strcmp(transitions[i].from, from) == 0 &&
		    strcmp(transitions[i].to, to) == 0)
			return 0;
	if (strcmp(from, to) == 0)
		return mr_err_set(err, MR_ECONFLICT, "the filing is already %s",
		    to);
	if (!mr_hardship_state_is_open(from))
		return mr_err_set(err, MR_ECONFLICT, "the filing is %s, which is "
		    "final, and cannot become %s; file a new one (hardship add) "
		    "if the window is still open", from, to);
	mr_buf_init(&next, 256);
	for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
		if (strcmp(transitions[i].from, from) == 0)
			mr_buf_printf(&next, "%s%s", next.len ? ", " : "",
			    transitions[i].to);
	rc = mr_err_set(err, MR_ECONFLICT, "a filing cannot go from %s to %s; "
	    "from %s it can go to: %s", from, to, from, mr_buf_str(&next));
	mr_buf_free(&next);
	return rc;
}

void
mr_hardship_release(struct mr_hardship *h)
{
	if (h == NULL)
		return;
	free(h->name);
	free(h->event);
	free(h->confirmation);
	free(h->owner);
	free(h->notes);
	h->name = h->event = h->confirmation = h->owner = h->notes = NULL;
}

static void
hardship_init(struct mr_hardship *h)
{
	memset(h, 0, sizeof *h);
	snprintf(h->status, sizeof h->status, "draft");
}

/*
 * The performance year: one rule for every command (lib/mr_year.h).  A year
 * whose program data is not yet published is accepted: its deadlines are
 * unknown until a window is added, and scoring assumes the latest year's.
 */
static int
parse_year(struct mr_store *st, const char *s, int *out, struct mr_err *err)
{
	return mr_year_parse(s, mr_store_now(st), out, err);
}

/* YYYY-MM-DD, a real date, not after today. */
static int
parse_date(struct mr_store *st, const char *s, char *out, size_t len,
    struct mr_err *err)
{
	struct tm tm = { 0 };
	char *end, again[16];
	time_t t;

	end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0' || strlen(s) != 10)
		return mr_err_set(err, MR_EINVAL, "filed '%s': not a date; "
		    "write YYYY-MM-DD, e.g. 2024-04-15", s);
	t = timegm(&tm);
	if (gmtime_r(&t, &tm) == NULL)
		return mr_err_set(err, MR_EINVAL, "filed '%s': not a date in "
		    "the calendar; write YYYY-MM-DD, e.g. 2024-04-15", s);
	strftime(again, sizeof again, "%Y-%m-%d", &tm);
	if (strcmp(again, s) != 0)
		return mr_err_set(err, MR_EINVAL, "filed '%s': not a date in "
		    "the calendar; write YYYY-MM-DD, e.g. 2024-04-15", s);
	if (t > mr_store_now(st))
		return mr_err_set(err, MR_EINVAL, "filed '%s': the date is in "
		    "the future; record it once the application is filed", s);
	snprintf(out, len, "%s", s);
	return 0;
}

static int
parse_id(const char *field, const char *s, int64_t *out, struct mr_err *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v <= 0)
		return mr_err_set(err, MR_EINVAL, "%s '%s': a number like 12 is "
		    "expected", field, s);
	*out = v;
	return 0;
}

static const char *
window_kind_for(const char *type)
{
	return strcmp(type, "pi") == 0 ? "pi-hardship" : "euc-hardship";
}

/* The latest-closing window of the filing's kind and year, or 0. */
static int
default_window(struct mr_store *st, const struct mr_hardship *h, int64_t *id,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	*id = 0;
	if (mr_store_prepare(st, "SELECT id FROM review_window WHERE kind = ? "
	    "AND performance_year = ? ORDER BY closes_at DESC, id DESC LIMIT 1",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, window_kind_for(h->type), -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, h->performance_year);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	else if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "finding the window");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_hardship_window(struct mr_store *st, int64_t id,
    struct mr_hardship_window *w, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	memset(w, 0, sizeof *w);
	if (mr_store_prepare(st, "SELECT id, kind, name, closes_at, zone, "
	    "source FROM review_window WHERE id = ?", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	if ((step = sqlite3_step(stmt)) == SQLITE_DONE) {
		mr_err_set(err, MR_ENOTFOUND, "window %lld does not exist",
		    (long long)id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		mr_store_dberr(st, err, "reading the window");
		goto out;
	}
	w->id = sqlite3_column_int64(stmt, 0);
	snprintf(w->kind, sizeof w->kind, "%s", sqlite3_column_text(stmt, 1));
	snprintf(w->name, sizeof w->name, "%s", sqlite3_column_text(stmt, 2));
	w->closes_at = sqlite3_column_int64(stmt, 3);
	snprintf(w->zone, sizeof w->zone, "%s", sqlite3_column_text(stmt, 4));
	snprintf(w->source, sizeof w->source, "%s", sqlite3_column_text(stmt, 5));
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * A window named by the officer: of the filing's year, and a hardship
 * window or the targeted-review window (CMS took EUC requests through the
 * targeted-review form in PY2020 and PY2023: ciproms.com; aafp.org).
 */
static int
check_window(struct mr_store *st, const struct mr_hardship *h,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT kind, performance_year FROM "
	    "review_window WHERE id = ?", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, h->window_id);
	if ((step = sqlite3_step(stmt)) == SQLITE_DONE) {
		mr_err_set(err, MR_EINVAL, "window '%lld' does not exist; the "
		    "windows of a year are listed by 'mipsreview window list'",
		    (long long)h->window_id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		mr_store_dberr(st, err, "reading the window");
		goto out;
	}
	if (sqlite3_column_int(stmt, 1) != h->performance_year) {
		mr_err_set(err, MR_EINVAL, "window '%lld' is for performance "
		    "year %d, the filing for %d; name a window of the filing's "
		    "year", (long long)h->window_id, sqlite3_column_int(stmt, 1),
		    h->performance_year);
		goto out;
	}
	if (!in_list((const char *)sqlite3_column_text(stmt, 0),
	    (const char *const[]){ "euc-hardship", "pi-hardship",
	    "targeted-review", NULL })) {
		mr_err_set(err, MR_EINVAL, "window '%lld' is a %s window; a "
		    "filing falls under a euc-hardship, pi-hardship or "
		    "targeted-review window", (long long)h->window_id,
		    sqlite3_column_text(stmt, 0));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Validate the fields of in that are not NULL into h. */
static int
apply_input(struct mr_store *st, const struct mr_hardship_input *in,
    struct mr_hardship *h, struct mr_err *err)
{
	unsigned int bits;

	if (in->tin != NULL && mr_tin_normalize(in->tin, h->tin, sizeof h->tin,
	    err) == -1)
		return -1;
	if (in->npi != NULL) {
		if (*in->npi == '\0')
			h->npi[0] = '\0';
		else if (mr_npi_validate(in->npi, err) == -1)
			return -1;
		else
			snprintf(h->npi, sizeof h->npi, "%s", in->npi);
	}
	if (in->name != NULL && (mr_text_validate("name", in->name, 0, err) == -1 ||
	    mr_text_set(&h->name, in->name, err) == -1))
		return -1;
	if (in->participation != NULL) {
		if (*in->participation != '\0' &&
		    !in_list(in->participation, participation_kinds))
			return mr_err_set(err, MR_EINVAL, "participation '%s' is "
			    "not known; use one of: %s", in->participation,
			    PARTICIPATION_NAMES);
		snprintf(h->participation, sizeof h->participation, "%s",
		    in->participation);
	}
	if (in->year != NULL &&
	    parse_year(st, in->year, &h->performance_year, err) == -1)
		return -1;
	if (in->type != NULL) {
		if (strcmp(in->type, "euc") != 0 && strcmp(in->type, "pi") != 0)
			return mr_err_set(err, MR_EINVAL, "type '%s' is not known; "
			    "use euc (extreme and uncontrollable circumstances) or "
			    "pi (Promoting Interoperability hardship)", in->type);
		snprintf(h->type, sizeof h->type, "%s", in->type);
	}
	if (in->categories != NULL) {
		if (mr_category_list_parse("categories", in->categories, &bits,
		    err) == -1)
			return -1;
		h->categories = bits;
	}
	if (in->submitted != NULL) {
		if (*in->submitted == '\0')
			h->submitted = 0;
		else if (mr_category_list_parse("submitted", in->submitted,
		    &bits, err) == -1)
			return -1;
		else
			h->submitted = bits;
	}
	if (in->event != NULL) {
		if (*in->event == '\0')
			return mr_err_set(err, MR_EINVAL, "event: say what happened "
			    "(--event \"Change Healthcare cyberattack\")");
		if (mr_text_validate("event", in->event, 0, err) == -1 ||
		    mr_text_set(&h->event, in->event, err) == -1)
			return -1;
	}
	if (in->window != NULL && *in->window != '\0' &&
	    parse_id("window", in->window, &h->window_id, err) == -1)
		return -1;
	if (in->filed != NULL) {
		if (*in->filed == '\0')
			h->filed_at[0] = '\0';
		else if (parse_date(st, in->filed, h->filed_at,
		    sizeof h->filed_at, err) == -1)
			return -1;
	}
	if (in->confirmation != NULL && (mr_text_validate("confirmation",
	    in->confirmation, 0, err) == -1 || mr_text_set(&h->confirmation,
	    in->confirmation, err) == -1))
		return -1;
	if (in->owner != NULL) {
		if (*in->owner != '\0' && mr_email_validate(in->owner, err) == -1)
			return -1;
		if (mr_text_set(&h->owner, in->owner, err) == -1)
			return -1;
	}
	if (in->notes != NULL && (mr_text_validate("notes", in->notes, 1,
	    err) == -1 || mr_text_set(&h->notes, in->notes, err) == -1))
		return -1;
	/* Where the practice is: CMS's automatic EUC policy goes by county. */
	if (in->county != NULL) {
		if (*in->county == '\0')
			h->county[0] = '\0';
		else if (mr_autoeuc_county_parse(in->county, h->county,
		    sizeof h->county, err) == -1)
			return -1;
	}
	if (in->zip != NULL) {
		if (*in->zip == '\0')
			h->zip[0] = '\0';
		else if (mr_autoeuc_zip_parse(in->zip, h->zip, err) == -1)
			return -1;
	}

	/* Cross-field rules, on the result. */
	if (strcmp(h->type, "pi") == 0 && h->categories != MR_CAT_PI) {
		char cats[32];

		mr_category_format(h->categories, cats, sizeof cats);
		return mr_err_set(err, MR_EINVAL, "categories '%s': a Promoting "
		    "Interoperability hardship exception covers the pi category "
		    "only (CMS PI hardship exception); use --categories pi, or "
		    "--type euc for other categories", cats);
	}
	if (h->submitted & ~h->categories) {
		char cats[32];

		mr_category_format(h->submitted & ~h->categories, cats, sizeof cats);
		return mr_err_set(err, MR_EINVAL, "submitted '%s': not among the "
		    "categories the filing asks to reweight; list only requested "
		    "categories whose data was submitted", cats);
	}
	/* The window: named, else the default of the year and type. */
	if (in->window != NULL && *in->window != '\0') {
		if (check_window(st, h, err) == -1)
			return -1;
	} else if (in->window != NULL || in->year != NULL || in->type != NULL) {
		if (default_window(st, h, &h->window_id, err) == -1)
			return -1;
	} else if (h->window_id != 0 && check_window(st, h, err) == -1)
		return -1;
	return 0;
}

static void
warn(struct mr_hardship_warnings *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(struct mr_hardship_warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (w == NULL || w->n >= MR_HARDSHIP_MAXWARN)
		return;
	va_start(ap, fmt);
	vsnprintf(w->msg[w->n++], sizeof w->msg[0], fmt, ap);
	va_end(ap);
}

void
mr_hardship_advise(const struct mr_hardship *h, struct mr_hardship_warnings *w)
{
	int apm = strcmp(h->participation, "apm-entity") == 0;

	if (w == NULL)
		return;
	w->n = 0;
	if (h->window_id == 0)
		warn(w, "no deadline: there is no %s window for performance year "
		    "%d%s; add the window, or name one (window=N)",
		    window_kind_for(h->type), h->performance_year,
		    strcmp(h->type, "pi") == 0 ? " (if the PI application shared "
		    "the EUC deadline, name the euc-hardship window)" : "");
	/* Submitted data overrides reweighting (CMS Change Healthcare
	 * notice; ASCO). */
	for (int i = 0; i < MR_NCAT; i++) {
		if (!(h->submitted & (1u << i)))
			continue;
		if (apm)
			warn(w, "%s: data was submitted, but for an APM Entity "
			    "submitted data does not override approved "
			    "reweighting (old.paltc.org/node/11940; ASCO Mar 22 "
			    "2024)", mr_category_name(i));
		else
			warn(w, "%s: data was submitted, so CMS will still score "
			    "%s: for individuals, groups and virtual groups "
			    "submitted data overrides reweighting (CMS Change "
			    "Healthcare notice, intellicure.com; ASCO)%s%s",
			    mr_category_name(i), mr_category_name(i),
			    h->participation[0] ? "" : "; APM Entities excepted",
			    h->performance_year == 2019 ? "; only COVID-19 "
			    "applications of Apr 3-30 2020 overrode data "
			    "(team-iha.org; practicaldermatology.com)" : "");
	}
	if (strcmp(h->type, "euc") == 0 && !(h->categories & MR_CAT_COST))
		warn(w, "cost is not requested: cost is computed from claims and "
		    "needs no data submission, so CMS and the AMA advised asking "
		    "for cost reweighting even when other data were submitted "
		    "(texmed.org id=64791; tnmed.org)");
	if (apm && strcmp(h->type, "euc") == 0 && h->categories != MR_CAT_ALL)
		warn(w, "an APM Entity must request all four categories "
		    "(old.paltc.org/node/11940; ASCO Mar 22 2024)");
	if (apm && strcmp(h->type, "pi") == 0)
		warn(w, "APM Entities cannot apply for the Promoting "
		    "Interoperability hardship exception (aafp.org 2023)");
	if (strcmp(h->participation, "subgroup") == 0)
		warn(w, "subgroups inherit the affiliated group's reweighting "
		    "and cannot apply on their own (2024 EUC Application Guide, "
		    "omb.report ICR 202412-0938-008)");
}

int
mr_hardship_place(struct mr_store *st, const struct mr_hardship *h,
    struct mr_autoeuc_match *m, struct mr_hardship_warnings *w,
    struct mr_err *err)
{
	if (mr_autoeuc_find(st, h->performance_year, h->county, h->zip, m,
	    err) == -1)
		return -1;
	/* An EUC filing for a place CMS covered anyway may not be needed. */
	if (strcmp(h->type, "euc") != 0)
		return 0;
	if (m->finding == MR_AUTOEUC_COVERED)
		warn(w, "%s was in an area CMS's automatic EUC policy covered "
		    "for PY%d: CMS reweights its MIPS eligible clinicians "
		    "without an application (submitted data is still scored), "
		    "so this filing may not be needed; CMS's eligibility record "
		    "shows whether it applied ('mipsreview lookup NPI')",
		    m->place, h->performance_year);
	else if (m->finding == MR_AUTOEUC_POSSIBLE)
		warn(w, "%s lies in %.120s, covered by CMS's automatic EUC "
		    "policy for PY%d; a ZIP code can span several counties: "
		    "record the practice's county (county=\"NAME, ST\") to know "
		    "whether CMS reweights without this filing", m->place,
		    m->counties, h->performance_year);
	return 0;
}

json_t *
mr_hardship_to_json(const struct mr_hardship *h, int reveal)
{
	char tin[16];
	json_t *o, *cats;

	if (reveal)
		snprintf(tin, sizeof tin, "%s", h->tin);
	else
		mr_tin_mask(h->tin, tin, sizeof tin);
	if ((cats = json_array()) == NULL)
		return NULL;
	for (int i = 0; i < MR_NCAT; i++)
		if (h->categories & (1u << i))
			json_array_append_new(cats, json_pack("{s:s, s:b}",
			    "category", mr_category_name(i), "data_submitted",
			    (h->submitted & (1u << i)) != 0));
#define OPT(s) ((s) != NULL && *(s) != '\0' ? json_string(s) : json_null())
	o = json_pack("{s:I, s:s, s:o, s:o, s:o, s:i, s:i, s:s, s:s, s:o, "
	    "s:o, s:o, s:s, s:o, s:o, s:o, s:I, s:s, s:s}",
	    "id", (json_int_t)h->id,
	    "tin", tin,
	    "npi", OPT(h->npi),
	    "name", OPT(h->name),
	    "participation", OPT(h->participation),
	    "performance_year", h->performance_year,
	    "payment_year", h->performance_year + 2,
	    "type", h->type,
	    "event", h->event ? h->event : "",
	    "categories", cats,
	    "window_id", h->window_id ? json_integer(h->window_id) : json_null(),
	    "filed_at", OPT(h->filed_at),
	    "status", h->status,
	    "confirmation", OPT(h->confirmation),
	    "owner", OPT(h->owner),
	    "notes", OPT(h->notes),
	    "revision", (json_int_t)h->revision,
	    "created_at", h->created_at,
	    "updated_at", h->updated_at);
	if (o != NULL) {
		json_object_set_new(o, "county", OPT(h->county));
		json_object_set_new(o, "zip", OPT(h->zip));
	}
#undef OPT
	return o;
}

static char *
hardship_json_text(const struct mr_hardship *h)
{
	json_t *o = mr_hardship_to_json(h, 1);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(o);
	return s;
}

#define HARDSHIP_COLUMNS "id, tin, npi, name, participation, " \
	"performance_year, type, event, window_id, filed_at, status, " \
	"confirmation, owner, notes, revision, created_at, updated_at, " \
	"county, zip"

static int
opt_dup(sqlite3_stmt *stmt, int i, char **out)
{
	*out = NULL;
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return 0;
	return (*out = strdup(mr_store_col_text(stmt, i))) == NULL ? -1 : 0;
}

static int
hardship_from_row(sqlite3_stmt *stmt, struct mr_hardship *h)
{
	hardship_init(h);
	h->id = sqlite3_column_int64(stmt, 0);
	snprintf(h->tin, sizeof h->tin, "%s", mr_store_col_text(stmt, 1));
	snprintf(h->npi, sizeof h->npi, "%s", mr_store_col_text(stmt, 2));
	snprintf(h->participation, sizeof h->participation, "%s",
	    mr_store_col_text(stmt, 4));
	h->performance_year = sqlite3_column_int(stmt, 5);
	snprintf(h->type, sizeof h->type, "%s", mr_store_col_text(stmt, 6));
	h->window_id = sqlite3_column_int64(stmt, 8);
	snprintf(h->filed_at, sizeof h->filed_at, "%s", mr_store_col_text(stmt, 9));
	snprintf(h->status, sizeof h->status, "%s", mr_store_col_text(stmt, 10));
	h->revision = sqlite3_column_int64(stmt, 14);
	snprintf(h->created_at, sizeof h->created_at, "%s", mr_store_col_text(stmt, 15));
	snprintf(h->updated_at, sizeof h->updated_at, "%s", mr_store_col_text(stmt, 16));
	snprintf(h->county, sizeof h->county, "%s", mr_store_col_text(stmt, 17));
	snprintf(h->zip, sizeof h->zip, "%s", mr_store_col_text(stmt, 18));
	if (opt_dup(stmt, 3, &h->name) == -1 || opt_dup(stmt, 7, &h->event) == -1 ||
	    opt_dup(stmt, 11, &h->confirmation) == -1 ||
	    opt_dup(stmt, 12, &h->owner) == -1 || opt_dup(stmt, 13, &h->notes) == -1)
		return -1;
	return 0;
}

static int
load_categories(struct mr_store *st, struct mr_hardship *h, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	unsigned int b;
	int rc = -1, step;

	h->categories = h->submitted = 0;
	if (mr_store_prepare(st, "SELECT category, data_submitted FROM "
	    "hardship_category WHERE filing_id = ?", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, h->id);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (mr_category_parse(mr_store_col_text(stmt, 0), &b, err) == -1)
			goto out;
		h->categories |= b;
		if (sqlite3_column_int(stmt, 1))
			h->submitted |= b;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the filing's categories");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static int
hardship_row(sqlite3_stmt *stmt, void *h)
{
	return hardship_from_row(stmt, h);
}

int
mr_hardship_get(struct mr_store *st, int64_t id, struct mr_hardship *h,
    struct mr_err *err)
{
	hardship_init(h);
	/* On failure free what was read: callers free only a filing they got. */
	if (mr_store_row_by_id(st, "SELECT " HARDSHIP_COLUMNS " FROM "
	    "hardship_filing WHERE id = ?", id, hardship_row, h, "filing",
	    "'mipsreview hardship list' shows the filings", err) == -1 ||
	    load_categories(st, h, err) == -1) {
		mr_hardship_release(h);
		return -1;
	}
	return 0;
}

/* Write every column and the categories (insert when h->id == 0). */
static int
hardship_write(struct mr_store *st, struct mr_hardship *h, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	mr_when_iso_utc(mr_store_now(st), h->updated_at, sizeof h->updated_at);
	if (h->id == 0)
		snprintf(h->created_at, sizeof h->created_at, "%s", h->updated_at);
	else
		h->revision++;
	if (mr_store_prepare(st, h->id == 0 ?
	    "INSERT INTO hardship_filing (tin, npi, name, participation, "
	    "performance_year, type, event, window_id, filed_at, status, "
	    "confirmation, owner, notes, revision, created_at, updated_at, "
	    "county, zip) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16, ?18, ?19)" :
	    "UPDATE hardship_filing SET tin = ?1, npi = ?2, name = ?3, "
	    "participation = ?4, performance_year = ?5, type = ?6, event = ?7, "
	    "window_id = ?8, filed_at = ?9, status = ?10, confirmation = ?11, "
	    "owner = ?12, notes = ?13, revision = ?14, updated_at = ?16, "
	    "county = ?18, zip = ?19 WHERE id = ?17", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, h->tin, -1, SQLITE_STATIC);
	mr_store_bind_text_or_null(stmt, 2, h->npi);
	mr_store_bind_text_or_null(stmt, 3, h->name);
	mr_store_bind_text_or_null(stmt, 4, h->participation);
	sqlite3_bind_int(stmt, 5, h->performance_year);
	sqlite3_bind_text(stmt, 6, h->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, h->event, -1, SQLITE_STATIC);
	if (h->window_id != 0)
		sqlite3_bind_int64(stmt, 8, h->window_id);
	mr_store_bind_text_or_null(stmt, 9, h->filed_at);
	sqlite3_bind_text(stmt, 10, h->status, -1, SQLITE_STATIC);
	mr_store_bind_text_or_null(stmt, 11, h->confirmation);
	mr_store_bind_text_or_null(stmt, 12, h->owner);
	mr_store_bind_text_or_null(stmt, 13, h->notes);
	sqlite3_bind_int64(stmt, 14, h->revision);
	if (h->id == 0)
		sqlite3_bind_text(stmt, 15, h->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 16, h->updated_at, -1, SQLITE_STATIC);
	if (h->id != 0)
		sqlite3_bind_int64(stmt, 17, h->id);
	mr_store_bind_text_or_null(stmt, 18, h->county);
	mr_store_bind_text_or_null(stmt, 19, h->zip);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "saving the filing");
		goto out;
	}
	if (h->id == 0)
		h->id = sqlite3_last_insert_rowid(mr_store_db(st));
	sqlite3_finalize(stmt);
	stmt = NULL;

	if (mr_store_prepare(st, "DELETE FROM hardship_category WHERE "
	    "filing_id = ?", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, h->id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "saving the filing's categories");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (mr_store_prepare(st, "INSERT INTO hardship_category (filing_id, "
	    "category, data_submitted) VALUES (?, ?, ?)", &stmt, err) == -1)
		goto out;
	for (int i = 0; i < MR_NCAT; i++) {
		if (!(h->categories & (1u << i)))
			continue;
		sqlite3_reset(stmt);
		sqlite3_bind_int64(stmt, 1, h->id);
		sqlite3_bind_text(stmt, 2, mr_category_name(i), -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 3, (h->submitted & (1u << i)) != 0);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			mr_store_dberr(st, err, "saving the filing's categories");
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static int
audit_hardship(struct mr_store *st, const struct mr_hardship *h,
    const char *action, const char *before, struct mr_err *err)
{
	char *after = hardship_json_text(h);
	int rc;

	if (after == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	rc = mr_audit_append(st, "hardship", h->id, action, before, after, err);
	free(after);
	return rc;
}

/*
 * Refuse a second open filing of the same type for the same TIN, NPI and
 * year: CMS takes one application, and a duplicate would double every
 * deadline and reminder.
 */
static int
check_duplicate(struct mr_store *st, const struct mr_hardship *h,
    int64_t self, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT id, status FROM hardship_filing "
	    "WHERE tin = ?1 AND coalesce(npi, '') = ?2 AND "
	    "performance_year = ?3 AND type = ?4 AND "
	    "+status IN ('draft', 'submitted') AND id <> ?5 "
	    "ORDER BY id LIMIT 1", &stmt,
	    err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, h->tin, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, h->npi, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, h->performance_year);
	sqlite3_bind_text(stmt, 4, h->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, self);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		mr_err_set(err, MR_ECONFLICT, "filing %lld (%s) is already open "
		    "as the %s hardship of this TIN%s for performance year %d; "
		    "work on it ('mipsreview hardship show %lld')%s",
		    (long long)sqlite3_column_int64(stmt, 0),
		    (const char *)sqlite3_column_text(stmt, 1),
		    strcmp(h->type, "euc") == 0 ? "EUC" : "PI",
		    h->npi[0] ? " and NPI" : "", h->performance_year,
		    (long long)sqlite3_column_int64(stmt, 0),
		    self > 0 ? " rather than make this filing a second one" :
		    ", or add --force to file a second one");
		goto out;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "checking for duplicate filings");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_hardship_add(struct mr_store *st, const struct mr_hardship_input *in,
    int64_t *id, struct mr_hardship_warnings *warnings, struct mr_err *err)
{
	struct mr_hardship h;
	struct mr_hardship_input all = *in;
	int rc = -1, in_tx = 0;

	hardship_init(&h);
	if (in->tin == NULL || *in->tin == '\0') {
		mr_err_set(err, MR_EINVAL, "tin: the TIN is required (--tin "
		    "12-3456789)");
		goto out;
	}
	if (in->year == NULL || *in->year == '\0') {
		mr_err_set(err, MR_EINVAL, "year: the performance year is "
		    "required (--year 2023)");
		goto out;
	}
	if (in->type == NULL) {
		mr_err_set(err, MR_EINVAL, "type: euc or pi is required (--type)");
		goto out;
	}
	if (in->categories == NULL) {
		mr_err_set(err, MR_EINVAL, "categories: the categories to "
		    "reweight are required (--categories quality,cost,ia,pi)");
		goto out;
	}
	if (in->event == NULL) {
		mr_err_set(err, MR_EINVAL, "event: say what happened (--event "
		    "\"Change Healthcare cyberattack\")");
		goto out;
	}
	if (all.window == NULL)
		all.window = "";	/* resolve the default window */
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (apply_input(st, &all, &h, err) == -1 ||
	    (!in->force && check_duplicate(st, &h, 0, err) == -1) ||
	    hardship_write(st, &h, err) == -1 ||
	    audit_hardship(st, &h, in->force ? "add --force" : "add", NULL,
	    err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	mr_hardship_advise(&h, warnings);
	{
		struct mr_autoeuc_match m;

		/* Advice only: a failed look-up does not undo the change. */
		(void)mr_hardship_place(st, &h, &m, warnings, NULL);
	}
	*id = h.id;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	mr_hardship_release(&h);
	return rc;
}

/* Map one "field=value" onto in; the value points into a. */
static int
assignment_to_input(char *a, struct mr_hardship_input *in, int *decided_ok,
    struct mr_err *err)
{
	static const struct {
		const char	*names[2];
		size_t		 off;
		int		 after_decision;	/* settable once decided */
	} fields[] = {
		{ { "tin", NULL }, offsetof(struct mr_hardship_input, tin), 0 },
		{ { "npi", NULL }, offsetof(struct mr_hardship_input, npi), 0 },
		{ { "name", NULL }, offsetof(struct mr_hardship_input, name), 0 },
		{ { "participation", NULL }, offsetof(struct mr_hardship_input, participation), 0 },
		{ { "year", "performance_year" }, offsetof(struct mr_hardship_input, year), 0 },
		{ { "type", NULL }, offsetof(struct mr_hardship_input, type), 0 },
		{ { "categories", NULL }, offsetof(struct mr_hardship_input, categories), 0 },
		{ { "submitted", NULL }, offsetof(struct mr_hardship_input, submitted), 0 },
		{ { "event", NULL }, offsetof(struct mr_hardship_input, event), 0 },
		{ { "window", "window_id" }, offsetof(struct mr_hardship_input, window), 0 },
		{ { "filed", "filed_at" }, offsetof(struct mr_hardship_input, filed), 0 },
		{ { "confirmation", NULL }, offsetof(struct mr_hardship_input, confirmation), 1 },
		{ { "owner", NULL }, offsetof(struct mr_hardship_input, owner), 1 },
		{ { "notes", NULL }, offsetof(struct mr_hardship_input, notes), 1 },
		/* Where the practice is stays a fact to record after CMS
		 * decided: it says whether automatic EUC applied anyway. */
		{ { "county", NULL }, offsetof(struct mr_hardship_input, county), 1 },
		{ { "zip", "zipcode" }, offsetof(struct mr_hardship_input, zip), 1 },
	};
	char *eq = strchr(a, '=');

	if (eq == NULL || eq == a)
		return mr_err_set(err, MR_EINVAL, "'%s': FIELD=VALUE is expected, "
		    "e.g. confirmation=EUC-12345", a);
	*eq = '\0';
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		for (int j = 0; j < 2 && fields[i].names[j]; j++)
			if (strcmp(a, fields[i].names[j]) == 0) {
				*(const char **)((char *)in + fields[i].off) = eq + 1;
				if (!fields[i].after_decision)
					*decided_ok = 0;
				return 0;
			}
	return mr_err_set(err, MR_EINVAL, "field '%s' cannot be set; settable: "
	    "tin, npi, name, participation, year, type, categories, submitted, "
	    "event, window, filed, confirmation, owner, notes, county, zip "
	    "(status: use "
	    "'mipsreview hardship status')", a);
}

int
mr_hardship_set(struct mr_store *st, int64_t id, const char *const *assignments,
    int n, struct mr_hardship_warnings *warnings, struct mr_err *err)
{
	struct mr_hardship h;
	struct mr_hardship_input in = { 0 };
	char *before = NULL, **copies = NULL;
	int rc = -1, in_tx = 0, decided_ok = 1;

	hardship_init(&h);
	if (n == 0)
		return mr_err_set(err, MR_EINVAL, "nothing to set: give "
		    "FIELD=VALUE, e.g. confirmation=EUC-12345");
	if ((copies = calloc(n, sizeof *copies)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	for (int i = 0; i < n; i++)
		if ((copies[i] = strdup(assignments[i])) == NULL ||
		    assignment_to_input(copies[i], &in, &decided_ok, err) == -1) {
			if (copies[i] == NULL)
				mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
	if ((in.tin != NULL && *in.tin == '\0') ||
	    (in.year != NULL && *in.year == '\0') ||
	    (in.type != NULL && *in.type == '\0') ||
	    (in.categories != NULL && *in.categories == '\0')) {
		mr_err_set(err, MR_EINVAL, "tin, year, type and categories "
		    "cannot be cleared");
		goto out;
	}
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_hardship_get(st, id, &h, err) == -1)
		goto out;
	if (!mr_hardship_state_is_open(h.status) && !decided_ok) {
		mr_err_set(err, MR_ECONFLICT, "filing %lld is %s: only "
		    "confirmation, owner, notes, county and zip can still "
		    "change",
		    (long long)id, h.status);
		goto out;
	}
	if ((before = hardship_json_text(&h)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	/*
	 * Moving an open filing onto another's TIN, NPI, year or type would
	 * make the duplicate that add refuses.
	 */
	if (apply_input(st, &in, &h, err) == -1 ||
	    (mr_hardship_state_is_open(h.status) && (in.tin != NULL ||
	    in.npi != NULL || in.year != NULL || in.type != NULL) &&
	    check_duplicate(st, &h, h.id, err) == -1) ||
	    hardship_write(st, &h, err) == -1 ||
	    audit_hardship(st, &h, "set", before, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	mr_hardship_advise(&h, warnings);
	{
		struct mr_autoeuc_match m;

		/* Advice only: a failed look-up does not undo the change. */
		(void)mr_hardship_place(st, &h, &m, warnings, NULL);
	}
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	for (int i = 0; copies && i < n; i++)
		free(copies[i]);
	free(copies);
	free(before);
	mr_hardship_release(&h);
	return rc;
}

/* Append "YYYY-MM-DD actor: text" to the notes. */
static int
append_note(struct mr_store *st, struct mr_hardship *h, const char *text,
    struct mr_err *err)
{
	char day[24], *joined = NULL;
	int n;

	mr_when_iso_utc(mr_store_now(st), day, sizeof day);
	day[10] = '\0';
	n = asprintf(&joined, "%s%s%s %s: %s", h->notes ? h->notes : "",
	    h->notes ? "\n" : "", day, mr_store_actor(st), text);
	if (n == -1)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	free(h->notes);
	h->notes = joined;
	return 0;
}

int
mr_hardship_set_status(struct mr_store *st, int64_t id, const char *state,
    const char *note, struct mr_err *err)
{
	struct mr_hardship h;
	struct mr_err why = { 0 };
	char *before = NULL, action[48];
	int rc = -1, in_tx = 0;

	hardship_init(&h);
	if (!mr_hardship_state_valid(state))
		return mr_err_set(err, MR_EINVAL, "state '%s' is not known; use "
		    "one of: %s", state, MR_HARDSHIP_STATES);
	if (note != NULL && mr_text_validate("note", note, 1, err) == -1)
		return -1;
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_hardship_get(st, id, &h, err) == -1)
		goto out;
	if (mr_hardship_transition_allowed(h.status, state, &why) == -1) {
		mr_err_set(err, why.code, "filing %lld: %.480s", (long long)id,
		    why.msg);
		goto out;
	}
	if ((before = hardship_json_text(&h)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	snprintf(h.status, sizeof h.status, "%s", state);
	if (strcmp(state, "submitted") == 0 && h.filed_at[0] == '\0') {
		char day[24];

		mr_when_iso_utc(mr_store_now(st), day, sizeof day);
		snprintf(h.filed_at, sizeof h.filed_at, "%.10s", day);
	}
	if (note != NULL && *note != '\0' && append_note(st, &h, note, err) == -1)
		goto out;
	snprintf(action, sizeof action, "status %s", state);
	if (hardship_write(st, &h, err) == -1 ||
	    audit_hardship(st, &h, action, before, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	free(before);
	mr_hardship_release(&h);
	return rc;
}

int
mr_hardship_list(struct mr_store *st, const struct mr_hardship_filter *f,
    int (*fn)(const struct mr_hardship *, void *), void *arg,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_hardship h;
	int rc = -1, step = SQLITE_DONE, stop = 0;

	/* By id, from after_id on: a page reads only its own rows. */
	if (mr_store_prepare(st, "SELECT " HARDSHIP_COLUMNS " FROM "
	    "hardship_filing WHERE (?1 = 0 OR performance_year = ?1) "
	    "AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR type = ?3) "
	    "AND (?4 IS NULL OR tin = ?4) "
	    "AND (?5 = 0 OR status IN " MR_FILING_OPEN_SQL ") "
	    "AND id > ?6 AND (?7 IS NULL OR tin IN "
	    "(SELECT value FROM json_each(?7))) ORDER BY id LIMIT ?8",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_int(stmt, 1, f ? f->year : 0);
	sqlite3_bind_text(stmt, 2, f ? f->status : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, f ? f->type : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, f ? f->tin : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 5, f ? f->open_only : 0);
	sqlite3_bind_int64(stmt, 6, f ? f->after_id : 0);
	sqlite3_bind_int(stmt, 8, f && f->limit > 0 ? f->limit : -1);
	/* The scope's TINs as one list: one statement for any number. */
	if (mr_store_bind_list(stmt, 7, f ? f->tins : NULL, f ? f->ntins : 0)
	    == -1) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (hardship_from_row(stmt, &h) == -1) {
			mr_hardship_release(&h);
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		if (load_categories(st, &h, err) == -1) {
			mr_hardship_release(&h);
			goto out;
		}
		stop = fn(&h, arg);
		mr_hardship_release(&h);
	}
	if (!stop && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "listing filings");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_hardship_check_link(struct mr_store *st, int64_t id, const char *tin,
    int year, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;
	char mask[16];

	if (mr_store_prepare(st, "SELECT tin, performance_year FROM "
	    "hardship_filing WHERE id = ?", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	if ((step = sqlite3_step(stmt)) == SQLITE_DONE) {
		mr_err_set(err, MR_ENOTFOUND, "filing %lld does not exist; "
		    "'mipsreview hardship list' shows the filings", (long long)id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		mr_store_dberr(st, err, "reading the filing");
		goto out;
	}
	if (strcmp(mr_store_col_text(stmt, 0), tin) != 0) {
		mr_tin_mask(mr_store_col_text(stmt, 0), mask, sizeof mask);
		mr_err_set(err, MR_EINVAL, "filing %lld is for TIN %s, not the "
		    "case's TIN; link a filing of the same TIN", (long long)id,
		    mask);
		goto out;
	}
	if (sqlite3_column_int(stmt, 1) != year) {
		mr_err_set(err, MR_EINVAL, "filing %lld is for performance year "
		    "%d, the case for %d; link a filing of the same year",
		    (long long)id, sqlite3_column_int(stmt, 1), year);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}
