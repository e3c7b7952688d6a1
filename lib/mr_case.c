#include "config.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/mr_arena.h"
#include "lib/mr_audit.h"
#include "lib/mr_autoeuc.h"
#include "lib/mr_buf.h"
#include "lib/mr_case.h"
#include "lib/mr_hardship.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"
#include "lib/mr_window.h"
#include "lib/mr_year.h"

static const struct {
	const char	*name;
	unsigned int	 bit;
} reasons[] = {
	{ "wrong-tin-npi",	MR_REASON_WRONG_TIN_NPI },
	{ "qp-status",		MR_REASON_QP_STATUS },
	{ "euc-not-applied",	MR_REASON_EUC },
	{ "scoring-error",	MR_REASON_SCORING },
	{ "eligibility",	MR_REASON_ELIGIBILITY },
	{ "other",		MR_REASON_OTHER },
};
#define NREASONS (sizeof reasons / sizeof reasons[0])
#define REASON_NAMES "wrong-tin-npi, qp-status, euc-not-applied, " \
	"scoring-error, eligibility, other"

static const struct {
	const char	*name;
	unsigned int	 bit;
} specials[] = {
	{ "small-practice",	MR_SPECIAL_SMALL_PRACTICE },
	{ "facility-based",	MR_SPECIAL_FACILITY_BASED },
	{ "non-patient-facing",	MR_SPECIAL_NON_PATIENT_FACING },
	{ "hospital-based",	MR_SPECIAL_HOSPITAL_BASED },
	{ "rural",		MR_SPECIAL_RURAL },
	{ "hpsa",		MR_SPECIAL_HPSA },
};
#define NSPECIALS (sizeof specials / sizeof specials[0])

static const char *const requester_roles[] = {
	"clinician", "designated-support-staff", "third-party-intermediary", NULL
};

/* Free-text identifiers on CMS's form: one line, this long at most. */
#define ID_MAX	64

static const char *const practice_kinds[] = {
	"solo", "small", "rural", "hpsa", "large", "other", NULL
};
#define PRACTICE_NAMES "solo, small, rural, hpsa, large, other"
static const char *const participation_kinds[] = {
	"individual", "group", "subgroup", "virtual-group", "apm-entity", NULL
};
#define PARTICIPATION_NAMES "individual, group, subgroup, virtual-group, apm-entity"

/*
 * The workflow.  A decision (approved, denied) is final: 42 CFR
 * 414.1385(a)(4) grants no further review, so nothing leads back to an
 * open state from it.
 */
static const struct {
	const char	*from;
	const char	*to;
} transitions[] = {
	{ "draft",		 "ready" },
	{ "ready",		 "draft" },
	{ "ready",		 "submitted" },
	{ "submitted",		 "documents-requested" },
	{ "documents-requested", "submitted" },
	{ "submitted",		 "approved" },
	{ "submitted",		 "denied" },
	{ "approved",		 "closed" },
	{ "denied",		 "closed" },
	{ "draft",		 "withdrawn" },
	{ "ready",		 "withdrawn" },
	{ "submitted",		 "withdrawn" },
	{ "documents-requested", "withdrawn" },
};

/* As MR_CASE_OPEN_SQL (tests/unit/test_case.c checks that they agree). */
static const char *const open_states[] = {
	"draft", "ready", "submitted", "documents-requested", NULL
};
static const char *const all_states[] = {
	"draft", "ready", "submitted", "documents-requested", "approved",
	"denied", "closed", "withdrawn", NULL
};

static int
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int
mr_reason_parse(const char *name, unsigned int *bit, struct mr_err *err)
{
	for (size_t i = 0; i < NREASONS; i++)
		if (strcmp(name, reasons[i].name) == 0) {
			*bit = reasons[i].bit;
			return 0;
		}
	return mr_err_set(err, MR_EINVAL, "reason '%s' is not known; use one "
	    "of: %s", name, REASON_NAMES);
}

const char *
mr_reason_name(unsigned int bit)
{
	for (size_t i = 0; i < NREASONS; i++)
		if (reasons[i].bit == bit)
			return reasons[i].name;
	return NULL;
}

/* Every name joined by ", " is longer than any "a,b" list of them. */
_Static_assert(sizeof REASON_NAMES <= MR_NAMES_BUFLEN,
    "MR_NAMES_BUFLEN holds every reason");
_Static_assert(sizeof MR_SPECIAL_NAMES <= MR_NAMES_BUFLEN,
    "MR_NAMES_BUFLEN holds every special status");

/* Append ",name" (or "name" first) whole or not at all, without printf:
 * the import formats the reasons of every row it writes. */
static void
names_add(struct mr_buf *b, const char *name)
{
	char piece[MR_NAMES_BUFLEN];
	size_t n = strlen(name), sep = b->len ? 1 : 0;

	if (sep + n >= sizeof piece) {
		(void)mr_buf_printf(b, "%s%s", sep ? "," : "", name);
		return;
	}
	piece[0] = ',';
	memcpy(piece + sep, name, n);
	(void)mr_buf_add(b, piece, sep + n);
}

int
mr_reasons_format(unsigned int bits, char *buf, size_t len)
{
	struct mr_buf b;

	mr_buf_init_fixed(&b, buf, len);
	for (size_t i = 0; i < NREASONS; i++)
		if (bits & reasons[i].bit)
			names_add(&b, reasons[i].name);
	return b.failed ? -1 : 0;
}

static int
reasons_parse_list(const char *text, unsigned int *bits)
{
	char buf[256], *tok, *save = NULL;
	unsigned int b;

	*bits = 0;
	snprintf(buf, sizeof buf, "%s", text);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (mr_reason_parse(tok, &b, NULL) == -1)
			return -1;
		*bits |= b;
	}
	return 0;
}

int
mr_special_status_parse(const char *name, unsigned int *bit, struct mr_err *err)
{
	for (size_t i = 0; i < NSPECIALS; i++)
		if (strcmp(name, specials[i].name) == 0) {
			*bit = specials[i].bit;
			return 0;
		}
	return mr_err_set(err, MR_EINVAL, "special status '%s' is not known; "
	    "use one of: %s", name, MR_SPECIAL_NAMES);
}

int
mr_special_statuses_format(unsigned int bits, char *buf, size_t len)
{
	struct mr_buf b;

	mr_buf_init_fixed(&b, buf, len);
	for (size_t i = 0; i < NSPECIALS; i++)
		if (bits & specials[i].bit)
			names_add(&b, specials[i].name);
	return b.failed ? -1 : 0;
}

/* "a,b" (from a person or the database) into bits; "" is none. */
static int
specials_parse_list(const char *text, unsigned int *bits, struct mr_err *err)
{
	char buf[256], *tok, *save = NULL;
	unsigned int b;

	*bits = 0;
	if (strlen(text) >= sizeof buf)
		return mr_err_set(err, MR_EINVAL, "special_statuses: the list is "
		    "too long; use %s, each once", MR_SPECIAL_NAMES);
	snprintf(buf, sizeof buf, "%s", text);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (mr_special_status_parse(tok, &b, err) == -1)
			return -1;
		*bits |= b;
	}
	return 0;
}

/* A calendar day YYYY-MM-DD as days since 1970-01-01, or -1. */
static long
day_number(const char *s)
{
	struct tm tm = { 0 };
	char *end;
	time_t t;
	int mday, mon;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	tm.tm_isdst = 0;
	mday = tm.tm_mday;
	mon = tm.tm_mon;
	/* strptime takes 2024-09-31; timegm rolls it to October. */
	t = timegm(&tm);
	if (tm.tm_mday != mday || tm.tm_mon != mon)
		return -1;
	return (long)(t / 86400);
}

int
mr_case_documents_deadline(const char *date, time_t *closes_at, char *zone,
    struct mr_err *err)
{
	char text[64], due[16];
	struct mr_when w;
	struct tm tm;
	time_t t;
	long d;

	if ((d = day_number(date)) < 0)
		return mr_err_set(err, MR_EINVAL, "requested-on '%s': not a "
		    "date; write the day CMS asked for documents as "
		    "YYYY-MM-DD, e.g. 2024-10-05", date);
	t = (time_t)(d + MR_DOCUMENTS_DAYS) * 86400;
	gmtime_r(&t, &tm);
	strftime(due, sizeof due, "%Y-%m-%d", &tm);
	snprintf(text, sizeof text, "%s 20:00", due);
	if (mr_when_parse(text, MR_WINDOW_DEFAULT_ZONE, &w, err) == -1)
		return -1;
	*closes_at = w.utc;
	snprintf(zone, 64, "%s", w.zone);
	return 0;
}

int
mr_state_valid(const char *state)
{
	return in_list(state, all_states);
}

const char *const *
mr_case_states(void)
{
	return all_states;
}

int
mr_state_is_open(const char *state)
{
	return in_list(state, open_states);
}

int
mr_case_transition_allowed(const char *from, const char *to, struct mr_err *err)
{
	if (!mr_state_valid(to))
		return mr_err_set(err, MR_EINVAL, "state '%s' is not known; use "
		    "one of: %s", to, MR_CASE_STATES);
	for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
		if (strcmp(transitions[i].from, from) == 0 &&
		    strcmp(transitions[i].to, to) == 0)
			return 0;
	if (strcmp(from, "approved") == 0 || strcmp(from, "denied") == 0 ||
	    strcmp(from, "closed") == 0)
		return mr_err_set(err, MR_ECONFLICT, "the case is %s: CMS "
		    "targeted-review decisions are final, with no further review "
		    "or appeal (42 CFR 414.1385(a)(4)), so it cannot become %s",
		    from, to);
	if (strcmp(from, "withdrawn") == 0)
		return mr_err_set(err, MR_ECONFLICT, "the case was withdrawn and "
		    "cannot become %s; open a new case (add) if the window is "
		    "still open", to);
	if (strcmp(from, to) == 0)
		return mr_err_set(err, MR_ECONFLICT, "the case is already %s", to);
	{
		struct mr_buf next;
		int rc;

		mr_buf_init(&next, 256);
		for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
			if (strcmp(transitions[i].from, from) == 0)
				mr_buf_printf(&next, "%s%s", next.len ? ", " : "",
				    transitions[i].to);
		rc = mr_err_set(err, MR_ECONFLICT, "a case cannot go from %s "
		    "to %s; from %s it can go to: %s", from, to, from,
		    mr_buf_str(&next));
		mr_buf_free(&next);
		return rc;
	}
}

void
mr_case_release(struct mr_case *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->owner);
	free(c->deadline_source);
	free(c->legal_name);
	free(c->apm_entity_id);
	free(c->virtual_group_id);
	free(c->request_number);
	free(c->explanation);
	c->name = NULL;
	c->owner = NULL;
	c->deadline_source = NULL;
	c->legal_name = c->apm_entity_id = c->virtual_group_id = NULL;
	c->request_number = c->explanation = NULL;
}

static void
case_init(struct mr_case *c)
{
	memset(c, 0, sizeof *c);
	c->final_score = c->payment_adjustment = NAN;
	c->quality_score = c->cost_score = c->ia_score = c->pi_score = NAN;
	snprintf(c->status, sizeof c->status, "draft");
}

/*
 * The plain decimals a file holds ("-1.25", "87.78") without strtod: at
 * most 15 digits make an integer m < 2^53 and at most 22 after the point
 * a power of ten 10^k that are both exact in a double, so m / 10^k is
 * rounded once, correctly, to the very double strtod gives (Clinger's
 * fast path).  0 when s is not of that form, for strtod to decide.
 */
static int
decimal_fast(const char *s, int pct, double *out)
{
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15,
	};
	uint64_t m = 0;
	int neg = 0, digits = 0, frac = -1;
	double v;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; ; s++) {
		if (*s >= '0' && *s <= '9') {
			m = m * 10 + (uint64_t)(*s - '0');
			digits++;
			if (frac >= 0)
				frac++;
		} else if (*s == '.' && frac < 0 && digits > 0)
			frac = 0;
		else
			break;
	}
	if (pct && *s == '%')
		s++;
	if (*s != '\0' || digits == 0 || digits > 15 || frac == 0)
		return 0;
	v = (double)m;
	if (frac > 0)
		v /= pow10[frac];
	*out = neg ? -v : v;
	return 1;
}

/* Parse a decimal number with nothing after it (a trailing % allowed if pct). */
static int
parse_number(const char *field, const char *s, int pct, double *out,
    struct mr_err *err)
{
	char *end;
	double v;

	if (decimal_fast(s, pct, out))
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (pct && *end == '%')
		end++;
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v))
		return mr_err_set(err, MR_EINVAL, "%s '%s': a number is "
		    "expected%s", field, s, pct ? " (a percentage like -9 or 1.05)" :
		    " (0 to 100)");
	*out = v;
	return 0;
}

static int
parse_score(const char *field, const char *s, double *out, struct mr_err *err)
{
	if (s == NULL || *s == '\0') {
		*out = NAN;
		return 0;
	}
	if (parse_number(field, s, 0, out, err) == -1)
		return -1;
	if (*out < 0 || *out > 100)
		return mr_err_set(err, MR_EINVAL, "%s '%s': scores run from 0 "
		    "to 100", field, s);
	return 0;
}

/* The performance year: one rule for every command (lib/mr_year.h). */
static int
parse_year(struct mr_store *st, const char *s, int *out, struct mr_err *err)
{
	if (s == NULL || *s == '\0')
		return mr_err_set(err, MR_EINVAL, "year: the performance year is "
		    "required (--year 2023)");
	return mr_year_parse(s, mr_store_now(st), out, err);
}

/*
 * The bounds of a payment adjustment: at most the year's applicable
 * percent below zero; above zero that percent times the scaling factor,
 * which 42 CFR 414.1405(b) caps at 3.0, plus up to 10 % for exceptional
 * performance in the years that had it.  Years after the table take the
 * last year's percent.
 */
static int
adjustment_bounds(struct mr_store *st, int year, double *lo, double *hi,
    struct mr_err *err)
{
	/* Import validates every row here; program_year changes only with a
	 * migration or a reference pack (its own command), so remember the
	 * last answer per opened store and year rather than query it 541,421
	 * times. */
	static _Thread_local struct { uint64_t store; int year; double lo, hi; } memo;
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (memo.store == mr_store_serial(st) && memo.year == year) {
		*lo = memo.lo;
		*hi = memo.hi;
		return 0;
	}
	if (mr_store_prepare(st, "SELECT max_adjustment_pct, "
	    "exceptional_threshold IS NOT NULL FROM program_year "
	    "WHERE performance_year <= ? ORDER BY performance_year DESC LIMIT 1",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_int(stmt, 1, year);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		mr_err_set(err, MR_EINVAL, "year %d: no MIPS program data", year);
		goto out;
	}
	*lo = -sqlite3_column_double(stmt, 0);
	*hi = 3.0 * sqlite3_column_double(stmt, 0) +
	    (sqlite3_column_int(stmt, 1) ? 10.0 : 0.0);
	memo.store = mr_store_serial(st), memo.year = year, memo.lo = *lo, memo.hi = *hi;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static int
check_kind(const char *field, const char *s, const char *const *list,
    const char *names, char *out, size_t outlen, struct mr_err *err)
{
	if (s == NULL || *s == '\0') {
		out[0] = '\0';
		return 0;
	}
	size_t n = strlen(s);

	if (!in_list(s, list) || n >= outlen)
		return mr_err_set(err, MR_EINVAL, "%s '%s' is not known; use one "
		    "of: %s", field, s, names);
	memcpy(out, s, n + 1);	/* import checks a kind or two a row */
	return 0;
}

/*
 * A deadline of the case's own (CMS asked for documents by a date): in the
 * zone the text names, else the zone of the case's review window, else
 * Eastern, where CMS announces its deadlines.
 */
static int
apply_deadline(struct mr_store *st, const struct mr_case_input *in,
    struct mr_case *c, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char zone[64];
	struct mr_when w;
	int rc = -1;

	if (*in->deadline == '\0') {
		c->has_deadline = 0;
		c->deadline_zone[0] = '\0';
		return 0;
	}
	snprintf(zone, sizeof zone, "%s", c->has_deadline ? c->deadline_zone :
	    MR_WINDOW_DEFAULT_ZONE);
	if (!c->has_deadline) {
		if (mr_store_prepare(st, "SELECT zone FROM review_window WHERE "
		    "kind = 'targeted-review' AND performance_year = ? "
		    "ORDER BY closes_at DESC LIMIT 1", &stmt, err) == -1)
			goto out;
		sqlite3_bind_int(stmt, 1, c->performance_year);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			snprintf(zone, sizeof zone, "%s",
			    (const char *)sqlite3_column_text(stmt, 0));
	}
	if (mr_when_parse_as("deadline", in->deadline, zone, &w, err) == -1)
		goto out;
	c->has_deadline = 1;
	c->deadline_at = w.utc;
	snprintf(c->deadline_zone, sizeof c->deadline_zone, "%s", w.zone);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Set one of the case's texts: a copy it owns, or one in arena. */
static int
case_text(struct mr_arena *arena, char **dst, const char *s,
    struct mr_err *err)
{
	if (arena == NULL)
		return mr_text_set(dst, s, err);
	*dst = NULL;
	if (s != NULL && *s != '\0' && (*dst = mr_arena_strdup(arena, s)) ==
	    NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	return 0;
}

/* An identifier or name from CMS's form: one line, at most max bytes. */
static int
set_id_text(struct mr_arena *arena, const char *field, const char *s,
    size_t max, char **dst, struct mr_err *err)
{
	if (s == NULL)
		return 0;
	if (strlen(s) > max)
		return mr_err_set(err, MR_EINVAL, "%s: at most %zu characters",
		    field, max);
	if (mr_text_validate(field, s, 0, err) == -1)
		return -1;
	return case_text(arena, dst, s, err);
}

/* Today's date in Eastern time, where CMS dates its letters. */
static void
today_eastern(struct mr_store *st, char *buf, size_t len)
{
	struct tm tm;
	char abbrev[16];
	int dst;

	if (mr_when_local(mr_store_now(st), MR_WINDOW_DEFAULT_ZONE, &tm, &dst,
	    abbrev) == -1) {
		time_t now = mr_store_now(st);

		gmtime_r(&now, &tm);
	}
	strftime(buf, len, "%Y-%m-%d", &tm);
}

/* The source text of the documents deadline, so a reader sees its rule. */
static void
documents_source(const char *date, char *buf, size_t len)
{
	snprintf(buf, len, "CMS asked for documents on %s; they must reach CMS "
	    "within %d days (42 CFR 414.1385(a)(3)); 8 p.m. Eastern is the "
	    "hour CMS's QPP deadlines close, the rule itself names only the day",
	    date, MR_DOCUMENTS_DAYS);
}

/*
 * Record the day CMS asked for documents and give the case its deadline,
 * 30 days later.  Only a case waiting on documents has such a day.
 */
static int
apply_requested_on(struct mr_store *st, const char *date,
    struct mr_arena *arena, struct mr_case *c, struct mr_err *err)
{
	char today[16], src[256];

	if (strcmp(c->status, "documents-requested") != 0)
		return mr_err_set(err, MR_ECONFLICT, "documents_requested_on: case "
		    "%lld is %s, not waiting on documents; move it with "
		    "'mipsreview status %lld documents-requested --requested-on "
		    "DATE'", (long long)c->id, c->status, (long long)c->id);
	if (mr_case_documents_deadline(date, &c->deadline_at, c->deadline_zone,
	    err) == -1)
		return -1;
	today_eastern(st, today, sizeof today);
	if (strcmp(date, today) > 0)
		return mr_err_set(err, MR_EINVAL, "requested-on '%s': that is "
		    "after today (%s, Eastern); give the date on CMS's request",
		    date, today);
	c->has_deadline = 1;
	snprintf(c->documents_requested_on, sizeof c->documents_requested_on,
	    "%s", date);
	documents_source(date, src, sizeof src);
	return case_text(arena, &c->deadline_source, src, err);
}

/* Validate the fields of in that are not NULL into c. */
static int
apply_input(struct mr_store *st, const struct mr_case_input *in,
    struct mr_case *c, struct mr_err *err)
{
	double lo, hi;

	if (in->tin != NULL && mr_tin_normalize(in->tin, c->tin, sizeof c->tin,
	    err) == -1)
		return -1;
	if (in->npi != NULL) {
		if (*in->npi == '\0')
			c->npi[0] = '\0';
		else if (mr_npi_validate(in->npi, err) == -1)
			return -1;
		else
			snprintf(c->npi, sizeof c->npi, "%s", in->npi);
	}
	if (in->name != NULL) {
		if (*in->name == '\0')
			return mr_err_set(err, MR_EINVAL, "name: the clinician's "
			    "or group's name is required (--name)");
		if (mr_text_validate("name", in->name, 0, err) == -1 ||
		    case_text(in->arena, &c->name, in->name, err) == -1)
			return -1;
	}
	if (in->year != NULL &&
	    parse_year(st, in->year, &c->performance_year, err) == -1)
		return -1;
	if (in->nreasons > 0) {
		unsigned int bits = 0, b;

		for (int i = 0; i < in->nreasons; i++) {
			if (mr_reason_parse(in->reasons[i], &b, err) == -1)
				return -1;
			bits |= b;
		}
		c->reasons = bits;
	}
	if (in->practice != NULL && check_kind("practice", in->practice,
	    practice_kinds, PRACTICE_NAMES, c->practice, sizeof c->practice,
	    err) == -1)
		return -1;
	if (in->participation != NULL && check_kind("participation",
	    in->participation, participation_kinds, PARTICIPATION_NAMES,
	    c->participation, sizeof c->participation, err) == -1)
		return -1;
	if (in->score != NULL && parse_score("score", in->score,
	    &c->final_score, err) == -1)
		return -1;
	if (in->quality != NULL && parse_score("quality", in->quality,
	    &c->quality_score, err) == -1)
		return -1;
	if (in->cost != NULL && parse_score("cost", in->cost, &c->cost_score,
	    err) == -1)
		return -1;
	if (in->ia != NULL && parse_score("ia", in->ia, &c->ia_score, err) == -1)
		return -1;
	if (in->pi != NULL && parse_score("pi", in->pi, &c->pi_score, err) == -1)
		return -1;
	if (in->adjustment != NULL) {
		if (*in->adjustment == '\0')
			c->payment_adjustment = NAN;
		else if (parse_number("adjustment", in->adjustment, 1,
		    &c->payment_adjustment, err) == -1)
			return -1;
	}
	if (in->owner != NULL) {
		if (*in->owner != '\0' && mr_email_validate(in->owner, err) == -1)
			return -1;
		if (case_text(in->arena, &c->owner, in->owner, err) == -1)
			return -1;
	}
	if (in->note != NULL &&
	    mr_text_validate("note", in->note, 1, err) == -1)
		return -1;
	if (in->deadline != NULL && apply_deadline(st, in, c, err) == -1)
		return -1;
	if (in->deadline_source != NULL) {
		if (mr_text_validate("deadline_source", in->deadline_source, 0,
		    err) == -1 || case_text(in->arena, &c->deadline_source,
		    in->deadline_source, err) == -1)
			return -1;
	}
	/* The hardship filing that should have caused reweighting. */
	if (in->filing != NULL) {
		char *end;
		long long v = strtoll(in->filing, &end, 10);

		if (*in->filing != '\0' && (end == in->filing || *end != '\0' ||
		    v <= 0))
			return mr_err_set(err, MR_EINVAL, "filing '%s': a filing "
			    "id like 3 is expected ('mipsreview hardship list')",
			    in->filing);
		c->filing_id = *in->filing == '\0' ? 0 : v;
	}
	if (in->special_statuses != NULL && specials_parse_list(
	    in->special_statuses, &c->special_statuses, err) == -1)
		return -1;
	if (set_id_text(in->arena, "legal_name", in->legal_name, 200,
	    &c->legal_name, err) == -1 || set_id_text(in->arena,
	    "apm_entity_id", in->apm_entity_id, ID_MAX, &c->apm_entity_id,
	    err) == -1 || set_id_text(in->arena, "virtual_group_id",
	    in->virtual_group_id, ID_MAX, &c->virtual_group_id, err) == -1 ||
	    set_id_text(in->arena, "request_number", in->request_number,
	    ID_MAX, &c->request_number, err) == -1)
		return -1;
	if (in->requester_role != NULL && check_kind("requester_role",
	    in->requester_role, requester_roles, MR_REQUESTER_ROLES,
	    c->requester_role, sizeof c->requester_role, err) == -1)
		return -1;
	if (in->explanation != NULL) {
		if (mr_text_validate("explanation", in->explanation, 1,
		    err) == -1 || case_text(in->arena, &c->explanation,
		    in->explanation, err) == -1)
			return -1;
	}
	if (in->documents_requested_on != NULL && apply_requested_on(st,
	    in->documents_requested_on, in->arena, c, err) == -1)
		return -1;
	/* Where the practice is: CMS's automatic EUC policy goes by county. */
	if (in->county != NULL) {
		if (*in->county == '\0')
			c->county[0] = '\0';
		else if (mr_autoeuc_county_parse(in->county, c->county,
		    sizeof c->county, err) == -1)
			return -1;
	}
	if (in->zip != NULL) {
		if (*in->zip == '\0')
			c->zip[0] = '\0';
		else if (mr_autoeuc_zip_parse(in->zip, c->zip, err) == -1)
			return -1;
	}
	/* Cross-field rules, checked on the result. */
	if (c->reasons == 0)
		return mr_err_set(err, MR_EINVAL, "reason: at least one reason "
		    "is required (--reason; one of: %s)", REASON_NAMES);
	if (c->filing_id != 0 && mr_hardship_check_link(st, c->filing_id,
	    c->tin, c->performance_year, err) == -1)
		return -1;
	if (!isnan(c->payment_adjustment)) {
		if (adjustment_bounds(st, c->performance_year, &lo, &hi, err) == -1)
			return -1;
		if (c->payment_adjustment < lo || c->payment_adjustment > hi)
			return mr_err_set(err, MR_EINVAL, "adjustment '%g': for "
			    "performance year %d a MIPS payment adjustment lies "
			    "between %g%% and %+g%%", c->payment_adjustment,
			    c->performance_year, lo, hi);
	}
	return 0;
}

int
mr_case_validate(struct mr_store *st, const struct mr_case_input *in,
    struct mr_case *c, struct mr_err *err)
{
	case_init(c);
	if (in->tin == NULL || *in->tin == '\0')
		return mr_err_set(err, MR_EINVAL, "tin: the TIN is required "
		    "(--tin 12-3456789)");
	if (in->name == NULL)
		return mr_err_set(err, MR_EINVAL, "name: the clinician's or "
		    "group's name is required (--name)");
	if (in->year == NULL)
		return mr_err_set(err, MR_EINVAL, "year: the performance year "
		    "is required (--year 2023)");
	return apply_input(st, in, c, err);
}

json_t *
mr_case_to_json(const struct mr_case *c, int reveal)
{
	char tin[16], rbuf[128], *tok, *save = NULL;
	json_t *o, *r, *cat;

	if (reveal)
		snprintf(tin, sizeof tin, "%s", c->tin);
	else
		mr_tin_mask(c->tin, tin, sizeof tin);
#define NUM(v) (isnan(v) ? json_null() : json_real(v))
	cat = json_pack("{s:o, s:o, s:o, s:o}", "quality", NUM(c->quality_score),
	    "cost", NUM(c->cost_score), "ia", NUM(c->ia_score),
	    "pi", NUM(c->pi_score));
	r = json_array();
	mr_reasons_format(c->reasons, rbuf, sizeof rbuf);
	for (tok = strtok_r(rbuf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(r, json_string(tok));
	o = json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:i, s:i, s:s, s:o, s:o, "
	    "s:o, s:o, s:o, s:o, s:s, s:s}",
	    "id", (json_int_t)c->id,
	    "tin", tin,
	    "npi", c->npi[0] ? json_string(c->npi) : json_null(),
	    "name", c->name ? c->name : "",
	    "practice", c->practice[0] ? json_string(c->practice) : json_null(),
	    "participation", c->participation[0] ?
		json_string(c->participation) : json_null(),
	    "performance_year", c->performance_year,
	    "payment_year", c->performance_year + 2,
	    "status", c->status,
	    "reasons", r,
	    "final_score", NUM(c->final_score),
	    "payment_adjustment", NUM(c->payment_adjustment),
	    "category_scores", cat,
	    "owner", c->owner ? json_string(c->owner) : json_null(),
	    "filing_id", c->filing_id ? json_integer(c->filing_id) : json_null(),
	    "created_at", c->created_at,
	    "updated_at", c->updated_at);
#undef NUM
	if (o != NULL && c->has_deadline) {
		char utc[32];

		mr_when_iso_utc(c->deadline_at, utc, sizeof utc);
		json_object_set_new(o, "own_deadline", json_pack("{s:s, s:s, s:o}",
		    "closes_at", utc, "zone", c->deadline_zone, "source",
		    c->deadline_source ? json_string(c->deadline_source) :
		    json_null()));
	} else if (o != NULL)
		json_object_set_new(o, "own_deadline", json_null());
	if (o != NULL) {
		json_t *sp = json_array();
		char sbuf[128];

#define STR(v) ((v) != NULL ? json_string(v) : json_null())
		mr_special_statuses_format(c->special_statuses, sbuf, sizeof sbuf);
		save = NULL;
		for (tok = strtok_r(sbuf, ",", &save); tok; tok = strtok_r(NULL,
		    ",", &save))
			json_array_append_new(sp, json_string(tok));
		json_object_set_new(o, "special_statuses", sp);
		json_object_set_new(o, "legal_name", STR(c->legal_name));
		json_object_set_new(o, "apm_entity_id", STR(c->apm_entity_id));
		json_object_set_new(o, "virtual_group_id", STR(c->virtual_group_id));
		json_object_set_new(o, "requester_role", c->requester_role[0] ?
		    json_string(c->requester_role) : json_null());
		json_object_set_new(o, "request_number", STR(c->request_number));
		json_object_set_new(o, "explanation", STR(c->explanation));
		json_object_set_new(o, "documents_requested_on",
		    c->documents_requested_on[0] ?
		    json_string(c->documents_requested_on) : json_null());
		json_object_set_new(o, "county", c->county[0] ?
		    json_string(c->county) : json_null());
		json_object_set_new(o, "zip", c->zip[0] ? json_string(c->zip) :
		    json_null());
#undef STR
	}
	return o;
}

static char *
case_json_text(const struct mr_case *c)
{
	json_t *o = mr_case_to_json(c, 1);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(o);
	return s;
}

#define CASE_COLUMNS "id, tin, npi, name, practice, participation, " \
	"performance_year, status, reasons, final_score, payment_adjustment, " \
	"quality_score, cost_score, ia_score, pi_score, owner, created_at, " \
	"updated_at, deadline_at, deadline_zone, deadline_source, filing_id, " \
	"special_statuses, legal_name, apm_entity_id, virtual_group_id, " \
	"requester_role, request_number, explanation, documents_requested_on, " \
	"county, zip"

static double
col_num(sqlite3_stmt *stmt, int i)
{
	return sqlite3_column_type(stmt, i) == SQLITE_NULL ? NAN :
	    sqlite3_column_double(stmt, i);
}

/* Copy column i into buf, cut to fit (list reads many rows: no printf). */
static void
col_copy(sqlite3_stmt *stmt, int i, char *buf, size_t size)
{
	const char *s = mr_store_col_text(stmt, i);
	size_t n = strlen(s);

	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* A copy of column i, or NULL when the column is NULL; -1 on no memory. */
static int
col_dup(sqlite3_stmt *stmt, int i, char **out)
{
	*out = NULL;
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return 0;
	return (*out = strdup(mr_store_col_text(stmt, i))) == NULL ? -1 : 0;
}

static int
case_from_row(sqlite3_stmt *stmt, struct mr_case *c)
{
	case_init(c);
	c->id = sqlite3_column_int64(stmt, 0);
	col_copy(stmt, 1, c->tin, sizeof c->tin);
	col_copy(stmt, 2, c->npi, sizeof c->npi);
	c->name = strdup(mr_store_col_text(stmt, 3));
	col_copy(stmt, 4, c->practice, sizeof c->practice);
	col_copy(stmt, 5, c->participation, sizeof c->participation);
	c->performance_year = sqlite3_column_int(stmt, 6);
	col_copy(stmt, 7, c->status, sizeof c->status);
	if (reasons_parse_list(mr_store_col_text(stmt, 8), &c->reasons) == -1)
		c->reasons = MR_REASON_OTHER;
	c->final_score = col_num(stmt, 9);
	c->payment_adjustment = col_num(stmt, 10);
	c->quality_score = col_num(stmt, 11);
	c->cost_score = col_num(stmt, 12);
	c->ia_score = col_num(stmt, 13);
	c->pi_score = col_num(stmt, 14);
	if (sqlite3_column_type(stmt, 15) != SQLITE_NULL)
		c->owner = strdup(mr_store_col_text(stmt, 15));
	col_copy(stmt, 16, c->created_at, sizeof c->created_at);
	col_copy(stmt, 17, c->updated_at, sizeof c->updated_at);
	c->has_deadline = sqlite3_column_type(stmt, 18) != SQLITE_NULL;
	c->deadline_at = (time_t)sqlite3_column_int64(stmt, 18);
	col_copy(stmt, 19, c->deadline_zone, sizeof c->deadline_zone);
	if (sqlite3_column_type(stmt, 20) != SQLITE_NULL)
		c->deadline_source = strdup(mr_store_col_text(stmt, 20));
	c->filing_id = sqlite3_column_int64(stmt, 21);
	if (specials_parse_list(mr_store_col_text(stmt, 22),
	    &c->special_statuses, NULL) == -1)
		c->special_statuses = 0;
	if (col_dup(stmt, 23, &c->legal_name) == -1 ||
	    col_dup(stmt, 24, &c->apm_entity_id) == -1 ||
	    col_dup(stmt, 25, &c->virtual_group_id) == -1 ||
	    col_dup(stmt, 27, &c->request_number) == -1 ||
	    col_dup(stmt, 28, &c->explanation) == -1)
		return -1;
	col_copy(stmt, 26, c->requester_role, sizeof c->requester_role);
	col_copy(stmt, 29, c->documents_requested_on,
	    sizeof c->documents_requested_on);
	col_copy(stmt, 30, c->county, sizeof c->county);
	col_copy(stmt, 31, c->zip, sizeof c->zip);
	return c->name == NULL ? -1 : 0;
}

static int
case_row(sqlite3_stmt *stmt, void *c)
{
	return case_from_row(stmt, c);
}

int
mr_case_get(struct mr_store *st, int64_t id, struct mr_case *c,
    struct mr_err *err)
{
	case_init(c);
	return mr_store_row_by_id(st, "SELECT " CASE_COLUMNS " FROM review_case "
	    "WHERE id = ?", id, case_row, c, "case",
	    "'mipsreview list' shows the cases", err);
}

/* Refuse a second open case for the same TIN, NPI and year (unless force). */
static int
check_duplicate(struct mr_store *st, const struct mr_case *c, int force,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (force)
		return 0;
	/* "+status" keeps SQLite on the (tin, year) index; without
	 * statistics it chose (year, status) and read every open case of the
	 * year (541,421 cases: add took 83 ms, now 5 ms). */
	if (mr_store_prepare(st, "SELECT id FROM review_case WHERE tin = ?1 "
	    "AND coalesce(npi, '') = ?2 AND performance_year = ?3 AND id != ?4 "
	    "AND +status IN " MR_CASE_OPEN_SQL " LIMIT 1", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, c->tin, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, c->npi, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, c->performance_year);
	sqlite3_bind_int64(stmt, 4, c->id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		mr_err_set(err, MR_ECONFLICT, "case %lld is already open for "
		    "this TIN%s and performance year %d; work on it, or add "
		    "--force to open a second one", (long long)
		    sqlite3_column_int64(stmt, 0), c->npi[0] ? ", NPI" : "",
		    c->performance_year);
		goto out;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "checking for duplicates");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static int
insert_note(struct mr_store *st, int64_t id, const char *text,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char at[32];
	int rc = -1;

	mr_when_iso_utc(mr_store_now(st), at, sizeof at);
	if (mr_store_prepare(st, "INSERT INTO case_note (case_id, at, who, body) "
	    "VALUES (?, ?, ?, ?)", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, mr_store_actor(st), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, text, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "saving the note");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Bind text, or NULL for NULL or "", unless the NULL is there already. */
static void
bind_text(sqlite3_stmt *stmt, int i, const char *s, int cleared)
{
	if (s != NULL && *s != '\0')
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
	else if (!cleared)
		sqlite3_bind_null(stmt, i);
}

static void
bind_num(sqlite3_stmt *stmt, int i, double v, int cleared)
{
	if (!isnan(v))
		sqlite3_bind_double(stmt, i, v);
	else if (!cleared)
		sqlite3_bind_null(stmt, i);
}

static void
bind_row(sqlite3_stmt *stmt, int first, const struct mr_case *c, char *buf,
    int cleared)
{
	char *rbuf = buf, *sbuf = buf + MR_CASE_ROW_BUFLEN / 2;
	int b = first;

	mr_reasons_format(c->reasons, rbuf, MR_CASE_ROW_BUFLEN / 2);
	if (c->special_statuses != 0)
		mr_special_statuses_format(c->special_statuses, sbuf,
		    MR_CASE_ROW_BUFLEN / 2);
	else
		sbuf[0] = '\0';
	sqlite3_bind_text(stmt, b + 1, c->tin, -1, SQLITE_STATIC);
	bind_text(stmt, b + 2, c->npi, cleared);
	sqlite3_bind_text(stmt, b + 3, c->name, -1, SQLITE_STATIC);
	bind_text(stmt, b + 4, c->practice, cleared);
	bind_text(stmt, b + 5, c->participation, cleared);
	sqlite3_bind_int(stmt, b + 6, c->performance_year);
	sqlite3_bind_text(stmt, b + 7, c->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, b + 8, rbuf, -1, SQLITE_STATIC);
	bind_num(stmt, b + 9, c->final_score, cleared);
	bind_num(stmt, b + 10, c->payment_adjustment, cleared);
	bind_num(stmt, b + 11, c->quality_score, cleared);
	bind_num(stmt, b + 12, c->cost_score, cleared);
	bind_num(stmt, b + 13, c->ia_score, cleared);
	bind_num(stmt, b + 14, c->pi_score, cleared);
	bind_text(stmt, b + 15, c->owner, cleared);
	if (c->has_deadline) {
		sqlite3_bind_int64(stmt, b + 16, (sqlite3_int64)c->deadline_at);
		sqlite3_bind_text(stmt, b + 17, c->deadline_zone, -1,
		    SQLITE_STATIC);
		bind_text(stmt, b + 18, c->deadline_source, cleared);
	} else if (!cleared) {
		sqlite3_bind_null(stmt, b + 16);
		sqlite3_bind_null(stmt, b + 17);
		sqlite3_bind_null(stmt, b + 18);
	}
	if (c->filing_id != 0)
		sqlite3_bind_int64(stmt, b + 19, c->filing_id);
	else if (!cleared)
		sqlite3_bind_null(stmt, b + 19);
	bind_text(stmt, b + 20, sbuf, cleared);
	bind_text(stmt, b + 21, c->legal_name, cleared);
	bind_text(stmt, b + 22, c->apm_entity_id, cleared);
	bind_text(stmt, b + 23, c->virtual_group_id, cleared);
	bind_text(stmt, b + 24, c->requester_role, cleared);
	bind_text(stmt, b + 25, c->request_number, cleared);
	bind_text(stmt, b + 26, c->explanation, cleared);
	bind_text(stmt, b + 27, c->documents_requested_on, cleared);
	bind_text(stmt, b + 28, c->county, cleared);
	bind_text(stmt, b + 29, c->zip, cleared);
}

void
mr_case_bind_row(sqlite3_stmt *stmt, int first, const struct mr_case *c,
    char *buf)
{
	bind_row(stmt, first, c, buf, 0);
}

void
mr_case_bind_row_cleared(sqlite3_stmt *stmt, int first,
    const struct mr_case *c, char *buf)
{
	bind_row(stmt, first, c, buf, 1);
}

/* Write every column of c (insert when c->id == 0, else update). */
static int
case_write(struct mr_store *st, struct mr_case *c, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char buf[MR_CASE_ROW_BUFLEN];
	int rc = -1;

	mr_when_iso_utc(mr_store_now(st), c->updated_at, sizeof c->updated_at);
	if (c->id == 0)
		snprintf(c->created_at, sizeof c->created_at, "%s", c->updated_at);
	if (mr_store_prepare(st, c->id == 0 ?
	    "INSERT INTO review_case (" MR_CASE_ROW_COLUMNS ", created_at, "
	    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, "
	    "?25, ?26, ?27, ?28, ?29, ?30, ?31)" :
	    "UPDATE review_case SET (" MR_CASE_ROW_COLUMNS ", updated_at) = "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
	    "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, "
	    "?29, ?31), revision = revision + 1 WHERE id = ?32",
	    &stmt, err) == -1)
		goto out;
	/* The row's columns, then created_at, updated_at and the id. */
	mr_case_bind_row(stmt, 0, c, buf);
	if (c->id == 0)
		sqlite3_bind_text(stmt, MR_CASE_ROW_NCOLS + 1, c->created_at, -1,
		    SQLITE_STATIC);
	sqlite3_bind_text(stmt, MR_CASE_ROW_NCOLS + 2, c->updated_at, -1,
	    SQLITE_STATIC);
	if (c->id != 0)
		sqlite3_bind_int64(stmt, MR_CASE_ROW_NCOLS + 3, c->id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "saving the case");
		goto out;
	}
	if (c->id == 0)
		c->id = sqlite3_last_insert_rowid(mr_store_db(st));
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Audit a change of case c: before is JSON text or NULL. */
static int
audit_case(struct mr_store *st, const struct mr_case *c, const char *action,
    const char *before, struct mr_err *err)
{
	char *after = case_json_text(c);
	int rc;

	if (after == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	rc = mr_audit_append(st, "case", c->id, action, before, after, err);
	free(after);
	return rc;
}

int
mr_case_add(struct mr_store *st, const struct mr_case_input *in, int force,
    int64_t *id, struct mr_err *err)
{
	struct mr_case c;
	int rc = -1, in_tx = 0;

	if (mr_case_validate(st, in, &c, err) == -1)
		goto out;
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (check_duplicate(st, &c, force, err) == -1 ||
	    case_write(st, &c, err) == -1 ||
	    (in->note != NULL && *in->note != '\0' &&
	    insert_note(st, c.id, in->note, err) == -1) ||
	    audit_case(st, &c, force ? "add --force" : "add", NULL, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	*id = c.id;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	mr_case_release(&c);
	return rc;
}

/* Map one "field=value" onto in; the value points into the assignment. */
static int
assignment_to_input(char *a, struct mr_case_input *in, struct mr_err *err)
{
	static const struct {
		const char	*names[3];
		size_t		 off;
	} fields[] = {
		{ { "tin", NULL, NULL }, offsetof(struct mr_case_input, tin) },
		{ { "npi", NULL, NULL }, offsetof(struct mr_case_input, npi) },
		{ { "name", NULL, NULL }, offsetof(struct mr_case_input, name) },
		{ { "year", "performance_year", NULL }, offsetof(struct mr_case_input, year) },
		{ { "score", "final_score", NULL }, offsetof(struct mr_case_input, score) },
		{ { "adjustment", "payment_adjustment", NULL }, offsetof(struct mr_case_input, adjustment) },
		{ { "practice", NULL, NULL }, offsetof(struct mr_case_input, practice) },
		{ { "participation", NULL, NULL }, offsetof(struct mr_case_input, participation) },
		{ { "owner", NULL, NULL }, offsetof(struct mr_case_input, owner) },
		{ { "quality", "quality_score", NULL }, offsetof(struct mr_case_input, quality) },
		{ { "cost", "cost_score", NULL }, offsetof(struct mr_case_input, cost) },
		{ { "ia", "ia_score", NULL }, offsetof(struct mr_case_input, ia) },
		{ { "pi", "pi_score", NULL }, offsetof(struct mr_case_input, pi) },
		{ { "deadline", NULL, NULL }, offsetof(struct mr_case_input, deadline) },
		{ { "deadline_source", "deadline-source", NULL },
		  offsetof(struct mr_case_input, deadline_source) },
		/* The hardship filing behind an euc-not-applied case */
		{ { "filing", "filing_id", NULL }, offsetof(struct mr_case_input, filing) },
		{ { "special_statuses", "special-status", "special_status" },
		  offsetof(struct mr_case_input, special_statuses) },
		{ { "legal_name", "legal-name", NULL }, offsetof(struct mr_case_input, legal_name) },
		{ { "apm_entity_id", "apm-entity-id", NULL },
		  offsetof(struct mr_case_input, apm_entity_id) },
		{ { "virtual_group_id", "virtual-group-id", NULL },
		  offsetof(struct mr_case_input, virtual_group_id) },
		{ { "requester_role", "requester-role", NULL },
		  offsetof(struct mr_case_input, requester_role) },
		{ { "request_number", "request-number", NULL },
		  offsetof(struct mr_case_input, request_number) },
		{ { "explanation", NULL, NULL }, offsetof(struct mr_case_input, explanation) },
		{ { "documents_requested_on", "requested-on", NULL },
		  offsetof(struct mr_case_input, documents_requested_on) },
		{ { "county", NULL, NULL }, offsetof(struct mr_case_input, county) },
		{ { "zip", "zipcode", NULL }, offsetof(struct mr_case_input, zip) },
	};
	char *eq = strchr(a, '='), *tok, *save = NULL;

	if (eq == NULL || eq == a)
		return mr_err_set(err, MR_EINVAL, "'%s': FIELD=VALUE is expected, "
		    "e.g. score=72.5", a);
	*eq = '\0';
	if (strcmp(a, "reason") == 0 || strcmp(a, "reasons") == 0) {
		in->nreasons = 0;
		for (tok = strtok_r(eq + 1, ",;", &save); tok != NULL &&
		    in->nreasons < 8; tok = strtok_r(NULL, ",;", &save))
			in->reasons[in->nreasons++] = tok;
		if (in->nreasons == 0)
			return mr_err_set(err, MR_EINVAL, "reason: at least one "
			    "reason is required");
		return 0;
	}
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		for (int j = 0; j < 3 && fields[i].names[j]; j++)
			if (strcmp(a, fields[i].names[j]) == 0) {
				*(const char **)((char *)in + fields[i].off) = eq + 1;
				return 0;
			}
	return mr_err_set(err, MR_EINVAL, "field '%s' cannot be set; settable: "
	    "tin, npi, name, year, reason, score, adjustment, practice, "
	    "participation, owner, quality, cost, ia, pi, deadline, "
	    "deadline_source, filing, special_statuses, legal_name, "
	    "apm_entity_id, virtual_group_id, requester_role, request_number, "
	    "explanation, documents_requested_on, county, zip (status: use "
	    "'mipsreview "
	    "status')", a);
}

int
mr_case_set(struct mr_store *st, int64_t id, const char *const *assignments, int n,
    int force, struct mr_err *err)
{
	struct mr_case c;
	struct mr_case_input in = { 0 };
	char *before = NULL, **copies = NULL;
	int rc = -1, in_tx = 0;

	case_init(&c);
	if (n == 0)
		return mr_err_set(err, MR_EINVAL, "nothing to set: give "
		    "FIELD=VALUE, e.g. score=72.5");
	if ((copies = calloc(n, sizeof *copies)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	for (int i = 0; i < n; i++)
		if ((copies[i] = strdup(assignments[i])) == NULL ||
		    assignment_to_input(copies[i], &in, err) == -1) {
			if (copies[i] == NULL)
				mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
	if (in.name != NULL && *in.name == '\0')
		in.name = "";	/* apply_input rejects it with a clear message */
	if (in.tin != NULL && *in.tin == '\0') {
		mr_err_set(err, MR_EINVAL, "tin: the TIN cannot be cleared");
		goto out;
	}
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_case_get(st, id, &c, err) == -1)
		goto out;
	if (!mr_state_is_open(c.status)) {
		mr_err_set(err, MR_ECONFLICT, "case %lld is %s and can no longer "
		    "be edited; add a note instead ('mipsreview note')",
		    (long long)id, c.status);
		goto out;
	}
	if ((before = case_json_text(&c)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (apply_input(st, &in, &c, err) == -1 ||
	    ((in.tin || in.npi || in.year) && check_duplicate(st, &c, force,
	    err) == -1) || case_write(st, &c, err) == -1 ||
	    audit_case(st, &c, "set", before, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	for (int i = 0; copies && i < n; i++)
		free(copies[i]);
	free(copies);
	free(before);
	mr_case_release(&c);
	return rc;
}

/*
 * What CMS's targeted-review request form asks for, before a case may be
 * ready to file: the practice's legal name, who requests, the detailed
 * explanation, and the APM Entity or Virtual Group ID when the case
 * participates as one.
 */
static int
check_request_complete(const struct mr_case *c, struct mr_err *err)
{
	char missing[256];
	struct mr_buf b;

	/* Every field named below fits in missing. */
	mr_buf_init_fixed(&b, missing, sizeof missing);
#define MISSING(cond, what) \
	if (cond) (void)mr_buf_printf(&b, "%s%s", b.len ? ", " : "", what)
	MISSING(c->legal_name == NULL, "legal_name=TEXT");
	MISSING(c->requester_role[0] == '\0', "requester_role=ROLE");
	MISSING(c->explanation == NULL, "explanation=TEXT");
	MISSING(strcmp(c->participation, "apm-entity") == 0 &&
	    c->apm_entity_id == NULL, "apm_entity_id=ID");
	MISSING(strcmp(c->participation, "virtual-group") == 0 &&
	    c->virtual_group_id == NULL, "virtual_group_id=ID");
#undef MISSING
	if (b.len == 0)
		return 0;
	return mr_err_set(err, MR_ECONFLICT, "case %lld cannot become ready: "
	    "CMS's targeted-review request asks for what it lacks; set %s "
	    "('mipsreview set %lld FIELD=VALUE'; roles: %s)", (long long)c->id,
	    missing, (long long)c->id, MR_REQUESTER_ROLES);
}

int
mr_case_set_status(struct mr_store *st, int64_t id, const char *state,
    const char *note, struct mr_err *err)
{
	return mr_case_move(st, id, state, note, NULL, err);
}

int
mr_case_move(struct mr_store *st, int64_t id, const char *state,
    const char *note, const char *requested_on, struct mr_err *err)
{
	struct mr_case c;
	char *before = NULL, action[64], today[16];
	int rc = -1, in_tx = 0;

	case_init(&c);
	if (!mr_state_valid(state))
		return mr_err_set(err, MR_EINVAL, "state '%s' is not known; use "
		    "one of: %s", state, MR_CASE_STATES);
	if (requested_on != NULL && strcmp(state, "documents-requested") != 0)
		return mr_err_set(err, MR_EINVAL, "requested-on: only a move to "
		    "documents-requested records the day CMS asked for "
		    "documents");
	if (note != NULL && mr_text_validate("note", note, 1, err) == -1)
		return -1;
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_case_get(st, id, &c, err) == -1)
		goto out;
	{
		struct mr_err why = { 0 };

		if (mr_case_transition_allowed(c.status, state, &why) == -1) {
			mr_err_set(err, why.code, "case %lld: %.480s",
			    (long long)id, why.msg);
			goto out;
		}
	}
	if (strcmp(state, "ready") == 0 && check_request_complete(&c, err) == -1)
		goto out;
	if ((before = case_json_text(&c)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (strcmp(c.status, "documents-requested") == 0 &&
	    c.documents_requested_on[0] != '\0') {
		/* The documents went in (or the case was withdrawn): the
		 * 30-day clock no longer runs, unless someone moved the
		 * deadline by hand since. */
		time_t due;
		char zone[64];

		if (c.has_deadline && mr_case_documents_deadline(
		    c.documents_requested_on, &due, zone, NULL) == 0 &&
		    due == c.deadline_at) {
			c.has_deadline = 0;
			c.deadline_zone[0] = '\0';
			(void)mr_text_set(&c.deadline_source, NULL, NULL);
		}
	}
	snprintf(c.status, sizeof c.status, "%s", state);
	if (strcmp(state, "documents-requested") == 0) {
		if (requested_on == NULL) {
			today_eastern(st, today, sizeof today);
			requested_on = today;
		}
		if (apply_requested_on(st, requested_on, NULL, &c, err) == -1)
			goto out;
	}
	snprintf(action, sizeof action, "status %s", state);
	if (case_write(st, &c, err) == -1 ||
	    (note != NULL && *note != '\0' && insert_note(st, id, note, err) == -1) ||
	    audit_case(st, &c, action, before, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	free(before);
	mr_case_release(&c);
	return rc;
}

int
mr_case_add_note(struct mr_store *st, int64_t id, const char *text,
    struct mr_err *err)
{
	struct mr_case c;
	json_t *o;
	char *after = NULL;
	int rc = -1, in_tx = 0;

	case_init(&c);
	if (*text == '\0')
		return mr_err_set(err, MR_EINVAL, "note: the text is empty");
	if (mr_text_validate("note", text, 1, err) == -1)
		return -1;
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_case_get(st, id, &c, err) == -1 ||
	    insert_note(st, id, text, err) == -1)
		goto out;
	o = json_pack("{s:s}", "note", text);
	after = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (after == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_audit_append(st, "case", id, "note", NULL, after, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	free(after);
	mr_case_release(&c);
	return rc;
}

int
mr_case_notes_each(struct mr_store *st, int64_t id,
    int (*fn)(const char *, const char *, const char *, void *), void *arg,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT at, who, body FROM case_note "
	    "WHERE case_id = ? ORDER BY id", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		if (fn(mr_store_col_text(stmt, 0), mr_store_col_text(stmt, 1), mr_store_col_text(stmt, 2),
		    arg) != 0)
			break;
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading notes");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_case_list(struct mr_store *st, const struct mr_case_filter *f,
    int (*fn)(const struct mr_case *, void *), void *arg, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_case c;
	char sql[2048], *why = NULL;
	int rc = -1, step = SQLITE_DONE, stop = 0, by_who, tins;

	tins = f && f->ntins > 0;
	if (f && f->reasons) {
		json_t *a = json_array();

		for (size_t i = 0; a != NULL && i < NREASONS; i++)
			if (f->reasons & reasons[i].bit)
				json_array_append_new(a,
				    json_string(reasons[i].name));
		why = a ? json_dumps(a, JSON_COMPACT) : NULL;
		json_decref(a);
		if (why == NULL)
			return mr_err_set(err, MR_EFAIL, "out of memory");
	}
	/* Only the filters given go into the query, so SQLite can use the
	 * index for each (an "?1 IS NULL OR tin = ?1" term defeats it).  The
	 * reasons are matched here too, not after reading, so that LIMIT
	 * counts matching cases only. */
	/* A TIN or an NPI selects far fewer cases than a year or a status,
	 * but without statistics SQLite may take the index by year or by
	 * status instead; a unary + keeps an index from serving a term. */
	by_who = f && (f->tin || f->npi || tins);
	snprintf(sql, sizeof sql, "SELECT " CASE_COLUMNS " FROM review_case "
	    "WHERE 1%s%s%s%s%s%s%s%s ORDER BY id%s",
	    !(f && f->year) ? "" : f->npi ? " AND +performance_year = ?1" :
	    " AND performance_year = ?1",
	    !(f && f->status) ? "" : by_who ? " AND +status = ?2" :
	    " AND status = ?2",
	    f && f->tin ? " AND tin = ?3" : "",
	    f && f->npi ? " AND npi = ?4" : "",
	    !(f && f->open_only) ? "" : by_who ? " AND +status IN "
	    MR_CASE_OPEN_SQL : " AND status IN " MR_CASE_OPEN_SQL,
	    f && f->after_id ? " AND id > ?5" : "",
	    tins ? " AND tin IN (SELECT value FROM json_each(?6))" : "",
	    why ? " AND EXISTS (SELECT 1 FROM json_each(?7) AS r WHERE "
	    "instr(',' || reasons || ',', ',' || r.value || ',') > 0)" : "",
	    f && f->limit > 0 ? " LIMIT ?8" : "");
	if (mr_store_prepare(st, sql, &stmt, err) == -1)
		goto out;
	if (f && f->after_id)
		sqlite3_bind_int64(stmt, 5, f->after_id);
	if (tins && mr_store_bind_list(stmt, 6, f->tins, f->ntins) == -1) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (why)
		sqlite3_bind_text(stmt, 7, why, -1, SQLITE_STATIC);
	if (f && f->limit > 0)
		sqlite3_bind_int(stmt, 8, f->limit);
	if (f && f->year)
		sqlite3_bind_int(stmt, 1, f->year);
	if (f && f->status)
		sqlite3_bind_text(stmt, 2, f->status, -1, SQLITE_STATIC);
	if (f && f->tin)
		sqlite3_bind_text(stmt, 3, f->tin, -1, SQLITE_STATIC);
	if (f && f->npi)
		sqlite3_bind_text(stmt, 4, f->npi, -1, SQLITE_STATIC);
	while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (case_from_row(stmt, &c) == -1) {
			mr_case_release(&c);
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		if (f == NULL || f->reasons == 0 || (c.reasons & f->reasons))
			stop = fn(&c, arg);
		mr_case_release(&c);
	}
	if (!stop && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "listing cases");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	free(why);
	return rc;
}
