#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "lib/mr_audit.h"
#include "lib/mr_autoeuc.h"
#include "lib/mr_buf.h"
#include "lib/mr_case.h"
#include "lib/mr_crypto.h"
#include "lib/mr_evidence.h"
#include "lib/mr_hex.h"
#include "lib/mr_reference.h"
#include "lib/mr_score.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"
#include "lib/mr_year.h"

#define PACK_FORMAT	"mipsreview-reference"
#define PACK_VERSION	1
#define MAX_FACTS	20000
/* ZIP codes of one county: Los Angeles County has some 500. */
#define MAX_ZIPS	5000

static const char *const kinds[] = { "program-year", "weights",
	"auto-reweight", "payment-scale", "bonus", "window",
	"evidence-requirement", "euc-county", NULL };
static const char *const bonus_names[] = { "complex-patient",
	"small-practice", NULL };
static const char *const bonus_applies[] = { "final-score", "quality", NULL };
static const char *const window_kinds[] = { "targeted-review",
	"euc-hardship", "pi-hardship", "data-submission", "other", NULL };

int
mr_reference_kind_valid(const char *kind, struct mr_err *err)
{
	for (int i = 0; kinds[i] != NULL; i++)
		if (strcmp(kinds[i], kind) == 0)
			return 0;
	return mr_err_set(err, MR_EINVAL, "kind '%s': one of %s is expected",
	    kind, MR_REFERENCE_KINDS);
}

/* A fact, checked, in the canonical form the tables hold. */
struct fact {
	const char	*kind;
	int		 year;		/* 0 for evidence-requirement */
	char		 key[200];	/* kind and key fields, for duplicates */
	const char	*source;
	int		 verified;
	/* program-year */
	int		 payment_year;
	double		 threshold, exceptional, max_adj;
	/* weights */
	char		 reweighted[32];
	const char	*practice;
	double		 w[MR_NCAT];
	/* auto-reweight */
	const char	*category;
	/* payment-scale */
	double		 max_positive, exceptional_pct;
	/* bonus */
	const char	*bonus, *applies_to;
	double		 points;
	/* window */
	const char	*window_kind, *name, *zone;
	long long	 opens_at, closes_at;
	int		 has_opens;
	/* evidence-requirement */
	const char	*reason, *evidence_kind;
	int		 advice;	/* -1: absent, the row keeps its own */
	const char	*one_of;	/* NULL: none */
	int		 has_one_of;	/* 0: absent, the row keeps its own */
	/* euc-county */
	char		 state[3];
	char		 county[88];	/* lower case, as CMS's crosswalk */
	json_t		*zips;		/* checked: five-digit strings */
	const char	*why;		/* what is wrong with it */
};

/*
 * The keys each kind of fact may carry.  Any other key is refused: a typo
 * ("qualty") would otherwise drop a fact without a word.
 */
static const char *const common_keys[] = { "kind", "year", "source",
	"verified", NULL };
static const struct {
	const char		*kind;
	const char *const	 keys[8];
} kind_keys[] = {
	{ "program-year", { "payment_year", "performance_threshold",
	    "exceptional_threshold", "max_adjustment_pct", NULL } },
	{ "weights", { "reweighted", "practice", "quality", "cost", "ia", "pi",
	    NULL } },
	{ "auto-reweight", { "category", NULL } },
	{ "payment-scale", { "max_positive_pct", "exceptional_pct", NULL } },
	{ "bonus", { "bonus", "points", "applies_to", NULL } },
	{ "window", { "window_kind", "name", "opens_at", "closes_at", "zone",
	    NULL } },
	{ "evidence-requirement", { "reason", "evidence_kind", "advice",
	    "one_of", NULL } },
	{ "euc-county", { "state", "county", "zips", NULL } },
};
static const char *const pack_keys[] = { "format", "version", "date",
	"publisher", "facts", NULL };

static int
in_list(const char *s, const char *const *l)
{
	for (; *l != NULL; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

/* "2027-01-01T01:00:00Z" to epoch seconds. */
static int
parse_utc(const char *s, long long *out)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (end == NULL || *end != '\0' || strlen(s) != 20)
		return -1;
	*out = (long long)timegm(&tm);
	return 0;
}

static int fail_fact(struct mr_err *, size_t, const struct fact *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static int
fail_fact(struct mr_err *err, size_t i, const struct fact *f, const char *fmt,
    ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return mr_err_set(err, MR_EINVAL, "fact %zu%s%s%s: %s", i + 1,
	    f->key[0] ? " (" : "", f->key, f->key[0] ? ")" : "", msg);
}

static const char *
get_str(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A number field: 0, or -1 when missing or not a number (null allowed: NaN). */
static int
get_num(json_t *o, const char *name, int nullable, double *out)
{
	json_t *v = json_object_get(o, name);

	if (nullable && (v == NULL || json_is_null(v))) {
		*out = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return isfinite(*out) ? 0 : -1;
}

/* The first key of o that a fact of this kind does not have, or NULL. */
static const char *
unknown_key(json_t *o, const char *kind)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		if (in_list(key, common_keys))
			continue;
		for (size_t k = 0; k < sizeof kind_keys / sizeof kind_keys[0]; k++)
			if (strcmp(kind_keys[k].kind, kind) == 0 &&
			    in_list(key, kind_keys[k].keys))
				goto known;
		return key;
known:		;
	}
	return NULL;
}

/* "kind, year, source, verified, a, b" for a kind, for messages. */
static const char *
keys_text(const char *kind)
{
	static _Thread_local char buf[300];
	struct mr_buf b;

	/* Every kind's keys fit: the lists are this file's own. */
	mr_buf_init_fixed(&b, buf, sizeof buf);
	for (int j = 0; common_keys[j] != NULL; j++) {
		if (j == 1 && strcmp(kind, "evidence-requirement") == 0)
			continue;
		(void)mr_buf_printf(&b, "%s%s", b.len ? ", " : "",
		    common_keys[j]);
	}
	for (size_t k = 0; k < sizeof kind_keys / sizeof kind_keys[0]; k++)
		if (strcmp(kind_keys[k].kind, kind) == 0)
			for (int j = 0; kind_keys[k].keys[j] != NULL; j++)
				(void)mr_buf_printf(&b, ", %s",
				    kind_keys[k].keys[j]);
	return buf;
}

static int
one_of_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 32 &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static int
zip_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * An automatic EUC county: the state (or territory) code, the county as
 * CMS's crosswalk names it (kept lower case, blanks collapsed, so "Kerr"
 * and "kerr" are one fact) and its ZIP codes, each five digits and once
 * (none for an area the crosswalk lists without one).  -1 with f->why.
 */
static int
check_euc_county(json_t *o, struct fact *f)
{
	const char *s = get_str(o, "state"), *c = get_str(o, "county");
	const char **sorted = NULL;
	json_t *v;
	size_t n = 0, i;
	int blank = 0, rc = -1;

	if (s == NULL || !mr_autoeuc_state_valid(s)) {
		f->why = "'state' must be a state or territory code in capitals "
		    "(like TX or PR)";
		return -1;
	}
	snprintf(f->state, sizeof f->state, "%s", s);
	if (c == NULL || *c == '\0') {
		f->why = "'county' (the county as CMS's list names it) is missing";
		return -1;
	}
	for (; *c != '\0'; c++) {
		unsigned char ch = (unsigned char)*c;

		if (ch == ' ' || ch == '\t') {
			blank = n > 0;
			continue;
		}
		if (!isalpha(ch) && ch != '.' && ch != '\'' && ch != '-') {
			f->why = "'county' has letters, blanks, periods, "
			    "apostrophes and hyphens only";
			return -1;
		}
		if (n + 2 >= 81) {
			f->why = "'county' is longer than 80 characters";
			return -1;
		}
		if (blank)
			f->county[n++] = ' ';
		blank = 0;
		f->county[n++] = (char)tolower(ch);
	}
	f->county[n] = '\0';
	if (n == 0) {
		f->why = "'county' (the county as CMS's list names it) is missing";
		return -1;
	}
	snprintf(f->key, sizeof f->key, "euc-county %d %s %s", f->year,
	    f->state, f->county);
	f->zips = json_object_get(o, "zips");
	if (!json_is_array(f->zips) || json_array_size(f->zips) > MAX_ZIPS) {
		f->why = "'zips' (a list of the county's five-digit ZIP codes, "
		    "[] for none) is missing";
		return -1;
	}
	n = json_array_size(f->zips);
	if (n > 0 && (sorted = calloc(n, sizeof *sorted)) == NULL) {
		f->why = "out of memory";
		return -1;
	}
	json_array_foreach(f->zips, i, v) {
		const char *z = json_is_string(v) ? json_string_value(v) : "";

		if (strlen(z) != 5 || strspn(z, "0123456789") != 5) {
			f->why = "'zips' holds five-digit ZIP codes as strings, "
			    "like \"78028\"";
			goto out;
		}
		sorted[i] = z;
	}
	if (n > 1)
		qsort(sorted, n, sizeof *sorted, zip_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0) {
			f->why = "'zips' names a ZIP code twice";
			goto out;
		}
	rc = 0;
out:
	free(sorted);
	return rc;
}

static int
check_fact(json_t *o, size_t i, long long now, struct fact *f,
    struct mr_err *err)
{
	json_t *v;
	const char *s;
	unsigned int bits;
	double sum = 0;

	memset(f, 0, sizeof *f);
	if (!json_is_object(o))
		return fail_fact(err, i, f, "an object is expected%s", "");
	if ((f->kind = get_str(o, "kind")) == NULL)
		return fail_fact(err, i, f, "'kind' is missing (one of %s)",
		    MR_REFERENCE_KINDS);
	if (!in_list(f->kind, kinds)) {
		snprintf(f->key, sizeof f->key, "%.60s", f->kind);
		return fail_fact(err, i, f, "unknown kind (one of %s)",
		    MR_REFERENCE_KINDS);
	}
	if ((s = unknown_key(o, f->kind)) != NULL) {
		snprintf(f->key, sizeof f->key, "%s", f->kind);
		return fail_fact(err, i, f, "unknown key '%.60s' (a %s fact "
		    "has %s)", s, f->kind, keys_text(f->kind));
	}
	if (strcmp(f->kind, "evidence-requirement") == 0) {
		snprintf(f->key, sizeof f->key, "%s", f->kind);
		if (json_object_get(o, "year") != NULL)
			return fail_fact(err, i, f, "unknown key 'year' (a "
			    "checklist rule holds for every year)%s", "");
	} else {
		v = json_object_get(o, "year");
		if (!json_is_integer(v))
			return fail_fact(err, i, f, "'year' (a performance "
			    "year, a number) is missing%s", "");
		if (json_integer_value(v) < MR_YEAR_FIRST ||
		    (now >= 0 && json_integer_value(v) >
		    mr_year_last((time_t)now))) {
			snprintf(f->key, sizeof f->key, "%s %lld", f->kind,
			    (long long)json_integer_value(v));
			return fail_fact(err, i, f, "performance years run from "
			    "2017 to next year%s", "");
		}
		f->year = (int)json_integer_value(v);
	}
	snprintf(f->key, sizeof f->key, "%s %d", f->kind, f->year);
	if ((f->source = get_str(o, "source")) == NULL ||
	    f->source[strspn(f->source, " \t\r\n")] == '\0')
		return fail_fact(err, i, f, "'source' is missing: every fact "
		    "names its public source%s", "");
	if (strlen(f->source) > 1000)
		return fail_fact(err, i, f, "'source' is longer than 1000 "
		    "characters%s", "");
	v = json_object_get(o, "verified");
	if (!json_is_boolean(v))
		return fail_fact(err, i, f, "'verified' (true or false) is "
		    "missing%s", "");
	f->verified = json_is_true(v);

	if (strcmp(f->kind, "program-year") == 0) {
		v = json_object_get(o, "payment_year");
		if (!json_is_integer(v) || json_integer_value(v) != f->year + 2)
			return fail_fact(err, i, f, "'payment_year' must be the "
			    "performance year plus two%s", "");
		f->payment_year = f->year + 2;
		if (get_num(o, "performance_threshold", 0, &f->threshold) == -1 ||
		    f->threshold < 0 || f->threshold > 100)
			return fail_fact(err, i, f, "'performance_threshold' "
			    "(0 to 100) is missing%s", "");
		if (get_num(o, "exceptional_threshold", 1, &f->exceptional) == -1 ||
		    (!isnan(f->exceptional) && (f->exceptional < 0 ||
		    f->exceptional > 100)))
			return fail_fact(err, i, f, "'exceptional_threshold' "
			    "must be 0 to 100 or null%s", "");
		if (get_num(o, "max_adjustment_pct", 0, &f->max_adj) == -1 ||
		    f->max_adj <= 0 || f->max_adj > 100)
			return fail_fact(err, i, f, "'max_adjustment_pct' (a "
			    "percent above 0) is missing%s", "");
	} else if (strcmp(f->kind, "weights") == 0) {
		s = get_str(o, "reweighted");
		if (s == NULL)
			return fail_fact(err, i, f, "'reweighted' (\"\" for the "
			    "year's weights, or e.g. \"cost,pi\") is missing%s", "");
		bits = 0;
		if (*s != '\0' && mr_category_list_parse("reweighted", s, &bits,
		    err) == -1)
			return fail_fact(err, i, f, "%s", err ? err->msg : "");
		mr_category_format(bits, f->reweighted, sizeof f->reweighted);
		f->practice = get_str(o, "practice");
		if (f->practice == NULL || (strcmp(f->practice, "any") != 0 &&
		    strcmp(f->practice, "small") != 0))
			return fail_fact(err, i, f, "'practice' must be \"any\" "
			    "or \"small\"%s", "");
		snprintf(f->key, sizeof f->key, "weights %d reweighted '%s' %s",
		    f->year, f->reweighted, f->practice);
		for (int c = 0; c < MR_NCAT; c++) {
			if (get_num(o, mr_category_name(c), 0, &f->w[c]) == -1 ||
			    f->w[c] < 0 || f->w[c] > 100)
				return fail_fact(err, i, f, "'%s' (a percent, 0 "
				    "to 100) is missing", mr_category_name(c));
			if ((bits & (1u << c)) && f->w[c] != 0)
				return fail_fact(err, i, f, "'%s' is reweighted "
				    "and must weigh 0", mr_category_name(c));
			sum += f->w[c];
		}
		if (fabs(sum - 100) > 1e-9) {
			char msg[80];

			snprintf(msg, sizeof msg, "%g", sum);
			return fail_fact(err, i, f, "quality + cost + ia + pi is "
			    "%s, not 100", msg);
		}
	} else if (strcmp(f->kind, "auto-reweight") == 0) {
		f->category = get_str(o, "category");
		if (f->category == NULL || mr_category_parse(f->category, &bits,
		    NULL) == -1)
			return fail_fact(err, i, f, "'category' must be one of "
			    "%s", MR_CATEGORY_NAMES);
		snprintf(f->key, sizeof f->key, "auto-reweight %d %s", f->year,
		    f->category);
	} else if (strcmp(f->kind, "payment-scale") == 0) {
		if (get_num(o, "max_positive_pct", 0, &f->max_positive) == -1 ||
		    f->max_positive < 0 || f->max_positive > 100)
			return fail_fact(err, i, f, "'max_positive_pct' (a "
			    "percent) is missing%s", "");
		if (get_num(o, "exceptional_pct", 1, &f->exceptional_pct) == -1 ||
		    (!isnan(f->exceptional_pct) && (f->exceptional_pct < 0 ||
		    f->exceptional_pct > f->max_positive)))
			return fail_fact(err, i, f, "'exceptional_pct' must be "
			    "null or a part of max_positive_pct%s", "");
	} else if (strcmp(f->kind, "bonus") == 0) {
		f->bonus = get_str(o, "bonus");
		if (f->bonus == NULL || !in_list(f->bonus, bonus_names))
			return fail_fact(err, i, f, "'bonus' must be "
			    "complex-patient or small-practice%s", "");
		snprintf(f->key, sizeof f->key, "bonus %d %s", f->year,
		    f->bonus);
		if (get_num(o, "points", 0, &f->points) == -1 ||
		    f->points <= 0 || f->points > 100)
			return fail_fact(err, i, f, "'points' (above 0, at most "
			    "100) is missing%s", "");
		f->applies_to = get_str(o, "applies_to");
		if (f->applies_to == NULL || !in_list(f->applies_to,
		    bonus_applies))
			return fail_fact(err, i, f, "'applies_to' must be "
			    "final-score (points on the final score) or quality "
			    "(measure bonus points in quality)%s", "");
	} else if (strcmp(f->kind, "window") == 0) {
		f->window_kind = get_str(o, "window_kind");
		if (f->window_kind == NULL || !in_list(f->window_kind, window_kinds))
			return fail_fact(err, i, f, "'window_kind' must be one "
			    "of targeted-review, euc-hardship, pi-hardship, "
			    "data-submission, other%s", "");
		f->name = get_str(o, "name");
		if (f->name == NULL || *f->name == '\0' || strlen(f->name) > 200)
			return fail_fact(err, i, f, "'name' (up to 200 "
			    "characters) is missing%s", "");
		snprintf(f->key, sizeof f->key, "window %d %s '%.100s'",
		    f->year, f->window_kind, f->name);
		f->zone = get_str(o, "zone");
		if (f->zone == NULL || mr_when_zone_valid(f->zone, NULL) == -1)
			return fail_fact(err, i, f, "'zone' (an IANA zone such "
			    "as America/New_York) is missing or unknown%s", "");
		s = get_str(o, "closes_at");
		if (s == NULL || parse_utc(s, &f->closes_at) == -1)
			return fail_fact(err, i, f, "'closes_at' (UTC, like "
			    "2027-01-01T01:00:00Z) is missing%s", "");
		v = json_object_get(o, "opens_at");
		if (v != NULL && !json_is_null(v)) {
			if (!json_is_string(v) || parse_utc(json_string_value(v),
			    &f->opens_at) == -1)
				return fail_fact(err, i, f, "'opens_at' must be "
				    "null or UTC, like 2026-01-02T15:00:00Z%s", "");
			f->has_opens = 1;
			if (f->opens_at >= f->closes_at)
				return fail_fact(err, i, f, "the window closes "
				    "before it opens%s", "");
		}
	} else if (strcmp(f->kind, "euc-county") == 0) {
		if (check_euc_county(o, f) == -1)
			return fail_fact(err, i, f, "%s", f->why);
	} else {
		f->reason = get_str(o, "reason");
		f->evidence_kind = get_str(o, "evidence_kind");
		if (f->reason == NULL || *f->reason == '\0' ||
		    strlen(f->reason) > 64 || f->evidence_kind == NULL ||
		    *f->evidence_kind == '\0' || strlen(f->evidence_kind) > 64)
			return fail_fact(err, i, f, "'reason' and "
			    "'evidence_kind' are expected%s", "");
		snprintf(f->key, sizeof f->key, "evidence-requirement %s %s",
		    f->reason, f->evidence_kind);
		/* A rule naming no known ground or kind of evidence could
		 * never be met nor shown against a case. */
		if (mr_reason_parse(f->reason, &bits, err) == -1 ||
		    mr_evidence_kind_valid(f->evidence_kind, err) == -1)
			return fail_fact(err, i, f, "%s", err ? err->msg : "");
		f->advice = -1;
		if ((v = json_object_get(o, "advice")) != NULL) {
			if (!json_is_boolean(v))
				return fail_fact(err, i, f, "'advice' must be "
				    "true (guidance, not a CMS rule) or false%s",
				    "");
			f->advice = json_is_true(v);
		}
		if ((v = json_object_get(o, "one_of")) != NULL) {
			f->has_one_of = 1;
			if (!json_is_null(v) && (!json_is_string(v) ||
			    !one_of_valid(json_string_value(v))))
				return fail_fact(err, i, f, "'one_of' must be null "
				    "or a name of lower-case letters, digits and "
				    "'-' (up to 32) shared by the rules of which "
				    "one suffices%s", "");
			f->one_of = json_is_null(v) ? NULL : json_string_value(v);
		}
	}
	return 0;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct fact *x = *(const struct fact *const *)a;
	const struct fact *y = *(const struct fact *const *)b;

	return strcmp(x->key, y->key);
}

struct pack {
	json_t		*root;
	const char	*date, *publisher;
	struct fact	*facts;
	size_t		 n;
};

static void
pack_free(struct pack *p)
{
	json_decref(p->root);
	free(p->facts);
	memset(p, 0, sizeof *p);
}

static int
pack_parse(const char *data, size_t len, long long now, struct pack *p,
    struct mr_err *err)
{
	json_error_t jerr;
	json_t *facts, *v;
	struct fact **sorted = NULL;
	struct tm tm = { 0 };
	const char *end;
	int rc = -1;

	memset(p, 0, sizeof *p);
	p->root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (p->root == NULL)
		return mr_err_set(err, MR_EINVAL, "not valid JSON at line %d, "
		    "column %d: %s", jerr.line, jerr.column, jerr.text);
	if (!json_is_object(p->root) || (v = json_object_get(p->root,
	    "format")) == NULL || !json_is_string(v) ||
	    strcmp(json_string_value(v), PACK_FORMAT) != 0) {
		mr_err_set(err, MR_EINVAL, "not a reference pack: \"format\": "
		    "\"%s\" is expected", PACK_FORMAT);
		goto out;
	}
	{
		const char *key;

		json_object_foreach(p->root, key, v)
			if (!in_list(key, pack_keys)) {
				mr_err_set(err, MR_EINVAL, "pack: unknown key "
				    "'%.60s' at the top level (a pack has format, "
				    "version, date, publisher, facts)", key);
				goto out;
			}
	}
	v = json_object_get(p->root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != PACK_VERSION) {
		mr_err_set(err, MR_EINVAL, "pack version: %d is expected (this "
		    "release reads version %d packs)", PACK_VERSION, PACK_VERSION);
		goto out;
	}
	p->date = get_str(p->root, "date");
	if (p->date == NULL || strlen(p->date) != 10 ||
	    (end = strptime(p->date, "%Y-%m-%d", &tm)) == NULL || *end != '\0') {
		mr_err_set(err, MR_EINVAL, "pack date: \"date\": \"YYYY-MM-DD\" "
		    "(the day the pack was made) is expected");
		goto out;
	}
	p->publisher = get_str(p->root, "publisher");
	if (p->publisher == NULL || *p->publisher == '\0' ||
	    strlen(p->publisher) > 200) {
		mr_err_set(err, MR_EINVAL, "pack publisher: \"publisher\" (who "
		    "made the pack, up to 200 characters) is expected");
		goto out;
	}
	facts = json_object_get(p->root, "facts");
	if (!json_is_array(facts) || json_array_size(facts) == 0 ||
	    json_array_size(facts) > MAX_FACTS) {
		mr_err_set(err, MR_EINVAL, "pack facts: \"facts\" (a list of 1 "
		    "to %d facts) is expected", MAX_FACTS);
		goto out;
	}
	p->n = json_array_size(facts);
	if ((p->facts = calloc(p->n, sizeof *p->facts)) == NULL ||
	    (sorted = calloc(p->n, sizeof *sorted)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < p->n; i++) {
		if (check_fact(json_array_get(facts, i), i, now, &p->facts[i],
		    err) == -1)
			goto out;
		sorted[i] = &p->facts[i];
	}
	qsort(sorted, p->n, sizeof *sorted, key_cmp);
	for (size_t i = 1; i < p->n; i++)
		if (strcmp(sorted[i - 1]->key, sorted[i]->key) == 0) {
			mr_err_set(err, MR_EINVAL, "fact %zu (%s): a duplicate "
			    "of fact %zu", (size_t)(sorted[i] - p->facts) + 1,
			    sorted[i]->key, (size_t)(sorted[i - 1] - p->facts) + 1);
			goto out;
		}
	rc = 0;
out:
	free(sorted);
	if (rc == -1)
		pack_free(p);
	return rc;
}

int
mr_reference_validate(const char *data, size_t len, long long now,
    struct mr_err *err)
{
	struct pack p;

	if (pack_parse(data, len, now, &p, err) == -1)
		return -1;
	pack_free(&p);
	return 0;
}

static void
bind_real_or_null(sqlite3_stmt *s, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_double(s, i, v);
}

/* Upserts that change a row only when a value differs (changes() says so). */
static const char *const upsert_sql[] = {
	"INSERT INTO program_year (performance_year, payment_year, "
	"performance_threshold, exceptional_threshold, max_adjustment_pct, "
	"source, verified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	"ON CONFLICT (performance_year) DO UPDATE SET payment_year = ?2, "
	"performance_threshold = ?3, exceptional_threshold = ?4, "
	"max_adjustment_pct = ?5, source = ?6, verified = ?7 WHERE "
	"(payment_year, performance_threshold, exceptional_threshold, "
	"max_adjustment_pct, source, verified) IS NOT (?2, ?3, ?4, ?5, ?6, ?7)",

	"INSERT INTO score_weight (performance_year, reweighted, practice, "
	"quality, cost, ia, pi, source, verified) VALUES (?1, ?2, ?3, ?4, ?5, "
	"?6, ?7, ?8, ?9) ON CONFLICT (performance_year, reweighted, practice) "
	"DO UPDATE SET quality = ?4, cost = ?5, ia = ?6, pi = ?7, source = ?8, "
	"verified = ?9 WHERE (quality, cost, ia, pi, source, verified) IS NOT "
	"(?4, ?5, ?6, ?7, ?8, ?9)",

	"INSERT INTO score_auto_reweight (performance_year, category, source, "
	"verified) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (performance_year, "
	"category) DO UPDATE SET source = ?3, verified = ?4 WHERE (source, "
	"verified) IS NOT (?3, ?4)",

	"INSERT INTO payment_scale (performance_year, max_positive_pct, "
	"exceptional_pct, source, verified) VALUES (?1, ?2, ?3, ?4, ?5) "
	"ON CONFLICT (performance_year) DO UPDATE SET max_positive_pct = ?2, "
	"exceptional_pct = ?3, source = ?4, verified = ?5 WHERE "
	"(max_positive_pct, exceptional_pct, source, verified) IS NOT "
	"(?2, ?3, ?4, ?5)",

	/* advice and one_of absent from a pack (?6 = 0, ?5 NULL) leave
	 * the row's own. */
	"INSERT INTO score_bonus (performance_year, bonus, points, applies_to, "
	"source, verified) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT "
	"(performance_year, bonus) DO UPDATE SET points = ?3, applies_to = ?4, "
	"source = ?5, verified = ?6 WHERE (points, applies_to, source, verified) "
	"IS NOT (?3, ?4, ?5, ?6)",

	"INSERT INTO evidence_requirement (reason, kind, source, verified, "
	"advice, one_of) VALUES (?1, ?2, ?3, ?4, coalesce(?5, 0), "
	"CASE WHEN ?6 THEN ?7 END) ON CONFLICT (reason, kind) DO UPDATE SET "
	"source = ?3, verified = ?4, advice = coalesce(?5, advice), one_of = "
	"CASE WHEN ?6 THEN ?7 ELSE one_of END WHERE (source, verified, advice, "
	"one_of) IS NOT (?3, ?4, coalesce(?5, advice), CASE WHEN ?6 THEN ?7 "
	"ELSE one_of END)",

	"INSERT INTO euc_county (performance_year, state, county, zips, "
	"source, verified) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT "
	"(performance_year, state, county) DO UPDATE SET zips = ?4, source = "
	"?5, verified = ?6 WHERE (zips, source, verified) IS NOT (?4, ?5, ?6)",
};

static void	conflict_add(struct mr_reference_result *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * The statements of one pack's application, each prepared once: a
 * release's pack holds hundreds of facts, and preparing their statements
 * anew for each cost a new database more than writing them.  Keyed by
 * the SQL text's address (each is a literal).
 */
#define NSTMTS 16
struct stmts {
	const char *sql[NSTMTS];
	sqlite3_stmt *s[NSTMTS];
	int n;
};

/* The statement of sql, ready to bind; reset by the next stmt_get(). */
static int
stmt_get(struct mr_store *st, struct stmts *c, const char *sql,
    sqlite3_stmt **out, struct mr_err *err)
{
	for (int i = 0; i < c->n; i++)
		if (c->sql[i] == sql) {
			sqlite3_reset(c->s[i]);
			sqlite3_clear_bindings(c->s[i]);
			*out = c->s[i];
			return 0;
		}
	if (c->n == NSTMTS)
		return mr_err_set(err, MR_EFAIL, "too many reference statements");
	if (mr_store_prepare(st, sql, &c->s[c->n], err) == -1)
		return -1;
	c->sql[c->n] = sql;
	*out = c->s[c->n++];
	return 0;
}

static void
stmts_free(struct stmts *c)
{
	for (int i = 0; i < c->n; i++)
		sqlite3_finalize(c->s[i]);
	c->n = 0;
}

static int
apply_window(struct mr_store *st, struct stmts *c, const struct fact *f,
    const char *now_iso, struct mr_reference_result *res, int *changed,
    struct mr_err *err)
{
	sqlite3_stmt *q = NULL, *u = NULL;
	int rc = -1, step;

	if (stmt_get(st, c, "SELECT id, origin FROM review_window WHERE "
	    "kind = ? AND performance_year = ? AND name = ?", &q, err) == -1)
		goto out;
	sqlite3_bind_text(q, 1, f->window_kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, f->year);
	sqlite3_bind_text(q, 3, f->name, -1, SQLITE_STATIC);
	step = sqlite3_step(q);
	if (step == SQLITE_ROW && strcmp(mr_store_col_text(q, 1), "office") == 0) {
		/* The office's own word stands; say so. */
		conflict_add(res, "PY%d %s '%s' (window %lld)", f->year,
		    f->window_kind, f->name,
		    (long long)sqlite3_column_int64(q, 0));
		*changed = 0;
		rc = 0;
		goto out;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading windows");
		goto out;
	}
	if (stmt_get(st, c, step == SQLITE_ROW ?
	    "UPDATE review_window SET opens_at = ?4, closes_at = ?5, zone = ?6, "
	    "source = ?7, verified = ?8, updated_at = ?9, revision = revision + 1 "
	    "WHERE id = ?10 AND (opens_at, closes_at, zone, source, verified) "
	    "IS NOT (?4, ?5, ?6, ?7, ?8)" :
	    "INSERT INTO review_window (kind, performance_year, name, opens_at, "
	    "closes_at, zone, source, verified, origin, created_at, updated_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'reference', ?9, ?9)",
	    &u, err) == -1)
		goto out;
	sqlite3_bind_text(u, 1, f->window_kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(u, 2, f->year);
	sqlite3_bind_text(u, 3, f->name, -1, SQLITE_STATIC);
	if (f->has_opens)
		sqlite3_bind_int64(u, 4, f->opens_at);
	else
		sqlite3_bind_null(u, 4);
	sqlite3_bind_int64(u, 5, f->closes_at);
	sqlite3_bind_text(u, 6, f->zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(u, 7, f->source, -1, SQLITE_STATIC);
	sqlite3_bind_int(u, 8, f->verified);
	sqlite3_bind_text(u, 9, now_iso, -1, SQLITE_STATIC);
	if (step == SQLITE_ROW)
		sqlite3_bind_int64(u, 10, sqlite3_column_int64(q, 0));
	if (sqlite3_step(u) != SQLITE_DONE) {
		mr_store_dberr(st, err, "writing a window");
		goto out;
	}
	*changed = sqlite3_changes(mr_store_db(st)) > 0;
	rc = 0;
out:
	if (q != NULL)
		sqlite3_reset(q);
	if (u != NULL)
		sqlite3_reset(u);
	return rc;
}

/* A checked list of ZIP codes as euc_county keeps it: "78003 78010". */
static char *
zips_text(json_t *zips)
{
	size_t n = json_array_size(zips), i;
	const char **v;
	char *out;
	json_t *z;

	if ((out = malloc(n * 6 + 1)) == NULL)
		return NULL;
	out[0] = '\0';
	if (n == 0)
		return out;
	if ((v = calloc(n, sizeof *v)) == NULL) {
		free(out);
		return NULL;
	}
	json_array_foreach(zips, i, z)
		v[i] = json_string_value(z);
	qsort(v, n, sizeof *v, zip_cmp);
	for (i = 0; i < n; i++) {
		memcpy(out + i * 6, v[i], 5);
		out[i * 6 + 5] = i + 1 < n ? ' ' : '\0';
	}
	free(v);
	return out;
}

static int
apply_fact(struct mr_store *st, struct stmts *c, const struct fact *f,
    const char *now_iso, struct mr_reference_result *res, int *changed,
    struct mr_err *err)
{
	sqlite3_stmt *s = NULL;
	char *zips = NULL;
	int rc = -1, which;

	if (strcmp(f->kind, "window") == 0)
		return apply_window(st, c, f, now_iso, res, changed, err);
	which = strcmp(f->kind, "program-year") == 0 ? 0 :
	    strcmp(f->kind, "weights") == 0 ? 1 :
	    strcmp(f->kind, "auto-reweight") == 0 ? 2 :
	    strcmp(f->kind, "payment-scale") == 0 ? 3 :
	    strcmp(f->kind, "bonus") == 0 ? 4 :
	    strcmp(f->kind, "euc-county") == 0 ? 6 : 5;
	if (stmt_get(st, c, upsert_sql[which], &s, err) == -1)
		goto out;
	switch (which) {
	case 0:
		sqlite3_bind_int(s, 1, f->year);
		sqlite3_bind_int(s, 2, f->payment_year);
		sqlite3_bind_double(s, 3, f->threshold);
		bind_real_or_null(s, 4, f->exceptional);
		sqlite3_bind_double(s, 5, f->max_adj);
		sqlite3_bind_text(s, 6, f->source, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 7, f->verified);
		break;
	case 1:
		sqlite3_bind_int(s, 1, f->year);
		sqlite3_bind_text(s, 2, f->reweighted, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, f->practice, -1, SQLITE_STATIC);
		for (int k = 0; k < MR_NCAT; k++)
			sqlite3_bind_double(s, 4 + k, f->w[k]);
		sqlite3_bind_text(s, 8, f->source, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 9, f->verified);
		break;
	case 2:
		sqlite3_bind_int(s, 1, f->year);
		sqlite3_bind_text(s, 2, f->category, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, f->source, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 4, f->verified);
		break;
	case 3:
		sqlite3_bind_int(s, 1, f->year);
		sqlite3_bind_double(s, 2, f->max_positive);
		bind_real_or_null(s, 3, f->exceptional_pct);
		sqlite3_bind_text(s, 4, f->source, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 5, f->verified);
		break;
	case 6:
		/* As the table keeps them: sorted, space-separated. */
		if ((zips = zips_text(f->zips)) == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		sqlite3_bind_int(s, 1, f->year);
		sqlite3_bind_text(s, 2, f->state, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, f->county, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, zips, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, f->source, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 6, f->verified);
		break;
	case 4:
		sqlite3_bind_int(s, 1, f->year);
		sqlite3_bind_text(s, 2, f->bonus, -1, SQLITE_STATIC);
		sqlite3_bind_double(s, 3, f->points);
		sqlite3_bind_text(s, 4, f->applies_to, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, f->source, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 6, f->verified);
		break;
	default:
		sqlite3_bind_text(s, 1, f->reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, f->evidence_kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, f->source, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 4, f->verified);
		if (f->advice >= 0)
			sqlite3_bind_int(s, 5, f->advice);
		sqlite3_bind_int(s, 6, f->has_one_of);
		if (f->one_of != NULL)
			sqlite3_bind_text(s, 7, f->one_of, -1, SQLITE_STATIC);
		break;
	}
	if (sqlite3_step(s) != SQLITE_DONE) {
		mr_store_dberr(st, err, "writing reference data");
		goto out;
	}
	*changed = sqlite3_changes(mr_store_db(st)) > 0;
	rc = 0;
out:
	if (s != NULL)
		sqlite3_reset(s);	/* zips is bound to it */
	free(zips);
	return rc;
}

/*
 * Count a conflict and add its name to the result's list.  A name that
 * does not fit ends the list with "; ..." (the count stays exact), so
 * a reader sees that names are left out rather than a name cut short.
 */
static void
conflict_add(struct mr_reference_result *res, const char *fmt, ...)
{
	static const char more[] = "; ...";
	char *names = res->conflict_names;
	size_t len = strlen(names), room = sizeof res->conflict_names -
	    (sizeof more - 1);
	struct mr_buf b;
	va_list ap;

	res->conflicts++;
	if ((len >= 3 && strcmp(names + len - 3, "...") == 0) || len >= room)
		return;				/* the list is already cut */
	mr_buf_init_fixed(&b, names + len, room - len);
	if (len > 0)
		(void)mr_buf_add(&b, "; ", 2);
	va_start(ap, fmt);
	(void)mr_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (b.failed) {
		names[len] = '\0';
		memcpy(names + len, len > 0 ? more : more + 2, len > 0 ?
		    sizeof more : sizeof more - 2);
	}
}

/* *yes = 1 when an office pack added or changed the fact. */
static int
office_fact(struct mr_store *st, struct stmts *c, const char *key, int *yes,
    struct mr_err *err)
{
	sqlite3_stmt *s = NULL;
	int step;

	if (stmt_get(st, c, "SELECT 1 FROM reference_office WHERE fact = ?",
	    &s, err) == -1)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return mr_store_dberr(st, err, "reading the office's facts");
	*yes = step == SQLITE_ROW;
	return 0;
}

/*
 * Apply one fact.  A release leaves a fact an office pack added or changed
 * as it is when its own value differs (a conflict); an office pack marks
 * the facts it adds or changes as the office's.
 */
static int
apply_one(struct mr_store *st, struct stmts *c, const struct fact *f,
    const char *now_iso, int release, int64_t pack_id,
    struct mr_reference_result *res, struct mr_err *err)
{
	sqlite3_stmt *s = NULL;
	int theirs = 0, changed = 0, rc = -1;

	if (release && office_fact(st, c, f->key, &theirs, err) == -1)
		return -1;
	if (theirs && mr_store_exec(st, "SAVEPOINT fact", err) == -1)
		return -1;
	if (apply_fact(st, c, f, now_iso, res, &changed, err) == -1)
		goto out;
	if (theirs && changed) {
		if (mr_store_exec(st, "ROLLBACK TO fact", err) == -1)
			goto out;
		conflict_add(res, "%s", f->key);
		changed = 0;
	}
	res->changed += changed;
	if (!release && changed) {
		if (stmt_get(st, c, "INSERT INTO reference_office (fact, "
		    "pack_id) VALUES (?1, ?2) ON CONFLICT (fact) DO UPDATE SET "
		    "pack_id = ?2", &s, err) == -1)
			goto out;
		sqlite3_bind_text(s, 1, f->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, pack_id);
		if (sqlite3_step(s) != SQLITE_DONE) {
			mr_store_dberr(st, err, "recording the office's facts");
			goto out;
		}
	}
	rc = 0;
out:
	if (s != NULL)
		sqlite3_reset(s);
	if (theirs && mr_store_exec(st, "RELEASE fact", rc == 0 ? err : NULL) == -1)
		rc = -1;
	return rc;
}

/*
 * Validate and apply a pack whose SHA-256 is digest (NULL: computed).  A
 * release's pack is bounded by no clock (it ships the years it knows), is
 * recorded as the release's, and is not audited: the audit trail records
 * what people did, and the pack's record says what the release brought.
 */
static int
reference_apply(struct mr_store *st, const char *data, size_t len,
    const char *origin, const char *digest, struct mr_reference_result *res,
    struct mr_err *err)
{
	struct pack p;
	struct stmts c = { .n = 0 };
	sqlite3_stmt *s = NULL;
	char now_iso[32], *after = NULL;
	json_t *audit;
	int rc = -1, step, began = 0, release = strcmp(origin, "release") == 0;

	memset(res, 0, sizeof *res);
	if (pack_parse(data, len, release ? -1 : (long long)mr_store_now(st),
	    &p, err) == -1)
		return -1;
	res->facts = (int)p.n;
	snprintf(res->date, sizeof res->date, "%s", p.date);
	if (digest != NULL)
		snprintf(res->digest, sizeof res->digest, "%s", digest);
	else
		mr_sha256_hex(data, len, res->digest);
	mr_when_iso_utc(mr_store_now(st), now_iso, sizeof now_iso);
	if (mr_store_begin(st, err) == -1)
		goto out;
	began = 1;
	if (mr_store_prepare(st, "SELECT id FROM reference_pack WHERE digest = ?",
	    &s, err) == -1)
		goto out;
	sqlite3_bind_text(s, 1, res->digest, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		res->already = 1;
		res->pack_id = sqlite3_column_int64(s, 0);
		rc = 0;
		goto out;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading reference packs");
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	/* The pack's record first: the office's facts name it. */
	if (mr_store_prepare(st, "INSERT INTO reference_pack (digest, "
	    "pack_date, publisher, origin, facts, changed, conflicts, "
	    "applied_at, applied_by) VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?)",
	    &s, err) == -1)
		goto out;
	sqlite3_bind_text(s, 1, res->digest, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, p.date, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, p.publisher, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, res->facts);
	sqlite3_bind_text(s, 6, now_iso, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, release ? PACKAGE_STRING : mr_store_actor(st),
	    -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		mr_store_dberr(st, err, "recording the pack");
		goto out;
	}
	res->pack_id = sqlite3_last_insert_rowid(mr_store_db(st));
	sqlite3_finalize(s);
	s = NULL;
	for (size_t i = 0; i < p.n; i++)
		if (apply_one(st, &c, &p.facts[i], now_iso, release,
		    res->pack_id, res, err) == -1)
			goto out;
	stmts_free(&c);
	if (mr_store_prepare(st, "UPDATE reference_pack SET changed = ?, "
	    "conflicts = ?, conflict_names = ? WHERE id = ?", &s, err) == -1)
		goto out;
	sqlite3_bind_int(s, 1, res->changed);
	sqlite3_bind_int(s, 2, res->conflicts);
	sqlite3_bind_text(s, 3, res->conflict_names, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, res->pack_id);
	if (sqlite3_step(s) != SQLITE_DONE) {
		mr_store_dberr(st, err, "recording the pack");
		goto out;
	}
	if (!release) {
		audit = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:s}",
		    "digest", res->digest, "date", p.date, "publisher",
		    p.publisher, "facts", res->facts, "changed", res->changed,
		    "conflicts", res->conflicts, "conflicting_windows",
		    res->conflict_names);
		after = audit ? json_dumps(audit, JSON_COMPACT |
		    JSON_SORT_KEYS) : NULL;
		json_decref(audit);
		if (after == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		if (mr_audit_append(st, "reference", res->pack_id, "import",
		    NULL, after, err) == -1)
			goto out;
	}
	began = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	stmts_free(&c);
	sqlite3_finalize(s);
	if (began)
		mr_store_rollback(st);
	free(after);
	pack_free(&p);
	return rc;
}

int
mr_reference_import(struct mr_store *st, const char *data, size_t len,
    const char *origin, struct mr_reference_result *res, struct mr_err *err)
{
	return reference_apply(st, data, len, origin, NULL, res, err);
}

int
mr_reference_release_apply(struct mr_store *st, struct mr_err *err)
{
	struct mr_reference_result res;
	sqlite3_stmt *s = NULL;
	int step;

	/* Every opening asks; only the first after an upgrade applies. */
	if (mr_store_prepare(st, "SELECT 1 FROM reference_pack WHERE digest = ?",
	    &s, err) == -1)
		return -1;
	sqlite3_bind_text(s, 1, mr_reference_release_digest, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	sqlite3_finalize(s);
	if (step == SQLITE_ROW)
		return 0;
	if (step != SQLITE_DONE)
		return mr_store_dberr(st, err, "reading reference packs");
	if (reference_apply(st, mr_reference_release_pack,
	    mr_reference_release_len, "release", mr_reference_release_digest,
	    &res, err) == -1) {
		char msg[sizeof err->msg];

		if (err == NULL)
			return -1;
		snprintf(msg, sizeof msg, "%s", err->msg);
		return mr_err_set(err, err->code, "applying this release's "
		    "reference data: %s", msg);
	}
	return 0;
}

static json_t *
num_or_null(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? json_null() :
	    json_real(sqlite3_column_double(s, i));
}

static json_t *
utc_or_null(sqlite3_stmt *s, int i)
{
	char buf[32];

	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return json_null();
	mr_when_iso_utc((time_t)sqlite3_column_int64(s, i), buf, sizeof buf);
	return json_string(buf);
}

/* One query per kind, ordered so that exports compare line by line. */
static const struct {
	const char	*kind;
	const char	*sql;	/* ?1: year, 0 any */
} export_q[] = {
	{ "program-year", "SELECT performance_year, payment_year, "
	  "performance_threshold, exceptional_threshold, max_adjustment_pct, "
	  "source, verified FROM program_year WHERE ?1 IN (0, performance_year) "
	  "ORDER BY performance_year" },
	{ "weights", "SELECT performance_year, reweighted, practice, quality, "
	  "cost, ia, pi, source, verified FROM score_weight WHERE ?1 IN (0, "
	  "performance_year) ORDER BY performance_year, reweighted, practice" },
	{ "auto-reweight", "SELECT performance_year, category, source, verified "
	  "FROM score_auto_reweight WHERE ?1 IN (0, performance_year) ORDER BY "
	  "performance_year, category" },
	{ "payment-scale", "SELECT performance_year, max_positive_pct, "
	  "exceptional_pct, source, verified FROM payment_scale WHERE ?1 IN (0, "
	  "performance_year) ORDER BY performance_year" },
	{ "bonus", "SELECT performance_year, bonus, points, applies_to, source, "
	  "verified FROM score_bonus WHERE ?1 IN (0, performance_year) ORDER BY "
	  "performance_year, bonus" },
	{ "window", "SELECT performance_year, kind, name, opens_at, closes_at, "
	  "zone, source, coalesce(verified, 0) FROM review_window WHERE origin = "
	  "'reference' AND ?1 IN (0, performance_year) ORDER BY "
	  "performance_year, kind, closes_at, name" },
	{ "evidence-requirement", "SELECT 0, reason, kind, source, verified, "
	  "advice, one_of FROM evidence_requirement WHERE ?1 = 0 ORDER BY "
	  "reason, kind" },
	{ "euc-county", "SELECT performance_year, state, county, zips, source, "
	  "verified FROM euc_county WHERE ?1 IN (0, performance_year) ORDER BY "
	  "performance_year, state, county" },
};

static json_t *
export_row(const char *kind, sqlite3_stmt *s)
{
	int y = sqlite3_column_int(s, 0);

	if (strcmp(kind, "program-year") == 0)
		return json_pack("{s:s, s:i, s:i, s:o, s:o, s:o, s:s, s:b}",
		    "kind", kind, "year", y, "payment_year",
		    sqlite3_column_int(s, 1), "performance_threshold",
		    num_or_null(s, 2), "exceptional_threshold", num_or_null(s, 3),
		    "max_adjustment_pct", num_or_null(s, 4), "source",
		    mr_store_col_text(s, 5), "verified", sqlite3_column_int(s, 6));
	if (strcmp(kind, "weights") == 0)
		return json_pack("{s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:s, "
		    "s:b}", "kind", kind, "year", y, "reweighted",
		    mr_store_col_text(s, 1), "practice", mr_store_col_text(s, 2),
		    "quality", num_or_null(s, 3), "cost", num_or_null(s, 4),
		    "ia", num_or_null(s, 5), "pi", num_or_null(s, 6), "source",
		    mr_store_col_text(s, 7), "verified", sqlite3_column_int(s, 8));
	if (strcmp(kind, "auto-reweight") == 0)
		return json_pack("{s:s, s:i, s:s, s:s, s:b}", "kind", kind,
		    "year", y, "category", mr_store_col_text(s, 1), "source",
		    mr_store_col_text(s, 2), "verified", sqlite3_column_int(s, 3));
	if (strcmp(kind, "payment-scale") == 0)
		return json_pack("{s:s, s:i, s:o, s:o, s:s, s:b}", "kind", kind,
		    "year", y, "max_positive_pct", num_or_null(s, 1),
		    "exceptional_pct", num_or_null(s, 2), "source",
		    mr_store_col_text(s, 3), "verified", sqlite3_column_int(s, 4));
	if (strcmp(kind, "bonus") == 0)
		return json_pack("{s:s, s:i, s:s, s:o, s:s, s:s, s:b}", "kind",
		    kind, "year", y, "bonus", mr_store_col_text(s, 1), "points",
		    num_or_null(s, 2), "applies_to", mr_store_col_text(s, 3),
		    "source", mr_store_col_text(s, 4), "verified",
		    sqlite3_column_int(s, 5));
	if (strcmp(kind, "window") == 0)
		return json_pack("{s:s, s:i, s:s, s:s, s:o, s:o, s:s, s:s, s:b}",
		    "kind", kind, "year", y, "window_kind",
		    mr_store_col_text(s, 1), "name", mr_store_col_text(s, 2),
		    "opens_at", utc_or_null(s, 3), "closes_at", utc_or_null(s, 4),
		    "zone", mr_store_col_text(s, 5), "source",
		    mr_store_col_text(s, 6), "verified", sqlite3_column_int(s, 7));
	if (strcmp(kind, "euc-county") == 0) {
		json_t *zips = json_array();
		const char *p = mr_store_col_text(s, 3);

		for (; zips != NULL && strlen(p) >= 5; p += p[5] ? 6 : 5)
			json_array_append_new(zips, json_stringn(p, 5));
		return json_pack("{s:s, s:i, s:s, s:s, s:o, s:s, s:b}", "kind",
		    kind, "year", y, "state", mr_store_col_text(s, 1), "county",
		    mr_store_col_text(s, 2), "zips", zips, "source",
		    mr_store_col_text(s, 4), "verified", sqlite3_column_int(s, 5));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "kind", kind,
	    "reason", mr_store_col_text(s, 1), "evidence_kind",
	    mr_store_col_text(s, 2), "source", mr_store_col_text(s, 3),
	    "verified", sqlite3_column_int(s, 4), "advice",
	    sqlite3_column_int(s, 5), "one_of", sqlite3_column_type(s, 6) ==
	    SQLITE_NULL ? json_null() : json_string(mr_store_col_text(s, 6)));
}

json_t *
mr_reference_export(struct mr_store *st, int year, const char *kind,
    struct mr_err *err)
{
	json_t *facts = json_array(), *o, *pack = NULL;
	sqlite3_stmt *s = NULL;
	char date[32];
	int step;

	if (facts == NULL)
		goto oom;
	for (size_t k = 0; k < sizeof export_q / sizeof export_q[0]; k++) {
		if (kind != NULL && strcmp(kind, export_q[k].kind) != 0)
			continue;
		if (mr_store_prepare(st, export_q[k].sql, &s, err) == -1)
			goto fail;
		sqlite3_bind_int(s, 1, year);
		while ((step = sqlite3_step(s)) == SQLITE_ROW) {
			if ((o = export_row(export_q[k].kind, s)) == NULL ||
			    json_array_append_new(facts, o) == -1)
				goto oom;
		}
		if (step != SQLITE_DONE) {
			mr_store_dberr(st, err, "reading reference data");
			goto fail;
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	mr_when_iso_utc(mr_store_now(st), date, sizeof date);
	date[10] = '\0';
	pack = json_pack("{s:s, s:i, s:s, s:s, s:o}", "format", PACK_FORMAT,
	    "version", PACK_VERSION, "date", date, "publisher",
	    "mipsreview reference export", "facts", facts);
	if (pack == NULL) {
		facts = NULL;
		goto oom;
	}
	return pack;
oom:
	mr_err_set(err, MR_EFAIL, "out of memory");
fail:
	sqlite3_finalize(s);
	json_decref(facts);
	return NULL;
}

json_t *
mr_reference_packs(struct mr_store *st, struct mr_err *err)
{
	json_t *a = json_array(), *o;
	sqlite3_stmt *s = NULL;
	int step;

	if (a == NULL || mr_store_prepare(st, "SELECT id, pack_date, digest, "
	    "publisher, origin, facts, changed, conflicts, applied_at, "
	    "applied_by, conflict_names FROM reference_pack ORDER BY id", &s,
	    err) == -1)
		goto fail;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:s, "
		    "s:s}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "date", mr_store_col_text(s, 1),
		    "digest", mr_store_col_text(s, 2),
		    "publisher", mr_store_col_text(s, 3),
		    "origin", mr_store_col_text(s, 4),
		    "facts", sqlite3_column_int(s, 5),
		    "changed", sqlite3_column_int(s, 6),
		    "conflicts", sqlite3_column_int(s, 7),
		    "applied_at", mr_store_col_text(s, 8),
		    "applied_by", mr_store_col_text(s, 9),
		    "conflict_names", mr_store_col_text(s, 10));
		if (o == NULL || json_array_append_new(a, o) == -1) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto fail;
		}
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading reference packs");
		goto fail;
	}
	sqlite3_finalize(s);
	return a;
fail:
	sqlite3_finalize(s);
	json_decref(a);
	return NULL;
}
