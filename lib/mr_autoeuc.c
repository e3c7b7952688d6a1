#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "lib/mr_autoeuc.h"
#include "lib/mr_store.h"

/* The states, DC and the territories, by their USPS codes. */
static const char states[] =
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI "
    "MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT "
    "VA WA WV WI WY PR GU VI AS MP";

#define COUNTY_MAX	80

int
mr_autoeuc_state_valid(const char *s)
{
	const char *p;

	if (strlen(s) != 2 || !isupper((unsigned char)s[0]) ||
	    !isupper((unsigned char)s[1]))
		return 0;
	for (p = states; (p = strstr(p, s)) != NULL; p++)
		if ((p - states) % 3 == 0)
			return 1;
	return 0;
}

int
mr_autoeuc_county_parse(const char *s, char *out, size_t outlen,
    struct mr_err *err)
{
	const char *comma = strrchr(s, ','), *p;
	char name[COUNTY_MAX + 1], st[3];
	size_t n = 0;
	int blank = 0;

	if (comma == NULL)
		return mr_err_set(err, MR_EINVAL, "county '%.80s': NAME, ST is "
		    "expected, e.g. \"Kerr, TX\"", s);
	for (p = s; p < comma; p++) {
		unsigned char ch = (unsigned char)*p;

		if (isspace(ch)) {
			blank = n > 0;
			continue;
		}
		if (!isalpha(ch) && ch != '.' && ch != '\'' && ch != '-')
			return mr_err_set(err, MR_EINVAL, "county '%.80s': a "
			    "county's name has letters, blanks, '.', ''' and "
			    "'-' only", s);
		if (n + 2 > COUNTY_MAX)
			return mr_err_set(err, MR_EINVAL, "county '%.80s': the "
			    "name is longer than %d characters", s, COUNTY_MAX);
		if (blank)
			name[n++] = ' ';
		blank = 0;
		name[n++] = (char)ch;
	}
	name[n] = '\0';
	for (p = comma + 1; isspace((unsigned char)*p); p++)
		;
	if (n == 0 || !isalpha((unsigned char)p[0]) ||
	    !isalpha((unsigned char)p[1]))
		return mr_err_set(err, MR_EINVAL, "county '%.80s': NAME, ST is "
		    "expected, e.g. \"Kerr, TX\"", s);
	st[0] = (char)toupper((unsigned char)p[0]);
	st[1] = (char)toupper((unsigned char)p[1]);
	st[2] = '\0';
	for (p += 2; isspace((unsigned char)*p); p++)
		;
	if (*p != '\0' || strstr(states, st) == NULL || strchr(st, ' '))
		return mr_err_set(err, MR_EINVAL, "county '%.80s': '%s' is not "
		    "a state or territory code (like TX or PR)", s, st);
	if ((size_t)snprintf(out, outlen, "%s, %s", name, st) >= outlen)
		return mr_err_set(err, MR_EINVAL, "county '%.80s': too long", s);
	return 0;
}

int
mr_autoeuc_zip_parse(const char *s, char out[6], struct mr_err *err)
{
	size_t n = strspn(s, "0123456789");

	if (n != 5 || (s[5] != '\0' && !(s[5] == '-' &&
	    strspn(s + 6, "0123456789") == 4 && s[10] == '\0')))
		return mr_err_set(err, MR_EINVAL, "zip '%.40s': a ZIP code of "
		    "five digits (or ZIP+4, 12345-6789) is expected", s);
	memcpy(out, s, 5);
	out[5] = '\0';
	return 0;
}

/*
 * A county's name as compared: lower case, no periods, "saint" as "st",
 * without the word "county" or "parish" at the end (CMS's crosswalk writes
 * "kerr" and "st tammany parish"; an officer "Kerr County").
 */
static void
norm(const char *in, char *out, size_t len)
{
	static const char *const tails[] = { " county", " parish", " borough",
	    " municipio", " municipality", " census area", NULL };
	size_t n = 0, tl;

	for (; *in && n + 1 < len; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch == '.')
			continue;
		if (isspace(ch)) {
			if (n > 0 && out[n - 1] != ' ')
				out[n++] = ' ';
			continue;
		}
		out[n++] = (char)tolower(ch);
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	if (strncmp(out, "saint ", 6) == 0) {
		out[1] = 't';
		memmove(out + 2, out + 5, strlen(out + 5) + 1);
	}
	for (int i = 0; tails[i] != NULL; i++) {
		tl = strlen(tails[i]);
		n = strlen(out);
		if (n > tl && strcmp(out + n - tl, tails[i]) == 0) {
			out[n - tl] = '\0';
			break;
		}
	}
}

/* 1 when a name says what kind of area it is ("Orleans Parish"). */
static int
area_named(const char *name)
{
	static const char *const words[] = { "county", "parish", "borough",
	    "municipio", "municipality", "census area", "city", "reservation",
	    "indians", "nation", NULL };
	char low[COUNTY_MAX + 8];
	size_t n;

	for (n = 0; name[n] && n + 1 < sizeof low; n++)
		low[n] = (char)tolower((unsigned char)name[n]);
	low[n] = '\0';
	for (int i = 0; words[i] != NULL; i++)
		if (strstr(low, words[i]) != NULL)
			return 1;
	return 0;
}

/* CMS's lower-case name as a person writes it: "St Tammany Parish". */
static void
title(const char *in, char *out, size_t len)
{
	size_t n = 0;
	int start = 1;

	for (; *in && n + 1 < len; in++) {
		out[n++] = start ? (char)toupper((unsigned char)*in) : *in;
		start = *in == ' ' || *in == '-';
	}
	out[n] = '\0';
}

static void
append(char *buf, size_t len, const char *sep, const char *s)
{
	size_t n = strlen(buf);

	if (n + 1 < len)
		snprintf(buf + n, len - n, "%s%s", n ? sep : "", s);
}

int
mr_autoeuc_find(struct mr_store *st, int year, const char *county,
    const char *zip, struct mr_autoeuc_match *m, struct mr_err *err)
{
	sqlite3_stmt *q = NULL;
	char want[COUNTY_MAX + 8], have[COUNTY_MAX + 8], name[COUNTY_MAX + 8];
	const char *comma;
	char state[3] = "";
	int rc = -1, step;

	memset(m, 0, sizeof *m);
	if (mr_store_prepare(st, "SELECT source, verified FROM euc_county "
	    "WHERE performance_year = ? LIMIT 1", &q, err) == -1)
		goto out;
	sqlite3_bind_int(q, 1, year);
	if ((step = sqlite3_step(q)) == SQLITE_ROW) {
		m->year_listed = 1;
		snprintf(m->source, sizeof m->source, "%s",
		    mr_store_col_text(q, 0));
		m->verified = sqlite3_column_int(q, 1);
	} else if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the automatic EUC counties");
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (county != NULL && *county != '\0' &&
	    (comma = strrchr(county, ',')) != NULL) {
		snprintf(m->place, sizeof m->place, "%.*s, %s",
		    (int)(comma - county), county, comma + 2);
		snprintf(state, sizeof state, "%s", comma + 2);
		snprintf(name, sizeof name, "%.*s", (int)(comma - county), county);
		norm(name, want, sizeof want);
		/* "Kerr, TX" reads better as "Kerr County, TX". */
		if (!area_named(name))
			snprintf(m->place, sizeof m->place, "%s County, %s",
			    name, state);
	} else if (zip != NULL && *zip != '\0')
		snprintf(m->place, sizeof m->place, "ZIP %s", zip);
	else {
		m->finding = MR_AUTOEUC_UNKNOWN;
		rc = 0;
		goto out;
	}
	if (!m->year_listed) {
		m->finding = MR_AUTOEUC_UNKNOWN;
		rc = 0;
		goto out;
	}
	if (state[0] != '\0') {
		if (mr_store_prepare(st, "SELECT county, source, verified FROM "
		    "euc_county WHERE performance_year = ? AND state = ?", &q,
		    err) == -1)
			goto out;
		sqlite3_bind_int(q, 1, year);
		sqlite3_bind_text(q, 2, state, -1, SQLITE_STATIC);
		m->finding = MR_AUTOEUC_NOT_COVERED;
		while ((step = sqlite3_step(q)) == SQLITE_ROW) {
			norm(mr_store_col_text(q, 0), have, sizeof have);
			if (strcmp(have, want) == 0) {
				m->finding = MR_AUTOEUC_COVERED;
				snprintf(m->source, sizeof m->source, "%s",
				    mr_store_col_text(q, 1));
				m->verified = sqlite3_column_int(q, 2);
				break;
			}
		}
	} else {
		if (mr_store_prepare(st, "SELECT county, state, source, verified "
		    "FROM euc_county WHERE performance_year = ? AND ' ' || zips "
		    "|| ' ' LIKE '% ' || ? || ' %' ORDER BY state, county", &q,
		    err) == -1)
			goto out;
		sqlite3_bind_int(q, 1, year);
		sqlite3_bind_text(q, 2, zip, -1, SQLITE_STATIC);
		m->finding = MR_AUTOEUC_NOT_COVERED;
		while ((step = sqlite3_step(q)) == SQLITE_ROW) {
			m->finding = MR_AUTOEUC_POSSIBLE;
			title(mr_store_col_text(q, 0), name, sizeof name);
			append(m->counties, sizeof m->counties, "; ", name);
			append(m->counties, sizeof m->counties, ", ",
			    mr_store_col_text(q, 1));
			snprintf(m->source, sizeof m->source, "%s",
			    mr_store_col_text(q, 2));
			m->verified = sqlite3_column_int(q, 3);
		}
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the automatic EUC counties");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(q);
	return rc;
}

const char *
mr_autoeuc_finding_name(enum mr_autoeuc_finding f)
{
	switch (f) {
	case MR_AUTOEUC_COVERED:
		return "covered";
	case MR_AUTOEUC_POSSIBLE:
		return "possibly";
	case MR_AUTOEUC_NOT_COVERED:
		return "not-covered";
	default:
		return "unknown";
	}
}

void
mr_autoeuc_summary(const struct mr_autoeuc_match *m, int year, char *buf,
    size_t len)
{
	if (m->place[0] == '\0') {
		snprintf(buf, len, "%s", "");
		return;
	}
	switch (m->finding) {
	case MR_AUTOEUC_COVERED:
		snprintf(buf, len, "covered by automatic EUC in PY%d (%s)", year,
		    m->place);
		break;
	case MR_AUTOEUC_POSSIBLE:
		snprintf(buf, len, "possibly covered by automatic EUC in PY%d "
		    "(%s lies in %s; the county decides)", year, m->place,
		    m->counties);
		break;
	case MR_AUTOEUC_NOT_COVERED:
		snprintf(buf, len, "not covered by automatic EUC in PY%d (%s)",
		    year, m->place);
		break;
	default:
		snprintf(buf, len, "unknown: CMS's automatic EUC areas of PY%d "
		    "are not in the reference data (%s)", year, m->place);
		break;
	}
}

json_t *
mr_autoeuc_to_json(const struct mr_autoeuc_match *m, int year)
{
	char summary[512];

	if (m->place[0] == '\0')
		return json_null();
	mr_autoeuc_summary(m, year, summary, sizeof summary);
	return json_pack("{s:s, s:i, s:s, s:o, s:s, s:o, s:o}",
	    "finding", mr_autoeuc_finding_name(m->finding),
	    "performance_year", year,
	    "place", m->place,
	    "counties", m->counties[0] ? json_string(m->counties) : json_null(),
	    "summary", summary,
	    "source", m->year_listed ? json_string(m->source) : json_null(),
	    "verified", m->year_listed ? json_boolean(m->verified) : json_null());
}
