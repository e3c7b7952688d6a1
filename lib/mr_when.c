#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/mr_when.h"

/*
 * US zone abbreviations.  The zone's rules (offsets, DST dates) come from
 * tzdata; this table only says which zone an abbreviation
 * names and whether it claims daylight (1), standard (0) or either (-1)
 * time.
 */
static const struct {
	const char	*abbrev;
	const char	*zone;
	int		 daylight;
} us_abbrevs[] = {
	{ "ET", "America/New_York", -1 },
	{ "EST", "America/New_York", 0 },
	{ "EDT", "America/New_York", 1 },
	{ "CT", "America/Chicago", -1 },
	{ "CST", "America/Chicago", 0 },
	{ "CDT", "America/Chicago", 1 },
	{ "MT", "America/Denver", -1 },
	{ "MST", "America/Denver", 0 },
	{ "MDT", "America/Denver", 1 },
	{ "PT", "America/Los_Angeles", -1 },
	{ "PST", "America/Los_Angeles", 0 },
	{ "PDT", "America/Los_Angeles", 1 },
	{ "AKT", "America/Anchorage", -1 },
	{ "AKST", "America/Anchorage", 0 },
	{ "AKDT", "America/Anchorage", 1 },
	{ "HT", "Pacific/Honolulu", -1 },
	{ "HST", "Pacific/Honolulu", 0 },
	{ "HDT", "America/Adak", 1 },
};
#define NABBREVS (sizeof us_abbrevs / sizeof us_abbrevs[0])

/* The standard/daylight names shown for US zones. */
static const struct {
	const char	*zone;
	const char	*std;
	const char	*dst;
} us_names[] = {
	{ "America/New_York", "EST", "EDT" },
	{ "America/Detroit", "EST", "EDT" },
	{ "America/Chicago", "CST", "CDT" },
	{ "America/Denver", "MST", "MDT" },
	{ "America/Phoenix", "MST", "MDT" },
	{ "America/Los_Angeles", "PST", "PDT" },
	{ "America/Anchorage", "AKST", "AKDT" },
	{ "Pacific/Honolulu", "HST", "HDT" },
	{ "America/Adak", "HST", "HDT" },
	{ "America/Puerto_Rico", "AST", "ADT" },
};

static const char *const month_names[] = { "January", "February",
	"March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December" };
static const char *const months[] = { "jan", "feb", "mar", "apr", "may",
	"jun", "jul", "aug", "sep", "oct", "nov", "dec" };

/*
 * The zones' rules come from the system's tzdata through the C library:
 * localtime_r() under TZ=:/usr/share/zoneinfo/ZONE reads the zone's TZif
 * file once and keeps it until TZ names another.
 * libical, which would do the same, brings ICU and the C++ runtime, whose
 * loading costs more than a whole sqlite3 shell: it is left to the
 * calendar.  This module owns TZ in the process: nothing else here calls
 * localtime(); every use is under zone_lock.
 *
 * A listing asks for the same few instants (a window's closing time for
 * each of its cases) in two zones, the announced one and the viewer's,
 * and every change of TZ reads a file, so the answers are kept per
 * (zone, instant) in a small table.
 */
static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;
static char tz_now[64];			/* the zone TZ names, "" at first */

#define ZONE_MEMO	256
static struct zone_answer {
	char	 zone[64];
	time_t	 utc;
	int	 off;
	int	 dst;
	char	 abbrev[16];
} zone_memo[ZONE_MEMO];

static int
is_utc(const char *zone)
{
	return strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0;
}

/*
 * Whether zone names a TZif file of the tzdata folder (into path, the
 * value TZ is given): letters, digits, '_', '-', '+' in parts joined by
 * '/', so TZ never reaches outside it; the C library itself would take
 * any name and fall back to UTC without a word.  The folder is the one
 * libical reads too, whatever $TZDIR says.
 */
static int
zone_file_ok(const char *zone, char *path, size_t size)
{
	char magic[4];
	size_t len = strlen(zone);
	FILE *f;
	int ok;

	if (len == 0 || len >= sizeof zone_memo[0].zone || zone[0] == '/' ||
	    zone[len - 1] == '/' || strstr(zone, "//") != NULL)
		return 0;
	for (const char *c = zone; *c; c++)
		if (!isalnum((unsigned char)*c) && strchr("_-+/", *c) == NULL)
			return 0;
	if (zone[0] == '-' || strstr(zone, "/-") != NULL)
		return 0;
	if (snprintf(path, size, ":/usr/share/zoneinfo/%s", zone) >= (int)size)
		return 0;
	if ((f = fopen(path + 1, "re")) == NULL)
		return 0;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

/*
 * The offset (seconds east), daylight flag and tzdata abbreviation in
 * effect at utc in zone; -1 if zone is not a known zone.
 */
static int
zone_at(const char *zone, time_t utc, int *off, int *dst, char *abbrev)
{
	struct zone_answer *a;
	struct tm tm;
	char path[128];
	unsigned h = 2166136261u;
	int rc = -1;

	if (*zone == '\0')
		return -1;
	if (is_utc(zone)) {
		*off = *dst = 0;
		snprintf(abbrev, 16, "UTC");
		return 0;
	}
	for (const char *c = zone; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	h ^= (unsigned)utc ^ (unsigned)((unsigned long long)utc >> 32);
	a = &zone_memo[(h ^ (h >> 16)) % ZONE_MEMO];
	pthread_mutex_lock(&zone_lock);
	if (a->utc == utc && strcmp(a->zone, zone) == 0)
		goto found;
	if (strcmp(tz_now, zone) != 0) {
		if (!zone_file_ok(zone, path, sizeof path) ||
		    setenv("TZ", path, 1) == -1)	/* lint: mr_when owns TZ */
			goto out;
		tzset();
		snprintf(tz_now, sizeof tz_now, "%s", zone);
	}
	if (localtime_r(&utc, &tm) == NULL)
		goto out;
	snprintf(a->zone, sizeof a->zone, "%s", zone);
	a->utc = utc;
	a->off = (int)tm.tm_gmtoff;
	a->dst = tm.tm_isdst > 0;
	snprintf(a->abbrev, sizeof a->abbrev, "%s", tm.tm_zone ? tm.tm_zone : "");
found:
	*off = a->off;
	*dst = a->dst;
	snprintf(abbrev, 16, "%s", a->abbrev);
	rc = 0;
out:
	pthread_mutex_unlock(&zone_lock);
	return rc;
}

int
mr_when_zone_valid(const char *zone, struct mr_err *err)
{
	int off, dst;
	char ab[16];

	if (zone == NULL || *zone == '\0' || zone_at(zone, 0, &off, &dst,
	    ab) == -1)
		return mr_err_set(err, MR_EINVAL, "zone '%s' is not a known "
		    "IANA time zone; use a name like America/Chicago or "
		    "America/New_York", zone ? zone : "");
	return 0;
}

void
mr_when_init(void)
{
	(void)mr_when_zone_valid("America/New_York", NULL);
}

/* The UTC offset (seconds east) in effect at utc in zone; the zone is known. */
static int
offset_at(const char *zone, time_t utc, int *is_daylight)
{
	int off = 0, dst = 0;
	char ab[16];

	(void)zone_at(zone, utc, &off, &dst, ab);
	if (is_daylight != NULL)
		*is_daylight = dst;
	return off;
}

static int
days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Seconds since the epoch of a wall-clock time taken as UTC. */
static time_t
civil_to_epoch(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	    .tm_hour = h, .tm_min = mi, .tm_sec = s };

	return timegm(&tm);
}

/*
 * tzdata's abbreviation when it is letters ("GMT", "BST", "JST"); tzdata
 * writes numbers ("-03") where no abbreviation is in use, and those are
 * left to the caller's offset.
 */
static int
zone_letters(const char *tzabbrev, char *out)
{
	size_t len = strlen(tzabbrev);

	if (len < 2 || len > 6)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!isupper((unsigned char)tzabbrev[i]))
			return -1;
	snprintf(out, 16, "%s", tzabbrev);
	return 0;
}

int
mr_when_ambiguous(time_t utc, const char *zone)
{
	/* Every change of offset tzdata knows is half an hour, an hour or two. */
	static const int shifts[] = { 1800, 3600, 7200 };
	struct tm a, b;

	if (mr_when_local(utc, zone, &a, NULL, NULL) == -1)
		return 0;
	for (size_t i = 0; i < sizeof shifts / sizeof shifts[0]; i++)
		for (int sign = -1; sign <= 1; sign += 2) {
			if (mr_when_local(utc + sign * shifts[i], zone, &b,
			    NULL, NULL) == -1)
				continue;
			if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday &&
			    a.tm_hour == b.tm_hour && a.tm_min == b.tm_min &&
			    a.tm_sec == b.tm_sec)
				return 1;
		}
	return 0;
}

int
mr_when_local(time_t utc, const char *zone, struct tm *tm, int *is_daylight,
    char *abbrev)
{
	int off, dst;
	char tzab[16];
	time_t t;

	if (zone_at(zone, utc, &off, &dst, tzab) == -1)
		return -1;
	t = utc + off;
	gmtime_r(&t, tm);
	tm->tm_gmtoff = off;
	tm->tm_isdst = dst;
	if (is_daylight != NULL)
		*is_daylight = dst;
	if (abbrev != NULL) {
		abbrev[0] = '\0';
		for (size_t i = 0; i < sizeof us_names / sizeof us_names[0]; i++)
			if (strcmp(us_names[i].zone, zone) == 0)
				snprintf(abbrev, 16, "%s", dst ? us_names[i].dst :
				    us_names[i].std);
		if (abbrev[0] == '\0') {
			if (is_utc(zone))
				snprintf(abbrev, 16, "UTC");
			else if (zone_letters(tzab, abbrev) == 0)
				;
			else
				snprintf(abbrev, 16, "%c%02d:%02d", off < 0 ? '-' : '+',
				    abs(off) / 3600, abs(off) % 3600 / 60);
		}
	}
	return 0;
}

int
mr_when_format_local(time_t utc, const char *zone, char *buf, size_t len)
{
	struct tm tm;
	long off;

	if (mr_when_local(utc, zone, &tm, NULL, NULL) == -1)
		return -1;
	off = tm.tm_gmtoff;
	if (off == 0 && (strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0))
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', labs(off) / 3600,
		    labs(off) % 3600 / 60);
	return 0;
}

int
mr_when_format_human(time_t utc, const char *zone, char *buf, size_t len)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	char ab[16];
	int h;

	if (mr_when_local(utc, zone, &tm, NULL, ab) == -1)
		return -1;
	h = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
	snprintf(buf, len, "%s %d %d %d:%02d %s %s", mon[tm.tm_mon], tm.tm_mday,
	    tm.tm_year + 1900, h, tm.tm_min, tm.tm_hour < 12 ? "AM" : "PM", ab);
	return 0;
}

static void
span(long long s, char *buf, size_t len)
{
	long long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;

	if (d > 0)
		snprintf(buf, len, "%lldd %lldh", d, h);
	else if (h > 0)
		snprintf(buf, len, "%lldh %lldm", h, m);
	else
		snprintf(buf, len, "%lldm", m);
}

void
mr_when_left(time_t now, time_t deadline, char *buf, size_t len)
{
	char s[32];

	if (deadline >= now) {
		span((long long)(deadline - now), buf, len);
		return;
	}
	span((long long)(now - deadline), s, sizeof s);
	snprintf(buf, len, "OVERDUE %s", s);
}

int
mr_when_parse_duration(const char *text, long long *seconds, struct mr_err *err)
{
	const char *p = text;
	long long total = 0, v, unit;
	char *end;

	if (*p == '\0')
		goto bad;
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p))
			goto bad;
		errno = 0;
		v = strtoll(p, &end, 10);
		if (errno != 0 || v > 100000)
			goto bad;
		switch (*end) {
		case 'w': unit = 7 * 86400; break;
		case 'd': unit = 86400; break;
		case 'h': unit = 3600; break;
		case 'm': unit = 60; break;
		case 's': unit = 1; break;
		default: goto bad;
		}
		total += v * unit;
		p = end + 1;
	}
	*seconds = total;
	return 0;
bad:
	return mr_err_set(err, MR_EINVAL, "duration '%s': a number and a unit "
	    "like 30d, 12h, 90m or 2w is expected", text);
}

/* ---- parsing ---- */

struct parsed {
	int	 y, mo, d, h, mi, s;
	int	 have_date, have_time;
	int	 have_offset;
	int	 offset;		/* seconds east */
	char	 zone[64];		/* IANA name, "" if none */
	int	 want_dst;		/* -1: any; from an abbreviation */
	char	 abbrev[8];
};

static int
parse_month(const char *tok)
{
	for (int i = 0; i < 12; i++)
		if (strncasecmp(tok, months[i], 3) == 0)
			return i + 1;
	return 0;
}

/* "-05:00", "+0530", "Z": the offset in seconds east; -1 if not one. */
static int
parse_offset(const char *s, int *off)
{
	int sign, h, m = 0;

	if (strcmp(s, "Z") == 0 || strcmp(s, "z") == 0) {
		*off = 0;
		return 0;
	}
	if (s[0] != '+' && s[0] != '-')
		return -1;
	sign = s[0] == '-' ? -1 : 1;
	if (isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2])) {
		h = (s[1] - '0') * 10 + (s[2] - '0');
		s += 3;
		if (*s == ':')
			s++;
		if (*s != '\0') {
			if (!isdigit((unsigned char)s[0]) ||
			    !isdigit((unsigned char)s[1]) || s[2] != '\0')
				return -1;
			m = (s[0] - '0') * 10 + (s[1] - '0');
		}
		if (h > 14 || m > 59)
			return -1;
		*off = sign * (h * 3600 + m * 60);
		return 0;
	}
	return -1;
}

/* "19:00", "19:00:30", "7pm", "7:00", "12" with an am/pm that may follow. */
static int
parse_clock(const char *tok, int *h, int *mi, int *s, int *ampm)
{
	char *end;
	long v;

	*mi = *s = 0;
	*ampm = 0;
	errno = 0;
	v = strtol(tok, &end, 10);
	if (end == tok || v < 0 || v > 24)
		return -1;
	*h = (int)v;
	if (*end == ':') {
		if (!isdigit((unsigned char)end[1]) || !isdigit((unsigned char)end[2]))
			return -1;
		*mi = (end[1] - '0') * 10 + (end[2] - '0');
		end += 3;
		if (*end == ':') {
			if (!isdigit((unsigned char)end[1]) ||
			    !isdigit((unsigned char)end[2]))
				return -1;
			*s = (end[1] - '0') * 10 + (end[2] - '0');
			end += 3;
		}
	}
	if (*end == '\0')
		return 0;
	if (strcasecmp(end, "am") == 0 || strcasecmp(end, "a.m.") == 0) {
		*ampm = 1;
		return 0;
	}
	if (strcasecmp(end, "pm") == 0 || strcasecmp(end, "p.m.") == 0) {
		*ampm = 2;
		return 0;
	}
	return -1;
}

static int
apply_ampm(int *h, int ampm)
{
	if (ampm == 0)
		return 0;
	if (*h < 1 || *h > 12)
		return -1;
	if (ampm == 1 && *h == 12)
		*h = 0;
	else if (ampm == 2 && *h != 12)
		*h += 12;
	return 0;
}

static int
is_zone_token(const char *tok, struct parsed *p)
{
	for (size_t i = 0; i < NABBREVS; i++)
		if (strcasecmp(tok, us_abbrevs[i].abbrev) == 0) {
			snprintf(p->zone, sizeof p->zone, "%s", us_abbrevs[i].zone);
			p->want_dst = us_abbrevs[i].daylight;
			snprintf(p->abbrev, sizeof p->abbrev, "%s", us_abbrevs[i].abbrev);
			return 1;
		}
	if (strcasecmp(tok, "UTC") == 0 || strcasecmp(tok, "GMT") == 0 ||
	    strcmp(tok, "Z") == 0) {
		p->have_offset = 1;
		p->offset = 0;
		return 1;
	}
	if (strchr(tok, '/') != NULL) {
		snprintf(p->zone, sizeof p->zone, "%s", tok);
		return 1;
	}
	if (parse_offset(tok, &p->offset) == 0) {
		p->have_offset = 1;
		return 1;
	}
	return 0;
}

/* Split an ISO "2024-10-11T19:00:00-05:00" into date, clock and offset. */
static int
parse_iso_date(const char *tok, struct parsed *p, const char **rest)
{
	char *end;

	if (!(isdigit((unsigned char)tok[0]) && isdigit((unsigned char)tok[1]) &&
	    isdigit((unsigned char)tok[2]) && isdigit((unsigned char)tok[3]) &&
	    tok[4] == '-'))
		return -1;
	p->y = (int)strtol(tok, &end, 10);
	if (*end != '-')
		return -1;
	p->mo = (int)strtol(end + 1, &end, 10);
	if (*end != '-')
		return -1;
	p->d = (int)strtol(end + 1, &end, 10);
	p->have_date = 1;
	*rest = end;
	return 0;
}

static int
tokenize(const char *text, char toks[][64], int max)
{
	int n = 0;
	const char *p = text;

	while (*p != '\0') {
		size_t len = 0;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (n == max)
			return -1;
		while (p[len] != '\0' && p[len] != ' ' && p[len] != '\t' &&
		    p[len] != ',')
			len++;
		if (len >= 64)
			return -1;
		memcpy(toks[n], p, len);
		toks[n][len] = '\0';
		n++;
		p += len;
	}
	return n;
}

static int
parse_text(const char *what, const char *text, struct parsed *p,
    struct mr_err *err)
{
	char toks[8][64];
	int n, i, ampm = 0;
	const char *rest;

	memset(p, 0, sizeof *p);
	p->want_dst = -1;
	if ((n = tokenize(text, toks, 8)) <= 0)
		goto bad;
	for (i = 0; i < n; i++) {
		char *t = toks[i];

		if (!p->have_date && parse_iso_date(t, p, &rest) == 0) {
			if (*rest == 'T' || *rest == 't') {
				char clock[64], *q;

				snprintf(clock, sizeof clock, "%s", rest + 1);
				/* the offset starts at Z, + or - after the clock */
				q = strpbrk(clock, "Zz+-");
				if (q != NULL) {
					if (parse_offset(q, &p->offset) == -1)
						goto bad;
					p->have_offset = 1;
					*q = '\0';
				}
				if (parse_clock(clock, &p->h, &p->mi, &p->s, &ampm) == -1 ||
				    ampm != 0)
					goto bad;
				p->have_time = 1;
			} else if (*rest != '\0')
				goto bad;
			continue;
		}
		if (!p->have_date && parse_month(t) != 0 && i + 2 < n) {
			/* "Oct 11 2024" or "October 11, 2024" */
			char *end;

			p->mo = parse_month(t);
			p->d = (int)strtol(toks[i + 1], &end, 10);
			if (*end != '\0')
				goto bad;
			p->y = (int)strtol(toks[i + 2], &end, 10);
			if (*end != '\0' || p->y < 1000)
				goto bad;
			p->have_date = 1;
			i += 2;
			continue;
		}
		if (!p->have_time && isdigit((unsigned char)t[0])) {
			if (parse_clock(t, &p->h, &p->mi, &p->s, &ampm) == 0) {
				if (ampm == 0 && i + 1 < n) {
					if (strcasecmp(toks[i + 1], "am") == 0 ||
					    strcasecmp(toks[i + 1], "a.m.") == 0)
						ampm = 1, i++;
					else if (strcasecmp(toks[i + 1], "pm") == 0 ||
					    strcasecmp(toks[i + 1], "p.m.") == 0)
						ampm = 2, i++;
				}
				if (apply_ampm(&p->h, ampm) == -1)
					goto bad;
				p->have_time = 1;
				continue;
			}
		}
		if (strcasecmp(t, "noon") == 0 && !p->have_time) {
			p->h = 12;
			p->have_time = 1;
			continue;
		}
		if (strcasecmp(t, "midnight") == 0 && !p->have_time) {
			p->h = 24;	/* the end of the named day */
			p->have_time = 1;
			continue;
		}
		if (p->zone[0] == '\0' && !p->have_offset && is_zone_token(t, p))
			continue;
		if (p->zone[0] != '\0' && !p->have_offset &&
		    parse_offset(t, &p->offset) == 0) {
			p->have_offset = 1;
			continue;
		}
		return mr_err_set(err, MR_EINVAL, "%s '%s': '%s' is not a date, "
		    "a time of day or a zone", what, text, t);
	}
	if (!p->have_date)
		return mr_err_set(err, MR_EINVAL, "%s '%s': no date; write e.g. "
		    "'2024-10-11 19:00 America/Chicago'", what, text);
	/* A day the calendar lacks is the mistake, whatever else is missing. */
	if (p->mo < 1 || p->mo > 12)
		return mr_err_set(err, MR_EINVAL, "%s '%s': not a date: there is "
		    "no month %d; write e.g. '2024-10-11 20:00 ET'", what, text,
		    p->mo);
	if (p->d < 1 || p->d > days_in_month(p->y, p->mo))
		return mr_err_set(err, MR_EINVAL, "%s '%s': not a date: %s %04d "
		    "has %d days; write e.g. '2024-10-11 20:00 ET'", what, text,
		    month_names[p->mo - 1], p->y, days_in_month(p->y, p->mo));
	if (!p->have_time)
		return mr_err_set(err, MR_EINVAL, "%s '%s': no time of day; "
		    "deadlines are instants, write e.g. '2024-10-11 20:00 ET'",
		    what, text);
	if (p->h > 24 || p->mi > 59 || p->s > 59 ||
	    (p->h == 24 && (p->mi != 0 || p->s != 0)))
		return mr_err_set(err, MR_EINVAL, "%s '%s': %02d:%02d is not a "
		    "time of day", what, text, p->h, p->mi);
	return 0;
bad:
	return mr_err_set(err, MR_EINVAL, "%s '%s' is not understood; write "
	    "e.g. '2024-10-11 19:00 America/Chicago', '2024-10-11 7pm CDT' or "
	    "'2024-10-12T00:00:00Z'", what, text);
}

int
mr_when_parse(const char *text, const char *default_zone, struct mr_when *out,
    struct mr_err *err)
{
	return mr_when_parse_as("time", text, default_zone, out, err);
}

int
mr_when_parse_as(const char *what, const char *text, const char *default_zone,
    struct mr_when *out, struct mr_err *err)
{
	struct parsed p;
	time_t wall, cand[2];
	int offs[2], dst[2], valid[2], nvalid = 0, ndst, nstd;
	const char *zone;

	if (parse_text(what, text, &p, err) == -1)
		return -1;
	/* 24:00 is the end of the day: 00:00 of the next. */
	wall = civil_to_epoch(p.y, p.mo, p.d, p.h == 24 ? 0 : p.h, p.mi, p.s) +
	    (p.h == 24 ? 86400 : 0);
	zone = p.zone[0] ? p.zone : (default_zone && *default_zone ?
	    default_zone : NULL);
	if (zone == NULL && !p.have_offset)
		return mr_err_set(err, MR_EINVAL, "%s '%s': no zone; add one, "
		    "e.g. 'America/Chicago', 'CT' or '-05:00'", what, text);
	if (zone == NULL)
		zone = "UTC";
	if (mr_when_zone_valid(zone, NULL) == -1)
		return mr_err_set(err, MR_EINVAL, "%s '%s': zone '%s' is not a "
		    "known IANA time zone; use a name like America/Chicago",
		    what, text, zone);
	snprintf(out->zone, sizeof out->zone, "%s", zone);
	if (p.have_offset) {
		out->utc = wall - p.offset;
		return 0;
	}
	/*
	 * The wall time maps to an instant through the offsets in effect
	 * just before and just after it; each candidate holds only if that
	 * offset really is in effect at the instant it gives.  None: a
	 * spring-forward gap.  Two: a fall-back overlap.
	 */
	offs[0] = offset_at(zone, wall - 86400, NULL);
	offs[1] = offset_at(zone, wall + 86400, NULL);
	for (int i = 0; i < 2; i++) {
		cand[i] = wall - offs[i];
		valid[i] = offset_at(zone, cand[i], &dst[i]) == offs[i];
	}
	if (offs[0] == offs[1]) {
		valid[1] = 0;
		if (!valid[0]) {	/* a change within the day: look closer */
			offs[0] = offset_at(zone, wall - 7200, NULL);
			cand[0] = wall - offs[0];
			valid[0] = offset_at(zone, cand[0], &dst[0]) == offs[0];
		}
	}
	ndst = nstd = 0;
	for (int i = 0; i < 2; i++)
		if (valid[i]) {
			nvalid++;
			if (dst[i])
				ndst++;
			else
				nstd++;
		}
	if (nvalid == 0)
		return mr_err_set(err, MR_EINVAL, "%s '%s': %02d:%02d on "
		    "%04d-%02d-%02d does not exist in %s (the clocks spring "
		    "forward); give the time after the change", what, text, p.h, p.mi,
		    p.y, p.mo, p.d, zone);
	if (p.want_dst >= 0) {
		for (int i = 0; i < 2; i++)
			if (valid[i] && dst[i] == p.want_dst) {
				out->utc = cand[i];
				return 0;
			}
		{
			char right[8] = "";

			for (size_t i = 0; i < NABBREVS; i++)
				if (strcmp(us_abbrevs[i].zone, zone) == 0 &&
				    us_abbrevs[i].daylight == !p.want_dst)
					snprintf(right, sizeof right, "%s",
					    us_abbrevs[i].abbrev);
			return mr_err_set(err, MR_EINVAL, "%s '%s': %s is not in "
			    "effect in %s on %04d-%02d-%02d; use %s%s", what, text,
			    p.abbrev, zone, p.y, p.mo, p.d, right[0] ? right :
			    "the zone's name", strcmp(p.abbrev, "MST") == 0 ?
			    " (for Arizona, name the zone: America/Phoenix)" : "");
		}
	}
	if (nvalid == 2 && cand[0] != cand[1])
		return mr_err_set(err, MR_EINVAL, "%s '%s': %02d:%02d on "
		    "%04d-%02d-%02d happens twice in %s (the clocks fall back); "
		    "settle it with an offset or a daylight/standard "
		    "abbreviation", what, text, p.h, p.mi, p.y, p.mo, p.d, zone);
	out->utc = valid[0] ? cand[0] : cand[1];
	return 0;
}

void
mr_when_iso_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
